/* Unit tests for mt. Every expected value below was produced by CPython
 * 3.11's random module (random.Random(seed) and its methods). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mt.h"

struct rr_case {
  int64_t start;    /* randrange start */
  int64_t stop;     /* randrange stop */
  int64_t step;     /* randrange step */
  int64_t expected; /* value CPython returned */
};

struct ri_case {
  int64_t a;        /* randint lower bound */
  int64_t b;        /* randint upper bound, inclusive */
  int64_t expected; /* value CPython returned */
};

struct sample_case {
  size_t n;      /* population size */
  size_t k;      /* sample size */
  size_t offset; /* first expected value in sample_values */
};

/* Seeds used by the sequence tests; the negative one is seeded by its
 * magnitude as CPython does. */
static const int64_t seeds[] = {0, 1, 42, 1099511627783LL, -12345};

/* random.random() x 12 after random.seed(seed) */
static const double random_seq[5][12] = {
    {0x1.b0580f98a7dbep-1, 0x1.84129978f9c1ap-1, 0x1.aeaa51052e978p-2,
     0x1.092178fb945a6p-2, 0x1.05c5ccdf19707p-1, 0x1.9ea70df588b3cp-2,
     0x1.914e0c751c4f5p-1, 0x1.36979c7be0decp-2, 0x1.e809082dd48fcp-2,
     0x1.2ab10cf910f7dp-1, 0x1.d0f42c0dfaf73p-1, 0x1.026650c8e9dc4p-1},
    {0x1.132d8f91b7584p-3, 0x1.b1e2d5b3584f8p-1, 0x1.870d778409f13p-1,
     0x1.0530d08f17f5cp-2, 0x1.fb5355e16737ap-2, 0x1.cc4762bc72882p-2,
     0x1.4d9d98184b9dap-1, 0x1.93d38c0d6fe64p-1, 0x1.8072e8f9c8590p-4,
     0x1.d071ef2583660p-6, 0x1.abe96758f2a0ap-1, 0x1.bb274a4dc0872p-2},
    {0x1.4762f307200c5p-1, 0x1.99c6b5eeb2060p-6, 0x1.19a1491f589dcp-2,
     0x1.c922b623b8c1cp-3, 0x1.7912c1468f47ep-1, 0x1.5a785aef6719ap-1,
     0x1.c8cbc2a2e7490p-1, 0x1.6419f92e55088p-4, 0x1.b00c460411746p-2,
     0x1.e83298bfe34a0p-6, 0x1.bfc5443b8faa0p-3, 0x1.02bdeda687799p-1},
    {0x1.3a3761afd4291p-1, 0x1.a13cb57c0715ap-1, 0x1.e3d88c68edf49p-1,
     0x1.240a3fed28776p-1, 0x1.e758a5a01babcp-2, 0x1.e571b9e765d1dp-1,
     0x1.0395e6844df5cp-3, 0x1.8046c2c2bb21ep-2, 0x1.70853d973deaap-1,
     0x1.929dabb8b38dap-2, 0x1.cc360fee844fcp-2, 0x1.cb430dd7d4796p-1},
    {0x1.aa9e665dc8a18p-2, 0x1.4d392d1f6f840p-7, 0x1.a68177b361de3p-1,
     0x1.31cea56d752c4p-2, 0x1.7940e9f744b88p-2, 0x1.8c9e52452ec40p-3,
     0x1.21cbd29beb2a9p-1, 0x1.4b22fc5f811c8p-3, 0x1.fcff45bf93c70p-4,
     0x1.bb53a5216b65ap-2, 0x1.1fc8c06824494p-1, 0x1.650e3c9c9cea0p-3},
};

/* random.getrandbits(32) x 8 after random.seed(seed) */
static const uint32_t raw_seq[5][8] = {
    {3626764237u, 1654615998u, 3255389356u, 3823568514u,
     1806341205u, 173879092u, 1112038970u, 4146640122u},
    {577090037u, 2444712010u, 3639700191u, 3445702192u,
     3280387012u, 271041745u, 1095513148u, 506456969u},
    {2746317213u, 478163327u, 107420369u, 3184935163u,
     1181241943u, 1051802512u, 958682846u, 599310825u},
    {2635837658u, 3209733218u, 3500038837u, 4028389051u,
     4058793509u, 2746733121u, 2449809396u, 3030506883u},
    {1789368711u, 3146859322u, 43676229u, 3522623596u,
     3544234957u, 3448207591u, 1282648386u, 3672791226u},
};

/* seed 42, the 2001st..2003rd random() */
static const double random_after_2000[3] = {
    0x1.2565b9fc568b4p-3, 0x1.52075ce15c2d6p-1, 0x1.c4b20e69df14cp-3};

