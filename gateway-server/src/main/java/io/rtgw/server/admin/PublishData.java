package io.rtgw.server.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rtgw.transport.WireJson;
import java.io.Closeable;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;

/**
 * Writes each publish's {@code data} as compact JSON straight from the parser, one generator for a
 * whole body. Its output is what Jackson's tree gave ({@code readTree(...).toString()}: the same
 * number and string forms, as both write through a generator) except for an object naming a field
 * twice, which the tree reduced to its last value: that, and an object with more fields than
 * {@link #MAX_FIELDS} (not worth telling apart), ends the copy with {@link NeedsTree}, and the body
 * is read again with the tree for {@code data}.
 */
final class PublishData implements Closeable {
    /** Field names compared one by one within an object; beyond that the tree does it. */
    static final int MAX_FIELDS = 64;

    /** The copy would differ from what the tree gives; nothing was published. */
    static final class NeedsTree extends Exception {
        private static final long serialVersionUID = 1L;

        NeedsTree() {
            super("data names a field twice, or has an object of more than " + MAX_FIELDS + " fields", null, false, false);
        }
    }

    private final StringWriter out;
    private JsonGenerator generator;
    /** The names of the objects being copied, innermost last; {@code starts} says where each object's begin. */
    private String[] names = new String[16];
    private int nameCount;
    private int[] starts = new int[8];
    private int objects;

    /** A body's data values are written one after the other into the same buffer, which grows to the largest. */
    PublishData() {
        out = new StringWriter(128);
    }

    /** The value at the parser's current token, which is left at the value's last token. */
    String copy(JsonParser p) throws IOException, NeedsTree {
        if (generator == null) {
            generator = WireJson.FACTORY.createGenerator(out);
            generator.setRootValueSeparator(null); // values are cut apart below, not separated
        }
        out.getBuffer().setLength(0);
        nameCount = 0;
        objects = 0;
        int depth = 0;
        JsonToken t = p.currentToken();
        while (true) {
            switch (t) {
                case START_OBJECT -> {
                    startObject();
                    depth++;
                }
                case START_ARRAY -> depth++;
                case END_OBJECT -> {
                    nameCount = starts[--objects];
                    depth--;
                }
                case END_ARRAY -> depth--;
                case FIELD_NAME -> addName(p.currentName());
                default -> {
                }
            }
            generator.copyCurrentEvent(p);
            if (depth == 0) {
                break;
            }
            t = p.nextToken();
        }
        generator.flush();
        return out.toString();
    }

    private void startObject() {
        if (objects == starts.length) {
            starts = Arrays.copyOf(starts, objects * 2);
        }
        starts[objects++] = nameCount;
    }

    private void addName(String name) throws NeedsTree {
        int start = starts[objects - 1];
        if (nameCount - start >= MAX_FIELDS) {
            throw new NeedsTree();
        }
        for (int i = start; i < nameCount; i++) {
            if (names[i].equals(name)) {
                throw new NeedsTree();
            }
        }
        if (nameCount == names.length) {
            names = Arrays.copyOf(names, nameCount * 2);
        }
        names[nameCount++] = name;
    }

    @Override
    public void close() throws IOException {
        if (generator != null) {
            generator.close();
        }
    }
}
