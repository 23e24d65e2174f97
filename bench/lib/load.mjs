// Round-trip load generators. Each contender keeps `depth` FC3 requests outstanding for a fixed
// time and reports what it completed inside that window, the wall time and the CPU time its
// process used (`process.cpuUsage`, user + system) over the same window.

import { createConnection, Socket } from 'node:net';
import { requestBytes, requestTemplate, responseBytes, unitId } from './wire.mjs';

/**
 * @typedef {object} LoadResult
 * @property {number} count transactions completed inside the window
 * @property {number} total transactions completed, the ones that drained after the window included
 * @property {number} ms length of the window
 * @property {number} cpuUs client-process CPU time (user + system, µs) inside the window
 * @property {number} errors failed requests
 * @property {unknown} [firstError]
 * @property {number} maxWireDepth most requests seen written but unanswered at once (-1: unknown)
 */

function connectSocket(port, onread) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port, onread });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Window bookkeeping shared by the generators. */
function startSpan(durationMs, onEnd) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const span = { open: true, count: 0, total: 0, result: undefined };
  const close = () => {
    if (!span.open) return;
    span.open = false;
    clearTimeout(timer);
    const c = process.cpuUsage(c0);
    span.result = { count: span.count, ms: performance.now() - t0, cpuUs: c.user + c.system };
    onEnd();
  };
  const timer = setTimeout(close, durationMs);
  span.close = close;
  return span;
}

/**
 * Drives a promise-returning `call` with `depth` concurrent loops (`await call()` in each): the
 * way an application keeps `depth` requests of a promise-based client outstanding.
 * @param {() => Promise<unknown>} call
 * @param {number} depth
 * @param {number} durationMs
 * @param {() => number} [wireDepth] requests written but not answered yet, for the pipelining probe
 * @returns {Promise<LoadResult>}
 */
export function promiseLoad(call, depth, durationMs, wireDepth) {
  return new Promise((resolve) => {
    let live = depth;
    let errors = 0;
    let firstError;
    let maxWireDepth = wireDepth ? 0 : -1;
    const span = startSpan(durationMs, () => undefined);
    const worker = async () => {
      while (span.open) {
        try {
          const pending = call();
          if (wireDepth) maxWireDepth = Math.max(maxWireDepth, wireDepth());
          await pending;
          span.total++;
          if (span.open) span.count++;
        } catch (error) {
          errors++;
          firstError ??= error;
          if (errors >= 100) span.close(); // a broken contender: stop and report it
        }
      }
      if (--live === 0) resolve({ ...span.result, total: span.total, errors, firstError, maxWireDepth });
    };
    for (let i = 0; i < depth; i++) void worker();
  });
}

/**
 * The raw `net` client: no framing, no parsing, no promises. It writes 12-byte FC3 requests
 * (fresh transaction id each) and counts 29-byte responses; for every response completed it sends
 * the next request, so `depth` stay outstanding. `batched`: the requests due after one received
 * chunk go out in one write (the physical limit); otherwise one write per request, as a
 * promise-per-request client API issues them.
 *
 * `reuseReadBuffer`: the socket reads into one reused buffer (`net.connect`'s `onread`), as
 * meterlink's `tcp()` link does, instead of getting a freshly allocated Buffer per read in a
 * `data` event (the default, and the baseline).
 */
export class RawClient {
  /** @param {{ reuseReadBuffer?: boolean }} [options] */
  constructor({ reuseReadBuffer = false } = {}) {
    this.reuseReadBuffer = reuseReadBuffer;
    /** @type {((bytes: number) => void) | undefined} */
    this.onBytes = undefined;
  }

  /** @param {number} port */
  async open(port) {
    const onread = this.reuseReadBuffer
      ? { buffer: Buffer.allocUnsafe(16 * 1024), callback: (n) => void this.onBytes?.(n) }
      : undefined;
    this.socket = await connectSocket(port, onread);
    if (!onread) this.socket.on('data', (chunk) => this.onBytes?.(chunk.length));
    this.socket.on('error', () => undefined);
    this.nextId = 0;
  }

