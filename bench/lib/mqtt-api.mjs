// Where the MQTT benchmark gets meterlink from: the built package (dist/), or, when dist/ lacks
// one of the names the benchmark needs (a stale build), one esbuild bundle of the sources — all
// names from the same bundle, so classes and error types agree between the head-end, the
// gateways and the simulated meters. As bench/lib/dlms-api.mjs, with one difference: npm packages
// (mqtt, aedes) stay imports, so the bundle is written under node_modules/.cache, where Node
// resolves them from the project's node_modules.
//
// MQTT_BENCH_SOURCE=1 skips dist/ and bundles the sources as they are.
//
// The child processes load the same module: the parent passes its path in the environment
// (MQTT_BENCH_MODULE), so every process runs the same code.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every name the benchmark uses, and the entry that exports it. */
const needed = {
  'dist/dlms/index.js': [
    'DlmsClient',
    'DlmsServer',
    'Register',
    'Clock',
    'ProfileGeneric',
    'ObjectDirectory',
  ],
  'dist/index.js': ['memoryPair'],
  'dist/mqtt/index.js': ['startBroker', 'MqttGateway', 'mqttLink'],
};

/** Where the sources export the names (the fallback bundle re-exports exactly these). */
const sources = {
  DlmsClient: 'src/dlms/client/dlms-client.ts',
  DlmsServer: 'src/dlms/server/dlms-server.ts',
  Register: 'src/dlms/server/objects/register.ts',
  Clock: 'src/dlms/server/objects/clock.ts',
  ProfileGeneric: 'src/dlms/server/objects/profile-generic.ts',
  ObjectDirectory: 'src/dlms/server/objects/object-directory.ts',
  memoryPair: 'src/links/memory-pair.ts',
  startBroker: 'src/mqtt/broker/start-broker.ts',
  MqttGateway: 'src/mqtt/gateway/mqtt-gateway.ts',
  mqttLink: 'src/mqtt/link/mqtt-link.ts',
};

async function fromDist() {
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

/** Bundles the sources of every needed name into one ESM file; returns its path. */
async function bundleSources() {
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
  const outfile = join(dir, `mqtt-${process.pid}.mjs`);
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
 * Loads the names the benchmark needs. In the parent: from dist/, else from a fresh source bundle
 * (then `source` names the missing exports). In a child process: from the module the parent
 * chose (`MQTT_BENCH_MODULE`). `dispose()` deletes a bundle this process wrote.
 * @returns {Promise<{ api: Record<string, any>, source: string, module: string, dispose(): void }>}
 */
export async function loadMeterlink() {
  const chosen = process.env.MQTT_BENCH_MODULE;
  const keep = () => undefined;
  if (chosen) {
    if (chosen === 'dist')
      return { api: (await fromDist()).api, source: 'dist', module: chosen, dispose: keep };
    return { api: await import(pathToFileURL(chosen).href), source: chosen, module: chosen, dispose: keep };
  }
  const forced = process.env.MQTT_BENCH_SOURCE === '1';
  const { api, missing } = forced ? { api: {}, missing: [] } : await fromDist();
  if (!forced && missing.length === 0) return { api, source: 'dist', module: 'dist', dispose: keep };
  const module = await bundleSources();
  return {
    api: await import(pathToFileURL(module).href),
    source: forced
      ? 'esbuild bundle of src/ (MQTT_BENCH_SOURCE=1)'
      : `esbuild bundle of src/ (dist/ lacks ${missing.join(', ')})`,
    module,
    dispose: () => rmSync(module, { force: true }),
  };
}
