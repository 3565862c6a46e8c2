#!/usr/bin/env bash
# Builds a stand-in NestOS release: the artifacts x2nestos downloads (stream
# document, live kernel / initramfs / rootfs, ISO, metal image), made from
# Debian's kernel, busybox and the real Ignition 2.14, small enough to boot
# under QEMU TCG in seconds. See README.md for what the live system does.
#
#   build-release.sh --out DIR --build BUILD_ID --installer 0.16|0.20
#                    --base-url URL --stream STREAM [--rootfs-pad-mib N]
#                    [--arch x86_64|aarch64]
#
# Outputs are cached under test/e2e/.work/releases/<build>/<key>/, keyed by a
# hash of every input (these scripts, the arguments, kernel, Ignition and
# busybox), then copied into DIR; a re-run with the same inputs is instant.
# STANDIN_KERNEL_SOURCE=host|deb|auto picks the kernel: /boot + /lib/modules
# of this machine, or linux-image-amd64's .deb fetched with apt-get download.
# --arch aarch64 builds the same release for arm64 hosts: every program of the
# live system (busybox, Ignition, sgdisk, efibootmgr, dropbear and their
# libraries), the kernel and GRUB's EFI modules come from Debian's arm64
# packages, fetched with apt-get download and unpacked (never installed).
set -euo pipefail

STANDIN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK_DIR=${X2NESTOS_E2E_WORK:-$(dirname "$STANDIN_DIR")/.work}
IGNITION_BIN=/usr/lib/dracut/modules.d/30ignition/ignition
# Arm64 packages the aarch64 live system is made of (unpacked into a sysroot).
ARM64_PACKAGES='busybox-static ignition gdisk efibootmgr dropbear-bin grub-efi-arm64-bin libc6 libgcc-s1 libstdc++6 libblkid1 libuuid1 libpopt0 libefiboot1 libefivar1 libtomcrypt1 libtommath1 zlib1g libcrypt1 libgmp10'
# What QEMU guests need: virtio, SCSI/SATA/NVMe disks, e1000, the live root's
# filesystems (squashfs on loop under overlay) and the metal image's (ext4);
# vfat's code pages (the ESP is mounted to find the loader) and efivarfs for
# efibootmgr (NestOS's live system has both, contract §10).
MODULES='virtio_pci virtio_blk virtio_net virtio_scsi sd_mod ahci ata_piix nvme e1000 loop squashfs overlay ext4 vfat nls_cp437 nls_ascii nls_utf8 efivarfs'
INSTALLER_KEYS='dest-device ignition-file ignition-url ignition-hash image-url image-file stream architecture platform console append-karg delete-karg copy-network network-dir save-partlabel save-partindex offline insecure insecure-ignition stream-base-url preserve-on-error fetch-retries'

log() { printf 'build-release: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	sed -n '6,7p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
	exit 2
}

parse_args() {
	OUT='' BUILD='' INSTALLER='' BASE_URL='' STREAM='' PAD_MIB=0 ARCH=x86_64
	while [ $# -gt 0 ]; do
		case $1 in
		--out) OUT=$2 ;;
		--build) BUILD=$2 ;;
		--installer) INSTALLER=$2 ;;
		--base-url) BASE_URL=${2%/} ;;
		--stream) STREAM=$2 ;;
		--rootfs-pad-mib) PAD_MIB=$2 ;;
		--arch) ARCH=$2 ;;
		-h | --help) usage ;;
		*) die "unknown argument $1" ;;
		esac
		shift 2 || usage
	done
	if [ -z "$OUT" ] || [ -z "$BUILD" ] || [ -z "$BASE_URL" ] || [ -z "$STREAM" ]; then usage; fi
	case $INSTALLER in 0.16 | 0.20) ;; *) die "--installer must be 0.16 or 0.20" ;; esac
	case $BUILD in *[!A-Za-z0-9._-]*) die "--build may only hold letters, digits, '.', '_' and '-'" ;; esac
	case $PAD_MIB in *[!0-9]* | '') die "--rootfs-pad-mib takes a number of MiB" ;; esac
	case $ARCH in x86_64 | aarch64) ;; *) die "--arch must be x86_64 or aarch64" ;; esac
}

