// Network: the provisioning, external and isolated networks. A list of networks with their
// state, an editor for the focused one (each value says why it was suggested), findings
// inline, the per-server addresses (scrolls and filters for thousands), and a small drawing
// of which NIC carries what. Suggestions, rules and allocation live in src/network.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import type { Plan } from '../src/plan/schema.js';
import { allocate, type NodeAddresses } from '../src/network/allocate.js';
import { topologyLines } from '../src/network/describe.js';
import { checkField, hostNicChoices, isOnField, networkSections, readField, sectionEnabled, sectionFindings, type FieldCheck } from '../src/network/fields.js';
import { choose, defaultLayout, manualPaths, suggestNetwork, switchLayout } from '../src/network/suggest.js';
import { validateNetwork } from '../src/network/validate.js';
import { FindingList, findingLines } from './components/finding-list.js';
import { wrapLines } from './components/help.js';
import { unfilled, useHostFacts, useNetworkFollows } from './components/host-network.js';
import { useKeys } from './components/keys.js';
import { ScrollTable, type Column } from './components/scroll-table.js';
import { Select } from './components/select.js';
import { TextField } from './components/text-field.js';
import { fit, useTheme } from './components/theme.js';
import type { ScreenDef, ScreenProps } from './types.js';

type View = 'networks' | 'addresses' | 'topology';

interface Editing {
  text: string;
  check: FieldCheck;
  /** Enter was pressed once on a value with findings: Enter again keeps it. */
  confirm: boolean;
}

