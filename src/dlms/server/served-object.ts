/**
 * What the server core dispatches to: a {@link CosemObject}, or one of the server's own objects
 * whose methods may need to await cryptography (HLS pass 3/4, key transfer).
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import type { ActionOutcome, CosemObject, CosemRequestContext } from './cosem-object.js';

/** A {@link CosemObject} whose `action` may answer asynchronously. */
export type ServedObject = Omit<CosemObject, 'action'> & {
  /** Calls a method (see {@link CosemObject.action}); may resolve later. */
  action(
    methodId: number,
    parameter: Data | undefined,
    context: CosemRequestContext,
  ): ActionOutcome | Promise<ActionOutcome>;
};

/** The `logical_name` value of an object (attribute 1, §11.2). */
export function logicalNameData(object: { readonly logicalName: Uint8Array }): Data {
  return { type: 'octet-string', value: object.logicalName.slice() };
}
