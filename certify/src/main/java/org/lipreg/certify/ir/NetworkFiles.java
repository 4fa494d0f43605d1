package org.lipreg.certify.ir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lipreg.training.internal.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes and reads a {@link Network} as two files that tools outside Java can open: an
 * {@code .npz} archive (numpy's {@code np.load}) with every weight array as float64, and a JSON
 * file with the architecture, whose layers name their arrays by dotted path
 * ({@code layers.3.body.0.weight}). Models trained elsewhere can so be certified here, and the
 * IR that was certified can be checked elsewhere.
 *
 * <p>The JSON is {@code {"format": "lipreg-network", "version": 1, "input_shape": [...],
 * "layers": [...]}}; each layer is an object with a {@code "type"} ({@code dense},
 * {@code conv2d}, {@code avgpool2d}, {@code maxpool2d}, {@code channel_affine}, {@code group_norm},
 * {@code relu}, {@code groupsort}, {@code flatten}, {@code residual}) and exactly that type's
 * fields, all required:
 * <ul>
 *   <li>{@code dense}: {@code weight} {@code (out, in)}, {@code bias} {@code (out)};</li>
 *   <li>{@code conv2d}: {@code weight} {@code (out, in/groups, kh, kw)}, {@code bias},
 *       {@code stride}, {@code padding}, {@code dilation} (pairs), {@code groups};</li>
 *   <li>{@code avgpool2d}: {@code kernel}, {@code stride}, {@code padding} (pairs; padded zeros
 *       count, as in DJL);</li>
 *   <li>{@code maxpool2d}: {@code kernel}, {@code stride}, {@code padding} (pairs);</li>
 *   <li>{@code channel_affine}: {@code scale}, {@code shift} {@code (channels)};</li>
 *   <li>{@code group_norm}: {@code groups}, {@code epsilon}, {@code scale}, {@code shift}
 *       {@code (channels)};</li>
 *   <li>{@code relu}: {@code negative_slope} in [0, 1];</li>
 *   <li>{@code groupsort}: {@code size};</li>
 *   <li>{@code flatten}: nothing;</li>
 *   <li>{@code residual}: {@code body} and {@code shortcut}, lists of layers (an empty shortcut
 *       is the identity).</li>
 * </ul>
 * Array fields hold the array's name in the npz. A layer key that is not its type's is an
 * error (a misspelt key would otherwise be silently ignored); other top-level keys are ignored,
 * so exporters may add metadata. Arrays of any float type are read; npz entries that no layer
 * names are ignored. Note that DJL's npz reader drops the names of entries called
 * {@code arr_N} (numpy's names for positional {@code np.savez} arguments), so a layer cannot
 * refer to those.
 *
 * <p>Reading checks that the layers' shapes chain from the input shape, as {@link IrReader}
 * does, so that a file that reads is a network the certifiers can lower. Every defect is a
 * {@link FormatException} naming the file and the JSON path of the offending field; so is a
 * NaN or infinite value in an array a layer uses (naming the npz entry and the index).
 */
public final class NetworkFiles {

    /** The value of the JSON's {@code "format"} key. */
    public static final String FORMAT = "lipreg-network";

    /** The JSON format version that this class writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("dense", Set.of("weight", "bias")),
            Map.entry("conv2d", Set.of("weight", "bias", "stride", "padding", "dilation", "groups")),
            Map.entry("avgpool2d", Set.of("kernel", "stride", "padding")),
            Map.entry("maxpool2d", Set.of("kernel", "stride", "padding")),
            Map.entry("channel_affine", Set.of("scale", "shift")),
            Map.entry("group_norm", Set.of("groups", "epsilon", "scale", "shift")),
            Map.entry("relu", Set.of("negative_slope")),
            Map.entry("groupsort", Set.of("size")),
            Map.entry("householder", Set.of("angle")),
            Map.entry("flatten", Set.of()),
            Map.entry("residual", Set.of("body", "shortcut")));

    private NetworkFiles() {}

    /**
     * A network file that cannot be read: wrong format or version, an unknown layer type, a
     * missing or ill-typed field, a missing array, or shapes that do not fit.
     */
    public static final class FormatException extends IOException {

        private static final long serialVersionUID = 1L;

        private final transient Path file;
        /** The JSON path of the field at fault, or null. */
        private final String field;
        /** Why it could not be read. */
        private final String reason;

        /**
         * Creates the exception.
         *
         * @param file the file at fault
         * @param field the JSON path of the field at fault, e.g. {@code layers[3].type}, or null
         *     when the file as a whole is
         * @param reason what is wrong
         * @param cause the underlying error, or null
         */
        public FormatException(Path file, String field, String reason, Throwable cause) {
            super(file + (field == null ? "" : ": " + field) + ": " + reason, cause);
            this.file = file;
            this.field = field;
            this.reason = reason;
        }

        /**
         * Returns the file at fault.
         *
         * @return the file
         */
        public Path getFile() {
            return file;
        }

        /**
         * Returns the JSON path of the field at fault.
         *
         * @return the path, or null when the file as a whole is at fault
         */
        public String getField() {
            return field;
        }

        /**
         * Returns what is wrong.
         *
         * @return the reason
         */
        public String getReason() {
            return reason;
        }
    }

    /**
     * Writes {@code base.npz} and {@code base.json} next to each other.
     *
     * @param network the network
     * @param base the path without extension, e.g. {@code out/model}
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the layers' shapes do not chain from the input shape
     * @see #write(Network, Path, Path)
     */
    public static void write(Network network, Path base) throws IOException {
        write(network, sibling(base, ".npz"), sibling(base, ".json"));
    }

    /**
     * Writes the weights to an npz archive and the architecture to a JSON file, each atomically
     * (a reader sees the old file or the new one). The npz is written first, so that a JSON
     * never refers to arrays that were not yet written; the pair as a whole is not atomic.
     *
     * @param network the network
     * @param npz the weight archive to create or replace
     * @param json the architecture file to create or replace
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the layers' shapes do not chain from the input shape
     *     (such a file could not be read back)
     */
    public static void write(Network network, Path npz, Path json) throws IOException {
        checkShapes(network.inputShape(), network.layers(), "layers");
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.set("input_shape", ints(network.inputShape()));
        root.set("layers", layersToJson(network.layers(), "layers", arrays));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list = new NDList(arrays.size());
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                NDArray array = e.getValue().toNDArray(manager);
                // The npz entry is "<name>.npy", which np.load lists as "<name>".
                array.setName(e.getKey());
                list.add(array);
            }
            AtomicFiles.write(npz, out -> list.encode(out, NDList.Encoding.NPZ));
        }
        AtomicFiles.writeString(json, JSON.writeValueAsString(root) + "\n");
    }

    /**
     * Reads {@code base.npz} and {@code base.json}.
     *
     * @param base the path without extension
     * @return the network
     * @throws IOException if a file cannot be read or is malformed ({@link FormatException})
     * @see #read(Path, Path)
     */
    public static Network read(Path base) throws IOException {
        return read(sibling(base, ".npz"), sibling(base, ".json"));
    }

    /**
     * Reads a network from its weight archive and architecture file.
     *
     * @param npz the weight archive
     * @param json the architecture file
     * @return the network
     * @throws FormatException naming the file and field when the content is malformed
     * @throws IOException if a file cannot be read
     */
    public static Network read(Path npz, Path json) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json.toFile());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new FormatException(json, null, "not valid JSON: " + e.getOriginalMessage() + where, e);
        }
        if (root == null || !root.isObject()) {
            throw new FormatException(json, null, "expected a JSON object", null);
        }
        // Check the format before anything else: a different file's errors would only confuse.
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual() || !format.asText().equals(FORMAT)) {
            throw new FormatException(json, "format", (format == null ? "missing" : "is " + format)
                    + ", expected \"" + FORMAT + "\"", null);
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber()) {
            throw new FormatException(json, "version", (version == null ? "missing" : "is " + version)
                    + ", expected an integer", null);
        }
        if (!version.canConvertToInt() || version.intValue() != VERSION) {
            throw new FormatException(json, "version", "version " + version + " is not supported (this reader knows "
                    + "version " + VERSION + ")", null);
        }
        Map<String, Tensor> arrays = readArrays(npz);
        Parser parser = new Parser(json, npz, arrays);
        int[] inputShape = parser.ints(root, "input_shape", "input_shape", -1, 1);
        if (inputShape.length == 0) {
            throw new FormatException(json, "input_shape", "is empty", null);
        }
        List<Layer> layers = parser.layers(parser.array(root, "layers", "layers"), "layers");
        try {
            checkShapes(inputShape, layers, "layers");
        } catch (ShapeException e) {
            throw new FormatException(json, e.path, e.reason, e);
        }
        return new Network(inputShape, layers);
    }

    // ---- writing ----

    private static ArrayNode layersToJson(List<Layer> layers, String prefix, Map<String, Tensor> arrays) {
        ArrayNode out = JSON.createArrayNode();
        for (int i = 0; i < layers.size(); i++) {
            out.add(layerToJson(layers.get(i), prefix + "." + i, arrays));
        }
        return out;
    }

    private static ObjectNode layerToJson(Layer layer, String name, Map<String, Tensor> arrays) {
        ObjectNode node = JSON.createObjectNode();
        if (layer instanceof Layer.Dense d) {
            node.put("type", "dense");
            putArray(node, "weight", name, d.weight(), arrays);
            putArray(node, "bias", name, d.bias(), arrays);
        } else if (layer instanceof Layer.Conv2d c) {
            node.put("type", "conv2d");
            putArray(node, "weight", name, c.weight(), arrays);
            putArray(node, "bias", name, c.bias(), arrays);
            node.set("stride", ints(c.stride()));
            node.set("padding", ints(c.padding()));
            node.set("dilation", ints(c.dilation()));
            node.put("groups", c.groups());
        } else if (layer instanceof Layer.AvgPool2d p) {
            node.put("type", "avgpool2d");
            node.set("kernel", ints(p.kernel()));
            node.set("stride", ints(p.stride()));
            node.set("padding", ints(p.padding()));
        } else if (layer instanceof Layer.MaxPool2d p) {
            node.put("type", "maxpool2d");
            node.set("kernel", ints(p.kernel()));
            node.set("stride", ints(p.stride()));
            node.set("padding", ints(p.padding()));
        } else if (layer instanceof Layer.GroupNorm g) {
            node.put("type", "group_norm");
            node.put("groups", g.groups());
            node.put("epsilon", g.epsilon());
            putArray(node, "scale", name, g.scale(), arrays);
            putArray(node, "shift", name, g.shift(), arrays);
        } else if (layer instanceof Layer.ChannelAffine a) {
            node.put("type", "channel_affine");
            putArray(node, "scale", name, a.scale(), arrays);
            putArray(node, "shift", name, a.shift(), arrays);
        } else if (layer instanceof Layer.Relu r) {
            node.put("type", "relu");
            node.put("negative_slope", r.negativeSlope());
        } else if (layer instanceof Layer.GroupSort g) {
            node.put("type", "groupsort");
            node.put("size", g.size());
        } else if (layer instanceof Layer.Householder h) {
            node.put("type", "householder");
            node.put("angle", h.angle());
        } else if (layer instanceof Layer.Flatten) {
            node.put("type", "flatten");
        } else if (layer instanceof Layer.Residual r) {
            node.put("type", "residual");
            node.set("body", layersToJson(r.body(), name + ".body", arrays));
            node.set("shortcut", layersToJson(r.shortcut(), name + ".shortcut", arrays));
        } else {
            // Unreachable while Layer is sealed; a new layer type must be added here.
            throw new IllegalArgumentException("no file format for layer " + layer.getClass().getSimpleName());
        }
        return node;
    }

    private static void putArray(ObjectNode node, String field, String layerName, Tensor t, Map<String, Tensor> arrays) {
        String name = layerName + "." + field;
        arrays.put(name, t);
        node.put(field, name);
    }

    private static ArrayNode ints(int[] values) {
        ArrayNode out = JSON.createArrayNode();
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    // ---- shapes, shared by writing and reading ----

    /** A shape defect at a JSON path; write reports it as is, read as a {@link FormatException}. */
    private static final class ShapeException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final String path;
        private final String reason;

        ShapeException(String path, String reason, Throwable cause) {
            super(path + ": " + reason, cause);
            this.path = path;
            this.reason = reason;
        }
    }

    /** Returns the output shape of the chain, or throws a ShapeException naming the layer. */
    private static int[] checkShapes(int[] input, List<Layer> layers, String path) {
        int[] shape = input;
        for (int i = 0; i < layers.size(); i++) {
            shape = checkShape(layers.get(i), shape, path + "[" + i + "]");
        }
        return shape;
    }

    private static int[] checkShape(Layer layer, int[] in, String path) {
        if (layer instanceof Layer.Residual r) {
            // Recurse here rather than in Lowering, so that an error names the nested layer.
            int[] body = checkShapes(in, r.body(), path + ".body");
            int[] shortcut = checkShapes(in, r.shortcut(), path + ".shortcut");
            if (!Arrays.equals(body, shortcut)) {
                throw new ShapeException(path, "residual body gives " + Arrays.toString(body)
                        + ", shortcut gives " + Arrays.toString(shortcut), null);
            }
            return body;
        }
        // Lowering does not check these, and would divide by zero or mis-slice the groups.
        if (layer instanceof Layer.Conv2d c && c.weight().dim(0) % c.groups() != 0) {
            throw new ShapeException(path, "conv2d with " + c.weight().dim(0) + " output channels in "
                    + c.groups() + " groups", null);
        }
        if (layer instanceof Layer.Conv2d c && (min(c.stride()) < 1 || min(c.dilation()) < 1 || min(c.padding()) < 0)) {
            throw new ShapeException(path, "conv2d needs stride and dilation ≥ 1 and padding ≥ 0", null);
        }
        if (layer instanceof Layer.AvgPool2d p && (min(p.kernel()) < 1 || min(p.stride()) < 1 || min(p.padding()) < 0)) {
            throw new ShapeException(path, "avgpool2d needs kernel and stride ≥ 1 and padding ≥ 0", null);
        }
        if (layer instanceof Layer.MaxPool2d p && (min(p.kernel()) < 1 || min(p.stride()) < 1 || min(p.padding()) < 0)) {
            throw new ShapeException(path, "maxpool2d needs kernel and stride ≥ 1 and padding ≥ 0", null);
        }
        int[] out;
        try {
            out = LayerShapes.outputShape(layer, in);
        } catch (IllegalArgumentException e) {
            throw new ShapeException(path, e.getMessage(), e);
        }
        for (int d : out) {
            if (d < 1) {
                throw new ShapeException(path, "output shape " + Arrays.toString(out) + " from input "
                        + Arrays.toString(in) + " is empty (a window larger than the padded input?)", null);
            }
        }
        return out;
    }

    private static int min(int[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    // ---- reading ----

    /** Reads every array of the npz, by name, as float64 tensors on the heap. */
    private static Map<String, Tensor> readArrays(Path npz) throws IOException {
        Map<String, Tensor> arrays = new HashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
                InputStream in = new BufferedInputStream(Files.newInputStream(npz))) {
            if (!isZip(in)) {
                throw new FormatException(npz, null, "not an npz (zip) archive", null);
            }
            NDList list;
            try {
                list = NDList.decode(manager, in);
            } catch (RuntimeException e) {
                // DJL reports truncated or malformed data, and unsupported dtypes, as unchecked.
                String hint = String.valueOf(e.getMessage()).contains("'fortran_order': True")
                        ? " (DJL reads C-order arrays only: save np.ascontiguousarray(a))" : "";
                throw new FormatException(npz, null, "cannot decode: " + describe(e) + hint, e);
            }
            for (NDArray array : list) {
                String name = array.getName();
                if (name == null) {
                    continue; // an arr_N entry, see the class comment
                }
                if (!array.getDataType().isFloating()) {
                    throw new FormatException(npz, null, "array '" + name + "' has type "
                            + array.getDataType() + ", expected a float type", null);
                }
                if (arrays.put(name, Tensor.of(array.toType(DataType.FLOAT64, false))) != null) {
                    throw new FormatException(npz, null, "array '" + name + "' appears twice", null);
                }
            }
        }
        return arrays;
    }

    /** Peeks at the zip signature "PK"; DJL would read a lone .npy or its own format too. */
    private static boolean isZip(InputStream in) throws IOException {
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 'P' && b == 'K';
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" (").append(c).append(')');
        }
        return sb.toString();
    }

    private static Path sibling(Path base, String extension) {
        Path name = base.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("no file name in " + base);
        }
        return base.resolveSibling(name + extension);
    }

    /** Turns JSON nodes into layers, reporting every defect with its JSON path. */
    private static final class Parser {

        private final Path json;
        private final Path npz;
        private final Map<String, Tensor> arrays;

        Parser(Path json, Path npz, Map<String, Tensor> arrays) {
            this.json = json;
            this.npz = npz;
            this.arrays = arrays;
        }

        private FormatException error(String path, String reason) {
            return new FormatException(json, path, reason, null);
        }

        List<Layer> layers(ArrayNode nodes, String path) throws FormatException {
            List<Layer> layers = new ArrayList<>(nodes.size());
            for (int i = 0; i < nodes.size(); i++) {
                layers.add(layer(nodes.get(i), path + "[" + i + "]"));
            }
            return layers;
        }

        private Layer layer(JsonNode node, String path) throws FormatException {
            if (node == null || !node.isObject()) {
                throw error(path, "expected a layer object, got " + node);
            }
            JsonNode typeNode = node.get("type");
            if (typeNode == null || !typeNode.isTextual()) {
                throw error(path + ".type", typeNode == null ? "missing" : "expected a string, got " + typeNode);
            }
            String type = typeNode.asText();
            Set<String> fields = FIELDS.get(type);
            if (fields == null) {
                throw error(path + ".type", "unknown layer type \"" + type + "\" (known: " + new TreeSet<>(FIELDS.keySet())
                        + ")");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                String key = it.next();
                if (!key.equals("type") && !fields.contains(key)) {
                    throw error(path + "." + key, "not a field of a " + type + " layer (its fields: "
                            + new TreeSet<>(fields) + ")");
                }
            }
            try {
                switch (type) {
                    case "dense":
                        return new Layer.Dense(tensor(node, "weight", path), tensor(node, "bias", path));
                    case "conv2d":
                        return new Layer.Conv2d(tensor(node, "weight", path), tensor(node, "bias", path),
                                ints(node, "stride", path + ".stride", 2, 1),
                                ints(node, "padding", path + ".padding", 2, 0),
                                ints(node, "dilation", path + ".dilation", 2, 1),
                                integer(node, "groups", path, 1));
                    case "avgpool2d":
                        return new Layer.AvgPool2d(ints(node, "kernel", path + ".kernel", 2, 1),
                                ints(node, "stride", path + ".stride", 2, 1),
                                ints(node, "padding", path + ".padding", 2, 0));
                    case "maxpool2d":
                        return new Layer.MaxPool2d(ints(node, "kernel", path + ".kernel", 2, 1),
                                ints(node, "stride", path + ".stride", 2, 1),
                                ints(node, "padding", path + ".padding", 2, 0));
                    case "channel_affine":
                        return new Layer.ChannelAffine(tensor(node, "scale", path), tensor(node, "shift", path));
                    case "group_norm":
                        return new Layer.GroupNorm(integer(node, "groups", path, 1), number(node, "epsilon", path),
                                tensor(node, "scale", path), tensor(node, "shift", path));
                    case "relu":
                        return new Layer.Relu(number(node, "negative_slope", path));
                    case "groupsort":
                        return new Layer.GroupSort(integer(node, "size", path, 2));
                    case "householder":
                        return new Layer.Householder(number(node, "angle", path));
                    case "flatten":
                        return new Layer.Flatten();
                    case "residual":
                        return new Layer.Residual(layers(array(node, "body", path + ".body"), path + ".body"),
                                layers(array(node, "shortcut", path + ".shortcut"), path + ".shortcut"));
                    default:
                        throw new IllegalStateException("type " + type + " is in FIELDS but not read");
                }
            } catch (IllegalArgumentException e) {
                // The IR records check their shapes; say where the offending layer is.
                throw error(path, e.getMessage());
            }
        }

        private Tensor tensor(JsonNode node, String field, String path) throws FormatException {
            JsonNode value = node.get(field);
            String at = path + "." + field;
            if (value == null || !value.isTextual()) {
                throw error(at, value == null ? "missing" : "expected an array name, got " + value);
            }
            Tensor t = arrays.get(value.asText());
            if (t == null) {
                String hint = value.asText().startsWith("arr_")
                        ? " (DJL's npz reader does not keep the names of arr_N entries; rename the array)" : "";
                throw new FormatException(npz, at, "array '" + value.asText() + "' is not in the archive" + hint
                        + "; it holds " + arrays.size() + " named arrays" + sample(arrays.keySet()), null);
            }
            String defect = FiniteValues.firstNonFinite(t);
            if (defect != null) {
                throw new FormatException(npz, at, "array '" + value.asText() + "' " + defect
                        + "; every weight must be a finite number", null);
            }
            return t;
        }

        private static String sample(Set<String> names) {
            if (names.isEmpty()) {
                return "";
            }
            List<String> sorted = new ArrayList<>(new TreeSet<>(names));
            return ": " + (sorted.size() <= 10 ? sorted : sorted.subList(0, 10) + "…");
        }

        ArrayNode array(JsonNode node, String field, String at) throws FormatException {
            JsonNode value = node.get(field);
            if (value == null || !value.isArray()) {
                throw error(at, value == null ? "missing" : "expected a list, got " + value);
            }
            return (ArrayNode) value;
        }

        /** Reads a list of ints, each at least {@code min}; {@code length} −1 allows any length. */
        int[] ints(JsonNode node, String field, String at, int length, int min) throws FormatException {
            ArrayNode values = array(node, field, at);
            if (length >= 0 && values.size() != length) {
                throw error(at, "expected " + length + " values, got " + values);
            }
            int[] out = new int[values.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode v = values.get(i);
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
                    throw error(at + "[" + i + "]", "expected an integer ≥ " + min + ", got " + v);
                }
                out[i] = v.intValue();
            }
            return out;
        }

        private int integer(JsonNode node, String field, String path, int min) throws FormatException {
            JsonNode v = node.get(field);
            String at = path + "." + field;
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
                throw error(at, (v == null ? "missing" : "got " + v) + ", expected an integer ≥ " + min);
            }
            return v.intValue();
        }

        private double number(JsonNode node, String field, String path) throws FormatException {
            JsonNode v = node.get(field);
            if (v == null || !v.isNumber()) {
                throw error(path + "." + field, (v == null ? "missing" : "got " + v) + ", expected a number");
            }
            return v.doubleValue();
        }
    }
}
