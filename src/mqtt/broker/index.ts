/**
 * The embedded broker: {@link startBroker}.
 *
 * @module
 */

export { type EmbeddedBroker, type StartBrokerOptions, startBroker } from './start-broker.js';
