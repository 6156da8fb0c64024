package io.rtgw.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/** A connection that records what the session sends; the executor plays the event loop. */
public final class RecordingConnection implements Connection {
    private final ScheduledExecutorService loop;
    public final List<ServerMessage> sent = new CopyOnWriteArrayList<>();
    public volatile DisconnectReason closedWith;

    private final String id;

    public RecordingConnection(ScheduledExecutorService loop) {
        this(loop, "c1");
    }

    public RecordingConnection(ScheduledExecutorService loop, String id) {
        this.loop = loop;
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    @Override
    public void send(ServerMessage message) {
        if (closedWith == null) {
            sent.add(message);
        }
    }

    @Override
    public boolean isOpen() {
        return closedWith == null;
    }

    @Override
    public void close(DisconnectReason reason) {
        if (closedWith == null) {
            closedWith = reason;
        }
    }

    @Override
    public ScheduledExecutorService executor() {
        return loop;
    }

    public <T extends ServerMessage> List<T> of(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    /** The data of every publication of a channel, in the order sent. */
    public List<String> dataOf(String channel) {
        return of(Publication.class).stream().filter(p -> p.channel().name().equals(channel))
                .map(Publication::data).collect(Collectors.toList());
    }
}
