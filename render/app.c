/* app: the window, its playback state and its event loop. See app.h.
 *
 * Sizes in the theme are points. The view's scale is the display's pixel density (HiDPI), times
 * a fit factor that grows the whole picture on windows larger than the theme's design size (and
 * shrinks it a little on smaller ones), so 1024x640 and 2560x1440 both look composed. */
#include "app.h"

#include "fmt.h"
#include "layout.h"
#include "paths.h"
#include "sdlr.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"

#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Playback speeds, slowest first; + and - move through them. */
static const float speeds[] = {0.25f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f};
enum {
  SPEED_COUNT = sizeof speeds / sizeof speeds[0],
  SPEED_DEFAULT = 2,     /* speeds[2] == 1 */
  APP_ERROR_BYTES = 1024 /* room for the one-line error */
};

/* A window shows a lesson, not a benchmark: runaway scenarios stop early (at worst half a
 * million trace events, a quarter of a second) and say so, instead of keeping the window from
 * opening or playing back slowly. The article's programs run a few thousand instructions. */
static const uint64_t app_max_instructions = 1000000ull;
static const uint64_t app_max_memory = 512ull << 20;

static const char default_theme[] = "light";

struct app {
  SDL_Window *window;                 /* the one window */
  SDL_Renderer *renderer;             /* its renderer */
  sdlr *backend;                      /* replays display lists on renderer; measures text */
  char font_store[FACE__COUNT][4096]; /* font files */
  sdlr_fonts fonts;                   /* pointers into font_store */
  theme theme;                        /* colours, sizes, durations */
  trace *trace;                       /* the run */
  layout_diagram *diagram;            /* the run as a sequence diagram */
  fmt_buf out;                        /* what the program printed */
  fmt_buf err;                        /* tracebacks and warnings */
  char error[APP_ERROR_BYTES];        /* why the run is not as it should be; empty when fine */
  scene_list list;                    /* the last frame */
  size_t stop;                        /* playhead: the stop shown */
  float fraction;                     /* playhead: how much of its animation is shown */
  bool animating;                     /* fraction is still growing */
  uint64_t anim_start;                /* when the animation of stop began, ms */
  uint64_t hold_start;                /* when that animation ended, ms (playback dwells after it) */
  bool playing;                       /* playback steps on by itself */
  int speed;                          /* index in speeds */
  bool follow;                        /* the diagram scrolls with the playhead */
  float scroll_x, scroll_y;           /* diagram scroll, points, when not following */
  bool panning;                       /* the left button drags the diagram */
  bool seeking;                       /* the left button drags on the timeline */
  float pan_x, pan_y;                 /* where the drag started, pixels */
  float pan_sx, pan_sy;               /* the scroll when it started */
  bool dirty;                         /* something changed: draw before sleeping */
};

/* ---- running the scenario ---------------------------------------------------------------- */

static void capture_out(void *user, const char *text, size_t len) {
  app *a = user;
  fmt_buf_append(&a->out, text, len);
}

static void capture_err(void *user, const char *text, size_t len) {
  app *a = user;
  fmt_buf_append(&a->err, text, len);
}

