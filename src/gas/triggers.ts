// TriggerPort over ScriptApp (and Session for the user the execution runs as).
import { TriggerInfo, TriggerPort } from '../ports';

/** getAuthorizationInfo(mode, scopes) and getAuthorizedScopes() postdate the typings. */
type AuthorizationInfo = GoogleAppsScript.Script.AuthorizationInfo & {
  getAuthorizedScopes(): string[] | null;
};
type GetAuthorizationInfo = (
  mode: GoogleAppsScript.Script.AuthMode,
  scopes?: string[]
) => AuthorizationInfo;

export class GasTriggers implements TriggerPort {
  list(): TriggerInfo[] {
    return ScriptApp.getProjectTriggers().map(t => ({
      id: t.getUniqueId(),
      handler: t.getHandlerFunction(),
      kind: kindOf(t.getEventType()),
    }));
  }

  createEdit(handler: string): void {
    ScriptApp.newTrigger(handler)
      .forSpreadsheet(SpreadsheetApp.getActiveSpreadsheet())
      .onEdit()
      .create();
  }

  createClock(handler: string, everyMinutes: 1 | 5 | 10 | 15 | 30): void {
    ScriptApp.newTrigger(handler).timeBased().everyMinutes(everyMinutes).create();
  }

  remove(id: string): void {
    const trigger = ScriptApp.getProjectTriggers().find(t => t.getUniqueId() === id);
    if (trigger) ScriptApp.deleteTrigger(trigger);
  }

  /** Inside doGet/doPost the deployment's /exec URL; elsewhere maybe /dev or an old one. */
  webAppUrl(): string | null {
    try {
      return ScriptApp.getService().getUrl() || null;
    } catch {
      return null;
    }
  }

  currentUser(): string {
    try {
      return Session.getEffectiveUser().getEmail() || '';
    } catch {
      return '';
    }
  }

  missingScopes(scopes: string[]): string[] {
    try {
      const info = (ScriptApp.getAuthorizationInfo as unknown as GetAuthorizationInfo)(
        ScriptApp.AuthMode.FULL,
        scopes
      );
      if (info.getAuthorizationStatus() !== ScriptApp.AuthorizationStatus.REQUIRED) return [];
      const granted = info.getAuthorizedScopes() ?? [];
      return scopes.filter(s => !granted.includes(s));
    } catch {
      // The check itself is not available: the services' own errors will say what is missing.
      return [];
    }
  }
}

function kindOf(type: GoogleAppsScript.Script.EventType): TriggerInfo['kind'] {
  if (type === ScriptApp.EventType.ON_EDIT) return 'edit';
  if (type === ScriptApp.EventType.CLOCK) return 'clock';
  return 'other';
}
