package org.lipreg.certify.smoothing;

/** Guards the one rule every smoothing certificate rests on. */
final class Draws {

    private Draws() {}

    /**
     * Refuses certification samples that the selection was made on: a bound computed on the
     * samples that chose its class (or map, or temperature) is no longer a confidence bound.
     */
    static void requireIndependent(Selection selection, SampleStatistics certification) {
        if (selection.drawId() == certification.drawId()) {
            throw new IllegalArgumentException("the certification samples are the selection samples; "
                    + "certify on a fresh draw, independent of the one the choices were made on");
        }
    }
}
