// Range and TextFinder objects over the in-memory spreadsheet. getValues() returns fresh copies
// (numbers as numbers, empty as '', dates as the realm's Date); setValues() checks dimensions
// with Apps Script's messages and stores strings as typed input (see typed-input.ts). Each
// read or write of cell data counts as one Spreadsheet call; building a Range does not.

import { toA1, type GridRect } from './a1-notation';
import { copyRule, ruleArg, ruleObject, type ValidationRule } from './data-validation';
import { GasException, signatureMismatch } from './errors';
import type { Execution, MethodTable } from './execution';
import type { Cell, CellValue, SheetModel, SpreadsheetModel } from './sheet-model';
import { sheetObject } from './spreadsheet-service';

const DEFAULT_BACKGROUND = '#ffffff';

/** Checks a block against the sheet's size with Apps Script's messages. */
export function checkRect(sheet: SheetModel, rect: GridRect): GridRect {
  if (rect.row < 1) throw new GasException('The starting row of the range is too small.');
  if (rect.column < 1) throw new GasException('The starting column of the range is too small.');
  if (rect.numRows < 1)
    throw new GasException('The number of rows in the range must be at least 1.');
  if (rect.numColumns < 1) {
    throw new GasException('The number of columns in the range must be at least 1.');
  }
  if (
    rect.row + rect.numRows - 1 > sheet.maxRows ||
    rect.column + rect.numColumns - 1 > sheet.maxColumns
  ) {
    throw new GasException('The coordinates of the range are outside the dimensions of the sheet.');
  }
  return rect;
}

/** Integer arguments as Apps Script's int parameters take them. */
export function intArgs(method: string, args: unknown[]): number[] {
  if (args.some(a => typeof a !== 'number' || !Number.isInteger(a))) {
    throw signatureMismatch(method, args);
  }
  return args as number[];
}

