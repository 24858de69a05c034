// Phone normalization, search key and equality: every form the sheet may hold, with the exact
// E.164 result or the exact error a person will read in sync_status.
import { normalizePhone, phoneSearchKey, phonesEqual } from '../../src/domain/phone';

describe('normalizePhone (region RU)', () => {
  const valid: Array<[unknown, string]> = [
    ['8 (912) 345-67-89', '+79123456789'],
    ['+7 912 345 67 89', '+79123456789'],
    ['79123456789', '+79123456789'],
    ['9123456789', '+79123456789'],
    ['+79123456789', '+79123456789'],
    ['  +7 (912) 345-67-89\u00a0', '+79123456789'],
    ['8-912-345-67-89', '+79123456789'],
    ['+7 912 345\u201167\u201189', '+79123456789'],
    ['\u200b+79123456789', '+79123456789'],
    [89123456789, '+79123456789'],
    [79123456789, '+79123456789'],
    [9123456789, '+79123456789'],
    ['8 (495) 123-45-67', '+74951234567'],
    ['8 800 555 35 35', '+78005553535'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+1 212 555 0100', '+12125550100'],
    ['+380 44 123 4567', '+380441234567'],
    ['00442079460958', '+442079460958'],
    ['8 10 44 20 7946 0958', '+442079460958'],
    [442079460958, '+442079460958'],
    [12125550100, '+12125550100'],
  ];
  it.each(valid)('%p → %p', (raw, expected) => {
    expect(normalizePhone(raw, 'RU')).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['   '], ['\u00a0\u200b'], [undefined], [null]])('%p is blank → null', raw => {
    expect(normalizePhone(raw, 'RU')).toEqual({ ok: true, value: null });
  });

  const invalid: Array<[unknown, string]> = [
    ['12ab', 'phone "12ab" is not a valid number'],
    ['+7 912 ABC 67 89', 'phone "+7 912 ABC 67 89" is not a valid number'],
    ['8+912 345 67 89', 'phone "8+912 345 67 89" is not a valid number'],
    ['123', 'phone "123" is too short'],
    [123, 'phone "123" is too short'],
    ['912345678', 'phone "912345678" is too short'],
    ['+7 912', 'phone "+7 912" is too short'],
    ['+7 912 345 67 89 12', 'phone "+7 912 345 67 89 12" has the wrong number of digits'],
    ['+791234567890', 'phone "+791234567890" has the wrong number of digits'],
    ['+7 123 456 78 90', 'phone "+7 123 456 78 90" is not a valid number'],
    ['+999 123 456 7890', 'phone "+999 123 456 7890" has an unknown country code'],
    [
      '2125550100',
      'phone "2125550100" is not a valid RU number: for a foreign number add the country code with +',
    ],
    [
      '442079460958',
      'phone "442079460958" is not a valid RU number: for a foreign number add the country code with +',
    ],
    [
      71234567890,
      'phone "71234567890" is not a valid RU number: for a foreign number add the country code with +',
    ],
    [1.5, 'phone "1.5" is not a valid number'],
    [-79123456789, 'phone "-79123456789" is not a valid number'],
    [
      '+7 912 345 67 89 доб. 123',
      'phone "+7 912 345 67 89 доб. 123" has an extension: keep only the main number',
    ],
    [
      '+7 912 345 67 89 ext 5',
      'phone "+7 912 345 67 89 ext 5" has an extension: keep only the main number',
    ],
    [
      '+7 912 345 67 89 x5',
      'phone "+7 912 345 67 89 x5" has an extension: keep only the main number',
    ],
    ['доб. 123', 'phone "доб. 123" is not a valid number'],
    [true, 'phone TRUE is not a phone number'],
    [new Date(2024, 0, 1), 'phone is a date, not a phone number: format the cell as plain text'],
    [
      '+7 912 345 67 89, +7 903 123 45 67',
      'phone "+7 912 345 67 89, +7 903 123 45 67" is not a valid number',
    ],
  ];
  it.each(invalid)('%p → error %p', (raw, error) => {
    expect(normalizePhone(raw, 'RU')).toEqual({ ok: false, error });
  });

  it('reads the region case-insensitively', () => {
    expect(normalizePhone('8 (912) 345-67-89', ' ru ')).toEqual({
      ok: true,
      value: '+79123456789',
    });
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual({ ok: true, value: '+442079460958' });
  });

  it('accepts only + numbers when the region is unknown', () => {
    expect(normalizePhone('+79123456789', 'XX')).toEqual({ ok: true, value: '+79123456789' });
    expect(normalizePhone('89123456789', '')).toEqual({
      ok: false,
      error: 'phone "89123456789" has no country code: add it with +',
    });
    expect(normalizePhone(79123456789, 'XX')).toEqual({ ok: true, value: '+79123456789' });
  });

  it('cuts a long value in the message', () => {
    const result = normalizePhone('call me on weekdays after six, or write to telegram', 'RU');
    expect(result).toEqual({
      ok: false,
      error: 'phone "call me on weekdays after six, or write…" is not a valid number',
    });
  });
});

describe('phoneSearchKey', () => {
  it.each([
    ['+79123456789', '9123456789'],
    ['+442079460958', '2079460958'],
    ['+380441234567', '441234567'],
    ['+12125550100', '2125550100'],
    ['+861012345678', '1012345678'],
    ['+4915123456789', '5123456789'],
  ])('%p → %p', (e164, key) => {
    expect(phoneSearchKey(e164)).toBe(key);
  });
});

describe('phonesEqual', () => {
  it.each<[unknown, unknown, boolean]>([
    ['8 (912) 345-67-89', '+79123456789', true],
    ['+7 912 345 67 89', 89123456789, true],
    ['9123456789', '+7 (912) 345-67-89', true],
    ['+79123456789', '+79123456780', false],
    ['+442079460958', '+79123456789', false],
    ['', '', false],
    [null, '+79123456789', false],
    ['+7 912 345 67 89 доб. 1', '+7 912 345 67 89 доб. 1', true],
    ['+7 912 345 67 89 доб. 1', '+7 912 345 67 89 доб. 2', false],
    ['abc', 'abc', false],
  ])('%p vs %p → %p', (a, b, equal) => {
    expect(phonesEqual(a, b, 'RU')).toBe(equal);
  });
});
