import type React from 'react';
import type {KeyHint, ScreenProps} from '../screen.ts';
import type {ScreenId, WizardState} from '../state.ts';
import {ApplyScreen, applyKeys} from './apply.tsx';
import {BackupScreen, backupKeys} from './backup.tsx';
import {BlockersScreen, blockersKeys} from './blockers.tsx';
import {ChooseScreen, chooseKeys} from './choose.tsx';
import {ConnectScreen, connectKeys} from './connect.tsx';
import {DoneScreen, doneKeys} from './done.tsx';
import {PreviewScreen, previewKeys} from './preview.tsx';
import {RevertScreen, revertKeys} from './revert.tsx';
import {VerifyScreen, verifyKeys} from './verify.tsx';

export interface ScreenDefinition {
  component: (props: ScreenProps) => React.ReactElement;
  keys(state: WizardState): KeyHint[];
  /** The screen gives esc its own meaning (clearing a filter) before it means "back". */
  handlesEscape?: boolean;
}

export const SCREENS: Record<ScreenId, ScreenDefinition> = {
  connect: {component: ConnectScreen, keys: connectKeys},
  backup: {component: BackupScreen, keys: backupKeys},
  verify: {component: VerifyScreen, keys: verifyKeys},
  blockers: {component: BlockersScreen, keys: blockersKeys},
  choose: {component: ChooseScreen, keys: chooseKeys, handlesEscape: true},
  preview: {component: PreviewScreen, keys: previewKeys},
  apply: {component: ApplyScreen, keys: applyKeys},
  revert: {component: RevertScreen, keys: revertKeys},
  done: {component: DoneScreen, keys: doneKeys},
};
