import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatus } from '../../../app/main/proc/status.js';

const STATUS = `Name:\tweb server
Umask:\t0022
State:\tS (sleeping)
Tgid:\t4791
Ngid:\t0
Pid:\t4791
PPid:\t4785
TracerPid:\t0
Uid:\t1000\t1001\t1001\t1001
Gid:\t100\t101\t101\t101
FDSize:\t256
Groups:\t 
NStgid:\t4791
NSpid:\t4791
Kthread:\t0
VmPeak:\t    3060 kB
VmSize:\t    3060 kB
VmLck:\t       0 kB
VmHWM:\t    1716 kB
VmRSS:\t    1716 kB
RssAnon:\t     112 kB
RssFile:\t    1604 kB
RssShmem:\t       0 kB
VmSwap:\t       8 kB
HugetlbPages:\t    2048 kB
THP_enabled:\t1
Threads:\t3
CapPrm:\t000001ffffffffff
CapEff:\t000001fffeffffff
Cpus_allowed:\tff,ffffffff
Cpus_allowed_list:\t0-39
Mems_allowed:\t00000000,00000005
Mems_allowed_list:\t0,2
voluntary_ctxt_switches:\t0
`;

test('parseStatus reads ids, cpuset, memory in bytes and capabilities', () => {
  assert.deepEqual(parseStatus(STATUS), {
    name: 'web server',
    state: 'S (sleeping)',
    tgid: 4791,
    ppid: 4785,
    tracerPid: 0,
    uid: 1000,
    euid: 1001,
    gid: 100,
    egid: 101,
    threads: 3,
    memsAllowed: [0, 2],
    cpusAllowed: Array.from({ length: 40 }, (_, i) => i),
    vmSize: 3060 * 1024,
    vmRss: 1716 * 1024,
    rssAnon: 112 * 1024,
    rssFile: 1604 * 1024,
    rssShmem: 0,
    vmSwap: 8 * 1024,
    hugetlbPages: 2048 * 1024,
    capEff: 0x1fffeffffffn,
    capPrm: 0x1ffffffffffn,
    kernelThread: false,
  });
});

test('parseStatus handles kernel threads (no Vm lines) and escaped names', () => {
  const kthread = STATUS.split('\n')
    .filter((line) => !/^(Vm|Rss|Hugetlb)/.test(line))
    .map((line) => (line.startsWith('Name:') ? 'Name:\tmy\\\\odd\\nname' : line.startsWith('Kthread:') ? 'Kthread:\t1' : line))
    .join('\n');
  const status = parseStatus(kthread);
  assert.equal(status.name, 'my\\odd\nname');
  assert.equal(status.kernelThread, true);
  assert.equal(status.vmRss, 0);
});

test('parseStatus reports a missing Uid line instead of returning NaN', () => {
  assert.throws(() => parseStatus(STATUS.replace(/^Uid:.*\n/m, '')), /no Uid line/);
});
