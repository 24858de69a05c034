// `npm run bench`: the counted benchmark of issue 7 (import at scale) and of the interactive
// paths, run on the BUILT bundle in the local Apps Script runtime against the AmoCRM fake
// over loopback (250 ms virtual latency per request or fetchAll batch, 20 ms per Spreadsheet
// call, the fake's rate limit on). Beside it, the old service's way of importing
// (bench/baseline/Code.js) in the same harness. Prints the tables, writes bench/results.md,
// and exits 1 when a target of issue 7 is missed.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import {
  BaselineStats,
  baselineImport,
  ImportStats,
  interactive,
  Interactive,
  ourImport,
} from './scenarios';
import { byTemplate, formatEndpoints } from './harness';
import { exportScenario, ExportStats } from './export-scenario';
import { bigSheet, BigSheetReport, WIDTH, ACCOUNT_CONTACTS } from './big-sheet';
import { dayOfQuota, DAY, halfHeadroom } from './day-quota';

const SIZES = [2000, 10000];
/** Issue 13: sheets of these many rows × 30 columns (BENCH_BIG_SIZES=1000,20000 to shorten). */
const BIG_SIZES = (process.env.BENCH_BIG_SIZES ?? '1000,20000,100000').split(',').map(Number);
/** Issue 13's import: 100,000 rows × 12 columns, 10% of an account of 20,000 contacts. */
const BIG_IMPORT_ROWS = Number(process.env.BENCH_BIG_IMPORT ?? 100000);
/** Issue 13's targets, on the 20,000-row sheet. */
const TARGET_ROWS = 20000;
const MAX_CELLS = 21000;
const MAX_REQUESTS_PER_ROW_BIG = 0.02;
const BASELINE_SAMPLE = 300;
const SEEDED_CONTACTS = 1000;
/** Issue 7's targets. */
const MAX_REQUESTS_PER_ROW = 0.05;
const MAX_SHEET_CALLS_PER_RUN = 10;
/** Issue 15's export: leads, requests per lead, runs. */
const EXPORT_LEADS = 5000;
const MAX_REQUESTS_PER_EXPORTED_LEAD = 0.03;
const MAX_EXPORT_RUNS = 2;

export interface BenchReport {
  ours: ImportStats[];
  resumed: ImportStats;
  baseline: BaselineStats;
  interactive: Interactive[];
  exported: ExportStats;
  big: BigSheetReport[];
  bigImport: ImportStats | null;
  realMs: number;
}

export async function runBench(log: (line: string) => void = console.log): Promise<BenchReport> {
  const started = Date.now();
  const ours: ImportStats[] = [];
  for (const rows of SIZES) {
    log(`… importing ${rows} rows with the bundle`);
    ours.push(await ourImport(rows, SEEDED_CONTACTS));
  }
  log(`… importing 10000 rows, the first run killed at its 50th /leads/complex request`);
  const resumed = await ourImport(10000, SEEDED_CONTACTS, { killAtComplex: 50 });
  log(`… baseline on the first ${BASELINE_SAMPLE} rows`);
  const baseline = await baselineImport(BASELINE_SAMPLE, SEEDED_CONTACTS);
  log('… handleEdit and doPost');
  const inter = await interactive();
  log(`… exportLeads of ${EXPORT_LEADS} existing leads`);
  const exported = await exportScenario(EXPORT_LEADS);
  const big: BigSheetReport[] = [];
  for (const rows of BIG_SIZES) {
    log(`… a linked sheet of ${rows} rows × ${WIDTH} columns: the paths of a day`);
    big.push(await bigSheet(rows));
  }
  let bigImport: ImportStats | null = null;
  if (BIG_IMPORT_ROWS > 0) {
    log(`… importing ${BIG_IMPORT_ROWS} rows × 12 columns into an account of ${ACCOUNT_CONTACTS}`);
    bigImport = await ourImport(BIG_IMPORT_ROWS, ACCOUNT_CONTACTS, { extraColumns: 1 });
  }
  return {
    ours,
    resumed,
    baseline,
    interactive: inter,
    exported,
    big,
    bigImport,
    realMs: Date.now() - started,
  };
}

