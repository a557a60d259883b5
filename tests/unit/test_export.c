/* Tests for render/export: option checking, the frame arithmetic, finding ffmpeg, the progress
 * line, and real exports of a short scenario at small sizes (fast, no display): the frame count
 * follows from the steps, --step-ms and --fps; every PNG decodes at the asked size; two exports
 * are byte-identical; a still equals the frame that ends its step; a directory with other files
 * is refused; Ctrl-C leaves whole frames only; video through ffmpeg (checked with ffprobe) and a
 * clear error when ffmpeg is not on PATH. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli.h"
#include "export.h"
#include "layout.h"
#include "scene.h"
#include "sdlr.h"
#include "sim.h"
#include "svg.h"
#include "theme.h"
#include "trace.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char greet[] = LOOPVIZ_SOURCE_DIR "/scenarios/greet.py";

enum {
  W = 96,       /* frame width in the tests */
  H = 60,       /* frame height */
  FPS = 10,     /* frames per second */
  STEP_MS = 300 /* so 3 frames per step */
};

typedef struct world {
  char dir[64];   /* a fresh temporary directory */
  char err[1024]; /* the last export's error */
} world;

static void remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (d != NULL) {
      for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
          continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        remove_tree(sub);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  if (w == NULL)
    return -1;
  snprintf(w->dir, sizeof w->dir, "/tmp/loopviz_test_export_XXXXXX");
  if (mkdtemp(w->dir) == NULL) {
    free(w);
    return -1;
  }
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  remove_tree(w->dir);
  free(w);
  return 0;
}

static void path_in(const world *w, const char *name, char *out, size_t cap) {
  snprintf(out, cap, "%s/%s", w->dir, name);
}

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Entries of a directory, "." and ".." aside. */
static size_t entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

/* True when some entry's name contains ".tmp". */
static bool has_temporaries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  bool found = false;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    found |= strstr(e->d_name, ".tmp") != NULL;
  closedir(d);
  return found;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static size_t lines(const char *s) {
  size_t n = 0;
  for (; *s != '\0'; s++)
    n += *s == '\n';
  return n;
}

static void small(exp_options *o) {
  exp_options_init(o);
  o->width = W;
  o->height = H;
  o->fps = FPS;
  o->step_ms = STEP_MS;
}

static void frame_name(const char *dir, size_t i, char *out, size_t cap) {
  snprintf(out, cap, "%s/frame_%05zu.png", dir, i);
}

/* ---- options and arithmetic --------------------------------------------------------------- */

static exp_status from_args(const exp_args *a, exp_options *o, char *err) {
  exp_options_init(o);
  return exp_options_from_args(a, o, err, 256);
}

