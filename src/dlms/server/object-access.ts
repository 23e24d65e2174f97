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
import type { Association } from './association.js';
import type { CosemRequestContext } from './cosem-object.js';
import { currentAssociationName } from './logical-device.js';
import { logicalNameData, type ServedObject } from './served-object.js';

/** What the access functions need besides the association. */
export interface AccessContext {
  /** The association the request arrived on. */
  readonly association: Association;
  /** Passed to the object. */
  readonly request: CosemRequestContext;
  /** Receives what an object threw (answered `other-reason`). */
  readonly report: (error: unknown) => void;
}

type Lookup =
  | { object: ServedObject; name: string }
  | { failure: 'object-undefined' | 'object-class-inconsistent' | 'scope-of-access-violated' };

function lookup(association: Association, classId: number, name: string, hlsReply: boolean): Lookup {
  // Until HLS pass 4 succeeded only reply_to_HLS_authentication may be used (§10.8).
  if (association.status !== 'associated' && !hlsReply) return { failure: 'scope-of-access-violated' };
  const object = name === currentAssociationName ? association.object : association.device.objects.get(name);
  if (object === undefined || !association.config.access.visible(name))
    return { failure: 'object-undefined' };
  if (object.classId !== classId) return { failure: 'object-class-inconsistent' };
  return { object, name };
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
  const { association } = context;
  const found = lookup(association, descriptor.classId, descriptor.instance, false);
  if ('failure' in found) return { type: 'error', result: found.failure };
  const { object, name } = found;
  const id = descriptor.attributeId;
  if (id < 1 || id > object.attributeCount) return { type: 'error', result: 'object-undefined' };
  if (!canRead(association.config.access.attribute(name, id)))
    return { type: 'error', result: 'read-write-denied' };
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
  const { association } = context;
  const found = lookup(association, descriptor.classId, descriptor.instance, false);
  if ('failure' in found) return found.failure;
  const { object, name } = found;
  const id = descriptor.attributeId;
  if (id < 1 || id > object.attributeCount) return 'object-undefined';
  if (id === 1 || !canWrite(association.config.access.attribute(name, id))) return 'read-write-denied';
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
  const found = lookup(association, descriptor.classId, name, hlsReply);
  if ('failure' in found) return { result: found.failure, returnParameters: undefined };
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
