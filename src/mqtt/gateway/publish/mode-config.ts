/**
 * Reading the JSON configuration of the gateway modes (from `meterlink gateway <config.json>`):
 * every check names the JSON path of the offending field; key and password values never appear
 * in a message.
 *
 * @module
 */

import { fromHex } from '../../../core/hex.js';
import { type ConfigEnv, ConfigFields, configSecret, GatewayConfigError } from '../config-fields.js';
import type { DlmsConnectionOptions } from './dlms-connector.js';

/**
 * A key or system title in hex (`"000102…"`, spaces and colons allowed), or `{ "env": "NAME" }`.
 * @throws {@link GatewayConfigError} for anything else or the wrong length, without the value
 */
function hexKey(value: unknown, path: string, octets: number, env: ConfigEnv): Uint8Array {
  if (value === undefined) throw new GatewayConfigError(path, 'is required');
  const text = configSecret(value, path, env).replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(text) || text.length !== octets * 2) {
    throw new GatewayConfigError(path, `must be ${octets} octets in hex (${octets * 2} hex digits)`);
  }
  return fromHex(text);
}

const dlmsKeys = [
  'framing',
  'client',
  'server',
  'auth',
  'security',
  'maxPduSize',
  'timeoutMs',
  'generalBlockTransfer',
  'hdlc',
];

/**
 * The `dlms` object of a meter or bridge: `DlmsClient.connect` options without the link.
 * @throws {@link GatewayConfigError} naming the field at fault
 */
export function parseDlmsConnection(value: unknown, path: string, env: ConfigEnv): DlmsConnectionOptions {
  const f = new ConfigFields(value, path, dlmsKeys);
  if (!f.has('framing')) throw new GatewayConfigError(f.at('framing'), "is required ('hdlc' or 'wrapper')");
  const options: DlmsConnectionOptions = { framing: f.oneOf('framing', ['hdlc', 'wrapper'] as const)! };
  const client = f.integer('client', 0, 0x7f, true);
  if (client !== undefined) options.client = client;
  if (f.has('server')) {
    const s = new ConfigFields(f.raw('server'), f.at('server'), ['logical', 'physical']);
    const logical = s.integer('logical', 0, 0x3fff, true);
    const physical = s.integer('physical', 0, 0x3fff, true);
    options.server = {
      ...(logical === undefined ? {} : { logical }),
      ...(physical === undefined ? {} : { physical }),
    };
  }
  if (f.has('auth')) {
    const a = new ConfigFields(f.raw('auth'), f.at('auth'), ['mechanism', 'password']);
    const mechanism = a.oneOf('mechanism', ['none', 'lls', 'hls-gmac'] as const) ?? 'none';
    if (mechanism === 'lls') {
      if (!a.has('password')) throw new GatewayConfigError(a.at('password'), 'is required for lls');
      options.auth = { mechanism, password: configSecret(a.raw('password'), a.at('password'), env) };
    } else {
      if (a.has('password')) throw new GatewayConfigError(a.at('password'), 'applies to lls only');
      options.auth = { mechanism };
    }
  }
  if (f.has('security')) {
    const s = new ConfigFields(f.raw('security'), f.at('security'), [
      'policy',
      'encryptionKey',
      'authenticationKey',
      'systemTitle',
      'invocationCounter',
      'invocationCounterObis',
      'invocationCounterClient',
      'envelope',
    ]);
    const policy = s.oneOf('policy', [
      'none',
      'authenticated',
      'encrypted',
      'authenticated-encrypted',
    ] as const);
    const envelope = s.oneOf('envelope', ['service', 'general'] as const);
    const counter = s.raw('invocationCounter');
    let invocationCounter: number | 'read' | undefined;
    if (counter === 'read') invocationCounter = 'read';
    else invocationCounter = s.integer('invocationCounter', 0, 0xffffffff, true);
    const counterClient = s.integer('invocationCounterClient', 0, 0x7f, true);
    options.security = {
      encryptionKey: hexKey(s.raw('encryptionKey'), s.at('encryptionKey'), 16, env),
      authenticationKey: hexKey(s.raw('authenticationKey'), s.at('authenticationKey'), 16, env),
      systemTitle: hexKey(s.raw('systemTitle'), s.at('systemTitle'), 8, env),
      ...(policy === undefined ? {} : { policy }),
      ...(envelope === undefined ? {} : { envelope }),
      ...(invocationCounter === undefined ? {} : { invocationCounter }),
      ...(s.has('invocationCounterObis') ? { invocationCounterObis: s.obis('invocationCounterObis') } : {}),
      ...(counterClient === undefined ? {} : { invocationCounterClient: counterClient }),
    };
  }
  if (options.auth?.mechanism === 'hls-gmac' && options.security === undefined) {
    throw new GatewayConfigError(f.at('security'), "is required with auth mechanism 'hls-gmac'");
  }
  const maxPduSize = f.integer('maxPduSize', 12, 0xffff, true);
  if (maxPduSize !== undefined) options.maxPduSize = maxPduSize;
  const timeoutMs = f.integer('timeoutMs', 1, 600_000, true);
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const gbt = f.flag('generalBlockTransfer');
  if (gbt !== undefined) options.generalBlockTransfer = gbt;
  if (f.has('hdlc')) {
    if (options.framing !== 'hdlc')
      throw new GatewayConfigError(f.at('hdlc'), "applies to framing 'hdlc' only");
    const h = new ConfigFields(f.raw('hdlc'), f.at('hdlc'), [
      'maxInfoTransmit',
      'maxInfoReceive',
      'windowTransmit',
      'windowReceive',
      'frameTimeoutMs',
      'retries',
    ]);
    const hdlc: NonNullable<DlmsConnectionOptions['hdlc']> = {};
    for (const key of ['maxInfoTransmit', 'maxInfoReceive'] as const) {
      const v = h.integer(key, 32, 2030, true);
      if (v !== undefined) hdlc[key] = v;
    }
    for (const key of ['windowTransmit', 'windowReceive'] as const) {
      const v = h.integer(key, 1, 7, true);
      if (v !== undefined) hdlc[key] = v;
    }
    const frameTimeoutMs = h.integer('frameTimeoutMs', 1, 60_000, true);
    if (frameTimeoutMs !== undefined) hdlc.frameTimeoutMs = frameTimeoutMs;
    const retries = h.integer('retries', 0, 100, true);
    if (retries !== undefined) hdlc.retries = retries;
    options.hdlc = hdlc;
  }
  return options;
}
