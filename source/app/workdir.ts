/**
 * The workdir holds the state file and backups: the mesh's whole security policy, so owner-only (0700
 * directories, 0600 files), and every file is replaced atomically so a crash never leaves half of one.
 */
import {accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, chmodSync, statSync, unlinkSync, writeSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import yaml from 'js-yaml';
import {BACKUP_SCHEMA_VERSION, sha256, type Backup, type BackupManifest} from '../core/backup/backup.ts';
import {sameCluster, type ClusterIdentity} from '../core/cluster-identity.ts';
import {UserFacingError} from './errors.ts';

/**
 * The backup's manifest. No extension on purpose: `kubectl apply -f <dir>` reads every `.json`, `.yaml`
 * and `.yml` file in the directory and fails on a JSON document that is not a Kubernetes object, while it
 * skips files with any other name, so the documented restore command applies the YAML files only.
 */
export const MANIFEST_FILE = 'MANIFEST';
export const BACKUPS_DIR = 'backups';

/**
 * Refuses a workdir that cannot be one, before anything is started or changed: a path that is a file (or
 * under a file), or a directory this user cannot write. Nothing is created or chmodded here.
 */
export function checkWorkdir(dir: string): void {
  let at = path.resolve(dir);
  // The nearest part of the path that exists must be a directory we can write into.
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && path.dirname(at) !== at) {
        at = path.dirname(at);
        continue;
      }
      if (code === 'ENOTDIR') {
        at = path.dirname(at);
        continue;
      }
      throw new UserFacingError(`cannot use --workdir ${dir}: ${(error as Error).message}`);
    }
    if (!isDirectory) {
      const what = at === path.resolve(dir) ? `--workdir ${dir} is a file, not a directory` : `--workdir ${dir} cannot be created: ${at} is a file`;
      throw new UserFacingError(`${what}: pass a directory for the state file and backups (it is created if missing); the file was not changed`);
    }
    try {
      accessSync(at, constants.W_OK | constants.X_OK);
    } catch {
      const what = at === path.resolve(dir) ? `--workdir ${dir} is not writable` : `--workdir ${dir} cannot be created: ${at} is not writable`;
      throw new UserFacingError(`${what}: pass a directory you can write to with --workdir; nothing was changed`);
    }
    return;
  }
}

/**
 * What a failed write means for the user: a full disk (or quota) is said as such, with where and what
 * to do; anything else keeps its own message.
 */
export function describeWriteError(error: unknown, what: string, then: string): UserFacingError {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof UserFacingError) return error;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') {
    return new UserFacingError(`the disk is full (${e.code}): cannot write ${what}. Free some space on that disk, then ${then}`);
  }
  if (e?.code === 'EROFS' || e?.code === 'EACCES' || e?.code === 'EPERM') {
    return new UserFacingError(`cannot write ${what}: ${e.code === 'EROFS' ? 'the file system is read-only' : 'permission denied'}. Use a --workdir you can write to, then ${then}`);
  }
  return new UserFacingError(`cannot write ${what}: ${e?.message ?? String(error)}; then ${then}`);
}

/** Creates `dir` (and parents) owner-only, or tightens an existing one to 0700, saying so. */
export function ensureWorkdir(dir: string, warn: (line: string) => void = line => process.stderr.write(`${line}\n`)): void {
  checkWorkdir(dir);
  if (!existsSync(dir)) {
    mkdirSync(dir, {recursive: true, mode: 0o700});
    chmodSync(dir, 0o700); // the mode passed to mkdir is reduced by the umask, never widened
    return;
  }
  const stat = statSync(dir);
  const mode = stat.mode & 0o777;
  // Only a directory of this user is tightened: someone else's (shared, or root's) is not ours to change.
  if (mode !== 0o700 && (process.getuid === undefined || stat.uid === process.getuid())) {
    chmodSync(dir, 0o700);
    if (mode & 0o077) warn(`ambient-migrate: ${dir} was open to other users (mode ${mode.toString(8)}); changed it to 700`);
  }
}

/** A 0700 directory inside an existing private one; `exclusive` fails if it already exists. */
export function makePrivateDir(dir: string, options: {exclusive?: boolean} = {}): void {
  mkdirSync(dir, {recursive: !options.exclusive, mode: 0o700});
  chmodSync(dir, 0o700);
}

