// One schedule: from a seed, a random workload of people, AmoCRM managers, executions and
// faults over a small sheet, interleaved at the executions' service-call boundaries (the
// runtime's atBoundary hook), then recovery to quiescence and the invariants. Every step is
// written to a short trace ("who did what at which boundary"); the seed replays it.
//
// People act on runtime.spreadsheet as a person would (typing fires the on-edit trigger, now or
// later, as the platform queues it), managers act in the fake through its admin routes called
// synchronously, webhooks are the bodies the fake would post, delivered now, later or never.

import { MAIN_PIPELINE, type ManagerResult } from '../amo-fake';
import type { BoundaryFault, BoundaryInfo, RunResult } from '../runtime';
import { Arena, COL, HEADERS, SHEET, SOURCE, TAG, unlinkedRow, type Field } from './arena';
import {
  checkInvariants,
  heldInAmo,
  recordIntent,
  type Failure,
  type Intent,
  type Intents,
} from './invariants';
import { Prng } from './prng';

const STATUSES = MAIN_PIPELINE.statuses.slice(1, 5);
export const FLUSH_FAILED = 'Service Spreadsheets failed while accessing document';

export interface ScheduleOptions {
  /** Actions (people, managers, executions, faults) in the schedule; default 6–12. */
  actions?: number;
  /** Chance that an action steps in at a given boundary. */
  stepIn?: number;
  /** Leave the "Sheet row ID" field uncreated (first edits create it). Default: 1 in 8. */
  unprepared?: boolean;
  /** Leads a manager creates in AmoCRM become rows. Default: every other seed. */
  newLeads?: boolean;
}

export interface ScheduleResult {
  seed: number;
  failures: Failure[];
  trace: string[];
  executions: number;
  requests: number;
}

type PendingEvent =
  | {
      kind: 'edit';
      label: string;
      row: number;
      column: number;
      numRows: number;
      numColumns: number;
    }
  | { kind: 'webhook'; label: string; body: string };

type Actor = 'person' | 'manager' | 'exec';

export function runSchedule(
  arena: Arena,
  seed: number,
  options: ScheduleOptions = {}
): ScheduleResult {
  return new ScheduleRun(arena, seed, options).run();
}

class ScheduleRun {
  private readonly rng: Prng;
  /**
   * Decides, apart from `rng`, whether leads a manager creates in AmoCRM become rows (the
   * IMPORT_NEW_LEADS setting) and when a manager creates one: seeds without it keep the
   * schedules they had.
   */
  private readonly dealRng: Prng;
  private newLeads = false;
  /** Leads a manager created in AmoCRM: each must become exactly one row when newLeads. */
  private readonly created: number[] = [];
  private readonly trace: string[] = [];
  private readonly intents: Intents = { person: new Map(), lead: new Map(), contact: new Map() };
  /** Tags of rows some syncing run has read (a value typed before that is a new row's). */
  private readonly rowsSeen = new Set<string>();
  /** The first lead each tagged row was seen linked to: a row keeps its lead. */
  private readonly firstLead = new Map<string, string>();
  private readonly pending: PendingEvent[] = [];
  /** Copies pasted and not yet turned into a new customer (a person always does, later). */
  private readonly copies: string[] = [];
  /** Pasted copies a person then made a new customer: [copy tag, source tag]. */
  private readonly conversions: Array<[string, string]> = [];
  /** The row each pasted copy was copied from. */
  private readonly copySource = new Map<string, string>();
  /** The lead id each pasted copy was pasted with (its source's): not the copy's own. */
  private readonly copyOf = new Map<string, string>();
  private readonly faulted = new Set<string>();
  /** The on-edit run being started: the rows its event names (by tag) and when it started. */
  private firing: { tags: Set<string>; seq: number } | undefined;
  /** Each on-edit run's event rows and start. */
  private readonly editRuns = new Map<string, { tags: Set<string>; seq: number }>();
  private actionsLeft: number;
  /** The service of each execution's previous call (to tell a read-then-write burst). */
  private readonly lastService = new Map<string, string>();
  /**
   * Per execution: 'read' after it read the synced sheet, or the first other service's call
   * made since (a person may act there, so rows read before it may have moved).
   */
  private readonly sinceRead = new Map<string, string>();
  /** Writes to the synced sheet by rows read before another service call. */
  private readonly staleWrites: string[] = [];
  /** Executions inside a read-then-write burst of Spreadsheet calls right now. */
  private readonly inBurst = new Set<string>();
  private faultsLeft: number;
  private seq = 0;
  private steps = 0;
  private unique = 0;
  private tags = 0;
  private stepIn: number;

