/**
 * The broker of `meterlink gateway`: MQTT connection options with the TLS files read, a
 * description without credentials, and the secrets to keep out of every message.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { messageOf } from '../links/peer.js';
import { type MqttBroker, resolveBroker } from '../mqtt/client/broker-options.js';
import { GatewayConfigError } from '../mqtt/gateway/config-fields.js';
import type { GatewayBrokerConfig } from './gateway-config.js';

/**
 * The broker options for `MqttGateway`: URL, credentials and the contents of the TLS files.
 *
 * @param config - The checked broker configuration.
 * @param baseDir - Directory that relative TLS file paths start from (the configuration file's).
 * @throws {@link GatewayConfigError} naming `broker.ca`, `broker.cert` or `broker.key` when a file
 *   cannot be read
 */
export async function brokerOptions(config: GatewayBrokerConfig, baseDir: string): Promise<MqttBroker> {
  const options: Exclude<MqttBroker, string> = { url: config.url };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  for (const key of ['ca', 'cert', 'key'] as const) {
    const file = config[key];
    if (file === undefined) continue;
    const path = resolve(baseDir, file);
    try {
      options[key] = await readFile(path);
    } catch (error) {
      throw new GatewayConfigError(`broker.${key}`, `cannot read ${path}: ${messageOf(error)}`);
    }
  }
  return options;
}

/** `scheme://host:port` of the broker: never a user name or password. */
export function describeBroker(config: GatewayBrokerConfig): string {
  return resolveBroker(config.url).description;
}

/** The texts no output may show: the password, and one given in the URL (as written and decoded). */
export function brokerSecrets(config: GatewayBrokerConfig): string[] {
  const secrets = config.password === undefined || config.password === '' ? [] : [config.password];
  const inUrl = new URL(config.url).password;
  if (inUrl !== '') {
    secrets.push(inUrl);
    try {
      secrets.push(decodeURIComponent(inUrl));
    } catch {
      // A malformed escape: the text as written is hidden already.
    }
  }
  return secrets;
}
