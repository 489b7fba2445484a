// The log redactor (issue 17.2): every secret of the plan, however short and wherever it was
// read from, is replaced in the log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/deploy/sinks.js';
import { emptyPlan } from '../../src/plan/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'cs-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bmc = (password: Record<string, string>) => ({ type: 'ipmi' as const, address: '10.0.0.1', user: 'admin', ...password });

describe('createRedactor', () => {
  it('a password of one or two characters is hidden where it stands alone, not inside other words', () => {
    const plan = emptyPlan({ nodes: [{ name: 'n1', bmc: bmc({ password: 'pw' }) }, { name: 'n2', bmc: bmc({ password: '7' }) }] });
    const redact = createRedactor(plan);
    expect(redact('ipmitool -U admin -P pw chassis power status')).toBe('ipmitool -U admin -P **** chassis power status');
    expect(redact('login with 7 failed')).toBe('login with **** failed');
    expect(redact('upgrade pwgen on node-17')).toBe('upgrade pwgen on node-17');
  });

  it('passwords and tokens read from files are hidden too', () => {
    const file = join(dir, 'bmc-password');
    writeFileSync(file, 'From-A-File\n');
    const token = join(dir, 'token');
    writeFileSync(token, 'tok-en-123\n');
    const plan = emptyPlan({
      nodes: [{ name: 'n1', bmc: bmc({ passwordFile: file }) }],
      seed: { mode: 'adopt', ironic: { url: 'http://127.0.0.1:6385', auth: { type: 'token', tokenFile: token } } },
    });
    const redact = createRedactor(plan);
    expect(redact('BMC answered to From-A-File; X-Auth-Token tok-en-123')).toBe('BMC answered to ****; X-Auth-Token ****');
  });

  it('an unreadable password file leaves the rest redacted', () => {
    const plan = emptyPlan({ nodes: [{ name: 'n1', bmc: bmc({ passwordFile: '/dev/zero' }) }, { name: 'n2', bmc: bmc({ password: 's3cret' }) }] });
    expect(createRedactor(plan)('s3cret')).toBe('****');
  });
});
