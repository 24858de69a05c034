// The test-side handle on the spreadsheet (`runtime.spreadsheet`): read cells directly, load and
// save a sheet as CSV, and act as a person would — type values, insert or delete rows, sort.
// None of this is a script call: nothing is counted and no virtual time passes. A person's
// typing goes through the same typed-input parsing as a script's setValues.

import { parseA1 } from './a1-notation';
import { parseCsv, toCsv } from './csv';
import { copyRule, type ValidationRule } from './data-validation';
import type { Cell, CellValue, SheetModel, SpreadsheetModel } from './sheet-model';
import { sortSheet } from './spreadsheet-service';

export interface CellSnapshot {
  value: CellValue;
  display: string;
  formula: string;
  format: string;
  note: string;
  /** The cell's data validation, or null. */
  validation: ValidationRule | null;
  /** The value does not fit the validation: Sheets marks the cell with a red warning corner. */
  invalid: boolean;
}

/** An edit a person tried that data validation refused ("Reject input"); nothing changed. */
export interface RefusedEdit {
  sheet: string;
  row: number;
  column: number;
  input: unknown;
  message: string;
}

export interface WriteOptions {
  /** Store values exactly as given (strings stay text) instead of parsing them as typed input. */
  raw?: boolean;
}

export class SpreadsheetControl {
  /** Every edit data validation refused, oldest first (what Sheets showed the person). */
  readonly refusedEdits: RefusedEdit[] = [];

  constructor(readonly model: SpreadsheetModel) {}

  sheetNames(): string[] {
    return this.model.sheets.map(s => s.name);
  }

  /** Adds a sheet (no-op if it exists) and returns its id. */
  addSheet(name: string): number {
    return (this.model.sheet(name) ?? this.model.addSheet(name)).id;
  }

  /** The sheet's values from A1 to its last row and column, as getValues() would return them. */
  values(sheetName: string): CellValue[][] {
    return this.block(sheetName, (sheet, r, c) => this.model.valueOf(sheet, r, c));
  }

  displayValues(sheetName: string): string[][] {
    return this.block(sheetName, (sheet, r, c) => this.model.displayOf(sheet, r, c));
  }

  formulas(sheetName: string): string[][] {
    return this.block(sheetName, (sheet, r, c) => sheet.cell(r, c)?.formula ?? '');
  }

  /** Data rows as objects keyed by the (trimmed) headers of row 1. */
  records(sheetName: string): Record<string, CellValue>[] {
    const [header = [], ...rows] = this.values(sheetName);
    return rows.map(row =>
      Object.fromEntries(header.map((h, i) => [String(h).trim(), row[i] ?? '']))
    );
  }

  cell(sheetName: string, row: number, column: number): CellSnapshot {
    const sheet = this.model.requireSheet(sheetName);
    const cell = sheet.cell(row, column);
    return {
      value: this.model.valueOf(sheet, row, column),
      display: this.model.displayOf(sheet, row, column),
      formula: cell?.formula ?? '',
      format: this.model.formatOf(sheet, row, column),
      note: cell?.note ?? '',
      validation: cell?.validation ? copyRule(cell.validation) : null,
      invalid: this.model.isInvalid(sheet, row, column),
    };
  }

  /**
   * A person types or pastes a block, as Sheets takes it: when a cell's data validation rejects
   * input (allowInvalid false) and the typed value does not fit, the whole edit is refused and
   * recorded in `refusedEdits`, and every cell keeps its value. Values that do not fit a
   * warning-only rule are kept (the cell reads `invalid`). True when the edit went in.
   */
  typeValues(sheetName: string, row: number, column: number, values: unknown[][]): boolean {
    const sheet = this.model.sheet(sheetName) ?? this.model.addSheet(sheetName);
    for (const [i, line] of values.entries()) {
      for (const [j, input] of line.entries()) {
        const message = this.model.refusal(sheet, row + i, column + j, input);
        if (message === null) continue;
        this.refusedEdits.push({
          sheet: sheetName,
          row: row + i,
          column: column + j,
          input,
          message,
        });
        return false;
      }
    }
    this.setValues(sheetName, row, column, values);
    return true;
  }

