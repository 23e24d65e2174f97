// The names the DLMS session benchmark needs and where they come from: see lib/load-api.mjs
// (dist/, or an esbuild bundle of the sources with DLMS_BENCH_SOURCE=1 or a stale build;
// child processes get the parent's choice in DLMS_BENCH_MODULE).

import { loadApi } from './load-api.mjs';

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

/**
 * Loads the names the benchmark needs (see lib/load-api.mjs).
 * @returns {Promise<{ api: Record<string, any>, source: string, module: string, dispose(): void }>}
 */
export function loadDlms() {
  return loadApi({ needed, sources, envPrefix: 'DLMS_BENCH', tag: 'dlms' });
}
