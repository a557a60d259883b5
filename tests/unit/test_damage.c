/* Tests for sdlr_render_damage: a surface redrawn only where the display list changed holds, frame
 * after frame, the very bytes of a full redraw, and the rectangles it reports cover every pixel
 * that changed. Sequences of frames of several programs, at several sizes: stepping through every
 * stop at several fractions of its animation, scrubbing back, scrolling both ways, a theme changed
 * midway, and a list of hard shapes (corners off the grid, dashes, translucent colours, clips)
 * where one thing moves at a time; scrolling by hand by steps of every size (none, a fraction of a
 * point, more than the panel) with the size and theme changed while scrolled, stepping with the
 * diagram following, and a translucent fill whose edges move (redrawn only where they moved). */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "layout.h"
#include "scene.h"
#include "sdlr.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_RECTS = 16 }; /* rectangles taken from sdlr_render_damage */

typedef struct world {
  char store[FACE__COUNT][4096]; /* font files */
  sdlr_fonts fonts;              /* pointers into store */
  sdlr *full;                    /* drawn whole every frame: the reference */
  sdlr *dmg;                     /* drawn by damage */
  scene_list list;               /* the frame in hand */
  Uint32 *last;                  /* the damage surface's pixels of the frame before */
  int w, h;                      /* the size drawn at */
  size_t frames;                 /* frames compared */
  size_t partial;                /* of them, drawn in part (less than the whole surface) */
  size_t unchanged;              /* of them, with nothing drawn at all */
} world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  if (w == NULL)
    return -1;
  char err[512];
  if (sdlr_find_fonts(NULL, w->store, &w->fonts, err, sizeof err) != SDLR_OK ||
      sdlr_new_offscreen(64, 64, &w->fonts, &w->full, err, sizeof err) != SDLR_OK ||
      sdlr_new_offscreen(64, 64, &w->fonts, &w->dmg, err, sizeof err) != SDLR_OK) {
    fprintf(stderr, "setup: %s\n", err);
    free(w);
    return -1;
  }
  scene_list_init(&w->list);
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  scene_list_free(&w->list);
  sdlr_free(w->full);
  sdlr_free(w->dmg);
  free(w->last);
  free(w);
  return 0;
}

static void resize(world *w, int width, int height) {
  char err[256];
  assert_int_equal(sdlr_offscreen_resize(w->full, width, height, err, sizeof err), SDLR_OK);
  assert_int_equal(sdlr_offscreen_resize(w->dmg, width, height, err, sizeof err), SDLR_OK);
  free(w->last);
  w->last = calloc((size_t)width * (size_t)height, sizeof *w->last);
  assert_non_null(w->last);
  w->w = width;
  w->h = height;
}

