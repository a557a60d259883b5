/* svg: display list -> SVG document. See svg.h.
 *
 * The shapes follow sdlr's geometry, so the SVG and the PNG of one list agree: an outlined
 * rectangle's stroke lies inside its corners (SVG centres strokes on the path, so the path is
 * inset by half the width), strokes are at least one pixel wide, dashes are laid from the line's
 * start, and a clip is intersected with the one around it (nested groups do that by themselves).
 * Numbers are written by hand in fixed notation, so no locale can turn a point into a comma. */
#include "svg.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Ascent of DejaVu Sans (1901 units of 2048), also DejaVu Sans Mono's. */
static const float dejavu_ascent = 1901.0f / 2048.0f;

static const char *const families[FACE__COUNT] = {
    [FACE_SANS] = "'DejaVu Sans', Verdana, sans-serif",
    [FACE_SANS_BOLD] = "'DejaVu Sans', Verdana, sans-serif",
    [FACE_MONO] = "'DejaVu Sans Mono', Menlo, Consolas, monospace",
};

float svg_default_ascent(void *user, layout_face face, int size) {
  (void)user;
  (void)face;
  return (float)size * dejavu_ascent;
}

const char *svg_family(layout_face face) {
  return face >= 0 && face < FACE__COUNT ? families[face] : families[FACE_SANS];
}

/* The writer: the buffer and whether every append so far succeeded. */
typedef struct writer {
  fmt_buf *out; /* where the document goes */
  bool oom;     /* an append failed */
} writer;

static void put(writer *w, const char *s) {
  if (!w->oom && fmt_buf_appends(w->out, s) != FMT_OK)
    w->oom = true;
}

/* A number with at most `decimals` (<= 3) digits after the point, trailing zeros dropped:
 * 12, 12.5, -0.25. Not finite: 0. */
static void num(writer *w, double x, int decimals) {
  static const long long scales[4] = {1, 10, 100, 1000};
  if (!isfinite(x) || fabs(x) > 1e12)
    x = 0;
  long long scale = scales[decimals < 0 ? 0 : decimals > 3 ? 3 : decimals];
  long long v = llround(x * (double)scale);
  char buf[40];
  size_t n = 0;
  bool neg = v < 0;
  unsigned long long u = neg ? (unsigned long long)(-v) : (unsigned long long)v;
  unsigned long long ip = u / (unsigned long long)scale, fp = u % (unsigned long long)scale;
  char digits[24];
  size_t nd = 0;
  do {
    digits[nd++] = (char)('0' + ip % 10);
    ip /= 10;
  } while (ip > 0);
  if (neg && (u != 0))
    buf[n++] = '-';
  while (nd > 0)
    buf[n++] = digits[--nd];
  if (fp != 0) {
    buf[n++] = '.';
    for (long long s = scale / 10; s > 0 && fp != 0; s /= 10) {
      buf[n++] = (char)('0' + fp / (unsigned long long)s);
      fp %= (unsigned long long)s;
    }
  }
  buf[n] = '\0';
  put(w, buf);
}

/* name="number" with a leading space. */
static void attr_num(writer *w, const char *name, double x) {
  put(w, " ");
  put(w, name);
  put(w, "=\"");
  num(w, x, 2);
  put(w, "\"");
}

static void hex_color(writer *w, theme_color c) {
  static const char hex[] = "0123456789abcdef";
  char buf[8] = {'#',           hex[c.r >> 4], hex[c.r & 15], hex[c.g >> 4],
                 hex[c.g & 15], hex[c.b >> 4], hex[c.b & 15], '\0'};
  put(w, buf);
}

/* fill="#rrggbb" (or stroke=), with its opacity when it is not opaque. */
static void paint(writer *w, const char *what, theme_color c) {
  put(w, " ");
  put(w, what);
  put(w, "=\"");
  hex_color(w, c);
  put(w, "\"");
  if (c.a != 0xff) {
    put(w, " ");
    put(w, what);
    put(w, "-opacity=\"");
    num(w, (double)c.a / 255.0, 3);
    put(w, "\"");
  }
}

