import { describe, expect, it } from 'vitest';
import { hostFactsFromLab, parseCpuinfo, parseIpAddr, parseIpRoute, parseLsblk, parseMeminfo, parseOsRelease, probeHost, sessionNicFor } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';

describe('host probe parsers', () => {
  it('cpuinfo: model, logical cores, vmx/svm', () => {
    const block = (n: number, flags: string) => `processor\t: ${n}\nmodel name\t: Intel(R) Xeon(R) E-2236\nflags\t\t: fpu ${flags} sse\n\n`;
    expect(parseCpuinfo(block(0, 'vmx') + block(1, 'vmx'))).toEqual({ model: 'Intel(R) Xeon(R) E-2236', cores: 2, vt: true });
    expect(parseCpuinfo(block(0, 'svm')).vt).toBe(true);
    expect(parseCpuinfo(block(0, 'hypervisor')).vt).toBe(false);
  });

  it('meminfo in MiB', () => {
    expect(parseMeminfo('MemTotal:       16318480 kB\nMemFree: 1 kB\n')).toBe(15936);
  });

  it('lsblk: whole disks only, both forms of the rotational flag, empty devices left out', () => {
    const json = JSON.stringify({
      blockdevices: [
        { name: 'sda', size: 480103981056, rota: '0', type: 'disk' },
        { name: 'sdb', size: 4000787030016, rota: true, type: 'disk' },
        { name: 'zram0', size: 0, rota: false, type: 'disk' },
        { name: 'sr0', size: 1073741312, rota: true, type: 'rom' },
        { name: 'loop0', size: 1000, rota: false, type: 'loop' },
      ],
    });
    expect(parseLsblk(json)).toEqual([
      { name: 'sda', sizeGiB: 447, rotational: false },
      { name: 'sdb', sizeGiB: 3726, rotational: true },
    ]);
  });

  it('ip addr: NICs with MAC, state and addresses; loopback and pseudo devices left out', () => {
    const json = JSON.stringify([
      { ifname: 'lo', link_type: 'loopback', address: '00:00:00:00:00:00', operstate: 'UNKNOWN', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
      { ifname: 'eno1', link_type: 'ether', address: 'ac:1f:6b:00:00:01', operstate: 'UP', addr_info: [{ family: 'inet', local: '192.168.1.30', prefixlen: 24 }] },
      { ifname: 'eno2', link_type: 'ether', address: 'ac:1f:6b:00:00:02', operstate: 'DOWN', addr_info: [] },
      { ifname: 'ifb0', link_type: 'ether', address: 'f2:ac:d6:56:d5:38', operstate: 'DOWN', linkinfo: { info_kind: 'ifb' } },
    ]);
    expect(parseIpAddr(json)).toEqual([
      { name: 'eno1', mac: 'ac:1f:6b:00:00:01', state: 'up', addresses: ['192.168.1.30/24'] },
      { name: 'eno2', mac: 'ac:1f:6b:00:00:02', state: 'down', addresses: [] },
    ]);
  });

  it('routes, os-release and the NIC of the SSH session', () => {
    expect(parseIpRoute('[{"dst":"default","gateway":"192.168.1.1","dev":"eno1"},{"dst":"192.168.1.0/24","dev":"eno1"}]')).toEqual([
      { dst: 'default', via: '192.168.1.1', dev: 'eno1' },
      { dst: '192.168.1.0/24', dev: 'eno1' },
    ]);
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)');
    const nics = [
      { name: 'eno1', mac: '', state: 'up' as const, addresses: ['192.168.1.30/24'] },
      { name: 'eno2', mac: '', state: 'up' as const, addresses: ['10.0.0.5/24'] },
    ];
    expect(sessionNicFor('192.168.1.77 52144 10.0.0.5 22', nics)).toBe('eno2');
    expect(sessionNicFor(undefined, nics)).toBeUndefined();
  });
});

describe('host facts', () => {
  it('from a lab: the seed host as a probe would see it', () => {
    const f = hostFactsFromLab(loadLab('ha-lab'));
    expect(f).toMatchObject({ hostname: 'seed-host', kvm: true, memoryMiB: 65536, defaultRouteNic: 'enp65s0f0', sessionNic: 'enp65s0f0' });
    expect(f.cpu).toEqual({ model: 'AMD EPYC 7302P 16-Core Processor', cores: 32, vt: true });
    expect(f.tools).toMatchObject({ ipmitool: true, virsh: true, 'virt-install': true });
  });

  it('probes this machine for real', async () => {
    const f = await probeHost({ ...process.env, SSH_CONNECTION: undefined });
    expect(f.cpu.cores).toBeGreaterThan(0);
    expect(f.memoryMiB).toBeGreaterThan(0);
    expect(f.disks.length).toBeGreaterThan(0);
    expect(f.tools.ipmitool).toBe(true);
    expect(f.nics.every((n) => n.name !== 'lo')).toBe(true);
  });
});
