/**
 * The app's hand on the fleet (docs/protocol.md §7): commands that every node applies to its own
 * connections (disconnect, unsubscribe, revoke), the revocation set each node keeps in memory, and
 * the periodic reports from which the server API answers "which channels, which users, which
 * nodes" in one read. {@link io.rtgw.core.control.ControlPlane} is the SPI: one implementation
 * per broker kind (in memory for the embedded broker, Redis for a fleet).
 */
package io.rtgw.core.control;
