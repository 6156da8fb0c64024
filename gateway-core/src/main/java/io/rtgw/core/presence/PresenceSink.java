package io.rtgw.core.presence;

import io.rtgw.core.ChannelName;

/**
 * Where a session reports that one of its subscriptions joined or left a channel. Normally the
 * node's {@link Presence}; a long-poll session reports to its client's lease instead, because a
 * long-poll client is one presence entry from its first poll until its lease ends, not a
 * join and a leave per poll.
 */
public interface PresenceSink {
    void joined(ChannelName channel, PresenceEntry entry);

    /**
     * @param connectionClosed true when the subscription ended because the connection (for
     *                         long-poll: one poll) ended, false when it was unsubscribed
     */
    void left(ChannelName channel, PresenceEntry entry, boolean connectionClosed);
}
