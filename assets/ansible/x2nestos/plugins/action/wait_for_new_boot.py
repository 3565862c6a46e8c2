# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MulanPSL-2.0
"""Wait until a host answers over the task's connection from a boot other than a given one.

Why not ansible.builtin.wait_for_connection: it proves the connection with the ping module, which
needs Python on the target, and NestOS For Container, like Fedora CoreOS, need not ship Python.
And why not a retried raw task: an unreachable host or a refused login ends a task at once,
before `until` is looked at, and while the live installer runs, its sshd (when it has one) refuses
every key. So this action polls with plain shell commands and treats every connection or login
failure as "not yet", until the timeout.
"""
from __future__ import annotations

import time

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.action import ActionBase

# Its documentation (options, return values) is plugins/modules/wait_for_new_boot.py, where
# ansible-doc and ansible-test look for an action's documentation.

# One line of boot id, then os-release. `cat` exists on every system this can land on.
COMMAND = "cat /proc/sys/kernel/random/boot_id /etc/os-release"


def parse_os_release(text):
    """KEY=value lines, values unquoted the way os-release(5) allows."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("previous_boot_id", "timeout", "sleep"))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        if self._play_context.check_mode:
            result["skipped"] = True
            result["msg"] = "check mode: nothing is switched, so nothing to wait for"
            return result

        previous = str(self._task.args.get("previous_boot_id") or "").strip()
        timeout = int(self._task.args.get("timeout", 1800))
        sleep = max(1, int(self._task.args.get("sleep", 10)))
        started = time.monotonic()
        attempts = 0
        last_error = "no attempt made"

        while True:
            attempts += 1
            try:
                # A connection multiplexed to the old system would answer for a dead host.
                self._connection.reset()
                answer = self._low_level_execute_command(COMMAND, sudoable=False)
                if answer.get("rc") == 0:
                    lines = answer.get("stdout", "").replace("\r\n", "\n").split("\n", 1)
                    boot_id = lines[0].strip()
                    if boot_id and boot_id != previous:
                        result.update(
                            changed=False,
                            boot_id=boot_id,
                            os_release=parse_os_release(lines[1] if len(lines) > 1 else ""),
                            elapsed=int(time.monotonic() - started),
                            attempts=attempts,
                            last_error=last_error,
                        )
                        return result
                    last_error = "the host still runs the boot it had before the switch"
                else:
                    last_error = "`%s` exited %s: %s" % (COMMAND, answer.get("rc"), (answer.get("stderr") or "").strip()[-300:])
            except AnsibleConnectionFailure as e:
                last_error = str(e).strip()[-300:]

            if time.monotonic() - started + sleep > timeout:
                result.update(
                    failed=True,
                    elapsed=int(time.monotonic() - started),
                    attempts=attempts,
                    msg="no new boot answered within %d s (%d attempts); last: %s" % (timeout, attempts, last_error),
                )
                return result
            time.sleep(sleep)
