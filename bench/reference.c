/*
 * The speed to beat: ask move_pages (query mode) about every mapped page of a process,
 * the plainest way C can, and report how long it took.
 *
 *   reference PID [--batch N] [--dump FILE]
 *
 * Reads /proc/PID/maps, skips [vsyscall] (it lies outside the process's mm, so the kernel
 * answers -EFAULT without looking), and queries every page of every other mapping in
 * batches of N addresses (default 1024; batches run across mapping boundaries, as
 * numascope's batcher does). The timed span covers reading maps and every call, which is
 * what numascope's scanProcess does too, so the two times are comparable.
 *
 * Prints one JSON line: {"ns", "pages", "calls", "checksum", "histogram", "vmas"}.
 * checksum is FNV-1a over the int32 statuses in address order; --dump writes those
 * statuses raw (int32, native endian), so a caller can compare page by page.
 *
 * Calls the system call directly so that building needs no libnuma headers.
 */
#define _GNU_SOURCE
#define PROGRAM "reference"
#include "reference.h"
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_VMAS 65536

struct vma {
    uint64_t start, end;
};

static struct vma vmas[MAX_VMAS];
static int nvmas;
static uint64_t hash = 0xcbf29ce484222325ULL; /* FNV-1a 64-bit offset basis */
static FILE *dump;

static void read_maps(int pid) {
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *maps = fopen(path, "r");
    if (!maps) die(path);
    while (fgets(line, sizeof line, maps)) {
        size_t len = strlen(line);
        /* A path longer than the buffer: drop the rest of the line, keep the bounds. */
        if (len > 0 && line[len - 1] != '\n') {
            int c;
            while ((c = fgetc(maps)) != EOF && c != '\n') {}
        }
        if (strstr(line, "[vsyscall]")) continue;
        uint64_t start, end;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64, &start, &end) != 2) continue;
        if (nvmas == MAX_VMAS) { fprintf(stderr, "reference: too many mappings\n"); exit(2); }
        vmas[nvmas].start = start;
        vmas[nvmas].end = end;
        nvmas++;
    }
    fclose(maps);
}

/* Inside the timed span, as numascope's storing of answers is: a few ns a page against ~70 of kernel work. */
static void account(const int *status, unsigned long count) {
    for (unsigned long i = 0; i < count; i++) {
        int s = status[i];
        count_status(s);
        hash ^= (uint32_t)s;
        hash *= 1099511628211ULL;
    }
    if (dump && fwrite(status, sizeof *status, count, dump) != count) die("dump");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: reference PID [--batch N] [--dump FILE]\n");
        return 2;
    }
    int pid = atoi(argv[1]);
    unsigned long batch = 1024;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--batch") && i + 1 < argc) batch = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) {
            dump = fopen(argv[++i], "wb");
            if (!dump) die("open dump");
        } else {
            fprintf(stderr, "reference: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (batch == 0) batch = 1024;
    long page = sysconf(_SC_PAGESIZE);
    void **pages = malloc(batch * sizeof *pages);
    int *status = malloc(batch * sizeof *status);
    if (!pages || !status) die("malloc");

    uint64_t started = now_ns();
    read_maps(pid);
    unsigned long filled = 0, calls = 0;
    uint64_t total = 0;
    for (int v = 0; v < nvmas; v++) {
        for (uint64_t addr = vmas[v].start; addr < vmas[v].end; addr += (uint64_t)page) {
            pages[filled++] = (void *)(uintptr_t)addr;
            if (filled < batch) continue;
            if (syscall(SYS_move_pages, pid, filled, pages, NULL, status, 0) < 0) die("move_pages");
            calls++;
            account(status, filled);
            total += filled;
            filled = 0;
        }
    }
    if (filled > 0) {
        if (syscall(SYS_move_pages, pid, filled, pages, NULL, status, 0) < 0) die("move_pages");
        calls++;
        account(status, filled);
        total += filled;
    }
    uint64_t elapsed = now_ns() - started;
    if (dump && fclose(dump)) die("close dump");

    printf("{\"ns\":%" PRIu64 ",\"pages\":%" PRIu64 ",\"calls\":%lu,\"checksum\":\"%016" PRIx64 "\",\"histogram\":{",
           elapsed, total, calls, hash);
    print_histogram();
    printf("},\"vmas\":[");
    for (int v = 0; v < nvmas; v++) {
        printf("%s[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"]", v ? "," : "", vmas[v].start, vmas[v].end);
    }
    printf("]}\n");
    return 0;
}
