/* Smoke tests for render/app on SDL's dummy video driver: the window opens without a display,
 * runs a scenario, and the playhead follows injected keys, clicks and time; failures of the
 * scenario are shown, not fatal. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "sdlr.h"
#include "window_frame.h"

#include <SDL_image.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char gather[] = LOOPVIZ_SOURCE_DIR "/scenarios/gather.py";

typedef struct fixture {
  char path[96]; /* a scenario file written for the test, or "" */
  app *app;      /* the app under test, or NULL */
} fixture;

static void write_scenario(fixture *f, const char *text) {
  snprintf(f->path, sizeof f->path, "/tmp/loopviz_test_app_XXXXXX");
  int fd = mkstemp(f->path);
  assert_true(fd >= 0);
  FILE *out = fdopen(fd, "w");
  assert_non_null(out);
  fputs(text, out);
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
  app_config cfg = {path, NULL, NULL, {0}};
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

static void press(app *a, SDL_Keycode key) {
  SDL_Event ev = key_event(key);
  assert_true(app_handle_event(a, &ev));
}

/* Lets every animation finish. */
static void settle(app *a) { app_update(a, SDL_GetTicks64() + 60 * 1000); }

static void test_runs_scenario_and_steps_through_app_run(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  assert_null(app_error(f->app));
  assert_true(app_stop_count(f->app) > 10);
  assert_int_equal(app_stop(f->app), 0);
  assert_false(app_update(f->app, SDL_GetTicks64())); /* idle: nothing to animate */

  SDL_Event right = key_event(SDLK_RIGHT), q = key_event(SDLK_q);
  assert_int_equal(SDL_PushEvent(&right), 1);
  assert_int_equal(SDL_PushEvent(&right), 1);
  assert_int_equal(SDL_PushEvent(&q), 1);
  app_run(f->app); /* returns only once q is handled; CTest's timeout catches a hang */
  assert_int_equal(app_stop(f->app), 2);
  assert_int_equal(SDL_PollEvent(NULL), 0);
}

static void test_keys_move_the_playhead(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  size_t last = app_stop_count(f->app) - 1;
  press(f->app, SDLK_RIGHT);
  assert_int_equal(app_stop(f->app), 1);
  assert_true(app_fraction(f->app) < 1.0f); /* the step animates */
  press(f->app, SDLK_RIGHT);                /* stepping on never waits for it */
  press(f->app, SDLK_RIGHT);
  assert_int_equal(app_stop(f->app), 3);
  settle(f->app);
  assert_true(app_fraction(f->app) == 1.0f);
  press(f->app, SDLK_LEFT); /* stepping back is exact and instant */
  assert_int_equal(app_stop(f->app), 2);
  assert_true(app_fraction(f->app) == 1.0f);
  press(f->app, SDLK_END);
  assert_int_equal(app_stop(f->app), last);
  press(f->app, SDLK_RIGHT);
  assert_int_equal(app_stop(f->app), last);
  press(f->app, SDLK_HOME);
  assert_int_equal(app_stop(f->app), 0);
  press(f->app, SDLK_LEFT);
  assert_int_equal(app_stop(f->app), 0);
  press(f->app, SDLK_PAGEDOWN); /* presenter remotes send these */
  assert_int_equal(app_stop(f->app), 1);
  press(f->app, SDLK_PAGEUP);
  assert_int_equal(app_stop(f->app), 0);
}

static void test_speed_keys(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  assert_true(app_speed(f->app) == 1.0f);
  press(f->app, SDLK_PLUS);
  assert_true(app_speed(f->app) == 1.5f);
  press(f->app, SDLK_MINUS);
  press(f->app, SDLK_MINUS);
  assert_true(app_speed(f->app) == 0.5f);
  for (int i = 0; i < 10; i++)
    press(f->app, SDLK_MINUS);
  assert_true(app_speed(f->app) == 0.25f);
  for (int i = 0; i < 10; i++)
    press(f->app, SDLK_EQUALS);
  assert_true(app_speed(f->app) == 4.0f);
}

/* Space plays: with time passing, the playhead walks to the end and stops there. */
static void test_playback_runs_to_the_end(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  size_t n = app_stop_count(f->app);
  press(f->app, SDLK_SPACE);
  assert_true(app_playing(f->app));
  uint64_t now = SDL_GetTicks64();
  size_t seen = 0;
  int bookmarks = 0;
  for (int i = 0; i < 10000 && app_playing(f->app); i++) {
    now += 50;
    assert_true(app_update(f->app, now) || !app_playing(f->app));
    if (app_stop(f->app) > seen)
      seen = app_stop(f->app);
    if (!app_playing(f->app) && app_stop(f->app) + 1 < n) {
      /* gather's bookmarks (scenarios/headers.txt) stop playback; Space goes on */
      assert_non_null(app_bookmark(f->app));
      bookmarks++;
      press(f->app, SDLK_SPACE);
    }
  }
  assert_true(bookmarks > 0);
  assert_false(app_playing(f->app));
  assert_int_equal(app_stop(f->app), n - 1);
  assert_int_equal(seen, n - 1);
  assert_false(app_update(f->app, now + 1000));
  press(f->app, SDLK_SPACE); /* playing at the end starts over */
  assert_true(app_playing(f->app));
  assert_int_equal(app_stop(f->app), 0);
  press(f->app, SDLK_SPACE);
  assert_false(app_playing(f->app));
}

static SDL_Event mouse_button(Uint32 type, int x, int y) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  ev.button.button = SDL_BUTTON_LEFT;
  ev.button.x = x;
  ev.button.y = y;
  return ev;
}

