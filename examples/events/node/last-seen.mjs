// A "last seen" table kept from the gateway's event stream (docs/events.md, docs/protocol.md §10),
// with node-redis:  npm install redis  &&  node last-seen.mjs redis://localhost:6379 acme
//
// A consumer group lets several copies of the app share the stream and lets a restarted copy go
// on where it stopped. An entry is acknowledged only after it was applied, and applying is
// idempotent by event id, so nothing is lost and nothing counts twice.
import { createClient } from 'redis';

const [url = 'redis://localhost:6379', tenant = 'acme'] = process.argv.slice(2);
const stream = `rtgw:{${tenant}}:events`; // <prefix>:{<tenant>}:events
const group = 'last-seen';
const consumer = 'consumer-1';
const table = new Map(); // user -> { online, at }
const applied = new Set(); // a real app keeps applied ids (or idempotent writes) in its database

const redis = createClient({ url });
await redis.connect();
try {
  await redis.xGroupCreate(stream, group, '0', { MKSTREAM: true });
} catch (e) {
  if (!String(e.message).includes('BUSYGROUP')) throw e; // the group exists: keep its place
}

function apply(event) {
  if (applied.has(event.id)) return;
  applied.add(event.id);
  if (event.type === 'online') table.set(event.user, { online: true, at: event.at });
  if (event.type === 'offline') table.set(event.user, { online: false, at: event.at });
}

// First what this consumer read before a crash but never acknowledged ('0'), then new entries ('>').
let from = '0';
for (;;) {
  const reply = await redis.xReadGroup(group, consumer, [{ key: stream, id: from }], { COUNT: 100, BLOCK: 5000 });
  const messages = reply?.[0]?.messages ?? [];
  if (from === '0' && messages.length === 0) from = '>';
  for (const { id, message } of messages) {
    const event = JSON.parse(message.event);
    apply(event);
    await redis.xAck(stream, group, id);
    if (event.type === 'online' || event.type === 'offline') {
      console.log(event.user, event.type === 'online' ? 'online since' : 'last seen', new Date(event.at).toISOString());
    }
  }
}
