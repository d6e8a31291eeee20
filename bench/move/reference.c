/*
 * The speed to beat for moves: send every page of an address range of a process to one
 * node with a single move_pages call, the plainest way C can, and report how long it took.
 *
 *   move-reference PID START END NODE [--chunk N] [--all]
 *
 * START and END are hexadecimal (0x...) or decimal, [START, END) is page-aligned outwards.
 * The page list is built in address order with one target node, so it is already sorted by
 * target and the kernel can isolate every page into one batch and migrate it as one list.
 * --chunk N splits the list into calls of N pages (default: one call for everything); it
 * exists to show what chunking alone costs the kernel, not to compete with numascope.
 * --all uses MPOL_MF_MOVE_ALL instead of MPOL_MF_MOVE.
 *
 * The timed span covers building the page list and every call, which is the part of the
 * work numascope cannot avoid either.
 *
 * Prints one JSON line:
 *   {"ns", "callNs", "pages", "calls", "notMoved", "histogram"}
 * callNs is the time spent inside move_pages alone; notMoved sums the calls' positive
 * returns; histogram counts the per-page statuses (node id, or negative errno). A status the
 * kernel left unwritten (it stops writing them after a batch fails) counts as "unwritten".
 *
 * Calls the system call directly so that building needs no libnuma headers.
 */
#define _GNU_SOURCE
#define PROGRAM "move-reference"
#include "../reference.h"
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_MF_MOVE (1 << 1)
#define MPOL_MF_MOVE_ALL (1 << 2)
/* Written before the call; where it survives, the kernel gave no answer for the page. */
#define UNWRITTEN INT32_MIN

static uint64_t parse_address(const char *text) {
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    if (errno || *end || end == text) {
        fprintf(stderr, "move-reference: bad address %s\n", text);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: move-reference PID START END NODE [--chunk N] [--all]\n");
        return 2;
    }
    int pid = atoi(argv[1]);
    uint64_t start = parse_address(argv[2]);
    uint64_t end = parse_address(argv[3]);
    int node = atoi(argv[4]);
    unsigned long chunk = 0;
    int flags = MPOL_MF_MOVE;
    for (int i = 5; i < argc; i++) {
        if (!strcmp(argv[i], "--chunk") && i + 1 < argc) chunk = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--all")) flags = MPOL_MF_MOVE_ALL;
        else {
            fprintf(stderr, "move-reference: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    start -= start % page;
    if (end % page) end += page - end % page;
    if (end <= start) {
        fprintf(stderr, "move-reference: empty range\n");
        return 2;
    }
    unsigned long count = (unsigned long)((end - start) / page);
    if (chunk == 0 || chunk > count) chunk = count;

    /* Allocated and faulted in before the clock starts: that is the caller's memory, not work. */
    void **pages = malloc(count * sizeof *pages);
    int *nodes = malloc(count * sizeof *nodes);
    int *status = malloc(count * sizeof *status);
    if (!pages || !nodes || !status) die("malloc");
    memset(pages, 0, count * sizeof *pages);
    memset(nodes, 0, count * sizeof *nodes);
    for (unsigned long i = 0; i < count; i++) status[i] = UNWRITTEN;

    uint64_t started = now_ns();
    for (unsigned long i = 0; i < count; i++) {
        pages[i] = (void *)(uintptr_t)(start + i * page);
        nodes[i] = node;
    }
    uint64_t in_calls = 0;
    unsigned long calls = 0;
    long not_moved = 0;
    for (unsigned long from = 0; from < count; from += chunk) {
        unsigned long n = count - from < chunk ? count - from : chunk;
        uint64_t before = now_ns();
        long ret = syscall(SYS_move_pages, pid, n, pages + from, nodes + from, status + from, flags);
        in_calls += now_ns() - before;
        if (ret < 0) die("move_pages");
        not_moved += ret;
        calls++;
    }
    uint64_t elapsed = now_ns() - started;

    uint64_t unwritten = 0;
    for (unsigned long i = 0; i < count; i++) {
        int s = status[i];
        if (s == UNWRITTEN) {
            unwritten++;
            continue;
        }
        count_status(s);
    }
    printf("{\"ns\":%" PRIu64 ",\"callNs\":%" PRIu64 ",\"pages\":%lu,\"calls\":%lu,\"notMoved\":%ld,\"histogram\":{",
           elapsed, in_calls, count, calls, not_moved);
    int printed = print_histogram();
    if (unwritten) printf("%s\"unwritten\":%" PRIu64, printed ? "," : "", unwritten);
    printf("}}\n");
    return 0;
}
