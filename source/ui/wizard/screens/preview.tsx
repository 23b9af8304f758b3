import {Box, Text} from 'ink';
import React, {useEffect, useLayoutEffect, useMemo} from 'react';
import {useKeys} from '../components/use-keys.tsx';
import {useSyncReducer} from '../components/use-sync-reducer.ts';
import {previewLines, wrapText, type Line} from '../components/diff-lines.ts';
import {reportLines, unacceptedOpenings, type TrafficReport} from '../../../core/traffic/report.ts';
import {Working} from '../components/status-line.tsx';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {WizardState} from '../state.ts';

const trafficOf = (state: WizardState): TrafficReport | undefined => (state.plan.status === 'ready' ? state.plan.value.traffic : undefined);
/** Closes, reroutes and windows of the traffic check: acknowledged with the warnings. */
const trafficWarnings = (state: WizardState) => {
  const t = trafficOf(state);
  return t ? t.groups.filter(g => g.direction !== 'opens').length + t.windowGroups.length + (t.skipped ? 1 : 0) : 0;
};
/** Final openings not yet accepted: each needs its own keypress before the plan can be applied. */
export const pendingOpenings = (state: WizardState) => {
  const t = trafficOf(state);
  return t ? unacceptedOpenings(t, state.acceptedTraffic) : [];
};
const warningCount = (state: WizardState) => (state.plan.status === 'ready' ? state.plan.value.plan.findings.filter(f => f.severity !== 'info').length + trafficWarnings(state) : 0);

/** The traffic check first: its summary, then each group and what it means, wrapped to the screen. */
function trafficLines(traffic: TrafficReport, accepted: string[], width: number): Line[] {
  const out: Line[] = [];
  for (const l of reportLines(traffic, {accepted, acceptHint: 'press a to accept'})) {
    const indent = l.text.match(/^ */)![0] + '  ';
    for (const text of wrapText(l.text, width, indent)) out.push({text, ...(l.tone === 'red' ? {color: 'red'} : l.tone === 'yellow' ? {color: 'yellow'} : l.tone === 'dim' ? {dim: true} : l.tone === 'bold' ? {bold: true} : {})});
  }
  out.push({text: ''});
  return out;
}
const blockerCount = (state: WizardState) => (state.plan.status === 'ready' ? state.plan.value.plan.findings.filter(f => f.severity === 'blocker').length : 0);

export function previewKeys(state: WizardState): KeyHint[] {
  if (state.plan.status !== 'ready') return [];
  const keys: KeyHint[] = [
    {key: '↑↓ pgup/pgdn', label: 'scroll'},
    {key: 'n/p', label: 'next/previous change'},
  ];
  if (pendingOpenings(state).length > 0) keys.push({key: 'a', label: `accept the next opening (${pendingOpenings(state).length} left)`});
  if (warningCount(state) > 0 && !state.acknowledged) keys.push({key: 'y', label: 'acknowledge warnings'});
  if (blockerCount(state) === 0 && pendingOpenings(state).length === 0 && (warningCount(state) === 0 || state.acknowledged)) keys.push({key: 'enter', label: 'apply'});
  return keys;
}

const CONFIRM_KEYS: KeyHint[] = [
  {key: 'y', label: 'apply'},
  {key: 'n/esc', label: 'not yet'},
];

type View = {top: number; confirming: boolean};
type ViewAction = {type: 'scroll'; by: number; max: number} | {type: 'to'; line: number; max: number} | {type: 'confirm'; on: boolean};

function viewReducer(view: View, action: ViewAction): View {
  switch (action.type) {
    case 'scroll':
      return {...view, top: Math.max(0, Math.min(action.max, view.top + action.by))};
    case 'to':
      return {...view, top: Math.max(0, Math.min(action.max, action.line))};
    case 'confirm':
      return {...view, confirming: action.on};
  }
}

