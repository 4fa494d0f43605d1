package org.lipreg.experiments.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds a key that one mapping of a JSON or YAML document holds twice. Jackson keeps the last
 * value silently, and its own duplicate detection names only the second occurrence; this walks
 * the token stream once and names the key's path and both lines.
 */
final class DuplicateKeys {

    /** One open mapping or list: its path, and the line of each key seen so far (mappings). */
    private static final class Container {
        final String path;
        final Map<String, Integer> keyLines;
        int index = -1;

        Container(String path, boolean mapping) {
            this.path = path;
            this.keyLines = mapping ? new HashMap<>() : null;
        }
    }

    private DuplicateKeys() {}

    /**
     * Checks a document that has already been parsed successfully (syntax errors are reported by
     * the parse itself, not here).
     *
     * @param factory the JSON or YAML factory
     * @param text the document
     * @param source how to name the document in the error (a file, or "--set key")
     * @throws ConfigException naming the first repeated key, with its path and both lines
     */
    static void check(JsonFactory factory, String text, String source) throws ConfigException {
        try (JsonParser parser = factory.createParser(text)) {
            Deque<Container> open = new ArrayDeque<>();
            String pendingKey = null;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME) {
                    Container mapping = open.peek();
                    String key = parser.currentName();
                    int line = parser.currentTokenLocation().getLineNr();
                    Integer first = mapping.keyLines.putIfAbsent(key, line);
                    if (first != null) {
                        throw new ConfigException(source + ": key '" + join(mapping.path, key)
                                + "' appears twice, on line " + first + " and on line " + line);
                    }
                    pendingKey = key;
                    continue;
                }
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    open.pop();
                    continue;
                }
                // A value: a key's in a mapping, the next element in a list.
                Container parent = open.peek();
                String path = "";
                if (parent != null) {
                    if (parent.keyLines != null) {
                        path = join(parent.path, pendingKey);
                    } else {
                        parent.index++;
                        path = parent.path + "[" + parent.index + "]";
                    }
                }
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    open.push(new Container(path, token == JsonToken.START_OBJECT));
                }
            }
        } catch (IOException e) {
            // Unreadable text is reported by the parse that reads the values.
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
