// Issue 15: the JavaScript client's presence API (docs/protocol.md §9) in real Chromium, against
// the packaged gateway with a namespace `chat: {presence: true, join_leave: true}` (its YAML file
// given with --config). Two users with `info` in their tokens: on WebSocket, page A sees B join
// (with B's info), presence() lists both, B leaves and A sees it. On SSE the same join/leave
// arrive as events of the Subscription, presence() refuses clearly (the backend asks
// GET /api/presence instead), and a long-poll page gets them while its poll is held.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Cleanup, GatewayProcess, SeverableProxy, TENANT, launchBrowser, mintToken, waitFor } from './harness.js';
import { CLIENT_PATH, serveClient, startClient } from './client-pages.js';

const CHANNEL = 'chat:1';
const seen = (page) => page.evaluate(() => window.seen);
const membersOf = async (page, user) => (await seen(page)).members.filter((m) => m.user === user);
const presence = (page) => page.evaluate((ch) => window.subs[ch].presence()
  .then((clients) => ({ clients }), (e) => ({ error: { code: e.code, message: e.message } })), CHANNEL);
const byUser = (clients) => clients.map(({ user, info }) => ({ user, info })).sort((a, b) => a.user.localeCompare(b.user));

/** The gateway with the presence namespace in a --config file (namespaces are YAML only). */
async function startGateway(cleanup, env = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rtgw-presence-'));
  cleanup.add('remove config dir', () => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'rtgw.yml');
  writeFileSync(config, 'namespaces:\n  chat: { presence: true, join_leave: true }\n');
  return GatewayProcess.start(cleanup, env, { args: ['--config', config] });
}

/** Opens the test page in `page` and starts the client as `user` (token with info {name}) on chat:1. */
async function openAs(page, proxy, user, options = {}) {
  const token = mintToken({ sub: user, channels: ['chat:*'], info: { name: user.toUpperCase() } });
  await page.exposeFunction('freshToken', () => token);
  await page.goto(proxy.pageUrl);
  await page.evaluate(startClient, { module: CLIENT_PATH, channels: [CHANNEL], options });
  // WebSocket confirms the subscribe; SSE and long-poll are subscribed once connected.
  await waitFor(() => page.evaluate((ch) => window.rt.state === 'connected'
    && (window.rt.transport !== 'websocket' || window.seen.subscribed.some((s) => s.channel === ch)), CHANNEL),
  { what: `${user} subscribed` });
}

/** Nothing of join/leave reached the app as a message, and nothing went wrong. */
async function noStrayMessages(page) {
  const s = await seen(page);
  assert.deepEqual(s.messages.filter((m) => String(m.event).startsWith('rtgw.')), [], 'join/leave are never messages');
  assert.deepEqual(s.errors, []);
}

test('WebSocket: A sees B join with its info, presence() lists both, B leaves', async () => {
  const cleanup = new Cleanup();
  try {
    const gateway = await startGateway(cleanup);
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { context, page: a } = await launchBrowser(cleanup);
    const b = await context.newPage();

    await openAs(a, proxy, 'ana');
    const own = await waitFor(async () => (await membersOf(a, 'ana'))[0], { what: 'A sees its own join' });
    assert.deepEqual({ ...own, client: undefined }, { kind: 'join', channel: CHANNEL, client: undefined, user: 'ana', info: { name: 'ANA' } });

    await openAs(b, proxy, 'ben');
    const [join] = await waitFor(async () => { const m = await membersOf(a, 'ben'); return m.length && m; }, { what: 'A sees B join' });
    assert.deepEqual({ ...join, client: undefined }, { kind: 'join', channel: CHANNEL, client: undefined, user: 'ben', info: { name: 'BEN' } });
    assert.equal(typeof join.client, 'string');
    assert.notEqual(join.client, own.client);

    // B's entry is written beside its join, not before it: asked until it is there.
    const both = await waitFor(async () => { const r = await presence(a); return r.clients?.length === 2 && r.clients; },
      { interval: 200, what: 'presence() lists A and B' });
    assert.deepEqual(byUser(both), [{ user: 'ana', info: { name: 'ANA' } }, { user: 'ben', info: { name: 'BEN' } }]);
    assert.deepEqual(both.map((c) => c.client).sort(), [own.client, join.client].sort());
    for (const c of both) assert.ok(Number.isInteger(c.since) && c.since > 1.6e9, `since in Unix seconds: ${c.since}`);
    const fromB = await presence(b);
    assert.deepEqual(byUser(fromB.clients), byUser(both), 'B gets the same set');

    await b.evaluate(() => window.rt.close());
    const [, leave] = await waitFor(async () => { const m = await membersOf(a, 'ben'); return m.length >= 2 && m; }, { what: 'A sees B leave' });
    assert.deepEqual(leave, { kind: 'leave', channel: CHANNEL, client: join.client, user: 'ben', info: { name: 'BEN' } });
    const alone = await waitFor(async () => { const r = await presence(a); return r.clients?.length === 1 && r.clients; },
      { interval: 200, what: 'presence() without B' });
    assert.deepEqual(byUser(alone), [{ user: 'ana', info: { name: 'ANA' } }]);
    assert.deepEqual((await membersOf(a, 'ben')).map((m) => m.kind), ['join', 'leave']);
    await noStrayMessages(a);
  } finally {
    await cleanup.run();
  }
});

