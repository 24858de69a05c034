// The Settings… dialog's server side: what the dialog shows (never a secret), Test connection,
// Load pipelines and Save. Save checks the formats, then talks to AmoCRM with the form's values
// (remembers the account, checks the pipeline and status, makes the row-id lead field, and
// optionally subscribes the webhook) with every write held back in a StagedStore, and only
// when all of it worked writes the properties in one go. Every answer is plain JSON for
// google.script.run; every error is one sentence with the secrets scrubbed out.
import {
  PIPELINES_CACHE_KEY,
  getAccount,
  listPipelines,
  listWebhooks,
  subscribeWebhook,
  unsubscribeWebhook,
} from '../amo';
import type { AmoRunner, Pipeline, Status } from '../amo';
import type { KeyValueStore, TriggerPort } from '../ports';
import { learnAccount, storedAccount, type AccountIdentity } from '../sync/account';
import { rowIdFieldId } from '../sync/amo-reads';
import { PROP, SECRET_PROPS, STATE, positiveInt } from '../sync/config';
import type { Ports } from '../sync/context';
import { WEBHOOK_EVENTS, webhookUrl } from '../sync/reconcile';
import {
  SettingsProblem,
  describeFailure,
  dialogClient,
  keepSpentAuthCode,
  scrub,
  secretValues,
} from './amo-session';
import {
  PLAIN_PROPS,
  SETTINGS_PROPS,
  SUBSCRIBE_FIELD,
  baseUrlProblem,
  formatProblems,
  mergeForm,
} from './settings-form';
import { StagedStore } from './staged-store';

export { CLEAR_PREFIX, SUBSCRIBE_FIELD } from './settings-form';

/** What the dialog shows. Secrets appear only as "stored or not". */
export interface SettingsView {
  /** The non-secret contract properties ('' when unset). */
  values: Record<string, string>;
  /** AMO_CLIENT_SECRET, AMO_AUTH_CODE, AMO_LONG_LIVED_TOKEN, WEBHOOK_SECRET: stored or not. */
  secretsSet: Record<string, boolean>;
  /** The web app's URL with ?secret=…, for the person to paste into AmoCRM; null until both exist. */
  webhookUrl: string | null;
}

export interface PipelineChoice {
  id: number;
  name: string;
  statuses: Array<{ id: number; name: string }>;
}

type Refusal = { ok: false; error: string };
export type ConnectionAnswer = { ok: true; account: string } | Refusal;
export type PipelinesAnswer = { ok: true; pipelines: PipelineChoice[] } | Refusal;
export type SaveAnswer = { ok: true; view: SettingsView; message: string } | Refusal;

/** The settings as the dialog shows them. */
export function loadSettings(ports: Ports): SettingsView {
  return viewOf(ports.props, ports.triggers);
}

/** Asks AmoCRM for /api/v4/account with the form's values; nothing is saved. */
export function testConnection(ports: Ports, form: Record<string, string>): ConnectionAnswer {
  const outcome = withAmo(ports, mergeForm(ports.props.getAll(), form), amo => {
    return amo.run(getAccount()).name;
  });
  return outcome.ok ? { ok: true, account: outcome.value } : outcome;
}

/** The account's pipelines and the statuses a new lead may start in; nothing is saved. */
export function loadPipelines(ports: Ports, form: Record<string, string>): PipelinesAnswer {
  const outcome = withAmo(ports, mergeForm(ports.props.getAll(), form), amo => {
    return amo
      .run(listPipelines())
      .filter(p => !p.is_archive)
      .map(choiceOf);
  });
  return outcome.ok ? { ok: true, pipelines: outcome.value } : outcome;
}

/** Checks everything, then writes the properties; on any failure nothing is saved. */
export function saveSettings(ports: Ports, form: Record<string, string>): SaveAnswer {
  const values = mergeForm(ports.props.getAll(), form);
  const problems = [...formatProblems(values), ...sheetProblems(ports, values)];
  if (problems.length > 0) return refuse(ports, problems.join('\n'), values);
  const generated = !values[PROP.webhookSecret];
  if (generated) values[PROP.webhookSecret] = ports.uuid().replace(/-/g, '');
  const staged = stage(ports.props, values);
  const subscribe = form[SUBSCRIBE_FIELD] === 'true';
  const outcome = withAmo(ports, values, amo => applyToAmo(amo, ports, staged, subscribe));
  if (!outcome.ok) return outcome;
  const changed = staged.changedKeys();
  staged.commit();
  if (outcome.value.accountChanged) ports.cache.remove(PIPELINES_CACHE_KEY);
  ports.logger.info(`Settings saved; changed: ${changed.join(', ') || 'nothing'}`);
  const view = loadSettings(ports);
  return { ok: true, view, message: savedMessage(outcome.value, view, generated, changed) };
}

// ---- The view ----------------------------------------------------------------------------

function viewOf(props: KeyValueStore, triggers: TriggerPort): SettingsView {
  const all = props.getAll();
  return {
    values: Object.fromEntries(PLAIN_PROPS.map(key => [key, all[key] ?? ''])),
    secretsSet: Object.fromEntries(SECRET_PROPS.map(key => [key, Boolean(all[key])])),
    webhookUrl: webhookUrl({ triggers, props }),
  };
}

function choiceOf(pipeline: Pipeline): PipelineChoice {
  const statuses = (pipeline._embedded?.statuses ?? []).filter(canStartIn);
  return {
    id: pipeline.id,
    name: pipeline.name,
    statuses: statuses.map(s => ({ id: s.id, name: s.name })),
  };
}

