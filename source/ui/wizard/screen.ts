import type {Dispatch} from 'react';
import type {WizardActions} from './use-actions.ts';
import type {Action, WizardState} from './state.ts';

/** A key a screen answers to, shown in the footer and the help overlay. */
export interface KeyHint {
  key: string;
  label: string;
}

export interface ScreenProps {
  state: WizardState;
  dispatch: Dispatch<Action>;
  actions: WizardActions;
  /** Rows and columns the screen body may use (header and footer excluded). */
  width: number;
  height: number;
  /** Screens that take typed text (a filter) say so, and the global one-letter keys step aside. */
  setCapturingText(capturing: boolean): void;
}
