import {Box, Text} from 'ink';
import React, {useEffect, useLayoutEffect, useMemo} from 'react';
import {useKeys} from '../components/use-keys.tsx';
import type {NamespaceReadiness} from '../../../core/audit/types.ts';
import {readinessLabel} from '../../../core/system-namespaces.ts';
import {useSyncReducer} from '../components/use-sync-reducer.ts';
import {visibleWindow} from '../components/window.ts';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {WizardState} from '../state.ts';

export function chooseKeys(state: WizardState): KeyHint[] {
  return [
    {key: '↑↓', label: 'move'},
    {key: 'space', label: 'select'},
    ...(state.selected.length ? [{key: 'enter', label: `preview ${state.selected.length}`}] : []),
    {key: 'a', label: 'select all ready'},
    {key: '/', label: 'filter'},
    {key: 'pgup pgdn', label: 'a page up or down', helpOnly: true},
    {key: 'home end', label: 'the first or the last namespace', helpOnly: true},
  ];
}

const FILTER_KEYS: KeyHint[] = [
  {key: 'type', label: 'filter by name'},
  {key: 'enter', label: 'keep the filter'},
  {key: 'esc', label: 'clear'},
];

/** Whether a namespace can be picked: not blocked, not done, and not one of Kubernetes' or Istio's own. */
const canMove = (n: NamespaceReadiness, system: ReadonlySet<string>) => (n.readiness === 'ready' || n.readiness === 'needs-waypoint') && !system.has(n.name);

function whyNot(n: NamespaceReadiness, system: ReadonlySet<string>): string {
  if (n.readiness === 'done') return 'it already runs in ambient mode';
  if (n.readiness === 'blocked') return `blocked by ${n.reasons.join(', ')} (see Blockers)`;
  if (system.has(n.name)) return 'it runs Kubernetes or Istio itself, which stays out of the mesh';
  return '';
}

interface View {
  cursor: number;
  filter: string;
  filtering: boolean;
}

type ViewAction =
  | {type: 'up' | 'down' | 'page-up' | 'page-down' | 'first' | 'last'; count: number; page: number}
  | {type: 'filter-start'}
  | {type: 'filter-end'}
  | {type: 'filter-clear'}
  | {type: 'filter-type'; text: string}
  | {type: 'filter-delete'};

/** One action per key against the latest state: typed or pasted keys are never applied to stale state. */
function viewReducer(view: View, action: ViewAction): View {
  switch (action.type) {
    case 'up':
      return {...view, cursor: Math.max(0, view.cursor - 1)};
    case 'down':
      return {...view, cursor: Math.max(0, Math.min(action.count - 1, view.cursor + 1))};
    case 'page-up':
      return {...view, cursor: Math.max(0, view.cursor - action.page)};
    case 'page-down':
      return {...view, cursor: Math.max(0, Math.min(action.count - 1, view.cursor + action.page))};
    case 'first':
      return {...view, cursor: 0};
    case 'last':
      return {...view, cursor: Math.max(0, action.count - 1)};
    case 'filter-start':
      return {...view, filtering: true};
    case 'filter-end':
      return {...view, filtering: false};
    case 'filter-clear':
      return {cursor: 0, filter: '', filtering: false};
    case 'filter-type':
      return {...view, filter: view.filter + action.text, cursor: 0};
    case 'filter-delete':
      return {...view, filter: view.filter.slice(0, -1), cursor: 0};
  }
}

const READINESS_COLOR: Record<string, string> = {ready: 'green', 'needs-waypoint': 'yellow', blocked: 'red', done: 'cyan'};

