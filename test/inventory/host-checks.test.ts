import { describe, expect, it } from 'vitest';
import { checkHost, loadHostMinimums } from '../../src/inventory/host-checks.js';
import type { HostFacts } from '../../src/inventory/host-facts.js';
import { hostFactsFromLab } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';

const min = loadHostMinimums();
const status = (facts: HostFacts) => Object.fromEntries(checkHost(facts, min).map((c) => [c.id, c.status]));

describe('seed host checks', () => {
  it('the ha-lab seed host passes every check; without virt-install, the tools check says what to install', () => {
    const facts = hostFactsFromLab(loadLab('ha-lab'));
    expect(checkHost(facts, min).filter((c) => c.status !== 'pass')).toEqual([]);
    const checks = checkHost({ ...facts, tools: { ...facts.tools, 'virt-install': false } }, min);
    expect(checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status, c.fix])).toEqual([['host.tools', 'warning', 'sudo apt-get install virtinst']]);
  });

  it('a small host fails memory, cores, VT, kvm and disk, each with what to do', () => {
    const f: HostFacts = {
      ...hostFactsFromLab(loadLab('ha-lab')),
      memoryMiB: 8192,
      cpu: { model: 'Atom', cores: 2, vt: false },
      kvm: false,
      disks: [{ name: 'sda', sizeGiB: 64, rotational: false }],
    };
    const checks = checkHost(f, min);
    expect(status(f)).toMatchObject({ 'host.memory': 'fail', 'host.cpu': 'fail', 'host.vt': 'fail', 'host.kvm': 'fail', 'host.disk': 'fail' });
    const kvm = checks.find((c) => c.id === 'host.kvm')!;
    expect(kvm.reason).toMatch(/no usable \/dev\/kvm/);
    expect(kvm.fix).toMatch(/VT-x\/AMD-V/);
    for (const c of checks.filter((x) => x.status === 'fail')) expect(c.fix).not.toBe('');
  });

  it('a 16 GB machine (MemTotal ~15.6 GiB) meets the minimum, with a warning below the comfortable size', () => {
    const f = { ...hostFactsFromLab(loadLab('ha-lab')), memoryMiB: 15936 };
    expect(status(f)['host.memory']).toBe('warning');
  });

  it('missing tools are named with their Debian packages', () => {
    const f = { ...hostFactsFromLab(loadLab('ha-lab')), tools: { ipmitool: false, ssh: true, virsh: false, 'qemu-img': false, 'virt-install': true } };
    const tools = checkHost(f, min).find((c) => c.id === 'host.tools')!;
    expect(tools.reason).toBe('missing: ipmitool, virsh, qemu-img');
    expect(tools.fix).toBe('sudo apt-get install ipmitool libvirt-clients qemu-utils');
  });

  it('one NIC, the one you are logged in through: a warning', () => {
    const lab = hostFactsFromLab(loadLab('ha-lab'));
    const f = { ...lab, nics: lab.nics.slice(0, 1) };
    const nics = checkHost(f, min).find((c) => c.id === 'host.nics')!;
    expect(nics.status).toBe('warning');
    expect(nics.fix).toMatch(/second NIC/);
  });
});
