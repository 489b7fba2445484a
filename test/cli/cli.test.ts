// The command line in-process: flags, exit codes, plain and JSON output, the TUI hand-off.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCaptured } from './capture.js';
import { commands, runCli, uiOptionsFrom, VERSION, type CliHooks, type TuiOptions } from '../../src/cli.js';
import { CliError } from '../../src/command.js';
import { logFile } from '../../src/store/paths.js';

const stateDir = mkdtempSync(join(tmpdir(), 'cs-cli-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

const run = (argv: string[], hooks: Partial<CliHooks> = {}) => runCaptured(argv, { env: { CLOUDSEED_STATE_DIR: stateDir, LANG: 'C.UTF-8' }, ...hooks });

describe('cloudseed validate', () => {
  it('a broken file: one line per problem with file:line:column, exit 1', async () => {
    const file = fixture('broken.yaml');
    const { code, out, err } = await run(['validate', file]);
    expect(code).toBe(1);
    expect(out).toEqual([
      `error ${file}:9:13: nodes[0].bmc.port must be a number, not the text "six" -- write a number`,
      `error ${file}:10:7: nodes[0].bmc.usr is not a known field; did you mean "user"? -- rename it to "user"`,
      `error ${file}:12:11: nodes[0].arch is the text "x86", not one of: x86_64, aarch64, ppc64le -- write one of: x86_64, aarch64, ppc64le`,
    ]);
    expect(err).toEqual([`${file}: 3 error(s), 0 warning(s)`]);
  });

  it('a good file: exit 0', async () => {
    const { code, out, err } = await run(['validate', fixture('good.yaml')]);
    expect(out).toEqual([]);
    expect(err).toEqual([`${fixture('good.yaml')}: no problems found`]);
    expect(code).toBe(0);
  });

  it('--json gives one JSON document with every finding', async () => {
    const { code, out } = await run(['validate', '--json', fixture('broken.yaml')]);
    expect(code).toBe(1);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]);
    expect(report).toMatchObject({ file: fixture('broken.yaml'), ok: false, errors: 3, warnings: 0 });
    expect(report.findings[1]).toMatchObject({ severity: 'error', rule: 'answers.unknown-key', fix: 'rename it to "user"' });
  });

  it('a missing file, a folder or no file at all: one line, exit 2', async () => {
    const missing = await run(['validate', join(stateDir, 'nope.yaml')]);
    expect(missing).toMatchObject({ code: 2, out: [], err: [`cloudseed: ${join(stateDir, 'nope.yaml')}: cannot read: no such file`] });
    const folder = await run(['validate', stateDir]);
    expect(folder.code).toBe(2);
    expect(folder.err).toHaveLength(1);
    const none = await run(['validate']);
    expect(none).toMatchObject({ code: 2, err: ['cloudseed: validate needs the answers file: cloudseed validate FILE'] });
  });
});