/** Screen 6: every object the plan writes, as a unified YAML diff; warnings must be read before applying. */
export function PreviewScreen({state, dispatch, actions, height, width, active, setModal}: ScreenProps) {
  const [view, send, latest] = useSyncReducer(viewReducer, {top: 0, confirming: false});
  const lines = useMemo(
    () => (state.plan.status === 'ready' ? [...(state.plan.value.traffic ? trafficLines(state.plan.value.traffic, state.acceptedTraffic, width) : []), ...previewLines(state.plan.value.plan, width)] : []),
    [state.plan, state.acceptedTraffic, width],
  );
  const pending = pendingOpenings(state);
  // "Apply? y/n" is a question: until it is answered, esc means "not yet" here, not "back a screen", and
  // q is not quit; the footer shows the answers.
  // The shell hears of the question the moment a key opens or closes it, not a render later: an esc right
  // behind the enter (one read) answers it instead of going back a screen.
  const sendView = (action: ViewAction) => {
    send(action);
    setModal(latest().confirming ? CONFIRM_KEYS : undefined);
  };
  useLayoutEffect(() => () => setModal(undefined), [setModal]);
  const pageHeight = Math.max(3, height - 3);
  const max = Math.max(0, lines.length - pageHeight);
  const opStarts = useMemo(() => lines.flatMap((l, i) => (l.op !== undefined && (i === 0 || lines[i - 1]!.op !== l.op) ? [i] : [])), [lines]);
  const canApply = state.plan.status === 'ready' && blockerCount(state) === 0 && pending.length === 0 && (warningCount(state) === 0 || state.acknowledged) && state.plan.value.plan.operations.length > 0;

  useKeys((input, key) => {
    if (state.plan.status !== 'ready') return;
    const view = latest();
    if (view.confirming) {
      if (input === 'y') {
        sendView({type: 'confirm', on: false});
        dispatch({type: 'go', screen: 'apply'});
        actions.apply(state.plan.value.plan.namespaces);
      } else if (input === 'n' || key.escape) sendView({type: 'confirm', on: false});
      return;
    }
    if (key.upArrow || input === 'k') sendView({type: 'scroll', by: -1, max});
    else if (key.downArrow || input === 'j') sendView({type: 'scroll', by: 1, max});
    else if (key.pageUp) sendView({type: 'scroll', by: -pageHeight, max});
    else if (key.pageDown || input === ' ') sendView({type: 'scroll', by: pageHeight, max});
    else if (input === 'n') sendView({type: 'to', line: opStarts.find(s => s > view.top) ?? view.top, max});
    else if (input === 'p') sendView({type: 'to', line: [...opStarts].reverse().find(s => s < view.top) ?? 0, max});
    else if (input === 'a' && pending.length > 0) dispatch({type: 'accept-traffic', id: pending[0]!.id});
    else if (input === 'y' && warningCount(state) > 0) dispatch({type: 'acknowledge'});
    else if (key.return && canApply) sendView({type: 'confirm', on: true});
  }, {isActive: active});

  if (state.plan.status === 'idle' || state.plan.status === 'loading') return <Working label="Planning…" />;
  if (state.plan.status === 'error') return <Text color="red">Planning failed: {state.plan.message}</Text>;
  const {plan, refused} = state.plan.value;
  const context = state.session.status === 'ready' ? state.session.value.context : '';
  return (
    <Box flexDirection="column">
      {refused.map(r => (
        <Text key={r.namespace} color="red">
          refused: {r.message}
        </Text>
      ))}
      <Box flexDirection="column" height={pageHeight - refused.length} overflow="hidden">
        {lines.slice(view.top, view.top + pageHeight - refused.length).map((line, i) => (
          <Text key={view.top + i} color={line.color} bold={line.bold} dimColor={line.dim} wrap="truncate-end">
            {line.text || ' '}
          </Text>
        ))}
      </Box>
      <Box marginTop={1}>
        {view.confirming ? (
          <Text color="yellow" bold>
            Apply {plan.operations.length} operations to {plan.namespaces.join(', ')} on context {context}? y apply · n not yet
          </Text>
        ) : blockerCount(state) > 0 ? (
          <Text color="red">The plan has {blockerCount(state)} blocker(s) (listed at the end): resolve them and choose again.</Text>
        ) : pending.length > 0 ? (
          <Text color="red" wrap="truncate-end">
            The plan opens traffic in {pending.length} group(s) (at the top): press a to accept {pending[0]!.id}{pending[0]!.knownLimitation ? ' (a known limitation)' : ''}
          </Text>
        ) : warningCount(state) > 0 && !state.acknowledged ? (
          <Text color="yellow">
            {warningCount(state)} warning(s) at the end of the preview: read them, then press y to acknowledge. Lines {view.top + 1}–{Math.min(lines.length, view.top + pageHeight)} of {lines.length}
          </Text>
        ) : (
          <Text dimColor>
            {plan.operations.length} operations · lines {view.top + 1}–{Math.min(lines.length, view.top + pageHeight)} of {lines.length} · nothing is written until you apply
          </Text>
        )}
      </Box>
    </Box>
  );
}
