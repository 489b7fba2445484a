// Validation of a plan: the schema check of raw input (answers files, the state store) and
// the rule sets of each area. Pure: a plan in, findings out.
import type { z } from 'zod';
import { closest } from '../suggest.js';
import { validateRoles } from '../roles/validate.js';
import { validateNetwork } from '../network/validate.js';
import { validateNodes } from '../inventory/validate.js';
import { error, pathToString, warning, type Finding } from './findings.js';
import { controllerQuorum } from './replace.js';
import { PLAN_VERSION, PlanSchema, type Plan } from './schema.js';

/** One area's rules (src/inventory, src/network, src/roles, ...). */
export type RuleSet = (plan: Plan) => Finding[];

/** Rules about the plan as a whole, owned by src/plan. */
export function validatePlan(plan: Plan): Finding[] {
  return [...nodeNameRules(plan), ...bmcSecretRules(plan), ...driverRules(plan), ...tierRules(plan), ...outOfServiceRules(plan)];
}

/** Every area's rule set, in the order Review lists them. Areas add one entry each. */
export const ruleSets: RuleSet[] = [validatePlan, validateNodes, validateNetwork, validateRoles];

export function validate(plan: Plan): Finding[] {
  return ruleSets.flatMap((rules) => rules(plan));
}

function nodeNameRules(plan: Plan): Finding[] {
  const first = new Map<string, number>();
  const findings: Finding[] = [];
  plan.nodes.forEach((node, i) => {
    const key = node.name.toLowerCase();
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else
      findings.push(
        error(
          'plan.node-name-duplicate',
          `nodes[${i}].name`,
          `two servers are named "${node.name}" (nodes[${earlier}] and nodes[${i}])`,
          'give each server its own name',
          'servers',
        ),
      );
  });
  return findings;
}

/** Servers marked failed or retired: none keeps a role, and controllers go one at a time. */
function outOfServiceRules(plan: Plan): Finding[] {
  const findings: Finding[] = [];
  const pending: string[] = [];
  plan.nodes.forEach((node, i) => {
    const out = node.outOfService;
    if (!out) return;
    const ucServer = plan.roles.undercloud.placement === 'server' && plan.roles.undercloud.node === node.name;
    if (node.role || ucServer) {
      const role = ucServer ? 'the undercloud' : node.role;
      findings.push(
        error(
          'plan.out-of-service-role',
          `nodes[${i}].role`,
          `${node.name} is marked ${out.state} (since ${out.since}) but is still ${role}`,
          ucServer || node.role === 'Undercloud'
            ? 'rebuild the undercloud from a backup (cloudseed restore) or place it elsewhere'
            : `move its role to a spare: cloudseed replace FILE ${node.name} (or remove its role)`,
          'roles',
        ),
      );
      if (node.role === 'Controller') pending.push(node.name);
    }
  });
  const controllers = plan.nodes.filter((n) => n.role === 'Controller').length;
  if (pending.length) {
    const q = controllerQuorum(controllers, pending.join(', '), pending.length);
    if (!q.keeps) {
      findings.push(
        warning(
          'plan.replace-quorum',
          'nodes',
          `${pending.length} of ${controllers} controller(s) are out of service: ${q.line}`,
          controllers === 1 ? 'add controllers (three keep quorum through a replacement), or accept the outage' : 'replace the controllers one at a time, each once the last has joined',
          'roles',
        ),
      );
    }
  }
  return findings;
}

function bmcSecretRules(plan: Plan): Finding[] {
  return plan.nodes.flatMap((node, i): Finding[] => {
    const { password, passwordFile } = node.bmc;
    if (password === undefined && passwordFile === undefined)
      return [
        error(
          'plan.bmc-password-missing',
          `nodes[${i}].bmc.password`,
          `server "${node.name}" has no BMC password`,
          'set bmc.password, or bmc.passwordFile: a file whose first line is the password',
          'servers',
        ),
      ];
    if (password !== undefined && passwordFile !== undefined)
      return [
        error(
          'plan.bmc-password-both',
          `nodes[${i}].bmc.passwordFile`,
          `server "${node.name}" has both bmc.password and bmc.passwordFile`,
          'keep only one of them',
          'servers',
        ),
      ];
    return [];
  });
}