static void test_options(void **state) {
  (void)state;
  exp_options o;
  char err[256];
  exp_options_init(&o);
  assert_int_equal(o.fps, 30);
  assert_int_equal(o.width, 1920);
  assert_int_equal(o.height, 1080);
  assert_int_equal(o.step_ms, 800);
  assert_true(o.from == -1 && o.to == -1 && o.step == -1);

  exp_args a = {.frames = "d",
                .fps = "24",
                .size = "1280x720",
                .step_ms = "500",
                .from = "2",
                .to = "5",
                .theme = "dark",
                .diagram_only = true,
                .force = true};
  assert_int_equal(from_args(&a, &o, err), EXP_OK);
  assert_true(o.fps == 24 && o.width == 1280 && o.height == 720 && o.step_ms == 500);
  assert_true(o.from == 2 && o.to == 5 && o.diagram_only && o.force);
  assert_string_equal(o.theme, "dark");
  assert_false(exp_wanted(&(exp_args){.fps = "3"}));
  assert_true(exp_wanted(&(exp_args){.svg = "x.svg"}));

  static const struct {
    exp_args a;        /* the options */
    const char *words; /* what the error must say */
  } bad[] = {
      {{.frames = "d", .fps = "0"}, "--fps"},
      {{.frames = "d", .fps = "30fps"}, "--fps"},
      {{.frames = "d", .fps = "-3"}, "--fps"},
      {{.frames = "d", .step_ms = ""}, "--step-ms"},
      {{.frames = "d", .size = "1920"}, "WIDTHxHEIGHT"},
      {{.frames = "d", .size = "0x100"}, "WIDTHxHEIGHT"},
      {{.frames = "d", .size = "100x100000"}, "WIDTHxHEIGHT"},
      {{.frames = "d", .from = "x"}, "--from"},
      {{.frames = "d", .from = "5", .to = "3"}, "comes after"},
      {{.svg = "a.svg", .fps = "10"}, "--fps applies"},
      {{.svg = "a.svg", .size = "10x10"}, "--size applies"},
      {{.svg = "a.svg", .diagram_only = true}, "--diagram-only applies"},
      {{.frames = "d", .step = "1"}, "--step applies to --png"},
      {{.png = "a.png", .from = "1"}, "--from applies"},
      {{.png = "a.png", .force = true}, "--force applies"},
      {{.png = "a.jpg"}, ".png"},
      {{.video = "a.avi"}, ".mp4, .webm or .gif"},
      {{.video = "a.mp4", .size = "101x60"}, "even width and height"},
      {{.video = "a.webm", .size = "100x61"}, "even width and height"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    if (from_args(&bad[i].a, &o, err) != EXP_USAGE || strstr(err, bad[i].words) == NULL)
      fail_msg("case %zu: expected a usage error naming '%s', got '%s'", i, bad[i].words, err);
  }
  exp_args gif = {.video = "a.GIF", .size = "101x61"}; /* GIF takes odd sizes */
  assert_int_equal(from_args(&gif, &o, err), EXP_OK);
  assert_int_equal(o.video_kind, EXP_VIDEO_GIF);
}

static void test_timing(void **state) {
  (void)state;
  assert_int_equal(exp_frames_per_step(800, 30), 24);
  assert_int_equal(exp_frames_per_step(700, 24), 17); /* 16.8 rounds up */
  assert_int_equal(exp_frames_per_step(1000, 7), 7);
  assert_int_equal(exp_frames_per_step(10, 30), 1); /* never zero */
  /* the animation runs at the window's pace, then holds; the last frame is always whole */
  float prev = 0;
  for (size_t j = 0; j < 24; j++) {
    float f = exp_frame_fraction(j, 24, 30, 700);
    assert_true(f > prev || f == 1.0f);
    prev = f;
  }
  assert_float_equal(exp_frame_fraction(0, 24, 30, 700), 1.0 / 21.0, 1e-5);
  assert_float_equal(exp_frame_fraction(20, 24, 30, 700), 1.0, 1e-6);
  assert_float_equal(exp_frame_fraction(23, 24, 30, 700), 1.0, 1e-6);
  /* an animation longer than the step is squeezed into it */
  assert_float_equal(exp_frame_fraction(11, 24, 30, 5000), 0.5, 1e-5);
  assert_float_equal(exp_frame_fraction(23, 24, 30, 5000), 1.0, 1e-6);
  assert_float_equal(exp_frame_fraction(0, 1, 30, 700), 1.0, 1e-6);
}

static void test_find_program(void **state) {
  world *w = *state;
  char out[4096];
  assert_int_equal(exp_find_program("sh", "/nonexistent:/bin:/usr/bin", out, sizeof out), EXP_OK);
  assert_string_equal(out, "/bin/sh");
  assert_int_equal(exp_find_program("/bin/sh", NULL, out, sizeof out), EXP_OK);
  assert_int_equal(exp_find_program("sh", NULL, out, sizeof out), EXP_NO_PROGRAM);
  assert_int_equal(exp_find_program("sh", "", out, sizeof out), EXP_NO_PROGRAM);
  assert_int_equal(exp_find_program("sh", w->dir, out, sizeof out), EXP_NO_PROGRAM);
  /* neither a file without the execute bit nor a directory is a program */
  char plain[256];
  path_in(w, "ffmpeg", plain, sizeof plain);
  FILE *f = fopen(plain, "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(exp_find_program("ffmpeg", w->dir, out, sizeof out), EXP_NO_PROGRAM);
  unlink(plain);
  assert_int_equal(mkdir(plain, 0777), 0);
  assert_int_equal(exp_find_program("ffmpeg", w->dir, out, sizeof out), EXP_NO_PROGRAM);
}

static void test_progress_line(void **state) {
  (void)state;
  char buf[256];
  exp_progress p = {"frames", 120, 480, 4.0};
  exp_progress_line(&p, 80, buf, sizeof buf);
  assert_non_null(strstr(buf, "frames ["));
  assert_non_null(strstr(buf, "120/480"));
  assert_non_null(strstr(buf, "30.0 fps"));
  assert_non_null(strstr(buf, "0:12 left"));
  assert_true(strlen(buf) <= 80);
  exp_progress_line(&p, 20, buf, sizeof buf); /* too narrow for a bar: the numbers stay */
  assert_null(strchr(buf, '['));
  assert_non_null(strstr(buf, "120/480"));
}

/* ---- frames ------------------------------------------------------------------------------- */

static void export_frames(world *w, const char *dir, exp_options *o, exp_result *res) {
  o->frames = dir;
  exp_status st = exp_run(o, greet, res, w->err, sizeof w->err);
  if (st != EXP_OK)
    fail_msg("export: %d %s", st, w->err);
}

static void test_frames(void **state) {
  world *w = *state;
  char a[256], b[256];
  path_in(w, "a", a, sizeof a);
  path_in(w, "b", b, sizeof b);
  exp_options o;
  small(&o);
  exp_result res;
  export_frames(w, a, &o, &res);
  assert_true(res.stops >= 3);
  size_t per_step = exp_frames_per_step(STEP_MS, FPS);
  assert_int_equal(per_step, 3);
  size_t want = res.stops * per_step;
  assert_int_equal(res.frames, want);
  assert_int_equal(entries(a), want + 1); /* and frames.tsv */
  for (size_t i = 1; i <= want; i++) {
    char name[300];
    frame_name(a, i, name, sizeof name);
    SDL_Surface *s = IMG_Load(name);
    if (s == NULL)
      fail_msg("%s does not decode: %s", name, IMG_GetError());
    assert_int_equal(s->w, W);
    assert_int_equal(s->h, H);
    SDL_FreeSurface(s);
  }
  char tsv_path[300];
  snprintf(tsv_path, sizeof tsv_path, "%s/frames.tsv", a);
  size_t len = 0;
  char *tsv = slurp(tsv_path, &len);
  assert_non_null(tsv);
  assert_int_equal(lines(tsv), want + 1);
  assert_non_null(strstr(tsv, "frame\tstep\tfraction\ttime\tseconds\n1\t0\t1.000\t0.000\t0.000\n"));
  char last[96];
  snprintf(last, sizeof last, "\n%zu\t%zu\t1.000\t", want, res.stops - 1);
  assert_non_null(strstr(tsv, last));
  free(tsv);

  /* a second export is byte-identical, frame by frame */
  export_frames(w, b, &o, &res);
  for (size_t i = 1; i <= want + 1; i++) {
    char pa[300], pb[300];
    if (i <= want) {
      frame_name(a, i, pa, sizeof pa);
      frame_name(b, i, pb, sizeof pb);
    } else {
      snprintf(pa, sizeof pa, "%s/frames.tsv", a);
      snprintf(pb, sizeof pb, "%s/frames.tsv", b);
    }
    size_t la = 0, lb = 0;
    char *da = slurp(pa, &la), *db = slurp(pb, &lb);
    assert_non_null(da);
    assert_non_null(db);
    if (la != lb || memcmp(da, db, la) != 0)
      fail_msg("%s and %s differ", pa, pb);
    free(da);
    free(db);
  }

  /* a shorter export into the same directory replaces the earlier frames, and no more */
  small(&o);
  o.fps = 7;
  o.step_ms = 1000;
  o.from = 1;
  o.to = 2;
  export_frames(w, a, &o, &res);
  assert_int_equal(res.frames, 14); /* 2 steps, 7 frames each */
  assert_int_equal(entries(a), 15);
  char gone[300];
  frame_name(a, 15, gone, sizeof gone);
  assert_false(exists(gone));
  tsv = slurp(tsv_path, &len);
  assert_int_equal(lines(tsv), 15);
  assert_non_null(strstr(tsv, "\n1\t1\t1.000\t")); /* the first step shown is a still */
  assert_non_null(strstr(tsv, "\n8\t2\t"));
  free(tsv);

  /* steps beyond the last are refused before anything is written */
  small(&o);
  o.to = (long)res.stops + 5;
  o.frames = b;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_USAGE);
  assert_non_null(strstr(w->err, "beyond the last step"));
  assert_int_equal(entries(b), want + 1); /* the earlier frames are untouched */
  char fresh[256];
  path_in(w, "fresh", fresh, sizeof fresh);
  o.frames = fresh;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_USAGE);
  assert_false(exists(fresh)); /* a directory made for nothing is removed again */
}

