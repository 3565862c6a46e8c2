#!/usr/bin/env bash
# Self-test of the stand-in NestOS release: boots its live kernel DIRECTLY in
# QEMU (TCG) with the live initramfs + rootfs + a hand-made payload cpio, the
# way x2nestos's kexec would, then checks the target disk with inspect-disk.sh
# and the serial console for the stand-in's verdict.
#
#   selftest.sh [--quick | SCENARIO...]     (default: all; run as root)
#
# --quick: yaml-subset (no boot) install-0.20 unknown-key build-mismatch
#          no-firstboot no-image-source
# all adds: install-0.16 unpadded-append xz-crc64-payload spec-too-new-0.16
#           ignition-invalid ignition-conflict merge-and-kargs more-options
#           save-partlabel rootfs-url image-url ignition-url-hang
# Prints one line per scenario with its boot-to-poweroff time; exit status 1
# when any scenario fails. Work files: test/e2e/.work/standin-selftest/.
set -euo pipefail

STANDIN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK_DIR=${X2NESTOS_E2E_WORK:-$(dirname "$STANDIN_DIR")/.work}
RUN=$WORK_DIR/standin-selftest
BOOT_TIMEOUT=${STANDIN_BOOT_TIMEOUT:-150}
QUICK_SCENARIOS='yaml-subset install-0.20 unknown-key build-mismatch no-firstboot no-image-source'
ALL_SCENARIOS="$QUICK_SCENARIOS install-0.16 unpadded-append xz-crc64-payload spec-too-new-0.16 ignition-invalid ignition-conflict merge-and-kargs more-options save-partlabel rootfs-url image-url ignition-url-hang"
BASE_APPEND='ignition.firstboot ignition.platform.id=metal console=ttyS0,115200n8 quiet'
DEST_IGN='{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"nest","sshAuthorizedKeys":["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOselftest selftest"]}]}}'
KEYFILE=$'[connection]\nid=selftest\ntype=ethernet\n[ipv4]\nmethod=auto\n'

FAILURES=0