function driverRules(plan: Plan): Finding[] {
  if (plan.driver === 'sim' && !plan.sim)
    return [
      error(
        'plan.sim-missing',
        'sim',
        'the driver is "sim" but the plan names no simulated lab',
        'add `sim: { lab: two-machine }` (or another lab), or set `driver: real`',
        'review',
      ),
    ];
  return [];
}

function tierRules(plan: Plan): Finding[] {
  const findings: Finding[] = [];
  for (const tier of ['seed', 'undercloud'] as const) {
    const { mode, ironic } = plan[tier];
    if (mode === 'adopt' && !ironic) {
      findings.push(
        error(
          'plan.adopt-needs-ironic',
          `${tier}.ironic.url`,
          `the ${tier} is to be adopted, but no Ironic URL is given`,
          `add ${tier}.ironic.url (e.g. http://192.168.24.1:6385), or set ${tier}.mode: build`,
          'review',
        ),
      );
    }
    findings.push(...imageRules(plan, tier));
    if (!ironic) continue;
    if (!isHttpUrl(ironic.url))
      findings.push(
        error(
          'plan.ironic-url',
          `${tier}.ironic.url`,
          `"${ironic.url}" is not an http or https URL`,
          'write the Ironic API endpoint, e.g. http://192.168.24.1:6385',
          'review',
        ),
      );
    const auth = ironic.auth;
    const where = `${tier}.ironic.auth`;
    if (auth.type === 'basic') findings.push(...exactlyOne('plan.auth-secret', where, auth.password, auth.passwordFile, 'password', 'passwordFile'));
    if (auth.type === 'token') findings.push(...exactlyOne('plan.auth-secret', where, auth.token, auth.tokenFile, 'token', 'tokenFile'));
  }
  return findings;
}

/** A tier's Ironic deploys with a kernel and a ramdisk: images without both fail at the deploy step. */
function imageRules(plan: Plan, tier: 'seed' | 'undercloud'): Finding[] {
  const images = plan[tier].images;
  if (!images || (images.kernel && images.ramdisk)) return [];
  // Answers files before seed.vmImage named the seed VM's own image here.
  if (tier === 'seed' && images.image && !images.kernel && !images.ramdisk && !plan.seed.vmImage)
    return [
      error(
        'plan.seed-vm-image-moved',
        'seed.images.image',
        'seed.images is what the seed\'s Ironic deploys the undercloud with; the seed VM\'s own image has its own field now',
        `if "${images.image}" is the seed VM's image, move it to seed.vmImage; else add seed.images.kernel and seed.images.ramdisk`,
        'review',
      ),
    ];
  const missing = (['kernel', 'ramdisk'] as const).filter((k) => !images[k]);
  return missing.map((k) =>
    error(
      'plan.images-incomplete',
      `${tier}.images.${k}`,
      `${tier}.images has no ${k}: the ${tier}'s Ironic needs a kernel and a ramdisk to deploy its servers`,
      `set ${tier}.images.${k}: a file:// or http:// URL the ${tier}'s Ironic can read`,
      'review',
    ),
  );
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function exactlyOne(rule: string, where: string, inline: unknown, file: unknown, inlineKey: string, fileKey: string): Finding[] {
  if (inline === undefined && file === undefined)
    return [error(rule, `${where}.${inlineKey}`, `${where} has neither ${inlineKey} nor ${fileKey}`, `set ${inlineKey}, or ${fileKey}: a file whose first line is it`, 'review')];
  if (inline !== undefined && file !== undefined)
    return [error(rule, `${where}.${fileKey}`, `${where} has both ${inlineKey} and ${fileKey}`, 'keep only one of them', 'review')];
  return [];
}

// ---------------------------------------------------------------------------------------
// Raw input (a parsed answers file, a stored plan) against the schema.

/**
 * Says where a path is, e.g. `answers.yaml:12:5`. `key`: the key itself (unknown keys);
 * `value`: the value at the path; a missing field is located at its parent's value.
 */
export type Locate = (path: readonly PropertyKey[], at: 'key' | 'value') => string | undefined;

export interface SchemaCheck {
  /** The plan with defaults filled in, when the input passed the schema. */
  plan?: Plan;
  findings: Finding[];
}

/** Schema check only: one finding per wrong type, missing field, unknown key or bad value. */
export function checkPlanInput(input: unknown, locate?: Locate): SchemaCheck {
  const result = PlanSchema.safeParse(input);
  if (result.success) return { plan: result.data, findings: [] };
  return { findings: issuesToFindings(result.error.issues, input, locate) };
}

/** Schema check, then every rule set: the findings a raw object would produce. */
export function validateUnknown(input: unknown): Finding[] {
  const { plan, findings } = checkPlanInput(input);
  return plan ? validate(plan) : findings;
}

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

function issuesToFindings(issues: readonly Issue[], input: unknown, locate?: Locate): Finding[] {
  // A near-miss key (`usr`) also makes its field (`user`) missing: report the typo only.
  const renamed = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeys(issue.path as Path, input);
    for (const key of issue.keys) {
      const suggestion = closest(key, known);
      if (suggestion && !hasKey(valueAt(input, issue.path as Path), suggestion)) renamed.add(pathToString([...issue.path, suggestion]));
    }
  }
  const findings: Finding[] = [];
  for (const issue of issues) {
    const path = issue.path as Path;
    if (issue.code === 'invalid_type' && renamed.has(pathToString(path))) continue;
    findings.push(...issueToFindings(issue, path, input, locate));
  }
  return findings;
}

