import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, TimeoutError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import {
  memoryPair,
  type SerialPortLike,
  type SerialPortModule,
  serial,
  tcp,
} from '../../../src/links/index.js';
import { ModbusClient } from '../../../src/modbus/client/modbus-client.js';
import { ModbusException } from '../../../src/modbus/client/modbus-exception.js';
import { decodeValue } from '../../../src/modbus/registers/value.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import {
  type BridgeMappingEntry,
  type BridgeMode,
  bridgeMode,
  parseBridgeConfig,
} from '../../../src/mqtt/gateway/bridge/index.js';
import { GatewayConfigError, MqttGateway } from '../../../src/mqtt/gateway/index.js';
import { meterServer, password, sap } from '../../dlms/e2e/helpers.js';
import { delay } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

const dlms = {
  framing: 'hdlc' as const,
  client: sap.lls,
  auth: { mechanism: 'lls' as const, password },
  server: { logical: 1, physical: 17 },
  timeoutMs: 2000,
};

const mapping: BridgeMappingEntry[] = [
  { obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' },
  { obis: '1.0.32.7.0.255', table: 'input', address: 2, type: 'float32' },
  { obis: '1.0.32.7.0.255', table: 'holding', address: 10, type: 'uint16', scale: 10, name: 'deci-volts' },
  { obis: '1.0.1.8.0.255', table: 'holding', address: 20, type: 'uint64', order: 'CDAB' },
  { obis: '1.0.13.7.0.255', table: 'holding', address: 30, type: 'int16', scale: 1000 },
  { obis: '1.0.31.7.0.255', table: 'holding', address: 40, type: 'float64' },
];

async function until(predicate: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

async function site(port: 'dlms' | 'dead', options: Partial<Parameters<typeof bridgeMode>[0]> = {}) {
  const broker: EmbeddedBroker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const [dlmsGw, dlmsMeter] = memoryPair();
  const served = meterServer().server.serve(dlmsMeter, { framing: 'hdlc' });
  cleanups.push(() => served.close());
  const [deadGw] = memoryPair();
  const bridge: BridgeMode = bridgeMode({
    port,
    dlms,
    mapping,
    pollIntervalMs: 5000,
    ...(options.serve === undefined ? { listen: { port: 0 } } : {}),
    status: { table: 'input', address: 100 },
    ...options,
  });
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      { id: 'dlms', link: dlmsGw, protocol: 'hdlc' },
      { id: 'dead', link: deadGw, protocol: 'hdlc' },
    ],
    modes: [bridge],
  });
  cleanups.push(() => gateway.stop());
  return { gateway, bridge };
}

async function modbusTo(bridge: BridgeMode): Promise<ModbusClient> {
  const { host, port } = bridge.endpoint!;
  const client = await ModbusClient.connect({
    link: tcp({ host, port }),
    framing: 'tcp',
    unitId: 1,
    timeoutMs: 2000,
  });
  cleanups.push(() => client.close());
  return client;
}

async function exceptionOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ModbusException);
    return (error as ModbusException).exceptionCode;
  }
}

async function directRegister(obis: string): Promise<number> {
  const [a, b] = memoryPair();
  const served = meterServer().server.serve(b, { framing: 'hdlc' });
  const client = await DlmsClient.connect({ link: a, ...dlms });
  try {
    return (await client.readRegister(obis)).value;
  } finally {
    await client.close();
    await served.close();
    await a.close();
  }
}

