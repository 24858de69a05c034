// `npm start -- --serve`: after the story the AmoCRM fake and the web app stay up, with curl
// commands to try. Each command does what its caption says: before they are printed, a
// manager's move is made in AmoCRM with its webhook lost, so the hand-made webhook really
// updates a row. Every request the web app answers is reported with the sheet after it.
// SIGINT (Ctrl-C) or SIGTERM stops the web app, the runtime and the fake, and exits 0.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MAIN_PIPELINE } from '../amo-fake';
import { encodeForm } from '../amo-fake/webhooks/form-encode';
import type { WebExecutionRecord } from '../runtime';
import type { StoryOutcome } from '../story';
import { WEBHOOK_SECRET } from '../world';
import { fold, TERMINAL_WIDTH, wrap } from './text';

type Print = (line: string) => void;

/**
 * Where the curl command for the AmoCRM API finds the token (a long JWT: no line holds it), one
 * file per fake, so two sandboxes served at once do not share one.
 */
function authHeaderFile({ world }: StoryOutcome): string {
  const port = new URL(world.fake.url).port;
  return path.join(__dirname, '..', '..', '.sandbox', `amo-auth-header-${port}`);
}

/** The status the manager moves the lead to while the webhook is lost, then the next one. */
const LOST_STATUS = MAIN_PIPELINE.statuses[3];
const NEXT_STATUS = MAIN_PIPELINE.statuses[4];

export interface Serving {
  /** Stops watching, then stops the web app, the runtime and the fake. */
  stop(): Promise<void>;
}

/** Prints the commands, then reports each request the web app answers until stopped. */
export async function serve(outcome: StoryOutcome, out: Print): Promise<Serving> {
  const print = (line: string) => fold(line).forEach(out);
  await loseAWebhook(outcome);
  const token = outcome.world.rt.properties.script.get('AMO_LONG_LIVED_TOKEN') ?? '';
  const headerFile = authHeaderFile(outcome);
  mkdirSync(path.dirname(headerFile), { recursive: true });
  writeFileSync(headerFile, `Authorization: Bearer ${token}\n`);
  for (const line of await instructions(outcome)) print(line);
  const stopWatching = watchWebApp(outcome, print);
  return {
    async stop() {
      stopWatching();
      rmSync(headerFile, { force: true });
      await outcome.world.stop();
    },
  };
}

/** The manager moves the lead on while AmoCRM's webhook delivery is off: the row lags behind. */
async function loseAWebhook({ world, movedLeadId }: StoryOutcome): Promise<void> {
  const admin = world.fake.admin;
  await admin.setWebhookDelivery(false);
  try {
    await admin.setLeadStatus({ leadId: movedLeadId, statusId: LOST_STATUS.id, now: world.now() });
  } finally {
    await admin.setWebhookDelivery(true);
  }
}

/** The URLs and the commands, each line within the terminal's width. */
export async function instructions(outcome: StoryOutcome): Promise<string[]> {
  const { world, movedLeadId, movedRow } = outcome;
  const web = world.web?.url;
  if (!web) return ['The web app is not running.'];
  const fake = world.fake.url;
  const row = movedRow + 2;
  const shown = String(world.rows()[movedRow]?.status ?? '');
  const config = (await world.fake.admin.state()).config;
  const webhook: Array<[string, string]> = [
    ['account[subdomain]', config.subdomain],
    ['account[id]', String(config.accountId)],
    ['leads[status][0][id]', String(movedLeadId)],
    ['leads[status][0][status_id]', String(LOST_STATUS.id)],
    ['leads[status][0][pipeline_id]', String(MAIN_PIPELINE.id)],
  ];
  const headerFile = authHeaderFile(outcome);
  const move = JSON.stringify({ leadId: movedLeadId, statusId: NEXT_STATUS.id });
  return [
    '',
    'Serving (Ctrl-C stops). After each request the web app answers, the sheet is shown again.',
    `  AmoCRM fake  ${fake}`,
    `  web app      ${web}`,
    '',
    ...paragraph(
      `Meanwhile a manager moved lead #${movedLeadId} to "${LOST_STATUS.name}" in AmoCRM, and ` +
        `its webhook was lost: row ${row} still shows "${shown}".`
    ),
    '',
    ...paragraph(
      `1. That webhook, as AmoCRM posts it: doPost queues lead #${movedLeadId} (it answers ` +
        `"queued":true), the next background minute (run here at once) reads it, and row ${row} ` +
        `shows "${LOST_STATUS.name}"; sent again, no cell changes:`,
      '   '
    ),
    ...command(`curl -sL '${web}?secret=${WEBHOOK_SECRET}'`, [
      ...webhook.map(pair => `-d '${encodeForm([pair])}'`),
    ]),
    '',
    ...paragraph(
      `2. The manager moves the lead on to "${NEXT_STATUS.name}": the fake posts the webhook ` +
        `itself, and row ${row} follows:`,
      '   '
    ),
    ...command(`curl -sL '${fake}/__fake/manager/set-lead-status'`, [
      `-H 'Content-Type: application/json'`,
      `-d '${move}'`,
    ]),
    '',
    `3. The lead in the AmoCRM API (the token is in ${path.relative(process.cwd(), headerFile)}):`,
    ...command(`curl -sL -H '@${headerFile}'`, [
      `'${fake}/api/v4/leads/${movedLeadId}?with=contacts'`,
    ]),
    '',
    '4. The web app answers GET (doGet):',
    ...command(`curl -sL '${web}'`, []),
  ];
}

