import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { memoryPair } from '../../../src/links/index.js';
import { encodeValue } from '../../../src/modbus/registers/value.js';
import { type ModbusRequestHandler, ModbusServer } from '../../../src/modbus/server/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import {
  GatewayConfigError,
  type GatewayMode,
  type GatewayPortProtocol,
  MqttGateway,
} from '../../../src/mqtt/gateway/index.js';
import {
  type PublishMeter,
  parsePublishConfig,
  publishMode,
  type ReadingMessage,
} from '../../../src/mqtt/gateway/publish/index.js';
import { meterServer, now, password, sap } from '../../dlms/e2e/helpers.js';
import { delay, ScriptedHeadEnd } from './helpers.js';

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

interface Site {
  broker: EmbeddedBroker;
  gateway: MqttGateway;
  messages: ReadingMessage[];
  /** Waits (bounded) for `count` messages of meter `id`. */
  readings(id: string, count?: number, timeoutMs?: number): Promise<ReadingMessage[]>;
}

/** A broker, a DLMS meter on port `dlms`, a Modbus device on port `mb`, an unserved port `dead`. */
async function site(
  modes: () => GatewayMode[],
  start = true,
  onRequest?: ModbusRequestHandler,
): Promise<Site> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const [dlmsGw, dlmsMeter] = memoryPair();
  const served = meterServer().server.serve(dlmsMeter, { framing: 'hdlc' });
  cleanups.push(() => served.close());
  const [modbusGw, modbusMeter] = memoryPair({ bus: true });
  const registers = new Uint16Array(10);
  registers.set(encodeValue('float32', 230.5), 0);
  registers.set(encodeValue('uint32', 123456), 2);
  const modbus = new ModbusServer({
    unitIds: [3],
    model: { holdingRegisters: registers },
    ...(onRequest === undefined ? {} : { onRequest }),
  });
  modbus.serve(modbusMeter, { framing: 'rtu' });
  const [deadGw] = memoryPair();
  const messages: ReadingMessage[] = [];
  const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => sub.endAsync(true));
  sub.on('message', (_topic, payload) => messages.push(JSON.parse(payload.toString()) as ReadingMessage));
  await sub.subscribeAsync('meterlink/gw/gw-1/meter/+/reading', { qos: 1 });
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      { id: 'dlms', link: dlmsGw, protocol: 'hdlc' },
      { id: 'mb', link: modbusGw, protocol: 'modbus-rtu' },
      { id: 'dead', link: deadGw, protocol: 'hdlc' },
    ],
    modes: modes(),
  });
  cleanups.push(() => gateway.stop());
  if (start) await gateway.start();
  const readings = async (id: string, count = 1, timeoutMs = 4000): Promise<ReadingMessage[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.filter((m) => m.meter === id);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`no ${count} reading(s) of ${id} within ${timeoutMs} ms`);
      await delay(10);
    }
  };
  return { broker, gateway, messages, readings };
}

/** The same values read directly from a second connection to the simulated meter. */
async function direct(obis: string): Promise<{ value: number; unit: string }> {
  const [a, b] = memoryPair();
  const served = meterServer().server.serve(b, { framing: 'hdlc' });
  const client = await DlmsClient.connect({ link: a, ...dlms });
  try {
    return await client.readRegister(obis);
  } finally {
    await client.close();
    await served.close();
    await a.close();
  }
}

const dlmsMeter: PublishMeter = {
  id: 'm1',
  port: 'dlms',
  intervalMs: 60_000,
  dlms,
  read: [
    { obis: '1.0.1.8.0.255', name: 'energy' },
    { obis: '1.0.32.7.0.255' },
    { obis: '1.0.1.6.0.255', classId: 4, name: 'max-demand' },
    { obis: '0.0.1.0.0.255', classId: 8, name: 'clock' },
    { obis: '0.0.96.1.0.255', classId: 1, name: 'serial' },
    { obis: '1.0.99.99.0.255', name: 'missing' },
  ],
};

