// Row validation: empty rows, valid rows (normalized), every field error reported together,
// and the contact's display name for a row without a name.
import { displayName, isEmptyRow, validateRow, type RowInput } from '../../src/domain/row-data';

const row = (fields: Partial<RowInput>): RowInput => ({
  name: '',
  phone: '',
  email: '',
  budget: '',
  ...fields,
});

describe('isEmptyRow', () => {
  it.each<[Partial<RowInput>, boolean]>([
    [{}, true],
    [{ name: '  ', phone: '\u00a0', email: '\u200b' }, true],
    [{ budget: 1500 }, true],
    [{ budget: 'abc' }, true],
    [{ name: undefined, phone: undefined, email: undefined, budget: undefined }, true],
    [{ name: 'Иван' }, false],
    [{ phone: 89123456789 }, false],
    [{ email: 'ivan@example.com' }, false],
    [{ phone: 'abc' }, false],
  ])('%p → %p', (fields, empty) => {
    expect(isEmptyRow(row(fields))).toBe(empty);
  });
});

describe('validateRow', () => {
  it('reports an empty row as empty, whatever its budget', () => {
    expect(validateRow(row({ budget: 'abc' }), 'RU')).toEqual({ ok: true, empty: true });
  });

  it.each<[Partial<RowInput>, object]>([
    [
      {
        name: ' Иван  Петров ',
        phone: '8 (912) 345-67-89',
        email: 'Ivan@Mail.RU',
        budget: '1 500 ₽',
      },
      { name: 'Иван Петров', phone: '+79123456789', email: 'ivan@mail.ru', budget: 1500 },
    ],
    [{ phone: 89123456789 }, { name: null, phone: '+79123456789', email: null, budget: null }],
    [
      { email: 'a@b.ru', budget: 0 },
      { name: null, phone: null, email: 'a@b.ru', budget: 0 },
    ],
    [{ name: 'Только имя' }, { name: 'Только имя', phone: null, email: null, budget: null }],
    [
      { name: 'Иван', phone: undefined, email: undefined, budget: undefined },
      { name: 'Иван', phone: null, email: null, budget: null },
    ],
  ])('%p → %p', (fields, value) => {
    expect(validateRow(row(fields), 'RU')).toEqual({ ok: true, empty: false, value });
  });

  it.each<[Partial<RowInput>, string]>([
    [{ name: 'Иван', phone: '12ab' }, 'phone "12ab" is not a valid number'],
    [{ email: 'ivan@' }, 'email "ivan@" is not a valid address'],
    [{ name: 'Иван', budget: 'abc' }, 'budget "abc" is not a number'],
    [
      { name: 'x'.repeat(300), phone: '12ab', email: 'ivan@', budget: '-5' },
      'name is too long: 300 characters, at most 255 allowed; phone "12ab" is not a valid number; ' +
        'email "ivan@" is not a valid address; budget "-5" is negative',
    ],
  ])('%p → error %p', (fields, error) => {
    expect(validateRow(row(fields), 'RU')).toEqual({ ok: false, error });
  });
});

describe('displayName', () => {
  it.each<[object, string]>([
    [{ name: 'Иван', phone: '+79123456789', email: 'a@b.ru', budget: null }, 'Иван'],
    [{ name: null, phone: '+79123456789', email: 'a@b.ru', budget: null }, '+79123456789'],
    [{ name: null, phone: null, email: 'a@b.ru', budget: 10 }, 'a@b.ru'],
    [{ name: null, phone: null, email: null, budget: null }, ''],
  ])('%p → %p', (value, name) => {
    expect(displayName(value as Parameters<typeof displayName>[0])).toBe(name);
  });
});
