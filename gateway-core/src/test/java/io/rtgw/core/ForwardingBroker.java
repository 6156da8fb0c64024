package io.rtgw.core;

import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import java.util.concurrent.CompletableFuture;

/** A broker that hands everything to another; tests override the calls they break. */
abstract class ForwardingBroker implements Broker {
    /** The broker calls go to; may change between calls (a reset). */
    protected abstract Broker inner();

    @Override
    public CompletableFuture<Void> start(BrokerListener listener) {
        return inner().start(listener);
    }

    @Override
    public CompletableFuture<Void> subscribe(ChannelName channel) {
        return inner().subscribe(channel);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ChannelName channel) {
        return inner().unsubscribe(channel);
    }

    @Override
    public CompletableFuture<StreamPosition> publish(PublishRequest request) {
        return inner().publish(request);
    }

    @Override
    public CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit) {
        return inner().history(channel, since, limit);
    }

    @Override
    public boolean isUp() {
        return inner().isUp();
    }

    @Override
    public void close() {
        inner().close();
    }
}
