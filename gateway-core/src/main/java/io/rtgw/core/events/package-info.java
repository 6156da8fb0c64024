/**
 * Connection events for the app (docs/protocol.md §10): who came online, went offline,
 * connected, disconnected, and which channels became occupied or vacated, fleet-wide and
 * crash-safe, handed to a sink (a Redis Stream per tenant, or batched signed POSTs).
 */
package io.rtgw.core.events;
