/* Tests for the text layout of sim/trace (trace_write_text): a hand-made trace with every
 * event kind and the awkward values (times that printf must print, negative ids, unknown
 * enum values, escapes, empty and missing texts, names and texts longer than any line
 * buffer, step numbers wider than their column) must give exactly the bytes the layout
 * gave when it was written with printf (the expected text below was produced that way),
 * and the text written in pieces must be the text written whole, also by a streaming trace as
 * it records. Also the buffers the trace
 * lends for building labels (trace_buf_take/give), the pool's sharing of repeated texts, texts
 * kept by key and the sleep labels made from them, and the cut reprs of long results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#include <cmocka.h>

#include "fmt.h"
#include "sim.h"
#include "trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(trace *t, trace_kind k, double time, int32_t task, int32_t a, int32_t b,
                int32_t line, double num, const char *text) {
  uint32_t s = trace_add(t, k, time, task, a, b, line, num, text, text ? strlen(text) : 0);
  assert_int_not_equal(s, UINT32_MAX);
}

/* Every kind, each with its optional parts present and absent. */
static trace *every_kind(void) {
  trace *t = trace_new(true);
  assert_non_null(t);
  add(t, TR_RUN_START, 0, -1, 0, 0, 0, 0, "demo.py");
  assert_int_equal(trace_add_task(t, 0, "Task-1", "main()", -1, 12), 0);
  assert_int_equal(trace_add_task(t, 0.25, "Task-2", "work('a', 1)", 0, 0), 1);
  assert_int_equal(trace_add_task(t, 0.25, "", "", 1, 7), 2);
  add(t, TR_STEP_BEGIN, 0.5, 0, WAKE_START, -1, 0, 0, "");
  add(t, TR_STEP_BEGIN, 0.5, 1, WAKE_TASK, 0, 0, 0, NULL);
  add(t, TR_STEP_BEGIN, 0.5, 1, WAKE_TASK, 9, 0, 0, NULL); /* no such task */
  add(t, TR_STEP_BEGIN, 0.5, 1, WAKE_EXCEPTION, 3, 0, 0, "ValueError('x')");
  add(t, TR_STEP_BEGIN, 0.5, 1, 42, 3, 0, 0, NULL); /* not a wake */
  add(t, TR_STEP_SUSPEND, 0.5, 0, WAIT_SLEEP, 4, 6, 2.5, "asyncio.sleep(2)");
  add(t, TR_STEP_SUSPEND, 0.5, 0, WAIT_SLEEP, 4, 0, 1e300, "asyncio.sleep(1e300)");
  add(t, TR_STEP_SUSPEND, 0.5, 0, WAIT_TASK, 1, 9, 0, "Task-2 work('a', 1)");
  add(t, TR_STEP_SUSPEND, 0.5, 2, WAIT_YIELD, -1, 0, 0, NULL);
  add(t, TR_STEP_RETURN, 0.5, 1, 0, 0, 0, 0, "{'id': 1}");
  add(t, TR_STEP_RETURN, 0.5, 1, 0, 0, 0, 0, NULL);
  add(t, TR_STEP_RAISE, 0.5, 1, 0, 0, 0, 0, "KeyError('k')");
  add(t, TR_STEP_RAISE, 0.5, 1, 1, 0, 0, 0, "CancelledError()");
  add(t, TR_READY_PUSH, 0.5, 0, 3, CB_STEP, 0, 0, "Task.__step");
  add(t, TR_READY_PUSH, 0.5, -1, -7, CB_USER, 0, 0, "");
  add(t, TR_READY_PUSH, 0.5, -1, 2147483647, 17, 0, 0, NULL); /* not a callback kind */
  add(t, TR_READY_POP, 0.5, 0, 3, 0, 0, 0, NULL);
  add(t, TR_TIMER_ADD, 0.5, 1, 4, CB_TIMER, 0, 0.1 + 0.2, NULL);
  add(t, TR_TIMER_ADD, 0.5, -1, -2147483647 - 1, CB_USER, 0, -0.0, NULL);
  add(t, TR_TIMER_FIRE, 0.5, 1, 4, 0, 0, 0, NULL);
  add(t, TR_TIMER_CANCEL, 0.5, 1, 4, 0, 0, 0, NULL);
  add(t, TR_CLOCK_JUMP, 0.0000005, -1, 0, 0, 0, 0.5, NULL);
  add(t, TR_CLOCK_JUMP, 1e9, -1, 0, 0, 0, 999999999.9999995, NULL);
  add(t, TR_CLOCK_JUMP, INFINITY, -1, 0, 0, 0, NAN, NULL);
  add(t, TR_CLOCK_JUMP, 123456.000001, -1, 0, 0, 0, 1e-7, NULL);
  add(t, TR_BLOCK, 2, 0, 0, 0, 0, 0.1, NULL);
  add(t, TR_BLOCK, 2, -1, 0, 0, 0, 1e-5, NULL);
  add(t, TR_BLOCK, 2, 1, 0, 0, 0, 123456789.0, NULL);
  add(t, TR_PRINT, 2, 0, 0, 0, 3, 0, "tab\there \"q\" back\\slash\r\n");
  add(t, TR_PRINT, 2, -1, 0, 0, 3, 0, "\x01 ctl and \xc3\xa9");
  add(t, TR_PRINT, 2, -1, 0, 0, 3, 0, NULL);
  add(t, TR_FUTURE_DONE, 2, 1, 5, 0, 0, 0, "42");
  add(t, TR_FUTURE_DONE, 2, -1, 6, 1, 0, 0, "ValueError()");
  add(t, TR_FUTURE_DONE, 2, -1, 7, 2, 0, 0, "");
  add(t, TR_FUTURE_DONE, 2, 0, -1, 9, 0, 0, NULL);
  add(t, TR_CANCEL, 2, 1, 0, 0, 4, 0, "'stop'");
  add(t, TR_CANCEL, 2, 1, 0, -1, 0, 0, NULL);
  add(t, TR_WARNING, 2, -1, 0, 0, 0, 0, "coroutine 'f' was never awaited\n");
  add(t, TR_DEADLOCK, 2, -1, 0, 0, 0, 0, "every task waits\n  Task-1 main()");
  add(t, TR_LINE, 2, 0, 0, 0, 17, 0, NULL);
  add(t, TR_LINE, 2, -1, 0, 0, 1, 0, NULL);
  add(t, TR_RUN_END, -1.5, -1, -3, 0, 0, 0, NULL);
  add(t, TR__COUNT, 2, -1, 0, 0, 0, 0, "never shown");
  assert_true(trace_rename_task(t, 1, "renamed"));
  return t;
}

