/* Tests for render/layout: real runs of the article's programs and small traces built by hand
 * become the sequence diagram the article draws (lanes, rows, bars, stops, captions), with a
 * fake text measurer, so no font or display is involved. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "layout.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every character is 0.6 em wide and a line is 1.25 em high. */
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

typedef struct run {
  trace *trace;      /* the recorded run */
  layout_diagram *d; /* its diagram */
  theme theme;       /* the built-in theme */
} run;

static void build(run *r, layout_grain grain) {
  theme_defaults(&r->theme);
  layout_options o = {&r->theme, fake_measure, NULL, grain};
  assert_int_equal(layout_build(r->trace, &o, &r->d), LAYOUT_OK);
}

/* The trace (with lines) of the file at path, or of src (named test.py) when path is NULL. */
static trace *record(const char *path, const char *src) {
  trace *t = trace_new(true);
  assert_non_null(t);
  sim_options o;
  sim_options_init(&o);
  o.out = ignore;
  o.err = ignore;
  o.trace = t;
  if (path != NULL)
    sim_run_file(&o, path);
  else
    sim_run_source(&o, "test.py", src, strlen(src));
  return t;
}

static void run_file(run *r, const char *path, layout_grain grain) {
  r->trace = record(path, NULL);
  build(r, grain);
}

static void run_source(run *r, const char *src) {
  r->trace = record(NULL, src);
  build(r, GRAIN_LOOP);
}

static void done(run *r) {
  layout_free(r->d);
  trace_free(r->trace);
}

static const char *title(const layout_diagram *d, size_t lane) {
  return layout_text(d, d->lanes[lane].title);
}

static const char *label(const layout_diagram *d, size_t row) {
  return layout_text(d, d->rows[row].label);
}

/* A stop's caption, made on demand. */
typedef struct said {
  char s[LAYOUT_CAPTION_BYTES]; /* the sentence */
} said;

static said caption_of(const layout_diagram *d, size_t k) {
  said out;
  layout_caption(d, k, out.s, sizeof out.s);
  return out;
}

/* ---- the gather program: the article's diagram --------------------------------------------- */

