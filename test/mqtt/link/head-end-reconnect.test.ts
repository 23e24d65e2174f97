import { afterEach, describe, expect, it } from 'vitest';
import { startBroker } from '../../../src/mqtt/broker/index.js';
import {
  Cleanups,
  clientOn,
  delay,
  gw2Modbus,
  type HeadEndTarget,
  presenceOnline,
  readTarget,
  tunnelErrorIn,
  twoProxiedGateways,
} from '../mosquitto/site.js';

const dlms1: HeadEndTarget = { gatewayId: 'gw-1', port: 'dlms', base: 0 };

describe('mqttHeadEnd across an embedded broker restart', () => {
  const cleanups = new Cleanups();
  afterEach(() => cleanups.run());

  it('publishes its presence, resubscribes res and gateway statuses; a new link reads', {
    timeout: 10_000,
  }, async () => {
    let broker = await startBroker({ port: 0 });
    const port = broker.port;
    cleanups.add(() => broker.close());
    // gw-1 is held back while the head-end reconnects, gw-2 is killed at the end.
    const { proxy1, proxy2, he, onGw2 } = await twoProxiedGateways(port, broker.url, cleanups);

    await broker.close(); // every client dropped, no Last Will; nothing kept
    await proxy1.pause(); // gw-1 cannot reconnect yet
    // A new link asks gw-1 for a lease while the broker is down: MQTT.js keeps its `open` and
    // sends it after the head-end's reconnect, when gw-1 is not subscribed yet (reaching no one).
    // The head-end forgot gw-1's status at the reconnect, so the link sends `open` again when gw-1
    // says online.
    const opening = clientOn(he, dlms1, cleanups);
    await delay(50);
    broker = await startBroker({ port });

    await presenceOnline(broker.url, he.headEndId, cleanups);
    await delay(100);
    await proxy1.resume();
    const fresh = await opening;
    const echo = await readTarget(fresh, dlms1, 3);
    expect(echo.got).toEqual(echo.want);

    // gw-2's status is watched again: killed now, its Last Will closes the link to it.
    const toGw2 = onGw2.link.isOpen ? onGw2 : await clientOn(he, gw2Modbus, cleanups);
    const closed = new Promise<Error | undefined>((resolve) => toGw2.link.once('close', resolve));
    await proxy2.close();
    const error = await Promise.race([closed, delay(3000).then(() => new Error('no close'))]);
    expect(tunnelErrorIn(error)?.reason).toBe('gateway-offline');
    const again = await readTarget(fresh, dlms1, 4);
    expect(again.got).toEqual(again.want);
  });
});
