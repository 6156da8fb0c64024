// Helpers for the client tests (client-*.test.js): serving clients/js/rtgw.js on the proxy's
// origin, and the code that runs in the page to drive the client and record what it sees.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'js', 'rtgw.js');
export const CLIENT_PATH = '/__page/rtgw.js';

/**
 * The proxy serves the working copy of the client (read per request) on the page's origin, so the
 * tests run the source under test, and a SharedWorker of it is same-origin with the page.
 */
export function serveClient(proxy) {
  proxy.files.set(CLIENT_PATH, { type: 'application/javascript; charset=utf-8', body: () => readFileSync(CLIENT, 'utf8') });
}

/**
 * Runs in the page: imports the client, connects with `options` and subscribes `channels`. The
 * token comes from window.freshToken (exposed by the test: the app's token endpoint). Everything
 * the app could see is recorded in window.seen with Date.now() stamps (join/leave in `members`).
 */
export async function startClient({ module, channels = [], options = {} }) {
  const { Realtime } = await import(module);
  const seen = (window.seen = { states: [], messages: [], errors: [], fallbacks: [], retries: [], subscribed: [], refreshed: [], net: [],
    subRetries: [], ends: [], members: [] });
  for (const type of ['online', 'offline']) window.addEventListener(type, () => seen.net.push({ type, at: Date.now() }));
  // connectTimeout: the client's 5 s default for a welcome is meant for production; a cold gateway
  // on a busy test machine can take longer for its very first upgrade, and a timeout there would
  // show up as a retry or fallback the test did not cause. No test here exercises that timeout.
  const rt = new Realtime({ url: location.origin, token: () => window.freshToken(), connectTimeout: 30000, ...options });
  window.rt = rt;
  rt.on('state', (s) => seen.states.push({ state: s, at: Date.now(), transport: rt.transport, closeReason: rt.closeReason }));
  rt.on('error', (e) => seen.errors.push({ code: e.code, message: e.message, closeCode: e.closeCode }));
  rt.on('fallback', (k) => seen.fallbacks.push(k));
  rt.on('retry', (r) => seen.retries.push({ ...r, at: Date.now() }));
  rt.on('refreshed', (r) => seen.refreshed.push(r));
  const subscribe = (channel) => {
    const sub = rt.subscribe(channel, (m) => seen.messages.push({ channel: m.channel, id: m.id, event: m.event, data: m.data }));
    sub.on('gap', (g) => seen.messages.push({ channel: g.channel, gap: true, reason: g.reason }));
    sub.on('subscribed', (s) => seen.subscribed.push({ ...s, at: Date.now() }));
    sub.on('retry', (r) => seen.subRetries.push({ channel: r.channel, delay: r.delay, attempt: r.attempt, code: r.error.code, at: Date.now() }));
    sub.on('end', (e) => seen.ends.push({ channel: e.channel, reason: e.reason, code: e.error?.code }));
    for (const kind of ['join', 'leave']) sub.on(kind, (e) => seen.members.push({ kind, ...e }));
    (window.subs ||= {})[channel] = sub; // the latest Subscription of each channel, e.g. for presence()
  };
  for (const channel of channels) subscribe(channel);
  window.subscribeChannel = subscribe; // a later subscription (e.g. again after the server ended one), recorded alike
  return { shared: rt.shared };
}

/** The state changes the page saw, consecutive repeats folded. */
export const stateNames = (seen) => seen.states.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);

/** Messages of one channel as the app saw them: {id, data} or {gap: true}. */
export const channelView = (seen, channel) => seen.messages.filter((m) => m.channel === channel)
  .map((m) => (m.gap ? { gap: true } : { id: m.id, data: m.data }));

/** Publishes in the background, one round over `channels` every `pace` ms, until stop() is awaited. */
export function startPublisher(gateway, channels, { pace = 30, tag = 'p' } = {}) {
  const published = Object.fromEntries(channels.map((c) => [c, []]));
  let running = true;
  const state = { published, rounds: 0, errors: 0 };
  const loop = (async () => {
    while (running) {
      for (const channel of channels) {
        const data = { tag, n: published[channel].length };
        published[channel].push({ id: await gateway.publish(channel, data), data });
      }
      state.rounds++;
      await new Promise((r) => setTimeout(r, pace)); // pacing only, not synchronisation
    }
  })();
  state.stop = async () => { running = false; await loop; return published; };
  return state;
}
