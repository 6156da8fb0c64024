// Replies that name their command (docs/protocol.md §4): subscribe and unsubscribe carry a ref,
// subscribed / unsubscribed / error are matched to their command by it (never by message text),
// temporary refusals are retried with backoff, permanent ones and server-side ends end the
// Subscription and tell the app. Fake timers; a fake WebSocket plays the server.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Realtime, Hub } from '../rtgw.js';
import { fakes, client, flush } from './fakes.js';

let f;
let ports;
beforeEach(() => { mock.timers.enable({ apis: ['setTimeout'] }); f = fakes(); ports = []; });
afterEach(() => { mock.timers.reset(); for (const p of ports) p.close(); });

async function tick(ms) { mock.timers.tick(ms); await flush(); }

/** A connected client with one subscription; events of the subscription are recorded in order. */
async function subscribed(channel, options) {
  const { rt } = client(f, options);
  const events = [];
  const sub = rt.subscribe(channel, () => {});
  for (const type of ['subscribed', 'error', 'retry', 'end']) sub.on(type, (e) => events.push([type, e]));
  await flush();
  const ws = f.sockets[0];
  ws.welcome();
  return { rt, sub, ws, events, last: (type) => ws.frames(type).at(-1) };
}

test('every subscribe and unsubscribe carries its own ref; subscribed is matched by it', async () => {
  const { rt, ws, events, last } = await subscribed('room:1');
  const s = last('subscribe');
  ws.recv({ type: 'subscribed', channel: 'room:1', position: '3.e', recovered: false, ref: s.ref });
  assert.deepEqual(events.map(([type]) => type), ['subscribed']);
  rt.subscribe('room:2', () => {}).unsubscribe();
  const refs = [...ws.frames('subscribe'), ...ws.frames('unsubscribe')].map((x) => x.ref);
  assert.equal(new Set(refs).size, 3, 'distinct refs: ' + refs);
  assert.ok(!refs.includes(undefined));
});

test('a permanent subscribe error ends that subscription and tells the app; its text is never read', async () => {
  const { rt, sub, ws, events } = await subscribed('room:9');
  const other = rt.subscribe('room:8', () => {});
  const appErrors = [];
  rt.on('error', (e) => appErrors.push([e.code, e.channel]));
  const s = ws.frames('subscribe').find((x) => x.channel === 'room:9');
  // the text names room:8 on purpose: only ref and channel count
  ws.recv({ type: 'error', ref: s.ref, channel: 'room:9', code: 'forbidden', message: 'not allowed to subscribe to room:8', temporary: false });
  assert.deepEqual(events.map(([type]) => type), ['error', 'end']);
  assert.equal(events[0][1].code, 'forbidden');
  assert.equal(events[0][1].temporary, false);
  assert.deepEqual({ ...events[1][1], error: events[1][1].error.code }, { channel: 'room:9', reason: 'error', error: 'forbidden' });
  assert.equal(sub.active, false);
  assert.equal(other.active, true);
  assert.deepEqual(appErrors, [['forbidden', 'room:9']]);
  await tick(30000); // past any backoff, short of the zombie check (2 heartbeats)
  assert.equal(ws.frames('subscribe').filter((x) => x.channel === 'room:9').length, 1, 'not retried');
  ws.drop(1006);
  await tick(500);
  f.sockets[1].welcome();
  assert.deepEqual(f.sockets[1].commands('subscribe').map((x) => x.channel), ['room:8'], 'an ended channel is not resubscribed');
  rt.subscribe('room:9', () => {});
  assert.equal(f.sockets[1].frames('subscribe').at(-1).channel, 'room:9', 'the app may subscribe again');
});

test('a temporary subscribe error is retried with jittered backoff until subscribed', async () => {
  const { sub, ws, events, last } = await subscribed('room:1', { backoffBase: 1000, backoffCap: 3000 });
  const delays = [];
  for (let i = 0; i < 4; i++) {
    const s = last('subscribe');
    ws.recv({ type: 'error', ref: s.ref, channel: 'room:1', code: 'unavailable', message: 'broker down', temporary: true });
    const { delay } = events.at(-1)[1];
    delays.push(delay);
    await tick(delay - 1);
    assert.equal(ws.frames('subscribe').length, i + 1, 'not before the delay');
    await tick(1);
    assert.equal(ws.frames('subscribe').length, i + 2, 'sent again after it');
    assert.notEqual(last('subscribe').ref, s.ref, 'a retry is a new command with its own ref');
  }
  // random() is 0.5: half of min(cap, base * 2^attempt)
  assert.deepEqual(delays, [500, 1000, 1500, 1500]);
  assert.deepEqual(events.map(([type, e]) => type === 'retry' ? [type, e.attempt, e.error.code] : [type]),
    [['retry', 1, 'unavailable'], ['retry', 2, 'unavailable'], ['retry', 3, 'unavailable'], ['retry', 4, 'unavailable']]);
  ws.recv({ type: 'subscribed', channel: 'room:1', position: '7.e', recovered: false, ref: last('subscribe').ref });
  assert.equal(sub.active, true);
  assert.equal(sub.since, '7.e');
  await tick(30000); // past any backoff, short of the zombie check (2 heartbeats)
  assert.equal(ws.frames('subscribe').length, 5, 'nothing more once subscribed');
});

