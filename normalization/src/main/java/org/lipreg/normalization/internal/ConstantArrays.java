package org.lipreg.normalization.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.normalization.engine.Scalars;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Small arrays a layer needs on every step (the identity affine of a fused kernel, scratch
 * space), created once per key in a long-lived manager and reused: at batch size 2 a training
 * step is bound by the number of engine calls, not by arithmetic.
 *
 * <p>Callers must not write into an array they got from {@link #ones}, {@link #zeros} or
 * {@link #get}; {@link #scratch} arrays are for writing.
 *
 * <p>An engine helper for this module's layers, not part of lipreg's API.
 */
public final class ConstantArrays {

    /** Creates an empty cache; a layer holds one for its lifetime. */
    public ConstantArrays() {}

    private final Map<String, NDArray> cache = new HashMap<>();
    private final Map<String, HeldScalar> scalars = new HashMap<>();

    /**
     * A cached vector of ones.
     *
     * @param owner the manager that owns the array
     * @param length its length
     * @param type its data type
     * @return the cached array (not to be written into)
     */
    public NDArray ones(NDManager owner, long length, DataType type) {
        return get("ones/" + length + "/" + type, owner, m -> m.ones(new Shape(length), type));
    }

    /**
     * A cached vector of zeros.
     *
     * @param owner the manager that owns the array
     * @param length its length
     * @param type its data type
     * @return the cached array (not to be written into)
     */
    public NDArray zeros(NDManager owner, long length, DataType type) {
        return get("zeros/" + length + "/" + type, owner, m -> m.zeros(new Shape(length), type));
    }

    /**
     * A reusable array whose content the caller overwrites; {@code slot} tells two apart.
     *
     * @param slot the caller's name for this scratch array
     * @param owner the manager that owns the array
     * @param length its length
     * @param type its data type
     * @return the scratch array
     */
    public NDArray scratch(String slot, NDManager owner, long length, DataType type) {
        return get("scratch-" + slot + "/" + length + "/" + type, owner, m -> m.zeros(new Shape(length), type));
    }

    /**
     * A scalar holding {@code value} in the given type, kept in a slot until a different value is
     * asked for (then replaced), so that a value repeated from step to step costs no engine call.
     *
     * @param slot the caller's name for this scalar
     * @param owner the manager that owns the array
     * @param value the value
     * @param type its data type
     * @return the scalar array (not to be written into)
     */
    public NDArray scalar(String slot, NDManager owner, double value, DataType type) {
        String key = slot + "/" + type + "@" + owner.getDevice();
        HeldScalar held = scalars.get(key);
        if (held == null || held.value() != value || held.array().isReleased()) {
            if (held != null && !held.array().isReleased()) {
                held.array().close();
            }
            held = new HeldScalar(keep(Scalars.of(owner, value, type)), value);
            scalars.put(key, held);
        }
        return held.array();
    }

    /** A scalar slot's array and the value it holds (reading it back would be an engine call). */
    private record HeldScalar(NDArray array, double value) {}

    /**
     * Takes a new array out of any open {@code NDScope}: a cached array is often first made inside
     * a step's scope, which would otherwise close it when the step ends and make every step make
     * it again.
     */
    private static NDArray keep(NDArray array) {
        NDScope.unregister(array);
        return array;
    }

    /**
     * Returns the array cached under a key, creating it in {@code owner} the first time.
     *
     * @param key the cache key (the device is added to it)
     * @param owner the manager that owns the array
     * @param create makes the array the first time
     * @return the cached array (not to be written into)
     */
    public NDArray get(String key, NDManager owner, Function<NDManager, NDArray> create) {
        String fullKey = key + "@" + owner.getDevice();
        NDArray array = cache.get(fullKey);
        if (array == null || array.isReleased()) {
            array = keep(create.apply(owner));
            cache.put(fullKey, array);
        }
        return array;
    }
}
