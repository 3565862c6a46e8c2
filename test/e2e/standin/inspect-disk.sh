#!/usr/bin/env bash
# Describes a disk image after a stand-in install, as one JSON document:
#   inspect-disk.sh IMAGE
# {partitions:[{number,label,start,size,type}], nestos, ignition, ignitionMode,
#  firstbootNetwork:{file:contents}, firstbootKargs, kargs, installer, liveLog,
#  bootEntriesLog (x2nestos/boot-entries.log on the boot partition),
#  installRecord (x2nestos/install.log on the boot partition: what NestOS's first boot logs),
#  errors:[...]}
# Nothing is mounted: sfdisk reads the GPT, partitions are copied out of the
# image and read with debugfs (ext4). qcow2 images are read with qemu-img.
# Fields the disk does not have are null ({} / [] for collections).
set -euo pipefail

IMAGE=${1:?usage: inspect-disk.sh IMAGE}
[ -r "$IMAGE" ] || { echo "inspect-disk: cannot read $IMAGE" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ERRORS=()

# A qcow2 VM disk (often an overlay on a big base image): only its first
# 256 MiB are copied (GPT + the NestOS partitions), padded back to full size
# so the partition table still fits the disk.
as_raw() {
	local info format vsize mib
	info=$(qemu-img info --output=json "$IMAGE" 2>/dev/null || echo '{"format": "raw"}')
	format=$(jq -r .format <<<"$info")
	if [ "$format" = raw ]; then
		RAW=$IMAGE
		return
	fi
	vsize=$(jq -r '.["virtual-size"]' <<<"$info")
	mib=$((vsize / 1048576 < 256 ? vsize / 1048576 : 256))
	RAW=$TMP/disk.raw
	qemu-img dd -f "$format" -O raw bs=1M count="$mib" if="$IMAGE" of="$RAW"
	truncate -s "$vsize" "$RAW"
}

partitions_json() {
	sfdisk -J "$RAW" 2>/dev/null | jq -c '[.partitiontable.partitions[]? | {
		number: (.node | capture("(?<n>[0-9]+)$").n | tonumber),
		label: (.name // ""), start, size, type }]' 2>/dev/null || echo '[]'
}

# Copies the partition with GPT label $1 out of the image; prints its path.
extract_partition() {
	local start size
	read -r start size < <(jq -r --arg l "$1" '.[] | select(.label == $l) | "\(.start) \(.size)"' <<<"$PARTITIONS" | head -n1) || true
	[ -n "${start:-}" ] || return 1
	dd if="$RAW" of="$TMP/$1.img" bs=1M iflag=skip_bytes,count_bytes skip=$((start * 512)) count=$((size * 512)) conv=sparse status=none
	echo "$TMP/$1.img"
}

ext_exists() { debugfs -R "stat $2" "$1" 2>/dev/null | grep -q '^Inode:'; }
ext_cat() { debugfs -R "cat $2" "$1" 2>/dev/null; }
ext_mode() { debugfs -R "stat $2" "$1" 2>/dev/null | sed -n 's/.*Mode: *0*\([0-7]*\).*/\1/p' | head -n1; }
# Regular files of a directory (debugfs ls -p: /inode/mode/uid/gid/name/size/).
ext_files() { debugfs -R "ls -p $2" "$1" 2>/dev/null | awk -F/ '$3 ~ /^100/ { print $6 }'; }

file_json() {
	if ext_exists "$1" "$2"; then ext_cat "$1" "$2" | jq -Rs .; else echo null; fi
}

inspect_boot() {
	local boot=$1 entry name
	IGNITION=$(file_json "$boot" /ignition/config.ign)
	IGNITION_MODE=null
	ext_exists "$boot" /ignition/config.ign && IGNITION_MODE=$(ext_mode "$boot" /ignition/config.ign | jq -R .)
	NETWORK='{}'
	for name in $(ext_files "$boot" /nestos-firstboot-network); do
		NETWORK=$(jq -c --arg n "$name" --argjson c "$(file_json "$boot" "/nestos-firstboot-network/$name")" '. + {($n): $c}' <<<"$NETWORK")
	done
	entry=$(ext_files "$boot" /loader/entries | grep '\.conf$' | LC_ALL=C sort | tail -n1 || true)
	KARGS=null
	[ -z "$entry" ] || KARGS=$(ext_cat "$boot" "/loader/entries/$entry" | sed -n 's/^options //p' | jq -Rs 'rtrimstr("\n")')
	FIRSTBOOT_KARGS=$(ext_cat "$boot" /ignition.firstboot | sed -n 's/^set ignition_network_kcmdline="\(.*\)"$/\1/p' | tail -n1 | jq -Rs 'if . == "" then null else rtrimstr("\n") end')
	INSTALLER=null
	if ext_exists "$boot" /nestos-standin/install.json; then
		INSTALLER=$(ext_cat "$boot" /nestos-standin/install.json | jq -c . 2>/dev/null) || {
			INSTALLER=null
			ERRORS+=("install.json on the boot partition is not valid JSON")
		}
	fi
	LIVE_LOG=$(file_json "$boot" /nestos-standin/live.log)
	# What a converter's post-install hook recorded about the UEFI boot menu (x2nestos).
	BOOT_ENTRIES_LOG=$(file_json "$boot" /x2nestos/boot-entries.log)
	# The install record x2nestos's post-install hook left for NestOS's journal.
	INSTALL_RECORD=$(file_json "$boot" /x2nestos/install.log)
	HAS_ENTRY=$([ -n "$entry" ] && echo true || echo false)
}

main() {
	local boot
	as_raw
	PARTITIONS=$(partitions_json)
	IGNITION=null IGNITION_MODE=null NETWORK='{}' KARGS=null FIRSTBOOT_KARGS=null INSTALLER=null LIVE_LOG=null BOOT_ENTRIES_LOG=null INSTALL_RECORD=null HAS_ENTRY=false
	if boot=$(extract_partition boot); then
		inspect_boot "$boot"
	fi
	jq -n \
		--argjson partitions "$PARTITIONS" \
		--argjson hasEntry "$HAS_ENTRY" \
		--argjson ignition "$IGNITION" \
		--argjson ignitionMode "$IGNITION_MODE" \
		--argjson firstbootNetwork "$NETWORK" \
		--argjson firstbootKargs "$FIRSTBOOT_KARGS" \
		--argjson kargs "$KARGS" \
		--argjson installer "$INSTALLER" \
		--argjson liveLog "$LIVE_LOG" \
		--argjson bootEntriesLog "$BOOT_ENTRIES_LOG" \
		--argjson installRecord "$INSTALL_RECORD" \
		--args '{
			partitions: $partitions,
			nestos: ($hasEntry and ([$partitions[].label] | contains(["BIOS-BOOT", "EFI-SYSTEM", "boot", "root"]))),
			ignition: $ignition, ignitionMode: $ignitionMode,
			firstbootNetwork: $firstbootNetwork, firstbootKargs: $firstbootKargs,
			kargs: $kargs, installer: $installer, liveLog: $liveLog, bootEntriesLog: $bootEntriesLog, installRecord: $installRecord,
			errors: $ARGS.positional }' "${ERRORS[@]}"
}

main
