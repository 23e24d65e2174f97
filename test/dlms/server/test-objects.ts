/** Tiny CosemObject test doubles. */

import type { Data } from '../../../src/dlms/axdr/types.js';
import { parseObis } from '../../../src/dlms/cosem/obis.js';
import type { SelectiveAccess } from '../../../src/dlms/cosem/selective-access.js';
import type {
  ActionOutcome,
  CosemObject,
  CosemRequestContext,
  GetOutcome,
} from '../../../src/dlms/server/cosem-object.js';

/** A Data object (class 1) holding one value, writable. */
export class DataObject implements CosemObject {
  readonly classId = 1;
  readonly version = 0;
  readonly logicalName: Uint8Array;
  readonly attributeCount = 2;
  readonly methodCount = 0;
  lastContext: CosemRequestContext | undefined;

  constructor(
    obis: string,
    public value: Data,
  ) {
    this.logicalName = parseObis(obis);
  }

  get(attributeId: number, _access: SelectiveAccess | undefined, context: CosemRequestContext): GetOutcome {
    this.lastContext = context;
    return attributeId === 2 ? this.value : { failure: 'object-undefined' };
  }

  set(attributeId: number, value: Data): 'success' | 'type-unmatched' | 'object-undefined' {
    if (attributeId !== 2) return 'object-undefined';
    if (value.type !== this.value.type) return 'type-unmatched';
    this.value = value;
    return 'success';
  }

  action(): ActionOutcome {
    return { result: 'object-undefined' };
  }
}

/** A "profile" whose attribute 2 is a large octet-string and method 1 echoes its parameter. */
export class BigObject implements CosemObject {
  readonly classId = 7;
  readonly version = 1;
  readonly logicalName = parseObis('1.0.99.1.0.255');
  readonly attributeCount = 2;
  readonly methodCount = 2;
  readonly selectors = { 2: [1, 2] };
  lastAccess: SelectiveAccess | undefined;
  constructor(readonly payload: Uint8Array) {}

  get(attributeId: number, access: SelectiveAccess | undefined): GetOutcome {
    this.lastAccess = access;
    if (attributeId !== 2) return { failure: 'object-undefined' };
    return { type: 'octet-string', value: this.payload };
  }

  set(): 'read-write-denied' {
    return 'read-write-denied';
  }

  action(methodId: number, parameter: Data | undefined): ActionOutcome {
    if (methodId === 1)
      return parameter === undefined ? { result: 'success' } : { result: 'success', data: parameter };
    throw new Error('method 2 is broken');
  }
}

export function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i & 0xff);
}
