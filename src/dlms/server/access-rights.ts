/**
 * Access rights of one association to the objects of its logical device (meterlink spec §11.3
 * class 15 object_list access_rights): what it may see, read, write and call, and the
 * access_rights structure its object_list announces.
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import type { AttributeAccessLevel, CosemObject } from './cosem-object.js';
import type { ServedObject } from './served-object.js';
import type { AccessRightsOption, ObjectAccess } from './server-options.js';

/** Logical names every public association may read: the built-in objects of a device. */
const builtInPublic = /^0\.0\.(40\.0\.0|41\.0\.0|43\.1\.\d+)\.255$/;

/** Default extra public objects (§11.5): clock, logical device name, device IDs, firmware. */
export const defaultPublicObjects: readonly string[] = [
  '0.0.1.0.0.255',
  '0.0.42.0.0.255',
  ...Array.from({ length: 10 }, (_, i) => `0.0.96.1.${i}.255`),
  '1.0.0.2.0.255',
];

/** The current association's logical name and its `secret` attribute (§11.3 class 15). */
const currentAssociation = '0.0.40.0.0.255';
const secretAttribute = 7;

const accessModeValue: Readonly<Record<AttributeAccessLevel, number>> = {
  'no-access': 0,
  'read-only': 1,
  'write-only': 2,
  'read-and-write': 3,
};

/** An object an association sees, with its access to each attribute, worked out once. */
export interface GrantedObject {
  /** The object. */
  readonly object: ServedObject;
  /** Access per attribute id (index 0 unused): {@link AccessRights.attribute} of each. */
  readonly attributes: readonly AttributeAccessLevel[];
}

/** What one association may do with the objects of its device. */
export class AccessRights {
  private readonly option: AccessRightsOption;
  private readonly publicObjects: ReadonlySet<string>;
  /** The device objects {@link AccessRights.grants} last worked out, and the result. */
  private grantedFrom: ReadonlyMap<string, ServedObject> | undefined;
  private granted: ReadonlyMap<string, GrantedObject> = new Map();

  /** @param publicObjects - the device's extra public objects (for `'read-only-public'`) */
  constructor(option: AccessRightsOption, publicObjects: readonly string[]) {
    this.option = option;
    this.publicObjects = new Set(publicObjects);
  }

  private tableEntry(name: string): ObjectAccess | undefined {
    const table = this.option;
    if (typeof table === 'string') return undefined;
    return table[name] ?? table['*'];
  }

  /** `true` when the object is in this association's object_list. */
  visible(name: string): boolean {
    if (this.option === 'management') return true;
    if (this.option === 'read-only-public') return builtInPublic.test(name) || this.publicObjects.has(name);
    // The association always sees itself, whatever the table says (§11.3: it must be able to
    // read its own object_list and run HLS pass 3).
    return name === currentAssociation || this.tableEntry(name) !== undefined;
  }

  /** Access to one attribute of a visible object. */
  attribute(name: string, attributeId: number): AttributeAccessLevel {
    if (!this.visible(name)) return 'no-access';
    if (attributeId === 1) return 'read-only';
    if (this.option === 'management') {
      return name === currentAssociation && attributeId === secretAttribute ? 'write-only' : 'read-and-write';
    }
    if (this.option === 'read-only-public') {
      return name === currentAssociation && attributeId === secretAttribute ? 'no-access' : 'read-only';
    }
    const entry = this.tableEntry(name);
    if (entry === undefined)
      return name === currentAssociation && attributeId !== secretAttribute ? 'read-only' : 'no-access';
    return entry.attributes?.[attributeId] ?? entry.default ?? 'no-access';
  }

  /**
   * The objects of `objects` this association sees, each with its attribute access: what a
   * request checks (§11.3), looked up once instead of per request. Worked out on first use and
   * kept: the option is read-only and a device's objects are fixed once it is built.
   */
  grants(objects: ReadonlyMap<string, ServedObject>): ReadonlyMap<string, GrantedObject> {
    if (this.grantedFrom === objects) return this.granted;
    const granted = new Map<string, GrantedObject>();
    for (const [name, object] of objects) {
      if (this.visible(name)) granted.set(name, this.grant(object, name));
    }
    this.grantedFrom = objects;
    this.granted = granted;
    return granted;
  }

  /** `object` (visible under `name`) with this association's access to each of its attributes. */
  grant(object: ServedObject, name: string): GrantedObject {
    const attributes: AttributeAccessLevel[] = ['no-access'];
    for (let id = 1; id <= object.attributeCount; id++) attributes.push(this.attribute(name, id));
    return { object, attributes };
  }

  /** `true` when the association may call the method. */
  method(name: string, methodId: number): boolean {
    if (this.option === 'management') return true;
    if (this.option === 'read-only-public') return false;
    const methods = this.tableEntry(name)?.methods;
    // Without an entry, the current association still offers reply_to_HLS_authentication (§10.8).
    if (methods === undefined) return name === currentAssociation && methodId === 1;
    return typeof methods === 'boolean' ? methods : methods.includes(methodId);
  }

  /**
   * The object_list element of `object` (§11.3): `structure { class_id, version, logical_name,
   * access_rights { attribute_access[], method_access[] } }`, access modes as version 1 enums.
   */
  objectListElement(
    object: Pick<
      CosemObject,
      'classId' | 'version' | 'logicalName' | 'attributeCount' | 'methodCount' | 'selectors'
    >,
    name: string,
  ): Data {
    const attributes: Data[] = [];
    for (let id = 1; id <= object.attributeCount; id++) {
      const selectors = object.selectors?.[id];
      attributes.push({
        type: 'structure',
        value: [
          { type: 'integer', value: id },
          { type: 'enum', value: accessModeValue[this.attribute(name, id)] },
          selectors === undefined || selectors.length === 0
            ? { type: 'null-data' }
            : { type: 'array', value: selectors.map((s) => ({ type: 'integer', value: s })) },
        ],
      });
    }
    const methods: Data[] = [];
    for (let id = 1; id <= object.methodCount; id++) {
      methods.push({
        type: 'structure',
        value: [
          { type: 'integer', value: id },
          { type: 'enum', value: this.method(name, id) ? 1 : 0 },
        ],
      });
    }
    return {
      type: 'structure',
      value: [
        { type: 'long-unsigned', value: object.classId },
        { type: 'unsigned', value: object.version },
        { type: 'octet-string', value: object.logicalName.slice() },
        {
          type: 'structure',
          value: [
            { type: 'array', value: attributes },
            { type: 'array', value: methods },
          ],
        },
      ],
    };
  }
}
