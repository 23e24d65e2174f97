/**
 * `meterlink/mqtt`: the MQTT transport adapter (tunnel link, gateway, embedded broker). It lands
 * here with its own issue; for now this entry point only re-exports the shared error types.
 *
 * @module meterlink/mqtt
 */

export { LinkClosedError, LinkError, MeterlinkError } from '../core/errors.js';