/** Text in lines of at most the terminal's width, the next ones indented by `hanging`. */
function paragraph(text: string, hanging = ''): string[] {
  return wrap(text, TERMINAL_WIDTH - hanging.length).map((l, i) => (i === 0 ? l : hanging + l));
}

/** A shell command in lines of at most the terminal's width, continued with '\'. */
export function command(head: string, parts: string[], max = TERMINAL_WIDTH): string[] {
  const lines = [`  ${head}`];
  for (const part of parts) {
    const last = lines.length - 1;
    const joined = `${lines[last]} ${part}`;
    // Room for the ' \' the line gets if another follows.
    if (joined.length + 2 <= max) lines[last] = joined;
    else lines.push(`    ${part}`);
  }
  return lines.map((line, i) => (i < lines.length - 1 ? `${line} \\` : line));
}

/** Reports new web-app requests (polled: the front has no event to listen to). */
function watchWebApp({ world, sheet }: StoryOutcome, print: Print): () => void {
  let seen = world.rt.webExecutions.length;
  const timer = setInterval(() => {
    const fresh = world.rt.webExecutions.slice(seen);
    seen += fresh.length;
    if (fresh.length === 0) return;
    for (const request of fresh) report(request, print);
    // doPost only queues; the platform's 1-minute background trigger applies the queue.
    if (fresh.some(r => r.result?.fnName === 'doPost')) {
      const runs = world.nextMinute();
      const requests = runs.reduce((n, r) => n + r.counters.httpRequests, 0);
      print(`  the next background minute ran: ${requests} AmoCRM request(s)`);
    }
    sheet.show(fresh.length === 1 ? 'this request' : 'these requests', print);
  }, 200);
  return () => clearInterval(timer);
}

function report(request: WebExecutionRecord, print: Print): void {
  const where = `/exec${request.pathInfo ? `/${request.pathInfo}` : ''}`;
  const result = request.result;
  print('');
  print(`━━ ${request.method} ${where} · ${result?.fnName ?? 'nothing'} ran ━━`);
  if (result?.error) print(`  failed: ${result.errorMessage ?? result.error}`);
  else print(`  answered ${request.status}: ${answerText(request)}`);
  for (const entry of result?.logEntries ?? []) {
    if (entry.level === 'warn' || entry.level === 'error')
      print(`    ${entry.level}: ${entry.message}`);
  }
}

function answerText({ contentType, responseBody }: WebExecutionRecord): string {
  const text = responseBody.trim();
  if (/json|text\/plain/.test(contentType) && text.length <= 300) return text;
  return `${contentType}, ${text.length} characters`;
}

/** SIGINT (Ctrl-C) and SIGTERM stop `serving` and exit 0; a second signal exits at once. */
export function stopOnSignals(serving: Serving, print: Print): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    print('');
    print(`${signal}: stopping the web app, the runtime and the AmoCRM fake…`);
    // Whatever hangs, the process ends.
    setTimeout(() => {
      print('They did not stop within 5 s; exiting anyway.');
      process.exit(1);
    }, 5000).unref();
    serving.stop().then(
      () => {
        print('Stopped.');
        process.exit(0);
      },
      (e: unknown) => {
        print(`Could not stop cleanly: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      }
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