// ---- the report ----------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dec = (n: number, d = 3) => n.toFixed(d);

function perRow(byEndpoint: Record<string, number>, rows: number): string {
  return Object.entries(byTemplate(byEndpoint))
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${dec(v / rows, 2)}`)
    .join(', ');
}

function table(header: string[], rows: string[][]): string[] {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(esc).join(' | ')} |`),
  ];
}

function duplicateContacts(s: ImportStats): string {
  const made = s.dup.contacts - s.seededContacts;
  return `${s.dup.sharedContactKeys} (${int(made)} contacts made for ${int(s.rows - s.matchingRows)} new people)`;
}

export function markdown(report: BenchReport, meta: { date: string; commit: string }): string {
  const { ours, resumed, baseline: b } = report;
  const runsFor = (rows: number) => Math.ceil(rows / b.rowsPerRun);
  const cols = [...ours, resumed];
  const colNames = [
    ...ours.map(s => `ours, ${int(s.rows)} rows`),
    `ours, ${int(resumed.rows)} rows, 1st run killed at its 50th /leads/complex`,
    ...SIZES.map(n => `baseline, ${int(n)} rows (extrapolated)`),
  ];
  const base = (f: (rows: number) => string) => SIZES.map(f);
  const lines: string[] = [];
  lines.push('# Benchmark: import at scale (issue 7) and the interactive paths');
  lines.push('');
  lines.push(
    `${meta.date}, commit \`${meta.commit}\`, Node ${process.version}, ${os.cpus().length} CPUs. ` +
      `Real time of the whole benchmark: ${dec(report.realMs / 1000, 1)} s.`
  );
  lines.push('');
  lines.push(
    'The built bundle (`dist/Code.js`) runs in the local Apps Script runtime against the AmoCRM ' +
      'fake over loopback HTTP: 250 ms of virtual time per request or per `fetchAll` batch, 20 ms ' +
      "per Spreadsheet call, 6-minute executions, the fake's rate limit on (7 requests/s, 429 " +
      'beyond). The account holds ' +
      `${int(SEEDED_CONTACTS)} contacts; 10% of the rows belong to one of them (half by e-mail in ` +
      'other capitals, half by phone typed in another format than stored). A run is ' +
      '`importExistingRows`, then `runBackgroundWork` every 10 virtual minutes until no row lacks ' +
      '`amo_deal_id`; `installTriggers` (setup) is not counted.'
  );
  lines.push('');
  lines.push('## Import');
  lines.push('');
  lines.push(
    ...table(
      ['', ...colNames],
      [
        [
          'AmoCRM requests per row',
          ...cols.map(s => dec(s.requests / s.rows)),
          ...base(() => dec(b.requestsPerRow, 2)),
        ],
        [
          'AmoCRM requests',
          ...cols.map(s => int(s.requests)),
          ...base(n => `≈ ${int(n * b.requestsPerRow)}`),
        ],
        [
          'requests by endpoint',
          ...cols.map(s => formatEndpoints(s.byEndpoint)),
          ...base(() => `per row: ${perRow(b.byEndpoint, b.sampleRows)}`),
        ],
        [
          '429 answers (fake)',
          ...cols.map(s => String(s.answers429)),
          ...base(() => `${b.answers429} in the sample`),
        ],
        [
          'runs of the trigger',
          ...cols.map(s =>
            s.error ? `${s.runs}, FAILED (below)` : s.done ? String(s.runs) : `${s.runs}, NOT DONE`
          ),
          ...base(n => `≈ ${runsFor(n)} (${b.rowsPerRun} rows per run)`),
        ],
        [
          'virtual time',
          ...cols.map(s => `${dec(s.virtualS, 1)} s`),
          ...base(
            n => `≈ ${int(n * b.virtualSPerRow)} s (${dec((n * b.virtualSPerRow) / 60, 0)} min)`
          ),
        ],
        [
          'Spreadsheet calls per run',
          ...cols.map(s => s.sheetCallsPerRun.join(', ')),
          ...base(() => `≈ ${int(b.rowsPerRun * b.sheetCallsPerRow)} (1 per row)`),
        ],
        [
          'rows with more than one lead',
          ...cols.map(s => String(s.dup.rowsWithSeveralLeads)),
          ...base(() => 'n/a (no row id on its leads)'),
        ],
        [
          'leads in AmoCRM / rows',
          ...cols.map(s => `${int(s.dup.leads)} / ${int(s.rows)}`),
          ...base(() => `${b.dup.leads} / ${b.sampleRows} in the sample`),
        ],
        [
          'e-mails or phones shared by 2+ contacts',
          ...cols.map(duplicateContacts),
          ...base(() => `${b.dup.sharedContactKeys} in the sample`),
        ],
        [
          'rows of existing contacts not linked to them',
          ...cols.map(s => `${s.missedReuse} of ${s.matchingRows}`),
          ...base(() => `${b.missedReuse} of ${b.matchingRows} in the sample`),
        ],
        [
          'real time of the measurement',
          ...cols.map(s => `${dec(s.realMs / 1000, 1)} s`),
          ...base(() => `${dec(b.realMs / 1000, 1)} s for the sample`),
        ],
      ]
    )
  );
  lines.push('');
  for (const [i, s] of cols.entries()) {
    if (s.error) lines.push(`**${colNames[i]} failed:** ${s.error.split('\n')[0]}`, '');
  }
  lines.push(
    `Baseline = \`bench/baseline/Code.js\`, what the old Python service did, one row at a time ` +
      '(search the contact by e-mail, by phone, update or create it, create the lead, read the ' +
      `lead, write the row), measured on the first ${b.sampleRows} rows in ${b.runs} runs ` +
      `(${int(b.requests)} requests, ${dec(b.virtualS, 0)} virtual s) and extrapolated linearly. ` +
      'It never meets a 429 because one request at a time with 250 ms latency stays under 7/s; ' +
      'its shared phones come from searching a phone as text that AmoCRM stores in another format.'
  );
  lines.push('');
  const big = ours[ours.length - 1];
  const bigN = big.rows;
  lines.push(
    `Ratio at ${int(bigN)} rows, baseline / ours: requests ×${dec(b.requestsPerRow / (big.requests / bigN), 0)}, ` +
      `virtual time ×${dec((bigN * b.virtualSPerRow) / big.virtualS, 0)}, runs ×${dec(runsFor(bigN) / big.runs, 0)}. ` +
      `The baseline's ≈ ${int(bigN * b.requestsPerRow)} UrlFetch calls are ` +
      `${dec((bigN * b.requestsPerRow) / 20000, 1)} days of a consumer account's 20,000/day quota, and its ` +
      `≈ ${dec((bigN * b.virtualSPerRow) / 60, 0)} minutes of trigger time exceed the 90 minutes a day.`
  );
  lines.push('');
  lines.push('## Targets (issue 7)');
  lines.push('');
  lines.push(...targets(report).map(t => `- ${t.ok ? 'met' : '**MISSED**'}: ${t.text}`));
  lines.push('');
  lines.push('## Interactive paths');
  lines.push('');
  lines.push(
    'Over an account where 200 rows were imported first. handleEdit counts the installed ' +
      "on-edit trigger's executions; doPost is the execution behind the real webhook POST from " +
      'the fake to the web-app front.'
  );
  lines.push('');
  lines.push(
    ...table(
      ['', 'AmoCRM requests', 'by endpoint', 'Spreadsheet calls', 'virtual ms', 'answer'],
      report.interactive.map(m => [
        m.what,
        String(m.requests),
        formatEndpoints(m.byEndpoint),
        String(m.sheetCalls),
        String(m.virtualMs),
        m.note ? `\`${m.note}\`` : '',
      ])
    )
  );
  lines.push('');
  lines.push(...exportSection(report.exported));
  lines.push(...bigSections(report));
  return lines.join('\n');
}

