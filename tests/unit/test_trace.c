/* Tests for sim/trace: the exact scheduling of the article's five programs (who is created,
 * started, suspended on what, woken by what, returns what), the ready queue and timer heap
 * reconstructed at chosen steps, byte-identical output of two runs, and the reconstruction on
 * hand-made traces (ties, cancelled timers). */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fmt.h"
#include "sim.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LOOPVIZ_SOURCE_DIR
#error "LOOPVIZ_SOURCE_DIR must name the source tree (the build defines it)"
#endif

/* Runs scenarios/<name>.py with a trace; the program must succeed. */
static trace *run_scenario(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/scenarios/%s.py", LOOPVIZ_SOURCE_DIR, name);
  trace *t = trace_new(false);
  assert_non_null(t);
  sim_options o;
  sim_options_init(&o);
  o.trace = t;
  assert_int_equal(sim_run_file(&o, path), SIM_OK);
  assert_false(trace_truncated(t));
  assert_int_equal(trace_exit_status(t), 0);
  return t;
}

/* The scheduling story of a trace, one line per event that tells it, built from the event
 * fields (not from the text output):
 *   created T<id> <coroutine> by T<parent>|-
 *   step T<id> <wake>[ T<task>]            (the task it awaited, for wake "task")
 *   suspend T<id> <wait> <what>[ until <deadline>]
 *   return T<id> <repr>        raise T<id> <repr>        cancelled T<id> <repr>
 *   clock <to> */
static char *story(const trace *t) {
  fmt_buf b;
  fmt_buf_init(&b);
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    const char *text = trace_text(t, e->text);
    switch (e->kind) {
    case TR_TASK_CREATED:
      fmt_buf_appendf(&b, "created T%d %s by ", e->task, text);
      if (e->a >= 0)
        fmt_buf_appendf(&b, "T%d\n", e->a);
      else
        fmt_buf_appends(&b, "-\n");
      break;
    case TR_STEP_BEGIN:
      fmt_buf_appendf(&b, "step T%d %s", e->task, trace_wake_name((trace_wake)e->a));
      if (e->a == WAKE_TASK)
        fmt_buf_appendf(&b, " T%d", e->b);
      fmt_buf_appends(&b, "\n");
      break;
    case TR_STEP_SUSPEND:
      fmt_buf_appendf(&b, "suspend T%d %s %s", e->task, trace_wait_name((trace_wait)e->a), text);
      if (e->a == WAIT_SLEEP)
        fmt_buf_appendf(&b, " until %g", e->num);
      fmt_buf_appends(&b, "\n");
      break;
    case TR_STEP_RETURN:
      fmt_buf_appendf(&b, "return T%d %s\n", e->task, text);
      break;
    case TR_STEP_RAISE:
      fmt_buf_appendf(&b, "%s T%d %s\n", e->a ? "cancelled" : "raise", e->task, text);
      break;
    case TR_CLOCK_JUMP:
      fmt_buf_appendf(&b, "clock %g\n", e->time);
      break;
    default:
      break;
    }
  }
  char *s = strdup(fmt_buf_str(&b));
  fmt_buf_free(&b);
  assert_non_null(s);
  return s;
}

/* Every wake names what the task's previous suspension waited for: the timer handle of its
 * sleep, the task, the gather or future it awaited. */
static void assert_wakes_match_waits(const trace *t) {
  size_t ntasks = trace_task_count(t);
  const trace_event **last = calloc(ntasks ? ntasks : 1, sizeof *last);
  assert_non_null(last);
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    if (e->kind == TR_STEP_SUSPEND) {
      last[e->task] = e;
    } else if (e->kind == TR_STEP_BEGIN) {
      const trace_event *s = last[e->task];
      switch (e->a) {
      case WAKE_START:
        assert_null(s);
        break;
      case WAKE_TIMER:
        assert_non_null(s);
        assert_int_equal(s->a, WAIT_SLEEP);
        assert_int_equal(s->b, e->b);
        assert_true(e->time >= s->num);
        break;
      case WAKE_GATHER:
        assert_non_null(s);
        assert_int_equal(s->a, WAIT_GATHER);
        assert_int_equal(s->b, e->b);
        break;
      case WAKE_TASK:
        assert_non_null(s);
        assert_int_equal(s->a, WAIT_TASK);
        assert_int_equal(s->b, e->b);
        break;
      default:
        assert_non_null(s);
        break;
      }
    }
  }
  free(last);
}

