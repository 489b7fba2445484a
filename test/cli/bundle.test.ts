// The built bundle as a person runs it: a real process, real exit codes, stderr free of
// stack traces. Built once from screens/main.tsx, the same way `npm run build` does (one
// entry file plus its chunks in dist/chunks/NAME/).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// Below the project folder, so the bundle finds assets/ as dist/cloudseed.js does.
const bundle = join(root, 'dist', `test-cli-${process.pid}.js`);
const stateDir = mkdtempSync(join(tmpdir(), 'cs-bundle-'));
const metafile = join(stateDir, 'meta.json');
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

beforeAll(async () => {
  await execa(process.execPath, [join(root, 'scripts', 'build.mjs'), '--entry', join(root, 'screens', 'main.tsx'), '--outfile', bundle, '--metafile', metafile, '--quiet']);
});
afterAll(() => {
  rmSync(bundle, { force: true });
  rmSync(join(root, 'dist', 'chunks', `test-cli-${process.pid}`), { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

function cloudseed(...args: string[]) {
  return execa(bundle, args, { reject: false, stdin: 'ignore', env: { CLOUDSEED_STATE_DIR: stateDir, CI: 'true' }, extendEnv: true });
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('dist bundle', () => {
  it('is one executable ESM file with a shebang', () => {
    expect(readFileSync(bundle, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bundle).mode & 0o111).not.toBe(0);
  });

  it('validate on a broken file: one line per problem, exit 1', async () => {
    const r = await cloudseed('validate', fixture('broken.yaml'));
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^error .*broken\.yaml:9:13: nodes\[0\]\.bmc\.port /);
    expect(lines[1]).toContain('did you mean "user"?');
    expect(r.stderr).toBe(`${fixture('broken.yaml')}: 3 error(s), 0 warning(s)`);
  });

  it('validate on a good file: exit 0', async () => {
    const r = await cloudseed('validate', fixture('good.yaml'));
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('a reader that is gone (`cloudseed plan FILE | head -1`): no stack trace, exit 0', async () => {
    const sub = execa(bundle, ['plan', fixture('good.yaml')], { reject: false, stdin: 'ignore', buffer: { stdout: false }, env: { CLOUDSEED_STATE_DIR: stateDir, CI: 'true' }, extendEnv: true });
    // The reading end of the pipe closes before cloudseed writes: every write of the plan meets EPIPE.
    sub.stdout.destroy();
    const r = await sub;
    expect(r.signal).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('an unknown flag: one line on stderr, exit 2, no stack trace', async () => {
    const r = await cloudseed('validate', fixture('good.yaml'), '--strict');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^cloudseed: unknown option --strict/);
    noStack(r.stderr);
  });

  it('a missing file: one line, exit 2', async () => {
    const r = await cloudseed('validate', join(stateDir, 'missing.yaml'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`cloudseed: ${join(stateDir, 'missing.yaml')}: cannot read: no such file`);
  });

  it('--help lists the commands; --version prints the version', async () => {
    const help = await cloudseed('--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^ {2}validate {2,}check an answers file/m);
    expect(help.stdout).toMatch(/^ {2}schema {2,}print the JSON Schema/m);
    const version = await cloudseed('--version');
    expect(version.stdout).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('schema prints valid JSON', async () => {
    const r = await cloudseed('schema');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).type).toBe('object');
  });

  it('without a terminal the installer does not start: it names the command to use, exit 2', async () => {
    const r = await cloudseed('--lab', 'two-machine');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('cloudseed validate FILE');
    noStack(r.stderr);
  });

  it('the first frame loads no sub-command, schema, YAML, state-store or lab-generator code (start-up time)', () => {
    interface Output {
      imports: { path: string; kind: string }[];
      inputs: Record<string, unknown>;
      entryPoint?: string;
    }
    const { outputs } = JSON.parse(readFileSync(metafile, 'utf8')) as { outputs: Record<string, Output> };
    // Files loaded before Welcome's first frame: the entry, the TUI chunk, and what they import statically.
    const starts = Object.keys(outputs).filter((f) => /screens[\\/](main|tui)\.tsx$/.test(outputs[f].entryPoint ?? ''));
    expect(starts).toHaveLength(2);
    const seen = new Set<string>();
    const todo = [...starts];
    while (todo.length) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const i of outputs[file].imports) if (i.kind === 'import-statement' && outputs[i.path]) todo.push(i.path);
    }
    const inputs = [...seen].flatMap((f) => Object.keys(outputs[f].inputs));
    for (const heavy of [/node_modules[\\/]zod[\\/]/, /node_modules[\\/]yaml[\\/]/, /node_modules[\\/]conf[\\/]/, /node_modules[\\/]execa[\\/]/, /src[\\/]plan[\\/]schema\.ts$/, /src[\\/]cli\.ts$/, /src[\\/]lab[\\/]datacenter\.ts$/, /screens[\\/]servers\.tsx$/]) {
      expect(inputs.filter((i) => heavy.test(i))).toEqual([]);
    }
    expect(inputs.some((i) => /screens[\\/]welcome\.tsx$/.test(i))).toBe(true);
  });

  describe('Ink, React and Yoga run as a script with a V8 code cache', () => {
    const chunks = join(root, 'dist', 'chunks', `test-cli-${process.pid}`);
    const script = () => join(chunks, readdirSync(chunks).find((f) => /^vendor-\w+\.js$/.test(f))!);
    const userCache = join(stateDir, 'xdg-cache');
    /** The installer in a pseudo-terminal for 3 s (then SIGTERM): what it drew. */
    async function installer() {
      const command = `stty cols 80 rows 24; exec timeout 3 '${process.execPath}' '${bundle}' --lab two-machine --state-dir '${join(stateDir, 'tui')}'`;
      const r = await execa('script', ['-qfec', command, '/dev/null'], {
        reject: false,
        stdin: 'ignore',
        // no CI variable: Ink would print only its last frame
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', LANG: 'C.UTF-8', XDG_CACHE_HOME: userCache },
        extendEnv: false,
      });
      return r.stdout;
    }

    it('the first start draws Welcome and leaves a cache next to the script; a rejected cache is replaced', async () => {
      rmSync(`${script()}.cache`, { force: true });
      expect(await installer()).toContain('Welcome');
      const made = readFileSync(`${script()}.cache`);
      expect(made.length).toBeGreaterThan(10_000);
      // another Node version's cache, or a damaged one: V8 rejects it, the start goes on
      writeFileSync(`${script()}.cache`, Buffer.alloc(made.length, 7));
      expect(await installer()).toContain('Welcome');
      expect(readFileSync(`${script()}.cache`).equals(Buffer.alloc(made.length, 7))).toBe(false);
    }, 30_000);

    it('where the cache cannot be written next to the script, it goes to the user cache folder', async () => {
      rmSync(`${script()}.cache`, { force: true });
      mkdirSync(`${script()}.cache`); // a folder in the way: the file cannot be written there
      try {
        expect(await installer()).toContain('Welcome');
        expect(readdirSync(join(userCache, 'cloudseed')).some((f) => f.startsWith(basename(script())))).toBe(true);
        expect(existsSync(join(chunks, `${basename(script())}.cache`))).toBe(true);
      } finally {
        rmSync(`${script()}.cache`, { recursive: true, force: true });
      }
    }, 30_000);
  });
});
