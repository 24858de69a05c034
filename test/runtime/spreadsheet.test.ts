// SpreadsheetApp in the local runtime, judged by what the script sees: typed-input parsing of
// setValues, dimension errors, fresh copies from getValues, realm Dates, row operations and
// sorting, TextFinder, and what counts as a Spreadsheet call.

import { LocalRuntime } from '../../sandbox/runtime';
import { makeBundle } from './helpers';

const BUNDLE = `
function sheet() { return SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Data'); }
function writeTyped() {
  var s = sheet();
  s.getRange('C:C').setNumberFormat('@');
  s.getRange(1, 1, 1, 3).setValues([['=1+1', '+79123456789', "'keep"]]);
  s.getRange(2, 1, 1, 3).setValues([["'+7912", '00123', "'+7912"]]);
  s.getRange(3, 1, 1, 3).setValues([['TRUE', '+7 (912) 345-67-89', '00123']]);
  s.getRange(4, 1, 1, 3).setValues([['=UNKNOWNFN(1)', '2025-04-13', ' 1.5e3 ']]);
  s.getRange(5, 1, 1, 3).setValues([['=HYPERLINK("https://x.test/1", "lead 1")', false, '=1+1']]);
  var r = s.getRange('A1:C5');
  return { values: r.getValues(), formulas: r.getFormulas(), display: r.getDisplayValues(),
           dateIsDate: r.getValues()[3][1] instanceof Date };
}
function mismatch() {
  var out = [];
  var r = sheet().getRange(1, 1, 2, 2);
  [[['a', 'b']], [['a'], ['b']], [['a', 'b'], ['c', 'd'], ['e', 'f']]].forEach(function (data) {
    try { r.setValues(data); out.push('ok'); } catch (e) { out.push(e.message); }
  });
  try { r.setValues(['a', 'b']); } catch (e) { out.push(e.message); }
  return out;
}
function copies() {
  var r = sheet().getRange('A1:B1');
  var first = r.getValues();
  first[0][0] = 'mutated';
  var second = r.getValues();
  return { second: second[0][0], distinct: first !== second, isArray: Array.isArray(second) && second instanceof Array };
}
function dates() {
  var s = sheet();
  s.getRange('D1').setValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
  var v = s.getRange('D1').getValue();
  return { isDate: v instanceof Date, iso: v.toISOString(), row: s.getRange('D1:D1').getValues()[0][0] instanceof Date };
}
function structure() {
  var s = sheet();
  s.clear();
  s.appendRow(['name', 'phone']);
  s.appendRow(['b', '=1+2']);
  s.appendRow(['a', 5]);
  s.insertRowAfter(1);
  s.getRange(2, 1, 1, 2).setValues([['c', 7]]);
  s.setFrozenRows(1);
  s.sort(1);
  var afterSort = s.getDataRange().getValues();
  s.deleteRow(2);
  return { afterSort: afterSort, afterDelete: s.getDataRange().getValues(), lastRow: s.getLastRow(),
           lastColumn: s.getLastColumn(), a1: s.getDataRange().getA1Notation(), maxRows: s.getMaxRows() };
}
function finder() {
  var s = sheet();
  var all = s.createTextFinder('777').matchEntireCell(true).findAll().map(function (r) { return r.getA1Notation(); });
  var partial = s.createTextFinder('77').findAll().length;
  var next = s.createTextFinder('nothing').findNext();
  return { all: all, partial: partial, next: next };
}
function bounds() {
  try { sheet().getRange(1001, 1); return 'no error'; } catch (e) { return e.message; }
}
function noteRow() {
  var s = sheet();
  s.getRange(2, 1, 1, 2).setNumberFormat('@');
  s.getRange(2, 1, 1, 3).setValues([['r-1', '31000001', '=1+1']]);
  s.getRange(2, 3).setNote('memory');
  return true;
}
function readRow3() {
  var r = sheet().getRange(3, 1, 1, 3);
  return { values: r.getValues(), formulas: r.getFormulas(), notes: r.getNotes() };
}
function counting() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var s = ss.getSheetByName('Data');
  var r = s.getRange('A1:B2');
  r.getNumRows(); s.getName(); ss.getSheets();
  r.getValues();
  r.setValues([[1, 2], [3, 4]]);
  s.getLastRow();
  SpreadsheetApp.flush();
}
`;

