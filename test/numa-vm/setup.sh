#!/usr/bin/env bash
# Prepares the multi-node NUMA guest used by the tests: installs QEMU and friends,
# extracts an uncompressed Debian kernel and builds a small initramfs into
# <repo>/.cache/numa-vm/. Safe to run again: it only does what is missing or stale.
#
#   test/numa-vm/setup.sh           install and build when needed
#   test/numa-vm/setup.sh --check   exit 0 when everything is in place and current, 1 otherwise
#   test/numa-vm/setup.sh --force   rebuild the cache even if the stamp matches
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE="$ROOT/.cache/numa-vm"

PACKAGES=(qemu-system-x86 busybox-static numactl libnuma-dev linux-image-amd64 cpio xz-utils kmod)

# Order matters: busybox insmod loads exactly these files, one after the other.
MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	failover net_failover virtio_net
	netfs fscache 9pnet 9pnet_virtio 9p overlay)

MODE=build
case "${1:-}" in
	--check) MODE=check ;;
	--force) MODE=force ;;
	"") ;;
	-h | --help)
		sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "setup.sh: unknown argument $1" >&2
		exit 2
		;;
esac

log() { [ "$MODE" = check ] || echo "numa-vm setup: $*" >&2; }

missing_packages() {
	local p st
	for p in "${PACKAGES[@]}"; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$st" = "install ok installed" ] || echo "$p"
	done
}

# The newest Debian kernel in /boot whose modules are on disk. The running kernel may
# be a different build entirely (its modules absent), so uname -r is of no use here.
pick_kernel() {
	local img ver best=
	# NUMASCOPE_GUEST_KERNEL=VERSION picks one (when the newest cannot be booted this way).
	if [ -n "${NUMASCOPE_GUEST_KERNEL:-}" ]; then
		echo "$NUMASCOPE_GUEST_KERNEL"
		return
	fi
	for img in /boot/vmlinuz-*; do
		[ -e "$img" ] || continue
		ver=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$ver/kernel" ] || continue
		if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$ver" | sort -V | tail -n1)" = "$ver" ]; then
			best=$ver
		fi
	done
	echo "$best"
}

# Everything the cache is built from; any change here means a rebuild.
inputs_digest() {
	local ver=$1 st
	{
		echo "kernel $ver"
		stat -c '%n %s %Y' "/boot/vmlinuz-$ver" /bin/busybox
		sha256sum "$HERE/setup.sh" "$HERE/guest-init.sh"
		printf '%s\n' "${MODULES[@]}"
		for m in "${MODULES[@]}"; do
			st=$(module_file "$ver" "$m") && stat -c '%n %s %Y' "$st"
		done
	} | sha256sum | cut -d' ' -f1
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

cache_is_current() {
	local ver=$1
	[ -f "$CACHE/stamp" ] && [ -f "$CACHE/rig.json" ] &&
		[ -f "$CACHE/vmlinux-$ver" ] && [ -f "$CACHE/initramfs-$ver.cpio.gz" ] &&
		[ "$(cat "$CACHE/stamp")" = "$(inputs_digest "$ver")" ]
}

if [ "$MODE" = check ]; then
	[ -z "$(missing_packages)" ] || exit 1
	ver=$(pick_kernel)
	[ -n "$ver" ] || exit 1
	cache_is_current "$ver" || exit 1
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

VER=$(pick_kernel)
if [ -z "$VER" ]; then
	echo "numa-vm setup: no /boot/vmlinuz-* with modules in /lib/modules" >&2
	exit 1
fi

if [ "$MODE" != force ] && cache_is_current "$VER"; then
	log "cache is current ($CACHE, kernel $VER)"
	exit 0
fi

log "building the guest for kernel $VER into $CACHE"
t0=$(date +%s)
TMP=$(mktemp -d "$CACHE/.build.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# QEMU boots an ELF vmlinux through its PVH entry note, skipping the in-guest xz
# decompression that costs seconds under TCG. Same approach as the kernel's
# scripts/extract-vmlinux: find each xz stream header, keep the first that decodes to an ELF.
extract_vmlinux() {
	local img=$1 out=$2 off
	for off in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$img" | cut -d: -f1); do
		# xz complains about the trailing bytes after the stream; the output is still whole.
		tail -c +$((off + 1)) "$img" | xz -dc >"$out" 2>/dev/null || true
		if [ "$(head -c4 "$out" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
			return 0
		fi
	done
	return 1
}
extract_vmlinux "/boot/vmlinuz-$VER" "$TMP/vmlinux" || {
	echo "numa-vm setup: no xz-compressed ELF found in /boot/vmlinuz-$VER" >&2
	exit 1
}

IRD="$TMP/initramfs"
mkdir -p "$IRD/bin" "$IRD/dev" "$IRD/etc" "$IRD/lib/numavm" "$IRD/proc" "$IRD/sys" "$IRD/mnt" "$IRD/newroot"
cp /bin/busybox "$IRD/bin/busybox"
ln -s busybox "$IRD/bin/sh"
# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$IRD/dev/console" c 5 1
mknod -m 666 "$IRD/dev/null" c 1 3
install -m 755 "$HERE/guest-init.sh" "$IRD/init"
for m in "${MODULES[@]}"; do
	f=$(module_file "$VER" "$m") || {
		echo "numa-vm setup: module $m not found for kernel $VER" >&2
		exit 1
	}
	case "$f" in
		*.ko) cp "$f" "$IRD/lib/numavm/$m.ko" ;;
		*.ko.xz) xz -dc "$f" >"$IRD/lib/numavm/$m.ko" ;;
		*.ko.gz) gzip -dc "$f" >"$IRD/lib/numavm/$m.ko" ;;
		*.ko.zst) zstd -dc "$f" >"$IRD/lib/numavm/$m.ko" ;;
		*) echo "numa-vm setup: unexpected module file $f" >&2; exit 1 ;;
	esac
done
printf '%s\n' "${MODULES[@]}" >"$IRD/etc/numavm-modules"
(cd "$IRD" && find . -print0 | LC_ALL=C sort -z | cpio -o -H newc -0 --quiet -R 0:0) | gzip -1 >"$TMP/initramfs.cpio.gz"

# Replace in place with rename(2): a guest starting right now still finds whole files.
for f in "$CACHE"/vmlinux-* "$CACHE"/initramfs-*.cpio.gz; do
	case "$f" in
		"$CACHE/vmlinux-$VER" | "$CACHE/initramfs-$VER.cpio.gz") ;;
		*) rm -f "$f" ;;
	esac
done
mv "$TMP/vmlinux" "$CACHE/vmlinux-$VER"
mv "$TMP/initramfs.cpio.gz" "$CACHE/initramfs-$VER.cpio.gz"
cat >"$CACHE/rig.json.tmp" <<EOF
{
  "kernelVersion": "$VER",
  "vmlinux": "vmlinux-$VER",
  "initramfs": "initramfs-$VER.cpio.gz"
}
EOF
mv "$CACHE/rig.json.tmp" "$CACHE/rig.json"
inputs_digest "$VER" >"$CACHE/stamp"
log "built in $(($(date +%s) - t0)) s: vmlinux $(du -h "$CACHE/vmlinux-$VER" | cut -f1), initramfs $(du -h "$CACHE/initramfs-$VER.cpio.gz" | cut -f1)"
