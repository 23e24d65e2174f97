/**
 * The service context of one association (meterlink spec §9): made once when the association
 * serves its first request and reused by every later one, so that a request allocates nothing
 * for it. Its requests run one at a time (a connection answers in order), so one mutable context
 * per association is enough.
 *
 * @module
 */

import type { GrantedObject } from './access-rights.js';
import type { Association, RequestProtection } from './association.js';
import { cipheringOverhead } from './ciphering.js';
import type { CosemRequestContext } from './cosem-object.js';
import { currentAssociationName } from './logical-device.js';
import type { ServiceContext } from './services.js';

/** The context every request of one association is served with. */
export class AssociationContext implements ServiceContext {
  readonly association: Association;
  readonly objects: ReadonlyMap<string, GrantedObject>;
  readonly current: GrantedObject | undefined;
  readonly request: CosemRequestContext;
  readonly report: (error: unknown) => void;
  readonly maxBlockTransferBytes: number;
  limit: number;
  /** The limit of a plain request (no ciphering overhead). */
  readonly #plainLimit: number;
  readonly #clock: () => Date;
  /** The time of the request being served, once an object asked for it. */
  #now: Date | undefined;

  /**
   * @param clock - the server's clock, read once per request and only if an object asks
   * @param report - receives what an object threw
   */
  constructor(
    association: Association,
    clock: () => Date,
    report: (error: unknown) => void,
    maxBlockTransferBytes: number,
  ) {
    const { config, device } = association;
    this.association = association;
    this.objects = config.access.grants(device.objects);
    const self = association.object;
    this.current = self === undefined ? undefined : config.access.grant(self, currentAssociationName);
    this.report = report;
    this.maxBlockTransferBytes = maxBlockTransferBytes;
    // With general-block-transfer no service-specific blocks: GBT cuts the whole answer (§9.11).
    this.#plainLimit = association.conformance.generalBlockTransfer
      ? Number.POSITIVE_INFINITY
      : association.sendLimit;
    this.limit = this.#plainLimit;
    this.#clock = clock;
    const context = this;
    // A plain object with an own enumerable getter: an object that copies the context
    // (`{ ...context }`) still gets `now`.
    this.request = {
      client: config.client,
      logicalDevice: device.address,
      mechanism: config.mechanism,
      get now(): Date {
        context.#now ??= context.#clock();
        return context.#now;
      },
    };
  }

  /** Starts serving a request that arrived with `protection`: a fresh `now`, the response limit. */
  begin(protection: RequestProtection | undefined): void {
    this.#now = undefined;
    const sendLimit = this.association.sendLimit;
    this.limit =
      protection === undefined || this.#plainLimit === Number.POSITIVE_INFINITY
        ? this.#plainLimit
        : sendLimit - cipheringOverhead(protection, sendLimit);
  }
}
