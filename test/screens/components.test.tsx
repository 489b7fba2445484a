// Every selection widget must survive several keys in one stdin chunk (paste, typeahead,
// slow serial lines), alone and inside the shell's key router.
import React, { useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { AsciiBox } from '../../screens/components/ascii.js';
import { FindingList } from '../../screens/components/finding-list.js';
import { wordWrap } from '../../screens/components/help.js';
import { KeyRouter, useKeys } from '../../screens/components/keys.js';
import { ScrollTable, type Column } from '../../screens/components/scroll-table.js';
import { Select } from '../../screens/components/select.js';
import { TextField } from '../../screens/components/text-field.js';
import { makeTheme, ThemeContext } from '../../screens/components/theme.js';
import { error, warning } from '../../src/plan/findings.js';
import { KEY, nonAscii } from './helpers.js';

const items = ['one', 'two', 'three', 'four'].map((v) => ({ label: v, value: v }));
const wrappers: Array<[string, (n: ReactNode) => ReactNode]> = [
  ['alone', (n) => n],
  ['in the key router', (n) => <KeyRouter isActive onKey={() => {}}>{n}</KeyRouter>],
];

describe.each(wrappers)('selection widgets %s', (_name, wrap) => {
  it('Select: DOWN DOWN ENTER in one chunk picks the third item', async () => {
    function Probe() {
      const [picked, setPicked] = useState('');
      return picked ? <Text>picked {picked}</Text> : <Select items={items} onSelect={(i) => setPicked(i.value)} />;
    }
    const { stdin, lastFrame, unmount } = render(<>{wrap(<Probe />)}</>);
    await vi.waitFor(() => expect(lastFrame()).toContain('four'));
    stdin.write(`${KEY.down}${KEY.down}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('picked three'));
    unmount();
  });

  it('Select: skips disabled items', async () => {
    const list = items.map((i) => ({ ...i, disabled: i.value === 'two' }));
    function Probe() {
      const [picked, setPicked] = useState('');
      return picked ? <Text>picked {picked}</Text> : <Select items={list} onSelect={(i) => setPicked(i.value)} />;
    }
    const { stdin, lastFrame, unmount } = render(<>{wrap(<Probe />)}</>);
    await vi.waitFor(() => expect(lastFrame()).toContain('four'));
    stdin.write(`${KEY.down}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('picked three'));
    unmount();
  });

  it('ScrollTable: DOWN DOWN SPACE DOWN SPACE in one chunk marks the third and fourth rows (bulk changes)', async () => {
    const columns: Column<(typeof items)[number]>[] = [{ header: 'Item', width: 10, get: (r) => r.label }];
    function Probe() {
      const [marked, setMarked] = useState<ReadonlySet<string>>(new Set());
      const toggle = (key: string) => setMarked((m) => new Set(m.has(key) ? [...m].filter((k) => k !== key) : [...m, key]));
      return (
        <>
          <ScrollTable rows={items} columns={columns} rowKey={(r) => r.value} height={4} marked={marked} onToggle={(r) => toggle(r.value)} />
          <Text>marked {[...marked].join(',')}</Text>
        </>
      );
    }
    const { stdin, lastFrame, unmount } = render(<>{wrap(<Probe />)}</>);
    await vi.waitFor(() => expect(lastFrame()).toContain('1-4 of 4'));
    stdin.write(`${KEY.down}${KEY.down} ${KEY.down} `);
    await vi.waitFor(() => expect(lastFrame()).toContain('marked three,four'));
    unmount();
  });

  it('ScrollTable: DOWN DOWN ENTER in one chunk selects the third row', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ name: `node-${String(i + 1).padStart(2, '0')}` }));
    const columns: Column<{ name: string }>[] = [{ header: 'Name', width: 10, get: (r) => r.name }];
    function Probe() {
      const [picked, setPicked] = useState('');
      return picked ? <Text>picked {picked}</Text> : <ScrollTable rows={rows} columns={columns} rowKey={(r) => r.name} height={5} onSelect={(r) => setPicked(r.name)} />;
    }
    const { stdin, lastFrame, unmount } = render(<>{wrap(<Probe />)}</>);
    await vi.waitFor(() => expect(lastFrame()).toContain('1-5 of 50'));
    stdin.write(`${KEY.down}${KEY.down}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('picked node-03'));
    unmount();
  });

  it('TextField: "abc", BACKSPACE, "d", ENTER in one chunk submits "abd"', async () => {
    function Probe() {
      const [value, setValue] = useState('');
      const [done, setDone] = useState('');
      return done ? <Text>submitted {done}</Text> : <TextField label="Name" value={value} onChange={setValue} onSubmit={setDone} />;
    }
    const { stdin, lastFrame, unmount } = render(<>{wrap(<Probe />)}</>);
    await vi.waitFor(() => expect(lastFrame()).toContain('Name:'));
    stdin.write(`abc${KEY.backspace}d${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('submitted abd'));
    unmount();
  });
});