static void assert_story(const char *name, const char *expected) {
  trace *t = run_scenario(name);
  char *s = story(t);
  assert_string_equal(s, expected);
  assert_wakes_match_waits(t);
  free(s);
  trace_free(t);
}

static void test_gather_story(void **state) {
  (void)state;
  assert_story("gather", "created T0 main() by -\n"
                         "step T0 start\n"
                         "created T1 fetch_data(1, 2) by T0\n"
                         "created T2 fetch_data(2, 1) by T0\n"
                         "created T3 fetch_data(3, 3) by T0\n"
                         "suspend T0 gather asyncio.gather() of 3\n"
                         "step T1 start\n"
                         "suspend T1 sleep asyncio.sleep(2) until 2\n"
                         "step T2 start\n"
                         "suspend T2 sleep asyncio.sleep(1) until 1\n"
                         "step T3 start\n"
                         "suspend T3 sleep asyncio.sleep(3) until 3\n"
                         "clock 1\n"
                         "step T2 timer\n"
                         "return T2 {'id': 2, 'data': 'Data 2'}\n"
                         "clock 2\n"
                         "step T1 timer\n"
                         "return T1 {'id': 1, 'data': 'Data 1'}\n"
                         "clock 3\n"
                         "step T3 timer\n"
                         "return T3 {'id': 3, 'data': 'Data 3'}\n"
                         "step T0 gather\n"
                         "return T0 None\n");
}

static void test_greet_story(void **state) {
  (void)state;
  assert_story("greet", "created T0 main() by -\n"
                        "step T0 start\n"
                        "suspend T0 sleep asyncio.sleep(1) until 1\n"
                        "clock 1\n"
                        "step T0 timer\n"
                        "return T0 None\n");
}

/* The awaited coroutine runs inside Task-1 (no task of its own); gather makes two. */
static void test_error_handling_story(void **state) {
  (void)state;
  assert_story("error_handling", "created T0 main() by -\n"
                                 "step T0 start\n"
                                 "suspend T0 sleep asyncio.sleep(1) until 1\n"
                                 "clock 1\n"
                                 "step T0 timer\n"
                                 "created T1 risky_operation(False) by T0\n"
                                 "created T2 risky_operation(True) by T0\n"
                                 "suspend T0 gather asyncio.gather() of 2\n"
                                 "step T1 start\n"
                                 "suspend T1 sleep asyncio.sleep(1) until 2\n"
                                 "step T2 start\n"
                                 "suspend T2 sleep asyncio.sleep(1) until 2\n"
                                 "clock 2\n"
                                 "step T1 timer\n"
                                 "return T1 'Success'\n"
                                 "step T2 timer\n"
                                 "raise T2 ValueError('Operation failed!')\n"
                                 "step T0 gather\n"
                                 "return T0 None\n");
}

/* __aenter__, query and __aexit__ all sleep inside Task-1. */
static void test_context_manager_story(void **state) {
  (void)state;
  assert_story("context_manager", "created T0 main() by -\n"
                                  "step T0 start\n"
                                  "suspend T0 sleep asyncio.sleep(1) until 1\n"
                                  "clock 1\n"
                                  "step T0 timer\n"
                                  "suspend T0 sleep asyncio.sleep(0.5) until 1.5\n"
                                  "clock 1.5\n"
                                  "step T0 timer\n"
                                  "suspend T0 sleep asyncio.sleep(0.5) until 2\n"
                                  "clock 2\n"
                                  "step T0 timer\n"
                                  "return T0 None\n");
}

