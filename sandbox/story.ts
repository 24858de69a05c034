// `npm start`: the whole sync, played on the local sandbox over real HTTP on loopback. The
// AmoCRM fake starts with a few contacts, the sheet "Leads" gets sandbox/sample-sheet.csv, and
// the built bundle goes through a day in the life: install the triggers, import the rows, a
// person edits a row, a manager moves the deal in AmoCRM (a real webhook to the web app),
// "Sync now". After each step: the sheet, and what it cost (AmoCRM requests by endpoint,
// Spreadsheet calls, virtual seconds) from the runtime's counters. Every line fits 120 columns
// (longer ones are wrapped, never cut). The flags are in story/args.ts (`npm start -- --help`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAIN_PIPELINE } from './amo-fake';
import type { RunResult } from './runtime';
import { parseArgs, USAGE } from './story/args';
import { formatCounts, sumCounters } from './story/counters';
import { serve, stopOnSignals } from './story/serve';
import { SheetView } from './story/sheet-view';
import { fold } from './story/text';
import { SHEET, WEBHOOK_SECRET, World } from './world';

export const SAMPLE_CSV = path.join(__dirname, 'sample-sheet.csv');

/** Contacts already in the account: one matches a row by e-mail, one by phone. */
export const SEED_CONTACTS = [
  { name: 'Иван Петров', email: 'ivan.petrov@example.com' },
  { name: 'Алексей Смирнов', phone: '+7 (926) 111-22-33' },
  { name: 'Ольга Новикова', phone: '+7 (999) 765-43-21', email: 'olga.novikova@yandex.ru' },
];

/** The manager moves the edited row's deal here. */
export const MANAGER_STATUS = MAIN_PIPELINE.statuses[2];

export interface StoryOptions {
  /** Where the story's lines go, each at most 120 columns; default console.log. */
  print?: (line: string) => void;
  /** Leave the fake and the web app running; the caller stops `world`. */
  keep?: boolean;
  /** The sheet to load; default sandbox/sample-sheet.csv. */
  csv?: string;
}

export interface StepReport {
  title: string;
  results: RunResult[];
}

export interface StoryOutcome {
  world: World;
  steps: StepReport[];
  /** The sheet's data rows at the end, by header. */
  rows: Array<Record<string, unknown>>;
  /** Ids of SEED_CONTACTS in the fake. */
  seededContactIds: number[];
  /** The row (0-based among data rows) the person edited and the manager moved. */
  movedRow: number;
  movedLeadId: number;
  statusName: string;
  /** Prints the sheet again, marking what changed since it was last printed. */
  sheet: SheetView;
}

/** A step that failed: the story stops and says which step and why. */
export class StoryError extends Error {
  constructor(
    readonly step: string,
    message: string
  ) {
    super(`step "${step}": ${message}`);
    this.name = 'StoryError';
  }
}

export async function playStory(options: StoryOptions = {}): Promise<StoryOutcome> {
  const out = options.print ?? ((line: string) => console.log(line));
  const print = (line: string) => fold(line).forEach(out);
  const csv = options.csv ?? readFileSync(SAMPLE_CSV, 'utf8');
  const world = await World.start();
  let ok = false;
  try {
    const outcome = await play(world, csv, print);
    ok = true;
    return outcome;
  } finally {
    // A failed story never leaves anything running.
    if (!ok || !options.keep) await world.stop();
  }
}

