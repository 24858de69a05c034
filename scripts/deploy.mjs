// npm run deploy: push dist/ with clasp, then point the existing web-app deployment at a new
// version so the webhook URL AmoCRM knows never changes. A new version is made only when the
// bundle changed since the last deploy (Apps Script keeps at most 200 versions).
//
// Configuration (environment, never code): DEPLOYMENT_ID — the web app's deployment id
// (clasp list-deployments). The hash of the last deployed bundle is kept in
// .deploy-state.json, which CI restores from its cache, or falls back to "always deploy".
// Before making a version it counts them (clasp list-versions): a warning from 180 of the 200
// Apps Script allows, and a stop at 200 with the clean-up steps (scripts/versions.mjs).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { countVersions, versionCheck } from './versions.mjs';

const STATE_FILE = '.deploy-state.json';
const deploymentId = process.env.DEPLOYMENT_ID;
if (!deploymentId) {
  console.error('DEPLOYMENT_ID is not set: run `npx clasp list-deployments` and export it.');
  process.exit(1);
}

const bundle = readFileSync('dist/Code.js') + readFileSync('dist/appsscript.json');
const hash = createHash('sha256').update(bundle).digest('hex');
const last = existsSync(STATE_FILE) ? JSON.parse(readFileSync(STATE_FILE, 'utf8')).hash : null;

const clasp = args => execFileSync('npx', ['clasp', ...args], { stdio: 'inherit' });
clasp(['push', '--force']);
if (last === hash) {
  console.log('The bundle is unchanged since the last deployment: no new version.');
} else {
  const listed = execFileSync('npx', ['clasp', 'list-versions', '--json'], { encoding: 'utf8' });
  const check = versionCheck(countVersions(listed));
  if (check.level === 'block') {
    console.error(check.message);
    process.exit(1);
  }
  (check.level === 'warn' ? console.warn : console.log)(check.message);
  clasp(['create-deployment', '-i', deploymentId, '-d', `bundle ${hash.slice(0, 12)}`]);
  writeFileSync(STATE_FILE, JSON.stringify({ hash, deployedAt: new Date().toISOString() }));
}