static const Uint32 *row_of(const SDL_Surface *s, int y) {
  return (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
}

/* Draws w->list both ways and compares: the same bytes, and every pixel that changed since the
 * frame before inside a reported rectangle. Returns the pixels the damage redraw reported. */
static long check_frame(world *w) {
  SDL_Surface *a = sdlr_render_offscreen(w->full, &w->list);
  SDL_Rect rects[MAX_RECTS];
  int n = -1;
  SDL_Surface *b = sdlr_render_damage(w->dmg, &w->list, rects, MAX_RECTS, &n);
  assert_non_null(a);
  assert_non_null(b);
  assert_true(n >= 0 && n <= MAX_RECTS);
  long area = 0;
  for (int i = 0; i < n; i++) {
    SDL_Rect whole = {0, 0, w->w, w->h}, in;
    assert_true(SDL_IntersectRect(&rects[i], &whole, &in) && SDL_RectEquals(&in, &rects[i]));
    area += (long)rects[i].w * rects[i].h;
  }
  for (int y = 0; y < w->h; y++) {
    const Uint32 *ra = row_of(a, y), *rb = row_of(b, y);
    Uint32 *was = w->last + (size_t)y * (size_t)w->w;
    if (memcmp(ra, rb, (size_t)w->w * 4) != 0) {
      for (int x = 0; x < w->w; x++)
        if (ra[x] != rb[x])
          fail_msg("frame %zu at %dx%d: pixel (%d, %d) is %08x drawn whole, %08x by damage",
                   w->frames, w->w, w->h, x, y, ra[x], rb[x]);
    }
    for (int x = 0; x < w->w; x++) {
      if (was[x] == rb[x])
        continue;
      SDL_Point p = {x, y};
      bool in = false;
      for (int i = 0; i < n && !in; i++)
        in = SDL_PointInRect(&p, &rects[i]);
      if (!in)
        fail_msg("frame %zu: pixel (%d, %d) changed outside the %d rectangles", w->frames, x, y, n);
      was[x] = rb[x];
    }
  }
  w->frames++;
  w->partial += area < (long)w->w * w->h;
  w->unchanged += n == 0;
  return area;
}

static void discard(void *user, const char *text, size_t len) {
  (void)user;
  (void)text;
  (void)len;
}

/* A program run and laid out in a theme, for frames of it. */
typedef struct program {
  trace *t;          /* its trace */
  theme th;          /* the theme */
  layout_diagram *d; /* its diagram */
} program;

static void program_open(world *w, program *p, const char *file, const char *theme_name) {
  p->t = trace_new(true);
  sim_options o;
  sim_options_init(&o);
  o.out = discard;
  o.err = discard;
  o.trace = p->t;
  char path[1024];
  snprintf(path, sizeof path, "%s/scenarios/%s", LOOPVIZ_SOURCE_DIR, file);
  sim_run_file(&o, path);
  char err[256];
  assert_int_equal(theme_load(&p->th, LOOPVIZ_SOURCE_DIR, theme_name, err, sizeof err), THEME_OK);
  layout_options lo = {&p->th, sdlr_measure, w->full, GRAIN_LOOP};
  p->d = NULL;
  assert_int_equal(layout_build(p->t, &lo, &p->d), LAYOUT_OK);
}

static void program_close(program *p) {
  layout_free(p->d);
  trace_free(p->t);
}

static scene_view view_for(const world *w, const program *p) {
  scene_view v = {
      w->w, w->h, scene_fit_scale(&p->th, w->w, w->h), 0, 0, true, false, true, 1.0f, NULL,
      NULL, false};
  return v;
}

static void frame_of(world *w, const program *p, const scene_view *v, size_t stop, float fraction) {
  scene_input in = {p->d, stop, fraction, v, &p->th, sdlr_measure, w->full};
  assert_true(scene_build(&in, &w->list));
  check_frame(w);
}

/* Every stop at fractions 0.25, 0.5 and 1, then back every third stop, then scrolled down and
 * right and back at the last stop. */
static void sequence(world *w, const program *p) {
  scene_view v = view_for(w, p);
  size_t n = p->d->nstops;
  static const float fractions[] = {0.25f, 0.5f, 1.0f};
  for (size_t k = 0; k < n; k++)
    for (int f = 0; f < 3; f++)
      frame_of(w, p, &v, k, fractions[f]);
  for (size_t k = n; k-- > 0;)
    if (k % 3 == 0 || k == n - 1)
      frame_of(w, p, &v, k, 1.0f);
  frame_of(w, p, &v, n - 1, 1.0f); /* the same frame again: nothing to draw */
  v.playing = false;
  frame_of(w, p, &v, n - 1, 1.0f); /* the caption band's state alone */
  float max_x = 0, max_y = 0;
  scene_input in = {p->d, n - 1, 1.0f, &v, &p->th, sdlr_measure, w->full};
  scene_scroll_limits(&in, &max_x, &max_y);
  v.follow = false;
  for (int i = 0; i <= 8; i++) {
    v.scroll_y = max_y * (float)(i < 5 ? i : 8 - i) / 4;
    v.scroll_x = i % 2 ? max_x / 3 : 0;
    frame_of(w, p, &v, n - 1, 1.0f);
  }
  for (int i = 0; i < 6; i++) { /* small scrolls: most of the frame stays */
    v.scroll_y = (float)i * 3;
    frame_of(w, p, &v, n / 2, 1.0f);
  }
}

static void run_program(world *w, const char *file, const char *theme_name) {
  program p;
  program_open(w, &p, file, theme_name);
  sequence(w, &p);
  program_close(&p);
}

static void test_gather_sizes(void **state) {
  world *w = *state;
  static const int sizes[][2] = {{1280, 720}, {1920, 1080}, {997, 613}, {641, 1033}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    resize(w, sizes[i][0], sizes[i][1]);
    size_t before = w->partial;
    run_program(w, "gather.py", i % 2 ? "dark" : "light");
    assert_true(w->partial > before + 10); /* the damage path did draw frames in part */
  }
  assert_true(w->unchanged > 0);
}

static void test_other_programs(void **state) {
  world *w = *state;
  static const char *const files[] = {"producer_consumer.py", "cancellation.py", "timeouts.py",
                                      "taskgroup_failure.py"};
  resize(w, 1280, 720);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    size_t before = w->partial;
    run_program(w, files[i], "light");
    assert_true(w->partial > before + 10);
  }
}