function issueToFindings(issue: Issue, path: Path, input: unknown, locate?: Locate): Finding[] {
  const p = pathToString(path);
  const value = valueAt(input, path);
  // A password or token is never repeated, even when it is of the wrong type.
  const secret = SECRET_FIELDS.has(String(path[path.length - 1]));
  const describeValue = (v: unknown) => (secret ? describeSecret(v) : describeAnyValue(v));
  const at = (where: Path, kind: 'key' | 'value') => locate?.(where, kind) ?? pathToString(where);
  const screen = screenOf(path);
  const make = (rule: string, where: string, message: string, fix: string): Finding => error(rule, where, message, fix, screen);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path, input);
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const suggestion = closest(key, known);
        const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
        const fix = suggestion
          ? `rename it to "${suggestion}"`
          : known.length
            ? `remove it; the fields here are: ${known.join(', ')}`
            : 'remove it';
        // A key can be as long as the file: name it briefly.
        const named = pathToString([...path, key.length > 40 ? `${key.slice(0, 40)}...` : key]);
        return make('answers.unknown-key', at(keyPath, 'key'), `${named} is not a known field${hint}`, fix);
      });
    }
    case 'invalid_type': {
      const parent = path.slice(0, -1);
      const key = path[path.length - 1];
      if (value === undefined && path.length > 0 && !hasKey(valueAt(input, parent), key)) {
        return [
          make(
            'answers.missing',
            at(parent, 'value'),
            `${p} is missing`,
            `add "${String(key)}" (${describeType(issue.expected)}) ${parent.length ? `under ${pathToString(parent)}` : 'at the top level'}`,
          ),
        ];
      }
      if (path.length === 0) {
        return [make('answers.type', at(path, 'value'), `the answers file must be a mapping of fields, not ${describeValue(value)}`, 'start it with `version: 1` and the fields of the plan (see `cloudseed schema`)')];
      }
      const quote = secret && issue.expected === 'string' ? ` in quotes, e.g. ${String(path[path.length - 1])}: "..."` : '';
      return [make('answers.type', at(path, 'value'), `${p} must be ${describeType(issue.expected)}, not ${describeValue(value)}`, `write ${describeType(issue.expected)}${quote}`)];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      if (p === 'version') {
        if (value === undefined) return [make('answers.missing', at([], 'value'), 'version is missing', `add \`version: ${PLAN_VERSION}\` at the top of the file`)];
        return [make('answers.version', at(path, 'value'), `version is ${describeValue(value)}; this cloudseed reads version ${PLAN_VERSION}`, `write \`version: ${PLAN_VERSION}\``)];
      }
      return [make('answers.value', at(path, 'value'), `${p} is ${describeValue(value)}, not one of: ${options.join(', ')}`, choiceFix(value, options))];
    }
    case 'invalid_union': {
      const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map((v) => String(v)) : [];
      if (options.length)
        return [make('answers.value', at(path, 'value'), `${p} is ${describeValue(value)}, not one of: ${options.join(', ')}`, choiceFix(value, options))];
      return [make('answers.value', at(path, 'value'), `${p} does not match any accepted form`, 'see `cloudseed schema` for what this field accepts')];
    }
    case 'invalid_format':
      return [make('answers.format', at(path, 'value'), `${p} is ${describeValue(value)}, which is not ${issue.message}`, `write ${issue.message}`)];
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'string' && small && Number(limit) <= 1) {
        return [make('answers.empty', at(path, 'value'), `${p} is empty`, 'write a value, or remove the field if it is optional')];
      }
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      const bound = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
      return [make('answers.range', at(path, 'value'), `${p} is ${describeValue(value)}; it must be ${bound} ${String(limit)}${unit}`, `write a value ${bound} ${String(limit)}${unit}`)];
    }
    default:
      return [make('answers.invalid', at(path, 'value'), `${p}: ${issue.message}`, 'see `cloudseed schema` for what this field accepts')];
  }
}

