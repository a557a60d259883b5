/* app: the window, its playback state and its event loop. See app.h.
 *
 * Sizes in the theme are points. The view's scale is the display's pixel density (HiDPI), times
 * a fit factor that grows the whole picture on windows larger than the theme's design size (and
 * shrinks it a little on smaller ones), so 1024x640 and 2560x1440 both look composed. */
#define _XOPEN_SOURCE 700

#include "app.h"

#include "fmt.h"
#include "layout.h"
#include "paths.h"
#include "scenarios.h"
#include "sdlr.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"

#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* T cycles through these, in this order. */
static const char *const cycle_themes[] = {"light", "dark", "classroom"};
enum { THEME_CYCLE = sizeof cycle_themes / sizeof cycle_themes[0] };

/* Zoom (Ctrl + and Ctrl -) multiplies the view's scale by a power of this step, within the
 * bounds; Ctrl 0 returns to 1. */
static const float zoom_step = 1.25f;
static const float zoom_min = 0.4f;
static const float zoom_max = 4.0f;

/* How often the scenario file is checked for changes, and how long the first start's hint
 * stays (it also goes at the first key). */
static const uint64_t poll_ms = 500;
static const uint64_t hint_ms = 8000;

/* The help overlay: every key, and what it does. */
static const char *const help_lines[][2] = {
    {"Right, PageDown", "next step"},
    {"Left, PageUp", "previous step"},
    {"Space", "play / pause"},
    {"Home, End", "first / last step"},
    {"+, -", "faster / slower playback"},
    {"Up, Down, wheel", "scroll the diagram (drag to pan)"},
    {"L", "loop steps / line steps"},
    {"T", "theme: light, dark, classroom"},
    {"Ctrl +, Ctrl -, Ctrl 0", "zoom in, out, back to 100%"},
    {"F, F11", "fullscreen (Esc leaves it)"},
    {"B, .", "blank the screen / bring it back"},
    {"? or H", "this help"},
    {"drop a .py file", "open it; saved edits reload by themselves"},
    {"q", "quit"},
};
enum { HELP_LINES = sizeof help_lines / sizeof help_lines[0] };

static const char hint_text[] =
    "Right or PageDown: next step   \xc2\xb7   ? or H: every key   \xc2\xb7   T: theme   \xc2\xb7   F: "
    "fullscreen";

/* One run of the scenario: what the simulator produced and the diagram laid out from it. */
typedef struct app_run_data {
  trace *trace;                /* the run */
  layout_diagram *diagram;     /* the run as a sequence diagram */
  fmt_buf out;                 /* what the program printed */
  fmt_buf err;                 /* tracebacks and warnings */
  char error[APP_ERROR_BYTES]; /* why the run is not as it should be; empty when fine */
} app_run_data;

struct app {
  SDL_Window *window;                 /* the one window */
  SDL_Renderer *renderer;             /* its renderer */
  sdlr *backend;                      /* replays display lists on renderer; measures text */
  bool soft;                          /* SDL would render in software: there is no renderer
                                         on the window, backend draws into its surface as it
                                         draws offscreen (several times faster than through
                                         SDL's software renderer), and renderer is backend's */
  bool show_all;                      /* soft: the next frame is shown whole (the window was
                                         exposed, shown or resized), not only what changed */
  char font_store[FACE__COUNT][4096]; /* font files */
  sdlr_fonts fonts;                   /* pointers into font_store */
  theme theme;                        /* colours, sizes, durations */
  app_run_data run;                   /* the run shown */
  sim_limits limits;                  /* the --max-* options given (zero fields: the window's) */
  char path[PATHS_MAX];               /* the scenario file */
  bool have_stat;                     /* mtime and size below are known */
  struct timespec mtime;              /* the file's modification time when last run */
  long long fsize;                    /* its size then */
  uint64_t next_poll;                 /* when to look at the file again, ms */
  char reload_error[APP_ERROR_BYTES]; /* the edited file fails: shown over the last good run */
  layout_grain grain;                 /* what a step is: loop steps or line steps */
  float zoom;                         /* Ctrl + / Ctrl -: multiplies the view's scale */
  bool fullscreen;                    /* F: the window covers the display */
  bool blank;                         /* B: the screen is black */
  bool help;                          /* ?: the overlay of keys is shown */
  bool hint;                          /* the first start's one-line hint is shown */
  uint64_t hint_until;                /* when the hint goes by itself, ms */
  scen_header marks;                  /* the scenario's `# pause:` bookmarks */
  int *pause_at;                      /* per stop: the bookmark it reaches, or -1 */
  size_t npause_at;                   /* entries of pause_at */
  bool picking;                       /* no scenario yet: the picker of bundled ones is shown */
  scen_list scenarios;                /* the picker's entries */
  char picker_msg[APP_ERROR_BYTES];   /* why the picker is empty, or "" */
  size_t picked;                      /* the picker's highlighted entry */
  size_t picker_top;                  /* the first entry shown (the list scrolls) */
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
  app_run_data *r = user;
  fmt_buf_append(&r->out, text, len);
}

static void capture_err(void *user, const char *text, size_t len) {
  app_run_data *r = user;
  fmt_buf_append(&r->err, text, len);
}

static void run_init(app_run_data *r) {
  memset(r, 0, sizeof *r);
  fmt_buf_init(&r->out);
  fmt_buf_init(&r->err);
}

