// The MQTT benchmark's baseline and its recorder, in bare MQTT.js (connectAsync, subscribeAsync,
// endAsync; `publish` without a promise per message; MQTT 3.1.1, QoS 1, TCP_NODELAY set on the
// socket as connectMqtt does):
//
// - the echo client (startEcho, in the site process, beside the gateways): subscribed to `b/q/+`;
//   every request payload says how many answers it wants and their sizes, and the echo publishes
//   that many zero-filled payloads to `b/r/{id}{pad}`. It looks at nothing else: the least a
//   gateway can do with the same traffic.
// - the requester (EchoRequester, in the head-end process): plays recorded turns — the tunnel's
//   request messages, payload sizes as recorded, then waits for the recorded number of answers —
//   on topics as long as the tunnel's `req` and `res` topics.
// - the sniffer: a `#` subscriber that logs every message's topic and size (and the envelope
//   type), so message counts and sizes are recorded from the real exchange, not assumed. It runs
//   only in recording passes, never beside a measurement (it doubles the broker's fan-out).
//
// Echo request payload: octet 0 = pad (octets appended to the answer topic), octet 1 = n answers,
// then n uint32 BE answer sizes, zero-filled up to the recorded request size.

import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';

const options = (role, persistent) => ({
  protocolVersion: 4,
  clean: !persistent,
  reconnectPeriod: 0,
  clientId: `bench-${role}-${randomBytes(4).toString('hex')}`,
  log: () => undefined,
});

