// Typed failures: exceptions (and which ones are retried), timeouts, aborts, protocol and decode
// errors, closed links, refused arguments (spec §1.1, §5.3, §6, §13).
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  LinkClosedError,
  memoryPair,
  ProtocolError,
  TimeoutError,
} from '../../../src/index.js';
import {
  encodeFrame,
  ModbusClient,
  ModbusException,
  type ModbusFraming,
  ModbusServer,
} from '../../../src/modbus/index.js';
import {
  answerAll,
  autoClose,
  type Received,
  registersAt,
  rejection,
  type ScriptedOptions,
  type ScriptedPeer,
  scripted,
  settle,
  sleep,
  ticks,
} from './helpers.js';

const track = autoClose();

function setup(framing: ModbusFraming = 'tcp', options: ScriptedOptions = {}) {
  const s = scripted(framing, options);
  track(s.client);
  return s;
}

function answerRead(peer: ScriptedPeer, r: Received): void {
  const request = r.request!;
  if (request.type !== 'read-holding-registers') throw new Error(`unexpected ${request.type}`);
  peer.reply(r, { type: request.type, values: registersAt(request.address, request.quantity) });
}

describe('exception responses', () => {
  it('become a ModbusException with function, code, name and unit', async () => {
    const { client } = setup('tcp', { script: (r, p) => p.refuse(r, 0x02) });
    const error = await rejection(client.readInputRegisters(10, 2, { unitId: 17 }));
    expect(error).toBeInstanceOf(ModbusException);
    expect(error).toMatchObject({
      code: 'ERR_MODBUS_EXCEPTION',
      functionCode: 4,
      exceptionCode: 2,
      exceptionName: 'ILLEGAL DATA ADDRESS',
      unitId: 17,
    });
    expect(client.stats.exceptions).toBe(1);
  });

  it('names unknown exception codes', async () => {
    const { client } = setup('tcp', { script: (r, p) => p.refuse(r, 0x42) });
    const error = (await rejection(client.readCoils(0, 1))) as ModbusException;
    expect(error.exceptionCode).toBe(0x42);
    expect(error.exceptionName).toBe('UNKNOWN EXCEPTION 0x42');
  });

  it.each([0x01, 0x02, 0x03, 0x04, 0x08, 0x0a])('is not retried for code %i', async (code) => {
    const { client, peer } = setup('tcp', { client: { retries: 3 }, script: (r, p) => p.refuse(r, code) });
    const error = (await rejection(client.readHoldingRegisters(0, 1))) as ModbusException;
    expect(error.exceptionCode).toBe(code);
    expect(peer.requests).toHaveLength(1);
    expect(client.stats.retries).toBe(0);
  });

  it.each([0x05, 0x06, 0x0b])('is retried up to `retries` times for code %i', async (code) => {
    const { client, peer } = setup('rtu', { client: { retries: 2 }, script: (r, p) => p.refuse(r, code) });
    const error = (await rejection(client.readHoldingRegisters(0, 1))) as ModbusException;
    expect(error).toBeInstanceOf(ModbusException);
    expect(error.exceptionCode).toBe(code);
    expect(peer.requests).toHaveLength(3);
    expect(client.stats).toMatchObject({ retries: 2, exceptions: 3 });
  });

  it('a retry after SERVER DEVICE BUSY can succeed', async () => {
    const { client, peer } = setup('tcp', {
      client: { retries: 1, retryDelayMs: 10 },
      script: (r, p) => (p.requests.length === 1 ? p.refuse(r, 0x06) : answerRead(p, r)),
    });
    expect((await client.readHoldingRegisters(4, 1))[0]).toBe(registersAt(4, 1)[0]);
    expect(peer.requests).toHaveLength(2);
  });

  it('are not retried without retries configured', async () => {
    const { client, peer } = setup('tcp', { script: (r, p) => p.refuse(r, 0x06) });
    await rejection(client.readHoldingRegisters(0, 1));
    expect(peer.requests).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it.each(['tcp', 'rtu', 'ascii'] as const)('a silent server gives a TimeoutError (%s)', async (framing) => {
    const { client } = setup(framing, { client: { timeoutMs: 30 } });
    const outcome = await settle(client.writeSingleRegister(0, 1));
    expect(outcome.ok).toBe(false);
    const error = outcome.ok ? undefined : outcome.error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', timeoutMs: 30 });
    expect(outcome.ms).toBeGreaterThanOrEqual(25);
    expect(outcome.ms).toBeLessThan(200);
    expect(client.stats.timeouts).toBe(1);
  });
});

describe('abort', () => {
  it('an already aborted signal fails at once and sends nothing', async () => {
    const { client, peer } = setup();
    const reason = new Error('user gave up');
    const error = await rejection(client.readHoldingRegisters(0, 1, { signal: AbortSignal.abort(reason) }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.cause).toBe(reason);
    await ticks(5);
    expect(peer.requests).toHaveLength(0);
  });

  it('aborting a queued request removes it from the queue', async () => {
    const { client, peer } = setup('tcp', { client: { timeoutMs: 500 } });
    const first = client.readHoldingRegisters(0, 1);
    const controller = new AbortController();
    const second = settle(client.readHoldingRegisters(1, 1, { signal: controller.signal }));
    const third = client.readHoldingRegisters(2, 1);
    await peer.waitForRequests(1);
    controller.abort();
    const outcome = await second;
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(AbortError);
    answerRead(peer, peer.at(0));
    await first;
    await peer.waitForRequests(2);
    answerRead(peer, peer.at(1));
    expect((await third)[0]).toBe(registersAt(2, 1)[0]);
    expect(peer.requests.map((r) => (r.request as { address: number }).address)).toEqual([0, 2]);
  });

  it('aborting an in-flight request rejects at once; the bus stays reserved until its answer', async () => {
    const { client, peer } = setup('rtu', {
      pair: { bus: true, baudRate: 115200 },
      client: { timeoutMs: 500 },
    });
    const controller = new AbortController();
    const first = settle(client.readHoldingRegisters(0, 1, { signal: controller.signal }));
    const second = client.readHoldingRegisters(1, 1);
    await peer.waitForRequests(1);
    controller.abort();
    const outcome = await first;
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(AbortError);
    await sleep(20);
    expect(peer.requests).toHaveLength(1); // the server is still answering the first one
    answerRead(peer, peer.at(0));
    await peer.waitForRequests(2);
    answerRead(peer, peer.at(1));
    expect((await second)[0]).toBe(registersAt(1, 1)[0]);
    expect(client.stats.unmatched).toBe(0); // the answer to the aborted request was consumed, not stray
  });

  it('an aborted in-flight request that is never answered frees the bus at its timeout', async () => {
    const { client, peer } = setup('rtu', {
      pair: { bus: true, baudRate: 115200 },
      client: { timeoutMs: 60, staleFlushMs: 5 },
    });
    const controller = new AbortController();
    const first = settle(client.readHoldingRegisters(0, 1, { signal: controller.signal }));
    await peer.waitForRequests(1);
    const abortedAt = performance.now();
    controller.abort();
    await first;
    expect(performance.now() - abortedAt).toBeLessThan(30); // at once, not at its 60 ms timeout
    peer.script = (r, p) => answerRead(p, r);
    const start = performance.now();
    expect((await client.readHoldingRegisters(1, 1))[0]).toBe(registersAt(1, 1)[0]);
    expect(peer.at(1).at - peer.at(0).at).toBeGreaterThanOrEqual(55);
    expect(performance.now() - start).toBeGreaterThanOrEqual(20);
  });

  it('aborting during the retry delay stops the retries', async () => {
    const { client, peer } = setup('tcp', { client: { timeoutMs: 20, retries: 5, retryDelayMs: 100 } });
    const controller = new AbortController();
    const call = settle(client.readHoldingRegisters(0, 1, { signal: controller.signal }));
    await sleep(40);
    controller.abort();
    const outcome = await call;
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(AbortError);
    await sleep(120);
    expect(peer.requests).toHaveLength(1);
  });
});

describe('answers that do not fit the request', () => {
  it.each([
    [
      'a different echoed value (FC6)',
      'write-single-register',
      { type: 'write-single-register', address: 3, value: 2 },
    ],
    ['too many registers (FC3)', 'read', { type: 'read-holding-registers', values: Uint16Array.of(1, 2, 3) }],
    [
      'another function code (FC4 for FC3)',
      'read',
      { type: 'read-input-registers', values: Uint16Array.of(1, 2) },
    ],
    ['an exception for another function', 'read', Uint8Array.of(0x84, 0x02)],
    [
      'a different echoed quantity (FC16)',
      'write-multiple',
      { type: 'write-multiple-registers', address: 0, quantity: 3 },
    ],
  ] as const)('%s is a ProtocolError', async (_name, call, response) => {
    const { client } = setup('tcp', { script: (r, p) => p.reply(r, response) });
    const error = await rejection(
      call === 'read'
        ? client.readHoldingRegisters(0, 2)
        : call === 'write-multiple'
          ? client.writeMultipleRegisters(0, [1, 2])
          : client.writeSingleRegister(3, 1),
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'ERR_PROTOCOL' });
  });

  it('a wrong byte count for the bit quantity (FC1) is a ProtocolError', async () => {
    const { client } = setup('rtu', {
      script: (r, p) => p.reply(r, { type: 'read-coils', values: new Array(16).fill(true) }),
    });
    expect(await rejection(client.readCoils(0, 3))).toBeInstanceOf(ProtocolError);
  });

  it('a different Read Device ID code echo (FC43/14) is a ProtocolError', async () => {
    const { client } = setup('tcp', {
      script: (r, p) =>
        p.reply(r, {
          type: 'read-device-identification',
          readCode: 2,
          conformityLevel: 0x81,
          moreFollows: false,
          nextObjectId: 0,
          objects: [],
        }),
    });
    expect(await rejection(client.readDeviceIdentification())).toBeInstanceOf(ProtocolError);
  });

  it('a device identification that never ends is a ProtocolError (loop guard)', async () => {
    const { client, peer } = setup('tcp', {
      script: (r, p) =>
        p.reply(r, {
          type: 'read-device-identification',
          readCode: 1,
          conformityLevel: 0x01,
          moreFollows: true,
          nextObjectId: 1, // always the same "next" object
          objects: [{ id: 1, value: Uint8Array.of(0x41) }],
        }),
    });
    const error = await rejection(client.readDeviceIdentification());
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/does not terminate/);
    expect(peer.requests).toHaveLength(2);
  });

  it('a malformed response PDU is a DecodeError; the next request still works', async () => {
    const { client, peer } = setup('tcp');
    const call = client.readHoldingRegisters(0, 1);
    await peer.waitForRequests(1);
    peer.reply(peer.at(0), Uint8Array.of(0x03, 0x03, 0x00, 0x01, 0x02)); // odd byte count
    const error = await rejection(call);
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'ERR_DECODE', layer: 'modbus-pdu' });
    peer.script = answerAll;
    expect((await client.readHoldingRegisters(5, 1))[0]).toBe(registersAt(5, 1)[0]);
  });

  it('the unit id of a Modbus/TCP answer is not checked (direct servers, spec §9.3)', async () => {
    const { client } = setup('tcp', {
      script: (r, p) => {
        const q = r.request as { address: number };
        p.reply(r, { type: 'read-holding-registers', values: registersAt(q.address, 1) }, { unitId: 0x11 });
      },
    });
    expect((await client.readHoldingRegisters(3, 1))[0]).toBe(registersAt(3, 1)[0]);
  });
});

