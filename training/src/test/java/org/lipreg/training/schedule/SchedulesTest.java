package org.lipreg.training.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void linearDecayFallsFromTheBaseToZeroOverTheHorizon() {
        LinearDecayTracker t = new LinearDecayTracker(0.5f, 4);
        assertEquals(0.5f, t.getNewValue(1));
        assertEquals(0.375f, t.getNewValue(2));
        assertEquals(0.25f, t.getNewValue(3));
        assertEquals(0.125f, t.getNewValue(4));
        assertEquals(0f, t.getNewValue(5));
        assertEquals(0f, t.getNewValue(1000));
    }

    @Test
    void anytimeIsBaseOverRootTCappedByOneOverTwoL() {
        AnytimeTracker uncapped = new AnytimeTracker(1f, 0);
        assertEquals(1f, uncapped.getNewValue(1));
        assertEquals(0.5f, uncapped.getNewValue(4));
        assertEquals(0.1f, uncapped.getNewValue(100), 1e-7f);
        AnytimeTracker capped = new AnytimeTracker(1f, 2); // cap 1/(2·2) = 0.25
        assertEquals(0.25f, capped.getNewValue(1));
        assertEquals(0.25f, capped.getNewValue(16));
        assertEquals(0.2f, capped.getNewValue(25), 1e-7f);
    }

    @Test
    void invalidSettingsAreNamed() {
        assertEquals("horizon must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new LinearDecayTracker(1f, 0)).getMessage());
        assertEquals("smoothness must be at least 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new AnytimeTracker(1f, -1)).getMessage());
    }
}
