/* Tests of the event loop: ready-queue order, timers, clock, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "trace.h"

typedef struct capture {
  fmt_buf out; /* the program's output */
  fmt_buf err; /* tracebacks and diagnostics */
} capture;

static void cap_out(void *user, const char *text, size_t len) {
  fmt_buf_append(&((capture *)user)->out, text, len);
}

static void cap_err(void *user, const char *text, size_t len) {
  fmt_buf_append(&((capture *)user)->err, text, len);
}

/* Runs src with a trace; the caller frees the capture and the trace. */
static sim_status run(const char *src, capture *c, trace **t, sim_limits *limits) {
  fmt_buf_init(&c->out);
  fmt_buf_init(&c->err);
  sim_options o;
  sim_options_init(&o);
  if (limits)
    o.limits = *limits;
  o.out = cap_out;
  o.err = cap_err;
  o.user = c;
  *t = trace_new(false);
  o.trace = *t;
  return sim_run_source(&o, "t.py", src, strlen(src));
}

static void done(capture *c, trace *t) {
  fmt_buf_free(&c->out);
  fmt_buf_free(&c->err);
  trace_free(t);
}

/* The task names of the TR_STEP_BEGIN events, in order, space separated. */
static void step_order(const trace *t, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    if (e->kind != TR_STEP_BEGIN)
      continue;
    const char *name = trace_text(t, trace_task_at(t, e->task)->name);
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " " : "", name);
  }
}

static void test_ready_queue_fifo(void **state) {
  (void)state;
  capture c;
  trace *t;
  assert_int_equal(run("import asyncio\n"
                       "async def w(n):\n"
                       "    for i in range(2):\n"
                       "        print(n, i)\n"
                       "        await asyncio.sleep(0)\n"
                       "async def main():\n"
                       "    a = asyncio.create_task(w('a'))\n"
                       "    b = asyncio.create_task(w('b'))\n"
                       "    await asyncio.gather(a, b, w('c'))\n"
                       "asyncio.run(main())\n",
                       &c, &t, NULL),
                   SIM_OK);
  assert_string_equal(fmt_buf_str(&c.out), "a 0\nb 0\nc 0\na 1\nb 1\nc 1\n");
  char order[256];
  step_order(t, order, sizeof order);
  /* main, then each task in creation order, round robin */
  assert_string_equal(order, "Task-1 Task-2 Task-3 Task-4 Task-2 Task-3 Task-4 Task-2 Task-3 "
                             "Task-4 Task-1");
  done(&c, t);
}

static void test_equal_deadlines_fire_in_order(void **state) {
  (void)state;
  capture c;
  trace *t;
  assert_int_equal(run("import asyncio\n"
                       "async def w(n, d):\n"
                       "    await asyncio.sleep(d)\n"
                       "    print(n)\n"
                       "async def main():\n"
                       "    await asyncio.gather(w('x', 1), w('y', 0.5), w('z', 1), w('q', 1.0))\n"
                       "asyncio.run(main())\n",
                       &c, &t, NULL),
                   SIM_OK);
  assert_string_equal(fmt_buf_str(&c.out), "y\nx\nz\nq\n");
  /* exactly two clock jumps: 0 -> 0.5 -> 1 */
  int jumps = 0;
  double last = -1;
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    if (e->kind != TR_CLOCK_JUMP)
      continue;
    jumps++;
    assert_true(e->time > e->num);
    last = e->time;
  }
  assert_int_equal(jumps, 2);
  assert_true(last == 1.0);
  done(&c, t);
}