# Where each program of the live system comes from: this machine for x86_64,
# an unpacked arm64 sysroot for aarch64. SYSROOT is also where their
# libraries are looked up (copy_with_libs).
select_target() {
	if [ "$ARCH" = x86_64 ]; then
		SYSROOT='' DEB_ARCH=amd64 EFI_SUFFIX=x64 GRUB_FORMAT=x86_64-efi GRUB_DIR=/usr/lib/grub/x86_64-efi
		T_BUSYBOX=$(command -v busybox) T_IGNITION=$IGNITION_BIN T_SGDISK=$(command -v sgdisk)
		T_EFIBOOTMGR=$(command -v efibootmgr) T_DROPBEAR=$(command -v dropbear)
		return 0
	fi
	DEB_ARCH=arm64 EFI_SUFFIX=aa64 GRUB_FORMAT=arm64-efi
	arm64_sysroot
	GRUB_DIR=$SYSROOT/usr/lib/grub/arm64-efi
	T_BUSYBOX=$SYSROOT/bin/busybox T_IGNITION=$SYSROOT$IGNITION_BIN T_SGDISK=$SYSROOT/sbin/sgdisk
	T_EFIBOOTMGR=$SYSROOT/bin/efibootmgr T_DROPBEAR=$SYSROOT/usr/sbin/dropbear
	local f
	for f in "$T_BUSYBOX" "$T_IGNITION" "$T_SGDISK" "$T_EFIBOOTMGR" "$T_DROPBEAR" "$GRUB_DIR/kernel.img"; do
		[ -e "$f" ] || die "the arm64 sysroot $SYSROOT has no $f"
	done
}

