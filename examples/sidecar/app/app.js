// The example app: a login form with cookie sessions, a page that shows live messages, and the two
// hook endpoints the gateway calls (docs/hooks.md, docs/protocol.md §11). Two Express apps share one
// session store: `web` is what nginx serves at `/`; `hooks` listens on a port only the gateway
// reaches, so nobody can ask the hooks through nginx.
import express from 'express';
import session from 'express-session';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPEN_CHANNELS, Permissions } from './permissions.js';

const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/** Fixed demo users (a real app has its own user store and password hashing). */
export const USERS = {
  alice: { password: 'alice-demo', name: 'Alice', admin: true },
  bob: { password: 'bob-demo', name: 'Bob', admin: false },
};

/** How long the gateway may reuse an allow of the subscribe hook for the same user and channel. */
export const SUBSCRIBE_TTL_SECONDS = 60;

/** The channels the page offers; `news:*` is open to all, `project:*` is decided per user. */
export const CHANNELS = ['news:general', 'project:apollo', 'project:gemini'];

export function seedPermissions() {
  return new Permissions({ alice: ['project:apollo', 'project:gemini'], bob: ['project:apollo'] });
}

/**
 * `gateway`: a GatewayApi (or anything with publish/unsubscribe/disconnect). Returns the two Express
 * apps and the permission table (the tests look into it).
 */
export function createApp({ gateway, tenant, sessionSecret = randomBytes(32).toString('hex'), permissions = seedPermissions() }) {
  const sessions = session({
    name: 'sid',
    secret: sessionSecret,
    resave: false,
    saveUninitialized: false,
    // httpOnly: the page never needs to read it; the browser sends it on the WebSocket upgrade,
    // the EventSource and the polls to the same origin, and the gateway forwards it to the hook.
    // Behind TLS add `secure: true` (and `app.set('trust proxy', 1)` for nginx).
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 8 * 3600 * 1000 },
  });

  const web = express();
  web.disable('x-powered-by');
  web.use(sessions);
  web.use(express.urlencoded({ extended: false, limit: '4kb' }));
  web.use(express.json({ limit: '16kb' }));

  const signedIn = (req, res, next) => (req.session.user ? next() : res.status(401).json({ error: 'not signed in' }));
  const admin = (req, res, next) => (USERS[req.session.user]?.admin ? next() : res.status(403).json({ error: 'admins only' }));

  web.get('/login', (req, res) => res.sendFile(path.join(PUBLIC, 'login.html')));
  web.post('/login', (req, res, next) => {
    const { user, password } = req.body ?? {};
    if (!checkPassword(user, password)) return res.redirect(303, '/login?failed=1');
    // A new session id on login, so a session id planted before login is worth nothing.
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = user;
      req.session.save((e) => (e ? next(e) : res.redirect(303, '/')));
    });
  });
  web.post('/logout', signedIn, async (req, res, next) => {
    const user = req.session.user;
    req.session.destroy(async (err) => {
      if (err) return next(err);
      res.clearCookie('sid');
      // The session is gone, so the connect hook refuses any new connection; the live ones are
      // ended here (4410, the client stops). This ends every connection of the user, which is
      // right for this app (one session per user); an app with several sessions per user would
      // keep the others.
      try {
        await gateway.disconnect(user);
        res.status(204).end();
      } catch (e) {
        next(e);
      }
    });
  });

  web.get('/', (req, res) => (req.session.user ? res.sendFile(path.join(PUBLIC, 'index.html')) : res.redirect(303, '/login')));
  web.use('/static', express.static(PUBLIC, { index: false }));

  web.get('/me', signedIn, (req, res) => {
    const user = req.session.user;
    res.json({ user, name: USERS[user].name, admin: USERS[user].admin, channels: CHANNELS,
      permitted: CHANNELS.filter((c) => permissions.allows(user, c)) });
  });

  web.post('/publish', signedIn, async (req, res) => {
    const { channel, text } = req.body ?? {};
    if (typeof channel !== 'string' || typeof text !== 'string' || !text || text.length > 1000) {
      return res.status(400).json({ error: 'channel and text (at most 1000 characters) are required' });
    }
    if (!permissions.allows(req.session.user, channel)) return res.status(403).json({ error: 'no permission for ' + channel });
    const id = await gateway.publish(channel, 'post', { from: USERS[req.session.user].name, text });
    res.json({ id });
  });

  web.get('/permissions', signedIn, admin, (req, res) => res.json(permissions.table()));
  web.post('/permissions', signedIn, admin, async (req, res) => {
    const { user, channel, allow } = req.body ?? {};
    if (!USERS[user] || !CHANNELS.includes(channel) || typeof allow !== 'boolean') {
      return res.status(400).json({ error: 'user, channel (one of ' + CHANNELS.join(', ') + ') and allow (boolean) are required' });
    }
    if (allow) {
      permissions.grant(user, channel);
    } else if (permissions.revoke(user, channel)) {
      // The table decides the next subscribe (the subscribe hook reads it); this ends the
      // subscriptions that are live now, on every node of the gateway.
      await gateway.unsubscribe(user, channel);
    }
    res.json(permissions.table());
  });

  const hooks = express();
  hooks.disable('x-powered-by');
  hooks.use(express.json({ limit: '16kb' }));
  hooks.use(sessions);

  // Connect hook: the gateway forwards the browser's Cookie header, so the session middleware
  // above finds the session exactly as for a page request. The answer stands in for a token's claims.
  hooks.post('/connect', (req, res) => {
    const user = req.session.user;
    if (!user) return res.status(401).json({ error: 'no session' });
    res.json({ user, tenant, channels: OPEN_CHANNELS, info: { name: USERS[user].name } });
  });

  // Subscribe hook: asked for a channel the connect answer's `channels` do not grant (here every
  // `project:*` channel, a namespace with `subscribe_hook: true`). An allow may be reused by the
  // gateway for `ttl` seconds; a revoke does not wait for it, because /api/unsubscribe (below, in
  // POST /permissions) also makes the gateway forget it. Refusals are never reused.
  hooks.post('/subscribe', (req, res) => {
    const { tenant: t, user, channel } = req.body ?? {};
    const allow = t === tenant && typeof user === 'string' && typeof channel === 'string' && permissions.allows(user, channel);
    res.status(allow ? 200 : 403).json(allow ? { allow, ttl: SUBSCRIBE_TTL_SECONDS } : { allow });
  });

  for (const app of [web, hooks]) {
    // Express 5 sends a rejected handler here; the gateway and the page both get JSON.
    app.use((err, req, res, next) => {
      console.error(`${req.method} ${req.path}:`, err.message);
      if (res.headersSent) return next(err);
      res.status(err.status ?? 500).json({ error: err.expose ? err.message : 'internal error' });
    });
  }
  return { web, hooks, permissions };
}

function checkPassword(user, password) {
  const known = Object.hasOwn(USERS, user ?? '') ? USERS[user] : null;
  const given = Buffer.from(String(password ?? ''));
  const expected = Buffer.from(known?.password ?? '');
  return known !== null && given.length === expected.length && timingSafeEqual(given, expected);
}
