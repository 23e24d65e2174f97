// Vector conformance: the request vectors replayed byte for byte against servers whose data match
// the peers (pymodbus, libmodbus, the standard's examples) the responses were captured from, and
// every INVALID request vector mapped to the server's reaction.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/index.js';
import {
  decodeRequest,
  decodeResponse,
  encodeResponse,
  ModbusDataModel,
  type ModbusDataModelOptions,
  type ModbusFraming,
  ModbusServer,
  type ModbusServerOptions,
  unpackBits,
} from '../../../src/modbus/index.js';
import { isInvalid, modbusVector, modbusVectors, vectorBytes } from '../../helpers/vectors.js';
import {
  ascii,
  ask,
  concat,
  expectSilence,
  mbap,
  rtu,
  servedWire,
  until,
  useCleanup,
  type Wire,
} from './helpers.js';

const track = useCleanup();
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const pduOf = (id: string): Uint8Array => vectorBytes(modbusVector(id));

/** FC17 bytes of the pymodbus server: identification text, then the run indicator 0xFF last. */
const pymodbusServerId = Uint8Array.of(...text('Company identification-Product code XX-V2.11'), 0xff);
/** FC17 bytes of the libmodbus server: id byte, run indicator, "LMB3.1.6". */
const libmodbusServerId = Uint8Array.of(0xb4, 0xff, ...text('LMB3.1.6'));

/** The objects of the captured FC43/14 responses (pymodbus server, conformity 0x83). */
const extendedIdentification = {
  vendorName: 'Company identification',
  productCode: 'Product code XX',
  majorMinorRevision: 'V2.11',
  vendorUrl: 'http://example.com',
  productName: 'ProdName',
  modelName: 'Model-1',
  userApplicationName: 'App',
  extended: { 128: 'X'.repeat(120), 129: 'Y'.repeat(120) },
};

/**
 * The device behind the vectors: every table holds what the captured responses report. `options`
 * override sizes (e.g. fewer coils for the standard's FC1 exception example).
 */
function referenceModel(options: ModbusDataModelOptions = {}): ModbusDataModel {
  const m = new ModbusDataModel({
    files: { 3: 10_000, 4: 10_000 },
    fifos: { 1246: [0x01b8, 0x1284] },
    deviceIdentification: extendedIdentification,
    serverId: pymodbusServerId,
    ...options,
  });
  const setBits = (table: Uint8Array, address: number, bytes: string, count: number): void => {
    unpackBits(fromHex(bytes), count).forEach((on, i) => {
      if (address + i < table.length) table[address + i] = on ? 1 : 0;
    });
  };
  setBits(m.coils, 0x13, 'CD6B05', 19); // FC1 example: coils 20–38
  setBits(m.discreteInputs, 0xc4, 'ACDB35', 22); // FC2 example: inputs 197–218
  for (let i = 0; i < 2000 && 0x1000 + i < m.coils.length; i++) m.coils[0x1000 + i] = i % 2 === 0 ? 1 : 0;
  m.inputRegisters[8] = 0x000a; // FC4 example
  m.holdingRegisters.set([0x022b, 0x0000, 0x0064], 0x6b); // FC3 example: registers 108–110
  m.holdingRegisters.set([0x00fe, 0x0acd, 0x0001, 0x0003, 0x000d, 0x00ff], 3); // FC23 example: 3–8
  for (let i = 0; i < 125 && 1000 + i < m.holdingRegisters.length; i++)
    m.holdingRegisters[1000 + i] = 0x0100 + i;
  if (m.holdingRegisters.length > 303) m.holdingRegisters.set([0x4d6f, 0x6462, 0x7573, 0x2100], 300); // "Modbus!"
  m.files.get(4)?.set([0x0dfe, 0x0020], 1); // FC20 example
  m.files.get(3)?.set([0x33cd, 0x0040], 9);
  return m;
}

/** One step: a request (vector id or hex) and the expected answer (vector id, hex, or none). */
type Step =
  | {
      req: string;
      /** Expected response vector; `null` = the server must stay silent. */
      rsp?: string | null;
      /** Expected response as hex when no vector holds it (PDU hex for `pdu` scenarios). */
      rspHex?: string;
      /** The answers must arrive in one chunk (one write). */
      oneChunk?: true;
      /** For a silent step: vectors sent (unanswered too) before the probe. */
      thenSilent?: string[];
    }
  | { reqHex: string; rsp?: string | null; rspHex?: string; oneChunk?: true }
  | { check: (server: ModbusServer) => void };

