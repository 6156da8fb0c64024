// SSE and long-poll, and the fallback WebSocket -> SSE -> long-poll with remembered choice.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { fakes, client, flush, MemoryStorage } from './fakes.js';

let f;
beforeEach(() => { mock.timers.enable({ apis: ['setTimeout'] }); f = fakes(); });
afterEach(() => mock.timers.reset());

async function tick(ms) { mock.timers.tick(ms); await flush(); }

/** Answers the reachability probe (a cursor-less /poll) that follows a failure before connecting. */
async function probe(status, body = { messages: [], cursor: 'p' }) {
  const call = f.polls.at(-1);
  assert.match(call.url, /\/poll\?.*timeout=1$/);
  call.reply(status, body);
  await flush();
}

test('refused upgrades fall back to SSE, then long-poll, with the same channels; the choice is remembered', async () => {
  const storage = new MemoryStorage();
  const { rt } = client(f, { storage });
  const fallbacks = [];
  rt.on('fallback', (k) => fallbacks.push(k));
  rt.subscribe('room:1', () => {});
  await flush();
  f.sockets[0].drop(1006);                  // refused upgrade: closed before any welcome
  await probe(200);                         // ... while plain HTTP gets through: the upgrade is the problem
  await tick(250);
  f.sockets[1].drop(1006);
  await probe(200);
  assert.deepEqual(fallbacks, ['sse']);
  await tick(500);
  assert.equal(f.streams.length, 1);
  assert.equal(f.streams[0].url, 'http://gw.test/sse?channel=room%3A1');
  assert.equal(f.streams[0].init.withCredentials, true);
  f.streams[0].fail(0);                     // network error before the stream opened
  assert.equal(f.streams[0].closed, true, 'the browser does not retry on its own meanwhile');
  await probe(200);
  await tick(1000);
  f.streams[1].fail(2);                     // a non-200 answer (a blocking proxy)
  await probe(200);
  assert.deepEqual(fallbacks, ['sse', 'poll']);
  await tick(2000);
  assert.equal(f.polls.length, 5);
  const first = f.polls[4];
  assert.equal(first.url, 'http://gw.test/poll?channel=room%3A1&timeout=25');
  assert.equal(first.init.headers.Authorization, 'Bearer tok1');
  first.reply(200, { messages: [], cursor: 'c1' });
  await flush();
  assert.equal(rt.state, 'connected');
  assert.equal(rt.transport, 'poll');
  assert.equal(storage.getItem('rtgw.transport http://gw.test'), 'poll');
  assert.equal(f.polls[5].query.get('cursor'), 'c1');
  await assert.rejects(rt.publish('room:1', 'chat', 1), { code: 'not_supported' });
  rt.close();
});

test('no welcome within connectTimeout counts as a failed upgrade (a proxy that swallows it)', async () => {
  const { rt } = client(f, { fallbackAfter: 1 });
  await flush();
  f.sockets[0].open();                      // upgraded, then silence
  await tick(4999);
  assert.equal(f.streams.length, 0);
  await tick(1);
  assert.equal(f.sockets[0].closedWith, 1000);
  await probe(200);
  await tick(250);
  assert.equal(f.streams.length, 1);
  assert.equal(rt.transport, 'sse');
});

test('a server that does not answer at all (down, restarting) is no reason to leave WebSocket', async () => {
  const { rt } = client(f, { fallbackAfter: 1 });
  const fallbacks = [];
  rt.on('fallback', (k) => fallbacks.push(k));
  rt.subscribe('room:1', () => {});
  await flush();
  f.sockets[0].drop(1006);
  f.polls.at(-1).fail();                    // the probe gets no answer either
  await flush();
  await tick(250);
  f.sockets[1].drop(1006);
  await probe(502, {});                     // a reverse proxy with no upstream
  await tick(1000);
  f.sockets[2].drop(1006);
  await tick(5000);                         // no answer within connectTimeout: the probe is aborted
  assert.deepEqual(fallbacks, []);
  assert.equal(rt.state, 'connecting');
  await tick(4000);
  assert.equal(f.sockets.length, 4, 'still WebSocket, with backoff');
  assert.equal(f.streams.length, 0);
  rt.close();
});

test('a server close code before welcome is not a transport failure: no fallback', async () => {
  const { rt } = client(f, { fallbackAfter: 1 });
  const fallbacks = [];
  rt.on('fallback', (k) => fallbacks.push(k));
  await flush();
  f.sockets[0].drop(4009, 'limit_reached');
  await tick(1000);
  assert.deepEqual(fallbacks, []);
  assert.equal(f.sockets.length, 2);
});

