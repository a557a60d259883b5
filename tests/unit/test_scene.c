/* Tests for render/scene and render/theme, without SDL: the display list of the gather program at
 * each stop holds what the trace says and nothing later; a stop's list is the same however the
 * playhead got there; animation, the clock, the panels and the timeline follow the playhead.
 * Theme files parse, and the shipped ones are complete. */
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

#include <math.h>
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

typedef struct world {
  trace *trace;      /* the gather run */
  layout_diagram *d; /* its diagram */
  theme theme;       /* built-in */
  scene_view view;   /* 1280 x 800 at scale 1, following */
  scene_list list;   /* output */
} world;

/* Options that record a run in t (line events on) and print nothing. */
static sim_options traced(trace *t) {
  sim_options o;
  sim_options_init(&o);
  o.out = ignore;
  o.err = ignore;
  o.trace = t;
  return o;
}

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  if (w == NULL)
    return -1;
  w->trace = trace_new(true);
  sim_options o = traced(w->trace);
  sim_run_file(&o, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py");
  theme_defaults(&w->theme);
  layout_options lo = {&w->theme, fake_measure, NULL, GRAIN_LOOP};
  if (layout_build(w->trace, &lo, &w->d) != LAYOUT_OK)
    return -1;
  w->view = (scene_view){1280, 800, 1.0f, 0, 0, true, false, false, 1.0f, NULL, NULL, false};
  scene_list_init(&w->list);
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  scene_list_free(&w->list);
  layout_free(w->d);
  trace_free(w->trace);
  free(w);
  return 0;
}

static scene_input input(world *w, size_t stop, float fraction) {
  return (scene_input){w->d, stop, fraction, &w->view, &w->theme, fake_measure, NULL};
}

static void build(world *w, size_t stop, float fraction, scene_list *out) {
  scene_input in = input(w, stop, fraction);
  assert_true(scene_build(&in, out));
}

static bool has_text(const scene_list *l, const char *needle) {
  for (size_t i = 0; i < l->n; i++)
    if (l->cmds[i].op == SC_TEXT) {
      char buf[1024];
      snprintf(buf, sizeof buf, "%.*s", (int)l->cmds[i].len, scene_cmd_text(l, &l->cmds[i]));
      if (strstr(buf, needle) != NULL)
        return true;
    }
  return false;
}

static bool has_exact(const scene_list *l, const char *text) {
  for (size_t i = 0; i < l->n; i++)
    if (l->cmds[i].op == SC_TEXT && l->cmds[i].len == strlen(text) &&
        memcmp(scene_cmd_text(l, &l->cmds[i]), text, l->cmds[i].len) == 0)
      return true;
  return false;
}

static size_t count_op(const scene_list *l, scene_op op) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++)
    n += l->cmds[i].op == op;
  return n;
}

/* The first line of a row's label. */
static void first_line(const layout_diagram *d, size_t row, char *out, size_t cap) {
  const char *s = layout_text(d, d->rows[row].label);
  snprintf(out, cap, "%.*s", (int)strcspn(s, "\n"), s);
}

static bool label_unique(const layout_diagram *d, size_t row) {
  char a[256], b[256];
  first_line(d, row, a, sizeof a);
  for (size_t i = 0; i < d->nrows; i++) {
    if (i == row)
      continue;
    first_line(d, i, b, sizeof b);
    if (strstr(b, a) != NULL || strstr(a, b) != NULL)
      return false;
  }
  return true;
}

/* ---- the diagram -------------------------------------------------------------------------- */

static void test_lifeline_headers(void **state) {
  world *w = *state;
  build(w, w->d->nstops - 1, 1.0f, &w->list);
  static const char *const titles[] = {
      "Main", "EventLoop", "fetch_data(1, 2)", "fetch_data(2, 1)", "fetch_data(3, 3)", "IO"};
  for (size_t i = 0; i < 6; i++)
    if (!has_exact(&w->list, titles[i]))
      fail_msg("no header '%s'", titles[i]);
  assert_true(has_text(&w->list, "Task-2 \xc2\xb7 done"));
  /* before any task exists only Main, EventLoop and IO stand */
  build(w, 0, 1.0f, &w->list);
  assert_true(has_text(&w->list, "EventLoop"));
  assert_true(has_text(&w->list, "IO"));
  assert_false(has_exact(&w->list, "fetch_data(1, 2)"));
}