static const char every_kind_text[] =
    "0.000000  #0     run-start demo.py\n"
    "0.000000  #1     created   Task-1 main()  by the program at line 12\n"
    "0.250000  #2     created   renamed work('a', 1)  by Task-1\n"
    "0.250000  #3     created      by renamed at line 7\n"
    "0.500000  #4     step      Task-1 main()  <- start\n"
    "0.500000  #5     step      renamed work('a', 1)  <- task Task-1\n"
    "0.500000  #6     step      renamed work('a', 1)  <- task \n"
    "0.500000  #7     step      renamed work('a', 1)  <- exception ValueError('x')\n"
    "0.500000  #8     step      renamed work('a', 1)  <- ?\n"
    "0.500000  #9     suspend   Task-1 main()  awaits asyncio.sleep(2) until 2.500000 at line 6"
    "\n"
    "0.500000  #10    suspend   Task-1 main()  awaits asyncio.sleep(1e300) until 10000000000000"
    "000525047602552044202487044685811081591549158541155118024579889081957863713750804478640437"
    "044438328838781769425232353604305756447921847867069828483872009265758037378302337947880900"
    "593689532349707999450811190389676408800746527427801424945792587888200568428381156694721963"
    "86865459400540160.000000\n"
    "0.500000  #11    suspend   Task-1 main()  awaits Task-2 work('a', 1) at line 9\n"
    "0.500000  #12    suspend      awaits \n"
    "0.500000  #13    return    renamed work('a', 1)  -> {'id': 1}\n"
    "0.500000  #14    return    renamed work('a', 1)  -> \n"
    "0.500000  #15    raise     renamed work('a', 1)  raised KeyError('k')\n"
    "0.500000  #16    raise     renamed work('a', 1)  cancelled by CancelledError()\n"
    "0.500000  #17    ready     handle 3 step of Task-1 (Task.__step)\n"
    "0.500000  #18    ready     handle -7 callback\n"
    "0.500000  #19    ready     handle 2147483647 ?\n"
    "0.500000  #20    run       handle 3\n"
    "0.500000  #21    timer     handle 4 at 0.300000 for renamed\n"
    "0.500000  #22    timer     handle -2147483648 at -0.000000\n"
    "0.500000  #23    fire      handle 4\n"
    "0.500000  #24    untimer   handle 4\n"
    "0.000000  #25    clock     0.500000 -> 0.000000\n"
    "1000000000.000000  #26    clock     1000000000.000000 -> 1000000000.000000\n"
    "inf  #27    clock     nan -> inf\n"
    "123456.000001  #28    clock     0.000000 -> 123456.000001\n"
    "2.000000  #29    block     Task-1 main()  blocks the loop for 0.1 s (time.sleep)\n"
    "2.000000  #30    block     -  blocks the loop for 1e-05 s (time.sleep)\n"
    "2.000000  #31    block     renamed work('a', 1)  blocks the loop for 1.23457e+08 s (time.s"
    "leep)\n"
    "2.000000  #32    print     Task-1 \"tab\\there \\\"q\\\" back\\\\slash\\r\\n\"\n"
    "2.000000  #33    print     \"\x01 ctl and \xc3\xa9\"\n"
    "2.000000  #34    print     \"\"\n"
    "2.000000  #35    done      future 5 result (renamed) 42\n"
    "2.000000  #36    done      future 6 exception ValueError()\n"
    "2.000000  #37    done      future 7 cancelled\n"
    "2.000000  #38    done      future -1 cancelled (Task-1)\n"
    "2.000000  #39    cancel    renamed work('a', 1)  by Task-1 msg 'stop'\n"
    "2.000000  #40    cancel    renamed work('a', 1)\n"
    "2.000000  #41    warn      \"coroutine 'f' was never awaited\\n\"\n"
    "2.000000  #42    deadlock  \"every task waits\\n  Task-1 main()\"\n"
    "2.000000  #43    line      Task-1 line 17\n"
    "2.000000  #44    line      line 1\n"
    "-1.500000  #45    run-end   exit status -3\n"
    "2.000000  #46    ?         \n";