static void test_async_generator_story(void **state) {
  (void)state;
  assert_story("async_generator", "created T0 main() by -\n"
                                  "step T0 start\n"
                                  "suspend T0 sleep asyncio.sleep(0.1) until 0.1\n"
                                  "clock 0.1\n"
                                  "step T0 timer\n"
                                  "suspend T0 sleep asyncio.sleep(0.1) until 0.2\n"
                                  "clock 0.2\n"
                                  "step T0 timer\n"
                                  "suspend T0 sleep asyncio.sleep(0.1) until 0.3\n"
                                  "clock 0.3\n"
                                  "step T0 timer\n"
                                  "suspend T0 sleep asyncio.sleep(0.1) until 0.4\n"
                                  "clock 0.4\n"
                                  "step T0 timer\n"
                                  "suspend T0 sleep asyncio.sleep(0.1) until 0.5\n"
                                  "clock 0.5\n"
                                  "step T0 timer\n"
                                  "return T0 None\n");
}

/* The source lines of the awaits and of the calls that made the tasks. */
static void test_lines(void **state) {
  (void)state;
  trace *t = run_scenario("gather");
  assert_int_equal(trace_task_count(t), 4);
  assert_int_equal(trace_task_at(t, 0)->line, 25); /* asyncio.run(main()) */
  assert_int_equal(trace_task_at(t, 0)->parent, -1);
  for (int32_t k = 1; k < 4; k++) {
    assert_int_equal(trace_task_at(t, k)->line, 19); /* asyncio.gather(*tasks) */
    assert_int_equal(trace_task_at(t, k)->parent, 0);
  }
  assert_string_equal(trace_text(t, trace_task_at(t, 1)->name), "Task-2");
  assert_string_equal(trace_text(t, trace_task_at(t, 3)->label), "fetch_data(3, 3)");
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    if (e->kind == TR_STEP_SUSPEND)
      assert_int_equal(e->line, e->task == 0 ? 19 : 6);
  }
  trace_free(t);
}

/* Index of the n-th (0-based) event of a kind for a task (-2: any task). */
static size_t find(const trace *t, trace_kind kind, int32_t task, int n) {
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    if (e->kind == kind && (task == -2 || e->task == task) && n-- == 0)
      return i;
  }
  fail_msg("no event %d of kind %s for task %d", n, trace_kind_name(kind), task);
  return 0;
}

static void test_gather_queues(void **state) {
  (void)state;
  trace *t = run_scenario("gather");
  trace_queues q;

  /* Before the loop runs: asyncio.run has scheduled Task-1's first step. */
  assert_true(trace_queues_at(t, find(t, TR_READY_PUSH, 0, 0), &q));
  assert_int_equal(q.nready, 1);
  assert_int_equal(q.ready[0].task, 0);
  assert_int_equal(q.ready[0].cb, CB_STEP);
  assert_int_equal(q.ntimers, 0);
  trace_queues_free(&q);

  /* main() has made the three tasks and suspended on the gather: their first steps wait in
   * creation order. */
  assert_true(trace_queues_at(t, find(t, TR_STEP_SUSPEND, 0, 0), &q));
  assert_int_equal(q.nready, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(q.ready[i].task, (int32_t)i + 1);
    assert_int_equal(q.ready[i].cb, CB_STEP);
    assert_string_equal(trace_text(t, q.ready[i].text), "Task.__step");
    if (i > 0)
      assert_true(q.ready[i].id > q.ready[i - 1].id);
  }
  assert_int_equal(q.ntimers, 0);
  trace_queues_free(&q);

  /* All three sleep: nothing is ready, the heap holds deadlines 1, 2, 3 (Task-3, Task-2,
   * Task-4). */
  assert_true(trace_queues_at(t, find(t, TR_STEP_SUSPEND, 3, 0), &q));
  assert_int_equal(q.nready, 0);
  assert_int_equal(q.ntimers, 3);
  static const int32_t sleeper[3] = {2, 1, 3};
  for (size_t i = 0; i < 3; i++) {
    assert_true(q.timers[i].when == (double)(i + 1));
    assert_int_equal(q.timers[i].task, sleeper[i]);
  }
  trace_queues_free(&q);

  /* The clock jumped to 1 and the first timer fired: its callback is ready, two timers
   * remain. */
  size_t fire = find(t, TR_TIMER_FIRE, -2, 0);
  assert_true(trace_queues_at(t, fire + 1, &q));
  assert_int_equal(trace_event_at(t, fire + 1)->kind, TR_READY_PUSH);
  assert_int_equal(q.nready, 1);
  assert_int_equal(q.ready[0].cb, CB_TIMER);
  assert_int_equal(q.ready[0].task, 2);
  assert_int_equal(q.ntimers, 2);
  assert_true(q.timers[0].when == 2.0 && q.timers[1].when == 3.0);
  trace_queues_free(&q);

  /* The end: both empty. */
  assert_true(trace_queues_at(t, trace_count(t) - 1, &q));
  assert_int_equal(q.nready, 0);
  assert_int_equal(q.ntimers, 0);
  trace_queues_free(&q);
  trace_free(t);
}

