// The text of the sync_status cell, which doubles as the row's sync memory: after a good
// sync it ends with a fingerprint of the values that AmoCRM has, so an unchanged row costs
// no request. Errors begin with "error" (the contract); rows being created say so with the
// time, and deleted leads are marked so no push recreates them silently.

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

export function syncedStatus(fingerprint: string, when: string): string {
  return `synced ${when} #${fingerprint}`;
}

/** A failure the person must fix (or AmoCRM refused for good): kept until the row changes. */
export function permanentError(reason: string, fingerprint: string | null): string {
  return fingerprint ? `error: ${reason} #${fingerprint}` : `error: ${reason}`;
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
