import {useMemo, useRef, type Dispatch} from 'react';
import type {ConflictChoice} from '../../core/apply/revert.ts';
import type {WizardServices} from './services.ts';
import type {Action, WizardState} from './state.ts';

export interface WizardActions {
  loadSession(): void;
  startOver(): void;
  loadBackupPreview(): void;
  runBackup(): void;
  loadAudit(): void;
  plan(namespaces: string[]): void;
  /** Plans the namespaces selected now (read when the key is handled) and shows the preview. */
  planSelected(): void;
  apply(namespaces: string[]): void;
  revert(namespaces: string[]): void;
  /** Stop a run at the next operation boundary; the state file keeps its progress. */
  stop(run: 'apply' | 'revert'): void;
  answerConflict(choice: ConflictChoice): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Turns the user's intents into service calls and their results into actions. No decisions are made
 * here beyond sequencing: what to do lives in the core, what to show in the screens.
 */
export function useActions(services: WizardServices, dispatch: Dispatch<Action>, getState: () => WizardState): WizardActions {
  const stopFlags = useRef({apply: false, revert: false});
  const conflictAnswer = useRef<((choice: ConflictChoice) => void) | undefined>(undefined);
  return useMemo<WizardActions>(() => {
    const load = <T,>(start: () => Promise<T>, set: (value: {status: 'loading'} | {status: 'ready'; value: T} | {status: 'error'; message: string}) => void) => {
      set({status: 'loading'});
      start().then(
        value => set({status: 'ready', value}),
        error => set({status: 'error', message: message(error)}),
      );
    };
    // A quiet refresh: the screen keeps showing the old session until the new one is read.
    const refreshSession = () => {
      services.session().then(
        value => dispatch({type: 'session', value: {status: 'ready', value}}),
        () => {},
      );
    };
    return {
      loadSession: () => load(() => services.session(), value => dispatch({type: 'session', value})),
      startOver: () => {
        services.startOver().then(
          kept => {
            // Say where the old state went: the user may want it back, and nothing else would tell them.
            dispatch({type: 'notice', text: `The previous state file is kept as ${kept}; this is a fresh start.`});
            load(() => services.session(), value => dispatch({type: 'session', value}));
          },
          error => dispatch({type: 'session', value: {status: 'error', message: message(error)}}),
        );
      },
      loadBackupPreview: () => load(() => services.backupPreview(), value => dispatch({type: 'backup-preview', value})),
      runBackup: () => load(() => services.backup(), value => dispatch({type: 'backup', value})),
      loadAudit: () => load(() => services.audit(), value => dispatch({type: 'audit', value})),
      plan: namespaces => load(() => services.plan(namespaces), value => dispatch({type: 'plan', value})),
      planSelected: () => {
        const {selected} = getState();
        if (selected.length === 0) return;
        load(() => services.plan(selected), value => dispatch({type: 'plan', value}));
        dispatch({type: 'go', screen: 'preview'});
      },
      apply: namespaces => {
        const current = getState();
        const total = current.plan.status === 'ready' ? current.plan.value.plan.operations.filter(o => namespaces.includes(o.namespace)).length : 0;
        const recorded = current.session.status === 'ready' ? current.session.value.recorded?.namespaces.filter(n => namespaces.includes(n.name)) : undefined;
        const resumeTotal = recorded?.reduce((n, r) => n + r.total - r.done, 0) ?? 0;
        stopFlags.current.apply = false;
        dispatch({type: 'run-start', run: 'apply', namespaces, total: total || resumeTotal, at: Date.now()});
        services
          .apply(namespaces, {onEvent: event => dispatch({type: 'run-event', run: 'apply', event}), stopRequested: () => stopFlags.current.apply, accepted: current.acceptedTraffic})
          .then(
            result => dispatch({type: 'run-end', run: 'apply', result}),
            error => dispatch({type: 'run-end', run: 'apply', result: {ok: false, message: message(error)}}),
          )
          // What the state file now records is what Revert and Resume offer.
          .finally(refreshSession);
      },
      revert: namespaces => {
        const current = getState();
        const recorded = current.session.status === 'ready' ? current.session.value.recorded?.namespaces.filter(n => namespaces.includes(n.name)) : undefined;
        stopFlags.current.revert = false;
        dispatch({type: 'run-start', run: 'revert', namespaces, total: recorded?.reduce((n, r) => n + r.done, 0) ?? 0, at: Date.now()});
        services
          .revert(namespaces, {
            onEvent: event => dispatch({type: 'run-event', run: 'revert', event}),
            stopRequested: () => stopFlags.current.revert,
            onConflict: why =>
              new Promise<ConflictChoice>(resolve => {
                conflictAnswer.current = resolve;
                dispatch({type: 'conflict', why});
              }),
          })
          .then(
            result => dispatch({type: 'run-end', run: 'revert', result}),
            error => dispatch({type: 'run-end', run: 'revert', result: {ok: false, message: message(error)}}),
          )
          .finally(refreshSession);
      },
      stop: run => {
        stopFlags.current[run] = true;
        dispatch({type: 'run-stop-requested', run});
        // A revert waiting on a conflict question never reaches the next boundary: answer it the way
        // that changes nothing (leave their object as it is, and report it), so stopping stops.
        if (run === 'revert' && conflictAnswer.current) {
          const resolve = conflictAnswer.current;
          conflictAnswer.current = undefined;
          dispatch({type: 'conflict', why: undefined});
          resolve('skip');
        }
      },
      answerConflict: choice => {
        const resolve = conflictAnswer.current;
        conflictAnswer.current = undefined;
        dispatch({type: 'conflict', why: undefined});
        resolve?.(choice);
      },
    };
  }, [services, dispatch, getState]);
}
