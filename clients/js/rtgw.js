// rtgw.js — the Realtime Gateway client. One dependency-free ES module for browsers and Node 20+.
// WebSocket first, then SSE, then long-poll; exact catch-up after reconnects; one connection per
// browser when asked (SharedWorker, else a BroadcastChannel leader). See docs/client.md.

export const VERSION = '0.1.0';

const CHANNEL = /^[A-Za-z0-9_\-.:@=|+]{1,200}$/;
const DEDUPE_WINDOW = 256;
/** Close codes the gateway itself sends: the server answered, so the transport works. */
const serverCode = (c) => c === 1000 || c === 1003 || c === 1007 || c === 1009 || c === 1011 || c === 1012
  || (c >= 4000 && c < 5000);
/** rtgw.close reasons (SSE) and poll errors mapped onto the WebSocket close codes that mean the same. */
const REASON_CODES = {
  shutdown: 1012, token_expired: 4001, no_pong: 4002, lifetime: 4003, slow_consumer: 4008,
  limit_reached: 4009, rate_limited: 4029, internal: 1011, unauthorized: 4401, forbidden: 4403, bad_request: 4400,
  disconnected: 4410, revoked: 4410,
};
const CODE_NAMES = { 1007: 'invalid_json', 1009: 'too_large' };
/** The reason of a 44xx close that came without one (a proxy in between, an old server). */
const REFUSAL_NAMES = { 4400: 'bad_request', 4401: 'unauthorized', 4403: 'forbidden', 4410: 'disconnected' };
const stops = (code) => code >= 4400 && code < 4500;
/** Live-only messages of a join_leave namespace (docs/protocol.md §9): Subscription events, not messages. */
const MEMBER_EVENTS = { 'rtgw.join': 'join', 'rtgw.leave': 'leave' };

/**
 * SSE's rtgw.close and a poll's {closed} as the WebSocket close code that means the same. An
 * explicit `reconnect` wins (docs/protocol.md §7: the server API's disconnect sets it either way).
 */
function closeCode(reason, reconnect) {
  const code = REASON_CODES[reason] || 1011;
  if (reconnect === false && !stops(code)) return 4410;
  if (reconnect === true && stops(code)) return 4010;
  return code;
}

/**
 * The per-channel positions of a stream cursor ('' where the server holds none), in the stream's
 * channel order; null for a cursor of a format this client does not know. Cursors are opaque to
 * apps, but this client ships with the gateway: a long-poll answer tells of a server unsubscribe
 * only by clearing that channel's position (docs/protocol.md §7), and this is how it sees it.
 */
function cursorSlots(cursor) {
  return typeof cursor === 'string' && /^1[0-9a-z]{6}_/.test(cursor) ? cursor.slice(7).split('_').slice(1) : null;
}

/** Full jitter: a uniform delay in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(attempt, base = 500, cap = 30000, random = Math.random) {
  return Math.floor(random() * Math.min(cap, base * 2 ** Math.min(attempt, 30)));
}

class Emitter {
  constructor() { this._h = new Map(); }
  on(type, fn) {
    if (!this._h.has(type)) this._h.set(type, new Set());
    this._h.get(type).add(fn);
    return () => this.off(type, fn);
  }
  off(type, fn) { this._h.get(type)?.delete(fn); }
  emit(type, value) {
    for (const fn of [...(this._h.get(type) || [])]) {
      try { fn(value); } catch (e) { setTimeout(() => { throw e; }); } // an app handler never breaks the client
    }
  }
}

export class RealtimeError extends Error {
  constructor(code, message, extra) {
    super(message || code);
    this.name = 'RealtimeError';
    this.code = code;
    Object.assign(this, extra);
  }
}

/** Remembers the last ids of a channel: a replayed message already delivered is dropped. */
class Seen {
  constructor() { this.set = new Set(); this.order = []; }
  add(id) {
    if (this.set.has(id)) return false;
    this.set.add(id);
    this.order.push(id);
    if (this.order.length > DEDUPE_WINDOW) this.set.delete(this.order.shift());
    return true;
  }
}