# The arm64 packages, unpacked once per set of versions into WORK_DIR.
arm64_sysroot() {
	local pkgs='' p deb versions
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		die "apt does not know arm64: dpkg --add-architecture arm64 && apt-get update (scripts/setup.sh does it)"
	for p in $ARM64_PACKAGES; do pkgs="$pkgs $p:arm64"; done
	versions=$(apt-cache policy $pkgs | awk '/^[^ ]/ { p = $1 } /Candidate:/ { print p, $2 }')
	echo "$versions" | grep -q '(none)' && die "no arm64 candidate for some of:$pkgs (apt-get update?)"
	SYSROOT=$WORK_DIR/arm64-sysroot/$(printf '%s\n' "$versions" | sha256sum | cut -c1-12)
	[ -f "$SYSROOT/.done" ] && return 0
	log "unpacking arm64 packages into $SYSROOT"
	rm -rf "$SYSROOT.tmp"
	mkdir -p "$SYSROOT.tmp/debs"
	(cd "$SYSROOT.tmp/debs" && apt-get download -q $pkgs >&2) || die "apt-get download of the arm64 packages failed"
	for deb in "$SYSROOT.tmp"/debs/*.deb; do dpkg-deb -x "$deb" "$SYSROOT.tmp"; done
	rm -rf "$SYSROOT.tmp/debs"
	touch "$SYSROOT.tmp/.done"
	rm -rf "$SYSROOT"
	mv "$SYSROOT.tmp" "$SYSROOT"
}

require_tools() {
	local tool missing=
	for tool in busybox cpio mksquashfs sgdisk mkfs.ext4 mkfs.vfat mmd mcopy xorriso xz gzip sha256sum modprobe depmod ldd dropbear efibootmgr grub-mkstandalone; do
		command -v "$tool" >/dev/null || missing="$missing $tool"
	done
	[ -x "$IGNITION_BIN" ] || missing="$missing ignition"
	[ "$ARCH" != x86_64 ] || [ -d /usr/lib/grub/x86_64-efi ] || missing="$missing grub-efi-amd64-bin"
	[ "$ARCH" != aarch64 ] || command -v readelf >/dev/null || missing="$missing readelf"
	[ -z "$missing" ] || die "missing tools:$missing (apt-get install -y ignition busybox-static cpio squashfs-tools gdisk dropbear-bin dosfstools e2fsprogs mtools xorriso xz-utils kmod efibootmgr grub-efi-amd64-bin)"
	ldd "$(command -v busybox)" >/dev/null 2>&1 && die "busybox is dynamically linked: install busybox-static"
	return 0
}

# ------------------------------------------------------------------ kernel

kernel_from_host() {
	local vmlinuz ver
	for vmlinuz in $(printf '%s\n' /boot/vmlinuz-* | sort -rV); do
		ver=${vmlinuz#/boot/vmlinuz-}
		if [ -r "$vmlinuz" ] && [ -e "/lib/modules/$ver/modules.dep" ]; then
			KVER=$ver VMLINUZ=$vmlinuz MODROOT=/
			return 0
		fi
	done
	return 1
}

# CI machines may boot another kernel and have none in /boot: fetch Debian's
# current linux-image package and unpack it (no install, no postinst).
kernel_from_deb() {
	local dir=$WORK_DIR/kernel pkg deb root
	pkg=$(apt-cache depends "linux-image-$DEB_ARCH:$DEB_ARCH" | awk '/Depends: linux-image-[0-9]/ { sub(/:.*/, "", $2); print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-$DEB_ARCH to a kernel package (apt-get update?)"
	root=$dir/$pkg
	if [ ! -d "$root" ]; then
		mkdir -p "$dir"
		log "fetching $pkg with apt-get download"
		(cd "$dir" && apt-get download -q "$pkg:$DEB_ARCH" >&2)
		deb=$(ls "$dir/${pkg}"_*.deb | head -n1)
		rm -rf "$root.tmp"
		dpkg-deb -x "$deb" "$root.tmp"
		ver=$(ls "$root.tmp/lib/modules" 2>/dev/null || ls "$root.tmp/usr/lib/modules")
		[ -d "$root.tmp/lib/modules" ] || { mkdir -p "$root.tmp/lib" && mv "$root.tmp/usr/lib/modules" "$root.tmp/lib/"; }
		depmod -b "$root.tmp" "$ver"
		mv "$root.tmp" "$root"
		rm -f "$deb"
	fi
	KVER=$(ls "$root/lib/modules")
	VMLINUZ=$root/boot/vmlinuz-$KVER MODROOT=$root
}

