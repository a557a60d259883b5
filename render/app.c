/* app: the window. Sizes are in window points and multiplied by the renderer's pixel scale, so
 * text stays sharp on high-DPI screens; fonts are reopened when that scale changes. */
#include "app.h"

#include "font.h"
#include "paths.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct app_theme {
  SDL_Color background;  /* window background */
  SDL_Color header_bg;   /* band behind the file name */
  SDL_Color title;       /* file name */
  SDL_Color hint;        /* key help in the header */
  SDL_Color text;        /* source text */
  SDL_Color line_number; /* gutter numbers */
  SDL_Color error;       /* the message shown when the scenario cannot be read */
  int title_pt;          /* point size of the sans font */
  int code_pt;           /* point size of the mono font */
  int margin;            /* space around everything, in points */
  int header_pad;        /* space inside the header band, in points */
  int gutter_gap;        /* space between line numbers and text, in points */
  int tab_width;         /* columns per tab stop, as Python counts them */
  int wheel_lines;       /* lines scrolled per mouse-wheel notch */
  int window_w;          /* initial window width, in points */
  int window_h;          /* initial window height, in points */
} app_theme;

static const app_theme theme = {
    .background = {0x1e, 0x22, 0x2a, 0xff},
    .header_bg = {0x2a, 0x30, 0x3b, 0xff},
    .title = {0xe6, 0xe9, 0xef, 0xff},
    .hint = {0x8a, 0x93, 0xa5, 0xff},
    .text = {0xd8, 0xde, 0xe9, 0xff},
    .line_number = {0x61, 0x6e, 0x88, 0xff},
    .error = {0xf0, 0x8a, 0x8a, 0xff},
    .title_pt = 18,
    .code_pt = 14,
    .margin = 16,
    .header_pad = 10,
    .gutter_gap = 12,
    .tab_width = 8,
    .wheel_lines = 3,
    .window_w = 960,
    .window_h = 720,
};

enum {
  APP_MAX_SOURCE = 8 << 20, /* bytes of scenario text the window will load */
  APP_LINE_BYTES = 1024,    /* bytes of one line drawn; the rest is off screen anyway */
  APP_ERROR_BYTES = 1024,   /* room for the error message */
};

static const char hint_text[] = "q quit   wheel / arrows scroll";

struct app {
  SDL_Window *window;          /* the one window */
  SDL_Renderer *renderer;      /* its renderer */
  TTF_Font *sans;              /* titles and messages, opened at the current scale */
  TTF_Font *mono;              /* source text, opened at the current scale */
  char sans_path[PATHS_MAX];   /* font file for sans, kept to reopen on scale change */
  char mono_path[PATHS_MAX];   /* font file for mono */
  float scale;                 /* renderer pixels per window point */
  char *name;                  /* file name shown in the header (basename of the path) */
  char *text;                  /* the scenario's bytes, NUL-terminated, or NULL */
  size_t *line_starts;         /* offset of each line in text */
  size_t nlines;               /* number of lines */
  size_t scroll;               /* first line on screen */
  bool dirty;                  /* an event changed what is shown; redraw before waiting */
  char error[APP_ERROR_BYTES]; /* why the scenario is not shown; empty when it is */
};

/* ---- loading the scenario ------------------------------------------------------------------ */

static void set_error(app *a, const char *fmt, const char *path, const char *why) {
  snprintf(a->error, sizeof a->error, fmt, path, why);
}

static void load_scenario(app *a, const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    set_error(a, "cannot read %s: %s", path, strerror(errno));
    return;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  while (buf != NULL) {
    if (len + 1 >= cap) {
      if (cap >= APP_MAX_SOURCE) {
        set_error(a, "cannot show %s: %s", path, "file larger than 8 MiB");
        break;
      }
      char *grown = realloc(buf, cap * 2);
      if (grown == NULL)
        break;
      buf = grown;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0)
      break;
  }
  int read_failed = ferror(f);
  int saved_errno = errno;
  fclose(f);
  if (buf == NULL || a->error[0] != '\0' || read_failed) {
    if (a->error[0] == '\0')
      set_error(a, "cannot read %s: %s", path,
                buf == NULL ? "out of memory" : strerror(saved_errno));
    free(buf);
    return;
  }
  buf[len] = '\0';

  size_t n = 1;
  for (size_t i = 0; i < len; i++)
    n += buf[i] == '\n' && i + 1 < len;
  size_t *starts = malloc(n * sizeof *starts);
  if (starts == NULL) {
    set_error(a, "cannot show %s: %s", path, "out of memory");
    free(buf);
    return;
  }
  size_t k = 0;
  starts[k++] = 0;
  for (size_t i = 0; i < len; i++)
    if (buf[i] == '\n' && i + 1 < len)
      starts[k++] = i + 1;
  a->text = buf;
  a->line_starts = starts;
  a->nlines = len == 0 ? 0 : n;
}

