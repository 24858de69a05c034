// The story's sheet table: within the width it is given, the script's cells in full on the ↳
// line under each row, the person's columns shrunk with '…' (never below their header), and
// changed cells marked.
import { renderSheet } from '../../sandbox/story/sheet-table';
import { fold, wrap } from '../../sandbox/story/text';

const HEADER = ['name', 'email', 'amo_deal_id', 'amo_link', 'status', 'sync_status'];
const LONG_ERROR =
  'error: phone "12ab" is not a valid number; email "нет-почты" is not a valid address; ' +
  'budget "много" is not a number';
const grid = [
  HEADER,
  [
    'Мария Соколова',
    'maria.sokolova@mail.ru',
    '31000001',
    'https://x/leads/detail/1',
    'Новый',
    'ok',
  ],
  ['Ошибочная строка', 'нет-почты', '', '', '', LONG_ERROR],
];
const columns = (lines: string[]) => Math.max(...lines.map(l => [...l].length));

describe('the sheet table', () => {
  it('puts the script’s cells under the row, whole, and leaves out amo_link', () => {
    const { lines, leftOut } = renderSheet(grid, undefined, 60);
    expect(columns(lines)).toBeLessThanOrEqual(60);
    expect(lines[0]).toBe('# │ name             │ email');
    expect(lines[1]).toBe('  ↳ amo_deal_id · status · sync_status');
    expect(lines[3]).toBe('2 │ Мария Соколова   │ maria.sokolova@mail.ru');
    expect(lines[4]).toBe('  ↳ 31000001 · Новый · ok');
    const below = lines.slice(6).map(l => l.trim());
    expect(below.join(' ')).toBe(`↳ — · — · ${LONG_ERROR}`);
    expect(below.length).toBeGreaterThan(1);
    expect(leftOut).toEqual(['amo_link']);
  });

  it('shrinks the widest column first, down to its header, and leaves out what still does not fit', () => {
    const { lines } = renderSheet(grid, undefined, 30);
    expect(lines[0]).toBe('# │ name         │ email');
    expect(lines.find(l => l.startsWith('2 │'))).toBe('2 │ Мария Сокол… │ maria.soko…');
    expect(columns(lines)).toBeLessThanOrEqual(30);
    // At 20 even the narrowest email does not fit: it is left out, and named.
    const narrow = renderSheet(grid, undefined, 20);
    expect(narrow.lines.find(l => l.startsWith('2 │'))).toBe('2 │ Мария Соколова');
    expect(narrow.leftOut).toEqual(['email', 'amo_link']);
  });

  it('marks the cells that changed, and counts them', () => {
    const after = grid.map(row => [...row]);
    after[1][4] = 'Переговоры';
    const { lines, changed } = renderSheet(after, grid, 60);
    expect(changed).toBe(1);
    expect(lines[4]).toBe('  ↳ 31000001 · Переговоры* · ok');
  });
});

describe('wrapping', () => {
  it('breaks at spaces and splits a word longer than the line', () => {
    expect(wrap('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('folds a long line under its own indent, two deeper', () => {
    expect(fold('  AmoCRM 4 requests (GET /a 1, GET /b 1)', 24)).toEqual([
      '  AmoCRM 4 requests',
      '    (GET /a 1, GET /b 1)',
    ]);
    expect(fold('short', 24)).toEqual(['short']);
  });
});
