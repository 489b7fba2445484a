// Why screens/components/select.tsx exists: ink-select-input 6.2 drops keys that arrive in
// one stdin chunk (its handler closes over stale state). Kept as a regression probe.
import React, { useState } from 'react';
import { Text } from 'ink';
import SelectInput from 'ink-select-input';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';

const DOWN = '\u001B[B';

describe('ink-select-input 6.2', () => {
  it('picks the first item, not the third, when DOWN DOWN ENTER arrive in one chunk', async () => {
    function Probe() {
      const [picked, setPicked] = useState('');
      const items = ['one', 'two', 'three'].map((v) => ({ label: v, value: v }));
      return picked ? <Text>picked {picked}</Text> : <SelectInput items={items} onSelect={(i) => setPicked(i.value)} />;
    }
    const { stdin, lastFrame } = render(<Probe />);
    await vi.waitFor(() => expect(lastFrame()).toContain('three'));
    stdin.write(`${DOWN}${DOWN}\r`);
    await vi.waitFor(() => expect(lastFrame()).toContain('picked'));
    // The stale-state bug: a fixed widget would say "picked three".
    expect(lastFrame()).toContain('picked one');
  });
});
