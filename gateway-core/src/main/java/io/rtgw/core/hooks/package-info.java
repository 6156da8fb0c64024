/**
 * The app decides (docs/protocol.md §11): the questions the gateway may ask the app beside it —
 * may this connection in, may it subscribe to this channel, may it publish this — as interfaces.
 * How they are asked (HTTP, JSON, timeouts) is the server's business; the transports and
 * sessions only see these interfaces.
 */
package io.rtgw.core.hooks;
