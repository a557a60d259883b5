/* mt: MT19937 (Matsumoto & Nishimura) with CPython's seeding and the
 * derived operations of CPython 3.11's random.py. */
#include "mt.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MT_M 397
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu
#define MT_MATRIX_A 0x9908b0dfu

static void init_genrand(mt_state *s, uint32_t seed) {
  s->key[0] = seed;
  for (int i = 1; i < MT_N; i++) {
    uint32_t prev = s->key[i - 1];
    s->key[i] = 1812433253u * (prev ^ (prev >> 30)) + (uint32_t)i;
  }
  s->pos = MT_N;
}

static void init_by_array(mt_state *s, const uint32_t *key, int key_len) {
  init_genrand(s, 19650218u);
  int i = 1;
  int j = 0;
  for (int k = MT_N > key_len ? MT_N : key_len; k > 0; k--) {
    uint32_t prev = s->key[i - 1];
    s->key[i] = (s->key[i] ^ ((prev ^ (prev >> 30)) * 1664525u)) + key[j] +
                (uint32_t)j;
    i++;
    j++;
    if (i >= MT_N) {
      s->key[0] = s->key[MT_N - 1];
      i = 1;
    }
    if (j >= key_len) {
      j = 0;
    }
  }
  for (int k = MT_N - 1; k > 0; k--) {
    uint32_t prev = s->key[i - 1];
    s->key[i] = (s->key[i] ^ ((prev ^ (prev >> 30)) * 1566083941u)) -
                (uint32_t)i;
    i++;
    if (i >= MT_N) {
      s->key[0] = s->key[MT_N - 1];
      i = 1;
    }
  }
  s->key[0] = 0x80000000u; /* a nonzero state is guaranteed */
}

void mt_seed(mt_state *s, uint64_t magnitude) {
  /* CPython splits abs(n) into 32-bit words, least significant first,
   * using at least one word (seed 0 gives the key [0]). */
  uint32_t key[2] = {(uint32_t)magnitude, (uint32_t)(magnitude >> 32)};
  init_by_array(s, key, key[1] != 0 ? 2 : 1);
}

static void regenerate(mt_state *s) {
  uint32_t *mt = s->key;
  for (int i = 0; i < MT_N; i++) {
    uint32_t y = (mt[i] & MT_UPPER) | (mt[(i + 1) % MT_N] & MT_LOWER);
    mt[i] = mt[(i + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1u) ? MT_MATRIX_A : 0u);
  }
  s->pos = 0;
}

