// The WebSocket path of the client: state machine, backoff, close codes, resume, dedupe,
// zombie detection, token refresh, publish. Fake timers; a fake WebSocket plays the server.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../rtgw.js';
import { fakes, client, flush } from './fakes.js';

let f;
beforeEach(() => { mock.timers.enable({ apis: ['setTimeout'] }); f = fakes(); });
afterEach(() => mock.timers.reset());

async function tick(ms) { mock.timers.tick(ms); await flush(); }

test('state goes connecting -> connected -> reconnecting -> connected', async () => {
  const { rt, states } = client(f);
  await flush();
  assert.equal(f.sockets.length, 1);
  assert.equal(f.sockets[0].url, 'ws://gw.test/ws');
  assert.deepEqual(f.sockets[0].protocols, ['rtgw.v1', 'rtgw.token.tok1']);
  f.sockets[0].welcome();
  assert.equal(rt.state, 'connected');
  f.sockets[0].drop(1006);
  assert.equal(rt.state, 'reconnecting');
  await tick(30000);
  assert.equal(f.sockets.length, 2);
  f.sockets[1].welcome();
  assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);
  rt.close();
  assert.equal(rt.state, 'disconnected');
  assert.equal(f.sockets[1].closedWith, 1000);
});

test('backoff: full jitter over 0.5 s doubling to a 30 s cap', () => {
  assert.equal(backoffDelay(0, 500, 30000, () => 0.999), 499);
  assert.equal(backoffDelay(3, 500, 30000, () => 0.5), 2000);
  assert.equal(backoffDelay(10, 500, 30000, () => 0.999), 29970);
  assert.equal(backoffDelay(50, 500, 30000, () => 0.5), 15000);
  assert.equal(backoffDelay(7, 500, 30000, () => 0), 0);
});

test('backoff schedule grows per failure and resets after a stable connection', async () => {
  const { rt } = client(f);
  const delays = [];
  rt.on('retry', (r) => delays.push(r.delay));
  await flush();
  for (let i = 0; i < 8; i++) {
    f.sockets.at(-1).drop(1011);            // the server answered, so no fallback: just backoff
    await tick(delays.at(-1));
  }
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
  assert.equal(f.sockets.length, 9);
  f.sockets.at(-1).welcome();
  await tick(5000);                          // not yet stable
  f.sockets.at(-1).drop(1011);
  assert.equal(delays.at(-1), 15000);
  await tick(15000);
  f.sockets.at(-1).welcome();
  await tick(10000);                         // stable: the schedule starts over
  f.sockets.at(-1).drop(1011);
  assert.equal(delays.at(-1), 250);
});

test('4401 stops; connect() with the same token stays stopped; a new token reconnects', async () => {
  let token = 'bad';
  const { rt } = client(f, { token: async () => token });
  const errors = [];
  rt.on('error', (e) => errors.push(e.code));
  await flush();
  f.sockets[0].open();
  f.sockets[0].drop(4401, 'unauthorized');
  assert.equal(rt.state, 'closed');
  await tick(120000);
  assert.equal(f.sockets.length, 1, 'no reconnect on 44xx');
  await rt.connect();
  await flush();
  assert.equal(f.sockets.length, 1, 'same token: still stopped');
  assert.deepEqual(errors, ['unauthorized', 'token_unchanged']);
  token = 'good';
  await rt.connect();
  await flush();
  assert.equal(f.sockets.length, 2);
  assert.deepEqual(f.sockets[1].protocols, ['rtgw.v1', 'rtgw.token.good']);
  f.sockets[1].welcome();
  assert.equal(rt.state, 'connected');
});

test('4403 and 4400 stop too; refreshToken() with a new token resumes', async () => {
  let token = 't1';
  const { rt } = client(f, { token: async () => token });
  await flush();
  f.sockets[0].welcome();
  f.sockets[0].drop(4403, 'forbidden');
  assert.equal(rt.state, 'closed');
  token = 't2';
  await rt.refreshToken();
  await flush();
  assert.equal(f.sockets.length, 2);
});

test('4001 fetches a new token and reconnects at once; the same expired token again backs off', async () => {
  let n = 0;
  const { rt } = client(f, { token: async () => 'tok' + (++n) });
  const delays = [];
  rt.on('retry', (r) => delays.push(r.delay));
  await flush();
  f.sockets[0].welcome();
  f.sockets[0].drop(4001, 'token_expired');
  assert.ok(delays[0] < 500, 'quick: ' + delays[0]);
  await tick(delays[0]);
  assert.deepEqual(f.sockets[1].protocols, ['rtgw.v1', 'rtgw.token.tok2']);
  assert.equal(n, 2);
  // token() keeps answering the same expired token: no tight loop
  const { rt: rt2 } = client(f, { token: async () => 'stale' });
  const d2 = [];
  rt2.on('retry', (r) => d2.push(r.delay));
  await flush();
  f.sockets.at(-1).welcome();
  f.sockets.at(-1).drop(4001);
  await tick(d2[0]);
  f.sockets.at(-1).drop(4001);
  await tick(d2[1]);
  f.sockets.at(-1).drop(4001);
  assert.deepEqual(d2, [250, 500, 1000]);
});

