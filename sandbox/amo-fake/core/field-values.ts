// One written custom-field value, checked and stored by the field's type, in the shapes AmoCRM
// reads back (amoCRM "Поля и группы полей", examples of filling each type; the official PHP
// SDK's value models, amocrm/amocrm-api-php src/AmoCRM/Models/CustomFieldsValues/ValueModels):
//
// | type                                   | written `value`                          | read back                         |
// | -------------------------------------- | ---------------------------------------- | --------------------------------- |
// | text, textarea, url, streetaddress     | string (a number is taken as its text)   | the string                        |
// | numeric, price                         | number or numeric string                 | the number as a string            |
// | checkbox                               | boolean (`"true"`/`"false"`, 1/0 too)    | boolean                           |
// | date, date_time, birthday              | unix seconds, or an RFC 3339 string      | unix seconds (number)             |
// | select, radiobutton, multiselect       | `enum_id`, or `value` = the option text  | `{value, enum_id, enum_code:null}`|
// | multitext (PHONE, EMAIL…)              | `value` with `enum_code` or `enum_id`    | `{value, enum_id, enum_code}`     |
//
// A value that does not fit is a 400 with the item's validation-errors (NotSupportedChoice for
// an unknown option, InvalidType for a wrong type); AmoCRM's exact code for a non-numeric
// numeric or an unparsable date is not documented, so the fake uses InvalidType.

import type { CustomFieldDefinition, CustomFieldValue } from '../types';
import { ItemErrors, fieldError } from './problems';

type Raw = Record<string, unknown>;
type Parser = (raw: Raw, def: CustomFieldDefinition, path: string, errors: ItemErrors) => Parsed;
type Parsed = CustomFieldValue | null;

const ENUM_TYPES = new Set(['select', 'radiobutton', 'multiselect', 'multitext']);
/** Fields that take one value only; more is AmoCRM's TooManyElements. */
const SINGLE_VALUE_TYPES = new Set([
  'text',
  'textarea',
  'url',
  'numeric',
  'price',
  'checkbox',
  'date',
  'date_time',
  'birthday',
  'select',
  'radiobutton',
]);

export function isSingleValueType(type: string): boolean {
  return SINGLE_VALUE_TYPES.has(type);
}

export function isEnumType(type: string): boolean {
  return ENUM_TYPES.has(type);
}

export function parseTypedValue(
  raw: Raw,
  def: CustomFieldDefinition,
  path: string,
  errors: ItemErrors
): Parsed {
  const parser = PARSERS[def.type] ?? textValue;
  return parser(raw, def, path, errors);
}

const textValue: Parser = (raw, _def, path, errors) => {
  if (typeof raw.value === 'string' || typeof raw.value === 'number') {
    return { value: String(raw.value) };
  }
  errors.add(fieldError.type(`${path}.value`, 'string'));
  return null;
};

const numericValue: Parser = (raw, _def, path, errors) => {
  const value = raw.value;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  if (text.trim() !== '' && Number.isFinite(Number(text))) return { value: text.trim() };
  errors.add(fieldError.type(`${path}.value`, 'numeric'));
  return null;
};

const BOOLEANS = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  ['true', true],
  ['false', false],
  [1, true],
  [0, false],
  ['1', true],
  ['0', false],
]);

const checkboxValue: Parser = (raw, _def, path, errors) => {
  const value = BOOLEANS.get(raw.value);
  if (value !== undefined) return { value };
  errors.add(fieldError.type(`${path}.value`, 'bool'));
  return null;
};

const dateValue: Parser = (raw, _def, path, errors) => {
  const seconds = unixSeconds(raw.value);
  if (seconds !== null) return { value: seconds };
  errors.add(fieldError.type(`${path}.value`, 'timestamp'));
  return null;
};

/** Unix seconds from a number, a digits-only string, or an RFC 3339 / ISO 8601 date string. */
export function unixSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    return null;
  }
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** select / radiobutton / multiselect: the option by enum_id, else by its text. */
const optionValue: Parser = (raw, def, path, errors) => {
  const enums = def.enums ?? [];
  const chosen =
    raw.enum_id !== undefined
      ? enums.find(e => e.id === raw.enum_id)
      : enums.find(e => e.value === raw.value);
  if (!chosen) {
    errors.add(fieldError.choice(`${path}.${raw.enum_id !== undefined ? 'enum_id' : 'value'}`));
    return null;
  }
  return { value: chosen.value, enum_id: chosen.id, enum_code: null };
};

/** multitext: the value with its kind (enum) by id or code; WORK (the first) by default. */
const multitextValue: Parser = (raw, def, path, errors) => {
  const enums = def.enums ?? [];
  const chosen =
    raw.enum_id !== undefined
      ? enums.find(e => e.id === raw.enum_id)
      : raw.enum_code !== undefined
        ? enums.find(e => e.value === raw.enum_code)
        : enums[0];
  if (!chosen) {
    errors.add(fieldError.choice(`${path}.${raw.enum_id !== undefined ? 'enum_id' : 'enum_code'}`));
    return null;
  }
  if (typeof raw.value !== 'string' && typeof raw.value !== 'number') {
    errors.add(fieldError.type(`${path}.value`, 'string'));
    return null;
  }
  return { value: String(raw.value), enum_id: chosen.id, enum_code: chosen.value };
};

const PARSERS: Record<string, Parser> = {
  numeric: numericValue,
  price: numericValue,
  checkbox: checkboxValue,
  date: dateValue,
  date_time: dateValue,
  birthday: dateValue,
  select: optionValue,
  radiobutton: optionValue,
  multiselect: optionValue,
  multitext: multitextValue,
};

/** Multiselect values in the field's option order, each option once (AmoCRM stores a set). */
export function inOptionOrder(
  def: CustomFieldDefinition,
  values: CustomFieldValue[]
): CustomFieldValue[] {
  if (def.type !== 'multiselect') return values;
  const sortOf = (v: CustomFieldValue) => def.enums?.find(e => e.id === v.enum_id)?.sort ?? 0;
  const unique = values.filter((v, i) => values.findIndex(w => w.enum_id === v.enum_id) === i);
  return unique.sort((a, b) => sortOf(a) - sortOf(b));
}