/* Each stop shows the rows the trace gave up to it, and none after it. */
static void test_each_stop_adds_what_the_trace_says(void **state) {
  world *w = *state;
  const layout_diagram *d = w->d;
  size_t checked = 0;
  for (size_t k = 0; k < d->nstops; k++) {
    w->view.follow = false;
    w->view.scroll_y = 0;
    w->view.h = 4000; /* tall enough to see every row */
    build(w, k, 1.0f, &w->list);
    for (size_t r = 0; r < d->nrows; r++) {
      if (!label_unique(d, r))
        continue;
      char line[256];
      first_line(d, r, line, sizeof line);
      bool shown = has_text(&w->list, line);
      if (shown != (r < d->stops[k].row_end))
        fail_msg("stop %zu: row %zu '%s' %s", k, r, line, shown ? "shown too early" : "missing");
      checked++;
    }
    char said[LAYOUT_CAPTION_BYTES];
    layout_caption(d, k, said, sizeof said);
    assert_true(has_text(&w->list, said) || strlen(said) > 60); /* long ones are wrapped */
  }
  assert_true(checked > 100);
}

/* Stepping back to stop k gives exactly the display list of stop k. */
static void test_stepping_back_is_exact(void **state) {
  world *w = *state;
  scene_list fresh, replay;
  scene_list_init(&fresh);
  scene_list_init(&replay);
  for (size_t k = 0; k < w->d->nstops; k++) {
    build(w, k, 1.0f, &fresh);
    /* wander: forward to the end with animations half done, then back down to k */
    for (size_t j = k; j < w->d->nstops; j++)
      build(w, j, 0.5f, &replay);
    for (size_t j = w->d->nstops; j-- > k;)
      build(w, j, 1.0f, &replay);
    assert_true(scene_list_equal(&fresh, &replay));
  }
  build(w, 3, 1.0f, &fresh);
  build(w, 4, 1.0f, &replay);
  assert_false(scene_list_equal(&fresh, &replay));
  scene_list_free(&fresh);
  scene_list_free(&replay);
}

/* Within a stop the new arrows grow: fraction 0 shows none of them, 1 shows all. */
static void test_animation_grows(void **state) {
  world *w = *state;
  size_t k = 1; /* Main's step: start, three creates, await, note */
  build(w, k - 1, 1.0f, &w->list);
  size_t before = count_op(&w->list, SC_TRIANGLE);
  build(w, k, 0.0f, &w->list);
  assert_int_equal(count_op(&w->list, SC_TRIANGLE), before);
  size_t last = before;
  for (int i = 1; i <= 10; i++) {
    build(w, k, (float)i / 10.0f, &w->list);
    size_t n = count_op(&w->list, SC_TRIANGLE);
    assert_true(n >= last);
    last = n;
  }
  assert_int_equal(last, before + 5); /* five arrows in Main's step */
  /* a row half shown is drawn faded */
  build(w, k, 0.5f / 6.0f, &w->list);
  bool faded = false;
  for (size_t i = 0; i < w->list.n; i++)
    if (w->list.cmds[i].op == SC_TEXT && w->list.cmds[i].color.a < 255 &&
        w->list.cmds[i].color.a > 0)
      faded = true;
  assert_true(faded);
  /* the panels move with the rows: the tasks are not in the ready queue before they exist */
  assert_false(has_text(&w->list, "Task-2 step"));
  build(w, k, 2.5f / 6.0f, &w->list); /* "create Task-2" done, "create Task-3" growing */
  assert_true(has_text(&w->list, "Task-2 step"));
  assert_false(has_text(&w->list, "Task-4 step"));
  build(w, k, 1.0f, &w->list);
  assert_true(has_text(&w->list, "Task-4 step"));
}

