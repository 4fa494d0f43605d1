package org.lipreg.training.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A DJL {@link Optimizer} whose state (update counts and per-parameter moment arrays) can be
 * written into a checkpoint and read back, so that a resumed run continues exactly where it
 * stopped.
 *
 * <p>DJL's own optimizers keep their state in private maps with no way to save it; these
 * subclasses call the same fused engine kernels ({@code sgdUpdate}, {@code adamUpdate}) and own
 * their state. State is keyed by DJL's parameter id at run time and by the parameter's
 * hierarchical name in a checkpoint, because ids are random per process.
 */
public abstract class CheckpointableOptimizer extends Optimizer {

    private static final int STATE_VERSION = 1;

    /** Learning-rate schedule; called with the 1-based update number. */
    protected final ParameterTracker learningRateTracker;

    /** Per parameter id: how many updates it has received. */
    private final Map<String, Integer> updateCounts = new HashMap<>();

    /** Per parameter id: the optimizer's moment arrays, in a fixed order per optimizer kind. */
    private final Map<String, NDArray[]> states = new HashMap<>();

    private int lastUpdate;

    /**
     * Creates the optimizer from its builder.
     *
     * @param builder the concrete optimizer's builder, already validated
     */
    protected CheckpointableOptimizer(Builder<?> builder) {
        super(builder);
        this.learningRateTracker = builder.learningRateTracker;
    }

    /** {@inheritDoc} */
    @Override
    public final void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCounts.merge(parameterId, 1, Integer::sum);
        lastUpdate = Math.max(lastUpdate, t);
        NDArray[] state =
                states.computeIfAbsent(parameterId, id -> newState(weight, stateCount()));
        float learningRate = learningRateTracker.getNewValue(parameterId, t);
        if (!Float.isFinite(learningRate)) {
            throw new IllegalStateException("learning rate at update " + t + " is " + learningRate);
        }
        apply(weight, grad, state, t, learningRate);
    }

    /**
     * Returns the learning rate the schedule gives for the most recent update (or for the first
     * update if none has happened yet).
     *
     * @return the learning rate
     */
    public float currentLearningRate() {
        return learningRateTracker.getNewValue(null, Math.max(1, lastUpdate));
    }

    /**
     * Returns how many moment arrays this optimizer keeps per parameter.
     *
     * @return the number of state arrays
     */
    protected abstract int stateCount();

    /**
     * Updates the weight in place (and zeroes its gradient, as DJL's fused kernels do).
     *
     * @param weight the parameter array
     * @param grad its gradient
     * @param state this parameter's moment arrays, updated in place
     * @param t the 1-based update number of this parameter
     * @param learningRate the scheduled learning rate for update t
     */
    protected abstract void apply(
            NDArray weight, NDArray grad, NDArray[] state, int t, float learningRate);

    private static NDArray[] newState(NDArray weight, int count) {
        NDArray[] state = new NDArray[count];
        for (int i = 0; i < count; i++) {
            state[i] = weight.zerosLike();
        }
        return state;
    }

    /**
     * Writes the update counts and moment arrays.
     *
     * @param out the checkpoint stream
     * @param nameOf maps a parameter id to its stable hierarchical name
     * @throws IOException if writing fails
     */
    public void saveState(DataOutputStream out, Function<String, String> nameOf)
            throws IOException {
        out.writeInt(STATE_VERSION);
        out.writeUTF(getClass().getSimpleName());
        out.writeInt(lastUpdate);
        List<String> ids = new ArrayList<>(updateCounts.keySet());
        ids.sort(null);
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(nameOf.apply(id));
            out.writeInt(updateCounts.get(id));
            NDArray[] state = states.get(id);
            out.writeInt(state == null ? 0 : state.length);
            if (state != null) {
                for (NDArray array : state) {
                    byte[] bytes = array.encode();
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            }
        }
    }

    /**
     * Replaces this optimizer's state with what {@link #saveState} wrote.
     *
     * @param in the checkpoint stream
     * @param idOf maps a stable parameter name to this process's parameter id, or {@code null}
     *     when the model has no such parameter
     * @param manager the manager that will own the moment arrays (the model's)
     * @throws IOException if the stream is malformed or does not match the model
     */
    public void loadState(DataInputStream in, Function<String, String> idOf, NDManager manager)
            throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("optimizer state version " + version + " is not supported");
        }
        String kind = in.readUTF();
        if (!kind.equals(getClass().getSimpleName())) {
            throw new IOException(
                    "checkpoint holds " + kind + " state but the run uses "
                            + getClass().getSimpleName());
        }
        clearState();
        lastUpdate = in.readInt();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            String id = idOf.apply(name);
            if (id == null) {
                throw new IOException("checkpoint has optimizer state for unknown parameter " + name);
            }
            updateCounts.put(id, in.readInt());
            int count = in.readInt();
            if (count > 0) {
                NDArray[] state = new NDArray[count];
                for (int k = 0; k < count; k++) {
                    byte[] bytes = new byte[in.readInt()];
                    in.readFully(bytes);
                    state[k] = manager.decode(bytes);
                }
                states.put(id, state);
            }
        }
    }

    private void clearState() {
        for (NDArray[] state : states.values()) {
            for (NDArray array : state) {
                array.close();
            }
        }
        states.clear();
        updateCounts.clear();
        lastUpdate = 0;
    }

    /**
     * The builder shared by the checkpointable optimizers.
     *
     * @param <T> the concrete builder
     */
    public abstract static class Builder<T extends Builder<T>> extends OptimizerBuilder<T> {

        private ParameterTracker learningRateTracker;

        /**
         * Sets the learning-rate schedule.
         *
         * @param tracker a DJL tracker
         * @return this builder
         */
        public T setLearningRateTracker(ParameterTracker tracker) {
            this.learningRateTracker = tracker;
            return self();
        }

        /** Checks the settings common to every optimizer before it is built. */
        protected void validate() {
            if (learningRateTracker == null) {
                throw new IllegalArgumentException("learningRateTracker is required");
            }
        }
    }
}
