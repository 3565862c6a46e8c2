#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MulanPSL-2.0
# The action plugin plugins/action/wait_for_new_boot.py does the work, on the controller; this file
# only documents it, where ansible-doc and ansible-test look for a module's documentation.
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: wait_for_new_boot
short_description: Wait for a host to come back from a reboot (or an OS switch), without Python on it
description:
  - Polls the host over the task's connection with C(cat) only, until a login succeeds and the
    kernel's boot id differs from I(previous_boot_id). Connection errors, refused logins and
    failing commands all count as "not back yet".
  - Returns the new system's C(/etc/os-release), parsed.
author:
  - x2nestos contributors
options:
  previous_boot_id:
    description:
      - Boot id (C(/proc/sys/kernel/random/boot_id)) of the system that is going away.
      - Empty accepts any boot.
    type: str
    default: ''
  timeout:
    description: Seconds to wait in total.
    type: int
    default: 1800
  sleep:
    description: Seconds between attempts.
    type: int
    default: 10
notes:
  - Set C(ansible_user) (and the key) for the new system in the task's C(vars).
  - Skipped in check mode.
"""

EXAMPLES = r"""
- name: Wait for NestOS to let its user in
  nestos.x2nestos.wait_for_new_boot:
    previous_boot_id: "{{ old_boot_id }}"
    timeout: 2400
  vars:
    ansible_user: nest
"""

RETURN = r"""
boot_id:
  description: The new boot id.
  returned: success
  type: str
os_release:
  description: The new system's /etc/os-release, key by key.
  returned: success
  type: dict
elapsed:
  description: Seconds waited.
  returned: always
  type: int
attempts:
  description: Connection attempts made.
  returned: always
  type: int
last_error:
  description: Why the attempt before the successful one failed.
  returned: always
  type: str
"""
