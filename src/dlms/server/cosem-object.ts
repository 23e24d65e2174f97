/**
 * The contract between the meter simulator's server core (associations, services, block
 * transfer, access rights) and the COSEM objects it serves (registers, clock, profiles …).
 * An object answers attribute reads/writes and method calls with `Data` or a result name; the
 * server does everything protocol-related around it.
 *
 * @module
 */

import type { ActionResultName, DataAccessResultName } from '../apdu/results.js';
import type { Data } from '../axdr/types.js';
import type { SelectiveAccess } from '../cosem/selective-access.js';

/** Who is asking: the association the request arrived on. */
export interface CosemRequestContext {
  /** The client SAP of the association. */
  readonly client: number;
  /** The logical device addressed. */
  readonly logicalDevice: number;
  /** The authentication mechanism the association used. */
  readonly mechanism: 'none' | 'lls' | 'hls-gmac';
  /** The time of the request, from the server's clock (simulated or real). */
  readonly now: Date;
}

/** A failed attribute access: the Data-Access-Result to answer with. */
export interface AccessFailure {
  /** The result name (§9.7), e.g. `'object-unavailable'`, `'type-unmatched'`. */
  readonly failure: DataAccessResultName;
}

/** The outcome of an attribute read. */
export type GetOutcome = Data | AccessFailure;

/** The outcome of a method call: success with optional return data, or an Action-Result. */
export type ActionOutcome =
  | {
      /** The method ran. */
      readonly result: 'success';
      /** Its return parameters, if it has any. */
      readonly data?: Data;
    }
  | {
      /** Why the method did not run (§9.7 Action-Result). */
      readonly result: Exclude<ActionResultName, 'success'>;
    };

/** Access to one attribute, as object_list's access_rights express it (§11.3 class 15). */
export type AttributeAccessLevel = 'no-access' | 'read-only' | 'write-only' | 'read-and-write';

/**
 * One COSEM object of a logical device. Implementations validate the values they are given
 * (a set with the wrong type answers `{ failure: 'type-unmatched' }`) and never throw for a
 * well-formed request; a thrown error is answered with `other-reason` and reported by the server.
 */
export interface CosemObject {
  /** Interface class (§11.3). */
  readonly classId: number;
  /** Class version. */
  readonly version: number;
  /** Logical name, 6 octets. */
  readonly logicalName: Uint8Array;
  /** Highest attribute id (attribute 1 is always the logical name). */
  readonly attributeCount: number;
  /** Highest method id (0 when the class has none). */
  readonly methodCount: number;
  /** Selectors each attribute supports (e.g. `{ 2: [1, 2] }` for a profile buffer). */
  readonly selectors?: Readonly<Record<number, readonly number[]>>;
  /**
   * Reads an attribute. Attribute 1 (logical_name) is answered by the server, not asked here.
   * `access` is the selective access of the request, if any.
   */
  get(attributeId: number, access: SelectiveAccess | undefined, context: CosemRequestContext): GetOutcome;
  /** Writes an attribute. */
  set(attributeId: number, value: Data, context: CosemRequestContext): DataAccessResultName;
  /** Calls a method with its parameter (`undefined` when the request carried none). */
  action(methodId: number, parameter: Data | undefined, context: CosemRequestContext): ActionOutcome;
}
