// node --test examples/events/node/   (no dependencies)
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { lastSeenTable, receiver, verify } from './webhook-receiver.mjs';

const secret = 'webhook-secret-for-tests';
const sign = (body) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

test('a signed batch is applied once even when it is delivered twice; a bad signature is refused', async () => {
  const lastSeen = lastSeenTable();
  const server = receiver(secret, (e) => lastSeen.apply(e));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/rtgw-events`;
  try {
    const body = JSON.stringify([
      { id: 'n1-a-1', type: 'online', tenant: 'acme', at: 1000, user: 'alice' },
      { id: 'n1-a-2', type: 'offline', tenant: 'acme', at: 2000, user: 'alice' },
    ]);
    for (let i = 0; i < 2; i++) {
      const ok = await fetch(url, { method: 'POST', body, headers: { 'Rtgw-Signature': sign(body) } });
      assert.equal(ok.status, 204);
    }
    assert.deepEqual(lastSeen.table.get('acme/alice'), { online: false, at: 2000 });
    const forged = await fetch(url, { method: 'POST', body, headers: { 'Rtgw-Signature': sign(body + ' ') } });
    assert.equal(forged.status, 401);
  } finally {
    server.close();
  }
});

test('verify accepts only the exact sha256=<hex> of the body', () => {
  const body = Buffer.from('[]');
  assert.equal(verify(secret, body, sign(body)), true);
  assert.equal(verify(secret, body, sign(body).toUpperCase()), false);
  assert.equal(verify(secret, body, undefined), false);
  assert.equal(verify('other', body, sign(body)), false);
});
