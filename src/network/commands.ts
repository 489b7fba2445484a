// `cloudseed gates FILE`: the pre-flight network gates on their own, before a deployment
// (network verification that is easy to run is less often skipped).
import { CliError, UsageError, type Command } from '../command.js';
import { LabError, loadLab } from '../lab/load.js';
import { loadAnswers } from '../plan/answers.js';
import { formatFinding } from '../plan/findings.js';
import { blockingGates, runGates, type GateResult } from './gates.js';
import { realProbe, simProbe } from './probes.js';

const usage = 'cloudseed gates FILE [--netns NS] [--json]';

function lines(r: GateResult): string[] {
  const state = r.status === 'pass' ? 'pass' : r.acknowledged ? `${r.status} (acknowledged)` : r.status;
  const out = [`${state.padEnd(6)} ${r.id}: ${r.title}`, ...r.details.map((d) => `       ${d}`)];
  if (r.status !== 'pass') out.push(`       fix: ${r.fix}${r.acknowledged ? '' : `; or acknowledge it: add ${r.id} to options.acknowledged`}`);
  return out;
}

const gatesCommand: Command = {
  name: 'gates',
  summary: 'check the network before deploying: other DHCP servers, addresses in use, BMCs',
  usage,
  options: { netns: { type: 'string' } },
  async run(ctx) {
    const [file, ...rest] = ctx.args;
    if (!file) throw new UsageError(`name the answers file: ${usage}`);
    if (rest.length) throw new UsageError(`one answers file only: ${usage}`);
    const loaded = loadAnswers(file);
    if (!loaded.plan) {
      for (const f of loaded.findings) ctx.err(formatFinding(f));
      throw new CliError(`${file}: no plan could be read`, 1);
    }
    const plan = loaded.plan;
    const netns = typeof ctx.flags.netns === 'string' ? ctx.flags.netns : undefined;
    let probe;
    if (plan.driver === 'sim') {
      try {
        probe = simProbe(loadLab(plan.sim?.lab ?? 'two-machine', plan.sim?.seed));
      } catch (e) {
        if (e instanceof LabError) throw new CliError(e.message, 1);
        throw e;
      }
    } else probe = realProbe({ netns });
    const log = ctx.json ? undefined : (line: string) => ctx.err(`  ${line}`);
    const results = await runGates(plan, probe, { signal: ctx.signal, log });
    const blocking = blockingGates(results);
    if (ctx.json) ctx.out(JSON.stringify({ results, blocking: blocking.map((r) => r.id) }, null, 2));
    else {
      for (const r of results) for (const l of lines(r)) ctx.out(l);
      ctx.out(blocking.length ? `${blocking.length} gate(s) block the deployment` : 'no gate blocks the deployment');
    }
    return blocking.length ? 1 : 0;
  },
};

export const commands: Command[] = [gatesCommand];
