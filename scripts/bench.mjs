#!/usr/bin/env node
// `npm run bench [NAME...]`: runs every bench/*.bench.mjs (plain Node) and bench/*.bench.ts
// (through tsx) in turn, or those whose name contains one of NAME. Each prints its figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.mjs';

const dir = join(ROOT, 'bench');
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => !filters.length || filters.some((n) => f.includes(n)))
  .sort();
if (!files.length) {
  console.error(`bench: nothing to run in bench/${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(2);
}

const failed = [];
for (const file of files) {
  console.log(`\n== ${file}`);
  const args = file.endsWith('.ts') ? ['--import', 'tsx', join(dir, file)] : [join(dir, file)];
  const { status, signal } = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT });
  if (status !== 0) failed.push(`${file} (${signal ?? `exit ${status}`})`);
}
if (failed.length) {
  console.error(`\nbench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
