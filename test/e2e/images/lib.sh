# Shared by build-image.sh and build-arm64-image.sh (sourced, never run): the debootstrap both host
# families start from and the guest set-up every e2e host image has. Part of both scripts' cache keys
# (prepare.mjs), so editing it rebuilds the images it shapes.

# Unmounts everything at or below DIR, deepest first. debootstrap mounts /proc (and sometimes /sys)
# in its target and its own clean-up can fail ("target is busy"): a build must never leave a mount
# behind, nor copy one into an image.
unmount_under() {
  local dir
  dir=$(realpath "$1" 2>/dev/null) || return 0
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}

# chroot_run ROOT COMMAND...: COMMAND inside ROOT with a clean environment (nothing of the build
# machine's leaks into the image's maintainer scripts).
chroot_run() {
  local root="$1"
  shift
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# lean_debootstrap ARCH INCLUDE ROOT MIRROR LOG [DEB_CACHE]
# Debian bookworm minbase plus INCLUDE into ROOT, in two stages so the initramfs is configured before
# the kernel package's postinst builds one: MODULES=list with the few drivers a QEMU guest boots from
# (virtio disk and NIC, ext4), instead of Debian's MODULES=most, which copies most of the kernel's
# modules and runs depmod over them (under qemu-user on arm64 that alone took most of an hour; on x86
# it was built and then thrown away). Neither file belongs to a package, so dpkg leaves them alone.
# DEB_CACHE, when given, keeps the downloaded .debs for the next build.
lean_debootstrap() {
  local arch="$1" include="$2" root="$3" mirror="$4" logfile="$5" deb_cache="${6:-}" cache_args=()
  if [ -n "$deb_cache" ]; then mkdir -p "$deb_cache"; cache_args=(--cache-dir="$(realpath "$deb_cache")"); fi
  debootstrap --arch="$arch" --variant=minbase --foreign "${cache_args[@]}" --include="$include" bookworm "$root" "$mirror" \
    >"$logfile" 2>&1 || { tail -30 "$logfile" >&2; return 1; }
  mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/usr/share/initramfs-tools/modules.d"
  printf 'MODULES=list\n' >"$root/etc/initramfs-tools/conf.d/e2e-modules"
  printf '%s\n' virtio_pci virtio_blk virtio_net ext4 crc32c_generic >"$root/usr/share/initramfs-tools/modules.d/e2e"
  chroot "$root" /debootstrap/debootstrap --second-stage >>"$logfile" 2>&1 || { tail -30 "$logfile" >&2; return 1; }
  unmount_under "$root"
}

# guest_basics ROOT NAME CONSOLE KEY
# What every e2e host has: its name, a root filesystem found by label, root reachable over SSH with
# a test key only (KEY, KEY.pub are made here; no password, no `nest` user on the old host), no getty
# on CONSOLE (it would hang up whatever writes to the console we log), journald in RAM so the root
# filesystem sees few writes while a scenario runs, and no timers that would wake up mid-scenario.
guest_basics() {
  local root="$1" name="$2" console="$3" key="$4" unit
  echo "$name" >"$root/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$name" >"$root/etc/hosts"
  printf 'LABEL=hostroot / ext4 errors=remount-ro 0 1\n' >"$root/etc/fstab"
  : >"$root/etc/machine-id"
  ssh-keygen -q -t ed25519 -N '' -C "x2nestos-e2e-$name" -f "$key"
  install -d -m 0700 "$root/root/.ssh"
  install -m 0600 "$key.pub" "$root/root/.ssh/authorized_keys"
  chroot_run "$root" passwd -l root >/dev/null
  printf 'PermitRootLogin prohibit-password\nUseDNS no\n' >"$root/etc/ssh/sshd_config.d/e2e.conf"
  ln -sf /dev/null "$root/etc/systemd/system/serial-getty@$console.service"
  mkdir -p "$root/etc/systemd/journald.conf.d"
  printf '[Journal]\nStorage=volatile\nForwardToConsole=no\n' >"$root/etc/systemd/journald.conf.d/e2e.conf"
  for unit in e2scrub_all.timer e2scrub_reap.service fstrim.timer apt-daily.timer apt-daily-upgrade.timer \
              systemd-timesyncd.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
}

# finish_build TMP OUT META_JSON: the build in TMP is complete; it becomes OUT in one rename, so an
# interrupted build never leaves an OUT that looks done.
finish_build() {
  printf '%s\n' "$3" >"$1/meta.json"
  rm -rf "$2"
  mv "$1" "$2"
}