log() { printf 'selftest: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

require_tools() {
	local tool missing=
	for tool in qemu-system-x86_64 qemu-img jq cpio gzip xz base64 timeout sfdisk sgdisk debugfs busybox socat; do
		command -v "$tool" >/dev/null || missing="$missing $tool"
	done
	[ -z "$missing" ] || die "missing tools:$missing (apt-get install -y qemu-system-x86 qemu-utils jq cpio xz-utils e2fsprogs fdisk gdisk busybox-static socat)"
	[ "$(id -u)" = 0 ] || die "run as root (the release build needs it for predictable ownership)"
}

# -------------------------------------------------------------- releases

build_releases() {
	local common=(--base-url http://10.0.2.100/releases --stream 2403-LTS)
	REL_A=$("$STANDIN_DIR/build-release.sh" --out "$RUN/rel-a" --build 24.03.selftest-a --installer 0.20 "${common[@]}")
	REL_B=$("$STANDIN_DIR/build-release.sh" --out "$RUN/rel-b" --build 24.03.selftest-b --installer 0.20 "${common[@]}")
	REL_C=$("$STANDIN_DIR/build-release.sh" --out "$RUN/rel-c" --build 22.03.selftest-c --installer 0.16 "${common[@]}")
}

# $2 is a glob: the artifact name after nestos-<build>-
artifact() { ls "$1"/nestos-*-$2; }

# ---------------------------------------------------------------- payload

data_url() { printf 'data:;base64,%s' "$(printf '%s' "$1" | base64 -w0)"; }

# The live config x2nestos would embed: 0600 files, one installer config
# file per YAML argument (0000-x.yaml, 0001-x.yaml, ...) and dest.ign.
live_config() {
	local version=$1 n=0 yaml files='[]'
	shift
	for yaml in "$@"; do
		files=$(jq -c --arg p "/etc/nestos/installer.d/000$n-x.yaml" --arg s "$(data_url "$yaml")" \
			'. + [{path: $p, mode: 384, contents: {source: $s}}]' <<<"$files")
		n=$((n + 1))
	done
	jq -cn --arg v "$version" --argjson f "$files" --arg d "$(data_url "$DEST_IGN")" '{
		ignition: {version: $v},
		storage: {files: ($f + [{path: "/etc/nestos/dest.ign", mode: 384, contents: {source: $d}}])}}'
}

# gzip newc cpio with config.ign and a network keyfile, as pxe customize makes.
#   make_payload DIR SPEC_VERSION YAML...
make_payload() {
	local dir=$1
	shift
	rm -rf "$dir/payload"
	mkdir -p "$dir/payload/etc/nestos-firstboot-network"
	live_config "$@" >"$dir/payload/config.ign"
	printf '%s' "$KEYFILE" >"$dir/payload/etc/nestos-firstboot-network/selftest.nmconnection"
	chmod 0600 "$dir/payload/config.ign" "$dir/payload/etc/nestos-firstboot-network/selftest.nmconnection"
	(cd "$dir/payload" && printf '%s\n' config.ign etc etc/nestos-firstboot-network etc/nestos-firstboot-network/selftest.nmconnection |
		cpio -o -H newc -R 0:0 --quiet | ${PAYLOAD_COMPRESS:-gzip -n}) >"$dir/payload.cpio.gz"
}

pad4() {
	local size
	size=$(stat -c %s "$1")
	head -c $(((4 - size % 4) % 4)) /dev/zero >>"$1"
}

# Concatenates initrd members, padding each to 4 bytes (unless told not to).
concat_initrd() {
	local out=$1 pad=$2 member
	shift 2
	: >"$out"
	for member in "$@"; do
		cat "$member" >>"$out"
		[ "$pad" = nopad ] || pad4 "$out"
	done
}

yaml_for() {
	printf 'dest-device: /dev/disk/by-id/virtio-TARGET1\nignition-file: /etc/nestos/dest.ign\n%s' "$1"
}

# ------------------------------------------------------------------ boot

# Boots kernel+initrd with APPEND against a fresh sparse disk; the serial
# console goes to $dir/console.log. Sets BOOT_SECONDS.
boot() {
	local dir=$1 kernel=$2 initrd=$3 append=$4 net=${5:-user,id=n0,restrict=on}
	local start
	BOOT_STATUS=0
	[ -e "$dir/disk.img" ] || truncate -s 2G "$dir/disk.img"
	start=$(date +%s.%N)
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -nodefaults -machine pc -accel tcg -m 1536 -smp 1 \
		-no-reboot -display none -monitor none -serial "file:$dir/console.log" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		-drive "file=$dir/disk.img,if=none,id=d0,format=raw" -device virtio-blk-pci,drive=d0,serial=TARGET1 \
		-netdev "$net" -device virtio-net-pci,netdev=n0 &
	local qemu=$!
	# A boot expected to hang is stopped as soon as the console proves it.
	while [ -n "${BOOT_STOP_ON:-}" ] && kill -0 "$qemu" 2>/dev/null; do
		grep -qF -- "$BOOT_STOP_ON" "$dir/console.log" 2>/dev/null && { kill "$qemu"; BOOT_STATUS=stopped; break; }
		sleep 1
	done
	wait "$qemu" || [ "$BOOT_STATUS" = stopped ] || BOOT_STATUS=$?
	BOOT_SECONDS=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
	[ "$BOOT_STATUS" = 0 ] || echo "qemu: $BOOT_STATUS (124 = timeout after ${BOOT_TIMEOUT}s, stopped = killed on '${BOOT_STOP_ON:-}')" >>"$dir/console.log"
}

# A loopback HTTP server the guest reaches as http://10.0.2.100/ (restrict=on
# keeps it off every other network). Sets NET for boot().
serve() {
	local port=$((18000 + RANDOM % 2000))
	busybox httpd -f -p "127.0.0.1:$port" -h "$1" &
	HTTPD=$!
	NET="user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:socat STDIO TCP:127.0.0.1:$port"
}

stop_serving() {
	kill "$HTTPD" 2>/dev/null || true
	wait "$HTTPD" 2>/dev/null || true
}

# ---------------------------------------------------------------- checks

check() {
	local what=$1
	shift
	if "$@"; then
		return 0
	fi
	CHECK_FAILED="$CHECK_FAILED; $what"
}

console_has() { grep -qF -- "$1" "$SCENARIO_DIR/console.log"; }
disk_untouched() { cmp -s -n $((4 * 1024 * 1024)) "$SCENARIO_DIR/disk.img" /dev/zero; }
inspect() { "$STANDIN_DIR/inspect-disk.sh" "$SCENARIO_DIR/disk.img" >"$SCENARIO_DIR/inspect.json"; }
field() { jq -r "$1" "$SCENARIO_DIR/inspect.json"; }
field_is() { jq -e --arg want "$2" "($1 | tostring) == \$want" "$SCENARIO_DIR/inspect.json" >/dev/null; }

expect_installed() {
	local version=$1
	inspect
	check "console says INSTALLED" console_has 'nestos-standin: RESULT: INSTALLED'
	check "NestOS partitions" field_is '[.partitions[:4][].label] | join(",")' 'BIOS-BOOT,EFI-SYSTEM,boot,root'
	check "nestos flag" field_is .nestos true
	check "/ignition/config.ign equals dest.ign" field_is .ignition "$DEST_IGN"
	check "config.ign mode 0600" field_is .ignitionMode 600
	check "kargs carry the console" field_is '.kargs | split(" ") | index("console=ttyS0,115200n8") != null' true
	check "kargs carry append-karg" field_is '.kargs | split(" ") | index("selftest.karg=1") != null' true
	check "keyfile copied" field_is '.firstbootNetwork["selftest.nmconnection"]' "$KEYFILE"
	check "installer version $version" field_is .installer.version "$version"
	check "live files were 0600" field_is '[.installer.liveFileModes[]] | unique | join(",")' 600
}

expect_failed_untouched() {
	check "console says FAILED" console_has 'nestos-standin: RESULT: FAILED'
	check "console says: $1" console_has "$1"
	check "disk untouched" disk_untouched
}

INSTALL_YAML=$'offline: true\nconsole: ["ttyS0,115200n8"]\nappend-karg:\n  - selftest.karg=1\ncopy-network: true\n'

scenario_install-0.20() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_installed 0.20
	check "offline install from the embedded image" field_is .installer.imageSource.kind embedded
}

