// Type declarations of rtgw.js, the Realtime Gateway client. See docs/client.md.

/**
 * `closed`: the server ended the connection for good (a 44xx close: refused, or disconnected or
 * revoked through the server API); `closeReason` says why, and the client waits for `connect()`
 * with a different token. `disconnected`: the app called `close()` (or has not connected yet).
 */
export type State = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'disconnected';

/** Why the server closed the connection for good (docs/protocol.md §4.2, §7). */
export interface CloseReason {
  /** The WebSocket close code, or the one an SSE `rtgw.close` / poll answer means: 4400, 4401, 4403, 4410. */
  code: number;
  /** `disconnected` and `revoked` (the server API, 4410), `unauthorized`, `forbidden`, `bad_request`. */
  reason: string;
}
export type TransportKind = 'websocket' | 'sse' | 'poll';

/** One delivered message. `id` is null only for live-only publications (no replay id). */
export interface Message<T = unknown> {
  channel: string;
  id: string | null;
  event: string;
  data: T;
}

/** `reason` is 'server' for a gap the gateway reported, 'transport' when a fallback could not carry the position over. */
export interface Gap {
  channel: string;
  reason: 'server' | 'transport';
}

export class RealtimeError extends Error {
  /** e.g. unauthorized, forbidden, revoked, token_expired, token_unchanged, token_failed, too_large, invalid_json, disconnected (with closeCode 4410: the server API; without: a publish not connected or cut off), not_supported, timeout, bad_request, limit_reached */
  code: string;
  /** The channel a subscribe, unsubscribe or publish error is about (the server names it). */
  channel?: string;
  /** From the server's `error`: true when the same command may succeed later (the client retries subscribes by itself). */
  temporary?: boolean;
  /** The WebSocket close code (or its SSE/poll equivalent) of a refusal. */
  closeCode?: number;
}

export interface RealtimeOptions {
  /** Base URL of the gateway's public listener, http(s):// or ws(s)://. Default: the page's origin. */
  url?: string;
  /** Called before every connection attempt, on `expiring`, and after 4001. Omit for cookie-only auth. */
  token?: () => string | null | Promise<string | null>;
  /** Order of preference. Default ['websocket', 'sse', 'poll']. */
  transports?: TransportKind[];
  /** Constructors/functions to use instead of the globals (Node: `WebSocket` from the `ws` package). */
  WebSocket?: any;
  EventSource?: any;
  fetch?: typeof fetch;
  /** Share one connection among the tabs of this origin (SharedWorker, else a BroadcastChannel leader). Default false. */
  shared?: boolean;
  /** URL of rtgw.js for the SharedWorker (default: this module's own URL; must be same-origin with the page). */
  workerUrl?: string | URL;
  SharedWorker?: any;
  /** Connect at once (default true); otherwise call connect(). */
  autoConnect?: boolean;
  /** SSE only delivers named events it listens for: 'message' always, plus these app event names. */
  events?: string[];
  /** Send cookies with SSE and poll requests (default true). */
  withCredentials?: boolean;
  /** Put the token in the SSE URL as ?token= (only when the gateway enables RTGW_QUERY_TOKEN). */
  queryToken?: boolean;
  /** Where the working transport is remembered (default sessionStorage when present; null: nowhere). */
  storage?: { getItem(k: string): string | null; setItem(k: string, v: string): void } | null;
  /** Source of online/offline events (default the global object when it has addEventListener; null: none). */
  window?: { addEventListener(t: string, f: () => void): void; removeEventListener(t: string, f: () => void): void } | null;
  /** Random source of the jitter, [0, 1). */
  random?: () => number;
  /** Backoff: delay = random() * min(backoffCap, backoffBase * 2^attempt) ms. Defaults 500 and 30000. */
  backoffBase?: number;
  backoffCap?: number;
  /** A connection up this long (ms, default 10000) resets the backoff. */
  stableAfter?: number;
  /** No `welcome` / `rtgw.connected` within this (ms, default 5000): the transport failed. */
  connectTimeout?: number;
  /** Failed attempts of a transport before the next one is tried (default 2). */
  fallbackAfter?: number;
  /** After 1012 / shutdown: reconnect within random() * this many ms (default 2000). */
  restartJitter?: number;
  /** Heartbeat (s) assumed until the server names one (default 25). */
  heartbeat?: number;
  /** Long-poll hold time (s, default 25). */
  pollTimeout?: number;
  /** A publish with no ack within this (ms, default 10000) rejects with 'timeout'. */
  publishTimeout?: number;
  /**
   * presence() gives up after this (ms, default 15000) with 'timeout', or with the last temporary
   * refusal (e.g. 'unavailable') if one came. Until then it waits for a connection and asks again
   * after reconnects and temporary refusals.
   */
  presenceTimeout?: number;
  /** Largest frame the gateway takes (bytes, default 65536 = RTGW_MAX_MESSAGE). Bigger publishes reject without sending. */
  maxMessage?: number;
}

export interface SubscribeOptions {
  /** Resume after this id (e.g. stored across a page reload). WebSocket honours it; SSE/poll report a gap. */
  since?: string;
  /** Extra app event names to listen for on SSE. */
  events?: string[];
}