/* One program in two themes, at a new size. */
static void open_pair(world *w, int width, int height, const char *file, const char *theme_a,
                      const char *theme_b, program *a, program *b) {
  resize(w, width, height);
  program_open(w, a, file, theme_a);
  program_open(w, b, file, theme_b);
}

/* A theme changed midway (all of the frame changes), then stepping on in the new theme. */
static void test_theme_change(void **state) {
  world *w = *state;
  program light, dark;
  open_pair(w, 1101, 707, "gather.py", "light", "classroom", &light, &dark);
  scene_view vl = view_for(w, &light), vd = view_for(w, &dark);
  size_t n = light.d->nstops < dark.d->nstops ? light.d->nstops : dark.d->nstops;
  for (size_t k = 0; k < n; k++) {
    const program *p = k < n / 2 ? &light : &dark;
    frame_of(w, p, p == &light ? &vl : &vd, k, 0.5f);
    frame_of(w, p, p == &light ? &vl : &vd, k, 1.0f);
  }
  program_close(&light);
  program_close(&dark);
}

static void add(scene_list *l, scene_cmd c) {
  scene_add_fill(l, 0, 0, 1, 1, 0, c.color); /* appended, then made c */
  l->cmds[l->n - 1] = c;
}

/* Hard shapes: corners off the pixel grid and off the surface, translucent colours, dashes,
 * triangles of both windings, clips (one empty); thing `moved` of them shifted by `by`. */
static void hard_list(scene_list *l, int width, int height, int moved, float by) {
  scene_list_clear(l);
  scene_add_fill(l, 0, 0, (float)width, (float)height, 0, (theme_color){240, 250, 230, 255});
  static const theme_color colors[] = {
      {255, 255, 255, 255}, {20, 30, 40, 255}, {255, 255, 255, 90}, {200, 30, 60, 180}};
  for (int i = 0; i < 40; i++) {
    float x = (float)(i * 53 % width) - 20.5f + (float)i / 7, y = (float)(i * 31 % height) - 9.25f;
    if (i == moved) {
      x += by;
      y += by / 3;
    }
    theme_color c = colors[i % 4];
    if (i % 10 == 3)
      add(l, (scene_cmd){.op = SC_CLIP_PUSH,
                         .x0 = x + 0.5f,
                         .y0 = y,
                         .x1 = x + 190.7f,
                         .y1 = y + (i % 20 == 3 ? 0 : 125.5f)});
    scene_add_fill(l, x, y, (float)(i % 5) * 13.3f - 1.6f, (float)(i % 3) * 0.45f + 3, 0,
                   (theme_color){c.b, c.r, c.g, (Uint8)(i * 23 % 255)});
    scene_add_text(l, (layout_face)(i % FACE__COUNT), 9 + i % 17, x, y, c,
                   "Task-48213 awaits \xe2\x80\xa6 gy");
    float bw = 6.5f + (float)(i % 7) * 23.1f, bh = 4.25f + (float)(i % 5) * 17.7f;
    float rad = (float)(i % 9) * 1.6f;
    float far = i % 13 == 5 ? 6.1e6f : 0.0f; /* corners far out: SDL's own triangles */
    add(l, (scene_cmd){.op = SC_FILL_ROUND,
                       .color = colors[(i + 1) % 4],
                       .x0 = x + 3.3f,
                       .y0 = y - 2.7f,
                       .x1 = x + 3.3f + bw + far,
                       .y1 = y - 2.7f + bh,
                       .radius = rad});
    add(l, (scene_cmd){.op = i % 4 == 0 ? SC_RECT : SC_ROUND,
                       .color = colors[(i + 2) % 4],
                       .x0 = x - 1.4f,
                       .y0 = y + 5.1f,
                       .x1 = x - 1.4f + bh,
                       .y1 = y + 5.1f + bw,
                       .radius = rad * 1.3f,
                       .width = 0.6f + (float)(i % 6) * 1.45f});
    if (i % 13 == 7) /* an outline far out to the right, as the timeline's longest bars */
      add(l, (scene_cmd){.op = SC_ROUND,
                         .color = colors[(i + 3) % 4],
                         .x0 = x + 0.46f,
                         .y0 = y + 0.155f,
                         .x1 = x + 6.12578e6f,
                         .y1 = y + 18.11f,
                         .radius = 3,
                         .width = 1});
    add(l, (scene_cmd){.op = SC_TRIANGLE,
                       .color = colors[(i + 3) % 4],
                       .x0 = x + 0.6f,
                       .y0 = y + 0.2f,
                       .x1 = x + (i % 2 ? 31.7f : -12.2f),
                       .y1 = y + 9.9f,
                       .x2 = x + 7.5f,
                       .y2 = y + 27.4f - far});
    add(l, (scene_cmd){.op = i % 3 ? SC_LINE : SC_DASH,
                       .color = colors[i % 4],
                       .x0 = x - 300.25f,
                       .y0 = y + 11.5f - 170.5f,
                       .x1 = x + 340.3f - (float)i * 9,
                       .y1 = y + 61.2f + 80.1f,
                       .width = 0.8f + (float)(i % 4) * 1.2f,
                       .dash = 5.3f,
                       .gap = 3.1f});
    if (i % 10 == 6)
      add(l, (scene_cmd){.op = SC_CLIP_POP});
  }
}