test('a retry that is no longer wanted is not sent; a refused unsubscribe is retried when temporary', async () => {
  const { sub, ws, events, last } = await subscribed('room:1');
  ws.recv({ type: 'error', ref: last('subscribe').ref, channel: 'room:1', code: 'unavailable', message: '', temporary: true });
  sub.unsubscribe();
  assert.equal(ws.frames('unsubscribe').length, 1);
  await tick(30000); // past any backoff, short of the zombie check (2 heartbeats)
  assert.equal(ws.frames('subscribe').length, 1, 'the app left the channel: no retry');
  ws.recv({ type: 'error', ref: last('unsubscribe').ref, channel: 'room:1', code: 'internal', message: '', temporary: true });
  await tick(250);
  assert.equal(ws.frames('unsubscribe').length, 2, 'the refused unsubscribe is sent again');
  // "not subscribed": the goal is reached, nothing to tell or retry
  ws.recv({ type: 'error', ref: last('unsubscribe').ref, channel: 'room:1', code: 'bad_request', message: '', temporary: false });
  await tick(30000); // past any backoff, short of the zombie check (2 heartbeats)
  assert.equal(ws.frames('unsubscribe').length, 2);
  assert.deepEqual(events.map(([type]) => type), ['retry']);
});

for (const reason of ['server', 'revoked']) {
  test(`unsubscribed {reason: ${reason}} ends the subscription and tells the app; client does not`, async () => {
    const { rt, sub, ws, events } = await subscribed('room:1');
    const mine = rt.subscribe('room:2', () => {});
    const mineEvents = [];
    mine.on('end', (e) => mineEvents.push(e));
    mine.unsubscribe();
    ws.recv({ type: 'unsubscribed', channel: 'room:2', reason: 'client', ref: ws.frames('unsubscribe')[0].ref });
    assert.deepEqual(mineEvents, []);
    ws.recv({ type: 'unsubscribed', channel: 'room:1', reason });
    assert.deepEqual(events, [['end', { channel: 'room:1', reason }]]);
    assert.equal(sub.active, false);
    ws.drop(1006);
    await tick(500);
    f.sockets[1].welcome();
    assert.equal(f.sockets[1].frames('subscribe').length, 0, 'not resubscribed');
  });
}

test('an error that names no command of ours goes to rt.on(error) only', async () => {
  const { rt, sub, ws, events } = await subscribed('room:1');
  const appErrors = [];
  rt.on('error', (e) => appErrors.push(e.code));
  ws.recv({ type: 'error', code: 'bad_request', message: 'not subscribed to room:1', temporary: false });
  assert.deepEqual(appErrors, ['bad_request']);
  assert.deepEqual(events, []);
  assert.equal(sub.active, true);
});

test('shared tabs: an ended channel ends every tab\'s subscription; retries reach them', async () => {
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
  const seen = [];
  const sa = a.subscribe('room:1', () => {});
  const sb = b.subscribe('room:1', () => {});
  sa.on('retry', (r) => seen.push(['a retry', r.error.code]));
  sa.on('end', (e) => seen.push(['a end', e.reason, e.error?.code]));
  sb.on('end', (e) => seen.push(['b end', e.reason]));
  await flush(6);
  const ws = f.sockets[0];
  ws.welcome();
  await flush(6);
  ws.recv({ type: 'error', ref: ws.frames('subscribe')[0].ref, channel: 'room:1', code: 'unavailable', message: '', temporary: true });
  await flush(6);
  await tick(250);
  await flush(6);
  assert.equal(ws.frames('subscribe').length, 2);
  ws.recv({ type: 'error', ref: ws.frames('subscribe')[1].ref, channel: 'room:1', code: 'forbidden', message: '', temporary: false });
  await flush(6);
  assert.deepEqual(seen, [['a retry', 'unavailable'], ['a end', 'error', 'forbidden'], ['b end', 'error']]);
  assert.equal(sa.active, false);
  assert.equal(sb.active, false);
  b.subscribe('room:1', () => {});
  await flush(6);
  assert.equal(ws.frames('subscribe').length, 3, 'a new subscription subscribes again');
  a.close();
  b.close();
  await flush(6);
});

test('the personal channel, subscribed by the server (no ref), is subscribed again after a temporary error', async () => {
  const { rt } = client(f);
  const appErrors = [];
  rt.on('error', (e) => appErrors.push(e.code));
  await flush();
  const ws = f.sockets[0];
  ws.welcome();
  ws.recv({ type: 'error', channel: 'user:alice', code: 'unavailable', message: '', temporary: true });
  assert.equal(ws.frames('subscribe').length, 0);
  await tick(250);
  assert.deepEqual(ws.commands('subscribe'), [{ type: 'subscribe', channel: 'user:alice' }]);
  ws.recv({ type: 'subscribed', channel: 'user:alice', position: '0.e', recovered: false, ref: ws.frames('subscribe')[0].ref });
  assert.deepEqual(appErrors, []);
});
