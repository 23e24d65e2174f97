/**
 * Session factories: the HDLC or the wrapper session for a link, chosen by `framing` (spec §2).
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import type { Link } from '../../core/link.js';
import { HdlcClientSession, type HdlcClientSessionOptions } from './hdlc-client-session.js';
import { HdlcServerSession, type HdlcServerSessionOptions } from './hdlc-server-session.js';
import type { DlmsSession } from './types.js';
import { WrapperClientSession, type WrapperClientSessionOptions } from './wrapper-client-session.js';
import { WrapperServerSession, type WrapperServerSessionOptions } from './wrapper-server-session.js';

/** Options of {@link createClientSession} for the HDLC profile (spec §4). */
export interface HdlcClientSessionFactoryOptions extends HdlcClientSessionOptions {
  /** HDLC frames (serial, optical port, or HDLC over TCP, spec §4.12). */
  framing: 'hdlc';
}

/** Options of {@link createClientSession} for the wrapper profile (spec §5). */
export interface WrapperClientSessionFactoryOptions extends WrapperClientSessionOptions {
  /** The TCP/UDP wrapper. */
  framing: 'wrapper';
}

/** Options of {@link createClientSession}: the framing and that session's own options. */
export type ClientSessionOptions = HdlcClientSessionFactoryOptions | WrapperClientSessionFactoryOptions;

/** Options of {@link createServerSession} for the HDLC profile (spec §4). */
export interface HdlcServerSessionFactoryOptions extends HdlcServerSessionOptions {
  /** HDLC frames. */
  framing: 'hdlc';
}

/** Options of {@link createServerSession} for the wrapper profile (spec §5). */
export interface WrapperServerSessionFactoryOptions extends WrapperServerSessionOptions {
  /** The TCP/UDP wrapper. */
  framing: 'wrapper';
}

/** Options of {@link createServerSession}: the framing and that session's own options. */
export type ServerSessionOptions = HdlcServerSessionFactoryOptions | WrapperServerSessionFactoryOptions;

/**
 * Creates the client session for `options.framing` on `link`: an {@link HdlcClientSession} or a
 * {@link WrapperClientSession}, given the rest of `options`. Nothing is sent before `open()`.
 *
 * @throws {@link InvalidArgumentError} for a framing other than `'hdlc'` or `'wrapper'`, and
 *   whatever the session's constructor throws for its options
 * @example
 * ```ts
 * const session = createClientSession(tcp({ host: '10.0.0.5', port: 4059 }), {
 *   framing: 'wrapper',
 *   client: 0x10,
 *   server: 1,
 * });
 * await session.open();
 * ```
 */
export function createClientSession(link: Link, options: HdlcClientSessionFactoryOptions): HdlcClientSession;
export function createClientSession(
  link: Link,
  options: WrapperClientSessionFactoryOptions,
): WrapperClientSession;
export function createClientSession(link: Link, options: ClientSessionOptions): DlmsSession;
export function createClientSession(link: Link, options: ClientSessionOptions): DlmsSession {
  const framing = checkFraming(options);
  return framing === 'hdlc'
    ? new HdlcClientSession(link, options as HdlcClientSessionFactoryOptions)
    : new WrapperClientSession(link, options as WrapperClientSessionFactoryOptions);
}

/**
 * Creates the server session for `options.framing` on `link` (typically one handed out by
 * `listenTcp` or `listenUdp`): an {@link HdlcServerSession} or a {@link WrapperServerSession},
 * given the rest of `options`. It listens from construction on: the client opens it.
 *
 * @throws {@link InvalidArgumentError} for a framing other than `'hdlc'` or `'wrapper'`, and
 *   whatever the session's constructor throws for its options
 * @example
 * ```ts
 * await listenTcp({ port: 4059 }, (link) => {
 *   const session = createServerSession(link, { framing: 'wrapper', inactivityTimeoutMs: 180_000 });
 *   session.on('apdu', ({ apdu, address }) => void session.send(answer(apdu), { address }));
 * });
 * ```
 */
export function createServerSession(link: Link, options: HdlcServerSessionFactoryOptions): HdlcServerSession;
export function createServerSession(
  link: Link,
  options: WrapperServerSessionFactoryOptions,
): WrapperServerSession;
export function createServerSession(
  link: Link,
  options: ServerSessionOptions,
): HdlcServerSession | WrapperServerSession;
export function createServerSession(
  link: Link,
  options: ServerSessionOptions,
): HdlcServerSession | WrapperServerSession {
  const framing = checkFraming(options);
  return framing === 'hdlc'
    ? new HdlcServerSession(link, options as HdlcServerSessionFactoryOptions)
    : new WrapperServerSession(link, options as WrapperServerSessionFactoryOptions);
}

/** The framing of factory options, checked: configuration files are not type-checked. */
function checkFraming(options: { framing: unknown }): 'hdlc' | 'wrapper' {
  const framing = (options as { framing?: unknown } | undefined)?.framing;
  if (framing !== 'hdlc' && framing !== 'wrapper') {
    throw new InvalidArgumentError(`framing must be 'hdlc' or 'wrapper', got ${String(framing)}`);
  }
  return framing;
}
