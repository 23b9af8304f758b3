import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import React from 'react';
import {GUIDE_STEPS} from '../../source/core/guide-steps.ts';
import type {ClusterOverview} from '../../source/core/overview.ts';
import {App} from '../../source/ui/app.tsx';
import {settle, waitFor} from '../helpers/ink.ts';

const overview: ClusterOverview = {
  context: 'prod-eu',
  server: 'https://10.0.0.1:6443',
  kubernetesVersion: 'v1.32.4',
  controlPlanes: [
    {namespace: 'istio-system', deployment: 'istiod', revision: 'default', version: '1.28.2', image: 'docker.io/istio/pilot:1.28.2'},
    {namespace: 'istio-system', deployment: 'istiod-canary', revision: 'canary', version: '1.29.0', image: 'docker.io/istio/pilot:1.29.0'},
  ],
  namespaceModes: {sidecar: 4, ambient: 1, mixed: 2, none: 3},
  namespaceCount: 10,
};

test('the first screen shows the cluster it is connected to and the steps of the guide', async () => {
  const app = render(<App loadOverview={async () => overview} />);
  await waitFor(() => app.lastFrame()?.includes('Steps of the migration') ?? false, 'the overview');
  const frame = app.lastFrame()!;
  assert.match(frame, /Context\s+prod-eu/);
  assert.match(frame, /Server\s+https:\/\/10\.0\.0\.1:6443/);
  assert.match(frame, /Kubernetes\s+v1\.32\.4/);
  assert.match(frame, /Istio\s+1\.28\.2, 1\.29\.0 · revisions default \(istio-system\/istiod\), canary/);
  assert.match(frame, /Namespaces\s+10: 4 sidecar · 1 ambient · 2 mixed · 3 no mesh/);
  for (const step of GUIDE_STEPS) assert.ok(frame.includes(step.title), `step "${step.title}" is listed`);
  assert.match(frame, /q quit/);
  app.unmount();
});

test('a cluster without istiod says so instead of inventing a version', async () => {
  const app = render(<App loadOverview={async () => ({...overview, controlPlanes: []})} />);
  await waitFor(() => app.lastFrame()?.includes('Steps of the migration') ?? false, 'the overview');
  assert.match(app.lastFrame()!, /Istio\s+not found \(no istiod Deployment\)/);
  app.unmount();
});

test('q quits', async () => {
  let quits = 0;
  const app = render(<App loadOverview={async () => overview} onQuit={() => quits++} />);
  await waitFor(() => app.lastFrame()?.includes('Steps of the migration') ?? false, 'the overview');
  await settle();
  app.stdin.write('q');
  await waitFor(() => quits === 1, 'the quit');
  app.unmount();
});

test('r reads the cluster again and shows what changed', async () => {
  let calls = 0;
  const load = async () => {
    calls++;
    return calls === 1 ? overview : {...overview, namespaceModes: {...overview.namespaceModes, ambient: 5, sidecar: 0}};
  };
  const app = render(<App loadOverview={load} />);
  await waitFor(() => app.lastFrame()?.includes('4 sidecar') ?? false, 'the first read');
  await settle();
  app.stdin.write('r');
  await waitFor(() => app.lastFrame()?.includes('0 sidecar · 5 ambient') ?? false, 'the second read');
  assert.equal(calls, 2);
  app.unmount();
});

test('a failed read says what went wrong and how to retry', async () => {
  let fail = true;
  const app = render(
    <App
      loadOverview={async () => {
        if (fail) throw new Error('cannot reach the API server https://10.0.0.1:6443 (context "prod-eu"): ECONNREFUSED');
        return overview;
      }}
    />,
  );
  await waitFor(() => app.lastFrame()?.includes('Could not read the cluster') ?? false, 'the error');
  assert.match(app.lastFrame()!, /ECONNREFUSED/);
  assert.match(app.lastFrame()!, /press r to try again/);
  fail = false;
  await settle();
  app.stdin.write('r');
  await waitFor(() => app.lastFrame()?.includes('Steps of the migration') ?? false, 'the retry');
  app.unmount();
});
