/* The garbage collector (sim/gc.c): programs that allocate far more than they keep run within a
 * small memory limit, what the collector must keep alive survives (pinned results, pending
 * timers, never-awaited coroutines, unretrieved task exceptions), and collecting at every safe
 * point (gc_stress) changes nothing a program prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim.h"

typedef struct capture {
  char out[4096]; /* stdout, truncated */
  size_t nout;    /* bytes in out */
  char err[8192]; /* stderr, truncated */
  size_t nerr;    /* bytes in err */
} capture;

static void append(char *buf, size_t cap, size_t *n, const char *text, size_t len) {
  if (*n + len >= cap)
    len = cap - 1 - *n;
  memcpy(buf + *n, text, len);
  *n += len;
  buf[*n] = '\0';
}

static void on_out(void *user, const char *text, size_t len) {
  capture *c = user;
  append(c->out, sizeof c->out, &c->nout, text, len);
}

static void on_err(void *user, const char *text, size_t len) {
  capture *c = user;
  append(c->err, sizeof c->err, &c->nerr, text, len);
}

/* Runs src with a memory limit of mib MiB (0: the default), collecting at every safe point
 * when stress is set. */
static sim_status run(const char *src, unsigned mib, bool stress, capture *c) {
  memset(c, 0, sizeof *c);
  sim_options o;
  sim_options_init(&o);
  o.out = on_out;
  o.err = on_err;
  o.user = c;
  o.gc_stress = stress;
  if (mib)
    o.limits.max_memory = (uint64_t)mib << 20;
  return sim_run_source(&o, "gc.py", src, strlen(src));
}

/* Each task builds 4,000 objects per step and keeps one: about 300 MB allocated in all. */
static const char churn[] = "import asyncio\n"
                            "class Node:\n"
                            "    def __init__(self, n):\n"
                            "        self.n = n\n"
                            "async def churn(k):\n"
                            "    keep = []\n"
                            "    for i in range(30):\n"
                            "        xs = [Node(j) for j in range(2000)]\n"
                            "        d = {str(j): xs[j] for j in range(2000)}\n"
                            "        keep.append(d[str(i)])\n"
                            "        await asyncio.sleep(0.001 * k)\n"
                            "    return sum(n.n for n in keep)\n"
                            "async def main():\n"
                            "    r = await asyncio.gather(*(churn(k) for k in range(8)))\n"
                            "    print(r, len(r))\n"
                            "asyncio.run(main())\n";

static void garbage_is_collected(void **state) {
  (void)state;
  capture c;
  assert_int_equal(run(churn, 48, false, &c), SIM_OK);
  assert_string_equal(c.out, "[435, 435, 435, 435, 435, 435, 435, 435] 8\n");
}

/* A smaller churn, collected at every iteration of the loop. */
static void stress_changes_nothing(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "async def churn(k):\n"
                            "    keep = []\n"
                            "    for i in range(40):\n"
                            "        d = {str(j): [j] for j in range(300)}\n"
                            "        keep.append(d[str(i)])\n"
                            "        await asyncio.sleep(0.001 * k)\n"
                            "    return sum(n[0] for n in keep)\n"
                            "async def main():\n"
                            "    r = await asyncio.gather(*(churn(k) for k in range(4)))\n"
                            "    print(r)\n"
                            "asyncio.run(main())\n";
  capture c;
  assert_int_equal(run(src, 8, true, &c), SIM_OK);
  assert_string_equal(c.out, "[780, 780, 780, 780]\n");
}

/* Objects of every pool size and bigger ones (long strings, long tuples) die and survive side by
 * side: the sweep reads the slabs' bitmaps and the list of big objects; what is kept keeps
 * its contents and its id(). */
static void mixed_sizes_survive(void **state) {
  (void)state;
  static const char src[] =
      "import asyncio\n"
      "async def main():\n"
      "    keep = []\n"
      "    ids = []\n"
      "    for r in range(60):\n"
      "        junk = [('x' * (r * 37 % 1500)) + str(i) for i in range(200)]\n"
      "        small = [(i, r) for i in range(200)]\n"
      "        big = tuple(range(r * 3))\n"
      "        keep.append((junk[r % 200], small[r], big))\n"
      "        ids.append(id(keep[-1][0]))\n"
      "        await asyncio.sleep(0)\n"
      "    print(len(keep), sum(len(k[0]) for k in keep), sum(k[1][0] + k[1][1] for k in keep),\n"
      "          sum(len(k[2]) for k in keep), ids == [id(k[0]) for k in keep])\n"
      "asyncio.run(main())\n";
  for (int stress = 0; stress < 2; stress++) {
    capture c;
    assert_int_equal(run(src, 16, stress, &c), SIM_OK);
    assert_string_equal(c.out, "60 37100 3540 5310 True\n");
  }
}

/* A heap that is mostly live when the first collection comes (30,000 nodes made in one step,
 * before any safe point): that collection frees little, so the next waits for the heap to triple
 * instead of double, but never past half of what the memory limit leaves; the churn that
 * follows then runs within a limit that tripling alone would cross. */
static void mostly_live_heap(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "class Node:\n"
                            "    def __init__(self, n):\n"
                            "        self.n = n\n"
                            "async def churn(keep, k):\n"
                            "    total = 0\n"
                            "    for i in range(20):\n"
                            "        junk = [Node(j) for j in range(4000)]\n"
                            "        total += junk[-1].n + k\n"
                            "        await asyncio.sleep(0)\n"
                            "    return total + len(keep)\n"
                            "async def main():\n"
                            "    keep = [Node(i) for i in range(30000)]\n"
                            "    r = await asyncio.gather(*(churn(keep, k) for k in range(4)))\n"
                            "    print(r, sum(n.n for n in keep))\n"
                            "asyncio.run(main())\n";
  for (unsigned mib = 0; mib <= 32; mib += 32) {
    capture c;
    assert_int_equal(run(src, mib, false, &c), SIM_OK);
    assert_string_equal(c.out, "[109980, 110000, 110020, 110040] 449985000\n");
  }
}

