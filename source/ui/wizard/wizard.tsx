import {Box, Text, useApp, useInput} from 'ink';
import React, {useCallback, useEffect, useReducer, useRef, useState} from 'react';
import {SCREENS} from './screens/index.ts';
import type {WizardServices} from './services.ts';
import {FLOW, initialState, isRunning, reducer, SCREEN_TITLES, type WizardState} from './state.ts';
import type {KeyHint} from './screen.ts';
import {useActions} from './use-actions.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

const GLOBAL_KEYS: KeyHint[] = [
  {key: 'esc', label: 'back'},
  {key: '?', label: 'help'},
  {key: 'q', label: 'quit'},
];

function Footer({keys}: {keys: KeyHint[]}) {
  return (
    <Box>
      <Text dimColor wrap="truncate-end">
        {keys.map(k => `${k.key} ${k.label}`).join(' · ')}
      </Text>
    </Box>
  );
}

function Help({keys, width}: {keys: KeyHint[]; width: number}) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={Math.min(width, 72)}>
      <Text bold>Keys on this screen</Text>
      {keys.map(k => (
        <Box key={k.key}>
          <Box width={14} flexShrink={0}>
            <Text color="cyan">{k.key}</Text>
          </Box>
          <Text>{k.label}</Text>
        </Box>
      ))}
      <Text dimColor>Every write is shown before it happens, recorded in the state file, and can be reverted.</Text>
      <Text dimColor>Press ? or esc to close this help.</Text>
    </Box>
  );
}

function QuitConfirm({running}: {running: boolean}) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold>{running ? 'A run is in progress.' : 'Quit the wizard?'}</Text>
      <Text>{running ? 'Quit after the current operation? Progress is saved in the state file; start the wizard again to resume.' : 'Nothing is lost: the state file keeps your progress.'}</Text>
      <Text dimColor>y quit · n stay</Text>
    </Box>
  );
}

export interface WizardProps {
  services: WizardServices;
  /** Called once when the wizard ends, before it unmounts. */
  onExit?: () => void;
}

/** The wizard shell: header, the current screen, the footer, help and quit; screens do the rest. */
export function Wizard({services, onExit}: WizardProps) {
  const {exit} = useApp();
  const [state, dispatch] = useReducer(reducer, initialState);
  const stateRef = useRef<WizardState>(state);
  stateRef.current = state;
  const getState = useCallback(() => stateRef.current, []);
  const actions = useActions(services, dispatch, getState);
  const {columns, rows} = useTerminalSize();
  const [capturingText, setCapturingText] = useState(false);
  const quitWhenStopped = useRef(false);

  useEffect(() => actions.loadSession(), [actions]);

  const finish = useCallback(() => {
    onExit?.();
    exit();
  }, [exit, onExit]);

  // Quitting mid-run waits for the operation boundary, then exits.
  useEffect(() => {
    if (quitWhenStopped.current && !isRunning(state)) finish();
  }, [state, finish]);

  const screen = SCREENS[state.screen];
  const screenKeys = screen.keys(state);
  const running = isRunning(state);

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (running) dispatch({type: 'overlay', overlay: 'quit'});
      else finish();
      return;
    }
    if (state.overlay === 'quit') {
      if (input === 'y') {
        if (running) {
          quitWhenStopped.current = true;
          if (state.apply.status === 'running') actions.stop('apply');
          if (state.revert.status === 'running') actions.stop('revert');
          dispatch({type: 'overlay', overlay: 'none'});
        } else finish();
      } else if (input === 'n' || key.escape) dispatch({type: 'overlay', overlay: 'none'});
      return;
    }
    if (state.overlay === 'help') {
      if (input === '?' || key.escape || input === 'q') dispatch({type: 'overlay', overlay: 'none'});
      return;
    }
    if (capturingText) return;
    if (input === '?') dispatch({type: 'overlay', overlay: 'help'});
    else if (input === 'q') {
      if (running) dispatch({type: 'overlay', overlay: 'quit'});
      else finish();
    } else if (key.escape && !screen.handlesEscape && !running) dispatch({type: 'back'});
  });

  const session = state.session.status === 'ready' ? state.session.value : undefined;
  const stepIndex = FLOW.indexOf(state.screen);
  const header = (
    <Box justifyContent="space-between">
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          ambient-migrate
        </Text>
        <Text> · </Text>
        <Text bold>{SCREEN_TITLES[state.screen]}</Text>
        {stepIndex >= 0 && <Text dimColor>{` (step ${stepIndex + 1} of ${FLOW.length})`}</Text>}
      </Text>
      {session && (
        <Text wrap="truncate-start">
          <Text dimColor>context </Text>
          <Text color="yellow" bold>
            {session.context}
          </Text>
        </Text>
      )}
    </Box>
  );

  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return (
      <Box flexDirection="column">
        <Text color="yellow">
          The terminal is too small ({columns}×{rows}); the wizard needs at least {MIN_COLUMNS}×{MIN_ROWS}.
        </Text>
        <Text dimColor>Make the window larger, or press q to quit.</Text>
      </Box>
    );
  }

  const Body = screen.component;
  const bodyHeight = Math.max(4, rows - 4);
  return (
    <Box flexDirection="column" width={columns}>
      {header}
      <Box flexDirection="column" height={bodyHeight} marginTop={1} overflow="hidden">
        {state.overlay === 'help' ? (
          <Help keys={[...screenKeys, ...GLOBAL_KEYS]} width={columns} />
        ) : state.overlay === 'quit' ? (
          <QuitConfirm running={running} />
        ) : (
          <Body state={state} dispatch={dispatch} actions={actions} width={columns} height={bodyHeight} setCapturingText={setCapturingText} />
        )}
      </Box>
      <Footer keys={capturingText ? screenKeys : [...screenKeys, ...GLOBAL_KEYS.filter(k => k.key !== 'esc' || (!screen.handlesEscape && state.history.length > 0))]} />
    </Box>
  );
}
