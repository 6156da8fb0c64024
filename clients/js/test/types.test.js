// The declarations name every export of the module (no TypeScript compiler needed for this check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as rtgw from '../rtgw.js';

test('rtgw.d.ts declares every export of rtgw.js', () => {
  const dts = readFileSync(new URL('../rtgw.d.ts', import.meta.url), 'utf8');
  for (const name of Object.keys(rtgw)) {
    if (name === 'default') continue;
    assert.match(dts, new RegExp('export (declare )?(class|function|const) ' + name + '\\b'), name);
  }
  assert.match(dts, /'connecting' \| 'connected' \| 'reconnecting' \| 'closed' \| 'disconnected'/);
});
