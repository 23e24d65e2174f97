/**
 * The fields of AARQ (§7.2), AARE (§7.3), RLRQ and RLRE (§7.8) by context-specific tag number.
 *
 * @module
 */

import { type FieldTable, fieldTable } from './fields.js';
import { ReleaseRequestReasons, ReleaseResponseReasons } from './names.js';

/** AARQ fields (§7.2). */
export const aarqFields: FieldTable = fieldTable(
  [
    { key: 'protocolVersion', number: 0, kind: 'bit-string' },
    { key: 'applicationContextName', number: 1, kind: 'context-name' },
    { key: 'calledApTitle', number: 2, kind: 'octets' },
    { key: 'calledAeQualifier', number: 3, kind: 'octets' },
    { key: 'calledApInvocationId', number: 4, kind: 'integer' },
    { key: 'calledAeInvocationId', number: 5, kind: 'integer' },
    { key: 'callingApTitle', number: 6, kind: 'octets' },
    { key: 'callingAeQualifier', number: 7, kind: 'octets' },
    { key: 'callingApInvocationId', number: 8, kind: 'integer' },
    { key: 'callingAeInvocationId', number: 9, kind: 'integer' },
    { key: 'senderAcseRequirements', number: 10, kind: 'bit-string' },
    { key: 'mechanismName', number: 11, kind: 'mechanism-name' },
    { key: 'callingAuthenticationValue', number: 12, kind: 'authentication-value' },
    { key: 'implementationInformation', number: 29, kind: 'raw' },
    { key: 'userInformation', number: 30, kind: 'user-information' },
  ],
  ['applicationContextName'],
);

/** AARE fields (§7.3). */
export const aareFields: FieldTable = fieldTable(
  [
    { key: 'protocolVersion', number: 0, kind: 'bit-string' },
    { key: 'applicationContextName', number: 1, kind: 'context-name' },
    { key: 'result', number: 2, kind: 'result' },
    { key: 'resultSourceDiagnostic', number: 3, kind: 'diagnostic' },
    { key: 'respondingApTitle', number: 4, kind: 'octets' },
    { key: 'respondingAeQualifier', number: 5, kind: 'octets' },
    { key: 'respondingApInvocationId', number: 6, kind: 'integer' },
    { key: 'respondingAeInvocationId', number: 7, kind: 'integer' },
    { key: 'responderAcseRequirements', number: 8, kind: 'bit-string' },
    { key: 'mechanismName', number: 9, kind: 'mechanism-name' },
    { key: 'respondingAuthenticationValue', number: 10, kind: 'authentication-value' },
    { key: 'implementationInformation', number: 29, kind: 'raw' },
    { key: 'userInformation', number: 30, kind: 'user-information' },
  ],
  ['applicationContextName', 'result', 'resultSourceDiagnostic'],
);

/** RLRQ fields (§7.8). */
export const rlrqFields: FieldTable = fieldTable(
  [
    { key: 'reason', number: 0, kind: 'named-integer', names: ReleaseRequestReasons },
    { key: 'userInformation', number: 30, kind: 'user-information' },
  ],
  [],
);

/** RLRE fields (§7.8). */
export const rlreFields: FieldTable = fieldTable(
  [
    { key: 'reason', number: 0, kind: 'named-integer', names: ReleaseResponseReasons },
    { key: 'userInformation', number: 30, kind: 'user-information' },
  ],
  [],
);
