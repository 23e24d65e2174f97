// Shared helpers of the HDLC session tests.
import { LinkClosedError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import type { Link, LinkEvents, LinkState } from '../../../src/core/link.js';
import { type QuietWriter, quietWrite } from '../../../src/core/quiet-write.js';
import { decodeHdlcFrame } from '../../../src/dlms/hdlc/frame-codec.js';
import { stripLlc } from '../../../src/dlms/hdlc/llc.js';
import type { HdlcFrame } from '../../../src/dlms/hdlc/types.js';
import type { DlmsSession, ReceivedApdu } from '../../../src/dlms/session/types.js';
import { dlmsVectors } from '../../helpers/vectors.js';

/** The hex of an HDLC vector, upper case. */
export function vectorHex(id: string): string {
  const v = dlmsVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector '${id}'`);
  return v.hex.toUpperCase();
}

/** The APDU inside an I- or UI-frame vector (LLC removed). */
export function vectorApdu(id: string): Uint8Array {
  return stripLlc(decodeHdlcFrame(fromHex(vectorHex(id))).information).slice();
}

/** Hex of bytes, upper case. */
export function hex(bytes: Uint8Array): string {
  return toHex(bytes).replace(/\s+/g, '').toUpperCase();
}

/**
 * A scripted station on one end of a memory pair: every `data` event is one frame (the sessions
 * write one frame per write), queued for `next()`.
 */
export class ScriptedPeer {
  readonly #link: Link;
  readonly #frames: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  readonly #onData = (bytes: Uint8Array): void => {
    this.#frames.push(bytes.slice());
    this.#wake?.();
  };

  constructor(link: Link) {
    this.#link = link;
    link.on('data', this.#onData);
  }

  /** The next frame's bytes; fails after `timeoutMs`. */
  async next(timeoutMs = 1000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.#frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('scripted peer: no frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return this.#frames.shift()!;
  }

  /** The next frame, decoded. */
  async nextFrame(timeoutMs?: number): Promise<HdlcFrame> {
    return decodeHdlcFrame(await this.next(timeoutMs));
  }

  /** Frames received and not read yet. */
  get pending(): number {
    return this.#frames.length;
  }

  /** Sends hex or bytes. */
  send(frame: string | Uint8Array): Promise<void> {
    return this.#link.write(typeof frame === 'string' ? fromHex(frame) : frame);
  }

  detach(): void {
    this.#link.off('data', this.#onData);
  }
}

/** Records the APDUs a session emits. */
export function recordApdus(session: DlmsSession): ReceivedApdu[] {
  const list: ReceivedApdu[] = [];
  session.on('apdu', (r) => list.push(r));
  return list;
}

/** The next `apdu` event (of the given kind), or a rejection on `close` or after `timeoutMs`. */
export function nextApdu(session: DlmsSession, timeoutMs = 2000, unsolicited = false): Promise<ReceivedApdu> {
  return new Promise<ReceivedApdu>((resolve, reject) => {
    const onApdu = (r: ReceivedApdu): void => {
      if (r.unsolicited !== unsolicited) return;
      done();
      resolve(r);
    };
    const onClose = (error?: Error): void => {
      done();
      reject(error ?? new Error('session closed'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no apdu within ${timeoutMs} ms (test bound)`));
    }, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      session.off('apdu', onApdu);
      session.off('close', onClose);
    }
    session.on('apdu', onApdu);
    session.on('close', onClose);
  });
}

/** Sends `apdu` and waits for the answer. */
export async function request(session: DlmsSession, apdu: Uint8Array, timeoutMs = 5000): Promise<Uint8Array> {
  const answer = nextApdu(session, timeoutMs);
  answer.catch(() => undefined);
  await session.send(apdu);
  return (await answer).apdu;
}

/** mulberry32, for reproducible random sizes and contents. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A request that asks the test server for an answer of `answerSize` octets: 4 octets of size, a
 * serial number, then filler up to `size`.
 */
