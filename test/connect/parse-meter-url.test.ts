import fc from 'fast-check';
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

describe('parseMeterUrl: DLMS forms', () => {
  it.each([
    ['hdlc+tcp', 'hdlc', 'tcp'],
    ['hdlc+udp', 'hdlc', 'udp'],
    ['wrapper+tcp', 'wrapper', 'tcp'],
    ['wrapper+udp', 'wrapper', 'udp'],
  ] as const)(
    '%s → %s framing over %s, default port 4059, nothing else set',
    (scheme, framing, transport) => {
      expect(parseMeterUrl(`${scheme}://10.0.0.5`)).toEqual({
        protocol: 'dlms',
        display: `${scheme}://10.0.0.5`,
        framing,
        transport,
        host: '10.0.0.5',
        port: 4059,
      });
      expect(parseMeterUrl(`${scheme}://[::1]:14059/`)).toMatchObject({ host: '::1', port: 14059 });
    },
  );

  it('hdlc+tcp takes every association and HDLC parameter', () => {
    const url = parseMeterUrl(
      'hdlc+tcp://meter.local:4059?client=1&server=1&physical=17&timeout=2000&pdu=512&auth=lls&policy=none&window=7&maxinfo=2030&retries=0',
    );
    expect(url).toEqual({
      protocol: 'dlms',
      display: url.display,
      framing: 'hdlc',
      transport: 'tcp',
      host: 'meter.local',
      port: 4059,
      client: 1,
      logical: 1,
      physical: 17,
      timeoutMs: 2000,
      maxPduSize: 512,
      auth: 'lls',
      policy: 'none',
      hdlc: { window: 7, maxInfo: 2030, retries: 0 },
    });
  });

  it('takes the bounds of every number', () => {
    expect(
      parseMeterUrl('hdlc+udp://h?client=0&server=0&physical=0&pdu=12&window=1&maxinfo=32&timeout=1'),
    ).toMatchObject({ client: 0, logical: 0, physical: 0, maxPduSize: 12, hdlc: { window: 1, maxInfo: 32 } });
    expect(
      parseMeterUrl(
        'hdlc+tcp://h?client=127&server=16383&physical=16383&pdu=65535&retries=100&timeout=3600000',
      ),
    ).toMatchObject({
      client: 127,
      logical: 16383,
      physical: 16383,
      maxPduSize: 65535,
      timeoutMs: 3_600_000,
      hdlc: { retries: 100 },
    });
  });

  it.each(['none', 'lls', 'hls-gmac'] as const)('auth=%s', (auth) => {
    expect(parseMeterUrl(`wrapper+tcp://h?auth=${auth}`).auth).toBe(auth);
  });

  it.each(['none', 'authenticated', 'encrypted', 'authenticated-encrypted'] as const)(
    'policy=%s',
    (policy) => {
      expect(parseMeterUrl(`wrapper+udp://h?policy=${policy}`).policy).toBe(policy);
    },
  );

  it('hdlc+serial: 9600 8N1 by default, every line setting, mode E', () => {
    expect(parseMeterUrl('hdlc+serial:///dev/ttyUSB0')).toEqual({
      protocol: 'dlms',
      display: 'hdlc+serial:///dev/ttyUSB0',
      framing: 'hdlc',
      transport: 'serial',
      serial: { path: '/dev/ttyUSB0', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 },
    });
    expect(
      parseMeterUrl(
        'hdlc+serial:///dev/ttyS0?baud=19200&parity=even&databits=7&stopbits=2&modee=1&physical=1',
      ),
    ).toMatchObject({
      modeE: true,
      physical: 1,
      serial: { path: '/dev/ttyS0', baudRate: 19200, parity: 'even', dataBits: 7, stopBits: 2 },
    });
    expect(parseMeterUrl('hdlc+serial://COM7?modee=false').modeE).toBe(false);
    expect(parseMeterUrl('hdlc+serial:///COM7?modee=TRUE')).toMatchObject({
      modeE: true,
      serial: { path: 'COM7' },
    });
  });

  it.each([
    ['hdlc+mqtt', 'hdlc', 'mqtt://broker:1883'],
    ['hdlc+mqtts', 'hdlc', 'mqtts://broker:1883'],
    ['apdu+mqtt', 'tunnel-apdu', 'mqtt://broker:1883'],
    ['apdu+mqtts', 'tunnel-apdu', 'mqtts://broker:1883'],
  ] as const)('%s: %s framing through the tunnel', (scheme, framing, broker) => {
    expect(parseMeterUrl(`${scheme}://broker:1883/gw-1/p0?client=1`)).toEqual({
      protocol: 'dlms',
      display: `${scheme}://broker:1883/gw-1/p0?client=1`,
      framing,
      transport: 'mqtt',
      client: 1,
      mqtt: { broker, gatewayId: 'gw-1', port: 'p0' },
    });
  });

  it('leaves the default broker port to MQTT.js (1883, 8883 with TLS)', () => {
    expect(parseMeterUrl('hdlc+mqtt://broker/g/p').mqtt?.broker).toBe('mqtt://broker');
    expect(parseMeterUrl('apdu+mqtts://broker/g/p').mqtt?.broker).toBe('mqtts://broker');
  });

  it('keeps the broker password for the tunnel and redacts it in display and errors', () => {
    const url = parseMeterUrl('hdlc+mqtts://head:s3cr%23t@broker:8883/site%201/p0?server=1');
    expect(url.mqtt).toEqual({
      broker: 'mqtts://head:s3cr%23t@broker:8883',
      gatewayId: 'site 1',
      port: 'p0',
    });
    expect(url.display).toBe('hdlc+mqtts://head:***@broker:8883/site%201/p0?server=1');
    const error = failure('apdu+mqtt://head:s3cr%23t@broker/gw/p0?window=2');
    expect(error.message).not.toContain('s3cr');
    expect(error.url).toBe('apdu+mqtt://head:***@broker/gw/p0?window=2');
  });

  it('a DLMS scheme is case-insensitive', () => {
    expect(parseMeterUrl('HDLC+TCP://h')).toMatchObject({ protocol: 'dlms', framing: 'hdlc' });
  });

  it.each([
    ['client=128', 'client=128 is not an integer 0–127'],
    ['client=-1', 'client=-1'],
    ['server=16384', 'server=16384 is not an integer 0–16383'],
    ['physical=16384', 'physical=16384 is not an integer 0–16383'],
    ['timeout=0', 'timeout=0 is not an integer 1–3600000'],
    ['pdu=11', 'pdu=11 is not an integer 12–65535'],
    ['pdu=65536', 'pdu=65536'],
    ['window=0', 'window=0 is not an integer 1–7'],
    ['window=8', 'window=8'],
    ['maxinfo=31', 'maxinfo=31 is not an integer 32–2030'],
    ['maxinfo=2031', 'maxinfo=2031'],
    ['retries=101', 'retries=101 is not an integer 0–100'],
    ['client=1e2', 'client=1e2'],
    ['auth=hls', 'auth=hls is not none, lls, hls-gmac'],
    ['auth=LLS', 'auth=LLS is not'],
    ['policy=ciphered', 'policy=ciphered is not none, authenticated, encrypted, authenticated-encrypted'],
    ['client=1&client=2', "parameter 'client' is given more than once"],
  ])('hdlc+tcp rejects %s', (query, message) => {
    expect(failure(`hdlc+tcp://h?${query}`).message).toContain(message);
  });

  it.each([
    ['wrapper+tcp://h?physical=1', "unknown parameter 'physical' for wrapper+tcp"],
    ['wrapper+udp://h?window=2', "unknown parameter 'window' for wrapper+udp"],
    ['wrapper+tcp://h?retries=2', "unknown parameter 'retries'"],
    ['hdlc+tcp://h?baud=9600', "unknown parameter 'baud' for hdlc+tcp"],
    ['hdlc+udp://h?modee=1', "unknown parameter 'modee' for hdlc+udp"],
    ['hdlc+mqtt://b/g/p?parity=none', "unknown parameter 'parity' for hdlc+mqtt"],
    ['apdu+mqtt://b/g/p?maxinfo=128', "unknown parameter 'maxinfo' for apdu+mqtt"],
    ['hdlc+tcp://h?unit=1', "unknown parameter 'unit' for hdlc+tcp"],
    ['hdlc+tcp://h?password=12345678', "unknown parameter 'password'"],
    ['hdlc+tcp://h?ek=000102030405060708090A0B0C0D0E0F', "unknown parameter 'ek'"],
    ['modbus+tcp://h?client=1', "unknown parameter 'client' for modbus+tcp"],
  ])('%s: unknown parameter', (text, message) => {
    const error = failure(text);
    expect(error.message).toContain(message);
    expect(error.message).toContain('(allowed: ');
  });

  it('lists the allowed parameters of each form', () => {
    expect(failure('wrapper+tcp://h?x=1').message).toContain(
      'allowed: client, server, timeout, pdu, auth, policy)',
    );
    expect(failure('apdu+mqtt://b/g/p?x=1').message).toContain(
      'allowed: client, server, timeout, pdu, auth, policy, physical)',
    );
    expect(failure('hdlc+serial:///dev/x?x=1').message).toContain('baud, parity, databits, stopbits, modee');
  });

  it.each([
    ['hdlc+serial:///dev/x?modee=maybe', 'modee=maybe is not 1, 0, true or false'],
    ['hdlc+serial:///dev/x?parity=mark', 'parity=mark is not none, even or odd'],
    ['hdlc+serial:///dev/x?baud=0', 'baud=0 is not an integer 50–4000000'],
    ['hdlc+serial://dev/ttyUSB0', 'hdlc+serial:///dev/ttyUSB0'],
    ['hdlc+serial://ttyUSB0', 'is not a device'],
    ['hdlc+serial:///', 'missing serial device path, e.g. hdlc+serial:///dev/ttyUSB0'],
    ['hdlc+serial://', 'missing serial device path'],
    ['hdlc+serial:///dev/tty%zz', "'/dev/tty%zz' has a malformed %-escape"],
    ['hdlc+serial://user:pw@COM3', 'take no user name or password'],
  ])('%s is refused', (text, message) => {
    expect(failure(text).message).toContain(message);
  });

  it.each([
    ['hdlc+tcp:///x', 'missing host'],
    ['wrapper+udp://h/4059', "unexpected path '/4059'"],
    ['hdlc+tcp://h:0', 'port 0 is not 1–65535'],
    ['wrapper+tcp://h#frag', "unexpected fragment '#frag'"],
    ['hdlc+udp://h:70000', 'not a URL'],
  ])('%s is refused', (text, message) => {
    expect(failure(text).message).toContain(message);
  });

  it('refuses credentials outside the tunnel forms, without repeating them', () => {
    const error = failure('wrapper+tcp://client:12345678@h');
    expect(error.message).toContain('wrapper+tcp URLs take no user name or password');
    expect(error.message).not.toContain('12345678');
  });

  it.each([
    'hdlc+mqtt://broker/gw-1',
    'hdlc+mqtt://broker/gw-1/',
    'apdu+mqtts://broker',
    'hdlc+mqtt://broker/gw-1/p0/x',
    'apdu+mqtt:///gw-1/p0',
  ])('%s: gateway and port segments are required', (text) => {
    const scheme = text.split(':')[0];
    expect(failure(text).message).toContain(`expected ${scheme}://broker[:port]/<gateway id>/<port name>`);
  });

  it('refuses a malformed escape in a gateway or port name', () => {
    expect(failure('hdlc+mqtt://broker/gw%E0/p0').message).toContain('malformed %-escape');
  });

  it('names every scheme when the scheme is unknown', () => {
    const message = failure('dlms+tcp://h').message;
    expect(message).toContain("unknown scheme 'dlms+tcp'");
    for (const scheme of [
      'hdlc+tcp',
      'hdlc+serial',
      'hdlc+mqtts',
      'wrapper+udp',
      'apdu+mqtt',
      'modbus+rtu',
    ]) {
      expect(message).toContain(scheme);
    }
    expect(failure('constructor://h').message).toContain("unknown scheme 'constructor'");
    expect(failure('hdlc://h').message).toContain("unknown scheme 'hdlc'");
  });
});

