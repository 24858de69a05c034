// The Settings… form as the server reads it: which contract properties it shows, how its
// values merge over the stored ones (an empty secret field keeps the stored secret; a ticked
// `clear_<KEY>` box removes it), and the format checks made before anything reaches AmoCRM.
// Problems are sentences naming the field, because they are shown to the person as they are.
import { isSupportedCountry } from 'libphonenumber-js/min';
import { PROP, SECRET_PROPS, positiveInt } from '../sync/config';

/** The contract properties the dialog shows in clear. */
export const PLAIN_PROPS: readonly string[] = [
  PROP.baseUrl,
  PROP.clientId,
  PROP.redirectUri,
  PROP.pipelineId,
  PROP.statusId,
  PROP.sheetName,
  PROP.region,
];

/** Every contract property the dialog manages. */
export const SETTINGS_PROPS: readonly string[] = [...PLAIN_PROPS, ...SECRET_PROPS];

/** `clear_AMO_AUTH_CODE: 'true'` removes the stored secret (for WEBHOOK_SECRET: makes a new one). */
export const CLEAR_PREFIX = 'clear_';
/** `subscribeWebhook: 'true'` subscribes the webhook URL in AmoCRM on save. */
export const SUBSCRIBE_FIELD = 'subscribeWebhook';

/** The contract properties as the form leaves them (form over stored); empty ones left out. */
export function mergeForm(
  stored: Record<string, string>,
  form: Record<string, string>
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const key of SETTINGS_PROPS) {
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
  if (key === PROP.baseUrl) return value.replace(/\/+$/, '');
  if (key === PROP.region) return value.toUpperCase();
  return value;
}

/** Every format problem of the merged values, as sentences; [] when all is well. */
export function formatProblems(values: Record<string, string>): string[] {
  return [
    baseUrlProblem(values),
    redirectProblem(values),
    ...pipelineProblems(values),
    regionProblem(values),
  ].filter((p): p is string => p !== null);
}

/** The one check a connection needs: an http(s) base URL with a host. */
export function baseUrlProblem(values: Record<string, string>): string | null {
  const url = values[PROP.baseUrl] ?? '';
  if (isHttpUrl(url)) return null;
  const what = url ? `"${url}" is not one` : 'it is empty';
  return `The AmoCRM address (AMO_BASE_URL) must be an http(s) address with a host, like https://example.amocrm.ru; ${what}.`;
}

function redirectProblem(values: Record<string, string>): string | null {
  const uri = values[PROP.redirectUri];
  if (!uri || isHttpUrl(uri)) return null;
  return 'The redirect URI (AMO_REDIRECT_URI) must be an http(s) address: the one saved in the AmoCRM integration.';
}

function pipelineProblems(values: Record<string, string>): string[] {
  const pipeline = values[PROP.pipelineId];
  const status = values[PROP.statusId];
  const problems: string[] = [];
  if (pipeline && positiveInt(pipeline) === null) {
    problems.push(
      `The pipeline (AMO_PIPELINE_ID) must be a pipeline's number, not "${pipeline}": press Load pipelines and choose one.`
    );
  }
  if (status && positiveInt(status) === null) {
    problems.push(
      `The starting status (AMO_STATUS_ID) must be a status's number, not "${status}": press Load pipelines and choose one.`
    );
  }
  if (Boolean(pipeline) !== Boolean(status)) {
    problems.push(
      'Choose both the pipeline and its starting status (AMO_PIPELINE_ID and AMO_STATUS_ID), or neither.'
    );
  }
  return problems;
}

function regionProblem(values: Record<string, string>): string | null {
  const region = values[PROP.region];
  if (!region) return null;
  if (/^[A-Z]{2}$/.test(region) && isSupportedCountry(region)) return null;
  return `The phone region (DEFAULT_PHONE_REGION) must be a two-letter country code such as RU or KZ, not "${region}".`;
}

/** http(s)://host[:port][/path], without a query, a fragment or a user. */
function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[a-z0-9][^\s/?#:@]*(:\d{1,5})?(\/[^\s?#]*)?$/i.test(text);
}
