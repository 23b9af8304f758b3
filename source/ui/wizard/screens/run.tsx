import {Box, Text} from 'ink';
import React from 'react';
import {Working} from '../components/status-line.tsx';
import type {RunState} from '../state.ts';

/** Progress of an apply or a revert: done / total, the current step, rollout waits, the last lines. */
export function RunProgress({run, verb, height}: {run: RunState; verb: string; height: number}) {
  const width = 30;
  const filled = run.total > 0 ? Math.round((Math.min(run.done, run.total) / run.total) * width) : 0;
  const logLines = Math.max(1, height - 6);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="green">{'█'.repeat(filled)}</Text>
        <Text dimColor>{'░'.repeat(width - filled)}</Text> {run.done}/{run.total || '?'} operations · {run.namespaces.join(', ')}
      </Text>
      {(run.status === 'running' || run.status === 'stopping') && (
        <Box flexDirection="column">
          <Working label={run.status === 'stopping' ? 'stopping after the current operation…' : run.waiting ? `waiting for ${run.waiting}` : `${verb} ${run.current ?? ''}`} since={run.startedAt} />
        </Box>
      )}
      <Box flexDirection="column" marginTop={1}>
        {run.log.slice(-logLines).map((line, i) => (
          <Text key={i} dimColor={line.startsWith('=')} color={line.startsWith('↻') ? 'yellow' : undefined} wrap="truncate-end">
            {line}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