/* A queue pipeline: futures, waiters and handles of 30,000 items come and go. */
static void queue_pipeline_in_little_memory(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "async def producer(q, n):\n"
                            "    for i in range(n):\n"
                            "        await q.put([i, str(i)])\n"
                            "    for _ in range(3):\n"
                            "        await q.put(None)\n"
                            "async def consumer(q, out):\n"
                            "    total = 0\n"
                            "    while True:\n"
                            "        item = await q.get()\n"
                            "        if item is None:\n"
                            "            break\n"
                            "        total += item[0] + len(item[1])\n"
                            "    out.append(total)\n"
                            "async def main():\n"
                            "    q = asyncio.Queue(maxsize=10)\n"
                            "    out = []\n"
                            "    await asyncio.gather(producer(q, 30000),\n"
                            "                         *(consumer(q, out) for _ in range(3)))\n"
                            "    print(sum(out))\n"
                            "asyncio.run(main())\n";
  capture c;
  assert_int_equal(run(src, 16, false, &c), SIM_OK);
  /* sum(range(30000)) + the digits of 0..29999 */
  assert_string_equal(c.out, "450123890\n");
}

/* What only the loop refers to survives: callbacks of pending timers and their arguments, the
 * value asyncio.run returns while it cancels the tasks left (whose cancellation allocates). */
static void loop_roots_survive(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "seen = []\n"
                            "async def noisy():\n"
                            "    try:\n"
                            "        await asyncio.sleep(100)\n"
                            "    except asyncio.CancelledError:\n"
                            "        for i in range(50):\n"
                            "            junk = [str(j) for j in range(100)]\n"
                            "            await asyncio.sleep(0)\n"
                            "        seen.append(len(junk))\n"
                            "        raise\n"
                            "async def main():\n"
                            "    loop = asyncio.get_running_loop()\n"
                            "    for k in range(3):\n"
                            "        loop.call_later(0.5 + k, seen.append, {'k': [k] * 3})\n"
                            "        asyncio.ensure_future(noisy())\n"
                            "    await asyncio.sleep(3)\n"
                            "    return {'answer': [str(n) for n in range(5)]}\n"
                            "r = asyncio.run(main())\n"
                            "print(r)\n"
                            "print(seen)\n";
  capture c;
  assert_int_equal(run(src, 0, true, &c), SIM_OK);
  assert_string_equal(c.out, "{'answer': ['0', '1', '2', '3', '4']}\n"
                             "[{'k': [0, 0, 0]}, {'k': [1, 1, 1]}, {'k': [2, 2, 2]}, 100, 100, "
                             "100]\n");
}

/* CPython reports these when the objects die; loopviz at the end of the run, so the collector
 * keeps them until then. */
static void reported_objects_survive(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "async def forgotten():\n"
                            "    pass\n"
                            "async def fails():\n"
                            "    raise ValueError('lost')\n"
                            "async def main():\n"
                            "    forgotten()\n"
                            "    asyncio.ensure_future(fails())\n"
                            "    for i in range(30):\n"
                            "        junk = [[j] for j in range(1000)]\n"
                            "        await asyncio.sleep(0)\n"
                            "    print('done', len(junk))\n"
                            "asyncio.run(main())\n";
  capture c;
  assert_int_equal(run(src, 0, true, &c), SIM_OK);
  assert_string_equal(c.out, "done 1000\n");
  assert_non_null(strstr(c.err, "coroutine 'forgotten' was never awaited"));
  assert_non_null(strstr(c.err, "Task exception was never retrieved"));
  assert_non_null(strstr(c.err, "ValueError: lost"));
}

/* Collections at every iteration while generators, closures, async generators and exception
 * chains hold the only references to their objects. */
static void suspended_state_survives(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "def counter(start):\n"
                            "    n = [start]\n"
                            "    def bump():\n"
                            "        n[0] += 1\n"
                            "        return n[0]\n"
                            "    return bump\n"
                            "async def ticks(n):\n"
                            "    for i in range(n):\n"
                            "        await asyncio.sleep(0)\n"
                            "        yield {'tick': str(i)}\n"
                            "async def main():\n"
                            "    bump = counter(10)\n"
                            "    gen = (str(i) * 2 for i in range(100))\n"
                            "    got = []\n"
                            "    async for t in ticks(5):\n"
                            "        got.append(t['tick'] + next(gen) + str(bump()))\n"
                            "    try:\n"
                            "        try:\n"
                            "            raise KeyError('inner')\n"
                            "        except KeyError:\n"
                            "            await asyncio.sleep(0)\n"
                            "            raise ValueError('outer')\n"
                            "    except ValueError as e:\n"
                            "        await asyncio.sleep(0)\n"
                            "        got.append(repr(e.__context__))\n"
                            "    print(got)\n"
                            "asyncio.run(main())\n";
  capture c;
  assert_int_equal(run(src, 0, true, &c), SIM_OK);
  assert_string_equal(c.out,
                      "['00011', '11112', '22213', '33314', '44415', \"KeyError('inner')\"]\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(garbage_is_collected),     cmocka_unit_test(stress_changes_nothing),
      cmocka_unit_test(mixed_sizes_survive),      cmocka_unit_test(queue_pipeline_in_little_memory),
      cmocka_unit_test(mostly_live_heap),         cmocka_unit_test(loop_roots_survive),
      cmocka_unit_test(reported_objects_survive), cmocka_unit_test(suspended_state_survives),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
