// Issue 4: an EventSource authenticated by a short-lived cookie. The page renews the cookie when
// the gateway warns (rtgw.expiring); at exp the gateway still ends the stream (rtgw.close
// {reason: token_expired} — SSE cannot carry a refresh), and the browser's own reconnect carries
// the new cookie and Last-Event-ID: no message published across the expiry is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { openEventSource, setTokenCookie } from './pages.js';

const CHANNELS = ['room:1', 'room:2'];
// Lifetimes for a busy machine: the cookie's token must outlive the first stream's setup (a cold
// gateway's first connection took up to 17 s under load), and the lead must cover the page renewing
// its cookie through token() before exp. Tokens carry whole-second exp: they live TTL - 1 to TTL s.
const TTL = 30;
const LEAD = 25; // rtgw.expiring 4-5 s after the token is minted
const seen = (page) => page.evaluate(() => window.seen);
const ofType = (events, type) => events.filter((e) => e.type === type);

test('a cookie renewed on rtgw.expiring rides through the token_expired close without losing a message', async () => {
  const cleanup = new Cleanup();
  let publishing = true;
  try {
    const gateway = await GatewayProcess.start(cleanup, { RTGW_JWT_SKEW: '0s', RTGW_EXPIRING_LEAD: `${LEAD}s` });
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    const { page } = await launchBrowser(cleanup);
    // The app's token endpoint, as far as the page is concerned: a fresh token for the same user.
    const renewals = [];
    await page.exposeFunction('freshToken', () => {
      renewals.push(Date.now());
      return mintToken({ sub: 'dave', channels: ['room:*'], ttl: 600 });
    });
    await page.goto(proxy.pageUrl);
    await page.evaluate(setTokenCookie, mintToken({ sub: 'dave', channels: ['room:*'], ttl: TTL }));
    const url = '/sse?' + CHANNELS.map((c) => 'channel=' + c).join('&');
    await page.evaluate(openEventSource, { url, renew: true });
    await waitFor(async () => ofType(await seen(page), 'rtgw.connected').length === 1, { what: 'rtgw.connected' });

    const published = Object.fromEntries(CHANNELS.map((c) => [c, []]));
    let round = 0;
    const publisher = (async () => {
      while (publishing) {
        for (const channel of CHANNELS) {
          const data = { n: published[channel].length };
          published[channel].push({ id: await gateway.publish(channel, data), data });
        }
        round++;
        await new Promise((r) => setTimeout(r, 50)); // pacing only, not synchronisation
      }
    })();
    cleanup.add('stop publisher', async () => { publishing = false; await publisher.catch(() => {}); });

    await waitFor(async () => ofType(await seen(page), 'renewed').length === 1, { what: 'the page renewing its cookie on rtgw.expiring' });
    await waitFor(async () => ofType(await seen(page), 'rtgw.close').length === 1, { what: 'rtgw.close at exp' });
    const roundAtClose = round;
    await waitFor(async () => ofType(await seen(page), 'rtgw.connected').length === 2, { what: 'the reconnect with the new cookie' });
    assert.ok(round > roundAtClose, 'messages were published while the page was between two streams');
    const roundAtReconnect = round;
    await waitFor(() => round >= roundAtReconnect + 5, { what: 'publishing after the reconnect' });
    publishing = false;
    await publisher;

    const total = CHANNELS.reduce((n, c) => n + published[c].length, 0);
    await waitFor(async () => ofType(await seen(page), 'message').length >= total, { what: `all ${total} messages` });
    const events = await seen(page);
    const expiring = ofType(events, 'rtgw.expiring');
    assert.ok(expiring.length >= 1 && expiring[0].data.in <= LEAD, 'warned within the configured lead');
    assert.deepEqual(ofType(events, 'rtgw.close').map((e) => e.data.reason), ['token_expired'], 'the old stream ended at exp, once');
    assert.equal(renewals.length, 1, 'one renewal; the second stream is not warned (its token lives 10 minutes)');
    for (const channel of CHANNELS) {
      const got = events.filter((e) => e.type === 'message' && e.data.channel === channel).map((e) => ({ id: e.data.id, data: e.data.data }));
      assert.deepEqual(got, published[channel], `${channel}: every message across the expiry, in order, once`);
    }
    assert.equal(ofType(events, 'rtgw.gap').length, 0, 'no gap');
    const again = ofType(events, 'rtgw.connected')[1].data;
    for (const channel of CHANNELS) assert.equal(again.recovered[channel], true, `${channel} resumed from Last-Event-ID`);
    assert.ok(!events.some((e) => e.type === 'error' && e.readyState === 2), 'EventSource never gave up');
  } finally {
    publishing = false;
    await cleanup.run();
  }
});
