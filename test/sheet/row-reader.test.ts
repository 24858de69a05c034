// Reading some rows of the synced sheet (src/sheet/row-reader.ts): a table of only those rows
// answers like a whole one, rows near each other are read in one block (a call costs about
// 4,000 cells), far ones apart, and a search matches whole cells only.
import { findRowNumbers, readHeader, readRows } from '../../src/sheet/row-reader';
import { SheetTable } from '../../src/sheet/table';
import { MemorySheet } from '../support/memory-sheet';

const HEADER = ['name', 'amo_deal_id', 'external_id', 'sync_status'];

function sheetOf(rows: number): {
  sheet: MemorySheet;
  reads: Array<[number, number]>;
  columns: Array<[number, number]>;
} {
  const cells = [
    HEADER,
    ...Array.from({ length: rows }, (_, i) => [`p${i + 2}`, `${100 + i}`, '', '']),
  ];
  const sheet = new MemorySheet(cells);
  sheet.notes = cells.map((_, i) => ['', '', '', `note ${i + 1}`]);
  const reads: Array<[number, number]> = [];
  const read = sheet.read.bind(sheet);
  const columns: Array<[number, number]> = [];
  sheet.read = (row, column, height, width) => {
    reads.push([row, height]);
    columns.push([column, width]);
    return read(row, column, height, width);
  };
  return { sheet, reads, columns };
}

describe('row reader', () => {
  it('a table of some rows answers their cells and notes, and knows no other row', () => {
    const { sheet } = sheetOf(50);
    const table = readRows(sheet, readHeader(sheet), [7, 40]);
    const row = table.row(7);
    expect(row && table.text(row, 'name')).toBe('p7');
    expect(row && table.note(row)).toBe('note 7');
    expect(table.row(8)).toBeUndefined();
    expect(table.rows.map(r => r.rowNumber)).toEqual([7, 40]);
  });

  it('reads near rows in one block and far rows apart', () => {
    const { sheet, reads } = sheetOf(3000);
    const header = readHeader(sheet);
    readRows(sheet, header, [10, 20]);
    // 9 rows of 5 cells between them cost less than a call: one read, gap included.
    expect(reads).toEqual([[10, 11]]);
    reads.length = 0;
    readRows(sheet, header, [10, 2500]);
    expect(reads).toEqual([
      [10, 1],
      [2500, 1],
    ]);
  });

  it('finds rows by the whole cell: 101 is not found by 1 or 10', () => {
    const { sheet } = sheetOf(50);
    const header = readHeader(sheet);
    expect(findRowNumbers(sheet, header, 'amo_deal_id', ['101'])).toEqual([3]);
    expect(findRowNumbers(sheet, header, 'amo_deal_id', ['1', '10'])).toEqual([]);
    expect(findRowNumbers(sheet, header, 'amo_deal_id', [])).toEqual([]);
  });

  it("a read of ids only reads the id columns: a person's cells read as blank, no notes", () => {
    const { sheet, columns } = sheetOf(50);
    const header = readHeader(sheet);
    const table = readRows(sheet, header, [7, 40], { ids: true });
    // amo_deal_id (B) to external_id (C): two columns from B, never the name in A (and the
    // gap between the rows is cheaper read than a second call).
    expect(columns).toEqual([[2, 2]]);
    const row = table.row(7);
    expect(row && table.text(row, 'amo_deal_id')).toBe('105');
    expect(row && table.text(row, 'name')).toBe('');
    expect(row && table.note(row)).toBe('');
  });

  it('a whole-sheet read of ids only reads the id columns of every row', () => {
    const { sheet, columns } = sheetOf(50);
    const table = SheetTable.read(sheet, { ids: true });
    expect(columns).toEqual([[2, 2]]);
    expect(table.whole).toBe(true);
    expect(table.rows).toHaveLength(50);
    expect(table.text(table.rows[48], 'amo_deal_id')).toBe('148');
    expect(table.text(table.rows[48], 'name')).toBe('');
  });
});
