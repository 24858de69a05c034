// The row fingerprint: stable across runs (the stored value must match next time), 16 hex
// characters, and different for every kind of change a row can see.
import { fingerprint } from '../../src/domain/hash';

describe('fingerprint', () => {
  it('is 16 lower-case hex characters and stable', () => {
    const values = ['Иван', '+79123456789', 'ivan@mail.ru', 1500];
    expect(fingerprint(values)).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(values)).toBe(fingerprint([...values]));
  });

  it('has fixed values (a stored fingerprint must still match after a redeploy)', () => {
    expect(fingerprint([])).toBe('811c9dc5050c5d1f');
    expect(fingerprint([null])).toBe('84fc4ad816535132');
    expect(fingerprint(['Иван', '+79123456789', 'ivan@mail.ru', 1500])).toBe('b36909d0dadc45e2');
  });

  const distinct: Array<Array<string | number | null>> = [
    [],
    [null],
    [''],
    ['null'],
    [1],
    ['1'],
    ['', ''],
    ['a', 'b'],
    ['ab', ''],
    ['', 'ab'],
    ['a', 'b', null],
    ['b', 'a'],
    ['Иван', '+79123456789', 'ivan@mail.ru', 1500],
    ['Иван', '+79123456789', 'ivan@mail.ru', 1501],
    ['Иван', '+79123456789', 'ivan@mail.ru', null],
    ['иван', '+79123456789', 'ivan@mail.ru', 1500],
    ['Иван', '+79123456780', 'ivan@mail.ru', 1500],
    ['Иван', null, 'ivan@mail.ru', 1500],
    ['s1:a', null],
  ];
  it('differs for every distinct list', () => {
    const hashes = distinct.map(fingerprint);
    expect(new Set(hashes).size).toBe(distinct.length);
  });
});
