package org.lipreg.experiments.config;

/** {@code data.type}: where the examples come from ({@code Datasets} loads each). */
public enum DataType implements Choice {
    /** Generated shapes. */
    SYNTHETIC("synthetic", "generated shapes, offline (data.trainSize, data.testSize, data.noise)"),
    /** Generated shapes in colour. */
    SYNTHETIC_RGB("synthetic-rgb", "the generated shapes as tinted 3×32×32 colour images (the shape of CIFAR-10), offline"),
    /** IDX files. */
    IDX("idx", "MNIST-format IDX files in the directory data.path"),
    /** A numeric table. */
    CSV("csv", "a numeric table in the file data.path, the last column the label"),
    /** Text for the language model. */
    TEXT("text", "whitespace-tokenized lines (PTB format), data.trainFile and data.testFile in data.path; model.preset transformer"),
    /** DJL's MNIST. */
    MNIST("mnist", "MNIST through DJL (downloaded on first use)"),
    /** DJL's Fashion-MNIST. */
    FASHION_MNIST("fashion-mnist", "Fashion-MNIST through DJL (downloaded on first use)"),
    /** DJL's CIFAR-10. */
    CIFAR10("cifar10", "CIFAR-10 through DJL (downloaded on first use)");

    private final String id;
    private final String meaning;

    DataType(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String meaning() {
        return meaning;
    }
}
