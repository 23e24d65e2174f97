/**
 * The JSON form of a link in a gateway configuration (a port's meter, a bridge's Modbus line):
 * a serial line, or a TCP or UDP peer.
 *
 * @module
 */

import type { SerialParity } from '../../core/link.js';
import { ConfigFields, GatewayConfigError } from './config-fields.js';
import type { GatewayPortProtocol } from './create-chunker.js';

/** Where a port's meter is: a serial line, or a TCP or UDP peer (a meter, a serial server). */
export type GatewayLinkConfig =
  | {
      /** A serial line (needs the optional package `serialport`). */
      serial: {
        /** Device path: `/dev/ttyUSB0`, `COM3` … */
        path: string;
        /** Line speed in bit/s (required: no speed is right for every meter). */
        baudRate: number;
        /** Data bits. Default `8`. */
        dataBits: 5 | 6 | 7 | 8;
        /** Parity. Default `'even'` on `modbus-rtu` ports (Modbus spec §6), `'none'` otherwise. */
        parity: SerialParity;
        /** Stop bits. Default `1`. */
        stopBits: 1 | 1.5 | 2;
      };
    }
  | {
      /** A TCP peer. */
      tcp: {
        /** Host name or address. */
        host: string;
        /** TCP port. */
        port: number;
      };
    }
  | {
      /** A UDP peer. */
      udp: {
        /** Host name or address. */
        host: string;
        /** UDP port. */
        port: number;
      };
    };

const parities: readonly SerialParity[] = ['none', 'even', 'odd', 'mark', 'space'];

/**
 * Checks the JSON of a link — `{ "serial": { path, baudRate, dataBits?, parity?, stopBits? } }`,
 * `{ "tcp": { host, port } }` or `{ "udp": { host, port } }` — and returns it with the serial
 * defaults filled in. Builds no link (`linkFactory` does).
 *
 * @param value - The parsed JSON value.
 * @param path - Its path in the configuration file, for messages (e.g. `ports[0].link`).
 * @param protocol - What the line carries: a serial line's parity defaults to `even` for
 *   `modbus-rtu` (Modbus spec §6), `none` otherwise.
 * @returns The checked configuration.
 * @throws {@link GatewayConfigError} naming the JSON path at fault
 * @example
 * ```ts
 * const link = linkFactory(parseLinkConfig({ serial: { path: '/dev/ttyUSB0', baudRate: 9600 } }, 'link', 'hdlc'))();
 * ```
 */
export function parseLinkConfig(
  value: unknown,
  path: string,
  protocol: GatewayPortProtocol,
): GatewayLinkConfig {
  if (value === undefined)
    throw new GatewayConfigError(path, 'is required ({ "serial": … }, { "tcp": … } or { "udp": … })');
  const f = new ConfigFields(value, path, ['serial', 'tcp', 'udp']);
  const kinds = (['serial', 'tcp', 'udp'] as const).filter((kind) => f.has(kind));
  if (kinds.length !== 1) {
    throw new GatewayConfigError(
      path,
      `must have exactly one of serial, tcp, udp, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
    );
  }
  const kind = kinds[0]!;
  if (kind === 'serial') {
    const s = new ConfigFields(f.raw(kind), f.at(kind), [
      'path',
      'baudRate',
      'dataBits',
      'parity',
      'stopBits',
    ]);
    const path = s.text('path');
    const baudRate = s.integer('baudRate', 50, 4_000_000);
    return {
      serial: {
        path,
        baudRate,
        dataBits: s.oneOf('dataBits', [5, 6, 7, 8] as const) ?? 8,
        parity: s.oneOf('parity', parities) ?? (protocol === 'modbus-rtu' ? 'even' : 'none'),
        stopBits: s.oneOf('stopBits', [1, 1.5, 2] as const) ?? 1,
      },
    };
  }
  const p = new ConfigFields(f.raw(kind), f.at(kind), ['host', 'port']);
  const host = p.text('host');
  const port = p.integer('port', 1, 65535);
  return kind === 'tcp' ? { tcp: { host, port } } : { udp: { host, port } };
}