  /**
   * A person copies row `from` and pastes it over row `to` (Ctrl+C, Ctrl+V): Sheets' paste takes
   * each cell whole — its value as it is (not parsed again as typed input), its formula, number
   * format, note and data validation (https://support.google.com/docs/answer/161768: "Paste"
   * copies everything; "Paste special" picks parts). `overrides` sets some cells' values after
   * (a test that marks the copy).
   */
  pasteRow(
    sheetName: string,
    from: number,
    to: number,
    overrides: Record<number, CellValue> = {}
  ): void {
    const sheet = this.model.sheet(sheetName);
    if (!sheet) throw new Error(`no sheet ${sheetName}`);
    const width = sheet.lastColumn();
    ensureSize(sheet, to, width);
    for (let c = 1; c <= width; c++) {
      const source = sheet.cell(from, c);
      const target = sheet.cellFor(to, c);
      for (const key of Object.keys(target) as Array<keyof Cell>) delete target[key];
      Object.assign(target, source ? structuredClone(source) : { value: '' });
    }
    for (const [column, value] of Object.entries(overrides)) {
      this.model.writeRaw(sheet, to, Number(column), value);
    }
  }

  /** Writes a block at (row, column), growing the sheet if needed; typed input by default. */
  setValues(
    sheetName: string,
    row: number,
    column: number,
    values: unknown[][],
    options: WriteOptions = {}
  ): void {
    const sheet = this.model.sheet(sheetName) ?? this.model.addSheet(sheetName);
    const width = Math.max(0, ...values.map(line => line.length));
    ensureSize(sheet, row + values.length - 1, column + width - 1);
    values.forEach((line, i) =>
      line.forEach((value, j) => {
        if (options.raw) this.model.writeRaw(sheet, row + i, column + j, value);
        else this.model.writeInput(sheet, row + i, column + j, value);
      })
    );
  }

  /** Replaces the sheet's contents with the CSV (created if missing), as typed input by default. */
  loadCsv(sheetName: string, csvText: string, options: WriteOptions = {}): void {
    const sheet = this.model.sheet(sheetName) ?? this.model.addSheet(sheetName);
    sheet.clearBlock(
      { row: 1, column: 1, numRows: sheet.maxRows, numColumns: sheet.maxColumns },
      { contents: true }
    );
    this.setValues(sheetName, 1, 1, parseCsv(csvText), options);
  }

  /** The sheet as CSV of its displayed values (what File → Download → CSV gives). */
  toCsv(sheetName: string): string {
    return toCsv(this.displayValues(sheetName));
  }

  /** A person inserts empty rows before `row`. */
  insertRowsAt(sheetName: string, row: number, count = 1): void {
    const sheet = this.model.requireSheet(sheetName);
    sheet.insertRows(row, count, row > 1 ? row - 1 : row);
  }

  /** A person deletes rows starting at `row`. */
  deleteRowAt(sheetName: string, row: number, count = 1): void {
    this.model.requireSheet(sheetName).deleteRows(row, count);
  }

  /** A person sorts the data rows (below the header row, or below the frozen rows) by a column. */
  sortBy(sheetName: string, column: number, ascending = true): void {
    const sheet = this.model.requireSheet(sheetName);
    const frozen = sheet.frozenRows;
    sheet.frozenRows = Math.max(frozen, 1);
    try {
      sortSheet(this.model, sheet, column, ascending);
    } finally {
      sheet.frozenRows = frozen;
    }
  }

  /** Sets a number format on an A1 block (e.g. '@' on a column kept as text). */
  setNumberFormat(sheetName: string, a1: string, format: string): void {
    const sheet = this.model.requireSheet(sheetName);
    const rect = parseA1(a1, sheet.maxRows, sheet.maxColumns);
    if (!rect) throw new Error(`Bad A1 notation: ${a1}`);
    for (let r = rect.row; r < rect.row + rect.numRows; r += 1) {
      for (let c = rect.column; c < rect.column + rect.numColumns; c += 1) {
        sheet.cellFor(r, c).format = format;
      }
    }
  }

  setFrozenRows(sheetName: string, rows: number): void {
    this.model.requireSheet(sheetName).frozenRows = rows;
  }

  private block<T>(sheetName: string, pick: (sheet: SheetModel, r: number, c: number) => T): T[][] {
    const sheet = this.model.requireSheet(sheetName);
    const rows = sheet.lastRow();
    const columns = sheet.lastColumn();
    return Array.from({ length: rows }, (_, i) =>
      Array.from({ length: columns }, (_v, j) => pick(sheet, i + 1, j + 1))
    );
  }
}

function ensureSize(sheet: SheetModel, rows: number, columns: number): void {
  if (rows > sheet.maxRows) sheet.insertRows(sheet.maxRows + 1, rows - sheet.maxRows);
  if (columns > sheet.maxColumns) sheet.maxColumns = columns;
}
