// Who is creating which rows' leads right now. A claim is written under the script lock
// before an execution sends any create, and removed once the results are in the sheet; an
// execution that dies leaves its claim behind, and the next run treats the claimed rows as
// "maybe created" and asks AmoCRM before creating again. One Script Property per execution,
// so concurrent executions never read-modify-write the same key. A claim also names the
// emails and phones whose contact the execution may create: another execution holds back rows
// with the same email or phone until it is done, so overlapping runs never make two contacts.
// A claim is released only once its rows are linked in the sheet (flushed) or its leads are
// proven absent in AmoCRM.
import type { KeyValueStore } from '../ports';
import { STATE } from './config';
import { EXECUTION_LIMIT_MS } from './context';

/** Larger id lists become a claim on every row without a lead (fits the 9 KB value limit). */
const MAX_CLAIM_CHARS = 8000;
/** A claim older than one execution's life (plus slack) belongs to a dead execution. */
const STALE_AFTER_MS = EXECUTION_LIMIT_MS + 30 * 1000;

export interface Claim {
  key: string;
  /** Epoch ms when the creates began. */
  at: number;
  /** External ids claimed; null means every row without a lead. */
  ids: string[] | null;
  /** Set by a live execution that gave up on these rows (outcome unknown). */
  orphaned: boolean;
  /** Normalized emails and phones of the rows being created (their contacts may be new). */
  keys: string[];
}

export interface ClaimView {
  live: Claim[];
  stale: Claim[];
}

export function readClaims(props: Record<string, string>, now: number): ClaimView {
  const view: ClaimView = { live: [], stale: [] };
  for (const key of Object.keys(props)) {
    if (!key.startsWith(STATE.claimPrefix)) continue;
    const claim = parseClaim(key, props[key]);
    if (claim.orphaned || now - claim.at > STALE_AFTER_MS) view.stale.push(claim);
    else view.live.push(claim);
  }
  return view;
}

/** True when a live claim of another execution covers this row. */
export function isClaimed(view: ClaimView, externalId: string): boolean {
  return view.live.some(c => c.ids === null || c.ids.includes(externalId));
}

/** True when a live claim may be creating a contact with one of these emails or phones. */
export function contactClaimed(view: ClaimView, keys: string[]): boolean {
  return view.live.some(c => c.ids === null || keys.some(k => c.keys.includes(k)));
}

export function writeClaim(
  store: KeyValueStore,
  execId: string,
  at: number,
  ids: string[],
  keys: string[] = []
): string {
  const key = STATE.claimPrefix + execId;
  saveClaim(store, key, { at, ids, keys });
  return key;
}

/** Leaves the claim for rows whose create may or may not have happened, for recovery. */
export function orphanClaim(store: KeyValueStore, key: string, at: number, ids: string[]): void {
  saveClaim(store, key, { at, ids, orphaned: true });
}

export class PropertiesFullError extends Error {
  constructor() {
    super('Script Properties are full (500 KB): remove properties the script does not use');
    this.name = 'PropertiesFullError';
  }
}

/**
 * Saves a claim; a list too long for one value, or a store too full for it, falls back to
 * the compact claim on every row without a lead (about 40 bytes). Throws PropertiesFullError
 * when even that does not fit.
 */
function saveClaim(
  store: KeyValueStore,
  key: string,
  claim: { at: number; ids: string[]; keys?: string[]; orphaned?: boolean }
): void {
  const full = JSON.stringify(claim);
  const compact = JSON.stringify({ at: claim.at, ids: null, orphaned: claim.orphaned });
  for (const body of full.length <= MAX_CLAIM_CHARS ? [full, compact] : [compact]) {
    try {
      store.set(key, body);
      return;
    } catch {
      // Quota or size: try the smaller form.
    }
  }
  throw new PropertiesFullError();
}

export function removeClaims(store: KeyValueStore, keys: string[]): void {
  for (const key of keys) store.delete(key);
}

function parseClaim(key: string, text: string): Claim {
  try {
    const raw = JSON.parse(text) as {
      at?: unknown;
      ids?: unknown;
      keys?: unknown;
      orphaned?: unknown;
    };
    const ids = Array.isArray(raw.ids) ? raw.ids.map(String) : null;
    const keys = Array.isArray(raw.keys) ? raw.keys.map(String) : [];
    return { key, at: Number(raw.at) || 0, ids, orphaned: raw.orphaned === true, keys };
  } catch {
    return { key, at: 0, ids: null, orphaned: true, keys: [] };
  }
}
