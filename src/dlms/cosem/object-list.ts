/**
 * object_list of Association LN (attribute 2, class 15) and Association SN (attribute 2, class 12),
 * meterlink spec §11.3.
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import { classById } from './classes.js';
import { arrayOf, integerOf, logicalNameOf, malformed, pathOf, structureOf } from './malformed.js';
import { formatObis } from './obis.js';

/** Attribute access modes of Association LN versions 0–2 (§11.3; version 0 only uses the first four). */
export const attributeAccessModes = [
  'no-access',
  'read-only',
  'write-only',
  'read-and-write',
  'authenticated-read-only',
  'authenticated-write-only',
  'authenticated-read-and-write',
] as const;

/** A named attribute access mode. */
export type AttributeAccessMode = (typeof attributeAccessModes)[number];

/** Method access modes of Association LN versions 1–2 (version 0 sends a boolean: no-access / access). */
export const methodAccessModes = ['no-access', 'access', 'authenticated-access'] as const;

/** A named method access mode. */
export type MethodAccessMode = (typeof methodAccessModes)[number];

/** Access to one attribute. */
export interface AttributeAccessRight {
  /** Attribute number. */
  id: number;
  /** The access mode by name. */
  access: AttributeAccessMode;
  /** The access_mode as received (with version 3 the full bit map, §11.3). */
  mode: number;
  /** Selective-access selectors the attribute supports; absent when the meter sent null-data. */
  selectors?: number[];
}

/** Access to one method. */
export interface MethodAccessRight {
  /** Method number. */
  id: number;
  /** The access mode by name. */
  access: MethodAccessMode;
  /** The access_mode as received: a boolean (version 0), the enum, or the version 3 bit map. */
  mode: number | boolean;
}

/** One object of an Association LN object_list. */
export interface ObjectListEntry {
  /** class_id. */
  classId: number;
  /** Version of the interface class the object implements. */
  version: number;
  /** Logical name, dotted (`'0.0.1.0.0.255'`). */
  logicalName: string;
  /** Name of the class when §11.3 describes it (`'Clock'`). */
  className?: string;
  /** Access rights granted by the association. */
  access: AccessRights;
}

/** The access_rights of one object_list element. */
export interface AccessRights {
  /** One entry per attribute the meter lists. */
  attributes: AttributeAccessRight[];
  /** One entry per method the meter lists. */
  methods: MethodAccessRight[];
}

/** One object of an Association SN object_list. */
export interface ShortNameObjectListEntry {
  /** base_name, 0–65535 (the wire `long` is read as unsigned: base names such as 0xFA00 are common). */
  baseName: number;
  /** class_id. */
  classId: number;
  /** Version of the interface class. */
  version: number;
  /** Logical name, dotted. */
  logicalName: string;
  /** Name of the class when §11.3 describes it. */
  className?: string;
}

/** Options of {@link parseObjectList}. */
export interface ObjectListOptions {
  /**
   * Version of the Association LN object the list was read from (its own entry in the list, class 15).
   * Version 3 encodes access_mode as bit maps (§11.3); versions 0–2 (the default) as enums.
   */
  associationVersion?: number;
}

const where = 'object_list';

/**
 * Reads an Association LN object_list.
 *
 * Method access is accepted as a boolean or an enum whatever the version (the boolean form is
 * version 0's, §11.3, and meters mix them up).
 *
 * @param data - The decoded attribute value (array of object_list_element).
 * @param options - The association version (access mode encoding).
 * @returns The objects, in list order.
 * @throws DecodeError (layer `'cosem'`, offset 0, the element path in `expected`) when the
 *   structure is malformed or an access mode is out of range.
 * @example
 * ```ts
 * const objects = parseObjectList(decodeData(bytes));
 * objects.find((o) => o.classId === 8)?.logicalName; // '0.0.1.0.0.255'
 * ```
 */