/** AmoCRM refuses to create a lead in the "incoming" (Неразобранное) status. */
function canStartIn(status: Status): boolean {
  return status.type !== 1;
}

// ---- AmoCRM ------------------------------------------------------------------------------

type Outcome<T> = { ok: true; value: T } | Refusal;

/** Runs `work` with a client for `values`; any failure becomes a refusal sentence. */
function withAmo<T>(
  ports: Ports,
  values: Record<string, string>,
  work: (amo: AmoRunner) => T
): Outcome<T> {
  const problem = baseUrlProblem(values);
  if (problem) return refuse(ports, problem, values);
  try {
    return { ok: true, value: work(dialogClient(ports, values)) };
  } catch (e) {
    return refuse(ports, describeFailure(e, values[PROP.baseUrl]), values);
  } finally {
    keepSpentAuthCode(ports, values);
  }
}

interface Applied {
  account: AccountIdentity & { name: string };
  accountChanged: boolean;
  subscribed: boolean;
}

function applyToAmo(
  amo: AmoRunner,
  ports: Ports,
  staged: StagedStore,
  subscribe: boolean
): Applied {
  const previous = storedAccount(ports.props);
  const account = learnAccount(amo, staged);
  const accountChanged = previous !== null && previous.subdomain !== account.subdomain;
  // A field id of another account means nothing here: find or make the field again.
  if (accountChanged) staged.delete(STATE.rowIdField);
  checkPipeline(amo, staged);
  rowIdFieldId(amo, staged);
  if (subscribe) subscribeUrl(amo, ports, staged);
  return { account, accountChanged, subscribed: subscribe };
}

function checkPipeline(amo: AmoRunner, props: KeyValueStore): void {
  const pipelineId = positiveInt(props.get(PROP.pipelineId) ?? undefined);
  const statusId = positiveInt(props.get(PROP.statusId) ?? undefined);
  if (pipelineId === null || statusId === null) return;
  const pipeline = amo.run(listPipelines()).find(p => p.id === pipelineId);
  if (!pipeline) {
    throw new SettingsProblem(
      `AmoCRM has no pipeline ${pipelineId} in this account: press Load pipelines and choose one.`
    );
  }
  const status = (pipeline._embedded?.statuses ?? []).find(s => s.id === statusId);
  if (!status || !canStartIn(status)) {
    const why = status
      ? 'is the incoming stage, where AmoCRM does not let the API add leads'
      : 'does not exist';
    throw new SettingsProblem(
      `Status ${statusId} of the pipeline "${pipeline.name}" ${why}: press Load pipelines and choose another.`
    );
  }
}

/** Subscribes the new URL; a subscription of the previous URL (old secret) is removed. */
function subscribeUrl(amo: AmoRunner, ports: Ports, staged: StagedStore): void {
  const url = webhookUrl({ triggers: ports.triggers, props: staged });
  if (!url) {
    throw new SettingsProblem(
      'The script is not deployed as a web app yet, so there is no webhook URL to subscribe: ' +
        'deploy it (Deploy → New deployment → Web app), or untick "Subscribe this URL in AmoCRM".'
    );
  }
  amo.run(subscribeWebhook(url, WEBHOOK_EVENTS));
  const previous = webhookUrl({ triggers: ports.triggers, props: ports.props });
  if (!previous || previous === url) return;
  const hooks = amo.run(listWebhooks({ destination: previous }));
  if (hooks.some(h => h.destination === previous)) amo.run(unsubscribeWebhook(previous));
}

// ---- Helpers -----------------------------------------------------------------------------

/** The contract properties of `values` staged over the store (empty ones deleted). */
function stage(props: KeyValueStore, values: Record<string, string>): StagedStore {
  const staged = new StagedStore(props);
  for (const key of SETTINGS_PROPS) {
    if (values[key]) staged.set(key, values[key]);
    else staged.delete(key);
  }
  return staged;
}

function sheetProblems(ports: Ports, values: Record<string, string>): string[] {
  const name = values[PROP.sheetName];
  if (!name || ports.spreadsheet.sheet(name) !== null) return [];
  return [
    `This spreadsheet has no sheet named "${name}" (SHEET_NAME); leave it empty for the first sheet.`,
  ];
}

/** A refusal with every known secret scrubbed, logged for the record. */
function refuse(ports: Ports, error: string, values: Record<string, string>): Refusal {
  const text = scrub(error, secretValues(ports.props.getAll(), values));
  ports.logger.warn(`Settings: ${text}`);
  return { ok: false, error: text };
}

function savedMessage(
  applied: Applied,
  view: SettingsView,
  generated: boolean,
  changed: string[]
): string {
  const parts = [`Saved. Connected to the AmoCRM account "${applied.account.name}".`];
  if (generated) parts.push('A webhook secret was generated.');
  if (!view.webhookUrl) parts.push('Deploy the script as a web app to get the webhook URL.');
  else if (applied.subscribed)
    parts.push('AmoCRM now sends lead and contact changes to the webhook URL.');
  else if (changed.includes(PROP.webhookSecret)) {
    parts.push(
      'Copy the webhook URL into AmoCRM, or tick "Subscribe this URL in AmoCRM" and save.'
    );
  }
  if (!view.values[PROP.pipelineId]) {
    parts.push('Choose the pipeline and starting status for new leads before syncing.');
  }
  return parts.join(' ');
}
