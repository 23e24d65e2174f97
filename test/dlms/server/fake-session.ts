/**
 * A scripted server-side session at APDU level: the test delivers client APDUs and reads what
 * the server sent back.
 */

import { decodeApdu, encodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import type { Apdu } from '../../../src/dlms/apdu/types.js';
import type {
  DlmsSession,
  DlmsSessionEvents,
  SessionAddress,
  SessionState,
  SessionWaitOptions,
} from '../../../src/dlms/session/types.js';

export class FakeSession implements DlmsSession {
  readonly framing = 'wrapper' as const;
  state: SessionState = 'open';
  readonly maxApduBytes = undefined;
  readonly sent: { apdu: Uint8Array; address: SessionAddress | undefined }[] = [];
  private readonly listeners: { [E in keyof DlmsSessionEvents]: Set<DlmsSessionEvents[E]> } = {
    apdu: new Set(),
    close: new Set(),
  };
  private waiting: ((bytes: Uint8Array) => void)[] = [];
  private unread: Uint8Array[] = [];
  closed = false;

  constructor(readonly address: SessionAddress = { client: 16, logicalDevice: 1 }) {}

  async open(): Promise<void> {}

  async send(apdu: Uint8Array, options?: SessionWaitOptions): Promise<void> {
    this.sent.push({
      apdu: apdu.slice(),
      address: (options as { address?: SessionAddress } | undefined)?.address,
    });
    const waiter = this.waiting.shift();
    if (waiter !== undefined) waiter(apdu.slice());
    else this.unread.push(apdu.slice());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.state = 'closed';
  }

  on<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    (this.listeners[event] as Set<DlmsSessionEvents[E]>).add(listener);
    return this;
  }

  off<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    (this.listeners[event] as Set<DlmsSessionEvents[E]>).delete(listener);
    return this;
  }

  listenerCount(): number {
    return this.listeners.apdu.size + this.listeners.close.size;
  }

  /** The peer closed the session. */
  end(error?: Error): void {
    this.state = 'closed';
    for (const l of [...this.listeners.close]) l(error);
  }

  /** Delivers raw APDU octets from the client. */
  deliver(apdu: Uint8Array, address: SessionAddress = this.address): void {
    for (const l of [...this.listeners.apdu]) l({ apdu: apdu.slice(), address, unsolicited: false });
  }

  /** The next APDU the server sends, within 2 s. */
  next(): Promise<Uint8Array> {
    const ready = this.unread.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the server')), 2000);
      this.waiting.push((bytes) => {
        clearTimeout(timer);
        resolve(bytes);
      });
    });
  }

  /** Sends raw octets and returns the raw answer. */
  async exchangeRaw(apdu: Uint8Array, address?: SessionAddress): Promise<Uint8Array> {
    const answer = this.next();
    this.deliver(apdu, address);
    return answer;
  }

  /** Sends an APDU and returns the decoded answer. */
  async exchange(apdu: Apdu | Uint8Array, address?: SessionAddress): Promise<Apdu> {
    const bytes = apdu instanceof Uint8Array ? apdu : encodeApdu(apdu);
    return decodeApdu(await this.exchangeRaw(bytes, address));
  }
}
