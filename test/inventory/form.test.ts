import { describe, expect, it } from 'vitest';
import { checkNodeForm, nodeForm, nodeFromForm } from '../../src/inventory/form.js';

const filled = { ...nodeForm(), name: 'rf-1', type: 'redfish', address: '10.0.0.40', user: 'root', password: 'pw', macs: '52:54:00:aa:00:40' };

describe('the server form: the Redfish system id (pm_system_id)', () => {
  it('a Redfish server keeps the system typed, and shows it again when edited', () => {
    const form = { ...filled, systemId: '/redfish/v1/Systems/1' };
    expect(checkNodeForm(form, [])).toEqual({});
    const node = nodeFromForm(form);
    expect(node.bmc).toMatchObject({ type: 'redfish', systemId: '/redfish/v1/Systems/1' });
    expect(nodeForm(node).systemId).toBe('/redfish/v1/Systems/1');
  });

  it('may stay empty (a scan reads it); a wrong path, or one on an IPMI server, is an inline error', () => {
    expect(checkNodeForm(filled, [])).toEqual({});
    expect(nodeFromForm(filled).bmc.systemId).toBeUndefined();
    expect(checkNodeForm({ ...filled, systemId: 'System 1' }, []).systemId).toContain('/redfish/v1/Systems/1');
    expect(checkNodeForm({ ...filled, type: 'ipmi', systemId: '/redfish/v1/Systems/1' }, []).systemId).toBe('only for a Redfish BMC: leave it empty');
  });
});