async function play(
  world: World,
  csv: string,
  print: (line: string) => void
): Promise<StoryOutcome> {
  const { rt, fake } = world;
  const steps: StepReport[] = [];
  const sheet = new SheetView(() => rt.spreadsheet.displayValues(SHEET), print);
  const showSheet = () => sheet.show();
  const TOTAL = 5;
  const step = async (
    n: number,
    title: string,
    what: string,
    act: () => RunResult[] | Promise<RunResult[]>
  ): Promise<RunResult[]> => {
    print('');
    print(`━━ Step ${n}/${TOTAL} · ${title} ━━`);
    print(what);
    let results: RunResult[];
    try {
      results = await act();
    } catch (e) {
      throw e instanceof StoryError ? e : new StoryError(title, messageOf(e));
    }
    for (const r of results) {
      if (r.killed) throw new StoryError(title, `${r.fnName} was killed: ${r.killReason}`);
      if (r.error) throw new StoryError(title, `${r.fnName} failed: ${r.errorMessage ?? r.error}`);
      const returned = typeof r.returned === 'string' ? ` → "${r.returned}"` : '';
      print(`  ran ${r.fnName}${returned}`);
      for (const entry of r.logEntries.filter(e => e.level === 'warn' || e.level === 'error')) {
        print(`    ${entry.level}: ${entry.message}`);
      }
    }
    steps.push({ title, results });
    showSheet();
    for (const line of formatCounts(sumCounters(results), results.length)) print(`  ${line}`);
    return results;
  };

  // ---- the world before the story --------------------------------------------------------
  const seeded = await fake.admin.seed({ contacts: SEED_CONTACTS, now: world.now() });
  // Phones typed as "+7 …" stay text only in a plain-text column (README).
  const headers = csv.split(/\r?\n/, 1)[0].split(',');
  const phoneColumn = headers.findIndex(h => h.trim().toLowerCase() === 'phone');
  if (phoneColumn >= 0 && phoneColumn < 26) {
    const letter = String.fromCharCode(65 + phoneColumn);
    rt.spreadsheet.setNumberFormat(SHEET, `${letter}2:${letter}1000`, '@');
  }
  rt.spreadsheet.loadCsv(SHEET, csv);
  print('The sandbox: a local Apps Script runtime running dist/Code.js, an AmoCRM API v4 fake,');
  print('both on loopback HTTP. Virtual clock: 250 ms per request, 20 ms per Spreadsheet call.');
  print(`  AmoCRM fake   ${fake.url}  (pipeline "${MAIN_PIPELINE.name}")`);
  print(`  web app       ${world.web?.url ?? '(not started)'}  (AmoCRM's webhooks go here)`);
  print('  contacts already in AmoCRM:');
  SEED_CONTACTS.forEach((c, i) =>
    print(
      `    #${seeded.contactIds[i]} ${c.name}` +
        `${c.phone ? `, ${c.phone}` : ''}${'email' in c && c.email ? `, ${c.email}` : ''}`
    )
  );
  print(
    `The sheet "${SHEET}", loaded from ${path.basename(SAMPLE_CSV)} (phone column as plain text):`
  );
  showSheet();

  // ---- 1. install ------------------------------------------------------------------------
  await step(
    1,
    'Install triggers (menu AmoCRM → Install triggers)',
    'installTriggers makes the on-edit and the time-driven trigger and prepares AmoCRM.',
    () => [rt.run('installTriggers')]
  );
  const triggers = rt.triggers.list.map(t => `${t.handler} (${t.eventType})`);
  print(`  triggers: ${triggers.join(', ')}`);

  // ---- 2. import -------------------------------------------------------------------------
  await step(
    2,
    'Import existing rows (menu AmoCRM → Import existing rows)',
    'importExistingRows creates a contact (or reuses one) and a lead for every row without one.',
    () => [rt.run('importExistingRows')]
  );
  const contactsAfterImport = (await fake.admin.state()).contacts.length;
  print(`  AmoCRM now holds ${contactsAfterImport} contacts`);

  // ---- 3. a person edits a row -----------------------------------------------------------
  const rows = world.rows();
  let moved = rows.findIndex(r => String(r.name).includes('Мария') && r.amo_deal_id !== '');
  if (moved < 0) moved = rows.findIndex(r => r.amo_deal_id !== '');
  if (moved < 0) throw new StoryError('Import existing rows', 'no row got a lead');
  const leadId = Number(rows[moved].amo_deal_id);
  const newBudget = '1 400 000';
  await step(
    3,
    `A person raises the budget of row ${moved + 2} to ${newBudget}`,
    'The installed on-edit trigger runs handleEdit for the touched row.',
    () => {
      const results = world.edit(moved + 2, 'budget', newBudget);
      if (results.length === 0) throw new Error('no on-edit trigger ran');
      return results;
    }
  );
  const lead = await fake.admin.lead(leadId);
  print(`  AmoCRM: lead #${leadId} "${lead?.name}" now has price ${lead?.price}`);

  // ---- 4. a manager moves the deal in AmoCRM ---------------------------------------------
  const before = rt.webExecutions.length;
  await step(
    4,
    `A manager moves lead #${leadId} to "${MANAGER_STATUS.name}" in AmoCRM`,
    "AmoCRM posts its webhook to the web app; doPost queues the lead, and the next minute's background run reads it and updates the row.",
    async () => {
      const result = await fake.admin.setLeadStatus({
        leadId,
        statusId: MANAGER_STATUS.id,
        now: world.now(),
      });
      if (result.deliveries.length === 0) throw new Error('AmoCRM delivered no webhook');
      const posts = rt.webExecutions.slice(before).filter(w => w.method === 'POST');
      const results = posts.flatMap(w => (w.result ? [w.result] : []));
      // A doPost that threw or was killed is reported as such by the step.
      if (results.some(r => r.error || r.killed)) return results;
      for (const d of result.deliveries) {
        const where = d.destination.replace(WEBHOOK_SECRET, '…');
        print(`  webhook → ${where}: ${d.status} ${d.responseBody}`);
        if (!d.ok) throw new Error(`the webhook delivery failed: ${d.status} ${d.error ?? ''}`);
        if (!answerIsOk(d.responseBody)) {
          throw new Error(`doPost did not accept the webhook: ${d.responseBody.slice(0, 300)}`);
        }
      }
      if (results.length === 0) throw new Error('the web app ran no doPost');
      rt.clock.advance(60_000);
      return [...results, ...rt.fireTimeTriggers()];
    }
  );

  // ---- 5. Sync now -----------------------------------------------------------------------
  rt.clock.advance(60_000);
  await step(
    5,
    'Sync now (menu AmoCRM → Sync now)',
    'syncNow pushes new or changed rows, then pulls what changed in AmoCRM.',
    () => [rt.run('syncNow')]
  );

  const final = world.rows();
  const linked = final.filter(r => String(r.amo_deal_id) !== '').length;
  const errors = final.filter(r => String(r.sync_status).startsWith('error')).length;
  print('');
  print(
    `Done: ${linked} of ${final.length} rows linked to a lead, ${errors} with an error; ` +
      `row ${moved + 2} shows "${String(final[moved].status)}".`
  );
  return {
    world,
    steps,
    rows: final,
    seededContactIds: seeded.contactIds,
    movedRow: moved,
    movedLeadId: leadId,
    statusName: MANAGER_STATUS.name,
    sheet,
  };
}

