// The shared head-end (mqttHeadEnd) when its one MQTT connection drops: mosquitto 2 is SIGKILLed
// (no Last Will, no final save) while several links of one head-end read two gateways, and is
// started again on the same port, with its database (sessions, subscriptions and retained
// messages come back) or without (everything gone). Every read in flight must end with the right
// value or a typed MeterlinkError (never a wrong or duplicated value), and the same head-end
// object must serve new reads afterwards — including a link that asks for its lease while its
// gateway has not reconnected to a broker that restarted empty (the head-end forgets the
// gateways' statuses at such a reconnect, so the link asks again when the gateway says online).
// Last, a gateway killed under a shared head-end fails only the links to that gateway.
import { isDeepStrictEqual } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { MeterlinkError } from '../../../src/core/errors.js';
import type { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import type { ModbusClient } from '../../../src/modbus/client/modbus-client.js';
import { type MqttHeadEnd, mqttHeadEnd } from '../../../src/mqtt/link/index.js';
import { describeWithPrograms, startMosquitto } from './mosquitto.js';
import {
  Cleanups,
  clientOn,
  countingRegisters,
  delay,
  type HeadEndClient,
  type HeadEndTarget,
  presenceOnline,
  readTarget,
  startProxy,
  startSite,
  tunnelErrorIn,
  twoProxiedGateways,
  until,
} from './site.js';

/** Gateways reconnect quickly, so a test waits for them a few hundred ms, not seconds. */
const reconnect = { initialDelayMs: 50, maxDelayMs: 200 };

/**
 * The Modbus clients time out (700 ms) and retry (3 times) during the outage: their requests and
 * the answers the broker held arrive late, and Modbus RTU has no transaction id. The gateway tags
 * each answer with the request it answers and the link drops late ones; without that, every read
 * after the restart came back shifted by one (the answer of the read before).
 */
const retrying = { timeoutMs: 700, retries: 3 };

/** Reads `target` in a loop until stopped or until a read fails. */
class Worker {
  readonly target: HeadEndTarget;
  client: HeadEndClient;
  /** When each correct read completed. */
  readonly done: number[] = [];
  /** Reads that returned something else than they should have (must stay empty). */
  readonly wrong: string[] = [];
  error: unknown;
  #stopped = false;
  readonly #loop: Promise<void>;

  constructor(target: HeadEndTarget, client: HeadEndClient) {
    this.target = target;
    this.client = client;
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    for (let i = 0; !this.#stopped; i++) {
      try {
        const { got, want } = await readTarget(this.client, this.target, i);
        if (isDeepStrictEqual(got, want)) this.done.push(Date.now());
        else
          this.wrong.push(
            `${this.name} read ${i}: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`,
          );
      } catch (error) {
        this.error = error;
        return;
      }
    }
  }

  get name(): string {
    return `${this.target.gatewayId}/${this.target.port}`;
  }

  /** Correct reads completed after `time`. */
  after(time: number): number {
    return this.done.filter((t) => t > time).length;
  }

  stop(): Promise<void> {
    this.#stopped = true;
    return this.#loop;
  }
}

/** Correct reads on every target through `he`: on the worker's link if it is still open, else on a new one. */
async function readAgain(he: MqttHeadEnd, workers: Worker[], cleanups: Cleanups): Promise<string[]> {
  const how: string[] = [];
  for (const worker of workers) {
    let client = worker.client;
    if (worker.error !== undefined || !client.link.isOpen) {
      await client.close();
      client = await clientOn(he, worker.target, cleanups, retrying);
      worker.client = client;
      how.push(`${worker.name}: new link`);
    } else {
      how.push(`${worker.name}: same link`);
    }
    for (const i of [7, 8]) {
      const { got, want } = await readTarget(client, worker.target, i);
      expect(got, worker.name).toEqual(want);
    }
  }
  return how;
}

describeWithPrograms('shared head-end across a broker restart (mosquitto 2)', {}, () => {
  const cleanups = new Cleanups();
  afterEach(() => cleanups.run());

  const targets: HeadEndTarget[] = [
    { gatewayId: 'gw-1', port: 'dlms', base: 0 },
    { gatewayId: 'gw-1', port: 'mb', base: 1000 },
    { gatewayId: 'gw-2', port: 'dlms', base: 0 },
    { gatewayId: 'gw-2', port: 'mb', base: 2000 },
  ];

  // The head-end's own MQTT session: clean (the default with a generated id: MQTT.js subscribes
  // again after the reconnect), or persistent (a head-end id of its own: the broker restores its
  // subscriptions and delivers what was queued for it, duplicates included).
  for (const session of ['clean', 'persistent'] as const) {
    it(`persistent broker killed under reads on four links (${session} head-end session): right values or typed errors, then reads again`, {
      timeout: 10_000,
    }, async () => {
      const broker = await startMosquitto({ persistence: true });
      cleanups.add(() => broker.stop());
      await startSite(broker.url, cleanups, {
        registers: countingRegisters(1000),
        gateway: { mqtt: { reconnect } },
      });
      await startSite(broker.url, cleanups, {
        registers: countingRegisters(2000),
        gateway: { id: 'gw-2', mqtt: { reconnect } },
      });
      const he = mqttHeadEnd({
        broker: broker.url,
        ...(session === 'persistent' ? { headEndId: `he-restart-${process.pid}` } : {}),
      });
      cleanups.add(() => he.close());
      const clients = await Promise.all(targets.map((t) => clientOn(he, t, cleanups, retrying)));
      expect(he.openLinks).toBe(4);
      const workers = targets.map((t, i) => new Worker(t, clients[i]!));
      cleanups.add(() => Promise.all(workers.map((w) => w.stop())));
      await until(() => workers.every((w) => w.done.length >= 3), 3000, 'reads on every link');

      // Every link has a read in flight at any time.
      await broker.kill();
      const killedAt = Date.now();
      await delay(500);
      await broker.restart();
      // Each link goes on reading, or has failed (typed): bounded.
      await until(
        () => workers.every((w) => w.error !== undefined || w.after(killedAt) >= 2),
        5000,
        'every link reading again or failed',
      );
      await Promise.all(workers.map((w) => w.stop()));
      const outcome = workers.map(
        (w) =>
          `${w.name}: ${w.after(killedAt)} reads after the kill` +
          (w.error === undefined ? '' : `, then ${String(w.error)}`) +
          (w.wrong.length === 0 ? '' : `, ${w.wrong.length} WRONG: ${w.wrong.slice(0, 3).join(' | ')}`),
      );
      console.log(`persistent broker, ${session} session: ${outcome.join('; ')}`);
      for (const worker of workers) {
        expect(worker.wrong).toEqual([]);
        if (worker.error !== undefined) expect(worker.error, worker.name).toBeInstanceOf(MeterlinkError);
      }
      // The same head-end object serves new reads: on the links that survived, on new links.
      const how = await readAgain(he, workers, cleanups);
      console.log(`persistent broker, ${session} session, reads again: ${how.join('; ')}`);
      const last = workers.at(-1)!;
      await last.client.close(); // its lease ends: a new link gets the port at once
      const next = await clientOn(he, last.target, cleanups, retrying);
      expect((await readTarget(next, last.target, 11)).got).toEqual([2011, 2012]);
      expect(he.openLinks).toBe(4);
    });
  }

  it('non-persistent broker: presence, res and gateway watches come back; a new link reads', {
    timeout: 15_000,
  }, async () => {
    const broker = await startMosquitto();
    cleanups.add(() => broker.stop());
    // gw-1 can be held back while the head-end reconnects, gw-2 can be killed.
    const { proxy1, proxy2, he, onGw1, onGw2 } = await twoProxiedGateways(broker.port, broker.url, cleanups);

    await broker.kill();
    await proxy1.pause(); // gw-1 cannot reconnect yet
    await broker.restart(); // empty: no sessions, no subscriptions, no retained messages
    const restartedAt = Date.now();

    // The head-end reconnects and publishes its presence again (the retained one is gone).
    await presenceOnline(broker.url, he.headEndId, cleanups);

    // A new link of the same head-end (to gw-1's other port) asks for a lease before gw-1 is back:
    // its `open` reaches no one; it is repeated when gw-1's status turns online again.
    const opening = clientOn(he, targets[0]!, cleanups);
    await delay(300);
    await proxy1.resume();
    const fresh = await opening;
    const echo = await readTarget(fresh, targets[0]!, 5);
    expect(echo.got).toEqual(echo.want);
    console.log(`non-persistent restart: a new link read ${Date.now() - restartedAt} ms after the restart`);

    // gw-2's status is watched again: killed now, its Last Will reaches the head-end, and a link to
    // it (the one from before the restart if it survived, else a new one) closes at once.
    let toGw2 = onGw2;
    const survived =
      toGw2.link.isOpen &&
      (await readTarget(toGw2, targets[3]!, 3).then(
        ({ got }) => isDeepStrictEqual(got, [2003, 2004]),
        () => false,
      ));
    if (!survived) toGw2 = await clientOn(he, targets[3]!, cleanups);
    const closed = new Promise<Error | undefined>((resolve) => toGw2.link.once('close', resolve));
    const killedAt = Date.now();
    await proxy2.close();
    const error = await Promise.race([closed, delay(3000).then(() => new Error('no close'))]);
    expect(tunnelErrorIn(error)?.reason).toBe('gateway-offline');
    console.log(
      `non-persistent restart: gw-2 link ${survived ? 'survived' : 'did not survive'}; ` +
        `closed ${Date.now() - killedAt} ms after gw-2 was killed`,
    );
    // The other gateway's links keep working.
    const again = await readTarget(fresh, targets[0]!, 9);
    expect(again.got).toEqual(again.want);
    if (onGw1.link.isOpen) expect((await readTarget(onGw1, targets[1]!, 9)).got).toEqual([1009, 1010]);
  });

  it('a gateway killed under a shared head-end fails its links fast; the other gateway goes on', {
    timeout: 10_000,
  }, async () => {
    const broker = await startMosquitto();
    cleanups.add(() => broker.stop());
    await startSite(broker.url, cleanups, { registers: countingRegisters(1000) });
    const proxy = await startProxy(broker.port);
    cleanups.add(() => proxy.close());
    const site2 = await startSite(`mqtt://127.0.0.1:${proxy.port}`, cleanups, {
      registers: countingRegisters(2000),
      gateway: { id: 'gw-2' },
    });
    const he = mqttHeadEnd({ broker: broker.url });
    cleanups.add(() => he.close());
    const clients = await Promise.all(targets.map((t) => clientOn(he, t, cleanups)));
    const [, , dlms2, mb2] = clients as [HeadEndClient, HeadEndClient, DlmsClient, ModbusClient];
    const workers = [new Worker(targets[0]!, clients[0]!), new Worker(targets[1]!, clients[1]!)];
    cleanups.add(() => Promise.all(workers.map((w) => w.stop())));

    // Unit 9 does not exist: the device stays silent and the request waits for its answer.
    let requests = 0;
    site2.modbusMeter.on('data', () => requests++);
    const started = Date.now();
    const pending = mb2.readHoldingRegisters(0, 1, { unitId: 9, timeoutMs: 5000, retries: 0 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const dlmsClosed = new Promise<Error | undefined>((resolve) => dlms2.link.once('close', resolve));
    await until(() => requests > 0, 3000, 'the request at the device');
    await proxy.close(); // gw-2 dies: mosquitto publishes its Last Will
    const error = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(tunnelErrorIn(error)?.reason).toBe('gateway-offline');
    expect(tunnelErrorIn(await dlmsClosed)?.reason).toBe('gateway-offline');
    // A new link to gw-2 is refused at once, from the status the head-end knows.
    const refusedAt = Date.now();
    const refused = await clientOn(he, targets[3]!, cleanups).catch((e: unknown) => e);
    expect(tunnelErrorIn(refused)?.reason).toBe('gateway-offline');
    expect(Date.now() - refusedAt).toBeLessThan(1000);

    const killedAt = Date.now();
    await until(
      () => workers.every((w) => w.error !== undefined || w.after(killedAt) >= 3),
      3000,
      'gw-1 reads',
    );
    await Promise.all(workers.map((w) => w.stop()));
    for (const worker of workers) {
      expect(worker.error, worker.name).toBeUndefined();
      expect(worker.wrong).toEqual([]);
    }
    expect(he.openLinks).toBe(2);
  });
});
