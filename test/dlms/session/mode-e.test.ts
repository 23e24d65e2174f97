// IEC 62056-21 mode E sign-on (spec §3) against a scripted meter on a fake reconfigurable link,
// and its wiring into DlmsClient.connect before the HDLC SNRM/UA.
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  InvalidArgumentError,
  LinkClosedError,
  ProtocolError,
  TimeoutError,
} from '../../../src/core/errors.js';
import type {
  Link,
  LinkEvents,
  LinkOpenOptions,
  ReconfigurableLink,
  SerialLineSettings,
} from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/index.js';
import { modeESignOn } from '../../../src/dlms/session/mode-e.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { hex, ScriptedPeer, vectorHex } from './hdlc-helpers.js';

type LogEntry = { at: number } & (
  | { op: 'reconfigure'; settings: SerialLineSettings }
  | { op: 'write'; hex: string }
);

/** A memory link end that accepts `reconfigure` and logs it with every write, in order. */
class FakeSerialLink implements ReconfigurableLink {
  readonly log: LogEntry[] = [];
  listeners = 0;
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
  async write(bytes: Uint8Array): Promise<void> {
    await this.inner.write(bytes);
    this.log.push({ op: 'write', hex: hex(bytes), at: performance.now() });
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  async reconfigure(settings: SerialLineSettings): Promise<void> {
    this.log.push({ op: 'reconfigure', settings, at: performance.now() });
  }
  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.listeners++;
    this.inner.on(event, listener);
    return this;
  }
  once<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.inner.once(event, listener);
    return this;
  }
  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): this {
    this.listeners--;
    this.inner.off(event, listener);
    return this;
  }
  /** The log without timestamps. */
  steps(): string[] {
    return this.log.map((e) =>
      e.op === 'write' ? `write ${e.hex}` : `reconfigure ${JSON.stringify(e.settings)}`,
    );
  }
}

