// `user` and `group` for workers. The arbiter resolves the identity before binding
// (an unknown user, or switching without root, stops startup with a clear error); each
// worker applies it before loading any app code: the supplementary groups (the user's with
// `initgroups`, else only the one group), then setgid, then setuid.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GunicornError } from '../errors.js';

export interface Identity {
  readonly uid: number;
  readonly gid: number;
  /** The user's name, for initgroups; null for a numeric uid without a passwd entry. */
  readonly userName: string | null;
  /** How the operator wrote it, for messages. */
  readonly describe: string;
}

type Database = 'passwd' | 'group';

/**
 * One entry of the user or group database, split on ':'. `getent` asks NSS (LDAP, sssd...);
 * where it is missing, the plain /etc files are read.
 */
function lookup(db: Database, key: string): string[] | null {
  try {
    const out = execFileSync('getent', [db, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const line = out.split('\n')[0];
    return line ? line.split(':') : null;
  } catch (err) {
    // getent exits 2 for "not found"; only its absence makes the files worth reading.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  const field = /^\d+$/.test(key) ? 2 : 0;
  for (const line of readFileSync(`/etc/${db}`, 'utf8').split('\n')) {
    const parts = line.split(':');
    if (parts[field] === key) return parts;
  }
  return null;
}

function fail(message: string): never {
  throw new GunicornError('GTS_ERR_STARTUP', message, 1);
}

function resolveGroup(group: string | number): number {
  const entry = lookup('group', String(group));
  if (entry) return Number(entry[2]);
  if (typeof group === 'number' || /^\d+$/.test(group)) return Number(group);
  return fail(`group: unknown group ${JSON.stringify(group)}`);
}

/** The identity workers should run as, or null when neither `user` nor `group` is set. */
export function resolveIdentity(user: string | number | null, group: string | number | null): Identity | null {
  if (user === null && group === null) return null;
  let uid = process.getuid?.() ?? 0;
  let gid = process.getgid?.() ?? 0;
  let userName: string | null = null;
  if (user !== null) {
    const entry = lookup('passwd', String(user));
    if (entry) {
      userName = entry[0] ?? null;
      uid = Number(entry[2]);
      gid = Number(entry[3]);
    } else if (typeof user === 'number' || /^\d+$/.test(user)) {
      uid = Number(user);
    } else {
      fail(`user: unknown user ${JSON.stringify(user)}`);
    }
  }
  if (group !== null) gid = resolveGroup(group);
  const describe = [user !== null ? `user ${JSON.stringify(user)} (uid ${uid})` : null, `group ${group !== null ? `${JSON.stringify(group)} ` : ''}(gid ${gid})`]
    .filter(Boolean).join(', ');
  return { uid, gid, userName, describe };
}

function isCurrent(identity: Identity): boolean {
  return identity.uid === process.getuid?.() && identity.gid === process.getgid?.();
}

/** In the arbiter, before binding: workers could not switch to `identity`. */
export function assertCanSwitch(identity: Identity | null): void {
  if (identity === null || isCurrent(identity) || process.getuid?.() === 0) return;
  fail(`cannot run workers as ${identity.describe}: switching user or group needs the arbiter to run as root (it runs as uid ${process.getuid?.()})`);
}

/**
 * In the worker, before the app is loaded. Supplementary groups first (they need root), then
 * the group (setgid after setuid fails with EPERM), then the user.
 */
export function applyIdentity(identity: Identity | null, withUserGroups = false): void {
  if (identity === null || isCurrent(identity)) return;
  // initgroups: every group of the user; otherwise only the one group, never the arbiter's (root's).
  if (withUserGroups && identity.userName !== null && identity.uid !== process.getuid?.()) process.initgroups!(identity.userName, identity.gid);
  else process.setgroups!([identity.gid]);
  process.setgid!(identity.gid);
  process.setuid!(identity.uid);
}

/** The worker's step: resolve what `user` and `group` ask for and switch to it (the umask stays the caller's). */
export function applyWorkerIdentity(settings: { readonly user: string | number | null; readonly group: string | number | null; readonly initgroups: boolean }): void {
  applyIdentity(resolveIdentity(settings.user, settings.group), settings.initgroups);
}
