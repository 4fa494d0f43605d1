package org.lipreg.experiments.data;

/**
 * A training set and a test set with the same example shape and classes.
 *
 * @param train the training examples
 * @param test the held-out examples
 * @param description where they came from, for logs and summaries
 * @param standardization how raw table rows were turned into these examples (csv data), else null
 */
public record TrainTestData(ImageData train, ImageData test, String description, Standardization standardization) {

    /**
     * Data that needs no standardization file (images).
     *
     * @param train the training examples
     * @param test the held-out examples
     * @param description where they came from
     */
    public TrainTestData(ImageData train, ImageData test, String description) {
        this(train, test, description, null);
    }

    /**
     * Checks that the two sets are compatible.
     *
     * @param train the training examples
     * @param test the held-out examples
     * @param description where they came from
     * @param standardization how raw table rows were turned into these examples, or null
     */
    public TrainTestData {
        if (!train.exampleShape().equals(test.exampleShape())) {
            throw new IllegalArgumentException(
                    "train examples are " + train.exampleShape() + ", test examples " + test.exampleShape());
        }
    }

    /**
     * Returns the number of classes (the larger of the two sets' counts).
     *
     * @return the number of classes
     */
    public int numClasses() {
        return Math.max(train.numClasses(), test.numClasses());
    }
}
