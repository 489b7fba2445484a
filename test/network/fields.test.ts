import { describe, expect, it } from 'vitest';
import { checkField, networkSections, readField, type FieldDef } from '../../src/network/fields.js';
import { validateNetwork } from '../../src/network/validate.js';
import { suggestNetwork } from '../../src/network/suggest.js';
import { lab } from './fixtures.js';

function setup() {
  const { plan, facts } = lab('ha-lab');
  const p = { ...plan, network: suggestNetwork({ plan, hostFacts: facts }).network };
  const sections = networkSections(p.network);
  const field = (path: string): FieldDef => sections.flatMap((s) => s.fields).find((f) => f.path === path)!;
  return { plan: p, facts, sections, field };
}

describe('network fields', () => {
  it('lists the sections of the layout', () => {
    const { sections, plan } = setup();
    expect(sections.map((s) => s.id)).toEqual(['ctlplane', 'External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'Management', 'services']);
    expect(networkSections({ ...plan.network, layout: 'flat' }).map((s) => s.id)).toEqual(['ctlplane', 'External', 'services']);
    expect(sections.find((s) => s.id === 'Tenant')!.fields.map((f) => f.label)).not.toContain('VIP');
  });

  it.each([
    ['network.provisioning.seedIp', '192.168.24.300', 'not an IPv4 address'],
    ['network.provisioning.cidr', '192.168.24.1/24', 'the subnet is 192.168.24.0/24'],
    ['network.provisioning.seedIp', '', 'cannot be empty'],
    ['network.isolated.Storage.vlan', '4095', 'outside 1-4094'],
    ['network.isolated.Storage.vlan', 'ten', 'not a VLAN ID'],
    ['network.isolated.Storage.vlan', '', 'cannot be empty'],
    ['network.dns', '1.1.1.1, one.one', 'DNS server "one.one"'],
    ['network.proxy.http', 'proxy:3128x', 'starts with http://'],
    ['network.proxy.http', 'http//', 'not a URL'],
    ['network.isolated.Storage.enabled', 'maybe', 'on or off'],
  ])('%s refuses %j (%s)', (path, text, problem) => {
    const { field } = setup();
    const r = readField(field(path), text);
    expect('problem' in r && r.problem).toContain(problem);
  });

  it.each([
    ['network.external.vlan', '', undefined],
    ['network.external.vlan', '10', 10],
    ['network.isolated.Storage.enabled', 'off', false],
    ['network.dns', '1.1.1.1 9.9.9.9', ['1.1.1.1', '9.9.9.9']],
    ['network.provisioning.gateway', '', undefined],
  ])('%s reads %j', (path, text, value) => {
    const { field } = setup();
    expect(readField(field(path), text)).toEqual({ value });
  });

  it('checkField gives the plan with the value and the findings it brings, wherever they land', () => {
    const { plan, facts, field } = setup();
    const ok = checkField(plan, field('network.provisioning.dhcpEnd'), '192.168.24.40', facts);
    expect(ok.findings).toEqual([]);
    expect(ok.plan!.network.provisioning.dhcpEnd).toBe('192.168.24.40');
    const bad = checkField(plan, field('network.provisioning.dhcpEnd'), '192.168.24.110', facts);
    expect(bad.findings.map((f) => [f.rule, f.where])).toEqual([['network.range-overlap', 'network.provisioning.inspectionStart']]);
    // Given the plan's current findings, one it already has elsewhere is not news.
    expect(checkField(plan, field('network.provisioning.dhcpEnd'), '192.168.24.110', facts, bad.findings).findings).toEqual([]);
    expect(checkField(plan, field('network.provisioning.dhcpEnd'), '192.168.24.110', facts, validateNetwork(plan, facts)).findings).toEqual(bad.findings);
    const unread = checkField(plan, field('network.provisioning.dhcpEnd'), 'x', facts);
    expect(unread.plan).toBeUndefined();
    expect(unread.problem).toContain('not an IPv4 address');
  });

  it('proxy fields drop the proxy when all are empty', () => {
    const { plan, field } = setup();
    const withProxy = field('network.proxy.http').put(plan.network, 'http://p:3128');
    expect(withProxy.proxy).toEqual({ noProxy: [], http: 'http://p:3128' });
    expect(field('network.proxy.http').put(withProxy, undefined).proxy).toBeUndefined();
  });
});