/* Two sleeps with the same deadline fire in the order they were scheduled. */
static void test_error_handling_queues(void **state) {
  (void)state;
  trace *t = run_scenario("error_handling");
  trace_queues q;
  assert_true(trace_queues_at(t, find(t, TR_STEP_SUSPEND, 2, 0), &q));
  assert_int_equal(q.ntimers, 2);
  assert_int_equal(q.timers[0].task, 1);
  assert_int_equal(q.timers[1].task, 2);
  assert_true(q.timers[0].when == 2.0 && q.timers[1].when == 2.0);
  trace_queues_free(&q);

  /* The third timer to fire (Task-1's sleep was the first) is the second one at t=2. */
  size_t second_fire = find(t, TR_TIMER_FIRE, -2, 2);
  assert_true(trace_event_at(t, second_fire)->time == 2.0);
  assert_true(trace_queues_at(t, second_fire + 1, &q));
  assert_int_equal(q.ntimers, 0);
  assert_int_equal(q.nready, 2);
  assert_int_equal(q.ready[0].task, 1);
  assert_int_equal(q.ready[1].task, 2);
  assert_int_equal(q.ready[0].cb, CB_TIMER);
  trace_queues_free(&q);
  trace_free(t);
}

static char *render(const trace *t, bool json) {
  fmt_buf b;
  fmt_buf_init(&b);
  assert_true(json ? trace_write_jsonl(t, &b) : trace_write_text(t, &b));
  char *s = strdup(fmt_buf_str(&b));
  fmt_buf_free(&b);
  assert_non_null(s);
  return s;
}

static void test_two_runs_identical(void **state) {
  (void)state;
  static const char *const names[] = {"gather", "greet", "error_handling", "context_manager",
                                      "async_generator"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    trace *a = run_scenario(names[i]), *b = run_scenario(names[i]);
    assert_int_equal(trace_count(a), trace_count(b));
    for (int json = 0; json < 2; json++) {
      char *x = render(a, json), *y = render(b, json);
      assert_true(strlen(x) > 0);
      assert_string_equal(x, y);
      free(x);
      free(y);
    }
    trace_free(a);
    trace_free(b);
  }
}

/* The text and JSON Lines layouts docs/trace-format.md promises, on a few known lines. */
static void test_output_layout(void **state) {
  (void)state;
  trace *t = run_scenario("gather");
  char *text = render(t, false);
  assert_non_null(strstr(text, "\n0.000000  #5     created   Task-2 fetch_data(1, 2)  by Task-1 "
                               "at line 19\n"));
  assert_non_null(strstr(text, "\n0.000000  #16    suspend   Task-2 fetch_data(1, 2)  awaits "
                               "asyncio.sleep(2) until 2.000000 at line 6\n"));
  assert_non_null(strstr(text, "\n2.000000  #46    step      Task-2 fetch_data(1, 2)  <- timer\n"));
  assert_non_null(strstr(text, "\n1.000000  #27    clock     0.000000 -> 1.000000\n"));
  assert_non_null(strstr(text, "\n0.000000  #14    print     Task-2 \"Fetching data 1...\\n\"\n"));
  free(text);
  char *json = render(t, true);
  assert_non_null(strstr(json, "\n{\"step\":16,\"time\":0.0,\"kind\":\"suspend\",\"task\":1,"
                               "\"task_name\":\"Task-2\",\"coro\":\"fetch_data(1, 2)\","
                               "\"wait\":\"sleep\",\"ref\":4,\"deadline\":2.0,\"line\":6,"
                               "\"text\":\"asyncio.sleep(2)\"}\n"));
  size_t lines = 0;
  for (const char *p = json; *p; p++)
    lines += *p == '\n';
  assert_int_equal(lines, trace_count(t));
  free(json);
  trace_free(t);
}

