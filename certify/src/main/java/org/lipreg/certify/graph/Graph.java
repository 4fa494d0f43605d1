package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import org.lipreg.normalization.engine.Scalars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A network lowered to a DAG of affine maps, leaky ReLUs and sums on flat float64 vectors, the
 * form every bound in this module works on. Node 0 is the input, the last node the output. The
 * graph owns its arrays; close it when done.
 */
public final class Graph implements AutoCloseable {

    private final NDManager manager;
    private final List<Node> nodes;
    private final List<List<Integer>> consumers;
    // Interval arithmetic splits every weight by sign, every bound computation: split once.
    private final java.util.Map<Integer, NDArray> positiveParts = new java.util.HashMap<>();
    private final java.util.Map<Integer, NDArray> negativeParts = new java.util.HashMap<>();

    Graph(NDManager manager, List<Node> nodes) {
        this.manager = manager;
        this.nodes = List.copyOf(nodes);
        // The graph outlives any scope it was built in.
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof Node.Affine a) {
                NDArray positive = Scalars.maximum(a.weight(), 0);
                NDArray negative = Scalars.minimum(a.weight(), 0);
                NDScope.unregister(a.weight(), a.bias(), positive, negative);
                positiveParts.put(i, positive);
                negativeParts.put(i, negative);
            }
        }
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
        if (node instanceof Node.Affine a) {
            return new int[] {a.input()};
        }
        if (node instanceof Node.Activation a) {
            return new int[] {a.input()};
        }
        if (node instanceof Node.Sum s) {
            return new int[] {s.left(), s.right()};
        }
        return new int[0];
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
            if (nodes.get(i) instanceof Node.Activation) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Returns {@code max(W, 0)} of affine node {@code i}.
     *
     * @param i an affine node
     * @return the positive part of its weight
     */
    public NDArray positivePart(int i) {
        return positiveParts.get(i);
    }

    /**
     * Returns {@code min(W, 0)} of affine node {@code i}.
     *
     * @param i an affine node
     * @return the negative part of its weight
     */
    public NDArray negativePart(int i) {
        return negativeParts.get(i);
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
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (node instanceof Node.Affine a) {
                values[i] = values[a.input()].matMul(a.weight().transpose()).add(a.bias());
            } else if (node instanceof Node.Activation a) {
                NDArray z = values[a.input()];
                values[i] = a.slope() == 0 ? Scalars.maximum(z, 0) : z.maximum(Scalars.mul(z, a.slope()));
            } else if (node instanceof Node.Sum s) {
                values[i] = values[s.left()].add(values[s.right()]);
            } else {
                values[i] = x;
            }
        }
        return values;
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
            NDArray g = grads[i];
            if (g == null) {
                continue;
            }
            Node node = nodes.get(i);
            if (node instanceof Node.Affine a) {
                accumulate(grads, a.input(), g.matMul(a.weight()));
            } else if (node instanceof Node.Activation a) {
                NDArray z = values[a.input()];
                NDArray slope = Scalars.mul(z.gt(0).toType(z.getDataType(), false), 1 - a.slope()).add(a.slope());
                accumulate(grads, a.input(), g.mul(slope));
            } else if (node instanceof Node.Sum s) {
                accumulate(grads, s.left(), g);
                accumulate(grads, s.right(), g);
            }
        }
        return grads;
    }

    private static void accumulate(NDArray[] grads, int i, NDArray g) {
        grads[i] = grads[i] == null ? g : grads[i].add(g);
    }

    @Override
    public void close() {
        manager.close();
    }
}
