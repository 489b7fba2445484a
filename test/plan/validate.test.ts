import { describe, expect, it } from 'vitest';
import { emptyPlan, type Plan } from '../../src/plan/schema.js';
import { checkPlanInput, validate, validatePlan, validateUnknown } from '../../src/plan/validate.js';
import { closest, editDistance } from '../../src/suggest.js';

const bmc = { address: '10.0.0.11', user: 'admin', password: 'x' };
const simPlan = (over: Partial<Parameters<typeof emptyPlan>[0]> = {}): Plan => emptyPlan({ driver: 'sim', sim: { lab: 'two-machine' }, ...over });

describe('plan rules', () => {
  it('a simulated plan with no servers has no plan-level findings', () => {
    expect(validatePlan(simPlan())).toEqual([]);
  });

  it('two servers with the same name (any case) are one finding on the second', () => {
    const findings = validatePlan(simPlan({ nodes: [{ name: 'a', bmc }, { name: 'b', bmc }, { name: 'A', bmc }] }));
    expect(findings).toEqual([expect.objectContaining({ rule: 'plan.node-name-duplicate', where: 'nodes[2].name', screen: 'servers' })]);
  });

  it('a BMC needs exactly one of password and passwordFile', () => {
    const findings = validatePlan(
      simPlan({ nodes: [{ name: 'a', bmc: { address: 'x', user: 'u' } }, { name: 'b', bmc: { ...bmc, passwordFile: '/p' } }, { name: 'c', bmc: { address: 'x', user: 'u', passwordFile: '/p' } }] }),
    );
    expect(findings.map((f) => [f.rule, f.where])).toEqual([
      ['plan.bmc-password-missing', 'nodes[0].bmc.password'],
      ['plan.bmc-password-both', 'nodes[1].bmc.passwordFile'],
    ]);
  });

  it('the sim driver needs a sim section', () => {
    expect(validatePlan(emptyPlan({ driver: 'sim' }))).toEqual([expect.objectContaining({ rule: 'plan.sim-missing', where: 'sim' })]);
    expect(validatePlan(emptyPlan({ driver: 'real' }))).toEqual([]);
  });

  it('an adopted tier needs an Ironic http(s) URL and one credential', () => {
    expect(validatePlan(simPlan({ undercloud: { mode: 'adopt' } }))).toEqual([expect.objectContaining({ rule: 'plan.adopt-needs-ironic', where: 'undercloud.ironic.url' })]);
    const findings = validatePlan(simPlan({ seed: { mode: 'adopt', ironic: { url: 'ftp://x', auth: { type: 'basic', user: 'u' } } } }));
    expect(findings.map((f) => [f.rule, f.where])).toEqual([
      ['plan.ironic-url', 'seed.ironic.url'],
      ['plan.auth-secret', 'seed.ironic.auth.password'],
    ]);
    expect(validatePlan(simPlan({ seed: { mode: 'adopt', ironic: { url: 'http://127.0.0.1:6385', auth: { type: 'token', token: 't' } } } }))).toEqual([]);
  });

  it("an answers file from before seed.vmImage (the seed VM's image in seed.images.image) gets a finding naming both fields", () => {
    const old = checkPlanInput({ version: 1, driver: 'real', seed: { images: { image: 'https://mirror.example.org/seed.qcow2' } } });
    expect(old.plan).toBeDefined();
    expect(validatePlan(old.plan!)).toEqual([
      expect.objectContaining({ rule: 'plan.seed-vm-image-moved', severity: 'error', where: 'seed.images.image', fix: expect.stringContaining('move it to seed.vmImage') }),
    ]);
    const moved = checkPlanInput({ version: 1, driver: 'real', seed: { vmImage: 'https://mirror.example.org/seed.qcow2' } });
    expect(validatePlan(moved.plan!)).toEqual([]);
  });

  it("a tier's images without a kernel or a ramdisk are a finding on the missing field (its Ironic could not deploy)", () => {
    const findings = validatePlan(emptyPlan({ driver: 'real', seed: { vmImage: '/srv/seed.qcow2', images: { image: 'undercloud.qcow2' } }, undercloud: { images: { kernel: 'file:///k' } } }));
    expect(findings.map((f) => [f.rule, f.where])).toEqual([
      ['plan.images-incomplete', 'seed.images.kernel'],
      ['plan.images-incomplete', 'seed.images.ramdisk'],
      ['plan.images-incomplete', 'undercloud.images.ramdisk'],
    ]);
  });

  it('validate() includes the plan rules', () => {
    expect(validate(emptyPlan({ driver: 'sim' })).map((f) => f.rule)).toContain('plan.sim-missing');
  });
});

describe('raw input', () => {
  it('checkPlanInput fills defaults of a minimal plan', () => {
    const { plan, findings } = checkPlanInput({ version: 1 });
    expect(findings).toEqual([]);
    expect(plan?.network.provisioning.cidr).toBe('192.168.24.0/24');
  });

  it('validateUnknown gives path-based findings', () => {
    const findings = validateUnknown({ version: 1, nodes: [{ name: 'a', bmc: { ...bmc, port: '623' } }], driverr: 'sim' });
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      ['nodes[0].bmc.port', 'nodes[0].bmc.port must be a number, not the text "623"'],
      ['driverr', 'driverr is not a known field; did you mean "driver"?'],
    ]);
  });

  it('validateUnknown runs the rules when the schema passes', () => {
    expect(validateUnknown({ version: 1, driver: 'sim' }).map((f) => f.rule)).toEqual(validate(emptyPlan({ driver: 'sim' })).map((f) => f.rule));
  });
});

describe('did you mean', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('usr', 'user')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only near misses', () => {
    expect(closest('adress', ['address', 'user'])).toBe('address');
    expect(closest('colour', ['version', 'name', 'driver'])).toBeUndefined();
    expect(closest('x', ['y'])).toBe('y');
    expect(closest('ab', ['xy'])).toBeUndefined();
  });
});
