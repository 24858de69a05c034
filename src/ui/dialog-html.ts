// The Settings… dialog's page, embedded in the bundle as text. The only module that imports the
// .html file: jest cannot load it, so the settings logic (settings.ts) stays importable in unit
// tests, and the browser tests read settings-dialog.html from disk instead.
import html from './settings-dialog.html';

/** The dialog's full HTML, for HtmlService.createHtmlOutput. */
export function dialogHtml(): string {
  return html;
}
