// Starts the example app: the web app (behind nginx) and the hook endpoints (for the gateway only).
//   PORT        web app, default 3000          HOOKS_PORT  hooks, default 3001
//   BIND        default 127.0.0.1 (0.0.0.0 in a container)
//   RTGW_ADMIN_URL  the gateway's admin listener, default http://127.0.0.1:9090
//   RTGW_API_KEY    its API key (required)       TENANT  default demo
//   SESSION_SECRET  signs the session cookie (random per start if unset: sessions end on restart)
import { createApp } from './app.js';
import { GatewayApi } from './gateway-api.js';

const env = process.env;
if (!env.RTGW_API_KEY) {
  console.error('RTGW_API_KEY is required (the gateway\'s API key, for /api/publish and /api/unsubscribe)');
  process.exit(2);
}
const tenant = env.TENANT || 'demo';
const gateway = new GatewayApi({ adminUrl: env.RTGW_ADMIN_URL || 'http://127.0.0.1:9090', apiKey: env.RTGW_API_KEY, tenant });
const { web, hooks } = createApp({ gateway, tenant, sessionSecret: env.SESSION_SECRET || undefined });
const bind = env.BIND || '127.0.0.1';

const listen = (app, port, what) => new Promise((resolve, reject) => {
  const server = app.listen(Number(port), bind, (err) => (err ? reject(err) : resolve(server)));
  server.once('error', reject);
}).then((server) => { console.log(`sidecar example: ${what} on ${bind}:${server.address().port}`); return server; });

const servers = [await listen(web, env.PORT || 3000, 'web app'), await listen(hooks, env.HOOKS_PORT || 3001, 'hooks')];
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => { for (const s of servers) { s.close(); s.closeAllConnections(); } });
}
