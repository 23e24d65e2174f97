// Serial-line behaviour (RTU and ASCII on a simulated bus): addressing, damaged frames, broadcast,
// listen-only mode, the FC8 counters, the FC11 event counter, the FC12 event log and FC8/03.
import { describe, expect, it } from 'vitest';
import { type DecodeError, toHex } from '../../../src/index.js';
import {
  ModbusClient,
  ModbusException,
  ModbusServer,
  type ModbusServerOptions,
} from '../../../src/modbus/index.js';
import {
  ascii,
  askSerial,
  frameOf,
  rtu,
  servedWire,
  sleep,
  until,
  useCleanup,
  type Wire,
} from './helpers.js';

const track = useCleanup();

type SerialFraming = 'rtu' | 'ascii';

function busServer(
  framing: SerialFraming,
  options: ModbusServerOptions = {},
): { server: ModbusServer; wire: Wire } {
  const server = new ModbusServer({ model: { holdingRegisters: 100, coils: 100 }, ...options });
  return { server, wire: servedWire(server, framing, track, { bus: true }) };
}

/** A frame with its check sequence damaged (last CRC byte or last LRC digit changed). */
function damaged(framing: SerialFraming, unitId: number, pdu: string): Uint8Array {
  const bytes = frameOf(framing, unitId, pdu).slice();
  const at = framing === 'rtu' ? bytes.length - 1 : bytes.length - 3;
  bytes[at] = framing === 'rtu' ? bytes[at]! ^ 0x01 : bytes[at] === 0x30 ? 0x31 : 0x30;
  return bytes;
}

/** FC8 counter read through sub-function `sub`. */
async function counter(wire: Wire, framing: SerialFraming, sub: number, unitId = 1): Promise<number> {
  const hex = await askSerial(wire, framing, unitId, `0800${sub.toString(16).padStart(2, '0')}0000`);
  return Number.parseInt(hex.slice(6), 16);
}

/** Proves the server ignored what was sent before: the next answer is the probe's (unit 1, register 0). */
async function probe(wire: Wire, framing: SerialFraming): Promise<void> {
  expect(await askSerial(wire, framing, 1, '0300000001')).toMatch(/^0302/);
}

