// An in-process Ironic for the simulated lab. It answers the calls cloudseed makes of a real
// one (IronicApi) and moves nodes only along the transitions of src/ironic/states.ts: an API
// verb starts a transition, and a small conductor plays the rest (done, wait, resume, fail)
// against the lab's hardware — its BMCs, PXE, disks and faults — in the lab's world time.
import { IronicError, settledOrFailed, type IronicApi, type IronicNode, type IronicPort, type NodeCreate, type PatchOp, type WaitOptions } from './client.js';
import { API_TARGETS, nextState, STATES, type ProvisionEvent, type ProvisionState, type ProvisionTarget } from './states.js';

/** The lab's hardware, as the fake conductor meets it. */
export interface FakeHardware {
  /** Plays `worldMs` of the conductor's work on `node` (scaled to the clock, with the lab's jitter). */
  sleep(node: string, worldMs: number): Promise<void>;
  /** A line of the conductor's (or dnsmasq's) log about `node`. */
  log(node: string, line: string, level?: 'info' | 'warn' | 'error'): void;
  /** Power status through the node's driver_info: its power state, or why the BMC failed. */
  powerStatus(node: string, driverInfo: Record<string, unknown>): { power: 'power on' | 'power off' } | { error: string };
  /** The node PXE boots now (false: no DHCP request came). */
  pxeBoots(node: string): boolean;
  /** Why writing the image fails this time, if it does. */
  deployFails(node: string): string | undefined;
  /** What introspection finds (properties), and one line about it. */
  inspect(node: string): { properties: Record<string, unknown>; line: string };
  /** The node's PXE MAC and the address dnsmasq gives it. */
  pxeAddress(node: string): { mac: string; ip: string };
}

export interface FakeIronicOptions {
  url: string;
  hardware: FakeHardware;
  /** World time of introspection once booted, and of writing the image. */
  inspectMs: number;
  writeImageMs: number;
  /** The image written (for the log). */
  image: string;
  /** Nodes already there (a resumed run: Ironic's database outlives cloudseed). */
  nodes?: { spec: NodeCreate; macs: string[]; state: ProvisionState; inspected: boolean }[];
}

const S = 1000;
const MIN = 60 * S;

/**
 * A copy of plain API data, as an HTTP answer would be: what the caller changes never reaches
 * the conductor's node. (structuredClone does the same at many times the cost, per poll.)
 */
function apiCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(apiCopy) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = apiCopy(v);
  return out as T;
}

export class FakeIronic implements IronicApi {
  readonly url: string;
  private readonly nodes = new Map<string, IronicNode>();
  /** Name → UUID and MAC → port: a data centre's thousand servers are looked up by both. */
  private readonly names = new Map<string, string>();
  private readonly ports = new Map<string, IronicPort>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private seq = 0;

  constructor(private readonly opts: FakeIronicOptions) {
    this.url = opts.url;
    for (const n of opts.nodes ?? []) {
      const node = this.add(n.spec);
      node.provision_state = n.state;
      node.power_state = n.state === 'active' ? 'power on' : 'power off';
      if (n.inspected) node.inspection_finished_at = new Date(0).toISOString();
      for (const mac of n.macs) this.ports.set(mac.toLowerCase(), { uuid: this.uuid('p'), address: mac.toLowerCase(), node_uuid: node.uuid });
    }
  }