static void test_foreign_files(void **state) {
  world *w = *state;
  char dir[256], notes[300], stale[300], frame1[300];
  path_in(w, "slides", dir, sizeof dir);
  assert_int_equal(mkdir(dir, 0777), 0);
  snprintf(notes, sizeof notes, "%s/notes.txt", dir);
  snprintf(stale, sizeof stale, "%s/frame_00003.png.tmp4242", dir);
  FILE *f = fopen(notes, "w");
  assert_non_null(f);
  fputs("my lesson notes\n", f);
  fclose(f);
  f = fopen(stale, "w");
  assert_non_null(f);
  fclose(f);
  exp_options o;
  small(&o);
  o.frames = dir;
  exp_result res;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_NOT_EMPTY);
  assert_non_null(strstr(w->err, "notes.txt"));
  assert_non_null(strstr(w->err, "--force"));
  frame_name(dir, 1, frame1, sizeof frame1);
  assert_false(exists(frame1));
  o.force = true;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_OK);
  assert_true(exists(frame1));
  assert_true(exists(notes));  /* their files are never touched */
  assert_false(exists(stale)); /* half a frame of a killed export is */
  assert_int_equal(entries(dir), res.frames + 2);

  /* something named like a frame that is no file is foreign too */
  char odd[256];
  path_in(w, "odd", odd, sizeof odd);
  assert_int_equal(mkdir(odd, 0777), 0);
  frame_name(odd, 1, frame1, sizeof frame1);
  assert_int_equal(mkdir(frame1, 0777), 0);
  o.force = false;
  o.frames = odd;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_NOT_EMPTY);

  /* a path that is a file is no directory */
  o.frames = notes;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_IO_ERROR);
  assert_non_null(strstr(w->err, "not a directory"));
}

