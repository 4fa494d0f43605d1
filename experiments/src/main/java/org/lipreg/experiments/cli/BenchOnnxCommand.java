package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.OnnxBenchmark;
import org.lipreg.experiments.run.TableText;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code lipreg bench onnx}: ONNX import time, and smoothing on the PyTorch and ONNX Runtime engines. */
@Command(
        name = "onnx",
        mixinStandardHelpOptions = true,
        description = {
            "Seconds to import a ~10 MB ONNX model, and noisy samples per second of smoothing CERTIFY on an",
            "ONNX MNIST CNN run by the PyTorch engine (imported graph) and by ONNX Runtime, side by side."
        })
final class BenchOnnxCommand implements Callable<Integer> {

    @Option(names = "--samples", defaultValue = "10000", description = "Samples per CERTIFY call (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--batch", defaultValue = "1000", description = "Inputs per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved timing rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (samples < 102 || batch < 1 || rounds < 1) {
            System.err.println("lipreg: --samples must be at least 102, --batch and --rounds positive");
            return ExitCodes.BAD_INPUT;
        }
        System.out.println(TableText.forPrinting(OnnxBenchmark.importTime(rounds, System.out), 3).printAll());
        System.out.println(TableText.forPrinting(OnnxBenchmark.smoothing(samples, batch, rounds, System.out), 4).printAll());
        return ExitCodes.OK;
    }
}
