package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;
import org.lipreg.certify.ir.UnsupportedLayerException;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** LipSDP on residual layers {@code h + φ(Wh + b)} (Pauli et al.'s LipschitzEstimationRes.m, multipliers λ, γ, p). */
class ResidualLipSdpTest {

    private static Layer.Residual block(Layer.Dense dense, Layer activation) {
        return new Layer.Residual(List.of(dense, activation), List.of());
    }

    private static Layer.Dense dense(double[][] w) {
        double[] flat = new double[w.length * w[0].length];
        for (int i = 0; i < w.length; i++) {
            System.arraycopy(w[i], 0, flat, i * w[0].length, w[0].length);
        }
        return new Layer.Dense(new Tensor(new int[] {w.length, w[0].length}, flat), Tensor.zeros(w.length));
    }

    @Test
    void verifiedBoundsMatchCvxoptOnTheAuthorsForm() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("reference_residual.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertEquals(4, root.path("networks").size());
        int exact = 0;
        for (JsonNode net : root.path("networks")) {
            List<Layer> layers = new ArrayList<>();
            int width = 0;
            for (JsonNode w : net.path("weights")) {
                double[][] m = new double[w.size()][w.get(0).size()];
                for (int i = 0; i < m.length; i++) {
                    for (int j = 0; j < m[i].length; j++) {
                        m[i][j] = w.get(i).get(j).asDouble();
                    }
                }
                layers.add(block(dense(m), new Layer.GroupSort(2)));
                width = m.length;
            }
            DenseChain chain = DenseChain.of(new Network(new int[] {width}, layers));
            LipSdpResult r = LipSdp.certify(chain, Chains.points(new Random(1), 100, width));
            String where = r + " vs cvxopt " + net;
            assertTrue(r.lowerBound() <= r.verifiedBound(), where);
            // with p as well as λ, γ: never above the optimum without p
            assertTrue(r.verifiedBound() <= net.path("bound_without_p").asDouble() * (1 + 1e-6), where);
            if (!net.path("bound").isNull()) {
                double reference = net.path("bound").asDouble();
                assertEquals(reference, r.optimizerBound(), 1e-6 * reference, where);
                assertTrue(r.verifiedBound() >= reference * (1 - 1e-6), where);
                // the optimum is approached with growing multipliers, whose rounding margin the proof pays
                assertTrue(r.verifiedBound() <= reference * (1 + 1e-3), where);
                exact++;
            }
        }
        assertEquals(2, exact);
    }

    @Test
    void randomResidualNetworksLieBetweenTheSampledLowerBoundAndTheProductBound() {
        Random random = new Random(41);
        Layer[] activations = {new Layer.GroupSort(2), new Layer.Relu(0), new Layer.GroupSort(3)};
        for (int trial = 0; trial < 3; trial++) {
            int width = 6;
            int in = 3 + trial;
            Network network = new Network(new int[] {in}, List.of(RandomNetworks.dense(random, in, width),
                    block(RandomNetworks.dense(random, width, width), activations[trial]),
                    block(RandomNetworks.dense(random, width, width), activations[trial]),
                    RandomNetworks.dense(random, width, 2)));
            DenseChain chain = DenseChain.of(network);
            assertTrue(chain.activations().get(0) instanceof HiddenActivation.Identity);
            double[][] points = Chains.points(random, 300, in);
            LipSdpResult r = LipSdp.certify(chain, points);
            String where = "trial " + trial + ": " + r;
            assertTrue(r.lowerBound() > 0 && r.lowerBound() <= r.verifiedBound(), where);
            assertTrue(r.verifiedBound() <= r.productBound() * (1 + 1e-9), where);
            LipSdpResult linf = LipSdp.certifyLinf(chain, 1, points);
            assertTrue(linf.lowerBound() <= linf.verifiedBound(), "linf " + where + " " + linf);
            assertTrue(linf.verifiedBound() <= linf.productBound() * (1 + 1e-9), "linf " + linf);
            assertJacobianMatchesDifferences(network, chain, points[0]);
        }
    }

    private static void assertJacobianMatchesDifferences(Network network, DenseChain chain, double[] x) {
        double[][] jac = chain.jacobian(x);
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            double[] fp = forward(network.layers(), plus);
            double[] fm = forward(network.layers(), minus);
            for (int o = 0; o < fp.length; o++) {
                assertEquals((fp[o] - fm[o]) / (2 * h), jac[o][i], 1e-6);
            }
        }
    }

    /** The IR network by plain loops. */
    private static double[] forward(List<Layer> layers, double[] x) {
        double[] z = x;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Dense d) {
                int out = d.weight().dim(0);
                double[] y = new double[out];
                for (int i = 0; i < out; i++) {
                    y[i] = d.bias().data()[i];
                    for (int j = 0; j < z.length; j++) {
                        y[i] += d.weight().data()[i * z.length + j] * z[j];
                    }
                }
                z = y;
            } else if (layer instanceof Layer.Relu r) {
                double[] y = z.clone();
                for (int i = 0; i < y.length; i++) {
                    y[i] = y[i] > 0 ? y[i] : r.negativeSlope() * y[i];
                }
                z = y;
            } else if (layer instanceof Layer.GroupSort g) {
                double[] y = z.clone();
                for (int a = 0; a < y.length; a += g.size()) {
                    java.util.Arrays.sort(y, a, a + g.size());
                    for (int i = 0; i < g.size() / 2; i++) { // descending
                        double t = y[a + i];
                        y[a + i] = y[a + g.size() - 1 - i];
                        y[a + g.size() - 1 - i] = t;
                    }
                }
                z = y;
            } else if (layer instanceof Layer.Residual res) {
                double[] body = forward(res.body(), z);
                double[] y = z.clone();
                for (int i = 0; i < y.length; i++) {
                    y[i] += body[i];
                }
                z = y;
            }
        }
        return z;
    }

    @Test
    void otherResidualFormsAreRefusedByName() {
        Random random = new Random(42);
        Layer.Dense square = RandomNetworks.dense(random, 4, 4);
        Network withShortcut = new Network(new int[] {4}, List.of(new Layer.Residual(List.of(square, new Layer.Relu(0)),
                List.of(RandomNetworks.dense(random, 4, 4))), RandomNetworks.dense(random, 4, 2)));
        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> DenseChain.of(withShortcut));
        assertTrue(e.getMessage().contains("#0 Residual") && e.getMessage().contains("shortcut"), e.getMessage());
        Network twoDense = new Network(new int[] {4}, List.of(new Layer.Residual(List.of(square, new Layer.Relu(0),
                RandomNetworks.dense(random, 4, 4)), List.of()), RandomNetworks.dense(random, 4, 2)));
        e = assertThrows(UnsupportedLayerException.class, () -> DenseChain.of(twoDense));
        assertTrue(e.getMessage().contains("#0 Residual") && e.getMessage().contains("one dense layer"), e.getMessage());
    }
}
