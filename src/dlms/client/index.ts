/**
 * The DLMS client: `DlmsClient`, its errors and types, and `DlmsPushListener`.
 *
 * @module
 */

export type { NegotiatedAssociation } from './association.js';
export type { ClockReading, SetClockOptions } from './clock-reads.js';
export type { ActionItem, AttributeInput, MethodInput, SetItem } from './descriptors.js';
export type { DisconnectState } from './device-reads.js';
export { DlmsClient, type DlmsClientEvents, type DlmsCloseOptions } from './dlms-client.js';
export {
  ActionError,
  AssociationError,
  type AssociationErrorDetails,
  DataAccessError,
  ServiceError,
  type ServiceErrorDetail,
} from './errors.js';
export type { ListItemResult } from './get-service.js';
export type {
  DlmsAuthentication,
  DlmsClientOptions,
  DlmsHdlcOptions,
  DlmsSecurityOptions,
  DlmsSessionAddress,
  DlmsSessionFactory,
} from './options.js';
export type { ProfileSelection, ReadProfileOptions } from './profile-read.js';
export type { DlmsNotification, PushOrigin, PushProtection } from './push.js';
export type { DemandRegisterValue, ExtendedRegisterValue, RegisterValue } from './register-reads.js';
export type { DlmsRequestOptions } from './service-context.js';
