// The deploy's version count (scripts/versions.mjs, run by node as deploy.mjs runs it):
// Apps Script's hard cap of 200 versions, which no API can lower (versions are deleted by
// hand), so the deploy warns from 180 and stops at 200.
import { execFileSync } from 'node:child_process';

/** Calls an export of scripts/versions.mjs in node and returns its JSON result. */
function call(fn: string, arg: unknown): unknown {
  const code =
    `import * as v from './scripts/versions.mjs';` +
    `console.log(JSON.stringify({ out: v.${fn}(${JSON.stringify(arg)}), cleanUp: v.CLEAN_UP }));`;
  const text = execFileSync('node', ['--input-type=module', '-e', code], { encoding: 'utf8' });
  return JSON.parse(text);
}

const listing = (n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ versionNumber: i + 1, description: 'x' })));

describe('deploy version check', () => {
  it('reads clasp list-versions --json, spinner text or not', () => {
    expect(call('countVersions', listing(3))).toMatchObject({ out: 3 });
    expect(call('countVersions', `Fetching versions...\n${listing(181)}`)).toMatchObject({
      out: 181,
    });
    expect(call('countVersions', 'No deployed versions of script.')).toMatchObject({ out: 0 });
    expect(call('countVersions', 'garbage')).toMatchObject({ out: null });
  });

  it.each([
    [0, 'ok'],
    [179, 'ok'],
    [180, 'warn'],
    [199, 'warn'],
    [200, 'block'],
    [null, 'warn'],
  ] as const)('%s versions: %s', (count, level) => {
    const { out, cleanUp } = call('versionCheck', count) as {
      out: { level: string; message: string };
      cleanUp: string;
    };
    expect(out.level).toBe(level);
    if (level !== 'ok' && count !== null) expect(out.message).toContain(cleanUp);
  });
});
