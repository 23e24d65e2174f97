// §6.5 date, time and date-time: octet codecs, special values, deviation sign, Date conversion.
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, InvalidArgumentError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import {
  decodeDateOctets,
  decodeDateTimeOctets,
  decodeTimeOctets,
  encodeDateOctets,
  encodeDateTimeOctets,
  encodeTimeOctets,
} from '../../../src/dlms/axdr/calendar.js';
import {
  asDate,
  asDateTime,
  asTime,
  cosemDateTimeToDate,
  dateToCosemDateTime,
} from '../../../src/dlms/axdr/calendar-instant.js';
import { decodeClockStatus, encodeClockStatus } from '../../../src/dlms/axdr/clock-status.js';
import { decodeData, encodeData } from '../../../src/dlms/axdr/data-codec.js';
import type { ClockStatus, CosemDateTime } from '../../../src/dlms/axdr/types.js';

const ok: ClockStatus = {
  invalid: false,
  doubtful: false,
  differentClockBase: false,
  invalidClockStatus: false,
  daylightSavingActive: false,
  reserved: 0,
};

const cet: CosemDateTime = {
  year: 2024,
  month: 1,
  dayOfMonth: 15,
  dayOfWeek: 1,
  hour: 8,
  minute: 0,
  second: 0,
  hundredths: 0,
  deviation: -60,
  clockStatus: ok,
};

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('no error thrown');
}

