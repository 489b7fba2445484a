// `npm run lab:up` / `npm run lab:down`: a local Ironic lab a person can deploy into with
// `cloudseed deploy assets/labs/local-ironic.yaml --yes`. The seed's Ironic on 127.0.0.1:6385,
// the undercloud's on 127.0.0.2:6385, BMCs (ipmi_sim) on 127.0.1.1.. — the addresses and the
// images folder that answers file names. State and pid files live in .lab/ (git-ignored).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/assets.js';
import { LAB_IMAGES_DIR, LAB_SERVERS, stopPid, startIronicLab } from './ironic-lab.js';

interface LabState {
  startedAt: string;
  ironic: { seed: { url: string; pid: number; dir: string }; undercloud: { url: string; pid: number; dir: string } };
  bmcs: { address: string; pid: number }[];
  bmcDir: string;
}

const labDir = () => join(projectRoot(), '.lab');
const stateFile = () => join(labDir(), 'ironic-lab.json');

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function up(servers: number): Promise<void> {
  if (existsSync(stateFile())) {
    const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as LabState;
    if (running(s.ironic.seed.pid)) {
      console.log(`the lab is already up (since ${s.startedAt}): ${s.ironic.seed.url}, ${s.ironic.undercloud.url}, ${s.bmcs.length} BMCs`);
      return;
    }
  }
  const dir = join(labDir(), 'ironic');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`starting the lab: two Ironics and ${servers} BMCs (about 10 s)…`);
  const lab = await startIronicLab({ servers, dir, imagesDir: LAB_IMAGES_DIR, detached: true });
  const state: LabState = {
    startedAt: new Date().toISOString(),
    ironic: {
      seed: { url: lab.seed.url, pid: lab.seed.pid, dir: lab.seed.dir },
      undercloud: { url: lab.undercloud.url, pid: lab.undercloud.pid, dir: lab.undercloud.dir },
    },
    bmcs: lab.bmcs.bmcs.map((b) => ({ address: b.address, pid: b.pid })),
    bmcDir: lab.bmcs.dir,
  };
  writeFileSync(stateFile(), JSON.stringify(state, null, 2) + '\n');
  console.log(`seed's Ironic:       ${lab.seed.url}   (log ${join(lab.seed.dir, 'ironic.log')})`);
  console.log(`undercloud's Ironic: ${lab.undercloud.url}   (log ${join(lab.undercloud.dir, 'ironic.log')})`);
  for (const b of lab.bmcs.bmcs) console.log(`BMC ${b.address}:623  user ${b.user}  (ipmi_sim pid ${b.pid})`);
  console.log(`images: ${LAB_IMAGES_DIR}`);
  console.log('next: cloudseed deploy assets/labs/local-ironic.yaml --yes   (stop with: npm run lab:down)');
}

async function down(): Promise<void> {
  if (!existsSync(stateFile())) {
    console.log('no lab is up (nothing in .lab/ironic-lab.json)');
    return;
  }
  const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as LabState;
  await Promise.all([stopPid(s.ironic.seed.pid), stopPid(s.ironic.undercloud.pid), ...s.bmcs.map((b) => stopPid(b.pid, 2_000))]);
  rmSync(s.bmcDir, { recursive: true, force: true });
  rmSync(join(labDir(), 'ironic'), { recursive: true, force: true });
  rmSync(stateFile());
  console.log(`the lab is down: stopped 2 Ironics and ${s.bmcs.length} BMCs`);
}

const [cmd, ...rest] = process.argv.slice(2);
const serversFlag = rest.indexOf('--servers');
const servers = serversFlag >= 0 ? Number(rest[serversFlag + 1]) : LAB_SERVERS;
try {
  if (cmd === 'up') await up(servers);
  else if (cmd === 'down') await down();
  else {
    console.error('usage: ironic-lab-cli.ts up [--servers N] | down');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(`lab: ${(err as Error).message}`);
  process.exitCode = 1;
}
// The BMC processes keep running on their own; do not wait for them.
process.exit();
