// The simulated lab's options (`--speed`, `--seed`, `--faults`), read the same way by the
// installer (src/cli-core.ts) and by every run command (src/deploy/run-command.ts). Light on
// purpose: the installer's first chunk imports it.
import { UsageError, type OptionSpec } from '../command.js';

export const SIM_OPTIONS = {
  speed: { type: 'string' },
  faults: { type: 'string' },
  seed: { type: 'string' },
} as const satisfies OptionSpec;

/** The sim's time scale, slowest and fastest: beyond them step timeouts overflow Node's timers or race the steps. */
export const SPEED_RANGE = [0.01, 10_000] as const;

/** `--speed N` (times real time) or `--speed max` (virtual time); undefined when not given. */
export function parseSpeedFlag(value: unknown): number | 'max' | undefined {
  if (value === undefined) return undefined;
  if (value === 'max') return 'max';
  const n = Number(value);
  const [slowest, fastest] = SPEED_RANGE;
  if (typeof value !== 'string' || !(n >= slowest && n <= fastest)) throw new UsageError(`--speed takes a number from ${slowest} to ${fastest} (times real time), or "max", not "${String(value)}"`);
  return n;
}

export function parseSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n)) throw new UsageError(`--seed takes a whole number, not "${String(value)}"`);
  return n;
}
