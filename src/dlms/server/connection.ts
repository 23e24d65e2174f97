/**
 * One served session (meterlink spec §2): its associations — one per client SAP and logical
 * device, isolated from every other connection — and the dispatch of every APDU that arrives
 * on it, one at a time and answered in order.
 *
 * A plain request is answered synchronously, in the `apdu` event, when nothing else is being
 * served; whatever has to wait (deciphering, protecting, ACTION methods, association, a send
 * that does not complete at once) makes the APDUs behind it wait in a queue.
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
import type { DlmsSession, ReceivedApdu, SessionAddress, SessionSendOptions } from '../session/types.js';
import { associate, initiateResponse } from './associate.js';
import type { Association, RequestProtection } from './association.js';
import { AssociationContext } from './association-context.js';
import { decipherRequest, protectResponse } from './ciphering.js';
import { currentAssociationObject } from './current-association.js';
import { receiveGbt, startGbtResponse } from './gbt.js';
import { changeHlsSecret, replyToHls } from './hls.js';
import type { LogicalDevice } from './logical-device.js';
import { answerAction, answerGet, answerSet } from './services.js';

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

/**
 * The key of an association: client SAP and logical device in one small integer. The logical
 * device is one the server holds (1–0x3FFF); the client is at most a 16-bit wPort.
 */
function keyOf(address: SessionAddress): number {
  return address.client * 0x4000 + address.logicalDevice;
}

/** One association of the connection and what serving it needs. */
interface Served {
  readonly association: Association;
  /** Where its requests come from (answers and pushes go there). */
  readonly address: SessionAddress;
  /** The send options of its answers. */
  readonly sendOptions: SessionSendOptions;
  /** Reported to the host (HLS associations once pass 4 succeeded). */
  announced: boolean;
  /** Its service context, made on its first request. */
  context: AssociationContext | undefined;
}

/** Something to do in turn: `undefined` when done, else a promise settled when done. */
type Job = () => Promise<void> | undefined;

/** Serves one session until it closes. */
export class ServerConnection {
  private readonly session: DlmsSession;
  private readonly host: ConnectionHost;
  private readonly associations = new Map<number, Served>();
  /** Jobs waiting for the one being done (`busy`). */
  private readonly waiting: Job[] = [];
  private busy = false;
  /** A promise `session.send` returned and that was seen fulfilled (see `send`). */
  private fulfilled: Promise<void> | undefined;
  private ended = false;
  private readonly report = (error: unknown): void => this.host.report(error);

  /** Starts serving `session` (its `apdu` and `close` events) for `host`. */
  constructor(session: DlmsSession, host: ConnectionHost) {
    this.session = session;
    this.host = host;
    session.on('apdu', this.onApdu);
    session.on('close', this.onClose);
  }

  private readonly onApdu = (received: ReceivedApdu): void => {
    if (this.busy) {
      this.waiting.push(() => this.handle(received));
      return;
    }
    this.busy = true;
    let pending: Promise<void> | undefined;
    try {
      pending = this.handle(received);
    } catch (error) {
      this.host.report(error);
    }
    if (pending === undefined) this.next();
    else pending.then(this.next, this.failed);
  };

  private readonly onClose = (error?: Error): void => {
    // A client going away (the link closed) is normal life for a server.
    if (error !== undefined && !(error instanceof LinkClosedError)) this.host.report(error);
    this.end();
  };

  /** Does `job` now if nothing else is being done, else after the jobs before it. */
  private enqueue(job: Job): void {
    this.waiting.push(job);
    if (!this.busy) {
      this.busy = true;
      this.next();
    }
  }

  /** Does the waiting jobs in order, synchronously until one has to wait (then again once it is done). */
  private readonly next = (): void => {
    for (;;) {
      const job = this.waiting.shift();
      if (job === undefined) {
        this.busy = false;
        return;
      }
      let pending: Promise<void> | undefined;
      try {
        pending = job();
      } catch (error) {
        this.host.report(error);
      }
      if (pending !== undefined) {
        pending.then(this.next, this.failed);
        return;
      }
    }
  };

  /** A job failed: nobody waits for it, the host hears of it; the next one goes on. */
  private readonly failed = (error: unknown): void => {
    this.host.report(error);
    this.next();
  };

