// Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, and the
// inclusive time of the functions that matter, as a share of the sampled time.
//
//   node bench/cpuprofile-top.mjs FILE.cpuprofile [--top 30] [--filter dist/]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, filter: { type: 'string' } },
});
const top = Number.parseInt(args.top, 10);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Each sample's duration is the next time delta.
  const selfUs = new Map();
  const deltas = profile.timeDeltas;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }

  const keyOf = (n) => {
    const f = n.callFrame;
    const url = f.url ? f.url.replace(/^.*\/(dist|node_modules|bench)\//, '$1/') : '';
    return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map();
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + us);
    // Inclusive: count each distinct function once per sample stack.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = keyOf(byId.get(cur));
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const show = (title, map) => {
    console.log(`\n${title}`);
    const rows = [...map]
      .filter(([k]) => !args.filter || k.includes(args.filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
    for (const [k, us] of rows) console.log(`${pct(us)}  ${k}`);
  };
  console.log(`# ${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  show('self time', self);
  show('inclusive time', inclusive);
}