function bases(url) {
  const u = String(url ?? globalThis.location?.origin ?? '').replace(/\/+$/, '');
  if (!/^(https?|wss?):\/\//.test(u)) throw new TypeError('rtgw: options.url must be an http(s):// or ws(s):// URL');
  const http = u.replace(/^ws/, 'http');
  return { http, ws: http.replace(/^http/, 'ws') };
}

function defaultStorage() {
  try { return globalThis.sessionStorage || null; } catch { return null; } // throws when storage is blocked
}

/** user:<sub> from a JWT's payload: only a hint for the long-poll channel order, never trusted. */
function jwtPersonal(tok) {
  try {
    const part = String(tok).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const sub = JSON.parse(atob(part + '='.repeat((4 - part.length % 4) % 4))).sub;
    return typeof sub === 'string' && CHANNEL.test('user:' + sub) ? 'user:' + sub : null;
  } catch { return null; }
}

function utf8Length(s) {
  return typeof TextEncoder === 'function' ? new TextEncoder().encode(s).length : s.length * 3;
}

const normalize = (o) => ({
  url: o.url,
  token: o.token || null,
  transports: o.transports || ['websocket', 'sse', 'poll'],
  WebSocket: o.WebSocket || globalThis.WebSocket,
  EventSource: o.EventSource || globalThis.EventSource,
  fetch: o.fetch || (globalThis.fetch && globalThis.fetch.bind(globalThis)),
  random: o.random || Math.random,
  storage: o.storage === undefined ? defaultStorage() : o.storage,
  window: o.window === undefined ? (typeof globalThis.addEventListener === 'function' ? globalThis : null) : o.window,
  backoffBase: o.backoffBase ?? 500,
  backoffCap: o.backoffCap ?? 30000,
  stableAfter: o.stableAfter ?? 10000,
  connectTimeout: o.connectTimeout ?? 5000,
  fallbackAfter: o.fallbackAfter ?? 2,
  restartJitter: o.restartJitter ?? 2000,
  heartbeat: o.heartbeat ?? 25,
  pollTimeout: o.pollTimeout ?? 25,
  publishTimeout: o.publishTimeout ?? 10000,
  presenceTimeout: o.presenceTimeout ?? 15000,
  maxMessage: o.maxMessage ?? 65536,
  events: o.events || [],
  withCredentials: o.withCredentials ?? true,
  queryToken: !!o.queryToken,
});

/**
 * The connection core: one transport at a time, the channels and their last ids, the state
 * machine. It has no per-subscriber handlers, so it runs in a page or inside a SharedWorker alike.
 * Events: state, message, gap, subscribed, error, refreshed, ended (the server ended a channel),
 * subretry (a subscribe refused as temporary will be sent again). rtgw.join / rtgw.leave come as
 * messages with those event names; Realtime turns them into Subscription events.
 */
export class Core extends Emitter {
  constructor(options = {}) {
    super();
    this.o = normalize(options);
    this.base = bases(this.o.url);
    this.state = 'disconnected';
    this.transport = null;      // kind of the transport in use: websocket | sse | poll
    this.channels = new Map();  // channel -> {since, seen}
    this.attempt = 0;           // failed attempts since the last stable connection
    this.failures = 0;          // consecutive failures of the current transport before it ever connected
    this.gen = 0;               // bumps on every (re)open: callbacks of an older transport are ignored
    this.t = null;              // the live transport object
    this.timers = new Set();
    this.everConnected = false;
    this.stopped = null;        // {token} after a 44xx refusal: no reconnect until the token changes
    this.closeReason = null;    // {code, reason} of that 44xx; cleared when connect() starts again
    this.lastToken = undefined;
    this.expiredToken = undefined;
    this.offline = false;
    this.personal = null;       // the personal channel, once the server named it
    this.order = [];            // SSE/poll: the stream's channel order, which the cursor belongs to
    this.cursor = null;         // SSE/poll cursor (opaque)
    this.muted = new Set();     // SSE/poll: channels left but still in the stream (the cursor needs them)
    this.pending = new Map();   // publish ref -> {resolve, reject, timer, frame}
    this.queries = new Map();   // presence ref -> {channel, resolve, reject, timer, attempt, error, retry}
    this.ref = 0;
    this.closed = true;
    const kinds = this.o.transports;
    const saved = this._storage('get');
    this.index = saved && kinds.includes(saved) ? kinds.indexOf(saved) : 0;
    this._onOnline = () => this._online(true);
    this._onOffline = () => this._online(false);
  }

  // ---- public surface (also what the tab <-> worker protocol calls) ----

  /** Starts, or restarts after close() or a refusal (then only with a different token). */
  async connect() {
    let tok;
    if (this.stopped) {
      tok = await this._fetchToken().catch(() => undefined);
      if (!this.stopped) return; // another connect() got there first
      if (tok === this.stopped.token && this.o.token) {
        this.emit('error', new RealtimeError('token_unchanged',
          'token() returned the token the server refused; not reconnecting until it changes'));
        return;
      }
      this.stopped = null;
      this.closeReason = null;
      this.attempt = 0;
    } else if (!this.closed) {
      return;
    }
    if (this.closed) {
      this.closed = false;
      if (this.o.window) {
        this.o.window.addEventListener('online', this._onOnline);
        this.o.window.addEventListener('offline', this._onOffline);
      }
    }
    this._open(tok);
  }

  /** SSE only delivers event names it listens for: 'message' and these. */
  addEvent(name) {
    if (!this.o.events.includes(name)) this.o.events.push(name);
    this.t?.addEvent?.(name);
  }

  close() {
    this.closed = true;
    if (this.o.window) {
      this.o.window.removeEventListener('online', this._onOnline);
      this.o.window.removeEventListener('offline', this._onOffline);
    }
    this._drop(1000);
    this._endQueries(new RealtimeError('disconnected', 'close() was called before presence was answered'));
    this._setState('disconnected');
  }

  subscribe(channel, since) {
    if (this.channels.has(channel)) return;
    this.channels.set(channel, { since: since ?? null, seen: new Seen(), fresh: true });
    this.muted.delete(channel);
    if (this.state === 'connected') this.t?.subscribe(channel);
  }

  unsubscribe(channel) {
    if (!this.channels.delete(channel)) return;
    if (this.state === 'connected') this.t?.unsubscribe(channel);
  }

  /** The channel's last id (or position): what a resubscription sends as since. */
  since(channel) { return this.channels.get(channel)?.since ?? null; }

  publish(channel, event, data) {
    if (this.transport !== 'websocket' || this.state !== 'connected' || !this.t) {
      const code = this.state === 'connected' ? 'not_supported' : 'disconnected';
      return Promise.reject(new RealtimeError(code, code === 'not_supported'
        ? 'publish needs the WebSocket transport (now ' + this.transport + ')' : 'not connected'));
    }
    const ref = String(++this.ref);
    const frame = JSON.stringify({ type: 'publish', channel, event: event ?? undefined, data, ref });
    if (utf8Length(frame) > this.o.maxMessage) {
      return Promise.reject(new RealtimeError('too_large', 'the message is over ' + this.o.maxMessage + ' bytes'));
    }
    return new Promise((resolve, reject) => {
      const timer = this._timer(() => {
        this.pending.delete(ref);
        reject(new RealtimeError('timeout', 'no answer to publish'));
      }, this.o.publishTimeout);
      this.pending.set(ref, { resolve, reject, timer });
      this.t.send(frame);
      this.t.lastPublish = ref;
    });
  }

  /**
   * The channel's presence set (docs/protocol.md §9), for a subscribed channel. WebSocket only:
   * SSE and long-poll have no command channel. It is a read, so unlike a publish it is safe to ask
   * again: it waits for a connection, is asked again after a reconnect, and a temporary refusal is
   * retried with backoff, all within presenceTimeout.
   */
  presence(channel) {
    if (!this.channels.has(channel)) {
      return Promise.reject(new RealtimeError('forbidden', 'presence needs a subscription to ' + channel,
        { channel, temporary: false }));
    }
    if (this.closed || this.stopped) return Promise.reject(new RealtimeError('disconnected', 'not connected', { channel }));
    if (this.state === 'connected' && this.transport !== 'websocket') return Promise.reject(this._noPresence(channel));
    const ref = 'p' + ++this.ref;
    return new Promise((resolve, reject) => {
      const q = { channel, resolve, reject, attempt: 0, error: null, retry: null };
      // Not a _timer: those end with the connection, and this outlives reconnects.
      q.timer = setTimeout(() => this._answer(ref, null, q.error
        || new RealtimeError('timeout', 'no answer to presence', { channel })), this.o.presenceTimeout);
      this.queries.set(ref, q);
      this._ask(ref);
    });
  }

  _noPresence(channel) {
    return new RealtimeError('not_supported', 'presence() needs the WebSocket transport (now ' + this.transport
      + '); the app\'s backend can ask GET /api/presence (docs/protocol.md §7)', { channel, temporary: false });
  }

  /** Sends a presence query if a WebSocket is up; otherwise the next welcome sends it. */
  _ask(ref) {
    const q = this.queries.get(ref);
    if (q && this.transport === 'websocket' && this.state === 'connected' && this.t?.ready) {
      this.t.send(JSON.stringify({ type: 'presence', channel: q.channel, ref }));
    }
  }

  _answer(ref, clients, err) {
    const q = this.queries.get(ref);
    if (!q) return;
    this.queries.delete(ref);
    clearTimeout(q.timer);
    this._clearTimer(q.retry);
    if (err) q.reject(err); else q.resolve(clients);
  }

  _endQueries(errorFor) {
    for (const [ref, q] of this.queries) this._answer(ref, null, typeof errorFor === 'function' ? errorFor(q.channel) : errorFor);
  }

  /** Asks token() again and, on WebSocket, extends the live connection with it. */
  async refresh() {
    if (this.stopped) return this.connect(); // a refusal ends only with a different token
    const tok = await this._fetchToken();
    if (this.transport === 'websocket' && this.state === 'connected' && tok && tok !== this.t?.token) {
      this.t.token = tok;
      this.t.send(JSON.stringify({ type: 'refresh', token: tok }));
    }
    return tok;
  }

  // ---- state machine ----

  _setState(s) {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  _timer(fn, ms) {
    const id = setTimeout(() => { this.timers.delete(id); fn(); }, ms);
    this.timers.add(id);
    return id;
  }

  _clearTimer(id) { if (id != null) { clearTimeout(id); this.timers.delete(id); } }

  _storage(op, value) {
    const s = this.o.storage;
    if (!s) return null;
    const key = 'rtgw.transport ' + this.base.http;
    try { return op === 'get' ? s.getItem(key) : s.setItem(key, value); } catch { return null; }
  }

  async _fetchToken() {
    if (!this.o.token) return null;
    const tok = await this.o.token();
    this.lastToken = tok;
    if (tok && !this.personal) this.personalHint = jwtPersonal(tok);
    return tok;
  }

  async _open(knownToken) {
    this._drop(null);
    if (this.closed || this.stopped) return;
    const gen = ++this.gen;
    this._setState(this.everConnected ? 'reconnecting' : 'connecting');
    if (this.offline) return; // the online event opens
    let tok;
    try {
      tok = knownToken !== undefined ? knownToken : await this._fetchToken();
    } catch (e) {
      if (gen !== this.gen) return;
      this.emit('error', new RealtimeError('token_failed', 'token() failed: ' + (e && e.message), { cause: e }));
      this._down(gen, { code: 1006, tokenFailure: true });
      return;
    }
    if (gen !== this.gen || this.closed) return;
    const kind = this.o.transports[this.index % this.o.transports.length];
    const open = { websocket: this._ws, sse: this._sse, poll: this._poll }[kind];
    if (!open) throw new TypeError('rtgw: unknown transport ' + kind);
    this.transport = kind;
    this.t = open.call(this, gen, tok);
  }

  /** A transport is up: the session's choice is remembered, the backoff resets once it proved stable. */
  _up(gen, heartbeat) {
    if (gen !== this.gen) return;
    this.failures = 0;
    this.everConnected = true;
    this._storage('set', this.transport);
    this._clearTimer(this.t.stable);
    this.t.stable = this._timer(() => { this.attempt = 0; }, this.o.stableAfter);
    if (this.transport !== 'websocket') this._endQueries((channel) => this._noPresence(channel));
    this._setState('connected');
    this._alive(gen, heartbeat);
  }

  /** Zombie detection: nothing at all from the server for two heartbeats means the link is dead. */
  _alive(gen, heartbeat) {
    const t = this.t;
    if (gen !== this.gen || !t) return;
    if (heartbeat) t.heartbeat = heartbeat;
    if (!t.heartbeat) return;
    this._clearTimer(t.zombie);
    t.zombie = this._timer(() => this._down(gen, { code: 4002, zombie: true }), 2 * t.heartbeat * 1000);
  }

  /** Stops the live transport without deciding what comes next. */
  _drop(code) {
    const t = this.t;
    this.t = null;
    this.gen++;
    for (const id of this.timers) clearTimeout(id);
    this.timers.clear();
    if (t) {
      try { t.close(code); } catch { /* already gone */ }
    }
    for (const [ref, p] of this.pending) {
      clearTimeout(p.timer);
      const name = CODE_NAMES[code];
      const own = name && t && t.lastPublish === ref;
      p.reject(new RealtimeError(own ? name : 'disconnected', own
        ? 'the server refused this frame (' + code + '); it is not sent again'
        : 'the connection dropped before the server answered; not retried (it may or may not be published)'));
    }
    this.pending.clear();
  }

  /** The transport ended (or never started): what happens next follows the close code. */
  _down(gen, info) {
    if (gen !== this.gen || this.closed) return;
    const code = info.code;
    const tokenUsed = this.lastToken;
    this._drop(code);
    if (stops(code)) {
      // Refused, disconnected or revoked by the app (docs/protocol.md §4.2, §7): retrying with the
      // same token would only be refused again, so nothing happens until token() gives another.
      const reason = info.reason || REFUSAL_NAMES[code] || 'refused';
      this.stopped = { token: tokenUsed };
      this.closeReason = { code, reason };
      this._setState('closed');
      this._endQueries(new RealtimeError(reason, 'the server closed the connection for good (' + code + ' ' + reason + ')',
        { closeCode: code }));
      this.emit('error', new RealtimeError(reason, 'the server closed the connection for good (' + code + ' '
        + reason + '); connect() once token() gives a different token', { closeCode: code }));
      return;
    }
    if (info.transportFailure) {
      this.failures++;
      if (this.failures >= this.o.fallbackAfter && this.o.transports.length > 1) {
        this.failures = 0;
        this.index = (this.index + 1) % this.o.transports.length;
        this.emit('fallback', this.o.transports[this.index]);
      }
    }
    let delay;
    if (code === 4001 && tokenUsed !== this.expiredToken) {
      delay = Math.floor(this.o.random() * this.o.backoffBase); // a new token is fetched right away
    } else if (code === 1012) {
      // The node restarts or drains: come back soon, spread by jitter. A draining node answers
      // 1012 again until it is gone; those answers must not grow the backoff, or the clients
      // would still be waiting long after its replacement is up.
      delay = Math.floor(this.o.random() * this.o.restartJitter);
    } else {
      delay = backoffDelay(this.attempt, this.o.backoffBase, this.o.backoffCap, this.o.random);
    }
    if (code === 4001) this.expiredToken = tokenUsed;
    if (code !== 1012) this.attempt++;
    this._setState(this.everConnected ? 'reconnecting' : 'connecting');
    this.emit('retry', { delay, code, attempt: this.attempt });
    if (!this.offline) this._timer(() => this._open(), delay);
  }

  _online(on) {
    if (this.closed) return;
    this.offline = !on;
    if (!on) {
      if (this.stopped) return;
      this._drop(1006);
      this._setState(this.everConnected ? 'reconnecting' : 'connecting');
    } else if (!this.stopped && this.state !== 'connected') {
      this._open();
    }
  }

  // ---- delivery ----

  _deliver(m) {
    if (this.muted.has(m.channel)) return;
    const sub = this.channels.get(m.channel);
    if (sub && m.id != null) {
      if (!sub.seen.add(m.id)) return; // already delivered: a replay overlapping what we had
      sub.since = m.id;
    }
    this.emit('message', { channel: m.channel, id: m.id ?? null, event: m.event || 'message', data: m.data });
  }

  _gap(channel, reason) {
    if (this.muted.has(channel)) return;
    this.emit('gap', { channel, reason: reason || 'server' });
  }

  /** SSE/poll without a cursor for channels whose position we knew: the messages between are gone. */
  _localGaps(covered) {
    for (const [channel, sub] of this.channels) {
      if (sub.since != null && !covered.has(channel)) {
        sub.since = null;
        this._gap(channel, 'transport');
      }
    }
  }

  // ---- WebSocket ----

  _ws(gen, tok) {
    const WS = this.o.WebSocket;
    const t = { kind: 'websocket', token: tok, close() {}, send() {}, subscribe() {}, unsubscribe() {} };
    if (typeof WS !== 'function') {
      queueMicrotask(() => this._down(gen, { code: 1006, transportFailure: true }));
      return t;
    }
    let ws;
    try {
      ws = new WS(this.base.ws + '/ws', tok ? ['rtgw.v1', 'rtgw.token.' + tok] : ['rtgw.v1']);
    } catch (e) {
      queueMicrotask(() => this._down(gen, { code: 1006, transportFailure: true }));
      return t;
    }
    let welcomed = false;
    t.asking = new Map(); // ref -> {type, channel}: subscribe/unsubscribe sent on this connection, not yet answered
    t.retries = new Map(); // channel -> {type, timer, attempt}: a command refused as temporary, sent again later
    t.send = (s) => { if (ws.readyState === 1) ws.send(s); };
    t.close = (code) => {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      try { ws.close(code >= 4000 && code < 5000 ? code : 1000); } catch { /* closing already */ }
    };
    const command = (type, channel, since) => {
      const ref = type[0] + ++this.ref;
      const r = t.retries.get(channel);
      if (r) this._clearTimer(r.timer); // a newer command for the channel replaces the retry
      t.asking.set(ref, { type, channel });
      t.send(JSON.stringify(since != null ? { type, channel, since, ref } : { type, channel, ref }));
    };
    t.subscribe = (channel) => command('subscribe', channel, this.since(channel));
    t.unsubscribe = (channel) => command('unsubscribe', channel);
    const failed = () => { // before welcome, with no word from the gateway: ask why (see _probe)
      if (t.probing) return;
      t.probing = true;
      this._clearTimer(t.welcome);
      t.close(1000);
      this._probe(gen, [...this.channels.keys()]);
    };
    t.welcome = this._timer(failed, this.o.connectTimeout);
    ws.onerror = () => {};
    ws.onclose = (e) => {
      if (!welcomed && !serverCode(e.code)) failed();
      else this._down(gen, { code: e.code || 1006, reason: e.reason });
    };
    ws.onmessage = (e) => {
      if (gen !== this.gen) return;
      let m;
      try { m = JSON.parse(e.data); } catch { return; }
      this._alive(gen);
      switch (m.type) {
        case 'welcome': {
          welcomed = true;
          this._clearTimer(t.welcome);
          this.muted.clear();
          const automatic = (t.automatic = new Set(m.channels || []));
          for (const ch of automatic) if (ch.startsWith('user:')) this.personal = ch;
          this._up(gen, m.heartbeat || this.o.heartbeat);
          for (const [channel, sub] of this.channels) {
            if (!automatic.has(channel)) t.subscribe(channel);
            else if (sub.since != null) { t.unsubscribe(channel); t.subscribe(channel); } // resume it too
          }
          // After the subscribes (the server answers a presence behind its channel's subscribe),
          // also those asked from a 'connected' handler meanwhile.
          t.ready = true;
          for (const [ref, q] of this.queries) { this._clearTimer(q.retry); this._ask(ref); }
          break;
        }
        case 'subscribed': {
          if (m.ref != null) t.asking.delete(m.ref);
          t.retries.delete(m.channel);
          const sub = this.channels.get(m.channel);
          if (sub && sub.since == null && m.position) sub.since = m.position;
          this.emit('subscribed', { channel: m.channel, recovered: !!m.recovered });
          break;
        }
        case 'unsubscribed':
          if (m.ref != null) t.asking.delete(m.ref);
          t.retries.delete(m.channel);
          if (m.reason === 'server' || m.reason === 'revoked') this._ended(m.channel, m.reason);
          break;
        case 'message': this._deliver(m); break;
        case 'gap': this._gap(m.channel); break;
        case 'ping': t.send('{"type":"pong"}'); break;
        case 'expiring': this.refresh().catch((err) => this.emit('error',
          new RealtimeError('token_failed', 'token() failed: ' + (err && err.message), { cause: err }))); break;
        case 'refreshed': this.emit('refreshed', { expiresAt: m.expiresAt }); break;
        case 'presence': this._answer(m.ref, Array.isArray(m.clients) ? m.clients : [], null); break;
        case 'ack': {
          const p = this.pending.get(m.ref);
          if (p) { this.pending.delete(m.ref); this._clearTimer(p.timer); p.resolve(m.id); }
          break;
        }
        case 'error': {
          // Matched to its command by ref, never by its text (docs/protocol.md §4).
          const err = new RealtimeError(m.code, m.message, { temporary: m.temporary === true });
          if (m.channel != null) err.channel = m.channel;
          const p = m.ref != null && this.pending.get(m.ref);
          if (p) { this.pending.delete(m.ref); this._clearTimer(p.timer); p.reject(err); break; }
          const q = m.ref != null && this.queries.get(m.ref);
          if (q) { this._presenceRefused(m.ref, q, err); break; }
          const c = m.ref != null && t.asking.get(m.ref);
          if (c) { t.asking.delete(m.ref); this._refused(t, c, err); break; }
          // The server's own subscribe of an automatic channel (the personal one) has no ref.
          if (m.ref == null && t.automatic?.has(m.channel) && err.temporary) {
            this._refused(t, { type: 'subscribe', channel: m.channel, auto: true }, err);
            break;
          }
          this.emit('error', err);
          break;
        }
        default: break;
      }
    };
    return t;
  }

  /**
   * The server refused a subscribe or unsubscribe. Temporary (broker down, rate limited): the same
   * command again, after a jittered, capped backoff per channel. Permanent: a subscribe ends its
   * subscription, and the app is told; a refused unsubscribe leaves nothing to undo.
   */
  _refused(t, c, err) {
    const wanted = () => c.auto || this.channels.has(c.channel) === (c.type === 'subscribe');
    if (!wanted()) return; // the app changed its mind meanwhile; that command answers for the channel
    if (err.temporary) {
      const prev = t.retries.get(c.channel);
      const attempt = prev && prev.type === c.type ? prev.attempt + 1 : 0;
      const delay = backoffDelay(attempt, this.o.backoffBase, this.o.backoffCap, this.o.random);
      const timer = this._timer(() => {
        if (this.t === t && wanted()) t[c.type](c.channel);
        const r = t.retries.get(c.channel);
        if (r) r.timer = null;
      }, delay);
      t.retries.set(c.channel, { type: c.type, timer, attempt });
      if (c.type === 'subscribe') this.emit('subretry', { channel: c.channel, delay, attempt: attempt + 1, error: err });
      return;
    }
    if (c.type === 'subscribe') {
      this.emit('error', err);
      this._ended(c.channel, 'error', err);
    }
  }

  /** A temporary refusal of presence (broker down) is asked again after a backoff; the rest reject. */
  _presenceRefused(ref, q, err) {
    if (!err.temporary) { this._answer(ref, null, err); return; }
    q.error = err; // what the app gets if the deadline passes meanwhile
    q.retry = this._timer(() => this._ask(ref),
      backoffDelay(q.attempt++, this.o.backoffBase, this.o.backoffCap, this.o.random));
  }

  /**
   * The server ended a channel (a permanent refusal, the server API, a revoked grant): it is not
   * resubscribed. On SSE and long-poll it stays in the stream, muted, as after unsubscribe().
   */
  _ended(channel, reason, error) {
    if (!this.channels.delete(channel)) return;
    if (this.transport !== 'websocket') this.muted.add(channel);
    this.emit('ended', error ? { channel, reason, error } : { channel, reason });
  }

  // ---- SSE and long-poll share the channel order and the cursor ----

  /** The stream's channel list: the known order (the cursor needs it as a prefix), new channels at the end. */
  _streamChannels() {
    if (!this.cursor) this.muted.clear(); // a fresh stream owes nothing to an old order
    const list = this.order.filter((c) => this.channels.has(c) || this.muted.has(c) || c === this.personal);
    for (const c of this.channels.keys()) if (!list.includes(c)) list.push(c);
    const stillPrefix = list.length >= this.order.length && this.order.every((c, i) => list[i] === c);
    if (!stillPrefix) this.cursor = null;
    return list;
  }

  _streamQuery(list, withCursor) {
    const q = list.map((c) => 'channel=' + encodeURIComponent(c));
    if (withCursor && this.cursor) q.push('cursor=' + encodeURIComponent(this.cursor));
    return q;
  }

  /** Channels in the list, then the personal one if the server adds it (learned order). */
  _learnOrder(list, channels) {
    this.order = channels && channels.length ? channels.slice() : list.slice();
    const guess = this.personal || this.personalHint;
    if (!channels && guess && !this.order.includes(guess)) this.order.push(guess); // poll: the server adds it last
    for (const c of this.order) if (c.startsWith('user:') && !list.includes(c)) this.personal = c;
  }

  _streamChange(t) {
    if (t.changing) return;
    t.changing = true;
    queueMicrotask(() => { if (this.t === t) t.restart(); });
  }

  // ---- SSE ----

  _sse(gen, tok) {
    const ES = this.o.EventSource;
    const t = { kind: 'sse', close() {}, send() {}, changing: false };
    if (typeof ES !== 'function') {
      queueMicrotask(() => this._down(gen, { code: 1006, transportFailure: true }));
      return t;
    }
    let es = null;
    let connected = false;
    const names = new Set(['message', ...Object.keys(MEMBER_EVENTS), ...this.o.events]);
    const failed = (list) => {
      if (t.probing) return;
      t.probing = true;
      this._clearTimer(t.welcome);
      if (es) es.close(); // EventSource would keep retrying by itself meanwhile
      this._probe(gen, list);
    };
    const onEvent = (e) => {
      if (gen !== this.gen) return;
      this._alive(gen);
      let d;
      try { d = JSON.parse(e.data); } catch { return; }
      if (e.lastEventId) this.cursor = e.lastEventId;
      this._deliver({ channel: d.channel, id: d.id, event: e.type, data: d.data });
    };
    const start = (cursorOk) => {
      const list = this._streamChannels();
      const hadCursor = !!this.cursor && cursorOk;
      const q = this._streamQuery(list, cursorOk);
      if (this.o.queryToken && tok) q.push('token=' + encodeURIComponent(tok));
      const url = this.base.http + '/sse?' + q.join('&');
      let opened = false;
      try {
        es = new ES(url, { withCredentials: this.o.withCredentials });
      } catch {
        queueMicrotask(() => this._down(gen, { code: 1006, transportFailure: true }));
        return;
      }
      t.es = es;
      t.url = url;
      t.list = list;
      es.addEventListener('rtgw.connected', (e) => {
        if (gen !== this.gen) return;
        let d = {};
        try { d = JSON.parse(e.data); } catch { /* keep defaults */ }
        opened = true;
        if (e.lastEventId) this.cursor = e.lastEventId;
        this._learnOrder(list, d.channels);
        if (!hadCursor) this._localGaps(new Set());
        if (!connected) { connected = true; this._up(gen, d.heartbeat || this.o.heartbeat); } else this._alive(gen);
      });
      for (const n of names) es.addEventListener(n, onEvent);
      es.addEventListener('rtgw.gap', (e) => {
        if (gen !== this.gen) return;
        this._alive(gen);
        try { this._gap(JSON.parse(e.data).channel); } catch { /* ignore */ }
      });
      es.addEventListener('rtgw.ping', () => this._alive(gen));
      es.addEventListener('rtgw.expiring', () => {
        this._alive(gen);
        this._fetchToken().catch(() => {}); // with cookies, token() is where the app renews its cookie
      });
      es.addEventListener('rtgw.close', (e) => {
        if (gen !== this.gen) return;
        let d = {};
        try { d = JSON.parse(e.data) || d; } catch { /* ignore */ }
        const reason = d.reason || 'shutdown';
        // _down closes the EventSource, so the browser's own reconnect never happens: the client
        // decides, and with reconnect: false it stops.
        this._down(gen, { code: closeCode(reason, d.reconnect), reason });
      });
      es.addEventListener('rtgw.unsubscribed', (e) => {
        if (gen !== this.gen) return;
        this._alive(gen);
        try { const d = JSON.parse(e.data); this._ended(d.channel, d.reason || 'server'); } catch { /* ignore */ }
      });
      es.onerror = () => {
        if (gen !== this.gen) return;
        if (opened || connected) { this._down(gen, { code: 1006 }); return; }
        failed(list); // never opened: refused, blocked or the server is down. Ask which.
      };
    };
    t.close = () => { if (es) es.close(); };
    t.restart = () => { t.changing = false; if (es) es.close(); start(true); };
    t.subscribe = () => this._streamChange(t);
    t.unsubscribe = (channel) => { this.muted.add(channel); };
    t.addEvent = (name) => { names.add(name); if (es) es.addEventListener(name, onEvent); };
    t.welcome = this._timer(() => { if (!connected) failed(t.list); }, this.o.connectTimeout);
    start(true);
    return t;
  }

  /**
   * A transport failed before it connected, and a browser does not say why: a refused upgrade, a
   * blocked stream and a server that is down (restarting) all look alike. A cursor-less poll of the
   * same channels, which answers at once, tells them apart. No answer, or a proxy's 502-504: the
   * server is unreachable, so plain backoff and no fallback (a deploy must not push every browser
   * off WebSocket for the session). 2xx: the server works but this transport does not get through,
   * a transport failure (fallback after fallbackAfter). 401/403/400: a refusal (EventSource hides it).
   */
  async _probe(gen, list) {
    const f = this.o.fetch;
    if (typeof f !== 'function') { this._down(gen, { code: 1006, transportFailure: true }); return; }
    let code = 1006;
    let transportFailure = false;
    let reason; // the gateway's own word for a refusal (e.g. revoked), which becomes closeReason
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = this._timer(() => ctrl && ctrl.abort(), this.o.connectTimeout);
    try {
      const res = await f(this.base.http + '/poll?' + this._streamQuery(list, false).join('&') + '&timeout=1',
        { credentials: this.o.withCredentials ? 'include' : 'same-origin', headers: this._auth(this.lastToken),
          signal: ctrl && ctrl.signal });
      const body = await res.json().catch(() => ({}));
      if (typeof body.error === 'string') reason = body.error;
      if (res.ok) transportFailure = true;
      else if (res.status >= 502 && res.status <= 504) code = 1006; // a proxy with no upstream
      else if (typeof body.error !== 'string') code = 1011; // not the gateway's answer (a proxy's page)
      else if (res.status === 401) code = body.error === 'token_expired' ? 4001 : 4401;
      else if (res.status === 403) code = 4403;
      else if (res.status === 400) code = 4400;
      else code = 1011;
    } catch { /* no answer: the server is unreachable */ } finally {
      this._clearTimer(timer);
    }
    this._down(gen, { code, transportFailure, reason });
  }

  _auth(tok) { return tok ? { Authorization: 'Bearer ' + tok } : {}; }

  // ---- long-poll ----

  _poll(gen, tok) {
    const f = this.o.fetch;
    const t = { kind: 'poll', close() {}, send() {}, changing: false, token: tok };
    if (typeof f !== 'function') {
      queueMicrotask(() => this._down(gen, { code: 1006, transportFailure: true }));
      return t;
    }
    let connected = false;
    let ctrl = null;
    let first = true;
    let renewed = false;
    const loop = async () => {
      while (gen === this.gen && this.t === t) {
        const list = this._streamChannels();
        const sent = this.cursor;
        const hadCursor = !!sent;
        const url = this.base.http + '/poll?' + this._streamQuery(list, true).join('&') + '&timeout=' + this.o.pollTimeout;
        ctrl = typeof AbortController === 'function' ? new AbortController() : null;
        const watchdog = this._timer(() => ctrl && ctrl.abort(), (this.o.pollTimeout + 10) * 1000);
        let res;
        let body;
        try {
          res = await f(url, { headers: this._auth(t.token), signal: ctrl && ctrl.signal,
            credentials: this.o.withCredentials ? 'include' : 'same-origin' });
          body = await res.json().catch(() => ({}));
        } catch (e) {
          this._clearTimer(watchdog);
          if (gen !== this.gen) return;
          if (t.changing) { t.changing = false; continue; } // aborted for a new channel list
          this._down(gen, { code: 1006, transportFailure: !connected });
          return;
        } finally {
          this._clearTimer(watchdog);
        }
        if (gen !== this.gen) return;
        if (t.changing) { t.changing = false; continue; } // the list changed while it waited: ask again
        if (typeof body.closed === 'string') { // the server API ended this client (docs/protocol.md §7)
          this._down(gen, { code: closeCode(body.closed, body.reconnect), reason: body.closed });
          return;
        }
        if (res.status === 401 && body.error === 'token_expired' && !renewed && this.o.token) {
          renewed = true; // one silent renewal: a poll has no 'expiring' notice
          try { const next = await this._fetchToken(); if (next !== t.token) { t.token = next; continue; } } catch { /* fall through */ }
        }
        if (!res.ok) {
          // Only the gateway's own refusals ({error}) stop the client; a proxy's error page is retried.
          const code = typeof body.error !== 'string' ? 1011
            : res.status === 401 ? (body.error === 'token_expired' ? 4001 : 4401)
              : res.status === 403 ? 4403 : res.status === 400 ? 4400 : 1011;
          this._down(gen, { code, reason: body.error });
          return;
        }
        renewed = false;
        if (first) {
          first = false;
          this._learnOrder(list, null);
          if (!hadCursor) this._localGaps(new Set());
        }
        if (body.cursor) this.cursor = body.cursor;
        if (!connected) { connected = true; this._up(gen, 0); }
        for (const item of body.messages || []) {
          if (item.type === 'gap') this._gap(item.channel);
          else if (item.type === 'unsubscribed') this._ended(item.channel, item.reason || 'server');
          else {
            if (!list.includes(item.channel) && item.channel.startsWith('user:')) this.personal = item.channel;
            this._deliver(item);
          }
          if (gen !== this.gen) return;
        }
        // A server unsubscribe shows as a channel whose position the answer no longer holds.
        const before = cursorSlots(sent);
        const after = before && cursorSlots(body.cursor);
        if (after) list.forEach((c, i) => { if (before[i] && !after[i]) this._ended(c, 'server'); });
      }
    };
    t.close = () => { if (ctrl) ctrl.abort(); };
    t.restart = () => { if (ctrl) ctrl.abort(); };
    t.subscribe = () => { t.changing = true; if (ctrl) ctrl.abort(); };
    t.unsubscribe = (channel) => { this.muted.add(channel); };
    queueMicrotask(loop);
    return t;
  }
}

// ---------------------------------------------------------------------------------------------
// The tab <-> shared connection protocol. A "link" is anything with postMessage and a message
// handler: a SharedWorker's MessagePort, or a per-tab view of a BroadcastChannel.
//   tab -> hub: hello{opts} sub{ch,since} unsub{ch} pub{n,ch,ev,data} pres{n,ch} connect close token{n,token|error} bye
//   hub -> tab: state{state,transport,closed} msg{m} gap{ch,reason} subd{ch,recovered} err{code,message,channel}
//               end{ch,reason,code?,message?} subretry{ch,delay,attempt,code,message}
//               ack{n,id} (id: presence's clients for pres) nack{n,code,message,channel?,temporary?} token?{n} leader
// ---------------------------------------------------------------------------------------------

const SERIALIZABLE = ['url', 'transports', 'backoffBase', 'backoffCap', 'stableAfter', 'connectTimeout',
  'fallbackAfter', 'restartJitter', 'heartbeat', 'pollTimeout', 'publishTimeout', 'maxMessage', 'events',
  'withCredentials', 'queryToken', 'presenceTimeout'];

/** Runs one Core for many tabs. `scope` provides online/offline events where the host has them. */
export class Hub {
  constructor(coreOptions = {}) {
    this.extra = coreOptions;
    this.core = null;
    this.links = new Map(); // link -> {channels:Set, seen:number}
    this.asks = new Map();
    this.n = 0;
    this.tick = 0;
  }

  attach(link) {
    this.links.set(link, { channels: new Set(), seen: ++this.tick });
    link.onmessage = (e) => this._from(link, e.data);
    if (typeof link.start === 'function') link.start();
  }

  _post(link, msg) { try { link.postMessage(msg); } catch { this._detach(link); } }

  _detach(link) {
    const info = this.links.get(link);
    if (!info) return;
    this.links.delete(link);
    for (const ch of info.channels) this._release(ch);
    if (this.links.size === 0 && this.core) { this.core.close(); this.core = null; }
  }

  _release(ch) {
    for (const info of this.links.values()) if (info.channels.has(ch)) return;
    this.core?.unsubscribe(ch);
  }

  /** token() of the shared core: asks the tab heard from last, then the others. */
  async _token() {
    const links = [...this.links.entries()].sort((a, b) => b[1].seen - a[1].seen).map(([l]) => l);
    let lastError = new Error('no tab answered');
    for (const link of links) {
      try {
        return await new Promise((resolve, reject) => {
          const n = ++this.n;
          const timer = setTimeout(() => { this.asks.delete(n); reject(new Error('token timeout')); }, 10000);
          this.asks.set(n, { resolve, reject, timer });
          this._post(link, { t: 'token?', n });
        });
      } catch (e) { lastError = e; }
    }
    throw lastError;
  }

  _start(opts) {
    const hasToken = !!opts.hasToken;
    this.core = new Core({ ...this.extra, ...opts, token: hasToken ? () => this._token() : null });
    const all = (msg) => { for (const l of this.links.keys()) this._post(l, msg); };
    this.core.on('state', (state) => all({ t: 'state', state, transport: this.core.transport, closed: this.core.closeReason }));
    this.core.on('message', (m) => {
      let any = false;
      for (const [l, info] of this.links) if (info.channels.has(m.channel)) { any = true; this._post(l, { t: 'msg', m }); }
      if (!any) all({ t: 'msg', m }); // the personal channel and the like: every tab hears it
    });
    this.core.on('gap', (g) => this._toSubscribers(g.channel, { t: 'gap', ch: g.channel, reason: g.reason }));
    this.core.on('subscribed', (s) => this._toSubscribers(s.channel, { t: 'subd', ch: s.channel, recovered: s.recovered }));
    this.core.on('error', (e) => all({ t: 'err', code: e.code, message: e.message, channel: e.channel }));
    this.core.on('ended', (e) => {
      this._toSubscribers(e.channel, { t: 'end', ch: e.channel, reason: e.reason, code: e.error?.code, message: e.error?.message });
      for (const info of this.links.values()) info.channels.delete(e.channel);
    });
    this.core.on('subretry', (r) => this._toSubscribers(r.channel, { t: 'subretry', ch: r.channel, delay: r.delay,
      attempt: r.attempt, code: r.error.code, message: r.error.message }));
    this.core.connect();
  }

  _reply(link, n, promise) {
    promise.then((id) => this._post(link, { t: 'ack', n, id }),
      (e) => this._post(link, { t: 'nack', n, code: e.code, message: e.message, channel: e.channel, temporary: e.temporary }));
  }

  _toSubscribers(ch, msg) {
    for (const [l, info] of this.links) if (info.channels.has(ch)) this._post(l, msg);
  }

  _from(link, d) {
    const info = this.links.get(link);
    if (!info || !d) return;
    info.seen = ++this.tick;
    switch (d.t) {
      case 'hello':
        if (!this.core) this._start(d.opts || {});
        this._post(link, { t: 'state', state: this.core.state, transport: this.core.transport, closed: this.core.closeReason });
        break;
      case 'sub':
        info.channels.add(d.ch);
        if (this.core && !this.core.channels.has(d.ch)) this.core.subscribe(d.ch, d.since);
        break;
      case 'unsub':
        info.channels.delete(d.ch);
        this._release(d.ch);
        break;
      case 'pub':
        if (!this.core) { this._post(link, { t: 'nack', n: d.n, code: 'disconnected', message: 'not connected' }); break; }
        this._reply(link, d.n, this.core.publish(d.ch, d.ev, d.data));
        break;
      case 'pres':
        if (!this.core) { this._post(link, { t: 'nack', n: d.n, code: 'disconnected', message: 'not connected' }); break; }
        this._reply(link, d.n, this.core.presence(d.ch));
        break;
      case 'token': {
        const a = this.asks.get(d.n);
        if (!a) break;
        this.asks.delete(d.n);
        clearTimeout(a.timer);
        if (d.error) a.reject(new Error(d.error)); else a.resolve(d.token);
        break;
      }
      case 'connect': this.core?.connect(); break;
      case 'event': this.core?.addEvent(d.name); break;
      case 'refresh': this.core?.refresh().catch(() => {}); break;
      case 'bye': this._detach(link); break;
      default: break;
    }
  }
}

/** A Core living elsewhere (a SharedWorker or the leader tab), driven over a link. */
class RemoteCore extends Emitter {
  constructor(options, link) {
    super();
    this.options = options;
    this.state = 'connecting';
    this.transport = null;
    this.closeReason = null;
    this.channels = new Map(); // channel -> {since, seen}: kept here too, so a new leader resumes exactly
    this.pending = new Map();
    this.n = 0;
    this.link = link;
    link.onmessage = (e) => this._from(e.data);
    if (typeof link.start === 'function') link.start();
  }

  _post(msg) { this.link.postMessage(msg); }

  _hello() {
    const opts = { hasToken: !!this.options.token };
    for (const k of SERIALIZABLE) if (this.options[k] !== undefined) opts[k] = this.options[k];
    if (opts.url === undefined && globalThis.location) opts.url = globalThis.location.origin;
    this._post({ t: 'hello', opts });
    for (const [ch, s] of this.channels) this._post({ t: 'sub', ch, since: s.since });
  }

  connect() { this._hello(); this._post({ t: 'connect' }); }
  close() { this._post({ t: 'bye' }); this.state = 'disconnected'; this.emit('state', 'disconnected'); }
  refresh() { this._post({ t: 'refresh' }); return Promise.resolve(); }
  since(ch) { return this.channels.get(ch)?.since ?? null; }

  subscribe(ch, since) {
    if (this.channels.has(ch)) return;
    this.channels.set(ch, { since: since ?? null, seen: new Seen() });
    this._post({ t: 'sub', ch, since: since ?? null });
  }

  unsubscribe(ch) {
    if (this.channels.delete(ch)) this._post({ t: 'unsub', ch });
  }

  addEvent(name) { this._post({ t: 'event', name }); }

  publish(ch, ev, data) {
    return this._request({ t: 'pub', ch, ev, data }, this.options.publishTimeout ?? 10000, 'publish');
  }

  /** The shared core has its own presenceTimeout; this one only covers a hub that went away. */
  presence(ch) {
    return this._request({ t: 'pres', ch }, (this.options.presenceTimeout ?? 15000) + 5000, 'presence');
  }

  _request(msg, ms, what) {
    const n = ++this.n;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(n);
        reject(new RealtimeError('timeout', 'no answer to ' + what));
      }, ms);
      this.pending.set(n, { resolve: (id) => { clearTimeout(timer); resolve(id); },
        reject: (e) => { clearTimeout(timer); reject(e); } });
      this._post({ ...msg, n });
    });
  }

  async _from(d) {
    if (!d) return;
    switch (d.t) {
      case 'state':
        this.transport = d.transport;
        this.closeReason = d.closed || null;
        if (d.state !== this.state) { this.state = d.state; this.emit('state', d.state); }
        break;
      case 'msg': {
        const s = this.channels.get(d.m.channel);
        if (s && d.m.id != null) { if (!s.seen.add(d.m.id)) return; s.since = d.m.id; }
        this.emit('message', d.m);
        break;
      }
      case 'gap': this.emit('gap', { channel: d.ch, reason: d.reason }); break;
      case 'subd': this.emit('subscribed', { channel: d.ch, recovered: d.recovered }); break;
      case 'err': this.emit('error', new RealtimeError(d.code, d.message, d.channel ? { channel: d.channel } : undefined)); break;
      case 'end':
        if (!this.channels.delete(d.ch)) break;
        this.emit('ended', d.code ? { channel: d.ch, reason: d.reason, error: new RealtimeError(d.code, d.message,
          { channel: d.ch, temporary: false }) } : { channel: d.ch, reason: d.reason });
        break;
      case 'subretry': this.emit('subretry', { channel: d.ch, delay: d.delay, attempt: d.attempt,
        error: new RealtimeError(d.code, d.message, { channel: d.ch, temporary: true }) }); break;
      case 'ack': case 'nack': {
        const p = this.pending.get(d.n);
        if (!p) break;
        this.pending.delete(d.n);
        if (d.t === 'ack') p.resolve(d.id);
        else p.reject(new RealtimeError(d.code, d.message, d.channel == null ? undefined : { channel: d.channel, temporary: d.temporary }));
        break;
      }
      case 'token?':
        try { this._post({ t: 'token', n: d.n, token: await this.options.token() }); }
        catch (e) { this._post({ t: 'token', n: d.n, error: String(e && e.message) }); }
        break;
      case 'leader': this._hello(); break; // a new leader tab took over: hand it our channels and ids
      default: break;
    }
  }
}