  private uuid(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(7, '0')}-0000-4000-8000-000000000000`;
  }

  private add(spec: NodeCreate): IronicNode {
    const node: IronicNode = {
      uuid: this.uuid('n'),
      name: spec.name,
      driver: spec.driver,
      driver_info: { ...spec.driver_info },
      properties: { ...(spec.properties ?? {}) },
      instance_info: { ...(spec.instance_info ?? {}) },
      provision_state: 'enroll',
      target_provision_state: null,
      power_state: null,
      target_power_state: null,
      last_error: null,
      maintenance: false,
      maintenance_reason: null,
      inspection_finished_at: null,
    };
    this.nodes.set(node.uuid, node);
    this.names.set(spec.name, node.uuid);
    return node;
  }

  private find(id: string): IronicNode | undefined {
    return this.nodes.get(id) ?? this.nodes.get(this.names.get(id) ?? '');
  }

  private must(id: string): IronicNode {
    const n = this.find(id);
    if (!n) throw new IronicError('not-found', `Ironic refused GET /v1/nodes/${id}: Node ${id} could not be found.`, { url: this.url, status: 404 });
    return n;
  }

  private changed(node: IronicNode): void {
    for (const w of this.watchers.get(node.uuid) ?? []) w();
  }

  /** Moves `node` by `event`, as the state table allows (a refused event is a bug of the conductor below). */
  private fire(node: IronicNode, event: ProvisionEvent, lastError?: string): void {
    const to = nextState(node.provision_state, event);
    if (!to) throw new Error(`fake Ironic: no transition from "${node.provision_state}" on "${event}"`);
    node.provision_state = to;
    const spec = STATES[to];
    // Stable states clear the target; failures keep it (as Ironic does).
    node.target_provision_state = spec.stable ? null : (spec.target ?? null);
    if (lastError !== undefined) node.last_error = lastError;
    this.changed(node);
  }

  async version(): Promise<{ min: string; max: string }> {
    return { min: '1.1', max: '1.82' };
  }
  async getNode(id: string): Promise<IronicNode | undefined> {
    const n = this.find(id);
    return n && apiCopy(n);
  }
  async listNodes(): Promise<IronicNode[]> {
    return [...this.nodes.values()].map((n) => apiCopy(n));
  }
  async createNode(spec: NodeCreate): Promise<IronicNode> {
    if (this.find(spec.name)) {
      throw new IronicError('conflict', `Ironic refused POST /v1/nodes: A node with name ${spec.name} already exists.`, { url: this.url, status: 409 });
    }
    return apiCopy(this.add(spec));
  }
  async patchNode(id: string, ops: PatchOp[]): Promise<IronicNode> {
    const n = this.must(id);
    for (const op of ops) {
      const [, field, key] = op.path.split('/');
      const record = n as unknown as Record<string, unknown>;
      if (key === undefined) {
        if (op.op === 'remove') delete record[field];
        else record[field] = op.value;
      } else {
        const obj = ((record[field] as Record<string, unknown> | undefined) ??= {});
        if (op.op === 'remove') delete obj[key];
        else obj[key] = op.value;
      }
    }
    return apiCopy(n);
  }
  async clearMaintenance(id: string): Promise<void> {
    const n = this.must(id);
    n.maintenance = false;
    n.maintenance_reason = null;
  }
  async setMaintenance(id: string, reason: string): Promise<void> {
    const n = this.must(id);
    n.maintenance = true;
    n.maintenance_reason = reason;
  }
  async deleteNode(id: string): Promise<void> {
    const n = this.must(id);
    // As Ironic's conductor: a node in use is removed only in maintenance (or in a safe state).
    if (!n.maintenance && !['enroll', 'manageable', 'available'].includes(n.provision_state)) {
      const faultstring = `Can not delete node "${n.uuid}" while it is in provision state "${n.provision_state}". Valid provision states to perform deletion are: "enroll, manageable, available", or set the node into maintenance mode`;
      throw new IronicError('conflict', `Ironic refused DELETE /v1/nodes/${id}: ${faultstring}`, { url: this.url, status: 409, faultstring });
    }
    this.nodes.delete(n.uuid);
    if (n.name) this.names.delete(n.name);
    for (const [mac, p] of this.ports) if (p.node_uuid === n.uuid) this.ports.delete(mac);
  }
  async portsByAddress(mac: string): Promise<IronicPort[]> {
    const port = this.ports.get(mac.toLowerCase());
    return port ? [{ ...port }] : [];
  }
  async nodePorts(nodeUuid: string): Promise<IronicPort[]> {
    return [...this.ports.values()].filter((p) => p.node_uuid === nodeUuid).map((p) => ({ ...p }));
  }
  async createPort(nodeUuid: string, mac: string): Promise<IronicPort> {
    if (this.ports.has(mac.toLowerCase())) {
      throw new IronicError('conflict', `Ironic refused POST /v1/ports: A port with MAC address ${mac.toLowerCase()} already exists.`, { url: this.url, status: 409 });
    }
    const port = { uuid: this.uuid('p'), address: mac.toLowerCase(), node_uuid: nodeUuid };
    this.ports.set(port.address, port);
    return { ...port };
  }

  async setProvisionState(id: string, target: ProvisionTarget): Promise<void> {
    const n = this.must(id);
    const event = API_TARGETS[target];
    const to = nextState(n.provision_state, event);
    if (!to || (n.target_provision_state && !STATES[n.provision_state as ProvisionState]?.failed)) {
      const faultstring = `The requested action "${target}" can not be performed on node "${n.uuid}" while it is in state "${n.provision_state}".`;
      throw new IronicError('http', `Ironic refused PUT /v1/nodes/${id}/states/provision: ${faultstring}`, { url: this.url, status: 400, faultstring });
    }
    if (target === 'inspect' && n.driver !== 'ipmi' && n.driver !== 'redfish') {
      const faultstring = `Driver ${n.driver} does not support inspect`;
      throw new IronicError('http', `Ironic refused PUT /v1/nodes/${id}/states/provision: ${faultstring}`, { url: this.url, status: 400, faultstring });
    }
    n.last_error = null;
    this.fire(n, event);
    // The conductor works on in the background, as Ironic's does after its 202.
    void this.conduct(n).catch(() => {
      /* the world closed under it */
    });
  }

  async waitForNode(id: string, settled: (node: IronicNode) => boolean, opts: WaitOptions): Promise<IronicNode> {
    const n = this.must(id);
    return new Promise<IronicNode>((resolve, reject) => {
      const watchers = this.watchers.get(n.uuid) ?? new Set<() => void>();
      this.watchers.set(n.uuid, watchers);
      const stop = () => {
        watchers.delete(check);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        stop();
        reject(new IronicError('aborted', 'stopped'));
      };
      const check = () => {
        const copy = apiCopy(n);
        opts.onChange?.(copy);
        try {
          if (settledOrFailed(copy, settled, opts.inMaintenance)) {
            stop();
            resolve(copy);
          }
        } catch (e) {
          stop();
          reject(e);
        }
      };
      if (opts.signal?.aborted) return reject(new IronicError('aborted', 'stopped'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      watchers.add(check);
      check();
    });
  }

  /** The conductor: what Ironic does after each verb, event by event. */
  private async conduct(n: IronicNode): Promise<void> {
    const hw = this.opts.hardware;
    const name = n.name ?? n.uuid;
    switch (n.provision_state) {
      case 'verifying': {
        await hw.sleep(name, 20 * S);
        const power = hw.powerStatus(name, n.driver_info ?? {});
        if ('error' in power) {
          hw.log(name, `${name}: verifying failed: ${power.error}`, 'error');
          return this.fire(n, 'fail', `Failed to get power state for node ${n.uuid}: ${power.error}`);
        }
        n.power_state = power.power;
        hw.log(name, `${name}: power state ${power.power}`);
        return this.fire(n, 'done');
      }
      case 'inspecting': {
        if (!(await this.pxeBoot(n, 'inspection'))) return;
        this.fire(n, 'wait');
        await hw.sleep(name, this.opts.inspectMs);
        const found = hw.inspect(name);
        n.properties = { ...n.properties, ...found.properties };
        n.inspection_finished_at = new Date(0).toISOString();
        n.power_state = 'power off';
        hw.log(name, found.line);
        return this.fire(n, 'done');
      }
      case 'cleaning': {
        await hw.sleep(name, 60 * S);
        this.fire(n, 'wait');
        await hw.sleep(name, 2 * MIN);
        this.fire(n, 'resume');
        return this.fire(n, 'done');
      }
      case 'deploying': {
        if (!(await this.pxeBoot(n, 'deployment'))) return;
        this.fire(n, 'wait');
        hw.log(name, `ironic-python-agent on ${name}: writing ${this.opts.image} to /dev/sda`);
        await hw.sleep(name, this.opts.writeImageMs);
        const failure = hw.deployFails(name);
        if (failure) {
          hw.log(name, `ERROR ironic.conductor.utils [-] Node ${name} moved to provision state "deploy failed" from state "wait call-back"`, 'error');
          return this.fire(n, 'fail', failure);
        }
        this.fire(n, 'resume');
        hw.log(name, `${name}: installing the boot loader, rebooting into the instance`);
        await hw.sleep(name, 60 * S);
        n.power_state = 'power on';
        return this.fire(n, 'done');
      }
      case 'deleting': {
        await hw.sleep(name, 30 * S);
        // Tear down powers the server off through its BMC; a dead BMC leaves it in "error".
        const power = hw.powerStatus(name, n.driver_info ?? {});
        if ('error' in power) {
          hw.log(name, `${name}: tear down failed: ${power.error}`, 'error');
          return this.fire(n, 'fail', `Failed to tear down ${n.uuid}: power off: ${power.error}`);
        }
        n.power_state = 'power off';
        this.fire(n, 'clean');
        await hw.sleep(name, 60 * S);
        return this.fire(n, 'done');
      }
    }
  }

  /** Sets PXE, powers on and waits for the DHCP request; a server that never asks fails the action. */
  private async pxeBoot(n: IronicNode, phase: 'inspection' | 'deployment'): Promise<boolean> {
    const hw = this.opts.hardware;
    const name = n.name ?? n.uuid;
    const { mac, ip } = hw.pxeAddress(name);
    hw.log(name, `ipmitool chassis bootdev pxe; power on ${name}`);
    n.power_state = 'power on';
    if (!hw.pxeBoots(name)) {
      await hw.sleep(name, 4 * MIN);
      n.power_state = 'power off';
      this.fire(n, 'fail', `did not PXE boot during ${phase}: no DHCP request from ${mac} (timeout)`);
      return false;
    }
    await hw.sleep(name, 75 * S);
    hw.log(name, `dnsmasq-dhcp: DHCPDISCOVER(brbm) ${mac}`);
    hw.log(name, `dnsmasq-dhcp: DHCPOFFER(brbm) ${ip} ${mac}`);
    hw.log(name, `dnsmasq-tftp: sent /tftpboot/ipxe.efi to ${ip}`);
    return true;
  }
}