static void run_free(app_run_data *r) {
  layout_free(r->diagram);
  trace_free(r->trace);
  fmt_buf_free(&r->out);
  fmt_buf_free(&r->err);
  memset(r, 0, sizeof *r);
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

/* Lays r's trace out at the app's theme and grain, replacing r's diagram. */
static bool lay_out(const app *a, app_run_data *r) {
  layout_options lo = {&a->theme, sdlr_measure, a->backend, a->grain};
  layout_diagram *d = NULL;
  if (layout_build(r->trace, &lo, &d) != LAYOUT_OK)
    return false;
  layout_free(r->diagram);
  r->diagram = d;
  return true;
}

/* Runs the scenario at path into r (initialised by run_init). False only when memory ran out. */
static bool load(app *a, app_run_data *r, const char *path, char *err, size_t cap) {
  r->trace = trace_new(true);
  if (r->trace == NULL) {
    snprintf(err, cap, "out of memory");
    return false;
  }
  sim_options o;
  sim_options_init(&o);
  o.out = capture_out;
  o.err = capture_err;
  o.user = r;
  o.trace = r->trace;
  o.limits.max_instructions = app_max_instructions;
  o.limits.max_memory = app_max_memory;
  sim_limits_override(&o.limits, &a->limits);
  errno = 0;
  sim_status st = sim_run_file(&o, path);
  int saved = errno;
  char line[APP_ERROR_BYTES / 2];
  last_line(fmt_buf_str(&r->err), line, sizeof line);
  if (st == SIM_IO_ERROR)
    snprintf(r->error, sizeof r->error, "cannot read %.400s: %s", path,
             line[0] != '\0' ? line
             : saved != 0    ? strerror(saved)
                             : "read error");
  else if (st == SIM_ERROR)
    snprintf(r->error, sizeof r->error, "The program stopped with an error: %s",
             line[0] != '\0' ? line : "see the console");
  if (!lay_out(a, r)) {
    snprintf(err, cap, "out of memory");
    return false;
  }
  return true;
}

/* Reads the scenario file's modification time and size; false when it cannot be read. */
static bool file_stamp(const char *path, struct timespec *mtime, long long *size) {
  struct stat st;
  if (stat(path, &st) != 0)
    return false;
  *mtime = st.st_mtim;
  *size = (long long)st.st_size;
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
  v->scale = density(a) * scene_fit_scale(&a->theme, ww, wh) * a->zoom;
  v->scroll_x = a->scroll_x;
  v->scroll_y = a->scroll_y;
  v->follow = a->follow;
  v->diagram_only = false;
  v->no_keys = false; /* the keys work here */
  v->playing = a->playing;
  v->speed = speeds[a->speed];
  v->error = a->run.error[0] != '\0' ? a->run.error : NULL;
  v->err_text = fmt_buf_str(&a->run.err);
}

static void make_input(const app *a, const scene_view *v, scene_input *in) {
  *in = (scene_input){a->run.diagram, a->stop, a->fraction, v, &a->theme, sdlr_measure, a->backend};
}

/* Every key, in two columns, in a box centred on the output: as large as the caption's type, or
 * smaller when the window is too small for that. */
static void help_overlay(app *a, const scene_view *v) {
  const theme *t = &a->theme;
  float s = v->scale, pad = t->pad * s;
  int size = (int)(t->caption_pt * s + 0.5f);
  float kw = 0, dw = 0, lh = 0, gap = 0, bw = 0, bh = 0;
  for (int pass = 0; pass < 2; pass++) {
    kw = dw = lh = 0;
    for (int i = 0; i < HELP_LINES; i++) {
      float w = 0, h = 0;
      sdlr_measure(a->backend, FACE_SANS_BOLD, (float)size, help_lines[i][0],
                   strlen(help_lines[i][0]), &w, &h);
      kw = w > kw ? w : kw;
      lh = h > lh ? h : lh;
      sdlr_measure(a->backend, FACE_SANS, (float)size, help_lines[i][1], strlen(help_lines[i][1]),
                   &w, &h);
      dw = w > dw ? w : dw;
    }
    gap = 3 * pad;
    bw = kw + gap + dw + 4 * pad;
    bh = (float)HELP_LINES * lh + 4 * pad;
    float fw = (float)v->w * 0.94f / bw, fh = (float)v->h * 0.94f / bh;
    float f = fw < fh ? fw : fh;
    if (f >= 1.0f)
      break;
    size = (int)((float)size * f);
  }
  float x = ((float)v->w - bw) / 2, y = ((float)v->h - bh) / 2;
  scene_add_fill(&a->list, 0, 0, (float)v->w, (float)v->h, 0, theme_fade(t->background, 0.8f));
  scene_add_fill(&a->list, x, y, bw, bh, t->radius * s, t->panel_border);
  float bd = t->line_w * s * 2;
  scene_add_fill(&a->list, x + bd, y + bd, bw - 2 * bd, bh - 2 * bd, t->radius * s, t->panel);
  for (int i = 0; i < HELP_LINES; i++) {
    float ly = y + 2 * pad + (float)i * lh;
    scene_add_text(&a->list, FACE_SANS_BOLD, size, x + 2 * pad, ly, t->text, help_lines[i][0]);
    scene_add_text(&a->list, FACE_SANS, size, x + 2 * pad + kw + gap, ly, t->text_dim,
                   help_lines[i][1]);
  }
}

/* What covers the frame: the blank screen, a failing edit's error, the help, the first hint. */
static const char *pause_text(const app *a);
static void fit_text(app *a, layout_face face, int size, const char *s, float w, char *out,
                     size_t cap);

static void overlays(app *a, const scene_view *v) {
  const theme *t = &a->theme;
  float s = v->scale, pad = t->pad * s;
  if (a->blank) {
    scene_list_clear(&a->list);
    scene_add_fill(&a->list, 0, 0, (float)v->w, (float)v->h, 0, (theme_color){0, 0, 0, 0xff});
    return;
  }
  const char *mark = pause_text(a);
  if (mark != NULL && a->reload_error[0] == '\0') {
    /* the bookmark's text replaces the caption sentence */
    scene_input in;
    make_input(a, v, &in);
    scene_panels p;
    scene_layout_panels(&in, &p);
    scene_rect r = p.caption;
    int size = (int)(t->caption_pt * s + 0.5f);
    scene_add_fill(&a->list, r.x, r.y, r.w, r.h, t->radius * s, t->note_border);
    float bd = t->line_w * s * 2;
    scene_add_fill(&a->list, r.x + bd, r.y + bd, r.w - 2 * bd, r.h - 2 * bd, t->radius * s,
                   t->note_bg);
    char buf[512];
    fit_text(a, FACE_SANS_BOLD, size, mark, r.w - 4 * pad, buf, sizeof buf);
    float w = 0, h = 0;
    sdlr_measure(a->backend, FACE_SANS_BOLD, (float)size, buf, strlen(buf), &w, &h);
    scene_add_text(&a->list, FACE_SANS_BOLD, size, r.x + (r.w - w) / 2, r.y + (r.h - h) / 2,
                   t->note_text, buf);
  }
  if (a->reload_error[0] != '\0') {
    /* over the caption band, so the diagram below stays the last good one */
    scene_input in;
    make_input(a, v, &in);
    scene_panels p;
    scene_layout_panels(&in, &p);
    scene_rect r = p.caption;
    int size = (int)(t->caption_pt * s + 0.5f), small = (int)(t->info_pt * s + 0.5f);
    scene_add_fill(&a->list, r.x, r.y, r.w, r.h, t->radius * s, t->error);
    float bd = t->line_w * s * 2;
    scene_add_fill(&a->list, r.x + bd, r.y + bd, r.w - 2 * bd, r.h - 2 * bd, t->radius * s,
                   t->error_bg);
    scene_add_text(&a->list, FACE_SANS_BOLD, size, r.x + 2 * pad, r.y + pad, t->error,
                   a->reload_error);
    float w = 0, h = 0;
    sdlr_measure(a->backend, FACE_SANS_BOLD, (float)size, "Ag", 2, &w, &h);
    scene_add_text(&a->list, FACE_SANS, small, r.x + 2 * pad, r.y + pad + h, t->text,
                   "Below: the last run that worked. Save the file again once it is fixed.");
  }
  if (a->help) {
    help_overlay(a, v);
    return;
  }
  if (a->hint) {
    /* inverted, at the foot of the diagram panel, where it covers the least */
    scene_input in;
    make_input(a, v, &in);
    scene_panels p;
    scene_layout_panels(&in, &p);
    int size = (int)(t->info_pt * 1.3f * s + 0.5f);
    float w = 0, h = 0;
    sdlr_measure(a->backend, FACE_SANS_BOLD, (float)size, hint_text, strlen(hint_text), &w, &h);
    if (w + 4 * pad > (float)v->w * 0.94f) { /* a narrow window: smaller type, one line still */
      size = (int)((float)size * (float)v->w * 0.94f / (w + 4 * pad));
      sdlr_measure(a->backend, FACE_SANS_BOLD, (float)size, hint_text, strlen(hint_text), &w, &h);
    }
    float bw = w + 4 * pad, bh = h + 2 * pad;
    float x = ((float)v->w - bw) / 2, y = p.diagram.y + p.diagram.h - bh - 2 * pad;
    scene_add_fill(&a->list, x, y, bw, bh, t->radius * s, t->text);
    scene_add_text(&a->list, FACE_SANS_BOLD, size, x + 2 * pad, y + pad, t->panel, hint_text);
  }
}

static void picker_draw(app *a, const scene_view *v);

/* Soft: backend follows the window's surface (SDL makes a new one when the size changes), and
 * renderer is backend's. False when the window has no surface to be had just now. */
static bool follow_surface(app *a) {
  char err[256];
  if (!a->soft)
    return true;
  SDL_Surface *s = SDL_GetWindowSurface(a->window);
  bool ok = s != NULL && sdlr_view_set(a->backend, s, err, sizeof err) == SDLR_OK;
  a->renderer = sdlr_renderer(a->backend);
  return ok && a->renderer != NULL;
}

void app_draw(app *a) {
  scene_view v;
  scene_input in;
  if (!follow_surface(a)) {
    a->dirty = true; /* tried again at the next turn */
    return;
  }
  make_view(a, &v);
  if (a->picking) {
    picker_draw(a, &v);
  } else {
    make_input(a, &v, &in);
    scene_build(&in, &a->list);
    overlays(a, &v);
  }
  if (a->soft) { /* drawn into the window's surface where the frame changed, and that shown */
    SDL_Rect rects[16];
    int n = 0;
    bool drawn = sdlr_render_damage(a->backend, &a->list, rects, 16, &n) != NULL;
    bool shown = !drawn        ? false
                 : a->show_all ? SDL_UpdateWindowSurface(a->window) == 0
                 : n > 0       ? SDL_UpdateWindowSurfaceRects(a->window, rects, n) == 0
                               : true;
    a->show_all = !shown; /* a frame not shown is shown whole once it can be */
    a->dirty = !shown;
    return;
  }
  SDL_SetRenderDrawColor(a->renderer, 0, 0, 0, 0xff);
  SDL_RenderClear(a->renderer);
  sdlr_draw(a->backend, &a->list);
  SDL_RenderPresent(a->renderer);
  a->dirty = false;
}

/* ---- playback ----------------------------------------------------------------------------- */

static void go_to(app *a, size_t stop, bool animate) {
  size_t last = a->run.diagram->nstops - 1;
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
  if (a->stop + 1 < a->run.diagram->nstops)
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
  if (a->playing && a->stop + 1 >= a->run.diagram->nstops)
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
  float new_ms = scene_stop_ms(a->run.diagram, &a->theme, a->stop) / speeds[s];
  if (a->animating)
    a->anim_start = now - (uint64_t)(a->fraction * new_ms);
  a->speed = s;
  a->dirty = true;
}

static void poll_file(app *a, uint64_t now);

bool app_update(app *a, uint64_t now) {
  if (a->picking)
    return false;
  poll_file(a, now);
  if (a->hint && now >= a->hint_until) {
    a->hint = false;
    a->dirty = true;
  }
  float speed = speeds[a->speed];
  if (a->animating) {
    float ms = scene_stop_ms(a->run.diagram, &a->theme, a->stop) / speed;
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
    if (a->stop + 1 >= a->run.diagram->nstops) {
      a->playing = false;
      a->dirty = true;
    } else if ((float)(now - a->hold_start) >= a->theme.dwell_ms / speed) {
      step_forward(a);
      a->anim_start = now;
      if (pause_text(a) != NULL) /* a bookmark: the teacher talks, then Space goes on */
        a->playing = false;
    }
  }
  return a->animating || a->playing;
}

/* ---- theme, granularity, reloading -------------------------------------------------------- */

/* The stop of the current diagram that shows the same point of the run as event_end: the last
 * stop whose events do not go past it. */
static size_t stop_for_events(const layout_diagram *d, uint32_t event_end) {
  size_t k = 0;
  while (k + 1 < d->nstops && d->stops[k + 1].event_end <= event_end)
    k++;
  return k;
}

/* The bookmark on line, or -1. */
static int mark_on(const app *a, int32_t line) {
  for (size_t b = 0; b < a->marks.npauses; b++)
    if (line > 0 && a->marks.pauses[b].line == line)
      return (int)b;
  return -1;
}

/* Which stop reaches which bookmark: the one on the line where the step leaves its task (an
 * await's line: "main resumes here"), else the one on the last bookmarked statement the step
 * runs (the trace records a line event before each statement). */
static void find_pauses(app *a) {
  free(a->pause_at);
  a->pause_at = NULL;
  a->npause_at = 0;
  const layout_diagram *d = a->run.diagram;
  if (d == NULL || a->marks.npauses == 0)
    return;
  a->pause_at = malloc(d->nstops * sizeof *a->pause_at);
  if (a->pause_at == NULL)
    return; /* out of memory: playback simply does not stop at bookmarks */
  a->npause_at = d->nstops;
  const trace_event *ev = trace_events(a->run.trace);
  uint32_t from = 0;
  for (size_t k = 0; k < d->nstops; k++) {
    int m = k > 0 ? mark_on(a, d->stops[k].line) : -1;
    for (uint32_t e = d->stops[k].event_end; m < 0 && e > from; e--)
      if (ev[e - 1].kind == TR_LINE)
        m = mark_on(a, ev[e - 1].line);
    a->pause_at[k] = m;
    from = d->stops[k].event_end;
  }
}

/* The bookmark caption of the playhead's stop, or NULL. */
static const char *pause_text(const app *a) {
  if (a->stop >= a->npause_at || a->pause_at[a->stop] < 0)
    return NULL;
  return a->marks.pauses[a->pause_at[a->stop]].text;
}

/* The bookmarks of the article's programs live in DATA/scenarios/headers.txt (their files stay
 * as published): when the file is one of the bundled scenarios, its entry has them. */
static void bundled_marks(app *a) {
  char data[PATHS_MAX], mine[PATHS_MAX], theirs[PATHS_MAX];
  if (paths_data_dir(data, sizeof data) != PATHS_OK || realpath(a->path, mine) == NULL)
    return;
  scen_list list;
  if (scen_list_dir(data, &list, NULL, 0) != SCEN_OK)
    return;
  for (size_t i = 0; i < list.count; i++) {
    if (realpath(list.items[i].path, theirs) != NULL && strcmp(mine, theirs) == 0) {
      scen_header_free(&a->marks);
      a->marks = list.items[i].header;
      memset(&list.items[i].header, 0, sizeof list.items[i].header); /* now the app's */
      break;
    }
  }
  scen_list_free(&list);
}

static void read_marks(app *a) {
  scen_header_free(&a->marks);
  if (scen_read(a->path, &a->marks) != SCEN_OK)
    scen_header_free(&a->marks); /* no bookmarks is no error: the run says what is wrong */
  if (a->marks.npauses == 0)
    bundled_marks(a);
  find_pauses(a);
}

/* Lays the run out again (a new theme or grain), keeping the playhead at the same point. */
static void relayout(app *a) {
  uint32_t at = a->run.diagram->stops[a->stop].event_end;
  if (!lay_out(a, &a->run))
    return; /* out of memory: the old diagram stays */
  find_pauses(a);
  go_to(a, stop_for_events(a->run.diagram, at), false);
}

static void load_theme(app *a, const char *name);

static void next_theme(app *a) {
  int k = 0;
  while (k < THEME_CYCLE && strcmp(cycle_themes[k], a->theme.name) != 0)
    k++;
  load_theme(a, cycle_themes[k < THEME_CYCLE ? (k + 1) % THEME_CYCLE : 0]);
  relayout(a);
}

static void toggle_grain(app *a) {
  a->grain = a->grain == GRAIN_LOOP ? GRAIN_LINE : GRAIN_LOOP;
  relayout(a);
}

static void set_title(app *a) {
  const char *slash = strrchr(a->path, '/');
  char title[PATHS_MAX + 16];
  snprintf(title, sizeof title, "loopviz \xe2\x80\x94 %s", slash != NULL ? slash + 1 : a->path);
  SDL_SetWindowTitle(a->window, title);
}

/* Runs the scenario file again. A run that fails while the shown one did not is not shown: its
 * error is, over the last good diagram, until the file is fixed. Otherwise the new run replaces
 * the old and the playhead stays at the same step, or the last one. fresh_start (a newly opened
 * file) always replaces and starts at the first step. */
static void reload(app *a, bool fresh_start) {
  a->have_stat = file_stamp(a->path, &a->mtime, &a->fsize);
  app_run_data r;
  run_init(&r);
  char err[64];
  if (!load(a, &r, a->path, err, sizeof err)) {
    run_free(&r);
    snprintf(a->reload_error, sizeof a->reload_error, "out of memory while reloading");
    a->dirty = true;
    return;
  }
  if (!fresh_start && r.error[0] != '\0' && a->run.error[0] == '\0') {
    snprintf(a->reload_error, sizeof a->reload_error, "%s", r.error);
    run_free(&r);
    a->dirty = true;
    return;
  }
  size_t stop = fresh_start ? 0 : a->stop;
  run_free(&a->run);
  a->run = r;
  read_marks(a);
  a->reload_error[0] = '\0';
  a->playing = false;
  go_to(a, stop, false);
}

/* Reruns the scenario when its file changed since the last run. */
static void poll_file(app *a, uint64_t now) {
  if (now < a->next_poll)
    return;
  a->next_poll = now + poll_ms;
  struct timespec m;
  long long size = 0;
  if (!file_stamp(a->path, &m, &size))
    return; /* an editor replacing the file: look again at the next poll */
  if (a->have_stat && m.tv_sec == a->mtime.tv_sec && m.tv_nsec == a->mtime.tv_nsec &&
      size == a->fsize)
    return;
  reload(a, false);
}

static void open_file(app *a, const char *path) {
  size_t n = strlen(path);
  if (n < 3 || strcmp(path + n - 3, ".py") != 0) {
    snprintf(a->reload_error, sizeof a->reload_error, "%.400s is not a Python file (.py)", path);
    a->dirty = true;
    return;
  }
  snprintf(a->path, sizeof a->path, "%s", path);
  a->picking = false;
  set_title(a);
  reload(a, true);
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

/* ---- the picker -------------------------------------------------------------------------- */

/* Where the picker's rows are, in pixels: the same for drawing and for the mouse. */
typedef struct picker_geom {
  float x, w;        /* the rows' left edge and width */
  float top;         /* the first row's top */
  float row_h;       /* one row */
  size_t rows;       /* rows that fit */
  int title_size;    /* the heading's type */
  int name_size;     /* a scenario's name */
  int lesson_size;   /* its lesson */
  float name_w;      /* the names' column */
  float pad;         /* space inside a row */
} picker_geom;

static float text_width(app *a, layout_face face, int size, const char *s, size_t n) {
  float w = 0, h = 0;
  sdlr_measure(a->backend, face, (float)size, s, n, &w, &h);
  return w;
}

static float text_height(app *a, layout_face face, int size) {
  float w = 0, h = 0;
  sdlr_measure(a->backend, face, (float)size, "Ag", 2, &w, &h);
  return h;
}

static void picker_geometry(app *a, const scene_view *v, picker_geom *g) {
  const theme *t = &a->theme;
  float s = v->scale;
  g->pad = t->pad * s;
  g->title_size = (int)(t->caption_pt * 1.4f * s + 0.5f);
  g->name_size = (int)(t->caption_pt * s + 0.5f);
  g->lesson_size = (int)(t->caption_pt * 0.85f * s + 0.5f);
  g->x = t->margin * s * 4;
  g->w = (float)v->w - 2 * g->x;
  g->top = t->margin * s * 3 + text_height(a, FACE_SANS_BOLD, g->title_size) * 2.2f;
  g->row_h = text_height(a, FACE_SANS_BOLD, g->name_size) + 2 * g->pad;
  float room = (float)v->h - g->top - t->margin * s * 3;
  g->rows = room > g->row_h ? (size_t)(room / g->row_h) : 1;
  g->name_w = 0;
  for (size_t i = 0; i < a->scenarios.count; i++) {
    const char *n = a->scenarios.items[i].name;
    float w = text_width(a, FACE_SANS_BOLD, g->name_size, n, strlen(n));
    g->name_w = w > g->name_w ? w : g->name_w;
  }
}

/* Keeps the highlighted entry among the rows shown. */
static void picker_scroll(app *a, const picker_geom *g) {
  if (a->picked < a->picker_top)
    a->picker_top = a->picked;
  if (a->picked >= a->picker_top + g->rows)
    a->picker_top = a->picked + 1 - g->rows;
}

/* Text s cut at a space so that it fits in w pixels, with an ellipsis when cut. */
static void fit_text(app *a, layout_face face, int size, const char *s, float w, char *out,
                     size_t cap) {
  snprintf(out, cap, "%s", s);
  size_t n = strlen(out);
  while (n > 0 && text_width(a, face, size, out, strlen(out)) > w) {
    while (n > 0 && out[n - 1] != ' ')
      n--;
    while (n > 0 && out[n - 1] == ' ')
      n--;
    if (n + 4 > cap)
      break;
    memcpy(out + n, "\xe2\x80\xa6", 4); /* ... */
  }
}

static void picker_draw(app *a, const scene_view *v) {
  const theme *t = &a->theme;
  picker_geom g;
  picker_geometry(a, v, &g);
  picker_scroll(a, &g);
  scene_list *l = &a->list;
  scene_list_clear(l);
  scene_add_fill(l, 0, 0, (float)v->w, (float)v->h, 0, t->background);
  float y = t->margin * v->scale * 3;
  scene_add_text(l, FACE_SANS_BOLD, g.title_size, g.x, y, t->text, "Choose a scenario");
  y += text_height(a, FACE_SANS_BOLD, g.title_size);
  scene_add_text(l, FACE_SANS, g.lesson_size, g.x, y, t->text_dim,
                 "Up / Down and Enter, or click one. Or drop a .py file on this window. "
                 "q quits.");
  if (a->scenarios.count == 0) {
    scene_add_text(l, FACE_SANS_BOLD, g.name_size, g.x, g.top, t->error,
                   a->picker_msg[0] != '\0' ? a->picker_msg : "No bundled scenarios were found.");
    return;
  }
  float name_h = text_height(a, FACE_SANS_BOLD, g.name_size);
  float lesson_h = text_height(a, FACE_SANS, g.lesson_size);
  float lesson_x = g.x + 2 * g.pad + g.name_w + 4 * g.pad;
  size_t below = a->scenarios.count - a->picker_top;
  below = below > g.rows ? below - g.rows : 0;
  if (a->picker_top > 0 || below > 0) { /* the list scrolls: say how much is out of sight */
    char more[96];
    snprintf(more, sizeof more, "%zu above \xc2\xb7 %zu below", a->picker_top, below);
    float mw = text_width(a, FACE_SANS, g.lesson_size, more, strlen(more));
    scene_add_text(l, FACE_SANS, g.lesson_size, g.x + g.w - mw, y, t->text_dim, more);
  }
  for (size_t r = 0; r < g.rows && a->picker_top + r < a->scenarios.count; r++) {
    size_t i = a->picker_top + r;
    const scen_entry *e = &a->scenarios.items[i];
    float ry = g.top + (float)r * g.row_h;
    bool on = i == a->picked;
    scene_add_fill(l, g.x, ry + 1, g.w, g.row_h - 2, t->radius * v->scale,
                   on ? theme_task_color(t, 0) : t->panel);
    theme_color fg = on ? t->panel : t->text, dim = on ? t->panel : t->text_dim;
    scene_add_text(l, FACE_SANS_BOLD, g.name_size, g.x + 2 * g.pad, ry + g.pad, fg, e->name);
    if (e->header.lesson != NULL) {
      char buf[512];
      fit_text(a, FACE_SANS, g.lesson_size, e->header.lesson, g.x + g.w - lesson_x - 2 * g.pad,
               buf, sizeof buf);
      scene_add_text(l, FACE_SANS, g.lesson_size, lesson_x, ry + g.pad + (name_h - lesson_h),
                     dim, buf);
    }
  }
}

static void picker_open(app *a) {
  if (a->picked >= a->scenarios.count)
    return;
  char path[PATHS_MAX];
  snprintf(path, sizeof path, "%s", a->scenarios.items[a->picked].path);
  a->picking = false;
  open_file(a, path);
}

/* The entry under pixel (x, y), or -1. */
static long picker_hit(app *a, float x, float y) {
  scene_view v;
  make_view(a, &v);
  picker_geom g;
  picker_geometry(a, &v, &g);
  if (x < g.x || x >= g.x + g.w || y < g.top)
    return -1;
  size_t r = (size_t)((y - g.top) / g.row_h);
  if (r >= g.rows || a->picker_top + r >= a->scenarios.count)
    return -1;
  return (long)(a->picker_top + r);
}

static bool picker_event(app *a, const SDL_Event *ev) {
  size_t n = a->scenarios.count;
  if (ev->type == SDL_KEYDOWN) {
    switch (ev->key.keysym.sym) {
    case SDLK_q:
      return false;
    case SDLK_UP:
    case SDLK_PAGEUP:
      if (a->picked > 0)
        a->picked--;
      break;
    case SDLK_DOWN:
    case SDLK_PAGEDOWN:
      if (a->picked + 1 < n)
        a->picked++;
      break;
    case SDLK_HOME:
      a->picked = 0;
      break;
    case SDLK_END:
      a->picked = n > 0 ? n - 1 : 0;
      break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
    case SDLK_RIGHT:
      picker_open(a);
      break;
    default:
      break;
    }
    a->dirty = true;
    return true;
  }
  float d = density(a);
  if (ev->type == SDL_MOUSEMOTION) {
    long k = picker_hit(a, (float)ev->motion.x * d, (float)ev->motion.y * d);
    if (k >= 0 && (size_t)k != a->picked) {
      a->picked = (size_t)k;
      a->dirty = true;
    }
  } else if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
    long k = picker_hit(a, (float)ev->button.x * d, (float)ev->button.y * d);
    if (k >= 0) {
      a->picked = (size_t)k;
      picker_open(a);
    }
  } else if (ev->type == SDL_MOUSEWHEEL) {
    if (ev->wheel.y > 0 && a->picked > 0)
      a->picked--;
    else if (ev->wheel.y < 0 && a->picked + 1 < n)
      a->picked++;
    a->dirty = true;
  }
  return true;
}

/* ---- events ------------------------------------------------------------------------------- */

static void zoom(app *a, int dir) {
  float z = dir == 0 ? 1.0f : dir > 0 ? a->zoom * zoom_step : a->zoom / zoom_step;
  a->zoom = z < zoom_min ? zoom_min : z > zoom_max ? zoom_max : z;
  a->dirty = true;
}

static void set_fullscreen(app *a, bool on) {
  if (SDL_SetWindowFullscreen(a->window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) == 0)
    a->fullscreen = on;
  a->dirty = true;
}

/* Ctrl with + - 0 zooms; returns false when the key is not one of those. */
static bool zoom_key(app *a, SDL_Keycode sym) {
  switch (sym) {
  case SDLK_PLUS:
  case SDLK_KP_PLUS:
  case SDLK_EQUALS:
    zoom(a, 1);
    return true;
  case SDLK_MINUS:
  case SDLK_KP_MINUS:
    zoom(a, -1);
    return true;
  case SDLK_0:
  case SDLK_KP_0:
    zoom(a, 0);
    return true;
  default:
    return false;
  }
}

static bool handle_key(app *a, const SDL_KeyboardEvent *k) {
  SDL_Keycode sym = k->keysym.sym;
  if (a->hint) {
    a->hint = false;
    a->dirty = true;
  }
  if ((k->keysym.mod & KMOD_CTRL) && zoom_key(a, sym))
    return true;
  if (a->blank && sym != SDLK_b && sym != SDLK_PERIOD && sym != SDLK_q)
    return true; /* a blank screen stays blank until B or . brings it back */
  switch (sym) {
  case SDLK_q:
    return false;
  case SDLK_f:
  case SDLK_F11:
    set_fullscreen(a, !a->fullscreen);
    break;
  case SDLK_ESCAPE:
    if (a->help)
      a->help = false;
    else if (a->fullscreen)
      set_fullscreen(a, false);
    a->dirty = true;
    break;
  case SDLK_b:
  case SDLK_PERIOD:
    a->blank = !a->blank;
    a->dirty = true;
    break;
  case SDLK_h:
  case SDLK_QUESTION:
    a->help = !a->help;
    a->dirty = true;
    break;
  case SDLK_SLASH:
    if (k->keysym.mod & KMOD_SHIFT) {
      a->help = !a->help;
      a->dirty = true;
    }
    break;
  case SDLK_t:
    next_theme(a);
    break;
  case SDLK_l:
    toggle_grain(a);
    break;
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
    go_to(a, a->run.diagram->nstops - 1, false);
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
  if (a->picking && (ev->type == SDL_KEYDOWN || ev->type == SDL_MOUSEMOTION ||
                     ev->type == SDL_MOUSEBUTTONDOWN || ev->type == SDL_MOUSEWHEEL))
    return picker_event(a, ev);
  switch (ev->type) {
  case SDL_QUIT:
    return false;
  case SDL_KEYDOWN:
    return handle_key(a, &ev->key);
  case SDL_DROPFILE:
    if (ev->drop.file != NULL) {
      open_file(a, ev->drop.file);
      SDL_free(ev->drop.file);
    }
    return true;
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
      a->show_all = true;
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
      got = SDL_WaitEventTimeout(&ev, (int)poll_ms); /* wake to look at the scenario file */
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
      fmt_buf_appendf(&a->run.err, "loopviz: theme %s: no data directory; the built-in theme is used\n",
                      name);
    return;
  }
  if (theme_load(&a->theme, data, want, msg, sizeof msg) != THEME_OK)
    fmt_buf_appendf(&a->run.err, "loopviz: %s; the built-in theme is used\n", msg);
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
  run_init(&a->run);
  a->limits = cfg->limits;
  a->zoom = 1.0f;
  a->grain = GRAIN_LOOP;
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
    fmt_buf_free(&a->run.out);
    fmt_buf_free(&a->run.err);
    free(a);
    return APP_NO_DISPLAY;
  }
  /* The window's surface is used only where frames are drawn in software (the software renderer,
   * or sdlr straight into the surface). On X11, SDL would back it with a texture of an OpenGL
   * renderer, llvmpipe where there is no GPU: 18 to 31 ms a frame to show at 1920x1080 on the
   * development machine, against 0.8 to 1.1 ms through X11's shared memory, which this asks for
   * (SDL_FRAMEBUFFER_ACCELERATION in the environment still decides). */
  if (strcmp(SDL_GetCurrentVideoDriver(), "x11") == 0)
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
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
  /* Where SDL would render in software, frames are drawn straight into the window's surface
   * the way the export draws them offscreen (sdlr blends text itself there): no renderer on the
   * window then (SDL allows one or the other). Anywhere else, or if that cannot be set up,
   * through the renderer. */
  SDL_RendererInfo info;
  sdlr_status st = SDLR_SDL_ERROR;
  if (SDL_GetRendererInfo(a->renderer, &info) == 0 && strcmp(info.name, "software") == 0) {
    SDL_DestroyRenderer(a->renderer);
    a->renderer = NULL;
    SDL_Surface *surface = SDL_GetWindowSurface(a->window);
    st =
        surface != NULL ? sdlr_new_view(surface, &a->fonts, &a->backend, err, cap) : SDLR_SDL_ERROR;
    a->soft = st == SDLR_OK;
    if (a->soft)
      a->renderer = sdlr_renderer(a->backend);
    else
      a->renderer = SDL_CreateRenderer(a->window, -1, 0);
    if (a->renderer == NULL) {
      snprintf(err, cap, "cannot draw in the window: %s", SDL_GetError());
      app_close(a);
      return APP_SDL_ERROR;
    }
  }
  if (!a->soft)
    st = sdlr_new(a->renderer, &a->fonts, &a->backend, err, cap);
  if (st != SDLR_OK) {
    app_close(a);
    return st == SDLR_FONT_ERROR  ? APP_FONT_ERROR
           : st == SDLR_NO_MEMORY ? APP_NO_MEMORY
                                  : APP_SDL_ERROR;
  }
  set_icon(a, cfg->icon);
  if (cfg->scenario == NULL) { /* no file: the picker */
    a->picking = true;
    a->dirty = true;
    *out = a;
    char data[PATHS_MAX];
    if (paths_data_dir(data, sizeof data) != PATHS_OK)
      snprintf(a->picker_msg, sizeof a->picker_msg,
               "No bundled scenarios: the data directory was not found.");
    else if (scen_list_dir(data, &a->scenarios, a->picker_msg, sizeof a->picker_msg) != SCEN_OK &&
             a->picker_msg[0] == '\0')
      snprintf(a->picker_msg, sizeof a->picker_msg, "No bundled scenarios could be read.");
    return APP_OK;
  }
  snprintf(a->path, sizeof a->path, "%s", cfg->scenario);
  set_title(a);
  a->have_stat = file_stamp(a->path, &a->mtime, &a->fsize);
  a->hint = true;
  a->hint_until = SDL_GetTicks64() + hint_ms;
  a->next_poll = SDL_GetTicks64() + poll_ms;
  if (!load(a, &a->run, cfg->scenario, err, cap)) {
    app_close(a);
    return APP_NO_MEMORY;
  }
  read_marks(a);
  a->stop = 0;
  a->dirty = true;
  *out = a;
  return APP_OK;
}

const char *app_error(const app *a) { return a->run.error[0] != '\0' ? a->run.error : NULL; }
const char *app_output(const app *a) { return fmt_buf_str(&a->run.out); }
const char *app_messages(const app *a) { return fmt_buf_str(&a->run.err); }
size_t app_stop(const app *a) { return a->stop; }
size_t app_stop_count(const app *a) { return a->run.diagram != NULL ? a->run.diagram->nstops : 0; }
bool app_picking(const app *a) { return a->picking; }
const char *app_bookmark(const app *a) { return pause_text(a); }
size_t app_picked(const app *a) { return a->picked; }
float app_fraction(const app *a) { return a->fraction; }
bool app_playing(const app *a) { return a->playing; }
float app_speed(const app *a) { return speeds[a->speed]; }
bool app_following(const app *a) { return a->follow; }
const layout_diagram *app_diagram(const app *a) { return a->run.diagram; }
const scene_list *app_scene(const app *a) { return &a->list; }
SDL_Renderer *app_renderer(app *a) { return a->renderer; }
SDL_Window *app_window(app *a) { return a->window; }
const char *app_theme(const app *a) { return a->theme.name; }
float app_zoom(const app *a) { return a->zoom; }
bool app_fullscreen(const app *a) { return a->fullscreen; }
bool app_blank(const app *a) { return a->blank; }
bool app_help(const app *a) { return a->help; }
bool app_hint(const app *a) { return a->hint; }
bool app_line_steps(const app *a) { return a->grain == GRAIN_LINE; }
const char *app_reload_error(const app *a) {
  return a->reload_error[0] != '\0' ? a->reload_error : NULL;
}
const char *app_path(const app *a) { return a->path; }

void app_close(app *a) {
  if (a == NULL)
    return;
  sdlr_free(a->backend); /* soft: with the renderer, which is its */
  if (a->renderer != NULL && !a->soft)
    SDL_DestroyRenderer(a->renderer);
  if (a->window != NULL)
    SDL_DestroyWindow(a->window);
  if (a->window != NULL || a->renderer != NULL || SDL_WasInit(SDL_INIT_VIDEO)) {
    IMG_Quit();
    SDL_Quit();
  }
  run_free(&a->run);
  scen_header_free(&a->marks);
  free(a->pause_at);
  scen_list_free(&a->scenarios);
  scene_list_free(&a->list);
  free(a);
}
