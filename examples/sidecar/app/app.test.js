// The app's side of the hooks, over real loopback HTTP: the web app, the hook endpoints and a
// stand-in for the gateway's admin API that records the calls the app makes.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { createApp } from './app.js';
import { GatewayApi } from './gateway-api.js';

const API_KEY = 'test-key-0123456789';
const calls = [];
let web, hooks, admin;

const listen = (handler) => new Promise((resolve) => {
  const server = http.createServer(handler).listen(0, '127.0.0.1', () => resolve(server));
});
const url = (server, path) => `http://127.0.0.1:${server.address().port}${path}`;

before(async () => {
  admin = await listen((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      calls.push({ path: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/api/publish' ? '{"id":"1-0"}' : '{}');
    });
  });
  const gateway = new GatewayApi({ adminUrl: url(admin, ''), apiKey: API_KEY, tenant: 'demo' });
  const app = createApp({ gateway, tenant: 'demo' });
  web = await listen(app.web);
  hooks = await listen(app.hooks);
});

after(() => { for (const s of [web, hooks, admin]) s?.close(); });

async function login(user, password = `${user}-demo`) {
  const res = await fetch(url(web, '/login'), {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user, password }),
  });
  assert.equal(res.headers.get('location'), '/');
  return res.headers.get('set-cookie').split(';')[0];
}

/** What the gateway sends: the browser's Cookie header, forwarded as is. */
const connectHook = (cookie) => fetch(url(hooks, '/connect'), {
  method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
  body: JSON.stringify({ transport: 'websocket', address: '127.0.0.1' }),
});
const subscribeHook = (body) => fetch(url(hooks, '/subscribe'), {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client: 'c1', info: null, ...body }),
});
const post = (path, cookie, body) => fetch(url(web, path), {
  method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

test('the connect hook admits the session cookie as the user, refuses none, a wrong password or a logged-out session', async () => {
  assert.equal((await connectHook(null)).status, 401);
  assert.equal((await connectHook('sid=s%3Aforged.sig')).status, 401);
  const wrong = await fetch(url(web, '/login'), { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'bob', password: 'nope' }) });
  assert.equal(wrong.headers.get('location'), '/login?failed=1');

  const cookie = await login('bob');
  const res = await connectHook(cookie);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { user: 'bob', tenant: 'demo', channels: ['news:*'], info: { name: 'Bob' } });

  calls.length = 0;
  assert.equal((await post('/logout', cookie, {})).status, 204);
  assert.deepEqual(calls, [{ path: '/api/disconnect', auth: `Bearer ${API_KEY}`, body: { tenant: 'demo', user: 'bob' } }]);
  assert.equal((await connectHook(cookie)).status, 401, 'the session is gone with the logout');
});

test('the subscribe hook reads the permission table, which an admin changes; a revoke ends the live subscriptions', async () => {
  const allowed = async (body) => {
    const res = await subscribeHook(body);
    const answer = await res.json();
    assert.deepEqual(answer, answer.allow ? { allow: true, ttl: 60 } : { allow: false }, 'only an allow is worth caching');
    assert.equal(res.status, answer.allow ? 200 : 403);
    return answer.allow;
  };
  assert.equal(await allowed({ tenant: 'demo', user: 'bob', channel: 'project:apollo' }), true);
  assert.equal(await allowed({ tenant: 'demo', user: 'bob', channel: 'project:gemini' }), false);
  assert.equal(await allowed({ tenant: 'other', user: 'bob', channel: 'project:apollo' }), false, 'another tenant');

  const bob = await login('bob');
  assert.equal((await post('/permissions', bob, { user: 'bob', channel: 'project:gemini', allow: true })).status, 403, 'admins only');

  const alice = await login('alice');
  calls.length = 0;
  const res = await post('/permissions', alice, { user: 'bob', channel: 'project:apollo', allow: false });
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).bob, []);
  assert.deepEqual(calls, [{ path: '/api/unsubscribe', auth: `Bearer ${API_KEY}`, body: { tenant: 'demo', user: 'bob', channel: 'project:apollo' } }]);
  assert.equal(await allowed({ tenant: 'demo', user: 'bob', channel: 'project:apollo' }), false);

  await post('/permissions', alice, { user: 'bob', channel: 'project:apollo', allow: true });
  assert.equal(await allowed({ tenant: 'demo', user: 'bob', channel: 'project:apollo' }), true, 'granted again');
});

test('the page publishes through the app, which checks the permission and calls /api/publish', async () => {
  const bob = await login('bob');
  assert.equal((await post('/publish', bob, { channel: 'project:gemini', text: 'hi' })).status, 403);
  assert.equal((await post('/publish', 'sid=none', { channel: 'news:general', text: 'hi' })).status, 401);
  calls.length = 0;
  const res = await post('/publish', bob, { channel: 'news:general', text: 'hi' });
  assert.deepEqual(await res.json(), { id: '1-0' });
  assert.deepEqual(calls, [{ path: '/api/publish', auth: `Bearer ${API_KEY}`,
    body: { tenant: 'demo', channel: 'news:general', event: 'post', data: { from: 'Bob', text: 'hi' } } }]);
});