static void test_timer_heap_reconstruction(void **state) {
  (void)state;
  capture c;
  trace *t;
  assert_int_equal(run("import asyncio\n"
                       "async def w(d):\n"
                       "    await asyncio.sleep(d)\n"
                       "async def main():\n"
                       "    await asyncio.gather(w(3), w(1), w(2))\n"
                       "asyncio.run(main())\n",
                       &c, &t, NULL),
                   SIM_OK);
  /* just before the first clock jump every task sleeps: deadlines 1, 2, 3 */
  size_t jump = 0;
  for (size_t i = 0; i < trace_count(t); i++)
    if (trace_event_at(t, i)->kind == TR_CLOCK_JUMP) {
      jump = i;
      break;
    }
  assert_true(jump > 0);
  trace_queues q;
  assert_true(trace_queues_at(t, jump - 1, &q));
  assert_int_equal(q.ntimers, 3);
  assert_true(q.timers[0].when == 1.0 && q.timers[1].when == 2.0 && q.timers[2].when == 3.0);
  assert_int_equal(q.nready, 0);
  trace_queues_free(&q);
  done(&c, t);
}

static void test_time_sleep_blocks_loop(void **state) {
  (void)state;
  capture c;
  trace *t;
  assert_int_equal(run("import asyncio, time\n"
                       "async def w(n):\n"
                       "    time.sleep(2)\n"
                       "    print(n, time.monotonic())\n"
                       "async def main():\n"
                       "    await asyncio.gather(w(1), w(2))\n"
                       "    print(asyncio.get_running_loop().time())\n"
                       "asyncio.run(main())\n",
                       &c, &t, NULL),
                   SIM_OK);
  assert_string_equal(fmt_buf_str(&c.out), "1 2.0\n2 4.0\n4.0\n");
  int blocks = 0;
  for (size_t i = 0; i < trace_count(t); i++)
    if (trace_event_at(t, i)->kind == TR_BLOCK)
      blocks++;
  assert_int_equal(blocks, 2);
  done(&c, t);
}

static void test_deadlock_detected(void **state) {
  (void)state;
  capture c;
  trace *t;
  assert_int_equal(run("import asyncio\n"
                       "async def main():\n"
                       "    f = asyncio.get_running_loop().create_future()\n"
                       "    print('waiting')\n"
                       "    await f\n"
                       "asyncio.run(main())\n",
                       &c, &t, NULL),
                   SIM_ERROR);
  assert_string_equal(fmt_buf_str(&c.out), "waiting\n");
  assert_non_null(strstr(fmt_buf_str(&c.err), "DeadlockError"));
  assert_non_null(strstr(fmt_buf_str(&c.err),
                         "Task-1 main() waits on a Future that nothing will resolve at t.py:5"));
  bool seen = false;
  for (size_t i = 0; i < trace_count(t); i++)
    if (trace_event_at(t, i)->kind == TR_DEADLOCK)
      seen = true;
  assert_true(seen);
  done(&c, t);
}

static void test_limits(void **state) {
  (void)state;
  capture c;
  trace *t;
  sim_limits l;
  sim_options o;
  sim_options_init(&o);
  l = o.limits;
  l.max_instructions = 100000;
  assert_int_equal(run("while True:\n    pass\n", &c, &t, &l), SIM_ERROR);
  assert_non_null(strstr(fmt_buf_str(&c.err), "LimitError: instruction limit of 100000 exceeded"));
  done(&c, t);

  l = o.limits;
  l.max_virtual_time = 100;
  assert_int_equal(run("import asyncio\n"
                       "async def main():\n"
                       "    try:\n"
                       "        await asyncio.sleep(1e308)\n"
                       "    except BaseException:\n"
                       "        print('caught')\n"
                       "asyncio.run(main())\n",
                       &c, &t, &l),
                   SIM_ERROR);
  assert_string_equal(fmt_buf_str(&c.out), ""); /* limits cannot be caught */
  assert_non_null(strstr(fmt_buf_str(&c.err), "virtual time limit of 100 seconds exceeded"));
  done(&c, t);

  l = o.limits;
  l.max_recursion = 50;
  assert_int_equal(run("def f(n):\n    return f(n + 1)\nf(0)\n", &c, &t, &l), SIM_ERROR);
  assert_non_null(strstr(fmt_buf_str(&c.err), "RecursionError: maximum recursion depth exceeded"));
  done(&c, t);
}

