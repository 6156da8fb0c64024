package io.rtgw.server.admin;

import io.rtgw.core.ChannelName;
import io.rtgw.core.EventName;
import io.rtgw.core.broker.PublishRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One validated publish of {@code POST /api/publish}: a tenant, one channel or several, and the
 * message. Every rule is checked before anything is published, so a bad batch publishes nothing.
 */
record PublishBody(String tenant, List<ChannelName> channels, boolean multi, String event, String data,
                   String idempotencyKey) {
    static final int MAX_CHANNELS = 100;
    static final int MAX_KEY_LENGTH = 256;
    private static final String EXPECTED = String.join(", ", PublishFields.NAMES.stream().sorted().toList());

    /** A rule the body breaks, said so that the caller can fix it. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        /** The one field at fault, or null. */
        final String field;

        Invalid(String message, String field) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /** Checks the rules in a fixed order, so that a body breaking several always gets the same answer. */
    static PublishBody of(PublishFields fields) throws Invalid {
        if (!fields.object) {
            throw new Invalid("a publish must be a JSON object", null);
        }
        if (fields.unknownField != null) {
            throw new Invalid("unknown field '" + fields.unknownField + "' (expected: " + EXPECTED + ")", fields.unknownField);
        }
        String tenant = requiredText(fields, PublishFields.TENANT);
        if (!ChannelName.isValidTenant(tenant)) {
            throw new Invalid("tenant must be 1-64 characters of A-Z a-z 0-9 _ -", "tenant");
        }
        boolean multi = fields.has(PublishFields.CHANNELS);
        if (multi == fields.has(PublishFields.CHANNEL)) {
            throw new Invalid("give exactly one of 'channel' or 'channels'", "channel");
        }
        List<ChannelName> channels = multi ? channelList(tenant, fields)
                : List.of(channel(tenant, requiredText(fields, PublishFields.CHANNEL), "channel"));
        String event = optionalText(fields, PublishFields.EVENT);
        if (event != null) {
            checkEvent(event, "event");
        }
        if (!fields.has(PublishFields.DATA)) {
            throw new Invalid("'data' is required (any JSON value)", "data");
        }
        String key = optionalText(fields, PublishFields.IDEMPOTENCY_KEY);
        if (key != null && (key.isEmpty() || key.length() > MAX_KEY_LENGTH)) {
            throw new Invalid("idempotencyKey must be 1-" + MAX_KEY_LENGTH + " characters", "idempotencyKey");
        }
        return new PublishBody(tenant, channels, multi, event == null ? PublishRequest.DEFAULT_EVENT : event,
                fields.texts[PublishFields.DATA], key);
    }

    List<PublishRequest> requests() {
        List<PublishRequest> out = new ArrayList<>(channels.size());
        for (ChannelName c : channels) {
            out.add(new PublishRequest(c, event, data, idempotencyKey));
        }
        return out;
    }

    static void checkEvent(String event, String field) throws Invalid {
        String problem = EventName.problem(event);
        if (problem != null) {
            throw new Invalid(problem, field);
        }
    }

    private static List<ChannelName> channelList(String tenant, PublishFields fields) throws Invalid {
        if (fields.kinds[PublishFields.CHANNELS] != PublishFields.ARRAY || fields.channelCount == 0
                || fields.channelCount > MAX_CHANNELS) {
            throw new Invalid("'channels' must be an array of 1-" + MAX_CHANNELS + " channel names", "channels");
        }
        Set<ChannelName> out = new LinkedHashSet<>();
        for (String name : fields.channelNames) {
            if (name == null) {
                throw new Invalid("'channels' must contain only strings", "channels");
            }
            if (!out.add(channel(tenant, name, "channels"))) {
                throw new Invalid("channel '" + name + "' is listed twice", "channels");
            }
        }
        return List.copyOf(out);
    }

    private static ChannelName channel(String tenant, String name, String field) throws Invalid {
        String problem = ChannelName.nameProblem(name);
        if (problem != null) {
            throw new Invalid(problem, field);
        }
        return ChannelName.of(tenant, name);
    }

    private static String requiredText(PublishFields fields, int field) throws Invalid {
        String value = optionalText(fields, field);
        if (value == null) {
            String name = PublishFields.NAMES.get(field);
            throw new Invalid("'" + name + "' is required (a string)", name);
        }
        return value;
    }

    private static String optionalText(PublishFields fields, int field) throws Invalid {
        byte kind = fields.kinds[field];
        if (kind == PublishFields.ABSENT || kind == PublishFields.NULL) {
            return null;
        }
        if (kind != PublishFields.TEXT) {
            String name = PublishFields.NAMES.get(field);
            throw new Invalid("'" + name + "' must be a string", name);
        }
        return fields.texts[field];
    }
}
