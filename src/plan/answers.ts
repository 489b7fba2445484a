// Answers files: the plan as YAML or JSON, loaded with every problem located at
// file:line:column, and saved atomically with mode 0600 (they may hold BMC passwords).
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { Document, isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { error, hasErrors, pathToString, warning, type Finding } from './findings.js';
import type { Bmc, Plan } from './schema.js';
import { checkPlanInput, validate, type Locate } from './validate.js';

export type AnswersFormat = 'yaml' | 'json';

export interface AnswersLoad {
  /** The plan, when the file parsed and passed the schema (it may still have rule findings). */
  plan?: Plan;
  /** Problems, each at `file:line:column` when the file says where. */
  findings: Finding[];
}

export interface ParseOptions {
  /** Forces the format; otherwise the file name's extension decides, then the content. */
  format?: AnswersFormat;
  /** Folder that relative `passwordFile`s are read from (the answers file's folder). */
  baseDir?: string;
  /** Also run every rule set (validate) and locate its findings in the file. Default true. */
  rules?: boolean;
}

/** Finding rule of a file that cannot be read at all (missing, a folder, no permission). */
export const UNREADABLE_RULE = 'answers.unreadable';

/** `.json` → JSON, `.yaml`/`.yml` → YAML, otherwise a leading `{` or `[` means JSON. */
function formatOf(file: string, text = ''): AnswersFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^\s*[[{]/.test(text) ? 'json' : 'yaml';
}

/** Reads and checks an answers file. Never throws: an unreadable file is one finding. */
export function loadAnswers(file: string, options: Omit<ParseOptions, 'baseDir'> = {}): AnswersLoad {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { findings: [error(UNREADABLE_RULE, file, `cannot read the answers file: ${describeFsError(e)}`, 'check the path and that you may read the file')] };
  }
  return parseAnswersText(text, file, { ...options, baseDir: dirname(resolve(file)) });
}

/** Checks the text of an answers file; `fileLabel` prefixes every position (`answers.yaml:3:7`). */
export function parseAnswersText(text: string, fileLabel: string, options: ParseOptions = {}): AnswersLoad {
  const format = options.format ?? formatOf(fileLabel, text);
  const baseDir = options.baseDir ?? process.cwd();
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${fileLabel}:${line}:${col}`;
  };

  if (text.trim() === '') {
    return { findings: [error('answers.empty', `${fileLabel}:1:1`, 'the answers file is empty', 'start it with `version: 1` (see `cloudseed schema`)')] };
  }

  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const findings: Finding[] = [];
  let input: unknown;
  if (format === 'json') {
    const json = parseJson(text);
    if ('offset' in json) return { findings: [error('answers.syntax', at(json.offset), `JSON syntax: ${json.message}`, 'fix the JSON at this place (a missing comma, quote or bracket is typical)')] };
    input = json.value;
    // JSON itself allows repeated keys (the last one wins silently); say so.
    for (const e of doc.errors) if (e.code === 'DUPLICATE_KEY') findings.push(error('answers.duplicate-key', at(e.pos[0]), 'this key appears twice in the same mapping', 'keep one of them'));
  } else {
    for (const e of doc.errors) findings.push(error('answers.syntax', at(e.pos[0]), `YAML syntax: ${yamlMessage(e.message)}`, yamlFix(e.code)));
    if (findings.length) return { findings };
    for (const w of doc.warnings) findings.push(warning('answers.yaml-warning', at(w.pos[0]), yamlMessage(w.message), 'check this value'));
    input = doc.toJS();
  }
  if (hasErrors(findings)) return { findings };

  const locate = locator(doc, at);
  const checked = checkPlanInput(input, locate);
  findings.push(...inFileOrder(checked.findings));
  if (!checked.plan) return { findings };

  const plan = resolveSecretFiles(checked.plan, baseDir);
  findings.push(...secretFileFindings(plan, locate));
  if (options.rules ?? true) findings.push(...validate(plan).map((f) => locateFinding(f, locate)));
  return { plan, findings };
}

/**
 * Writes the plan as YAML or JSON (by extension), mode 0600, atomically: a temporary file in
 * the same folder renamed over the old one, so a crash never leaves half a file.
 * Secret files under the answers file's folder are written relative to it.
 * Throws an Error whose message is one line for the person (`cannot write F: no such file`).
 */
export function saveAnswers(file: string, plan: Plan): void {
  const target = resolve(file);
  const portable = relativeSecretFiles(plan, dirname(target));
  const text = formatOf(target) === 'json' ? `${JSON.stringify(portable, null, 2)}\n` : yamlText(portable);
  try {
    writeFileAtomic(target, text, 0o600);
  } catch (e) {
    throw new Error(`cannot write ${file}: ${describeFsError(e)}`);
  }
}

/**
 * Writes `text` to `file` with exactly `mode`, atomically: a temporary file in the same folder
 * renamed over the old one, so a crash never leaves half a file and an old file's wider mode
 * never applies to the new content. Throws the file system's error.
 */
export function writeFileAtomic(file: string, text: string, mode: number): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, text, { mode, flag: 'wx' });
    chmodSync(temp, mode); // a umask cannot widen it, but make it exact
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

function yamlText(plan: Plan): string {
  const doc = new Document(plan);
  doc.commentBefore = ' cloudseed answers file. Field reference: `cloudseed schema` (JSON Schema).';
  return doc.toString({ lineWidth: 0 });
}

/** The first line of the BMC's password file, or its inline password. */
export function readSecret(bmc: Pick<Bmc, 'password' | 'passwordFile'>, baseDir = process.cwd()): string {
  if (bmc.password !== undefined) return bmc.password;
  if (bmc.passwordFile === undefined) throw new Error('no password and no passwordFile');
  const text = readFileSync(resolve(baseDir, bmc.passwordFile), 'utf8');
  return text.split(/\r?\n/, 1)[0] ?? '';
}

// --- secret files: absolute in memory (the plan moves to the state store), relative on disk.

type SecretFileRef = { path: PropertyKey[]; file: string };

/** Every file the plan reads a secret from (BMC password files, Ironic credentials), with its field. */
export function secretFiles(plan: Plan): SecretFileRef[] {
  const refs: SecretFileRef[] = [];
  plan.nodes.forEach((n, i) => {
    if (n.bmc.passwordFile !== undefined) refs.push({ path: ['nodes', i, 'bmc', 'passwordFile'], file: n.bmc.passwordFile });
  });
  for (const tier of ['seed', 'undercloud'] as const) {
    const auth = plan[tier].ironic?.auth;
    if (auth?.type === 'basic' && auth.passwordFile !== undefined) refs.push({ path: [tier, 'ironic', 'auth', 'passwordFile'], file: auth.passwordFile });
    if (auth?.type === 'token' && auth.tokenFile !== undefined) refs.push({ path: [tier, 'ironic', 'auth', 'tokenFile'], file: auth.tokenFile });
  }
  return refs;
}

function mapSecretFiles(plan: Plan, change: (file: string) => string): Plan {
  const refs = secretFiles(plan);
  if (!refs.length) return plan;
  const copy = structuredClone(plan);
  for (const { path, file } of refs) {
    let parent = copy as unknown as Record<PropertyKey, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<PropertyKey, unknown>;
    parent[path[path.length - 1]] = change(file);
  }
  return copy;
}

function resolveSecretFiles(plan: Plan, baseDir: string): Plan {
  return mapSecretFiles(plan, (file) => resolve(baseDir, file));
}

function relativeSecretFiles(plan: Plan, dir: string): Plan {
  return mapSecretFiles(plan, (file) => {
    if (!isAbsolute(file)) return file;
    const rel = relative(dir, file);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  });
}

function secretFileFindings(plan: Plan, locate: Locate): Finding[] {
  return secretFiles(plan).flatMap(({ path, file }) => {
    try {
      readFileSync(file, 'utf8');
      return [];
    } catch (e) {
      const screen = path[0] === 'nodes' ? 'servers' : 'review';
      return [error('answers.secret-file', locate(path, 'value') ?? pathToString(path), `${pathToString(path)}: cannot read ${file}: ${describeFsError(e)}`, 'write the path of a readable file whose first line is the secret', screen)];
    }
  });
}

// --- positions

function locator(doc: Document, at: (offset: number) => string): Locate {
  return (path, kind) => {
    if (kind === 'key' && path.length) {
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const key = path[path.length - 1];
        const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value === key : p.key === key));
        const range = (pair?.key as YamlNode | undefined)?.range;
        if (range) return at(range[0]);
      }
    }
    // The value, or its nearest ancestor present in the file (defaults are not in it).
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as YamlNode | null | undefined;
      if (node && typeof node === 'object' && node.range) return at(node.range[0]);
    }
    return undefined;
  };
}

const PATH_RE = /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*|\[\d+\])*$/;

/** A rule finding (`nodes[1].name`) moved to its place in the file, the path kept in the message. */
function locateFinding(f: Finding, locate: Locate): Finding {
  if (!PATH_RE.test(f.where)) return f;
  const path: PropertyKey[] = [];
  for (const m of f.where.matchAll(/([A-Za-z_]\w*)|\[(\d+)\]/g)) path.push(m[1] ?? Number(m[2]));
  const where = locate(path, 'value');
  return where ? { ...f, where, message: `${f.where}: ${f.message}` } : f;
}

/** Sorts findings located at `file:line:column` by line, then column (stable otherwise). */
function inFileOrder(findings: Finding[]): Finding[] {
  const key = (f: Finding) => {
    const m = /:(\d+):(\d+)$/.exec(f.where);
    return m ? Number(m[1]) * 1e6 + Number(m[2]) : Infinity;
  };
  return findings.map((f, i) => ({ f, i, k: key(f) })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.f);
}

// --- syntax errors

/** The parsed value, or where and why JSON.parse failed. */
function parseJson(text: string): { value: unknown } | { offset: number; message: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    const raw = (e as Error).message;
    const position = /at position (\d+)/.exec(raw);
    const message = raw.replace(/( in JSON)? at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    if (position) return { offset: Number(position[1]), message };
    return { offset: jsonErrorOffset(text), message };
  }
}

/**
 * Where JSON.parse failed when its message gives no position ("Unexpected token ..."):
 * the shortest prefix that fails for a reason other than ending early.
 */
function jsonErrorOffset(text: string): number {
  const failsInside = (n: number) => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      const m = /at position (\d+)/.exec((e as Error).message);
      if (m) return Number(m[1]) < n;
      return !/end of JSON input|Unterminated/i.test((e as Error).message);
    }
  };
  let lo = 1;
  let hi = text.length;
  if (!failsInside(hi)) return Math.max(0, text.length - 1);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

function yamlMessage(message: string): string {
  return message.split('\n', 1)[0].replace(/ at line \d+, column \d+:?$/, '');
}

function yamlFix(code: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'DUPLICATE_KEY':
      return 'keep one of the two keys';
    case 'MULTIPLE_DOCS':
      return 'keep one document: remove the second `---`';
    case 'MISSING_CHAR':
      return 'close the quote or bracket that starts here';
    case 'BAD_INDENT':
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'check the indentation: a field belongs under the line above it only when indented by spaces';
    default:
      return 'fix the YAML at this place';
  }
}

function describeFsError(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    default:
      return (e as Error).message;
  }
}
