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
    public static final List<String> TYPES = ConfigRegistry.typeNames(RegularizerSpec.class);

    /** The spectral-norm penalty {@code (λ/2) Σ σ(W_l)²} over Linear and Conv2d layers. */
    @Section(value = "the spectral-norm penalty (λ/2) Σ σ(W_l)² over the Linear and Conv2d layers", usedBy = "Regularizers → training.regularizer.SpectralNormPenalty")
    public static final class SpectralPenalty extends RegularizerSpec {


        /** λ. */
        @Key(value = "λ", usedBy = "SpectralNormPenalty", min = 0)
        public double lambda = 0.01;

        /** Convolutions: {@code reshaped} weight matrix or the true {@code conv} operator norm. */
        @Key(value = "the norm of a convolution", usedBy = "SpectralNormPenalty", choices = Operator.Penalty.class)
        public String operator = "reshaped";

        /** Power iterations per step. */
        @Key(value = "power iterations per step", usedBy = "SpectralNormPenalty", min = 1)
        public int iterations = 1;
    }

    /** The adversarial smoothness penalty: λ · max over the ε-ball of the output change, by PGD. */
    @Section(value = "the adversarial smoothness penalty: λ · max over the ε-ball of the output change, by projected ascent", usedBy = "Regularizers → training.regularizer.AdversarialSmoothnessPenalty")
    public static final class Adversarial extends RegularizerSpec {



        /** λ. */
        @Key(value = "λ", usedBy = "AdversarialSmoothnessPenalty", min = 0)
        public double lambda = 1.0;

        /** Radius of the ball, in input units. */
        @Key(value = "radius of the ball, in input units", usedBy = "AdversarialSmoothnessPenalty", min = 0, minExclusive = true)
        public double epsilon = 0.1;

        /** Ascent steps K. */
        @Key(value = "ascent steps K", usedBy = "AdversarialSmoothnessPenalty", min = 1)
        public int steps = 5;

        /** Ascent step size; 0 means 2.5·ε/K. */
        @Key(value = "ascent step size; 0 means 2.5·ε/K", usedBy = "AdversarialSmoothnessPenalty", min = 0)
        public double stepSize = 0;

        /** {@code linf} or {@code l2}. */
        @Key(value = "the ball", usedBy = "AdversarialSmoothnessPenalty", choices = BallNorm.class)
        public String norm = "linf";

        /** {@code squared} output difference or {@code kl} between the softmax outputs. */
        @Key(value = "how the outputs are compared", usedBy = "AdversarialSmoothnessPenalty", choices = Divergence.class)
        public String divergence = "squared";
    }
}
