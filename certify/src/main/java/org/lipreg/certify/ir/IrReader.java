package org.lipreg.certify.ir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.lipreg.normalization.activation.GroupSort;
import org.lipreg.normalization.activation.HouseholderActivation;
import org.lipreg.normalization.groupnorm.BatchChannelNorm;
import org.lipreg.normalization.groupnorm.GroupNorm;
import org.lipreg.normalization.residual.Residual;
import org.lipreg.normalization.ws.WeightStandardizedConv2d;
import org.lipreg.normalization.ws.WeightStandardizedLinear;
import org.lipreg.training.regularizer.SpectrallyNormalized;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a trained DJL block tree (in inference form) into the certification IR. Weight
 * standardization and spectral normalization are folded into their layer's weight exactly as
 * inference computes it; batch norm becomes its inference affine map, folded into the layer
 * before it when there is one. Blocks that are not affine or piecewise linear at inference
 * (GN, BCN, LayerNorm, PowerNorm, max pooling, smooth activations…) raise an
 * {@link UnsupportedLayerException} that names the block's path; so does a NaN or infinite
 * parameter.
 */
public final class IrReader {

    private static final String PER_SAMPLE = "normalizes by per-sample statistics in a form the certifier has no "
            + "bounds for yet (group norm and batch-channel norm are supported; sampled lower bounds and "
            + "randomized smoothing still work)";

    private final NDManager manager;

