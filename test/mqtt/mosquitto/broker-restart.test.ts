// A broker restart in the middle of a long DLMS profile read: mosquitto is killed with SIGKILL
// (no Last Will, no final save) while a profile read over HDLC with 32-octet information fields
// and 64-octet PDUs is under way (200+ tunnel round trips), and started again on the same port
// (with or without its database). The read must complete with exactly the rows of a direct
// read, or fail with a typed MeterlinkError: never a wrong or duplicated row. Afterwards the
// port must serve the next head-end.
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { MeterlinkError } from '../../../src/core/errors.js';
import { tunnelTopics } from '../../../src/mqtt/protocol/index.js';
import { now } from '../../dlms/e2e/helpers.js';
import { describeWithPrograms, startMosquitto } from './mosquitto.js';
import {
  Cleanups,
  delay,
  dlmsOver,
  modbusOver,
  profileObis,
  referenceReads,
  startProxy,
  startSite,
  until,
} from './site.js';

const day = { from: new Date(now.getTime() - 86_400_000), to: now };
const small = { maxInfoTransmit: 32, maxInfoReceive: 32 };

describeWithPrograms('broker restart during a long profile read (mosquitto 2)', {}, () => {
  const cleanups = new Cleanups();
  afterEach(() => cleanups.run());

  const cases = [
    // Nothing survives the restart (mosquitto's default): sessions and retained messages are
    // gone, the clients resubscribe.
    { persistence: false, downMs: 100, frameTimeoutMs: 1000, retries: 6 },
    // Sessions, subscriptions, queued messages and retained messages come back from the database.
    { persistence: true, downMs: 1500, frameTimeoutMs: 1000, retries: 6 },
    // Down longer than the HDLC session waits (3 polls of 300 ms): the read fails, typed. The
    // link closes while the broker is away, so the gateway frees the port by lease idle expiry
    // (2 s here instead of mqttLink's 60 s) unless its lingering close gets through first.
    { persistence: true, downMs: 2000, frameTimeoutMs: 300, retries: 2, leaseIdleMs: 2000 },
  ];
  for (const { persistence, downMs, frameTimeoutMs, retries, leaseIdleMs } of cases) {
    const title =
      `${persistence ? 'persistent' : 'non-persistent'} broker back after ${downMs} ms, ` +
      `HDLC gives up after ${(retries + 1) * frameTimeoutMs} ms`;
    it(title, { timeout: 20_000 }, async () => {
      const reference = await referenceReads(async (c) => ({
        profile: await c.readProfile(profileObis, day),
        energy: await c.readRegister('1.0.1.8.0.255'),
      }));
      expect(reference.profile.rows).toHaveLength(97);
      const broker = await startMosquitto({ persistence });
      cleanups.add(() => broker.stop());
      const site = await startSite(broker.url, cleanups, { hdlc: small, maxPduSize: 64 });
      const meter = await dlmsOver(broker.url, cleanups, {
        hdlc: { ...small, frameTimeoutMs, retries },
        maxPduSize: 64,
        timeoutMs: 15_000,
        ...(leaseIdleMs === undefined ? {} : { link: { leaseIdleMs } }),
      });
      let frames = 0;
      site.dlmsMeter.on('data', () => frames++);
      const started = Date.now();
      const reading = meter.readProfile(profileObis, day).then(
        (profile) => ({ ok: true as const, profile }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      await until(() => frames >= 40, 5000, '40 frames at the meter');
      await broker.kill();
      const framesAtKill = frames;
      await delay(downMs);
      await broker.restart();
      const outcome = await reading;
      const took = Date.now() - started;
      console.log(
        `${title}: ${outcome.ok ? 'completed' : `failed: ${String(outcome.error)}`}; ` +
          `${framesAtKill}/${frames} frames at the kill, ${took} ms`,
      );
      if (outcome.ok) {
        expect(framesAtKill).toBeLessThan(frames); // the read went on after the restart
        expect(outcome.profile).toEqual(reference.profile);
        expect(frames).toBeGreaterThan(100);
      } else {
        expect(outcome.error).toBeInstanceOf(MeterlinkError);
      }
      await meter.close();
      // The port serves the next head-end.
      const next = await dlmsOver(broker.url, cleanups, { timeoutMs: 5000 }).catch((error: unknown) => {
        throw new Error(`${String(error)}; broker log:\n${broker.log()}`);
      });
      expect(await next.readRegister('1.0.1.8.0.255')).toEqual(reference.energy);
    });
  }

  // mqttLink.close() while the broker is unreachable can send neither `close` nor the empty
  // retained presence, and the connection died with the broker (no Will). Without the lingering
  // close (closeLingerMs), when the broker is back with its sessions and retained messages the
  // gateway would still see the head-end `online` and hold its lease until leaseIdleMs (60 s by
  // default), and the retained `online` presence of a head-end that no longer exists would stay
  // on the broker for good.
  it('frees the lease and clears the presence of a link closed while the broker was down', {
    timeout: 15_000,
  }, async () => {
    const broker = await startMosquitto({ persistence: true });
    cleanups.add(() => broker.stop());
    await startSite(broker.url, cleanups);
    const gone = await modbusOver(broker.url, cleanups, { link: { headEndId: 'he-gone' } });
    expect([...(await gone.readHoldingRegisters(0, 1))]).toEqual([0]);
    await delay(100); // the database is saved on every change
    await broker.kill();
    const closing = Date.now();
    await gone.close(); // while the broker is down
    expect(Date.now() - closing).toBeLessThan(500); // close() does not wait for the broker
    await delay(200);
    await broker.restart();
    const observer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.add(() => observer.endAsync(true));
    let presence: Buffer | undefined;
    observer.on('message', (_topic, payload) => {
      presence = payload;
    });
    await observer.subscribeAsync(tunnelTopics().headEndStatus('he-gone'), { qos: 1 });
    // The next head-end gets the port within 2 s of the restart, not after 60 s.
    const next = await modbusOver(broker.url, cleanups, { connectTimeoutMs: 2000 });
    expect([...(await next.readHoldingRegisters(0, 1))]).toEqual([0]);
    // Retained `online` came back from the database: it must have been cleared since (a
    // subscription made after the clearing gets nothing).
    expect(presence === undefined || presence.length === 0).toBe(true);
  });

  // A broker that lost its sessions (no persistence) comes back; a head-end asks for a lease
  // before the gateway has reconnected and resubscribed, so nobody receives its `open`. mqttLink
  // sends the pending `open` again (same session id: the gateway treats a repeat as the same
  // request) when the gateway's status turns `online` while `opened` is awaited.
  it('grants a lease asked for while the gateway was reconnecting to a restarted broker', {
    timeout: 15_000,
  }, async () => {
    const broker = await startMosquitto();
    cleanups.add(() => broker.stop());
    const proxy = await startProxy(broker.port);
    cleanups.add(() => proxy.close());
    const reconnect = { initialDelayMs: 50, maxDelayMs: 200 };
    await startSite(`mqtt://127.0.0.1:${proxy.port}`, cleanups, { gateway: { mqtt: { reconnect } } });
    await broker.kill(); // no Last Will: the broker dies, not the gateway
    await proxy.pause(); // the gateway cannot reconnect yet
    await broker.restart(); // empty: no sessions, no retained status
    const opening = modbusOver(broker.url, cleanups, { connectTimeoutMs: 2000 });
    await delay(300); // the `open` is published now, with no subscriber
    await proxy.resume(); // the gateway reconnects within its backoff (< 300 ms)
    const client = await opening;
    expect([...(await client.readHoldingRegisters(0, 1))]).toEqual([0]);
  });
});