find_kernel() {
	# This machine's kernel is an x86_64 one: an arm64 release always takes Debian's package.
	case ${STANDIN_KERNEL_SOURCE:-auto}/$ARCH in
	*/aarch64) kernel_from_deb ;;
	host/*) kernel_from_host || die "no readable /boot/vmlinuz-* with /lib/modules/<version>" ;;
	deb/*) kernel_from_deb ;;
	auto/*) kernel_from_host || kernel_from_deb ;;
	*) die "STANDIN_KERNEL_SOURCE must be host, deb or auto" ;;
	esac
	log "kernel $KVER ($VMLINUZ)"
}

# ------------------------------------------------------------------- cache

cache_key() {
	{
		printf '%s\n' "$BUILD" "$INSTALLER" "$BASE_URL" "$STREAM" "$PAD_MIB" "$KVER"
		sha256sum "$VMLINUZ" "$T_IGNITION" "$T_BUSYBOX" "$T_SGDISK" "$T_EFIBOOTMGR" "$GRUB_DIR/kernel.img" "$T_DROPBEAR" | cut -d' ' -f1
		# An x86_64 build's key stays what it was before aarch64 existed.
		[ "$ARCH" = x86_64 ] || echo "$ARCH"
		(cd "$STANDIN_DIR" && cat build-release.sh live/*)
	} | sha256sum | cut -c1-16
}

artifact_names() {
	KERNEL_NAME=nestos-$BUILD-live-kernel-$ARCH
	INITRAMFS_NAME=nestos-$BUILD-live-initramfs.$ARCH.img
	ROOTFS_NAME=nestos-$BUILD-live-rootfs.$ARCH.img
	ISO_NAME=nestos-$BUILD-live.$ARCH.iso
	METAL_NAME=nestos-$BUILD-metal.$ARCH.raw
}

# ------------------------------------------------------------- helpers

# Stable GUIDs per build, so two builds of the same id are identical.
guid_for() {
	printf '%s %s' "$BUILD" "$1" | sha256sum | awk '{ s = toupper($1); print substr(s,1,8) "-" substr(s,9,4) "-" substr(s,13,4) "-" substr(s,17,4) "-" substr(s,21,12) }'
}

copy_with_libs() {
	local src=$1 root=$2 dest=$3 lib
	install -D -m 0755 "$src" "$root$dest"
	if [ -n "$SYSROOT" ]; then
		copy_foreign_libs "$src" "$root"
		return 0
	fi
	for lib in $(ldd "$src" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

# ldd cannot run a foreign binary: follow its ELF interpreter and DT_NEEDED
# entries (readelf) through the sysroot's library directories instead.
copy_foreign_libs() {
	local src=$1 root=$2 name dir found interp
	interp=$(readelf -l "$src" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	if [ -n "$interp" ] && [ ! -e "$root$interp" ]; then
		install -D -m 0755 "$(readlink -f "$SYSROOT$interp")" "$root$interp"
	fi
	for name in $(readelf -d "$src" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		found=''
		for dir in /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu; do
			if [ -e "$SYSROOT$dir/$name" ]; then found=$dir/$name && break; fi
		done
		[ -n "$found" ] || die "$src needs $name, which no package of ARM64_PACKAGES has"
		[ -e "$root$found" ] && continue
		install -D -m 0755 "$(readlink -f "$SYSROOT$found")" "$root$found"
		copy_foreign_libs "$SYSROOT$found" "$root"
	done
}

install_busybox() {
	local root=$1 applet
	install -D -m 0755 "$T_BUSYBOX" "$root/bin/busybox"
	for applet in $(busybox --list-full); do
		case $applet in sbin/init | linuxrc | bin/busybox) continue ;; esac
		mkdir -p "$root/$(dirname "$applet")"
		ln -sf /bin/busybox "$root/$applet"
	done
}

# newc cpio of a directory, owned by root, member order given by the caller.
cpio_of() {
	(cd "$1" && cpio -o -H newc -R 0:0 --reproducible --quiet)
}

sign() {
	printf 'nestos-standin-signature sha256 %s\n' "$(sha256sum "$1" | cut -d' ' -f1)" >"$1.sig"
}

# --------------------------------------------------------------- metal image

# A real EFI application standing in for NestOS's shim (or the removable-media
# path): GRUB built standalone with an embedded config that prints which loader
# the firmware started and powers off. The VM scenarios cold-boot the converted
# disk through OVMF and read this marker from the serial console.
efi_marker() {
	local out=$1 what=$2 cfg
	cfg=$(mktemp)
	printf 'echo "nestos-standin-efi: BOOTED %s of build %s"\nsleep 1\nhalt\n' "$what" "$BUILD" >"$cfg"
	grub-mkstandalone -O "$GRUB_FORMAT" -d "$GRUB_DIR" --fonts= --locales= --themes= --install-modules='echo halt sleep' \
		--modules='echo halt sleep' -o "$out" "boot/grub/grub.cfg=$cfg"
	rm -f "$cfg"
}

# GPT like NestOS's: BIOS-BOOT, EFI-SYSTEM (vfat), boot (ext4, BLS entry and
# ignition.firstboot, which the installer edits), root (ext4).
build_metal_image() {
	local t=$STAGE/metal boot_uuid root_uuid raw=$STAGE/$METAL_NAME
	mkdir -p "$t/boot/loader/entries" "$t/boot/grub2" "$t/root" "$t/efi"
	boot_uuid=$(guid_for boot-fs | tr A-F a-f)
	root_uuid=$(guid_for root-fs | tr A-F a-f)

	cat >"$t/boot/loader/entries/ostree-1-nestos.conf" <<-EOF
		title NestOS For Container $BUILD (ostree:0)
		version 1
		linux /ostree/nestos-$BUILD/vmlinuz-$KVER
		initrd /ostree/nestos-$BUILD/initramfs-$KVER.img
		options mitigations=auto,nosmt ignition.platform.id=metal \$ignition_firstboot ostree=/ostree/boot.1/nestos/$BUILD/0 root=UUID=$root_uuid rw boot=UUID=$boot_uuid
	EOF
	printf '# Remove this file to prevent Ignition from running on the next boot.\n' >"$t/boot/ignition.firstboot"
	printf '# stand-in: grub reads ignition.firstboot and the BLS entries\n' >"$t/boot/grub2/grub.cfg"
	printf 'build=%s\n' "$BUILD" >"$t/boot/.nestos-standin-image"
	mkdir -p "$t/root/ostree/deploy/nestos/deploy/$BUILD.0/usr/lib"
	printf 'NAME="NestOS"\nID=nestos\nVERSION_ID=%s\nVARIANT_ID=nestos-standin\n' "$BUILD" \
		>"$t/root/ostree/deploy/nestos/deploy/$BUILD.0/usr/lib/os-release"
	printf '# stand-in EFI loader config\n' >"$t/efi/grub.cfg"

	mkfs.ext4 -q -F -L boot -U "$boot_uuid" -d "$t/boot" -E root_owner=0:0 "$t/boot.img" 64M >/dev/null
	mkfs.ext4 -q -F -L root -U "$root_uuid" -d "$t/root" -E root_owner=0:0 "$t/root.img" 48M >/dev/null
	mkfs.vfat -n EFI-SYSTEM -i "$(printf '%s' "$BUILD" | sha256sum | cut -c1-8)" -C "$t/efi.img" 32768 >/dev/null
	MTOOLS_SKIP_CHECK=1 mmd -i "$t/efi.img" ::/EFI ::/EFI/nestos ::/EFI/openEuler ::/EFI/BOOT
	MTOOLS_SKIP_CHECK=1 mcopy -i "$t/efi.img" "$t/efi/grub.cfg" ::/EFI/nestos/grub.cfg
	# The NestOS ESP layout of contract §10: shim under EFI/openEuler, the removable-media path in EFI/BOOT.
	local shim=shim$EFI_SUFFIX.efi removable
	removable=BOOT$(echo "$EFI_SUFFIX" | tr a-z A-Z).EFI
	efi_marker "$t/efi/$shim" "\\\\EFI\\\\openEuler\\\\$shim"
	efi_marker "$t/efi/$removable" "\\\\EFI\\\\BOOT\\\\$removable"
	MTOOLS_SKIP_CHECK=1 mcopy -i "$t/efi.img" "$t/efi/$shim" "::/EFI/openEuler/$shim"
	MTOOLS_SKIP_CHECK=1 mcopy -i "$t/efi.img" "$t/efi/$removable" "::/EFI/BOOT/$removable"

	truncate -s 147M "$raw"
	sgdisk -Z "$raw" >/dev/null
	sgdisk -U "$(guid_for disk)" \
		-n 1:1M:+1M -t 1:EF02 -c 1:BIOS-BOOT -u "1:$(guid_for p1)" \
		-n 2:2M:+32M -t 2:EF00 -c 2:EFI-SYSTEM -u "2:$(guid_for p2)" \
		-n 3:34M:+64M -t 3:8300 -c 3:boot -u "3:$(guid_for p3)" \
		-n 4:98M:+48M -t 4:8300 -c 4:root -u "4:$(guid_for p4)" "$raw" >/dev/null
	dd if="$t/efi.img" of="$raw" bs=1M seek=2 conv=notrunc,sparse status=none
	dd if="$t/boot.img" of="$raw" bs=1M seek=34 conv=notrunc,sparse status=none
	dd if="$t/root.img" of="$raw" bs=1M seek=98 conv=notrunc,sparse status=none
	# CRC32 check: the xz decoder in busybox (the live installer) reads it for sure.
	xz -T1 -6 --check=crc32 -c "$raw" >"$raw.xz"
	sign "$raw"
	sign "$raw.xz"
	rm -rf "$t"
}

# ---------------------------------------------------------------- rootfs

build_live_root() {
	local root=$STAGE/liveroot
	mkdir -p "$root"/{proc,sys,dev,run,tmp,mnt,root,var/tmp,etc/nestos,etc/NetworkManager/system-connections,etc/selinux,etc/nestos-standin}
	install_busybox "$root"
	install -D -m 0755 "$STANDIN_DIR/live/live-init" "$root/sbin/init"
	install -D -m 0755 "$STANDIN_DIR/live/installer" "$root/usr/libexec/nestos-installer-service"
	install -D -m 0644 "$STANDIN_DIR/live/common.sh" "$root/usr/lib/nestos-standin/common.sh"
	install -D -m 0644 "$STANDIN_DIR/live/installer-yaml.awk" "$root/usr/lib/nestos-standin/installer-yaml.awk"
	install -D -m 0755 "$STANDIN_DIR/live/udhcpc.script" "$root/usr/share/udhcpc/default.script"
	copy_with_libs "$T_SGDISK" "$root" /usr/sbin/sgdisk
	copy_with_libs "$T_EFIBOOTMGR" "$root" /usr/bin/efibootmgr
	# Emulated systemd (live/units.sh) and sshd (dropbear) for units a converter adds.
	install -D -m 0644 "$STANDIN_DIR/live/units.sh" "$root/usr/lib/nestos-standin/units.sh"
	install -D -m 0755 "$STANDIN_DIR/live/systemctl" "$root/usr/bin/systemctl"
	copy_with_libs "$T_DROPBEAR" "$root" /usr/sbin/dropbear
	mkdir -p "$root/etc/systemd/system" "$root/etc/dropbear" "$root/home"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nwheel:x:10:\n' >"$root/etc/group"
	printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
	chmod 0600 "$root/etc/shadow"
	printf 'passwd: files\ngroup: files\nshadow: files\n' >"$root/etc/nsswitch.conf"
	printf '%s\n' "$BUILD" >"$root/etc/nestos-standin/build"
	printf '%s\n' "$INSTALLER" >"$root/etc/nestos-standin/installer-version"
	printf 'NAME="NestOS"\nID=nestos\nVERSION_ID=%s\nVARIANT="live (stand-in)"\n' "$BUILD" >"$root/etc/os-release"
	# Ignition's files stage reads the target's SELinux config before it
	# relabels (setfiles is a logged no-op in the initramfs).
	printf 'SELINUX=disabled\nSELINUXTYPE=targeted\n' >"$root/etc/selinux/config"
	if [ "$PAD_MIB" -gt 0 ]; then
		# Incompressible, so the rootfs really weighs what the RAM rule computes.
		mkdir -p "$root/usr/share/nestos-standin"
		head -c "$((PAD_MIB * 1024 * 1024))" /dev/urandom >"$root/usr/share/nestos-standin/pad.bin"
	fi
	mksquashfs "$root" "$STAGE/root.squashfs" -comp zstd -all-root -noappend -no-progress -quiet -mkfs-time 0 -all-time 0 >&2
	rm -rf "$root"
}

# rootfs.img: uncompressed newc, root.squashfs first, plus the build id and
# the "osmet" image (here: the metal raw.xz itself) for offline installs.
build_rootfs() {
	local t=$STAGE/rootfs
	build_live_root
	mkdir -p "$t/etc"
	mv "$STAGE/root.squashfs" "$t/root.squashfs"
	printf '%s\n' "$BUILD" >"$t/etc/nestos-live-rootfs"
	cp "$STAGE/$METAL_NAME.xz" "$t/$METAL_NAME.osmet"
	printf '%s\n' root.squashfs etc etc/nestos-live-rootfs "$METAL_NAME.osmet" | cpio_of "$t" >"$STAGE/$ROOTFS_NAME"
	rm -rf "$t"
}

# -------------------------------------------------------------- initramfs

module_paths() {
	local mod
	for mod in $MODULES; do
		modprobe -d "$MODROOT" -S "$KVER" --show-depends "$mod" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++'
}

features_json() {
	local key first=1
	printf '{"installer-config": true, "live-initrd-network": true, "installer-config-directives": {'
	for key in $INSTALLER_KEYS $([ "$INSTALLER" = 0.20 ] && echo secure-ipl); do
		[ $first = 1 ] || printf ', '
		printf '"%s": true' "$key"
		first=0
	done
	printf '}}\n'
}

build_initramfs() {
	local root=$STAGE/initramfs early=$STAGE/early path rel size
	mkdir -p "$root"/{proc,sys,dev,run,tmp,sysroot,usr/lib/ignition,etc/nestos,etc/nestos-standin}
	install_busybox "$root"
	install -D -m 0755 "$STANDIN_DIR/live/init" "$root/init"
	install -D -m 0644 "$STANDIN_DIR/live/common.sh" "$root/usr/lib/nestos-standin/common.sh"
	install -D -m 0755 "$STANDIN_DIR/live/udhcpc.script" "$root/usr/share/udhcpc/default.script"
	install -D -m 0755 "$STANDIN_DIR/live/setfiles" "$root/usr/sbin/setfiles"
	copy_with_libs "$T_IGNITION" "$root" /usr/bin/ignition
	: >"$root/etc/nestos-standin/modules.load"
	for path in $(module_paths); do
		rel=/lib/modules/$KVER/${path#*/lib/modules/"$KVER"/}
		install -D -m 0644 "$path" "$root$rel"
		echo "$rel" >>"$root/etc/nestos-standin/modules.load"
	done
	printf '%s\n' "$BUILD" >"$root/etc/nestos-live-initramfs"
	sha256sum "$STAGE/$ROOTFS_NAME" | cut -d' ' -f1 >"$root/etc/nestos-live-want-rootfs"
	features_json >"$root/etc/nestos/features.json"
	printf 'NAME="NestOS initramfs (stand-in)"\n' >"$root/etc/initrd-release"
	"$IGNITION_BIN" -version >"$root/etc/nestos-standin/ignition-version"
	if [ "$INSTALLER" = 0.16 ]; then
		# NestOS 22.03 (installer 0.16) shipped Ignition 2.9: specs up to 3.2.0.
		echo 3.2.0 >"$root/etc/nestos-standin/ignition-max-spec"
		echo "Ignition 2.9 (emulated spec limit; binary: $(cat "$root/etc/nestos-standin/ignition-version"))" >"$root/etc/nestos-standin/ignition-version"
	fi

	# dracut layout: an uncompressed early cpio, then the compressed main one.
	mkdir -p "$early"
	echo 1 >"$early/early_cpio"
	echo early_cpio | cpio_of "$early" >"$STAGE/$INITRAMFS_NAME"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||') | cpio_of "$root" | gzip -n -9 >>"$STAGE/$INITRAMFS_NAME"
	# End 2 bytes past a 4-byte boundary (zeros, which the kernel skips), so a
	# converter that appends the rootfs without padding is always caught.
	size=$(stat -c %s "$STAGE/$INITRAMFS_NAME")
	head -c $(((6 - size % 4) % 4)) /dev/zero >>"$STAGE/$INITRAMFS_NAME"
	rm -rf "$root" "$early"
}

