// A sheet in memory implementing SheetPort, recording every block write (unit tests).
import type { CellValue, SheetPort } from '../../src/ports';
import { cellText } from '../../src/sheet/cell-text';

export class MemorySheet implements SheetPort {
  writes: Array<{ row: number; column: number; values: CellValue[][] }> = [];

  constructor(
    public cells: CellValue[][],
    readonly name = 'Leads'
  ) {}

  lastRow = () => this.cells.length;
  lastColumn = () => Math.max(0, ...this.cells.map(r => r.length));
  read(row: number, column: number, rows: number, columns: number): CellValue[][] {
    return this.cells
      .slice(row - 1, row - 1 + rows)
      .map(r => r.slice(column - 1, column - 1 + columns));
  }
  readAll = () => this.cells.map(r => [...r]);
  headerRow = () => {
    const row = [...(this.cells[0] ?? [])];
    while (row.length > 0 && row[row.length - 1] === '') row.pop();
    return row;
  };
  findRows(column: number, texts: string[]): number[] {
    const wanted = new Set(texts);
    const rows: number[] = [];
    this.cells.forEach((r, i) => {
      if (i > 0 && wanted.has(cellText(r[column - 1]))) rows.push(i + 1);
    });
    return rows;
  }
  write(row: number, column: number, values: CellValue[][]): void {
    this.writes.push({ row, column, values });
    values.forEach((line, i) => {
      while (this.cells.length < row + i) this.cells.push([]);
      line.forEach((v, j) => (this.cells[row - 1 + i][column - 1 + j] = v));
    });
  }
  notes: string[][] = [];
  formulas: string[][] = [];
  readNotes(row: number, column: number, rows: number, columns: number): string[][] {
    return Array.from({ length: rows }, (_, i) =>
      Array.from({ length: columns }, (_, j) => this.notes[row - 1 + i]?.[column - 1 + j] ?? '')
    );
  }
  writeNotes(row: number, column: number, notes: string[][]): void {
    notes.forEach((line, i) => {
      const r = (this.notes[row - 1 + i] ??= []);
      line.forEach((v, j) => (r[column - 1 + j] = v));
    });
  }
  readFormulas(row: number, column: number, rows: number, columns: number): string[][] {
    return Array.from({ length: rows }, (_, i) =>
      Array.from({ length: columns }, (_, j) => this.formulas[row - 1 + i]?.[column - 1 + j] ?? '')
    );
  }
  append(values: CellValue[]): void {
    this.cells.push(values);
  }
  ensureRows(): void {
    // An array grows as it is written.
  }
  insertRows(before: number, count: number): void {
    this.cells.splice(before - 1, 0, ...Array.from({ length: count }, () => []));
  }
  deleteRows(from: number, count: number): void {
    this.cells.splice(from - 1, count);
  }
  flush(): void {}
}