/* ---- hand-made traces ------------------------------------------------------------------ */

static void timer(trace *t, double now, int32_t handle, double when, int32_t task) {
  trace_add(t, TR_TIMER_ADD, now, task, handle, CB_TIMER, 0, when, NULL, 0);
}

static void test_queues_by_hand(void **state) {
  (void)state;
  trace *t = trace_new(false);
  assert_non_null(t);
  int32_t k = trace_add_task(t, 0, "Task-1", "main()", -1, 1);
  assert_int_equal(k, 0);
  size_t s_timers = 0;
  timer(t, 0, 10, 5.0, 0);
  timer(t, 0, 11, 1.0, 0);
  timer(t, 0, 12, 5.0, 0); /* ties with 10: after it */
  timer(t, 0, 13, 3.0, 0);
  s_timers = trace_count(t) - 1;
  trace_add(t, TR_TIMER_CANCEL, 0, -1, 13, 0, 0, 0, NULL, 0);
  size_t s_cancel = trace_count(t) - 1;
  trace_add(t, TR_READY_PUSH, 0, 0, 20, CB_STEP, 0, 0, "Task.__step", 11);
  trace_add(t, TR_READY_PUSH, 0, -1, 21, CB_USER, 0, 0, "cb", 2);
  trace_add(t, TR_TIMER_FIRE, 1, 0, 11, 0, 0, 0, NULL, 0);
  trace_add(t, TR_READY_PUSH, 1, 0, 11, CB_TIMER, 0, 0, "_set_result_unless_cancelled", 28);
  size_t s_fire = trace_count(t) - 1;
  trace_add(t, TR_READY_POP, 1, 0, 20, 0, 0, 0, NULL, 0);
  size_t s_pop = trace_count(t) - 1;

  trace_queues q;
  assert_true(trace_queues_at(t, s_timers, &q));
  assert_int_equal(q.ntimers, 4);
  static const int32_t order[4] = {11, 13, 10, 12};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(q.timers[i].id, order[i]);
  trace_queues_free(&q);

  assert_true(trace_queues_at(t, s_cancel, &q));
  assert_int_equal(q.ntimers, 3);
  assert_int_equal(q.timers[1].id, 10);
  trace_queues_free(&q);

  assert_true(trace_queues_at(t, s_fire, &q));
  assert_int_equal(q.nready, 3);
  assert_int_equal(q.ready[0].id, 20);
  assert_int_equal(q.ready[1].id, 21);
  assert_int_equal(q.ready[1].cb, CB_USER);
  assert_int_equal(q.ready[2].id, 11);
  assert_true(q.ready[2].when == 1.0); /* keeps its deadline */
  assert_int_equal(q.ntimers, 2);
  trace_queues_free(&q);

  assert_true(trace_queues_at(t, s_pop, &q));
  assert_int_equal(q.nready, 2);
  assert_int_equal(q.ready[0].id, 21);
  trace_queues_free(&q);

  /* A step past the end shows the final state. */
  assert_true(trace_queues_at(t, trace_count(t) + 100, &q));
  assert_int_equal(q.nready, 2);
  trace_queues_free(&q);
  trace_free(t);
}