static void test_clock_counts_up(void **state) {
  world *w = *state;
  size_t k = 5; /* the jump from 0 to 1 */
  build(w, k, 0.0f, &w->list);
  assert_true(has_text(&w->list, "t = 0.000 s"));
  build(w, k, 0.5f, &w->list);
  assert_true(has_text(&w->list, "t = 0.500 s"));
  build(w, k, 1.0f, &w->list);
  assert_true(has_text(&w->list, "t = 1.000 s"));
  assert_true(has_text(&w->list, "0.000 \xe2\x86\x92 1.000")); /* the ruler marks the jump */
}

/* ---- the panels --------------------------------------------------------------------------- */

static void test_panels_follow_the_playhead(void **state) {
  world *w = *state;
  build(w, 0, 1.0f, &w->list);
  assert_true(has_text(&w->list, "READY QUEUE"));
  assert_true(has_text(&w->list, "Main step")); /* the main task's first step is ready */
  assert_true(has_text(&w->list, "(nothing printed yet)"));
  assert_true(has_text(&w->list, "STEP 0 / 12"));
  build(w, 1, 1.0f, &w->list);
  assert_true(has_text(&w->list, "Task-2 step"));
  assert_true(has_text(&w->list, "Task-4 step"));
  build(w, 4, 1.0f, &w->list);
  assert_true(has_text(&w->list, "Fetching data 3..."));
  assert_true(has_text(&w->list, "1.000  Task-3 wakes")); /* timers, earliest first */
  assert_true(has_text(&w->list, "await asyncio.sleep(delay)"));
  assert_true(has_text(&w->list, "Task-4")); /* its tag in the code panel */
  build(w, w->d->nstops - 1, 1.0f, &w->list);
  assert_true(has_text(&w->list, "Total time: 3.00 seconds"));
  assert_true(has_text(&w->list, "(empty)"));
}

static void test_diagram_only(void **state) {
  world *w = *state;
  w->view.diagram_only = true;
  build(w, 6, 1.0f, &w->list);
  assert_false(has_text(&w->list, "READY QUEUE"));
  assert_false(has_text(&w->list, "STEP 6"));
  assert_true(has_text(&w->list, "start Task-2"));
  scene_input in = input(w, 6, 1.0f);
  assert_int_equal(scene_timeline_stop_at(&in, 10, 790), -1);
}

static void test_error_and_traceback(void **state) {
  world *w = *state;
  w->view.error = "The program stopped with an error: ValueError: boom";
  w->view.err_text = "Traceback (most recent call last):\n  File \"gather.py\", line 22, in main\n"
                     "ValueError: boom\n";
  build(w, 3, 1.0f, &w->list);
  assert_false(has_text(&w->list, "ValueError: boom"));
  build(w, w->d->nstops - 1, 1.0f, &w->list);
  assert_true(has_text(&w->list, "ValueError: boom"));
  assert_true(has_text(&w->list, "Traceback (most recent call last):"));
}

static void test_clips_balance(void **state) {
  world *w = *state;
  for (size_t k = 0; k < w->d->nstops; k++) {
    build(w, k, 0.3f, &w->list);
    int depth = 0;
    for (size_t i = 0; i < w->list.n; i++) {
      depth += w->list.cmds[i].op == SC_CLIP_PUSH;
      depth -= w->list.cmds[i].op == SC_CLIP_POP;
      assert_true(depth >= 0);
    }
    assert_int_equal(depth, 0);
  }
}