test('a remembered transport is used first', async () => {
  const storage = new MemoryStorage();
  storage.setItem('rtgw.transport http://gw.test', 'sse');
  const { rt } = client(f, { storage });
  await flush();
  assert.equal(f.sockets.length, 0);
  assert.equal(f.streams.length, 1);
  f.streams[0].connected(['user:alice']);
  assert.equal(rt.state, 'connected');
});

function sseClient(options = {}) {
  const storage = new MemoryStorage();
  storage.setItem('rtgw.transport http://gw.test', 'sse');
  return client(f, { storage, ...options });
}

test('SSE: messages with any listened event name, the cursor resumes after a drop, ping keeps it alive', async () => {
  const { rt, states } = sseClient({ events: ['chat'] });
  const got = [];
  rt.subscribe('room:1', (m) => got.push([m.event, m.id, m.data]));
  await flush();
  const a = f.streams[0];
  a.connected(['room:1', 'user:alice'], 'cur0', 10);
  a.emit('chat', { channel: 'room:1', id: '1.e', data: 'x' }, 'cur1');
  a.emit('message', { channel: 'room:1', id: '2.e', data: 'y' }, 'cur2');
  await tick(15000);
  a.emit('rtgw.ping', {}, 'cur2');
  await tick(15000);
  assert.equal(rt.state, 'connected');
  a.fail(0);                                // the stream broke
  assert.equal(a.closed, true, 'the client reconnects itself, not the browser');
  await tick(250);
  const b = f.streams[1];
  assert.deepEqual([...b.query.getAll('channel')], ['room:1', 'user:alice']);
  assert.equal(b.query.get('cursor'), 'cur2');
  b.connected(['room:1', 'user:alice'], 'cur2');
  b.emit('message', { channel: 'room:1', id: '2.e', data: 'y' }, 'cur2'); // duplicate
  b.emit('message', { channel: 'room:1', id: '3.e', data: 'z' }, 'cur3');
  assert.deepEqual(got, [['chat', '1.e', 'x'], ['message', '2.e', 'y'], ['message', '3.e', 'z']]);
  assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);
});

test('SSE zombie: no ping for two heartbeats reconnects', async () => {
  const { rt } = sseClient();
  await flush();
  f.streams[0].connected(['user:alice'], 'c', 5);
  await tick(10000);
  assert.equal(rt.state, 'reconnecting');
  assert.equal(f.streams[0].closed, true);
});

test('SSE: a new channel reopens the stream with the channel appended, so the cursor stays valid', async () => {
  const { rt, states } = sseClient();
  rt.subscribe('room:1', () => {});
  await flush();
  f.streams[0].connected(['room:1', 'user:alice'], 'cur5');
  rt.subscribe('room:2', () => {});
  await flush();
  assert.equal(f.streams.length, 2);
  assert.deepEqual([...f.streams[1].query.getAll('channel')], ['room:1', 'user:alice', 'room:2']);
  assert.equal(f.streams[1].query.get('cursor'), 'cur5');
  assert.deepEqual(states, ['connecting', 'connected']);
});

test('SSE: rtgw.close shutdown comes back soon; token_expired asks token() again', async () => {
  let n = 0;
  const { rt } = sseClient({ token: async () => 'tok' + (++n) });
  const delays = [];
  rt.on('retry', (r) => delays.push(r.delay));
  await flush();
  f.streams[0].connected(['user:alice'], 'c1');
  f.streams[0].emit('rtgw.close', { reason: 'shutdown' });
  assert.equal(delays[0], 1000);
  await tick(1000);
  f.streams[1].connected(['user:alice'], 'c1');
  const before = n;
  f.streams[1].emit('rtgw.close', { reason: 'token_expired' });
  await tick(delays[1]);
  assert.equal(n, before + 1);
  assert.equal(f.streams.length, 3);
});

test('SSE: a refused stream is probed with a poll; 401 unauthorized stops', async () => {
  const { rt } = sseClient();
  await flush();
  f.streams[0].fail(2);                     // EventSource gave up: a non-200 answer
  await flush();
  assert.equal(f.polls.length, 1);
  assert.match(f.polls[0].url, /\/poll\?/);
  f.polls[0].reply(401, { error: 'unauthorized' });
  await flush();
  assert.equal(rt.state, 'closed');
  assert.deepEqual(rt.closeReason, { code: 4401, reason: 'unauthorized' }, 'the gateway\'s word, read from the probe');
  await tick(60000);
  assert.equal(f.streams.length, 1);
});

