// `npm start`'s flags (after `--`): parsed strictly, so a mistyped flag is said, not ignored.

export const USAGE = [
  'Usage: npm start [-- FLAGS]',
  '',
  'Plays the sync on the local sandbox (an AmoCRM API v4 fake and a local Apps Script runtime',
  'running dist/Code.js; no Google or AmoCRM account): install, import, a person edits a row, a',
  'manager moves the deal (a real webhook), Sync now. After each step: the sheet and the counts.',
  '',
  '  --serve      then keep the AmoCRM fake and the web app running and print curl commands to',
  '               try; the sheet is shown again after each request; Ctrl-C stops',
  '  --csv FILE   play it on FILE instead of sandbox/sample-sheet.csv (row 1: headers, named as',
  '               in the sample, or their Russian aliases; see the README)',
  '  --help, -h   this text',
];

export interface StoryArgs {
  serve: boolean;
  csv?: string;
  help: boolean;
}

/** The flags; throws, naming the flag, on one it does not know or a missing value. */
export function parseArgs(argv: string[]): StoryArgs {
  const args: StoryArgs = { serve: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--serve') args.serve = true;
    else if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--csv') {
      const file = argv[++i];
      if (file === undefined || file.startsWith('--')) throw new Error('--csv needs a file');
      args.csv = file;
    } else if (flag.startsWith('--csv=')) args.csv = flag.slice('--csv='.length);
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}
