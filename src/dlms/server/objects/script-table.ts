/**
 * Script table (class_id 9, version 0; meterlink spec §11.3): numbered scripts of attribute
 * writes and method calls on other objects of the logical device, run by `execute`.
 *
 * @module
 */

import { type ActionResultName, actionResults, type DataAccessResultName } from '../../apdu/results.js';
import type { Data } from '../../axdr/types.js';
import { formatObis, parseObis } from '../../cosem/obis.js';
import type { ActionOutcome, CosemRequestContext } from '../cosem-object.js';
import { actionFailure, actionSuccess, BaseCosemObject, StoredAttribute } from './base-object.js';
import { arrayOfChecked, type DataCheck, octetsOfLength } from './data-values.js';
import type { ObjectDirectory } from './object-directory.js';

/** One action of a script (§11.3 action_specification). */
export interface ScriptAction {
  /** 1 = write attribute, 2 = execute method. */
  service: 1 | 2;
  /** Class of the target object. */
  classId: number;
  /** Logical name of the target, dotted. */
  logicalName: string;
  /** Attribute or method number. */
  index: number;
  /** The value written, or the method parameter. */
  parameter: Data;
}

/** Options of {@link ScriptTable}. */
export interface ScriptTableOptions {
  /** Logical name (e.g. `'0.0.10.0.106.255'`, the disconnect control scripts). */
  logicalName: string | Uint8Array;
  /** The scripts by identifier. */
  scripts: Readonly<Record<number, readonly ScriptAction[]>>;
  /** Where the targets are found. */
  directory: ObjectDirectory;
}

/** The Action-Result of a failed write in a script: the same name where §9.7 has one. */
function asActionResult(
  result: Exclude<DataAccessResultName, 'success'>,
): Exclude<ActionResultName, 'success'> {
  return Object.hasOwn(actionResults, result)
    ? (result as Exclude<ActionResultName, 'success'>)
    : 'other-reason';
}

const isActionSpecification: DataCheck = (value) =>
  value.type === 'structure' &&
  value.value.length === 5 &&
  value.value[0]?.type === 'enum' &&
  (value.value[0].value === 1 || value.value[0].value === 2) &&
  value.value[1]?.type === 'long-unsigned' &&
  octetsOfLength(6)(value.value[2]!) &&
  value.value[3]?.type === 'integer';

const isScript: DataCheck = (value) =>
  value.type === 'structure' &&
  value.value.length === 2 &&
  value.value[0]?.type === 'long-unsigned' &&
  arrayOfChecked(isActionSpecification)(value.value[1]!);

function scriptData(id: number, actions: readonly ScriptAction[]): Data {
  return {
    type: 'structure',
    value: [
      { type: 'long-unsigned', value: id },
      {
        type: 'array',
        value: actions.map((a) => ({
          type: 'structure',
          value: [
            { type: 'enum', value: a.service },
            { type: 'long-unsigned', value: a.classId },
            { type: 'octet-string', value: parseObis(a.logicalName) },
            { type: 'integer', value: a.index },
            a.parameter,
          ],
        })),
      },
    ],
  };
}

/**
 * A simulated Script table (class 9). `scripts` (attribute 2) is writable with well-formed
 * scripts. `execute` (method 1, long-unsigned script id) runs the script's actions in order as
 * requests of the caller's association context, stopping at the first that fails (its result is
 * the answer); an unknown script answers `object-unavailable`, an action on a missing object
 * `object-undefined`.
 *
 * @example
 * ```ts
 * const scripts = new ScriptTable({
 *   logicalName: '0.0.10.0.106.255', directory,
 *   scripts: { 1: [{ service: 2, classId: 70, logicalName: '0.0.96.3.10.255', index: 1, parameter: { type: 'integer', value: 0 } }] },
 * });
 * ```
 */
export class ScriptTable extends BaseCosemObject {
  /**
   * @param options - Logical name, scripts and directory.
   * @throws InvalidArgumentError when a logical name is not an OBIS code
   */
  constructor(options: ScriptTableOptions) {
    let running = false;
    const scripts = new StoredAttribute(
      {
        type: 'array',
        value: Object.entries(options.scripts).map(([id, actions]) => scriptData(Number(id), actions)),
      },
      arrayOfChecked(isScript),
    );
    super({
      classId: 9,
      version: 0,
      logicalName: parseObis(options.logicalName),
      attributes: [scripts],
      methods: [
        (parameter, context) => {
          if (parameter?.type !== 'long-unsigned') return actionFailure('type-unmatched');
          // A script that (indirectly) executes its own table would recurse without end.
          if (running) return actionFailure('temporary-failure');
          const script = (scripts.value as { value: { value: Data[] }[] }).value.find(
            (s) => (s.value[0] as { value: number }).value === parameter.value,
          );
          if (script === undefined) return actionFailure('object-unavailable');
          running = true;
          try {
            return runScript(script, options.directory, context);
          } finally {
            running = false;
          }
        },
      ],
    });
  }
}

/** Runs a script's actions in order; the first failure is the answer. */
function runScript(
  script: { value: Data[] },
  directory: ObjectDirectory,
  context: CosemRequestContext,
): ActionOutcome {
  for (const action of (script.value[1] as { value: { value: Data[] }[] }).value) {
    const [service, classId, name, index, value] = action.value as [
      { value: number },
      { value: number },
      { value: Uint8Array },
      { value: number },
      Data,
    ];
    const target = directory.find(classId.value, formatObis(name.value));
    if (target === undefined) return actionFailure('object-undefined');
    if (service.value === 1) {
      const result = target.set(index.value, value, context);
      if (result !== 'success') return actionFailure(asActionResult(result));
    } else {
      const outcome = target.action(index.value, value, context);
      if (outcome.result !== 'success') return outcome;
    }
  }
  return actionSuccess;
}
