// Picks the BMC client: the simulated lab's, or the real one routing by BMC type.
import type { LabWorld } from '../lab/world.js';
import { BmcError, type BmcCallOptions, type BmcClient, type BmcTarget } from './bmc.js';
import { IpmitoolClient } from './ipmi.js';
import { RedfishClient } from './redfish.js';
import { SimBmcClient, type SimBmcOptions } from './sim-bmc.js';

/** IPMI targets go to ipmitool, Redfish targets to the HTTPS client. */
export class RealBmcClient implements BmcClient {
  constructor(
    readonly ipmi: BmcClient = new IpmitoolClient(),
    readonly redfish: BmcClient = new RedfishClient(),
  ) {}
  private pick(t: BmcTarget) {
    return t.type === 'redfish' ? this.redfish : this.ipmi;
  }
  powerStatus(t: BmcTarget, o?: BmcCallOptions) {
    return this.pick(t).powerStatus(t, o);
  }
  setPower(t: BmcTarget, on: boolean, o?: BmcCallOptions) {
    return this.pick(t).setPower(t, on, o);
  }
  setBootPxe(t: BmcTarget, o?: BmcCallOptions) {
    return this.pick(t).setBootPxe(t, o);
  }
  bootDevice(t: BmcTarget, o?: BmcCallOptions) {
    return this.pick(t).bootDevice(t, o);
  }
  identify(t: BmcTarget, o?: BmcCallOptions) {
    return this.pick(t).identify(t, o);
  }
  async survey(t: BmcTarget, o?: BmcCallOptions) {
    const c = this.pick(t);
    if (c.survey) return c.survey(t, o);
    const power = await c.powerStatus(t, o);
    return { power, identity: await c.identify(t, o) };
  }
  /** Redfish reads the inventory; IPMI servers are inspected by the undercloud's Ironic. */
  async inspect(t: BmcTarget, o?: BmcCallOptions) {
    const c = this.pick(t);
    if (t.type === 'redfish' && c.inventory) return c.inventory(t, o);
    throw new BmcError('other', "an IPMI server is inspected by the undercloud's Ironic (introspection) during the deployment; until then its declared facts count");
  }
  async inventory(t: BmcTarget, o?: BmcCallOptions) {
    const c = this.pick(t);
    return c.inventory ? c.inventory(t, o) : {};
  }
}

/** The client for a lab world (sim driver) or for the real world. */
export function bmcClientFor(lab: LabWorld | undefined, sim: SimBmcOptions = {}): BmcClient {
  return lab ? new SimBmcClient(lab, sim) : new RealBmcClient();
}
