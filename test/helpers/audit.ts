/**
 * Audit fixtures: the base cluster (fixtures/audit/base) with a scenario layered on top, served by the
 * simulator and audited over HTTP through the tool's own client.
 *
 * Layering: an object of the scenario with the same group, kind, namespace and name as an object of the
 * base replaces it (a scenario changes the mesh config, the injector or istiod that way); every other
 * object is added. Without replacements this seeds exactly what `startSimulator({fixtures: [base, file]})`
 * seeds; the documents keep their file as source, so a refused object still names its file.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import {auditCluster} from '../../source/core/audit/audit.ts';
import type {AuditReport, Finding, NamespaceReadiness} from '../../source/core/audit/types.ts';
import type {FindingDefinition} from '../../source/core/audit/catalogue.ts';
import type {KubeClient} from '../../source/kube/client.ts';
import {connect} from '../../source/kube/http-client.ts';
import {readManifests, type SeedDocument} from '../../source/sim/seed.ts';
import {startSimulator, type Simulator} from '../../source/sim/simulator.ts';
import {repoRoot, tempDir} from './cluster.ts';

export const AUDIT_FIXTURES = path.join(repoRoot, 'fixtures/audit');
export const BASE = path.join(AUDIT_FIXTURES, 'base');
export const casePath = (name: string, variant: 'positive' | 'negative') => path.join(AUDIT_FIXTURES, 'cases', name, `${variant}.yaml`);
export const envPath = (name: string) => path.join(AUDIT_FIXTURES, 'env', `${name}.yaml`);

function identity(doc: SeedDocument): string {
  const {apiVersion, kind, metadata} = doc.object;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${group}|${kind}|${metadata.namespace ?? ''}|${metadata.name}`;
}

/** The base documents, then each file's: same identity replaces, anything else is added. */
export function layered(...files: string[]): SeedDocument[] {
  const documents = readManifests(BASE);
  for (const file of files) {
    for (const doc of readManifests(file)) {
      const at = documents.findIndex(d => identity(d) === identity(doc) && d.source.startsWith(BASE));
      if (at >= 0) documents[at] = doc;
      else documents.push(doc);
    }
  }
  return documents;
}

export interface AuditedCluster {
  sim: Simulator;
  client: KubeClient;
  kubeconfig: string;
  /** Audits the cluster as it is now (after the controllers settle). */
  audit(): Promise<AuditReport>;
  close(): Promise<void>;
}

/** A simulator seeded with base + files, and the tool's client connected to it through a kubeconfig. */
export async function startAuditCluster(...files: string[]): Promise<AuditedCluster> {
  const sim = await startSimulator({objects: layered(...files)});
  const tmp = tempDir('ambient-migrate-audit-');
  const kubeconfig = sim.writeKubeconfig(tmp.file('kubeconfig'));
  const client = connect({kubeconfig});
  return {
    sim,
    client,
    kubeconfig,
    audit: async () => {
      await sim.settled();
      return auditCluster(client);
    },
    close: async () => {
      await sim.close();
      tmp.cleanup();
    },
  };
}

/** Seeds, audits once, closes. */
export async function auditOf(...files: string[]): Promise<AuditReport> {
  const cluster = await startAuditCluster(...files);
  try {
    return await cluster.audit();
  } finally {
    await cluster.close();
  }
}

export function findingsOf(report: AuditReport, definition: FindingDefinition): Finding[] {
  return report.findings.filter(f => f.id === definition.id);
}

export function namespaceOf(report: AuditReport, name: string): NamespaceReadiness {
  const ns = report.namespaces.find(n => n.name === name);
  assert.ok(ns, `namespace ${name} is in the report (have ${report.namespaces.map(n => n.name).join(', ')})`);
  return ns;
}

/** A compact view for assertion messages. */
export function summary(report: AuditReport): string {
  const findings = report.findings.map(f => `${f.id} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}${f.field ? ` ${f.field}` : ''} [${f.namespaces.join(',')}]`);
  const namespaces = report.namespaces.map(n => `${n.name}:${n.mode}:${n.readiness}(${n.reasons.join(',')})`);
  return `findings:\n  ${findings.join('\n  ') || '(none)'}\nnamespaces: ${namespaces.join(' ')}`;
}
