import {Text} from 'ink';
import React, {useEffect, useState} from 'react';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner with the elapsed time: long work shows that it is alive. */
export function Working({label, since}: {label: string; since?: number}) {
  const [now, setNow] = useState(Date.now());
  const [start] = useState(since ?? Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - start) / 1000));
  return (
    <Text>
      <Text color="cyan">{FRAMES[Math.floor(now / 100) % FRAMES.length]}</Text> {label} <Text dimColor>{`${seconds}s`}</Text>
    </Text>
  );
}
