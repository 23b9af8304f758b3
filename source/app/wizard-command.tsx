import {render} from 'ink';
import React from 'react';
import {Wizard} from '../ui/wizard/wizard.tsx';
import {openCluster, type ClusterFlags} from './cluster-source.ts';
import {createWizardServices} from './wizard-services.ts';

export interface TerminalStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * The interactive wizard. Without a terminal it does not start (and says what to use instead); a
 * cluster that cannot be reached fails before anything is drawn, in one line.
 */
export async function runWizard(flags: ClusterFlags & {workdir: string}, streams: TerminalStreams = process): Promise<number> {
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
    // A bad kubeconfig, context or seed is still reported as such (the demo cluster needs no check).
    if (!flags.demo) {
      const connection = await openCluster(flags);
      try {
        await connection.client.version();
      } finally {
        await connection.close();
      }
    }
    streams.stderr.write("ambient-migrate: the wizard needs an interactive terminal; in scripts and CI use 'ambient-migrate audit', 'plan' and 'apply' (see --help)\n");
    return 2;
  }
  const services = await createWizardServices(flags, message => streams.stderr.write(`ambient-migrate: ${message}\n`));
  try {
    const instance = render(<Wizard services={services} />, {exitOnCtrlC: false, stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr});
    await instance.waitUntilExit();
    return 0;
  } finally {
    await services.close();
  }
}
