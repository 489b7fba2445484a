// Fuzzing the file readers (issue 15): mutated answers files and nodes files, fed through
// `validate`, `plan` and `import` in-process. Whatever the damage: exit 0, 1 or 2; never an
// internal error; every finding says where (file:line or a field path); no case hangs.
// Seeded: a failure prints its seed and the shrunk input, and replays the same way.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCaptured } from './capture.js';

const dir = mkdtempSync(join(tmpdir(), 'cs-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A case that takes longer than this is a hang (a safety net: cases take milliseconds). */
const CASE_BOUND_MS = 10_000;
const SEED = 20261204;

const GOOD_ANSWERS = readFileSync(join(import.meta.dirname, 'fixtures', 'good.yaml'), 'utf8');
const REAL_ANSWERS = `version: 1
name: lab
driver: real
nodes:
  - name: node-01
    bmc: { type: ipmi, address: 127.0.1.1, user: admin, password: "1234" }
    macs: ["52:54:00:aa:01:01"]
    role: Controller
  - name: node-02
    bmc: { address: 127.0.1.2, user: admin, passwordFile: ${join(dir, 'pw')} }
    macs: ["52:54:00:aa:01:02"]
    role: Compute
network:
  provisioning: { nic: eno2, cidr: 192.168.24.0/24, seedIp: 192.168.24.1, undercloudIp: 192.168.24.2 }
seed: { mode: build, images: { image: "https://images.example.org/seed.qcow2" } }
undercloud:
  mode: adopt
  ironic: { url: "http://127.0.0.2:6385", auth: { type: basic, user: admin, password: pw } }
  ssh: { host: 192.168.24.2, user: stack }
`;
const INSTACKENV_JSON = JSON.stringify(
  {
    nodes: [
      { name: 'ctl-0', pm_type: 'ipmi', pm_addr: '10.0.0.1', pm_user: 'admin', pm_password: 'pw', mac: ['52:54:00:00:00:01'], cpu: 8, memory: 16384, disk: 100, capabilities: 'profile:control,boot_option:local' },
      { name: 'cmp-0', pm_type: 'redfish', pm_addr: 'bmc.example', pm_port: 8443, pm_user: 'root', pm_password: 's3cr#t', mac: ['52:54:00:00:00:02'] },
    ],
  },
  null,
  2,
);
const INSTACKENV_YAML = `nodes:
  - name: ctl-0
    pm_type: ipmi
    pm_addr: 10.0.0.1
    pm_user: admin
    pm_password: 1234
    mac: ["52:54:00:00:00:01"]
  - &n
    pm_type: pxe_ipmitool
    pm_addr: 10.0.0.2
    pm_user: admin
    pm_password: "pw"
`;
const BAREMETAL_CSV = `# mac,user,password,address,cpus,memory,disk,role,pm
52:54:00:00:00:01,admin,s3cr#t,10.0.0.1,8,16384,100,OvercloudControl,IPMI
52:54:00:00:00:02,admin,"a,b",10.0.0.2,8,16384,100,OvercloudCompute,IPMI\r
52:54:00:00:00:03,root,pw,10.0.0.3,4,8192,50
`;

/** Pieces that break parsers and tools: quotes, anchors, BOM, CR, options, huge or deep values. */
const HOSTILE = [
  '-', '-oProxyCommand=touch /tmp/x', '--help', '#', '"', "'", ',', ':', ': ', '\n', '\r\n', '\r', '\t', '\uFEFF', '\u0000', '&a ', '*a', '*b',
  '!!binary ', '!!js/function ', '<<: *a\n', '{', '}', '[', ']', '[[[[[[[[[[', '{"a":', '---\n', '...\n', '%YAML 1.1\n', '? ', '|\n', '>-\n',
  '1234', '0x1F', '.inf', 'null', '~', 'true', '1e999', '-0', '99999999999999999999', '\u00e9\u2603\ud83d\ude00', '\ud800', '\\', '%',
  'x'.repeat(5000), '  ', '    - ', '/dev/zero', '../../etc/passwd', 'passwordFile: /dev/zero', 'a: &a [1,2,3]\nb: &b [*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b]\n',
];

/** raw: cut and insert anywhere; line: insert a line before a line; value: replace the value after a `: `. */
type Edit = { mode: 'raw' | 'line' | 'value'; at: number; cut: number; text: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  mode: fc.constantFrom('raw', 'line', 'value'),
  at: fc.nat(),
  cut: fc.oneof(fc.constant(0), fc.nat({ max: 8 }), fc.nat({ max: 200 })),
  text: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 8 }), fc.constant('')),
});