describe('link closed', () => {
  it('fails in-flight and queued requests when the peer closes the link', async () => {
    const { client, peer } = setup('tcp', { client: { maxInFlight: 2, timeoutMs: 1000 } });
    const calls = [0, 1, 2].map((a) => settle(client.readHoldingRegisters(a, 1)));
    await peer.waitForRequests(2);
    await peer.link.close();
    for (const outcome of await Promise.all(calls)) {
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(LinkClosedError);
      expect(outcome.ms).toBeLessThan(500);
    }
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(LinkClosedError);
  });

  it('close() fails everything outstanding, and every later call', async () => {
    const { client, peer } = setup('rtu', { client: { timeoutMs: 1000 } });
    const calls = [0, 1, 2].map((a) => settle(client.readHoldingRegisters(a, 1)));
    await peer.waitForRequests(1);
    await client.close();
    for (const outcome of await Promise.all(calls)) {
      expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(LinkClosedError);
      expect(outcome.ms).toBeLessThan(500);
    }
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(LinkClosedError);
    expect(await rejection(client.writeSingleCoil(0, true, { unitId: 0 }))).toBeInstanceOf(LinkClosedError);
    await client.close(); // idempotent
    await ticks(5);
    expect(peer.requests).toHaveLength(1);
  });

  it('closing the link underneath the client fails the calls', async () => {
    const { client, peer, link } = setup('tcp', { client: { timeoutMs: 1000 } });
    const call = settle(client.readHoldingRegisters(0, 1));
    await peer.waitForRequests(1);
    await link.close();
    expect((await call).ok).toBe(false);
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(LinkClosedError);
  });

  it('an MBAP length outside 2–254 fails what is outstanding and closes the link', async () => {
    const { client, peer, link } = setup('tcp', { client: { maxInFlight: 2, timeoutMs: 1000 } });
    const calls = [0, 1].map((a) => settle(client.readHoldingRegisters(a, 1)));
    await peer.waitForRequests(2);
    peer.send(Uint8Array.of(0, 1, 0, 0, 0x10, 0x00, 0xff, 0x03)); // length 4096
    for (const outcome of await Promise.all(calls)) {
      expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(DecodeError);
    }
    await ticks(5);
    expect(link.state).toBe('closed');
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(LinkClosedError);
  });
});