    private IrReader(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Reads an initialized block.
     *
     * @param block the model
     * @param exampleShape one example's shape without the batch axis, e.g. (1, 28, 28)
     * @return the network
     * @throws UnsupportedLayerException naming the first block that the IR cannot represent
     */
    public static Network read(Block block, Shape exampleShape) {
        int[] input = Arrays.stream(exampleShape.getShape()).mapToInt(Math::toIntExact).toArray();
        try (NDManager manager = NDManager.newBaseManager()) {
            IrReader reader = new IrReader(manager);
            List<Layer> layers = new ArrayList<>();
            reader.visit(block, block.getClass().getSimpleName(), input, layers);
            return new Network(input, layers);
        }
    }

    /** Appends the block's layers; returns the output shape. */
    private int[] visit(Block block, String path, int[] shape, List<Layer> out) {
        if (block instanceof SequentialBlock) {
            int[] current = shape;
            for (Pair<String, Block> child : block.getChildren()) {
                current = visit(child.getValue(), path + "/" + child.getKey(), current, out);
            }
            return current;
        }
        if (block instanceof Residual residual) {
            // The path segments are DJL's child keys ("01body", "02shortcut"), as for a
            // SequentialBlock, so that a reported path can be followed through getChildren().
            List<Layer> body = new ArrayList<>();
            visit(residual.getBody(), path + "/" + childKey(residual, residual.getBody(), "body"), shape, body);
            List<Layer> shortcut = new ArrayList<>();
            if (residual.getShortcut() != null) {
                visit(residual.getShortcut(), path + "/" + childKey(residual, residual.getShortcut(), "shortcut"),
                        shape, shortcut);
            }
            return append(out, new Layer.Residual(body, shortcut), shape, path);
        }
        requireFiniteParameters(block, path);
        Layer layer = translate(block, path, shape, out);
        if (layer == null) {
            return shape;
        }
        return append(out, layer, shape, path);
    }

    /**
     * Refuses a NaN or infinite parameter, naming it: once folded into a neighbour it could no
     * longer be told apart, and every bound of the model would be NaN.
     */
    private static void requireFiniteParameters(Block block, String path) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().isInitialized()) {
                continue;
            }
            String defect = FiniteValues.firstNonFinite(Tensor.of(p.getValue().getArray()));
            if (defect != null) {
                throw new UnsupportedLayerException(path, "parameter '" + p.getKey() + "' " + defect
                        + "; every weight must be a finite number");
            }
        }
    }

    /** Returns the key under which {@code parent} holds {@code child}. */
    private static String childKey(Block parent, Block child, String fallback) {
        for (Pair<String, Block> c : parent.getChildren()) {
            if (c.getValue() == child) {
                return c.getKey();
            }
        }
        return fallback;
    }

    private int[] append(List<Layer> out, Layer layer, int[] shape, String path) {
        int[] next;
        try {
            next = LayerShapes.outputShape(layer, shape);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedLayerException(path, e.getMessage());
        }
        out.add(layer);
        return next;
    }

    /** Returns the IR layer for a leaf block, or null when it is the identity at inference. */
    private Layer translate(Block block, String path, int[] shape, List<Layer> out) {
        if (block instanceof Dropout) {
            return null;
        }
        if (block instanceof Linear) {
            return dense(param(block, "weight"), block.getParameters().get("bias"), path, shape);
        }
        if (block instanceof WeightStandardizedLinear ws) {
            return dense(ws.standardizedWeight(manager), ws.getParameters().get("bias"), path, shape);
        }
        if (block instanceof Conv2d conv) {
            return conv(param(block, "weight"), block.getParameters().get("bias"), conv.getStride(), conv.getPadding(),
                    conv.getDilation(), conv.getGroups());
        }
        if (block instanceof WeightStandardizedConv2d ws) {
            return conv(ws.standardizedWeight(manager), ws.getParameters().get("bias"), ws.getStride(), ws.getPadding(),
                    ws.getDilation(), ws.getGroups());
        }
        if (block instanceof SpectrallyNormalized sn) {
            NDArray w = sn.normalizedWeight(manager);
            Parameter bias = sn.getLayer().getParameters().get("bias");
            if (sn.getLayer() instanceof Conv2d conv) {
                return conv(w, bias, conv.getStride(), conv.getPadding(), conv.getDilation(), conv.getGroups());
            }
            return dense(w, bias, path, shape);
        }
        if (block instanceof BatchNorm) {
            return batchNorm(block, path, out);
        }
        if (block instanceof GroupSort sort) {
            return new Layer.GroupSort(sort.getGroupSize());
        }
        if (block instanceof HouseholderActivation) {
            try (NDArray theta = param(block, "theta").toType(DataType.FLOAT64, true)) {
                return new Layer.Householder(theta.getDouble(0));
            }
        }
        if (block instanceof GroupNorm gn) {
            return groupNorm(gn, shape);
        }
        if (block instanceof BatchChannelNorm bcn) {
            // At inference: batch norm on running statistics (folded like BatchNorm), then group norm.
            Layer channel = channelAffine(param(bcn, "gamma"), param(bcn, "beta"), param(bcn, "runningMean"),
                    param(bcn, "runningVar"), bcn.getEpsilon(), out);
            if (channel != null) {
                out.add(channel);
            }
            return groupNorm(bcn.getGroupNorm(), shape);
        }
        if (block instanceof ai.djl.nn.norm.LayerNorm || block.getClass().getSimpleName().contains("PowerNorm")) {
            throw new UnsupportedLayerException(path, block.getClass().getSimpleName() + " " + PER_SAMPLE);
        }
        if (block instanceof LambdaBlock lambda) {
            return lambda(lambda, path, shape);
        }
        throw new UnsupportedLayerException(path, block.getClass().getSimpleName() + " is not in the certification IR "
                + "(it reads Linear, Conv2d, their weight-standardized and spectrally normalized forms, BatchNorm, "
                + "ReLU, LeakyReLU, MaxMin/GroupSort, Householder, average pooling, flatten, dropout and Residual)");
    }

    private Layer lambda(LambdaBlock lambda, String path, int[] shape) {
        switch (lambda.getName()) {
            case "ReLU":
                return new Layer.Relu(0);
            case "LeakyReLU": {
                // The slope is inside the lambda: read it back as the output at -1.
                NDArray minusOne = manager.create(new float[] {-1f}, new Shape(1, 1));
                double slope = -lambda.forward(new ParameterStore(manager, false), new NDList(minusOne), false)
                        .singletonOrThrow().toType(DataType.FLOAT64, false).getDouble(0, 0);
                if (!(slope >= 0 && slope <= 1)) {
                    throw new UnsupportedLayerException(path, "leaky ReLU with slope " + slope + " (only [0, 1] is supported)");
                }
                return new Layer.Relu(slope);
            }
            case "batchFlatten":
                return new Layer.Flatten();
            case "identity":
                return null;
            case "avgPool2d":
                return avgPool(lambda, path, shape, false);
            case "maxPool2d":
                return avgPool(lambda, path, shape, true);
            default:
                throw new UnsupportedLayerException(path, "activation or function '" + lambda.getName()
                        + "' is not piecewise linear (or not known to be): the IR supports ReLU, LeakyReLU, "
                        + "MaxMin/GroupSort, average pooling and flatten");
        }
    }

    /**
     * Average pooling's window is inside the lambda: find the (kernel, stride, padding) whose
     * output on a random input matches the block's.
     */
    private Layer avgPool(LambdaBlock lambda, String path, int[] shape, boolean max) {
        if (shape.length != 3) {
            throw new UnsupportedLayerException(path, "average pooling on a non-image input " + Arrays.toString(shape));
        }
        NDArray x = manager.randomUniform(0, 1, new Shape(1, shape[0], shape[1], shape[2]));
        NDArray y = lambda.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        for (int k = 1; k <= Math.min(8, Math.min(shape[1], shape[2])); k++) {
            for (int s = 1; s <= k; s++) {
                for (int p = 0; p <= k / 2; p++) {
                    Shape kernel = new Shape(k, k);
                    NDArray candidate = max ? Pool.maxPool2d(x, kernel, new Shape(s, s), new Shape(p, p), false)
                            : Pool.avgPool2d(x, kernel, new Shape(s, s), new Shape(p, p), false, true);
                    if (candidate.getShape().equals(y.getShape())
                            && candidate.sub(y).abs().max().getFloat() <= 1e-6f) {
                        int[] window = {k, k};
                        int[] step = {s, s};
                        int[] pad = {p, p};
                        return max ? new Layer.MaxPool2d(window, step, pad) : new Layer.AvgPool2d(window, step, pad);
                    }
                }
            }
        }
        throw new UnsupportedLayerException(path, (max ? "max" : "average") + " pooling whose window could not be identified "
                + "(square kernels up to 8 are recognized)");
    }

    private Layer dense(NDArray weight, Parameter bias, String path, int[] shape) {
        if (shape.length != 1) {
            throw new UnsupportedLayerException(path, "a linear layer on a non-flat input " + Arrays.toString(shape)
                    + " (DJL would apply it to the last axis); add a flatten before it");
        }
        Tensor w = Tensor.of(weight);
        Tensor b = bias == null || !bias.isInitialized() ? Tensor.zeros(w.dim(0)) : Tensor.of(bias.getArray());
        return new Layer.Dense(w, b);
    }

    private Layer conv(NDArray weight, Parameter bias, Shape stride, Shape padding, Shape dilation, int groups) {
        Tensor w = Tensor.of(weight);
        if (w.shape().length != 4) {
            throw new IllegalArgumentException("only 2-d convolutions are read, got weight " + w);
        }
        Tensor b = bias == null || !bias.isInitialized() ? Tensor.zeros(w.dim(0)) : Tensor.of(bias.getArray());
        return new Layer.Conv2d(w, b, ints(stride), ints(padding), ints(dilation), groups);
    }

    /** Batch norm at inference: {@code γ (x − μ)/sqrt(σ² + eps) + β}, folded into the layer before it. */
    private Layer batchNorm(Block block, String path, List<Layer> out) {
        if (readField(block, "axis", Integer.class, path) != 1) {
            throw new UnsupportedLayerException(path, "batch norm over an axis other than 1 (channels)");
        }
        double eps = readField(block, "epsilon", Float.class, path);
        return channelAffine(param(block, "gamma"), param(block, "beta"), param(block, "runningMean"),
                param(block, "runningVar"), eps, out);
    }

    /**
     * The channel affine map of batch norm on running statistics, folded into the convolution or
     * dense layer before it when there is one (then null).
     */
    private static Layer channelAffine(NDArray gammaArray, NDArray betaArray, NDArray meanArray, NDArray varArray,
            double eps, List<Layer> out) {
        double[] gamma = Tensor.of(gammaArray).data();
        double[] beta = Tensor.of(betaArray).data();
        double[] mean = Tensor.of(meanArray).data();
        double[] var = Tensor.of(varArray).data();
        int c = gamma.length;
        double[] scale = new double[c];
        double[] shift = new double[c];
        for (int i = 0; i < c; i++) {
            scale[i] = gamma[i] / Math.sqrt(var[i] + eps);
            shift[i] = beta[i] - mean[i] * scale[i];
        }
        Layer previous = out.isEmpty() ? null : out.get(out.size() - 1);
        if (previous instanceof Layer.Conv2d conv && conv.weight().dim(0) == c) {
            out.remove(out.size() - 1);
            int per = conv.weight().size() / c;
            out.add(new Layer.Conv2d(scaleRows(conv.weight(), scale, per), affine(conv.bias(), scale, shift),
                    conv.stride(), conv.padding(), conv.dilation(), conv.groups()));
            return null;
        }
        if (previous instanceof Layer.Dense dense && dense.weight().dim(0) == c) {
            out.remove(out.size() - 1);
            out.add(new Layer.Dense(scaleRows(dense.weight(), scale, dense.weight().dim(1)),
                    affine(dense.bias(), scale, shift)));
            return null;
        }
        return new Layer.ChannelAffine(new Tensor(new int[] {c}, scale), new Tensor(new int[] {c}, shift));
    }

    /** Group norm with its per-channel affine (ones and zeros when it has none). */
    private static Layer groupNorm(GroupNorm gn, int[] shape) {
        int channels = shape[0];
        Parameter gamma = gn.getParameters().get("gamma");
        Parameter beta = gn.getParameters().get("beta");
        Tensor scale = gamma == null ? new Tensor(new int[] {channels}, ones(channels)) : Tensor.of(param(gn, "gamma"));
        Tensor shift = beta == null ? Tensor.zeros(channels) : Tensor.of(param(gn, "beta"));
        return new Layer.GroupNorm(gn.getGroups(), gn.getEpsilon(), scale, shift);
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    private static Tensor scaleRows(Tensor t, double[] scale, int per) {
        double[] data = t.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= scale[i / per];
        }
        return new Tensor(t.shape(), data);
    }

    private static Tensor affine(Tensor bias, double[] scale, double[] shift) {
        double[] data = bias.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] = data[i] * scale[i] + shift[i];
        }
        return new Tensor(bias.shape(), data);
    }

    private static NDArray param(Block block, String name) {
        Parameter p = block.getParameters().get(name);
        if (p == null || !p.isInitialized()) {
            throw new IllegalStateException(block.getClass().getSimpleName() + " has no initialized '" + name
                    + "' parameter; initialize or load the model first");
        }
        return p.getArray();
    }

    private static <T> T readField(Block block, String name, Class<T> type, String path) {
        try {
            Field f = BatchNorm.class.getDeclaredField(name);
            f.setAccessible(true);
            return type.cast(f.get(block));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnsupportedLayerException(path, "cannot read batch norm's " + name + " (" + e + ")");
        }
    }

    private static int[] ints(Shape shape) {
        return Arrays.stream(shape.getShape()).mapToInt(Math::toIntExact).toArray();
    }
}
