// Shared fixtures of the DLMS end-to-end tests: a simulated meter (the example meter plus a few
// test objects) with one association per mechanism / security mode, and connect helpers.
import { fromHex } from '../../../src/core/hex.js';
import type { Link, LinkInfo, LinkOpenOptions, LinkState } from '../../../src/core/link.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import type { DlmsClientOptions, DlmsSecurityOptions } from '../../../src/dlms/client/options.js';
import { parseObis } from '../../../src/dlms/cosem/obis.js';
import type { ActionOutcome, CosemObject, GetOutcome } from '../../../src/dlms/server/cosem-object.js';
import { DlmsServer } from '../../../src/dlms/server/dlms-server.js';
import { exampleMeter } from '../../../src/dlms/server/meter/example-meter.js';
import { DataObject } from '../../../src/dlms/server/objects/data-object.js';
import { PushSetup } from '../../../src/dlms/server/objects/push-setup.js';
import type { AssociationOptions, DlmsServerOptions } from '../../../src/dlms/server/server-options.js';
import { LinkEmitter } from '../../../src/links/link-emitter.js';
import { memoryPair } from '../../../src/links/memory-pair.js';

export const encryptionKey = fromHex('000102030405060708090A0B0C0D0E0F');
export const authenticationKey = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
export const wrongKey = fromHex('FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF');
export const clientTitle = fromHex('4D4D4D0000000001');
export const serverTitle = fromHex('4D4D4D0000BC614E');
export const keys = { encryptionKey, authenticationKey };
export const password = '12345678';

/** The server's (frozen) clock: every simulated value is a pure function of it. */
export const now = new Date('2024-06-15T12:00:00Z');

/** A big writable octet-string (class 1) for long SETs. */
export const blobObis = '0.0.96.99.1.255';
/** The echo object: method 1 returns its parameter (long ACTIONs both ways). */
export const echoObis = '0.0.96.99.2.255';
/** A Data object with a fixed number, written and read back in the tests. */
export const noteObis = '0.0.96.99.3.255';

/** Client SAPs of the associations of {@link meterServer}, with their `e` of 0.0.43.1.e.255. */
export const sap = {
  /** Public client: no authentication, read-only public objects. */
  public: 16,
  /** LLS management client. */
  lls: 1,
  /** HLS-GMAC, plain association (policy none). Security setup e = 0. */
  hls: 2,
  /** HLS-GMAC with authenticated-encrypted ciphering. e = 1. */
  hlsCiphered: 3,
  /** LLS, ciphered 'authenticated'. e = 2. */
  authenticated: 4,
  /** LLS, ciphered 'encrypted'. e = 3. */
  encrypted: 5,
  /** LLS, ciphered 'authenticated-encrypted'. e = 4. */
  authEncrypted: 6,
} as const;

/** The invocation counter object of an association with keys. */
export function counterObis(e: number): string {
  return `0.0.43.1.${e}.255`;
}

