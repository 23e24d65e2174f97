/** Shared builders for the server tests. */

import { fromHex } from '../../../src/core/hex.js';
import type { Aarq, InitiateRequest } from '../../../src/dlms/apdu/acse/acse-codec.js';
import { conformanceFromBits, lnClientConformanceBits } from '../../../src/dlms/apdu/acse/acse-codec.js';
import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu, AttributeDescriptor, InvokeIdAndPriority } from '../../../src/dlms/apdu/types.js';
import { protectApdu, unprotectApdu } from '../../../src/dlms/security/protect.js';
import type { CipheredApdu } from '../../../src/dlms/security/types.js';
import { DlmsServer } from '../../../src/dlms/server/dlms-server.js';
import type { DlmsServerOptions } from '../../../src/dlms/server/server-options.js';
import { FakeSession } from './fake-session.js';
import { BigObject, bytes, DataObject } from './test-objects.js';

export const encryptionKey = fromHex('000102030405060708090A0B0C0D0E0F');
export const authenticationKey = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
export const clientTitle = fromHex('4D4D4D0000000001');
export const serverTitle = fromHex('4D4D4D0000BC614E');
export const keys = { encryptionKey, authenticationKey };

export const invoke: InvokeIdAndPriority = { invokeId: 1, confirmed: true, highPriority: true };

export function initiate(overrides: Partial<InitiateRequest> = {}): InitiateRequest {
  return {
    type: 'initiate-request',
    responseAllowed: true,
    proposedDlmsVersionNumber: 6,
    proposedConformance: conformanceFromBits(lnClientConformanceBits | 0x400000),
    clientMaxReceivePduSize: 1200,
    ...overrides,
  };
}

export function aarq(overrides: Partial<Aarq> = {}): Aarq {
  return { type: 'aarq', applicationContextName: 'logical-name', userInformation: initiate(), ...overrides };
}

export function llsAarq(password: string): Aarq {
  return aarq({
    senderAcseRequirements: { unusedBits: 7, bytes: Uint8Array.of(0x80) },
    mechanismName: 'lls',
    callingAuthenticationValue: { type: 'charstring', value: new TextEncoder().encode(password) },
  });
}

export function attr(classId: number, instance: string, attributeId: number): AttributeDescriptor {
  return { classId, instance, attributeId };
}

export function get(classId: number, instance: string, attributeId: number): Apdu {
  return {
    type: 'get-request',
    variant: 'normal',
    invoke,
    attribute: attr(classId, instance, attributeId),
    access: undefined,
  };
}

/** A server with one device: public client 16, LLS client 1, HLS-GMAC client 2 (ciphered policy none), ciphered client 3. */
export function testServer(extra: Partial<DlmsServerOptions> = {}) {
  const energy = new DataObject('1.0.1.8.0.255', { type: 'double-long-unsigned', value: 12345 });
  const name = new DataObject('0.0.42.0.0.255', {
    type: 'octet-string',
    value: new TextEncoder().encode('MLK0001'),
  });
  const big = new BigObject(bytes(3000));
  const server = new DlmsServer({
    logicalDevices: [{ address: 1, objects: [energy, name, big], systemTitle: serverTitle }],
    associations: [
      { client: 16, mechanism: 'none' },
      { client: 1, mechanism: 'lls', password: '12345678' },
      { client: 2, mechanism: 'hls-gmac', keys },
      { client: 3, mechanism: 'lls', password: 'secret!!', keys, security: 'authenticated-encrypted' },
    ],
    ...extra,
  });
  return { server, energy, name, big };
}

/** A fake session served by `server` for `client` on logical device 1. */
export function session(server: DlmsServer, client: number): FakeSession {
  const s = new FakeSession({ client, logicalDevice: 1 });
  server.serveSession(s);
  return s;
}

/** The client side of a ciphered association: protects requests, unprotects responses. */
export class CipherClient {
  counter: number;
  serverCounter = 0;
  constructor(
    readonly s: FakeSession,
    start = 1,
  ) {
    this.counter = start;
  }

  async protect(
    apdu: Apdu,
    envelope: 'glo' | 'general-glo' = 'glo',
    counter = this.counter++,
  ): Promise<Uint8Array> {
    return encodeApdu(
      await protectApdu(encodeApdu(apdu), {
        envelope,
        security: 'authenticated-encrypted',
        encryptionKey,
        authenticationKey,
        systemTitle: clientTitle,
        invocationCounter: counter,
      }),
    );
  }

  async open(password: string): Promise<Apdu> {
    const user = (await protectApdu(encodeApdu(initiate()), {
      envelope: 'glo',
      security: 'authenticated-encrypted',
      encryptionKey,
      authenticationKey,
      systemTitle: clientTitle,
      invocationCounter: this.counter++,
    })) as CipheredApdu;
    const request = aarq({
      applicationContextName: 'logical-name-with-ciphering',
      callingApTitle: clientTitle,
      senderAcseRequirements: { unusedBits: 7, bytes: Uint8Array.of(0x80) },
      mechanismName: 'lls',
      callingAuthenticationValue: { type: 'charstring', value: new TextEncoder().encode(password) },
      userInformation: user,
    });
    return this.s.exchange(request);
  }

  async unprotect(bytes: Uint8Array): Promise<Apdu> {
    const apdu = decodeApdu(bytes) as CipheredApdu;
    const plain = await unprotectApdu(apdu, {
      encryptionKey,
      authenticationKey,
      systemTitle: serverTitle,
      minInvocationCounter: this.serverCounter + 1,
    });
    this.serverCounter = plain.invocationCounter;
    return decodeApdu(plain.plain);
  }

  async exchange(apdu: Apdu, envelope: 'glo' | 'general-glo' = 'glo'): Promise<Apdu> {
    return this.unprotect(await this.s.exchangeRaw(await this.protect(apdu, envelope)));
  }
}