/* Raises SIGINT, as a terminal's Ctrl-C would, once `at` frames are done. */
typedef struct interrupter {
  size_t at;    /* frames done when it strikes */
  size_t calls; /* progress reports seen */
} interrupter;

static void interrupt_at(void *user, const exp_progress *p) {
  interrupter *it = user;
  it->calls++;
  if (p->done == it->at)
    raise(SIGINT);
}

static void test_interrupt(void **state) {
  world *w = *state;
  char dir[256];
  path_in(w, "cut", dir, sizeof dir);
  exp_options o;
  small(&o);
  exp_result res;
  export_frames(w, dir, &o, &res); /* a whole export first, to be replaced */
  size_t whole = res.frames;
  struct sigaction before;
  sigaction(SIGINT, NULL, &before);
  interrupter it = {4, 0};
  o.progress = interrupt_at;
  o.progress_user = &it;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_INTERRUPTED);
  assert_non_null(strstr(w->err, "interrupted after 4 of"));
  assert_int_equal(res.frames, 4);
  assert_int_equal(it.calls, 4);
  /* frames 1..4, whole, and frames.tsv listing them; nothing of the earlier export beyond */
  assert_int_equal(entries(dir), 5);
  assert_false(has_temporaries(dir));
  char name[300];
  frame_name(dir, 4, name, sizeof name);
  SDL_Surface *s = IMG_Load(name);
  assert_non_null(s);
  SDL_FreeSurface(s);
  frame_name(dir, whole, name, sizeof name);
  assert_false(exists(name));
  char tsv_path[300];
  snprintf(tsv_path, sizeof tsv_path, "%s/frames.tsv", dir);
  size_t len = 0;
  char *tsv = slurp(tsv_path, &len);
  assert_int_equal(lines(tsv), 5);
  free(tsv);
  /* the signal's disposition is back as it was */
  struct sigaction after;
  sigaction(SIGINT, NULL, &after);
  assert_true(after.sa_handler == before.sa_handler);
  /* and the next export is not interrupted by the old signal */
  o.progress = NULL;
  export_frames(w, dir, &o, &res);
  assert_int_equal(res.frames, whole);
}

