// Issue 14: the server API (docs/protocol.md §7) and the JavaScript client on its fallbacks, in
// real Chromium. SSE: the proxy refuses WebSocket upgrades, so the client runs on EventSource
// (cookie token); rtgw.unsubscribed ends a Subscription; rtgw.close {disconnected, reconnect: true}
// comes back by itself; rtgw.close {disconnected, reconnect: false} closes the EventSource (the
// browser must not reconnect it on its own) and leaves the client closed with the reason.
// Long-poll: a server unsubscribe shows in the held poll's answer (its cursor no longer holds the
// channel's position); a disconnect answers the held poll {"closed": "disconnected"}.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient, stateNames } from './client-pages.js';
import { setTokenCookie } from './pages.js';

const seen = (page) => page.evaluate(() => window.seen);
/** Ended subscriptions as {channel, reason} (an ended-by-error one would also carry `code`). */
const endsOf = (s) => s.ends.map(({ channel, reason }) => ({ channel, reason }));
const state = (page) => page.evaluate(() => ({ state: window.rt.state, closeReason: window.rt.closeReason, transport: window.rt.transport }));

/** Runs in the page before the client starts: every EventSource it opens is kept in window.sources. */
function trackEventSources() {
  window.sources = [];
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) { super(...args); window.sources.push(this); }
  };
}

test('SSE: rtgw.unsubscribed ends the Subscription; rtgw.close disconnected reconnects or stops as told', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    proxy.refuse.add('/ws');
    const { page } = await launchBrowser(cleanup);
    const token = mintToken({ sub: 'kai', channels: ['room:*'] });
    await page.exposeFunction('freshToken', () => token);
    await page.goto(proxy.pageUrl);
    await page.evaluate(setTokenCookie, token); // EventSource authenticates with the cookie
    await page.evaluate(trackEventSources);
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: ['room:1', 'room:2'] });
    await waitFor(async () => (await state(page)).state === 'connected', { what: 'connected over SSE' });
    assert.equal((await state(page)).transport, 'sse');
    assert.deepEqual((await seen(page)).fallbacks, ['sse']);
    // The refused upgrades before the fallback were retries too; what follows is counted from here.
    const fallbackRetries = (await seen(page)).retries.length;
    const retryCodes = async () => (await seen(page)).retries.slice(fallbackRetries).map((r) => r.code);

    // The server API takes the user off room:1: the Subscription ends, room:2 goes on.
    await gateway.unsubscribe('kai', 'room:1');
    await waitFor(async () => (await seen(page)).ends.length >= 1, { what: 'rtgw.unsubscribed' });
    assert.deepEqual(endsOf(await seen(page)), [{ channel: 'room:1', reason: 'server' }]);
    await gateway.publish('room:1', { tag: 'not any more' });
    const kept = [{ data: { n: 1 } }];
    kept[0].id = await gateway.publish('room:2', kept[0].data);
    await waitFor(async () => channelView(await seen(page), 'room:2').length >= 1, { what: 'room:2 goes on' });
    assert.deepEqual(channelView(await seen(page), 'room:1'), [], 'room:1 ended: nothing for it');

    // Disconnect with reconnect: true — the client reconnects (with backoff), still on SSE.
    // The stream, and the lease of the probe polls made before the fallback settled on SSE: a
    // long-poll client between polls counts as connected (docs/protocol.md §7), so n >= 1.
    assert.ok((await gateway.disconnect('kai', { reconnect: true })).disconnected >= 1);
    await waitFor(async () => stateNames(await seen(page)).filter((x) => x === 'connected').length === 2, { what: 'connected again' });
    assert.deepEqual(await retryCodes(), [4010]);
    const more = { data: { n: 2 } };
    more.id = await gateway.publish('room:2', more.data);
    kept.push(more);
    await waitFor(async () => channelView(await seen(page), 'room:2').length >= 2, { what: 'room:2 after the reconnect' });

    // Disconnect without reconnect — closed with the reason; the client closed the EventSource itself.
    assert.ok((await gateway.disconnect('kai')).disconnected >= 1);
    await waitFor(async () => (await state(page)).state === 'closed', { what: 'state closed' });
    assert.deepEqual(await state(page), { state: 'closed', closeReason: { code: 4410, reason: 'disconnected' }, transport: 'sse' });
    const readyStates = await page.evaluate(() => window.sources.map((es) => es.readyState));
    assert.ok(readyStates.length >= 2 && readyStates.every((r) => r === 2), `every EventSource CLOSED: ${readyStates}`);
    await waitFor(async () => (await gateway.metric('rtgw_connections{transport="sse"}')) === 0, { what: 'the stream ended' });

    const streams = proxy.requests.filter((r) => r.path === '/sse').length;
    await page.evaluate(() => window.rt.connect()); // token() gives the same token: no attempt
    const s = await seen(page);
    assert.equal(proxy.requests.filter((r) => r.path === '/sse').length, streams, 'no new stream');
    assert.equal((await state(page)).state, 'closed');
    assert.deepEqual(s.errors.map((e) => [e.code, e.closeCode ?? null]), [['disconnected', 4410], ['token_unchanged', null]]);
    assert.deepEqual(await retryCodes(), [4010], 'no reconnect after the second disconnect');
    assert.deepEqual(channelView(s, 'room:2'), kept, 'room:2 exactly as published');
    assert.deepEqual(stateNames(s), ['connecting', 'connected', 'reconnecting', 'connected', 'closed']);
  } finally {
    await cleanup.run();
  }
});

