package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/** The optimizer and its hyper-parameters. */
@JsonPropertyOrder({"name", "learningRate", "momentum", "weightDecay"})
public final class OptimizerConfig {

    /** The allowed values of {@link #name}. */
    public static final List<String> NAMES = List.of("sgd", "adam", "adamw");

    /** {@code sgd}, {@code adam} or {@code adamw}. */
    public String name = "adam";

    /** Base learning rate (the schedule scales it). */
    public double learningRate = 1e-3;

    /** SGD momentum (ignored by Adam). */
    public double momentum = 0.9;

    /** Weight decay: L2 in the gradient for sgd and adam, decoupled for adamw. */
    public double weightDecay = 0;
}
