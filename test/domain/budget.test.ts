// Budget parsing, table-driven: every way a price is typed in a sheet, the integer sent to
// AmoCRM (rounded half up), and the exact error for what cannot be read unambiguously.
import { MAX_BUDGET, parseBudget } from '../../src/domain/budget';

describe('parseBudget', () => {
  it.each<[unknown, number]>([
    [1500, 1500],
    [0, 0],
    [-0, 0],
    [1500.4, 1500],
    [1500.5, 1501],
    [2.5, 3],
    [MAX_BUDGET, MAX_BUDGET],
    [MAX_BUDGET + 0.4, MAX_BUDGET],
    ['1500', 1500],
    ['0', 0],
    ['-0', 0],
    [' 1500 ', 1500],
    ['1 500', 1500],
    ['1\u00a0500', 1500],
    ['1\u202f500', 1500],
    ['1\u2009500', 1500],
    ['1 500 000', 1500000],
    ["1'500", 1500],
    ['1 500,50', 1501],
    ['1 500,49', 1500],
    ['1500.5', 1501],
    ['1500,5', 1501],
    ['1 500 ₽', 1500],
    ['1500₽', 1500],
    ['₽ 1500', 1500],
    ['1500 руб.', 1500],
    ['1500 руб', 1500],
    ['1500 рублей', 1500],
    ['1500р.', 1500],
    ['1500 RUB', 1500],
    ['USD 1500', 1500],
    ['$1,500.00', 1500],
    ['€1.500,00', 1500],
    ['1.500,00', 1500],
    ['1,500,000', 1500000],
    ['1.500.000', 1500000],
    ['1,500,000.75', 1500001],
    ['1,5', 2],
    ['1,4', 1],
    ['0,5', 1],
    ['0.500', 1],
    ['0,499', 0],
    ['1500,00', 1500],
    ['12.3456', 12],
    ['2147483647', MAX_BUDGET],
    ['2 147 483 647 ₽', MAX_BUDGET],
  ])('%p → %p', (raw, expected) => {
    expect(parseBudget(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['   '], ['\u00a0'], [undefined], [null]])('%p is blank → null', raw => {
    expect(parseBudget(raw)).toEqual({ ok: true, value: null });
  });

  it.each<[unknown, string]>([
    ['abc', 'budget "abc" is not a number'],
    ['₽', 'budget "₽" is not a number'],
    ['руб.', 'budget "руб." is not a number'],
    ['1500 apples', 'budget "1500 apples" is not a number'],
    ['about 1500', 'budget "about 1500" is not a number'],
    ['1e3', 'budget "1e3" is not a number'],
    ['12 34', 'budget "12 34" is not a number'],
    ['1 5000', 'budget "1 5000" is not a number'],
    ['1.5.00', 'budget "1.5.00" is not a number'],
    ['1,500.000.5', 'budget "1,500.000.5" is not a number'],
    ['12,34,567', 'budget "12,34,567" is not a number'],
    ['1500.', 'budget "1500." is not a number'],
    ['.5', 'budget ".5" is not a number'],
    ['1 500 - 2 000', 'budget "1 500 - 2 000" is not a number'],
    ['1,500', 'budget "1,500" is ambiguous: write it without separators, e.g. 1500'],
    ['1.500', 'budget "1.500" is ambiguous: write it without separators, e.g. 1500'],
    ['$1,500', 'budget "$1,500" is ambiguous: write it without separators, e.g. 1500'],
    ['-5', 'budget "-5" is negative'],
    ['-1 500 ₽', 'budget "-1 500 ₽" is negative'],
    ['−1500', 'budget "−1500" is negative'],
    ['$-5', 'budget "$-5" is negative'],
    [-5, 'budget "-5" is negative'],
    [-0.3, 'budget "-0.3" is negative'],
    [2147483648, 'budget "2147483648" is more than AmoCRM allows (2147483647)'],
    [MAX_BUDGET + 0.5, 'budget "2147483647.5" is more than AmoCRM allows (2147483647)'],
    ['3 000 000 000', 'budget "3 000 000 000" is more than AmoCRM allows (2147483647)'],
    ['1' + '0'.repeat(400), `budget "1${'0'.repeat(38)}…" is more than AmoCRM allows (2147483647)`],
    [Number.NaN, 'budget "NaN" is not a number'],
    [Number.POSITIVE_INFINITY, 'budget "Infinity" is more than AmoCRM allows (2147483647)'],
    [Number.NEGATIVE_INFINITY, 'budget "-Infinity" is negative'],
    [true, 'budget TRUE is not a number'],
    [false, 'budget FALSE is not a number'],
    [new Date(2024, 0, 1), 'budget is a date, not a number: format the cell as a number'],
    [{}, 'budget is not a number'],
  ])('%p → error %p', (raw, error) => {
    expect(parseBudget(raw)).toEqual({ ok: false, error });
  });
});
