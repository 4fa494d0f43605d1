package org.lipreg.certify.lipschitz;

/**
 * Branch-and-bound limits.
 *
 * @param timeBudgetSeconds stop after this long, counted from the start of the bound (the CROWN
 *     bounds it starts from included) and checked inside each batch, so that a run ends soon
 *     after it; the certified value is then the largest bound over the open domains, each
 *     domain of an unfinished batch at its parent's bound
 * @param maxDomains stop when this many domains are open
 * @param batchSize the most domains split and bounded together per step (lowered for networks
 *     whose domains carry large coefficient arrays: about 40 MB per batch)
 * @param constraintSteps steps on the multipliers that let a domain's splits tighten the bounds
 *     of the activations after them (β-CROWN's β); 0 turns that off, so that splits only fix
 *     their own activations
 */
public record BabSettings(double timeBudgetSeconds, int maxDomains, int batchSize, int constraintSteps)
        implements java.io.Serializable {

    /**
     * Steps on the split constraints' multipliers by default. On the MNIST MLP of {@code bench
     * lipschitz} at ε = 0.1, 30 s per point: 0 steps left point 5 at 1.43× its attained value,
     * 2 at 1.24×, 5 (about 3.5 times fewer domains per second) proved it exactly in 26 s; 10 and
     * 20 steps cost more than they tighten.
     */
    public static final int DEFAULT_CONSTRAINT_STEPS = 5;

    /** The defaults: 60 s, 200 000 open domains, batches of 32, 5 constraint steps. */
    public static final BabSettings DEFAULT = new BabSettings(60, 200_000, 32);

    /**
     * Checks the limits.
     *
     * @param timeBudgetSeconds stop after this long, counted from the start of the bound (the CROWN
     *     bounds it starts from included) and checked inside each batch, so that a run ends soon
     *     after it; the certified value is then the largest bound over the open domains, each
     *     domain of an unfinished batch at its parent's bound
     * @param maxDomains stop when this many domains are open
     * @param batchSize the most domains split and bounded together per step (lowered for networks
     *     whose domains carry large coefficient arrays: about 40 MB per batch)
     * @param constraintSteps steps on the multipliers that let a domain's splits tighten the bounds
     *     of the activations after them (β-CROWN's β); 0 turns that off, so that splits only fix
     *     their own activations
     */
    public BabSettings {
        if (!(timeBudgetSeconds > 0) || maxDomains < 1 || batchSize < 1) {
            throw new IllegalArgumentException("bab needs a positive time budget, domain cap and batch size");
        }
        if (constraintSteps < 0) {
            throw new IllegalArgumentException("bab constraint steps must be at least 0, got " + constraintSteps);
        }
    }

    /**
     * Settings with the default number of constraint steps.
     *
     * @param timeBudgetSeconds the time budget
     * @param maxDomains the cap on open domains
     * @param batchSize the most domains per step
     */
    public BabSettings(double timeBudgetSeconds, int maxDomains, int batchSize) {
        this(timeBudgetSeconds, maxDomains, batchSize, DEFAULT_CONSTRAINT_STEPS);
    }

    /**
     * Returns these settings with another time budget.
     *
     * @param seconds the budget
     * @return new settings
     */
    public BabSettings withTimeBudget(double seconds) {
        return new BabSettings(seconds, maxDomains, batchSize, constraintSteps);
    }
}