/**
 * BroadcastChannel transport of the hub protocol: one virtual link per tab, addressed by tab id.
 * A channel never hears its own posts, so the leader's own tab reaches its hub directly.
 */
function broadcastLinks(name, tabId) {
  const bc = new BroadcastChannel(name);
  const peers = new Map();
  let hub = null;
  const toTab = (to, m) => (to === tabId ? queueMicrotask(() => tab.onmessage?.({ data: m }))
    : bc.postMessage({ to, from: 'leader', m }));
  const peerOf = (from) => {
    let p = peers.get(from);
    if (!p) {
      p = { onmessage: null, postMessage: (m) => toTab(from, m) };
      peers.set(from, p);
      hub.attach(p);
    }
    return p;
  };
  const toHub = (from, m) => queueMicrotask(() => peerOf(from).onmessage?.({ data: m }));
  const tab = {
    onmessage: null,
    postMessage(m) { if (hub) toHub(tabId, m); else bc.postMessage({ to: 'leader', from: tabId, m }); },
  };
  bc.onmessage = (e) => {
    const { to, from, m } = e.data || {};
    if (to === tabId || (to === '*' && from !== tabId)) tab.onmessage?.({ data: m });
    else if (to === 'leader' && hub) toHub(from, m);
  };
  return {
    tab,
    lead(h) { hub = h; bc.postMessage({ to: '*', from: tabId, m: { t: 'leader' } }); },
  };
}