function exportSection(e: ExportStats): string[] {
  return [
    `## Export of existing leads (issue 15)`,
    '',
    `\`exportLeads\` on a sheet with only its headers, ${int(e.leads)} leads (each with its own ` +
      'contact) in AmoCRM; then `exportLeads` once more.',
    '',
    ...table(
      ['', `${int(e.leads)} leads`],
      [
        ['AmoCRM requests per lead', dec(e.requests / e.leads)],
        ['AmoCRM requests', `${int(e.requests)}: ${formatEndpoints(e.byEndpoint)}`],
        ['runs', e.done ? String(e.runs) : `${e.runs}, NOT DONE`],
        ['virtual time', `${dec(e.virtualS, 1)} s`],
        ['Spreadsheet calls per run', e.sheetCallsPerRun.join(', ')],
        ['leads with exactly one row / leads with 2+ rows', `${int(e.rowsOk)} / ${e.doubled}`],
        ['the second export: requests, rows added', `${e.again.requests}, ${e.again.added}`],
        ['real time of the measurement', `${dec(e.realMs / 1000, 1)} s`],
      ]
    ),
    '',
  ];
}

// ---- issue 13: big sheets, the 100,000-row import, a day of quota -----------------------------

function bigSections(report: BenchReport): string[] {
  const lines: string[] = [];
  lines.push('## Big sheets (issue 13)');
  lines.push('');
  lines.push(
    `A sheet of N rows × ${WIDTH} columns, every row linked to a lead of an account of ` +
      `${int(ACCOUNT_CONTACTS)} contacts (ids, link, status and each row's memory note in place). ` +
      'Cells are counted by the runtime per execution (read: content returned to the script; ' +
      'searched: cells a TextFinder looked through, nothing returned). Virtual ms follow the ' +
      "runtime's model: 250 ms a request or fetchAll batch, 20 ms a Spreadsheet call, 5 µs a " +
      'cell read, written or searched (the per-cell rate is an assumption, see ' +
      '`sandbox/runtime/README.md`). A webhook is doPost (it only queues) and then the next ' +
      "minute's background run, which applies it."
  );
  lines.push('');
  for (const b of report.big) {
    lines.push(`### ${int(b.rows)} rows × ${WIDTH} columns`);
    lines.push('');
    lines.push(
      ...table(
        [
          'path',
          'cells read',
          'cells written',
          'cells searched',
          'Spreadsheet calls',
          'AmoCRM requests',
          'virtual ms',
        ],
        b.paths.map(p => [
          p.what,
          int(p.cellsRead),
          int(p.cellsWritten),
          int(p.cellsSearched),
          int(p.sheetCalls),
          int(p.requests),
          int(p.virtualMs),
        ])
      )
    );
    lines.push('');
  }
  const imp = report.bigImport;
  if (imp) {
    lines.push(`### Import of ${int(imp.rows)} rows × 12 columns`);
    lines.push('');
    lines.push(
      ...table(
        ['', 'figure'],
        [
          ['runs of the trigger', imp.done ? String(imp.runs) : `${imp.runs}, NOT DONE`],
          ['AmoCRM requests per row', dec(imp.requests / imp.rows, 4)],
          ['requests by endpoint', formatEndpoints(imp.byEndpoint)],
          ['429 answers', String(imp.answers429)],
          ['runs killed', String(imp.killed ?? 0)],
          ['virtual s per run', (imp.virtualSPerRun ?? []).map(v => dec(v, 1)).join(', ')],
          ['Spreadsheet calls per run', imp.sheetCallsPerRun.join(', ')],
          ['leads / rows', `${int(imp.dup.leads)} / ${int(imp.rows)}`],
          [
            'rows of existing contacts not linked to them',
            `${imp.missedReuse} of ${imp.matchingRows}`,
          ],
          ['error', imp.error ?? 'none'],
          ['real time of the measurement', `${dec(imp.realMs / 1000, 1)} s`],
        ]
      )
    );
    lines.push('');
  }
  const day = report.big.find(b => b.rows === TARGET_ROWS);
  if (day) {
    lines.push(`### A day of quota (on the ${int(TARGET_ROWS)}-row sheet)`);
    lines.push('');
    lines.push(
      'The day: ' +
        DAY.map(d => `${int(d.count)} × ${d.what}`).join(', ') +
        '. Each measured path above multiplied by its count; trigger runtime counts the ' +
        "installable triggers' runs (handleEdit, the background trigger), not doPost or the menu."
    );
    lines.push('');
    lines.push(
      ...table(
        ['limit', 'used in the day', 'consumer account', 'share', 'Workspace account', 'share'],
        dayOfQuota(day).map(l => [
          l.what,
          l.unit ? `${dec(l.used, 1)} ${l.unit}` : int(l.used),
          `${int(l.consumer)}${l.unit ? ` ${l.unit}` : ''}`,
          `${dec((100 * l.used) / l.consumer, 1)}%`,
          `${int(l.workspace)}${l.unit ? ` ${l.unit}` : ''}`,
          `${dec((100 * l.used) / l.workspace, 1)}%`,
        ])
      )
    );
    lines.push('');
  }
  lines.push('## Targets (issue 13)');
  lines.push('');
  lines.push(...bigTargets(report).map(t => `- ${t.ok ? 'met' : '**MISSED**'}: ${t.text}`));
  lines.push('');
  return lines;
}

