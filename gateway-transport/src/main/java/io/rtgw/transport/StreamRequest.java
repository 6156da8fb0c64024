package io.rtgw.transport;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.core.ChannelName;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.SessionSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an SSE or long-poll request asks for: its channels (validated before anything starts,
 * so a bad name is a clear 400 rather than a stream that never connects) and its cursor.
 */
record StreamRequest(List<String> channels, String cursor) {
    static final String LAST_EVENT_ID = "Last-Event-ID";
    /** docs/protocol.md §4: a cursor stays under 2 KiB (it is URL-safe, never escaped). */
    static final int MAX_CURSOR_LENGTH = 2048;
    /** A JWT is URL-safe base64 and over 8 KiB is refused anyway (docs/protocol.md §3). */
    static final int MAX_QUERY_TOKEN_LENGTH = 8 * 1024;
    /**
     * The longest query string a valid stream request can have: every allowed channel at the
     * maximum name length with every character percent-escaped (names may hold {@code + | : @ =},
     * which clients escape), the longest cursor, a query-string token and the timeout.
     */
    static final int MAX_QUERY_LENGTH = Cursor.MAX_CHANNELS * ("channel=".length() + 3 * ChannelName.MAX_NAME_LENGTH + 1)
            + "cursor=".length() + MAX_CURSOR_LENGTH + 1
            + "token=".length() + MAX_QUERY_TOKEN_LENGTH + 1
            + "timeout=55".length();

    /**
     * @param lastEventId whether the {@code Last-Event-ID} header counts (SSE: a browser's automatic
     *                    reconnect sends it, and it wins over the {@code cursor} of the original URL)
     * @throws Invalid with a message for the client
     */
    static StreamRequest parse(HttpRequest request, QueryStringDecoder query, boolean lastEventId) throws Invalid {
        List<String> requested = query.parameters().getOrDefault("channel", List.of());
        if (requested.size() > Cursor.MAX_CHANNELS) {
            throw new Invalid("at most " + Cursor.MAX_CHANNELS + " channels per stream (got " + requested.size() + ")");
        }
        Set<String> seen = new HashSet<>();
        for (String channel : requested) {
            String problem = ChannelName.nameProblem(channel);
            if (problem != null) {
                throw new Invalid(problem);
            }
            if (!seen.add(channel)) {
                throw new Invalid("channel " + channel + " is listed twice");
            }
        }
        String cursor = lastEventId ? request.headers().get(LAST_EVENT_ID) : null;
        if (cursor == null || cursor.isEmpty()) {
            List<String> values = query.parameters().get("cursor");
            cursor = values == null || values.isEmpty() ? null : values.get(0);
        }
        return new StreamRequest(List.copyOf(requested), cursor == null || cursor.isEmpty() ? null : cursor);
    }

    /** The requested channels the identity's grants do not cover, in request order. */
    List<String> notGranted(ClientIdentity identity) {
        List<String> out = List.of();
        for (String channel : channels) {
            if (!identity.maySubscribe(channel)) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(2);
                }
                out.add(channel);
            }
        }
        return out;
    }

    /**
     * The stream's channels in cursor order: the requested ones, then the personal channel when it
     * is subscribed automatically (the rule of {@code ClientSession.automaticChannels()}) and was
     * not requested.
     */
    List<String> streamChannels(ClientIdentity identity, SessionSettings settings) {
        List<String> all = new ArrayList<>(channels);
        String personal = settings.personalChannel() ? identity.personalChannel() : null;
        if (personal != null && !all.contains(personal)) {
            all.add(personal);
        }
        return all;
    }

    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
