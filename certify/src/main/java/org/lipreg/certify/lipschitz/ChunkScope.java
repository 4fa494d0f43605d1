package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of a bound pass in its own {@code NDScope}: the chunk's intermediate arrays are freed
 * when it closes, so chunking bounds the memory held at once; the arrays it keeps move to the
 * enclosing scope. (Without it, every chunk's backward coefficients stayed alive until the whole
 * bound was done: the quickstart CNN's CROWN pass ran out of memory.)
 */
final class ChunkScope implements AutoCloseable {

    private final NDScope scope = new NDScope();
    private final List<NDArray> kept = new ArrayList<>();

    /**
     * Keeps an array beyond the chunk.
     *
     * @param array a result of the chunk
     * @return the same array
     */
    NDArray keep(NDArray array) {
        NDScope.unregister(array);
        kept.add(array);
        return array;
    }

    @Override
    public void close() {
        scope.close();
        for (NDArray array : kept) {
            NDScope.register(array);
        }
    }
}
