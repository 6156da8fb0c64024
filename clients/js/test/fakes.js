// Fake WebSocket, EventSource and fetch for the client's tests: each records what the client did
// and lets the test play the server. Not a test file itself (it has no tests).
import assert from 'node:assert/strict';
import { setImmediate as immediate } from 'node:timers/promises';
import { Realtime } from '../rtgw.js';

/** Lets promises and queued microtasks run (timers are mocked; setImmediate is not). */
export async function flush(rounds = 3) {
  for (let i = 0; i < rounds; i++) await immediate();
}

export function fakes() {
  const sockets = [];
  const streams = [];
  const polls = [];

  class FakeWebSocket {
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.sent = [];
      this.readyState = 0;
      this.closedWith = null;
      sockets.push(this);
    }
    send(s) { this.sent.push(JSON.parse(s)); }
    close(code = 1000) { this.readyState = 3; this.closedWith = code; }
    // the server's side
    open() { this.readyState = 1; this.onopen?.({}); }
    recv(obj) { this.onmessage?.({ data: JSON.stringify(obj) }); }
    welcome(extra = {}) {
      this.open();
      this.recv({ type: 'welcome', client: 'c1', user: 'alice', tenant: 'acme', expiresAt: null,
        channels: ['user:alice'], heartbeat: 25, ...extra });
    }
    drop(code = 1006, reason = '') { this.readyState = 3; this.onclose?.({ code, reason }); }
    frames(type) { return this.sent.filter((f) => f.type === type); }
    /** The frames of a type without their ref (refs are the client's own; tests match replies with them). */
    commands(type) {
      return this.frames(type).map(({ ref, ...rest }) => { assert.equal(typeof ref, 'string', 'every command carries a ref'); return rest; });
    }
  }

  class FakeEventSource {
    constructor(url, init) {
      this.url = url;
      this.init = init;
      this.readyState = 0;
      this.listeners = new Map();
      this.closed = false;
      streams.push(this);
    }
    addEventListener(type, fn) {
      if (!this.listeners.has(type)) this.listeners.set(type, []);
      this.listeners.get(type).push(fn);
    }
    close() { this.readyState = 2; this.closed = true; }
    get query() { return new URL(this.url).searchParams; }
    // the server's side
    emit(type, data, lastEventId = '') {
      this.readyState = 1;
      for (const fn of this.listeners.get(type) || []) fn({ type, data: JSON.stringify(data), lastEventId });
    }
    connected(channels, cursor = 'cur0', heartbeat = 25) {
      this.emit('rtgw.connected', { client: 's1', channels, recovered: {}, heartbeat }, cursor);
    }
    fail(readyState) { this.readyState = readyState; this.onerror?.({}); }
  }

  /** fetch: every call waits until the test answers it (poll.reply / poll.fail). */
  const fetch = (url, init = {}) => new Promise((resolve, reject) => {
    const call = {
      url, init,
      get query() { return new URL(url).searchParams; },
      reply(status, body) {
        resolve({ ok: status >= 200 && status < 300, status, json: async () => body });
      },
      fail(err = new TypeError('network')) { reject(err); },
    };
    init.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    polls.push(call);
  });

  return { FakeWebSocket, FakeEventSource, fetch, sockets, streams, polls };
}

/** A Realtime wired to fakes; random() is 0.5 so every delay is half its window. */
export function client(f, options = {}) {
  const states = [];
  const rt = new Realtime({
    url: 'http://gw.test', token: async () => 'tok1', WebSocket: f.FakeWebSocket,
    EventSource: f.FakeEventSource, fetch: f.fetch, random: () => 0.5, storage: null, window: null,
    ...options,
  });
  rt.on('state', (s) => states.push(s));
  return { rt, states };
}

export class MemoryStorage {
  constructor() { this.map = new Map(); }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
}
