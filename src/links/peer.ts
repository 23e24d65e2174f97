/**
 * Peer descriptions (`tcp://127.0.0.1:502`) used in `LinkInfo.peer` and error messages.
 *
 * @module
 */

/** `scheme://host:port`, with IPv6 hosts in brackets (`udp://[::1]:4059`). */
export function formatPeer(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The message of any thrown value, for error texts. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
