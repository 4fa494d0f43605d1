package org.lipreg.rl.sac;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's learned parameters as one flat float32 array, so that Adam and the Polyak average
 * run once per network instead of once per parameter array: a libtorch op costs microseconds
 * whatever its size, and an update of a 256×256 SAC agent spent ~250 of its ~500 ops on Adam
 * (about a dozen kernels for each of 19 arrays) and Polyak (three for each of 12).
 *
 * <p>The network's {@link Parameter}s are rebound to views of the flat array (reshaped slices that
 * share its memory, detached from autograd), so everything that reads or writes them — plain
 * forward passes, Lipschitz estimates, checkpoints — sees and changes the flat array. A training
 * forward pass takes its weights from a {@link Store} instead: views of the flat array made inside
 * the gradient collector by one {@code split}, so backward delivers the whole network's gradient
 * as one flat array (one concatenation) to the one leaf. Parameters that are not learned
 * (spectral normalization's power-iteration vectors) keep their own arrays.
 *
 * <p>Write into a parameter in place ({@code set(NDIndex, NDArray)}, {@code muli}, …):
 * {@code NDArray.set(float[])} gives the array new memory and so cuts it off the flat array.
 */
public final class FlatParameters {

    private final List<Parameter> learned = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private final long[] splitPoints;
    private final NDArray values;

    /**
     * Moves an initialized network's learned parameters into one flat array, with their values.
     *
     * @param block the network, initialized
     * @param trainable whether the flat array is a leaf that collects gradients (online networks)
     *     or only averaged (target networks)
     */
    public FlatParameters(Block block, boolean trainable) {
        this(List.of(block), trainable);
    }

    /**
     * Moves the learned parameters of several initialized networks (an ensemble's members) into
     * one flat array, network after network.
     *
     * @param blocks the networks, initialized
     * @param trainable whether the flat array is a leaf that collects gradients
     */
    public FlatParameters(List<Block> blocks, boolean trainable) {
        NDList pieces = new NDList();
        for (Block block : blocks) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    learned.add(p.getValue());
                    shapes.add(p.getValue().getArray().getShape());
                    pieces.add(p.getValue().getArray().reshape(-1));
                }
            }
        }
        splitPoints = new long[learned.size() - 1];
        long offset = 0;
        for (int i = 0; i < splitPoints.length; i++) {
            offset += shapes.get(i).size();
            splitPoints[i] = offset;
        }
        NDManager owner = learned.get(0).getArray().getManager();
        values = NDArrays.concat(pieces);
        values.attach(owner);
        pieces.close();
        values.setRequiresGradient(trainable);
        // The network's own arrays become detached views: reading and writing them is reading and
        // writing the flat array, and nothing done through them enters a gradient.
        NDArray detached = trainable ? values.stopGradient() : values;
        NDList views = views(detached, owner);
        for (int i = 0; i < learned.size(); i++) {
            Parameter parameter = learned.get(i);
            parameter.close(); // frees the old array; DJL lets a parameter take an array once its shape is unset
            parameter.setShape(null);
            parameter.setArray(views.get(i));
        }
    }

    /**
     * Returns the flat array: every learned parameter, in the network's order, flattened.
     *
     * @return the array the optimizer and the Polyak average update in place
     */
    public NDArray values() {
        return values;
    }

    /**
     * Returns the parameters stored in the flat array, in its order.
     *
     * @return the learned parameters
     */
    List<Parameter> parameters() {
        return List.copyOf(learned);
    }

    /** The parameters' arrays as reshaped views of {@code flat}, in the given manager. */
    private NDList views(NDArray flat, NDManager manager) {
        NDList parts = splitPoints.length == 0 ? new NDList(flat) : flat.split(splitPoints);
        if (splitPoints.length > 0) {
            parts.attach(manager);
        }
        NDList views = new NDList(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            views.add(parts.get(i).reshape(shapes.get(i)));
        }
        views.attach(manager);
        return views;
    }

    /**
     * A parameter store for training forward passes: the learned parameters of the given networks
     * come as views of their flat arrays, made on first use (inside the gradient collector, so that
     * they are part of its graph); every other parameter as {@link ParameterStore} gives it.
     */
    public static final class Store extends ParameterStore {

        private final NDManager manager;
        private final Map<String, FlatParameters> owners = new HashMap<>();
        private final Map<String, NDArray> views = new HashMap<>();

        /**
         * Makes a store for one step.
         *
         * @param manager the step's manager; the views belong to it
         * @param networks the networks whose gradients the step collects
         */
        public Store(NDManager manager, FlatParameters... networks) {
            super(manager, false);
            this.manager = manager;
            for (FlatParameters network : networks) {
                for (Parameter p : network.learned) {
                    owners.put(p.getId(), network);
                }
            }
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            FlatParameters owner = owners.get(parameter.getId());
            if (owner == null) {
                return super.getValue(parameter, device, training);
            }
            NDArray view = views.get(parameter.getId());
            if (view == null) {
                NDList all = owner.views(owner.values, manager);
                for (int i = 0; i < all.size(); i++) {
                    views.put(owner.learned.get(i).getId(), all.get(i));
                }
                view = views.get(parameter.getId());
            }
            return view;
        }
    }
}