/* A click near the right end of the timeline strip (across the bottom) seeks near the end; the
 * wheel scrolls the diagram and stops it following the playhead until the next step. */
static void test_mouse_seeks_and_scrolls(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  int w = 0, h = 0;
  SDL_GetWindowSize(app_window(f->app), &w, &h);
  SDL_Event down = mouse_button(SDL_MOUSEBUTTONDOWN, w - w / 50, h - h / 20);
  SDL_Event up = mouse_button(SDL_MOUSEBUTTONUP, w - w / 50, h - h / 20);
  assert_true(app_handle_event(f->app, &down));
  assert_true(app_handle_event(f->app, &up));
  assert_true(app_stop(f->app) > app_stop_count(f->app) / 2);
  assert_true(app_following(f->app));
  SDL_Event wheel;
  memset(&wheel, 0, sizeof wheel);
  wheel.type = SDL_MOUSEWHEEL;
  wheel.wheel.y = -3;
  assert_true(app_handle_event(f->app, &wheel));
  assert_false(app_following(f->app));
  app_draw(f->app);
  press(f->app, SDLK_HOME);
  assert_true(app_following(f->app));
}

static void test_quits_on_close_and_sdl_quit(void **state) {
  fixture *f = *state;
  open_app(f, gather);
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
  assert_int_equal(app_stop_count(f->app), 1);
  press(f->app, SDLK_RIGHT);
  app_draw(f->app);
}

/* True when some text command of the last frame contains needle. */
static bool frame_has_text(const app *a, const char *needle) {
  const scene_list *l = app_scene(a);
  for (size_t i = 0; i < l->n; i++)
    if (l->cmds[i].op == SC_TEXT && strstr(scene_cmd_text(l, &l->cmds[i]), needle) != NULL)
      return true;
  return false;
}

static void test_syntax_error_is_shown(void **state) {
  fixture *f = *state;
  write_scenario(f, "import asyncio\n\nasync def main(:\n    pass\n");
  open_app(f, f->path);
  assert_non_null(app_error(f->app));
  assert_non_null(strstr(app_error(f->app), "SyntaxError"));
  app_draw(f->app); /* no step ran: the error shows from the first stop */
  assert_true(frame_has_text(f->app, "SyntaxError"));
  assert_true(frame_has_text(f->app, "async def main(:"));
}

