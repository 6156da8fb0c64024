// Replies that name their command (docs/protocol.md §4), in real Chromium against a gateway on a
// real redis-server: the page subscribes while Redis is stopped; Redis comes back on the same port;
// the page then gets `subscribed` and every message published afterwards. Whether the gateway keeps
// the subscribe pending until the broker is back or answers `error {unavailable, temporary: true}`
// (which the client retries with backoff), the app sees the same thing and writes no retry code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, RedisProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient } from './client-pages.js';

const seen = (page) => page.evaluate(() => window.seen);

test('a subscribe made while Redis is down completes when it is back; later messages arrive', async () => {
  const cleanup = new Cleanup();
  try {
    const redis = await RedisProcess.start(cleanup);
    const gateway = await GatewayProcess.start(cleanup, { RTGW_REDIS_URL: redis.url });
    await waitFor(async () => (await gateway.metric('rtgw_broker_up')) === 1, { what: 'broker up', timeout: 30000 });
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { page } = await launchBrowser(cleanup);
    await page.exposeFunction('freshToken', () => mintToken({ sub: 'alice', channels: ['room:*'] }));
    await page.goto(proxy.pageUrl);

    await redis.stop();
    await waitFor(async () => (await gateway.metric('rtgw_broker_up')) === 0, { what: 'the gateway sees Redis down', timeout: 30000 });
    // A short backoff cap keeps the test quick when the server answers with temporary errors.
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: ['room:1'], options: { backoffCap: 2000 } });
    await waitFor(async () => (await seen(page)).states.some((s) => s.state === 'connected'), { what: 'connected without Redis' });
    await waitFor(async () => (await gateway.metric('rtgw_messages_received_total{transport="websocket"}')) >= 1,
      { what: 'the gateway got the subscribe' });
    assert.equal((await seen(page)).subscribed.filter((s) => s.channel === 'room:1').length, 0, 'not subscribed while Redis is down');

    await redis.launch(); // the same port: the gateway reconnects by itself
    await waitFor(async () => (await gateway.metric('rtgw_broker_up')) === 1, { what: 'broker up again', timeout: 30000 });
    await waitFor(async () => (await seen(page)).subscribed.some((s) => s.channel === 'room:1'),
      { what: 'subscribed once Redis is back', timeout: 30000 });

    const published = [];
    for (let n = 0; n < 5; n++) {
      const data = { n };
      published.push({ id: await gateway.publish('room:1', data), data });
    }
    await waitFor(async () => channelView(await seen(page), 'room:1').length >= published.length, { what: 'the messages published afterwards' });
    const s = await seen(page);
    assert.deepEqual(channelView(s, 'room:1'), published, 'exactly what was published, in order');
    assert.deepEqual(s.ends, [], 'the subscription never ended');
    assert.ok(s.subRetries.every((r) => r.code === 'unavailable' && r.delay <= 2000), JSON.stringify(s.subRetries));
    // Temporary refusals (also of the personal channel, which the server subscribes itself) are retried, not reported.
    assert.deepEqual(s.errors, []);
    assert.equal(await page.evaluate(() => window.rt.state), 'connected');
  } finally {
    await cleanup.run();
  }
});
