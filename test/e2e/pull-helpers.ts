// Shared by the AmoCRM → sheet end-to-end tests (test/e2e/pull*.test.ts): a World whose rows
// were typed by a person (so handleEdit created their leads), and small readers of what a
// person sees in the sheet and what AmoCRM got back from doPost.
import { MAIN_PIPELINE } from '../../sandbox/amo-fake';
import { HEADERS, SHEET, WEBHOOK_SECRET, World, WorldOptions } from '../../sandbox/world';
import type { WebExecutionRecord } from '../../sandbox/runtime';

export { SHEET, WEBHOOK_SECRET, World };

export const STATUS = {
  first: MAIN_PIPELINE.statuses[1],
  talks: MAIN_PIPELINE.statuses[2],
  deciding: MAIN_PIPELINE.statuses[3],
  contract: MAIN_PIPELINE.statuses[4],
};

export type Person = { name: string; phone?: string; email?: string; budget?: number | string };

/** A world with the triggers installed and these rows typed (and pushed) by a person. */
export async function worldWithRows(people: Person[], options: WorldOptions = {}): Promise<World> {
  const w = await World.start(options);
  w.run('installTriggers');
  if (people.length > 0) {
    const [edit] = w.type(people);
    if (edit.error) throw new Error(`handleEdit failed: ${edit.error}`);
  }
  for (const [i, row] of w.rows().entries()) {
    if (!/^\d+$/.test(String(row.amo_deal_id))) throw new Error(`row ${i + 2} was not linked`);
  }
  // Manager actions come later than the creation, as they would.
  w.rt.clock.advance(60_000);
  return w;
}

/** 1-based column of a header. */
export function col(header: string): number {
  return HEADERS.indexOf(header) + 1;
}

export function leadIdOf(w: World, i: number): number {
  return Number(w.row(i).amo_deal_id);
}

export function contactIdOf(w: World, i: number): number {
  return Number(w.row(i).amo_contact_id);
}

/** The data row (record) linked to a lead, wherever it is now. */
export function rowOfLead(w: World, leadId: number): Record<string, unknown> {
  const row = w.rows().find(r => String(r.amo_deal_id) === String(leadId));
  if (!row) throw new Error(`no row links lead ${leadId}`);
  return row;
}

/** The sheet as a person would compare it: every value and every formula. */
export function snapshot(w: World): string {
  return JSON.stringify([w.rt.spreadsheet.values(SHEET), w.rt.spreadsheet.formulas(SHEET)]);
}

/** The doPost executions the web-app front ran since `from` (an index in webExecutions). */
export function webhooksSince(w: World, from: number): WebExecutionRecord[] {
  return w.rt.webExecutions.slice(from).filter(e => e.method === 'POST');
}

export function lastWebhook(w: World): WebExecutionRecord {
  const hooks = webhooksSince(w, 0);
  if (hooks.length === 0) throw new Error('no webhook reached the web app');
  return hooks[hooks.length - 1];
}

/**
 * doPost's answer to a good delivery naming leads or contacts: it only queues them (it must
 * answer within AmoCRM's 2 s); the next minute's background run applies them.
 */
export const QUEUED = { ok: true, rows: 0, queued: true, ignored: 0 };

/** doPost's JSON answer. */
export function answerOf(record: WebExecutionRecord): Record<string, unknown> {
  return JSON.parse(record.responseBody) as Record<string, unknown>;
}

/** POSTs a body to the web app over HTTP as AmoCRM (or anyone) would; returns the JSON answer. */
export async function postToWebApp(
  w: World,
  body: string,
  options: { query?: string; contentType?: string } = {}
): Promise<Record<string, unknown>> {
  const query = options.query ?? `secret=${WEBHOOK_SECRET}`;
  const response = await fetch(`${w.web?.url}${query ? `?${query}` : ''}`, {
    method: 'POST',
    body,
    headers: { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' },
  });
  expect(response.status).toBe(200);
  return JSON.parse(await response.text()) as Record<string, unknown>;
}

/** The fake's account (its default configuration). */
export const OUR_ACCOUNT = { subdomain: 'example', id: '31234567' };

/**
 * A webhook body in AmoCRM's 2025 layout naming these items, e.g. `['leads.status', 31000001]`;
 * from our account unless told otherwise.
 */
export function webhookBody(
  items: Array<[string, number]>,
  account: { subdomain: string; id?: string } = OUR_ACCOUNT
): string {
  const pairs = [`account%5Bsubdomain%5D=${account.subdomain}`];
  if (account.id) pairs.push(`account%5Bid%5D=${account.id}`);
  const index = new Map<string, number>();
  for (const [event, id] of items) {
    const i = index.get(event) ?? 0;
    index.set(event, i + 1);
    const [entity, action] = event.split('.');
    pairs.push(`${entity}%5B${action}%5D%5B${i}%5D%5Bid%5D=${id}`);
  }
  return pairs.join('&');
}
