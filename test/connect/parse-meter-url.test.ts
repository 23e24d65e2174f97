import { describe, expect, it } from 'vitest';
import { InvalidUrlError, MeterlinkError, parseMeterUrl } from '../../src/index.js';

/** The InvalidUrlError `parseMeterUrl(text)` throws. */
function failure(text: string): InvalidUrlError {
  try {
    parseMeterUrl(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidUrlError);
    expect(error).toBeInstanceOf(MeterlinkError);
    expect((error as InvalidUrlError).code).toBe('ERR_INVALID_URL');
    return error as InvalidUrlError;
  }
  throw new Error(`parseMeterUrl('${text}') did not throw`);
}

describe('parseMeterUrl: TCP and UDP forms', () => {
  it.each([
    ['modbus+tcp', 'tcp', 'tcp'],
    ['modbus+udp', 'tcp', 'udp'],
    ['modbus+rtutcp', 'rtu', 'tcp'],
    ['modbus+rtuudp', 'rtu', 'udp'],
  ] as const)('%s → %s framing over %s', (scheme, framing, transport) => {
    expect(parseMeterUrl(`${scheme}://10.0.0.7:4001`)).toEqual({
      protocol: 'modbus',
      display: `${scheme}://10.0.0.7:4001`,
      framing,
      transport,
      host: '10.0.0.7',
      port: 4001,
    });
  });

  it('defaults to port 502 and sets nothing it was not given', () => {
    const url = parseMeterUrl('modbus+tcp://meter.local');
    expect(url.port).toBe(502);
    expect(url.host).toBe('meter.local');
    for (const key of ['unitId', 'timeoutMs', 'retries', 'maxInFlight', 'serial', 'mqtt'] as const) {
      expect(url).not.toHaveProperty(key);
    }
  });

  it('accepts a trailing slash and is case-insensitive in the scheme', () => {
    expect(parseMeterUrl('modbus+tcp://h:502/').port).toBe(502);
    expect(parseMeterUrl('MODBUS+TCP://h').framing).toBe('tcp');
  });

  it('takes every parameter with its bounds', () => {
    const url = parseMeterUrl('modbus+tcp://h?unit=0&timeout=1&retries=100&inflight=65535');
    expect(url).toMatchObject({ unitId: 0, timeoutMs: 1, retries: 100, maxInFlight: 65535 });
    expect(parseMeterUrl('modbus+udp://h?unit=255&timeout=3600000&retries=0&inflight=1')).toMatchObject({
      unitId: 255,
      timeoutMs: 3_600_000,
      retries: 0,
      maxInFlight: 1,
    });
  });

  it.each([
    ['unit=256', 'unit=256 is not an integer 0–255'],
    ['unit=-1', 'unit=-1 is not an integer 0–255'],
    ['unit=1.5', 'unit=1.5'],
    ['unit=', 'unit= is not'],
    ['unit=0x10', 'unit=0x10'],
    ['timeout=0', 'timeout=0 is not an integer 1–3600000'],
    ['timeout=3600001', 'timeout=3600001'],
    ['retries=101', 'retries=101 is not an integer 0–100'],
    ['inflight=0', 'inflight=0 is not an integer 1–65535'],
    ['inflight=65536', 'inflight=65536'],
  ])('rejects %s', (query, message) => {
    expect(failure(`modbus+tcp://h?${query}`).message).toContain(message);
  });

  it('rejects unknown parameters, naming the allowed ones', () => {
    const error = failure('modbus+tcp://h?unit=1&baud=9600');
    expect(error.message).toContain("unknown parameter 'baud' for modbus+tcp");
    expect(error.message).toContain('allowed: unit, timeout, retries, inflight');
    expect(failure('modbus+tcp://h?Unit=1').message).toContain("unknown parameter 'Unit'");
  });

  it('rejects a parameter given twice', () => {
    expect(failure('modbus+tcp://h?unit=1&unit=2').message).toContain(
      "parameter 'unit' is given more than once",
    );
  });

  it('parses IPv6 hosts without their brackets', () => {
    expect(parseMeterUrl('modbus+tcp://[::1]:1502?unit=3')).toMatchObject({
      host: '::1',
      port: 1502,
      unitId: 3,
    });
    expect(parseMeterUrl('modbus+udp://[fe80::1]').host).toBe('fe80::1');
  });

  it('rejects a missing host, a path, port 0, a fragment and credentials', () => {
    expect(failure('modbus+tcp:///x').message).toContain('missing host');
    expect(failure('modbus+tcp://h/unit/1').message).toContain("unexpected path '/unit/1'");
    expect(failure('modbus+tcp://h:0').message).toContain('port 0 is not 1–65535');
    expect(failure('modbus+tcp://h#x').message).toContain("unexpected fragment '#x'");
    const error = failure('modbus+tcp://admin:hunter2@h');
    expect(error.message).toContain('take no user name or password');
    expect(error.message).not.toContain('hunter2');
    expect(error.url).toBe('modbus+tcp://admin:***@h');
  });

  it('rejects text that is not a URL, and unknown schemes', () => {
    expect(failure('not a url').message).toContain('not a URL');
    expect(failure('modbus+tcp://h:99999').message).toContain('not a URL');
    const unknown = failure('modbus+foo://h');
    expect(unknown.message).toContain("unknown scheme 'modbus+foo'");
    expect(unknown.message).toContain('modbus+tcp, modbus+udp');
    expect(failure('http://h').message).toContain("unknown scheme 'http'");
  });

  it('hides the password of text that does not parse', () => {
    const error = failure('modbus+mqtt://user:s3cret@bro ker/gw/p');
    expect(error.message).not.toContain('s3cret');
    expect(error.url).toBe('modbus+mqtt://user:***@bro ker/gw/p');
    for (const secret of ['pa/ss', 'p@ss', 'p:ss']) {
      const bad = failure(`modbus+mqtt://user:${secret}@bro ker/gw/p`);
      expect(bad.url).toBe('modbus+mqtt://user:***@bro ker/gw/p');
    }
  });
});

