// The synced sheet as one snapshot: one read of every value (and of the sync's notes), rows
// known by their identity (external_id / amo_deal_id), and staged updates written back cell by
// cell. Row numbers are only valid for the snapshot they came from: a person may sort, insert
// or delete rows at any time, so a flow re-reads under the script lock and writes straight
// after. Only staged cells are written — never filler from the snapshot, which a person may
// have changed since — and never over a formula a person keeps in a cell.
import { CellValue, SheetPort } from '../ports';
import { cellText } from './cell-text';
import { ColumnKey, ColumnMap, idSpan, mapHeaders, PERSON_COLUMNS } from './headers';

export interface TableRow {
  /** 1-based sheet row in this snapshot. */
  readonly rowNumber: number;
  readonly cells: CellValue[];
}

/**
 * What a read takes: `notes: false` leaves out the memory notes; `ids`: only the id columns are
 * read (blank elsewhere), and the notes only when `notes` is true.
 */
export interface ReadOptions {
  notes?: boolean;
  ids?: boolean;
}

/** Where the sync keeps each row's memory: the note of this column's cell. */
export const NOTE_COLUMN: ColumnKey = 'sync_status';

export class SheetTable {
  private readonly staged = new Map<number, Map<number, CellValue>>();
  private readonly stagedNotes = new Map<number, string>();
  /** Columns beyond the fixed ones that the sync writes (mapped fields): people's columns. */
  private readonly mappedColumns = new Set<number>();
  /**
   * Told of each staged cell left alone because a person keeps a formula there, before the
   * notes are written: a flow can then keep the row's memory from claiming the value landed.
   */
  onFormulaKept?: (row: TableRow, key: ColumnKey | number) => void;

  private readonly byNumber: Map<number, TableRow>;

  private constructor(
    readonly sheet: SheetPort,
    readonly columns: ColumnMap,
    readonly width: number,
    readonly rows: TableRow[],
    private readonly notes: Map<number, string>,
    /** False when the table holds only some rows of the sheet (src/sheet/row-reader.ts). */
    readonly whole: boolean,
    /** Row 1 as read (columns beyond the fixed ones are mapped from it, see src/fields). */
    readonly header: CellValue[] = []
  ) {
    this.byNumber = new Map(rows.map(r => [r.rowNumber, r]));
  }

  /**
   * Reads the whole sheet in one call, and (unless only identities are wanted) the notes of the
   * memory column in one more.
   */
  static read(sheet: SheetPort, options: ReadOptions = {}): SheetTable {
    if (options.ids) return SheetTable.readIds(sheet, options.notes === true);
    const values = sheet.readAll();
    const header = values[0] ?? [];
    const rows = values.slice(1).map((cells, i) => ({ rowNumber: i + 2, cells }));
    const columns = mapHeaders(header);
    const notes =
      options.notes !== false
        ? memoryNotes(sheet, columns, rows.length)
        : new Map<number, string>();
    return new SheetTable(sheet, columns, header.length, rows, notes, true, header);
  }

  /**
   * Every data row's id columns only (other cells read as blank; the memory notes when asked):
   * what a flow needs before it talks to AmoCRM. A person's cells are read again under the
   * lock, so a run never holds an edit it cannot act on, and a large sheet costs a few columns
   * instead of all.
   */
  private static readIds(sheet: SheetPort, withNotes: boolean): SheetTable {
    const header = sheet.headerRow();
    const columns = mapHeaders(header);
    const span = idSpan(columns);
    const last = sheet.lastRow();
    const values =
      span && last >= 2 ? sheet.read(2, span[0] + 1, last - 1, span[1] - span[0] + 1) : [];
    const rows = values.map((cells, i) => ({
      rowNumber: i + 2,
      cells: placed(cells, header.length, span?.[0] ?? 0),
    }));
    const notes = withNotes ? memoryNotes(sheet, columns, rows.length) : new Map<number, string>();
    return new SheetTable(sheet, columns, header.length, rows, notes, true, header);
  }

  /**
   * A table of some rows only (read by the caller): it answers the same methods, and its rows
   * are written back the same way, but rows it does not hold are unknown to it.
   */
  static ofRows(
    sheet: SheetPort,
    header: CellValue[],
    rows: TableRow[],
    notes: Map<number, string>
  ): SheetTable {
    return new SheetTable(sheet, mapHeaders(header), header.length, rows, notes, false, header);
  }

