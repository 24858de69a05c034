import { ourImport } from './scenarios';
(async () => {
  const r = await ourImport(Number(process.argv[2] ?? 100000), 20000, { extraColumns: 1 });
  console.log(JSON.stringify({ ...r, dup: r.dup }, null, 1));
})().catch(e => {
  console.error(e);
  process.exit(1);
});
