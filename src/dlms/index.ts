/**
 * `meterlink/dlms`: the DLMS/COSEM stack. So far the pure codecs — A-XDR `Data`, xDLMS and ACSE
 * APDUs, HDLC and wrapper framing, security suite 0 and the COSEM object model (docs/dlms.md);
 * the client and meter simulator land here next. Every codec runs unchanged in a browser
 * (security uses WebCrypto).
 *
 * @example
 * ```ts
 * import { decodeApdu, HdlcFrameDecoder, stripLlc } from 'meterlink/dlms';
 *
 * const frames = new HdlcFrameDecoder();
 * for (const frame of frames.push(chunk)) {
 *   const apdu = decodeApdu(stripLlc(frame.information));
 *   if (apdu.type === 'data-notification') console.log(apdu.body);
 * }
 * ```
 *
 * @module meterlink/dlms
 */

export {
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  MeterlinkError,
  SecurityError,
  TimeoutError,
} from '../core/errors.js';
export type {
  Aare,
  Aarq,
  AcseApdu,
  AcseDecodeOptions,
  AcseServiceProviderDiagnostic,
  AcseServiceUserDiagnostic,
  AcseUnknownFields,
  ApplicationContextName,
  ApplicationContextNameId,
  AssociationResult,
  AuthenticationValue,
  BitString,
  ConfirmedServiceError,
  ConfirmedServiceErrorService,
  Conformance,
  ConformanceFlag,
  InitiateRequest,
  InitiateResponse,
  MechanismName,
  MechanismNameId,
  ReleaseRequestReason,
  ReleaseResponseReason,
  ResultSourceDiagnostic,
  Rlre,
  Rlrq,
  ServiceErrorChoice,
  ServiceErrorKind,
  UserInformation,
} from './apdu/acse/acse-codec.js';
// ACSE and the xDLMS initiate exchange (spec §7)
export {
  AcseServiceProviderDiagnostics,
  AcseServiceUserDiagnostics,
  AcseTag,
  ApplicationContextNames,
  AssociationResults,
  ConfirmedServiceErrorServices,
  ConformanceBit,
  conformanceFromBits,
  conformanceToBits,
  lnClientConformance,
  lnClientConformanceBits,
  MechanismNames,
  oidFromArcs,
  oidToArcs,
  ReleaseRequestReasons,
  ReleaseResponseReasons,
  ServiceErrorKinds,
  ServiceErrorValues,
} from './apdu/acse/acse-codec.js';
export type { ApduDecodeOptions, ApduEncodeOptions } from './apdu/apdu-codec.js';
// xDLMS APDUs (spec §8, §9)
export { decodeApdu, defaultMaxApduBytes, encodeApdu } from './apdu/apdu-codec.js';
export type {
  ExceptionServiceError,
  ExceptionServiceErrorName,
  ExceptionStateError,
  ExceptionStateErrorName,
} from './apdu/exception.js';
export { exceptionServiceErrors, exceptionStateErrors } from './apdu/exception.js';
export type {
  ActionResult,
  ActionResultName,
  DataAccessResult,
  DataAccessResultName,
} from './apdu/results.js';
export { actionResults, dataAccessResults } from './apdu/results.js';
export type { ApduTagName } from './apdu/tags.js';
export { apduTagName, apduTags } from './apdu/tags.js';
export type {
  AccessRequest,
  AccessRequestSpecification,
  AccessResponse,
  AccessResponseSpecification,
  ActionRequest,
  ActionRequestNextPblock,
  ActionRequestNormal,
  ActionRequestWithFirstPblock,
  ActionRequestWithList,
  ActionRequestWithListAndFirstPblock,
  ActionRequestWithPblock,
  ActionResponse,
  ActionResponseItem,
  ActionResponseNextPblock,
  ActionResponseNormal,
  ActionResponseWithList,
  ActionResponseWithPblock,
  Apdu,
  ApduType,
  AttributeAccess,
  AttributeDescriptor,
  DataBlockG,
  DataBlockGResult,
  DataBlockSA,
  DataNotification,
  EventNotificationRequest,
  ExceptionResponse,
  GeneralBlockTransfer,
  GetDataResult,
  GetRequest,
  GetRequestNext,
  GetRequestNormal,
  GetRequestWithList,
  GetResponse,
  GetResponseNormal,
  GetResponseWithDatablock,
  GetResponseWithList,
  InformationReportRequest,
  InvokeIdAndPriority,
  LnServiceFields,
  LongInvokeIdAndPriority,
  MethodDescriptor,
  ReadRequest,
  ReadResponse,
  ReadResult,
  SelectiveAccess,
  SetRequest,
  SetRequestNormal,
  SetRequestWithDatablock,
  SetRequestWithFirstDatablock,
  SetRequestWithList,
  SetRequestWithListAndFirstDatablock,
  SetResponse,
  SetResponseDatablock,
  SetResponseLastDatablock,
  SetResponseLastDatablockWithList,
  SetResponseNormal,
  SetResponseWithList,
  UnconfirmedWriteRequest,
  VariableAccessSpecification,
  WriteRequest,
  WriteResponse,
  WriteResult,
} from './apdu/types.js';
export type { DateTimeOctetsOptions } from './axdr/calendar.js';
export {
  decodeDateOctets,
  decodeDateTimeOctets,
  decodeTimeOctets,
  encodeDateOctets,
  encodeDateTimeOctets,
  encodeTimeOctets,
  maxDeviation,
} from './axdr/calendar.js';
export type { DateToCosemDateTimeOptions } from './axdr/calendar-instant.js';
// A-XDR Data and calendar values (spec §6)
export {
  asDate,
  asDateTime,
  asTime,
  cosemDateTimeToDate,
  dateToCosemDateTime,
} from './axdr/calendar-instant.js';
export { decodeClockStatus, encodeClockStatus } from './axdr/clock-status.js';
export { decodeData, encodeData } from './axdr/data-codec.js';
export { dataTags } from './axdr/data-tags.js';
export type {
  ClockStatus,
  CosemDate,
  CosemDateTime,
  CosemDayOfMonth,
  CosemMonth,
  CosemTime,
  Data,
  DataDecodeOptions,
  DataEncodeOptions,
  DataLimits,
  DataType,
  SimpleDataType,
  TypeDescription,
  Unspecified,
} from './axdr/types.js';
export type { CaptureObject } from './cosem/capture-objects.js';
// COSEM object model (spec §11)
export { captureObjectData, parseCaptureObject, parseCaptureObjects } from './cosem/capture-objects.js';
export type { CosemAttributeInfo, CosemClassInfo, CosemMethodInfo, KnownClassId } from './cosem/classes.js';
export {
  AssociationLnAttribute,
  attributeName,
  ClassId,
  ClockAttribute,
  classById,
  cosemClasses,
  methodName,
  ProfileGenericAttribute,
  RegisterAttribute,
} from './cosem/classes.js';
export type { ObisStyle } from './cosem/obis.js';
export { formatObis, isObis, parseObis } from './cosem/obis.js';
export type {
  AccessRights,
  AttributeAccessMode,
  AttributeAccessRight,
  MethodAccessMode,
  MethodAccessRight,
  ObjectListEntry,
  ObjectListOptions,
  ShortNameObjectListEntry,
} from './cosem/object-list.js';
export {
  attributeAccessModes,
  methodAccessModes,
  parseObjectList,
  parseShortNameObjectList,
} from './cosem/object-list.js';
export type { ProfileBuffer, ProfileBufferOptions, ProfileCell } from './cosem/profile-buffer.js';
export { decodeProfileBuffer, parseProfileBuffer } from './cosem/profile-buffer.js';
export type { ProfileColumn } from './cosem/profile-columns.js';
export { profileColumns } from './cosem/profile-columns.js';
export type { ScaledValue, ScalerUnit } from './cosem/scaler.js';
export { applyScaler, parseScalerUnit, scaledDecimal, scaledValue } from './cosem/scaler.js';
export type { EntryDescriptorInput, RangeDescriptorInput, RangeValue } from './cosem/selective-access.js';
export { entryDescriptor, rangeDescriptor } from './cosem/selective-access.js';
export type { Unit } from './cosem/units.js';
export { unitById, unitSymbol } from './cosem/units.js';
export { describeObis } from './cosem/well-known.js';
// HDLC (spec §4) and the TCP/UDP wrapper (spec §5)
export { decodeHdlcFrame, encodeHdlcFrame } from './hdlc/frame-codec.js';
export type { HdlcFrameDecoderOptions } from './hdlc/frame-decoder.js';
export { HdlcFrameDecoder } from './hdlc/frame-decoder.js';
export { hdlcFlag, maxHdlcFrameLength, minHdlcFrameLength } from './hdlc/frame-parse.js';
export type { LlcDirection } from './hdlc/llc.js';
export { llcRequestHeader, llcResponseHeader, stripLlc, withLlc } from './hdlc/llc.js';
export type { HdlcParameters, HdlcParameterWidth, HdlcParameterWidths } from './hdlc/parameters.js';
export { decodeHdlcParameters, defaultHdlcParameters, encodeHdlcParameters } from './hdlc/parameters.js';
export type {
  HdlcAddress,
  HdlcControl,
  HdlcControlKind,
  HdlcDiscard,
  HdlcDiscardReason,
  HdlcFrame,
} from './hdlc/types.js';
// Security suite 0 (spec §10)
export { challengeLength, generateChallenge, isValidChallenge } from './security/challenge.js';
export type { CipheredServiceTagSet } from './security/ciphered-apdu.js';
export { cipheredServiceTags, isCipheredTag } from './security/ciphered-apdu.js';
export type { PayloadOptions } from './security/gcm.js';
export { decryptPayload, encryptPayload, gcmTagLength } from './security/gcm.js';
export type {
  HlsGmacResponseOptions,
  VerifiedHlsGmacResponse,
  VerifyHlsGmacResponseOptions,
} from './security/hls-gmac.js';
export { hlsGmacResponse, hlsGmacResponseLength, verifyHlsGmacResponse } from './security/hls-gmac.js';
export {
  checkInvocationCounter,
  maxInvocationCounter,
  nextInvocationCounter,
} from './security/invocation-counter.js';
export { unwrapKey, wrapKey, wrappedKeyLength } from './security/key-wrap.js';
export { llsAuthenticationValue, maxLlsPasswordLength, verifyLlsPassword } from './security/lls.js';
export type {
  CipheredEnvelope,
  ProtectApduOptions,
  UnprotectApduOptions,
  UnprotectedApdu,
} from './security/protect.js';
export { protectApdu, unprotectApdu } from './security/protect.js';
export type { SecurityControl, SecurityMode } from './security/security-control.js';
export {
  buildSecurityControl,
  checkSecurityControl,
  parseSecurityControl,
  securityControlBits,
} from './security/security-control.js';
export type {
  CipheredApdu,
  CipheredService,
  DedCipheredApdu,
  GeneralDedCipheringApdu,
  GeneralGloCipheringApdu,
  GloCipheredApdu,
  SecurityHeader,
} from './security/types.js';
export type { WrapperDecodeOptions, WrapperFrame } from './wrapper/wrapper-codec.js';
export {
  decodeWrapperFrame,
  dlmsPort,
  encodeWrapperFrame,
  wrapperHeaderLength,
  wrapperVersion,
} from './wrapper/wrapper-codec.js';
export { WrapperFrameDecoder } from './wrapper/wrapper-decoder.js';
