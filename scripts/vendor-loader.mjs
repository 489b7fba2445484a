// Part of the bundle, not of the build: runs the vendor script (Ink, React, Yoga; see
// build.mjs) with a V8 code cache, so a start does not compile their functions again.
// Node 20 has no compile cache for ES modules (module.enableCompileCache is 22.1+), but a
// vm.Script takes `cachedData`. The cache lives next to the script, else in the user's cache
// folder; it is written after the first frame of a start that had none (or had one V8
// rejected: another Node version), and never makes a start fail.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How long after loading the cache is made: the first frame's functions are compiled by then. */
const WRITE_AFTER_MS = 1000;

/** The vendor script's exports; `file` is its path. */
export function loadVendor(file) {
  const name = `${basename(file)}-${process.version}-${process.arch}.cache`;
  const caches = [`${file}.cache`, join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cloudseed', name)];
  let cachedData;
  for (const cache of caches) {
    try {
      cachedData = readFileSync(cache);
      break;
    } catch {
      // not there (yet)
    }
  }
  const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
  const vendor = script.runInThisContext()(createRequire(file));
  if (!cachedData || script.cachedDataRejected) setTimeout(() => writeCache(script, caches), WRITE_AFTER_MS).unref();
  return vendor;
}

/** The first place that takes it; written aside and renamed, so a reader never sees half a cache. */
function writeCache(script, caches) {
  const data = script.createCachedData();
  for (const cache of caches) {
    const aside = `${cache}.${process.pid}`;
    try {
      mkdirSync(dirname(cache), { recursive: true });
      writeFileSync(aside, data);
      renameSync(aside, cache);
      return;
    } catch {
      // read-only (an installed copy): try the next place
      rmSync(aside, { force: true });
    }
  }
}
