// AbortSignal end to end: aborting a connect or a request fails it at once with an AbortError,
// leaves nothing running, and (for a request aborted before the meter answered) the client stays
// usable for the next request on both framings.
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/core/errors.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { Cleanup, connectMemory, meterServer, password, sap, tampered } from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const management = { client: sap.lls, auth: { mechanism: 'lls' as const, password } };

describe.each(['hdlc', 'wrapper'] as const)('AbortSignal over %s', (framing) => {
  it('aborts a connect to a meter that never answers, within the abort, not the timeout', async () => {
    const [a, b] = memoryPair();
    cleanup.add(a);
    cleanup.add(b); // nobody serves b: SNRM / AARQ go unanswered
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('user gave up')), 50);
    const connecting = DlmsClient.connect({
      link: a,
      framing,
      timeoutMs: 10_000,
      signal: controller.signal,
      ...management,
    });
    await expect(connecting).rejects.toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('aborts a request the meter does not answer; the next request still works', async () => {
    const meter = meterServer();
    cleanup.add(meter.server);
    let muted: ReturnType<typeof tampered> | undefined;
    const client = await connectMemory(meter.server, framing, { ...management, timeoutMs: 5000 }, cleanup, {
      wrap: (link) => {
        muted = tampered(link);
        return muted;
      },
    });
    const expected = await client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 });

    // The request leaves nothing on the wire, so the meter stays silent; abort after 50 ms.
    muted!.mute = true;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(
      client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(2000);

    // An already aborted signal fails before anything is sent.
    await expect(
      client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortError);

    muted!.mute = false;
    expect(await client.get({ classId: 1, obis: '0.0.42.0.0.255', attribute: 2 })).toEqual(expected);
  });
});
