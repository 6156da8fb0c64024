// Issue 16: the drop-in sidecar (examples/sidecar), run exactly as its README says without Docker
// (run.sh: the jar, the Express app, nginx in front of both on one origin). The page has no token
// code: the gateway asks the app's connect hook about the session cookie, and its subscribe hook
// about project:* channels. Logged in through the form, the page sees live messages; the app
// revokes a permission (its table + /api/unsubscribe): the live subscription ends and a new
// subscribe is refused; logging out ends the connection, and the hook refuses a new one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Cleanup, launchBrowser, waitFor, within } from './harness.js';

const RUN_SH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'sidecar', 'run.sh');
const API_KEY = 'sidecar-test-' + Math.random().toString(36).slice(2).padEnd(12, 'x');

/** run.sh as a child; resolves with the URL it prints and the gateway's admin origin. */
async function startExample(cleanup) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RTGW_') && k !== 'PORT'));
  env.RTGW_API_KEY = API_KEY;
  const proc = spawn('bash', [RUN_SH], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  cleanup.add('stop run.sh (it stops nginx, the app and the gateway by PID)', async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await within(14000, exited, 'run.sh exit');
  });
  const output = [];
  let url = null;
  let admin = null;
  for (const stream of [proc.stdout, proc.stderr]) {
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        output.push(line);
        url ??= /sidecar: open (http:\/\/\S+)/.exec(line)?.[1] ?? null;
        admin ??= /gateway admin API: (http:\/\/\S+)/.exec(line)?.[1] ?? null;
      }
    });
  }
  await within(150000, Promise.race([
    waitFor(() => url && admin, { timeout: 150000, what: 'run.sh printing the URL' }),
    exited.then((e) => { throw new Error(`run.sh exited (${JSON.stringify(e)}):\n${output.slice(-30).join('\n')}`); }),
  ]), 'run.sh start');
  return { url, admin, output };
}

/** Signs in through the app's own form, as a browser would, and returns the session cookie. */
async function login(url, user) {
  const res = await fetch(url + '/login', {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ user, password: `${user}-demo` }),
  });
  assert.equal(res.status, 303);
  return res.headers.get('set-cookie').split(';')[0];
}

test('the sidecar example: log in, live messages, a revoked channel ends and is refused, log out ends the connection', async () => {
  const cleanup = new Cleanup();
  try {
    const { url, admin } = await startExample(cleanup);
    const { page } = await launchBrowser(cleanup);
    const status = (channel) => page.textContent(`#channels li[data-channel="${channel}"] .status`);
    const log = () => page.textContent('#log');

    await page.goto(url + '/');
    assert.match(page.url(), /\/login$/, 'not signed in: the app sends the browser to its form');
    await page.fill('input[name=user]', 'bob');
    await page.fill('input[name=password]', 'bob-demo');
    await page.click('button[type=submit]');
    await waitFor(async () => (await page.getAttribute('#state', 'data-state')) === 'connected', { what: 'connected with the session cookie alone' });
    assert.equal(await page.evaluate(() => window.rt.transport), 'websocket');
    await waitFor(async () => (await status('news:general')) === 'subscribed', { what: 'news:general (granted by the connect answer)' });
    await waitFor(async () => (await status('project:apollo')) === 'subscribed', { what: 'project:apollo (allowed by the subscribe hook)' });

    // The page's own form: the app publishes through the gateway's /api/publish.
    await page.selectOption('#publish select', 'project:apollo');
    await page.fill('#publish input[name=text]', 'hello apollo');
    await page.click('#publish button');
    await waitFor(async () => (await log()).includes('project:apollo · Bob: hello apollo'), { what: 'the live message on the page' });

    // Alice (an admin of the app) revokes Bob's permission in the app.
    const alice = await login(url, 'alice');
    const revoke = await fetch(url + '/permissions', {
      method: 'POST', headers: { cookie: alice, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'bob', channel: 'project:apollo', allow: false }),
    });
    assert.equal(revoke.status, 200, await revoke.text());
    await waitFor(async () => (await status('project:apollo')) === 'ended (server)', { what: 'the live subscription ended by /api/unsubscribe' });
    await page.click('#channels li[data-channel="project:apollo"] button');
    await waitFor(async () => (await status('project:apollo')) === 'refused (forbidden)', { what: 'a new subscribe refused by the subscribe hook' });

    // The connection itself stays: a message on a channel Bob still has arrives.
    const post = await fetch(url + '/publish', {
      method: 'POST', headers: { cookie: alice, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'news:general', text: 'still here' }),
    });
    assert.equal(post.status, 200, await post.text());
    await waitFor(async () => (await log()).includes('news:general · Alice: still here'), { what: 'news after the revoke' });
    assert.equal(await page.getAttribute('#state', 'data-state'), 'connected');

    // Log out: the app destroys the session and ends the user's connections (4410); the client stops.
    await page.click('#logout');
    await waitFor(async () => (await page.getAttribute('#state', 'data-state')) === 'closed', { what: 'the connection closed by the logout' });
    assert.deepEqual(await page.evaluate(() => window.rt.closeReason), { code: 4410, reason: 'disconnected' });
    const online = async () => {
      const res = await fetch(`${admin}/api/users/bob?tenant=demo`, { headers: { authorization: `Bearer ${API_KEY}` } });
      return (await res.json()).connections;
    };
    await waitFor(async () => (await online()) === 0, { what: 'no connection of bob left at the gateway' });
    // A new attempt carries no session any more: the connect hook refuses it, the client stays closed.
    await page.evaluate(() => window.rt.connect());
    await waitFor(async () => (await page.evaluate(() => window.rt.closeReason?.code)) === 4401, { what: 'a reconnect refused by the connect hook (4401)' });
    assert.equal(await online(), 0);
  } finally {
    await cleanup.run();
  }
});