test('long-poll: a server unsubscribe ends the Subscription; a disconnect answers the held poll and stops', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { page } = await launchBrowser(cleanup);
    const token = mintToken({ sub: 'lea', channels: ['room:*'] });
    await page.exposeFunction('freshToken', () => token);
    await page.goto(proxy.pageUrl);
    // A short hold keeps the test quick if the server answers the held poll only at its timeout.
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: ['room:1', 'room:2'], options: { transports: ['poll'], pollTimeout: 5 } });
    await waitFor(async () => (await state(page)).state === 'connected', { what: 'connected over long-poll' });
    assert.equal((await state(page)).transport, 'poll');

    // Long-poll is stateless: the server API acts on the poll being held. One that arrives between
    // two polls finds none (and changes nothing), so it is sent again until the page shows it.
    await waitFor(async () => {
      await gateway.unsubscribe('lea', 'room:1');
      return endsOf(await seen(page)).length > 0;
    }, { interval: 500, what: 'a poll answer without room:1' });
    assert.deepEqual(endsOf(await seen(page)), [{ channel: 'room:1', reason: 'server' }]);
    await gateway.publish('room:1', { tag: 'not any more' });
    const kept = [{ data: { n: 1 } }];
    kept[0].id = await gateway.publish('room:2', kept[0].data);
    await waitFor(async () => channelView(await seen(page), 'room:2').length >= 1, { what: 'room:2 goes on' });
    assert.deepEqual(channelView(await seen(page), 'room:1'), [], 'room:1 ended: nothing for it');

    await waitFor(async () => (await gateway.disconnect('lea')).disconnected >= 1, { interval: 200, what: 'a held poll disconnected' });
    await waitFor(async () => (await state(page)).state === 'closed', { what: 'state closed' });
    assert.deepEqual(await state(page), { state: 'closed', closeReason: { code: 4410, reason: 'disconnected' }, transport: 'poll' });
    const polls = proxy.requests.filter((r) => r.path === '/poll').length;
    await page.evaluate(() => window.rt.connect()); // the same token: no attempt
    const s = await seen(page);
    assert.equal(proxy.requests.filter((r) => r.path === '/poll').length, polls, 'no poll after the close');
    assert.deepEqual(s.errors.map((e) => [e.code, e.closeCode ?? null]), [['disconnected', 4410], ['token_unchanged', null]]);
    assert.deepEqual(s.retries, []);
    assert.deepEqual(channelView(s, 'room:2'), kept);
    assert.deepEqual(stateNames(s), ['connecting', 'connected', 'closed']);
  } finally {
    await cleanup.run();
  }
});
