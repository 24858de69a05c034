// StatusDirectory: pipeline and status names without a request per lookup. Pipelines with
// their statuses are read once, kept in memory and in the script cache for 6 hours, and read
// again at most once per execution when a lead carries a status or pipeline the cached copy
// does not know (someone added a stage in AmoCRM).

import type { CachePort, LoggerPort } from '../ports';
import { listPipelines } from './calls';
import type { AmoRunner } from './client';
import type { Pipeline, Status } from './types';

/** The cache key (versioned: a change of the stored shape must not read old entries). */
export const PIPELINES_CACHE_KEY = 'amo:pipelines:v1';
const CACHE_TTL_S = 21_600;

/** What is kept of a status. */
export type StatusInfo = Pick<
  Status,
  'id' | 'name' | 'sort' | 'type' | 'color' | 'pipeline_id' | 'is_editable'
>;

/** What is kept of a pipeline. */
export interface PipelineInfo {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  is_archive: boolean;
  statuses: StatusInfo[];
}

export interface StatusDirectoryOptions {
  runner: AmoRunner;
  cache: CachePort;
  logger?: LoggerPort;
}

/** Pipelines and statuses of the account, for one execution. */
export class StatusDirectory {
  private list: PipelineInfo[] | null = null;
  private fetched = false;

  constructor(private readonly options: StatusDirectoryOptions) {}

  /** Every pipeline with its statuses. */
  pipelines(): PipelineInfo[] {
    return this.load();
  }

  /** The pipelines if this execution has them in memory already (no service call), else null. */
  loaded(): PipelineInfo[] | null {
    return this.list ?? null;
  }

  /** The statuses of a pipeline, in AmoCRM's order; [] for an unknown pipeline. */
  statuses(pipelineId: number): StatusInfo[] {
    return this.lookup(list => list.find(p => p.id === pipelineId))?.statuses ?? [];
  }

  /** A status of a pipeline, or null when AmoCRM does not know it. */
  status(pipelineId: number, statusId: number): StatusInfo | null {
    return this.lookup(list =>
      list.find(p => p.id === pipelineId)?.statuses.find(s => s.id === statusId)
    );
  }

  /** The status's name (what the sheet's `status` column shows), or null. */
  statusName(pipelineId: number, statusId: number): string | null {
    return this.status(pipelineId, statusId)?.name ?? null;
  }

  /** Finds in the known list; on a miss reads AmoCRM again, once per execution. */
  private lookup<T>(find: (list: PipelineInfo[]) => T | undefined): T | null {
    const hit = find(this.load());
    if (hit !== undefined || this.fetched) return hit ?? null;
    return find(this.fetch()) ?? null;
  }

  private load(): PipelineInfo[] {
    if (this.list) return this.list;
    const cached = this.options.cache.get(PIPELINES_CACHE_KEY);
    if (cached) {
      try {
        return (this.list = JSON.parse(cached) as PipelineInfo[]);
      } catch {
        // A damaged entry is read again from AmoCRM below.
      }
    }
    return this.fetch();
  }

  private fetch(): PipelineInfo[] {
    this.fetched = true;
    this.list = this.options.runner.run(listPipelines()).map(summarize);
    try {
      this.options.cache.put(PIPELINES_CACHE_KEY, JSON.stringify(this.list), CACHE_TTL_S);
    } catch (e) {
      // CacheService takes ≤ 100 KB per value; a huge account just reads AmoCRM each run.
      this.options.logger?.warn(`Could not cache the AmoCRM pipelines: ${String(e)}`);
    }
    return this.list;
  }
}

function summarize(p: Pipeline): PipelineInfo {
  const statuses = (p._embedded?.statuses ?? []).map(s => ({
    id: s.id,
    name: s.name,
    sort: s.sort,
    type: s.type,
    color: s.color,
    pipeline_id: s.pipeline_id ?? p.id,
    is_editable: s.is_editable,
  }));
  return {
    id: p.id,
    name: p.name,
    sort: p.sort,
    is_main: p.is_main,
    is_archive: p.is_archive,
    statuses,
  };
}
