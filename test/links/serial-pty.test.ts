// The serial link on a real (pseudo) terminal: socat joins two ptys, a ModbusServer serves one
// end through serialport, a ModbusClient talks RTU and ASCII on the other. This is the only test
// that opens a port with the real `serialport` package. It needs Debian's `socat` (.ci/run
// installs it); under CI=true a missing socat fails the suite instead of skipping it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  },
);