const links: Link[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

function setup(): { link: FakeSerialLink; meter: ScriptedPeer; meterEnd: Link } {
  const [a, b] = memoryPair();
  links.push(a, b);
  return { link: new FakeSerialLink(a), meter: new ScriptedPeer(b), meterEnd: b };
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const sevenE1 = 'reconfigure {"baudRate":300,"dataBits":7,"parity":"even","stopBits":1}';
const eightN1 = (baudRate: number): string =>
  `reconfigure {"baudRate":${baudRate},"dataBits":8,"parity":"none","stopBits":1}`;
const identification = '/ISK5\\2M550T-1012\r\n';

describe('modeESignOn', () => {
  it('switches to 300 7E1, reads the identification, ACKs 9600 and switches to 8N1 after the delay', async () => {
    const { link, meter } = setup();
    const signOn = modeESignOn(link, { switchDelayMs: 20 });
    expect(hex(await meter.next())).toBe('2F3F210D0A'); // /?! CR LF
    await meter.send(ascii(identification));
    expect(hex(await meter.next())).toBe('063235320D0A'); // ACK '2' '5' '2' CR LF
    expect(await signOn).toEqual({
      manufacturer: 'ISK',
      identification: '\\2M550T-1012',
      baudRate: 9600,
      modeE: true,
    });
    expect(link.steps()).toEqual([sevenE1, 'write 2F3F210D0A', 'write 063235320D0A', eightN1(9600)]);
    // The ACK leaves in 6 × 10 bits at 300 bit/s = 200 ms, then the switch delay (spec §3 step 5).
    const [, , ack, last] = link.log;
    expect(last!.at - ack!.at).toBeGreaterThanOrEqual(200 + 20 - 1);
    expect(link.listeners).toBe(0);
  });

  it('sends the device address, skips noise, NULs and an echo, and caps the speed at maxBaudRate', async () => {
    const { link, meter } = setup();
    const signOn = modeESignOn(link, { address: '12345678', maxBaudRate: 2400, switchDelayMs: 0 });
    expect(hex(await meter.next())).toBe(hex(ascii('/?12345678!\r\n')));
    // Echo of the request, then noise and the answer split into single octets.
    await meter.send(ascii('\0\xff/?12345678!\r\n\r\n'));
    for (const octet of ascii(`\0\0 ${identification}`)) await meter.send(Uint8Array.of(octet));
    expect(hex(await meter.next())).toBe('063233320D0A'); // '3' = 2400 bit/s
    expect((await signOn).baudRate).toBe(2400);
    expect(link.steps().at(-1)).toBe(eightN1(2400));
  });

  it('asks a meter that does not announce \\2 for mode E anyway, at its own lower speed', async () => {
    const { link, meter } = setup();
    const signOn = modeESignOn(link, { switchDelayMs: 0 });
    await meter.next();
    await meter.send(ascii('/ABC3XYZ-1\r\n'));
    expect(hex(await meter.next())).toBe('063233320D0A');
    expect(await signOn).toEqual({
      manufacturer: 'ABC',
      identification: 'XYZ-1',
      baudRate: 2400,
      modeE: false,
    });
  });

  it.each([
    ['a line that does not start with /', 'HELLO\r\n', /is not '\/XXXZ/],
    ['a line too short', '/IS\r\n', /is not '\/XXXZ/],
    ['an unknown baud rate character', '/ISK9\\2M550\r\n', /unknown baud rate character '9'/],
    ['a line longer than 128 octets', `/ISK5${'A'.repeat(130)}\r\n`, /longer than 128 octets/],
    ['endless noise', '\0'.repeat(300), /first 256 octets/],
    ['a second echo', '/?!\r\n/?!\r\n', /is not '\/XXXZ/],
  ])('fails with a ProtocolError for %s, sending no ACK', async (_name, answer, message) => {
    const { link, meter } = setup();
    const signOn = modeESignOn(link, { switchDelayMs: 0 });
    const failed = expect(signOn).rejects.toThrow(ProtocolError);
    await meter.next();
    await meter.send(ascii(answer));
    await failed;
    await expect(signOn).rejects.toThrow(message);
    expect(link.steps()).toEqual([sevenE1, 'write 2F3F210D0A']);
    expect(link.listeners).toBe(0);
  });

  it('times out on a silent meter, restarting the limit with every octet', async () => {
    const { link, meter } = setup();
    const started = performance.now();
    const signOn = modeESignOn(link, { timeoutMs: 60 });
    const failed = expect(signOn).rejects.toThrow(TimeoutError);
    await meter.next();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await meter.send(ascii('/IS')); // a slow line keeps the wait alive …
    await failed; // … but not forever
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(link.listeners).toBe(0);
  });

  it('honours the signal before and during the sign-on', async () => {
    const { link, meter } = setup();
    await expect(modeESignOn(link, { signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
    expect(link.log).toEqual([]);
    const controller = new AbortController();
    const signOn = modeESignOn(link, { signal: controller.signal });
    await meter.next();
    controller.abort(new Error('user'));
    const error = await signOn.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(link.listeners).toBe(0);
    // Aborting during the switch delay: no reconfigure to 8N1.
    const late = new AbortController();
    const again = modeESignOn(link, { signal: late.signal, switchDelayMs: 1000 });
    await meter.next();
    await meter.send(ascii(identification));
    await meter.next();
    late.abort();
    await expect(again).rejects.toThrow(AbortError);
    expect(link.steps().filter((s) => s.startsWith('reconfigure {"baudRate":9600'))).toEqual([]);
  });

  it('fails with a LinkClosedError when the link closes while waiting', async () => {
    const { link, meter, meterEnd } = setup();
    const signOn = modeESignOn(link);
    await meter.next();
    await meterEnd.close();
    await expect(signOn).rejects.toThrow(LinkClosedError);
    expect(link.listeners).toBe(0);
  });

  it('rejects a link that cannot change its line settings and bad options', async () => {
    const { link } = setup();
    await expect(modeESignOn(link.inner)).rejects.toThrow(InvalidArgumentError);
    await expect(modeESignOn(link, { address: 'a!b' })).rejects.toThrow(InvalidArgumentError);
    await expect(modeESignOn(link, { address: 'x'.repeat(33) })).rejects.toThrow(InvalidArgumentError);
    await expect(modeESignOn(link, { timeoutMs: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(modeESignOn(link, { switchDelayMs: -1 })).rejects.toThrow(InvalidArgumentError);
    await expect(modeESignOn(link, { maxBaudRate: 200 })).rejects.toThrow(InvalidArgumentError);
    expect(link.log).toEqual([]);
  });
});

describe('DlmsClient.connect with modeE', () => {
  it('signs on, then opens HDLC with SNRM/UA, associates and disconnects', async () => {
    const { link, meter } = setup();
    const connecting = DlmsClient.connect({
      link,
      framing: 'hdlc',
      server: { logical: 1, physical: 17 },
      modeE: { switchDelayMs: 0 },
      timeoutMs: 2000,
    });
    connecting.catch(() => undefined); // awaited below; no unhandled rejection if a step fails first
    expect(hex(await meter.next())).toBe('2F3F210D0A');
    await meter.send(ascii(identification));
    expect(hex(await meter.next())).toBe('063235320D0A');
    expect(hex(await meter.next())).toBe(vectorHex('hdlc-snrm-default'));
    // SNRM is sent only once the line runs at 9600 8N1.
    expect(link.steps()).toEqual([
      sevenE1,
      'write 2F3F210D0A',
      'write 063235320D0A',
      eightN1(9600),
      `write ${vectorHex('hdlc-snrm-default')}`,
    ]);
    await meter.send(vectorHex('hdlc-ua-params'));
    const aarq = await meter.next();
    expect(hex(aarq.subarray(3, 7))).toBe('02232110'); // an I-frame 16 → 1/17, N(S)=0 N(R)=0 P=1
    await meter.send(vectorHex('hdlc-i-aare'));
    const client = await connecting;
    const closing = client.close({ release: false });
    expect(hex(await meter.next())).toBe(vectorHex('hdlc-disc'));
    await meter.send(vectorHex('hdlc-ua-empty'));
    await closing;
    expect(link.isOpen).toBe(true); // the client did not open it
  });

  it('rejects modeE for the wrapper and for a link that cannot be reconfigured', async () => {
    const { link } = setup();
    await expect(DlmsClient.connect({ link, framing: 'wrapper', modeE: true })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(DlmsClient.connect({ link: link.inner, framing: 'hdlc', modeE: true })).rejects.toThrow(
      /modeE needs a link that can change its line settings/,
    );
    expect(link.log).toEqual([]);
  });

  it('fails connect with the sign-on error, sending no SNRM', async () => {
    const { link, meter } = setup();
    const connecting = DlmsClient.connect({ link, framing: 'hdlc', modeE: { timeoutMs: 50 } });
    const failed = expect(connecting).rejects.toThrow(TimeoutError);
    await meter.next();
    await failed;
    expect(meter.pending).toBe(0);
    expect(link.listeners).toBe(0);
  });
});
