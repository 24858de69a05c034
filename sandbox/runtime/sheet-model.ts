// The in-memory spreadsheet behind SpreadsheetApp: sheets made of cells (value or formula,
// number format, note, simple style), with the grid operations Sheets offers — insert/delete
// rows and columns, sort, clear — and the two ways a value gets into a cell: typed input
// (strings parsed as Sheets parses them) and raw values. Values of formula cells are computed
// on read. This state outlives executions; SpreadsheetApp objects are thin views over it.

import {
  displayValue,
  DEFAULT_NUMBER_FORMAT,
  isDateFormat,
  isNumberFormat,
} from './display-format';
import { dateToSerial, defaultDateTimeFormat, serialToDate } from './sheet-dates';
import { evaluateFormula, type Scalar } from './formula';
import { parseTypedInput, type CellValue } from './typed-input';
import { types } from 'node:util';
import type { GridRect } from './a1-notation';
import { copyRule, fitsRule, refusalMessage, type ValidationRule } from './data-validation';

export type { CellValue } from './typed-input';

export interface Cell {
  value: CellValue;
  formula?: string;
  format?: string;
  note?: string;
  /** Background, font weight… keyed by style name. */
  style?: Record<string, string>;
  /** Data validation (a dropdown, a checkbox…); moves with the cell like a note. */
  validation?: ValidationRule;
}

const DEFAULT_ROWS = 1000;
const DEFAULT_COLUMNS = 26;

export class SheetModel {
  maxRows = DEFAULT_ROWS;
  maxColumns = DEFAULT_COLUMNS;
  frozenRows = 0;
  frozenColumns = 0;
  /** rows[r - 1][c - 1]; rows and cells may be missing (empty). */
  private rows: (Cell | undefined)[][] = [];

  constructor(
    public name: string,
    readonly id: number
  ) {}

  cell(row: number, column: number): Cell | undefined {
    return this.rows[row - 1]?.[column - 1];
  }

  cellFor(row: number, column: number): Cell {
    const r = (this.rows[row - 1] ??= []);
    return (r[column - 1] ??= { value: '' });
  }

  /** The last row holding a value or formula (0 for an empty sheet). */
  lastRow(): number {
    for (let r = this.rows.length; r >= 1; r -= 1) {
      if (this.rows[r - 1]?.some(hasContent)) return r;
    }
    return 0;
  }

  lastColumn(): number {
    let last = 0;
    for (const row of this.rows) {
      if (!row) continue;
      for (let c = row.length; c > last; c -= 1) {
        if (hasContent(row[c - 1])) {
          last = c;
          break;
        }
      }
    }
    return last;
  }

  /** Inserts empty rows before `row`, copying formats from `formatSource` as Sheets does. */
  insertRows(row: number, count: number, formatSource?: number): void {
    const template = formatSource ? this.rows[formatSource - 1] : undefined;
    const fresh = Array.from({ length: count }, () => formatOnlyRow(template));
    while (this.rows.length < row - 1) this.rows.push([]);
    this.rows.splice(row - 1, 0, ...fresh);
    this.maxRows += count;
  }

  deleteRows(row: number, count: number): void {
    this.rows.splice(row - 1, count);
    this.maxRows -= count;
  }

  insertColumns(column: number, count: number, formatSource?: number): void {
    for (const row of this.rows) {
      if (!row) continue;
      const template = formatSource ? row[formatSource - 1] : undefined;
      const fresh = Array.from({ length: count }, () => formatOnlyCell(template));
      while (row.length < column - 1) row.push(undefined);
      row.splice(column - 1, 0, ...fresh);
    }
    this.maxColumns += count;
  }

  deleteColumns(column: number, count: number): void {
    for (const row of this.rows) row?.splice(column - 1, count);
    this.maxColumns -= count;
  }