describe('publishMode', () => {
  it('publishes DLMS readings with values, units, timestamps and per-reading quality', async () => {
    const s = await site(() => [publishMode({ meters: [dlmsMeter] })]);
    const [message] = await s.readings('m1');
    expect(message).toMatchObject({ version: 1, meter: 'm1', gateway: 'gw-1' });
    expect(Number.isNaN(Date.parse(message!.time))).toBe(false);
    const byName = new Map(message!.readings.map((r) => [r.name, r]));
    const energy = await direct('1.0.1.8.0.255');
    expect(byName.get('energy')).toMatchObject({
      obis: '1.0.1.8.0.255',
      classId: 3,
      value: energy.value,
      unit: 'Wh',
      quality: 'good',
    });
    const voltage = await direct('1.0.32.7.0.255');
    expect(byName.get('1.0.32.7.0.255')).toMatchObject({ value: voltage.value, unit: 'V', quality: 'good' });
    // The extended register's capture time is the reading's timestamp (in the meter's past).
    const demand = byName.get('max-demand')!;
    expect(demand).toMatchObject({ unit: 'W', quality: 'good' });
    expect(Date.parse(demand.timestamp)).toBeLessThanOrEqual(now.getTime());
    expect(byName.get('clock')).toMatchObject({ value: now.toISOString(), quality: 'good' });
    expect(byName.get('serial')).toMatchObject({ quality: 'good' });
    expect(typeof byName.get('serial')!.value).toBe('string');
    const missing = byName.get('missing')!;
    expect(missing.quality).toBe('bad');
    expect(missing.value).toBeUndefined();
    expect(missing.error?.code).toBe('ERR_DLMS_DATA_ACCESS');
  });

  it('publishes Modbus register blocks with scale and units; a failing block is bad', async () => {
    const s = await site(() => [
      publishMode({
        retain: true,
        meters: [
          {
            id: 'pm1',
            port: 'mb',
            intervalMs: 60_000,
            modbus: { unitId: 3, timeoutMs: 500 }, // framing: RTU, as the port is modbus-rtu
            blocks: [
              {
                table: 'holding',
                address: 0,
                fields: {
                  voltage: { type: 'float32', unit: 'V' },
                  energy: { type: 'uint32', scale: 0.1, unit: 'kWh' },
                },
              },
              { table: 'holding', address: 50, fields: { beyond: 'uint16' } },
            ],
          },
        ],
      }),
    ]);
    const [message] = await s.readings('pm1');
    expect(message!.readings).toEqual([
      expect.objectContaining({
        name: 'voltage',
        table: 'holding',
        register: 0,
        value: 230.5,
        unit: 'V',
        quality: 'good',
      }),
      expect.objectContaining({ name: 'energy', register: 2, value: 12345.6, unit: 'kWh', quality: 'good' }),
      expect.objectContaining({
        name: 'beyond',
        register: 50,
        quality: 'bad',
        error: expect.objectContaining({ code: 'ERR_MODBUS_EXCEPTION' }),
      }),
    ]);
    // Retained: a late subscriber gets the last message.
    const late = await mqtt.connectAsync(s.broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => late.endAsync(true));
    const got = new Promise<string>((resolve) => late.on('message', (t) => resolve(t)));
    await late.subscribeAsync('meterlink/gw/gw-1/meter/pm1/reading', { qos: 1 });
    expect(await Promise.race([got, delay(2000).then(() => 'none')])).toBe(
      'meterlink/gw/gw-1/meter/pm1/reading',
    );
  });

  it('never overlaps cycles of one meter: a late cycle is skipped and counted', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const mode = publishMode({
      meters: [
        {
          id: 'slow',
          port: 'mb',
          intervalMs: 20,
          modbus: { unitId: 3, timeoutMs: 1000 },
          blocks: [{ table: 'holding', address: 0, fields: { voltage: 'float32' } }],
        },
      ],
    });
    // Every answer takes 60 ms: three intervals.
    const s = await site(
      () => [mode],
      true,
      async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await delay(60);
        inFlight--;
        return undefined;
      },
    );
    await s.readings('slow', 2);
    await s.gateway.stop();
    const stats = mode.stats('slow');
    expect(stats.cycles).toBeGreaterThanOrEqual(2);
    expect(stats.skipped).toBeGreaterThan(0);
    expect(stats.published).toBe(stats.cycles);
    expect(maxInFlight).toBe(1);
    expect(inFlight).toBe(0); // stop() waited for the running cycle
    expect(() => mode.stats('nope')).toThrow(InvalidArgumentError);
  });

  it('waits for a head-end lease on the same port, never interleaving with it', async () => {
    const mode = publishMode({
      runAtStart: false,
      meters: [{ ...dlmsMeter, intervalMs: 300, acquireTimeoutMs: 5000 }],
    });
    const s = await site(() => [mode]);
    const he = await ScriptedHeadEnd.connect(s.broker.url, 'he-1');
    cleanups.push(() => he.close());
    await he.send('dlms', { type: 'open', sessionId: 9 });
    await he.waitFor((e) => e.type === 'opened');
    // The first cycle is due at 300 ms and waits in the port's queue behind the head-end.
    await delay(600);
    expect(s.messages).toEqual([]);
    expect(mode.stats('m1')).toMatchObject({ cycles: 0, skipped: 1 });
    await he.send('dlms', { type: 'close', sessionId: 9, seq: 1 });
    const [message] = await s.readings('m1');
    expect(message!.readings.find((r) => r.name === 'energy')?.quality).toBe('good');
  });

  it('an unreachable meter gives bad readings for the whole plan with the typed error code', async () => {
    const s = await site(() => [
      publishMode({
        meters: [
          { ...dlmsMeter, id: 'gone', port: 'dead', dlms: { ...dlms, timeoutMs: 150, hdlc: { retries: 0 } } },
        ],
      }),
    ]);
    const [message] = await s.readings('gone');
    expect(message!.readings).toHaveLength(dlmsMeter.read.length);
    for (const r of message!.readings) {
      expect(r).toMatchObject({ quality: 'bad', error: { code: 'ERR_TIMEOUT' } });
    }
  });

  it('refuses bad options and ports the gateway does not have', async () => {
    expect(() => publishMode({ meters: [] })).toThrow(InvalidArgumentError);
    expect(() => publishMode({ meters: [{ ...dlmsMeter, id: 'a/b' }] })).toThrow(/meters\[0\]\.id/);
    expect(() => publishMode({ meters: [dlmsMeter, dlmsMeter] })).toThrow(/used twice/);
    expect(() =>
      publishMode({
        meters: [
          {
            id: 'x',
            port: 'mb',
            intervalMs: 1000,
            modbus: {},
            blocks: [{ table: 'holding', address: 0, fields: { a: 'uint32', b: { type: 'uint16', at: 1 } } }],
          },
        ],
      }),
    ).toThrow(/blocks\[0\].*overlap/);
    const mode = publishMode({ meters: [{ ...dlmsMeter, port: 'nope' }] });
    await expect(
      mode.start({ gatewayId: 'gw-x', ports: () => [{ id: 'p', protocol: 'hdlc' }] } as never),
    ).rejects.toThrow(/no port nope/);
  });

  it("fits each meter to its port's protocol at start", async () => {
    const modbusMeter = (framing?: 'rtu' | 'tcp') => ({
      id: 'mm',
      port: 'p',
      intervalMs: 1000,
      modbus: framing === undefined ? {} : { framing },
      blocks: [{ table: 'holding' as const, address: 0, fields: { a: 'uint16' as const } }],
    });
    const start = (meter: PublishMeter, protocol: GatewayPortProtocol) =>
      publishMode({ runAtStart: false, meters: [meter] }).start({
        gatewayId: 'gw-x',
        ports: () => [{ id: 'p', protocol }],
      } as never);
    await expect(start(modbusMeter(), 'hdlc')).rejects.toThrow(
      /meter mm: Modbus framing rtu cannot run on port p \(protocol hdlc\)/,
    );
    await expect(start(modbusMeter('tcp'), 'modbus-rtu')).rejects.toThrow(/framing tcp cannot run/);
    await expect(start(modbusMeter(), 'raw')).rejects.toThrow(
      /port p is raw, so modbus.framing must be given/,
    );
    await expect(start({ ...dlmsMeter, port: 'p' }, 'modbus-rtu')).rejects.toThrow(InvalidArgumentError);
    const wrapper = { ...dlmsMeter, port: 'p', dlms: { ...dlms, framing: 'wrapper' as const } };
    await expect(start(wrapper, 'hdlc')).rejects.toThrow(/DLMS framing wrapper cannot run on port p/);
    const fits: [PublishMeter, GatewayPortProtocol][] = [
      [modbusMeter(), 'modbus-rtu'],
      [modbusMeter('tcp'), 'raw'],
      [{ ...dlmsMeter, port: 'p' }, 'hdlc'],
      [{ ...dlmsMeter, port: 'p' }, 'raw'],
      [wrapper, 'raw'],
    ];
    for (const [meter, protocol] of fits) {
      const mode = publishMode({ runAtStart: false, meters: [meter] });
      await mode.start({ gatewayId: 'gw-x', ports: () => [{ id: 'p', protocol }] } as never);
      await mode.stop();
    }
  });
});