export function makeRequest(serial: number, size: number, answerSize: number): Uint8Array {
  const out = new Uint8Array(Math.max(8, size));
  new DataView(out.buffer).setUint32(0, answerSize);
  new DataView(out.buffer).setUint32(4, serial);
  for (let i = 8; i < out.length; i++) out[i] = (i * 31 + serial) & 0xff;
  return out;
}

/** The answer the test server gives to {@link makeRequest}. */
export function answerTo(requestApdu: Uint8Array): Uint8Array {
  const view = new DataView(requestApdu.buffer, requestApdu.byteOffset, requestApdu.byteLength);
  const size = view.getUint32(0);
  const serial = view.getUint32(4);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + serial * 13 + (i >> 8)) & 0xff;
  if (size >= 4) new DataView(out.buffer).setUint32(0, serial);
  return out;
}

/**
 * Tracks the timers started through the global `setTimeout` until `stop()`: `pending()` counts
 * those that neither fired nor were cleared.
 */
export function trackTimers(): { pending(): number; stop(): void } {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<unknown>();
  const tracked = ((handler: () => void, ms?: number) => {
    const handle = realSet(() => {
      live.delete(handle);
      handler();
    }, ms);
    live.add(handle);
    return handle;
  }) as unknown as typeof setTimeout;
  globalThis.setTimeout = tracked;
  globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
    live.delete(handle);
    realClear(handle);
  }) as typeof clearTimeout;
  return {
    pending: () => live.size,
    stop: () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}

/** When a {@link fastPair} delivers what one end writes to the other. */
export type FastDelivery = 'sync' | 'microtask';

/**
 * Two links wired back to back that deliver each write to the other end at once — inside
 * `write` (`sync`) or in a microtask — *before* the write's promise settles: the peer's answer
 * can arrive before the writer's `await write()` resumes. With `quiet`, the links also offer the
 * promise-free write of meterlink's TCP links (`quiet-write.ts`), delivering the same way.
 */
export function fastPair(delivery: FastDelivery, quiet = false): [Link, Link] {
  const a = new FastLink(delivery, quiet);
  const b = new FastLink(delivery, quiet);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class FastLink implements Link {
  readonly info = { transport: 'memory', messageOriented: false, bus: false, peer: 'fast' } as const;
  state: LinkState = 'open';
  peer: FastLink | undefined;
  readonly #delivery: FastDelivery;
  readonly #listeners = new Map<string, Array<(...args: never[]) => void>>();

  constructor(delivery: FastDelivery, quiet: boolean) {
    this.#delivery = delivery;
    if (quiet) {
      (this as unknown as QuietWriter)[quietWrite] = (bytes: Uint8Array): void => {
        if (!this.isOpen) throw new LinkClosedError('fast link closed');
        this.#deliver(bytes);
      };
    }
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new LinkClosedError('fast link closed'));
    // The promise settles only after the peer has had the bytes (and maybe answered).
    return new Promise<void>((resolve) => {
      this.#deliver(bytes);
      queueMicrotask(() => queueMicrotask(resolve));
    });
  }

  close(): Promise<void> {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.emit('close');
    }
    return Promise.resolve();
  }

  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as (...args: never[]) => void);
    this.#listeners.set(event, list);
    return this;
  }

  once<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    const once = ((...args: never[]) => {
      this.off(event, once);
      (listener as (...a: never[]) => void)(...args);
    }) as LinkEvents[E];
    return this.on(event, once);
  }

  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    const list = this.#listeners.get(event) ?? [];
    const at = list.lastIndexOf(listener as (...args: never[]) => void);
    if (at >= 0) list.splice(at, 1);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      (listener as (...a: unknown[]) => void)(...args);
    }
  }

  #deliver(bytes: Uint8Array): void {
    const peer = this.peer!;
    const copy = bytes.slice();
    if (this.#delivery === 'sync') peer.emit('data', copy);
    else queueMicrotask(() => peer.emit('data', copy));
  }
}
