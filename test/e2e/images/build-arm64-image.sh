#!/usr/bin/env bash
# Builds the aarch64 host image `debian12-arm64` for the end-to-end suite (issue 14.3), from Debian's
# arm64 packages only, without touching build-image.sh or its cache keys:
#
#   build-arm64-image.sh --out DIR [--deb-cache DIR] [--mirror URL]
#
# A Debian 12 arm64 server as it boots through UEFI (AAVMF on qemu-system-aarch64 -M virt):
#   disk.qcow2   10 GiB GPT: partition 1 = ESP (160 MiB FAT, label ESP), partition 2 = ext4 `hostroot`
#   ESP          EFI/debian/grubaa64.efi and the same on the removable-media path EFI/BOOT/BOOTAA64.EFI:
#                GRUB built standalone (grub-efi-arm64-bin's modules) with its config inside, which
#                boots the image's own kernel and initramfs from hostroot. The command line names no
#                console, as on an arm64 server whose console the firmware describes (ACPI SPCR):
#                the kernel finds ttyAMA0 by itself, and x2nestos must name it for the live kernel.
# Lean on purpose (CI rebuilds it from scratch every run, and debootstrap runs the arm64 maintainer
# scripts under qemu-user-static: about 7 min on this 2-core machine, most of it the second stage):
# minbase plus systemd, udev, openssh-server, iproute2, curl, efibootmgr, initramfs-tools and
# linux-image-arm64. Networking is systemd-networkd with DHCP; no
# kexec-tools (the release file carries its own kexec).
#
# Needs root, debootstrap, qemu-user-static with the qemu-aarch64 binfmt handler (enabled here when
# missing), sgdisk, mkfs.ext4, mkfs.vfat, mtools, grub-mkstandalone (grub-common) and qemu-img.
# Writes nothing outside DIR, DIR.tmp and the .deb cache.
set -euo pipefail

out='' deb_cache='' mirror="${X2NESTOS_E2E_MIRROR:-http://deb.debian.org/debian}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --deb-cache) deb_cache="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    *) echo "build-arm64-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "usage: build-arm64-image.sh --out DIR [--deb-cache DIR]" >&2; exit 2; }

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
started=$(date +%s)
log() { printf '[build-arm64-image] %s\n' "$*" >&2; }

