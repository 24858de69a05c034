// The synced sheet as one snapshot: one read of every value, rows known by their identity
// (external_id / amo_deal_id), and staged updates written back as few rectangular blocks as
// the layout allows. Row numbers are only valid for the snapshot they came from: a person may
// sort, insert or delete rows at any time, so write-back re-reads and finds rows by identity.
import { CellValue, SheetPort } from '../ports';
import { cellText } from './cell-text';
import { COLUMN_KEYS, ColumnKey, ColumnMap, mapHeaders } from './headers';

export interface TableRow {
  /** 1-based sheet row in this snapshot. */
  readonly rowNumber: number;
  readonly cells: CellValue[];
}

export class SheetTable {
  private readonly staged = new Map<number, Map<number, CellValue>>();

  private constructor(
    readonly sheet: SheetPort,
    readonly columns: ColumnMap,
    readonly width: number,
    readonly rows: TableRow[]
  ) {}

  /** Reads the whole sheet in one call. */
  static read(sheet: SheetPort): SheetTable {
    const values = sheet.readAll();
    const header = values[0] ?? [];
    const rows = values.slice(1).map((cells, i) => ({ rowNumber: i + 2, cells }));
    return new SheetTable(sheet, mapHeaders(header), header.length, rows);
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
    return this.rows[rowNumber - 2];
  }

  /** Stages a cell write; absent columns are ignored (they are never created or written). */
  set(row: TableRow, key: ColumnKey, value: CellValue): void {
    const index = this.columns[key];
    if (index === undefined) return;
    if (sameValue(row.cells[index], value)) return;
    let cells = this.staged.get(row.rowNumber);
    if (!cells) this.staged.set(row.rowNumber, (cells = new Map()));
    cells.set(index, value);
  }

  hasChanges(): boolean {
    return this.staged.size > 0;
  }

  /**
   * Writes the staged cells: one block per run of adjacent synced columns that holds a change,
   * spanning the changed rows. Cells inside a block that were not staged are written back with
   * the snapshot's values, so nothing outside the synced columns is ever touched.
   * Returns the number of blocks written.
   */
  commit(): number {
    if (this.staged.size === 0) return 0;
    const rowNumbers = [...this.staged.keys()];
    const top = Math.min(...rowNumbers);
    const bottom = Math.max(...rowNumbers);
    const changedColumns = new Set<number>();
    for (const cells of this.staged.values()) for (const c of cells.keys()) changedColumns.add(c);
    const blocks = columnRuns(this.columns).filter(run => run.some(c => changedColumns.has(c)));
    for (const run of blocks) {
      const first = run.find(c => changedColumns.has(c)) as number;
      const last = [...run].reverse().find(c => changedColumns.has(c)) as number;
      this.sheet.write(top, first + 1, this.block(top, bottom, first, last));
    }
    for (const [rowNumber, cells] of this.staged) {
      const row = this.row(rowNumber);
      if (row) for (const [c, v] of cells) row.cells[c] = v;
    }
    this.staged.clear();
    return blocks.length;
  }

  private block(top: number, bottom: number, first: number, last: number): CellValue[][] {
    const out: CellValue[][] = [];
    for (let r = top; r <= bottom; r++) {
      const cells = this.row(r)?.cells ?? [];
      const staged = this.staged.get(r);
      const line: CellValue[] = [];
      for (let c = first; c <= last; c++) line.push(staged?.get(c) ?? cells[c] ?? '');
      out.push(line);
    }
    return out;
  }
}

/** Maximal runs of adjacent 0-based column indexes that all belong to synced columns. */
function columnRuns(columns: ColumnMap): number[][] {
  const indexes = COLUMN_KEYS.map(k => columns[k])
    .filter((i): i is number => i !== undefined)
    .sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const i of indexes) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === i - 1) run.push(i);
    else runs.push([i]);
  }
  return runs;
}

function sameValue(a: CellValue | undefined, b: CellValue): boolean {
  if (a instanceof Date || b instanceof Date) return false;
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return cellText(a) === cellText(b) && (a ?? '') === b;
}
