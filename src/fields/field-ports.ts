// What the mapped columns need of an execution: its Script Properties (the saved catalog and
// mapping) and how dates are read in the spreadsheet's time zone, asked only when a date
// column is actually read (it costs a Spreadsheet call).
import type { SyncContext } from '../sync/context';
import type { FieldPorts } from './sheet-fields';

export function fieldPorts(
  ctx: Pick<SyncContext, 'props' | 'spreadsheet' | 'formatDate' | 'lang'>
): FieldPorts {
  let zone: string | null = null;
  return {
    props: ctx.props,
    env: {
      get timeZone() {
        zone ??= ctx.spreadsheet.timeZone();
        return zone;
      },
      formatDate: (ms, tz, pattern) => ctx.formatDate(ms, tz, pattern),
      lang: ctx.lang,
    },
  };
}
