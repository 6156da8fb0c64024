// Code that runs inside the page (handed to page.evaluate, so each function is self-contained).
// It uses only what a plain page has: document.cookie, EventSource, WebSocket. What the page sees
// is recorded in window.seen, which the tests read back.

/** Sets the token cookie the way an app page would (host-only, path /, readable by the gateway). */
export function setTokenCookie(token) {
  document.cookie = `rtgw_token=${token}; path=/; SameSite=Lax`;
}

/**
 * Opens a native EventSource on `url` and records every event. With `renew`, the page renews its
 * cookie when the gateway warns that the token expires: it asks the test for a new token through
 * the exposed function window.freshToken (standing in for the app's own token endpoint).
 */
export function openEventSource({ url, withCredentials = false, renew = false }) {
  const seen = (window.seen = []);
  const es = new EventSource(url, { withCredentials });
  window.es = es;
  const record = (type) => (e) => {
    let data = null;
    try { data = e.data === undefined ? null : JSON.parse(e.data); } catch { data = e.data; }
    seen.push({ type, data, lastEventId: e.lastEventId ?? null, readyState: es.readyState });
  };
  es.addEventListener('open', record('open'));
  es.addEventListener('error', record('error'));
  for (const name of ['message', 'rtgw.connected', 'rtgw.gap', 'rtgw.close', 'rtgw.expiring', 'rtgw.ping']) {
    es.addEventListener(name, record(name));
  }
  if (renew) {
    es.addEventListener('rtgw.expiring', async () => {
      const token = await window.freshToken();
      document.cookie = `rtgw_token=${token}; path=/; SameSite=Lax`;
      seen.push({ type: 'renewed' });
    });
  }
  return true;
}

/**
 * Opens a native WebSocket on `url` (subprotocols as given), subscribes `channels` after
 * `welcome`, answers pings, and records every frame and the close.
 */
export function openWebSocket({ url, protocols, channels = [] }) {
  const seen = (window.seen = []);
  const ws = new WebSocket(url, protocols);
  window.ws = ws;
  ws.onopen = () => seen.push({ type: 'open', protocol: ws.protocol });
  ws.onerror = () => seen.push({ type: 'error' });
  ws.onclose = (e) => seen.push({ type: 'close', code: e.code, reason: e.reason });
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    seen.push(m);
    if (m.type === 'welcome') for (const channel of channels) ws.send(JSON.stringify({ type: 'subscribe', channel }));
    if (m.type === 'ping') ws.send('{"type":"pong"}');
  };
  return true;
}
