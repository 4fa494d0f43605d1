package org.lipreg.training.schedule;

import ai.djl.training.tracker.Tracker;

/**
 * Linear decay to zero over a known horizon T: {@code η_t = η (T − t + 1)/T} for update t =
 * 1…T, and 0 after. The shape that makes the <em>last</em> iterate of SGD optimal for convex
 * Lipschitz problems when T is known (Liu &amp; Zhou 2023; with {@code η ∝ 1/√T}).
 */
public final class LinearDecayTracker implements Tracker {

    private final float base;
    private final int horizon;

    /**
     * Creates the schedule.
     *
     * @param base η, the rate of the first update
     * @param horizon T, the number of updates
     */
    public LinearDecayTracker(float base, int horizon) {
        if (!(base > 0) || !Float.isFinite(base)) {
            throw new IllegalArgumentException("base learning rate must be positive, got " + base);
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
        }
        this.base = base;
        this.horizon = horizon;
    }

    @Override
    public float getNewValue(int numUpdate) {
        if (numUpdate > horizon) {
            return 0f;
        }
        int t = Math.max(1, numUpdate);
        return (float) (base * (double) (horizon - t + 1) / horizon);
    }
}
