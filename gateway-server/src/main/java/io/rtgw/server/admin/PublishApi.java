package io.rtgw.server.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.auth.LiveApiKeys;
import io.rtgw.core.ErrorCode;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerLimitException;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.transport.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/publish} (docs/protocol.md §6): one publish, one to several channels, or an array of
 * them. Everything is validated before anything is published; a broker failure answers 503 so
 * the app retries — with an idempotency key that retry publishes nothing twice. An embedded
 * broker that holds its maximum of channels or bytes answers 429 {@code limit_reached}.
 */
public final class PublishApi implements AdminRoute {
    private static final Logger log = LoggerFactory.getLogger(PublishApi.class);
    private static final String LIMIT_REACHED = ErrorCode.LIMIT_REACHED.code();

    private final Broker broker;
    private final LiveApiKeys keys;
    private final GatewayObserver observer;

    public PublishApi(Broker broker, LiveApiKeys keys, GatewayObserver observer) {
        this.broker = broker;
        this.keys = keys;
        this.observer = observer;
    }

    @Override
    public HttpMethod method() {
        return HttpMethod.POST;
    }

    @Override
    public CompletableFuture<AdminResponse> handle(AdminRequest request) {
        Optional<ApiKeyScope> scope = keys.checkAuthorizationHeader(request.authorization());
        if (scope.isEmpty()) {
            return done(AdminResponse.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "send 'Authorization: Bearer <api key>'"));
        }
        if (!request.declaresJson()) {
            return done(AdminResponse.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "bad_request",
                    "send the body as 'Content-Type: application/json'"));
        }
        Checked checked = check(request.body(), scope.get());
        if (checked.refusal() != null) {
            return done(checked.refusal());
        }
        List<PublishBody> bodies = checked.bodies();
        List<CompletableFuture<List<StreamPosition>>> results = new ArrayList<>(bodies.size());
        for (PublishBody body : bodies) {
            results.add(publish(body));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .handle((ok, error) -> answer(checked.batch(), bodies, results));
    }

    /** A body's publishes, every rule checked; or the answer refusing the body. */
    record Checked(AdminResponse refusal, boolean batch, List<PublishBody> bodies) {
    }

    /** In the body's order: the first item breaking a rule or naming a tenant the key may not reach refuses the body. */
    static Checked check(String body, ApiKeyScope scope) {
        PublishBodyReader.Items items;
        try {
            items = PublishBodyReader.read(body);
        } catch (ApiError e) {
            return new Checked(e.response(), false, List.of());
        }
        List<PublishBody> bodies = new ArrayList<>(items.items().size());
        for (int i = 0; i < items.items().size(); i++) {
            PublishBody checked;
            try {
                checked = PublishBody.of(items.items().get(i));
            } catch (PublishBody.Invalid e) {
                return new Checked(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        (items.batch() ? "item " + i + ": " : "") + e.getMessage(), e.field), items.batch(), List.of());
            }
            if (!scope.allows(checked.tenant())) {
                return new Checked(AdminResponse.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                        "this API key may not publish to tenant " + checked.tenant(), "tenant"), items.batch(), List.of());
            }
            bodies.add(checked);
        }
        return new Checked(null, items.batch(), bodies);
    }

    private CompletableFuture<List<StreamPosition>> publish(PublishBody body) {
        List<PublishRequest> requests = body.requests();
        List<CompletableFuture<StreamPosition>> ids = new ArrayList<>(requests.size());
        for (PublishRequest r : requests) {
            ids.add(broker.publish(r).whenComplete((id, error) -> {
                if (error == null) {
                    observer.published("api");
                } else if (!(cause(error) instanceof BrokerLimitException)) {
                    // refusals are counted (rtgw_broker_refusals_total), not logged: a flood of them is the attack
                    log.warn("publish to {} failed: {}", r.channel(), error.toString());
                }
            }));
        }
        return CompletableFuture.allOf(ids.toArray(CompletableFuture[]::new)).thenApply(ok -> {
            List<StreamPosition> out = new ArrayList<>(ids.size());
            for (CompletableFuture<StreamPosition> id : ids) {
                out.add(id.join());
            }
            return out;
        });
    }

    /**
     * Each publish's ids, or why the broker did not take it, written without a JSON tree: an object
     * for a single publish, an array of them for a batch.
     */
    private static AdminResponse answer(boolean batch, List<PublishBody> bodies,
                                        List<CompletableFuture<List<StreamPosition>>> results) {
        boolean failed = false;
        boolean refused = false;
        try (ByteArrayBuilder out = new ByteArrayBuilder(32 + 48 * results.size());
             JsonGenerator g = WireJson.FACTORY.createGenerator(out)) {
            if (batch) {
                g.writeStartArray();
            }
            for (int i = 0; i < results.size(); i++) {
                CompletableFuture<List<StreamPosition>> r = results.get(i);
                g.writeStartObject();
                if (r.isCompletedExceptionally()) {
                    Throwable error = r.handle((ids, e) -> e).join();
                    boolean limit = cause(error) instanceof BrokerLimitException;
                    refused |= limit;
                    failed |= !limit;
                    writeFailure(g, error);
                } else {
                    writeIds(g, bodies.get(i), r.join());
                }
                g.writeEndObject();
            }
            if (batch) {
                g.writeEndArray();
            }
            g.flush();
            // a broker failure is worth a retry (503); a full broker only once channels expire (429)
            HttpResponseStatus status = failed ? HttpResponseStatus.SERVICE_UNAVAILABLE
                    : refused ? HttpResponseStatus.TOO_MANY_REQUESTS : HttpResponseStatus.OK;
            return new AdminResponse(status, AdminResponse.JSON, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to write
        }
    }

    private static void writeIds(JsonGenerator g, PublishBody body, List<StreamPosition> ids) throws IOException {
        if (!body.multi()) {
            g.writeStringField("id", ids.get(0).toString());
            return;
        }
        g.writeObjectFieldStart("ids");
        for (int i = 0; i < ids.size(); i++) {
            g.writeStringField(body.channels().get(i).name(), ids.get(i).toString());
        }
        g.writeEndObject();
    }

    private static void writeFailure(JsonGenerator g, Throwable error) throws IOException {
        if (cause(error) instanceof BrokerLimitException limit) {
            g.writeStringField("error", LIMIT_REACHED);
            g.writeStringField("message", limit.getMessage() + "; publishing to channels it holds still works");
            return;
        }
        g.writeStringField("error", "internal");
        g.writeStringField("message", "the broker did not accept the publication; retry with the same idempotencyKey");
    }

    private static Throwable cause(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static CompletableFuture<AdminResponse> done(AdminResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
