import {Box, Text} from 'ink';
import React, {useReducer} from 'react';
import {useKeys} from '../components/use-keys.tsx';
import type {Finding, Severity} from '../../../core/audit/types.ts';
import {findingMessage, resourceLabel} from '../components/finding-text.ts';
import {visibleWindow} from '../components/window.ts';
import type {KeyHint, ScreenProps} from '../screen.ts';

const SEVERITY: Record<Severity, {title: string; color: string}> = {
  blocker: {title: 'Blockers', color: 'red'},
  warning: {title: 'Limitations and warnings', color: 'yellow'},
  info: {title: 'To convert and to know', color: 'cyan'},
};

export function blockersKeys(): KeyHint[] {
  return [
    {key: '↑↓', label: 'move'},
    {key: 'space', label: 'details'},
    {key: 'enter', label: 'choose namespaces'},
  ];
}

type Row = {type: 'heading'; severity: Severity; count: number} | {type: 'finding'; finding: Finding; index: number};

/** Findings grouped by severity, with a heading row before each group. */
export function findingRows(findings: Finding[]): Row[] {
  const rows: Row[] = [];
  let index = 0;
  for (const severity of ['blocker', 'warning', 'info'] as const) {
    const group = findings.filter(f => f.severity === severity);
    if (group.length === 0) continue;
    rows.push({type: 'heading', severity, count: group.length});
    for (const finding of group) rows.push({type: 'finding', finding, index: index++});
  }
  return rows;
}

type View = {cursor: number; open: number | undefined};
function viewReducer(view: View, action: {type: 'up' | 'down'; count: number} | {type: 'toggle'}): View {
  if (action.type === 'toggle') return {...view, open: view.open === view.cursor ? undefined : view.cursor};
  const cursor = action.type === 'up' ? Math.max(0, view.cursor - 1) : Math.min(action.count - 1, view.cursor + 1);
  return {...view, cursor};
}

/** Screen 4: what blocks, what changes meaning, what converts; each expands to its resources and remedy. */
export function BlockersScreen({state, dispatch, height, active}: ScreenProps) {
  const [view, send] = useReducer(viewReducer, {cursor: 0, open: undefined});
  const findings = state.audit.status === 'ready' ? state.audit.value.findings : [];
  useKeys((input, key) => {
    if (key.upArrow || input === 'k') send({type: 'up', count: findings.length});
    else if (key.downArrow || input === 'j') send({type: 'down', count: findings.length});
    else if (input === ' ') send({type: 'toggle'});
    else if (key.return) dispatch({type: 'go', screen: 'choose'});
  }, {isActive: active});
  if (state.audit.status !== 'ready') return <Text dimColor>No audit yet: go back to Verify.</Text>;
  if (findings.length === 0) return <Text color="green">Nothing stands in the way. Press enter to choose namespaces.</Text>;

  const rows = findingRows(findings);
  const cursorRow = rows.findIndex(r => r.type === 'finding' && r.index === view.cursor);
  const open = view.open !== undefined ? findings[view.open] : undefined;
  const detailLines = open ? 4 + open.remedy.split('\n').length : 0;
  const {start, end} = visibleWindow(rows.length, cursorRow, Math.max(3, height - 1 - detailLines));
  return (
    <Box flexDirection="column">
      {rows.slice(start, end).map((row, i) => {
        if (row.type === 'heading') {
          const s = SEVERITY[row.severity];
          return (
            <Text key={`h-${row.severity}`} bold color={s.color}>
              {s.title} ({row.count})
            </Text>
          );
        }
        const f = row.finding;
        const selected = row.index === view.cursor;
        return (
          <Box key={`f-${start + i}`} flexDirection="column">
            <Text wrap="truncate-end">
              <Text color={selected ? 'cyan' : undefined}>{selected ? '❯ ' : '  '}</Text>
              <Text color={SEVERITY[f.severity].color}>[{f.id}]</Text> <Text dimColor>({resourceLabel(f)})</Text> {findingMessage(f)}
            </Text>
            {view.open === row.index && (
              <Box flexDirection="column" marginLeft={4}>
                <Text wrap="wrap">{findingMessage(f)}</Text>
                <Text dimColor wrap="truncate-end">namespaces: {f.namespaces.join(', ') || '(mesh infrastructure)'}{f.field ? ` · field ${f.field}` : ''}</Text>
                {f.remedy.split('\n').map((line, n) => (
                  <Text key={n} color="cyan" wrap="wrap">
                    {n === 0 ? 'fix: ' : '     '}
                    {line}
                  </Text>
                ))}
              </Box>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