unmount_under() {
  local dir
  dir=$(realpath "$1" 2>/dev/null) || return 0
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
trap 'unmount_under "$tmp"' EXIT

# debootstrap's second stage runs arm64 programs in the chroot: the kernel hands them to
# qemu-aarch64-static through binfmt_misc (the F flag of Debian's qemu-user-static registration
# opens the interpreter once, so the chroot needs no copy of it).
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64
fi
grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 ||
  { echo "build-arm64-image.sh: the qemu-aarch64 binfmt handler is not enabled (apt-get install qemu-user-static binfmt-support)" >&2; exit 1; }

include=systemd,systemd-sysv,udev,openssh-server,iproute2,curl,efibootmgr,initramfs-tools,linux-image-arm64,kmod,grub-efi-arm64-bin

root="$tmp/root"
cache_args=()
if [ -n "$deb_cache" ]; then mkdir -p "$deb_cache"; cache_args=(--cache-dir="$(realpath "$deb_cache")"); fi
# Two stages so the initramfs is configured before the kernel package's postinst builds one: with
# Debian's default MODULES=most, mkinitramfs copies most of the kernel's modules and runs depmod over
# them under qemu-user, which alone took most of an hour here. MODULES=list with the few drivers a
# virt machine boots from keeps it to a minute or two. Neither file belongs to a package, so dpkg
# leaves them alone.
log "debootstrap bookworm arm64 from $mirror (first stage)"
debootstrap --arch=arm64 --variant=minbase --foreign "${cache_args[@]}" --include="$include" bookworm "$root" "$mirror" \
  >"$tmp/debootstrap.log" 2>&1 || { tail -30 "$tmp/debootstrap.log" >&2; exit 1; }
mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/usr/share/initramfs-tools/modules.d"
printf 'MODULES=list\n' >"$root/etc/initramfs-tools/conf.d/e2e-modules"
printf '%s\n' virtio_pci virtio_blk virtio_net ext4 crc32c_generic >"$root/usr/share/initramfs-tools/modules.d/e2e"
log "first stage done after $(( $(date +%s) - started )) s; second stage under qemu-aarch64"
chroot "$root" /debootstrap/debootstrap --second-stage >>"$tmp/debootstrap.log" 2>&1 ||
  { tail -30 "$tmp/debootstrap.log" >&2; exit 1; }
unmount_under "$root"
log "debootstrap done after $(( $(date +%s) - started )) s"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

echo debian12-arm64 >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 debian12-arm64\n' >"$root/etc/hosts"
printf 'LABEL=hostroot / ext4 errors=remount-ro 0 1\n' >"$root/etc/fstab"
: >"$root/etc/machine-id"

ssh-keygen -q -t ed25519 -N '' -C x2nestos-e2e-debian12-arm64 -f "$tmp/id_ed25519"
install -d -m 0700 "$root/root/.ssh"
install -m 0600 "$tmp/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
in_root passwd -l root >/dev/null
printf 'PermitRootLogin prohibit-password\nUseDNS no\n' >"$root/etc/ssh/sshd_config.d/e2e.conf"

# Same reasons as build-image.sh: no getty on the logged console, journald in RAM, no timers.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyAMA0.service"
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nForwardToConsole=no\n' >"$root/etc/systemd/journald.conf.d/e2e.conf"
for unit in e2scrub_all.timer e2scrub_reap.service fstrim.timer apt-daily.timer apt-daily-upgrade.timer \
            systemd-timesyncd.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# DHCP on the one NIC with systemd-networkd (part of the systemd package: no extra packages).
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en*\n\n[Network]\nDHCP=ipv4\n' >"$root/etc/systemd/network/50-e2e.network"
ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
rm -f "$root/etc/resolv.conf"
printf 'nameserver 10.0.2.3\n' >"$root/etc/resolv.conf"

# The apt source is the test server's (amd64-only) repository, with empty lists, as on debian12.
rm -f "$root/etc/apt/sources.list.d/"*
echo 'deb [trusted=yes] http://10.0.2.100/debian bookworm main' >"$root/etc/apt/sources.list"

kver=$(ls "$root/lib/modules" | head -n1)
log "initramfs $(du -h "$root/boot/initrd.img-$kver" | cut -f1) (built by the kernel's postinst)"
cp "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$tmp/initrd.img"
echo "root=LABEL=hostroot rw panic=-1" >"$tmp/cmdline"

log "GRUB for the ESP"
cat >"$tmp/grub.cfg" <<EOF
search --no-floppy --label hostroot --set=root
echo 'e2e old system: GRUB from the ESP boots Debian arm64'
linux /boot/vmlinuz-$kver $(cat "$tmp/cmdline")
initrd /boot/initrd.img-$kver
boot
EOF
grub-mkstandalone -O arm64-efi -d "$root/usr/lib/grub/arm64-efi" --fonts= --locales= --themes= \
  --install-modules='part_gpt ext2 search search_label linux echo normal fat' \
  --modules='part_gpt ext2 search search_label linux echo' -o "$tmp/grubaa64.efi" "boot/grub/grub.cfg=$tmp/grub.cfg"

in_root apt-get clean
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/debconf/"*-old "$root/var/log/"*.log "$root/tmp/"*
unmount_under "$root"

log "make disk"
raw="$tmp/disk.raw"
truncate -s 10240M "$raw"
sgdisk --clear --new=1:2048:+160M --typecode=1:EF00 --change-name=1:ESP \
  --new=2:0:0 --typecode=2:8300 --change-name=2:hostroot "$raw" >/dev/null
sector() { sgdisk --info="$1" "$raw" | awk -v w="$2" '$0 ~ w {print $3}'; }
esp_first=$(sector 1 'First sector:') esp_last=$(sector 1 'Last sector:')
root_first=$(sector 2 'First sector:') root_last=$(sector 2 'Last sector:')
esp="$tmp/esp.img"
mkfs.vfat -n ESP -C "$esp" $(( (esp_last - esp_first + 1) / 2 )) >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/EFI/debian
mcopy -i "$esp" "$tmp/grubaa64.efi" ::/EFI/debian/grubaa64.efi
mcopy -i "$esp" "$tmp/grubaa64.efi" ::/EFI/BOOT/BOOTAA64.EFI
dd if="$esp" of="$raw" bs=512 seek="$esp_first" conv=notrunc,sparse status=none
rm -f "$esp" "$tmp/grubaa64.efi" "$tmp/grub.cfg"
mkfs.ext4 -q -F -L hostroot -b 4096 -E "offset=$((root_first * 512))" -d "$root" "$raw" $(( (root_last - root_first + 1) * 512 / 4096 ))
qemu-img convert -f raw -O qcow2 "$raw" "$tmp/disk.qcow2"
rm -f "$raw"
rm -rf "$root"
printf '{"name":"debian12-arm64","kernel":"%s","espPartition":1,"buildSeconds":%d}\n' "$kver" $(( $(date +%s) - started )) >"$tmp/meta.json"
rm -rf "$out"
mv "$tmp" "$out"
log "done in $(( $(date +%s) - started )) s"