function choiceFix(value: unknown, options: string[]): string {
  const suggestion = typeof value === 'string' ? closest(value, options) : undefined;
  return suggestion ? `did you mean "${suggestion}"? write one of: ${options.join(', ')}` : `write one of: ${options.join(', ')}`;
}

/** The wizard screen that edits a top-level section. */
function screenOf(path: Path): Finding['screen'] {
  switch (path[0]) {
    case 'nodes':
      return 'servers';
    case 'network':
      return 'network';
    case 'roles':
      return 'roles';
    case 'seedHost':
      return 'host';
    default:
      return 'review';
  }
}

function describeType(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping (field: value)';
    default:
      return expected;
  }
}

/** Fields holding a secret: a finding about them says what kind of value, never the value. */
const SECRET_FIELDS = new Set(['password', 'token']);

function describeSecret(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'empty text' : `text of ${value.length} characters`;
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return describeAnyValue(value);
}

function describeAnyValue(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (value === undefined) return 'absent';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'empty text' : `the text "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function hasKey(container: unknown, key: PropertyKey | undefined): boolean {
  return key !== undefined && container !== null && typeof container === 'object' && Object.prototype.hasOwnProperty.call(container, key);
}

// Walking the zod schema to know which keys a mapping accepts (for "did you mean").
type Def = { type: string; innerType?: Schema; in?: Schema; shape?: Record<string, Schema>; element?: Schema; valueType?: Schema; keyType?: Schema; options?: Schema[]; discriminator?: string; entries?: Record<string, string> };
type Schema = { _zod: { def: Def } };

function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = s._zod.def;
    if (def.innerType && ['default', 'optional', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

/** Picks the union member a value is meant to be, by its discriminator. */
function pickOption(schema: Schema, value: unknown): Schema | undefined {
  const def = schema._zod.def;
  if (def.type !== 'union' || !def.options) return schema;
  const tag = def.discriminator;
  if (!tag || value === null || typeof value !== 'object') return undefined;
  const wanted = (value as Record<string, unknown>)[tag];
  return def.options.find((o) => {
    const literal = unwrap(o)._zod.def.shape?.[tag];
    return literal && (literal._zod.def as { values?: unknown[] }).values?.includes(wanted);
  });
}

function schemaAt(path: readonly PropertyKey[], input: unknown): Schema | undefined {
  let s: Schema | undefined = PlanSchema as unknown as Schema;
  let v = input;
  for (const key of path) {
    s = s && pickOption(unwrap(s), v);
    if (!s) return undefined;
    const def: Def = unwrap(s)._zod.def;
    if (def.type === 'object') s = def.shape?.[String(key)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
    v = valueAt(v, [key]);
  }
  return s;
}

function knownKeys(path: readonly PropertyKey[], input: unknown): string[] {
  const at = schemaAt(path, input);
  const s = at && pickOption(unwrap(at), valueAt(input, path));
  if (!s) return [];
  const def = unwrap(s)._zod.def;
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'record' && def.keyType) {
    const entries = unwrap(def.keyType)._zod.def.entries;
    return entries ? Object.values(entries) : [];
  }
  return [];
}
