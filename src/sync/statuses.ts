// Status names for the sheet's `status` column, from the cached pipelines (no request per
// lookup); a status AmoCRM does not know shows as its id rather than failing the row.
import type { SyncContext } from './context';

export function statusNameFor(ctx: SyncContext, pipelineId: number, statusId: number): string {
  return ctx.statuses.statusName(pipelineId, statusId) ?? `status ${statusId}`;
}
