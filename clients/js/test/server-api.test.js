// What the server API (docs/protocol.md §7) does to a client's connections, on every transport:
// disconnect with reconnect (4010) comes back with backoff; disconnect without it and revoke (4410)
// stop in state 'closed' with the reason until token() gives another token; a server unsubscribe
// ends the Subscription and tells the app. Fake timers; fakes play the server.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Realtime, Hub } from '../rtgw.js';
import { fakes, client, flush, MemoryStorage } from './fakes.js';

let f;
let ports;
beforeEach(() => { mock.timers.enable({ apis: ['setTimeout'] }); f = fakes(); ports = []; });
afterEach(() => { mock.timers.reset(); for (const p of ports) p.close(); });

async function tick(ms) { mock.timers.tick(ms); await flush(); }

/** A client whose token() answers `holder.token`, recording errors and subscription ends. */
function recorded(options = {}) {
  const holder = { token: 'tok1' };
  const { rt, states } = client(f, { token: async () => holder.token, ...options });
  const errors = [];
  const retries = [];
  rt.on('error', (e) => errors.push({ code: e.code, closeCode: e.closeCode }));
  rt.on('retry', (r) => retries.push(r));
  return { rt, states, errors, retries, holder };
}

function onTransport(kind, options = {}) {
  const storage = new MemoryStorage();
  storage.setItem('rtgw.transport http://gw.test', kind);
  return recorded({ storage, ...options });
}

// ---- WebSocket ----

test('4010 (disconnected, reconnect): reconnects with the usual backoff and resumes with since', async () => {
  const { rt, states, retries } = recorded();
  rt.subscribe('room:1', () => {});
  await flush();
  const ws = f.sockets[0];
  ws.welcome();
  ws.recv({ type: 'message', channel: 'room:1', id: '4.e', event: 'message', data: 1 });
  ws.drop(4010, 'disconnected');
  assert.equal(rt.state, 'reconnecting');
  assert.equal(rt.closeReason, null);
  assert.deepEqual(retries.map((r) => [r.code, r.delay]), [[4010, 250]], 'first backoff step: random() * 0.5 s');
  await tick(250);
  assert.equal(f.sockets.length, 2);
  f.sockets[1].welcome();
  assert.deepEqual(f.sockets[1].commands('subscribe'), [{ type: 'subscribe', channel: 'room:1', since: '4.e' }]);
  assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);
});

for (const reason of ['disconnected', 'revoked']) {
  test(`4410 ${reason}: state closed with the reason; nothing until token() gives another token`, async () => {
    const win = new EventTarget();
    const { rt, states, errors, holder } = recorded({ window: win });
    const sub = rt.subscribe('room:1', () => {});
    await flush();
    f.sockets[0].welcome();
    f.sockets[0].drop(4410, reason);
    assert.equal(rt.state, 'closed');
    assert.deepEqual(rt.closeReason, { code: 4410, reason });
    assert.deepEqual(errors, [{ code: reason, closeCode: 4410 }]);
    assert.equal(sub.active, true, 'the subscriptions wait for the next connection');
    win.dispatchEvent(new Event('offline'));
    win.dispatchEvent(new Event('online'));
    await tick(120000);
    assert.equal(f.sockets.length, 1, 'no attempt by itself: not on a timer, not on online');

    await rt.connect();                   // token() still gives the token that was closed
    await rt.refreshToken();
    await flush();
    assert.equal(f.sockets.length, 1);
    assert.equal(rt.state, 'closed');
    assert.deepEqual(errors.slice(1).map((e) => e.code), ['token_unchanged', 'token_unchanged']);

    holder.token = 'tok2';                // the user logged in again
    await rt.connect();
    await flush();
    assert.equal(f.sockets.length, 2);
    assert.deepEqual(f.sockets[1].protocols, ['rtgw.v1', 'rtgw.token.tok2']);
    assert.equal(rt.closeReason, null);
    f.sockets[1].welcome();
    assert.deepEqual(f.sockets[1].commands('subscribe'), [{ type: 'subscribe', channel: 'room:1' }]);
    assert.deepEqual(states, ['connecting', 'connected', 'closed', 'reconnecting', 'connected']);
  });
}

test('a 44xx close without a reason text is named by its code', async () => {
  const { rt } = recorded();
  await flush();
  f.sockets[0].welcome();
  f.sockets[0].drop(4410, '');
  assert.deepEqual(rt.closeReason, { code: 4410, reason: 'disconnected' });
  rt.close();
  assert.equal(rt.state, 'disconnected');
});

