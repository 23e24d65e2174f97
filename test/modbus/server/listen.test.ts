// ModbusServer.listen over real loopback sockets: MBAP and RTU over TCP, UDP, several clients,
// maxConnections, close(), malformed MBAP lengths and noise.
import { describe, expect, it } from 'vitest';
import { type DecodeError, type Link, LinkError, tcp, toHex, udp } from '../../../src/index.js';
import { ModbusClient, ModbusServer } from '../../../src/modbus/index.js';
import { modbusVector, vectorBytes } from '../../helpers/vectors.js';
import { concat, mbap, rtu, until, useCleanup, Wire } from './helpers.js';

const track = useCleanup();

function referenceServer(): ModbusServer {
  const server = new ModbusServer({ model: { holdingRegisters: 200 } });
  server.model.holdingRegisters.set([0x022b, 0x0000, 0x0064], 0x6b);
  return server;
}

async function rawTcp(port: number): Promise<Wire> {
  const link = track(tcp({ host: '127.0.0.1', port }), (l) => l.close());
  await link.open();
  return new Wire(link);
}

function closed(link: Link): Promise<void> {
  return until(() => link.state === 'closed', 1000, `${link.info.peer} closed`);
}

describe('listen over TCP', () => {
  it('serves several concurrent MBAP clients', async () => {
    const server = referenceServer();
    const { port } = track(await server.listen({ port: 0 }), (l) => l.close());
    const clients = await Promise.all(
      Array.from({ length: 4 }, () =>
        ModbusClient.connect({ link: tcp({ host: '127.0.0.1', port }), maxInFlight: 8 }).then((c) =>
          track(c, (x) => x.close()),
        ),
      ),
    );
    const results = await Promise.all(
      clients.flatMap((mb, c) =>
        Array.from({ length: 8 }, (_, i) =>
          mb.writeSingleRegister(c * 8 + i, c * 1000 + i).then(() => mb.readHoldingRegisters(c * 8 + i, 1)),
        ),
      ),
    );
    expect(results.map((r) => r[0])).toEqual(
      clients.flatMap((_, c) => Array.from({ length: 8 }, (_, i) => c * 1000 + i)),
    );
  });

  it('answers the pipelined vector in one segment, in order', async () => {
    const { port } = track(await referenceServer().listen({ port: 0 }), (l) => l.close());
    const server = referenceServer();
    server.model.inputRegisters[8] = 0x000a;
    const second = track(await server.listen({ port: 0 }), (l) => l.close());
    const wire = await rawTcp(second.port);
    const expected = vectorBytes(modbusVector('tcp-pipelined-2rsp'));
    expect(await wire.exchange(vectorBytes(modbusVector('tcp-pipelined-2req')), expected.length)).toBe(
      toHex(expected),
    );
    expect(port).not.toBe(second.port);
  });

  it('speaks RTU over TCP (vectors rtu-over-tcp-*), with a ModbusClient too', async () => {
    const { port } = track(await referenceServer().listen({ port: 0, framing: 'rtu' }), (l) => l.close());
    const wire = await rawTcp(port);
    const expected = vectorBytes(modbusVector('rtu-over-tcp-fc03-rsp'));
    expect(await wire.exchange(vectorBytes(modbusVector('rtu-over-tcp-fc03-req')), expected.length)).toBe(
      toHex(expected),
    );
    const ten = await wire.exchange(vectorBytes(modbusVector('rtu-over-tcp-fc03-req-10')), 25);
    expect(ten.slice(0, 6)).toBe('010314');
    // Garbage on the stream is skipped; the next good frame is answered (spec §10).
    const answer = rtu(1, '0302022B');
    expect(
      await wire.exchange(concat([Uint8Array.of(0xff, 0x00, 0x13), rtu(1, '03006B0001')]), answer.length),
    ).toBe(toHex(answer));
    const mb = track(
      await ModbusClient.connect({ link: tcp({ host: '127.0.0.1', port }), framing: 'rtu' }),
      (c) => c.close(),
    );
    expect([...(await mb.readHoldingRegisters(0x6b, 3))]).toEqual([0x022b, 0, 0x64]);
  });

  it('closes the oldest connection beyond maxConnections', async () => {
    const { port } = track(await referenceServer().listen({ port: 0, maxConnections: 2 }), (l) => l.close());
    const first = await rawTcp(port);
    const second = await rawTcp(port);
    expect(await second.exchange(mbap(1, 1, '03006B0001'), 11)).toBe(toHex(mbap(1, 1, '0302022B')));
    const third = await rawTcp(port);
    await closed(first.link);
    expect(await third.exchange(mbap(2, 1, '03006B0001'), 11)).toBe(toHex(mbap(2, 1, '0302022B')));
    expect(await second.exchange(mbap(3, 1, '03006B0001'), 11)).toBe(toHex(mbap(3, 1, '0302022B')));
  });

  it('close() stops listening and closes every connection', async () => {
    const listener = await referenceServer().listen({ port: 0 });
    const a = await rawTcp(listener.port);
    const b = await rawTcp(listener.port);
    await listener.close();
    await Promise.all([closed(a.link), closed(b.link)]);
    await expect(tcp({ host: '127.0.0.1', port: listener.port }).open({ timeoutMs: 1000 })).rejects.toThrow(
      LinkError,
    );
  });

  it('a malformed MBAP length drops that connection only, after answering what came before', async () => {
    const server = referenceServer();
    const discards: DecodeError[] = [];
    server.on('discard', (error) => discards.push(error));
    const { port } = track(await server.listen({ port: 0 }), (l) => l.close());
    const bad = await rawTcp(port);
    const good = await rawTcp(port);
    // A good request, then a header with length 0x0100 (255 + 1 bytes), in one segment.
    await bad.send(concat([mbap(1, 1, '03006B0001'), Uint8Array.of(0, 2, 0, 0, 0x01, 0x00, 1, 3)]));
    expect(toHex(await bad.receive(11))).toBe(toHex(mbap(1, 1, '0302022B')));
    await closed(bad.link);
    expect(discards.map((e) => [e.layer, e.offset])).toEqual([['modbus-tcp', 4]]);
    expect(await good.exchange(mbap(1, 1, '03006B0001'), 11)).toBe(toHex(mbap(1, 1, '0302022B')));
    // Length 0 and length 1 are fatal too.
    for (const length of [0, 1]) {
      const wire = await rawTcp(port);
      await wire.send(Uint8Array.of(0, 9, 0, 0, 0, length, 1, 3));
      await closed(wire.link);
    }
  });

  it('skips ADUs with a protocol id other than 0 and goes on', async () => {
    const server = referenceServer();
    const discards: DecodeError[] = [];
    server.on('discard', (error) => discards.push(error));
    const { port } = track(await server.listen({ port: 0 }), (l) => l.close());
    const wire = await rawTcp(port);
    const foreign = mbap(1, 1, '03006B0001');
    foreign[3] = 1;
    expect(await wire.exchange(concat([foreign, mbap(2, 1, '03006B0001')]), 11)).toBe(
      toHex(mbap(2, 1, '0302022B')),
    );
    expect(discards).toHaveLength(1);
  });

  it('noise on one connection neither crashes the server nor disturbs the others', async () => {
    const server = referenceServer();
    const { port } = track(await server.listen({ port: 0 }), (l) => l.close());
    const rtuListener = track(await server.listen({ port: 0, framing: 'rtu' }), (l) => l.close());
    const good = await rawTcp(port);
    let seed = 7;
    const noise = Uint8Array.from({ length: 4000 }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    });
    const noisyMbap = await rawTcp(port);
    const noisyRtu = await rawTcp(rtuListener.port);
    for (let at = 0; at < noise.length; at += 500) {
      void noisyMbap.send(noise.subarray(at, at + 500)).catch(() => undefined);
      await noisyRtu.send(noise.subarray(at, at + 500));
      expect(await good.exchange(mbap(at, 1, '03006B0001'), 11)).toBe(toHex(mbap(at, 1, '0302022B')));
    }
    // The RTU connection resynchronises on the next good frame (its answer may follow others).
    await noisyRtu.send(rtu(1, '03006B0001'));
    const answer = toHex(rtu(1, '0302022B'));
    await until(() => toHex(concat(noisyRtu.chunks)).includes(answer), 1000, 'an answer after the noise');
  });

  it('fails to listen on a port in use', async () => {
    const { port } = track(await referenceServer().listen({ port: 0 }), (l) => l.close());
    await expect(referenceServer().listen({ port })).rejects.toThrow(LinkError);
  });
});

