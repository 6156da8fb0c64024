package io.rtgw.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One message of a channel as it fans out. {@code data} is JSON text with no raw line break
 * (adapters that accept data from outside re-serialize it compactly), so every wire format can
 * embed it verbatim.
 *
 * <p>A publication is encoded at most once per wire format, however many subscribers receive it:
 * {@link #encoded(PublicationEncoder)} caches the bytes, which are then shared read-only by every
 * connection of that format.
 */
public final class Publication implements ServerMessage {
    private final ChannelName channel;
    private final StreamPosition position;
    private final String event;
    private final String data;
    private final long publishedAtMicros;
    private final AtomicReferenceArray<byte[]> encodings =
            new AtomicReferenceArray<>(PublicationEncoder.MAX_SLOTS);
    /** Computed on first use; an int write is atomic, and two threads compute the same value. */
    private int dataBytes = -1;

    /**
     * @param position          the replay id, or null for a live-only publication
     * @param publishedAtMicros wall-clock Unix microseconds when the publication was accepted
     */
    public Publication(ChannelName channel, StreamPosition position, String event, String data,
                       long publishedAtMicros) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.position = position;
        this.event = Objects.requireNonNull(event, "event");
        this.data = Objects.requireNonNull(data, "data");
        this.publishedAtMicros = publishedAtMicros;
    }

    public ChannelName channel() {
        return channel;
    }

    /** Null for live-only publications. */
    public StreamPosition position() {
        return position;
    }

    public String event() {
        return event;
    }

    public String data() {
        return data;
    }

    public long publishedAtMicros() {
        return publishedAtMicros;
    }

    /** The UTF-8 size of {@code data}: the payload a tenant is charged for per delivery. */
    public int dataBytes() {
        int n = dataBytes;
        if (n < 0) {
            n = utf8Length(data);
            dataBytes = n;
        }
        return n;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The bytes of this publication in the encoder's format, computed on first use only. */
    public byte[] encoded(PublicationEncoder encoder) {
        int slot = encoder.slot();
        byte[] bytes = encodings.get(slot);
        if (bytes == null) {
            // Two threads may both encode; the results are equal, so the race is harmless.
            bytes = encoder.encode(this);
            encodings.lazySet(slot, bytes);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "Publication[" + channel + " " + position + " " + event + "]";
    }
}
