#!/usr/bin/env bash
# Builds one throwaway host image for the end-to-end suite, from Debian packages only.
#
#   build-image.sh --name base --out DIR [--deb-cache DIR] [--mirror URL]
#   build-image.sh --name debian12|openeuler2203 --base DIR --out DIR
#   build-image.sh --name datadisk --out DIR
#
# `base` is the root filesystem both host images share (DIR/root): debootstrap of bookworm, minbase
# plus the common userland and kernel, with its initramfs already made. debian12 and openeuler2203
# each start from a copy of it and add their own packages with apt-get (isc-dhcp-client; dnf and
# rpm), so one debootstrap serves both: the second one cost about 5 min of CPU in every CI run.
#
# A host image DIR receives: disk.qcow2 (10 GiB virtual, as NestOS wants >= 8 GiB; GPT: 1 MiB BIOS
# boot + ext4 root labelled `hostroot`), vmlinuz and initrd.img for QEMU's direct kernel boot, cmdline
# (the kernel command line), id_ed25519(.pub) (root's SSH key) and meta.json. `datadisk` is a second
# 10 GiB disk with a GPT and an ext4 partition holding a marker file: the "other disk" of the refusal
# and --disk scenarios.
#
# Why direct kernel boot: no bootloader has to be installed into an image file (that would need loop
# devices on the build machine); the guest still has its own kernel, modules and initramfs, and
# /proc/cmdline carries console=ttyS0,115200 as on a real serial-console server.
#
# Needs root (debootstrap chroots), debootstrap, sgdisk, mkfs.ext4 (-d, -E offset), qemu-img, and for
# openeuler2203 also rpmbuild. Writes nothing outside DIR, DIR.tmp and the .deb cache.
set -euo pipefail

name='' out='' base='' deb_cache='' mirror="${X2NESTOS_E2E_MIRROR:-http://deb.debian.org/debian}"
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --deb-cache) deb_cache="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    *) echo "build-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$name" ] && [ -n "$out" ] || { echo "usage: build-image.sh --name NAME --out DIR" >&2; exit 2; }

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
started=$(date +%s)

log() { printf '[build-image %s] %s\n' "$name" "$*" >&2; }
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'unmount_under "$tmp"' EXIT

finish() {
  finish_build "$tmp" "$out" "$1"
  log "done in $(( $(date +%s) - started )) s"
}

# GPT disk file with partition 1 = BIOS boot (1 MiB), partition 2 = ext4 from ROOT_DIR (label LABEL),
# filling the rest. mkfs.ext4 writes straight into the partition's range of the image file.
make_disk() {
  local raw="$1" size_mib="$2" label="$3" root_dir="$4"
  rm -f "$raw"
  truncate -s "${size_mib}M" "$raw"
  sgdisk --clear \
    --new=1:2048:4095 --typecode=1:EF02 --change-name=1:bios \
    --new=2:4096:0 --typecode=2:8300 --change-name=2:"$label" "$raw" >/dev/null
  local start_sector end_sector
  start_sector=$(sgdisk --info=2 "$raw" | awk '/First sector:/ {print $3}')
  end_sector=$(sgdisk --info=2 "$raw" | awk '/Last sector:/ {print $3}')
  local blocks=$(( (end_sector - start_sector + 1) * 512 / 4096 ))
  mkfs.ext4 -q -F -L "$label" -b 4096 -E "offset=$((start_sector * 512))" -d "$root_dir" "$raw" "$blocks"
}

if [ "$name" = datadisk ]; then
  mkdir -p "$tmp/data"
  printf 'x2nestos e2e data disk: must stay byte-for-byte unchanged unless a scenario converts it\n' \
    >"$tmp/data/MARKER"
  make_disk "$tmp/disk.raw" 10240 hostdata "$tmp/data"
  rm -rf "$tmp/data"
  qemu-img convert -f raw -O qcow2 "$tmp/disk.raw" "$tmp/disk.qcow2"
  rm -f "$tmp/disk.raw"
  finish "$(printf '{"name":"datadisk","buildSeconds":%d}' $(( $(date +%s) - started )))"
  exit 0
fi

common=systemd,systemd-sysv,udev,dbus,ifupdown,iproute2,openssh-server,python3,sudo,curl,wget,ca-certificates
common=$common,initramfs-tools,linux-image-amd64,kmod,procps,util-linux,xz-utils,zstd,less,netbase,cpio
root="$tmp/root"
in_root() { chroot_run "$root" "$@"; }

