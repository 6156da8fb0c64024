// The copy-paste page of docs/getting-started.md ("A plain browser page with EventSource"), taken
// from the document itself and run as the document says: served on its own origin, allowed by
// RTGW_ALLOWED_ORIGINS, token in the URL fragment, streams ended by RTGW_MAX_LIFETIME.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Cleanup, GatewayProcess, launchBrowser, mintToken, startPageServer, waitFor } from './harness.js';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'getting-started.md');

function docPage() {
  const text = readFileSync(DOC, 'utf8');
  const section = text.slice(text.indexOf('## A plain browser page with EventSource'));
  const m = section.match(/```html\n([\s\S]*?)```/);
  assert.ok(m, 'the section has an html block');
  return m[1];
}

test('the EventSource page of docs/getting-started.md works as documented', async () => {
  const cleanup = new Cleanup();
  try {
    const html = docPage();
    assert.ok(html.includes("'http://localhost:8080'"));
    // The same page; only the gateway's address differs from the document's.
    let served = html;
    const pages = await startPageServer(cleanup, () => served);
    const gateway = await GatewayProcess.start(cleanup, { RTGW_ALLOWED_ORIGINS: pages.origin, RTGW_MAX_LIFETIME: '2s' });
    served = html.replace("'http://localhost:8080'", `'${gateway.publicOrigin}'`);
    const { page } = await launchBrowser(cleanup);
    await page.goto(`${pages.origin}/page.html#token=${mintToken({ sub: 'erin', tenant: 'demo', channels: ['*'] })}`);
    const log = () => page.evaluate(() => document.getElementById('log').textContent.split('\n').filter(Boolean));
    await waitFor(async () => (await log()).some((l) => l.startsWith('stream 1 open')), { what: 'stream 1 open' });

    const published = { 'room:1': [], 'room:2': [], 'room:3': [] };
    let n = 0;
    const publishRound = async () => {
      n++;
      for (const c of Object.keys(published)) {
        await gateway.publish(c, { n }, { tenant: 'demo' });
        published[c].push(n);
      }
    };
    await publishRound();
    await waitFor(async () => (await log()).some((l) => l.includes('the gateway ends the stream: lifetime')), { what: 'the stream ended by the gateway' });
    await publishRound();
    await waitFor(async () => (await log()).some((l) => l.startsWith('stream 2 open')), { what: 'stream 2 open' });
    await publishRound();
    await waitFor(async () => (await log()).filter((l) => l.startsWith('room:')).length === 9, { what: '9 messages in the log' });

    const lines = await log();
    assert.ok(lines.find((l) => l.startsWith('stream 2 open')).includes('"room:1":true,"room:2":true,"room:3":true'), lines.join('\n'));
    for (const c of Object.keys(published)) {
      const got = lines.filter((l) => l.startsWith(c + ' ')).map((l) => JSON.parse(l.slice(c.length).trim()).n);
      assert.deepEqual(got, published[c], `${c} in the page log: every number, in order, once`);
    }
    assert.ok(!lines.some((l) => l.startsWith('GAP') || l.startsWith('refused')), lines.join('\n'));
  } finally {
    await cleanup.run();
  }
});
