#!/usr/bin/env node
// Refreshes the golden-vector fixtures in test/vectors/ from the verified originals in the
// shared folder beside the project. With --check it changes nothing and exits 1 when the copies
// differ from the originals, so CI notices a stale fixture.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', '..', 'shared', 'vectors');
const check = process.argv.includes('--check');

if (!existsSync(shared)) {
  console.log(`no ${shared}: nothing to ${check ? 'check' : 'refresh'}`);
  process.exit(0);
}
let stale = 0;
for (const name of readdirSync(shared).filter((n) => n.endsWith('.json'))) {
  const original = readFileSync(join(shared, name), 'utf8');
  const ids = JSON.parse(original).map((v) => v.id);
  if (new Set(ids).size !== ids.length) throw new Error(`${name}: duplicate vector ids`);
  const copy = join(here, name);
  const current = existsSync(copy) ? readFileSync(copy, 'utf8') : '';
  if (current === original) continue;
  if (check) {
    console.error(`test/vectors/${name} differs from ${join(shared, name)}: run npm run vectors`);
    stale++;
  } else {
    writeFileSync(copy, original);
    console.log(`updated test/vectors/${name} (${ids.length} vectors)`);
  }
}
process.exit(stale ? 1 : 0);
