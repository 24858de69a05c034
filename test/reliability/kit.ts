// Shared by the reliability tests: worlds, row generators, and the invariants a person relies
// on after any failure has healed — one row, one lead; the sheet and AmoCRM agree; nothing is
// left in error; no request loop; no uncaught exception.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_PIPELINE } from '../../sandbox/amo-fake';
import type { ContactRecord, FakeAmoState, LeadRecord } from '../../sandbox/amo-fake';
import { HEADERS, SHEET, WEBHOOK_SECRET, World } from '../../sandbox/world';
import type { WorldOptions } from '../../sandbox/world';
import type { RunResult } from '../../sandbox/runtime';
import { normalizePhone } from '../../src/domain/phone';

export { HEADERS, SHEET, WEBHOOK_SECRET, World };
export type { WorldOptions, RunResult };

export const STATUS = {
  first: MAIN_PIPELINE.statuses[1],
  talks: MAIN_PIPELINE.statuses[2],
  deciding: MAIN_PIPELINE.statuses[3],
};

export const ROW_ID_FIELD = 'Sheet row ID';
export const MINUTE = 60_000;

export type Person = { name: string; phone?: string; email?: string; budget?: number | string };

/** A valid, distinct person: RU mobile +7 916 …, its own email, a budget. */
export function person(i: number, tag = 'c'): Person {
  const d = String(i).padStart(7, '0');
  return {
    name: `Клиент ${tag}${i}`,
    phone: `8 (916) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`,
    email: `${tag}${i}@Example.com`,
    budget: 1000 + i,
  };
}

export function people(n: number, tag = 'c', from = 0): Person[] {
  return Array.from({ length: n }, (_, i) => person(from + i, tag));
}

/** Puts rows into the sheet without firing any trigger (as an import finds them). */
export function placeRows(w: World, rows: Array<Record<string, unknown>>, top = 2): void {
  const grid = rows.map(r => w.headers.map(h => (h in r ? r[h] : '')));
  w.rt.spreadsheet.setValues(SHEET, top, 1, grid);
}

/**
 * The bundle as jest's global setup built it, copied once per test file: other test runs in
 * the same checkout rebuild dist/ while these run, and a world must never load a half-written
 * bundle.
 */
let bundleDir: string | null = null;

function stableBundle(): string {
  if (bundleDir) return bundleDir;
  const source = join(process.cwd(), 'dist');
  const dir = mkdtempSync(join(tmpdir(), 'reliability-bundle-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 100; attempt++) {
    const files = readdirSync(source);
    const sizes = () => files.map(f => statSync(join(source, f)).size).join();
    const before = sizes();
    Atomics.wait(pause, 0, 0, 50);
    if (
      files.some(f => f.endsWith('.js')) &&
      sizes() === before &&
      !before.split(',').includes('0')
    ) {
      for (const f of files) copyFileSync(join(source, f), join(dir, f));
      return (bundleDir = dir);
    }
  }
  throw new Error('dist/ holds no stable bundle');
}

/**
 * A world with triggers installed and (unless `prepare` is false) AmoCRM prepared: account,
 * row-id field and statuses remembered.
 */
export async function startWorld(options: WorldOptions = {}, prepare = true): Promise<World> {
  const w = await World.start({
    ...options,
    runtime: { bundleDir: stableBundle(), ...options.runtime },
  });
  try {
    const props = w.rt.properties.script;
    const baseUrl = props.get('AMO_BASE_URL') ?? '';
    if (!prepare) props.delete('AMO_BASE_URL');
    w.run('installTriggers');
    if (!prepare) {
      props.set('AMO_BASE_URL', baseUrl);
      w.rt.cache.evictAll();
    }
  } catch (e) {
    await w.stop();
    throw e;
  }
  return w;
}

/** The executions the runtime finished since index `from`. */
export function executionsSince(w: World, from: number): RunResult[] {
  return w.rt.executions.slice(from);
}

/** Lines a person would find wrong in the executions since `from`: errors and kills. */
export function failures(w: World, from: number, killsAllowed: boolean, webFrom = 0): string[] {
  const out: string[] = [];
  for (const r of executionsSince(w, from)) {
    if (r.killed && !killsAllowed) out.push(`${r.fnName} was killed: ${r.killReason}`);
    else if (r.error && !r.killed) out.push(`${r.fnName} threw: ${firstLine(r.error)}`);
  }
  for (const web of w.rt.webExecutions.slice(webFrom)) {
    if (web.result?.killed) continue;
    let body: unknown;
    try {
      body = JSON.parse(web.responseBody);
    } catch {
      out.push(`doPost answered something that is not JSON: ${web.responseBody.slice(0, 120)}`);
      continue;
    }
    const ok = (body as { ok?: unknown; status?: unknown }).ok;
    if (web.method === 'POST' && ok !== true) {
      out.push(`doPost answered ${web.responseBody.slice(0, 160)}`);
    }
  }
  return out;
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 200);
}

