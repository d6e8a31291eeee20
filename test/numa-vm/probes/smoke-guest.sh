#!/bin/bash
# Guest half of smoke.mjs: bash smoke-guest.sh TOPOLOGY
# Prints "CHECK name value" lines that smoke.mjs asserts on. Exits with a fixed,
# nonzero status on purpose (7 for two-node, 42 for cxl) so the host can verify the
# status comes back unchanged; the checks themselves never decide the exit status.
set -u
TOPOLOGY=$1
HERE=$(cd "$(dirname "$0")" && pwd)
check() { echo "CHECK $1 $2"; }

check uptime-at-start "$(cut -d' ' -f1 /proc/uptime)"
check nodes-online "$(cat /sys/devices/system/node/online)"
check node-dirs "$(cd /sys/devices/system/node && echo node[0-9]* | wc -w)"
for n in /sys/devices/system/node/node[0-9]*; do
	check "cpulist-${n##*node}" "[$(cat "$n/cpulist")]"
done
check numa-balancing "$(cat /proc/sys/kernel/numa_balancing)"
check nobody-uid "$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- id -u 2>&1)"
check membind1 "$(numactl --membind=1 -- grep -m1 -E ' (heap|anon=)' /proc/self/numa_maps | grep -o 'bind:[0-9]*\|N[0-9]*=[0-9]*' | tr '\n' ' ')"

# Anonymous pages per node of a process, as "N0 N1 N2" counts of 4 KiB pages.
anon_by_node() {
	awk '/anon=/ { for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), a, "="); n[a[1]] += a[2] } }
		END { printf "%d %d %d\n", n[0], n[1], n[2] }' "/proc/$1/numa_maps"
}

# A process bound to node 0 that touches 64 MiB, then moved wholesale by migratepages
# (numactl's tool, not our code): proves the rig migrates pages at all.
rm -f /tmp/toucher-ready
numactl --membind=0 -- node -e '
	const b = Buffer.alloc(64 << 20, 1);
	require("fs").writeFileSync(process.argv[1], "");
	setInterval(() => b[0]++, 100000);
' /tmp/toucher-ready &
pid=$!
for _ in $(seq 600); do [ -e /tmp/toucher-ready ] && break; sleep 0.1; done
check toucher-ready "$([ -e /tmp/toucher-ready ] && echo yes || echo no)"
check anon-before "$(anon_by_node $pid)"
t0=$(date +%s%N)
migratepages $pid 0 1
check migratepages-0-1-rc $?
check migratepages-0-1-ms $((($(date +%s%N) - t0) / 1000000))
check anon-after-0-1 "$(anon_by_node $pid)"
if [ "$TOPOLOGY" = cxl ]; then
	migratepages $pid 1 2
	check migratepages-1-2-rc $?
	check anon-after-1-2 "$(anon_by_node $pid)"
fi
kill $pid
wait $pid 2>/dev/null

if [ -d node_modules/koffi ]; then
	to=1
	[ "$TOPOLOGY" = cxl ] && to=2
	out=$(node "$HERE/koffi-move-pages.mjs" 0 $to 2>&1)
	check koffi-rc $?
	check koffi-result "$(echo "$out" | tail -n1)"
else
	check koffi-rc skip
fi

if [ -n "${NUMA_VM_OUT:-}" ]; then
	if printf 'written in the guest\n' >"$NUMA_VM_OUT/from-guest.txt"; then
		check out-write 0
	else
		check out-write 1
	fi
fi

if [ -n "${FWD_PORT:-}" ]; then
	node -e '
		require("http")
			.createServer((req, res) => res.end("hello from the guest\n"))
			.listen(Number(process.argv[1]), "0.0.0.0", () => console.log("SERVER-READY"));
	' "$FWD_PORT" &
	srv=$!
	# The host fetches, then drops this file into the shared output folder.
	for _ in $(seq 600); do [ -e "$NUMA_VM_OUT/host-fetched" ] && break; sleep 0.1; done
	check host-fetched "$([ -e "$NUMA_VM_OUT/host-fetched" ] && echo yes || echo no)"
	kill $srv
fi

check finished yes
if [ "$TOPOLOGY" = cxl ]; then exit 42; fi
(exit 7)
