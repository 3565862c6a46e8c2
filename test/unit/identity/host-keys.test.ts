import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostKeys } from '../../../src/identity/host-keys.js';
import { fakeHost, type FakeNode } from './fake-host.js';
import { GROUP, PASSWD } from './scenarios.js';

interface Pair {
  secret: string;
  pub: string;
  fingerprint: string;
}

/** Host keys made by the real ssh-keygen, in both private key formats sshd reads. */
const made: Record<string, Pair> = {};
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'x2n-hostkeys-'));
  const kinds: [string, string[]][] = [
    ['ed25519', ['-t', 'ed25519']],
    ['ed25519b', ['-t', 'ed25519']],
    ['rsa', ['-t', 'rsa', '-b', '2048', '-m', 'PEM']],
    ['ecdsa', ['-t', 'ecdsa']],
    ['dsa', ['-t', 'dsa']],
  ];
  for (const [name, args] of kinds) {
    const file = path.join(dir, name);
    const r = spawnSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', `root@${name}`, '-f', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ssh-keygen failed (apt-get install -y openssh-client): ${r.stderr}`);
    const fp = spawnSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1]!;
    made[name] = { secret: readFileSync(file, 'utf8'), pub: readFileSync(`${file}.pub`, 'utf8'), fingerprint: fp };
  }
});

const secretFile = (content: string): FakeNode => ({ content, mode: 0o600 });
const host = (sshd: string, files: Record<string, FakeNode>) => fakeHost({ passwd: PASSWD, group: GROUP, sshd, files });
const standard = (): Record<string, FakeNode> => ({
  '/etc/ssh/ssh_host_rsa_key': secretFile(made.rsa!.secret),
  '/etc/ssh/ssh_host_rsa_key.pub': { content: made.rsa!.pub },
  '/etc/ssh/ssh_host_ecdsa_key': secretFile(made.ecdsa!.secret),
  '/etc/ssh/ssh_host_ecdsa_key.pub': { content: made.ecdsa!.pub },
  '/etc/ssh/ssh_host_ed25519_key': secretFile(made.ed25519!.secret),
  '/etc/ssh/ssh_host_ed25519_key.pub': { content: made.ed25519!.pub },
});

describe('hostKeys', () => {
  it('carries the keys sshd serves, private 0600 and public 0644, byte for byte', async () => {
    const { files, notes } = await hostKeys(host('debian', standard()));
    expect(files).toEqual([
      { path: '/etc/ssh/ssh_host_rsa_key', mode: 0o600, contents: made.rsa!.secret },
      { path: '/etc/ssh/ssh_host_rsa_key.pub', mode: 0o644, contents: made.rsa!.pub },
      { path: '/etc/ssh/ssh_host_ecdsa_key', mode: 0o600, contents: made.ecdsa!.secret },
      { path: '/etc/ssh/ssh_host_ecdsa_key.pub', mode: 0o644, contents: made.ecdsa!.pub },
      { path: '/etc/ssh/ssh_host_ed25519_key', mode: 0o600, contents: made.ed25519!.secret },
      { path: '/etc/ssh/ssh_host_ed25519_key.pub', mode: 0o644, contents: made.ed25519!.pub },
    ]);
    // Fingerprints as ssh-keygen -l prints them, so the plan can be checked against known_hosts.
    expect(notes).toEqual([
      `host key rsa ${made.rsa!.fingerprint} from /etc/ssh/ssh_host_rsa_key`,
      `host key ecdsa ${made.ecdsa!.fingerprint} from /etc/ssh/ssh_host_ecdsa_key`,
      `host key ed25519 ${made.ed25519!.fingerprint} from /etc/ssh/ssh_host_ed25519_key`,
    ]);
  });

  it('renames keys from custom places to the names NestOS sshd loads, and leaves DSA behind', async () => {
    const { files, notes } = await hostKeys(
      host('hostkeys', {
        ...standard(),
        '/etc/ssh/keys/host_ed25519': secretFile(made.ed25519b!.secret),
        '/etc/ssh/keys/host_ed25519.pub': { content: made.ed25519b!.pub },
        '/etc/ssh/ssh_host_dsa_key': secretFile(made.dsa!.secret),
        '/etc/ssh/ssh_host_dsa_key.pub': { content: made.dsa!.pub },
      }),
    );
    expect(files.map((f) => [f.path, f.contents])).toEqual([
      ['/etc/ssh/ssh_host_ed25519_key', made.ed25519b!.secret],
      ['/etc/ssh/ssh_host_ed25519_key.pub', made.ed25519b!.pub],
      ['/etc/ssh/ssh_host_rsa_key', made.rsa!.secret],
      ['/etc/ssh/ssh_host_rsa_key.pub', made.rsa!.pub],
    ]);
    expect(notes).toEqual([
      `host key ed25519 ${made.ed25519b!.fingerprint} from /etc/ssh/keys/host_ed25519 (as /etc/ssh/ssh_host_ed25519_key)`,
      `host key rsa ${made.rsa!.fingerprint} from /etc/ssh/ssh_host_rsa_key`,
      "host key /etc/ssh/ssh_host_dsa_key not carried: NestOS's sshd does not use ssh-dss host keys",
    ]);
  });

  it('looks in /etc/ssh when sshd cannot say, and tells key types without a .pub', async () => {
    const files = standard();
    delete files['/etc/ssh/ssh_host_rsa_key.pub'];
    delete files['/etc/ssh/ssh_host_ed25519_key.pub'];
    // A .pub that belongs to another key must not be written beside this one.
    files['/etc/ssh/ssh_host_ecdsa_key.pub'] = { content: made.ed25519b!.pub };
    const result = await hostKeys(host('missing', files));
    expect(result.files.map((f) => f.path)).toEqual([
      '/etc/ssh/ssh_host_ecdsa_key',
      '/etc/ssh/ssh_host_ed25519_key',
      '/etc/ssh/ssh_host_rsa_key',
    ]);
    expect(result.notes).toEqual([
      '/usr/sbin/sshd is not installed: taking the host keys from /etc/ssh/ssh_host_*_key',
      'host key /etc/ssh/ssh_host_ecdsa_key: its .pub belongs to another key and is left behind',
      'host key ecdsa from /etc/ssh/ssh_host_ecdsa_key: no ssh_host_ecdsa_key.pub beside it; sshd reads the public half from the private key',
      'host key ed25519 from /etc/ssh/ssh_host_ed25519_key: no ssh_host_ed25519_key.pub beside it; sshd reads the public half from the private key',
      'host key rsa from /etc/ssh/ssh_host_rsa_key: no ssh_host_rsa_key.pub beside it; sshd reads the public half from the private key',
    ]);
  });

  it('never puts private key material in its notes', async () => {
    const { notes } = await hostKeys(host('debian', standard()));
    for (const pair of Object.values(made)) {
      const body = pair.secret.split('\n').filter((l) => !l.startsWith('-----') && l.length > 20);
      for (const line of body) expect(notes.join('\n')).not.toContain(line);
    }
  });
});
