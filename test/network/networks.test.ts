import { describe, expect, it } from 'vitest';
import { networksOfNode, type NetworkId } from '../../src/network/networks.js';
import { catalogFrom, roleCatalog } from '../../src/roles/catalog.js';

const all = new Set<NetworkId>(['ctlplane', 'External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'Management']);

describe('networksOfNode', () => {
  it("gives a server ctlplane and its role's networks from the catalog, of the enabled ones", () => {
    expect(networksOfNode('Compute', all)).toEqual(['ctlplane', 'InternalApi', 'Storage', 'Tenant', 'Management']);
    expect(networksOfNode('Undercloud', all)).toEqual(['ctlplane']);
    expect(networksOfNode('Controller', new Set(['ctlplane', 'External']))).toEqual(['ctlplane', 'External']);
    expect(networksOfNode(undefined, all)).toEqual(['ctlplane', 'Management']);
  });

  it('follows a change to the catalog', () => {
    const roles = [...roleCatalog().values()].map((r) => (r.name === 'CephStorage' ? { ...r, networks: [...r.networks, 'Tenant' as const] } : r));
    expect(networksOfNode('CephStorage', all, catalogFrom({ roles }))).toEqual(['ctlplane', 'Storage', 'StorageMgmt', 'Management', 'Tenant']);
  });
});
