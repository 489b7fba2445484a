// Servers: the machines to deploy. Three ways in — import a nodes file, scan a BMC range,
// add by hand — all ending in one table that scrolls and filters for hundreds of rows.
// "Check BMCs" asks every server for its power state; unreachable and wrong-password BMCs
// are explained inline. Import, scan, checks and the form's rules live in src/inventory.
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { assetPath } from '../src/assets.js';
import { warning, type Finding } from '../src/plan/findings.js';
import type { Node } from '../src/plan/schema.js';
import { expandRange } from '../src/inventory/addresses.js';
import { explainBmcError } from '../src/inventory/bmc.js';
import { bmcClientFor } from '../src/inventory/clients.js';
import { checkNodeForm, NODE_FORM_FIELDS, NODE_FORM_LABELS, nodeForm, nodeFromForm, type NodeForm, type NodeFormField } from '../src/inventory/form.js';
import { importNodesFile } from '../src/inventory/nodes-file.js';
import { applyBmcChecks, applyInspection, checkBmcs, DEFAULT_SCAN_CONCURRENCY, inspectNodes, mergeNodes, mergeScan, scanRange, type ImportChange, type ScanProgress } from '../src/inventory/scan.js';
import { inventoryRow, type InventoryColumn } from '../src/inventory/table.js';
import { FindingList } from './components/finding-list.js';
import { Frame } from './components/frame.js';
import { useKeys } from './components/keys.js';
import { ScrollTable, type Column } from './components/scroll-table.js';
import { TextField } from './components/text-field.js';
import { useTheme, type ColorRole } from './components/theme.js';
import type { ScreenDef, ScreenProps } from './types.js';

type Mode = 'table' | 'import' | 'scan-form' | 'scanning' | 'checking' | 'inspecting' | 'form' | 'remove';

interface Row extends Record<InventoryColumn, string> {
  node: Node;
  search: string;
}

const STATUS_TONE: Record<string, ColorRole | undefined> = {
  ok: 'ok',
  unreachable: 'fail',
  'wrong password': 'fail',
  'BMC error': 'fail',
  'no PXE MAC': 'warn',
  unchecked: 'muted',
};

/** Less found than declared (the table marks it with `!`). */
const short = (c: 'cpu' | 'ram' | 'disk') => (r: Row) => (r[c].endsWith('!') ? ('fail' as const) : undefined);

