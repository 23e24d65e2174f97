/**
 * `meterlink/dlms`: the DLMS/COSEM stack (docs/dlms.md) — `DlmsClient` and `DlmsServer` (the
 * meter simulator) over HDLC or the TCP/UDP wrapper on any `Link`, and the pure codecs beneath
 * them: A-XDR `Data`, xDLMS and ACSE APDUs, HDLC and wrapper framing, security suite 0 and the
 * COSEM object model. Every codec runs unchanged in a browser (security uses WebCrypto).
 *
 * @example
 * ```ts
 * import { tcp } from 'meterlink';
 * import { DlmsClient } from 'meterlink/dlms';
 *
 * const meter = await DlmsClient.connect({ link: tcp({ host: '10.0.0.5', port: 4059 }), framing: 'wrapper' });
 * console.log(await meter.readRegister('1.0.1.8.0.255'));
 * await meter.close();
 * ```
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
  AbortError,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  LinkClosedError,
  LinkError,
  MeterlinkError,
  ProtocolError,
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
export type {
  ActionItem,
  AssociationErrorDetails,
  AttributeInput,
  ClockReading,
  DemandRegisterValue,
  DisconnectState,
  DlmsAuthentication,
  DlmsClientEvents,
  DlmsClientOptions,
  DlmsCloseOptions,
  DlmsHdlcOptions,
  DlmsNotification,
  DlmsRequestOptions,
  DlmsSecurityOptions,
  DlmsSessionAddress,
  DlmsSessionFactory,
  ExtendedRegisterValue,
  ListItemResult,
  MethodInput,
  NegotiatedAssociation,
  ProfileSelection,
  PushOrigin,
  PushProtection,
  ReadProfileOptions,
  RegisterValue,
  ServiceErrorDetail,
  SetClockOptions,
  SetItem,
} from './client/index.js';
// The client (spec §12)
export {
  ActionError,
  AssociationError,
  DataAccessError,
  DlmsClient,
  ServiceError,
} from './client/index.js';
export type { PushSecurityOptions } from './client/push-decoder.js';
export type { DlmsPushListenerEvents, DlmsPushListenerOptions } from './client/push-listener.js';
export { DlmsPushListener } from './client/push-listener.js';
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
export type { ReleaseReason } from './server/connection.js';
export type {
  AccessFailure,
  ActionOutcome,
  AttributeAccessLevel,
  CosemObject,
  CosemRequestContext,
  GetOutcome,
} from './server/cosem-object.js';
export type { DlmsNotifyOptions, DlmsPush, DlmsServedSession } from './server/dlms-server.js';
// The server: the meter simulator's core
export { DlmsServer } from './server/dlms-server.js';
export { MeterDefinitionError } from './server/meter/definition-fields.js';
// The meter simulator: COSEM objects, the example meter, custom meter definitions
export { type ExampleMeterOptions, exampleMeter } from './server/meter/example-meter.js';
export {
  type LoadMeterDefinitionOptions,
  loadMeterDefinition,
} from './server/meter/load-meter-definition.js';
export type {
  ColumnDefinition,
  DefinitionNumber,
  GeneratorDefinition,
  MeterDefinition,
  ObjectDefinition as MeterObjectDefinition,
} from './server/meter/meter-definition.js';
export { Clock, type ClockOptions } from './server/objects/clock.js';
export { DataObject, type DataObjectOptions } from './server/objects/data-object.js';
export type { DateTimeFormatter } from './server/objects/date-time.js';
export { DemandRegister, type DemandRegisterOptions } from './server/objects/demand-register.js';
export {
  type ControlState,
  DisconnectControl,
  type DisconnectControlOptions,
} from './server/objects/disconnect-control.js';
export { EventCode, EventLog, type EventLogOptions } from './server/objects/event-log.js';
export { ExtendedRegister, type ExtendedRegisterOptions } from './server/objects/extended-register.js';
export { logicalDeviceName } from './server/objects/logical-device-name.js';
export { ObjectDirectory } from './server/objects/object-directory.js';
export { ProfileGeneric, type ProfileGenericOptions } from './server/objects/profile-generic.js';
export {
  type PushDestination,
  type PushNotification,
  type PushSender,
  PushSetup,
  type PushSetupOptions,
} from './server/objects/push-setup.js';
export { Register, type RegisterOptions } from './server/objects/register.js';
export { type ScriptAction, ScriptTable, type ScriptTableOptions } from './server/objects/script-table.js';
export {
  IecHdlcSetup,
  type IecHdlcSetupOptions,
  TcpUdpSetup,
  type TcpUdpSetupOptions,
} from './server/objects/setup-objects.js';
export type { LiveValue, ValueSource } from './server/objects/value-source.js';
export type { AssociationInfo, DlmsServerEvents } from './server/server-events.js';
export type {
  AccessRightsOption,
  AssociationKeys,
  AssociationOptions,
  AssociationSecurity,
  CustomAccessRights,
  DlmsListener,
  DlmsListenOptions,
  DlmsServeOptions,
  DlmsServerHdlcOptions,
  DlmsServerOptions,
  DlmsServerWrapperOptions,
  LogicalDeviceOptions,
  ObjectAccess,
} from './server/server-options.js';
export type {
  ClientSessionOptions,
  HdlcClientSessionFactoryOptions,
  HdlcServerSessionFactoryOptions,
  ServerSessionOptions,
  WrapperClientSessionFactoryOptions,
  WrapperServerSessionFactoryOptions,
} from './session/create-session.js';

// Sessions: whole APDUs over HDLC or the wrapper on any Link (spec §4, §5)
export { createClientSession, createServerSession } from './session/create-session.js';
export type { HdlcClientSessionOptions, HdlcClientSessionStats } from './session/hdlc-client-session.js';
export { HdlcClientSession } from './session/hdlc-client-session.js';
export type { HdlcFrameDirection } from './session/hdlc-frame-channel.js';
export type {
  HdlcFrameHook,
  HdlcLinkOptions,
  HdlcLinkParameters,
  HdlcServerAddressOptions,
} from './session/hdlc-options.js';
export type {
  HdlcNotifyOptions,
  HdlcServerSessionEvents,
  HdlcServerSessionOptions,
  HdlcServerSessionStats,
} from './session/hdlc-server-session.js';
export { HdlcServerSession } from './session/hdlc-server-session.js';
export { type ModeEOptions, type ModeEResult, modeESignOn } from './session/mode-e.js';
export { TunnelApduSession, type TunnelApduSessionOptions } from './session/tunnel-apdu-session.js';
export type {
  DlmsQuirks,
  DlmsSession,
  DlmsSessionEvents,
  ReceivedApdu,
  SessionAddress,
  SessionSendOptions,
  SessionState,
  SessionWaitOptions,
} from './session/types.js';
export type { WrapperClientSessionOptions } from './session/wrapper-client-session.js';
export { WrapperClientSession } from './session/wrapper-client-session.js';
export type { WrapperSendOptions, WrapperServerSessionOptions } from './session/wrapper-server-session.js';
export { WrapperServerSession } from './session/wrapper-server-session.js';
export type { WrapperSessionCounters, WrapperSessionOptions } from './session/wrapper-session-base.js';
export { WrapperSession } from './session/wrapper-session-base.js';
export type { WrapperDecodeOptions, WrapperFrame } from './wrapper/wrapper-codec.js';
export {
  decodeWrapperFrame,
  dlmsPort,
  encodeWrapperFrame,
  wrapperHeaderLength,
  wrapperVersion,
} from './wrapper/wrapper-codec.js';
export { WrapperFrameDecoder } from './wrapper/wrapper-decoder.js';
