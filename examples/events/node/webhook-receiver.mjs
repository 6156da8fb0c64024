// The app's end of RTGW_EVENTS=<url> (docs/events.md, docs/protocol.md §10): verify the
// signature over the raw body, de-duplicate by id (delivery is at least once), answer 2xx fast.
//
// Run:  RTGW_EVENTS_SECRET=... node webhook-receiver.mjs      (listens on :3000/rtgw-events)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** True when `header` is `sha256=<hex HMAC-SHA256 of body with secret>`. */
export function verify(secret, body, header) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(body).digest('hex'));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A "last seen" table: user -> {online, at}; `seen` holds applied ids (keep it in your database). */
export function lastSeenTable() {
  const table = new Map();
  const seen = new Set();
  return {
    table,
    apply(event) {
      if (seen.has(event.id)) return; // a retried batch repeats events
      seen.add(event.id);
      if (event.type === 'online') table.set(`${event.tenant}/${event.user}`, { online: true, at: event.at });
      if (event.type === 'offline') table.set(`${event.tenant}/${event.user}`, { online: false, at: event.at });
    },
  };
}

export function receiver(secret, onEvent) {
  return createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/rtgw-events') {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!verify(secret, body, req.headers['rtgw-signature'])) {
        res.writeHead(401).end();
        return;
      }
      for (const event of JSON.parse(body.toString('utf8'))) onEvent(event);
      res.writeHead(204).end(); // anything but 2xx makes the gateway retry the whole batch
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const secret = process.env.RTGW_EVENTS_SECRET;
  if (!secret) {
    console.error('RTGW_EVENTS_SECRET is required');
    process.exit(2);
  }
  const lastSeen = lastSeenTable();
  receiver(secret, (e) => {
    lastSeen.apply(e);
    console.log(e.type, e.tenant, e.user ?? e.channel ?? '');
  }).listen(Number(process.env.PORT ?? 3000), () => console.log('listening on :3000/rtgw-events'));
}
