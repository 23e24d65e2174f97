import { describe, expect, it } from 'vitest';
import { decodeDateTimeOctets } from '../../../../src/dlms/axdr/calendar.js';
import { cosemDateTimeToDate } from '../../../../src/dlms/axdr/calendar-instant.js';
import type { Data } from '../../../../src/dlms/axdr/types.js';
import { captureObjectData, parseCaptureObjects } from '../../../../src/dlms/cosem/capture-objects.js';
import { Clock } from '../../../../src/dlms/server/objects/clock.js';
import { DataObject } from '../../../../src/dlms/server/objects/data-object.js';
import {
  type ControlState,
  DisconnectControl,
} from '../../../../src/dlms/server/objects/disconnect-control.js';
import { EventCode, EventLog } from '../../../../src/dlms/server/objects/event-log.js';
import { ObjectDirectory } from '../../../../src/dlms/server/objects/object-directory.js';
import { type PushNotification, PushSetup } from '../../../../src/dlms/server/objects/push-setup.js';
import { ScriptTable } from '../../../../src/dlms/server/objects/script-table.js';
import { IecHdlcSetup, TcpUdpSetup } from '../../../../src/dlms/server/objects/setup-objects.js';
import { at, ok, u16, zero } from './context.js';

const now = at('2024-01-15T10:00:00Z');
const u8 = (value: number): Data => ({ type: 'unsigned', value });
const en = (value: number): Data => ({ type: 'enum', value });

describe('Disconnect control (class 70)', () => {
  const read = (d: DisconnectControl) => [d.get(2, undefined, now), d.get(3, undefined, now)];

  it('disconnects and reconnects directly in mode 2', () => {
    const changes: string[] = [];
    const d = new DisconnectControl({
      controlMode: 2,
      onChange: (s, cause) => changes.push(`${s}/${cause}`),
    });
    expect([d.classId, d.attributeCount, d.methodCount, [...d.logicalName]]).toEqual([
      70,
      4,
      2,
      [0, 0, 96, 3, 10, 255],
    ]);
    expect(read(d)).toEqual([{ type: 'boolean', value: true }, en(1)]);
    expect(d.action(1, zero, now)).toEqual({ result: 'success' });
    expect(read(d)).toEqual([{ type: 'boolean', value: false }, en(0)]);
    expect(d.action(2, zero, now)).toEqual({ result: 'success' });
    expect(d.state).toBe('connected');
    expect(d.action(2, zero, now)).toEqual({ result: 'success' }); // already connected: no change
    expect(changes).toEqual(['disconnected/remote', 'connected/remote']);
  });

  it('arms reconnection in mode 1, waiting for the manual button', () => {
    const changes: ControlState[] = [];
    const d = new DisconnectControl({ onChange: (s) => changes.push(s) });
    expect(d.manualReconnect()).toBe(false);
    d.action(1, zero, now);
    expect(d.action(2, zero, now)).toEqual({ result: 'success' });
    expect(read(d)).toEqual([{ type: 'boolean', value: false }, en(2)]);
    expect(d.manualReconnect(new Date())).toBe(true);
    expect(d.state).toBe('connected');
    expect(changes).toEqual(['disconnected', 'ready-for-reconnection', 'connected']);
  });

  it('refuses remote operation in mode 0, bad parameters and bad modes', () => {
    const d = new DisconnectControl({ controlMode: 0 });
    expect(d.action(1, zero, now)).toEqual({ result: 'read-write-denied' });
    expect(d.action(2, zero, now)).toEqual({ result: 'read-write-denied' });
    expect(d.set(4, en(7), now)).toBe('type-unmatched');
    expect(d.set(4, u8(1), now)).toBe('type-unmatched');
    expect(d.set(4, en(1), now)).toBe('success');
    expect(d.action(1, u16(0), now)).toEqual({ result: 'type-unmatched' });
    expect(d.action(1, zero, now)).toEqual({ result: 'success' });
    expect(d.set(2, { type: 'boolean', value: true }, now)).toBe('read-write-denied');
    expect(d.action(3, zero, now)).toEqual({ result: 'object-undefined' });
  });
});