describe('parseMeterUrl: any input', () => {
  const schemes = [
    'hdlc+tcp',
    'hdlc+udp',
    'hdlc+serial',
    'hdlc+mqtt',
    'hdlc+mqtts',
    'wrapper+tcp',
    'wrapper+udp',
    'apdu+mqtt',
    'apdu+mqtts',
    'modbus+tcp',
    'modbus+rtu',
    'modbus+mqtt',
  ];
  /** Either a URL or an InvalidUrlError, and a password never shows in an error. */
  function check(text: string): void {
    try {
      const url = parseMeterUrl(text);
      expect(['dlms', 'modbus']).toContain(url.protocol);
      expect(url.display).not.toContain('SECRET');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidUrlError);
      expect((error as InvalidUrlError).message).not.toContain('SECRET');
    }
  }

  it('random text only ever parses or throws InvalidUrlError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => check(text)),
      { numRuns: 2000 },
    );
  });

  it('random URL-shaped text (known schemes, odd parts) only ever parses or throws InvalidUrlError', () => {
    const part = fc.string({
      unit: fc.constantFrom(...'ab0129/:@?&=#%[]. +-_zZeE'.split(''), '%zz', '%E0', '%2F', '//', '\u00e9'),
      maxLength: 24,
    });
    const query = fc.array(
      fc.tuple(
        fc.constantFrom(
          'client',
          'server',
          'physical',
          'pdu',
          'auth',
          'policy',
          'modee',
          'baud',
          'parity',
          'unit',
          'x',
        ),
        part,
      ),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...schemes),
        fc.boolean(),
        part,
        part,
        query,
        (scheme, creds, host, path, q) => {
          const userinfo = creds ? 'user:SECRET@' : '';
          const search = q.length === 0 ? '' : `?${q.map(([k, v]) => `${k}=${v}`).join('&')}`;
          check(`${scheme}://${userinfo}${host}${path}${search}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseMeterUrl: secrets given by mistake in the query', () => {
  it.each([
    ['hdlc+tcp://u:pw1@host?password=Xs3cret', "unknown parameter 'password'"],
    ['wrapper+tcp://host?client=1&key=Xs3cret', "unknown parameter 'key'"],
    ['modbus+tcp://host?unit=1&token=Xs3cret', "unknown parameter 'token'"],
    ['hdlc+tcp://ho st?password=Xs3cret', 'not a URL'],
  ])('%s: the value is not repeated in the error', (url, fragment) => {
    let error: unknown;
    try {
      parseMeterUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidUrlError);
    const message = (error as Error).message;
    expect(message).toContain(fragment);
    expect(message).not.toContain('Xs3cret');
    expect(message).not.toContain('pw1');
    expect(message).toMatch(/=\*\*\*/);
  });

  it('keeps the values of known parameters in the display', () => {
    expect(parseMeterUrl('hdlc+tcp://host:4059?client=1&server=1').display).toBe(
      'hdlc+tcp://host:4059?client=1&server=1',
    );
  });
});