describe('date-time octets', () => {
  it('decodes and encodes the CET example (deviation FFC4 = −60)', () => {
    expect(decodeDateTimeOctets(fromHex('07E8010F0108000000FFC400'))).toEqual(cet);
    expect(toHex(encodeDateTimeOctets(cet))).toBe('07E8010F0108000000FFC400');
  });

  it('invertDeviation negates the deviation in both directions (§6.5, §14.1)', () => {
    // A meter using the opposite sign sends +60 (003C) for CET.
    expect(decodeDateTimeOctets(fromHex('07E8010F0108000000003C00'), { invertDeviation: true })).toEqual(cet);
    expect(toHex(encodeDateTimeOctets(cet, { invertDeviation: true }))).toBe('07E8010F0108000000003C00');
    // Through Data tag 25 and asDateTime's octet-string form.
    const tagged = fromHex('1907E8010F0108000000003C00');
    expect(decodeData(tagged, { invertDeviation: true })).toEqual({ type: 'date-time', value: cet });
    expect(toHex(encodeData({ type: 'date-time', value: cet }, { invertDeviation: true }))).toBe(
      toHex(tagged),
    );
    expect(
      asDateTime(decodeData(fromHex('090C07E8010F0108000000003C00')), { invertDeviation: true }),
    ).toEqual(cet);
    // Zero stays +0, and "not specified" is not negated.
    const utc = decodeDateTimeOctets(fromHex('07E8010F0108000000000000'), { invertDeviation: true });
    expect(Object.is(utc.deviation, 0)).toBe(true);
    expect(
      decodeDateTimeOctets(fromHex('07E8010F0108000000 8000 00'), { invertDeviation: true }).deviation,
    ).toBe('unspecified');
  });

  it('accepts every special value and round-trips it', () => {
    for (const h of ['FFFFFFFFFFFFFFFFFF8000FF', 'FFFFFEFE07020000FF8000FF', '07E8FDFDFF173B3B63FCB880']) {
      expect(toHex(encodeDateTimeOctets(decodeDateTimeOctets(fromHex(h))))).toBe(h);
    }
    expect(decodeDateTimeOctets(fromHex('07E8FDFDFF173B3B63FCB880'))).toMatchObject({
      month: 'dst-end',
      dayOfMonth: 'second-last',
      dayOfWeek: 'unspecified',
      hour: 23,
      minute: 59,
      second: 59,
      hundredths: 99,
      deviation: -840,
    });
    expect(decodeDateTimeOctets(fromHex('00000101010000000003480F'))).toMatchObject({
      year: 0,
      deviation: 840,
      clockStatus: { invalid: true, doubtful: true, differentClockBase: true, invalidClockStatus: true },
    });
  });

  const invalid: [string, string, number][] = [
    ['month 0', '07E8000F0108000000FFC400', 2],
    ['month 13', '07E80D0F0108000000FFC400', 2],
    ['month 0xFC', '07E8FC0F0108000000FFC400', 2],
    ['day 0', '07E801000108000000000000', 3],
    ['day 32', '07E801200108000000000000', 3],
    ['day 0xE0 (reserved)', '07E801E00108000000000000', 3],
    ['day 0xFC (reserved)', '07E801FC0108000000000000', 3],
    ['day of week 0', '07E8010F0008000000000000', 4],
    ['day of week 8', '07E8010F0808000000000000', 4],
    ['hour 24', '07E8010F0118000000000000', 5],
    ['minute 60', '07E8010F01083C0000000000', 6],
    ['second 60', '07E8010F0108003C00000000', 7],
    ['hundredths 100', '07E8010F0108000064000000', 8],
    ['deviation 841', '07E8010F0108000000034900', 9],
    ['deviation −841', '07E8010F0108000000FCB700', 9],
    ['deviation 0x7FFF', '07E8010F01080000007FFF00', 9],
  ];
  for (const [name, h, offset] of invalid) {
    it(`rejects ${name} at byte ${offset}`, () => {
      const e = caught(() => decodeDateTimeOctets(fromHex(h)));
      expect(e).toBeInstanceOf(DecodeError);
      expect(e).toMatchObject({ layer: 'axdr', offset });
    });
  }

  it('rejects the wrong number of octets', () => {
    expect(() => decodeDateTimeOctets(fromHex('07E8010F0108000000FFC4'))).toThrow(DecodeError);
    expect(() => decodeDateTimeOctets(fromHex('07E8010F0108000000FFC40000'))).toThrow(DecodeError);
    expect(() => decodeDateOctets(fromHex('07E8010F'))).toThrow(DecodeError);
    expect(() => decodeTimeOctets(fromHex('0800000000'))).toThrow(DecodeError);
  });

  it('tag 25 reports calendar errors at the offset inside the Data', () => {
    expect(caught(() => decodeData(fromHex('0201 19 07E80D0F0108000000FFC400')))).toMatchObject({
      offset: 5,
    });
  });

  it('encode errors name the field', () => {
    const cases: [string, Partial<CosemDateTime>][] = [
      ['year', { year: 65535 }],
      ['year', { year: -1 }],
      ['month', { month: 0 }],
      ['dayOfMonth', { dayOfMonth: 32 }],
      ['dayOfWeek', { dayOfWeek: 0 }],
      ['hour', { hour: 24 }],
      ['minute', { minute: 1.5 }],
      ['second', { second: 60 }],
      ['hundredths', { hundredths: 100 }],
      ['deviation', { deviation: 841 }],
      [
        'clockStatus',
        {
          clockStatus: {
            ...ok,
            invalid: true,
            doubtful: true,
            differentClockBase: true,
            invalidClockStatus: true,
            daylightSavingActive: true,
            reserved: 0x70,
          },
        },
      ],
      ['clockStatus.reserved', { clockStatus: { ...ok, reserved: 0x80 } }],
    ];
    for (const [field, change] of cases) {
      const e = caught(() => encodeDateTimeOctets({ ...cet, ...change }));
      expect(e).toBeInstanceOf(EncodeError);
      expect((e as EncodeError).field).toBe(field);
    }
  });
});