static char *text_of(const trace *t, size_t first, size_t n) {
  fmt_buf b;
  fmt_buf_init(&b);
  assert_true(trace_write_text_range(t, first, n, &b));
  char *s = malloc(b.len + 1);
  assert_non_null(s);
  memcpy(s, fmt_buf_str(&b), b.len + 1);
  fmt_buf_free(&b);
  return s;
}

static void test_every_kind(void **state) {
  (void)state;
  trace *t = every_kind();
  fmt_buf b;
  fmt_buf_init(&b);
  assert_true(trace_write_text(t, &b));
  assert_string_equal(fmt_buf_str(&b), every_kind_text);
  assert_int_equal(b.len, strlen(every_kind_text));
  fmt_buf_free(&b);
  trace_free(t);
}

/* Pieces of every size, appended to one buffer or written alone, make the whole. */
static void test_pieces(void **state) {
  (void)state;
  trace *t = every_kind();
  char *whole = text_of(t, 0, SIZE_MAX);
  for (size_t piece = 1; piece <= trace_count(t) + 1; piece++) {
    fmt_buf b;
    fmt_buf_init(&b);
    fmt_buf_appends(&b, ">");
    for (size_t first = 0; first < trace_count(t); first += piece)
      assert_true(trace_write_text_range(t, first, piece, &b));
    assert_string_equal(fmt_buf_str(&b) + 1, whole);
    fmt_buf_free(&b);
  }
  char *none = text_of(t, trace_count(t) + 5, 3);
  assert_string_equal(none, "");
  free(none);
  free(whole);
  trace_free(t);
}

/* A run's worth of events: tasks made as it goes, every kind over and over, times that change
 * and repeat, texts new and shared, and the end of the run. */
