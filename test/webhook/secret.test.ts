// Secret comparison: equal only for identical strings, with length differences folded in, and
// an unset secret never matching.
import { constantTimeEqual, secretMatches } from '../../src/webhook/secret';

describe('constantTimeEqual', () => {
  it.each<[string, string, boolean]>([
    ['abc', 'abc', true],
    ['', '', true],
    ['секрет-🔑', 'секрет-🔑', true],
    ['abd', 'abc', false],
    ['xbc', 'abc', false],
    ['ab', 'abc', false],
    ['abcd', 'abc', false],
    ['', 'abc', false],
    ['abc', '', false],
    ['ab', 'ab\u0000', false],
    ['ab\u0000', 'ab', false],
    ['ABC', 'abc', false],
    ['a'.repeat(1000), 'a'.repeat(999) + 'b', false],
  ])('%p vs %p → %p', (given, expected, equal) => {
    expect(constantTimeEqual(given, expected)).toBe(equal);
  });
});

describe('secretMatches', () => {
  it.each<[string | null | undefined, string | null | undefined, boolean]>([
    ['s3cret', 's3cret', true],
    ['s3cret', 's3cre', false],
    [null, 's3cret', false],
    [undefined, 's3cret', false],
    ['', 's3cret', false],
    ['', '', false],
    ['s3cret', '', false],
    ['s3cret', null, false],
    [undefined, undefined, false],
  ])('%p vs %p → %p', (given, expected, match) => {
    expect(secretMatches(given, expected)).toBe(match);
  });
});