describe('listen over UDP', () => {
  it('serves several clients, one datagram per request', async () => {
    const { port } = track(await referenceServer().listen({ port: 0, transport: 'udp' }), (l) => l.close());
    const clients = await Promise.all(
      Array.from({ length: 3 }, () =>
        ModbusClient.connect({ link: udp({ host: '127.0.0.1', port }), unitId: 1, maxInFlight: 4 }).then(
          (c) => track(c, (x) => x.close()),
        ),
      ),
    );
    const values = await Promise.all(
      clients.flatMap((mb, c) =>
        Array.from({ length: 4 }, (_, i) =>
          mb.writeSingleRegister(c * 4 + i, 77 + c * 4 + i).then(() => mb.readHoldingRegisters(c * 4 + i, 1)),
        ),
      ),
    );
    expect(values.map((v) => v[0])).toEqual(Array.from({ length: 12 }, (_, i) => 77 + i));
  });

  it('drops a datagram holding a partial frame; the next datagram is framed afresh', async () => {
    const { port } = track(await referenceServer().listen({ port: 0, transport: 'udp' }), (l) => l.close());
    const link = track(udp({ host: '127.0.0.1', port }), (l) => l.close());
    await link.open();
    const wire = new Wire(link);
    await wire.send(mbap(1, 1, '03006B0001').subarray(0, 9));
    expect(await wire.exchange(mbap(2, 1, '03006B0001'), 11)).toBe(toHex(mbap(2, 1, '0302022B')));
  });

  it('speaks RTU over UDP', async () => {
    const { port } = track(
      await referenceServer().listen({ port: 0, transport: 'udp', framing: 'rtu' }),
      (l) => l.close(),
    );
    const link = track(udp({ host: '127.0.0.1', port }), (l) => l.close());
    await link.open();
    const wire = new Wire(link);
    const answer = rtu(1, '0302022B');
    expect(await wire.exchange(rtu(1, '03006B0001'), answer.length)).toBe(toHex(answer));
  });
});