static void record_run(trace *t, size_t rounds) {
  add(t, TR_RUN_START, 0, -1, 0, 0, 0, 0, "demo.py");
  assert_int_equal(trace_add_task(t, 0, "Task-1", "main()", -1, 12), 0);
  char text[64];
  for (size_t i = 0; i < rounds; i++) {
    double now = (double)(i / 7) * 0.125;
    snprintf(text, sizeof text, "work(%zu)", i);
    int32_t k = trace_add_task(t, now, i % 5 ? "Task-n" : "named", text, 0, 3);
    assert_true(k > 0);
    add(t, TR_READY_PUSH, now, k, (int32_t)i, CB_STEP, 0, 0, "Task.__step");
    add(t, TR_READY_POP, now, k, (int32_t)i, 0, 0, 0, NULL);
    add(t, TR_STEP_BEGIN, now, k, i % 3 ? WAKE_START : WAKE_TASK, 0, 0, 0, NULL);
    add(t, TR_STEP_SUSPEND, now, k, WAIT_SLEEP, 4, 6, now + 0.5, "asyncio.sleep(0.5)");
    add(t, TR_TIMER_ADD, now, k, (int32_t)i, CB_TIMER, 0, now + 0.5, NULL);
    add(t, TR_CLOCK_JUMP, now + 0.125, -1, 0, 0, 0, now, NULL);
    add(t, TR_PRINT, now, i % 2 ? k : -1, 0, 0, 4, 0, "said \"hi\"\n");
    add(t, TR_LINE, now, k, 0, 0, 5, 0, NULL);
    add(t, TR_FUTURE_DONE, now, k, (int32_t)i, 0, 0, 0, text);
    add(t, TR_STEP_RETURN, now, k, 0, 0, 0, 0, text);
  }
  add(t, TR_WARNING, 99, -1, 0, 0, 0, 0, "coroutine 'f' was never awaited\n");
  add(t, TR_RUN_END, 99, -1, 1, 0, 0, 0, NULL);
}

/* A sink that also notes whether it ran on the recording thread. */
typedef struct stream_sink {
  fmt_buf text;     /* what was written */
  pthread_t recorder; /* the thread recording */
  size_t pieces;    /* pieces written */
  size_t elsewhere; /* pieces written on another thread */
} stream_sink;

static void to_sink(void *user, const char *text, size_t len) {
  stream_sink *k = user;
  fmt_buf_append(&k->text, text, len);
  k->pieces++;
  k->elsewhere += !pthread_equal(pthread_self(), k->recorder);
}

/* A streaming trace writes, piece by piece as it records, the text (or JSON Lines) the whole
 * trace writes, and forgets what it wrote. */
static void test_stream(void **state) {
  (void)state;
  for (int json = 0; json < 2; json++) {
    trace *whole = trace_new(true);
    record_run(whole, 3000);
    fmt_buf want;
    fmt_buf_init(&want);
    assert_true(json ? trace_write_jsonl(whole, &want) : trace_write_text(whole, &want));
    trace *t = trace_new(true);
    stream_sink k = {.recorder = pthread_self()};
    fmt_buf_init(&k.text);
    trace_stream(t, json, to_sink, &k);
    record_run(t, 3000);
    assert_int_equal(trace_count(t), trace_count(whole));
    /* pieces went out during the run (to the writer thread: k is read after the flush only) */
    assert_null(trace_event_at(t, 0)); /* written and forgotten */
    assert_non_null(trace_event_at(t, trace_count(t) - 1));
    assert_int_equal(trace_exit_status(t), 1);
    trace_queues q;
    assert_false(trace_queues_at(t, 5, &q));
    assert_null(trace_qindex_new(t));
    assert_true(trace_flush(t));
    assert_null(trace_event_at(t, trace_count(t) - 1));
    size_t pieces = k.pieces;
    assert_true(pieces > 2);
    assert_int_equal(k.elsewhere, pieces); /* all on the writer thread, the run went on */
    assert_true(trace_flush(t)); /* nothing more to write */
    assert_int_equal(k.pieces, pieces);
    assert_int_equal(k.text.len, want.len);
    assert_string_equal(fmt_buf_str(&k.text), fmt_buf_str(&want));
    fmt_buf_free(&k.text);
    fmt_buf_free(&want);
    trace_free(t);
    trace_free(whole);
  }
}

/* A task renamed while its earlier events are being written: the lines written before the
 * rename keep the old name, those after show the new one, whatever the writer thread's pace
 * (the recorder waits for the piece in hand before it changes a name). */
