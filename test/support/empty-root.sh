#!/bin/sh
# Runs a program inside an empty root: <root> holds only what the test put there (the release file,
# a captured host, the cache directory) plus /proc, /dev and /tmp; no /lib, no /usr, no shell.
# Unprivileged: a new user namespace (mapped to root) with its own mount and pid namespaces, so
# nothing is mounted on the machine itself. For arm64, qemu-aarch64 is registered in the
# namespace's own binfmt_misc (Linux >= 6.7) with the F flag, so the kernel reaches the emulator
# from inside the root.
#
#   empty-root.sh <root> <x64|arm64> </path/in/root> [args...]
set -eu
root=$1 arch=$2
shift 2
qemu=
if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
  qemu=$(command -v qemu-aarch64-static) || { echo "empty-root: qemu-aarch64-static is not installed (apt-get install qemu-user-static)" >&2; exit 97; }
fi
exec unshare --user --map-root-user --mount --pid --fork --propagation private sh -c '
  root=$1 qemu=$2
  shift 2
  if [ -n "$qemu" ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
      { echo "empty-root: this kernel gives a user namespace no binfmt_misc of its own (needs Linux >= 6.7)" >&2; exit 97; }
    printf "%s" ":qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:$qemu:FOC" \
      >/proc/sys/fs/binfmt_misc/register
  fi
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  exec chroot "$root" "$@"
' empty-root "$root" "$qemu" "$@"
