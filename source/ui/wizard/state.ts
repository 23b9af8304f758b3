import type {ApplyEvent} from '../../core/apply/execute.ts';
import type {AuditReport} from '../../core/audit/types.ts';
import type {BackupPreview, BackupResult, PlanResult, RunResult, SessionInfo} from './services.ts';

export type ScreenId = 'connect' | 'backup' | 'verify' | 'blockers' | 'choose' | 'preview' | 'apply' | 'revert' | 'done';

/** The guide's path through the wizard; Revert is reached from Connect or from a failed Apply. */
export const FLOW: ScreenId[] = ['connect', 'backup', 'verify', 'blockers', 'choose', 'preview', 'apply', 'done'];

export const SCREEN_TITLES: Record<ScreenId, string> = {
  connect: 'Connect',
  backup: 'Back up',
  verify: 'Verify the environment',
  blockers: 'Blockers and limitations',
  choose: 'Choose namespaces',
  preview: 'Preview',
  apply: 'Apply',
  revert: 'Revert',
  done: 'Done',
};

export type Async<T> = {status: 'idle'} | {status: 'loading'} | {status: 'ready'; value: T} | {status: 'error'; message: string};

export interface RunState {
  status: 'idle' | 'running' | 'stopping' | 'done' | 'failed';
  namespaces: string[];
  done: number;
  total: number;
  current?: string;
  waiting?: string;
  log: string[];
  startedAt?: number;
  result?: RunResult;
}

export interface WizardState {
  screen: ScreenId;
  history: ScreenId[];
  session: Async<SessionInfo>;
  backupPreview: Async<BackupPreview>;
  backup: Async<BackupResult>;
  audit: Async<AuditReport>;
  selected: string[];
  plan: Async<PlanResult>;
  /** The user has read the warnings of the current plan. */
  acknowledged: boolean;
  /** Opening groups of the traffic check the user accepted, one keypress each (Preview). */
  acceptedTraffic: string[];
  apply: RunState;
  revert: RunState;
  overlay: 'none' | 'help' | 'quit';
  /** A revert found someone else's change and waits for the user's answer. */
  conflict?: string;
  /** A one-off message for the current screen (where Start over kept the old state file). */
  notice?: string;
}

const idleRun: RunState = {status: 'idle', namespaces: [], done: 0, total: 0, log: []};

export const initialState: WizardState = {
  screen: 'connect',
  history: [],
  session: {status: 'idle'},
  backupPreview: {status: 'idle'},
  backup: {status: 'idle'},
  audit: {status: 'idle'},
  selected: [],
  plan: {status: 'idle'},
  acknowledged: false,
  acceptedTraffic: [],
  apply: idleRun,
  revert: idleRun,
  overlay: 'none',
};

export type Action =
  | {type: 'go'; screen: ScreenId}
  | {type: 'back'}
  | {type: 'overlay'; overlay: WizardState['overlay']}
  | {type: 'session'; value: Async<SessionInfo>}
  | {type: 'backup-preview'; value: Async<BackupPreview>}
  | {type: 'backup'; value: Async<BackupResult>}
  | {type: 'audit'; value: Async<AuditReport>}
  | {type: 'select'; namespaces: string[]}
  /** Applied to the latest selection, so several keys in one chunk each see the one before. */
  | {type: 'toggle-selected'; namespace: string}
  | {type: 'add-selected'; namespaces: string[]}
  | {type: 'plan'; value: Async<PlanResult>}
  | {type: 'acknowledge'}
  | {type: 'accept-traffic'; id: string}
  | {type: 'run-start'; run: 'apply' | 'revert'; namespaces: string[]; total: number; at: number}
  | {type: 'run-event'; run: 'apply' | 'revert'; event: ApplyEvent}
  | {type: 'run-stop-requested'; run: 'apply' | 'revert'}
  | {type: 'run-end'; run: 'apply' | 'revert'; result: RunResult}
  | {type: 'conflict'; why: string | undefined}
  | {type: 'notice'; text: string | undefined};

