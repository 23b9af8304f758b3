import {Box, Text} from 'ink';
import React from 'react';
import {useKeys} from './use-keys.tsx';
import {useSyncReducer} from './use-sync-reducer.ts';

export interface MenuItem {
  value: string;
  label: string;
  hint?: string;
}

type MenuAction = {type: 'up' | 'down'; count: number};

/** One action per key, applied to the latest state, so keys that arrive together are not lost. */
function menuReducer(index: number, action: MenuAction): number {
  const at = Math.min(index, action.count - 1);
  if (action.type === 'up') return Math.max(0, at - 1);
  return Math.max(0, Math.min(action.count - 1, at + 1));
}

export function Menu({items, onSelect, isActive = true}: {items: MenuItem[]; onSelect(value: string): void; isActive?: boolean}) {
  const [stored, dispatch, latest] = useSyncReducer(menuReducer, 0);
  // The items can shrink under the cursor (Start over leaves one item where there were three): the cursor
  // is clamped where it is drawn too, so an item is always highlighted and it is the one enter picks.
  const clamp = (i: number) => Math.max(0, Math.min(i, items.length - 1));
  const index = clamp(stored);
  useKeys(
    (input, key) => {
      if (key.upArrow || input === 'k') dispatch({type: 'up', count: items.length});
      else if (key.downArrow || input === 'j') dispatch({type: 'down', count: items.length});
      // "down, down, enter" in one chunk: enter picks where the downs moved to, not the rendered cursor.
      else if (key.return && items[clamp(latest())]) onSelect(items[clamp(latest())]!.value);
    },
    {isActive},
  );
  return (
    <Box flexDirection="column">
      {items.map((item, i) => (
        <Box key={item.value}>
          <Text color={i === index ? 'cyan' : undefined}>{i === index ? '❯ ' : '  '}</Text>
          <Text bold={i === index}>{item.label}</Text>
          {item.hint && <Text dimColor>{`  ${item.hint}`}</Text>}
        </Box>
      ))}
    </Box>
  );
}