  constructor(
    private readonly arena: Arena,
    readonly seed: number,
    private readonly options: ScheduleOptions
  ) {
    this.rng = new Prng(seed);
    this.dealRng = new Prng(seed * 7919 + 17);
    this.actionsLeft = options.actions ?? this.rng.int(6, 12);
    this.faultsLeft = this.rng.int(0, 2);
    this.stepIn = options.stepIn ?? 0.12;
  }

  private get rt() {
    return this.arena.rt;
  }

  run(): ScheduleResult {
    const unprepared = this.options.unprepared ?? this.rng.chance(1 / 8);
    this.arena.reset(!unprepared);
    this.log('setup', `${unprepared ? 'AmoCRM not prepared, ' : ''}seed ${this.seed}`);
    this.newLeads = this.options.newLeads ?? this.dealRng.chance(0.5);
    if (this.newLeads) {
      this.rt.properties.script.setAll({ IMPORT_NEW_LEADS: 'true' });
      this.log('setup', 'leads created in AmoCRM become rows (IMPORT_NEW_LEADS)');
    }
    // A few rows already synced, and maybe one typed before the triggers existed.
    const synced = this.rng.int(1, 4);
    this.typeRows(synced, 'setup', 'now');
    // Their on-edit run has read and synced them.
    for (const fields of this.intents.person.values()) {
      for (const intent of fields.values()) {
        Object.assign(intent, { seenBy: 'setup', seenSeq: intent.seq, doneSeq: intent.seq });
      }
    }
    if (this.rng.chance(0.3)) this.placeRowUnsynced();
    this.rt.hooks.atBoundary = info => this.atBoundary(info);
    try {
      while (this.actionsLeft > 0) {
        this.actionsLeft -= 1;
        this.act(this.rng.weighted<Actor>({ person: 4, manager: 2, exec: 3 }), 'top');
        this.observeLinks();
      }
      this.actionsLeft = 0;
      while (this.copies.length > 0) this.convertCopy('top');
      this.drainPending('top');
    } finally {
      this.rt.hooks.atBoundary = undefined;
    }
    const quiet = this.recover();
    this.observeLinks();
    const failures = checkInvariants({
      arena: this.arena,
      intents: this.intents,
      firstLead: this.firstLead,
      faulted: this.faulted,
      conversions: this.conversions,
      createdLeads: this.newLeads ? this.created : [],
    });
    if (!quiet) failures.push({ invariant: 'quiescence', detail: 'recovery never settled' });
    for (const detail of this.staleWrites) failures.push({ invariant: 'readWrite', detail });
    const executions = this.rt.executions;
    return {
      seed: this.seed,
      failures,
      trace: this.trace,
      executions: executions.length,
      requests: executions.reduce((n, r) => n + r.counters.httpRequests, 0),
    };
  }

  // ---- boundaries --------------------------------------------------------------------------

