/* Tests for render/sdlr, offscreen (no display): primitives land where the display list says,
 * frames are deterministic, the glyph-run cache is reused, PNGs are written whole, and frames of
 * the gather program match reference images under tests/ref/ within a tolerance.
 *
 * On a mismatch the actual and expected images are written next to each other in the build
 * directory (render_frames/NAME.actual.png and NAME.expected.png). References are rewritten only
 * when LOOPVIZ_UPDATE_REFS=1 is set; look at them before committing. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "font.h"
#include "layout.h"
#include "scene.h"
#include "sdlr.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  REF_W = 960,        /* reference frames: width */
  REF_H = 600,        /* and height */
  CHANNEL_SLACK = 24, /* a channel may differ this much and still match */
  BAD_PER_MILLE = 4   /* mismatching pixels allowed, per thousand */
};

typedef struct world {
  char store[FACE__COUNT][4096]; /* font files */
  sdlr_fonts fonts;              /* pointers into store */
  sdlr *r;                       /* offscreen backend */
  scene_list list;               /* a display list */
} world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  if (w == NULL)
    return -1;
  char err[512];
  if (sdlr_find_fonts(NULL, w->store, &w->fonts, err, sizeof err) != SDLR_OK ||
      sdlr_new_offscreen(REF_W, REF_H, &w->fonts, &w->r, err, sizeof err) != SDLR_OK) {
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
  sdlr_free(w->r);
  free(w);
  return 0;
}

static Uint32 pixel(SDL_Surface *s, int x, int y) {
  return ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
}

static void rgb(SDL_Surface *s, int x, int y, Uint8 *r, Uint8 *g, Uint8 *b) {
  Uint8 a;
  SDL_GetRGBA(pixel(s, x, y), s->format, r, g, b, &a);
}

/* A hand-made display list: the backend draws what it says. */
static void add(scene_list *l, scene_cmd c) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->cmds = realloc(l->cmds, l->cap * sizeof *l->cmds);
    assert_non_null(l->cmds);
  }
  l->cmds[l->n++] = c;
}

static void test_primitives(void **state) {
  world *w = *state;
  scene_list *l = &w->list;
  scene_list_clear(l);
  theme_color white = {255, 255, 255, 255}, red = {255, 0, 0, 255}, blue = {0, 0, 255, 255};
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = white, .x1 = REF_W, .y1 = REF_H});
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = red, .x0 = 10, .y0 = 10, .x1 = 30, .y1 = 20});
  add(l, (scene_cmd){.op = SC_TRIANGLE,
                     .color = blue,
                     .x0 = 100,
                     .y0 = 100,
                     .x1 = 200,
                     .y1 = 100,
                     .x2 = 100,
                     .y2 = 200});
  add(l, (scene_cmd){
             .op = SC_LINE, .color = red, .x0 = 300, .y0 = 50, .x1 = 400, .y1 = 50, .width = 3});
  add(l, (scene_cmd){.op = SC_DASH,
                     .color = blue,
                     .x0 = 300,
                     .y0 = 80,
                     .x1 = 400,
                     .y1 = 80,
                     .width = 2,
                     .dash = 10,
                     .gap = 10});
  add(l, (scene_cmd){.op = SC_FILL_ROUND,
                     .color = red,
                     .x0 = 500,
                     .y0 = 100,
                     .x1 = 600,
                     .y1 = 200,
                     .radius = 20});
  add(l, (scene_cmd){.op = SC_CLIP_PUSH, .x0 = 700, .y0 = 100, .x1 = 750, .y1 = 150});
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = blue, .x0 = 650, .y0 = 50, .x1 = 800, .y1 = 200});
  add(l, (scene_cmd){.op = SC_CLIP_POP});
  add(l, (scene_cmd){.op = SC_ROUND,
                     .color = blue,
                     .x0 = 100,
                     .y0 = 300,
                     .x1 = 300,
                     .y1 = 400,
                     .radius = 10,
                     .width = 4});
  SDL_Surface *s = sdlr_render_offscreen(w->r, l);
  assert_non_null(s);
  Uint8 r, g, b;
  rgb(s, 20, 15, &r, &g, &b); /* inside the red rect */
  assert_true(r == 255 && g == 0 && b == 0);
  rgb(s, 35, 15, &r, &g, &b); /* beside it */
  assert_true(r == 255 && g == 255 && b == 255);
  rgb(s, 120, 120, &r, &g, &b); /* inside the triangle */
  assert_true(r == 0 && b == 255);
  rgb(s, 190, 190, &r, &g, &b); /* beyond its hypotenuse */
  assert_true(r == 255 && g == 255);
  rgb(s, 350, 50, &r, &g, &b); /* the thick line */
  assert_true(r == 255 && g == 0);
  rgb(s, 305, 80, &r, &g, &b); /* a dash */
  assert_true(b == 255 && r == 0);
  rgb(s, 315, 80, &r, &g, &b); /* a gap */
  assert_true(r == 255 && g == 255);
  rgb(s, 550, 150, &r, &g, &b); /* the rounded rect's middle */
  assert_true(r == 255 && g == 0);
  rgb(s, 501, 101, &r, &g, &b); /* its rounded-off corner */
  assert_true(r == 255 && g == 255 && b == 255);
  rgb(s, 720, 120, &r, &g, &b); /* the clipped rect, inside the clip */
  assert_true(b == 255 && r == 0);
  rgb(s, 660, 60, &r, &g, &b); /* outside the clip: nothing drawn */
  assert_true(r == 255 && g == 255 && b == 255);
  rgb(s, 101, 350, &r, &g, &b); /* the outline's left edge */
  assert_true(b == 255 && r == 0);
  rgb(s, 200, 350, &r, &g, &b); /* its hollow middle */
  assert_true(r == 255 && g == 255 && b == 255);
  scene_list_free(l);
}