/** Applies the edits in turn (positions taken modulo the length, so every edit applies). */
function mutate(seed: string, edits: Edit[]): string {
  let text = seed;
  for (const e of edits) {
    if (e.mode === 'value') {
      const values = [...text.matchAll(/: /g)].map((m) => m.index + 2);
      if (!values.length) continue;
      const start = values[e.at % values.length];
      const end = text.indexOf('\n', start);
      text = text.slice(0, start) + e.text + (end < 0 ? '' : text.slice(end));
    } else if (e.mode === 'line') {
      const lines = text.split('\n');
      lines.splice(e.at % (lines.length + 1), 0, e.text.replace(/\n$/, ''));
      text = lines.join('\n');
    } else {
      const at = text.length ? e.at % (text.length + 1) : 0;
      text = text.slice(0, at) + e.text + text.slice(at + e.cut);
    }
  }
  return text;
}

/** A field path (`nodes[0].bmc.user`) or a place in the file (`FILE:line` or `FILE:line:col`). */
function locatedIn(file: string) {
  const path = /^[A-Za-z_][\w-]*(\.[\w-]+|\[\d+\])*$/;
  return (where: string) => where === '(root)' || path.test(where) || (where.startsWith(`${file}:`) && /^\d+(:\d+)?$/.test(where.slice(file.length + 1)));
}

async function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${CASE_BOUND_MS} ms`)), CASE_BOUND_MS)));
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

let n = 0;
/** Runs one command on `text` written to a file; checks exit code, internal errors and locations. */
async function check(command: 'validate' | 'plan' | 'import', name: string, text: string): Promise<void> {
  const file = join(dir, `${n++}-${name}`);
  writeFileSync(file, text);
  const r = await bounded(runCaptured([command, file, '--json', '--state-dir', dir]), `${command} ${name}`);
  const all = [...r.out, ...r.err].join('\n');
  expect([0, 1, 2], all).toContain(r.code);
  expect(all).not.toMatch(/internal error/i);
  const json = r.out.length ? (JSON.parse(r.out.join('\n')) as { findings?: { where: string }[] }) : {};
  const unplaced = (json.findings ?? []).map((f) => f.where).filter((w) => !locatedIn(file)(w));
  expect(unplaced, all).toEqual([]);
  rmSync(file);
}

writeFileSync(join(dir, 'pw'), 'from-a-file\n');

describe('fuzz: mutated files through validate, plan and import', () => {
  const runs = (count: number) => ({ seed: SEED, numRuns: count, endOnFailure: true });

  it('answers files (YAML and JSON) through validate and plan', async () => {
    const seeds: [string, string][] = [
      ['answers.yaml', GOOD_ANSWERS],
      ['real.yaml', REAL_ANSWERS],
      ['answers.json', JSON.stringify({ version: 1, driver: 'sim', sim: { lab: 'two-machine' }, nodes: [{ name: 'n1', bmc: { address: '127.0.0.1', user: 'admin', password: 'pw' } }] }, null, 2)],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 }), async ([name, seed], edits) => {
        const text = mutate(seed, edits);
        await check('validate', name, text);
        await check('plan', name, text);
      }),
      runs(300),
    );
  }, 300_000);

  it('nodes files (instackenv JSON and YAML, baremetal.csv) through import', async () => {
    const seeds: [string, string][] = [
      ['instackenv.json', INSTACKENV_JSON],
      ['instackenv.yaml', INSTACKENV_YAML],
      ['baremetal.csv', BAREMETAL_CSV],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 }), async ([name, seed], edits) => {
        await check('import', name, mutate(seed, edits));
      }),
      runs(700),
    );
  }, 300_000);
});
