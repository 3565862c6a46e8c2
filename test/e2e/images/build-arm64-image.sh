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

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
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
# Two stages, the initramfs configured in between (lib.sh): most of the time is the second stage,
# which runs Debian's arm64 maintainer scripts under qemu-aarch64.
log "debootstrap bookworm arm64 from $mirror"
lean_debootstrap arm64 "$include" "$root" "$mirror" "$tmp/debootstrap.log" "$deb_cache"
log "debootstrap done after $(( $(date +%s) - started )) s"

in_root() { chroot_run "$root" "$@"; }

guest_basics "$root" debian12-arm64 ttyAMA0 "$tmp/id_ed25519"

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
finish_build "$tmp" "$out" "$(printf '{"name":"debian12-arm64","kernel":"%s","espPartition":1,"buildSeconds":%d}' "$kver" $(( $(date +%s) - started )))"
log "done in $(( $(date +%s) - started )) s"