test('1012 reconnects soon with jitter, spread by random()', async () => {
  const delays = [];
  for (const r of [0, 0.5, 0.99]) {
    const { rt } = client(f, { random: () => r });
    rt.on('retry', (x) => delays.push(x.delay));
    await flush();
    f.sockets.at(-1).welcome();
    f.sockets.at(-1).drop(1012, 'shutdown');
    assert.equal(rt.state, 'reconnecting');
    await tick(delays.at(-1));
    assert.ok(f.sockets.at(-1).readyState === 0, 'a new socket is opening');
  }
  assert.deepEqual(delays, [0, 1000, 1980]);
});

test('a draining node answering 1012 again and again does not grow the backoff', async () => {
  const delays = [];
  const { rt } = client(f, { random: () => 0.99 });
  rt.on('retry', (x) => delays.push(x.delay));
  await flush();
  f.sockets.at(-1).welcome();
  for (let i = 0; i < 8; i++) {
    f.sockets.at(-1).drop(1012, 'shutdown');
    await tick(delays.at(-1));
  }
  assert.equal(delays.length, 8);
  assert.ok(delays.every((d) => d < 2000), 'every retry within the restart jitter: ' + delays);
  rt.close();
});

test('1009 rejects the offending publish and never sends it again', async () => {
  const { rt } = client(f);
  await flush();
  f.sockets[0].welcome();
  const p = rt.publish('room:1', 'chat', { text: 'x' });
  assert.equal(f.sockets[0].frames('publish').length, 1);
  f.sockets[0].drop(1009, 'too_large');
  await assert.rejects(p, { code: 'too_large' });
  await tick(1000);
  f.sockets[1].welcome();
  assert.equal(f.sockets[1].frames('publish').length, 0);
  // too large for the server's limit: refused before sending
  await assert.rejects(rt.publish('room:1', 'chat', 'x'.repeat(70000)), { code: 'too_large' });
  assert.equal(f.sockets[1].frames('publish').length, 0);
});

test('resubscribes every channel with its last id; replayed duplicates are dropped by id', async () => {
  const { rt } = client(f);
  const got = [];
  const sub = rt.subscribe('room:1', (m) => got.push(m.id));
  rt.subscribe('room:2', () => {});
  await flush();
  const a = f.sockets[0];
  a.welcome();
  assert.deepEqual(a.commands('subscribe'), [{ type: 'subscribe', channel: 'room:1' }, { type: 'subscribe', channel: 'room:2' }]);
  a.recv({ type: 'subscribed', channel: 'room:1', position: '0.e', recovered: false });
  a.recv({ type: 'subscribed', channel: 'room:2', position: '5.e', recovered: false });
  a.recv({ type: 'message', channel: 'room:1', id: '1.e', event: 'chat', data: 1 });
  a.recv({ type: 'message', channel: 'room:1', id: '2.e', event: 'chat', data: 2 });
  assert.equal(sub.since, '2.e');
  a.drop(1006);
  await tick(500);
  const b = f.sockets[1];
  b.welcome();
  assert.deepEqual(b.commands('subscribe'), [
    { type: 'subscribe', channel: 'room:1', since: '2.e' },
    { type: 'subscribe', channel: 'room:2', since: '5.e' }, // nothing arrived: the position resumes it
  ]);
  b.recv({ type: 'subscribed', channel: 'room:1', position: '2.e', recovered: true });
  b.recv({ type: 'message', channel: 'room:1', id: '2.e', event: 'chat', data: 2 }); // overlap
  b.recv({ type: 'message', channel: 'room:1', id: '3.e', event: 'chat', data: 3 });
  assert.deepEqual(got, ['1.e', '2.e', '3.e']);
});

test('the personal channel is resumed too: unsubscribe then subscribe with since', async () => {
  const { rt } = client(f);
  const got = [];
  rt.subscribe('user:alice', (m) => got.push(m.data));
  await flush();
  f.sockets[0].welcome();
  assert.equal(f.sockets[0].frames('subscribe').length, 0, 'the server subscribed it already');
  f.sockets[0].recv({ type: 'message', channel: 'user:alice', id: '4.e', event: 'dm', data: 'a' });
  f.sockets[0].drop(1006);
  await tick(500);
  f.sockets[1].welcome();
  assert.deepEqual(f.sockets[1].sent.filter((x) => x.type !== 'pong').map(({ ref, ...x }) => x), [
    { type: 'unsubscribe', channel: 'user:alice' },
    { type: 'subscribe', channel: 'user:alice', since: '4.e' },
  ]);
  assert.deepEqual(got, ['a']);
});

