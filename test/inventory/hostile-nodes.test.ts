// Damaged and unusual nodes files (issue 15.5; issue 17.2 and 17.3): what the operator wrote
// is kept exactly, or is a finding at file:line; a password is never changed or echoed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { buildArtifacts } from '../../src/artifacts/files.js';
import { importNodesFile, parseNodesFile, type ImportResult } from '../../src/inventory/nodes-file.js';
import { formatFinding } from '../../src/plan/findings.js';
import { emptyPlan, type Node } from '../../src/plan/schema.js';
import { runCaptured } from '../cli/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'cs-hostile-nodes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const passwords = (r: ImportResult) => r.nodes.map((n) => n.bmc.password);
const lines = (r: ImportResult) => r.findings.map(formatFinding);

describe('byte order mark and CRLF (15.5)', () => {
  it('a BOM before an instackenv.json is not a syntax error', () => {
    const r = parseNodesFile('\uFEFF{"nodes": [{"pm_type": "ipmi", "pm_addr": "10.0.0.1", "pm_user": "admin", "pm_password": "pw", "mac": ["52:54:00:00:00:01"]}]}', 'instackenv.json');
    expect(lines(r)).toEqual([]);
    expect(passwords(r)).toEqual(['pw']);
  });

  it('a BOM and CRLF in baremetal.csv: the first MAC is read, no password keeps a \\r', () => {
    const r = parseNodesFile('\uFEFF52:54:00:00:00:01,admin,pw1,10.0.0.1,8,16384,100\r\n52:54:00:00:00:02,admin,pw2,10.0.0.2,8,16384,100\r\n', 'baremetal.csv');
    expect(lines(r)).toEqual([]);
    expect(r.nodes.map((n) => n.macs[0])).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02']);
    expect(passwords(r)).toEqual(['pw1', 'pw2']);
  });

  it('CRLF in an instackenv.yaml keeps the password exact', () => {
    const r = parseNodesFile('nodes:\r\n  - pm_type: ipmi\r\n    pm_addr: 10.0.0.1\r\n    pm_user: admin\r\n    pm_password: "p w"\r\n', 'nodes.yaml');
    expect(passwords(r)).toEqual(['p w']);
  });
});

describe('passwords kept exactly as written (15.5)', () => {
  it('numeric YAML passwords stay the text typed: 1234, 0123, 1e3, true', () => {
    const entry = (i: number, pw: string) => `  - {pm_type: ipmi, pm_addr: 10.0.0.${i}, pm_user: 007, pm_password: ${pw}, mac: ["52:54:00:00:00:0${i}"]}`;
    const r = parseNodesFile(['nodes:', entry(1, '1234'), entry(2, '0123'), entry(3, '1e3'), entry(4, 'true')].join('\n'), 'nodes.yaml');
    expect(lines(r)).toEqual([]);
    expect(passwords(r)).toEqual(['1234', '0123', '1e3', 'true']);
    expect(r.nodes[0].bmc.user).toBe('007');
  });

  it('quoted CSV passwords keep their commas, quotes and spaces', () => {
    const r = parseNodesFile('52:54:00:00:00:01,admin,"a,b",10.0.0.1,8,16384,100\n52:54:00:00:00:02,admin," sp ",10.0.0.2,8,16384,100\n52:54:00:00:00:03,admin,"say ""hi""",10.0.0.3,8,16384,100\n', 'b.csv');
    expect(lines(r)).toEqual([]);
    expect(passwords(r)).toEqual(['a,b', ' sp ', 'say "hi"']);
  });

  it('an unquoted CSV password with spaces around it is a finding, not trimmed silently', () => {
    const r = parseNodesFile('52:54:00:00:00:01, admin , pw ,10.0.0.1,8,16384,100\n52:54:00:00:00:02,admin,pw,10.0.0.2,8,16384,100\n', 'b.csv');
    expect(lines(r)).toEqual(['error b.csv:1: bmc_password: has spaces around it; a password is kept exactly as written -- remove the spaces, or put the password in double quotes if they belong to it']);
    expect(passwords(r)).toEqual(['pw']);
  });
});