  /**
   * Reorders the rows of a block (only the block's columns move), given a comparator on the
   * rows' current numbers. Sheet.sort passes the full width, so whole rows move.
   */
  sortBlock(rect: GridRect, compare: (a: number, b: number) => number): void {
    const rows = Array.from({ length: rect.numRows }, (_, i) => rect.row + i);
    const order = [...rows].sort(compare);
    const slices = order.map(r =>
      Array.from({ length: rect.numColumns }, (_, i) => this.cell(r, rect.column + i))
    );
    rows.forEach((r, i) => {
      const target = (this.rows[r - 1] ??= []);
      slices[i].forEach((cell, j) => {
        target[rect.column - 1 + j] = cell;
      });
    });
  }

  /** Empties a block: contents, formats/styles, notes and data validations as asked. */
  clearBlock(
    rect: GridRect,
    what: { contents?: boolean; formats?: boolean; notes?: boolean; validations?: boolean }
  ): void {
    for (let r = rect.row; r < rect.row + rect.numRows; r += 1) {
      for (let c = rect.column; c < rect.column + rect.numColumns; c += 1) {
        const cell = this.cell(r, c);
        if (!cell) continue;
        if (what.contents) {
          cell.value = '';
          delete cell.formula;
        }
        if (what.formats) {
          delete cell.format;
          delete cell.style;
        }
        if (what.notes) delete cell.note;
        if (what.validations) delete cell.validation;
      }
    }
  }
}

export class SpreadsheetModel {
  readonly sheets: SheetModel[] = [];
  activeSheetId = 0;
  locale = 'en_US';
  private nextSheetId = 0;

  constructor(
    public name: string,
    readonly id: string,
    public timeZone: string
  ) {}

  get url(): string {
    return `https://docs.google.com/spreadsheets/d/${this.id}/edit`;
  }

  sheet(name: string): SheetModel | undefined {
    return this.sheets.find(s => s.name === name);
  }

  /** The sheet, or an error for tests that name one that does not exist. */
  requireSheet(name: string): SheetModel {
    const sheet = this.sheet(name);
    if (!sheet) throw new Error(`No sheet named "${name}" in the local spreadsheet`);
    return sheet;
  }

  addSheet(name: string, index = this.sheets.length): SheetModel {
    const id = this.nextSheetId === 0 ? 0 : 100_000_000 + this.nextSheetId * 7919;
    this.nextSheetId += 1;
    const sheet = new SheetModel(name, id);
    this.sheets.splice(Math.min(Math.max(index, 0), this.sheets.length), 0, sheet);
    return sheet;
  }

  removeSheet(sheet: SheetModel): void {
    const i = this.sheets.indexOf(sheet);
    if (i >= 0) this.sheets.splice(i, 1);
    if (this.activeSheetId === sheet.id) this.activeSheetId = this.sheets[0]?.id ?? 0;
  }

  activeSheet(): SheetModel {
    return this.sheets.find(s => s.id === this.activeSheetId) ?? this.sheets[0];
  }

  /** The value getValues() reports: formulas computed, empty as ''. */
  valueOf(sheet: SheetModel, row: number, column: number, depth = 0): CellValue {
    const cell = sheet.cell(row, column);
    if (!cell) return '';
    if (cell.formula === undefined) return this.asFormatted(cell.value, cell.format);
    if (depth > 50) return '#REF!';
    return evaluateFormula(cell.formula, {
      valueAt: (sheetName, r, c): Scalar => {
        const target = sheetName === undefined ? sheet : this.sheet(sheetName);
        return target ? this.valueOf(target, r, c, depth + 1) : '#REF!';
      },
    });
  }

  /** A date is a serial number under a date format: each reads as the other's kind. */
  private asFormatted(value: CellValue, format: string | undefined): CellValue {
    if (format !== undefined && typeof value === 'number' && isDateFormat(format)) {
      return serialToDate(value, this.timeZone);
    }
    if (format !== undefined && value instanceof Date && isNumberFormat(format)) {
      return dateToSerial(value, this.timeZone);
    }
    return copyValue(value);
  }