static void test_names_and_pool(void **state) {
  (void)state;
  trace *t = trace_new(true);
  assert_true(trace_lines_enabled(t));
  assert_int_equal(trace_add_task(t, 0, "Task-1", "main()", -1, 3), 0);
  assert_int_equal(trace_add_task(t, 0, "Task-2", "work(1)", 0, 4), 1);
  assert_true(trace_rename_task(t, 1, "worker"));
  assert_false(trace_rename_task(t, 7, "nobody"));
  assert_string_equal(trace_text(t, trace_task_at(t, 1)->name), "worker");
  assert_null(trace_task_at(t, 2));
  assert_null(trace_task_at(t, -1));
  assert_string_equal(trace_text(t, TRACE_NO_TEXT), "");
  assert_int_equal(trace_exit_status(t), -1);
  trace_add(t, TR_RUN_END, 0, -1, 1, 0, 0, 0, NULL, 0);
  assert_int_equal(trace_exit_status(t), 1);
  assert_null(trace_event_at(t, trace_count(t)));
  assert_int_equal(trace_new_handle_id(t), 0);
  assert_int_equal(trace_new_handle_id(t), 1);
  assert_int_equal(trace_new_future_id(t), 0);
  /* Text with a NUL-free newline and quote round-trips through the pool. */
  uint32_t s = trace_add(t, TR_PRINT, 0, 0, 0, 0, 2, 0, "a\"b\nc", 5);
  assert_string_equal(trace_text(t, trace_event_at(t, s)->text), "a\"b\nc");
  trace_free(t);
}

/* The program's output, appended to a fmt_buf (sim_options.out). */
static void capture(void *user, const char *text, size_t len) {
  assert_int_equal(fmt_buf_append(user, text, len), FMT_OK);
}

/* A trace labels tasks and results with their reprs, so it calls a __repr__ of the program's
 * where CPython never would: what that prints is dropped and its lines are not traced, so the
 * run shows and prints what an untraced run (and CPython) does, labels made all the same. */
static void test_reprs_run_quietly(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "class A:\n"
                            "    def __repr__(self):\n"
                            "        print('repr!')\n"
                            "        return 'A()'\n"
                            "async def f(a):\n"
                            "    return a\n"
                            "async def main():\n"
                            "    r = await asyncio.create_task(f(A()))\n"
                            "    print('got', type(r).__name__)\n"
                            "asyncio.run(main())\n";
  for (int traced = 0; traced < 2; traced++) {
    fmt_buf out, printed;
    fmt_buf_init(&out);
    fmt_buf_init(&printed);
    trace *t = traced ? trace_new(true) : NULL;
    sim_options o;
    sim_options_init(&o);
    o.out = capture;
    o.user = &out;
    o.trace = t;
    assert_int_equal(sim_run_source(&o, "quiet.py", src, strlen(src)), SIM_OK);
    assert_string_equal(fmt_buf_str(&out), "got A\n");
    if (t != NULL) {
      assert_string_equal(trace_text(t, trace_task_at(t, 1)->label), "f(A())");
      for (size_t i = 0; i < trace_count(t); i++) {
        const trace_event *e = trace_event_at(t, i);
        if (e->kind == TR_PRINT)
          fmt_buf_appends(&printed, trace_text(t, e->text));
        if (e->kind == TR_STEP_RETURN && e->task == 1)
          assert_string_equal(trace_text(t, e->text), "A()");
        assert_false(e->kind == TR_LINE && (e->line == 4 || e->line == 5));
      }
      assert_string_equal(fmt_buf_str(&printed), "got A\n");
      trace_free(t);
    }
    fmt_buf_free(&out);
    fmt_buf_free(&printed);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gather_story),          cmocka_unit_test(test_greet_story),
      cmocka_unit_test(test_error_handling_story),  cmocka_unit_test(test_context_manager_story),
      cmocka_unit_test(test_async_generator_story), cmocka_unit_test(test_lines),
      cmocka_unit_test(test_gather_queues),         cmocka_unit_test(test_error_handling_queues),
      cmocka_unit_test(test_two_runs_identical),    cmocka_unit_test(test_output_layout),
      cmocka_unit_test(test_queues_by_hand),        cmocka_unit_test(test_names_and_pool),
      cmocka_unit_test(test_reprs_run_quietly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