/* Bytes in the UTF-8 sequence that starts with lead (1 for anything malformed). */
static size_t utf8_len(unsigned char lead) {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/* One line, tabs expanded, without its line ending, cut before the first character that does
 * not fit in out. */
static void line_text(const app *a, size_t line, char *out, size_t cap) {
  const char *p = a->text + a->line_starts[line];
  size_t col = 0, o = 0;
  while (*p != '\0' && *p != '\n' && *p != '\r') {
    if (*p == '\t') {
      size_t next = (col / (size_t)theme.tab_width + 1) * (size_t)theme.tab_width;
      for (; col < next && o + 1 < cap; col++)
        out[o++] = ' ';
      p++;
      continue;
    }
    size_t n = utf8_len((unsigned char)*p);
    size_t have = 1;
    while (have < n && ((unsigned char)p[have] & 0xc0) == 0x80)
      have++;
    if (o + have >= cap)
      break;
    memcpy(out + o, p, have);
    o += have;
    p += have;
    col++;
  }
  out[o] = '\0';
}

/* ---- fonts and scale ----------------------------------------------------------------------- */

static float pixel_scale(const app *a) {
  int ww = 0, wh = 0, pw = 0, ph = 0;
  SDL_GetWindowSize(a->window, &ww, &wh);
  if (SDL_GetRendererOutputSize(a->renderer, &pw, &ph) != 0 || ww <= 0)
    return 1.0f;
  return (float)pw / (float)ww;
}

static int px(const app *a, int points) { return (int)((float)points * a->scale + 0.5f); }

static app_status open_fonts(app *a, char *err, size_t cap) {
  TTF_Font *sans = TTF_OpenFont(a->sans_path, px(a, theme.title_pt));
  TTF_Font *mono = TTF_OpenFont(a->mono_path, px(a, theme.code_pt));
  if (sans == NULL || mono == NULL) {
    snprintf(err, cap, "cannot load font %s: %s", sans == NULL ? a->sans_path : a->mono_path,
             TTF_GetError());
    if (sans != NULL)
      TTF_CloseFont(sans);
    if (mono != NULL)
      TTF_CloseFont(mono);
    return APP_FONT_ERROR;
  }
  if (a->sans != NULL)
    TTF_CloseFont(a->sans);
  if (a->mono != NULL)
    TTF_CloseFont(a->mono);
  a->sans = sans;
  a->mono = mono;
  return APP_OK;
}

/* After a resize or a move to another display: reopen the fonts if the pixel scale changed.
 * On failure the old fonts stay, which only costs sharpness. */
static void update_scale(app *a) {
  float s = pixel_scale(a);
  if (s == a->scale)
    return;
  float old = a->scale;
  a->scale = s;
  char ignored[APP_ERROR_BYTES];
  if (open_fonts(a, ignored, sizeof ignored) != APP_OK)
    a->scale = old;
}

static app_status find_fonts(app *a, const char *override, char *err, size_t cap) {
  static const font_face faces[] = {FONT_SANS, FONT_MONO};
  char *paths[] = {a->sans_path, a->mono_path};
  for (size_t i = 0; i < sizeof faces / sizeof faces[0]; i++) {
    font_status st = font_resolve(override, faces[i], paths[i], PATHS_MAX);
    if (st != FONT_OK) {
      font_describe(st, faces[i], override, err, cap);
      return APP_FONT_ERROR;
    }
  }
  return APP_OK;
}

/* ---- drawing --------------------------------------------------------------------------------- */

/* Draws NUL-terminated UTF-8 text with its top-left corner at (x, y) in pixels; returns its width.
 * Empty text draws nothing. */
static int draw_text(app *a, TTF_Font *font, const char *s, SDL_Color c, int x, int y) {
  if (s[0] == '\0')
    return 0;
  SDL_Surface *surf = TTF_RenderUTF8_Blended(font, s, c);
  if (surf == NULL)
    return 0;
  int w = surf->w;
  SDL_Texture *tex = SDL_CreateTextureFromSurface(a->renderer, surf);
  if (tex != NULL) {
    SDL_Rect dst = {x, y, surf->w, surf->h};
    SDL_RenderCopy(a->renderer, tex, NULL, &dst);
    SDL_DestroyTexture(tex);
  }
  SDL_FreeSurface(surf);
  return w;
}

static void set_color(app *a, SDL_Color c) {
  SDL_SetRenderDrawColor(a->renderer, c.r, c.g, c.b, c.a);
}

static int header_height(const app *a) {
  return TTF_FontLineSkip(a->sans) + 2 * px(a, theme.header_pad);
}

/* How many source lines fit below the header. */
static size_t visible_lines(const app *a) {
  int out_w = 0, out_h = 0;
  SDL_GetRendererOutputSize(a->renderer, &out_w, &out_h);
  int room = out_h - header_height(a) - 2 * px(a, theme.margin);
  int skip = TTF_FontLineSkip(a->mono);
  return room > 0 && skip > 0 ? (size_t)(room / skip) : 0;
}

static void draw_header(app *a, int out_w) {
  int pad = px(a, theme.header_pad), margin = px(a, theme.margin);
  SDL_Rect band = {0, 0, out_w, header_height(a)};
  set_color(a, theme.header_bg);
  SDL_RenderFillRect(a->renderer, &band);
  draw_text(a, a->sans, a->name, theme.title, margin, pad);
  int hint_w = 0;
  if (TTF_SizeUTF8(a->mono, hint_text, &hint_w, NULL) == 0) {
    int y = pad + (TTF_FontAscent(a->sans) - TTF_FontAscent(a->mono));
    draw_text(a, a->mono, hint_text, theme.hint, out_w - margin - hint_w, y);
  }
}

static void draw_source(app *a, int top) {
  int margin = px(a, theme.margin), skip = TTF_FontLineSkip(a->mono);
  char digits[32];
  snprintf(digits, sizeof digits, "%zu", a->nlines);
  int gutter_w = 0;
  TTF_SizeUTF8(a->mono, digits, &gutter_w, NULL);
  int text_x = margin + gutter_w + px(a, theme.gutter_gap);
  size_t end = a->scroll + visible_lines(a);
  char line[APP_LINE_BYTES];
  for (size_t i = a->scroll, row = 0; i < a->nlines && i < end; i++, row++) {
    int y = top + (int)row * skip;
    char num[32];
    snprintf(num, sizeof num, "%zu", i + 1);
    int num_w = 0;
    TTF_SizeUTF8(a->mono, num, &num_w, NULL);
    draw_text(a, a->mono, num, theme.line_number, margin + gutter_w - num_w, y);
    line_text(a, i, line, sizeof line);
    draw_text(a, a->mono, line, theme.text, text_x, y);
  }
}

void app_draw(app *a) {
  int out_w = 0, out_h = 0;
  SDL_GetRendererOutputSize(a->renderer, &out_w, &out_h);
  set_color(a, theme.background);
  SDL_RenderClear(a->renderer);
  draw_header(a, out_w);
  int top = header_height(a) + px(a, theme.margin);
  if (a->error[0] != '\0')
    draw_text(a, a->sans, a->error, theme.error, px(a, theme.margin), top);
  else
    draw_source(a, top);
  SDL_RenderPresent(a->renderer);
}

/* ---- events ---------------------------------------------------------------------------------- */

static void scroll_by(app *a, long delta) {
  size_t page = visible_lines(a);
  size_t max = a->nlines > page ? a->nlines - page : 0;
  long target = (long)a->scroll + delta;
  size_t next = target < 0 ? 0 : (size_t)target > max ? max : (size_t)target;
  if (next != a->scroll) {
    a->scroll = next;
    a->dirty = true;
  }
}

static bool handle_key(app *a, SDL_Keycode key) {
  long page = (long)visible_lines(a);
  switch (key) {
  case SDLK_q:
    return false;
  case SDLK_UP:
    scroll_by(a, -1);
    break;
  case SDLK_DOWN:
    scroll_by(a, 1);
    break;
  case SDLK_PAGEUP:
    scroll_by(a, -page);
    break;
  case SDLK_PAGEDOWN:
  case SDLK_SPACE:
    scroll_by(a, page);
    break;
  case SDLK_HOME:
    scroll_by(a, -(long)a->nlines);
    break;
  case SDLK_END:
    scroll_by(a, (long)a->nlines);
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
    return handle_key(a, ev->key.keysym.sym);
  case SDL_MOUSEWHEEL: {
    long notches = ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? ev->wheel.y : -ev->wheel.y;
    scroll_by(a, notches * theme.wheel_lines);
    return true;
  }
  case SDL_WINDOWEVENT:
    switch (ev->window.event) {
    case SDL_WINDOWEVENT_CLOSE:
      return false;
    case SDL_WINDOWEVENT_SIZE_CHANGED:
    case SDL_WINDOWEVENT_DISPLAY_CHANGED:
      update_scale(a);
      scroll_by(a, 0);
      a->dirty = true;
      break;
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
  app_draw(a);
  a->dirty = false;
  SDL_Event ev;
  while (SDL_WaitEvent(&ev)) {
    if (!app_handle_event(a, &ev))
      return;
    /* Handle everything already queued before drawing, so a burst costs one frame. */
    if (SDL_PollEvent(NULL))
      continue;
    if (a->dirty) {
      app_draw(a);
      a->dirty = false;
    }
  }
}

/* ---- lifetime -------------------------------------------------------------------------------- */

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

static char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
  size_t n = strlen(base);
  char *copy = malloc(n + 1);
  if (copy != NULL)
    memcpy(copy, base, n + 1);
  return copy;
}

app_status app_open(const app_config *cfg, app **out, char *err, size_t cap) {
  *out = NULL;
  app *a = calloc(1, sizeof *a);
  if (a == NULL) {
    snprintf(err, cap, "out of memory");
    return APP_NO_MEMORY;
  }
  app_status st = find_fonts(a, cfg->font, err, cap);
  if (st != APP_OK) {
    free(a);
    return st;
  }
  if (!choose_video_drivers()) {
    snprintf(err, cap, "no display available (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    free(a);
    return APP_NO_DISPLAY;
  }
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    snprintf(err, cap, "no display available (SDL: %s)", SDL_GetError());
    free(a);
    return APP_NO_DISPLAY;
  }
  if (TTF_Init() != 0) {
    snprintf(err, cap, "SDL_ttf: %s", TTF_GetError());
    SDL_Quit();
    free(a);
    return APP_SDL_ERROR;
  }
  a->window =
      SDL_CreateWindow("loopviz", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, theme.window_w,
                       theme.window_h, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (a->window != NULL)
    a->renderer = SDL_CreateRenderer(a->window, -1, 0);
  if (a->renderer == NULL) {
    snprintf(err, cap, "cannot open a window: %s", SDL_GetError());
    app_close(a);
    return APP_SDL_ERROR;
  }
  a->scale = pixel_scale(a);
  st = open_fonts(a, err, cap);
  a->name = base_name(cfg->scenario);
  if (st == APP_OK && a->name == NULL) {
    snprintf(err, cap, "out of memory");
    st = APP_NO_MEMORY;
  }
  if (st != APP_OK) {
    app_close(a);
    return st;
  }
  set_icon(a, cfg->icon);
  load_scenario(a, cfg->scenario);
  *out = a;
  return APP_OK;
}

const char *app_error(const app *a) { return a->error[0] != '\0' ? a->error : NULL; }

size_t app_line_count(const app *a) { return a->nlines; }

size_t app_scroll(const app *a) { return a->scroll; }

SDL_Renderer *app_renderer(app *a) { return a->renderer; }

void app_close(app *a) {
  if (a == NULL)
    return;
  if (a->sans != NULL)
    TTF_CloseFont(a->sans);
  if (a->mono != NULL)
    TTF_CloseFont(a->mono);
  if (a->renderer != NULL)
    SDL_DestroyRenderer(a->renderer);
  if (a->window != NULL)
    SDL_DestroyWindow(a->window);
  IMG_Quit();
  TTF_Quit();
  SDL_Quit();
  free(a->name);
  free(a->text);
  free(a->line_starts);
  free(a);
}