  /** Ends the session (associations released, nothing more answered). Does not close the link. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.end();
    await this.session.close().catch(this.report);
  }

  /** The link layer restarted (HDLC SNRM on a connected link): every association is void. */
  reset(): void {
    for (const served of this.associations.values()) this.release(served.association, 'closed');
    this.associations.clear();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.session.off('apdu', this.onApdu);
    this.session.off('close', this.onClose);
    for (const served of this.associations.values()) this.release(served.association, 'closed');
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
    return new Promise((resolve) => {
      // A failed push counts as not sent; the queue reports the failure.
      this.enqueue(() =>
        this.push(plain, client, logicalDevice).then(resolve, (error: unknown) => {
          resolve(false);
          throw error;
        }),
      );
    });
  }

  /** The job of `notify`: resolves `true` when it sent the push. */
  private async push(
    plain: Uint8Array,
    client: number | undefined,
    logicalDevice: number | undefined,
  ): Promise<boolean> {
    if (this.ended) return false;
    for (const { association, address } of this.associations.values()) {
      if (association.status !== 'associated') continue;
      if (client !== undefined && association.config.client !== client) continue;
      if (logicalDevice !== undefined && association.device.address !== logicalDevice) continue;
      const policy = association.config.security?.policy ?? 'none';
      const bytes =
        association.ciphered && policy !== 'none'
          ? await protectResponse(plain, association, { envelope: 'general-glo', security: policy })
          : plain;
      // Unsolicited (§4.11): over HDLC a UI frame; `send` would be the I-frame answer to the
      // client's next poll and shift every later answer by one.
      if (!this.ended) {
        await (this.session.notify ?? this.session.send).call(this.session, bytes, { address });
      }
      return true;
    }
    return false;
  }

  /**
   * Sends with `options` (server sessions that carry several clients, like the wrapper's, route
   * by their `address`; others ignore it). `undefined` when the send is complete, else a promise
   * settled when it is.
   */
  private send(bytes: Uint8Array, options: SessionSendOptions): Promise<void> | undefined {
    if (this.ended) return undefined;
    const sent = this.session.send(bytes, options);
    // A session that writes at once may hand back the same settled promise for every send (the
    // wrapper over a link with a quiet write): once that promise was seen fulfilled, a send that
    // returns it is complete, and the next APDU need not wait for a promise reaction.
    if (sent === this.fulfilled) return undefined;
    return sent.then(() => {
      this.fulfilled = sent;
    });
  }

  private exception(
    address: SessionAddress,
    stateError: ExceptionStateErrorName,
    serviceError: ExceptionServiceErrorName,
    counter?: number,
  ): Promise<void> | undefined {
    const apdu = encodeApdu({
      type: 'exception-response',
      stateError,
      serviceError,
      invocationCounter: counter,
    });
    return this.send(apdu, { address });
  }

  private handle(received: ReceivedApdu): Promise<void> | undefined {
    if (this.ended) return undefined;
    const { apdu: bytes, address } = received;
    const device = this.host.devices.get(address.logicalDevice);
    // No such logical device: nobody to answer (as a meter ignores an unknown address).
    if (device === undefined || bytes.length === 0) return undefined;
    const key = keyOf(address);
    const tag = bytes[0]!;
    if (tag === aarqTag) return this.onAarq(bytes, device, address, key);
    if (tag === rlrqTag) return this.onRlrq(bytes, address, key);
    const served = this.associations.get(key);
    if (served === undefined) {
      return this.exception(address, 'service-not-allowed', 'operation-not-possible');
    }
    const association = served.association;
    if (bytes.length > association.config.maxPduSize) {
      return this.exception(address, 'service-not-allowed', 'pdu-too-long');
    }
    if (tag === gbtTag && association.conformance.generalBlockTransfer) {
      return this.onGbt(bytes, served, address);
    }
    return this.serve(bytes, served, address);
  }

  /** A general-block-transfer APDU (§9.11): acknowledgement, request block, or the last one. */
  private onGbt(bytes: Uint8Array, served: Served, address: SessionAddress): Promise<void> | undefined {
    let gbt: Apdu;
    try {
      gbt = decodeApdu(bytes);
    } catch {
      return this.exception(address, 'service-unknown', 'service-not-supported');
    }
    const step = receiveGbt(served.association, gbt as GeneralBlockTransfer, this.host.maxBlockTransferBytes);
    if (step.failed) return this.exception(address, 'service-not-allowed', 'other-reason');
    if (step.reply !== undefined) return this.send(step.reply, served.sendOptions);
    if (step.complete !== undefined) return this.serve(step.complete, served, address);
    return undefined;
  }

