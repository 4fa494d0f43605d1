package org.lipreg.certify.lipsdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Small networks for the LipSDP tests, built with plain loops. */
final class Chains {

    private Chains() {}

    /** N(0, 1/in) weights. */
    static double[][] gaussian(Random random, int out, int in) {
        double[][] w = new double[out][in];
        for (double[] row : w) {
            for (int j = 0; j < in; j++) {
                row[j] = random.nextGaussian() / Math.sqrt(in);
            }
        }
        return w;
    }

    /** The first {@code rows} rows of a random n×n orthogonal matrix (Gram–Schmidt, twice). */
    static double[][] orthonormalRows(Random random, int rows, int n) {
        double[][] q = new double[rows][n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < i; p++) {
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += q[i][j] * q[p][j];
                    }
                    for (int j = 0; j < n; j++) {
                        q[i][j] -= dot * q[p][j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < n; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    /** A chain with small random biases and one activation for every hidden layer. */
    static DenseChain chain(Random random, List<double[][]> weights, HiddenActivation activation) {
        List<double[]> biases = new ArrayList<>();
        for (double[][] w : weights) {
            double[] b = new double[w.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = 0.1 * random.nextGaussian();
            }
            biases.add(b);
        }
        return new DenseChain(weights, biases, Collections.nCopies(weights.size() - 1, activation));
    }

    /** The network of one reference entry ("weights": [out][in] arrays), zero biases. */
    static DenseChain fromJson(com.fasterxml.jackson.databind.JsonNode net, HiddenActivation activation) {
        List<double[][]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode w : net.path("weights")) {
            double[][] m = new double[w.size()][w.get(0).size()];
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m[i].length; j++) {
                    m[i][j] = w.get(i).get(j).asDouble();
                }
            }
            weights.add(m);
            biases.add(new double[m.length]);
        }
        return new DenseChain(weights, biases, Collections.nCopies(weights.size() - 1, activation));
    }

    /** Random points, N(0, 1) per coordinate. */
    static double[][] points(Random random, int count, int dim) {
        double[][] p = new double[count][dim];
        for (double[] x : p) {
            for (int i = 0; i < dim; i++) {
                x[i] = random.nextGaussian();
            }
        }
        return p;
    }
}