/* seed 2**40+7: getrandbits(k) for each k in turn */
static const int bits_k[] = {
    1, 7, 31, 32, 33, 53, 63, 64, 0, 40, 2, 64,
};
static const uint64_t bits_expected[] = {
    1ull, 95ull, 1750019418ull, 4028389051ull, 8353760805ull,
    6355433061425140ull, 2313631689635932522ull, 11355623540167073005ull, 0ull,
    567480073431ull, 1ull, 13277349248396313566ull,
};

/* seed 1: _randbelow(n) for each n in turn */
static const uint64_t below_n[] = {
    1ull, 2ull, 3ull, 10ull, 1000ull, 2147483648ull, 4294967296ull,
    4294967297ull, 9223372036854775808ull, 18446744073709551615ull,
    12345678901234567ull, 6ull,
};
static const uint64_t below_expected[] = {
    0ull, 0ull, 1ull, 1ull, 507ull, 1930549411ull, 901749037ull, 2095328386ull,
    7983143289132581517ull, 14061585512234290806ull, 37940741042521ull, 5ull,
};

/* seed 0: randrange(start, stop, step) in turn */
static const struct rr_case rr_cases[] = {
    {0LL, 10LL, 1LL, 6LL},
    {-5LL, 5LL, 1LL, 1LL},
    {0LL, 100LL, 7LL, 0LL},
    {100LL, 0LL, -7LL, 72LL},
    {10LL, 0LL, -1LL, 2LL},
    {-INT64_MAX - 1, 9223372036854775807LL, 1LL, -1753655657633562139LL},
    {-INT64_MAX - 1, 9223372036854775807LL, 3LL, -830673825727006688LL},
    {9223372036854775807LL, -INT64_MAX - 1, -5LL, -1766205493338485668LL},
    {-INT64_MAX - 1, 9223372036854775807LL, 9223372036854775807LL, -1LL},
    {5LL, 6LL, 1LL, 5LL},
    {1LL, 0LL, -9223372036854775807LL, 1LL},
    {7LL, 1000LL, 2LL, 295LL},
};

/* seed 0: randint(a, b) in turn */
static const struct ri_case ri_cases[] = {
    {1LL, 6LL, 4LL},
    {-10LL, 10LL, 3LL},
    {5LL, 5LL, 5LL},
    {-INT64_MAX - 1, 9223372036854775807LL, 6084712057446794809LL},
    {9223372036854775798LL, 9223372036854775807LL, 9223372036854775805LL},
    {0LL, 9223372036854775807LL, 5198990648923353370LL},
    {-INT64_MAX - 1, 9223372036854775807LL, 4718754782008205615LL},
    {100LL, 1000LL, 733LL},
};

/* seed -12345: randrange(20) x 3, then uniform(-2.5, 10.0) x 3 */
static const int64_t randrange_stop_expected[3] = {13, 0, 9};
static const double uniform_expected[3] = {
    0x1.060e2a8c6bab6p+3, 0x1.24b6c099aedd8p+3, 0x1.c19125c4ce790p-1};

/* seed 42: shuffle(list(range(20))), then shuffle of 5 three-int records */
static const int shuffle20[] = {
    19, 5, 14, 4, 9, 13, 15, 18, 6, 12, 17, 10, 1, 11, 2, 16, 7, 8, 0, 3,
};
static const int shuffle5[] = {
    0, 3, 2, 1, 4,
};
/* then choice(range(n)) for n = 1, 7, 1000 */
static const size_t choice_expected[] = {
    0, 3, 603,
};

/* seed 1099511627783 (2**40+7): sample(range(n), k) in turn */
static const struct sample_case sample_cases[] = {
    {10, 5, 0},
    {21, 13, 5},
    {22, 5, 18},
    {1000, 10, 23},
    {1000000, 50, 33},
    {10, 0, 83},
    {10, 10, 83},
    {100, 30, 93},
    {30, 6, 123},
    {300, 6, 129},
};
static const size_t sample_values[] = {
    9, 7, 4, 8, 1, 16, 12, 20, 11, 19, 14, 7, 13, 5, 3, 15, 9, 2, 4, 16, 18, 5,
    1, 258, 77, 772, 376, 136, 133, 735, 591, 601, 31, 883241, 592897, 978800,
    158202, 969243, 55025, 365358, 306522, 635131, 500964, 923677, 29992,
    400580, 856943, 606344, 878721, 368004, 827208, 273736, 999700, 498399,
    360951, 767320, 708953, 670647, 256629, 592290, 601496, 520715, 201115,
    222221, 988710, 164911, 495899, 53143, 153294, 736319, 589909, 427384,
    407069, 74490, 858236, 9229, 776528, 366394, 725136, 562857, 655003,
    786398, 924964, 7, 9, 5, 1, 2, 0, 6, 4, 3, 8, 21, 69, 65, 54, 41, 86, 82,
    61, 57, 18, 56, 48, 17, 55, 78, 24, 11, 49, 32, 89, 96, 43, 29, 98, 0, 15,
    62, 26, 14, 71, 26, 19, 22, 10, 4, 21, 285, 30, 49, 61, 20, 159,
};

