/** Hosts for the identity tests: accounts, sudoers and key files shared by several cases. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, type FakeHostSpec, type FakeNode } from './fake-host.js';

export const authorizedKeys = (name: string): string => readFileSync(path.join(FIXTURES, 'authorized_keys', name), 'utf8');

export const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
keylookup:x:900:900::/nonexistent:/usr/sbin/nologin
alice:x:1001:1001:Alice:/home/alice:/bin/bash
bob:x:1002:1002::/srv/bob:/bin/sh
carol:x:1003:10::/home/carol:/bin/bash
dave:x:1004:1004::/home/dave:/sbin/nologin
erin:x:1005:1005::/home/erin:/bin/bash
frank:x:1006:1006::/home/frank:/bin/zsh
`;

export const GROUP = `root:x:0:
wheel:x:10:alice,dave
nobody:x:65534:
keylookup:x:900:
alice:x:1001:
bob:x:1002:
dave:x:1004:
erin:x:1005:
frank:x:1006:
admins:x:1500:alice
ops:x:2000:frank
`;

/** svc exists only in the directory service (SSSD/LDAP): enumeration does not list it. */
export const DIRECTORY_PASSWD = 'svc:*:50001:50001:service account:/var/lib/svc:/bin/bash\n';

export const SUDOERS = `#
# This file MUST be edited with the 'visudo' command as root.
Defaults	env_reset
Defaults:bob !requiretty
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

root	ALL=(ALL:ALL) ALL
%wheel	ALL=(ALL)	ALL
bob ALL = (ALL:ALL) NOPASSWD: ALL   # the backup operator
erin ALL=(root) /usr/bin/systemctl restart nginx
frank otherhost = (ALL) ALL
User_Alias ADMINS = zed, yves
ADMINS ALL=(ALL) ALL
@includedir /etc/sudoers.d
`;

const home = (uid: number, mode = 0o700): FakeNode => ({ kind: 'dir', uid, mode });
const keys = (uid: number, content: string, mode = 0o600): FakeNode => ({ uid, mode, content });

/** A Rocky-like host on Debian's default sshd config: keys in files only. */
export function fileHost(overrides: Partial<FakeHostSpec> = {}): FakeHostSpec {
  return {
    passwd: PASSWD,
    group: GROUP,
    directoryPasswd: DIRECTORY_PASSWD,
    sshd: 'debian',
    files: {
      '/etc/sudoers': { content: SUDOERS, mode: 0o440 },
      '/etc/sudoers.d/90-svc': { content: 'svc ALL=(ALL) NOPASSWD:ALL\n', mode: 0o440 },
      '/etc/sudoers.d/50-ops': { content: '%ops\tweb-01 = (root) NOPASSWD: /usr/bin/apt, ALL\n', mode: 0o440 },
      // sudo skips both of these: a dot in the name, a trailing ~.
      '/etc/sudoers.d/README.bak': { content: 'ghost ALL=(ALL) ALL\n' },
      '/etc/sudoers.d/old~': { content: 'ghost ALL=(ALL) ALL\n' },
      '/root': home(0),
      '/root/.ssh': home(0),
      '/root/.ssh/authorized_keys': keys(0, authorizedKeys('root')),
      '/root/secret_keys': keys(0, authorizedKeys('secret')),
      '/home': { kind: 'dir' },
      '/home/alice': home(1001),
      '/home/alice/.ssh': home(1001),
      '/home/alice/.ssh/authorized_keys': keys(1001, authorizedKeys('alice')),
      // A link to a file only root may read: sshd, reading as alice, would not see it.
      '/home/alice/.ssh/authorized_keys2': { target: '/root/secret_keys' },
      '/srv/bob': home(1002, 0o755),
      '/srv/bob/.ssh': home(1002),
      // World-writable: StrictModes makes sshd ignore it.
      '/srv/bob/.ssh/authorized_keys': keys(1002, authorizedKeys('bob'), 0o666),
      '/home/carol': home(1003),
      '/home/carol/.ssh': home(1003),
      '/home/carol/.ssh/authorized_keys': keys(1003, authorizedKeys('carol')),
      '/home/dave': home(1004),
      '/home/dave/.ssh': home(1004),
      '/home/dave/.ssh/authorized_keys': keys(1004, authorizedKeys('secret')),
      '/home/erin': home(1005),
      '/home/erin/.ssh': home(1005),
      '/home/erin/.ssh/authorized_keys': keys(1005, authorizedKeys('secret')),
      '/home/frank': home(1006),
      '/var/lib/svc': home(50001),
    },
    ...overrides,
  };
}
