// The integration's settings: the contract's Script Properties, read and checked in one place,
// plus the keys of the script's own state. Errors name the property a person has to fix.

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

export function readSettings(props: Record<string, string>): SettingsResult {
  const baseUrl = (props[PROP.baseUrl] ?? '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/i.test(baseUrl)) {
    return fail(`${PROP.baseUrl} must be the account's address, e.g. https://example.amocrm.ru`);
  }
  const pipelineId = positiveInt(props[PROP.pipelineId]);
  if (pipelineId === null) return fail(`${PROP.pipelineId} must be the number of a pipeline`);
  const statusId = positiveInt(props[PROP.statusId]);
  if (statusId === null) return fail(`${PROP.statusId} must be the number of a status`);
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
  return { ok: false, error: `Settings: ${error}` };
}
