/* app: the SDL window. For now it shows one scenario's file name and source text; it redraws
 * only when an event asks for it and quits on window close or the q key.
 *
 * A scenario that cannot be read is not fatal: the window opens and shows why instead. */
#ifndef LOOPVIZ_APP_H
#define LOOPVIZ_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct app app; /* opaque; only app.c sees inside */

typedef enum app_status {
  APP_OK = 0,         /* the window is open */
  APP_NO_DISPLAY = 1, /* SDL has no video device: no X11 or Wayland display */
  APP_FONT_ERROR = 2, /* no usable font (fontconfig lookup or --font file) */
  APP_SDL_ERROR = 3,  /* window, renderer or SDL_ttf failed */
  APP_NO_MEMORY = 4,  /* an allocation failed */
} app_status;

typedef struct app_config {
  const char *scenario; /* path of the scenario file to show */
  const char *font;     /* --font override for all text, or NULL to ask fontconfig */
  const char *icon;     /* PNG for the window icon, or NULL; a missing file is no error */
} app_config;

/* Initialises SDL video and SDL_ttf, opens the window and loads the scenario text. On failure
 * *out is NULL, SDL is shut down again and a one-line reason is written to err. */
app_status app_open(const app_config *cfg, app **out, char *err, size_t cap);

/* Feeds one event to the app. Returns false when the app should quit. */
bool app_handle_event(app *a, const SDL_Event *ev);

/* Draws one frame and presents it. */
void app_draw(app *a);

/* Draws, then waits for events and redraws after those that change what is shown, until
 * app_handle_event says to quit. */
void app_run(app *a);

/* The message shown instead of the source when the scenario could not be read, else NULL. */
const char *app_error(const app *a);

/* Number of source lines loaded (0 when the scenario could not be read). */
size_t app_line_count(const app *a);

/* Index of the first source line on screen. */
size_t app_scroll(const app *a);

/* The renderer, so tests can read pixels back. */
SDL_Renderer *app_renderer(app *a);

/* Closes the window and shuts SDL_ttf and SDL down. Accepts NULL. */
void app_close(app *a);

#endif
