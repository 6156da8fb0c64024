// Issue 8, part 2: ten tabs of one origin with `shared: true` hold one server connection between
// them (a SharedWorker running rtgw.js), and every tab gets the messages of its channels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient } from './client-pages.js';

const TABS = 10;
const CONNECTIONS = ['websocket', 'sse', 'long_poll'].map((t) => `rtgw_connections{transport="${t}"}`);

test('ten tabs with shared: true hold one connection; each gets its messages; a tab leaving keeps it', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { context, page: first } = await launchBrowser(cleanup);
    let tokens = 0;
    await context.exposeFunction('freshToken', () => { tokens++; return mintToken({ sub: 'ivy', channels: ['room:*'] }); });
    const pages = [first];
    while (pages.length < TABS) pages.push(await context.newPage());
    // Every tab subscribes room:all and its own room:<i>.
    const shared = await Promise.all(pages.map(async (page, i) => {
      await page.goto(proxy.pageUrl);
      return (await page.evaluate(startClient, { module: CLIENT_PATH, channels: ['room:all', `room:${i}`], options: { shared: true } })).shared;
    }));
    assert.deepEqual(shared, pages.map(() => true));
    const all = () => Promise.all(pages.map((p) => p.evaluate(() => window.seen)));
    await waitFor(async () => (await all()).every((s) => s.states.some((x) => x.state === 'connected')), { what: 'every tab connected' });
    const total = async () => (await Promise.all(CONNECTIONS.map((m) => gateway.metric(m)))).reduce((a, b) => a + b, 0);
    assert.equal(await total(), 1, 'one server connection for ten tabs');
    assert.equal(await pages[3].evaluate(() => window.rt.transport), 'websocket');
    assert.equal(tokens, 1, 'the worker asked one tab for a token');

    const everyone = [];
    for (let n = 0; n < 3; n++) everyone.push({ id: await gateway.publish('room:all', { n }), data: { n } });
    const own = [];
    for (let i = 0; i < TABS; i++) own.push({ id: await gateway.publish(`room:${i}`, { i }), data: { i } });
    await waitFor(async () => (await all()).every((s) => s.messages.length >= 4), { what: 'messages in every tab' });
    for (const [i, s] of (await all()).entries()) {
      assert.deepEqual(channelView(s, 'room:all'), everyone, `tab ${i}: room:all`);
      assert.deepEqual(channelView(s, `room:${i}`), [own[i]], `tab ${i}: its own room only`);
      assert.equal(s.messages.length, 4, `tab ${i}: nothing of the other tabs' rooms`);
    }

    // The tab whose token the worker used goes away: the others keep the one connection.
    await pages[0].close();
    pages.shift();
    const later = { id: await gateway.publish('room:all', { n: 3 }), data: { n: 3 } };
    await waitFor(async () => (await all()).every((s) => s.messages.length >= 5), { what: 'a message after a tab left' });
    for (const s of await all()) assert.deepEqual(channelView(s, 'room:all'), [...everyone, later]);
    assert.equal(await total(), 1);
    assert.equal(await gateway.metric('rtgw_connections_opened_total{transport="websocket"}'), 1);
  } finally {
    await cleanup.run();
  }
});
