import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyPlan } from '../../src/plan/schema.js';
import { defaultStateDir, logFile, resolveStateDir } from '../../src/store/paths.js';
import { STATE_FILE, StateStore } from '../../src/store/state.js';

const root = mkdtempSync(join(tmpdir(), 'cs-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fresh = () => mkdtempSync(join(root, 'dir-'));

const plan = emptyPlan({ driver: 'sim', sim: { lab: 'two-machine' }, nodes: [{ name: 'node-1', bmc: { address: '10.0.0.11', user: 'admin', password: 's3cret' } }] });

describe('state directory', () => {
  it('--state-dir wins over CLOUDSEED_STATE_DIR, which wins over the platform default', () => {
    expect(resolveStateDir('/a', { CLOUDSEED_STATE_DIR: '/b' })).toBe('/a');
    expect(resolveStateDir(undefined, { CLOUDSEED_STATE_DIR: '/b' })).toBe('/b');
    expect(resolveStateDir(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe(process.platform === 'linux' ? '/xdg/cloudseed' : defaultStateDir({ XDG_CONFIG_HOME: '/xdg' }));
  });

  it('the platform default is the usual config location', () => {
    expect(defaultStateDir({}, 'linux', '/home/ann')).toBe('/home/ann/.config/cloudseed');
    expect(defaultStateDir({}, 'darwin', '/Users/ann')).toBe('/Users/ann/Library/Preferences/cloudseed');
    expect(logFile('/s')).toBe('/s/logs/cloudseed.log');
  });
});

describe('StateStore', () => {
  it('nothing to resume in a new state directory', () => {
    const store = StateStore.open(fresh());
    expect(store.saved()).toBeUndefined();
    expect(store.notices).toEqual([]);
  });

  it('a saved plan is offered after a restart with its date and the screen reached', () => {
    const dir = fresh();
    const t0 = new Date('2026-11-25T10:00:00Z');
    const t1 = new Date('2026-11-25T10:05:00Z');
    StateStore.open(dir).savePlan(plan, 'servers', t0);
    StateStore.open(dir).markScreen('network', t1);
    const saved = StateStore.open(dir).saved();
    expect(saved?.plan).toStrictEqual(plan);
    expect(saved?.session).toEqual({ started: t0.toISOString(), updatedAt: t1.toISOString(), screen: 'network' });
  });

  it('clear() starts a new installation', () => {
    const dir = fresh();
    const store = StateStore.open(dir);
    store.savePlan(plan, 'roles');
    store.clear();
    expect(StateStore.open(dir).saved()).toBeUndefined();
  });

  it('the state file holding BMC passwords is mode 0600, even if it was made readable', () => {
    const dir = fresh();
    const store = StateStore.open(dir);
    store.savePlan(plan, 'servers');
    const file = join(dir, STATE_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    StateStore.open(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a corrupt state file is kept aside and reported, not discarded', () => {
    const dir = fresh();
    writeFileSync(join(dir, STATE_FILE), '{"plan": {"version": 1, ');
    const store = StateStore.open(dir);
    expect(store.saved()).toBeUndefined();
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatchObject({ severity: 'warning', rule: 'state.corrupt' });
    const aside = readdirSync(dir).find((f) => f.startsWith(`${STATE_FILE}.corrupt-`));
    expect(aside).toBeDefined();
    expect(store.notices[0].message).toContain(aside);
    expect(readFileSync(join(dir, aside!), 'utf8')).toBe('{"plan": {"version": 1, ');
    // A new state works and the kept file stays.
    store.savePlan(plan, 'welcome');
    expect(StateStore.open(dir).saved()?.plan).toStrictEqual(plan);
    expect(existsSync(join(dir, aside!))).toBe(true);
  });

  it('a stored plan that no longer fits the schema is kept aside too', () => {
    const dir = fresh();
    writeFileSync(join(dir, STATE_FILE), JSON.stringify({ plan: { version: 1, driver: 'steam' }, session: { started: 'x', updatedAt: 'x', screen: 'welcome' } }));
    const store = StateStore.open(dir);
    expect(store.saved()).toBeUndefined();
    expect(store.notices[0].message).toMatch(/does not match this version/);
    expect(readdirSync(dir).some((f) => f.startsWith(`${STATE_FILE}.corrupt-`))).toBe(true);
  });

  it('a state file that is valid JSON but not an object is kept aside', () => {
    const dir = fresh();
    writeFileSync(join(dir, STATE_FILE), '[1, 2]');
    expect(StateStore.open(dir).notices).toHaveLength(1);
  });
});