/**
 * Why the server ended a subscription: `error` (a subscribe refused for good, e.g. forbidden or
 * limit_reached; `error` says which), `server` (the server API's unsubscribe ended it, on every
 * transport), `revoked` (the token no longer grants the channel). The client does not subscribe it
 * again; a new subscribe() may (the server judges it again).
 */
export interface SubscriptionEnd {
  channel: string;
  reason: 'error' | 'server' | 'revoked';
  error?: RealtimeError;
}

/** A subscribe refused as temporary (broker down, rate limited): it is sent again after `delay` ms. */
export interface SubscribeRetry {
  channel: string;
  delay: number;
  /** 1 for the first retry. */
  attempt: number;
  error: RealtimeError;
}

/** One connection in a channel's presence set (docs/protocol.md §9). */
export interface PresenceClient {
  /** The connection's client id (a user with two tabs has two entries). */
  client: string;
  user: string;
  /** The token's `info` claim (a JSON object ≤ 1 KiB, e.g. name and avatar), or null. */
  info: Record<string, unknown> | null;
  /** When it subscribed, Unix seconds. */
  since: number;
}

/** A connection subscribed to (`join`) or left (`leave`) the channel: `rtgw.join` / `rtgw.leave`, live-only. */
export interface PresenceChange {
  channel: string;
  client: string;
  user: string;
  info: Record<string, unknown> | null;
}

export class Subscription<T = unknown> {
  readonly channel: string;
  /** False after unsubscribe() or once the server ended it ('end'). */
  readonly active: boolean;
  /** The last id delivered, or the position the subscription started at. */
  readonly since: string | null;
  on(type: 'message', fn: (m: Message<T>) => void): () => void;
  on(type: 'gap', fn: (g: Gap) => void): () => void;
  on(type: 'subscribed', fn: (s: { channel: string; recovered: boolean }) => void): () => void;
  on(type: 'error', fn: (e: RealtimeError) => void): () => void;
  /** The server ended this subscription; it is not subscribed again. */
  on(type: 'end', fn: (e: SubscriptionEnd) => void): () => void;
  /** The subscribe was refused for now and will be sent again. */
  on(type: 'retry', fn: (r: SubscribeRetry) => void): () => void;
  /** A namespace with `join_leave: true`: a connection subscribed to / left the channel (never a 'message'). */
  on(type: 'join' | 'leave', fn: (e: PresenceChange) => void): () => void;
  off(type: string, fn: (...args: any[]) => void): void;
  /**
   * The channel's presence set (a namespace with `presence: true`). WebSocket only: on SSE and
   * long-poll it rejects with code 'not_supported' (your backend can ask `GET /api/presence`).
   * Rejects with the server's code ('bad_request': presence is off for the namespace;
   * 'forbidden': not subscribed), 'disconnected' (close() or a 44xx), or 'timeout'.
   */
  presence(): Promise<PresenceClient[]>;
  unsubscribe(): void;
}

export class Realtime {
  constructor(options?: RealtimeOptions);
  readonly state: State;
  /** The transport in use (or being tried). */
  readonly transport: TransportKind | null;
  /** Set when the server closed for good (state 'closed'); null again once connect() starts over. */
  readonly closeReason: CloseReason | null;
  /** Whether this tab shares a connection with other tabs. */
  readonly shared: boolean;
  /** The 'state' handler is also called at once with the current state. Returns a function that removes the handler. */
  on(type: 'state', fn: (s: State) => void): () => void;
  on(type: 'message', fn: (m: Message) => void): () => void;
  on(type: 'gap', fn: (g: Gap) => void): () => void;
  on(type: 'error', fn: (e: RealtimeError) => void): () => void;
  on(type: 'fallback', fn: (next: TransportKind) => void): () => void;
  on(type: 'retry', fn: (r: { delay: number; code: number; attempt: number }) => void): () => void;
  on(type: 'refreshed', fn: (r: { expiresAt: number | null }) => void): () => void;
  off(type: string, fn: (...args: any[]) => void): void;
  subscribe<T = unknown>(channel: string, onMessage?: (m: Message<T>) => void, options?: SubscribeOptions): Subscription<T>;
  /** Resolves with the id. WebSocket only: rejects with code 'not_supported' on SSE/poll, 'disconnected' while not connected. */
  publish(channel: string, event: string | null | undefined, data: unknown): Promise<string>;
  /**
   * Starts again after close(), or after state 'closed' (44xx: refused, disconnected, revoked) —
   * then only if token() now returns a token different from the one closed; otherwise an `error`
   * with code `token_unchanged` and the state stays 'closed'. Without a token option it always tries.
   */
  connect(): Promise<void>;
  reconnect(): Promise<void>;
  /** Calls token() now; on WebSocket sends it as `refresh` (the connection stays). */
  refreshToken(): Promise<string | null | void>;
  close(): void;
}

/** Full-jitter backoff delay in ms. */
export function backoffDelay(attempt: number, base?: number, cap?: number, random?: () => number): number;

/** The connection core, for hosting it yourself (e.g. in your own worker). */
export class Core {
  constructor(options?: RealtimeOptions);
  readonly state: State;
  readonly transport: TransportKind | null;
  readonly closeReason: CloseReason | null;
}

/** Serves tabs over MessagePort-like links with one Core (what the SharedWorker runs). */
export class Hub {
  constructor(coreOptions?: RealtimeOptions);
  attach(link: { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null; start?(): void }): void;
}

export const VERSION: string;
export default Realtime;
