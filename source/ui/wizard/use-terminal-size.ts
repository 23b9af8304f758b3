import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** Ink 6 re-lays out on resize but has no size hook; screens need rows to window long lists. */
export function useTerminalSize(): TerminalSize {
  const {stdout} = useStdout();
  const read = () => ({columns: stdout.columns || 100, rows: stdout.rows || 30});
  const [size, setSize] = useState<TerminalSize>(read);
  useEffect(() => {
    const update = () => setSize(read());
    stdout.on('resize', update);
    return () => {
      stdout.off('resize', update);
    };
  }, [stdout]);
  return size;
}