static void test_stream_rename(void **state) {
  (void)state;
  trace *t = trace_new(false);
  stream_sink k = {.recorder = pthread_self()};
  fmt_buf_init(&k.text);
  trace_stream(t, false, to_sink, &k);
  int32_t id = trace_add_task(t, 0, "before", "f()", -1, 1);
  for (int i = 0; i < 20000; i++)
    add(t, TR_LINE, 0, id, 0, 0, i + 1, 0, NULL);
  assert_true(trace_rename_task(t, id, "after"));
  for (int i = 0; i < 10; i++)
    add(t, TR_LINE, 0, id, 0, 0, 7, 0, NULL);
  assert_true(trace_flush(t));
  const char *text = fmt_buf_str(&k.text);
  size_t before = 0, after = 0;
  for (const char *p = text; (p = strstr(p, " line ")) != NULL; p++) {
    const char *name = p;
    while (name > text && name[-1] != ' ')
      name--;
    before += strncmp(name, "before ", 7) == 0;
    after += strncmp(name, "after ", 6) == 0;
  }
  /* the two pieces of 8,192 events handed over before the rename (the first with the task's
   * creation) say "before"; the events still held then are written with the new name */
  assert_int_equal(before, 16383);
  assert_int_equal(after, 20010 - 16383);
  fmt_buf_free(&k.text);
  trace_free(t);
}

/* Names and texts far longer than a line's usual room, and steps past five digits. */
static void test_long(void **state) {
  (void)state;
  trace *t = trace_new(false);
  size_t n = 100000;
  char *big = malloc(n + 1);
  assert_non_null(big);
  for (size_t i = 0; i < n; i++)
    big[i] = i % 7 == 0 ? '"' : (char)('a' + i % 26);
  big[n] = '\0';
  assert_int_equal(trace_add_task(t, 0, big, big, -1, 1), 0);
  for (size_t i = 0; i < 100000; i++)
    add(t, TR_READY_POP, 3, -1, (int32_t)i, 0, 0, 0, NULL);
  add(t, TR_PRINT, 3, 0, 0, 0, 1, 0, big);
  add(t, TR_STEP_RETURN, 3, 0, 0, 0, 0, 0, big);
  char *s = text_of(t, 99999, 4);
  fmt_buf want;
  fmt_buf_init(&want);
  fmt_buf_appends(&want, "3.000000  #99999 run       handle 99998\n"
                         "3.000000  #100000 run       handle 99999\n"
                         "3.000000  #100001 print     ");
  fmt_buf_appends(&want, big);
  fmt_buf_appends(&want, " \"");
  for (size_t i = 0; i < n; i++) {
    if (big[i] == '"')
      fmt_buf_appendc(&want, '\\');
    fmt_buf_appendc(&want, big[i]);
  }
  fmt_buf_appends(&want, "\"\n3.000000  #100002 return    ");
  fmt_buf_appends(&want, big);
  fmt_buf_appendc(&want, ' ');
  fmt_buf_appends(&want, big);
  fmt_buf_appends(&want, "  -> ");
  fmt_buf_appends(&want, big);
  fmt_buf_appendc(&want, '\n');
  assert_string_equal(s, fmt_buf_str(&want));
  fmt_buf_free(&want);
  free(s);
  free(big);
  trace_free(t);
}

/* trace_buf_take lends the spare buffer emptied, nested takes get buffers of their own, and
 * giving back keeps one allocation (the sanitizer build checks that none leaks). */
static void test_buf_take_give(void **state) {
  (void)state;
  trace *t = trace_new(false);
  fmt_buf a = trace_buf_take(t);
  assert_int_equal(a.len, 0);
  assert_string_equal(fmt_buf_str(&a), "");
  fmt_buf_appends(&a, "first");
  const char *kept = a.data;
  trace_buf_give(t, &a);
  assert_null(a.data);
  fmt_buf b = trace_buf_take(t);
  assert_ptr_equal(b.data, kept); /* the same allocation, emptied */
  assert_int_equal(b.len, 0);
  assert_string_equal(fmt_buf_str(&b), "");
  fmt_buf c = trace_buf_take(t); /* nested: the spare is out */
  assert_null(c.data);
  fmt_buf_appends(&c, "inner");
  fmt_buf_appends(&b, "outer");
  trace_buf_give(t, &c); /* kept */
  trace_buf_give(t, &b); /* the spare is back: freed */
  assert_null(b.data);
  fmt_buf d = trace_buf_take(t);
  assert_int_equal(d.len, 0);
  assert_non_null(d.data);
  /* a huge buffer is not kept */
  fmt_buf big = trace_buf_take(t);
  assert_int_equal(fmt_buf_reserve(&big, 4u << 20), FMT_OK);
  trace_buf_give(t, &d);
  trace_buf_give(t, &big);
  assert_null(big.data);
  trace_free(t); /* frees the spare */
}

/* Texts from the same address are stored once while their bytes are the same; the same address
 * with other bytes (a reused buffer) is a new text. */
