// Apps Script keeps at most 200 versions of a project ("Cannot create more versions: Script
// has reached the limit of 200 versions"), and neither the Apps Script API nor clasp can
// delete one (google/clasp#1015): old versions are deleted by hand in the editor. Every deploy
// of a changed bundle makes a version, so the deploy counts them and warns from 180 on.

export const VERSION_LIMIT = 200;
export const VERSION_WARN_AT = 180;

export const CLEAN_UP =
  'Delete old versions by hand: open the script (npx clasp open-script) → Project history ' +
  '(the clock icon) → select old versions → Bulk delete versions. Versions used by a ' +
  'deployment (our web app) cannot and must not be deleted; see README "Versions".';

/** The versions in `clasp list-versions --json` output (a JSON array), or null if unreadable. */
export function countVersions(output) {
  const start = output.indexOf('[');
  if (start < 0) return /No deployed versions/.test(output) ? 0 : null;
  try {
    const list = JSON.parse(output.slice(start));
    return Array.isArray(list) ? list.length : null;
  } catch {
    return null;
  }
}

/**
 * What the deploy says about the count before it makes one more version: `block` at the cap
 * (the new version would fail), `warn` from VERSION_WARN_AT, else nothing.
 */
export function versionCheck(count) {
  if (count === null) {
    return {
      level: 'warn',
      message: 'Could not count the project versions (clasp list-versions).',
    };
  }
  const left = VERSION_LIMIT - count;
  if (left <= 0) {
    return {
      level: 'block',
      message: `The project has ${count} of ${VERSION_LIMIT} versions: no new version can be made. ${CLEAN_UP}`,
    };
  }
  if (count >= VERSION_WARN_AT) {
    return {
      level: 'warn',
      message: `The project has ${count} of ${VERSION_LIMIT} versions (${left} left). ${CLEAN_UP}`,
    };
  }
  return { level: 'ok', message: `${count} of ${VERSION_LIMIT} versions used.` };
}
