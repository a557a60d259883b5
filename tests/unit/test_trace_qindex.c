/* Tests for the queue index of sim/trace (trace_qindex): at every step of every bundled scenario,
 * and of long made-up traces (checkpoints, ties, cancels, handles pushed twice), it answers what
 * the replay of trace_queues_at answers: the same entries in the same order, the first max of
 * them, and the full lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim.h"
#include "trace.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LOOPVIZ_SOURCE_DIR
#error "LOOPVIZ_SOURCE_DIR must name the source tree (the build defines it)"
#endif

static void same_handle(const trace_handle *a, const trace_handle *b) {
  assert_int_equal(a->id, b->id);
  assert_int_equal(a->cb, b->cb);
  assert_int_equal(a->task, b->task);
  assert_memory_equal(&a->when, &b->when, sizeof a->when);
  assert_int_equal(a->text, b->text);
}

/* The index agrees with the replay at step, for several max. */
static void check_step(const trace *t, const trace_qindex *x, size_t step) {
  trace_queues want;
  assert_true(trace_queues_at(t, step, &want));
  static const size_t maxes[] = {0, 1, 3, SIZE_MAX};
  for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
    trace_queues got;
    size_t rlen = 0, tlen = 0;
    assert_true(trace_qindex_at(x, step, maxes[m], &got, &rlen, &tlen));
    assert_int_equal(rlen, want.nready);
    assert_int_equal(tlen, want.ntimers);
    assert_int_equal(got.nready, want.nready < maxes[m] ? want.nready : maxes[m]);
    assert_int_equal(got.ntimers, want.ntimers < maxes[m] ? want.ntimers : maxes[m]);
    for (size_t i = 0; i < got.nready; i++)
      same_handle(&got.ready[i], &want.ready[i]);
    for (size_t i = 0; i < got.ntimers; i++)
      same_handle(&got.timers[i], &want.timers[i]);
    trace_queues_free(&got);
  }
  trace_queues_free(&want);
}

static void check_trace(const trace *t, size_t every) {
  trace_qindex *x = trace_qindex_new(t);
  assert_non_null(x);
  size_t n = trace_count(t);
  for (size_t s = 0; s < n; s += every)
    check_step(t, x, s);
  if (n > 0)
    check_step(t, x, n - 1);
  check_step(t, x, n + 10); /* past the end: the end */
  trace_qindex_free(x);
}

static void test_bundled_scenarios(void **state) {
  (void)state;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/scenarios", LOOPVIZ_SOURCE_DIR);
  DIR *d = opendir(dir);
  assert_non_null(d);
  size_t seen = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 4 || strcmp(de->d_name + len - 3, ".py") != 0)
      continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    trace *t = trace_new(true);
    assert_non_null(t);
    sim_options o;
    sim_options_init(&o);
    o.trace = t;
    sim_run_file(&o, path); /* some end with an error or a deadlock on purpose */
    check_trace(t, 1);
    trace_free(t);
    seen++;
  }
  closedir(d);
  assert_true(seen >= 10);
}

static void test_empty_trace(void **state) {
  (void)state;
  trace *t = trace_new(false);
  check_trace(t, 1);
  trace_free(t);
}

/* A deterministic generator for made-up traces. */
static uint32_t next_rand(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(*s >> 33);
}

/* A long trace of random queue traffic: few distinct deadlines (ties), cancels, timers that fire
 * into the ready queue, callbacks pushed while an earlier push of the same handle waits, and long
 * stretches where the queues grow past the checkpoint spacing. */
static trace *made_up(uint64_t seed, size_t events, uint32_t grow_bias) {
  trace *t = trace_new(false);
  assert_non_null(t);
  int32_t next_id = 0;
  for (size_t i = 0; i < events; i++) {
    uint32_t r = next_rand(&seed) % 100;
    int32_t some = next_id > 0 ? (int32_t)(next_rand(&seed) % (uint32_t)next_id) : 0;
    double when = (double)(next_rand(&seed) % 7) * 0.5;
    if (r < 20 + grow_bias) {
      trace_add(t, TR_TIMER_ADD, 0, (int32_t)(r % 3) - 1, next_id++, CB_TIMER, 0, when, NULL, 0);
    } else if (r < 40 + grow_bias) {
      trace_add(t, TR_READY_PUSH, 0, -1, next_id++, CB_USER, 0, 0, "cb()", 4);
    } else if (r < 50) {
      trace_add(t, TR_TIMER_FIRE, 0, -1, some, 0, 0, 0, NULL, 0);
      trace_add(t, TR_READY_PUSH, 0, -1, some, CB_TIMER, 0, 0, NULL, 0);
    } else if (r < 60) {
      trace_add(t, TR_TIMER_CANCEL, 0, -1, some, 0, 0, 0, NULL, 0);
    } else if (r < 65) {
      trace_add(t, TR_READY_PUSH, 0, 2, some, CB_STEP, 0, 0, NULL, 0); /* pushed again */
    } else {
      trace_add(t, TR_READY_POP, 0, -1, some, 0, 0, 0, NULL, 0);
    }
    if (r % 10 == 0)
      trace_add(t, TR_PRINT, 0, -1, 0, 0, 0, 0, "x\n", 2);
  }
  return t;
}

static void test_made_up_traces(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 4; seed++) {
    trace *t = made_up(seed, 2500, seed % 2 == 0 ? 25 : 0);
    check_trace(t, 7);
    trace_free(t);
  }
}

/* Same deadlines: scheduling order breaks the tie, also across checkpoints. */
static void test_ties_across_checkpoints(void **state) {
  (void)state;
  trace *t = trace_new(false);
  for (int32_t i = 0; i < 3000; i++)
    trace_add(t, TR_TIMER_ADD, 0, -1, i, CB_TIMER, 0, 1.0, NULL, 0);
  for (int32_t i = 0; i < 3000; i += 2)
    trace_add(t, TR_TIMER_CANCEL, 0, -1, i, 0, 0, 0, NULL, 0);
  for (int32_t i = 3000; i < 4000; i++)
    trace_add(t, TR_TIMER_ADD, 0, -1, i, CB_TIMER, 0, i % 2 ? 0.5 : 1.0, NULL, 0);
  check_trace(t, 97);
  trace_free(t);
}

/* A NaN deadline does not sort: the index answers as the replay does all the same. */
static void test_nan_deadline(void **state) {
  (void)state;
  trace *t = trace_new(false);
  trace_add(t, TR_TIMER_ADD, 0, -1, 0, CB_TIMER, 0, 2.0, NULL, 0);
  trace_add(t, TR_TIMER_ADD, 0, -1, 1, CB_TIMER, 0, NAN, NULL, 0);
  trace_add(t, TR_TIMER_ADD, 0, -1, 2, CB_TIMER, 0, 1.0, NULL, 0);
  trace_add(t, TR_TIMER_CANCEL, 0, -1, 0, 0, 0, 0, NULL, 0);
  check_trace(t, 1);
  trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bundled_scenarios),       cmocka_unit_test(test_empty_trace),
      cmocka_unit_test(test_made_up_traces),          cmocka_unit_test(test_ties_across_checkpoints),
      cmocka_unit_test(test_nan_deadline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
