/* bench_render: times the render half in-process on one scenario (issue 10).
 *
 *     bench_render FILE [--size WxH] [--frames N] [--theme NAME] [--window] [--phase NAME]
 *
 * --frames 0 times the run and the layout only. --window draws in a window on the display (X11:
 * bench.py runs it under xvfb-run) the way the app does on the software renderer, straight into
 * the window's surface (sdlr_new_view, X11's shared memory), redrawn only where the frame changed
 * (sdlr_render_damage), and a frame's time includes showing that (SDL_UpdateWindowSurfaceRects).
 *
 * Runs FILE with a trace (as the window and export do: line events on), lays the trace out, then
 * draws frames offscreen with SDL's software renderer at the given size (default 1920x1080):
 *   - step:   N consecutive stops from the middle of the run, each animating in (fraction 0.5)
 *             and then complete, the playhead followed as the window does when playing;
 *   - scrub:  N stops spread evenly over the whole run (dragging the timeline);
 *   - scroll: N scroll positions spread over the whole diagram height, not following.
 * --phase NAME draws that phase alone (for callgrind: instructions per frame of one kind).
 * A frame's time is scene_build plus sdlr_render_offscreen, in wall time and in the CPU time of
 * the drawing thread (steadier on a busy machine). The window draws as the app does where SDL
 * would render in software (sdlr_new_view: straight into the window's surface, sdlr_render_damage:
 * only where the frame changed), then shows what it drew (SDL_UpdateWindowSurfaceRects, timed as
 * present; drawn_percent is the part of the frame drawn and shown, on average). It prints one "key
 * value" line per measurement (seconds for the run and the layout, milliseconds for frames), which
 * bench.py reads. Not a test: nothing here can fail but the setup. With BENCH_SLOW_MS=N in the
 * environment, each frame slower than N ms is described on stderr. */
#define _POSIX_C_SOURCE 200809L

#include "layout.h"
#include "paths.h"
#include "scene.h"
#include "sdlr.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PHASES = 3 };

static const char *const names[PHASES] = {"step", "scrub", "scroll"}; /* the phases, in order */

typedef struct bench_args {
  const char *path;  /* the scenario */
  const char *theme; /* theme name */
  int w, h;          /* frame size */
  size_t frames;     /* frames per phase */
  bool window;       /* draw in a window and show each frame (--window) */
  const char *phase; /* the one phase drawn (--phase), or NULL for all */
} bench_args;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: what a frame costs whatever else the machine runs. */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void discard(void *user, const char *text, size_t len) {
  (void)user;
  (void)text;
  (void)len;
}

static int by_value(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return a < b ? -1 : a > b;
}

/* The q-quantile (0..1) of n sorted values, nearest rank. */
static double quantile(const double *v, size_t n, double q) {
  if (n == 0)
    return 0;
  size_t k = (size_t)(q * (double)n + 0.999999);
  if (k == 0)
    k = 1;
  if (k > n)
    k = n;
  return v[k - 1];
}

static void report(const char *name, double *ms, size_t n) {
  qsort(ms, n, sizeof *ms, by_value);
  printf("%s_ms_median %.3f\n%s_ms_p99 %.3f\n%s_ms_max %.3f\n", name, quantile(ms, n, 0.5), name,
         quantile(ms, n, 0.99), name, n > 0 ? ms[n - 1] : 0.0);
}

static bool parse(int argc, char **argv, bench_args *a) {
  a->path = NULL;
  a->theme = "light";
  a->w = 1920;
  a->h = 1080;
  a->frames = 200;
  a->window = false;
  a->phase = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
      if (sscanf(argv[++i], "%dx%d", &a->w, &a->h) != 2 || a->w <= 0 || a->h <= 0)
        return false;
    } else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
      long n = strtol(argv[++i], NULL, 10);
      if (n < 0)
        return false;
      a->frames = (size_t)n;
    } else if (strcmp(argv[i], "--window") == 0) {
      a->window = true;
    } else if (strcmp(argv[i], "--phase") == 0 && i + 1 < argc) {
      a->phase = argv[++i];
    } else if (strcmp(argv[i], "--theme") == 0 && i + 1 < argc) {
      a->theme = argv[++i];
    } else if (a->path == NULL && argv[i][0] != '-') {
      a->path = argv[i];
    } else {
      return false;
    }
  }
  bool known = a->phase == NULL;
  for (int ph = 0; ph < PHASES; ph++)
    known |= a->phase != NULL && strcmp(a->phase, names[ph]) == 0;
  return a->path != NULL && known;
}