describe.each(['rtu', 'ascii'] as const)('%s on a bus', (framing) => {
  it('ignores frames for other addresses (and answers its own)', async () => {
    const { wire } = busServer(framing);
    await wire.send(frameOf(framing, 2, '0300000001'));
    await wire.send(frameOf(framing, 247, '0600000001'));
    await probe(wire, framing);
    expect(wire.length).toBe(0);
  });

  it('ignores frames with a bad CRC/LRC, counts them (FC8/0x0C) and reports them', async () => {
    const { server, wire } = busServer(framing);
    const discards: DecodeError[] = [];
    server.on('discard', (error) => discards.push(error));
    await wire.send(damaged(framing, 1, '0600050007'));
    await probe(wire, framing);
    expect(server.model.holdingRegisters[5]).toBe(0);
    expect(discards.length).toBeGreaterThanOrEqual(1);
    expect(discards[0]!.layer).toBe(framing === 'rtu' ? 'modbus-rtu' : 'modbus-ascii');
    const errors = await counter(wire, framing, 0x0c);
    expect(errors).toBe(discards.length);
    if (framing === 'ascii') expect(errors).toBe(1);
  });

  it('executes an allowed broadcast on every unit and answers nothing', async () => {
    const { server, wire } = busServer(framing, {
      units: { 1: { holdingRegisters: 10 }, 2: { holdingRegisters: 10 } },
    });
    const writes: number[] = [];
    server.on('write', (change) => writes.push(change.unitId));
    await wire.send(frameOf(framing, 0, '0600030007'));
    await wire.send(frameOf(framing, 0, '0F0000000301FF'));
    await probe(wire, framing);
    for (const unit of [1, 2]) {
      expect(server.modelOf(unit)!.holdingRegisters[3]).toBe(7);
      expect([...server.modelOf(unit)!.coils.subarray(0, 4)]).toEqual([1, 1, 1, 0]);
    }
    expect(writes).toEqual([0, 0, 0, 0]);
    // Broadcasts are never answered, so each counts as a no-response (FC8/0x0F).
    expect(await counter(wire, framing, 0x0f)).toBe(2);
  });

  it('does not execute a broadcast the standard does not allow, and counts an exception error', async () => {
    const { server, wire } = busServer(framing);
    // FC23 would write register 1; reads and FC8 sub-function 0 are refused too.
    await wire.send(frameOf(framing, 0, '170000000100010001020009'));
    await wire.send(frameOf(framing, 0, '0300000001'));
    await wire.send(frameOf(framing, 0, '080000ABCD'));
    await wire.send(frameOf(framing, 0, '41'));
    await probe(wire, framing);
    expect(server.model.holdingRegisters[1]).toBe(0);
    expect(await counter(wire, framing, 0x0d)).toBe(4);
  });

  it('listen-only mode: FC8/04 silences the server until FC8/01, which is not answered either', async () => {
    const { server, wire } = busServer(framing);
    const diagnostics = server.diagnosticsOf(1)!;
    await wire.send(frameOf(framing, 1, '0800040000'));
    await until(() => diagnostics.listenOnly, 1000, 'listen-only mode');
    await wire.send(frameOf(framing, 1, '0600010009')); // not executed
    await wire.send(frameOf(framing, 1, '0300000001')); // not answered
    await wire.send(frameOf(framing, 1, '0800000000')); // not even FC8/00
    await wire.send(frameOf(framing, 0, '0600020009')); // nor a broadcast
    await wire.send(frameOf(framing, 1, '45')); // nor an illegal function
    await wire.send(frameOf(framing, 1, '08000A0000')); // nor a counter reset
    await wire.send(frameOf(framing, 1, '0800010000')); // restart: leaves listen-only, silently
    await probe(wire, framing);
    expect(diagnostics.listenOnly).toBe(false);
    expect([...server.model.holdingRegisters.subarray(1, 3)]).toEqual([0, 0]);
    expect(wire.length).toBe(0);
  });

  it('a broadcast FC8/04 silences every unit; a broadcast FC8/01 wakes them', async () => {
    const { server, wire } = busServer(framing, { unitIds: [1, 2] });
    await wire.send(frameOf(framing, 0, '0800040000'));
    await until(() => server.diagnosticsOf(2)!.listenOnly, 1000, 'listen-only mode');
    await wire.send(frameOf(framing, 2, '0600010009'));
    await wire.send(frameOf(framing, 0, '0800010000'));
    await probe(wire, framing);
    expect(server.model.holdingRegisters[1]).toBe(0);
  });

  it('FC8 counters 0x0B–0x12, cleared by 0x0A; 0x14 clears the overrun counter', async () => {
    const { server, wire } = busServer(framing, {
      onRequest: (request) => {
        if (request.type === 'read-input-registers' && request.address === 6) {
          throw new ModbusException({ functionCode: 4, exceptionCode: 6, unitId: 1 });
        }
        if (request.type === 'read-input-registers' && request.address === 7) {
          throw new ModbusException({ functionCode: 4, exceptionCode: 7, unitId: 1 });
        }
        return undefined;
      },
    });
    expect(await askSerial(wire, framing, 1, '0300000001')).toBe('03020000'); // ok
    expect(await askSerial(wire, framing, 1, '0300630002')).toBe('8302'); // exception
    expect(await askSerial(wire, framing, 1, '0400060001')).toBe('8406'); // busy
    expect(await askSerial(wire, framing, 1, '0400070001')).toBe('8407'); // NAK
    await wire.send(frameOf(framing, 9, '0300000001')); // another server
    await wire.send(frameOf(framing, 0, '0600000001')); // broadcast
    await probe(wire, framing); // ok
    // A counter read reports the traffic before it: 6 frames to this unit or broadcast, 1 to unit 9.
    expect(await counter(wire, framing, 0x0b)).toBe(7);
    expect(await counter(wire, framing, 0x0c)).toBe(0);
    expect(await counter(wire, framing, 0x0d)).toBe(3);
    expect(await counter(wire, framing, 0x0e)).toBe(9); // 6 + the three counter reads
    expect(await counter(wire, framing, 0x0f)).toBe(1);
    expect(await counter(wire, framing, 0x10)).toBe(1);
    expect(await counter(wire, framing, 0x11)).toBe(1);
    server.diagnosticsOf(1)!.counters.busCharacterOverruns = 5;
    expect(await counter(wire, framing, 0x12)).toBe(5);
    expect(await askSerial(wire, framing, 1, '0800140000')).toBe('0800140000');
    expect(await counter(wire, framing, 0x12)).toBe(0);
    expect(await askSerial(wire, framing, 1, '08000A0000')).toBe('08000A0000');
    for (const sub of [0x0b, 0x0c, 0x0d, 0x0f, 0x10, 0x11, 0x12]) {
      expect(await askSerial(wire, framing, 1, '08000A0000')).toBe('08000A0000');
      expect(await counter(wire, framing, sub), `sub-function ${sub} after a clear`).toBe(0);
    }
    // FC8/02: the diagnostic register is device-specific; it is cleared with the counters.
    server.diagnosticsOf(1)!.diagnosticRegister = 0x1234;
    expect(await askSerial(wire, framing, 1, '0800020000')).toBe('0800021234');
  });

  it('FC11: successful requests count; exceptions, FC11 itself and resets do not', async () => {
    const { wire } = busServer(framing);
    const events = async (): Promise<string> => askSerial(wire, framing, 1, '0B');
    expect(await events()).toBe('0B00000000');
    await askSerial(wire, framing, 1, '0300000001');
    expect(await events()).toBe('0B00000001');
    await askSerial(wire, framing, 1, '0300640001'); // 02
    await askSerial(wire, framing, 1, '41'); // 01
    await askSerial(wire, framing, 1, '030000007E'); // 03
    expect(await events()).toBe('0B00000001');
    await askSerial(wire, framing, 1, '0600000001');
    await askSerial(wire, framing, 1, '0C');
    expect(await events()).toBe('0B00000003');
    await askSerial(wire, framing, 1, '08000A0000');
    expect(await events()).toBe('0B00000000');
    await askSerial(wire, framing, 1, '0600000001');
    await askSerial(wire, framing, 1, '080001FF00');
    expect(await events()).toBe('0B00000000');
  });

  it('FC12: status, event count, message count and the events, most recent first', async () => {
    const { wire } = busServer(framing);
    const log = async (): Promise<{ eventCount: number; messageCount: number; events: string }> => {
      const hex = await askSerial(wire, framing, 1, '0C');
      expect(hex.slice(4, 8)).toBe('0000'); // status: not busy
      expect(Number.parseInt(hex.slice(2, 4), 16)).toBe(hex.length / 2 - 2);
      return {
        eventCount: Number.parseInt(hex.slice(8, 12), 16),
        messageCount: Number.parseInt(hex.slice(12, 16), 16),
        events: hex.slice(16),
      };
    };
    // A fresh server: only the FC12 request's own receive event.
    expect(await log()).toEqual({ eventCount: 0, messageCount: 0, events: '80' });
    await askSerial(wire, framing, 1, '0300000001'); // receive 80, send 40
    await askSerial(wire, framing, 1, '0300640001'); // receive 80, send 41 (read exception)
    await wire.send(frameOf(framing, 0, '0600000001')); // receive C0 (broadcast), send 40
    await wire.send(damaged(framing, 1, '0300000001')); // receive 82 (communication error)
    const second = await log();
    expect(second.eventCount).toBe(3); // the first FC12, the good read, the broadcast
    expect(second.messageCount).toBe(4); // the first FC12, the two reads, the broadcast
    // RTU may report the damaged frame as two discarded runs (before and after the next chunk).
    expect(second.events).toMatch(/^80(82)+40C0418040804080$/);
    // Listen-only: FC8/04 logs receive 80, "entered listen-only" 04, send 60 (listen-only bit).
    await wire.send(frameOf(framing, 1, '0800040000'));
    await wire.send(frameOf(framing, 1, '0300000001')); // receive A0, nothing else
    await wire.send(frameOf(framing, 1, '0800010000')); // receive A0, restart 00
    const third = await log();
    expect(third.events.slice(0, 16)).toBe('8000A0A060048040');
    expect(third.eventCount).toBe(0);
    // FC8/01 with 0xFF00 clears the log: restart 00, then its send event 40.
    expect(await askSerial(wire, framing, 1, '080001FF00')).toBe('080001FF00');
    expect((await log()).events).toBe('804000');
  });

  it('FC12 keeps the 64 most recent events', async () => {
    const { wire } = busServer(framing);
    for (let i = 0; i < 40; i++) await askSerial(wire, framing, 1, '0300000001');
    const hex = await askSerial(wire, framing, 1, '0C');
    expect(hex.slice(2, 4)).toBe('46'); // 6 + 64
    expect(hex.slice(16)).toBe(`80${'4080'.repeat(31)}40`);
  });
});