export function bigTargets(report: BenchReport): Array<{ ok: boolean; text: string }> {
  const out: Array<{ ok: boolean; text: string }> = [];
  const b = report.big.find(r => r.rows === TARGET_ROWS);
  if (b) {
    const p = (name: string) => b.paths.find(x => x.what === name) as BigSheetReport['paths'][0];
    const touched = (x: BigSheetReport['paths'][0]) => x.cellsRead + x.cellsSearched;
    const typed = p('a person types 1 row');
    const hook = p('webhook of 1 lead: doPost');
    const applied = p('webhook of 1 lead: the next minute applies it');
    const idle = p('background run, nothing changed');
    out.push({
      ok: touched(typed) <= MAX_CELLS && typed.requests <= 3 && typed.virtualMs <= 1500,
      text: `a typed row at ${int(TARGET_ROWS)} rows: ${int(typed.cellsRead)} cells read + ${int(typed.cellsSearched)} searched (≤ ${int(MAX_CELLS)}), ${typed.requests} requests (≤ 3), ${int(typed.virtualMs)} ms (≤ 1,500)`,
    });
    out.push({
      ok: touched(hook) <= MAX_CELLS && hook.virtualMs <= 1000 && touched(applied) <= MAX_CELLS,
      text: `a webhook of 1 lead: doPost ${int(touched(hook))} cells, ${int(hook.virtualMs)} ms (≤ 1,000; AmoCRM waits 2 s); the run that applies it ${int(applied.cellsRead)} read + ${int(applied.cellsSearched)} searched (≤ ${int(MAX_CELLS)}), ${int(applied.virtualMs)} ms`,
    });
    out.push({
      ok: touched(idle) <= MAX_CELLS && idle.virtualMs <= 1000,
      text: `a background run with nothing changed: ${int(touched(idle))} cells (≤ ${int(MAX_CELLS)}), ${int(idle.virtualMs)} ms (≤ 1,000); the hourly full scan ${int(p('background run with the hourly full scan').cellsRead)} cells`,
    });
    const limits = dayOfQuota(b);
    out.push({
      ok: halfHeadroom(limits),
      text: `the day fits a consumer account with ≥ 50% headroom: ${limits.map(l => `${l.what} ${dec((100 * l.used) / l.consumer, 1)}%`).join(', ')}`,
    });
  }
  const imp = report.bigImport;
  if (imp) {
    out.push({
      ok:
        imp.done &&
        imp.runs <= 2 &&
        imp.requests / imp.rows <= MAX_REQUESTS_PER_ROW_BIG &&
        imp.answers429 === 0 &&
        (imp.killed ?? 0) === 0 &&
        imp.error === null,
      text: `${int(imp.rows)}-row import: ${imp.runs} run(s) (≤ 2), ${dec(imp.requests / imp.rows, 4)} requests per row (≤ ${MAX_REQUESTS_PER_ROW_BIG}), ${imp.answers429} answers 429, ${imp.killed ?? 0} runs killed${imp.error ? `, failed: ${imp.error.split('\n')[0]}` : ''}`,
    });
  }
  return out;
}