typedef struct bench_ctx {
  sdlr *r;            /* offscreen renderer, also the text measurer */
  theme th;           /* colours and sizes */
  layout_diagram *d;  /* the diagram drawn */
  scene_list list;    /* the frame in hand */
  double *scene_ms;   /* per frame: scene_build */
  double *render_ms;  /* per frame: sdlr_render_offscreen */
  double *present_ms; /* per frame: SDL_UpdateWindowSurface (--window) */
  double *frame_ms;   /* per frame: all of it */
  double *cpu_ms;     /* per frame: both, in CPU time of this thread */
  size_t n;           /* frames measured */
  size_t cmds;        /* drawing commands over all measured frames */
  SDL_Window *win;    /* the window drawn in (--window), else NULL */
  double drawn_px;    /* --window: pixels drawn and shown over all measured frames */
} bench_ctx;

static bool frame(bench_ctx *c, const scene_view *v, size_t stop, float fraction) {
  scene_input in = {c->d, stop, fraction, v, &c->th, sdlr_measure, c->r};
  double c0 = cpu_s();
  double t0 = now_s();
  if (!scene_build(&in, &c->list))
    return false;
  double t1 = now_s();
  SDL_Rect rects[16];
  int nrects = 0;
  if (c->win != NULL ? sdlr_render_damage(c->r, &c->list, rects, 16, &nrects) == NULL
                     : sdlr_render_offscreen(c->r, &c->list) == NULL)
    return false;
  double t2 = now_s();
  if (c->win != NULL && nrects > 0 && SDL_UpdateWindowSurfaceRects(c->win, rects, nrects) != 0)
    return false;
  for (int i = 0; i < nrects; i++)
    c->drawn_px += (double)rects[i].w * rects[i].h;
  double t3 = now_s();
  c->cpu_ms[c->n] = (cpu_s() - c0) * 1000;
  c->scene_ms[c->n] = (t1 - t0) * 1000;
  c->render_ms[c->n] = (t2 - t1) * 1000;
  c->present_ms[c->n] = (t3 - t2) * 1000;
  c->frame_ms[c->n] = (t3 - t0) * 1000;
  c->cmds += c->list.n;
  if (getenv("BENCH_SLOW_MS") != NULL && c->frame_ms[c->n] > atof(getenv("BENCH_SLOW_MS")))
    fprintf(stderr,
            "slow frame: stop %zu fraction %.2f scroll %.0f: scene %.1f ms, render %.1f ms, "
            "present %.1f ms, %zu commands\n",
            stop, (double)fraction, (double)v->scroll_y, c->scene_ms[c->n], c->render_ms[c->n],
            c->present_ms[c->n], c->list.n);
  c->n++;
  return true;
}

/* --window: a window of the asked size, drawn into as the app does where SDL would render in
 * software (app_open_prefs): its surface X11's shared memory, sdlr drawing straight into it. */
static bool open_window(const bench_args *a, const sdlr_fonts *fonts, bench_ctx *c, char *msg,
                        size_t cap) {
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    snprintf(msg, cap, "no display for --window (SDL: %s)", SDL_GetError());
    return false;
  }
  if (strcmp(SDL_GetCurrentVideoDriver(), "x11") == 0)
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  c->win = SDL_CreateWindow("bench_render", 0, 0, a->w, a->h, 0);
  SDL_Surface *s = c->win != NULL ? SDL_GetWindowSurface(c->win) : NULL;
  if (s == NULL) {
    snprintf(msg, cap, "no window: %s", SDL_GetError());
    return false;
  }
  if (s->w != a->w || s->h != a->h) {
    snprintf(msg, cap, "the window is %dx%d, not %dx%d: is the display large enough?", s->w, s->h,
             a->w, a->h);
    return false;
  }
  return sdlr_new_view(s, fonts, &c->r, msg, cap) == SDLR_OK;
}