describe('flags and commands', () => {
  it('--help lists every command with one line', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    // A long summary wraps under itself so that every line fits a serial console.
    const text = out.join('\n').replace(/\s+/g, ' ');
    for (const c of commands) {
      expect(out.some((line) => line.startsWith(`  ${c.name} `))).toBe(true);
      expect(text).toContain(` ${c.name} ${c.summary.replace(/\s+/g, ' ')}`);
    }
    for (const line of out) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('COMMAND --help prints its usage', async () => {
    const { code, out } = await run(['validate', '--help']);
    expect(code).toBe(0);
    expect(out[0]).toBe('Usage: cloudseed validate FILE [--json]');
  });

  it('COMMAND --help says what each option does, within 80 columns', async () => {
    for (const c of commands) {
      const { out } = await run([c.name, '--help']);
      for (const name of Object.keys(c.options)) {
        const line = out.find((l) => /^ {2}(-\w, )?--/.test(l) && l.includes(`--${name}`));
        expect(line, `${c.name} --${name}`).toMatch(new RegExp(`--${name}\\S*( \\S+)?\\s{2,}\\w`));
      }
      for (const line of out) expect(line.length).toBeLessThanOrEqual(80);
    }
    const deploy = (await run(['deploy', '--help'])).out.join(' ').replace(/\s+/g, ' ');
    expect(deploy).toContain('kind:SERVER[:TIMES]');
  });

  it('--help documents the simulated lab options and the fault format', async () => {
    const text = (await run(['--help'])).out.join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('--faults SPEC');
    expect(text).toContain('kind:SERVER[:TIMES]');
    expect(text).toContain('--speed N');
  });

  it('a reader that goes away (`cloudseed plan FILE | head`) ends it quietly: no EPIPE stack trace', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = process.stdout.listenerCount('error');
    try {
      // The real stdout: the handler is installed when cloudseed prints there.
      expect(await runCli(['--version'], { err: () => {}, env: {}, interactive: false, signal: new AbortController().signal })).toBe(0);
      expect(process.stdout.listenerCount('error')).toBe(before + 1);
      process.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      expect(exit).toHaveBeenCalledWith(0);
    } finally {
      exit.mockRestore();
    }
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect(await run(['--version'])).toMatchObject({ code: 0, out: [pkg.version] });
    expect(VERSION).toBe(pkg.version);
  });

  it('schema prints a JSON Schema of the answers file', async () => {
    const { code, out } = await run(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(out.join('\n'));
    expect(schema.$schema).toContain('json-schema.org');
    expect(schema.properties.nodes).toBeDefined();
    expect(schema.required).toContain('version');
  });

  it('an unknown flag: one line, exit 2, with a suggestion when near', async () => {
    expect(await run(['--frobnicate'])).toMatchObject({ code: 2, out: [], err: ['cloudseed: unknown option --frobnicate (see cloudseed --help)'] });
    expect((await run(['validate', 'x', '--jsn'])).err).toEqual(['cloudseed: unknown option --jsn -- did you mean --json? (see cloudseed validate --help)']);
  });

  it('--json without a command is a usage error', async () => {
    expect(await run(['--json'])).toMatchObject({ code: 2, err: [expect.stringMatching(/^cloudseed: --json goes with a command/)] });
  });

  it('an unknown command suggests the near one', async () => {
    expect(await run(['valdate', 'x.yaml'])).toMatchObject({ code: 2, err: ['cloudseed: unknown command "valdate" -- did you mean "validate"? (see cloudseed --help)'] });
  });

  it('a flag without its value: exit 2', async () => {
    expect(await run(['--lab'])).toMatchObject({ code: 2, err: ['cloudseed: --lab needs a value (see cloudseed --help)'] });
  });

  it('an unexpected failure: "internal error", exit 1, the stack only in the log file', async () => {
    commands.push({ name: 'explode', summary: 'test', usage: 'cloudseed explode', options: {}, run: async () => { throw new TypeError('boom'); } });
    try {
      const { code, err } = await run(['explode']);
      expect(code).toBe(1);
      expect(err).toEqual([`cloudseed: internal error: boom (details in ${logFile(stateDir)})`]);
      expect(readFileSync(logFile(stateDir), 'utf8')).toMatch(/internal error: TypeError: boom\n\s+at /);
    } finally {
      commands.pop();
    }
  });

  it('a CliError keeps its exit code and message', async () => {
    commands.push({ name: 'refuse', summary: 'test', usage: 'cloudseed refuse', options: {}, run: async () => { throw new CliError('the BMC said no', 3); } });
    try {
      expect(await run(['refuse'])).toMatchObject({ code: 3, err: ['cloudseed: the BMC said no'] });
    } finally {
      commands.pop();
    }
  });
});

describe('the installer (TUI)', () => {
  it('without a terminal it names the command to use and exits 2', async () => {
    let opened = false;
    const { code, err } = await run([], { openTui: async () => ((opened = true), 0) });
    expect(code).toBe(2);
    expect(opened).toBe(false);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('cloudseed validate FILE');
    expect(err[0]).toContain('cloudseed deploy FILE');
  });

  it('on a terminal it opens with the lab named, the UI choice and the state directory', async () => {
    let got: TuiOptions | undefined;
    const { code } = await run(['--lab', 'two-machine', '--ascii', '--state-dir', join(stateDir, 'x')], { interactive: true, openTui: async (o) => ((got = o), 7) });
    expect(code).toBe(7);
    expect(got).toMatchObject({ labName: 'two-machine', ascii: true, color: true, skipChecks: false, stateDir: join(stateDir, 'x') });
  });

  it('takes the simulated lab options (--faults, --speed, --seed) and the command line to resume with', async () => {
    let got: TuiOptions | undefined;
    const argv = ['--lab', 'ha-lab', '--faults', 'pxe-fail:node-02:2,bmc-timeout:node-03', '--speed', '120', '--seed', '7', '--state-dir', join(stateDir, 'my dir')];
    const { code, err } = await run(argv, { interactive: true, openTui: async (o) => ((got = o), 0) });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(got?.sim).toEqual({ faults: ['pxe-fail:node-02:2', 'bmc-timeout:node-03'], speed: 120, seed: 7 });
    expect(got?.command).toBe(`cloudseed --lab ha-lab --faults pxe-fail:node-02:2,bmc-timeout:node-03 --speed 120 --seed 7 --state-dir '${join(stateDir, 'my dir')}'`);
    const bad = await run(['--lab', 'ha-lab', '--faults', 'melt:node-02'], { interactive: true, openTui: async () => 0 });
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/^cloudseed: --faults: fault "melt:node-02": unknown kind "melt"/);
    expect((await run(['--faults', 'pxe-fail:node-02'], { interactive: true, openTui: async () => 0 })).err[0]).toContain('go with --lab NAME');
  });

  it('an unknown lab is a usage error naming the labs', async () => {
    const { code, err } = await run(['--lab', 'moon'], { interactive: true, openTui: async () => 0 });
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^cloudseed: no simulated lab named "moon" -- choose one of: .*two-machine/);
  });

  it('an answers file in assets/labs is not a lab (local-ironic), datacenter-N is', async () => {
    const { code, err } = await run(['--lab', 'local-ironic'], { interactive: true, openTui: async () => 0 });
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^cloudseed: no simulated lab named "local-ironic"/);
    expect((await run(['--lab', 'datacenter-20'], { interactive: true, openTui: async () => 0 })).code).toBe(0);
    expect((await run(['--lab', 'datacenter-0'], { interactive: true, openTui: async () => 0 })).code).toBe(2);
  });
});