function columnsFor(width: number): Column<Row>[] {
  const wide = width >= 110;
  return [
    { header: 'NAME', width: 9, get: (r) => r.name },
    { header: 'BMC', width: 15, get: (r) => r.bmc },
    { header: 'PWR', width: 3, get: (r) => r.power, tone: (r) => (r.power === 'on' ? 'ok' : undefined) },
    ...(wide
      ? [
          { header: 'VENDOR/MODEL', width: 16, get: (r: Row) => r.model },
          { header: 'SERIAL', width: 11, get: (r: Row) => r.serial },
        ]
      : []),
    { header: 'CPU', width: 3, get: (r) => r.cpu, align: 'right', tone: short('cpu') },
    { header: 'RAM', width: 5, get: (r) => r.ram, align: 'right', tone: short('ram') },
    { header: 'DISK', width: 5, get: (r) => r.disk, align: 'right', tone: short('disk') },
    { header: 'PXE MAC', width: 17, get: (r) => r.pxeMac },
    { header: 'STATUS', width: 14, get: (r) => r.status, tone: (r) => STATUS_TONE[r.status] },
  ];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function Servers({ app }: ScreenProps) {
  const theme = useTheme();
  const { plan, setPlan, lab } = app;
  // the lab plays an inspection (5 minutes on real hardware) at the plan's speed
  const speed = plan.sim?.speed ?? 60;
  const client = useMemo(() => bmcClientFor(lab, { inspectMs: 300_000 / speed }), [lab, speed]);
  const [mode, setMode] = useState<Mode>('table');
  const [note, setNote] = useState<{ text: string; tone?: ColorRole } | undefined>();
  const [lastFindings, setLastFindings] = useState<Finding[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(plan.nodes[0]?.name);

  // import: a simulated lab offers its own nodes file (looked up once, not on every render)
  const [path, setPath] = useState(() => {
    const file = lab && assetPath('labs', `${lab.name}.instackenv.json`);
    return file && existsSync(file) ? file : '';
  });
  const [pathError, setPathError] = useState<string | undefined>();

  // scan
  // a simulated lab fills in its usual credentials, so Enter on the defaults walks the flow
  const [scan, setScan] = useState({ range: lab?.bmcDefaults.range ?? '', user: lab?.bmcDefaults.user ?? '', password: lab?.bmcDefaults.password ?? '' });
  const [scanField, setScanField] = useState(0);
  const [scanErrors, setScanErrors] = useState<{ range?: string; user?: string; password?: string }>({});
  const [progress, setProgress] = useState<ScanProgress | undefined>();
  const [checked, setChecked] = useState({ done: 0, total: 0 });
  const abort = useRef<AbortController | undefined>(undefined);
  const latest = useRef<ScanProgress | undefined>(undefined);
  // the nodes as last rendered: a scan merges into them when it ends, not into those it started with
  const nodesNow = useRef(plan.nodes);
  nodesNow.current = plan.nodes;

  // form
  const [form, setForm] = useState<NodeForm>(nodeForm());
  const [editing, setEditing] = useState<string | undefined>();
  const [field, setField] = useState(0);
  const [touched, setTouched] = useState<ReadonlySet<NodeFormField>>(new Set());

  const busy = mode === 'scanning' || mode === 'checking' || mode === 'inspecting';
  useEffect(() => {
    app.setCapture(mode !== 'table');
    app.setBlocked(busy ? `${mode === 'scanning' ? 'A scan' : mode === 'checking' ? 'A BMC check' : 'An inspection'} is running: Esc cancels it` : undefined);
  }, [mode]); // eslint-disable-line react-hooks/exhaustive-deps
  // leaving the screen stops a scan or check in flight
  useEffect(() => () => abort.current?.abort(), []);
  // progress arrives per address; the screen redraws at most ten times a second
  const checkedNow = useRef({ done: 0, total: 0 });
  useEffect(() => {
    if (!busy) return;
    const t = setInterval(() => {
      setProgress(latest.current && { ...latest.current });
      setChecked({ ...checkedNow.current });
    }, 100);
    return () => clearInterval(t);
  }, [busy]);

  const rows = useMemo<Row[]>(
    () =>
      plan.nodes.map((n) => {
        const r = inventoryRow(n);
        return { ...r, node: n, search: [...Object.values(r), n.discovered?.guid ?? ''].join(' ').toLowerCase() };
      }),
    [plan.nodes],
  );
  const columns = useMemo(() => columnsFor(app.columns), [app.columns]);
  const findings = useMemo(() => app.findings.filter((f) => f.screen === 'servers'), [app.findings]);
  // a /16 takes tens of ms to expand: once per range typed, not on every key in the other fields
  const rangeSize = useMemo(() => {
    try {
      return scan.range ? expandRange(scan.range).length : 0;
    } catch {
      return 0;
    }
  }, [scan.range]);
  const editingNode = editing ? plan.nodes.find((n) => n.name === editing) : undefined;
  const formErrors = useMemo(() => checkNodeForm(form, plan.nodes, editingNode), [form, plan.nodes, editingNode]);

  const startScan = async () => {
    const errors: typeof scanErrors = {};
    let total = 0;
    try {
      total = expandRange(scan.range).length;
    } catch (e) {
      errors.range = (e as Error).message;
    }
    if (!scan.user.trim()) errors.user = 'the BMC user is needed';
    if (!scan.password) errors.password = 'the BMC password is needed';
    setScanErrors(errors);
    if (Object.keys(errors).length) {
      setScanField(errors.range ? 0 : errors.user ? 1 : 2);
      return;
    }
    const ac = new AbortController();
    abort.current = ac;
    latest.current = { total, scanned: 0, found: 0, unreachable: 0, refused: 0, failed: 0, elapsedMs: 0 };
    setProgress(latest.current);
    setMode('scanning');
    const creds = { user: scan.user.trim(), password: scan.password };
    const r = await scanRange({ range: scan.range, ...creds, client, signal: ac.signal, onProgress: (p) => (latest.current = p) });
    // nothing else changes the nodes while a scan runs (keys captured, moving on blocked)
    const before = nodesNow.current;
    const m = mergeScan(before, r.bmcs, creds);
    const { added, updated } = m;
    setPlan((p) => ({ ...p, nodes: m.nodes }));
    setNote({
      text: `${r.cancelled ? 'Scan cancelled' : 'Scan done'}: ${r.found} found (${added} new, ${updated} updated), ${r.refused} wrong password, ${r.unreachable} no answer, in ${seconds(r.elapsedMs)}`,
      tone: r.found ? 'ok' : 'warn',
    });
    // BMCs that refused the scan's credentials are servers too: say how to add them
    setLastFindings(
      r.refusedAddresses.map((a) => {
        const known = before.find((n) => n.bmc.address === a);
        return known
          ? warning('inventory.scan-refused', a, `${known.name} refused ${creds.user} and the password given`, `edit ${known.name} (e) and give its own BMC password`, 'servers')
          : warning('inventory.scan-refused', a, `refused ${creds.user} and the password given`, 'add this server by hand (a) with its own BMC password', 'servers');
      }),
    );
    setMode('table');
    // IPMI tells neither the PXE MAC nor the sizes: inspect what was found where the driver can (the lab)
    const unknown = m.nodes.filter((n) => !n.macs.length || !n.discovered?.cpu);
    if (lab && !r.cancelled && unknown.length) await startInspect(m.nodes, `Scan: ${r.found} found (${added} new), ${r.refused} wrong password, ${r.unreachable} no answer`);
  };

  const startCheck = async (nodes: readonly Node[] = plan.nodes) => {
    if (nodes.length === 0) return;
    const ac = new AbortController();
    abort.current = ac;
    checkedNow.current = { done: 0, total: nodes.length };
    setChecked(checkedNow.current);
    setMode('checking');
    const results = await checkBmcs(nodes, client, { signal: ac.signal, onResult: (_, done) => (checkedNow.current = { done, total: nodes.length }) });
    setPlan((p) => ({ ...p, nodes: applyBmcChecks(p.nodes, results) }));
    const count = (s: string) => results.filter((c) => c.status === s).length;
    const bad = count('unreachable') + count('refused') + count('error');
    setNote({
      text: `${ac.signal.aborted ? 'Check cancelled' : 'Checked'} ${results.length} BMCs: ${count('on') + count('off')} answer (${count('on')} on), ${count('unreachable')} no answer, ${count('refused')} wrong password${count('error') ? `, ${count('error')} error` : ''}`,
      tone: bad ? 'fail' : 'ok',
    });
    setLastFindings([]);
    setMode('table');
  };

  const startInspect = async (nodes: Node[] = plan.nodes, before?: string) => {
    if (nodes.length === 0) return;
    const ac = new AbortController();
    abort.current = ac;
    checkedNow.current = { done: 0, total: nodes.length };
    setChecked(checkedNow.current);
    setMode('inspecting');
    const results = await inspectNodes(nodes, client, { signal: ac.signal, onResult: (_, done) => (checkedNow.current = { done, total: nodes.length }) });
    setPlan((p) => ({ ...p, nodes: applyInspection(p.nodes, results) }));
    const failed = results.filter((r) => r.error);
    const inspected = `${ac.signal.aborted ? 'Inspection cancelled' : 'Inspected'} ${results.length - failed.length} of ${nodes.length} servers${failed.length ? `; ${failed.length} could not be inspected` : ''}`;
    setNote({
      text: before ? `${before}; ${inspected.toLowerCase()}` : inspected,
      tone: failed.length ? 'warn' : 'ok',
    });
    setLastFindings((kept) => [...(before ? kept : []), ...failed.map((r) => warning('inventory.inspect-failed', r.name, r.error ?? 'not inspected', 'check BMCs (c) first; fix the BMC, then inspect again', 'servers'))]);
    setMode('table');
  };

  // An import that changes servers already known waits, having shown field by field what
  // changes and what of the person's own is kept: y imports keeping it, o takes the file's.
  const [importing, setImporting] = useState<{ preview: ImportChange[]; added: number; apply(takeFile: boolean): void } | undefined>();
  const doImport = async (file: string) => {
    if (!file.trim()) return setPathError('the path of an instackenv.json/.yaml or baremetal.csv file');
    try {
      const r = await importNodesFile(file.trim().replace(/^~(?=\/)/, homedir()));
      // merged as a scan is (above): the counts come from the merge, not from an updater React may run later
      const before = nodesNow.current;
      const merge = (takeFile: boolean) => mergeNodes(before, r.nodes, { takeFile });
      const { preview, added } = merge(false);
      const apply = (takeFile: boolean) => {
        const m = merge(takeFile);
        setPlan((p) => ({ ...p, nodes: m.nodes }));
        setLastFindings(r.findings);
        const errors = r.findings.filter((f) => f.severity === 'error').length;
        const kept = m.preview.filter((c) => c.outcome === 'kept').map((c) => `${c.server}: your ${c.field}`);
        const keptText = kept.length ? `; kept ${kept.join(', ')}` : '';
        setNote({ text: `${file.trim().split('/').pop()}: ${r.nodes.length} servers read (${m.added} new, ${m.updated} updated), ${errors} lines with errors${keptText}`, tone: errors ? 'warn' : 'ok' });
        setPathError(undefined);
        setImporting(undefined);
        setMode('table');
      };
      if (!preview.length) return apply(false);
      setImporting({ preview, added, apply });
    } catch (e) {
      setPathError(`cannot read it: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  };

  const openForm = (node?: Node) => {
    setForm(nodeForm(node));
    setEditing(node?.name);
    setField(0);
    setTouched(new Set());
    setMode('form');
  };

  const saveForm = () => {
    const bad = NODE_FORM_FIELDS.find((f) => formErrors[f]);
    if (bad) {
      setTouched(new Set(NODE_FORM_FIELDS));
      setField(NODE_FORM_FIELDS.indexOf(bad));
      return;
    }
    const node = nodeFromForm(form, editingNode);
    setPlan((p) => ({ ...p, nodes: editingNode ? p.nodes.map((n) => (n.name === editingNode.name ? node : n)) : [...p.nodes, node] }));
    setCursor(node.name);
    setNote({ text: `${node.name} ${editingNode ? 'changed' : 'added'}`, tone: 'ok' });
    setMode('table');
    // New credentials are tried at once: the status shows their answer, not the old one's.
    if (editingNode && !node.discovered?.bmcStatus && editingNode.discovered?.bmcStatus) void startCheck([node]);
  };

  const moveField = (by: number) => {
    setTouched((t) => new Set([...t, NODE_FORM_FIELDS[field]]));
    setField((f) => (f + by + NODE_FORM_FIELDS.length) % NODE_FORM_FIELDS.length);
  };

  const current = rows.find((r) => r.name === cursor) ?? rows[0];

  useKeys(
    (input, key) => {
      switch (mode) {
        case 'scanning':
        case 'checking':
        case 'inspecting':
          if (key.escape) abort.current?.abort();
          return true;
        case 'remove':
          if (input === 'y' && current) {
            setPlan((p) => ({ ...p, nodes: p.nodes.filter((n) => n.name !== current.name) }));
            setNote({ text: `${current.name} removed` });
            // The table's cursor stays on the same row, now the next server (or the last one).
            const at = rows.indexOf(current);
            setCursor((rows[at + 1] ?? rows[at - 1])?.name);
          }
          if (input === 'y' || input === 'n' || key.escape) setMode('table');
          return true;
        case 'form':
          if (key.tab || key.downArrow) return (moveField(key.shift ? -1 : 1), true);
          if (key.upArrow) return (moveField(-1), true);
          return false;
        case 'scan-form':
          if (key.tab || key.downArrow) return (setScanField((f) => (f + (key.shift ? 2 : 1)) % 3), true);
          if (key.upArrow) return (setScanField((f) => (f + 2) % 3), true);
          return false;
        case 'import':
          return false;
        case 'table':
          // with no servers yet, Enter starts the likeliest way in: a scan of the BMC range
          if ((key.return || input === 's') && (input === 's' || rows.length === 0)) return (setScanErrors({}), setScanField(0), setMode('scan-form'), true);
          if (input === 'i') return (setMode('import'), true);
          if (input === 'a') return (openForm(), true);
          if (input === 'e' && current) return (openForm(current.node), true);
          if (input === 'd' && current) return (setMode('remove'), true);
          if (input === 'c') return (void startCheck(), true);
          if (input === 'n') return (void startInspect(), true);
          if (key.return) return (app.next(), true);
          return false;
      }
    },
    { capture: mode !== 'table' },
  );

  const findingRows = 2;
  // A long note wraps onto a second line instead of being cut off.
  const noteRows = note && note.text.length > app.columns ? 2 : 1;
  const tableHeight = Math.max(3, app.bodyRows - 6 - noteRows - findingRows);

  const summary = () => {
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    const parts = [`${rows.length} server${rows.length === 1 ? '' : 's'}`, `${count('ok')} ok`];
    for (const s of ['unreachable', 'wrong password', 'BMC error', 'no PXE MAC', 'unchecked']) if (count(s)) parts.push(`${count(s)} ${s}`);
    return parts.join(theme.sym.sep);
  };

  const detail = (): [string, string, ColorRole | undefined] => {
    if (!current) return ['No servers yet: Enter scans a BMC range, i imports a nodes file, a adds one.', '', undefined];
    const n = current.node;
    const st = n.discovered?.bmcStatus;
    if (st === 'unreachable' || st === 'refused' || st === 'error') {
      const { cause, fix } = explainBmcError(st === 'error' ? 'other' : st);
      return [`${n.name}: ${cause}${st === 'error' && n.discovered?.bmcError ? ` (${n.discovered.bmcError})` : ''}`, `${theme.sym.arrow} ${fix}`, 'fail'];
    }
    const i = plan.nodes.indexOf(n);
    const own = findings.find((f) => f.where.startsWith(`nodes[${i}]`));
    const d = n.discovered;
    const what = [current.model !== '-' ? current.model : '', d?.serial ? `serial ${d.serial}` : '', d?.bmcMac ? `BMC MAC ${d.bmcMac}` : ''].filter(Boolean).join(theme.sym.sep);
    return [`${n.name}: ${what || 'not identified yet (s scans, c checks its BMC)'}`, own ? `${own.severity === 'error' ? theme.sym.fail : theme.sym.warn} ${own.message}` : '', own ? (own.severity === 'error' ? 'fail' : 'warn') : undefined];
  };

  let body: React.ReactNode = null;
  if (mode === 'import') {
    body = (
      <Frame title="Import a nodes file (instackenv.json / .yaml, Helion baremetal.csv)" height={tableHeight + 2}>
        {importing ? (
          <ImportPreview
            changes={importing.preview}
            added={importing.added}
            height={tableHeight}
            onAnswer={(answer) => (answer === 'cancel' ? setImporting(undefined) : importing.apply(answer === 'file'))}
          />
        ) : (
          <>
            <TextField label="File" value={path} onChange={setPath} onSubmit={(v) => void doImport(v)} onCancel={() => setMode('table')} error={pathError} />
            <Text color={theme.c('muted')} wrap="wrap">
              Enter reads it; for servers already known (same BMC or name) it shows field by field what changes first; your own BMC passwords and roles are kept unless you take the file's. Esc: back.
            </Text>
          </>
        )}
      </Frame>
    );
  } else if (mode === 'scan-form') {
    const fields = [
      { key: 'range' as const, label: 'Range', hint: 'CIDR 10.0.0.0/24 or 10.0.0.5-10.0.0.40' },
      { key: 'user' as const, label: 'User', hint: 'BMC administrator' },
      { key: 'password' as const, label: 'Password', hint: '' },
    ];
    body = (
      <Frame title="Scan a BMC address range over IPMI (one set of credentials)" height={tableHeight + 2}>
        {fields.map((f, i) => (
          <TextField
            key={f.key}
            label={f.label}
            labelWidth={10}
            value={scan[f.key]}
            placeholder={f.hint}
            mask={f.key === 'password' ? '*' : undefined}
            focus={scanField === i}
            error={scanErrors[f.key]}
            onChange={(v) => setScan((s) => ({ ...s, [f.key]: v }))}
            // Filled in (a lab's defaults are): Enter scans; else it goes to the first empty field.
            onSubmit={() => {
              const empty = fields.findIndex((g) => !scan[g.key].trim());
              if (empty < 0) void startScan();
              else setScanField(empty);
            }}
            onCancel={() => setMode('table')}
          />
        ))}
        <Text color={theme.c('muted')}>
          {rangeSize ? `${rangeSize} addresses, ${DEFAULT_SCAN_CONCURRENCY} at a time. ` : ''}Enter: scan. Tab/Down: next field. Esc: back.
        </Text>
      </Frame>
    );
  } else if (busy) {
    const p = progress;
    const done = mode === 'scanning' ? (p?.scanned ?? 0) : checked.done;
    const total = mode === 'scanning' ? (p?.total ?? 0) : checked.total;
    const barWidth = Math.max(10, Math.min(50, app.columns - 30));
    const filled = total ? Math.round((done / total) * barWidth) : 0;
    body = (
      <Frame
        title={mode === 'scanning' ? `Scanning ${scan.range}` : mode === 'checking' ? 'Checking every BMC (power status)' : 'Inspecting the hardware (PXE boot into the inspection image)'}
        height={tableHeight + 2}
        tone="accent"
      >
        <Text>
          [{(theme.ascii ? '#' : '█').repeat(filled)}
          {(theme.ascii ? '.' : '░').repeat(barWidth - filled)}] {done}/{total}
          {p && mode === 'scanning' ? `  ${seconds(p.elapsedMs)}` : ''}
        </Text>
        {p && mode === 'scanning' ? (
          <Text>
            <Text color={theme.c('ok')}>found {p.found}</Text>
            {theme.sym.sep}
            <Text color={p.unreachable ? theme.c('warn') : undefined}>no answer {p.unreachable}</Text>
            {theme.sym.sep}
            <Text color={p.refused ? theme.c('fail') : undefined}>wrong password {p.refused}</Text>
            {p.failed ? `${theme.sym.sep}errors ${p.failed}` : ''}
          </Text>
        ) : null}
        <Text color={theme.c('muted')}>Esc cancels (what was found so far is kept).</Text>
      </Frame>
    );
  } else if (mode === 'form') {
    const f = NODE_FORM_FIELDS[field];
    body = (
      <Frame title={editingNode ? `Edit ${editingNode.name}` : 'Add a server'} height={app.bodyRows - 1}>
        {NODE_FORM_FIELDS.map((k, i) => (
          <TextField
            key={k}
            label={NODE_FORM_LABELS[k]}
            labelWidth={14}
            value={form[k]}
            mask={k === 'password' ? '*' : undefined}
            placeholder={k === 'password' && editingNode ? '(unchanged)' : k === 'type' ? 'ipmi or redfish' : k === 'port' ? '(default)' : k === 'systemId' ? '(Redfish: a scan reads it)' : ''}
            focus={i === field}
            error={touched.has(k) || (i === field && form[k] !== nodeForm(editingNode)[k]) ? formErrors[k] : undefined}
            onChange={(v) => setForm((s) => ({ ...s, [k]: v }))}
            onSubmit={() => (i === NODE_FORM_FIELDS.length - 1 ? saveForm() : moveField(1))}
            onCancel={() => setMode('table')}
          />
        ))}
        <Text color={theme.c('muted')} wrap="truncate-end">
          Tab/Up/Down: fields{theme.sym.sep}Enter on the last field: save{theme.sym.sep}Esc: cancel
          {f === 'password' && editingNode ? `${theme.sym.sep}empty: unchanged` : ''}
        </Text>
      </Frame>
    );
  }
  // the table stays mounted under the other modes, so its cursor and filter survive them
  const table = (
    <Box flexDirection="column" display={body ? 'none' : 'flex'}>
      <ScrollTable
        rows={rows}
        columns={columns}
        rowKey={(r) => r.name}
        height={tableHeight}
        isActive={mode === 'table'}
        filterable
        filterText={(r) => r.search}
        onCursor={(r) => setCursor(r?.name)}
        onSelect={() => app.next()}
        empty="No servers yet."
      />
    </Box>
  );

  const [line1, line2, tone] = detail();
  const shownFindings = lastFindings.length ? lastFindings : findings;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" bold>
        {summary()}
      </Text>
      {table}
      {body}
      {mode !== 'form' ? (
        <>
          {mode === 'remove' && current ? (
            <Text color={theme.c('warn')}>Remove {current.name} from the plan? y/n</Text>
          ) : (
            <Text wrap="truncate-end" color={tone === 'fail' ? theme.c('fail') : undefined}>
              {line1}
            </Text>
          )}
          <Text wrap="truncate-end" color={tone ? theme.c(tone) : theme.c('muted')}>
            {line2}
          </Text>
          <Text wrap="wrap" color={note?.tone ? theme.c(note.tone) : theme.c('muted')}>
            {note?.text ?? ''}
          </Text>
          <FindingList findings={shownFindings} compact maxRows={findingRows} empty={rows.length ? 'servers: no findings' : undefined} />
        </>
      ) : null}
    </Box>
  );
}

const CHANGE_COLUMNS: Column<ImportChange>[] = [
  { header: 'Server', width: 10, get: (c) => c.server },
  { header: 'Field', width: 13, get: (c) => c.field },
  { header: 'Yours', width: 12, get: (c) => c.yours },
  { header: 'The file', width: 20, get: (c) => c.file },
  { header: 'Import', width: 12, get: (c) => (c.outcome === 'kept' ? 'keeps yours' : "takes file's"), tone: (c) => (c.outcome === 'kept' ? 'ok' : 'warn') },
];

/** What an import would change, field by field, and the three answers (it takes every key). */
function ImportPreview({ changes, added, height, onAnswer }: { changes: ImportChange[]; added: number; height: number; onAnswer(a: 'keep' | 'file' | 'cancel'): void }) {
  const theme = useTheme();
  const kept = changes.filter((c) => c.outcome === 'kept').length;
  useKeys(
    (input, key) => {
      if (input === 'y' || input === 'Y') onAnswer('keep');
      else if ((input === 'o' || input === 'O') && kept) onAnswer('file');
      else if (input === 'n' || input === 'N' || key.escape) onAnswer('cancel');
      else return key.upArrow || key.downArrow || key.pageUp || key.pageDown ? false : true;
      return true;
    },
    { capture: true },
  );
  const servers = new Set(changes.map((c) => c.server)).size;
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">
        {`It changes ${changes.length - kept} and keeps ${kept} field${kept === 1 ? '' : 's'} of ${servers} server${servers === 1 ? '' : 's'} you have${added ? `, and adds ${added} new` : ''}:`}
      </Text>
      <ScrollTable rows={changes} columns={CHANGE_COLUMNS} rowKey={(c) => `${c.server} ${c.field}`} height={Math.max(2, height - 6)} />
      <Text bold color={theme.c('warn')} wrap="wrap">
        {`y: import${kept ? ', keeping yours' : ''}${theme.sym.sep}${kept ? `o: import, taking the file's${theme.sym.sep}` : ''}n: cancel`}
      </Text>
    </Box>
  );
}

export const servers: ScreenDef = {
  id: 'servers',
  title: 'Servers',
  component: Servers,
  keys: [
    { keys: 'i/s/a', action: 'import/scan/add' },
    { keys: 'e/d', action: 'edit/del' },
    { keys: 'c/n', action: 'check/inspect' },
    { keys: '/', action: 'filter' },
  ],
  help: [
    'The servers to deploy, from three sources: i imports a nodes file (TripleO',
    'instackenv.json/.yaml or Helion baremetal.csv), s scans a BMC address range over IPMI',
    'with one user and password (Enter does it when there are none yet), a adds a server by',
    'hand. e edits, d removes. Enter goes on to the network once the servers are there.',
    'c checks every BMC (power state); no answer or a wrong password is shown on the row',
    'with the likely cause. n inspects the hardware (CPUs, memory, disk, PXE MAC) where the',
    'driver can; declared facts larger than found ones become findings.',
    '/ filters by name, address, model, serial or status.',
  ].join('\n'),
};
