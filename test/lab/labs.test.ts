import { describe, expect, it } from 'vitest';
import { generateDatacenter, LabError, listLabs, loadLab } from '../../src/lab/load.js';

describe('simulated labs', () => {
  it('ships two-machine and ha-lab, and offers the datacenter', () => {
    expect(listLabs()).toEqual(expect.arrayContaining(['two-machine', 'ha-lab', 'datacenter']));
  });

  it('two-machine is a seed host and one server', () => {
    const lab = loadLab('two-machine');
    expect(lab.servers).toHaveLength(1);
    expect(lab.seedHost.nics.length).toBeGreaterThanOrEqual(2);
  });

  it('ha-lab has six servers, one unreachable BMC and one with another password', () => {
    const lab = loadLab('ha-lab');
    expect(lab.servers).toHaveLength(6);
    expect(lab.servers.filter((s) => s.faults.includes('bmc-unreachable'))).toHaveLength(1);
    const other = lab.servers.filter((s) => s.faults.includes('bmc-other-password'));
    expect(other).toHaveLength(1);
    expect(other[0].bmc.password).not.toBe(lab.bmcDefaults.password);
  });

  it('the datacenter is 1,000 servers by default, unique, and the same for the same seed', () => {
    const a = loadLab('datacenter', 7);
    expect(a.servers).toHaveLength(1000);
    expect(new Set(a.servers.map((s) => s.bmc.address)).size).toBe(1000);
    expect(new Set(a.servers.map((s) => s.serial)).size).toBe(1000);
    expect(new Set(a.servers.flatMap((s) => s.nics.map((n) => n.mac))).size).toBe(2000);
    expect(generateDatacenter(1000, 7)).toEqual(a);
    expect(generateDatacenter(1000, 8)).not.toEqual(a);
    expect(loadLab('datacenter-25').servers).toHaveLength(25);
  });

  it('an unknown lab says which labs exist', () => {
    expect(() => loadLab('nope')).toThrow(LabError);
    expect(() => loadLab('nope')).toThrow(/two-machine/);
    expect(() => loadLab('../etc/passwd')).toThrow(LabError);
    // assets/labs also holds answers files for the real driver: not a world.
    expect(() => loadLab('local-ironic')).toThrow(/^no simulated lab named "local-ironic"/);
  });
});
