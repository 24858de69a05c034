// SpreadsheetApp, Spreadsheet and Sheet over the in-memory spreadsheet (sheet-model.ts). The
// script is bound to this one spreadsheet: getActiveSpreadsheet() returns it in every kind of
// execution. Calls that reach the Sheets backend (data, dimensions, structure, flush) count
// and cost virtual time; navigation (getSheetByName, getRange, getName…) does not.

import { parseA1 } from './a1-notation';
import { dataValidationEnums, newBuilder } from './data-validation';
import { GasException, signatureMismatch } from './errors';
import type { Execution } from './execution';
import { checkRect, intArgs, rangeObject, rowComparator, textFinderObject } from './range-service';
import type { SheetModel, SpreadsheetModel } from './sheet-model';
import { createUi } from './ui-service';

export function createSpreadsheetApp(exec: Execution): object {
  const model = exec.state.spreadsheet;
  const open = (matches: boolean, method: string): object => {
    if (matches) return spreadsheetObject(exec);
    throw new GasException(
      `Unexpected error while getting the method or property ${method} on object SpreadsheetApp.`
    );
  };
  return exec.object(
    'SpreadsheetApp',
    {
      getActiveSpreadsheet: () => spreadsheetObject(exec),
      getActive: () => spreadsheetObject(exec),
      getActiveSheet: () => sheetObject(exec, model.activeSheet()),
      getUi: () => createUi(exec),
      flush: () => {
        exec.sheetCall(false);
      },
      openById: id => open(String(id) === model.id, 'openById'),
      openByUrl: url => open(String(url).includes(`/d/${model.id}`), 'openByUrl'),
      newDataValidation: () => newBuilder(exec),
    },
    { props: dataValidationEnums(exec) }
  );
}

export function spreadsheetObject(exec: Execution): object {
  return exec.memoize('spreadsheet', () => {
    const model = exec.state.spreadsheet;
    const sheetArg = (value: unknown, method: string): SheetModel => {
      const sheet = exec.hostOf<SheetModel>(value, 'Sheet');
      if (!sheet) throw signatureMismatch(`SpreadsheetApp.Spreadsheet.${method}`, [value]);
      return sheet;
    };
    const self: object = exec.object(
      'Spreadsheet',
      {
        getName: () => model.name,
        rename: name => {
          exec.sheetCall(true);
          model.name = String(name);
        },
        getId: () => model.id,
        getUrl: () => model.url,
        getSheets: () => model.sheets.map(sheet => sheetObject(exec, sheet)),
        getNumSheets: () => model.sheets.length,
        getSheetByName: name => {
          const sheet = model.sheet(String(name));
          return sheet ? sheetObject(exec, sheet) : null;
        },
        getSheetById: id => {
          const sheet = model.sheets.find(s => s.id === Number(id));
          return sheet ? sheetObject(exec, sheet) : null;
        },
        getActiveSheet: () => sheetObject(exec, model.activeSheet()),
        setActiveSheet: sheet => {
          model.activeSheetId = sheetArg(sheet, 'setActiveSheet').id;
          return sheet;
        },
        insertSheet: (...args) => sheetObject(exec, insertSheet(exec, args)),
        deleteSheet: sheet => {
          const target = sheetArg(sheet, 'deleteSheet');
          if (model.sheets.length === 1) {
            throw new GasException("You can't remove all the sheets in a document.");
          }
          exec.sheetCall(true, target.name);
          model.removeSheet(target);
        },
        getSpreadsheetTimeZone: () => model.timeZone,
        setSpreadsheetTimeZone: tz => {
          exec.sheetCall(true);
          model.timeZone = String(tz);
        },
        getSpreadsheetLocale: () => model.locale,
        setSpreadsheetLocale: locale => {
          exec.sheetCall(true);
          model.locale = String(locale);
        },
        getRange: a1 => {
          const text = String(a1);
          const sheet = text.includes('!')
            ? model.sheet(parseSheetName(text))
            : model.activeSheet();
          if (!sheet) throw new GasException('Range not found');
          return rangeFromA1(exec, sheet, text);
        },
        getRangeByName: () => null,
        toast: (message, title, timeout) => {
          exec.state.ui.toasts.push({
            message: String(message ?? ''),
            title: title === undefined || title === null ? '' : String(title),
            timeoutSeconds: timeout === undefined ? 5 : Number(timeout),
            executionId: exec.id,
          });
        },
      },
      { host: model }
    );
    return self;
  });
}

function parseSheetName(a1: string): string {
  const name = a1.slice(0, a1.lastIndexOf('!'));
  return name.startsWith("'") && name.endsWith("'") ? name.slice(1, -1).replace(/''/g, "'") : name;
}

function insertSheet(exec: Execution, args: unknown[]): SheetModel {
  const model = exec.state.spreadsheet;
  const named = typeof args[0] === 'string';
  const index = named ? args[1] : args[0];
  let name = named ? String(args[0]) : '';
  if (!named) {
    let n = model.sheets.length + 1;
    while (model.sheet(`Sheet${n}`)) n += 1;
    name = `Sheet${n}`;
  }
  if (model.sheet(name)) {
    throw new GasException(
      `A sheet with the name "${name}" already exists. Please enter another name.`
    );
  }
  exec.sheetCall(true, name);
  const sheet = model.addSheet(name, typeof index === 'number' ? index : model.sheets.length);
  model.activeSheetId = sheet.id;
  return sheet;
}