static void test_timeline_seek_and_follow(void **state) {
  world *w = *state;
  scene_input in = input(w, 0, 1.0f);
  scene_panels p;
  scene_layout_panels(&in, &p);
  assert_true(p.timeline.w > 0 && p.timeline.y > p.diagram.y);
  float y = p.timeline.y + p.timeline.h / 2;
  assert_int_equal(scene_timeline_stop_at(&in, p.timeline.x + p.timeline.w - 1, y),
                   (long)w->d->nstops - 1);
  assert_int_equal(scene_timeline_stop_at(&in, p.timeline.x + w->theme.ruler_w, y), 0);
  assert_int_equal(scene_timeline_stop_at(&in, p.timeline.x + p.timeline.w / 2, p.diagram.y), -1);
  long mid = scene_timeline_stop_at(&in, p.timeline.x + p.timeline.w * 0.6f, y);
  assert_true(mid > 0 && mid < (long)w->d->nstops - 1);
  /* in a short window the diagram scrolls down as the playhead moves on */
  w->view.h = 500;
  float last = -1;
  for (size_t k = 0; k < w->d->nstops; k++) {
    in = input(w, k, 1.0f);
    float y_k = scene_follow_y(&in);
    assert_true(y_k >= last);
    last = y_k;
  }
  assert_true(last > 0);
  float mx = 0, my = 0;
  scene_scroll_limits(&in, &mx, &my);
  assert_true(my >= last);
}

static void test_stop_duration(void **state) {
  world *w = *state;
  /* at least step_ms; more for a step that adds many rows */
  assert_true(scene_stop_ms(w->d, &w->theme, 5) == w->theme.step_ms);
  assert_true(scene_stop_ms(w->d, &w->theme, 1) == 6 * w->theme.row_ms);
}

/* ---- themes ------------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 16);
  assert_non_null(buf);
  *len = fread(buf, 1, 1 << 16, f);
  fclose(f);
  return buf;
}

static void test_shipped_themes_are_complete(void **state) {
  (void)state;
  static const char *const names[] = {"light", "dark", "classroom"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char path[512], err[256] = "";
    snprintf(path, sizeof path, "%s/assets/themes/%s.theme", LOOPVIZ_SOURCE_DIR, names[i]);
    size_t len = 0, set = 0;
    char *text = slurp(path, &len);
    theme t;
    theme_defaults(&t);
    assert_int_equal(theme_parse(&t, text, len, &set, err, sizeof err), THEME_OK);
    assert_int_equal(set, theme_key_count());
    assert_string_equal(t.name, names[i]);
    free(text);
  }
  /* the built-in theme is the light file */
  theme builtin, light;
  theme_defaults(&builtin);
  char err[256];
  assert_int_equal(theme_load(&light, LOOPVIZ_SOURCE_DIR, "light", err, sizeof err), THEME_OK);
  assert_memory_equal(&builtin, &light, sizeof builtin);
  theme dark;
  assert_int_equal(theme_load(&dark, LOOPVIZ_SOURCE_DIR, "dark", err, sizeof err), THEME_OK);
  assert_true(dark.background.r < light.background.r);
  assert_true(dark.ntask_colors >= 6);
}

static void test_theme_parse_errors(void **state) {
  (void)state;
  theme t;
  char err[256];
  theme_defaults(&t);
  static const char ok[] = "# comment\n\n  background = #010203  \nlabel_pt = 9.5\n"
                           "task_colors = #ff0000 #00ff0080\nname = mine\n";
  size_t set = 0;
  assert_int_equal(theme_parse(&t, ok, sizeof ok - 1, &set, err, sizeof err), THEME_OK);
  assert_int_equal(set, 4);
  assert_int_equal(t.background.r, 1);
  assert_int_equal(t.background.b, 3);
  assert_int_equal(t.background.a, 255);
  assert_true(t.label_pt == 9.5f);
  assert_int_equal(t.ntask_colors, 2);
  assert_int_equal(t.task_colors[1].a, 0x80);
  assert_string_equal(t.name, "mine");
  assert_int_equal(theme_task_color(&t, 3).g, 0xff); /* the palette wraps */

  static const char unknown[] = "background = #000000\nbackgrund = #000000\n";
  assert_int_equal(theme_parse(&t, unknown, sizeof unknown - 1, NULL, err, sizeof err),
                   THEME_UNKNOWN);
  assert_string_equal(err, "line 2: unknown key 'backgrund'");
  static const char bad_color[] = "panel = #12345\n";
  assert_int_equal(theme_parse(&t, bad_color, sizeof bad_color - 1, NULL, err, sizeof err),
                   THEME_SYNTAX);
  assert_non_null(strstr(err, "line 1: panel wants a colour"));
  static const char bad_number[] = "margin = 1e3\n";
  assert_int_equal(theme_parse(&t, bad_number, sizeof bad_number - 1, NULL, err, sizeof err),
                   THEME_SYNTAX);
  static const char no_eq[] = "margin 4\n";
  assert_int_equal(theme_parse(&t, no_eq, sizeof no_eq - 1, NULL, err, sizeof err), THEME_SYNTAX);
  assert_string_equal(err, "line 1: expected key = value");
  assert_int_equal(theme_load(&t, LOOPVIZ_SOURCE_DIR, "../light", err, sizeof err), THEME_BAD_NAME);
  assert_int_equal(theme_load(&t, LOOPVIZ_SOURCE_DIR, "missing", err, sizeof err), THEME_IO_ERROR);
  theme builtin;
  theme_defaults(&builtin);
  assert_memory_equal(&t, &builtin, sizeof t); /* a failed load leaves the built-in theme */
}

