// Every authentication mechanism and suite 0 security mode between the real client and the
// simulator: access rights of the public client, LLS, HLS-GMAC, ciphering with global and
// dedicated keys, invocation counters supplied, read, persisted and replayed (spec §7, §10).
import { afterEach, describe, expect, it } from 'vitest';
import { SecurityError } from '../../../src/core/errors.js';
import type { Link } from '../../../src/core/link.js';
import { decodeApdu } from '../../../src/dlms/apdu/apdu-codec.js';
import { AssociationError, DataAccessError } from '../../../src/dlms/client/errors.js';
import { decodeWrapperFrame, encodeWrapperFrame } from '../../../src/dlms/wrapper/wrapper-codec.js';
import {
  Cleanup,
  type ConnectOptions,
  connectMemory,
  counterObis,
  echoObis,
  type Meter,
  meterServer,
  noteObis,
  password,
  sap,
  security,
  tampered,
  until,
  wrongKey,
} from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Records the first APDU octets of every wrapper frame each way. */
function wireTap(): { requests: Uint8Array[]; responses: Uint8Array[]; tap: (a: Link, b: Link) => void } {
  const requests: Uint8Array[] = [];
  const responses: Uint8Array[] = [];
  return {
    requests,
    responses,
    tap: (a, b) => {
      a.on('data', (chunk) => responses.push(decodeWrapperFrame(chunk).payload.slice()));
      b.on('data', (chunk) => requests.push(decodeWrapperFrame(chunk).payload.slice()));
    },
  };
}

async function connect(meter: Meter, options: ConnectOptions, tap?: (a: Link, b: Link) => void) {
  return connectMemory(meter.server, 'wrapper', options, cleanup, tap === undefined ? {} : { tap });
}

/** GET / SET / ACTION round trip on a management association. */
async function exercise(client: Awaited<ReturnType<typeof connect>>, value: number): Promise<void> {
  const energy = await client.readRegister('1.0.1.8.0.255');
  expect(energy.unit).toBe('Wh');
  await client.set({ classId: 1, obis: noteObis, attribute: 2 }, { type: 'long-unsigned', value });
  const list = await client.get([
    { classId: 1, obis: noteObis, attribute: 2 },
    { classId: 3, obis: '1.0.1.8.0.255', attribute: 2 },
  ]);
  expect(list).toEqual([
    { ok: true, value: { type: 'long-unsigned', value } },
    { ok: true, value: energy.raw },
  ]);
  expect(
    await client.action({ classId: 1, obis: echoObis, method: 1 }, { type: 'unsigned', value: value & 0xff }),
  ).toEqual({ type: 'unsigned', value: value & 0xff });
}

describe('lowest level security (public client 16)', () => {
  it('reads public objects; writes are read-write-denied, private objects undefined', async () => {
    const meter = meterServer();
    const client = await connect(meter, { client: sap.public });
    const clock = await client.readClock();
    expect(clock.date).toBeInstanceOf(Date);
    const serial = await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 });
    expect(serial.type).toBe('visible-string');

    const write = client.set({ classId: 8, obis: '0.0.1.0.0.255', attribute: 2 }, clock.raw);
    await expect(write).rejects.toBeInstanceOf(DataAccessError);
    await expect(write).rejects.toMatchObject({
      result: 'read-write-denied',
      attribute: '8/0.0.1.0.0.255/2',
    });
    await expect(client.setClock(new Date())).rejects.toMatchObject({ result: 'read-write-denied' });
    // Not in the public subset: invisible (object-undefined), and absent from its object list.
    await expect(client.readRegister('1.0.1.8.0.255')).rejects.toMatchObject({ result: 'object-undefined' });
    const names = (await client.readObjectList()).map((o) => o.logicalName);
    expect(names).toContain('0.0.1.0.0.255');
    expect(names).not.toContain('1.0.1.8.0.255');
    // No methods for the public client.
    await expect(client.disconnect()).rejects.toMatchObject({ name: 'ActionError' });
  });
});

