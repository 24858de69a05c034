// What the benchmark, the import test and the story share: summing the runtime's counters,
// loading generated rows into the sheet, driving an import to its end (importExistingRows,
// then the background trigger until every row has a lead), and checking AmoCRM for
// duplicates afterwards.
import type { FakeAmoState } from '../sandbox/amo-fake';
import type { Counters, RunResult } from '../sandbox/runtime';
import { sumCounters } from '../sandbox/story/counters';
import { HEADERS, SHEET, World } from '../sandbox/world';
import { buildWebhookBody, leadFields } from '../sandbox/amo-fake/webhooks/payloads';

/** The lead field the sync keeps each row's external_id in (src/sync/amo-reads.ts). */
export const ROW_ID_FIELD = 'Sheet row ID';

export type Row = Record<string, unknown>;

/** Writes data rows below the header as the cells a person would have (strings stay text). */
export function loadRows(world: World, rows: Row[]): void {
  const headers = world.headers ?? HEADERS;
  const grid = rows.map(r => headers.map(h => (h in r ? r[h] : '')));
  world.rt.spreadsheet.setValues(SHEET, 2, 1, grid, { raw: true });
}

export function rowsWithoutLead(world: World): number {
  return world.rows().filter(r => String(r.amo_deal_id ?? '') === '').length;
}

export interface ImportRun {
  fn: string;
  result: RunResult;
}

export interface ImportOutcome {
  runs: ImportRun[];
  /** Executions needed: importExistingRows plus the background runs after it. */
  runCount: number;
  done: boolean;
  total: Counters;
  maxSheetCallsPerRun: number;
  killed: number;
  /** The error of an execution that failed (not killed); the drive stops there. */
  error: string | null;
}

export interface DriveOptions {
  /** Give up after this many executions (a stuck import must not loop forever). */
  maxRuns?: number;
  /** Virtual time between two trigger runs; default 10 min (the background trigger). */
  gapMs?: number;
  /** Called before each run (the import test injects its faults here). */
  beforeRun?: (index: number) => Promise<void> | void;
}

/**
 * importExistingRows once, then runBackgroundWork every `gapMs` of virtual time until no
 * row lacks amo_deal_id. Killed executions count as runs; an execution that fails
 * (not killed) throws.
 */
export async function driveImport(
  world: World,
  options: DriveOptions = {}
): Promise<ImportOutcome> {
  const maxRuns = options.maxRuns ?? 40;
  const gapMs = options.gapMs ?? 10 * 60 * 1000;
  const runs: ImportRun[] = [];
  let done = false;
  let error: string | null = null;
  for (let i = 0; i < maxRuns; i++) {
    if (i > 0) world.rt.clock.advance(gapMs);
    await options.beforeRun?.(i);
    const fn = i === 0 ? 'importExistingRows' : 'runBackgroundWork';
    const result = world.rt.run(fn);
    runs.push({ fn, result });
    if (result.error && !result.killed) {
      error = `${fn} (run ${i + 1}) failed: ${result.errorMessage ?? result.error}`;
      break;
    }
    if (rowsWithoutLead(world) === 0) {
      done = true;
      break;
    }
  }
  const results = runs.map(r => r.result);
  return {
    runs,
    runCount: runs.length,
    done,
    total: sumCounters(results),
    maxSheetCallsPerRun: Math.max(0, ...results.map(r => r.counters.spreadsheetCalls)),
    killed: results.filter(r => r.killed).length,
    error,
  };
}

/**
 * Calls the fake's admin API again when the first attempt hit a keep-alive socket that the
 * fake closed while this thread was blocked in a long execution (undici: "other side closed").
 */
export async function admin<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw e;
    return call();
  }
}

export interface DuplicateReport {
  /** external_ids that more than one live lead carries. */
  rowsWithSeveralLeads: number;
  /** Extra leads beyond one per row id. */
  extraLeads: number;
  /** Normalized e-mails or phones that more than one live contact carries. */
  sharedContactKeys: number;
  leads: number;
  contacts: number;
  /** Leads without a row id (not made by the sync). */
  leadsWithoutRowId: number;
}

/** Duplicates in the fake's state: leads per row id, contacts sharing an e-mail or phone. */
export function duplicates(state: FakeAmoState): DuplicateReport {
  const field = state.leadFields.find(f => f.name === ROW_ID_FIELD);
  const perRow = new Map<string, number>();
  let withoutId = 0;
  const leads = state.leads.filter(l => !l.is_deleted);
  for (const lead of leads) {
    const value = (lead.custom_fields_values ?? []).find(f => f.field_id === field?.id)?.values[0]
      ?.value;
    if (value === undefined || value === '') withoutId++;
    else perRow.set(String(value), (perRow.get(String(value)) ?? 0) + 1);
  }
  const several = [...perRow.values()].filter(n => n > 1);
  const owners = new Map<string, Set<number>>();
  const contacts = state.contacts.filter(c => !c.is_deleted);
  for (const contact of contacts) {
    for (const f of contact.custom_fields_values ?? []) {
      if (f.field_code !== 'EMAIL' && f.field_code !== 'PHONE') continue;
      for (const v of f.values) {
        const key =
          f.field_code === 'EMAIL'
            ? `e:${String(v.value).trim().toLowerCase()}`
            : phoneKey(v.value);
        if (!key) continue;
        if (!owners.has(key)) owners.set(key, new Set());
        owners.get(key)?.add(contact.id);
      }
    }
  }
  return {
    rowsWithSeveralLeads: several.length,
    extraLeads: several.reduce((s, n) => s + n - 1, 0),
    sharedContactKeys: [...owners.values()].filter(s => s.size > 1).length,
    leads: leads.length,
    contacts: contacts.length,
    leadsWithoutRowId: withoutId,
  };
}

/** A Russian phone's ten national digits, whatever the format it was stored in. */
function phoneKey(value: unknown): string {
  const digits = String(value).replace(/\D/g, '');
  if (digits.length < 10) return '';
  return `p:${digits.slice(-10)}`;
}

export { HEADERS, SHEET };
export { byTemplate, formatEndpoints, sumCounters } from '../sandbox/story/counters';

/**
 * A manager's bulk action: the leads moved from `fromStatus` to `toStatus` with webhooks off,
 * then one webhook body naming them all, as AmoCRM sends a bulk change.
 */
export async function bulkStatusWebhook(
  world: World,
  leadIds: number[],
  fromStatus: number,
  toStatus: number
): Promise<void> {
  await admin(() => world.fake.admin.setWebhookDelivery(false));
  for (const leadId of leadIds) {
    await admin(() =>
      world.fake.admin.setLeadStatus({ leadId, statusId: toStatus, now: world.now() })
    );
  }
  await admin(() => world.fake.admin.setWebhookDelivery(true));
  const state = await admin(() => world.fake.admin.state());
  const account = {
    subdomain: state.config.subdomain,
    id: state.config.accountId,
    url: world.fake.url,
  };
  const events = leadIds.map(id => {
    const lead = state.leads.find(l => l.id === id);
    if (!lead) throw new Error(`lead ${id} is missing in the fake`);
    return {
      setting: 'status_lead',
      entity: 'leads' as const,
      action: 'status' as const,
      fields: leadFields(lead, {
        modifiedUserId: state.config.managerUserId,
        oldStatusId: fromStatus,
      }),
    };
  });
  const body = buildWebhookBody(account, events);
  await admin(() => world.fake.admin.deliverRaw(body, undefined, world.now()));
}
