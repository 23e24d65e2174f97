// Load generators of the DLMS session benchmark. Each runs one request at a time (a DLMS client
// has one request outstanding per association) for a window, and reports what it completed, the
// wall time, the CPU time this process used over the same window (`process.cpuUsage`, user +
// system) and the time of every operation (ms).

import { createConnection } from 'node:net';

const host = '127.0.0.1';

function connectSocket(port) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * @typedef {object} LoopResult
 * @property {number} count operations completed
 * @property {number} ms wall time of the window
 * @property {number} cpuUs CPU time of this process over the window, µs
 * @property {number[]} times ms per operation
 */

/**
 * Runs `op` (async) back to back until `durationMs` have passed (at least once).
 * @param {() => Promise<unknown>} op
 * @param {number} durationMs
 * @returns {Promise<LoopResult>}
 */
export async function timedLoop(op, durationMs) {
  const times = [];
  const c0 = cpuNow();
  const t0 = performance.now();
  let t = t0;
  do {
    const s = t;
    await op();
    t = performance.now();
    times.push(t - s);
  } while (t - t0 < durationMs);
  return { count: times.length, ms: t - t0, cpuUs: cpuNow() - c0, times };
}

/**
 * A raw `net` client that plays a list of turns, one at a time: writes the turn's frame (copied
 * into a fresh buffer per write, as a client encoding each request does) and waits for `answer`
 * bytes before the next turn. No framing, no parsing, no promises per turn. Against the raw
 * echo server with {@link echoTurns} it is the baseline; with recorded DLMS frames against the
 * DLMS server it is a load that costs the client nothing.
 */
export class TurnClient {
  /** @param {number} port */
  async open(port) {
    this.socket = await connectSocket(port);
    this.socket.on('error', () => undefined);
    this.onBytes = undefined;
    this.socket.on('data', (chunk) => this.onBytes?.(chunk.length));
  }

  /**
   * Plays `turns` over and over, whole passes only, until `durationMs` have passed (at least one
   * pass). `count` counts turns (round trips); `times` holds one entry per pass.
   * @param {{ frame: Buffer, answer: number }[]} turns
   * @param {number} durationMs
   * @returns {Promise<LoopResult & { passes: number }>}
   */
  run(turns, durationMs) {
    const socket = this.socket;
    return new Promise((resolve) => {
      const times = [];
      const c0 = cpuNow();
      const t0 = performance.now();
      let passStart = t0;
      let i = 0;
      let count = 0;
      let received = 0;
      const finish = (t) => {
        this.onBytes = undefined;
        resolve({ count, passes: times.length, ms: t - t0, cpuUs: cpuNow() - c0, times });
      };
      // Sends turn i; answers of 0 bytes are not waited for.
      const send = () => {
        for (;;) {
          const turn = turns[i];
          const out = Buffer.allocUnsafe(turn.frame.length);
          turn.frame.copy(out);
          socket.write(out);
          received = 0;
          if (turn.answer > 0) return;
          if (advance()) return;
        }
      };
      // Moves past turn i; true when the run is over.
      const advance = () => {
        count++;
        if (++i < turns.length) return false;
        i = 0;
        const t = performance.now();
        times.push(t - passStart);
        passStart = t;
        if (t - t0 < durationMs) return false;
        finish(t);
        return true;
      };
      this.onBytes = (n) => {
        received += n;
        if (received < turns[i].answer) return;
        if (!advance()) send();
      };
      send();
    });
  }

  close() {
    this.socket?.destroy();
  }
}

/**
 * Many idle raw connections to one server, each first exchanging `hello` (the recorded AARQ →
 * AARE, so each holds an association; for the echo server an echo unit of the same sizes).
 * The clients cost almost nothing: a socket and a byte count each.
 */
export class SocketPool {
  /**
   * @param {number} port
   * @param {{ frame: Buffer, answer: number }} hello
   */
  constructor(port, hello) {
    this.port = port;
    this.hello = hello;
    /** @type {{ socket: import('node:net').Socket, received: number, need: number, done?: () => void }[]} */
    this.members = [];
    this.error = undefined;
  }

  get size() {
    return this.members.length;
  }

  async #add() {
    const socket = await connectSocket(this.port);
    const member = { socket, received: 0, need: 0, done: undefined };
    socket.on('data', (chunk) => {
      member.received += chunk.length;
      if (member.done !== undefined && member.received >= member.need) {
        const done = member.done;
        member.done = undefined;
        done();
      }
    });
    socket.on('error', () => undefined);
    this.members.push(member);
    await this.#exchange(member, this.hello);
  }

  #exchange(member, turn) {
    return new Promise((resolve, reject) => {
      member.received = 0;
      member.need = turn.answer;
      const onClose = () => reject(new Error('connection closed by the server'));
      member.socket.once('close', onClose);
      member.done = () => {
        member.socket.off('close', onClose);
        resolve();
      };
      member.socket.write(turn.frame);
    });
  }

  /**
   * Opens connections (`concurrency` at a time) until `n` are open, or one fails (then `error`
   * says why). Resolves with the wall time, ms.
   */
  async grow(n, concurrency = 256) {
    const t0 = performance.now();
    let next = this.members.length;
    const worker = async () => {
      while (this.error === undefined && next < n) {
        next++;
        try {
          await this.#add();
        } catch (error) {
          this.error ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return performance.now() - t0;
  }

  /** Every connection sends `turn` at once; resolves with the ms until all were answered. */
  async sweep(turn) {
    const t0 = performance.now();
    await Promise.all(this.members.map((m) => this.#exchange(m, turn)));
    return performance.now() - t0;
  }

  /** Resets every connection (RST: no TIME_WAIT left holding ports). */
  close() {
    for (const m of this.members) m.socket.resetAndDestroy();
    this.members = [];
  }
}
