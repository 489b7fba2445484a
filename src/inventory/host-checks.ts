// Pre-flight checks of the seed host against the minimums in assets/seed-host-minimums.yaml.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { assetPath } from '../assets.js';
import type { HostFacts } from './host-facts.js';

const level = z.object({ min: z.number(), recommended: z.number().optional() });

const HostMinimumsSchema = z.object({
  memoryMiB: level.extend({ slackPercent: z.number().min(0).max(50).default(0) }),
  cpuCores: level,
  vt: z.enum(['fail', 'warning']),
  kvm: z.enum(['fail', 'warning']),
  diskGiB: level,
  nics: z.object({ recommended: z.number().int() }),
  /** Tool on PATH → Debian package providing it. */
  tools: z.record(z.string(), z.string()),
});
export type HostMinimums = z.infer<typeof HostMinimumsSchema>;

export function loadHostMinimums(path = assetPath('seed-host-minimums.yaml')): HostMinimums {
  return HostMinimumsSchema.parse(parse(readFileSync(path, 'utf8')));
}

export type CheckStatus = 'pass' | 'warning' | 'fail';

export interface HostCheck {
  /** Stable id, e.g. `host.memory` (acknowledgements are stored under it). */
  id: string;
  label: string;
  status: CheckStatus;
  /** What was found, in plain words. */
  reason: string;
  /** What to do; empty when it passes. */
  fix: string;
}

const gib = (mib: number) => `${Math.round((mib / 1024) * 10) / 10} GiB`;

function byLevel(value: number, min: number, recommended: number | undefined): CheckStatus {
  if (value < min) return 'fail';
  if (recommended !== undefined && value < recommended) return 'warning';
  return 'pass';
}

/** What a deployment plan asks of this host, beyond the minimums. */
export interface HostNeeds {
  /** Tools the plan's steps will run → the Debian package of each: a missing one fails. */
  required: Record<string, string>;
  has(tool: string): boolean;
  /** cloudseed builds VMs here (the seed, an undercloud VM): memory, cores, VT, KVM and disk count. */
  vms: boolean;
}

/**
 * Checks the facts against the minimums, and against a plan's needs when given; pure. The
 * Host screen, `cloudseed probe` and the deployment call it with their plan's needs through
 * checkPlanHost (src/deploy/steps/host-checks.ts).
 */
