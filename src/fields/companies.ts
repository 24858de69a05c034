// The lead's `company` (Компания) column: a company name, matched trimmed and case-insensitive.
// Reading a lead gives only its company's id, so the names of the companies the pulled leads
// name are read in one request (only when the sheet has the column); a name typed in the sheet
// is searched (one request per distinct name, together), and an unknown name creates the
// company, before the lead is written with it.
import { AMO_LIMITS, createCompanies, listCompanies } from '../amo/calls';
import { fetchPages } from '../amo/batching';
import type { AmoRunner } from '../amo/client';
import type { Lead } from '../amo/types';
import type { KeyValueStore } from '../ports';

export const COMPANY_KEY = 'co';

interface Known {
  /** The synced sheet has a company column (seen when the sheet was read). */
  column: boolean;
  names: Map<number, string>;
  /** Lower-cased name → id, as resolved for this execution's writes. */
  ids: Map<string, number>;
}

const known = new WeakMap<KeyValueStore, Known>();

function knownOf(props: KeyValueStore): Known {
  let k = known.get(props);
  if (!k) {
    k = { column: false, names: new Map(), ids: new Map() };
    known.set(props, k);
  }
  return k;
}

export function markCompanyColumn(props: KeyValueStore): void {
  knownOf(props).column = true;
}

/** A lead's company id ('' when it has none). */
export function leadCompanyId(lead: Lead): number | null {
  return lead._embedded?.companies?.[0]?.id ?? null;
}

/** The name of a company read in this execution, or undefined. */
export function companyName(props: KeyValueStore, id: number): string | undefined {
  return knownOf(props).names.get(id);
}

/** Reads the names of the companies these leads belong to (when the sheet shows them). */
export function readCompanyNames(amo: AmoRunner, props: KeyValueStore, leads: Lead[]): void {
  const k = knownOf(props);
  if (!k.column) return;
  const ids = [...new Set(leads.map(leadCompanyId).filter((id): id is number => id !== null))];
  const missing = ids.filter(id => !k.names.has(id));
  if (missing.length === 0) return;
  const pages = [];
  for (let i = 0; i < missing.length; i += AMO_LIMITS.pageSize) {
    const run = missing.slice(i, i + AMO_LIMITS.pageSize);
    pages.push((page: number) => listCompanies({ ids: run, page, limit: AMO_LIMITS.pageSize }));
  }
  for (const result of fetchPages(amo, pages)) {
    if (!result.ok) throw result.error;
    for (const c of result.value) k.names.set(c.id, c.name);
  }
}

/** Finds (or creates) the companies of these names; their ids are then `companyIdOf`'s. */
export function resolveCompanies(amo: AmoRunner, props: KeyValueStore, names: string[]): void {
  const k = knownOf(props);
  const wanted = [...new Set(names.map(n => n.trim()).filter(Boolean))].filter(
    n => !k.ids.has(n.toLowerCase())
  );
  if (wanted.length === 0) return;
  const found = amo.runAll(wanted.map(name => listCompanies({ query: name, limit: 50 })));
  found.forEach((result, i) => {
    if (!result.ok) throw result.error;
    const same = result.value.items.find(c => norm(c.name) === norm(wanted[i]));
    if (same) k.ids.set(norm(wanted[i]), same.id);
  });
  const unknown = wanted.filter(n => !k.ids.has(norm(n)));
  if (unknown.length === 0) return;
  const made = amo.run(
    createCompanies(unknown.map((name, i) => ({ name, request_id: String(i) })))
  );
  for (const c of made) k.ids.set(norm(unknown[Number(c.request_id)]), c.id);
}

export function companyIdOf(props: KeyValueStore, name: string): number | undefined {
  return knownOf(props).ids.get(norm(name));
}

function norm(name: string): string {
  return name.trim().toLowerCase();
}
