/**
 * One served session (meterlink spec §2): its associations — one per client SAP and logical
 * device, isolated from every other connection — and the dispatch of every APDU that arrives
 * on it, one at a time and answered in order.
 *
 * @module
 */

import { LinkClosedError } from '../../core/errors.js';
import type { Rlre } from '../apdu/acse/acse-codec.js';
import { decodeApdu, encodeApdu } from '../apdu/apdu-codec.js';
import type { ExceptionServiceErrorName, ExceptionStateErrorName } from '../apdu/exception.js';
import type { Apdu, GeneralBlockTransfer } from '../apdu/types.js';
import { isCipheredTag } from '../security/ciphered-apdu.js';
import type { CipheredApdu } from '../security/types.js';
import type { DlmsSession, ReceivedApdu, SessionAddress, SessionWaitOptions } from '../session/types.js';
import { associate, initiateResponse } from './associate.js';
import type { Association, RequestProtection } from './association.js';
import { cipheringOverhead, decipherRequest, protectResponse } from './ciphering.js';
import { currentAssociationObject } from './current-association.js';
import { receiveGbt, startGbtResponse } from './gbt.js';
import { changeHlsSecret, replyToHls } from './hls.js';
import type { LogicalDevice } from './logical-device.js';
import { answerAction, answerGet, answerSet, type ServiceContext } from './services.js';

/** Why an association ended. */
export type ReleaseReason = 'release-request' | 'closed' | 'replaced';

/** What a connection needs from its server. */
export interface ConnectionHost {
  /** Logical devices by address. */
  readonly devices: ReadonlyMap<number, LogicalDevice>;
  /** The time of a request. */
  readonly clock: () => Date;
  /** Largest value reassembled from blocks. */
  readonly maxBlockTransferBytes: number;
  /** Reports a problem nobody waits for. */
  report(error: unknown): void;
  /** An association is established (after HLS pass 4 for HLS). */
  associated(association: Association): void;
  /** An established association ended. */
  released(association: Association, reason: ReleaseReason): void;
  /** The connection ended. */
  closed(connection: ServerConnection): void;
}

/** Tag of the xDLMS InitiateRequest (§7.6). */
const initiateRequestTag = 0x01;
/** Tags of the ACSE APDUs (§7). */
const aarqTag = 0x60;
const rlrqTag = 0x62;
/** Tag of general-block-transfer (§9.11). */
const gbtTag = 0xe0;

/** Serves one session until it closes. */
export class ServerConnection {
  private readonly session: DlmsSession;
  private readonly host: ConnectionHost;
  private readonly associations = new Map<string, Association>();
  /** Associations reported to the host (HLS ones once pass 4 succeeded). */
  private readonly announced = new WeakSet<Association>();
  /** Where each association's requests come from (pushes go there). */
  private readonly addresses = new WeakMap<Association, SessionAddress>();
  private queue: Promise<void> = Promise.resolve();
  private ended = false;

  /** Starts serving `session` (its `apdu` and `close` events) for `host`. */
  constructor(session: DlmsSession, host: ConnectionHost) {
    this.session = session;
    this.host = host;
    session.on('apdu', this.onApdu);
    session.on('close', this.onClose);
  }

  private readonly onApdu = (received: ReceivedApdu): void => {
    this.enqueue(() => this.handle(received));
  };

