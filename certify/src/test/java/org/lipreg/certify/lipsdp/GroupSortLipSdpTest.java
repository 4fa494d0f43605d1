package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** LipSDP for GroupSort of size n > 2: Λ_j = λ_j I_n + γ_j 11ᵀ per group. */
class GroupSortLipSdpTest {

    @Test
    void oneHiddenLayerWithAnInvertibleFirstLayerMatchesTheBruteForceMaximum() {
        Random random = new Random(31);
        for (int size : new int[] {3, 4}) {
            for (int trial = 0; trial < 2; trial++) {
                int width = size * (1 + trial); // one or two groups
                List<double[][]> weights = List.of(Chains.gaussian(random, width, width),
                        Chains.gaussian(random, 2, width));
                DenseChain chain = Chains.chain(random, weights, new HiddenActivation.GroupSort(size));
                // W_1 square and invertible: v = W_1x + b takes every value, so every ordering of
                // every group occurs and the Lipschitz constant is the largest ‖W_2 P W_1‖ over them
                double exact = largestOverOrderings(chain);
                LipSdpResult r = LipSdp.certify(chain, Chains.points(random, 200, width));
                String where = "size " + size + " width " + width + ": " + r + " vs brute force " + exact;
                assertTrue(r.converged(), where);
                assertTrue(r.verifiedBound() >= exact * (1 - 1e-9), where);
                assertTrue(r.lowerBound() <= exact * (1 + 1e-9), where);
                assertTrue(r.verifiedBound() <= r.productBound() * (1 + 1e-9), where);
            }
        }
    }

    @Test
    void deeperRandomNetworksLieBetweenTheSampledLowerBoundAndTheProductBound() {
        Random random = new Random(32);
        for (int trial = 0; trial < 4; trial++) {
            int size = 3 + trial % 2;
            int[] dims = {3 + random.nextInt(3), size * (1 + random.nextInt(2)), size * (1 + random.nextInt(2)),
                1 + random.nextInt(3)};
            List<double[][]> weights = List.of(Chains.gaussian(random, dims[1], dims[0]),
                    Chains.gaussian(random, dims[2], dims[1]), Chains.gaussian(random, dims[3], dims[2]));
            DenseChain chain = Chains.chain(random, weights, new HiddenActivation.GroupSort(size));
            double[][] points = Chains.points(random, 300, dims[0]);
            LipSdpResult r = LipSdp.certify(chain, points);
            String where = "trial " + trial + ": " + r;
            assertTrue(r.converged(), where);
            assertTrue(r.lowerBound() > 0 && r.lowerBound() <= r.verifiedBound(), where);
            assertTrue(r.verifiedBound() <= r.productBound() * (1 + 1e-9), where);
            assertTrue(r.verifiedBound() <= r.optimizerBound() * (1 + 1e-6), where);
            int output = random.nextInt(dims[3]);
            LipSdpResult linf = LipSdp.certifyLinf(chain, output, points);
            assertTrue(linf.lowerBound() <= linf.verifiedBound(), "linf " + where + " " + linf);
            assertTrue(linf.verifiedBound() <= linf.productBound() * (1 + 1e-9), "linf " + linf);
        }
    }

    @Test
    void orthogonalWeightsAreCertifiedOneLipschitz() {
        Random random = new Random(33);
        List<double[][]> weights = List.of(Chains.orthonormalRows(random, 6, 6), Chains.orthonormalRows(random, 6, 6),
                Chains.orthonormalRows(random, 4, 6));
        LipSdpResult r = LipSdp.certify(Chains.chain(random, weights, new HiddenActivation.GroupSort(3)),
                Chains.points(random, 50, 6));
        assertEquals(1, r.verifiedBound(), 1e-4);
    }

