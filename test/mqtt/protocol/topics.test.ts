// The topic table, the status and meta messages of the tunnel (docs/mqtt-tunnel.md).
import { describe, expect, it } from 'vitest';
import { DecodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import {
  decodeMeta,
  decodeStatus,
  encodeMeta,
  encodeStatus,
  type GatewayMeta,
  tunnelTopics,
} from '../../../src/mqtt/protocol/index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('tunnelTopics', () => {
  const t = tunnelTopics();

  it('builds the topic table', () => {
    expect(t.root).toBe('meterlink');
    expect(t.status('gw1')).toBe('meterlink/gw/gw1/status');
    expect(t.meta('gw1')).toBe('meterlink/gw/gw1/meta');
    expect(t.req('gw1', 'p1')).toBe('meterlink/gw/gw1/port/p1/req');
    expect(t.reqFilter('gw1')).toBe('meterlink/gw/gw1/port/+/req');
    expect(t.push('gw1', 'p1')).toBe('meterlink/gw/gw1/port/p1/push');
    expect(t.pushFilter()).toBe('meterlink/gw/+/port/+/push');
    expect(t.pushFilter('gw1', '+', 'workers')).toBe('$share/workers/meterlink/gw/gw1/port/+/push');
    expect(t.res('he1')).toBe('meterlink/he/he1/res');
    expect(t.headEndStatus('he1')).toBe('meterlink/he/he1/status');
    expect(t.headEndStatusFilter()).toBe('meterlink/he/+/status');
    expect(tunnelTopics('site/a').req('g', 'p')).toBe('site/a/gw/g/port/p/req');
  });

  it('parses the topic table', () => {
    expect(t.parse('meterlink/gw/gw1/status')).toEqual({ kind: 'status', gatewayId: 'gw1' });
    expect(t.parse('meterlink/gw/gw1/meta')).toEqual({ kind: 'meta', gatewayId: 'gw1' });
    expect(t.parse('meterlink/gw/gw1/port/p1/req')).toEqual({ kind: 'req', gatewayId: 'gw1', portId: 'p1' });
    expect(t.parse('meterlink/gw/gw1/port/p1/push')).toEqual({
      kind: 'push',
      gatewayId: 'gw1',
      portId: 'p1',
    });
    expect(t.parse('meterlink/he/he1/res')).toEqual({ kind: 'res', headEndId: 'he1' });
    expect(t.parse('meterlink/he/he1/status')).toEqual({ kind: 'he-status', headEndId: 'he1' });
    expect(tunnelTopics('site/a').parse('site/a/gw/g/port/p/push')).toEqual({
      kind: 'push',
      gatewayId: 'g',
      portId: 'p',
    });
    for (const bad of [
      'other/gw/gw1/status',
      'meterlink/gw/gw1',
      'meterlink/gw/gw1/port/p1',
      'meterlink/gw/gw1/port/p1/res',
      'meterlink/gw//status',
      'meterlink/he/he1/req',
      'meterlink/he/he1/res/x',
      'meterlink/xx/he1/res',
      'meterlinkx/gw/gw1/status',
    ]) {
      expect(t.parse(bad), bad).toBeUndefined();
    }
  });

  it('refuses ids that are not topic levels', () => {
    for (const bad of ['', 'a/b', '+', '#', '$x', 'a\0b', 'x'.repeat(256)]) {
      expect(() => t.req('gw', bad), JSON.stringify(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => tunnelTopics('a/+')).toThrow(InvalidArgumentError);
    expect(() => tunnelTopics('')).toThrow(InvalidArgumentError);
    expect(() => t.pushFilter('+', '+', 'a/b')).toThrow(InvalidArgumentError);
  });
});

describe('status', () => {
  it('round trips and ignores unknown fields', () => {
    const s = { state: 'online' as const, protocol: 1, time: '2024-01-01T00:00:00.000Z' };
    expect(decodeStatus(encodeStatus(s))).toEqual(s);
    const offline = { state: 'offline' as const, protocol: 1, time: 'x', reason: 'connection lost' };
    expect(decodeStatus(encodeStatus(offline))).toEqual(offline);
    expect(decodeStatus(utf8('{"state":"online","protocol":2,"time":"t","extra":[1]}'))).toEqual({
      state: 'online',
      protocol: 2,
      time: 't',
    });
  });

  it('rejects anything else with a DecodeError', () => {
    for (const bad of [
      '',
      'online',
      '[]',
      'null',
      '{"state":"up","protocol":1,"time":"t"}',
      '{"state":"online","protocol":"1","time":"t"}',
      '{"state":"online","protocol":1}',
      '{"state":"online","protocol":1,"time":"t","reason":3}',
    ]) {
      expect(() => decodeStatus(utf8(bad)), bad).toThrow(DecodeError);
    }
    expect(() => decodeStatus(new Uint8Array([0xff]))).toThrow(DecodeError);
  });
});

describe('meta', () => {
  const meta: GatewayMeta = {
    protocol: 1,
    ports: [
      { id: 'p1', kind: 'serial', protocol: 'hdlc', bus: true, busy: false },
      { id: 'plc', kind: 'tcp', protocol: 'raw', bus: false, busy: true },
    ],
  };

  it('round trips and drops fields it does not know', () => {
    expect(decodeMeta(encodeMeta(meta))).toEqual(meta);
    const withSecret = {
      protocol: 1,
      ports: [{ ...meta.ports[0]!, password: 'x' }],
    } as unknown as GatewayMeta;
    expect(new TextDecoder().decode(encodeMeta(withSecret))).not.toContain('password');
  });

  it('rejects anything else with a DecodeError', () => {
    for (const bad of [
      '{}',
      '{"protocol":1}',
      '{"protocol":1,"ports":{}}',
      '{"protocol":1,"ports":[null]}',
      '{"protocol":1,"ports":[{"id":"p"}]}',
    ]) {
      expect(() => decodeMeta(utf8(bad)), bad).toThrow(DecodeError);
    }
  });
});