interface Scenario {
  name: string;
  /** `pdu` scenarios run over MBAP with unit 1 and compare PDUs. */
  framing: ModbusFraming | 'pdu';
  server: () => ModbusServer;
  steps: Step[];
}

/** A request the server answers, used to prove silence (answers keep request order). */
const probes: Record<ModbusFraming, { request: Uint8Array; answer: Uint8Array }> = {
  tcp: { request: pduOf('tcp-fc03-req'), answer: pduOf('tcp-fc03-rsp') },
  rtu: { request: pduOf('rtu-fc03-req'), answer: pduOf('rtu-fc03-rsp') },
  ascii: { request: pduOf('ascii-fc03-req'), answer: pduOf('ascii-fc03-rsp') },
};

/** FC16 maximum request's values (for the FC23 maximum read that follows it). */
function fc23MaxAnswer(): string {
  const write = decodeRequest(decodeRtu('rtu-fc10-req-maxqty'));
  const rw = decodeRequest(decodeRtu('rtu-fc17-req-maxqty'));
  if (write.type !== 'write-multiple-registers' || rw.type !== 'read-write-multiple-registers')
    throw new Error();
  const regs = new Uint16Array(0x10000);
  regs.set(write.values, write.address);
  regs.set(rw.values, rw.writeAddress);
  const values = regs.slice(rw.readAddress, rw.readAddress + rw.readQuantity);
  return toHex(rtu(0x11, encodeResponse({ type: 'read-write-multiple-registers', values })));
}

function decodeRtu(id: string): Uint8Array {
  const bytes = pduOf(id);
  return bytes.subarray(1, bytes.length - 2);
}

