/**
 * HLS-GMAC passes 3 and 4 on the server (meterlink spec §10.8), and change_HLS_secret:
 * Association LN methods 1 and 2 (§11.3 class 15).
 *
 * @module
 */

import type { Data } from '../axdr/types.js';
import { hlsGmacResponse, verifyHlsGmacResponse } from '../security/hls-gmac.js';
import { nextInvocationCounter } from '../security/invocation-counter.js';
import { unwrapKey } from '../security/key-wrap.js';
import type { Association } from './association.js';
import type { ActionOutcome } from './cosem-object.js';

/**
 * reply_to_HLS_authentication: checks f(StoC) against the client's system title,
 * then answers f(CtoS) with the server's title and next counter. One attempt only: a wrong
 * f(StoC) leaves the association `failed` (only a release helps, §10.8).
 */
export async function replyToHls(
  association: Association,
  parameter: Data | undefined,
): Promise<ActionOutcome> {
  const security = association.config.security;
  if (
    association.status !== 'pending' ||
    association.config.mechanism !== 'hls-gmac' ||
    security === undefined
  ) {
    return { result: 'read-write-denied' };
  }
  if (parameter?.type !== 'octet-string') {
    association.status = 'failed';
    return { result: 'type-unmatched' };
  }
  try {
    const verified = await verifyHlsGmacResponse({
      response: parameter.value,
      challenge: association.serverChallenge!,
      systemTitle: association.clientSystemTitle!,
      encryptionKey: security.keys.encryptionKey,
      authenticationKey: security.keys.authenticationKey,
    });
    // The counter of f(StoC) is not held against the request counters: a client may take it
    // before or after the counter of a ciphered APDU carrying it. StoC is fresh for every
    // association, so an f(StoC) cannot be replayed anyway (§10.7, §10.8).
    security.lastClientCounter = Math.max(security.lastClientCounter, verified.invocationCounter);
  } catch {
    association.status = 'failed';
    return { result: 'read-write-denied' };
  }
  security.serverCounter = nextInvocationCounter(security.serverCounter);
  const answer = await hlsGmacResponse({
    challenge: association.clientChallenge!,
    systemTitle: association.device.systemTitle!,
    invocationCounter: security.serverCounter,
    encryptionKey: security.keys.encryptionKey,
    authenticationKey: security.keys.authenticationKey,
  });
  association.status = 'associated';
  return { result: 'success', data: { type: 'octet-string', value: answer } };
}

/**
 * change_HLS_secret for HLS-GMAC: the parameter is the new authentication key wrapped with the
 * master key (RFC 3394, 24 octets, as key transfer does, §10.9). Refused without a master key
 * and for the other mechanisms (LLS changes its secret through attribute 7).
 */
export async function changeHlsSecret(
  association: Association,
  parameter: Data | undefined,
): Promise<ActionOutcome> {
  const security = association.config.security;
  const kek = security?.keys.masterKey;
  if (association.config.mechanism !== 'hls-gmac' || security === undefined || kek === undefined) {
    return { result: 'read-write-denied' };
  }
  if (parameter?.type !== 'octet-string') return { result: 'type-unmatched' };
  try {
    const authenticationKey = await unwrapKey(parameter.value, kek);
    security.keys = { ...security.keys, authenticationKey };
    return { result: 'success' };
  } catch {
    return { result: 'other-reason' };
  }
}
