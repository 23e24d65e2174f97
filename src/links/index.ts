/**
 * Link implementations: TCP, UDP, serial (optional `serialport`), in-memory pairs, fault
 * injection, and the TCP/UDP acceptors that servers build on.
 *
 * @module
 */

export { backoffDelay, type ReconnectOptions, type ReconnectPolicy, reconnectPolicy } from './backoff.js';
export { BaseLink, type BaseLinkOptions } from './base-link.js';
export {
  type FaultCounters,
  type FaultDirection,
  type FaultOptions,
  type FaultyLink,
  faulty,
} from './faulty.js';
export { LinkEmitter } from './link-emitter.js';
export type { LinkServer } from './link-server.js';
export { type ListenTcpOptions, listenTcp } from './listen-tcp.js';
export { type ListenUdpOptions, listenUdp } from './listen-udp.js';
export { type MemoryPairOptions, memoryPair } from './memory-pair.js';
export {
  type SerialOptions,
  type SerialParity,
  type SerialPortLike,
  type SerialPortModule,
  type SerialPortOpenOptions,
  serial,
} from './serial.js';
export { type TcpOptions, tcp } from './tcp.js';
export { type UdpOptions, udp } from './udp.js';