const scenarios: Scenario[] = [
  {
    name: 'PDU examples of the standard (over MBAP, unit 1)',
    framing: 'pdu',
    // 1185 coils: address 0x04A1 (1185) does not exist (pdu-exc-req-fc01).
    server: () => new ModbusServer({ model: referenceModel({ coils: 0x04a1, exceptionStatus: 0x6d }) }),
    steps: [
      { req: 'pdu-fc01-req', rsp: 'pdu-fc01-rsp' },
      { req: 'pdu-fc02-req', rsp: 'pdu-fc02-rsp' },
      { req: 'pdu-fc03-req', rsp: 'pdu-fc03-rsp' },
      { req: 'pdu-fc04-req', rsp: 'pdu-fc04-rsp' },
      { req: 'pdu-fc05-req-on', rsp: 'pdu-fc05-rsp-on' },
      { check: (s) => expect(s.model.coils[0xac]).toBe(1) },
      { req: 'pdu-fc05-req-off', rspHex: '0500AC0000' },
      { req: 'pdu-fc05-req-illegal-value', rsp: 'pdu-exc-85-03' },
      { check: (s) => expect(s.model.coils[0xac]).toBe(0) },
      { req: 'pdu-fc06-req', rsp: 'pdu-fc06-rsp' },
      { req: 'pdu-fc07-req', rsp: 'pdu-fc07-rsp' },
      { req: 'pdu-fc08-00-req', rsp: 'pdu-fc08-00-rsp' },
      // MBAP traffic is not counted in the serial-line diagnostics (only FC8 commands act on them).
      { req: 'pdu-fc0B-req', rspHex: '0B00000000' },
      { req: 'pdu-fc0C-req', rspHex: '0C06000000000000' },
      { req: 'pdu-fc08-01-req', rspHex: '080001FF00' },
      { req: 'pdu-fc08-03-req', rspHex: '0800030D00' },
      { req: 'pdu-fc08-0A-req', rspHex: '08000A0000' },
      { req: 'pdu-fc08-04-req', rsp: null },
      { req: 'pdu-fc08-13-req-reserved', rspHex: '8801' },
      { req: 'pdu-fc0F-req', rsp: 'pdu-fc0F-rsp' },
      { req: 'pdu-fc10-req', rsp: 'pdu-fc10-rsp' },
      { req: 'pdu-fc11-req', rspHex: `112D${toHex(pymodbusServerId)}` },
      { req: 'pdu-fc14-req', rsp: 'pdu-fc14-rsp' },
      { req: 'pdu-fc15-req', rsp: 'pdu-fc15-rsp' },
      { check: (s) => expect([...s.model.files.get(4)!.subarray(7, 10)]).toEqual([0x06af, 0x04be, 0x100d]) },
      { req: 'pdu-fc17-req', rsp: 'pdu-fc17-rsp' },
      { check: (s) => expect([...s.model.holdingRegisters.subarray(14, 17)]).toEqual([0xff, 0xff, 0xff]) },
      { req: 'pdu-fc16-req', rsp: 'pdu-fc16-rsp' },
      { req: 'pdu-fc18-req', rsp: 'pdu-fc18-rsp' },
      { req: 'pdu-fc2B-req-individual', rsp: 'pdu-fc2B-rsp-individual' },
      { req: 'pdu-exc-req-fc01', rsp: 'pdu-exc-81-02' },
      { req: 'pdu-fc2B-0D-req', rsp: 'pdu-exc-AB-01' },
    ],
  },
  {
    name: 'FC43/14 examples of the standard: a basic, stream-only device (conformity 0x01)',
    framing: 'pdu',
    server: () =>
      new ModbusServer({
        model: {
          deviceIdentification: {
            vendorName: 'Company identification',
            productCode: 'Product code XX',
            majorMinorRevision: 'V2.11',
            individualAccess: false,
          },
        },
      }),
    steps: [
      { req: 'pdu-fc2B-req-basic', rsp: 'pdu-fc2B-rsp-basic' },
      { req: 'pdu-fc2B-req-next', rsp: 'pdu-fc2B-rsp-last' },
      { req: 'pdu-fc2B-req-individual', rsp: 'pdu-exc-AB-03' },
    ],
  },
  {
    name: 'MBAP vectors (pymodbus-like multi-unit server: units 1 and 0xFF, unknown unit 0x0B, unit 0 broadcast)',
    framing: 'tcp',
    server: () =>
      new ModbusServer({
        model: referenceModel({ fifos: { 1246: [] }, exceptionStatus: 0 }),
        unitIds: [1, 0xff],
        unknownUnit: 0x0b,
        unitZero: 'broadcast',
      }),
    steps: [
      { req: 'tcp-fc03-req', rsp: 'tcp-fc03-rsp' },
      { req: 'tcp-fc03-req-unitFF', rsp: 'tcp-fc03-rsp-unitFF' },
      { req: 'tcp-fc01-req', rsp: 'tcp-fc01-rsp' },
      { req: 'tcp-fc02-req', rsp: 'tcp-fc02-rsp' },
      { req: 'tcp-fc04-req', rsp: 'tcp-fc04-rsp' },
      { req: 'tcp-fc05-req', rsp: 'tcp-fc05-rsp' },
      { req: 'tcp-fc06-req', rsp: 'tcp-fc06-rsp' },
      { req: 'tcp-fc0F-req', rsp: 'tcp-fc0F-rsp' },
      { req: 'tcp-fc10-req', rsp: 'tcp-fc10-rsp' },
      { req: 'tcp-fc07-req', rsp: 'tcp-fc07-rsp' },
      { req: 'tcp-fc08-req', rsp: 'tcp-fc08-rsp' },
      { req: 'tcp-fc0B-req', rsp: 'tcp-fc0B-rsp' },
      { reqHex: '001300000002010C', rsp: 'tcp-fc0C-rsp' },
      { req: 'tcp-fc11-req', rsp: 'tcp-fc11-rsp' },
      // libmodbus does not implement FC20 (tcp-fc14-rsp-exc); this server answers the example.
      { req: 'tcp-fc14-req', rspHex: toHex(mbap(0x15, 1, pduOf('pdu-fc14-rsp'))) },
      { req: 'tcp-fc15-req', rsp: 'tcp-fc15-rsp' },
      { req: 'tcp-fc17-req', rsp: 'tcp-fc17-rsp' },
      { req: 'tcp-fc16-req', rsp: 'tcp-fc16-rsp' },
      { req: 'tcp-fc18-req', rsp: 'tcp-fc18-rsp' },
      { req: 'tcp-fc2B-req-basic', rsp: 'tcp-fc2B-rsp-basic' },
      { req: 'tcp-fc2B-req-ext', rsp: 'tcp-fc2B-rsp-ext-more' },
      { req: 'tcp-fc2B-req-ext-next', rsp: 'tcp-fc2B-rsp-ext-last' },
      { req: 'tcp-fc2B-req-individual', rsp: 'tcp-fc2B-rsp-individual' },
      { req: 'tcp-fc2B-req-badcode', rsp: 'tcp-fc2B-rsp-badcode' },
      { req: 'tcp-exc-req-illegal-fn', rsp: 'tcp-exc-rsp-illegal-fn' },
      { req: 'tcp-exc-req-qty126', rsp: 'tcp-exc-rsp-qty126' },
      { req: 'tcp-exc-req-qty2001', rsp: 'tcp-exc-rsp-qty2001' },
      { req: 'tcp-exc-req-addr', rsp: 'tcp-exc-rsp-addr' },
      { req: 'tcp-exc-req-fc05-value', rsp: 'tcp-exc-rsp-fc05-value' },
      { req: 'tcp-exc-req-unit5', rsp: 'tcp-exc-rsp-gateway' },
      { req: 'tcp-fc03-req-maxqty', rsp: 'tcp-fc03-rsp-maxqty' },
      { req: 'tcp-fc01-req-maxqty', rsp: 'tcp-fc01-rsp-maxqty' },
      { req: 'tcp-fc10-req-maxqty', rsp: 'tcp-fc10-rsp-maxqty' },
      { req: 'tcp-fc10-req-qty124', rsp: 'tcp-fc10-rsp-qty124' },
      { req: 'tcp-pipelined-2req', rsp: 'tcp-pipelined-2rsp', oneChunk: true },
      { req: 'tcp-bcast-fc06', rsp: null },
      { check: (s) => expect(s.model.holdingRegisters[11]).toBe(0x1234) },
    ],
  },
  {
    name: 'MBAP pipelining (libmodbus data: register 4 = 0x0012, then the FC22 example)',
    framing: 'tcp',
    server: () => {
      const server = new ModbusServer();
      server.model.holdingRegisters.set([0x00fe, 0x0012, 0x0001, 0x0003, 0x000d, 0x00ff], 3);
      server.model.inputRegisters[8] = 0x000a;
      return server;
    },
    steps: [
      { req: 'tcp-fc16-req', rsp: 'tcp-fc16-rsp' },
      { check: (s) => expect(s.model.holdingRegisters[4]).toBe(0x0017) },
      { req: 'tcp-pipelined-4req', rsp: 'tcp-pipelined-4rsp', oneChunk: true },
    ],
  },
  {
    name: 'RTU vectors (units 1, 17, 247 on one model)',
    framing: 'rtu',
    server: () => new ModbusServer({ model: referenceModel(), unitIds: [1, 17, 247] }),
    steps: [
      { req: 'rtu-fc03-req-u1', rsp: 'rtu-fc03-rsp-u1' },
      { req: 'rtu-fc03-req', rsp: 'rtu-fc03-rsp' },
      { req: 'rtu-fc01-req', rsp: 'rtu-fc01-rsp' },
      { req: 'rtu-fc02-req', rsp: 'rtu-fc02-rsp' },
      { req: 'rtu-fc04-req', rsp: 'rtu-fc04-rsp' },
      { req: 'rtu-fc05-req', rsp: 'rtu-fc05-rsp' },
      { req: 'rtu-fc06-req', rsp: 'rtu-fc06-rsp' },
      { req: 'rtu-fc07-req', rsp: 'rtu-fc07-rsp' },
      { req: 'rtu-fc08-00-req', rsp: 'rtu-fc08-00-rsp' },
      // Counters read right after a reset are 0 (the reset does not count itself).
      { req: 'rtu-fc08-01-req', rsp: 'rtu-fc08-01-rsp' },
      { req: 'rtu-fc08-0B-req', rsp: 'rtu-fc08-0B-rsp' },
      { req: 'rtu-fc08-02-req', rsp: 'rtu-fc08-02-rsp' },
      { req: 'rtu-fc08-0A-req', rsp: 'rtu-fc08-0A-rsp' },
      { req: 'rtu-fc08-0C-req', rsp: 'rtu-fc08-0C-rsp' },
      { req: 'rtu-fc08-0A-req', rsp: 'rtu-fc08-0A-rsp' },
      { req: 'rtu-fc08-0D-req', rsp: 'rtu-fc08-0D-rsp' },
      { req: 'rtu-fc08-0A-req', rsp: 'rtu-fc08-0A-rsp' },
      { req: 'rtu-fc08-0E-req', rsp: 'rtu-fc08-0E-rsp' },
      { req: 'rtu-fc08-0A-req', rsp: 'rtu-fc08-0A-rsp' },
      { req: 'rtu-fc08-0F-req', rsp: 'rtu-fc08-0F-rsp' },
      { req: 'rtu-fc08-10-req', rsp: 'rtu-fc08-10-rsp' },
      { req: 'rtu-fc08-11-req', rsp: 'rtu-fc08-11-rsp' },
      { req: 'rtu-fc08-12-req', rsp: 'rtu-fc08-12-rsp' },
      { req: 'rtu-fc08-14-req', rsp: 'rtu-fc08-14-rsp' },
      { req: 'rtu-fc08-03-req', rsp: 'rtu-fc08-03-rsp' },
      { req: 'rtu-fc08-0A-req', rsp: 'rtu-fc08-0A-rsp' },
      { req: 'rtu-fc0B-req', rsp: 'rtu-fc0B-rsp' },
      { req: 'rtu-fc01-req-maxqty', rspHex: toHex(rtu(0x11, pduOf('tcp-fc01-rsp-maxqty').subarray(7))) },
      { req: 'rtu-fc0F-req', rsp: 'rtu-fc0F-rsp' },
      { req: 'rtu-fc10-req', rsp: 'rtu-fc10-rsp' },
      { req: 'rtu-fc11-req', rsp: 'rtu-fc11-rsp-pymodbus' },
      { req: 'rtu-fc14-req', rsp: 'rtu-fc14-rsp' },
      { req: 'rtu-fc15-req', rsp: 'rtu-fc15-rsp' },
      { req: 'rtu-fc17-req', rsp: 'rtu-fc17-rsp' },
      { req: 'rtu-fc16-req', rsp: 'rtu-fc16-rsp' },
      { req: 'rtu-fc18-req', rsp: 'rtu-fc18-rsp' },
      { req: 'rtu-fc2B-req-basic', rsp: 'rtu-fc2B-rsp-basic' },
      { req: 'rtu-fc2B-req-ext', rsp: 'rtu-fc2B-rsp-ext-more' },
      { req: 'rtu-fc2B-req-ext-next', rsp: 'rtu-fc2B-rsp-ext-last' },
      { req: 'rtu-fc03-req-maxqty', rsp: 'rtu-fc03-rsp-maxqty' },
      { req: 'rtu-fc0F-req-maxqty', rspHex: toHex(rtu(0x11, '0F0BB807B0')) },
      { req: 'rtu-fc10-req-maxqty', rspHex: toHex(rtu(0x11, '1007D0007B')) },
      { req: 'rtu-fc17-req-maxqty', rspHex: fc23MaxAnswer() },
      { req: 'rtu-fc03-req-string', rsp: 'rtu-fc03-rsp-string' },
      // Listen-only: nothing is answered until FC8/01, which is not answered either (spec §4.6).
      { req: 'rtu-fc08-04-req', rsp: null, thenSilent: ['rtu-fc03-req', 'rtu-fc08-01-req'] },
      { req: 'rtu-bad-crc', rsp: null },
      { req: 'rtu-bcast-fc06', rsp: null },
      { check: (s) => expect(s.model.holdingRegisters[11]).toBe(0x1234) },
      { req: 'rtu-bcast-fc10', rsp: null },
      { check: (s) => expect([...s.model.holdingRegisters.subarray(20, 22)]).toEqual([1, 2]) },
    ],
  },
  {
    name: 'RTU vectors of other peers (libmodbus FC17 layout, empty FIFO, 5000 registers)',
    framing: 'rtu',
    server: () =>
      new ModbusServer({
        model: referenceModel({ serverId: libmodbusServerId, fifos: { 1246: [] }, holdingRegisters: 5000 }),
        unitIds: [17],
      }),
    steps: [
      { req: 'rtu-fc11-req', rsp: 'rtu-fc11-rsp-libmodbus' },
      { req: 'rtu-fc18-req', rsp: 'rtu-fc18-rsp-empty' },
      // Registers 4998..5007 of a server with 5000 registers.
      { reqHex: toHex(rtu(17, '031386000A')), rsp: 'rtu-exc-83-02' },
    ],
  },
  {
    name: 'ASCII vectors (unit 247)',
    framing: 'ascii',
    server: () => new ModbusServer({ model: referenceModel({ holdingRegisters: 5000 }), unitIds: [247] }),
    steps: [
      { reqHex: toHex(ascii(0xf7, '0B')), rsp: 'ascii-fc0B-rsp' },
      { req: 'ascii-fc03-req', rsp: 'ascii-fc03-rsp' },
      // Registers 5001–5010 of a server with 5000 registers.
      { req: 'ascii-fc03-req-classic', rsp: 'ascii-exc-83-02' },
      { req: 'ascii-fc01-req', rsp: 'ascii-fc01-rsp' },
      { req: 'ascii-fc07-req', rsp: 'ascii-fc07-rsp' },
      { req: 'ascii-fc08-00', rsp: 'ascii-fc08-00' },
      { req: 'ascii-fc17-req', rsp: 'ascii-fc17-rsp' },
      { req: 'ascii-fc2B-req', rspHex: toHex(ascii(0xf7, decodeRtu('rtu-fc2B-rsp-basic'))) },
      { req: 'ascii-bcast-fc06', rsp: null },
      { check: (s) => expect(s.model.holdingRegisters[11]).toBe(0x1234) },
    ],
  },
];

