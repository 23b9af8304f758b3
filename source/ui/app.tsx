import {Box, Text, useApp, useInput} from 'ink';
import React, {useCallback, useEffect, useReducer} from 'react';
import {GUIDE_STEPS} from '../core/guide-steps.ts';
import type {ClusterOverview} from '../core/overview.ts';
import {OverviewScreen} from './overview-screen.tsx';

type State =
  | {phase: 'loading'}
  | {phase: 'ready'; overview: ClusterOverview}
  | {phase: 'failed'; message: string};

type Action = {type: 'load'} | {type: 'loaded'; overview: ClusterOverview} | {type: 'failed'; message: string};

export function reducer(_state: State, action: Action): State {
  switch (action.type) {
    case 'load':
      return {phase: 'loading'};
    case 'loaded':
      return {phase: 'ready', overview: action.overview};
    case 'failed':
      return {phase: 'failed', message: action.message};
  }
}

export interface AppProps {
  /** Reads the cluster; the component never talks to Kubernetes itself. */
  loadOverview: () => Promise<ClusterOverview>;
  /** Called once when the user quits, before the app unmounts. */
  onQuit?: () => void;
}

export function App({loadOverview, onQuit}: AppProps) {
  const {exit} = useApp();
  const [state, dispatch] = useReducer(reducer, {phase: 'loading'});

  const load = useCallback(() => {
    dispatch({type: 'load'});
    loadOverview().then(
      overview => dispatch({type: 'loaded', overview}),
      (error: unknown) => dispatch({type: 'failed', message: error instanceof Error ? error.message : String(error)}),
    );
  }, [loadOverview]);

  useEffect(load, [load]);

  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      onQuit?.();
      exit();
    }
    else if (input === 'r' && state.phase !== 'loading') load();
  });

  return (
    <Box flexDirection="column">
      <Box marginBottom={1}>
        <Text bold color="cyan">
          ambient-migrate
        </Text>
        <Text dimColor> · Istio sidecar → ambient migration</Text>
      </Box>
      {state.phase === 'loading' && <Text>Reading the cluster…</Text>}
      {state.phase === 'failed' && (
        <Box flexDirection="column">
          <Text color="red">Could not read the cluster: {state.message}</Text>
          <Text dimColor>Fix the problem in another terminal, then press r to try again.</Text>
        </Box>
      )}
      {state.phase === 'ready' && <OverviewScreen overview={state.overview} steps={GUIDE_STEPS} />}
      <Box marginTop={1}>
        <Text dimColor>q quit · r re-read the cluster</Text>
      </Box>
    </Box>
  );
}
