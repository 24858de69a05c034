// The text of the sync_status cell: what happened to the row, for people. Errors begin with
// "error" (the contract); rows being created say so, and deleted leads are marked so no push
// recreates them silently. What the sync remembers lives in the cell's note (row-memory);
// rows synced by older versions end with a fingerprint ("#" + 16 hex), still read here.

const FINGERPRINT = /#([0-9a-f]{16})$/;

export type SyncState =
  | { kind: 'new' }
  | { kind: 'synced'; fingerprint: string }
  | { kind: 'error'; fingerprint: string | null }
  | { kind: 'pending' }
  | { kind: 'deleted' };

export function parseSyncStatus(text: string): SyncState {
  const fingerprint = FINGERPRINT.exec(text)?.[1] ?? null;
  if (text.startsWith('error')) return { kind: 'error', fingerprint };
  if (text.startsWith('deleted')) return { kind: 'deleted' };
  if (text.startsWith('pending') || text.startsWith('syncing')) return { kind: 'pending' };
  if (fingerprint) return { kind: 'synced', fingerprint };
  return { kind: 'new' };
}

/** The time a sync_status line shows (UTC, to the minute). */
export function syncTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ');
}

export function syncedStatus(when: string): string {
  return `synced ${when}`;
}

/** A failure the person must fix (or AmoCRM refused for good): kept until the row changes. */
export function permanentError(reason: string): string {
  return `error: ${reason}`;
}

/** A failure that heals by itself: the background trigger retries the row. */
export function transientError(reason: string): string {
  return `error: ${reason}; will retry automatically`;
}

export function pendingStatus(reason: string): string {
  return `pending: ${reason}`;
}

export const SYNCING_STATUS = 'syncing…';

export const DELETED_STATUS =
  'deleted: the lead was deleted in AmoCRM (clear amo_deal_id to create a new one)';