describe('ScrollTable with thousands of rows', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ name: `node-${String(i + 1).padStart(4, '0')}`, role: i % 10 === 0 ? 'Controller' : 'Compute' }));
  const columns: Column<(typeof rows)[number]>[] = [
    { header: 'Name', width: 10, get: (r) => r.name },
    { header: 'Role', width: 10, get: (r) => r.role },
  ];

  it('renders only the visible window and pages with PageDown', async () => {
    const { stdin, lastFrame, unmount } = render(<ScrollTable rows={rows} columns={columns} rowKey={(r) => r.name} height={10} />);
    await vi.waitFor(() => expect(lastFrame()).toContain('1-10 of 5000'));
    expect(lastFrame()!.split('\n')).toHaveLength(12);
    expect(lastFrame()).not.toContain('node-0011');
    stdin.write('\u001B[6~');
    await vi.waitFor(() => expect(lastFrame()).toContain('node-0011'));
    unmount();
  });

  it('filters with / and shows how many match', async () => {
    const { stdin, lastFrame, unmount } = render(<ScrollTable rows={rows} columns={columns} rowKey={(r) => r.name} height={5} filterable />);
    await vi.waitFor(() => expect(lastFrame()).toContain('/ to filter'));
    stdin.write('/node-004');
    await vi.waitFor(() => expect(lastFrame()).toContain('of 10 (filtered from 5000)'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('filter: node-004'));
    unmount();
  });

  it('marks rows with Space', async () => {
    function Probe() {
      const [marked, setMarked] = useState<Set<string>>(new Set());
      return (
        <ScrollTable
          rows={rows}
          columns={columns}
          rowKey={(r) => r.name}
          height={5}
          marked={marked}
          onToggle={(r) => setMarked((m) => new Set(m.has(r.name) ? [...m].filter((x) => x !== r.name) : [...m, r.name]))}
        />
      );
    }
    const { stdin, lastFrame, unmount } = render(<Probe />);
    await vi.waitFor(() => expect(lastFrame()).toContain('1-5 of 5000'));
    stdin.write(` ${KEY.down} `);
    await vi.waitFor(() => expect(lastFrame()).toContain('2 marked'));
    unmount();
  });
});

describe('FindingList', () => {
  const findings = Array.from({ length: 10 }, (_, i) =>
    i % 2 ? warning('w', `nodes[${i}].bmc.address`, `warning ${i}`, 'fix it') : error('e', `nodes[${i}].name`, `error ${i}`, 'rename it'),
  );

  it('shows errors first, each with where and fix, and says how many more', async () => {
    const { lastFrame, unmount } = render(<FindingList findings={findings} maxRows={7} />);
    await vi.waitFor(() => expect(lastFrame()).toContain('+7 more (5 errors in all)'));
    expect(lastFrame()).toContain('nodes[0].name: error 0');
    expect(lastFrame()).toContain('rename it');
    expect(lastFrame()).not.toContain('warning 1');
    unmount();
  });

  it('ASCII theme: only ASCII characters', async () => {
    const { lastFrame, unmount } = render(
      <ThemeContext.Provider value={makeTheme({ ascii: true, color: false })}>
        <FindingList findings={findings} maxRows={20} />
      </ThemeContext.Provider>,
    );
    // An error reads as one, not as a ticked box ("[x]").
    await vi.waitFor(() => expect(lastFrame()).toContain('ERR nodes[0].name: error 0'));
    expect(lastFrame()).toContain('!! ');
    expect(lastFrame()).not.toContain('[x]');
    expect(nonAscii(lastFrame()!)).toEqual([]);
    unmount();
  });
});

