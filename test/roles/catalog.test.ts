import { describe, expect, it } from 'vitest';
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

  it('joins each role to the networks of TripleO roles_data.yaml (besides ctlplane); the network area reads them here', () => {
    expect(Object.fromEntries(ROLE_NAMES.map((r) => [r, roleSpec(r).networks]))).toEqual({
      Undercloud: [],
      Controller: ['External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'Management'],
      Compute: ['InternalApi', 'Storage', 'Tenant', 'Management'],
      BlockStorage: ['InternalApi', 'Storage', 'StorageMgmt', 'Management'],
      ObjectStorage: ['InternalApi', 'Storage', 'StorageMgmt', 'Management'],
      CephStorage: ['Storage', 'StorageMgmt', 'Management'],
    });
  });

  it('a broken catalog names the field', () => {
    expect(() => catalogFrom({ roles: [{ name: 'Controller' }] })).toThrow(/description|floor/);
    const noCompute = { roles: [...roleCatalog().values()].filter((r) => r.name !== 'Compute') };
    expect(() => catalogFrom(noCompute)).toThrow(/every role needs an entry/);
  });
});
