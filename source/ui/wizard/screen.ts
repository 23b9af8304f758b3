import type {Dispatch} from 'react';
import type {WizardActions} from './use-actions.ts';
import type {Action, WizardState} from './state.ts';

/** A key a screen answers to, shown in the footer and the help overlay. */
export interface KeyHint {
  key: string;
  label: string;
  /** Listed in the help only: conventional keys that would push the essential ones off the footer. */
  helpOnly?: boolean;
}

export interface ScreenProps {
  state: WizardState;
  dispatch: Dispatch<Action>;
  actions: WizardActions;
  /** Rows and columns the screen body may use (header and footer excluded). */
  width: number;
  height: number;
  /**
   * False while an overlay (help, quit) or the too-small message covers the screen. The screen stays
   * mounted, so its cursor, filter and scroll survive, but the keys are not its.
   */
  active: boolean;
  /**
   * A screen that asks something of its own (a filter being typed, a yes/no question) claims the keyboard:
   * until it passes undefined, the global one-letter keys and esc step aside and the footer shows `keys`.
   */
  setModal(keys: KeyHint[] | undefined): void;
}
