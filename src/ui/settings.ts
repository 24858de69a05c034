// The Settings… dialog's server side: what the dialog shows (never a secret; the state of the
// webhook, the triggers and the last sync; the names of the chosen pipeline and status), Test
// connection, Load pipelines, Save and Add columns. Save checks the formats, then talks to
// AmoCRM with the form's values (remembers the account, checks the pipeline and status, makes
// the row-id lead field, and optionally subscribes the webhook) with every write held back in
// a StagedStore, and only when all of it worked writes the properties in one go, then installs
// the triggers. Every answer is plain JSON for google.script.run, in the person's language;
// every refusal names the fields it concerns, with the secrets scrubbed out.
import {
  PIPELINES_CACHE_KEY,
  getAccount,
  listPipelines,
  listWebhooks,
  subscribeWebhook,
  unsubscribeWebhook,
} from '../amo';
import type { AmoRunner, Pipeline, Status } from '../amo';
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import type { KeyValueStore, SheetPort, TriggerPort } from '../ports';
import { COLUMN_KEYS, ColumnKey, mapHeaders } from '../sheet/headers';
import { learnAccount, storedAccount, type AccountIdentity } from '../sync/account';
import { rowIdFieldId } from '../sync/amo-reads';
import { PROP, SECRET_PROPS, STATE, positiveInt, uiLanguage } from '../sync/config';
import type { Ports } from '../sync/context';
import { WEBHOOK_EVENTS, webhookUrl } from '../sync/reconcile';
import { webAppBaseUrl } from '../sync/webhook-url';
import { shownTime } from '../sync/shown-time';
import { hookState } from '../sync/hook-state';
import { BACKGROUND_HANDLER, EDIT_HANDLER, ensureTriggers } from '../sync/triggers';
import {
  SettingsProblem,
  describeFailure,
  dialogClient,
  keepSpentAuthCode,
  scrub,
  secretValues,
} from './amo-session';
import {
  FieldProblem,
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
  /** The language the dialog speaks. */
  lang: Lang;
  /** The script is deployed as a web app (so saving gives a webhook URL). */
  deployed: boolean;
  /** Which way of signing in the dialog opens with. */
  auth: 'token' | 'oauth';
  /** The chosen pipeline's and status's names, so the lists show names before Load pipelines. */
  pipelineNames: { pipeline: string; status: string } | null;
  /** The webhook, the triggers and the last sync, one line each, for the top of the dialog. */
  state: { webhook: WebhookState; triggers: boolean; lines: string[] };
  /** Headers of the columns the synced sheet lacks (in the sheet's language); [] when none. */
  missingColumns: string[];
}

export type WebhookState =
  | 'on'
  | 'off'
  | 'unknown'
  | 'no-url'
  | 'on-save'
  /** AmoCRM switched the subscription off (too many failed deliveries). */
  | 'disabled'
  /** The token's user is no administrator: webhooks cannot be managed. */
  | 'admin';

/** What the background run last found in AmoCRM (sync/hook-state), else what Save did. */
function seenHook(ports: Ports, all: Record<string, string>): WebhookState {
  const hook = hookState(ports.props);
  if (hook.adminNeeded) return 'admin';
  if (hook.disabled) return 'disabled';
  if (hook.subscribed !== null) return hook.subscribed ? 'on' : 'off';
  const saved = all[STATE.webhookState];
  return saved === 'on' || saved === 'off' ? saved : 'unknown';
}

export interface PipelineChoice {
  id: number;
  name: string;
  statuses: Array<{ id: number; name: string }>;
}

/** A refusal: one text for the status line, and a message per field to mark (by form key). */
type Refusal = { ok: false; error: string; fields: Record<string, string> };
export type ConnectionAnswer = { ok: true; account: string; message: string } | Refusal;
export type PipelinesAnswer = { ok: true; pipelines: PipelineChoice[] } | Refusal;
export type SaveAnswer = { ok: true; view: SettingsView; message: string } | Refusal;
export type ColumnsAnswer = { ok: true; view: SettingsView; message: string } | Refusal;