test('SSE and long-poll: join/leave arrive as Subscription events; presence() points to GET /api/presence', async () => {
  const cleanup = new Cleanup();
  try {
    // SSE authenticates with ?token= here, so that three users can share one browser profile
    // (a cookie would be one for all of them).
    const gateway = await startGateway(cleanup, { RTGW_QUERY_TOKEN: 'true' });
    const proxy = await SeverableProxy.start(cleanup, gateway.publicPort);
    serveClient(proxy);
    const { context, page: a } = await launchBrowser(cleanup);
    const c = await context.newPage();
    const b = await context.newPage();

    await openAs(a, proxy, 'ana', { transports: ['sse'], queryToken: true });
    assert.equal(await a.evaluate(() => window.rt.transport), 'sse');
    // A short hold, so that C is between polls now and then, as a real long-poll client is.
    await openAs(c, proxy, 'cid', { transports: ['poll'], pollTimeout: 5 });
    await waitFor(async () => (await membersOf(a, 'cid')).length >= 1, { what: 'A (SSE) sees the long-poll client join' });

    const refused = await presence(a);
    assert.equal(refused.error?.code, 'not_supported');
    assert.match(refused.error.message, /GET \/api\/presence/);

    // Long-poll is stateless: a join or leave while C is between two polls is not seen by C
    // (docs/protocol.md §4). So B comes and goes until C has seen both once; A, on SSE, sees
    // every one of them.
    for (let round = 1; ; round++) {
      if (round === 1) await openAs(b, proxy, 'ben');
      else await b.evaluate(() => window.rt.connect());
      await waitFor(async () => (await membersOf(a, 'ben')).length === 2 * round - 1, { what: `A sees B join (round ${round})` });
      if (round === 1) {
        // What the app's backend asks instead (docs/protocol.md §7): every connection, B included.
        const query = `/api/presence?tenant=${TENANT}&channel=${encodeURIComponent(CHANNEL)}`;
        const api = await waitFor(async () => { const r = await gateway.api('GET', query); return r.clients.length === 3 && r; },
          { interval: 200, what: 'GET /api/presence lists A, B and C' });
        assert.deepEqual(byUser(api.clients), [{ user: 'ana', info: { name: 'ANA' } }, { user: 'ben', info: { name: 'BEN' } },
          { user: 'cid', info: { name: 'CID' } }]);
      }
      await b.evaluate(() => window.rt.close());
      await waitFor(async () => (await membersOf(a, 'ben')).length === 2 * round, { what: `A sees B leave (round ${round})` });
      const kinds = new Set((await membersOf(c, 'ben')).map((m) => m.kind));
      if (kinds.has('join') && kinds.has('leave')) break;
      assert.ok(round < 30, 'the long-poll page saw a join and a leave of B within 30 rounds');
    }

    const atA = await membersOf(a, 'ben');
    assert.deepEqual(atA.map((m) => m.kind), atA.map((_, i) => (i % 2 ? 'leave' : 'join')), 'A: join, leave, join, leave…');
    for (const m of atA) assert.deepEqual({ ...m, client: undefined }, { kind: m.kind, channel: CHANNEL, client: undefined, user: 'ben', info: { name: 'BEN' } });
    for (const m of await membersOf(c, 'ben')) assert.ok(atA.some((x) => x.kind === m.kind && x.client === m.client), 'C saw what A saw');
    await noStrayMessages(a);
    await noStrayMessages(c);
  } finally {
    await cleanup.run();
  }
});