describe('uiOptionsFrom', () => {
  const utf8 = { LANG: 'en_US.UTF-8', TERM: 'xterm-256color' };
  it('a UTF-8 xterm gets box drawing and colour', () => {
    expect(uiOptionsFrom({}, utf8, 'linux')).toMatchObject({ ascii: false, color: true, skipChecks: false });
  });
  it.each([
    ['--ascii', { ascii: true }, utf8],
    ['TERM=linux', {}, { ...utf8, TERM: 'linux' }],
    ['TERM=vt100', {}, { ...utf8, TERM: 'vt100' }],
    ['LANG=C', {}, { TERM: 'xterm', LANG: 'C' }],
    ['LC_ALL=POSIX over a UTF-8 LANG', {}, { ...utf8, LC_ALL: 'POSIX' }],
    ['no locale at all', {}, { TERM: 'xterm' }],
  ])('ASCII with %s', (_, flags, env) => {
    expect(uiOptionsFrom(flags, env, 'linux').ascii).toBe(true);
  });
  it('LC_CTYPE=UTF-8 is enough', () => {
    expect(uiOptionsFrom({}, { TERM: 'xterm', LANG: 'C', LC_CTYPE: 'C.UTF-8' }, 'linux').ascii).toBe(false);
  });
  it('NO_COLOR or --no-color turn colour off, layout unchanged', () => {
    expect(uiOptionsFrom({}, { ...utf8, NO_COLOR: '1' }, 'linux')).toMatchObject({ color: false, ascii: false });
    expect(uiOptionsFrom({ 'no-color': true }, utf8, 'linux').color).toBe(false);
    expect(uiOptionsFrom({}, { ...utf8, NO_COLOR: '' }, 'linux').color).toBe(true);
  });
  it('--skip-checks and --state-dir pass through', () => {
    expect(uiOptionsFrom({ 'skip-checks': true, 'state-dir': '/s' }, utf8, 'linux')).toMatchObject({ skipChecks: true, stateDir: '/s' });
  });
});