  private readonly onClose = (error?: Error): void => {
    // A client going away (the link closed) is normal life for a server.
    if (error !== undefined && !(error instanceof LinkClosedError)) this.host.report(error);
    this.end();
  };

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(() => (this.ended ? undefined : task()));
    this.queue = run.catch((error: unknown) => this.host.report(error));
    return this.queue;
  }

  /** Ends the session (associations released, nothing more answered). Does not close the link. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.end();
    await this.session.close().catch((error: unknown) => this.host.report(error));
  }

  /** The link layer restarted (HDLC SNRM on a connected link): every association is void. */
  reset(): void {
    for (const association of this.associations.values()) this.release(association, 'closed');
    this.associations.clear();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.session.off('apdu', this.onApdu);
    this.session.off('close', this.onClose);
    for (const association of this.associations.values()) this.release(association, 'closed');
    this.associations.clear();
    this.host.closed(this);
  }

  private release(association: Association, reason: ReleaseReason): void {
    if (association.status === 'associated') this.host.released(association, reason);
  }

  /**
   * Sends a data-notification (plain APDU) on this connection if one of its established
   * associations matches `client` (any when omitted), protected with general-glo-ciphering when
   * that association's policy asks for protection. Resolves `true` when sent.
   */
  notify(plain: Uint8Array, client: number | undefined, logicalDevice: number | undefined): Promise<boolean> {
    let sent = false;
    return this.enqueue(async () => {
      for (const association of this.associations.values()) {
        if (association.status !== 'associated') continue;
        if (client !== undefined && association.config.client !== client) continue;
        if (logicalDevice !== undefined && association.device.address !== logicalDevice) continue;
        const policy = association.config.security?.policy ?? 'none';
        const bytes =
          association.ciphered && policy !== 'none'
            ? await protectResponse(plain, association, { envelope: 'general-glo', security: policy })
            : plain;
        const address = this.addresses.get(association);
        // Unsolicited (§4.11): over HDLC a UI frame; `send` would be the I-frame answer to the
        // client's next poll and shift every later answer by one.
        if (address !== undefined && !this.ended) {
          await (this.session.notify ?? this.session.send).call(this.session, bytes, { address });
        }
        sent = true;
        return;
      }
    }).then(() => sent);
  }

  /**
   * Sends to `address` (server sessions that carry several clients, like the wrapper's, route
   * by it; others ignore the extra option).
   */
  private async send(bytes: Uint8Array, address: SessionAddress): Promise<void> {
    const options: SessionWaitOptions & { address: SessionAddress } = { address };
    if (!this.ended) await this.session.send(bytes, options);
  }

  private exception(
    address: SessionAddress,
    stateError: ExceptionStateErrorName,
    serviceError: ExceptionServiceErrorName,
    counter?: number,
  ): Promise<void> {
    const apdu = encodeApdu({
      type: 'exception-response',
      stateError,
      serviceError,
      invocationCounter: counter,
    });
    return this.send(apdu, address);
  }

  private async handle(received: ReceivedApdu): Promise<void> {
    const { apdu: bytes, address } = received;
    const device = this.host.devices.get(address.logicalDevice);
    // No such logical device: nobody to answer (as a meter ignores an unknown address).
    if (device === undefined || bytes.length === 0) return;
    const key = `${address.client}/${address.logicalDevice}`;
    const tag = bytes[0]!;
    if (tag === aarqTag) return this.onAarq(bytes, device, address, key);
    if (tag === rlrqTag) return this.onRlrq(bytes, address, key);
    const association = this.associations.get(key);
    if (association === undefined) {
      return this.exception(address, 'service-not-allowed', 'operation-not-possible');
    }
    if (bytes.length > association.config.maxPduSize) {
      return this.exception(address, 'service-not-allowed', 'pdu-too-long');
    }
    if (tag === gbtTag && association.conformance.generalBlockTransfer) {
      return this.onGbt(bytes, association, address);
    }
    return this.serve(bytes, association, address);
  }

  /** A general-block-transfer APDU (§9.11): acknowledgement, request block, or the last one. */
  private async onGbt(bytes: Uint8Array, association: Association, address: SessionAddress): Promise<void> {
    let gbt: Apdu;
    try {
      gbt = decodeApdu(bytes);
    } catch {
      return this.exception(address, 'service-unknown', 'service-not-supported');
    }
    const step = receiveGbt(association, gbt as GeneralBlockTransfer, this.host.maxBlockTransferBytes);
    if (step.failed) return this.exception(address, 'service-not-allowed', 'other-reason');
    if (step.reply !== undefined) return this.send(step.reply, address);
    if (step.complete !== undefined) return this.serve(step.complete, association, address);
  }

  /** One whole xDLMS request of an association: deciphered, answered, the answer protected and sent. */
  private async serve(bytes: Uint8Array, association: Association, address: SessionAddress): Promise<void> {
    let plain = bytes;
    let protection: RequestProtection | undefined;
    if (isCipheredTag(bytes[0]!)) {
      let ciphered: Apdu;
      try {
        ciphered = decodeApdu(bytes, { maxApduBytes: bytes.length });
      } catch {
        return this.exception(address, 'service-unknown', 'service-not-supported');
      }
      if (!association.ciphered) return this.exception(address, 'service-not-allowed', 'deciphering-error');
      const result = await decipherRequest(ciphered as CipheredApdu, association);
      if ('failure' in result) {
        return result.failure === 'deciphering-error'
          ? this.exception(address, 'service-not-allowed', 'deciphering-error')
          : this.exception(address, 'service-not-allowed', 'invocation-counter-error', result.expected);
      }
      plain = result.plain;
      protection = result.protection;
    } else if ((association.config.security?.policy ?? 'none') !== 'none') {
      // §10.6: the policy requires protected requests.
      return this.exception(address, 'service-not-allowed', 'operation-not-possible');
    }
    let request: Apdu;
    try {
      request = decodeApdu(plain, { maxApduBytes: plain.length });
    } catch {
      return this.exception(address, 'service-unknown', 'service-not-supported');
    }
    const response = await this.answer(request, association, protection);
    if (response === undefined) {
      return this.exception(address, 'service-not-allowed', 'service-not-supported');
    }
    const out =
      protection === undefined ? response : await protectResponse(response, association, protection);
    // With general-block-transfer the whole answer, ciphered or not, is cut into GBT blocks (§9.11).
    const gbt = association.conformance.generalBlockTransfer && out.length > association.sendLimit;
    await this.send(gbt ? startGbtResponse(association, out) : out, address);
    if (association.status === 'associated' && !this.announced.has(association)) {
      this.announced.add(association);
      this.host.associated(association);
    }
  }

  /** The plain response to a GET/SET/ACTION, or `undefined` for a service not negotiated or not served. */
  private async answer(
    request: Apdu,
    association: Association,
    protection: RequestProtection | undefined,
  ): Promise<Uint8Array | undefined> {
    const c = association.conformance;
    const context: ServiceContext = {
      association,
      request: {
        client: association.config.client,
        logicalDevice: association.device.address,
        mechanism: association.config.mechanism,
        now: this.host.clock(),
      },
      report: (error) => this.host.report(error),
      // With general-block-transfer no service-specific blocks: GBT cuts the whole answer.
      limit: association.conformance.generalBlockTransfer
        ? Number.POSITIVE_INFINITY
        : association.sendLimit - cipheringOverhead(protection, association.sendLimit),
      maxBlockTransferBytes: this.host.maxBlockTransferBytes,
    };
    switch (request.type) {
      case 'get-request':
        if (!c.get || (request.variant === 'with-list' && !c.multipleReferences)) return undefined;
        return answerGet(request, context);
      case 'set-request':
        if (!c.set || (request.variant.includes('list') && !c.multipleReferences)) return undefined;
        if (request.variant !== 'normal' && request.variant !== 'with-list' && !c.blockTransferWithSetOrWrite)
          return undefined;
        return answerSet(request, context);
      case 'action-request':
        if (!c.action || (request.variant.includes('list') && !c.multipleReferences)) return undefined;
        return answerAction(request, context);
      default:
        return undefined;
    }
  }

  private async onAarq(
    bytes: Uint8Array,
    device: LogicalDevice,
    address: SessionAddress,
    key: string,
  ): Promise<void> {
    let aarq: Apdu;
    try {
      aarq = decodeApdu(bytes);
    } catch {
      return this.exception(address, 'service-unknown', 'service-not-supported');
    }
    if (aarq.type !== 'aarq') return;
    const previous = this.associations.get(key);
    if (previous !== undefined) {
      // A new AARQ replaces the association of the same client and device.
      this.associations.delete(key);
      this.release(previous, 'replaced');
    }
    const { aare, association } = await associate(aarq, device, address.client);
    if (association !== undefined) {
      association.object = currentAssociationObject(association, (methodId, parameter) =>
        methodId === 1 ? replyToHls(association, parameter) : changeHlsSecret(association, parameter),
      );
      this.associations.set(key, association);
      this.addresses.set(association, { ...address });
    }
    await this.send(encodeApdu(aare), address);
    if (association?.status === 'associated') {
      this.announced.add(association);
      this.host.associated(association);
    }
  }

  /**
   * RLRQ → RLRE (§7.8). A ciphered association whose RLRQ carries a ciphered InitiateRequest
   * gets the InitiateResponse back protected in the RLRE (vector `sec-rlre-glo-initiate-response`);
   * one that does not decipher is answered without it. The association ends either way.
   */
  private async onRlrq(bytes: Uint8Array, address: SessionAddress, key: string): Promise<void> {
    let rlrq: Apdu;
    try {
      rlrq = decodeApdu(bytes);
    } catch {
      return this.exception(address, 'service-unknown', 'service-not-supported');
    }
    const association = this.associations.get(key);
    this.associations.delete(key);
    const rlre: Rlre = { type: 'rlre', reason: 'normal' };
    const info = rlrq.type === 'rlrq' ? rlrq.userInformation : undefined;
    if (association?.ciphered && info !== undefined && 'securityControl' in info) {
      const result = await decipherRequest(info, association);
      if (!('failure' in result) && result.plain[0] === initiateRequestTag) {
        const envelope = result.protection.envelope === 'general-glo' ? 'general-glo' : 'glo';
        const protectedResponse = await protectResponse(initiateResponse(association), association, {
          envelope,
          security: result.protection.security,
        });
        rlre.userInformation = decodeApdu(protectedResponse) as CipheredApdu;
      }
    }
    await this.send(encodeApdu(rlre), address);
    if (association !== undefined) this.release(association, 'release-request');
  }
}
