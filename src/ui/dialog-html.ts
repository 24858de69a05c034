// The Settings… dialog's page, embedded in the bundle as text. The only module that imports the
// .html file: jest cannot load it, so the settings logic (settings.ts) stays importable in unit
// tests, and the browser tests read settings-dialog.html from disk instead.
import type { Lang } from '../i18n/lang';
import { dialogTexts } from './dialog-texts';
import html from './settings-dialog.html';

/**
 * The dialog's full HTML, for HtmlService.createHtmlOutput, in `lang`: the page is written in
 * English; its `lang` attribute is set and the catalogue's dialog texts are put in as JSON
 * (escaped for a script element), which the page applies to every element with data-t.
 */
export function dialogHtml(lang: Lang = 'en'): string {
  const texts = JSON.stringify(dialogTexts(lang)).replace(/</g, '\\u003c');
  return html
    .replace('<html lang="en">', `<html lang="${lang}">`)
    .replace('<!--TEXTS-->', `<script>window.DIALOG_TEXTS = ${texts};</script>`);
}
