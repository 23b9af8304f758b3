import {Box, Text, useInput} from 'ink';
import React, {useReducer} from 'react';

export interface MenuItem {
  value: string;
  label: string;
  hint?: string;
}

type MenuAction = {type: 'up' | 'down'; count: number};

/** One action per key, applied to the latest state, so keys that arrive together are not lost. */
function menuReducer(index: number, action: MenuAction): number {
  if (action.type === 'up') return Math.max(0, index - 1);
  return Math.min(action.count - 1, index + 1);
}

export function Menu({items, onSelect, isActive = true}: {items: MenuItem[]; onSelect(value: string): void; isActive?: boolean}) {
  const [index, dispatch] = useReducer(menuReducer, 0);
  useInput(
    (input, key) => {
      if (key.upArrow || input === 'k') dispatch({type: 'up', count: items.length});
      else if (key.downArrow || input === 'j') dispatch({type: 'down', count: items.length});
      else if (key.return) onSelect(items[Math.min(index, items.length - 1)]!.value);
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