# 0.16 falls back to the embedded image without offline: true.
scenario_install-0.16() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "${INSTALL_YAML#offline: true$'\n'}")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_C" 'live-initramfs.*')" "$(artifact "$REL_C" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_C" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_installed 0.16
	check "fallback to the embedded image" field_is .installer.imageSource.kind embedded
	check "no offline key written" field_is '.installer.config.offline // "absent"' absent
}

scenario_unknown-key() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "${INSTALL_YAML}secure-boot-ish: true"$'\n')"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_failed_untouched 'unknown field `secure-boot-ish`'
}

scenario_build-mismatch() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_B" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_failed_untouched 'Please fix your PXE configuration'
}

scenario_no-firstboot() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "${BASE_APPEND#ignition.firstboot }"
	check "console says Ignition did not run" console_has 'Ignition: NOT running'
	check "console says IDLE" console_has 'nestos-standin: RESULT: IDLE'
	check "disk untouched" disk_untouched
}

scenario_no-image-source() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "${INSTALL_YAML#offline: true$'\n'}")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_failed_untouched 'no image source'
}

# The initramfs ends off a 4-byte boundary on purpose: no padding = no rootfs.
scenario_unpadded-append() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" nopad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_failed_untouched 'the kernel could not unpack the initrd'
}

# NestOS 22.03 (installer 0.16) ran Ignition 2.9: spec 3.3.0 is fatal there.
scenario_spec-too-new-0.16() {
	make_payload "$SCENARIO_DIR" 3.3.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_C" 'live-initramfs.*')" "$(artifact "$REL_C" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_C" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_failed_untouched "spec version '3.3.0'"
}

# rootfs by URL from a loopback HTTP server (busybox httpd behind guestfwd),
# with a static ip= naming the predictable interface name (ens3 on QEMU's pc
# machine); the network kargs reach the first boot.
STATIC_NET='ip=10.0.2.15::10.0.2.2:255.255.255.0:standin:ens3:none nameserver=10.0.2.3'
scenario_rootfs-url() {
	mkdir -p "$SCENARIO_DIR/www"
	cp "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/www/rootfs.img"
	serve "$SCENARIO_DIR/www"
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" \
		"$BASE_APPEND rd.neednet=1 $STATIC_NET nestos.live.rootfs_url=http://10.0.2.100/rootfs.img" "$NET"
	stop_serving
	expect_installed 0.20
	check "rootfs came by URL" field_is .installer.rootfs url
	check "network kargs forwarded to first boot" field_is .firstbootKargs "rd.neednet=1 $STATIC_NET"
}

