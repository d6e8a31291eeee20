#!/bin/busybox sh
# PID 1 of the numa-vm guest (copied into the initramfs as /init by setup.sh).
#
# It turns the host's root, shared read-only over 9p, into a writable root with a
# tmpfs overlay, runs the script that guest.mjs placed in the control share, prints
# the script's exit code on the console behind a per-run nonce, and powers off.
# Everything before the chroot uses busybox only: the host's binaries are not
# reachable until the 9p share is mounted.

/bin/busybox mkdir -p /proc /sys /dev /mnt /newroot
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
# The serial console turns \n into \r\n otherwise; the host strips stray \r anyway
# (kernel messages bypass the tty layer), but script output stays byte-faithful.
stty -onlcr 2>/dev/null

die() {
	echo "numa-vm init: $*"
	# No exit marker on purpose: the host reports a rig failure, not a script result.
	poweroff -f
	sleep 10
}

CTL_TAG=
OUT_TAG=
# Words with a dot never reach init's argv or environment (the kernel treats them as
# module parameters), hence the parsing of /proc/cmdline.
for w in $(cat /proc/cmdline); do
	case "$w" in
		numavm.ctl=*) CTL_TAG=${w#*=} ;;
		numavm.out=*) OUT_TAG=${w#*=} ;;
	esac
done
[ -n "$CTL_TAG" ] || die "no numavm.ctl= on the kernel command line"

# busybox insmod does not resolve dependencies: the list is in dependency order.
for m in $(cat /etc/numavm-modules); do
	insmod "/lib/numavm/$m.ko" || die "insmod $m failed"
done

P9OPTS=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /mnt/lower /mnt/upper /mnt/ctl
mount -t 9p -o "ro,$P9OPTS,cache=loose" hostroot /mnt/lower || die "cannot mount the host root over 9p"
mount -t 9p -o "ro,$P9OPTS" "$CTL_TAG" /mnt/ctl || die "cannot mount the control share"

cfg() {
	sed -n "s/^$1=//p" /mnt/ctl/config | base64 -d
}
NONCE=$(cfg NONCE)
CWD=$(cfg CWD)
OUT=$(cfg OUT)
NET=$(cfg NET)
[ -n "$NONCE" ] || die "control share has no NONCE"

mount -t tmpfs -o mode=0755 tmpfs /mnt/upper
mkdir -p /mnt/upper/data /mnt/upper/work
mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/upper/data,workdir=/mnt/upper/work overlay /newroot ||
	die "cannot mount the overlay root"

R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t tmpfs -o mode=0755 tmpfs $R/run
# /tmp stays the host's, seen through the overlay (writes go to the tmpfs upper layer):
# a checkout under /tmp, as CI's clean clones may be, must be visible in the guest.
mkdir -p $R/run/numa-vm
mount --bind /mnt/ctl $R/run/numa-vm

if [ -n "$OUT_TAG" ] && [ -n "$OUT" ]; then
	mkdir -p "$R$OUT"
	# No cache= option: results written in the guest must reach the host as they are written.
	mount -t 9p -o "$P9OPTS" "$OUT_TAG" "$R$OUT" || die "cannot mount the output share at $OUT"
fi

hostname numa-vm
ip link set lo up 2>/dev/null
if [ "$NET" = 1 ]; then
	# QEMU's user-mode network hands out 10.0.2.15; with restrict=on the guest reaches
	# nothing outside, so no route or resolver is configured.
	ip link set eth0 up || die "no eth0 although a port forward was asked for"
	ip addr add 10.0.2.15/24 dev eth0
fi

[ -d "$R$CWD" ] || die "working directory $CWD does not exist in the guest"

chroot $R /usr/bin/env -i \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 \
	NUMA_VM=1 NUMA_VM_OUT="$OUT" \
	/bin/bash -c 'cd "$1" && exec /bin/bash /run/numa-vm/script.sh' numa-vm "$CWD" </dev/null
rc=$?

printf '\n@@NUMAVM-EXIT %s %d@@\n' "$NONCE" "$rc"
poweroff -f
sleep 10
