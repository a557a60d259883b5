/* scene: panels, diagram and timeline as drawing commands. See scene.h.
 *
 * Sizes come from the theme in points and are multiplied by the view's scale (the diagram by its
 * own scale, which may shrink it to fit). Nothing here keeps state between calls. */
#include "scene.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  CODE_TAGS = LAYOUT_TAGS, /* tasks tagged on one source line, at most */
  TEXT_BYTES = 1024,       /* room for one formatted string */
  CONSOLE_LINES = 256      /* most console lines considered for one frame */
};

static const char ellipsis[] = "\xe2\x80\xa6";

/* ---- the list ----------------------------------------------------------------------------- */

void scene_list_init(scene_list *l) { memset(l, 0, sizeof *l); }

void scene_list_free(scene_list *l) {
  free(l->cmds);
  free(l->pool);
  memset(l, 0, sizeof *l);
}

void scene_list_clear(scene_list *l) {
  l->n = 0;
  l->pool_len = 0;
  l->oom = false;
}

const char *scene_cmd_text(const scene_list *l, const scene_cmd *c) { return l->pool + c->text; }

bool scene_list_equal(const scene_list *a, const scene_list *b) {
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++) {
    const scene_cmd *x = &a->cmds[i], *y = &b->cmds[i];
    if (x->op != y->op || memcmp(&x->color, &y->color, sizeof x->color) != 0 || x->x0 != y->x0 ||
        x->y0 != y->y0 || x->x1 != y->x1 || x->y1 != y->y1 || x->x2 != y->x2 || x->y2 != y->y2 ||
        x->width != y->width || x->radius != y->radius || x->dash != y->dash || x->gap != y->gap ||
        x->face != y->face || x->size != y->size || x->len != y->len)
      return false;
    if (x->op == SC_TEXT && memcmp(a->pool + x->text, b->pool + y->text, x->len) != 0)
      return false;
  }
  return true;
}

static scene_cmd *push(scene_list *l, scene_op op, theme_color c) {
  if (l->oom)
    return NULL;
  if (l->n == l->cap) {
    size_t n = l->cap ? l->cap * 2 : 256;
    scene_cmd *p = realloc(l->cmds, n * sizeof *p);
    if (p == NULL) {
      l->oom = true;
      return NULL;
    }
    l->cmds = p;
    l->cap = n;
  }
  scene_cmd *cmd = &l->cmds[l->n++];
  memset(cmd, 0, sizeof *cmd);
  cmd->op = op;
  cmd->color = c;
  return cmd;
}

/* ---- the frame's context ------------------------------------------------------------------ */

typedef struct ctx {
  const scene_input *in;   /* the input */
  const layout_diagram *d; /* in->diagram */
  const theme *t;          /* in->theme */
  const scene_view *v;     /* in->view */
  scene_list *l;           /* the output */
  float s;                 /* pixels per theme point */
  scene_panels p;          /* where the panels are */
  size_t stop;             /* the playhead, clamped */
  float f;                 /* fraction of its animation, clamped */
  uint32_t r0;             /* first row the stop animates */
  uint32_t r1;             /* one past its last */
  uint32_t drawn;          /* rows with something shown: [0, drawn) */
  float reveal;            /* diagram y down to which the diagram is shown */
  uint32_t events;         /* events the panels show: [0, events), in step with the rows */
  scene_rect inner;        /* the diagram panel without its padding */
  float ds;                /* pixels per diagram point */
  float sx;                /* diagram scroll x, points, clamped */
  float sy;                /* diagram scroll y, points, clamped */
} ctx;

static float pt(const ctx *c, float points) { return points * c->s; }
static int font_px(float size) { return (int)lroundf(size); }

