// `cloudseed validate FILE` and `cloudseed schema`.
import { CliError, UsageError, type Command } from '../command.js';
import { UNREADABLE_RULE, loadAnswers } from './answers.js';
import { formatFinding, hasErrors } from './findings.js';
import { planJsonSchema } from './schema.js';

const validateCommand: Command = {
  name: 'validate',
  summary: 'check an answers file (YAML or JSON); exit 1 on errors',
  usage: 'cloudseed validate FILE [--json]',
  options: {},
  async run(ctx) {
    const [file, ...extra] = ctx.args;
    if (!file) throw new UsageError('validate needs the answers file: cloudseed validate FILE');
    if (extra.length) throw new UsageError(`validate takes one file, not ${ctx.args.length}: cloudseed validate FILE`);
    const { findings } = loadAnswers(file);
    const unreadable = findings.find((f) => f.rule === UNREADABLE_RULE);
    if (unreadable) throw new CliError(`${file}: ${unreadable.message.replace(/^cannot read the answers file: /, 'cannot read: ')}`, 2);

    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    if (ctx.json) {
      ctx.out(JSON.stringify({ file, ok: errors === 0, errors, warnings, findings }));
    } else {
      for (const f of findings) ctx.out(formatFinding(f));
      ctx.err(findings.length ? `${file}: ${errors} error(s), ${warnings} warning(s)` : `${file}: no problems found`);
    }
    return hasErrors(findings) ? 1 : 0;
  },
};

const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of the answers file (for editors)',
  usage: 'cloudseed schema',
  options: {},
  async run(ctx) {
    if (ctx.args.length) throw new UsageError('schema takes no arguments: cloudseed schema');
    ctx.out(JSON.stringify(planJsonSchema(), null, 2));
    return 0;
  },
};

export const commands: Command[] = [validateCommand, schemaCommand];
