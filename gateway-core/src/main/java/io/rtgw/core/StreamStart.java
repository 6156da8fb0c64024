package io.rtgw.core;

import io.rtgw.core.ServerMessage.Subscribed;
import java.util.List;

/**
 * The channels a stream (SSE, long-poll) started with, and their {@code subscribed} in the order
 * they were asked for: the stream writes its first cursor only once every one has a position.
 */
final class StreamStart {
    private final List<String> channels;
    private final Subscribed[] answers;
    private int missing;

    StreamStart(List<String> channels) {
        this.channels = channels;
        this.answers = new Subscribed[channels.size()];
        this.missing = answers.length;
    }

    /** @return true when this was the last channel without a position */
    boolean positioned(Subscribed s) {
        int i = channels.indexOf(s.channel());
        if (i >= 0 && answers[i] == null) {
            answers[i] = s;
            missing--;
        }
        return missing == 0;
    }

    List<Subscribed> inOrder() {
        return List.of(answers);
    }
}