/** The settings as the dialog shows them. */
export function loadSettings(ports: Ports): SettingsView {
  return viewOf(ports, langOf(ports));
}

/** Asks AmoCRM for /api/v4/account with the form's values; nothing is saved. */
export function testConnection(ports: Ports, form: Record<string, string>): ConnectionAnswer {
  const lang = langOf(ports);
  const outcome = withAmo(ports, lang, mergeForm(ports.props.getAll(), form), amo => {
    return amo.run(getAccount()).name;
  });
  if (!outcome.ok) return outcome;
  const message = messages(lang).settings.connected(outcome.value);
  return { ok: true, account: outcome.value, message };
}

/** The account's pipelines and the statuses a new lead may start in; nothing is saved. */
export function loadPipelines(ports: Ports, form: Record<string, string>): PipelinesAnswer {
  const outcome = withAmo(ports, langOf(ports), mergeForm(ports.props.getAll(), form), amo => {
    return amo
      .run(listPipelines())
      .filter(p => !p.is_archive)
      .map(choiceOf);
  });
  return outcome.ok ? { ok: true, pipelines: outcome.value } : outcome;
}

/**
 * Checks everything, then writes the properties and installs the triggers; on any failure
 * nothing is saved.
 */
export function saveSettings(ports: Ports, form: Record<string, string>): SaveAnswer {
  const lang = langOf(ports);
  const values = mergeForm(ports.props.getAll(), form);
  const problems = [...formatProblems(values, lang), ...sheetProblems(ports, values, lang)];
  if (problems.length > 0) return refuse(ports, lang, problems, values);
  const generated = !values[PROP.webhookSecret];
  if (generated) values[PROP.webhookSecret] = ports.uuid().replace(/-/g, '');
  const staged = stage(ports.props, values);
  const subscribe = form[SUBSCRIBE_FIELD] === 'true';
  const outcome = withAmo(ports, lang, values, amo => applyToAmo(amo, ports, staged, subscribe));
  if (!outcome.ok) return outcome;
  const changed = staged.changedKeys().filter(key => !key.startsWith('SYNC_'));
  // Saved settings without triggers sync nothing by themselves: they are installed right
  // after the properties are written (the time goes in with them: one write).
  staged.set(STATE.triggersAt, String(ports.clock.now()));
  staged.commit();
  ensureTriggers(ports.triggers);
  if (outcome.value.accountChanged) ports.cache.remove(PIPELINES_CACHE_KEY);
  ports.logger.info(`Settings saved; changed: ${changed.join(', ') || 'nothing'}`);
  const view = viewOf(ports, lang);
  const sheetName = ports.spreadsheet.sheet(view.values[PROP.sheetName])?.name ?? '';
  const message = savedMessage(lang, outcome.value, view, generated, changed, sheetName);
  return { ok: true, view, message };
}

/** Adds the columns the synced sheet lacks at the right of row 1, headed in the sheet's language. */
export function addColumns(ports: Ports): ColumnsAnswer {
  const lang = langOf(ports);
  const sheet = ports.spreadsheet.sheet(ports.props.get(PROP.sheetName) ?? '');
  const text = messages(lang);
  if (!sheet) {
    const name = ports.props.get(PROP.sheetName) ?? '';
    return refuse(
      ports,
      lang,
      [{ field: PROP.sheetName, message: text.settings.sheetMissing(name) }],
      {}
    );
  }
  const missing = missingColumnKeys(sheet);
  if (missing.length > 0) {
    const headers = missing.map(key => text.columns.headers[key]);
    const row = headerRow(sheet);
    const used = row.length - [...row].reverse().findIndex(cell => String(cell).trim() !== '');
    const at = row.every(cell => String(cell).trim() === '') ? 1 : used + 1;
    sheet.write(1, at, [headers]);
    sheet.flush();
    ports.logger.info(`Settings: added columns ${missing.join(', ')}`);
  }
  const view = viewOf(ports, lang);
  const added = missing.map(key => text.columns.headers[key]);
  const message = added.length > 0 ? text.settings.columnsAdded(added) : text.settings.nextImport;
  return { ok: true, view, message };
}

