// The meter side of a ciphered association for the fake session: builds the AARE with a
// glo-initiate-response, deciphers requests and ciphers answers with its own counter.

import type { SecurityMode } from '../../../src/dlms/index.js';
import { type Apdu, decodeApdu, encodeApdu, protectApdu, unprotectApdu } from '../../../src/dlms/index.js';
import { type Answer, aareAccepted, bytesOf, type FakeSession } from './fake-session.js';
import { AK, CLIENT_TITLE, EK, SERVER_TITLE } from './vectors.js';

export interface CipheredMeterOptions {
  /** Server counter of the first ciphered APDU. */
  serverCounter?: number;
  mode?: SecurityMode;
  dedicatedKey?: Uint8Array;
  /** Extra AARE fields (HLS challenge …). */
  aare?: Partial<Extract<Apdu, { type: 'aare' }>>;
  maxPdu?: number;
  conformance?: number;
  /** The client system title expected. Default CLIENT_TITLE. */
  clientTitle?: Uint8Array;
}

export class CipheredMeter {
  serverCounter: number;
  readonly mode: SecurityMode;
  /** Every plain request the meter deciphered, with its envelope type and counter. */
  readonly requests: { apdu: Apdu; envelope: string; counter: number }[] = [];
  dedicatedKey: Uint8Array | undefined;
  aarq: Apdu | undefined;

  constructor(
    readonly service: (
      apdu: Apdu,
      meter: CipheredMeter,
    ) => Answer[] | undefined | Promise<Answer[] | undefined>,
    readonly options: CipheredMeterOptions = {},
  ) {
    this.serverCounter = options.serverCounter ?? 0x01234567;
    this.mode = options.mode ?? 'authenticated-encrypted';
    this.dedicatedKey = options.dedicatedKey;
  }

  /** Ciphers a plain answer as glo- (or ded- with the dedicated key). */
  async cipher(plain: Answer, envelope: 'glo' | 'ded' | 'general-glo' = 'glo'): Promise<Uint8Array> {
    const ded = envelope === 'ded';
    const apdu = await protectApdu(bytesOf(plain), {
      envelope,
      security: this.mode,
      encryptionKey: ded ? this.dedicatedKey! : EK,
      authenticationKey: AK,
      systemTitle: SERVER_TITLE,
      invocationCounter: this.serverCounter++,
    });
    return encodeApdu(apdu);
  }

  readonly respond = async (raw: Uint8Array, _session: FakeSession): Promise<Answer[] | undefined> => {
    const apdu = decodeApdu(raw);
    if (apdu.type === 'aarq') {
      this.aarq = apdu;
      const info = apdu.userInformation;
      if (info === undefined || !('content' in info)) throw new Error('AARQ not ciphered');
      const plain = decodeApdu(
        (
          await unprotectApdu(info, {
            encryptionKey: EK,
            authenticationKey: AK,
            systemTitle: this.options.clientTitle ?? CLIENT_TITLE,
          })
        ).plain,
      );
      if (plain.type === 'initiate-request' && plain.dedicatedKey !== undefined)
        this.dedicatedKey = plain.dedicatedKey.slice();
      const base = aareAccepted({
        maxPdu: this.options.maxPdu ?? 0x400,
        conformance: this.options.conformance ?? 0x407e1f,
      });
      if (base.type !== 'aare') throw new Error();
      const response = decodeApdu(await this.cipher(base.userInformation as Apdu));
      return [
        {
          ...base,
          applicationContextName: 'logical-name-with-ciphering',
          respondingApTitle: SERVER_TITLE,
          ...this.options.aare,
          userInformation: response as never,
        },
      ];
    }
    if (apdu.type === 'rlrq') return ['6303800100'];
    if (!('content' in apdu)) return this.service(apdu, this);
    const ded = apdu.type === 'ded-ciphered' || apdu.type === 'general-ded-ciphering';
    const r = await unprotectApdu(apdu, {
      encryptionKey: ded ? this.dedicatedKey! : EK,
      authenticationKey: AK,
      systemTitle: this.options.clientTitle ?? CLIENT_TITLE,
    });
    const plain = decodeApdu(r.plain);
    this.requests.push({ apdu: plain, envelope: apdu.type, counter: r.invocationCounter });
    const answers = await this.service(plain, this);
    if (answers === undefined) return undefined;
    return Promise.all(answers.map((a) => this.cipher(a, ded ? 'ded' : 'glo')));
  };
}
