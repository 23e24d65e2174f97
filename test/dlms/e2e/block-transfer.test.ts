// Block transfer end to end with tiny sizes: PDUs of 64 octets (service datablocks both ways)
// and HDLC information fields of 32 octets (hundreds of segments), windows above 1, and
// general-block-transfer when both sides use it (spec §4.9, §9.4–§9.6, §9.11).
import { afterEach, describe, expect, it } from 'vitest';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import type { ProfileBuffer } from '../../../src/dlms/cosem/profile-buffer.js';
import type { HdlcClientSession } from '../../../src/dlms/session/hdlc-client-session.js';
import { decodeWrapperFrame } from '../../../src/dlms/wrapper/wrapper-codec.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { tcp } from '../../../src/links/tcp.js';
import {
  blobObis,
  bytes,
  Cleanup,
  type ConnectOptions,
  connectMemory,
  echoObis,
  type Meter,
  meterServer,
  now,
  password,
  sap,
  security,
} from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const profileObis = '1.0.99.1.0.255';
const day = { from: new Date(now.getTime() - 86_400_000), to: now };
const management: ConnectOptions = { client: sap.lls, auth: { mechanism: 'lls', password } };

/** The reference: the same profile read with everything at its largest. */
async function referenceProfile(): Promise<ProfileBuffer> {
  const meter = meterServer();
  const client = await connectMemory(meter.server, 'wrapper', management, cleanup);
  const profile = await client.readProfile(profileObis, day);
  await client.close();
  return profile;
}

interface Sizes {
  /** Client max receive PDU. Default 64. */
  pdu?: number;
  window?: number;
  info?: number;
  gbt?: boolean;
  options?: ConnectOptions;
}

/** A client (64-octet PDUs unless `sizes.pdu`) over an HDLC memory pair served by `meter`. */
async function hdlcClient(meter: Meter, sizes: Sizes): Promise<DlmsClient> {
  const [a, b] = memoryPair();
  cleanup.add(a);
  cleanup.add(b);
  const info = sizes.info ?? 32;
  const window = sizes.window ?? 1;
  const hdlc = { maxInfoTransmit: info, maxInfoReceive: info, windowTransmit: window, windowReceive: window };
  cleanup.add(meter.server.serve(b, { framing: 'hdlc', ...hdlc }));
  return cleanup.add(
    await DlmsClient.connect({
      link: a,
      framing: 'hdlc',
      maxPduSize: sizes.pdu ?? 64,
      hdlc,
      timeoutMs: 5000,
      ...(sizes.gbt === true ? { generalBlockTransfer: true } : {}),
      ...(sizes.options ?? management),
    }),
  );
}

function framesOf(client: DlmsClient): { sent: number; received: number } {
  const stats = (client.session as HdlcClientSession).stats;
  return { sent: stats.framesSent, received: stats.framesReceived };
}

describe('tiny PDUs and information fields', () => {
  it('reads a day of load profile in 100+ segments and many datablocks (HDLC 32, PDU 64)', async () => {
    const reference = await referenceProfile();
    expect(reference.rows).toHaveLength(97);
    const meter = meterServer({ association: { maxPduSize: 64 } });
    const client = await hdlcClient(meter, {});
    expect(client.negotiated.serverMaxReceivePduSize).toBe(64);
    const before = framesOf(client);
    const profile = await client.readProfile(profileObis, day);
    const after = framesOf(client);
    expect(profile).toEqual(reference);
    // ~3.5 kB in ≤ 64-octet blocks, each in ≤ 32-octet information fields.
    expect(after.received - before.received).toBeGreaterThan(100);
    expect(after.sent - before.sent).toBeGreaterThan(100);
  });

  it('writes and reads back a 3000-octet octet-string (SET and GET datablocks)', async () => {
    const meter = meterServer({ association: { maxPduSize: 64 } });
    const client = await hdlcClient(meter, {});
    const value = { type: 'octet-string' as const, value: bytes(3000, 1) };
    const before = framesOf(client);
    await client.set({ classId: 1, obis: blobObis, attribute: 2 }, value);
    expect(framesOf(client).sent - before.sent).toBeGreaterThan(100);
    expect(await client.get({ classId: 1, obis: blobObis, attribute: 2 })).toEqual(value);
  });

  it('invokes a method with a 2000-octet parameter and result (ACTION pblocks both ways)', async () => {
    const meter = meterServer({ association: { maxPduSize: 64 } });
    const client = await hdlcClient(meter, {});
    const parameter = { type: 'octet-string' as const, value: bytes(2000, 2) };
    expect(await client.action({ classId: 1, obis: echoObis, method: 1 }, parameter)).toEqual(parameter);
    // With-list forms in blocks too.
    const big = { type: 'octet-string' as const, value: bytes(300, 3) };
    expect(
      await client.action([
        { classId: 1, obis: echoObis, method: 1, parameters: big },
        { classId: 1, obis: echoObis, method: 1, parameters: { type: 'unsigned', value: 1 } },
      ]),
    ).toEqual([
      { ok: true, value: big },
      { ok: true, value: { type: 'unsigned', value: 1 } },
    ]);
    const items = await client.get([
      { classId: 1, obis: blobObis, attribute: 2 },
      { classId: 7, obis: profileObis, attribute: 3 },
      { classId: 1, obis: '0.0.42.0.0.255', attribute: 2 },
    ]);
    expect(items.every((i) => i.ok)).toBe(true);
    await client.set([
      { classId: 1, obis: blobObis, attribute: 2, value: big },
      { classId: 1, obis: blobObis, attribute: 2, value: big },
    ]);
    expect(await client.get({ classId: 1, obis: blobObis, attribute: 2 })).toEqual(big);
  });

  it('ciphered (authenticated-encrypted) with 64-octet PDUs', async () => {
    const meter = meterServer({ association: { maxPduSize: 64 } });
    const client = await hdlcClient(meter, {
      options: {
        client: sap.authEncrypted,
        auth: { mechanism: 'lls', password },
        security: security(),
      },
    });
    const value = { type: 'octet-string' as const, value: bytes(1000, 4) };
    await client.set({ classId: 1, obis: blobObis, attribute: 2 }, value);
    expect(await client.get({ classId: 1, obis: blobObis, attribute: 2 })).toEqual(value);
    expect(await client.action({ classId: 1, obis: echoObis, method: 1 }, value)).toEqual(value);
  });
});

