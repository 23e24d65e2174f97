// APDU mode end to end on the embedded broker: DlmsClient with framing 'tunnel-apdu' over mqttLink,
// the gateway running HDLC with the example meter on a memory pair, and the same reads in
// transparent mode to compare the broker traffic.
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import type { DlmsClientOptions } from '../../../src/dlms/client/options.js';
import { HdlcFrameDecoder } from '../../../src/dlms/hdlc/frame-decoder.js';
import { memoryPair } from '../../../src/links/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../../src/mqtt/gateway/index.js';
import { mqttLink, TunnelError } from '../../../src/mqtt/link/index.js';
import { tunnelTopics } from '../../../src/mqtt/protocol/index.js';
import { meterServer, now, password, sap, security } from '../../dlms/e2e/helpers.js';
import { describeWithPrograms, type Mosquitto, startMosquitto } from '../mosquitto/mosquitto.js';
import { Cleanups, gatewayId, management, startSite } from '../mosquitto/site.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
});

const profileObis = '1.0.99.1.0.255';
const hdlc = { maxInfoTransmit: 128, maxInfoReceive: 128 };

interface Site {
  broker: EmbeddedBroker;
  /** Kinds of the HDLC frames the meter sent and received, in order. */
  meterFrames: { sent: string[]; received: string[] };
  /** Number of tunnel envelopes (req and res topics) the broker delivered to the counter. */
  envelopes(): number;
  /** Stops the simulated meter (it falls silent). */
  silence(): Promise<void>;
}

function frameKinds(link: Link, into: string[]): void {
  const decoder = new HdlcFrameDecoder();
  link.on('data', (bytes) => {
    for (const frame of decoder.push(bytes)) into.push(frame.control.kind);
  });
}

async function site(): Promise<Site> {
  const broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
  const [gatewayEnd, meterEnd] = memoryPair();
  const [silentGw] = memoryPair();
  const [rawGw] = memoryPair();
  const meterFrames = { sent: [] as string[], received: [] as string[] };
  frameKinds(gatewayEnd, meterFrames.sent);
  frameKinds(meterEnd, meterFrames.received);
  // Large PDUs on the meter: one profile read is one APDU, segmented only by HDLC.
  const { server } = meterServer({ association: { maxPduSize: 65535 } });
  const served = server.serve(meterEnd, { framing: 'hdlc' });
  cleanups.push(() => served.close());
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      { id: 'dlms', link: gatewayEnd, protocol: 'hdlc', kind: 'serial' },
      { id: 'silent', link: silentGw, protocol: 'hdlc' },
      { id: 'raw', link: rawGw, protocol: 'raw' },
    ],
  });
  await gateway.start();
  cleanups.push(() => gateway.stop());
  const counter = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => counter.endAsync(true));
  let count = 0;
  const topics = tunnelTopics();
  counter.on('message', (topic) => {
    const kind = topics.parse(topic)?.kind;
    if (kind === 'req' || kind === 'res') count++;
  });
  await counter.subscribeAsync('meterlink/#', { qos: 0 });
  return { broker, meterFrames, envelopes: () => count, silence: () => served.close() };
}

async function connect(
  s: Site,
  framing: 'hdlc' | 'tunnel-apdu',
  options: Partial<DlmsClientOptions> = {},
  port = 'dlms',
): Promise<DlmsClient> {
  const client = await DlmsClient.connect({
    link: mqttLink({ broker: s.broker.url, gatewayId: 'gw-1', port }),
    framing,
    client: sap.lls,
    auth: { mechanism: 'lls', password },
    server: { logical: 1, physical: 17 },
    maxPduSize: 65535,
    hdlc,
    timeoutMs: 5000,
    ...options,
  });
  cleanups.push(() => client.close());
  return client;
}

/** Waits until the counter has seen every message (no change for 50 ms), bounded. */
async function settled(s: Site): Promise<number> {
  let last = -1;
  for (let i = 0; i < 40 && last !== s.envelopes(); i++) {
    last = s.envelopes();
    await new Promise((r) => setTimeout(r, 50));
  }
  return s.envelopes();
}

const days = { from: new Date(now.getTime() - 5 * 86_400_000), to: now };

