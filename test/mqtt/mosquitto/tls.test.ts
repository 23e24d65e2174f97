// TLS with client certificates against mosquitto (`require_certificate true`): the gateway and a
// head-end connect with mqtts:// and their CA, certificate and key, and a DLMS read works; a
// client without a certificate, or with one from another CA, is refused with a typed error whose
// message holds no key material.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LinkError } from '../../../src/core/errors.js';
import { connectMqtt } from '../../../src/mqtt/client/index.js';
import { mqttLink } from '../../../src/mqtt/link/index.js';
import { type Certificates, makeCertificates } from './certificates.js';
import { describeWithPrograms, type Mosquitto, startMosquitto } from './mosquitto.js';
import { Cleanups, dlmsOver, gatewayId, referenceReads, startSite } from './site.js';

/** Every 12-character piece of the base64 body of a PEM key. */
function keyPieces(pem: Buffer): string[] {
  const body = pem
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .join('');
  const pieces: string[] = [];
  for (let at = 0; at + 12 <= body.length; at += 6) pieces.push(body.slice(at, at + 12));
  return pieces;
}

function expectNoKeyMaterial(error: unknown, keys: Buffer[]): void {
  expect(error).toBeInstanceOf(LinkError);
  const text = `${(error as Error).message}\n${(error as Error).stack ?? ''}`;
  expect(text).not.toMatch(/PRIVATE KEY|BEGIN/);
  for (const key of keys) for (const piece of keyPieces(key)) expect(text).not.toContain(piece);
}

describeWithPrograms('TLS with client certificates (mosquitto 2)', { openssl: true }, () => {
  let dir: string;
  let certs: Certificates;
  let broker: Mosquitto;
  let url: string;
  const cleanups = new Cleanups();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meterlink-tls-'));
    certs = makeCertificates(dir);
    broker = await startMosquitto({
      dir,
      listener: [
        `cafile ${certs.caFile}`,
        `certfile ${certs.server.certFile}`,
        `keyfile ${certs.server.keyFile}`,
        'require_certificate true',
        'use_identity_as_username true',
      ],
    });
    url = `mqtts://127.0.0.1:${broker.port}`;
  });
  afterAll(async () => {
    await broker?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => cleanups.run());

  it('carries a DLMS read between a gateway and a head-end that both present certificates', async () => {
    const reference = await referenceReads((c) => c.readRegister('1.0.1.8.0.255'));
    await startSite({ url, ca: certs.ca, cert: certs.gateway.cert, key: certs.gateway.key }, cleanups);
    const meter = await dlmsOver(
      { url, ca: certs.ca, cert: certs.headEnd.cert, key: certs.headEnd.key },
      cleanups,
    );
    expect(await meter.readRegister('1.0.1.8.0.255')).toEqual(reference);
    expect(meter.link.info.peer).toBe(`mqtts://127.0.0.1:${broker.port}/meterlink/gw/${gatewayId}/port/dlms`);
  });

  it('refuses a client without a certificate with a typed error', async () => {
    const error = await connectMqtt({
      broker: { url, ca: certs.ca },
      role: 'he',
      connectTimeoutMs: 3000,
    }).then(
      (c) => c.close().then(() => 'connected'),
      (e: unknown) => e,
    );
    expectNoKeyMaterial(error, [certs.headEnd.key, certs.server.key]);
    const link = mqttLink({ broker: { url, ca: certs.ca }, gatewayId, port: 'dlms', timeoutMs: 3000 });
    cleanups.add(() => link.close());
    expectNoKeyMaterial(await link.open().catch((e: unknown) => e), [certs.server.key]);
  });

  it('refuses a broker the client does not trust (no CA given)', async () => {
    const error = await connectMqtt({
      broker: { url, cert: certs.headEnd.cert, key: certs.headEnd.key },
      role: 'he',
      connectTimeoutMs: 3000,
    }).then(
      (c) => c.close().then(() => 'connected'),
      (e: unknown) => e,
    );
    expectNoKeyMaterial(error, [certs.headEnd.key, certs.server.key]);
  });

  it('refuses a client whose certificate comes from another CA; no key material in the error', async () => {
    const broker = { url, ca: certs.ca, cert: certs.rogue.cert, key: certs.rogue.key };
    const error = await connectMqtt({ broker, role: 'he', connectTimeoutMs: 3000 }).then(
      (c) => c.close().then(() => 'connected'),
      (e: unknown) => e,
    );
    expectNoKeyMaterial(error, [certs.rogue.key, certs.server.key]);
    const link = mqttLink({ broker, gatewayId, port: 'dlms', timeoutMs: 3000 });
    cleanups.add(() => link.close());
    expectNoKeyMaterial(await link.open().catch((e: unknown) => e), [certs.rogue.key]);
  });
});
