import {Box, Text} from 'ink';
import path from 'node:path';
import React from 'react';
import {useKeys} from '../components/use-keys.tsx';
import {wrapText} from '../components/diff-lines.ts';
import type {KeyHint, ScreenProps} from '../screen.ts';

/** What the guide leaves to the user once namespaces run in ambient mode. */
export const NEXT_STEPS = [
  'Once every caller of a waypoint namespace is ambient, add the waypoint-bypass DENY (a selector-based policy with from.source.notPrincipals: [the waypoint principal]) so nothing reaches the pods around the waypoint.',
  'For Services reached through the ingress gateway whose waypoint policy must apply, label them istio.io/ingress-use-waypoint=true.',
  'Dashboards and alerts must read reporter="waypoint" (L7) and reporter="source" (ztunnel) instead of the sidecar reporters; scrape application metrics directly, since sidecar metrics merging is gone.',
];

export function doneKeys(): KeyHint[] {
  return [
    {key: 'm', label: 'migrate more namespaces'},
    {key: 'v', label: 'revert'},
  ];
}

/** Screen 9: what changed, where the backup and the state are, and what is left to do by hand. */
export function DoneScreen({state, dispatch, actions, active, width}: ScreenProps) {
  useKeys(input => {
    if (input === 'm') {
      actions.loadAudit();
      dispatch({type: 'go', screen: 'choose'});
    } else if (input === 'v') dispatch({type: 'go', screen: 'revert'});
  }, {isActive: active});
  const session = state.session.status === 'ready' ? state.session.value : undefined;
  const backup = state.backup.status === 'ready' ? state.backup.value.path : session?.latestBackup;
  const result = state.apply.result;
  return (
    <Box flexDirection="column">
      <Text color={result?.ok === false ? 'red' : 'green'} bold>
        {result?.ok === false ? 'The migration stopped.' : `Migrated ${state.apply.namespaces.join(', ') || 'nothing yet'} to ambient mode.`}
      </Text>
      {result?.message.split('\n').map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {'  '}
          {line}
        </Text>
      ))}
      <Box flexDirection="column" marginTop={1}>
        <Text>
          <Text dimColor>Backup </Text>
          {backup ?? 'none'}
        </Text>
        <Text>
          <Text dimColor>State  </Text>
          {session ? path.join(session.workdir, 'state.json') : ''}
        </Text>
        <Text dimColor>Revert any namespace from here (v) or later with: ambient-migrate revert -n NAMESPACE</Text>
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Left to you, as the guide says:</Text>
        {NEXT_STEPS.map((step, i) => (
          // Wrapped here rather than by Ink, whose wrap keeps the space it breaks at as a line's first
          // character; continuation lines stay indented under the step's text.
          <Box key={i} flexDirection="column">
            {wrapText(` ${i + 1}. ${step}`, width, '    ').map((line, n) => (
              <Text key={n}>{line}</Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

