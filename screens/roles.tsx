// Roles: which server becomes the undercloud, a controller, a compute or storage, and why.
// Counts against targets on top, the servers with role and fit in a scrolling table that
// filters (name, role, size) for thousands of rows, a picker for one or many marked
// servers, auto-assign and reset, and the role findings inline. The rules live in src/roles.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { OVERCLOUD_ROLES, type Plan, type RoleName } from '../src/plan/schema.js';
import { autoAssign, roleCounts, roleFloor, setRoles, undercloudAsVm, type Assignment, type OvercloudRole } from '../src/roles/assign.js';
import { roleSpec } from '../src/roles/catalog.js';
import { fit, gib, nodeFacts } from '../src/roles/fit.js';
import { parseTargets, targetFields, type TargetFields } from '../src/roles/targets.js';
import { FindingList } from './components/finding-list.js';
import { wordWrap, wrapLines } from './components/help.js';
import { useHostFacts, useNetworkFollows } from './components/host-network.js';
import { Frame } from './components/frame.js';
import { useKeys } from './components/keys.js';
import { matchRows, ScrollTable, type Column } from './components/scroll-table.js';
import { Select, type SelectItem } from './components/select.js';
import { TextField } from './components/text-field.js';
import { useTheme, type ColorRole } from './components/theme.js';
import type { ScreenDef, ScreenProps } from './types.js';

interface Row {
  name: string;
  role: string;
  ram: string;
  cpu: string;
  disk: string;
  fit: string;
  tone?: ColorRole;
  why: string;
  search: string;
}

const SHORT: Record<RoleName, string> = {
  Undercloud: 'Undercloud',
  Controller: 'Controller',
  Compute: 'Compute',
  BlockStorage: 'BlockStor',
  ObjectStorage: 'ObjectStor',
  CephStorage: 'Ceph',
};

/** Rows for the table: role, size, fit against the role's floor, and the reason. */
function roleRows(plan: Plan, assignment: Assignment): Row[] {
  const { allInOne } = plan.roles;
  return plan.nodes.map((n, i) => {
    const f = nodeFacts(n);
    const choice = assignment.choices[i];
    let fitText = '-';
    let tone: ColorRole | undefined;
    let why: string;
    if (n.role) {
      const verdict = fit(f, roleFloor(n.role, allInOne));
      // Meeting the floor is enough to deploy; the advised size is what a real cloud wants.
      const advised = fit(f, roleFloor(n.role, allInOne, undefined, 'recommended'));
      fitText = !verdict.fits ? `short: ${verdict.short[0]}` : verdict.unknown ? 'size unknown' : advised.fits ? 'fits' : 'fits, small';
      tone = !verdict.fits ? 'fail' : verdict.unknown || !advised.fits ? 'warn' : 'ok';
      why =
        n.roleSource === 'manual'
          ? `${n.name}: ${n.role}, chosen by you${verdict.fits ? '' : ` (${verdict.short.join(', ')})`}`
          : choice?.role === n.role
            ? choice.reason
            : `${n.name} \u2192 ${n.role}${verdict.fits ? '' : `: ${verdict.short.join(', ')}`}`;
      if (verdict.fits && !advised.fits) why += `; advised for a real cloud: ${advised.short.join(', ')}`;
    } else {
      why = n.roleSource === 'manual' ? `${n.name}: not used, chosen by you` : (choice?.reason ?? `${n.name}: no role yet`);
    }
    const role = n.role ? (n.role === 'Controller' && allInOne ? 'Ctrl+Compute' : SHORT[n.role]) : 'not used';
    const ram = f.memoryMiB !== undefined ? gib(f.memoryMiB) : '?';
    const cpu = f.cpu !== undefined ? String(f.cpu) : '?';
    const disk = f.diskGiB !== undefined ? `${f.diskGiB} GiB` : '?';
    const mark = n.roleSource === 'manual' ? '*' : '';
    return {
      name: n.name,
      role: `${role}${mark}`,
      ram,
      cpu,
      disk,
      fit: fitText,
      tone,
      why,
      search: `${n.name} ${n.role ?? 'not used'} ${ram} ${cpu} cpus ${disk}`.toLowerCase(),
    };
  });
}

