package io.rtgw.server.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * One publish of a {@code POST /api/publish} body as read, before any rule but JSON syntax is
 * checked: {@link PublishBody#of} checks them afterwards in a fixed order, whatever the order of the
 * fields in the body. A field given twice keeps its last value, as Jackson's tree did.
 */
final class PublishFields {
    /** The fields a publish may have, by index. */
    static final int TENANT = 0;
    static final int CHANNEL = 1;
    static final int CHANNELS = 2;
    static final int EVENT = 3;
    static final int DATA = 4;
    static final int IDEMPOTENCY_KEY = 5;
    static final List<String> NAMES = List.of("tenant", "channel", "channels", "event", "data", "idempotencyKey");

    /** What a field held: {@link #ABSENT} or one of the kinds of JSON value a rule tells apart. */
    static final byte ABSENT = 0;
    static final byte NULL = 1;
    static final byte TEXT = 2;
    static final byte ARRAY = 3;
    static final byte OTHER = 4;

    /** False when the publish is not a JSON object: no field is read then. */
    boolean object = true;
    /** The first field (in the body's order) that is not one of {@link #NAMES}, or null. */
    String unknownField;
    final byte[] kinds = new byte[NAMES.size()];
    /** The string of a {@link #TEXT} field; for {@link #DATA}, the value as compact JSON. */
    final String[] texts = new String[NAMES.size()];
    /** The strings of {@code channels} (null for an element that is not one), at most MAX_CHANNELS. */
    List<String> channelNames;
    /** How many elements {@code channels} had, also those not kept. */
    int channelCount;

    static int index(String name) {
        return switch (name) {
            case "tenant" -> TENANT;
            case "channel" -> CHANNEL;
            case "channels" -> CHANNELS;
            case "event" -> EVENT;
            case "data" -> DATA;
            case "idempotencyKey" -> IDEMPOTENCY_KEY;
            default -> -1;
        };
    }

    boolean has(int field) {
        return kinds[field] != ABSENT;
    }

    void set(int field, byte kind, String text) {
        kinds[field] = kind;
        texts[field] = text;
    }

    void startChannels() {
        kinds[CHANNELS] = ARRAY;
        channelNames = new ArrayList<>(4);
        channelCount = 0;
    }
}