static void test_hard_shapes(void **state) {
  world *w = *state;
  resize(w, 1280, 720);
  size_t before = w->partial;
  for (int f = 0; f < 60; f++) {
    hard_list(&w->list, w->w, w->h, f % 41, (float)(f % 7) * 2.37f - 5);
    check_frame(w);
  }
  assert_true(w->partial > before + 30);
}

/* Scrolling by hand at a stop, in both directions and both axes: steps of a fraction of a point,
 * of a few points, more than the panel's height, none at all (the same scroll twice), and back;
 * the size and then the theme changed while scrolled. */
static void test_scrolling_both_ways(void **state) {
  world *w = *state;
  program light, dark;
  open_pair(w, 1280, 720, "producer_consumer.py", "light", "dark", &light, &dark);
  scene_view v = view_for(w, &light);
  size_t n = light.d->nstops;
  float max_x = 0, max_y = 0;
  scene_input in = {light.d, n - 1, 1.0f, &v, &light.th, sdlr_measure, w->full};
  scene_scroll_limits(&in, &max_x, &max_y);
  scene_panels p;
  scene_layout_panels(&in, &p);
  float panel = p.diagram.h / p.dscale; /* the panel's height in points */
  assert_true(max_y > 2 * panel);       /* room to scroll more than a panel */
  v.follow = false;
  static const float steps[] = {0,    0.25f, 0.25f, -0.5f, 3,    0,     7.5f, -11,   -2.25f,
                                1.5f, 40,    -40,   1.5f,  1.5f, -1.5f, 1.5f, -1.5f, 0};
  size_t before = w->partial;
  v.scroll_y = max_y / 3;
  frame_of(w, &light, &v, n - 1, 1.0f);
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) { /* small steps, y then x */
    v.scroll_y += steps[i];
    frame_of(w, &light, &v, n - 1, 1.0f);
  }
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    v.scroll_x = steps[i] > 0 ? max_x / 2 + steps[i] : max_x / 2 - steps[i] / 2;
    frame_of(w, &light, &v, n - 1, 1.0f);
  }
  v.scroll_x = 0;
  for (int i = 0; i < 6; i++) { /* by more than the panel, down, up, and past either end */
    v.scroll_y += (i % 3 == 2 ? -1.0f : 1.0f) * panel * 1.5f;
    frame_of(w, &light, &v, n - 1, 1.0f);
  }
  v.scroll_y = -panel; /* clamped to the top */
  frame_of(w, &light, &v, n - 1, 1.0f);
  v.scroll_y = max_y + panel; /* to the bottom */
  frame_of(w, &light, &v, n - 1, 1.0f);
  frame_of(w, &light, &v, n - 1, 1.0f);
  assert_true(w->partial > before + 20);
  for (int i = 0; i < 4; i++) { /* stepping back while scrolled, then the size changed */
    v.scroll_y = max_y / 2 - (float)i * 2.5f;
    frame_of(w, &light, &v, n / 2 + (size_t)i, i % 2 ? 0.5f : 1.0f);
  }
  resize(w, 1111, 677);
  scene_view small = view_for(w, &light);
  small.follow = false;
  for (int i = 0; i < 4; i++) {
    small.scroll_y = max_y / 2 + (float)i * 4.5f;
    frame_of(w, &light, &small, n / 2, 1.0f);
  }
  scene_view vd = view_for(w, &dark); /* the theme changed, still scrolled */
  vd.follow = false;
  for (int i = 0; i < 4; i++) {
    vd.scroll_y = max_y / 2 - (float)i * 4.5f;
    frame_of(w, &dark, &vd, n / 2, 1.0f);
  }
  program_close(&light);
  program_close(&dark);
}

