#!/usr/bin/env bash
# Installs the Debian packages the end-to-end suite needs on the machine that runs it (CI calls this
# from .ci/run; run it as root on a Debian 12 machine). Idempotent: installs only what is missing.
#
#   bash test/e2e/setup-host.sh
set -euo pipefail

# qemu-system-x86 qemu-utils  guests (TCG) and qcow2 overlays, qemu-img compare/dd/convert
# socat                       QEMU guestfwd to the test server (one socat per connection)
# openssh-client              ssh/ssh-keygen into the guests
# debootstrap                 the guest images (Debian 12 userland)
# dpkg-dev                    dpkg-scanpackages: the guests' apt repository
# rpm createrepo-c dnf        rpmbuild and createrepo_c: the yum repository; dnf is what the yum guest runs
# gdisk fdisk e2fsprogs       sgdisk/sfdisk partition tables, mkfs.ext4 -d, debugfs (images, inspect-disk.sh)
# ignition busybox-static cpio squashfs-tools dosfstools mtools xorriso xz-utils kmod jq
#                             the stand-in NestOS release (test/e2e/standin/build-release.sh) and
#                             inspect-disk.sh; ignition-validate checks the suite's Ignition fixtures
# dropbear-bin                the stand-in live system's sshd (a failsafe that stays up is reached over SSH)
# ovmf efibootmgr grub-efi-amd64-bin shim-signed grub-efi-amd64-signed sbsigntool
#                             UEFI guests (OVMF, with Secure Boot), the stand-in live system's efibootmgr
#                             and EFI loaders, the Debian signed boot chain of debian12-uefi, unsigned kernels
# qemu-system-arm qemu-efi-aarch64 qemu-user-static binfmt-support
#                             the aarch64 guest (AAVMF on -M virt) and its image: debootstrap runs Debian's
#                             arm64 packages under qemu-aarch64-static; the arm64 stand-in release is
#                             unpacked from `apt-get download <pkg>:arm64` (the arm64 architecture is added)
packages=(
  qemu-system-x86 qemu-utils socat openssh-client debootstrap dpkg-dev rpm createrepo-c dnf
  gdisk fdisk e2fsprogs ignition busybox-static cpio squashfs-tools dosfstools mtools xorriso xz-utils
  kmod jq gzip dropbear-bin
  ovmf efibootmgr grub-efi-amd64-bin shim-signed grub-efi-amd64-signed sbsigntool
  qemu-system-arm qemu-efi-aarch64 qemu-user-static binfmt-support
)

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "setup-host: adding the arm64 architecture to apt (the aarch64 image and stand-in release)"
  dpkg --add-architecture arm64
  added_arch=1
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
done
# build-repos.sh and the stand-in's kernel fallback use `apt-get download`: they need package lists.
if [ ${#missing[@]} -gt 0 ] || [ -n "${added_arch:-}" ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
  apt-get update -q
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-host: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup-host: all ${#packages[@]} packages present"
fi