if [ "$name" = base ]; then
  log "debootstrap bookworm from $mirror"
  lean_debootstrap amd64 "$common" "$root" "$mirror" "$tmp/debootstrap.log" "$deb_cache"
  # The package lists debootstrap fetched stay: the images install their own packages from them.
  finish "$(printf '{"name":"base","buildSeconds":%d}' $(( $(date +%s) - started )))"
  exit 0
fi

case "$name" in
  debian12) extra=isc-dhcp-client ;;
  # No DHCP client at all on the yum-family host: its address is static (the else branch below).
  openeuler2203) extra='dnf rpm' ;;
  *) echo "build-image.sh: unknown image $name" >&2; exit 2 ;;
esac
[ -d "$base/root" ] || { echo "build-image.sh: --base must name a built base (DIR/root), got '$base'" >&2; exit 2; }
log "copy the base, then apt-get install $extra"
cp -a "$base/root" "$root"
mount -t proc proc "$root/proc"
# shellcheck disable=SC2086 # one word per package
in_root DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 $extra \
  >"$tmp/apt.log" 2>&1 || { tail -30 "$tmp/apt.log" >&2; exit 1; }
unmount_under "$root"

log "configure"
guest_basics "$root" "$name" ttyS0 "$tmp/id_ed25519"

# The NIC is virtio-net-pci at PCI slot 3 of q35 (qemu.mjs pins addr=0x3): systemd names it enp0s3.
nic=enp0s3
if [ "$name" = debian12 ]; then
  printf 'auto lo\niface lo inet loopback\n\nallow-hotplug %s\niface %s inet dhcp\n' "$nic" "$nic" \
    >"$root/etc/network/interfaces"
  # slirp's DHCP offers no DNS server under restrict=on, so dhclient never rewrites resolv.conf:
  # without this the image would keep the build machine's copy (debootstrap's).
  rm -f "$root/etc/resolv.conf"
  printf 'nameserver 10.0.2.3\n' >"$root/etc/resolv.conf"
else
  # Static addresses only. IPv4 lies outside slirp's DHCP pool (10.0.2.15-.30): anything that fell
  # back to DHCP would come up as .15. IPv6 sits in the prefix qemu.mjs gives slirp (fd00:e2e::/64,
  # router ::2, DNS ::3); slirp advertises that prefix and the host ignores the advertisements
  # (accept_ra and autoconf 0, from sysctl.d before the link comes up), so a SLAAC address or an RA
  # route on the host would be a mistake the scenario sees.
  cat >"$root/etc/network/interfaces" <<IFACES
auto lo
iface lo inet loopback

auto $nic
iface $nic inet static
    address 10.0.2.50/24
    gateway 10.0.2.2

iface $nic inet6 static
    address fd00:e2e::50/64
    gateway fd00:e2e::2
    accept_ra 0
    autoconf 0
IFACES
  for scope in all default "$nic"; do
    printf 'net.ipv6.conf.%s.accept_ra = 0\nnet.ipv6.conf.%s.autoconf = 0\n' "$scope" "$scope"
  done >"$root/etc/sysctl.d/90-e2e-static-ipv6.conf"
  rm -f "$root/etc/resolv.conf"
  printf 'search e2e.test\nnameserver 10.0.2.3\nnameserver 10.0.2.53\nnameserver fd00:e2e::3\n' >"$root/etc/resolv.conf"
  # What the address looks like to tools that read openEuler's own configuration.
  mkdir -p "$root/etc/sysconfig/network-scripts"
  cat >"$root/etc/sysconfig/network-scripts/ifcfg-$nic" <<EOF
TYPE=Ethernet
BOOTPROTO=none
NAME=$nic
DEVICE=$nic
ONBOOT=yes
IPADDR=10.0.2.50
PREFIX=24
GATEWAY=10.0.2.2
DNS1=10.0.2.3
DNS2=10.0.2.53
DNS3=fd00:e2e::3
DOMAIN=e2e.test
IPV6INIT=yes
IPV6_AUTOCONF=no
IPV6ADDR=fd00:e2e::50/64
IPV6_DEFAULTGW=fd00:e2e::2
EOF
fi

