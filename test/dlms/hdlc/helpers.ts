// Shared helpers of the HDLC tests.
import { toHex } from '../../../src/core/hex.js';
import type { HdlcDiscard, HdlcFrame } from '../../../src/dlms/index.js';
import { HdlcFrameDecoder } from '../../../src/dlms/index.js';
import { dlmsVectors, vectorBytes } from '../../helpers/vectors.js';

/** A frame as plain data with the information field in hex, for `toEqual`. */
export type PlainFrame = Omit<HdlcFrame, 'information'> & { information: string };

export function plain(frame: HdlcFrame): PlainFrame {
  return { ...frame, information: toHex(frame.information) };
}

/** The 20 HDLC vectors, by id. */
export const hdlcVectors = dlmsVectors.filter((v) => v.layer === 'hdlc');

export function hdlcVector(id: string): Uint8Array {
  const v = hdlcVectors.find((x) => x.id === id);
  if (!v) throw new Error(`no hdlc vector '${id}'`);
  return vectorBytes(v);
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Frames back to back, each closing flag also opening the next frame (spec §4.1). */
export function sharedFlags(frames: Uint8Array[]): Uint8Array {
  return concat(...frames.map((f, i) => (i === 0 ? f : f.subarray(1))));
}

/** A decoder that records its discards. */
export function recordingDecoder(maxFrameBytes?: number): {
  decoder: HdlcFrameDecoder;
  discards: HdlcDiscard[];
} {
  const discards: HdlcDiscard[] = [];
  const decoder = new HdlcFrameDecoder({
    onDiscard: (d) => discards.push(d),
    ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
  });
  return { decoder, discards };
}

/** Pushes the chunks, ends the stream and returns the frames as plain data. */
export function feed(decoder: HdlcFrameDecoder, chunks: Iterable<Uint8Array>): PlainFrame[] {
  const frames: PlainFrame[] = [];
  for (const chunk of chunks) for (const f of decoder.push(chunk)) frames.push(plain(f));
  decoder.end();
  return frames;
}
