// installTriggers: exactly one on-edit trigger for handleEdit and one time-driven trigger for
// the background work, however often it is called and by whom. Stale triggers of ours
// (duplicates, or ones left by older versions under other handler names) are removed.
//
// Installable triggers belong to the user who made them and getProjectTriggers() lists only
// the current user's (guides/triggers/installable; ScriptApp reference), so a second editor
// cannot see the first one's pair. The installing user and the trigger ids are therefore kept
// in Script Properties: another editor's Install triggers creates nothing while the owner's
// pair still runs (its background run beats within 30 minutes), and takes over when it has
// stopped (the owner left, or removed them).
import { KeyValueStore, TriggerPort } from '../ports';
import { requireConsent, SCOPES } from './consent';
import { lastBackgroundRun } from './schedule';

export const EDIT_HANDLER = 'handleEdit';
export const BACKGROUND_HANDLER = 'runBackgroundWork';
/**
 * Every minute, so queued webhook deliveries are applied within about a minute; a run with
 * nothing to do only reads Script Properties (src/sync/schedule.ts), and the full work runs
 * every 5 or 10 minutes.
 */
export const BACKGROUND_EVERY_MINUTES = 1;
/** Script Property: who installed the pair, their ids, when. */
export const TRIGGERS_KEY = 'SYNC_TRIGGERS';
/** The owner's pair counts as running while its last sign of life is this recent. */
const ALIVE_MS = 30 * 60_000;

/** Handlers older versions of this script installed; their triggers are replaced. */
const STALE_HANDLERS = new Set(['onEditInstallable', 'runBackfill', 'importExistingRows']);

export interface TriggerSummary {
  created: string[];
  removed: number;
  /** The user whose triggers run the sync, when known. */
  owner?: string | null;
  /** What a person should know beyond the counts (another owner, a take-over). */
  note?: string;
}

export interface InstalledTriggers {
  owner: string;
  ids: string[];
  /** Epoch ms of the installation. */
  at: number;
}

export interface Ownership {
  props: KeyValueStore;
  now: number;
}

export function ensureTriggers(triggers: TriggerPort, ownership?: Ownership): TriggerSummary {
  requireConsent(triggers, [SCOPES.triggers], 'install its triggers');
  const me = triggers.currentUser?.() ?? '';
  const installed = ownership ? readInstalled(ownership.props) : null;
  if (ownership && me && installed && installed.owner !== me) {
    const since = Math.max(installed.at, lastBackgroundRun(ownership.props));
    if (ownership.now - since < ALIVE_MS) {
      // The owner's pair runs: one pair in total, so this user keeps none of ours.
      const removed = removeOurs(triggers);
      const minutes = Math.max(0, Math.round((ownership.now - since) / 60_000));
      return {
        created: [],
        removed,
        owner: installed.owner,
        note: `The sync's triggers are installed by ${installed.owner} and ran ${minutes} min ago; nothing was created.`,
      };
    }
  }
  const summary = ensurePair(triggers);
  if (ownership && me) {
    const ids = triggers
      .list()
      .filter(t => isOurs(t.handler))
      .map(t => t.id);
    const record: InstalledTriggers = { owner: me, ids, at: ownership.now };
    ownership.props.set(TRIGGERS_KEY, JSON.stringify(record));
    summary.owner = me;
    if (installed && installed.owner !== me) {
      summary.note = `Took over the sync's triggers from ${installed.owner}, whose triggers had stopped running.`;
    }
  }
  return summary;
}

/** Who installed the triggers, as recorded (for the dialog), or null. */
export function readInstalled(props: Pick<KeyValueStore, 'get'>): InstalledTriggers | null {
  try {
    const raw = JSON.parse(props.get(TRIGGERS_KEY) ?? 'null') as InstalledTriggers | null;
    return raw && typeof raw.owner === 'string' && Array.isArray(raw.ids) ? raw : null;
  } catch {
    return null;
  }
}

function ensurePair(triggers: TriggerPort): TriggerSummary {
  const summary: TriggerSummary = { created: [], removed: 0 };
  const keep = { edit: false, clock: false };
  for (const t of triggers.list()) {
    const isEdit = t.handler === EDIT_HANDLER && t.kind === 'edit';
    const isClock = t.handler === BACKGROUND_HANDLER && t.kind === 'clock';
    if (isEdit && !keep.edit) keep.edit = true;
    else if (isClock && !keep.clock) keep.clock = true;
    else if (isOurs(t.handler)) {
      triggers.remove(t.id);
      summary.removed++;
    }
  }
  if (!keep.edit) {
    triggers.createEdit(EDIT_HANDLER);
    summary.created.push(EDIT_HANDLER);
  }
  if (!keep.clock) {
    triggers.createClock(BACKGROUND_HANDLER, BACKGROUND_EVERY_MINUTES);
    summary.created.push(BACKGROUND_HANDLER);
  }
  return summary;
}

function removeOurs(triggers: TriggerPort): number {
  const ours = triggers.list().filter(t => isOurs(t.handler));
  ours.forEach(t => triggers.remove(t.id));
  return ours.length;
}

function isOurs(handler: string): boolean {
  return handler === EDIT_HANDLER || handler === BACKGROUND_HANDLER || STALE_HANDLERS.has(handler);
}
