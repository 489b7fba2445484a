// This host: the seed host's facts (probed for real, or the lab's seed host) and the
// pre-flight checks. A warning can be acknowledged; a failed check blocks moving on unless
// cloudseed was started with --skip-checks. The checks themselves live in src/inventory.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { checkPlanHost } from '../src/deploy/steps/host-checks.js';
import type { HostCheck } from '../src/inventory/host-checks.js';
import type { HostFacts } from '../src/inventory/host-facts.js';
import { hostFactsFromLab, hostProbe } from '../src/inventory/probe.js';
import { useKeys } from './components/keys.js';
import { fit, useTheme } from './components/theme.js';
import type { ScreenDef, ScreenProps } from './types.js';

const speed = (mbps?: number) => (mbps ? (mbps >= 1000 ? `${mbps / 1000} Gb/s` : `${mbps} Mb/s`) : '');

function Host({ app }: ScreenProps) {
  const theme = useTheme();
  const { lab, plan, setPlan, ui } = app;
  // a lab's seed host is known at once; this machine is probed (again with p)
  const host = useMemo(() => hostProbe(lab), [lab]);
  const labFacts = useMemo(() => (lab ? hostFactsFromLab(lab) : undefined), [lab]);
  const [probed, setProbed] = useState<HostFacts | undefined>();
  const facts = labFacts ?? probed;
  const [probeError, setProbeError] = useState<string | undefined>();
  const [probes, setProbes] = useState(0);
  const [cursor, setCursor] = useState(0);

  useEffect(() => {
    if (lab) return;
    let live = true;
    host.facts().then(
      (f) => live && setProbed(f),
      (e: Error) => live && setProbeError(e.message),
    );
    return () => {
      live = false;
    };
  }, [lab, probes]);

  // The same checks as `cloudseed probe` and the deployment's first step: the plan's tools too.
  const checks = useMemo(() => (facts ? checkPlanHost(plan, facts, host.has) : []), [facts, plan, host]);
  const acknowledged = new Set(plan.options.acknowledged);
  const failed = checks.filter((c) => c.status === 'fail');
  const warnings = checks.filter((c) => c.status === 'warning');
  const open = warnings.filter((c) => !acknowledged.has(c.id));

  useEffect(() => {
    if (facts && facts.hostname !== plan.seedHost.hostname) setPlan((p) => ({ ...p, seedHost: { ...p.seedHost, hostname: facts.hostname } }));
  }, [facts]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!facts) app.setBlocked(probeError ? undefined : 'Looking at this host...');
    else if (failed.length && !ui.skipChecks) app.setBlocked(`${failed.length} check${failed.length > 1 ? 's' : ''} failed: fix ${failed.length > 1 ? 'them' : 'it'}, or start cloudseed with --skip-checks`);
    else app.setBlocked(undefined);
  }, [facts, failed.length, probeError, ui.skipChecks]); // eslint-disable-line react-hooks/exhaustive-deps

  useKeys((input, key) => {
    if (key.upArrow || input === 'k') {
      setCursor((c) => Math.max(0, c - 1));
      return true;
    }
    if (key.downArrow || input === 'j') {
      setCursor((c) => Math.min(checks.length - 1, c + 1));
      return true;
    }
    if (input === 'a') {
      const c = checks[cursor];
      if (c?.status !== 'warning') return true;
      setPlan((p) => {
        const has = p.options.acknowledged.includes(c.id);
        return { ...p, options: { ...p.options, acknowledged: has ? p.options.acknowledged.filter((id) => id !== c.id) : [...p.options.acknowledged, c.id] } };
      });
      return true;
    }
    if (input === 'p' && !lab) {
      setProbed(undefined);
      setProbeError(undefined);
      setProbes((n) => n + 1);
      return true;
    }
    return false;
  });

  if (!facts)
    return <Text color={probeError ? theme.c('fail') : theme.c('muted')}>{probeError ? `Could not look at this host: ${probeError}` : 'Looking at this host...'}</Text>;

  const width = Math.max(40, app.columns - 1);
  const line = (text: string) => fit(text, width, theme.sym.ellipsis);
  const markWidth = Math.max(theme.sym.ok.length, theme.sym.warn.length, theme.sym.fail.length);
  const mark = (c: HostCheck) => {
    const [sym, role] = c.status === 'pass' ? [theme.sym.ok, 'ok' as const] : c.status === 'fail' ? [theme.sym.fail, 'fail' as const] : [theme.sym.warn, 'warn' as const];
    return <Text color={theme.c(role)}>{sym.padEnd(markWidth)}</Text>;
  };
  // rows: 2 facts, NICs, blank, "Checks", the checks, 4 of detail, 1 summary
  const nicRows = Math.max(1, Math.min(facts.nics.length, app.bodyRows - 9 - checks.length - (facts.nics.length > 1 ? 1 : 0)));
  const current = checks[Math.min(cursor, checks.length - 1)];
  const labelWidth = 11;
  const reasonWidth = width - labelWidth - markWidth - 4;

  return (
    <Box flexDirection="column">
      <Text bold>{line([facts.hostname, facts.os, `${facts.cpu.model}, ${facts.cpu.cores} cores, VT ${facts.cpu.vt ? 'yes' : 'no'}${lab ? ' (simulated)' : ''}`].join(theme.sym.sep))}</Text>
      <Text>
        {line(
          [
            `Memory ${(facts.memoryMiB / 1024).toFixed(1)} GiB`,
            `/dev/kvm ${facts.kvm ? 'yes' : 'no'}`,
            `Disks ${facts.disks.map((d) => `${d.name} ${d.sizeGiB} GiB${d.rotational ? ' HDD' : ''}`).join(', ') || 'none'}`,
          ].join(theme.sym.sep),
        )}
      </Text>
      {facts.nics.slice(0, nicRows).map((n) => {
        const notes = [n.name === facts.sessionNic ? 'your session' : '', n.name === facts.defaultRouteNic ? 'default route' : ''].filter(Boolean).join(', ');
        const addrs = n.addresses.filter((a) => !a.startsWith('fe80')).join(' ');
        return <Text key={n.name}>{line(`  ${n.name.padEnd(12)} ${n.state.padEnd(5)} ${speed(n.speedMbps).padEnd(9)} ${addrs}${notes ? ` (${notes})` : ''}`.trimEnd())}</Text>;
      })}
      {facts.nics.length > nicRows ? <Text color={theme.c('muted')}>  +{facts.nics.length - nicRows} more NICs</Text> : null}
      <Text> </Text>
      <Text bold>Checks</Text>
      {checks.map((c, i) => {
        const ack = c.status === 'warning' && acknowledged.has(c.id) ? ' (acknowledged)' : '';
        return (
          <Text key={c.id} bold={i === cursor}>
            {i === cursor ? theme.sym.pointer : ' '} {mark(c)} {c.label.padEnd(labelWidth).slice(0, labelWidth)} {fit(c.reason, reasonWidth - ack.length, theme.sym.ellipsis)}
            {ack ? <Text color={theme.c('muted')}>{ack}</Text> : null}
          </Text>
        );
      })}
      <Box height={4} flexDirection="column" paddingLeft={2}>
        {current && current.status !== 'pass' ? (
          <>
            <Box height={2}>
              <Text wrap="wrap">{current.reason}</Text>
            </Box>
            <Text color={theme.c('accent')}>{fit(`${theme.sym.arrow} ${current.fix}`, width - 2, theme.sym.ellipsis)}</Text>
            {current.status === 'warning' ? (
              <Text color={theme.c('muted')}>a: {acknowledged.has(current.id) ? 'take back the acknowledgement' : 'acknowledge this warning and go on'}</Text>
            ) : null}
          </>
        ) : null}
      </Box>
      <Text color={failed.length ? theme.c('fail') : open.length ? theme.c('warn') : theme.c('ok')}>
        {line(
          failed.length
            ? `${theme.sym.fail} ${failed.length} failed${ui.skipChecks ? ' (ignored: --skip-checks)' : ': fix them to go on, or start with --skip-checks'}`
            : open.length
              ? `${theme.sym.warn} ${open.length} warning${open.length > 1 ? 's' : ''} to look at (a acknowledges)`
              : `${theme.sym.ok} this host is ready to be the seed host`,
        )}
      </Text>
    </Box>
  );
}

export const host: ScreenDef = {
  id: 'host',
  title: 'This host',
  component: Host,
  keys: [
    { keys: 'Up/Down', action: 'check' },
    { keys: 'a', action: 'acknowledge' },
    { keys: 'p', action: 'probe again' },
  ],
  help: [
    'This machine becomes the seed host: it runs the seed VM (and, in a two-machine lab,',
    'the undercloud VM too). Each check says what was found and what to do.',
    'A failed check blocks moving on unless cloudseed was started with --skip-checks.',
    'A warning can be acknowledged with a (the acknowledgement is saved with the plan).',
    'p looks at the host again after you fixed something.',
  ].join('\n'),
};