export function targets(report: BenchReport): Array<{ ok: boolean; text: string }> {
  const big = report.ours.find(s => s.rows === 10000) ?? report.ours[report.ours.length - 1];
  const all = [...report.ours, report.resumed];
  const sheet = all.flatMap(s => s.sheetCallsPerRun);
  return [
    {
      ok: big.done && big.runs === 1,
      text: `${int(big.rows)} rows imported in one run: ${big.runs} run(s), ${dec(big.virtualS, 1)} virtual s of 360`,
    },
    {
      ok: all.every(s => s.requests / s.rows <= MAX_REQUESTS_PER_ROW),
      text: `≤ ${MAX_REQUESTS_PER_ROW} AmoCRM requests per row: ${all.map(s => dec(s.requests / s.rows)).join(', ')}`,
    },
    {
      ok: all.every(s => s.answers429 === 0 && s.blocked403 === 0),
      text: `0 answers 429: ${all.map(s => s.answers429).join(', ')} (403 blocks: ${all.map(s => s.blocked403).join(', ')})`,
    },
    {
      ok: all.every(s => s.dup.rowsWithSeveralLeads === 0 && s.dup.leads === s.rows),
      text: `0 duplicate leads: rows with 2+ leads ${all.map(s => s.dup.rowsWithSeveralLeads).join(', ')}; leads/rows ${all.map(s => `${s.dup.leads}/${s.rows}`).join(', ')}`,
    },
    {
      ok: all.every(s => s.dup.sharedContactKeys === 0 && s.missedReuse === 0),
      text: `0 duplicate contacts: e-mails/phones shared by 2+ contacts ${all.map(s => s.dup.sharedContactKeys).join(', ')}; rows of existing contacts not linked to them ${all.map(s => s.missedReuse).join(', ')}`,
    },
    {
      ok: sheet.every(n => n <= MAX_SHEET_CALLS_PER_RUN),
      text: `Spreadsheet calls per run ≤ ${MAX_SHEET_CALLS_PER_RUN} whatever the row count: ${all.map(s => `${int(s.rows)} rows → ${s.sheetCallsPerRun.join('+')}`).join('; ')}`,
    },
    {
      ok: all.every(s => s.error === null),
      text: `no execution fails: ${all.map(s => (s.error ? `${int(s.rows)} rows: ${s.error.split('\n')[0]}` : 'ok')).join('; ')}`,
    },
    ...exportTargets(report.exported),
    {
      ok: report.resumed.done && report.resumed.dup.leads === report.resumed.rows,
      text: `resumable: the killed import finished in ${report.resumed.runs} runs with ${report.resumed.dup.leads} leads for ${report.resumed.rows} rows (kills and the 6-minute limit at 2,000 rows: test/e2e/import.test.ts)`,
    },
  ];
}

