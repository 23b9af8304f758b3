import type {AuditReport, CheckStatus, Finding, Severity} from '../core/audit/types.ts';
import type {Style} from './style.ts';
import {readinessLabel} from '../core/system-namespaces.ts';

const CHECK_MARK: Record<CheckStatus, string> = {pass: '✔', warn: '!', fail: '✘', unverified: '?'};
const SEVERITY_LABEL: Record<Severity, string> = {blocker: 'Blocker', warning: 'Warning', info: 'Info'};
const SECTION: Record<Severity, string> = {blocker: 'Blockers', warning: 'Warnings', info: 'To convert and to know'};

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map(line => `${prefix}${line}`)
    .join('\n');
}

/** `Warning [policy/l7-authorization] (AuthorizationPolicy bookinfo/x) message`, as istioctl analyze writes. */
export function findingLine(finding: Finding, style: Style): string {
  const r = finding.resource;
  const label = SEVERITY_LABEL[finding.severity];
  const colour = finding.severity === 'blocker' ? (t: string) => style.bold(style.red(t)) : finding.severity === 'warning' ? style.yellow : style.cyan;
  const resource = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
  // Messages name their resource so they stand alone in JSON; the line already shows it in brackets.
  const message = finding.message.startsWith(`${resource} `) ? finding.message.slice(resource.length + 1) : finding.message;
  return `${colour(label)} [${finding.id}] (${resource}) ${message}`;
}

export function formatAudit(report: AuditReport, style: Style): string {
  const out: string[] = [];
  const c = report.cluster;
  const deploymentsUnread = report.unreadable.some(u => u.resource === 'deployments.apps');
  const istio = c.istio.length ? c.istio.map(i => `${i.version ?? '?'} (revision ${i.revision})`).join(', ') : deploymentsUnread ? 'unknown (Deployments could not be read)' : 'not found';
  out.push(`${style.bold('Cluster')}  context ${c.context} · ${c.server} · Kubernetes ${c.kubernetesVersion} · Istio ${istio} · installed with ${c.installMethod}`);
  out.push('');
  out.push(style.bold('Environment'));
  const width = Math.max(...report.checks.map(k => k.id.length));
  for (const check of report.checks) {
    const mark = CHECK_MARK[check.status];
    const coloured = check.status === 'pass' ? style.green(mark) : check.status === 'fail' ? style.red(mark) : style.yellow(mark);
    out.push(`  ${coloured} ${check.id.padEnd(width)}  ${check.message}`);
    if (check.remedy && check.status !== 'pass') out.push(style.dim(indent(check.remedy, `      ${' '.repeat(width - width)}`)));
  }
  for (const severity of ['blocker', 'warning', 'info'] as const) {
    const group = report.findings.filter(f => f.severity === severity);
    if (group.length === 0) continue;
    out.push('');
    out.push(style.bold(`${SECTION[severity]} (${group.length})`));
    for (const finding of group) {
      out.push(`  ${findingLine(finding, style)}`);
      if (finding.namespaces.length) out.push(style.dim(`      namespaces: ${summarizeList(finding.namespaces)}`));
      out.push(style.dim(indent(`fix: ${finding.remedy}`, '      ')));
    }
  }
  // A kind that could not be read makes "no finding" meaningless for what reads it: say so, and which
  // permission is missing, rather than let a blocked namespace look ready.
  if (report.unreadable.length > 0) {
    out.push('');
    out.push(style.bold(`Could not verify (${report.unreadable.length})`));
    for (const kind of report.unreadable) {
      const why = kind.permission
        ? `no permission to ${kind.permission.verb} ${kind.permission.resource}${kind.permission.group ? `.${kind.permission.group}` : ''}`
        : kind.message;
      out.push(`  ${style.yellow(CHECK_MARK.unverified)} ${kind.kind} (${kind.resource}): ${why}`);
      if (kind.affects.length) out.push(style.dim(`      unverified: ${summarizeList(kind.affects)}`));
      const fix = kind.permission
        ? `grant ${kind.permission.verb} on ${kind.permission.resource}${kind.permission.group ? `.${kind.permission.group}` : ''} cluster-wide (read-only) to the user running the audit, then run it again`
        : 'run the audit again';
      out.push(style.dim(`      fix: ${fix}`));
    }
  }
  out.push('');
  out.push(style.bold('Namespaces'));
  const nameWidth = Math.max(4, ...report.namespaces.map(n => n.name.length));
  out.push(style.dim(`  ${'NAME'.padEnd(nameWidth)}  ${'MODE'.padEnd(7)}  ${'READINESS'.padEnd(14)}  REASONS`));
  const system = new Set(report.cluster.systemNamespaces);
  const colour: Record<string, (text: string) => string> = {blocked: style.red, 'needs-waypoint': style.yellow, system: style.dim};
  for (const ns of report.namespaces) {
    const label = readinessLabel(ns, system);
    const reasons = label === 'system' ? style.dim('runs Kubernetes or Istio itself: stays out of the mesh') : ns.reasons.join(', ');
    out.push(`  ${ns.name.padEnd(nameWidth)}  ${ns.mode.padEnd(7)}  ${(colour[label] ?? style.green)(label.padEnd(14))}  ${reasons}`);
  }
  out.push('');
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

export function summaryLine(report: AuditReport): string {
  const count = (s: Severity) => report.findings.filter(f => f.severity === s).length;
  const system = new Set(report.cluster.systemNamespaces);
  const ready = (r: string) => report.namespaces.filter(n => readinessLabel(n, system) === r).length;
  const failed = report.checks.filter(c => c.status === 'fail').length;
  const unreadable = report.unreadable.length;
  const caveat = unreadable ? `; ${unreadable} kind${unreadable === 1 ? '' : 's'} could not be read, so some findings could not be verified` : '';
  return `${count('blocker')} blocker${count('blocker') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${failed} failed check${failed === 1 ? '' : 's'}; namespaces: ${ready('ready')} ready, ${ready('needs-waypoint')} need a waypoint, ${ready('blocked')} blocked, ${ready('done')} done${ready('system') ? `, ${ready('system')} system` : ''}${caveat}`;
}

function summarizeList(items: string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
