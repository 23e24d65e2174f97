/**
 * FC43/14 Read Device Identification, client side: stream walking and naming of objects
 * (Modbus Application Protocol §6.21; meterlink spec §4.18).
 *
 * @module
 */

import { ProtocolError } from '../../core/errors.js';
import type { DeviceIdObject, DeviceIdReadCode, ModbusResponse } from '../pdu/types.js';

/** The identification of a device, with the standard objects named. */
export interface DeviceIdentification {
  /** Conformity level the device reported (0x01–0x03, 0x81–0x83). */
  conformityLevel: number;
  /** Every object received, in order (private objects 0x80–0xFF included). */
  objects: DeviceIdObject[];
  /** Object 0x00. */
  vendorName?: string;
  /** Object 0x01. */
  productCode?: string;
  /** Object 0x02. */
  majorMinorRevision?: string;
  /** Object 0x03. */
  vendorUrl?: string;
  /** Object 0x04. */
  productName?: string;
  /** Object 0x05. */
  modelName?: string;
  /** Object 0x06. */
  userApplicationName?: string;
}

type DeviceIdResponse = Extract<ModbusResponse, { type: 'read-device-identification' }>;

const names = [
  'vendorName',
  'productCode',
  'majorMinorRevision',
  'vendorUrl',
  'productName',
  'modelName',
  'userApplicationName',
] as const;

const readCodes = { basic: 1, regular: 2, extended: 3 } as const;

/** Objects per response are ≥ 1, and ids are one byte: more rounds than this means a looping server. */
const maxRounds = 256;

const latin1 = new TextDecoder('latin1');

/**
 * Reads the identification through `ask`, walking "more follows" for stream access.
 * A server that repeats a Next Object Id or never ends fails with a {@link ProtocolError}
 * (spec §4.18: the client MUST guard against such loops).
 */
export async function readDeviceIdentification(
  ask: (readCode: DeviceIdReadCode, objectId: number) => Promise<DeviceIdResponse>,
  args: { category?: 'basic' | 'regular' | 'extended'; objectId?: number },
): Promise<DeviceIdentification> {
  const objects: DeviceIdObject[] = [];
  let conformityLevel = 0;
  if (args.objectId !== undefined && args.category === undefined) {
    const r = await ask(4, args.objectId);
    conformityLevel = r.conformityLevel;
    objects.push(...r.objects);
  } else {
    const readCode = readCodes[args.category ?? 'basic'];
    const seen = new Set<number>();
    let objectId = args.objectId ?? 0;
    for (let round = 0; ; round++) {
      if (round >= maxRounds || seen.has(objectId)) {
        throw new ProtocolError(
          `device identification does not terminate (next object id ${objectId} repeats)`,
        );
      }
      seen.add(objectId);
      const r = await ask(readCode, objectId);
      conformityLevel = r.conformityLevel;
      objects.push(...r.objects);
      if (!r.moreFollows) break;
      objectId = r.nextObjectId;
    }
  }
  const identification: DeviceIdentification = { conformityLevel, objects };
  for (const object of objects) {
    const name = names[object.id];
    if (name !== undefined) identification[name] = latin1.decode(object.value);
  }
  return identification;
}