function exportTargets(e: ExportStats): Array<{ ok: boolean; text: string }> {
  return [
    {
      ok: e.done && e.runs <= MAX_EXPORT_RUNS && e.rowsOk === e.leads && e.doubled === 0,
      text: `issue 15: ${int(e.leads)} leads exported in ≤ ${MAX_EXPORT_RUNS} runs, one row each: ${e.runs} run(s), ${int(e.rowsOk)} with one row, ${e.doubled} with more`,
    },
    {
      ok: e.requests / e.leads <= MAX_REQUESTS_PER_EXPORTED_LEAD,
      text: `issue 15: ≤ ${MAX_REQUESTS_PER_EXPORTED_LEAD} AmoCRM requests per exported lead: ${dec(e.requests / e.leads)}`,
    },
    {
      ok: e.again.added === 0,
      text: `issue 15: a second export adds nothing: ${e.again.added} rows added (${e.again.requests} requests)`,
    },
  ];
}

function commitId(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const report = await runBench(line => console.error(line));
  const text = markdown(report, {
    date: new Date().toISOString().slice(0, 10),
    commit: commitId(),
  });
  writeFileSync('bench/results.md', text);
  console.log(text);
  console.log('Written to bench/results.md');
  const missed = [...targets(report), ...bigTargets(report)].filter(t => !t.ok);
  if (missed.length > 0) {
    console.error(
      `\n${missed.length} target(s) missed:\n${missed.map(t => `  - ${t.text}`).join('\n')}`
    );
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch(e => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
}