/** One line per event, kept short: the log shows the last few. */
function describe(event: ApplyEvent, run: 'apply' | 'revert'): string | undefined {
  if (event.type === 'operation-done') {
    const op = event.record.operation;
    const what = `${op.namespace} ${op.step}: ${op.action} ${op.target.kind} ${op.target.name}`;
    if (run === 'revert') return event.alreadyDone ? `= skipped (changed by someone else): ${what}` : `↩ undone ${what}`;
    return `${event.alreadyDone ? '= already done:' : '✔'} ${what}`;
  }
  if (event.type === 'retrying') return `↻ ${event.namespace}: retrying (${event.attempt}) ${event.what}`;
  return undefined;
}

export function reducer(state: WizardState, action: Action): WizardState {
  switch (action.type) {
    case 'go':
      if (action.screen === state.screen) return state;
      return {...state, screen: action.screen, history: [...state.history, state.screen], overlay: 'none', notice: undefined};
    case 'back': {
      if (state.history.length === 0) return state;
      // Never go back into a screen that is running something: its state is still there to return to.
      const history = [...state.history];
      const screen = history.pop()!;
      return {...state, screen, history, overlay: 'none', notice: undefined};
    }
    case 'overlay':
      return {...state, overlay: action.overlay};
    case 'session':
      return {...state, session: action.value};
    case 'backup-preview':
      return {...state, backupPreview: action.value};
    case 'backup':
      return {...state, backup: action.value};
    case 'audit':
      return {...state, audit: action.value};
    case 'select':
      // A new selection makes the old plan and its acknowledgement stale.
      return {...state, selected: [...action.namespaces].sort(), plan: {status: 'idle'}, acknowledged: false, acceptedTraffic: []};
    case 'toggle-selected': {
      const selected = state.selected.includes(action.namespace) ? state.selected.filter(n => n !== action.namespace) : [...state.selected, action.namespace];
      return reducer(state, {type: 'select', namespaces: selected});
    }
    case 'add-selected':
      return reducer(state, {type: 'select', namespaces: [...new Set([...state.selected, ...action.namespaces])]});
    case 'plan':
      return {...state, plan: action.value, acknowledged: false, acceptedTraffic: []};
    case 'acknowledge':
      return {...state, acknowledged: true};
    case 'accept-traffic':
      return state.acceptedTraffic.includes(action.id) ? state : {...state, acceptedTraffic: [...state.acceptedTraffic, action.id]};
    case 'run-start':
      return {...state, [action.run]: {status: 'running', namespaces: action.namespaces, done: 0, total: action.total, log: [], startedAt: action.at}};
    case 'run-event': {
      const run = state[action.run];
      const event = action.event;
      const line = describe(event, action.run);
      const next: RunState = {...run, log: line ? [...run.log, line].slice(-200) : run.log};
      if (event.type === 'operation-started') {
        next.current = `${event.record.operation.namespace} ${event.record.operation.step}: ${event.record.operation.action} ${event.record.operation.target.kind} ${event.record.operation.target.name}`;
        next.waiting = undefined;
      }
      if (event.type === 'operation-done') next.done = run.done + 1;
      if (event.type === 'waiting') next.waiting = event.what;
      return {...state, [action.run]: next};
    }
    case 'run-stop-requested':
      return state[action.run].status === 'running' ? {...state, [action.run]: {...state[action.run], status: 'stopping'}} : state;
    case 'run-end':
      return {...state, [action.run]: {...state[action.run], status: action.result.ok ? 'done' : 'failed', result: action.result, current: undefined, waiting: undefined}};
    case 'conflict':
      return {...state, conflict: action.why};
    case 'notice':
      return {...state, notice: action.text};
  }
}

export function isRunning(state: WizardState): boolean {
  return state.apply.status === 'running' || state.apply.status === 'stopping' || state.revert.status === 'running' || state.revert.status === 'stopping';
}
