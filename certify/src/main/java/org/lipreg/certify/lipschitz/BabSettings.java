package org.lipreg.certify.lipschitz;

/**
 * Branch-and-bound limits.
 *
 * @param timeBudgetSeconds stop after this long (the certified value is then the largest bound
 *     over the open domains)
 * @param maxDomains stop when this many domains are open
 * @param batchSize the most domains split and bounded together per step (lowered for networks
 *     whose domains carry large coefficient arrays: about 40 MB per batch)
 */
public record BabSettings(double timeBudgetSeconds, int maxDomains, int batchSize) {

    /** The defaults: 60 s, 200 000 open domains, batches of 32. */
    public static final BabSettings DEFAULT = new BabSettings(60, 200_000, 32);

    /** Checks the limits. */
    public BabSettings {
        if (!(timeBudgetSeconds > 0) || maxDomains < 1 || batchSize < 1) {
            throw new IllegalArgumentException("bab needs a positive time budget, domain cap and batch size");
        }
    }

    /**
     * Returns these settings with another time budget.
     *
     * @param seconds the budget
     * @return new settings
     */
    public BabSettings withTimeBudget(double seconds) {
        return new BabSettings(seconds, maxDomains, batchSize);
    }
}
