// Every step kind's module: the one place a step's meaning is written, for every world.
import type { StepKind } from '../types.js';
import type { StepModule } from './common.js';
import { hostChecks } from './host-checks.js';
import { ironicCheck } from './ironic-check.js';
import { matchRoles } from './match-roles.js';
import { networkGates } from './network-gates.js';
import { provisionStep } from './provision.js';
import { retire } from './retire.js';
import { credentials, overcloudImages, seedImage, toolStep } from './tools.js';
import { undercloudVm } from './undercloud-vm.js';
import { overcloudUpgrade, seedUpgrade, undercloudUpgrade } from './upgrade.js';

export type { StepModule } from './common.js';

export const STEP_MODULES: Record<StepKind, StepModule> = {
  'seed.host-checks': hostChecks,
  'seed.network-gates': networkGates,
  'seed.bridge': toolStep,
  'seed.image': seedImage,
  'seed.vm': toolStep,
  'seed.ironic': ironicCheck,
  'seed.adopt-check': ironicCheck,
  'seed.undercloud-vm': undercloudVm,
  'seed.enrol-undercloud': provisionStep('enrolled'),
  'undercloud.manage': provisionStep('manageable'),
  'undercloud.inspect': provisionStep('inspected'),
  'undercloud.provide': provisionStep('available'),
  'undercloud.deploy': provisionStep('active'),
  'undercloud.wait-active': provisionStep('active'),
  'undercloud.configure': toolStep,
  'undercloud.check-apis': ironicCheck,
  'undercloud.adopt-check': ironicCheck,
  'overcloud.images': overcloudImages,
  // The overcloud's servers are verified at enrolment, and wait in "available" for their role.
  'overcloud.enrol': provisionStep('manageable'),
  'overcloud.inspect': provisionStep('inspected', 'available'),
  'overcloud.match-roles': matchRoles,
  'overcloud.deploy': provisionStep('active'),
  'overcloud.configure': toolStep,
  'overcloud.credentials': credentials,
  'overcloud.post-endpoints': toolStep,
  'overcloud.test-instance': toolStep,
  'overcloud.retire': retire,
  'seed.upgrade': seedUpgrade,
  'undercloud.upgrade': undercloudUpgrade,
  'overcloud.upgrade-prepare': overcloudUpgrade,
  'overcloud.upgrade-run': overcloudUpgrade,
  'overcloud.upgrade-converge': overcloudUpgrade,
};
