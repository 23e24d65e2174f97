/**
 * The first octet of every xDLMS / ACSE APDU (meterlink spec §8).
 *
 * @module
 */

const apduTagValues = {
  'initiate-request': 0x01,
  'read-request': 0x05,
  'write-request': 0x06,
  'initiate-response': 0x08,
  'read-response': 0x0c,
  'write-response': 0x0d,
  'confirmed-service-error': 0x0e,
  'data-notification': 0x0f,
  'unconfirmed-write-request': 0x16,
  'information-report-request': 0x18,
  'glo-initiate-request': 0x21,
  'glo-read-request': 0x25,
  'glo-write-request': 0x26,
  'glo-initiate-response': 0x28,
  'glo-read-response': 0x2c,
  'glo-write-response': 0x2d,
  'glo-confirmed-service-error': 0x2e,
  'glo-unconfirmed-write-request': 0x36,
  'glo-information-report-request': 0x38,
  'ded-initiate-request': 0x41,
  'ded-read-request': 0x45,
  'ded-write-request': 0x46,
  'ded-initiate-response': 0x48,
  'ded-read-response': 0x4c,
  'ded-write-response': 0x4d,
  'ded-confirmed-service-error': 0x4e,
  'ded-unconfirmed-write-request': 0x56,
  'ded-information-report-request': 0x58,
  aarq: 0x60,
  aare: 0x61,
  rlrq: 0x62,
  rlre: 0x63,
  'get-request': 0xc0,
  'set-request': 0xc1,
  'event-notification-request': 0xc2,
  'action-request': 0xc3,
  'get-response': 0xc4,
  'set-response': 0xc5,
  'action-response': 0xc7,
  'glo-get-request': 0xc8,
  'glo-set-request': 0xc9,
  'glo-event-notification-request': 0xca,
  'glo-action-request': 0xcb,
  'glo-get-response': 0xcc,
  'glo-set-response': 0xcd,
  'glo-action-response': 0xcf,
  'ded-get-request': 0xd0,
  'ded-set-request': 0xd1,
  'ded-event-notification-request': 0xd2,
  'ded-action-request': 0xd3,
  'ded-get-response': 0xd4,
  'ded-set-response': 0xd5,
  'ded-action-response': 0xd7,
  'exception-response': 0xd8,
  'access-request': 0xd9,
  'access-response': 0xda,
  'general-glo-ciphering': 0xdb,
  'general-ded-ciphering': 0xdc,
  'general-ciphering': 0xdd,
  'general-signing': 0xdf,
  'general-block-transfer': 0xe0,
  'gateway-request': 0xe6,
  'gateway-response': 0xe7,
} as const satisfies Record<ApduTagName, number>;

/**
 * APDU tags by name (§8). A glo- tag is the plain tag + 8 (LN services) or + 32 (legacy services);
 * a ded- tag + 16 or + 64.
 */
export const apduTags: Readonly<Record<ApduTagName, number>> = apduTagValues;

/** Name of an APDU tag of §8. */
export type ApduTagName =
  | 'initiate-request'
  | 'read-request'
  | 'write-request'
  | 'initiate-response'
  | 'read-response'
  | 'write-response'
  | 'confirmed-service-error'
  | 'data-notification'
  | 'unconfirmed-write-request'
  | 'information-report-request'
  | 'glo-initiate-request'
  | 'glo-read-request'
  | 'glo-write-request'
  | 'glo-initiate-response'
  | 'glo-read-response'
  | 'glo-write-response'
  | 'glo-confirmed-service-error'
  | 'glo-unconfirmed-write-request'
  | 'glo-information-report-request'
  | 'ded-initiate-request'
  | 'ded-read-request'
  | 'ded-write-request'
  | 'ded-initiate-response'
  | 'ded-read-response'
  | 'ded-write-response'
  | 'ded-confirmed-service-error'
  | 'ded-unconfirmed-write-request'
  | 'ded-information-report-request'
  | 'aarq'
  | 'aare'
  | 'rlrq'
  | 'rlre'
  | 'get-request'
  | 'set-request'
  | 'event-notification-request'
  | 'action-request'
  | 'get-response'
  | 'set-response'
  | 'action-response'
  | 'glo-get-request'
  | 'glo-set-request'
  | 'glo-event-notification-request'
  | 'glo-action-request'
  | 'glo-get-response'
  | 'glo-set-response'
  | 'glo-action-response'
  | 'ded-get-request'
  | 'ded-set-request'
  | 'ded-event-notification-request'
  | 'ded-action-request'
  | 'ded-get-response'
  | 'ded-set-response'
  | 'ded-action-response'
  | 'exception-response'
  | 'access-request'
  | 'access-response'
  | 'general-glo-ciphering'
  | 'general-ded-ciphering'
  | 'general-ciphering'
  | 'general-signing'
  | 'general-block-transfer'
  | 'gateway-request'
  | 'gateway-response';

/** Tag octet → name, built once from {@link apduTags} (read-only afterwards). */
const tagNames: readonly (ApduTagName | undefined)[] = buildTagNames();

function buildTagNames(): (ApduTagName | undefined)[] {
  const names: (ApduTagName | undefined)[] = new Array(256).fill(undefined);
  for (const name of Object.keys(apduTags) as ApduTagName[]) names[apduTags[name]] = name;
  return names;
}

/**
 * The §8 name of an APDU tag octet.
 *
 * @param tag - The first octet of an APDU.
 * @returns The name, or `undefined` for an octet §8 does not list.
 * @example
 * ```ts
 * apduTagName(0xc4); // 'get-response'
 * apduTagName(0x99); // undefined
 * ```
 */
export function apduTagName(tag: number): ApduTagName | undefined {
  return tagNames[tag];
}