  /**
   * @param {number} depth
   * @param {number} durationMs
   * @param {{ batched?: boolean }} [options]
   * @returns {Promise<LoadResult>}
   */
  run(depth, durationMs, { batched = true } = {}) {
    const socket = this.socket;
    return new Promise((resolve) => {
      let received = 0; // response bytes received
      let answered = 0; // whole responses received
      let sent = 0;
      const send = (n) => {
        if (batched) {
          const out = Buffer.allocUnsafe(n * requestBytes);
          for (let i = 0; i < n; i++) this.fill(out, i * requestBytes);
          socket.write(out);
        } else {
          for (let i = 0; i < n; i++) {
            const out = Buffer.allocUnsafe(requestBytes);
            this.fill(out, 0);
            socket.write(out);
          }
        }
        sent += n;
      };
      const finish = () => {
        this.onBytes = undefined;
        resolve({ ...span.result, total: answered, errors: 0, maxWireDepth: depth });
      };
      const onData = (bytes) => {
        received += bytes;
        const complete = Math.floor(received / responseBytes);
        const fresh = complete - answered;
        answered = complete;
        if (span.open) {
          span.count += fresh;
          if (fresh > 0) send(fresh);
        } else if (answered === sent) {
          finish();
        }
      };
      const span = startSpan(durationMs, () => {
        if (answered === sent) finish();
      });
      this.onBytes = onData;
      send(depth);
    });
  }

  fill(out, at) {
    requestTemplate.copy(out, at);
    this.nextId = (this.nextId + 1) & 0xffff;
    const id = this.nextId;
    out[at] = id >>> 8;
    out[at + 1] = id & 0xff;
  }

  close() {
    this.socket.destroy();
  }
}

/** meterlink's `ModbusClient` over its `tcp()` link. */
export class MeterlinkClient {
  /** @param {number} port */
  async open(port) {
    const [{ tcp }, { ModbusClient }] = await Promise.all([
      import('../../dist/index.js'),
      import('../../dist/modbus/index.js'),
    ]);
    this.client = await ModbusClient.connect({
      link: tcp({ host: '127.0.0.1', port }),
      framing: 'tcp',
      unitId,
      maxInFlight: 16,
    });
  }

  run(depth, durationMs) {
    const client = this.client;
    const stats = client.stats;
    return promiseLoad(
      () => client.readHoldingRegisters(0, 10),
      depth,
      durationMs,
      () => stats.requests - stats.responses,
    );
  }

  close() {
    return this.client.close();
  }
}

/** jsmodbus 5: `new Modbus.client.TCP(socket, unitId)` on a `net.Socket` with Nagle off. */
export class JsmodbusClient {
  /** @param {number} port */
  async open(port) {
    const { default: Modbus } = await import('jsmodbus');
    // The client must see the socket's 'connect' event: create it before connecting.
    this.socket = new Socket();
    this.client = new Modbus.client.TCP(this.socket, unitId, 1000);
    await new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.connect({ host: '127.0.0.1', port }, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    this.socket.setNoDelay(true);
  }

  run(depth, durationMs) {
    const socket = this.socket;
    return promiseLoad(
      () => this.client.readHoldingRegisters(0, 10),
      depth,
      durationMs,
      () => Math.floor(socket.bytesWritten / requestBytes) - Math.floor(socket.bytesRead / responseBytes),
    );
  }

  close() {
    this.socket.destroy();
  }
}

/** modbus-serial 8: `connectTCP`, `setID`, `readHoldingRegisters` (it turns Nagle off itself). */
export class ModbusSerialClient {
  /** @param {number} port */
  async open(port) {
    const { default: ModbusRTU } = await import('modbus-serial');
    this.client = new ModbusRTU();
    await this.client.connectTCP('127.0.0.1', { port });
    this.client.setID(unitId);
    this.client.setTimeout(1000);
  }

  run(depth, durationMs) {
    // Probe only: the library's socket, to count bytes on the wire.
    const socket = this.client._port?._client;
    return promiseLoad(
      () => this.client.readHoldingRegisters(0, 10),
      depth,
      durationMs,
      socket
        ? () => Math.floor(socket.bytesWritten / requestBytes) - Math.floor(socket.bytesRead / responseBytes)
        : undefined,
    );
  }

  close() {
    return new Promise((resolve) => this.client.close(resolve));
  }
}
