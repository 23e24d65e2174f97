/**
 * Smoke test with the real DlmsClient over memoryPair links: every mechanism, block transfer
 * both ways, ciphering with the counter read through the public client.
 */

import { describe, expect, it } from 'vitest';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import type { DlmsClientOptions } from '../../../src/dlms/client/options.js';
import { memoryPair } from '../../../src/links/index.js';
import { authenticationKey, clientTitle, encryptionKey, testServer } from './helpers.js';
import { bytes } from './test-objects.js';

describe('DlmsServer with DlmsClient', () => {
  for (const framing of ['wrapper', 'hdlc'] as const) {
    it(`associates with every mechanism over ${framing}`, async () => {
      const { server } = testServer();
      const errors: Error[] = [];
      server.on('error', (e) => errors.push(e));
      const connect = (options: Omit<DlmsClientOptions, 'link' | 'framing'>): Promise<DlmsClient> => {
        const [a, b] = memoryPair();
        server.serve(b, { framing });
        return DlmsClient.connect({
          link: a,
          framing,
          server: { logical: 1, physical: 17 },
          timeoutMs: 2000,
          ...options,
        });
      };
      const pub = await connect({ client: 16 });
      expect((await pub.readObjectList()).length).toBeGreaterThan(2);
      await pub.close();

      const lls = await connect({
        client: 1,
        auth: { mechanism: 'lls', password: '12345678' },
        maxPduSize: 128,
      });
      expect(await lls.get({ classId: 7, obis: '1.0.99.1.0.255', attribute: 2 })).toEqual({
        type: 'octet-string',
        value: bytes(3000),
      });
      await lls.set(
        { classId: 1, obis: '1.0.1.8.0.255', attribute: 2 },
        { type: 'double-long-unsigned', value: 9 },
      );
      const echo = await lls.action(
        { classId: 7, obis: '1.0.99.1.0.255', method: 1 },
        { type: 'octet-string', value: bytes(500) },
      );
      expect(echo).toEqual({ type: 'octet-string', value: bytes(500) });
      await lls.close();

      const security = { encryptionKey, authenticationKey, systemTitle: clientTitle };
      const hls = await connect({
        client: 2,
        auth: { mechanism: 'hls-gmac' },
        security: { ...security, policy: 'none', invocationCounter: 10 },
      });
      expect(await hls.get({ classId: 1, obis: '1.0.1.8.0.255', attribute: 2 })).toMatchObject({ value: 9 });
      await hls.close();

      const ciphered = await connect({
        client: 3,
        auth: { mechanism: 'lls', password: 'secret!!' },
        security: { ...security, invocationCounter: 'read', invocationCounterObis: '0.0.43.1.1.255' },
      });
      expect(await ciphered.get({ classId: 1, obis: '1.0.1.8.0.255', attribute: 2 })).toMatchObject({
        value: 9,
      });
      await ciphered.close();
      expect(errors).toEqual([]);
      await server.close();
    });
  }
});
