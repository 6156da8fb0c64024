// The small clients docker/test/*.sh needs, with nothing to install (Node 20+):
//   node clients.mjs token SECRET SUB TENANT            an HS256 token for every channel of the tenant
//   node --experimental-websocket clients.mjs ws URL TOKEN CHANNEL
//        one line per event: "welcome", "subscribed", "message <data as JSON>", "closed <code>"
//   node clients.mjs metric-names DASHBOARD.json RULES.json
//        every metric name the dashboard's queries and the loaded alert rules read (the rules as
//        Prometheus' /api/v1/rules answers them), one per line
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [cmd, ...args] = process.argv.slice(2);

function b64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function token(secret, sub, tenant) {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, tenant, iat: now, exp: now + 3600, channels: ['*'] })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function ws(url, bearer, channel) {
  // The token as a subprotocol beside rtgw.v1 (docs/protocol.md §3): WebSocket cannot set headers.
  const socket = new WebSocket(url, ['rtgw.v1', `rtgw.token.${bearer}`]);
  const say = (line) => process.stdout.write(line + '\n');
  socket.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === 'welcome') {
      say('welcome');
      socket.send(JSON.stringify({ type: 'subscribe', channel, ref: 's' }));
    } else if (m.type === 'subscribed') {
      say('subscribed');
    } else if (m.type === 'message') {
      say('message ' + JSON.stringify(m.data));
    } else if (m.type === 'ping') {
      socket.send('{"type":"pong"}');
    }
  };
  socket.onclose = (e) => {
    say('closed ' + e.code);
    process.exit(0);
  };
  socket.onerror = () => say('error');
}

/**
 * What is left of an expression once strings, label matchers, ranges, grouping lists, offsets,
 * Grafana variables, function calls and keywords are gone: the metric names (the same rules as
 * gateway-server's PromQl, which DashboardConfigTest checks).
 */
function metricNames(expr) {
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left',
    'group_right', 'offset', 'inf', 'nan']);
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?\w+/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = [];
  for (const m of s.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    const call = s.slice(m.index + m[0].length).trimStart().startsWith('(');
    if (!call && !keywords.has(m[0].toLowerCase())) names.push(m[0]);
  }
  return names;
}

function usedByDashboardAndRules(dashboardFile, rulesFile) {
  const used = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'expr' && typeof v === 'string') metricNames(v).forEach((n) => used.add(n));
        else if (typeof v === 'string' && /label_values\(\s*\w+/.test(v)) used.add(v.match(/label_values\(\s*(\w+)/)[1]);
        else walk(v);
      }
    }
  };
  walk(JSON.parse(readFileSync(dashboardFile, 'utf8')));
  const rules = JSON.parse(readFileSync(rulesFile, 'utf8')).data.groups.flatMap((g) => g.rules);
  if (rules.length === 0) throw new Error('Prometheus loaded no rules');
  rules.forEach((r) => metricNames(r.query).forEach((n) => used.add(n)));
  return [...used].sort();
}

if (cmd === 'token') {
  console.log(token(...args));
} else if (cmd === 'ws') {
  ws(...args);
} else if (cmd === 'metric-names') {
  console.log(usedByDashboardAndRules(...args).join('\n'));
} else {
  console.error('usage: clients.mjs token|ws|metric-names ...');
  process.exit(2);
}
