// npm run explore -- --schedules N --seed S     runs N schedules from seed S, prints a summary
// npm run explore -- --replay S                   runs the one schedule of seed S with its trace
// Builds nothing itself: the npm script builds dist/ first.
import { Arena, describeFailure, explore, INVARIANTS, runSchedule } from '../sandbox/explorer';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const arena = await Arena.start('dist');
  try {
    const replay = arg('replay', NaN);
    if (Number.isFinite(replay)) {
      const result = runSchedule(arena, replay);
      console.log(
        result.failures.length > 0
          ? describeFailure(result)
          : [`seed ${replay}: every invariant held`, ...result.trace].join('\n')
      );
      process.exitCode = result.failures.length > 0 ? 1 : 0;
      return;
    }
    const schedules = arg('schedules', 200);
    const seed = arg('seed', 1);
    let done = 0;
    const summary = explore(arena, {
      schedules,
      seed,
      onResult: () => {
        done += 1;
        if (done % 500 === 0) console.error(`… ${done} schedules`);
      },
    });
    console.log(`schedules: ${summary.schedules} (seeds ${seed}–${seed + schedules - 1})`);
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
    process.exitCode = summary.failed > 0 ? 1 : 0;
  } finally {
    await arena.stop();
  }
}

void main();
