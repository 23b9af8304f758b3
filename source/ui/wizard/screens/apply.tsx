import {Box, Text} from 'ink';
import React from 'react';
import {useKeys} from '../components/use-keys.tsx';
import {Menu} from '../components/menu.tsx';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {WizardState} from '../state.ts';
import {RunProgress} from './run.tsx';

export function applyKeys(state: WizardState): KeyHint[] {
  if (state.apply.status === 'running') return [{key: 'p', label: 'pause (stop after this operation)'}];
  if (state.apply.status === 'done') return [{key: 'enter', label: 'continue'}];
  if (state.apply.status === 'failed') return [
    {key: '↑↓', label: 'choose'},
    {key: 'enter', label: 'confirm'},
  ];
  return [];
}

/** Screen 7: the migration operation by operation; on an error: retry, skip the namespace, or revert it. */
export function ApplyScreen({state, dispatch, actions, height, active}: ScreenProps) {
  const run = state.apply;
  useKeys(
    (input, key) => {
      if (run.status === 'running' && input === 'p') actions.stop('apply');
      else if (run.status === 'done' && key.return) dispatch({type: 'go', screen: 'done'});
    },
    {isActive: active},
  );
  // The namespace comes with the result, not from the message: "there is no backup of this cluster in
  // DIR: back up first" is not a namespace to skip or revert, and then only Retry is offered.
  const failedNamespace = run.result && !run.result.ok ? run.result.namespace : undefined;
  const others = run.namespaces.filter(n => n !== failedNamespace);
  return (
    <Box flexDirection="column">
      <RunProgress run={run} verb="applying" height={height - (run.status === 'failed' ? 7 : 2)} />
      {run.status === 'done' && (
        <Box flexDirection="column" marginTop={1}>
          {run.result?.message.split('\n').map((line, i) => (
            <Text key={i} color="green" wrap="truncate-end">
              ✔ {line}
            </Text>
          ))}
          <Text dimColor>Press enter for the summary and what is left to do.</Text>
        </Box>
      )}
      {run.status === 'failed' && (
        <Box flexDirection="column" marginTop={1}>
          <Text color="red" wrap="wrap">
            Stopped: {run.result?.message}
          </Text>
          <Text dimColor>The state file records every write so far.</Text>
          <Menu
            items={[
              {value: 'retry', label: 'Retry', hint: 'run again from where it stopped'},
              ...(failedNamespace && others.length > 0 ? [{value: 'skip', label: `Skip ${failedNamespace}`, hint: `continue with ${others.join(', ')}`}] : []),
              ...(failedNamespace ? [{value: 'revert', label: `Revert ${failedNamespace}`, hint: 'put it back as it was'}] : []),
            ]}
            isActive={active}
            onSelect={choice => {
              if (choice === 'retry') actions.apply(run.namespaces);
              else if (choice === 'skip') actions.apply(others);
              else if (failedNamespace) {
                dispatch({type: 'go', screen: 'revert'});
                actions.revert([failedNamespace]);
              }
            }}
          />
        </Box>
      )}
    </Box>
  );
}