static void test_colour_helpers(void **state) {
  (void)state;
  theme_color a = {0, 100, 200, 255}, b = {100, 200, 0, 55};
  theme_color m = theme_mix(a, b, 0.5f);
  assert_int_equal(m.r, 50);
  assert_int_equal(m.g, 150);
  assert_int_equal(m.b, 100);
  assert_int_equal(m.a, 155);
  assert_int_equal(theme_fade(a, 0.5f).a, 128);
  assert_int_equal(theme_fade(a, 2.0f).a, 255);
  assert_int_equal(theme_fade(a, -1.0f).a, 0);
}

/* The key hints are in the caption band unless the view leaves them out (exported frames). */
static void test_key_hints(void **state) {
  world *w = *state;
  build(w, 3, 1.0f, &w->list);
  assert_true(has_text(&w->list, "Space play"));
  w->view.no_keys = true;
  build(w, 3, 1.0f, &w->list);
  assert_false(has_text(&w->list, "Space play"));
  assert_true(has_text(&w->list, "playing") || has_text(&w->list, "paused"));
  w->view.no_keys = false;
}

/* Whether the pixel rows of a horizontal line (as sdlr snaps it) all lie inside the clip. */
static bool line_whole(const scene_cmd *k, const scene_cmd *clip) {
  float ww = roundf(k->width < 1.0f ? 1.0f : k->width);
  float top = floorf(k->y0 - ww / 2 + 0.5f);
  return clip == NULL || (top >= floorf(clip->y0) && top + ww <= ceilf(clip->y1));
}

/* The line under the lane headers is drawn whole at every size and theme: centred on the band's
 * edge, it used to be drawn inside the band's clip, which cut off its lower half (all of it when
 * the edge fell on a whole pixel, as at 1280x800 with the diagram alone). */