kver=$(ls "$root/lib/modules" | head -n1)
cp "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$tmp/initrd.img"
echo "root=LABEL=hostroot rw console=ttyS0,115200 panic=-1" >"$tmp/cmdline"

if [ "$name" = debian12 ]; then
  # The only package source is the test server's repository (build-repos.sh); the lists start empty
  # so the tool under test has to run `apt-get update` itself.
  rm -f "$root/etc/apt/sources.list.d/"*
  echo 'deb [trusted=yes] http://10.0.2.100/debian bookworm main' >"$root/etc/apt/sources.list"
  in_root apt-get clean
  rm -rf "$root/var/lib/apt/lists/"*
else
  # yum family: an openEuler 22.03 LTS identity, rpm database in /var/lib/rpm owning that identity,
  # dnf pointed at the test server, and no apt or dpkg left to find.
  rpm_top="$tmp/rpmbuild"
  mkdir -p "$rpm_top"/{SPECS,BUILD,RPMS,SOURCES,BUILDROOT}
  cat >"$rpm_top/SPECS/openEuler-release.spec" <<'EOF'
Name: openEuler-release
Version: 22.03
Release: 1.oe2203
Summary: openEuler release files (x2nestos e2e stand-in)
License: MulanPSL-2.0
BuildArch: noarch
AutoReqProv: no
Provides: system-release = 22.03
Provides: system-release(releasever) = 22.03
%description
Identity of an openEuler 22.03 LTS host, for the x2nestos end-to-end suite.
%install
mkdir -p %{buildroot}/etc %{buildroot}/usr/lib
cat >%{buildroot}/usr/lib/os-release <<'OS'
NAME="openEuler"
VERSION="22.03 LTS"
ID="openEuler"
VERSION_ID="22.03"
PRETTY_NAME="openEuler 22.03 LTS"
ANSI_COLOR="0;31"

OS
ln -s ../usr/lib/os-release %{buildroot}/etc/os-release
echo 'openEuler release 22.03 LTS' >%{buildroot}/etc/openEuler-release
ln -s openEuler-release %{buildroot}/etc/system-release
%files
/usr/lib/os-release
/etc/os-release
/etc/openEuler-release
/etc/system-release
EOF
  rpmbuild --quiet --define "_topdir $(realpath "$rpm_top")" -bb "$rpm_top/SPECS/openEuler-release.spec" \
    >"$tmp/rpmbuild.log" 2>&1 || { cat "$tmp/rpmbuild.log" >&2; exit 1; }

  rm -rf "$root/etc/apt" "$root/var/lib/apt" "$root/var/cache/apt" "$root/var/lib/dpkg" "$root/etc/dpkg"
  for bin in "$root"/usr/bin/apt* "$root"/usr/bin/dpkg* "$root"/usr/sbin/dpkg*; do rm -f "$bin"; done
  rm -f "$root/etc/os-release" "$root/usr/lib/os-release" "$root/etc/debian_version"
  mkdir -p "$root/etc/rpm"
  echo '%_dbpath /var/lib/rpm' >"$root/etc/rpm/macros.dbpath"
  cp "$rpm_top"/RPMS/noarch/openEuler-release-*.rpm "$root/tmp/release.rpm"
  in_root rpm --initdb
  in_root rpm -i --nodeps /tmp/release.rpm
  rm -f "$root/tmp/release.rpm"
  ln -sf dnf "$root/usr/bin/yum"
  mkdir -p "$root/etc/yum.repos.d"
  cat >"$root/etc/yum.repos.d/x2nestos-e2e.repo" <<'EOF'
[e2e-local]
name=x2nestos e2e local repository
baseurl=http://10.0.2.100/rpms/
enabled=1
gpgcheck=0
metadata_expire=0
EOF
fi

rm -rf "$root/var/cache/debconf/"*-old "$root/var/log/"*.log "$root/tmp/"*
log "make disk"
unmount_under "$root"
make_disk "$tmp/disk.raw" 10240 hostroot "$root"
qemu-img convert -f raw -O qcow2 "$tmp/disk.raw" "$tmp/disk.qcow2"
rm -f "$tmp/disk.raw"
rm -rf "$root"
finish "$(printf '{"name":"%s","kernel":"%s","buildSeconds":%d}' "$name" "$kver" $(( $(date +%s) - started )))"