  private atBoundary(info: BoundaryInfo): void | BoundaryFault {
    if (this.firing && info.execution.fnName === 'handleEdit') {
      if (!this.editRuns.has(info.execution.id)) this.editRuns.set(info.execution.id, this.firing);
      this.firing = undefined;
    }
    // "Find the rows right before writing, and write straight away": a run of Spreadsheet calls
    // with no other service call between them (read the rows, then write them) is the
    // shortest step Apps Script offers, so people act before or after such a burst, not inside.
    this.watchReadWrite(info);
    const previous = this.lastService.get(info.execution.id);
    if (info.phase === 'before') this.lastService.set(info.execution.id, info.service);
    if (info.service === 'Spreadsheet' && previous === 'Spreadsheet') {
      this.inBurst.add(info.execution.id);
    } else if (info.phase === 'before') this.inBurst.delete(info.execution.id);
    // Also while an interrupted execution is in a burst: a nested run must not let a person in.
    const inBurst = this.inBurst.size > 0;
    if (this.actionsLeft <= 0 || !this.rng.chance(this.stepIn)) {
      this.noteSeen(info);
      return undefined;
    }
    const where = `${info.execution.id} ${info.execution.fnName} @ ${info.method}${
      info.phase === 'after' ? ' (answered)' : ''
    }${info.depth > 1 ? ` [depth ${info.depth}]` : ''}`;
    const kind = this.rng.weighted({
      person: inBurst ? 0 : 5,
      manager: 2,
      exec: info.depth < 3 ? 2 : 0,
      fault: this.faultsLeft > 0 ? 1.5 : 0,
    });
    this.actionsLeft -= 1;
    if (kind === 'fault') return this.fault(info, where);
    this.act(kind, where);
    // What a person did here, before the call, is what the call reads.
    this.noteSeen(info);
    return undefined;
  }

  /**
   * "Find rows by identity right before writing": between a flow's read of the synced sheet
   * and its write only Spreadsheet calls may run. Checked at every boundary, whatever the
   * people do, so a flow that slips another call in is caught even when no one moved a row.
   */
  private watchReadWrite(info: BoundaryInfo): void {
    if (info.phase !== 'before') return;
    const id = info.execution.id;
    const state = this.sinceRead.get(id);
    if (info.service !== 'Spreadsheet') {
      if (state === 'read') this.sinceRead.set(id, info.method);
      return;
    }
    if (info.sheet !== SHEET) return;
    if (info.write && state !== undefined && state !== 'read') {
      this.staleWrites.push(
        `${id} ${info.execution.fnName} ${info.method} after ${state}, since it read the rows`
      );
    }
    this.sinceRead.set(id, 'read');
  }

  private fault(info: BoundaryInfo, where: string): BoundaryFault {
    this.faultsLeft -= 1;
    this.faulted.add(info.execution.id);
    const options: BoundaryFault[] = [{ fault: 'kill', reason: 'killed by the explorer' }];
    if (info.method === 'SpreadsheetApp.flush') {
      // Twice as likely as the kill here: the flush failure is what this boundary is for.
      const flush: BoundaryFault = { fault: 'throw', message: FLUSH_FAILED, loseWrites: true };
      options.push(flush, flush);
    }
    if (info.service === 'UrlFetchApp' && info.phase === 'before') {
      options.push({ fault: 'respond', status: 503, body: '{"title":"Service Unavailable"}' });
      options.push({
        fault: 'respond',
        status: 429,
        headers: { 'retry-after': '1' },
        body: '{"title":"Too Many Requests","status":429,"retry_after":1}',
      });
    }
    if (info.service === 'UrlFetchApp' && info.phase === 'after') options.push({ fault: 'lose' });
    const chosen = this.rng.pick(options);
    this.log(where, `FAULT ${describeFault(chosen)}`);
    return chosen;
  }

  // ---- actions -------------------------------------------------------------------------------

  private act(actor: Actor, where: string): void {
    // People act at least a second apart from each other and from the runs around them: AmoCRM
    // counts its changes in whole seconds, so two changes of one field in one second cannot be
    // ordered by anyone (the conflict rule is stated at that resolution).
    if (actor === 'exec') return this.execution(where);
    this.rt.clock.advance(1_000);
    if (actor === 'person') this.person(where);
    else this.manager(where);
    // …and the runs that read the sheet or AmoCRM after it do so in a later second.
    this.rt.clock.advance(1_000);
  }

  private person(where: string): void {
    // Also when a manager with no linked lead to act on hands over to a person.
    if (this.inBurst.size > 0) return;
    const dataRows = this.dataRows();
    if (this.copies.length > 0 && this.rng.chance(0.4)) return this.convertCopy(where);
    const kind = this.rng.weighted({
      type: 2,
      paste: 1,
      edit: dataRows.length > 0 ? 4 : 0,
      formula: dataRows.length > 0 ? 1 : 0,
      clear: dataRows.length > 0 ? 0.5 : 0,
      copy: dataRows.length > 0 ? 1 : 0,
      sort: 1,
      insert: 1,
      remove: dataRows.length > 1 ? 0.4 : 0,
    });
    switch (kind) {
      case 'type':
        return this.typeRows(1, where);
      case 'paste':
        return this.typeRows(this.rng.int(2, 3), where);
      case 'edit':
        return this.editCell(
          where,
          this.rng.pick(['budget', 'budget', 'name', 'phone', 'email', 'source'])
        );
      case 'formula':
        return this.editCell(where, 'budget', true);
      case 'clear':
        return this.clearBudget(where);
      case 'copy':
        return this.pasteCopy(where);
      case 'sort':
        return this.sortRows(where);
      case 'insert':
        return this.insertRows(where);
      default:
        return this.deleteRow(where);
    }
  }