describe('date and time octets', () => {
  it('round-trip the tag examples', () => {
    expect(decodeDateOctets(fromHex('07E8060F06'))).toEqual({
      year: 2024,
      month: 6,
      dayOfMonth: 15,
      dayOfWeek: 6,
    });
    expect(toHex(encodeDateOctets({ year: 2024, month: 6, dayOfMonth: 15, dayOfWeek: 6 }))).toBe(
      '07E8060F06',
    );
    expect(decodeTimeOctets(fromHex('0C223800'))).toEqual({
      hour: 12,
      minute: 34,
      second: 56,
      hundredths: 0,
    });
    expect(toHex(encodeTimeOctets({ hour: 12, minute: 34, second: 56, hundredths: 0 }))).toBe('0C223800');
    expect(
      toHex(encodeTimeOctets({ hour: 'unspecified', minute: 0, second: 'unspecified', hundredths: 0 })),
    ).toBe('FF00FF00');
  });

  it('asDate / asTime accept the tagged form and octet-strings of 5 / 4 octets', () => {
    const date = { year: 2024, month: 6, dayOfMonth: 15, dayOfWeek: 6 };
    expect(asDate(decodeData(fromHex('1A07E8060F06')))).toEqual(date);
    expect(asDate(decodeData(fromHex('090507E8060F06')))).toEqual(date);
    const time = { hour: 12, minute: 34, second: 56, hundredths: 0 };
    expect(asTime(decodeData(fromHex('1B0C223800')))).toEqual(time);
    expect(asTime(decodeData(fromHex('09040C223800')))).toEqual(time);
    expect(() => asDate({ type: 'time', value: time })).toThrow(DecodeError);
    expect(() => asTime({ type: 'octet-string', value: new Uint8Array(5) })).toThrow(DecodeError);
  });
});

describe('asDateTime', () => {
  it('accepts tag 25 and a 12-octet octet-string', () => {
    expect(asDateTime({ type: 'date-time', value: cet })).toBe(cet);
    expect(asDateTime(decodeData(fromHex('090C07E8010F0108000000FFC400')))).toEqual(cet);
  });

  it('anything else is a DecodeError (malformed meter data), as are invalid octets', () => {
    for (const data of [
      { type: 'octet-string', value: new Uint8Array(11) },
      { type: 'unsigned', value: 1 },
      { type: 'date', value: { year: 2024, month: 1, dayOfMonth: 1, dayOfWeek: 1 } },
    ] as const) {
      const e = caught(() => asDateTime(data));
      expect(e).toBeInstanceOf(DecodeError);
      expect(e).toMatchObject({ layer: 'axdr', offset: 0 });
    }
    expect(() => asDateTime({ type: 'octet-string', value: fromHex('07E80D0F0108000000FFC400') })).toThrow(
      DecodeError,
    );
  });
});

describe('cosemDateTimeToDate', () => {
  it('applies UTC = local + deviation', () => {
    expect(cosemDateTimeToDate(cet).toISOString()).toBe('2024-01-15T07:00:00.000Z');
    const summer = asDateTime(decodeData(fromHex('1907E8060F060C223800FF8880')));
    expect(cosemDateTimeToDate(summer).toISOString()).toBe('2024-06-15T10:34:56.000Z');
    expect(cosemDateTimeToDate({ ...cet, hour: 0, deviation: 300, hundredths: 57 }).toISOString()).toBe(
      '2024-01-15T05:00:00.570Z',
    );
    expect(cosemDateTimeToDate({ ...cet, hour: 0, deviation: -60 }).toISOString()).toBe(
      '2024-01-14T23:00:00.000Z',
    );
  });

  it('unspecified hundredths count as 0; day of week and clock status are not used', () => {
    const t = {
      ...cet,
      hundredths: 'unspecified',
      dayOfWeek: 'unspecified',
      clockStatus: 'unspecified',
    } as const;
    expect(cosemDateTimeToDate(t).toISOString()).toBe('2024-01-15T07:00:00.000Z');
  });

  it('years below 100 are not mapped to the 1900s', () => {
    expect(cosemDateTimeToDate({ ...cet, year: 50, deviation: 0 }).getUTCFullYear()).toBe(50);
  });

  it('refuses to guess: names the unspecified or special field', () => {
    const cases: [keyof CosemDateTime, unknown][] = [
      ['year', 'unspecified'],
      ['month', 'unspecified'],
      ['month', 'dst-begin'],
      ['month', 'dst-end'],
      ['dayOfMonth', 'unspecified'],
      ['dayOfMonth', 'last'],
      ['dayOfMonth', 'second-last'],
      ['hour', 'unspecified'],
      ['minute', 'unspecified'],
      ['second', 'unspecified'],
      ['deviation', 'unspecified'],
      ['hour', 24],
      ['hundredths', 100],
    ];
    for (const [field, value] of cases) {
      const e = caught(() => cosemDateTimeToDate({ ...cet, [field]: value } as CosemDateTime));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toContain(field);
    }
  });

  it('validates the day against the month length (leap years included)', () => {
    const on = (year: number, month: number, dayOfMonth: number) => () =>
      cosemDateTimeToDate({ ...cet, year, month, dayOfMonth });
    expect(on(2024, 2, 29)().toISOString()).toBe('2024-02-29T07:00:00.000Z');
    expect(on(2000, 2, 29)).not.toThrow();
    expect(on(2023, 2, 29)).toThrow(InvalidArgumentError);
    expect(on(1900, 2, 29)).toThrow(/dayOfMonth/);
    expect(on(2024, 4, 31)).toThrow(InvalidArgumentError);
    expect(on(2024, 12, 31)).not.toThrow();
  });
});

