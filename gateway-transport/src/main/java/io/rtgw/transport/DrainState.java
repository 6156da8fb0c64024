package io.rtgw.transport;

/**
 * Whether the node is draining: then new sessions are told to reconnect elsewhere while the
 * listener keeps answering (a balancer that has not noticed yet must not see refused connections).
 */
public final class DrainState {
    private volatile boolean draining;

    public boolean draining() {
        return draining;
    }

    public void start() {
        draining = true;
    }
}