/** A non-empty sheet row (what the contract syncs). */
export function isDataRow(r: Record<string, unknown>): boolean {
  return ['name', 'phone', 'email'].some(h => String(r[h] ?? '').trim() !== '');
}

export function statusName(id: number, pipelines: FakeAmoState['config']['pipelines']): string {
  for (const p of pipelines) {
    const s = p.statuses.find(x => x.id === id);
    if (s) return s.name;
  }
  return `status ${id}`;
}

export function fieldValue(
  entity: { custom_fields_values: ContactRecord['custom_fields_values'] },
  code: string
): string {
  const f = (entity.custom_fields_values ?? []).find(x => x.field_code === code);
  return String(f?.values?.[0]?.value ?? '');
}

/** Every value of a multi-value field (phones, emails); [''] when it has none. */
function fieldValues(
  entity: { custom_fields_values: ContactRecord['custom_fields_values'] },
  code: string
): string[] {
  const f = (entity.custom_fields_values ?? []).find(x => x.field_code === code);
  const values = (f?.values ?? []).map(v => String(v.value ?? ''));
  return values.length > 0 ? values : [''];
}

function rowIdOf(lead: LeadRecord, fieldId: number | undefined): string {
  const f = (lead.custom_fields_values ?? []).find(x => x.field_id === fieldId);
  return String(f?.values?.[0]?.value ?? '');
}

function samePhone(a: unknown, b: unknown): boolean {
  const left = normalizePhone(a, 'RU');
  const right = normalizePhone(b, 'RU');
  const l = left.ok ? left.value : String(a ?? '');
  const r = right.ok ? right.value : String(b ?? '');
  return (l ?? '') === (r ?? '');
}

function budgetOf(value: unknown): number {
  if (value === '' || value === null || value === undefined) return 0;
  return Number(value);
}

/**
 * The invariants of a healed world. Returns what broke (empty when everything held):
 *  - every data row is linked to its own lead (distinct amo_deal_id), every live lead to one
 *    row, and the lead's "Sheet row ID" field holds that row's external_id;
 *  - the row's values are AmoCRM's: price, status name, main contact's name, phone, email;
 *  - no row is left in error, pending or syncing.
 */
