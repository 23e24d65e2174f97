// The names the MQTT benchmark needs and where they come from: see lib/load-api.mjs
// (dist/, or an esbuild bundle of the sources with MQTT_BENCH_SOURCE=1 or a stale build;
// child processes get the parent's choice in MQTT_BENCH_MODULE).

import { loadApi } from './load-api.mjs';

/** Every name the benchmark uses, and the entry that exports it. */
const needed = {
  'dist/dlms/index.js': [
    'DlmsClient',
    'DlmsServer',
    'Register',
    'Clock',
    'ProfileGeneric',
    'ObjectDirectory',
  ],
  'dist/index.js': ['memoryPair'],
  'dist/modbus/index.js': ['ModbusClient', 'ModbusServer'],
  'dist/mqtt/index.js': ['startBroker', 'MqttGateway', 'mqttLink', 'mqttHeadEnd'],
};

/** Where the sources export the names (the fallback bundle re-exports exactly these). */
const sources = {
  DlmsClient: 'src/dlms/client/dlms-client.ts',
  DlmsServer: 'src/dlms/server/dlms-server.ts',
  Register: 'src/dlms/server/objects/register.ts',
  Clock: 'src/dlms/server/objects/clock.ts',
  ProfileGeneric: 'src/dlms/server/objects/profile-generic.ts',
  ObjectDirectory: 'src/dlms/server/objects/object-directory.ts',
  memoryPair: 'src/links/memory-pair.ts',
  ModbusClient: 'src/modbus/client/modbus-client.ts',
  ModbusServer: 'src/modbus/server/modbus-server.ts',
  startBroker: 'src/mqtt/broker/start-broker.ts',
  MqttGateway: 'src/mqtt/gateway/mqtt-gateway.ts',
  mqttLink: 'src/mqtt/link/mqtt-link.ts',
  mqttHeadEnd: 'src/mqtt/link/mqtt-head-end.ts',
};

/**
 * Loads the names the benchmark needs (see lib/load-api.mjs).
 * @returns {Promise<{ api: Record<string, any>, source: string, module: string, dispose(): void }>}
 */
export function loadMeterlink() {
  return loadApi({ needed, sources, envPrefix: 'MQTT_BENCH', tag: 'mqtt' });
}