export function parseObjectList(data: Data, options?: ObjectListOptions): ObjectListEntry[] {
  const bitMaps = options?.associationVersion === 3;
  const items = arrayOf(data, where);
  const out: ObjectListEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const [c, v, n, r] = structureOf(items[i]!, 4, where, i) as [Data, Data, Data, Data];
    const classId = integerOf(c, 'long-unsigned', where, i, 'class_id');
    const [attributeItems, methodItems] = structureOf(r, 2, where, i, 'access_rights') as [Data, Data];
    out.push({
      classId,
      version: integerOf(v, 'unsigned', where, i, 'version'),
      logicalName: formatObis(logicalNameOf(n, where, i, 'logical_name')),
      className: classById(classId)?.name,
      access: {
        attributes: parseAttributeAccess(attributeItems, i, bitMaps),
        methods: parseMethodAccess(methodItems, i, bitMaps),
      },
    });
  }
  return out;
}

function parseAttributeAccess(data: Data, i: number, bitMaps: boolean): AttributeAccessRight[] {
  const field = 'attribute_access';
  const items = arrayOf(data, where, i, field);
  const out: AttributeAccessRight[] = [];
  for (const item of items) {
    const [idData, modeData, selectorData] = structureOf(item, 3, where, i, field) as [Data, Data, Data];
    const id = integerOf(idData, 'integer', where, i, field);
    const mode = integerOf(modeData, 'enum', where, i, field);
    let access: AttributeAccessMode | undefined;
    if (bitMaps) {
      // §11.3 version 3: bit 0 read, bit 1 write, bit 2 authenticated request.
      access = attributeAccessModes[(mode & 3) + (mode & 3 && mode & 4 ? 3 : 0)];
    } else {
      access = attributeAccessModes[mode];
      if (access === undefined) {
        malformed(`attribute access_mode ${mode} is not 0–6`, `${pathOf(where, i, field)}: access_mode 0–6`);
      }
    }
    const entry: AttributeAccessRight = { id, access: access!, mode };
    if (selectorData.type !== 'null-data') {
      const selectors = arrayOf(selectorData, where, i, field);
      entry.selectors = selectors.map((s) => integerOf(s, 'integer', where, i, field));
    }
    out.push(entry);
  }
  return out;
}

function parseMethodAccess(data: Data, i: number, bitMaps: boolean): MethodAccessRight[] {
  const field = 'method_access';
  const items = arrayOf(data, where, i, field);
  const out: MethodAccessRight[] = [];
  for (const item of items) {
    const [idData, modeData] = structureOf(item, 2, where, i, field) as [Data, Data];
    const id = integerOf(idData, 'integer', where, i, field);
    if (modeData.type === 'boolean') {
      out.push({ id, access: modeData.value ? 'access' : 'no-access', mode: modeData.value });
      continue;
    }
    const mode = integerOf(modeData, 'enum', where, i, field);
    // §11.3 version 3: bit 0 access, bit 2 authenticated request.
    const access = bitMaps ? methodAccessModes[mode & 1 ? (mode & 4 ? 2 : 1) : 0] : methodAccessModes[mode];
    if (access === undefined) {
      malformed(`method access_mode ${mode} is not 0–2`, `${pathOf(where, i, field)}: access_mode 0–2`);
    }
    out.push({ id, access, mode });
  }
  return out;
}

/**
 * Reads an Association SN object_list: array of `structure { long base_name, long-unsigned class_id,
 * unsigned version, octet-string logical_name }` (§11.3 class 12).
 *
 * @param data - The decoded attribute value.
 * @returns The objects, in list order.
 * @throws DecodeError (layer `'cosem'`) when the structure is malformed.
 * @example
 * ```ts
 * parseShortNameObjectList(decodeData(bytes))[0]?.baseName; // e.g. 0xFA00
 * ```
 */
export function parseShortNameObjectList(data: Data): ShortNameObjectListEntry[] {
  const items = arrayOf(data, where);
  const out: ShortNameObjectListEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const [b, c, v, n] = structureOf(items[i]!, 4, where, i) as [Data, Data, Data, Data];
    const base = b.type === 'long-unsigned' ? b.value : integerOf(b, 'long', where, i, 'base_name');
    const classId = integerOf(c, 'long-unsigned', where, i, 'class_id');
    out.push({
      baseName: base & 0xffff,
      classId,
      version: integerOf(v, 'unsigned', where, i, 'version'),
      logicalName: formatObis(logicalNameOf(n, where, i, 'logical_name')),
      className: classById(classId)?.name,
    });
  }
  return out;
}
