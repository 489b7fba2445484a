#!/usr/bin/env node
// `npm start`: build dist/cloudseed.js when a source changed, then open the installer on
// the simulated two-machine lab. Extra arguments are passed on (`npm start -- --ascii`);
// a `--lab` among them replaces the default lab.
import { spawn } from 'node:child_process';
import { build, DEFAULT_OUTFILE, isStale } from './build.mjs';

const extra = process.argv.slice(2);
const hasLab = extra.some((a) => a === '--lab' || a.startsWith('--lab='));
const args = [DEFAULT_OUTFILE, ...(hasLab ? [] : ['--lab', 'two-machine']), ...extra];

try {
  if (isStale()) {
    process.stderr.write('building cloudseed... ');
    const { bytes } = await build();
    process.stderr.write(`done (${Math.round(bytes / 1024)} KB)\n`);
  }
} catch (e) {
  console.error(`build failed: ${e.message}`);
  process.exit(1);
}

const child = spawn(process.execPath, args, { stdio: 'inherit' });
// The child shares the terminal, so Ctrl-C reaches it directly; pass on a SIGTERM sent to us.
const forward = (signal) => child.kill(signal);
process.on('SIGTERM', forward);
process.on('SIGINT', () => {}); // the child decides what Ctrl-C means
child.on('exit', (code, signal) => {
  process.off('SIGTERM', forward);
  process.exitCode = code ?? (signal === 'SIGTERM' ? 143 : 130);
});
