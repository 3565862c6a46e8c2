# Shared helpers of the stand-in NestOS live system (busybox ash).
# Sourced by /init in the initramfs and by /sbin/init + the installer in the
# live rootfs, so both halves log, read kargs and bring up the network alike.

STANDIN_RUN=/run/nestos-standin
STANDIN_LOG=$STANDIN_RUN/live.log

# Every line a test may grep for starts with this prefix; RESULT lines end a
# boot. The saved log also carries the uptime, to see where boot time goes.
say() {
	printf 'nestos-standin: %s\n' "$*" >/dev/console
	note "$*"
}

# Quiet details go to the saved log only, so the console stays readable.
note() {
	mkdir -p "$STANDIN_RUN"
	printf '[%7s] nestos-standin: %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$*" >>"$STANDIN_LOG"
}

# The real live system drops to an emergency shell or hangs on failure; the
# stand-in says why, loudly, and powers off so a test never waits for nothing.
# Inside a unit of the emulated systemd (live/units.sh sets STANDIN_UNIT), a
# fatal error fails that unit instead: the whole unit process ends ($$ is the
# unit's main shell even in a subshell), and its OnFailure= units decide.
fatal() {
	say "FATAL: $*"
	if [ -n "${STANDIN_UNIT:-}" ]; then
		kill -TERM $$ 2>/dev/null
		exit 1
	fi
	say "RESULT: FAILED"
	power_off
}

power_off() {
	sync
	sleep 1
	poweroff -f
	sleep 30
}

# The live system "reboots into the installed system" when done; QEMU runs
# with -no-reboot, so the reboot ends the VM just like a power-off.
reboot_now() {
	sync
	sleep 1
	reboot -f
	sleep 30
}

cmdline_words() {
	cat /proc/cmdline
}

# Last value of karg NAME=VALUE (kernel semantics: the last one wins).
karg() {
	local word value=
	for word in $(cmdline_words); do
		case $word in "$1"=*) value=${word#*=} ;; esac
	done
	printf '%s' "$value"
}

# Every value of a repeatable karg (ip=, nameserver=, rd.route=), one a line.
karg_all() {
	local word
	for word in $(cmdline_words); do
		case $word in "$1"=*) printf '%s\n' "${word#*=}" ;; esac
	done
}

# True when NAME or NAME=... is present.
has_karg() {
	local word
	for word in $(cmdline_words); do
		case $word in "$1" | "$1"=*) return 0 ;; esac
	done
	return 1
}

# dracut's boolean reading: absent, 0, no, off are false.
karg_true() {
	has_karg "$1" || return 1
	case $(karg "$1") in 0 | no | off) return 1 ;; esac
	return 0
}

# JSON string literal of stdin (awk keeps the shell free of escaping bugs).
json_string() {
	awk 'BEGIN { RS = "\001"; out = "" }
	{ out = out $0 }
	END {
		gsub(/\\/, "\\\\", out); gsub(/"/, "\\\"", out)
		gsub(/\t/, "\\t", out); gsub(/\r/, "\\r", out); gsub(/\n/, "\\n", out)
		printf "\"%s\"", out
	}'
}

# ---------------------------------------------------------------- network
# Emulates what NetworkManager does in the real initramfs / live system from
# the dracut network kargs: ip= (static or dhcp), ifname=, nameserver=,
# rd.route=; DHCP on every interface when no ip= says otherwise.

NETWORK_KARGS='ip ifname nameserver rd.route bond vlan team bridge bootdev rd.neednet rd.peerdns net.ifnames biosdevname'

network_is_up() {
	[ -e "$STANDIN_RUN/network-up" ]
}

