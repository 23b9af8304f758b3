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
  // Until the cluster has answered nothing is drawn: the line below says what is being waited for, and
  // q, Esc or Ctrl+C stop the wait (every request is aborted), however long the server stays silent.
  const controller = new AbortController();
  const clearLine = '\r\x1b[K';
  // One line, cut to the terminal's width, so that the next one replaces it.
  const fit = (text: string) => (text.length < (streams.stdout.columns || 80) ? text : `${text.slice(0, (streams.stdout.columns || 80) - 2)}…`);
  let showProgress = (message: string) => streams.stdout.write(`${clearLine}${fit(`q quits · ${message}`)}`);
  showProgress('connecting to the cluster…');
  const onKey = (data: Buffer | string) => {
    const key = String(data);
    if (key === 'q' || key === 'Q' || key === '\x03' || key === '\x1b') controller.abort();
  };
  streams.stdin.setRawMode?.(true);
  streams.stdin.on('data', onKey);
  streams.stdin.resume();
  let services;
  try {
    services = await createWizardServices(flags, message => streams.stderr.write(`${clearLine}ambient-migrate: ${message}\n`), {
      connect: {signal: controller.signal, onProgress: message => showProgress(message)},
    });
  } catch (error) {
    if (controller.signal.aborted) {
      streams.stdout.write(clearLine);
      streams.stderr.write('ambient-migrate: quit before the cluster answered; nothing changed\n');
      return 0;
    }
    throw error;
  } finally {
    showProgress = () => true;
    streams.stdin.removeListener('data', onKey);
    streams.stdin.setRawMode?.(false);
    streams.stdin.pause();
    streams.stdout.write(clearLine);
  }
  try {
    const instance = render(<Wizard services={services} />, {exitOnCtrlC: false, stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr});
    await instance.waitUntilExit();
    return 0;
  } finally {
    // A request still waiting for a silent server must not keep the process alive after q.
    controller.abort();
    await services.close();
  }
}
