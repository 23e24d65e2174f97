/**
 * The gateway's retained `{root}/gw/{id}/meta` message: the ports it serves (never a secret:
 * no serial device paths with credentials, no hosts with passwords, no keys).
 *
 * @module
 */

import { badField, jsonBytes, parseJsonObject } from './json.js';

/** Transport behind a gateway port (unknown kinds from newer gateways are kept as strings). */
export type PortKind = 'serial' | 'tcp' | 'udp' | 'memory' | (string & {});

/** How the gateway chunks the port's bytes (unknown hints from newer gateways are kept as strings). */
export type PortProtocol = 'hdlc' | 'modbus-rtu' | 'raw' | (string & {});

/** One port in the meta message. */
export interface PortMeta {
  /** Port id (its topic level). */
  id: string;
  /** Transport behind the port. */
  kind: PortKind;
  /** Chunking protocol hint: `hdlc`, `modbus-rtu` or `raw`. */
  protocol: PortProtocol;
  /** `true` for a shared half-duplex line (serial): one transaction at a time. */
  bus: boolean;
  /** `true` while a lease is held. */
  busy: boolean;
}

/** The meta message, UTF-8 JSON on the wire, e.g. `{"protocol":1,"ports":[{"id":"p1",…}]}`. */
export interface GatewayMeta {
  /** Highest envelope version the gateway speaks. */
  protocol: number;
  /** The ports. */
  ports: PortMeta[];
}

/**
 * Encodes the meta message as UTF-8 JSON.
 *
 * @param meta - The port list.
 * @returns The payload (publish it retained, QoS 1, again whenever `busy` changes).
 * @example
 * ```ts
 * encodeMeta({ protocol: 1, ports: [{ id: 'p1', kind: 'serial', protocol: 'hdlc', bus: true, busy: false }] });
 * ```
 */
export function encodeMeta(meta: GatewayMeta): Uint8Array {
  return jsonBytes({
    protocol: meta.protocol,
    ports: meta.ports.map(({ id, kind, protocol, bus, busy }) => ({ id, kind, protocol, bus, busy })),
  });
}

/**
 * Decodes the meta message; unknown fields are ignored.
 *
 * @param bytes - The payload.
 * @returns The port list.
 * @throws {@link DecodeError} (layer `mqtt-tunnel`, offset 0) when it is not a JSON object with an
 *   integer `protocol` and a `ports` array of `{ id, kind, protocol, bus, busy }`
 * @example
 * ```ts
 * const serial = decodeMeta(payload).ports.find((p) => p.id === 'p1')?.bus;
 * ```
 */
export function decodeMeta(bytes: Uint8Array): GatewayMeta {
  const o = parseJsonObject(bytes, 'meta');
  if (!Number.isInteger(o.protocol)) throw badField(bytes, 'meta', 'an integer protocol');
  if (!Array.isArray(o.ports)) throw badField(bytes, 'meta', 'a ports array');
  const ports = o.ports.map((p: unknown): PortMeta => {
    const { id, kind, protocol, bus, busy } = (p ?? {}) as Record<string, unknown>;
    if (
      typeof id !== 'string' ||
      typeof kind !== 'string' ||
      typeof protocol !== 'string' ||
      typeof bus !== 'boolean' ||
      typeof busy !== 'boolean'
    ) {
      throw badField(bytes, 'meta', 'ports of { id, kind, protocol: strings; bus, busy: booleans }');
    }
    return { id, kind, protocol, bus, busy };
  });
  return { protocol: o.protocol as number, ports };
}
