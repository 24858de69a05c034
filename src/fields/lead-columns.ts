// The lead's `responsible` (Ответственный: a user's name) and `tags` (Теги: names joined by
// `, `) columns. Both are read from the lead itself (no extra request) and written in the
// lead's own POST/PATCH. Users are known from the saved catalog, which only an
// administrator's token can fill: without it the responsible column says so.
import type { Lead } from '../amo/types';
import { isBlankCell } from '../domain/cell';
import { quote } from '../domain/parsed';
import { fieldMessages } from '../i18n/field-messages';
import type { CellValue } from '../ports';
import type { FieldCatalog } from './catalog';
import type { AmoValueIn, CodecEnv, FieldCodec } from './codecs';
import type { FieldColumn } from './columns';
import { COMPANY_KEY, leadCompanyId } from './companies';

export const RESPONSIBLE_KEY = 'rs';
export const TAGS_KEY = 'tg';

type LeadKey = typeof RESPONSIBLE_KEY | typeof TAGS_KEY | typeof COMPANY_KEY;

const HEADERS: Record<string, LeadKey> = {
  responsible: RESPONSIBLE_KEY,
  ответственный: RESPONSIBLE_KEY,
  tags: TAGS_KEY,
  теги: TAGS_KEY,
  company: COMPANY_KEY,
  компания: COMPANY_KEY,
};

export function isResponsibleHeader(header: string): boolean {
  return HEADERS[header.trim().toLowerCase()] === RESPONSIBLE_KEY;
}

/** What the codecs look up: the names of the companies read in this execution. */
export interface LeadLookups {
  companyName(id: number): string | undefined;
}

/** The lead's responsible and tags columns of a header row (indexes not already taken). */
export function leadColumns(
  header: CellValue[],
  taken: Set<number>,
  catalog: FieldCatalog | null,
  env: CodecEnv,
  lookups: LeadLookups
): FieldColumn[] {
  const out: FieldColumn[] = [];
  header.forEach((cell, index) => {
    const text = String(cell ?? '').trim();
    const key = HEADERS[text.toLowerCase()];
    if (!key || taken.has(index) || out.some(c => c.key === key)) return;
    const codec =
      key === TAGS_KEY
        ? tagsCodec()
        : key === COMPANY_KEY
          ? companyCodec(lookups)
          : responsibleCodec(catalog, env);
    out.push({ index, header: text, key, side: 'lead', def: null, codec });
  });
  return out;
}

function tagsCodec(): FieldCodec {
  return {
    fromCell(raw) {
      const names = isBlankCell(raw) ? [] : splitNames(String(raw));
      // An empty list removes the lead's tags.
      return {
        ok: true,
        value: {
          key: tagsKey(names),
          values: null,
          patch: { tags: names.map(name => ({ name })) },
        },
      };
    },
    fromAmo: () => ({ value: '', key: '' }),
    fromLead(lead: Lead): AmoValueIn {
      const names = (lead._embedded?.tags ?? []).map(t => t.name);
      return { value: names.join(', '), key: tagsKey(names) };
    },
  };
}

function tagsKey(names: string[]): string {
  return [...new Set(names.map(n => n.trim().toLowerCase()))].sort().join('\n');
}

function splitNames(text: string): string[] {
  const names = text
    .split(/[,;\n]/)
    .map(s => s.trim())
    .filter(Boolean);
  return names.filter((n, i) => names.findIndex(m => m.toLowerCase() === n.toLowerCase()) === i);
}

/** A user by name (trimmed, any case); the key is the user's id. */
function responsibleCodec(catalog: FieldCatalog | null, env: CodecEnv): FieldCodec {
  const users = catalog?.users ?? null;
  const text = fieldMessages(env.lang);
  return {
    fromCell(raw) {
      if (isBlankCell(raw)) return { ok: true, value: { key: '', values: null } };
      if (users === undefined) return { ok: false, error: text.usersNotRead };
      if (users === null) return { ok: false, error: text.usersNeedAdmin };
      const name = String(raw).trim();
      const user = users.find(u => u.name.trim().toLowerCase() === name.toLowerCase());
      if (!user) {
        return { ok: false, error: text.notOption(quote(name), users.map(u => u.name).join(', ')) };
      }
      return {
        ok: true,
        value: { key: String(user.id), values: null, patch: { responsible_user_id: user.id } },
      };
    },
    fromAmo: () => ({ value: '', key: '' }),
    fromLead(lead: Lead): AmoValueIn | null {
      // Without the users' names the cell is left as it is (its error says why).
      if (!users) return null;
      const user = users.find(u => u.id === lead.responsible_user_id);
      return user ? { value: user.name, key: String(user.id) } : null;
    },
  };
}

/** A company by name; an empty cell unlinks the lead's company. */
function companyCodec(lookups: LeadLookups): FieldCodec {
  return {
    fromCell(raw) {
      const name = isBlankCell(raw) ? '' : String(raw).trim();
      return {
        ok: true,
        value: { key: name.toLowerCase(), values: null, patch: { company: name } },
      };
    },
    fromAmo: () => ({ value: '', key: '' }),
    fromLead(lead: Lead): AmoValueIn | null {
      const id = leadCompanyId(lead);
      if (id === null) return { value: '', key: '' };
      const name = lookups.companyName(id);
      return name === undefined ? null : { value: name, key: name.trim().toLowerCase() };
    },
  };
}
