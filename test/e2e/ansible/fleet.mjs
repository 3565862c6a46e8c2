// Running the Ansible collection (assets/ansible/x2nestos) from the e2e suite: install it the way
// an operator would (ansible-galaxy), write an inventory of QEMU guests reached through their
// loopback SSH forwards, run ansible-playbook and read what it reported (PLAY RECAP and the role's
// per-host JSON files).
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_DIR } from '../prepare.mjs';
import { run, runOk } from '../qemu.mjs';

export const COLLECTION_DIR = path.join(REPO_DIR, 'assets/ansible/x2nestos');
export const EXAMPLES_DIR = path.join(COLLECTION_DIR, 'examples');
const ANSIBLE_CFG = path.join(REPO_DIR, 'test/e2e/ansible/ansible.cfg');

/** Fails with the install command when Debian's ansible is missing. */
export async function requireAnsible() {
  const found = await run('sh', ['-c', 'command -v ansible-playbook && ansible-playbook --version | head -n1']);
  if (found.code !== 0) throw new Error('ansible-playbook is missing: apt-get install -y ansible');
  return found.stdout.trim().split('\n').pop();
}

/** `ansible-galaxy collection install` from the source tree into DIR; returns the collections path. */
export async function installCollection(dir) {
  await mkdir(dir, { recursive: true });
  await runOk('ansible-galaxy', ['collection', 'install', '--force', '-p', dir, COLLECTION_DIR], { timeoutMs: 60_000 });
  return dir;
}

/**
 * An inventory for GUESTS: { name: { guest, image, vars } }. JSON is YAML, so ansible's yaml
 * inventory plugin reads it as is.
 */
export function inventory(guests, vars) {
  const hosts = {};
  for (const [name, { guest, vars: hostVars = {} }] of Object.entries(guests)) {
    hosts[name] = {
      ansible_host: '127.0.0.1',
      ansible_port: guest.sshPort,
      ansible_user: 'root',
      ansible_ssh_private_key_file: guest.options.image.key,
      ...hostVars,
    };
  }
  return JSON.stringify({ all: { vars, hosts } }, null, 2) + '\n';
}

/**
 * Runs ansible-playbook; the transcript goes to RUNDIR/ansible-<label>.txt.
 * @returns {Promise<{ code: number, stdout: string, stderr: string, seconds: number, recap: Record<string, Record<string, number>> }>}
 */
export async function playbook(
  ctx,
  label,
  { playbook: file, inventory: inventoryFile, collections, check = false, limit, extraVars = {}, timeoutMs = 10 * 60_000 },
) {
  // ssh's control sockets need a short path (108 bytes at most), so not under the run directory.
  const controlDir = await mkdtemp(path.join(tmpdir(), 'x2n-cp-'));
  const env = [
    `ANSIBLE_CONFIG=${ANSIBLE_CFG}`,
    `ANSIBLE_COLLECTIONS_PATH=${collections}`,
    `ANSIBLE_LOCAL_TEMP=${path.join(ctx.runDir, 'ansible-tmp')}`,
    `ANSIBLE_SSH_CONTROL_PATH_DIR=${controlDir}`,
    'ANSIBLE_FORCE_COLOR=0',
    'ANSIBLE_NOCOLOR=1',
  ];
  const args = ['-i', inventoryFile, file];
  if (check) args.push('--check');
  if (limit) args.push('--limit', limit);
  for (const [key, value] of Object.entries(extraVars)) args.push('-e', `${key}=${value}`);
  const started = Date.now();
  const result = await run('env', [...env, 'ansible-playbook', ...args], { timeoutMs, cwd: ctx.runDir }).finally(() =>
    rm(controlDir, { recursive: true, force: true }),
  );
  const seconds = (Date.now() - started) / 1000;
  await writeFile(
    path.join(ctx.runDir, `ansible-${label}.txt`),
    `$ ansible-playbook ${args.join(' ')}\n# exit ${result.code}${result.timedOut ? ' (timed out)' : ''} after ${seconds.toFixed(1)} s\n` +
      `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}\n`,
  );
  ctx.log(`ansible ${label}: exit ${result.code} in ${seconds.toFixed(1)} s`);
  if (result.timedOut)
    throw new Error(`ansible-playbook (${label}) timed out after ${timeoutMs / 1000} s; transcript in ansible-${label}.txt`);
  return { ...result, seconds, recap: parseRecap(result.stdout) };
}

/** PLAY RECAP lines → { host: { ok, changed, unreachable, failed, skipped, rescued, ignored } }. */
export function parseRecap(stdout) {
  const recap = {};
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return recap;
  for (const line of stdout.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const counts = {};
    for (const [, key, value] of m[2].matchAll(/(\w+)=(\d+)/g)) counts[key] = Number(value);
    if ('ok' in counts) recap[m[1]] = counts;
  }
  return recap;
}

/** The role's x2nestos_report_dir: { host: result document }. */
export async function readReports(dir) {
  const reports = {};
  for (const file of await readdir(dir).catch(() => [])) {
    if (file.endsWith('.json')) reports[file.slice(0, -5)] = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
  }
  return reports;
}

/** The one line ansible printed for HOST's failure (`fatal: [host]: FAILED! => {... "msg": ...}`). */
export function failureMessage(stdout, host) {
  const messages = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`fatal: [${host}]`)) continue;
    const json = line.slice(line.indexOf('{'));
    try {
      messages.push(JSON.parse(json).msg);
    } catch {
      messages.push(line);
    }
  }
  return messages.join('\n');
}
