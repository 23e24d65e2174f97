/**
 * `meterlink`: links, meter URLs, `connect()`, and the error types shared by every protocol.
 *
 * Protocol stacks have their own entry points: `meterlink/modbus`, `meterlink/dlms`,
 * `meterlink/mqtt`.
 *
 * @example
 * ```ts
 * import { connect } from 'meterlink';
 *
 * const mb = await connect('modbus+tcp://127.0.0.1:502?unit=1');
 * console.log(await mb.readHoldingRegisters(0, 2));
 * await mb.close();
 * ```
 *
 * @module meterlink
 */

export { type ConnectOptions, connect, connectDlms, connectModbus } from './connect/connect.js';
export { type LinkForOptions, linkFor } from './connect/link-for.js';
export type {
  DlmsScheme,
  DlmsUrl,
  DlmsUrlFraming,
  DlmsUrlText,
  HdlcUrlSettings,
  MeterUrl,
  ModbusScheme,
  ModbusUrl,
  ModbusUrlText,
  MqttUrlSettings,
  SerialUrlSettings,
  UrlTransport,
} from './connect/meter-url.js';
export { parseMeterUrl } from './connect/parse-meter-url.js';
export { delay, type WaitOptions, waitFor } from './core/abort.js';
export { crc16Modbus, crc16X25, lrc8 } from './core/crc.js';
export {
  AbortError,
  DecodeError,
  type DecodeErrorOptions,
  type DecodeLayer,
  EncodeError,
  ErrorCode,
  InvalidArgumentError,
  InvalidUrlError,
  LinkClosedError,
  LinkError,
  MeterlinkError,
  type MeterlinkErrorOptions,
  MissingDependencyError,
  ProtocolError,
  SecurityError,
  type SecurityFailure,
  TimeoutError,
} from './core/errors.js';
export { fromHex, toHex } from './core/hex.js';
export {
  type ApduAttachRequest,
  type ApduAttachResult,
  type ApduTunnelHdlcProposal,
  type ApduTunnelLink,
  type ApduTunnelMode,
  isApduTunnel,
  isReconfigurable,
  type Link,
  type LinkEvents,
  type LinkInfo,
  type LinkOpenOptions,
  type LinkState,
  type LinkTransport,
  type ReconfigurableLink,
  type SerialLineSettings,
} from './core/link.js';
export * from './fleet/index.js';
export * from './links/index.js';
