/**
 * Security setup `0.0.43.0.e.255` (meterlink spec §11.3 class 64 version 0, §10.9) and its
 * invocation counter object `0.0.43.1.e.255` (class 1, §10.7).
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import { maxInvocationCounter } from '../security/invocation-counter.js';
import { unwrapKey } from '../security/key-wrap.js';
import type { ActionOutcome, GetOutcome } from './cosem-object.js';
import { policyOf, policyValues, type SecurityContext } from './security-context.js';
import type { ServedObject } from './served-object.js';

/** Builds the Security setup object of `context`, the server's system title given. */
export function securitySetupObject(context: SecurityContext, serverSystemTitle: Uint8Array): ServedObject {
  return {
    classId: 64,
    version: 0,
    logicalName: Uint8Array.of(0, 0, 43, 0, context.instance, 255),
    attributeCount: 5,
    methodCount: 2,
    get(attributeId): GetOutcome {
      switch (attributeId) {
        case 2:
          return { type: 'enum', value: policyValues[context.policy] };
        case 3:
          return { type: 'enum', value: 0 };
        case 4:
          return { type: 'octet-string', value: context.clientSystemTitle?.slice() ?? new Uint8Array(0) };
        case 5:
          return { type: 'octet-string', value: serverSystemTitle.slice() };
        default:
          return { failure: 'object-undefined' };
      }
    },
    set() {
      // The policy changes only through security_activate; titles are facts.
      return 'read-write-denied';
    },
    action(methodId, parameter): ActionOutcome | Promise<ActionOutcome> {
      if (methodId === 1) return activate(context, parameter);
      if (methodId === 2) return transferKeys(context, parameter);
      return { result: 'object-undefined' };
    },
  };
}

/** security_activate: the new policy must keep every protection of the current one (§11.3). */
function activate(context: SecurityContext, parameter: Data | undefined): ActionOutcome {
  if (parameter?.type !== 'enum') return { result: 'type-unmatched' };
  const policy = policyOf(parameter.value);
  if (policy === undefined) return { result: 'type-unmatched' };
  const current = policyValues[context.policy];
  if ((parameter.value & current) !== current) return { result: 'read-write-denied' };
  context.policy = policy;
  return { result: 'success' };
}

/**
 * global_key_transfer (§10.9): every key is unwrapped with the master key before any is
 * replaced, so a bad entry changes nothing. Key ids 0 (unicast EK), 2 (AK) and 3 (master key)
 * are kept; 1 (broadcast key) is accepted but unused by the simulator.
 */
async function transferKeys(context: SecurityContext, parameter: Data | undefined): Promise<ActionOutcome> {
  const kek = context.keys.masterKey;
  if (kek === undefined) return { result: 'read-write-denied' };
  if (parameter?.type !== 'array' || parameter.value.length === 0) return { result: 'type-unmatched' };
  const updates: { id: number; key: Uint8Array }[] = [];
  for (const item of parameter.value) {
    if (item.type !== 'structure' || item.value.length !== 2) return { result: 'type-unmatched' };
    const [id, wrapped] = item.value;
    if (id?.type !== 'enum' || id.value > 3 || wrapped?.type !== 'octet-string') {
      return { result: 'type-unmatched' };
    }
    try {
      updates.push({ id: id.value, key: await unwrapKey(wrapped.value, kek) });
    } catch {
      return { result: 'other-reason' };
    }
  }
  const keys = { ...context.keys };
  for (const { id, key } of updates) {
    if (id === 0) keys.encryptionKey = key;
    else if (id === 2) keys.authenticationKey = key;
    else if (id === 3) keys.masterKey = key;
  }
  context.keys = keys;
  return { result: 'success' };
}

/**
 * The invocation counter object `0.0.43.1.e.255` (class 1 version 0): the last counter the
 * server accepted from the client, read by the public client before a ciphered association
 * (§10.7: the client continues with value + 1).
 */
export function invocationCounterObject(context: SecurityContext): ServedObject {
  return {
    classId: 1,
    version: 0,
    logicalName: Uint8Array.of(0, 0, 43, 1, context.instance, 255),
    attributeCount: 2,
    methodCount: 0,
    get(attributeId): GetOutcome {
      if (attributeId !== 2) return { failure: 'object-undefined' };
      return {
        type: 'double-long-unsigned',
        value: Math.min(context.lastClientCounter, maxInvocationCounter),
      };
    },
    set() {
      return 'read-write-denied';
    },
    action(): ActionOutcome {
      return { result: 'object-undefined' };
    },
  };
}
