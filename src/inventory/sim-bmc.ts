// The simulated lab's BMCs: answer as the real ones would, from the lab world, with their
// latencies (tens of ms), a dead address costing the whole time-out, and the lab's faults.
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabServer, LabWorld } from '../lab/world.js';
import { BmcError, bmcPort, type BmcCallOptions, type BmcClient, type BmcIdentity, type BmcInventory, type BmcTarget, type BootDevice, type PowerState } from './bmc.js';

export interface SimBmcOptions {
  /** Multiplies every delay (tests use e.g. 0.01). */
  scale?: number;
  /** How long a dead address takes to give up, before scaling (ipmitool with -N 1 -R 1: ~2 s). */
  deadMs?: number;
  /** How long inspecting one server takes, before scaling (bare metal: 5-15 minutes). */
  inspectMs?: number;
}

export class SimBmcClient implements BmcClient {
  private readonly scale: number;
  private readonly deadMs: number;
  private readonly inspectMs: number;
  /** Power and boot device change as the person acts; the world file stays as loaded. */
  private readonly state = new Map<LabServer, { power: PowerState; boot: BootDevice }>();

  constructor(
    readonly world: LabWorld,
    opts: SimBmcOptions = {},
  ) {
    this.scale = opts.scale ?? 1;
    this.deadMs = opts.deadMs ?? 2000;
    this.inspectMs = opts.inspectMs ?? 300_000;
  }

  private stateOf(s: LabServer) {
    let st = this.state.get(s);
    if (!st) this.state.set(s, (st = { power: s.power, boot: 'disk' }));
    return st;
  }

  /** One exchange with the BMC at the target address: waits as long as the real one would. */
  private async reach(t: BmcTarget, o: BmcCallOptions = {}, exchanges = 1): Promise<LabServer> {
    const server = this.world.servers.find((s) => s.bmc.address === t.address && bmcPort(s.bmc) === bmcPort(t));
    const timeoutMs = o.timeoutMs ?? this.deadMs;
    if (!server || server.faults.includes('bmc-unreachable') || server.bmc.type !== t.type) {
      await sleep(Math.min(this.deadMs, timeoutMs) * this.scale, undefined, { signal: o.signal });
      throw new BmcError('unreachable', 'the BMC does not answer');
    }
    if (server.bmc.user !== t.user || server.bmc.password !== t.password) {
      await sleep(server.bmc.latencyMs * this.scale, undefined, { signal: o.signal });
      throw new BmcError('refused', 'the BMC refused the user name or password');
    }
    await sleep(server.bmc.latencyMs * exchanges * this.scale, undefined, { signal: o.signal });
    return server;
  }

  async powerStatus(t: BmcTarget, o?: BmcCallOptions): Promise<PowerState> {
    return this.stateOf(await this.reach(t, o)).power;
  }

  async setPower(t: BmcTarget, on: boolean, o?: BmcCallOptions): Promise<void> {
    this.stateOf(await this.reach(t, o)).power = on ? 'on' : 'off';
  }

  async setBootPxe(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice> {
    const st = this.stateOf(await this.reach(t, o, 2));
    st.boot = 'pxe';
    return st.boot;
  }

  async bootDevice(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice> {
    return this.stateOf(await this.reach(t, o)).boot;
  }

  async identify(t: BmcTarget, o?: BmcCallOptions): Promise<BmcIdentity> {
    // FRU, LAN and GUID: three exchanges, as with ipmitool
    const s = await this.reach(t, o, 3);
    return {
      vendor: s.vendor,
      product: s.product,
      serial: s.serial,
      guid: s.guid.toLowerCase(),
      ...(s.bmc.mac ? { bmcMac: s.bmc.mac.toLowerCase() } : {}),
      // as sushy-tools names a libvirt domain's system: by its UUID
      ...(s.bmc.type === 'redfish' ? { systemId: `/redfish/v1/Systems/${s.guid.toLowerCase()}` } : {}),
    };
  }

  /** Power on, boot the inspection image over PXE, report the hardware, power off. */
  async inspect(t: BmcTarget, o?: BmcCallOptions): Promise<BmcInventory> {
    const s = await this.reach(t, o, 3);
    if (s.faults.includes('no-pxe') || !s.nics.some((n) => n.pxe)) throw new BmcError('other', 'the server did not boot the inspection image: no NIC boots from the network');
    const st = this.stateOf(s);
    st.power = 'on';
    st.boot = 'pxe';
    await sleep(this.inspectMs * this.scale, undefined, { signal: o?.signal });
    st.power = 'off';
    return {
      cpu: s.cpu.cores,
      memoryMiB: s.memoryMiB,
      diskGiB: s.disks.reduce((m, d) => Math.max(m, d.sizeGiB), 0),
      macs: s.nics.filter((n) => n.pxe).map((n) => n.mac.toLowerCase()),
      pxeNic: s.nics.find((n) => n.pxe)?.name,
    };
  }

  /** Only Redfish BMCs describe the hardware; an IPMI BMC has no such inventory. */
  async inventory(t: BmcTarget, o?: BmcCallOptions): Promise<BmcInventory> {
    const s = await this.reach(t, o, 4);
    if (s.bmc.type !== 'redfish') throw new BmcError('other', 'an IPMI BMC does not report the hardware inventory');
    return {
      cpu: s.cpu.cores,
      memoryMiB: s.memoryMiB,
      diskGiB: s.disks.reduce((m, d) => Math.max(m, d.sizeGiB), 0),
      macs: s.nics.map((n) => n.mac.toLowerCase()),
    };
  }
}
