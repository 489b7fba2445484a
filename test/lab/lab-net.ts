// Loopback addresses for one test run. Two runs on one machine (two clones, CI beside a
// developer) must not start ipmi_sim BMCs on the same addresses, so each run claims a
// second octet of its own (127.N.x.y) for its whole duration: a claim file holding the
// run's PID, taken over when that PID is gone. lab:up and the benches keep 127.0.x.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from '../../src/store/lock.js';

const CLAIMS = join(tmpdir(), 'cloudseed-test-nets');
const FIRST = 100;
const LAST = 250;

function tryClaim(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o644);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  }
}

/** Claims a free second octet for this process; the returned function releases it. */
export function claimLabOctet(): { octet: number; release: () => void } {
  mkdirSync(CLAIMS, { recursive: true });
  // Start at a place that depends on the PID so concurrent runs rarely race for the same file.
  const span = LAST - FIRST + 1;
  for (let i = 0; i < span; i++) {
    const octet = FIRST + ((process.pid + i) % span);
    const path = join(CLAIMS, String(octet));
    if (!tryClaim(path)) {
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) continue;
      rmSync(path, { force: true });
      if (!tryClaim(path)) continue;
    }
    return { octet, release: () => rmSync(path, { force: true }) };
  }
  throw new Error(`every loopback lab octet ${FIRST}-${LAST} is claimed by a running test (see ${CLAIMS})`);
}
