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
          () => load(() => services.session(), value => dispatch({type: 'session', value})),
          error => dispatch({type: 'session', value: {status: 'error', message: message(error)}}),
        );
      },
      loadBackupPreview: () => load(() => services.backupPreview(), value => dispatch({type: 'backup-preview', value})),
      runBackup: () => load(() => services.backup(), value => dispatch({type: 'backup', value})),
      loadAudit: () => load(() => services.audit(), value => dispatch({type: 'audit', value})),
      plan: namespaces => load(() => services.plan(namespaces), value => dispatch({type: 'plan', value})),
      apply: namespaces => {
        const current = getState();
        const total = current.plan.status === 'ready' ? current.plan.value.plan.operations.filter(o => namespaces.includes(o.namespace)).length : 0;
        const recorded = current.session.status === 'ready' ? current.session.value.recorded?.namespaces.filter(n => namespaces.includes(n.name)) : undefined;
        const resumeTotal = recorded?.reduce((n, r) => n + r.total - r.done, 0) ?? 0;
        stopFlags.current.apply = false;
        dispatch({type: 'run-start', run: 'apply', namespaces, total: total || resumeTotal, at: Date.now()});
        services
          .apply(namespaces, {onEvent: event => dispatch({type: 'run-event', run: 'apply', event}), stopRequested: () => stopFlags.current.apply})
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
