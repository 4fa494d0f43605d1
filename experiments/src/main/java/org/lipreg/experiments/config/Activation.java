package org.lipreg.experiments.config;

/**
 * {@code model.activation}: the activation of the {@code cnn} and {@code mlp} presets. Each
 * constant is the whole choice: its name, meaning, the layer it adds and the widths it needs.
 */
public enum Activation implements Choice {

    /** ReLU. */
    RELU("relu", "max(x, 0)") {
        @Override
        public LayerSpec layer(ModelConfig model) {
            return new LayerSpec.Relu();
        }
    },

    /** MaxMin: sorted pairs of channels. */
    MAXMIN("maxmin", "sorted pairs of channels (1-Lipschitz, gradient-norm preserving); widths must be even") {
        @Override
        public LayerSpec layer(ModelConfig model) {
            return new LayerSpec.MaxMin();
        }

        @Override
        public int sortGroup(ModelConfig model) {
            return 2;
        }
    },

    /** GroupSort: sorted groups of {@code model.groupSize} channels. */
    GROUPSORT("groupsort", "sorted groups of model.groupSize channels (1-Lipschitz); widths must be divisible by it") {
        @Override
        public LayerSpec layer(ModelConfig model) {
            LayerSpec.GroupSort sort = new LayerSpec.GroupSort();
            sort.groupSize = model.groupSize;
            return sort;
        }

        @Override
        public int sortGroup(ModelConfig model) {
            return model.groupSize;
        }
    },

    /** Householder: each pair kept or reflected by a learnable unit vector (one angle per layer). */
    HOUSEHOLDER("householder", "each pair of channels kept or reflected by a learnable unit vector (1-Lipschitz, "
            + "gradient-norm preserving; starts as MaxMin); widths must be even") {
        @Override
        public LayerSpec layer(ModelConfig model) {
            return new LayerSpec.Householder();
        }

        @Override
        public int sortGroup(ModelConfig model) {
            return 2;
        }
    };

    private final String id;
    private final String meaning;

    Activation(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String meaning() {
        return meaning;
    }

    /**
     * Returns the layer a preset adds after each conv and hidden layer.
     *
     * @param model the model config
     * @return the activation layer
     */
    public abstract LayerSpec layer(ModelConfig model);

    /**
     * Returns how many channels the activation sorts together, which must divide every width;
     * 1 for an activation of single channels.
     *
     * @param model the model config
     * @return the group size
     */
    public int sortGroup(ModelConfig model) {
        return 1;
    }
}
