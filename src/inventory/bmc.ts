// What cloudseed asks of a server's BMC, whatever speaks to it: ipmitool (ipmi.ts),
// Redfish over HTTPS (redfish.ts) or the simulated lab (sim-bmc.ts).
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Node } from '../plan/schema.js';

export interface BmcTarget {
  type: 'ipmi' | 'redfish';
  address: string;
  port?: number;
  user: string;
  password: string;
  /** Redfish: the System to act on (else the first the BMC lists). */
  systemId?: string;
}

/** The port a BMC listens on: the one given, else its protocol's (Redfish 443, IPMI 623). */
export function bmcPort(bmc: { type: string; port?: number }): number {
  return bmc.port ?? (bmc.type === 'redfish' ? 443 : 623);
}

export type PowerState = 'on' | 'off';
export type BootDevice = 'pxe' | 'disk' | 'cdrom' | 'bios' | 'none' | 'unknown';

/** What a BMC says about the server it sits in (FRU, LAN settings, GUID). */
export interface BmcIdentity {
  vendor?: string;
  product?: string;
  serial?: string;
  guid?: string;
  /** The BMC's own MAC (not a PXE MAC). */
  bmcMac?: string;
  /** Redfish: the System resource the BMC answered for (instackenv `pm_system_id`). */
  systemId?: string;
}

/** A server's FRU fields by area, as ipmitool's report and the binary FRU image both hold them. */
interface FruAreas {
  productVendor?: string;
  productName?: string;
  productSerial?: string;
  boardVendor?: string;
  boardName?: string;
  boardSerial?: string;
  chassisSerial?: string;
}

/** Vendor, product and serial from the FRU: the product area first, then board and chassis. */
export function fruIdentity(f: FruAreas): Pick<BmcIdentity, 'vendor' | 'product' | 'serial'> {
  const first = (...xs: (string | undefined)[]) => xs.find((x) => x && x.length > 0);
  const vendor = first(f.productVendor, f.boardVendor);
  const product = first(f.productName, f.boardName);
  const serial = first(f.productSerial, f.chassisSerial, f.boardSerial);
  return { ...(vendor ? { vendor } : {}), ...(product ? { product } : {}), ...(serial ? { serial } : {}) };
}

/** Hardware inventory, where the BMC offers one (Redfish); IPMI does not. */
export interface BmcInventory {
  cpu?: number;
  memoryMiB?: number;
  diskGiB?: number;
  /** MACs of the server's NICs. */
  macs?: string[];
  /** Inspection: the name of the NIC the server booted the inspection image from. */
  pxeNic?: string;
}

export interface BmcCallOptions {
  signal?: AbortSignal;
  /** Give up on this call after this long (the BMC counts as unreachable). */
  timeoutMs?: number;
}

export interface BmcClient {
  powerStatus(t: BmcTarget, o?: BmcCallOptions): Promise<PowerState>;
  setPower(t: BmcTarget, on: boolean, o?: BmcCallOptions): Promise<void>;
  /** Next boot from the network; returns the device the BMC reports afterwards. */
  setBootPxe(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice>;
  bootDevice(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice>;
  identify(t: BmcTarget, o?: BmcCallOptions): Promise<BmcIdentity>;
  inventory?(t: BmcTarget, o?: BmcCallOptions): Promise<BmcInventory>;
  /**
   * Hardware inspection: the server boots an inspection image and reports CPUs, memory, disks
   * and NICs (what Ironic introspection does). Leaves the server powered off.
   */
  inspect?(t: BmcTarget, o?: BmcCallOptions): Promise<BmcInventory>;
  /** Power state and identity in one exchange, where the client can do that cheaper than two. */
  survey?(t: BmcTarget, o?: BmcCallOptions): Promise<{ power: PowerState; identity: BmcIdentity }>;
}

export type BmcErrorKind = 'unreachable' | 'refused' | 'other';

export class BmcError extends Error {
  override name = 'BmcError';
  constructor(
    readonly kind: BmcErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The likely cause of a BMC problem and what to do, in plain words. */
export function explainBmcError(kind: BmcErrorKind): { cause: string; fix: string } {
  switch (kind) {
    case 'unreachable':
      return {
        cause: 'no answer from the BMC: a wrong address, a BMC port not cabled, IPMI over LAN switched off, or a firewall dropping UDP 623',
        fix: 'check the address in the BMC setup (F10/Ctrl-E at boot or the web interface), the cable of the BMC port, and that IPMI over LAN is enabled',
      };
    case 'refused':
      return {
        cause: 'the BMC answered but refused the user name or password',
        fix: 'correct the user and password for this server (an administrator account of the BMC)',
      };
    case 'other':
      return {
        cause: 'the BMC answered with an error',
        fix: 'look at the message; a BMC reset (mc reset cold) often helps',
      };
  }
}

export function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR');
}

/** The password of a node's BMC: inline, or the first line of its password file. */
export async function bmcTarget(node: Node): Promise<BmcTarget> {
  let password = node.bmc.password;
  if (password === undefined && node.bmc.passwordFile) password = (await readFile(node.bmc.passwordFile, 'utf8')).split('\n')[0];
  return {
    type: node.bmc.type,
    address: node.bmc.address,
    ...(node.bmc.port ? { port: node.bmc.port } : {}),
    user: node.bmc.user,
    password: password ?? '',
    ...(node.bmc.systemId ? { systemId: node.bmc.systemId } : {}),
  };
}


/**
 * A signal that follows `parent` and may carry `listeners` abort listeners (one per call in
 * flight) without Node's leak warning.
 */
export function fanOutSignal(parent: AbortSignal | undefined, listeners: number): AbortSignal {
  const ac = new AbortController();
  setMaxListeners(listeners + 10, ac.signal);
  if (parent?.aborted) ac.abort(parent.reason);
  else parent?.addEventListener('abort', () => ac.abort(parent.reason), { once: true });
  return ac.signal;
}