describe('HDLC windows above 1', () => {
  for (const window of [3, 7]) {
    it(`window ${window}: the same values, fewer turns`, async () => {
      const reference = await referenceProfile();
      const meter = meterServer();
      const client = await hdlcClient(meter, { window, info: 32, pdu: 1024 });
      const session = client.session as HdlcClientSession;
      expect(session.parameters).toMatchObject({ windowTransmit: window, windowReceive: window });
      const before = framesOf(client);
      expect(await client.readProfile(profileObis, day)).toEqual(reference);
      const after = framesOf(client);
      // The client acknowledges a window of segments at a time (one RR per `window` frames).
      const received = after.received - before.received;
      expect(received).toBeGreaterThan(100);
      // (With window 1 the client sends as many frames as it receives.)
      expect(after.sent - before.sent).toBeLessThanOrEqual(Math.ceil(received / window) + 8);
      const value = { type: 'octet-string' as const, value: bytes(4000, window) };
      await client.set({ classId: 1, obis: blobObis, attribute: 2 }, value);
      expect(await client.get({ classId: 1, obis: blobObis, attribute: 2 })).toEqual(value);
    });
  }

  it('window 7 over loopback TCP', async () => {
    const meter = meterServer();
    const hdlc = { maxInfoTransmit: 64, maxInfoReceive: 64, windowTransmit: 7, windowReceive: 7 };
    const listener = cleanup.add(await meter.server.listen({ port: 0, framing: 'hdlc', hdlc }));
    const link: Link = tcp({ host: '127.0.0.1', port: listener.port });
    cleanup.add(link);
    const client = cleanup.add(
      await DlmsClient.connect({ link, framing: 'hdlc', hdlc, timeoutMs: 5000, ...management }),
    );
    const value = { type: 'octet-string' as const, value: bytes(5000, 9) };
    await client.set({ classId: 1, obis: blobObis, attribute: 2 }, value);
    expect(await client.get({ classId: 1, obis: blobObis, attribute: 2 })).toEqual(value);
    expect((await client.readProfile(profileObis, day)).rows).toHaveLength(97);
  });
});

describe('general-block-transfer', () => {
  it('is used both ways when the client asks for it (wrapper, PDU 64)', async () => {
    const reference = await referenceProfile();
    const meter = meterServer({ association: { maxPduSize: 64 } });
    const requests: Uint8Array[] = [];
    const responses: Uint8Array[] = [];
    const client = await connectMemory(
      meter.server,
      'wrapper',
      { ...management, maxPduSize: 64, generalBlockTransfer: true },
      cleanup,
      {
        tap: (a, b) => {
          a.on('data', (chunk) => responses.push(decodeWrapperFrame(chunk).payload.slice()));
          b.on('data', (chunk) => requests.push(decodeWrapperFrame(chunk).payload.slice()));
        },
      },
    );
    expect(client.negotiated.conformance.generalBlockTransfer).toBe(true);
    expect(await client.readProfile(profileObis, day)).toEqual(reference);
    const value = { type: 'octet-string' as const, value: bytes(2000, 5) };
    await client.set({ classId: 1, obis: blobObis, attribute: 2 }, value);
    expect(await client.action({ classId: 1, obis: echoObis, method: 1 }, value)).toEqual(value);
    // Long answers and requests travel in GBT APDUs (E0)…
    const gbt = (list: Uint8Array[]): number => list.filter((p) => p[0] === 0xe0).length;
    expect(gbt(requests)).toBeGreaterThan(50);
    expect(gbt(responses)).toBeGreaterThan(50);
    // … and never in service-specific blocks (§9.11): no get-request-next, set/action blocks,
    // get-response-with-datablock, set-response-datablock or action-response-with-pblock.
    const kinds = (list: Uint8Array[]): string[] => list.map((p) => `${p[0]!.toString(16)}-${p[1]}`);
    expect(kinds(requests)).not.toEqual(expect.arrayContaining(['c0-2']));
    for (const k of ['c1-2', 'c1-3', 'c3-2', 'c3-3']) expect(kinds(requests)).not.toContain(k);
    for (const k of ['c4-2', 'c5-2', 'c5-3', 'c7-2']) expect(kinds(responses)).not.toContain(k);
    // Every response fits the client's 64-octet PDU, every request the meter's.
    for (const p of responses) expect(p.length).toBeLessThanOrEqual(64);
    for (const p of requests) expect(p.length).toBeLessThanOrEqual(64);
  });

  it('is not used when the client does not ask for it (service blocks instead)', async () => {
    const meter = meterServer({ association: { maxPduSize: 64 } });
    const tags = new Set<number>();
    const client = await connectMemory(meter.server, 'wrapper', { ...management, maxPduSize: 64 }, cleanup, {
      tap: (a) => a.on('data', (chunk) => tags.add(decodeWrapperFrame(chunk).payload[0]!)),
    });
    expect(client.negotiated.conformance.generalBlockTransfer).toBe(false);
    expect((await client.readProfile(profileObis, day)).rows).toHaveLength(97);
    expect(tags.has(0xe0)).toBe(false);
  });
});
