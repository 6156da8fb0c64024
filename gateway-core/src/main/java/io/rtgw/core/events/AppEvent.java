package io.rtgw.core.events;

/**
 * One event on its way to the app: its tenant (which stream it goes to) and its JSON
 * ({@code {"id","type","tenant","at",…}}, docs/protocol.md §10), built once.
 */
public record AppEvent(String tenant, EventType type, String json) {
}
