// connect(), connectDlms() and connectModbus() with DLMS URLs against a DlmsServer on loopback
// TCP and UDP: the URL's addresses and parameters reach the client, secrets come from options.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { connectDlms, connectModbus } from '../../src/connect/connect.js';
import type { DlmsUrl } from '../../src/connect/parse-meter-url.js';
import { AssociationError } from '../../src/dlms/client/errors.js';
import { DlmsClient } from '../../src/dlms/index.js';
import {
  connect,
  InvalidArgumentError,
  InvalidUrlError,
  LinkError,
  listenUdp,
  type ModbusUrl,
  parseMeterUrl,
  TimeoutError,
} from '../../src/index.js';
import type { ModbusClient } from '../../src/modbus/index.js';
import { Cleanup, meterServer, now, password, sap, security } from '../dlms/e2e/helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The simulated meter listening on 127.0.0.1 with `framing` over `transport`; its port. */
async function startMeter(framing: 'hdlc' | 'wrapper', transport: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  const { server } = meterServer();
  const listener = await server.listen({
    port: 0,
    host: '127.0.0.1',
    framing,
    transport,
    // UDP has no connection: the server ends the session after its inactivity timeout.
    ...(transport === 'udp' ? { wrapper: { inactivityTimeoutMs: 300 } } : {}),
  });
  cleanup.add(listener);
  return listener.port;
}

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add({
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return (server.address() as { port: number }).port;
}

const lls = { auth: { mechanism: 'lls', password } } as const;

describe('connect() with DLMS URLs', () => {
  it('hdlc+tcp: LLS association, addresses from the URL, password from options', async () => {
    const port = await startMeter('hdlc');
    const meter = cleanup.add(
      await connect(
        `hdlc+tcp://127.0.0.1:${port}?client=${sap.lls}&server=1&physical=17&auth=lls&timeout=3000`,
        {
          dlms: lls,
        },
      ),
    );
    expectTypeOf(meter).toEqualTypeOf<DlmsClient>();
    expect(meter).toBeInstanceOf(DlmsClient);
    expect(meter.link.info.transport).toBe('tcp');
    const energy = await meter.readRegister('1.0.1.8.0.255');
    expect(typeof energy.value).toBe('number');
    await meter.close();
    expect(meter.closed).toBe(true);
    expect(meter.link.isOpen).toBe(false);
  });

  it('hdlc+tcp with the HDLC parameters of the URL (window, maxinfo, pdu)', async () => {
    const port = await startMeter('hdlc');
    const meter = cleanup.add(
      await connect(
        `hdlc+tcp://127.0.0.1:${port}?client=${sap.lls}&physical=17&auth=lls&window=1&maxinfo=256&pdu=256&retries=2`,
        { dlms: lls },
      ),
    );
    const list = await meter.readObjectList();
    expect(list.length).toBeGreaterThan(10);
  });

  it('wrapper+tcp: the public client by default', async () => {
    const port = await startMeter('wrapper');
    const meter = cleanup.add(await connect(`wrapper+tcp://127.0.0.1:${port}`));
    const clock = await meter.readClock();
    expect(clock.date?.getTime()).toBe(now.getTime());
  });

  it('wrapper+udp: LLS', async () => {
    const port = await startMeter('wrapper', 'udp');
    const meter = cleanup.add(
      await connectDlms(`wrapper+udp://127.0.0.1:${port}?client=${sap.lls}&auth=lls`, { dlms: lls }),
    );
    expect(meter.link.info.transport).toBe('udp');
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
  });

  it('hdlc+udp: HDLC frames in datagrams (a serial-to-UDP converter in front of the meter)', async () => {
    const { server } = meterServer();
    const listener = cleanup.add(
      await listenUdp({ host: '127.0.0.1', port: 0 }, (link) => {
        cleanup.add(server.serve(link, { framing: 'hdlc' }));
      }),
    );
    const meter = cleanup.add(
      await connect(`hdlc+udp://127.0.0.1:${listener.port}?client=${sap.lls}&physical=17&auth=lls`, {
        dlms: lls,
      }),
    );
    expect(meter.link.info.transport).toBe('udp');
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
  });

  it('HLS-GMAC with the policy from the URL and the keys from options', async () => {
    const port = await startMeter('hdlc');
    const meter = cleanup.add(
      await connect(
        `hdlc+tcp://127.0.0.1:${port}?client=${sap.hlsCiphered}&physical=17&auth=hls-gmac&policy=authenticated-encrypted`,
        { dlms: { security: security() } },
      ),
    );
    expect(meter.invocationCounter).toBeGreaterThan(1);
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
  });

  it('options.dlms overrides the URL, field by field for server', async () => {
    const port = await startMeter('wrapper');
    // The URL names the public client and a logical device nobody serves.
    const meter = cleanup.add(
      await connectDlms(parseMeterUrl(`wrapper+tcp://127.0.0.1:${port}?client=16&server=9`), {
        dlms: { client: sap.lls, server: { logical: 1 }, ...lls, timeoutMs: undefined },
      }),
    );
    expect(typeof (await meter.readRegister('1.0.1.8.0.255')).value).toBe('number');
  });

  it('a wrong password fails the association with AssociationError', async () => {
    const port = await startMeter('wrapper');
    const error = await connect(`wrapper+tcp://127.0.0.1:${port}?client=${sap.lls}&auth=lls`, {
      dlms: { auth: { mechanism: 'lls', password: 'wrong' } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssociationError);
    expect(String(error)).not.toContain('wrong');
  });

  it('the URL timeout bounds the association', async () => {
    const port = await silentServer();
    const started = Date.now();
    const error = await connect(`wrapper+tcp://127.0.0.1:${port}?timeout=150`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('connection refused → LinkError', async () => {
    const port = await silentServer();
    await cleanup.run(); // closes it again: nobody listens on the port now
    const error = await connect(`hdlc+tcp://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
  });

  it('auth=lls without the password, or a policy without keys: InvalidArgumentError before any I/O', async () => {
    const port = await silentServer();
    const lonely = await connect(`hdlc+tcp://127.0.0.1:${port}?auth=lls`).catch((e: unknown) => e);
    expect(lonely).toBeInstanceOf(InvalidArgumentError);
    expect((lonely as Error).message).toContain('options.dlms.auth');
    const keyless = await connect(`wrapper+tcp://127.0.0.1:${port}?policy=encrypted`).catch(
      (e: unknown) => e,
    );
    expect(keyless).toBeInstanceOf(InvalidArgumentError);
    expect((keyless as Error).message).toContain('options.dlms.security');
    await expect(connect(`wrapper+tcp://127.0.0.1:${port}?auth=hls-gmac`)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      connect(`wrapper+tcp://127.0.0.1:${port}`, { dlms: { client: 300 } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('hdlc+serial opens a serial link: a missing device fails with a meterlink error', async () => {
    const error = await connect('hdlc+serial:///dev/meterlink-test-no-such-device?modee=1', {
      timeoutMs: 2000,
    }).catch((e: unknown) => e);
    // LinkError from the OS, or MissingDependencyError where serialport is not installed.
    expect(['ERR_LINK', 'ERR_MISSING_DEPENDENCY']).toContain((error as LinkError).code);
  });

  it('policy=none needs no keys', async () => {
    const port = await startMeter('wrapper');
    const meter = cleanup.add(await connect(`wrapper+tcp://127.0.0.1:${port}?policy=none`));
    expect(meter.closed).toBe(false);
  });
});

describe('connectDlms() and connectModbus() take their protocol only', () => {
  it('a URL of the other protocol is an InvalidUrlError', async () => {
    const modbus = await connectDlms('modbus+tcp://h?unit=1').catch((e: unknown) => e);
    expect(modbus).toBeInstanceOf(InvalidUrlError);
    expect((modbus as Error).message).toContain('is a Modbus URL');
    const dlms = await connectModbus('hdlc+mqtt://u:secret@b/g/p').catch((e: unknown) => e);
    expect(dlms).toBeInstanceOf(InvalidUrlError);
    expect((dlms as Error).message).toContain('is a DLMS URL');
    expect((dlms as Error).message).not.toContain('secret');
  });

  it('types: literals and parsed URLs pick the client, other strings get the union', () => {
    // Type assertions only: the calls are never made.
    const calls = () => ({
      hdlc: connect('hdlc+tcp://h'),
      apdu: connect('apdu+mqtt://b/g/p'),
      modbus: connect('modbus+rtu:///dev/x'),
      parsed: connect(parseMeterUrl('wrapper+udp://h')),
      any: connect('x' as string),
      dlms: connectDlms('x' as string),
      mb: connectModbus('x' as string),
    });
    type Calls = ReturnType<typeof calls>;
    expectTypeOf<Calls['hdlc']>().resolves.toEqualTypeOf<DlmsClient>();
    expectTypeOf<Calls['apdu']>().resolves.toEqualTypeOf<DlmsClient>();
    expectTypeOf<Calls['modbus']>().resolves.toEqualTypeOf<ModbusClient>();
    expectTypeOf<Calls['parsed']>().resolves.toEqualTypeOf<DlmsClient>();
    expectTypeOf<Calls['any']>().resolves.toEqualTypeOf<DlmsClient | ModbusClient>();
    expectTypeOf<Calls['dlms']>().resolves.toEqualTypeOf<DlmsClient>();
    expectTypeOf<Calls['mb']>().resolves.toEqualTypeOf<ModbusClient>();
    expectTypeOf(parseMeterUrl('hdlc+serial:///dev/x')).toEqualTypeOf<DlmsUrl>();
    expectTypeOf(parseMeterUrl('modbus+tcp://h')).toEqualTypeOf<ModbusUrl>();
  });
});
