package org.lipreg.certify.lipschitz;

import java.util.function.LongSupplier;

/**
 * When branch-and-bound's time budget runs out. The work checks it wherever it can stop soundly
 * (between the split constraints' steps, between layers, before each leaf's linear program and
 * at each of its pivots, before each batch), so that a run ends shortly after its budget however
 * long one batch takes. {@link #check()} throws {@link Passed}; branch-and-bound catches it and
 * counts the unfinished work with bounds already known to hold. The clock is a parameter so that
 * tests can advance time by hand.
 */
final class Deadline {

    /** Thrown by {@link #check()} once the deadline has passed: the current work is abandoned. */
    static final class Passed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private Passed() {
            super("the time budget has run out", null, false, false); // control flow: no stack trace
        }
    }

    /** A deadline that never passes, for bounds without a budget. */
    static final Deadline NONE = new Deadline(null, 0);

    private final LongSupplier clock;
    private final long end;
    /** Once passed, always passed (and the clock is not read again). */
    private boolean passed;

    private Deadline(LongSupplier clock, long end) {
        this.clock = clock;
        this.end = end;
    }

    /**
     * A deadline some seconds after the clock's present reading.
     *
     * @param seconds the budget
     * @param clock nanoseconds, e.g. {@code System::nanoTime}
     * @return the deadline
     */
    static Deadline after(double seconds, LongSupplier clock) {
        long budget = (long) Math.min(seconds * 1e9, 1e18); // at most 31 years, so that no sum overflows
        return new Deadline(clock, clock.getAsLong() + budget);
    }

    /**
     * Returns whether the deadline has passed (reads the clock until it has).
     *
     * @return true once the clock reads at or after the deadline
     */
    boolean passed() {
        // A difference, as System.nanoTime's origin is arbitrary (its readings may be negative).
        if (!passed && clock != null && clock.getAsLong() - end >= 0) {
            passed = true;
        }
        return passed;
    }

    /**
     * Abandons the current work once the deadline has passed.
     *
     * @throws Passed if it has
     */
    void check() {
        if (passed()) {
            throw new Passed();
        }
    }
}
