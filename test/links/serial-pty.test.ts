// The serial link on a real (pseudo) terminal: socat joins two ptys, a ModbusServer serves one
// end through serialport, a ModbusClient talks RTU and ASCII on the other. This is the only test
// that opens a port with the real `serialport` package. It needs Debian's `socat` (.ci/run
// installs it); under CI=true a missing socat fails the suite instead of skipping it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modeESignOn } from '../../src/dlms/session/mode-e.js';
import { serial } from '../../src/index.js';
import { ModbusClient, ModbusServer } from '../../src/modbus/index.js';

const socatFound = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
const inCi = process.env.CI === 'true';

describe.skipIf(!socatFound && !inCi)(
  `serial link over a pty pair${socatFound ? '' : ' (skipped: socat missing)'}`,
  () => {
    let dir: string;
    let socat: ChildProcess | undefined;
    let serverEnd: string;
    let clientEnd: string;

    beforeAll(async () => {
      if (!socatFound)
        throw new Error("socat is missing: install Debian's 'socat' package (CI installs it in .ci/run)");
      dir = mkdtempSync(join(tmpdir(), 'meterlink-pty-'));
      serverEnd = join(dir, 'server');
      clientEnd = join(dir, 'client');
      socat = spawn('socat', [`pty,raw,echo=0,link=${serverEnd}`, `pty,raw,echo=0,link=${clientEnd}`], {
        stdio: 'ignore',
      });
      const deadline = Date.now() + 5000;
      while (!(existsSync(serverEnd) && existsSync(clientEnd))) {
        if (Date.now() > deadline) throw new Error('socat did not create the pty pair within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    afterAll(() => {
      socat?.kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const framing of ['rtu', 'ascii'] as const) {
      it(`carries Modbus ${framing} both ways`, async () => {
        const server = new ModbusServer({
          model: { holdingRegisters: [10, 20, 30], coils: 8 },
          unitIds: [5],
        });
        const serverLink = serial({ path: serverEnd, baudRate: 19200 });
        await serverLink.open({ timeoutMs: 2000 });
        const stop = server.serve(serverLink, { framing });
        const client = await ModbusClient.connect({
          link: serial({ path: clientEnd, baudRate: 19200 }),
          framing,
          unitId: 5,
          timeoutMs: 1000,
        });
        try {
          expect(client.link.info).toMatchObject({ transport: 'serial', bus: true, baudRate: 19200 });
          expect([...(await client.readHoldingRegisters(0, 3))]).toEqual([10, 20, 30]);
          await client.writeMultipleCoils(0, [true, false, true]);
          expect(await client.readCoils(0, 3)).toEqual([true, false, true]);
          // Concurrent callers share the line one transaction at a time.
          const reads = await Promise.all([0, 1, 2].map((a) => client.readHoldingRegisters(a, 1)));
          expect(reads.map((r) => r[0])).toEqual([10, 20, 30]);
          // A broadcast is executed and not answered.
          await client.writeSingleRegister(2, 99, { unitId: 0 });
          expect([...(await client.readHoldingRegisters(2, 1))]).toEqual([99]);
        } finally {
          stop();
          await client.close();
          await serverLink.close();
        }
      });
    }

    it('runs the IEC 62056-21 mode E sign-on, reconfiguring the open port (spec §3)', async () => {
      // The meter end answers the sign-on request at 300 7E1, then switches to 9600 8N1 itself.
      const meterLink = serial({ path: serverEnd, baudRate: 300, dataBits: 7, parity: 'even' });
      const clientLink = serial({ path: clientEnd, baudRate: 19200 });
      await meterLink.open({ timeoutMs: 2000 });
      await clientLink.open({ timeoutMs: 2000 });
      const heard: number[] = [];
      meterLink.on('data', (bytes) => {
        heard.push(...bytes);
        if (new TextDecoder().decode(Uint8Array.from(heard)).endsWith('/?!\r\n')) {
          void meterLink.write(new TextEncoder().encode('/ISK5\\2M550T-1012\r\n'));
        }
      });
      try {
        const result = await modeESignOn(clientLink, { switchDelayMs: 10, timeoutMs: 3000 });
        expect(result).toEqual({
          manufacturer: 'ISK',
          identification: '\\2M550T-1012',
          baudRate: 9600,
          modeE: true,
        });
        expect(clientLink.info.baudRate).toBe(9600);
        expect(clientLink.state).toBe('open');
        // The acknowledgement chose HDLC (protocol '2'), 9600 ('5') and binary mode E ('2').
        expect(heard.slice(-6)).toEqual([0x06, 0x32, 0x35, 0x32, 0x0d, 0x0a]);
        // After both ends switched to 8N1, bytes still flow through the reopened port.
        await meterLink.reconfigure({ baudRate: 9600, dataBits: 8, parity: 'none' });
        const after: number[] = [];
        const received = new Promise<void>((resolve) =>
          meterLink.on('data', (bytes) => {
            after.push(...bytes);
            if (after.length >= 3) resolve();
          }),
        );
        await clientLink.write(Uint8Array.of(0x7e, 0xa0, 0x07));
        await received;
        expect(after).toEqual([0x7e, 0xa0, 0x07]);
      } finally {
        await clientLink.close();
        await meterLink.close();
      }
    });
  },
);
