# Emulated systemd of the stand-in live rootfs (busybox ash), sourced by
# /sbin/init (live-init) and /usr/bin/systemctl. The real live system runs
# systemd; the stand-in honours what a converter can add through Ignition to
# /etc/systemd/system and what systemd would then do with it:
#
# - drop-ins nestos-installer.service.d/*.conf, in name order: OnFailure= and
#   Wants= with systemd's list rules (an empty assignment resets the list; the
#   shipped unit starts with OnFailure=emergency.target);
# - when the installer service fails: each OnFailure= unit's ExecStart= (%i =
#   the instance of a template unit), output on the console (journal+console);
#   emergency.target (nobody overrode it) ends the boot as before:
#   RESULT: FAILED and power-off;
# - Wants= timers: OnBootSec= (seconds, "Ns", "Nmin") from boot, then Unit=.
# Nothing else of systemd is emulated (no dependencies, no ordering, no [Install]).

UNIT_DIR=/etc/systemd/system
INSTALLER_UNIT=nestos-installer.service

# The value list of KEY in UNIT's drop-ins, starting from DEFAULT.
dropin_list() {
	local unit=$1 key=$2 list=$3 file line value
	for file in $(ls "$UNIT_DIR/$unit.d/"*.conf 2>/dev/null | sort); do
		while IFS= read -r line || [ -n "$line" ]; do
			case $line in
			"$key="*)
				value=${line#*=}
				if [ -z "$value" ]; then list=; else list="$list $value"; fi
				;;
			esac
		done <"$file"
	done
	echo $list
}

# The file of UNIT: itself, or its template (name@.service) for an instance.
unit_file() {
	local unit=$1
	[ -e "$UNIT_DIR/$unit" ] && { echo "$UNIT_DIR/$unit"; return; }
	case $unit in *@*.*) echo "$UNIT_DIR/${unit%%@*}@.${unit##*.}" ;; *) echo "$UNIT_DIR/$unit" ;; esac
}

# The last value of KEY in UNIT's file.
unit_key() {
	sed -n "s/^$2=//p" "$(unit_file "$1")" 2>/dev/null | tail -n 1
}

# Runs a service unit's ExecStart= (a oneshot), as systemd would start it.
start_unit() {
	local unit=$1 file cmd instance
	file=$(unit_file "$unit")
	[ -e "$file" ] || { say "systemd (emulated): unit $unit not found"; return 1; }
	cmd=$(unit_key "$unit" ExecStart)
	case $unit in *@*.*) instance=${unit#*@}; instance=${instance%.*} ;; *) instance= ;; esac
	cmd=$(printf '%s' "$cmd" | sed "s|%i|$instance|g")
	say "systemd (emulated): starting $unit: $cmd"
	sh -c "exec $cmd" >/dev/console 2>&1
	say "systemd (emulated): $unit finished with status $?"
}

installer_state() {
	cat "$STANDIN_RUN/installer.state" 2>/dev/null || echo inactive
}

# The installer service: runs it, and on failure its OnFailure= units.
run_installer() {
	local rc units unit
	mkdir -p "$STANDIN_RUN"
	rm -f "$STANDIN_RUN/installer.stopped"
	echo activating >"$STANDIN_RUN/installer.state"
	STANDIN_UNIT=$INSTALLER_UNIT /usr/libexec/nestos-installer-service &
	echo $! >"$STANDIN_RUN/installer.pid"
	wait $!
	rc=$?
	if [ -e "$STANDIN_RUN/installer.stopped" ]; then
		echo inactive >"$STANDIN_RUN/installer.state"
		say "systemd (emulated): $INSTALLER_UNIT stopped"
		return 0
	fi
	[ $rc = 0 ] && { echo inactive >"$STANDIN_RUN/installer.state"; return 0; }
	echo failed >"$STANDIN_RUN/installer.state"
	units=$(dropin_list $INSTALLER_UNIT OnFailure emergency.target)
	say "systemd (emulated): $INSTALLER_UNIT failed (status $rc); OnFailure=${units:-<none>}"
	for unit in $units; do
		case $unit in
		emergency.target)
			say "RESULT: FAILED"
			power_off
			;;
		*) start_unit "$unit" ;;
		esac
	done
}

# Timers the installer service pulls in (Wants=), armed from boot.
arm_timers() {
	local timer at target
	for timer in $(dropin_list $INSTALLER_UNIT Wants ''); do
		case $timer in *.timer) ;; *) continue ;; esac
		at=$(unit_key "$timer" OnBootSec)
		target=$(unit_key "$timer" Unit)
		case $at in *min) at=$((${at%min} * 60)) ;; *s) at=${at%s} ;; esac
		say "systemd (emulated): $timer armed: $target at ${at}s after boot"
		(
			while [ "$(cut -d. -f1 /proc/uptime)" -lt "$at" ]; do sleep 5; done
			say "systemd (emulated): $timer elapsed"
			start_unit "$target"
		) &
	done
}
