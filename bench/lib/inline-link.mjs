// A minimal in-process `Link` for measuring meterlink's client and server stacks without any I/O:
// what one side writes is answered by a callback, and the answer is delivered as a `data` event
// in a microtask (never inside `write`, as a real link would). Used by the "without I/O" rows.

import { EventEmitter } from 'node:events';
import { requestBytes, responseBytes, responseTemplate } from './wire.mjs';

const resolved = Promise.resolve();

/** meterlink's internal promise-free write (src/links/quiet-write.ts), which its TCP links offer. */
const quietWrite = Symbol.for('meterlink.link.quietWrite');

export class InlineLink {
  /** @param {(bytes: Uint8Array) => Uint8Array | undefined} answer */
  constructor(answer) {
    this.answer = answer;
    this.events = new EventEmitter();
    this.info = { transport: 'memory', messageOriented: false, bus: false, peer: 'inline' };
    this.state = 'open';
  }

  get isOpen() {
    return this.state === 'open';
  }

  open() {
    return resolved;
  }

  close() {
    if (this.state !== 'open') return resolved;
    this.state = 'closed';
    this.events.emit('close');
    return resolved;
  }

  write(bytes) {
    this[quietWrite](bytes);
    return resolved;
  }

  /** The write the client engine and the server use on meterlink's TCP links. */
  [quietWrite](bytes) {
    const reply = this.answer(bytes);
    if (reply !== undefined) queueMicrotask(() => this.events.emit('data', reply));
  }

  /** Delivers bytes to whoever listens (a server under test). */
  deliver(bytes) {
    this.events.emit('data', bytes);
  }

  on(event, listener) {
    this.events.on(event, listener);
    return this;
  }

  once(event, listener) {
    this.events.once(event, listener);
    return this;
  }

  off(event, listener) {
    this.events.off(event, listener);
    return this;
  }

  listenerCount(event) {
    return this.events.listenerCount(event);
  }
}

/** What the raw echo server does for one chunk of whole requests: a response per 12-byte unit. */
export function echoAnswer(bytes) {
  const units = Math.floor(bytes.length / requestBytes);
  const out = new Uint8Array(units * responseBytes);
  for (let i = 0; i < units; i++) {
    const at = i * responseBytes;
    const from = i * requestBytes;
    out.set(responseTemplate, at);
    out[at] = bytes[from];
    out[at + 1] = bytes[from + 1];
    out[at + 6] = bytes[from + 6];
  }
  return out;
}
