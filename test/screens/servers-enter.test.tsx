import { describe, expect, it, vi } from 'vitest';
import { servers } from '../../screens/servers.js';
import { loadLab } from '../../src/lab/load.js';
import { KEY, renderScreen } from './helpers.js';

describe('Servers screen on the defaults', () => {
  it('Enter with no servers opens the scan with the lab credentials; Enter again scans and inspects', async () => {
    const { lastFrame, stdin, seen, unmount } = renderScreen(servers, { app: { lab: loadLab('two-machine') } });
    await vi.waitFor(() => expect(lastFrame()).toContain('No servers yet'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Scan a BMC address range'));
    stdin.write(KEY.enter);
    stdin.write(KEY.enter);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('inspected 1 of 1'), { timeout: 10_000 });
    expect(seen.plan.nodes).toHaveLength(1);
    expect(seen.plan.nodes[0].macs).toEqual(['3c:ec:ef:30:00:11']);
    unmount();
  });
});