  private nextValue(field: Field): string | number {
    this.unique += 1;
    const u = this.unique;
    const n = String(this.seed % 1000).padStart(3, '0') + String(u).padStart(4, '0');
    switch (field) {
      case 'name':
        return `Client ${this.seed % 1000}-${u}`;
      case 'phone':
        return `8 (916) ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5, 7)}`;
      case 'email':
        return `p${this.seed}x${u}@example.com`;
      case 'source':
        return `Источник ${this.seed}-${u}`;
      default:
        return 1000 + this.rng.int(1, 8999);
    }
  }

  /** Types `count` new rows below the last one (a paste when more than one). */
  private typeRows(count: number, where: string, fire?: 'now'): void {
    const top = this.lastRow() + 1;
    const existing = this.dataRows();
    const grid: unknown[][] = [];
    const tags: string[] = [];
    for (let i = 0; i < count; i++) {
      const tag = this.newTag();
      const values: Record<string, unknown> = {
        name: this.nextValue('name'),
        phone: this.nextValue('phone'),
        email: this.nextValue('email'),
        budget: this.nextValue('budget'),
      };
      // Sometimes the same customer again: the contact must be reused, never made twice.
      // Typing the customer's known details is no change of the contact: those intents rank
      // before every real change (seq -1), so the contact's latest values are expected.
      const twin = existing.length > 0 && this.rng.chance(0.12) ? this.rng.pick(existing) : null;
      if (twin) {
        values.name = twin.values.name;
        values.phone = twin.values.phone;
        values.email = twin.values.email;
      }
      grid.push(HEADERS.slice(0, COL[TAG]).map(h => (h === TAG ? tag : values[h])));
      tags.push(tag);
      this.seq += 1;
      for (const f of ['name', 'phone', 'email', 'budget'] as Field[]) {
        this.personIntent(tag, f, values[f], undefined, twin && f !== 'budget' ? -1 : undefined);
      }
    }
    this.rt.spreadsheet.setValues(SHEET, top, 1, grid);
    this.log(where, `person types ${count} new row(s) at row ${top} (${tags.join(', ')})`);
    this.edited(where, top, 1, count, COL[TAG], fire);
  }

  /** A row typed while no trigger ran for it (Sync now or an import picks it up). */
  private placeRowUnsynced(): void {
    const top = this.lastRow() + 1;
    const tag = this.newTag();
    this.seq += 1;
    const values: Record<string, unknown> = {
      name: this.nextValue('name'),
      phone: this.nextValue('phone'),
      email: this.nextValue('email'),
      budget: this.nextValue('budget'),
    };
    for (const f of ['name', 'phone', 'email', 'budget'] as Field[]) {
      this.personIntent(tag, f, values[f]);
    }
    this.rt.spreadsheet.setValues(SHEET, top, 1, [
      HEADERS.slice(0, COL[TAG]).map(h => (h === TAG ? tag : values[h])),
    ]);
    this.log('setup', `row ${top} (${tag}) is there without a sync`);
  }

  private editCell(where: string, field: Field, formula = false): void {
    const target = this.rng.pick(this.dataRows());
    const leadField = field === 'budget' || field === 'source';
    if (this.copies.includes(target.tag) && !leadField) return this.convertCopy(where);
    let typed: unknown = this.nextValue(field);
    let value = typed;
    if (formula) {
      const a = this.rng.int(1, 9) * 1000;
      const b = this.rng.int(1, 9) * 100;
      typed = `=${a}+${b}`;
      value = a + b;
    }
    this.seq += 1;
    this.personIntent(target.tag, field, value, formula ? String(typed) : undefined);
    this.rt.spreadsheet.setValues(SHEET, target.row, COL[field], [[typed]]);
    this.log(
      where,
      `person types ${field} "${String(typed)}" in row ${target.row} (${target.tag})`
    );
    this.edited(where, target.row, COL[field], 1, 1);
  }