# Two config files (lists accumulate, later scalars win) under a karg that
# overrides dest-device; console specs are normalized like the real one does.
# The payload is xz with a CRC32 check, which the kernel accepts.
scenario_merge-and-kargs() {
	PAYLOAD_COMPRESS='xz --check=crc32' make_payload "$SCENARIO_DIR" 3.2.0 \
		$'dest-device: /dev/disk/by-id/virtio-NOT-THIS-ONE\nignition-file: /etc/nestos/dest.ign\noffline: true\nappend-karg: [from.a=1]\nconsole: ["ttyS0,115200n8"]\n' \
		$'append-karg:\n  - selftest.karg=1\nconsole: [ttyS1]\ncopy-network: true\n'
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND nestos.inst.install_dev=vda"
	expect_installed 0.20
	check "karg overrides dest-device" field_is .installer.destDevice.given /dev/vda
	check "lists accumulate across files" field_is '.installer.config["append-karg"] | join(" ")' 'from.a=1 selftest.karg=1'
	check "console spec normalized" field_is '.kargs | split(" ") | index("console=ttyS1,9600n8") != null' true
}

# Less common keys: image-file (no .sig, so insecure), ignition-hash,
# delete-karg, platform.
scenario_more-options() {
	local hash
	hash=sha256-$(printf '%s' "$DEST_IGN" | sha256sum | cut -d' ' -f1)
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "${INSTALL_YAML#offline: true$'\n'}")" \
		"image-file: /run/nestos-standin/osmet/$(basename "$(artifact "$REL_A" 'metal.*.raw')").osmet
insecure: true
ignition-hash: $hash
delete-karg: [\"mitigations=auto,nosmt\"]
platform: qemu
"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_installed 0.20
	check "image-file used, signature skipped" field_is '.installer.imageSource | "\(.kind) \(.signature)"' 'file skipped'
	check "delete-karg applied" field_is '.kargs | split(" ") | index("mitigations=auto,nosmt") == null' true
	check "platform replaced" field_is '.kargs | split(" ") | index("ignition.platform.id=qemu") != null' true
}

# image-url: fetched from the loopback server, signature (.sig) checked.
scenario_image-url() {
	local image
	image=$(basename "$(artifact "$REL_A" 'metal.*.raw.xz')")
	serve "$REL_A"
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "image-url: http://10.0.2.100/$image"$'\n'"${INSTALL_YAML#offline: true$'\n'}")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND" "$NET"
	stop_serving
	expect_installed 0.20
	check "image came by URL" field_is .installer.imageSource.kind url
	check "signature verified" field_is .installer.imageSource.signature verified
}

# A bad ignition-url is retried forever: the machine hangs, as in reality.
scenario_ignition-url-hang() {
	mkdir -p "$SCENARIO_DIR/www"
	serve "$SCENARIO_DIR/www"
	make_payload "$SCENARIO_DIR" 3.2.0 $'dest-device: /dev/disk/by-id/virtio-TARGET1\nignition-url: http://10.0.2.100/missing.ign\ninsecure-ignition: true\noffline: true\n'
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	BOOT_STOP_ON='(attempt 3); retrying forever' boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND" "$NET"
	stop_serving
	check "still retrying after 3 attempts, never finished" [ "$BOOT_STATUS" = stopped ]
	check "no RESULT line" eval '! console_has "RESULT:"'
	check "disk untouched" disk_untouched
}

# xz's default CRC64 check is unknown to the kernel's decompressor.
scenario_xz-crc64-payload() {
	PAYLOAD_COMPRESS='xz --check=crc64' make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_failed_untouched 'the kernel could not unpack the initrd'
}

# Real Ignition rejects a relative path: the live system stops.
scenario_ignition-invalid() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	jq -c '.storage.files[0].path = "etc/relative.yaml"' "$SCENARIO_DIR/payload/config.ign" >"$SCENARIO_DIR/payload/config.new"
	mv "$SCENARIO_DIR/payload/config.new" "$SCENARIO_DIR/payload/config.ign"
	(cd "$SCENARIO_DIR/payload" && printf '%s\n' config.ign | cpio -o -H newc -R 0:0 --quiet | gzip -n) >"$SCENARIO_DIR/payload.cpio.gz"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_failed_untouched "Ignition failed in stage 'fetch-offline'"
}

# A config file ignition-file plus the ignition_url karg is a clap conflict.
scenario_ignition-conflict() {
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "$INSTALL_YAML")"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND nestos.inst.ignition_url=http://10.0.2.100/x.ign"
	expect_failed_untouched "'--ignition-file' cannot be used with '--ignition-url'"
}