function answerIsOk(body: string): boolean {
  try {
    return (JSON.parse(body) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function main(argv: string[]): Promise<void> {
  const print = (line: string) => fold(line).forEach(l => console.log(l));
  const fail = (line: string) => fold(line).forEach(l => console.error(l));
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    fail(`npm start: ${messageOf(e)}`);
    USAGE.forEach(fail);
    process.exitCode = 2;
    return;
  }
  if (args.help) return USAGE.forEach(print);
  let outcome: StoryOutcome;
  try {
    const csv = args.csv === undefined ? undefined : readFileSync(args.csv, 'utf8');
    outcome = await playStory({ keep: args.serve, csv, print });
  } catch (e) {
    fail('');
    const what = e instanceof StoryError ? ` at ${e.message}` : `: ${messageOf(e)}`;
    fail(`✖ The story failed${what}`);
    const systemError = e instanceof Error && 'code' in e;
    if (!(e instanceof StoryError) && !systemError && e instanceof Error && e.stack) {
      console.error(e.stack);
    }
    process.exitCode = 1;
    return;
  }
  if (!args.serve) return;
  try {
    stopOnSignals(await serve(outcome, print), print);
  } catch (e) {
    fail(`✖ Could not serve: ${messageOf(e)}`);
    await outcome.world.stop();
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv.slice(2));
