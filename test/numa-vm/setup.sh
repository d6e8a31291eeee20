#!/usr/bin/env bash
# Prepares the multi-node NUMA guest used by the tests: installs QEMU and friends and
# two Debian kernels (6.1 and 6.12), extracts each one uncompressed and builds a small
# initramfs for it into <repo>/.cache/numa-vm/<kernel>/. Safe to run again: it only does
# what is missing or stale.
#
#   test/numa-vm/setup.sh                 install and build when needed, for both kernels
#   test/numa-vm/setup.sh --kernel 6.12   the same for one kernel (6.1 or 6.12)
#   test/numa-vm/setup.sh --check         exit 0 when everything is in place and current, 1 otherwise
#   test/numa-vm/setup.sh --force         rebuild the cache even if the stamp matches
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE="$ROOT/.cache/numa-vm"

PACKAGES=(qemu-system-x86 busybox-static numactl libnuma-dev cpio xz-utils zstd kmod)

KERNELS=(6.1 6.12)
# Bookworm's own kernel (the meta package follows its 6.1 updates), and one fixed build of
# the 6.12 backport, so that a test run does not change under us when a new one appears.
kernel_package() {
	case $1 in
		6.1) echo linux-image-amd64 ;;
		6.12) echo linux-image-6.12.100+deb12-amd64 ;;
	esac
}

# What the guest needs from each kernel; the build stops when one is missing, rather than a
# guest test failing later for a reason that is hard to see from inside the guest.
kernel_requires() {
	case $1 in
		6.1) echo NUMA MIGRATION ;;
		6.12) echo NUMA MIGRATION MEM_SOFT_DIRTY DAMON DAMON_VADDR DAMON_SYSFS ;;
	esac
}

# What init loads: the virtio transport, virtio-net (port forwards), 9p and overlay (the
# root). Their dependencies are found per kernel, and whatever a kernel has built in is skipped.
ROOT_MODULES=(virtio_pci virtio_net 9pnet_virtio 9p overlay)

MODE=build
SELECTED=("${KERNELS[@]}")
while [ $# -gt 0 ]; do
	case "$1" in
		--check) MODE=check ;;
		--force) MODE=force ;;
		--kernel)
			case "${2:-}" in
				6.1 | 6.12) SELECTED=("$2") ;;
				all) SELECTED=("${KERNELS[@]}") ;;
				*)
					echo "setup.sh: --kernel wants one of ${KERNELS[*]} or all" >&2
					exit 2
					;;
			esac
			shift
			;;
		-h | --help)
			sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "setup.sh: unknown argument $1" >&2
			exit 2
			;;
	esac
	shift
done

log() { [ "$MODE" = check ] || echo "numa-vm setup: $*" >&2; }

missing_packages() {
	local k wanted
	wanted=("${PACKAGES[@]}")
	for k in "${SELECTED[@]}"; do wanted+=("$(kernel_package "$k")"); done
	# One dpkg-query for all: this runs on every check, which must stay fast.
	dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null | awk '$NF == "installed" { print $1 }' |
		sort | comm -13 - <(printf '%s\n' "${wanted[@]}" | sort)
}

# The newest Debian kernel of a series (6.1: 6.1.x) in /boot whose modules are on disk.
# The running kernel may be a different build entirely (its modules absent), so uname -r
# is of no use here.
pick_kernel() {
	local series=$1 img ver best=
	for img in "/boot/vmlinuz-$series".*; do
		[ -e "$img" ] || continue
		ver=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$ver/kernel" ] || continue
		if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$ver" | sort -V | tail -n1)" = "$ver" ]; then
			best=$ver
		fi
	done
	echo "$best"
}

# Everything the cache is built from; any change here means a rebuild. $2 is the output
# of load_order.
inputs_digest() {
	local ver=$1 modules=$2
	{
		echo "kernel $ver"
		# shellcheck disable=SC2046 # one file name a word
		stat -c '%n %s %Y' "/boot/vmlinuz-$ver" "/boot/config-$ver" /bin/busybox $(echo "$modules" | cut -d' ' -f2)
		sha256sum "$HERE/setup.sh" "$HERE/guest-init.sh"
	} | sha256sum | cut -d' ' -f1
}

is_builtin() {
	local ver=$1 name=$2
	grep -qE "/(${name}|${name//_/-})\.ko\$" "/lib/modules/$ver/modules.builtin" 2>/dev/null
}

