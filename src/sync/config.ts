// The integration's settings: the contract's Script Properties, read and checked in one place,
// plus the keys of the script's own state. Errors name the field a person fills in (as the
// Settings… dialog labels it), in the person's language, never the property behind it.
import { Lang, pickLang } from '../i18n/lang';
import { messages, type SetupStep } from '../i18n/messages';
import type { KeyValueStore, SpreadsheetPort } from '../ports';

export const PROP = {
  baseUrl: 'AMO_BASE_URL',
  clientId: 'AMO_CLIENT_ID',
  clientSecret: 'AMO_CLIENT_SECRET',
  redirectUri: 'AMO_REDIRECT_URI',
  authCode: 'AMO_AUTH_CODE',
  longLivedToken: 'AMO_LONG_LIVED_TOKEN',
  pipelineId: 'AMO_PIPELINE_ID',
  statusId: 'AMO_STATUS_ID',
  webhookSecret: 'WEBHOOK_SECRET',
  sheetName: 'SHEET_NAME',
  region: 'DEFAULT_PHONE_REGION',
  /** Optional: `ru` or `en`; empty = from the spreadsheet's locale. */
  language: 'UI_LANGUAGE',
  /** Optional: `true` makes leads created in AmoCRM new rows (src/sync/new-leads). */
  importNewLeads: 'IMPORT_NEW_LEADS',
  /** Optional: pipeline ids joined by commas; empty = every pipeline. */
  importPipelines: 'IMPORT_PIPELINES',
} as const;

/** Properties whose values are secrets: never shown, logged or sent back to a browser. */
export const SECRET_PROPS: readonly string[] = [
  PROP.clientSecret,
  PROP.authCode,
  PROP.longLivedToken,
  PROP.webhookSecret,
];

/** The script's own state in Script Properties (prefix SYNC_). */
export const STATE = {
  account: 'SYNC_ACCOUNT',
  rowIdField: 'SYNC_ROW_ID_FIELD',
  pullCursor: 'SYNC_PULL_CURSOR',
  contactsCursor: 'SYNC_CONTACTS_CURSOR',
  webhookCheckedAt: 'SYNC_WEBHOOK_CHECKED_AT',
  contactsEstimate: 'SYNC_CONTACTS_ESTIMATE',
  claimPrefix: 'SYNC_CLAIM_',
  pendingLeadsPrefix: 'SYNC_PENDING_LEADS_',
  pullAll: 'SYNC_PULL_ALL',
  dirty: 'SYNC_DIRTY',
  /** Epoch ms of the last Sync now / background run that finished (shown by Settings…). */
  lastSync: 'SYNC_LAST_SYNC_AT',
  /** Work the menu started that the background run finishes: JSON {flow, total, at}. */
  menuWork: 'SYNC_MENU_WORK',
  /** Pipeline and status names as last chosen, so Settings… shows names on reopening. */
  pipelineNames: 'SYNC_PIPELINE_NAMES',
  /** Epoch ms when installTriggers last ran (onOpen cannot list triggers: no authorization). */
  triggersAt: 'SYNC_TRIGGERS_AT',
  /** 'on' / 'off': whether AmoCRM sent to the webhook URL when Settings… last looked. */
  webhookState: 'SYNC_WEBHOOK_STATE',
} as const;

export interface Settings {
  baseUrl: string;
  pipelineId: number;
  statusId: number;
  webhookSecret: string;
  sheetName: string;
  region: string;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; error: string };

export function readSettings(props: Record<string, string>, lang: Lang = 'en'): SettingsResult {
  const baseUrl = normalizeBaseUrl(props[PROP.baseUrl] ?? '');
  const text = messages(lang);
  if (baseUrl === null) return fail(text.settings.baseUrlBad(props[PROP.baseUrl] ?? ''));
  const pipelineId = positiveInt(props[PROP.pipelineId]);
  const statusId = positiveInt(props[PROP.statusId]);
  if (pipelineId === null || statusId === null) return fail(text.settings.choosePipeline);
  return {
    ok: true,
    settings: {
      baseUrl,
      pipelineId,
      statusId,
      webhookSecret: props[PROP.webhookSecret] ?? '',
      sheetName: (props[PROP.sheetName] ?? '').trim(),
      region: (props[PROP.region] ?? '').trim().toUpperCase() || 'RU',
    },
  };
}

export function positiveInt(value: string | undefined): number | null {
  const text = (value ?? '').trim();
  if (!/^\d{1,15}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}

function fail(error: string): SettingsResult {
  return { ok: false, error };
}

/** AmoCRM's and Kommo's own account hosts, whose pages are never part of the API's base. */
const AMO_HOSTS = /(^|\.)(amocrm\.(ru|com)|kommo\.com)(:\d+)?$/;

/**
 * The account's base URL from what a person types or pastes: `mycompany.amocrm.ru`,
 * `https://mycompany.kommo.com/leads/pipeline/1` and `HTTPS://X.amocrm.ru/` become the origin
 * (`https://mycompany.amocrm.ru`): on AmoCRM's own hosts a path is a page of the account, and
 * the client appends /api/v4/… to the origin. Any other http(s) base (a local fake, a proxy)
 * keeps its scheme, port and path, as the contract asks. The query and fragment are dropped.
 * null when no host can be read.
 */
export function normalizeBaseUrl(raw: string): string | null {
  const text = (raw ?? '').trim();
  if (!text || /\s/.test(text)) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  const match = /^(https?):\/\/([^/?#@]+)([^?#]*)/i.exec(withScheme);
  if (!match) return null;
  const host = match[2].toLowerCase();
  const label = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
  const hostOk = new RegExp(`^${label}(\\.${label})*(:\\d{1,5})?$`).test(host);
  const named = host.includes('.') || /^localhost(:\d+)?$/.test(host);
  if (!hostOk || !named) return null;
  const origin = `${match[1].toLowerCase()}://${host}`;
  return AMO_HOSTS.test(host) ? origin : origin + match[3].replace(/\/+$/, '');
}

/** What a first run still lacks, in the order a person fixes it; [] when set up. */
export function missingSetup(props: Record<string, string>): Exclude<SetupStep, 'triggers'>[] {
  const missing: Exclude<SetupStep, 'triggers'>[] = [];
  if (normalizeBaseUrl(props[PROP.baseUrl] ?? '') === null) missing.push('address');
  if (!hasCredentials(props)) missing.push('credentials');
  if (positiveInt(props[PROP.pipelineId]) === null || positiveInt(props[PROP.statusId]) === null) {
    missing.push('pipeline');
  }
  return missing;
}

/** A long-lived token, or OAuth's client id, secret and redirect URI (the code may be spent). */
function hasCredentials(props: Record<string, string>): boolean {
  if (props[PROP.longLivedToken]) return true;
  return Boolean(props[PROP.clientId] && props[PROP.clientSecret] && props[PROP.redirectUri]);
}

/** The language of everything a person reads: UI_LANGUAGE, else the spreadsheet's locale. */
export function uiLanguage(spreadsheet: SpreadsheetPort, props: KeyValueStore): Lang {
  let locale = '';
  try {
    locale = spreadsheet.locale();
  } catch {
    // No spreadsheet in this execution: the override or English.
  }
  return pickLang(locale, props.get(PROP.language));
}
