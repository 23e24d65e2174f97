/**
 * An event log (meterlink spec §11.5: Profile generic 0.0.99.98.x.255) with the event code
 * object it captures, and the event codes the simulator records.
 *
 * @module
 */

import type { CaptureObject } from '../../cosem/capture-objects.js';
import { DataObject } from './data-object.js';
import type { ObjectDirectory } from './object-directory.js';
import { ProfileGeneric } from './profile-generic.js';

/**
 * Event codes the simulator records, numbered as in the standard event log of the DLMS UA /
 * IDIS companion specifications (codes are meter specific: always read them with the meter's
 * documentation at hand).
 */
export const EventCode = {
  /** 1: power down. */
  powerDown: 1,
  /** 2: power up. */
  powerUp: 2,
  /** 4: clock adjusted, the old time is captured. */
  clockAdjustedOldTime: 4,
  /** 5: clock adjusted, the new time is captured. */
  clockAdjustedNewTime: 5,
  /** 62: remote disconnection. */
  remoteDisconnection: 62,
  /** 63: remote reconnection (connected or ready for reconnection). */
  remoteConnection: 63,
  /** 61: manual reconnection. */
  manualConnection: 61,
} as const;

/** Options of {@link EventLog}. */
export interface EventLogOptions {
  /** Where the log reads the clock (and finds its event code object, which it adds). */
  directory: ObjectDirectory;
  /** Logical name of the log. Default `'0.0.99.98.0.255'`. */
  logicalName?: string;
  /** Logical name of the event code Data object. Default `'0.0.96.11.0.255'`. */
  eventCodeName?: string;
  /** Logical name of the Clock captured with each event. Default `'0.0.1.0.0.255'`. */
  clockName?: string;
  /** Capacity (profile_entries). Default 100. */
  capacity?: number;
}

/**
 * An event log: a stored Profile generic capturing the clock time and an event code (Data,
 * `unsigned`, read-only) for each {@link EventLog.record}.
 *
 * @example
 * ```ts
 * const log = new EventLog({ directory });
 * directory.add(log.profile);
 * log.record(EventCode.powerUp, new Date());
 * ```
 */
export class EventLog {
  /** The log (class 7). */
  readonly profile: ProfileGeneric;
  /** The event code of the last event (class 1): the log's second column. */
  readonly eventCode: DataObject;
  #last = 0;

  /**
   * @param options - Directory, names and capacity.
   * @throws InvalidArgumentError when a logical name is not an OBIS code
   */
  constructor(options: EventLogOptions) {
    const eventCodeName = options.eventCodeName ?? '0.0.96.11.0.255';
    this.eventCode = new DataObject({
      logicalName: eventCodeName,
      value: () => ({ type: 'unsigned', value: this.#last }),
      readOnly: true,
    });
    options.directory.add(this.eventCode);
    const columns: CaptureObject[] = [
      { classId: 8, logicalName: options.clockName ?? '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 },
      { classId: 1, logicalName: eventCodeName, attributeIndex: 2, dataIndex: 0 },
    ];
    this.profile = new ProfileGeneric({
      logicalName: options.logicalName ?? '0.0.99.98.0.255',
      captureObjects: columns,
      directory: options.directory,
      profileEntries: options.capacity ?? 100,
    });
  }

  /** Records event `code` (0–255) at `time`: the event code becomes `code` and a row is captured. */
  record(code: number, time: Date): void {
    this.#last = code;
    this.profile.capture(time);
  }
}