ethernet_interfaces() {
	local dev
	for dev in /sys/class/net/*; do
		[ -e "$dev/device" ] && basename "$dev"
	done
}

prefix_of() {
	case $1 in
	*.*.*.*) ipcalc -p 0.0.0.0 "$1" | sed 's/^PREFIX=//' ;;
	*) printf '%s' "$1" ;;
	esac
}

# Splits a dracut ip= value on colons while keeping [ipv6] groups whole.
ip_fields() {
	printf '%s\n' "$1" | awk '{
		n = 0; cur = ""; inb = 0
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == "[") { inb = 1; continue }
			if (c == "]") { inb = 0; continue }
			if (c == ":" && !inb) { print cur; cur = ""; continue }
			cur = cur c
		}
		print cur
	}'
}

dhcp_on() {
	local iface=$1
	ip link set "$iface" up
	note "network: DHCP on $iface"
	udhcpc -i "$iface" -n -q -t 6 -T 2 -s /usr/share/udhcpc/default.script >>"$STANDIN_LOG" 2>&1
}

static_on() {
	local iface=$1 addr=$2 gw=$3 mask=$4 family=inet
	case $addr in *:*) family=inet6 ;; esac
	ip link set "$iface" up
	ip -f "$family" addr add "$addr/$(prefix_of "$mask")" dev "$iface" || return 1
	if [ -n "$gw" ]; then
		ip -f "$family" route add default via "$gw" dev "$iface" || return 1
	fi
	note "network: static $addr/$mask gw ${gw:-none} on $iface"
}

# An autoconf method, or a comma-separated list of them as NetworkManager's dracut module accepts
# (ip=enp1s0:dhcp,auto6): the stand-in runs DHCPv4 for any of them (it has no IPv6 autoconf).
is_autoconf() {
	local one
	for one in $(printf '%s' "$1" | tr ',' ' '); do
		case $one in dhcp | on | any | dhcp6 | auto6 | either6 | link6 | single-dhcp) ;; *) return 1 ;; esac
	done
	[ -n "$1" ]
}

apply_ip_karg() {
	local value=$1 fields client gw mask iface method dns1 dns2
	if is_autoconf "$value"; then
		local one
		for one in $(ethernet_interfaces); do dhcp_on "$one" && return 0; done
		return 1
	fi
	fields=$(ip_fields "$value")
	if [ "$(printf '%s\n' "$fields" | wc -l)" -eq 2 ]; then # ip=<interface>:dhcp
		iface=${value%%:*}
		is_autoconf "${value#*:}" || { say "WARNING: cannot parse ip=$value"; return 1; }
		[ -e "/sys/class/net/$iface" ] || { say "WARNING: ip=$value names interface $iface, which does not exist (have: $(ethernet_interfaces | tr '\n' ' '))"; return 1; }
		dhcp_on "$iface"
		return
	fi
	# ip=<client>:<peer>:<gw>:<mask>:<hostname>:<interface>:<method>[:dns1[:dns2]]
	client=$(printf '%s\n' "$fields" | sed -n 1p)
	gw=$(printf '%s\n' "$fields" | sed -n 3p)
	mask=$(printf '%s\n' "$fields" | sed -n 4p)
	iface=$(printf '%s\n' "$fields" | sed -n 6p)
	method=$(printf '%s\n' "$fields" | sed -n 7p)
	dns1=$(printf '%s\n' "$fields" | sed -n 8p)
	dns2=$(printf '%s\n' "$fields" | sed -n 9p)
	if [ -z "$iface" ]; then
		say "WARNING: ip=$value names no interface; NetworkManager would try all, the stand-in uses the first ($(ethernet_interfaces | head -n1))"
		iface=$(ethernet_interfaces | head -n1)
	fi
	[ -e "/sys/class/net/$iface" ] || { say "WARNING: ip=$value names interface $iface, which does not exist (have: $(ethernet_interfaces | tr '\n' ' '))"; return 1; }
	if is_autoconf "$method"; then
		dhcp_on "$iface"
		return
	fi
	case $method in
	none | off | static | '')
		[ -n "$client" ] || { say "WARNING: ip=$value has no address"; return 1; }
		static_on "$iface" "$client" "$gw" "${mask:-24}"
		;;
	*) say "WARNING: ip=$value: autoconf method '$method' is not emulated"; return 1 ;;
	esac
	for dns in $dns1 $dns2; do echo "nameserver $dns" >>/etc/resolv.conf; done
}

net_up() {
	network_is_up && return 0
	local value ok=0 route
	ip link set lo up
	for value in bond vlan team bridge; do
		has_karg "$value" && say "WARNING: $value= is not emulated by the stand-in (real NestOS supports it)"
	done
	if [ -n "$(karg_all ip)" ]; then
		for value in $(karg_all ip); do apply_ip_karg "$value" && ok=1; done
	else
		for value in $(ethernet_interfaces); do dhcp_on "$value" && { ok=1; break; }; done
	fi
	for value in $(karg_all nameserver); do echo "nameserver $value" >>/etc/resolv.conf; done
	for route in $(karg_all rd.route); do
		# rd.route=<net>/<prefix>:<gateway>[:<interface>]
		set -- $(ip_fields "$route")
		ip route add "$1" via "$2" ${3:+dev "$3"} || say "WARNING: rd.route=$route failed"
	done
	if [ $ok = 1 ]; then
		: >"$STANDIN_RUN/network-up"
		say "network up: $(ip -o -4 addr show | awk '$2 != "lo" { printf "%s %s; ", $2, $4 }')"
		return 0
	fi
	say "network: no interface could be configured (interfaces: $(ethernet_interfaces | tr '\n' ' '))"
	return 1
}

# The network kargs the installer forwards to the installed system's first boot.
network_kargs() {
	local word name out=
	for word in $(cmdline_words); do
		name=${word%%=*}
		for known in $NETWORK_KARGS; do
			[ "$name" = "$known" ] && out="$out $word"
		done
	done
	printf '%s' "${out# }"
}

# Fetches URL to FILE, retrying forever like the real installer service
# (a bad URL or no network hangs the machine; tests see that as a timeout).
fetch_forever() {
	local url=$1 out=$2 attempt=1
	while ! wget -q -O "$out.part" "$url" 2>>"$STANDIN_LOG"; do
		say "fetch of $url failed (attempt $attempt); retrying forever like the real installer"
		attempt=$((attempt + 1))
		sleep 5
		network_is_up || net_up || true
	done
	mv "$out.part" "$out"
}