/** Request vectors not replayed here, and why. */
const notReplayed: Record<string, string> = {
  'rtu-over-tcp-fc03-req': 'replayed over a real TCP connection in listen.test.ts',
  'rtu-over-tcp-fc03-req-10': 'replayed over a real TCP connection in listen.test.ts',
  'rtu-fc0C-req':
    'FC12 reports its own receive event (stored before processing, spec §4.8); the pymodbus capture has no log',
};

/** Response vectors that no configuration of this server reproduces, and why. */
const notReproducible: Record<string, string> = {
  'pdu-fc0B-rsp': 'status 0xFFFF (a program command executing) does not exist in this server',
  'pdu-fc0C-rsp':
    "the standard's example logs 0x20 for 'entered listen-only', which spec §4.8 defines as 0x04",
  'pdu-fc08-0B-rsp': 'a count of 291 bus messages: an example value',
  'pdu-fc2B-rsp-more-follows':
    "the standard's device splits after 2 objects that would fit one PDU; this server splits only by rule 5",
  'tcp-fc0B-rsp-exc': 'libmodbus does not implement FC11; this server does',
  'tcp-fc14-rsp-exc': 'libmodbus does not implement FC20; this server does',
  'rtu-fc0C-rsp': 'see rtu-fc0C-req',
};

