/**
 * What callers pass to `get`/`set`/`action` and how it becomes the APDU descriptors of
 * meterlink spec §9.2.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import type { AttributeDescriptor, MethodDescriptor } from '../apdu/types.js';
import type { Data } from '../axdr/types.js';
import { formatObis, parseObis, parseObisText } from '../cosem/obis.js';
import type { SelectiveAccess } from '../cosem/selective-access.js';

/** An attribute to read or write. */
export interface AttributeInput {
  /** Interface class (0–65535). */
  classId: number;
  /** Logical name in any form `parseObis` accepts (`1.0.1.8.0.255`, `1-0:1.8.0*255`, 6 octets). */
  obis: string | Uint8Array;
  /** Attribute index (1 = logical_name). */
  attribute: number;
  /** Selective access (e.g. `rangeDescriptor(...)` for a profile buffer). */
  access?: SelectiveAccess;
}

/** A method to invoke. */
export interface MethodInput {
  /** Interface class (0–65535). */
  classId: number;
  /** Logical name in any form `parseObis` accepts. */
  obis: string | Uint8Array;
  /** Method index (from 1). */
  method: number;
}

/** One item of `set` with a list. */
export interface SetItem extends AttributeInput {
  /** The value to write. */
  value: Data;
}

/** One item of `action` with a list. */
export interface ActionItem extends MethodInput {
  /** The method-invocation-parameters; absent: none sent. */
  parameters?: Data;
}

function classIdOf(classId: number): number {
  if (!Number.isInteger(classId) || classId < 0 || classId > 0xffff) {
    throw new InvalidArgumentError(`classId must be an integer 0–65535, got ${String(classId)}`);
  }
  return classId;
}

function indexOf(name: string, index: number): number {
  if (!Number.isInteger(index) || index < -128 || index > 127) {
    throw new InvalidArgumentError(`${name} must be an integer −128…127, got ${String(index)}`);
  }
  return index;
}

/**
 * The dotted OBIS of any accepted form.
 * @throws InvalidArgumentError for a logical name `parseObis` rejects
 */
export function dottedObis(obis: string | Uint8Array): string {
  return typeof obis === 'string' ? parseObisText(obis).dotted : formatObis(parseObis(obis));
}

/**
 * The Cosem-Attribute-Descriptor of an input.
 * @throws InvalidArgumentError for a class, OBIS or attribute out of range
 */
export function attributeDescriptor(input: AttributeInput): AttributeDescriptor {
  return {
    classId: classIdOf(input.classId),
    instance: dottedObis(input.obis),
    attributeId: indexOf('attribute', input.attribute),
  };
}

/**
 * The Cosem-Method-Descriptor of an input.
 * @throws InvalidArgumentError for a class, OBIS or method out of range
 */
export function methodDescriptor(input: MethodInput): MethodDescriptor {
  return {
    classId: classIdOf(input.classId),
    instance: dottedObis(input.obis),
    methodId: indexOf('method', input.method),
  };
}

/** `classId/obis/attribute`, the text form used in error messages (`3/1.0.1.8.0.255/2`). */
export function describeAttribute(d: AttributeDescriptor): string {
  return `${d.classId}/${d.instance}/${d.attributeId}`;
}

/** `classId/obis/method` (`70/0.0.96.3.10.255/1`). */
export function describeMethod(d: MethodDescriptor): string {
  return `${d.classId}/${d.instance}/${d.methodId}`;
}
