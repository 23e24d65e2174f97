import { describe, expect, it } from 'vitest';
import { cosemDateText, cosemTimeText } from '../../../src/dlms/axdr/calendar-text.js';

describe('COSEM date and time as text', () => {
  it('writes fields, stars for unspecified ones and the named specials', () => {
    expect(cosemDateText({ year: 2024, month: 6, dayOfMonth: 5, dayOfWeek: 3 })).toBe('2024-06-05');
    expect(
      cosemDateText({ year: 'unspecified', month: 'unspecified', dayOfMonth: 'unspecified', dayOfWeek: 1 }),
    ).toBe('****-**-**');
    expect(cosemDateText({ year: 2024, month: 'dst-end', dayOfMonth: 'last', dayOfWeek: 7 })).toBe(
      '2024-dst-end-last',
    );
    expect(cosemTimeText({ hour: 7, minute: 5, second: 0, hundredths: 0 })).toBe('07:05:00');
    expect(cosemTimeText({ hour: 7, minute: 5, second: 0, hundredths: 9 })).toBe('07:05:00.09');
    expect(
      cosemTimeText({ hour: 'unspecified', minute: 30, second: 'unspecified', hundredths: 'unspecified' }),
    ).toBe('**:30:**');
  });
});