describe('parseMeterUrl: serial forms', () => {
  it('modbus+rtu with the Modbus serial defaults (19200 8E1)', () => {
    expect(parseMeterUrl('modbus+rtu:///dev/ttyUSB0')).toEqual({
      protocol: 'modbus',
      display: 'modbus+rtu:///dev/ttyUSB0',
      framing: 'rtu',
      transport: 'serial',
      serial: { path: '/dev/ttyUSB0', baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 },
    });
  });

  it('modbus+ascii with every line setting', () => {
    const url = parseMeterUrl(
      'modbus+ascii:///dev/ttyS1?baud=9600&parity=none&databits=7&stopbits=2&unit=3&timeout=500&retries=2',
    );
    expect(url).toMatchObject({
      framing: 'ascii',
      transport: 'serial',
      unitId: 3,
      timeoutMs: 500,
      retries: 2,
      serial: { path: '/dev/ttyS1', baudRate: 9600, parity: 'none', dataBits: 7, stopBits: 2 },
    });
  });

  it.each([
    ['n', 'none'],
    ['E', 'even'],
    ['odd', 'odd'],
    ['O', 'odd'],
    ['NONE', 'none'],
  ])('parity=%s → %s', (given, parity) => {
    expect(parseMeterUrl(`modbus+rtu:///dev/ttyUSB0?parity=${given}`).serial?.parity).toBe(parity);
  });

  it.each([
    ['parity=mark', 'parity=mark is not none, even or odd'],
    ['parity=constructor', 'parity=constructor is not none'],
    ['databits=6', 'databits=6 is not an integer 7–8'],
    ['stopbits=3', 'stopbits=3 is not an integer 1–2'],
    ['baud=49', 'baud=49 is not an integer 50–4000000'],
    ['baud=4000001', 'baud=4000001'],
    ['inflight=2', "unknown parameter 'inflight' for modbus+rtu"],
  ])('rejects %s', (query, message) => {
    expect(failure(`modbus+rtu:///dev/ttyUSB0?${query}`).message).toContain(message);
  });

  it('accepts the baud rate bounds', () => {
    expect(parseMeterUrl('modbus+rtu:///dev/x?baud=50').serial?.baudRate).toBe(50);
    expect(parseMeterUrl('modbus+rtu:///dev/x?baud=4000000').serial?.baudRate).toBe(4_000_000);
  });

  it('takes Windows COM ports as host or path, in any case', () => {
    expect(parseMeterUrl('modbus+rtu://COM3').serial?.path).toBe('COM3');
    expect(parseMeterUrl('modbus+rtu://com12?baud=9600').serial).toMatchObject({
      path: 'COM12',
      baudRate: 9600,
    });
    expect(parseMeterUrl('modbus+ascii:///COM4').serial?.path).toBe('COM4');
  });

  it('decodes escapes in the device path', () => {
    expect(parseMeterUrl('modbus+rtu:///dev/serial/by-id/usb-FTDI%20cable').serial?.path).toBe(
      '/dev/serial/by-id/usb-FTDI cable',
    );
  });

  it('refuses a host that is not a COM port (one slash missing) and a missing path', () => {
    expect(failure('modbus+rtu://dev/ttyUSB0').message).toContain('modbus+rtu:///dev/ttyUSB0');
    expect(failure('modbus+rtu://ttyUSB0').message).toContain('is not a device');
    expect(failure('modbus+rtu://COM3:5').message).toContain('is not a device');
    expect(failure('modbus+rtu:///').message).toContain('missing serial device path');
    expect(failure('modbus+ascii://').message).toContain('missing serial device path');
  });
});