static void test_pool_memo(void **state) {
  (void)state;
  trace *t = trace_new(false);
  char buf[80];
  strcpy(buf, "Task.__step");
  uint32_t s1 = trace_add(t, TR_READY_PUSH, 0, -1, 1, CB_USER, 0, 0, buf, strlen(buf));
  uint32_t s2 = trace_add(t, TR_READY_PUSH, 0, -1, 2, CB_USER, 0, 0, buf, strlen(buf));
  assert_int_equal(trace_event_at(t, s1)->text, trace_event_at(t, s2)->text);
  strcpy(buf, "Task.__wakeup");
  uint32_t s3 = trace_add(t, TR_READY_PUSH, 0, -1, 3, CB_USER, 0, 0, buf, strlen(buf));
  strcpy(buf, "Task.__stop");
  uint32_t s4 = trace_add(t, TR_READY_PUSH, 0, -1, 4, CB_USER, 0, 0, buf, strlen(buf));
  uint32_t s5 = trace_add(t, TR_READY_PUSH, 0, -1, 5, CB_USER, 0, 0, buf, 4); /* a prefix */
  uint32_t s6 = trace_add(t, TR_PRINT, 0, -1, 0, 0, 1, 0, buf, 0);            /* empty, not none */
  memset(buf, 'x', sizeof buf - 1);
  buf[sizeof buf - 1] = '\0';
  uint32_t s7 = trace_add(t, TR_PRINT, 0, -1, 0, 0, 1, 0, buf, sizeof buf - 1); /* too long */
  uint32_t s8 = trace_add(t, TR_PRINT, 0, -1, 0, 0, 1, 0, buf, sizeof buf - 1);
  assert_string_equal(trace_text(t, trace_event_at(t, s1)->text), "Task.__step");
  assert_string_equal(trace_text(t, trace_event_at(t, s3)->text), "Task.__wakeup");
  assert_string_equal(trace_text(t, trace_event_at(t, s4)->text), "Task.__stop");
  assert_string_equal(trace_text(t, trace_event_at(t, s5)->text), "Task");
  assert_int_not_equal(trace_event_at(t, s6)->text, TRACE_NO_TEXT);
  assert_string_equal(trace_text(t, trace_event_at(t, s6)->text), "");
  assert_string_equal(trace_text(t, trace_event_at(t, s7)->text), buf);
  assert_string_equal(trace_text(t, trace_event_at(t, s8)->text), buf);
  /* a text with a NUL shows up to it, in every layout */
  uint32_t s9 = trace_add(t, TR_PRINT, 0, -1, 0, 0, 1, 0, "ab\0cd", 5);
  assert_string_equal(trace_text(t, trace_event_at(t, s9)->text), "ab");
  char *text = text_of(t, s9, 1);
  assert_string_equal(text, "0.000000  #8     print     \"ab\"\n");
  free(text);
  trace_free(t);
}

/* Texts stored under keys: found again under the same tag and key only; a slot taken by
 * another key forgets the first, which is then stored anew. */
static void test_keyed_text(void **state) {
  (void)state;
  trace *t = trace_new(false);
  assert_int_equal(trace_keyed_text(t, 1, 42), TRACE_NO_TEXT);
  uint32_t a = trace_keyed_text_add(t, 1, 42, "forty-two", 9);
  assert_int_equal(trace_keyed_text(t, 1, 42), a);
  assert_int_equal(trace_keyed_text(t, 2, 42), TRACE_NO_TEXT);
  assert_int_equal(trace_keyed_text(t, 1, 43), TRACE_NO_TEXT);
  for (uint64_t k = 0; k < 5000; k++) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "k%llu", (unsigned long long)k);
    uint32_t off = trace_keyed_text(t, 3, k);
    if (off == TRACE_NO_TEXT)
      off = trace_keyed_text_add(t, 3, k, buf, (size_t)n);
    assert_string_equal(trace_text(t, off), buf);
    assert_int_equal(trace_keyed_text(t, 3, k), off);
  }
  uint32_t again = trace_keyed_text(t, 1, 42);
  assert_true(again == TRACE_NO_TEXT || again == a);
  uint32_t s = trace_add_text(t, TR_STEP_SUSPEND, 1, -1, WAIT_SLEEP, 3, 0, 2, a);
  assert_string_equal(trace_text(t, trace_event_at(t, s)->text), "forty-two");
  s = trace_add_text(t, TR_RUN_END, 1, -1, 0, 0, 0, 0, TRACE_NO_TEXT);
  assert_int_equal(trace_event_at(t, s)->text, TRACE_NO_TEXT);
  trace_free(t);
}

