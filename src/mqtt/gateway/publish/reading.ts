/**
 * The JSON message of publish mode (`{root}/gw/{gatewayId}/meter/{meterId}/reading`), schema
 * version 1, documented in `docs/gateway-modes.md`.
 *
 * @module
 */

import { MeterlinkError } from '../../../core/errors.js';
import type { ReadingValue } from './json-value.js';

/** Version of the reading message schema (`version` field). */
export const readingSchemaVersion = 1;

/** Why a reading has no value. */
export interface ReadingError {
  /** The meterlink error code (`ERR_TIMEOUT`, `ERR_DLMS_DATA_ACCESS`, `ERR_MODBUS_EXCEPTION` …). */
  code: string;
  /** What went wrong, in words (never a key or password). */
  message: string;
}

/** One reading of a published message. */
export interface Reading {
  /** Name from the read plan (DLMS: the item's `name`, else its OBIS code; Modbus: the field name). */
  name: string;
  /** DLMS: logical name read. */
  obis?: string;
  /** DLMS: interface class read. */
  classId?: number;
  /** DLMS: attribute read. */
  attribute?: number;
  /** Modbus: the register table. */
  table?: 'holding' | 'input';
  /** Modbus: 0-based PDU address of the field's first register. */
  register?: number;
  /** The value; absent when `quality` is `bad`. */
  value?: ReadingValue;
  /** Unit symbol, when the value has one. */
  unit?: string;
  /** ISO 8601 instant the value belongs to: the meter's capture time when it gave one, else the read time. */
  timestamp: string;
  /** `good`: `value` was read; `bad`: see `error`. */
  quality: 'good' | 'bad';
  /** Set when `quality` is `bad`. */
  error?: ReadingError;
}

/** The message published after each cycle of a meter. */
export interface ReadingMessage {
  /** Schema version ({@link readingSchemaVersion}). */
  version: number;
  /** Meter id. */
  meter: string;
  /** Gateway id. */
  gateway: string;
  /** ISO 8601 instant the cycle started. */
  time: string;
  /** One entry per item of the read plan, in plan order. */
  readings: Reading[];
}

/** The `error` of a bad reading: the meterlink code, or `ERR_UNKNOWN` for anything else. */
export function readingError(error: unknown): ReadingError {
  if (error instanceof MeterlinkError) return { code: error.code, message: error.message };
  return { code: 'ERR_UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
