package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.List;
import java.util.Random;

/** The global product bounds: σ_max against an SVD, and both products against sampled quotients. */
class GlobalBoundsTest {

    @Test
    void spectralNormMatchesTheSvd() {
        Random random = new Random(2);
        Layer.Dense dense = RandomNetworks.dense(random, 7, 5);
        double[][] m = new double[5][7];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 7; j++) {
                m[i][j] = dense.weight().data()[i * 7 + j];
            }
        }
        double svd = new SingularValueDecomposition(new Array2DRowRealMatrix(m)).getNorm();
        try (NDManager manager = NDManager.newBaseManager()) {
            double l2 = GlobalBounds.l2Product(new Network(new int[] {7}, List.of(dense)), manager);
            assertEquals(svd, l2, 1e-8 * svd);
            assertTrue(l2 >= svd);
        }
    }

    @Test
    void productsBoundEverySampledQuotient() {
        Random random = new Random(9);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int kind = 0; kind < RandomNetworks.KINDS; kind++) {
                Network network = RandomNetworks.of(random, kind);
                double l2 = GlobalBounds.l2Product(network, manager);
                double linf = GlobalBounds.linfProduct(network);
                try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
                    int n = network.inputSize();
                    for (int trial = 0; trial < 200; trial++) {
                        double[] x = new double[n];
                        double[] y = new double[n];
                        for (int i = 0; i < n; i++) {
                            x[i] = random.nextGaussian();
                            y[i] = x[i] + 0.1 * random.nextGaussian();
                        }
                        NDArray fx = certifier.graph().evaluate(manager.create(x, new Shape(1, n)));
                        NDArray fy = certifier.graph().evaluate(manager.create(y, new Shape(1, n)));
                        NDArray d = fx.sub(fy);
                        double dx2 = 0;
                        double dxInf = 0;
                        for (int i = 0; i < n; i++) {
                            dx2 += (x[i] - y[i]) * (x[i] - y[i]);
                            dxInf = Math.max(dxInf, Math.abs(x[i] - y[i]));
                        }
                        double out2 = Math.sqrt(d.square().sum().getDouble());
                        double outInf = d.abs().max().getDouble();
                        assertTrue(out2 <= l2 * Math.sqrt(dx2) * (1 + 1e-9), "kind " + kind + " l2");
                        assertTrue(outInf <= linf * dxInf * (1 + 1e-9), "kind " + kind + " linf");
                    }
                }
            }
        }
    }
}