static void test_text_and_glyph_cache(void **state) {
  world *w = *state;
  float tw = 0, th = 0;
  sdlr_measure(w->r, FACE_SANS, 20, "hello", 5, &tw, &th);
  assert_true(tw > 30 && tw < 80);
  assert_true(th > 18 && th < 30);
  float bw = 0, mw = 0, h2 = 0;
  sdlr_measure(w->r, FACE_SANS_BOLD, 20, "hello", 5, &bw, &h2);
  sdlr_measure(w->r, FACE_MONO, 20, "hello", 5, &mw, &h2);
  assert_true(bw > tw); /* bold is wider */
  assert_true(mw != tw);
  scene_list *l = &w->list;
  scene_list_clear(l);
  l->pool = malloc(64);
  l->pool_cap = 64;
  memcpy(l->pool, "hello", 6);
  l->pool_len = 6;
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = {255, 255, 255, 255}, .x1 = REF_W, .y1 = REF_H});
  add(l, (scene_cmd){.op = SC_TEXT,
                     .color = {0, 0, 0, 255},
                     .x0 = 10,
                     .y0 = 10,
                     .face = FACE_SANS,
                     .size = 20,
                     .text = 0,
                     .len = 5});
  SDL_Surface *s = sdlr_render_offscreen(w->r, l);
  int dark = 0;
  for (int y = 10; y < 10 + (int)th; y++)
    for (int x = 10; x < 10 + (int)tw; x++) {
      Uint8 r, g, b;
      rgb(s, x, y, &r, &g, &b);
      dark += r < 128;
    }
  assert_true(dark > 40);
  size_t runs = sdlr_cached_runs(w->r);
  assert_int_equal(runs, 1);
  sdlr_render_offscreen(w->r, l); /* the second frame rasterises nothing new */
  assert_int_equal(sdlr_cached_runs(w->r), runs);
  scene_list_free(l);
}

/* A filled rounded rectangle at fractional coordinates (a code panel's task tag at some scales)
 * covers its inside whole: its pieces meet without an unfilled row or column between them. */
static void test_round_fill_has_no_seam(void **state) {
  world *w = *state;
  scene_list *l = &w->list;
  scene_list_clear(l);
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = {255, 255, 255, 255}, .x1 = REF_W, .y1 = REF_H});
  for (int i = 0; i < 40; i++) {
    float f = (float)i / 40;
    add(l, (scene_cmd){.op = SC_FILL_ROUND,
                       .color = {200, 40, 120, 255},
                       .x0 = 10 + f,
                       .y0 = 10 + (float)i * 14 + f * 0.9f,
                       .x1 = 70 + f * 0.7f,
                       .y1 = 21.5f + (float)i * 14 + f * 0.8f,
                       .radius = 1.3f + f * 2});
  }
  SDL_Surface *s = sdlr_render_offscreen(w->r, l);
  assert_non_null(s);
  for (int i = 0; i < 40; i++) {
    int top = 10 + i * 14 + 5, bottom = 21 + i * 14 - 5; /* rows clear of the corners */
    for (int y = top; y <= bottom; y++)
      for (int x = 12; x <= 68; x++) {
        Uint8 r, g, b;
        rgb(s, x, y, &r, &g, &b);
        if (r != 200 || g != 40 || b != 120)
          fail_msg("tag %d: pixel (%d, %d) is %d,%d,%d", i, x, y, r, g, b);
      }
    for (int x = 15; x <= 65; x++) { /* and the rows by the top and bottom edges */
      Uint8 r, g, b;
      rgb(s, x, 11 + i * 14, &r, &g, &b);
      assert_true(r == 200 && g == 40 && b == 120);
      rgb(s, x, 20 + i * 14, &r, &g, &b);
      assert_true(r == 200 && g == 40 && b == 120);
    }
  }
  scene_list_free(l);
}

