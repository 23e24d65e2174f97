// Mode E on a gateway port: the IEC 62056-21 sign-on runs before every lease, its bytes are not
// pushed, a meter that does not answer fails the open with a typed error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Link,
  LinkEvents,
  LinkOpenOptions,
  ReconfigurableLink,
  SerialLineSettings,
} from '../../../src/core/link.js';
import { memoryPair } from '../../../src/links/index.js';
import { type EmbeddedBroker, startBroker } from '../../../src/mqtt/broker/index.js';
import { MqttGateway } from '../../../src/mqtt/gateway/index.js';
import { TunnelErrorCode } from '../../../src/mqtt/protocol/index.js';
import { delay, ScriptedHeadEnd } from './helpers.js';

/** A memory link end that accepts `reconfigure` (a serial line stand-in) and records the settings. */
class FakeSerialLink implements ReconfigurableLink {
  readonly settings: SerialLineSettings[] = [];
  constructor(readonly inner: Link) {}
  get info() {
    return this.inner.info;
  }
  get state() {
    return this.inner.state;
  }
  get isOpen() {
    return this.inner.isOpen;
  }
  open(options?: LinkOpenOptions): Promise<void> {
    return this.inner.open(options);
  }
  write(bytes: Uint8Array): Promise<void> {
    return this.inner.write(bytes);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  async reconfigure(settings: SerialLineSettings): Promise<void> {
    this.settings.push(settings);
  }
  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.inner.on(event, listener);
    return this;
  }
  once<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.inner.once(event, listener);
    return this;
  }
  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.inner.off(event, listener);
    return this;
  }
}

const text = (bytes: Iterable<number>): string => String.fromCharCode(...bytes);
const cleanups: (() => unknown)[] = [];
let broker: EmbeddedBroker;

beforeEach(async () => {
  broker = await startBroker({ port: 0 });
  cleanups.push(() => broker.close());
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A gateway whose port p0 is a fake serial line; `answer` scripts the meter's side. */
async function site(answer: boolean): Promise<{ line: FakeSerialLink; heard: string[] }> {
  const [gatewayEnd, meterEnd] = memoryPair();
  const line = new FakeSerialLink(gatewayEnd);
  const heard: string[] = [];
  meterEnd.on('data', (bytes) => {
    const got = text(bytes);
    heard.push(got);
    // The sign-on request: answer with an identification offering 9600 bit/s (Z = '5') and mode E.
    if (answer && got === '/?!\r\n')
      void meterEnd.write(Uint8Array.from('/MLK5\\2TEST\r\n', (c) => c.charCodeAt(0)));
  });
  const gateway = new MqttGateway({
    broker: broker.url,
    id: 'gw-1',
    ports: [{ id: 'p0', link: line, protocol: 'hdlc', modeE: { switchDelayMs: 0, timeoutMs: 300 } }],
  });
  cleanups.push(
    () => gateway.stop(),
    () => meterEnd.close(),
  );
  await gateway.start();
  return { line, heard };
}

describe('gateway port with modeE', () => {
  it('signs on before the lease is granted; the head-end bytes follow at the agreed speed', async () => {
    const { line, heard } = await site(true);
    const he = await ScriptedHeadEnd.connect(broker.url, 'he-1');
    cleanups.push(() => he.close());
    await he.send('p0', { type: 'open', sessionId: 5 });
    await he.waitFor((e) => e.type === 'opened');
    expect(heard[0]).toBe('/?!\r\n');
    expect([...(heard[1] ?? '')].map((c) => c.charCodeAt(0))).toEqual([0x06, 0x32, 0x35, 0x32, 0x0d, 0x0a]);
    expect(line.settings).toEqual([
      { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 },
      { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
    ]);
    await he.send('p0', { type: 'data', sessionId: 5, seq: 1, payload: new Uint8Array([0x7e, 0x7e]) });
    await delay(50);
    expect(heard.at(-1)).toBe('\x7e\x7e');
    // The identification line was the sign-on's, not meter data for the head-end.
    expect(he.received.filter((e) => e.type === 'data')).toEqual([]);
    // The next lease signs on again (the meter fell back to 300 bit/s after the conversation).
    await he.send('p0', { type: 'close', sessionId: 5, seq: 2 });
    await he.send('p0', { type: 'open', sessionId: 6 });
    await he.waitFor((e) => e.type === 'opened' && e.sessionId === 6);
    expect(heard.filter((h) => h === '/?!\r\n')).toHaveLength(2);
  });

  it('a meter that does not answer the sign-on fails the open with port-failed, in bound', async () => {
    await site(false);
    const he = await ScriptedHeadEnd.connect(broker.url, 'he-2');
    cleanups.push(() => he.close());
    const started = performance.now();
    await he.send('p0', { type: 'open', sessionId: 9 });
    const [error] = await he.waitFor((e) => e.type === 'error');
    expect(error).toMatchObject({ code: TunnelErrorCode.portFailed });
    expect((error as { message: string }).message).toContain('mode E sign-on failed');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('is refused on a port that is not hdlc', () => {
    expect(
      () =>
        new MqttGateway({
          broker: broker.url,
          id: 'gw-x',
          ports: [{ id: 'p0', link: memoryPair()[0], protocol: 'raw', modeE: true }],
        }),
    ).toThrow(/modeE needs protocol hdlc/);
  });
});