/** Screen 5: every namespace with its mode and readiness; blocked ones cannot be picked and say why. */
export function ChooseScreen({state, dispatch, actions, height, width, active, setModal}: ScreenProps) {
  const [view, send, latest] = useSyncReducer(viewReducer, {cursor: 0, filter: '', filtering: false});
  useEffect(() => {
    if (state.audit.status === 'idle') actions.loadAudit();
  }, [state.audit.status, actions]);
  // While the filter is typed, every letter is the filter's: q must not quit, ? must not open the help.
  // The shell hears of it the moment the key that opens or closes the filter is handled, not a render
  // later: "/q" in one read types q.
  const sendView = (action: ViewAction) => {
    send(action);
    setModal(latest().filtering ? FILTER_KEYS : undefined);
  };
  useLayoutEffect(() => () => setModal(undefined), [setModal]);

  const all = state.audit.status === 'ready' ? state.audit.value.namespaces : [];
  const system = useMemo(() => new Set(state.audit.status === 'ready' ? state.audit.value.cluster.systemNamespaces : []), [state.audit]);
  const selectable = (n: NamespaceReadiness) => canMove(n, system);
  const shownReadiness = (n: NamespaceReadiness) => readinessLabel(n, system);
  const shown = useMemo(() => (view.filter ? all.filter(n => n.name.includes(view.filter)) : all), [all, view.filter]);
  const listHeight = Math.max(3, height - 4);
  const selected = new Set(state.selected);

  useKeys(
    (input, key) => {
      // Read the view as the previous keys of this chunk left it, not as it was last drawn.
      const now = latest();
      if (now.filtering) {
        if (key.return || key.escape) sendView({type: key.escape ? 'filter-clear' : 'filter-end'});
        else if (key.backspace || key.delete) sendView({type: 'filter-delete'});
        else if (input && !key.ctrl && !key.meta) sendView({type: 'filter-type', text: input});
        return;
      }
      const list = now.filter === view.filter ? shown : all.filter(n => n.name.includes(now.filter));
      const count = list.length;
      if (key.upArrow || input === 'k') sendView({type: 'up', count, page: listHeight});
      else if (key.downArrow || input === 'j') sendView({type: 'down', count, page: listHeight});
      else if (key.pageUp) sendView({type: 'page-up', count, page: listHeight});
      else if (key.pageDown) sendView({type: 'page-down', count, page: listHeight});
      else if (key.home || input === 'g') sendView({type: 'first', count, page: listHeight});
      else if (key.end || input === 'G') sendView({type: 'last', count, page: listHeight});
      else if (input === '/') sendView({type: 'filter-start'});
      else if (input === ' ') {
        const ns = list[now.cursor];
        if (ns && selectable(ns)) dispatch({type: 'toggle-selected', namespace: ns.name});
      } else if (input === 'a') {
        dispatch({type: 'add-selected', namespaces: list.filter(n => n.readiness === 'ready' && n.mode !== 'none' && selectable(n)).map(n => n.name)});
      } else if (key.escape) {
        if (now.filter) sendView({type: 'filter-clear'});
        else dispatch({type: 'back'});
      } else if (key.return) actions.planSelected();
    },
    {isActive: active},
  );

  if (state.audit.status !== 'ready') return <Text dimColor>Reading the namespaces…</Text>;
  const {start, end} = visibleWindow(shown.length, view.cursor, listHeight);
  const nameWidth = Math.min(Math.max(12, ...shown.slice(start, end).map(n => n.name.length)), Math.floor(width / 3));
  const current = shown[view.cursor];
  return (
    <Box flexDirection="column">
      <Text dimColor>
        {`${'   '}${'NAME'.padEnd(nameWidth)}  ${'MODE'.padEnd(8)}${'READINESS'.padEnd(16)}REASONS`}
      </Text>
      {shown.slice(start, end).map((n, i) => {
        const index = start + i;
        const can = selectable(n);
        return (
          <Text key={n.name} wrap="truncate-end" dimColor={!can}>
            <Text color={index === view.cursor ? 'cyan' : undefined}>{index === view.cursor ? '❯' : ' '}</Text>
            {selected.has(n.name) ? <Text color="green">◉ </Text> : <Text>{can ? '◯ ' : '  '}</Text>}
            {n.name.padEnd(nameWidth)}  {n.mode.padEnd(8)}
            <Text color={READINESS_COLOR[shownReadiness(n)]}>{shownReadiness(n).padEnd(16)}</Text>
            {n.reasons.join(', ')}
          </Text>
        );
      })}
      <Box marginTop={1}>
        {view.filtering || view.filter ? (
          <Text>
            filter: <Text color="cyan">{view.filter}</Text>
            {view.filtering ? <Text inverse> </Text> : ''}
            <Text dimColor>{`  ${shown.length} of ${all.length}${view.filtering ? '' : ' · esc clears'}`}</Text>
          </Text>
        ) : current && !selectable(current) ? (
          <Text color={READINESS_COLOR[shownReadiness(current)] ?? 'yellow'} wrap="truncate-end">
            {current.name} cannot be selected: {whyNot(current, system)}
          </Text>
        ) : (
          <Text dimColor>
            {selected.size} selected · {all.filter(selectable).length} of {all.length} can move
          </Text>
        )}
      </Box>
    </Box>
  );
}