static void test_runtime_error_is_shown_at_the_end(void **state) {
  fixture *f = *state;
  write_scenario(f, "import asyncio\n\nasync def main():\n    await asyncio.sleep(1)\n"
                    "    raise ValueError('boom')\n\nasyncio.run(main())\n");
  open_app(f, f->path);
  assert_non_null(app_error(f->app));
  assert_non_null(strstr(app_error(f->app), "ValueError: boom"));
  assert_true(app_stop_count(f->app) > 2);
  app_draw(f->app);
  assert_false(frame_has_text(f->app, "ValueError: boom")); /* not yet: it happens at the end */
  press(f->app, SDLK_END);
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "ValueError: boom"));
  assert_true(frame_has_text(f->app, "Traceback")); /* the console shows the traceback */
}

/* The console shows, step by step, exactly what the program wrote to stdout. */
static void test_console_matches_stdout(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  app_draw(f->app);
  assert_false(frame_has_text(f->app, "Fetching data 1..."));
  press(f->app, SDLK_END);
  app_draw(f->app);
  const char *out = app_output(f->app);
  assert_non_null(strstr(out, "Total time: 3.00 seconds\n"));
  char line[256];
  for (const char *p = out; *p != '\0';) {
    const char *nl = strchr(p, '\n');
    size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
    if (n < 40) { /* longer lines are wrapped in the panel */
      snprintf(line, sizeof line, "%.*s", (int)n, p);
      if (!frame_has_text(f->app, line))
        fail_msg("console lacks '%s'", line);
    }
    p += n + (nl != NULL);
  }
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

static void test_draws_panels(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  press(f->app, SDLK_END);
  app_draw(f->app);
  SDL_Renderer *r = app_renderer(f->app);
  int w = 0, h = 0;
  assert_int_equal(SDL_GetRendererOutputSize(r, &w, &h), 0);
  /* the caption band, the code panel and the diagram all hold drawings */
  assert_true(differing_pixels(r, (SDL_Rect){0, 0, w, h / 12}) > 500);
  assert_true(differing_pixels(r, (SDL_Rect){0, h / 8, w / 4, h / 4}) > 500);
  assert_true(differing_pixels(r, (SDL_Rect){w / 2, h / 4, w / 2, h / 2}) > 500);
}

/* On SDL's software renderer (the dummy driver has no other) the window has no renderer of its
 * own: the frame is drawn straight into the window's surface, as the export draws offscreen,
 * and is the export's frame to the byte (its colours: the window's fourth byte is unused). */
static void test_soft_window_draws_the_offscreen_frame(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  press(f->app, SDLK_END);
  app_draw(f->app);
  assert_null(SDL_RenderGetWindow(app_renderer(f->app))); /* a surface's renderer */
  SDL_Surface *win = SDL_GetWindowSurface(app_window(f->app));
  assert_non_null(win);
  size_t inked = 0, differ = window_frame_differs(win, app_scene(f->app), &inked);
  assert_true(inked > 10000); /* a frame was drawn */
  assert_int_equal(differ, 0);
  for (size_t i = 0; i < sizeof window_frame_keys / sizeof window_frame_keys[0]; i++) {
    press(f->app, window_frame_keys[i]);
    app_draw(f->app);
    assert_int_equal(window_frame_differs(win, app_scene(f->app), &inked), 0);
  }
  /* a new size: the window's new surface is followed */
  SDL_SetWindowSize(app_window(f->app), win->w / 2 + 7, win->h / 2 + 3);
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_WINDOWEVENT;
  ev.window.event = SDL_WINDOWEVENT_SIZE_CHANGED;
  app_handle_event(f->app, &ev);
  app_draw(f->app);
  int w = 0, h = 0;
  assert_int_equal(SDL_GetRendererOutputSize(app_renderer(f->app), &w, &h), 0);
  SDL_Surface *now = SDL_GetWindowSurface(app_window(f->app));
  assert_int_equal(w, now->w);
  assert_int_equal(h, now->h);
  assert_int_equal(window_frame_differs(now, app_scene(f->app), &inked), 0);
  for (size_t i = 0; i < sizeof window_frame_keys / sizeof window_frame_keys[0]; i++) {
    press(f->app, window_frame_keys[i]);
    app_draw(f->app);
    assert_int_equal(window_frame_differs(now, app_scene(f->app), &inked), 0);
  }
}

static void test_window_events_redraw(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_WINDOWEVENT;
  ev.window.event = SDL_WINDOWEVENT_SIZE_CHANGED;
  assert_true(app_handle_event(f->app, &ev));
  SDL_Event q = key_event(SDLK_q);
  assert_int_equal(SDL_PushEvent(&q), 1);
  app_run(f->app);
}

static void test_bad_font_override(void **state) {
  fixture *f = *state;
  app_config cfg = {gather, "/nonexistent/font.ttf", NULL, {0}};
  char err[512] = "";
  assert_int_equal(app_open(&cfg, &f->app, err, sizeof err), APP_FONT_ERROR);
  assert_null(f->app);
  assert_non_null(strstr(err, "--font /nonexistent/font.ttf"));
}

static void test_unknown_theme_falls_back(void **state) {
  fixture *f = *state;
  app_config cfg = {gather, NULL, NULL, {0}};
  app_prefs prefs = {"no-such-theme", 800, 500};
  char err[512] = "";
  assert_int_equal(app_open_prefs(&cfg, &prefs, &f->app, err, sizeof err), APP_OK);
  assert_non_null(strstr(app_messages(f->app), "no-such-theme")); /* said in the console */
  press(f->app, SDLK_END);
  app_draw(f->app);
}

/* ---- classroom: themes, presenting, granularity, help, live reload, drop ------------------- */

static SDL_Event ctrl_key(SDL_Keycode key) {
  SDL_Event ev = key_event(key);
  ev.key.keysym.mod = KMOD_LCTRL;
  return ev;
}

static void rewrite(const char *path, const char *text) {
  FILE *out = fopen(path, "w");
  assert_non_null(out);
  fputs(text, out);
  assert_int_equal(fclose(out), 0);
}

/* Moves time on past the next look at the scenario file (and past settle's). */
static uint64_t poll_now(uint64_t *clock) {
  *clock += 100 * 1000;
  return *clock;
}

static void test_theme_key_cycles_and_prefs_choose(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  assert_string_equal(app_theme(f->app), "light");
  press(f->app, SDLK_RIGHT);
  press(f->app, SDLK_RIGHT);
  settle(f->app);
  press(f->app, SDLK_t);
  assert_string_equal(app_theme(f->app), "dark");
  assert_int_equal(app_stop(f->app), 2); /* the playhead stays */
  press(f->app, SDLK_t);
  assert_string_equal(app_theme(f->app), "classroom");
  app_draw(f->app);
  press(f->app, SDLK_t);
  assert_string_equal(app_theme(f->app), "light");
  app_close(f->app);
  f->app = NULL;
  SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE); /* SDL_Quit cleared it */
  app_config cfg = {gather, NULL, NULL, {0}};
  app_prefs prefs = {"classroom", 800, 500};
  char err[512] = "";
  assert_int_equal(app_open_prefs(&cfg, &prefs, &f->app, err, sizeof err), APP_OK);
  assert_string_equal(app_theme(f->app), "classroom");
  assert_null(strstr(app_messages(f->app), "classroom")); /* the file was read, no complaint */
}

