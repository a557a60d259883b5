/* theme: the table of keys, the parser, and the built-in theme. See theme.h. */
#define _POSIX_C_SOURCE 200809L

#include "theme.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The built-in theme: assets/themes/light.theme without its comments (a test keeps the two the
 * same). Used when no theme file can be read, and as the base every file is applied to. */
static const char builtin[] =
    "name = light\n"
    "task_colors = #0072b2 #d55e00 #009e73 #cc79a7 #e69f00 #56b4e9 #000000\n"
    "background = #e9edf2\n"
    "panel = #ffffff\n"
    "panel_border = #d0d7de\n"
    "panel_title = #57606a\n"
    "text = #1f2328\n"
    "text_dim = #6e7781\n"
    "caption_bg = #ffffff\n"
    "caption_text = #1f2328\n"
    "lifeline = #a8b1bb\n"
    "lane_header_bg = #f6f8fa\n"
    "lane_header_border = #c3ccd5\n"
    "loop_color = #24292f\n"
    "io_color = #6e7781\n"
    "sync_color = #424a53\n"
    "label_bg = #ffffffe0\n"
    "note_bg = #fff8c5\n"
    "note_border = #d4a72c\n"
    "note_text = #3b2300\n"
    "clock_line = #8c959f\n"
    "clock_text = #0550ae\n"
    "block_bg = #cf222e2e\n"
    "block_text = #82071e\n"
    "error = #cf222e\n"
    "error_bg = #ffebe9\n"
    "warning = #9a6700\n"
    "code_text = #1f2328\n"
    "ruler_text = #57606a\n"
    "timeline_bg = #f6f8fa\n"
    "timeline_done = #afb8c1\n"
    "playhead = #cf222e\n"
    "hint = #8c959f\n"
    "caption_pt = 17\n"
    "info_pt = 12\n"
    "label_pt = 12\n"
    "header_pt = 14\n"
    "sub_pt = 11\n"
    "note_pt = 12\n"
    "code_pt = 13\n"
    "console_pt = 12\n"
    "clock_pt = 30\n"
    "panel_title_pt = 11\n"
    "queue_pt = 12\n"
    "margin = 10\n"
    "panel_gap = 8\n"
    "pad = 8\n"
    "radius = 6\n"
    "line_w = 1\n"
    "arrow_w = 2\n"
    "head_len = 10\n"
    "head_w = 9\n"
    "dash = 6\n"
    "dash_gap = 4\n"
    "activation_w = 12\n"
    "lane_gap = 24\n"
    "label_gap = 3\n"
    "row_gap = 10\n"
    "ruler_w = 100\n"
    "diagram_margin = 14\n"
    "caption_h = 64\n"
    "left_w = 380\n"
    "left_max = 45\n"
    "code_share = 50\n"
    "loop_share = 26\n"
    "timeline_row_h = 12\n"
    "timeline_bar = 70\n"
    "timeline_max_h = 140\n"
    "timeline_step_share = 50\n"
    "mark_w = 5\n"
    "design_w = 1280\n"
    "design_h = 800\n"
    "fit_min = 80\n"
    "fit_max = 200\n"
    "window_w = 1280\n"
    "window_h = 800\n"
    "wheel_step = 48\n"
    "label_chars = 40\n"
    "label_wrap = 150\n"
    "header_chars = 24\n"
    "diagram_fit_min = 70\n"
    "code_min_pt = 10\n"
    "code_highlight = 16\n"
    "waiting_alpha = 35\n"
    "future_alpha = 60\n"
    "header_strip = 4\n"
    "caption_lines = 2\n"
    "step_ms = 700\n"
    "row_ms = 380\n"
    "dwell_ms = 500\n"
    "frame_ms = 16\n";

typedef enum key_type {
  KEY_COLOR,  /* one colour */
  KEY_NUMBER, /* one number */
  KEY_NAME,   /* the theme's name */
  KEY_PALETTE /* the task colours */
} key_type;

typedef struct key_def {
  const char *name; /* the key as written in files */
  key_type type;    /* what its value is */
  size_t offset;    /* where it lives in struct theme */
} key_def;