describe('RTU specifics', () => {
  it('ignores another server’s answer on the bus (it is not a request)', async () => {
    const { server, wire } = busServer('rtu');
    const requests: number[] = [];
    server.on('request', (_, context) => requests.push(context.unitId));
    await wire.send(rtu(5, '0300000002'));
    // Unit 5 answers two registers: a frame the request table cannot frame.
    await wire.send(rtu(5, '030400010002'));
    await probe(wire, 'rtu');
    expect(requests).toEqual([1]);
    expect(await counter(wire, 'rtu', 0x0b)).toBe(3);
  });

  it('answers a ModbusClient on the bus, and its broadcasts reach every unit', async () => {
    const server = new ModbusServer({ units: { 1: { holdingRegisters: 10 }, 2: { holdingRegisters: 10 } } });
    const wire = servedWire(server, 'rtu', track, { bus: true });
    const client = new ModbusClient({ link: wire.link, framing: 'rtu', unitId: 2, broadcastDelayMs: 1 });
    await client.writeSingleRegister(4, 0x1234);
    expect([...(await client.readHoldingRegisters(3, 2))]).toEqual([0, 0x1234]);
    await client.writeSingleRegister(5, 9, { unitId: 0 });
    await until(() => server.modelOf(1)!.holdingRegisters[5] === 9);
    expect(server.modelOf(2)!.holdingRegisters[5]).toBe(9);
    await expect(client.readHoldingRegisters(9, 2)).rejects.toMatchObject({ exceptionCode: 2 });
  });

  it('FC8/03 is echoed and stored, with no effect on RTU framing', async () => {
    const { server, wire } = busServer('rtu');
    expect(await askSerial(wire, 'rtu', 1, '0800033E00')).toBe('0800033E00');
    expect(server.diagnosticsOf(1)!.asciiDelimiter).toBe(0x3e);
    await probe(wire, 'rtu');
  });
});

