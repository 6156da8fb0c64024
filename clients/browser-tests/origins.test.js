// Issue 4: cookie tokens from a page on an allowed origin work over EventSource (withCredentials)
// and WebSocket; the same page on another origin is refused (cross-site WebSocket hijacking).
// Both page servers are on 127.0.0.1, so the page's cookie reaches the gateway either way
// (cookies ignore ports): only the Origin decides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLANK_PAGE, Cleanup, GatewayProcess, launchBrowser, mintToken, startPageServer, waitFor } from './harness.js';
import { openEventSource, openWebSocket, setTokenCookie } from './pages.js';

const seen = (page) => page.evaluate(() => window.seen);
const ORIGIN_FAILURES = 'rtgw_auth_failures_total{reason="origin"}';

async function setup(cleanup) {
  const allowed = await startPageServer(cleanup, BLANK_PAGE);
  const other = await startPageServer(cleanup, BLANK_PAGE);
  const gateway = await GatewayProcess.start(cleanup, { RTGW_ALLOWED_ORIGINS: allowed.origin });
  const { page } = await launchBrowser(cleanup);
  return { allowed, other, gateway, page };
}

test('a page on an allowed origin with a cookie token connects over EventSource and WebSocket', async () => {
  const cleanup = new Cleanup();
  try {
    const { allowed, gateway, page } = await setup(cleanup);
    await page.goto(allowed.origin + '/app');
    await page.evaluate(setTokenCookie, mintToken({ sub: 'carol', channels: ['room:*'] }));

    await page.evaluate(openEventSource, { url: `${gateway.publicOrigin}/sse?channel=room:5`, withCredentials: true });
    await waitFor(async () => (await seen(page)).some((e) => e.type === 'rtgw.connected'), { what: 'cross-origin EventSource connected' });
    const id = await gateway.publish('room:5', { via: 'sse' });
    await waitFor(async () => (await seen(page)).some((e) => e.type === 'message'), { what: 'the message over SSE' });
    const message = (await seen(page)).find((e) => e.type === 'message');
    assert.deepEqual(message.data, { channel: 'room:5', id, data: { via: 'sse' } });
    await page.evaluate(() => window.es.close());

    // The cookie alone authenticates: only rtgw.v1 is offered, no token in the subprotocol.
    await page.evaluate(openWebSocket, { url: `ws://127.0.0.1:${gateway.publicPort}/ws`, protocols: ['rtgw.v1'], channels: ['room:5'] });
    await waitFor(async () => (await seen(page)).some((m) => m.type === 'subscribed' && m.channel === 'room:5'), { what: 'WebSocket subscribed' });
    const welcome = (await seen(page)).find((m) => m.type === 'welcome');
    assert.equal(welcome.user, 'carol');
    const wsId = await gateway.publish('room:5', { via: 'ws' });
    await waitFor(async () => (await seen(page)).some((m) => m.type === 'message'), { what: 'the message over WebSocket' });
    const m = (await seen(page)).find((f) => f.type === 'message');
    assert.deepEqual({ channel: m.channel, id: m.id, data: m.data }, { channel: 'room:5', id: wsId, data: { via: 'ws' } });
    assert.equal(await gateway.metric(ORIGIN_FAILURES), 0);
  } finally {
    await cleanup.run();
  }
});

test('the same page on another origin is refused: WebSocket fails, EventSource errors', async () => {
  const cleanup = new Cleanup();
  try {
    const { other, gateway, page } = await setup(cleanup);
    await page.goto(other.origin + '/evil');
    // A valid token in the cookie: the refusal can only come from the Origin check.
    await page.evaluate(setTokenCookie, mintToken({ sub: 'carol', channels: ['room:*'] }));

    await page.evaluate(openEventSource, { url: `${gateway.publicOrigin}/sse?channel=room:5`, withCredentials: true });
    await waitFor(async () => (await seen(page)).some((e) => e.type === 'error'), { what: 'EventSource error' });
    let events = await seen(page);
    assert.equal(await page.evaluate(() => window.es.readyState), 2, 'EventSource.CLOSED: refused for good, no retry');
    assert.ok(!events.some((e) => e.type === 'open' || e.type === 'rtgw.connected' || e.type === 'message'));

    await page.evaluate(openWebSocket, { url: `ws://127.0.0.1:${gateway.publicPort}/ws`, protocols: ['rtgw.v1'], channels: ['room:5'] });
    await waitFor(async () => (await seen(page)).some((m) => m.type === 'close'), { what: 'WebSocket closed' });
    events = await seen(page);
    assert.ok(events.some((m) => m.type === 'error'), 'the handshake failed');
    assert.ok(!events.some((m) => m.type === 'open' || m.type === 'welcome'), 'never opened');
    assert.equal(events.find((m) => m.type === 'close').code, 1006);
    await waitFor(async () => (await gateway.metric(ORIGIN_FAILURES)) === 2, { what: 'two origin refusals counted' });
  } finally {
    await cleanup.run();
  }
});

// Issue 13: with no allow-list at all, the cookie is accepted from the gateway's own origin only
// (the same-origin pages of the other tests keep working); a page elsewhere gets 4403 after the upgrade.
test('without an allow-list a page on another origin cannot ride on the cookie: WebSocket 4403, EventSource refused', async () => {
  const cleanup = new Cleanup();
  try {
    const other = await startPageServer(cleanup, BLANK_PAGE);
    const gateway = await GatewayProcess.start(cleanup);
    const { page } = await launchBrowser(cleanup);
    await page.goto(other.origin + '/evil');
    await page.evaluate(setTokenCookie, mintToken({ sub: 'carol', channels: ['room:*'] }));

    await page.evaluate(openWebSocket, { url: `ws://127.0.0.1:${gateway.publicPort}/ws`, protocols: ['rtgw.v1'], channels: ['room:5'] });
    await waitFor(async () => (await seen(page)).some((m) => m.type === 'close'), { what: 'WebSocket closed' });
    let events = await seen(page);
    assert.ok(!events.some((m) => m.type === 'welcome'), 'never welcomed');
    assert.equal(events.find((m) => m.type === 'close').code, 4403);

    await page.evaluate(openEventSource, { url: `${gateway.publicOrigin}/sse?channel=room:5`, withCredentials: true });
    await waitFor(async () => (await seen(page)).some((e) => e.type === 'error'), { what: 'EventSource error' });
    events = await seen(page);
    assert.equal(await page.evaluate(() => window.es.readyState), 2, 'EventSource.CLOSED: refused for good, no retry');
    assert.ok(!events.some((e) => e.type === 'rtgw.connected' || e.type === 'message'));
    await waitFor(async () => (await gateway.metric(ORIGIN_FAILURES)) === 2, { what: 'two origin refusals counted' });
  } finally {
    await cleanup.run();
  }
});
