// Scripted schedules: the same people, managers, executions and faults as the random explorer,
// but each step named by the test, and actions attached to chosen boundaries ("when handleEdit
// has the answer of POST /leads/complex, the person inserts a row above"). The regression
// tests of issue 11 are written with it; the invariants are the explorer's.

import { MAIN_PIPELINE } from '../amo-fake';
import type { BoundaryFault, BoundaryInfo, RunResult } from '../runtime';
import { Arena, COL, HEADERS, SHEET, TAG, unlinkedRow, type Field } from './arena';
import {
  checkInvariants,
  recordIntent,
  type Failure,
  type Intent,
  type Intents,
} from './invariants';

export type Person = Partial<Record<Field, unknown>>;

export interface EditEvent {
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
}

type Step = {
  when: (info: BoundaryInfo) => boolean;
  then: (info: BoundaryInfo) => void | BoundaryFault;
  fired: number;
  times: number;
};

export class Stage {
  readonly intents: Intents = { person: new Map(), lead: new Map(), contact: new Map() };
  readonly firstLead = new Map<string, string>();
  readonly faulted = new Set<string>();
  private readonly copyDeal = new Map<string, string>();
  private readonly copySource = new Map<string, string>();
  private readonly conversions: Array<[string, string]> = [];
  /** Leads a manager created in AmoCRM (the test turns IMPORT_NEW_LEADS on). */
  private readonly created: number[] = [];
  private steps: Step[] = [];
  private seq = 0;
  private tags = 0;
  private unique = 0;

  constructor(readonly arena: Arena) {}

  get rt() {
    return this.arena.rt;
  }

  /** A fresh account and sheet; the boundary hook runs the steps attached with `at`. */
  reset(prepared = true): this {
    this.arena.reset(prepared);
    this.intents.person.clear();
    this.intents.lead.clear();
    this.intents.contact.clear();
    this.firstLead.clear();
    this.faulted.clear();
    this.copyDeal.clear();
    this.copySource.clear();
    this.conversions.length = 0;
    this.created.length = 0;
    this.steps = [];
    this.rt.hooks.atBoundary = info => this.atBoundary(info);
    return this;
  }

  /**
   * At the first boundary matching `when` (or the first `times`), do `then`: act, run another
   * execution, or return a fault. Returns how many times it fired.
   */
  at(
    when: (info: BoundaryInfo) => boolean,
    then: (info: BoundaryInfo) => void | BoundaryFault,
    times = 1
  ): () => number {
    const step: Step = { when, then, fired: 0, times };
    this.steps.push(step);
    return () => step.fired;
  }

  /** A fresh, distinct customer. */
  customer(budget = 1000): Required<Omit<Person, 'source'>> {
    this.unique += 1;
    const u = String(this.unique).padStart(4, '0');
    return {
      name: `Customer ${this.unique}`,
      phone: `8 (916) 555-${u.slice(0, 2)}-${u.slice(2)}`,
      email: `customer${this.unique}@example.com`,
      budget,
    };
  }

  /** A person types rows below the last one (or at `at`); returns their tags. */
  type(
    people: Person[],
    fire: 'now' | 'later' = 'now',
    at?: number
  ): { tags: string[]; event: EditEvent } {
    const top = at ?? this.lastRow() + 1;
    this.seq += 1;
    const tags = people.map(() => this.newTag());
    const grid = people.map((p, i) =>
      HEADERS.slice(0, COL[TAG]).map(h => (h === TAG ? tags[i] : (p[h as Field] ?? '')))
    );
    people.forEach((p, i) => {
      for (const f of Object.keys(p) as Field[]) this.personIntent(tags[i], f, p[f]);
    });
    this.rt.spreadsheet.setValues(SHEET, top, 1, grid);
    const event = { row: top, column: 1, numRows: people.length, numColumns: COL[TAG] };
    if (fire === 'now') this.fireEdit(event);
    this.observe();
    return { tags, event };
  }

  /** A person types values into cells of the tagged row (one paste when several). */
  edit(tag: string, values: Person, fire: 'now' | 'later' = 'now'): EditEvent {
    const row = this.rowOf(tag);
    const fields = Object.keys(values) as Field[];
    const columns = fields.map(f => COL[f]);
    const left = Math.min(...columns);
    const right = Math.max(...columns);
    this.seq += 1;
    const line = this.rt.spreadsheet.values(SHEET)[row - 1].slice(left - 1, right);
    for (const f of fields) {
      line[COL[f] - left] = values[f] as never;
      const v = values[f];
      const formula = typeof v === 'string' && v.startsWith('=') ? v : undefined;
      this.personIntent(tag, f, formula ? this.evaluate(formula) : v, formula);
    }
    this.rt.spreadsheet.setValues(SHEET, row, left, [line]);
    const event = { row, column: left, numRows: 1, numColumns: right - left + 1 };
    if (fire === 'now') this.fireEdit(event);
    return event;
  }

