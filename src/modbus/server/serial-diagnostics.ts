/**
 * Serial-line diagnostics of a server: the FC8 counters, the FC11 event counter, the FC12 event
 * log and listen-only mode (Modbus spec §4.6–§4.8).
 *
 * @module
 */

/** The 16-bit counters of FC8 sub-functions 0x0B–0x12. */
export interface DiagnosticCounters {
  /** 0x0B: frames seen on the line with a correct CRC/LRC, for any address. */
  busMessages: number;
  /** 0x0C: CRC/LRC errors and frames too short. */
  busCommunicationErrors: number;
  /** 0x0D: exception conditions detected by this server (broadcasts included). */
  busExceptionErrors: number;
  /** 0x0E: frames addressed to this server (or broadcast) that it processed. */
  serverMessages: number;
  /** 0x0F: frames addressed to this server that got no response (every broadcast). */
  serverNoResponses: number;
  /** 0x10: exception responses with code 07. */
  serverNaks: number;
  /** 0x11: exception responses with code 06. */
  serverBusy: number;
  /** 0x12: frames lost to character overruns. */
  busCharacterOverruns: number;
}

/** Capacity of the FC12 event log (spec §4.8). */
const eventLogSize = 64;

/** FC12 event bytes (spec §4.8). */
const Event = {
  receive: 0x80,
  receiveCommunicationError: 0x02,
  receiveListenOnly: 0x20,
  receiveBroadcast: 0x40,
  send: 0x40,
  sendReadException: 0x01,
  sendAbortException: 0x02,
  sendBusyException: 0x04,
  sendNakException: 0x08,
  sendListenOnly: 0x20,
  enteredListenOnly: 0x04,
  restart: 0x00,
} as const;

function zeroCounters(): DiagnosticCounters {
  return {
    busMessages: 0,
    busCommunicationErrors: 0,
    busExceptionErrors: 0,
    serverMessages: 0,
    serverNoResponses: 0,
    serverNaks: 0,
    serverBusy: 0,
    busCharacterOverruns: 0,
  };
}

/**
 * How a completed request counts: `normal`; `poll` (FC11, not counted by its own event counter,
 * spec §4.7); `reset` (FC8/01 and FC8/0x0A: counters stay at the zero they were reset to).
 */
export type DiagnosticsRequestKind = 'normal' | 'poll' | 'reset';

/**
 * Diagnostics state of one server on a serial line (spec §4.6–§4.8). `ModbusServer` updates it
 * for traffic on RTU and ASCII framings only: the counters, event counter and event log describe
 * the serial port, so Modbus/TCP traffic leaves them alone (FC8/11/12 are serial-line functions).
 *
 * Counting rules, as the server applies them:
 * - a receive event is logged when a request arrives, before it is processed; the send event
 *   when its processing finished (spec §4.8), so FC12 reports its own receive event;
 * - the message counters (0x0B for frames of every address, 0x0E for frames to this server or
 *   broadcast) count a request once it is processed, so a counter read reports the traffic
 *   before it, and the requests that reset the counters (FC8/01, FC8/0x0A) leave them at 0;
 * - 0x0F no-response: every broadcast, FC8/04, and every frame received in listen-only mode;
 * - 0x0D exception errors: every exception answered, and broadcasts refused or failed (no
 *   answer is sent, but the condition is counted, spec §6);
 * - the FC11 event counter counts successfully completed requests except FC11 itself and the
 *   resets (spec §4.7).
 *
 * @example
 * ```ts
 * const server = new ModbusServer({ model: { holdingRegisters: [230, 50] } });
 * server.serve(serial({ path: '/dev/ttyUSB0', baudRate: 19200 }), { framing: 'rtu' });
 * // … later: what the bus looked like to unit 1
 * const diagnostics = server.diagnosticsOf(1);
 * console.log(diagnostics?.counters.busCommunicationErrors, diagnostics?.listenOnly);
 * ```
 */