// ---- The view ----------------------------------------------------------------------------

function viewOf(ports: Ports, lang: Lang): SettingsView {
  const all = ports.props.getAll();
  const url = webhookUrl({ triggers: ports.triggers, props: ports.props });
  // Outside doGet/doPost getUrl() may be the /dev URL: only a learned or pasted /exec URL counts.
  const deployed = webAppBaseUrl(ports.props) !== null;
  const webhook: WebhookState = !deployed ? 'no-url' : !url ? 'on-save' : seenHook(ports, all);
  const triggers = triggersInstalled(ports.triggers);
  return {
    values: Object.fromEntries(PLAIN_PROPS.map(key => [key, all[key] ?? ''])),
    secretsSet: Object.fromEntries(SECRET_PROPS.map(key => [key, Boolean(all[key])])),
    webhookUrl: url,
    lang,
    deployed,
    auth: !all[PROP.longLivedToken] && all[PROP.clientId] ? 'oauth' : 'token',
    pipelineNames: pipelineNames(all),
    state: { webhook, triggers, lines: stateLines(ports, lang, webhook, triggers) },
    missingColumns: missingColumnHeaders(ports, lang),
  };
}

function stateLines(ports: Ports, lang: Lang, webhook: WebhookState, triggers: boolean): string[] {
  const text = messages(lang).state;
  const hook = {
    on: text.hookOn,
    off: text.hookOff,
    unknown: text.hookUnknown,
    'no-url': text.hookNoUrl,
    'on-save': text.hookOnSave,
    disabled: text.hookDisabled(hookState(ports.props).pullEveryMinutes),
    admin: text.hookAdminNeeded(hookState(ports.props).pullEveryMinutes),
  }[webhook];
  const last = Number(ports.props.get(STATE.lastSync) ?? '');
  const when = last > 0 ? text.lastSync(shownTime(ports, lang, last)) : text.neverSynced;
  return [hook, triggers ? text.triggersOn : text.triggersOff, when];
}

function triggersInstalled(triggers: TriggerPort): boolean {
  try {
    const list = triggers.list();
    return (
      list.some(t => t.handler === EDIT_HANDLER && t.kind === 'edit') &&
      list.some(t => t.handler === BACKGROUND_HANDLER && t.kind === 'clock')
    );
  } catch {
    return false;
  }
}

