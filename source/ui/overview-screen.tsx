import {Box, Text} from 'ink';
import React from 'react';
import type {ClusterOverview} from '../core/overview.ts';
import type {GuideStep} from '../core/guide-steps.ts';

function Field({label, children}: {label: string; children: React.ReactNode}) {
  return (
    <Box>
      <Box width={13} flexShrink={0}>
        <Text dimColor>{label}</Text>
      </Box>
      <Text>{children}</Text>
    </Box>
  );
}

export function istioSummary(overview: ClusterOverview): string {
  if (overview.controlPlanes.length === 0) return 'not found (no istiod Deployment)';
  const versions = [...new Set(overview.controlPlanes.map(c => c.version ?? 'unknown version'))];
  const revisions = overview.controlPlanes.map(c => `${c.revision} (${c.namespace}/${c.deployment})`);
  return `${versions.join(', ')} · revision${revisions.length > 1 ? 's' : ''} ${revisions.join(', ')}`;
}

export function namespaceSummary(overview: ClusterOverview): string {
  const m = overview.namespaceModes;
  return `${overview.namespaceCount}: ${m.sidecar} sidecar · ${m.ambient} ambient · ${m.mixed} mixed · ${m.none} no mesh`;
}

/** The first screen: which cluster this is, and the way through the guide. */
export function OverviewScreen({overview, steps}: {overview: ClusterOverview; steps: readonly GuideStep[]}) {
  return (
    <Box flexDirection="column">
      <Text bold>Cluster</Text>
      <Box flexDirection="column" marginLeft={2}>
        <Field label="Context">{overview.context}</Field>
        <Field label="Server">{overview.server}</Field>
        <Field label="Kubernetes">{overview.kubernetesVersion}</Field>
        <Field label="Istio">{istioSummary(overview)}</Field>
        <Field label="Namespaces">{namespaceSummary(overview)}</Field>
      </Box>
      <Box marginTop={1}>
        <Text bold>Steps of the migration</Text>
      </Box>
      <Box flexDirection="column" marginLeft={2}>
        {steps.map((step, index) => (
          <Box key={step.id}>
            <Box width={4} flexShrink={0}>
              <Text color="cyan">{index + 1}.</Text>
            </Box>
            <Box width={26} flexShrink={0}>
              <Text>{step.title}</Text>
            </Box>
            <Text dimColor wrap="truncate-end">
              {step.summary}
            </Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
