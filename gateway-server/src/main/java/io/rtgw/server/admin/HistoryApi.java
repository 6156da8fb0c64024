package io.rtgw.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.HistoryResult;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/history?tenant=&channel=&since=&limit=} (docs/protocol.md §7), made for
 * snapshot-then-subscribe: {@code position} is the id of the last message returned (the channel's
 * head when none), so a client that subscribes with {@code since: position} gets exactly what
 * came after the snapshot.
 *
 * <p>The broker reads forwards (the oldest {@code limit} after a position); the newest
 * {@code limit} are read from {@code head - limit}, which works because offsets grow by one per
 * message within an epoch. If the oldest of those are gone (trimmed, aged out), a binary search
 * finds the largest window still held, so the answer is the newest messages the broker has.
 */
public final class HistoryApi extends ApiEndpoint {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    private static final Set<String> PARAMS = Set.of("tenant", "channel", "since", "limit");

    private final Broker broker;

    public HistoryApi(ApiAccess access, Broker broker) {
        super(HttpMethod.GET, access);
        this.broker = broker;
    }

    @Override
    CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
        ApiFields query = ApiFields.query(request, PARAMS);
        String tenant = query.tenant();
        ChannelName channel = ChannelName.of(tenant, query.channel("channel", true));
        String sinceText = query.text("since", false);
        if (sinceText != null && sinceText.length() > 64) {
            throw ApiError.badField("since", "'since' is at most 64 characters (an id this gateway gave out)");
        }
        int limit = query.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        ApiAccess.requireTenant(scope, tenant);
        if (sinceText == null) {
            return newest(channel, limit).thenApply(r -> answer(r, false));
        }
        StreamPosition since = StreamPosition.parse(sinceText);
        if (since == null) {
            // not an id of this gateway: nothing can be resumed from it, say so and start from now
            return newest(channel, limit).thenApply(r -> answer(r, true));
        }
        return broker.history(channel, since, limit).thenCompose(r -> r.recovered()
                ? CompletableFuture.completedFuture(answer(r, false))
                : newest(channel, limit).thenApply(fresh -> answer(fresh, true)));
    }

    /** The newest at most {@code limit} messages the broker holds. */
    CompletableFuture<HistoryResult> newest(ChannelName channel, int limit) {
        return broker.history(channel, null, 1).thenCompose(headOnly -> {
            StreamPosition head = headOnly.head();
            int size = (int) Math.min(limit, head.offset());
            HistoryResult none = new HistoryResult(List.of(), head, true);
            return size == 0 ? CompletableFuture.completedFuture(none)
                    : window(channel, head, size, limit).thenCompose(r -> r != null
                            ? CompletableFuture.completedFuture(r)
                            : largestHeld(channel, head, 0, size - 1, none, limit));
        });
    }

    /** The last {@code size} messages before {@code head}, or null when the oldest of them is gone. */
    private CompletableFuture<HistoryResult> window(ChannelName channel, StreamPosition head, int size, int limit) {
        StreamPosition from = new StreamPosition(head.epoch(), head.offset() - size);
        return broker.history(channel, from, limit).thenApply(r -> r.recovered() ? r : null);
    }

    /**
     * Binary search for the largest window still held, between {@code held} (known to be) and
     * {@code most}: at most about ten reads for the largest limit.
     */
    private CompletableFuture<HistoryResult> largestHeld(ChannelName channel, StreamPosition head, int held, int most,
                                                         HistoryResult best, int limit) {
        if (held >= most) {
            return CompletableFuture.completedFuture(best);
        }
        int mid = held + (most - held + 1) / 2;
        return window(channel, head, mid, limit).thenCompose(r -> r != null
                ? largestHeld(channel, head, mid, most, r, limit)
                : largestHeld(channel, head, held, mid - 1, best, limit));
    }

    private static AdminResponse answer(HistoryResult result, boolean gap) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode messages = out.putArray("messages");
        StreamPosition position = result.head();
        for (Publication p : result.publications()) {
            ObjectNode m = messages.addObject();
            m.put("id", p.position().toString()).put("event", p.event());
            m.putRawValue("data", new RawValue(p.data())); // already JSON: no second parse
            position = p.position();
        }
        out.put("position", position.toString());
        out.put("gap", gap);
        return AdminResponse.json(HttpResponseStatus.OK, out.toString());
    }
}