async function runStep(
  wire: Wire,
  scenario: Scenario,
  step: Exclude<Step, { check: unknown }>,
): Promise<void> {
  const label = 'req' in step ? step.req : step.reqHex;
  const request = 'req' in step ? pduOf(step.req) : fromHex(step.reqHex);
  const framing: ModbusFraming = scenario.framing === 'pdu' ? 'tcp' : scenario.framing;
  if (step.rsp === null) {
    const probe = probes[framing];
    await wire.send(scenario.framing === 'pdu' ? mbap(9, 1, request) : request);
    if ('req' in step) for (const id of step.thenSilent ?? []) await wire.send(pduOf(id));
    await wire.send(probe.request);
    expect(toHex(await wire.receive(probe.answer.length)), `${label}: silent`).toBe(toHex(probe.answer));
    return;
  }
  const expected = step.rspHex ?? toHex(pduOf(step.rsp!));
  if (scenario.framing === 'pdu') {
    expect(await ask(wire, 1, request), label).toBe(expected);
    return;
  }
  await wire.send(request);
  const size = expected.length / 2;
  await until(() => wire.length >= size, 1000, `${size} bytes answering ${label}`);
  const chunks = wire.chunks.length;
  expect(toHex(wire.take()), label).toBe(expected);
  if (step.oneChunk) expect(chunks, `${label}: answers in one write`).toBe(1);
}