export function checkHost(facts: HostFacts, min: HostMinimums, needs?: HostNeeds): HostCheck[] {
  const checks: HostCheck[] = [];
  const slack = 1 - min.memoryMiB.slackPercent / 100;
  const mem = byLevel(facts.memoryMiB, min.memoryMiB.min * slack, min.memoryMiB.recommended && min.memoryMiB.recommended * slack);
  checks.push({
    id: 'host.memory',
    label: 'Memory',
    status: mem,
    reason:
      mem === 'pass'
        ? `${gib(facts.memoryMiB)} of memory`
        : `${gib(facts.memoryMiB)} of memory; the seed VM and the undercloud need at least ${gib(min.memoryMiB.min)}` +
          (mem === 'warning' ? `, ${gib(min.memoryMiB.recommended ?? 0)} is comfortable` : ''),
    fix: mem === 'pass' ? '' : `run cloudseed on a machine with at least ${gib(mem === 'fail' ? min.memoryMiB.min : (min.memoryMiB.recommended ?? 0))} of memory`,
  });

  const cores = byLevel(facts.cpu.cores, min.cpuCores.min, min.cpuCores.recommended);
  checks.push({
    id: 'host.cpu',
    label: 'CPU cores',
    status: cores,
    reason: `${facts.cpu.cores} cores (${facts.cpu.model})` + (cores === 'pass' ? '' : `; at least ${cores === 'fail' ? min.cpuCores.min : min.cpuCores.recommended} are needed`),
    fix: cores === 'pass' ? '' : 'use a machine with more cores, or give this VM more vCPUs',
  });

  checks.push({
    id: 'host.vt',
    label: 'VT-x/AMD-V',
    status: facts.cpu.vt ? 'pass' : min.vt,
    reason: facts.cpu.vt ? 'the CPU offers hardware virtualization' : 'the CPU shows no vmx/svm flag: the seed VM would run without hardware acceleration',
    fix: facts.cpu.vt ? '' : 'enable VT-x/AMD-V in the firmware (BIOS/UEFI) setup; in a VM, enable nested virtualization',
  });

  checks.push({
    id: 'host.kvm',
    label: '/dev/kvm',
    status: facts.kvm ? 'pass' : min.kvm,
    reason: facts.kvm ? '/dev/kvm is present and usable' : 'no usable /dev/kvm: the seed VM would run emulated, many times slower',
    fix: facts.kvm ? '' : 'enable VT-x/AMD-V in the firmware, load the kvm_intel or kvm_amd module, and run as a user in the kvm group',
  });

  const largest = facts.disks.reduce((m, d) => Math.max(m, d.sizeGiB), 0);
  const disk = byLevel(largest, min.diskGiB.min, min.diskGiB.recommended);
  checks.push({
    id: 'host.disk',
    label: 'Disk',
    status: disk,
    reason:
      facts.disks.length === 0
        ? 'no disk found'
        : `largest disk ${largest} GiB` + (disk === 'pass' ? '' : `; the seed VM image and the undercloud need ${disk === 'fail' ? min.diskGiB.min : min.diskGiB.recommended} GiB`),
    fix: disk === 'pass' ? '' : `add a disk of at least ${disk === 'fail' ? min.diskGiB.min : min.diskGiB.recommended} GiB`,
  });

  const nicCount = facts.nics.length;
  const spare = facts.nics.filter((n) => n.name !== facts.sessionNic && n.name !== facts.defaultRouteNic);
  const nics: CheckStatus = nicCount >= min.nics.recommended && spare.length > 0 ? 'pass' : 'warning';
  checks.push({
    id: 'host.nics',
    label: 'NICs',
    status: nics,
    reason:
      nics === 'pass'
        ? `${nicCount} NICs; ${spare.map((n) => n.name).join(', ')} can carry provisioning`
        : `${nicCount} NIC${nicCount === 1 ? '' : 's'}; none is free for the provisioning network besides the one you are connected through`,
    fix: nics === 'pass' ? '' : 'add a second NIC cabled to the servers’ provisioning network; bridging the NIC you log in through cuts your session',
  });

  const missing = Object.entries(min.tools).filter(([tool]) => !facts.tools[tool]);
  checks.push({
    id: 'host.tools',
    label: 'Tools',
    status: missing.length ? 'warning' : 'pass',
    reason: missing.length ? `missing: ${missing.map(([t]) => t).join(', ')}` : `found: ${Object.keys(min.tools).join(', ')}`,
    fix: missing.length ? `sudo apt-get install ${[...new Set(missing.map(([, pkg]) => pkg))].join(' ')}` : '',
  });
  if (!needs) return checks;

  const required = Object.keys(needs.required);
  const lacking = required.filter((t) => !needs.has(t));
  checks.push({
    id: 'host.plan-tools',
    label: 'Plan tools',
    status: lacking.length ? 'fail' : 'pass',
    reason: lacking.length ? `not installed: ${lacking.join(', ')}` : required.length ? `found: ${required.join(', ')}` : 'the plan runs no tool on this host',
    fix: lacking.length ? `sudo apt-get install ${[...new Set(lacking.map((t) => needs.required[t]))].join(' ')}` : '',
  });
  if (needs.vms) return checks;
  // No VM is built here (adopted clouds): the VM checks do not apply.
  const forVms = new Set(['host.memory', 'host.cpu', 'host.vt', 'host.kvm', 'host.disk']);
  return checks.map((c) => (forVms.has(c.id) && c.status !== 'pass' ? { ...c, status: 'pass', reason: `${c.reason} (no VM is built on this host: not needed)`, fix: '' } : c));
}