static void test_presenter_keys(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  assert_false(app_fullscreen(f->app));
  press(f->app, SDLK_f);
  assert_true(app_fullscreen(f->app));
  press(f->app, SDLK_ESCAPE);
  assert_false(app_fullscreen(f->app));
  press(f->app, SDLK_F11);
  assert_true(app_fullscreen(f->app));
  press(f->app, SDLK_F11);
  assert_false(app_fullscreen(f->app));

  press(f->app, SDLK_b);
  assert_true(app_blank(f->app));
  app_draw(f->app);
  const scene_list *l = app_scene(f->app);
  assert_int_equal(l->n, 1); /* one black rectangle */
  assert_int_equal(l->cmds[0].op, SC_FILL_RECT);
  assert_int_equal(l->cmds[0].color.r + l->cmds[0].color.g + l->cmds[0].color.b, 0);
  press(f->app, SDLK_RIGHT); /* a blank screen does not step on behind the teacher's back */
  assert_int_equal(app_stop(f->app), 0);
  press(f->app, SDLK_PERIOD);
  assert_false(app_blank(f->app));
  press(f->app, SDLK_PERIOD);
  assert_true(app_blank(f->app));
  press(f->app, SDLK_b);
  assert_false(app_blank(f->app));

  SDL_Event ev = ctrl_key(SDLK_EQUALS);
  assert_true(app_handle_event(f->app, &ev));
  assert_true(app_zoom(f->app) > 1.2f);
  assert_true(app_speed(f->app) == 1.0f); /* Ctrl + zooms; it does not change the speed */
  ev = ctrl_key(SDLK_PLUS);
  assert_true(app_handle_event(f->app, &ev));
  float two = app_zoom(f->app);
  assert_true(two > 1.5f);
  ev = ctrl_key(SDLK_MINUS);
  assert_true(app_handle_event(f->app, &ev));
  assert_true(app_zoom(f->app) < two);
  for (int i = 0; i < 20; i++)
    assert_true(app_handle_event(f->app, &ev));
  assert_true(app_zoom(f->app) >= 0.39f); /* bounded */
  ev = ctrl_key(SDLK_0);
  assert_true(app_handle_event(f->app, &ev));
  assert_true(app_zoom(f->app) == 1.0f);
}

