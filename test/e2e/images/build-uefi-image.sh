#!/usr/bin/env bash
# Derives the UEFI host image `debian12-uefi` from the cached `debian12` image, without changing it
# (build-image.sh and its cache keys stay as they are):
#
#   build-uefi-image.sh --base DIR --out DIR
#
# The base disk gets 64 MiB more at its end holding an EFI system partition (partition 3, FAT,
# label ESP) with Debian's boot chain as a Debian installer leaves it:
#   EFI/debian/shimx64.efi, grubx64.efi   shim-signed (Microsoft-signed) and grub-efi-amd64-signed
#   EFI/debian/grub.cfg                   boots the image's own (Debian-signed) kernel and initramfs
#   EFI/BOOT/BOOTX64.EFI, grubx64.efi     the same shim and GRUB on the removable-media path, so
#                                         a fresh OVMF vars file boots it with no entry at all
# No fallback (fbx64.efi): it would add a boot entry by itself and reset. The same image boots under
# OVMF with and without Secure Boot (the chain is signed throughout). The scenario adds the stale
# `debian` entry with efibootmgr from inside the guest, as an installer would have.
#
# Needs qemu-img, sgdisk, mkfs.vfat, mtools, and the Debian packages shim-signed and
# grub-efi-amd64-signed on the build machine. Writes nothing outside DIR and DIR.tmp.
set -euo pipefail

base='' out=''
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "build-uefi-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$base" ] && [ -n "$out" ] || { echo "usage: build-uefi-image.sh --base DIR --out DIR" >&2; exit 2; }

SHIM=/usr/lib/shim/shimx64.efi.signed
GRUB=/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
for f in "$SHIM" "$GRUB"; do
  [ -f "$f" ] || { echo "build-uefi-image.sh: $f is missing (apt-get install shim-signed grub-efi-amd64-signed)" >&2; exit 1; }
done

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
started=$(date +%s)
kver=$(sed -n 's/.*"kernel":"\([^"]*\)".*/\1/p' "$base/meta.json")
[ -n "$kver" ] || { echo "build-uefi-image.sh: no kernel version in $base/meta.json" >&2; exit 1; }

raw="$tmp/disk.raw"
qemu-img convert -f qcow2 -O raw "$base/disk.qcow2" "$raw"
truncate -s +64M "$raw"
# Move the backup GPT to the new end, then add the ESP in the space before it.
sgdisk -e "$raw" >/dev/null
sgdisk --new=3:0:0 --typecode=3:EF00 --change-name=3:ESP "$raw" >/dev/null
first=$(sgdisk --info=3 "$raw" | awk '/First sector:/ {print $3}')
last=$(sgdisk --info=3 "$raw" | awk '/Last sector:/ {print $3}')

cat >"$tmp/grub.cfg" <<EOF
search --no-floppy --label hostroot --set=root
echo 'e2e old system: GRUB from the ESP boots Debian'
linux /boot/vmlinuz-$kver root=LABEL=hostroot rw console=ttyS0,115200 panic=-1
initrd /boot/initrd.img-$kver
boot
EOF
esp="$tmp/esp.img"
mkfs.vfat -n ESP -C "$esp" $(( (last - first + 1) / 2 )) >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/EFI/debian
mcopy -i "$esp" "$SHIM" ::/EFI/debian/shimx64.efi
mcopy -i "$esp" "$GRUB" ::/EFI/debian/grubx64.efi
mcopy -i "$esp" "$tmp/grub.cfg" ::/EFI/debian/grub.cfg
mcopy -i "$esp" "$SHIM" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$GRUB" ::/EFI/BOOT/grubx64.efi
dd if="$esp" of="$raw" bs=512 seek="$first" conv=notrunc,sparse status=none
rm -f "$esp"

qemu-img convert -f raw -O qcow2 "$raw" "$tmp/disk.qcow2"
rm -f "$raw"
cp "$base/id_ed25519" "$base/id_ed25519.pub" "$base/cmdline" "$tmp/"
printf '{"name":"debian12-uefi","kernel":"%s","espPartition":3,"buildSeconds":%d}\n' "$kver" $(( $(date +%s) - started )) >"$tmp/meta.json"
rm -rf "$out"
mv "$tmp" "$out"
