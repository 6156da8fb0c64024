package io.rtgw.server.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    static final int MAX_BATCH = 1000;
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
        JsonNode root;
        try (JsonParser parser = WireJson.MAPPER.createParser(request.body())) {
            root = WireJson.MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                // A second value would otherwise be dropped without a word: the caller believes it published.
                return done(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "invalid_json",
                        "the body must be one JSON value; there is more after it (send several as an array)"));
            }
        } catch (JsonProcessingException e) {
            return done(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "invalid_json", "the body is not valid JSON"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a String source does not fail to read
        }
        if (root == null || root.isMissingNode()) {
            return done(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "the body is empty"));
        }
        boolean batch = root.isArray();
        List<JsonNode> items = new ArrayList<>();
        if (batch) {
            if (root.isEmpty() || root.size() > MAX_BATCH) {
                return done(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        "a batch holds 1-" + MAX_BATCH + " publishes"));
            }
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        List<PublishBody> bodies = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                bodies.add(PublishBody.parse(items.get(i)));
            } catch (PublishBody.Invalid e) {
                return done(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        (batch ? "item " + i + ": " : "") + e.getMessage(), e.field));
            }
            if (!scope.get().allows(bodies.get(i).tenant())) {
                return done(AdminResponse.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                        "this API key may not publish to tenant " + bodies.get(i).tenant(), "tenant"));
            }
        }
        List<CompletableFuture<JsonNode>> results = new ArrayList<>(bodies.size());
        for (PublishBody body : bodies) {
            results.add(publish(body));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).handle((ok, error) -> {
            boolean failed = false;
            boolean refused = false;
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (CompletableFuture<JsonNode> r : results) {
                JsonNode node = r.handle((n, e) -> e == null ? n : failure(e)).join();
                boolean limit = LIMIT_REACHED.equals(node.path("error").asText(null));
                refused |= limit;
                failed |= node.has("error") && !limit;
                array.add(node);
            }
            JsonNode out = batch ? array : array.get(0);
            // a broker failure is worth a retry (503); a full broker only once channels expire (429)
            HttpResponseStatus status = failed ? HttpResponseStatus.SERVICE_UNAVAILABLE
                    : refused ? HttpResponseStatus.TOO_MANY_REQUESTS : HttpResponseStatus.OK;
            return AdminResponse.json(status, out.toString());
        });
    }

    private CompletableFuture<JsonNode> publish(PublishBody body) {
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
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            if (!body.multi()) {
                node.put("id", ids.get(0).join().toString());
                return node;
            }
            ObjectNode byChannel = node.putObject("ids");
            for (int i = 0; i < requests.size(); i++) {
                byChannel.put(requests.get(i).channel().name(), ids.get(i).join().toString());
            }
            return node;
        });
    }

    private static JsonNode failure(Throwable error) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (cause(error) instanceof BrokerLimitException limit) {
            node.put("error", LIMIT_REACHED);
            node.put("message", limit.getMessage() + "; publishing to channels it holds still works");
            return node;
        }
        node.put("error", "internal");
        node.put("message", "the broker did not accept the publication; retry with the same idempotencyKey");
        return node;
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
