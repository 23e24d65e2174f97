/**
 * Table-driven reading and writing of the context-specific fields of AARQ, AARE, RLRQ and RLRE
 * (meterlink spec §7.1–§7.3, §7.8).
 *
 * Reading walks the TLVs generically (§7.1): fields may come in any order, each must fit its
 * parent, a known field may appear once. A context-specific field whose tag number is not in the
 * table is kept raw (its whole TLV) in `unknownFields`; any other class of tag is an error.
 * Writing emits the known fields in tag order (X.690 SEQUENCE order, as in §7.2/§7.3) and puts
 * the raw fields back before the first known field with a higher tag number.
 *
 * @module
 */

import { ByteReader, type ByteWriter } from '../../../core/bytes.js';
import { DecodeError, EncodeError } from '../../../core/errors.js';
import {
  berClassMask,
  berConstructed,
  berContextClass,
  berNumberMask,
  berTagNumber,
  closeBerTlv,
  expectBerEnd,
  expectBerTlv,
  openBerTlv,
  readBerLength,
  readBerTag,
  writeBerTlv,
} from './ber.js';
import {
  AcseServiceProviderDiagnostics,
  AcseServiceUserDiagnostics,
  ApplicationContextNames,
  AssociationResults,
  applicationContextArc,
  dlmsUaOidPrefix,
  MechanismNames,
  mechanismArc,
  nameOf,
} from './names.js';
import { readUserInformation, writeUserInformation } from './user-information.js';
import {
  readAuthenticationValue,
  readBitStringContent,
  readIntegerContent,
  readOidContent,
  writeAuthenticationValue,
  writeBitString,
  writeInteger,
  writeOid,
} from './values.js';

/** How a field's content is encoded. */
export type FieldKind =
  /** Implicit BIT STRING (protocol-version, acse-requirements). */
  | 'bit-string'
  /** Explicit OBJECT IDENTIFIER naming an application context. */
  | 'context-name'
  /** Implicit OBJECT IDENTIFIER naming an authentication mechanism. */
  | 'mechanism-name'
  /** Explicit OCTET STRING `04` (AP-title, AE-qualifier as used by DLMS, §7.2). */
  | 'octets'
  /** Explicit INTEGER `02` (invocation identifiers). */
  | 'integer'
  /** Implicit INTEGER, named through the field's `names` (release reasons). */
  | 'named-integer'
  /** Explicit authentication-value CHOICE. */
  | 'authentication-value'
  /** The content octets kept as they are (implementation-information). */
  | 'raw'
  /** `04` OCTET STRING holding an xDLMS APDU. */
  | 'user-information'
  /** Explicit INTEGER 0–2 (AARE result). */
  | 'result'
  /** Explicit CHOICE of acse-service-user / acse-service-provider (AARE). */
  | 'diagnostic';

/** One field of an ACSE APDU. */
export interface FieldSpec {
  /** Property of the decoded object. */
  readonly key: string;
  /** Context-specific tag number (0–30). */
  readonly number: number;
  readonly kind: FieldKind;
  /** For `named-integer`: name → value. */
  readonly names?: Readonly<Record<string, number>>;
}

/** The fields of one APDU type, by tag number, and which must be present. */
export interface FieldTable {
  /** Fields in tag-number order. */
  readonly fields: readonly FieldSpec[];
  /** Tag number → field. */
  readonly byNumber: readonly (FieldSpec | undefined)[];
  /** Keys of the mandatory fields. */
  readonly mandatory: readonly string[];
}

/** Builds a {@link FieldTable} (at module load; read-only afterwards). */
export function fieldTable(fields: readonly FieldSpec[], mandatory: readonly string[]): FieldTable {
  const byNumber: (FieldSpec | undefined)[] = [];
  for (const f of fields) byNumber[f.number] = f;
  return { fields, byNumber, mandatory };
}

const primitiveKinds: ReadonlySet<FieldKind> = new Set(['bit-string', 'mechanism-name', 'named-integer']);