const COLUMNS: Column<Row>[] = [
  { header: 'Server', width: 16, get: (r) => r.name },
  { header: 'Role', width: 13, get: (r) => r.role },
  { header: 'RAM', width: 8, get: (r) => r.ram, align: 'right' },
  { header: 'CPUs', width: 4, get: (r) => r.cpu, align: 'right' },
  { header: 'Disk', width: 9, get: (r) => r.disk, align: 'right' },
  { header: 'Fit', width: 18, get: (r) => r.fit, tone: (r) => r.tone },
];

/** The reasons use → and ≥; the ASCII console gets -> and >=. */
function plainText(text: string, ascii: boolean): string {
  return ascii ? text.replace(/\u2192/g, '->').replace(/\u2265/g, '>=') : text;
}

// Stable functions: the table re-indexes its filter text only when these or the rows change.
const searchOf = (r: Row) => r.search;
const nameOf = (r: Row) => r.name;

type Pick = RoleName | 'none';
/** The picker's choices, each with what the role does (read from the catalog when first needed). */
let picks: SelectItem<Pick>[] | undefined;
function pickItems(): SelectItem<Pick>[] {
  picks ??= [
    ...[...OVERCLOUD_ROLES, 'Undercloud' as const].map((r) => ({ label: r.padEnd(14), value: r as Pick, hint: roleSpec(r).description })),
    { label: 'not used'.padEnd(14), value: 'none', hint: 'leave the server out of the cloud' },
  ];
  return picks;
}

