// Data validation in the local runtime, judged by what a script and a person see: the builder
// and the rule's criteria, set/get/clear on ranges and what they cost, a person's typing refused
// by "Reject input" or kept with a warning, a script's write never refused, and rules moving
// with their rows on sort, insert and delete as notes do.

import { LocalRuntime } from '../../sandbox/runtime';
import { makeBundle } from './helpers';

const BUNDLE = `
function sheet() { return SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Data'); }
function list(allowInvalid) {
  return SpreadsheetApp.newDataValidation()
    .requireValueInList(['Москва', 'Казань'], true)
    .setAllowInvalid(allowInvalid)
    .build();
}
function dropdowns() {
  var s = sheet();
  s.getRange('B2:B4').setDataValidation(list(false));
  s.getRange('C2:C4').setDataValidation(
    SpreadsheetApp.newDataValidation().requireCheckbox().setAllowInvalid(false).build());
  s.getRange('D2:D4').setDataValidation(list(true));
  s.getRange('A2:A4').setValues([['a'], ['b'], ['c']]);
  return true;
}
function describe() {
  var rule = sheet().getRange('B3').getDataValidation();
  var builder = SpreadsheetApp.newDataValidation();
  return {
    type: String(rule.getCriteriaType()),
    isEnum: rule.getCriteriaType() === SpreadsheetApp.DataValidationCriteria.VALUE_IN_LIST,
    values: rule.getCriteriaValues(),
    allowInvalid: rule.getAllowInvalid(),
    defaultAllowInvalid: builder.getAllowInvalid(),
    checkbox: String(sheet().getRange('C2').getDataValidation().getCriteriaType()),
    none: sheet().getRange('A2').getDataValidation(),
    grid: sheet().getRange('A2:B3').getDataValidations().map(function (row) {
      return row.map(function (r) { return r === null ? null : String(r.getCriteriaType()); });
    }),
    copied: rule.copy().requireValueInList(['Уфа']).build().getCriteriaValues(),
    original: rule.getCriteriaValues()[0]
  };
}
function refresh() {
  var s = sheet();
  var old = s.getRange('B2').getDataValidation();
  var rules = [[old.copy().requireValueInList(['Москва', 'Казань', 'Уфа'], true).build()],
               [null], [old]];
  s.getRange('B2:B4').setDataValidations(rules);
  return s.getRange('B2:B4').getDataValidations().map(function (r) {
    return r[0] === null ? null : r[0].getCriteriaValues()[0].length;
  });
}
function scriptWrites() {
  sheet().getRange('B2').setValue('Пермь');
  return sheet().getRange('B2').getValue();
}
function clearAll() {
  sheet().getRange('B2:D4').clearDataValidations();
  return sheet().getRange('B2').getDataValidation();
}
function clearOnlyValidations() {
  sheet().getRange('B2').setValue('Москва');
  sheet().getRange('B2:B4').clear({ validationsOnly: true });
  return { value: sheet().getRange('B2').getValue(), rule: sheet().getRange('B2').getDataValidation() };
}
function badRule() {
  try { sheet().getRange('B2').setDataValidation('Москва'); return 'taken'; } catch (e) { return e.message; }
}
`;

