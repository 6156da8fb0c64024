// Issue 14: what the server API (docs/protocol.md §7) does to the JavaScript client in real
// Chromium, over WebSocket. The test plays the app beside the gateway: it calls the admin
// listener's /api/disconnect, /api/revoke and /api/unsubscribe with the API key, and hands the page
// its tokens through token() (window.freshToken).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient, stateNames } from './client-pages.js';

const seen = (page) => page.evaluate(() => window.seen);
/** Ended subscriptions as {channel, reason} (an ended-by-error one would also carry `code`). */
const endsOf = (s) => s.ends.map(({ channel, reason }) => ({ channel, reason }));
const state = (page) => page.evaluate(() => ({ state: window.rt.state, closeReason: window.rt.closeReason, transport: window.rt.transport }));

/** Publishes `n` messages to `channel`; returns them as the page should see them. */
async function publishSome(gateway, channel, n, tag) {
  const published = [];
  for (let i = 0; i < n; i++) published.push({ id: await gateway.publish(channel, { tag, i }), data: { tag, i } });
  return published;
}

/** A gateway, the proxy serving the client on its origin, and a page whose token() answers tokens.current. */
async function setUp(cleanup, tokens) {
  const gateway = await GatewayProcess.start(cleanup);
  const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
  serveClient(proxy);
  const { page } = await launchBrowser(cleanup);
  await page.exposeFunction('freshToken', () => tokens.current);
  await page.goto(proxy.pageUrl);
  return { gateway, proxy, page };
}

const subscribedTo = async (page, channel, times = 1) =>
  (await seen(page)).subscribed.filter((s) => s.channel === channel).length >= times;

test('disconnect with reconnect: true (4010): the client comes back by itself and loses nothing', async () => {
  const cleanup = new Cleanup();
  try {
    const tokens = { current: mintToken({ sub: 'hana', channels: ['room:*'] }) };
    const { gateway, page } = await setUp(cleanup, tokens);
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: ['room:1'] });
    await waitFor(() => subscribedTo(page, 'room:1'), { what: 'subscribed' });
    const published = await publishSome(gateway, 'room:1', 3, 'before');
    await waitFor(async () => channelView(await seen(page), 'room:1').length >= 3, { what: 'the first messages' });

    assert.equal((await gateway.disconnect('hana', { reconnect: true })).disconnected, 1);
    await waitFor(async () => stateNames(await seen(page)).filter((s) => s === 'connected').length === 2, { what: 'connected again' });
    published.push(...await publishSome(gateway, 'room:1', 3, 'after'));
    await waitFor(async () => channelView(await seen(page), 'room:1').length >= published.length, { what: 'every message' });

    const s = await seen(page);
    assert.deepEqual(channelView(s, 'room:1'), published, 'every message once, in order');
    assert.deepEqual(stateNames(s), ['connecting', 'connected', 'reconnecting', 'connected']);
    assert.deepEqual(s.retries.map((r) => r.code), [4010], 'one reconnect, on the backoff schedule');
    assert.deepEqual(s.errors, []);
    assert.equal((await state(page)).closeReason, null);
    assert.equal(await gateway.metric('rtgw_connections_opened_total{transport="websocket"}'), 2);
  } finally {
    await cleanup.run();
  }
});

