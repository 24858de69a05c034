// Runs the fake on its own for manual poking (`npx tsx sandbox/amo-fake/cli.ts --port 8080`):
// listens, seeds nothing, prints the URL and a long-lived token for curl. Runs on the main
// thread, which is fine here: nothing in this process blocks in Atomics.wait.

import { defaultConfig } from './core/default-data';
import { createFakeServer } from './server/http-server';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--port');
  const port = at >= 0 ? Number(process.argv[at + 1]) : 0;
  const fake = createFakeServer(defaultConfig());
  const url = await fake.listen(port, '127.0.0.1');
  const token = fake.world.oauth.createLongLived(Date.now(), 86400);
  process.stdout.write(`fake AmoCRM at ${url}\n`);
  process.stdout.write(`curl -H 'Authorization: Bearer ${token}' ${url}/api/v4/account\n`);
  process.stdout.write(`admin: curl ${url}/__fake/state\n`);
}

void main();
