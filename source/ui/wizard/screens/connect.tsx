import {Box, Text} from 'ink';
import React from 'react';
import {useKeys} from '../components/use-keys.tsx';
import {GUIDE_STEPS} from '../../../core/guide-steps.ts';
import {Menu, type MenuItem} from '../components/menu.tsx';
import {Working} from '../components/status-line.tsx';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {WizardState} from '../state.ts';

function Field({label, children}: {label: string; children: React.ReactNode}) {
  return (
    <Box>
      <Box width={13} flexShrink={0}>
        <Text dimColor>{label}</Text>
      </Box>
      <Text wrap="truncate-end">{children}</Text>
    </Box>
  );
}

/** Namespaces whose migration started and did not finish: what Resume applies further. */
export function unfinished(state: WizardState): string[] {
  if (state.session.status !== 'ready') return [];
  return (state.session.value.recorded?.namespaces ?? []).filter(n => n.status === 'applying' || n.status === 'failed' || n.status === 'planned').map(n => n.name);
}

/**
 * Namespaces whose revert was interrupted. Resuming them means finishing the revert: applying them again
 * would redo every write the user had already undone.
 */
export function unfinishedReverts(state: WizardState): string[] {
  if (state.session.status !== 'ready') return [];
  return (state.session.value.recorded?.namespaces ?? []).filter(n => n.status === 'reverting').map(n => n.name);
}

export function connectKeys(state: WizardState): KeyHint[] {
  if (state.session.status === 'error') return [{key: 'r', label: 'try again'}];
  if (state.session.status !== 'ready') return [];
  return [
    {key: '↑↓', label: 'choose'},
    {key: 'enter', label: 'confirm'},
  ];
}

/** Screen 1: the cluster we talk to, and whatever the workdir remembers of an earlier run on it. */
export function ConnectScreen({state, dispatch, actions, active, height, width}: ScreenProps) {
  useKeys(
    input => {
      if (state.session.status === 'error' && input === 'r') actions.loadSession();
    },
    {isActive: active},
  );
  if (state.session.status === 'idle' || state.session.status === 'loading') return <Working label="Connecting to the cluster…" />;
  if (state.session.status === 'error') {
    return (
      <Box flexDirection="column">
        <Text color="red">Cannot use this cluster: {state.session.message}</Text>
        <Text dimColor>Fix it in another terminal, then press r to try again.</Text>
      </Box>
    );
  }
  const session = state.session.value;
  const resume = unfinished(state);
  const resumeRevert = unfinishedReverts(state);
  const recorded = session.recorded?.namespaces ?? [];
  const revertable = recorded.filter(n => n.status !== 'reverted' && n.done > 0).map(n => n.name);
  const items: MenuItem[] = [];
  if (resume.length > 0) items.push({value: 'resume', label: 'Resume', hint: `continue ${resume.join(', ')} where it stopped`});
  if (resumeRevert.length > 0) items.push({value: 'resume-revert', label: resume.length > 0 ? 'Resume revert' : 'Resume', hint: `finish reverting ${resumeRevert.join(', ')}`});
  if (revertable.length > 0) items.push({value: 'revert', label: 'Revert', hint: 'undo namespaces the tool changed'});
  items.push(
    recorded.length > 0
      ? {value: 'start-over', label: 'Start over', hint: 'keep the old state file under a new name and begin again'}
      : {value: 'start', label: 'Start', hint: 'back up, verify, choose namespaces'},
  );
  if (recorded.length > 0 && resume.length === 0 && resumeRevert.length === 0) items.push({value: 'start', label: 'Migrate more namespaces', hint: 'continue with the next step of the guide'});

  // The fields, the menu and what the workdir remembers come first; the guide's steps only where they fit
  // (a 60×16 terminal has 12 rows for the screen).
  const fixedRows = 7 + (state.notice ? 1 + Math.ceil((state.notice.length + 2) / Math.max(1, width)) : 0) + (recorded.length > 0 ? 2 + recorded.length : 0) + 1 + items.length;
  const showSteps = fixedRows + 2 + GUIDE_STEPS.length <= height;

  const onSelect = (value: string) => {
    if (value === 'resume') {
      dispatch({type: 'go', screen: 'apply'});
      actions.apply(resume);
    } else if (value === 'resume-revert') {
      dispatch({type: 'go', screen: 'revert'});
      actions.revert(resumeRevert);
    } else if (value === 'revert') dispatch({type: 'go', screen: 'revert'});
    else if (value === 'start-over') actions.startOver();
    else dispatch({type: 'go', screen: 'backup'});
  };

  return (
    <Box flexDirection="column">
      <Field label="Context">
        <Text color="yellow" bold>
          {session.context}
        </Text>
      </Field>
      <Field label="Server">{session.server}</Field>
      <Field label="Kubernetes">{session.kubernetesVersion}</Field>
      <Field label="Istio">{session.istio}</Field>
      <Field label="Namespaces">
        {`${session.namespaceModes.sidecar} sidecar · ${session.namespaceModes.ambient} ambient · ${session.namespaceModes.mixed} mixed · ${session.namespaceModes.none} no mesh`}
      </Field>
      <Field label="Workdir">{session.workdir}</Field>
      <Field label="Backup">{session.latestBackup ?? 'none yet'}</Field>
      {state.notice && (
        <Box marginTop={1}>
          <Text color="green" wrap="wrap">
            ✔ {state.notice}
          </Text>
        </Box>
      )}
      {recorded.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text bold wrap="truncate-end">
            A migration of this cluster is recorded (last change {session.recorded!.updatedAt}):
          </Text>
          {recorded.map(n => (
            <Text key={n.name} wrap="truncate-end">
              {'  '}
              {n.name.padEnd(20)} <Text color={n.status === 'done' ? 'green' : n.status === 'failed' ? 'red' : 'yellow'}>{n.status.padEnd(10)}</Text> {`${n.done}/${n.total}`}
              {n.next && <Text dimColor>{`  next: ${n.next}`}</Text>}
            </Text>
          ))}
        </Box>
      )}
      {recorded.length === 0 && showSteps && (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>The migration, step by step</Text>
          {GUIDE_STEPS.map((step, i) => (
            <Text key={step.id} wrap="truncate-end">
              <Text color="cyan">{`  ${i + 1}. `}</Text>
              {step.title.padEnd(26)}
              <Text dimColor>{step.summary}</Text>
            </Text>
          ))}
        </Box>
      )}
      <Box marginTop={1}>
        <Menu items={items} onSelect={onSelect} isActive={active} />
      </Box>
    </Box>
  );
}
