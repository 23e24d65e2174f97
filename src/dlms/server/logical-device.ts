/**
 * One logical device at run time (meterlink spec §11.3, §11.5): its objects by logical name —
 * the user's and its own SAP assignment, Security setup and invocation counter objects — and
 * the associations clients may open on it.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { formatObis } from '../cosem/obis.js';
import { llsAuthenticationValue } from '../security/lls.js';
import { AccessRights, defaultPublicObjects } from './access-rights.js';
import type { SapAssignmentEntry } from './sap-assignment.js';
import { sapAssignmentObject } from './sap-assignment.js';
import type { SecurityContext } from './security-context.js';
import { invocationCounterObject, securitySetupObject } from './security-setup.js';
import type { ServedObject } from './served-object.js';
import type { AssociationOptions, AssociationSecurity, LogicalDeviceOptions } from './server-options.js';

/** Logical name of the current association (§11.5). */
export const currentAssociationName = '0.0.40.0.0.255';

/** An association a client may open, ready to use. */
export interface AssociationConfig {
  /** The client SAP. */
  readonly client: number;
  /** Mechanism the AARQ must use. */
  readonly mechanism: AssociationOptions['mechanism'];
  /** LLS password octets (Association LN attribute 7 may replace them). */
  password: Uint8Array | undefined;
  /** What the association may access. */
  readonly access: AccessRights;
  /** server-max-receive-pdu-size. */
  readonly maxPduSize: number;
  /** Keys, policy and counters when the association has keys. */
  readonly security: SecurityContext | undefined;
}

/** Smallest and largest maxPduSize accepted. */
const minPduSize = 64;
const maxPduSize = 0xffff;

/** The built-in objects a user may not supply (§11.5: 40 association, 41 SAP, 43 security). */
const reserved = /^0\.0\.(40|41|43)\.\d+\.\d+\.\d+$/;

function check(condition: boolean, message: string): void {
  if (!condition) throw new InvalidArgumentError(message);
}

function checkKey(key: Uint8Array | undefined, what: string): void {
  check(key instanceof Uint8Array && key.length === 16, `${what} must be 16 octets`);
}

/** A logical device with its objects and association table. */
export class LogicalDevice {
  /** The device address (SAP). */
  readonly address: number;
  /** The COSEM logical device name. */
  readonly name: string;
  /** The server system title, when configured. */
  readonly systemTitle: Uint8Array | undefined;
  /** Objects by dotted logical name, the current association excluded (it is per association). */
  readonly objects = new Map<string, ServedObject>();
  /** Associations by client SAP. */
  readonly associations = new Map<number, AssociationConfig>();

  /**
   * @param sapList - every logical device of the server, for the SAP assignment object
   * @throws InvalidArgumentError for an invalid address, system title, association or a
   *   duplicate / reserved logical name
   */
  constructor(
    options: LogicalDeviceOptions,
    associations: readonly AssociationOptions[],
    sapList: readonly SapAssignmentEntry[],
  ) {
    const { address } = options;
    check(
      Number.isInteger(address) && address >= 1 && address <= 0x3fff,
      `logical device address must be 1–16383, got ${address}`,
    );
    this.address = address;
    this.name = deviceName(options);
    if (options.systemTitle !== undefined) {
      check(options.systemTitle.length === 8, `logical device ${address}: systemTitle must be 8 octets`);
      this.systemTitle = options.systemTitle.slice();
    }
    for (const object of options.objects) {
      const name = formatObis(object.logicalName);
      check(!reserved.test(name), `logical device ${address}: ${name} is provided by the server itself`);
      check(!this.objects.has(name), `logical device ${address}: two objects named ${name}`);
      this.objects.set(name, object);
    }
    this.objects.set('0.0.41.0.0.255', sapAssignmentObject(sapList));
    const publicObjects = options.publicObjects ?? defaultPublicObjects;
    let nextInstance = 0;
    const instances = new Set<number>();
    for (const a of associations) {
      const config = this.association(a, publicObjects, () => nextInstance++);
      check(
        !this.associations.has(config.client),
        `logical device ${address}: two associations for client ${config.client}`,
      );
      this.associations.set(config.client, config);
      const security = config.security;
      if (security === undefined) continue;
      check(
        !instances.has(security.instance),
        `logical device ${address}: two associations use Security setup ${security.instance}`,
      );
      instances.add(security.instance);
      this.objects.set(`0.0.43.0.${security.instance}.255`, securitySetupObject(security, this.systemTitle!));
      this.objects.set(`0.0.43.1.${security.instance}.255`, invocationCounterObject(security));
    }
  }

  private association(
    a: AssociationOptions,
    publicObjects: readonly string[],
    allocate: () => number,
  ): AssociationConfig {
    const where = `logical device ${this.address}, client ${a.client}`;
    check(
      Number.isInteger(a.client) && a.client >= 0 && a.client <= 0x7f,
      `${where}: client SAP must be 0–127`,
    );
    check(
      a.mechanism === 'none' || a.mechanism === 'lls' || a.mechanism === 'hls-gmac',
      `${where}: unknown mechanism ${String(a.mechanism)}`,
    );
    const policy: AssociationSecurity = a.security ?? 'none';
    check(
      policy in { none: 1, authenticated: 1, encrypted: 1, 'authenticated-encrypted': 1 },
      `${where}: unknown security ${String(policy)}`,
    );
    let password: Uint8Array | undefined;
    if (a.mechanism === 'lls') {
      check(a.password !== undefined, `${where}: LLS needs a password`);
      password = llsAuthenticationValue(a.password!);
    }
    let security: SecurityContext | undefined;
    if (a.keys !== undefined) {
      checkKey(a.keys.encryptionKey, `${where}: keys.encryptionKey`);
      checkKey(a.keys.authenticationKey, `${where}: keys.authenticationKey`);
      if (a.keys.masterKey !== undefined) checkKey(a.keys.masterKey, `${where}: keys.masterKey`);
      check(this.systemTitle !== undefined, `${where}: associations with keys need the device's systemTitle`);
      const instance = a.securitySetup ?? allocate();
      check(
        Number.isInteger(instance) && instance >= 0 && instance <= 255,
        `${where}: securitySetup must be 0–255`,
      );
      security = {
        instance,
        keys: { ...a.keys },
        policy,
        lastClientCounter: 0,
        serverCounter: 0,
        clientSystemTitle: undefined,
      };
    } else {
      check(a.mechanism !== 'hls-gmac', `${where}: HLS-GMAC needs keys`);
      check(policy === 'none', `${where}: security '${policy}' needs keys`);
    }
    const pdu = a.maxPduSize ?? 1024;
    check(
      Number.isInteger(pdu) && pdu >= minPduSize && pdu <= maxPduSize,
      `${where}: maxPduSize must be 64–65535`,
    );
    return {
      client: a.client,
      mechanism: a.mechanism,
      password,
      access: new AccessRights(
        a.access ?? (a.client === 16 ? 'read-only-public' : 'management'),
        publicObjects,
      ),
      maxPduSize: pdu,
      security,
    };
  }
}

/** The device's name: given, or `MLK` and the address in 13 digits (16 characters, §11.5). */
export function deviceName(options: LogicalDeviceOptions): string {
  const name = options.name ?? `MLK${String(options.address).padStart(13, '0')}`;
  check(name.length <= 16, `logical device ${options.address}: name longer than 16 characters`);
  return name;
}