static void test_header_line_whole(void **state) {
  world *w = *state;
  static const int sizes[][2] = {{1280, 800},  {1280, 720},  {1920, 1080}, {1366, 768},
                                 {2560, 1440}, {3840, 2160}, {800, 600}};
  theme light = w->theme;
  for (int th = 0; th < 2; th++) {
    if (th == 1) {
      char err[256];
      assert_int_equal(theme_load(&w->theme, LOOPVIZ_SOURCE_DIR, "classroom", err, sizeof err),
                       THEME_OK);
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
      for (int only = 0; only < 2; only++) {
        scene_view v = w->view;
        w->view.w = sizes[i][0];
        w->view.h = sizes[i][1];
        w->view.scale = scene_fit_scale(&w->theme, sizes[i][0], sizes[i][1]);
        w->view.diagram_only = only == 1;
        scene_input in = input(w, 6, 1.0f);
        scene_panels p;
        scene_layout_panels(&in, &p);
        build(w, 6, 1.0f, &w->list);
        w->view = v;
        /* the band's line: the long horizontal one in the panel border's colour */
        const scene_cmd *clips[64];
        size_t depth = 0;
        bool found = false;
        for (size_t k = 0; k < w->list.n; k++) {
          const scene_cmd *c = &w->list.cmds[k];
          if (c->op == SC_CLIP_PUSH && depth < 64)
            clips[depth++] = c;
          else if (c->op == SC_CLIP_POP && depth > 0)
            depth--;
          else if (c->op == SC_LINE && c->y0 == c->y1 && c->x1 - c->x0 > p.diagram.w / 2 &&
                   memcmp(&c->color, &w->theme.panel_border, sizeof c->color) == 0) {
            found = true;
            for (size_t j = 0; j < depth; j++)
              if (!line_whole(c, clips[j]))
                fail_msg("%s %dx%d%s: the line at y %.2f is clipped", th ? "classroom" : "light",
                         sizes[i][0], sizes[i][1], only ? " diagram only" : "", (double)c->y0);
          }
        }
        assert_true(found);
      }
  }
  w->theme = light;
}

/* The scale of an output: 1 at the theme's design size, growing and shrinking with it within
 * fit_min..fit_max percent, by the narrower of width and height. */
/* The commands from SC_KEEP_BEGIN to SC_KEEP_END (the timeline's runs and axis) of l, as a list of
 * their own. */
static void keep_group(const scene_list *l, scene_list *out) {
  scene_list_clear(out);
  bool in = false;
  for (size_t i = 0; i < l->n; i++) {
    const scene_cmd *k = &l->cmds[i];
    in = in || k->op == SC_KEEP_BEGIN;
    if (!in)
      continue;
    if (k->op == SC_TEXT)
      scene_add_text(out, k->face, k->size, k->x0, k->y0, k->color, scene_cmd_text(l, k));
    else if (k->op == SC_FILL_RECT)
      scene_add_fill(out, k->x0, k->y0, k->x1 - k->x0, k->y1 - k->y0, 0, k->color);
    else /* the rest by op and box: enough to tell lanes apart */
      scene_add_fill(out, k->x0 + (float)k->op * 10000, k->y0, k->x1 - k->x0, k->y1 - k->y0,
                     k->width, k->color);
    if (k->op == SC_KEEP_END)
      break;
  }
}

/* With more tasks than the timeline strip has pixel rows, it draws every stride-th task lane in
 * lane order; it finds them through task_lane when the lanes go up with the task ids, else by
 * reading all lanes. Both ways draw the same: here task_lane's order is broken for the second (two
 * tasks' entries swapped, which the timeline's runs do not depend on). */
static void test_timeline_stride(void **state) {
  (void)state;
  static const char src[] = "import asyncio\n"
                            "async def worker(i):\n"
                            "    await asyncio.sleep(i % 7 / 10)\n"
                            "    return i\n"
                            "async def main():\n"
                            "    await asyncio.gather(*(worker(i) for i in range(1500)))\n"
                            "asyncio.run(main())\n";
  trace *t = trace_new(true);
  sim_options o = traced(t);
  assert_int_equal(sim_run_source(&o, "stride.py", src, sizeof src - 1), SIM_OK);
  theme th;
  theme_defaults(&th);
  layout_options lo = {&th, fake_measure, NULL, GRAIN_LOOP};
  layout_diagram *d = NULL;
  assert_int_equal(layout_build(t, &lo, &d), LAYOUT_OK);
  assert_true(d->ntasks > 1000);
  scene_view v = {1280, 800, 1.0f, 0, 0, true, false, false, 1.0f, NULL, NULL, false};
  scene_list a, b, ka, kb;
  scene_list_init(&a);
  scene_list_init(&b);
  scene_list_init(&ka);
  scene_list_init(&kb);
  for (size_t stop = d->nstops / 3; stop < d->nstops; stop += d->nstops / 3) {
    scene_input in = {d, stop, 1.0f, &v, &th, fake_measure, NULL};
    assert_true(scene_build(&in, &a));
    uint32_t keep = d->task_lane[1];
    d->task_lane[1] = d->task_lane[2];
    d->task_lane[2] = keep;
    assert_true(scene_build(&in, &b));
    d->task_lane[2] = d->task_lane[1];
    d->task_lane[1] = keep;
    keep_group(&a, &ka);
    keep_group(&b, &kb);
    assert_true(ka.n > 100); /* a stride's worth of lanes and their runs, not all 1,500 */
    assert_true(ka.n < 3000);
    assert_true(scene_list_equal(&ka, &kb));
  }
  scene_list_free(&a);
  scene_list_free(&b);
  scene_list_free(&ka);
  scene_list_free(&kb);
  layout_free(d);
  trace_free(t);
}

/* The timeline's clock labels are what snprintf's "%g s" writes: virtual clocks (sums of sleeps in
 * thousandths and of thirds), every magnitude and sign, halves of the last digit, powers of ten and
 * their neighbours, random bits. */
static void test_format_seconds(void **state) {
  (void)state;
  char got[64], want[64];
  uint64_t seed = 88172645463325252u;
  for (long i = 0; i < 400000; i++) {
    double t;
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    switch (i % 8) {
    case 0:
      t = (double)(i / 8) / 1000;
      break;
    case 1:
      t = (double)(i / 8) / 3 + 0.001 * (double)(seed % 1000);
      break;
    case 2:
      t = (double)(seed % 2000000) / 1000 - 1000;
      break;
    case 3:
      t = ldexp((double)(seed >> 11), -53) * pow(10, (double)((long)(seed % 24) - 12));
      break;
    case 4:
      t = ((double)(seed % 2000000) + 0.5) / pow(10, (double)(seed % 13));
      break;
    case 5:
      t = pow(10, (double)((long)(seed % 20) - 10)) * (1 + ((double)(seed % 5) - 2) * 1e-15);
      break;
    case 6: {
      double bits;
      uint64_t u = seed;
      memcpy(&bits, &u, sizeof bits);
      t = bits;
      break;
    }
    default:
      t = (double)(seed % 1000000) * 1e-6 * (double)(i % 100);
    }
    scene_format_seconds(got, sizeof got, t);
    snprintf(want, sizeof want, "%g s", t);
    if (strcmp(got, want) != 0)
      fail_msg("%.17g: \"%s\", printf \"%s\"", t, got, want);
  }
}

static void test_fit_scale(void **state) {
  world *w = *state;
  const theme *t = &w->theme;
  int dw = (int)t->design_w, dh = (int)t->design_h;
  assert_true(scene_fit_scale(t, dw, dh) == 1.0f);
  assert_true(scene_fit_scale(t, dw * 3 / 2, dh * 3 / 2) == 1.5f);
  assert_true(scene_fit_scale(t, dw * 3 / 2, dh) == 1.0f);
  assert_true(scene_fit_scale(t, dw * 10, dh * 10) == t->fit_max / 100.0f);
  assert_true(scene_fit_scale(t, dw / 10, dh / 10) == t->fit_min / 100.0f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_lifeline_headers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_each_stop_adds_what_the_trace_says, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stepping_back_is_exact, setup, teardown),
      cmocka_unit_test_setup_teardown(test_animation_grows, setup, teardown),
      cmocka_unit_test_setup_teardown(test_clock_counts_up, setup, teardown),
      cmocka_unit_test_setup_teardown(test_panels_follow_the_playhead, setup, teardown),
      cmocka_unit_test_setup_teardown(test_diagram_only, setup, teardown),
      cmocka_unit_test_setup_teardown(test_error_and_traceback, setup, teardown),
      cmocka_unit_test_setup_teardown(test_clips_balance, setup, teardown),
      cmocka_unit_test_setup_teardown(test_timeline_seek_and_follow, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stop_duration, setup, teardown),
      cmocka_unit_test_setup_teardown(test_key_hints, setup, teardown),
      cmocka_unit_test_setup_teardown(test_header_line_whole, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fit_scale, setup, teardown),
      cmocka_unit_test(test_timeline_stride),
      cmocka_unit_test(test_format_seconds),
      cmocka_unit_test(test_shipped_themes_are_complete),
      cmocka_unit_test(test_theme_parse_errors),
      cmocka_unit_test(test_colour_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
