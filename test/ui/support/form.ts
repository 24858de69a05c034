// The form the dialog sends with google.script.run: every field present, secrets '' when left
// empty, the clear boxes and the subscribe box as 'true' / 'false'.
import { SECRET_PROPS } from '../../../src/sync/config';

const FIELDS = [
  'AMO_BASE_URL',
  'AMO_CLIENT_ID',
  'AMO_REDIRECT_URI',
  'AMO_PIPELINE_ID',
  'AMO_STATUS_ID',
  'SHEET_NAME',
  'DEFAULT_PHONE_REGION',
  'IMPORT_NEW_LEADS',
  'IMPORT_PIPELINES',
  ...SECRET_PROPS,
];

export function dialogForm(values: Record<string, string> = {}): Record<string, string> {
  const form: Record<string, string> = { subscribeWebhook: 'false' };
  for (const key of FIELDS) form[key] = '';
  for (const key of SECRET_PROPS) form[`clear_${key}`] = 'false';
  return { ...form, ...values };
}