describe('parseMeterUrl: MQTT tunnel forms', () => {
  it('splits broker, gateway id and port name', () => {
    expect(parseMeterUrl('modbus+mqtt://broker:1883/gw-1/p1?unit=4')).toEqual({
      protocol: 'modbus',
      display: 'modbus+mqtt://broker:1883/gw-1/p1?unit=4',
      framing: 'rtu',
      transport: 'mqtt',
      unitId: 4,
      mqtt: { broker: 'mqtt://broker:1883', gatewayId: 'gw-1', port: 'p1' },
    });
  });

  it('modbus+mqtts selects a TLS broker URL; escapes in names are decoded', () => {
    expect(parseMeterUrl('modbus+mqtts://broker/site%20A/port%2F1').mqtt).toEqual({
      broker: 'mqtts://broker',
      gatewayId: 'site A',
      port: 'port/1',
    });
  });

  it('keeps the credentials for the broker but redacts them in display', () => {
    const url = parseMeterUrl('modbus+mqtt://alice:p%40ss@broker:1883/gw-1/p1');
    expect(url.mqtt?.broker).toBe('mqtt://alice:p%40ss@broker:1883');
    expect(url.display).toBe('modbus+mqtt://alice:***@broker:1883/gw-1/p1');
    expect(url.display).not.toContain('p%40ss');
    // A failure names the URL by its display form too.
    const error = failure('modbus+mqtt://alice:p%40ss@broker/gw-1/p1?baud=1');
    expect(error.message).not.toContain('p%40ss');
    expect(error.message).toContain('alice:***@broker');
  });

  it('accepts a user name without a password as is', () => {
    expect(parseMeterUrl('modbus+mqtt://bob@broker/g/p').display).toBe('modbus+mqtt://bob@broker/g/p');
  });

  it.each(['modbus+mqtt://broker/gw-1', 'modbus+mqtt://broker/gw-1/p1/extra', 'modbus+mqtt:///gw-1/p1'])(
    'rejects %s',
    (text) => {
      expect(failure(text).message).toContain(
        'expected modbus+mqtt://broker[:port]/<gateway id>/<port name>',
      );
    },
  );

  it('takes only unit, timeout and retries', () => {
    expect(failure('modbus+mqtt://b/g/p?inflight=2').message).toContain("unknown parameter 'inflight'");
  });
});

describe('parseMeterUrl: DLMS schemes', () => {
  it.each([
    'hdlc+tcp://10.0.0.5:4059?client=16&server=1',
    'hdlc+udp://10.0.0.5:4059',
    'hdlc+serial:///dev/ttyUSB0?baud=9600',
    'hdlc+mqtt://broker:1883/gw-1/p0',
    'wrapper+tcp://10.0.0.5:4059',
    'wrapper+udp://10.0.0.5:4059',
  ])('%s is recognised and reported as not supported yet', (text) => {
    const error = failure(text);
    expect(error.message).toContain('need the DLMS client');
    expect(error.message).toContain(text.split(':')[0]);
  });
});