test('SSE: expiring asks token() (where a page renews its cookie)', async () => {
  let calls = 0;
  const { rt } = sseClient({ token: async () => { calls++; return 't'; } });
  await flush();
  f.streams[0].connected(['user:alice']);
  f.streams[0].emit('rtgw.expiring', { in: 30 });
  await flush();
  assert.equal(calls, 2);
  assert.equal(rt.state, 'connected');
});

test('SSE after WebSocket: channels with a known id get a gap (their ids cannot become a cursor)', async () => {
  const { rt } = client(f, { fallbackAfter: 1 });
  const gaps = [];
  const sub = rt.subscribe('room:1', () => {});
  sub.on('gap', (g) => gaps.push(g.reason));
  await flush();
  f.sockets[0].welcome();
  f.sockets[0].recv({ type: 'message', channel: 'room:1', id: '7.e', event: 'm', data: 1 });
  f.sockets[0].drop(1006);
  await tick(250);
  f.sockets[1].drop(1006);                  // now the upgrade fails
  await probe(200);
  await tick(500);
  f.streams[0].connected(['room:1', 'user:alice']);
  assert.deepEqual(gaps, ['transport']);
});

function pollClient(options = {}) {
  const storage = new MemoryStorage();
  storage.setItem('rtgw.transport http://gw.test', 'poll');
  return client(f, { storage, ...options });
}

test('poll: messages and gaps in order, cursor only moves after handling, personal channel kept in order', async () => {
  const { rt } = pollClient({ token: async () => 'h.' + Buffer.from('{"sub":"alice"}').toString('base64url') + '.s' });
  const got = [];
  const gaps = [];
  const sub = rt.subscribe('room:1', (m) => got.push(m.id));
  sub.on('gap', () => gaps.push('room:1'));
  await flush();
  f.polls[0].reply(200, { messages: [], cursor: 'c0' });
  await flush();
  f.polls[1].reply(200, { messages: [
    { type: 'gap', channel: 'room:1' },
    { type: 'message', channel: 'room:1', id: '1.e', event: 'chat', data: 1 },
    { type: 'message', channel: 'room:1', id: '2.e', event: 'chat', data: 2 },
  ], cursor: 'c2' });
  await flush();
  assert.deepEqual(got, ['1.e', '2.e']);
  assert.deepEqual(gaps, ['room:1']);
  assert.equal(f.polls[2].query.get('cursor'), 'c2');
  rt.subscribe('room:2', () => {});          // aborts the waiting poll, asks again with room:2 appended
  await flush();
  assert.deepEqual([...f.polls[3].query.getAll('channel')], ['room:1', 'user:alice', 'room:2']);
  assert.equal(f.polls[3].query.get('cursor'), 'c2');
});

test('poll: 401 token_expired renews the token once without dropping; 403 stops', async () => {
  let n = 0;
  const { rt, states } = pollClient({ token: async () => 'tok' + (++n) });
  await flush();
  f.polls[0].reply(200, { messages: [], cursor: 'c0' });
  await flush();
  f.polls[1].reply(401, { error: 'token_expired' });
  await flush();
  assert.equal(f.polls[2].init.headers.Authorization, 'Bearer tok2');
  f.polls[2].reply(200, { messages: [], cursor: 'c0' });
  await flush();
  assert.deepEqual(states, ['connecting', 'connected']);
  f.polls[3].reply(403, { error: 'forbidden' });
  await flush();
  assert.equal(rt.state, 'closed');
});

test('a proxy\'s own 403 page (not the gateway\'s {error}) is retried, never taken as a refusal', async () => {
  const { rt } = client(f, { fallbackAfter: 1 });
  await flush();
  f.sockets[0].drop(1006);
  await probe(403, {});                     // a corporate proxy blocking /poll too: no JSON error body
  assert.equal(rt.state, 'connecting');
  await tick(250);
  assert.equal(f.sockets.length, 2, 'retried');
  rt.close();
  const p = pollClient();
  await flush();
  f.polls.at(-1).reply(403, {});
  await flush();
  assert.equal(p.rt.state, 'connecting');
  p.rt.close();
});

test('poll: a network error reconnects with backoff and the same cursor', async () => {
  const { rt } = pollClient();
  await flush();
  f.polls[0].reply(200, { messages: [], cursor: 'c0' });
  await flush();
  f.polls[1].fail();
  await flush();
  assert.equal(rt.state, 'reconnecting');
  await tick(250);
  assert.equal(f.polls[2].query.get('cursor'), 'c0');
});
