/**
 * Who is subscribed to a channel, cluster-wide (docs/protocol.md §9). {@link io.rtgw.core.presence.PresenceStore}
 * is the SPI (in memory for the embedded broker, Redis for a fleet); {@link io.rtgw.core.presence.PresenceTracker}
 * is the node's side: it knows this node's entries, writes each subscribe and leave once, off the
 * event loops, and renews the node's leases in one batch per interval.
 * {@link io.rtgw.core.presence.Presence} is what a session sees: the namespace switches, the tracker
 * and the join/leave announcements.
 */
package io.rtgw.core.presence;