describe('request/response vectors replayed byte for byte', () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const server = scenario.server();
      const wire = servedWire(server, scenario.framing === 'pdu' ? 'tcp' : scenario.framing, track);
      for (const step of scenario.steps) {
        if ('check' in step) step.check(server);
        else await runStep(wire, scenario, step);
      }
      expect(wire.length, 'nothing left over').toBe(0);
    });
  }

  it('covers every request vector (or says why not)', () => {
    const replayed = new Set<string>();
    for (const s of scenarios) for (const step of s.steps) if ('req' in step) replayed.add(step.req);
    const missing = modbusVectors
      .filter((v) => v.direction === 'request' && !replayed.has(v.id) && !(v.id in notReplayed))
      .map((v) => v.id);
    expect(missing).toEqual([]);
    for (const id of [...Object.keys(notReplayed), ...Object.keys(notReproducible)]) modbusVector(id);
  });
});

/** How the server reacts to each INVALID request vector: exception PDU(s) in hex, or silence. */
const invalidReactions: Record<string, { exceptions: string[] } | 'silence'> = {
  'pdu-fc05-req-illegal-value': { exceptions: ['8503'] },
  'pdu-fc08-13-req-reserved': { exceptions: ['8801'] },
  'rtu-bad-crc': 'silence',
  'tcp-fc2B-req-badcode': { exceptions: ['AB03'] },
  'tcp-exc-req-illegal-fn': { exceptions: ['C101'] },
  'tcp-exc-req-qty126': { exceptions: ['8303'] },
  'tcp-exc-req-qty2001': { exceptions: ['8103'] },
  'tcp-exc-req-fc05-value': { exceptions: ['8503'] },
  'tcp-pipelined-4req': { exceptions: ['8503', '8302'] },
  'tcp-fc10-req-qty124': { exceptions: ['9003'] },
};

