/* Tests for render/layout and render/scene on many tasks (issue 10): a frame lists about as many
 * commands for 2,000 tasks as for 200 (lanes out of sight are not listed, the timeline samples
 * its rows), names a task on the timeline only while every task has a row, shows the queues'
 * full lengths while listing only their first entries, and tags the tasks at each source line as
 * the trace says (layout_task_line against a walk back through the trace). */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "layout.h"
#include "scene.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fake_measure(void *user, layout_face face, float size, const char *text, size_t len,
                         float *w, float *h) {
  (void)user;
  (void)face;
  size_t chars = 0;
  for (size_t i = 0; i < len; i++)
    chars += ((unsigned char)text[i] & 0xc0) != 0x80;
  *w = (float)chars * size * 0.6f;
  *h = size * 1.25f;
}

static void ignore(void *user, const char *text, size_t len) {
  (void)user;
  (void)text;
  (void)len;
}

typedef struct many {
  trace *trace;      /* the run */
  layout_diagram *d; /* its diagram */
  theme theme;       /* built-in */
} many;

/* n workers that sleep a little and yield once, gathered. */
static void run_many(size_t n, many *m) {
  char src[512];
  snprintf(src, sizeof src,
           "import asyncio\n"
           "\n"
           "async def worker(i):\n"
           "    await asyncio.sleep(i %% 7 / 100)\n"
           "    await asyncio.sleep(0)\n"
           "    return i\n"
           "\n"
           "async def main():\n"
           "    r = await asyncio.gather(*(worker(i) for i in range(%zu)))\n"
           "    print(len(r))\n"
           "\n"
           "asyncio.run(main())\n",
           n);
  m->trace = trace_new(true);
  assert_non_null(m->trace);
  sim_options o;
  sim_options_init(&o);
  o.out = ignore;
  o.err = ignore;
  o.trace = m->trace;
  assert_int_equal(sim_run_source(&o, "many.py", src, strlen(src)), SIM_OK);
  theme_defaults(&m->theme);
  layout_options lo = {&m->theme, fake_measure, NULL, GRAIN_LOOP};
  assert_int_equal(layout_build(m->trace, &lo, &m->d), LAYOUT_OK);
}

static void free_many(many *m) {
  layout_free(m->d);
  trace_free(m->trace);
}

static size_t frame(many *m, size_t stop, scene_list *l) {
  scene_view v = {1280, 800, 1.0f, 0, 0, true, false, false, 1.0f, NULL, NULL, false};
  scene_input in = {m->d, stop, 1.0f, &v, &m->theme, fake_measure, NULL};
  assert_true(scene_build(&in, l));
  return l->n;
}

static bool has_text(const scene_list *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (l->cmds[i].op == SC_TEXT && l->cmds[i].len == strlen(s) &&
        memcmp(scene_cmd_text(l, &l->cmds[i]), s, l->cmds[i].len) == 0)
      return true;
  return false;
}

static void test_commands_do_not_grow_with_tasks(void **state) {
  (void)state;
  many a, b;
  run_many(200, &a);
  run_many(2000, &b);
  scene_list l;
  scene_list_init(&l);
  size_t na = frame(&a, a.d->nstops / 2, &l);
  size_t nb = frame(&b, b.d->nstops / 2, &l);
  assert_true(nb < na + na / 2);
  size_t last = frame(&b, b.d->nstops - 1, &l); /* every lane has appeared by then */
  assert_true(last < na + na / 2);
  scene_list_free(&l);
  free_many(&a);
  free_many(&b);
}

/* The timeline names tasks when each has a row, and no task once they outnumber its pixels. */
static void test_timeline_names(void **state) {
  (void)state;
  many few, lots;
  run_many(3, &few);
  run_many(2000, &lots);
  scene_list l;
  scene_list_init(&l);
  frame(&few, few.d->nstops - 1, &l);
  assert_true(has_text(&l, "Task-4"));
  frame(&lots, lots.d->nstops - 1, &l);
  assert_false(has_text(&l, "Task-1500"));
  scene_list_free(&l);
  free_many(&few);
  free_many(&lots);
}

/* Right after the gather, all 2,000 workers are ready: the panel says how many are not listed. */
static void test_queue_lengths(void **state) {
  (void)state;
  many m;
  run_many(2000, &m);
  /* the first stop after main suspends on the gather */
  size_t k = 0;
  for (; k < m.d->nstops; k++) {
    trace_queues q;
    size_t rlen = 0, tlen = 0;
    uint32_t ev = m.d->stops[k].event_end;
    assert_true(trace_qindex_at(m.d->queues, ev > 0 ? ev - 1 : 0, 5, &q, &rlen, &tlen));
    trace_queues_free(&q);
    if (rlen == 2000)
      break;
  }
  assert_true(k < m.d->nstops);
  scene_list l;
  scene_list_init(&l);
  frame(&m, k, &l);
  bool more = false;
  for (size_t i = 0; i < l.n && !more; i++) {
    const scene_cmd *c = &l.cmds[i];
    if (c->op != SC_TEXT)
      continue;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)(c->len < 63 ? c->len : 63), scene_cmd_text(&l, c));
    size_t n = 0;
    if (sscanf(buf, "+ %zu more", &n) == 1) {
      assert_true(n > 1900 && n < 2000);
      more = true;
    }
  }
  assert_true(more);
  scene_list_free(&l);
  free_many(&m);
}

/* The line of each task at a step: the last line event before it, walking back. */
static int32_t walk_back(const trace *t, int32_t task, uint32_t events, int32_t nlines) {
  for (uint32_t e = events; e-- > 0;) {
    const trace_event *ev = trace_event_at(t, e);
    if (ev->task != task || ev->line <= 0 || ev->line > nlines)
      continue;
    if (ev->kind == TR_LINE || ev->kind == TR_STEP_SUSPEND || ev->kind == TR_TASK_CREATED)
      return ev->line;
  }
  return 0;
}

static void test_task_lines(void **state) {
  (void)state;
  many m;
  run_many(40, &m);
  for (size_t k = 0; k < m.d->nstops; k += 7)
    for (int32_t task = 0; task < (int32_t)m.d->ntasks; task += 3)
      for (int32_t nlines = 4; nlines <= 12; nlines += 8)
        assert_int_equal(layout_task_line(m.d, task, m.d->stops[k].event_end, nlines),
                         walk_back(m.trace, task, m.d->stops[k].event_end, nlines));
  free_many(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_commands_do_not_grow_with_tasks),
      cmocka_unit_test(test_timeline_names),
      cmocka_unit_test(test_queue_lengths),
      cmocka_unit_test(test_task_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