describe('# in baremetal.csv (15.5, 17.3)', () => {
  it('inside a line, # is text: s3cr#t and #start are passwords; a whole line starting with # is a comment', () => {
    const r = parseNodesFile('# mac,user,password,...\n52:54:00:00:00:01,admin,s3cr#t,10.0.0.1,8,16384,100\n52:54:00:00:00:02,admin,#start,10.0.0.2,8,16384,100\n', 'b.csv');
    expect(lines(r)).toEqual([]);
    expect(passwords(r)).toEqual(['s3cr#t', '#start']);
  });

  it('a role with # after it is named, not cut silently', () => {
    const r = parseNodesFile('52:54:00:00:00:01,admin,pw,10.0.0.1,8,16384,100,OvercloudCompute#rack2,IPMI\n', 'b.csv');
    expect(lines(r)).toEqual([expect.stringMatching(/^error b\.csv:1: role: "OvercloudCompute#rack2" is not a Helion role/)]);
  });
});

describe('the CSV parser never echoes a field (17.2)', () => {
  it('a bad quote names the line and the problem, not the text around it', async () => {
    const file = join(dir, 'bad-quote.csv');
    writeFileSync(file, '52:54:00:00:00:01,admin,Se"cret,10.0.0.1,8,16384,100\n');
    const r = await runCaptured(['import', file]);
    expect(r.code).toBe(1);
    const text = [...r.out, ...r.err].join('\n');
    expect(text).toContain('bad-quote.csv:1: not a valid CSV file: a double quote in the middle of a field');
    expect(text).not.toMatch(/Se|cret/);
  });

  it('an unclosed quote likewise', () => {
    const r = parseNodesFile('52:54:00:00:00:01,admin,"Secret,10.0.0.1,8,16384,100\n', 'b.csv');
    expect(lines(r)).toEqual(['error b.csv:1: not a valid CSV file: a quoted field is not closed -- close the double quote that starts on this line']);
  });
});

describe('export then import gives the same servers (17.3)', () => {
  const awkward = ['s3cr#t', '#start', 'a,b', 'say "hi"', ' lead', 'trail ', 'x', '1234'];
  const plan = emptyPlan({
    nodes: awkward.map((password, i) => ({
      name: `node-${i + 1}`,
      bmc: { type: 'ipmi' as const, address: `10.0.0.${i + 1}`, user: 'admin', password },
      macs: [`52:54:00:00:00:${String(i + 10)}`],
      cpu: 8,
      memoryMiB: 16384,
      diskGiB: 100,
      role: i === 0 ? ('Controller' as const) : ('Compute' as const),
    })),
  });
  const key = (n: Node) => ({ mac: n.macs[0], address: n.bmc.address, user: n.bmc.user, password: n.bmc.password, cpu: n.cpu, memoryMiB: n.memoryMiB, diskGiB: n.diskGiB, role: n.role });
  const files = buildArtifacts(plan, { secrets: (n) => n.bmc.password, only: ['baremetal.csv', 'instackenv.json'] });

  it.each(['baremetal.csv', 'instackenv.json'])('%s', async (name) => {
    const file = join(dir, name);
    writeFileSync(file, files.find((f) => f.name === name)!.content);
    const r = await importNodesFile(file);
    expect(lines(r)).toEqual([]);
    const byMac = (a: { mac?: string }, b: { mac?: string }) => String(a.mac).localeCompare(String(b.mac));
    expect(r.nodes.map(key).sort(byMac)).toEqual(plan.nodes.map(key).sort(byMac));
  });
});

describe('an alias bomb in an instackenv.yaml (15.3)', () => {
  it('is a finding at the alias', () => {
    const text = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'nodes: [*d]'].join('\n');
    expect(lines(parseNodesFile(text, 'nodes.yaml'))).toEqual([expect.stringMatching(/^error nodes\.yaml:3:\d+: too many aliases/)]);
  });
});

describe('discover --password-file that is not a regular file (15.4)', () => {
  it('a FIFO nobody writes: exit 2 with the reason, no wait', async () => {
    const fifo = join(dir, 'bmc-password.fifo');
    await execa('mkfifo', [fifo]);
    const r = await runCaptured(['discover', '--range', '127.0.0.1', '--user', 'admin', '--password-file', fifo]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`cloudseed: ${fifo}: cannot read the password file: it is a FIFO (named pipe), not a regular file: write the content into a file`]);
  });
});