describe('SpreadsheetApp', () => {
  let runtime: LocalRuntime;
  beforeEach(() => {
    runtime = new LocalRuntime({
      bundleDir: makeBundle(BUNDLE),
      sheets: ['Data'],
      spreadsheetTimeZone: 'UTC',
    });
  });
  afterEach(() => runtime.dispose());

  it('parses strings written by setValues as Sheets parses typed input', () => {
    const result = runtime.run('writeTyped');
    expect(result.error).toBeNull();
    const out = result.returned as {
      values: unknown[][];
      formulas: string[][];
      display: string[][];
      dateIsDate: boolean;
    };
    expect(out.values[0]).toEqual([2, 79123456789, "'keep"]);
    expect(out.values[1]).toEqual(['+7912', 123, "'+7912"]);
    expect(out.values[2]).toEqual([true, '#ERROR!', '00123']);
    expect(out.values[3][0]).toBe('#NAME?');
    expect(out.dateIsDate).toBe(true);
    expect(out.values[3][2]).toBe(' 1.5e3 ');
    expect(out.values[4]).toEqual(['lead 1', false, '=1+1']);
    expect(out.formulas[0]).toEqual(['=1+1', '', '']);
    expect(out.formulas[2][1]).toBe('=+7 (912) 345-67-89');
    expect(out.display[1]).toEqual(['+7912', '123', "'+7912"]);
    expect(runtime.spreadsheet.cell('Data', 1, 3).format).toBe('@');
  });

  it('checks setValues dimensions with Apps Script messages', () => {
    expect(runtime.run('mismatch').returned).toEqual([
      'The number of rows in the data does not match the number of rows in the range. The data has 1 but the range has 2.',
      'The number of columns in the data does not match the number of columns in the range. The data has 1 but the range has 2.',
      'The number of rows in the data does not match the number of rows in the range. The data has 3 but the range has 2.',
      "The parameters (String[]) don't match the method signature for SpreadsheetApp.Range.setValues.",
    ]);
  });

  it('returns fresh realm arrays from getValues', () => {
    runtime.spreadsheet.setValues('Data', 1, 1, [['x', 'y']]);
    expect(runtime.run('copies').returned).toEqual({ second: 'x', distinct: true, isArray: true });
    expect(runtime.spreadsheet.values('Data')).toEqual([['x', 'y']]);
  });

  it('hands out dates that are instanceof Date inside the script', () => {
    expect(runtime.run('dates').returned).toEqual({
      isDate: true,
      iso: '2024-01-02T03:04:05.000Z',
      row: true,
    });
  });

  it('appends, inserts, sorts below frozen rows and deletes', () => {
    const out = runtime.run('structure').returned as Record<string, unknown>;
    expect(out.afterSort).toEqual([
      ['name', 'phone'],
      ['a', 5],
      ['b', 3],
      ['c', 7],
    ]);
    expect(out.afterDelete).toEqual([
      ['name', 'phone'],
      ['b', 3],
      ['c', 7],
    ]);
    expect(out.lastRow).toBe(3);
    expect(out.lastColumn).toBe(2);
    expect(out.a1).toBe('A1:B3');
    expect(out.maxRows).toBe(1000);
  });

  it('finds cells with a TextFinder', () => {
    runtime.spreadsheet.setValues('Data', 1, 1, [
      ['id', 'x'],
      [777, 'a'],
      ['7777', 'b'],
      ['777', 'c'],
    ]);
    expect(runtime.run('finder').returned).toEqual({ all: ['A2', 'A4'], partial: 3, next: null });
  });

  it('refuses ranges outside the sheet', () => {
    expect(runtime.run('bounds').returned).toBe(
      'The coordinates of the range are outside the dimensions of the sheet.'
    );
  });

  it('counts only calls that reach the Sheets backend', () => {
    const clockBefore = runtime.clock.now();
    const result = runtime.run('counting');
    expect(result.counters.spreadsheetCalls).toBe(4);
    expect(result.counters.spreadsheetWrites).toBe(1);
    expect(runtime.clock.now() - clockBefore).toBe(4 * 20);
  });

  it("pastes a copied row as Sheets' paste does: values as they are, formulas and notes", () => {
    runtime.run('noteRow');
    runtime.spreadsheet.pasteRow('Data', 2, 3, { 1: 'r-2' });
    const pasted = runtime.run('readRow3').returned as {
      values: unknown[][];
      formulas: string[][];
      notes: string[][];
    };
    // Text stays text (no typed-input parsing), the formula and the note come along.
    expect(pasted.values).toEqual([['r-2', '31000001', 2]]);
    expect(pasted.formulas).toEqual([['', '', '=1+1']]);
    expect(pasted.notes).toEqual([['', '', 'memory']]);
  });

  it('loads and saves CSV and lets a test act as a person', () => {
    runtime.spreadsheet.loadCsv(
      'Data',
      'name,phone,budget\nAnn,+79123456789,1500\n"Bob, Jr",\'+7912,00123\n'
    );
    expect(runtime.spreadsheet.values('Data')).toEqual([
      ['name', 'phone', 'budget'],
      ['Ann', 79123456789, 1500],
      ['Bob, Jr', '+7912', 123],
    ]);
    runtime.spreadsheet.sortBy('Data', 1, false);
    expect(runtime.spreadsheet.values('Data').map(row => row[0])).toEqual([
      'name',
      'Bob, Jr',
      'Ann',
    ]);
    runtime.spreadsheet.insertRowsAt('Data', 2);
    runtime.spreadsheet.deleteRowAt('Data', 3);
    expect(runtime.spreadsheet.toCsv('Data')).toBe('name,phone,budget\n,,\nAnn,79123456789,1500\n');
    expect(runtime.spreadsheet.records('Data')[1]).toEqual({
      name: 'Ann',
      phone: 79123456789,
      budget: 1500,
    });
  });
});