describe('INVALID request vectors', () => {
  const invalid = modbusVectors.filter((v) => isInvalid(v) && v.direction === 'request');

  it('are all classified', () => {
    expect(invalid.map((v) => v.id).sort()).toEqual(Object.keys(invalidReactions).sort());
  });

  for (const v of invalid) {
    const reaction = invalidReactions[v.id];
    it(`${v.id} → ${reaction === 'silence' ? 'silence' : reaction?.exceptions.join(', ')}`, async () => {
      expect(reaction).toBeDefined();
      const framing: ModbusFraming = v.framing === 'pdu' ? 'tcp' : (v.framing as ModbusFraming);
      const options: ModbusServerOptions = { model: referenceModel() };
      const wire = servedWire(new ModbusServer(options), framing, track);
      const bytes = v.framing === 'pdu' ? mbap(1, 1, vectorBytes(v)) : vectorBytes(v);
      if (reaction === 'silence') {
        await expectSilence(wire, bytes, rtu(1, '03006B0003'), fromHex('010306022B00000064057A'));
        return;
      }
      await wire.send(bytes);
      const wanted = reaction!.exceptions.length;
      await until(() => exceptionsIn(concat(wire.chunks)).length >= wanted, 1000, `exceptions for ${v.id}`);
      expect(exceptionsIn(wire.take())).toEqual(reaction!.exceptions);
    });
  }
});

/** The exception PDUs among the MBAP ADUs in `bytes`. */
function exceptionsIn(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 0; at + 6 <= bytes.length; ) {
    const size = 6 + ((bytes[at + 4]! << 8) | bytes[at + 5]!);
    if (at + size > bytes.length) break;
    const pdu = bytes.subarray(at + 7, at + size);
    if (decodeResponse(pdu).type === 'exception') out.push(toHex(pdu));
    at += size;
  }
  return out;
}