describe('APDU mode of the MQTT tunnel (embedded broker)', () => {
  it('reads a register and the clock with an LLS association; DISC when the lease ends', async () => {
    const s = await site();
    const meter = await connect(s, 'tunnel-apdu');
    expect(meter.session.framing).toBe('tunnel-apdu');
    expect(meter.session.maxApduBytes).toBe(65536);
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
    expect((await meter.readClock()).date?.toISOString()).toBe(now.toISOString());
    expect(s.meterFrames.received[0]).toBe('SNRM');
    await meter.close();
    const deadline = Date.now() + 2000;
    while (s.meterFrames.received.at(-1) !== 'DISC' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(s.meterFrames.received.at(-1)).toBe('DISC');
  });

  it('reads a profile of 100+ HDLC segments with at least 10× fewer broker messages', {
    timeout: 20_000,
  }, async () => {
    const s = await site();
    // The whole conversation: lease, association, capture objects, the profile, release, close.
    const read = async (framing: 'hdlc' | 'tunnel-apdu') => {
      const before = await settled(s);
      const framesBefore = s.meterFrames.sent.length;
      const meter = await connect(s, framing);
      const profile = await meter.readProfile(profileObis, days);
      await meter.close();
      const messages = (await settled(s)) - before;
      const frames = s.meterFrames.sent.length - framesBefore;
      return { rows: profile.rows.length, messages, frames };
    };
    const transparent = await read('hdlc');
    const apdu = await read('tunnel-apdu');
    expect(apdu.rows).toBe(transparent.rows);
    expect(apdu.rows).toBeGreaterThan(400);
    expect(apdu.frames).toBeGreaterThanOrEqual(100);
    expect(transparent.messages).toBeGreaterThanOrEqual(10 * apdu.messages);
  });

  it('runs an HLS-GMAC ciphered association', async () => {
    const s = await site();
    const meter = await connect(s, 'tunnel-apdu', {
      client: sap.hlsCiphered,
      auth: { mechanism: 'hls-gmac' },
      security: security(),
    });
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
  });

  it('replaces the association on a second attach (invocation counter read first): DISC, then SNRM', async () => {
    const s = await site();
    const meter = await connect(s, 'tunnel-apdu', {
      client: sap.hlsCiphered,
      auth: { mechanism: 'hls-gmac' },
      security: security({ invocationCounter: 'read' }),
    });
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
    const setup = s.meterFrames.received.filter((k) => k === 'SNRM' || k === 'DISC');
    expect(setup).toEqual(['SNRM', 'DISC', 'SNRM']);
  });

  it('ends the lease with meter-lost when the meter falls silent during the lease', async () => {
    const s = await site();
    const meter = await connect(s, 'tunnel-apdu', { hdlc: { ...hdlc, frameTimeoutMs: 100, retries: 1 } });
    const closed = new Promise<Error | undefined>((resolve) => meter.link.on('close', resolve));
    await s.silence();
    await expect(meter.readRegister('1.0.1.8.0.255')).rejects.toThrow();
    const error = await closed;
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).reason).toBe('meter-lost');
    expect(meter.closed).toBe(true);
  });

  it('fails with TunnelError unsupported on a port that is not hdlc', async () => {
    const s = await site();
    const error = await connect(s, 'tunnel-apdu', {}, 'raw').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).reason).toBe('unsupported');
  });

  it('fails with TunnelError meter-refused within the bound when the meter does not answer SNRM', async () => {
    const s = await site();
    const started = Date.now();
    const error = await connect(
      s,
      'tunnel-apdu',
      { hdlc: { ...hdlc, frameTimeoutMs: 100, retries: 1 } },
      'silent',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).reason).toBe('meter-refused');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects framing tunnel-apdu on a link without APDU mode', async () => {
    const [a, b] = memoryPair();
    cleanups.push(() => a.close());
    cleanups.push(() => b.close());
    const error = await DlmsClient.connect({ link: a, framing: 'tunnel-apdu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });
});

describeWithPrograms('APDU mode on mosquitto 2 (MQTT 5)', {}, () => {
  let broker: Mosquitto;
  const local = new Cleanups();
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(() => local.run());

  it('reads a register and a day of profile with framing tunnel-apdu', async () => {
    await startSite(broker.url, local, { maxPduSize: 65535 });
    const meter = await DlmsClient.connect({
      link: mqttLink({ broker: broker.url, gatewayId, port: 'dlms' }),
      framing: 'tunnel-apdu',
      ...management,
      timeoutMs: 5000,
    });
    local.add(() => meter.close());
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
    const day = { from: new Date(now.getTime() - 86_400_000), to: now };
    expect((await meter.readProfile(profileObis, day)).rows).toHaveLength(97);
  });
});
