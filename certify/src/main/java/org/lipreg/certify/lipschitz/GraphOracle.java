package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Graph;

/** Gradients of a lowered network, in float64 (the same arithmetic as the upper bounds). */
public final class GraphOracle implements GradientOracle {

    private final Graph graph;

    /**
     * Wraps a graph.
     *
     * @param graph the lowered network (not closed by this oracle)
     */
    public GraphOracle(Graph graph) {
        this.graph = graph;
    }

    @Override
    public int inputSize() {
        return graph.inputSize();
    }

    @Override
    public int outputSize() {
        return graph.outputSize();
    }

    @Override
    public double[][] gradients(double[][] x, double[][] spec) {
        try (NDManager m = graph.getManager().newSubManager()) {
            NDArray xs = m.create(flatten(x), new Shape(x.length, inputSize()));
            NDArray cs = m.create(flatten(spec), new Shape(spec.length, outputSize()));
            return unflatten(graph.gradient(xs, cs).toDoubleArray(), x.length);
        }
    }

    @Override
    public double[][] outputs(double[][] x) {
        try (NDManager m = graph.getManager().newSubManager()) {
            NDArray xs = m.create(flatten(x), new Shape(x.length, inputSize()));
            return unflatten(graph.evaluate(xs).toDoubleArray(), x.length);
        }
    }

    static double[] flatten(double[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return flat;
    }

    static double[][] unflatten(double[] flat, int rows) {
        int width = rows == 0 ? 0 : flat.length / rows;
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * width, (r + 1) * width);
        }
        return out;
    }
}
