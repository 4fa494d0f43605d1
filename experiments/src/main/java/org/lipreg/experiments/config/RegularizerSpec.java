package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/** One regularizer of a run, selected by its {@code type} key. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RegularizerSpec.SpectralPenalty.class, name = "spectral-penalty"),
    @JsonSubTypes.Type(value = RegularizerSpec.Adversarial.class, name = "adversarial")
})
public abstract class RegularizerSpec {

    /** The allowed {@code type} values. */
    public static final List<String> TYPES = List.of("spectral-penalty", "adversarial");

    /** The spectral-norm penalty {@code (λ/2) Σ σ(W_l)²} over Linear and Conv2d layers. */
    public static final class SpectralPenalty extends RegularizerSpec {

        /** The allowed values of {@link #operator}. */
        public static final List<String> OPERATORS = List.of("reshaped", "conv");

        /** λ. */
        public double lambda = 0.01;

        /** Convolutions: {@code reshaped} weight matrix or the true {@code conv} operator norm. */
        public String operator = "reshaped";

        /** Power iterations per step. */
        public int iterations = 1;
    }

    /** The adversarial smoothness penalty: λ · max over the ε-ball of the output change, by PGD. */
    public static final class Adversarial extends RegularizerSpec {

        /** The allowed values of {@link #norm}. */
        public static final List<String> NORMS = List.of("linf", "l2");

        /** The allowed values of {@link #divergence}. */
        public static final List<String> DIVERGENCES = List.of("squared", "kl");

        /** λ. */
        public double lambda = 1.0;

        /** Radius of the ball, in input units. */
        public double epsilon = 0.1;

        /** Ascent steps K. */
        public int steps = 5;

        /** Ascent step size; 0 means 2.5·ε/K. */
        public double stepSize = 0;

        /** {@code linf} or {@code l2}. */
        public String norm = "linf";

        /** {@code squared} output difference or {@code kl} between the softmax outputs. */
        public String divergence = "squared";
    }
}
