// Where the DLMS session benchmark gets meterlink from: the built package (dist/), or, when dist/
// lacks one of the names the benchmark needs (an export not added to src/dlms/index.ts yet, or a
// stale build), one esbuild bundle of the sources — all names from the same bundle, so classes
// and error types stay consistent between the client, the server and the simulated objects.
//
// DLMS_BENCH_SOURCE=1 skips dist/ and bundles the sources as they are.
//
// The server processes load the same module: the parent passes its path in the environment
// (DLMS_BENCH_MODULE), so the client and the servers always run the same code.

import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    'exampleMeter',
    'encodeApdu',
    'decodeApdu',
    'encodeWrapperFrame',
    'WrapperFrameDecoder',
    'HdlcFrameDecoder',
    'stripLlc',
  ],
  'dist/index.js': ['tcp'],
};

/** Where the sources export the names (the fallback bundle re-exports exactly these). */
const sources = {
  DlmsClient: 'src/dlms/client/dlms-client.ts',
  DlmsServer: 'src/dlms/server/dlms-server.ts',
  Register: 'src/dlms/server/objects/register.ts',
  Clock: 'src/dlms/server/objects/clock.ts',
  ProfileGeneric: 'src/dlms/server/objects/profile-generic.ts',
  ObjectDirectory: 'src/dlms/server/objects/object-directory.ts',
  exampleMeter: 'src/dlms/server/meter/example-meter.ts',
  encodeApdu: 'src/dlms/apdu/apdu-codec.ts',
  decodeApdu: 'src/dlms/apdu/apdu-codec.ts',
  encodeWrapperFrame: 'src/dlms/wrapper/wrapper-codec.ts',
  WrapperFrameDecoder: 'src/dlms/wrapper/wrapper-decoder.ts',
  HdlcFrameDecoder: 'src/dlms/hdlc/frame-decoder.ts',
  stripLlc: 'src/dlms/hdlc/llc.ts',
  tcp: 'src/links/tcp.ts',
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
  const outfile = join(tmpdir(), `meterlink-dlms-bench-${process.pid}.mjs`);
  await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
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
 * (then `source` names the missing exports). In a server process: from the module the parent
 * chose (`DLMS_BENCH_MODULE`).
 * @returns {Promise<{ api: Record<string, any>, source: string, module?: string }>}
 */
export async function loadDlms() {
  const chosen = process.env.DLMS_BENCH_MODULE;
  if (chosen) {
    if (chosen === 'dist') return { api: (await fromDist()).api, source: 'dist' };
    return { api: await import(pathToFileURL(chosen).href), source: chosen, module: chosen };
  }
  // DLMS_BENCH_SOURCE=1 measures the working tree's sources without building dist/.
  const forced = process.env.DLMS_BENCH_SOURCE === '1';
  const { api, missing } = forced ? { api: {}, missing: [] } : await fromDist();
  if (!forced && missing.length === 0) return { api, source: 'dist', module: 'dist' };
  const module = await bundleSources();
  return {
    api: await import(pathToFileURL(module).href),
    source: forced
      ? 'esbuild bundle of src/ (DLMS_BENCH_SOURCE=1)'
      : `esbuild bundle of src/ (dist/ lacks ${missing.join(', ')})`,
    module,
  };
}
