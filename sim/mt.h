/* mt: CPython's `random` module, bit for bit, for integer seeds.
 *
 * The generator is MT19937 seeded the way random.seed(n) seeds it for an
 * int n, and every derived operation consumes 32-bit outputs in exactly
 * the order CPython 3.11's random.py does, so a simulated program that
 * seeds its generator prints the same numbers as CPython. */
#ifndef LOOPVIZ_MT_H
#define LOOPVIZ_MT_H

#include <stddef.h>
#include <stdint.h>

#define MT_N 624 /* words of MT19937 state */

typedef struct mt_state {
  uint32_t key[MT_N]; /* MT19937 state words */
  int pos;            /* next word to temper; MT_N means regenerate first */
} mt_state;

/* Results of the calls CPython can raise from. */
typedef enum mt_result {
  MT_OK,               /* success */
  MT_EMPTY_RANGE,      /* ValueError: empty range for randrange() */
  MT_ZERO_STEP,        /* ValueError: zero step for randrange() */
  MT_EMPTY_SEQUENCE,   /* IndexError: Cannot choose from an empty sequence */
  MT_SAMPLE_TOO_LARGE, /* ValueError: Sample larger than population ... */
  MT_NOMEM             /* allocation failed */
} mt_result;

/* CPython's message for a failed call, without the exception class. */
typedef struct mt_error {
  char message[128]; /* NUL-terminated text */
} mt_error;

/* random.seed(n) for an int n; pass |n| (CPython seeds with abs(n)). */
void mt_seed(mt_state *s, uint64_t magnitude);

/* The next tempered 32-bit output (genrand_uint32). */
uint32_t mt_next32(mt_state *s);

/* random.random(): 53 random bits in [0, 1). */
double mt_random(mt_state *s);

/* random.getrandbits(k) for 0 <= k <= 64 (values above 64 are clamped). */
uint64_t mt_getrandbits(mt_state *s, int k);

/* _randbelow(n): uniform in [0, n) by rejection on n.bit_length() bits.
 * n must be positive; n == 0 returns 0 without consuming output. */
uint64_t mt_randbelow(mt_state *s, uint64_t n);

/* randrange(start, stop, step). err may be NULL. */
mt_result mt_randrange(mt_state *s, int64_t start, int64_t stop, int64_t step,
                       int64_t *out, mt_error *err);
/* randrange(stop). */
mt_result mt_randrange_stop(mt_state *s, int64_t stop, int64_t *out,
                            mt_error *err);
/* randint(a, b) == randrange(a, b + 1), also for b == INT64_MAX. */
mt_result mt_randint(mt_state *s, int64_t a, int64_t b, int64_t *out,
                     mt_error *err);

/* uniform(a, b) == a + (b - a) * random(). */
double mt_uniform(mt_state *s, double a, double b);

/* The index choice(seq) picks for a sequence of length len. */
mt_result mt_choice_index(mt_state *s, size_t len, size_t *out,
                          mt_error *err);

/* shuffle(x) on an array of n elements of elem_size bytes. */
void mt_shuffle(mt_state *s, void *base, size_t n, size_t elem_size);

/* The indices random.sample(range(n), k) returns, in order, into out[k]
 * (same draws as sampling any sequence of length n). */
mt_result mt_sample_indices(mt_state *s, size_t n, size_t k, size_t *out,
                            mt_error *err);

#endif