/* Frames of n texts "<tag>NNNNN" (tag keeps the frames' texts apart) in a grid. */
static void text_frame(scene_list *l, char tag, int n) {
  scene_list_clear(l);
  free(l->pool);
  l->pool_cap = (size_t)n * 16;
  l->pool = malloc(l->pool_cap);
  assert_non_null(l->pool);
  l->pool_len = 0;
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = {255, 255, 255, 255}, .x1 = REF_W, .y1 = REF_H});
  for (int i = 0; i < n; i++) {
    snprintf(l->pool + l->pool_len, 16, "%c%05d", tag, i);
    add(l, (scene_cmd){.op = SC_TEXT,
                       .color = {0, 0, 0, 255},
                       .x0 = (float)(i % 16 * 60),
                       .y0 = (float)(i / 16 % 40 * 15),
                       .face = FACE_MONO,
                       .size = 10,
                       .text = (uint32_t)l->pool_len,
                       .len = 6});
    l->pool_len += 7;
  }
}

/* The glyph-run cache drops the runs a frame did not draw a batch at a time while it has room,
 * all of them when it is three quarters full, and what it keeps draws the same pixels. */
static void test_run_cache_trims_in_batches(void **state) {
  world *w = *state;
  scene_list *l = &w->list;
  text_frame(l, 'a', 1000);
  SDL_Surface *first = sdlr_render_offscreen(w->r, l);
  SDL_Surface *want = SDL_ConvertSurfaceFormat(first, first->format->format, 0);
  assert_non_null(want);
  size_t cached[8];
  for (int f = 0; f < 8; f++) {
    text_frame(l, (char)('b' + f), 1000);
    assert_non_null(sdlr_render_offscreen(w->r, l));
    cached[f] = sdlr_cached_runs(w->r);
  }
  assert_int_equal(cached[2], 4000);       /* 4,000 runs: under the limit, nothing dropped */
  assert_int_equal(cached[3], 5000 - 512); /* over it: one batch dropped */
  assert_int_equal(cached[4], 4488 + 1000 - 512);
  assert_int_equal(cached[5], 4976 + 1000 - 512);
  assert_int_equal(cached[6], 1000); /* three quarters full: every run of other frames dropped */
  assert_true(cached[7] <= 2000);
  text_frame(l, 'a', 1000);
  SDL_Surface *again = sdlr_render_offscreen(w->r, l);
  assert_int_equal(again->h, want->h);
  for (int y = 0; y < want->h; y++)
    assert_memory_equal((Uint8 *)again->pixels + y * again->pitch,
                        (Uint8 *)want->pixels + y * want->pitch, (size_t)want->w * 4);
  SDL_FreeSurface(want);
  scene_list_free(l);
}

/* A glyph run is cached without its transparent margins: drawn cropped, over a background that is
 * not uniform and with colour and opacity applied, it gives the very pixels of the whole run
 * (SDL_ttf's surface) drawn with the same renderer; a run that is all transparent draws nothing. */
