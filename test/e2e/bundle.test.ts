// The built bundle as Apps Script sees it: one file evaluated in a bare global scope, with the
// contract's functions as real top-level functions, and a manifest with the web-app section.
import { readFileSync, readdirSync } from 'node:fs';
import vm from 'node:vm';
import { parse } from 'yaml';
import { execFileSync } from 'node:child_process';

const CONTRACT_FUNCTIONS = [
  'onOpen',
  'handleEdit',
  'doPost',
  'doGet',
  'syncNow',
  'importExistingRows',
  'exportLeads',
  'installTriggers',
];

describe('dist/', () => {
  it('holds only Code.js and appsscript.json: no source maps, no test code', () => {
    expect(readdirSync('dist').sort()).toEqual(['Code.js', 'appsscript.json']);
    const code = readFileSync('dist/Code.js', 'utf8');
    expect(code).not.toMatch(/sourceMappingURL|LocalRuntime|startFakeAmo|describe\(/);
  });

  it('defines every contract function at top level in a bare context with nothing else', () => {
    const context = vm.createContext({});
    vm.runInContext(readFileSync('dist/Code.js', 'utf8'), context, { filename: 'Code.js' });
    for (const name of CONTRACT_FUNCTIONS) {
      const declared = vm.runInContext(`typeof ${name} === 'function' && ${name}.name`, context);
      expect(declared).toBe(name);
    }
    expect(vm.runInContext('typeof require + typeof module + typeof process', context)).toBe(
      'undefinedundefinedundefined'
    );
  });

  it('has a manifest with V8, explicit scopes and the web-app section of the contract', () => {
    const manifest = JSON.parse(readFileSync('dist/appsscript.json', 'utf8'));
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.oauthScopes).toEqual(
      expect.arrayContaining([
        'https://www.googleapis.com/auth/script.external_request',
        'https://www.googleapis.com/auth/spreadsheets.currentonly',
      ])
    );
    expect(manifest.webapp).toEqual({ access: 'ANYONE_ANONYMOUS', executeAs: 'USER_DEPLOYING' });
    expect(manifest.exceptionLogging).toBe('STACKDRIVER');
  });
});

describe('deploy path', () => {
  it('clasp would push exactly the files of dist/', () => {
    const out = execFileSync('npx', ['clasp', 'show-file-status', '--json'], {
      env: { ...process.env, HOME: '/tmp/clasp-empty-home' },
      encoding: 'utf8',
    });
    const status = JSON.parse(out.slice(out.indexOf('{')));
    expect(status.filesToPush.sort()).toEqual(['dist/Code.js', 'dist/appsscript.json']);
  });

  it('the CI workflow installs, tests and deploys through the npm scripts', () => {
    const workflow = parse(readFileSync('.github/workflows/deploy.yml', 'utf8'));
    const runs: string[] = workflow.jobs.deploy.steps.map((s: { run?: string }) => s.run ?? '');
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run deploy']));
    expect(runs.join('\n')).toContain('~/.clasprc.json');
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts;
    expect(scripts.deploy).toContain('build');
    expect(readFileSync('scripts/deploy.mjs', 'utf8')).toContain("'push', '--force'");
  });
});
