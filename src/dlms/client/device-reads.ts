/**
 * The object list of the current association (meterlink spec §11.3 class 15) and Disconnect
 * control (class 70).
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import { type ObjectListEntry, parseObjectList } from '../cosem/object-list.js';
import { invokeMethod } from './action-service.js';
import { currentAssociation } from './association.js';
import { dottedObis } from './descriptors.js';
import { getAttribute } from './get-service.js';
import { readAttributes } from './register-reads.js';
import type { DlmsRequestOptions, ServiceContext } from './service-context.js';

/** The Disconnect control object (§11.5). */
export const disconnectControlObis = '0.0.96.3.10.255';

/** control_state names (§11.3 class 70). */
const controlStates = ['disconnected', 'connected', 'ready-for-reconnection'] as const;

/** A Disconnect control reading. */
export interface DisconnectState {
  /** output_state: `true` = supply connected. */
  outputState: boolean;
  /** control_state, named (its number when out of the table). */
  controlState: (typeof controlStates)[number] | number;
  /** control_mode (0–6). */
  controlMode: number;
}

/**
 * Reads the object_list of the current Association LN (attribute 2 of 0.0.40.0.0.255). Version 3
 * access bit maps are recognised from the association's own entry.
 *
 * @throws DecodeError (layer `cosem`) for a malformed list; the request errors
 */
export async function readObjectList(
  ctx: ServiceContext,
  options?: DlmsRequestOptions,
): Promise<ObjectListEntry[]> {
  const data = await getAttribute(ctx, { classId: 15, obis: currentAssociation, attribute: 2 }, options);
  const list = parseObjectList(data);
  const self = list.find((o) => o.classId === 15 && o.logicalName === currentAssociation);
  return self?.version === 3 ? parseObjectList(data, { associationVersion: 3 }) : list;
}

function numberOf(data: Data): number {
  const v = (data as { value?: unknown }).value;
  return typeof v === 'number' ? v : Number.NaN;
}

/**
 * Reads output_state, control_state and control_mode of a Disconnect control object.
 *
 * @throws the request errors
 */
export async function readDisconnectState(
  ctx: ServiceContext,
  obis: string | Uint8Array = disconnectControlObis,
  options?: DlmsRequestOptions,
): Promise<DisconnectState> {
  const [output, state, mode] = (await readAttributes(ctx, 70, dottedObis(obis), [2, 3, 4], options)) as [
    Data,
    Data,
    Data,
  ];
  const s = numberOf(state);
  return {
    outputState: output.type === 'boolean' ? output.value : numberOf(output) !== 0,
    controlState: controlStates[s] ?? s,
    controlMode: numberOf(mode),
  };
}

/**
 * Calls remote_disconnect (method 1) or remote_reconnect (method 2) with the dummy integer 0.
 *
 * @throws ActionError and the request errors
 */
export async function disconnectControl(
  ctx: ServiceContext,
  method: 1 | 2,
  obis: string | Uint8Array = disconnectControlObis,
  options?: DlmsRequestOptions,
): Promise<void> {
  await invokeMethod(ctx, { classId: 70, obis, method, parameters: { type: 'integer', value: 0 } }, options);
}