function NetworkScreen({ app }: ScreenProps) {
  const theme = useTheme();
  const { plan, setPlan } = app;
  const { facts, ready } = useHostFacts(app.lab);
  const [view, setView] = useState<View>('networks');
  const [section, setSection] = useState(0);
  const [field, setField] = useState(0);
  const [pane, setPane] = useState<'list' | 'fields'>('list');
  const [editing, setEditing] = useState<Editing | undefined>();
  /** A NIC field: this host's NICs to pick from (or another name to type). */
  const [pickingNic, setPickingNic] = useState(false);
  const [note, setNote] = useState<string | undefined>();
  const [page, setPage] = useState(0);
  useNetworkFollows(app, facts, ready);
  // A new plan's networks were just suggested whole: say so once.
  const [fresh, setFresh] = useState(() => unfilled(plan.network));
  useEffect(() => {
    if (!fresh || unfilled(plan.network)) return;
    setFresh(false);
    setNote('networks suggested for this host and these servers; change what you like');
  }, [fresh, plan.network]);

  const findings = useMemo(() => validateNetwork(plan, facts), [plan, facts]);
  const sections = networkSections(plan.network);
  const sIndex = Math.min(section, sections.length - 1);
  const current = sections[sIndex];
  const fIndex = Math.min(field, current.fields.length - 1);
  const focused = current.fields[fIndex];
  // What the focused field would be if the person had not set it (the rest as it is).
  const suggestion = useMemo(
    () => suggestNetwork({ plan, hostFacts: facts, keep: unfilled(plan.network) ? [] : manualPaths(plan.network).filter((p) => p !== focused.path) }),
    [plan, facts, focused.path],
  );
  // DNS, NTP and proxy are always the person's; other fields they set stop following the servers.
  const chosen = current.id === 'services' ? [] : [focused.path];
  const allocation = useMemo(() => (view === 'addresses' ? allocate(plan) : undefined), [plan, view]);

  const startEdit = () => {
    if (focused.kind === 'toggle') {
      const on = focused.get(plan.network) !== 'on';
      setPlan((p) => ({ ...p, network: choose(p, focused.put(p.network, on), chosen, facts) }));
      setNote(`${current.title}: ${on ? 'on' : 'off'}`);
      return;
    }
    if (focused.kind === 'nic' && facts?.nics.length) {
      setPickingNic(true);
      return;
    }
    edit(focused.get(plan.network));
  };

  const edit = (text: string) => setEditing({ text, check: checkField(plan, focused, text, facts, findings), confirm: false });

  /** A NIC picked from the list is saved like a typed one (a problem asks for a second Enter). */
  const pickNic = (name: string | undefined) => {
    setPickingNic(false);
    if (name === undefined) return edit(focused.get(plan.network));
    const e: Editing = { text: name, check: checkField(plan, focused, name, facts, findings), confirm: false };
    if (e.check.findings.some((f) => f.severity === 'error')) setEditing(e);
    else save(e);
  };

  const save = (e: Editing) => {
    if (e.check.problem || !e.check.plan) return; // shown under the field; nothing is saved
    const errors = e.check.findings.filter((f) => f.severity === 'error');
    if (errors.length && !e.confirm) {
      setEditing({ ...e, confirm: true });
      return;
    }
    const next = e.check.plan;
    setPlan((p) => ({ ...p, network: choose(p, next.network, chosen, facts) }));
    setNote(`${focused.label}: ${e.text.trim() || '(empty)'}${errors.length ? ' -- kept with a problem, see below' : ''}`);
    setEditing(undefined);
  };

  const useSuggested = () => {
    const value = focused.get(suggestion.network);
    const read = readField(focused, value);
    if ('problem' in read && value !== '') return;
    const network = (p: Plan) => focused.put(p.network, 'problem' in read ? undefined : read.value);
    setPlan((p) => ({ ...p, network: choose(p, network(p), [], facts, chosen) }));
    setNote(`${focused.label}: the suggested ${value || '(empty)'}`);
  };

  useKeys(
    (input, key) => {
      if (editing) return false; // the text field has the keyboard
      if (pickingNic) {
        if (key.escape) setPickingNic(false);
        return key.escape; // the list has the keyboard
      }
      if (input === 'l') {
        const layout = plan.network.layout === 'flat' ? 'isolated' : 'flat';
        setPlan((p) => ({ ...p, network: switchLayout(p, layout, facts) }));
        setNote(layout === 'isolated' ? 'layout: isolated -- VLANs for InternalApi, Storage, StorageMgmt, Tenant; the rest kept' : 'layout: flat -- isolated networks off (kept for switching back)');
        setSection(0);
        return true;
      }
      if (input === 'n' || input === 'a' || input === 't') {
        setView(input === 'n' ? 'networks' : input === 'a' ? 'addresses' : 'topology');
        return true;
      }
      if (view === 'addresses' && input === 'c') {
        setPage((x) => x + 1);
        return true;
      }
      if (view !== 'networks') {
        if (key.escape) {
          setView('networks');
          return true;
        }
        return false;
      }
      if (input === 'r') {
        setPlan((p) => ({ ...p, network: choose(p, p.network, [], facts, manualPaths(p.network).filter((x) => x !== 'network.layout')) }));
        setNote('every network set to the suggestion again');
        return true;
      }
      if (key.tab) {
        setPane((x) => (x === 'list' ? 'fields' : 'list'));
        return true;
      }
      if (key.upArrow || key.downArrow || input === 'k' || input === 'j') {
        const by = key.upArrow || input === 'k' ? -1 : 1;
        if (pane === 'list') {
          setSection(Math.max(0, Math.min(sections.length - 1, sIndex + by)));
          setField(0);
        } else setField(Math.max(0, Math.min(current.fields.length - 1, fIndex + by)));
        setNote(undefined);
        return true;
      }
      // Enter on the list goes on (the shell's "next"): the suggested networks need no typing.
      if (key.return && pane === 'fields') {
        startEdit();
        return true;
      }
      if (pane === 'fields' && input === 's') {
        useSuggested();
        return true;
      }
      if (key.escape && pane === 'fields') {
        setPane('list');
        return true;
      }
      return false;
    },
    { capture: !!editing || pickingNic },
  );

  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const summary = findings.length === 0 ? 'no findings' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const servers = plan.nodes.length;
  const header = (
    <Text wrap="truncate-end">
      <Text bold>Layout: </Text>
      {plan.network.layout}
      <Text color={theme.c('muted')}> (l switches)</Text>
      {theme.sym.sep}
      {servers} server{servers === 1 ? '' : 's'}
      {theme.sym.sep}
      <Text color={theme.c(errors ? 'fail' : warnings ? 'warn' : 'ok')}>{summary}</Text>
      {!ready ? `${theme.sym.sep}looking at this host...` : ''}
    </Text>
  );

  if (view === 'topology') {
    return (
      <Box flexDirection="column">
        {header}
        <Text> </Text>
        {topologyLines(plan, { ascii: theme.ascii, width: Math.min(78, app.columns - 2) }).map((l, i) => (
          <Text key={i} wrap="truncate-end">
            {l}
          </Text>
        ))}
        <Text> </Text>
        <Text color={theme.c('muted')}>
          {fit(`nic1, nic2: each server's first and second NIC${theme.sym.sep}n: networks${theme.sym.sep}a: addresses`, Math.min(78, app.columns - 2), theme.sym.ellipsis)}
        </Text>
      </Box>
    );
  }

  if (view === 'addresses' && allocation) {
    const nets = allocation.networks;
    const perPage = 3;
    const pages = Math.max(1, Math.ceil(nets.length / perPage));
    const shown = nets.slice((page % pages) * perPage, (page % pages) * perPage + perPage);
    const columns: Column<NodeAddresses>[] = [
      { header: 'Server', width: 14, get: (r) => r.node },
      { header: 'Role', width: 11, get: (r) => r.role ?? 'no role' },
      ...shown.map((id) => ({ header: id, width: 15, get: (r: NodeAddresses) => r.addresses[id] ?? '-' })),
    ];
    const vips = Object.entries(allocation.vips)
      .map(([id, a]) => `${id} ${a}`)
      .join(', ');
    return (
      <Box flexDirection="column">
        {header}
        <Text>{fit(`seed ${allocation.seed ?? '?'}${theme.sym.sep}undercloud ${allocation.undercloud ?? '?'}${vips ? `${theme.sym.sep}VIPs ${vips}` : ''}`, Math.min(78, app.columns - 2), theme.sym.ellipsis)}</Text>
        <ScrollTable
          rows={allocation.nodes}
          columns={columns}
          rowKey={(r) => r.node}
          height={Math.max(3, app.bodyRows - 6)}
          filterable
          filterText={(r) => `${r.node} ${r.role ?? 'no role'} ${Object.values(r.addresses).join(' ')}`}
          empty="No servers yet: add them on the Servers screen."
        />
        <Text color={theme.c(allocation.unallocated.length ? 'fail' : 'muted')} wrap="truncate-end">
          {allocation.unallocated.length
            ? `${allocation.unallocated.length} address(es) missing: ${allocation.unallocated[0].node} on ${allocation.unallocated[0].network}: ${allocation.unallocated[0].reason}`
            : `columns ${(page % pages) + 1}/${pages} (c: more)${theme.sym.sep}n: networks${theme.sym.sep}t: drawing`}
        </Text>
      </Box>
    );
  }

  const width = Math.min(78, app.columns - 2);
  const listWidth = 22;
  const labelWidth = 16;
  const valueWidth = Math.max(10, Math.min(78, app.columns - 2) - listWidth - labelWidth - 6);
  const focusedFindings = sectionFindings(findings, current);
  const suggested = focused.get(suggestion.network);
  const value = focused.get(plan.network);
  const why = suggestion.why[focused.path];
  const layoutWhy = defaultLayout(plan);
  const layoutText = layoutWhy.layout === plan.network.layout ? `layout ${layoutWhy.why}` : `suggested layout: ${layoutWhy.why} (l switches)`;
  const whyText = pane === 'list' ? layoutText : why ? (value === suggested ? `why: ${why}` : `suggested ${suggested || '(empty)'}: ${why}${pane === 'fields' ? ' (s takes it)' : ''}`) : '';
  // The focused field's own findings in full (what is wrong and how to fix it), in the rows left.
  const spare = app.bodyRows - 5 - Math.max(sections.length, current.fields.length);
  const fieldLines = pane === 'fields' ? findingLines(findings.filter((x) => isOnField(x, focused.path)), width, theme.sym).slice(0, Math.max(3, spare)) : [];
  const editError = editing ? (editing.check.problem ?? editing.check.findings[0]?.message) : undefined;

  return (
    <Box flexDirection="column">
      {header}
      {pickingNic && facts ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>{`${current.title} ${focused.label}: this host's NICs (Enter picks, Esc leaves it)`}</Text>
          <Select
            items={[
              ...hostNicChoices(facts).map((n) => ({ label: n.name.padEnd(16), value: n.name as string | undefined, hint: fit(n.hint, width - 20, theme.sym.ellipsis) })),
              { label: 'another name...', value: undefined, hint: 'type it' },
            ]}
            initialIndex={Math.max(0, facts.nics.findIndex((n) => n.name === focused.get(plan.network)))}
            limit={Math.max(3, app.bodyRows - 8)}
            onSelect={(item) => pickNic(item.value)}
          />
        </Box>
      ) : null}
      <Box marginTop={1} display={pickingNic ? 'none' : 'flex'}>
        <Box flexDirection="column" width={listWidth} flexShrink={0}>
          {sections.map((s, i) => {
            const own = sectionFindings(findings, s);
            const count = own.length;
            const on = sectionEnabled(plan.network, s);
            const at = i === sIndex;
            const hasError = own.some((f) => f.severity === 'error');
            const state = !on ? 'off' : count === 0 ? theme.sym.ok : `${hasError ? theme.sym.fail : theme.sym.warn} ${count}`;
            return (
              <Text key={s.id} wrap="truncate-end" bold={at} color={at && pane === 'list' ? theme.c('selected') : !on ? theme.c('muted') : undefined}>
                {at ? theme.sym.pointer : ' '} {fit(s.title, listWidth - 9, theme.sym.ellipsis).padEnd(listWidth - 9)}{' '}
                <Text color={!on ? theme.c('muted') : theme.c(count === 0 ? 'ok' : hasError ? 'fail' : 'warn')}>{state}</Text>
              </Text>
            );
          })}
        </Box>
        <Box flexDirection="column" flexGrow={1}>
          {current.fields.map((f, i) => {
            const at = i === fIndex;
            if (at && editing) {
              return (
                <TextField
                  key={f.path}
                  label={`${theme.sym.pointer} ${f.label}`}
                  labelWidth={labelWidth + 2}
                  value={editing.text}
                  onChange={(text) => setEditing({ text, check: checkField(plan, f, text, facts, findings), confirm: false })}
                  onSubmit={() => save(editing)}
                  onCancel={() => setEditing(undefined)}
                />
              );
            }
            const problems = findings.filter((x) => isOnField(x, f.path));
            const mark = problems.length ? ` ${problems.some((x) => x.severity === 'error') ? theme.sym.fail : theme.sym.warn}` : '';
            const shownValue = f.get(plan.network);
            return (
              <Text key={f.path} wrap="truncate-end" bold={at && pane === 'fields'} color={at && pane === 'fields' ? theme.c('selected') : undefined}>
                {at && pane === 'fields' ? theme.sym.pointer : ' '} {f.label.padEnd(labelWidth)}
                {shownValue ? fit(shownValue, valueWidth, theme.sym.ellipsis) : <Text color={theme.c('muted')}>{f.optional ? '(none)' : '(not set)'}</Text>}
                <Text color={theme.c(problems.some((x) => x.severity === 'error') ? 'fail' : 'warn')}>{mark}</Text>
              </Text>
            );
          })}
        </Box>
      </Box>
      {editing ? (
        <Box flexDirection="column" marginTop={1}>
          {wrapLines(editError ? `${theme.sym.fail} ${editError}` : `${theme.sym.ok} ${editing.text.trim() || '(empty)'} fits`, width, 2, theme.sym.ellipsis).map((l, i) => (
            <Text key={i} color={theme.c(editError ? 'fail' : 'ok')}>
              {l}
            </Text>
          ))}
          <Text color={theme.c('muted')}>
            {fit(
              editing.check.problem
                ? 'Fix it to save (Esc: leave the field unchanged).'
                : editing.confirm
                  ? `Enter again keeps it with this problem (Esc: leave it). ${editing.check.findings[0]?.fix ?? ''}`
                  : editing.check.findings.length
                    ? `${theme.sym.arrow} ${editing.check.findings[0].fix}`
                    : 'Enter saves, Esc leaves the field unchanged.',
              width,
              theme.sym.ellipsis,
            )}
          </Text>
        </Box>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          {wrapLines(note ?? whyText, width, 2, theme.sym.ellipsis).map((l, i) => (
            <Text key={i} color={theme.c('muted')}>
              {l}
            </Text>
          ))}
          {fieldLines.length ? (
            fieldLines.map((l, i) => (
              <Text key={i} color={theme.c(l.tone)}>
                {l.text}
              </Text>
            ))
          ) : (
            <FindingList findings={focusedFindings} compact maxRows={3} empty={`${current.title}: no findings`} />
          )}
        </Box>
      )}
    </Box>
  );
}

export const network: ScreenDef = {
  id: 'network',
  title: 'Network',
  component: NetworkScreen,
  keys: [
    { keys: 'Tab, Enter', action: 'edit a field' },
    { keys: 's', action: 'suggested' },
    { keys: 'l', action: 'layout' },
    { keys: 'a/t', action: 'addresses/drawing' },
  ],
  help: [
    'The networks the cloud uses. ctlplane (provisioning) boots and deploys the servers from',
    'this host; External carries the public endpoints and floating IPs; the isolated layout',
    'adds VLANs for InternalApi, Storage, StorageMgmt and Tenant. Values are suggested for',
    'this host and these servers: the line under the fields says why. Up/Down and Tab move;',
    'Enter on the list goes on, on a field it edits it (an unreadable value is never saved; a NIC',
    "field lists this host's NICs, or takes another name); s takes the suggested value, r resets",
    'every network to the suggestion, l switches flat/isolated keeping what it can,',
    'a shows every server\'s addresses (/ filters, c more columns), t draws the wiring.',
  ].join('\n'),
};