export function rangeObject(exec: Execution, sheet: SheetModel, rect: GridRect): object {
  const model = exec.state.spreadsheet;
  const { row, column, numRows, numColumns } = rect;
  const size = numRows * numColumns;
  const read = <T>(pick: (r: number, c: number) => T): T[][] => {
    exec.sheetCall(false, sheet.name, { read: size, range: rect });
    return grid(rect, pick);
  };
  const writeEach = (apply: (cell: Cell, r: number, c: number) => void): void => {
    exec.sheetCall(true, sheet.name, { written: size });
    exec.journal(sheet, rect);
    forEachCell(rect, (r, c) => apply(sheet.cellFor(r, c), r, c));
  };
  const writeGrid = (
    method: string,
    values: unknown,
    apply: (cell: Cell, v: unknown, r: number, c: number) => void
  ): void => {
    const data = checkGrid(`SpreadsheetApp.Range.${method}`, values, numRows, numColumns);
    writeEach((cell, r, c) => apply(cell, data[r - row][c - column], r, c));
  };
  const validationOf = (r: number, c: number): object | null => {
    const rule = sheet.cell(r, c)?.validation;
    return rule ? ruleObject(exec, rule) : null;
  };
  const style = (name: string) => (value: unknown) => {
    writeEach(cell => {
      cell.style = { ...cell.style, [name]: String(value) };
    });
    return self;
  };
  const methods: MethodTable = {
    getValues: () => read((r, c) => model.valueOf(sheet, r, c)),
    getValue: () => read((r, c) => model.valueOf(sheet, r, c))[0][0],
    getDisplayValues: () => read((r, c) => model.displayOf(sheet, r, c)),
    getDisplayValue: () => read((r, c) => model.displayOf(sheet, r, c))[0][0],
    getFormulas: () => read((r, c) => sheet.cell(r, c)?.formula ?? ''),
    getFormula: () => read((r, c) => sheet.cell(r, c)?.formula ?? '')[0][0],
    getNumberFormats: () => read((r, c) => model.formatOf(sheet, r, c)),
    getNumberFormat: () => read((r, c) => model.formatOf(sheet, r, c))[0][0],
    getNotes: () => read((r, c) => sheet.cell(r, c)?.note ?? ''),
    getNote: () => read((r, c) => sheet.cell(r, c)?.note ?? '')[0][0],
    getBackgrounds: () => read((r, c) => sheet.cell(r, c)?.style?.background ?? DEFAULT_BACKGROUND),
    getBackground: () =>
      read((r, c) => sheet.cell(r, c)?.style?.background ?? DEFAULT_BACKGROUND)[0][0],
    isBlank: () =>
      read((r, c) => model.valueOf(sheet, r, c) === '').every(line => line.every(Boolean)),
    setValues: values => {
      writeGrid('setValues', values, (_cell, v, r, c) => model.writeInput(sheet, r, c, v));
      return self;
    },
    setValue: value => {
      writeEach((_cell, r, c) => model.writeInput(sheet, r, c, value));
      return self;
    },
    setFormula: formula => {
      writeEach((_cell, r, c) => model.writeInput(sheet, r, c, String(formula)));
      return self;
    },
    setFormulas: formulas => {
      writeGrid('setFormulas', formulas, (_cell, v, r, c) =>
        model.writeInput(sheet, r, c, String(v))
      );
      return self;
    },
    setNumberFormat: format => {
      writeEach(cell => {
        cell.format = String(format);
      });
      return self;
    },
    setNumberFormats: formats => {
      writeGrid('setNumberFormats', formats, (cell, v) => {
        cell.format = String(v);
      });
      return self;
    },
    setNote: note => {
      writeEach(cell => setNote(cell, note));
      return self;
    },
    setNotes: notes => {
      writeGrid('setNotes', notes, (cell, v) => setNote(cell, v));
      return self;
    },
    clearNote: () => {
      writeEach(cell => setNote(cell, ''));
      return self;
    },
    setDataValidation: rule => {
      const chosen = ruleArg(exec, rule, 'setDataValidation');
      writeEach(cell => setValidation(cell, chosen));
      return self;
    },
    setDataValidations: rules => {
      const grid = checkGrid('SpreadsheetApp.Range.setDataValidations', rules, numRows, numColumns);
      const chosen = grid.map(line => line.map(r => ruleArg(exec, r, 'setDataValidations')));
      writeEach((cell, r, c) => setValidation(cell, chosen[r - row][c - column]));
      return self;
    },
    getDataValidation: () => read((r, c) => validationOf(r, c))[0][0],
    getDataValidations: () => read((r, c) => validationOf(r, c)),
    clearDataValidations: () => {
      writeEach(cell => setValidation(cell, null));
      return self;
    },
    setBackground: style('background'),
    setBackgrounds: colors => {
      writeGrid('setBackgrounds', colors, (cell, v) => {
        cell.style = { ...cell.style, background: String(v) };
      });
      return self;
    },
    setFontWeight: style('fontWeight'),
    setFontColor: style('fontColor'),
    setFontStyle: style('fontStyle'),
    setHorizontalAlignment: style('horizontalAlignment'),
    setWrap: style('wrap'),
    clearContent: () => {
      exec.sheetCall(true, sheet.name, { written: size });
      exec.journal(sheet, rect);
      sheet.clearBlock(rect, { contents: true });
      return self;
    },
    clearFormat: () => {
      exec.sheetCall(true, sheet.name, { written: size });
      exec.journal(sheet, rect);
      sheet.clearBlock(rect, { formats: true });
      return self;
    },
    clear: options => {
      exec.sheetCall(true, sheet.name, { written: size });
      exec.journal(sheet, rect);
      sheet.clearBlock(rect, clearWhat(options));
      return self;
    },
    getRow: () => row,
    getRowIndex: () => row,
    getColumn: () => column,
    getNumRows: () => numRows,
    getHeight: () => numRows,
    getNumColumns: () => numColumns,
    getWidth: () => numColumns,
    getLastRow: () => row + numRows - 1,
    getLastColumn: () => column + numColumns - 1,
    getSheet: () => sheetObject(exec, sheet),
    getGridId: () => sheet.id,
    getA1Notation: () => toA1(rect),
    offset: (...args) => {
      const [dr, dc, nr = numRows, nc = numColumns] = intArgs('SpreadsheetApp.Range.offset', args);
      return rangeObject(
        exec,
        sheet,
        checkRect(sheet, { row: row + dr, column: column + dc, numRows: nr, numColumns: nc })
      );
    },
    getCell: (...args) => {
      const [r, c] = intArgs('SpreadsheetApp.Range.getCell', args);
      if (r < 1 || c < 1 || r > numRows || c > numColumns) {
        throw new GasException('Cell reference out of range');
      }
      return rangeObject(exec, sheet, {
        row: row + r - 1,
        column: column + c - 1,
        numRows: 1,
        numColumns: 1,
      });
    },
    activate: () => {
      exec.state.spreadsheet.activeSheetId = sheet.id;
      return self;
    },
    sort: spec => {
      exec.sheetCall(true, sheet.name, { read: size, written: size });
      sheet.sortBlock(rect, rowComparator(model, sheet, sortKeys(spec)));
      return self;
    },
    createTextFinder: text => textFinderObject(exec, sheet, rect, String(text)),
  };
  const self: object = exec.object('Range', methods, { host: { sheet, rect } });
  return self;
}