/* ---- escaping ----------------------------------------------------------------------------- */

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length, or 0 when it is not valid
 * (a stray continuation byte, a truncated or overlong sequence, a surrogate, beyond U+10FFFF). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned char b = s[0];
  size_t len;
  uint32_t min;
  if (b < 0x80) {
    *cp = b;
    return 1;
  } else if (b >= 0xc2 && b <= 0xdf) {
    len = 2, min = 0x80, *cp = b & 0x1f;
  } else if (b >= 0xe0 && b <= 0xef) {
    len = 3, min = 0x800, *cp = b & 0x0f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    len = 4, min = 0x10000, *cp = b & 0x07;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    *cp = (*cp << 6) | (s[i] & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
    return 0;
  return len;
}

/* The characters XML 1.0 allows. */
static bool xml_char(uint32_t cp) {
  return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
         (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

svg_status svg_escape(fmt_buf *out, const char *text, size_t len) {
  static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
  const unsigned char *s = (const unsigned char *)text;
  size_t run = 0; /* start of the pending run of bytes copied as they are */
  for (size_t i = 0; i < len;) {
    uint32_t cp = 0;
    size_t n = utf8_decode(s + i, len - i, &cp);
    const char *sub = NULL;
    if (n == 0 || !xml_char(cp))
      sub = replacement;
    else if (cp == '&')
      sub = "&amp;";
    else if (cp == '<')
      sub = "&lt;";
    else if (cp == '>')
      sub = "&gt;";
    else if (cp == '"')
      sub = "&quot;";
    else if (cp == '\'')
      sub = "&apos;";
    if (n == 0)
      n = 1; /* an invalid byte is replaced on its own; decoding resumes at the next */
    if (sub != NULL) {
      if (fmt_buf_append(out, text + run, i - run) != FMT_OK || fmt_buf_appends(out, sub) != FMT_OK)
        return SVG_NO_MEMORY;
      run = i + n;
    }
    i += n;
  }
  if (fmt_buf_append(out, text + run, len - run) != FMT_OK)
    return SVG_NO_MEMORY;
  return SVG_OK;
}

static void escaped(writer *w, const char *text, size_t len) {
  if (!w->oom && svg_escape(w->out, text, len) != SVG_OK)
    w->oom = true;
}

/* ---- shapes ------------------------------------------------------------------------------- */

static float minf(float a, float b) { return a < b ? a : b; }
static float maxf(float a, float b) { return a > b ? a : b; }

/* A rectangle from two corners in any order, optionally inset (for strokes inside it). */
static void rect(writer *w, const scene_cmd *k, float inset, float radius) {
  float x = minf(k->x0, k->x1) + inset, y = minf(k->y0, k->y1) + inset;
  float rw = fabsf(k->x1 - k->x0) - 2 * inset, rh = fabsf(k->y1 - k->y0) - 2 * inset;
  put(w, "<rect");
  attr_num(w, "x", x);
  attr_num(w, "y", y);
  attr_num(w, "width", maxf(rw, 0));
  attr_num(w, "height", maxf(rh, 0));
  if (radius > 0) {
    float r = minf(radius, minf(maxf(rw, 0), maxf(rh, 0)) / 2);
    attr_num(w, "rx", r);
    attr_num(w, "ry", r);
  }
}

static void fill_rect(writer *w, const scene_cmd *k, float radius) {
  rect(w, k, 0, radius);
  paint(w, "fill", k->color);
  put(w, "/>\n");
}

static float stroke_w(const scene_cmd *k) { return k->width < 1 ? 1 : k->width; }

static void stroke_rect(writer *w, const scene_cmd *k, float radius) {
  float sw = stroke_w(k);
  float half = minf(sw / 2, minf(fabsf(k->x1 - k->x0), fabsf(k->y1 - k->y0)) / 2);
  rect(w, k, half, radius > half ? radius - half : 0);
  put(w, " fill=\"none\"");
  paint(w, "stroke", k->color);
  attr_num(w, "stroke-width", sw);
  put(w, "/>\n");
}

/* Axis-aligned lines are snapped as sdlr snaps them: a whole number of pixels wide, on whole
 * pixels, so a hairline is one crisp row rather than two half-grey ones, and it lands on the very
 * row the PNG shows (which matters at a clip's edge). */
static void line(writer *w, const scene_cmd *k, bool dashed) {
  float x0 = k->x0, y0 = k->y0, x1 = k->x1, y1 = k->y1, sw = stroke_w(k);
  if (x0 == x1 || y0 == y1) {
    sw = roundf(sw);
    if (x0 == x1)
      x0 = x1 = floorf(x0 - sw / 2 + 0.5f) + sw / 2;
    else
      y0 = y1 = floorf(y0 - sw / 2 + 0.5f) + sw / 2;
  }
  put(w, "<line");
  attr_num(w, "x1", x0);
  attr_num(w, "y1", y0);
  attr_num(w, "x2", x1);
  attr_num(w, "y2", y1);
  paint(w, "stroke", k->color);
  attr_num(w, "stroke-width", sw);
  if (dashed) {
    put(w, " stroke-dasharray=\"");
    num(w, k->dash > 1 ? k->dash : 1, 2);
    put(w, " ");
    num(w, k->gap > 1 ? k->gap : 1, 2);
    put(w, "\"");
  }
  put(w, "/>\n");
}

static void triangle(writer *w, const scene_cmd *k) {
  put(w, "<polygon points=\"");
  const float p[6] = {k->x0, k->y0, k->x1, k->y1, k->x2, k->y2};
  for (int i = 0; i < 6; i++) {
    if (i > 0)
      put(w, i % 2 == 0 ? " " : ",");
    num(w, p[i], 2);
  }
  put(w, "\"");
  paint(w, "fill", k->color);
  put(w, "/>\n");
}

static void text(writer *w, const scene_list *l, const scene_cmd *k, const svg_options *o) {
  const char *s = scene_cmd_text(l, k);
  svg_ascent_fn ascent = o->ascent != NULL ? o->ascent : svg_default_ascent;
  put(w, "<text");
  attr_num(w, "x", k->x0);
  attr_num(w, "y", k->y0 + ascent(o->ascent_user, k->face, k->size));
  put(w, " font-family=\"");
  put(w, svg_family(k->face));
  put(w, "\"");
  if (k->face == FACE_SANS_BOLD)
    put(w, " font-weight=\"bold\"");
  attr_num(w, "font-size", k->size);
  paint(w, "fill", k->color);
  if (o->measure != NULL && k->len > 0) {
    float tw = 0, th = 0;
    o->measure(o->measure_user, k->face, (float)k->size, s, k->len, &tw, &th);
    if (tw > 0) {
      attr_num(w, "textLength", tw);
      put(w, " lengthAdjust=\"spacingAndGlyphs\"");
    }
  }
  put(w, ">");
  escaped(w, s, k->len);
  put(w, "</text>\n");
}

static void clip_push(writer *w, const scene_cmd *k, unsigned id) {
  put(w, "<clipPath id=\"c");
  num(w, id, 0);
  put(w, "\">");
  rect(w, k, 0, 0);
  put(w, "/></clipPath>\n<g clip-path=\"url(#c");
  num(w, id, 0);
  put(w, ")\">\n");
}

svg_status svg_write(const scene_list *list, const svg_options *o, fmt_buf *out) {
  if (list->oom)
    return SVG_BAD_LIST;
  writer w = {out, false};
  put(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"");
  attr_num(&w, "width", o->w);
  attr_num(&w, "height", o->h);
  put(&w, " viewBox=\"0 0 ");
  num(&w, o->w, 0);
  put(&w, " ");
  num(&w, o->h, 0);
  put(&w, "\" xml:space=\"preserve\">\n");
  if (o->title != NULL) {
    put(&w, "<title>");
    escaped(&w, o->title, strlen(o->title));
    put(&w, "</title>\n");
  }
  size_t depth = 0;
  unsigned clips = 0;
  svg_status st = SVG_OK;
  for (size_t i = 0; i < list->n && st == SVG_OK; i++) {
    const scene_cmd *k = &list->cmds[i];
    switch (k->op) {
    case SC_FILL_RECT:
      fill_rect(&w, k, 0);
      break;
    case SC_RECT:
      stroke_rect(&w, k, 0);
      break;
    case SC_FILL_ROUND:
      fill_rect(&w, k, k->radius);
      break;
    case SC_ROUND:
      stroke_rect(&w, k, k->radius);
      break;
    case SC_LINE:
      line(&w, k, false);
      break;
    case SC_DASH:
      line(&w, k, true);
      break;
    case SC_TRIANGLE:
      triangle(&w, k);
      break;
    case SC_TEXT:
      text(&w, list, k, o);
      break;
    case SC_CLIP_PUSH:
      clip_push(&w, k, clips++);
      depth++;
      break;
    case SC_KEEP_BEGIN: /* a hint for pixel backends */
    case SC_KEEP_END:
      break;
    case SC_CLIP_POP:
      if (depth == 0) {
        st = SVG_BAD_LIST;
        break;
      }
      put(&w, "</g>\n");
      depth--;
      break;
    }
  }
  for (; depth > 0; depth--)
    put(&w, "</g>\n");
  put(&w, "</svg>\n");
  if (w.oom)
    return SVG_NO_MEMORY;
  return st;
}
