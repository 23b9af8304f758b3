import {render} from 'ink';
import React from 'react';
import {readOverview} from '../core/overview.ts';
import {App} from '../ui/app.tsx';
import {openCluster, type ClusterFlags} from './cluster-source.ts';

export interface TerminalStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** The interactive wizard: connects first (so a bad cluster fails fast with one line), then renders. */
export async function runWizard(flags: ClusterFlags, streams: TerminalStreams = process): Promise<number> {
  const connection = await openCluster(flags, {controllerDelayMs: flags.demo ? 150 : 0});
  try {
    await connection.client.version();
    if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
      streams.stderr.write(
        "ambient-migrate: the wizard needs an interactive terminal; in scripts and CI use 'ambient-migrate audit', 'plan' and 'apply' (see --help)\n",
      );
      return 2;
    }
    const instance = render(<App loadOverview={() => readOverview(connection.client)} />, {
      exitOnCtrlC: false,
      stdin: streams.stdin,
      stdout: streams.stdout,
      stderr: streams.stderr,
    });
    await instance.waitUntilExit();
    return 0;
  } finally {
    await connection.close();
  }
}
