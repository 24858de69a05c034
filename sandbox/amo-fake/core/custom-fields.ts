// Custom fields: the catalog of field definitions of one entity type, and the translation of
// a written `custom_fields_values` array (fields by field_id or field_code, values with
// enum_id or enum_code) into the stored, read-back form (field_id, field_name, field_code,
// field_type, values with both enum_id and enum_code). A write replaces only the fields it
// names; `values: null` clears a field, as in AmoCRM. Each value is checked by the field's type
// in field-values.ts; a single-value type given several values is TooManyElements.

import type { CustomFieldDefinition, CustomFieldValue, CustomFieldValues } from '../types';
import { inOptionOrder, isSingleValueType, parseTypedValue } from './field-values';
import { ItemErrors, fieldError } from './problems';

const VALUE_TYPES = new Set([
  'text',
  'numeric',
  'checkbox',
  'select',
  'multiselect',
  'multitext',
  'date',
  'url',
  'textarea',
  'radiobutton',
  'streetaddress',
  'date_time',
  'price',
]);

export function isKnownFieldType(type: unknown): boolean {
  return typeof type === 'string' && VALUE_TYPES.has(type);
}

export class FieldCatalog {
  constructor(private defs: CustomFieldDefinition[]) {}

  list(): CustomFieldDefinition[] {
    return this.defs.map(def => ({ ...def, enums: def.enums ? [...def.enums] : null }));
  }

  find(ref: { field_id?: unknown; field_code?: unknown }): CustomFieldDefinition | undefined {
    if (ref.field_id !== undefined) return this.defs.find(def => def.id === ref.field_id);
    if (typeof ref.field_code === 'string') {
      return this.defs.find(def => def.code === ref.field_code);
    }
    return undefined;
  }

  add(def: CustomFieldDefinition): void {
    this.defs.push(def);
  }

  /** The stored definition itself (not a copy), for an admin's edit of its options. */
  own(id: number): CustomFieldDefinition | undefined {
    return this.defs.find(def => def.id === id);
  }

  /** Removes a field definition; false when there is none with this id. */
  remove(id: number): boolean {
    const before = this.defs.length;
    this.defs = this.defs.filter(def => def.id !== id);
    return this.defs.length < before;
  }
}

/** One parsed field write: the field and its new values (null = clear it). */
export interface FieldWrite {
  def: CustomFieldDefinition;
  values: CustomFieldValue[] | null;
}

/** Parses `custom_fields_values` of one item; problems go to `errors`. */
export function parseFieldWrites(
  input: unknown,
  catalog: FieldCatalog,
  path: string,
  errors: ItemErrors
): FieldWrite[] {
  if (input === null || input === undefined) return [];
  if (!Array.isArray(input)) {
    errors.add(fieldError.type(path, 'array'));
    return [];
  }
  const writes: FieldWrite[] = [];
  input.forEach((raw, i) => {
    const write = parseOneField(raw, catalog, `${path}.${i}`, errors);
    if (write) writes.push(write);
  });
  return writes;
}

function parseOneField(
  raw: unknown,
  catalog: FieldCatalog,
  path: string,
  errors: ItemErrors
): FieldWrite | null {
  if (!isObject(raw)) {
    errors.add(fieldError.type(path, 'array'));
    return null;
  }
  const def = catalog.find(raw);
  if (!def) {
    errors.add(
      fieldError.choice(`${path}.${raw.field_id !== undefined ? 'field_id' : 'field_code'}`)
    );
    return null;
  }
  if (raw.values === null) return { def, values: null };
  if (!Array.isArray(raw.values)) {
    errors.add(fieldError.type(`${path}.values`, 'array'));
    return null;
  }
  if (raw.values.length > 1 && isSingleValueType(def.type)) {
    errors.add(fieldError.tooMany(`${path}.values`, 1));
    return null;
  }
  const values = raw.values.map((v, j) => parseValue(v, def, `${path}.values.${j}`, errors));
  const parsed = values.filter((v): v is CustomFieldValue => v !== null);
  return { def, values: inOptionOrder(def, parsed) };
}

function parseValue(
  raw: unknown,
  def: CustomFieldDefinition,
  path: string,
  errors: ItemErrors
): CustomFieldValue | null {
  if (!isObject(raw)) {
    errors.add(fieldError.type(path, 'array'));
    return null;
  }
  return parseTypedValue(raw, def, path, errors);
}

/** Applies field writes to stored values; null when no field is left (AmoCRM answers null). */
export function applyFieldWrites(
  current: CustomFieldValues[] | null,
  writes: FieldWrite[]
): CustomFieldValues[] | null {
  const out = (current ?? []).map(field => ({ ...field, values: [...field.values] }));
  for (const { def, values } of writes) {
    const at = out.findIndex(field => field.field_id === def.id);
    if (at >= 0) out.splice(at, 1);
    if (values === null || values.length === 0) continue;
    const stored: CustomFieldValues = {
      field_id: def.id,
      field_name: def.name,
      field_code: def.code,
      field_type: def.type,
      values,
    };
    if (at >= 0) out.splice(at, 0, stored);
    else out.push(stored);
  }
  return out.length > 0 ? out : null;
}

/** Every stored value of the field with this code, as text. */
export function valuesByCode(fields: CustomFieldValues[] | null, code: string): string[] {
  const field = (fields ?? []).find(f => f.field_code === code);
  return field ? field.values.map(v => String(v.value)) : [];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
