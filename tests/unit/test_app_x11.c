/* render/app on a real X server (CTest runs this under xvfb-run as window.x11_software, with
 * LOOPVIZ_TEST_X11=1; anywhere else it skips): with the software renderer asked for, frames are
 * drawn straight into the window's surface, and that surface is X11's own shared-memory image,
 * not a texture of an OpenGL renderer SDL would make behind it (llvmpipe without a GPU: 18 to 31
 * ms a frame to show at 1920x1080, against about 1 ms). */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "sdlr.h"
#include "window_frame.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char gather[] = LOOPVIZ_SOURCE_DIR "/scenarios/gather.py";

static int setup(void **state) {
  (void)state;
  const char *on = getenv("LOOPVIZ_TEST_X11");
  if (on == NULL || strcmp(on, "1") != 0)
    return 0; /* the test skips */
  SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "x11", SDL_HINT_OVERRIDE);
  SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_OVERRIDE);
  return 0;
}

/* Whether a library whose path holds part is mapped into this process. */
static bool maps_name(const char *part) {
  FILE *maps = fopen("/proc/self/maps", "r");
  assert_non_null(maps);
  char line[4096];
  bool found = false;
  while (!found && fgets(line, sizeof line, maps) != NULL)
    found = strstr(line, part) != NULL;
  fclose(maps);
  return found;
}

static void press(app *a, SDL_Keycode key) {
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = key;
  assert_true(app_handle_event(a, &ev));
}

static void test_software_window_shows_x11_shared_memory(void **state) {
  (void)state;
  const char *on = getenv("LOOPVIZ_TEST_X11");
  if (on == NULL || strcmp(on, "1") != 0)
    skip();
  app_config cfg = {gather, NULL, NULL, {0}};
  app *a = NULL;
  char err[512] = "";
  if (app_open(&cfg, &a, err, sizeof err) != APP_OK)
    fail_msg("app_open: %s", err);
  assert_string_equal(SDL_GetCurrentVideoDriver(), "x11");
  press(a, SDLK_END);
  app_draw(a);
  /* drawn into the surface (the renderer is sdlr's own, on no window) */
  assert_null(SDL_RenderGetWindow(app_renderer(a)));
  /* and no OpenGL behind the surface: SDL's texture framebuffer would have loaded a driver */
  assert_false(maps_name("libGL"));
  assert_false(maps_name("_dri.so"));
  SDL_Surface *win = SDL_GetWindowSurface(app_window(a));
  assert_non_null(win);
  /* the frame in it is the export's */
  size_t inked = 0, differ = window_frame_differs(win, app_scene(a), &inked);
  assert_true(inked > 10000);
  assert_int_equal(differ, 0);
  for (size_t i = 0; i < sizeof window_frame_keys / sizeof window_frame_keys[0]; i++) {
    press(a, window_frame_keys[i]); /* frames drawn where they changed, and shown so */
    app_draw(a);
    assert_int_equal(window_frame_differs(win, app_scene(a), &inked), 0);
  }
  app_close(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_software_window_shows_x11_shared_memory, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
