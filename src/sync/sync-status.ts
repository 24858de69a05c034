// The text of the sync_status cell: what happened to the row and when, for people, in their
// language (a failure begins with "error" / "ошибка", as the contract says). Rows being
// created say so, and deleted leads are marked so no push recreates them silently. What the
// sync remembers lives in the cell's note (row-memory); rows synced by older versions end with
// a fingerprint ("#" + 16 hex), still read here.
import { messages } from '../i18n/messages';
import type { SyncContext } from './context';
import { shownTime } from './shown-time';

const FINGERPRINT = /#([0-9a-f]{16})$/;

export type SyncState =
  | { kind: 'new' }
  | { kind: 'synced'; fingerprint: string }
  | { kind: 'error'; fingerprint: string | null }
  | { kind: 'pending' }
  | { kind: 'deleted' };

/** Reads a status written in either language (a sheet may switch languages). */
export function parseSyncStatus(text: string): SyncState {
  const fingerprint = FINGERPRINT.exec(text)?.[1] ?? null;
  if (/^(error|ошибка)/i.test(text)) return { kind: 'error', fingerprint };
  if (/^(deleted|удалена)/i.test(text)) return { kind: 'deleted' };
  if (/^(pending|syncing|ожидает|синхронизация…)/i.test(text)) return { kind: 'pending' };
  if (fingerprint) return { kind: 'synced', fingerprint };
  if (/^(✓|synced)/.test(text)) return { kind: 'synced', fingerprint: '' };
  return { kind: 'new' };
}

/** The texts one execution writes, in its language, with times in the sheet's time zone. */
export interface RowStatus {
  synced(): string;
  /** A failure the person must fix (or AmoCRM refused for good): kept until the row changes. */
  error(reason: string): string;
  /** A failure that heals by itself: the background trigger retries the row. */
  retrying(reason: string): string;
  /** A create whose answer was lost: the next run looks in AmoCRM before creating. */
  checkFirst(reason: string): string;
  contactBusy: string;
  nextRun: string;
  syncing: string;
  deleted: string;
}

export function rowStatus(
  ctx: Pick<SyncContext, 'lang' | 'clock' | 'spreadsheet' | 'formatDate'>
): RowStatus {
  const text = messages(ctx.lang).status;
  return {
    synced: () => text.synced(shownTime(ctx, ctx.lang, ctx.clock.now())),
    error: text.error,
    retrying: text.retrying,
    checkFirst: reason => text.pending(text.checkFirst(reason)),
    contactBusy: text.pending(text.contactBusy),
    nextRun: text.pending(text.nextRun),
    syncing: text.syncing,
    deleted: text.deleted,
  };
}