describe('bridgeMode', () => {
  it('serves the meter values as registers after the first poll; busy before it', async () => {
    const { gateway, bridge } = await site('dlms');
    // Hold the port so that the first poll waits: the values are not known yet.
    const hold = await gateway.acquirePort('dlms', { holder: 'test' });
    await gateway.start();
    const mb = await modbusTo(bridge);
    expect(await exceptionOf(mb.readInputRegisters(0, 4))).toBe(0x06);
    const before = await mb.readInputRegisters(100, 3);
    expect([...before]).toEqual([0, 0, 0xffff]);
    hold.release();
    await until(() => bridge.status().polls >= 1, 'the first poll');
    expect(bridge.status()).toMatchObject({ polls: 1, lastPoll: 'ok' });

    const energy = await directRegister('1.0.1.8.0.255');
    const voltage = await directRegister('1.0.32.7.0.255');
    const current = await directRegister('1.0.31.7.0.255');
    const input = await mb.readInputRegisters(0, 4);
    expect(decodeValue('uint32', input)).toBe(energy);
    expect(decodeValue('float32', input, { start: 2 })).toBeCloseTo(voltage, 4);
    expect((await mb.readHoldingRegisters(10, 1))[0]).toBe(Math.round(voltage * 10));
    expect(decodeValue('uint64', await mb.readHoldingRegisters(20, 4), { order: 'CDAB' })).toBe(
      BigInt(energy),
    );
    const pf = decodeValue('int16', await mb.readHoldingRegisters(30, 1));
    expect(pf).toBeGreaterThan(900);
    expect(pf).toBeLessThanOrEqual(1000);
    expect(decodeValue('float64', await mb.readHoldingRegisters(40, 4))).toBe(current);
    const status = await mb.readInputRegisters(100, 3);
    expect([...status]).toEqual([1, mapping.length, 0]);

    // Unmapped registers, writes and other functions are refused.
    expect(await exceptionOf(mb.readInputRegisters(3, 2))).toBe(0x02);
    expect(await exceptionOf(mb.readHoldingRegisters(11, 1))).toBe(0x02);
    expect(await exceptionOf(mb.writeSingleRegister(10, 1))).toBe(0x01);
    expect(await exceptionOf(mb.writeMultipleRegisters(20, Uint16Array.of(1, 2)))).toBe(0x01);
    expect(await exceptionOf(mb.readCoils(0, 1))).toBe(0x01);
  });

  it('after a failed poll the values are refused with 04 and the status says failed', async () => {
    const errors: Error[] = [];
    const { gateway, bridge } = await site('dead', {
      dlms: { ...dlms, timeoutMs: 150, hdlc: { retries: 0 } },
    });
    gateway.on('error', (e) => errors.push(e));
    await gateway.start();
    await until(() => bridge.status().polls >= 1, 'the failed poll');
    const mb = await modbusTo(bridge);
    expect(await exceptionOf(mb.readInputRegisters(0, 2))).toBe(0x04);
    expect([...(await mb.readInputRegisters(100, 3))]).toEqual([3, 0, 0xffff]);
    const status = bridge.status();
    expect(status.lastPoll).toBe('failed');
    expect(status.entries.every((e) => !e.valid && e.error?.message !== undefined)).toBe(true);
    expect(errors.some((e) => /bridge poll of port dead/.test(e.message))).toBe(true);
  });

  it('stale values expire after maxAgeMs when polls stop succeeding', async () => {
    const { gateway, bridge } = await site('dlms', {
      pollIntervalMs: 100,
      maxAgeMs: 150,
      acquireTimeoutMs: 50,
    });
    await gateway.start();
    await until(() => bridge.status().lastPoll === 'ok', 'a good poll');
    const mb = await modbusTo(bridge);
    expect((await mb.readInputRegisters(0, 2)).length).toBe(2);
    // A head-end-like holder keeps the port: polls time out waiting, the values age.
    const hold = await gateway.acquirePort('dlms', { holder: 'test', timeoutMs: 2000 });
    await until(() => bridge.status().entries.every((e) => !e.valid), 'the values to expire', 2000);
    expect(await exceptionOf(mb.readInputRegisters(0, 2))).toBe(0x04);
    hold.release();
    await until(() => bridge.status().entries.every((e) => e.valid), 'fresh values', 2000);
  });

  it('refuses bad mappings, naming the entry', () => {
    const base = { port: 'p', dlms, pollIntervalMs: 1000, listen: { port: 0 } };
    const bad = (
      m: BridgeMappingEntry[],
      pattern: RegExp,
      status?: { table: 'input'; address: number },
    ): void => {
      expect(() => bridgeMode({ ...base, mapping: m, ...(status ? { status } : {}) })).toThrow(
        InvalidArgumentError,
      );
      expect(() => bridgeMode({ ...base, mapping: m, ...(status ? { status } : {}) })).toThrow(pattern);
    };
    bad(
      [
        { obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' },
        { obis: '1.0.2.8.0.255', table: 'input', address: 1, type: 'uint16' },
      ],
      /mapping\[1\] \(1\.0\.2\.8\.0\.255\) overlaps mapping\[0\] \(1\.0\.1\.8\.0\.255\) at input register 1/,
    );
    bad(
      [{ obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint24' as never }],
      /mapping\[0\].*uint24/,
    );
    bad([{ obis: '1.0.1.8', table: 'input', address: 0, type: 'uint16' }], /mapping\[0\].*not an OBIS/);
    bad(
      [{ obis: '1.0.1.8.0.255', table: 'input', address: 65535, type: 'uint32' }],
      /mapping\[0\].*do not fit/,
    );
    bad(
      [{ obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint16', scale: 0 }],
      /mapping\[0\].*scale/,
    );
    bad(
      [{ obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32', order: 'XYZW' as never }],
      /mapping\[0\].*order/,
    );
    bad([{ obis: '0.0.1.0.0.255', classId: 8, table: 'input', address: 0, type: 'uint32' }], /clock/);
    bad(
      [{ obis: '1.0.1.8.0.255', table: 'input', address: 2, type: 'uint16' }],
      /overlaps the status registers/,
      {
        table: 'input',
        address: 1,
      },
    );
    bad([], /non-empty/);
  });

  it('parseBridgeConfig turns JSON into options and names the path at fault', () => {
    const json = {
      mode: 'bridge',
      port: 'p0',
      pollIntervalMs: 10000,
      dlms: { framing: 'hdlc', client: 1, auth: { mechanism: 'lls', password: { env: 'PW' } } },
      listen: { port: 1502, host: '0.0.0.0' },
      status: { table: 'input', address: 100 },
      mapping: [
        { obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' },
        { obis: '1.0.32.7.0.255', table: 'input', address: 2, type: 'float32', order: 'CDAB', scale: 1 },
      ],
    };
    const options = parseBridgeConfig(json, 'modes[1]', { PW: 'hunter22' });
    expect(options).toMatchObject({
      port: 'p0',
      listen: { port: 1502 },
      dlms: { auth: { password: 'hunter22' } },
    });
    expect(() => bridgeMode(options)).not.toThrow();
    const pathOf = (j: unknown): string => {
      try {
        parseBridgeConfig(j, 'modes[1]', { PW: 'hunter22' });
      } catch (e) {
        expect(e).toBeInstanceOf(GatewayConfigError);
        expect((e as Error).message).not.toContain('hunter22');
        return (e as GatewayConfigError).path;
      }
      return 'no error';
    };
    expect(pathOf({ ...json, mapping: [{ ...json.mapping[0], type: 'int8' }] })).toBe(
      'modes[1].mapping[0].type',
    );
    expect(pathOf({ ...json, mapping: [json.mapping[0], { ...json.mapping[1], address: 1 }] })).toBe(
      'modes[1].mapping',
    );
    expect(pathOf({ ...json, listen: {} })).toBe('modes[1].listen.port');
    expect(pathOf({ ...json, dlms: { ...json.dlms, auth: { mechanism: 'lls', password: 7 } } })).toBe(
      'modes[1].dlms.auth.password',
    );
    expect(pathOf({ ...json, extra: 1 })).toBe('modes[1].extra');
  });
});

/**
 * A stand-in for serialport's port (through the serial link's test-only loader): the line's far
 * end is `master`, one end of a memory pair.
 */
function fakeLine(): {
  load: () => Promise<SerialPortModule>;
  loads: () => number;
  ports: EventEmitter[];
  master: Link;
} {
  const [master, wire] = memoryPair();
  const ports: (EventEmitter & SerialPortLike)[] = [];
  let loads = 0;
  wire.on('data', (bytes) => ports.at(-1)?.emit('data', bytes));
  class Port extends EventEmitter implements SerialPortLike {
    isOpen = false;
    constructor() {
      super();
      ports.push(this);
    }
    open(callback: (error: Error | null) => void): void {
      this.isOpen = true;
      setImmediate(() => callback(null));
    }
    write(data: Uint8Array, callback: (error: Error | null | undefined) => void): boolean {
      void wire.write(data).then(() => callback(null), callback);
      return true;
    }
    close(callback: (error: Error | null) => void): void {
      this.isOpen = false;
      setImmediate(() => {
        callback(null);
        this.emit('close');
      });
    }
  }
  const module: SerialPortModule = { SerialPort: Port };
  const load = async (): Promise<SerialPortModule> => {
    loads++;
    return module;
  };
  return { load, loads: () => loads, ports, master };
}

describe('bridgeMode serving a link (serial line)', () => {
  it('answers RTU reads of the mapped registers after the first poll; other addresses get silence', async () => {
    const [master, line] = memoryPair();
    cleanups.push(() => master.close());
    const { gateway, bridge } = await site('dlms', { serve: { link: line, framing: 'rtu' } });
    await gateway.start();
    expect(bridge.endpoint).toBeUndefined();
    await until(() => bridge.status().polls >= 1, 'the first poll');
    const mb = await ModbusClient.connect({ link: master, framing: 'rtu', unitId: 1, timeoutMs: 1000 });
    cleanups.push(() => mb.close());

    const energy = await directRegister('1.0.1.8.0.255');
    const input = await mb.readInputRegisters(0, 4);
    expect(decodeValue('uint32', input)).toBe(energy);
    expect([...(await mb.readInputRegisters(100, 3))]).toEqual([1, mapping.length, 0]);
    expect(await exceptionOf(mb.readInputRegisters(3, 2))).toBe(0x02);
    // A serial server owns one address (default 1): other addresses are silence.
    await expect(mb.readInputRegisters(0, 2, { unitId: 2, timeoutMs: 100 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    // A broadcast write is executed by nobody (the registers are read-only) and answered by nobody.
    await mb.writeSingleRegister(10, 0, { unitId: 0 });
    expect((await mb.readHoldingRegisters(10, 1))[0]).toBeGreaterThan(0);

    // The mode did not open the line, so it leaves it open on stop (and stops answering).
    await gateway.stop();
    expect(line.isOpen).toBe(true);
    await expect(mb.readInputRegisters(0, 2, { timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('opens a serial line only when it starts, reopens it after a drop and closes it on stop', async () => {
    const fake = fakeLine();
    cleanups.push(() => fake.master.close());
    const link = serial({ path: '/dev/ttyFAKE1', baudRate: 9600, loadSerialPort: fake.load });
    const errors: Error[] = [];
    const { gateway, bridge } = await site('dlms', {
      serve: { link, framing: 'ascii' },
      unitIds: [7],
      pollIntervalMs: 100,
    });
    gateway.on('error', (e) => errors.push(e));
    expect(fake.loads()).toBe(0);
    await gateway.start();
    expect(fake.loads()).toBe(1);
    expect(link.isOpen).toBe(true);
    await until(() => bridge.status().polls >= 1, 'the first poll');
    const mb = await ModbusClient.connect({
      link: fake.master,
      framing: 'ascii',
      unitId: 7,
      timeoutMs: 1000,
    });
    cleanups.push(() => mb.close());
    expect((await mb.readInputRegisters(0, 2)).length).toBe(2);

    // The adapter is unplugged: reported, then reopened before the next poll.
    fake.ports[0]!.emit('close', new Error('device disconnected'));
    await until(
      () => errors.some((e) => /Modbus line serial:\/\/\/dev\/ttyFAKE1 closed/.test(e.message)),
      'the report',
    );
    await until(() => fake.ports.length === 2 && link.isOpen, 'the reopen');
    expect((await mb.readInputRegisters(0, 2)).length).toBe(2);

    await gateway.stop();
    expect(link.state).toBe('closed');
    expect(errors.filter((e) => /Modbus line/.test(e.message))).toHaveLength(1);
  });

  it('parseBridgeConfig reads serve like a port link, builds the link unopened, names the path at fault', () => {
    const json = {
      mode: 'bridge',
      port: 'p0',
      pollIntervalMs: 10000,
      dlms: { framing: 'hdlc', client: 16 },
      serve: { serial: { path: '/dev/ttyUSB1', baudRate: 9600 }, framing: 'ascii' },
      unitIds: [7],
      mapping: [{ obis: '1.0.1.8.0.255', table: 'input', address: 0, type: 'uint32' }],
    };
    const options = parseBridgeConfig(json, 'modes[1]');
    expect(options.listen).toBeUndefined();
    expect(options.serve?.framing).toBe('ascii');
    const link = options.serve!.link;
    expect(link.info).toMatchObject({ transport: 'serial', baudRate: 9600, peer: 'serial:///dev/ttyUSB1' });
    expect(link.state).toBe('idle'); // opened (and serialport loaded) only when the mode starts
    expect(bridgeMode(options).endpoint).toBeUndefined();
    expect(
      parseBridgeConfig({ ...json, serve: { tcp: { host: '10.0.0.9', port: 4001 } } }, 'm').serve,
    ).toMatchObject({ link: { info: { transport: 'tcp' } } });

    const pathOf = (j: unknown): string => {
      try {
        parseBridgeConfig(j, 'modes[1]');
      } catch (e) {
        expect(e).toBeInstanceOf(GatewayConfigError);
        return (e as GatewayConfigError).path;
      }
      return 'no error';
    };
    const { serve, ...withoutServe } = json;
    expect(pathOf(withoutServe)).toBe('modes[1]');
    expect(pathOf({ ...json, listen: { port: 1502 } })).toBe('modes[1]');
    expect(pathOf({ ...json, serve: { ...serve, framing: 'tcp' } })).toBe('modes[1].serve.framing');
    expect(pathOf({ ...json, serve: { serial: { path: '/dev/ttyUSB1' } } })).toBe(
      'modes[1].serve.serial.baudRate',
    );
    expect(pathOf({ ...json, serve: { serial: { ...serve.serial, parity: 'x' } } })).toBe(
      'modes[1].serve.serial.parity',
    );
    expect(pathOf({ ...json, serve: { framing: 'rtu' } })).toBe('modes[1].serve');
    expect(pathOf({ ...json, serve: { ...serve, port: 2 } })).toBe('modes[1].serve.port');
    expect(pathOf({ ...json, serve: '/dev/ttyUSB1' })).toBe('modes[1].serve');
  });

  it('needs exactly one of listen and serve, and a serial framing for serve', () => {
    const [, line] = memoryPair();
    const base = { port: 'p', dlms, mapping, pollIntervalMs: 1000 };
    const refused = (options: Record<string, unknown>, pattern: RegExp): void => {
      const create = () => bridgeMode({ ...base, ...options } as Parameters<typeof bridgeMode>[0]);
      expect(create).toThrow(InvalidArgumentError);
      expect(create).toThrow(pattern);
    };
    refused({}, /exactly one of listen .* and serve .*, got neither/);
    refused({ listen: { port: 0 }, serve: { link: line } }, /got both/);
    refused({ serve: { link: line, framing: 'tcp' } }, /serve\.framing must be 'rtu' or 'ascii'/);
    refused({ serve: { link: {} } }, /serve\.link must be a Link/);
    refused({ serve: null }, /serve must give/);
    expect(() => bridgeMode({ ...base, serve: { link: line } })).not.toThrow();
  });
});