export class SerialDiagnostics {
  /** Counters reported by FC8/0x0B–0x12. */
  counters: DiagnosticCounters = zeroCounters();
  /** FC8/02 diagnostic register (device-specific bits). */
  diagnosticRegister = 0;
  /** FC11 event counter: successfully completed messages (not exceptions, not FC11 itself). */
  eventCount = 0;
  /** `true` after FC8/04 until FC8/01 (spec §4.6). */
  listenOnly = false;
  /** ASCII end-of-frame character set by FC8/03 (default LF). */
  asciiDelimiter = 0x0a;
  private readonly events: number[] = [];

  /** FC12 event log, most recent first (at most 64 bytes). */
  get eventLog(): Uint8Array {
    return Uint8Array.from(this.events);
  }

  private log(event: number): void {
    this.events.unshift(event);
    if (this.events.length > eventLogSize) this.events.pop();
  }

  private bump(name: keyof DiagnosticCounters): void {
    this.counters[name] = (this.counters[name] + 1) & 0xffff;
  }

  /** A frame with a valid check sequence for another server crossed the line. */
  frameSeen(): void {
    this.bump('busMessages');
  }

  /** The decoder dropped a damaged frame (bad CRC/LRC, garbage): counted and logged as a receive event. */
  communicationError(): void {
    this.bump('busCommunicationErrors');
    this.log(Event.receive | Event.receiveCommunicationError);
  }

  /** A request for this server (or a broadcast) arrived: logs the receive event. */
  requestReceived(broadcast: boolean): void {
    let event: number = Event.receive;
    if (broadcast) event |= Event.receiveBroadcast;
    if (this.listenOnly) event |= Event.receiveListenOnly;
    this.log(event);
  }

  /** A request received in listen-only mode was counted but not acted on nor answered (spec §4.6). */
  ignoredInListenOnly(): void {
    this.bump('busMessages');
    this.bump('serverMessages');
    this.bump('serverNoResponses');
  }

  /**
   * Processing of a request finished: updates the counters and logs the send event.
   * @param exceptionCode the exception sent (or detected, for a broadcast), if any
   * @param answered whether a response went out
   * @param kind how the request counts (see {@link DiagnosticsRequestKind})
   */
  requestDone(exceptionCode: number | undefined, answered: boolean, kind: DiagnosticsRequestKind): void {
    if (kind !== 'reset') {
      this.bump('busMessages');
      this.bump('serverMessages');
      if (!answered) this.bump('serverNoResponses');
    }
    let event: number = Event.send;
    if (exceptionCode === undefined) {
      if (kind === 'normal') this.eventCount = (this.eventCount + 1) & 0xffff;
    } else {
      this.bump('busExceptionErrors');
      if (exceptionCode === 0x06) this.bump('serverBusy');
      if (exceptionCode === 0x07) this.bump('serverNaks');
      if (exceptionCode <= 3) event |= Event.sendReadException;
      else if (exceptionCode === 4) event |= Event.sendAbortException;
      else if (exceptionCode <= 6) event |= Event.sendBusyException;
      else if (exceptionCode === 7) event |= Event.sendNakException;
    }
    if (this.listenOnly) event |= Event.sendListenOnly;
    this.log(event);
  }

  /** FC8/04: enter listen-only mode (logged as event 0x04). */
  enterListenOnly(): void {
    this.listenOnly = true;
    this.log(Event.enteredListenOnly);
  }

  /**
   * FC8/01: leave listen-only mode, clear the counters and, if asked, the event log; logs the
   * communication restart event (0x00).
   */
  restart(clearLog: boolean): void {
    this.listenOnly = false;
    this.clearCounters();
    if (clearLog) this.events.length = 0;
    this.log(Event.restart);
  }

  /** FC8/0x0A (and restart): counters, diagnostic register and event counter back to 0. */
  clearCounters(): void {
    this.counters = zeroCounters();
    this.diagnosticRegister = 0;
    this.eventCount = 0;
  }

  /** FC8/0x14: clear the overrun counter and flag. */
  clearOverrun(): void {
    this.counters.busCharacterOverruns = 0;
  }
}
