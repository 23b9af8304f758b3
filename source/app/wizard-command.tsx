import {render} from 'ink';
import React from 'react';
import {Wizard} from '../ui/wizard/wizard.tsx';
import {openCluster, type ClusterFlags} from './cluster-source.ts';
import {createWizardServices} from './wizard-services.ts';
import {checkWorkdir} from './workdir.ts';

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
    // A bad workdir, kubeconfig, context or seed is still reported as such (the demo cluster needs no check).
    checkWorkdir(flags.workdir);
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
  // What is waited for, and the key that stops it, replaced in place as the wait goes on (long lines wrap).
  let rowsDrawn = 0;
  const clear = () => {
    const up = rowsDrawn > 1 ? `\x1b[${rowsDrawn - 1}A` : '';
    rowsDrawn = 0;
    return `${up}\r\x1b[J`;
  };
  let showProgress = (message: string) => {
    const columns = streams.stdout.columns || 80;
    const lines = [message, 'q quits'];
    const text = clear() + lines.join('\n');
    rowsDrawn = lines.reduce((n, line) => n + Math.max(1, Math.ceil(line.length / columns)), 0);
    return streams.stdout.write(text);
  };
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
    services = await createWizardServices(flags, message => streams.stderr.write(`${clear()}ambient-migrate: ${message}\n`), {
      connect: {signal: controller.signal, onProgress: message => showProgress(message)},
    });
  } catch (error) {
    if (controller.signal.aborted) {
      streams.stdout.write(clear());
      streams.stderr.write('ambient-migrate: quit before connecting; nothing changed\n');
      return 0;
    }
    throw error;
  } finally {
    showProgress = () => true;
    // Paused only when the wizard does not start (else the open terminal keeps the process alive): Ink
    // reads stdin with a 'readable' listener, which a paused TTY stream never fed.
    streams.stdin.removeListener('data', onKey);
    streams.stdin.setRawMode?.(false);
    if (!services) streams.stdin.pause();
    streams.stdout.write(clear());
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