static void test_cropped_runs_exact(void **state) {
  world *w = *state;
  static const char text[] = "Ag jy \xe2\x80\xa6 Task-42: await asyncio.sleep(0.5)";
  const theme_color fg = {200, 30, 60, 180};
  scene_list *l = &w->list;
  scene_list_clear(l);
  l->pool = malloc(128);
  l->pool_cap = 128;
  memcpy(l->pool, text, sizeof text);
  memcpy(l->pool + sizeof text, "   ", 4);
  l->pool_len = sizeof text + 4;
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = {240, 250, 230, 255}, .x1 = REF_W, .y1 = REF_H});
  add(l,
      (scene_cmd){
          .op = SC_FILL_RECT, .color = {20, 90, 200, 120}, .x0 = 30, .y0 = 5, .x1 = 170, .y1 = 40});
  size_t background = l->n;
  add(l, (scene_cmd){.op = SC_TEXT,
                     .color = fg,
                     .x0 = 11,
                     .y0 = 9,
                     .face = FACE_SANS,
                     .size = 27,
                     .text = 0,
                     .len = sizeof text - 1});
  add(l, (scene_cmd){.op = SC_TEXT,
                     .color = fg,
                     .x0 = 50,
                     .y0 = 60,
                     .face = FACE_SANS,
                     .size = 27,
                     .text = (uint32_t)sizeof text,
                     .len = 3});
  assert_true(sdlr_draw(w->r, l)); /* the blank run is no failure */
  SDL_Surface *drawn = sdlr_render_offscreen(w->r, l);
  SDL_Surface *got = SDL_ConvertSurfaceFormat(drawn, drawn->format->format, 0);
  assert_non_null(got);
  l->n = background;
  SDL_Surface *bg = sdlr_render_offscreen(w->r, l); /* the same frame without the texts */
  SDL_Surface *want = SDL_ConvertSurfaceFormat(bg, bg->format->format, 0);
  assert_non_null(want);
  SDL_Renderer *ren = SDL_CreateSoftwareRenderer(want);
  assert_non_null(ren);
  assert_int_equal(TTF_Init(), 0);
  TTF_Font *f = TTF_OpenFont(w->fonts.path[FACE_SANS], 27);
  assert_non_null(f);
  TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
  SDL_Surface *whole = TTF_RenderUTF8_Blended(f, text, (SDL_Color){255, 255, 255, 255});
  assert_non_null(whole);
  SDL_Texture *tex = SDL_CreateTextureFromSurface(ren, whole);
  assert_non_null(tex);
  SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
  SDL_SetTextureColorMod(tex, fg.r, fg.g, fg.b);
  SDL_SetTextureAlphaMod(tex, fg.a);
  SDL_FRect dst = {11, 9, (float)whole->w, (float)whole->h};
  SDL_RenderCopyF(ren, tex, NULL, &dst);
  SDL_RenderPresent(ren);
  int differ = 0, inked = 0;
  for (int y = 0; y < REF_H; y++)
    for (int x = 0; x < REF_W; x++) {
      differ += pixel(got, x, y) != pixel(want, x, y);
      inked += pixel(got, x, y) != pixel(bg, x, y);
    }
  assert_int_equal(differ, 0);
  assert_true(inked > 200);
  SDL_DestroyTexture(tex);
  SDL_FreeSurface(whole);
  TTF_CloseFont(f);
  TTF_Quit();
  SDL_DestroyRenderer(ren);
  SDL_FreeSurface(want);
  SDL_FreeSurface(got);
  scene_list_free(l);
}

/* Renders l into a fresh copy (the offscreen surface is reused). */
static SDL_Surface *render_copy(world *w, const scene_list *l) {
  SDL_Surface *s = sdlr_render_offscreen(w->r, l);
  SDL_Surface *c = SDL_ConvertSurfaceFormat(s, s->format->format, 0);
  assert_non_null(c);
  return c;
}

static bool same_pixels(SDL_Surface *a, SDL_Surface *b) {
  for (int y = 0; y < a->h; y++)
    if (memcmp((Uint8 *)a->pixels + y * a->pitch, (Uint8 *)b->pixels + y * b->pitch,
               (size_t)a->w * 4) != 0)
      return false;
  return true;
}

/* A group between SC_KEEP_BEGIN and SC_KEEP_END gives the pixels it gives without the markers,
 * whether drawn or copied from the previous frame: again, after a change inside it, and after a
 * change of what is under it. */
static void test_kept_groups(void **state) {
  world *w = *state;
  scene_list *l = &w->list;
  scene_list_clear(l);
  l->pool = malloc(64);
  l->pool_cap = 64;
  memcpy(l->pool, "kept", 5);
  l->pool_len = 5;
  add(l, (scene_cmd){.op = SC_FILL_RECT, .color = {240, 250, 230, 255}, .x1 = REF_W, .y1 = REF_H});
  add(l,
      (scene_cmd){
          .op = SC_FILL_RECT, .color = {200, 0, 0, 255}, .x0 = 20, .y0 = 20, .x1 = 60, .y1 = 90});
  add(l, (scene_cmd){.op = SC_CLIP_PUSH, .x0 = 10.5f, .y0 = 10.5f, .x1 = 300.5f, .y1 = 200.5f});
  size_t begin = l->n;
  add(l, (scene_cmd){.op = SC_KEEP_BEGIN, .x0 = 10.5f, .y0 = 10.5f, .x1 = 300.5f, .y1 = 200.5f});
  add(l, (scene_cmd){.op = SC_FILL_RECT,
                     .color = {20, 90, 200, 120},
                     .x0 = 0,
                     .y0 = 30,
                     .x1 = 250,
                     .y1 = 60.5f});
  size_t inner = l->n;
  add(l, (scene_cmd){.op = SC_FILL_ROUND,
                     .color = {0, 160, 60, 90},
                     .x0 = 40,
                     .y0 = 50,
                     .x1 = 400,
                     .y1 = 120,
                     .radius = 9});
  add(l, (scene_cmd){.op = SC_TEXT,
                     .color = {0, 0, 0, 200},
                     .x0 = 30,
                     .y0 = 70,
                     .face = FACE_SANS,
                     .size = 20,
                     .text = 0,
                     .len = 4});
  add(l, (scene_cmd){.op = SC_KEEP_END});
  size_t end = l->n - 1;
  add(l, (scene_cmd){.op = SC_CLIP_POP});
  add(l,
      (scene_cmd){
          .op = SC_FILL_RECT, .color = {0, 0, 0, 255}, .x0 = 290, .y0 = 190, .x1 = 320, .y1 = 210});
  for (int round = 0; round < 3; round++) {
    if (round == 1)
      l->cmds[inner].color.g = 200; /* a change inside the group */
    if (round == 2)
      l->cmds[1].x1 = 70; /* a change under it */
    scene_cmd b = l->cmds[begin], e = l->cmds[end];
    l->cmds[begin] = (scene_cmd){.op = SC_CLIP_PUSH, .x1 = REF_W, .y1 = REF_H};
    l->cmds[end] = (scene_cmd){.op = SC_CLIP_POP};
    SDL_Surface *want = render_copy(w, l); /* no markers: a clip of everything instead */
    l->cmds[begin] = b;
    l->cmds[end] = e;
    SDL_Surface *drawn = render_copy(w, l), *copied = render_copy(w, l);
    assert_true(same_pixels(drawn, want));
    assert_true(same_pixels(copied, want));
    SDL_FreeSurface(want);
    SDL_FreeSurface(drawn);
    SDL_FreeSurface(copied);
  }
  scene_list_free(l);
}

