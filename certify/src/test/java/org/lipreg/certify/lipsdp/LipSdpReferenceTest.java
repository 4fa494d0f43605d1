package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.io.InputStream;

/**
 * Our verified bound against optima from an interior-point solver outside lipreg: cvxopt on the
 * problems written out independently in {@code reference_lipsdp.py} (beside the numbers), always
 * in the input's own coordinates.
 */
class LipSdpReferenceTest {

    @Test
    void verifiedBoundsMatchCvxoptOptima() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("reference_lipsdp.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertEquals(5, root.path("networks").size());
        int reduced = 0;
        for (JsonNode net : root.path("networks")) {
            HiddenActivation activation = net.path("activation").asText().equals("maxmin")
                    ? HiddenActivation.GroupSort.MAX_MIN : new HiddenActivation.Relu(0);
            DenseChain chain = Chains.fromJson(net, activation);
            LipSdpResult r = LipSdp.certify(chain, new double[0][]);
            reduced += new LipSdpMatrix(chain).reduced() ? 1 : 0;
            double reference = net.path("bound").asDouble();
            String where = net.path("activation").asText() + " " + r + " vs cvxopt " + reference;
            assertTrue(r.verifiedBound() >= reference - 1e-6, where);
            assertTrue(r.verifiedBound() <= reference * 1.01, where);
            assertEquals(net.path("product_bound").asDouble(), r.productBound(), 1e-9, where);
        }
        // cvxopt solves the full problem: the last two check lipreg's reduced input coordinates
        assertEquals(2, reduced);
    }
}
