package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;


import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A network lowered to a DAG of operators ({@link Node}) on flat float64 vectors, the form every
 * bound in this module works on. Node 0 is the input, the last node the output. The
 * graph owns its arrays; close it when done.
 */
public final class Graph implements AutoCloseable {

    private final NDManager manager;
    private final List<Node> nodes;
    private final List<List<Integer>> consumers;
    private final boolean piecewiseLinear;

    /**
     * Lowers an IR network to its graph (the rules are in {@code Lowering}); the graph gets its own
     * sub-manager of {@code parent}.
     *
     * @param network the network
     * @param parent the parent manager
     * @return the graph, to be closed by the caller
     * @throws org.lipreg.certify.ir.UnsupportedLayerException naming a layer without a graph form
     */
    public static Graph of(org.lipreg.certify.ir.Network network, NDManager parent) {
        return Lowering.lower(network, parent);
    }

    /**
     * Checks that every layer of a network has a graph form, without building it (the IR holds
     * some that bound propagation does not handle, such as max pooling with padding).
     *
     * @param network the network
     * @throws org.lipreg.certify.ir.UnsupportedLayerException naming the first layer without one,
     *     by its position ({@code layers[2].body[0]})
     */
    public static void checkSupported(org.lipreg.certify.ir.Network network) {
        Lowering.check(network);
    }

    Graph(NDManager manager, List<Node> nodes) {
        this.manager = manager;
        this.nodes = List.copyOf(nodes);
        boolean linear = true;
        for (Node node : nodes) {
            linear &= node.piecewiseLinear();
        }
        this.piecewiseLinear = linear;
        List<List<Integer>> c = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            c.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int input : inputsOf(nodes.get(i))) {
                c.get(input).add(i); // once per edge: x + x counts twice
            }
        }
        List<List<Integer>> frozen = new ArrayList<>();
        for (List<Integer> list : c) {
            frozen.add(Collections.unmodifiableList(list));
        }
        this.consumers = Collections.unmodifiableList(frozen);
    }

    /**
     * Returns the input nodes of a node.
     *
     * @param node the node
     * @return its inputs, one entry per edge
     */
    public static int[] inputsOf(Node node) {
        return node.inputs();
    }

    /**
     * Returns the nodes in topological order.
     *
     * @return the nodes
     */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * Returns node {@code i}.
     *
     * @param i the index
     * @return the node
     */
    public Node node(int i) {
        return nodes.get(i);
    }

    /**
     * Returns the nodes that read node {@code i}, once per edge.
     *
     * @param i the index
     * @return the consumers, ascending
     */
    public List<Integer> consumers(int i) {
        return consumers.get(i);
    }

    /**
     * Returns the index of the output node.
     *
     * @return the last index
     */
    public int output() {
        return nodes.size() - 1;
    }

    /**
     * Returns the input length.
     *
     * @return the size of node 0
     */
    public int inputSize() {
        return nodes.get(0).size();
    }

    /**
     * Returns the output length.
     *
     * @return the size of the last node
     */
    public int outputSize() {
        return nodes.get(output()).size();
    }

    /**
     * Returns the indices of the activation nodes, ascending.
     *
     * @return the activations
     */
    public List<Integer> activations() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof Activation) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Returns whether every node is affine, a leaky ReLU or a sum, so that the gradient is
     * constant on each activation pattern (branch-and-bound leaves and region walks rely on it).
     *
     * @return false when a normalization by per-example statistics is present
     */
    public boolean piecewiseLinear() {
        return piecewiseLinear;
    }

    /**
     * Returns the manager that owns the weights.
     *
     * @return the manager
     */
    public NDManager getManager() {
        return manager;
    }

    /**
     * Computes every node's value for a batch of inputs.
     *
     * @param x inputs {@code (B, inputSize)}, float64
     * @return the values, one {@code (B, size)} array per node, in x's manager
     */
    public NDArray[] forward(NDArray x) {
        NDArray[] values = new NDArray[nodes.size()];
        values[0] = x;
        for (int i = 1; i < nodes.size(); i++) {
            values[i] = nodes.get(i).forward(of(values, nodes.get(i)));
        }
        return values;
    }

    /** The values of a node's inputs, in its input order. */
    private static NDArray[] of(NDArray[] values, Node node) {
        int[] inputs = node.inputs();
        NDArray[] out = new NDArray[inputs.length];
        for (int j = 0; j < inputs.length; j++) {
            out[j] = values[inputs[j]];
        }
        return out;
    }

    /**
     * Returns the outputs for a batch of inputs.
     *
     * @param x inputs {@code (B, inputSize)}, float64
     * @return outputs {@code (B, outputSize)}
     */
    public NDArray evaluate(NDArray x) {
        return forward(x)[output()];
    }

    /**
     * Returns the input gradient of {@code spec · f} at each input, by back-propagation with
     * derivative 1 for a positive pre-activation and the negative slope otherwise (one element
     * of the Clarke set at 0).
     *
     * @param x inputs {@code (B, inputSize)}, float64
     * @param spec {@code (B, outputSize)}: the output combination per row
     * @return gradients {@code (B, inputSize)}
     */
    public NDArray gradient(NDArray x, NDArray spec) {
        NDArray[] grads = backward(forward(x), spec);
        return grads[0] == null ? x.zerosLike() : grads[0];
    }

    /**
     * Back-propagates {@code spec · f} through every node, with the derivatives of {@link
     * #gradient}.
     *
     * @param values every node's value, from {@link #forward}
     * @param spec {@code (B, outputSize)}: the output combination per row
     * @return per node, the gradient of {@code spec · f} with respect to its value {@code (B,
     *     size)}; null for a node the output does not read
     */
    public NDArray[] backward(NDArray[] values, NDArray spec) {
        NDArray[] grads = new NDArray[nodes.size()];
        grads[output()] = spec;
        for (int i = output(); i > 0; i--) {
            if (grads[i] == null) {
                continue;
            }
            Node node = nodes.get(i);
            NDArray[] toInputs = node.backward(of(values, node), grads[i]);
            for (int j = 0; j < toInputs.length; j++) {
                accumulate(grads, node.inputs()[j], toInputs[j]);
            }
        }
        return grads;
    }

    /**
     * Returns every node's Jacobian at one point, as rows: entry i is {@code (∂z_i/∂x)ᵀ}, {@code
     * (inputSize, size_i)} (row j: how node i moves along input direction j), with the
     * derivatives of {@link #gradient}.
     *
     * @param values every node's value at the point, from {@link #forward} of one input
     * @return the Jacobians; entry 0 is the identity
     */
    public NDArray[] jacobianRows(NDArray[] values) {
        NDArray[] rows = new NDArray[nodes.size()];
        int n0 = inputSize();
        rows[0] = values[0].getManager().eye(n0, n0, 0, values[0].getDataType());
        for (int i = 1; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            rows[i] = node.jacobianRows(of(values, node), of(rows, node));
        }
        return rows;
    }

    private static void accumulate(NDArray[] grads, int i, NDArray g) {
        grads[i] = grads[i] == null ? g : grads[i].add(g);
    }

    @Override
    public void close() {
        manager.close();
    }
}