/* Measuring texts with digits through the cache (where "Task-48213" may stand for "Task-00000")
 * gives SDL_ttf's own width, for digits alone or inside a text, in every face at several sizes,
 * DejaVu Sans Bold at 14 pixels among them (its digits alone are not all as wide). */
static void test_digit_measures_exact(void **state) {
  world *w = *state;
  static const char *const forms[] = {"worker(%s)", "Task-%s \xc2\xb7 failed", "%s",
                                      "t = %s s",   "Task-%s: return %s",      "(%s)",
                                      "x%sy"};
  /* more faces and sizes than sdlr checks the digits of at once: later ones take the place of
   * earlier ones */
  static const int sizes[] = {10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 23, 27};
  assert_int_equal(TTF_Init(), 0);
  uint32_t seed = 12345;
  for (int face = 0; face < FACE__COUNT; face++)
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      TTF_Font *f = TTF_OpenFont(w->fonts.path[face], sizes[z]);
      assert_non_null(f);
      TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
      for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
        for (int n = 0; n < 40; n++) {
          char digits[2][8], text[64];
          for (int m = 0; m < 2; m++) {
            int len = 1 + (n + m) % 6;
            for (int i = 0; i < len; i++) {
              seed = seed * 1103515245u + 12345u;
              digits[m][i] = (char)('0' + (seed >> 16) % 10);
            }
            digits[m][len] = '\0';
          }
          snprintf(text, sizeof text, forms[k], digits[0], digits[1]);
          int exact = 0;
          assert_int_equal(TTF_SizeUTF8(f, text, &exact, NULL), 0);
          float mw = 0, mh = 0;
          sdlr_measure(w->r, (layout_face)face, (float)sizes[z], text, strlen(text), &mw, &mh);
          if (mw != (float)exact)
            fail_msg("face %d size %d '%s': %g, SDL_ttf %d", face, sizes[z], text, (double)mw,
                     exact);
        }
      TTF_CloseFont(f);
    }
  TTF_Quit();
}

static void test_bold_font_found(void **state) {
  (void)state;
  char path[4096];
  assert_int_equal(font_find(FONT_SANS_BOLD, path, sizeof path), FONT_OK);
  assert_non_null(strstr(path, "DejaVuSans-Bold.ttf"));
}

/* ---- frames of the gather program ---------------------------------------------------------- */

static void ignore(void *user, const char *text, size_t len) {
  (void)user;
  (void)text;
  (void)len;
}

typedef struct frame_spec {
  const char *name;  /* reference file name, without .png */
  const char *theme; /* theme name */
  long stop;         /* -1: the last */
  float fraction;    /* animation shown */
  bool diagram_only; /* no panels */
} frame_spec;

