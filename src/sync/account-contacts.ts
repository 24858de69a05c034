// Every contact of the account, for matching a large paste or an import, read from the last
// run's snapshot (src/sync/contact-snapshot.ts) plus what changed in AmoCRM since, or listed
// whole when there is no snapshot.
//
// Freshness. A snapshot is exact as of `listedAt` for every contact, except those this script
// created afterwards, which it adds itself as it made them. A refresh lists:
//  A. contacts changed since `listedAt` with an id the snapshot already knew (`maxId`), in id
//     order, stopping at the first page past `maxId`: a manager's edit of an existing contact,
//     our own patches, whenever they happened;
//  B. every contact changed since `since`, one second before this script's last create: new
//     contacts made by others, and edits of any contact, once our creates were over.
// What neither shows: a contact that someone else created, or edited after we created it,
// while our creates were going on (an import's run: up to 4.5 minutes). Listing every change
// of that window would list every contact we made (an import's run makes 70,000: 280 pages,
// what this module is for). A run already has that window for its own rows (it matches them
// against a list made at its start), and a snapshot lives at most an hour from its full
// listing (SNAPSHOT_MAX_AGE_MS), so such a contact is seen again within the hour.
import { AMO_LIMITS, listContacts } from '../amo/calls';
import { phoneEmailFields } from '../amo/fields';
import { displayName } from '../domain/row-data';
import type { Contact, CustomFieldValue } from '../amo/types';
import { allContacts, contactPagesEstimate } from './amo-reads';
import {
  loadSnapshot,
  saveSnapshot,
  Snapshot,
  snapshotMeta,
  storedContact,
} from './contact-snapshot';
import type { SyncContext } from './context';
import type { CreateItem, Outcomes } from './push-send';

/** A snapshot older than this (from its full listing) is listed again. */
export const SNAPSHOT_MAX_AGE_MS = 60 * 60 * 1000;
/** AmoCRM counts whole seconds, on its own clock: one second of margin on each bound. */
const MARGIN_S = 1;
/** A refresh with nothing changed: the first page of A and of B. */
const REFRESH_REQUESTS = 2;

/** The snapshot each execution uses, to add its creates to. */
const inUse = new WeakMap<SyncContext, Snapshot>();

/** Requests a read of every contact would take: a refresh when a snapshot is kept, else pages. */
export function contactReadCost(ctx: SyncContext): number {
  const meta = snapshotMeta(ctx.cache);
  const fresh = meta !== null && ctx.clock.now() - meta.fullAt < SNAPSHOT_MAX_AGE_MS;
  return fresh ? REFRESH_REQUESTS : contactPagesEstimate(ctx.props);
}

/** Every contact of the account as of now (see the freshness rule above). */
export function accountContacts(ctx: SyncContext): Contact[] {
  const meta = snapshotMeta(ctx.cache);
  const kept =
    meta !== null && ctx.clock.now() - meta.fullAt < SNAPSHOT_MAX_AGE_MS
      ? loadSnapshot(ctx.cache, meta)
      : null;
  const snapshot = kept ? refresh(ctx, kept) : listAll(ctx);
  inUse.set(ctx, snapshot);
  save(ctx, snapshot);
  return [...snapshot.contacts.values()];
}

/**
 * After creates: the contacts this run made join the snapshot as they were sent, and `since`
 * moves past them (B of the next refresh starts there).
 */
export function rememberCreated(ctx: SyncContext, items: CreateItem[], outcomes: Outcomes): void {
  const snapshot = inUse.get(ctx);
  if (!snapshot) return;
  const nowS = Math.floor(ctx.clock.now() / 1000);
  for (const item of items) {
    const outcome = outcomes.get(item.externalId);
    if (outcome?.kind !== 'created' || !outcome.contactId) continue;
    if (snapshot.contacts.has(outcome.contactId)) continue;
    const fields: CustomFieldValue[] = phoneEmailFields(item.data).map(f => ({
      field_id: 0,
      field_code: f.field_code,
      values: f.values ?? [],
    }));
    const name = displayName(item.data);
    snapshot.contacts.set(outcome.contactId, storedContact(outcome.contactId, nowS, fields, name));
  }
  snapshot.since = nowS;
  save(ctx, snapshot);
}

function listAll(ctx: SyncContext): Snapshot {
  const startedAt = Math.floor(ctx.clock.now() / 1000) - MARGIN_S;
  const contacts = new Map(allContacts(ctx.amo, ctx.props).map(c => [c.id, c]));
  return {
    listedAt: startedAt,
    maxId: maxIdOf(contacts),
    since: startedAt,
    fullAt: ctx.clock.now(),
    contacts,
  };
}

function refresh(ctx: SyncContext, snapshot: Snapshot): Snapshot {
  const startedAt = Math.floor(ctx.clock.now() / 1000) - MARGIN_S;
  const changed = changedSince(ctx, snapshot);
  for (const c of changed) snapshot.contacts.set(c.id, c);
  return {
    listedAt: startedAt,
    maxId: maxIdOf(snapshot.contacts),
    since: startedAt,
    fullAt: snapshot.fullAt,
    contacts: snapshot.contacts,
  };
}

/** A and B side by side, a page of each per round trip. */
function changedSince(ctx: SyncContext, snapshot: Snapshot): Contact[] {
  const streams = [
    { from: snapshot.listedAt, upTo: snapshot.maxId, page: 1, open: true },
    { from: snapshot.since - MARGIN_S, upTo: Infinity, page: 1, open: true },
  ];
  // Without creates since the listing, B covers A.
  if (streams[1].from <= streams[0].from) streams.splice(0, 1);
  const out: Contact[] = [];
  while (streams.some(s => s.open)) {
    const open = streams.filter(s => s.open);
    const pages = ctx.amo.runAll(
      open.map(s =>
        listContacts({
          updatedFrom: s.from,
          page: s.page,
          limit: AMO_LIMITS.pageSize,
          order: { field: 'id', direction: 'asc' },
        })
      )
    );
    pages.forEach((result, i) => {
      if (!result.ok) throw result.error;
      const stream = open[i];
      const items = result.value.items;
      out.push(...items);
      const last = items.length > 0 ? items[items.length - 1].id : Infinity;
      stream.page++;
      stream.open = result.value.hasNext && last <= stream.upTo;
    });
  }
  return out;
}

function maxIdOf(contacts: Map<number, Contact>): number {
  let max = 0;
  for (const id of contacts.keys()) if (id > max) max = id;
  return max;
}

function save(ctx: SyncContext, snapshot: Snapshot): void {
  try {
    saveSnapshot(ctx.cache, snapshot, ctx.uuid().slice(0, 8));
  } catch (e) {
    // The cache is a shortcut: without it the next run lists the account again.
    ctx.logger.warn(`The contact list could not be kept for the next run: ${String(e)}`);
  }
}