function rangeFromA1(exec: Execution, sheet: SheetModel, text: string): object {
  const parsed = parseA1(text, sheet.maxRows, sheet.maxColumns);
  if (!parsed || (parsed.sheetName !== undefined && parsed.sheetName !== sheet.name)) {
    throw new GasException('Range not found');
  }
  return rangeObject(exec, sheet, checkRect(sheet, parsed));
}

export function sheetObject(exec: Execution, sheet: SheetModel): object {
  return exec.memoize(`sheet:${sheet.id}`, () => {
    const model = exec.state.spreadsheet;
    const read = <T>(value: () => T): T => {
      exec.sheetCall(false, sheet.name);
      return value();
    };
    const write = (change: () => void, written = 0): object => {
      exec.sheetCall(true, sheet.name, { written });
      change();
      return self;
    };
    const rowsArgs = (method: string, args: unknown[]): [number, number] => {
      const [at, count = 1] = intArgs(`SpreadsheetApp.Sheet.${method}`, args);
      if (at < 1 || count < 1 || at > sheet.maxRows) {
        throw new GasException('Those rows are out of bounds.');
      }
      return [at, count];
    };
    const columnsArgs = (method: string, args: unknown[]): [number, number] => {
      const [at, count = 1] = intArgs(`SpreadsheetApp.Sheet.${method}`, args);
      if (at < 1 || count < 1 || at > sheet.maxColumns) {
        throw new GasException('Those columns are out of bounds.');
      }
      return [at, count];
    };
    const insertRows = (at: number, count: number, formatSource: number): object =>
      write(() => sheet.insertRows(at, count, formatSource));
    const insertColumns = (at: number, count: number, formatSource: number): object =>
      write(() => sheet.insertColumns(at, count, formatSource));
    const fullRect = () => ({
      row: 1,
      column: 1,
      numRows: sheet.maxRows,
      numColumns: sheet.maxColumns,
    });
    const self: object = exec.object(
      'Sheet',
      {
        getName: () => sheet.name,
        setName: name => {
          const text = String(name);
          const other = model.sheet(text);
          if (other && other !== sheet) {
            throw new GasException(
              `A sheet with the name "${text}" already exists. Please enter another name.`
            );
          }
          return write(() => {
            sheet.name = text;
          });
        },
        getSheetId: () => sheet.id,
        getIndex: () => model.sheets.indexOf(sheet) + 1,
        getParent: () => spreadsheetObject(exec),
        getRange: (...args) => {
          if (args.length === 1 && typeof args[0] === 'string')
            return rangeFromA1(exec, sheet, args[0]);
          if (args.length < 2 || args.length > 4) {
            throw signatureMismatch('SpreadsheetApp.Sheet.getRange', args);
          }
          const [row, column, numRows = 1, numColumns = 1] = intArgs(
            'SpreadsheetApp.Sheet.getRange',
            args
          );
          return rangeObject(exec, sheet, checkRect(sheet, { row, column, numRows, numColumns }));
        },
        getDataRange: () =>
          read(() =>
            rangeObject(exec, sheet, {
              row: 1,
              column: 1,
              numRows: Math.max(1, sheet.lastRow()),
              numColumns: Math.max(1, sheet.lastColumn()),
            })
          ),
        getSheetValues: (...args) => {
          const [row, column, nr, nc] = intArgs('SpreadsheetApp.Sheet.getSheetValues', args);
          const numRows = nr === -1 ? sheet.lastRow() - row + 1 : nr;
          const numColumns = nc === -1 ? sheet.lastColumn() - column + 1 : nc;
          const rect = checkRect(sheet, { row, column, numRows, numColumns });
          exec.sheetCall(false, sheet.name, { read: rect.numRows * rect.numColumns, range: rect });
          return Array.from({ length: rect.numRows }, (_, i) =>
            Array.from({ length: rect.numColumns }, (_v, j) =>
              model.valueOf(sheet, row + i, column + j)
            )
          );
        },
        getLastRow: () => read(() => sheet.lastRow()),
        getLastColumn: () => read(() => sheet.lastColumn()),
        getMaxRows: () => read(() => sheet.maxRows),
        getMaxColumns: () => read(() => sheet.maxColumns),
        appendRow: values => {
          if (!Array.isArray(values))
            throw signatureMismatch('SpreadsheetApp.Sheet.appendRow', [values]);
          return write(() => {
            const row = sheet.lastRow() + 1;
            if (row > sheet.maxRows)
              sheet.insertRows(sheet.maxRows + 1, row - sheet.maxRows, sheet.maxRows);
            if (values.length > sheet.maxColumns) sheet.maxColumns = values.length;
            values.forEach((value, i) => model.writeInput(sheet, row, i + 1, value));
          }, values.length);
        },
        insertRowBefore: (...args) => {
          const [at] = rowsArgs('insertRowBefore', args);
          return insertRows(at, 1, at > 1 ? at - 1 : at);
        },
        insertRowAfter: (...args) => {
          const [at] = rowsArgs('insertRowAfter', args);
          return insertRows(at + 1, 1, at);
        },
        insertRowsBefore: (...args) => {
          const [at, count] = rowsArgs('insertRowsBefore', args);
          return insertRows(at, count, at > 1 ? at - 1 : at);
        },
        insertRowsAfter: (...args) => {
          const [at, count] = rowsArgs('insertRowsAfter', args);
          return insertRows(at + 1, count, at);
        },
        insertRows: (...args) => {
          const [at, count] = rowsArgs('insertRows', args);
          insertRows(at, count, at > 1 ? at - 1 : at);
        },
        deleteRow: (...args) => {
          const [at] = rowsArgs('deleteRow', args);
          return deleteRows(at, 1);
        },
        deleteRows: (...args) => {
          const [at, count] = rowsArgs('deleteRows', args);
          deleteRows(at, count);
        },
        insertColumnBefore: (...args) => {
          const [at] = columnsArgs('insertColumnBefore', args);
          return insertColumns(at, 1, at > 1 ? at - 1 : at);
        },
        insertColumnAfter: (...args) => {
          const [at] = columnsArgs('insertColumnAfter', args);
          return insertColumns(at + 1, 1, at);
        },
        insertColumnsBefore: (...args) => {
          const [at, count] = columnsArgs('insertColumnsBefore', args);
          return insertColumns(at, count, at > 1 ? at - 1 : at);
        },
        insertColumnsAfter: (...args) => {
          const [at, count] = columnsArgs('insertColumnsAfter', args);
          return insertColumns(at + 1, count, at);
        },
        deleteColumn: (...args) => {
          const [at] = columnsArgs('deleteColumn', args);
          return deleteColumns(at, 1);
        },
        deleteColumns: (...args) => {
          const [at, count] = columnsArgs('deleteColumns', args);
          deleteColumns(at, count);
        },
        sort: (column, ascending) => {
          const [col] = intArgs('SpreadsheetApp.Sheet.sort', [column]);
          return write(() => sortSheet(model, sheet, col, ascending !== false));
        },
        clear: () => write(() => sheet.clearBlock(fullRect(), { contents: true, formats: true })),
        clearContents: () => write(() => sheet.clearBlock(fullRect(), { contents: true })),
        clearFormats: () => write(() => sheet.clearBlock(fullRect(), { formats: true })),
        clearNotes: () => write(() => sheet.clearBlock(fullRect(), { notes: true })),
        createTextFinder: text => textFinderObject(exec, sheet, fullRect(), String(text)),
        setFrozenRows: rows =>
          write(() => {
            sheet.frozenRows = intArgs('SpreadsheetApp.Sheet.setFrozenRows', [rows])[0];
          }),
        getFrozenRows: () => read(() => sheet.frozenRows),
        setFrozenColumns: columns =>
          write(() => {
            sheet.frozenColumns = intArgs('SpreadsheetApp.Sheet.setFrozenColumns', [columns])[0];
          }),
        getFrozenColumns: () => read(() => sheet.frozenColumns),
        activate: () => {
          model.activeSheetId = sheet.id;
          return self;
        },
        isSheetHidden: () => false,
        autoResizeColumn: () => write(() => undefined),
        autoResizeColumns: () => write(() => undefined),
        setColumnWidth: () => write(() => undefined),
        setColumnWidths: () => write(() => undefined),
        setRowHeight: () => write(() => undefined),
        setRowHeights: () => write(() => undefined),
      },
      { host: sheet }
    );
    const deleteRows = (at: number, count: number): object => {
      if (at + count - 1 > sheet.maxRows) throw new GasException('Those rows are out of bounds.');
      if (count >= sheet.maxRows - sheet.frozenRows && at <= sheet.frozenRows + 1) {
        throw new GasException('Sorry, it is not possible to delete all non-frozen rows.');
      }
      return write(() => sheet.deleteRows(at, count));
    };
    const deleteColumns = (at: number, count: number): object => {
      if (at + count - 1 > sheet.maxColumns)
        throw new GasException('Those columns are out of bounds.');
      if (count >= sheet.maxColumns - sheet.frozenColumns && at <= sheet.frozenColumns + 1) {
        throw new GasException('Sorry, it is not possible to delete all non-frozen columns.');
      }
      return write(() => sheet.deleteColumns(at, count));
    };
    return self;
  });
}

/** Sheet.sort: the rows below the frozen rows, down to the last row with content. */
export function sortSheet(
  model: SpreadsheetModel,
  sheet: SheetModel,
  column: number,
  ascending: boolean
): void {
  const first = sheet.frozenRows + 1;
  const last = sheet.lastRow();
  if (last < first) return;
  sheet.sortBlock(
    { row: first, column: 1, numRows: last - first + 1, numColumns: sheet.maxColumns },
    rowComparator(model, sheet, [{ column, ascending }])
  );
}