static SDL_Surface *render_gather(world *w, const frame_spec *f) {
  trace *t = trace_new(true);
  sim_options o;
  sim_options_init(&o);
  o.out = ignore;
  o.err = ignore;
  o.trace = t;
  sim_run_file(&o, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py");
  theme th;
  char err[256];
  assert_int_equal(theme_load(&th, LOOPVIZ_SOURCE_DIR, f->theme, err, sizeof err), THEME_OK);
  layout_options lo = {&th, sdlr_measure, w->r, GRAIN_LOOP};
  layout_diagram *d = NULL;
  assert_int_equal(layout_build(t, &lo, &d), LAYOUT_OK);
  scene_view v = {REF_W, REF_H, 0.75f, 0, 0, true, f->diagram_only, false, 1.0f, NULL, NULL, false};
  size_t stop = f->stop < 0 ? d->nstops - 1 : (size_t)f->stop;
  scene_input in = {d, stop, f->fraction, &v, &th, sdlr_measure, w->r};
  assert_true(scene_build(&in, &w->list));
  SDL_Surface *s = sdlr_render_offscreen(w->r, &w->list);
  layout_free(d);
  trace_free(t);
  return s;
}

static void out_path(char *buf, size_t cap, const char *name, const char *kind) {
  mkdir(LOOPVIZ_BUILD_DIR "/render_frames", 0777);
  snprintf(buf, cap, "%s/render_frames/%.100s.%.20s.png", LOOPVIZ_BUILD_DIR, name, kind);
}

/* Counts pixels whose channels differ by more than the slack. */
static size_t mismatches(SDL_Surface *a, SDL_Surface *b) {
  size_t bad = 0;
  for (int y = 0; y < a->h; y++)
    for (int x = 0; x < a->w; x++) {
      Uint8 ar, ag, ab, br, bg, bb;
      rgb(a, x, y, &ar, &ag, &ab);
      rgb(b, x, y, &br, &bg, &bb);
      if (abs(ar - br) > CHANNEL_SLACK || abs(ag - bg) > CHANNEL_SLACK ||
          abs(ab - bb) > CHANNEL_SLACK)
        bad++;
    }
  return bad;
}

static void check_reference(world *w, const frame_spec *f) {
  SDL_Surface *got = render_gather(w, f);
  char ref[1024], err[512];
  snprintf(ref, sizeof ref, "%s/tests/ref/%s.png", LOOPVIZ_SOURCE_DIR, f->name);
  const char *update = getenv("LOOPVIZ_UPDATE_REFS");
  if (update != NULL && strcmp(update, "1") == 0) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/ref", LOOPVIZ_SOURCE_DIR);
    mkdir(dir, 0777);
    assert_int_equal(sdlr_save_png(got, ref, err, sizeof err), SDLR_OK);
    return;
  }
  SDL_Surface *loaded = IMG_Load(ref);
  char actual[1024], expected[1024];
  out_path(actual, sizeof actual, f->name, "actual");
  out_path(expected, sizeof expected, f->name, "expected");
  if (loaded == NULL) {
    sdlr_save_png(got, actual, err, sizeof err);
    fail_msg("no reference %s (%s); the frame is in %s; run with LOOPVIZ_UPDATE_REFS=1 to "
             "create it",
             ref, IMG_GetError(), actual);
  }
  SDL_Surface *want = SDL_ConvertSurfaceFormat(loaded, got->format->format, 0);
  SDL_FreeSurface(loaded);
  assert_non_null(want);
  size_t bad = want->w == got->w && want->h == got->h ? mismatches(got, want) : SIZE_MAX;
  size_t allowed = (size_t)got->w * (size_t)got->h * BAD_PER_MILLE / 1000;
  if (bad > allowed) {
    sdlr_save_png(got, actual, err, sizeof err);
    sdlr_save_png(want, expected, err, sizeof err);
    SDL_FreeSurface(want);
    fail_msg("%s: %zu pixels differ (allowed %zu); see %s and %s", f->name, bad, allowed, actual,
             expected);
  }
  SDL_FreeSurface(want);
}

static void test_reference_frames(void **state) {
  world *w = *state;
  static const frame_spec frames[] = {
      {"gather_start", "light", 0, 1.0f, false},     {"gather_middle", "light", 6, 1.0f, false},
      {"gather_animating", "light", 7, 0.5f, false}, {"gather_end", "light", -1, 1.0f, false},
      {"gather_dark", "dark", 8, 1.0f, false},       {"gather_diagram", "light", -1, 1.0f, true},
  };
  for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++)
    check_reference(w, &frames[i]);
}

/* Text, rectangles, rounded boxes, outlines, triangles and slanted lines drawn by sdlr itself give
 * the very bytes SDL's software renderer gives: frames of gather in each theme, and a list of the
 * hard cases (corners off the pixel grid and off the surface, rectangles less than a pixel or
 * negative, radii from none to more than half the box, outlines wider than their radius, both
 * windings, corners far outside the target, every kind of colour, clips, an empty clip). */