test('disconnect (4410) and revoke: state closed with the reason, until token() gives a new token', async () => {
  const cleanup = new Cleanup();
  try {
    // Issued a few seconds ago: a revocation covers tokens whose iat is earlier than the call.
    const earlier = Math.floor(Date.now() / 1000) - 5;
    const tokens = { current: mintToken({ sub: 'ida', channels: ['room:*'], iat: earlier, jti: 'first' }) };
    const { gateway, page } = await setUp(cleanup, tokens);
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: ['room:1'] });
    await waitFor(() => subscribedTo(page, 'room:1'), { what: 'subscribed' });
    const published = await publishSome(gateway, 'room:1', 2, 'before');
    await waitFor(async () => channelView(await seen(page), 'room:1').length >= 2, { what: 'the first messages' });

    // The app throws the user out: 4410 disconnected.
    assert.equal((await gateway.disconnect('ida')).disconnected, 1);
    await waitFor(async () => (await state(page)).state === 'closed', { what: 'state closed' });
    assert.deepEqual((await state(page)).closeReason, { code: 4410, reason: 'disconnected' });
    let s = await seen(page);
    assert.deepEqual(s.errors.map((e) => [e.code, e.closeCode]), [['disconnected', 4410]]);
    assert.deepEqual(s.retries, [], 'no reconnect was scheduled');
    await waitFor(async () => (await gateway.metric('rtgw_connections{transport="websocket"}')) === 0, { what: 'the socket closed' });

    // token() still gives the token that was thrown out: connect() makes no attempt.
    await page.evaluate(() => window.rt.connect());
    s = await seen(page);
    assert.deepEqual(s.errors.map((e) => e.code), ['disconnected', 'token_unchanged']);
    assert.equal((await state(page)).state, 'closed');
    assert.equal(await gateway.metric('rtgw_connections_opened_total{transport="websocket"}'), 1);

    // The user logs in again: a new token, connect(), and what was published meanwhile arrives.
    published.push(...await publishSome(gateway, 'room:1', 2, 'while closed'));
    tokens.current = mintToken({ sub: 'ida', channels: ['room:*'], iat: earlier, jti: 'second' });
    await page.evaluate(() => window.rt.connect());
    await waitFor(async () => (await state(page)).state === 'connected', { what: 'connected with the new token' });
    assert.equal((await state(page)).closeReason, null);
    published.push(...await publishSome(gateway, 'room:1', 2, 'after'));
    await waitFor(async () => channelView(await seen(page), 'room:1').length >= published.length, { what: 'every message' });
    assert.deepEqual(channelView(await seen(page), 'room:1'), published, 'resumed with since: nothing lost, nothing twice');

    // The app revokes the user's tokens: 4410 revoked, and again nothing until a token issued after it.
    await gateway.revoke('ida');
    await waitFor(async () => (await state(page)).state === 'closed', { what: 'state closed after revoke' });
    assert.deepEqual((await state(page)).closeReason, { code: 4410, reason: 'revoked' });
    tokens.current = mintToken({ sub: 'ida', channels: ['room:*'], iat: Math.floor(Date.now() / 1000) + 2, jti: 'third' });
    await page.evaluate(() => window.rt.connect());
    await waitFor(async () => (await state(page)).state === 'connected', { what: 'connected with a token issued after the revocation' });

    s = await seen(page);
    assert.deepEqual(stateNames(s), ['connecting', 'connected', 'closed', 'reconnecting', 'connected', 'closed', 'reconnecting', 'connected']);
    assert.deepEqual(s.errors.map((e) => [e.code, e.closeCode ?? null]),
      [['disconnected', 4410], ['token_unchanged', null], ['revoked', 4410]]);
    assert.deepEqual(s.retries, [], 'the client never reconnected by itself');
    assert.deepEqual(s.ends, [], 'the subscription outlived the closes');
    assert.equal(await gateway.metric('rtgw_connections_opened_total{transport="websocket"}'), 3);
  } finally {
    await cleanup.run();
  }
});

test('unsubscribe through the server API ends the Subscription; a new subscribe is judged again', async () => {
  const cleanup = new Cleanup();
  try {
    const tokens = { current: mintToken({ sub: 'jo', channels: ['room:*'] }) };
    const { gateway, page } = await setUp(cleanup, tokens);
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: ['room:1', 'room:2'] });
    await waitFor(async () => (await subscribedTo(page, 'room:1')) && (await subscribedTo(page, 'room:2')), { what: 'subscribed' });

    await gateway.unsubscribe('jo', 'room:1');
    await waitFor(async () => (await seen(page)).ends.length >= 1, { what: 'the subscription ended' });
    assert.deepEqual(endsOf(await seen(page)), [{ channel: 'room:1', reason: 'server' }]);
    await gateway.publish('room:1', { tag: 'not any more' });
    const kept = await publishSome(gateway, 'room:2', 1, 'kept');
    await waitFor(async () => channelView(await seen(page), 'room:2').length >= 1, { what: 'room:2 goes on' });
    assert.deepEqual(channelView(await seen(page), 'room:1'), [], 'room:1 ended: nothing for it');

    await page.evaluate(() => window.subscribeChannel('room:1'));
    await waitFor(() => subscribedTo(page, 'room:1', 2), { what: 'subscribed again' });
    const again = await publishSome(gateway, 'room:1', 1, 'again');
    await waitFor(async () => channelView(await seen(page), 'room:1').length >= 1, { what: 'room:1 again' });

    const s = await seen(page);
    assert.deepEqual(channelView(s, 'room:1'), again);
    assert.deepEqual(channelView(s, 'room:2'), kept);
    assert.deepEqual(stateNames(s), ['connecting', 'connected'], 'the connection stayed');
    assert.deepEqual(s.errors, []);
  } finally {
    await cleanup.run();
  }
});
