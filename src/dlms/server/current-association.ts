/**
 * The current Association LN object `0.0.40.0.0.255` as one association sees it (meterlink spec
 * §11.3 class 15 version 1): object_list with this association's access rights, partners,
 * context, xDLMS context, mechanism, secret, status and security setup reference.
 *
 * @module
 */

import { ConformanceBit } from '../apdu/acse/conformance.js';
import type { Data } from '../axdr/types.js';
import type { Association } from './association.js';
import type { ActionOutcome, CosemRequestContext, GetOutcome } from './cosem-object.js';
import type { ServedObject } from './served-object.js';

/** Methods 1 (reply_to_HLS_authentication) and 2 (change_HLS_secret), answered by the connection. */
export type AssociationMethods = (
  methodId: 1 | 2,
  parameter: Data | undefined,
) => ActionOutcome | Promise<ActionOutcome>;

const mechanismIds = { none: 0, lls: 1, 'hls-gmac': 5 } as const;

/** The 7-element structure form of a DLMS OID `2.16.756.5.8.arc.id` (§11.3 attributes 4 and 6). */
function oidStructure(arc: number, id: number): Data {
  return {
    type: 'structure',
    value: [
      { type: 'unsigned', value: 2 },
      { type: 'unsigned', value: 16 },
      { type: 'long-unsigned', value: 756 },
      { type: 'unsigned', value: 5 },
      { type: 'unsigned', value: 8 },
      { type: 'unsigned', value: arc },
      { type: 'unsigned', value: id },
    ],
  };
}

/** Builds the current association object of `association`. */
export function currentAssociationObject(
  association: Association,
  methods: AssociationMethods,
): ServedObject {
  const { device, config } = association;
  const objectList = (self: ServedObject): Data => {
    const elements: Data[] = [config.access.objectListElement(self, '0.0.40.0.0.255')];
    for (const [name, object] of device.objects) {
      if (config.access.visible(name)) elements.push(config.access.objectListElement(object, name));
    }
    return { type: 'array', value: elements };
  };
  const conformanceBits = (): boolean[] => {
    const bits = new Array<boolean>(24).fill(false);
    for (const [flag, bit] of Object.entries(ConformanceBit)) {
      bits[bit] = association.conformance[flag as keyof typeof ConformanceBit];
    }
    return bits;
  };
  const self: ServedObject = {
    classId: 15,
    version: 1,
    logicalName: Uint8Array.of(0, 0, 40, 0, 0, 255),
    attributeCount: 9,
    methodCount: 2,
    get(attributeId): GetOutcome {
      switch (attributeId) {
        case 2:
          return objectList(self);
        case 3:
          return {
            type: 'structure',
            value: [
              { type: 'integer', value: config.client },
              { type: 'long-unsigned', value: device.address },
            ],
          };
        case 4:
          return oidStructure(1, association.ciphered ? 3 : 1);
        case 5:
          return {
            type: 'structure',
            value: [
              { type: 'bit-string', value: conformanceBits() },
              { type: 'long-unsigned', value: config.maxPduSize },
              { type: 'long-unsigned', value: association.clientMaxPdu },
              { type: 'unsigned', value: 6 },
              { type: 'integer', value: 0 },
              { type: 'octet-string', value: new Uint8Array(0) },
            ],
          };
        case 6:
          return oidStructure(2, mechanismIds[config.mechanism]);
        case 7:
          return { type: 'octet-string', value: config.password?.slice() ?? new Uint8Array(0) };
        case 8:
          return { type: 'enum', value: association.status === 'associated' ? 2 : 1 };
        case 9: {
          const instance = config.security?.instance;
          return {
            type: 'octet-string',
            value: instance === undefined ? new Uint8Array(6) : Uint8Array.of(0, 0, 43, 0, instance, 255),
          };
        }
        default:
          return { failure: 'object-undefined' };
      }
    },
    set(attributeId, value) {
      // Attribute 7: a new LLS secret for the next associations (§10.8).
      if (attributeId !== 7 || config.mechanism !== 'lls') return 'read-write-denied';
      if (value.type !== 'octet-string' || value.value.length === 0 || value.value.length > 255) {
        return 'type-unmatched';
      }
      config.password = value.value.slice();
      return 'success';
    },
    action(methodId, parameter, _context: CosemRequestContext) {
      if (methodId === 1 || methodId === 2) return methods(methodId, parameter);
      return { result: 'object-undefined' };
    },
  };
  return self;
}
