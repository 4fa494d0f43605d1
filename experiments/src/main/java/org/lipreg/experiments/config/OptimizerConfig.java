package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/** The optimizer and its hyper-parameters. */
@JsonPropertyOrder({"name", "learningRate", "momentum", "weightDecay"})
@Section("the optimizer and its hyper-parameters")
public final class OptimizerConfig {


    /** {@code sgd}, {@code adam} or {@code adamw}. */
    @Key(value = "the optimizer", usedBy = "OptimizerFactory → training", choices = OptimizerName.class)
    public String name = "adam";

    /** Base learning rate (the schedule scales it). */
    @Key(value = "base learning rate (the schedule scales it)", usedBy = "OptimizerFactory", min = 0, minExclusive = true)
    public double learningRate = 1e-3;

    /** SGD momentum (ignored by Adam). */
    @Key(value = "SGD momentum (ignored by Adam)", usedBy = "OptimizerName.SGD", min = 0, max = 1, maxExclusive = true)
    public double momentum = 0.9;

    /** Weight decay: L2 in the gradient for sgd and adam, decoupled for adamw. */
    @Key(value = "weight decay: L2 in the gradient for sgd and adam, decoupled for adamw", usedBy = "OptimizerName", min = 0)
    public double weightDecay = 0;
}