/** The identifier octet of a field: context-specific, constructed unless implicitly primitive. */
function identifier(f: FieldSpec): number {
  return berContextClass | (primitiveKinds.has(f.kind) ? 0 : berConstructed) | f.number;
}

/** Identifiers inside explicit fields. */
const integerTag = 0x02;
const octetStringTag = 0x04;
const oidTag = 0x06;
/** Alternatives of result-source-diagnostic (§7.3). */
const serviceUserTag = 0xa1;
const serviceProviderTag = 0xa2;

/** An application context or mechanism OID: the DLMS-UA name, or the content octets as received. */
function oidName<T extends Readonly<Record<string, number>>>(
  content: Uint8Array,
  arc: number,
  table: T,
): (keyof T & string) | Uint8Array {
  if (content.length !== dlmsUaOidPrefix.length + 2 || content[dlmsUaOidPrefix.length] !== arc)
    return content;
  for (let i = 0; i < dlmsUaOidPrefix.length; i++) if (content[i] !== dlmsUaOidPrefix[i]) return content;
  return nameOf(table, content[dlmsUaOidPrefix.length + 1]!) ?? content;
}

/** The content octets of a named DLMS-UA OID, or the raw content given. */
function oidContent(
  value: string | Uint8Array,
  arc: number,
  table: Readonly<Record<string, number>>,
  field: string,
): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const x = table[value];
  if (x === undefined) throw new EncodeError(field, `unknown name '${String(value)}'`);
  return Uint8Array.of(...dlmsUaOidPrefix, arc, x);
}

/** Reads an explicit INTEGER (`02 len value`) filling the field up to `end`. */
function readExplicitInteger(reader: ByteReader, end: number): number {
  const intEnd = expectBerTlv(reader, end, integerTag, 'INTEGER 02');
  const v = readIntegerContent(reader, intEnd);
  expectBerEnd(reader, end, 'the end of the field after its INTEGER');
  return v;
}

/** Reads the content of field `f` (cursor on the first content octet, `end` its end). */
function readFieldValue(reader: ByteReader, end: number, f: FieldSpec, maxApduBytes: number): unknown {
  switch (f.kind) {
    case 'bit-string':
      return readBitStringContent(reader, end);
    case 'context-name': {
      const oidEnd = expectBerTlv(reader, end, oidTag, 'OBJECT IDENTIFIER 06');
      const content = readOidContent(reader, oidEnd);
      expectBerEnd(reader, end, 'the end of the application context name');
      return oidName(content, applicationContextArc, ApplicationContextNames);
    }
    case 'mechanism-name':
      return oidName(readOidContent(reader, end), mechanismArc, MechanismNames);
    case 'octets': {
      const stringEnd = expectBerTlv(reader, end, octetStringTag, 'OCTET STRING 04');
      const v = reader.bytesView(stringEnd - reader.pos, 'OCTET STRING');
      expectBerEnd(reader, end, 'the end of the field after its OCTET STRING');
      return v;
    }
    case 'integer':
      return readExplicitInteger(reader, end);
    case 'named-integer': {
      const v = readIntegerContent(reader, end);
      return nameOf(f.names!, v) ?? v;
    }
    case 'authentication-value':
      return readAuthenticationValue(reader, end);
    case 'raw':
      return reader.bytesView(end - reader.pos, 'field content');
    case 'user-information':
      return readUserInformation(reader, end, maxApduBytes);
    case 'result': {
      const at = reader.pos;
      const v = readExplicitInteger(reader, end);
      return nameOf(AssociationResults, v) ?? reader.fail(`result ${v}`, 'result 0, 1 or 2', at);
    }
    case 'diagnostic': {
      const at = reader.pos;
      const tag = readBerTag(reader, end);
      if (tag !== serviceUserTag && tag !== serviceProviderTag) {
        reader.fail(
          'unknown result-source-diagnostic alternative',
          'acse-service-user A1 or -provider A2',
          at,
        );
      }
      const innerLength = readBerLength(reader, end);
      const innerEnd = reader.pos + innerLength;
      const v = readExplicitInteger(reader, innerEnd);
      expectBerEnd(reader, end, 'the end of result-source-diagnostic');
      return tag === serviceUserTag
        ? { source: 'acse-service-user', diagnostic: nameOf(AcseServiceUserDiagnostics, v) ?? v }
        : { source: 'acse-service-provider', diagnostic: nameOf(AcseServiceProviderDiagnostics, v) ?? v };
    }
  }
}