/* The panel title "CODE" is drawn larger when zoomed. */
static int title_size(const app *a) {
  const scene_list *l = app_scene(a);
  int best = 0;
  for (size_t i = 0; i < l->n; i++)
    if (l->cmds[i].op == SC_TEXT && l->cmds[i].size > best)
      best = l->cmds[i].size;
  return best;
}

static void test_zoom_grows_the_picture(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  app_draw(f->app);
  int before = title_size(f->app);
  SDL_Event ev = ctrl_key(SDLK_EQUALS);
  assert_true(app_handle_event(f->app, &ev));
  assert_true(app_handle_event(f->app, &ev));
  app_draw(f->app);
  assert_true(title_size(f->app) > before);
}

static void test_line_steps_keep_the_playhead(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  size_t loop_steps = app_stop_count(f->app);
  press(f->app, SDLK_RIGHT);
  press(f->app, SDLK_RIGHT);
  press(f->app, SDLK_RIGHT);
  settle(f->app);
  const layout_diagram *d = app_diagram(f->app);
  uint32_t at = d->stops[app_stop(f->app)].event_end;
  press(f->app, SDLK_l);
  assert_true(app_line_steps(f->app));
  d = app_diagram(f->app);
  assert_int_equal(d->grain, GRAIN_LINE);
  assert_true(app_stop_count(f->app) > loop_steps);
  assert_true(d->stops[app_stop(f->app)].event_end <= at); /* the same point, or just before */
  if (app_stop(f->app) + 1 < app_stop_count(f->app))
    assert_true(d->stops[app_stop(f->app) + 1].event_end > at);
  press(f->app, SDLK_RIGHT);
  settle(f->app);
  press(f->app, SDLK_l);
  assert_false(app_line_steps(f->app));
  assert_int_equal(app_stop_count(f->app), loop_steps);
  assert_int_equal(app_stop(f->app), 3);
}

static void test_help_overlay_and_hint(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  assert_true(app_hint(f->app));
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "every key"));
  press(f->app, SDLK_RIGHT); /* the first key takes the hint away */
  assert_false(app_hint(f->app));
  app_draw(f->app);
  assert_false(frame_has_text(f->app, "every key"));
  press(f->app, SDLK_QUESTION);
  assert_true(app_help(f->app));
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "fullscreen (Esc leaves it)"));
  assert_true(frame_has_text(f->app, "Ctrl +, Ctrl -, Ctrl 0"));
  press(f->app, SDLK_ESCAPE);
  assert_false(app_help(f->app));
  press(f->app, SDLK_h);
  assert_true(app_help(f->app));
  press(f->app, SDLK_h);
  assert_false(app_help(f->app));
  SDL_Event ev = key_event(SDLK_SLASH);
  ev.key.keysym.mod = KMOD_LSHIFT;
  assert_true(app_handle_event(f->app, &ev));
  assert_true(app_help(f->app));
}

