/**
 * Unsolicited APDUs a meter sends (meterlink spec §9.9, §9.10, §9.13): data-notification,
 * event-notification-request and the SN information-report-request, as the typed `push` events
 * of the client and the push listener.
 *
 * @module
 */

import type {
  Apdu,
  DataNotification,
  EventNotificationRequest,
  InformationReportRequest,
} from '../apdu/types.js';

/** How a push was protected, when it arrived ciphered. */
export interface PushProtection {
  /** The sender's system title used in the IV. */
  systemTitle: Uint8Array;
  /** The sender's invocation counter. */
  invocationCounter: number;
  /** The security control byte. */
  securityControl: number;
}

/** Where a push came from and how it was protected. */
export interface PushOrigin {
  /** Set when the push arrived ciphered (and was decrypted). */
  protection?: PushProtection;
  /** The peer (link description) it arrived from, for the push listener. */
  peer?: string;
}

/**
 * A push: the decoded notification APDU (discriminated on `type`: `'data-notification'`,
 * `'event-notification-request'`, `'information-report-request'`) plus where it came from.
 */
export type DlmsNotification =
  | (DataNotification & PushOrigin)
  | (EventNotificationRequest & PushOrigin)
  | (InformationReportRequest & PushOrigin);

/** `true` for the APDUs that are pushes rather than answers. */
export function isNotification(
  apdu: Apdu,
): apdu is DataNotification | EventNotificationRequest | InformationReportRequest {
  return (
    apdu.type === 'data-notification' ||
    apdu.type === 'event-notification-request' ||
    apdu.type === 'information-report-request'
  );
}
