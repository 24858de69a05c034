// `npm start -- --serve`: each printed curl command does what its caption says, the sheet is
// shown again after each request the web app answers, every line fits 120 columns, and
// SIGINT (Ctrl-C) or SIGTERM stops it all with exit code 0.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MAIN_PIPELINE } from '../../sandbox/amo-fake';
import { playStory, type StoryOutcome } from '../../sandbox/story';
import { serve, type Serving } from '../../sandbox/story/serve';

const ROOT = join(__dirname, '..', '..');
const hasCurl = spawnSync('curl', ['--version']).status === 0;
const withCurl = hasCurl ? it : it.skip;

describe('npm start -- --serve', () => {
  let outcome: StoryOutcome;
  let serving: Serving;
  const lines: string[] = [];
  const row = () => outcome.movedRow + 2;

  beforeAll(async () => {
    outcome = await playStory({ keep: true, print: () => undefined });
    serving = await serve(outcome, line => lines.push(line));
  });

  afterAll(async () => {
    await serving?.stop();
  });

  /** Command `n` as printed under its caption "n. …", run by bash. */
  async function run(n: number): Promise<string> {
    const caption = lines.findIndex(l => l.startsWith(`${n}. `));
    const start = lines.findIndex((l, i) => i > caption && l.startsWith('  curl '));
    let end = start;
    while (lines[end].endsWith('\\')) end++;
    const command = lines.slice(start, end + 1).join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', command]);
    return stdout;
  }

  /** What is printed after the next request the web app answers (it is polled). */
  async function nextReport(from: number): Promise<string> {
    for (let waited = 0; waited < 3000; waited += 50) {
      const done = lines.slice(from).some(l => /^ {2}\((\* = changed|no cell changed)/.test(l));
      if (done) return lines.slice(from).join('\n');
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(`nothing was printed after the request:\n${lines.slice(from).join('\n')}`);
  }

  const rowLine = (report: string) => {
    const all = report.split('\n');
    return all[all.findIndex(l => l.startsWith(`  ${row()} │`)) + 1];
  };

  it('fits every line in 120 columns and says Ctrl-C stops it', () => {
    expect(lines.filter(l => [...l].length > 120)).toEqual([]);
    expect(lines.join('\n')).toContain('Ctrl-C stops');
  });

  withCurl(
    '1: the lost webhook, posted by hand, updates the row; again, it changes nothing',
    async () => {
      const lost = MAIN_PIPELINE.statuses[3].name;
      expect(lines.map(l => l.trim()).join(' ')).toContain(
        `row ${row()} still shows "${outcome.statusName}"`
      );
      let from = lines.length;
      expect(JSON.parse(await run(1))).toMatchObject({ ok: true, queued: true });
      let report = await nextReport(from);
      expect(report).toContain('━━ POST /exec · doPost ran ━━');
      expect(rowLine(report)).toContain(` · ${lost}* · `);
      from = lines.length;
      expect(JSON.parse(await run(1))).toMatchObject({ ok: true });
      report = await nextReport(from);
      expect(report).toContain('(no cell changed)');
    }
  );

  withCurl("2: the manager's move reaches the row through the fake's own webhook", async () => {
    const next = MAIN_PIPELINE.statuses[4].name;
    const from = lines.length;
    const answer = JSON.parse(await run(2)) as { deliveries: Array<{ ok: boolean }> };
    expect(answer.deliveries.map(d => d.ok)).toEqual([true]);
    expect(rowLine(await nextReport(from))).toContain(` · ${next}* · `);
  });

  withCurl('3: the AmoCRM API shows the lead, with the token from the header file', async () => {
    const lead = JSON.parse(await run(3)) as { id: number; status_id: number };
    expect(lead).toMatchObject({
      id: outcome.movedLeadId,
      status_id: MAIN_PIPELINE.statuses[4].id,
    });
  });

  withCurl('4: doGet answers', async () => {
    const from = lines.length;
    expect(JSON.parse(await run(4))).toMatchObject({ status: 'healthy' });
    expect(await nextReport(from)).toContain('━━ GET /exec · doGet ran ━━');
  });
});

describe.each(['SIGINT', 'SIGTERM'] as const)('npm start -- --serve, then %s', signal => {
  it('stops the web app, the runtime and the fake, and exits 0', async () => {
    const cli = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const child = spawn(process.execPath, [cli, 'sandbox/story.ts', '--serve'], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    for (let waited = 0; !output.includes('The web app answers GET'); waited += 100) {
      if (waited > 60000) throw new Error(`--serve did not start:\n${output}`);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(output).toContain(`${signal}: stopping the web app, the runtime and the AmoCRM fake…`);
    expect(output).toContain('Stopped.');
  });
});
