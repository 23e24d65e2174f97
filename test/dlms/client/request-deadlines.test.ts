// The exchange's request deadlines run on one timer (src/dlms/client/deadline-timer.ts): each
// request still times out after its own timeoutMs, never before, whatever came before it.
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/core/errors.js';
import { DlmsClient } from '../../../src/dlms/client/index.js';
import { type Apdu, encodeApdu } from '../../../src/dlms/index.js';
import type { DlmsSessionEvents, ReceivedApdu } from '../../../src/dlms/session/types.js';
import { FakeSession, factoryOf, idleLink, meter } from './fake-session.js';

const energy = { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 };

function answerTo(a: Apdu): Apdu[] | undefined {
  if (a.type !== 'get-request' || a.variant !== 'normal') return undefined;
  // Attribute 3 is never answered.
  if (a.attribute.attributeId === 3) return undefined;
  return [
    {
      type: 'get-response',
      variant: 'normal',
      invoke: a.invoke,
      result: { type: 'data', data: { type: 'unsigned', value: 7 } },
    },
  ];
}

async function connect(session: FakeSession): Promise<DlmsClient> {
  return DlmsClient.connect({
    link: idleLink(),
    framing: 'wrapper',
    session: factoryOf(session),
    timeoutMs: 1000,
  });
}

async function timeOf(run: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await run.catch((e: unknown) => e);
  return { error, ms: performance.now() - started };
}

describe('request deadlines (one timer per exchange)', () => {
  it('a longer timeout after a shorter one is not cut short; a shorter one after a longer one is not late', async () => {
    const client = await connect(new FakeSession(meter(answerTo)));
    const silent = { ...energy, attribute: 3 };
    expect(await client.get(energy, { timeoutMs: 30 })).toEqual({ type: 'unsigned', value: 7 });
    const long = await timeOf(client.get(silent, { timeoutMs: 150 }));
    expect(long.error).toBeInstanceOf(TimeoutError);
    expect((long.error as TimeoutError).timeoutMs).toBe(150);
    expect(long.ms).toBeGreaterThanOrEqual(149);
    expect(await client.get(energy, { timeoutMs: 5000 })).toEqual({ type: 'unsigned', value: 7 });
    const short = await timeOf(client.get(silent, { timeoutMs: 20 }));
    expect(short.error).toBeInstanceOf(TimeoutError);
    expect(short.ms).toBeGreaterThanOrEqual(19);
    expect(short.ms).toBeLessThan(1000);
    expect(await client.get(energy)).toEqual({ type: 'unsigned', value: 7 });
    await client.close();
  });

  it('an answer emitted while the request is being sent is taken', async () => {
    // A session that emits the answer synchronously inside send().
    class EagerSession extends FakeSession {
      override async send(apdu: Uint8Array): Promise<void> {
        this.sent.push(apdu.slice());
        for (const answer of meter(answerTo)(apdu, this) as Apdu[]) {
          this.emitNow({
            apdu: encodeApdu(answer),
            address: { client: 16, logicalDevice: 1 },
            unsolicited: false,
          });
        }
      }
      readonly #apdu = new Set<DlmsSessionEvents['apdu']>();
      override on<E extends keyof DlmsSessionEvents>(event: E, listener: DlmsSessionEvents[E]): this {
        if (event === 'apdu') this.#apdu.add(listener as DlmsSessionEvents['apdu']);
        return super.on(event, listener);
      }
      emitNow(received: ReceivedApdu): void {
        for (const listener of this.#apdu) listener(received);
      }
    }
    const client = await connect(new EagerSession());
    expect(await client.get(energy)).toEqual({ type: 'unsigned', value: 7 });
    expect(await client.get(energy)).toEqual({ type: 'unsigned', value: 7 });
    await client.close({ release: false });
  });
});
