/**
 * The security state of one association configuration for the server's lifetime (meterlink spec
 * §10.2, §10.7): its keys, policy, and both invocation counters. Counters outlive connections so
 * that a replayed APDU is refused in a later association too.
 *
 * @module
 */

import type { AssociationKeys, AssociationSecurity } from './server-options.js';

/** Keys and counters shared by every association of one client SAP on one logical device. */
export interface SecurityContext {
  /** The `e` of `0.0.43.0.e.255` / `0.0.43.1.e.255`. */
  readonly instance: number;
  /** Current keys (Security setup `global_key_transfer` replaces them). */
  keys: AssociationKeys;
  /** Current policy (Security setup `security_activate` may strengthen it). */
  policy: AssociationSecurity;
  /** Last client invocation counter accepted; the next must be greater (§10.7). */
  lastClientCounter: number;
  /** Last invocation counter the server used; the next protected APDU uses one more. */
  serverCounter: number;
  /** The client system title of the latest association (Security setup attribute 4). */
  clientSystemTitle: Uint8Array | undefined;
}

/** The security_policy enum of Security setup version 0 (§11.3 class 64). */
export const policyValues: Readonly<Record<AssociationSecurity, number>> = {
  none: 0,
  authenticated: 1,
  encrypted: 2,
  'authenticated-encrypted': 3,
};

/** The policy of a security_policy enum value, if valid. */
export function policyOf(value: number): AssociationSecurity | undefined {
  for (const [name, v] of Object.entries(policyValues)) if (v === value) return name as AssociationSecurity;
  return undefined;
}