static void test_hint_goes_by_itself(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  assert_true(app_hint(f->app));
  app_update(f->app, SDL_GetTicks64() + 60 * 1000);
  assert_false(app_hint(f->app));
}

static const char reload_v1[] = "import asyncio\n\nasync def main():\n    print('one')\n"
                                "    await asyncio.sleep(1)\n    print('two')\n"
                                "    await asyncio.sleep(1)\n    print('three')\n\n"
                                "asyncio.run(main())\n";
static const char reload_v2[] = "import asyncio\n\nasync def main():\n    print('uno')\n"
                                "    await asyncio.sleep(1)\n    print('dos')\n"
                                "    await asyncio.sleep(1)\n    print('tres!!')\n\n"
                                "asyncio.run(main())\n";
static const char reload_short[] = "import asyncio\n\nasync def main():\n    print('short')\n\n"
                                   "asyncio.run(main())\n";
static const char reload_broken[] = "import asyncio\n\nasync def main(:\n    print('one')\n";
static const char reload_raises[] = "import asyncio\n\nasync def main():\n"
                                    "    raise ValueError('edited badly')\n\nasyncio.run(main())\n";

static void test_live_reload(void **state) {
  fixture *f = *state;
  write_scenario(f, reload_v1);
  open_app(f, f->path);
  uint64_t clock = SDL_GetTicks64();
  assert_string_equal(app_output(f->app), "one\ntwo\nthree\n");
  app_update(f->app, poll_now(&clock)); /* unchanged: nothing happens */
  assert_string_equal(app_output(f->app), "one\ntwo\nthree\n");
  press(f->app, SDLK_RIGHT);
  press(f->app, SDLK_RIGHT);
  settle(f->app);
  size_t stop = app_stop(f->app);
  assert_int_equal(stop, 2);

  rewrite(f->path, reload_v2);
  app_update(f->app, poll_now(&clock));
  assert_string_equal(app_output(f->app), "uno\ndos\ntres!!\n"); /* the diagram follows */
  assert_int_equal(app_stop(f->app), stop);                      /* at the same step */
  assert_null(app_reload_error(f->app));
  app_draw(f->app);

  rewrite(f->path, reload_broken);
  app_update(f->app, poll_now(&clock));
  assert_non_null(app_reload_error(f->app));
  assert_non_null(strstr(app_reload_error(f->app), "SyntaxError"));
  assert_string_equal(app_output(f->app), "uno\ndos\ntres!!\n"); /* the last good run stays */
  assert_int_equal(app_stop(f->app), stop);
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "SyntaxError"));
  press(f->app, SDLK_RIGHT); /* still alive and stepping */
  settle(f->app);

  rewrite(f->path, reload_raises);
  app_update(f->app, poll_now(&clock));
  assert_non_null(strstr(app_reload_error(f->app), "edited badly"));
  assert_string_equal(app_output(f->app), "uno\ndos\ntres!!\n");

  rewrite(f->path, reload_v1);
  app_update(f->app, poll_now(&clock));
  assert_null(app_reload_error(f->app));
  assert_null(app_error(f->app));
  assert_string_equal(app_output(f->app), "one\ntwo\nthree\n");
  app_draw(f->app);
  assert_false(frame_has_text(f->app, "SyntaxError"));

  press(f->app, SDLK_END);
  rewrite(f->path, reload_short); /* shorter: the playhead goes to its last step */
  app_update(f->app, poll_now(&clock));
  assert_string_equal(app_output(f->app), "short\n");
  assert_int_equal(app_stop(f->app), app_stop_count(f->app) - 1);

  unlink(f->path); /* an editor saving by rename: the file is briefly gone */
  app_update(f->app, poll_now(&clock));
  assert_string_equal(app_output(f->app), "short\n");
  rewrite(f->path, reload_v2);
  app_update(f->app, poll_now(&clock));
  assert_string_equal(app_output(f->app), "uno\ndos\ntres!!\n");
}

static void drop(app *a, const char *path) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_DROPFILE;
  ev.drop.file = SDL_strdup(path);
  assert_true(app_handle_event(a, &ev));
}

