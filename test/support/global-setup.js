// Builds dist/ once before the test run, so end-to-end tests always load the current bundle.
const { execFileSync } = require('node:child_process');

module.exports = async () => {
  execFileSync(process.execPath, ['esbuild.config.mjs'], { stdio: 'inherit' });
};
