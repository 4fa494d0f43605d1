package org.lipreg.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class LastIterateExperimentTest {

    @Test
    void gapShrinksWithTheHorizonForBothSchedules() {
        LastIterateExperiment.Result r = LastIterateExperiment.run(5, 3, 3162, 5000);
        Table t = r.table();
        assertEquals(4, t.rowCount(), "T = 100, 316, 1000, 3162");
        for (String column : new String[] {"gap_linear_decay", "gap_anytime"}) {
            double first = t.doubleColumn(column).get(0);
            double last = t.doubleColumn(column).get(t.rowCount() - 1);
            assertTrue(last < first / 3, column + ": " + first + " at T=100, " + last + " at T=3162");
        }
        assertTrue(r.slopeLinearDecay() < -0.3 && r.slopeAnytime() < -0.3,
                "slopes " + r.slopeLinearDecay() + ", " + r.slopeAnytime());
    }
}