/* Stepping with the diagram following the playhead through a long run, at the fractions the
 * window's animation shows, at a size whose scale is not a whole number. */
static void test_follow_stepping(void **state) {
  world *w = *state;
  resize(w, 1366, 768);
  program p;
  program_open(w, &p, "producer_consumer.py", "light");
  scene_view v = view_for(w, &p);
  size_t n = p.d->nstops, before = w->partial;
  static const float fractions[] = {0.1f, 0.3f, 0.6f, 0.9f, 1.0f};
  for (size_t k = n / 3; k < n / 3 + 12 && k < n; k++)
    for (int f = 0; f < 5; f++)
      frame_of(w, &p, &v, k, fractions[f]);
  assert_true(w->partial > before + 30);
  program_close(&p);
}

/* A translucent fill of one colour whose edges move a step at a time over drawn content (as the
 * timeline's veil moves with the playhead): growing, shrinking, moving a little and far, empty,
 * off the surface and too far out to be sure of, each frame compared with a full redraw. Moving
 * an edge by a few pixels redraws a strip, not the whole fill. */
static void test_moving_fill(void **state) {
  world *w = *state;
  resize(w, 800, 600);
  static const float edges[][4] = {
      {100, 100, 700, 500},     {103.5f, 100, 700, 500},    {110.25f, 100, 700, 500},
      {110.25f, 100, 700, 500}, {110.25f, 96, 700, 505.5f}, {300, 200, 350, 260},
      {-40.5f, -30, 90.7f, 80}, {500, 400, 500, 400},       {500, 400, 520.9f, 401},
      {100, 100, 2e6f, 500},    {100, 100, 3e6f, 500},      {100.7f, 100, 700, 500},
      {99.2f, 100, 700, 500},   {640, 20, 900, 700},        {101, 100, 700, 500},
      {96.5f, 100, 700, 500}};
  for (size_t f = 0; f < sizeof edges / sizeof edges[0]; f++) {
    scene_list *l = &w->list;
    scene_list_clear(l);
    scene_add_fill(l, 0, 0, 800, 600, 0, (theme_color){240, 244, 248, 255});
    for (int i = 0; i < 12; i++)
      scene_add_text(l, FACE_SANS, 14 + i, 20 + (float)i * 31.5f, 30 + (float)i * 41,
                     (theme_color){30, 40, 50, 255}, "0.251 s  Task-50253 wakes");
    add(l, (scene_cmd){.op = SC_CLIP_PUSH, .x0 = 10, .y0 = 10, .x1 = 790.5f, .y1 = 590});
    add(l, (scene_cmd){.op = SC_FILL_RECT,
                       .color = {246, 248, 250, 153},
                       .x0 = edges[f][0],
                       .y0 = edges[f][1],
                       .x1 = edges[f][2],
                       .y1 = edges[f][3]});
    add(l, (scene_cmd){.op = SC_CLIP_POP});
    scene_add_fill(l, 50 + (float)f, 550, 20, 20, 0, (theme_color){200, 30, 40, 255});
    long area = check_frame(w);
    if (f == 1 || f == 2 || f == 15) /* a left edge moved by a few pixels: strips, and the
                                        square that moves a pixel */
      assert_true(area > 0 && area < 600 * 40);
    if (f == 3) /* only the square moved */
      assert_true(area > 0 && area < 60 * 60);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gather_sizes),        cmocka_unit_test(test_other_programs),
      cmocka_unit_test(test_theme_change),        cmocka_unit_test(test_hard_shapes),
      cmocka_unit_test(test_scrolling_both_ways), cmocka_unit_test(test_follow_stepping),
      cmocka_unit_test(test_moving_fill),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