function sharedCore(options) {
  const name = 'rtgw ' + bases(options.url).http;
  const SW = options.SharedWorker === undefined ? globalThis.SharedWorker : options.SharedWorker;
  if (typeof SW === 'function') {
    try {
      const worker = new SW(options.workerUrl || import.meta.url, { type: 'module', name });
      const core = new RemoteCore(options, worker.port);
      globalThis.addEventListener?.('pagehide', () => core.close());
      return core;
    } catch { /* cross-origin module or blocked: try the next way */ }
  }
  const locks = globalThis.navigator?.locks;
  if (typeof globalThis.BroadcastChannel === 'function' && locks) {
    const tabId = Math.random().toString(36).slice(2);
    const net = broadcastLinks(name, tabId);
    const core = new RemoteCore(options, net.tab);
    // Whoever holds the lock runs the connection; the lock passes on when that tab goes away.
    locks.request(name, () => new Promise(() => {
      const hub = new Hub({ WebSocket: options.WebSocket, EventSource: options.EventSource, fetch: options.fetch });
      net.lead(hub);
      core._hello(); // the leader's own tab talks to its hub over the channel like the others
      core._post({ t: 'connect' });
    }));
    globalThis.addEventListener?.('pagehide', () => core.close());
    return core;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The public API.
// ---------------------------------------------------------------------------------------------

export class Subscription extends Emitter {
  constructor(rt, channel) {
    super();
    this.channel = channel;
    this._rt = rt;
    this.active = true;
  }

  /** The last id delivered (or the position the subscription started at): store it to resume later. */
  get since() { return this._rt._core.since(this.channel); }

  /**
   * Resolves with the channel's presence set [{client, user, info, since}] (docs/protocol.md §9).
   * WebSocket only; see docs/client.md "Presence".
   */
  presence() {
    if (!this.active) {
      return Promise.reject(new RealtimeError('forbidden', 'this subscription has ended', { channel: this.channel, temporary: false }));
    }
    return this._rt._core.presence(this.channel);
  }

  unsubscribe() {
    if (!this.active) return;
    this.active = false;
    this._rt._drop(this);
  }
}

export class Realtime {
  constructor(options = {}) {
    this._e = new Emitter();
    this._subs = new Map(); // channel -> Set<Subscription>
    const shared = options.shared ? sharedCore(options) : null;
    this._core = shared || new Core(options);
    this.shared = !!shared;
    this._core.on('state', (s) => this._e.emit('state', s));
    this._core.on('message', (m) => {
      const member = MEMBER_EVENTS[m.event];
      if (member) {
        const d = m.data || {};
        const e = { channel: m.channel, client: d.client, user: d.user, info: d.info ?? null };
        for (const sub of this._subs.get(m.channel) || []) sub.emit(member, e);
        return;
      }
      for (const sub of this._subs.get(m.channel) || []) sub.emit('message', m);
      this._e.emit('message', m);
    });
    this._core.on('gap', (g) => {
      for (const sub of this._subs.get(g.channel) || []) sub.emit('gap', g);
      this._e.emit('gap', g);
    });
    this._core.on('subscribed', (s) => { for (const sub of this._subs.get(s.channel) || []) sub.emit('subscribed', s); });
    this._core.on('error', (e) => {
      if (e.channel) for (const sub of this._subs.get(e.channel) || []) sub.emit('error', e);
      this._e.emit('error', e);
    });
    this._core.on('ended', (e) => {
      const set = this._subs.get(e.channel);
      this._subs.delete(e.channel);
      for (const sub of set || []) { sub.active = false; sub.emit('end', e); }
    });
    this._core.on('subretry', (r) => { for (const sub of this._subs.get(r.channel) || []) sub.emit('retry', r); });
    this._core.on('fallback', (kind) => this._e.emit('fallback', kind));
    this._core.on('retry', (r) => this._e.emit('retry', r));
    this._core.on('refreshed', (r) => this._e.emit('refreshed', r));
    if (options.autoConnect !== false) this._core.connect();
  }

  get state() { return this._core.state; }
  get transport() { return this._core.transport; }
  /** Why the server closed for good ({code, reason}, state 'closed'); null otherwise. */
  get closeReason() { return this._core.closeReason; }

  /**
   * state | message | gap | error | fallback | retry | refreshed. Returns a function that removes
   * the handler. A 'state' handler is called at once with the current state (a banner needs it).
   */
  on(type, fn) {
    const off = this._e.on(type, fn);
    if (type === 'state') fn(this.state);
    return off;
  }
  off(type, fn) { this._e.off(type, fn); }

  subscribe(channel, onMessage, opts = {}) {
    if (!CHANNEL.test(channel)) throw new TypeError('rtgw: bad channel name ' + JSON.stringify(channel));
    const sub = new Subscription(this, channel);
    if (onMessage) sub.on('message', onMessage);
    if (!this._subs.has(channel)) this._subs.set(channel, new Set());
    this._subs.get(channel).add(sub);
    for (const ev of opts.events || []) this._core.addEvent(ev);
    this._core.subscribe(channel, opts.since);
    return sub;
  }

  _drop(sub) {
    const set = this._subs.get(sub.channel);
    if (!set) return;
    set.delete(sub);
    if (set.size === 0) { this._subs.delete(sub.channel); this._core.unsubscribe(sub.channel); }
  }

  /** Resolves with the message id. WebSocket only; rejects with a RealtimeError (code) otherwise. */
  publish(channel, event, data) { return this._core.publish(channel, event, data); }

  /** Connects again after close() or a refusal (a refusal needs token() to give a new token). */
  connect() { return this._core.connect(); }
  reconnect() { return this._core.connect(); }

  /** Calls token() now and, on WebSocket, extends the connection with the new token. */
  refreshToken() { return this._core.refresh(); }

  close() { this._core.close(); }
}

// Inside a SharedWorker this module serves the tabs of its origin.
if (typeof globalThis.SharedWorkerGlobalScope === 'function' && globalThis instanceof globalThis.SharedWorkerGlobalScope) {
  const hub = new Hub();
  globalThis.onconnect = (e) => hub.attach(e.ports[0]);
}

export default Realtime;
