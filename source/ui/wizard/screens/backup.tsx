import {Box, Text} from 'ink';
import React, {useEffect} from 'react';
import {useKeys} from '../components/use-keys.tsx';
import {Working} from '../components/status-line.tsx';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {WizardState} from '../state.ts';

const hasEarlierBackup = (state: WizardState) => state.session.status === 'ready' && Boolean(state.session.value.latestBackup);

export function backupKeys(state: WizardState): KeyHint[] {
  if (state.backup.status === 'ready') return [{key: 'enter', label: 'continue'}];
  if (state.backup.status === 'loading' || state.backupPreview.status !== 'ready') return [];
  return [{key: 'enter', label: 'back up now'}, ...(hasEarlierBackup(state) ? [{key: 's', label: 'skip (use the existing backup)'}] : [])];
}

/** Screen 2: what will be saved, then the backup itself, and where it went. */
export function BackupScreen({state, dispatch, actions, height, width: screenWidth, active}: ScreenProps) {
  useEffect(() => {
    if (state.backupPreview.status === 'idle') actions.loadBackupPreview();
  }, [state.backupPreview.status, actions]);

  useKeys((input, key) => {
    if (state.backup.status === 'ready') {
      if (key.return) dispatch({type: 'go', screen: 'verify'});
      return;
    }
    if (state.backup.status === 'loading' || state.backupPreview.status !== 'ready') return;
    if (key.return) actions.runBackup();
    else if (input === 's' && hasEarlierBackup(state)) dispatch({type: 'go', screen: 'verify'});
  }, {isActive: active});

  if (state.backupPreview.status === 'idle' || state.backupPreview.status === 'loading') return <Working label="Counting what will be saved…" />;
  if (state.backupPreview.status === 'error') return <Text color="red">Cannot read the cluster: {state.backupPreview.message}</Text>;
  const preview = state.backupPreview.value;
  const rows = Math.max(3, height - 8);
  const shown = preview.kinds.slice(0, rows);
  // Name and count on one line: a long kind (mutatingwebhookconfigurations.admissionregistration.k8s.io)
  // is cut rather than pushing its count onto a line of its own in a narrow terminal.
  const width = Math.min(Math.max(...preview.kinds.map(k => k.name.length), 10), Math.max(10, screenWidth - 2 - 6));
  const fit = (name: string) => (name.length <= width ? name.padEnd(width) : `${name.slice(0, width - 1)}…`);
  return (
    <Box flexDirection="column">
      <Text>
        The backup saves <Text bold>{preview.total}</Text> objects the migration may touch, as YAML that <Text color="cyan">kubectl apply -f</Text> restores (never Secret data):
      </Text>
      <Box flexDirection="column" marginTop={1} marginLeft={2}>
        {shown.map(k => (
          <Text key={k.name}>
            {fit(k.name)} <Text bold>{String(k.count).padStart(5)}</Text>
          </Text>
        ))}
        {preview.kinds.length > shown.length && <Text dimColor>…and {preview.kinds.length - shown.length} more kinds</Text>}
      </Box>
      <Box marginTop={1} flexDirection="column">
        {state.backup.status === 'idle' && hasEarlierBackup(state) && (
          <Text dimColor>An earlier backup of this cluster exists: {state.session.status === 'ready' ? state.session.value.latestBackup : ''}</Text>
        )}
        {state.backup.status === 'loading' && <Working label="Backing up…" />}
        {state.backup.status === 'error' && <Text color="red">The backup failed: {state.backup.message}. Press enter to try again.</Text>}
        {state.backup.status === 'ready' && (
          <Text color="green">
            ✔ Saved {state.backup.value.total} objects to {state.backup.value.path} (readable by you only)
          </Text>
        )}
      </Box>
    </Box>
  );
}
