#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine to build and test x2nestos: the Debian packages the tests use as
# real peers (GNU cpio, xorriso, Ignition 2.14, NetworkManager, QEMU, ...), the npm dependencies, and
# the build. Only Debian's mirrors and the npm registry are used.
#
#   scripts/setup.sh            packages (through sudo when not root), npm ci, ./build.sh
#   scripts/setup.sh --no-build packages and npm ci only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Grouped by what needs them; see README "Tests".
PACKAGES=(
  # formats and payload tests: the real cpio, compressors, ISO tools
  cpio gzip xz-utils zstd bzip2 lz4 xorriso genisoimage mtools
  # Ignition 2.14 (ignition-validate and the engine) and NetworkManager's keyfile and initrd parsers
  ignition network-manager
  # identity tests (ssh-keygen), SSH to guests
  openssh-client
  # trust tests: a throwaway CA and server certificate for loopback https mirrors
  openssl
  # end-to-end: QEMU (TCG), guest images, package repositories for the guests, disk inspection
  qemu-system-x86 qemu-utils debootstrap socat busybox-static kmod
  # a Linux kernel for the guests and the stand-in live system
  linux-image-amd64
  squashfs-tools gdisk fdisk dosfstools e2fsprogs dpkg-dev rpm dnf createrepo-c jq curl
  # UEFI guests and boot entries (issue 14): OVMF, efibootmgr, EFI loaders, Debian's signed boot chain
  ovmf efibootmgr grub-efi-amd64-bin shim-signed grub-efi-amd64-signed sbsigntool
  # aarch64 guests (issue 14.3): qemu-system-aarch64, AAVMF, debootstrap's arm64 chroot through binfmt
  qemu-system-arm qemu-efi-aarch64 binfmt-support
  # the stand-in live system's sshd; systemd-analyze verify checks the failsafe's units
  dropbear-bin systemd
  # guided-mode terminal tests, fleet tests, the benchmark baseline
  tmux ansible
  # packages: rpm and deb checked by their linters, the man page rendered, the zsh completion
  # parsed, the collection linted (ansible-lint has the production profile from 6.6; Debian 12: 6.13)
  rpmlint lintian groff-base man-db zsh ansible-lint
  # the release file: its Go launcher (static, zstd from Debian's Go package), the payload step, and
  # the empty-root tests (unshare, chroot, setarch; arm64 through qemu-user)
  golang-go golang-github-klauspost-compress-dev binutils util-linux coreutils qemu-user-static
)

# The release files carry arm64 packages from Debian (scripts/build/runtime-debs.lock):
# `apt-get download <package>:arm64` needs the architecture known to apt.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  echo "==> adding the arm64 architecture to apt (for apt-get download of the arm64 runtime)"
  "${as_root[@]}" dpkg --add-architecture arm64
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  echo "==> installing Debian packages: ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "==> npm ci"
npm ci --no-audit --no-fund --loglevel=error

if [[ ${1:-} != --no-build ]]; then
  ./build.sh
fi