  has(key: ColumnKey): boolean {
    return this.columns[key] !== undefined;
  }

  /** The raw value of a cell, or undefined when the column is absent. */
  value(row: TableRow, key: ColumnKey): CellValue | undefined {
    const index = this.columns[key];
    return index === undefined ? undefined : row.cells[index];
  }

  text(row: TableRow, key: ColumnKey): string {
    return cellText(this.value(row, key));
  }

  row(rowNumber: number): TableRow | undefined {
    return this.byNumber.get(rowNumber);
  }

  /** The sync's note on the row ('' when none); `saved`: as read, not as staged since. */
  note(row: TableRow, options: { saved?: boolean } = {}): string {
    const saved = this.notes.get(row.rowNumber) ?? '';
    return options.saved ? saved : (this.stagedNotes.get(row.rowNumber) ?? saved);
  }

  setNote(row: TableRow, note: string): void {
    if (this.columns[NOTE_COLUMN] === undefined || this.note(row) === note) return;
    this.stagedNotes.set(row.rowNumber, note);
  }

  /** Stages a cell write; absent columns are ignored (they are never created or written). */
  set(row: TableRow, key: ColumnKey, value: CellValue): void {
    const index = this.columns[key];
    if (index === undefined) return;
    this.stage(row, index, value);
  }

  /** Stages a write into a mapped column (0-based), a person's column like name or budget. */
  setMapped(row: TableRow, index: number, value: CellValue): void {
    this.mappedColumns.add(index);
    this.stage(row, index, value);
  }

  private stage(row: TableRow, index: number, value: CellValue): void {
    const staged = this.staged.get(row.rowNumber);
    if (sameValue(row.cells[index], value)) {
      staged?.delete(index);
      return;
    }
    if (staged) staged.set(index, value);
    else this.staged.set(row.rowNumber, new Map([[index, value]]));
  }

  /** The row as it reads once committed: its staged cells over the ones read. */
  withStaged(row: TableRow): TableRow {
    const staged = this.staged.get(row.rowNumber);
    if (!staged || staged.size === 0) return row;
    const cells = [...row.cells];
    for (const [index, value] of staged) cells[index] = value;
    return { rowNumber: row.rowNumber, cells };
  }

  hasChanges(): boolean {
    return [...this.staged.values()].some(c => c.size > 0) || this.stagedNotes.size > 0;
  }

  /**
   * Writes the staged cells and notes: one write per rectangle of staged cells (adjacent
   * columns of one row, stacked over consecutive rows with the same columns). A staged cell
   * that holds a formula is left alone. Notes go first when a kill between the two must leave
   * the memory rather than the cells (the pull). Returns the number of writes.
   */
  commit(options: { notesFirst?: boolean } = {}): number {
    const cells = this.stagedCells();
    for (const [r, c] of this.dropFormulaCells(cells)) {
      const row = this.row(r);
      const key = (Object.keys(this.columns) as ColumnKey[]).find(k => this.columns[k] === c);
      // A mapped column has no fixed key: its 0-based index stands for it.
      const kept = key ?? (this.mappedColumns.has(c) ? c : undefined);
      if (row && kept !== undefined) this.onFormulaKept?.(row, kept);
    }
    let writes = options.notesFirst ? this.commitNotes() : 0;
    for (const rect of rectangles(cells)) {
      this.sheet.write(
        rect.top,
        rect.left + 1,
        rect.rows.map(r => rect.columns.map(c => cells.get(r)?.get(c) as CellValue))
      );
      writes++;
    }
    for (const [r, line] of cells) {
      const row = this.row(r);
      if (row) for (const [c, v] of line) row.cells[c] = v;
    }
    if (!options.notesFirst) writes += this.commitNotes();
    this.staged.clear();
    return writes;
  }

  private stagedCells(): Map<number, Map<number, CellValue>> {
    const cells = new Map<number, Map<number, CellValue>>();
    for (const [r, line] of this.staged) if (line.size > 0) cells.set(r, new Map(line));
    return cells;
  }

