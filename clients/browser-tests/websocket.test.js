// Issue 3: the browser's native WebSocket speaks rtgw.v1: welcome, subscribe, messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, TENANT, launchBrowser, mintToken, waitFor } from './harness.js';
import { openWebSocket } from './pages.js';

const seen = (page) => page.evaluate(() => window.seen);

test('native WebSocket in the page: welcome, subscribe, messages in order', async () => {
  const cleanup = new Cleanup();
  try {
    // The gateway closes a socket it has not heard from for two heartbeats, so the heartbeat bounds
    // how late a pong may be: 1 s left a busy machine (proxy, page, gateway sharing two cores) about
    // a second of slack; 3 s leaves several.
    const gateway = await GatewayProcess.start(cleanup, { RTGW_HEARTBEAT: '3s' });
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    const { page } = await launchBrowser(cleanup);
    await page.goto(proxy.pageUrl);
    const token = mintToken({ sub: 'bob', channels: ['room:*'] });
    const channels = ['room:1', 'room:2'];
    await page.evaluate(openWebSocket, {
      url: `ws://127.0.0.1:${proxy.port}/ws`, protocols: ['rtgw.v1', 'rtgw.token.' + token], channels,
    });

    const subscribedAll = async () => {
      const s = (await seen(page)).filter((m) => m.type === 'subscribed').map((m) => m.channel);
      return channels.every((c) => s.includes(c));
    };
    await waitFor(subscribedAll, { what: 'subscribed to both channels' });
    let frames = await seen(page);
    assert.equal(frames.find((m) => m.type === 'open').protocol, 'rtgw.v1', 'only rtgw.v1 is echoed, never the token');
    const welcome = frames.find((m) => m.type === 'welcome');
    assert.equal(welcome.user, 'bob');
    assert.equal(welcome.tenant, TENANT);
    assert.deepEqual(welcome.channels, ['user:bob']);
    assert.equal(welcome.heartbeat, 3);
    assert.ok(frames.some((m) => m.type === 'subscribed' && m.channel === 'user:bob'), 'the personal channel is confirmed too');

    const published = { 'room:1': [], 'room:2': [] };
    for (let i = 0; i < 5; i++) {
      for (const channel of channels) {
        const data = { n: i, text: `hello ${channel} ${i}` };
        published[channel].push({ id: await gateway.publish(channel, data, { event: 'chat' }), event: 'chat', data });
      }
    }
    await waitFor(async () => (await seen(page)).filter((m) => m.type === 'message').length === 10, { what: '10 messages' });
    // Heartbeats: the page answers ping with pong and the connection stays up across several of them.
    // Four pings span more than two heartbeats after the page's last command, so the socket would
    // have been closed (no_pong) had the gateway not heard the pongs.
    await waitFor(async () => (await seen(page)).filter((m) => m.type === 'ping').length >= 4, { what: 'four pings answered' });
    frames = await seen(page);
    for (const channel of channels) {
      assert.deepEqual(frames.filter((m) => m.type === 'message' && m.channel === channel)
        .map(({ id, event, data }) => ({ id, event, data })), published[channel], `${channel}: in order, once`);
    }
    assert.ok(!frames.some((m) => m.type === 'close' || m.type === 'error' || m.type === 'gap'));
  } finally {
    await cleanup.run();
  }
});
