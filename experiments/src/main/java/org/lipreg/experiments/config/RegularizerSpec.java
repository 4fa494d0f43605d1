package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/** One regularizer of a run, selected by its {@code type} key. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = RegularizerSpec.SpectralPenalty.class, name = "spectral-penalty")})
public abstract class RegularizerSpec {

    /** The allowed {@code type} values. */
    public static final List<String> TYPES = List.of("spectral-penalty");

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
}
