// Presence (docs/protocol.md §9): subscription.presence() over WebSocket, matched by ref, retried
// while temporary, asked again after reconnects, refused clearly on SSE/long-poll; rtgw.join /
// rtgw.leave as Subscription events on every transport, never as messages. Fake timers; fakes
// play the server.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Realtime, Hub } from '../rtgw.js';
import { fakes, client, flush, MemoryStorage } from './fakes.js';

let f;
let ports;
beforeEach(() => { mock.timers.enable({ apis: ['setTimeout'] }); f = fakes(); ports = []; });
afterEach(() => { mock.timers.reset(); for (const p of ports) p.close(); });

async function tick(ms) { mock.timers.tick(ms); await flush(); }

const ALICE = { client: 'c1', user: 'alice', info: { name: 'Alice' }, since: 1700000000 };
const BOB = { client: 'c2', user: 'bob', info: null, since: 1700000005 };

/** Settles to ['ok', value] or ['err', code, extra]: a test can look at a promise without awaiting it. */
function outcome(promise) {
  const o = { value: null };
  promise.then((v) => { o.value = ['ok', v]; }, (e) => { o.value = ['err', e.code, { channel: e.channel, temporary: e.temporary, message: e.message }]; });
  return o;
}

async function connected(options) {
  const { rt } = client(f, options);
  const sub = rt.subscribe('chat:1', () => {});
  await flush();
  const ws = f.sockets[0];
  ws.welcome();
  return { rt, sub, ws };
}

function onTransport(kind, options = {}) {
  const storage = new MemoryStorage();
  storage.setItem('rtgw.transport http://gw.test', kind);
  return client(f, { storage, ...options });
}

test('presence() sends {type: presence, channel, ref} and resolves with the clients of the reply with that ref', async () => {
  const { sub, ws } = await connected();
  const o = outcome(sub.presence());
  const asked = ws.frames('presence');
  assert.equal(asked.length, 1);
  assert.deepEqual(ws.commands('presence'), [{ type: 'presence', channel: 'chat:1' }]);
  ws.recv({ type: 'presence', ref: 'not-' + asked[0].ref, channel: 'chat:1', clients: [] });
  await flush();
  assert.equal(o.value, null, 'a reply with another ref is not ours');
  ws.recv({ type: 'presence', ref: asked[0].ref, channel: 'chat:1', clients: [ALICE, BOB] });
  await flush();
  assert.deepEqual(o.value, ['ok', [ALICE, BOB]]);
  const again = outcome(sub.presence());
  assert.notEqual(ws.frames('presence')[1].ref, asked[0].ref, 'every query has its own ref');
  ws.recv({ type: 'presence', ref: ws.frames('presence')[1].ref, channel: 'chat:1', clients: [BOB] });
  await flush();
  assert.deepEqual(again.value, ['ok', [BOB]]);
});

test('a permanent error rejects with the server\'s code; its text is not read', async () => {
  const { sub, ws } = await connected();
  const o = outcome(sub.presence());
  ws.recv({ type: 'error', ref: ws.frames('presence')[0].ref, channel: 'chat:1', code: 'bad_request',
    message: 'presence is off for namespace chat', temporary: false });
  await flush();
  assert.equal(o.value[0], 'err');
  assert.equal(o.value[1], 'bad_request');
  assert.equal(o.value[2].channel, 'chat:1');
  assert.equal(o.value[2].temporary, false);
  await tick(20000);
  assert.equal(ws.frames('presence').length, 1, 'not asked again');
});

test('a temporary error is asked again with jittered backoff, then answered', async () => {
  const { sub, ws } = await connected({ backoffBase: 1000, backoffCap: 3000 });
  const o = outcome(sub.presence());
  const ref = ws.frames('presence')[0].ref;
  for (const [i, delay] of [[1, 500], [2, 1000], [3, 1500]]) {
    ws.recv({ type: 'error', ref, channel: 'chat:1', code: 'unavailable', message: '', temporary: true });
    await tick(delay - 1);
    assert.equal(ws.frames('presence').length, i, 'not before the delay');
    await tick(1);
    assert.equal(ws.frames('presence').length, i + 1, 'asked again after it');
  }
  assert.equal(o.value, null);
  ws.recv({ type: 'presence', ref: ws.frames('presence').at(-1).ref, channel: 'chat:1', clients: [ALICE] });
  await flush();
  assert.deepEqual(o.value, ['ok', [ALICE]]);
});