describe('data validation', () => {
  let runtime: LocalRuntime;
  beforeEach(() => {
    runtime = new LocalRuntime({ bundleDir: makeBundle(BUNDLE), sheets: ['Data'] });
    runtime.spreadsheet.setValues('Data', 1, 1, [['name', 'city', 'paid', 'channel']]);
    expect(runtime.run('dropdowns').error).toBeNull();
  });
  afterEach(() => runtime.dispose());

  const cell = (a1Row: number, column: number) => runtime.spreadsheet.cell('Data', a1Row, column);

  it('describes a rule as Apps Script does (criteria enum, [values, showDropdown], copy)', () => {
    const result = runtime.run('describe');
    expect(result.error).toBeNull();
    expect(result.returned).toEqual({
      type: 'VALUE_IN_LIST',
      isEnum: true,
      values: [['Москва', 'Казань'], true],
      allowInvalid: false,
      defaultAllowInvalid: true,
      checkbox: 'CHECKBOX',
      none: null,
      grid: [
        [null, 'VALUE_IN_LIST'],
        [null, 'VALUE_IN_LIST'],
      ],
      copied: [['Уфа'], true],
      original: ['Москва', 'Казань'],
    });
  });

  it('costs one Spreadsheet call per set, get or clear of a whole range', () => {
    const refresh = runtime.run('refresh');
    expect(refresh.returned).toEqual([3, null, 2]);
    // getDataValidation (1 read), setDataValidations (1 write), getDataValidations (1 read)
    expect(refresh.counters.spreadsheetCalls).toBe(3);
    expect(refresh.counters.spreadsheetWrites).toBe(1);
    const clear = runtime.run('clearAll');
    expect(clear.returned).toBeNull();
    expect(clear.counters.spreadsheetCalls).toBe(2);
    expect(cell(3, 3).validation).toBeNull();
  });

  it('refuses what a person types outside the list when input is rejected; the cell keeps its value', () => {
    runtime.userEdit({ sheet: 'Data', row: 2, column: 2, values: 'Москва' });
    expect(cell(2, 2)).toMatchObject({ value: 'Москва', invalid: false });
    runtime.userEdit({ sheet: 'Data', row: 2, column: 2, values: 'казань' }); // case does not matter
    expect(cell(2, 2).value).toBe('казань');
    const results = runtime.userEdit({ sheet: 'Data', row: 2, column: 2, values: 'Пермь' });
    expect(results).toEqual([]);
    expect(cell(2, 2).value).toBe('казань');
    expect(runtime.spreadsheet.refusedEdits).toEqual([
      {
        sheet: 'Data',
        row: 2,
        column: 2,
        input: 'Пермь',
        message: 'Input must be an item on the specified list.',
      },
    ]);
  });

  it('refuses a whole paste when one cell does not fit a rejecting rule', () => {
    runtime.userEdit({ sheet: 'Data', row: 2, column: 1, values: [['x', 'Пермь']] });
    expect(cell(2, 1).value).toBe('a');
    expect(runtime.spreadsheet.refusedEdits).toHaveLength(1);
  });

  it('keeps a value outside the list with a warning when invalid input is allowed', () => {
    runtime.userEdit({ sheet: 'Data', row: 2, column: 4, values: 'Пермь' });
    expect(cell(2, 4)).toMatchObject({ value: 'Пермь', invalid: true });
    runtime.userEdit({ sheet: 'Data', row: 2, column: 4, values: '' });
    expect(cell(2, 4)).toMatchObject({ value: '', invalid: false });
    expect(runtime.spreadsheet.refusedEdits).toEqual([]);
  });

  it('takes TRUE/FALSE in a checkbox cell and refuses other text', () => {
    runtime.userEdit({ sheet: 'Data', row: 3, column: 3, values: 'TRUE' });
    expect(cell(3, 3).value).toBe(true);
    runtime.userEdit({ sheet: 'Data', row: 3, column: 3, values: 'да' });
    expect(cell(3, 3).value).toBe(true);
    expect(runtime.spreadsheet.refusedEdits[0].message).toBe('Input must be a checkbox value.');
  });

  it("never refuses a script's write: the cell is kept and reads invalid", () => {
    expect(runtime.run('scriptWrites').returned).toBe('Пермь');
    expect(cell(2, 2)).toMatchObject({ value: 'Пермь', invalid: true });
  });

  it('clears only validations with clear({validationsOnly}) and refuses a non-rule', () => {
    expect(runtime.run('clearOnlyValidations').returned).toEqual({ value: 'Москва', rule: null });
    expect(runtime.run('badRule').returned).toMatch(
      /parameters \(String\) don't match the method signature for SpreadsheetApp.Range.setDataValidation/
    );
  });

  it('moves rules with their rows on sort, insert and delete', () => {
    runtime.run('clearAll');
    runtime.run('dropdowns'); // B2:B4 reject, rows a, b, c
    runtime.spreadsheet.setValues('Data', 2, 1, [['c'], ['a'], ['b']]);
    runtime.spreadsheet.setValues('Data', 5, 1, [['d']]); // row 5: no rule
    runtime.spreadsheet.sortBy('Data', 1, false); // d, c, b, a
    expect(runtime.spreadsheet.values('Data').map(r => r[0])).toEqual(['name', 'd', 'c', 'b', 'a']);
    expect(cell(2, 2).validation).toBeNull();
    expect(cell(5, 2).validation?.criteria).toBe('VALUE_IN_LIST');
    runtime.spreadsheet.insertRowsAt('Data', 3); // copies the row above (no rule) …
    expect(cell(3, 2).validation).toBeNull();
    runtime.spreadsheet.insertRowsAt('Data', 6); // … or with it, as the format is copied
    expect(cell(6, 2).validation?.criteria).toBe('VALUE_IN_LIST');
    runtime.spreadsheet.deleteRowAt('Data', 2);
    expect(runtime.spreadsheet.values('Data').map(r => r[0])).toEqual([
      'name',
      '',
      'c',
      'b',
      '',
      'a',
    ]);
    expect([2, 3, 4, 5, 6].map(r => cell(r, 2).validation !== null)).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});
