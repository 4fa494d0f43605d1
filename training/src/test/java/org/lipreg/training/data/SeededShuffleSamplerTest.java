package org.lipreg.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

class SeededShuffleSamplerTest {

    @Test
    void permutationIsAPureFunctionOfSeedAndEpoch() {
        int[] a = SeededShuffleSampler.permutation(7, 3, 1000);
        int[] b = SeededShuffleSampler.permutation(7, 3, 1000);
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, 1000).toArray(), sorted, "a permutation of 0..n-1");
        assertFalse(Arrays.equals(a, SeededShuffleSampler.permutation(7, 4, 1000)), "epochs differ");
        assertFalse(Arrays.equals(a, SeededShuffleSampler.permutation(8, 3, 1000)), "seeds differ");
    }
}
