import { describe, expect, it } from 'vitest';
import { ROLE_NETWORKS } from '../../src/network/networks.js';
import { ROLE_NAMES } from '../../src/plan/schema.js';
import { catalogFrom, roleCatalog, roleSpec } from '../../src/roles/catalog.js';

describe('role catalog (assets/roles.yaml)', () => {
  it('has every role with its floor, flavour and Helion name', () => {
    const catalog = roleCatalog();
    expect([...catalog.keys()].sort()).toEqual([...ROLE_NAMES].sort());
    expect(roleSpec('Compute').floor).toMatchObject({ cpu: 4, memoryMiB: 8192, vt: true });
    expect(roleSpec('Controller').count).toMatchObject({ min: 1, odd: true, oddFrom: 3 });
    expect(ROLE_NAMES.map((r) => roleSpec(r).helion)).toEqual(['Undercloud', 'OvercloudControl', 'OvercloudCompute', 'OvercloudVSAStorage', 'OvercloudSwiftStorage', undefined]);
    expect(ROLE_NAMES.map((r) => roleSpec(r).flavor)).toEqual(['undercloud', 'control', 'compute', 'block-storage', 'swift-storage', 'ceph-storage']);
  });

  it('agrees with the network area on the networks each role joins (besides ctlplane)', () => {
    for (const role of ROLE_NAMES) expect(['ctlplane', ...roleSpec(role).networks].sort()).toEqual([...ROLE_NETWORKS[role]].sort());
  });

  it('a broken catalog names the field', () => {
    expect(() => catalogFrom({ roles: [{ name: 'Controller' }] })).toThrow(/description|floor/);
    const noCompute = { roles: [...roleCatalog().values()].filter((r) => r.name !== 'Compute') };
    expect(() => catalogFrom(noCompute)).toThrow(/every role needs an entry/);
  });
});
