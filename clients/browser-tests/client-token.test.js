// Issue 8, part 2: 5-second tokens from a token() callback. On `expiring` the client asks token()
// and sends `refresh`: the WebSocket outlives several expiries, nothing is lost, no reconnect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient, startPublisher, stateNames } from './client-pages.js';

const CHANNELS = ['room:1', 'room:2'];
const TTL = 5;
const seen = (page) => page.evaluate(() => window.seen);

test('a 5-second token refreshed through token(): the connection survives its expiry with no loss', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup, { RTGW_JWT_SKEW: '0s', RTGW_EXPIRING_LEAD: '3s' });
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { page } = await launchBrowser(cleanup);
    const issued = [];
    await page.exposeFunction('freshToken', () => {
      issued.push(Date.now());
      return mintToken({ sub: 'gina', channels: ['room:*'], ttl: TTL });
    });
    await page.goto(proxy.pageUrl);
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: CHANNELS });
    await waitFor(async () => (await seen(page)).subscribed.length >= CHANNELS.length, { what: 'subscribed' });
    const firstExpiry = issued[0] + TTL * 1000;

    const publisher = startPublisher(gateway, CHANNELS, { pace: 50 });
    cleanup.add('stop publisher', () => publisher.stop().catch(() => {}));
    // Past the first token's expiry by a second, and at least two refreshes.
    await waitFor(async () => Date.now() > firstExpiry + 1000 && (await seen(page)).refreshed.length >= 2,
      { timeout: 20000, what: 'two refreshes and the first expiry passed' });
    const published = await publisher.stop();
    const total = CHANNELS.reduce((n, c) => n + published[c].length, 0);
    await waitFor(async () => (await seen(page)).messages.length >= total, { what: `all ${total} messages` });

    const s = await seen(page);
    for (const channel of CHANNELS) assert.deepEqual(channelView(s, channel), published[channel], `${channel}: in order, once`);
    assert.equal(s.messages.length, total);
    assert.deepEqual(stateNames(s), ['connecting', 'connected'], 'never dropped');
    assert.deepEqual(s.retries, []);
    assert.equal(s.errors.length, 0, JSON.stringify(s.errors));
    assert.ok(issued.length >= 3, `token() asked again on expiring (${issued.length} tokens)`);
    for (const r of s.refreshed) assert.ok(r.expiresAt > firstExpiry / 1000, 'each refresh extended the connection');
    assert.equal(await gateway.metric('rtgw_connections_opened_total{transport="websocket"}'), 1, 'one connection throughout');
    assert.equal(await gateway.metric('rtgw_connections{transport="websocket"}'), 1);
  } finally {
    await cleanup.run();
  }
});
