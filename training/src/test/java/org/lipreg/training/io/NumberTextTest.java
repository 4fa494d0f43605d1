package org.lipreg.training.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

class NumberTextTest {

    @Test
    void wholeNumbersAreIntegers() {
        assertEquals("776", NumberText.exact(776.0));
        assertEquals("776", NumberText.significant(776.0, 4, true));
        assertEquals("776", NumberText.decimals(776.0, 4));
        assertEquals("-3", NumberText.csv("ndarrays", -3.0, 9));
        assertEquals("0", NumberText.exact(-0.0));
    }

    @Test
    void widenedFloatsAreWrittenAsTheFloat() {
        double learningRate = 0.002f; // what a float learning rate becomes in a double column
        assertEquals("0.00200000009", String.format(java.util.Locale.ROOT, "%.9g", learningRate), "the old text");
        assertEquals("0.002", NumberText.exact(learningRate));
        assertEquals("0.002", NumberText.csv("learning_rate", learningRate, 9));
        assertEquals("0.002000", NumberText.display("learning_rate", learningRate, 4), "for people: its 4 digits");
        assertEquals("0.0001", NumberText.exact(1e-4f));
        assertEquals("1.5e-9", NumberText.exact(1.5e-9f));
        // A float with more digits than shown is rounded like any value.
        assertEquals("0.1235", NumberText.display("sigma_1", 0.12345678f, 4));
    }

    @Test
    void durationsToTheMillisecond() {
        assertEquals("11.761", NumberText.csv("seconds", 11.761000370000001));
        assertEquals("11.761", NumberText.display("mean_seconds", 11.761000370000001, 4));
        assertEquals("12.5", NumberText.duration(12.5));
        assertEquals("0.00421", NumberText.duration(0.0042137));
        assertEquals("3.142", NumberText.csv("ms/step", Math.PI));
        assertEquals("1234.568", NumberText.duration(1234.5678));
    }

    @Test
    void otherValuesKeepTheirWritersPrecision() {
        assertEquals("0.9875", NumberText.csv("test_accuracy", 0.9875, 9), "no padding zeros in CSV");
        assertEquals("0.987654321", NumberText.csv("test_loss", 0.98765432123, 9));
        assertEquals("0.1", NumberText.exact(0.1));
        assertEquals("0.30000000000000004", NumberText.exact(0.1 + 0.2), "exact: every digit that tells doubles apart");
        assertEquals("0.5000", NumberText.display("test_accuracy", 0.5, 4), "zeros kept for people");
        assertEquals("12346", NumberText.display("samples/s", 12345.6, 4), "integer digits are never rounded away");
        assertEquals("0.8500", NumberText.decimals(0.85, 4));
        assertEquals("1.235e-8", NumberText.display("bound", 1.23456e-8, 4));
        assertEquals("NaN", NumberText.exact(Double.NaN));
        assertEquals("Infinity", NumberText.display("x", Double.POSITIVE_INFINITY, 4));
    }

    @Test
    void exactTextReadsBackToTheSameValue() {
        SplittableRandom random = new SplittableRandom(20);
        for (int i = 0; i < 100_000; i++) {
            double v = Math.scalb(random.nextDouble() - 0.5, random.nextInt(-40, 60));
            assertEquals(v, Double.parseDouble(NumberText.exact(v)), 0.0, "value " + v);
            float f = (float) v;
            assertEquals(f, Float.parseFloat(NumberText.exact(f)), 0f, "float " + f);
        }
    }
}
