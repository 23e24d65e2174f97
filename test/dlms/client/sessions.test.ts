// The client over the package's real sessions (default session factory): HDLC and wrapper over a
// memoryPair, the meter side played by a server session answering scripted APDUs.
import { afterEach, describe, expect, it } from 'vitest';
import type { Link } from '../../../src/core/link.js';
import { DlmsClient } from '../../../src/dlms/client/index.js';
import { type Apdu, decodeApdu, encodeApdu } from '../../../src/dlms/index.js';
import { createServerSession } from '../../../src/dlms/session/create-session.js';
import { memoryPair } from '../../../src/links/memory-pair.js';
import { aareAccepted } from './fake-session.js';
import { dlmsVector } from './vectors.js';

const links: Link[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

function serve(link: Link, framing: 'hdlc' | 'wrapper', maxPdu: number): void {
  const session = createServerSession(link, { framing } as never);
  const big = { type: 'octet-string', value: Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff) } as const;
  session.on('apdu', ({ apdu: raw }) => {
    const apdu = decodeApdu(raw);
    let answer: Apdu | undefined;
    if (apdu.type === 'aarq') answer = aareAccepted({ maxPdu });
    else if (apdu.type === 'rlrq') answer = decodeApdu(Buffer.from(dlmsVector('apdu-rlre').hex, 'hex'));
    else if (apdu.type === 'get-request' && apdu.variant === 'normal') {
      answer = {
        type: 'get-response',
        variant: 'normal',
        invoke: apdu.invoke,
        result: { type: 'data', data: big },
      };
    }
    if (answer) void session.send(encodeApdu(answer)).catch(() => undefined);
  });
}

describe.each(['hdlc', 'wrapper'] as const)('over a real %s session', (framing) => {
  it('associates, reads a 3000-octet value (HDLC segmentation), releases and disconnects', async () => {
    const [a, b] = memoryPair();
    links.push(a, b);
    serve(b, framing, 0xffff);
    const client = await DlmsClient.connect({
      link: a,
      framing,
      server: framing === 'hdlc' ? { logical: 1, physical: 17 } : { logical: 1 },
      timeoutMs: 2000,
    });
    const value = await client.get({ classId: 1, obis: '0.0.96.1.0.255', attribute: 2 });
    expect(value.type === 'octet-string' && value.value.length).toBe(3000);
    await client.close();
    expect(client.session.state).toBe('closed');
    expect(a.isOpen).toBe(true); // the client did not open it, so it does not close it
  });
});