describe('low level security (LLS)', () => {
  it('opens the management association with the right password', async () => {
    const meter = meterServer();
    const client = await connect(meter, { client: sap.lls, auth: { mechanism: 'lls', password } });
    await exercise(client, 1234);
  });

  it('refuses a wrong password with AssociationError authentication-failure', async () => {
    const meter = meterServer();
    const attempt = connect(meter, { client: sap.lls, auth: { mechanism: 'lls', password: 'wrong!!!' } });
    await expect(attempt).rejects.toBeInstanceOf(AssociationError);
    await expect(attempt).rejects.toMatchObject({
      result: 'rejected-permanent',
      diagnostic: { source: 'acse-service-user', diagnostic: 'authentication-failure' },
    });
  });

  // A refused ciphered association still carries the responding-AP-title (§12.3), so the client
  // can decipher the InitiateResponse and report the diagnostic without a SecurityError.
  it('a wrong password on a ciphered association: the AARE can be read (responding-AP-title)', async () => {
    const meter = meterServer();
    const wire = wireTap();
    const error = await connect(
      meter,
      { client: sap.authEncrypted, auth: { mechanism: 'lls', password: 'wrong!!!' }, security: security() },
      wire.tap,
    ).then(
      () => undefined,
      (e: unknown) => e as AssociationError,
    );
    expect(error).toBeInstanceOf(AssociationError);
    expect(error?.diagnostic.diagnostic).toBe('authentication-failure');
    expect(decodeApdu(wire.responses[0]!)).toMatchObject({ respondingApTitle: expect.anything() });
    expect(error?.cause).toBeUndefined();
  });

  it('refuses LLS without a password and an unknown client SAP', async () => {
    const meter = meterServer();
    await expect(connect(meter, { client: sap.lls })).rejects.toMatchObject({
      name: 'AssociationError',
      diagnostic: { diagnostic: 'authentication-mechanism-name-required' },
    });
    await expect(connect(meter, { client: 99 })).rejects.toMatchObject({
      name: 'AssociationError',
      diagnostic: { diagnostic: 'no-reason-given' },
    });
  });
});

describe('high level security (HLS-GMAC, 4 passes)', () => {
  it('authenticates with the right keys, plain association', async () => {
    const meter = meterServer();
    const client = await connect(meter, {
      client: sap.hls,
      auth: { mechanism: 'hls-gmac' },
      security: security({ policy: 'none', invocationCounter: 10 }),
    });
    await exercise(client, 2);
  });

  it('authenticates and ciphers (authenticated-encrypted) over HDLC too', async () => {
    const meter = meterServer();
    for (const framing of ['wrapper', 'hdlc'] as const) {
      const client = await connectMemory(
        meter.server,
        framing,
        {
          client: sap.hlsCiphered,
          auth: { mechanism: 'hls-gmac' },
          security: security({ invocationCounter: 'read', invocationCounterObis: counterObis(1) }),
        },
        cleanup,
      );
      await exercise(client, framing === 'hdlc' ? 3 : 4);
      await client.close();
    }
  });

  it('a wrong authentication key fails pass 3: AssociationError authentication-failure', async () => {
    const meter = meterServer();
    const attempt = connect(meter, {
      client: sap.hls,
      auth: { mechanism: 'hls-gmac' },
      security: security({ policy: 'none', authenticationKey: wrongKey }),
    });
    await expect(attempt).rejects.toBeInstanceOf(AssociationError);
    await expect(attempt).rejects.toMatchObject({
      result: 'accepted',
      diagnostic: { diagnostic: 'authentication-failure' },
    });
  });

  it('a meter answering pass 4 with a wrong f(CtoS) fails with SecurityError', async () => {
    const meter = meterServer();
    // Flip the last octet of the action-response (C7) that carries f(CtoS): a meter without the keys.
    const forge = (chunk: Uint8Array): Uint8Array => {
      const apdu = chunk.subarray(8);
      if (apdu[0] !== 0xc7) return chunk;
      const out = chunk.slice();
      out[out.length - 1]! ^= 0x01;
      return out;
    };
    const attempt = connectMemory(
      meter.server,
      'wrapper',
      {
        client: sap.hls,
        auth: { mechanism: 'hls-gmac' },
        security: security({ policy: 'none' }),
      },
      cleanup,
      { wrap: (a) => tampered(a, forge) },
    );
    await expect(attempt).rejects.toBeInstanceOf(SecurityError);
    await expect(attempt).rejects.toMatchObject({ failure: 'authentication-failed' });
  });

  it('a wrong encryption key on a ciphered HLS association is refused', async () => {
    const meter = meterServer();
    const attempt = connect(meter, {
      client: sap.hlsCiphered,
      auth: { mechanism: 'hls-gmac' },
      security: security({ encryptionKey: wrongKey }),
    });
    // The meter cannot decipher the glo-initiate-request: a refused AARE (§7.7 deciphering error).
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AssociationError);
    expect((error as AssociationError).result).toBe('rejected-permanent');
    expect((error as AssociationError).confirmedServiceError).toMatchObject({
      serviceError: { error: 'application-reference', value: 'deciphering-error' },
    });
  });

  it('a ciphered association without keys, or with too weak a policy, is refused', async () => {
    const meter = meterServer();
    // Plain LN context where the association requires ciphering (§7.3).
    await expect(
      connect(meter, { client: sap.authEncrypted, auth: { mechanism: 'lls', password } }),
    ).rejects.toMatchObject({
      name: 'AssociationError',
      diagnostic: { diagnostic: 'application-context-name-not-supported' },
    });
    // Authenticated only where authenticated-encrypted is required.
    await expect(
      connect(meter, {
        client: sap.authEncrypted,
        auth: { mechanism: 'lls', password },
        security: security({ policy: 'authenticated' }),
      }),
    ).rejects.toMatchObject({ name: 'AssociationError', result: 'rejected-permanent' });
    // A wrong authentication key breaks the tag of the glo-initiate-request.
    await expect(
      connect(meter, {
        client: sap.authEncrypted,
        auth: { mechanism: 'lls', password },
        security: security({ authenticationKey: wrongKey }),
      }),
    ).rejects.toMatchObject({
      name: 'AssociationError',
      confirmedServiceError: { serviceError: { value: 'deciphering-error' } },
    });
  });
});