export interface SortKey {
  column: number;
  ascending: boolean;
}

function sortKeys(spec: unknown): SortKey[] {
  const one = (s: unknown): SortKey => {
    if (typeof s === 'number') return { column: s, ascending: true };
    if (typeof s === 'object' && s !== null && 'column' in s) {
      const o = s as { column: unknown; ascending?: unknown };
      return { column: Number(o.column), ascending: o.ascending !== false };
    }
    throw signatureMismatch('SpreadsheetApp.Range.sort', [s]);
  };
  return Array.isArray(spec) ? spec.map(one) : [one(spec)];
}

/** Sheets' sort order: numbers and dates, then text (case-insensitive), then booleans; empty last. */
export function rowComparator(
  model: SpreadsheetModel,
  sheet: SheetModel,
  keys: SortKey[]
): (a: number, b: number) => number {
  return (a: number, b: number): number => {
    for (const key of keys) {
      const c = compareValues(
        model.valueOf(sheet, a, key.column),
        model.valueOf(sheet, b, key.column),
        key.ascending
      );
      if (c !== 0) return c;
    }
    return a - b;
  };
}

function compareValues(x: CellValue, y: CellValue, ascending: boolean): number {
  if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
  const rank = (v: CellValue): number =>
    typeof v === 'boolean' ? 2 : typeof v === 'string' ? 1 : 0;
  let c = rank(x) - rank(y);
  if (c === 0) {
    if (typeof x === 'string') c = x.localeCompare(String(y), 'en', { sensitivity: 'base' });
    else c = Number(x) - Number(y);
  }
  return ascending ? c : -c;
}

function clearWhat(options: unknown): Parameters<SheetModel['clearBlock']>[1] {
  if (typeof options !== 'object' || options === null) return { contents: true, formats: true };
  const o = options as Record<string, unknown>;
  if (o.contentsOnly) return { contents: true };
  if (o.formatOnly) return { formats: true };
  if (o.commentsOnly) return { notes: true };
  if (o.validationsOnly) return { validations: true };
  return { contents: true, formats: true };
}

function setValidation(cell: Cell, rule: ValidationRule | null): void {
  if (rule) cell.validation = copyRule(rule);
  else delete cell.validation;
}

function setNote(cell: Cell, note: unknown): void {
  const text = note === null || note === undefined ? '' : String(note);
  if (text === '') delete cell.note;
  else cell.note = text;
}

function checkGrid(
  method: string,
  values: unknown,
  numRows: number,
  numColumns: number
): unknown[][] {
  if (!Array.isArray(values) || values.some(line => !Array.isArray(line))) {
    throw signatureMismatch(method, [values]);
  }
  if (values.length !== numRows) {
    throw new GasException(
      `The number of rows in the data does not match the number of rows in the range. The data has ${values.length} but the range has ${numRows}.`
    );
  }
  for (const line of values as unknown[][]) {
    if (line.length !== numColumns) {
      throw new GasException(
        `The number of columns in the data does not match the number of columns in the range. The data has ${line.length} but the range has ${numColumns}.`
      );
    }
  }
  return values as unknown[][];
}

function grid<T>(rect: GridRect, pick: (r: number, c: number) => T): T[][] {
  const out: T[][] = [];
  for (let r = rect.row; r < rect.row + rect.numRows; r += 1) {
    const line: T[] = [];
    for (let c = rect.column; c < rect.column + rect.numColumns; c += 1) line.push(pick(r, c));
    out.push(line);
  }
  return out;
}

