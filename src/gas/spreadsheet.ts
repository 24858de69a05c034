// SpreadsheetPort over SpreadsheetApp. Every string is written as typed input that Sheets
// keeps verbatim (see sheet/cell-text), so values from AmoCRM never become formulas or numbers.
import { CellValue, SheetPort, SpreadsheetPort } from '../ports';
import { needsApostrophe, toTypedInput } from '../sheet/cell-text';

/** Whether this execution wrote since the last flush (a flush with nothing pending is wasted). */
let unflushed = false;

/** Applies pending writes; Lock docs: flush before releasing the lock. */
export function flushPendingWrites(): void {
  if (!unflushed) return;
  SpreadsheetApp.flush();
  unflushed = false;
}

class GasSheet implements SheetPort {
  constructor(private readonly sheet: GoogleAppsScript.Spreadsheet.Sheet) {}

  get name(): string {
    return this.sheet.getName();
  }

  lastRow(): number {
    return this.sheet.getLastRow();
  }

  lastColumn(): number {
    return this.sheet.getLastColumn();
  }

  read(row: number, column: number, rows: number, columns: number): CellValue[][] {
    if (rows <= 0 || columns <= 0) return [];
    return this.sheet.getRange(row, column, rows, columns).getValues() as CellValue[][];
  }

  headerRow(): CellValue[] {
    // An open A1 row ("1:1") needs no call for the last column.
    const row = (this.sheet.getRange('1:1').getValues()[0] ?? []) as CellValue[];
    let width = row.length;
    while (width > 0 && row[width - 1] === '') width--;
    return row.slice(0, width);
  }

  readAll(): CellValue[][] {
    return this.sheet.getDataRange().getValues() as CellValue[][];
  }

  write(row: number, column: number, values: CellValue[][]): void {
    if (values.length === 0 || values[0].length === 0) return;
    const range = this.sheet.getRange(row, column, values.length, values[0].length);
    // A cell formatted as plain text keeps an apostrophe as part of its text, so the formats
    // are read (one call) only when some string would otherwise need one.
    const needsFormats = values.some(r => r.some(v => typeof v === 'string' && needsApostrophe(v)));
    const formats = needsFormats ? range.getNumberFormats() : null;
    range.setValues(values.map((r, i) => r.map((v, j) => toTypedInput(v, formats?.[i][j]))));
    unflushed = true;
  }

  readNotes(row: number, column: number, rows: number, columns: number): string[][] {
    if (rows <= 0 || columns <= 0) return [];
    return this.sheet.getRange(row, column, rows, columns).getNotes() as string[][];
  }

  writeNotes(row: number, column: number, notes: string[][]): void {
    if (notes.length === 0 || notes[0].length === 0) return;
    this.sheet.getRange(row, column, notes.length, notes[0].length).setNotes(notes);
    unflushed = true;
  }

  readFormulas(row: number, column: number, rows: number, columns: number): string[][] {
    if (rows <= 0 || columns <= 0) return [];
    return this.sheet.getRange(row, column, rows, columns).getFormulas();
  }

  findRows(column: number, texts: string[]): number[] {
    if (texts.length === 0) return [];
    // Anchored alternation, and the whole cell: "12" must not find "312" (TextFinder reference:
    // useRegularExpression, matchEntireCell). An open A1 range ("C2:C") needs no call for the
    // last row.
    const pattern = `^(?:${texts.map(escapeRegex).join('|')})$`;
    const letter = columnLetter(column);
    return this.sheet
      .getRange(`${letter}2:${letter}`)
      .createTextFinder(pattern)
      .useRegularExpression(true)
      .matchEntireCell(true)
      .findAll()
      .map(range => range.getRow());
  }

  append(values: CellValue[]): void {
    this.sheet.appendRow(values.map(v => toTypedInput(v)));
    unflushed = true;
  }

  ensureRows(rows: number): void {
    const max = this.sheet.getMaxRows();
    if (rows <= max) return;
    this.sheet.insertRowsAfter(max, rows - max);
    unflushed = true;
  }

  insertRows(before: number, count: number): void {
    this.sheet.insertRowsBefore(before, count);
    unflushed = true;
  }

  deleteRows(from: number, count: number): void {
    this.sheet.deleteRows(from, count);
    unflushed = true;
  }

  validationHelp(column: number): string | null {
    const rule = this.sheet.getRange(2, column).getDataValidation();
    return rule ? rule.getHelpText() : null;
  }

  setDropdown(column: number, values: string[] | null, helpText: string): void {
    const rows = this.sheet.getMaxRows() - 1;
    if (rows <= 0) return;
    const range = this.sheet.getRange(2, column, rows, 1);
    if (values === null) {
      range.clearDataValidations();
      return;
    }
    const rule = SpreadsheetApp.newDataValidation()
      .requireValueInList(values, true)
      .setAllowInvalid(true)
      .setHelpText(helpText)
      .build();
    range.setDataValidation(rule);
  }

  flush(): void {
    flushPendingWrites();
  }
}

export class GasSpreadsheet implements SpreadsheetPort {
  private readonly ss = SpreadsheetApp.getActiveSpreadsheet();

  sheet(name?: string): SheetPort | null {
    const sheet = name ? this.ss.getSheetByName(name) : this.ss.getSheets()[0];
    return sheet ? new GasSheet(sheet) : null;
  }

  sheetOrCreate(name: string): SheetPort {
    return new GasSheet(this.ss.getSheetByName(name) ?? this.ss.insertSheet(name));
  }

  /** Shown long enough to be read: a longer text (an error with a summary) stays longer. */
  toast(message: string, title?: string): void {
    this.ss.toast(message, title ?? 'AmoCRM', toastSeconds(message));
  }

  locale(): string {
    return this.ss.getSpreadsheetLocale();
  }

  timeZone(): string {
    return this.ss.getSpreadsheetTimeZone();
  }
}

/** About 15 characters a second, at least 8 s and at most a minute. */
export function toastSeconds(message: string): number {
  return Math.min(60, Math.max(8, Math.ceil(message.length / 15)));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1 → A, 27 → AA. */
function columnLetter(column: number): string {
  let n = column;
  let out = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    out = String.fromCharCode(65 + rest) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}
