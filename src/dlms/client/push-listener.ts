/**
 * `DlmsPushListener`: receives the pushes meters send on connections they open (meterlink spec
 * §9.9, §11.3 Push setup: TCP or UDP, wrapper or HDLC). The one client module that imports
 * `src/links` (the acceptors).
 *
 * @module
 */

import type { Link } from '../../core/link.js';
import type { LinkServer } from '../../links/link-server.js';
import { listenTcp } from '../../links/listen-tcp.js';
import { listenUdp } from '../../links/listen-udp.js';
import { HdlcFrameDecoder } from '../hdlc/frame-decoder.js';
import { stripLlc } from '../hdlc/llc.js';
import { WrapperFrameDecoder } from '../wrapper/wrapper-decoder.js';
import { concat } from './exchange.js';
import { Listeners } from './listeners.js';
import type { DlmsNotification } from './push.js';
import { PushDecoder, type PushSecurityOptions } from './push-decoder.js';

/** Options of {@link DlmsPushListener.listen}. */
export interface DlmsPushListenerOptions {
  /** Port to bind; 0 = any (read `port`). Default 4059 (spec §5). */
  port?: number;
  /** Address to bind. Default `'127.0.0.1'`; `'0.0.0.0'` to receive from the network. */
  host?: string;
  /** Transport the meters use. */
  transport: 'tcp' | 'udp';
  /** Framing on the connections. */
  framing: 'wrapper' | 'hdlc';
  /** Keys to decipher ciphered pushes; without them ciphered pushes are discarded. */
  security?: PushSecurityOptions;
}

/** Events of a {@link DlmsPushListener}. */
export type DlmsPushListenerEvents = {
  /** A push arrived (deciphered when keys are known); `notification.peer` says from where. */
  push: (notification: DlmsNotification) => void;
  /** Bytes were dropped: a malformed or undecipherable APDU, or one that is not a push. */
  discard: (error: Error, apdu: Uint8Array, peer: string) => void;
};

/**
 * Listens for meters that push: every connection (TCP) or peer (UDP) is decoded with the
 * framing, its APDUs turned into `push` events. Nothing is ever sent back (pushes are
 * unconfirmed, §9.9; HDLC pushes are expected in UI frames, I-frames are taken without
 * acknowledgement).
 *
 * @example
 * ```ts
 * const listener = await DlmsPushListener.listen({ port: 4059, host: '0.0.0.0', transport: 'tcp', framing: 'wrapper',
 *   security: { encryptionKey, authenticationKey } });
 * listener.on('push', (n) => console.log(n.peer, n.type));
 * await listener.close();
 * ```
 */
export class DlmsPushListener {
  readonly #listeners: Listeners<DlmsPushListenerEvents>;
  readonly #server: LinkServer;

  private constructor(server: LinkServer, listeners: Listeners<DlmsPushListenerEvents>) {
    this.#server = server;
    this.#listeners = listeners;
  }

  /**
   * Binds the port and starts accepting.
   *
   * @throws LinkError when the port cannot be bound; InvalidArgumentError for bad options
   */
  static async listen(options: DlmsPushListenerOptions): Promise<DlmsPushListener> {
    const decoder = new PushDecoder(options.security);
    const events = new Listeners<DlmsPushListenerEvents>();
    const onLink = (link: Link): void => {
      const peer = link.info.peer;
      const deliver = chain(
        decoder,
        peer,
        (n) => events.emit('push', n),
        (e, b) => events.emit('discard', e, b, peer),
      );
      const unframe = options.framing === 'wrapper' ? wrapperApdus() : hdlcApdus();
      link.on('data', (chunk) => {
        let apdus: Uint8Array[];
        try {
          apdus = unframe(chunk);
        } catch (error) {
          events.emit('discard', error as Error, chunk, peer);
          // A wrapper stream has lost its framing for good (§5); an HDLC frame is just dropped.
          if (options.framing === 'wrapper') void link.close();
          return;
        }
        for (const apdu of apdus) deliver(apdu);
      });
    };
    const bind = { port: options.port ?? 4059, host: options.host ?? '127.0.0.1' };
    const server =
      options.transport === 'udp' ? await listenUdp(bind, onLink) : await listenTcp(bind, onLink);
    return new DlmsPushListener(server, events);
  }

  /** The bound port. */
  get port(): number {
    return this.#server.port;
  }

  /** The bound address. */
  get host(): string {
    return this.#server.host;
  }

  /** Adds a listener. */
  on<E extends keyof DlmsPushListenerEvents>(event: E, listener: DlmsPushListenerEvents[E]): this {
    this.#listeners.on(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<E extends keyof DlmsPushListenerEvents>(event: E, listener: DlmsPushListenerEvents[E]): this {
    this.#listeners.off(event, listener);
    return this;
  }

  /** Stops listening and closes every connection. Idempotent. */
  async close(): Promise<void> {
    await this.#server.close();
    this.#listeners.clear();
  }
}

/** Decodes the APDUs of one peer in arrival order (deciphering is asynchronous). */
function chain(
  decoder: PushDecoder,
  peer: string,
  push: (n: DlmsNotification) => void,
  discard: (error: Error, apdu: Uint8Array) => void,
): (apdu: Uint8Array) => void {
  let queue: Promise<void> = Promise.resolve();
  return (apdu) => {
    queue = queue.then(() => decoder.decode(apdu, peer).then(push, (error: Error) => discard(error, apdu)));
  };
}

function wrapperApdus(): (chunk: Uint8Array) => Uint8Array[] {
  const decoder = new WrapperFrameDecoder();
  return (chunk) => decoder.push(chunk).map((f) => f.payload);
}

function hdlcApdus(): (chunk: Uint8Array) => Uint8Array[] {
  const decoder = new HdlcFrameDecoder();
  let parts: Uint8Array[] = [];
  return (chunk) => {
    const out: Uint8Array[] = [];
    for (const frame of decoder.push(chunk)) {
      if (frame.control.kind !== 'UI' && frame.control.kind !== 'I') continue;
      parts.push(frame.information.slice());
      if (frame.segmented) continue;
      const whole = concat(parts);
      parts = [];
      out.push(stripLlc(whole));
    }
    return out;
  };
}