  /** One whole xDLMS request of an association: deciphered, answered, the answer protected and sent. */
  private serve(bytes: Uint8Array, served: Served, address: SessionAddress): Promise<void> | undefined {
    if (isCipheredTag(bytes[0]!)) return this.serveCiphered(bytes, served, address);
    if ((served.association.config.security?.policy ?? 'none') !== 'none') {
      // §10.6: the policy requires protected requests.
      return this.exception(address, 'service-not-allowed', 'operation-not-possible');
    }
    return this.respond(bytes, served, address, undefined);
  }

  private async serveCiphered(bytes: Uint8Array, served: Served, address: SessionAddress): Promise<void> {
    const association = served.association;
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
    return this.respond(result.plain, served, address, result.protection);
  }

  /** Decodes and answers a plain xDLMS request, and sends the answer protected as the request was. */
  private respond(
    plain: Uint8Array,
    served: Served,
    address: SessionAddress,
    protection: RequestProtection | undefined,
  ): Promise<void> | undefined {
    let request: Apdu;
    try {
      request = decodeApdu(plain, { maxApduBytes: plain.length });
    } catch {
      return this.exception(address, 'service-unknown', 'service-not-supported');
    }
    const association = served.association;
    let context = served.context;
    if (context === undefined) {
      context = new AssociationContext(
        association,
        this.host.clock,
        this.report,
        this.host.maxBlockTransferBytes,
      );
      served.context = context;
    }
    context.begin(protection);
    const response = this.answer(request, context);
    if (response instanceof Promise) {
      return response.then((answer) => this.reply(answer, served, address, protection));
    }
    return this.reply(response, served, address, protection);
  }

  /** Sends the answer to a request, or the exception when the service is not served. */
  private reply(
    response: Uint8Array | undefined,
    served: Served,
    address: SessionAddress,
    protection: RequestProtection | undefined,
  ): Promise<void> | undefined {
    if (response === undefined) {
      return this.exception(address, 'service-not-allowed', 'service-not-supported');
    }
    if (protection === undefined) return this.deliver(response, served);
    return protectResponse(response, served.association, protection).then((out) => this.deliver(out, served));
  }

  /** Sends an answer, in general-block-transfer blocks when it needs them; then announces the association. */
  private deliver(out: Uint8Array, served: Served): Promise<void> | undefined {
    const association = served.association;
    // With general-block-transfer the whole answer, ciphered or not, is cut into GBT blocks (§9.11).
    const gbt = association.conformance.generalBlockTransfer && out.length > association.sendLimit;
    const sent = this.send(gbt ? startGbtResponse(association, out) : out, served.sendOptions);
    if (sent === undefined) {
      this.announce(served);
      return undefined;
    }
    return sent.then(() => this.announce(served));
  }

  /** Reports an association established once (HLS: after the ACTION of pass 4 was answered). */
  private announce(served: Served): void {
    if (served.announced || served.association.status !== 'associated') return;
    served.announced = true;
    this.host.associated(served.association);
  }

  /** The plain response to a GET/SET/ACTION, or `undefined` for a service not negotiated or not served. */
  private answer(request: Apdu, context: AssociationContext): Uint8Array | Promise<Uint8Array> | undefined {
    const c = context.association.conformance;
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
    key: number,
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
      this.release(previous.association, 'replaced');
    }
    const { aare, association } = await associate(aarq, device, address.client);
    let served: Served | undefined;
    if (association !== undefined) {
      association.object = currentAssociationObject(association, (methodId, parameter) =>
        methodId === 1 ? replyToHls(association, parameter) : changeHlsSecret(association, parameter),
      );
      const own = { ...address };
      served = {
        association,
        address: own,
        sendOptions: { address: own },
        announced: false,
        context: undefined,
      };
      this.associations.set(key, served);
    }
    await this.send(encodeApdu(aare), { address });
    if (served !== undefined && served.association.status === 'associated') {
      served.announced = true;
      this.host.associated(served.association);
    }
  }

  /**
   * RLRQ → RLRE (§7.8). A ciphered association whose RLRQ carries a ciphered InitiateRequest
   * gets the InitiateResponse back protected in the RLRE (vector `sec-rlre-glo-initiate-response`);
   * one that does not decipher is answered without it. The association ends either way.
   */
  private async onRlrq(bytes: Uint8Array, address: SessionAddress, key: number): Promise<void> {
    let rlrq: Apdu;
    try {
      rlrq = decodeApdu(bytes);
    } catch {
      return this.exception(address, 'service-unknown', 'service-not-supported');
    }
    const association = this.associations.get(key)?.association;
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
    await this.send(encodeApdu(rlre), { address });
    if (association !== undefined) this.release(association, 'release-request');
  }
}
