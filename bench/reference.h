/*
 * What the C references (bench/reference.c, bench/move/reference.c) share: the clock, the
 * way out on a failed call, and the histogram of per-page statuses they print as JSON.
 * Each program defines PROGRAM (its name, for messages) before including this.
 */
#ifndef NUMASCOPE_BENCH_REFERENCE_H
#define NUMASCOPE_BENCH_REFERENCE_H

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Statuses are node ids (< 1024) or negative errnos (> -4096): one array covers both. */
#define HIST_OFFSET 4096
#define HIST_SIZE (HIST_OFFSET + 1024)

static uint64_t histogram[HIST_SIZE];

static void die(const char *what) {
    fprintf(stderr, PROGRAM ": %s: %s\n", what, strerror(errno));
    exit(2);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void count_status(int s) {
    int slot = s + HIST_OFFSET;
    if (slot < 0 || slot >= HIST_SIZE) slot = 0;
    histogram[slot]++;
}

/* Prints the counted statuses as JSON members ("node": pages, ...); returns how many. */
static int print_histogram(void) {
    int printed = 0;
    for (int slot = 0; slot < HIST_SIZE; slot++) {
        if (!histogram[slot]) continue;
        printf("%s\"%d\":%" PRIu64, printed ? "," : "", slot - HIST_OFFSET, histogram[slot]);
        printed++;
    }
    return printed;
}

#endif