describe('suite 0 ciphering', () => {
  const modes = [
    { name: 'authenticated', client: sap.authenticated, e: 2, sc: 0x10 },
    { name: 'encrypted', client: sap.encrypted, e: 3, sc: 0x20 },
    { name: 'authenticated-encrypted', client: sap.authEncrypted, e: 4, sc: 0x30 },
  ] as const;

  for (const mode of modes) {
    it(`${mode.name} with the global keys (glo-, SC ${mode.sc.toString(16)})`, async () => {
      const meter = meterServer();
      const wire = wireTap();
      const counters: number[] = [];
      const client = await connect(
        meter,
        {
          client: mode.client,
          auth: { mechanism: 'lls', password },
          security: security({
            policy: mode.name,
            invocationCounter: 100,
            onInvocationCounter: (next) => void counters.push(next),
          }),
        },
        wire.tap,
      );
      await exercise(client, 5);
      // Every request after the AARQ was a glo- APDU with the policy's security control.
      const [aarq, ...rest] = wire.requests;
      expect(aarq?.[0]).toBe(0x60);
      for (const r of rest) {
        expect([0xc8, 0xc9, 0xcb]).toContain(r[0]); // glo-get / glo-set / glo-action request
        expect(r[2]).toBe(mode.sc);
      }
      for (const r of wire.responses.slice(1)) expect([0xcc, 0xcd, 0xcf]).toContain(r[0]);
      // Counters announced before use, strictly increasing from the supplied value.
      expect(counters[0]).toBe(101);
      for (let i = 1; i < counters.length; i++) expect(counters[i]).toBe(counters[i - 1]! + 1);
      expect(client.invocationCounter).toBe(counters.at(-1));
    });
  }

  it('authenticated-encrypted with a dedicated key (ded- APDUs)', async () => {
    const meter = meterServer();
    const wire = wireTap();
    const client = await connect(
      meter,
      {
        client: sap.authEncrypted,
        auth: { mechanism: 'lls', password },
        security: security({ dedicatedKey: true, invocationCounter: 1 }),
      },
      wire.tap,
    );
    await exercise(client, 6);
    for (const r of wire.requests.slice(1)) expect([0xd0, 0xd1, 0xd3]).toContain(r[0]);
    await client.close();
    // The RLRQ still uses the global key (glo-initiate-request inside, §12.6).
    expect(wire.requests.at(-1)?.[0]).toBe(0x62);
  });

  it('encrypted with a dedicated key and the general-ciphering envelope', async () => {
    const meter = meterServer();
    const wire = wireTap();
    const client = await connect(
      meter,
      {
        client: sap.encrypted,
        auth: { mechanism: 'lls', password },
        security: security({ policy: 'encrypted', dedicatedKey: true, envelope: 'general' }),
      },
      wire.tap,
    );
    await exercise(client, 7);
    for (const r of wire.requests.slice(1)) expect(r[0]).toBe(0xdc); // general-ded-ciphering
  });

  it("reads the invocation counter ('read'), persists it and continues on the next connect", async () => {
    const meter = meterServer();
    let stored: number | undefined;
    const seen: number[] = [];
    const options = (counter: number | 'read'): ConnectOptions => ({
      client: sap.authEncrypted,
      auth: { mechanism: 'lls', password },
      security: security({
        invocationCounter: counter,
        invocationCounterObis: counterObis(4),
        onInvocationCounter: (next) => {
          seen.push(next);
          stored = next;
        },
      }),
    });
    const first = await connect(meter, options('read'));
    // Fresh server: nothing accepted yet, the counter object holds 0 and the client starts at 1.
    expect(seen[0]).toBe(1);
    await exercise(first, 8);
    await first.close();
    const afterFirst = stored!;
    expect(afterFirst).toBeGreaterThan(3);

    // The persisted value is accepted on a second association…
    const second = await connect(meter, options(afterFirst));
    await exercise(second, 9);
    await second.close();
    expect(stored!).toBeGreaterThan(afterFirst);

    // … and the meter publishes the last counter it accepted: 'read' gives the next one.
    const pub = await connect(meter, { client: sap.public });
    const published = await pub.get({ classId: 1, obis: counterObis(4), attribute: 2 });
    expect((published as { value: number }).value).toBe(stored! - 1);
    await pub.close();
    seen.length = 0;
    const third = await connect(meter, options('read'));
    expect(seen[0]).toBe((published as { value: number }).value + 1);
    await exercise(third, 10);
    // Counters only ever increase across the three associations.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('the server refuses a replayed invocation counter (AARQ and request)', async () => {
    const meter = meterServer();
    const options = (counter: number): ConnectOptions => ({
      client: sap.authEncrypted,
      auth: { mechanism: 'lls', password },
      security: security({ invocationCounter: counter }),
    });
    const first = await connect(meter, options(50));
    await exercise(first, 11);
    await first.close();
    // Starting at 50 again: the AARQ's glo-initiate-request replays a counter already accepted.
    const replay = connect(meter, options(50));
    await expect(replay).rejects.toBeInstanceOf(AssociationError);
    await expect(replay).rejects.toMatchObject({ confirmedServiceError: expect.anything() });

    // A captured ciphered GET sent again on the wire is not answered with data.
    let clientEnd: Link | undefined;
    const wire = wireTap();
    const client = await connect(meter, options(1000), (a, b) => {
      clientEnd = a;
      wire.tap(a, b);
    });
    const discards: Error[] = [];
    client.on('discard', (e) => discards.push(e));
    const energy = await client.readRegister('1.0.1.8.0.255');
    const getFrames = wire.requests.filter((r) => r[0] === 0xc8);
    const replayed = getFrames.at(-1)!;
    const answersBefore = wire.responses.length;
    await clientEnd!.write(wrapperFrame(replayed));
    await until(() => wire.responses.length > answersBefore, 2000, 'the answer to the replay');
    // §9.8: exception-response invocation-counter-error with the counter the meter expects.
    const answer = decodeApdu(wire.responses.at(-1)!);
    expect(answer).toMatchObject({ type: 'exception-response', serviceError: 'invocation-counter-error' });
    expect((answer as { invocationCounter: number }).invocationCounter).toBe(client.invocationCounter);
    await until(() => discards.length === 1, 2000, 'discard');
    expect(discards[0]).toBeInstanceOf(Error);
    // The association still works afterwards with fresh counters.
    expect((await client.readRegister('1.0.1.8.0.255')).value).toBe(energy.value);
  });
});

/** A wrapper frame from client 6 to logical device 1. */
function wrapperFrame(apdu: Uint8Array): Uint8Array {
  return encodeWrapperFrame({ source: sap.authEncrypted, destination: 1, payload: apdu });
}
