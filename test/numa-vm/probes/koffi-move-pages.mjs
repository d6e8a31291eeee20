// Run inside the guest: node koffi-move-pages.mjs [FROM [TO]] (default 0 1).
// Allocates memory on node FROM through libnuma, moves it to node TO with
// numa_move_pages called through koffi, and checks where every page ended up.
// Prints one JSON line; exits 0 only if every page went from FROM to TO intact.
import koffi from 'koffi';

const PAGE = 4096;
const PAGES = 2048; // 8 MiB
const SIZE = PAGE * PAGES;
const MADV_NOHUGEPAGE = 15;
const FROM = Number(process.argv[2] ?? 0);
const TO = Number(process.argv[3] ?? 1);

const numa = koffi.load('libnuma.so.1');
const libc = koffi.load('libc.so.6');
const numa_available = numa.func('int numa_available()');
const numa_max_node = numa.func('int numa_max_node()');
const numa_alloc_onnode = numa.func('void *numa_alloc_onnode(size_t size, int node)');
const numa_free = numa.func('void numa_free(void *start, size_t size)');
const numa_move_pages = numa.func(
  'int numa_move_pages(int pid, unsigned long count, uint64_t *pages, int *nodes, int *status, int flags)',
);
const memset = libc.func('void *memset(void *s, int c, size_t n)');
const madvise = libc.func('int madvise(void *addr, size_t length, int advice)');

function where(pages) {
  const status = new Int32Array(PAGES).fill(-999);
  const rc = numa_move_pages(0, PAGES, pages, null, status, 0);
  if (rc !== 0) throw new Error(`numa_move_pages(query) returned ${rc}, errno ${koffi.errno()}`);
  const count = {};
  for (const s of status) count[s] = (count[s] ?? 0) + 1;
  return count;
}

const result = { from: FROM, to: TO, available: numa_available(), maxNode: numa_max_node() };
const mem = numa_alloc_onnode(SIZE, FROM);
if (!mem) throw new Error('numa_alloc_onnode failed');
// Exact per-page results need 4 KiB pages: a transparent huge page moves as one unit.
result.madviseRc = madvise(mem, SIZE, MADV_NOHUGEPAGE);
memset(mem, 0x5a, SIZE);
const base = koffi.address(mem);
const pages = new BigUint64Array(PAGES);
for (let i = 0; i < PAGES; i++) pages[i] = base + BigInt(i * PAGE);

result.before = where(pages);
const target = new Int32Array(PAGES).fill(TO);
const status = new Int32Array(PAGES).fill(-999);
const t0 = process.hrtime.bigint();
result.moveRc = numa_move_pages(0, PAGES, pages, target, status, 0);
result.moveMs = Number(process.hrtime.bigint() - t0) / 1e6;
result.after = where(pages);
const check = koffi.decode(mem, koffi.array('uint8_t', 16));
result.dataIntact = Array.from(check).every((b) => b === 0x5a);
numa_free(mem, SIZE);

result.ok =
  result.before[FROM] === PAGES && result.moveRc === 0 && result.after[TO] === PAGES && result.dataIntact;
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