uint32_t mt_next32(mt_state *s) {
  if (s->pos >= MT_N) {
    regenerate(s);
  }
  uint32_t y = s->key[s->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

double mt_random(mt_state *s) {
  uint32_t a = mt_next32(s) >> 5;
  uint32_t b = mt_next32(s) >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

uint64_t mt_getrandbits(mt_state *s, int k) {
  if (k <= 0) {
    return 0;
  }
  if (k > 64) {
    k = 64;
  }
  if (k <= 32) {
    return mt_next32(s) >> (32 - k);
  }
  /* Words are filled least significant first; the last one keeps only
   * its top bits. */
  uint64_t low = mt_next32(s);
  uint64_t high = mt_next32(s) >> (64 - k);
  return low | (high << 32);
}

static int bit_length(uint64_t n) {
  int k = 0;
  while (n != 0) {
    k++;
    n >>= 1;
  }
  return k;
}

uint64_t mt_randbelow(mt_state *s, uint64_t n) {
  if (n == 0) {
    return 0;
  }
  int k = bit_length(n);
  uint64_t r = mt_getrandbits(s, k);
  while (r >= n) {
    r = mt_getrandbits(s, k);
  }
  return r;
}

/* _randbelow(2**64): getrandbits(65) draws three words, the third
 * contributing its top bit; values with that bit set are rejected. */
static uint64_t randbelow_2_64(mt_state *s) {
  for (;;) {
    uint64_t low = mt_next32(s);
    uint64_t mid = mt_next32(s);
    uint32_t top = mt_next32(s) >> 31;
    if (top == 0) {
      return low | (mid << 32);
    }
  }
}

/* Two's complement reinterpretation without implementation-defined
 * conversions. */
static int64_t u64_to_i64(uint64_t u) {
  if (u <= (uint64_t)INT64_MAX) {
    return (int64_t)u;
  }
  return -(int64_t)(~u) - 1;
}

static uint64_t magnitude(int64_t v) {
  return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static mt_result fail(mt_error *err, mt_result r, const char *msg) {
  if (err != NULL) {
    snprintf(err->message, sizeof err->message, "%s", msg);
  }
  return r;
}

mt_result mt_randrange(mt_state *s, int64_t start, int64_t stop, int64_t step,
                       int64_t *out, mt_error *err) {
  if (step == 1) {
    if (stop > start) {
      uint64_t width = (uint64_t)stop - (uint64_t)start;
      *out = u64_to_i64((uint64_t)start + mt_randbelow(s, width));
      return MT_OK;
    }
    if (err != NULL) {
      /* width = stop - start <= 0, printed as Python would. */
      uint64_t neg_width = (uint64_t)start - (uint64_t)stop;
      snprintf(err->message, sizeof err->message,
               "empty range for randrange() (%" PRId64 ", %" PRId64
               ", %s%" PRIu64 ")",
               start, stop, neg_width != 0 ? "-" : "", neg_width);
    }
    return MT_EMPTY_RANGE;
  }
  if (step == 0) {
    return fail(err, MT_ZERO_STEP, "zero step for randrange()");
  }
  uint64_t width;
  if (step > 0 ? stop <= start : stop >= start) {
    return fail(err, MT_EMPTY_RANGE, "empty range for randrange()");
  }
  width = step > 0 ? (uint64_t)stop - (uint64_t)start
                   : (uint64_t)start - (uint64_t)stop;
  uint64_t stride = magnitude(step);
  uint64_t n = width / stride + (width % stride != 0 ? 1 : 0);
  uint64_t r = mt_randbelow(s, n);
  *out = u64_to_i64((uint64_t)start + (uint64_t)step * r);
  return MT_OK;
}

mt_result mt_randrange_stop(mt_state *s, int64_t stop, int64_t *out,
                            mt_error *err) {
  if (stop > 0) {
    *out = (int64_t)mt_randbelow(s, (uint64_t)stop);
    return MT_OK;
  }
  return fail(err, MT_EMPTY_RANGE, "empty range for randrange()");
}

mt_result mt_randint(mt_state *s, int64_t a, int64_t b, int64_t *out,
                     mt_error *err) {
  if (b == INT64_MAX) {
    /* b + 1 does not fit; the range is never empty here. */
    uint64_t width_minus_1 = (uint64_t)b - (uint64_t)a;
    uint64_t r = width_minus_1 == UINT64_MAX ? randbelow_2_64(s)
                                             : mt_randbelow(s, width_minus_1 + 1);
    *out = u64_to_i64((uint64_t)a + r);
    return MT_OK;
  }
  return mt_randrange(s, a, b + 1, 1, out, err);
}

double mt_uniform(mt_state *s, double a, double b) {
  return a + (b - a) * mt_random(s);
}

mt_result mt_choice_index(mt_state *s, size_t len, size_t *out,
                          mt_error *err) {
  if (len == 0) {
    return fail(err, MT_EMPTY_SEQUENCE, "Cannot choose from an empty sequence");
  }
  *out = (size_t)mt_randbelow(s, (uint64_t)len);
  return MT_OK;
}

static void swap_bytes(unsigned char *x, unsigned char *y, size_t n) {
  unsigned char tmp[64];
  while (n > 0) {
    size_t chunk = n < sizeof tmp ? n : sizeof tmp;
    memcpy(tmp, x, chunk);
    memcpy(x, y, chunk);
    memcpy(y, tmp, chunk);
    x += chunk;
    y += chunk;
    n -= chunk;
  }
}

void mt_shuffle(mt_state *s, void *base, size_t n, size_t elem_size) {
  unsigned char *bytes = base;
  for (size_t i = n > 0 ? n - 1 : 0; i >= 1; i--) {
    size_t j = (size_t)mt_randbelow(s, (uint64_t)i + 1);
    if (j != i) {
      swap_bytes(bytes + i * elem_size, bytes + j * elem_size, elem_size);
    }
  }
}

/* Open-addressing set of indices for sample()'s rejection branch. */
typedef struct index_set {
  size_t *slots; /* stored index + 1; 0 marks an empty slot */
  size_t mask;   /* capacity - 1, capacity a power of two */
} index_set;

/* Adds v; returns false when it was already present. */
static bool index_set_add(index_set *set, size_t v) {
  size_t h = (size_t)(((uint64_t)v * 0x9E3779B97F4A7C15ull) >> 17) & set->mask;
  while (set->slots[h] != 0) {
    if (set->slots[h] == v + 1) {
      return false;
    }
    h = (h + 1) & set->mask;
  }
  set->slots[h] = v + 1;
  return true;
}

mt_result mt_sample_indices(mt_state *s, size_t n, size_t k, size_t *out,
                            mt_error *err) {
  if (k > n) {
    return fail(err, MT_SAMPLE_TOO_LARGE,
                "Sample larger than population or is negative");
  }
  /* setsize = 21, plus 4 ** ceil(log(3k, 4)) when k > 5, computed as
   * math.log does (log(x) / log(base)); it saturates where it could no
   * longer be smaller than n. */
  size_t setsize = 21;
  if (k > 5) {
    double e = ceil(log((double)k * 3.0) / log(4.0));
    if (e >= 31) {
      setsize = SIZE_MAX;
    } else {
      setsize += (size_t)1 << (2 * (int)e);
    }
  }
  if (n <= setsize) {
    /* Pool branch: swap each pick out of the shrinking pool. */
    if (n > SIZE_MAX / sizeof(size_t)) {
      return fail(err, MT_NOMEM, "out of memory");
    }
    size_t *pool = malloc((n > 0 ? n : 1) * sizeof *pool);
    if (pool == NULL) {
      return fail(err, MT_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
      pool[i] = i;
    }
    for (size_t i = 0; i < k; i++) {
      size_t j = (size_t)mt_randbelow(s, (uint64_t)(n - i));
      out[i] = pool[j];
      pool[j] = pool[n - i - 1];
    }
    free(pool);
    return MT_OK;
  }
  /* Set branch: redraw until an index not chosen before comes up. */
  size_t cap = 16;
  while (cap < 2 * k) {
    cap *= 2;
  }
  index_set set;
  set.slots = calloc(cap, sizeof *set.slots);
  if (set.slots == NULL) {
    return fail(err, MT_NOMEM, "out of memory");
  }
  set.mask = cap - 1;
  for (size_t i = 0; i < k; i++) {
    size_t j = (size_t)mt_randbelow(s, (uint64_t)n);
    while (!index_set_add(&set, j)) {
      j = (size_t)mt_randbelow(s, (uint64_t)n);
    }
    out[i] = j;
  }
  free(set.slots);
  return MT_OK;
}