/* ---- stills and SVG ----------------------------------------------------------------------- */

static void test_still(void **state) {
  world *w = *state;
  char png[256], dir[256];
  path_in(w, "still.png", png, sizeof png);
  path_in(w, "frames", dir, sizeof dir);
  exp_options o;
  small(&o);
  o.png = png;
  o.step = 1;
  exp_result res;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_OK);
  SDL_Surface *s = IMG_Load(png);
  assert_non_null(s);
  assert_int_equal(s->w, W);
  assert_int_equal(s->h, H);
  SDL_FreeSurface(s);
  /* the still of step 1 is the frame that ends step 1 in the animation, byte for byte */
  small(&o);
  export_frames(w, dir, &o, &res);
  char frame[300];
  frame_name(dir, 2 * exp_frames_per_step(STEP_MS, FPS), frame, sizeof frame);
  size_t la = 0, lb = 0;
  char *da = slurp(png, &la), *db = slurp(frame, &lb);
  assert_true(la == lb && memcmp(da, db, la) == 0);
  free(da);
  free(db);
  /* the default is the last step; a step beyond it is refused and nothing is written */
  small(&o);
  o.png = png;
  o.step = (long)res.stops;
  unlink(png);
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_USAGE);
  assert_false(exists(png));
  assert_false(has_temporaries(w->dir));
}

static void test_svg_file(void **state) {
  world *w = *state;
  char svg[256];
  path_in(w, "diagram.svg", svg, sizeof svg);
  exp_options o;
  exp_options_init(&o);
  o.svg = svg;
  exp_result res;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_OK);
  size_t len = 0;
  char *doc = slurp(svg, &len);
  assert_non_null(doc);
  assert_non_null(strstr(doc, "<title>loopviz: greet.py</title>"));
  assert_non_null(strstr(doc, ">start Main</text>"));
  assert_non_null(strstr(doc, ">EventLoop</text>"));
  free(doc);
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "python3 -c \"import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])\" '%s'", svg);
  assert_int_equal(system(cmd), 0);
  /* an unknown theme is named */
  o.theme = "no-such-theme";
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_USAGE);
  assert_non_null(strstr(w->err, "unknown theme 'no-such-theme'"));
}

/* The SVG and the PNG of one display list are the same picture: the SVG drawn by librsvg
 * (rsvg-convert) and the list drawn by sdlr differ only in the antialiasing of text and edges.
 * A misplaced baseline (3 pixels) or a shape drawn elsewhere fails this. */
typedef struct fonts_user {
  const sdlr_fonts *fonts; /* the files sdlr draws with */
} fonts_user;

static float ttf_ascent(void *user, layout_face face, int size) {
  const fonts_user *u = user;
  TTF_Font *f = TTF_OpenFont(u->fonts->path[face], size);
  assert_non_null(f);
  float a = (float)TTF_FontAscent(f);
  TTF_CloseFont(f);
  return a;
}

