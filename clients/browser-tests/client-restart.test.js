// Issue 8, part 2: a deploy. The gateway drains (SIGTERM, RTGW_DRAIN) and a new process starts on
// the same ports: 20 tabs running the client reconnect spread over time, not in one burst, and —
// the embedded broker starts empty — each is told `gap` rather than silently missing messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, channelView, serveClient, startClient, stateNames } from './client-pages.js';

const TABS = 20;
const CHANNEL = 'news:1';

test('a drained restart: 20 tabs reconnect spread over time and each sees gap (embedded broker)', async () => {
  const cleanup = new Cleanup();
  try {
    // 6 s: the closes are spread over the drain, and the test checks they are more than 1 s apart
    // even if a busy machine bunches some of them.
    const gateway = await GatewayProcess.start(cleanup, { RTGW_DRAIN: '6s' });
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { context, page: first } = await launchBrowser(cleanup);
    await context.exposeFunction('freshToken', () => mintToken({ sub: 'reader', channels: ['news:*'] }));
    const pages = [first];
    while (pages.length < TABS) pages.push(await context.newPage());
    await Promise.all(pages.map(async (page) => {
      await page.goto(proxy.pageUrl);
      await page.evaluate(startClient, { module: CLIENT_PATH, channels: [CHANNEL] });
    }));
    const all = () => Promise.all(pages.map((p) => p.evaluate(() => window.seen)));
    await waitFor(async () => (await all()).every((s) => s.subscribed.some((x) => x.channel === CHANNEL)),
      { what: 'every tab subscribed' });
    assert.equal(await gateway.metric('rtgw_connections{transport="websocket"}'), TABS);

    const before = [];
    for (let n = 0; n < 3; n++) before.push({ id: await gateway.publish(CHANNEL, { n }), data: { n } });
    await waitFor(async () => (await all()).every((s) => s.messages.length === 3), { what: 'the first messages in every tab' });

    const restartAt = Date.now();
    await gateway.restart();
    await waitFor(async () => (await all()).every((s) => s.messages.some((m) => m.gap)),
      { timeout: 90000, what: 'gap in every tab after the restart' }).catch(async (e) => {
      for (const s of (await all()).slice(0, 4)) console.log(JSON.stringify({ st: s.states.map((x) => [x.state, x.at - restartAt]), r: s.retries.map((x) => [x.code, x.delay, x.at - restartAt]), m: s.messages, sub: s.subscribed.map((x) => [x.channel, x.recovered, x.at - restartAt]) }));
      console.log(gateway.output.slice(-30).join('\n'));
      throw e;
    });

    const after = [];
    for (let n = 3; n < 6; n++) after.push({ id: await gateway.publish(CHANNEL, { n }), data: { n } });
    await waitFor(async () => (await all()).every((s) => s.messages.length === 7), { what: 'the new messages in every tab' });

    const seen = await all();
    for (const [i, s] of seen.entries()) {
      assert.deepEqual(channelView(s, CHANNEL), [...before, { gap: true }, ...after], `tab ${i}: old messages, gap, new ones`);
      assert.deepEqual(stateNames(s).slice(0, 3), ['connecting', 'connected', 'reconnecting'], `tab ${i}`);
      assert.equal(stateNames(s).at(-1), 'connected', `tab ${i}`);
      assert.ok(s.retries.some((r) => r.code === 1012), `tab ${i} was told 1012 (restart) by the draining node`);
      assert.equal(s.errors.length, 0, `tab ${i}: ${JSON.stringify(s.errors)}`);
    }
    // When each tab was back for good: its last 'connected'.
    const back = seen.map((s) => s.states.filter((x) => x.state === 'connected').at(-1).at).sort((a, b) => a - b);
    const told = seen.map((s) => s.retries.find((r) => r.code === 1012).at).sort((a, b) => a - b);
    // The tabs' own spreading is the jitter each drew for its 1012 retry, so that is what is checked:
    // when they actually got back depends on how fast the freshly started (cold) gateway answers,
    // which a busy machine can squeeze into one burst however well the tabs spread their attempts.
    const jitter = seen.map((s) => s.retries.find((r) => r.code === 1012).delay).sort((a, b) => a - b);
    const spread = { told: told.at(-1) - told[0], jitter: jitter.at(-1) - jitter[0] };
    console.log(`restart: 1012 spread over ${spread.told} ms; retry jitter over ${spread.jitter} ms; `
      + `tabs back from +${back[0] - restartAt} ms to +${back.at(-1) - restartAt} ms`);
    assert.ok(spread.told > 1000, `the drain told the tabs over more than 1 s (${spread.told} ms)`);
    assert.ok(spread.jitter > 1000, `the tabs spread their reconnects over more than 1 s, not one burst (${spread.jitter} ms)`);
    assert.equal(await gateway.metric('rtgw_connections{transport="websocket"}'), TABS, 'one connection per tab again');
  } finally {
    await cleanup.run();
  }
});
