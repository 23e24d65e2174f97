export { delay, throwIfAborted, type WaitOptions, waitFor } from './abort.js';
export { ByteReader, ByteWriter } from './bytes.js';
export { crc16Modbus, crc16X25, lrc8 } from './crc.js';
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
  TimeoutError,
} from './errors.js';
export { fromHex, toHex } from './hex.js';
export type {
  Link,
  LinkEvents,
  LinkInfo,
  LinkListener,
  LinkOpenOptions,
  LinkState,
  LinkTransport,
} from './link.js';
