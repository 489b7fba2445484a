// Faults the sim driver plays, from `--faults`: `bmc-timeout:node-02`, `pxe-fail:node-05:2`
// (fails twice, then works), `deploy-fail:node-07`, `upgrade-fail:node-04` (its upgrade batch
// fails), `slow:overcloud.deploy:3` (three times slower).

const FAULT_KINDS = ['bmc-timeout', 'pxe-fail', 'deploy-fail', 'upgrade-fail', 'slow'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** A server name, or for `slow` a step kind or id (`overcloud.deploy`, `seed.vm`). */
  target: string;
  /** Failing faults: how many times it fails (Infinity: until the person fixes it). `slow`: the factor. */
  count: number;
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

/** Parses `kind:target[:n]` items, separated by commas or given as a list. */
export function parseFaults(spec: string | readonly string[] | undefined): Fault[] {
  const items = (typeof spec === 'string' ? [spec] : (spec ?? [])).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  return items.map((item) => {
    const [kind, target, n, ...rest] = item.split(':');
    if (!FAULT_KINDS.includes(kind as FaultKind)) {
      throw new FaultSpecError(`fault "${item}": unknown kind "${kind}" -- use one of ${FAULT_KINDS.join(', ')}`);
    }
    if (!target || rest.length) throw new FaultSpecError(`fault "${item}": write it as ${kind}:${kind === 'slow' ? 'STEP:FACTOR' : 'SERVER[:TIMES]'}`);
    const count = n === undefined ? (kind === 'slow' ? 2 : Infinity) : Number(n);
    if (Number.isNaN(count) || count <= 0) throw new FaultSpecError(`fault "${item}": ${n} is not a positive number`);
    return { kind: kind as FaultKind, target, count };
  });
}

/** Tracks how often each failing fault has fired. */
export class FaultBook {
  private fired = new Map<Fault, number>();
  constructor(readonly faults: readonly Fault[]) {}

  /** True (and counted) when `kind` on `node` should fail this time. */
  fire(kind: Exclude<FaultKind, 'slow'>, node: string): boolean {
    const f = this.faults.find((x) => x.kind === kind && x.target === node);
    if (!f) return false;
    const n = this.fired.get(f) ?? 0;
    if (n >= f.count) return false;
    this.fired.set(f, n + 1);
    return true;
  }

  /** Duration factor for a step (product of matching `slow` faults). */
  slowFactor(stepId: string, kind: string): number {
    let factor = 1;
    for (const f of this.faults) {
      if (f.kind === 'slow' && (f.target === kind || f.target === stepId || stepId.startsWith(f.target + '.'))) factor *= f.count;
    }
    return factor;
  }
}
