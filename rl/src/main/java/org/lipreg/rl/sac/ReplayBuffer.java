package org.lipreg.rl.sac;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * A fixed-capacity ring buffer of transitions, sampled uniformly with replacement. It stores
 * whether the episode <em>terminated</em> (the next state is absorbing), not whether it was
 * truncated by a time limit: a truncated transition still bootstraps from the next state.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final int observationSize;
    private final int actionSize;
    private final float[] observations;
    private final float[] actions;
    private final float[] rewards;
    private final float[] nextObservations;
    private final float[] terminals;
    private int next;
    private int size;

    /**
     * Creates an empty buffer.
     *
     * @param capacity the number of transitions kept (the oldest are overwritten)
     * @param observationSize the observation length
     * @param actionSize the action length
     */
    public ReplayBuffer(int capacity, int observationSize, int actionSize) {
        if (capacity < 1 || observationSize < 1 || actionSize < 1) {
            throw new IllegalArgumentException("capacity, observation and action sizes must be positive");
        }
        this.capacity = capacity;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.observations = new float[capacity * observationSize];
        this.actions = new float[capacity * actionSize];
        this.rewards = new float[capacity];
        this.nextObservations = new float[capacity * observationSize];
        this.terminals = new float[capacity];
    }

    /**
     * Stores a transition.
     *
     * @param observation the state acted in
     * @param action the action taken
     * @param reward the reward received
     * @param nextObservation the state reached
     * @param terminated whether that state ends the episode for good (not a time limit)
     */
    public void add(double[] observation, double[] action, double reward, double[] nextObservation,
            boolean terminated) {
        if (observation.length != observationSize || nextObservation.length != observationSize
                || action.length != actionSize) {
            throw new IllegalArgumentException("transition sizes " + observation.length + "/" + action.length
                    + "/" + nextObservation.length + " do not match the buffer's " + observationSize + "/"
                    + actionSize);
        }
        copy(observation, observations, next * observationSize);
        copy(action, actions, next * actionSize);
        copy(nextObservation, nextObservations, next * observationSize);
        rewards[next] = (float) reward;
        terminals[next] = terminated ? 1f : 0f;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /**
     * Returns the number of stored transitions.
     *
     * @return at most the capacity
     */
    public int size() {
        return size;
    }

    /**
     * Returns the observation length.
     *
     * @return the size of one observation
     */
    public int observationSize() {
        return observationSize;
    }

    /**
     * Returns the action length.
     *
     * @return the size of one action
     */
    public int actionSize() {
        return actionSize;
    }

    /**
     * Returns every stored transition, oldest first.
     *
     * @return a batch holding the whole buffer
     */
    public Batch all() {
        Batch b = empty(size);
        int start = size < capacity ? 0 : next;
        for (int i = 0; i < size; i++) {
            copyRow((start + i) % capacity, b, i);
        }
        return b;
    }

    /**
     * Draws a batch uniformly with replacement.
     *
     * @param batchSize the number of transitions
     * @param random the generator
     * @return the batch, row-major
     */
    public Batch sample(int batchSize, SplittableRandom random) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample an empty replay buffer");
        }
        Batch b = empty(batchSize);
        for (int i = 0; i < batchSize; i++) {
            copyRow(random.nextInt(size), b, i);
        }
        return b;
    }

    /**
     * Writes the stored transitions and the ring's position, for a checkpoint.
     *
     * @param out the checkpoint stream
     * @throws IOException if writing fails
     */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(capacity);
        out.writeInt(observationSize);
        out.writeInt(actionSize);
        out.writeInt(size);
        out.writeInt(next);
        // Rows 0 .. size − 1 are the filled ones, wrapped around or not.
        writeFloats(out, observations, size * observationSize);
        writeFloats(out, actions, size * actionSize);
        writeFloats(out, rewards, size);
        writeFloats(out, nextObservations, size * observationSize);
        writeFloats(out, terminals, size);
    }

    /**
     * Replaces the content with what {@link #save} wrote from a buffer of the same shape.
     *
     * @param in the checkpoint stream
     * @param what names the buffer in errors, e.g. "real replay buffer"
     * @throws IOException if the stream holds a buffer of another capacity or width
     */
    public void load(DataInputStream in, String what) throws IOException {
        int savedCapacity = in.readInt();
        int savedObservation = in.readInt();
        int savedAction = in.readInt();
        if (savedCapacity != capacity || savedObservation != observationSize || savedAction != actionSize) {
            throw new IOException(what + ": the checkpoint holds capacity " + savedCapacity + " of " + savedObservation
                    + "/" + savedAction + " values, the run needs " + capacity + " of " + observationSize + "/"
                    + actionSize);
        }
        int savedSize = in.readInt();
        int savedNext = in.readInt();
        if (savedSize < 0 || savedSize > capacity || savedNext < 0 || savedNext >= capacity) {
            throw new IOException(what + ": malformed checkpoint (size " + savedSize + ", next " + savedNext + ")");
        }
        size = savedSize;
        next = savedNext;
        readFloats(in, observations, size * observationSize);
        readFloats(in, actions, size * actionSize);
        readFloats(in, rewards, size);
        readFloats(in, nextObservations, size * observationSize);
        readFloats(in, terminals, size);
    }

    private static void writeFloats(DataOutputStream out, float[] values, int count) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(count * Float.BYTES);
        bytes.asFloatBuffer().put(values, 0, count);
        out.write(bytes.array());
    }

    private static void readFloats(DataInputStream in, float[] values, int count) throws IOException {
        byte[] bytes = new byte[count * Float.BYTES];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values, 0, count);
    }

    private Batch empty(int rows) {
        return new Batch(rows, new float[rows * observationSize], new float[rows * actionSize], new float[rows],
                new float[rows * observationSize], new float[rows]);
    }

    /** Copies stored transition j into row i of a batch. */
    private void copyRow(int j, Batch b, int i) {
        System.arraycopy(observations, j * observationSize, b.observations, i * observationSize, observationSize);
        System.arraycopy(actions, j * actionSize, b.actions, i * actionSize, actionSize);
        System.arraycopy(nextObservations, j * observationSize, b.nextObservations, i * observationSize,
                observationSize);
        b.rewards[i] = rewards[j];
        b.terminals[i] = terminals[j];
    }

    private static void copy(double[] from, float[] to, int offset) {
        for (int i = 0; i < from.length; i++) {
            to[offset + i] = (float) from[i];
        }
    }

    /**
     * A sampled batch, row-major.
     *
     * @param size the number of transitions
     * @param observations size × observation length
     * @param actions size × action length
     * @param rewards size
     * @param nextObservations size × observation length
     * @param terminals 1 where the next state is terminal, else 0
     */
    public record Batch(int size, float[] observations, float[] actions, float[] rewards, float[] nextObservations,
            float[] terminals) {}
}
