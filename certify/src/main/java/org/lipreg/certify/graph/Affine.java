package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lipreg.normalization.engine.Scalars;

/**
 * {@code y = A x + b}: dense layers, convolutions, pooling and folded normalizations, each kept in
 * its own {@link LinearMap} form. Linear, so its relaxation is itself and its Jacobian edge is
 * {@code Aᵀ}.
 *
 * @param input the input node
 * @param map A
 * @param bias {@code (size)}, float64
 */
public record Affine(int input, LinearMap map, NDArray bias) implements Node, ForwardRelaxation, GradientEdge {

    /**
     * Takes ownership of the bias: the graph outlives any scope it was built in.
     *
     * @param input the input node
     * @param map A
     * @param bias {@code (size)}
     */
    public Affine {
        ai.djl.ndarray.NDScope.unregister(bias);
    }

    @Override
    public int size() {
        return map.outputSize();
    }

    @Override
    public long operations() {
        return map.fanIn();
    }

    @Override
    public int[] imageShape() {
        return map.outputImage();
    }

    @Override
    public int[] inputImageShape() {
        return map.inputImage();
    }

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public NDArray forward(NDArray[] inputs) {
        return map.apply(inputs[0]).add(bias);
    }

    @Override
    public NDArray[] backward(NDArray[] inputs, NDArray gradient) {
        return new NDArray[] {map.applyTranspose(gradient)};
    }

    @Override
    public NDArray jacobianRows(NDArray[] inputs, NDArray[] rows) {
        return map.apply(rows[0]);
    }

    @Override
    public Interval interval(Interval[] inputs, RoundingMargin margin) {
        Interval x = inputs[0];
        // Centre and radius: A·mid + b ± |A|·rad, two map applications instead of four.
        NDArray mid = Scalars.mul(x.lower().add(x.upper()), 0.5);
        NDArray rad = Scalars.mul(x.upper().sub(x.lower()), 0.5);
        NDArray centre = map.apply(mid).add(bias);
        NDArray radius = map.abs().apply(rad);
        NDArray magnitude = map.abs().apply(x.magnitude()).add(bias.abs());
        return new Interval(centre.sub(radius), centre.add(radius), magnitude).widened(margin);
    }

    @Override
    public ForwardRelaxation relax(Interval[] inputs) {
        return this;
    }

    @Override
    public Step backward(NDArray lambda, FreeSlopes slopes) {
        return new Step(new NDArray[] {map.applyTranspose(lambda)}, lambda.matMul(bias));
    }

    @Override
    public Step backwardFromUnitRows(NDManager manager, int[] entries, int size) {
        // λ = ±e_k: the rows of A at k and the biases b_k, read off the map instead of applied.
        NDArray rows = map.rows(manager, entries);
        double[] b = bias.toDoubleArray();
        double[] constant = new double[2 * entries.length];
        for (int r = 0; r < entries.length; r++) {
            constant[r] = b[entries[r]];
            constant[entries.length + r] = -b[entries[r]];
        }
        return new Step(new NDArray[] {rows.concat(rows.neg(), 0).expandDims(0)},
                manager.create(constant, new Shape(1, constant.length)));
    }

    @Override
    public GradientEdge gradientEdge(long rowsPerDomain, RoundingMargin margin) {
        return this;
    }

    @Override
    public Interval backward(Interval output) {
        // ∂x = Aᵀ ∂y, in centre and radius.
        NDArray mid = Scalars.mul(output.lower().add(output.upper()), 0.5);
        NDArray rad = Scalars.mul(output.upper().sub(output.lower()), 0.5);
        NDArray centre = map.applyTranspose(mid);
        NDArray radius = map.abs().applyTranspose(rad);
        return new Interval(centre.sub(radius), centre.add(radius), map.abs().applyTranspose(output.magnitude()));
    }

    @Override
    public Step forwardFromUnitRows(NDManager manager, int[] entries, int inputSize) {
        NDArray columns = map.columns(manager, entries);
        return new Step(new NDArray[] {columns.concat(columns.neg(), 0).expandDims(0)}, null);
    }

    @Override
    public Step forward(NDArray lambda, boolean record) {
        // ∂x = Aᵀ ∂y, so λ·∂x = (Aλ)·∂y.
        return new Step(new NDArray[] {map.apply(lambda)}, null);
    }
}
