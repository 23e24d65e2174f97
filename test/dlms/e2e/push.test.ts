// Pushes end to end (spec §9.9, §10.4, §11.3 Push setup): the simulator's notify() and its Push
// setup object send data-notifications to connected clients (plain and ciphered) and to a
// DlmsPushListener over TCP and UDP; the receivers emit typed, decoded `push` events.
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/hex.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import type { DlmsNotification } from '../../../src/dlms/client/push.js';
import { DlmsPushListener } from '../../../src/dlms/client/push-listener.js';
import { formatObis } from '../../../src/dlms/cosem/obis.js';
import { tcp } from '../../../src/links/tcp.js';
import { until } from '../../helpers/until.js';
import { dlmsVectors } from '../../helpers/vectors.js';
import {
  authenticationKey,
  Cleanup,
  connectMemory,
  encryptionKey,
  meterServer,
  nextEvent,
  now,
  password,
  sap,
  security,
  serverTitle,
} from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const pushSetup = { classId: 40, obis: '0.0.25.9.0.255' };
const management = { client: sap.lls, auth: { mechanism: 'lls' as const, password } };

const body: Data = {
  type: 'structure',
  value: [
    { type: 'octet-string', value: fromHex('0000010000FF') },
    { type: 'double-long-unsigned', value: 12345678 },
  ],
};

/** send_destination_and_method: transport (0 TCP, 1 UDP, 5 HDLC), destination, A-XDR. */
function destination(transport: number, to: string): Data {
  return {
    type: 'structure',
    value: [
      { type: 'enum', value: transport },
      { type: 'octet-string', value: new TextEncoder().encode(to) },
      { type: 'enum', value: 0 },
    ],
  };
}

/** The Push setup body of the example meter: its logical name, clock time, +A and −A energy. */
function checkPushSetupBody(n: DlmsNotification): void {
  expect(n.type).toBe('data-notification');
  const b = (n as { body: Data }).body;
  expect(b.type).toBe('structure');
  const [name, time, plus, minus] = (b as { value: Data[] }).value;
  expect(name?.type === 'octet-string' && formatObis(name.value)).toBe('0.0.25.9.0.255');
  expect(time?.type).toBe('octet-string');
  expect((time as { value: Uint8Array }).value).toHaveLength(12);
  expect(plus?.type).toBe('double-long-unsigned');
  expect(minus?.type).toBe('double-long-unsigned');
}

