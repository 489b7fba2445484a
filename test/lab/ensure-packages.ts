// The Debian packages the test suite's real protocol peers need, installed once per run by
// test/global-setup.ts (before any test file starts, so parallel workers never fight over the
// dpkg lock). As root on a machine that lacks them it installs them, waiting for a dpkg lock
// held by someone else; otherwise it names the command that installs them.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian package → a program it installs, for every package any test, bench or lab needs. */
const LAB_PACKAGES: Record<string, string> = {
  ipmitool: 'ipmitool', // the IPMI client the scan and the real driver fall back on
  openipmi: 'ipmi_sim', // real IPMI BMCs on loopback
  'freeipmi-tools': 'ipmi-power', // the scan bench's peer
  busybox: 'busybox', // udhcpc: the rogue-DHCP gate's probe
  arping: 'arping', // the address-in-use gate's probe
  'dnsmasq-base': 'dnsmasq', // the rogue DHCP server in the gates' namespace lab
  iproute2: 'ip', // network namespaces for the gates' lab
  'ironic-common': 'ironic', // a real standalone Ironic for the real driver
  'python3-ironicclient': 'baremetal', // the Ironic bench's peer (openstack baremetal)
  'python3-openstackclient': 'openstack',
};

function onPath(program: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((d) => {
    try {
      accessSync(join(d, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function missingPackages(packages: Record<string, string> = LAB_PACKAGES): string[] {
  return Object.entries(packages)
    .filter(([, program]) => !onPath(program))
    .map(([pkg]) => pkg);
}

/** Whether apt has package lists at all (a fresh image often has none until `apt-get update`). */
function aptListsPresent(): boolean {
  try {
    return readdirSync('/var/lib/apt/lists').some((f) => f.endsWith('_Packages') || f.endsWith('_Packages.lz4'));
  } catch {
    return false;
  }
}

// Another apt or dpkg run (unattended upgrades, a second test run) holds the lock: wait for it.
const APT_OPTIONS = ['-o', 'DPkg::Lock::Timeout=600', '-o', 'Acquire::Retries=3'];

export function ensurePackages(packages: Record<string, string> = LAB_PACKAGES): void {
  const missing = missingPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `the test suite's lab needs Debian packages that are not installed: ${missing.join(' ')}\n` +
        `install them once with: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}\n` +
        `(or run the tests as root, and they install themselves)`,
    );
  process.stderr.write(`cloudseed tests: installing ${missing.join(' ')} (apt-get, running as root)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = () => execFileSync('apt-get', [...APT_OPTIONS, 'update', '-qq'], { stdio: 'inherit', env });
  const install = () => execFileSync('apt-get', [...APT_OPTIONS, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (!aptListsPresent()) update();
  try {
    install();
  } catch {
    // Lists that are stale (a package moved to a newer version) fail the download: refresh once.
    update();
    install();
  }
  const still = missingPackages(packages);
  if (still.length) throw new Error(`apt-get installed nothing for ${still.join(' ')}: see its output above`);
}

// `tsx test/lab/ensure-packages.ts` installs them from the command line.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) ensurePackages();