test('WebSocket: unsubscribed {reason: server} ends the Subscription; a new subscribe asks again', async () => {
  const { rt } = recorded();
  const got = [];
  const sub = rt.subscribe('room:1', (m) => got.push(m.data));
  const ends = [];
  sub.on('end', (e) => ends.push(e));
  await flush();
  const ws = f.sockets[0];
  ws.welcome();
  ws.recv({ type: 'unsubscribed', channel: 'room:1', reason: 'server' });
  assert.deepEqual(ends, [{ channel: 'room:1', reason: 'server' }]);
  assert.equal(sub.active, false);
  assert.equal(ws.frames('subscribe').length, 1, 'not subscribed again by itself');
  rt.subscribe('room:1', (m) => got.push(m.data));
  assert.equal(ws.frames('subscribe').length, 2, 'the app may subscribe again (the server judges it again)');
  ws.recv({ type: 'message', channel: 'room:1', id: '1.e', event: 'message', data: 'again' });
  assert.deepEqual(got, ['again']);
});

// ---- SSE ----

test('SSE: rtgw.unsubscribed ends the Subscription; the channel stays in the stream, muted', async () => {
  const { rt } = onTransport('sse');
  const got = [];
  const s1 = rt.subscribe('room:1', (m) => got.push(m.data));
  const ends = [];
  s1.on('end', (e) => ends.push(e));
  rt.subscribe('room:2', (m) => got.push(m.data));
  await flush();
  const es = f.streams[0];
  es.connected(['room:1', 'room:2', 'user:alice'], 'c1');
  es.emit('rtgw.unsubscribed', { channel: 'room:1', reason: 'server' });
  assert.deepEqual(ends, [{ channel: 'room:1', reason: 'server' }]);
  assert.equal(s1.active, false);
  es.emit('message', { channel: 'room:1', id: '1.e', data: 'not any more' }, 'c2');
  es.emit('message', { channel: 'room:2', id: '1.e', data: 'kept' }, 'c3');
  assert.deepEqual(got, ['kept']);
  assert.equal(es.closed, false, 'the stream goes on');
  rt.subscribe('room:3', () => {});
  await flush();
  assert.deepEqual([...f.streams[1].query.getAll('channel')], ['room:1', 'room:2', 'user:alice', 'room:3'],
    'still listed, so the cursor stays valid');
  assert.equal(f.streams[1].query.get('cursor'), 'c3');
});

test('SSE: rtgw.close {disconnected, reconnect: false} closes the EventSource and stops', async () => {
  const { rt, errors, holder } = onTransport('sse');
  await flush();
  const es = f.streams[0];
  es.connected(['user:alice'], 'c1');
  es.emit('rtgw.close', { reason: 'disconnected', reconnect: false });
  assert.equal(es.closed, true, 'the browser must not reconnect it by itself');
  assert.equal(rt.state, 'closed');
  assert.deepEqual(rt.closeReason, { code: 4410, reason: 'disconnected' });
  assert.deepEqual(errors, [{ code: 'disconnected', closeCode: 4410 }]);
  await tick(120000);
  assert.equal(f.streams.length, 1);
  holder.token = 'tok2';
  await rt.connect();
  await flush();
  assert.equal(f.streams.length, 2);
  assert.equal(f.streams[1].query.get('cursor'), 'c1', 'resumes where it stopped');
});

test('SSE: rtgw.close {revoked, reconnect: false} stops with reason revoked', async () => {
  const { rt } = onTransport('sse');
  await flush();
  f.streams[0].connected(['user:alice'], 'c1');
  f.streams[0].emit('rtgw.close', { reason: 'revoked', reconnect: false });
  assert.deepEqual([rt.state, rt.closeReason], ['closed', { code: 4410, reason: 'revoked' }]);
});

test('SSE: rtgw.close {disconnected, reconnect: true} reconnects with backoff and the cursor', async () => {
  const { rt, retries } = onTransport('sse');
  await flush();
  const es = f.streams[0];
  es.connected(['user:alice'], 'c1');
  es.emit('rtgw.close', { reason: 'disconnected', reconnect: true });
  assert.equal(es.closed, true);
  assert.equal(rt.state, 'reconnecting');
  assert.deepEqual(retries.map((r) => [r.code, r.delay]), [[4010, 250]]);
  await tick(250);
  assert.equal(f.streams.length, 2);
  assert.equal(f.streams[1].query.get('cursor'), 'c1');
});

// ---- long-poll ----