static uint64_t seed_magnitude(int64_t seed) {
  return seed < 0 ? (uint64_t)0 - (uint64_t)seed : (uint64_t)seed;
}

static void test_raw_outputs(void **state) {
  (void)state;
  mt_state s;
  for (size_t i = 0; i < 5; i++) {
    mt_seed(&s, seed_magnitude(seeds[i]));
    for (size_t j = 0; j < 8; j++) {
      assert_int_equal(mt_next32(&s), raw_seq[i][j]);
    }
  }
  /* getrandbits(32) is the raw output. */
  mt_seed(&s, 0);
  assert_int_equal(mt_getrandbits(&s, 32), raw_seq[0][0]);
}

static void test_random_sequences(void **state) {
  (void)state;
  mt_state s;
  for (size_t i = 0; i < 5; i++) {
    mt_seed(&s, seed_magnitude(seeds[i]));
    for (size_t j = 0; j < 12; j++) {
      double got = mt_random(&s);
      assert_true(got == random_seq[i][j]);
      assert_true(got >= 0.0 && got < 1.0);
    }
  }
  /* Reseeding restarts the sequence. */
  mt_seed(&s, 1);
  assert_true(mt_random(&s) == random_seq[1][0]);
  /* Past several regenerations of the 624-word state. */
  mt_seed(&s, 42);
  for (int i = 0; i < 2000; i++) {
    mt_random(&s);
  }
  for (size_t j = 0; j < 3; j++) {
    assert_true(mt_random(&s) == random_after_2000[j]);
  }
}

static void test_getrandbits(void **state) {
  (void)state;
  mt_state s;
  mt_seed(&s, 1099511627783ull);
  for (size_t i = 0; i < sizeof bits_k / sizeof bits_k[0]; i++) {
    uint64_t got = mt_getrandbits(&s, bits_k[i]);
    assert_int_equal(got, bits_expected[i]);
  }
}

static void test_randbelow(void **state) {
  (void)state;
  mt_state s;
  mt_seed(&s, 1);
  for (size_t i = 0; i < sizeof below_n / sizeof below_n[0]; i++) {
    assert_int_equal(mt_randbelow(&s, below_n[i]), below_expected[i]);
  }
  /* n == 0 draws nothing. */
  mt_state before = s;
  assert_int_equal(mt_randbelow(&s, 0), 0);
  assert_memory_equal(&before, &s, sizeof s);
}

static void test_randrange(void **state) {
  (void)state;
  mt_state s;
  mt_error err;
  mt_seed(&s, 0);
  for (size_t i = 0; i < sizeof rr_cases / sizeof rr_cases[0]; i++) {
    int64_t got = 0;
    assert_int_equal(mt_randrange(&s, rr_cases[i].start, rr_cases[i].stop,
                                  rr_cases[i].step, &got, &err),
                     MT_OK);
    assert_int_equal(got, rr_cases[i].expected);
  }
  mt_seed(&s, 0);
  for (size_t i = 0; i < sizeof ri_cases / sizeof ri_cases[0]; i++) {
    int64_t got = 0;
    assert_int_equal(mt_randint(&s, ri_cases[i].a, ri_cases[i].b, &got, &err),
                     MT_OK);
    assert_int_equal(got, ri_cases[i].expected);
  }
  mt_seed(&s, 12345);
  for (size_t i = 0; i < 3; i++) {
    int64_t got = 0;
    assert_int_equal(mt_randrange_stop(&s, 20, &got, &err), MT_OK);
    assert_int_equal(got, randrange_stop_expected[i]);
  }
  for (size_t i = 0; i < 3; i++) {
    assert_true(mt_uniform(&s, -2.5, 10.0) == uniform_expected[i]);
  }
}

