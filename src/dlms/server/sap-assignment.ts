/**
 * The SAP assignment object `0.0.41.0.0.255` (meterlink spec §11.3 class 17): which logical
 * devices the server holds.
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import type { ActionOutcome, GetOutcome } from './cosem-object.js';
import type { ServedObject } from './served-object.js';

/** One line of SAP_assignment_list. */
export interface SapAssignmentEntry {
  /** The logical device address (SAP). */
  readonly sap: number;
  /** Its COSEM logical device name. */
  readonly name: string;
}

/** Builds the SAP assignment object (class 17 version 0) listing `entries`. */
export function sapAssignmentObject(entries: readonly SapAssignmentEntry[]): ServedObject {
  const list: Data = {
    type: 'array',
    value: entries.map((e) => ({
      type: 'structure',
      value: [
        { type: 'long-unsigned', value: e.sap },
        { type: 'octet-string', value: latin1(e.name) },
      ],
    })),
  };
  return {
    classId: 17,
    version: 0,
    logicalName: Uint8Array.of(0, 0, 41, 0, 0, 255),
    attributeCount: 2,
    methodCount: 1,
    get(attributeId): GetOutcome {
      return attributeId === 2 ? list : { failure: 'object-undefined' };
    },
    set() {
      return 'read-write-denied';
    },
    action(): ActionOutcome {
      // connect_logical_device: the simulated devices are fixed.
      return { result: 'read-write-denied' };
    },
  };
}

/** The Latin-1 octets of `text`. */
function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
