package io.rtgw.core;

/** The wire transports; {@link #label()} is the Prometheus label value of docs/protocol.md §8. */
public enum Transport {
    WEBSOCKET("websocket", true),
    SSE("sse", false),
    LONG_POLL("long_poll", false);

    private final String label;
    private final boolean bidirectional;

    Transport(String label, boolean bidirectional) {
        this.label = label;
        this.bidirectional = bidirectional;
    }

    public String label() {
        return label;
    }

    public boolean bidirectional() {
        return bidirectional;
    }
}
