// Shared helpers of the client tests: a scripted Modbus peer driven by hand with the framing
// codecs, bounded waits, and automatic clean-up.
import { afterEach, expect } from 'vitest';
import { type Link, type MemoryPairOptions, memoryPair } from '../../../src/index.js';
import {
  createFrameDecoder,
  decodeRequest,
  encodeFrame,
  encodeResponse,
  type FrameDecoder,
  ModbusClient,
  type ModbusClientOptions,
  type ModbusFrame,
  type ModbusFraming,
  type ModbusRequest,
  type ModbusResponse,
} from '../../../src/modbus/index.js';

/** The three framings every method is tested over. */
export const framings = ['tcp', 'rtu', 'ascii'] as const satisfies readonly ModbusFraming[];

/** A request the scripted peer received. */
export interface Received {
  /** The frame as decoded (unit id, PDU, MBAP transaction id). */
  frame: ModbusFrame;
  /** The decoded request, or `undefined` when `decodeRequest` refused it. */
  request: ModbusRequest | undefined;
  /** Arrival time (`performance.now()`). */
  at: number;
}

/** What the peer does with each request; `undefined` = stay silent (answer later by hand). */
export type Script = (received: Received, peer: ScriptedPeer) => void;

/**
 * The server end of a link, driven by hand: it decodes the requests the client sends (keeping
 * them in `requests`) and answers only what a test (or its `script`) tells it to.
 */
export class ScriptedPeer {
  readonly requests: Received[] = [];
  /** Answer times (`performance.now()`) of every `reply`/`send`. */
  readonly sentAt: number[] = [];
  script: Script | undefined;
  private readonly decoder: FrameDecoder;

  constructor(
    readonly link: Link,
    readonly framing: ModbusFraming,
    script?: Script,
  ) {
    this.script = script;
    this.decoder = createFrameDecoder(framing, 'request');
    link.on('data', (chunk) => {
      for (const frame of this.decoder.push(chunk)) {
        let request: ModbusRequest | undefined;
        try {
          request = decodeRequest(frame.pdu);
        } catch {
          request = undefined;
        }
        const received = { frame, request, at: performance.now() };
        this.requests.push(received);
        this.script?.(received, this);
      }
    });
  }

  /** The `i`-th request received (throws when there is none). */
  at(i: number): Received {
    const r = this.requests[i];
    if (r === undefined) throw new Error(`no request #${i} (received ${this.requests.length})`);
    return r;
  }

  /** Encodes `response` as the answer to `to` (same unit and transaction id unless overridden). */
  frameFor(
    to: Received,
    response: ModbusResponse | Uint8Array,
    override: Partial<ModbusFrame> = {},
  ): Uint8Array {
    const pdu = response instanceof Uint8Array ? response : encodeResponse(response);
    return encodeFrame(this.framing, {
      unitId: override.unitId ?? to.frame.unitId,
      transactionId: override.transactionId ?? to.frame.transactionId ?? 0,
      pdu,
    });
  }

  /** Answers `to` with a response (or a raw PDU). */
  reply(to: Received, response: ModbusResponse | Uint8Array, override: Partial<ModbusFrame> = {}): void {
    this.send(this.frameFor(to, response, override));
  }

  /** Answers `to` with an exception response. */
  refuse(to: Received, exceptionCode: number, override: Partial<ModbusFrame> = {}): void {
    this.reply(to, Uint8Array.of(to.frame.pdu[0]! | 0x80, exceptionCode), override);
  }

  /** Writes raw bytes to the client. */
  send(bytes: Uint8Array): void {
    this.sentAt.push(performance.now());
    void this.link.write(bytes).catch(() => undefined);
  }

  /** Resolves once `n` requests were received; fails after `ms`. */
  async waitForRequests(n: number, ms = 1000): Promise<void> {
    await until(
      () => this.requests.length >= n,
      ms,
      `${n} request(s) at the peer (got ${this.requests.length})`,
    );
  }
}

/** Deterministic register content: lets a test tell which request an answer belongs to. */
export function registerValue(address: number): number {
  return (address * 7919 + 13) & 0xffff;
}

/** `registerValue` for `quantity` registers from `address`. */
export function registersAt(address: number, quantity: number): Uint16Array {
  return Uint16Array.from({ length: quantity }, (_, i) => registerValue(address + i));
}

/** A script answering FC3/FC4 with `registersAt` and echoing writes; other requests get exception 01. */
export const answerAll: Script = (received, peer) => {
  const request = received.request;
  if (request === undefined) return peer.refuse(received, 0x01);
  switch (request.type) {
    case 'read-holding-registers':
    case 'read-input-registers':
      return peer.reply(received, {
        type: request.type,
        values: registersAt(request.address, request.quantity),
      });
    case 'write-single-register':
    case 'write-single-coil':
      return peer.reply(received, { ...request });
    case 'write-multiple-registers':
      return peer.reply(received, {
        type: request.type,
        address: request.address,
        quantity: request.values.length,
      });
    default:
      return peer.refuse(received, 0x01);
  }
};

/** Resolves once `predicate()` holds; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 1000, what = 'condition'): Promise<void> {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(2);
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets pending I/O callbacks (memory-link deliveries) run. */
export function ticks(n = 5): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number): void => {
      if (left === 0) resolve();
      else setImmediate(() => step(left - 1));
    };
    step(n);
  });
}

/** How a promise ended, for assertions on calls that may fail. */
export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/** Captures the outcome of `promise` (never rejects), with the time it took. */
export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  const start = performance.now();
  try {
    const value = await promise;
    return { ok: true, value, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - start };
  }
}

/** Awaits a rejection and returns the error (fails the test when `promise` resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await settle(promise);
  if (outcome.ok) expect.fail(`expected a rejection, got ${String(outcome.value)}`);
  return outcome.error as Error;
}

type Closable = { close(): Promise<void> | void };

/**
 * Registers an `afterEach` that closes everything passed to the returned function, in reverse
 * order. Call it once at the top of a test file.
 */
export function autoClose(): <T extends Closable>(thing: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}

/**
 * For concurrent tests (where an `afterEach` would close other tests' links): a tracker that
 * closes what it is given when the current test finishes. Pass the test context's `onTestFinished`.
 */
export function closeOnFinish(
  onTestFinished: (fn: () => Promise<void>) => void,
): <T extends Closable>(thing: T) => T {
  return (thing) => {
    onTestFinished(async () => {
      await thing.close();
    });
    return thing;
  };
}

/** Options of {@link scripted}. */
export interface ScriptedOptions {
  /** Options of the memory pair (bus, baud rate, chunking …). */
  pair?: MemoryPairOptions;
  /** Client options (the link and framing are filled in). Default timeout 200 ms. */
  client?: Partial<Omit<ModbusClientOptions, 'link' | 'framing'>>;
  /** The peer's script. */
  script?: Script;
}

/** A client on one end of a memory pair and a scripted peer on the other. */
export function scripted(
  framing: ModbusFraming,
  options: ScriptedOptions = {},
): { client: ModbusClient; peer: ScriptedPeer; link: Link } {
  const [a, b] = memoryPair(options.pair);
  const client = new ModbusClient({ timeoutMs: 200, ...options.client, link: a, framing });
  const peer = new ScriptedPeer(b, framing, options.script);
  return { client, peer, link: a };
}
