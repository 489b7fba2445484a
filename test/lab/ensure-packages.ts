// Makes sure the Debian packages the real-protocol tests need are installed. As root on a
// machine that lacks them it installs them (and says so); otherwise it names what to install.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian package → a program it installs. */
export const LAB_PACKAGES: Record<string, string> = {
  ipmitool: 'ipmitool',
  openipmi: 'ipmi_sim',
  'freeipmi-tools': 'ipmi-power',
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

export function missingPackages(packages: Record<string, string> = LAB_PACKAGES): string[] {
  return Object.entries(packages)
    .filter(([, program]) => !onPath(program))
    .map(([pkg]) => pkg);
}

let done = false;

export function ensurePackages(packages: Record<string, string> = LAB_PACKAGES): void {
  if (done) return;
  const missing = missingPackages(packages);
  if (missing.length === 0) {
    done = true;
    return;
  }
  if (process.getuid?.() !== 0)
    throw new Error(`the BMC lab needs Debian packages ${missing.join(' ')}: run "sudo apt-get install -y ${missing.join(' ')}" (or run the tests as root)`);
  process.stderr.write(`cloudseed tests: installing ${missing.join(' ')} (apt-get, running as root)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  done = true;
}

// `tsx test/lab/ensure-packages.ts` installs them from the command line.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) ensurePackages();