static float clampf(float x, float lo, float hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Smooth start and end, so growing arrows do not jerk. */
static float ease(float x) {
  x = clampf(x, 0.0f, 1.0f);
  return x * x * (3.0f - 2.0f * x);
}

static void measure(const ctx *c, layout_face face, int size, const char *s, size_t n, float *w,
                    float *h) {
  float ww = 0, hh = 0;
  c->in->measure(c->in->measure_user, face, (float)size, s, n, &ww, &hh);
  if (w != NULL)
    *w = ww;
  if (h != NULL)
    *h = hh;
}

static float text_w(const ctx *c, layout_face face, int size, const char *s) {
  float w = 0;
  measure(c, face, size, s, strlen(s), &w, NULL);
  return w;
}

static float line_h(const ctx *c, layout_face face, int size) {
  float h = 0;
  measure(c, face, size, "Ag", 2, NULL, &h);
  return h;
}

/* ---- drawing primitives ------------------------------------------------------------------- */

static void fill_rect(ctx *c, float x, float y, float w, float h, theme_color col) {
  if (col.a == 0 || w <= 0 || h <= 0)
    return;
  scene_cmd *k = push(c->l, SC_FILL_RECT, col);
  if (k != NULL) {
    k->x0 = x;
    k->y0 = y;
    k->x1 = x + w;
    k->y1 = y + h;
  }
}

static void round_rect(ctx *c, float x, float y, float w, float h, float r, theme_color fill,
                       theme_color stroke, float width) {
  if (w <= 0 || h <= 0)
    return;
  if (r * 2 > w)
    r = w / 2;
  if (r * 2 > h)
    r = h / 2;
  if (fill.a != 0) {
    scene_cmd *k = push(c->l, SC_FILL_ROUND, fill);
    if (k != NULL) {
      k->x0 = x;
      k->y0 = y;
      k->x1 = x + w;
      k->y1 = y + h;
      k->radius = r;
    }
  }
  if (stroke.a != 0 && width > 0) {
    scene_cmd *k = push(c->l, SC_ROUND, stroke);
    if (k != NULL) {
      k->x0 = x;
      k->y0 = y;
      k->x1 = x + w;
      k->y1 = y + h;
      k->radius = r;
      k->width = width;
    }
  }
}

static void outline_rect(ctx *c, float x, float y, float w, float h, theme_color col, float width) {
  if (col.a == 0 || w <= 0 || h <= 0)
    return;
  scene_cmd *k = push(c->l, SC_RECT, col);
  if (k != NULL) {
    k->x0 = x;
    k->y0 = y;
    k->x1 = x + w;
    k->y1 = y + h;
    k->width = width;
  }
}

static void line(ctx *c, float x0, float y0, float x1, float y1, float width, theme_color col,
                 bool dashed) {
  if (col.a == 0 || (x0 == x1 && y0 == y1))
    return;
  scene_cmd *k = push(c->l, dashed ? SC_DASH : SC_LINE, col);
  if (k != NULL) {
    k->x0 = x0;
    k->y0 = y0;
    k->x1 = x1;
    k->y1 = y1;
    k->width = width;
    if (dashed) {
      k->dash = pt(c, c->t->dash) * (c->ds / c->s);
      k->gap = pt(c, c->t->dash_gap) * (c->ds / c->s);
    }
  }
}

static void triangle(ctx *c, float x0, float y0, float x1, float y1, float x2, float y2,
                     theme_color col) {
  if (col.a == 0)
    return;
  scene_cmd *k = push(c->l, SC_TRIANGLE, col);
  if (k != NULL) {
    k->x0 = x0;
    k->y0 = y0;
    k->x1 = x1;
    k->y1 = y1;
    k->x2 = x2;
    k->y2 = y2;
  }
}

static void textn(ctx *c, layout_face face, int size, float x, float y, theme_color col,
                  const char *s, size_t n) {
  if (n == 0 || col.a == 0 || size <= 0)
    return;
  scene_list *l = c->l;
  if (l->oom)
    return;
  if (l->pool_len + n + 1 > l->pool_cap) {
    size_t cap = l->pool_cap ? l->pool_cap * 2 : 4096;
    while (cap < l->pool_len + n + 1)
      cap *= 2;
    char *p = realloc(l->pool, cap);
    if (p == NULL) {
      l->oom = true;
      return;
    }
    l->pool = p;
    l->pool_cap = cap;
  }
  scene_cmd *k = push(l, SC_TEXT, col);
  if (k == NULL)
    return;
  k->x0 = floorf(x + 0.5f);
  k->y0 = floorf(y + 0.5f);
  k->face = face;
  k->size = size;
  k->text = (uint32_t)l->pool_len;
  k->len = (uint32_t)n;
  memcpy(l->pool + l->pool_len, s, n);
  l->pool[l->pool_len + n] = '\0';
  l->pool_len += n + 1;
}

static void text(ctx *c, layout_face face, int size, float x, float y, theme_color col,
                 const char *s) {
  textn(c, face, size, x, y, col, s, strlen(s));
}

/* Text cut to fit max_w pixels, with an ellipsis when cut. Returns the width drawn. */
static float text_fit(ctx *c, layout_face face, int size, float x, float y, theme_color col,
                      const char *s, float max_w) {
  size_t n = strlen(s);
  float w = 0;
  measure(c, face, size, s, n, &w, NULL);
  if (w <= max_w) {
    textn(c, face, size, x, y, col, s, n);
    return w;
  }
  char buf[TEXT_BYTES];
  float ew = text_w(c, face, size, ellipsis);
  size_t lo = 0, hi = n < sizeof buf - sizeof ellipsis ? n : sizeof buf - sizeof ellipsis;
  while (lo < hi) { /* the longest prefix that fits with the ellipsis */
    size_t mid = (lo + hi + 1) / 2;
    while (mid > 0 && ((unsigned char)s[mid] & 0xc0) == 0x80)
      mid--;
    float mw = 0;
    measure(c, face, size, s, mid, &mw, NULL);
    if (mw + ew <= max_w && mid > lo)
      lo = mid;
    else
      hi = mid == hi ? mid - 1 : mid;
  }
  while (lo > 0 && ((unsigned char)s[lo] & 0xc0) == 0x80)
    lo--;
  memcpy(buf, s, lo);
  memcpy(buf + lo, ellipsis, sizeof ellipsis);
  textn(c, face, size, x, y, col, buf, lo + sizeof ellipsis - 1);
  measure(c, face, size, buf, lo + sizeof ellipsis - 1, &w, NULL);
  return w;
}

/* A command that takes an area (SC_CLIP_PUSH, SC_KEEP_BEGIN, SC_KEEP_END). */
static void push_area(ctx *c, scene_op op, scene_rect r) {
  scene_cmd *k = push(c->l, op, (theme_color){0, 0, 0, 0});
  if (k != NULL) {
    k->x0 = r.x;
    k->y0 = r.y;
    k->x1 = r.x + r.w;
    k->y1 = r.y + r.h;
  }
}

static void clip_push(ctx *c, scene_rect r) { push_area(c, SC_CLIP_PUSH, r); }

static void clip_pop(ctx *c) { push(c->l, SC_CLIP_POP, (theme_color){0, 0, 0, 0}); }

/* SC_KEEP_BEGIN (with the area r) or SC_KEEP_END. */
static void keep(ctx *c, scene_op op, scene_rect r) { push_area(c, op, r); }

/* ---- panels ------------------------------------------------------------------------------- */

static size_t task_lanes(const layout_diagram *d) { return d->ntask_lanes; }

static void panels(const scene_input *in, scene_panels *p) {
  const theme *t = in->theme;
  const scene_view *v = in->view;
  float s = v->scale, m = t->margin * s, gap = t->panel_gap * s;
  float W = (float)v->w, H = (float)v->h;
  memset(p, 0, sizeof *p);
  if (v->diagram_only) {
    p->diagram = (scene_rect){m, m, W - 2 * m, H - 2 * m};
  } else {
    p->caption = (scene_rect){m, m, W - 2 * m, t->caption_h * s};
    float th = (t->timeline_row_h * (float)task_lanes(in->diagram) + t->sub_pt * 2 + t->pad * 2);
    if (th > t->timeline_max_h)
      th = t->timeline_max_h;
    th *= s;
    p->timeline = (scene_rect){m, H - m - th, W - 2 * m, th};
    float top = p->caption.y + p->caption.h + gap, bottom = p->timeline.y - gap;
    float mid = bottom - top;
    float lw = t->left_w * s;
    float most = (W - 2 * m) * t->left_max / 100.0f; /* the diagram keeps the larger part */
    if (lw > most)
      lw = most;
    float room = mid - 2 * gap;
    float ch = room * t->code_share / 100.0f, lh = room * t->loop_share / 100.0f;
    p->code = (scene_rect){m, top, lw, ch};
    p->loop = (scene_rect){m, top + ch + gap, lw, lh};
    p->console = (scene_rect){m, top + ch + lh + 2 * gap, lw, room - ch - lh};
    p->diagram = (scene_rect){m + lw + gap, top, W - 2 * m - lw - gap, mid};
  }
  float pad = t->pad * s;
  float avail = p->diagram.w - 2 * pad - t->ruler_w * s; /* the ruler keeps its width */
  float need = in->diagram->width * s;
  float fit = need > 0 && avail < need ? avail / need : 1.0f;
  float least = t->diagram_fit_min / 100.0f;
  p->dscale = s * (fit < least ? least : fit);
}

void scene_layout_panels(const scene_input *in, scene_panels *out) { panels(in, out); }

static scene_rect inset(scene_rect r, float by) {
  return (scene_rect){r.x + by, r.y + by, r.w - 2 * by, r.h - 2 * by};
}

/* Panel background and its small capitals title; returns the area below the title. */
static scene_rect panel(ctx *c, scene_rect r, const char *title) {
  const theme *t = c->t;
  round_rect(c, r.x, r.y, r.w, r.h, pt(c, t->radius), t->panel, t->panel_border, pt(c, t->line_w));
  scene_rect in = inset(r, pt(c, t->pad));
  if (title == NULL)
    return in;
  int size = font_px(pt(c, t->panel_title_pt));
  text_fit(c, FACE_SANS_BOLD, size, in.x, in.y, t->panel_title, title, in.w);
  float h = line_h(c, FACE_SANS_BOLD, size) + pt(c, t->pad) / 2;
  in.y += h;
  in.h -= h;
  return in;
}

/* ---- the playhead ------------------------------------------------------------------------- */

static float row_fraction(const ctx *c, uint32_t i) {
  if (i < c->r0)
    return 1.0f;
  if (i >= c->r1)
    return 0.0f;
  float n = (float)(c->r1 - c->r0);
  return clampf(c->f * n - (float)(i - c->r0), 0.0f, 1.0f);
}

static void playhead(ctx *c) {
  const layout_diagram *d = c->d;
  c->stop = c->in->stop < d->nstops ? c->in->stop : d->nstops - 1;
  c->f = clampf(c->in->fraction, 0.0f, 1.0f);
  c->r0 = layout_stop_first_row(d, c->stop);
  c->r1 = d->stops[c->stop].row_end;
  c->drawn = c->r0;
  while (c->drawn < c->r1 && row_fraction(c, c->drawn) > 0.0f)
    c->drawn++;
  if (c->drawn > 0) {
    const layout_row *r = &d->rows[c->drawn - 1];
    c->reveal = r->top + r->h * row_fraction(c, c->drawn - 1);
  } else {
    c->reveal = d->header_h + c->t->row_gap * 2;
  }
  /* The panels move with the rows: while a stop animates they show the events up to the row
   * being drawn, and the whole stop once it is done. */
  c->events = d->stops[c->stop].event_end;
  if (c->f < 1.0f) {
    /* everything up to the next row not yet begun (the event of a row being drawn included) */
    if (c->drawn == c->r0)
      c->events = c->stop > 0 ? d->stops[c->stop - 1].event_end : 0;
    else if (c->drawn < c->r1)
      c->events = d->rows[c->drawn].event;
  }
}

/* ---- the diagram -------------------------------------------------------------------------- */

/* Diagram points to pixels: the lanes start right of the ruler column. */
static float DX(const ctx *c, float x) {
  return c->inner.x + pt(c, c->t->ruler_w) + (x - c->sx) * c->ds;
}
static float DY(const ctx *c, float y) { return c->inner.y + (y - c->sy) * c->ds; }
static float dpt(const ctx *c, float points) { return points * c->ds; }

static theme_color lane_color(const ctx *c, const layout_lane *l) {
  switch (l->kind) {
  case LANE_MAIN:
  case LANE_TASK:
    return theme_task_color(c->t, l->task);
  case LANE_LOOP:
    return c->t->loop_color;
  case LANE_IO:
    return c->t->io_color;
  case LANE_SYNC:
    return c->t->sync_color;
  }
  return c->t->text;
}

static bool fixed_lane(const layout_lane *l) {
  return l->kind == LANE_MAIN || l->kind == LANE_LOOP || l->kind == LANE_IO;
}

/* How visible a lane is: 0 before it appears, fading in with its first row. */
static float lane_alpha(const ctx *c, const layout_lane *l) {
  if (fixed_lane(l))
    return 1.0f;
  if (l->first_row >= c->drawn)
    return 0.0f;
  return row_fraction(c, l->first_row);
}

static bool lane_ended(const ctx *c, const layout_lane *l) {
  return l->end_row != UINT32_MAX && l->end_row < c->drawn && row_fraction(c, l->end_row) >= 1.0f;
}

static float arrow_inset(const ctx *c, const layout_lane *l) {
  return l->kind == LANE_MAIN || l->kind == LANE_TASK ? dpt(c, c->t->activation_w / 2) : 0;
}

/* Whether anything of a lane (its header box, bars, lifeline, each with its stroke) can land
 * inside the diagram panel horizontally: what cannot is not listed, since the panel's clip would
 * drop it anyway. A pixel to spare each side covers antialiased edges. */
static bool lane_in_sight(const ctx *c, const layout_lane *l) {
  const theme *t = c->t;
  float half = l->w / 2 > t->activation_w / 2 ? l->w / 2 : t->activation_w / 2;
  float reach = dpt(c, half + 2 * t->line_w) + 1.0f;
  float x = DX(c, l->x);
  return x + reach >= c->inner.x && x - reach <= c->inner.x + c->inner.w;
}

/* The lanes [*lo, *hi) among which lane_in_sight can hold: lanes go left to right, so two binary
 * searches with the widest lane's reach bound them. */
static void lanes_near(const ctx *c, size_t *lo, size_t *hi) {
  const layout_diagram *d = c->d;
  const theme *t = c->t;
  float half = d->lane_w_max / 2 > t->activation_w / 2 ? d->lane_w_max / 2 : t->activation_w / 2;
  float reach = dpt(c, half + 2 * t->line_w) + 1.0f;
  size_t a = 0, b = d->nlanes;
  if (!d->lanes_sorted) {
    *lo = 0;
    *hi = d->nlanes;
    return;
  }
  while (a < b) { /* the first lane whose reach ends right of the panel's left edge */
    size_t mid = a + (b - a) / 2;
    if (DX(c, d->lanes[mid].x) + reach < c->inner.x)
      a = mid + 1;
    else
      b = mid;
  }
  *lo = a;
  b = d->nlanes;
  while (a < b) { /* the first lane that starts right of the panel's right edge */
    size_t mid = a + (b - a) / 2;
    if (DX(c, d->lanes[mid].x) - reach <= c->inner.x + c->inner.w)
      a = mid + 1;
    else
      b = mid;
  }
  *hi = a;
}

static void lifelines(ctx *c) {
  const layout_diagram *d = c->d;
  const theme *t = c->t;
  size_t lo = 0, hi = 0;
  lanes_near(c, &lo, &hi);
  for (size_t i = lo; i < hi; i++) {
    const layout_lane *l = &d->lanes[i];
    if (!lane_in_sight(c, l))
      continue;
    float a = lane_alpha(c, l);
    if (a <= 0)
      continue;
    float y0 = d->header_h;
    if (!fixed_lane(l) && l->first_row < d->nrows)
      y0 = d->rows[l->first_row].top;
    /* a living lane's line runs to the bottom of the panel: the stage is set for what comes */
    float y1 = c->sy + c->inner.h / c->ds;
    if (lane_ended(c, l))
      y1 = d->rows[l->end_row].y;
    /* start at the first whole dash above the panel, so a long diagram draws few dashes and
     * they do not crawl as it scrolls */
    float period = t->dash + t->dash_gap;
    if (y0 < c->sy - period)
      y0 += floorf((c->sy - y0) / period) * period - period;
    if (y1 <= y0)
      continue;
    float x = DX(c, l->x);
    line(c, x, DY(c, y0), x, DY(c, y1), dpt(c, t->line_w), theme_fade(t->lifeline, a), true);
  }
}

static void bar(ctx *c, const layout_bar *b, float top, float bottom) {
  const layout_diagram *d = c->d;
  const theme *t = c->t;
  float w = dpt(c, t->activation_w);
  const layout_lane *l = &d->lanes[b->lane];
  float y0 = d->rows[b->first].y;
  if (b->suspended) /* starts below the note that announces it */
    y0 = d->rows[b->first].top + d->rows[b->first].h - t->row_gap;
  float y1 = c->reveal;
  if (b->last != UINT32_MAX && b->last < c->drawn && d->rows[b->last].y < y1)
    y1 = d->rows[b->last].y;
  if (y1 <= y0 || y1 < top || y0 > bottom)
    return; /* empty or out of sight */
  theme_color col = theme_task_color(t, b->task);
  float x = DX(c, l->x) - w / 2;
  if (b->suspended) {
    fill_rect(c, x, DY(c, y0), w, dpt(c, y1 - y0), t->panel);
    outline_rect(c, x, DY(c, y0), w, dpt(c, y1 - y0), col, dpt(c, t->line_w));
  } else {
    fill_rect(c, x, DY(c, y0), w, dpt(c, y1 - y0), col);
  }
}

/* Each lane's bars in sight: the first found by binary search (a lane's bars follow each other
 * down the rows), then on until they start below the panel. */
static void bars(ctx *c) {
  const layout_diagram *d = c->d;
  float top = c->sy, bottom = c->sy + c->inner.h / c->ds;
  uint32_t top_row = layout_row_at(d, top);
  size_t first = 0, end = 0;
  lanes_near(c, &first, &end);
  for (size_t i = first; i < end; i++) {
    const layout_lane *l = &d->lanes[i];
    if (l->nbars == 0 || !lane_in_sight(c, l))
      continue;
    size_t lo = l->first_bar, hi = l->first_bar + l->nbars;
    while (lo < hi) { /* the first bar that ends at or below the top row */
      size_t mid = (lo + hi) / 2;
      if (d->bars[mid].last < top_row)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (size_t k = lo; k < l->first_bar + l->nbars; k++) {
      const layout_bar *b = &d->bars[k];
      if (b->first >= c->drawn || d->rows[b->first].top > bottom)
        break;
      bar(c, b, top, bottom);
    }
  }
}

static void centered_lines(ctx *c, layout_face face, int size, float cx, float cy, const char *s,
                           theme_color col);

/* Text (lines split at '\n') on a box, centred at cx, its top at top. */
static void label_box(ctx *c, layout_face face, int size, float cx, float top, const char *s,
                      theme_color fg, theme_color bg, float a) {
  float w = 0, lh = line_h(c, face, size);
  size_t lines = 1;
  for (const char *p = s;; p++) {
    const char *nl = strchr(p, '\n');
    size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
    float lw = 0;
    measure(c, face, size, p, n, &lw, NULL);
    if (lw > w)
      w = lw;
    if (nl == NULL)
      break;
    lines++;
    p = nl;
  }
  float h = lh * (float)lines;
  float pad = dpt(c, c->t->pad) / 2;
  round_rect(c, cx - w / 2 - pad, top, w + 2 * pad, h, dpt(c, c->t->radius) / 2, theme_fade(bg, a),
             (theme_color){0, 0, 0, 0}, 0);
  centered_lines(c, face, size, cx, top + h / 2, s, theme_fade(fg, a));
}

/* Multi-line text centred in a box (lines split at '\n'). */
static void centered_lines(ctx *c, layout_face face, int size, float cx, float cy, const char *s,
                           theme_color col) {
  size_t lines = 1;
  for (const char *p = s; *p; p++)
    lines += *p == '\n';
  float lh = line_h(c, face, size);
  float y = cy - lh * (float)lines / 2;
  const char *p = s;
  for (;;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
    float w = 0;
    measure(c, face, size, p, n, &w, NULL);
    textn(c, face, size, cx - w / 2, y, col, p, n);
    y += lh;
    if (nl == NULL)
      break;
    p = nl + 1;
  }
}

static void message_row(ctx *c, const layout_row *r, float a) {
  const layout_diagram *d = c->d;
  const theme *t = c->t;
  const layout_lane *from = &d->lanes[r->from], *to = &d->lanes[r->to];
  float xf = DX(c, from->x), xt = DX(c, to->x), y = DY(c, r->y);
  float dir = xt >= xf ? 1.0f : -1.0f;
  float start = xf + dir * arrow_inset(c, from), end = xt - dir * arrow_inset(c, to);
  float tip = start + (end - start) * ease(a);
  theme_color col = r->error                ? t->error
                    : r->task >= 0          ? theme_task_color(t, r->task)
                    : r->from == d->io_lane ? t->io_color
                                            : t->loop_color;
  float head = dpt(c, t->head_len), hw = dpt(c, t->head_w) / 2;
  float reach = fabsf(tip - start);
  float line_end = reach > head ? tip - dir * head : start;
  if (reach > 0)
    line(c, start, y, line_end, y, dpt(c, t->arrow_w), col, r->dashed);
  if (reach > head / 2) { /* a head appears once the arrow is half a head long */
    float base = tip - dir * (reach < head ? reach : head);
    triangle(c, tip, y, base, y - hw, base, y + hw, col);
  }
  int size = font_px(dpt(c, t->label_pt));
  const char *label = layout_text(d, r->label);
  size_t lines = 1;
  for (const char *p = label; *p; p++)
    lines += *p == '\n';
  float lh = line_h(c, FACE_SANS, size) * (float)lines;
  label_box(c, FACE_SANS, size, (start + end) / 2, y - hw - dpt(c, t->label_gap) - lh, label,
            r->error ? t->error : t->text, t->label_bg, a);
}

static void span_x(const ctx *c, const layout_row *r, float *x0, float *x1) {
  const layout_diagram *d = c->d;
  const layout_lane *lo = &d->lanes[r->from], *hi = &d->lanes[r->to];
  if (r->kind == ROW_NOTE) {
    float out = dpt(c, c->t->activation_w + c->t->pad);
    *x0 = DX(c, lo->x) - out;
    *x1 = DX(c, hi->x) + out;
  } else {
    *x0 = DX(c, lo->x) - dpt(c, lo->w) / 2;
    *x1 = DX(c, hi->x) + dpt(c, hi->w) / 2;
  }
}

static void note_row(ctx *c, const layout_row *r, float a) {
  const theme *t = c->t;
  const char *s = layout_text(c->d, r->label);
  int size = font_px(dpt(c, t->note_pt));
  float x0, x1;
  span_x(c, r, &x0, &x1);
  if (r->from == r->to) { /* a note over one lane is as wide as its text */
    float w = text_w(c, FACE_SANS, size, s) + dpt(c, t->pad) * 2;
    float cx = (x0 + x1) / 2;
    x0 = cx - w / 2;
    x1 = cx + w / 2;
  }
  float top = DY(c, r->top), h = dpt(c, r->h - t->row_gap);
  bool warn = r->kind == ROW_WARNING;
  theme_color border = warn ? (r->error ? t->error : t->warning) : t->note_border;
  round_rect(c, x0, top, x1 - x0, h, dpt(c, t->radius) / 2,
             theme_fade(warn ? t->panel : t->note_bg, a), theme_fade(border, a), dpt(c, t->line_w));
  centered_lines(c, FACE_SANS, size, (x0 + x1) / 2, top + h / 2, s,
                 theme_fade(warn ? border : t->note_text, a));
}

static void clock_row(ctx *c, const layout_row *r, float a) {
  const theme *t = c->t;
  float x0, x1;
  span_x(c, r, &x0, &x1);
  float y = DY(c, r->y);
  line(c, x0, y, x0 + (x1 - x0) * ease(a), y, dpt(c, t->arrow_w), t->clock_line, true);
  int size = font_px(dpt(c, t->label_pt));
  float lh = line_h(c, FACE_SANS_BOLD, size);
  label_box(c, FACE_SANS_BOLD, size, (x0 + x1) / 2, y - lh / 2, layout_text(c->d, r->label),
            t->clock_text, t->label_bg, a);
}

static void block_row(ctx *c, const layout_row *r, float a) {
  const theme *t = c->t;
  float x0, x1;
  span_x(c, r, &x0, &x1);
  float top = DY(c, r->top), h = dpt(c, r->h - t->row_gap);
  round_rect(c, x0, top, x1 - x0, h, dpt(c, t->radius) / 2, theme_fade(t->block_bg, a),
             theme_fade(t->block_text, a), dpt(c, t->line_w));
  int size = font_px(dpt(c, t->label_pt));
  centered_lines(c, FACE_SANS_BOLD, size, (x0 + x1) / 2, top + h / 2, layout_text(c->d, r->label),
                 theme_fade(t->block_text, a));
}

static void rows(ctx *c) {
  const layout_diagram *d = c->d;
  float top = c->sy - d->header_h, bottom = c->sy + c->inner.h / c->ds;
  for (uint32_t i = layout_row_at(d, top); i < c->drawn; i++) {
    const layout_row *r = &d->rows[i];
    if (r->top > bottom)
      break; /* the rest is out of sight */
    float a = row_fraction(c, i);
    switch (r->kind) {
    case ROW_MESSAGE:
      message_row(c, r, a);
      break;
    case ROW_NOTE:
    case ROW_WARNING:
      note_row(c, r, a);
      break;
    case ROW_CLOCK:
      clock_row(c, r, a);
      break;
    case ROW_BLOCK:
      block_row(c, r, a);
      break;
    }
  }
}

/* The time ruler: a column at the left that stays when the diagram scrolls sideways. */
static void ruler(ctx *c, float band_bottom) {
  const layout_diagram *d = c->d;
  const theme *t = c->t;
  float w = pt(c, t->ruler_w);
  fill_rect(c, c->inner.x, band_bottom, w, c->inner.y + c->inner.h - band_bottom, t->panel);
  line(c, c->inner.x + w, band_bottom, c->inner.x + w, c->inner.y + c->inner.h, dpt(c, t->line_w),
       t->panel_border, false);
  int size = font_px(pt(c, t->sub_pt));
  float lh = line_h(c, FACE_SANS, size);
  char buf[TEXT_BYTES];
  uint32_t first = layout_row_at(d, c->sy);
  double last = first > 0 ? d->rows[first - 1].time_to : -1;
  for (uint32_t i = first; i < c->drawn; i++) {
    const layout_row *r = &d->rows[i];
    float a = row_fraction(c, i);
    float y = DY(c, r->y) - lh / 2;
    if (y > c->inner.y + c->inner.h)
      break;
    if (y + lh < band_bottom)
      last = r->time_to;
    else if (r->kind == ROW_CLOCK) {
      snprintf(buf, sizeof buf, "%.3f \xe2\x86\x92 %.3f", r->time, r->time_to);
      text_fit(c, FACE_SANS_BOLD, size, c->inner.x, y, theme_fade(t->clock_text, a), buf,
               w - pt(c, t->pad) / 2);
    } else if (r->kind == ROW_BLOCK) {
      snprintf(buf, sizeof buf, "+%.3f s", r->time_to - r->time);
      text_fit(c, FACE_SANS_BOLD, size, c->inner.x, y, theme_fade(t->block_text, a), buf,
               w - pt(c, t->pad) / 2);
    } else if (i == first || r->time != last) {
      snprintf(buf, sizeof buf, "t = %.3f", r->time);
      text_fit(c, FACE_SANS, size, c->inner.x, y, theme_fade(t->ruler_text, a), buf,
               w - pt(c, t->pad) / 2);
    }
    last = r->time_to;
  }
}

static void lane_headers(ctx *c) {
  const layout_diagram *d = c->d;
  const theme *t = c->t;
  float band_h = dpt(c, d->header_h + t->row_gap);
  fill_rect(c, c->inner.x, c->inner.y, c->inner.w, band_h, t->panel);
  int tsize = font_px(dpt(c, t->header_pt)), ssize = font_px(dpt(c, t->sub_pt));
  float th = line_h(c, FACE_SANS_BOLD, tsize);
  char buf[TEXT_BYTES];
  size_t lo = 0, hi = 0;
  lanes_near(c, &lo, &hi);
  for (size_t i = lo; i < hi; i++) {
    const layout_lane *l = &d->lanes[i];
    if (!lane_in_sight(c, l))
      continue;
    float a = lane_alpha(c, l);
    if (a <= 0)
      continue;
    float w = dpt(c, l->w), h = dpt(c, d->header_h);
    float x = DX(c, l->x) - w / 2, y = c->inner.y;
    theme_color col = lane_color(c, l);
    bool ended = lane_ended(c, l);
    round_rect(c, x, y, w, h, dpt(c, t->radius), theme_fade(t->lane_header_bg, a),
               theme_fade(col, a), dpt(c, t->line_w) * 2);
    fill_rect(c, x + dpt(c, t->radius), y, w - 2 * dpt(c, t->radius), dpt(c, t->header_strip),
              theme_fade(col, a));
    const char *title = layout_text(d, l->title);
    float tw = text_w(c, FACE_SANS_BOLD, tsize, title);
    text(c, FACE_SANS_BOLD, tsize, x + (w - tw) / 2, y + dpt(c, t->pad), theme_fade(t->text, a),
         title);
    const char *sub = layout_text(d, l->subtitle);
    if (ended) {
      bool failed = d->rows[l->end_row].error;
      snprintf(buf, sizeof buf, "%.400s%s", sub,
               failed ? LAYOUT_FAILED_SUFFIX : LAYOUT_DONE_SUFFIX);
      sub = buf;
    }
    float sw = text_w(c, FACE_SANS, ssize, sub);
    text(c, FACE_SANS, ssize, x + (w - sw) / 2, y + dpt(c, t->pad) + th,
         theme_fade(ended ? t->text_dim : t->text_dim, a), sub);
  }
  /* the ruler's heading, over the ruler column */
  int rsize = font_px(pt(c, t->panel_title_pt));
  fill_rect(c, c->inner.x, c->inner.y, pt(c, t->ruler_w), band_h, t->panel);
  text_fit(c, FACE_SANS_BOLD, rsize, c->inner.x, c->inner.y + dpt(c, t->pad), t->panel_title,
           "TIME", pt(c, t->ruler_w));
}

static void scrolls(const ctx *c, float *max_x, float *max_y) {
  const layout_diagram *d = c->d;
  float vis_w = (c->inner.w - pt(c, c->t->ruler_w)) / c->ds, vis_h = c->inner.h / c->ds;
  *max_x = d->width - vis_w > 0 ? d->width - vis_w : 0;
  *max_y = d->height - vis_h > 0 ? d->height - vis_h : 0;
}

static float follow_y(const ctx *c) {
  float max_x, max_y;
  scrolls(c, &max_x, &max_y);
  float vis_h = c->inner.h / c->ds;
  float want = c->reveal + c->t->row_gap * 2 - vis_h;
  return clampf(want, 0, max_y);
}

static void setup_diagram(ctx *c) {
  c->inner = inset(c->p.diagram, pt(c, c->t->pad));
  c->ds = c->p.dscale;
  float max_x, max_y;
  scrolls(c, &max_x, &max_y);
  c->sx = clampf(c->v->scroll_x, 0, max_x);
  c->sy = c->v->follow ? follow_y(c) : clampf(c->v->scroll_y, 0, max_y);
}

static void diagram(ctx *c) {
  panel(c, c->p.diagram, NULL);
  float band_bottom = c->inner.y + dpt(c, c->d->header_h + c->t->row_gap);
  clip_push(
      c, (scene_rect){c->inner.x, band_bottom, c->inner.w, c->inner.y + c->inner.h - band_bottom});
  lifelines(c);
  bars(c);
  rows(c);
  ruler(c, band_bottom);
  clip_pop(c);
  clip_push(c, (scene_rect){c->inner.x, c->inner.y, c->inner.w, band_bottom - c->inner.y});
  lane_headers(c);
  clip_pop(c);
  /* the line under the band, outside its clip: centred on the band's edge, half of it (all of it
   * when the edge falls on a whole pixel) was clipped away with the band */
  line(c, c->inner.x, band_bottom, c->inner.x + c->inner.w, band_bottom, dpt(c, c->t->line_w),
       c->t->panel_border, false);
}

/* ---- the caption band --------------------------------------------------------------------- */

/* The clock as the playhead shows it: counting up through a jump while it animates. */
static double clock_now(const ctx *c) {
  const layout_stop *st = &c->d->stops[c->stop];
  return st->time_from + (st->time - st->time_from) * (double)ease(c->f);
}

/* The run's error is shown at the last stop, or all along when the event loop never ran. */
static bool error_visible(const ctx *c) { return c->stop + 1 == c->d->nstops || c->d->ntasks == 0; }

/* The line of the last 'File "...", line N' of the error output, 0 if none. */
static int32_t error_line(const ctx *c) {
  const char *err = c->v->err_text;
  if (err == NULL || !error_visible(c))
    return 0;
  static const char mark[] = ", line ";
  int32_t line = 0;
  for (const char *p = strstr(err, mark); p != NULL; p = strstr(p + 1, mark)) {
    long n = strtol(p + sizeof mark - 1, NULL, 10);
    if (n > 0 && n < INT32_MAX)
      line = (int32_t)n;
  }
  return line;
}

/* One line of wrapped text: bytes of the text, or (fit) the rest of it cut to the width. */
typedef struct wrap_line {
  const char *p; /* its first byte */
  size_t n;      /* its bytes (not used when fit) */
  bool fit;      /* the last line: all the rest, cut with an ellipsis to fit */
} wrap_line;

/* Greedy word wrap of s into at most max_lines lines of width w, into out (max_lines entries);
 * returns the lines. */
static int wrap_lines(const ctx *c, layout_face face, int size, float w, const char *s,
                      int max_lines, wrap_line *out) {
  int lines = 0;
  while (*s != '\0' && lines < max_lines) {
    size_t n = strlen(s), fit = 0, i = 0;
    while (i <= n) {
      if (s[i] == ' ' || s[i] == '\0') {
        float tw = 0;
        measure(c, face, size, s, i, &tw, NULL);
        if (tw > w && fit > 0)
          break;
        fit = i;
        if (tw > w)
          break;
      }
      if (s[i] == '\0')
        break;
      i++;
    }
    if (lines == max_lines - 1 && fit < n) {
      out[lines] = (wrap_line){s, n, true};
      return lines + 1;
    }
    if (fit == 0)
      fit = n;
    out[lines++] = (wrap_line){s, fit, false};
    s += fit;
    while (*s == ' ')
      s++;
  }
  return lines;
}

/* Draws the lines wrap_lines made, from y down. */
static void wrap_draw(ctx *c, layout_face face, int size, float x, float y, float w,
                      theme_color col, const wrap_line *ls, int n) {
  float lh = line_h(c, face, size);
  for (int i = 0; i < n; i++, y += lh) {
    if (ls[i].fit)
      text_fit(c, face, size, x, y, col, ls[i].p, w);
    else
      textn(c, face, size, x, y, col, ls[i].p, ls[i].n);
  }
}

static void caption(ctx *c) {
  const theme *t = c->t;
  const layout_diagram *d = c->d;
  scene_rect r = c->p.caption;
  bool show_error = c->v->error != NULL && error_visible(c);
  round_rect(c, r.x, r.y, r.w, r.h, pt(c, t->radius), show_error ? t->error_bg : t->caption_bg,
             show_error ? t->error : t->panel_border, pt(c, t->line_w));
  scene_rect in = inset(r, pt(c, t->pad));
  int isize = font_px(pt(c, t->info_pt)), csize = font_px(pt(c, t->caption_pt));
  float ih = line_h(c, FACE_SANS, isize);
  char buf[TEXT_BYTES];
  /* left: the step counter and the clock */
  float left_w = pt(c, t->ruler_w);
  snprintf(buf, sizeof buf, "STEP %zu / %zu", c->stop, d->nstops - 1);
  text_fit(c, FACE_SANS_BOLD, isize, in.x, in.y, t->panel_title, buf, left_w);
  snprintf(buf, sizeof buf, "t = %.3f s", clock_now(c));
  text_fit(c, FACE_SANS, isize, in.x, in.y + ih, t->clock_text, buf, left_w);
  /* right: playback state and keys */
  const char *state = c->v->playing ? "\xe2\x96\xb6 playing" : "\xe2\x9d\x9a\xe2\x9d\x9a paused";
  snprintf(buf, sizeof buf, "%s \xc2\xb7 %gx", state, (double)c->v->speed);
  static const char keys[] = "\xe2\x86\x90 \xe2\x86\x92 step   Space play   + \xe2\x88\x92 speed";
  float kw = c->v->no_keys ? 0 : text_w(c, FACE_SANS, isize, keys);
  float bw = text_w(c, FACE_SANS_BOLD, isize, buf);
  float right_w = kw > bw ? kw : bw;
  text(c, FACE_SANS_BOLD, isize, in.x + in.w - bw, in.y, t->text_dim, buf);
  if (!c->v->no_keys)
    text(c, FACE_SANS, isize, in.x + in.w - kw, in.y + ih, t->hint, keys);
  /* middle: the sentence, or the error */
  float x = in.x + left_w + pt(c, t->pad) * 2;
  float w = in.w - left_w - right_w - pt(c, t->pad) * 4;
  char said[LAYOUT_CAPTION_BYTES];
  layout_caption(d, c->stop, said, sizeof said);
  const char *sentence = show_error ? c->v->error : said;
  float ch = line_h(c, FACE_SANS, csize);
  int most = (int)t->caption_lines;
  wrap_line *ls = malloc((most > 0 ? (size_t)most : 1) * sizeof *ls);
  if (ls == NULL) {
    c->l->oom = true;
    return;
  }
  /* the lines are counted first so the block is centred vertically (an error, in bold, is
   * wrapped again: the count is that of the sentence's face) */
  int lines = wrap_lines(c, FACE_SANS, csize, w, sentence, most, ls);
  float y = in.y + (in.h - ch * (float)lines) / 2;
  if (show_error)
    lines = wrap_lines(c, FACE_SANS_BOLD, csize, w, sentence, most, ls);
  wrap_draw(c, show_error ? FACE_SANS_BOLD : FACE_SANS, csize, x, y, w,
            show_error ? t->error : t->caption_text, ls, lines);
  free(ls);
}

/* ---- the code panel ----------------------------------------------------------------------- */

typedef struct src_line {
  const char *p; /* start */
  size_t n;      /* bytes, without the line end */
} src_line;

static size_t split_lines(const char *src, size_t len, src_line *out, size_t cap) {
  size_t n = 0, i = 0;
  while (i < len && n < cap) {
    size_t start = i;
    while (i < len && src[i] != '\n')
      i++;
    size_t end = i;
    if (end > start && src[end - 1] == '\r')
      end--;
    out[n++] = (src_line){src + start, end - start};
    if (i < len)
      i++;
  }
  return n;
}

/* A line with tabs expanded to the next multiple of 8 columns, as Python counts them. */
static size_t expand_tabs(const src_line *l, char *out, size_t cap) {
  enum { TAB = 8 };
  size_t o = 0, col = 0;
  for (size_t i = 0; i < l->n && o + 1 < cap; i++) {
    if (l->p[i] == '\t') {
      do
        out[o++] = ' ';
      while (++col % TAB != 0 && o + 1 < cap);
      continue;
    }
    out[o++] = l->p[i];
    if (((unsigned char)l->p[i] & 0xc0) != 0x80)
      col++;
  }
  out[o] = '\0';
  return o;
}

static void code_panel(ctx *c) {
  const theme *t = c->t;
  const layout_diagram *d = c->d;
  char title[TEXT_BYTES];
  const char *name = trace_filename(d->trace), *slash = strrchr(name, '/');
  snprintf(title, sizeof title, "CODE \xc2\xb7 %s", slash != NULL ? slash + 1 : name);
  scene_rect in = panel(c, c->p.code, title);
  size_t len = 0;
  const char *src = trace_source(d->trace, &len);
  enum { MAX_LINES = 4096 }; /* lines shown of one file */
  src_line *ls = malloc(MAX_LINES * sizeof *ls);
  if (ls == NULL) {
    c->l->oom = true;
    return;
  }
  size_t n = split_lines(src, len, ls, MAX_LINES);
  char buf[TEXT_BYTES];
  /* the font shrinks (down to code_min_pt) until the longest line fits */
  size_t widest = 0;
  for (size_t i = 0; i < n; i++) {
    size_t w = expand_tabs(&ls[i], buf, sizeof buf);
    if (w > widest)
      widest = w;
  }
  snprintf(buf, sizeof buf, "%zu", n);
  int size = font_px(pt(c, t->code_pt));
  int least = font_px(pt(c, t->code_min_pt));
  float mark_w = pt(c, t->mark_w), gap = pt(c, t->pad) / 2;
  for (;;) {
    float cw = text_w(c, FACE_MONO, size, "M");
    float gutter = text_w(c, FACE_MONO, size, buf) + gap + mark_w * 2 + gap;
    if (size <= least || gutter + cw * (float)widest <= in.w)
      break;
    size--;
  }
  float lh = line_h(c, FACE_MONO, size);
  float num_w = text_w(c, FACE_MONO, size, buf);
  float marks_x = in.x + num_w + gap, text_x = marks_x + mark_w * 2 + gap;
  size_t visible = lh > 0 ? (size_t)(in.h / lh) : 0;
  /* keep the running task's line (or the first marked one) in sight, centred when possible */
  int32_t focus = error_line(c) > 0 ? error_line(c) : d->stops[c->stop].line;
  for (size_t k = 0; focus <= 0 && k < d->ntasks; k++) /* lines past the source: the prelude's */
    focus = layout_task_line(d, (int32_t)k, c->events, (int32_t)n);
  size_t first = 0;
  if (n > visible && focus > 0) {
    long want = (long)focus - 1 - (long)visible / 2;
    long max = (long)(n - visible);
    first = want < 0 ? 0 : want > max ? (size_t)max : (size_t)want;
  }
  /* the tasks tagged on each line drawn: the first CODE_TAGS living ones there, in task order */
  size_t shown = first + visible + 1 < n ? visible + 1 : n - first;
  int32_t *tags = malloc((shown ? shown : 1) * CODE_TAGS * sizeof *tags);
  size_t *ntags = calloc(shown ? shown : 1, sizeof *ntags);
  if (tags == NULL || ntags == NULL) {
    free(tags);
    free(ntags);
    free(ls);
    c->l->oom = true;
    return;
  }
  /* the layout's index answers line by line; when it cannot, every live task (created, not
   * finished) is asked for its line */
  bool indexed = true;
  for (size_t i = 0; i < shown && indexed; i++) {
    long got = layout_line_tasks(d, (int32_t)(first + i + 1), c->stop, c->events, (int32_t)n,
                                 &tags[i * CODE_TAGS], CODE_TAGS);
    indexed = got >= 0;
    ntags[i] = indexed ? (size_t)got : 0;
  }
  if (!indexed)
    memset(ntags, 0, shown * sizeof *ntags);
  for (size_t k = 0; !indexed && k < d->ntasks; k++) {
    uint32_t from = d->live_from[k], to = d->live_to[k]; /* layout_task_live, at its fastest */
    if ((from != 0 || to != 0) ? c->stop < from || c->stop >= to
                               : !layout_task_live(d, (int32_t)k, c->stop))
      continue;
    int32_t where = layout_task_line(d, (int32_t)k, c->events, (int32_t)n);
    if (where <= (int32_t)first || (size_t)where > first + shown)
      continue;
    size_t slot = (size_t)where - 1 - first;
    if (ntags[slot] < CODE_TAGS)
      tags[slot * CODE_TAGS + ntags[slot]++] = (int32_t)k;
  }
  clip_push(c, in);
  int32_t running = d->stops[c->stop].task;
  int32_t failed_at = error_line(c);
  int tag_size = font_px(pt(c, t->sub_pt));
  for (size_t i = first; i < n && i < first + visible + 1; i++) {
    float y = in.y + (float)(i - first) * lh;
    int32_t lineno = (int32_t)i + 1;
    if (running >= 0 && lineno == d->stops[c->stop].line)
      fill_rect(c, in.x, y, in.w, lh,
                theme_fade(theme_task_color(t, running), t->code_highlight / 100.0f));
    if (lineno == failed_at) {
      fill_rect(c, in.x, y, in.w, lh, t->error_bg);
      fill_rect(c, marks_x, y, mark_w * 2, lh, t->error);
    }
    snprintf(buf, sizeof buf, "%zu", i + 1);
    float nw = text_w(c, FACE_MONO, size, buf);
    text(c, FACE_MONO, size, in.x + num_w - nw, y, t->text_dim, buf);
    size_t m = expand_tabs(&ls[i], buf, sizeof buf);
    textn(c, FACE_MONO, size, text_x, y, t->code_text, buf, m);
    /* marks in the gutter and name tags at the right for the tasks at this line; when the
     * names would cover the code, the tags shrink to the task's number */
    const int32_t *here = &tags[(i - first) * CODE_TAGS];
    size_t nhere = ntags[i - first];
    if (nhere == 0)
      continue;
    float inset_px = pt(c, t->line_w);
    for (size_t m = 0; m < nhere && m < 2; m++)
      fill_rect(c, marks_x + mark_w * (float)m, y + inset_px, mark_w - inset_px, lh - 2 * inset_px,
                theme_task_color(t, here[m]));
    float code_end = text_x + text_w(c, FACE_MONO, size, buf) + gap;
    float full = 0; /* the names' widths, summed until they are known not to fit */
    for (size_t m = 0; m < nhere && !(in.x + in.w - full < code_end); m++)
      full += text_w(c, FACE_SANS_BOLD, tag_size, layout_task_name(d, here[m])) + gap;
    bool compact = in.x + in.w - full < code_end;
    float tag_x = in.x + in.w;
    float th = line_h(c, FACE_SANS_BOLD, tag_size);
    for (size_t m = nhere; m-- > 0;) {
      /* tags go right to left: once one would end a text size left of the panel (its box, ink
       * and rounding), it and the rest fall outside the clip and are not listed */
      if (tag_x - gap / 2 < in.x - (float)tag_size)
        break;
      const char *tag = layout_task_name(d, here[m]);
      if (compact) { /* "Task-3" -> "3", "Main" -> "M" */
        const char *dash = strrchr(tag, '-');
        tag = here[m] == 0 ? "M" : dash != NULL ? dash + 1 : tag;
      }
      float tw = text_w(c, FACE_SANS_BOLD, tag_size, tag);
      tag_x -= tw + gap;
      round_rect(c, tag_x - gap / 2, y + (lh - th) / 2, tw + gap, th, pt(c, t->radius) / 2,
                 theme_task_color(t, here[m]), (theme_color){0, 0, 0, 0}, 0);
      text(c, FACE_SANS_BOLD, tag_size, tag_x, y + (lh - th) / 2, t->panel, tag);
    }
  }
  clip_pop(c);
  free(tags);
  free(ntags);
  free(ls);
}

/* ---- the event loop panel ----------------------------------------------------------------- */

static const char *cb_word(int32_t cb) {
  switch (cb) {
  case CB_STEP:
    return "step";
  case CB_WAKEUP:
    return "wakeup";
  case CB_TIMER:
    return "timer callback";
  default:
    return NULL;
  }
}

static void queue_entry(ctx *c, float x, float y, float w, int size, const trace_handle *h,
                        bool timer) {
  const theme *t = c->t;
  const layout_diagram *d = c->d;
  char buf[TEXT_BYTES];
  theme_color col = h->task >= 0 ? theme_task_color(t, h->task) : t->loop_color;
  float lh = line_h(c, FACE_SANS, size);
  float inset_px = pt(c, t->line_w);
  fill_rect(c, x, y + inset_px, pt(c, t->mark_w), lh - 2 * inset_px, col);
  const char *what = cb_word(h->cb);
  const char *desc = trace_text(d->trace, h->text);
  if (timer && h->task >= 0)
    snprintf(buf, sizeof buf, "%.3f  %s wakes", h->when, layout_task_name(d, h->task));
  else if (timer)
    snprintf(buf, sizeof buf, "%.3f  %.200s", h->when, desc);
  else if (h->task >= 0)
    snprintf(buf, sizeof buf, "%s %s", layout_task_name(d, h->task), what != NULL ? what : desc);
  else
    snprintf(buf, sizeof buf, "%.200s", desc);
  float gx = pt(c, t->mark_w) + pt(c, t->pad) / 2;
  text_fit(c, FACE_SANS, size, x + gx, y, t->text, buf, w - gx);
}

/* hs lists the first entries of a queue of n (at least as many as fit in r). */
static void handle_list(ctx *c, scene_rect r, const char *title, const trace_handle *hs, size_t n,
                        bool timers) {
  const theme *t = c->t;
  int size = font_px(pt(c, t->queue_pt));
  float lh = line_h(c, FACE_SANS, size);
  text_fit(c, FACE_SANS_BOLD, size, r.x, r.y, t->text_dim, title, r.w);
  float y = r.y + lh;
  size_t room = lh > 0 ? (size_t)((r.y + r.h - y) / lh) : 0;
  char buf[TEXT_BYTES];
  if (n == 0) {
    text_fit(c, FACE_SANS, size, r.x, y, t->hint, "(empty)", r.w);
    return;
  }
  for (size_t i = 0; i < n && room > 0; i++, room--) {
    if (room == 1 && i + 1 < n) {
      snprintf(buf, sizeof buf, "+ %zu more", n - i);
      text_fit(c, FACE_SANS, size, r.x, y, t->hint, buf, r.w);
      break;
    }
    queue_entry(c, r.x, y, r.w, size, &hs[i], timers);
    y += lh;
  }
}

static void loop_panel(ctx *c) {
  const theme *t = c->t;
  const layout_diagram *d = c->d;
  scene_rect in = panel(c, c->p.loop, "EVENT LOOP");
  char buf[TEXT_BYTES];
  snprintf(buf, sizeof buf, "t = %.3f s", clock_now(c));
  int csize = font_px(pt(c, t->clock_pt));
  float cw = text_w(c, FACE_SANS_BOLD, csize, buf), chh = line_h(c, FACE_SANS_BOLD, csize);
  float title_h = line_h(c, FACE_SANS_BOLD, font_px(pt(c, t->panel_title_pt))) + pt(c, t->pad) / 2;
  float clock_y = in.y - title_h;
  text(c, FACE_SANS_BOLD, csize, in.x + in.w - cw, clock_y, t->clock_text, buf);
  float below = clock_y + chh;
  if (below > in.y)
    in.h -= below - in.y, in.y = below;
  clip_push(c, in);
  trace_queues q;
  size_t nready = 0, ntimers = 0;
  /* only the entries that fit are listed: the lines below the title, and one more */
  float qlh = line_h(c, FACE_SANS, font_px(pt(c, t->queue_pt)));
  size_t fit = qlh > 0 && in.h > 0 ? (size_t)(in.h / qlh) + 1 : 1;
  if (trace_qindex_at(d->queues, c->events > 0 ? c->events - 1 : 0, fit, &q, &nready,
                      &ntimers)) {
    bool empty_run = c->events == 0;
    float half = (in.w - pt(c, t->pad)) / 2;
    handle_list(c, (scene_rect){in.x, in.y, half, in.h}, "READY QUEUE", q.ready,
                empty_run ? 0 : nready, false);
    handle_list(c, (scene_rect){in.x + half + pt(c, t->pad), in.y, half, in.h}, "TIMERS", q.timers,
                empty_run ? 0 : ntimers, true);
    trace_queues_free(&q);
  } else {
    c->l->oom = true;
  }
  clip_pop(c);
}

/* ---- the console -------------------------------------------------------------------------- */

typedef struct console_line {
  const char *p; /* text */
  size_t n;      /* bytes */
  int32_t task;  /* who printed it, -1 for the program, -2 for the error output */
} console_line;

static void console_panel(ctx *c) {
  const theme *t = c->t;
  const layout_diagram *d = c->d;
  scene_rect in = panel(c, c->p.console, "CONSOLE");
  int size = font_px(pt(c, t->console_pt));
  float lh = line_h(c, FACE_MONO, size), cw = text_w(c, FACE_MONO, size, "M");
  size_t cols = cw > 0 ? (size_t)(in.w / cw) : 1;
  if (cols == 0)
    cols = 1;
  size_t room = lh > 0 ? (size_t)(in.h / lh) : 0;
  if (room > CONSOLE_LINES)
    room = CONSOLE_LINES;
  console_line lines[CONSOLE_LINES];
  size_t n = 0;
  /* collect from the end: the error output (at the last stop), then prints backwards */
  bool at_end = error_visible(c);
  const char *err = at_end && c->v->err_text != NULL ? c->v->err_text : "";
  /* wrapped pieces of one logical line are added back to front */
  const char *end = err + strlen(err);
  while (end > err && end[-1] == '\n')
    end--;
  while (end > err && n < room) {
    const char *start = end;
    while (start > err && start[-1] != '\n')
      start--;
    size_t len = (size_t)(end - start), pieces = len == 0 ? 1 : (len + cols - 1) / cols;
    for (size_t k = pieces; k-- > 0 && n < room;)
      lines[n++] = (console_line){start + k * cols, k + 1 == pieces ? len - k * cols : cols, -2};
    end = start > err ? start - 1 : err;
  }
  const trace *tr = d->trace;
  /* the prints before the playhead, found in the diagram's index by binary search */
  size_t p = 0, hi = d->nprints;
  while (p < hi) {
    size_t mid = (p + hi) / 2;
    if (d->prints[mid] < c->events)
      p = mid + 1;
    else
      hi = mid;
  }
  while (p-- > 0 && n < room) {
    const trace_event *ev = trace_event_at(tr, d->prints[p]);
    const char *s = trace_text(tr, ev->text);
    const char *se = s + strlen(s);
    if (se > s && se[-1] == '\n')
      se--;
    while (n < room) {
      const char *start = se;
      while (start > s && start[-1] != '\n')
        start--;
      size_t len = (size_t)(se - start), pieces = len == 0 ? 1 : (len + cols - 1) / cols;
      for (size_t k = pieces; k-- > 0 && n < room;)
        lines[n++] =
            (console_line){start + k * cols, k + 1 == pieces ? len - k * cols : cols, ev->task};
      if (start == s)
        break;
      se = start - 1;
    }
  }
  clip_push(c, in);
  float y = in.y;
  for (size_t i = n; i-- > 0;) {
    const console_line *l = &lines[i];
    theme_color col = l->task == -2  ? t->error
                      : l->task >= 0 ? theme_task_color(t, l->task)
                                     : t->text;
    textn(c, FACE_MONO, size, in.x, y, col, l->p, l->n);
    y += lh;
  }
  if (n == 0)
    text(c, FACE_SANS, font_px(pt(c, t->queue_pt)), in.x, in.y, t->hint, "(nothing printed yet)");
  clip_pop(c);
}

/* ---- the timeline ------------------------------------------------------------------------- */

/* x of stop k in the track [x0, x0 + w]: part evenly by steps, part by virtual time. */
static float stop_x(const ctx *c, long k, float x0, float w) {
  const layout_diagram *d = c->d;
  if (k < 0)
    k = 0;
  size_t n = d->nstops;
  if ((size_t)k >= n)
    k = (long)n - 1;
  float share = c->t->timeline_step_share / 100.0f;
  double t0 = d->stops[0].time, span = d->time_end - t0;
  float by_step = n > 1 ? (float)k / (float)(n - 1) : 0.0f;
  float by_time = span > 0 ? (float)((d->stops[k].time - t0) / span) : by_step;
  return x0 + w * (share * by_step + (1.0f - share) * by_time);
}

static void timeline_track(const ctx *c, scene_rect in, float *x0, float *w) {
  float label_w = pt(c, c->t->ruler_w);
  *x0 = in.x + label_w;
  *w = in.w - label_w;
}

/* The timeline's way through the task lanes, in lane order: every stride-th of them. */
typedef struct lane_walk {
  const layout_diagram *d; /* the diagram */
  bool by_id;              /* the task lanes are task_lane[0], task_lane[1] ... (lanes_by_id) */
  size_t stride;           /* one task lane in this many is drawn */
  size_t i;                /* scanning the lanes: the next one to look at */
  size_t at;               /* the next task lane's place among the task lanes */
  size_t skip;             /* scanning: task lanes to pass over before the next one drawn */
} lane_walk;

/* The next task lane the timeline draws (one whose place among the task lanes is a multiple of the
 * stride), its place in *at; NULL after the last. */
static const layout_lane *next_task_lane(lane_walk *w, size_t *at) {
  const layout_diagram *d = w->d;
  if (w->by_id) {
    if (w->at >= d->ntask_lanes)
      return NULL;
    *at = w->at;
    w->at += w->stride;
    const layout_lane *l = &d->lanes[d->task_lane[*at]];
    return l->kind == LANE_MAIN || l->kind == LANE_TASK ? l : NULL;
  }
  for (; w->i < d->nlanes; w->i++) {
    const layout_lane *l = &d->lanes[w->i];
    if (l->kind != LANE_MAIN && l->kind != LANE_TASK)
      continue;
    *at = w->at++;
    if (w->skip > 0) { /* a countdown, not at % stride: no division a lane */
      w->skip--;
      continue;
    }
    w->skip = w->stride - 1;
    w->i++;
    return l;
  }
  return NULL;
}

static void timeline(ctx *c) {
  const theme *t = c->t;
  const layout_diagram *d = c->d;
  scene_rect r = c->p.timeline;
  round_rect(c, r.x, r.y, r.w, r.h, pt(c, t->radius), t->timeline_bg, t->panel_border,
             pt(c, t->line_w));
  scene_rect in = inset(r, pt(c, t->pad));
  float x0, w;
  timeline_track(c, in, &x0, &w);
  int size = font_px(pt(c, t->sub_pt));
  float lh = line_h(c, FACE_SANS, size);
  size_t nlanes = task_lanes(d);
  float rows_h = in.h - lh;
  float rh = nlanes > 0 ? rows_h / (float)nlanes : rows_h;
  /* More tasks than the strip has pixel rows: every stride-th task (the first, the stride+1-th
   * ...) gets the rows of its group, unnamed; the others would share its pixels. */
  size_t stride = rh > 0 && rh < 1.0f ? (size_t)ceilf(1.0f / rh) : 1;
  float gh = rh * (float)stride;
  float bar_h = gh * t->timeline_bar / 100.0f;
  clip_push(c, in);
  /* the tasks' runs and the time axis do not move with the playhead: a backend may keep them */
  keep(c, SC_KEEP_BEGIN, in);
  /* where the task lanes are those of tasks 0, 1, 2 ... (lanes_by_id), the lanes drawn are found
   * in task_lane and the others are not read (at 100,000 tasks, five megabytes a frame) */
  lane_walk walk = {d, stride > 1 && d->lanes_by_id, stride, 0, 0, 0};
  size_t at;
  for (const layout_lane *l; (l = next_task_lane(&walk, &at)) != NULL;) {
    float y = in.y + rh * (float)at;
    theme_color col = theme_task_color(t, l->task);
    if (stride == 1) {
      const char *name = layout_task_name(d, l->task);
      int nsize = size;
      if (line_h(c, FACE_SANS_BOLD, nsize) > rh)
        nsize = font_px(rh / line_h(c, FACE_SANS_BOLD, size) * (float)size);
      text_fit(c, FACE_SANS_BOLD, nsize, in.x, y + (rh - line_h(c, FACE_SANS_BOLD, nsize)) / 2,
               col, name, pt(c, t->ruler_w) - pt(c, t->pad));
    }
    float by = y + (gh - bar_h) / 2;
    for (uint32_t k = l->first_run; k < l->first_run + l->nruns; k++) {
      const layout_run *run = &d->runs[k];
      float a = stop_x(c, (long)run->first_stop - 1, x0, w);
      float b = stop_x(c, (long)run->end_stop - 1, x0, w);
      float least = pt(c, t->line_w) * 2;
      switch (run->state) {
      case STATE_RUNNING:
        if (b - a < least)
          b = a + least;
        fill_rect(c, a, by, b - a, bar_h, col);
        break;
      case STATE_WAITING:
        fill_rect(c, a, by, b - a, bar_h, theme_fade(col, t->waiting_alpha / 100.0f));
        break;
      case STATE_READY:
        outline_rect(c, a, by, b - a, bar_h, col, pt(c, t->line_w));
        break;
      case STATE_DONE:
      case STATE_FAILED:
        fill_rect(c, a, by + bar_h / 2 - least / 2, b - a, least,
                  run->state == STATE_DONE ? t->timeline_done : t->error);
        break;
      case STATE_ABSENT:
        break;
      }
    }
  }
  /* the time axis: a label where the clock has moved, when there is room */
  char buf[TEXT_BYTES];
  float axis_y = in.y + rows_h, last_right = -1;
  double last_time = -1;
  for (size_t k = 0; k < d->nstops; k++) {
    if (k > 0 && d->stops[k].time == last_time) {
      if (d->time_sorted) { /* on to the first later clock, by binary search */
        size_t lo = k, hi = d->nstops;
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (d->stops[mid].time == last_time)
            lo = mid + 1;
          else
            hi = mid;
        }
        k = lo - 1;
      }
      continue;
    }
    last_time = d->stops[k].time;
    float x = stop_x(c, (long)k, x0, w);
    /* whatever its width, the label cannot start right of max(x0, x): when that is not past the
     * last label, it is left out without being formatted or measured (with 1,000 distinct clock
     * values, most of them) */
    if (!isnan(x) && (x > x0 ? x : x0) <= last_right)
      continue;
    scene_format_seconds(buf, sizeof buf, d->stops[k].time);
    float tw = text_w(c, FACE_SANS, size, buf);
    float lx = clampf(x - tw / 2, x0, x0 + w - tw);
    if (lx <= last_right)
      continue;
    line(c, x, axis_y - pt(c, t->pad) / 2, x, axis_y, pt(c, t->line_w), t->text_dim, false);
    text(c, FACE_SANS, size, lx, axis_y, t->text_dim, buf);
    last_right = lx + tw + pt(c, t->pad);
  }
  keep(c, SC_KEEP_END, in);
  /* the future is veiled; the playhead moves with the animation */
  float px = stop_x(c, (long)c->stop - 1, x0, w) +
             (stop_x(c, (long)c->stop, x0, w) - stop_x(c, (long)c->stop - 1, x0, w)) * ease(c->f);
  fill_rect(c, px, in.y, x0 + w - px + pt(c, t->pad), rows_h,
            theme_fade(t->timeline_bg, t->future_alpha / 100.0f));
  line(c, px, in.y, px, in.y + rows_h, pt(c, t->arrow_w), t->playhead, false);
  clip_pop(c);
}

/* "%g s" without printf for the clocks a timeline shows (hundreds a frame, each formatted to be
 * measured), into o (32 bytes): t's six significant digits come from t scaled by a power of ten
 * (exact in a double) and rounded. False, o unspecified, outside 0.0001..999999 and near a power
 * of ten or half a unit of the last digit, where the scaling's error could decide. */
static bool seconds_fast(char *o, double t) {
  static const double ten[10] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  double a = fabs(t);
  int x = -5; /* the decimal exponent of a: 10^x <= a < 10^(x+1) */
  for (int e = -4; e <= 5; e++)
    if (e < 0 ? a * ten[-e] >= 1 : a >= ten[e])
      x = e;
  if (x < -4 || !(a < 999999))
    return false;
  double scaled = a * ten[5 - x], whole = floor(scaled), part = scaled - whole;
  double edge = x < 0 ? a * ten[-x] : a / ten[x]; /* a over 10^x: 1 <= edge < 10 */
  if (edge < 1 + 1e-9 || edge > 10 - 1e-9 || fabs(part - 0.5) < 1e-6)
    return false;
  long digits = (long)whole + (part > 0.5);
  if (digits >= 1000000) /* rounded up to the next power of ten */
    return false;
  char d[6];
  for (int i = 5; i >= 0; i--, digits /= 10)
    d[i] = (char)('0' + digits % 10);
  int last = 5; /* the last digit kept: trailing zeros after the point go */
  while (last > x && last > 0 && d[last] == '0')
    last--;
  if (t < 0)
    *o++ = '-';
  if (x < 0) {
    *o++ = '0';
    *o++ = '.';
    for (int i = -1; i > x; i--)
      *o++ = '0';
  }
  for (int i = 0; i <= last || i <= x; i++) {
    *o++ = d[i];
    if (i == x && i < last)
      *o++ = '.';
  }
  memcpy(o, " s", 3);
  return true;
}

void scene_format_seconds(char *buf, size_t cap, double t) {
  if (cap < 32 || !seconds_fast(buf, t))
    snprintf(buf, cap, "%g s", t);
}

long scene_timeline_stop_at(const scene_input *in, float x, float y) {
  ctx c;
  memset(&c, 0, sizeof c);
  c.in = in;
  c.d = in->diagram;
  c.t = in->theme;
  c.v = in->view;
  c.s = in->view->scale;
  panels(in, &c.p);
  scene_rect r = c.p.timeline;
  if (r.w <= 0 || x < r.x || x > r.x + r.w || y < r.y || y > r.y + r.h)
    return -1;
  scene_rect inner = inset(r, pt(&c, c.t->pad));
  float x0, w;
  timeline_track(&c, inner, &x0, &w);
  long best = 0;
  float best_d = INFINITY;
  for (size_t k = 0; k < c.d->nstops; k++) {
    float dd = fabsf(stop_x(&c, (long)k, x0, w) - x);
    if (dd < best_d) {
      best_d = dd;
      best = (long)k;
    }
  }
  return best;
}

/* ---- entry points ------------------------------------------------------------------------- */

static void init_ctx(ctx *c, const scene_input *in, scene_list *out) {
  memset(c, 0, sizeof *c);
  c->in = in;
  c->d = in->diagram;
  c->t = in->theme;
  c->v = in->view;
  c->l = out;
  c->s = in->view->scale;
  panels(in, &c->p);
  playhead(c);
  setup_diagram(c);
}

bool scene_build(const scene_input *in, scene_list *out) {
  scene_list_clear(out);
  ctx c;
  init_ctx(&c, in, out);
  fill_rect(&c, 0, 0, (float)in->view->w, (float)in->view->h, c.t->background);
  if (!in->view->diagram_only) {
    caption(&c);
    code_panel(&c);
    loop_panel(&c);
    console_panel(&c);
    timeline(&c);
  }
  diagram(&c);
  return !out->oom;
}

float scene_follow_y(const scene_input *in) {
  ctx c;
  scene_list none;
  scene_list_init(&none);
  init_ctx(&c, in, &none);
  return follow_y(&c);
}

void scene_scroll_limits(const scene_input *in, float *max_x, float *max_y) {
  ctx c;
  scene_list none;
  scene_list_init(&none);
  init_ctx(&c, in, &none);
  scrolls(&c, max_x, max_y);
}

float scene_fit_scale(const theme *t, int w, int h) {
  float fw = (float)w / t->design_w, fh = (float)h / t->design_h;
  float fit = fw < fh ? fw : fh;
  float lo = t->fit_min / 100.0f, hi = t->fit_max / 100.0f;
  return fit < lo ? lo : fit > hi ? hi : fit;
}

float scene_stop_ms(const layout_diagram *d, const theme *t, size_t k) {
  if (k >= d->nstops)
    return t->step_ms;
  float rows = (float)(d->stops[k].row_end - layout_stop_first_row(d, k));
  float ms = rows * t->row_ms;
  return ms > t->step_ms ? ms : t->step_ms;
}

/* ---- overlays ------------------------------------------------------------------------------- */

void scene_add_fill(scene_list *l, float x, float y, float w, float h, float radius,
                    theme_color c) {
  ctx k;
  memset(&k, 0, sizeof k);
  k.l = l;
  if (radius > 0)
    round_rect(&k, x, y, w, h, radius, c, (theme_color){0, 0, 0, 0}, 0);
  else
    fill_rect(&k, x, y, w, h, c);
}

void scene_add_text(scene_list *l, layout_face face, int size, float x, float y, theme_color c,
                    const char *s) {
  ctx k;
  memset(&k, 0, sizeof k);
  k.l = l;
  textn(&k, face, size, x, y, c, s, strlen(s));
}
