package org.lipreg.rl.sac;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Writes networks' parameter arrays into a checkpoint and reads them back into the same networks,
 * bit for bit. Parameters are named by their path in the block ({@code 01Linear_weight}), checked
 * on reading with their shapes, so a checkpoint of another architecture is refused by name.
 */
public final class ParameterArrays {

    private ParameterArrays() {}

    /**
     * Writes every parameter of a block (learned or not: spectral normalization's vectors too).
     *
     * @param out the checkpoint stream
     * @param block the network
     * @throws IOException if writing fails
     */
    public static void write(DataOutputStream out, Block block) throws IOException {
        var parameters = block.getParameters();
        out.writeInt(parameters.size());
        for (Pair<String, Parameter> p : parameters) {
            out.writeUTF(p.getKey());
            writeArray(out, p.getValue().getArray());
        }
    }

    /**
     * Reads what {@link #write} wrote into the block's existing arrays (optimizers and parameter
     * stores keep referring to them).
     *
     * @param in the checkpoint stream
     * @param block the same network, initialized
     * @param what names the network in errors, e.g. "critic 1"
     * @throws IOException if the stream does not hold this network's parameters
     */
    public static void read(DataInputStream in, Block block, String what) throws IOException {
        var parameters = block.getParameters();
        int count = in.readInt();
        if (count != parameters.size()) {
            throw new IOException(what + ": the checkpoint has " + count + " parameters, the network has "
                    + parameters.size());
        }
        for (Pair<String, Parameter> p : parameters) {
            String name = in.readUTF();
            if (!name.equals(p.getKey())) {
                throw new IOException(what + ": parameter " + name + " where the network has " + p.getKey());
            }
            readArray(in, p.getValue().getArray(), what + " " + name);
        }
    }

    /**
     * Writes one array.
     *
     * @param out the checkpoint stream
     * @param array the array
     * @throws IOException if writing fails
     */
    public static void writeArray(DataOutputStream out, NDArray array) throws IOException {
        byte[] bytes = array.encode();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Reads one array into an existing one of the same shape.
     *
     * @param in the checkpoint stream
     * @param target the array to overwrite
     * @param what names the array in errors
     * @throws IOException if the stored array has another shape
     */
    public static void readArray(DataInputStream in, NDArray target, String what) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        try (NDArray saved = target.getManager().decode(bytes)) {
            if (!saved.getShape().equals(target.getShape())) {
                throw new IOException(what + ": the checkpoint has shape " + saved.getShape() + ", the network "
                        + target.getShape());
            }
            target.set(new NDIndex("..."), saved);
        }
    }

    /**
     * Maps each parameter id of the blocks to a stable name: the given prefix and the parameter's
     * path. Optimizer state is keyed by ids, which are new in every process.
     *
     * @param names receives id → name
     * @param prefix e.g. "q1/"
     * @param block the network
     */
    public static void nameIds(Map<String, String> names, String prefix, Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            names.put(p.getValue().getId(), prefix + p.getKey());
        }
    }
}