static void test_randrange_errors(void **state) {
  (void)state;
  mt_state s;
  mt_error err;
  int64_t out = 77;
  mt_seed(&s, 3);
  mt_state before = s;
  assert_int_equal(mt_randrange_stop(&s, 0, &out, &err), MT_EMPTY_RANGE);
  assert_string_equal(err.message, "empty range for randrange()");
  assert_int_equal(mt_randrange(&s, 5, 5, 1, &out, &err), MT_EMPTY_RANGE);
  assert_string_equal(err.message, "empty range for randrange() (5, 5, 0)");
  assert_int_equal(mt_randrange(&s, 5, 1, 1, &out, &err), MT_EMPTY_RANGE);
  assert_string_equal(err.message, "empty range for randrange() (5, 1, -4)");
  assert_int_equal(mt_randrange(&s, 0, 5, 0, &out, &err), MT_ZERO_STEP);
  assert_string_equal(err.message, "zero step for randrange()");
  assert_int_equal(mt_randrange(&s, 0, 5, -1, &out, &err), MT_EMPTY_RANGE);
  assert_string_equal(err.message, "empty range for randrange()");
  assert_int_equal(mt_randrange(&s, 5, 0, 2, &out, &err), MT_EMPTY_RANGE);
  assert_string_equal(err.message, "empty range for randrange()");
  assert_int_equal(mt_randint(&s, 5, 3, &out, &err), MT_EMPTY_RANGE);
  assert_string_equal(err.message, "empty range for randrange() (5, 4, -1)");
  assert_int_equal(
      mt_randrange(&s, INT64_MAX, -INT64_MAX - 1, 1, &out, &err),
      MT_EMPTY_RANGE);
  assert_string_equal(err.message,
                      "empty range for randrange() (9223372036854775807, "
                      "-9223372036854775808, -18446744073709551615)");
  assert_int_equal(mt_randrange(&s, 1, 0, 1, &out, NULL), MT_EMPTY_RANGE);
  size_t idx = 99;
  assert_int_equal(mt_choice_index(&s, 0, &idx, &err), MT_EMPTY_SEQUENCE);
  assert_string_equal(err.message, "Cannot choose from an empty sequence");
  size_t sample[4];
  assert_int_equal(mt_sample_indices(&s, 3, 4, sample, &err),
                   MT_SAMPLE_TOO_LARGE);
  assert_string_equal(err.message,
                      "Sample larger than population or is negative");
  /* Failed calls consume nothing and leave outputs alone. */
  assert_memory_equal(&before, &s, sizeof s);
  assert_int_equal(out, 77);
  assert_int_equal(idx, 99);
}

struct record {
  int id;       /* original position */
  int payload;  /* id * 10, travels with the record */
  char tag[5];  /* more bytes, so swaps move whole records */
};

static void test_shuffle_and_choice(void **state) {
  (void)state;
  mt_state s;
  mt_seed(&s, 42);
  int v[20];
  for (int i = 0; i < 20; i++) {
    v[i] = i;
  }
  mt_shuffle(&s, v, 20, sizeof v[0]);
  assert_memory_equal(v, shuffle20, sizeof v);
  struct record recs[5];
  memset(recs, 0, sizeof recs);
  for (int i = 0; i < 5; i++) {
    recs[i].id = i;
    recs[i].payload = i * 10;
    recs[i].tag[0] = (char)('a' + i);
  }
  mt_shuffle(&s, recs, 5, sizeof recs[0]);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(recs[i].id, shuffle5[i]);
    assert_int_equal(recs[i].payload, shuffle5[i] * 10);
    assert_int_equal(recs[i].tag[0], 'a' + shuffle5[i]);
  }
  static const size_t lens[3] = {1, 7, 1000};
  for (size_t i = 0; i < 3; i++) {
    size_t idx = 0;
    assert_int_equal(mt_choice_index(&s, lens[i], &idx, NULL), MT_OK);
    assert_int_equal(idx, choice_expected[i]);
  }
  /* Shuffling zero or one element draws nothing. */
  mt_state before = s;
  mt_shuffle(&s, v, 0, sizeof v[0]);
  mt_shuffle(&s, v, 1, sizeof v[0]);
  assert_memory_equal(&before, &s, sizeof s);
}

static void test_sample(void **state) {
  (void)state;
  mt_state s;
  mt_error err;
  mt_seed(&s, 1099511627783ull);
  for (size_t i = 0; i < sizeof sample_cases / sizeof sample_cases[0]; i++) {
    size_t out[64];
    const struct sample_case *c = &sample_cases[i];
    assert_true(c->k <= 64);
    assert_int_equal(mt_sample_indices(&s, c->n, c->k, out, &err), MT_OK);
    for (size_t j = 0; j < c->k; j++) {
      assert_int_equal(out[j], sample_values[c->offset + j]);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_raw_outputs),
      cmocka_unit_test(test_random_sequences),
      cmocka_unit_test(test_getrandbits),
      cmocka_unit_test(test_randbelow),
      cmocka_unit_test(test_randrange),
      cmocka_unit_test(test_randrange_errors),
      cmocka_unit_test(test_shuffle_and_choice),
      cmocka_unit_test(test_sample),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
