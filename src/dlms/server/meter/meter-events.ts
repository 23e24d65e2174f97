/**
 * What the simulated meters write to their event log: clock adjustments and disconnector
 * operations (event codes of `EventCode`).
 *
 * @module
 */

import type { ClockOptions } from '../objects/clock.js';
import type { DisconnectControlOptions } from '../objects/disconnect-control.js';
import { EventCode, type EventLog } from '../objects/event-log.js';

/**
 * The Clock's `onAdjust`: logs the old and the new time. The log captures the clock as it is
 * (already adjusted), so the old time is recorded at the request time the adjusted clock shows
 * as the old time.
 */
export function logClockAdjustments(log: () => EventLog | undefined): ClockOptions['onAdjust'] {
  return (from, to, now) => {
    log()?.record(EventCode.clockAdjustedOldTime, new Date(now.getTime() - (to.getTime() - from.getTime())));
    log()?.record(EventCode.clockAdjustedNewTime, now);
  };
}

/** The Disconnect control's `onChange`: logs remote disconnections and (re)connections. */
export function logDisconnections(log: () => EventLog | undefined): DisconnectControlOptions['onChange'] {
  return (state, cause, now) => {
    const code =
      cause === 'manual'
        ? EventCode.manualConnection
        : state === 'disconnected'
          ? EventCode.remoteDisconnection
          : EventCode.remoteConnection;
    log()?.record(code, now);
  };
}