/* A sleep's label is the repr of its delay as given (int, bool or float), for every delay and
 * every repeat of one. */
static void test_sleep_labels(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "async def main():\n"
                            "    for d in [1, 0.5, True, 1, 0.5, 1.0, 2, 0.001, 1e-05, 0.1 + 0.2,"
                            " 0.5, 3]:\n"
                            "        await asyncio.sleep(d)\n"
                            "asyncio.run(main())\n";
  static const char *const want[] = {"asyncio.sleep(1)",     "asyncio.sleep(0.5)",
                                     "asyncio.sleep(True)",  "asyncio.sleep(1)",
                                     "asyncio.sleep(0.5)",   "asyncio.sleep(1.0)",
                                     "asyncio.sleep(2)",     "asyncio.sleep(0.001)",
                                     "asyncio.sleep(1e-05)", "asyncio.sleep(0.30000000000000004)",
                                     "asyncio.sleep(0.5)",   "asyncio.sleep(3)"};
  trace *t = trace_new(false);
  sim_options o;
  sim_options_init(&o);
  o.trace = t;
  assert_int_equal(sim_run_source(&o, "sleeps.py", src, sizeof src - 1), SIM_OK);
  size_t n = 0;
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    if (e->kind != TR_STEP_SUSPEND || e->a != WAIT_SLEEP)
      continue;
    assert_true(n < sizeof want / sizeof want[0]);
    assert_string_equal(trace_text(t, e->text), want[n]);
    n++;
  }
  assert_int_equal(n, sizeof want / sizeof want[0]);
  trace_free(t);
}

/* The repr of a gather's results in its done event, whole or cut at 200 characters, for lists
 * short and long (a long list of numbers is written only as far as the cut). */
static void test_result_reprs(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "async def w(i):\n"
                            "    return i\n"
                            "async def main():\n"
                            "    for n in [3, 63, 64, 65, 100, 5000]:\n"
                            "        await asyncio.gather(*(w(i % 7) for i in range(n)))\n"
                            "    await asyncio.gather(*(w(0.5) for i in range(70)))\n"
                            "    await asyncio.gather(*(w((i,)) for i in range(70)))\n"
                            "asyncio.run(main())\n";
  trace *t = trace_new(false);
  sim_options o;
  sim_options_init(&o);
  o.trace = t;
  assert_int_equal(sim_run_source(&o, "results.py", src, sizeof src - 1), SIM_OK);
  /* the expected texts: the whole repr, cut to 197 characters and "..." past 200 */
  static const int sizes[] = {3, 63, 64, 65, 100, 5000, -70, -71};
  size_t found = 0;
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    const char *text = trace_text(t, e->text);
    if (e->kind != TR_FUTURE_DONE || e->task >= 0 || text[0] != '[')
      continue;
    assert_true(found < sizeof sizes / sizeof sizes[0]);
    int n = sizes[found++];
    fmt_buf want;
    fmt_buf_init(&want);
    fmt_buf_appendc(&want, '[');
    for (int k = 0; k < (n < 0 ? 70 : n); k++) {
      if (k)
        fmt_buf_appends(&want, ", ");
      if (n == -70)
        fmt_buf_appends(&want, "0.5");
      else if (n == -71)
        fmt_buf_appendf(&want, "(%d,)", k);
      else
        fmt_buf_appendf(&want, "%d", k % 7);
    }
    fmt_buf_appendc(&want, ']');
    if (want.len > 200) {
      want.len = 197;
      fmt_buf_appends(&want, "...");
    }
    assert_string_equal(text, fmt_buf_str(&want));
    fmt_buf_free(&want);
  }
  assert_int_equal(found, sizeof sizes / sizeof sizes[0]);
  trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_kind),   cmocka_unit_test(test_pieces),
      cmocka_unit_test(test_long),         cmocka_unit_test(test_buf_take_give),
      cmocka_unit_test(test_pool_memo),    cmocka_unit_test(test_keyed_text),
      cmocka_unit_test(test_sleep_labels), cmocka_unit_test(test_result_reprs),
      cmocka_unit_test(test_stream),       cmocka_unit_test(test_stream_rename),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
