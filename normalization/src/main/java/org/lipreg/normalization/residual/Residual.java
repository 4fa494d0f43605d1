package org.lipreg.normalization.residual;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * A residual connection {@code y = body(x) + shortcut(x)}, with the identity as the default
 * shortcut. Unlike a DJL {@code ParallelBlock} with a join function, the addition is explicit,
 * so that the certify module can read it.
 */
public final class Residual extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block body;
    private final Block shortcut;

    private Residual(Block body, Block shortcut) {
        super(VERSION);
        this.body = addChildBlock("body", body);
        this.shortcut = shortcut == null ? null : addChildBlock("shortcut", shortcut);
    }

    /**
     * Returns {@code body(x) + x}.
     *
     * @param body the residual branch; its output shape must equal its input shape
     * @return the block
     */
    public static Residual of(Block body) {
        return new Residual(body, null);
    }

    /**
     * Returns {@code body(x) + shortcut(x)}.
     *
     * @param body the residual branch
     * @param shortcut the projection, e.g. a 1×1 convolution
     * @return the block
     */
    public static Residual of(Block body, Block shortcut) {
        return new Residual(body, shortcut);
    }

    /**
     * Returns the residual branch.
     *
     * @return the body
     */
    public Block getBody() {
        return body;
    }

    /**
     * Returns the shortcut, or {@code null} for the identity.
     *
     * @return the shortcut
     */
    public Block getShortcut() {
        return shortcut;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray f = body.forward(store, inputs, training, params).singletonOrThrow();
        NDArray s = shortcut == null ? x : shortcut.forward(store, inputs, training, params).singletonOrThrow();
        return new NDList(f.add(s));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape f = body.getOutputShapes(inputShapes)[0];
        Shape s = shortcut == null ? inputShapes[0] : shortcut.getOutputShapes(inputShapes)[0];
        if (!f.equals(s)) {
            throw new IllegalArgumentException("Residual: the body gives " + f + " but the shortcut gives " + s
                    + "; they must match to be added");
        }
        return new Shape[] {f};
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("Residual: saved with format version " + loadVersion
                    + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
    }

    @Override
    public String toString() {
        return "Residual(" + body + (shortcut == null ? "" : ", shortcut=" + shortcut) + ")";
    }
}
