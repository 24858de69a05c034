// TriggerPort over ScriptApp.
import { TriggerInfo, TriggerPort } from '../ports';

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

  webAppUrl(): string | null {
    try {
      return ScriptApp.getService().getUrl() || null;
    } catch {
      return null;
    }
  }
}

function kindOf(type: GoogleAppsScript.Script.EventType): TriggerInfo['kind'] {
  if (type === ScriptApp.EventType.ON_EDIT) return 'edit';
  if (type === ScriptApp.EventType.CLOCK) return 'clock';
  return 'other';
}
