package org.lipreg.normalization.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.Test;

/**
 * Cached arrays must outlive the scope they were first made in (a layer's forward often runs in
 * one), or every step makes them again; a scalar slot holds its value exactly and changes only
 * when the value does.
 */
class ConstantArraysTest {

    @Test
    void arraysMadeInsideAScopeSurviveIt() {
        ConstantArrays constants = new ConstantArrays();
        try (NDManager owner = NDManager.newBaseManager()) {
            NDArray ones;
            NDArray scratch;
            NDArray scalar;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                ones = constants.ones(owner, 4, DataType.FLOAT32);
                scratch = constants.scratch("s", owner, 4, DataType.FLOAT32);
                scalar = constants.scalar("r", owner, 0.25, DataType.FLOAT32);
            }
            assertFalse(ones.isReleased() || scratch.isReleased() || scalar.isReleased());
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                assertSame(ones, constants.ones(owner, 4, DataType.FLOAT32));
                assertSame(scratch, constants.scratch("s", owner, 4, DataType.FLOAT32));
                assertSame(scalar, constants.scalar("r", owner, 0.25, DataType.FLOAT32));
            }
            assertEquals(4f, ones.sum().getFloat());
        }
    }

    @Test
    void aScalarSlotFollowsItsValueExactly() {
        ConstantArrays constants = new ConstantArrays();
        try (NDManager owner = NDManager.newBaseManager()) {
            double third = 1.0 / 3.0;
            NDArray first = constants.scalar("r", owner, third, DataType.FLOAT64);
            assertEquals(third, first.getDouble()); // all 53 bits, not a float's 24
            NDArray second = constants.scalar("r", owner, 0.01, DataType.FLOAT64);
            assertNotSame(first, second);
            assertTrue(first.isReleased(), "the replaced scalar is closed");
            assertEquals(0.01, second.getDouble());
            assertEquals(0.01f, constants.scalar("r", owner, 0.01, DataType.FLOAT32).getFloat());
        }
    }
}
