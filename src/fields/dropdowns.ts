// Dropdowns (data-validation lists) on the columns whose values are a list AmoCRM keeps:
// select and radiobutton fields (their options), status (the stages), pipeline, responsible
// (the users). Set at setup and again when AmoCRM's fields or options change; only when a
// list differs from what was last put (a hash in Script Properties), one call per column.
// A column on which a person put a rule of their own is left alone: the script's rules are
// known by their help text. Values outside a list stay allowed (Sheets marks them), so the
// sync's own error, which says what fits, is what a person reads.
import { fingerprint } from '../domain/hash';
import { fieldMessages } from '../i18n/field-messages';
import type { SheetTable } from '../sheet/table';
import type { SyncContext } from '../sync/context';
import { RESPONSIBLE_KEY } from './lead-columns';
import { boundFields, savedCatalog } from './sheet-fields';

const DROPDOWNS_KEY = 'SYNC_DROPDOWNS';
const OURS = /^AmoCRM:/;
/** Sheets' list rule takes at most 500 items. */
const MAX_ITEMS = 500;

/** Puts or refreshes the dropdowns of the table's list columns. Returns the columns changed. */
export function refreshDropdowns(ctx: SyncContext, table: SheetTable): number {
  const sheet = table.sheet;
  if (!sheet.setDropdown || !sheet.validationHelp) return 0;
  const lists = dropdownLists(ctx, table);
  const hash = fingerprint([sheet.name, JSON.stringify([...lists])]);
  if (ctx.props.get(DROPDOWNS_KEY) === hash) return 0;
  let changed = 0;
  for (const [index, values] of lists) {
    const help = sheet.validationHelp(index + 1);
    if (help !== null && !OURS.test(help)) continue;
    sheet.setDropdown(index + 1, values.slice(0, MAX_ITEMS), fieldMessages(ctx.lang).dropdownHelp);
    changed++;
  }
  ctx.props.set(DROPDOWNS_KEY, hash);
  return changed;
}

/** 0-based column → its list, for every list column of the sheet. */
function dropdownLists(ctx: SyncContext, table: SheetTable): Map<number, string[]> {
  const lists = new Map<number, string[]>();
  const fields = boundFields(table);
  const pipelines = ctx.statuses.pipelines().filter(p => !p.is_archive);
  // The settings pipeline's stages first, then the other pipelines' stages by name.
  const ordered = [
    ...pipelines.filter(p => p.id === ctx.settings.pipelineId),
    ...pipelines.filter(p => p.id !== ctx.settings.pipelineId),
  ];
  const stages = ordered.flatMap(p => p.statuses.filter(s => s.type !== 1).map(s => s.name));
  if (table.columns.status !== undefined) lists.set(table.columns.status, unique(stages));
  if (fields?.pipelineIndex !== undefined) {
    lists.set(
      fields.pipelineIndex,
      ordered.map(p => p.name)
    );
  }
  for (const column of fields?.columns ?? []) {
    const type = column.def?.type;
    if (type === 'select' || type === 'radiobutton') {
      lists.set(column.index, column.def?.enums.map(e => e.value) ?? []);
    }
    if (column.key === RESPONSIBLE_KEY) {
      const users = savedCatalog(ctx.props)?.users;
      if (users)
        lists.set(
          column.index,
          users.map(u => u.name)
        );
    }
  }
  return lists;
}

function unique(values: string[]): string[] {
  return values.filter((v, i) => values.findIndex(w => w.toLowerCase() === v.toLowerCase()) === i);
}
