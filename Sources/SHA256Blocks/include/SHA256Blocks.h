#ifndef PLAN_SHA256_BLOCKS_H
#define PLAN_SHA256_BLOCKS_H
/* SHA-256's block function on the CPU's SHA extensions, for Prisma's migration checksums: plan
   hashes every migration file of a folder on each run, and in portable code that was the largest
   single cost of a nothing-pending run over 500 migrations (docs/BENCHMARKS.md). Steps' SHA256
   keeps the portable function for CPUs without the extensions. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether this CPU has the extensions plan_sha256_blocks needs (x86-64: SHA, SSSE3, SSE4.1). */
bool plan_sha256_blocks_available(void);

/* Hashes `count` 64-byte blocks into `state` (FIPS 180-4's H0…H7, in that order). Only call it
   when plan_sha256_blocks_available() is true. */
void plan_sha256_blocks(uint32_t state[8], const uint8_t *blocks, size_t count);

/* SHA-256's 64 round constants, shared with Steps' portable block function. */
const uint32_t *plan_sha256_round_constants(void);

#endif
