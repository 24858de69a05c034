// npm run explore -- --schedules N --seed S [--jobs J]   N schedules from seed S, a summary
// npm run explore -- --replay S                          the one schedule of seed S, its trace
// With --jobs J the seeds are split over J processes (each with its own fake and runtime); the
// main thread of each mostly waits on HTTP, so two jobs use a 2-core machine better than one.
// The npm script builds dist/ first.
import { fork } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Arena,
  describeFailure,
  explore,
  INVARIANTS,
  runSchedule,
  type ExploreSummary,
} from '../sandbox/explorer';

/**
 * A private copy of the bundle, shared with the forked shards: a build in the same checkout
 * (a test run, the benchmark) must not pull dist/ away in the middle of ten thousand schedules.
 */
function bundleDir(): string {
  if (process.env.EXPLORE_BUNDLE) return process.env.EXPLORE_BUNDLE;
  const dir = mkdtempSync(join(tmpdir(), 'explore-bundle-'));
  for (const f of readdirSync('dist')) copyFileSync(join('dist', f), join(dir, f));
  process.env.EXPLORE_BUNDLE = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function replay(seed: number): Promise<void> {
  const arena = await Arena.start(bundleDir());
  try {
    const result = runSchedule(arena, seed);
    console.log(
      result.failures.length > 0
        ? describeFailure(result)
        : [`seed ${seed}: every invariant held`, ...result.trace].join('\n')
    );
    process.exitCode = result.failures.length > 0 ? 1 : 0;
  } finally {
    await arena.stop();
  }
}

/** One process's share: runs and reports its summary (to the parent when forked). */
async function shard(schedules: number, seed: number): Promise<ExploreSummary> {
  const arena = await Arena.start(bundleDir());
  try {
    let done = 0;
    return explore(arena, {
      schedules,
      seed,
      onResult: () => {
        done += 1;
        if (done % 500 === 0) console.error(`… ${done} schedules from seed ${seed}`);
      },
    });
  } finally {
    await arena.stop();
  }
}

function runJob(schedules: number, seed: number): Promise<ExploreSummary> {
  return new Promise((resolve, reject) => {
    const child = fork(
      __filename,
      ['--child', '--schedules', String(schedules), '--seed', String(seed)],
      {
        execArgv: process.execArgv,
      }
    );
    child.once('message', message => resolve(message as ExploreSummary));
    child.once('error', reject);
    child.once('exit', code => {
      if (code !== 0) reject(new Error(`explore job from seed ${seed} exited with ${code}`));
    });
  });
}

function merge(parts: ExploreSummary[], elapsedMs: number): ExploreSummary {
  const out: ExploreSummary = {
    schedules: 0,
    firstSeed: Math.min(...parts.map(p => p.firstSeed)),
    failed: 0,
    byInvariant: {},
    seedsByInvariant: {},
    firstFailure: null,
    executions: 0,
    requests: 0,
    elapsedMs,
    perSecond: 0,
  };
  for (const p of parts) {
    out.schedules += p.schedules;
    out.failed += p.failed;
    out.executions += p.executions;
    out.requests += p.requests;
    out.firstFailure ??= p.firstFailure;
    for (const [key, n] of Object.entries(p.byInvariant)) {
      out.byInvariant[key] = (out.byInvariant[key] ?? 0) + n;
      out.seedsByInvariant[key] = [
        ...(out.seedsByInvariant[key] ?? []),
        ...p.seedsByInvariant[key],
      ].slice(0, 20);
    }
  }
  out.perSecond = out.schedules / Math.max(elapsedMs / 1000, 0.001);
  return out;
}

function print(summary: ExploreSummary, jobs: number): void {
  const last = summary.firstSeed + summary.schedules - 1;
  console.log(
    `schedules: ${summary.schedules} (seeds ${summary.firstSeed}–${last}, ${jobs} job(s))`
  );
  console.log(
    `rate: ${summary.perSecond.toFixed(1)} schedules/s (${(summary.elapsedMs / 1000).toFixed(1)} s); ` +
      `${summary.executions} executions, ${summary.requests} AmoCRM requests`
  );
  console.log(`failing schedules: ${summary.failed}`);
  for (const [key, count] of Object.entries(summary.byInvariant)) {
    const name = INVARIANTS[key as keyof typeof INVARIANTS] ?? key;
    console.log(`  ${count} × ${name}  (seeds ${summary.seedsByInvariant[key].join(', ')})`);
  }
  if (summary.firstFailure)
    console.log(`\nfirst failure\n${describeFailure(summary.firstFailure)}`);
}

async function main(): Promise<void> {
  bundleDir();
  const replaySeed = arg('replay', NaN);
  if (Number.isFinite(replaySeed)) return replay(replaySeed);
  const schedules = arg('schedules', 200);
  const seed = arg('seed', 1);
  if (process.argv.includes('--child')) {
    process.send?.(await shard(schedules, seed));
    return;
  }
  const jobs = Math.max(1, Math.min(arg('jobs', 1), schedules));
  const started = Date.now();
  let summary: ExploreSummary;
  if (jobs === 1) {
    summary = await shard(schedules, seed);
  } else {
    const size = Math.ceil(schedules / jobs);
    const parts = await Promise.all(
      Array.from({ length: jobs }, (_, j) => {
        const from = seed + j * size;
        const count = Math.min(size, schedules - j * size);
        return runJob(count, from);
      })
    );
    summary = merge(parts, Date.now() - started);
  }
  print(summary, jobs);
  process.exitCode = summary.failed > 0 ? 1 : 0;
}

void main();