static const key_def keys[] = {{"name", KEY_NAME, offsetof(theme, name)},
                               {"task_colors", KEY_PALETTE, offsetof(theme, task_colors)},
#define THEME_KEY(field, doc) {#field, KEY_COLOR, offsetof(theme, field)},
                               THEME_COLORS(THEME_KEY)
#undef THEME_KEY
#define THEME_KEY(field, doc) {#field, KEY_NUMBER, offsetof(theme, field)},
                                   THEME_SIZES(THEME_KEY) THEME_TIMES(THEME_KEY)
#undef THEME_KEY
};

enum { N_KEYS = sizeof keys / sizeof keys[0] };

size_t theme_key_count(void) { return N_KEYS; }

static theme_status fail(theme_status st, char *err, size_t cap, const char *fmt, ...) {
  if (err != NULL && cap > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
  }
  return st;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads "#rrggbb" or "#rrggbbaa" from s[0..n). */
static bool parse_color(const char *s, size_t n, theme_color *out) {
  if ((n != 7 && n != 9) || s[0] != '#')
    return false;
  uint8_t v[4] = {0, 0, 0, 0xff};
  for (size_t i = 0; i + 1 < n; i += 2) {
    int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    v[i / 2] = (uint8_t)(hi * 16 + lo);
  }
  *out = (theme_color){v[0], v[1], v[2], v[3]};
  return true;
}

/* Reads a plain decimal number (digits, at most one point) from s[0..n). */
static bool parse_number(const char *s, size_t n, float *out) {
  char buf[32];
  if (n == 0 || n >= sizeof buf)
    return false;
  int points = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.')
      points++;
    else if (s[i] < '0' || s[i] > '9')
      return false;
  }
  if (points > 1 || (n == 1 && points == 1))
    return false;
  memcpy(buf, s, n);
  buf[n] = '\0';
  *out = strtof(buf, NULL);
  return true;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static bool parse_name(const char *s, size_t n, char *out) {
  if (n == 0 || n >= THEME_NAME_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  }
  memcpy(out, s, n);
  out[n] = '\0';
  return true;
}

static bool parse_palette(const char *s, size_t n, theme *t) {
  theme_color got[THEME_MAX_TASK_COLORS];
  size_t count = 0, i = 0;
  while (i < n) {
    while (i < n && is_blank(s[i]))
      i++;
    size_t start = i;
    while (i < n && !is_blank(s[i]))
      i++;
    if (i == start)
      break;
    if (count == THEME_MAX_TASK_COLORS || !parse_color(s + start, i - start, &got[count]))
      return false;
    count++;
  }
  if (count == 0)
    return false;
  memcpy(t->task_colors, got, count * sizeof got[0]);
  t->ntask_colors = count;
  return true;
}

static theme_status apply(theme *t, const key_def *k, const char *v, size_t n, int line, char *err,
                          size_t cap) {
  char *base = (char *)t;
  bool ok = false;
  switch (k->type) {
  case KEY_COLOR:
    ok = parse_color(v, n, (theme_color *)(void *)(base + k->offset));
    break;
  case KEY_NUMBER:
    ok = parse_number(v, n, (float *)(void *)(base + k->offset));
    break;
  case KEY_NAME:
    ok = parse_name(v, n, t->name);
    break;
  case KEY_PALETTE:
    ok = parse_palette(v, n, t);
    break;
  }
  if (ok)
    return THEME_OK;
  static const char *const wanted[] = {
      [KEY_COLOR] = "a colour #rrggbb or #rrggbbaa",
      [KEY_NUMBER] = "a number",
      [KEY_NAME] = "a name of letters, digits, - and _",
      [KEY_PALETTE] = "1 to 16 colours separated by blanks",
  };
  return fail(THEME_SYNTAX, err, cap, "line %d: %s wants %s, not '%.*s'", line, k->name,
              wanted[k->type], (int)(n > 40 ? 40 : n), v);
}

theme_status theme_parse(theme *t, const char *text, size_t len, size_t *set, char *err,
                         size_t cap) {
  bool seen[N_KEYS] = {false};
  size_t distinct = 0;
  int line = 0;
  size_t i = 0;
  while (i < len) {
    line++;
    size_t start = i;
    while (i < len && text[i] != '\n')
      i++;
    size_t end = i;
    if (i < len)
      i++;
    while (start < end && is_blank(text[start]))
      start++;
    while (end > start && is_blank(text[end - 1]))
      end--;
    if (start == end || text[start] == '#')
      continue; /* blank line or comment */
    const char *eq = memchr(text + start, '=', end - start);
    if (eq == NULL)
      return fail(THEME_SYNTAX, err, cap, "line %d: expected key = value", line);
    size_t kend = (size_t)(eq - text), vstart = kend + 1;
    while (kend > start && is_blank(text[kend - 1]))
      kend--;
    while (vstart < end && is_blank(text[vstart]))
      vstart++;
    const key_def *k = NULL;
    size_t index = 0;
    for (; index < N_KEYS; index++)
      if (strlen(keys[index].name) == kend - start &&
          memcmp(keys[index].name, text + start, kend - start) == 0) {
        k = &keys[index];
        break;
      }
    if (k == NULL)
      return fail(THEME_UNKNOWN, err, cap, "line %d: unknown key '%.*s'", line,
                  (int)(kend - start > 40 ? 40 : kend - start), text + start);
    theme_status st = apply(t, k, text + vstart, end - vstart, line, err, cap);
    if (st != THEME_OK)
      return st;
    if (!seen[index]) {
      seen[index] = true;
      distinct++;
    }
  }
  if (set != NULL)
    *set = distinct;
  return THEME_OK;
}

void theme_defaults(theme *t) {
  memset(t, 0, sizeof *t);
  /* The built-in text is tested to parse completely. */
  theme_parse(t, builtin, sizeof builtin - 1, NULL, NULL, 0);
}

theme_status theme_load_file(theme *t, const char *path, char *err, size_t cap) {
  theme_defaults(t);
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return fail(THEME_IO_ERROR, err, cap, "cannot read %s: %s", path, strerror(errno));
  enum { THEME_FILE_MAX = 64 * 1024 }; /* a theme file is a few kilobytes */
  char *buf = malloc(THEME_FILE_MAX);
  if (buf == NULL) {
    fclose(f);
    return fail(THEME_IO_ERROR, err, cap, "cannot read %s: out of memory", path);
  }
  size_t n = fread(buf, 1, THEME_FILE_MAX, f);
  bool bad = ferror(f) != 0 || n == THEME_FILE_MAX;
  fclose(f);
  if (bad) {
    free(buf);
    return fail(THEME_IO_ERROR, err, cap, "cannot read %s: %s", path,
                n == THEME_FILE_MAX ? "larger than 64 KiB" : "read error");
  }
  char msg[256] = "";
  theme_status st = theme_parse(t, buf, n, NULL, msg, sizeof msg);
  free(buf);
  if (st != THEME_OK) {
    theme_defaults(t);
    return fail(st, err, cap, "%s: %s", path, msg);
  }
  return THEME_OK;
}

theme_status theme_load(theme *t, const char *data_dir, const char *name, char *err, size_t cap) {
  char checked[THEME_NAME_MAX];
  if (!parse_name(name, strlen(name), checked)) {
    theme_defaults(t);
    return fail(THEME_BAD_NAME, err, cap, "bad theme name '%.40s'", name);
  }
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/assets/themes/%s.theme", data_dir, name);
  if (n < 0 || (size_t)n >= sizeof path) {
    theme_defaults(t);
    return fail(THEME_TOO_LONG, err, cap, "theme path too long");
  }
  return theme_load_file(t, path, err, cap);
}

theme_color theme_task_color(const theme *t, int32_t task) {
  if (task < 0 || t->ntask_colors == 0)
    return t->text;
  return t->task_colors[(size_t)task % t->ntask_colors];
}

theme_color theme_fade(theme_color c, float alpha) {
  if (alpha < 0.0f)
    alpha = 0.0f;
  if (alpha > 1.0f)
    alpha = 1.0f;
  c.a = (uint8_t)((float)c.a * alpha + 0.5f);
  return c;
}

static uint8_t mix8(uint8_t a, uint8_t b, float f) {
  return (uint8_t)((float)a + ((float)b - (float)a) * f + 0.5f);
}

theme_color theme_mix(theme_color a, theme_color b, float f) {
  if (f < 0.0f)
    f = 0.0f;
  if (f > 1.0f)
    f = 1.0f;
  return (theme_color){mix8(a.r, b.r, f), mix8(a.g, b.g, f), mix8(a.b, b.b, f), mix8(a.a, b.a, f)};
}