/* The last non-blank line of the error output: "ValueError: boom", "SyntaxError: ...". */
static void last_line(const char *s, char *out, size_t cap) {
  const char *end = s + strlen(s);
  while (end > s && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
    end--;
  const char *start = end;
  while (start > s && start[-1] != '\n')
    start--;
  while (start < end && *start == ' ')
    start++;
  snprintf(out, cap, "%.*s", (int)(end - start), start);
}

static bool load(app *a, const char *path, char *err, size_t cap) {
  a->trace = trace_new(true);
  if (a->trace == NULL) {
    snprintf(err, cap, "out of memory");
    return false;
  }
  sim_options o;
  sim_options_init(&o);
  o.out = capture_out;
  o.err = capture_err;
  o.user = a;
  o.trace = a->trace;
  o.limits.max_instructions = app_max_instructions;
  o.limits.max_memory = app_max_memory;
  errno = 0;
  sim_status st = sim_run_file(&o, path);
  int saved = errno;
  char line[APP_ERROR_BYTES / 2];
  last_line(fmt_buf_str(&a->err), line, sizeof line);
  if (st == SIM_IO_ERROR)
    snprintf(a->error, sizeof a->error, "cannot read %.400s: %s", path,
             line[0] != '\0' ? line
             : saved != 0    ? strerror(saved)
                             : "read error");
  else if (st == SIM_ERROR)
    snprintf(a->error, sizeof a->error, "The program stopped with an error: %s",
             line[0] != '\0' ? line : "see the console");
  layout_options lo = {&a->theme, sdlr_measure, a->backend, GRAIN_LOOP};
  if (layout_build(a->trace, &lo, &a->diagram) != LAYOUT_OK) {
    snprintf(err, cap, "out of memory");
    return false;
  }
  return true;
}

/* ---- the view ----------------------------------------------------------------------------- */

static float density(const app *a) {
  int ww = 0, wh = 0, pw = 0, ph = 0;
  SDL_GetWindowSize(a->window, &ww, &wh);
  if (SDL_GetRendererOutputSize(a->renderer, &pw, &ph) != 0 || ww <= 0)
    return 1.0f;
  return (float)pw / (float)ww;
}

static void make_view(const app *a, scene_view *v) {
  int ww = 0, wh = 0;
  SDL_GetWindowSize(a->window, &ww, &wh);
  SDL_GetRendererOutputSize(a->renderer, &v->w, &v->h);
  const theme *t = &a->theme;
  float fw = (float)ww / t->design_w, fh = (float)wh / t->design_h;
  float fit = fw < fh ? fw : fh;
  float lo = t->fit_min / 100.0f, hi = t->fit_max / 100.0f;
  fit = fit < lo ? lo : fit > hi ? hi : fit;
  v->scale = density(a) * fit;
  v->scroll_x = a->scroll_x;
  v->scroll_y = a->scroll_y;
  v->follow = a->follow;
  v->diagram_only = false;
  v->playing = a->playing;
  v->speed = speeds[a->speed];
  v->error = a->error[0] != '\0' ? a->error : NULL;
  v->err_text = fmt_buf_str(&a->err);
}

static void make_input(const app *a, const scene_view *v, scene_input *in) {
  *in = (scene_input){a->diagram, a->stop, a->fraction, v, &a->theme, sdlr_measure, a->backend};
}

void app_draw(app *a) {
  scene_view v;
  scene_input in;
  make_view(a, &v);
  make_input(a, &v, &in);
  scene_build(&in, &a->list);
  SDL_SetRenderDrawColor(a->renderer, 0, 0, 0, 0xff);
  SDL_RenderClear(a->renderer);
  sdlr_draw(a->backend, &a->list);
  SDL_RenderPresent(a->renderer);
  a->dirty = false;
}

/* ---- playback ----------------------------------------------------------------------------- */

static void go_to(app *a, size_t stop, bool animate) {
  size_t last = a->diagram->nstops - 1;
  a->stop = stop > last ? last : stop;
  a->fraction = animate ? 0.0f : 1.0f;
  a->animating = animate;
  uint64_t now = SDL_GetTicks64();
  a->anim_start = now;
  a->hold_start = now;
  a->follow = true;
  a->dirty = true;
}

static void step_forward(app *a) {
  if (a->stop + 1 < a->diagram->nstops)
    go_to(a, a->stop + 1, true);
}

static void step_back(app *a) {
  if (a->stop > 0)
    go_to(a, a->stop - 1, false);
  else
    go_to(a, 0, false);
}

static void toggle_play(app *a) {
  a->playing = !a->playing;
  if (a->playing && a->stop + 1 >= a->diagram->nstops)
    go_to(a, 0, false); /* playing from the end starts over */
  a->hold_start = SDL_GetTicks64();
  a->dirty = true;
}

static void change_speed(app *a, int by) {
  int s = a->speed + by;
  if (s < 0 || s >= SPEED_COUNT)
    return;
  /* keep the animation where it is: restart its clock at the same fraction */
  uint64_t now = SDL_GetTicks64();
  float new_ms = scene_stop_ms(a->diagram, &a->theme, a->stop) / speeds[s];
  if (a->animating)
    a->anim_start = now - (uint64_t)(a->fraction * new_ms);
  a->speed = s;
  a->dirty = true;
}

bool app_update(app *a, uint64_t now) {
  float speed = speeds[a->speed];
  if (a->animating) {
    float ms = scene_stop_ms(a->diagram, &a->theme, a->stop) / speed;
    float f = now > a->anim_start ? (float)(now - a->anim_start) / ms : 0.0f;
    if (f >= 1.0f) {
      f = 1.0f;
      a->animating = false;
      a->hold_start = now;
    }
    a->fraction = f;
    a->dirty = true;
  }
  if (a->playing && !a->animating) {
    if (a->stop + 1 >= a->diagram->nstops) {
      a->playing = false;
      a->dirty = true;
    } else if ((float)(now - a->hold_start) >= a->theme.dwell_ms / speed) {
      step_forward(a);
      a->anim_start = now;
    }
  }
  return a->animating || a->playing;
}

/* ---- scrolling and the mouse -------------------------------------------------------------- */

/* The scroll as shown now: when following, what follow computes. */
static void current_scroll(app *a) {
  if (!a->follow)
    return;
  scene_view v;
  scene_input in;
  make_view(a, &v);
  make_input(a, &v, &in);
  a->scroll_y = scene_follow_y(&in);
  a->follow = false;
}

static void scroll_to(app *a, float x, float y) {
  scene_view v;
  scene_input in;
  make_view(a, &v);
  make_input(a, &v, &in);
  float mx = 0, my = 0;
  scene_scroll_limits(&in, &mx, &my);
  a->scroll_x = x < 0 ? 0 : x > mx ? mx : x;
  a->scroll_y = y < 0 ? 0 : y > my ? my : y;
  a->dirty = true;
}

static void seek(app *a, float px, float py) {
  scene_view v;
  scene_input in;
  make_view(a, &v);
  make_input(a, &v, &in);
  long k = scene_timeline_stop_at(&in, px, py);
  if (k >= 0 && ((size_t)k != a->stop || a->animating))
    go_to(a, (size_t)k, false);
}

static bool in_rect(scene_rect r, float x, float y) {
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static void mouse_down(app *a, const SDL_MouseButtonEvent *b) {
  if (b->button != SDL_BUTTON_LEFT)
    return;
  float d = density(a), x = (float)b->x * d, y = (float)b->y * d;
  scene_view v;
  scene_input in;
  make_view(a, &v);
  make_input(a, &v, &in);
  scene_panels p;
  scene_layout_panels(&in, &p);
  if (in_rect(p.timeline, x, y)) {
    a->seeking = true;
    seek(a, x, y);
  } else if (in_rect(p.diagram, x, y)) {
    current_scroll(a);
    a->panning = true;
    a->pan_x = x;
    a->pan_y = y;
    a->pan_sx = a->scroll_x;
    a->pan_sy = a->scroll_y;
  }
}

static void mouse_motion(app *a, const SDL_MouseMotionEvent *m) {
  float d = density(a), x = (float)m->x * d, y = (float)m->y * d;
  if (a->seeking) {
    seek(a, x, y);
    return;
  }
  if (!a->panning)
    return;
  scene_view v;
  scene_input in;
  make_view(a, &v);
  make_input(a, &v, &in);
  scene_panels p;
  scene_layout_panels(&in, &p);
  scroll_to(a, a->pan_sx - (x - a->pan_x) / p.dscale, a->pan_sy - (y - a->pan_y) / p.dscale);
}

static void wheel(app *a, const SDL_MouseWheelEvent *w) {
  float flip = w->direction == SDL_MOUSEWHEEL_FLIPPED ? -1.0f : 1.0f;
  float dx = (float)w->x * flip, dy = (float)w->y * flip;
  if (SDL_GetModState() & KMOD_SHIFT) {
    dx = dy;
    dy = 0;
  }
  current_scroll(a);
  float step = a->theme.wheel_step;
  scroll_to(a, a->scroll_x + dx * step, a->scroll_y - dy * step);
}

/* ---- events ------------------------------------------------------------------------------- */

static bool handle_key(app *a, const SDL_KeyboardEvent *k) {
  switch (k->keysym.sym) {
  case SDLK_q:
    return false;
  case SDLK_RIGHT:
  case SDLK_PAGEDOWN:
    step_forward(a);
    break;
  case SDLK_LEFT:
  case SDLK_PAGEUP:
    step_back(a);
    break;
  case SDLK_SPACE:
    toggle_play(a);
    break;
  case SDLK_HOME:
    go_to(a, 0, false);
    break;
  case SDLK_END:
    go_to(a, a->diagram->nstops - 1, false);
    break;
  case SDLK_PLUS:
  case SDLK_KP_PLUS:
  case SDLK_EQUALS:
    change_speed(a, 1);
    break;
  case SDLK_MINUS:
  case SDLK_KP_MINUS:
    change_speed(a, -1);
    break;
  case SDLK_UP:
  case SDLK_DOWN:
    current_scroll(a);
    scroll_to(a, a->scroll_x,
              a->scroll_y + (k->keysym.sym == SDLK_UP ? -1.0f : 1.0f) * a->theme.wheel_step);
    break;
  default:
    break;
  }
  return true;
}

bool app_handle_event(app *a, const SDL_Event *ev) {
  switch (ev->type) {
  case SDL_QUIT:
    return false;
  case SDL_KEYDOWN:
    return handle_key(a, &ev->key);
  case SDL_MOUSEWHEEL:
    wheel(a, &ev->wheel);
    return true;
  case SDL_MOUSEBUTTONDOWN:
    mouse_down(a, &ev->button);
    return true;
  case SDL_MOUSEBUTTONUP:
    a->panning = false;
    a->seeking = false;
    return true;
  case SDL_MOUSEMOTION:
    mouse_motion(a, &ev->motion);
    return true;
  case SDL_WINDOWEVENT:
    switch (ev->window.event) {
    case SDL_WINDOWEVENT_CLOSE:
      return false;
    case SDL_WINDOWEVENT_SIZE_CHANGED:
    case SDL_WINDOWEVENT_DISPLAY_CHANGED:
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_SHOWN:
    case SDL_WINDOWEVENT_RESTORED:
      a->dirty = true;
      break;
    default:
      break;
    }
    return true;
  default:
    return true;
  }
}

void app_run(app *a) {
  uint64_t last_frame = SDL_GetTicks64();
  app_update(a, last_frame);
  app_draw(a);
  uint64_t frame = (uint64_t)a->theme.frame_ms;
  for (;;) {
    SDL_Event ev;
    bool moving = a->animating || a->playing;
    int got;
    if (moving) {
      uint64_t now = SDL_GetTicks64(), since = now - last_frame;
      got = SDL_WaitEventTimeout(&ev, since >= frame ? 0 : (int)(frame - since));
    } else {
      got = SDL_WaitEvent(&ev);
    }
    if (got) {
      if (!app_handle_event(a, &ev))
        return;
      while (SDL_PollEvent(&ev)) /* a burst of events costs one frame */
        if (!app_handle_event(a, &ev))
          return;
    }
    uint64_t now = SDL_GetTicks64();
    app_update(a, now);
    if (a->dirty && (!moving || now - last_frame >= frame || got)) {
      app_draw(a);
      last_frame = now;
    }
  }
}

/* ---- lifetime ----------------------------------------------------------------------------- */

static void set_icon(app *a, const char *icon) {
  if (icon == NULL)
    return;
  SDL_Surface *s = IMG_Load(icon);
  if (s == NULL)
    return;
  SDL_SetWindowIcon(a->window, s);
  SDL_FreeSurface(s);
}

/* Left to itself, SDL falls back to its offscreen driver when there is no display, which would
 * run a window nobody can see, and probing Wayland without a session prints to stderr. So unless
 * the user chose drivers (SDL_VIDEODRIVER, which may also name KMSDRM for a bare console), offer
 * SDL only X11 and Wayland, and only when their session variables are set. Returns false when
 * there is nothing to offer: no display. */
static bool choose_video_drivers(void) {
  if (SDL_GetHint(SDL_HINT_VIDEODRIVER) != NULL)
    return true;
  const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
  bool has_x11 = x11 != NULL && x11[0] != '\0';
  bool has_wayland = wayland != NULL && wayland[0] != '\0';
  if (!has_x11 && !has_wayland)
    return false;
  SDL_SetHint(SDL_HINT_VIDEODRIVER, has_x11 && has_wayland ? "x11,wayland"
                                    : has_x11              ? "x11"
                                                           : "wayland");
  return true;
}

static void load_theme(app *a, const char *name) {
  char data[PATHS_MAX], msg[512];
  const char *want = name != NULL ? name : default_theme;
  if (paths_data_dir(data, sizeof data) != PATHS_OK) {
    theme_defaults(&a->theme);
    if (name != NULL)
      fmt_buf_appendf(&a->err, "loopviz: theme %s: no data directory; the built-in theme is used\n",
                      name);
    return;
  }
  if (theme_load(&a->theme, data, want, msg, sizeof msg) != THEME_OK)
    fmt_buf_appendf(&a->err, "loopviz: %s; the built-in theme is used\n", msg);
}

/* The window's size in points: the asked or the theme's, within the display's usable area. */
static void window_size(const app *a, const app_prefs *cfg, int *w, int *h) {
  *w = cfg->width > 0 ? cfg->width : (int)a->theme.window_w;
  *h = cfg->height > 0 ? cfg->height : (int)a->theme.window_h;
  SDL_Rect usable;
  if (cfg->width <= 0 && SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 &&
      usable.h > 0) {
    if (*w > usable.w)
      *w = usable.w;
    if (*h > usable.h)
      *h = usable.h;
  }
}

app_status app_open(const app_config *cfg, app **out, char *err, size_t cap) {
  return app_open_prefs(cfg, NULL, out, err, cap);
}

app_status app_open_prefs(const app_config *cfg, const app_prefs *prefs, app **out, char *err,
                          size_t cap) {
  static const app_prefs defaults = {NULL, 0, 0};
  if (prefs == NULL)
    prefs = &defaults;
  *out = NULL;
  app *a = calloc(1, sizeof *a);
  if (a == NULL) {
    snprintf(err, cap, "out of memory");
    return APP_NO_MEMORY;
  }
  fmt_buf_init(&a->out);
  fmt_buf_init(&a->err);
  scene_list_init(&a->list);
  a->speed = SPEED_DEFAULT;
  a->follow = true;
  a->fraction = 1.0f;
  if (sdlr_find_fonts(cfg->font, a->font_store, &a->fonts, err, cap) != SDLR_OK) {
    app_close(a);
    return APP_FONT_ERROR;
  }
  if (!choose_video_drivers()) {
    snprintf(err, cap, "no display available (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    app_close(a);
    return APP_NO_DISPLAY;
  }
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    snprintf(err, cap, "no display available (SDL: %s)", SDL_GetError());
    fmt_buf_free(&a->out);
    fmt_buf_free(&a->err);
    free(a);
    return APP_NO_DISPLAY;
  }
  load_theme(a, prefs->theme);
  int w = 0, h = 0;
  window_size(a, prefs, &w, &h);
  a->window = SDL_CreateWindow("loopviz", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h,
                               SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (a->window != NULL) {
    a->renderer = SDL_CreateRenderer(a->window, -1, SDL_RENDERER_PRESENTVSYNC);
    if (a->renderer == NULL) /* no vsync to be had: frames are paced by frame_ms anyway */
      a->renderer = SDL_CreateRenderer(a->window, -1, 0);
  }
  if (a->renderer == NULL) {
    snprintf(err, cap, "cannot open a window: %s", SDL_GetError());
    app_close(a);
    return APP_SDL_ERROR;
  }
  sdlr_status st = sdlr_new(a->renderer, &a->fonts, &a->backend, err, cap);
  if (st != SDLR_OK) {
    app_close(a);
    return st == SDLR_FONT_ERROR  ? APP_FONT_ERROR
           : st == SDLR_NO_MEMORY ? APP_NO_MEMORY
                                  : APP_SDL_ERROR;
  }
  set_icon(a, cfg->icon);
  const char *slash = strrchr(cfg->scenario, '/');
  char title[PATHS_MAX];
  snprintf(title, sizeof title, "loopviz \xe2\x80\x94 %s",
           slash != NULL ? slash + 1 : cfg->scenario);
  SDL_SetWindowTitle(a->window, title);
  if (!load(a, cfg->scenario, err, cap)) {
    app_close(a);
    return APP_NO_MEMORY;
  }
  a->stop = 0;
  a->dirty = true;
  *out = a;
  return APP_OK;
}

const char *app_error(const app *a) { return a->error[0] != '\0' ? a->error : NULL; }
const char *app_output(const app *a) { return fmt_buf_str(&a->out); }
const char *app_messages(const app *a) { return fmt_buf_str(&a->err); }
size_t app_stop(const app *a) { return a->stop; }
size_t app_stop_count(const app *a) { return a->diagram->nstops; }
float app_fraction(const app *a) { return a->fraction; }
bool app_playing(const app *a) { return a->playing; }
float app_speed(const app *a) { return speeds[a->speed]; }
bool app_following(const app *a) { return a->follow; }
const layout_diagram *app_diagram(const app *a) { return a->diagram; }
const scene_list *app_scene(const app *a) { return &a->list; }
SDL_Renderer *app_renderer(app *a) { return a->renderer; }

void app_close(app *a) {
  if (a == NULL)
    return;
  sdlr_free(a->backend);
  if (a->renderer != NULL)
    SDL_DestroyRenderer(a->renderer);
  if (a->window != NULL)
    SDL_DestroyWindow(a->window);
  if (a->window != NULL || a->renderer != NULL || SDL_WasInit(SDL_INIT_VIDEO)) {
    IMG_Quit();
    SDL_Quit();
  }
  layout_free(a->diagram);
  trace_free(a->trace);
  scene_list_free(&a->list);
  fmt_buf_free(&a->out);
  fmt_buf_free(&a->err);
  free(a);
}
