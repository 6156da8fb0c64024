// Issue 8, part 2: the demo page a --dev node serves at / (it imports the client from /rtgw.js)
// shows the connection state as a banner. Connections cut and every transport refused at the
// proxy: the banner says "Reconnecting…"; let through again: "Connected". With
// RTGW_UPDATE_SCREENSHOTS=1 the reconnecting page is saved as docs/client-reconnecting.png.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, waitFor } from './harness.js';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

test('the --dev demo page shows "Reconnecting…" while the gateway is unreachable, then "Connected"', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await GatewayProcess.start(cleanup, {}, { args: ['--dev'] });
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    const { page } = await launchBrowser(cleanup);
    await page.setViewportSize({ width: 900, height: 640 });
    await page.goto(proxy.origin + '/');
    const banner = () => page.evaluate(() => {
      const b = document.getElementById('banner');
      return { text: b.textContent, cls: b.className };
    });
    await waitFor(async () => (await banner()).cls === 'connected', { what: 'the banner saying Connected' });
    assert.equal((await banner()).text, 'Connected');
    // Connected is the welcome; the page's subscribe may still be on its way, and a publication
    // made before it is not this subscriber's (a first subscribe starts at the head).
    await waitFor(async () => (await page.textContent('#log')).includes('subscribed room:1'), { what: 'the subscribe acknowledged' });
    await gateway.publish('room:1', { text: 'hello from the test' }, { tenant: 'demo' });
    await waitFor(async () => (await page.textContent('#log')).includes('hello from the test'), { what: 'the message in the log' });

    for (const p of ['/ws', '/sse', '/poll']) proxy.refuse.add(p);
    proxy.cut();
    await waitFor(async () => (await banner()).cls === 'reconnecting', { what: 'the banner saying Reconnecting' });
    assert.equal((await banner()).text, 'Reconnecting…');
    // Past the retry after the cut and the refused attempt after it (WebSocket 403, then the
    // reachability probe: /poll 403 from the proxy, not the gateway): still reconnecting, not stopped.
    const retries = async () => (await page.textContent('#log')).split('\n').filter((l) => l.startsWith('retrying in')).length;
    await waitFor(async () => proxy.refusals >= 2 && (await retries()) >= 2, { what: 'a refused attempt and its retry' });
    assert.equal((await banner()).cls, 'reconnecting', "a proxy's 403 is not the gateway refusing the token");
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtgw-shot-'));
    cleanup.add('remove screenshot dir', () => rmSync(dir, { recursive: true, force: true }));
    const shot = path.join(dir, 'client-reconnecting.png');
    await page.screenshot({ path: shot });
    assert.ok(statSync(shot).size > 10000, 'a real screenshot');
    if (process.env.RTGW_UPDATE_SCREENSHOTS === '1') copyFileSync(shot, path.join(DOCS, 'client-reconnecting.png'));

    proxy.refuse.clear();
    await waitFor(async () => (await banner()).cls === 'connected', { what: 'Connected again' });
    assert.equal(await page.evaluate(() => window.rt.transport), 'websocket', 'refused HTTP is no reason to leave WebSocket');
  } finally {
    await cleanup.run();
  }
});
