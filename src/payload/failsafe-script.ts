/**
 * The failsafe script run in the live system by x2nestos-failsafe@<reason>.service. POSIX sh with
 * the tools every NestOS live image has (coreutils or busybox: dd, sha256sum, mount, awk); every
 * value from the host is single-quoted at the top, nothing else is interpolated.
 *
 * Decision (see src/payload/failsafe.ts):
 *   destination missing or untouched → stop the installer, record the outcome on the old system's
 *     filesystem, reboot through the firmware into the old system;
 *   destination written, first failure → record, restart the installer once;
 *   otherwise (second failure, or still writing at the deadline) → stay up: network + sshd,
 *     `nest` with the destination config's keys, a one-line message on every console.
 */
import { FAILSAFE_KEYS_PATH, LIVE_UNIT_NAMES, OUTCOME_FILE, OUTCOME_HISTORY, type FailsafeInputs } from './failsafe.js';

/** Single-quotes a value for sh: the only character that needs care inside '' is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function failsafeScript(input: FailsafeInputs): string {
  const regions = (input.fingerprint?.regions ?? []).map((r) => `${r.startSector}:${r.sectors}:${r.sha256}`).join(' ');
  const values: [string, string][] = [
    ['DEST_DEVICE', input.destDevice],
    ['DISK_REGIONS', regions],
    ['OUTCOME_UUID', input.outcomeFs?.uuid ?? ''],
    ['OUTCOME_FSTYPE', input.outcomeFs?.fsType ?? ''],
    ['OUTCOME_DIR', input.outcomeFs?.dir ?? ''],
    ['OUTCOME_FILE', OUTCOME_FILE],
    ['OUTCOME_HISTORY', OUTCOME_HISTORY],
    ['TIMEOUT_SECONDS', String(input.timeoutSeconds)],
    ['INSTALLER_UNIT', LIVE_UNIT_NAMES.installer],
    ['INSTALLER_CHAIN', LIVE_UNIT_NAMES.installerChain],
    ['SSHD_UNIT', LIVE_UNIT_NAMES.sshd],
    ['NETWORK_UNIT', LIVE_UNIT_NAMES.network],
    ['NEST_KEYS', FAILSAFE_KEYS_PATH],
    ['TOOL_VERSION', input.toolVersion],
  ];
  const header = values.map(([k, v]) => `${k}=${shQuote(v)}`).join('\n');
  return `#!/bin/sh
# x2nestos failsafe, written by x2nestos ${input.toolVersion.replace(/[^\w.+-]/g, '')}. Usage: failsafe installer-failed|timeout
set -u
${header}
REASON=\${1:-installer-failed}
# Both empty/unset under systemd; the unit tests point them into a scratch tree.
ROOT=\${X2NESTOS_FAILSAFE_ROOT:-}
STATE=\${X2NESTOS_FAILSAFE_STATE:-/run/x2nestos-failsafe}
LOG_HINT="journalctl -u $INSTALLER_UNIT -u x2nestos-failsafe@*"
mkdir -p "$STATE"
chmod 755 "$STATE" # the outcome is no secret: nest reads it over SSH

# One line on every active console (a server may log on tty0 and ttyS0 at once), plus the journal
# (stdout) and every logged-in terminal.
say() {
	line="x2nestos failsafe: $*"
	echo "$line"
	consoles=$(cat "$ROOT/sys/class/tty/console/active" 2>/dev/null)
	[ -n "$consoles" ] || consoles=console
	for c in $consoles; do
		[ -w "$ROOT/dev/$c" ] && printf '%s\\r\\n' "$line" >>"$ROOT/dev/$c" 2>/dev/null
	done
	command -v wall >/dev/null 2>&1 && printf '%s\\n' "$line" | wall 2>/dev/null
	return 0
}

json_string() {
	printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' | tr -d '\\000-\\037'
}

# missing | untouched | touched | unknown: the bytes outside the disk's partitions, as recorded on
# the host before the switch. Any difference counts as touched: never reboot into a written disk.
disk_state() {
	[ -e "$DEST_DEVICE" ] || { echo missing; return; }
	[ -n "$DISK_REGIONS" ] || { echo unknown; return; }
	for region in $DISK_REGIONS; do
		start=\${region%%:*}
		rest=\${region#*:}
		count=\${rest%%:*}
		want=\${rest#*:}
		got=$(dd if="$DEST_DEVICE" bs=512 skip="$start" count="$count" 2>/dev/null | sha256sum | cut -d' ' -f1)
		[ "$got" = "$want" ] || { echo touched; return; }
	done
	echo untouched
}

installer_active() {
	state=$(systemctl is-active "$INSTALLER_UNIT" 2>/dev/null)
	[ "$state" = active ] || [ "$state" = activating ] || [ "$state" = reloading ]
}

installer_said() {
	journalctl -u "$INSTALLER_UNIT" -n 40 -o cat --no-pager 2>/dev/null | grep -i -E 'error|fail|not found|no such' | tail -n 1
}

outcome_json() {
	printf '{"version":1,"at":"%s","reason":"%s","disk":"%s","action":"%s","destDevice":"%s","message":"%s","installerSaid":"%s","log":"%s","tool":"%s"}\\n' \\
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(json_string "$REASON")" "$DISK" "$ACTION" "$(json_string "$DEST_DEVICE")" \\
		"$(json_string "$MESSAGE")" "$(json_string "$(installer_said)")" "$(json_string "$LOG_HINT")" "$(json_string "$TOOL_VERSION")"
}

# The outcome: in the journal (read it while the live system is up), in /run, and on the old
# system's filesystem when the disk holding it was not written (read by \`x2nestos status\`).
# Every outcome is also kept in a history: when an install finally succeeds, the install record
# (src/payload/install-record.ts) tells NestOS's journal about each failed attempt.
record() {
	outcome=$(outcome_json)
	echo "X2NESTOS_OUTCOME $outcome"
	printf '%s\\n' "$outcome" >"$STATE/outcome.json"
	printf '%s\\n' "$outcome" >>"$STATE/$OUTCOME_HISTORY"
}

record_on_old_system() {
	[ -n "$OUTCOME_UUID" ] || { say "the old system's work directory is not reachable from here (recorded only in the journal)"; return 1; }
	dev=$ROOT/dev/disk/by-uuid/$OUTCOME_UUID
	[ -e "$dev" ] || dev=$(findfs "UUID=$OUTCOME_UUID" 2>/dev/null) || { say "no filesystem with UUID $OUTCOME_UUID: outcome recorded only in the journal"; return 1; }
	mnt=$STATE/old-system
	mkdir -p "$mnt"
	opts=rw
	[ "$OUTCOME_FSTYPE" = btrfs ] && opts=rw,subvolid=5
	mount -t "$OUTCOME_FSTYPE" -o "$opts" "$dev" "$mnt" || { say "cannot mount $dev: outcome recorded only in the journal"; return 1; }
	ok=1
	if [ -d "$mnt$OUTCOME_DIR" ] && printf '%s\\n' "$(outcome_json)" >"$mnt$OUTCOME_DIR/.$OUTCOME_FILE.tmp" && sync \\
		&& mv -f "$mnt$OUTCOME_DIR/.$OUTCOME_FILE.tmp" "$mnt$OUTCOME_DIR/$OUTCOME_FILE"; then
		ok=0
	fi
	sync
	umount "$mnt" || umount -l "$mnt"
	return $ok
}

reboot_unchanged() {
	ACTION=rebooted
	say "$MESSAGE; rebooting into the original system, unchanged"
	record
	record_on_old_system || true
	sync
	sleep 3
	systemctl reboot --force || reboot -f
}

retry_install() {
	ACTION=retried
	: >"$STATE/retried"
	say "$MESSAGE; retrying the install once (log: $LOG_HINT)"
	record
	systemctl reset-failed "$INSTALLER_UNIT" 2>/dev/null
	systemctl --no-block start "$INSTALLER_CHAIN"
}

# Reachable over SSH as nest, with the keys of the destination config.
stay_up() {
	ACTION=stayed-up
	: >"$STATE/stayed-up"
	if ! grep -q '^nest:' "$ROOT/etc/passwd"; then
		useradd -m -G wheel nest 2>/dev/null || useradd -m nest 2>/dev/null || adduser -D nest 2>/dev/null || {
			# No user tools at all: the live system's /etc is in RAM, write the entries directly.
			echo 'nest:x:1000:1000:nest:/home/nest:/bin/sh' >>"$ROOT/etc/passwd"
			echo 'nest:x:1000:' >>"$ROOT/etc/group"
			[ -e "$ROOT/etc/shadow" ] && echo 'nest:*:19000:0:99999:7:::' >>"$ROOT/etc/shadow"
			mkdir -p "$ROOT/home/nest"
		}
	fi
	# Key login only: an empty or locked ("!") password field becomes "*", which sshd accepts for keys.
	sed -i -e 's/^nest:!*:/nest:*:/' "$ROOT/etc/shadow" 2>/dev/null
	home=$(awk -F: '$1 == "nest" { print $6 }' "$ROOT/etc/passwd")
	[ -n "$home" ] && home=$ROOT$home
	if [ -n "$home" ] && [ -s "$ROOT$NEST_KEYS" ]; then
		mkdir -p "$home/.ssh"
		cp "$ROOT$NEST_KEYS" "$home/.ssh/authorized_keys"
		chmod 700 "$home/.ssh"
		chmod 600 "$home/.ssh/authorized_keys"
		chown -R nest: "$home" 2>/dev/null || chown -R nest "$home"
		if [ -d "$ROOT/etc/sudoers.d" ]; then
			echo 'nest ALL=(ALL) NOPASSWD: ALL' >"$ROOT/etc/sudoers.d/x2nestos-failsafe"
			chmod 440 "$ROOT/etc/sudoers.d/x2nestos-failsafe"
		fi
	fi
	systemctl --no-block start "$NETWORK_UNIT" "$SSHD_UNIT"
	record
	printf '%s\\n' "x2nestos failsafe: $MESSAGE. Log: $LOG_HINT" >"$ROOT/etc/motd" 2>/dev/null
	addresses=$(ip -o addr show scope global 2>/dev/null | awk '{ sub(/\\/.*/, "", $4); printf "%s ", $4 }')
	say "$MESSAGE; this live system stays up: ssh nest@\${addresses:-<this server's address>}(keys of your Ignition config); log: $LOG_HINT"
}

