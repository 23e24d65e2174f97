// The real DlmsClient against a scripted, byte-for-byte peer replaying the spec's vectors: the
// full SNRM → AARQ → GET → RLRQ → DISC exchange over HDLC, and AARQ → GET → RLRQ over the
// wrapper (spec §2 session flow, §4.8, §5, §7, §12.6).
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { decodeHdlcFrame, encodeHdlcFrame } from '../../../src/dlms/hdlc/frame-codec.js';
import { stripLlc, withLlc } from '../../../src/dlms/hdlc/llc.js';
import { encodeWrapperFrame } from '../../../src/dlms/wrapper/wrapper-codec.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { dlmsVectors } from '../../helpers/vectors.js';

const links: Link[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

function vector(id: string): string {
  const v = dlmsVectors.find((x) => x.id === id);
  if (v === undefined) throw new Error(`no vector '${id}'`);
  return v.hex.toUpperCase();
}

function hex(bytes: Uint8Array): string {
  return toHex(bytes).replace(/\s+/g, '').toUpperCase();
}

/** The APDU an HDLC I-frame vector carries (LLC removed). */
function apduOfFrame(id: string): Uint8Array {
  return stripLlc(decodeHdlcFrame(fromHex(vector(id))).information).slice();
}

/** The far end of a memory pair, fed by hand: each write of the client is one frame. */
class ScriptedPeer {
  readonly #frames: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  constructor(readonly link: Link) {
    link.on('data', (bytes) => {
      this.#frames.push(bytes.slice());
      this.#wake?.();
    });
  }

  /** The next frame the client wrote, as upper-case hex; fails after `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.#frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('scripted peer: the client sent nothing');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return hex(this.#frames.shift()!);
  }

  get pending(): number {
    return this.#frames.length;
  }

  send(bytes: string | Uint8Array): Promise<void> {
    return this.link.write(typeof bytes === 'string' ? fromHex(bytes) : bytes);
  }
}

function pair(): [Link, ScriptedPeer] {
  const [a, b] = memoryPair();
  links.push(a, b);
  return [a, new ScriptedPeer(b)];
}

/** Expected clock of hdlc-i-get-response: 2024-06-15 12:34:56, deviation −120 (UTC+2), DST. */
const vectorClock = new Date('2024-06-15T10:34:56Z');

describe('HDLC conversation from the vectors', () => {
  it('SNRM → UA → AARQ → AARE → GET → response → RLRQ → RLRE → DISC → UA, byte for byte', async () => {
    const [link, peer] = pair();
    // The vector's AARQ proposes conformance 00 1E 1D and a client PDU of FFFF (a real client's
    // capture), where our defaults are 00 7E 1F and 1024 for HDLC: configure the client to match.
    const connecting = DlmsClient.connect({
      link,
      framing: 'hdlc',
      client: 16,
      server: { logical: 1, physical: 17 },
      conformance: 0x001e1d,
      maxPduSize: 0xffff,
      timeoutMs: 2000,
    });
    // 1–2: SNRM with every parameter default (no information field), UA with the meter's 154/154/1/1.
    expect(await peer.next()).toBe(vector('hdlc-snrm-default'));
    await peer.send(vector('hdlc-ua-params'));
    // 3–4: AARQ in I(N(S)=0, N(R)=0, P) and the real meter's AARE.
    expect(await peer.next()).toBe(vector('hdlc-i-aarq'));
    await peer.send(vector('hdlc-i-aare'));
    const client = await connecting;
    expect(client.negotiated.serverMaxReceivePduSize).toBe(1224);
    expect(client.negotiated.conformance).toMatchObject({ get: true, set: true, action: true });

    // 5–6: GET clock time (invoke-id 1, high priority) and its answer.
    const reading = client.readClock();
    expect(await peer.next()).toBe(vector('hdlc-i-get-request'));
    await peer.send(vector('hdlc-i-get-response'));
    const clock = await reading;
    expect(clock.date?.getTime()).toBe(vectorClock.getTime());
    expect(clock.deviation).toBe(-120);
    expect(clock.status).toMatchObject({ daylightSavingActive: true });

    // 7–8: RLRQ (apdu-rlrq) in I(N(S)=2, N(R)=2, P) and RLRE (apdu-rlre) in I(N(S)=2, N(R)=3, F).
    const address = {
      server: { upper: 1, lower: 17, size: 2 as const },
      client: { upper: 16, size: 1 as const },
    };
    const rlrq = encodeHdlcFrame({
      segmented: false,
      destination: address.server,
      source: address.client,
      control: { kind: 'I', sendSequence: 2, receiveSequence: 2, pollFinal: true },
      information: withLlc(fromHex(vector('apdu-rlrq')), 'request'),
    });
    const rlre = encodeHdlcFrame({
      segmented: false,
      destination: address.client,
      source: address.server,
      control: { kind: 'I', sendSequence: 2, receiveSequence: 3, pollFinal: true },
      information: withLlc(fromHex(vector('apdu-rlre')), 'response'),
    });
    let closeError: Error | undefined | null = null;
    client.on('close', (e) => {
      closeError = e;
    });
    const closing = client.close();
    expect(await peer.next()).toBe(hex(rlrq));
    await peer.send(rlre);
    // 9–10: DISC and UA.
    expect(await peer.next()).toBe(vector('hdlc-disc'));
    await peer.send(vector('hdlc-ua-empty'));
    await closing;
    expect(closeError).toBeUndefined();
    expect(client.closed).toBe(true);
    // Nothing else was sent.
    await new Promise((r) => setTimeout(r, 20));
    expect(peer.pending).toBe(0);
  });

  it('with the default options the AARQ differs from the vector only in conformance and PDU size', async () => {
    const [link, peer] = pair();
    const connecting = DlmsClient.connect({
      link,
      framing: 'hdlc',
      server: { logical: 1, physical: 17 },
      timeoutMs: 500,
    });
    connecting.catch(() => undefined);
    expect(await peer.next()).toBe(vector('hdlc-snrm-default'));
    await peer.send(vector('hdlc-ua-params'));
    const aarq = stripLlc(decodeHdlcFrame(fromHex(await peer.next())).information);
    const expected = apduOfFrame('hdlc-i-aarq');
    // §7.6.1 default conformance 00 7E 1F (vector: 00 1E 1D) and §12.2 HDLC PDU 1024 (vector: FFFF).
    expected.set([0x00, 0x7e, 0x1f], expected.length - 5);
    expected.set([0x04, 0x00], expected.length - 2);
    expect(hex(aarq)).toBe(hex(expected));
    await link.close();
    await expect(connecting).rejects.toThrow();
  });
});

describe('wrapper conversation from the vectors', () => {
  it('AARQ → AARE → GET → response → RLRQ → RLRE, byte for byte', async () => {
    const [link, peer] = pair();
    // wrapper-aarq is apdu-aarq-none: conformance 00 7E 1F (our default) and PDU 04B0 = 1200.
    const connecting = DlmsClient.connect({
      link,
      framing: 'wrapper',
      client: 16,
      server: { logical: 1 },
      maxPduSize: 1200,
      timeoutMs: 2000,
    });
    expect(await peer.next()).toBe(vector('wrapper-aarq'));
    await peer.send(vector('wrapper-aare'));
    const client = await connecting;
    expect(client.negotiated.serverMaxReceivePduSize).toBe(500);

    const reading = client.readClock();
    expect(await peer.next()).toBe(vector('wrapper-get-request'));
    // The answer: the GET-Response of hdlc-i-get-response, in a wrapper frame 0001 → 0010.
    await peer.send(
      encodeWrapperFrame({ source: 1, destination: 16, payload: apduOfFrame('hdlc-i-get-response') }),
    );
    expect((await reading).date?.getTime()).toBe(vectorClock.getTime());

    const closing = client.close();
    expect(await peer.next()).toBe(vector('wrapper-rlrq'));
    await peer.send(
      encodeWrapperFrame({ source: 1, destination: 16, payload: fromHex(vector('apdu-rlre')) }),
    );
    await closing;
    expect(client.closed).toBe(true);
    // The wrapper has no disconnect: nothing more on the wire, and the link (not the client's) stays open.
    await new Promise((r) => setTimeout(r, 20));
    expect(peer.pending).toBe(0);
    expect(link.isOpen).toBe(true);
  });

  it('takes the data-notification of wrapper-data-notification as a typed push', async () => {
    const [link, peer] = pair();
    const connecting = DlmsClient.connect({
      link,
      framing: 'wrapper',
      maxPduSize: 1200,
      pushDestinations: [0x66],
      timeoutMs: 2000,
    });
    expect(await peer.next()).toBe(vector('wrapper-aarq'));
    await peer.send(vector('wrapper-aare'));
    const client = await connecting;
    const push = new Promise<unknown>((resolve) => client.on('push', resolve));
    await peer.send(vector('wrapper-data-notification'));
    const notification = await push;
    expect(notification).toMatchObject({
      type: 'data-notification',
      invoke: { longInvokeId: 1 },
      body: {
        type: 'structure',
        value: [
          { type: 'octet-string', value: fromHex('0000010000FF') },
          { type: 'double-long-unsigned', value: 12345678 },
        ],
      },
    });
    await client.close({ release: false });
  });
});