# The modules of ROOT_MODULES that are not built in, each after its dependencies (busybox
# insmod resolves nothing), one "name file" a line. Dependencies are read from the module
# files themselves, which works even when modules.dep is missing.
load_order() {
	local ver=$1
	declare -A seen=()
	visit() {
		local m=$1 f d
		[ -z "${seen[$m]:-}" ] || return 0
		seen[$m]=1
		! is_builtin "$ver" "$m" || return 0
		f=$(module_file "$ver" "$m") || {
			echo "numa-vm setup: module $m not found for kernel $ver" >&2
			return 1
		}
		for d in $(modinfo -F depends "$f" | tr ',' ' '); do
			visit "$d" || return 1
		done
		echo "$m $f"
	}
	for m in "${ROOT_MODULES[@]}"; do
		visit "$m" || return 1
	done
}

module_file() {
	local ver=$1 name=$2 f
	f=$(modinfo -k "$ver" -F filename "$name" 2>/dev/null | head -n1 || true)
	if [ -z "$f" ] || [ ! -e "$f" ]; then
		# modules.dep can be missing on a half-configured kernel package; fall back to a search.
		f=$(find "/lib/modules/$ver/kernel" \( -name "$name.ko" -o -name "$name.ko.*" \
			-o -name "${name//_/-}.ko" -o -name "${name//_/-}.ko.*" \) | head -n1)
	fi
	[ -n "$f" ] && [ -e "$f" ] || return 1
	echo "$f"
}

# $1 the series' cache folder, $2 the kernel version. The module list is the one recorded
# at build time: working it out again costs dozens of processes, and it cannot change
# without the kernel package (vmlinuz, modules) or setup.sh changing too.
cache_is_current() {
	local dir=$1 ver=$2
	[ -f "$dir/stamp" ] && [ -f "$dir/rig.json" ] && [ -f "$dir/modules" ] &&
		[ -f "$dir/vmlinux-$ver" ] && [ -f "$dir/initramfs-$ver.cpio.gz" ] &&
		[ "$(cat "$dir/stamp")" = "$(inputs_digest "$ver" "$(cat "$dir/modules")")" ]
}

if [ "$MODE" = check ]; then
	[ -z "$(missing_packages)" ] || exit 1
	for series in "${SELECTED[@]}"; do
		ver=$(pick_kernel "$series")
		[ -n "$ver" ] || exit 1
		cache_is_current "$CACHE/$series" "$ver" || exit 1
	done
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "numa-vm setup: must run as root (apt-get install)" >&2
	exit 1
fi

mkdir -p "$CACHE"
# Several test processes may ask for the rig at once; one builds, the others wait.
exec 9>"$CACHE/.lock"
flock 9

export DEBIAN_FRONTEND=noninteractive
# The guest boots the kernel ELF directly and brings its own initramfs, so the
# initramfs-tools hook of the kernel package has nothing useful to do; INITRD=No makes
# that hook exit early (it checks for it), which saves most of the install time. It is
# set for this apt run only, so a later kernel install elsewhere behaves as usual.
mapfile -t MISSING < <(missing_packages)
if [ "${#MISSING[@]}" -gt 0 ]; then
	log "installing ${MISSING[*]}"
	t0=$(date +%s)
	need_update=0
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		need_update=1
	else
		for p in "${MISSING[@]}"; do
			cand=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p')
			if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then need_update=1; fi
		done
	fi
	[ "$need_update" = 0 ] || apt-get update -q
	if ! INITRD=No apt-get install -y -q --no-install-recommends "${MISSING[@]}"; then
		# Usually stale package lists (the mirror dropped the old version): refresh once.
		apt-get update -q
		INITRD=No apt-get install -y -q --no-install-recommends "${MISSING[@]}"
	fi
	log "packages installed in $(($(date +%s) - t0)) s"
fi


