// The spreadsheet's locale and time zone in the local runtime: set at construction (a Russian
// spreadsheet is `ru_RU` / `Europe/Moscow`), read and changed by the script as in Apps Script,
// and Utilities.formatDate renders a time in that zone.
import { LocalRuntime } from '../../sandbox/runtime';
import { makeBundle } from './helpers';

const BUNDLE = `
function read() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var at = new Date(Date.UTC(2026, 11, 3, 9, 4, 0));
  return { locale: ss.getSpreadsheetLocale(), zone: ss.getSpreadsheetTimeZone(),
           shown: Utilities.formatDate(at, ss.getSpreadsheetTimeZone(), 'd MMM HH:mm') };
}
function change() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  ss.setSpreadsheetLocale('en_GB');
  ss.setSpreadsheetTimeZone('Asia/Almaty');
  return read();
}
`;

describe('spreadsheet locale and time zone', () => {
  it('default to en_US and the script time zone', () => {
    const rt = new LocalRuntime({ bundleDir: makeBundle(BUNDLE), scriptTimeZone: 'UTC' });
    expect(rt.run('read').returned).toEqual({ locale: 'en_US', zone: 'UTC', shown: '3 Dec 09:04' });
    void rt.dispose();
  });

  it('are ru_RU and Europe/Moscow when the spreadsheet is Russian, and can be changed', () => {
    const rt = new LocalRuntime({
      bundleDir: makeBundle(BUNDLE),
      spreadsheetLocale: 'ru_RU',
      spreadsheetTimeZone: 'Europe/Moscow',
    });
    expect(rt.run('read').returned).toEqual({
      locale: 'ru_RU',
      zone: 'Europe/Moscow',
      shown: '3 Dec 12:04',
    });
    expect(rt.run('change').returned).toMatchObject({ locale: 'en_GB', zone: 'Asia/Almaty' });
    void rt.dispose();
  });
});

describe('a call from a dialog page (google.script.run)', () => {
  it('hands the function its argument as a plain copy, with full authorization', () => {
    const code = `function save(form) {
      ScriptApp.getProjectTriggers();
      return { got: form.AMO_BASE_URL, isObject: form instanceof Object, n: Object.keys(form).length };
    }`;
    const rt = new LocalRuntime({ bundleDir: makeBundle(code) });
    const result = rt.run('save', { type: 'client', arg: { AMO_BASE_URL: 'x.amocrm.ru', b: '1' } });
    expect(result.error).toBeNull();
    expect(result.returned).toEqual({ got: 'x.amocrm.ru', isObject: true, n: 2 });
    void rt.dispose();
  });
});