/** Writes `file` as a whole or not at all: temp file in the same directory, fsync, rename, 0600. */
export function writePrivateFile(file: string, content: string): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    const buffer = Buffer.from(content, 'utf8');
    for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
    fsyncSync(fd);
    closeSync(fd);
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created or already renamed
    }
    throw error;
  }
  // The rename itself is durable only once the directory entry is on disk.
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Writes `<workdir>/backups/<time>/` and returns its path; an existing backup is never overwritten. */
export function writeBackup(workdir: string, backup: Backup, warn?: (line: string) => void): string {
  ensureWorkdir(workdir, warn);
  const parent = path.join(workdir, BACKUPS_DIR);
  makePrivateDir(parent);
  const dir = createUniqueDir(parent, backup.directoryName);
  try {
    for (const file of backup.files) writePrivateFile(path.join(dir, file.name), file.content);
    // Last: a directory without a manifest is a backup that did not finish, and is never trusted.
    writePrivateFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(backup.manifest, null, 2)}\n`);
  } catch (error) {
    // Half a backup is never used; removing it gives back the space it took (a full disk is the usual cause).
    rmSync(dir, {recursive: true, force: true});
    throw describeWriteError(error, `the backup in ${dir}`, 'run backup again');
  }
  const problems = verifyWrittenBackup(dir, backup);
  if (problems.length > 0) {
    // Not to be trusted by apply: without its manifest the directory reads as a backup that did not finish.
    unlinkSync(path.join(dir, MANIFEST_FILE));
    throw new Error(`the backup written to ${dir} does not read back as written (${problems.join('; ')}); it is not used: check the disk and run backup again`);
  }
  return dir;
}

/**
 * Reads a backup back right after writing it: the sha256 of every file against the manifest, and every
 * file parsed as YAML with as many objects as the manifest counts, so a disk or a filesystem that lost
 * or mangled a write is found now rather than on the day of the restore.
 */
export function verifyWrittenBackup(dir: string, backup: Pick<Backup, 'files'>): string[] {
  const listing = inspectBackup(dir);
  const problems = [...listing.problems];
  if (!listing.manifest) return problems.length ? problems : ['the manifest does not read back'];
  for (const entry of listing.manifest.files) {
    const expected = backup.files.find(f => f.name === entry.name);
    if (!expected || expected.count !== entry.count) problems.push(`${entry.name}: the manifest counts ${entry.count} objects, the backup had ${expected?.count ?? 'no such file'}`);
    let documents: unknown[];
    try {
      documents = yaml.loadAll(readFileSync(path.join(dir, entry.name), 'utf8')).filter(d => d !== null && d !== undefined);
    } catch (error) {
      problems.push(`${entry.name} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const objects = documents.filter(d => typeof d === 'object' && typeof (d as {kind?: unknown}).kind === 'string' && typeof (d as {metadata?: {name?: unknown}}).metadata?.name === 'string');
    if (objects.length !== documents.length || objects.length !== entry.count) problems.push(`${entry.name} reads back ${objects.length} objects, the manifest counts ${entry.count}`);
  }
  return problems;
}

/** Two backups in the same second get `-2`, `-3`. */
function createUniqueDir(parent: string, name: string): string {
  for (let n = 1; ; n++) {
    const dir = path.join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      makePrivateDir(dir, {exclusive: true});
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

export interface BackupListing {
  path: string;
  manifest: BackupManifest | undefined;
  intact: boolean;
  problems: string[];
}

/** Every backup in the workdir, newest first, each checked against its manifest's sha256 sums. */
export function listBackups(workdir: string): BackupListing[] {
  const root = path.join(workdir, BACKUPS_DIR);
  if (!existsSync(root)) return [];
  const listings = readdirSync(root, {withFileTypes: true})
    .filter(entry => entry.isDirectory())
    .map(entry => inspectBackup(path.join(root, entry.name)));
  const key = (l: BackupListing) => `${l.manifest?.createdAt ?? ''} ${path.basename(l.path)}`;
  return listings.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

/** The newest intact backup of this cluster, or undefined: what `apply` needs before its first write. */
export function latestBackupFor(workdir: string, identity: ClusterIdentity): BackupListing | undefined {
  return listBackups(workdir).find(b => b.intact && b.manifest && sameCluster(b.manifest.cluster, identity));
}

export function inspectBackup(dir: string): BackupListing {
  const problems: string[] = [];
  let manifest: BackupManifest | undefined;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as BackupManifest;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing (the backup did not finish)' : `cannot be read: ${(error as Error).message}`;
    return {path: dir, manifest: undefined, intact: false, problems: [`${MANIFEST_FILE} ${reason}`]};
  }
  if (manifest?.schemaVersion !== BACKUP_SCHEMA_VERSION || manifest.tool !== 'ambient-migrate' || !Array.isArray(manifest.files)) {
    return {path: dir, manifest: undefined, intact: false, problems: [`${MANIFEST_FILE} is not an ambient-migrate backup manifest of schema version ${BACKUP_SCHEMA_VERSION}`]};
  }
  for (const file of manifest.files) {
    const target = path.join(dir, path.basename(file.name));
    if (!existsSync(target)) problems.push(`${file.name} is missing`);
    else if (sha256(readFileSync(target, 'utf8')) !== file.sha256) problems.push(`${file.name} has changed since the backup (sha256 differs)`);
  }
  // kubectl apply -f <dir> would apply these too.
  const listed = new Set(manifest.files.map(f => f.name));
  for (const name of readdirSync(dir)) {
    if (/\.(ya?ml|json)$/.test(name) && !listed.has(name)) problems.push(`${name} is not part of the backup`);
  }
  return {path: dir, manifest, intact: problems.length === 0, problems};
}