/** Target counts per role; Tab/Up/Down move, Enter applies (and auto-assigns), Esc cancels. */
function TargetsForm({ plan, height, onApply, onCancel }: { plan: Plan; height: number; onApply(t: Plan['roles']['targets']): void; onCancel(): void }) {
  const [fields, setFields] = useState<TargetFields>(() => targetFields(plan.roles.targets));
  const [focus, setFocus] = useState(0);
  const [tried, setTried] = useState(false);
  const sep = useTheme().sym.sep;
  const { targets, problems } = parseTargets(fields);
  useKeys(
    (_input, key) => {
      const by = key.tab || key.downArrow ? 1 : key.upArrow ? -1 : 0;
      if (!by) return false;
      setFocus((f) => (f + by + OVERCLOUD_ROLES.length) % OVERCLOUD_ROLES.length);
      return true;
    },
    { capture: true },
  );
  const submit = () => {
    setTried(true);
    if (Object.keys(problems).length === 0) onApply(targets);
  };
  return (
    <Frame title="Target counts (empty: as suggested)" height={height + 2}>
      {OVERCLOUD_ROLES.map((role: OvercloudRole, i) => (
        <TextField
          key={role}
          label={role}
          labelWidth={15}
          value={fields[role]}
          focus={i === focus}
          placeholder="suggested"
          onChange={(v) => setFields((f) => ({ ...f, [role]: v }))}
          onSubmit={submit}
          onCancel={onCancel}
          error={tried || fields[role] !== '' ? problems[role] : undefined}
        />
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">
        Enter applies and auto-assigns (your own choices kept){sep}Tab next{sep}Esc cancels
      </Text>
    </Frame>
  );
}

/** The picker starts on the server's current role. */
function pickIndex(plan: Plan, name: string | undefined): number {
  const role = plan.nodes.find((n) => n.name === name)?.role;
  return Math.max(0, pickItems().findIndex((p) => p.value === (role ?? 'none')));
}

function Roles({ app }: ScreenProps) {
  const theme = useTheme();
  const { plan, setPlan } = app;
  const [marked, setMarked] = useState<ReadonlySet<string>>(new Set());
  const [picking, setPicking] = useState<string[] | undefined>();
  const [cursor, setCursor] = useState<string | undefined>(plan.nodes[0]?.name);
  const [filter, setFilter] = useState('');
  const [note, setNote] = useState<string | undefined>();
  const [editingTargets, setEditingTargets] = useState(false);

  const assignment = useMemo(() => autoAssign(plan), [plan]);
  // The networks follow the roles (three controllers: isolated VLANs), not the order of edits;
  // a network without a list of what the person set is theirs (nothing to probe for).
  const { facts, ready } = useHostFacts(app.lab, plan.network.manual !== undefined);
  useNetworkFollows(app, facts, ready);

  // Servers without a role (a first visit, servers added since): assign by default, so the
  // defaults need no input; the person's own choices are kept.
  useEffect(() => {
    const fresh = plan.nodes.filter((n) => !n.role && n.roleSource !== 'manual').length;
    if (fresh === 0) return;
    const next = assignment.plan;
    if (next.nodes.some((n, i) => n.role !== plan.nodes[i].role) || next.roles.undercloud.placement !== plan.roles.undercloud.placement) {
      setPlan((p) => autoAssign(p).plan);
      if (fresh < plan.nodes.length) setNote(`${fresh} server${fresh === 1 ? '' : 's'} without a role: auto-assigned (your own choices kept)`);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const rows = useMemo(() => roleRows(plan, assignment), [plan, assignment]);
  // Rows for the reason under the table: the most any server's reason needs (2 to 3; notes get 2), so
  // the table keeps its height while the cursor moves.
  const whyRows = useMemo(
    () => Math.min(3, Math.max(2, ...rows.slice(0, 2000).map((r) => wordWrap(plainText(r.why, app.ui.ascii), app.columns).length))),
    [rows, app.columns, app.ui.ascii],
  );
  const counts = roleCounts(plan);
  const findings = useMemo(() => app.findings.filter((f) => f.screen === 'roles'), [app.findings]);
  // The rows the table shows now: its filter (by the table's rule) over the current rows, so a
  // role change that moves a server out of the filter also takes it out of `*`.
  const shown = useMemo(() => matchRows(rows, rows.map(searchOf), filter), [rows, filter]);

  const pick = (names: string[], value: Pick) => {
    setPlan((p) => setRoles(p, new Set(names), value === 'none' ? undefined : value));
    setNote(`${names.length === 1 ? names[0] : `${names.length} servers`}: ${value === 'none' ? 'not used' : value} (kept when you auto-assign)`);
    setMarked(new Set());
    setPicking(undefined);
  };

  useKeys(
    (input, key) => {
      if (editingTargets) return false;
      if (picking) {
        if (key.escape) {
          setPicking(undefined);
          return true;
        }
        return false;
      }
      if (input === 'e' && current) {
        setPicking(marked.size > 0 ? [...marked].sort() : [current.name]);
        return true;
      }
      if (input === 't') {
        setEditingTargets(true);
        return true;
      }
      if (input === 'a') {
        setPlan((p) => autoAssign(p).plan);
        setNote('auto-assigned (your own choices kept)');
        return true;
      }
      if (input === 'r') {
        setPlan((p) => autoAssign(p, { reset: true }).plan);
        setNote('reset: every role auto-assigned again');
        setMarked(new Set());
        return true;
      }
      if (input === 'v') {
        setPlan((p) => undercloudAsVm(p));
        setNote('the undercloud runs as a VM on this host');
        return true;
      }
      if (input === '*') {
        setMarked(new Set(shown.map((r) => r.name)));
        return true;
      }
      if (input === 'x') {
        setMarked(new Set());
        return true;
      }
      return false;
    },
    { capture: !!picking || editingTargets },
  );

  if (plan.nodes.length === 0) {
    return (
      <Box flexDirection="column">
        <Text>No servers yet: go back to Servers to import, scan or add them.</Text>
      </Box>
    );
  }

  const uc = plan.roles.undercloud;
  const t = assignment.targets;
  const countText = plan.roles.allInOne
    ? `all-in-one: ${plan.nodes.find((n) => n.role === 'Controller')?.name ?? '?'} is controller and compute`
    : [
        `Controller ${counts.Controller}/${t.Controller}`,
        `Compute ${counts.Compute}/${t.Compute}`,
        ...(['BlockStorage', 'ObjectStorage', 'CephStorage'] as const).filter((r) => counts[r] || t[r]).map((r) => `${SHORT[r]} ${counts[r]}/${t[r]}`),
        `not used ${counts.unused}`,
      ].join(theme.sym.sep);
  const findingRows = findings.length ? Math.min(3, findings.length + (findings.length > 3 ? 1 : 0)) : 1;
  const current = rows.find((r) => r.name === cursor) ?? rows[0];
  // The reasons wrap (never cut at the edge); the table gives up the rows they take.
  const width = app.columns;
  const targetsWhy = wrapLines(plainText(assignment.why[1] ?? '', theme.ascii), width, 2, theme.sym.ellipsis);
  const whyLines = wrapLines(plainText(note ?? current?.why ?? '', theme.ascii), width, whyRows, theme.sym.ellipsis);
  const height = Math.max(3, app.bodyRows - 5 - findingRows - targetsWhy.length - whyRows);
  const targets = picking ?? [];

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Undercloud: </Text>
        {uc.placement === 'server' ? `server ${uc.node}` : 'VM on this host'}
        <Text color={theme.c('muted')}>{uc.source === 'manual' ? ' (your choice)' : ''}</Text>
      </Text>
      <Text wrap="truncate-end">{countText}</Text>
      {targetsWhy.map((l, i) => (
        <Text key={i} color={theme.c('muted')}>
          {l}
        </Text>
      ))}
      {editingTargets ? (
        <TargetsForm
          plan={plan}
          height={height}
          onCancel={() => setEditingTargets(false)}
          onApply={(targets) => {
            setPlan((p) => autoAssign({ ...p, roles: { ...p.roles, targets } }).plan);
            const set = OVERCLOUD_ROLES.filter((r) => targets[r] !== undefined).map((r) => `${r} ${targets[r]}`);
            setNote(`targets: ${set.length ? set.join(', ') : 'as suggested'}; auto-assigned (your own choices kept)`);
            setEditingTargets(false);
          }}
        />
      ) : picking ? (
        <Frame title={`Role for ${targets.length === 1 ? targets[0] : `${targets.length} marked servers`}`} height={height + 2}>
          <Select items={pickItems()} initialIndex={pickIndex(plan, targets[0])} onSelect={(item) => pick(targets, item.value)} limit={Math.max(1, height - 1)} />
        </Frame>
      ) : null}
      {/* Kept mounted (hidden) under the picker and the form, so cursor and filter stay. */}
      <Box display={picking || editingTargets ? 'none' : 'flex'} flexDirection="column">
        <ScrollTable
          rows={rows}
          columns={COLUMNS}
          rowKey={nameOf}
          height={height}
          isActive={!picking && !editingTargets}
          filterable
          filterText={searchOf}
          marked={marked}
          onToggle={(r) =>
            setMarked((m) => {
              const next = new Set(m);
              if (next.has(r.name)) next.delete(r.name);
              else next.add(r.name);
              return next;
            })
          }
          onCursor={(r) => {
            setCursor(r?.name);
            setNote(undefined);
          }}
          onFilterChange={setFilter}
          // Enter goes on: the suggested roles need no change (e changes one).
          onSelect={() => app.next()}
        />
      </Box>
      <Box flexDirection="column" height={whyRows}>
        {whyLines.map((l, i) => (
          <Text key={i} color={theme.c('muted')}>
            {l}
          </Text>
        ))}
      </Box>
      <FindingList findings={findings} compact maxRows={findingRows} empty="roles: no findings" />
    </Box>
  );
}

export const roles: ScreenDef = {
  id: 'roles',
  title: 'Roles',
  component: Roles,
  keys: [
    { keys: 'e', action: 'role' },
    { keys: 'Space', action: 'mark' },
    { keys: '/', action: 'filter' },
    { keys: 'a', action: 'auto' },
    { keys: 'r', action: 'reset' },
    { keys: 't', action: 'targets' },
  ],
  help: [
    'Each server gets one role. Auto-assign puts the undercloud and the controllers on the',
    'smallest servers that meet their floor, so the large ones remain for Compute.',
    'e changes the role of the server under the cursor, or of every marked server',
    '(Space marks one, * marks all shown, x clears). / filters by name, role or size',
    '("compute", "64 GiB"). a auto-assigns again and keeps your own choices (marked *);',
    'r resets them. t sets target counts per role. v runs the undercloud as a VM on this',
    'host. Enter: next screen.',
  ].join('\n'),
};