export async function sheetMatchesAmo(w: World): Promise<string[]> {
  const out: string[] = [];
  const state = await w.fake.admin.state();
  const leads = state.leads.filter(l => !l.is_deleted);
  const leadById = new Map(leads.map(l => [String(l.id), l]));
  const contacts = new Map(state.contacts.map(c => [c.id, c]));
  const rowField = state.leadFields.find(f => f.name === ROW_ID_FIELD)?.id;
  const rows = w.rows().filter(isDataRow);
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const label = `row ${i + 2} (${String(row.name).slice(0, 20)})`;
    const deal = String(row.amo_deal_id ?? '');
    const status = String(row.sync_status ?? '');
    if (!/^✓ synced/.test(status)) out.push(`${label}: sync_status "${status.slice(0, 160)}"`);
    if (!/^\d+$/.test(deal)) {
      out.push(`${label}: no amo_deal_id`);
      return;
    }
    if (seen.has(deal)) out.push(`${label}: shares lead ${deal} with row ${seen.get(deal)! + 2}`);
    seen.set(deal, i);
    const lead = leadById.get(deal);
    if (!lead) {
      out.push(`${label}: lead ${deal} does not exist in AmoCRM`);
      return;
    }
    if (rowIdOf(lead, rowField) !== String(row.external_id)) {
      out.push(
        `${label}: lead ${deal} carries row id "${rowIdOf(lead, rowField)}", the row "${row.external_id}"`
      );
    }
    if (lead.price !== budgetOf(row.budget)) {
      out.push(`${label}: budget ${String(row.budget)} but the lead's price is ${lead.price}`);
    }
    const statusText = statusName(lead.status_id, state.config.pipelines);
    if (String(row.status) !== statusText) {
      out.push(`${label}: status "${String(row.status)}" but the lead is in "${statusText}"`);
    }
    const main = lead.contacts.find(c => c.is_main) ?? lead.contacts[0];
    const contact = main ? contacts.get(main.id) : undefined;
    if (!contact) {
      out.push(`${label}: lead ${deal} has no contact`);
      return;
    }
    if (String(row.amo_contact_id) !== String(contact.id)) {
      out.push(
        `${label}: amo_contact_id ${String(row.amo_contact_id)}, lead's contact ${contact.id}`
      );
    }
    if (String(row.name ?? '').trim() && contact.name !== String(row.name).trim()) {
      out.push(`${label}: name "${String(row.name)}" but the contact is "${contact.name}"`);
    }
    // A contact holds several phones and emails (rows of one person share it): a row shows its
    // own one when the contact holds it, else the contact's first.
    if (!fieldValues(contact, 'PHONE').some(p => samePhone(row.phone, p))) {
      out.push(
        `${label}: phone ${String(row.phone)} but the contact has ${fieldValue(contact, 'PHONE')}`
      );
    }
    const email = String(row.email ?? '')
      .trim()
      .toLowerCase();
    if (!fieldValues(contact, 'EMAIL').some(e => e.toLowerCase() === email)) {
      out.push(`${label}: email ${email} but the contact has ${fieldValue(contact, 'EMAIL')}`);
    }
  });
  if (leads.length !== rows.length) {
    const linked = new Set(rows.map(r => String(r.amo_deal_id)));
    const orphans = leads.filter(l => !linked.has(String(l.id))).map(l => l.id);
    out.push(
      `${leads.length} leads in AmoCRM for ${rows.length} rows` +
        (orphans.length > 0 ? ` (no row links lead ${orphans.slice(0, 5).join(', ')})` : '')
    );
  }
  return out;
}

/** Every script log line, error, sheet cell, web answer and UI text the runtime has seen. */
export function everythingVisible(w: World): string[] {
  const texts: string[] = [];
  for (const r of w.rt.executions) {
    texts.push(...r.logs);
    if (r.error) texts.push(r.error);
    if (r.killReason) texts.push(r.killReason);
    if (r.returned !== undefined) texts.push(JSON.stringify(r.returned));
    if (r.output) texts.push(r.output.content);
  }
  for (const web of w.rt.webExecutions) texts.push(web.responseBody);
  for (const name of w.rt.spreadsheet.sheetNames()) {
    texts.push(JSON.stringify(w.rt.spreadsheet.values(name)));
    texts.push(JSON.stringify(w.rt.spreadsheet.formulas(name)));
  }
  const ui = w.rt.ui;
  texts.push(JSON.stringify([ui.toasts, ui.alerts, ui.prompts, ui.dialogs, ui.menus]));
  return texts;
}