describe('pushes to connected clients', () => {
  it('notify() reaches an associated wrapper client as a typed push', async () => {
    const meter = meterServer();
    const client = await connectMemory(meter.server, 'wrapper', management, cleanup);
    const got = nextEvent<DlmsNotification>(client, 'push');
    expect(await meter.server.notify(body)).toBe(1);
    const n = await got;
    expect(n).toMatchObject({ type: 'data-notification', body });
    expect(n.protection).toBeUndefined();
    // A request right after still works: the push did not disturb the exchange.
    expect((await client.readRegister('1.0.1.8.0.255')).unit).toBe('Wh');
    // With a date-time: the server sends the time in UTC (deviation 0).
    const timed = nextEvent<DlmsNotification>(client, 'push');
    await meter.server.notify({ body, time: now });
    expect((await timed) as { dateTime?: unknown }).toMatchObject({
      dateTime: { year: 2024, month: 6, dayOfMonth: 15, hour: 12, deviation: 0 },
    });
  });

  // HDLC pushes go out as UI frames (§4.11, vector hdlc-ui-push), never as the I-frame answer
  // to the client's next poll, which would shift every later answer by one request.
  it('notify() to an idle HDLC client resolves at once (UI frame, no poll needed)', async () => {
    const meter = meterServer();
    const client = await connectMemory(meter.server, 'hdlc', { ...management, timeoutMs: 400 }, cleanup);
    const got = nextEvent<DlmsNotification>(client, 'push', 400);
    const sent = meter.server.notify(body);
    sent.catch(() => undefined);
    expect(await Promise.race([sent, new Promise((r) => setTimeout(() => r('pending'), 200))])).toBe(1);
    expect(await got).toMatchObject({ type: 'data-notification', body });
  });

  it('an HDLC push does not shift the answers of the following requests', async () => {
    const meter = meterServer();
    const client = await connectMemory(meter.server, 'hdlc', { ...management, timeoutMs: 400 }, cleanup);
    const pushes: DlmsNotification[] = [];
    client.on('push', (n) => pushes.push(n));
    void meter.server.notify(body).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    // Were the push an I-frame, the first request would be answered by it, and its own answer come as the
    // "answer" to the second one: both time out.
    expect((await client.readRegister('1.0.1.8.0.255')).unit).toBe('Wh');
    expect((await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 })).type).toBe(
      'visible-string',
    );
    expect(pushes).toHaveLength(1);
  });

  it('a ciphered association gets the push in general-glo-ciphering, deciphered by the client', async () => {
    const meter = meterServer();
    const client = await connectMemory(
      meter.server,
      'wrapper',
      { client: sap.authEncrypted, auth: { mechanism: 'lls', password }, security: security() },
      cleanup,
    );
    const first = nextEvent<DlmsNotification>(client, 'push');
    await meter.server.notify(body);
    const n = await first;
    expect(n).toMatchObject({ type: 'data-notification', body });
    expect(n.protection?.systemTitle).toEqual(serverTitle);
    expect(n.protection?.securityControl).toBe(0x30);
    // A second push carries a higher counter (§10.7), and the association keeps working.
    const second = nextEvent<DlmsNotification>(client, 'push');
    await meter.server.notify(body);
    expect((await second).protection!.invocationCounter).toBeGreaterThan(n.protection!.invocationCounter);
    expect((await client.readRegister('1.0.1.8.0.255')).unit).toBe('Wh');
  });

  // §9.10: one attribute's new value, as meters older than Push setup report events.
  it('an event-notification-request reaches an HDLC client plain and a ciphered wrapper client deciphered', async () => {
    const meter = meterServer();
    const event = {
      type: 'event-notification-request' as const,
      time: undefined,
      attribute: { classId: 1, instance: '0.0.96.11.0.255', attributeId: 2 },
      value: { type: 'long-unsigned' as const, value: 47 },
    };
    const hdlc = await connectMemory(meter.server, 'hdlc', { ...management, timeoutMs: 400 }, cleanup);
    const plain = nextEvent<DlmsNotification>(hdlc, 'push', 400);
    expect(await meter.server.notify(event)).toBe(1);
    expect(await plain).toMatchObject({ ...event, time: undefined });
    expect((await plain).protection).toBeUndefined();
    expect((await hdlc.readRegister('1.0.1.8.0.255')).unit).toBe('Wh'); // the answers are not shifted
    await hdlc.close();

    const ciphered = await connectMemory(
      meter.server,
      'wrapper',
      { client: sap.authEncrypted, auth: { mechanism: 'lls', password }, security: security() },
      cleanup,
    );
    const got = nextEvent<DlmsNotification>(ciphered, 'push');
    expect(await meter.server.notify(event)).toBe(1);
    const n = await got;
    expect(n).toMatchObject({
      type: 'event-notification-request',
      attribute: event.attribute,
      value: event.value,
    });
    expect(n.protection?.systemTitle).toEqual(serverTitle);
  });

  it('notify() only reaches the associations asked for', async () => {
    const meter = meterServer();
    const manager = await connectMemory(meter.server, 'wrapper', management, cleanup);
    const reader = await connectMemory(meter.server, 'wrapper', { client: sap.public }, cleanup);
    const pushed: string[] = [];
    manager.on('push', () => pushed.push('manager'));
    reader.on('push', () => pushed.push('reader'));
    expect(await meter.server.notify(body, { client: sap.public })).toBe(1);
    await until(() => pushed.length > 0);
    await new Promise((r) => setTimeout(r, 30)); // and nobody else gets it
    expect(pushed).toEqual(['reader']);
  });

  it("the Push setup object's push method sends its push_object_list to connected clients", async () => {
    const meter = meterServer();
    const client = await connectMemory(meter.server, 'wrapper', management, cleanup);
    // transport 5 (HDLC): not a network destination, so the push goes to the connected clients.
    await client.set({ ...pushSetup, attribute: 3 }, destination(5, 'any'));
    const got = nextEvent<DlmsNotification>(client, 'push');
    await client.action({ ...pushSetup, method: 1 }, { type: 'integer', value: 0 });
    const n = await got;
    checkPushSetupBody(n);
    const energy = await client.readRegister('1.0.1.8.0.255');
    expect(((n as { body: { value: Data[] } }).body.value[2] as { value: number }).value).toBe(energy.value);
  });
});