/**
 * Reads the fields of an ACSE APDU from the cursor up to `end` into a new object (`type` set),
 * with `unknownFields` when any.
 *
 * @param start - offset of the APDU's tag, reported when a mandatory field is missing
 * @throws DecodeError for a malformed TLV, a field of another class, a known tag number in the
 *   wrong form, a duplicate or a missing mandatory field, or a malformed value
 */
export function readFields(
  reader: ByteReader,
  end: number,
  start: number,
  type: string,
  table: FieldTable,
  maxApduBytes: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { type };
  let unknown: Uint8Array[] | undefined;
  while (reader.pos < end) {
    const at = reader.pos;
    const tag = readBerTag(reader, end);
    const contentLength = readBerLength(reader, end);
    const contentEnd = reader.pos + contentLength;
    if ((tag & berClassMask) !== berContextClass) {
      reader.fail('not a context-specific tag', 'an ACSE field (context-specific tag)', at);
    }
    const f = (tag & berNumberMask) === berNumberMask ? undefined : table.byNumber[tag & berNumberMask];
    if (f === undefined) {
      unknown ??= [];
      unknown.push(reader.bytes.subarray(at, contentEnd));
      reader.pos = contentEnd;
      continue;
    }
    if (tag !== identifier(f)) {
      reader.fail('field in the wrong form (constructed/primitive)', `tag ${identifierHex(f)}`, at);
    }
    if (out[f.key] !== undefined) reader.fail('field appears twice', 'each ACSE field at most once', at);
    out[f.key] = readFieldValue(reader, contentEnd, f, maxApduBytes);
    expectBerEnd(reader, contentEnd, 'the end of the field');
  }
  for (const key of table.mandatory) {
    if (out[key] === undefined) reader.fail(`no ${key}`, `a mandatory ${key} field`, start);
  }
  if (unknown !== undefined) out.unknownFields = unknown;
  return out;
}

function identifierHex(f: FieldSpec): string {
  return identifier(f).toString(16).toUpperCase();
}

/** Writes the value of field `f` with its tag. */
function writeField(writer: ByteWriter, f: FieldSpec, value: unknown): void {
  const tag = identifier(f);
  const field = f.key;
  switch (f.kind) {
    case 'bit-string':
      writeBitString(writer, tag, value as Parameters<typeof writeBitString>[2], field);
      break;
    case 'context-name':
      openBerTlv(writer, tag);
      writeOid(
        writer,
        oidTag,
        oidContent(value as string | Uint8Array, applicationContextArc, ApplicationContextNames, field),
        field,
      );
      closeBerTlv(writer);
      break;
    case 'mechanism-name':
      writeOid(
        writer,
        tag,
        oidContent(value as string | Uint8Array, mechanismArc, MechanismNames, field),
        field,
      );
      break;
    case 'octets':
      if (!(value instanceof Uint8Array)) throw new EncodeError(field, 'must be a Uint8Array');
      openBerTlv(writer, tag);
      writeBerTlv(writer, octetStringTag, value);
      closeBerTlv(writer);
      break;
    case 'integer':
      openBerTlv(writer, tag);
      writeInteger(writer, integerTag, value as number, field);
      closeBerTlv(writer);
      break;
    case 'named-integer':
      writeNamedInteger(writer, tag, value, f.names!, field);
      break;
    case 'authentication-value':
      writeAuthenticationValue(writer, tag, value as Parameters<typeof writeAuthenticationValue>[2], field);
      break;
    case 'raw':
      if (!(value instanceof Uint8Array)) throw new EncodeError(field, 'must be a Uint8Array');
      writeBerTlv(writer, tag, value);
      break;
    case 'user-information':
      writeUserInformation(writer, tag, value as Parameters<typeof writeUserInformation>[2], field);
      break;
    case 'result':
      openBerTlv(writer, tag);
      writeNamedInteger(writer, integerTag, value, AssociationResults, field);
      closeBerTlv(writer);
      break;
    case 'diagnostic': {
      const d = value as { source: unknown; diagnostic: unknown };
      const user = d.source === 'acse-service-user';
      if (!user && d.source !== 'acse-service-provider') {
        throw new EncodeError(field, "source must be 'acse-service-user' or 'acse-service-provider'");
      }
      openBerTlv(writer, tag);
      openBerTlv(writer, user ? serviceUserTag : serviceProviderTag);
      const names = user ? AcseServiceUserDiagnostics : AcseServiceProviderDiagnostics;
      writeNamedInteger(writer, integerTag, d.diagnostic, names, `${field}.diagnostic`);
      closeBerTlv(writer);
      closeBerTlv(writer);
      break;
    }
  }
}

