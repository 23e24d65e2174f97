import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import type { Link } from '../../../src/core/link.js';
import {
  type Aarq,
  decodeApdu,
  decodeHdlcFrame,
  encodeApdu,
  encodeHdlcFrame,
  type HdlcControl,
  lnClientConformance,
  stripLlc,
  withLlc,
} from '../../../src/dlms/index.js';
import { memoryPair } from '../../../src/links/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../../src/mqtt/gateway/index.js';
import {
  decodeJsonFrameMessage,
  encodeJsonFrameMessage,
  type JsonFrameModeOptions,
  JsonFrameType,
  jsonFrameMode,
  parseJsonFrameConfig,
} from '../../../src/mqtt/gateway/json-frames/index.js';
import { mqttLink } from '../../../src/mqtt/link/index.js';
import { meterServer, sap } from '../../dlms/e2e/helpers.js';
import { delay } from './helpers.js';

type Reply = { id?: unknown; type: number; sender?: string; frame?: string; exception?: string };

const cleanups: (() => unknown)[] = [];
let broker: EmbeddedBroker;

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A head-end speaking the JSON frame format by hand: JSON text out, parsed JSON in. */
class JsonHeadEnd {
  readonly received: Reply[] = [];
  readonly sender: string;
  #waiters: (() => void)[] = [];

  private constructor(
    readonly client: MqttClient,
    name: string,
  ) {
    this.sender = `he/${name}/in`;
    client.on('message', (topic, payload) => {
      if (topic !== this.sender) return;
      this.received.push(JSON.parse(payload.toString()) as Reply);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async connect(name: string): Promise<JsonHeadEnd> {
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, clientId: `json-${name}` });
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const he = new JsonHeadEnd(client, name);
    await client.subscribeAsync(he.sender, { qos: 1 });
    cleanups.push(() => client.endAsync(true));
    return he;
  }

  /** Publishes `{ sender, ...fields }` on `gw-bridge/{port}`. */
  async request(port: string, fields: Record<string, unknown>): Promise<void> {
    await this.raw(port, JSON.stringify({ sender: this.sender, ...fields }));
  }

  async raw(port: string, text: string): Promise<void> {
    await this.client.publishAsync(`gw-bridge/${port}`, text, { qos: 1 });
  }

  /** Waits (bounded) for `count` replies matching `predicate`. */
  async waitFor(predicate: (r: Reply) => boolean, count = 1, timeoutMs = 3000): Promise<Reply[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter(predicate);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The reply with this id and type (waits for it). */
  async reply(id: unknown, type: number): Promise<Reply> {
    const [r] = await this.waitFor((x) => x.id === id && x.type === type);
    return r!;
  }
}

interface Site {
  gateway: MqttGateway;
  /** The scripted meter on port `p1` (index 1). */
  meter: Link;
  /** Bytes the scripted meter received. */
  heard: number[];
  /** The gateway's `error` events. */
  errors: Error[];
}

/** `gw-1` with port `dlms` (index 0: the example meter) and `p1` (index 1: scripted), JSON frame mode on. */
async function startSite(mode: Partial<JsonFrameModeOptions> = {}): Promise<Site> {
  const [dlmsGw, dlmsMeter] = memoryPair();
  const { server } = meterServer();
  const served = server.serve(dlmsMeter, { framing: 'hdlc' });
  cleanups.push(() => served.close());
  const [gwEnd, meter] = memoryPair();
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [
      { id: 'dlms', link: dlmsGw, protocol: 'hdlc' },
      { id: 'p1', link: gwEnd, protocol: 'hdlc' },
    ],
    modes: [jsonFrameMode({ bridgeName: 'gw-bridge', ...mode })],
  });
  const errors: Error[] = [];
  gateway.on('error', (error) => errors.push(error));
  await gateway.start();
  cleanups.push(() => gateway.stop());
  const heard: number[] = [];
  meter.on('data', (bytes) => heard.push(...bytes));
  return { gateway, meter, heard, errors };
}

/** Waits (bounded) until `predicate()` holds. */
async function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

