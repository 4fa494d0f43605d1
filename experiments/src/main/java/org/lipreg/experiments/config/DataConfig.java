package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The dataset and how it is batched. */
@JsonPropertyOrder({"type", "path", "trainFile", "testFile", "trainSize", "testSize", "classes", "batchSize", "noise", "trainingNoise"})
@Section("the dataset and how it is batched")
public final class DataConfig {


    /**
     * {@code synthetic} (generated shapes, offline), {@code synthetic-rgb} (the same shapes as
     * tinted 3×32×32 colour images, the shape of CIFAR-10), {@code idx} (MNIST-format files in {@link
     * #path}), {@code csv} (a numeric table in {@link #path}, see {@code CsvData}), {@code text}
     * (whitespace-tokenized lines, PTB format: {@link #trainFile} and {@link #testFile} in {@link
     * #path}, for the {@code transformer} language model), or a DJL dataset that is downloaded on first use: {@code mnist}, {@code
     * fashion-mnist}, {@code cifar10}.
     */
    @Key(value = "where the examples come from", usedBy = "Datasets", choices = DataType.class)
    public String type = "synthetic";

    /**
     * For {@code idx}: the directory holding the IDX files; for {@code csv}: the table file; for
     * {@code text}: the directory holding {@link #trainFile} and {@link #testFile}.
     */
    @Key(value = "idx: the directory of IDX files; csv: the table file; text: the directory of trainFile and testFile", usedBy = "Datasets", optional = true)
    public String path;

    /**
     * For {@code text}: the training file inside {@link #path} (e.g. {@code ptb.valid.txt}); the
     * vocabulary is built from it.
     */
    @Key(value = "text: the training file in path (the vocabulary is built from it)", usedBy = "TextData", optional = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String trainFile;

    /** For {@code text}: the evaluation file inside {@link #path} (e.g. {@code ptb.test.txt}). */
    @Key(value = "text: the evaluation file in path", usedBy = "TextData", optional = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String testFile;

    /**
     * Number of training examples. Synthetic: how many to generate (default 8000). IDX with a
     * single file pair or csv: the first {@code trainSize} examples (default 80 %). Otherwise: a cap.
     */
    @Key(value = "training examples: synthetic how many (8000); one idx file pair or csv the first ones (80 %); else a cap", usedBy = "Datasets", min = 1, optional = true)
    public Integer trainSize;

    /**
     * Number of test examples. Synthetic: how many to generate (default 2000). IDX with a single
     * file pair or csv: the last {@code testSize} examples (default the rest). Otherwise: a cap.
     */
    @Key(value = "test examples: synthetic how many (2000); one idx file pair or csv the last ones (the rest); else a cap", usedBy = "Datasets", min = 1, optional = true)
    public Integer testSize;

    /**
     * The number of classes, the model's outputs; labels must lie in {@code [0, classes)}. Never
     * taken from the largest label, so one stray label cannot add classes. IDX: default 10 (MNIST),
     * at most 256 (labels are bytes). csv: when set, labels are class indices in {@code [0,
     * classes)}; when not, the distinct label values are the classes in sorted order. The other
     * labelled types have 10 classes by construction.
     */
    @Key(value = "number of classes, labels in [0, classes); idx default 10 (at most 256), csv default the distinct labels", usedBy = "Datasets", min = 2, optional = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer classes;

    /** Examples per training step. */
    @Key(value = "examples per training step", usedBy = "RunExecutor → training", min = 1)
    public int batchSize = 64;

    /** For {@code synthetic}: standard deviation of the pixel noise. */
    @Key(value = "synthetic: standard deviation of the pixel noise", usedBy = "SyntheticShapes", min = 0, max = 1)
    public double noise = 0.2;

    /**
     * Standard deviation of Gaussian noise added to every training input (not to test inputs),
     * in the inputs' units (pixels in [0, 1]); 0 turns it off. Train at the σ you will certify
     * with randomized smoothing.
     */
    @Key(value = "standard deviation of Gaussian noise added to training inputs (0: off); train at the σ you certify with", usedBy = "RunExecutor", min = 0)
    public double trainingNoise = 0;
}
