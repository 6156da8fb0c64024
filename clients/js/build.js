// node build.js: writes dist/rtgw.min.js (comments and indentation stripped, nothing renamed) and
// prints the sizes the docs quote. No bundler, no dependencies: the module is one file already.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const here = new URL('.', import.meta.url);
const src = readFileSync(new URL('rtgw.js', here), 'utf8');

const min = src
  .replace(/^\s*\/\*\*?[\s\S]*?\*\/\s*$/gm, '')          // block comments on their own lines
  .split('\n')
  .map((line) => line.replace(/\s+\/\/ [^'"`\/]*$/, '')   // trailing comments (no quotes or slashes in them)
    .replace(/^\s+/, ''))
  .filter((line) => line && !line.startsWith('//'))
  .join('\n');

mkdirSync(new URL('dist/', here), { recursive: true });
writeFileSync(new URL('dist/rtgw.min.js', here), min);
const kb = (n) => (n / 1024).toFixed(1) + ' KiB';
const sizes = {
  source: kb(Buffer.byteLength(src)),
  'source gzip': kb(gzipSync(src, { level: 9 }).length),
  minified: kb(Buffer.byteLength(min)),
  'minified gzip': kb(gzipSync(min, { level: 9 }).length),
};
console.log(Object.entries(sizes).map(([k, v]) => k + ': ' + v).join('\n'));

// The stripped copy must still be the same module.
const a = Object.keys(await import(new URL('rtgw.js', here))).sort();
const b = Object.keys(await import(new URL('dist/rtgw.min.js', here))).sort();
if (a.join() !== b.join()) throw new Error('dist/rtgw.min.js lost exports: ' + a + ' vs ' + b);
