// Memory: the 1,000-server datacenter lab deployed at maximum speed (virtual time) with about
// 1,000,000 log lines, through everything a run uses: runner, journal, log file, progress
// store (subscribed, as the screen would be). Peak RSS of a bundled process, as cloudseed
// runs. Target <= 150 MB.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outfile = join(root, 'dist', 'bench', 'deploy-memory.js');
const { build } = (await import(join(root, 'scripts', 'build.mjs'))) as { build(o: { entry: string; outfile: string; minify: boolean }): Promise<void> };
await build({ entry: join(root, 'bench', 'deploy-memory-entry.ts'), outfile, minify: true });
try {
  const r = spawnSync(process.execPath, [outfile], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(outfile, { force: true });
}