    @Test
    void verifiedBoundsMatchCvxoptOptima() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("reference_groupsort.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertEquals(3, root.path("networks").size());
        for (JsonNode net : root.path("networks")) {
            DenseChain chain = Chains.fromJson(net, new HiddenActivation.GroupSort(net.path("size").asInt()));
            LipSdpResult r = LipSdp.certify(chain, new double[0][]);
            double reference = net.path("bound").asDouble();
            String where = r + " vs cvxopt " + reference;
            assertTrue(r.verifiedBound() >= reference - 1e-6, where);
            assertTrue(r.verifiedBound() <= reference * (1 + 1e-6), where);
        }
    }

    @Test
    void aWidthThatIsNoMultipleOfTheGroupIsRefusedByName() {
        Random random = new Random(35);
        org.lipreg.certify.ir.Network network = new org.lipreg.certify.ir.Network(new int[] {4},
                List.of(org.lipreg.certify.RandomNetworks.dense(random, 4, 8), new org.lipreg.certify.ir.Layer.GroupSort(3),
                        org.lipreg.certify.RandomNetworks.dense(random, 8, 2)));
        org.lipreg.certify.ir.UnsupportedLayerException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.lipreg.certify.ir.UnsupportedLayerException.class, () -> DenseChain.of(network));
        assertTrue(e.getMessage().contains("#1 GroupSort") && e.getMessage().contains("size 3 on width 8"), e.getMessage());
    }

    @Test
    void theJacobianSortsEachGroupsRows() {
        Random random = new Random(34);
        DenseChain chain = Chains.chain(random, List.of(Chains.gaussian(random, 8, 3), Chains.gaussian(random, 2, 8)),
                new HiddenActivation.GroupSort(4));
        double[] x = Chains.points(random, 1, 3)[0];
        double[][] jac = chain.jacobian(x);
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            double[] fp = forward(chain, plus);
            double[] fm = forward(chain, minus);
            for (int o = 0; o < 2; o++) {
                assertEquals((fp[o] - fm[o]) / (2 * h), jac[o][i], 1e-6);
            }
        }
    }

    /** The network by plain loops: sort each group with a library sort, descending. */
    private static double[] forward(DenseChain chain, double[] x) {
        double[] z = x;
        for (int k = 0; k < chain.depth(); k++) {
            double[] v = DenseChain.multiply(chain.weights().get(k), z);
            for (int i = 0; i < v.length; i++) {
                v[i] += chain.biases().get(k)[i];
            }
            if (k < chain.depth() - 1) {
                int size = ((HiddenActivation.GroupSort) chain.activations().get(k)).size();
                for (int a = 0; a < v.length; a += size) {
                    double[] group = java.util.Arrays.copyOfRange(v, a, a + size);
                    java.util.Arrays.sort(group);
                    for (int i = 0; i < size; i++) {
                        v[a + i] = group[size - 1 - i];
                    }
                }
            }
            z = v;
        }
        return z;
    }

    /** The largest ‖W_2 P W_1‖₂ over every ordering of every group (one hidden layer). */
    private static double largestOverOrderings(DenseChain chain) {
        int size = ((HiddenActivation.GroupSort) chain.activations().get(0)).size();
        double[][] w1 = chain.weights().get(0);
        List<int[]> perms = permutations(size);
        int groups = w1.length / size;
        double best = 0;
        int[] choice = new int[groups];
        while (true) {
            double[][] permuted = new double[w1.length][];
            for (int g = 0; g < groups; g++) {
                int[] p = perms.get(choice[g]);
                for (int i = 0; i < size; i++) {
                    permuted[g * size + i] = w1[g * size + p[i]];
                }
            }
            best = Math.max(best, SpectralNorm.of(DenseChain.multiply(chain.weights().get(1), permuted)));
            int g = 0;
            while (g < groups && ++choice[g] == perms.size()) {
                choice[g++] = 0;
            }
            if (g == groups) {
                return best;
            }
        }
    }

    private static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] p, boolean[] used, int at, List<int[]> out) {
        if (at == p.length) {
            out.add(p.clone());
            return;
        }
        for (int i = 0; i < p.length; i++) {
            if (!used[i]) {
                used[i] = true;
                p[at] = i;
                permute(p, used, at + 1, out);
                used[i] = false;
            }
        }
    }
}
