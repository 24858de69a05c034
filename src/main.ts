// The script's global functions, and nothing else: Apps Script calls these by name from
// triggers, the menu, the web app and google.script.run. The build turns every export of this
// file into a top-level function of dist/Code.js (see esbuild.config.mjs).
export {
  onOpen,
  handleEdit,
  doPost,
  doGet,
  syncNow,
  importExistingRows,
  exportLeads,
  installTriggers,
  runBackgroundWork,
  showSettings,
  showWebhookUrl,
  openSyncLog,
  settingsLoad,
  settingsSave,
  settingsTestConnection,
  settingsLoadPipelines,
  webhookState,
  settingsSaveWebAppUrl,
  settingsAddColumns,
  settingsColumns,
  settingsSaveColumns,
} from './gas/entrypoints';
