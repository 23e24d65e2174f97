/**
 * Options of the publish mode.
 *
 * @module
 */

import type { ModbusFraming } from '../../../modbus/framing/types.js';
import type { RegisterOrder } from '../../../modbus/registers/order.js';
import type { FieldDeclaration } from '../../../modbus/registers/types.js';
import type { DlmsConnectionOptions } from './dlms-connector.js';
import type { DlmsReadItem } from './dlms-read.js';

/** What every meter of a publish mode has. */
export interface PublishMeterBase {
  /** Meter id: the `{meterId}` topic level (no `/`, `+`, `#`), unique in the mode. */
  id: string;
  /** The gateway port the meter is on. */
  port: string;
  /** Time between the starts of two cycles, ms (a cycle still running then makes the next one be skipped). */
  intervalMs: number;
  /** Longest wait for the port (a head-end may hold it), ms. Default: the smaller of `intervalMs` and 30 000. */
  acquireTimeoutMs?: number;
  /** Bound on a whole cycle (wait, connect, reads, release), ms. Default: the mode's `cycleTimeoutMs`. */
  cycleTimeoutMs?: number;
}

/** A DLMS/COSEM meter read with a list of attributes. */
export interface DlmsPublishMeter extends PublishMeterBase {
  /** How to associate (framing, addresses, authentication, keys, timeouts). */
  dlms: DlmsConnectionOptions;
  /** What to read, in order (at least one item). */
  read: DlmsReadItem[];
}

/** A field of a Modbus block: a register declaration plus the unit of the decoded value. */
export type ModbusPublishField = Exclude<FieldDeclaration, string> & {
  /** Unit symbol published with the value (`'V'`, `'kWh'`). Default: none. */
  unit?: string;
};

/** A block of registers read with one request (or a few, beyond 125 registers). */
export interface ModbusPublishBlock {
  /** `holding` (FC3) or `input` (FC4) registers. */
  table: 'holding' | 'input';
  /** 0-based PDU address of the block's first register. */
  address: number;
  /** Order of the multi-register fields that do not give their own. Default `'ABCD'`. */
  order?: RegisterOrder;
  /**
   * The fields by name, as in `registerLayout` (`at` is the offset from `address`; `scale` or
   * `exponent` scale the raw value), each with an optional `unit`; a bare type name is a field
   * without unit right after the previous one.
   */
  fields: Record<string, ModbusPublishField | Extract<FieldDeclaration, string>>;
}

/** How to talk to a Modbus device. */
export interface ModbusConnectionOptions {
  /**
   * Framing on the port. On a `modbus-rtu` port it can only be (and defaults to) `'rtu'`; on a
   * `raw` port it must be given.
   */
  framing?: ModbusFraming;
  /** Unit id / serial address. Default 1. */
  unitId?: number;
  /** Response timeout per request, ms. Default 1000. */
  timeoutMs?: number;
  /** Extra attempts after a timeout. Default 0. */
  retries?: number;
}

/** A Modbus device read with register blocks. */
export interface ModbusPublishMeter extends PublishMeterBase {
  /** How to reach the device. */
  modbus: ModbusConnectionOptions;
  /** What to read (at least one block). */
  blocks: ModbusPublishBlock[];
}

/** A meter of the publish mode. */
export type PublishMeter = DlmsPublishMeter | ModbusPublishMeter;

/** Options of {@link publishMode}. */
export interface PublishModeOptions {
  /** The meters (at least one, ids unique). */
  meters: PublishMeter[];
  /** QoS of the reading messages. Default 1. */
  qos?: 0 | 1;
  /** Publish the readings retained (the last one is kept for late subscribers). Default false. */
  retain?: boolean;
  /** Run each meter's first cycle at start, instead of one interval later. Default true. */
  runAtStart?: boolean;
  /** Default bound on a cycle, ms. Default 60 000. */
  cycleTimeoutMs?: number;
  /** How long `stop()` lets running cycles finish before aborting them, ms. Default 5000. */
  stopTimeoutMs?: number;
}
