package org.lipreg.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

class BestEffortPlotsTest {

    @Test
    void failuresAreReportedOnceAndNeverThrown() {
        List<String> warnings = new ArrayList<>();
        BestEffortPlots plots = new BestEffortPlots(warnings::add);
        List<String> drawn = new ArrayList<>();
        assertTrue(plots.draw("a.png", () -> drawn.add("a")));
        assertFalse(plots.draw("b.png", () -> {
            throw new IOException("No space left on device");
        }));
        // What AWT throws on a headless machine without its font libraries.
        assertFalse(plots.draw("c.png", () -> {
            throw new NoClassDefFoundError("Could not initialize class sun.awt.X11FontManager");
        }));
        assertFalse(plots.draw("d.png", () -> {
            throw new IllegalStateException("bad chart");
        }));
        assertTrue(plots.draw("e.png", () -> drawn.add("e")), "drawing goes on after a failure");
        assertEquals(List.of("a", "e"), drawn);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cannot draw b.png (java.io.IOException: No space left on device)"),
                warnings.get(0));
    }
}
