/**
 * Cosem-Attribute-Descriptor, Cosem-Method-Descriptor and Selective-Access-Descriptor
 * (meterlink spec §9.2).
 *
 * @module
 */

import type { ByteReader, ByteWriter } from '../../core/bytes.js';
import { EncodeError } from '../../core/errors.js';
import { readData, writeData } from '../axdr/data-codec.js';
import type { DataDecodeOptions, DataEncodeOptions } from '../axdr/types.js';
import { formatObis, parseObis, parseObisText } from '../cosem/obis.js';
import { checkInteger } from './encode-checks.js';
import { readCount, readPresence } from './fields.js';
import { writeList } from './lists.js';
import type { AttributeAccess, AttributeDescriptor, MethodDescriptor, SelectiveAccess } from './types.js';

/** Octets of an attribute or method descriptor: class-id (2), instance-id (6), id (1). */
export const descriptorBytes = 9;

/**
 * Reads a Cosem-Attribute-Descriptor (9 octets).
 *
 * @throws DecodeError when the input ends
 */
export function readAttributeDescriptor(reader: ByteReader): AttributeDescriptor {
  const classId = reader.u16('class-id');
  const instance = formatObis(reader.bytesView(6, 'instance-id'));
  const attributeId = reader.i8('attribute-id');
  return { classId, instance, attributeId };
}

/**
 * Reads a Cosem-Method-Descriptor (9 octets).
 *
 * @throws DecodeError when the input ends
 */
export function readMethodDescriptor(reader: ByteReader): MethodDescriptor {
  const classId = reader.u16('class-id');
  const instance = formatObis(reader.bytesView(6, 'instance-id'));
  const methodId = reader.i8('method-id');
  return { classId, instance, methodId };
}

/** Writes class-id and instance-id, the part both descriptors share. */
function writeClassAndInstance(writer: ByteWriter, classId: number, instance: string): void {
  checkInteger(classId, 0, 0xffff, 'classId');
  let octets: Uint8Array;
  try {
    // The text form is the usual one (remembered per text); a JavaScript caller may pass octets.
    octets = typeof instance === 'string' ? parseObisText(instance).octets : parseObis(instance);
  } catch (cause) {
    throw new EncodeError('instance', `'${String(instance)}' is not an OBIS code`, { cause });
  }
  writer.u16(classId).bytes(octets);
}

/**
 * Writes a Cosem-Attribute-Descriptor.
 *
 * @throws EncodeError for a class-id outside 0–65535, an instance that is not an OBIS code or an
 *   attribute-id outside −128…127
 */
export function writeAttributeDescriptor(writer: ByteWriter, attribute: AttributeDescriptor): void {
  if (attribute === undefined || attribute === null) throw new EncodeError('attribute', 'missing');
  writeClassAndInstance(writer, attribute.classId, attribute.instance);
  checkInteger(attribute.attributeId, -128, 127, 'attributeId');
  writer.i8(attribute.attributeId);
}

/**
 * Writes a Cosem-Method-Descriptor.
 *
 * @throws EncodeError for a class-id outside 0–65535, an instance that is not an OBIS code or a
 *   method-id outside −128…127
 */
export function writeMethodDescriptor(writer: ByteWriter, method: MethodDescriptor): void {
  if (method === undefined || method === null) throw new EncodeError('method', 'missing');
  writeClassAndInstance(writer, method.classId, method.instance);
  checkInteger(method.methodId, -128, 127, 'methodId');
  writer.i8(method.methodId);
}

/**
 * Reads an access-selection: OPTIONAL Selective-Access-Descriptor (`00`, or `01 selector Data`).
 *
 * @throws DecodeError for a presence octet other than 00/01 or malformed parameters
 */
export function readSelectiveAccess(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): SelectiveAccess | undefined {
  if (!readPresence(reader, 'access-selection')) return undefined;
  const selector = reader.u8('access-selector');
  const parameters = readData(reader, options);
  return { selector, parameters };
}

/**
 * Writes an access-selection.
 *
 * @throws EncodeError for a selector outside 0–255 or parameters the Data codec refuses
 */
export function writeSelectiveAccess(
  writer: ByteWriter,
  access: SelectiveAccess | undefined,
  options: DataEncodeOptions | undefined,
): void {
  if (access === undefined) {
    writer.u8(0);
    return;
  }
  checkInteger(access.selector, 0, 0xff, 'selector');
  writer.u8(1).u8(access.selector);
  writeData(writer, access.parameters, options);
}

/**
 * Reads a count and that many attribute descriptors each with its access-selection (the with-list
 * requests of GET and SET).
 *
 * @throws DecodeError for a count beyond the limits or malformed items
 */
export function readAttributeAccessList(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): AttributeAccess[] {
  const count = readCount(reader, 'attribute descriptor list', descriptorBytes + 1, options);
  const items: AttributeAccess[] = [];
  for (let i = 0; i < count; i++) {
    const attribute = readAttributeDescriptor(reader);
    const access = readSelectiveAccess(reader, options);
    items.push({ attribute, access });
  }
  return items;
}

/**
 * Writes a count and the attribute descriptors with their access-selection.
 *
 * @throws EncodeError for an invalid item
 */
export function writeAttributeAccessList(
  writer: ByteWriter,
  items: readonly AttributeAccess[],
  options: DataEncodeOptions | undefined,
): void {
  writeList(writer, items, 'items');
  for (const item of items) {
    writeAttributeDescriptor(writer, item.attribute);
    writeSelectiveAccess(writer, item.access, options);
  }
}

/**
 * Reads a count and that many method descriptors (the with-list ACTION requests).
 *
 * @throws DecodeError for a count beyond the limits or when the input ends
 */
export function readMethodList(
  reader: ByteReader,
  options: DataDecodeOptions | undefined,
): MethodDescriptor[] {
  const count = readCount(reader, 'method descriptor list', descriptorBytes, options);
  const methods: MethodDescriptor[] = [];
  for (let i = 0; i < count; i++) methods.push(readMethodDescriptor(reader));
  return methods;
}

/**
 * Writes a count and the method descriptors.
 *
 * @throws EncodeError for an invalid descriptor
 */
export function writeMethodList(writer: ByteWriter, methods: readonly MethodDescriptor[]): void {
  writeList(writer, methods, 'methods');
  for (const method of methods) writeMethodDescriptor(writer, method);
}
