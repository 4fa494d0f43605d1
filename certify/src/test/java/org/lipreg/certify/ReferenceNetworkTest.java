package org.lipreg.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.lipreg.certify.ir.Network;

import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * The fuzz's reference gradient is the derivative of its reference forward: on tiny random
 * networks of every operator, {@code ∇(c·f)(x)·t} equals the central difference of {@code c·f}
 * along t at random points.
 */
class ReferenceNetworkTest {

    @Test
    void gradientMatchesCentralDifferences() {
        Random random = new Random(8);
        for (int k = 0; k < 300; k++) {
            Network network = RandomNetworks.tiny(random);
            ReferenceNetwork reference = new ReferenceNetwork(network);
            int n = reference.inputSize();
            double[] x = new double[n];
            double[] t = new double[n];
            double[] c = new double[reference.outputSize()];
            for (int i = 0; i < n; i++) {
                x[i] = random.nextDouble();
                t[i] = random.nextGaussian();
            }
            for (int j = 0; j < c.length; j++) {
                c[j] = random.nextGaussian();
            }
            double[] g = reference.gradient(x, c);
            double h = 1e-6;
            double[] up = x.clone();
            double[] down = x.clone();
            double directional = 0;
            for (int i = 0; i < n; i++) {
                up[i] += h * t[i];
                down[i] -= h * t[i];
                directional += g[i] * t[i];
            }
            double difference = (dot(c, reference.forward(up)) - dot(c, reference.forward(down))) / (2 * h);
            assertEquals(difference, directional, 1e-5 * (1 + Math.abs(difference)), "network " + k + " " + network.layers());
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
