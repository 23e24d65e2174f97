/**
 * Issue 3 budget: the DLMS codecs, imported alone into a browser bundle (esbuild, minified,
 * gzip), stay under 40 KB and pull in no Node built-in. The entry names the codec exports of
 * `meterlink/dlms` explicitly, so whatever else that entry point exports (the client and the
 * meter simulator, which use links and events) must tree-shake away: Node built-ins are left
 * external and the output must not import any (package.json's `sideEffects: false` lets the
 * bundler drop whole unused modules, their imports included).
 */

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { codecExports } from './codec-exports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const budgetBytes = 40 * 1024;

async function bundleCodecs(): Promise<{ code: Uint8Array; inputs: string[] }> {
  const result = await build({
    stdin: {
      contents: `export { ${codecExports.join(', ')} } from './src/dlms/index.ts';`,
      resolveDir: root,
      sourcefile: 'dlms-codecs-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['node:*'],
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output');
  return { code: file.contents, inputs: Object.keys(result.metafile.inputs) };
}

describe('DLMS codecs in a browser bundle', () => {
  it('stays under 40 KB minified + gzip and uses no Node built-in', async () => {
    // platform 'browser' makes esbuild fail on any `node:` or built-in import, so a clean build
    // already proves the second half; the inputs list says it again in the failure message.
    const { code, inputs } = await bundleCodecs();
    expect(inputs.filter((input) => !input.startsWith('src/') && input !== 'dlms-codecs-entry.ts')).toEqual(
      [],
    );
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`DLMS codecs bundle: ${code.length} B minified, ${gzipped} B gzip`);
    expect(gzipped).toBeLessThan(budgetBytes);
  }, 30_000);
});