# save-partlabel keeps a partition (and its data) behind the image.
scenario_save-partlabel() {
	truncate -s 2G "$SCENARIO_DIR/disk.img"
	sgdisk -n 5:1G:+64M -t 5:8300 -c 5:data "$SCENARIO_DIR/disk.img" >/dev/null
	printf 'keep-me' | dd of="$SCENARIO_DIR/disk.img" bs=1M seek=1024 conv=notrunc status=none
	make_payload "$SCENARIO_DIR" 3.2.0 "$(yaml_for "${INSTALL_YAML}save-partlabel: [da*]"$'\n')"
	concat_initrd "$SCENARIO_DIR/initrd" pad "$(artifact "$REL_A" 'live-initramfs.*')" "$(artifact "$REL_A" 'live-rootfs.*')" "$SCENARIO_DIR/payload.cpio.gz"
	boot "$SCENARIO_DIR" "$(artifact "$REL_A" 'live-kernel-*')" "$SCENARIO_DIR/initrd" "$BASE_APPEND"
	expect_installed 0.20
	check "partition 5 kept" field_is '.partitions[] | select(.number == 5) | "\(.label) \(.start)"' 'data 2097152'
	check "its data kept" [ "$(dd if="$SCENARIO_DIR/disk.img" bs=1M skip=1024 count=1 status=none | head -c 7)" = keep-me ]
}

# The installer's YAML reading, without a boot: busybox awk, as in the guest.
yaml_case() {
	local expect=$1 got
	printf '%s' "$2" >"$SCENARIO_DIR/case.yaml"
	got=$(busybox awk -f "$STANDIN_DIR/live/installer-yaml.awk" "$SCENARIO_DIR/case.yaml" | tr '\t\n' '|;') || true
	case $got in *"$expect"*) return 0 ;; esac
	echo "yaml case $(printf '%q' "$2"): expected '$expect' in '$got'" >>"$SCENARIO_DIR/console.log"
	return 1
}

scenario_yaml-subset() {
	BOOT_SECONDS=0
	check "flow sequence splits on commas" yaml_case 'L|console|P|ttyS0;L|console|P|115200n8;' $'console: [ttyS0,115200n8]\n'
	check "quoted item keeps its comma" yaml_case 'L|console|Q|ttyS0,115200n8;' $'console: ["ttyS0,115200n8"]\n'
	check "block sequence" yaml_case 'L|append-karg|P|a=1;L|append-karg|Q|b c;' $'append-karg:\n  - a=1\n  - \'b c\' # note\n'
	check "empty file is an error" yaml_case 'ERR|EOF while parsing a value' $'# nothing\n'
	check "duplicate key is an error" yaml_case 'ERR|duplicate field `offline`' $'offline: true\noffline: true\n'
	check "nested mapping is an error" yaml_case 'ERR|invalid type: map' $'dest-device:\n  path: /dev/vda\n'
	check "document marker and comments" yaml_case 'S|offline|P|true;' $'---\n# c\noffline: true # c\n'
	check "null scalar" yaml_case 'S|platform|N|;' $'platform:\n'
}

run_scenario() {
	SCENARIO_DIR=$RUN/$1
	CHECK_FAILED=
	rm -rf "$SCENARIO_DIR"
	mkdir -p "$SCENARIO_DIR"
	"scenario_$1"
	if [ -z "$CHECK_FAILED" ]; then
		printf 'PASS %-18s boot-to-poweroff %5.1f s\n' "$1" "$BOOT_SECONDS"
		rm -f "$SCENARIO_DIR/disk.img" "$SCENARIO_DIR/initrd" # keep the logs, not the bulk
	else
		printf 'FAIL %-18s boot-to-poweroff %5.1f s: %s (console: %s)\n' "$1" "$BOOT_SECONDS" "${CHECK_FAILED#; }" "$SCENARIO_DIR/console.log"
		grep 'nestos-standin:' "$SCENARIO_DIR/console.log" | tail -n 8 | sed 's/^/    /'
		FAILURES=$((FAILURES + 1))
	fi
}

main() {
	local scenario
	require_tools
	mkdir -p "$RUN"
	build_releases
	# shellcheck disable=SC2086 # the scenario lists are space-separated words
	case ${1:-} in --quick) set -- $QUICK_SCENARIOS ;; '') set -- $ALL_SCENARIOS ;; esac
	for scenario in "$@"; do
		case " $ALL_SCENARIOS " in *" $scenario "*) ;; *) die "unknown scenario $scenario (have: $ALL_SCENARIOS)" ;; esac
		run_scenario "$scenario"
	done
	[ "$FAILURES" = 0 ]
}

main "$@"