describe('KeyRouter', () => {
  it('takes a long burst (120 DOWN and ENTER in one chunk) key by key', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ label: `item ${i}`, value: i }));
    function Probe() {
      const [picked, setPicked] = useState(-1);
      return picked >= 0 ? <Text>picked {picked}</Text> : <Select items={many} limit={5} onSelect={(i) => setPicked(i.value)} />;
    }
    const { stdin, lastFrame, unmount } = render(
      <KeyRouter isActive onKey={() => {}}>
        <Probe />
      </KeyRouter>,
    );
    await vi.waitFor(() => expect(lastFrame()).toContain('item 0'));
    stdin.write(`${KEY.down.repeat(120)}${KEY.enter}`);
    // 121 renders, one per key: over vi.waitFor's default second on a busy machine.
    await vi.waitFor(() => expect(lastFrame()).toContain('picked 120'), { timeout: 10_000 });
    unmount();
  });

  it('gives a text field a pasted run in one go, and the keys after it one by one', async () => {
    const inputs: string[] = [];
    function Probe() {
      const [value, setValue] = useState('');
      const [done, setDone] = useState('');
      return done ? <Text>submitted {done}</Text> : <TextField label="Path" value={value} onChange={(v) => (inputs.push(v), setValue(v))} onSubmit={setDone} />;
    }
    const { stdin, lastFrame, unmount } = render(
      <KeyRouter isActive onKey={() => {}}>
        <Probe />
      </KeyRouter>,
    );
    await vi.waitFor(() => expect(lastFrame()).toContain('Path:'));
    stdin.write(`/tmp/answers.yaml${KEY.backspace}l${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('submitted /tmp/answers.yaml'));
    expect(inputs).toEqual(['/tmp/answers.yaml', '/tmp/answers.yam', '/tmp/answers.yaml']);
    unmount();
  });
});

describe('Select whose list shrinks', () => {
  it('Enter picks the item shown under the cursor, and Up moves from there', async () => {
    function Probe() {
      const [list, setList] = useState(items);
      const [picked, setPicked] = useState('');
      return (
        <>
          <Select items={list} onSelect={(i) => setPicked(i.value)} />
          <Text>{picked ? `picked ${picked}` : `${list.length} items`}</Text>
          <Shrinker onShrink={() => setList(items.slice(0, 2))} />
        </>
      );
    }
    const { stdin, lastFrame, unmount } = render(<Probe />);
    await vi.waitFor(() => expect(lastFrame()).toContain('4 items'));
    stdin.write(`${KEY.down}${KEY.down}${KEY.down}`);
    await vi.waitFor(() => expect(lastFrame()).toMatch(/[❯>] four/));
    stdin.write('x');
    await vi.waitFor(() => expect(lastFrame()).toContain('2 items'));
    stdin.write(KEY.up);
    await vi.waitFor(() => expect(lastFrame()).toMatch(/[❯>] one/));
    stdin.write(`${KEY.down}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('picked two'));
    unmount();
  });
});

/** Shrinks the list when `x` is typed. */
function Shrinker({ onShrink }: { onShrink(): void }) {
  useKeys((input) => {
    if (input !== 'x') return false;
    onShrink();
    return true;
  });
  return null;
}

describe('AsciiBox', () => {
  it("rewrites Ink's truncation mark and any other glyph (text from src/), one character for one", async () => {
    const { lastFrame, unmount } = render(
      <AsciiBox enabled>
        <Box width={20}>
          <Text wrap="truncate-end">node-01 → Controller, the smallest that fits</Text>
        </Box>
      </AsciiBox>,
    );
    await vi.waitFor(() => expect(lastFrame()).toBe('node-01 > Control...'));
    unmount();
  });

  it('a cut address ends in "..." (not "192.1." that reads as an address), in colour too', async () => {
    const { lastFrame, unmount } = render(
      <AsciiBox enabled>
        <Box width={24}>
          <Text wrap="truncate-end" color="red">
            public endpoint 192.168.1.5
          </Text>
        </Box>
      </AsciiBox>,
    );
    await vi.waitFor(() => expect(lastFrame()).toBe('public endpoint 192.1...'));
    unmount();
  });
});

describe('wordWrap (help text)', () => {
  it('keeps lines within the width, starts none with a space, and keeps paragraphs', () => {
    const text = 'Each server gets one role. Auto-assign puts the undercloud and the\ncontrollers on the smallest servers.\n\nSecond paragraph with averyveryverylongwordthatdoesnotfit.';
    const lines = wordWrap(text, 20);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(20);
      expect(line.startsWith(' ')).toBe(false);
    }
    expect(lines.join(' ')).toContain('Auto-assign puts the undercloud');
    expect(lines[lines.indexOf('') + 1]).toMatch(/^Second paragraph/);
  });
});
