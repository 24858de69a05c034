// The Settings… form as the server reads it: which contract properties it shows, how its
// values merge over the stored ones (an empty secret field keeps the stored secret; a ticked
// `clear_<KEY>` box removes it), and the format checks made before anything reaches AmoCRM.
// Problems are sentences in the person's language, each tied to the field it concerns, so the
// dialog shows it on that field; a sentence never names a Script Property.
import { isSupportedCountry } from 'libphonenumber-js/min';
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { PROP, SECRET_PROPS, normalizeBaseUrl, positiveInt } from '../sync/config';
import { badPipelineParts, parsePipelineIds } from '../sync/new-leads/choice';

/** A problem of one field (its form key, e.g. AMO_BASE_URL), or of the form as a whole (''). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The contract properties the dialog shows in clear. */
export const PLAIN_PROPS: readonly string[] = [
  PROP.baseUrl,
  PROP.clientId,
  PROP.redirectUri,
  PROP.pipelineId,
  PROP.statusId,
  PROP.sheetName,
  PROP.region,
  PROP.importNewLeads,
  PROP.importPipelines,
];

/** Every contract property the dialog manages. */
export const SETTINGS_PROPS: readonly string[] = [...PLAIN_PROPS, ...SECRET_PROPS];

/** `clear_AMO_AUTH_CODE: 'true'` removes the stored secret (for WEBHOOK_SECRET: makes a new one). */
export const CLEAR_PREFIX = 'clear_';
/** `subscribeWebhook: 'true'` subscribes the webhook URL in AmoCRM on save. */
export const SUBSCRIBE_FIELD = 'subscribeWebhook';
/**
 * `authMode: 'oauth'`: the person chose OAuth in the dialog, so a stored long-lived token (which
 * would otherwise win) is left out; `'token'` or absent: the values as they are.
 */
export const AUTH_MODE_FIELD = 'authMode';

/** The contract properties as the form leaves them (form over stored); empty ones left out. */
export function mergeForm(
  stored: Record<string, string>,
  form: Record<string, string>
): Record<string, string> {
  const merged: Record<string, string> = {};
  const oauth = form[AUTH_MODE_FIELD] === 'oauth';
  for (const key of SETTINGS_PROPS) {
    if (oauth && key === PROP.longLivedToken) continue;
    const value = normalize(key, mergedValue(key, stored[key] ?? '', form));
    if (value) merged[key] = value;
  }
  return merged;
}

function mergedValue(key: string, stored: string, form: Record<string, string>): string {
  const given = typeof form[key] === 'string' ? form[key].trim() : undefined;
  if (!SECRET_PROPS.includes(key)) return given ?? stored;
  if (given) return given;
  return form[CLEAR_PREFIX + key] === 'true' ? '' : stored;
}

function normalize(key: string, value: string): string {
  // As people type it (mycompany.amocrm.ru, a pasted page URL): the account's origin.
  if (key === PROP.baseUrl) return normalizeBaseUrl(value) ?? value;
  if (key === PROP.region) return value.toUpperCase();
  // A ticked box is `true`; an unticked one leaves the property out (the default, off).
  if (key === PROP.importNewLeads) return value.toLowerCase() === 'true' ? 'true' : '';
  if (key === PROP.importPipelines && badPipelineParts(value).length === 0) {
    return parsePipelineIds(value).join(',');
  }
  return value;
}

/** Every format problem of the merged values; [] when all is well. */
export function formatProblems(values: Record<string, string>, lang: Lang = 'en'): FieldProblem[] {
  return [
    baseUrlProblem(values, lang),
    redirectProblem(values, lang),
    ...pipelineProblems(values, lang),
    regionProblem(values, lang),
    importPipelinesProblem(values, lang),
    credentialsProblem(values, lang),
  ].filter((p): p is FieldProblem => p !== null);
}

/** The one check a connection needs: an address a host can be read from. */
export function baseUrlProblem(
  values: Record<string, string>,
  lang: Lang = 'en'
): FieldProblem | null {
  const url = values[PROP.baseUrl] ?? '';
  if (normalizeBaseUrl(url) !== null) return null;
  return { field: PROP.baseUrl, message: messages(lang).settings.baseUrlBad(url) };
}

function redirectProblem(values: Record<string, string>, lang: Lang): FieldProblem | null {
  const uri = values[PROP.redirectUri];
  if (!uri || isHttpUrl(uri)) return null;
  return { field: PROP.redirectUri, message: messages(lang).settings.redirectBad };
}

function pipelineProblems(values: Record<string, string>, lang: Lang): FieldProblem[] {
  const text = messages(lang).settings;
  const pipeline = values[PROP.pipelineId];
  const status = values[PROP.statusId];
  const problems: FieldProblem[] = [];
  if (pipeline && positiveInt(pipeline) === null) {
    problems.push({ field: PROP.pipelineId, message: text.pipelineBad(pipeline) });
  }
  if (status && positiveInt(status) === null) {
    problems.push({ field: PROP.statusId, message: text.statusBad(status) });
  }
  if (Boolean(pipeline) !== Boolean(status)) {
    const field = pipeline ? PROP.statusId : PROP.pipelineId;
    problems.push({ field, message: text.pipelineBoth });
  }
  return problems;
}

function regionProblem(values: Record<string, string>, lang: Lang): FieldProblem | null {
  const region = values[PROP.region];
  if (!region) return null;
  if (/^[A-Z]{2}$/.test(region) && isSupportedCountry(region)) return null;
  return { field: PROP.region, message: messages(lang).settings.regionBad(region) };
}

function importPipelinesProblem(values: Record<string, string>, lang: Lang): FieldProblem | null {
  const bad = badPipelineParts(values[PROP.importPipelines] ?? '');
  if (bad.length === 0) return null;
  const message = messages(lang).settings.importPipelinesBad(bad.join(', '));
  return { field: PROP.importPipelines, message };
}

/**
 * A way to sign in: a long-lived token, or OAuth's integration ID, secret key and redirect URI
 * (the authorization code may be spent already: the tokens it bought are stored).
 */
function credentialsProblem(values: Record<string, string>, lang: Lang): FieldProblem | null {
  if (values[PROP.longLivedToken]) return null;
  const text = messages(lang);
  const oauth: Array<[string, keyof typeof text.fields]> = [
    [PROP.clientId, 'clientId'],
    [PROP.clientSecret, 'clientSecret'],
    [PROP.redirectUri, 'redirectUri'],
  ];
  const missing = oauth.filter(([key]) => !values[key]);
  if (missing.length === oauth.length) {
    return { field: PROP.longLivedToken, message: text.settings.credentialsMissing };
  }
  if (missing.length === 0) return null;
  const names = missing.map(([, name]) => text.fields[name]);
  return { field: missing[0][0], message: text.settings.oauthIncomplete(names) };
}

/** http(s)://host[:port][/path], without a query, a fragment or a user. */
function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[a-z0-9][^\s/?#:@]*(:\d{1,5})?(\/[^\s?#]*)?$/i.test(text);
}
