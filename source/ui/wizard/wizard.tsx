import {Box, Text, useApp} from 'ink';
import React, {useCallback, useEffect, useRef, useState} from 'react';
import {KeyRouter, type GlobalKeyHandler} from './components/use-keys.tsx';
import {useSyncReducer} from './components/use-sync-reducer.ts';
import {SCREENS} from './screens/index.ts';
import type {WizardServices} from './services.ts';
import {FLOW, initialState, isRunning, reducer, SCREEN_TITLES} from './state.ts';
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

/**
 * The keys of this screen. When they do not fit, the last of the screen's own keys give way (whole, with
 * a `…`; the help lists them all), never `? help · q quit`: the way to the rest and the way out.
 */
export function footerText(keys: KeyHint[], width: number): string {
  const text = (list: KeyHint[]) => list.map(k => `${k.key} ${k.label}`).join(' · ');
  if (text(keys).length <= width) return text(keys);
  const tail = keys.filter(k => k.key === '?' || k.key === 'q');
  const head = keys.filter(k => !tail.includes(k));
  for (let n = head.length - 1; n >= 0; n--) {
    const line = text([...head.slice(0, n), {key: '…', label: ''}, ...tail]).replace('… ', '…');
    if (line.length <= width) return line;
  }
  return text(tail).slice(0, width);
}

function Footer({keys, width}: {keys: KeyHint[]; width: number}) {
  return (
    <Box>
      <Text dimColor wrap="truncate-end">
        {footerText(keys, width)}
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
  // getState reads the state as the last action left it, not as last drawn: several keys in one chunk
  // are handled before React renders again (see use-sync-reducer.ts).
  const [state, dispatch, getState] = useSyncReducer(reducer, initialState);
  const actions = useActions(services, dispatch, getState);
  const {columns, rows} = useTerminalSize();
  const [modal, setModalState] = useState<KeyHint[] | undefined>(undefined);
  // The shell reads the question a screen asks from a ref, set the moment the screen says so: a key right
  // behind the one that opened it ("/q") must reach the question before React has drawn it.
  const modalNow = useRef<KeyHint[] | undefined>(undefined);
  const setModal = useCallback((keys: KeyHint[] | undefined) => {
    modalNow.current = keys;
    setModalState(keys);
  }, []);
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
  // esc is offered only where it does something: not on the first screen, and not while a run is going
  // (a run's screen must stay in view until it stops). The footer and the help list the same keys.
  const globalKeys = GLOBAL_KEYS.filter(k => k.key !== 'esc' || (state.history.length > 0 && !running));
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;

  // The shell's keys come first; a key it uses (true) does not reach the screen.
  const onGlobalKey: GlobalKeyHandler = (input, key) => {
    const state = getState();
    const running = isRunning(state);
    if (key.ctrl && input === 'c') {
      if (running) dispatch({type: 'overlay', overlay: 'quit'});
      else finish();
      return true;
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
      return true;
    }
    if (state.overlay === 'help') {
      if (input === '?' || key.escape || input === 'q') dispatch({type: 'overlay', overlay: 'none'});
      return true;
    }
    if (tooSmall) {
      if (input === 'q') {
        if (running) dispatch({type: 'overlay', overlay: 'quit'});
        else finish();
      }
      return true;
    }
    // A screen asking its own question (a filter being typed, "apply? y/n") owns every key but Ctrl+C.
    if (modalNow.current) return false;
    if (input === '?') dispatch({type: 'overlay', overlay: 'help'});
    else if (input === 'q') {
      if (running) dispatch({type: 'overlay', overlay: 'quit'});
      else finish();
    } else if (key.escape && !SCREENS[state.screen].handlesEscape && !running) dispatch({type: 'back'});
    else return false;
    return true;
  };

  const session = state.session.status === 'ready' ? state.session.value : undefined;
  const stepIndex = FLOW.indexOf(state.screen);
  // One line whatever the width: a header that wrapped made the frame a row taller than the terminal, and
  // the first row scrolled away on every redraw. The step count, then the word "context" give way first.
  const title = SCREEN_TITLES[state.screen];
  const step = stepIndex >= 0 ? ` (step ${stepIndex + 1} of ${FLOW.length})` : '';
  const contextName = session?.context ?? '';
  const headerFits = (left: number, right: number) => left + (right > 0 ? 1 + right : 0) <= columns;
  const leftLength = `ambient-migrate · ${title}`.length;
  const showStep = headerFits(leftLength + step.length, contextName ? `context ${contextName}`.length : 0);
  const contextLabel = contextName && headerFits(leftLength + (showStep ? step.length : 0), `context ${contextName}`.length) ? 'context ' : '';
  const rightLength = contextName ? contextLabel.length + contextName.length : 0;
  const leftRoom = Math.max(0, columns - (rightLength > 0 ? rightLength + 1 : 0));
  const header = (
    <Box justifyContent="space-between">
      <Box width={leftRoom} flexShrink={0}>
        <Text wrap="truncate-end">
          <Text bold color="cyan">
            ambient-migrate
          </Text>
          <Text> · </Text>
          <Text bold>{title}</Text>
          {showStep && <Text dimColor>{step}</Text>}
        </Text>
      </Box>
      {session && (
        <Box flexShrink={0}>
          <Text wrap="truncate-start">
            <Text dimColor>{contextLabel}</Text>
            <Text color="yellow" bold>
              {contextName.length > columns - 20 ? `…${contextName.slice(-(columns - 21))}` : contextName}
            </Text>
          </Text>
        </Box>
      )}
    </Box>
  );

  const tooSmallMessage = (
    <Box flexDirection="column">
      <Text color="yellow">
        The terminal is too small ({columns}×{rows}); the wizard needs at least {MIN_COLUMNS}×{MIN_ROWS}.
      </Text>
      <Text dimColor>Make the window larger, or press q to quit.</Text>
      {state.overlay === 'quit' && <QuitConfirm running={running} />}
    </Box>
  );

  const Body = screen.component;
  const bodyHeight = Math.max(4, rows - 4);
  // One tree whatever is shown: the screen keeps its place in it, so an overlay or a too-small terminal
  // hides the screen instead of unmounting it, and its cursor, filter, selection and scroll survive.
  return (
    <KeyRouter onKey={onGlobalKey}>
      <Box flexDirection="column" width={columns}>
        {tooSmall ? tooSmallMessage : header}
        <Box flexDirection="column" height={bodyHeight} marginTop={1} overflow="hidden" display={tooSmall ? 'none' : 'flex'}>
          {state.overlay === 'help' && <Help keys={[...screenKeys, ...globalKeys]} width={columns} />}
          {state.overlay === 'quit' && <QuitConfirm running={running} />}
          {/* The screen keeps its own height: squeezed to fit, Yoga shrank its lines to nothing and drew the
              next ones over them ("Kubernetes v1.32.4127.0.0.1:37219"); what does not fit is cut at the bottom. */}
          <Box flexDirection="column" flexShrink={0} display={state.overlay === 'none' ? 'flex' : 'none'}>
            <Body state={state} dispatch={dispatch} actions={actions} width={columns} height={bodyHeight} active={state.overlay === 'none' && !tooSmall} setModal={setModal} />
          </Box>
        </Box>
        {!tooSmall && <Footer keys={modal ?? [...screenKeys, ...globalKeys].filter(k => !k.helpOnly)} width={columns} />}
      </Box>
    </KeyRouter>
  );
}