static void test_drop_opens_a_file(void **state) {
  fixture *f = *state;
  open_app(f, gather);
  press(f->app, SDLK_END);
  write_scenario(f, reload_v1);
  char py[80];
  snprintf(py, sizeof py, "%.60s.py", f->path);
  assert_int_equal(rename(f->path, py), 0);
  snprintf(f->path, sizeof f->path, "%s", py);
  drop(f->app, f->path);
  assert_string_equal(app_path(f->app), f->path);
  assert_string_equal(app_output(f->app), "one\ntwo\nthree\n");
  assert_int_equal(app_stop(f->app), 0); /* a new file starts at its first step */
  drop(f->app, "/tmp/notes.txt");
  assert_non_null(strstr(app_reload_error(f->app), "not a Python file"));
  assert_string_equal(app_path(f->app), f->path);
  app_draw(f->app);
}

static void test_picker_keys_and_mouse(void **state) {
  fixture *f = *state;
  open_app(f, NULL);
  assert_true(app_picking(f->app));
  assert_int_equal(app_stop_count(f->app), 0);
  assert_false(app_update(f->app, SDL_GetTicks64()));
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "Choose a scenario"));
  assert_true(frame_has_text(f->app, "gather"));
  assert_int_equal(app_picked(f->app), 0);

  press(f->app, SDLK_DOWN);
  press(f->app, SDLK_DOWN);
  press(f->app, SDLK_UP);
  assert_int_equal(app_picked(f->app), 1);
  press(f->app, SDLK_UP);
  press(f->app, SDLK_UP); /* stays at the first */
  assert_int_equal(app_picked(f->app), 0);
  /* the mouse: find the row of "gather" in the frame and click it */
  app_draw(f->app);
  const scene_list *l = app_scene(f->app);
  float gx = -1, gy = -1;
  for (size_t i = 0; i < l->n; i++)
    if (l->cmds[i].op == SC_TEXT && l->cmds[i].len == 6 &&
        memcmp(scene_cmd_text(l, &l->cmds[i]), "gather", 6) == 0) {
      gx = l->cmds[i].x0 + 4;
      gy = l->cmds[i].y0 + 4;
    }
  assert_true(gx >= 0);
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_MOUSEBUTTONDOWN;
  ev.button.button = SDL_BUTTON_LEFT;
  ev.button.x = (int)gx;
  ev.button.y = (int)gy;
  assert_true(app_handle_event(f->app, &ev));
  assert_false(app_picking(f->app));
  assert_non_null(strstr(app_path(f->app), "gather.py"));
  assert_true(app_stop_count(f->app) > 10);
  press(f->app, SDLK_RIGHT);
  assert_int_equal(app_stop(f->app), 1);
}

static void test_picker_enter_and_drop(void **state) {
  fixture *f = *state;
  app_config cfg = {NULL, NULL, NULL, {0}};
  app_prefs prefs = {NULL, 900, 400}; /* too low for every scenario: the list scrolls */
  char err[512] = "";
  assert_int_equal(app_open_prefs(&cfg, &prefs, &f->app, err, sizeof err), APP_OK);
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "0 above"));
  assert_true(frame_has_text(f->app, "as_completed"));
  for (int i = 0; i < 100; i++) /* to the last entry: the list scrolls to keep it in sight */
    press(f->app, SDLK_DOWN);
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "0 below"));
  assert_false(frame_has_text(f->app, "as_completed")); /* out of sight above */
  press(f->app, SDLK_HOME);
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "as_completed"));
  press(f->app, SDLK_END);
  press(f->app, SDLK_RETURN);
  assert_false(app_picking(f->app));
  assert_null(app_error(f->app));
  app_close(f->app);
  f->app = NULL;
  SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE);
  open_app(f, NULL);
  drop(f->app, gather);
  assert_false(app_picking(f->app));
  assert_string_equal(app_path(f->app), gather);
}

