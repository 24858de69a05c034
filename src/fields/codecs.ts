// How a cell and an AmoCRM custom-field value become each other, by the field's type, and the
// normalized key both sides are compared by (the same value gives the same key whichever side
// it came from). A cell that does not fit gives a reason naming what fits.
// Types and value shapes: https://www.amocrm.ru/developers/content/crm_platform/custom-fields
// (date and date_time values are unix timestamps; select/multiselect/radiobutton values are
// chosen by enum_id; checkbox values are booleans; `values: null` clears a field).
import type { CustomFieldValueInput, CustomFieldValueItem, Lead } from '../amo/types';
import { isBlankCell } from '../domain/cell';
import { fail, ok, Parsed, quote } from '../domain/parsed';
import { fieldMessages } from '../i18n/field-messages';
import type { Lang } from '../i18n/lang';
import type { CellValue } from '../ports';
import type { FieldDef } from './catalog';
import { dayOf, instantOf, parseDay, parseDayTime } from './zoned-time';

export interface CodecEnv {
  timeZone: string;
  formatDate(epochMs: number, timeZone: string, pattern: string): string;
  lang: Lang;
}

/** What a valid cell sends: its key, and the values to write (null clears the field). */
export interface CellValueOut {
  key: string;
  values: CustomFieldValueInput['values'] | null;
  /** The deal's own columns: where the lead goes, and the stage the status cell then shows. */
  deal?: DealMove;
  /** The lead's responsible user or tags. */
  patch?: LeadPatch;
}

export interface LeadPatch {
  responsible_user_id?: number;
  tags?: Array<{ name: string }>;
  /** A company name ('' unlinks); the push finds or creates it first. */
  company?: string;
}

export interface DealMove {
  pipelineId: number;
  statusId: number;
  statusName: string;
}

/** AmoCRM's value as the cell shows it, and its key. */
export interface AmoValueIn {
  value: CellValue;
  key: string;
}

export interface FieldCodec {
  fromCell(raw: CellValue | undefined): Parsed<CellValueOut>;
  fromAmo(values: CustomFieldValueItem[]): AmoValueIn;
  /** A column read from the lead itself (not a custom field); null: leave the cell. */
  fromLead?(lead: Lead): AmoValueIn | null;
}

const TEXT_TYPES = new Set(['text', 'textarea', 'streetaddress']);
const NUMBER_TYPES = new Set(['numeric', 'price']);
const OPTION_TYPES = new Set(['select', 'radiobutton']);

/** The types a column can map to. */
export function isSupportedType(type: string): boolean {
  return (
    TEXT_TYPES.has(type) ||
    NUMBER_TYPES.has(type) ||
    OPTION_TYPES.has(type) ||
    ['url', 'checkbox', 'date', 'date_time', 'birthday', 'multiselect', 'multitext'].includes(type)
  );
}

export function codecFor(def: FieldDef, env: CodecEnv): FieldCodec {
  if (NUMBER_TYPES.has(def.type)) return numberCodec(env);
  if (OPTION_TYPES.has(def.type)) return optionCodec(def, env);
  switch (def.type) {
    case 'url':
      return textCodec(env, true);
    case 'checkbox':
      return checkboxCodec(env);
    case 'date':
    case 'birthday':
      return dateCodec(env);
    case 'date_time':
      return dateTimeCodec(env);
    case 'multiselect':
      return multiselectCodec(def, env);
    case 'multitext':
      return multitextCodec();
    default:
      return textCodec(env, false);
  }
}

const CLEAR: Parsed<CellValueOut> = ok({ key: '', values: null });
const URL_LIKE = /^(https?:\/\/\S+|[^\s/:]+\.[^\s]+)$/i;

function textCodec(env: CodecEnv, url: boolean): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return CLEAR;
      const text = plain(raw, env);
      if (url && !URL_LIKE.test(text)) return fail(fieldMessages(env.lang).notUrl(quote(text)));
      return ok({ key: text, values: [{ value: text }] });
    },
    fromAmo(values) {
      const text = String(values[0]?.value ?? '');
      return { value: text, key: text.trim() };
    },
  };
}

function numberCodec(env: CodecEnv): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return CLEAR;
      const n = toNumber(raw);
      if (n === null) return fail(fieldMessages(env.lang).notNumber(quote(plain(raw, env))));
      return ok({ key: String(n), values: [{ value: String(n) }] });
    },
    fromAmo(values) {
      const n = toNumber(values[0]?.value ?? '');
      return n === null ? { value: '', key: '' } : { value: n, key: String(n) };
    },
  };
}

function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const text = raw.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'да', 'истина', '✓', 'x']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'нет', 'ложь']);

/** An unset checkbox reads FALSE, and an empty cell unsets it: both have the key ''. */
function checkboxCodec(env: CodecEnv): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw) || raw === false) return ok({ key: '', values: [{ value: false }] });
      if (raw === true) return ok({ key: '1', values: [{ value: true }] });
      const word = plain(raw, env).toLowerCase();
      if (TRUE_WORDS.has(word)) return ok({ key: '1', values: [{ value: true }] });
      if (FALSE_WORDS.has(word)) return ok({ key: '', values: [{ value: false }] });
      return fail(fieldMessages(env.lang).notCheckbox(quote(plain(raw, env))));
    },
    fromAmo(values) {
      const v = values[0]?.value;
      const on = v === true || v === 'true' || v === '1' || v === 1;
      return { value: on, key: on ? '1' : '' };
    },
  };
}