describe('Push setup (class 40)', () => {
  function setup() {
    const directory = new ObjectDirectory();
    const serial = new DataObject({
      logicalName: '0.0.96.1.0.255',
      value: { type: 'visible-string', value: 'S1' },
    });
    const push = new PushSetup({
      directory,
      pushObjects: [
        { classId: 40, logicalName: '0.0.25.9.0.255', attributeIndex: 1, dataIndex: 0 },
        { classId: 1, logicalName: '0.0.96.1.0.255', attributeIndex: 2, dataIndex: 0 },
      ],
    });
    directory.add(serial, push);
    return push;
  }

  it('builds the notification body from push_object_list and hands it to the sender', () => {
    const push = setup();
    expect([push.classId, push.version, push.attributeCount, push.methodCount]).toEqual([40, 0, 7, 1]);
    expect(push.action(1, zero, now)).toEqual({ result: 'temporary-failure' });
    const sent: PushNotification[] = [];
    push.sender = (n) => sent.push(n);
    expect(push.action(1, zero, now)).toEqual({ result: 'success' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.pushSetup).toBe('0.0.25.9.0.255');
    expect(sent[0]!.time).toEqual(now.now);
    expect(sent[0]!.body).toEqual({
      type: 'structure',
      value: [
        { type: 'octet-string', value: Uint8Array.of(0, 0, 25, 9, 0, 255) },
        { type: 'visible-string', value: 'S1' },
      ],
    });
    expect(new TextDecoder().decode(sent[0]!.destination.destination)).toBe('127.0.0.1:4059');
    expect(push.action(1, u16(0), now)).toEqual({ result: 'type-unmatched' });
  });

  it('writes its attributes with their §11.3 types only', () => {
    const push = setup();
    const list = ok(push.get(2, undefined, now));
    expect(parseCaptureObjects(list)).toHaveLength(2);
    const one: Data = {
      type: 'array',
      value: [
        captureObjectData({ classId: 1, logicalName: '0.0.96.1.0.255', attributeIndex: 2, dataIndex: 0 }),
      ],
    };
    expect(push.set(2, one, now)).toBe('success');
    expect(push.pushObjects).toHaveLength(1);
    expect(push.set(2, { type: 'array', value: [zero] }, now)).toBe('type-unmatched');
    const destination: Data = {
      type: 'structure',
      value: [en(1), { type: 'octet-string', value: new TextEncoder().encode('10.0.0.1:4059') }, en(0)],
    };
    expect(push.set(3, destination, now)).toBe('success');
    expect(push.set(3, { type: 'structure', value: [en(1)] }, now)).toBe('type-unmatched');
    const sent: PushNotification[] = [];
    push.sender = (n) => sent.push(n);
    push.action(1, zero, now);
    expect(sent[0]!.destination.transport).toBe(1);
    expect(sent[0]!.body).toEqual({ type: 'structure', value: [{ type: 'visible-string', value: 'S1' }] });
    const window: Data = {
      type: 'array',
      value: [
        {
          type: 'structure',
          value: [ok(new Clock().get(2, undefined, now)), ok(new Clock().get(2, undefined, now))],
        },
      ],
    };
    expect(push.set(4, window, now)).toBe('success');
    expect(push.set(4, { type: 'array', value: [zero] }, now)).toBe('type-unmatched');
    expect(push.set(5, u16(30), now)).toBe('success');
    expect(push.set(6, u8(3), now)).toBe('success');
    expect(push.set(6, u16(3), now)).toBe('type-unmatched');
    expect(push.set(7, u16(60), now)).toBe('success');
    expect([5, 6, 7].map((a) => push.get(a, undefined, now))).toEqual([u16(30), u8(3), u16(60)]);
  });
});

describe('IEC HDLC setup (class 23) and TCP-UDP setup (class 41)', () => {
  it('hold the §11.3 defaults and validate writes', () => {
    const hdlc = new IecHdlcSetup();
    expect([hdlc.classId, hdlc.version, hdlc.attributeCount, hdlc.methodCount]).toEqual([23, 1, 9, 0]);
    expect([2, 3, 4, 5, 6, 7, 8, 9].map((a) => hdlc.get(a, undefined, now))).toEqual([
      en(5),
      u8(1),
      u8(1),
      u16(128),
      u16(128),
      u16(25),
      u16(120),
      u16(0x10),
    ]);
    expect(hdlc.set(3, u8(7), now)).toBe('success');
    expect(hdlc.set(3, u8(8), now)).toBe('type-unmatched');
    expect(hdlc.set(5, u16(31), now)).toBe('type-unmatched');
    expect(hdlc.set(2, en(10), now)).toBe('type-unmatched');
    const tcp = new TcpUdpSetup({ port: 4061 });
    expect([tcp.classId, tcp.version, tcp.attributeCount]).toEqual([41, 0, 6]);
    expect([2, 4, 5, 6].map((a) => tcp.get(a, undefined, now))).toEqual([
      u16(4061),
      u16(576),
      u8(1),
      u16(180),
    ]);
    expect(tcp.get(3, undefined, now)).toEqual({
      type: 'octet-string',
      value: Uint8Array.of(0, 0, 25, 1, 0, 255),
    });
    expect(tcp.set(4, u16(39), now)).toBe('type-unmatched');
    expect(tcp.set(3, { type: 'octet-string', value: Uint8Array.of(1) }, now)).toBe('type-unmatched');
    expect(tcp.set(2, u16(4059), now)).toBe('success');
  });
});

describe('Event log (class 7 at 0.0.99.98.0.255)', () => {
  it('captures the clock time and the event code of each event', () => {
    const directory = new ObjectDirectory();
    const log = new EventLog({ directory, capacity: 2 });
    directory.add(new Clock({ timeZone: -60 }), log.profile);
    log.record(EventCode.powerDown, new Date('2024-01-15T09:00:00Z'));
    log.record(EventCode.powerUp, new Date('2024-01-15T09:05:00Z'));
    log.record(EventCode.remoteDisconnection, new Date('2024-01-15T09:10:00Z'));
    expect(log.eventCode.get(2, undefined, now)).toEqual(u8(62));
    expect(log.eventCode.set(2, u8(1), now)).toBe('read-write-denied');
    const buffer = ok(log.profile.get(2, undefined, now)) as { value: { value: Data[] }[] };
    const rows = buffer.value.map(({ value: [time, code] }) => [
      cosemDateTimeToDate(decodeDateTimeOctets((time as { value: Uint8Array }).value)).toISOString(),
      (code as { value: number }).value,
    ]);
    expect(rows).toEqual([
      ['2024-01-15T09:05:00.000Z', 2],
      ['2024-01-15T09:10:00.000Z', 62],
    ]);
  });
});

describe('Script table (class 9)', () => {
  function setup() {
    const directory = new ObjectDirectory();
    const breaker = new DisconnectControl({ controlMode: 2 });
    const mode = (value: number): Data => ({ type: 'enum', value });
    const scripts = new ScriptTable({
      logicalName: '0.0.10.0.106.255',
      directory,
      scripts: {
        1: [{ service: 2, classId: 70, logicalName: '0.0.96.3.10.255', index: 1, parameter: zero }],
        2: [
          { service: 1, classId: 70, logicalName: '0.0.96.3.10.255', index: 4, parameter: mode(4) },
          { service: 2, classId: 70, logicalName: '0.0.96.3.10.255', index: 2, parameter: zero },
        ],
        3: [{ service: 1, classId: 70, logicalName: '0.0.96.3.10.255', index: 4, parameter: mode(9) }],
        4: [{ service: 2, classId: 70, logicalName: '0.0.96.3.11.255', index: 1, parameter: zero }],
        5: [{ service: 2, classId: 9, logicalName: '0.0.10.0.106.255', index: 1, parameter: u16(5) }],
        6: [{ service: 1, classId: 70, logicalName: '0.0.96.3.10.255', index: 2, parameter: zero }],
      },
    });
    directory.add(breaker, scripts);
    return { breaker, scripts };
  }

  it('executes write and method actions in order', () => {
    const { breaker, scripts } = setup();
    expect([scripts.classId, scripts.attributeCount, scripts.methodCount]).toEqual([9, 2, 1]);
    expect(scripts.action(1, u16(1), now)).toEqual({ result: 'success' });
    expect(breaker.state).toBe('disconnected');
    expect(scripts.action(1, u16(2), now)).toEqual({ result: 'success' });
    expect(breaker.state).toBe('connected');
    expect(breaker.get(4, undefined, now)).toEqual(en(4));
  });

  it('answers the first failure, unknown scripts and targets, recursion and bad parameters', () => {
    const { scripts } = setup();
    expect(scripts.action(1, u16(3), now)).toEqual({ result: 'type-unmatched' });
    expect(scripts.action(1, u16(4), now)).toEqual({ result: 'object-undefined' });
    expect(scripts.action(1, u16(5), now)).toEqual({ result: 'temporary-failure' });
    expect(scripts.action(1, u16(6), now)).toEqual({ result: 'read-write-denied' });
    expect(scripts.action(1, u16(99), now)).toEqual({ result: 'object-unavailable' });
    expect(scripts.action(1, zero, now)).toEqual({ result: 'type-unmatched' });
  });

  it('writes well-formed scripts only', () => {
    const { breaker, scripts } = setup();
    const table = ok(scripts.get(2, undefined, now)) as { value: Data[] };
    expect(table.value).toHaveLength(6);
    expect(scripts.set(2, { type: 'array', value: [table.value[0]!] }, now)).toBe('success');
    expect(scripts.action(1, u16(2), now)).toEqual({ result: 'object-unavailable' });
    expect(scripts.action(1, u16(1), now)).toEqual({ result: 'success' });
    expect(breaker.state).toBe('disconnected');
    expect(scripts.set(2, { type: 'array', value: [zero] }, now)).toBe('type-unmatched');
    const badService: Data = {
      type: 'array',
      value: [
        {
          type: 'structure',
          value: [
            u16(1),
            {
              type: 'array',
              value: [
                {
                  type: 'structure',
                  value: [en(3), u16(70), { type: 'octet-string', value: new Uint8Array(6) }, zero, zero],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(scripts.set(2, badService, now)).toBe('type-unmatched');
  });
});
