/**
 * The publish-mode reader of a DLMS/COSEM meter.
 *
 * @module
 */

import { InvalidArgumentError } from '../../../core/errors.js';
import type { Link } from '../../../core/link.js';
import type { DlmsClient } from '../../../dlms/client/dlms-client.js';
import type { GatewayPortProtocol } from '../create-chunker.js';
import { DlmsConnector } from './dlms-connector.js';
import { type DlmsReadItem, readDlmsItem } from './dlms-read.js';
import { badReading, type MeterReader } from './meter-reader.js';
import type { DlmsPublishMeter } from './publish-options.js';
import type { Reading } from './reading.js';

/** Bound on the release (RLRQ, DISC) after an aborted cycle, ms. */
const abortedCloseMs = 500;

function baseOf(item: DlmsReadItem): Omit<Reading, 'timestamp' | 'quality'> {
  return {
    name: item.name ?? item.obis,
    obis: item.obis,
    classId: item.classId ?? 3,
    attribute: item.attribute ?? 2,
  };
}

/** Associates, reads the items one by one, releases. */
export class DlmsMeterReader implements MeterReader {
  readonly #meter: DlmsPublishMeter;
  readonly #items: readonly DlmsReadItem[];
  readonly #connector: DlmsConnector;

  /** @param meter - The meter (its options are checked by `DlmsClient.connect`). */
  constructor(meter: DlmsPublishMeter) {
    this.#meter = meter;
    this.#items = meter.read;
    this.#connector = new DlmsConnector(meter.dlms);
  }

  /** HDLC runs on `hdlc` and `raw` ports, the wrapper on `raw` ports only. */
  usePort(protocol: GatewayPortProtocol): void {
    const framing = this.#meter.dlms.framing;
    if (protocol === 'raw' || (protocol === 'hdlc' && framing === 'hdlc')) return;
    throw new InvalidArgumentError(
      `meter ${this.#meter.id}: DLMS framing ${framing} cannot run on port ${this.#meter.port} (protocol ${protocol})`,
    );
  }

  async read(link: Link, signal: AbortSignal): Promise<Reading[]> {
    const client = await this.#connector.connect(link, signal);
    try {
      return await this.#readAll(client, signal);
    } finally {
      await client.close(signal.aborted ? { release: false, timeoutMs: abortedCloseMs } : {});
    }
  }

  async #readAll(client: DlmsClient, signal: AbortSignal): Promise<Reading[]> {
    const readings: Reading[] = [];
    for (const item of this.#items) {
      const base = baseOf(item);
      try {
        const v = await readDlmsItem(client, item, { signal });
        readings.push({
          ...base,
          value: v.value,
          ...(v.unit === undefined ? {} : { unit: v.unit }),
          timestamp: (v.captureTime ?? new Date()).toISOString(),
          quality: 'good',
        });
      } catch (error) {
        readings.push(badReading(base, error, new Date()));
      }
    }
    return readings;
  }

  fail(error: unknown, time: Date): Reading[] {
    return this.#items.map((item) => badReading(baseOf(item), error, time));
  }
}
