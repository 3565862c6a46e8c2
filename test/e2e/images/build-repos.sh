#!/usr/bin/env bash
# Builds the two package repositories the test server offers the guests, so that the tool under test
# can install kexec-tools with the host's own package manager while the guest is offline:
#
#   build-repos.sh --out DIR
#
#   DIR/debian/  an apt repository (dists/bookworm/main/binary-amd64/Packages{,.gz}, Release, pool/)
#                with Debian's kexec-tools and everything it depends on, fetched with apt-get download.
#                Guests use `deb [trusted=yes] http://10.0.2.100/debian bookworm main`.
#   DIR/rpms/    a yum repository (createrepo_c) with one kexec-tools rpm built by rpmbuild from the
#                files of Debian's kexec-tools and the Xen libraries its binary links against
#                (AutoReqProv off: the yum-family guest's rpm database knows nothing of its libc).
#
# Needs apt-get (with package lists), dpkg-scanpackages, dpkg-deb, rpmbuild, createrepo_c.
set -euo pipefail

out=''
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) echo "build-repos.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "usage: build-repos.sh --out DIR" >&2; exit 2; }

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/debian/pool/main" "$tmp/debian/dists/bookworm/main/binary-amd64" "$tmp/rpms" "$tmp/work"
tmp=$(realpath "$tmp")

# kexec-tools and its dependency closure; virtual packages (<...>) have nothing to download.
packages=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances kexec-tools | grep -v '^ ' | grep -v '^<' | sort -u)
# shellcheck disable=SC2086
(cd "$tmp/debian/pool/main" && apt-get download -q $packages >"$tmp/work/download.log" 2>&1) ||
  { cat "$tmp/work/download.log" >&2; exit 1; }

(cd "$tmp/debian" && dpkg-scanpackages --multiversion pool /dev/null 2>/dev/null) \
  >"$tmp/debian/dists/bookworm/main/binary-amd64/Packages"
gzip -9nk "$tmp/debian/dists/bookworm/main/binary-amd64/Packages"
# The Release file apt checks the indexes against (unsigned: the guests trust this source).
(
  cd "$tmp/debian/dists/bookworm"
  printf 'Origin: x2nestos-e2e\nSuite: bookworm\nCodename: bookworm\nComponents: main\nArchitectures: amd64\n'
  printf 'Date: %s\n' "$(LC_ALL=C date -u -R)"
  printf 'SHA256:\n'
  for index in main/binary-amd64/Packages main/binary-amd64/Packages.gz; do
    printf ' %s %s %s\n' "$(sha256sum <"$index" | cut -d' ' -f1)" "$(stat -c %s "$index")" "$index"
  done
) >"$tmp/work/Release"
mv "$tmp/work/Release" "$tmp/debian/dists/bookworm/Release"

# The rpm: Debian's files laid out as on the (merged-/usr) guest.
stage="$tmp/work/stage"
mkdir -p "$stage"
for deb in "$tmp"/debian/pool/main/kexec-tools_*.deb "$tmp"/debian/pool/main/libxen*.deb "$tmp"/debian/pool/main/libyajl2_*.deb; do
  dpkg-deb -x "$deb" "$stage"
done
rm -rf "$stage/usr/share/doc" "$stage/usr/share/lintian" "$stage/etc/init.d" "$stage/etc/default"
# Merged /usr: /sbin is a link to usr/sbin on the guest, so the payload must not carry a /sbin dir.
if [ -d "$stage/sbin" ]; then mkdir -p "$stage/usr/sbin"; mv "$stage"/sbin/* "$stage/usr/sbin/"; rmdir "$stage/sbin"; fi
if [ -d "$stage/lib" ]; then mkdir -p "$stage/usr/lib"; cp -a "$stage"/lib/. "$stage/usr/lib/"; rm -rf "$stage/lib"; fi
version=$(dpkg-deb -f "$tmp"/debian/pool/main/kexec-tools_*.deb Version | sed 's/^[0-9]*://; s/-.*//')
top="$tmp/work/rpmbuild"
mkdir -p "$top"/{SPECS,BUILD,RPMS,SOURCES,BUILDROOT}
{
  cat <<EOF
Name: kexec-tools
Version: $version
Release: 1.oe2203
Summary: The kexec/kdump userspace component (x2nestos e2e repackaging of Debian's build)
License: GPL-2.0-only
AutoReqProv: no
%description
kexec-tools for the x2nestos end-to-end suite's yum-family guest, repackaged from Debian.
%install
mkdir -p %{buildroot}
cp -a $stage/. %{buildroot}/
%files
EOF
  (cd "$stage" && find . -type f -o -type l | sed 's/^\.//' | sort)
} >"$top/SPECS/kexec-tools.spec"
rpmbuild --quiet --define "_topdir $top" --define '_build_id_links none' -bb "$top/SPECS/kexec-tools.spec" \
  >"$tmp/work/rpmbuild.log" 2>&1 || { cat "$tmp/work/rpmbuild.log" >&2; exit 1; }
cp "$top"/RPMS/*/kexec-tools-*.rpm "$tmp/rpms/"
createrepo_c --quiet "$tmp/rpms" >/dev/null

rm -rf "$tmp/work"
rm -rf "$out"
mv "$tmp" "$out"
echo "build-repos: $(ls "$out/debian/pool/main" | wc -l) debs, $(ls "$out/rpms"/*.rpm | xargs -n1 basename)" >&2