static void test_direct_drawing_exact(void **state) {
  world *w = *state;
  assert_true(sdlr_offscreen_direct(w->r, true)); /* the probe agrees with this SDL */
  static const frame_spec frames[] = {{"a", "light", 7, 0.5f, false},
                                      {"b", "dark", 8, 1.0f, false},
                                      {"c", "classroom", -1, 1.0f, false},
                                      {"d", "light", -1, 1.0f, true}};
  scene_list hard;
  scene_list_init(&hard);
  scene_add_fill(&hard, 0, 0, REF_W, REF_H, 0, (theme_color){240, 250, 230, 255});
  static const theme_color colors[] = {
      {255, 255, 255, 255}, {20, 30, 40, 255}, {255, 255, 255, 90}, {200, 30, 60, 180}};
  for (int i = 0; i < 40; i++) {
    float x = (float)(i * 53 % REF_W) - 20.5f + (float)i / 7, y = (float)(i * 31 % REF_H) - 9.25f;
    theme_color c = colors[i % 4];
    if (i % 10 == 3)
      add(&hard, (scene_cmd){.op = SC_CLIP_PUSH,
                             .x0 = x + 0.5f,
                             .y0 = y,
                             .x1 = x + 90.7f,
                             .y1 = y + (i % 20 == 3 ? 0 : 25.5f)});
    scene_add_fill(&hard, x, y, (float)(i % 5) * 13.3f - 1.6f, (float)(i % 3) * 0.45f + 3, 0,
                   (theme_color){c.b, c.r, c.g, (Uint8)(i * 23 % 255)});
    scene_add_text(&hard, (layout_face)(i % FACE__COUNT), 9 + i % 17, x, y, c,
                   "Task-48213 awaits \xe2\x80\xa6 gy");
    float bw = 6.5f + (float)(i % 7) * 23.1f, bh = 4.25f + (float)(i % 5) * 17.7f;
    float rad = (float)(i % 9) * 1.6f, far = i % 13 == 5 ? 9000.0f : 0.0f; /* far: SDL's own */
    add(&hard, (scene_cmd){.op = SC_FILL_ROUND,
                           .color = colors[(i + 1) % 4],
                           .x0 = x + 3.3f,
                           .y0 = y - 2.7f,
                           .x1 = x + 3.3f + bw,
                           .y1 = y - 2.7f + bh + far,
                           .radius = rad});
    add(&hard, (scene_cmd){.op = i % 4 == 0 ? SC_RECT : SC_ROUND,
                           .color = colors[(i + 2) % 4],
                           .x0 = x - 1.4f,
                           .y0 = y + 5.1f,
                           .x1 = x - 1.4f + bh,
                           .y1 = y + 5.1f + bw,
                           .radius = rad * 1.3f,
                           .width = 0.6f + (float)(i % 6) * 1.45f});
    add(&hard, (scene_cmd){.op = SC_TRIANGLE,
                           .color = colors[(i + 3) % 4],
                           .x0 = x + 0.6f,
                           .y0 = y + 0.2f,
                           .x1 = x + (i % 2 ? 31.7f : -12.2f),
                           .y1 = y + 9.9f,
                           .x2 = x + 7.5f,
                           .y2 = y + 27.4f - far});
    add(&hard, (scene_cmd){.op = i % 3 ? SC_LINE : SC_DASH,
                           .color = colors[i % 4],
                           .x0 = x,
                           .y0 = y + 11.5f,
                           .x1 = x + 140.3f - (float)i * 9,
                           .y1 = y + 61.2f,
                           .width = 0.8f + (float)(i % 4) * 1.2f,
                           .dash = 5,
                           .gap = 3});
    if (i % 10 == 6)
      add(&hard, (scene_cmd){.op = SC_CLIP_POP});
  }
  /* boxes reaching far past the target, as a note across thousands of lanes: their far corners
   * (beyond the reach of sdlr's triangles) draw nothing, the rest is drawn by sdlr; past 2^28 and
   * with a far corner inside the target, SDL draws them */
  static const float reach[] = {6.1e6f, -6.1e6f, 9000.5f, 3.1e8f, 2.2e9f};
  for (int i = 0; i < 20; i++) {
    float x = 30.5f + (float)(i * 37 % 300), y = 20.25f + (float)(i * 23 % 200);
    float far = reach[i % 5];
    bool down = i % 3 == 2; /* reaching down instead of right or left */
    if (i % 7 == 4)
      add(&hard, (scene_cmd){.op = SC_CLIP_PUSH, .x0 = 25, .y0 = 15.5f, .x1 = 333, .y1 = 190});
    for (int outline = 0; outline < 2; outline++)
      add(&hard, (scene_cmd){.op = outline ? SC_ROUND : SC_FILL_ROUND,
                             .color = colors[(i + outline) % 4],
                             .x0 = far < 0 ? far : x,
                             .y0 = y,
                             .x1 = far < 0 ? x
                                   : down  ? x + 200.3f
                                           : x + far,
                             .y1 = down ? y + far : y + 18.6f,
                             .radius = 2.5f + (float)(i % 4) * 1.7f,
                             .width = 1 + (float)(i % 3) * 0.8f});
    add(&hard, (scene_cmd){.op = SC_TRIANGLE, /* a corner far out, its box in the target */
                           .color = colors[(i + 2) % 4],
                           .x0 = x,
                           .y0 = y,
                           .x1 = x + 40.2f,
                           .y1 = y + 3.5f,
                           .x2 = i % 2 ? x - fabsf(far) : x + 20,
                           .y2 = i % 2 ? y + 10 : y + fabsf(far)});
    add(&hard, (scene_cmd){.op = SC_TRIANGLE, /* tall too: SDL's edge functions wrap */
                           .color = colors[(i + 3) % 4],
                           .x0 = x,
                           .y0 = y - 60,
                           .x1 = x + 60.7f,
                           .y1 = y + 90.2f,
                           .x2 = x - fabsf(far),
                           .y2 = y + 170.5f});
    if (i % 7 == 4)
      add(&hard, (scene_cmd){.op = SC_CLIP_POP});
  }
  for (size_t i = 0; i <= sizeof frames / sizeof frames[0]; i++) {
    SDL_Surface *direct = NULL, *sdl = NULL;
    for (int way = 0; way < 2; way++) {
      assert_int_equal(sdlr_offscreen_direct(w->r, way == 0), way == 0);
      SDL_Surface *s = i < sizeof frames / sizeof frames[0] ? render_gather(w, &frames[i])
                                                            : sdlr_render_offscreen(w->r, &hard);
      SDL_Surface *c = SDL_ConvertSurfaceFormat(s, s->format->format, 0);
      assert_non_null(c);
      *(way == 0 ? &direct : &sdl) = c;
    }
    assert_true(same_pixels(direct, sdl));
    SDL_FreeSurface(direct);
    SDL_FreeSurface(sdl);
  }
  scene_list_free(&hard);
}

