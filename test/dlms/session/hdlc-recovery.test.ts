// HdlcClientSession against a scripted meter: recovery (spec §4.10), DM/FRMR/RNR (§4.11),
// timeouts, AbortSignal, quirks, and no timer or listener left behind.
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, LinkClosedError, ProtocolError, TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { encodeHdlcFrame } from '../../../src/dlms/hdlc/frame-codec.js';
import type { HdlcControl } from '../../../src/dlms/hdlc/types.js';
import {
  HdlcClientSession,
  type HdlcClientSessionOptions,
} from '../../../src/dlms/session/hdlc-client-session.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { until } from '../../helpers/until.js';
import { hex, nextApdu, recordApdus, ScriptedPeer, trackTimers } from './hdlc-helpers.js';

const links: Link[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

/** A frame from the meter (server 1, 1-octet address) to client 16. */
function meterFrame(control: HdlcControl, information: number[] = [], segmented = false): Uint8Array {
  return encodeHdlcFrame({
    segmented,
    destination: { upper: 16 },
    source: { upper: 1 },
    control,
    information: new Uint8Array(information),
  });
}

const ua = (): Uint8Array => meterFrame({ kind: 'UA', pollFinal: true });
const answerI = (
  ns: number,
  nr: number,
  apdu: number[],
  extra: Partial<{ llc: boolean; segmented: boolean }> = {},
) =>
  meterFrame(
    { kind: 'I', sendSequence: ns, receiveSequence: nr, pollFinal: true },
    extra.llc === false ? apdu : [0xe6, 0xe7, 0x00, ...apdu],
    extra.segmented,
  );

async function connected(
  options: Partial<HdlcClientSessionOptions> = {},
): Promise<{ client: HdlcClientSession; peer: ScriptedPeer; a: Link }> {
  const [a, b] = memoryPair();
  links.push(a, b);
  const peer = new ScriptedPeer(b);
  const client = new HdlcClientSession(a, { client: 16, server: { logical: 1 }, timeoutMs: 30, ...options });
  const opening = client.open();
  expect((await peer.nextFrame()).control.kind).toBe('SNRM');
  await peer.send(ua());
  await opening;
  return { client, peer, a };
}

describe('HdlcClientSession recovery and errors', () => {
  it('repeats the SNRM on timeout, then fails with TimeoutError; no timer left', async () => {
    const timers = trackTimers();
    try {
      const [a, b] = memoryPair();
      links.push(a, b);
      const peer = new ScriptedPeer(b);
      const client = new HdlcClientSession(a, {
        client: 16,
        server: { logical: 1 },
        timeoutMs: 15,
        retries: 2,
      });
      const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
      await expect(client.open()).rejects.toBeInstanceOf(TimeoutError);
      expect(await closed).toBeInstanceOf(TimeoutError);
      expect(peer.pending).toBe(3);
      expect(client.stats.timeouts).toBe(3);
      expect(timers.pending()).toBe(0);
      expect((a as Link & { listenerCount(e: string): number }).listenerCount('data')).toBe(0);
    } finally {
      timers.stop();
    }
  });

  it('DM or FRMR in answer to SNRM: ProtocolError "server refused link"', async () => {
    for (const refusal of [
      meterFrame({ kind: 'DM', pollFinal: true }),
      meterFrame({ kind: 'FRMR', pollFinal: true }, [0x93, 0, 1]),
    ]) {
      const [a, b] = memoryPair();
      links.push(a, b);
      const peer = new ScriptedPeer(b);
      const client = new HdlcClientSession(a, { client: 16, server: { logical: 1 }, timeoutMs: 100 });
      const opening = client.open();
      await peer.next();
      await peer.send(refusal);
      const error = await opening.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(/server refused link/);
      expect(client.state).toBe('closed');
    }
  });

  it('a lost I-frame: RR poll, the N(R) shows the loss, the same N(S) is sent again (spec §4.10)', async () => {
    const { client, peer } = await connected();
    const answer = nextApdu(client, 1000);
    await client.send(new Uint8Array([0xc0, 0x01]));
    const first = await peer.nextFrame();
    expect(first.control).toEqual({ kind: 'I', sendSequence: 0, receiveSequence: 0, pollFinal: true });
    // The meter "never got it": silence. The client polls with RR P=1 and V(R) = 0.
    expect((await peer.nextFrame()).control).toEqual({ kind: 'RR', receiveSequence: 0, pollFinal: true });
    await peer.send(meterFrame({ kind: 'RR', receiveSequence: 0, pollFinal: true }));
    const again = await peer.nextFrame();
    expect(again.control).toEqual({ kind: 'I', sendSequence: 0, receiveSequence: 0, pollFinal: true });
    expect(hex(again.information)).toBe('E6E600C001');
    await peer.send(answerI(0, 1, [0xc4, 0x01]));
    expect(hex((await answer).apdu)).toBe('C401');
    expect(client.stats.retransmissions).toBe(1);
  });

  it('a lost answer: RR poll, the meter repeats its I-frame; a second copy is a duplicate', async () => {
    const { client, peer } = await connected();
    const apdus = recordApdus(client);
    await client.send(new Uint8Array([0xc0, 0x01]));
    await peer.nextFrame();
    // The answer "is lost": the client polls, the meter repeats it (twice: one copy is late).
    expect((await peer.nextFrame()).control).toEqual({ kind: 'RR', receiveSequence: 0, pollFinal: true });
    await peer.send(answerI(0, 1, [0xc4, 0x01]));
    await peer.send(answerI(0, 1, [0xc4, 0x01]));
    await until(() => apdus.length > 0);
    expect(apdus.map((r) => hex(r.apdu))).toEqual(['C401']);
    // The next exchange goes on with N(S) = 1, N(R) = 1.
    const answer = nextApdu(client, 1000);
    await client.send(new Uint8Array([0xc0, 0x02]));
    expect((await peer.nextFrame()).control).toEqual({
      kind: 'I',
      sendSequence: 1,
      receiveSequence: 1,
      pollFinal: true,
    });
    await peer.send(answerI(0, 2, [0xc4, 0x99])); // a stale copy of N(S)=0 while N(S)=1 is expected
    await peer.send(answerI(1, 2, [0xc4, 0x02]));
    expect(hex((await answer).apdu)).toBe('C402');
    expect(client.stats.staleFrames).toBeGreaterThan(0);
  });

  it('RNR: waits, polls with RR, then takes the answer (spec §4.11)', async () => {
    const { client, peer } = await connected({ pollIntervalMs: 5 });
    const answer = nextApdu(client, 1000);
    await client.send(new Uint8Array([0xc0]));
    await peer.nextFrame();
    await peer.send(meterFrame({ kind: 'RNR', receiveSequence: 1, pollFinal: true }));
    expect((await peer.nextFrame()).control).toEqual({ kind: 'RR', receiveSequence: 0, pollFinal: true });
    await peer.send(answerI(0, 1, [0xc4]));
    expect(hex((await answer).apdu)).toBe('C4');
  });

  it('segmented request: waits for RR after each S = 1 frame; S bit and LLC only first', async () => {
    const { client, peer } = await connected();
    const apdu = new Uint8Array(300).map((_, i) => i);
    const sending = client.send(apdu);
    const seen: Uint8Array[] = [];
    for (let ns = 0; ns < 3; ns++) {
      const frame = await peer.nextFrame();
      expect(frame.control).toEqual({ kind: 'I', sendSequence: ns, receiveSequence: 0, pollFinal: true });
      expect(frame.segmented).toBe(ns < 2);
      seen.push(frame.information);
      if (ns < 2) await peer.send(meterFrame({ kind: 'RR', receiveSequence: ns + 1, pollFinal: true }));
    }
    await sending;
    expect(seen.map((s) => s.length)).toEqual([128, 128, 47]);
    expect(hex(seen[0]!.subarray(0, 3))).toBe('E6E600');
    const all = new Uint8Array([...seen[0]!.subarray(3), ...seen[1]!, ...seen[2]!]);
    expect(all).toEqual(apdu);
  });

  it('DM or FRMR during the session close it with a ProtocolError (FRMR decoded)', async () => {
    const { client, peer } = await connected();
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    await client.send(new Uint8Array([0xc0]));
    await peer.nextFrame();
    await peer.send(meterFrame({ kind: 'FRMR', pollFinal: true }, [0x10, 0x00, 0x08]));
    const error = await closed;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error!.message).toMatch(/control 10.*invalid N\(R\)/);
    const second = await connected();
    const closed2 = new Promise<Error | undefined>((resolve) => second.client.on('close', resolve));
    await second.peer.send(meterFrame({ kind: 'DM', pollFinal: true }));
    expect((await closed2)?.message).toMatch(/DM/);
  });

  it('no answer at all: the session closes with a TimeoutError after the retries', async () => {
    const { client, peer } = await connected({ retries: 2, timeoutMs: 15 });
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    await client.send(new Uint8Array([0xc0]));
    expect(await closed).toBeInstanceOf(TimeoutError);
    expect(peer.pending).toBe(3); // I, then RR, RR
  });

  it('a meter that only ever repeats an old I-frame cannot keep the exchange alive', async () => {
    const { client, peer } = await connected({ retries: 1, timeoutMs: 50, pollIntervalMs: 5 });
    const first = nextApdu(client, 1000);
    await client.send(new Uint8Array([0xc0]));
    await peer.nextFrame();
    await peer.send(answerI(0, 1, [0xc4]));
    await first;
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    await client.send(new Uint8Array([0xc1]));
    // Every poll gets the old answer again (N(S) = 0, already taken): no progress, ever.
    const parrot = (): void => void peer.send(answerI(0, 2, [0xc4]));
    let polls = 0;
    const loop = (async () => {
      for (;;) {
        const frame = await peer.nextFrame(100).catch(() => undefined);
        if (frame === undefined || client.state === 'closed') return;
        polls++;
        parrot();
      }
    })();
    expect(await closed).toBeInstanceOf(TimeoutError);
    await loop;
    expect(polls).toBeLessThan(40);
  });

  it('a second send() waits for the first exchange, answer included', async () => {
    const { client, peer } = await connected();
    const apdus = recordApdus(client);
    const one = client.send(new Uint8Array([1]));
    const two = client.send(new Uint8Array([2]));
    await one;
    expect((await peer.nextFrame()).control).toMatchObject({ kind: 'I', sendSequence: 0 });
    await new Promise((r) => setTimeout(r, 5));
    expect(peer.pending).toBe(0); // the second waits for the answer to the first
    await peer.send(answerI(0, 1, [0xc1]));
    await two;
    expect((await peer.nextFrame()).control).toMatchObject({
      kind: 'I',
      sendSequence: 1,
      receiveSequence: 1,
    });
    await peer.send(answerI(1, 2, [0xc2]));
    await until(() => apdus.length >= 2);
    expect(apdus.map((r) => hex(r.apdu))).toEqual(['C1', 'C2']);
  });

  it('AbortSignal: an aborted send leaves the session usable; an aborted open closes it', async () => {
    const { client, peer } = await connected();
    const controller = new AbortController();
    controller.abort(new Error('user'));
    await expect(client.send(new Uint8Array([1]), { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(client.state).toBe('open');
    expect(peer.pending).toBe(0);
    // Aborted while queued behind another exchange.
    await client.send(new Uint8Array([1]));
    const queued = new AbortController();
    const waiting = client.send(new Uint8Array([2]), { signal: queued.signal });
    queued.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await peer.nextFrame();
    const first = nextApdu(client, 1000);
    await peer.send(answerI(0, 1, [0xc1]));
    expect(hex((await first).apdu)).toBe('C1');
    const answer = nextApdu(client, 1000);
    await client.send(new Uint8Array([3]));
    expect(hex((await peer.nextFrame()).information)).toBe('E6E60003');
    await peer.send(answerI(1, 2, [0xc3]));
    expect(hex((await answer).apdu)).toBe('C3');

    const [a, b] = memoryPair();
    links.push(a, b);
    const opener = new HdlcClientSession(a, { client: 16, server: { logical: 1 }, timeoutMs: 1000 });
    const abort = new AbortController();
    const opening = opener.open({ signal: abort.signal });
    setTimeout(() => abort.abort(), 5);
    await expect(opening).rejects.toBeInstanceOf(AbortError);
    expect(opener.state).toBe('closed');
  });

  it('close() cuts a pending exchange short, repeats DISC on timeout, leaves nothing running', async () => {
    const timers = trackTimers();
    try {
      const { client, peer, a } = await connected({ retries: 1, timeoutMs: 15 });
      const segmented = client.send(new Uint8Array(500)); // waits for RR after the first segment
      await peer.nextFrame();
      const closing = client.close();
      await expect(segmented).rejects.toBeInstanceOf(LinkClosedError);
      expect((await peer.nextFrame()).control.kind).toBe('DISC');
      expect((await peer.nextFrame()).control.kind).toBe('DISC'); // no answer: repeated once
      await closing;
      expect(client.state).toBe('closed');
      expect(timers.pending()).toBe(0);
      expect((a as Link & { listenerCount(e: string): number }).listenerCount('data')).toBe(0);
      await expect(client.send(new Uint8Array([1]))).rejects.toBeInstanceOf(LinkClosedError);
      await client.close(); // idempotent
    } finally {
      timers.stop();
    }
  });

  it('the link closing ends the session with LinkClosedError', async () => {
    const { client, a } = await connected();
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    await a.close();
    expect(await closed).toBeInstanceOf(LinkClosedError);
  });

  it('ignores frames from other servers or for other clients (counted)', async () => {
    const { client, peer } = await connected();
    const answer = nextApdu(client, 1000);
    await client.send(new Uint8Array([0xc0]));
    await peer.nextFrame();
    const foreign = (dest: number, src: number): Uint8Array =>
      encodeHdlcFrame({
        segmented: false,
        destination: { upper: dest },
        source: { upper: src },
        control: { kind: 'I', sendSequence: 0, receiveSequence: 1, pollFinal: true },
        information: new Uint8Array([0xe6, 0xe7, 0x00, 0xee]),
      });
    await peer.send(foreign(17, 1));
    await peer.send(foreign(16, 2));
    await peer.send(answerI(0, 1, [0xc4]));
    expect(hex((await answer).apdu)).toBe('C4');
    expect(client.stats.ignoredFrames).toBe(2);
  });

  it('without the quirks a meter that repeats N(S) = 0 stalls; ignoreSendSequence accepts it', async () => {
    const { client, peer } = await connected({ quirks: { ignoreSendSequence: true } });
    const apdus = recordApdus(client);
    for (let i = 0; i < 3; i++) {
      await client.send(new Uint8Array([i]));
      await peer.nextFrame();
      await peer.send(answerI(0, (i + 1) & 7, [0xc0 + i])); // always N(S) = 0
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(apdus.map((r) => hex(r.apdu))).toEqual(['C0', 'C1', 'C2']);
  });

  it('optionalLlc accepts an answer without LLC; without it the session closes with ProtocolError', async () => {
    const lenient = await connected({ quirks: { optionalLlc: true } });
    const answer = nextApdu(lenient.client, 1000);
    await lenient.client.send(new Uint8Array([0xc0]));
    await lenient.peer.nextFrame();
    await lenient.peer.send(answerI(0, 1, [0xc4, 0x01], { llc: false }));
    expect(hex((await answer).apdu)).toBe('C401');

    const strict = await connected();
    const closed = new Promise<Error | undefined>((resolve) => strict.client.on('close', resolve));
    await strict.client.send(new Uint8Array([0xc0]));
    await strict.peer.nextFrame();
    await strict.peer.send(answerI(0, 1, [0xc4, 0x01], { llc: false }));
    expect((await closed)?.message).toMatch(/LLC/);
  });

  it('an answer longer than maxApduBytes closes the session with a ProtocolError', async () => {
    const { client, peer } = await connected({ maxApduBytes: 100 });
    const closed = new Promise<Error | undefined>((resolve) => client.on('close', resolve));
    await client.send(new Uint8Array([0xc0]));
    await peer.nextFrame();
    await peer.send(answerI(0, 1, new Array(120).fill(1)));
    expect((await closed)?.message).toMatch(/maxApduBytes/);
  });

  it('rejects bad options with InvalidArgumentError', () => {
    const [a] = memoryPair();
    links.push(a);
    const bad: Array<Partial<HdlcClientSessionOptions>> = [
      { client: 200 },
      { server: { logical: 1, physical: 17, addressSize: 1 } },
      { server: { logical: 200 } },
      { maxInfoTransmit: 20 },
      { windowReceive: 8 },
      { timeoutMs: 0 },
    ];
    for (const options of bad) {
      expect(() => new HdlcClientSession(a, { client: 16, server: { logical: 1 }, ...options })).toThrow(
        /must|needs/,
      );
    }
  });
});
