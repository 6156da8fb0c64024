// Issue 3: a plain page with the browser's own EventSource, no client library: it receives every
// channel in order, survives a cut TCP connection by itself (Last-Event-ID), and is told about a
// gateway restart with rtgw.gap instead of silently missing messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { openEventSource, setTokenCookie } from './pages.js';

const CHANNELS = ['room:1', 'room:2', 'room:3'];
const SSE_PATH = '/sse?' + CHANNELS.map((c) => 'channel=' + encodeURIComponent(c)).join('&');

const seen = (page) => page.evaluate(() => window.seen);
const ofType = (events, type) => events.filter((e) => e.type === type);
/** What the page saw of one channel, in arrival order: message ids/data and gap markers. */
const channelView = (events, channel) => events
  .filter((e) => (e.type === 'message' || e.type === 'rtgw.gap') && e.data?.channel === channel)
  .map((e) => (e.type === 'rtgw.gap' ? { gap: true } : { id: e.data.id, data: e.data.data }));

/** The page is served by the proxy, on the origin the gateway answers on: '/sse?…' is same-origin. */
async function pageWithEventSource(page, proxy) {
  await page.goto(proxy.pageUrl);
  await page.evaluate(setTokenCookie, mintToken({ channels: ['room:*'] }));
  await page.evaluate(openEventSource, { url: SSE_PATH });
  await waitFor(async () => ofType(await seen(page), 'rtgw.connected').length === 1, { what: 'rtgw.connected' });
}

/** Publishes `rounds` messages on every channel, channel after channel, returns what was published per channel. */
async function publishRounds(gateway, rounds, tag, into = Object.fromEntries(CHANNELS.map((c) => [c, []]))) {
  for (let i = 0; i < rounds; i++) {
    for (const channel of CHANNELS) {
      const data = { tag, n: into[channel].length };
      into[channel].push({ id: await gateway.publish(channel, data), data });
    }
  }
  return into;
}

test('native EventSource on 3 channels receives publications in order', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    const { page } = await launchBrowser(cleanup);
    await pageWithEventSource(page, proxy);

    const connected = ofType(await seen(page), 'rtgw.connected')[0];
    assert.deepEqual(connected.data.channels, [...CHANNELS, 'user:alice']);
    assert.ok(connected.lastEventId, 'rtgw.connected carries an id: line, so the browser holds a cursor');

    const published = await publishRounds(gateway, 10, 'in-order');
    await waitFor(async () => ofType(await seen(page), 'message').length === 30, { what: '30 messages in the page' });
    const events = await seen(page);
    for (const channel of CHANNELS) {
      assert.deepEqual(channelView(events, channel), published[channel], `${channel}: every message, in publish order, once`);
    }
    for (const m of ofType(events, 'message')) assert.ok(m.lastEventId, 'every replayable message moves the browser cursor');
    assert.equal(ofType(events, 'error').length, 0, 'the stream never failed');
  } finally {
    await cleanup.run();
  }
});

test('a TCP connection cut under the page: the browser reconnects with Last-Event-ID, no gap, no duplicate', async () => {
  const cleanup = new Cleanup();
  let publishing = true;
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    const { page } = await launchBrowser(cleanup);
    await pageWithEventSource(page, proxy);

    // A publisher that keeps going, paced, from before the cut until after the page is back.
    const published = Object.fromEntries(CHANNELS.map((c) => [c, []]));
    let round = 0;
    const publisher = (async () => {
      while (publishing) {
        await publishRounds(gateway, 1, 'cut', published);
        round++;
        await new Promise((r) => setTimeout(r, 40)); // pacing only, not synchronisation
      }
    })();
    cleanup.add('stop publisher', async () => { publishing = false; await publisher.catch(() => {}); });

    await waitFor(async () => ofType(await seen(page), 'message').length >= 9, { what: 'messages before the cut' });
    const requestsBefore = proxy.requests.length;
    proxy.cut();
    const roundAtCut = round;
    await waitFor(async () => ofType(await seen(page), 'rtgw.connected').length === 2, { what: 'the browser reconnecting by itself' });
    // The gateway's retry: (2 s) keeps the browser away long enough for the publisher to go on meanwhile.
    assert.ok(round > roundAtCut, 'messages were published while the page was cut off');
    const roundAtReconnect = round;
    await waitFor(() => round >= roundAtReconnect + 5, { what: 'publishing after the reconnect' });
    publishing = false;
    await publisher;

    const total = CHANNELS.reduce((n, c) => n + published[c].length, 0);
    await waitFor(async () => ofType(await seen(page), 'message').length >= total, { what: `all ${total} messages in the page` });
    const events = await seen(page);
    for (const channel of CHANNELS) {
      assert.deepEqual(channelView(events, channel), published[channel], `${channel}: exactly the published sequence`);
    }
    assert.equal(ofType(events, 'message').length, total, 'no duplicate');
    assert.equal(ofType(events, 'rtgw.gap').length, 0, 'no gap');
    assert.ok(ofType(events, 'error').length >= 1, 'the page saw its stream fail');
    const again = ofType(events, 'rtgw.connected')[1].data;
    for (const channel of CHANNELS) assert.equal(again.recovered[channel], true, `${channel} recovered on the reconnect`);
    const resumed = proxy.requests.slice(requestsBefore).map((r) => r.head).filter((h) => h.startsWith('GET /sse?'));
    assert.ok(resumed.length >= 1, 'the browser sent a new /sse request through the proxy');
    assert.match(resumed.at(-1), /\r\nlast-event-id: \S+\r\n/i, 'the browser resumed with its own Last-Event-ID header');
  } finally {
    publishing = false;
    await cleanup.run();
  }
});

test('a gateway restart (embedded broker, same ports): the page gets rtgw.gap, never a silent hole', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    const { page } = await launchBrowser(cleanup);
    await pageWithEventSource(page, proxy);

    const before = await publishRounds(gateway, 3, 'before');
    await waitFor(async () => ofType(await seen(page), 'message').length === 9, { what: 'messages before the restart' });

    await gateway.restart();
    await waitFor(async () => {
      const gaps = ofType(await seen(page), 'rtgw.gap').map((e) => e.data.channel);
      return CHANNELS.every((c) => gaps.includes(c));
    }, { what: 'rtgw.gap for every channel after the restart' });

    const after = await publishRounds(gateway, 3, 'after');
    await waitFor(async () => ofType(await seen(page), 'message').length === 18, { what: 'messages after the restart' });
    const events = await seen(page);
    for (const channel of CHANNELS) {
      assert.deepEqual(channelView(events, channel), [...before[channel], { gap: true }, ...after[channel]],
        `${channel}: the old messages, then the gap notice, then the new ones`);
    }
    const last = ofType(events, 'rtgw.connected').at(-1).data;
    for (const channel of CHANNELS) assert.equal(last.recovered[channel], false, `${channel} not recovered (new epoch)`);
  } finally {
    await cleanup.run();
  }
});