describe('ASCII specifics', () => {
  it('FC8/03 changes the end-of-frame character of the link (the echo still ends in LF)', async () => {
    const { server, wire } = busServer('ascii');
    const echo = await wire.exchange(ascii(1, '0800030D00'), ascii(1, '0800030D00').length);
    expect(echo).toBe(toHex(ascii(1, '0800030D00')));
    expect(server.diagnosticsOf(1)!.asciiDelimiter).toBe(0x0d);
    const discards: DecodeError[] = [];
    server.on('discard', (error) => discards.push(error));
    // A frame still ending in CR LF is now malformed.
    await wire.send(ascii(1, '0600010001'));
    await until(() => discards.length > 0, 1000, 'a discarded frame');
    expect(server.model.holdingRegisters[1]).toBe(0);
    // CR CR frames are answered with CR CR.
    const request = ascii(1, '0300000001', 0x0d);
    const answer = ascii(1, '03020000', 0x0d);
    expect(await wire.exchange(request, answer.length)).toBe(toHex(answer));
  });

  it('FC8/03 with a hex digit or a colon is refused with 03', async () => {
    const { server, wire } = busServer('ascii');
    expect(await askSerial(wire, 'ascii', 1, '0800033000')).toBe('8803');
    expect(await askSerial(wire, 'ascii', 1, '0800036600')).toBe('8803');
    expect(server.diagnosticsOf(1)!.asciiDelimiter).toBe(0x0a);
  });

  it('resynchronises on a colon after garbage and a truncated frame', async () => {
    const { wire } = busServer('ascii');
    await wire.send(new TextEncoder().encode('noise:0103'));
    await sleep(5);
    await probe(wire, 'ascii');
  });
});
