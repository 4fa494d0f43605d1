package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.ArrayList;
import java.util.List;

/**
 * The dense form of a graph, for tests: every linear map replaced by its matrix, read off by
 * applying the map to the identity — the form the certifier used before convolutions were kept
 * as convolutions.
 */
public final class DenseGraphs {

    private DenseGraphs() {}

    /**
     * Returns the same network with dense maps; closes the given graph's weights only when the new
     * graph is closed (it shares its biases and normalizations).
     *
     * @param graph the graph
     * @return the dense graph
     */
    public static Graph densify(Graph graph) {
        NDManager manager = graph.getManager().newSubManager();
        List<Node> nodes = new ArrayList<>();
        for (Node node : graph.nodes()) {
            if (node instanceof Affine a) {
                int n = a.map().inputSize();
                NDArray columns = a.map().apply(manager.eye(n, n, 0, DataType.FLOAT64));
                nodes.add(new Affine(a.input(), new DenseMap(columns.transpose().duplicate()), a.bias()));
            } else {
                nodes.add(node);
            }
        }
        return new Graph(graph.getManager(), nodes);
    }
}
