import { it } from 'vitest';
import { DlmsClient } from '../../../src/dlms/client/dlms-client.js';
import { createClientSession } from '../../../src/dlms/session/create-session.js';
import { faulty } from '../../../src/links/faulty.js';
import { tcp } from '../../../src/links/tcp.js';
import { Cleanup, meterServer, password, sap } from './helpers.js';
it('probe', { timeout: 60000 }, async () => {
  const c = new Cleanup();
  const m = meterServer();
  const listener = c.add(await m.server.listen({ port: 0, framing: 'hdlc' }));
  for (let seed = 100; seed < 130; seed++) {
    const link = c.add(faulty(tcp({ host: '127.0.0.1', port: listener.port }), { drop: 0.05, duplicate: 0.1, corrupt: 0.05, delayMs: 5, delay: 0.2, seed }));
    const t0 = Date.now();
    const log: string[] = [];
    let client: DlmsClient | undefined;
    try {
      client = await DlmsClient.connect({ link, framing: 'hdlc', timeoutMs: 3000, client: sap.lls, auth: { mechanism: 'lls', password },
        session: (address) => { const s = createClientSession(link, { framing: 'hdlc', client: address.client, server: { logical: 1, physical: 17 }, timeoutMs: 120, retries: 6,
          onFrame: (f, d) => log.push(`${Date.now() - t0} ${d} ${f.control.kind} ${(f.control as any).sendSequence ?? ''}/${(f.control as any).receiveSequence ?? ''} ${f.control.pollFinal ? 'PF':''} ${f.information.length}`) }); const send = s.send.bind(s); (s as any).send = (x: Uint8Array, o: any) => send(x, { signal: o?.signal }); const open = s.open.bind(s); (s as any).open = (o: any) => open({ signal: o?.signal }); return s; } });
      for (let i = 0; i < 6; i++) { try { await client.readRegister('1.0.1.8.0.255'); } catch (e) { console.log(seed, String(e)); if (client.closed) break; } }
      const n = log.length;
      const t1 = Date.now();
      await client.close();
      if (Date.now() - t1 > 500) { console.log(seed, 'close took', Date.now() - t1, link.counters, '\n' + log.slice(n - 6).join('\n')); }
    } catch (e) { console.log(seed, 'connect', String(e)); }
  }
  await c.run();
});
