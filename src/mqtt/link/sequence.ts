/**
 * Sequence numbers of the tunnel: u32, wrapping, compared with serial number arithmetic
 * (RFC 1982), so a session can outlive 2^32 envelopes.
 *
 * @module
 */

/** What an incoming sequence number means relative to the next expected one. */
export type SequenceVerdict =
  /** The expected one. */
  | { kind: 'next' }
  /** Later than expected: `missing` envelopes were lost. */
  | { kind: 'gap'; missing: number }
  /** Already seen (a QoS 1 redelivery) or older: drop it. */
  | { kind: 'duplicate' };

/**
 * Classifies `seq` against `expected` (both u32).
 *
 * @example
 * ```ts
 * checkSequence(5, 5); // { kind: 'next' }
 * checkSequence(0, 0xffffffff); // { kind: 'gap', missing: 1 }
 * ```
 */
export function checkSequence(seq: number, expected: number): SequenceVerdict {
  const ahead = (seq - expected) >>> 0;
  if (ahead === 0) return { kind: 'next' };
  if (ahead < 0x80000000) return { kind: 'gap', missing: ahead };
  return { kind: 'duplicate' };
}

/** `seq + 1`, wrapping at 2^32. */
export function nextSequence(seq: number): number {
  return (seq + 1) >>> 0;
}