static void test_c_stack_budget(void **state) {
  (void)state;
  capture c;
  trace *t;
  sim_options o;
  sim_options_init(&o);
  sim_limits l = o.limits;
  l.max_recursion = 1000000; /* far beyond what the C stack holds: the budget must stop it */
  assert_int_equal(run("class A:\n"
                       "    def __iter__(self):\n"
                       "        return iter(list(A()))\n"
                       "list(A())\n",
                       &c, &t, &l),
                   SIM_ERROR);
  assert_non_null(strstr(fmt_buf_str(&c.err), "RecursionError: maximum recursion depth exceeded"));
  done(&c, t);
  /* a generator function called with bad arguments: a TypeError, no half-made object */
  assert_int_equal(run("def gen(a):\n    yield a\ngen()\n", &c, &t, NULL), SIM_ERROR);
  assert_non_null(
      strstr(fmt_buf_str(&c.err), "TypeError: gen() missing 1 required positional argument: 'a'"));
  assert_null(strstr(fmt_buf_str(&c.err), "never awaited"));
  done(&c, t);
}

static void test_cancel_delivered_at_await(void **state) {
  (void)state;
  capture c;
  trace *t;
  assert_int_equal(run("import asyncio\n"
                       "async def w():\n"
                       "    try:\n"
                       "        await asyncio.sleep(10)\n"
                       "    except asyncio.CancelledError:\n"
                       "        print('cancelled at', asyncio.get_running_loop().time())\n"
                       "        raise\n"
                       "    finally:\n"
                       "        print('cleanup')\n"
                       "async def main():\n"
                       "    task = asyncio.create_task(w())\n"
                       "    await asyncio.sleep(1)\n"
                       "    task.cancel()\n"
                       "    try:\n"
                       "        await task\n"
                       "    except asyncio.CancelledError:\n"
                       "        print('main sees', task.cancelled())\n"
                       "asyncio.run(main())\n",
                       &c, &t, NULL),
                   SIM_OK);
  assert_string_equal(fmt_buf_str(&c.out), "cancelled at 1.0\ncleanup\nmain sees True\n");
  bool cancel_wake = false, cancel_event = false;
  for (size_t i = 0; i < trace_count(t); i++) {
    const trace_event *e = trace_event_at(t, i);
    if (e->kind == TR_STEP_BEGIN && e->a == WAKE_CANCEL)
      cancel_wake = true;
    if (e->kind == TR_CANCEL)
      cancel_event = true;
  }
  assert_true(cancel_wake);
  assert_true(cancel_event);
  done(&c, t);
}

static void test_trace_is_deterministic(void **state) {
  (void)state;
  const char *src = "import asyncio, random\n"
                    "async def w(n):\n"
                    "    await asyncio.sleep(random.random())\n"
                    "    return n\n"
                    "async def main():\n"
                    "    print(await asyncio.gather(*(w(i) for i in range(20))))\n"
                    "asyncio.run(main())\n";
  fmt_buf texts[2];
  for (int k = 0; k < 2; k++) {
    capture c;
    trace *t;
    assert_int_equal(run(src, &c, &t, NULL), SIM_OK);
    fmt_buf_init(&texts[k]);
    assert_true(trace_write_jsonl(t, &texts[k]));
    done(&c, t);
  }
  assert_int_equal(texts[0].len, texts[1].len);
  assert_memory_equal(texts[0].data, texts[1].data, texts[0].len);
  fmt_buf_free(&texts[0]);
  fmt_buf_free(&texts[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ready_queue_fifo),
      cmocka_unit_test(test_equal_deadlines_fire_in_order),
      cmocka_unit_test(test_timer_heap_reconstruction),
      cmocka_unit_test(test_time_sleep_blocks_loop),
      cmocka_unit_test(test_deadlock_detected),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_c_stack_budget),
      cmocka_unit_test(test_cancel_delivered_at_await),
      cmocka_unit_test(test_trace_is_deterministic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
