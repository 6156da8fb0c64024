package io.rtgw.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.transport.WireJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A publish's data as the streaming copy writes it: byte for byte what Jackson's tree wrote. */
class PublishDataTest {
    /** Every form a value can take, and those the tree rewrites (numbers, escapes). */
    static final List<String> CORPUS = List.of(
            "null", "true", "false", "0", "-0", "-0.0", "0.0", "1", "-1", "1.10", "1.0", "1e2", "1E2", "1e+2", "1e-7",
            "1e400", "-1e400", "1e-400", "4.9e-325", "1.7976931348623157E309", "3.4028235e38", "0.1", "123.456e-3",
            "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "12345678901234567890123456789012345678901234567890",
            "123456789012345678901234567890.5", "100000000000000000000.0", "-1234567890123456789.0001",
            "\"\"", "\"text\"", "\"\\u2028\\u2029\"", "\"\u2028 raw\"", "\"\\u0000\\u0001\\u001f\\u007f\"",
            "\"\\b\\f\\n\\r\\t\\\"\\\\\\/\"", "\"\\ud83d\\ude00 😀 é ü 中文\"", "\"\\ud800 lone\"", "\"\\uDFFF\"",
            "\"<script>&'</script>\"", "\"\\u00e9\\u00E9\"",
            "{}", "[]", "[{}]", "{\"a\":{}}", "[[],{},null,true,false]", " { \"a\" : [ 1 , 2 ] } ",
            "{\"text\":\"hi\",\"n\":1.50,\"ok\":true,\"tags\":[\"a\",\"b\"],\"at\":{\"x\":-0,\"y\":1e3}}",
            "{\"\":1,\"\\u2028\":2,\"é\":3,\"a\\\"b\":4}", "{\"a\":{\"a\":{\"a\":1}}}", "[1,[2,[3,[4]]]]",
            "{\"a\":1,\"b\":{\"a\":2},\"c\":[{\"a\":3},{\"a\":4}]}",
            nested(997), nestedObjects(997), wide(64), "\"" + "x".repeat(10_000) + "\"");
    /** Forms the copy leaves to the tree: a field named twice (the tree keeps the last value) and wide objects. */
    static final List<String> TREE_CORPUS = List.of(
            "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":2,\"a\":3}", "[{\"x\":[1],\"x\":{\"y\":1}}]",
            "{\"a\":{\"b\":1,\"b\":2},\"c\":3}", "{\"a\":{\"b\":1},\"a\":{\"b\":2}}", wide(65), wide(300));

    static String nested(int depth) {
        return "[".repeat(depth) + "1" + "]".repeat(depth);
    }

    static String nestedObjects(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    static String wide(int fields) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < fields; i++) {
            b.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        return b.append('}').toString();
    }

    static String tree(String json) throws Exception {
        return WireJson.MAPPER.readTree(json).toString();
    }

    private static String copied(String json) throws Exception {
        try (JsonParser p = WireJson.MAPPER.createParser(json); PublishData data = new PublishData()) {
            p.nextToken();
            return data.copy(p);
        }
    }

    private static String publishedData(String json) {
        PublishApi.Checked c = PublishApi.check("{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":" + json + "}",
                ApiKeyScope.global());
        assertThat(c.refusal()).as(json).isNull();
        return c.bodies().get(0).data();
    }

    @Test
    void theCopyIsWhatTheTreeWrites() throws Exception {
        for (String json : CORPUS) {
            assertThat(copied(json)).as(json).isEqualTo(tree(json));
            assertThat(publishedData(json)).as(json).isEqualTo(tree(json));
        }
    }

    @Test
    void oneCopierWritesEveryItemOfABatchApart() throws Exception {
        StringBuilder batch = new StringBuilder("[");
        for (String json : CORPUS) {
            batch.append(batch.length() == 1 ? "" : ",").append("{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":")
                    .append(json).append('}');
        }
        PublishApi.Checked c = PublishApi.check(batch.append(']').toString(), ApiKeyScope.global());
        assertThat(c.refusal()).isNull();
        List<String> expected = new ArrayList<>();
        for (String json : CORPUS) {
            expected.add(tree(json));
        }
        assertThat(c.bodies()).extracting(PublishBody::data).containsExactlyElementsOf(expected);
    }

    @Test
    void aFieldNamedTwiceOrAWideObjectIsLeftToTheTreeAndComesOutAsItWrote() throws Exception {
        for (String json : TREE_CORPUS) {
            assertThatThrownBy(() -> copied(json)).as(json).isInstanceOf(PublishData.NeedsTree.class);
            assertThat(publishedData(json)).as(json).isEqualTo(tree(json));
        }
        // the same body with a field named twice, once in data, once in an item after it
        String body = "[{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":{\"a\":1,\"a\":2}},"
                + "{\"tenant\":\"x\",\"tenant\":\"acme\",\"channel\":\"d\",\"data\":[1.10,{\"b\":1,\"b\":2}]}]";
        PublishApi.Checked c = PublishApi.check(body, ApiKeyScope.global());
        assertThat(c.bodies()).extracting(PublishBody::data).containsExactly("{\"a\":2}", "[1.1,{\"b\":2}]");
        assertThat(c.bodies().get(1).tenant()).as("the last of a field given twice").isEqualTo("acme");
    }

    @Test
    void dataNestedDeeperThanTheParserAllowsIsNotJsonAsBefore() {
        int limit = WireJson.FACTORY.streamReadConstraints().getMaxNestingDepth();
        String body = "{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":" + nested(limit) + "}";
        PublishApi.Checked c = PublishApi.check(body, ApiKeyScope.global());
        assertThat(PublishBodyReaderTest.describe(c)).isEqualTo(PublishBodyReaderTest.describe(TreePublishCheck.check(body,
                ApiKeyScope.global()))).contains("invalid_json");
    }
}
