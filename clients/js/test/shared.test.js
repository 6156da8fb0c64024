// Tabs sharing one connection: the Hub runs the core (as in a SharedWorker) and tabs talk to it
// over MessagePorts. Node has MessageChannel, so the tab <-> worker protocol runs for real here;
// a real browser (SharedWorker, BroadcastChannel leader) is part 2's harness.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Realtime, Hub } from '../rtgw.js';
import { fakes, flush, MemoryStorage } from './fakes.js';

let f;
let ports;
beforeEach(() => { mock.timers.enable({ apis: ['setTimeout'] }); f = fakes(); ports = []; });
afterEach(() => { mock.timers.reset(); for (const p of ports) p.close(); });

function worker() {
  const hub = new Hub({ WebSocket: f.FakeWebSocket, EventSource: f.FakeEventSource, fetch: f.fetch,
    random: () => 0.5, storage: null, window: null });
  return class FakeSharedWorker {
    constructor(url, opts) {
      this.url = url;
      this.opts = opts;
      const ch = new MessageChannel();
      ports.push(ch.port1, ch.port2);
      hub.attach(ch.port1);
      this.port = ch.port2;
    }
  };
}

test('two tabs share one WebSocket; each gets its channels; token() comes from a tab', async () => {
  const SharedWorker = worker();
  let asked = 0;
  const tab = () => new Realtime({ url: 'http://gw.test', shared: true, SharedWorker,
    token: async () => { asked++; return 'tok' + asked; } });
  const a = tab();
  const b = tab();
  assert.equal(a.shared, true);
  const gotA = [];
  const gotB = [];
  a.subscribe('room:1', (m) => gotA.push(m.data));
  b.subscribe('room:1', (m) => gotB.push(m.data));
  b.subscribe('room:2', (m) => gotB.push(m.data));
  const states = [];
  a.on('state', (s) => states.push(s));
  await flush(6);
  assert.equal(f.sockets.length, 1, 'one connection for both tabs');
  assert.equal(asked, 1);
  assert.deepEqual(f.sockets[0].protocols, ['rtgw.v1', 'rtgw.token.tok1']);
  f.sockets[0].welcome();
  await flush(6);
  assert.deepEqual(f.sockets[0].frames('subscribe').map((x) => x.channel).sort(), ['room:1', 'room:2']);
  f.sockets[0].recv({ type: 'message', channel: 'room:1', id: '1.e', event: 'm', data: 'one' });
  f.sockets[0].recv({ type: 'message', channel: 'room:2', id: '1.e', event: 'm', data: 'two' });
  await flush(6);
  assert.deepEqual(gotA, ['one']);
  assert.deepEqual(gotB, ['one', 'two']);
  assert.equal(a.state, 'connected');
  assert.deepEqual(states, ['connecting', 'connected']);

  const p = a.publish('room:1', 'chat', { x: 1 });
  await flush(6);
  const frame = f.sockets[0].frames('publish')[0];
  f.sockets[0].recv({ type: 'ack', ref: frame.ref, id: '2.e' });
  assert.equal(await p, '2.e');

  b.close();                                 // the tab leaves: its channel goes, the connection stays
  await flush(6);
  assert.deepEqual(f.sockets[0].frames('unsubscribe').map((x) => x.channel), ['room:2']);
  a.close();
  await flush(6);
  assert.equal(f.sockets[0].closedWith, 1000, 'the last tab closes the connection');
});

test('a tab resubscribes with its own last ids when the hub is new (a new leader)', async () => {
  const SharedWorker = worker();
  const a = new Realtime({ url: 'http://gw.test', shared: true, SharedWorker, token: async () => 't' });
  const got = [];
  a.subscribe('room:1', (m) => got.push(m.id));
  await flush(6);
  f.sockets[0].welcome();
  f.sockets[0].recv({ type: 'message', channel: 'room:1', id: '5.e', event: 'm', data: 1 });
  await flush(6);
  // a new leader announces itself: the tab hands over its channels and ids
  a._core._from({ t: 'leader' });
  await flush(6);
  assert.equal(a._core.since('room:1'), '5.e');
  assert.deepEqual(got, ['5.e']);
});

test('without SharedWorker, BroadcastChannel or locks the client runs in the page', () => {
  const rt = new Realtime({ url: 'http://gw.test', shared: true, SharedWorker: null, autoConnect: false,
    WebSocket: f.FakeWebSocket, storage: new MemoryStorage() });
  assert.equal(rt.shared, false);
});

test('SSE unsubscribe keeps the channel in the stream (its cursor needs it) but delivers nothing more', async () => {
  const storage = new MemoryStorage();
  storage.setItem('rtgw.transport http://gw.test', 'sse');
  const rt = new Realtime({ url: 'http://gw.test', token: async () => 't', EventSource: f.FakeEventSource,
    fetch: f.fetch, storage, window: null, random: () => 0.5 });
  const all = [];
  rt.on('message', (m) => all.push(m.data));
  const s1 = rt.subscribe('room:1', () => {});
  rt.subscribe('room:2', () => {});
  await flush();
  f.streams[0].connected(['room:1', 'room:2', 'user:alice'], 'c1');
  s1.unsubscribe();
  f.streams[0].emit('message', { channel: 'room:1', id: '1.e', data: 'gone' }, 'c2');
  f.streams[0].emit('message', { channel: 'room:2', id: '1.e', data: 'kept' }, 'c3');
  assert.deepEqual(all, ['kept']);
  rt.subscribe('room:3', () => {});
  await flush();
  assert.deepEqual([...f.streams[1].query.getAll('channel')], ['room:1', 'room:2', 'user:alice', 'room:3']);
  rt.close();
});
