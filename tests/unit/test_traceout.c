/* Tests for sim/traceout: the mermaid diagram of the article's gather program line by line,
 * determinism on the five article programs, mermaid escaping and wording on hand-made traces,
 * and the Chrome trace's tracks, slices (never overlapping, zero-time steps included), waits,
 * flows and JSON escaping. tests/check_mermaid.py and tests/check_chrome_trace.py check the
 * grammar and JSON of the real exports end to end. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fmt.h"
#include "sim.h"
#include "trace.h"
#include "traceout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LOOPVIZ_SOURCE_DIR
#error "LOOPVIZ_SOURCE_DIR must name the source tree (the build defines it)"
#endif

/* A string literal and its length, for trace_add. */
#define S(literal) literal, strlen(literal)

static trace *run_scenario(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/scenarios/%s.py", LOOPVIZ_SOURCE_DIR, name);
  trace *t = trace_new(false);
  assert_non_null(t);
  sim_options o;
  sim_options_init(&o);
  o.trace = t;
  assert_int_equal(sim_run_file(&o, path), SIM_OK);
  return t;
}

static char *mermaid(const trace *t) {
  fmt_buf b;
  fmt_buf_init(&b);
  assert_true(traceout_mermaid(t, &b));
  char *s = strdup(fmt_buf_str(&b));
  fmt_buf_free(&b);
  assert_non_null(s);
  return s;
}

