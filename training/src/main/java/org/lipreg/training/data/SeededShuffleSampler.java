package org.lipreg.training.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Visits a dataset in a random order that depends only on a seed and the epoch.
 *
 * <p>DJL's {@code RandomSampler} draws from one global generator, so the order of epoch 3
 * depends on everything that used that generator before; a resumed run could not reproduce it.
 * Here the permutation of epoch e is a pure function of (seed, e).
 */
public final class SeededShuffleSampler implements Sampler.SubSampler {

    private final long seed;
    private int epoch;

    /**
     * Creates a sampler.
     *
     * @param seed the run's seed
     */
    public SeededShuffleSampler(long seed) {
        this.seed = seed;
    }

    /**
     * Selects the epoch whose permutation the next {@link #sample} call returns.
     *
     * @param epoch the epoch, from 0
     */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    /**
     * Returns the permutation of {@code 0..size-1} used for the given seed and epoch.
     *
     * @param seed the run's seed
     * @param epoch the epoch
     * @param size the number of examples
     * @return a permutation
     */
    public static int[] permutation(long seed, int epoch, int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<Long> sample(RandomAccessDataset dataset) {
        long size = dataset.size();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dataset too large to shuffle: " + size);
        }
        int[] order = permutation(seed, epoch, (int) size);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public Long next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return (long) order[next++];
            }
        };
    }
}
