// Where a benchmark gets meterlink from: the built package (dist/), or, when dist/ lacks one of
// the names the benchmark needs (a stale build) or `<PREFIX>_SOURCE=1` asks for it, one esbuild
// bundle of the sources — all names from the same bundle, so classes and error types agree
// between every process of the run. npm packages stay imports, so the bundle is written under
// node_modules/.cache, where Node resolves them from the project's node_modules.
//
// Child processes load the same module: the parent passes its path in `<PREFIX>_MODULE`, so
// every process runs the same code.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function fromDist(needed) {
  const out = {};
  const missing = [];
  for (const [file, names] of Object.entries(needed)) {
    const path = join(root, file);
    const module = existsSync(path) ? await import(pathToFileURL(path).href) : {};
    for (const name of names) {
      if (name in module) out[name] = module[name];
      else missing.push(name);
    }
  }
  return { api: out, missing };
}

/** Bundles the sources of every name in `sources` into one ESM file; returns its path. */
async function bundleSources(sources, tag) {
  const { build } = await import('esbuild');
  const byFile = new Map();
  for (const [name, file] of Object.entries(sources)) {
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(name);
  }
  const contents = [...byFile]
    .map(([file, names]) => `export { ${names.join(', ')} } from ${JSON.stringify(join(root, file))};`)
    .join('\n');
  const dir = join(root, 'node_modules', '.cache', 'meterlink-bench');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${tag}-${process.pid}.mjs`);
  await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/**
 * Loads the names a benchmark needs.
 * @param {{ needed: Record<string, string[]>, sources: Record<string, string>, envPrefix: string, tag: string }} spec
 *   `needed`: dist entry → names; `sources`: name → source file exporting it; `envPrefix`: e.g.
 *   `DLMS_BENCH` for DLMS_BENCH_SOURCE / DLMS_BENCH_MODULE; `tag`: the bundle's file name prefix.
 * @returns {Promise<{ api: Record<string, any>, source: string, module: string, dispose(): void }>}
 *   `module` is what child processes get in `<PREFIX>_MODULE`; `dispose()` deletes a bundle this
 *   process wrote.
 */
export async function loadApi({ needed, sources, envPrefix, tag }) {
  const chosen = process.env[`${envPrefix}_MODULE`];
  const keep = () => undefined;
  if (chosen) {
    if (chosen === 'dist')
      return { api: (await fromDist(needed)).api, source: 'dist', module: chosen, dispose: keep };
    return { api: await import(pathToFileURL(chosen).href), source: chosen, module: chosen, dispose: keep };
  }
  const forced = process.env[`${envPrefix}_SOURCE`] === '1';
  const { api, missing } = forced ? { api: {}, missing: [] } : await fromDist(needed);
  if (!forced && missing.length === 0) return { api, source: 'dist', module: 'dist', dispose: keep };
  const module = await bundleSources(sources, tag);
  return {
    api: await import(pathToFileURL(module).href),
    source: forced
      ? `esbuild bundle of src/ (${envPrefix}_SOURCE=1)`
      : `esbuild bundle of src/ (dist/ lacks ${missing.join(', ')})`,
    module,
    dispose: () => rmSync(module, { force: true }),
  };
}
