package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * One run of a sweep.
 *
 * @param name its directory name, stable: built from its variant and axis values
 * @param variant the variant's name, or {@code null} when the sweep has no variants
 * @param axes grid key path → the value this run takes (as text), in grid order
 * @param config the run's full config tree (base + variant + grid values), validated
 */
public record SweepRun(String name, String variant, Map<String, String> axes, ObjectNode config) {

    /**
     * Writes what identifies the run (name, variant if any, axis values) into a JSON object: the
     * plan file and {@code lipreg config} describe runs the same way.
     *
     * @param into the object to fill
     * @return {@code into}
     */
    public ObjectNode describeInto(ObjectNode into) {
        into.put("name", name);
        if (variant != null) {
            into.put("variant", variant);
        }
        ObjectNode values = into.putObject("axes");
        axes.forEach(values::put);
        return into;
    }
}