describe('parsePublishConfig', () => {
  const meter = {
    id: 'm1',
    port: 'p0',
    intervalMs: 60000,
    dlms: {
      framing: 'hdlc',
      client: 3,
      server: { logical: 1, physical: 17 },
      auth: { mechanism: 'hls-gmac' },
      security: {
        encryptionKey: '000102030405060708090A0B0C0D0E0F',
        authenticationKey: { env: 'AK' },
        systemTitle: '4D4D4D0000000001',
        invocationCounter: 'read',
      },
    },
    read: [{ obis: '1.0.1.8.0.255' }, { obis: '0.0.1.0.0.255', classId: 8, name: 'clock' }],
  };

  it('turns JSON into options, keys from hex or the environment', () => {
    const options = parsePublishConfig({ mode: 'publish', meters: [meter], qos: 0 }, 'modes[0]', {
      AK: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
    });
    expect(options.qos).toBe(0);
    const m = options.meters[0]!;
    expect('dlms' in m && m.dlms.security?.authenticationKey).toEqual(
      Uint8Array.from([
        0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
      ]),
    );
    expect(() => publishMode(options)).not.toThrow();
    const modbus = parsePublishConfig(
      {
        meters: [
          {
            id: 'pm',
            port: 'rs485',
            intervalMs: 1000,
            modbus: { unitId: 2 },
            blocks: [
              { table: 'input', address: 0, fields: { v: { type: 'float32', unit: 'V' }, e: 'uint32' } },
            ],
          },
        ],
      },
      'publish',
    );
    expect(modbus.meters[0]).toMatchObject({ modbus: { unitId: 2 }, blocks: [{ table: 'input' }] });
  });

  it('names the JSON path at fault and never echoes a key', () => {
    const secret = '00112233445566778899AABBCCDDEEF'; // one digit short
    const bad = (json: unknown, path: string): void => {
      let error: unknown;
      try {
        parsePublishConfig(json, 'modes[0]', { AK: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GatewayConfigError);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as GatewayConfigError).path).toBe(path);
      expect((error as Error).message).not.toContain(secret);
    };
    bad({ meters: [{ ...meter, read: [{ obis: '1.0.1.8.0' }] }] }, 'modes[0].meters[0].read[0].obis');
    bad(
      {
        meters: [
          { ...meter, dlms: { ...meter.dlms, security: { ...meter.dlms.security, encryptionKey: secret } } },
        ],
      },
      'modes[0].meters[0].dlms.security.encryptionKey',
    );
    bad(
      {
        meters: [
          {
            ...meter,
            dlms: { ...meter.dlms, security: { ...meter.dlms.security, authenticationKey: { env: 'NOPE' } } },
          },
        ],
      },
      'modes[0].meters[0].dlms.security.authenticationKey.env',
    );
    bad({ meters: [{ ...meter, colour: 'red' }] }, 'modes[0].meters[0].colour');
    bad({ meters: [meter, meter] }, 'modes[0].meters[1].id');
    bad({ meters: [{ ...meter, intervalMs: 0 }] }, 'modes[0].meters[0].intervalMs');
    bad(
      {
        meters: [
          {
            id: 'x',
            port: 'p',
            intervalMs: 5,
            modbus: {},
            blocks: [{ table: 'coils', address: 0, fields: { a: 'uint16' } }],
          },
        ],
      },
      'modes[0].meters[0].blocks[0].table',
    );
    bad(
      {
        meters: [
          {
            id: 'x',
            port: 'p',
            intervalMs: 5,
            modbus: {},
            blocks: [{ table: 'input', address: 0, fields: { a: 'uint17' } }],
          },
        ],
      },
      'modes[0].meters[0].blocks[0].fields.a',
    );
  });
});
