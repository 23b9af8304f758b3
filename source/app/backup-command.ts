import {buildBackup, BACKUP_KINDS} from '../core/backup/backup.ts';
import {clusterIdentity} from '../core/cluster-identity.ts';
import {itemsOf, loadInventory} from '../core/inventory.ts';
import {openCluster, type ClusterFlags} from './cluster-source.ts';
import {checkWorkdir, describeWriteError, writeBackup} from './workdir.ts';

export interface BackupFlags extends ClusterFlags {
  workdir: string;
}

/** `ambient-migrate backup`: every kind the migration may touch, as YAML that `kubectl apply -f` restores. */
export async function runBackup(flags: BackupFlags, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  checkWorkdir(flags.workdir);
  const connection = await openCluster(flags);
  try {
    const inventory = await loadInventory(connection.client, BACKUP_KINDS);
    const identity = clusterIdentity(connection.client.endpoint, itemsOf(inventory, 'namespace'));
    const backup = buildBackup(inventory, identity, new Date());

    let dir: string;
    try {
      dir = writeBackup(flags.workdir, backup, line => stderr.write(`${line}\n`));
    } catch (error) {
      throw describeWriteError(error, `the backup in ${flags.workdir}`, 'run backup again');
    }

    const total = backup.files.reduce((sum, f) => sum + f.count, 0);
    const kindOf = (fileName: string) => fileName.replace(/^\d+-/, '').replace(/\.yaml$/, '');
    const found = backup.manifest.files.filter(f => f.count > 0);
    const out: string[] = [`Backed up ${total} objects from ${identity.context || identity.server} to ${dir}`];
    const width = Math.max(0, ...found.map(f => kindOf(f.name).length));
    for (const file of found) out.push(`  ${kindOf(file.name).padEnd(width)}  ${String(file.count).padStart(4)}`);
    const empty = backup.manifest.files.filter(f => f.count === 0).map(f => kindOf(f.name));
    if (empty.length > 0) out.push(`None in the cluster: ${empty.join(', ')}`);
    const absent = backup.manifest.unreadable.filter(u => u.state === 'not-installed').map(u => u.kind);
    if (absent.length > 0) out.push(`Not installed: ${absent.join(', ')}`);
    const target = [flags.kubeconfig ? `--kubeconfig ${flags.kubeconfig}` : '', identity.context && !flags.demo && !flags.clusterFrom ? `--context ${identity.context}` : ''].filter(Boolean).join(' ');
    const kubectl = `kubectl ${target ? `${target} ` : ''}`;
    out.push(`Restore with: ${kubectl}apply -f ${dir}   (preview first: ${kubectl}diff -f ${dir})`);
    stdout.write(`${out.join('\n')}\n`);

    // A kind that could not be read is missing from the backup: said loudly, and recorded in the manifest.
    for (const u of backup.manifest.unreadable.filter(u => u.state !== 'not-installed')) {
      stderr.write(`ambient-migrate: warning: ${u.kind} is NOT in the backup: ${u.reason}\n`);
    }
    return 0;
  } finally {
    await connection.close();
  }
}
