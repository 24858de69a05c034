// `npm start`'s flags: parsed strictly, listed by --help, and each one documented in the README.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, USAGE } from '../../sandbox/story/args';

describe('npm start flags', () => {
  it('reads --serve, --csv FILE (or --csv=FILE) and --help', () => {
    expect(parseArgs([])).toEqual({ serve: false, help: false });
    expect(parseArgs(['--serve', '--csv', 'my.csv'])).toEqual({
      serve: true,
      csv: 'my.csv',
      help: false,
    });
    expect(parseArgs(['--csv=a.csv', '-h'])).toMatchObject({ csv: 'a.csv', help: true });
  });

  it('refuses an unknown flag and a --csv without its file', () => {
    expect(() => parseArgs(['--serv'])).toThrow('unknown flag --serv');
    expect(() => parseArgs(['--csv'])).toThrow('--csv needs a file');
    expect(() => parseArgs(['--csv', '--serve'])).toThrow('--csv needs a file');
  });

  it('lists every flag in --help, and the README documents each of them', () => {
    const flags = USAGE.join('\n').match(/--[a-z]+/g) ?? [];
    expect(new Set(flags)).toEqual(new Set(['--serve', '--csv', '--help']));
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const flag of flags) expect(readme).toContain(`npm start -- ${flag}`);
  });
});
