// Test certificates made with the openssl CLI in a temp dir: a CA, a server certificate for
// 127.0.0.1/localhost and client certificates, plus a second ("rogue") CA whose client
// certificate the broker must refuse. EC P-256 keys (fast to make), valid for two days.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files of one identity. */
export interface Identity {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

export interface Certificates {
  caFile: string;
  ca: Buffer;
  server: Identity;
  /** Clients signed by the CA. */
  gateway: Identity;
  headEnd: Identity;
  /** A client signed by another CA. */
  rogue: Identity;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
}

const keyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...keyArgs,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=meterlink test ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function makeIdentity(dir: string, name: string, ca: string, extensions: string): Identity {
  writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(dir, ['req', ...keyArgs, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** Makes every certificate in `dir` (which must exist). */
export function makeCertificates(dir: string): Certificates {
  makeCa(dir, 'ca');
  makeCa(dir, 'rogue-ca');
  const client = 'extendedKeyUsage=clientAuth';
  return {
    caFile: join(dir, 'ca.crt'),
    ca: readFileSync(join(dir, 'ca.crt')),
    server: makeIdentity(
      dir,
      'server',
      'ca',
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth',
    ),
    gateway: makeIdentity(dir, 'gw-1', 'ca', client),
    headEnd: makeIdentity(dir, 'he-tls', 'ca', client),
    rogue: makeIdentity(dir, 'rogue', 'rogue-ca', client),
  };
}
