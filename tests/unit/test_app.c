/* Smoke tests for render/app on SDL's dummy video driver: the window opens without a display,
 * shows a scenario or the reason it cannot, scrolls, and quits on q and on window close. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"

#include <SDL_image.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture {
  char path[64]; /* a scenario file written for the test */
  app *app;      /* the app under test, or NULL */
} fixture;

static void write_scenario(fixture *f, int lines) {
  snprintf(f->path, sizeof f->path, "/tmp/loopviz_test_app_XXXXXX");
  int fd = mkstemp(f->path);
  assert_true(fd >= 0);
  FILE *out = fdopen(fd, "w");
  assert_non_null(out);
  for (int i = 0; i < lines; i++)
    fprintf(out, i % 2 ? "\tprint('line %d')\n" : "x = %d\n", i);
  fclose(out);
}

static int setup(void **state) {
  /* Whatever the environment says, these tests never need a display. */
  SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE);
  fixture *f = calloc(1, sizeof *f);
  if (f == NULL)
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  app_close(f->app);
  if (f->path[0] != '\0')
    unlink(f->path);
  free(f);
  return 0;
}

static void open_app(fixture *f, const char *path) {
  app_config cfg = {path, NULL, NULL};
  char err[512] = "";
  app_status st = app_open(&cfg, &f->app, err, sizeof err);
  if (st != APP_OK)
    fail_msg("app_open: %s", err);
  assert_non_null(f->app);
}

static SDL_Event key_event(SDL_Keycode key) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = key;
  return ev;
}

static void test_shows_scenario_and_quits_on_q(void **state) {
  fixture *f = *state;
  write_scenario(f, 3);
  open_app(f, f->path);
  assert_null(app_error(f->app));
  assert_int_equal(app_line_count(f->app), 3);

  SDL_Event q = key_event(SDLK_q);
  assert_int_equal(SDL_PushEvent(&q), 1);
  app_run(f->app); /* returns only once q is handled; CTest's timeout catches a hang */
  assert_int_equal(SDL_PollEvent(NULL), 0);
}

static void test_quits_on_close_and_sdl_quit(void **state) {
  fixture *f = *state;
  write_scenario(f, 1);
  open_app(f, f->path);
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_WINDOWEVENT;
  ev.window.event = SDL_WINDOWEVENT_CLOSE;
  assert_false(app_handle_event(f->app, &ev));
  ev.type = SDL_QUIT;
  assert_false(app_handle_event(f->app, &ev));
  SDL_Event other = key_event(SDLK_a);
  assert_true(app_handle_event(f->app, &other));
}

static void test_missing_file_shows_error(void **state) {
  fixture *f = *state;
  open_app(f, "/nonexistent/loopviz/scenario.py");
  const char *e = app_error(f->app);
  assert_non_null(e);
  assert_non_null(strstr(e, "/nonexistent/loopviz/scenario.py"));
  assert_non_null(strstr(e, "No such file"));
  assert_int_equal(app_line_count(f->app), 0);
  app_draw(f->app);
}

static void test_scrolls_within_bounds(void **state) {
  fixture *f = *state;
  write_scenario(f, 500);
  open_app(f, f->path);
  assert_int_equal(app_line_count(f->app), 500);
  assert_int_equal(app_scroll(f->app), 0);
  SDL_Event up = key_event(SDLK_UP);
  app_handle_event(f->app, &up);
  assert_int_equal(app_scroll(f->app), 0);
  SDL_Event down = key_event(SDLK_DOWN);
  app_handle_event(f->app, &down);
  assert_int_equal(app_scroll(f->app), 1);
  SDL_Event end = key_event(SDLK_END);
  app_handle_event(f->app, &end);
  size_t last = app_scroll(f->app);
  assert_true(last > 400 && last < 500); /* the last page is full, not one line */
  app_handle_event(f->app, &down);
  assert_int_equal(app_scroll(f->app), last);
  SDL_Event home = key_event(SDLK_HOME);
  app_handle_event(f->app, &home);
  assert_int_equal(app_scroll(f->app), 0);
}

/* Counts pixels of a rectangle of the frame that differ from the pixel at its top-left corner. */
static int differing_pixels(SDL_Renderer *r, SDL_Rect rect) {
  Uint32 *px = malloc((size_t)rect.w * (size_t)rect.h * sizeof *px);
  assert_non_null(px);
  assert_int_equal(SDL_RenderReadPixels(r, &rect, SDL_PIXELFORMAT_ARGB8888, px, rect.w * 4), 0);
  int n = 0;
  for (int i = 0; i < rect.w * rect.h; i++)
    n += px[i] != px[0];
  free(px);
  return n;
}

static void test_draws_text(void **state) {
  fixture *f = *state;
  write_scenario(f, 20);
  open_app(f, f->path);
  app_draw(f->app);
  SDL_Renderer *r = app_renderer(f->app);
  int w = 0, h = 0;
  assert_int_equal(SDL_GetRendererOutputSize(r, &w, &h), 0);
  /* The left half of the top third holds the header and the first source lines: text is drawn
   * there. The bottom-right corner, below 20 lines, is plain background. */
  assert_true(differing_pixels(r, (SDL_Rect){0, 0, w / 2, h / 3}) > 100);
  assert_int_equal(differing_pixels(r, (SDL_Rect){w / 2, h - h / 4, w / 2, h / 4}), 0);
}

static void test_bad_font_override(void **state) {
  fixture *f = *state;
  write_scenario(f, 1);
  app_config cfg = {f->path, "/nonexistent/font.ttf", NULL};
  char err[512] = "";
  assert_int_equal(app_open(&cfg, &f->app, err, sizeof err), APP_FONT_ERROR);
  assert_null(f->app);
  assert_non_null(strstr(err, "--font /nonexistent/font.ttf"));
}

/* The bundled window icon loads through SDL_image, and the app accepts it. */
static void test_icon_asset(void **state) {
  fixture *f = *state;
  const char *icon = LOOPVIZ_SOURCE_DIR "/assets/icon.png";
  SDL_Surface *s = IMG_Load(icon);
  if (s == NULL)
    fail_msg("IMG_Load(%s): %s", icon, IMG_GetError());
  assert_int_equal(s->w, 64);
  assert_int_equal(s->h, 64);
  SDL_FreeSurface(s);
  write_scenario(f, 1);
  app_config cfg = {f->path, NULL, icon};
  char err[512] = "";
  assert_int_equal(app_open(&cfg, &f->app, err, sizeof err), APP_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_shows_scenario_and_quits_on_q, setup, teardown),
      cmocka_unit_test_setup_teardown(test_quits_on_close_and_sdl_quit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_file_shows_error, setup, teardown),
      cmocka_unit_test_setup_teardown(test_scrolls_within_bounds, setup, teardown),
      cmocka_unit_test_setup_teardown(test_draws_text, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_font_override, setup, teardown),
      cmocka_unit_test_setup_teardown(test_icon_asset, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
