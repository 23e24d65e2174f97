// Fuzzing fixtures shared by the property tests: a link driven by hand, a server with every kind of
// unit and hook failure, a checker for what the server wrote, and request generators.
import { EventEmitter } from 'node:events';
import type fc from 'fast-check';
import { expect } from 'vitest';
import type { Link, LinkEvents, LinkInfo } from '../../../src/index.js';
import {
  createFrameDecoder,
  decodeAsciiFrame,
  decodeResponse,
  decodeRtuFrame,
  ModbusException,
  type ModbusFraming,
  type ModbusRequest,
  ModbusServer,
} from '../../../src/modbus/index.js';
import { anyRequest } from '../pdu/arbitraries.js';

/** A link driven by hand: `deliver` runs the server's data handler synchronously; writes are kept. */
export class HandLink extends EventEmitter implements Link {
  readonly written: Uint8Array[] = [];
  readonly info: LinkInfo;
  state: Link['state'] = 'open';
  constructor(messageOriented = false) {
    super();
    this.info = { transport: 'memory', messageOriented, bus: !messageOriented, peer: 'hand' };
  }
  get isOpen(): boolean {
    return this.state === 'open';
  }
  async open(): Promise<void> {}
  async write(bytes: Uint8Array): Promise<void> {
    this.written.push(bytes.slice());
  }
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.emit('close');
  }
  deliver(chunk: Uint8Array): void {
    this.emit('data', chunk);
  }
  declare on: <E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]) => this;
  declare once: <E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]) => this;
  declare off: <E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]) => this;
}

/** A server with small tables, files, a FIFO, and a hook that fails in every way it can. */
export function fuzzServer(): ModbusServer {
  return new ModbusServer({
    model: {
      holdingRegisters: 300,
      coils: 300,
      discreteInputs: 300,
      inputRegisters: 300,
      files: { 1: 50 },
      fifos: { 5: [1, 2, 3] },
    },
    unitIds: [1, 2],
    onRequest: (request) => {
      if (request.type === 'raw' && request.functionCode === 0x41) throw new Error('boom');
      if (request.type === 'raw' && request.functionCode === 0x42) {
        throw new ModbusException({ functionCode: 0x42, exceptionCode: 4, unitId: 1 });
      }
      if (request.type === 'raw' && request.functionCode === 0x43) {
        return { type: 'read-holding-registers', values: new Uint16Array(300) }; // cannot be encoded
      }
      if (request.type === 'raw' && request.functionCode === 0x44) return Promise.resolve(undefined);
      return undefined;
    },
  });
}

/** Checks every written chunk is a sequence of complete, valid frames; returns the frames' unit ids. */
export function checkWritten(framing: ModbusFraming, written: readonly Uint8Array[]): number[] {
  const units: number[] = [];
  for (const chunk of written) {
    if (framing === 'tcp') {
      const decoder = createFrameDecoder('tcp', 'response');
      const frames = decoder.push(chunk);
      expect(decoder.pending).toBe(0);
      expect(frames.length).toBeGreaterThan(0);
      for (const frame of frames) {
        decodeResponse(frame.pdu);
        units.push(frame.unitId);
      }
    } else {
      const frame = framing === 'rtu' ? decodeRtuFrame(chunk) : decodeAsciiFrame(chunk);
      decodeResponse(frame.pdu);
      units.push(frame.unitId);
    }
  }
  return units;
}

const word = (data: Uint8Array): number => ((data[0] ?? 0) << 8) | (data[1] ?? 0);

/** FC8/04 with its data word 0: enters listen-only mode, never answered (spec §4.6). */
export function isForceListenOnly(request: ModbusRequest): boolean {
  return (
    request.type === 'diagnostics' &&
    request.subFunction === 4 &&
    request.data.length === 2 &&
    word(request.data) === 0
  );
}

/** A valid FC8/01: leaves listen-only mode. */
export function isRestart(request: ModbusRequest): boolean {
  return (
    request.type === 'diagnostics' &&
    request.subFunction === 1 &&
    request.data.length === 2 &&
    (word(request.data) === 0 || word(request.data) === 0xff00)
  );
}

/**
 * Valid requests. On ASCII without FC8/03, which changes the link's end character (tested in
 * serial.test.ts) and so the framing of every later frame. On RTU only requests whose length the
 * spec §7.4 request table gives: without timing, back-to-back frames of unknown length (raw
 * function codes, FC43 MEI ≠ 14, FC8 with other than one data word) are left to the CRC scan,
 * which cannot always tell where one ends (a real line separates them by silence).
 */
export function requestFor(framing: ModbusFraming): fc.Arbitrary<ModbusRequest> {
  if (framing === 'ascii')
    return anyRequest.filter((r) => !(r.type === 'diagnostics' && r.subFunction === 3));
  if (framing === 'rtu') {
    return anyRequest.filter(
      (r) =>
        r.type !== 'raw' &&
        r.type !== 'encapsulated-interface' &&
        !(r.type === 'diagnostics' && r.data.length !== 2),
    );
  }
  return anyRequest;
}