static void ignore(void *user, const char *text, size_t len) {
  (void)user;
  (void)text;
  (void)len;
}

static Uint32 argb_at(SDL_Surface *s, int x, int y) {
  return ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
}

static void test_svg_matches_png(void **state) {
  world *w = *state;
  char rsvg[4096];
  if (exp_find_program("rsvg-convert", getenv("PATH"), rsvg, sizeof rsvg) != EXP_OK) {
    print_message("rsvg-convert is not installed (make deps installs it): not compared\n");
    skip();
  }
  enum { CW = 900, CH = 600 };
  char store[FACE__COUNT][4096], err[512];
  sdlr_fonts fonts;
  sdlr *r = NULL;
  assert_int_equal(sdlr_find_fonts(NULL, store, &fonts, err, sizeof err), SDLR_OK);
  assert_int_equal(sdlr_new_offscreen(CW, CH, &fonts, &r, err, sizeof err), SDLR_OK);
  trace *t = trace_new(true);
  sim_options so;
  sim_options_init(&so);
  so.out = ignore;
  so.err = ignore;
  so.trace = t;
  assert_int_equal(sim_run_file(&so, greet), SIM_OK);
  theme th;
  assert_int_equal(theme_load(&th, LOOPVIZ_SOURCE_DIR, "light", err, sizeof err), THEME_OK);
  layout_options lo = {&th, sdlr_measure, r, GRAIN_LOOP};
  layout_diagram *d = NULL;
  assert_int_equal(layout_build(t, &lo, &d), LAYOUT_OK);
  scene_view v = {CW, CH, 1.0f, 0, 0, false, true, true, 1.0f, NULL, NULL, false};
  scene_input in = {d, d->nstops - 1, 1.0f, &v, &th, sdlr_measure, r};
  scene_list l;
  scene_list_init(&l);
  assert_true(scene_build(&in, &l));
  SDL_Surface *png = sdlr_render_offscreen(r, &l);
  assert_int_equal(TTF_Init(), 0);
  fonts_user fu = {&fonts};
  svg_options o = {CW, CH, NULL, ttf_ascent, &fu, sdlr_measure, r};
  fmt_buf b;
  fmt_buf_init(&b);
  assert_int_equal(svg_write(&l, &o, &b), SVG_OK);
  TTF_Quit();
  char svg_path[256], out_path[256], cmd[4096 + 600];
  path_in(w, "list.svg", svg_path, sizeof svg_path);
  path_in(w, "list.png", out_path, sizeof out_path);
  FILE *f = fopen(svg_path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(fmt_buf_str(&b), 1, b.len, f), b.len);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' -o '%s' '%s'", rsvg, out_path, svg_path);
  assert_int_equal(system(cmd), 0);
  SDL_Surface *loaded = IMG_Load(out_path);
  assert_non_null(loaded);
  SDL_Surface *drawn = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_ARGB8888, 0);
  assert_non_null(drawn);
  assert_int_equal(drawn->w, CW);
  assert_int_equal(drawn->h, CH);
  size_t far = 0;
  for (int y = 0; y < CH; y++)
    for (int x = 0; x < CW; x++) {
      Uint32 p = argb_at(png, x, y), q = argb_at(drawn, x, y);
      int most = 0;
      for (int shift = 0; shift < 24; shift += 8) {
        int diff = abs((int)((p >> shift) & 0xff) - (int)((q >> shift) & 0xff));
        most = diff > most ? diff : most;
      }
      far += most >= 128;
    }
  /* about 0.13% here, all of it glyph edges; a text 3 pixels off is 0.67% */
  if (far * 1000 > (size_t)CW * CH * 3)
    fail_msg("%zu of %d pixels differ by half the range or more between the SVG and the PNG", far,
             CW * CH);
  SDL_FreeSurface(drawn);
  SDL_FreeSurface(loaded);
  fmt_buf_free(&b);
  scene_list_free(&l);
  layout_free(d);
  trace_free(t);
  sdlr_free(r);
}