static void test_gather_lanes(void **state) {
  (void)state;
  run r;
  run_file(&r, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py", GRAIN_LOOP);
  const layout_diagram *d = r.d;
  static const char *const titles[] = {
      "Main", "EventLoop", "fetch_data(1, 2)", "fetch_data(2, 1)", "fetch_data(3, 3)", "IO"};
  static const layout_lane_kind kinds[] = {LANE_MAIN, LANE_LOOP, LANE_TASK,
                                           LANE_TASK, LANE_TASK, LANE_IO};
  assert_int_equal(d->nlanes, 6);
  for (size_t i = 0; i < 6; i++) {
    assert_string_equal(title(d, i), titles[i]);
    assert_int_equal(d->lanes[i].kind, kinds[i]);
    if (i > 0)
      assert_true(d->lanes[i].x > d->lanes[i - 1].x); /* left to right, in creation order */
  }
  assert_string_equal(layout_text(d, d->lanes[2].subtitle), "Task-2");
  assert_string_equal(layout_text(d, d->lanes[4].subtitle), "Task-4");
  assert_int_equal(d->loop_lane, 1);
  assert_int_equal(d->io_lane, 5);
  assert_int_equal(d->task_lane[0], 0);
  assert_int_equal(d->task_lane[3], 4);
  done(&r);
}

typedef struct want_row {
  layout_row_kind kind; /* row kind */
  layout_msg msg;       /* message */
  uint32_t from, to;    /* lanes */
  bool dashed;          /* returns and completions */
  const char *label;    /* the label, or NULL to skip the check */
} want_row;

/* Lanes: 0 Main, 1 EventLoop, 2..4 the tasks, 5 IO. Compare /work/shared/seed/diagram.mmd. */
static const want_row gather_rows[] = {
    {ROW_MESSAGE, MSG_START, 1, 0, false, "start Main"},
    {ROW_MESSAGE, MSG_CREATE, 0, 1, false, "create Task-2"}, /* Main->>EventLoop: Create tasks */
    {ROW_MESSAGE, MSG_CREATE, 0, 1, false, "create Task-3"},
    {ROW_MESSAGE, MSG_CREATE, 0, 1, false, "create Task-4"},
    {ROW_MESSAGE, MSG_AWAIT, 0, 1, false, NULL},
    {ROW_NOTE, MSG_NONE, 0, 1, false, "Main suspended"},
    {ROW_MESSAGE, MSG_START, 1, 2, false, "start Task-2"}, /* EventLoop->>Task1: Start */
    {ROW_MESSAGE, MSG_AWAIT, 2, 5, false, NULL},           /* Task1->>IO: Await I/O */
    {ROW_NOTE, MSG_NONE, 2, 5, false, "Task-2 suspended"}, /* Note over Task1,IO */
    {ROW_MESSAGE, MSG_START, 1, 3, false, "start Task-3"},
    {ROW_MESSAGE, MSG_AWAIT, 3, 5, false, NULL},
    {ROW_NOTE, MSG_NONE, 3, 5, false, "Task-3 suspended"},
    {ROW_MESSAGE, MSG_START, 1, 4, false, "start Task-4"},
    {ROW_MESSAGE, MSG_AWAIT, 4, 5, false, NULL},
    {ROW_NOTE, MSG_NONE, 4, 5, false, "Task-4 suspended"},
    {ROW_CLOCK, MSG_NONE, 0, 5, true, NULL},
    {ROW_MESSAGE, MSG_COMPLETE, 5, 3, true, "I/O complete for Task-3"}, /* IO-->>Task: complete */
    {ROW_MESSAGE, MSG_RESUME, 1, 3, false, "resume Task-3 (sleep over)"},
    {ROW_MESSAGE, MSG_RETURN, 3, 1, true, NULL}, /* Task-->>EventLoop: Return result */
    {ROW_CLOCK, MSG_NONE, 0, 5, true, NULL},
    {ROW_MESSAGE, MSG_COMPLETE, 5, 2, true, "I/O complete for Task-2"},
    {ROW_MESSAGE, MSG_RESUME, 1, 2, false, NULL},
    {ROW_MESSAGE, MSG_RETURN, 2, 1, true, NULL},
    {ROW_CLOCK, MSG_NONE, 0, 5, true, NULL},
    {ROW_MESSAGE, MSG_COMPLETE, 5, 4, true, NULL},
    {ROW_MESSAGE, MSG_RESUME, 1, 4, false, NULL},
    {ROW_MESSAGE, MSG_RETURN, 4, 1, true, NULL},
    {ROW_MESSAGE, MSG_COMPLETE, 1, 0, true, "all tasks complete for Main"}, /* EventLoop-->>Main */
    {ROW_MESSAGE, MSG_RESUME, 1, 0, false, "resume Main (gather done)"},
    {ROW_MESSAGE, MSG_RETURN, 0, 1, true, "Main: return None"},
};

static void test_gather_rows(void **state) {
  (void)state;
  run r;
  run_file(&r, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py", GRAIN_LOOP);
  const layout_diagram *d = r.d;
  size_t n = sizeof gather_rows / sizeof gather_rows[0];
  assert_int_equal(d->nrows, n);
  for (size_t i = 0; i < n; i++) {
    const layout_row *row = &d->rows[i];
    const want_row *w = &gather_rows[i];
    if (row->kind != w->kind || row->msg != w->msg || row->from != w->from || row->to != w->to ||
        row->dashed != w->dashed)
      fail_msg("row %zu: kind %d msg %d %u->%u dashed %d, want kind %d msg %d %u->%u dashed %d", i,
               row->kind, row->msg, row->from, row->to, row->dashed, w->kind, w->msg, w->from,
               w->to, w->dashed);
    if (w->label != NULL)
      assert_string_equal(label(d, i), w->label);
    /* every row shows the event it comes from, in trace order */
    if (i > 0)
      assert_true(row->event >= d->rows[i - 1].event);
    if (i > 0)
      assert_true(row->top >= d->rows[i - 1].top + d->rows[i - 1].h - 0.001f);
  }
  /* what is awaited and what is returned is on the arrows */
  assert_non_null(strstr(label(d, 7), "await"));
  assert_non_null(strstr(label(d, 7), "asyncio.sleep(2)"));
  assert_non_null(strstr(label(d, 18), "{'id': 2, 'data': 'Data 2'}"));
  assert_non_null(strstr(label(d, 15), "1.000"));
  assert_true(d->rows[15].time == 0.0 && d->rows[15].time_to == 1.0);
  done(&r);
}

/* Lanes are spaced so every arrow's label fits between its two lanes. */
static void test_labels_fit_between_lanes(void **state) {
  (void)state;
  run r;
  run_file(&r, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py", GRAIN_LOOP);
  const layout_diagram *d = r.d;
  for (size_t i = 0; i < d->nrows; i++) {
    const layout_row *row = &d->rows[i];
    if (row->kind != ROW_MESSAGE)
      continue;
    const char *s = label(d, i);
    float widest = 0;
    for (const char *p = s;;) {
      const char *nl = strchr(p, '\n');
      size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
      float w = 0, h = 0;
      fake_measure(NULL, FACE_SANS, r.theme.label_pt, p, len, &w, &h);
      if (w > widest)
        widest = w;
      if (nl == NULL)
        break;
      p = nl + 1;
    }
    float span = d->lanes[row->to].x - d->lanes[row->from].x;
    if (span < 0)
      span = -span;
    if (span < widest)
      fail_msg("row %zu '%s' is %.0f wide between lanes %.0f apart", i, s, widest, span);
  }
  /* neighbouring header boxes never touch */
  for (size_t i = 1; i < d->nlanes; i++)
    assert_true(d->lanes[i].x - d->lanes[i].w / 2 > d->lanes[i - 1].x + d->lanes[i - 1].w / 2);
  assert_true(d->width >= d->lanes[d->nlanes - 1].x + d->lanes[d->nlanes - 1].w / 2);
  assert_true(d->height > d->rows[d->nrows - 1].top + d->rows[d->nrows - 1].h);
  done(&r);
}

static void test_gather_bars(void **state) {
  (void)state;
  run r;
  run_file(&r, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py", GRAIN_LOOP);
  const layout_diagram *d = r.d;
  size_t active = 0, suspended = 0;
  for (size_t i = 0; i < d->nbars; i++) {
    const layout_bar *b = &d->bars[i];
    assert_true(b->last != UINT32_MAX); /* every task finished */
    assert_true(b->first <= b->last);
    assert_int_equal(b->lane, d->task_lane[b->task]);
    const layout_row *first = &d->rows[b->first], *last = &d->rows[b->last];
    if (b->suspended) {
      suspended++;
      assert_int_equal(first->kind, ROW_NOTE);
      assert_int_equal(last->msg, MSG_RESUME);
    } else {
      active++;
      assert_true(first->msg == MSG_START || first->msg == MSG_RESUME);
      assert_true(last->msg == MSG_AWAIT || last->msg == MSG_RETURN);
    }
  }
  assert_int_equal(active, 8);    /* Main twice, each fetch_data twice */
  assert_int_equal(suspended, 4); /* each waits once */
  done(&r);
}

static void test_gather_stops(void **state) {
  (void)state;
  run r;
  run_file(&r, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py", GRAIN_LOOP);
  const layout_diagram *d = r.d;
  /* before anything, Main's step, three task starts, three jumps each followed by a task's
   * resumption, Main's resumption, and the end of the run */
  assert_int_equal(d->nstops, 13);
  assert_int_equal(d->stops[0].row_end, 0);
  assert_non_null(strstr(caption_of(d, 0).s, "asyncio.run"));
  for (size_t k = 1; k < d->nstops; k++) {
    const layout_stop *s = &d->stops[k];
    assert_true(s->event_end > d->stops[k - 1].event_end);
    assert_true(s->row_end >= d->stops[k - 1].row_end);
    assert_true(strlen(caption_of(d, k).s) > 20);
    assert_int_equal(layout_stop_of_event(d, s->event_end - 1), k);
    assert_int_equal(layout_stop_first_row(d, k), d->stops[k - 1].row_end);
  }
  assert_int_equal(d->stops[d->nstops - 1].event_end, trace_count(r.trace));
  assert_int_equal(d->stops[d->nstops - 1].row_end, d->nrows);
  /* stop 5 is the first clock jump: the clock counts from 0 to 1 */
  assert_true(d->stops[5].time_from == 0.0 && d->stops[5].time == 1.0);
  assert_non_null(strstr(caption_of(d, 5).s, "from 0.000 to 1.000"));
  assert_non_null(strstr(caption_of(d, 3).s, "fetch_data(2, 1) (Task-3)"));
  assert_non_null(strstr(caption_of(d, 3).s, "asyncio.sleep(1)"));
  assert_int_equal(d->stops[3].task, 2);
  assert_int_equal(d->stops[3].line, 6); /* await asyncio.sleep(delay) */
  assert_true(d->time_end == 3.0);
  done(&r);
}

static void test_gather_timeline_states(void **state) {
  (void)state;
  run r;
  run_file(&r, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py", GRAIN_LOOP);
  const layout_diagram *d = r.d;
  uint32_t t2 = d->task_lane[1]; /* fetch_data(1, 2) */
  assert_int_equal(layout_lane_state(d, t2, 0), STATE_ABSENT);
  assert_int_equal(layout_lane_state(d, t2, 1), STATE_READY);   /* created by Main's step */
  assert_int_equal(layout_lane_state(d, t2, 2), STATE_RUNNING); /* its first step */
  assert_int_equal(layout_lane_state(d, t2, 5), STATE_WAITING); /* sleeping through a jump */
  assert_int_equal(layout_lane_state(d, t2, 8), STATE_RUNNING); /* resumes and returns */
  assert_int_equal(layout_lane_state(d, t2, 9), STATE_DONE);
  assert_int_equal(layout_lane_state(d, t2, d->nstops - 1), STATE_DONE);
  assert_int_equal(layout_lane_state(d, d->loop_lane, 3), STATE_ABSENT); /* not a task */
  /* runs cover every stop of every task lane, in order, without gaps */
  for (size_t i = 0; i < d->nlanes; i++) {
    const layout_lane *l = &d->lanes[i];
    if (l->kind != LANE_MAIN && l->kind != LANE_TASK)
      continue;
    uint32_t next = 0;
    for (uint32_t k = l->first_run; k < l->first_run + l->nruns; k++) {
      assert_int_equal(d->runs[k].first_stop, next);
      assert_int_equal(d->runs[k].lane, i);
      next = d->runs[k].end_stop;
    }
    assert_int_equal(next, d->nstops);
  }
  done(&r);
}

/* ---- the other article programs ------------------------------------------------------------ */

static void test_error_handling_raise(void **state) {
  (void)state;
  run r;
  run_file(&r, LOOPVIZ_SOURCE_DIR "/scenarios/error_handling.py", GRAIN_LOOP);
  const layout_diagram *d = r.d;
  size_t raises = 0;
  for (size_t i = 0; i < d->nrows; i++)
    if (d->rows[i].msg == MSG_RAISE) {
      raises++;
      assert_true(d->rows[i].error && d->rows[i].dashed);
      assert_non_null(strstr(label(d, i), "ValueError('Operation failed!')"));
      assert_int_equal(d->lanes[d->rows[i].from].end_row, i);
      assert_int_equal(layout_lane_state(d, d->rows[i].from, d->nstops - 1), STATE_FAILED);
    }
  assert_int_equal(raises, 1); /* the first failure is inside Main, which catches it */
  done(&r);
}

static void test_every_article_program(void **state) {
  (void)state;
  static const char *const names[] = {"greet", "gather", "context_manager", "async_generator",
                                      "error_handling"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/scenarios/%s.py", LOOPVIZ_SOURCE_DIR, names[i]);
    run r;
    run_file(&r, path, GRAIN_LOOP);
    const layout_diagram *d = r.d;
    assert_true(d->nstops > 3);
    assert_string_equal(title(d, 0), "Main");
    assert_string_equal(title(d, 1), "EventLoop");
    assert_int_equal(d->lanes[d->io_lane].kind, LANE_IO);
    /* the main task returns, and every suspension note follows an await */
    assert_int_equal(d->rows[d->nrows - 1].msg, MSG_RETURN);
    for (size_t k = 0; k < d->nrows; k++)
      if (d->rows[k].kind == ROW_NOTE && d->rows[k].msg == MSG_NONE)
        assert_int_equal(d->rows[k - 1].msg, MSG_AWAIT);
    done(&r);
  }
}

static void test_line_grain(void **state) {
  (void)state;
  run loop, lines;
  run_file(&loop, LOOPVIZ_SOURCE_DIR "/scenarios/greet.py", GRAIN_LOOP);
  run_file(&lines, LOOPVIZ_SOURCE_DIR "/scenarios/greet.py", GRAIN_LINE);
  assert_true(lines.d->nstops > loop.d->nstops);
  assert_int_equal(lines.d->nrows, loop.d->nrows); /* the same diagram, stopped more often */
  size_t at_lines = 0;
  for (size_t k = 1; k < lines.d->nstops; k++) {
    const trace_event *e = trace_event_at(lines.trace, lines.d->stops[k].event_end - 1);
    if (e->kind != TR_LINE)
      continue;
    at_lines++;
    assert_int_equal(lines.d->stops[k].line, e->line);
    assert_non_null(strstr(caption_of(lines.d, k).s, "line"));
  }
  assert_true(at_lines > 3);
  done(&loop);
  done(&lines);
}

/* ---- hand-made and small traces ------------------------------------------------------------ */

static void test_empty_trace(void **state) {
  (void)state;
  run r;
  r.trace = trace_new(false);
  build(&r, GRAIN_LOOP);
  assert_int_equal(r.d->nstops, 1);
  assert_int_equal(r.d->nrows, 0);
  assert_int_equal(r.d->nlanes, 3); /* Main, EventLoop, IO */
  assert_string_equal(title(r.d, 2), "IO");
  done(&r);
}

/* A queue's waiter and a producer that wakes it: the queue gets a lane of its own. */
static void test_sync_lane(void **state) {
  (void)state;
  run r;
  trace *t = trace_new(false);
  r.trace = t;
  trace_add(t, TR_RUN_START, 0, -1, 0, 0, 0, 0, "q.py", 4);
  trace_add_task(t, 0, "Task-1", "main()", -1, 9);
  trace_add_task(t, 0, "Task-2", "consumer()", 0, 10);
  trace_add_task(t, 0, "Task-3", "producer()", 0, 11);
  trace_add(t, TR_STEP_BEGIN, 0, 1, WAKE_START, -1, 0, 0, NULL, 0);
  trace_add(t, TR_STEP_SUSPEND, 0, 1, WAIT_SYNC, 7, 4, 0, "queue.get()", 11);
  trace_add(t, TR_STEP_BEGIN, 0, 2, WAKE_START, -1, 0, 0, NULL, 0);
  trace_add(t, TR_FUTURE_DONE, 0, -1, 7, 0, 0, 0, "1", 1);
  trace_add(t, TR_STEP_RETURN, 0, 2, 0, 0, 0, 0, "None", 4);
  trace_add(t, TR_STEP_BEGIN, 0, 1, WAKE_FUTURE, 7, 0, 0, NULL, 0);
  trace_add(t, TR_STEP_RETURN, 0, 1, 0, 0, 0, 0, "None", 4);
  trace_add(t, TR_RUN_END, 0, -1, 0, 0, 0, 0, NULL, 0);
  build(&r, GRAIN_LOOP);
  const layout_diagram *d = r.d;
  size_t q = d->nlanes - 1;
  assert_int_equal(d->lanes[q].kind, LANE_SYNC);
  assert_string_equal(title(d, q), "queue");
  assert_true(d->lanes[q].x > d->lanes[d->io_lane].x);
  bool await_q = false, wake = false, complete = false;
  for (size_t i = 0; i < d->nrows; i++) {
    const layout_row *row = &d->rows[i];
    if (row->msg == MSG_AWAIT && row->to == q) {
      await_q = true;
      assert_int_equal(d->lanes[q].first_row, i); /* it appears with the first await on it */
    }
    if (row->msg == MSG_WAKE && row->from == d->task_lane[2] && row->to == q)
      wake = true;
    if (row->msg == MSG_COMPLETE && row->from == q && row->to == d->task_lane[1]) {
      complete = true;
      assert_string_equal(label(d, i), "queue.get() done for Task-2");
    }
  }
  assert_true(await_q && wake && complete);
  done(&r);
}

/* time.sleep blocks the loop: a band across every lane, a stop of its own, and the clock moves. */
static void test_blocking_sleep(void **state) {
  (void)state;
  run r;
  run_source(&r, "import asyncio, time\n\nasync def main():\n    time.sleep(0.5)\n"
                 "    await asyncio.sleep(1)\n\nasyncio.run(main())\n");
  const layout_diagram *d = r.d;
  size_t band = d->nrows;
  for (size_t i = 0; i < d->nrows; i++)
    if (d->rows[i].kind == ROW_BLOCK)
      band = i;
  assert_true(band < d->nrows);
  assert_int_equal(d->rows[band].from, 0);
  assert_int_equal(d->rows[band].to, d->nlanes - 1);
  assert_true(d->rows[band].time_to - d->rows[band].time == 0.5);
  assert_non_null(strstr(label(d, band), "time.sleep(0.5)"));
  size_t k = 0;
  while (d->stops[k].row_end <= band)
    k++;
  assert_int_equal(d->stops[k].row_end, band + 1); /* the band ends its stop */
  assert_non_null(strstr(caption_of(d, k).s, "blocked"));
  assert_non_null(strstr(caption_of(d, k + 1).s, "goes on"));
  done(&r);
}

static void test_cancel(void **state) {
  (void)state;
  run r;
  run_source(&r, "import asyncio\n\nasync def worker():\n    await asyncio.sleep(10)\n\n"
                 "async def main():\n    t = asyncio.create_task(worker())\n"
                 "    await asyncio.sleep(1)\n    t.cancel()\n    try:\n        await t\n"
                 "    except asyncio.CancelledError:\n        print('cancelled')\n\n"
                 "asyncio.run(main())\n");
  const layout_diagram *d = r.d;
  uint32_t worker = d->task_lane[1];
  bool cancel = false, ended = false;
  for (size_t i = 0; i < d->nrows; i++) {
    const layout_row *row = &d->rows[i];
    if (row->msg == MSG_CANCEL) {
      cancel = true;
      assert_int_equal(row->from, 0);
      assert_int_equal(row->to, worker);
      assert_string_equal(label(d, i), "cancel Task-2");
    }
    if (row->msg == MSG_RAISE && row->from == worker) {
      ended = true;
      assert_string_equal(label(d, i), "Task-2: cancelled");
    }
    if (row->msg == MSG_AWAIT && row->from == 0 && row->to == worker)
      assert_non_null(strstr(label(d, i), "Task-2"));
  }
  assert_true(cancel && ended);
  assert_int_equal(layout_lane_state(d, worker, d->nstops - 1), STATE_FAILED);
  done(&r);
}

/* Long values are cut on arrows; long coroutine labels are shortened in headers. */
static void test_long_labels(void **state) {
  (void)state;
  run r;
  run_source(&r, "import asyncio\n\nasync def work(x):\n    await asyncio.sleep(0)\n"
                 "    return 'x' * 200\n\nasync def main():\n"
                 "    await asyncio.create_task(work('a very long argument that goes on and on'))\n"
                 "\nasyncio.run(main())\n");
  const layout_diagram *d = r.d;
  assert_string_equal(title(d, 2), "work(\xe2\x80\xa6)");
  bool found = false;
  for (size_t i = 0; i < d->nrows; i++)
    if (d->rows[i].msg == MSG_RETURN && d->rows[i].from == 2) {
      found = true;
      const char *s = label(d, i);
      assert_non_null(strstr(s, "\xe2\x80\xa6"));
      assert_true(strlen(s) < 100);
    }
  assert_true(found);
  done(&r);
}

/* Characters of uneven, fractional widths (so that a float sum of them depends on its order),
 * and a text a little wider than its characters (kerning and overhangs), within the bounds
 * layout.h asks of a measurer. */
static void jagged_measure(void *user, layout_face face, float size, const char *text, size_t len,
                           float *w, float *h) {
  (void)user;
  float sum = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned c = (unsigned char)text[i];
    if ((c & 0xc0) != 0x80)
      sum += size * (0.41f + (float)((c * 37u + (unsigned)face * 5u) % 23u) * 0.0137f);
  }
  *w = len > 1 ? sum * 1.05f : sum;
  *h = size * 1.2f;
}

/* layout_build_checked: the shortcuts layout_build takes (a label's character widths summed as
 * it is put together, lane spacing from the labels that may not fit) give what the long way
 * gives, with two measurers, on scenarios, and on many tasks with long names (cut), non-ASCII
 * results, exceptions and labels of every length; and the checked build is the same diagram. */
static void test_checked_shortcuts(void **state) {
  (void)state;
  static const char *const names[] = {
      "gather",       "producer_consumer", "rate_limit",     "deadlock",
      "streaming",    "taskgroup_failure", "as_completed",   "sequential_vs_gather",
      "cancellation", "timeouts",          "race_condition", "error_handling"};
  static const char many[] =
      "import asyncio\n\nasync def job(i, tag):\n    await asyncio.sleep(i % 7 / 10)\n"
      "    if i % 5 == 0:\n        raise ValueError(tag * (i % 4))\n"
      "    await asyncio.sleep(0)\n    return tag * i\n\nasync def main():\n"
      "    tasks = [asyncio.create_task(job(i, 'wx' if i % 2 else '\xc3\xa9i'), name='t' * (i * 9))"
      "\n             for i in range(40)]\n"
      "    print(await asyncio.gather(*tasks, return_exceptions=True))\n\nasyncio.run(main())\n";
  static const layout_measure_fn measurers[] = {fake_measure, jagged_measure};
  size_t n = sizeof names / sizeof names[0];
  for (size_t i = 0; i <= n; i++)
    for (size_t m = 0; m < 2; m++)
      for (int g = 0; g < 2; g++) {
        char path[512];
        snprintf(path, sizeof path, "%s/scenarios/%s.py", LOOPVIZ_SOURCE_DIR,
                 i < n ? names[i] : "");
        trace *t = record(i < n ? path : NULL, many);
        theme th;
        theme_defaults(&th);
        layout_options o = {&th, measurers[m], NULL, g == 0 ? GRAIN_LOOP : GRAIN_LINE};
        layout_diagram *fast = NULL, *checked = NULL;
        assert_int_equal(layout_build(t, &o, &fast), LAYOUT_OK);
        layout_status st = layout_build_checked(t, &o, &checked);
        if (st != LAYOUT_OK)
          fail_msg("%s, measurer %zu, grain %d: status %d", i < n ? names[i] : "many", m, g, st);
        assert_int_equal(checked->nrows, fast->nrows);
        assert_int_equal(checked->nlanes, fast->nlanes);
        assert_memory_equal(checked->rows, fast->rows, fast->nrows * sizeof *fast->rows);
        for (size_t k = 0; k < fast->nlanes; k++) {
          assert_true(checked->lanes[k].x == fast->lanes[k].x);
          assert_true(checked->lanes[k].w == fast->lanes[k].w);
        }
        assert_true(checked->width == fast->width && checked->height == fast->height);
        layout_free(fast);
        layout_free(checked);
        trace_free(t);
      }
}

/* layout_task_live says what layout_lane_state says: live between creation and the end. */
static void test_task_live(void **state) {
  (void)state;
  static const char *const names[] = {"gather",        "cancellation",      "taskgroup_failure",
                                      "deadlock",      "producer_consumer", "forgotten_await",
                                      "error_handling"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    for (int g = 0; g < 2; g++) {
      char path[512];
      snprintf(path, sizeof path, "%s/scenarios/%s.py", LOOPVIZ_SOURCE_DIR, names[i]);
      run r;
      run_file(&r, path, g == 0 ? GRAIN_LOOP : GRAIN_LINE);
      const layout_diagram *d = r.d;
      size_t live = 0;
      for (size_t t = 0; t < d->ntasks; t++)
        for (size_t k = 0; k < d->nstops; k++) {
          layout_state st = layout_lane_state(d, d->task_lane[t], k);
          bool want = st != STATE_ABSENT && st != STATE_DONE && st != STATE_FAILED;
          if (layout_task_live(d, (int32_t)t, k) != want)
            fail_msg("%s: task %zu at stop %zu", names[i], t, k);
          live += want;
        }
      assert_true(live > 0);
      assert_false(layout_task_live(d, -1, 0));
      assert_false(layout_task_live(d, (int32_t)d->ntasks, 0));
      done(&r);
    }
}

/* ---- the code panel's index of the tasks at a line ---------------------------------------- */

/* layout_line_tasks gives, for every stop, every moment of its animation and every line, the very
 * tasks a scan of every task finds (layout_task_live and layout_task_line): every bundled
 * scenario in both granularities, and 300 tasks crowding a line past LAYOUT_TAGS; for 3,000 tasks
 * (more moments than one pass of the index's sort by moment takes), every stride-th stop at its
 * first and last moment. */
static void check_line_tasks(const char *name, const layout_diagram *d, size_t stride) {
  size_t len = 0;
  const char *src = trace_source(d->trace, &len);
  int32_t nlines = 0;
  for (size_t i = 0; i < len; i++)
    nlines += src[i] == '\n';
  nlines += len > 0 && src[len - 1] != '\n';
  assert_int_equal(d->tag_nlines, nlines); /* built */
  int32_t *at = malloc((d->ntasks ? d->ntasks : 1) * sizeof *at);
  assert_non_null(at);
  size_t crowded = 0, tagged = 0;
  for (size_t k = 0; k < d->nstops; k += stride) {
    uint32_t moments[64], nm = 0; /* the stop's events at each point of its animation */
    moments[nm++] = k > 0 ? d->stops[k - 1].event_end : 0;
    for (uint32_t r = layout_stop_first_row(d, k);
         stride == 1 && r < d->stops[k].row_end && nm < 63; r++)
      moments[nm++] = d->rows[r].event;
    moments[nm++] = d->stops[k].event_end;
    for (uint32_t m = 0; m < nm; m++) {
      uint32_t e = moments[m];
      for (size_t t = 0; t < d->ntasks; t++)
        at[t] = layout_task_live(d, (int32_t)t, k) ? layout_task_line(d, (int32_t)t, e, nlines) : 0;
      for (int32_t line = 1; line <= nlines; line++) {
        int32_t want[LAYOUT_TAGS], got[LAYOUT_TAGS];
        size_t nwant = 0;
        for (size_t t = 0; t < d->ntasks && nwant < LAYOUT_TAGS; t++)
          if (at[t] == line)
            want[nwant++] = (int32_t)t;
        long ngot = layout_line_tasks(d, line, k, e, nlines, got, LAYOUT_TAGS);
        if (ngot != (long)nwant || memcmp(got, want, nwant * sizeof *want) != 0)
          fail_msg("%s: stop %zu events %u line %d: %ld tasks, want %zu", name, k, e, line, ngot,
                   nwant);
        crowded += nwant == LAYOUT_TAGS;
        tagged += nwant;
      }
    }
  }
  assert_true(tagged > 0);
  if (strcmp(name, "crowd") == 0)
    assert_true(crowded > 0);
  /* what it cannot answer, it says so */
  assert_int_equal(layout_line_tasks(d, 1, 0, 0, nlines + 1, at, LAYOUT_TAGS), -1);
  assert_int_equal(layout_line_tasks(d, 1, d->nstops, 0, nlines, at, LAYOUT_TAGS), -1);
  if (d->nstops > 1 && d->stops[0].event_end > 0)
    assert_int_equal(layout_line_tasks(d, 1, 1, d->stops[0].event_end - 1, nlines, at, 4), -1);
  free(at);
}

static void test_line_tasks_index(void **state) {
  (void)state;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/scenarios", LOOPVIZ_SOURCE_DIR);
  DIR *dh = opendir(dir);
  assert_non_null(dh);
  size_t files = 0;
  for (struct dirent *e; (e = readdir(dh)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n < 4 || strcmp(e->d_name + n - 3, ".py") != 0)
      continue;
    for (int g = 0; g < 2; g++) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      run r;
      run_file(&r, path, g == 0 ? GRAIN_LOOP : GRAIN_LINE);
      check_line_tasks(e->d_name, r.d, 1);
      done(&r);
    }
    files++;
  }
  closedir(dh);
  assert_true(files >= 10);
  run r;
  run_source(&r,
             "import asyncio\n"
             "\n"
             "async def worker(i):\n"
             "    await asyncio.sleep(i % 7 / 10)\n"
             "    if i % 5 == 0:\n"
             "        raise ValueError(i)\n"
             "    await asyncio.sleep(0)\n"
             "    return i\n"
             "\n"
             "async def main():\n"
             "    await asyncio.gather(*(worker(i) for i in range(300)), return_exceptions=True)\n"
             "\n"
             "asyncio.run(main())\n");
  check_line_tasks("crowd", r.d, 1);
  done(&r);
  run_source(&r, "import asyncio\n"
                 "\n"
                 "async def worker(i):\n"
                 "    await asyncio.sleep(i % 7 / 10)\n"
                 "    await asyncio.sleep(0)\n"
                 "    return i\n"
                 "\n"
                 "async def main():\n"
                 "    await asyncio.gather(*(worker(i) for i in range(3000)))\n"
                 "\n"
                 "asyncio.run(main())\n");
  assert_true(r.d->nstops + trace_count(r.d->trace) > 70000); /* moments past 16 bits */
  check_line_tasks("crowd", r.d, r.d->nstops / 150);
  done(&r);
}

/* ---- every text of the diagrams, against tests/golden/layout_text.txt ----------------------- */

typedef struct text_out {
  char *s;    /* the text so far */
  size_t len; /* bytes */
  size_t cap; /* allocated */
} text_out;

static void out_add(text_out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  assert_true(n >= 0);
  if (o->len + (size_t)n + 1 > o->cap) {
    o->cap = (o->len + (size_t)n + 1) * 2;
    o->s = realloc(o->s, o->cap);
    assert_non_null(o->s);
  }
  va_start(ap, fmt);
  vsnprintf(o->s + o->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  o->len += (size_t)n;
}

/* Every lane title and subtitle, row label and stop caption of a diagram. */
static void out_diagram(text_out *o, const char *name, const layout_diagram *d) {
  out_add(o, "== %s %s\n", name, d->grain == GRAIN_LINE ? "lines" : "loop");
  for (size_t i = 0; i < d->nlanes; i++)
    out_add(o, "lane %zu: %s / %s\n", i, title(d, i), layout_text(d, d->lanes[i].subtitle));
  for (size_t i = 0; i < d->nrows; i++)
    out_add(o, "row %zu: %s\n", i, label(d, i));
  for (size_t k = 0; k < d->nstops; k++) {
    char buf[LAYOUT_CAPTION_BYTES + 256]; /* more than it needs: the caption cuts itself */
    size_t n = layout_caption(d, k, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    out_add(o, "stop %zu: %s\n", k, buf);
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The texts of every bundled scenario's diagram in both granularities, and of a few programs made
 * for the captions' and labels' rarer cases (a run that stops before its loop, no loop at all,
 * callbacks and timers, names too long for a caption), are those of tests/golden/layout_text.txt;
 * LOOPVIZ_UPDATE_REFS=1 rewrites it (look at the diff before committing). */
static void test_texts_golden(void **state) {
  (void)state;
  text_out o = {NULL, 0, 0};
  DIR *dir = opendir(LOOPVIZ_SOURCE_DIR "/scenarios");
  assert_non_null(dir);
  char *names[256];
  size_t n = 0;
  for (struct dirent *e = readdir(dir); e != NULL; e = readdir(dir)) {
    size_t len = strlen(e->d_name);
    if (len > 3 && strcmp(e->d_name + len - 3, ".py") == 0 && n < 256)
      names[n++] = strdup(e->d_name);
  }
  closedir(dir);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    /* relative to the source tree (the tests' working directory): the texts name the file, and
     * the golden file must not depend on where the repository was cloned */
    char path[1024];
    snprintf(path, sizeof path, "scenarios/%s", names[i]);
    for (int g = 0; g < 2; g++) {
      run r;
      run_file(&r, path, g == 0 ? GRAIN_LOOP : GRAIN_LINE);
      out_diagram(&o, names[i], r.d);
      done(&r);
    }
    free(names[i]);
  }
  static const char *const sources[] = {
      "import asyncio\nraise ValueError('before the loop')\n",
      "print('no loop at all')\n",
      "import asyncio\nimport time\n\ndef tick(n):\n    print('tick', n)\n\n"
      "async def main():\n    loop = asyncio.get_running_loop()\n    loop.call_soon(tick, 1)\n"
      "    loop.call_later(0.5, tick, 2)\n    h = loop.call_later(2, tick, 3)\n"
      "    await asyncio.sleep(1)\n    h.cancel()\n    time.sleep(0.25)\n"
      "    t = asyncio.create_task(asyncio.sleep(5))\n    await asyncio.sleep(0)\n"
      "    t.cancel()\n    try:\n        await t\n    except asyncio.CancelledError:\n"
      "        print('cancelled')\n\nasyncio.run(main())\n",
      "import asyncio\n\nasync def work(x):\n    await asyncio.sleep(0.1)\n"
      "    raise RuntimeError(x * 300)\n\nasync def main():\n"
      "    t = asyncio.create_task(work('y'), name='n' * 900)\n    await asyncio.sleep(0)\n"
      "    await asyncio.gather(t, return_exceptions=True)\n    return 'z' * 900\n\n"
      "asyncio.run(main())\n",
  };
  for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
    for (int g = 0; g < 2; g++) {
      run r;
      r.trace = trace_new(true);
      sim_options so;
      sim_options_init(&so);
      so.out = ignore;
      so.err = ignore;
      so.trace = r.trace;
      sim_run_source(&so, "made.py", sources[i], strlen(sources[i]));
      build(&r, g == 0 ? GRAIN_LOOP : GRAIN_LINE);
      char name[32];
      snprintf(name, sizeof name, "made_%zu", i);
      out_diagram(&o, name, r.d);
      done(&r);
    }
  const char *path = LOOPVIZ_SOURCE_DIR "/tests/golden/layout_text.txt";
  const char *update = getenv("LOOPVIZ_UPDATE_REFS");
  if (update != NULL && strcmp(update, "1") == 0) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(o.s, 1, o.len, f), o.len);
    assert_int_equal(fclose(f), 0);
    free(o.s);
    return;
  }
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    fail_msg("no %s: run with LOOPVIZ_UPDATE_REFS=1 to write it", path);
  char *want = malloc(o.len + 2);
  assert_non_null(want);
  size_t got = fread(want, 1, o.len + 1, f);
  fclose(f);
  size_t at = 0;
  while (at < got && at < o.len && want[at] == o.s[at])
    at++;
  if (got != o.len || at < o.len) {
    size_t from = at > 200 ? at - 200 : 0;
    fail_msg("the texts differ from %s at byte %zu:\n...%.300s\nwanted:\n...%.300s", path, at,
             o.s + from, at < got ? want + from : "(end)");
  }
  free(want);
  free(o.s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gather_lanes),
      cmocka_unit_test(test_gather_rows),
      cmocka_unit_test(test_labels_fit_between_lanes),
      cmocka_unit_test(test_gather_bars),
      cmocka_unit_test(test_gather_stops),
      cmocka_unit_test(test_gather_timeline_states),
      cmocka_unit_test(test_error_handling_raise),
      cmocka_unit_test(test_every_article_program),
      cmocka_unit_test(test_line_grain),
      cmocka_unit_test(test_empty_trace),
      cmocka_unit_test(test_sync_lane),
      cmocka_unit_test(test_blocking_sleep),
      cmocka_unit_test(test_cancel),
      cmocka_unit_test(test_long_labels),
      cmocka_unit_test(test_texts_golden),
      cmocka_unit_test(test_task_live),
      cmocka_unit_test(test_checked_shortcuts),
      cmocka_unit_test(test_line_tasks_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
