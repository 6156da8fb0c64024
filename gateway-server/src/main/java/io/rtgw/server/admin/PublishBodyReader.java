package io.rtgw.server.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.transport.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code POST /api/publish} body (docs/protocol.md §6) in one streaming pass, without a JSON
 * tree: the body's publishes are the hot path of the admin listener. The whole body is read before
 * any rule is checked, so a body that is not JSON is {@code invalid_json} wherever the fault is, as
 * with the tree it replaces. Values no publish uses (unknown fields, values of the wrong type) are
 * still read as a tree: only refused bodies have them, and so they fail on exactly what the tree failed on.
 */
final class PublishBodyReader {
    static final int MAX_BATCH = 1000;

    /** The publishes of a body, their rules not checked yet; {@code batch} when the body was an array. */
    record Items(boolean batch, List<PublishFields> items) {
    }

    private final JsonParser parser;
    private final PublishData data;
    private final boolean dataAsTree;

    private PublishBodyReader(JsonParser parser, PublishData data, boolean dataAsTree) {
        this.parser = parser;
        this.data = data;
        this.dataAsTree = dataAsTree;
    }

    static Items read(String body) throws ApiError {
        try {
            return read(body, false);
        } catch (PublishData.NeedsTree rare) {
            try {
                return read(body, true);
            } catch (PublishData.NeedsTree impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    private static Items read(String body, boolean dataAsTree) throws ApiError, PublishData.NeedsTree {
        try (JsonParser p = WireJson.MAPPER.createParser(body); PublishData data = new PublishData()) {
            return new PublishBodyReader(p, data, dataAsTree).items();
        } catch (JsonProcessingException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_json", "the body is not valid JSON", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source does not fail to read
        }
    }

    private Items items() throws IOException, ApiError, PublishData.NeedsTree {
        JsonToken root = parser.nextToken();
        if (root == null) {
            throw ApiError.badRequest("the body is empty");
        }
        boolean batch = root == JsonToken.START_ARRAY;
        List<PublishFields> items;
        int count = 1;
        if (batch) {
            items = new ArrayList<>();
            count = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (++count > MAX_BATCH) {
                    skip(); // refused below; read on for the syntax
                } else {
                    items.add(item());
                }
            }
        } else {
            items = List.of(item());
        }
        if (parser.nextToken() != null) {
            // A second value would otherwise be dropped without a word: the caller believes it published.
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_json",
                    "the body must be one JSON value; there is more after it (send several as an array)", null);
        }
        if (count == 0 || count > MAX_BATCH) {
            throw ApiError.badRequest("a batch holds 1-" + MAX_BATCH + " publishes");
        }
        return new Items(batch, items);
    }

    private PublishFields item() throws IOException, PublishData.NeedsTree {
        PublishFields fields = new PublishFields();
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            fields.object = false;
            skip();
            return fields;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            int field = PublishFields.index(name);
            if (field < 0) {
                if (fields.unknownField == null) {
                    fields.unknownField = name;
                }
                skip();
            } else if (field == PublishFields.DATA) {
                fields.set(field, PublishFields.OTHER,
                        dataAsTree ? WireJson.MAPPER.readTree(parser).toString() : data.copy(parser));
            } else if (field == PublishFields.CHANNELS) {
                channels(fields, value);
            } else if (value == JsonToken.VALUE_STRING) {
                fields.set(field, PublishFields.TEXT, parser.getText());
            } else {
                fields.set(field, value == JsonToken.VALUE_NULL ? PublishFields.NULL : PublishFields.OTHER, null);
                skip();
            }
        }
        return fields;
    }

    private void channels(PublishFields fields, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            fields.set(PublishFields.CHANNELS, value == JsonToken.VALUE_NULL ? PublishFields.NULL : PublishFields.OTHER, null);
            skip();
            return;
        }
        fields.startChannels();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            boolean kept = ++fields.channelCount <= PublishBody.MAX_CHANNELS;
            if (kept && parser.currentToken() == JsonToken.VALUE_STRING) {
                fields.channelNames.add(parser.getText());
            } else {
                if (kept) {
                    fields.channelNames.add(null);
                }
                skip();
            }
        }
    }

    /** Reads past the current value as the tree did: the same limits (string length, numbers) apply. */
    private void skip() throws IOException {
        WireJson.MAPPER.readTree(parser);
    }
}
