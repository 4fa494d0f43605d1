package org.lipreg.experiments.config;

import org.lipreg.training.regularizer.OperatorModel;

/**
 * {@code model.spectralNorm} and a spectral penalty's {@code operator}: which norm of a
 * convolution spectral methods take.
 */
public enum Operator implements Choice {

    /** Off (only {@code model.spectralNorm} offers it). */
    NONE("none", "no spectral normalization (model.spectralNorm only)", null),

    /** The reshaped weight matrix. */
    RESHAPED("reshaped", "a convolution's weight reshaped to a matrix (a cheap proxy)", OperatorModel.RESHAPED),

    /** The convolution operator. */
    CONV("conv", "the convolution's true operator norm", OperatorModel.CONV_OPERATOR);

    private final String id;
    private final String meaning;
    private final OperatorModel model;

    Operator(String id, String meaning, OperatorModel model) {
        this.id = id;
        this.meaning = meaning;
        this.model = model;
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
     * Returns the operator model of the training module.
     *
     * @return the model, or null for none
     */
    public OperatorModel model() {
        return model;
    }

    /** A spectral penalty's {@code operator}: the operators without {@code none}. */
    public enum Penalty implements Choice {
        /** See {@link Operator#RESHAPED}. */
        RESHAPED(Operator.RESHAPED),
        /** See {@link Operator#CONV}. */
        CONV(Operator.CONV);

        private final Operator operator;

        Penalty(Operator operator) {
            this.operator = operator;
        }

        @Override
        public String id() {
            return operator.id();
        }

        @Override
        public String meaning() {
            return operator.meaning();
        }

        /**
         * Returns the operator.
         *
         * @return the operator
         */
        public Operator operator() {
            return operator;
        }
    }
}
