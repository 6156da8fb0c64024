// Issue 8, part 2: the browser goes offline and back (context.setOffline). The client reacts to
// the offline event itself — it closes its connection and waits without retrying — and on online
// reconnects at once and catches up, losing nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient, startPublisher, stateNames } from './client-pages.js';

const CHANNELS = ['room:1'];
const seen = (page) => page.evaluate(() => window.seen);
const WS = 'rtgw_connections{transport="websocket"}';

test('offline → reconnecting without retries; online → connected at once, every message once', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { context, page } = await launchBrowser(cleanup);
    await page.exposeFunction('freshToken', () => mintToken({ sub: 'hal', channels: ['room:*'] }));
    await page.goto(proxy.pageUrl);
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: CHANNELS });
    await waitFor(async () => (await seen(page)).subscribed.length >= 1, { what: 'subscribed' });

    const publisher = startPublisher(gateway, CHANNELS);
    cleanup.add('stop publisher', () => publisher.stop().catch(() => {}));
    await waitFor(async () => (await seen(page)).messages.length >= 5, { what: 'messages before going offline' });

    await context.setOffline(true);
    await waitFor(async () => (await seen(page)).net.some((e) => e.type === 'offline'), { what: 'the offline event' });
    await waitFor(async () => (await page.evaluate(() => window.rt.state)) === 'reconnecting', { what: 'reconnecting' });
    // The client closed its connection itself (Chromium may keep loopback sockets up when offline).
    await waitFor(async () => (await gateway.metric(WS)) === 0, { what: 'the WebSocket closed by the client' });
    const offlineRounds = publisher.rounds;
    await waitFor(() => publisher.rounds >= offlineRounds + 20, { what: 'publishing while offline' });
    let s = await seen(page);
    assert.deepEqual(s.retries, [], 'no reconnect attempt while offline');
    const heldAt = s.messages.length;
    assert.equal(await gateway.metric('rtgw_connections_opened_total{transport="websocket"}'), 1);

    await context.setOffline(false);
    await waitFor(async () => (await page.evaluate(() => window.rt.state)) === 'connected', { what: 'connected again' });
    s = await seen(page);
    assert.ok(s.net.some((e) => e.type === 'online'), 'the online event');
    // Every backoff the client schedules is announced as a retry, so none means it reconnected on
    // the online event itself (a time limit here would fail on a busy machine, not on a bug).
    assert.deepEqual(s.retries, [], 'reconnected on online at once, not on a backoff timer');
    const published = await publisher.stop();
    await waitFor(async () => (await seen(page)).messages.length >= published[CHANNELS[0]].length, { what: 'all messages' });

    s = await seen(page);
    assert.ok(s.messages.length > heldAt + 20, 'the messages of the offline time came after online');
    assert.deepEqual(channelView(s, CHANNELS[0]), published[CHANNELS[0]], 'every message, in order, once');
    assert.deepEqual(stateNames(s), ['connecting', 'connected', 'reconnecting', 'connected']);
    assert.equal(s.errors.length, 0, JSON.stringify(s.errors));
    assert.equal(await gateway.metric('rtgw_connections_opened_total{transport="websocket"}'), 2);
  } finally {
    await cleanup.run();
  }
});
