// A gateway that dies without a DISCONNECT (its TCP connection to mosquitto is cut and cannot
// come back, as when its process is killed): mosquitto publishes its Last Will (status
// `offline`), and a head-end's pending request fails at once with a typed error instead of
// waiting for its timeout; a new link to that gateway is refused at once.
import { afterEach, expect, it } from 'vitest';
import { MeterlinkError } from '../../../src/core/errors.js';
import { mqttLink, TunnelError } from '../../../src/mqtt/link/index.js';

import { describeWithPrograms, startMosquitto } from './mosquitto.js';
import { Cleanups, gatewayId, modbusOver, startProxy, startSite, until } from './site.js';

/** The TunnelError in `error` or its causes. */
function tunnelErrorIn(error: unknown): TunnelError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof TunnelError) return e;
  return undefined;
}

describeWithPrograms('gateway killed (mosquitto 2, Last Will)', {}, () => {
  const cleanups = new Cleanups();
  afterEach(() => cleanups.run());

  it('fails the pending request fast with a typed error, and refuses new links at once', async () => {
    const broker = await startMosquitto();
    cleanups.add(() => broker.stop());
    // The gateway reaches the broker only through this proxy: closing it is the gateway's death.
    const proxy = await startProxy(broker.port);
    cleanups.add(() => proxy.close());
    const site = await startSite(`mqtt://127.0.0.1:${proxy.port}`, cleanups);
    const timeoutMs = 10_000;
    const client = await modbusOver(broker.url, cleanups, { timeoutMs });
    expect([...(await client.readHoldingRegisters(0, 2))]).toEqual([0, 0]);

    // Unit 9 does not exist: the device stays silent and the request waits for its answer.
    let requests = 0;
    site.modbusMeter.on('data', () => requests++);
    const started = Date.now();
    const pending = client.readHoldingRegisters(0, 1, { unitId: 9 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await until(() => requests > 0, 3000, 'the request at the device');
    await proxy.close();
    const error = await pending;
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(MeterlinkError);
    expect(tunnelErrorIn(error)?.reason).toBe('gateway-offline');
    expect(took).toBeLessThan(2000);
    expect(took).toBeLessThan(timeoutMs / 5);

    // The retained Last Will refuses a new link at once.
    const link = mqttLink({ broker: broker.url, gatewayId, port: 'mb', timeoutMs });
    cleanups.add(() => link.close());
    const refusedAt = Date.now();
    const refused = await link.open().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TunnelError);
    expect((refused as TunnelError).reason).toBe('gateway-offline');
    expect(Date.now() - refusedAt).toBeLessThan(2000);
  });
});
