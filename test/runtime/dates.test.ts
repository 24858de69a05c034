// Dates in cells as the real platform keeps them, for date and date_time columns: a date a
// person types is read in the spreadsheet's time zone and locale, a Date a script writes gets
// the locale's date-time format, getValues returns the script's own Date objects, and a date is
// a serial number under a format (a number in a date cell reads as a Date and back).

import { LocalRuntime } from '../../sandbox/runtime';
import { makeBundle } from './helpers';

const BUNDLE = `
function range(a1) { return SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Data').getRange(a1); }
function read(a1) {
  var v = range(a1).getValue();
  return { isDate: v instanceof Date, iso: v instanceof Date ? v.toISOString() : v,
           display: range(a1).getDisplayValue(), format: range(a1).getNumberFormat() };
}
function writeDate() {
  range('B2').setValue(new Date(Date.UTC(2026, 0, 15, 6, 30, 0)));
  return read('B2');
}
function writeDay() {
  range('C2').setNumberFormat('dd.mm.yyyy');
  range('C2').setValue(new Date(Date.UTC(2026, 0, 14, 21, 0, 0)));
  return read('C2');
}
function serials() {
  range('D2').setNumberFormat('yyyy-mm-dd');
  range('D2').setValue(46037);
  var asDate = read('D2');
  range('D2').setNumberFormat('0.00');
  return { asDate: asDate, asNumber: read('D2') };
}
`;

function start(locale: string): LocalRuntime {
  return new LocalRuntime({
    bundleDir: makeBundle(BUNDLE),
    sheets: ['Data'],
    spreadsheetTimeZone: 'Europe/Moscow',
    spreadsheetLocale: locale,
  });
}

describe('dates in cells', () => {
  let runtime: LocalRuntime;
  afterEach(() => runtime.dispose());

  it('reads a date a person types in the spreadsheet time zone, in the ru_RU spelling', () => {
    runtime = start('ru_RU');
    runtime.userEdit({ sheet: 'Data', row: 2, column: 1, values: '15.01.2026' });
    runtime.userEdit({ sheet: 'Data', row: 3, column: 1, values: '15.01.2026 9:30' });
    runtime.userEdit({ sheet: 'Data', row: 4, column: 1, values: '1/15/2026' });
    const day = runtime.spreadsheet.cell('Data', 2, 1);
    expect(day.value).toEqual(new Date(Date.UTC(2026, 0, 14, 21, 0, 0))); // midnight in Moscow
    expect(day).toMatchObject({ display: '15.01.2026', format: 'dd.mm.yyyy' });
    const instant = runtime.spreadsheet.cell('Data', 3, 1);
    expect(instant.value).toEqual(new Date(Date.UTC(2026, 0, 15, 6, 30, 0)));
    expect(instant.display).toBe('15.01.2026 9:30:00');
    expect(runtime.spreadsheet.cell('Data', 4, 1).value).toBe('1/15/2026'); // not a ru date
  });

  it('reads 1/15/2026 as a date in en_US, and ISO in both locales', () => {
    runtime = start('en_US');
    runtime.userEdit({ sheet: 'Data', row: 2, column: 1, values: '1/15/2026' });
    runtime.userEdit({ sheet: 'Data', row: 3, column: 1, values: '2026-01-15 09:30' });
    runtime.userEdit({ sheet: 'Data', row: 4, column: 1, values: '15.01.2026' });
    expect(runtime.spreadsheet.cell('Data', 2, 1)).toMatchObject({
      value: new Date(Date.UTC(2026, 0, 14, 21, 0, 0)),
      display: '1/15/2026',
    });
    expect(runtime.spreadsheet.cell('Data', 3, 1).value).toEqual(
      new Date(Date.UTC(2026, 0, 15, 6, 30, 0))
    );
    expect(runtime.spreadsheet.cell('Data', 4, 1).value).toBe('15.01.2026');
  });

  it("gives a script's Date the locale's date-time format and returns it as a Date", () => {
    runtime = start('ru_RU');
    expect(runtime.run('writeDate').returned).toEqual({
      isDate: true,
      iso: '2026-01-15T06:30:00.000Z',
      display: '15.01.2026 9:30:00',
      format: 'dd.mm.yyyy H:mm:ss',
    });
    runtime.dispose();
    runtime = start('en_US');
    expect(runtime.run('writeDate').returned).toMatchObject({
      display: '1/15/2026 9:30:00',
      format: 'M/d/yyyy H:mm:ss',
    });
  });

  it("keeps a date column's own format: the calendar day in the spreadsheet's zone", () => {
    runtime = start('ru_RU');
    expect(runtime.run('writeDay').returned).toEqual({
      isDate: true,
      iso: '2026-01-14T21:00:00.000Z',
      display: '15.01.2026',
      format: 'dd.mm.yyyy',
    });
  });

  it('reads a number in a date cell as a Date and a date under a number format as its serial', () => {
    runtime = start('en_US');
    const result = runtime.run('serials').returned as Record<string, Record<string, unknown>>;
    // serial 46037 = 2026-01-15, midnight in the spreadsheet's zone
    expect(result.asDate).toMatchObject({
      isDate: true,
      iso: '2026-01-14T21:00:00.000Z',
      display: '2026-01-15',
    });
    expect(result.asNumber).toMatchObject({ isDate: false, iso: 46037, display: '46037.00' });
  });
});
