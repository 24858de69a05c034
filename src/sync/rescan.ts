// When the background run reads every row. An edit a trigger saw is pushed by that trigger; the
// rows it could not finish say so (a retry is due, held back by a busy lock, a create to
// recover, work the menu left), and only then does the next background run scan every row.
// What no trigger sees — values written by the Sheets API, a form, another script, or an edit
// whose trigger run died before it read the sheet — waits for the periodic full scan: once an
// hour, a 20,000-row sheet costs 24 full reads a day instead of 144, and such writes are rare
// (Sync now scans at once when a person wants it). A background run with nothing to do then
// reads no row at all.
import type { KeyValueStore } from '../ports';
import { readClaims } from './claims';
import { STATE } from './config';

/** Set when some row waits for a retry: the next background run scans every row. */
export const RESCAN_KEY = 'SYNC_RESCAN';
/** Epoch ms of the last background run that scanned every row. */
const FULL_SCAN_AT_KEY = 'SYNC_FULL_SCAN_AT';
export const FULL_SCAN_EVERY_MS = 60 * 60 * 1000;

/** True when this background run must read every row (from one snapshot of the properties). */
export function fullScanDue(props: Record<string, string>, now: number): boolean {
  if (props[RESCAN_KEY] || props[STATE.dirty] || props[STATE.menuWork]) return true;
  if (readClaims(props, now).stale.length > 0) return true;
  return now - (Number(props[FULL_SCAN_AT_KEY] ?? '') || 0) >= FULL_SCAN_EVERY_MS;
}

export function recordFullScan(props: KeyValueStore, now: number): void {
  props.set(FULL_SCAN_AT_KEY, String(now));
}

/** Outcomes that heal by themselves: the rows are retried by the next full scan. */
export function needsRetry(
  pending: number,
  outcomes: Iterable<{ kind: string; permanent?: boolean }>
): boolean {
  if (pending > 0) return true;
  for (const o of outcomes) {
    if (o.kind === 'unknown' || o.kind === 'deferred') return true;
    if (o.kind === 'failed' && !o.permanent) return true;
  }
  return false;
}