/* The same frame twice is the same bytes, even after other frames in between. */
static void test_deterministic(void **state) {
  world *w = *state;
  frame_spec a = {"x", "light", 4, 1.0f, false}, b = {"y", "dark", 9, 0.3f, false};
  SDL_Surface *s = render_gather(w, &a);
  size_t bytes = (size_t)s->pitch * (size_t)s->h;
  unsigned char *first = malloc(bytes);
  assert_non_null(first);
  memcpy(first, s->pixels, bytes);
  render_gather(w, &b);
  s = render_gather(w, &a);
  assert_memory_equal(first, s->pixels, bytes);
  free(first);
}

static void test_png_written_whole(void **state) {
  world *w = *state;
  frame_spec f = {"x", "light", 2, 1.0f, false};
  SDL_Surface *s = render_gather(w, &f);
  char path[1024], err[512];
  out_path(path, sizeof path, "written", "frame");
  unlink(path);
  assert_int_equal(sdlr_save_png(s, path, err, sizeof err), SDLR_OK);
  SDL_Surface *back = IMG_Load(path);
  assert_non_null(back);
  assert_int_equal(back->w, REF_W);
  assert_int_equal(back->h, REF_H);
  SDL_FreeSurface(back);
  /* an unwritable place fails, and leaves nothing behind */
  assert_int_equal(sdlr_save_png(s, "/nonexistent-dir/frame.png", err, sizeof err), SDLR_IO_ERROR);
  assert_non_null(strstr(err, "/nonexistent-dir/frame.png"));
  /* a resized target draws at its new size */
  assert_int_equal(sdlr_offscreen_resize(w->r, 320, 200, err, sizeof err), SDLR_OK);
  scene_list_clear(&w->list);
  s = sdlr_render_offscreen(w->r, &w->list);
  assert_int_equal(s->w, 320);
  assert_int_equal(s->h, 200);
}

int main(void) {
  /* no display is needed; the dummy driver keeps SDL from looking for one */
  SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_primitives, setup, teardown),
      cmocka_unit_test_setup_teardown(test_text_and_glyph_cache, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cropped_runs_exact, setup, teardown),
      cmocka_unit_test_setup_teardown(test_run_cache_trims_in_batches, setup, teardown),
      cmocka_unit_test_setup_teardown(test_round_fill_has_no_seam, setup, teardown),
      cmocka_unit_test_setup_teardown(test_kept_groups, setup, teardown),
      cmocka_unit_test_setup_teardown(test_digit_measures_exact, setup, teardown),
      cmocka_unit_test(test_bold_font_found),
      cmocka_unit_test_setup_teardown(test_reference_frames, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_direct_drawing_exact, setup, teardown),
      cmocka_unit_test_setup_teardown(test_png_written_whole, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