export function bytes(n: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

/** Method 1 echoes its parameter; attribute 2 is a fixed octet-string. */
class EchoObject implements CosemObject {
  readonly classId = 1;
  readonly version = 0;
  readonly logicalName = parseObis(echoObis);
  readonly attributeCount = 2;
  readonly methodCount = 1;
  get(attributeId: number): GetOutcome {
    return attributeId === 2 ? { type: 'octet-string', value: bytes(8) } : { failure: 'object-undefined' };
  }
  set(): 'read-write-denied' {
    return 'read-write-denied';
  }
  action(methodId: number, parameter: Data | undefined): ActionOutcome {
    if (methodId !== 1) return { result: 'object-undefined' };
    return parameter === undefined ? { result: 'success' } : { result: 'success', data: parameter };
  }
}

export interface MeterOptions {
  /** Changes applied to every association (e.g. `maxPduSize`). */
  association?: Partial<AssociationOptions>;
  server?: Partial<DlmsServerOptions>;
}

export interface Meter {
  server: DlmsServer;
  push: PushSetup;
  objects: CosemObject[];
}

/** The example meter plus test objects, with one association per mechanism and security mode. */
export function meterServer(options: MeterOptions = {}): Meter {
  const objects: CosemObject[] = [
    ...exampleMeter({ now: () => now, seed: 3 }),
    new DataObject({ logicalName: blobObis, value: { type: 'octet-string', value: bytes(16) } }),
    new DataObject({ logicalName: noteObis, value: { type: 'long-unsigned', value: 7 } }),
    new EchoObject(),
  ];
  const a = options.association ?? {};
  const associations: AssociationOptions[] = [
    { client: sap.public, mechanism: 'none', ...a },
    { client: sap.lls, mechanism: 'lls', password, ...a },
    { client: sap.hls, mechanism: 'hls-gmac', keys, ...a },
    { client: sap.hlsCiphered, mechanism: 'hls-gmac', keys, security: 'authenticated-encrypted', ...a },
    { client: sap.authenticated, mechanism: 'lls', password, keys, security: 'authenticated', ...a },
    { client: sap.encrypted, mechanism: 'lls', password, keys, security: 'encrypted', ...a },
    {
      client: sap.authEncrypted,
      mechanism: 'lls',
      password,
      keys,
      security: 'authenticated-encrypted',
      ...a,
    },
  ];
  const server = new DlmsServer({
    logicalDevices: [{ address: 1, objects, systemTitle: serverTitle }],
    associations,
    clock: () => now,
    ...options.server,
  });
  const push = objects.find((o): o is PushSetup => o instanceof PushSetup)!;
  push.sender = server.pushSender();
  return { server, push, objects };
}

/** Suite 0 options of the client for the ciphered associations. */
export function security(overrides: Partial<DlmsSecurityOptions> = {}): DlmsSecurityOptions {
  return { encryptionKey, authenticationKey, systemTitle: clientTitle, ...overrides };
}

/** Collects what must be closed after a test. */
export class Cleanup {
  readonly #tasks: (() => Promise<unknown>)[] = [];
  add<T extends { close(): Promise<unknown> }>(thing: T): T {
    this.#tasks.push(() => thing.close());
    return thing;
  }
  async run(): Promise<void> {
    const tasks = this.#tasks.splice(0).reverse();
    for (const t of tasks) await t().catch(() => undefined);
  }
}

/** Options for connecting over a memory pair served by `server`. */
export type ConnectOptions = Omit<DlmsClientOptions, 'link' | 'framing'>;

/** Ways to look at or tamper with the memory pair of {@link connectMemory}. */
export interface LinkHooks {
  /** Replaces the client's end (e.g. by a `faulty` wrapper). */
  wrap?: (client: Link) => Link;
  /** Sees both ends: `client` receives the server's bytes, `server` the client's. */
  tap?: (client: Link, server: Link) => void;
}

/** A client on a fresh memory pair served by `server` with `framing`. */
export async function connectMemory(
  server: DlmsServer,
  framing: 'hdlc' | 'wrapper',
  options: ConnectOptions,
  cleanup: Cleanup,
  hooks: LinkHooks = {},
): Promise<DlmsClient> {
  const [a, b] = memoryPair();
  cleanup.add(a);
  cleanup.add(b);
  hooks.tap?.(a, b);
  cleanup.add(server.serve(b, { framing }));
  const clientLink = hooks.wrap === undefined ? a : hooks.wrap(a);
  const client = await DlmsClient.connect({
    link: clientLink,
    framing,
    server: { logical: 1, physical: 17 },
    timeoutMs: 3000,
    ...options,
  });
  return cleanup.add(client);
}

/** Waits until `predicate()` holds, polling; throws after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The next event `name` of `emitter`, bounded. */
export function nextEvent<T>(
  emitter: { on(e: string, l: (v: T) => void): unknown; off(e: string, l: (v: T) => void): unknown },
  name: string,
  timeoutMs = 3000,
): Promise<T> {
  const event = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, on);
      reject(new Error(`no '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    function on(v: T): void {
      clearTimeout(timer);
      emitter.off(name, on);
      resolve(v);
    }
    emitter.on(name, on);
  });
  // A test that fails before awaiting it must not leave an unhandled rejection behind.
  event.catch(() => undefined);
  return event;
}

/** A link whose received chunks pass through `edit` first (a man in the middle; `undefined` drops the chunk). */
export class TamperedLink extends LinkEmitter implements Link {
  /** While true, writes are swallowed (the peer hears nothing). */
  mute = false;
  constructor(
    readonly inner: Link,
    edit: (chunk: Uint8Array) => Uint8Array | undefined = (chunk) => chunk,
  ) {
    super();
    inner.on('data', (chunk) => {
      const out = edit(chunk);
      if (out !== undefined) this.emit('data', out);
    });
    inner.on('close', (error) => this.emit('close', error));
    inner.on('error', (error) => this.emit('error', error));
    inner.on('open', () => this.emit('open'));
  }
  get info(): LinkInfo {
    return this.inner.info;
  }
  get state(): LinkState {
    return this.inner.state;
  }
  get isOpen(): boolean {
    return this.inner.isOpen;
  }
  open(options?: LinkOpenOptions): Promise<void> {
    return this.inner.open(options);
  }
  write(bytes: Uint8Array): Promise<void> {
    return this.mute ? Promise.resolve() : this.inner.write(bytes);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Wraps `link` so that every received chunk goes through `edit`. */
export function tampered(link: Link, edit?: (chunk: Uint8Array) => Uint8Array | undefined): TamperedLink {
  return new TamperedLink(link, edit);
}
