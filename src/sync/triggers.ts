// installTriggers: exactly one on-edit trigger for handleEdit and one time-driven trigger for
// the background work, however often it is called. Stale triggers of ours (duplicates, or
// ones left by older versions under other handler names) are removed.
import { TriggerPort } from '../ports';

export const EDIT_HANDLER = 'handleEdit';
export const BACKGROUND_HANDLER = 'runBackgroundWork';
/** Every 10 minutes: ~144 short runs a day, well inside the consumer 90 min/day trigger quota. */
export const BACKGROUND_EVERY_MINUTES = 10;

/** Handlers older versions of this script installed; their triggers are replaced. */
const STALE_HANDLERS = new Set(['onEditInstallable', 'runBackfill', 'importExistingRows']);

export interface TriggerSummary {
  created: string[];
  removed: number;
}

export function ensureTriggers(triggers: TriggerPort): TriggerSummary {
  const summary: TriggerSummary = { created: [], removed: 0 };
  const keep = { edit: false, clock: false };
  for (const t of triggers.list()) {
    const isEdit = t.handler === EDIT_HANDLER && t.kind === 'edit';
    const isClock = t.handler === BACKGROUND_HANDLER && t.kind === 'clock';
    const ours = isEdit || isClock || STALE_HANDLERS.has(t.handler) || t.handler === EDIT_HANDLER;
    if (isEdit && !keep.edit) keep.edit = true;
    else if (isClock && !keep.clock) keep.clock = true;
    else if (ours || t.handler === BACKGROUND_HANDLER) {
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
