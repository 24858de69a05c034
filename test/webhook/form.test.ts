// Form-body decoding: pairs in order, `+` as space, UTF-8 percent-encoding, and malformed
// encoding reported as a value instead of a thrown URIError.
import { parseFormBody } from '../../src/webhook/form';

describe('parseFormBody', () => {
  it.each<[string, Array<[string, string]>]>([
    ['', []],
    [
      'a=1&b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      'a=1+2&b=%2B',
      [
        ['a', '1 2'],
        ['b', '+'],
      ],
    ],
    [
      'a&b=',
      [
        ['a', ''],
        ['b', ''],
      ],
    ],
    [
      'a=1&&b=2&',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    ['a=x=y', [['a', 'x=y']]],
    [
      'a=1&a=2',
      [
        ['a', '1'],
        ['a', '2'],
      ],
    ],
    ['%D0%98%D0%B2%D0%B0%D0%BD=%F0%9F%9A%80', [['Иван', '🚀']]],
    ['leads%5Bstatus%5D%5B0%5D%5Bid%5D=1', [['leads[status][0][id]', '1']]],
    ['leads[status][0][id]=1', [['leads[status][0][id]', '1']]],
    ['name=TEST+MISHA+%28SORRY%29', [['name', 'TEST MISHA (SORRY)']]],
  ])('%p → %p', (body, pairs) => {
    expect(parseFormBody(body)).toEqual({ ok: true, value: pairs });
  });

  it.each([['a=%'], ['a=%zz'], ['a=%4'], ['%C3=1'], ['a=%ED%A0%80'], ['a=1&b=%E0%A4%A']])(
    '%p → not valid form data',
    body => {
      expect(parseFormBody(body)).toEqual({ ok: false, error: 'the body is not valid form data' });
    }
  );
});