test('poll: {closed: disconnected, reconnect: false} stops; {closed: revoked} too', async () => {
  for (const closed of ['disconnected', 'revoked']) {
    const { rt } = onTransport('poll');
    await flush();
    f.polls.at(-1).reply(200, { messages: [], cursor: 'c0' });
    await flush();
    const n = f.polls.length;
    f.polls.at(-1).reply(200, { closed, reconnect: false });
    await flush();
    assert.equal(rt.state, 'closed');
    assert.deepEqual(rt.closeReason, { code: 4410, reason: closed });
    await tick(120000);
    assert.equal(f.polls.length, n, 'no poll after it');
    rt.close();
  }
});

test('poll: {closed: disconnected, reconnect: true} polls again after a backoff with the same cursor', async () => {
  const { rt, retries } = onTransport('poll');
  await flush();
  f.polls[0].reply(200, { messages: [], cursor: 'c0' });
  await flush();
  f.polls[1].reply(200, { closed: 'disconnected', reconnect: true });
  await flush();
  assert.equal(rt.state, 'reconnecting');
  assert.deepEqual(retries.map((r) => r.code), [4010]);
  assert.equal(f.polls.length, 2);
  await tick(retries[0].delay);
  assert.equal(f.polls[2].query.get('cursor'), 'c0');
});

test('poll: a channel whose position the answer\'s cursor no longer holds was unsubscribed by the server', async () => {
  const { rt } = onTransport('poll');
  const got = [];
  const ends = [];
  const s1 = rt.subscribe('room:1', (m) => got.push(m.data));
  const s2 = rt.subscribe('room:2', (m) => got.push(m.data));
  s1.on('end', (e) => ends.push(e));
  s2.on('end', (e) => ends.push(e));
  await flush();
  f.polls[0].reply(200, { messages: [], cursor: '1abc123_3.e_7_' }); // the personal channel has no position yet
  await flush();
  assert.equal(f.polls[1].query.get('cursor'), '1abc123_3.e_7_');
  f.polls[1].reply(200, { messages: [{ type: 'message', channel: 'room:1', id: '4.e', event: 'message', data: 'last' }],
    cursor: '1xyz789_4.e__2' });
  await flush();
  assert.deepEqual(got, ['last'], 'what came before the unsubscribe is delivered');
  assert.deepEqual(ends, [{ channel: 'room:2', reason: 'server' }]);
  assert.equal(s2.active, false);
  assert.equal(s1.active, true, 'a channel that gained a position (the personal one) is no sign');
  const next = f.polls[2];
  assert.deepEqual([...next.query.getAll('channel')], ['room:1', 'room:2'], 'kept in the list: the cursor needs it');
  assert.equal(next.query.get('cursor'), '1xyz789_4.e__2');
  next.reply(200, { messages: [{ type: 'message', channel: 'room:2', id: '9.e', event: 'message', data: 'not any more' }],
    cursor: '1xyz780_4.e_9_2' });
  await flush();
  assert.deepEqual(got, ['last']);
  assert.equal(ends.length, 1);
});

test('poll: cursors of an unknown format are never read', async () => {
  const { rt } = onTransport('poll');
  const ends = [];
  rt.subscribe('room:1', () => {}).on('end', (e) => ends.push(e));
  await flush();
  f.polls[0].reply(200, { messages: [], cursor: '2abc123_3.e' });
  await flush();
  f.polls[1].reply(200, { messages: [], cursor: '2abc123_' });
  await flush();
  assert.deepEqual(ends, []);
});

// ---- shared tabs ----

test('shared tabs: every tab sees state closed with the reason', async () => {
  const hub = new Hub({ WebSocket: f.FakeWebSocket, fetch: f.fetch, random: () => 0.5, storage: null, window: null });
  class FakeSharedWorker {
    constructor() {
      const ch = new MessageChannel();
      ports.push(ch.port1, ch.port2);
      hub.attach(ch.port1);
      this.port = ch.port2;
    }
  }
  const tab = () => new Realtime({ url: 'http://gw.test', shared: true, SharedWorker: FakeSharedWorker, token: async () => 't' });
  const a = tab();
  const b = tab();
  await flush(6);
  f.sockets[0].welcome();
  await flush(6);
  f.sockets[0].drop(4410, 'revoked');
  await flush(6);
  for (const rt of [a, b]) {
    assert.equal(rt.state, 'closed');
    assert.deepEqual(rt.closeReason, { code: 4410, reason: 'revoked' });
  }
  a.close();
  b.close();
  await flush(6);
});