# ---------------------------------------------------------------- ISO, stream

build_iso() {
	local t=$STAGE/iso
	mkdir -p "$t/images/pxeboot"
	cp "$STAGE/$KERNEL_NAME" "$t/images/pxeboot/vmlinuz"
	cp "$STAGE/$INITRAMFS_NAME" "$t/images/pxeboot/initrd.img"
	cp "$STAGE/$ROOTFS_NAME" "$t/images/pxeboot/rootfs.img"
	xorriso -as mkisofs -quiet -V "$(printf 'nestos-%s' "$BUILD" | cut -c1-32)" -J -joliet-long -R -o "$STAGE/$ISO_NAME" "$t" 2>/dev/null
	rm -rf "$t"
}

artifact_json() {
	printf '{"location": "%s/%s", "sha256": "%s"%s}' "$BASE_URL" "$1" "$(sha256sum "$STAGE/$1" | cut -d' ' -f1)" "${2:+, \"uncompressed-sha256\": \"$2\"}"
}

write_stream() {
	mkdir -p "$STAGE/streams"
	cat >"$STAGE/streams/$STREAM.json" <<-EOF
		{
		  "stream": "$STREAM",
		  "metadata": {"last-modified": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "generator": "x2nestos e2e stand-in"},
		  "architectures": {
		    "$ARCH": {
		      "artifacts": {
		        "metal": {
		          "release": "$BUILD",
		          "formats": {
		            "pxe": {
		              "kernel": $(artifact_json "$KERNEL_NAME"),
		              "initramfs": $(artifact_json "$INITRAMFS_NAME"),
		              "rootfs": $(artifact_json "$ROOTFS_NAME")
		            },
		            "raw.xz": {"disk": $(artifact_json "$METAL_NAME.xz" "$(sha256sum "$STAGE/$METAL_NAME" | cut -d' ' -f1)")},
		            "iso": {"disk": $(artifact_json "$ISO_NAME")}
		          }
		        }
		      }
		    }
		  }
		}
	EOF
}

