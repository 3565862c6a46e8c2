/**
 * The record of an install, for NestOS's own journal (issue 13): the live system's failsafe tells
 * the old system what happened when it gives up, but after a successful install (first try, or a
 * retry after a failure) only NestOS boots again, so the story must reach NestOS.
 *
 * Two halves, because no one system sees it all:
 * - in the live system, a post-install hook (contract §9: After=nestos-installer.service,
 *   Before=nestos-installer.target, RequiredBy=nestos-installer.target) writes `x2nestos/install.log`
 *   on the new disk's `boot` partition, the only filesystem the installer leaves for such files
 *   (it puts `/ignition/config.ign` there itself). It takes the partition of the destination disk
 *   by its GPT name from sysfs, never `/dev/disk/by-label/boot` machine-wide (src/plan/boot-labels.ts:
 *   the label is only unique once the install is done, and the plan checks that), and it never fails
 *   the hook: a failing hook would stop an installed server at the live system's emergency shell;
 * - in the destination config (the user's, wrapped: src/ignition/augment.ts), an `x2nestos-*` unit
 *   that on the first boot of NestOS sends that file to the journal with the identifier `x2nestos`
 *   (`journalctl -t x2nestos`), then keeps a copy in /var/lib/x2nestos so it logs it only once
 *   (NestOS mounts /boot read-only: the file cannot be removed from there).
 */
import { LIVE_UNIT_NAMES, OUTCOME_HISTORY } from './failsafe.js';
import { shQuote } from './failsafe-script.js';
import { postInstallHookUnit } from './post-install-hook.js';
import type { LiveFile, LiveUnit } from '../ignition/live-config.js';

/** On the installed system's boot partition (mounted at /boot in NestOS). */
export const INSTALL_RECORD_DIR = 'x2nestos';
export const INSTALL_RECORD_FILE = 'install.log';
/** Once logged, the record is kept here; its presence means "already logged". */
export const INSTALL_RECORD_LOGGED = '/var/lib/x2nestos/install.log';
export const INSTALL_RECORD_LIVE_UNIT = 'x2nestos-install-record.service';
export const INSTALL_RECORD_LIVE_SCRIPT = '/etc/x2nestos/install-record';
export const INSTALL_RECORD_DEST_UNIT = 'x2nestos-install-journal.service';
/** The journal's SYSLOG_IDENTIFIER of the record's lines. */
export const JOURNAL_IDENTIFIER = 'x2nestos';

export interface InstallRecordInputs {
  destDevice: string;
  toolVersion: string;
  /** The converted host, as the plan names it: "web01 (CentOS Linux 7)". */
  sourceHost: string;
}

export const INSTALL_RECORD_LIVE_UNIT_TEXT = postInstallHookUnit({
  comment: 'Written by x2nestos: a post-install hook (contract §9); it never fails, see the script.',
  description: "x2nestos: record this install on the new boot partition, for NestOS's first boot",
  script: INSTALL_RECORD_LIVE_SCRIPT,
});

const bootRecord = `/boot/${INSTALL_RECORD_DIR}/${INSTALL_RECORD_FILE}`;

export const INSTALL_RECORD_DEST_UNIT_TEXT = `# Written by x2nestos: logs how this system was installed, once, on its first boot.
[Unit]
Description=x2nestos: log how this system was installed (journalctl -t ${JOURNAL_IDENTIFIER})
ConditionPathExists=${bootRecord}
ConditionPathExists=!${INSTALL_RECORD_LOGGED}
RequiresMountsFor=/boot /var/lib

[Service]
Type=oneshot
ExecStart=/usr/bin/systemd-cat --identifier=${JOURNAL_IDENTIFIER} --priority=notice /usr/bin/cat ${bootRecord}
ExecStart=/usr/bin/install -D -m 0644 ${bootRecord} ${INSTALL_RECORD_LOGGED}

[Install]
WantedBy=multi-user.target
`;

