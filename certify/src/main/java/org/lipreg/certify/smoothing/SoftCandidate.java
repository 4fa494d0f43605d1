package org.lipreg.certify.smoothing;

/**
 * One simplex map at one temperature, a candidate for soft smoothing.
 *
 * @param map the map
 * @param temperature the temperature t &gt; 0 (1 for hardmax, where it does not matter)
 */
public record SoftCandidate(SimplexMap map, double temperature) {

    /**
     * Checks the temperature.
     *
     * @param map the map
     * @param temperature the temperature t &gt; 0 (1 for hardmax, where it does not matter)
     */
    public SoftCandidate {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
    }

    @Override
    public String toString() {
        return map == SimplexMap.HARDMAX ? map.toString() : map + "@" + temperature;
    }
}