write_manifest() {
	cat >"$STAGE/standin.json" <<-EOF
		{"build": "$BUILD", "installer": "$INSTALLER", "stream": "$STREAM", "baseUrl": "$BASE_URL", "rootfsPadMib": $PAD_MIB,
		 "kernel": "$KVER", "ignition": "$("$IGNITION_BIN" -version)", "cacheKey": "$KEY"}
	EOF
}

build_all() {
	STAGE=$CACHE.tmp.$$
	rm -rf "$STAGE"
	mkdir -p "$STAGE"
	trap 'rm -rf "$STAGE"' EXIT
	log "building $BUILD (installer $INSTALLER) in $CACHE"
	cp "$VMLINUZ" "$STAGE/$KERNEL_NAME"
	build_metal_image
	build_rootfs
	build_initramfs
	build_iso
	write_stream
	write_manifest
	# Another build of the same key may have won the race: keep either.
	mv -T "$STAGE" "$CACHE" 2>/dev/null || rm -rf "$STAGE"
	trap - EXIT
	prune_cache
}

# Keeps the three newest variants of a build (script edits and --rootfs-pad-mib
# make new keys); older ones are only disk space.
prune_cache() {
	local old
	for old in $(ls -dt "$(dirname "$CACHE")"/*/ | tail -n +4); do
		[ "${old%/}" = "$CACHE" ] || rm -rf "$old"
	done
}

# Copies, never hard links: a test may corrupt its copy (to exercise
# verification) without poisoning the cache.
publish() {
	local f dest
	mkdir -p "$OUT/streams"
	for f in "$CACHE"/* "$CACHE"/streams/*; do
		[ -f "$f" ] || continue
		dest=$OUT/${f#"$CACHE"/}
		cmp -s "$f" "$dest" 2>/dev/null || cp --sparse=always --reflink=auto -f "$f" "$dest"
	done
}

main() {
	parse_args "$@"
	require_tools
	select_target
	find_kernel
	artifact_names
	KEY=$(cache_key)
	CACHE=$WORK_DIR/releases/$BUILD/$KEY
	if [ -f "$CACHE/standin.json" ]; then
		log "cached: $CACHE"
	else
		mkdir -p "$(dirname "$CACHE")"
		build_all
	fi
	publish
	log "release $BUILD in $OUT: $(cd "$OUT" && du -sh --apparent-size . | cut -f1) ($(stat -c %s "$OUT/$ROOTFS_NAME") bytes rootfs)"
	echo "$OUT"
}

main "$@"
