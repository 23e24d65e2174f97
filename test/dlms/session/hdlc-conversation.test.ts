// The worked HDLC conversation of spec §4.8 from the vectors, byte for byte, with a scripted meter.
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import { decodeHdlcFrame, encodeHdlcFrame } from '../../../src/dlms/hdlc/frame-codec.js';
import { HdlcClientSession } from '../../../src/dlms/session/hdlc-client-session.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { dlmsVectors } from '../../helpers/vectors.js';
import { hex, nextApdu, ScriptedPeer, vectorApdu, vectorHex } from './hdlc-helpers.js';

const links: Link[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

function reassembledObjectList(): string {
  const v = dlmsVectors.find((x) => x.id === 'hdlc-seg-2')!;
  return (v.meaning as unknown as { reassembled_apdu: string }).reassembled_apdu;
}

async function converse(discAnswer: 'hdlc-ua-empty' | 'hdlc-dm'): Promise<void> {
  const [a, b] = memoryPair();
  links.push(a, b);
  const peer = new ScriptedPeer(b);
  const client = new HdlcClientSession(a, { client: 16, server: { logical: 1, physical: 17 } });

  // 1–2: SNRM without parameters (all defaults), UA with the meter's 154/154/1/1.
  const opening = client.open();
  expect(hex(await peer.next())).toBe(vectorHex('hdlc-snrm-default'));
  await peer.send(vectorHex('hdlc-ua-params'));
  await opening;
  expect(client.state).toBe('open');
  // spec §4.7: each direction takes the smaller of the own proposal and the meter's value.
  expect(client.parameters).toEqual({
    maxInfoTransmit: 128,
    maxInfoReceive: 128,
    windowTransmit: 1,
    windowReceive: 1,
  });

  // 3–4: AARQ in I N(S)=0 N(R)=0 P=1, AARE in I N(S)=0 N(R)=1 F=1.
  let answer = nextApdu(client);
  await client.send(vectorApdu('hdlc-i-aarq'));
  expect(hex(await peer.next())).toBe(vectorHex('hdlc-i-aarq'));
  await peer.send(vectorHex('hdlc-i-aare'));
  const received = await answer;
  expect(hex(received.apdu)).toBe(hex(vectorApdu('hdlc-i-aare')));
  expect(received.unsolicited).toBe(false);
  expect(received.address).toEqual({ client: 16, logicalDevice: 1, physicalDevice: 17 });

  // 5–6: GET clock time.
  answer = nextApdu(client);
  await client.send(vectorApdu('hdlc-i-get-request'));
  expect(hex(await peer.next())).toBe(vectorHex('hdlc-i-get-request'));
  await peer.send(vectorHex('hdlc-i-get-response'));
  expect(hex((await answer).apdu)).toBe(hex(vectorApdu('hdlc-i-get-response')));

  // 7–10: GET object list, answered in two segments with RR N(R)=3 P=1 between them.
  answer = nextApdu(client);
  await client.send(fromHex('C001C1000F0000280000FF0200'));
  const get = decodeHdlcFrame(await peer.next());
  expect(get.control).toEqual({ kind: 'I', sendSequence: 2, receiveSequence: 2, pollFinal: true });
  expect(hex(get.information)).toBe('E6E600C001C1000F0000280000FF0200');
  await peer.send(vectorHex('hdlc-seg-1'));
  expect(hex(await peer.next())).toBe(vectorHex('hdlc-seg-rr'));
  await peer.send(vectorHex('hdlc-seg-2'));
  expect(hex((await answer).apdu)).toBe(reassembledObjectList().toUpperCase());

  // 11–12: DISC, answered by UA or DM (both success, spec §12.6).
  let closeError: Error | undefined | null = null;
  client.on('close', (error) => {
    closeError = error;
  });
  const closing = client.close();
  expect(hex(await peer.next())).toBe(vectorHex('hdlc-disc'));
  await peer.send(vectorHex(discAnswer));
  await closing;
  expect(client.state).toBe('closed');
  expect(closeError).toBeUndefined();
  expect(peer.pending).toBe(0);
  expect((a as Link & { listenerCount(e: string): number }).listenerCount('data')).toBe(0);
}

describe('HDLC conversation from the vectors (spec §4.8)', () => {
  it('SNRM → UA → AARQ/AARE → GET → segmented GET → DISC → UA', async () => {
    await converse('hdlc-ua-empty');
  });

  it('the same conversation with DISC answered by DM', async () => {
    await converse('hdlc-dm');
  });

  it('proposes non-default parameters in the SNRM exactly as hdlc-snrm-params', async () => {
    const [a, b] = memoryPair();
    links.push(a, b);
    const peer = new ScriptedPeer(b);
    const client = new HdlcClientSession(a, {
      client: 16,
      server: { logical: 1, physical: 17 },
      maxInfoTransmit: 512,
      maxInfoReceive: 512,
    });
    const opening = client.open();
    // Windows equal to the default are left out (spec §4.7), so only 05 and 06 are sent.
    const snrm = decodeHdlcFrame(await peer.next());
    expect(hex(snrm.information)).toBe('8180080502020006020200');
    await peer.send(vectorHex('hdlc-ua-params'));
    await opening;
    expect(client.parameters).toEqual({
      maxInfoTransmit: 154,
      maxInfoReceive: 154,
      windowTransmit: 1,
      windowReceive: 1,
    });
    await peer.send(vectorHex('hdlc-ua-empty')); // a stray UA while open is ignored
    const closing = client.close();
    expect(hex(await peer.next())).toBe(vectorHex('hdlc-disc'));
    await peer.send(vectorHex('hdlc-ua-empty'));
    await closing;
  });

  it('emits the UI pushes of the vectors as unsolicited APDUs', async () => {
    const [a, b] = memoryPair();
    links.push(a, b);
    const peer = new ScriptedPeer(b);
    // The push vectors go from server 4/65 to client 0x20.
    const client = new HdlcClientSession(a, { client: 0x20, server: { logical: 4, physical: 65 } });
    const opening = client.open();
    await peer.next();
    await peer.send('7EA00821088373' + '0000' + '7E'); // wrong FCS: discarded without answer
    await peer.send(encodeUa());
    await opening;
    const push = nextApdu(client, 1000, true);
    await peer.send(vectorHex('hdlc-ui-push'));
    const got = await push;
    expect(hex(got.apdu)).toBe(hex(vectorApdu('hdlc-ui-push')));
    expect(got.address).toEqual({ client: 0x20, logicalDevice: 4, physicalDevice: 65 });
    const push2 = nextApdu(client, 1000, true);
    await peer.send(vectorHex('hdlc-ui-push-aidon'));
    expect(hex((await push2).apdu)).toBe(hex(vectorApdu('hdlc-ui-push-aidon')));
    expect(client.stats.badFrames).toBe(1);
  });
});

/** UA from server 4/65 (2-octet address) to client 0x20, no parameters. */
function encodeUa(): Uint8Array {
  return encodeHdlcFrame({
    segmented: false,
    destination: { upper: 0x20, size: 1 },
    source: { upper: 4, lower: 65, size: 2 },
    control: { kind: 'UA', pollFinal: true },
    information: new Uint8Array(0),
  });
}