describe('garbage on the line', () => {
  it('is reported as discarded (TCP: unknown protocol id) and does not disturb matching', async () => {
    const { client, peer } = setup('tcp');
    const discarded: DecodeError[] = [];
    client.on('discard', (error) => discarded.push(error));
    const call = client.readHoldingRegisters(1, 1);
    await peer.waitForRequests(1);
    const r = peer.at(0);
    peer.send(
      encodeFrame('tcp', {
        transactionId: r.frame.transactionId!,
        unitId: 1,
        pdu: Uint8Array.of(3, 2, 0, 0),
      }).map(
        (b, i) => (i === 3 ? 7 : b), // protocol id 7
      ),
    );
    answerRead(peer, r);
    expect((await call)[0]).toBe(registersAt(1, 1)[0]);
    expect(discarded).toHaveLength(1);
    expect(client.stats.discarded).toBe(1);
  });

  it.each(['rtu', 'ascii'] as const)('is skipped by %s framing', async (framing) => {
    const { client, peer } = setup(framing, { pair: { bus: true, baudRate: 115200 } });
    const call = client.readHoldingRegisters(1, 1);
    await peer.waitForRequests(1);
    peer.send(Uint8Array.of(0x00, 0xff, 0x13, 0x0a, 0x3a, 0x00));
    const good = peer.frameFor(peer.at(0), { type: 'read-holding-registers', values: registersAt(1, 1) });
    const bad = good.slice();
    bad[bad.length - 3]! ^= 0x01; // corrupted copy first
    peer.send(bad);
    peer.send(good);
    expect((await call)[0]).toBe(registersAt(1, 1)[0]);
    expect(client.stats.discarded).toBeGreaterThanOrEqual(1);
  });
});