  /** The platform runs the on-edit trigger for an edit (now, or when a test says so). */
  fireEdit(event: EditEvent): RunResult {
    const result = this.rt.fireTrigger(this.arena.editTrigger(), { sheet: SHEET, ...event });
    this.observe();
    return result;
  }

  insertRows(at: number, count = 1): void {
    this.rt.spreadsheet.insertRowsAt(SHEET, at, count);
  }

  sortBy(header: string, ascending = true): void {
    this.rt.spreadsheet.sortBy(SHEET, COL[header], ascending);
  }

  /** A person copies a whole row (script columns too) into a new row inserted at `at`. */
  pasteCopy(tag: string, at: number, fire: 'now' | 'later' = 'now'): string {
    const source = this.rowOf(tag);
    const line = this.rt.spreadsheet.values(SHEET)[source - 1];
    const formulas = this.rt.spreadsheet.formulas(SHEET)[source - 1];
    this.insertRows(at, 1);
    const copy = this.newTag();
    this.seq += 1;
    this.rt.spreadsheet.setValues(SHEET, at, 1, [
      HEADERS.map((h, i) => (h === TAG ? copy : formulas[i] || line[i])),
    ]);
    // What was pasted is what the cells held; no field of the customer changed by it.
    for (const f of ['name', 'phone', 'email', 'budget', 'source'] as Field[]) {
      const formula = formulas[COL[f] - 1] || undefined;
      this.personIntent(copy, f, line[COL[f] - 1], formula, -1);
    }
    this.copyDeal.set(copy, String(line[COL.amo_deal_id - 1]));
    this.copySource.set(copy, tag);
    if (fire === 'now')
      this.fireEdit({ row: at, column: 1, numRows: 1, numColumns: HEADERS.length });
    return copy;
  }

  /** The person turns a pasted copy into another customer: name, phone and email at once. */
  convert(copy: string, customer: Person, fire: 'now' | 'later' = 'now'): EditEvent {
    const source = this.copySource.get(copy);
    if (source === undefined) throw new Error(`${copy} is not a pasted copy`);
    this.conversions.push([copy, source]);
    return this.edit(
      copy,
      { name: customer.name, phone: customer.phone, email: customer.email },
      fire
    );
  }

  // ---- managers in AmoCRM (each returns the webhook body AmoCRM would post) -------------------

  /** A manager creates a lead (no contact) in the main pipeline; returns its id and webhook. */
  managerCreatesLead(name: string, price: number): { leadId: number; body: string } {
    this.seq += 1;
    const result = this.arena.admin.createLead({ name, price, now: this.rt.clock.now() });
    const leadId = result.leadId as number;
    this.created.push(leadId);
    return { leadId, body: this.body(result) };
  }

  managerPrice(tag: string, price: number): string {
    const lead = this.leadOf(tag);
    this.seq += 1;
    this.intent(this.intents.lead, lead, 'budget', price);
    return this.body(this.arena.admin.setLeadPrice(lead, price, this.rt.clock.now()));
  }

  managerSource(tag: string, value: string): string {
    const lead = this.leadOf(tag);
    this.seq += 1;
    this.intent(this.intents.lead, lead, 'source', value);
    return this.body(
      this.arena.admin.setCustomField({
        id: lead,
        fieldId: this.arena.sourceFieldId,
        values: [{ value }],
        now: this.rt.clock.now(),
      })
    );
  }

  managerStatus(tag: string, statusName: string, leadId = this.leadOf(tag)): string {
    const status = MAIN_PIPELINE.statuses.find(s => s.name === statusName);
    if (!status) throw new Error(`no status ${statusName}`);
    this.seq += 1;
    this.intent(this.intents.lead, leadId, 'status', statusName);
    return this.body(this.arena.admin.setLeadStatus(leadId, status.id, this.rt.clock.now()));
  }

  managerContact(tag: string, field: 'name' | 'phone' | 'email', value: string): string {
    const contact = Number(this.row(tag).amo_contact_id);
    this.seq += 1;
    this.intent(this.intents.contact, contact, field, value);
    return this.body(
      this.arena.admin.editContact(contact, { [field]: value }, this.rt.clock.now())
    );
  }

