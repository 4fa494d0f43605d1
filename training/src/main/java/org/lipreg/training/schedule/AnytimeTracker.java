package org.lipreg.training.schedule;

import ai.djl.training.tracker.Tracker;

/**
 * The anytime schedule {@code η_t = min(1/(2L), η/√t)}: no horizon needed. With smoothness
 * {@code L = 0} (non-smooth problems) the cap is dropped: {@code η_t = η/√t}.
 */
public final class AnytimeTracker implements Tracker {

    private final float base;
    private final double cap;

    /**
     * Creates the schedule.
     *
     * @param base η
     * @param smoothness L, or 0 for no cap
     */
    public AnytimeTracker(float base, double smoothness) {
        if (!(base > 0) || !Float.isFinite(base)) {
            throw new IllegalArgumentException("base learning rate must be positive, got " + base);
        }
        if (!(smoothness >= 0) || !Double.isFinite(smoothness)) {
            throw new IllegalArgumentException("smoothness must be at least 0, got " + smoothness);
        }
        this.base = base;
        this.cap = smoothness == 0 ? Double.POSITIVE_INFINITY : 1 / (2 * smoothness);
    }

    @Override
    public float getNewValue(int numUpdate) {
        int t = Math.max(1, numUpdate);
        return (float) Math.min(cap, base / Math.sqrt(t));
    }
}