function pipelineNames(all: Record<string, string>): SettingsView['pipelineNames'] {
  try {
    const saved = JSON.parse(all[STATE.pipelineNames] ?? 'null') as {
      pipelineId: string;
      statusId: string;
      pipeline: string;
      status: string;
    } | null;
    if (!saved) return null;
    if (saved.pipelineId !== all[PROP.pipelineId] || saved.statusId !== all[PROP.statusId])
      return null;
    return { pipeline: saved.pipeline, status: saved.status };
  } catch {
    return null;
  }
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

// ---- The sheet's columns ------------------------------------------------------------------

function headerRow(sheet: SheetPort): unknown[] {
  const width = sheet.lastColumn();
  return width > 0 ? (sheet.read(1, 1, 1, width)[0] ?? []) : [];
}

/**
 * The columns to offer: every one on an empty sheet; otherwise the columns the script writes
 * that are missing, plus name, phone and email when the sheet has none of them.
 */
function missingColumnKeys(sheet: SheetPort): ColumnKey[] {
  const row = headerRow(sheet);
  if (row.every(cell => String(cell ?? '').trim() === '')) return [...COLUMN_KEYS];
  const map = mapHeaders(row);
  const person: ColumnKey[] = ['name', 'phone', 'email'];
  const hasPerson = person.some(key => map[key] !== undefined);
  return COLUMN_KEYS.filter(key => {
    if (map[key] !== undefined) return false;
    if (key === 'budget') return false;
    return hasPerson ? !person.includes(key) : true;
  });
}

function missingColumnHeaders(ports: Ports, lang: Lang): string[] {
  try {
    const sheet = ports.spreadsheet.sheet(ports.props.get(PROP.sheetName) ?? '');
    if (!sheet) return [];
    return missingColumnKeys(sheet).map(key => messages(lang).columns.headers[key]);
  } catch {
    return [];
  }
}

// ---- AmoCRM ------------------------------------------------------------------------------

type Outcome<T> = { ok: true; value: T } | Refusal;

/** Runs `work` with a client for `values`; any failure becomes a refusal sentence. */
function withAmo<T>(
  ports: Ports,
  lang: Lang,
  values: Record<string, string>,
  work: (amo: AmoRunner) => T
): Outcome<T> {
  const problem = baseUrlProblem(values, lang);
  if (problem) return refuse(ports, lang, [problem], values);
  try {
    return { ok: true, value: work(dialogClient(ports, values)) };
  } catch (e) {
    const failure = describeFailure(e, values, lang);
    ports.logger.warn(`Settings: AmoCRM: ${e instanceof Error ? e.message : String(e)}`);
    return refuse(ports, lang, [failure], values);
  } finally {
    keepSpentAuthCode(ports, values);
  }
}

interface Applied {
  account: AccountIdentity & { name: string };
  accountChanged: boolean;
  subscribed: boolean;
  webhook: WebhookState;
}

function applyToAmo(
  amo: AmoRunner,
  ports: Ports,
  staged: StagedStore,
  subscribe: boolean
): Applied {
  const lang = langOf(ports);
  const previous = storedAccount(ports.props);
  const account = learnAccount(amo, staged);
  const accountChanged = previous !== null && previous.subdomain !== account.subdomain;
  // A field id of another account means nothing here: find or make the field again.
  if (accountChanged) staged.delete(STATE.rowIdField);
  checkPipeline(amo, staged, lang);
  rowIdFieldId(amo, staged);
  const webhook = subscribe
    ? subscribeUrl(amo, ports, staged, lang)
    : webhookState(amo, ports, staged);
  if (webhook === 'on' || webhook === 'off') staged.set(STATE.webhookState, webhook);
  return { account, accountChanged, subscribed: subscribe, webhook };
}

/** Checks the chosen pipeline and status, and keeps their names for the next opening. */
function checkPipeline(amo: AmoRunner, props: KeyValueStore, lang: Lang): void {
  const text = messages(lang).settings;
  const pipelineId = positiveInt(props.get(PROP.pipelineId) ?? undefined);
  const statusId = positiveInt(props.get(PROP.statusId) ?? undefined);
  if (pipelineId === null || statusId === null) return;
  const pipeline = amo.run(listPipelines()).find(p => p.id === pipelineId);
  if (!pipeline) throw new SettingsProblem(text.noPipeline(pipelineId), PROP.pipelineId);
  const status = (pipeline._embedded?.statuses ?? []).find(s => s.id === statusId);
  if (!status || !canStartIn(status)) {
    const message = status ? text.statusIncoming(pipeline.name) : text.statusMissing(pipeline.name);
    throw new SettingsProblem(message, PROP.statusId);
  }
  props.set(
    STATE.pipelineNames,
    JSON.stringify({
      pipelineId: String(pipelineId),
      statusId: String(statusId),
      pipeline: pipeline.name,
      status: status.name,
    })
  );
}

/** Subscribes the new URL; a subscription of the previous URL (old secret) is removed. */
function subscribeUrl(amo: AmoRunner, ports: Ports, staged: StagedStore, lang: Lang): WebhookState {
  const url = webhookUrl({ triggers: ports.triggers, props: staged });
  if (!url) throw new SettingsProblem(messages(lang).settings.notDeployed, SUBSCRIBE_FIELD);
  amo.run(subscribeWebhook(url, WEBHOOK_EVENTS));
  const previous = webhookUrl({ triggers: ports.triggers, props: ports.props });
  if (!previous || previous === url) return 'on';
  const hooks = amo.run(listWebhooks({ destination: previous }));
  if (hooks.some(h => h.destination === previous)) amo.run(unsubscribeWebhook(previous));
  return 'on';
}

/** Whether AmoCRM sends to the URL this save leaves (one listing, filtered by destination). */
function webhookState(amo: AmoRunner, ports: Ports, staged: StagedStore): WebhookState {
  const url = webhookUrl({ triggers: ports.triggers, props: staged });
  if (!url) return 'no-url';
  const hooks = amo.run(listWebhooks({ destination: url }));
  return hooks.some(h => h.destination === url && !h.disabled) ? 'on' : 'off';
}

// ---- Helpers -----------------------------------------------------------------------------

function langOf(ports: Ports): Lang {
  return uiLanguage(ports.spreadsheet, ports.props);
}

/** The contract properties of `values` staged over the store (empty ones deleted). */
function stage(props: KeyValueStore, values: Record<string, string>): StagedStore {
  const staged = new StagedStore(props);
  for (const key of SETTINGS_PROPS) {
    if (values[key]) staged.set(key, values[key]);
    else staged.delete(key);
  }
  return staged;
}

function sheetProblems(ports: Ports, values: Record<string, string>, lang: Lang): FieldProblem[] {
  const name = values[PROP.sheetName];
  if (!name || ports.spreadsheet.sheet(name) !== null) return [];
  return [{ field: PROP.sheetName, message: messages(lang).settings.sheetMissing(name) }];
}

/**
 * A refusal with every known secret scrubbed, logged for the record. One problem is said as it
 * is; several are each said on their field, and the status line says how many to fix.
 */
function refuse(
  ports: Ports,
  lang: Lang,
  problems: FieldProblem[],
  values: Record<string, string>
): Refusal {
  const secrets = secretValues(ports.props.getAll(), values);
  const fields: Record<string, string> = {};
  for (const p of problems) {
    if (p.field && !fields[p.field]) fields[p.field] = scrub(p.message, secrets);
  }
  const marked = Object.keys(fields).length;
  const loose = problems.filter(p => !p.field).map(p => scrub(p.message, secrets));
  const onFields =
    marked === 0
      ? []
      : marked === 1
        ? [Object.values(fields)[0]]
        : [messages(lang).settings.fixFields(marked)];
  const error = [...loose, ...onFields].join('\n');
  const record = problems.map(p => scrub(p.message, secrets)).join(' | ');
  ports.logger.warn(`Settings: ${record}`);
  return { ok: false, error, fields };
}

function savedMessage(
  lang: Lang,
  applied: Applied,
  view: SettingsView,
  generated: boolean,
  changed: string[],
  sheetName: string
): string {
  const text = messages(lang);
  const parts = [text.settings.saved(applied.account.name)];
  if (generated) parts.push(text.settings.secretGenerated);
  if (!view.webhookUrl) parts.push(text.settings.deployForUrl);
  else if (applied.subscribed) parts.push(text.settings.subscribed);
  else if (changed.includes(PROP.webhookSecret) || applied.webhook === 'off') {
    parts.push(text.settings.copyUrl);
  }
  if (!view.values[PROP.pipelineId]) parts.push(text.settings.choosePipeline);
  parts.push(text.settings.triggersInstalled);
  if (view.missingColumns.length > 0) {
    parts.push(text.columns.offer(view.missingColumns, sheetName));
  } else {
    parts.push(text.settings.nextImport);
  }
  return parts.join(' ');
}