function forEachCell(rect: GridRect, visit: (r: number, c: number) => void): void {
  for (let r = rect.row; r < rect.row + rect.numRows; r += 1) {
    for (let c = rect.column; c < rect.column + rect.numColumns; c += 1) visit(r, c);
  }
}

/** TextFinder over a block, matching displayed text row by row as Sheets does. */
export function textFinderObject(
  exec: Execution,
  sheet: SheetModel,
  rect: GridRect,
  text: string
): object {
  const model = exec.state.spreadsheet;
  const opts = { matchCase: false, entireCell: false, regex: false, formulaText: false };
  let cursor: { row: number; column: number } | null = null;
  const setter = (key: keyof typeof opts) => (value: unknown) => {
    opts[key] = value !== false;
    return self;
  };
  const pattern = (): RegExp => {
    const source = opts.regex ? text : text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(opts.entireCell ? `^(?:${source})$` : source, opts.matchCase ? 'u' : 'iu');
  };
  const cellText = (r: number, c: number): string =>
    opts.formulaText
      ? (sheet.cell(r, c)?.formula ?? model.displayOf(sheet, r, c))
      : model.displayOf(sheet, r, c);
  const matches = (): { row: number; column: number }[] => {
    const re = pattern();
    const found: { row: number; column: number }[] = [];
    forEachCell(rect, (r, c) => {
      const t = cellText(r, c);
      if (t !== '' && re.test(t)) found.push({ row: r, column: c });
    });
    return found;
  };
  const cellRange = (m: { row: number; column: number }): object =>
    rangeObject(exec, sheet, { row: m.row, column: m.column, numRows: 1, numColumns: 1 });
  const after = (m: { row: number; column: number }): boolean =>
    cursor === null || m.row > cursor.row || (m.row === cursor.row && m.column > cursor.column);
  const replaceIn = (m: { row: number; column: number }, replacement: string): void => {
    const re = pattern();
    const next = cellText(m.row, m.column).replace(
      new RegExp(re.source, `${re.flags}g`),
      replacement
    );
    model.writeInput(sheet, m.row, m.column, next);
  };
  // The backend looks through the block's cells that hold anything (none past the last row
  // with content: an open range such as C2:C costs what the data costs); only the matches come
  // back, as ranges.
  const filledRows = Math.max(0, Math.min(rect.row + rect.numRows, sheet.lastRow() + 1) - rect.row);
  const searched = { searched: filledRows * rect.numColumns };
  const self: object = exec.object('TextFinder', {
    matchCase: setter('matchCase'),
    matchEntireCell: setter('entireCell'),
    useRegularExpression: setter('regex'),
    matchFormulaText: setter('formulaText'),
    ignoreDiacritics: () => self,
    startFrom: range => {
      const host = exec.hostOf<{ rect: GridRect }>(range, 'Range');
      if (host) cursor = { row: host.rect.row, column: host.rect.column };
      return self;
    },
    findAll: () => {
      exec.sheetCall(false, sheet.name, searched);
      return matches().map(cellRange);
    },
    findNext: () => {
      exec.sheetCall(false, sheet.name, searched);
      const next = matches().find(after);
      if (!next) return null;
      cursor = next;
      return cellRange(next);
    },
    findPrevious: () => {
      exec.sheetCall(false, sheet.name, searched);
      const before = matches().filter(
        m => !after(m) && (m.row !== cursor?.row || m.column !== cursor?.column)
      );
      const prev = before.pop();
      if (!prev) return null;
      cursor = prev;
      return cellRange(prev);
    },
    replaceAllWith: replacement => {
      const found = matches();
      exec.sheetCall(true, sheet.name, { ...searched, written: found.length });
      found.forEach(m => replaceIn(m, String(replacement)));
      return found.length;
    },
    replaceWith: replacement => {
      exec.sheetCall(true, sheet.name, { ...searched, written: cursor ? 1 : 0 });
      if (!cursor) return 0;
      replaceIn(cursor, String(replacement));
      return 1;
    },
  });
  return self;
}
