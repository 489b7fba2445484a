// assets/labs/local-ironic.yaml matches what `npm run lab:up` starts, and is a valid plan.
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../src/assets.js';
import { loadAnswers } from '../../../src/plan/answers.js';
import { validate } from '../../../src/plan/validate.js';
import { LAB_BMC_NET, LAB_IMAGES_DIR, LAB_SERVERS, labNodeName, labPxeMac } from '../../lab/ironic-lab.js';
import { labSpecs } from '../../lab/bmc-lab.js';

describe('assets/labs/local-ironic.yaml', () => {
  const { plan, findings } = loadAnswers(assetPath('labs', 'local-ironic.yaml'));

  it('is a valid real-driver plan adopting both lab Ironics', () => {
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(validate(plan!).filter((f) => f.severity === 'error')).toEqual([]);
    expect(plan!.driver).toBe('real');
    expect(plan!.seed).toMatchObject({ mode: 'adopt', ironic: { url: 'http://127.0.0.1:6385' } });
    expect(plan!.undercloud).toMatchObject({ mode: 'adopt', ironic: { url: 'http://127.0.0.2:6385' } });
  });

  it("names the lab's BMCs, PXE MACs and images", () => {
    const bmcs = labSpecs(LAB_SERVERS, LAB_BMC_NET, 1);
    expect(plan!.nodes.map((n) => [n.name, n.bmc.address, n.macs])).toEqual(bmcs.map((b, i) => [labNodeName(i), b.address, [labPxeMac(i)]]));
    expect(plan!.undercloud.images).toEqual({ kernel: `file://${LAB_IMAGES_DIR}/deploy.kernel`, ramdisk: `file://${LAB_IMAGES_DIR}/deploy.initramfs` });
  });
});