  private clearBudget(where: string): void {
    const target = this.rng.pick(this.dataRows());
    this.seq += 1;
    // Clearing a cell that is already blank changes nothing (its on-edit run still comes): no
    // one, the sync included, can tell it from the earlier clearing, so it is no new change.
    const formula = this.rt.spreadsheet.cell(SHEET, target.row, COL.budget).formula;
    if (String(target.values.budget ?? '') !== '' || formula) {
      this.personIntent(target.tag, 'budget', '');
    }
    this.rt.spreadsheet.setValues(SHEET, target.row, COL.budget, [['']]);
    this.log(where, `person clears budget in row ${target.row} (${target.tag})`);
    this.edited(where, target.row, COL.budget, 1, 1);
  }

  /** A copy of a whole row (script columns too) pasted into a new row, maybe above it. */
  private pasteCopy(where: string): void {
    const source = this.rng.pick(this.dataRows());
    const at = this.rng.int(2, this.lastRow() + 1);
    const line = this.rt.spreadsheet.values(SHEET)[source.row - 1];
    const formulas = this.rt.spreadsheet.formulas(SHEET)[source.row - 1];
    this.rt.spreadsheet.insertRowsAt(SHEET, at, 1);
    const tag = this.newTag();
    const copy = HEADERS.map((h, i) => (h === TAG ? tag : formulas[i] || line[i]));
    this.rt.spreadsheet.setValues(SHEET, at, 1, [copy]);
    this.seq += 1;
    // What was pasted is what the cells held; no field of the customer changed by it.
    for (const f of ['name', 'phone', 'email', 'budget', 'source'] as Field[]) {
      const formula = formulas[COL[f] - 1] || undefined;
      this.personIntent(tag, f, line[COL[f] - 1], formula, -1, true);
    }
    this.copies.push(tag);
    this.copySource.set(tag, source.tag);
    this.copyOf.set(tag, String(line[COL.amo_deal_id - 1]));
    this.log(
      where,
      `person pastes a copy of ${source.tag} (row ${source.row}) at row ${at} (${tag})`
    );
    this.edited(where, at, 1, 1, HEADERS.length);
  }

  /** The person turns a pasted copy into a new customer: name, phone and email in one paste. */
  private convertCopy(where: string): void {
    const tag = this.copies.shift() as string;
    const target = this.dataRows().find(r => r.tag === tag);
    if (!target) return;
    const values = [this.nextValue('name'), this.nextValue('phone'), this.nextValue('email')];
    this.conversions.push([tag, this.copySource.get(tag) as string]);
    this.seq += 1;
    (['name', 'phone', 'email'] as Field[]).forEach((f, i) => this.personIntent(tag, f, values[i]));
    this.rt.spreadsheet.setValues(SHEET, target.row, COL.name, [values]);
    this.log(where, `person makes copy ${tag} (row ${target.row}) a new customer ${values[0]}`);
    this.edited(where, target.row, COL.name, 1, 3);
  }

  private sortRows(where: string): void {
    const column = this.rng.pick([COL.name, COL.budget, COL.email]);
    const ascending = this.rng.chance(0.5);
    this.rt.spreadsheet.sortBy(SHEET, column, ascending);
    this.log(where, `person sorts by ${HEADERS[column - 1]} ${ascending ? 'A→Z' : 'Z→A'}`);
  }

  private insertRows(where: string): void {
    const at = this.rng.int(2, Math.max(2, this.lastRow()));
    const count = this.rng.int(1, 2);
    this.rt.spreadsheet.insertRowsAt(SHEET, at, count);
    this.log(where, `person inserts ${count} empty row(s) at row ${at}`);
  }