  /**
   * Reads the formulas under the staged cells of the columns people write (one call) and
   * unstages cells that hold one; returns them as [row, column]. Script-owned columns (ids,
   * link, status, sync_status) are the script's: no read is spent on them.
   */
  private dropFormulaCells(cells: Map<number, Map<number, CellValue>>): Array<[number, number]> {
    const personal = new Set([...PERSON_COLUMNS.map(k => this.columns[k]), ...this.mappedColumns]);
    const rowNumbers = [...cells.keys()].filter(r =>
      [...(cells.get(r) as Map<number, CellValue>).keys()].some(c => personal.has(c))
    );
    if (rowNumbers.length === 0) return [];
    const columns = rowNumbers.flatMap(r =>
      [...(cells.get(r) as Map<number, CellValue>).keys()].filter(c => personal.has(c))
    );
    const top = Math.min(...rowNumbers);
    const left = Math.min(...columns);
    const formulas = this.sheet.readFormulas(
      top,
      left + 1,
      Math.max(...rowNumbers) - top + 1,
      Math.max(...columns) - left + 1
    );
    const dropped: Array<[number, number]> = [];
    for (const r of rowNumbers) {
      const line = cells.get(r) as Map<number, CellValue>;
      for (const c of [...line.keys()]) {
        if (personal.has(c) && formulas[r - top]?.[c - left]) {
          line.delete(c);
          dropped.push([r, c]);
        }
      }
      if (line.size === 0) cells.delete(r);
    }
    return dropped;
  }

  private commitNotes(): number {
    const column = this.columns[NOTE_COLUMN];
    if (column === undefined || this.stagedNotes.size === 0) return 0;
    const notes = new Map([...this.stagedNotes].map(([r, n]) => [r, new Map([[column, n]])]));
    let writes = 0;
    for (const rect of rectangles(notes)) {
      this.sheet.writeNotes(
        rect.top,
        column + 1,
        rect.rows.map(r => [notes.get(r)?.get(column) as string])
      );
      writes++;
    }
    for (const [r, note] of this.stagedNotes) this.notes.set(r, note);
    this.stagedNotes.clear();
    return writes;
  }
}

interface Rect {
  top: number;
  left: number;
  rows: number[];
  columns: number[];
}

/** Runs of adjacent staged columns per row, stacked over consecutive rows with the same run. */
function rectangles<T>(cells: Map<number, Map<number, T>>): Rect[] {
  const rects: Rect[] = [];
  const open = new Map<string, Rect>();
  for (const r of [...cells.keys()].sort((a, b) => a - b)) {
    const columns = [...(cells.get(r) as Map<number, T>).keys()].sort((a, b) => a - b);
    for (const run of runs(columns)) {
      const key = run.join(',');
      const rect = open.get(key);
      if (rect && rect.rows[rect.rows.length - 1] === r - 1) rect.rows.push(r);
      else {
        const next = { top: r, left: run[0], rows: [r], columns: run };
        rects.push(next);
        open.set(key, next);
      }
    }
  }
  return rects;
}

function runs(sorted: number[]): number[][] {
  const out: number[][] = [];
  for (const i of sorted) {
    const run = out[out.length - 1];
    if (run && run[run.length - 1] === i - 1) run.push(i);
    else out.push([i]);
  }
  return out;
}

function sameValue(a: CellValue | undefined, b: CellValue): boolean {
  if (a instanceof Date || b instanceof Date) return false;
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return cellText(a) === cellText(b) && (a ?? '') === b;
}

/** The memory notes of the first `count` data rows, by row number (one call). */
function memoryNotes(sheet: SheetPort, columns: ColumnMap, count: number): Map<number, string> {
  const noteColumn = columns[NOTE_COLUMN];
  if (noteColumn === undefined || count === 0) return new Map();
  const notes = sheet.readNotes(2, noteColumn + 1, count, 1);
  return new Map(notes.map((n, i) => [i + 2, n[0] ?? '']));
}

/** A row `width` wide with these cells from column `left` (0-based) on, blank elsewhere. */
export function placed(cells: CellValue[], width: number, left: number): CellValue[] {
  const row: CellValue[] = new Array<CellValue>(width).fill('');
  cells.forEach((c, j) => (row[left + j] = c));
  return row;
}
