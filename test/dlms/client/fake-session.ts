// A scripted DlmsSession that plays the meter's side at APDU level: every APDU the client sends
// goes to `respond`, whose answers are delivered asynchronously as `apdu` events.
import { fromHex, toHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import type { DlmsSessionFactory } from '../../../src/dlms/client/options.js';
import { type Apdu, decodeApdu, encodeApdu } from '../../../src/dlms/index.js';
import type {
  DlmsSession,
  DlmsSessionEvents,
  SessionState,
  SessionWaitOptions,
} from '../../../src/dlms/session/types.js';
import { dlmsVector } from './vectors.js';

/** What the meter answers to one APDU: APDUs (bytes, hex or objects), or nothing. */
export type Answer = Uint8Array | string | Apdu;
export type Responder = (
  apdu: Uint8Array,
  session: FakeSession,
) => Answer[] | undefined | Promise<Answer[] | undefined>;

export function bytesOf(a: Answer): Uint8Array {
  if (a instanceof Uint8Array) return a;
  if (typeof a === 'string') return fromHex(a);
  return encodeApdu(a);
}

export class FakeSession implements DlmsSession {
  readonly framing: 'hdlc' | 'wrapper' = 'wrapper';
  state: SessionState = 'idle';
  maxApduBytes: number | undefined = undefined;
  readonly sent: Uint8Array[] = [];
  closeCalls = 0;
  readonly #listeners = new Map<string, Set<(...args: never[]) => void>>();

  constructor(public respond: Responder = () => undefined) {}

  on<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as never);
    return this;
  }

  off<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
    this.#listeners.get(event)?.delete(listener as never);
    return this;
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  #emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.#listeners.get(event) ?? [])]) (l as (...a: unknown[]) => void)(...args);
  }

  async open(_options?: SessionWaitOptions): Promise<void> {
    this.state = 'open';
  }

  async send(apdu: Uint8Array, _options?: SessionWaitOptions): Promise<void> {
    if (this.state !== 'open') throw new Error('fake session not open');
    this.sent.push(apdu.slice());
    const answers = await this.respond(apdu, this);
    for (const a of answers ?? []) this.deliver(a);
  }

  /** Delivers an APDU from the meter on the next macrotask. */
  deliver(a: Answer, unsolicited = false): void {
    const bytes = bytesOf(a);
    setTimeout(() => {
      if (this.state === 'open') {
        this.#emit('apdu', { apdu: bytes, address: { client: 16, logicalDevice: 1 }, unsolicited });
      }
    }, 0);
  }

  async close(_options?: SessionWaitOptions): Promise<void> {
    this.closeCalls++;
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#emit('close');
  }

  /** The peer ends the session. */
  drop(error?: Error): void {
    this.state = 'closed';
    this.#emit('close', error);
  }

  /** The decoded APDUs sent so far. */
  sentApdus(): Apdu[] {
    return this.sent.map((b) => decodeApdu(b));
  }

  sentHex(): string[] {
    return this.sent.map((b) => toHex(b));
  }
}

/** A factory that hands out the given sessions in order and records the addresses asked for. */
export function factoryOf(...sessions: FakeSession[]): DlmsSessionFactory & { addresses: unknown[] } {
  const addresses: unknown[] = [];
  const f = ((address: unknown) => {
    addresses.push(address);
    const s = sessions.shift();
    if (!s) throw new Error('no more fake sessions');
    return s;
  }) as unknown as DlmsSessionFactory & { addresses: unknown[] };
  f.addresses = addresses;
  return f;
}

/** The AARE accepting an LN association: server max PDU, conformance (default 00 7E 1F). */
export function aareAccepted(options: { maxPdu?: number; conformance?: number } = {}): Apdu {
  options = { conformance: 0x007e1f, ...options };
  const accepted = decodeApdu(fromHex(dlmsVector('apdu-aare-accepted').hex));
  if (accepted.type !== 'aare' || accepted.userInformation?.type !== 'initiate-response')
    throw new Error('vector');
  const info = { ...accepted.userInformation };
  if (options.maxPdu !== undefined) info.serverMaxReceivePduSize = options.maxPdu;
  if (options.conformance !== undefined) {
    const bits = options.conformance;
    const c = { ...info.negotiatedConformance };
    for (const [k, n] of Object.entries(conformanceBitsTable))
      (c as Record<string, boolean>)[k] = (bits & (0x800000 >>> n)) !== 0;
    info.negotiatedConformance = c;
  }
  return { ...accepted, userInformation: info };
}

const conformanceBitsTable: Record<string, number> = {
  reservedZero: 0,
  generalProtection: 1,
  generalBlockTransfer: 2,
  read: 3,
  write: 4,
  unconfirmedWrite: 5,
  deltaValueEncoding: 6,
  reservedSeven: 7,
  attribute0SupportedWithSet: 8,
  priorityMgmtSupported: 9,
  attribute0SupportedWithGet: 10,
  blockTransferWithGetOrRead: 11,
  blockTransferWithSetOrWrite: 12,
  blockTransferWithAction: 13,
  multipleReferences: 14,
  informationReport: 15,
  dataNotification: 16,
  access: 17,
  parameterizedAccess: 18,
  get: 19,
  set: 20,
  selectiveAccess: 21,
  eventNotification: 22,
  action: 23,
};

/**
 * A responder that answers the AARQ with `aare`, the RLRQ with an RLRE, and hands every other
 * APDU to `service`.
 */
export function meter(
  service: (
    apdu: Apdu,
    raw: Uint8Array,
    session: FakeSession,
  ) => Answer[] | undefined | Promise<Answer[] | undefined>,
  aare: Answer = aareAccepted(),
): Responder {
  return (raw, session) => {
    const apdu = decodeApdu(raw);
    if (apdu.type === 'aarq') return [aare];
    if (apdu.type === 'rlrq') return [dlmsVector('apdu-rlre').hex];
    return service(apdu, raw, session);
  };
}

/** A link that starts closed and only records open/close (the fake session never writes to it). */
export function idleLink(): Link & { opened: number; closed: number } {
  let open = false;
  const link = {
    info: { transport: 'memory', messageOriented: false, bus: false, peer: 'fake' },
    get state() {
      return open ? 'open' : 'idle';
    },
    get isOpen() {
      return open;
    },
    opened: 0,
    closed: 0,
    async open() {
      open = true;
      link.opened++;
    },
    async write() {},
    async close() {
      open = false;
      link.closed++;
    },
    on() {
      return link;
    },
    once() {
      return link;
    },
    off() {
      return link;
    },
  };
  return link as unknown as Link & { opened: number; closed: number };
}