/** A calendar day in the spreadsheet's time zone; sent as that day's midnight there. */
function dateCodec(env: CodecEnv): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return CLEAR;
      const day = raw instanceof Date ? dayOf(raw.getTime(), env) : parseDay(plain(raw, env));
      if (!day) return fail(fieldMessages(env.lang).notDate(quote(plain(raw, env))));
      const seconds = Math.round(instantOf(day, '00:00', env) / 1000);
      return ok({ key: day, values: [{ value: seconds }] });
    },
    fromAmo(values) {
      const ms = amoInstant(values[0]?.value);
      return ms === null ? { value: '', key: '' } : { value: new Date(ms), key: dayOf(ms, env) };
    },
  };
}

/** An instant; a typed date and time is read in the spreadsheet's time zone. */
function dateTimeCodec(env: CodecEnv): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return CLEAR;
      let ms: number | null = null;
      if (raw instanceof Date) ms = raw.getTime();
      else {
        const parts = parseDayTime(plain(raw, env));
        if (parts) ms = instantOf(parts.day, parts.time, env);
      }
      if (ms === null || Number.isNaN(ms)) {
        return fail(fieldMessages(env.lang).notDateTime(quote(plain(raw, env))));
      }
      const seconds = Math.floor(ms / 1000);
      return ok({ key: String(seconds), values: [{ value: seconds }] });
    },
    fromAmo(values) {
      const ms = amoInstant(values[0]?.value);
      if (ms === null) return { value: '', key: '' };
      return { value: new Date(ms), key: String(Math.floor(ms / 1000)) };
    },
  };
}

/** AmoCRM sends unix seconds (as a number or a numeric string); older data an ISO text. */
function amoInstant(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  if (Number.isFinite(n)) return n * 1000;
  const parsed = Date.parse(String(value));
  return Number.isNaN(parsed) ? null : parsed;
}

function optionCodec(def: FieldDef, env: CodecEnv): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return CLEAR;
      const text = plain(raw, env);
      const option = findOption(def, text);
      if (!option) return fail(notOption(def, text, env));
      return ok({ key: String(option.id), values: [{ value: option.value, enum_id: option.id }] });
    },
    fromAmo(values) {
      const option = amoOptions(def, values)[0];
      return option ? { value: option.value, key: String(option.id) } : { value: '', key: '' };
    },
  };
}

/** Options joined by `, `, in AmoCRM's option order whatever order the person typed. */
function multiselectCodec(def: FieldDef, env: CodecEnv): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return CLEAR;
      const chosen = new Set<number>();
      for (const part of splitList(plain(raw, env))) {
        const option = findOption(def, part);
        if (!option) return fail(notOption(def, part, env));
        chosen.add(option.id);
      }
      const options = def.enums.filter(e => chosen.has(e.id));
      if (options.length === 0) return CLEAR;
      return ok({
        key: options.map(o => o.id).join(','),
        values: options.map(o => ({ value: o.value, enum_id: o.id })),
      });
    },
    fromAmo(values) {
      const ids = new Set(amoOptions(def, values).map(o => o.id));
      const options = def.enums.filter(e => ids.has(e.id));
      return { value: options.map(o => o.value).join(', '), key: options.map(o => o.id).join(',') };
    },
  };
}

/** Several texts joined by `, ` (AmoCRM gives new values the field's first enum). */
function multitextCodec(): FieldCodec {
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return CLEAR;
      const parts = splitList(String(raw));
      if (parts.length === 0) return CLEAR;
      return ok({ key: parts.join(', '), values: parts.map(value => ({ value })) });
    },
    fromAmo(values) {
      const parts = values.map(v => String(v.value ?? '').trim()).filter(Boolean);
      return { value: parts.join(', '), key: parts.join(', ') };
    },
  };
}

function findOption(def: FieldDef, text: string): { id: number; value: string } | undefined {
  const wanted = text.trim().toLowerCase();
  return def.enums.find(e => e.value.trim().toLowerCase() === wanted);
}

/** The options an AmoCRM value names, by enum_id, else by text. */
function amoOptions(def: FieldDef, values: CustomFieldValueItem[]) {
  return values.flatMap(v => {
    const byId = def.enums.find(e => v.enum_id !== undefined && e.id === v.enum_id);
    const option = byId ?? findOption(def, String(v.value ?? ''));
    return option ? [option] : [];
  });
}

function notOption(def: FieldDef, text: string, env: CodecEnv): string {
  return fieldMessages(env.lang).notOption(quote(text), def.enums.map(e => e.value).join(', '));
}

function splitList(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map(s => s.trim())
    .filter(Boolean);
}

/** A cell as the text a person sees (a date as its day). */
function plain(raw: CellValue | undefined, env: CodecEnv): string {
  if (raw instanceof Date) return env.formatDate(raw.getTime(), env.timeZone, 'yyyy-MM-dd HH:mm');
  if (typeof raw === 'boolean') return raw ? 'TRUE' : 'FALSE';
  return String(raw ?? '').trim();
}