  private deleteRow(where: string): void {
    const target = this.rng.pick(this.dataRows());
    this.rt.spreadsheet.deleteRowAt(SHEET, target.row, 1);
    this.intents.person.delete(target.tag);
    const copy = this.copies.indexOf(target.tag);
    if (copy >= 0) this.copies.splice(copy, 1);
    this.log(where, `person deletes row ${target.row} (${target.tag})`);
  }

  /** The on-edit trigger: the platform runs it now, or queues it behind the running work. */
  private edited(
    where: string,
    row: number,
    column: number,
    numRows: number,
    numColumns: number,
    fire?: 'now'
  ): void {
    const event: PendingEvent = {
      kind: 'edit',
      label: `handleEdit for rows ${row}–${row + numRows - 1}`,
      row,
      column,
      numRows,
      numColumns,
    };
    if (fire === 'now' || this.rng.chance(0.55)) this.deliver(event, where);
    else this.pending.push(event);
  }

  private manager(where: string): void {
    const linked = this.dataRows().filter(r => /^\d+$/.test(String(r.values.amo_deal_id)));
    if (this.newLeads && this.dealRng.chance(0.25)) return this.createLead(where, linked);
    if (linked.length === 0) return this.person(where);
    const row = this.rng.pick(linked);
    const leadId = Number(row.values.amo_deal_id);
    const contactId = Number(row.values.amo_contact_id);
    const now = this.rt.clock.now();
    const kind = this.rng.weighted({
      price: 1.5,
      status: 1.5,
      source: 1,
      contact: /^\d+$/.test(String(row.values.amo_contact_id)) ? 1.5 : 0,
    });
    this.seq += 1;
    let result;
    let text: string;
    if (kind === 'price') {
      const price = this.rng.int(1, 99) * 500;
      result = this.arena.admin.setLeadPrice(leadId, price, now);
      this.intent(this.intents.lead, leadId, 'budget', price);
      text = `manager sets price ${price} on lead ${leadId}`;
    } else if (kind === 'source') {
      const value = String(this.nextValue('source'));
      result = this.arena.admin.setCustomField({
        id: leadId,
        fieldId: this.arena.sourceFieldId,
        values: [{ value }],
        now,
      });
      this.intent(this.intents.lead, leadId, 'source', value);
      text = `manager sets ${SOURCE} "${value}" on lead ${leadId}`;
    } else if (kind === 'status') {
      const status = this.rng.pick(STATUSES);
      result = this.arena.admin.setLeadStatus(leadId, status.id, now);
      this.intent(this.intents.lead, leadId, 'status', status.name);
      text = `manager moves lead ${leadId} to "${status.name}"`;
    } else {
      const field = this.rng.pick(['name', 'phone', 'email'] as Field[]);
      let value = this.nextValue(field);
      if (field === 'phone') value = `+7916${String(value).replace(/\D/g, '').slice(-7)}`;
      result = this.arena.admin.editContact(contactId, { [field]: value }, now);
      this.intent(this.intents.contact, contactId, field, value);
      text = `manager sets contact ${contactId} ${field}=${String(value)}`;
    }
    this.sendWebhook(result, text, where, this.rng);
  }

  /** AmoCRM posts the action's webhook now, later, or never. */
  private sendWebhook(result: ManagerResult, text: string, where: string, rng: Prng): void {
    const body = result.deliveries[0]?.body;
    const fate = rng.weighted({ now: 0.45, later: 0.4, lost: 0.15 });
    this.log(where, `${text} (webhook ${body ? fate : 'none'})`);
    if (!body || fate === 'lost') return;
    const event: PendingEvent = { kind: 'webhook', label: `webhook of "${text}"`, body };
    if (fate === 'now') this.deliver(event, where);
    else this.pending.push(event);
  }

  /** A manager (or a web form) creates a lead, alone or for a contact a row already has. */
  private createLead(where: string, linked: Array<{ values: Record<string, unknown> }>): void {
    const withContact = linked.filter(r => /^\d+$/.test(String(r.values.amo_contact_id)));
    const contactId =
      withContact.length > 0 && this.dealRng.chance(0.4)
        ? Number(this.dealRng.pick(withContact).values.amo_contact_id)
        : undefined;
    this.unique += 1;
    const name = `Deal ${this.seed}-${this.unique}`;
    const price = this.dealRng.int(1, 99) * 100;
    this.seq += 1;
    const result = this.arena.admin.createLead({
      name,
      price,
      contactId,
      now: this.rt.clock.now(),
    });
    const leadId = result.leadId as number;
    this.created.push(leadId);
    const whose = contactId ? ` for contact ${contactId}` : '';
    this.sendWebhook(
      result,
      `manager creates lead ${leadId} "${name}"${whose}`,
      where,
      this.dealRng
    );
  }

