// HdlcServerSession against a scripted client (spec §4.8–§4.11).
import { afterEach, describe, expect, it } from 'vitest';
import { LinkClosedError, TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { encodeHdlcFrame } from '../../../src/dlms/hdlc/frame-codec.js';
import type { HdlcControl } from '../../../src/dlms/hdlc/types.js';
import {
  HdlcServerSession,
  type HdlcServerSessionOptions,
} from '../../../src/dlms/session/hdlc-server-session.js';
import type { ReceivedApdu } from '../../../src/dlms/session/types.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { until } from '../../helpers/until.js';
import { hex, ScriptedPeer, trackTimers } from './hdlc-helpers.js';

const links: Link[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

/** A frame from client 16 to server 1 (1-octet address). */
function clientFrame(control: HdlcControl, information: number[] = [], segmented = false): Uint8Array {
  return encodeHdlcFrame({
    segmented,
    destination: { upper: 1 },
    source: { upper: 16 },
    control,
    information: new Uint8Array(information),
  });
}

const snrm = (): Uint8Array => clientFrame({ kind: 'SNRM', pollFinal: true });
const request = (ns: number, nr: number, apdu: number[], llc = true, segmented = false): Uint8Array =>
  clientFrame(
    { kind: 'I', sendSequence: ns, receiveSequence: nr, pollFinal: true },
    llc ? [0xe6, 0xe6, 0x00, ...apdu] : apdu,
    segmented,
  );
const rr = (nr: number): Uint8Array => clientFrame({ kind: 'RR', receiveSequence: nr, pollFinal: true });

async function connectedServer(
  options: HdlcServerSessionOptions = {},
): Promise<{ server: HdlcServerSession; peer: ScriptedPeer; requests: ReceivedApdu[] }> {
  const [a, b] = memoryPair();
  links.push(a, b);
  const server = new HdlcServerSession(b, { replyWaitMs: 20, ...options });
  const requests: ReceivedApdu[] = [];
  server.on('apdu', (r) => requests.push(r));
  const peer = new ScriptedPeer(a);
  await peer.send(snrm());
  const ua = await peer.nextFrame();
  expect(ua.control.kind).toBe('UA');
  return { server, peer, requests };
}

describe('HdlcServerSession', () => {
  it('answers SNRM with UA carrying all four negotiated parameters', async () => {
    const { peer } = await connectedServer({ maxInfoTransmit: 512, maxInfoReceive: 256 });
    // Fresh SNRM proposing 64/1000 in 2-octet form: the UA states min(own, client's) (spec §4.7).
    await peer.send(
      clientFrame(
        { kind: 'SNRM', pollFinal: true },
        [0x81, 0x80, 0x08, 0x05, 0x02, 0x03, 0xe8, 0x06, 0x02, 0x00, 0x40],
      ),
    );
    const ua = await peer.nextFrame();
    expect(hex(ua.information)).toBe('818013050140060201000704000000010804000000 01'.replace(/ /g, ''));
  });

  it('segmented answer: F = 1 on each segment, the next one after the client RR; lost ones repeated', async () => {
    const { server, peer, requests } = await connectedServer();
    await peer.send(request(0, 0, [0xc0, 0x01]));
    await until(() => requests.length > 0);
    expect(requests.map((r) => hex(r.apdu))).toEqual(['C001']);
    const apdu = new Uint8Array(300).map((_, i) => i & 0xff);
    const sending = server.send(apdu);
    const first = await peer.nextFrame();
    expect(first.control).toEqual({ kind: 'I', sendSequence: 0, receiveSequence: 1, pollFinal: true });
    expect(first.segmented).toBe(true);
    expect(hex(first.information.subarray(0, 3))).toBe('E6E700');
    await new Promise((r) => setTimeout(r, 5));
    expect(peer.pending).toBe(0); // waits for the client's RR
    await peer.send(rr(0)); // N(R) = 0: the segment was lost → repeated with the same N(S)
    const repeated = await peer.nextFrame();
    expect(repeated.control).toEqual(first.control);
    expect(repeated.information).toEqual(first.information);
    await peer.send(rr(1));
    expect((await peer.nextFrame()).control).toEqual({
      kind: 'I',
      sendSequence: 1,
      receiveSequence: 1,
      pollFinal: true,
    });
    await peer.send(rr(2));
    const last = await peer.nextFrame();
    expect(last.control).toEqual({ kind: 'I', sendSequence: 2, receiveSequence: 1, pollFinal: true });
    expect(last.segmented).toBe(false);
    await sending;
    await peer.send(rr(3));
    expect((await peer.nextFrame()).control).toEqual({ kind: 'RR', receiveSequence: 1, pollFinal: true });
    expect(server.stats.retransmissions).toBe(1);
  });

  it('segmented request: RR after each S = 1 frame; a duplicate segment is dropped', async () => {
    const { peer, requests } = await connectedServer();
    await peer.send(request(0, 0, [1, 2], true, true));
    expect((await peer.nextFrame()).control).toEqual({ kind: 'RR', receiveSequence: 1, pollFinal: true });
    await peer.send(request(0, 0, [1, 2], true, true)); // the RR was lost: the client repeats
    expect((await peer.nextFrame()).control).toEqual({ kind: 'RR', receiveSequence: 1, pollFinal: true });
    await peer.send(request(1, 0, [3, 4], false, false));
    await until(() => requests.length > 0);
    expect(requests.map((r) => hex(r.apdu))).toEqual(['01020304']);
    // Nobody answered within replyWaitMs: RR.
    expect((await peer.nextFrame()).control).toEqual({ kind: 'RR', receiveSequence: 2, pollFinal: true });
  });

  it('an answer that comes after replyWaitMs goes out on the next poll', async () => {
    const { server, peer } = await connectedServer({ replyWaitMs: 5 });
    await peer.send(request(0, 0, [0xc0]));
    expect((await peer.nextFrame()).control.kind).toBe('RR');
    const sending = server.send(new Uint8Array([0xc4]));
    await new Promise((r) => setTimeout(r, 5));
    expect(peer.pending).toBe(0);
    await peer.send(rr(0)); // V(R) of the client: no I-frame from the server yet
    const answer = await peer.nextFrame();
    expect(hex(answer.information)).toBe('E6E700C4');
    await sending;
  });

  it('quirks: ignoreSendSequence takes a repeated N(S); optionalLlc takes and answers without LLC', async () => {
    const { server, peer, requests } = await connectedServer({
      quirks: { ignoreSendSequence: true, optionalLlc: true },
    });
    server.on('apdu', ({ apdu }) => void server.send(new Uint8Array([0xc4, apdu[1]!])));
    await peer.send(request(0, 0, [0xc0, 0x01], false));
    const one = await peer.nextFrame();
    expect(hex(one.information)).toBe('C401'); // answered without LLC, like the request
    await peer.send(request(0, 1, [0xc0, 0x02])); // N(S) = 0 again, now with LLC
    const two = await peer.nextFrame();
    expect(hex(two.information)).toBe('E6E700C402');
    expect(requests.map((r) => hex(r.apdu))).toEqual(['C001', 'C002']);
  });

  it('without quirks a request without LLC is dropped and counted', async () => {
    const { server, peer, requests } = await connectedServer();
    await peer.send(request(0, 0, [0xc0, 0x01], false));
    expect((await peer.nextFrame()).control.kind).toBe('RR');
    expect(requests).toHaveLength(0);
    expect(server.stats.droppedApdus).toBe(1);
  });

  it('a stale N(R) is ignored; UI from the client is delivered unsolicited', async () => {
    const { server, peer, requests } = await connectedServer();
    await peer.send(rr(5)); // acknowledges frames never sent
    await peer.send(clientFrame({ kind: 'UI', pollFinal: false }, [0xe6, 0xe6, 0x00, 0x0f]));
    await until(() => requests.length > 0);
    expect(peer.pending).toBe(0);
    expect(server.stats.staleFrames).toBe(1);
    expect(requests).toEqual([
      { apdu: new Uint8Array([0x0f]), address: { client: 16, logicalDevice: 1 }, unsolicited: true },
    ]);
  });

  it('notify() to an explicit address works before any SNRM', async () => {
    const [a, b] = memoryPair();
    links.push(a, b);
    const server = new HdlcServerSession(b, { maxInfoTransmit: 32 });
    const peer = new ScriptedPeer(a);
    await server.notify(new Uint8Array(40).fill(7), {
      address: { client: 0x20, logicalDevice: 4, physicalDevice: 65 },
    });
    const first = await peer.nextFrame();
    const second = await peer.nextFrame();
    expect(first.control).toEqual({ kind: 'UI', pollFinal: true });
    expect(first.segmented).toBe(true);
    expect(second.segmented).toBe(false);
    expect(first.destination.upper).toBe(0x20);
    expect(first.source).toMatchObject({ upper: 4, lower: 65 });
    expect(first.information.length + second.information.length).toBe(43);
  });

  it('send() times out when the client stops polling; mid-APDU that closes the session', async () => {
    const { server, peer } = await connectedServer({ timeoutMs: 20 });
    await peer.send(request(0, 0, [0xc0]));
    const closed = new Promise<Error | undefined>((resolve) => server.on('close', resolve));
    await expect(server.send(new Uint8Array(300))).rejects.toBeInstanceOf(TimeoutError);
    expect(await closed).toBeInstanceOf(TimeoutError);
    await expect(server.send(new Uint8Array(1))).rejects.toBeInstanceOf(LinkClosedError);
  });

  it('an SNRM reset voids the answers in progress and queued (spec §4.8)', async () => {
    const { server, peer } = await connectedServer();
    const resets: boolean[] = [];
    server.on('connect', (_, reset) => resets.push(reset));
    await peer.send(request(0, 0, [0xc0]));
    const first = server.send(new Uint8Array(300)); // waits for RR after its first segment
    const queued = server.send(new Uint8Array([0xc4]));
    await peer.nextFrame();
    await peer.send(snrm());
    await expect(first).rejects.toThrow(/reset by SNRM/);
    await expect(queued).rejects.toThrow(/reset by SNRM/);
    expect((await peer.nextFrame()).control.kind).toBe('UA');
    expect(resets).toEqual([true]);
    // The new link starts at N(S) = N(R) = 0.
    await peer.send(request(0, 0, [0xc0]));
    const answering = server.send(new Uint8Array([0xc4]));
    expect((await peer.nextFrame()).control).toEqual({
      kind: 'I',
      sendSequence: 0,
      receiveSequence: 1,
      pollFinal: true,
    });
    await answering;
  });

  it('inactivity, close and SNRM leave no timer and no listener behind', async () => {
    const timers = trackTimers();
    try {
      const { server, peer } = await connectedServer({ inactivityTimeoutMs: 15, replyWaitMs: 1000 });
      await peer.send(request(0, 0, [0xc0])); // starts the reply timer too
      const closed = new Promise<Error | undefined>((resolve) => server.on('close', resolve));
      expect(await closed).toBeInstanceOf(TimeoutError);
      expect(server.state).toBe('closed');
      expect(timers.pending()).toBe(0);
      const second = await connectedServer({ replyWaitMs: 1000 });
      await second.peer.send(request(0, 0, [0xc0]));
      await new Promise((r) => setTimeout(r, 5));
      await second.server.close();
      expect(timers.pending()).toBe(0);
    } finally {
      timers.stop();
    }
  });
});