static char *chrome(const trace *t) {
  fmt_buf b;
  fmt_buf_init(&b);
  assert_true(traceout_chrome(t, &b));
  char *s = strdup(fmt_buf_str(&b));
  fmt_buf_free(&b);
  assert_non_null(s);
  return s;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

/* The article's diagram (../shared/seed/diagram.mmd) with three tasks, the concrete sleeps,
 * times and values, and the clock jumps. */
static void test_gather_mermaid(void **state) {
  (void)state;
  trace *t = run_scenario("gather");
  char *m = mermaid(t);
  assert_string_equal(
      m, "sequenceDiagram\n"
         "    participant Main as Main: Task-1 main()\n"
         "    participant EventLoop\n"
         "    participant Task2 as Task-2 fetch_data(1, 2)\n"
         "    participant Task3 as Task-3 fetch_data(2, 1)\n"
         "    participant Task4 as Task-4 fetch_data(3, 3)\n"
         "    participant IO\n"
         "\n"
         "    EventLoop->>Main: Start execution\n"
         "    Main->>EventLoop: Create tasks Task-2, Task-3, Task-4\n"
         "    Main->>EventLoop: Await asyncio.gather() of 3\n"
         "    Note over Main: Task-1 suspended\n"
         "    EventLoop->>Task2: Start execution\n"
         "    Task2->>IO: Await asyncio.sleep(2)\n"
         "    Note over Task2,IO: Task-2 suspended until t=2\n"
         "    EventLoop->>Task3: Start execution\n"
         "    Task3->>IO: Await asyncio.sleep(1)\n"
         "    Note over Task3,IO: Task-3 suspended until t=1\n"
         "    EventLoop->>Task4: Start execution\n"
         "    Task4->>IO: Await asyncio.sleep(3)\n"
         "    Note over Task4,IO: Task-4 suspended until t=3\n"
         "    Note over Main,IO: Clock jumps from t=0 to t=1\n"
         "    IO-->>Task3: I/O complete at t=1\n"
         "    EventLoop->>Task3: Resume execution\n"
         "    Task3-->>EventLoop: Return result {'id': 2, 'data': 'Data 2'}\n"
         "    Note over Main,IO: Clock jumps from t=1 to t=2\n"
         "    IO-->>Task2: I/O complete at t=2\n"
         "    EventLoop->>Task2: Resume execution\n"
         "    Task2-->>EventLoop: Return result {'id': 1, 'data': 'Data 1'}\n"
         "    Note over Main,IO: Clock jumps from t=2 to t=3\n"
         "    IO-->>Task4: I/O complete at t=3\n"
         "    EventLoop->>Task4: Resume execution\n"
         "    Task4-->>EventLoop: Return result {'id': 3, 'data': 'Data 3'}\n"
         "    EventLoop-->>Main: All tasks complete [{'id': 1, 'data': 'Data 1'}, {'id': 2, "
         "'data': ...\n"
         "    EventLoop->>Main: Resume execution\n"
         "    Main-->>EventLoop: Return result None\n");
  free(m);
  trace_free(t);
}

static void test_error_handling_mermaid(void **state) {
  (void)state;
  trace *t = run_scenario("error_handling");
  char *m = mermaid(t);
  assert_non_null(strstr(m, "\n    Main->>IO: Await asyncio.sleep(1)\n"
                            "    Note over Main,IO: Task-1 suspended until t=1\n"));
  assert_non_null(strstr(m, "\n    IO-->>Task2: I/O complete at t=2\n"
                            "    IO-->>Task3: I/O complete at t=2\n"));
  assert_non_null(strstr(m, "\n    Task3--xEventLoop: Raise ValueError('Operation failed!')\n"
                            "    EventLoop-->>Main: All tasks complete ['Success', "
                            "ValueError('Operation failed!')]\n"));
  free(m);
  trace_free(t);
}

static void test_five_programs_deterministic(void **state) {
  (void)state;
  static const char *const names[] = {"gather", "greet", "error_handling", "context_manager",
                                      "async_generator"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    trace *a = run_scenario(names[i]), *b = run_scenario(names[i]);
    char *ma = mermaid(a), *mb = mermaid(b), *ca = chrome(a), *cb = chrome(b);
    assert_string_equal(ma, mb);
    assert_string_equal(ca, cb);
    assert_int_equal(
        strncmp(ma, "sequenceDiagram\n    participant Main as Main: Task-1 main()\n", 59), 0);
    assert_non_null(strstr(ma, "\n    participant IO\n\n    EventLoop->>Main: Start execution\n"));
    assert_non_null(strstr(ma, "\n    Main-->>EventLoop: Return result None\n"));
    assert_int_equal(strncmp(ca, "{\"traceEvents\":[\n", 17), 0);
    assert_non_null(strstr(ca, "\"name\":\"thread_name\",\"args\":{\"name\":\"EventLoop\"}}"));
    free(ma);
    free(mb);
    free(ca);
    free(cb);
    trace_free(a);
    trace_free(b);
  }
}

/* ---- hand-made traces ------------------------------------------------------------------ */

static int32_t push(trace *t, double now, int32_t task, trace_cb cb, const char *what) {
  int32_t h = trace_new_handle_id(t);
  trace_add(t, TR_READY_PUSH, now, task, h, cb, 0, 0, what, strlen(what));
  return h;
}

static void pop(trace *t, double now, int32_t h, int32_t task) {
  trace_add(t, TR_READY_POP, now, task, h, 0, 0, 0, NULL, 0);
}

static void begin(trace *t, double now, int32_t task, trace_wake wake, int32_t ref,
                  const char *text) {
  trace_add(t, TR_STEP_BEGIN, now, task, wake, ref, 0, 0, text, strlen(text));
}

static void suspend(trace *t, double now, int32_t task, trace_wait wait, int32_t ref,
                    double deadline, const char *what) {
  trace_add(t, TR_STEP_SUSPEND, now, task, wait, ref, 7, deadline, what, strlen(what));
}

static void end(trace *t, double now, int32_t task, trace_kind kind, int32_t cancelled,
                const char *what) {
  trace_add(t, kind, now, task, cancelled, 0, 0, 0, what, strlen(what));
}

/* Main creates a task with an awkward name and label, which returns an awkward value. */
static trace *awkward_trace(void) {
  trace *t = trace_new(false);
  trace_add(t, TR_RUN_START, 0, -1, 0, 0, 0, 0, S("x.py"));
  trace_add_task(t, 0, "Task-1", "main()", -1, 9);
  int32_t h = push(t, 0, 0, CB_STEP, "Task.__step");
  pop(t, 0, h, 0);
  begin(t, 0, 0, WAKE_START, -1, "");
  trace_add_task(t, 0, "wrap:me", "f('a;b#c%d<e>&\"g', style, classDef, \"%%{init}%%\")", 0, 3);
  int32_t h1 = push(t, 0, 1, CB_STEP, "Task.__step");
  suspend(t, 0, 0, WAIT_TASK, 1, 0, "wrap:me f(...)");
  pop(t, 0, h1, 1);
  begin(t, 0, 1, WAKE_START, -1, "");
  trace_add(t, TR_PRINT, 0, 1, 0, 0, 4, 0, S("tab\there\x01\xff\n2nd line"));
  char big[120];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  big[0] = '\xff';
  big[1] = '\n';
  end(t, 0, 1, TR_STEP_RETURN, 0, big);
  trace_add(t, TR_FUTURE_DONE, 0, 1, 1, 0, 0, 0, big, strlen(big));
  int32_t hw = push(t, 0, 0, CB_WAKEUP, "Task.__wakeup");
  pop(t, 0, hw, 0);
  begin(t, 0, 0, WAKE_TASK, 1, "");
  end(t, 0, 0, TR_STEP_RETURN, 0, "None");
  trace_add(t, TR_DEADLOCK, 0, -1, 0, 0, 0, 0, S("stuck; forever\nsecond line"));
  trace_add(t, TR_RUN_END, 0, -1, 1, 0, 0, 0, NULL, 0);
  return t;
}

static void test_mermaid_escaping(void **state) {
  (void)state;
  trace *t = awkward_trace();
  char *m = mermaid(t);
  assert_non_null(strstr(m,
                         "\n    participant Task2 as #119;rap:me f('a#59;b#35;c#37;d#60;e#62;"
                         "#38;#34;g', #115;tyle, #99;lassDef, #34;#37;#37;{init}#37;#37;#34;)\n"));
  assert_non_null(strstr(m, "\n    Main->>Task2: Await wrap:me f(...)\n"
                            "    Note over Main: Task-1 suspended\n"));
  /* not UTF-8 -> '?', newline -> ' ', 48 characters then "..." */
  assert_non_null(strstr(m, "\n    Task2-->>EventLoop: Return result ?"
                            " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\n"));
  assert_non_null(strstr(m, "\n    EventLoop->>Main: Resume execution (wrap:me done)\n"));
  assert_non_null(strstr(m, "\n    Note over Main,IO: Deadlock: stuck#59; forever\n"
                            "    Note over Main,IO: The program exits with status 1\n"));
  /* Print text is not drawn. */
  assert_null(strstr(m, "tab"));
  free(m);
  trace_free(t);
}

static void test_mermaid_vocabulary(void **state) {
  (void)state;
  trace *t = trace_new(false);
  trace_add_task(t, 0, "Task-1", "main()", -1, 1);
  int32_t h = push(t, 0, 0, CB_STEP, "Task.__step");
  pop(t, 0, h, 0);
  begin(t, 0, 0, WAKE_START, -1, "");
  for (int i = 0; i < 6; i++)
    trace_add_task(t, 0, (char[]){'T', 'a', 's', 'k', '-', (char)('2' + i), '\0'}, "w()", 0, 2);
  suspend(t, 0, 0, WAIT_YIELD, -1, 0, "asyncio.sleep(0)");
  h = push(t, 0, 0, CB_STEP, "Task.__step");
  pop(t, 0, h, 0);
  begin(t, 0, 0, WAKE_YIELD, -1, "");
  trace_add(t, TR_CANCEL, 0, 1, -1, 0, 0, 0, S("'bye'"));
  trace_add(t, TR_BLOCK, 0, 0, 0, 0, 0, 2.5, NULL, 0);
  suspend(t, 2.5, 0, WAIT_FUTURE, 4, 0, "a Future");
  h = push(t, 2.5, 1, CB_STEP, "Task.__step");
  pop(t, 2.5, h, 1);
  begin(t, 2.5, 1, WAKE_CANCEL, -1, "CancelledError('bye')");
  trace_add(t, TR_FUTURE_DONE, 2.5, -1, 4, 1, 0, 0, S("KeyError('k')"));
  end(t, 2.5, 1, TR_STEP_RAISE, 1, "CancelledError('bye')");
  h = push(t, 2.5, 0, CB_WAKEUP, "Task.__wakeup");
  pop(t, 2.5, h, 0);
  begin(t, 2.5, 0, WAKE_EXCEPTION, 4, "KeyError('k')");
  end(t, 2.5, 0, TR_STEP_RAISE, 0, "KeyError('k')");
  trace_add(t, TR_WARNING, 2.5, -1, 0, 0, 0, 0, S("coroutine 'x' was never awaited\n  x()"));
  char *m = mermaid(t);
  assert_string_equal(m, "sequenceDiagram\n"
                         "    participant Main as Main: Task-1 main()\n"
                         "    participant EventLoop\n"
                         "    participant Task2 as Task-2 w()\n"
                         "    participant Task3 as Task-3 w()\n"
                         "    participant Task4 as Task-4 w()\n"
                         "    participant Task5 as Task-5 w()\n"
                         "    participant Task6 as Task-6 w()\n"
                         "    participant Task7 as Task-7 w()\n"
                         "    participant IO\n"
                         "\n"
                         "    EventLoop->>Main: Start execution\n"
                         "    Main->>EventLoop: Create 6 tasks Task-2 ... Task-7\n"
                         "    Main->>EventLoop: Yield asyncio.sleep(0)\n"
                         "    EventLoop->>Main: Resume execution\n"
                         "    Main-xTask2: cancel('bye')\n"
                         "    Note over Main: time.sleep(2.5) blocks the loop until t=2.5\n"
                         "    Main->>EventLoop: Await a Future\n"
                         "    Note over Main: Task-1 suspended\n"
                         "    EventLoop-xTask2: Resume with cancellation CancelledError('bye')\n"
                         "    Task2--xMain: Future failed KeyError('k')\n"
                         "    Task2--xEventLoop: Cancelled CancelledError('bye')\n"
                         "    EventLoop-xMain: Resume with exception KeyError('k')\n"
                         "    Main--xEventLoop: Raise KeyError('k')\n"
                         "    Note over Main,IO: Warning: coroutine 'x' was never awaited\n");
  free(m);
  trace_free(t);
}

/* An empty trace (a program that never runs asyncio) still gives a diagram mermaid accepts. */
static void test_mermaid_no_tasks(void **state) {
  (void)state;
  trace *t = trace_new(false);
  trace_add(t, TR_RUN_START, 0, -1, 0, 0, 0, 0, S("x.py"));
  trace_add(t, TR_PRINT, 0, -1, 0, 0, 1, 0, S("hi\n"));
  trace_add(t, TR_RUN_END, 0, -1, 0, 0, 0, 0, NULL, 0);
  char *m = mermaid(t);
  assert_string_equal(m, "sequenceDiagram\n    participant Main\n    participant EventLoop\n"
                         "    participant IO\n\n");
  free(m);
  char *c = chrome(t);
  assert_non_null(strstr(c, "\"name\":\"print: hi\""));
  free(c);
  trace_free(t);
}

/* ---- Chrome trace ------------------------------------------------------------------------ */

typedef struct slice {
  long long ts;  /* start, microseconds */
  long long dur; /* length */
  long long tid; /* track */
} slice;

/* The complete slices of an export (one event per line). */
static size_t slices_of(const char *json, slice *out, size_t cap) {
  size_t n = 0;
  for (const char *p = strstr(json, "{\"ph\":\"X\""); p != NULL;
       p = strstr(p + 1, "{\"ph\":\"X\"")) {
    assert_true(n < cap);
    const char *ts = strstr(p, "\"ts\":"), *tid = strstr(p, "\"tid\":"),
               *dur = strstr(p, ",\"dur\":");
    assert_non_null(ts);
    assert_non_null(tid);
    assert_non_null(dur);
    out[n].ts = strtoll(ts + 5, NULL, 10);
    out[n].tid = strtoll(tid + 6, NULL, 10);
    out[n].dur = strtoll(dur + 7, NULL, 10);
    n++;
  }
  return n;
}

static int by_track_then_time(const void *a, const void *b) {
  const slice *x = a, *y = b;
  if (x->tid != y->tid)
    return x->tid < y->tid ? -1 : 1;
  return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static void assert_no_overlap(slice *s, size_t n) {
  qsort(s, n, sizeof *s, by_track_then_time);
  for (size_t i = 0; i + 1 < n; i++) {
    assert_true(s[i].dur >= 1);
    if (s[i].tid == s[i + 1].tid)
      assert_true(s[i + 1].ts >= s[i].ts + s[i].dur);
  }
}

/* Two tasks yield to each other 40 times without the clock moving, then once more 1 us later:
 * every step gets its own microsecond, in order, on its own track, never overlapping. */
static void test_chrome_zero_time_steps(void **state) {
  (void)state;
  trace *t = trace_new(false);
  trace_add_task(t, 0, "Task-1", "a()", -1, 1);
  trace_add_task(t, 0, "Task-2", "b()", -1, 1);
  int32_t h0 = push(t, 0, 0, CB_STEP, "Task.__step"), h1 = push(t, 0, 1, CB_STEP, "Task.__step");
  for (int i = 0; i < 40; i++) {
    double now = i < 39 ? 0 : 1e-6;
    pop(t, now, h0, 0);
    begin(t, now, 0, i ? WAKE_YIELD : WAKE_START, -1, "");
    suspend(t, now, 0, WAIT_YIELD, -1, 0, "asyncio.sleep(0)");
    h0 = push(t, now, 0, CB_STEP, "Task.__step");
    pop(t, now, h1, 1);
    begin(t, now, 1, i ? WAKE_YIELD : WAKE_START, -1, "");
    suspend(t, now, 1, WAIT_YIELD, -1, 0, "asyncio.sleep(0)");
    h1 = push(t, now, 1, CB_STEP, "Task.__step");
  }
  char *c = chrome(t);
  slice s[128];
  size_t n = slices_of(c, s, 128);
  assert_int_equal(n, 80);
  /* file order is run order: starts strictly increase across all tracks */
  for (size_t i = 0; i + 1 < n; i++)
    assert_true(s[i + 1].ts > s[i].ts);
  assert_int_equal(s[0].ts, 0);
  assert_no_overlap(s, n);
  assert_int_equal(count(c, "\"ph\":\"b\""), 80);
  assert_int_equal(count(c, "\"ph\":\"e\""), 80); /* the last two never resume: closed at the end */
  assert_int_equal(count(c, "\"woken_by\":\"never\""), 2);
  /* every step but the first two was scheduled inside another run: a flow each */
  assert_int_equal(count(c, "\"ph\":\"s\""), 78);
  assert_int_equal(count(c, "\"ph\":\"s\""), count(c, "\"ph\":\"f\""));
  free(c);
  trace_free(t);
}

/* A step that blocks the loop with time.sleep lasts that long; the next run starts after it. */
static void test_chrome_blocking_step(void **state) {
  (void)state;
  trace *t = trace_new(false);
  trace_add_task(t, 0, "Task-1", "main()", -1, 1);
  int32_t h = push(t, 1, 0, CB_STEP, "Task.__step");
  pop(t, 1, h, 0);
  begin(t, 1, 0, WAKE_START, -1, "");
  trace_add(t, TR_BLOCK, 1, 0, 0, 0, 0, 2, NULL, 0);
  trace_add(t, TR_PRINT, 3, 0, 0, 0, 2, 0, S("late\n"));
  end(t, 3, 0, TR_STEP_RETURN, 0, "None");
  h = push(t, 3, -1, CB_FUTURE, "_run_until_complete_cb");
  pop(t, 3, h, -1);
  trace_add(t, TR_RUN_END, 3, -1, 0, 0, 0, 0, NULL, 0);
  char *c = chrome(t);
  slice s[4];
  assert_int_equal(slices_of(c, s, 4), 2);
  assert_int_equal(s[0].ts, 1000000);
  assert_int_equal(s[0].dur, 2000001);
  assert_int_equal(s[0].tid, 2);
  assert_int_equal(s[1].tid, 1);
  assert_int_equal(s[1].ts, 3000001);
  assert_non_null(strstr(c, "{\"ph\":\"i\",\"cat\":\"event\",\"ts\":3000000,\"pid\":1,\"tid\":2,"
                            "\"name\":\"print: late\",\"s\":\"t\",\"args\":{\"step\":5,"
                            "\"virtual_time\":3.0,\"text\":\"late\\n\"}}"));
  assert_non_null(strstr(c, "\"name\":\"time.sleep blocks the loop\""));
  free(c);
  trace_free(t);
}

static void test_chrome_tracks_waits_flows(void **state) {
  (void)state;
  trace *t = run_scenario("gather");
  char *c = chrome(t);
  assert_non_null(strstr(c, "\n{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"process_name\","
                            "\"args\":{\"name\":\"loopviz " LOOPVIZ_SOURCE_DIR
                            "/scenarios/gather.py\"}},\n"));
  static const char *const tracks[] = {"Task-1 main()", "Task-2 fetch_data(1, 2)",
                                       "Task-3 fetch_data(2, 1)", "Task-4 fetch_data(3, 3)"};
  for (int k = 0; k < 4; k++) {
    char want[160];
    snprintf(want, sizeof want,
             "{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"thread_name\","
             "\"args\":{\"name\":\"%s\"}}",
             k + 2, tracks[k]);
    assert_non_null(strstr(c, want));
  }
  assert_int_equal(count(c, "\"name\":\"thread_name\""), 5);
  assert_int_equal(count(c, "\"cat\":\"step\""), 8);
  assert_int_equal(count(c, "\"name\":\"print: "), 5);
  /* Task-3 slept from the end of its first step (0 s) to its resumption at 1 s. */
  assert_non_null(strstr(c, "{\"ph\":\"b\",\"cat\":\"wait\",\"ts\":3,\"pid\":1,\"tid\":4,"
                            "\"name\":\"await asyncio.sleep(1)\",\"id\":4,"));
  assert_non_null(strstr(c, "{\"ph\":\"e\",\"cat\":\"wait\",\"ts\":1000002,\"pid\":1,\"tid\":4,"
                            "\"name\":\"await asyncio.sleep(1)\",\"id\":4,"));
  /* the timer callback on the loop's track woke it */
  assert_non_null(strstr(c, "{\"ph\":\"X\",\"cat\":\"callback\",\"ts\":1000001,\"pid\":1,\"tid\":1,"
                            "\"name\":\"_set_result_unless_cancelled\",\"dur\":1,"));
  assert_non_null(strstr(c, "{\"ph\":\"s\",\"cat\":\"wake\",\"ts\":1000001,\"pid\":1,\"tid\":1,"
                            "\"name\":\"wake: timer\",\"id\":7}"));
  assert_non_null(strstr(c, "{\"ph\":\"f\",\"cat\":\"wake\",\"ts\":1000002,\"pid\":1,\"tid\":4,"
                            "\"name\":\"wake: timer\",\"id\":7}"));
  slice s[64];
  size_t n = slices_of(c, s, 64);
  assert_no_overlap(s, n);
  size_t len = strlen(c);
  assert_string_equal(c + len - 2, "}\n");
  free(c);
  trace_free(t);
}

static void test_chrome_escaping(void **state) {
  (void)state;
  trace *t = awkward_trace();
  char *c = chrome(t);
  assert_non_null(strstr(c, "\"args\":{\"name\":\"wrap:me f('a;b#c%d<e>&\\\"g', style, classDef, "
                            "\\\"%%{init}%%\\\")\"}}"));
  assert_non_null(strstr(c, "\"name\":\"print: tab\\there\\u0001\\ufffd\""));
  assert_non_null(strstr(c, "\"text\":\"tab\\there\\u0001\\ufffd\\n2nd line\""));
  assert_non_null(strstr(c, "\"result\":\"\\ufffd\\nxxxxxxxx"));
  assert_non_null(strstr(c, "\"name\":\"deadlock: stuck; forever\""));
  for (const char *p = c; *p; p++)
    assert_true((unsigned char)*p >= 0x20 || *p == '\n');
  free(c);
  trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gather_mermaid),
      cmocka_unit_test(test_error_handling_mermaid),
      cmocka_unit_test(test_five_programs_deterministic),
      cmocka_unit_test(test_mermaid_escaping),
      cmocka_unit_test(test_mermaid_vocabulary),
      cmocka_unit_test(test_mermaid_no_tasks),
      cmocka_unit_test(test_chrome_zero_time_steps),
      cmocka_unit_test(test_chrome_blocking_step),
      cmocka_unit_test(test_chrome_tracks_waits_flows),
      cmocka_unit_test(test_chrome_escaping),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