  private execution(where: string): void {
    const kind = this.rng.weighted({
      background: 1,
      syncNow: 1,
      importExistingRows: 0.5,
      pending: this.pending.length > 0 ? 3 : 0,
    });
    if (kind === 'pending') {
      const [event] = this.pending.splice(this.rng.int(0, this.pending.length - 1), 1);
      return this.deliver(event, where);
    }
    const fn = kind === 'background' ? 'runBackgroundWork' : kind;
    this.log(where, `${fn} starts`);
    this.note(this.rt.run(fn, kind === 'background' ? { type: 'time' } : undefined));
  }

  private deliver(event: PendingEvent, where: string): void {
    this.log(where, `${event.label} runs`);
    if (event.kind !== 'webhook') {
      // The on-edit run starts now, after the edits in the rows its event names.
      const values = this.rt.spreadsheet.values(SHEET);
      const tags = new Set<string>();
      for (let r = event.row; r < event.row + event.numRows; r++) {
        tags.add(String(values[r - 1]?.[COL[TAG] - 1] ?? ''));
      }
      this.firing = { tags, seq: this.seq };
    }
    const result =
      event.kind === 'webhook'
        ? this.arena.post(event.body)
        : this.rt.fireTrigger(this.arena.editTrigger(), {
            sheet: SHEET,
            row: event.row,
            column: event.column,
            numRows: event.numRows,
            numColumns: event.numColumns,
          });
    this.note(result);
  }

  private drainPending(where: string): void {
    while (this.pending.length > 0) {
      const [event] = this.pending.splice(this.rng.int(0, this.pending.length - 1), 1);
      this.deliver(event, where);
    }
  }

  /**
   * A syncing run reads cells of the sheet: the edits typed so far in those cells are seen by
   * it (see Intent). A run that reads other rows (it reads only the rows its work names)
   * cannot know of an edit elsewhere, so that edit is not timed by it.
   */
  private noteSeen(info: BoundaryInfo): void {
    const syncing = ['handleEdit', 'runBackgroundWork', 'syncNow', 'importExistingRows'];
    if (info.phase !== 'before' || info.service !== 'Spreadsheet' || info.write) return;
    if (info.sheet !== SHEET || !info.range || !syncing.includes(info.execution.fnName)) return;
    const { row, column, numRows, numColumns } = info.range;
    const values = this.rt.spreadsheet.values(SHEET);
    for (let r = row; r < row + numRows; r++) {
      const tag = String(values[r - 1]?.[COL[TAG] - 1] ?? '');
      // The row's values were read (not only its ids): a value typed later is a change.
      if (column <= COL.name && column + numColumns > COL.name) this.rowsSeen.add(tag);
      const fields = this.intents.person.get(tag);
      const line = values[r - 1] ?? [];
      const ids = { deal: line[COL.amo_deal_id - 1], contact: line[COL.amo_contact_id - 1] };
      for (const [field, intent] of fields ?? []) {
        const at = COL[field];
        if (at < column || at >= column + numColumns) continue;
        if (intent.seenBy === undefined) {
          intent.seenBy = info.execution.id;
          // An on-edit run knows its event's rows as of its start (the edit came before).
          const run = this.editRuns.get(info.execution.id);
          intent.seenSeq = (run?.tags.has(tag) ? run.seq : this.seq) + 0.5;
        } else if (
          intent.seenBy !== info.execution.id &&
          !(intent.resent ?? []).some(w => w.by === info.execution.id) &&
          !heldInAmo(this.arena, ids, field, intent.value)
        ) {
          intent.resent = [
            ...(intent.resent ?? []),
            { by: info.execution.id, from: this.seq + 0.5 },
          ];
        }
      }
    }
  }