describe('dateToCosemDateTime', () => {
  it('gives the wall-clock fields at the deviation', () => {
    expect(
      dateToCosemDateTime(new Date('2024-01-15T07:00:00.000Z'), { deviation: -60, clockStatus: ok }),
    ).toEqual(cet);
    expect(dateToCosemDateTime(new Date('2024-06-30T23:30:00.129Z'), { deviation: -120 })).toEqual({
      year: 2024,
      month: 7,
      dayOfMonth: 1,
      dayOfWeek: 1,
      hour: 1,
      minute: 30,
      second: 0,
      hundredths: 12,
      deviation: -120,
      clockStatus: 'unspecified',
    });
  });

  it('defaults: UTC, day of week filled (Sunday = 7), clock status unspecified', () => {
    const t = dateToCosemDateTime(new Date('2024-06-16T12:00:00Z'));
    expect(t).toMatchObject({ dayOfWeek: 7, hour: 12, deviation: 0, clockStatus: 'unspecified' });
    expect(Object.is(t.deviation, 0)).toBe(true);
    expect(dateToCosemDateTime(new Date('2024-06-16T12:00:00Z'), { dayOfWeek: false }).dayOfWeek).toBe(
      'unspecified',
    );
    expect(toHex(encodeDateTimeOctets(t))).toBe('07E8061007 0C000000 0000 FF'.replaceAll(' ', ''));
  });

  it('round-trips through cosemDateTimeToDate (to the hundredth)', () => {
    for (const iso of ['2024-03-31T00:59:59.999Z', '1999-12-31T23:59:59.990Z', '2100-02-28T12:00:00.000Z']) {
      for (const deviation of [-840, -120, 0, 300, 840]) {
        const date = new Date(iso);
        const back = cosemDateTimeToDate(dateToCosemDateTime(date, { deviation }));
        expect(back.getTime()).toBe(Math.floor(date.getTime() / 10) * 10);
      }
    }
  });

  it('rejects invalid input', () => {
    expect(() => dateToCosemDateTime(new Date(Number.NaN))).toThrow(InvalidArgumentError);
    expect(() => dateToCosemDateTime(new Date(0), { deviation: 841 })).toThrow(InvalidArgumentError);
    expect(() => dateToCosemDateTime(new Date(0), { deviation: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => dateToCosemDateTime(new Date('-000001-01-01T00:00:00Z'))).toThrow(InvalidArgumentError);
  });
});

describe('clock status', () => {
  it('decodes each bit, keeps reserved bits, and 0xFF is unspecified', () => {
    expect(decodeClockStatus(0xff)).toBe('unspecified');
    expect(decodeClockStatus(0x80)).toEqual({ ...ok, daylightSavingActive: true });
    expect(decodeClockStatus(0x01)).toEqual({ ...ok, invalid: true });
    expect(decodeClockStatus(0x02)).toEqual({ ...ok, doubtful: true });
    expect(decodeClockStatus(0x04)).toEqual({ ...ok, differentClockBase: true });
    expect(decodeClockStatus(0x08)).toEqual({ ...ok, invalidClockStatus: true });
    expect(decodeClockStatus(0x70)).toEqual({ ...ok, reserved: 0x70 });
    for (let octet = 0; octet < 0xff; octet++) {
      expect(encodeClockStatus(decodeClockStatus(octet))).toBe(octet);
    }
    expect(encodeClockStatus('unspecified')).toBe(0xff);
  });
});
