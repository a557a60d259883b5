/* export: the options as the command line gives them, checked and converted (export.h). They
 * need no SDL, so they live apart from the pipeline in export.c: the executable checks an export's
 * options before it writes anything, without loading the drawing module (gui.h). */
#include "export.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
  EXP_SIZE_MIN = 16,        /* least frame width or height */
  EXP_SIZE_MAX = 16384,     /* most frame width or height */
  EXP_FPS_MAX = 240,        /* most frames per second */
  EXP_STEP_MS_MAX = 600000, /* most time a step is shown: ten minutes */
};

/* ---- options ------------------------------------------------------------------------------ */

void exp_options_init(exp_options *o) {
  memset(o, 0, sizeof *o);
  o->fps = 30;
  o->width = 1920;
  o->height = 1080;
  o->step_ms = 800;
  o->from = -1;
  o->to = -1;
  o->step = -1;
  o->ffmpeg = "ffmpeg";
}

bool exp_wanted(const exp_args *a) {
  return a->frames != NULL || a->video != NULL || a->png != NULL || a->svg != NULL;
}

static exp_status usage(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static exp_status usage(char *err, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, cap, fmt, ap);
  va_end(ap);
  return EXP_USAGE;
}

/* A whole decimal number in [lo, hi]. */
static bool parse_long(const char *s, long lo, long hi, long *out) {
  if (s == NULL || *s == '\0' || *s == '+' || *s == '-' || *s == ' ')
    return false;
  errno = 0;
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

static bool parse_size(const char *s, int *w, int *h) {
  const char *x = strpbrk(s, "xX");
  if (x == NULL || x == s || x - s > 8)
    return false;
  char left[16];
  memcpy(left, s, (size_t)(x - s));
  left[x - s] = '\0';
  long lw = 0, lh = 0;
  if (!parse_long(left, EXP_SIZE_MIN, EXP_SIZE_MAX, &lw) ||
      !parse_long(x + 1, EXP_SIZE_MIN, EXP_SIZE_MAX, &lh))
    return false;
  *w = (int)lw;
  *h = (int)lh;
  return true;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  if (n < m)
    return false;
  for (size_t i = 0; i < m; i++) {
    char c = s[n - m + i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != suffix[i])
      return false;
  }
  return true;
}

exp_status exp_options_from_args(const exp_args *a, exp_options *o, char *err, size_t cap) {
  o->frames = a->frames;
  o->video = a->video;
  o->png = a->png;
  o->svg = a->svg;
  o->theme = a->theme;
  o->font = a->font;
  o->diagram_only = a->diagram_only;
  o->force = a->force;
  bool moving = a->frames != NULL || a->video != NULL; /* outputs with a timeline */
  bool raster = moving || a->png != NULL;              /* outputs of a given pixel size */
  long v = 0;
  if (a->fps != NULL) {
    if (!moving)
      return usage(err, cap, "--fps applies to --frames and --video");
    if (!parse_long(a->fps, 1, EXP_FPS_MAX, &v))
      return usage(err, cap, "--fps wants a whole number from 1 to %d, not '%.40s'", EXP_FPS_MAX,
                   a->fps);
    o->fps = (int)v;
  }
  if (a->step_ms != NULL) {
    if (!moving)
      return usage(err, cap, "--step-ms applies to --frames and --video");
    if (!parse_long(a->step_ms, 1, EXP_STEP_MS_MAX, &v))
      return usage(err, cap, "--step-ms wants milliseconds from 1 to %d, not '%.40s'",
                   EXP_STEP_MS_MAX, a->step_ms);
    o->step_ms = (int)v;
  }
  const char *names[3] = {"--from", "--to", "--step"};
  const char *values[3] = {a->from, a->to, a->step};
  long *targets[3] = {&o->from, &o->to, &o->step};
  for (int i = 0; i < 3; i++) {
    if (values[i] == NULL)
      continue;
    if (i < 2 && !moving)
      return usage(err, cap, "%s applies to --frames and --video", names[i]);
    if (i == 2 && a->png == NULL)
      return usage(err, cap, "--step applies to --png");
    if (!parse_long(values[i], 0, LONG_MAX / 2, targets[i]))
      return usage(err, cap, "%s wants a step number (0, 1, ...), not '%.40s'", names[i],
                   values[i]);
  }
  if (o->from >= 0 && o->to >= 0 && o->from > o->to)
    return usage(err, cap, "--from %ld comes after --to %ld", o->from, o->to);
  if (a->size != NULL) {
    if (!raster)
      return usage(err, cap, "--size applies to --frames, --video and --png");
    if (!parse_size(a->size, &o->width, &o->height))
      return usage(err, cap, "--size wants WIDTHxHEIGHT, each from %d to %d, not '%.40s'",
                   EXP_SIZE_MIN, EXP_SIZE_MAX, a->size);
  }
  if (a->diagram_only && !raster)
    return usage(err, cap,
                 "--diagram-only applies to --frames, --video and --png (an SVG "
                 "is always the diagram alone)");
  if (a->force && a->frames == NULL)
    return usage(err, cap, "--force applies to --frames");
  o->video_kind = EXP_VIDEO_NONE;
  if (a->video != NULL) {
    if (ends_with(a->video, ".mp4"))
      o->video_kind = EXP_VIDEO_MP4;
    else if (ends_with(a->video, ".webm"))
      o->video_kind = EXP_VIDEO_WEBM;
    else if (ends_with(a->video, ".gif"))
      o->video_kind = EXP_VIDEO_GIF;
    else
      return usage(err, cap, "--video writes .mp4, .webm or .gif, not '%.200s'", a->video);
    if (o->video_kind != EXP_VIDEO_GIF && (o->width % 2 != 0 || o->height % 2 != 0))
      return usage(err, cap, "--video %s needs an even width and height, not %dx%d",
                   o->video_kind == EXP_VIDEO_MP4 ? ".mp4" : ".webm", o->width, o->height);
  }
  if (a->png != NULL && !ends_with(a->png, ".png"))
    return usage(err, cap, "--png writes a .png file, not '%.200s'", a->png);
  return EXP_OK;
}
