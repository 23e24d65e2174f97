// What the DLMS session benchmark puts on the wire, learnt from meterlink itself rather than
// assumed: a recording TCP proxy between a real DlmsClient and the DlmsServer logs every chunk
// each way, so the baselines replay exactly the byte counts and the number of round trips of
// the real exchange, and the raw clients replay the client's own AARQ and GET frames.
//
// A "turn" is what one side sends before the other answers: { client: bytes, server: bytes,
// frame: the client's bytes, reply: the server's bytes (Buffers) }. A GET is one turn; a profile
// read over HDLC is one turn per I-frame (window 1: every segment the meter sends waits for the
// client's RR).

import { createConnection, createServer } from 'node:net';

const host = '127.0.0.1';

/**
 * A proxy to `targetPort` that logs the chunks of every connection it carries.
 * @param {number} targetPort
 */
export function recordingProxy(targetPort) {
  /** @type {{ from: 'client' | 'server', bytes: Buffer }[]} */
  let log = [];
  const sockets = new Set();
  const server = createServer((inbound) => {
    inbound.setNoDelay(true);
    const outbound = createConnection({ host, port: targetPort });
    outbound.setNoDelay(true);
    sockets.add(inbound).add(outbound);
    inbound.on('data', (bytes) => {
      log.push({ from: 'client', bytes });
      outbound.write(bytes);
    });
    outbound.on('data', (bytes) => {
      log.push({ from: 'server', bytes });
      inbound.write(bytes);
    });
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    for (const s of [inbound, outbound]) {
      s.on('error', end);
      s.on('close', () => {
        sockets.delete(s);
        end();
      });
    }
  });
  return new Promise((resolve) => {
    server.listen({ host, port: 0 }, () =>
      resolve({
        port: server.address().port,
        /** Forgets what was logged so far. */
        mark() {
          log = [];
        },
        /** The logged chunks since the last mark, merged into turns. */
        turns() {
          return turnsOf(log);
        },
        close() {
          for (const s of sockets) s.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      }),
    );
  });
}

/** Merges a chunk log into alternating turns (client first). */
function turnsOf(log) {
  const turns = [];
  let turn;
  for (const { from, bytes } of log) {
    if (turn === undefined || (from === 'client' && turn.replies.length > 0)) {
      turn = { parts: [], replies: [] };
      turns.push(turn);
    }
    (from === 'client' ? turn.parts : turn.replies).push(bytes);
  }
  return turns.map(({ parts, replies }) => {
    const frame = Buffer.concat(parts);
    const reply = Buffer.concat(replies);
    return { client: frame.length, server: reply.length, frame, reply };
  });
}

/** Client and server byte totals of `turns`. */
export function totals(turns) {
  return {
    client: turns.reduce((n, t) => n + t.client, 0),
    server: turns.reduce((n, t) => n + t.server, 0),
  };
}

/**
 * The raw echo server's request unit (see dlms-server-process.mjs) of `bytes` octets asking for
 * `answer` octets back. Units are at least 8 octets (the header).
 */
export function echoUnit(bytes, answer) {
  const unit = Buffer.alloc(Math.max(8, bytes));
  unit.writeUInt32BE(unit.length, 0);
  unit.writeUInt32BE(answer, 4);
  return unit;
}

/**
 * The echo twin of recorded turns: the same client and server byte counts, turn by turn, as
 * requests to the raw echo server. (`{ frame, answer }`, as the raw clients take them.)
 */
export function echoTurns(turns) {
  return turns.map((t) => ({ frame: echoUnit(t.client, t.server), answer: t.server }));
}

/** Recorded turns replayed as they were: the client's frames, expecting the server's byte counts. */
export function replayTurns(turns) {
  return turns.map((t) => ({ frame: t.frame, answer: t.server }));
}