static void test_bookmarks_stop_playback(void **state) {
  fixture *f = *state;
  write_scenario(f, "import asyncio\n\nasync def main():\n    print('a')\n"
                    "    await asyncio.sleep(1)\n"
                    "    print('b')  # pause: the loop is free now\n"
                    "    await asyncio.sleep(1)\n    print('c')\n\nasyncio.run(main())\n");
  open_app(f, f->path);
  size_t last = app_stop_count(f->app) - 1;
  assert_null(app_bookmark(f->app));
  press(f->app, SDLK_SPACE);
  uint64_t t = SDL_GetTicks64();
  for (int i = 0; i < 200 && app_playing(f->app); i++)
    app_update(f->app, t += 5000);
  assert_false(app_playing(f->app));
  assert_true(app_stop(f->app) < last); /* stopped at the bookmark, not at the end */
  assert_non_null(app_bookmark(f->app));
  assert_string_equal(app_bookmark(f->app), "the loop is free now");
  settle(f->app);
  app_draw(f->app);
  assert_true(frame_has_text(f->app, "the loop is free now"));
  press(f->app, SDLK_SPACE); /* Space goes on to the end */
  for (int i = 0; i < 200 && app_playing(f->app); i++)
    app_update(f->app, t += 5000);
  assert_int_equal(app_stop(f->app), last);
  assert_null(app_bookmark(f->app));
}

static void test_bookmarks_of_the_article_programs(void **state) {
  fixture *f = *state;
  open_app(f, LOOPVIZ_SOURCE_DIR "/scenarios/greet.py"); /* bookmarks from headers.txt */
  size_t sleeps = 0, line8 = 0;
  for (int pass = 0; pass < 2; pass++) {
    sleeps = line8 = 0;
    press(f->app, SDLK_HOME);
    for (size_t k = 0; k < app_stop_count(f->app); k++) {
      const char *b = app_bookmark(f->app);
      if (b != NULL && strstr(b, "greet sleeps") != NULL)
        sleeps = k;
      if (b != NULL && strstr(b, "main resumes") != NULL)
        line8 = k;
      press(f->app, SDLK_RIGHT);
    }
    assert_true(sleeps > 0);
    press(f->app, SDLK_l); /* line steps: every bookmarked statement has a stop of its own */
  }
  assert_true(line8 > 0);
  assert_true(line8 != sleeps);
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
  app_config cfg = {gather, NULL, icon, {0}};
  char err[512] = "";
  assert_int_equal(app_open(&cfg, &f->app, err, sizeof err), APP_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_runs_scenario_and_steps_through_app_run, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_keys_move_the_playhead, setup, teardown),
      cmocka_unit_test_setup_teardown(test_soft_window_draws_the_offscreen_frame, setup, teardown),
      cmocka_unit_test_setup_teardown(test_speed_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(test_playback_runs_to_the_end, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mouse_seeks_and_scrolls, setup, teardown),
      cmocka_unit_test_setup_teardown(test_quits_on_close_and_sdl_quit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_file_shows_error, setup, teardown),
      cmocka_unit_test_setup_teardown(test_syntax_error_is_shown, setup, teardown),
      cmocka_unit_test_setup_teardown(test_runtime_error_is_shown_at_the_end, setup, teardown),
      cmocka_unit_test_setup_teardown(test_console_matches_stdout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_draws_panels, setup, teardown),
      cmocka_unit_test_setup_teardown(test_window_events_redraw, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_font_override, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unknown_theme_falls_back, setup, teardown),
      cmocka_unit_test_setup_teardown(test_icon_asset, setup, teardown),
      cmocka_unit_test_setup_teardown(test_theme_key_cycles_and_prefs_choose, setup, teardown),
      cmocka_unit_test_setup_teardown(test_presenter_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zoom_grows_the_picture, setup, teardown),
      cmocka_unit_test_setup_teardown(test_line_steps_keep_the_playhead, setup, teardown),
      cmocka_unit_test_setup_teardown(test_help_overlay_and_hint, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hint_goes_by_itself, setup, teardown),
      cmocka_unit_test_setup_teardown(test_live_reload, setup, teardown),
      cmocka_unit_test_setup_teardown(test_drop_opens_a_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_picker_keys_and_mouse, setup, teardown),
      cmocka_unit_test_setup_teardown(test_picker_enter_and_drop, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bookmarks_stop_playback, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bookmarks_of_the_article_programs, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
