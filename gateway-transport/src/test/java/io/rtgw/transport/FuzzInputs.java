package io.rtgw.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * What a hostile or broken client sends to the public listener: WebSocket frames (well-formed
 * commands with odd fields, broken JSON, bad flags, opcodes, lengths and UTF-8, fragments) and
 * SSE/poll query strings and cursors. Plausible values are mixed in so that inputs get past the
 * first check and reach the session logic. Everything comes from one seeded random source, so a
 * seed and an input number reproduce a failure exactly.
 */
final class FuzzInputs {
    static final String TOKEN = TestAuthenticator.token("alice", "acme", "room:*", "user:alice");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String ODD_CHARS = "%:._-*/\\\"'{}[]<>&=?#+ \u0000\u00e9\u2028\ufffd\ud83d\ude00";
    private static final String QUERY_CHARS = "%zZ09aF:._-~!$'()*,;=@/?&+\"<>{}|\\^`\u00e9";

    private final SplittableRandom random;

    FuzzInputs(long seed) {
        random = new SplittableRandom(seed);
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    @SafeVarargs
    private <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Picks one generator by weight: {@code weight, generator, weight, generator, …}. */
    @SuppressWarnings("unchecked")
    private <T> T weighted(Object... weightsAndGenerators) {
        int total = 0;
        for (int i = 0; i < weightsAndGenerators.length; i += 2) {
            total += (Integer) weightsAndGenerators[i];
        }
        int pick = random.nextInt(total);
        for (int i = 0; ; i += 2) {
            pick -= (Integer) weightsAndGenerators[i];
            if (pick < 0) {
                return ((Supplier<T>) weightsAndGenerators[i + 1]).get();
            }
        }
    }

    private String chars(String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private String anyChars(int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) random.nextInt(0x10000)); // lone surrogates included
        }
        return s.toString();
    }

    private String letters(int min, int max) {
        int length = min + random.nextInt(max - min + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    private byte[] bytes(int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
    }

    /** Any string, with the characters that break parsers over-represented. */
    String nasty() {
        return weighted(4, (Supplier<String>) () -> anyChars(30), 4, (Supplier<String>) () -> chars(ODD_CHARS, 20),
                1, (Supplier<String>) () -> letters(200, 300));
    }

    String channelName() {
        return chance(70) ? oneOf("room:1", "room:2", "room:a.b-c_d", "user:alice", "user:bob", "secret:1", "room:",
                ":1", "room", "room:*", "ROOM:1", "room:1 ", "rtgw:{acme}") : nasty();
    }

    /** Stream positions: real-looking ids of other epochs, out of range numbers, garbage. */
    String position() {
        String number = chance(50) ? Long.toString(random.nextLong())
                : oneOf("0", "1", "-1", "99999999999999999999999", "1e9", "0x10");
        return weighted(5, (Supplier<String>) () -> number + "." + chars("0123456789abcdefghijklmnopqrstuvwxyz", 10),
                2, (Supplier<String>) () -> number, 2, (Supplier<String>) this::nasty);
    }

    /** An opaque SSE/poll cursor, mangled: pieces of real cursors joined the real way, or anything. */
    String cursor() {
        return weighted(6, (Supplier<String>) () -> {
            List<String> pieces = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
                pieces.add(chance(50) ? position() : chars("0123456789abcdefghijklmnopqrstuvwxyz", 12));
            }
            return String.join("_", pieces);
        }, 3, (Supplier<String>) this::nasty, 1, (Supplier<String>) () -> letters(2000, 3000));
    }

    /** A field value: usually a plausible string, sometimes of the wrong JSON type; null means absent. */
    private JsonNode value(Supplier<String> plausible) {
        return weighted(2, (Supplier<JsonNode>) () -> null,
                6, (Supplier<JsonNode>) () -> JSON.textNode(plausible.get()),
                1, (Supplier<JsonNode>) () -> JSON.numberNode(random.nextInt()),
                1, (Supplier<JsonNode>) () -> oneOf(JSON.nullNode(), JSON.booleanNode(true), JSON.arrayNode(),
                        JSON.objectNode()));
    }

    private JsonNode data() {
        return weighted(2, (Supplier<JsonNode>) () -> null,
                5, (Supplier<JsonNode>) () -> JSON.objectNode().put("text", nasty()),
                1, (Supplier<JsonNode>) () -> JSON.numberNode(random.nextInt()),
                1, (Supplier<JsonNode>) () -> oneOf(JSON.nullNode(), JSON.arrayNode().add(1).add("x")),
                1, (Supplier<JsonNode>) () -> JSON.textNode(letters(3000, 5000)));
    }

    /** A command object; fields may be missing, null, or of the wrong JSON type. */
    String command() {
        ObjectNode command = JSON.objectNode();
        putIf(command, "type", value(() -> chance(80) ? oneOf("subscribe", "unsubscribe", "publish", "refresh",
                "pong", "auth", "presence", "welcome", "Subscribe") : nasty()));
        putIf(command, "channel", value(this::channelName));
        putIf(command, "since", value(this::position));
        putIf(command, "data", data());
        putIf(command, "event", value(this::nasty));
        putIf(command, "ref", value(() -> chance(80) ? letters(1, 6) : nasty()));
        putIf(command, "token", value(() -> chance(70) ? oneOf(TOKEN, "expired", "nobody", "") : nasty()));
        return command.toString();
    }

    private static void putIf(ObjectNode node, String field, JsonNode value) {
        if (value != null) {
            node.set(field, value);
        }
    }

    /** Text that is not a command: cut or spliced JSON, other JSON values, anything. */
    String brokenText() {
        return weighted(3, (Supplier<String>) () -> {
            String c = command();
            return c.substring(0, random.nextInt(c.length()));
        }, 1, (Supplier<String>) () -> command() + command(),
                2, (Supplier<String>) () -> oneOf("null", "[]", "1", "\"subscribe\"", "{}", "{\"type\":null}",
                        "{\"type\":{}}", "{\"type\":\"subscribe\",\"channel\":\"room:1\",\"channel\":\"room:2\"}"),
                2, (Supplier<String>) this::nasty);
    }

    /** One client frame: mostly valid commands, then every way a frame itself can be wrong. */
    byte[] frame() {
        return weighted(
                10, (Supplier<byte[]>) () -> WireFrames.text(command()),
                3, (Supplier<byte[]>) () -> WireFrames.text(brokenText()),
                // a text frame split into fragments, sometimes never finished
                2, (Supplier<byte[]>) () -> fragmented(command(), 1 + random.nextInt(50), chance(70)),
                // invalid UTF-8 in a text frame
                1, (Supplier<byte[]>) () -> WireFrames.frame(0x81, true, bytes(200)),
                // control frames with any payload (over 125 bytes is a protocol violation), binary frames
                2, (Supplier<byte[]>) () -> WireFrames.frame(oneOf(0x88, 0x89, 0x8A, 0x82, 0x08, 0x09), true,
                        bytes(chance(80) ? 125 : 200)),
                // any flags and opcode, masked or not
                2, (Supplier<byte[]>) () -> WireFrames.frame(random.nextInt(256), chance(80), bytes(200)),
                // over the frame limit
                1, (Supplier<byte[]>) () -> WireFrames.text("{\"type\":\"publish\",\"channel\":\"room:1\",\"data\":\""
                        + letters(4097, 5000) + "\"}"),
                // bytes that are not a frame at all (or a frame header announcing more than follows)
                1, (Supplier<byte[]>) () -> bytes(64));
    }

    /** What a connection sends after its upgrade: one to six frames. */
    List<byte[]> frames() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
            frames.add(frame());
        }
        return frames;
    }

    private static byte[] fragmented(String text, int size, boolean finished) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < all.length; at += size) {
            boolean last = at + size >= all.length;
            int head = (at == 0 ? WireFrames.TEXT : 0) | (last && finished ? 0x80 : 0);
            out.writeBytes(WireFrames.frame(head, true, Arrays.copyOfRange(all, at, Math.min(all.length, at + size))));
        }
        return out.toByteArray();
    }

    /**
     * The abuse limits of the node: none, or tight command and publish rates so that inputs also
     * reach the rate-limit answers ({@code rate_limited} errors, close 4029).
     */
    AbuseLimits limits() {
        return chance(50) ? AbuseLimits.NONE : new AbuseLimits(0, 0, 0, 1, 3, 1, 0, address -> false,
                AbuseLimits.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** How the WebSocket upgrade authenticates: the good token, bad ones, or none (auth must come first). */
    String bearer() {
        return weighted(8, (Supplier<String>) () -> TOKEN,
                1, (Supplier<String>) () -> oneOf("expired", "nobody", "a/b"), 1, (Supplier<String>) () -> null);
    }

    /** A query string for /sse or /poll: its parameters, raw or percent-encoded, in any order. */
    String query() {
        List<String> params = new ArrayList<>();
        if (chance(3)) {
            for (int i = 0, n = 60 + random.nextInt(10); i < n; i++) {
                params.add("channel=room:" + i);
            }
        }
        for (int i = 0, n = random.nextInt(7); i < n; i++) {
            params.add(weighted(
                    6, (Supplier<String>) () -> "channel=" + encodedOrNot(channelName()),
                    3, (Supplier<String>) () -> "cursor=" + encodedOrNot(cursor()),
                    2, (Supplier<String>) () -> "timeout=" + encodedOrNot(chance(70)
                            ? oneOf("1", "0", "-5", "55", "56", "9999999999", "1.5", "", "abc") : nasty()),
                    1, (Supplier<String>) () -> "token=" + encodedOrNot(nasty()),
                    2, (Supplier<String>) () -> chars(QUERY_CHARS, 12) + "=" + chars(QUERY_CHARS, 12),
                    1, (Supplier<String>) () -> chars(QUERY_CHARS, 12)));
        }
        return String.join("&", params);
    }

    private String encodedOrNot(String s) {
        // Only what a request line can carry raw is ever left raw; the rest goes percent-encoded.
        boolean printable = s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        return printable && chance(40) ? s : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The headers a stream request authenticates and resumes with. */
    List<String> streamHeaders() {
        List<String> headers = new ArrayList<>();
        headers.add(weighted(6, (Supplier<String>) () -> "Authorization: Bearer " + TOKEN,
                1, (Supplier<String>) () -> oneOf("Authorization: Bearer expired", "Authorization: Bearer x",
                        "Authorization: Basic Zm9vOmJhcg==", "Cookie: rtgw_token=" + TOKEN),
                1, (Supplier<String>) () -> ""));
        if (chance(30)) {
            String c = cursor();
            if (c.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
                headers.add("Last-Event-ID: " + c);
            }
        }
        return headers;
    }
}
