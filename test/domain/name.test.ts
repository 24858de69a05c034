// Name normalization: whitespace is tidied, everything else is kept, over-long names refused.
import { MAX_NAME_CHARS, normalizeName } from '../../src/domain/name';

describe('normalizeName', () => {
  it.each<[unknown, string]>([
    ['Иван Петров', 'Иван Петров'],
    ['  Иван   Петров  ', 'Иван Петров'],
    ['Иван\nПетров', 'Иван Петров'],
    ['Иван\u00a0\t Петров', 'Иван Петров'],
    ['محمد علي', 'محمد علي'],
    ['Ivan 🚀 Petrov', 'Ivan 🚀 Petrov'],
    ['👨‍👩‍👧 Family', '👨‍👩‍👧 Family'],
    [2024, '2024'],
    ['x'.repeat(MAX_NAME_CHARS), 'x'.repeat(MAX_NAME_CHARS)],
    ['😀'.repeat(MAX_NAME_CHARS), '😀'.repeat(MAX_NAME_CHARS)],
  ])('%p → %p', (raw, expected) => {
    expect(normalizeName(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], [' \n '], [undefined], [null]])('%p is blank → null', raw => {
    expect(normalizeName(raw)).toEqual({ ok: true, value: null });
  });

  it.each<[unknown, string]>([
    ['x'.repeat(256), 'name is too long: 256 characters, at most 255 allowed'],
    ['😀'.repeat(300), 'name is too long: 300 characters, at most 255 allowed'],
    [new Date(2024, 0, 1), 'name is a date: format the cell as plain text'],
    [false, 'name is not text'],
  ])('%p → error %p', (raw, error) => {
    expect(normalizeName(raw)).toEqual({ ok: false, error });
  });
});
