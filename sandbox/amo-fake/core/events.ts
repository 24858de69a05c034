// The account's event list (amoCRM «События и Примечания»,
// https://www.amocrm.ru/developers/content/crm_platform/events-and-notes): AmoCRM keeps one
// `updated_at` per record, so only its events say WHEN one field of a lead or contact changed
// and who changed it. Every update of an existing lead or contact (API or manager) records one
// event per field whose value changed (event-values.ts); creating a record records none, as the
// fake does not model AmoCRM's lead_added / contact_added events.

import type { ContactRecord, EventRecord, LeadRecord } from '../types';
import type { WriteContext } from './entity-writes';
import { Change, Facet, changesBetween, contactFacets, leadFacets } from './event-values';

export class EventLog {
  private events: EventRecord[] = [];
  private seq = 0;

  constructor(private accountId: () => number) {}

  record(
    entityType: EventRecord['entity_type'],
    entityId: number,
    changes: Change[],
    ctx: WriteContext
  ): void {
    for (const change of changes) {
      this.events.push({
        id: this.nextId(),
        type: change.type,
        entity_id: entityId,
        entity_type: entityType,
        created_by: ctx.userId,
        created_at: ctx.nowS,
        value_before: change.value_before,
        value_after: change.value_after,
        account_id: this.accountId(),
      });
    }
  }

  /** Every event, oldest first. */
  list(): EventRecord[] {
    return this.events.slice();
  }

  /** AmoCRM's event ids are 26-character strings starting `01`; these sort as they were made. */
  private nextId(): string {
    this.seq += 1;
    return `01${String(this.seq).padStart(24, '0')}`;
  }
}

/**
 * Runs a write of a lead and records its field events; a record's first write after newLead
 * (its create) records none.
 */
export function loggingLeadChanges(ctx: WriteContext, lead: LeadRecord, write: () => void): void {
  logging(ctx, 'lead', lead, leadFacets, write);
}

export function loggingContactChanges(
  ctx: WriteContext,
  contact: ContactRecord,
  write: () => void
): void {
  logging(ctx, 'contact', contact, contactFacets, write);
}

function logging<R extends LeadRecord | ContactRecord>(
  ctx: WriteContext,
  entityType: EventRecord['entity_type'],
  record: R,
  facets: (record: R) => Facet[],
  write: () => void
): void {
  const before = ctx.state.isCreating(record) ? null : facets(record);
  write();
  if (before)
    ctx.state.events.record(entityType, record.id, changesBetween(before, facets(record)), ctx);
}
