#!/bin/sh
# Runs a command so that arm64 programs it starts, and the programs those start (the release
# file's launcher execs the arm64 loader), run under qemu-aarch64-static.
#
# Linux >= 6.7 gives each user namespace its own binfmt_misc: the command runs in a new user and
# mount namespace with qemu-aarch64 registered there only, with the F flag (the kernel opens the
# interpreter at registration, so it works inside a chroot that does not hold it). Nothing on the
# host changes. On older kernels the host's own registration (binfmt-support) is used when present.
#
#   with-arm64-binfmt.sh <command> [args...]      exit 3 with a reason when neither is possible
set -eu

qemu=$(command -v qemu-aarch64-static || true)
[ -n "$qemu" ] || { echo "qemu-aarch64-static is not installed (apt-get install qemu-user-static)" >&2; exit 3; }

if [ "${X2NESTOS_BINFMT_READY:-}" = 1 ]; then
  exec "$@"
fi

# The ELF header of an aarch64 executable, as Debian's qemu-user-static registers it.
magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
if unshare --user --map-root-user --mount sh -c \
  "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null &&
   printf '%s' ':qemu-aarch64:M::$magic:$mask:$qemu:FOC' >/proc/sys/fs/binfmt_misc/register" 2>/dev/null; then
  exec unshare --user --map-root-user --mount sh -c \
    "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc &&
     printf '%s' ':qemu-aarch64:M::$magic:$mask:$qemu:FOC' >/proc/sys/fs/binfmt_misc/register &&
     X2NESTOS_BINFMT_READY=1 exec \"\$@\"" with-arm64-binfmt "$@"
fi
if grep -qs '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 && grep -qs '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
  X2NESTOS_BINFMT_READY=1 exec "$@"
fi
echo "cannot run arm64 programs here: this kernel has no per-namespace binfmt_misc (Linux >= 6.7) and the host has no qemu-aarch64 binfmt with the F flag (apt-get install binfmt-support qemu-user-static; update-binfmts --enable qemu-aarch64)" >&2
exit 3
