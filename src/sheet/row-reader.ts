// Reading only the rows a flow works on, so that its cost follows the work and not the size of
// the sheet: the header, the rows found by an id (TextFinder: the spreadsheet looks, nothing but
// the matches comes back), and those rows' cells and memory notes. The result is a SheetTable
// that holds only these rows and answers the same methods as a whole one.
import type { CellValue, SheetPort } from '../ports';
import { ColumnKey, idSpan, mapHeaders } from './headers';
import { NOTE_COLUMN, placed, ReadOptions, SheetTable, TableRow } from './table';

/**
 * One Spreadsheet call costs about as much as reading this many cells (20 ms a call against
 * 5 µs a cell: the cost model of sandbox/runtime/README.md, itself an assumption). Two wanted
 * rows closer than that are read in one block, gap included, instead of paying two more calls
 * (values and notes) for the second.
 */
const CELLS_PER_CALL = 4000;

/** Row 1: the headers (one call). */
export function readHeader(sheet: SheetPort): CellValue[] {
  return sheet.headerRow();
}

/** The rows whose `key` column shows one of `texts`: one TextFinder call, none for no text. */
export function findRowNumbers(
  sheet: SheetPort,
  header: CellValue[],
  key: ColumnKey,
  texts: string[]
): number[] {
  const index = mapHeaders(header)[key];
  const wanted = [...new Set(texts.filter(t => t !== ''))];
  if (index === undefined || wanted.length === 0) return [];
  return sheet.findRows(index + 1, wanted);
}

/** These data rows (values, and the memory notes unless not wanted), in few block reads. */
export function readRows(
  sheet: SheetPort,
  header: CellValue[],
  rowNumbers: number[],
  options: ReadOptions = {}
): SheetTable {
  return readBlocks(sheet, header.length, header, rowNumbers, options);
}

/**
 * Row 1 and these rows, `width` columns wide, row 1 in the same block as the first rows when
 * they are near the top (a call saved): for reading again rows whose header was read before.
 */
export function rereadWithHeader(
  sheet: SheetPort,
  width: number,
  rowNumbers: number[],
  options: { notes?: boolean } = {}
): SheetTable {
  return readBlocks(sheet, width, null, rowNumbers, options);
}

function readBlocks(
  sheet: SheetPort,
  width: number,
  knownHeader: CellValue[] | null,
  rowNumbers: number[],
  options: ReadOptions
): SheetTable {
  const span = options.ids && knownHeader ? idSpan(mapHeaders(knownHeader)) : null;
  if (span) {
    const table = readIdBlocks(sheet, width, knownHeader as CellValue[], rowNumbers, span);
    return options.notes === true ? withNotes(sheet, table) : table;
  }
  // Rows found by a search exist; rows an edit names exist too (a row past the last with
  // content reads as blank, which no flow syncs).
  const wanted = [...new Set(rowNumbers)].filter(r => r >= 2);
  if (!knownHeader) wanted.push(1);
  wanted.sort((a, b) => a - b);
  let header = knownHeader ?? [];
  const blocks: Array<{ top: number; values: CellValue[][]; rows: number[] }> = [];
  for (const span of spans(wanted, width + 1)) {
    const values = sheet.read(span[0], 1, span[span.length - 1] - span[0] + 1, width);
    if (span[0] === 1) header = values[0] ?? [];
    blocks.push({ top: span[0], values, rows: span.filter(r => r >= 2) });
  }
  const noteIndex = mapHeaders(header)[NOTE_COLUMN];
  const rows: TableRow[] = [];
  const notes = new Map<number, string>();
  for (const block of blocks) {
    if (block.rows.length === 0) continue;
    const top = block.rows[0];
    const height = block.rows[block.rows.length - 1] - top + 1;
    const blockNotes =
      noteIndex !== undefined && options.notes !== false
        ? sheet.readNotes(top, noteIndex + 1, height, 1)
        : [];
    for (const r of block.rows) {
      rows.push({ rowNumber: r, cells: block.values[r - block.top] ?? [] });
      if (blockNotes.length > 0) notes.set(r, blockNotes[r - top]?.[0] ?? '');
    }
  }
  return SheetTable.ofRows(sheet, header, rows, notes);
}

function readIdBlocks(
  sheet: SheetPort,
  width: number,
  header: CellValue[],
  rowNumbers: number[],
  [left, right]: [number, number]
): SheetTable {
  const wanted = [...new Set(rowNumbers)].filter(r => r >= 2).sort((a, b) => a - b);
  const rows: TableRow[] = [];
  for (const span of spans(wanted, right - left + 2)) {
    const top = span[0];
    const values = sheet.read(top, left + 1, span[span.length - 1] - top + 1, right - left + 1);
    for (const r of span) {
      rows.push({ rowNumber: r, cells: placed(values[r - top] ?? [], width, left) });
    }
  }
  return SheetTable.ofRows(sheet, header, rows, new Map());
}

/** The same rows with their memory notes, read in the same blocks. */
function withNotes(sheet: SheetPort, table: SheetTable): SheetTable {
  const noteIndex = table.columns[NOTE_COLUMN];
  if (noteIndex === undefined || table.rows.length === 0) return table;
  const notes = new Map<number, string>();
  const numbers = table.rows.map(r => r.rowNumber);
  for (const span of spans(numbers, 2)) {
    const top = span[0];
    const read = sheet.readNotes(top, noteIndex + 1, span[span.length - 1] - top + 1, 1);
    for (const r of span) notes.set(r, read[r - top]?.[0] ?? '');
  }
  return SheetTable.ofRows(sheet, table.header, table.rows, notes);
}

/** Sorted rows grouped so that a group's gaps cost less to read than a call would. */
function spans(sorted: number[], cellsPerRow: number): number[][] {
  const out: number[][] = [];
  for (const r of sorted) {
    const span = out[out.length - 1];
    const gap = span ? r - span[span.length - 1] - 1 : Infinity;
    if (span && gap * cellsPerRow < CELLS_PER_CALL) span.push(r);
    else out.push([r]);
  }
  return out;
}
