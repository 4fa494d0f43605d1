package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

/** The image order is a permutation, and each run of 4^k positions is a 2^k × 2^k block. */
class LocalityTest {

    @Test
    void runsOfTheOrderAreSquareBlocks() {
        int[] shape = {3, 8, 8};
        int[] all = IntStream.range(0, 3 * 64).map(i -> 3 * 64 - 1 - i).toArray(); // reversed on purpose
        int[] ordered = Locality.order(shape, all);
        int[] sorted = ordered.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, 3 * 64).toArray(), sorted, "a permutation");
        for (int side : new int[] {1, 2, 4, 8}) {
            int run = 3 * side * side; // every channel of side × side positions
            for (int from = 0; from < ordered.length; from += run) {
                int[] ys = Arrays.stream(ordered, from, from + run).map(e -> e % 64 / 8).toArray();
                int[] xs = Arrays.stream(ordered, from, from + run).map(e -> e % 8).toArray();
                int height = Arrays.stream(ys).max().getAsInt() - Arrays.stream(ys).min().getAsInt() + 1;
                int width = Arrays.stream(xs).max().getAsInt() - Arrays.stream(xs).min().getAsInt() + 1;
                assertTrue(height == side && width == side, "run at " + from + " spans " + height + " × " + width);
            }
        }
    }
}
