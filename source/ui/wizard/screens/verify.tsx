import {Box, Text} from 'ink';
import React, {useEffect, useReducer} from 'react';
import {useKeys} from '../components/use-keys.tsx';
import type {CheckResult, CheckStatus} from '../../../core/audit/types.ts';
import {Working} from '../components/status-line.tsx';
import {visibleWindow} from '../components/window.ts';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {WizardState} from '../state.ts';

const MARK: Record<CheckStatus, {mark: string; color: string}> = {
  pass: {mark: '✔', color: 'green'},
  warn: {mark: '!', color: 'yellow'},
  fail: {mark: '✘', color: 'red'},
  unverified: {mark: '?', color: 'yellow'},
};

const failing = (state: WizardState) => (state.audit.status === 'ready' ? state.audit.value.checks.filter(c => c.status === 'fail').length : 0);

export function verifyKeys(state: WizardState): KeyHint[] {
  if (state.audit.status !== 'ready') return state.audit.status === 'error' ? [{key: 'r', label: 'check again'}] : [];
  return [
    {key: '↑↓', label: 'move'},
    {key: 'space', label: 'show the remedy'},
    {key: 'r', label: 'check again'},
    ...(failing(state) === 0 ? [{key: 'enter', label: 'continue'}] : []),
  ];
}

const NOTHING_TO_DO = 'nothing to do for this check';

type View = {cursor: number; open: number | undefined};
type ViewAction = {type: 'up' | 'down'; count: number} | {type: 'toggle'};

function viewReducer(view: View, action: ViewAction): View {
  switch (action.type) {
    case 'up':
      return {...view, cursor: Math.max(0, view.cursor - 1)};
    case 'down':
      return {...view, cursor: Math.min(action.count - 1, view.cursor + 1)};
    case 'toggle':
      return {...view, open: view.open === view.cursor ? undefined : view.cursor};
  }
}

/** Screen 3: the env checks, with remedies written for this cluster's install method; r re-checks. */
export function VerifyScreen({state, dispatch, actions, height, active}: ScreenProps) {
  const [view, send] = useReducer(viewReducer, {cursor: 0, open: undefined});
  useEffect(() => {
    if (state.audit.status === 'idle') actions.loadAudit();
  }, [state.audit.status, actions]);
  const checks: CheckResult[] = state.audit.status === 'ready' ? state.audit.value.checks : [];

  useKeys((input, key) => {
    if (input === 'r' && state.audit.status !== 'loading') actions.loadAudit();
    if (state.audit.status !== 'ready') return;
    if (key.upArrow || input === 'k') send({type: 'up', count: checks.length});
    else if (key.downArrow || input === 'j') send({type: 'down', count: checks.length});
    else if (input === ' ') send({type: 'toggle'});
    else if (key.return && failing(state) === 0) dispatch({type: 'go', screen: 'blockers'});
  }, {isActive: active});

  if (state.audit.status === 'idle' || state.audit.status === 'loading') return <Working label="Checking the environment…" />;
  if (state.audit.status === 'error') return <Text color="red">Cannot check the cluster: {state.audit.message}. Press r to try again.</Text>;

  const remedy = view.open !== undefined ? checks[view.open]?.remedy || NOTHING_TO_DO : undefined;
  const remedyLines = remedy ? remedy.split('\n').length + 1 : 0;
  const {start, end} = visibleWindow(checks.length, view.cursor, Math.max(3, height - 3 - remedyLines));
  const fails = failing(state);
  return (
    <Box flexDirection="column">
      {checks.slice(start, end).map((check, i) => {
        const index = start + i;
        const {mark, color} = MARK[check.status];
        return (
          <Box key={check.id} flexDirection="column">
            <Text wrap="truncate-end">
              <Text color={index === view.cursor ? 'cyan' : undefined}>{index === view.cursor ? '❯ ' : '  '}</Text>
              <Text color={color}>{mark}</Text> <Text dimColor>{check.id.padEnd(26)}</Text> {check.message}
            </Text>
            {view.open === index && (
              <Box marginLeft={6} flexDirection="column">
                {check.remedy ? (
                  check.remedy.split('\n').map((line, n) => (
                    <Text key={n} color="cyan" wrap="truncate-end">
                      {line}
                    </Text>
                  ))
                ) : (
                  // Space must visibly answer: on a check without a remedy it would otherwise do nothing.
                  <Text dimColor>{NOTHING_TO_DO}</Text>
                )}
              </Box>
            )}
          </Box>
        );
      })}
      <Box marginTop={1}>
        {fails > 0 ? (
          <Text color="red">
            {fails} check{fails > 1 ? 's fail' : ' fails'}: run the remedies (space shows them) in another terminal, then press r to check again.
          </Text>
        ) : (
          <Text color="green">The environment is ready for ambient mode. Press enter to see what stands in the way.</Text>
        )}
      </Box>
    </Box>
  );
}