/* ---- video -------------------------------------------------------------------------------- */

/* ffprobe's "codec,width,height,frames" of a video's first stream, or "" when it fails. */
static void probe(const char *path, char *out, size_t cap) {
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
           "stream=codec_name,width,height,nb_read_frames -of csv=p=0 '%s'",
           path);
  out[0] = '\0';
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  if (fgets(out, (int)cap, p) == NULL)
    out[0] = '\0';
  pclose(p);
  out[strcspn(out, "\r\n")] = '\0';
}

static void test_video(void **state) {
  world *w = *state;
  char ffmpeg[4096], ffprobe[4096];
  const char *path = getenv("PATH");
  if (exp_find_program("ffmpeg", path, ffmpeg, sizeof ffmpeg) != EXP_OK ||
      exp_find_program("ffprobe", path, ffprobe, sizeof ffprobe) != EXP_OK) {
    print_message("ffmpeg is not installed (make deps installs it): video not tested\n");
    skip();
  }
  static const char *const kinds[] = {"mp4", "gif", "webm"};
  static const char *const codecs[] = {"h264", "gif", "vp9"};
  for (size_t i = 0; i < 3; i++) {
    char out[256], dir[256], want[64], got[128];
    snprintf(got, sizeof got, "clip.%s", kinds[i]);
    path_in(w, got, out, sizeof out);
    exp_options o;
    small(&o);
    o.video = out;
    o.video_kind = i == 0 ? EXP_VIDEO_MP4 : i == 1 ? EXP_VIDEO_GIF : EXP_VIDEO_WEBM;
    if (i == 1) { /* frames and a GIF from one export */
      path_in(w, "gif_frames", dir, sizeof dir);
      o.frames = dir;
    }
    exp_result res;
    if (exp_run(&o, greet, &res, w->err, sizeof w->err) != EXP_OK)
      fail_msg("%s: %s", kinds[i], w->err);
    assert_int_equal(res.frames, res.stops * exp_frames_per_step(STEP_MS, FPS));
    probe(out, got, sizeof got);
    snprintf(want, sizeof want, "%s,%d,%d,%zu", codecs[i], W, H, res.frames);
    assert_string_equal(got, want);
    if (i == 1)
      assert_int_equal(entries(dir), res.frames + 1);
  }
  /* nothing but the outputs is left: no temporaries, no palette */
  assert_int_equal(entries(w->dir), 4);
  assert_false(has_temporaries(w->dir));

  /* an ffmpeg that fails leaves no file and says so */
  char out[256];
  path_in(w, "broken.mp4", out, sizeof out);
  exp_options o;
  small(&o);
  o.video = out;
  o.video_kind = EXP_VIDEO_MP4;
  o.ffmpeg = "/bin/false";
  exp_result res;
  assert_int_equal(exp_run(&o, greet, &res, w->err, sizeof w->err), EXP_VIDEO_ERROR);
  assert_non_null(strstr(w->err, "ffmpeg"));
  assert_false(exists(out));
  assert_false(has_temporaries(w->dir));
}

/* Without ffmpeg on PATH: a clear error naming it, through the library and the command line,
 * and nothing written. Runs whether or not ffmpeg is installed. */
