/**
 * The TCP→serial gateway mode of `ModbusServer` (Modbus spec §11): requests for units behind the
 * gateway are forwarded through a `ModbusClient` (typically RTU on a serial line, which queues
 * them one at a time), and the answers go back unchanged.
 *
 * @module
 */

import { InvalidArgumentError, LinkClosedError, LinkError } from '../../core/errors.js';
import type { ModbusClient } from '../client/modbus-client.js';
import { ModbusException } from '../client/modbus-exception.js';
import { ExceptionCode } from '../pdu/constants.js';
import { decodeRequest, encodeResponse } from '../pdu/index.js';
import type { ModbusRequest } from '../pdu/types.js';

/** One client and the unit ids behind it. */
export interface ModbusGatewayRoute {
  /** The client that reaches the units (typically RTU on a serial line). */
  client: ModbusClient;
  /** Unit ids routed to `client`. Default: every serial address 1–247 (spec §6). */
  units?: readonly number[];
}

/** Options of the gateway mode. */
export interface ModbusGatewayOptions {
  /**
   * Where a unit id goes: a function returning the client for it (or `undefined`: no path,
   * exception 0x0A), or one client with the unit ids behind it (default: every id 1–247, the
   * serial addresses of spec §6). A route function is also asked for unit 0 when a broadcast is
   * to be forwarded; one client receives every broadcast.
   */
  route: ((unitId: number) => ModbusClient | undefined) | ModbusGatewayRoute;
  /** Response timeout for forwarded requests, in ms. Default: the target client's own. */
  timeoutMs?: number;
  /**
   * Forwarded requests that may be pending at once (on the line or waiting for it); one more is
   * answered 06 SERVER DEVICE BUSY at once (spec §11). Default 32.
   */
  maxQueue?: number;
}

/** What the server needs from the gateway. */
export interface ModbusGateway {
  /**
   * Forwards one request PDU to `unitId`; resolves the response PDU (the device's answer or the
   * gateway's exception), or `undefined` when no response is due (FC8/04). Never rejects.
   */
  forward(pdu: Uint8Array, unitId: number): Promise<Uint8Array | undefined>;
  /** Sends a broadcast on the target line (no answer; failures are ignored). */
  broadcast(request: ModbusRequest): void;
}

function exceptionPdu(functionCode: number, exceptionCode: number): Uint8Array {
  return Uint8Array.of(functionCode | 0x80, exceptionCode);
}

/** The exception a gateway answers when forwarding failed (spec §11). */
function failureCode(error: unknown): number {
  // No connection to the target at all, or an address the client refuses: the path is unavailable.
  if (
    error instanceof LinkClosedError ||
    error instanceof LinkError ||
    error instanceof InvalidArgumentError
  ) {
    return ExceptionCode.gatewayPathUnavailable;
  }
  // Timeout, or an answer that was damaged or did not fit the request: no valid response.
  return ExceptionCode.gatewayTargetDeviceFailedToRespond;
}

/**
 * Builds the gateway used by `ModbusServer` when its `gateway` option is set.
 *
 * @throws InvalidArgumentError for a `maxQueue` or `timeoutMs` that is not a positive integer
 */
export function createGateway(options: ModbusGatewayOptions): ModbusGateway {
  const maxQueue = options.maxQueue ?? 32;
  if (!Number.isInteger(maxQueue) || maxQueue < 1) {
    throw new InvalidArgumentError(`gateway.maxQueue must be an integer ≥ 1, got ${maxQueue}`);
  }
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw new InvalidArgumentError(`gateway.timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  const table = options.route;
  let route: (unitId: number) => ModbusClient | undefined;
  let broadcastClient: () => ModbusClient | undefined;
  if (typeof table === 'function') {
    route = table;
    broadcastClient = () => table(0);
  } else {
    const units = table.units === undefined ? undefined : new Set(table.units);
    route = (unitId) =>
      (units === undefined ? unitId >= 1 && unitId <= 247 : units.has(unitId)) ? table.client : undefined;
    broadcastClient = () => table.client;
  }
  const requestOptions = timeoutMs === undefined ? {} : { timeoutMs };
  let pending = 0;

  return {
    async forward(pdu, unitId) {
      const functionCode = pdu[0]!;
      // Function code 0 or ≥ 0x80 is not a request: there is no exception to answer it with.
      if (functionCode === 0 || functionCode >= 0x80) return undefined;
      const client = route(unitId);
      if (client === undefined) return exceptionPdu(functionCode, ExceptionCode.gatewayPathUnavailable);
      let request: ModbusRequest;
      try {
        request = decodeRequest(pdu);
      } catch {
        // The device would refuse it too (spec §5.2 step 2); no need to occupy the line.
        return exceptionPdu(functionCode, ExceptionCode.illegalDataValue);
      }
      if (pending >= maxQueue) return exceptionPdu(functionCode, ExceptionCode.serverDeviceBusy);
      pending++;
      try {
        const response = await client.request(request, { unitId, ...requestOptions });
        return response === undefined ? undefined : encodeResponse(response);
      } catch (error) {
        // Exceptions from the device are relayed unchanged (spec §11).
        if (error instanceof ModbusException) return exceptionPdu(functionCode, error.exceptionCode);
        return exceptionPdu(functionCode, failureCode(error));
      } finally {
        pending--;
      }
    },
    broadcast(request) {
      broadcastClient()
        ?.request(request, { unitId: 0 })
        .catch(() => undefined);
    },
  };
}