describe('refused arguments', () => {
  it('reserved serial addresses 248–255 are refused unless allowed', async () => {
    for (const framing of ['rtu', 'ascii'] as const) {
      const { client, peer } = setup(framing, { script: answerAll });
      for (const unitId of [248, 255]) {
        expect(await rejection(client.readHoldingRegisters(0, 1, { unitId }))).toBeInstanceOf(
          InvalidArgumentError,
        );
      }
      await ticks(5);
      expect(peer.requests).toHaveLength(0);
    }
    const { client, peer } = setup('rtu', { client: { allowReservedAddresses: true }, script: answerAll });
    expect((await client.readHoldingRegisters(0, 1, { unitId: 250 }))[0]).toBe(registersAt(0, 1)[0]);
    expect(peer.at(0).frame.unitId).toBe(250);
  });

  it('unit 255 is the normal default on Modbus/TCP', async () => {
    const { client, peer } = setup('tcp', { script: answerAll });
    await client.readHoldingRegisters(0, 1);
    expect(peer.at(0).frame.unitId).toBe(255);
  });

  it.each([-1, 256, 1.5, Number.NaN])('unit id %d is refused', async (unitId) => {
    const { client } = setup('tcp');
    expect(await rejection(client.writeSingleCoil(0, true, { unitId }))).toBeInstanceOf(InvalidArgumentError);
  });

  it('values out of range are refused before sending (EncodeError)', async () => {
    const { client, peer } = setup('tcp');
    expect(await rejection(client.readHoldingRegisters(0, 126))).toBeInstanceOf(EncodeError);
    expect(await rejection(client.writeSingleRegister(0, 0x10000))).toBeInstanceOf(EncodeError);
    expect(await rejection(client.writeMultipleRegisters(0, []))).toBeInstanceOf(EncodeError);
    await ticks(5);
    expect(peer.requests).toHaveLength(0);
  });

  it('bad per-request timeouts and retries are refused', async () => {
    const { client } = setup('tcp');
    for (const options of [
      { timeoutMs: 0 },
      { timeoutMs: -5 },
      { timeoutMs: Number.NaN },
      { retries: -1 },
      { retries: 0.5 },
    ]) {
      expect(await rejection(client.readHoldingRegisters(0, 1, options))).toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });

  it('bad client options are refused at construction', () => {
    const [link] = memoryPair();
    for (const options of [
      { maxInFlight: 0 },
      { maxInFlight: 1.5 },
      { timeoutMs: 0 },
      { timeoutMs: Number.POSITIVE_INFINITY },
      { retries: -1 },
      { unitId: 256 },
      { retryDelayMs: -1 },
      { staleFlushMs: Number.NaN },
      { framing: 'udp' as 'tcp' },
    ]) {
      expect(() => new ModbusClient({ link, ...options }), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
    void link.close();
  });

  it('a client on an idle link fails with LinkClosedError', async () => {
    const [a, b] = memoryPair();
    await a.close();
    await b.close();
    const client = track(new ModbusClient({ link: a }));
    expect(await rejection(client.readHoldingRegisters(0, 1))).toBeInstanceOf(LinkClosedError);
  });
});

describe('server-generated exceptions', () => {
  it('a real server refusing a quantity answers ILLEGAL DATA VALUE', async () => {
    const [a, b] = memoryPair();
    track({ close: () => b.close() });
    new ModbusServer({ model: { holdingRegisters: 10 } }).serve(b);
    const client = track(new ModbusClient({ link: a, timeoutMs: 100 }));
    // FC3 with quantity 0 cannot be encoded by the client; FC5 with an illegal value neither.
    // A raw FC3 with quantity 0 reaches the server, which answers 03.
    const error = (await rejection(client.rawRequest(3, Uint8Array.of(0, 0, 0, 0)))) as ModbusException;
    expect(error.exceptionCode).toBe(3);
  });
});