const frameA = [0x7e, 0xa0, 0x07, 0x03, 0x21, 0x93, 0x0f, 0x01, 0x7e];
const frameB = [0x7e, 0xa0, 0x07, 0x03, 0x21, 0x73, 0x0f, 0x02, 0x7e];

describe('jsonFrameMode on the embedded broker', () => {
  beforeEach(async () => {
    broker = await startBroker({ port: 0 });
    cleanups.push(() => broker.close());
  });

  it('carries a real HDLC SNRM/UA, AARQ/AARE and DISC exchange with the example meter', async () => {
    await startSite();
    const he = await JsonHeadEnd.connect('dlms');
    const hdlc = (control: HdlcControl, information: Uint8Array = new Uint8Array(0)): string =>
      toHex(
        encodeHdlcFrame({
          segmented: false,
          destination: { upper: 1, lower: 17 },
          source: { upper: sap.public },
          control,
          information,
        }),
      );
    const answer = async (id: number): Promise<ReturnType<typeof decodeHdlcFrame>> => {
      const r = await he.reply(id, JsonFrameType.receive);
      expect(r.sender).toBe('gw-bridge/0');
      return decodeHdlcFrame(fromHex(r.frame!));
    };

    await he.request('0', { id: 1, type: JsonFrameType.open });
    expect(await he.reply(1, JsonFrameType.open)).toEqual({ id: 1, type: 0, sender: 'gw-bridge/0' });

    await he.request('0', {
      id: 2,
      type: JsonFrameType.send,
      frame: hdlc({ kind: 'SNRM', pollFinal: true }),
    });
    expect((await answer(2)).control.kind).toBe('UA');

    const aarq: Aarq = {
      type: 'aarq',
      applicationContextName: 'logical-name',
      userInformation: {
        type: 'initiate-request',
        responseAllowed: true,
        proposedDlmsVersionNumber: 6,
        proposedConformance: { ...lnClientConformance },
        clientMaxReceivePduSize: 1024,
      },
    };
    const iFrame = hdlc(
      { kind: 'I', sendSequence: 0, receiveSequence: 0, pollFinal: true },
      withLlc(encodeApdu(aarq), 'request'),
    );
    // Lower-case hex with spaces is accepted too.
    await he.request('0', {
      id: 3,
      type: JsonFrameType.send,
      frame: iFrame.replace(/(..)/g, '$1 ').toLowerCase(),
    });
    const aareFrame = await answer(3);
    expect(aareFrame.control.kind).toBe('I');
    const aare = decodeApdu(stripLlc(aareFrame.information, 'response'));
    expect(aare).toMatchObject({ type: 'aare', result: 'accepted' });

    await he.request('0', {
      id: 4,
      type: JsonFrameType.send,
      frame: hdlc({ kind: 'DISC', pollFinal: true }),
    });
    expect((await answer(4)).control.kind).toBe('UA');

    await he.request('0', { id: 5, type: JsonFrameType.close });
    expect(await he.reply(5, JsonFrameType.close)).toEqual({ id: 5, type: 3, sender: 'gw-bridge/0' });
    expect(he.received.filter((r) => r.type === JsonFrameType.exception)).toEqual([]);
  });

  it('by port id: one receive per HDLC frame, a repeated open confirmed, close idempotent, string ids', async () => {
    const site = await startSite();
    const he = await JsonHeadEnd.connect('a');
    await he.request('p1', { id: 'o', type: JsonFrameType.open });
    await he.reply('o', JsonFrameType.open);
    await he.request('p1', { id: 'o2', type: JsonFrameType.open });
    expect(await he.reply('o2', JsonFrameType.open)).toEqual({ id: 'o2', type: 0, sender: 'gw-bridge/p1' });
    await he.request('p1', { id: 's', type: JsonFrameType.send, frame: '010203' });
    await until(() => site.heard.length === 3, 'the meter to hear the send');
    expect(site.heard).toEqual([1, 2, 3]);
    await site.meter.write(Uint8Array.from([...frameA, ...frameB]));
    const receives = await he.waitFor((r) => r.type === JsonFrameType.receive, 2);
    expect(receives).toEqual([
      { id: 's', type: 2, sender: 'gw-bridge/p1', frame: toHex(Uint8Array.from(frameA)) },
      { id: 's', type: 2, sender: 'gw-bridge/p1', frame: toHex(Uint8Array.from(frameB)) },
    ]);
    // An empty frame only keeps the lease alive.
    await he.request('p1', { id: 'k', type: JsonFrameType.send, frame: '' });
    await he.request('p1', { id: 'c', type: JsonFrameType.close });
    await he.reply('c', JsonFrameType.close);
    await he.request('p1', { id: 'c2', type: JsonFrameType.close, frame: null, exception: null });
    await he.reply('c2', JsonFrameType.close);
    expect(site.heard).toEqual([1, 2, 3]);
    expect(he.received.filter((r) => r.type === JsonFrameType.exception)).toEqual([]);
  });

  it('senders contending for a port are served FIFO, their bytes never interleave', async () => {
    const site = await startSite();
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => JsonHeadEnd.connect(n)));
    await a!.request('1', { id: 1, type: JsonFrameType.open });
    await a!.reply(1, JsonFrameType.open);
    await b!.request('1', { id: 1, type: JsonFrameType.open });
    await c!.request('p1', { id: 1, type: JsonFrameType.open });
    await a!.request('1', { id: 2, type: JsonFrameType.send, frame: 'AA' });
    // A waiting sender may not send yet.
    await b!.request('1', { id: 2, type: JsonFrameType.send, frame: 'BB' });
    expect((await b!.reply(2, JsonFrameType.exception)).exception).toMatch(/still waiting for port p1/);
    await until(() => site.heard.length === 1, 'a’s byte');
    await site.meter.write(Uint8Array.from(frameA));
    await a!.reply(2, JsonFrameType.receive);
    await delay(30);
    expect(b!.received.filter((r) => r.type !== JsonFrameType.exception)).toEqual([]);
    expect(c!.received).toEqual([]);

    await a!.request('1', { id: 3, type: JsonFrameType.close });
    await a!.reply(3, JsonFrameType.close);
    expect(await b!.reply(1, JsonFrameType.open)).toMatchObject({ sender: 'gw-bridge/1' });
    expect(c!.received).toEqual([]);
    await b!.request('1', { id: 3, type: JsonFrameType.send, frame: 'BB' });
    await until(() => site.heard.length === 2, 'b’s byte');
    await b!.request('1', { id: 4, type: JsonFrameType.close });
    expect(await c!.reply(1, JsonFrameType.open)).toMatchObject({ sender: 'gw-bridge/p1' });
    await c!.request('p1', { id: 2, type: JsonFrameType.send, frame: 'CC' });
    await until(() => site.heard.length === 3, 'c’s byte');
    expect(site.heard).toEqual([0xaa, 0xbb, 0xcc]);
    await c!.request('p1', { id: 3, type: JsonFrameType.close });
    await c!.reply(3, JsonFrameType.close);
  });

  it('answers every failure with an exception carrying the request id', async () => {
    const site = await startSite({ maxFrameBytes: 4 });
    const he = await JsonHeadEnd.connect('x');
    const exception = async (port: string, fields: Record<string, unknown>): Promise<string> => {
      await he.request(port, fields);
      return (await he.reply(fields.id, JsonFrameType.exception)).exception!;
    };
    expect(await exception('7', { id: 1, type: 0 })).toBe(
      'gw-bridge has no port 7 (ports: 0 = dlms, 1 = p1)',
    );
    expect(await exception('nope', { id: 2, type: 0 })).toMatch(/no port nope/);
    expect(await exception('01', { id: 3, type: 0 })).toMatch(/no port 01/);
    expect(await exception('p1', { id: 4, type: 1, frame: 'AA' })).toMatch(/no open lease on port p1/);
    expect(await exception('p1', { id: 5, type: 9 })).toMatch(/type 9 is not 0, 1, 2, 3 or 4/);
    expect(await exception('p1', { id: 6 })).toMatch(/type is missing/);
    expect(await exception('p1', { id: 7, type: 1, frame: 'ZZ' })).toMatch(/frame is not hex text/);
    expect(await exception('p1', { id: 8, type: 1, frame: 'ABC' })).toMatch(/frame is not hex text/);
    expect(await exception('p1', { id: 9, type: 1, frame: '0102030405' })).toBe(
      'frame has 5 octets, above the 4 accepted',
    );
    expect(await exception('p1', { id: 10, type: 1, frame: 7 })).toBe('frame is not a string');
    await he.request('p1', { id: {}, type: 0 });
    const [badId] = await he.waitFor((r) => r.exception === 'id is neither a number nor a string');
    expect(badId).toEqual({
      type: 4,
      sender: 'gw-bridge/p1',
      exception: 'id is neither a number nor a string',
    });
    await he.request('p1', { id: 11, type: 0 });
    await he.reply(11, JsonFrameType.open);
    expect(await exception('p1', { id: 12, type: 1 })).toBe('a send (type 1) needs a frame');

    // Not answerable: reported as gateway errors, nothing published anywhere.
    const spy = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => spy.endAsync(true));
    const seen: string[] = [];
    spy.on('message', (topic) => seen.push(topic));
    await spy.subscribeAsync(['he/#', 'gw-bridge/#', 'x/#'], { qos: 1 });
    const before = site.errors.length;
    await he.raw('p1', '{not json');
    await he.raw('p1', '[1,2]');
    await he.raw('p1', JSON.stringify({ id: 20, type: 0 })); // no sender
    await he.raw('p1', JSON.stringify({ id: 21, type: 0, sender: 'x/+/in' }));
    await he.raw('p1', JSON.stringify({ id: 22, type: 0, sender: 'gw-bridge/p1' })); // would loop
    await he.raw('p1', JSON.stringify({ id: 23, type: 2, sender: he.sender, frame: '00' }));
    await he.raw('p1', `{"id":24,"type":1,"sender":"${he.sender}","frame":"${'00'.repeat(5000)}"}`);
    await until(() => site.errors.length >= before + 7, 'seven reported errors');
    const reported = site.errors.slice(before).map((e) => e.message);
    expect(reported).toEqual([
      expect.stringMatching(/not UTF-8 JSON/),
      expect.stringMatching(/not a JSON object/),
      expect.stringMatching(/has no sender/),
      expect.stringMatching(/sender contains a wildcard/),
      expect.stringMatching(/is a request topic of this gateway/),
      expect.stringMatching(/type 2 .* is sent by gateways/),
      expect.stringMatching(/the message has 10\d+ octets, above the 4108 read/),
    ]);
    await delay(50);
    // Only the requests themselves went by: no reply was published.
    expect(seen.every((t) => t === 'gw-bridge/p1')).toBe(true);
    expect(he.received.filter((r) => typeof r.id === 'number' && r.id >= 20)).toEqual([]);
  });

  it('a busy port times out the queued open; an idle lease expires with an exception', async () => {
    const site = await startSite({ queueTimeoutMs: 150, leaseIdleMs: 300 });
    const [a, b] = await Promise.all([JsonHeadEnd.connect('a'), JsonHeadEnd.connect('b')]);
    await a.request('p1', { id: 1, type: 0 });
    await a.reply(1, JsonFrameType.open);
    await b.request('p1', { id: 1, type: 0 });
    expect((await b.reply(1, JsonFrameType.exception)).exception).toBe(
      'port p1 is busy: not free within 150 ms',
    );
    // Traffic keeps the lease: a send and the meter's answer.
    await a.request('p1', { id: 2, type: 1, frame: 'AA' });
    await until(() => site.heard.length === 1, 'the send');
    await site.meter.write(Uint8Array.from(frameA));
    await a.reply(2, JsonFrameType.receive);
    const idleFrom = Date.now();
    const expired = await a.reply(2, JsonFrameType.exception);
    expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(200);
    expect(expired.exception).toBe('lease on port p1 ended: no traffic for 300 ms');
    // The port is free again; the expired sender's send is refused.
    await a.request('p1', { id: 3, type: 1, frame: 'AA' });
    expect((await a.reply(3, JsonFrameType.exception)).exception).toMatch(/no open lease/);
    await b.request('p1', { id: 2, type: 0 });
    await b.reply(2, JsonFrameType.open);
  });

  it('a failed write to the meter is an exception for that send', async () => {
    const [dlmsGw] = memoryPair();
    const [gwEnd] = memoryPair();
    gwEnd.write = () => Promise.reject(new Error('line fault'));
    const gateway = new MqttGateway({
      broker: broker.url,
      id: 'gw-2',
      ports: [
        { id: 'dlms', link: dlmsGw, protocol: 'hdlc' },
        { id: 'p1', link: gwEnd, protocol: 'raw' },
      ],
      modes: [jsonFrameMode({ bridgeName: 'gw-bridge' })],
    });
    gateway.on('error', () => undefined);
    await gateway.start();
    cleanups.push(() => gateway.stop());
    const he = await JsonHeadEnd.connect('w');
    await he.request('p1', { id: 1, type: 0 });
    await he.reply(1, JsonFrameType.open);
    await he.request('p1', { id: 2, type: 1, frame: '0102' });
    expect((await he.reply(2, JsonFrameType.exception)).exception).toBe(
      'writing to port p1 failed: line fault',
    );
  });

  it('a tunnel head-end (mqttLink) and a JSON head-end take turns on one port', async () => {
    const site = await startSite();
    const he = await JsonHeadEnd.connect('j');
    await he.request('p1', { id: 1, type: 0 });
    await he.reply(1, JsonFrameType.open);
    const link = mqttLink({ broker: broker.url, gatewayId: 'gw-1', port: 'p1', timeoutMs: 3000 });
    cleanups.push(() => link.close());
    let tunnelOpen = false;
    const opening = link.open().then(() => {
      tunnelOpen = true;
    });
    await he.request('p1', { id: 2, type: 1, frame: '11' });
    await until(() => site.heard.length === 1, 'the JSON send');
    await delay(50);
    expect(tunnelOpen).toBe(false);
    await he.request('p1', { id: 3, type: 3 });
    await he.reply(3, JsonFrameType.close);
    await opening;
    const tunnelData: number[] = [];
    link.on('data', (bytes) => tunnelData.push(...bytes));
    await he.request('p1', { id: 4, type: 0 });
    await link.write(Uint8Array.of(0x22));
    await site.meter.write(Uint8Array.from(frameA));
    await until(() => tunnelData.length === frameA.length, 'the tunnel to receive the frame');
    expect(he.received.filter((r) => r.id === 4)).toEqual([]);
    await link.close();
    await he.reply(4, JsonFrameType.open);
    await he.request('p1', { id: 5, type: 1, frame: '33' });
    await until(() => site.heard.length === 3, 'the second JSON send');
    expect(site.heard).toEqual([0x11, 0x22, 0x33]);
    expect(he.received.filter((r) => r.type === JsonFrameType.receive)).toEqual([]);
  });

  it('stopping the gateway sends an exception to the holder and to the waiters', async () => {
    const site = await startSite();
    const [a, b] = await Promise.all([JsonHeadEnd.connect('a'), JsonHeadEnd.connect('b')]);
    await a.request('p1', { id: 1, type: 0 });
    await a.reply(1, JsonFrameType.open);
    await b.request('p1', { id: 7, type: 0 });
    await delay(30);
    await site.gateway.stop();
    expect((await a.reply(1, JsonFrameType.exception)).exception).toBe('the gateway is stopping');
    expect((await b.reply(7, JsonFrameType.exception)).exception).toBe('the gateway is stopping');
  });
});