describe('pushes to a DlmsPushListener', () => {
  for (const transport of ['tcp', 'udp'] as const) {
    it(`notify() to a ${transport.toUpperCase()} destination, plain and ciphered`, async () => {
      const meter = meterServer();
      const listener = cleanup.add(
        await DlmsPushListener.listen({
          port: 0,
          transport,
          framing: 'wrapper',
          security: { encryptionKey, authenticationKey, systemTitle: serverTitle },
        }),
      );
      const to = `127.0.0.1:${listener.port}`;
      const plain = nextEvent<DlmsNotification>(listener, 'push');
      expect(await meter.server.notify(body, { destination: to, transport })).toBe(1);
      const p = await plain;
      expect(p).toMatchObject({ type: 'data-notification', body });
      expect(p.protection).toBeUndefined();
      expect(p.peer).toMatch(/127\.0\.0\.1/);

      // Protected with the keys of the ciphered association (client 6).
      const ciphered = nextEvent<DlmsNotification>(listener, 'push');
      await meter.server.notify(body, { destination: to, transport, client: sap.authEncrypted });
      const c = await ciphered;
      expect(c).toMatchObject({ type: 'data-notification', body });
      expect(c.protection?.systemTitle).toEqual(serverTitle);
    });

    it(`the Push setup object pushes to a ${transport.toUpperCase()} listener`, async () => {
      const meter = meterServer();
      const listener = cleanup.add(await DlmsPushListener.listen({ port: 0, transport, framing: 'wrapper' }));
      const client = await connectMemory(meter.server, 'wrapper', management, cleanup);
      await client.set(
        { ...pushSetup, attribute: 3 },
        destination(transport === 'tcp' ? 0 : 1, `127.0.0.1:${listener.port}`),
      );
      const got = nextEvent<DlmsNotification>(listener, 'push');
      await client.action({ ...pushSetup, method: 1 }, { type: 'integer', value: 0 });
      checkPushSetupBody(await got);
    });
  }

  it('a listener without keys discards a ciphered push (typed discard, no push)', async () => {
    const meter = meterServer();
    const listener = cleanup.add(
      await DlmsPushListener.listen({ port: 0, transport: 'udp', framing: 'wrapper' }),
    );
    const pushes: unknown[] = [];
    listener.on('push', (n) => pushes.push(n));
    const discarded = nextEvent<Error>(listener, 'discard');
    await meter.server.notify(body, {
      destination: `127.0.0.1:${listener.port}`,
      transport: 'udp',
      client: sap.authEncrypted,
    });
    expect((await discarded).name).toBe('SecurityError');
    expect(pushes).toEqual([]);
  });

  it('an HDLC listener over TCP takes the UI push of the vectors', async () => {
    const listener = cleanup.add(
      await DlmsPushListener.listen({ port: 0, transport: 'tcp', framing: 'hdlc' }),
    );
    const got = nextEvent<DlmsNotification>(listener, 'push');
    const meterLink = cleanup.add(tcp({ host: '127.0.0.1', port: listener.port }));
    await meterLink.open();
    await meterLink.write(fromHex(dlmsVectors.find((v) => v.id === 'hdlc-ui-push')!.hex));
    const n = await got;
    expect(n.type).toBe('data-notification');
    // The vector's body: an array of 27 structures (list of OBIS code and value).
    const b = (n as { body: Data }).body;
    expect(b.type === 'array' && b.value.length).toBe(27);
  });
});