/** Writes an INTEGER given as a name of `names` or a number. */
function writeNamedInteger(
  writer: ByteWriter,
  tag: number,
  value: unknown,
  names: Readonly<Record<string, number>>,
  field: string,
): void {
  const n = typeof value === 'string' ? names[value] : value;
  if (typeof n !== 'number') throw new EncodeError(field, `unknown name or not a number: ${String(value)}`);
  writeInteger(writer, tag, n, field);
}

/** Checks that a raw field is one complete context-specific TLV with a tag number not in `table`. */
function checkUnknownField(raw: unknown, table: FieldTable): number {
  if (!(raw instanceof Uint8Array)) throw new EncodeError('unknownFields', 'each entry must be a Uint8Array');
  const number = berTagNumber(raw);
  try {
    const r = new ByteReader(raw, 'apdu');
    const tag = readBerTag(r, raw.length);
    const length = readBerLength(r, raw.length);
    r.pos += length;
    r.expectEnd('the end of the raw field');
    if (
      (tag & berClassMask) !== berContextClass ||
      number === undefined ||
      table.byNumber[number] !== undefined
    ) {
      throw new EncodeError(
        'unknownFields',
        'each entry must be a context-specific field the APDU does not define',
      );
    }
  } catch (e) {
    if (e instanceof DecodeError) throw new EncodeError('unknownFields', `not one BER TLV: ${e.message}`);
    throw e;
  }
  return number;
}

/**
 * Writes the fields of `apdu` (known ones in tag order, raw `unknownFields` merged in by tag
 * number) — the content of the APDU's TLV.
 *
 * @throws EncodeError for a missing mandatory field, an invalid value or a malformed raw field
 */
export function writeFields(
  writer: ByteWriter,
  apdu: Readonly<Record<string, unknown>>,
  table: FieldTable,
): void {
  for (const key of table.mandatory) {
    if (apdu[key] === undefined) throw new EncodeError(key, 'is mandatory');
  }
  const unknown = apdu.unknownFields as readonly unknown[] | undefined;
  if (unknown !== undefined && !Array.isArray(unknown))
    throw new EncodeError('unknownFields', 'must be an array');
  const numbers = unknown?.map((raw) => checkUnknownField(raw, table));
  let next = 0;
  for (const f of table.fields) {
    while (unknown !== undefined && next < unknown.length && numbers![next]! < f.number) {
      writer.bytes(unknown[next++] as Uint8Array);
    }
    const value = apdu[f.key];
    if (value !== undefined) writeField(writer, f, value);
  }
  while (unknown !== undefined && next < unknown.length) writer.bytes(unknown[next++] as Uint8Array);
}
