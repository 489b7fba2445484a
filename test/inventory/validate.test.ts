import { describe, expect, it } from 'vitest';
import { validateNodes } from '../../src/inventory/validate.js';
import { emptyPlan, type PlanInput } from '../../src/plan/schema.js';

const node = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  bmc: { type: 'ipmi' as const, address: `10.0.0.${name.length}`, user: 'admin', password: 'pw' },
  macs: [`52:54:00:00:00:0${name.length}`],
  ...over,
});
const rules = (nodes: PlanInput['nodes']) => validateNodes(emptyPlan({ nodes })).map((f) => `${f.severity} ${f.rule} ${f.where}`);

describe('validateNodes', () => {
  it('a complete server has no findings', () => {
    expect(rules([node('a', { cpu: 8, diskGiB: 100, discovered: { cpu: 8, diskGiB: 120, bmcStatus: 'ok' } })])).toEqual([]);
  });

  it('a plan without servers says where to add them', () => {
    const [f, ...rest] = validateNodes(emptyPlan({ nodes: [] }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', rule: 'inventory.no-servers', where: 'nodes', screen: 'servers' });
    expect(f.fix).toContain('import a nodes file');
  });

  it('declared facts larger than discovered ones', () => {
    const f = validateNodes(emptyPlan({ nodes: [node('node-04', { cpu: 32, memoryMiB: 262144, diskGiB: 500, discovered: { cpu: 16, memoryMiB: 131072, diskGiB: 240 } })] }));
    expect(f.map((x) => `${x.severity} ${x.where}`)).toEqual(['error nodes[0].diskGiB', 'warning nodes[0].cpu', 'warning nodes[0].memoryMiB']);
    expect(f[0].message).toBe('node-04: the disk is 240 GiB, smaller than the 500 GiB declared');
  });

  it('missing PXE MAC, a bad BMC address, a PXE MAC that is the BMC’s own', () => {
    expect(rules([node('a', { macs: [] }), node('bb', { bmc: { type: 'ipmi', address: '10.0.0.300', user: 'u', password: 'p' } }), node('ccc', { discovered: { bmcMac: '52:54:00:00:00:03' } })])).toEqual([
      'warning inventory.no-pxe-mac nodes[0].macs',
      'error inventory.bmc-address nodes[1].bmc.address',
      'error inventory.pxe-is-bmc nodes[2].macs',
    ]);
  });

  it('BMCs that did not answer or refused at the last check', () => {
    expect(rules([node('a', { discovered: { bmcStatus: 'unreachable' } }), node('bb', { discovered: { bmcStatus: 'refused' } })])).toEqual([
      'error inventory.bmc-unreachable nodes[0].bmc',
      'error inventory.bmc-refused nodes[1].bmc',
    ]);
  });

  it('two servers with the same BMC or the same PXE MAC', () => {
    expect(rules([node('a'), node('b'), node('cc', { macs: ['52:54:00:00:00:01'] })])).toEqual([
      'error inventory.duplicate-bmc nodes[1].bmc.address',
      'error inventory.duplicate-mac nodes[1].macs[0]',
      'error inventory.duplicate-mac nodes[2].macs[0]',
    ]);
  });
});
