package org.lipreg.experiments.run;

import org.lipreg.experiments.data.TrainTestData;
import org.lipreg.experiments.text.TextData;
import org.lipreg.training.runner.TrainingResult;

import java.nio.file.Path;

/**
 * A finished training run.
 *
 * @param directory the run directory
 * @param training the runner's result (metrics of all epochs)
 * @param data the data it trained and was tested on; null for a language model ({@code data.type: text})
 * @param text the text data of a language model; null otherwise
 */
public record RunResult(Path directory, TrainingResult training, TrainTestData data, TextData text) {}
