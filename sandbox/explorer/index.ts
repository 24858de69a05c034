// The schedule explorer: seeded random workloads of people, managers, executions and faults,
// interleaved at the executions' service-call boundaries, checked against the invariants after
// recovery. `explore()` runs many schedules on one reused Arena; `runSchedule()` replays one.

import { Arena } from './arena';
import { INVARIANTS, type Failure } from './invariants';
import { runSchedule, type ScheduleOptions, type ScheduleResult } from './schedule';

export { Arena, INVARIANTS, runSchedule };
export type { Failure, ScheduleOptions, ScheduleResult };

export interface ExploreSummary {
  schedules: number;
  firstSeed: number;
  failed: number;
  /** Failing schedules per invariant (a schedule counts once per invariant it broke). */
  byInvariant: Record<string, number>;
  /** The failing seeds per invariant (up to 20 each). */
  seedsByInvariant: Record<string, number[]>;
  firstFailure: ScheduleResult | null;
  executions: number;
  requests: number;
  elapsedMs: number;
  perSecond: number;
}

export function explore(
  arena: Arena,
  options: {
    schedules: number;
    seed: number;
    onResult?: (r: ScheduleResult) => void;
  } & ScheduleOptions
): ExploreSummary {
  const started = Date.now();
  const summary: ExploreSummary = {
    schedules: 0,
    firstSeed: options.seed,
    failed: 0,
    byInvariant: {},
    seedsByInvariant: {},
    firstFailure: null,
    executions: 0,
    requests: 0,
    elapsedMs: 0,
    perSecond: 0,
  };
  for (let i = 0; i < options.schedules; i++) {
    const result = runSchedule(arena, options.seed + i, options);
    summary.schedules += 1;
    summary.executions += result.executions;
    summary.requests += result.requests;
    if (result.failures.length > 0) {
      summary.failed += 1;
      summary.firstFailure ??= result;
      for (const key of new Set(result.failures.map(f => f.invariant))) {
        summary.byInvariant[key] = (summary.byInvariant[key] ?? 0) + 1;
        const seeds = (summary.seedsByInvariant[key] ??= []);
        if (seeds.length < 20) seeds.push(result.seed);
      }
    }
    options.onResult?.(result);
  }
  summary.elapsedMs = Date.now() - started;
  summary.perSecond = summary.schedules / Math.max(summary.elapsedMs / 1000, 0.001);
  return summary;
}

/** A failing schedule as a person reads it: seed, what broke, and the trace. */
export function describeFailure(result: ScheduleResult): string {
  const broke = result.failures.map(
    f => `  ✗ ${INVARIANTS[f.invariant as keyof typeof INVARIANTS] ?? f.invariant}: ${f.detail}`
  );
  return [
    `schedule seed ${result.seed} broke ${result.failures.length} invariant check(s):`,
    ...broke,
    `trace (replay: npm run explore -- --replay ${result.seed}):`,
    ...result.trace.map(line => `  ${line}`),
  ].join('\n');
}
export { Stage, on, type Person, type EditEvent } from './stage';
export { FLUSH_FAILED } from './schedule';
