/**
 * The common machinery of the simulated COSEM objects: an attribute table and a method table
 * behind the {@link CosemObject} contract, so each interface class only describes its attributes.
 *
 * @module
 */

import type { ActionResultName, DataAccessResultName } from '../../apdu/results.js';
import type { Data } from '../../axdr/types.js';
import type { SelectiveAccess } from '../../cosem/selective-access.js';
import type { ActionOutcome, CosemObject, CosemRequestContext, GetOutcome } from '../cosem-object.js';
import type { DataCheck } from './data-values.js';

/** One attribute (id ≥ 2) of a simulated object. */
export interface AttributeHandler {
  /** Reads the value; `access` is set only when the attribute lists selectors. */
  get(context: CosemRequestContext, access: SelectiveAccess | undefined): GetOutcome;
  /** Writes the value; absent = read-only (`read-write-denied`). */
  set?(value: Data, context: CosemRequestContext): DataAccessResultName;
  /** Selectors supported for selective access (§9.2). */
  selectors?: readonly number[];
}

/** One method of a simulated object. */
export type MethodHandler = (parameter: Data | undefined, context: CosemRequestContext) => ActionOutcome;

/** What a class gives {@link BaseCosemObject}. */
export interface ObjectDefinition {
  /** Interface class (§11.3). */
  classId: number;
  /** Class version. */
  version: number;
  /** Logical name: 6 octets (from `parseObis`). */
  logicalName: Uint8Array;
  /** Attributes 2, 3, … in order. */
  attributes: readonly AttributeHandler[];
  /** Methods 1, 2, … in order. */
  methods?: readonly MethodHandler[];
}

/** The answer to an action with a result other than success. */
export function actionFailure(result: Exclude<ActionResultName, 'success'>): ActionOutcome {
  return { result };
}

/** The answer to a successful action without return data. */
export const actionSuccess: ActionOutcome = { result: 'success' };

/**
 * A method whose parameter must be the dummy `integer 0` (§11.2); any other parameter answers
 * `type-unmatched`. A missing parameter is accepted (some clients send none).
 */
export function dummyMethod(run: (context: CosemRequestContext) => ActionOutcome): MethodHandler {
  return (parameter, context) =>
    parameter === undefined || parameter.type === 'integer' ? run(context) : actionFailure('type-unmatched');
}

/** A stored attribute: written values must pass `check` (else `type-unmatched`). */
export class StoredAttribute implements AttributeHandler {
  /** The current value. */
  value: Data;
  readonly #check: DataCheck | undefined;
  readonly #onChange: ((value: Data) => void) | undefined;

  /**
   * @param value - Initial value.
   * @param check - Validation of written values; absent = read-only.
   * @param onChange - Called after a successful write.
   */
  constructor(value: Data, check?: DataCheck, onChange?: (value: Data) => void) {
    this.value = value;
    this.#check = check;
    this.#onChange = onChange;
  }

  /** Returns the stored value. */
  get(): GetOutcome {
    return this.value;
  }

  /** Stores `value` when it passes the check. */
  set(value: Data): DataAccessResultName {
    if (this.#check === undefined) return 'read-write-denied';
    if (!this.#check(value)) return 'type-unmatched';
    this.value = value;
    this.#onChange?.(value);
    return 'success';
  }
}

/**
 * Base class of the simulated objects: dispatches `get`/`set`/`action` to the attribute and
 * method tables. Unknown attribute or method ids answer `object-undefined`; selective access on
 * an attribute that does not support that selector answers `object-unavailable`.
 */
export class BaseCosemObject implements CosemObject {
  /** Interface class (§11.3). */
  readonly classId: number;
  /** Class version. */
  readonly version: number;
  /** Logical name, 6 octets. */
  readonly logicalName: Uint8Array;
  /** Highest attribute id. */
  readonly attributeCount: number;
  /** Highest method id. */
  readonly methodCount: number;
  /** Selectors per attribute id (only for attributes that have some). */
  readonly selectors: Readonly<Record<number, readonly number[]>> | undefined;
  readonly #attributes: readonly AttributeHandler[];
  readonly #methods: readonly MethodHandler[];

  /** @param definition - The class, version, logical name and the attribute and method tables. */
  constructor(definition: ObjectDefinition) {
    this.classId = definition.classId;
    this.version = definition.version;
    this.logicalName = definition.logicalName;
    this.#attributes = definition.attributes;
    this.#methods = definition.methods ?? [];
    this.attributeCount = this.#attributes.length + 1;
    this.methodCount = this.#methods.length;
    const selectors: Record<number, readonly number[]> = {};
    definition.attributes.forEach((a, i) => {
      if (a.selectors !== undefined) selectors[i + 2] = a.selectors;
    });
    this.selectors = Object.keys(selectors).length > 0 ? selectors : undefined;
  }

  /** Reads attribute `attributeId` (1 = logical_name). */
  get(attributeId: number, access: SelectiveAccess | undefined, context: CosemRequestContext): GetOutcome {
    // The server answers logical_name itself; answering it here too keeps direct callers simple.
    if (attributeId === 1 && access === undefined) return { type: 'octet-string', value: this.logicalName };
    const attribute = this.#attributes[attributeId - 2];
    if (attribute === undefined) return { failure: 'object-undefined' };
    if (access !== undefined && attribute.selectors?.includes(access.selector) !== true) {
      return { failure: 'object-unavailable' };
    }
    return attribute.get(context, access);
  }

  /** Writes attribute `attributeId` (≥ 2). */
  set(attributeId: number, value: Data, context: CosemRequestContext): DataAccessResultName {
    const attribute = this.#attributes[attributeId - 2];
    if (attribute === undefined) return 'object-undefined';
    if (attribute.set === undefined) return 'read-write-denied';
    return attribute.set(value, context);
  }

  /** Calls method `methodId` (≥ 1). */
  action(methodId: number, parameter: Data | undefined, context: CosemRequestContext): ActionOutcome {
    const method = this.#methods[methodId - 1];
    if (method === undefined) return actionFailure('object-undefined');
    return method(parameter, context);
  }
}
