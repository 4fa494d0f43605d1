package org.lipreg.experiments.text;

import org.lipreg.experiments.config.DataConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Language-modelling data ({@code data.type: text}): a training and a test file of
 * whitespace-tokenized lines, the vocabulary of the training file, and both streams cut into
 * windows.
 *
 * @param vocabulary built from the training file
 * @param train the training windows
 * @param test the test windows
 * @param trainTokens tokens in the training stream (end-of-sentence tokens included)
 * @param testTokens tokens in the test stream
 * @param testUnknown test tokens that are {@code <unk>} (PTB's own and words unseen in training)
 * @param description where the data came from, for logs and summaries
 */
public record TextData(
        Vocabulary vocabulary, TokenWindows train, TokenWindows test, int trainTokens, int testTokens,
        int testUnknown, String description) {

    /**
     * Reads the files a config names.
     *
     * @param config the data config (type text, validated)
     * @param length the window length L
     * @param baseDir the directory relative paths are resolved against
     * @return the data
     * @throws IOException naming the key and the file when a file is missing, unreadable or too short
     */
    public static TextData load(DataConfig config, int length, Path baseDir) throws IOException {
        Path dir = baseDir.resolve(config.path);
        Path trainFile = dir.resolve(config.trainFile);
        Path testFile = dir.resolve(config.testFile);
        List<String> trainLines = read("data.trainFile", trainFile);
        List<String> testLines = read("data.testFile", testFile);
        Vocabulary vocabulary = Vocabulary.build(trainLines);
        int[] trainStream = vocabulary.encode(trainLines);
        int[] testStream = vocabulary.encode(testLines);
        TokenWindows train = cut("data.trainFile", trainFile, trainStream, length, config.trainSize);
        TokenWindows test = cut("data.testFile", testFile, testStream, length, config.testSize);
        int unknown = 0;
        for (int id : testStream) {
            if (id == 0) {
                unknown++;
            }
        }
        String description = "text " + trainFile + " (" + trainStream.length + " tokens, " + train.windows()
                + " windows) / " + testFile + " (" + testStream.length + " tokens, " + test.windows() + " windows), "
                + "vocabulary " + vocabulary.size() + ", window " + length;
        return new TextData(vocabulary, train, test, trainStream.length, testStream.length, unknown, description);
    }

    private static List<String> read(String key, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(key + ": " + file + " does not exist or is not a file (data.path + " + key + ")");
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException(key + ": " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static TokenWindows cut(String key, Path file, int[] stream, int length, Integer cap) throws IOException {
        try {
            return TokenWindows.cut(stream, length, cap);
        } catch (IllegalArgumentException e) {
            throw new IOException(key + ": " + file + ": " + e.getMessage() + " (model.sequenceLength is " + length + ")", e);
        }
    }
}
