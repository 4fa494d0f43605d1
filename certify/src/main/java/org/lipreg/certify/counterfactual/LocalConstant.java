package org.lipreg.certify.counterfactual;

/**
 * An ℓ2 Lipschitz constant of m near a point x: {@code local} holds on the box
 * {@code B∞(x, radius)}, {@code global} everywhere. Both are sound upper bounds when
 * {@code certified}; otherwise they are the largest gradient norm seen at sampled points (a
 * lower estimate of the true constant, labelled {@code sampled} in outputs).
 *
 * @param local the constant on the box
 * @param radius the box's ℓ∞ radius around x
 * @param global the constant everywhere ({@code local} again when sampled)
 * @param certified true for certified bounds, false for a sampled estimate
 */
public record LocalConstant(double local, double radius, double global, boolean certified) {

    /**
     * The constant that bounds {@code |m(x) − m(y)| / ‖x − y‖₂}: the local one when y lies in the
     * box (the segment from x to y then lies in it too, the box being convex), else the global one.
     *
     * @param x the center
     * @param y another point
     * @return γ for the pair
     */
    public double between(double[] x, double[] y) {
        double inf = 0;
        for (int i = 0; i < x.length; i++) {
            inf = Math.max(inf, Math.abs(x[i] - y[i]));
        }
        return inf <= radius ? local : global;
    }

    /** @return "certified" or "sampled" */
    public String kind() {
        return certified ? "certified" : "sampled";
    }
}
