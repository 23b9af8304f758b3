import {Box, Text} from 'ink';
import React, {useEffect, useLayoutEffect} from 'react';
import {useKeys} from '../components/use-keys.tsx';
import {useSyncReducer} from '../components/use-sync-reducer.ts';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {WizardState} from '../state.ts';
import {RunProgress} from './run.tsx';

/** Namespaces with writes on record that are not reverted yet. */
export function revertable(state: WizardState): Array<{name: string; status: string; done: number; total: number}> {
  if (state.session.status !== 'ready') return [];
  const recorded = state.session.value.recorded?.namespaces ?? [];
  const applied = new Set(state.apply.namespaces);
  const fromRecord = recorded.filter(n => n.status !== 'reverted' && n.done > 0);
  const fromThisRun = [...applied].filter(n => !fromRecord.some(r => r.name === n)).map(name => ({name, status: 'applied', done: 1, total: 1}));
  return [...fromRecord, ...fromThisRun];
}

const CONFLICT_KEYS: KeyHint[] = [
  {key: 'o', label: 'overwrite with the original'},
  {key: 's', label: 'skip this object'},
];

export function revertKeys(state: WizardState): KeyHint[] {
  if (state.conflict) return CONFLICT_KEYS;
  if (state.revert.status === 'running') return [{key: 'p', label: 'pause'}];
  if (state.revert.status === 'idle') return [
    {key: '↑↓', label: 'move'},
    {key: 'space', label: 'select'},
    {key: 'enter', label: 'revert the selected'},
  ];
  return [{key: 'enter', label: 'back to the start'}];
}

type View = {cursor: number; picked: string[]};
function viewReducer(view: View, action: {type: 'up' | 'down'; count: number} | {type: 'toggle'; name: string}): View {
  if (action.type === 'toggle') return {...view, picked: view.picked.includes(action.name) ? view.picked.filter(n => n !== action.name) : [...view.picked, action.name]};
  return {...view, cursor: action.type === 'up' ? Math.max(0, view.cursor - 1) : Math.min(action.count - 1, view.cursor + 1)};
}

/** Screen 8: pick done, failed or half-done namespaces and undo them, with the same progress view. */
export function RevertScreen({state, dispatch, actions, height, active, setModal}: ScreenProps) {
  const candidates = revertable(state);
  const [view, send, latest] = useSyncReducer(viewReducer, {cursor: 0, picked: []});
  const run = state.revert;
  // A conflict is a question the revert waits on: only its answers count until it is answered.
  // A layout effect: the shell must know about the question before the next key of the same chunk.
  useLayoutEffect(() => {
    setModal(state.conflict ? CONFLICT_KEYS : undefined);
    return () => setModal(undefined);
  }, [state.conflict, setModal]);
  useKeys((input, key) => {
    const view = latest();
    if (state.conflict) {
      if (input === 'o') actions.answerConflict('overwrite');
      else if (input === 's') actions.answerConflict('skip');
      return;
    }
    if (run.status === 'running') {
      if (input === 'p') actions.stop('revert');
      return;
    }
    if (run.status === 'idle') {
      if (key.upArrow || input === 'k') send({type: 'up', count: candidates.length});
      else if (key.downArrow || input === 'j') send({type: 'down', count: candidates.length});
      else if (input === ' ' && candidates[view.cursor]) send({type: 'toggle', name: candidates[view.cursor]!.name});
      else if (key.return && view.picked.length > 0) actions.revert(view.picked);
      return;
    }
    if (key.return) {
      actions.loadSession();
      dispatch({type: 'go', screen: 'connect'});
    }
  }, {isActive: active});

  if (run.status === 'idle') {
    if (candidates.length === 0) return <Text dimColor>Nothing to revert: no namespace has changes on record.</Text>;
    return (
      <Box flexDirection="column">
        <Text>Choose the namespaces to put back as they were before ambient-migrate changed them:</Text>
        {candidates.map((n, i) => (
          <Text key={n.name}>
            <Text color={i === view.cursor ? 'cyan' : undefined}>{i === view.cursor ? '❯' : ' '}</Text>
            {view.picked.includes(n.name) ? <Text color="green">◉ </Text> : '◯ '}
            {n.name.padEnd(24)} <Text dimColor>{`${n.status} ${n.done}/${n.total}`}</Text>
          </Text>
        ))}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <RunProgress run={run} verb="reverting" height={height - 4} />
      {state.conflict && (
        <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
          <Text bold>{state.conflict}.</Text>
          <Text>Overwrite their change with the recorded original, or skip this object (it is reported)?</Text>
        </Box>
      )}
      {run.status === 'done' && <Text color="green">✔ {run.result?.message}. The pods restarted with their sidecars.</Text>}
      {run.status === 'failed' && (
        <Box flexDirection="column">
          <Text color="red">{run.result?.message}</Text>
          {run.result?.skipped?.map(s => (
            <Text key={s.operationId} color="yellow">
              skipped {s.operationId}: {s.reason}
            </Text>
          ))}
        </Box>
      )}
    </Box>
  );
}
