// The ports a step talks to the world through. A step module (src/deploy/steps) is written
// once against these; the sim driver plugs in the simulated lab's adapters (a fake Ironic
// moved by src/ironic/states.ts, the lab's BMCs, network facts and tool output), the real
// driver the real ones (Ironic's REST API, IPMI/Redfish, the netns-capable probes, execa).
import type { BmcClient } from '../inventory/bmc.js';
import type { HostProbe } from '../inventory/probe.js';
import type { IronicApi } from '../ironic/client.js';
import type { NetworkProbe } from '../network/gates.js';
import type { Plan } from '../plan/schema.js';
import type { Clock } from './clock.js';
import type { StepContext } from './types.js';

export type { BmcClient, HostProbe, IronicApi, NetworkProbe, Clock };

export interface ToolRequest {
  argv: string[];
  /** The step's id (a simulated world plays the command at that step's pace). */
  step?: string;
  timeoutMs: number;
  signal: AbortSignal;
  log?(line: string): void;
  progress?(fraction: number, note?: string): void;
  /** The world time this command takes in a simulated world (its share of the step's estimate). */
  worldMs?: number;
}

/** Runs external commands (argument arrays); throws a StepError on failure. */
export interface ToolRunner {
  run(req: ToolRequest): Promise<{ lines: string[] }>;
  /** Stops every command still running. */
  stopAll(): void;
}

/** Which cloud's Ironic: the seed's (for the undercloud server) or the undercloud's (overcloud). */
export type IronicTier = 'seed' | 'undercloud';

export interface World {
  readonly name: 'sim' | 'real';
  /** Time scale (sim `--speed`); 1 for the real world. */
  readonly speed: number;
  readonly clock: Clock;
  ironic(plan: Plan, tier: IronicTier): IronicApi;
  readonly bmc: BmcClient;
  readonly network: NetworkProbe;
  readonly host: HostProbe;
  readonly tools: ToolRunner;
  /** Longest pause between two polls of an Ironic node (real world). */
  readonly pollMaxMs?: number;
  /**
   * A step starts acting on its servers: a simulated world routes what its conductor does to
   * that step's log and plays the step's own pace. Returns what to call when the step ends.
   */
  attach?(ctx: StepContext): { done(): Promise<void>; detach(): void };
  close(): Promise<void>;
}