test('gap and subscribe errors reach the subscription; messages of other channels reach rt.on(message)', async () => {
  const { rt } = client(f);
  const gaps = [];
  const errors = [];
  const all = [];
  const sub = rt.subscribe('room:9', () => {});
  sub.on('gap', (g) => gaps.push(g.channel));
  sub.on('error', (e) => errors.push(e.code));
  rt.on('message', (m) => all.push(m.channel));
  await flush();
  f.sockets[0].welcome();
  const [asked] = f.sockets[0].frames('subscribe');
  f.sockets[0].recv({ type: 'gap', channel: 'room:9' });
  f.sockets[0].recv({ type: 'error', ref: asked.ref, channel: 'room:9', code: 'forbidden', message: 'no', temporary: false });
  f.sockets[0].recv({ type: 'message', channel: 'user:alice', id: '1.e', event: 'message', data: {} });
  assert.deepEqual(gaps, ['room:9']);
  assert.deepEqual(errors, ['forbidden']);
  assert.deepEqual(all, ['user:alice']);
  assert.throws(() => rt.subscribe('bad channel', () => {}), TypeError);
});

test('unsubscribe sends unsubscribe once the last subscription of a channel goes', async () => {
  const { rt } = client(f);
  const s1 = rt.subscribe('room:1', () => {});
  const s2 = rt.subscribe('room:1', () => {});
  await flush();
  f.sockets[0].welcome();
  assert.equal(f.sockets[0].frames('subscribe').length, 1);
  s1.unsubscribe();
  assert.equal(f.sockets[0].frames('unsubscribe').length, 0);
  s2.unsubscribe();
  assert.deepEqual(f.sockets[0].commands('unsubscribe'), [{ type: 'unsubscribe', channel: 'room:1' }]);
});

test('zombie: nothing for two heartbeats closes and reconnects; pings keep it alive and are answered', async () => {
  const { rt } = client(f);
  await flush();
  f.sockets[0].welcome({ heartbeat: 10 });
  await tick(15000);
  f.sockets[0].recv({ type: 'ping' });
  assert.deepEqual(f.sockets[0].frames('pong'), [{ type: 'pong' }]);
  await tick(15000);
  assert.equal(rt.state, 'connected', 'the ping reset the clock');
  await tick(5000);
  assert.equal(rt.state, 'reconnecting');
  assert.equal(f.sockets[0].closedWith, 4002);
  await tick(500);
  assert.equal(f.sockets.length, 2);
});

test('expiring: token() is asked and sent as refresh, the connection stays', async () => {
  let token = 'tok1';
  const { rt, states } = client(f, { token: async () => token });
  const refreshed = [];
  rt.on('refreshed', (r) => refreshed.push(r.expiresAt));
  await flush();
  f.sockets[0].welcome();
  token = 'tok2';
  f.sockets[0].recv({ type: 'expiring', in: 30 });
  await flush();
  assert.deepEqual(f.sockets[0].frames('refresh'), [{ type: 'refresh', token: 'tok2' }]);
  f.sockets[0].recv({ type: 'refreshed', expiresAt: 1767225600 });
  assert.deepEqual(refreshed, [1767225600]);
  assert.equal(f.sockets.length, 1);
  assert.deepEqual(states, ['connecting', 'connected']);
});

test('publish resolves with the id of its ack and rejects with the code of its error', async () => {
  const { rt } = client(f);
  await assert.rejects(rt.publish('room:1', 'chat', 1), { code: 'disconnected' });
  await flush();
  f.sockets[0].welcome();
  const ok = rt.publish('room:1', 'chat', { text: 'hi' });
  const bad = rt.publish('secret:1', 'chat', 1);
  const [p1, p2] = f.sockets[0].frames('publish');
  assert.deepEqual({ ...p1, ref: undefined }, { type: 'publish', channel: 'room:1', event: 'chat', data: { text: 'hi' }, ref: undefined });
  f.sockets[0].recv({ type: 'error', ref: p2.ref, code: 'forbidden', message: 'not allowed to publish to secret:1' });
  f.sockets[0].recv({ type: 'ack', ref: p1.ref, id: '44.e' });
  assert.equal(await ok, '44.e');
  await assert.rejects(bad, { code: 'forbidden' });
  const lost = rt.publish('room:1', 'chat', 2);
  f.sockets[0].drop(1006);
  await assert.rejects(lost, { code: 'disconnected' });
});

test('online/offline: offline drops and waits, online reconnects at once', async () => {
  const win = new EventTarget();
  const { rt } = client(f, { window: win });
  await flush();
  f.sockets[0].welcome();
  win.dispatchEvent(new Event('offline'));
  assert.equal(rt.state, 'reconnecting');
  assert.ok(f.sockets[0].closedWith);
  await tick(60000);
  assert.equal(f.sockets.length, 1, 'no attempts while offline');
  win.dispatchEvent(new Event('online'));
  await flush();
  assert.equal(f.sockets.length, 2);
  f.sockets[1].welcome();
  assert.equal(rt.state, 'connected');
  rt.close();
  win.dispatchEvent(new Event('online'));
  await flush();
  assert.equal(f.sockets.length, 2, 'closed clients ignore the events');
});