export function installRecordScript(input: InstallRecordInputs): string {
  const values: [string, string][] = [
    ['DEST_DEVICE', input.destDevice],
    ['TOOL_VERSION', input.toolVersion],
    ['SOURCE_HOST', input.sourceHost],
    ['RECORD_DIR', INSTALL_RECORD_DIR],
    ['RECORD_FILE', INSTALL_RECORD_FILE],
    ['HISTORY', OUTCOME_HISTORY],
    ['INSTALLER_UNIT', LIVE_UNIT_NAMES.installer],
  ];
  const header = values.map(([k, v]) => `${k}=${shQuote(v)}`).join('\n');
  return `#!/bin/sh
# x2nestos: record this install on the new disk's boot partition; NestOS logs it at its first boot.
# A post-install hook: whatever goes wrong here, it exits 0 (a failing hook would leave an
# installed server at the live system's emergency shell).
set -u
${header}
# Both empty/unset under systemd; the unit tests point them into a scratch tree.
ROOT=\${X2NESTOS_FAILSAFE_ROOT:-}
STATE=\${X2NESTOS_FAILSAFE_STATE:-/run/x2nestos-failsafe}

field() { # field NAME < one JSON line of the failsafe: the string value of NAME
	sed -n "s/.*\\"$1\\":\\"\\([^\\"]*\\)\\".*/\\1/p"
}

json_string() {
	printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' | tr -d '\\000-\\037'
}

# The story: one line each, as the journal will show them.
failures=0
lines=
history=$STATE/$HISTORY
if [ -s "$history" ]; then
	while IFS= read -r outcome; do
		reason=$(printf '%s' "$outcome" | field reason)
		message=$(printf '%s' "$outcome" | field message)
		action=$(printf '%s' "$outcome" | field action)
		said=$(printf '%s' "$outcome" | field installerSaid)
		[ "$reason" = installer-failed ] && failures=$((failures + 1))
		lines="$lines
failsafe ($reason): $message; it $action\${said:+ (installer said: $said)}"
	done <"$history"
fi
attempts=$((failures + 1))
if [ "$failures" = 0 ] && [ -z "$lines" ]; then
	verdict="not needed: the first install attempt succeeded"
elif [ -e "$STATE/stayed-up" ]; then
	verdict="it stayed up after $failures failed attempt(s); attempt $attempts, started again by hand, succeeded"
else
	verdict="$failures failed attempt(s) and a retry; attempt $attempts succeeded"
fi
at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
history_json=$(grep -h '^{' "$history" 2>/dev/null | tr '\\n' ',' | sed 's/,$//')
record="x2nestos $TOOL_VERSION converted $SOURCE_HOST to NestOS, installed on $DEST_DEVICE at $at
install attempts: $attempts\${lines}
failsafe verdict: $verdict
X2NESTOS_INSTALL {\\"version\\":1,\\"tool\\":\\"$(json_string "$TOOL_VERSION")\\",\\"host\\":\\"$(json_string "$SOURCE_HOST")\\",\\"destDevice\\":\\"$(json_string "$DEST_DEVICE")\\",\\"at\\":\\"$at\\",\\"attempts\\":$attempts,\\"failsafe\\":[$history_json]}"
printf '%s\\n' "$record" | sed 's/^/x2nestos install record: /'

# The destination's partition named "boot" (GPT name, from sysfs: no udev links needed).
disk=$(readlink -f "$ROOT$DEST_DEVICE")
boot=
for p in "$ROOT/sys/class/block/\${disk##*/}/\${disk##*/}"*; do
	[ -e "$p/partition" ] || continue
	grep -qx 'PARTNAME=boot' "$p/uevent" 2>/dev/null && boot=$ROOT/dev/\${p##*/}
done
[ -n "$boot" ] || { echo "x2nestos install record: no partition named boot on $disk; the record stays in this journal only"; exit 0; }
mnt=$STATE/new-boot
mkdir -p "$mnt"
mount "$boot" "$mnt" || { echo "x2nestos install record: cannot mount $boot; the record stays in this journal only"; exit 0; }
ok=1
if mkdir -p "$mnt/$RECORD_DIR" && printf '%s\\n' "$record" >"$mnt/$RECORD_DIR/.$RECORD_FILE.tmp" &&
	chmod 644 "$mnt/$RECORD_DIR/.$RECORD_FILE.tmp" && mv -f "$mnt/$RECORD_DIR/.$RECORD_FILE.tmp" "$mnt/$RECORD_DIR/$RECORD_FILE"; then
	ok=0
fi
sync
umount "$mnt" || umount -l "$mnt"
if [ $ok = 0 ]; then
	echo "x2nestos install record: written to $boot ($RECORD_DIR/$RECORD_FILE); NestOS logs it at its first boot (journalctl -t x2nestos)"
else
	echo "x2nestos install record: could not write it to $boot; it stays in this journal only"
fi
exit 0
`;
}

/** What the live system gets: the hook and its script. */
export function installRecordLive(input: InstallRecordInputs): { files: LiveFile[]; units: LiveUnit[] } {
  return {
    files: [{ path: INSTALL_RECORD_LIVE_SCRIPT, mode: 0o700, contents: installRecordScript(input) }],
    units: [{ name: INSTALL_RECORD_LIVE_UNIT, enabled: true, contents: INSTALL_RECORD_LIVE_UNIT_TEXT }],
  };
}
