/**
 * One attribute read or write, one method call, checked against the association (meterlink
 * spec §9.7, §11.3 class 15 access_rights): the object must exist and be visible, the class
 * must match, the member must exist and be allowed, and HLS must have completed.
 *
 * @module
 */

import type { DataAccessResult } from '../apdu/results.js';
import type {
  ActionResponseItem,
  AttributeDescriptor,
  GetDataResult,
  MethodDescriptor,
} from '../apdu/types.js';
import type { Data } from '../axdr/types.js';
import type { SelectiveAccess } from '../cosem/selective-access.js';
import type { GrantedObject } from './access-rights.js';
import type { Association } from './association.js';
import type { CosemRequestContext } from './cosem-object.js';
import { currentAssociationName } from './logical-device.js';
import { logicalNameData } from './served-object.js';

/** What the access functions need besides the association. */
export interface AccessContext {
  /** The association the request arrived on. */
  readonly association: Association;
  /** The device objects the association sees (`AccessRights.grants`), by dotted logical name. */
  readonly objects: ReadonlyMap<string, GrantedObject>;
  /** The current association object `0.0.40.0.0.255` as the association sees it (always visible, §11.3). */
  readonly current: GrantedObject | undefined;
  /** Passed to the object. */
  readonly request: CosemRequestContext;
  /** Receives what an object threw (answered `other-reason`). */
  readonly report: (error: unknown) => void;
}

type LookupFailure = 'object-undefined' | 'object-class-inconsistent' | 'scope-of-access-violated';

function lookup(
  context: AccessContext,
  classId: number,
  name: string,
  hlsReply: boolean,
): GrantedObject | LookupFailure {
  // Until HLS pass 4 succeeded only reply_to_HLS_authentication may be used (§10.8).
  if (context.association.status !== 'associated' && !hlsReply) return 'scope-of-access-violated';
  const found = name === currentAssociationName ? context.current : context.objects.get(name);
  if (found === undefined) return 'object-undefined';
  if (found.object.classId !== classId) return 'object-class-inconsistent';
  return found;
}

function canRead(level: string): boolean {
  return level === 'read-only' || level === 'read-and-write';
}

function canWrite(level: string): boolean {
  return level === 'write-only' || level === 'read-and-write';
}

/** GET of one attribute (§9.3). */
export function readAttribute(
  descriptor: AttributeDescriptor,
  access: SelectiveAccess | undefined,
  context: AccessContext,
): GetDataResult {
  const found = lookup(context, descriptor.classId, descriptor.instance, false);
  if (typeof found === 'string') return { type: 'error', result: found };
  const { object } = found;
  const id = descriptor.attributeId;
  if (id < 1 || id > object.attributeCount) return { type: 'error', result: 'object-undefined' };
  if (!canRead(found.attributes[id]!)) return { type: 'error', result: 'read-write-denied' };
  if (id === 1) return { type: 'data', data: logicalNameData(object) };
  try {
    const outcome = object.get(id, access, context.request);
    return 'failure' in outcome
      ? { type: 'error', result: outcome.failure }
      : { type: 'data', data: outcome };
  } catch (error) {
    context.report(error);
    return { type: 'error', result: 'other-reason' };
  }
}

/** SET of one attribute (§9.5). */
export function writeAttribute(
  descriptor: AttributeDescriptor,
  value: Data,
  context: AccessContext,
): DataAccessResult {
  const found = lookup(context, descriptor.classId, descriptor.instance, false);
  if (typeof found === 'string') return found;
  const { object } = found;
  const id = descriptor.attributeId;
  if (id < 1 || id > object.attributeCount) return 'object-undefined';
  if (id === 1 || !canWrite(found.attributes[id]!)) return 'read-write-denied';
  try {
    return object.set(id, value, context.request);
  } catch (error) {
    context.report(error);
    return 'other-reason';
  }
}

/** ACTION on one method (§9.6). */
export async function callMethod(
  descriptor: MethodDescriptor,
  parameter: Data | undefined,
  context: AccessContext,
): Promise<ActionResponseItem> {
  const { association } = context;
  const name = descriptor.instance;
  const hlsReply =
    association.status === 'pending' && name === currentAssociationName && descriptor.methodId === 1;
  const found = lookup(context, descriptor.classId, name, hlsReply);
  if (typeof found === 'string') return { result: found, returnParameters: undefined };
  const { object } = found;
  const id = descriptor.methodId;
  if (id < 1 || id > object.methodCount) return { result: 'object-undefined', returnParameters: undefined };
  if (!hlsReply && !association.config.access.method(name, id)) {
    return { result: 'read-write-denied', returnParameters: undefined };
  }
  try {
    const outcome = await object.action(id, parameter, context.request);
    const data = outcome.result === 'success' ? outcome.data : undefined;
    return {
      result: outcome.result,
      returnParameters: data === undefined ? undefined : { type: 'data', data },
    };
  } catch (error) {
    context.report(error);
    return { result: 'other-reason', returnParameters: undefined };
  }
}
