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

    /** Each colour image is its grey image, shifted onto the 32 × 32 canvas and tinted per channel. */
    @Test
    void colourImagesAreTheGreyShapesShiftedAndTinted() {
        ImageData grey = SyntheticShapes.generate(12, 5, 0.2);
        ImageData rgb = SyntheticShapes.generateRgb(12, 5, 0.2);
        assertEquals(3, rgb.channels());
        assertEquals(32, rgb.height());
        assertEquals(32, rgb.width());
        assertArrayEquals(grey.labels(), rgb.labels());
        for (int i = 0; i < 12; i++) {
            boolean found = false;
            for (int dy = 0; dy <= 4 && !found; dy++) {
                for (int dx = 0; dx <= 4 && !found; dx++) {
                    found = tintedCopyAt(grey, rgb, i, dy, dx);
                }
            }
            assertTrue(found, "image " + i + " is no tinted, shifted copy of its grey image");
        }
    }

    /** Whether every channel of colour image i is t_c × grey image i placed at (dy, dx), t_c in [0.3, 1]. */
    private static boolean tintedCopyAt(ImageData grey, ImageData rgb, int i, int dy, int dx) {
        for (int c = 0; c < 3; c++) {
            double tint = Double.NaN;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double g = grey.pixels()[i * 784 + y * 28 + x];
                    double v = rgb.pixels()[((i * 3 + c) * 32 + y + dy) * 32 + x + dx];
                    if (g > 0.05) {
                        if (Double.isNaN(tint)) {
                            tint = v / g;
                            if (tint < 0.3 - 1e-6 || tint > 1 + 1e-6) {
                                return false;
                            }
                        } else if (Math.abs(v - tint * g) > 1e-5) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }
}