  displayOf(sheet: SheetModel, row: number, column: number): string {
    return displayValue(
      this.valueOf(sheet, row, column),
      sheet.cell(row, column)?.format,
      this.timeZone
    );
  }

  formatOf(sheet: SheetModel, row: number, column: number): string {
    return sheet.cell(row, column)?.format ?? DEFAULT_NUMBER_FORMAT;
  }

  /** Writes a value as Sheets stores a script's setValue or a person's typing. */
  writeInput(sheet: SheetModel, row: number, column: number, input: unknown): void {
    const cell = sheet.cellFor(row, column);
    if (typeof input !== 'string') {
      cell.value = normalizeValue(input);
      delete cell.formula;
      // Sheets shows a script's Date with the locale's date-time format when the cell has none.
      if (cell.value instanceof Date && cell.format === undefined) {
        cell.format = defaultDateTimeFormat(this.locale);
      }
      return;
    }
    const parsed = parseTypedInput(input, cell.format, this.timeZone, this.locale);
    cell.value = parsed.value;
    if (parsed.formula === undefined) delete cell.formula;
    else cell.formula = parsed.formula;
    if (parsed.format !== undefined && cell.format === undefined) cell.format = parsed.format;
  }

  /** Whether the cell holds a value its data validation does not accept (a warning corner). */
  isInvalid(sheet: SheetModel, row: number, column: number): boolean {
    const rule = sheet.cell(row, column)?.validation;
    if (!rule) return false;
    return !fitsRule(rule, this.valueOf(sheet, row, column), this.displayOf(sheet, row, column));
  }

  /**
   * What Sheets tells a person who types `input` here when the cell's rule rejects input and the
   * value does not fit; null when the input is taken.
   */
  refusal(sheet: SheetModel, row: number, column: number, input: unknown): string | null {
    const cell = sheet.cell(row, column);
    const rule = cell?.validation;
    if (!rule || rule.allowInvalid) return null;
    const parsed =
      typeof input === 'string'
        ? parseTypedInput(input, cell.format, this.timeZone, this.locale)
        : { value: normalizeValue(input), formula: undefined };
    if (parsed.formula !== undefined) return null; // a formula's result is not checked on entry
    const display = displayValue(parsed.value, cell.format, this.timeZone);
    return fitsRule(rule, parsed.value, display) ? null : refusalMessage(rule);
  }

  /** Writes a value exactly as given (no parsing): strings stay text. */
  writeRaw(sheet: SheetModel, row: number, column: number, value: unknown): void {
    const cell = sheet.cellFor(row, column);
    cell.value = normalizeValue(value);
    delete cell.formula;
  }
}

/** Non-string script values: numbers, booleans and dates as they are, nothing else. */
function normalizeValue(input: unknown): CellValue {
  if (input === null || input === undefined) return '';
  if (typeof input === 'number' || typeof input === 'boolean') return input;
  if (types.isDate(input)) return new Date(input.getTime());
  return String(input);
}

function copyValue(value: CellValue): CellValue {
  return value instanceof Date ? new Date(value.getTime()) : value;
}

function hasContent(cell: Cell | undefined): boolean {
  return cell !== undefined && (cell.value !== '' || cell.formula !== undefined);
}

/** An inserted cell: the neighbour's format, style and data validation, no content. */
function formatOnlyCell(template: Cell | undefined): Cell | undefined {
  if (!template) return undefined;
  const { format, style, validation } = template;
  if (format === undefined && style === undefined && validation === undefined) return undefined;
  const cell: Cell = { value: '' };
  if (format !== undefined) cell.format = format;
  if (style !== undefined) cell.style = { ...style };
  if (validation !== undefined) cell.validation = copyRule(validation);
  return cell;
}

function formatOnlyRow(template: (Cell | undefined)[] | undefined): (Cell | undefined)[] {
  return template ? template.map(formatOnlyCell) : [];
}