  /** A run ended: the edits it saw are done with. */
  private noteEnded(result: RunResult): void {
    for (const fields of this.intents.person.values()) {
      for (const intent of fields.values()) {
        if (intent.seenBy !== result.executionId || intent.doneSeq !== undefined) continue;
        // A killed run may or may not have sent the edit before it died: from then on a
        // manager's change of that field is as late as the edit (either may win, both agree).
        // So may a run a fault made throw: it may have sent the edit and lost the record.
        intent.doneSeq = this.died(result) ? Number.POSITIVE_INFINITY : this.seq + 0.5;
      }
      for (const window of [...fields.values()].flatMap(i => i.resent ?? [])) {
        if (window.by === result.executionId && window.to === undefined) {
          window.to = this.died(result) ? Number.POSITIVE_INFINITY : this.seq + 0.5;
        }
      }
    }
  }

  /** Killed, or thrown out by an injected fault: what it sent is not known to have been recorded. */
  private died(result: RunResult): boolean {
    return result.killed || (result.error !== null && this.faulted.has(result.executionId));
  }

  private note(result: RunResult): void {
    this.inBurst.delete(result.executionId);
    this.noteEnded(result);
    const how = result.killed
      ? `killed: ${result.killReason}`
      : result.error
        ? `threw: ${result.error.split('\n')[0]}`
        : 'ended';
    this.trace.push(`      → ${result.executionId} ${result.fnName} ${how}`);
  }

  // ---- recovery --------------------------------------------------------------------------------

  /** Past claim staleness, then background runs and Sync now until nothing changes. */
  private recover(): boolean {
    this.log('recovery', 'clock +8 min; runBackgroundWork and syncNow until quiet');
    return this.arena.recover();
  }

  // ---- bookkeeping -------------------------------------------------------------------------------

  private newTag(): string {
    this.tags += 1;
    return `t${this.tags}`;
  }

  private personIntent(
    tag: string,
    field: Field,
    value: unknown,
    formula?: string,
    seq = this.seq,
    pasted = false
  ): void {
    // A new row's value: typed before any syncing run read the row, which had no lead yet.
    const unlinked = !this.rowsSeen.has(tag) && unlinkedRow(this.rt, tag);
    recordIntent(this.intents.person, tag, field, {
      value,
      formula,
      seq,
      // A pasted copy's value changes no field: it is never the later change, whenever a run
      // reads it.
      tracked: !pasted,
      ...(unlinked ? { unlinked } : {}),
    });
  }

  private intent(map: Map<number, Map<string, Intent>>, id: number, field: string, value: unknown) {
    recordIntent(map, id, field, { value, seq: this.seq });
  }

  /** Rows a person filled (by their tag), with their current row number and values. */
  private dataRows(): Array<{ tag: string; row: number; values: Record<string, unknown> }> {
    const out: Array<{ tag: string; row: number; values: Record<string, unknown> }> = [];
    this.rt.spreadsheet.records(SHEET).forEach((values, i) => {
      const tag = String(values[TAG] ?? '');
      if (tag !== '' && this.intents.person.has(tag)) out.push({ tag, row: i + 2, values });
    });
    return out;
  }

  private lastRow(): number {
    return Math.max(1, this.rt.spreadsheet.values(SHEET).length);
  }

  /** Remembers the first lead each row was linked to. */
  private observeLinks(): void {
    for (const row of this.dataRows()) {
      const deal = String(row.values.amo_deal_id ?? '');
      if (!/^\d+$/.test(deal) || this.firstLead.has(row.tag)) continue;
      if (this.copyOf.get(row.tag) === deal) continue;
      this.firstLead.set(row.tag, deal);
    }
  }

  private log(where: string, text: string): void {
    this.steps += 1;
    this.trace.push(`${String(this.steps).padStart(3)} [${where}] ${text}`);
  }
}

function describeFault(fault: BoundaryFault): string {
  switch (fault.fault) {
    case 'kill':
      return 'kill the execution';
    case 'throw':
      return `the call throws "${fault.message}"${fault.loseWrites ? ' (its writes are lost)' : ''}`;
    case 'respond':
      return `answer ${fault.status} without reaching AmoCRM`;
    default:
      return 'AmoCRM processed it, the answer is lost';
  }
}