DISK=$(disk_state)
case $REASON in
timeout)
	[ -e "$STATE/stayed-up" ] && exit 0
	if installer_active; then
		if [ "$DISK" = missing ] || [ "$DISK" = untouched ]; then
			# Stuck before writing (a fetch retried forever, a disk that never appeared): stop it,
			# then look again, in case it started writing meanwhile.
			systemctl stop "$INSTALLER_UNIT"
			DISK=$(disk_state)
		fi
	fi
	minutes=$((TIMEOUT_SECONDS / 60))
	case $DISK in
	missing) MESSAGE="the live system could not find the disk $DEST_DEVICE within $minutes minutes" ;;
	untouched) MESSAGE="the installer did not finish within $minutes minutes and had not written to $DEST_DEVICE" ;;
	*) MESSAGE="the installer has not finished within $minutes minutes and has written to $DEST_DEVICE" ;;
	esac
	;;
*)
	case $DISK in
	missing) MESSAGE="the live system could not find the disk $DEST_DEVICE" ;;
	untouched) MESSAGE="the installer failed before writing to $DEST_DEVICE" ;;
	unknown) MESSAGE="the installer failed, and whether it wrote to $DEST_DEVICE is unknown" ;;
	*) MESSAGE="the installer failed after writing to $DEST_DEVICE" ;;
	esac
	[ -e "$STATE/retried" ] && MESSAGE="$MESSAGE, again after one retry"
	;;
esac

case $DISK in
missing | untouched) reboot_unchanged ;;
*)
	if [ "$REASON" != timeout ] && [ ! -e "$STATE/retried" ]; then
		retry_install
	else
		stay_up
	fi
	;;
esac
`;
}