describe('JSON frame messages', () => {
  const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('encode in a fixed field order with the frame as compact upper-case hex', () => {
    expect(
      text(
        encodeJsonFrameMessage({
          id: 7,
          type: JsonFrameType.receive,
          sender: 'b/0',
          frame: Uint8Array.of(0x7e, 1),
        }),
      ),
    ).toBe('{"id":7,"type":2,"sender":"b/0","frame":"7E01"}');
    expect(text(encodeJsonFrameMessage({ type: JsonFrameType.exception, exception: 'no' }))).toBe(
      '{"type":4,"exception":"no"}',
    );
  });

  it('decode: nulls are absent, unknown fields ignored, errors keep the sender and id when valid', () => {
    expect(
      decodeJsonFrameMessage(
        bytes('{"id":1,"type":1,"sender":"he/1","frame":"0x7e a0","exception":null,"x":1}'),
      ),
    ).toEqual({ id: 1, type: 1, sender: 'he/1', frame: Uint8Array.of(0x7e, 0xa0) });
    for (const [json, sender, id] of [
      ['{"id":2,"type":5,"sender":"he/1"}', 'he/1', 2],
      ['{"id":true,"type":0,"sender":"he/1"}', 'he/1', undefined],
      ['{"id":3,"type":0,"sender":"$SYS/x"}', undefined, undefined],
      ['{"id":4,"type":4,"sender":"he","exception":5}', 'he', 4],
    ] as const) {
      let error: unknown;
      try {
        decodeJsonFrameMessage(bytes(json));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'ERR_DECODE', sender, id });
    }
  });
});

