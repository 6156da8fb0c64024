package io.rtgw.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.auth.ApiKeyScope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of {@code POST /api/publish} bodies answers every body as the tree did
 * ({@link TreePublishCheck}): each refusal with its status, code, message and field, each accepted
 * body with the same publishes. Explicit cases for every rule, then many generated bodies.
 */
class PublishBodyReaderTest {
    private static final ApiKeyScope GLOBAL = ApiKeyScope.global();
    private static final ApiKeyScope ACME = ApiKeyScope.tenant("acme");

    static String describe(PublishApi.Checked c) {
        if (c.refusal() != null) {
            return c.refusal().status().code() + " " + new String(c.refusal().body(), StandardCharsets.UTF_8);
        }
        return (c.batch() ? "batch " : "one ") + c.bodies();
    }

    private static String answer(String body, ApiKeyScope scope) {
        String streamed = describe(PublishApi.check(body, scope));
        assertThat(streamed).as(body).isEqualTo(describe(TreePublishCheck.check(body, scope)));
        return streamed;
    }

    private static void refused(String body, String answer) {
        assertThat(answer(body, GLOBAL)).as(body).isEqualTo(answer);
    }

    private static String one(String fields) {
        return "{" + fields + "}";
    }

    @Test
    void everyRuleRefusesWithItsCodeMessageAndField() {
        refused("", "400 {\"error\":\"bad_request\",\"message\":\"the body is empty\"}");
        refused(" \r\n", "400 {\"error\":\"bad_request\",\"message\":\"the body is empty\"}");
        refused("not json", "400 {\"error\":\"invalid_json\",\"message\":\"the body is not valid JSON\"}");
        refused("{\"tenant\":\"acme\"", "400 {\"error\":\"invalid_json\",\"message\":\"the body is not valid JSON\"}");
        refused("{} {}", "400 {\"error\":\"invalid_json\",\"message\":\"the body must be one JSON value; there is more after it (send several as an array)\"}");
        refused("{} }", "400 {\"error\":\"invalid_json\",\"message\":\"the body is not valid JSON\"}");
        refused("[]", "400 {\"error\":\"bad_request\",\"message\":\"a batch holds 1-1000 publishes\"}");
        refused("[" + "1,".repeat(1000) + "1]", "400 {\"error\":\"bad_request\",\"message\":\"a batch holds 1-1000 publishes\"}");
        refused("null", "400 {\"error\":\"bad_request\",\"message\":\"a publish must be a JSON object\"}");
        refused("[{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1},\"x\"]",
                "400 {\"error\":\"bad_request\",\"message\":\"item 1: a publish must be a JSON object\"}");
        refused(one("\"tenant\":1,\"chanel\":{\"deep\":[1]},\"other\":2"),
                "400 {\"error\":\"bad_request\",\"message\":\"unknown field 'chanel' (expected: channel, channels, data, event, "
                        + "idempotencyKey, tenant)\",\"field\":\"chanel\"}");
        refused(one("\"channel\":\"c\",\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"'tenant' is required (a string)\",\"field\":\"tenant\"}");
        refused(one("\"tenant\":null,\"channel\":\"c\",\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"'tenant' is required (a string)\",\"field\":\"tenant\"}");
        refused(one("\"tenant\":[\"acme\"],\"channel\":\"c\",\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"'tenant' must be a string\",\"field\":\"tenant\"}");
        refused(one("\"tenant\":\"ac:me\",\"channel\":\"c\",\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"tenant must be 1-64 characters of A-Z a-z 0-9 _ -\",\"field\":\"tenant\"}");
        refused(one("\"tenant\":\"acme\",\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"give exactly one of 'channel' or 'channels'\",\"field\":\"channel\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":null,\"channels\":null,\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"give exactly one of 'channel' or 'channels'\",\"field\":\"channel\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":null,\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"'channel' is required (a string)\",\"field\":\"channel\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":7,\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"'channel' must be a string\",\"field\":\"channel\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":\"room 1\",\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"channel name may only contain A-Z a-z 0-9 _ - . : @ = | + (found ' ' at 4)\","
                        + "\"field\":\"channel\"}");
        String badChannels = "400 {\"error\":\"bad_request\",\"message\":\"'channels' must be an array of 1-100 channel names\","
                + "\"field\":\"channels\"}";
        refused(one("\"tenant\":\"acme\",\"channels\":null,\"data\":1"), badChannels);
        refused(one("\"tenant\":\"acme\",\"channels\":\"c\",\"data\":1"), badChannels);
        refused(one("\"tenant\":\"acme\",\"channels\":[],\"data\":1"), badChannels);
        refused(one("\"tenant\":\"acme\",\"channels\":[" + "\"c\",".repeat(100) + "{}],\"data\":1"), badChannels);
        refused(one("\"tenant\":\"acme\",\"channels\":[\"a\",{\"b\":1},\"a\"],\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"'channels' must contain only strings\",\"field\":\"channels\"}");
        refused(one("\"tenant\":\"acme\",\"channels\":[\"a\",\"b\",\"a\",7],\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"channel 'a' is listed twice\",\"field\":\"channels\"}");
        refused(one("\"tenant\":\"acme\",\"channels\":[\"a\",\"\"],\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"channel name is empty\",\"field\":\"channels\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":\"c\",\"event\":1,\"data\":1"),
                "400 {\"error\":\"bad_request\",\"message\":\"'event' must be a string\",\"field\":\"event\"}");
        assertThat(answer(one("\"tenant\":\"acme\",\"channel\":\"c\",\"event\":\"rtgw.x\",\"data\":1"), GLOBAL))
                .contains("\"field\":\"event\"", "reserved");
        refused(one("\"tenant\":\"acme\",\"channel\":\"c\""),
                "400 {\"error\":\"bad_request\",\"message\":\"'data' is required (any JSON value)\",\"field\":\"data\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1,\"idempotencyKey\":\"\""),
                "400 {\"error\":\"bad_request\",\"message\":\"idempotencyKey must be 1-256 characters\",\"field\":\"idempotencyKey\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1,\"idempotencyKey\":\"" + "k".repeat(257) + "\""),
                "400 {\"error\":\"bad_request\",\"message\":\"idempotencyKey must be 1-256 characters\",\"field\":\"idempotencyKey\"}");
        refused(one("\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1,\"idempotencyKey\":false"),
                "400 {\"error\":\"bad_request\",\"message\":\"'idempotencyKey' must be a string\",\"field\":\"idempotencyKey\"}");
    }

    @Test
    void eachItemIsCheckedAndScopedInTheBodysOrder() {
        String forbidden = one("\"tenant\":\"beta\",\"channel\":\"c\",\"data\":1");
        String invalid = one("\"tenant\":\"acme\",\"data\":1");
        assertThat(answer("[" + forbidden + "," + invalid + "]", ACME))
                .isEqualTo("403 {\"error\":\"forbidden\",\"message\":\"this API key may not publish to tenant beta\",\"field\":\"tenant\"}");
        assertThat(answer("[" + invalid + "," + forbidden + "]", ACME)).startsWith("400 ").contains("item 0: give exactly one");
        assertThat(answer("[" + forbidden + "," + invalid + ",", ACME)).as("syntax comes first").contains("invalid_json");
        assertThat(answer("[" + forbidden + "]", GLOBAL)).startsWith("batch [PublishBody[tenant=beta");
    }

    @Test
    void acceptedBodiesCarryEveryField() {
        assertThat(answer(one("\"idempotencyKey\":\"k1\",\"data\":{\"t\":\"hi\"},\"event\":\"chat\",\"channel\":\"room:1\","
                + "\"tenant\":\"acme\""), ACME)).isEqualTo("one [PublishBody[tenant=acme, channels=[acme/room:1], multi=false, "
                + "event=chat, data={\"t\":\"hi\"}, idempotencyKey=k1]]");
        assertThat(answer(one("\"tenant\":\"acme\",\"channels\":[\"b\",\"a\"],\"event\":null,\"idempotencyKey\":null,"
                + "\"data\":null"), GLOBAL)).contains("channels=[acme/b, acme/a], multi=true, event=message, data=null, idempotencyKey=null");
    }

    @Test
    void aFieldGivenTwiceKeepsItsLastValueAsTheTreeDid() {
        assertThat(answer(one("\"tenant\":\"beta\",\"channel\":\"c\",\"data\":1,\"tenant\":\"acme\""), ACME)).contains("tenant=acme");
        assertThat(answer(one("\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1,\"data\":[2]"), ACME)).contains("data=[2]");
        assertThat(answer(one("\"tenant\":\"acme\",\"channels\":[\"a\",\"a\"],\"channels\":[\"b\"],\"data\":1"), ACME))
                .contains("channels=[acme/b]");
        assertThat(answer(one("\"tenant\":\"acme\",\"channels\":[\"a\"],\"channels\":1,\"data\":1"), ACME)).contains("must be an array");
        assertThat(answer(one("\"tenant\":\"acme\",\"channel\":\"c\",\"event\":\"e\",\"event\":null,\"data\":1"), ACME))
                .contains("event=message");
    }

    /** Bodies put together from good and bad pieces, cut short and garbled: all answered as the tree did. */
    @Test
    void generatedBodiesAreAnsweredAsTheTreeAnsweredThem() {
        Random random = new Random(17);
        Map<String, Integer> kinds = new TreeMap<>();
        for (int n = 0; n < 20_000; n++) {
            String body = random.nextInt(3) == 0 ? batch(random) : item(random);
            switch (random.nextInt(12)) {
                case 0 -> body = body.substring(0, random.nextInt(body.length() + 1));
                case 1 -> {
                    int at = random.nextInt(body.length() + 1);
                    body = body.substring(0, at) + pick(random, GARBLE) + body.substring(at);
                }
                case 2 -> body = body + pick(random, TRAILERS);
                default -> {
                }
            }
            String answer = answer(body, random.nextBoolean() ? GLOBAL : ACME);
            kinds.merge(answer.substring(0, Math.min(answer.length(), 30)), 1, Integer::sum);
        }
        // every kind of answer is among them, many times
        for (String kind : List.of("one [", "batch [", "400 {\"error\":\"invalid_json",
                "400 {\"error\":\"bad_request", "403 {\"error\":\"forbidden")) {
            int count = kinds.entrySet().stream().filter(e -> e.getKey().startsWith(kind)).mapToInt(Map.Entry::getValue).sum();
            assertThat(count).as(kind + " in " + kinds).isGreaterThan(100);
        }
    }

    private static final String[] GARBLE = {",", "}", "]", "{", "[", "\"", ":", " ", "x", "\\", "1", "null"};
    private static final String[] TRAILERS = {"", " ", "\n", "{}", "[]", "x", "}", "1", " \"s\""};
    private static final String[] FIELDS = {"tenant", "channel", "channels", "event", "data", "idempotencyKey", "chanel", "Tenant", ""};
    private static final String[] VALUES = {"\"acme\"", "\"beta\"", "\"ac:me\"", "\"room:1\"", "\"a\"", "\"b\"", "\"\"", "\"room 1\"",
        "\"chat\"", "\"rtgw.x\"", "\"k\"", "null", "true", "1", "-0", "1.10", "1e400", "12345678901234567890123", "{}", "[]",
        "[\"a\"]", "[\"a\",\"b\"]", "[\"a\",\"a\"]", "[\"a\",1]", "[null]", "{\"a\":1,\"a\":2}", "{\"x\":[1,{\"y\":\"\\u2028\"}]}",
        "\"\\ud83d\\ude00\"", "[[[]]]"};

    private static String item(Random random) {
        if (random.nextInt(20) == 0) {
            return pick(random, VALUES);
        }
        List<String> fields = new ArrayList<>();
        if (random.nextInt(4) != 0) {
            fields.add("\"tenant\":" + (random.nextInt(6) == 0 ? pick(random, VALUES) : "\"acme\""));
            fields.add(random.nextBoolean() ? "\"channel\":" + (random.nextInt(6) == 0 ? pick(random, VALUES) : "\"c\"")
                    : "\"channels\":" + (random.nextInt(6) == 0 ? pick(random, VALUES) : "[\"a\",\"b\"]"));
            fields.add("\"data\":" + pick(random, VALUES));
        }
        for (int i = random.nextInt(3) == 0 ? random.nextInt(4) : 0; i > 0; i--) {
            fields.add(random.nextInt(fields.size() + 1), "\"" + pick(random, FIELDS) + "\":" + pick(random, VALUES));
        }
        return "{" + String.join(",", fields) + "}";
    }

    private static String batch(Random random) {
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            items.add(item(random));
        }
        return "[" + String.join(",", items) + "]";
    }

    private static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }
}