test('no answer within presenceTimeout rejects: timeout, or the last temporary error', async () => {
  const { sub, ws } = await connected({ presenceTimeout: 4000, backoffBase: 10000 });
  const silent = outcome(sub.presence());
  const refused = outcome(sub.presence());
  ws.recv({ type: 'error', ref: ws.frames('presence')[1].ref, channel: 'chat:1', code: 'unavailable', message: '', temporary: true });
  await tick(3999);
  assert.equal(silent.value, null);
  await tick(1);
  assert.deepEqual(silent.value.slice(0, 2), ['err', 'timeout']);
  assert.deepEqual(refused.value.slice(0, 2), ['err', 'unavailable']);
  assert.equal(refused.value[2].temporary, true);
});

test('asked before the connection is up, it goes out after welcome, behind the subscribes; a drop asks again', async () => {
  const { rt } = client(f);
  const sub = rt.subscribe('chat:1', () => {});
  const early = outcome(sub.presence());
  // An app that asks as soon as it is connected: still behind the subscribe on the wire.
  let fromHandler = null;
  rt.on('state', (s) => { if (s === 'connected' && !fromHandler) fromHandler = outcome(sub.presence()); });
  await flush();
  const ws = f.sockets[0];
  ws.welcome();
  assert.deepEqual(ws.sent.map((x) => x.type), ['subscribe', 'presence', 'presence']);
  ws.drop(1006); // unanswered: a read is safe to ask again
  await tick(250);
  const ws2 = f.sockets[1];
  ws2.welcome();
  assert.deepEqual(ws2.sent.map((x) => x.type), ['subscribe', 'presence', 'presence']);
  for (const q of ws2.frames('presence')) ws2.recv({ type: 'presence', ref: q.ref, channel: 'chat:1', clients: [ALICE] });
  await flush();
  assert.deepEqual(early.value, ['ok', [ALICE]]);
  assert.deepEqual(fromHandler.value, ['ok', [ALICE]]);
});

test('without a subscription, after close() or a 44xx it rejects', async () => {
  const { rt, sub, ws } = await connected();
  const other = rt.subscribe('chat:2', () => {});
  other.unsubscribe();
  await assert.rejects(other.presence(), { code: 'forbidden', channel: 'chat:2' });
  const pending = outcome(sub.presence());
  ws.drop(4410, 'revoked');
  await flush();
  assert.deepEqual(pending.value.slice(0, 2), ['err', 'revoked']);
  await assert.rejects(sub.presence(), { code: 'disconnected' });
  rt.close();
  await assert.rejects(sub.presence(), { code: 'disconnected' });
  const { rt: rt2 } = client(f);
  const sub2 = rt2.subscribe('chat:1', () => {});
  const waiting = outcome(sub2.presence());
  rt2.close();
  await flush();
  assert.deepEqual(waiting.value.slice(0, 2), ['err', 'disconnected']);
});

for (const kind of ['sse', 'poll']) {
  test(`${kind}: presence() rejects not_supported, naming GET /api/presence`, async () => {
    const { rt } = onTransport(kind);
    const sub = rt.subscribe('chat:1', () => {});
    const queued = outcome(sub.presence()); // asked while connecting: settled once the transport is known
    await flush();
    if (kind === 'sse') f.streams[0].connected(['chat:1', 'user:alice']);
    else f.polls[0].reply(200, { messages: [], cursor: 'c0' });
    await flush();
    assert.equal(rt.transport, kind);
    assert.equal(queued.value[1], 'not_supported');
    assert.match(queued.value[2].message, /GET \/api\/presence/);
    await assert.rejects(sub.presence(), (e) => e.code === 'not_supported' && /WebSocket/.test(e.message));
    rt.close();
  });
}

/** Subscribes chat:1 recording everything its Subscription and rt emit. */
function recordEvents(rt) {
  const seen = [];
  const sub = rt.subscribe('chat:1', (m) => seen.push(['message', m.event, m.data]));
  sub.on('join', (e) => seen.push(['join', e]));
  sub.on('leave', (e) => seen.push(['leave', e]));
  rt.on('message', (m) => seen.push(['rt message', m.event]));
  return { sub, seen };
}

