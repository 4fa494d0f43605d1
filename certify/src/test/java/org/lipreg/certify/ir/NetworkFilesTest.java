package org.lipreg.certify.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Round trips of every layer type through the npz + JSON files, the npz's layout as numpy reads
 * it, and the errors that malformed files give.
 */
class NetworkFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * Every layer type, with a residual whose body holds another residual and whose shortcut is
     * a convolution: input (2, 6, 6) → … → 3 outputs.
     */
    private static Network everyLayer(Random random) {
        Layer.Conv2d grouped = new Layer.Conv2d(gaussian(random, 4, 1, 3, 3), gaussian(random, 4),
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2);
        Layer.Residual residual = new Layer.Residual(
                List.of(new Layer.Conv2d(gaussian(random, 4, 4, 3, 3), gaussian(random, 4),
                                new int[] {1, 1}, new int[] {2, 2}, new int[] {2, 2}, 1),
                        new Layer.GroupSort(2),
                        new Layer.Residual(List.of(new Layer.Relu(0)), List.of())),
                List.of(new Layer.Conv2d(gaussian(random, 4, 4, 1, 1), gaussian(random, 4),
                        new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1)));
        List<Layer> layers = List.of(
                grouped,
                new Layer.ChannelAffine(gaussian(random, 4), gaussian(random, 4)),
                new Layer.Relu(0.125 + 0.5 * random.nextDouble()),
                residual,
                new Layer.AvgPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}),
                new Layer.Flatten(),
                new Layer.Dense(gaussian(random, 8, 36), gaussian(random, 8)),
                new Layer.GroupSort(4),
                new Layer.Relu(0),
                new Layer.Dense(gaussian(random, 3, 8), gaussian(random, 3)));
        return new Network(new int[] {2, 6, 6}, layers);
    }

    private static Tensor gaussian(Random random, int... shape) {
        double[] data = new double[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        return new Tensor(shape, data);
    }

    /** Names and tensors of the arrays that the layers hold, by the documented dotted paths. */
    private static void collect(List<Layer> layers, String prefix, Map<String, Tensor> out) {
        for (int i = 0; i < layers.size(); i++) {
            String name = prefix + "." + i;
            Layer layer = layers.get(i);
            if (layer instanceof Layer.Dense d) {
                out.put(name + ".weight", d.weight());
                out.put(name + ".bias", d.bias());
            } else if (layer instanceof Layer.Conv2d c) {
                out.put(name + ".weight", c.weight());
                out.put(name + ".bias", c.bias());
            } else if (layer instanceof Layer.ChannelAffine a) {
                out.put(name + ".scale", a.scale());
                out.put(name + ".shift", a.shift());
            } else if (layer instanceof Layer.Residual r) {
                collect(r.body(), name + ".body", out);
                collect(r.shortcut(), name + ".shortcut", out);
            }
        }
    }

    @Test
    void theHouseholderActivationRoundTripsWithItsAngle() throws IOException {
        Random random = new Random(15);
        Network original = new Network(new int[] {3}, List.of(new Layer.Dense(gaussian(random, 4, 3), gaussian(random, 4)),
                new Layer.Householder(-0.785), new Layer.Dense(gaussian(random, 2, 4), gaussian(random, 2))));
        NetworkFiles.write(original, dir.resolve("hh.npz"), dir.resolve("hh.json"));
        assertEquals(original, NetworkFiles.read(dir.resolve("hh.npz"), dir.resolve("hh.json")));
        assertTrue(Files.readString(dir.resolve("hh.json")).contains("\"householder\""));
    }

    @Test
    void everyLayerTypeRoundTrips() throws IOException {
        Network original = everyLayer(new Random(7));
        Path npz = dir.resolve("net.npz");
        Path json = dir.resolve("net.json");
        NetworkFiles.write(original, npz, json);
        assertEquals(original, NetworkFiles.read(npz, json));

        // Overwriting goes through a temporary file that does not stay behind.
        Network other = everyLayer(new Random(8));
        NetworkFiles.write(other, npz, json);
        assertEquals(other, NetworkFiles.read(npz, json));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("net.json", "net.npz"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void basePathFormWritesBothFiles() throws IOException {
        Network original = everyLayer(new Random(9));
        Path base = dir.resolve("sub").resolve("model");
        NetworkFiles.write(original, base);
        assertTrue(Files.isRegularFile(dir.resolve("sub/model.npz")));
        assertTrue(Files.isRegularFile(dir.resolve("sub/model.json")));
        assertEquals(original, NetworkFiles.read(base));
    }

    @Test
    void jsonHasTheDocumentedLayout() throws IOException {
        Network network = everyLayer(new Random(10));
        Path json = dir.resolve("net.json");
        NetworkFiles.write(network, dir.resolve("net.npz"), json);
        JsonNode root = JSON.readTree(json.toFile());
        assertEquals("lipreg-network", root.get("format").asText());
        assertEquals(1, root.get("version").asInt());
        assertEquals("[2,6,6]", root.get("input_shape").toString());
        JsonNode layers = root.get("layers");
        assertEquals(10, layers.size());
        assertEquals("conv2d", layers.get(0).get("type").asText());
        assertEquals("layers.0.weight", layers.get(0).get("weight").asText());
        assertEquals("[1,1]", layers.get(0).get("padding").toString());
        assertEquals(2, layers.get(0).get("groups").asInt());
        assertEquals("channel_affine", layers.get(1).get("type").asText());
        assertEquals("relu", layers.get(2).get("type").asText());
        JsonNode residual = layers.get(3);
        assertEquals("residual", residual.get("type").asText());
        assertEquals("layers.3.body.0.weight", residual.get("body").get(0).get("weight").asText());
        assertEquals("[2,2]", residual.get("body").get(0).get("dilation").toString());
        assertEquals("groupsort", residual.get("body").get(1).get("type").asText());
        assertEquals("residual", residual.get("body").get(2).get("type").asText());
        assertEquals("layers.3.shortcut.0.bias", residual.get("shortcut").get(0).get("bias").asText());
        assertEquals("avgpool2d", layers.get(4).get("type").asText());
        assertEquals("[2,2]", layers.get(4).get("kernel").toString());
        assertEquals("flatten", layers.get(5).get("type").asText());
        assertEquals("dense", layers.get(6).get("type").asText());
        assertEquals(0.0, layers.get(8).get("negative_slope").asDouble());
    }

    private static final Pattern HEADER =
            Pattern.compile("\\{'descr': '([^']*)', 'fortran_order': False, 'shape': \\(([^)]*)\\), *\\} *\n");

    @Test
    void npzIsAZipOfFloat64NpyFilesNamedByPath() throws IOException {
        Network network = everyLayer(new Random(11));
        Path npz = dir.resolve("net.npz");
        NetworkFiles.write(network, npz, dir.resolve("net.json"));
        Map<String, Tensor> expected = new TreeMap<>();
        collect(network.layers(), "layers", expected);
        assertEquals(12, expected.size());

        Map<String, Tensor> seen = new TreeMap<>();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                assertTrue(entry.getName().endsWith(".npy"), entry.getName());
                String name = entry.getName().substring(0, entry.getName().length() - 4);
                Tensor want = expected.get(name);
                assertTrue(want != null, "unexpected entry " + entry.getName());
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, Arrays.copyOf(bytes, 6));
                assertEquals(1, bytes[6], "npy major version");
                ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                int headerLength = Short.toUnsignedInt(buf.getShort(8));
                int dataStart = 10 + headerLength;
                assertEquals(0, dataStart % 16, "npy data must be aligned");
                String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
                Matcher m = HEADER.matcher(header);
                assertTrue(m.matches(), header);
                assertEquals("<f8", m.group(1), name);
                int[] shape = Arrays.stream(m.group(2).split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
                assertArrayEquals(want.shape(), shape, name);
                double[] data = new double[want.size()];
                assertEquals(dataStart + 8L * data.length, bytes.length, name);
                buf.position(dataStart);
                buf.asDoubleBuffer().get(data);
                assertArrayEquals(want.data(), data, name);
                seen.put(name, want);
            }
        }
        assertEquals(expected.keySet(), seen.keySet());
    }

    @Test
    void float32ArraysAreReadAsFloat64() throws IOException {
        Network network = everyLayer(new Random(12));
        Path npz = dir.resolve("net.npz");
        Path json = dir.resolve("net.json");
        NetworkFiles.write(network, npz, json);
        // Rewrite the archive in float32, as a model exported from PyTorch would be.
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list;
            try (InputStream in = Files.newInputStream(npz)) {
                list = NDList.decode(manager, in);
            }
            NDList single = new NDList();
            for (NDArray a : list) {
                NDArray f = a.toType(DataType.FLOAT32, false);
                f.setName(a.getName());
                single.add(f);
            }
            try (OutputStream out = Files.newOutputStream(npz)) {
                single.encode(out, NDList.Encoding.NPZ);
            }
        }
        Network read = NetworkFiles.read(npz, json);
        Layer.Dense last = (Layer.Dense) read.layers().get(9);
        Layer.Dense want = (Layer.Dense) network.layers().get(9);
        for (int i = 0; i < want.weight().size(); i++) {
            float rounded = (float) want.weight().data()[i];
            assertEquals(rounded, last.weight().data()[i], 0.0);
        }
    }

    /** Writes the network, edits its JSON tree, and returns the error that reading gives. */
    private NetworkFiles.FormatException readEdited(Consumer<ObjectNode> edit) throws IOException {
        Path npz = dir.resolve("model.npz");
        Path json = dir.resolve("model.json");
        NetworkFiles.write(everyLayer(new Random(13)), npz, json);
        ObjectNode root = (ObjectNode) JSON.readTree(json.toFile());
        edit.accept(root);
        JSON.writeValue(json.toFile(), root);
        return assertThrows(NetworkFiles.FormatException.class, () -> NetworkFiles.read(npz, json));
    }

    private static ObjectNode layer(ObjectNode root, int i) {
        return (ObjectNode) root.get("layers").get(i);
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }

    @Test
    void unknownLayerTypeNamesTheFileAndPath() throws IOException {
        NetworkFiles.FormatException e = readEdited(root -> layer(root, 1).put("type", "batchnorm"));
        assertMentions(e, "model.json", "layers[1].type", "batchnorm");
        assertEquals("layers[1].type", e.getField());
        assertEquals("model.json", e.getFile().getFileName().toString());

        NetworkFiles.FormatException nested = readEdited(root ->
                ((ObjectNode) layer(root, 3).get("body").get(2)).put("type", "maxpool"));
        assertMentions(nested, "model.json", "layers[3].body[2].type", "maxpool");
    }

    @Test
    void missingArrayNamesTheArrayAndTheArchive() throws IOException {
        NetworkFiles.FormatException e = readEdited(root ->
                ((ObjectNode) layer(root, 3).get("body").get(0)).put("weight", "no.such.weight"));
        assertMentions(e, "model.npz", "no.such.weight", "layers[3].body[0].weight");
    }

    @Test
    void nonFiniteWeightsNameTheArrayAndTheIndex() throws IOException {
        Network network = everyLayer(new Random(13));
        // Tensors share their data: poison the last dense weight (3 × 8) at [2, 5].
        ((Layer.Dense) network.layers().get(9)).weight().data()[2 * 8 + 5] = Double.NaN;
        NetworkFiles.write(network, dir.resolve("nan"));
        NetworkFiles.FormatException nan = assertThrows(NetworkFiles.FormatException.class,
                () -> NetworkFiles.read(dir.resolve("nan")));
        assertMentions(nan, "nan.npz", "layers[9].weight", "'layers.9.weight'", "NaN", "[2, 5]");
        assertEquals("layers[9].weight", nan.getField());

        Network infinite = everyLayer(new Random(13));
        Layer.Residual residual = (Layer.Residual) infinite.layers().get(3);
        ((Layer.Conv2d) residual.body().get(0)).bias().data()[1] = Double.NEGATIVE_INFINITY;
        NetworkFiles.write(infinite, dir.resolve("inf"));
        assertMentions(assertThrows(NetworkFiles.FormatException.class, () -> NetworkFiles.read(dir.resolve("inf"))),
                "inf.npz", "layers[3].body[0].bias", "-Infinity", "[1]");
    }

    @Test
    void wrongFormatAndVersionAreRejected() throws IOException {
        assertMentions(readEdited(root -> root.put("format", "keras")), "model.json", "format", "keras",
                "lipreg-network");
        assertMentions(readEdited(root -> root.remove("format")), "model.json", "format", "missing");
        assertMentions(readEdited(root -> root.put("version", 2)), "model.json", "version 2", "not supported");
        assertMentions(readEdited(root -> root.put("version", "1")), "model.json", "version");
    }

    @Test
    void inconsistentShapesNameTheLayer() throws IOException {
        // A bias of the wrong length: the IR record's own message, with the path.
        assertMentions(readEdited(root -> layer(root, 0).put("bias", "layers.9.bias")),
                "model.json", "layers[0]", "conv2d");
        // Shapes that do not chain: 36 inputs expected, 8 given.
        assertMentions(readEdited(root -> layer(root, 9).put("weight", "layers.6.weight").put("bias", "layers.6.bias")),
                "model.json", "layers[9]", "dense layer expects 36 inputs, got 8");
        // A residual whose branches disagree, inside a residual.
        assertMentions(readEdited(root -> ((ArrayNode) layer(root, 3).get("shortcut")).add(
                        JSON.createObjectNode().put("type", "flatten"))),
                "model.json", "layers[3]", "residual body gives");
        assertMentions(readEdited(root -> root.putArray("input_shape").add(3).add(6).add(6)),
                "model.json", "layers[0]", "input channels");
    }

    @Test
    void malformedFieldsAreFormatExceptionsNotNullPointers() throws IOException {
        assertMentions(readEdited(root -> layer(root, 0).remove("stride")), "layers[0].stride", "missing");
        assertMentions(readEdited(root -> layer(root, 0).putArray("stride").add(1)), "layers[0].stride",
                "expected 2 values");
        assertMentions(readEdited(root -> layer(root, 0).putArray("stride").add(0).add(1)), "layers[0].stride[0]");
        assertMentions(readEdited(root -> layer(root, 0).put("groups", 1.5)), "layers[0].groups");
        assertMentions(readEdited(root -> layer(root, 0).put("weight", 3)), "layers[0].weight",
                "expected an array name");
        assertMentions(readEdited(root -> layer(root, 0).remove("type")), "layers[0].type", "missing");
        assertMentions(readEdited(root -> layer(root, 0).put("strides", 1)), "layers[0].strides",
                "not a field of a conv2d layer");
        assertMentions(readEdited(root -> layer(root, 2).put("negative_slope", 2.0)), "layers[2]", "slope");
        assertMentions(readEdited(root -> layer(root, 2).put("negative_slope", "x")), "layers[2].negative_slope");
        assertMentions(readEdited(root -> layer(root, 7).put("size", 1)), "layers[7].size");
        assertMentions(readEdited(root -> layer(root, 3).remove("shortcut")), "layers[3].shortcut", "missing");
        assertMentions(readEdited(root -> ((ArrayNode) root.get("layers")).set(5, JSON.getNodeFactory().nullNode())),
                "layers[5]", "expected a layer object");
        assertMentions(readEdited(root -> root.put("layers", "none")), "layers", "expected a list");
        assertMentions(readEdited(root -> root.putArray("input_shape")), "input_shape", "empty");
        assertMentions(readEdited(root -> root.remove("input_shape")), "input_shape", "missing");
    }

    @Test
    void unreadableFilesNameTheFile() throws IOException {
        Path npz = dir.resolve("model.npz");
        Path json = dir.resolve("model.json");
        NetworkFiles.write(everyLayer(new Random(14)), npz, json);

        Files.writeString(json, "{\"format\": ");
        assertMentions(assertThrows(NetworkFiles.FormatException.class, () -> NetworkFiles.read(npz, json)),
                "model.json", "not valid JSON");
        Files.writeString(json, "[]");
        assertMentions(assertThrows(NetworkFiles.FormatException.class, () -> NetworkFiles.read(npz, json)),
                "model.json", "expected a JSON object");

        NetworkFiles.write(everyLayer(new Random(14)), npz, json);
        byte[] bytes = Files.readAllBytes(npz);
        Files.write(npz, Arrays.copyOf(bytes, bytes.length / 2));
        assertMentions(assertThrows(NetworkFiles.FormatException.class, () -> NetworkFiles.read(npz, json)),
                "model.npz");
        Files.writeString(npz, "not a zip");
        assertMentions(assertThrows(NetworkFiles.FormatException.class, () -> NetworkFiles.read(npz, json)),
                "model.npz", "not an npz");
        Files.delete(npz);
        IOException missing = assertThrows(IOException.class, () -> NetworkFiles.read(npz, json));
        assertMentions(missing, "model.npz");
    }

    @Test
    void writeRejectsLayersWhoseShapesDoNotChain() {
        Random random = new Random(15);
        Network bad = new Network(new int[] {4}, List.of(
                new Layer.Dense(gaussian(random, 3, 4), gaussian(random, 3)),
                new Layer.Residual(List.of(new Layer.Dense(gaussian(random, 3, 5), gaussian(random, 3))), List.of())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkFiles.write(bad, dir.resolve("bad.npz"), dir.resolve("bad.json")));
        assertMentions(e, "layers[1].body[0]", "expects 5 inputs, got 3");
        assertTrue(!Files.exists(dir.resolve("bad.npz")) && !Files.exists(dir.resolve("bad.json")));
    }
}