static void test_video_without_ffmpeg(void **state) {
  world *w = *state;
  char empty[256], out[256];
  path_in(w, "empty_bin", empty, sizeof empty);
  path_in(w, "clip.mp4", out, sizeof out);
  assert_int_equal(mkdir(empty, 0777), 0);
  char *saved = strdup(getenv("PATH") != NULL ? getenv("PATH") : "");
  setenv("PATH", empty, 1);
  exp_options o;
  small(&o);
  o.video = out;
  o.video_kind = EXP_VIDEO_MP4;
  exp_result res;
  exp_status st = exp_run(&o, greet, &res, w->err, sizeof w->err);
  FILE *err = tmpfile();
  char *argv[] = {"loopviz", "export", (char *)greet, "--video", out, "--size", "96x60", NULL};
  int rc = cli_main(7, argv, stdout, err);
  setenv("PATH", saved, 1);
  free(saved);
  assert_int_equal(st, EXP_NO_PROGRAM);
  assert_non_null(strstr(w->err, "'ffmpeg', which is not on PATH"));
  assert_int_equal(rc, CLI_EXIT_FAILURE);
  char said[1024] = "";
  rewind(err);
  size_t n = fread(said, 1, sizeof said - 1, err);
  said[n] = '\0';
  fclose(err);
  assert_non_null(strstr(said, "loopviz: --video needs the program 'ffmpeg'"));
  assert_false(exists(out));
  assert_int_equal(entries(w->dir), 1);
}

/* ---- the command line --------------------------------------------------------------------- */

static int run_cli(int argc, char **argv, char *said, size_t cap) {
  FILE *err = tmpfile();
  assert_non_null(err);
  int rc = cli_main(argc, argv, stdout, err);
  rewind(err);
  size_t n = fread(said, 1, cap - 1, err);
  said[n] = '\0';
  fclose(err);
  return rc;
}

static void test_cli(void **state) {
  world *w = *state;
  char said[2048], dir[256];
  path_in(w, "cli", dir, sizeof dir);
  char *bad_fps[] = {"loopviz", "export", (char *)greet, "--frames", dir, "--fps", "fast", NULL};
  assert_int_equal(run_cli(7, bad_fps, said, sizeof said), CLI_EXIT_USAGE);
  assert_non_null(strstr(said, "--fps wants a whole number"));
  assert_false(exists(dir));
  char *no_output[] = {"loopviz", "export", (char *)greet, "--fps", "10", NULL};
  assert_int_equal(run_cli(5, no_output, said, sizeof said), CLI_EXIT_USAGE);
  assert_non_null(strstr(said, "'export' needs --mermaid OUT, --chrome-trace OUT, --frames DIR"));
  char *tuned[] = {"loopviz", "export", (char *)greet, "--mermaid", "-", "--fps", "10", NULL};
  assert_int_equal(run_cli(7, tuned, said, sizeof said), CLI_EXIT_USAGE);
  assert_non_null(strstr(said, "need --frames, --video, --png or --svg"));
  char *good[] = {"loopviz", "export",         (char *)greet, "--frames", dir,
                  "--size",  "64x40",          "--fps",       "5",        "--step-ms",
                  "400",     "--diagram-only", NULL};
  assert_int_equal(run_cli(12, good, said, sizeof said), CLI_EXIT_OK);
  assert_string_equal(said, ""); /* quiet when stderr is no terminal */
  size_t frames = entries(dir) - 1;
  assert_true(frames >= 6 && frames % 2 == 0); /* 2 frames per step */
  char *missing[] = {"loopviz", "export", "/nonexistent/x.py", "--png", "x.png", NULL};
  assert_int_equal(run_cli(5, missing, said, sizeof said), CLI_EXIT_FAILURE);
  assert_non_null(strstr(said, "cannot read /nonexistent/x.py"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_options),
      cmocka_unit_test(test_timing),
      cmocka_unit_test_setup_teardown(test_find_program, setup, teardown),
      cmocka_unit_test(test_progress_line),
      cmocka_unit_test_setup_teardown(test_frames, setup, teardown),
      cmocka_unit_test_setup_teardown(test_foreign_files, setup, teardown),
      cmocka_unit_test_setup_teardown(test_interrupt, setup, teardown),
      cmocka_unit_test_setup_teardown(test_still, setup, teardown),
      cmocka_unit_test_setup_teardown(test_svg_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_svg_matches_png, setup, teardown),
      cmocka_unit_test_setup_teardown(test_video, setup, teardown),
      cmocka_unit_test_setup_teardown(test_video_without_ffmpeg, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
