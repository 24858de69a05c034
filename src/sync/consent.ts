// Granular consent: people may untick single permissions when they authorize the script
// (developers.google.com/apps-script/concepts/scopes: "handle these permissions using
// requireScopes or getAuthorizationInfo"). A job checks the scopes it needs when it starts
// (ScriptApp.getAuthorizationInfo(FULL, scopes)) and stops with a sentence that names the
// missing permission, instead of failing halfway with an error that looks like a network
// problem.
import type { TriggerPort } from '../ports';

export const SCOPES = {
  external: 'https://www.googleapis.com/auth/script.external_request',
  triggers: 'https://www.googleapis.com/auth/script.scriptapp',
  dialogs: 'https://www.googleapis.com/auth/script.container.ui',
  sheet: 'https://www.googleapis.com/auth/spreadsheets.currentonly',
  email: 'https://www.googleapis.com/auth/userinfo.email',
} as const;

/** The permission as Google's consent screen words it (approximately). */
const LABELS: Record<string, string> = {
  [SCOPES.external]: 'Connect to an external service',
  [SCOPES.triggers]: 'Allow this application to run when you are not present',
  [SCOPES.dialogs]: 'Display and run third-party web content in prompts and sidebars',
  [SCOPES.sheet]: 'View and manage spreadsheets that this application has been installed in',
  [SCOPES.email]: 'See your primary Google Account email address',
};

/** A job stopped because the person did not grant a permission it needs. */
export class ConsentError extends Error {
  constructor(
    message: string,
    readonly missing: string[]
  ) {
    super(message);
    this.name = 'ConsentError';
  }
}

/** Throws a ConsentError naming every missing permission; `what` says what the job does. */
export function requireConsent(triggers: TriggerPort, scopes: string[], what: string): void {
  const missing = triggers.missingScopes?.(scopes) ?? [];
  if (missing.length === 0) return;
  throw new ConsentError(consentMessage(missing, what), missing);
}

export function consentMessage(missing: string[], what: string): string {
  const named = missing.map(s => `"${LABELS[s] ?? s}" (${s})`).join(' and ');
  const verb = missing.length > 1 ? 'were' : 'was';
  return `Permission missing: to ${what} the script needs ${named}, which ${verb} not granted. Run AmoCRM → Sync now and allow every permission it asks for (or remove the script's access at myaccount.google.com/permissions and authorize it again).`;
}
