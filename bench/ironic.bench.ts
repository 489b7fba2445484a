// Ten servers from enrol to active against the local Ironic lab (real Ironic, real ipmi_sim
// BMCs): cloudseed's real driver (HTTP, concurrent, backoff polling) against the same
// transitions done one server at a time with the `openstack baremetal` CLI (create, port,
// manage --wait, provide --wait, instance-info, deploy --wait), same run, as a ratio.
// Each side has its own Ironic and its own ten BMCs, so neither waits for the other.
// `npm run bench ironic` (BENCH_IRONIC_SERVERS=N for another count).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { createRealDriver } from '../src/deploy/drivers/real/index.js';
import { startDeploy } from '../src/deploy/session.js';
import { IronicClient } from '../src/ironic/client.js';
import { PlanSchema } from '../src/plan/schema.js';
import { labNodeName, labPlanInput, labPxeMac, startIronicLab, testBmcNet } from '../test/lab/ironic-lab.js';

const N = Number(process.env.BENCH_IRONIC_SERVERS ?? 10);

const lab = await startIronicLab({ servers: 2 * N, seedPort: 0, undercloudPort: 0, bmcNet: testBmcNet() });
try {
  const bmcs = lab.bmcs.bmcs;

  // ---- cloudseed: the whole deployment (adopt checks, BMC gates, enrol, inspect, deploy) through the undercloud's Ironic.
  const input = labPlanInput({ seedUrl: lab.seed.url, undercloudUrl: lab.undercloud.url, images: lab.images, bmcs: bmcs.slice(0, N) });
  const plan = PlanSchema.parse(input);
  const stateDir = mkdtempSync(join(tmpdir(), 'cs-bench-ironic-'));
  const t0 = performance.now();
  const session = await startDeploy({ plan, stateDir, onFailure: 'abort', driver: createRealDriver({ yes: true, stateDir }) });
  const state = await session.result;
  const cloudseedS = (performance.now() - t0) / 1000;
  if (state !== 'done') throw new Error(`cloudseed's deployment ended ${state}; see ${join(stateDir, 'deploy', 'deploy.log')}`);
  const active = (await new IronicClient({ url: lab.undercloud.url }).listNodes()).filter((n) => n.provision_state === 'active').length;
  console.log(`cloudseed real driver: ${N} servers enrol → active in ${cloudseedS.toFixed(1)} s (${active} active in Ironic)`);

  // ---- the openstack baremetal CLI, one server at a time, against the seed's Ironic. The node
  // and its port come from a file (`baremetal create`), as operators do: no password on a command line.
  const env = { OS_AUTH_TYPE: 'none', OS_ENDPOINT: lab.seed.url, OS_BAREMETAL_API_VERSION: '1.78' };
  const os = (args: string[]) => execa('/usr/bin/openstack', ['baremetal', ...args], { env });
  const files = mkdtempSync(join(tmpdir(), 'cs-bench-cli-'));
  const t1 = performance.now();
  let calls = 0;
  for (let i = N; i < 2 * N; i++) {
    const b = bmcs[i];
    const name = `cli-${labNodeName(i)}`;
    const file = join(files, `${name}.json`);
    const node = {
      name,
      driver: 'ipmi',
      driver_info: { ipmi_address: b.address, ipmi_port: 623, ipmi_username: b.user, ipmi_password: b.password, ipmi_cipher_suite: '3' },
      ports: [{ address: labPxeMac(i) }],
    };
    writeFileSync(file, JSON.stringify({ nodes: [node] }), { mode: 0o600 });
    for (const args of [
      ['create', file],
      ['node', 'manage', name, '--wait', '300'],
      ['node', 'provide', name, '--wait', '300'],
      ['node', 'set', name, '--instance-info', `kernel=${lab.images.kernel}`, '--instance-info', `ramdisk=${lab.images.ramdisk}`],
      ['node', 'deploy', name, '--wait', '300'],
    ]) {
      await os(args);
      calls++;
    }
  }
  const cliS = (performance.now() - t1) / 1000;
  const cliActive = (await new IronicClient({ url: lab.seed.url }).listNodes()).filter((n) => n.provision_state === 'active').length;
  console.log(`openstack baremetal CLI, one server at a time: ${N} servers in ${cliS.toFixed(1)} s (${calls} CLI calls, ${cliActive} active)`);
  console.log(`ratio: cloudseed is ${(cliS / cloudseedS).toFixed(1)}x faster (target ≥ 5x)`);
} finally {
  await lab.stop();
}