const JOIN = { client: 'c2', user: 'bob', info: { name: 'Bob' } };
const LEAVE = { client: 'c2', user: 'bob', info: null };
const EXPECTED = [
  ['join', { channel: 'chat:1', ...JOIN }],
  ['message', 'message', 'hi'], ['rt message', 'message'],
  ['leave', { channel: 'chat:1', ...LEAVE }],
];

test('WebSocket: rtgw.join / rtgw.leave are join / leave events of the Subscription, not messages', async () => {
  const { rt } = client(f);
  const { sub, seen } = recordEvents(rt);
  await flush();
  const ws = f.sockets[0];
  ws.welcome();
  ws.recv({ type: 'message', channel: 'chat:1', event: 'rtgw.join', data: JOIN });
  ws.recv({ type: 'message', channel: 'chat:1', id: '5.e', event: 'message', data: 'hi' });
  ws.recv({ type: 'message', channel: 'chat:1', event: 'rtgw.leave', data: LEAVE });
  assert.deepEqual(seen, EXPECTED);
  assert.equal(sub.since, '5.e', 'live-only messages move no position');
});

test('SSE: the client listens for rtgw.join / rtgw.leave without being told', async () => {
  const { rt } = onTransport('sse');
  const { seen } = recordEvents(rt);
  await flush();
  const es = f.streams[0];
  es.connected(['chat:1', 'user:alice'], 'cur0');
  assert.ok(es.listeners.has('rtgw.join') && es.listeners.has('rtgw.leave'));
  es.emit('rtgw.join', { channel: 'chat:1', data: JOIN }, 'cur0'); // no id: line, the browser repeats the last id
  es.emit('message', { channel: 'chat:1', id: '5.e', data: 'hi' }, 'cur1');
  es.emit('rtgw.leave', { channel: 'chat:1', data: LEAVE }, 'cur1');
  assert.deepEqual(seen, EXPECTED);
  rt.close();
});

test('long-poll: items with the events rtgw.join / rtgw.leave', async () => {
  const { rt } = onTransport('poll');
  const { seen } = recordEvents(rt);
  await flush();
  f.polls[0].reply(200, { messages: [], cursor: 'c0' });
  await flush();
  f.polls[1].reply(200, { cursor: 'c1', messages: [
    { type: 'message', channel: 'chat:1', event: 'rtgw.join', data: JOIN },
    { type: 'message', channel: 'chat:1', id: '5.e', event: 'message', data: 'hi' },
    { type: 'message', channel: 'chat:1', event: 'rtgw.leave', data: LEAVE },
  ] });
  await flush();
  assert.deepEqual(seen, EXPECTED);
  rt.close();
});

test('shared tabs: presence() through the hub, join to each tab\'s subscription', async () => {
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
  const joins = [];
  const sa = a.subscribe('chat:1', () => {});
  const sb = b.subscribe('chat:1', () => {});
  sa.on('join', (e) => joins.push(['a', e.user]));
  sb.on('join', (e) => joins.push(['b', e.user]));
  await flush(6);
  const ws = f.sockets[0];
  ws.welcome();
  await flush(6);
  const ok = outcome(sa.presence());
  const refused = outcome(sb.presence());
  await flush(6);
  const [qa, qb] = ws.frames('presence');
  ws.recv({ type: 'presence', ref: qa.ref, channel: 'chat:1', clients: [ALICE, BOB] });
  ws.recv({ type: 'error', ref: qb.ref, channel: 'chat:1', code: 'forbidden', message: '', temporary: false });
  ws.recv({ type: 'message', channel: 'chat:1', event: 'rtgw.join', data: JOIN });
  await flush(6);
  assert.deepEqual(ok.value, ['ok', [ALICE, BOB]]);
  assert.deepEqual(refused.value.slice(0, 2), ['err', 'forbidden']);
  assert.equal(refused.value[2].channel, 'chat:1');
  assert.deepEqual(joins, [['a', 'bob'], ['b', 'bob']]);
  a.close();
  b.close();
  await flush(6);
});
