package org.lipreg.experiments.text;

import org.lipreg.training.internal.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word ↔ id for whitespace-tokenized text (PTB format). Id 0 is {@value #UNKNOWN} (every word not
 * seen in the training file, and PTB's own {@code <unk>}), id 1 is {@value #END_OF_SENTENCE}
 * (appended to every line), then the training file's words in order of first occurrence.
 */
public final class Vocabulary {

    /** The unknown word; PTB writes rare words as this token already. */
    public static final String UNKNOWN = "<unk>";

    /** The end-of-sentence token appended to every line. */
    public static final String END_OF_SENTENCE = "<eos>";

    /** The file a run directory keeps the vocabulary in: one word a line, line i (from 0) is id i. */
    public static final String FILE = "vocabulary.txt";

    private final List<String> words;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> words) {
        this.words = Collections.unmodifiableList(words);
        this.ids = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            ids.put(words.get(i), i);
        }
    }

    /**
     * Builds the vocabulary of the training lines.
     *
     * @param lines the training text, one sentence a line
     * @return the vocabulary
     */
    public static Vocabulary build(List<String> lines) {
        List<String> words = new ArrayList<>(List.of(UNKNOWN, END_OF_SENTENCE));
        java.util.Set<String> seen = new java.util.HashSet<>(words);
        for (String line : lines) {
            for (String w : tokens(line)) {
                if (seen.add(w)) {
                    words.add(w);
                }
            }
        }
        return new Vocabulary(words);
    }

    /**
     * Splits a line on whitespace (leading and trailing whitespace ignored).
     *
     * @param line the line
     * @return its words; empty for a blank line
     */
    static String[] tokens(String line) {
        String trimmed = line.strip();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }

    /**
     * Turns lines into one token stream: each line's words, then {@value #END_OF_SENTENCE} (blank
     * lines give just the end of sentence); unseen words become {@value #UNKNOWN}.
     *
     * @param lines the text
     * @return the ids
     */
    public int[] encode(List<String> lines) {
        List<Integer> stream = new ArrayList<>();
        int eos = ids.get(END_OF_SENTENCE);
        for (String line : lines) {
            for (String w : tokens(line)) {
                stream.add(id(w));
            }
            stream.add(eos);
        }
        return stream.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Returns a word's id, {@value #UNKNOWN}'s for an unseen word.
     *
     * @param word the word
     * @return its id
     */
    public int id(String word) {
        return ids.getOrDefault(word, 0);
    }

    /**
     * Returns the word of an id.
     *
     * @param id in [0, size)
     * @return the word
     */
    public String word(int id) {
        return words.get(id);
    }

    /**
     * Returns the number of words, the two special tokens included.
     *
     * @return V
     */
    public int size() {
        return words.size();
    }

    /**
     * Writes the vocabulary, one word a line in id order.
     *
     * @param file the file
     * @throws IOException if writing fails
     */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, String.join("\n", words) + "\n");
    }
}
