import { describe, expect, it } from 'vitest';
import { parseTargets, targetFields } from '../../src/roles/targets.js';

describe('target counts as typed', () => {
  it('empty is "as suggested", numbers are counts, anything else is named', () => {
    const fields = { ...targetFields({ Controller: 3 }), Compute: ' 12 ', CephStorage: '3x' };
    expect(fields.Controller).toBe('3');
    expect(fields.BlockStorage).toBe('');
    const { targets, problems } = parseTargets(fields);
    expect(targets).toEqual({ Controller: 3, Compute: 12 });
    expect(problems).toEqual({ CephStorage: '"3x" is not a whole number (leave it empty for the suggested count)' });
  });
});
