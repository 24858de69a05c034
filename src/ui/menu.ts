// The AmoCRM menu, built for where the person is in setting up: before the settings are saved
// "Settings…" comes first and says to start there; once saved but without triggers, "Install
// triggers" says it is the next step; afterwards the everyday order. Plain data, so the menu
// is tested without Apps Script.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';

export type MenuItem = { caption: string; fn: string } | 'separator';

export interface MenuState {
  /** Nothing essential is missing from the settings. */
  configured: boolean;
  /** The triggers are (known to be) installed. */
  triggers: boolean;
}

export function menuItems(lang: Lang, state: MenuState): MenuItem[] {
  const m = messages(lang).menu;
  const sync: MenuItem = { caption: m.syncNow, fn: 'syncNow' };
  const importRows: MenuItem = { caption: m.importRows, fn: 'importExistingRows' };
  const exportLeads: MenuItem = { caption: m.exportLeads, fn: 'exportLeads' };
  const webhook: MenuItem = { caption: m.webhookUrl, fn: 'showWebhookUrl' };
  const log: MenuItem = { caption: m.openLog, fn: 'openSyncLog' };
  if (!state.configured) {
    return [
      { caption: m.settingsFirst, fn: 'showSettings' },
      'separator',
      sync,
      importRows,
      exportLeads,
      { caption: m.installTriggers, fn: 'installTriggers' },
      webhook,
      log,
    ];
  }
  const settings: MenuItem = { caption: m.settings, fn: 'showSettings' };
  if (!state.triggers) {
    return [
      { caption: m.installTriggersNext, fn: 'installTriggers' },
      'separator',
      sync,
      importRows,
      exportLeads,
      settings,
      webhook,
      log,
    ];
  }
  return [
    sync,
    importRows,
    exportLeads,
    'separator',
    settings,
    { caption: m.installTriggers, fn: 'installTriggers' },
    webhook,
    log,
  ];
}