describe('parseJsonFrameConfig and jsonFrameMode options', () => {
  it('accepts a section and names the path of a mistake', () => {
    expect(parseJsonFrameConfig({ bridgeName: 'site/gw-bridge', leaseIdleMs: 5000 }, 'jsonFrames')).toEqual({
      bridgeName: 'site/gw-bridge',
      leaseIdleMs: 5000,
    });
    expect(
      parseJsonFrameConfig(
        { description: 'x', bridgeName: 'b', queueTimeoutMs: 1, maxFrameBytes: 1_048_576 },
        'modes[0]',
      ),
    ).toEqual({ bridgeName: 'b', queueTimeoutMs: 1, maxFrameBytes: 1_048_576 });
    const cases: [unknown, string][] = [
      [[], 'gateway config jsonFrames: must be an object, got an array'],
      [{}, 'gateway config jsonFrames.bridgeName: is required'],
      [{ bridgeName: 3 }, 'gateway config jsonFrames.bridgeName: must be a non-empty string, got 3'],
      [
        { bridgeName: 'a/+' },
        `gateway config jsonFrames.bridgeName: level "+" contains '/', '+', '#' or U+0000`,
      ],
      [{ bridgeName: 'a//b' }, 'gateway config jsonFrames.bridgeName: level "" is empty'],
      [
        { bridgeName: 'b', leaseIdleMs: 0 },
        'gateway config jsonFrames.leaseIdleMs: must be an integer 1…600000, got 0',
      ],
      [
        { bridgeName: 'b', maxFrameBytes: 1.5 },
        'gateway config jsonFrames.maxFrameBytes: must be an integer 1…1048576, got 1.5',
      ],
      [
        { bridgeName: 'b', bridge: 'x' },
        'gateway config jsonFrames.bridge: unknown field (expected one of: mode, description, bridgeName, leaseIdleMs, queueTimeoutMs, maxFrameBytes)',
      ],
    ];
    for (const [json, message] of cases) {
      expect(() => parseJsonFrameConfig(json, 'jsonFrames')).toThrow(message);
      expect(() => parseJsonFrameConfig(json, 'jsonFrames')).toThrow(InvalidArgumentError);
    }
  });

  it('jsonFrameMode refuses a bad bridge name or number at creation', () => {
    expect(() => jsonFrameMode({ bridgeName: '$bridge' })).toThrow(InvalidArgumentError);
    expect(() => jsonFrameMode({ bridgeName: 'b', leaseIdleMs: 0 })).toThrow(/leaseIdleMs/);
    expect(() => jsonFrameMode({ bridgeName: 'b', maxFrameBytes: Number.NaN })).toThrow(/maxFrameBytes/);
    expect(jsonFrameMode({ bridgeName: 'b' }).name).toBe('json-frame');
  });
});