# QEMU boots an ELF vmlinux through its PVH entry note, skipping the in-guest
# decompression that costs seconds under TCG. Same approach as the kernel's
# scripts/extract-vmlinux: find each stream header (xz for 6.1, zstd for 6.12), keep the
# first that decodes to an ELF.
extract_vmlinux() {
	local img=$1 out=$2 off magic tool
	for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd'; do
		tool=${magic##*:}
		for off in $(LC_ALL=C grep -obUaP "${magic%:*}" "$img" | cut -d: -f1); do
			# Both complain about the trailing bytes after the stream; the output is still whole.
			tail -c +$((off + 1)) "$img" | "$tool" -dc >"$out" 2>/dev/null || true
			if [ "$(head -c4 "$out" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
				return 0
			fi
		done
	done
	return 1
}

# Builds .cache/numa-vm/<series>/ unless it is current.
build_kernel() {
	local series=$1 dir="$CACHE/$1" ver modules opt m f t0 tmp ird
	ver=$(pick_kernel "$series")
	if [ -z "$ver" ]; then
		echo "numa-vm setup: no /boot/vmlinuz-$series.* with modules in /lib/modules (package $(kernel_package "$series"))" >&2
		return 1
	fi
	for opt in $(kernel_requires "$series"); do
		grep -qx "CONFIG_$opt=y" "/boot/config-$ver" || {
			echo "numa-vm setup: kernel $ver lacks CONFIG_$opt=y (see /boot/config-$ver)" >&2
			return 1
		}
	done
	if [ "$MODE" != force ] && cache_is_current "$dir" "$ver"; then
		log "cache is current ($dir, kernel $ver)"
		return 0
	fi
	modules=$(load_order "$ver") || return 1

	log "building the guest for kernel $ver into $dir"
	t0=$(date +%s%N)
	mkdir -p "$dir"
	tmp=$(mktemp -d "$CACHE/.build.XXXXXX")
	TMPDIRS+=("$tmp")
	extract_vmlinux "/boot/vmlinuz-$ver" "$tmp/vmlinux" || {
		echo "numa-vm setup: no xz- or zstd-compressed ELF found in /boot/vmlinuz-$ver" >&2
		return 1
	}

	ird="$tmp/initramfs"
	mkdir -p "$ird/bin" "$ird/dev" "$ird/etc" "$ird/lib/numavm" "$ird/proc" "$ird/sys" "$ird/mnt" "$ird/newroot"
	cp /bin/busybox "$ird/bin/busybox"
	ln -s busybox "$ird/bin/sh"
	# The kernel opens /dev/console for init before anything is mounted.
	mknod -m 600 "$ird/dev/console" c 5 1
	mknod -m 666 "$ird/dev/null" c 1 3
	install -m 755 "$HERE/guest-init.sh" "$ird/init"
	: >"$ird/etc/numavm-modules"
	while read -r m f; do
		[ -n "$m" ] || continue
		case "$f" in
			*.ko) cp "$f" "$ird/lib/numavm/$m.ko" ;;
			*.ko.xz) xz -dc "$f" >"$ird/lib/numavm/$m.ko" ;;
			*.ko.gz) gzip -dc "$f" >"$ird/lib/numavm/$m.ko" ;;
			*.ko.zst) zstd -dc "$f" >"$ird/lib/numavm/$m.ko" ;;
			*)
				echo "numa-vm setup: unexpected module file $f" >&2
				return 1
				;;
		esac
		echo "$m" >>"$ird/etc/numavm-modules"
	done <<<"$modules"
	(cd "$ird" && find . -print0 | LC_ALL=C sort -z | cpio -o -H newc -0 --quiet -R 0:0) | gzip -1 >"$tmp/initramfs.cpio.gz"

	# Replace in place with rename(2): a guest starting right now still finds whole files.
	for f in "$dir"/vmlinux-* "$dir"/initramfs-*.cpio.gz; do
		case "$f" in
			"$dir/vmlinux-$ver" | "$dir/initramfs-$ver.cpio.gz") ;;
			*) rm -f "$f" ;;
		esac
	done
	mv "$tmp/vmlinux" "$dir/vmlinux-$ver"
	mv "$tmp/initramfs.cpio.gz" "$dir/initramfs-$ver.cpio.gz"
	cat >"$dir/rig.json.tmp" <<JSON
{
  "kernel": "$series",
  "kernelVersion": "$ver",
  "vmlinux": "vmlinux-$ver",
  "initramfs": "initramfs-$ver.cpio.gz",
  "modules": "$(echo "$modules" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
}
JSON
	mv "$dir/rig.json.tmp" "$dir/rig.json"
	echo "$modules" >"$dir/modules"
	inputs_digest "$ver" "$modules" >"$dir/stamp"
	log "built in $((($(date +%s%N) - t0) / 1000000)) ms: vmlinux $(du -h "$dir/vmlinux-$ver" | cut -f1), initramfs $(du -h "$dir/initramfs-$ver.cpio.gz" | cut -f1)"
}

TMPDIRS=()
trap 'rm -rf "${TMPDIRS[@]}"' EXIT
# The cache of the one-kernel rig kept its files directly in $CACHE.
rm -f "$CACHE"/vmlinux-* "$CACHE"/initramfs-*.cpio.gz "$CACHE/stamp" "$CACHE/rig.json"
for series in "${SELECTED[@]}"; do
	build_kernel "$series"
done
