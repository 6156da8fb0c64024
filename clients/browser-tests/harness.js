// Test harness for the browser suite: the packaged gateway jar as a child process, HS256 tokens,
// publishing over the admin API, a severable TCP proxy, small static page servers and headless
// Debian Chromium through playwright-core. Everything listens on 127.0.0.1 only, and everything a
// test starts is registered with its Cleanup so that it is stopped even when the test fails.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const JAR = path.join(ROOT, 'gateway-server', 'target', 'rtgw.jar');
export const CHROMIUM = process.env.RTGW_CHROMIUM || '/usr/bin/chromium';
export const SECRET = 'browser-tests-' + randomBytes(24).toString('hex'); // >= 32 bytes
export const API_KEY = 'bt-' + randomBytes(16).toString('hex'); // >= 16 chars
export const TENANT = 'acme';

/**
 * Polls `predicate` (sync or async) until it returns a truthy value, which is returned. The timeout
 * is only a bound for a test that is failing anyway, so it is generous: on a 2-core machine shared
 * with other builds, a cold gateway's first connection was seen to take 17 s.
 */
export async function waitFor(predicate, { timeout = 60000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}` + (last ? ` (last error: ${last.message})` : ''));
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Resolves `promise` or rejects after `ms`: no cleanup step may hang the suite. */
export function within(ms, promise, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms); }),
  ]);
}

/** Stops what a test started, last started first; each step is bounded in time. */
export class Cleanup {
  #steps = [];
  add(what, fn) { this.#steps.push({ what, fn }); }
  async run() {
    const errors = [];
    while (this.#steps.length) {
      const { what, fn } = this.#steps.pop();
      try { await within(15000, Promise.resolve().then(fn), what); } catch (e) { errors.push(e); }
    }
    if (errors.length) throw new AggregateError(errors, 'cleanup failed: ' + errors.map((e) => e.message).join('; '));
  }
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** An HS256 JWT signed with the suite's secret; `ttl` in seconds from now. */
export function mintToken({ sub = 'alice', tenant = TENANT, ttl = 3600, channels = ['*'], ...extra } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const body = b64url({ alg: 'HS256', typ: 'JWT' }) + '.' + b64url({ sub, tenant, iat: now, exp: now + ttl, channels, ...extra });
  return body + '.' + createHmac('sha256', SECRET).update(body).digest('base64url');
}

/** A port that was free a moment ago (the gateway is started with it explicitly). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Gateways still running when Node exits (a crashed test) are killed so none outlives the suite.
const running = new Set();
process.on('exit', () => { for (const p of running) { try { p.kill('SIGKILL'); } catch { /* gone */ } } });

/**
 * One gateway process (not --dev) on fixed loopback ports, so that it can be restarted where
 * the browser expects it. `env` adds RTGW_* settings.
 */
export class GatewayProcess {
  constructor(env = {}, args = []) {
    this.env = env;
    this.args = args; // e.g. ['--dev'] for the demo page at /
    this.publicPort = 0;
    this.adminPort = 0;
    this.proc = null;
    this.output = [];
  }

  static async start(cleanup, env = {}, { args = [] } = {}) {
    const g = new GatewayProcess(env, args);
    cleanup.add('stop gateway', () => g.stop());
    g.publicPort = await freePort();
    g.adminPort = await freePort();
    await g.launch();
    return g;
  }

  get publicOrigin() { return `http://127.0.0.1:${this.publicPort}`; }
  get adminOrigin() { return `http://127.0.0.1:${this.adminPort}`; }

  /** Starts the jar on this.publicPort/adminPort; resolves when it logs that it listens. */
  async launch() {
    if (!existsSync(JAR)) throw new Error(`${JAR} is missing: build it first (./gateway build)`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RTGW_')));
    Object.assign(env, {
      RTGW_JWT_SECRET: SECRET,
      RTGW_API_KEY: API_KEY,
      RTGW_BIND: '127.0.0.1',
      RTGW_PUBLIC_PORT: String(this.publicPort),
      RTGW_ADMIN_PORT: String(this.adminPort),
      RTGW_DRAIN: '1s',
      RTGW_HISTORY_SIZE: '1000',
    }, this.env);
    const proc = spawn('java', ['--enable-native-access=ALL-UNNAMED', '-jar', JAR, ...this.args], {
      env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    running.add(proc);
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => { running.delete(proc); resolve({ code, signal }); }));
    proc.exited = exited;
    let listening;
    const ready = new Promise((resolve) => { listening = resolve; });
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        this.output.push(line);
        if (/rtgw listening: public \S+:(\d+) admin \S+:(\d+)/.test(line)) listening(line);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    const outcome = await within(60000, Promise.race([ready, exited.then((e) => ({ exit: e }))]), 'gateway start');
    if (typeof outcome !== 'string') {
      throw new Error(`gateway exited before listening (${JSON.stringify(outcome.exit)}):\n${this.output.slice(-20).join('\n')}`);
    }
  }

  /** SIGTERM (graceful drain of RTGW_DRAIN), then SIGKILL if it has not exited in time. */
  async stop(signal = 'SIGTERM') {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    try {
      return await within(10000, proc.exited, 'gateway exit');
    } catch {
      proc.kill('SIGKILL');
      return proc.exited;
    }
  }

  /** Stops the process and starts a new one on the same ports (its embedded broker starts empty). */
  async restart() {
    const stopped = await this.stop();
    // The old process has exited, so its ports are free again; retry briefly in case the kernel lags.
    await waitFor(async () => { await this.launch(); return true; }, { timeout: 20000, interval: 200, what: 'gateway restart on the same ports' });
    return stopped;
  }

  /** POST /api/publish on the admin listener; returns the replay id. */
  async publish(channel, data, { event, tenant = TENANT } = {}) {
    const res = await fetch(`${this.adminOrigin}/api/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant, channel, data, ...(event ? { event } : {}) }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`publish ${channel}: ${res.status} ${text}`);
    return JSON.parse(text).id;
  }

  /**
   * A call of the server API (docs/protocol.md §7) on the admin listener with the suite's API key
   * (it reaches every tenant); resolves with the parsed answer, rejects on any status but 2xx with
   * the status and body in the message (so a missing endpoint shows as `404 …`).
   */
  async api(method, path, body) {
    const res = await fetch(`${this.adminOrigin}${path}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }

  /** POST /api/disconnect: ends the user's connections (4410, or 4010 with reconnect: true) → {disconnected: n}. */
  disconnect(user, { reconnect, client, tenant = TENANT } = {}) {
    return this.api('POST', '/api/disconnect', { tenant, user, ...(client ? { client } : {}),
      ...(reconnect === undefined ? {} : { reconnect }) });
  }

  /** POST /api/unsubscribe: ends the user's subscriptions to the channel (`unsubscribed {reason: server}`). */
  unsubscribe(user, channel, { tenant = TENANT } = {}) {
    return this.api('POST', '/api/unsubscribe', { tenant, user, channel });
  }

  /** POST /api/revoke {tenant, user}: refuses the user's tokens issued before now and closes them (4410 revoked). */
  revoke(user, { tenant = TENANT } = {}) {
    return this.api('POST', '/api/revoke', { tenant, user });
  }

  /** The value of one Prometheus sample line (e.g. `rtgw_auth_failures_total{reason="origin"}`), 0 when absent. */
  async metric(sample) {
    const text = await (await fetch(`${this.adminOrigin}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(sample + ' '));
    return line ? Number(line.slice(sample.length + 1)) : 0;
  }
}

/**
 * A real redis-server child process on a fixed loopback port, without persistence, in a throw-away
 * directory (as gateway-testkit starts one). `stop()` ends it by its PID; `start()` again brings a
 * new, empty one up on the same port, where the gateway reconnects by itself.
 */
export class RedisProcess {
  static async start(cleanup) {
    const r = new RedisProcess();
    r.dir = mkdtempSync(path.join(os.tmpdir(), 'rtgw-redis-'));
    cleanup.add('remove redis dir', () => rmSync(r.dir, { recursive: true, force: true }));
    cleanup.add('stop redis', () => r.stop());
    r.port = await freePort();
    await r.launch();
    return r;
  }

  get url() { return `redis://127.0.0.1:${this.port}`; }

  async launch() {
    const bin = process.env.RTGW_REDIS_SERVER || 'redis-server';
    const proc = spawn(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', this.dir, '--daemonize', 'no'], { stdio: 'ignore' });
    this.proc = proc;
    running.add(proc);
    proc.exited = new Promise((resolve) => proc.once('exit', (code, signal) => { running.delete(proc); resolve({ code, signal }); }));
    proc.once('error', () => {}); // a missing binary shows as the exit below
    await waitFor(async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode})`);
      return this.ping();
    }, { timeout: 20000, interval: 50, what: `redis-server on port ${this.port}` });
  }

  /** True when something on the port answers PING with PONG. */
  ping() {
    return new Promise((resolve) => {
      const s = net.connect(this.port, '127.0.0.1');
      let got = '';
      const done = (v) => { s.destroy(); resolve(v); };
      s.setTimeout(2000, () => done(false));
      s.on('error', () => done(false));
      s.on('data', (d) => { got += d; if (got.includes('\r\n')) done(got.startsWith('+PONG')); });
      s.write('PING\r\n');
    });
  }

  /** SIGTERM to its PID, SIGKILL if it is still there after 10 s; resolves once it has exited. */
  async stop() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    process.kill(proc.pid, 'SIGTERM');
    try {
      await within(10000, proc.exited, 'redis-server exit');
    } catch {
      process.kill(proc.pid, 'SIGKILL');
      await proc.exited;
    }
  }
}

/**
 * A loopback TCP proxy in front of `targetPort`. `cut()` destroys every open connection (both
 * sides) and keeps accepting new ones. The first bytes each client sent are kept in `requests`,
 * so a test can see which request heads the browser sent (e.g. Last-Event-ID on a reconnect).
 *
 * It also serves the test page itself: `GET /__page/...` is answered here with `html` (and the
 * connection closed), everything else goes to the gateway. So the page and the gateway share one
 * origin, like an app that serves its pages beside the gateway behind one proxy, and the page's
 * EventSource('/sse?…') is a plain same-origin request. Other files can be served beside it under
 * /__page/ (`files`: path -> {type, body}, body a string or a function read per request), e.g. the
 * client module straight from clients/js.
 *
 * `refuse` (a Set of paths, e.g. '/ws', '/sse') makes it answer those requests itself with a 403,
 * as a corporate proxy that blocks WebSocket upgrades or event streams does; `refusals` counts them.
 */
export class SeverableProxy {
  static async start(cleanup, targetPort, html = BLANK_PAGE) {
    const p = new SeverableProxy(targetPort, html);
    await new Promise((resolve, reject) => {
      p.server.once('error', reject);
      p.server.listen(0, '127.0.0.1', resolve);
    });
    p.port = p.server.address().port;
    cleanup.add('stop proxy', () => p.close());
    return p;
  }

  constructor(targetPort, html) {
    this.targetPort = targetPort;
    this.sockets = new Set();
    this.requests = [];
    this.cuts = 0;
    this.files = new Map();
    this.refuse = new Set();
    this.refusals = 0;
    this.server = net.createServer((client) => this.#accept(client, html));
  }

  #accept(client, html) {
    this.sockets.add(client);
    const entry = { head: '' };
    this.requests.push(entry);
    let upstream = null;
    const drop = () => {
      client.destroy();
      upstream?.destroy();
      this.sockets.delete(client);
      if (upstream) this.sockets.delete(upstream);
    };
    client.on('error', drop);
    client.on('close', drop);
    const pathOf = (head) => (/^[A-Z]+ ([^ ?]*)/.exec(head) || [])[1] || '';
    /** Answers a page, a served file or a refused path itself (and closes); false if it is the gateway's. */
    const answerHere = (head) => {
      const where = pathOf(head);
      if (head.startsWith('GET /__page/')) {
        const file = this.files.get(where) || { type: 'text/html; charset=utf-8', body: html };
        const body = Buffer.from(typeof file.body === 'function' ? file.body() : file.body);
        client.end(`HTTP/1.1 200 OK\r\ncontent-type: ${file.type}\r\ncache-control: no-store\r\n`
          + `content-length: ${body.length}\r\nconnection: close\r\n\r\n` + body.toString('latin1'), 'latin1');
        return true;
      }
      if (this.refuse.has(where)) {
        this.refusals++;
        const body = 'blocked by policy\n';
        client.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n'
          + `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`, 'latin1');
        return true;
      }
      return false;
    };
    const onData = (d) => {
      if (entry.head.length < 4096) entry.head += d.toString('latin1');
      if (!entry.head.includes('\r\n\r\n')) return; // the request head is not complete yet
      entry.path = pathOf(entry.head);
      client.off('data', onData);
      if (answerHere(entry.head)) return;
      upstream = net.connect(this.targetPort, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('error', drop);
      upstream.on('close', drop);
      upstream.write(Buffer.from(entry.head, 'latin1'));
      // A browser reuses a kept-alive connection for its next request, which may be a page or a
      // refused path: such a request is answered here and the connection closed, both sides.
      client.on('data', (more) => {
        const text = more.toString('latin1', 0, Math.min(more.length, 4096));
        if (/^[A-Z]+ \/\S* HTTP\/1\.[01]\r\n/.test(text) && text.includes('\r\n\r\n')) {
          this.requests.push({ head: text, path: pathOf(text) });
          if (text.startsWith('GET /__page/') || this.refuse.has(pathOf(text))) {
            upstream.removeAllListeners('close'); // its end must not take the answer down with it
            upstream.on('error', () => {});
            upstream.unpipe(client);
            upstream.destroy();
            this.sockets.delete(upstream);
            answerHere(text);
            return;
          }
        } else if (entry.head.length < 4096) {
          entry.head += text;
        }
        upstream.write(more);
      });
      upstream.pipe(client);
    };
    client.on('data', onData);
  }

  get origin() { return `http://127.0.0.1:${this.port}`; }

  /** The URL of the test page on the proxy's origin. */
  get pageUrl() { return `${this.origin}/__page/test`; }

  /** Severs every connection under the page; new connections are accepted as before. */
  cut() {
    this.cuts++;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  close() {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A node:http server answering every GET with `html` (a string, or a function called per request):
 * the origin a test page lives on.
 */
export async function startPageServer(cleanup, html) {
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(typeof html === 'function' ? html(req) : html);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  cleanup.add('stop page server', () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  return { origin: `http://127.0.0.1:${server.address().port}`, server };
}

export const BLANK_PAGE = '<!doctype html><meta charset="utf-8"><title>rtgw browser test</title><body></body>';

/** Headless Debian Chromium with a throw-away profile (launchPersistentContext, as MACHINE-NOTES says). */
export async function launchBrowser(cleanup) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (./gateway test does)`);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'rtgw-chromium-'));
  cleanup.add('remove browser profile', () => rmSync(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  cleanup.add('close browser', () => context.close());
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(60000); // an upper bound, like waitFor's
  return { context, page };
}
