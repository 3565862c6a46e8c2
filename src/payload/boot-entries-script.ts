/**
 * The shell script the live system runs after nestos-installer wrote the disk (a post-install hook,
 * contract §9). POSIX sh only: NestOS's live system has bash, the e2e stand-in only busybox.
 * (This file holds only file contents for the live system: no text here is a message for people.)
 * Its parameters come from a separate file so the script itself is the same for every host.
 *
 * It never fails the unit: the disk is installed by then, and a failing hook would stop the live
 * system at an emergency shell nobody reaches on a remote server. A reboot at least gives the
 * firmware its removable-media path (EFI/BOOT/BOOT*.EFI, shim's fallback). The outcome is logged to
 * the console and journal and recorded on the installed boot partition (x2nestos/boot-entries.log).
 */
export const BOOT_ENTRIES_UNIT = 'x2nestos-boot-entries.service';
import { postInstallHookUnit } from './post-install-hook.js';

export const BOOT_ENTRIES_SCRIPT_PATH = '/etc/x2nestos/boot-entries.sh';
export const BOOT_ENTRIES_ENV_PATH = '/etc/x2nestos/boot-entries.env';

export const BOOT_ENTRIES_SCRIPT = `#!/bin/sh
# x2nestos: point the UEFI boot menu at the NestOS just installed.
# Parameters: /etc/x2nestos/boot-entries.env (DEST, ARCH_SUFFIX, FALLBACK, OLD_GUIDS, MODE, LABEL).
set -u
. /etc/x2nestos/boot-entries.env
RECORD=/run/x2nestos-boot-entries.log
: >"$RECORD"

log() {
	printf 'x2nestos-boot-entries: %s\\n' "$*"
	printf '%s\\n' "$*" >>"$RECORD"
}

# The record goes to the installed system's boot partition, so whoever logs in later can see
# (and undo) what was changed in the firmware.
save_record() {
	local boot mnt
	boot=$(part_named boot) || return 0
	mnt=$(mktemp -d)
	if mount "$boot" "$mnt" 2>/dev/null; then
		mkdir -p "$mnt/x2nestos" && cp "$RECORD" "$mnt/x2nestos/boot-entries.log"
		umount "$mnt"
	fi
	rmdir "$mnt"
}

finish() {
	log "RESULT: $*"
	save_record
	exit 0
}

# Partition of the destination disk whose GPT name is $1 (from sysfs: no udev links needed).
part_named() {
	local p
	for p in /sys/class/block/"$DISK_NAME"/"$DISK_NAME"*; do
		[ -e "$p/partition" ] || continue
		if grep -qx "PARTNAME=$1" "$p/uevent"; then
			echo "/dev/\${p##*/}"
			return 0
		fi
	done
	return 1
}

entry_lines() { efibootmgr -v | grep -E '^Boot[0-9A-Fa-f]{4}'; }
boot_order() { efibootmgr | sed -n 's/^BootOrder: *//p'; }

DISK=$(readlink -f "$DEST")
DISK_NAME=\${DISK##*/}
log "destination $DEST ($DISK), mode $MODE, old partition GUIDs: \${OLD_GUIDS:-none}"

[ -d /sys/firmware/efi ] || finish "skipped: the live system was not started by UEFI firmware"
if ! grep -q ' /sys/firmware/efi/efivars ' /proc/mounts; then
	mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null || modprobe efivarfs 2>/dev/null
	grep -q ' /sys/firmware/efi/efivars ' /proc/mounts || mount -t efivarfs efivarfs /sys/firmware/efi/efivars ||
		finish "FAILED: cannot mount efivarfs; the boot menu is unchanged"
fi
command -v efibootmgr >/dev/null || finish "FAILED: efibootmgr is missing from the live system; the boot menu is unchanged"

ESP=$(part_named EFI-SYSTEM) || finish "FAILED: no EFI-SYSTEM partition on $DISK; the boot menu is unchanged"
ESP_NUMBER=$(cat "/sys/class/block/\${ESP##*/}/partition")

# NestOS's own shim (what shim's fallback would register) is preferred over the removable-media
# path: booting EFI/BOOT/BOOT*.EFI from an entry makes shim run fb*.efi, which adds an entry and
# resets once more.
MNT=$(mktemp -d)
mount -t vfat -o ro "$ESP" "$MNT" || finish "FAILED: cannot mount $ESP; the boot menu is unchanged"
LOADER=
for f in "$MNT/EFI/openEuler/shim$ARCH_SUFFIX.efi" "$MNT"/EFI/*/"shim$ARCH_SUFFIX.efi" "$MNT/EFI/BOOT/$FALLBACK"; do
	case $f in "$MNT"/EFI/BOOT/shim*) continue ;; esac
	[ -f "$f" ] || continue
	LOADER=$(printf '%s' "\${f#"$MNT"}" | tr / '\\\\')
	break
done
umount "$MNT"
rmdir "$MNT"
[ -n "$LOADER" ] || finish "FAILED: no loader for $ARCH_SUFFIX on $ESP; the boot menu is unchanged"
log "NestOS loader: $LOADER on $ESP (partition $ESP_NUMBER)"

log "before:"
efibootmgr -v >>"$RECORD" 2>&1

OLD=
for guid in $OLD_GUIDS; do
	for n in $(entry_lines | grep -i -- "$guid" | sed 's/^Boot\\([0-9A-Fa-f]\\{4\\}\\).*/\\1/'); do
		case " $OLD " in *" $n "*) ;; *) OLD="$OLD $n" ;; esac
	done
done

if ! out=$(efibootmgr --create --disk "$DISK" --part "$ESP_NUMBER" --loader "$LOADER" --label "$LABEL" 2>&1); then
	log "$out"
	finish "FAILED: efibootmgr could not create the NestOS entry; the boot menu is unchanged"
fi
NEW=$(boot_order | cut -d, -f1)
log "created Boot$NEW \\"$LABEL\\" -> $LOADER, first in BootOrder"

for n in $OLD; do
	line=$(entry_lines | grep "^Boot$n")
	if [ "$MODE" = demote ]; then
		log "kept (demoted, --keep-boot-entries): $line"
	elif efibootmgr --bootnum "$n" --delete-bootnum >/dev/null 2>&1; then
		log "removed (pointed at the old system on $DISK): $line"
	else
		log "could not remove Boot$n: $line"
	fi
done

# BootOrder: NestOS first, then every other entry in its old order, the old system's (kept) last.
order=$NEW
for n in $(boot_order | tr , ' '); do
	case " $NEW $OLD " in *" $n "*) ;; *) order="$order,$n" ;; esac
done
if [ "$MODE" = demote ]; then
	for n in $OLD; do order="$order,$n"; done
fi
efibootmgr --bootorder "$order" >/dev/null 2>&1 || log "could not set BootOrder $order"

log "after:"
efibootmgr -v >>"$RECORD" 2>&1
[ "$(boot_order | cut -d, -f1)" = "$NEW" ] || finish "FAILED: Boot$NEW is not first in BootOrder ($(boot_order))"
finish "OK Boot$NEW first in BootOrder $(boot_order)"
`;

/** A post-install hook (src/payload/post-install-hook.ts), only where the firmware is UEFI. */
export const BOOT_ENTRIES_UNIT_TEXT = postInstallHookUnit({
  description: 'x2nestos: put NestOS first in the UEFI boot menu',
  script: BOOT_ENTRIES_SCRIPT_PATH,
  condition: 'ConditionPathExists=/sys/firmware/efi',
});