async function connect(url, role, persistent = false) {
  const client = await mqtt.connectAsync(url, options(role, persistent));
  client.stream.setNoDelay?.(true);
  return client;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * The echo's variants, each on its own topics (`{prefix}/q/+` → `{prefix}/r/…`):
 * - `plain`: answers at once, in the tick the request arrived (the baseline);
 * - `persistent`: the same on persistent sessions (clean: false), as the tunnel's clients;
 * - `async`: answers one event-loop turn later (setImmediate), as a gateway whose meter answers
 *   through a link does: its PUBACK then leaves on its own, not with the answer.
 */
const prefixes = { plain: 'b', persistent: 'p', async: 'a' };

/** Starts an echo client of `variant` on `url`; resolves once subscribed. */
export async function startEcho(url, variant = 'plain') {
  const client = await connect(url, 'echo', variant === 'persistent');
  const prefix = prefixes[variant];
  let zeros = Buffer.alloc(4096);
  const answer = (topic, payload) => {
    const to = `${prefix}/r/${topic.slice(4)}${'_'.repeat(payload[0])}`;
    for (let i = 0; i < payload[1]; i++) {
      const size = payload.readUInt32BE(2 + 4 * i);
      if (size > zeros.length) zeros = Buffer.alloc(size);
      client.publish(to, zeros.subarray(0, size), { qos: 1 });
    }
  };
  client.on('message', (topic, payload) => {
    if (payload.length < 2 || payload[1] === 0) return;
    if (variant === 'async') setImmediate(answer, topic, payload);
    else answer(topic, payload);
  });
  await client.subscribeAsync(`${prefix}/q/+`, { qos: 1 });
  return { close: () => client.endAsync() };
}

/**
 * The payloads a requester publishes for `turns` (`{ requests: sizes[], answers: sizes[] }`):
 * every request of a turn at its recorded size, the last one asking for the turn's answers.
 */
function framesOf(turns, pad) {
  return turns.map(({ requests, answers }) =>
    requests.map((size, i) => {
      const last = i === requests.length - 1;
      const n = last ? answers.length : 0;
      const b = Buffer.alloc(Math.max(size, 2 + 4 * n));
      b[0] = pad;
      b[1] = n;
      for (let k = 0; k < n; k++) b.writeUInt32BE(answers[k], 2 + 4 * k);
      return b;
    }),
  );
}

/**
 * A bare MQTT.js client playing recorded turns through the echo of `variant` (see startEcho): one
 * turn at a time, like a DLMS client (one request outstanding). Topics `b/q/{id}` → `b/r/{id}{pad}`
 * (other prefixes for the variants), the id and pad chosen so that both are as long as the
 * tunnel's (`reqTopicLength`, `resTopicLength`).
 */
export class EchoRequester {
  /** @param {{ url: string, reqTopicLength: number, resTopicLength: number, variant?: string }} o */
  constructor({ url, reqTopicLength, resTopicLength, variant = 'plain' }) {
    this.url = url;
    this.persistent = variant === 'persistent';
    const prefix = prefixes[variant];
    const idLength = Math.max(8, reqTopicLength - 4);
    const id = randomBytes(Math.ceil(idLength / 2))
      .toString('hex')
      .slice(0, idLength);
    this.pad = Math.max(0, Math.min(255, resTopicLength - 4 - idLength));
    this.reqTopic = `${prefix}/q/${id}`;
    this.resTopic = `${prefix}/r/${id}${'_'.repeat(this.pad)}`;
    this.onAnswer = undefined;
    this.cache = new WeakMap();
  }

  async open() {
    this.client = await connect(this.url, 'rq', this.persistent);
    this.client.on('message', (topic) => {
      if (topic === this.resTopic) this.onAnswer?.();
    });
    await this.client.subscribeAsync(this.resTopic, { qos: 1 });
  }

  /**
   * Plays `turns` over and over, whole passes only, until `durationMs` have passed (at least one
   * pass). `count` counts passes; `times` holds ms per pass; `cpuUs` this process's CPU time.
   */
  run(turns, durationMs) {
    let frames = this.cache.get(turns);
    if (frames === undefined) {
      frames = framesOf(turns, this.pad);
      this.cache.set(turns, frames);
    }
    const client = this.client;
    return new Promise((resolve) => {
      const times = [];
      const c0 = cpuNow();
      const t0 = performance.now();
      let passStart = t0;
      let i = 0;
      let waiting = 0;
      const send = () => {
        for (;;) {
          // A copy per publish, as a client encoding each request does.
          for (const f of frames[i]) client.publish(this.reqTopic, Buffer.from(f), { qos: 1 });
          waiting = turns[i].answers.length;
          if (waiting > 0 || advance()) return;
        }
      };
      // Moves past turn i; true when the run is over.
      const advance = () => {
        if (++i < turns.length) return false;
        i = 0;
        const t = performance.now();
        times.push(t - passStart);
        passStart = t;
        if (t - t0 < durationMs) return false;
        this.onAnswer = undefined;
        resolve({ count: times.length, ms: t - t0, cpuUs: cpuNow() - c0, times });
        return true;
      };
      this.onAnswer = () => {
        if (--waiting > 0) return;
        if (!advance()) send();
      };
      send();
    });
  }

  close() {
    return this.client?.endAsync();
  }
}

const envelopeTypes = [
  undefined,
  'open',
  'opened',
  'data',
  'close',
  'closed',
  'error',
  'ping',
  'pong',
  'push',
  'attach',
  'attached',
];

/** What a tunnel topic is: req, res, push, gw-status, meta, he-status, or other. */
export function topicKind(topic) {
  if (/\/gw\/[^/]+\/port\/[^/]+\/req$/.test(topic)) return 'req';
  if (/\/gw\/[^/]+\/port\/[^/]+\/push$/.test(topic)) return 'push';
  if (/\/he\/[^/]+\/res$/.test(topic)) return 'res';
  if (/\/gw\/[^/]+\/status$/.test(topic)) return 'gw-status';
  if (/\/gw\/[^/]+\/meta$/.test(topic)) return 'meta';
  if (/\/he\/[^/]+\/status$/.test(topic)) return 'he-status';
  return 'other';
}

/**
 * Subscribes to `#` and logs `{ kind, type, topic, bytes }` per message (type: the envelope
 * type on req/res/push topics). `mark()` forgets the log; `collect()` returns it after a settle.
 */
export async function startSniffer(url) {
  const client = await connect(url, 'sniff');
  let log = [];
  client.on('message', (topic, payload) => {
    const kind = topicKind(topic);
    const type = ['req', 'res', 'push'].includes(kind) ? (envelopeTypes[payload[1]] ?? '?') : '';
    log.push({ kind, type, topic, bytes: payload.length });
  });
  await client.subscribeAsync('#', { qos: 1 });
  await new Promise((r) => setTimeout(r, 100)); // retained messages arrive now, before any mark
  return {
    mark() {
      log = [];
    },
    async collect(settleMs = 150) {
      await new Promise((r) => setTimeout(r, settleMs));
      return log;
    },
    close: () => client.endAsync(),
  };
}

/**
 * The `data` turns of a sniffed log: consecutive `req` data messages, then the `res` data
 * messages answering them, as `{ requests: sizes[], answers: sizes[] }` (+ topic lengths).
 */
export function dataTurns(log) {
  const turns = [];
  let turn;
  let reqTopicLength = 0;
  let resTopicLength = 0;
  for (const m of log) {
    if (m.type !== 'data') continue;
    if (m.kind === 'req') {
      reqTopicLength = m.topic.length;
      if (turn === undefined || turn.answers.length > 0) {
        turn = { requests: [], answers: [] };
        turns.push(turn);
      }
      turn.requests.push(m.bytes);
    } else if (m.kind === 'res' && turn !== undefined) {
      resTopicLength = m.topic.length;
      turn.answers.push(m.bytes);
    }
  }
  return { turns, reqTopicLength, resTopicLength };
}
