/* app: the window. It runs a scenario on the simulator with a trace, lays the trace out as a
 * sequence diagram and plays it back, step by step, beside the code, the event loop's queues and
 * the program's output.
 *
 * The playhead is a stop of the diagram plus the fraction of that stop's animation shown; the
 * trace and the diagram never change after loading, so stepping back is moving the playhead.
 * Every frame is scene_build(diagram, playhead, view, theme) replayed by the SDL backend.
 *
 * Keys: Right/Left (PageDown/PageUp) step, Space play or pause, Home/End, + and - speed, q quit;
 * for a classroom: T cycles the themes, F or F11 fullscreen (Esc leaves it), B or . blank the
 * screen, Ctrl +/-/0 zoom, L loop steps or line steps, ? or H the help overlay. The scenario
 * file is watched (polled every 500 ms) and rerun when it changes; a .py file dropped on the
 * window opens it; with no file, a picker of the bundled scenarios opens one. Playback stops at
 * the scenario's `# pause:` bookmarks and shows their text as the caption. The mouse wheel
 * scrolls the diagram (Shift: sideways), dragging pans it, clicking or dragging on the timeline
 * seeks. The window draws 60 frames a second while something moves and otherwise sleeps in
 * SDL_WaitEvent. A scenario that cannot be read, does not compile or raises is shown, never
 * fatal. */
#ifndef LOOPVIZ_APP_H
#define LOOPVIZ_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scene.h"
#include "sim.h"

typedef struct app app; /* opaque; only app.c sees inside */

typedef enum app_status {
  APP_OK = 0,         /* the window is open */
  APP_NO_DISPLAY = 1, /* SDL has no video device: no X11 or Wayland display */
  APP_FONT_ERROR = 2, /* no usable font (fontconfig lookup or --font file) */
  APP_SDL_ERROR = 3,  /* window, renderer or SDL_ttf failed */
  APP_NO_MEMORY = 4,  /* an allocation failed */
} app_status;

typedef struct app_config {
  const char *scenario; /* path of the scenario file to run and show, or NULL for the picker */
  const char *font;     /* --font override for all text, or NULL to ask fontconfig */
  const char *icon;     /* PNG for the window icon, or NULL; a missing file is no error */
  sim_limits limits;    /* the --max-* options: nonzero fields replace the window's limits */
} app_config;

/* Choices beyond app_config; all-zero means the defaults. */
typedef struct app_prefs {
  const char *theme; /* theme name (assets/themes/NAME.theme), or NULL for "light" */
  int width;         /* initial window width in points, 0 for the theme's */
  int height;        /* initial window height in points, 0 for the theme's */
} app_prefs;

/* Initialises SDL video, opens the window, runs the scenario and lays it out. On failure *out is
 * NULL, SDL is shut down again and a one-line reason is written to err. A scenario that fails is
 * no failure here: the window shows why. */
app_status app_open(const app_config *cfg, app **out, char *err, size_t cap);

/* app_open with preferences (prefs may be NULL). */
app_status app_open_prefs(const app_config *cfg, const app_prefs *prefs, app **out, char *err,
                          size_t cap);

/* Feeds one event to the app. Returns false when the app should quit. */
bool app_handle_event(app *a, const SDL_Event *ev);

/* Moves animation and playback on to time now_ms (SDL_GetTicks64). Returns true while something
 * is moving (the caller should keep drawing frames). */
bool app_update(app *a, uint64_t now_ms);

/* Draws one frame and presents it. */
void app_draw(app *a);

/* Draws, then handles events until app_handle_event says to quit: frames at the theme's frame
 * rate while animating or playing, otherwise asleep in SDL_WaitEvent. */
void app_run(app *a);

/* The reason the scenario is not shown as it should be (unreadable, syntax error, uncaught
 * exception), or NULL. */
const char *app_error(const app *a);

/* Everything the program wrote to stdout (the console panel shows it step by step). */
const char *app_output(const app *a);

/* Tracebacks, warnings and loopviz's own complaints (an unreadable theme), as the console shows
 * them at the end. */
const char *app_messages(const app *a);

/* Playback state, for tests. */
size_t app_stop(const app *a);       /* the playhead's stop */
size_t app_stop_count(const app *a); /* stops in the diagram */
float app_fraction(const app *a);    /* how much of the stop's animation is shown */
bool app_playing(const app *a);      /* Space toggled playback on */
float app_speed(const app *a);       /* the speed factor */
bool app_following(const app *a);    /* the diagram scrolls with the playhead */

/* Presenting state, for tests. */
const char *app_theme(const app *a);        /* the theme's name ("light", "dark", "classroom") */
float app_zoom(const app *a);               /* Ctrl + / Ctrl -: 1 is 100% */
bool app_fullscreen(const app *a);          /* F / F11 made the window fullscreen */
bool app_blank(const app *a);               /* B or . blanked the screen */
bool app_help(const app *a);                /* ? or H shows the overlay of keys */
bool app_hint(const app *a);                /* the first start's one-line hint is shown */
bool app_line_steps(const app *a);          /* L: a step is a line, not a loop step */
const char *app_reload_error(const app *a); /* the edited file fails (shown over the last good
                                               run), or NULL */
const char *app_path(const app *a);         /* the scenario file shown */
const char *app_bookmark(const app *a);     /* the `# pause:` caption of the playhead's stop,
                                               or NULL */
bool app_picking(const app *a);             /* no file yet: the picker of bundled scenarios */
size_t app_picked(const app *a);            /* the picker's highlighted entry */

/* The diagram and the last frame's display list. */
const layout_diagram *app_diagram(const app *a);
const scene_list *app_scene(const app *a);

/* The renderer the frames are drawn with, so tests can read pixels back (on SDL's software
 * renderer, the one drawing into the window's surface), and the window. */
SDL_Renderer *app_renderer(app *a);
SDL_Window *app_window(app *a);

/* Closes the window and shuts SDL down. Accepts NULL. */
void app_close(app *a);

#endif
