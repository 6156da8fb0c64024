// Issue 8, part 2: a proxy that refuses WebSocket upgrades (403, like a corporate proxy). The
// client falls back to SSE and delivers; with event streams blocked too, to long-poll. The choice
// is remembered for the tab's session: a reload goes straight to what worked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient, stateNames } from './client-pages.js';
import { setTokenCookie } from './pages.js';

const CHANNEL = 'room:7';
const seen = (page) => page.evaluate(() => window.seen);

async function publishAndCheck(gateway, page, n, tag) {
  const before = (await seen(page)).messages.length;
  const published = [];
  for (let i = 0; i < n; i++) published.push({ id: await gateway.publish(CHANNEL, { tag, i }), data: { tag, i } });
  await waitFor(async () => (await seen(page)).messages.length >= before + n, { what: `${tag}: ${n} messages` });
  const s = await seen(page);
  assert.deepEqual(channelView(s, CHANNEL).slice(before), published, `${tag}: in order, once`);
  assert.equal(s.messages.length, before + n, `${tag}: nothing more`);
}

test('upgrades refused: SSE delivers; SSE blocked too: long-poll delivers; the choice is remembered', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    proxy.refuse.add('/ws');
    const { context, page } = await launchBrowser(cleanup);
    const token = () => mintToken({ sub: 'frank', channels: ['room:*'] });
    await context.exposeFunction('freshToken', token);
    await page.goto(proxy.pageUrl);
    await page.evaluate(setTokenCookie, token()); // EventSource authenticates with the cookie
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: [CHANNEL] });
    await waitFor(async () => (await seen(page)).states.some((s) => s.state === 'connected'), { what: 'connected over SSE' });
    let s = await seen(page);
    assert.equal(await page.evaluate(() => window.rt.transport), 'sse');
    assert.deepEqual(s.fallbacks, ['sse']);
    assert.ok(proxy.refusals >= 2, 'WebSocket was tried (fallbackAfter: 2) and refused');
    assert.deepEqual(stateNames(s), ['connecting', 'connected']);
    await publishAndCheck(gateway, page, 5, 'sse');
    assert.equal(await gateway.metric('rtgw_connections{transport="sse"}'), 1);
    assert.equal(await gateway.metric('rtgw_connections{transport="websocket"}'), 0);

    // The same tab reloaded: sessionStorage remembers SSE, the refused upgrade is not tried again.
    const refusals = proxy.refusals;
    await page.reload();
    await page.evaluate(startClient, { module: CLIENT_PATH, channels: [CHANNEL] });
    await waitFor(async () => (await seen(page)).states.some((x) => x.state === 'connected'), { what: 'connected after reload' });
    assert.equal(await page.evaluate(() => window.rt.transport), 'sse');
    assert.equal(proxy.refusals, refusals, 'no WebSocket attempt after the reload');

    // Event streams blocked as well, in a new tab (a new session): WebSocket, SSE, then long-poll.
    proxy.refuse.add('/sse');
    const tab = await context.newPage();
    await tab.goto(proxy.pageUrl);
    await tab.evaluate(startClient, { module: CLIENT_PATH, channels: [CHANNEL] });
    await waitFor(async () => (await seen(tab)).states.some((x) => x.state === 'connected'), { what: 'connected over long-poll' });
    s = await seen(tab);
    assert.equal(await tab.evaluate(() => window.rt.transport), 'poll');
    assert.deepEqual(s.fallbacks, ['sse', 'poll']);
    assert.deepEqual(stateNames(s), ['connecting', 'connected']);
    assert.equal(s.errors.length, 0, JSON.stringify(s.errors));
    await publishAndCheck(gateway, tab, 5, 'poll');
  } finally {
    await cleanup.run();
  }
});
