package org.lipreg.experiments.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticShapesTest {

    @Test
    void sameSeedSameImagesAndBalancedClasses() {
        ImageData a = SyntheticShapes.generate(200, 5, 0.2);
        ImageData b = SyntheticShapes.generate(200, 5, 0.2);
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(a.labels(), b.labels());
        int[] counts = new int[10];
        for (int label : a.labels()) {
            counts[label]++;
        }
        for (int c : counts) {
            assertEquals(20, c);
        }
        for (float p : a.pixels()) {
            assertTrue(p >= 0f && p <= 1f);
        }
    }

    @Test
    void meanBrightnessDoesNotGiveTheClassAway() {
        ImageData train = SyntheticShapes.generate(2000, 1, 0.2);
        ImageData test = SyntheticShapes.generate(1000, 2, 0.2);
        // Nearest class-mean classifier on each image's mean brightness.
        double[] sum = new double[10];
        int[] count = new int[10];
        for (int i = 0; i < train.size(); i++) {
            sum[train.labels()[i]] += meanOf(train, i);
            count[train.labels()[i]]++;
        }
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            double m = meanOf(test, i);
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (Math.abs(m - sum[c] / count[c]) < Math.abs(m - sum[best] / count[best])) {
                    best = c;
                }
            }
            if (best == test.labels()[i]) {
                correct++;
            }
        }
        double accuracy = correct / (double) test.size();
        assertTrue(accuracy < 0.2, "brightness alone classifies " + accuracy + " (chance is 0.1)");
    }

    private static double meanOf(ImageData data, int i) {
        double s = 0;
        int per = 28 * 28;
        for (int k = 0; k < per; k++) {
            s += data.pixels()[i * per + k];
        }
        return s / per;
    }
}
