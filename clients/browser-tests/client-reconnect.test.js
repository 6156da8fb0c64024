// Issue 8, part 2: the JavaScript client (clients/js/rtgw.js) in real Chromium, through a
// severable proxy. Cut every connection twice while publishing: the app's handler sees every
// message exactly once, in order, and the state goes connected → reconnecting → connected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient, startPublisher, stateNames } from './client-pages.js';

const CHANNELS = ['room:1', 'room:2', 'room:3'];
const seen = (page) => page.evaluate(() => window.seen);

test('two cuts while publishing: every message once, in order; connected → reconnecting → connected', async () => {
  const cleanup = new Cleanup();
  try {
    // Default heartbeat: a cut closes both sockets at once, so nothing here waits for a missed ping,
    // and a short one would only let a busy machine's late pong look like a dead link (4002).
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { page } = await launchBrowser(cleanup);
    await page.exposeFunction('freshToken', () => mintToken({ sub: 'alice', channels: ['room:*'] }));
    await page.goto(proxy.pageUrl);
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: CHANNELS });
    await waitFor(async () => (await seen(page)).subscribed.length >= CHANNELS.length, { what: 'subscribed' });
    assert.equal(await page.evaluate(() => window.rt.transport), 'websocket');

    const publisher = startPublisher(gateway, CHANNELS);
    cleanup.add('stop publisher', () => publisher.stop().catch(() => {}));
    for (let cut = 1; cut <= 2; cut++) {
      const count = (await seen(page)).messages.length;
      await waitFor(async () => (await seen(page)).messages.length >= count + 9, { what: `messages before cut ${cut}` });
      proxy.cut();
      const roundsAtCut = publisher.rounds;
      await waitFor(async () => stateNames(await seen(page)).filter((s) => s === 'connected').length === cut + 1,
        { what: `connected again after cut ${cut}` });
      await waitFor(() => publisher.rounds > roundsAtCut + 2, { what: 'publishing went on across the cut' });
    }
    const published = await publisher.stop();
    const total = CHANNELS.reduce((n, c) => n + published[c].length, 0);
    await waitFor(async () => (await seen(page)).messages.length >= total, { what: `all ${total} messages` });

    const s = await seen(page);
    for (const channel of CHANNELS) {
      assert.deepEqual(channelView(s, channel), published[channel], `${channel}: exactly the published sequence`);
    }
    assert.equal(s.messages.length, total, 'nothing twice, no gap');
    assert.deepEqual(stateNames(s), ['connecting', 'connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
    assert.equal(s.errors.length, 0, JSON.stringify(s.errors));
    assert.equal(proxy.cuts, 2);
    const resumed = s.subscribed.filter((x) => CHANNELS.includes(x.channel)).slice(CHANNELS.length);
    assert.ok(resumed.length >= 2 * CHANNELS.length && resumed.every((x) => x.recovered), 'each reconnect resumed every channel with since');
    const opened = await gateway.metric('rtgw_connections_opened_total{transport="websocket"}');
    assert.equal(opened, 3, 'one WebSocket, then one per cut');
  } finally {
    await cleanup.run();
  }
});