  /** AmoCRM posts the webhook to doPost. */
  post(body: string): RunResult {
    const result = this.arena.post(body);
    this.observe();
    return result;
  }

  run(fn: 'syncNow' | 'runBackgroundWork' | 'importExistingRows'): RunResult {
    const result = this.rt.run(fn, fn === 'runBackgroundWork' ? { type: 'time' } : undefined);
    this.observe();
    return result;
  }

  /** Past claim staleness, then background runs and Sync now until nothing changes. */
  recover(): boolean {
    this.rt.hooks.atBoundary = undefined;
    return this.arena.recover(() => this.observe());
  }

  /** The invariants (see invariants.ts). */
  check(): Failure[] {
    this.observe();
    return checkInvariants({
      arena: this.arena,
      intents: this.intents,
      firstLead: this.firstLead,
      faulted: this.faulted,
      conversions: this.conversions,
      createdLeads: this.created,
    });
  }

  // ---- what a person sees --------------------------------------------------------------------

  rowOf(tag: string): number {
    const i = this.rt.spreadsheet.records(SHEET).findIndex(r => r[TAG] === tag);
    if (i < 0) throw new Error(`row ${tag} is not in the sheet`);
    return i + 2;
  }

  row(tag: string): Record<string, unknown> {
    return this.rt.spreadsheet.records(SHEET)[this.rowOf(tag) - 2];
  }

  formula(tag: string, field: Field): string {
    return this.rt.spreadsheet.cell(SHEET, this.rowOf(tag), COL[field]).formula;
  }

  leadOf(tag: string): number {
    const deal = Number(this.row(tag).amo_deal_id);
    if (!(deal > 0)) throw new Error(`row ${tag} has no lead`);
    return deal;
  }

  liveLeads() {
    return this.arena.admin.state().leads.filter(l => !l.is_deleted);
  }

  // ---- internals -----------------------------------------------------------------------------

  private atBoundary(info: BoundaryInfo): void | BoundaryFault {
    for (const step of this.steps) {
      if (step.fired >= step.times || !step.when(info)) continue;
      step.fired += 1;
      const verdict = step.then(info);
      if (verdict) this.faulted.add(info.execution.id);
      return verdict;
    }
    return undefined;
  }

  private body(result: { deliveries: Array<{ body: string }> }): string {
    const body = result.deliveries[0]?.body;
    if (!body) throw new Error('the manager action sent no webhook');
    return body;
  }

  private evaluate(formula: string): number {
    return formula
      .slice(1)
      .split('+')
      .reduce((sum, part) => sum + Number(part), 0);
  }

  private observe(): void {
    this.rt.spreadsheet.records(SHEET).forEach(r => {
      const tag = String(r[TAG] ?? '');
      const deal = String(r.amo_deal_id ?? '');
      if (!this.intents.person.has(tag) || !/^\d+$/.test(deal) || this.firstLead.has(tag)) return;
      if (this.copyDeal.get(tag) === deal) return;
      this.firstLead.set(tag, deal);
    });
  }

  private newTag(): string {
    this.tags += 1;
    return `t${this.tags}`;
  }

  private lastRow(): number {
    return Math.max(1, this.rt.spreadsheet.values(SHEET).length);
  }

  private personIntent(
    tag: string,
    field: Field,
    value: unknown,
    formula?: string,
    seq = this.seq
  ): void {
    const unlinked = unlinkedRow(this.rt, tag);
    recordIntent(this.intents.person, tag, field, {
      value,
      formula,
      seq,
      ...(unlinked ? { unlinked } : {}),
    });
  }

  private intent(
    map: Map<number, Map<string, Intent>>,
    id: number,
    field: string,
    value: unknown
  ): void {
    recordIntent(map, id, field, { value, seq: this.seq });
  }
}

/** Boundary matchers for `Stage.at`. */
export const on = {
  fetch:
    (fn: string, phase: 'before' | 'after', url: RegExp, method?: string) =>
    (info: BoundaryInfo): boolean =>
      info.execution.fnName === fn &&
      info.service === 'UrlFetchApp' &&
      info.phase === phase &&
      (info.requests ?? []).some(r => url.test(r.url) && (!method || r.method === method)),
  call:
    (fn: string, method: string) =>
    (info: BoundaryInfo): boolean =>
      info.execution.fnName === fn && info.method === method,
};