int main(int argc, char **argv) {
  bench_args a;
  if (!parse(argc, argv, &a)) {
    fprintf(stderr, "usage: bench_render FILE [--size WxH] [--frames N] [--theme NAME] [--window] "
                    "[--phase step|scrub|scroll]\n");
    return 2;
  }
  bench_ctx c;
  memset(&c, 0, sizeof c);
  char data[PATHS_MAX], msg[512];
  if (paths_data_dir(data, sizeof data) != PATHS_OK ||
      theme_load(&c.th, data, a.theme, msg, sizeof msg) != THEME_OK)
    theme_defaults(&c.th);
  char store[FACE__COUNT][4096];
  sdlr_fonts fonts;
  if (sdlr_find_fonts(NULL, store, &fonts, msg, sizeof msg) != SDLR_OK ||
      (a.window ? !open_window(&a, &fonts, &c, msg, sizeof msg)
                : sdlr_new_offscreen(a.w, a.h, &fonts, &c.r, msg, sizeof msg) != SDLR_OK)) {
    fprintf(stderr, "bench_render: %s\n", msg);
    return 1;
  }
  trace *t = trace_new(true);
  sim_options so;
  sim_options_init(&so);
  so.out = discard;
  so.err = discard;
  so.trace = t;
  double t0 = now_s();
  sim_status st = sim_run_file(&so, a.path);
  double t1 = now_s();
  if (st == SIM_IO_ERROR) {
    fprintf(stderr, "bench_render: cannot read %s\n", a.path);
    return 1;
  }
  printf("events %zu\ntasks %zu\nrun_s %.3f\n", trace_count(t), trace_task_count(t), t1 - t0);
  fflush(stdout);
  layout_options lo = {&c.th, sdlr_measure, c.r, GRAIN_LOOP};
  t0 = now_s();
  layout_status ls = layout_build(t, &lo, &c.d);
  t1 = now_s();
  if (ls != LAYOUT_OK) {
    fprintf(stderr, "bench_render: layout ran out of memory\n");
    return 1;
  }
  printf("stops %zu\nrows %zu\nlayout_s %.3f\n", c.d->nstops, c.d->nrows, t1 - t0);
  fflush(stdout);

  if (a.frames == 0) { /* --frames 0: the run and the layout only */
    layout_free(c.d);
    trace_free(t);
    sdlr_free(c.r);
    SDL_Quit();
    return 0;
  }
  size_t total = a.frames * PHASES * 2;
  c.scene_ms = calloc(total, sizeof *c.scene_ms);
  c.render_ms = calloc(total, sizeof *c.render_ms);
  c.frame_ms = calloc(total, sizeof *c.frame_ms);
  c.present_ms = calloc(total, sizeof *c.present_ms);
  c.cpu_ms = calloc(total, sizeof *c.cpu_ms);
  double *phase_ms = calloc(total, sizeof *phase_ms);
  if (c.scene_ms == NULL || c.render_ms == NULL || c.frame_ms == NULL || c.cpu_ms == NULL ||
      c.present_ms == NULL || phase_ms == NULL)
    return 1;
  scene_list_init(&c.list);
  scene_view v;
  memset(&v, 0, sizeof v);
  v.w = a.w;
  v.h = a.h;
  v.scale = scene_fit_scale(&c.th, a.w, a.h); /* the window's, at density 1 and no zoom */
  v.follow = true;
  v.playing = true;
  v.speed = 1.0f;
  size_t nstops = c.d->nstops;
  bool ok = true;
  /* one frame first: fonts opened and glyphs cached, as in a window that has drawn once */
  ok &= frame(&c, &v, 0, 1.0f);
  c.n = 0;
  c.cmds = 0;
  c.drawn_px = 0;
  for (int ph = 0; ph < PHASES && ok; ph++) {
    if (a.phase != NULL && strcmp(a.phase, names[ph]) != 0)
      continue;
    size_t from = c.n;
    for (size_t i = 0; i < a.frames && ok; i++) {
      if (ph == 0) {
        size_t k = nstops / 2 + i < nstops ? nstops / 2 + i : nstops - 1;
        ok &= frame(&c, &v, k, 0.5f);
        ok &= frame(&c, &v, k, 1.0f);
      } else if (ph == 1) {
        size_t k = a.frames > 1 ? i * (nstops - 1) / (a.frames - 1) : 0;
        ok &= frame(&c, &v, k, 1.0f);
      } else {
        scene_view sv = v;
        float max_x = 0, max_y = 0;
        scene_input in = {c.d, nstops - 1, 1.0f, &sv, &c.th, sdlr_measure, c.r};
        scene_scroll_limits(&in, &max_x, &max_y);
        sv.follow = false;
        sv.scroll_y = a.frames > 1 ? max_y * (float)i / (float)(a.frames - 1) : 0;
        ok &= frame(&c, &sv, nstops - 1, 1.0f);
      }
    }
    memcpy(phase_ms, c.frame_ms + from, (c.n - from) * sizeof *phase_ms);
    report(names[ph], phase_ms, c.n - from);
  }
  if (!ok) {
    fprintf(stderr, "bench_render: a frame could not be drawn\n");
    return 1;
  }
  printf("frames %zu\ncommands_per_frame %zu\n", c.n, c.n > 0 ? c.cmds / c.n : 0);
  report("scene", c.scene_ms, c.n);
  report("render", c.render_ms, c.n);
  if (c.win != NULL) {
    report("present", c.present_ms, c.n);
    printf("drawn_percent %.1f\n", c.n > 0 ? c.drawn_px * 100 / ((double)c.n * a.w * a.h) : 0);
  }
  report("frame", c.frame_ms, c.n);
  report("frame_cpu", c.cpu_ms, c.n);
  free(phase_ms);
  free(c.scene_ms);
  free(c.render_ms);
  free(c.frame_ms);
  free(c.present_ms);
  free(c.cpu_ms);
  scene_list_free(&c.list);
  layout_free(c.d);
  trace_free(t);
  sdlr_free(c.r);
  if (c.win != NULL)
    SDL_DestroyWindow(c.win);
  SDL_Quit();
  return 0;
}
