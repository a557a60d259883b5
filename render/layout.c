/* layout: one walk over the trace makes the rows, bars, stops and captions; then the lanes are
 * spaced so every label fits, and the timeline's runs are compressed. See layout.h. */
#define _POSIX_C_SOURCE 200809L /* pthreads */
#define _DEFAULT_SOURCE         /* madvise */
#include "layout.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>

enum {
  WAKE_CONTINUED = -2,   /* step_acc.wake: the step began before the previous stop */
  STATE_NONE = 0xff,     /* task_info.shown: no run recorded yet */
  LABEL_BYTES = 512,     /* room for one formatted label */
  BOUND_TABLES = 4,      /* faces and sizes of row labels (row_bound) */
  LABEL_FMT_BYTES = 768, /* room for one label made by pool_addf */
  MOMENT_DIGITS = 65536, /* buckets of one pass of tag_leaves' sort by moment (16 bits) */
  POOL_GUESS = 40,       /* label bytes a row, for sizing the pool before the walk (presize) */
  HUGE_BYTES = 1 << 21,  /* a huge page: what big arrays are asked to be made of (huge_advice) */
};

static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 */

typedef struct task_info {
  uint32_t lane;      /* its lifeline */
  int32_t bar;        /* index of its open bar, or -1 */
  bool suspended;     /* waits on an await */
  trace_wait wait;    /* what it awaits, while suspended */
  int32_t wait_b;     /* the related id of that wait */
  uint32_t wait_text; /* pool: what it awaits ("asyncio.sleep(2)") */
  uint32_t wait_lane; /* the lane its await arrow went to */
  int32_t line;       /* the line it is at */
  layout_state state; /* for the timeline */
  bool ran;           /* it ran during the current step */
  bool dirty;         /* listed in builder.dirty: its timeline state may change at the next stop */
  uint8_t shown;      /* the timeline state its last run has, or STATE_NONE before stop 0 */
} task_info;

/* One change of a task's timeline state: a run of its lane begins at stop. */
typedef struct state_change {
  uint32_t task;  /* the task */
  uint32_t stop;  /* where the run begins */
  uint8_t state;  /* layout_state of the run */
} state_change;

/* A task waiting on a future (gather, plain future, sync object), in a per-future list. */
typedef struct waiter {
  int32_t task; /* the task */
  int32_t next; /* next entry of the same future's list, or -1 */
} waiter;

/* What happened since the last stop, for its caption. */
typedef struct step_acc {
  int32_t task;     /* the task whose step it was, or -1 */
  int wake;         /* trace_wake of its step, or -1 when no step began */
  int32_t wake_b;   /* the wake's related id */
  size_t created;   /* tasks it created */
  size_t prints;    /* print calls */
  double time_from; /* the clock at the previous stop */
} step_acc;

/* The widths of the ASCII characters alone, at one face and size, measured as they are asked. */
typedef struct bound_table {
  layout_face face;  /* font */
  float size;        /* size */
  float w[256];      /* each ASCII character's width, once known */
  bool known[256];   /* w holds it (never for NUL, a newline or a byte above ASCII) */
  float line_h;      /* the line height */
} bound_table;

typedef struct builder {
  layout_diagram *d;       /* what is built */
  const layout_options *o; /* measuring and theme */
  const theme *th;         /* o->theme */
  const trace *t;          /* the trace */
  const trace_event *ev;   /* its events, from step 0 */
  size_t count;            /* how many */
  task_info *tasks;        /* per task id */
  size_t ntasks;           /* entries */
  const char **names;      /* per task id: layout_task_name (the trace's texts stay put) */
  int32_t *timer_task;     /* per handle id: the task whose sleep it ends, or -1 */
  int32_t *handle_cb;      /* per handle id: its trace_cb, or -1 */
  uint32_t *handle_text;   /* per handle id: trace pool offset of its description */
  size_t nhandles;         /* entries of the three */
  size_t cap_handles;      /* allocated entries of the three */
  uint32_t *sync_keys;     /* pool: title of each sync lane, in lane order */
  size_t nsync;            /* entries */
  uint32_t first_sync;     /* index of the first sync lane */
  float *row_w;            /* per row: the width its label needs between its lanes, or NAN until
                              measured (row_need) */
  float *row_hi;           /* per row: row_bound's bound from its characters' widths, made as the
                              row is added (its text then in cache), or NAN when they give none */
  bound_table bounds[BOUND_TABLES]; /* character widths for row_bound, per face and size */
  size_t nbounds;                   /* tables in use */
  bound_table *kind_bounds[ROW_WARNING + 1]; /* per row kind: the table of its labels, once found */
  int32_t running;         /* the task whose step is in progress, or -1 */
  size_t ready;            /* handles in the ready queue */
  size_t timers;           /* pending timers */
  float cursor;            /* top of the next row, counted from the top of the first */
  float top;               /* where the first row is: below the header band */
  uint32_t *where_at;      /* per task: its next entry in d->wheres, filled as the walk goes */
  step_acc acc;            /* the current step, for its caption */
  uint32_t *dirty;         /* tasks whose timeline state may change at the next stop */
  size_t ndirty;           /* entries */
  state_change *changes;   /* timeline runs as they begin, in stop order */
  size_t nchanges;         /* entries */
  size_t cap_changes;      /* allocated */
  int32_t *wait_head;      /* per future id: its first waiter entry, or -1 */
  size_t nfutures;         /* entries of wait_head */
  waiter *waiters;         /* the per-future lists' entries */
  size_t nwaiters;         /* entries used */
  size_t cap_waiters;      /* allocated */
  int32_t *woken;          /* scratch for on_future_done: the tasks a future wakes */
  int32_t nlines;          /* lines of the scenario's source: others belong to the prelude */
  size_t cap_rows;         /* allocated rows (and row_w, row_hi) */
  size_t cap_bars;         /* allocated bars */
  size_t cap_stops;        /* allocated stops */
  bool oom;                /* an allocation failed */
  bool check;              /* layout_build_checked: each shortcut is checked against the long way */
  bool mismatch;           /* one of them disagreed */
} builder;

/* ---- small helpers ------------------------------------------------------------------------ */

static bool grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap : 16;
  while (n < need)
    n *= 2;
  void *p = realloc(*arr, n * elem);
  if (p == NULL)
    return false;
  *arr = p;
  *cap = n;
  return true;
}

static uint32_t pool_addn(builder *b, const char *s, size_t len) {
  layout_diagram *d = b->d;
  if (b->oom || !grow((void **)&d->pool, &d->pool_cap, d->pool_len + len + 1, 1)) {
    b->oom = true;
    return 0; /* offset 0 holds "" */
  }
  uint32_t off = (uint32_t)d->pool_len;
  memcpy(d->pool + off, s, len);
  d->pool[off + len] = '\0';
  d->pool_len += len + 1;
  return off;
}

static uint32_t pool_add(builder *b, const char *s) { return pool_addn(b, s, strlen(s)); }

static uint32_t pool_addf(builder *b, const char *fmt, ...) {
  char buf[LABEL_FMT_BYTES];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0)
    n = 0;
  if ((size_t)n >= sizeof buf)
    n = (int)sizeof buf - 1;
  return pool_addn(b, buf, (size_t)n);
}

/* Appends at most max bytes of s (all of it for SIZE_MAX) to out, which holds *len bytes and has
 * room for cap, cutting where snprintf would: "%.*s" without the formatting, for the labels of a
 * million rows. */
static void cat(char *out, size_t cap, size_t *len, const char *s, size_t max) {
  size_t n = 0;
  if (max == SIZE_MAX)
    n = strlen(s);
  else
    while (n < max && s[n] != '\0')
      n++;
  size_t room = cap - 1 - *len;
  if (n > room)
    n = room;
  memcpy(out + *len, s, n);
  *len += n;
  out[*len] = '\0';
}

/* The strings given (at most 8, then a NULL) one after the other, in the pool, cut after
 * LABEL_FMT_BYTES - 1 bytes: pool_addf(b, "%s%s...", ...) without the formatting, written in
 * place. A piece may be a text of the pool itself: it is found again if the pool moves. */
static uint32_t pool_cat(builder *b, const char *first, ...) {
  enum { PIECES = 8 };
  const char *piece[PIECES];
  size_t lens[PIECES], len = 0, n = 0;
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s != NULL && n < PIECES; s = va_arg(ap, const char *)) {
    piece[n] = s;
    len += lens[n++] = strlen(s);
  }
  va_end(ap);
  if (len > LABEL_FMT_BYTES - 1)
    len = LABEL_FMT_BYTES - 1;
  layout_diagram *d = b->d;
  uintptr_t was = (uintptr_t)d->pool, end = was + d->pool_len;
  size_t at_pool[PIECES]; /* a piece's offset in the pool, or SIZE_MAX */
  for (size_t i = 0; i < n; i++)
    at_pool[i] = (uintptr_t)piece[i] >= was && (uintptr_t)piece[i] < end
                     ? (size_t)((uintptr_t)piece[i] - was)
                     : SIZE_MAX;
  if (b->oom || !grow((void **)&d->pool, &d->pool_cap, d->pool_len + len + 1, 1)) {
    b->oom = true;
    return 0;
  }
  uint32_t off = (uint32_t)d->pool_len;
  char *out = d->pool + off;
  size_t at = 0;
  for (size_t i = 0; i < n && at < len; i++) {
    size_t k = lens[i] < len - at ? lens[i] : len - at;
    memcpy(out + at, at_pool[i] != SIZE_MAX ? d->pool + at_pool[i] : piece[i], k);
    at += k;
  }
  out[len] = '\0';
  d->pool_len += len + 1;
  return off;
}

const char *layout_text(const layout_diagram *d, uint32_t off) {
  return off < d->pool_len ? d->pool + off : "";
}

static const char *btext(const builder *b, uint32_t off) { return layout_text(b->d, off); }

/* Copies s into out, cut after max characters (UTF-8 aware) with an ellipsis. */
static void elide(const char *s, size_t max, char *out, size_t cap) {
  size_t len = strlen(s);
  if (len <= max && len < cap) { /* no more characters than bytes: whole */
    memcpy(out, s, len + 1);
    return;
  }
  size_t chars = 0, i = 0;
  while (s[i] != '\0') {
    if (((unsigned char)s[i] & 0xc0) != 0x80) {
      if (chars == max)
        break;
      chars++;
    }
    i++;
  }
  bool cut = s[i] != '\0';
  size_t room = cap - 1 - (cut ? sizeof ellipsis - 1 : 0);
  if (i > room) {
    i = room;
    while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
      i--;
    cut = true;
  }
  memcpy(out, s, i);
  if (cut)
    memcpy(out + i, ellipsis, sizeof ellipsis - 1);
  out[i + (cut ? sizeof ellipsis - 1 : 0)] = '\0';
}

static void measure(const builder *b, layout_face face, float size, const char *s, float *w,
                    float *h) {
  float ww = 0, hh = 0;
  /* The widest of the text's lines; the height of all of them. */
  size_t lines = 0;
  const char *p = s;
  for (;;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
    float lw = 0, lh = 0;
    b->o->measure(b->o->measure_user, face, size, p, n, &lw, &lh);
    if (lw > ww)
      ww = lw;
    hh = lh;
    lines++;
    if (nl == NULL)
      break;
    p = nl + 1;
  }
  *w = ww;
  *h = hh * (float)lines;
}

static float line_height(const builder *b, layout_face face, float size) {
  float w = 0, h = 0;
  b->o->measure(b->o->measure_user, face, size, "Ag", 2, &w, &h);
  return h;
}

const char *layout_task_name(const layout_diagram *d, int32_t task) {
  const trace_task *k = trace_task_at(d->trace, task);
  if (k == NULL)
    return "the program";
  if (task == 0)
    return "Main";
  return trace_text(d->trace, k->name);
}

static const char *task_label(const trace *t, int32_t task) {
  const trace_task *k = trace_task_at(t, task);
  return k != NULL ? trace_text(t, k->label) : "";
}

/* A coroutine label short enough for a lane header (at most header_chars characters):
 * "fetch_data(1, 2)" stays, a long "producer(<Queue at 0x7f...>)" becomes "producer(…)". */
static void short_label(const trace *t, float header_chars, int32_t task, char *out, size_t cap) {
  const char *label = task_label(t, task);
  size_t max = (size_t)header_chars, chars = 0;
  for (const char *p = label; *p; p++)
    chars += ((unsigned char)*p & 0xc0) != 0x80;
  const char *paren = strchr(label, '(');
  if (chars > max && paren != NULL && (size_t)(paren - label) + 3 <= max) {
    size_t n = 0; /* "%.*s(%s)" */
    out[0] = '\0';
    cat(out, cap, &n, label, (size_t)(paren - label));
    cat(out, cap, &n, "(", SIZE_MAX);
    cat(out, cap, &n, ellipsis, SIZE_MAX);
    cat(out, cap, &n, ")", SIZE_MAX);
    return;
  }
  elide(label, max, out, cap);
}

static const char *task_name(const builder *b, int32_t task) {
  if (task >= 0 && (size_t)task < b->ntasks)
    return b->names[task];
  return layout_task_name(b->d, task);
}

static uint32_t lane_of_task(const builder *b, int32_t task) {
  if (task < 0 || (size_t)task >= b->ntasks)
    return b->d->loop_lane;
  return b->tasks[task].lane;
}

/* The sync lane a WAIT_SYNC text belongs to: the words before the first '.' or '(' name the
 * object ("queue.get()" -> "queue"). */
static void sync_key(const char *text, char *out, size_t cap) {
  size_t n = strcspn(text, ".(");
  if (n == 0)
    n = strlen(text);
  if (n >= cap)
    n = cap - 1;
  memcpy(out, text, n);
  out[n] = '\0';
}

static uint32_t sync_lane(const builder *b, const char *text) {
  char key[LABEL_BYTES];
  sync_key(text, key, sizeof key);
  for (size_t i = 0; i < b->nsync; i++)
    if (strcmp(btext(b, b->sync_keys[i]), key) == 0)
      return b->first_sync + (uint32_t)i;
  return b->d->loop_lane;
}

/* ---- rows and bars ------------------------------------------------------------------------ */

/* The face and size of a row's label. */
static void row_font(const builder *b, layout_row_kind kind, layout_face *face, float *size) {
  *face = kind == ROW_CLOCK || kind == ROW_BLOCK ? FACE_SANS_BOLD : FACE_SANS;
  *size = kind == ROW_NOTE || kind == ROW_WARNING ? b->th->note_pt : b->th->label_pt;
}

/* What a row's label adds to its text's width: the room it needs between its lanes. */
static float row_room(const builder *b, layout_row_kind kind, float tw) {
  if (kind == ROW_MESSAGE)
    return tw + b->th->pad + b->th->activation_w;
  return tw + 2 * b->th->pad;
}

/* The width row r needs, measured the first time it is asked. */
static float row_need(builder *b, size_t r) {
  if (!isnan(b->row_w[r]))
    return b->row_w[r];
  const layout_row *row = &b->d->rows[r];
  layout_face face = FACE_SANS;
  float size = 0, tw = 0, h = 0;
  row_font(b, row->kind, &face, &size);
  measure(b, face, size, btext(b, row->label), &tw, &h);
  b->row_w[r] = row_room(b, row->kind, tw);
  return b->row_w[r];
}

/* The table of face at size (NULL when all are taken by others), made on first use. */
static bound_table *bound_for(builder *b, layout_face face, float size) {
  for (size_t i = 0; i < b->nbounds; i++)
    if (b->bounds[i].face == face && b->bounds[i].size == size)
      return &b->bounds[i];
  if (b->nbounds == BOUND_TABLES)
    return NULL;
  bound_table *t = &b->bounds[b->nbounds++];
  memset(t, 0, sizeof *t);
  t->face = face;
  t->size = size;
  t->line_h = line_height(b, face, size);
  return t;
}

/* Adds the widths of text's characters in table t's face and size, each measured alone (once per
 * table), to *sum in text order (and to *alt too, unless NULL), their count to *chars and the
 * newlines to *lines. False for a text with other than ASCII (or no table). A million row labels
 * go through here: a character already measured costs one test. */
static bool char_widths(builder *b, bound_table *t, const char *text, float *sum, float *alt,
                        float *chars, size_t *lines) {
  if (t == NULL)
    return false;
  size_t nl = *lines;
  uint32_t c = 0; /* counted exactly: a float sum of ones below 2^24 is the same */
  float s = *sum, a = alt != NULL ? *alt : 0;
  for (const unsigned char *p = (const unsigned char *)text;; p++) {
    unsigned k = *p;
    if (t->known[k]) {
      s += t->w[k];
      if (alt != NULL) /* invariant: the loop is compiled twice, without and with */
        a += t->w[k];
      c++;
      continue;
    }
    if (k == 0)
      break;
    if (k >= 128)
      return false;
    if (k == '\n') {
      nl++;
      continue;
    }
    char one = (char)k;
    float h = 0;
    b->o->measure(b->o->measure_user, t->face, t->size, &one, 1, &t->w[k], &h);
    t->known[k] = true;
    s += t->w[k];
    if (alt != NULL)
      a += t->w[k];
    c++;
  }
  *sum = s;
  if (alt != NULL)
    *alt = a;
  *chars = (float)((uint32_t)*chars + c);
  *lines = nl;
  return true;
}

/* A label's character widths as add_row sums them, when they are known as it is put together. */
typedef struct text_sum {
  bool known;   /* the rest holds them: the text is ASCII */
  float sum;    /* char_widths' sum over the text */
  float chars;  /* its characters, newlines left out */
  size_t lines; /* its lines */
} text_sum;

/* An upper bound of what row_need gives, without measuring the whole label: a quarter more than
 * the sum of its characters' own widths, plus an em for the overhangs at the ends and a pixel a
 * character for kerning and rounding. Texts with other than ASCII are measured instead. A label
 * spanning many lanes is known to fit from this alone (place_lanes), so a diagram of many tasks
 * measures few of its labels. */
static float row_bound(builder *b, size_t r) {
  if (!isnan(b->row_w[r]))
    return b->row_w[r];
  if (!isnan(b->row_hi[r]))
    return b->row_hi[r];
  return row_need(b, r);
}

/* Adds a row; ts, unless NULL, holds its label's character widths (a message's). */
static uint32_t add_row_sum(builder *b, layout_row_kind kind, layout_msg msg, uint32_t event,
                            uint32_t from, uint32_t to, int32_t task, bool dashed, uint32_t label,
                            const text_sum *ts) {
  layout_diagram *d = b->d;
  size_t had = b->cap_rows;
  if (b->oom || !grow((void **)&d->rows, &b->cap_rows, d->nrows + 1, sizeof *d->rows)) {
    b->oom = true;
    return 0;
  }
  size_t cap = b->cap_rows;
  if (cap != had || b->row_w == NULL || b->row_hi == NULL) { /* row_w and row_hi follow rows */
    float *w = realloc(b->row_w, cap * sizeof *w);
    if (w == NULL) {
      b->oom = true;
      return 0;
    }
    b->row_w = w;
    float *hi = realloc(b->row_hi, cap * sizeof *hi);
    if (hi == NULL) {
      b->oom = true;
      return 0;
    }
    b->row_hi = hi;
  }
  const theme *th = b->th;
  const trace_event *e = event < b->count ? &b->ev[event] : NULL;
  layout_row *r = &d->rows[d->nrows];
  memset(r, 0, sizeof *r);
  r->kind = kind;
  r->msg = msg;
  r->event = event;
  r->from = from < to || kind != ROW_NOTE ? from : to;
  r->to = from < to || kind != ROW_NOTE ? to : from;
  r->task = task;
  r->dashed = dashed;
  r->label = label;
  r->time = e != NULL ? e->time : 0;
  r->time_to = r->time;
  r->top = b->cursor + b->top;
  /* The height is the label's lines (the measure's height depends on face and size alone);
   * the width is measured only if place_lanes needs it (row_need). */
  layout_face face = FACE_SANS;
  float size = 0;
  row_font(b, kind, &face, &size);
  const char *text = btext(b, label);
  bound_table *bt = b->kind_bounds[kind];
  if (bt == NULL)
    bt = b->kind_bounds[kind] = bound_for(b, face, size); /* NULL again when none is left */
  float sum = 0, chars = 0;
  size_t lines = 1;
  bool bounded = ts != NULL && ts->known;
  if (bounded) {
    sum = ts->sum;
    chars = ts->chars;
    lines = ts->lines;
    float s2 = 0, c2 = 0;
    size_t l2 = 1;
    if (b->check &&
        (!char_widths(b, bt, text, &s2, NULL, &c2, &l2) || memcmp(&s2, &sum, sizeof sum) != 0 ||
         memcmp(&c2, &chars, sizeof chars) != 0 || l2 != lines))
      b->mismatch = true;
  } else {
    bounded = char_widths(b, bt, text, &sum, NULL, &chars, &lines);
  }
  if (!bounded) /* counted here instead */
    for (const char *p = strchr(text, '\n'); p != NULL; p = strchr(p + 1, '\n'))
      lines++;
  float th_ = (bt != NULL ? bt->line_h : line_height(b, face, size)) * (float)lines;
  b->row_w[d->nrows] = NAN;
  b->row_hi[d->nrows] = bounded ? row_room(b, kind, sum * 1.25f + size + chars) : NAN;
  /* y from the row's top counted from the first row's, then moved below the header band */
  switch (kind) {
  case ROW_MESSAGE:
    r->y = b->cursor + th_ + th->label_gap + th->head_w / 2 + b->top;
    r->h = th_ + th->label_gap + th->head_w + th->row_gap;
    break;
  case ROW_NOTE:
  case ROW_WARNING:
  case ROW_CLOCK:
    r->y = b->cursor + (th_ + th->pad) / 2 + b->top;
    r->h = th_ + th->pad + th->row_gap;
    break;
  case ROW_BLOCK:
    r->y = b->cursor + (th_ + 2 * th->pad) / 2 + b->top;
    r->h = th_ + 2 * th->pad + th->row_gap;
    break;
  }
  b->cursor += r->h;
  return (uint32_t)d->nrows++;
}

static uint32_t add_row(builder *b, layout_row_kind kind, layout_msg msg, uint32_t event,
                        uint32_t from, uint32_t to, int32_t task, bool dashed, uint32_t label) {
  return add_row_sum(b, kind, msg, event, from, to, task, dashed, label, NULL);
}

static void open_bar(builder *b, int32_t task, uint32_t row, bool suspended) {
  layout_diagram *d = b->d;
  if (b->oom || !grow((void **)&d->bars, &b->cap_bars, d->nbars + 1, sizeof *d->bars)) {
    b->oom = true;
    return;
  }
  d->bars[d->nbars] = (layout_bar){b->tasks[task].lane, task, row, UINT32_MAX, suspended};
  b->tasks[task].bar = (int32_t)d->nbars++;
}

static void close_bar(builder *b, int32_t task, uint32_t row) {
  task_info *k = &b->tasks[task];
  if (k->bar >= 0 && !b->oom)
    b->d->bars[k->bar].last = row;
  k->bar = -1;
}

/* ---- captions ----------------------------------------------------------------------------- */

/* Captions are made on demand (layout_caption) from what add_stop keeps in the stop: the event
 * that ends it, how its step began, what the step did and what is left in the queues. */

static void who(const layout_diagram *d, int32_t task, char *out, size_t cap) {
  char label[LABEL_BYTES];
  short_label(d->trace, d->header_chars, task, label, sizeof label);
  const trace_task *k = trace_task_at(d->trace, task);
  snprintf(out, cap, "%.200s (%.100s)", label, k != NULL ? trace_text(d->trace, k->name) : "?");
}

static void began(const layout_diagram *d, const layout_stop *st, char *out, size_t cap) {
  switch (st->wake) {
  case WAKE_START:
    snprintf(out, cap, "starts");
    break;
  case WAKE_TIMER:
    snprintf(out, cap, "resumes (its sleep is over)");
    break;
  case WAKE_TASK:
    snprintf(out, cap, "resumes (%s is done)", layout_task_name(d, st->wake_b));
    break;
  case WAKE_GATHER:
    snprintf(out, cap, "resumes (the gather is done)");
    break;
  case WAKE_FUTURE:
    snprintf(out, cap, "resumes (what it awaited is done)");
    break;
  case WAKE_YIELD:
    snprintf(out, cap, "resumes after its yield");
    break;
  case WAKE_EXCEPTION:
    snprintf(out, cap, "resumes with an exception thrown in");
    break;
  case WAKE_CANCEL:
    snprintf(out, cap, "resumes with CancelledError thrown in");
    break;
  case WAKE_CONTINUED:
    snprintf(out, cap, "goes on");
    break;
  default:
    snprintf(out, cap, "runs");
    break;
  }
}

/* ", creates 3 tasks, prints" */
static void doings(const layout_stop *st, char *out, size_t cap) {
  out[0] = '\0';
  size_t n = 0;
  if (st->created == 1)
    n += (size_t)snprintf(out + n, cap - n, ", creates a task");
  else if (st->created > 1)
    n += (size_t)snprintf(out + n, cap - n, ", creates %zu tasks", (size_t)st->created);
  if (n < cap && (st->facts & LAYOUT_STOP_PRINTS) != 0)
    snprintf(out + n, cap - n, ", prints");
}

/* The source line n without its indentation, elided. */
static void source_line(const layout_diagram *d, int32_t n, char *out, size_t cap) {
  size_t len = 0;
  const char *src = trace_source(d->trace, &len);
  out[0] = '\0';
  int32_t line = 1;
  size_t i = 0;
  while (i < len && line < n) {
    if (src[i] == '\n')
      line++;
    i++;
  }
  if (line != n || i >= len)
    return;
  while (i < len && (src[i] == ' ' || src[i] == '\t'))
    i++;
  size_t end = i;
  while (end < len && src[end] != '\n' && src[end] != '\r')
    end++;
  char buf[LABEL_BYTES];
  size_t m = end - i < sizeof buf - 1 ? end - i : sizeof buf - 1;
  memcpy(buf, src + i, m);
  buf[m] = '\0';
  elide(buf, (size_t)d->label_chars * 2, out, cap);
}

/* Formats into out as snprintf does; the length written. */
static size_t put(char *out, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, cap, fmt, ap);
  va_end(ap);
  if (n < 0) {
    out[0] = '\0';
    return 0;
  }
  return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t layout_caption(const layout_diagram *d, size_t k, char *out, size_t cap) {
  if (cap == 0)
    return 0;
  if (cap > LAYOUT_CAPTION_BYTES)
    cap = LAYOUT_CAPTION_BYTES;
  if (k >= d->nstops) {
    out[0] = '\0';
    return 0;
  }
  const layout_stop *st = &d->stops[k];
  const trace_event *e = (st->facts & LAYOUT_STOP_EVENT) != 0 && st->event_end > 0
                             ? trace_event_at(d->trace, st->event_end - 1)
                             : NULL;
  char w[LABEL_BYTES], v[LABEL_BYTES], dd[LABEL_BYTES], x[LABEL_BYTES];
  const char *text = e != NULL ? trace_text(d->trace, e->text) : "";
  size_t label_chars = (size_t)d->label_chars;
  if (e == NULL) {
    if (d->ntasks > 0) {
      who(d, 0, w, sizeof w);
      return put(out, cap,
                 "asyncio.run creates the main task, %s, and puts its first step in the ready "
                 "queue.",
                 w);
    }
    int status = trace_exit_status(d->trace);
    if (status > 0)
      return put(out, cap, "%s",
                 "The program stopped before its event loop started: see the console.");
    return put(out, cap, "%s", "Nothing has run yet.");
  }
  if (e->task >= 0)
    who(d, e->task, w, sizeof w);
  else
    snprintf(w, sizeof w, "The program");
  began(d, st, v, sizeof v);
  doings(st, dd, sizeof dd);
  bool ready = (st->facts & LAYOUT_STOP_READY) != 0, timers = (st->facts & LAYOUT_STOP_TIMERS) != 0;
  switch (e->kind) {
  case TR_STEP_SUSPEND: {
    const char *next = ready    ? "the event loop runs the next ready task"
                       : timers ? "nothing else is ready, so the loop will wait for "
                                  "the earliest timer"
                                : "nothing else is ready";
    elide(text, label_chars, x, sizeof x);
    if (e->a == WAIT_YIELD)
      return put(out, cap,
                 "%s %s%s, then yields with %s: it goes to the back of the ready queue, and %s.", w,
                 v, dd, x,
                 ready ? "the event loop runs the next ready task"
                       : "it is the only one ready, so it runs again");
    if (e->a == WAIT_SLEEP)
      return put(out, cap, "%s %s%s, then awaits %s: it is suspended until t = %.3f, and %s.", w, v,
                 dd, x, e->num, next);
    return put(out, cap, "%s %s%s, then awaits %s: it is suspended, and %s.", w, v, dd, x, next);
  }
  case TR_STEP_RETURN:
    elide(text, label_chars, x, sizeof x);
    return put(out, cap, "%s %s%s and returns %s: %s", w, v, dd, x,
               e->task == 0 ? "asyncio.run has its result." : "its task is done.");
  case TR_STEP_RAISE:
    elide(text, label_chars, x, sizeof x);
    if (e->a == 1)
      return put(out, cap, "%s %s%s and ends cancelled.", w, v, dd);
    return put(out, cap, "%s %s%s and raises %s: the task ends with that exception.", w, v, dd, x);
  case TR_CLOCK_JUMP:
    return put(out, cap,
               "Nothing is ready, so the event loop moves its clock from %.3f to %.3f s, the "
               "earliest timer's deadline: no real time passes.",
               e->num, e->time);
  case TR_BLOCK:
    return put(out, cap,
               "%s calls time.sleep(%g): the whole event loop is blocked for %.3f s, and no "
               "other task can run.",
               w, e->num, e->num);
  case TR_RUN_END:
    if (e->a == 0)
      return put(out, cap,
                 "asyncio.run returns and the program ends, after %.3f s of virtual time.",
                 e->time);
    return put(out, cap, "The program ends with an error (exit status %d): see the console.", e->a);
  case TR_DEADLOCK:
    return put(out, cap, "%s", "Deadlock: every task waits for something no one will ever do.");
  case TR_LINE:
    source_line(d, e->line, x, sizeof x);
    if (e->task < 0)
      return put(out, cap, "The program runs line %d: %s", e->line, x);
    return put(out, cap, "%s runs line %d: %s", w, e->line, x);
  default:
    out[0] = '\0';
    return 0;
  }
}

/* ---- stops -------------------------------------------------------------------------------- */

/* A task's timeline state may change at the next stop: it is re-read there. */
static void touch(builder *b, int32_t task) {
  task_info *k = &b->tasks[task];
  if (k->dirty)
    return;
  k->dirty = true;
  b->dirty[b->ndirty++] = (uint32_t)task; /* holds every task at most once: sized ntasks */
}

/* The timeline state of each task during the step that ends at the stop being added: running if
 * it ran, else its state. Only tasks touched since the previous stop can differ from their last
 * run, so only they are looked at; a task that ran stays listed for one more stop, where it shows
 * its state after the step. A change begins a new run. */
static void record_states(builder *b) {
  uint32_t stop = (uint32_t)b->d->nstops;
  size_t keep = 0;
  for (size_t i = 0; i < b->ndirty; i++) {
    uint32_t t = b->dirty[i];
    task_info *k = &b->tasks[t];
    uint8_t now = (uint8_t)(k->ran ? STATE_RUNNING : k->state);
    if (now != k->shown) {
      if (b->oom ||
          !grow((void **)&b->changes, &b->cap_changes, b->nchanges + 1, sizeof *b->changes)) {
        b->oom = true;
        return;
      }
      b->changes[b->nchanges++] = (state_change){t, stop, now};
      k->shown = now;
    }
    bool was_running = k->ran;
    k->ran = k->state == STATE_RUNNING;
    if (was_running && !k->ran)
      b->dirty[keep++] = t; /* shows its state, no longer running, at the next stop */
    else
      k->dirty = false;
  }
  b->ndirty = keep;
}

static void add_stop(builder *b, uint32_t event_end, const trace_event *e) {
  layout_diagram *d = b->d;
  if (b->oom || !grow((void **)&d->stops, &b->cap_stops, d->nstops + 1, sizeof *d->stops)) {
    b->oom = true;
    return;
  }
  layout_stop *s = &d->stops[d->nstops];
  const trace_event *last = event_end > 0 && event_end <= b->count ? &b->ev[event_end - 1] : NULL;
  s->event_end = event_end;
  s->row_end = (uint32_t)d->nrows;
  s->time = last != NULL ? last->time : 0;
  s->time_from = d->nstops > 0 ? d->stops[d->nstops - 1].time : s->time;
  if (e != NULL && e->kind == TR_CLOCK_JUMP)
    s->time_from = e->num;
  int32_t task = b->acc.task;
  if (e != NULL && (e->kind == TR_LINE || e->kind == TR_BLOCK))
    task = e->task;
  if (e != NULL && e->kind == TR_CLOCK_JUMP)
    task = -1;
  s->task = task;
  s->line = task >= 0 && (size_t)task < b->ntasks ? b->tasks[task].line : 0;
  if (e != NULL && e->kind == TR_LINE)
    s->line = e->line;
  /* what its caption says (layout_caption): e is the stop's last event, or NULL */
  s->wake = (int8_t)b->acc.wake;
  s->wake_b = b->acc.wake_b;
  s->created = (uint32_t)b->acc.created;
  s->facts =
      (uint8_t)((e != NULL ? LAYOUT_STOP_EVENT : 0) | (b->acc.prints > 0 ? LAYOUT_STOP_PRINTS : 0) |
                (b->ready > 0 ? LAYOUT_STOP_READY : 0) | (b->timers > 0 ? LAYOUT_STOP_TIMERS : 0));
  record_states(b);
  d->nstops++;
  b->acc = (step_acc){-1, -1, -1, 0, 0, s->time};
  if (b->running >= 0) { /* a step cut by a line stop or a block goes on */
    b->acc.task = b->running;
    b->acc.wake = WAKE_CONTINUED;
  }
}

static bool ends_stop(const builder *b, trace_kind k) {
  switch (k) {
  case TR_STEP_SUSPEND:
  case TR_STEP_RETURN:
  case TR_STEP_RAISE:
  case TR_CLOCK_JUMP:
  case TR_BLOCK:
  case TR_RUN_END:
  case TR_DEADLOCK:
    return true;
  case TR_LINE:
    return b->d->grain == GRAIN_LINE;
  default:
    return false;
  }
}

/* Events before which stop 0 (the moment before anything runs, the main task's first step still
 * in the ready queue) is taken. */
static bool begins_running(const builder *b, trace_kind k) {
  return k == TR_STEP_BEGIN || k == TR_READY_POP ||
         (k != TR_STEP_SUSPEND && k != TR_STEP_RETURN && k != TR_STEP_RAISE && ends_stop(b, k));
}

/* ---- the walk ----------------------------------------------------------------------------- */

static const char *wake_reason(const builder *b, const trace_event *e, char *out, size_t cap) {
  size_t n = 0;
  out[0] = '\0';
  switch (e->a) {
  case WAKE_TIMER:
    return "sleep over";
  case WAKE_TASK:
    cat(out, cap, &n, task_name(b, e->b), SIZE_MAX);
    cat(out, cap, &n, " done", SIZE_MAX);
    return out;
  case WAKE_GATHER:
    return "gather done";
  case WAKE_FUTURE: {
    const task_info *k = &b->tasks[e->task];
    if (k->wait != WAIT_SYNC)
      return "future done";
    cat(out, cap, &n, btext(b, k->wait_text), SIZE_MAX);
    cat(out, cap, &n, " ready", SIZE_MAX);
    return out;
  }
  case WAKE_YIELD:
    return "after yield";
  case WAKE_EXCEPTION:
    return "exception thrown in";
  case WAKE_CANCEL:
    return "CancelledError";
  default:
    return out;
  }
}

/* "Task-2: await asyncio.sleep(2)", on two lines ("Task-2: await" and what) when one line would
 * be wider than label_wrap: a narrower label keeps the lanes closer. The sum of its characters'
 * widths bounds the width of the one-line text: above by a quarter more plus an em and a pixel a
 * character, below by a fifth less less an em (kerning and overhangs take far less); only a text
 * they do not decide is measured. *ts gets the chosen label's character widths for add_row_sum:
 * the one-line text's, or the two-line one's (the same characters, the space that became a
 * newline left out), read in one pass. */
static uint32_t verb_label(builder *b, const char *name, const char *verb, const char *what,
                           text_sum *ts) {
  char one[LABEL_BYTES];
  size_t n = 0;
  one[0] = '\0';
  cat(one, sizeof one, &n, name, 100);
  cat(one, sizeof one, &n, ": ", SIZE_MAX);
  cat(one, sizeof one, &n, verb, SIZE_MAX);
  size_t space = n;                                          /* where the second line would begin */
  float size = b->th->label_pt, sum = 0, two = 0, chars = 0; /* two: see below */
  size_t lines = 1;
  bound_table *bt = bound_for(b, FACE_SANS, size);
  bool known = char_widths(b, bt, one, &sum, NULL, &chars, &lines);
  cat(one, sizeof one, &n, " ", SIZE_MAX);
  cat(one, sizeof one, &n, what, 300);
  two = sum; /* the two-line text's sum: the same but for the space */
  known = known && char_widths(b, bt, " ", &sum, NULL, &chars, &lines) &&
          char_widths(b, bt, one + space + 1, &sum, &two, &chars, &lines);
  bool wide = false;
  if (known && lines == 1 && sum * 1.25f + size + chars <= b->th->label_wrap)
    wide = false; /* fits for sure */
  else if (known && lines == 1 && sum * 0.8f - size > b->th->label_wrap)
    wide = true; /* too wide for sure */
  else {
    float w = 0, h = 0;
    measure(b, FACE_SANS, size, one, &w, &h);
    wide = w > b->th->label_wrap;
  }
  *ts = (text_sum){known, sum, chars, lines};
  if (!wide)
    return pool_addn(b, one, n);
  if (memchr(name, 0, 101) == NULL || memchr(what, 0, 301) == NULL) { /* cut above: made whole */
    ts->known = false;
    return pool_cat(b, name, ": ", verb, "\n", what, NULL);
  }
  one[space] = '\n';
  *ts = (text_sum){known, two, chars - 1, lines + 1};
  return pool_addn(b, one, n);
}

static void on_step_begin(builder *b, const trace_event *e, uint32_t i) {
  if (e->task < 0 || (size_t)e->task >= b->ntasks)
    return;
  task_info *k = &b->tasks[e->task];
  char label[LABEL_BYTES], reason[LABEL_BYTES];
  layout_msg msg = e->a == WAKE_START ? MSG_START : MSG_RESUME;
  const char *name = task_name(b, e->task);
  size_t n = 0;
  label[0] = '\0';
  cat(label, sizeof label, &n, msg == MSG_START ? "start " : "resume ", SIZE_MAX);
  cat(label, sizeof label, &n, name, SIZE_MAX);
  if (msg != MSG_START) {
    cat(label, sizeof label, &n, " (", SIZE_MAX);
    cat(label, sizeof label, &n, wake_reason(b, e, reason, sizeof reason), SIZE_MAX);
    cat(label, sizeof label, &n, ")", SIZE_MAX);
  }
  uint32_t row = add_row(b, ROW_MESSAGE, msg, i, b->d->loop_lane, k->lane, e->task, false,
                         pool_addn(b, label, n));
  close_bar(b, e->task, row);
  open_bar(b, e->task, row, false);
  k->suspended = false;
  k->state = STATE_RUNNING;
  k->ran = true;
  touch(b, e->task);
  b->running = e->task;
  b->acc.task = e->task;
  b->acc.wake = e->a;
  b->acc.wake_b = e->b;
}

static uint32_t await_target(const builder *b, const trace_event *e) {
  switch (e->a) {
  case WAIT_SLEEP:
    return b->d->io_lane;
  case WAIT_TASK:
    return e->b >= 0 && (size_t)e->b < b->ntasks ? b->tasks[e->b].lane : b->d->loop_lane;
  case WAIT_SYNC:
    return sync_lane(b, trace_text(b->t, e->text));
  default:
    return b->d->loop_lane;
  }
}

static bool waits_on_future(trace_wait w) {
  return w == WAIT_GATHER || w == WAIT_FUTURE || w == WAIT_SYNC;
}

/* Lists a task that just suspended on a future under that future's id, so the future's
 * completion finds its waiters without looking at every task. */
static void add_waiter(builder *b, int32_t task, int32_t future) {
  if (future < 0 || (size_t)future >= b->nfutures)
    return;
  if (b->oom ||
      !grow((void **)&b->waiters, &b->cap_waiters, b->nwaiters + 1, sizeof *b->waiters)) {
    b->oom = true;
    return;
  }
  b->waiters[b->nwaiters] = (waiter){task, b->wait_head[future]};
  b->wait_head[future] = (int32_t)b->nwaiters++;
}

static void on_suspend(builder *b, const trace_event *e, uint32_t i) {
  if (e->task < 0 || (size_t)e->task >= b->ntasks)
    return;
  task_info *k = &b->tasks[e->task];
  char what[LABEL_BYTES];
  elide(trace_text(b->t, e->text), (size_t)b->th->label_chars, what, sizeof what);
  uint32_t target = await_target(b, e);
  const char *name = task_name(b, e->task);
  text_sum ts;
  uint32_t label = verb_label(b, name, "await", what, &ts);
  uint32_t row =
      add_row_sum(b, ROW_MESSAGE, MSG_AWAIT, i, k->lane, target, e->task, false, label, &ts);
  close_bar(b, e->task, row);
  uint32_t note = add_row(b, ROW_NOTE, MSG_NONE, i, k->lane, target, e->task, false,
                          e->a == WAIT_YIELD ? pool_cat(b, name, " yields to the loop", NULL)
                                             : pool_cat(b, name, " suspended", NULL));
  open_bar(b, e->task, note, true);
  k->suspended = true;
  k->wait = (trace_wait)e->a;
  k->wait_b = e->b;
  k->wait_text = pool_add(b, what);
  k->wait_lane = target;
  if (waits_on_future(k->wait))
    add_waiter(b, e->task, e->b);
  k->state = STATE_WAITING;
  touch(b, e->task);
  if (e->line > 0 && e->line <= b->nlines)
    k->line = e->line;
  if (b->running == e->task)
    b->running = -1;
}

static void on_end(builder *b, const trace_event *e, uint32_t i, bool raised) {
  if (e->task < 0 || (size_t)e->task >= b->ntasks)
    return;
  task_info *k = &b->tasks[e->task];
  char value[LABEL_BYTES];
  elide(trace_text(b->t, e->text), (size_t)b->th->label_chars, value, sizeof value);
  const char *name = task_name(b, e->task);
  text_sum ts = {false, 0, 0, 0};
  uint32_t label = !raised     ? verb_label(b, name, "return", value, &ts)
                   : e->a == 1 ? pool_cat(b, name, ": cancelled", NULL)
                               : verb_label(b, name, "raise", value, &ts);
  uint32_t row = add_row_sum(b, ROW_MESSAGE, raised ? MSG_RAISE : MSG_RETURN, i, k->lane,
                             b->d->loop_lane, e->task, true, label, &ts);
  if (raised && !b->oom)
    b->d->rows[row].error = true;
  close_bar(b, e->task, row);
  k->suspended = false;
  k->state = raised ? STATE_FAILED : STATE_DONE;
  touch(b, e->task);
  if (!b->oom)
    b->d->lanes[k->lane].end_row = row;
  if (b->running == e->task)
    b->running = -1;
}

static void on_timer_fire(builder *b, const trace_event *e, uint32_t i) {
  int32_t h = e->a;
  int32_t task = h >= 0 && (size_t)h < b->nhandles ? b->timer_task[h] : -1;
  if (task >= 0 && (size_t)task < b->ntasks && b->tasks[task].suspended) {
    task_info *k = &b->tasks[task];
    add_row(b, ROW_MESSAGE, MSG_COMPLETE, i, b->d->io_lane, k->lane, task, true,
            pool_cat(b, "I/O complete for ", task_name(b, task), NULL));
    return;
  }
  const char *what = h >= 0 && (size_t)h < b->nhandles ? trace_text(b->t, b->handle_text[h]) : "";
  char desc[LABEL_BYTES];
  elide(what, (size_t)b->th->label_chars, desc, sizeof desc);
  add_row(b, ROW_MESSAGE, MSG_TIMER, i, b->d->io_lane, b->d->loop_lane, -1, true,
          desc[0] != '\0' ? pool_cat(b, "timer fires: ", desc, NULL) : pool_add(b, "timer fires"));
}

static int by_task(const void *pa, const void *pb) {
  int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
  return a < b ? -1 : a > b;
}

/* The tasks future e->a wakes, in task order: those of its list still suspended on it (an entry
 * goes stale when its task stopped waiting). The list keeps only those. */
static size_t future_waiters(builder *b, int32_t future) {
  size_t n = 0;
  if (future < 0 || (size_t)future >= b->nfutures) { /* no list: every task is looked at */
    for (size_t t = 0; t < b->ntasks; t++) {
      const task_info *k = &b->tasks[t];
      if (k->suspended && k->wait_b == future && waits_on_future(k->wait))
        b->woken[n++] = (int32_t)t;
    }
    return n;
  }
  int32_t *link = &b->wait_head[future];
  while (*link >= 0) {
    waiter *w = &b->waiters[*link];
    const task_info *k = &b->tasks[w->task];
    if (k->suspended && k->wait_b == future && waits_on_future(k->wait)) {
      b->woken[n++] = w->task;
      link = &w->next;
    } else {
      *link = w->next; /* stale: unlinked */
    }
  }
  qsort(b->woken, n, sizeof *b->woken, by_task);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (m == 0 || b->woken[m - 1] != b->woken[i])
      b->woken[m++] = b->woken[i];
  return m;
}

static void on_future_done(builder *b, const trace_event *e, uint32_t i) {
  size_t n = future_waiters(b, e->a);
  for (size_t j = 0; j < n; j++) {
    size_t t = (size_t)b->woken[j];
    task_info *k = &b->tasks[t];
    const char *name = task_name(b, (int32_t)t);
    if (k->wait == WAIT_GATHER) {
      uint32_t label = e->b == 0   ? pool_cat(b, "all tasks complete for ", name, NULL)
                       : e->b == 1 ? pool_cat(b, "gather failed for ", name, NULL)
                                   : pool_cat(b, "gather cancelled for ", name, NULL);
      add_row(b, ROW_MESSAGE, MSG_COMPLETE, i, b->d->loop_lane, k->lane, (int32_t)t, true, label);
      continue;
    }
    uint32_t from = k->wait == WAIT_SYNC ? k->wait_lane : b->d->loop_lane;
    if (b->running >= 0 && (size_t)b->running != t) {
      /* a running task set it: its put / set / release wakes the waiter */
      uint32_t via = k->wait == WAIT_SYNC ? k->wait_lane : k->lane;
      add_row(b, ROW_MESSAGE, MSG_WAKE, i, b->tasks[b->running].lane, via, b->running, false,
              pool_cat(b, task_name(b, b->running), " wakes ", name, NULL));
      if (via == k->lane)
        continue;
      from = via;
    }
    add_row(b, ROW_MESSAGE, MSG_COMPLETE, i, from, k->lane, (int32_t)t, true,
            pool_cat(b, btext(b, k->wait_text), " done for ", name, NULL));
  }
}

static void on_created(builder *b, const trace_event *e, uint32_t i) {
  if (e->task < 0 || (size_t)e->task >= b->ntasks)
    return;
  task_info *k = &b->tasks[e->task];
  k->state = STATE_READY;
  touch(b, e->task);
  if (e->line <= b->nlines)
    k->line = e->line;
  if (!b->oom)
    b->d->lanes[k->lane].first_row = (uint32_t)b->d->nrows;
  if (e->a < 0 || e->task == 0)
    return; /* asyncio.run's own task: it is there from the start */
  uint32_t from = lane_of_task(b, e->a);
  if (from == b->d->loop_lane)
    return;
  add_row(b, ROW_MESSAGE, MSG_CREATE, i, from, b->d->loop_lane, e->a, false,
          pool_cat(b, "create ", task_name(b, e->task), NULL));
  b->acc.created++;
}

static void on_event(builder *b, const trace_event *e, uint32_t i) {
  switch (e->kind) {
  case TR_TASK_CREATED:
    on_created(b, e, i);
    break;
  case TR_STEP_BEGIN:
    on_step_begin(b, e, i);
    break;
  case TR_STEP_SUSPEND:
    on_suspend(b, e, i);
    break;
  case TR_STEP_RETURN:
    on_end(b, e, i, false);
    break;
  case TR_STEP_RAISE:
    on_end(b, e, i, true);
    break;
  case TR_READY_PUSH:
    b->ready++;
    if (e->task >= 0 && (size_t)e->task < b->ntasks &&
        b->tasks[e->task].state == STATE_WAITING) {
      b->tasks[e->task].state = STATE_READY;
      touch(b, e->task);
    }
    break;
  case TR_READY_POP: {
    if (b->ready > 0)
      b->ready--;
    int32_t h = e->a;
    if (h >= 0 && (size_t)h < b->nhandles && b->handle_cb[h] == CB_USER) {
      char desc[LABEL_BYTES];
      elide(trace_text(b->t, b->handle_text[h]), (size_t)b->th->label_chars, desc, sizeof desc);
      add_row(b, ROW_NOTE, MSG_CALLBACK, i, b->d->loop_lane, b->d->loop_lane, -1, false,
              pool_cat(b, "callback ", desc, NULL));
    }
    break;
  }
  case TR_TIMER_ADD:
    b->timers++;
    break;
  case TR_TIMER_CANCEL:
    if (b->timers > 0)
      b->timers--;
    break;
  case TR_TIMER_FIRE:
    if (b->timers > 0)
      b->timers--;
    on_timer_fire(b, e, i);
    break;
  case TR_FUTURE_DONE:
    on_future_done(b, e, i);
    break;
  case TR_CLOCK_JUMP: {
    uint32_t row = add_row(b, ROW_CLOCK, MSG_NONE, i, 0, (uint32_t)b->d->nlanes - 1, -1, true,
                           pool_addf(b, "nothing ready: the clock jumps to t = %.3f", e->time));
    if (!b->oom) {
      b->d->rows[row].time = e->num;
      b->d->rows[row].time_to = e->time;
    }
    break;
  }
  case TR_BLOCK: {
    uint32_t row = add_row(b, ROW_BLOCK, MSG_NONE, i, 0, (uint32_t)b->d->nlanes - 1, e->task, false,
                           pool_addf(b, "time.sleep(%g) in %s blocks the whole loop for %.3f s",
                                     e->num, task_name(b, e->task), e->num));
    if (!b->oom)
      b->d->rows[row].time_to = e->time + e->num;
    break;
  }
  case TR_CANCEL: {
    if (e->task < 0 || (size_t)e->task >= b->ntasks)
      break;
    uint32_t from = e->b >= 0 ? lane_of_task(b, e->b) : b->d->loop_lane;
    uint32_t to = b->tasks[e->task].lane;
    if (from == to)
      from = b->d->loop_lane;
    add_row(b, ROW_MESSAGE, MSG_CANCEL, i, from, to, e->b >= 0 ? e->b : e->task, false,
            pool_cat(b, "cancel ", task_name(b, e->task), NULL));
    break;
  }
  case TR_WARNING:
  case TR_DEADLOCK: {
    uint32_t row = add_row(b, ROW_WARNING, MSG_NONE, i, 0, (uint32_t)b->d->nlanes - 1, -1, false,
                           pool_add(b, trace_text(b->t, e->text)));
    if (!b->oom && e->kind == TR_DEADLOCK)
      b->d->rows[row].error = true;
    break;
  }
  case TR_PRINT:
    b->acc.prints++;
    break;
  case TR_LINE:
    if (e->task >= 0 && (size_t)e->task < b->ntasks && e->line <= b->nlines)
      b->tasks[e->task].line = e->line;
    break;
  default:
    break;
  }
}

/* ---- lanes -------------------------------------------------------------------------------- */

static bool make_lanes(builder *b) {
  layout_diagram *d = b->d;
  const trace *t = b->t;
  size_t ntasks = trace_task_count(t);
  d->nlanes = (ntasks > 0 ? ntasks : 1) + 2 + b->nsync;
  d->lanes = calloc(d->nlanes, sizeof *d->lanes);
  b->tasks = calloc(ntasks ? ntasks : 1, sizeof *b->tasks);
  b->dirty = malloc((ntasks ? ntasks : 1) * sizeof *b->dirty);
  b->woken = malloc((ntasks ? ntasks : 1) * sizeof *b->woken);
  b->names = malloc((ntasks ? ntasks : 1) * sizeof *b->names);
  d->task_lane = calloc(ntasks ? ntasks : 1, sizeof *d->task_lane);
  if (d->lanes == NULL || b->tasks == NULL || d->task_lane == NULL || b->dirty == NULL ||
      b->woken == NULL || b->names == NULL)
    return false;
  for (size_t i = 0; i < ntasks; i++)
    b->names[i] = layout_task_name(d, (int32_t)i);
  b->ntasks = ntasks;
  d->ntasks = ntasks;
  size_t n = 0;
  /* Main */
  char main_label[LABEL_BYTES];
  if (ntasks > 0)
    short_label(t, b->th->header_chars, 0, main_label, sizeof main_label);
  d->lanes[n] = (layout_lane){LANE_MAIN,
                              ntasks > 0 ? 0 : -1,
                              pool_add(b, "Main"),
                              ntasks > 0 ? pool_addf(b, "%s \xc2\xb7 %s", main_label,
                                                     trace_text(t, trace_task_at(t, 0)->name))
                                         : pool_add(b, ""),
                              0,
                              0,
                              0,
                              UINT32_MAX,
                              0,
                              0,
                              0,
                              0};
  n++;
  d->loop_lane = (uint32_t)n;
  d->lanes[n++] = (layout_lane){
      LANE_LOOP, -1, pool_add(b, "EventLoop"), pool_add(b, ""), 0, 0, 0, UINT32_MAX, 0, 0, 0, 0};
  for (size_t i = 1; i < ntasks; i++) {
    char label[LABEL_BYTES];
    short_label(t, b->th->header_chars, (int32_t)i, label, sizeof label);
    d->lanes[n] = (layout_lane){LANE_TASK,
                                (int32_t)i,
                                pool_add(b, label),
                                pool_add(b, trace_text(t, trace_task_at(t, (int32_t)i)->name)),
                                0,
                                0,
                                UINT32_MAX,
                                UINT32_MAX,
                                0,
                                0,
                                0,
                                0};
    b->tasks[i].lane = (uint32_t)n++;
  }
  d->io_lane = (uint32_t)n;
  d->lanes[n++] = (layout_lane){
      LANE_IO, -1, pool_add(b, "IO"), pool_add(b, "timers, sleeps"), 0, 0, 0, UINT32_MAX, 0, 0,
      0,       0};
  b->first_sync = (uint32_t)n;
  for (size_t i = 0; i < b->nsync; i++)
    d->lanes[n++] = (layout_lane){
        LANE_SYNC, -1, b->sync_keys[i], pool_add(b, "sync object"), 0, 0, 0, UINT32_MAX, 0, 0,
        0,         0};
  for (size_t i = 0; i < ntasks; i++) {
    b->tasks[i].bar = -1;
    b->tasks[i].state = STATE_ABSENT;
    b->tasks[i].shown = STATE_NONE;
    b->tasks[i].dirty = true; /* stop 0 records every task's first run */
    b->dirty[i] = (uint32_t)i;
    d->task_lane[i] = b->tasks[i].lane;
  }
  b->ndirty = ntasks;
  /* Sync lanes appear with their first wait. */
  return !b->oom;
}

/* Makes room for handle h in the three per-handle arrays (ids come in increasing order, so they
 * grow a few times), new entries knowing nothing. */
static bool handle_room(builder *b, int32_t h) {
  size_t had = b->cap_handles, need = (size_t)h + 1;
  if (need > had) {
    size_t n = had ? had : 64;
    while (n < need)
      n *= 2;
    int32_t *tt = realloc(b->timer_task, n * sizeof *tt);
    if (tt != NULL)
      b->timer_task = tt;
    int32_t *cb = realloc(b->handle_cb, n * sizeof *cb);
    if (cb != NULL)
      b->handle_cb = cb;
    uint32_t *tx = realloc(b->handle_text, n * sizeof *tx);
    if (tx != NULL)
      b->handle_text = tx;
    if (tt == NULL || cb == NULL || tx == NULL)
      return false;
    for (size_t i = had; i < n; i++) {
      b->timer_task[i] = -1;
      b->handle_cb[i] = -1;
      b->handle_text[i] = TRACE_NO_TEXT;
    }
    b->cap_handles = n;
  }
  if (need > b->nhandles)
    b->nhandles = need;
  return true;
}

/* The rows an event of kind k adds, as a rule (a future's completion may add more, a ready pop
 * of a user callback one): for sizing the arrays before the walk. */
static size_t rows_of(trace_kind k) {
  switch (k) {
  case TR_STEP_SUSPEND:
    return 2; /* the await and the note */
  case TR_TASK_CREATED:
  case TR_STEP_BEGIN:
  case TR_STEP_RETURN:
  case TR_STEP_RAISE:
  case TR_TIMER_FIRE:
  case TR_FUTURE_DONE:
  case TR_CLOCK_JUMP:
  case TR_BLOCK:
  case TR_CANCEL:
  case TR_WARNING:
  case TR_DEADLOCK:
    return 1;
  default:
    return 0;
  }
}

/* Asks the system to back the whole huge pages inside [p, p + bytes) with huge pages, when it can:
 * the big arrays of a long trace are then faulted in 2 MB at a time, not 4 KB (the faults of
 * fresh memory took about a quarter of the layout of 100,000 tasks). A hint, refused or not. */
static void huge_advice(void *p, size_t bytes) {
#if defined(MADV_HUGEPAGE)
  uintptr_t from = ((uintptr_t)p + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1);
  uintptr_t to = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_BYTES - 1);
  if (p != NULL && to > from)
    madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

/* malloc, the huge pages inside advised (huge_advice): for arrays a long trace makes big. */
static void *huge_malloc(size_t bytes) {
  void *p = malloc(bytes);
  huge_advice(p, bytes);
  return p;
}

/* Allocates the rows (with row_w and row_hi), stops, bars, timeline changes and label bytes the
 * walk will likely make, so they are not grown and copied again and again (each still grows if
 * more come); what is never used of them is never touched. */
static bool presize(builder *b, size_t rows, size_t stops, size_t bars, size_t changes) {
  layout_diagram *d = b->d;
  rows = rows ? rows : 1;
  size_t pool = d->pool_len + rows * POOL_GUESS;
  char *p = realloc(d->pool, pool);
  if (p != NULL) {
    d->pool = p;
    d->pool_cap = pool;
  }
  d->rows = huge_malloc(rows * sizeof *d->rows);
  b->row_w = huge_malloc(rows * sizeof *b->row_w);
  b->row_hi = huge_malloc(rows * sizeof *b->row_hi);
  d->stops = huge_malloc(stops * sizeof *d->stops);
  d->bars = huge_malloc((bars ? bars : 1) * sizeof *d->bars);
  b->changes = huge_malloc((changes ? changes : 1) * sizeof *b->changes);
  if (p == NULL || d->rows == NULL || b->row_w == NULL || b->row_hi == NULL || d->stops == NULL ||
      d->bars == NULL || b->changes == NULL)
    return false;
  b->cap_rows = rows;
  b->cap_stops = stops;
  b->cap_bars = bars ? bars : 1;
  b->cap_changes = changes ? changes : 1;
  huge_advice(d->pool, pool);
  return true;
}

/* Whether event e goes in the code panel's index of where each task is (layout_where). */
static bool is_where(const builder *b, const trace_event *e) {
  return e->task >= 0 && (size_t)e->task < b->ntasks && e->line > 0 && e->line <= b->nlines &&
         (e->kind == TR_LINE || e->kind == TR_STEP_SUSPEND || e->kind == TR_TASK_CREATED);
}

/* One pass over the trace for what the walk must know before it begins: each handle's sleeping
 * task, callback kind and description (the last the trace gives), the futures tasks wait on (for
 * their lists of waiters), the sync objects in order of first wait (their lanes), and how many
 * print events and where entries each task has (the console's and the code panel's indexes,
 * filled during the walk). */
static bool prescan(builder *b) {
  layout_diagram *d = b->d;
  int32_t maxf = -1;
  size_t cap_sync = 0, nprints = 0, nrows = 0, nstops = 2, nbars = 0; /* stops: 0 and the end */
  /* Timeline changes, at most: one a task at stop 0, then one a time a task is touched (created,
   * begins, suspends, ends, is pushed) or stops running (record_states). */
  size_t nchanges = trace_task_count(b->t);
  b->ntasks = trace_task_count(b->t);
  d->where_first = calloc(b->ntasks + 1, sizeof *d->where_first);
  if (d->where_first == NULL)
    return false;
  for (size_t i = 0; i < b->count; i++) {
    const trace_event *e = &b->ev[i];
    switch (e->kind) {
    case TR_TIMER_ADD:
      if (e->a >= 0) {
        if (!handle_room(b, e->a))
          return false;
        b->timer_task[e->a] = e->task;
        b->handle_text[e->a] = e->text;
      }
      break;
    case TR_READY_PUSH:
      if (e->a >= 0) {
        if (!handle_room(b, e->a))
          return false;
        b->handle_cb[e->a] = e->b;
        if (e->text != TRACE_NO_TEXT)
          b->handle_text[e->a] = e->text;
      }
      break;
    case TR_STEP_SUSPEND:
      if (waits_on_future((trace_wait)e->a) && e->b > maxf)
        maxf = e->b;
      if (e->a == WAIT_SYNC) {
        char key[LABEL_BYTES];
        sync_key(trace_text(b->t, e->text), key, sizeof key);
        bool known = false;
        for (size_t k = 0; k < b->nsync && !known; k++)
          known = strcmp(btext(b, b->sync_keys[k]), key) == 0;
        if (!known) {
          if (!grow((void **)&b->sync_keys, &cap_sync, b->nsync + 1, sizeof *b->sync_keys))
            return false;
          b->sync_keys[b->nsync++] = pool_add(b, key);
        }
      }
      break;
    case TR_FUTURE_DONE:
      if (e->a > maxf)
        maxf = e->a;
      break;
    case TR_PRINT:
      nprints++;
      break;
    default:
      break;
    }
    if (is_where(b, e))
      d->where_first[e->task + 1]++;
    nrows += rows_of(e->kind);
    nstops += ends_stop(b, e->kind);
    nbars += e->kind == TR_STEP_BEGIN || e->kind == TR_STEP_SUSPEND;
    nchanges += e->kind == TR_STEP_BEGIN ? 2
                : e->kind == TR_TASK_CREATED || e->kind == TR_STEP_SUSPEND ||
                        e->kind == TR_STEP_RETURN || e->kind == TR_STEP_RAISE ||
                        e->kind == TR_READY_PUSH
                    ? 1
                    : 0;
  }
  if (!presize(b, nrows, nstops, nbars, nchanges))
    return false;
  b->nfutures = (size_t)(maxf + 1);
  b->wait_head = malloc((b->nfutures ? b->nfutures : 1) * sizeof *b->wait_head);
  if (b->wait_head == NULL)
    return false;
  for (size_t i = 0; i < b->nfutures; i++)
    b->wait_head[i] = -1;
  /* the indexes the walk fills */
  for (size_t t = 0; t < b->ntasks; t++)
    d->where_first[t + 1] += d->where_first[t];
  size_t nwheres = d->where_first[b->ntasks];
  d->wheres = huge_malloc((nwheres ? nwheres : 1) * sizeof *d->wheres);
  b->where_at = malloc((b->ntasks ? b->ntasks : 1) * sizeof *b->where_at);
  d->prints = malloc((nprints ? nprints : 1) * sizeof *d->prints);
  if (d->wheres == NULL || b->where_at == NULL || d->prints == NULL)
    return false;
  memcpy(b->where_at, d->where_first, b->ntasks * sizeof *b->where_at);
  return true;
}

/* Widens the gaps [lo, hi) evenly until they add up to need. */
static void widen(float *gap, uint32_t lo, uint32_t hi, float need) {
  float have = 0;
  for (uint32_t g = lo; g < hi; g++)
    have += gap[g];
  if (have >= need)
    return;
  float extra = (need - have) / (float)(hi - lo);
  for (uint32_t g = lo; g < hi; g++)
    gap[g] += extra;
}

/* The gaps as place_lanes made them before it kept only the labels that may not fit: every arrow
 * and note, narrowest span first, each tested, measured if need be and fitted in turn, from the
 * gaps the header boxes make (gap, changed). For layout_build_checked. */
static bool gaps_the_long_way(builder *b, float *gap, float least) {
  layout_diagram *d = b->d;
  const theme *th = b->th;
  size_t n = d->nlanes, m = 0;
  uint32_t *order = malloc((d->nrows ? d->nrows : 1) * sizeof *order);
  size_t *first = calloc(n + 1, sizeof *first);
  if (order == NULL || first == NULL) {
    free(order);
    free(first);
    return false;
  }
  for (size_t r = 0; r < d->nrows; r++) {
    const layout_row *row = &d->rows[r];
    if (row->kind == ROW_MESSAGE || row->kind == ROW_NOTE)
      first[(row->from > row->to ? row->from - row->to : row->to - row->from) + 1]++;
  }
  for (size_t k = 1; k <= n; k++)
    first[k] += first[k - 1];
  for (size_t r = 0; r < d->nrows; r++) {
    const layout_row *row = &d->rows[r];
    if (row->kind == ROW_MESSAGE || row->kind == ROW_NOTE) {
      order[first[row->from > row->to ? row->from - row->to : row->to - row->from]++] = (uint32_t)r;
      m++;
    }
  }
  free(first);
  for (size_t i = 0; i < m; i++) {
    const layout_row *r = &d->rows[order[i]];
    uint32_t lo = r->from < r->to ? r->from : r->to, hi = r->from < r->to ? r->to : r->from;
    if (lo == hi)
      continue;
    double span = (double)(hi - lo), sure = span * least * (1.0 - span * 0x1p-23);
    float bound = row_bound(b, order[i]);
    if (r->kind == ROW_NOTE)
      bound -= 2 * (th->activation_w + th->pad);
    if (sure >= bound)
      continue;
    float need = row_need(b, order[i]);
    if (r->kind == ROW_NOTE)
      need -= 2 * (th->activation_w + th->pad);
    if (sure >= need)
      continue;
    widen(gap, lo, hi, need);
  }
  free(order);
  return true;
}

/* Spaces the lanes: each gap fits both header boxes, then every label, narrowest spans first,
 * widens the gaps it spans evenly until it fits (the way mermaid spaces its actors). */
static bool place_lanes(builder *b) {
  layout_diagram *d = b->d;
  const theme *th = b->th;
  size_t n = d->nlanes;
  float title_h = 0, sub_h = 0;
  for (size_t i = 0; i < n; i++) {
    float tw = 0, sw = 0;
    measure(b, FACE_SANS_BOLD, th->header_pt, btext(b, d->lanes[i].title), &tw, &title_h);
    char sub[LABEL_BYTES];
    size_t len = 0; /* "%.400s%s" */
    sub[0] = '\0';
    cat(sub, sizeof sub, &len, btext(b, d->lanes[i].subtitle), 400);
    if (d->lanes[i].kind == LANE_MAIN || d->lanes[i].kind == LANE_TASK)
      cat(sub, sizeof sub, &len, LAYOUT_FAILED_SUFFIX, SIZE_MAX);
    measure(b, FACE_SANS, th->sub_pt, sub, &sw, &sub_h);
    d->lanes[i].w = (tw > sw ? tw : sw) + 2 * th->pad;
  }
  float *gap = calloc(n > 1 ? n - 1 : 1, sizeof *gap);
  uint32_t *cand = malloc((d->nrows ? d->nrows : 1) * sizeof *cand);
  uint32_t *order = malloc((d->nrows ? d->nrows : 1) * sizeof *order);
  size_t *first = calloc(n + 1, sizeof *first);
  if (gap == NULL || cand == NULL || order == NULL || first == NULL) {
    free(gap);
    free(cand);
    free(order);
    free(first);
    return false;
  }
  for (size_t i = 0; i + 1 < n; i++)
    gap[i] = d->lanes[i].w / 2 + d->lanes[i + 1].w / 2 + th->lane_gap;
  /* Gaps only widen, so a span of k gaps is at least k times the narrowest first gap: a label
   * that fits in that (less the rounding a float sum of k terms can lose, under k * 2^-23 of it)
   * fits in the sum below, which a long span need not add up. */
  float least = n > 1 ? gap[0] : 0;
  for (size_t i = 1; i + 1 < n; i++)
    if (gap[i] < least)
      least = gap[i];
  /* layout_build_checked: the long way first, with the widths it measures forgotten after */
  float *ref = b->check ? malloc((n > 1 ? n - 1 : 1) * sizeof *ref) : NULL;
  float *row_w = b->check ? malloc((d->nrows ? d->nrows : 1) * sizeof *row_w) : NULL;
  bool checked = ref != NULL && row_w != NULL;
  if (checked) {
    memcpy(ref, gap, (n > 1 ? n - 1 : 0) * sizeof *ref);
    memcpy(row_w, b->row_w, d->nrows * sizeof *row_w);
    checked = gaps_the_long_way(b, ref, least);
    memcpy(b->row_w, row_w, d->nrows * sizeof *row_w);
  }
  free(row_w);
  if (b->check && !checked) {
    free(ref);
    free(gap);
    free(cand);
    free(order);
    free(first);
    return false;
  }
  /* Whether a label surely fits so depends on least alone, not on the order rows are placed in:
   * one pass in row order keeps the others (the candidates) and measures the bands across the
   * whole diagram, which need its whole width. */
  float widest = 0;
  size_t m = 0;
  for (size_t i = 0; i < d->nrows; i++) {
    const layout_row *r = &d->rows[i];
    if (r->kind != ROW_MESSAGE && r->kind != ROW_NOTE) {
      float w = row_need(b, i);
      if (w > widest)
        widest = w;
      continue;
    }
    uint32_t lo = r->from < r->to ? r->from : r->to, hi = r->from < r->to ? r->to : r->from;
    if (lo == hi)
      continue;
    double span = (double)(hi - lo), sure = span * least * (1.0 - span * 0x1p-23);
    float bound = row_bound(b, i);
    if (r->kind == ROW_NOTE)
      bound -= 2 * (th->activation_w + th->pad);
    if (sure >= bound)
      continue; /* fits whatever its exact width */
    float need = row_need(b, i);
    if (r->kind == ROW_NOTE)
      need -= 2 * (th->activation_w + th->pad); /* notes reach past their lanes */
    if (sure >= need)
      continue;
    cand[m++] = (uint32_t)i;
    first[hi - lo + 1]++;
  }
  /* the candidates by span, narrowest first: a counting sort (spans being lane distances below
   * n) keeps row order within a span */
  for (size_t k = 1; k <= n; k++)
    first[k] += first[k - 1];
  for (size_t i = 0; i < m; i++) {
    const layout_row *r = &d->rows[cand[i]];
    order[first[r->from > r->to ? r->from - r->to : r->to - r->from]++] = cand[i];
  }
  free(first);
  free(cand);
  /* each widens the gaps it spans evenly until it fits */
  for (size_t i = 0; i < m; i++) {
    const layout_row *r = &d->rows[order[i]];
    uint32_t lo = r->from < r->to ? r->from : r->to, hi = r->from < r->to ? r->to : r->from;
    float need = row_need(b, order[i]);
    if (r->kind == ROW_NOTE)
      need -= 2 * (th->activation_w + th->pad);
    widen(gap, lo, hi, need);
  }
  if (ref != NULL && n > 1 && memcmp(ref, gap, (n - 1) * sizeof *gap) != 0)
    b->mismatch = true;
  free(ref);
  /* Bands across the whole diagram need its whole width. */
  float total = 0;
  for (size_t i = 0; i + 1 < n; i++)
    total += gap[i];
  float across = total + d->lanes[0].w / 2 + d->lanes[n - 1].w / 2;
  if (widest > across && n > 1)
    for (size_t i = 0; i + 1 < n; i++)
      gap[i] += (widest - across) / (float)(n - 1);
  float x = th->diagram_margin + d->lanes[0].w / 2;
  for (size_t i = 0; i < n; i++) {
    d->lanes[i].x = x;
    if (i + 1 < n)
      x += gap[i];
  }
  float right = d->lanes[n - 1].x + d->lanes[n - 1].w / 2;
  if (widest > across)
    right = d->lanes[0].x - d->lanes[0].w / 2 + widest;
  d->width = right + th->diagram_margin;
  free(gap);
  free(order);
  return true;
}

static bool live_state(layout_state s) {
  return s != STATE_ABSENT && s != STATE_DONE && s != STATE_FAILED;
}

/* Each task's live span from its runs: the stops from its first live run to the next run that is
 * not. A task's state never comes back to live after that (it is done or failed for good); were
 * it to, its span is left empty and layout_task_live asks layout_lane_state. */
static bool live_spans(builder *b) {
  layout_diagram *d = b->d;
  size_t n = b->ntasks ? b->ntasks : 1;
  d->live_from = malloc(n * sizeof *d->live_from);
  d->live_to = malloc(n * sizeof *d->live_to);
  if (d->live_from == NULL || d->live_to == NULL)
    return false;
  for (size_t t = 0; t < b->ntasks; t++) {
    const layout_lane *l = &d->lanes[b->tasks[t].lane];
    const layout_run *r = &d->runs[l->first_run], *end = r + l->nruns;
    while (r < end && !live_state(r->state))
      r++;
    uint32_t from = r < end ? r->first_stop : (uint32_t)d->nstops;
    while (r < end && live_state(r->state))
      r++;
    uint32_t to = r < end ? r->first_stop : (uint32_t)d->nstops;
    bool again = false; /* live again later */
    for (; r < end && !again; r++)
      again = live_state(r->state);
    d->live_from[t] = again ? 0 : from;
    d->live_to[t] = again ? 0 : to;
  }
  return true;
}

/* The timeline's runs, lane by lane in task order, from the changes recorded at each stop: a
 * counting sort by task keeps each task's changes in stop order; a run lasts until the next
 * change of its task, or the last stop. */
static bool make_runs(builder *b) {
  layout_diagram *d = b->d;
  size_t *first = calloc(b->ntasks + 1, sizeof *first);
  d->runs = huge_malloc((b->nchanges ? b->nchanges : 1) * sizeof *d->runs);
  if (first == NULL || d->runs == NULL) {
    free(first);
    return false;
  }
  for (size_t i = 0; i < b->nchanges; i++)
    first[b->changes[i].task + 1]++;
  for (size_t t = 0; t < b->ntasks; t++) {
    first[t + 1] += first[t];
    layout_lane *lane = &d->lanes[b->tasks[t].lane];
    lane->first_run = (uint32_t)first[t];
    lane->nruns = (uint32_t)(first[t + 1] - first[t]);
  }
  for (size_t i = 0; i < b->nchanges; i++) {
    const state_change *ch = &b->changes[i];
    d->runs[first[ch->task]++] = (layout_run){b->tasks[ch->task].lane, ch->stop,
                                              (uint32_t)d->nstops, (layout_state)ch->state};
  }
  d->nruns = b->nchanges;
  for (size_t r = 0; r + 1 < d->nruns; r++)
    if (d->runs[r + 1].lane == d->runs[r].lane)
      d->runs[r].end_stop = d->runs[r + 1].first_stop;
  free(first);
  return live_spans(b);
}

/* Bars lane by lane, so the scene finds a lane's visible bars by binary search. A task's bars
 * follow each other (running, waiting, running ...), so within a lane they never overlap. They
 * were opened top to bottom, so a counting sort by lane (which keeps that order within a lane)
 * sorts them by lane and first row. */
static bool index_bars(layout_diagram *d) {
  size_t *at = calloc(d->nlanes + 1, sizeof *at);
  layout_bar *sorted = huge_malloc((d->nbars ? d->nbars : 1) * sizeof *sorted);
  if (at == NULL || sorted == NULL) {
    free(at);
    free(sorted);
    return false;
  }
  for (size_t i = 0; i < d->nbars; i++)
    at[d->bars[i].lane + 1]++;
  for (size_t k = 0; k < d->nlanes; k++) {
    d->lanes[k].first_bar = (uint32_t)at[k];
    d->lanes[k].nbars = (uint32_t)at[k + 1];
    at[k + 1] += at[k];
  }
  for (size_t i = 0; i < d->nbars; i++)
    sorted[at[d->bars[i].lane]++] = d->bars[i];
  for (size_t k = 0; k < d->nlanes; k++)
    if (d->lanes[k].nbars == 0)
      d->lanes[k].first_bar = 0;
  free(at);
  free(d->bars);
  d->bars = sorted;
  return true;
}

int32_t layout_task_line(const layout_diagram *d, int32_t task, uint32_t events, int32_t nlines) {
  if (task < 0 || (size_t)task >= d->ntasks)
    return 0;
  size_t lo = d->where_first[task], hi = d->where_first[task + 1];
  if (lo < hi && d->wheres[hi - 1].event < events)
    lo = hi; /* all before the playhead (a finished task, for one): no search */
  while (lo < hi) { /* the first entry at or after events */
    size_t mid = lo + (hi - lo) / 2;
    if (d->wheres[mid].event < events)
      lo = mid + 1;
    else
      hi = mid;
  }
  while (lo-- > d->where_first[task])
    if (d->wheres[lo].line <= nlines)
      return d->wheres[lo].line;
  return 0;
}

bool layout_task_live(const layout_diagram *d, int32_t task, size_t k) {
  if (task < 0 || (size_t)task >= d->ntasks)
    return false;
  uint32_t from = d->live_from[task], to = d->live_to[task];
  if (from == 0 && to == 0) /* not one span */
    return live_state(layout_lane_state(d, d->task_lane[task], k));
  return k >= from && k < to;
}

/* ---- the code panel's index: which tasks are at a line ------------------------------------
 * A frame shows stop k with the events [0, E) applied, E within the stop's own events
 * [event_end(k - 1), event_end(k)]. Along playback both k and E only grow, so m = k + E numbers
 * those moments in order, and the moments at which a task is live and at one line make one span
 * of m. Per line, a segment tree over the bounds of its spans keeps at each node the first
 * LAYOUT_TAGS tasks (in task order) of the spans that cover the node's whole range, in the
 * canonical way (each span covers O(log) nodes, each moment lies under one of them per span): the
 * tasks at the line at moment m are those of the nodes on the path to m's leaf, and its first
 * LAYOUT_TAGS are among the first LAYOUT_TAGS of each of those nodes. */

typedef struct tag_span {
  int32_t line;    /* where the task is */
  int32_t task;    /* which */
  uint32_t m0, m1; /* the moments, first and last, at which it is there and live */
  uint32_t l, r;   /* the leaves of its line's tree it covers: [l, r) */
} tag_span;

typedef struct tag_bound {
  uint32_t m;   /* a moment a span begins at, or the one after it ends */
  uint32_t who; /* the span's index times 2, plus 1 for its end */
  int32_t line; /* the span's line (read here, not from the span, as the bounds are sorted) */
} tag_bound;

/* The moments of stops [k0, k1] with events in [a, b], into *m0 and *m1; false when none.
 * reach[e] is the first stop whose events reach e (nstops when none does). */
static bool tag_moments(const layout_diagram *d, const uint32_t *reach, uint32_t nevents, size_t k0,
                        size_t k1, uint32_t a, uint32_t b, uint32_t *m0, uint32_t *m1) {
  size_t first = a <= nevents ? reach[a] : d->nstops; /* the first stop reaching a */
  first = first > k0 ? first : k0;
  /* the last stop whose events begin by b: the one before the first beginning after b */
  size_t after = b < nevents ? reach[b + 1] + 1 : d->nstops;
  size_t last = after - 1 < k1 ? after - 1 : k1;
  if (first > last || last >= d->nstops)
    return false;
  uint32_t by = first == 0 ? 0 : d->stops[first - 1].event_end;
  uint32_t e0 = a > by ? a : by;
  uint32_t e1 = b < d->stops[last].event_end ? b : d->stops[last].event_end;
  if (e0 > b || e1 < a || first + e0 > last + e1)
    return false;
  *m0 = (uint32_t)(first + e0);
  *m1 = (uint32_t)(last + e1);
  return true;
}

/* Counts (fill false) or writes span s into the nodes of its line's tree that cover [l, r) in the
 * canonical way, up to LAYOUT_TAGS tasks a node; at holds each node's count, then (filling) how
 * many of its entries in tag_tasks are still free, the last ones: a full node costs one read. */
static void tag_cover(layout_diagram *d, const tag_span *s, uint32_t *at, bool fill) {
  size_t base = d->tag_node_first[s->line];
  size_t half = (d->tag_node_first[s->line + 1] - base) / 2; /* leaves */
  for (size_t lo = s->l + half, hi = s->r + half; lo < hi; lo >>= 1, hi >>= 1) {
    for (int side = 0; side < 2; side++) {
      size_t node;
      if (side == 0 && (lo & 1))
        node = lo++;
      else if (side == 1 && (hi & 1))
        node = --hi;
      else
        continue;
      uint32_t *slot = &at[base + node];
      if (!fill && *slot < LAYOUT_TAGS)
        (*slot)++;
      else if (fill && *slot > 0)
        d->tag_tasks[d->tag_at[base + node + 1] - (*slot)--] = s->task;
    }
  }
}

/* The spans of every task: its runs of one line while live (see above). n gets their count;
 * reach as in tag_moments. */
static tag_span *tag_spans(builder *b, const uint32_t *reach, uint32_t nevents, size_t *n) {
  layout_diagram *d = b->d;
  tag_span *spans = huge_malloc((d->where_first[b->ntasks] + 1) * sizeof *spans);
  *n = 0;
  for (size_t t = 0; spans != NULL && t < b->ntasks; t++) {
    uint32_t from = d->live_from[t], to = d->live_to[t];
    for (size_t j = d->where_first[t], end = d->where_first[t + 1]; j < end && from < to;) {
      size_t next = j + 1;
      while (next < end && d->wheres[next].line == d->wheres[j].line)
        next++;
      uint32_t a = d->wheres[j].event + 1, last = next < end ? d->wheres[next].event : UINT32_MAX;
      tag_span sp = {d->wheres[j].line, (int32_t)t, 0, 0, 0, 0};
      if (tag_moments(d, reach, nevents, from, to - 1, a, last, &sp.m0, &sp.m1))
        spans[(*n)++] = sp;
      j = next;
    }
  }
  return spans;
}

/* One stable counting-sort pass of the n bounds in by the 16 bits of their moment from shift up,
 * into out; count has MOMENT_DIGITS + 1 entries. */
static void tag_by_digit(const tag_bound *in, tag_bound *out, size_t n, unsigned shift,
                         size_t *count) {
  memset(count, 0, (MOMENT_DIGITS + 1) * sizeof *count);
  for (size_t i = 0; i < n; i++)
    count[((in[i].m >> shift) & (MOMENT_DIGITS - 1)) + 1]++;
  for (size_t k = 0; k < MOMENT_DIGITS; k++)
    count[k + 1] += count[k];
  for (size_t i = 0; i < n; i++)
    out[count[(in[i].m >> shift) & (MOMENT_DIGITS - 1)]++] = in[i];
}

/* Sorts the n spans' bounds by line and then moment (stable counting sorts: the moments, below nm,
 * 16 bits at a time, then the lines), gives each line its distinct bounds in tag_xs and tree in
 * tag_node_first, each span its leaves, and by_leaf (n entries) the spans by line, then leaf. */
static bool tag_leaves(layout_diagram *d, size_t nl, tag_span *spans, size_t n, size_t nm,
                       uint32_t *by_leaf) {
  tag_bound *bs = huge_malloc((2 * n + 1) * sizeof *bs),
            *by_m = huge_malloc((2 * n + 1) * sizeof *by_m);
  size_t *count = calloc((MOMENT_DIGITS > nl ? MOMENT_DIGITS : nl) + 2, sizeof *count);
  d->tag_xs = huge_malloc((2 * n + 1) * sizeof *d->tag_xs);
  bool ok = bs != NULL && by_m != NULL && count != NULL && d->tag_xs != NULL;
  for (size_t i = 0; ok && i < n; i++) {
    bs[2 * i] = (tag_bound){spans[i].m0, (uint32_t)(2 * i), spans[i].line};
    bs[2 * i + 1] = (tag_bound){spans[i].m1 + 1, (uint32_t)(2 * i + 1), spans[i].line};
  }
  if (ok) { /* by moment: low 16 bits, then high (moments are below nm, under 2^32) */
    tag_by_digit(bs, by_m, 2 * n, 0, count);
    if (nm > MOMENT_DIGITS) {
      tag_by_digit(by_m, bs, 2 * n, 16, count);
      tag_bound *sorted = bs;
      bs = by_m;
      by_m = sorted;
    }
    memset(count, 0, (nl + 2) * sizeof *count); /* then by line, keeping that order */
    for (size_t i = 0; i < 2 * n; i++)
      count[by_m[i].line + 1]++;
    for (size_t l = 0; l <= nl; l++)
      count[l + 1] += count[l];
    for (size_t i = 0; i < 2 * n; i++)
      bs[count[by_m[i].line]++] = by_m[i];
    size_t kept = 0, i = 0, starts = 0;
    for (size_t l = 1; l <= nl; l++) { /* each line's distinct bounds; a span's leaves are ranks */
      d->tag_xs_first[l] = kept;
      for (; i < 2 * n && bs[i].line == (int32_t)l; i++) {
        if (kept == d->tag_xs_first[l] || d->tag_xs[kept - 1] != bs[i].m)
          d->tag_xs[kept++] = bs[i].m;
        tag_span *sp = &spans[bs[i].who / 2];
        *(bs[i].who % 2 ? &sp->r : &sp->l) = (uint32_t)(kept - 1 - d->tag_xs_first[l]);
        if (bs[i].who % 2 == 0)
          by_leaf[starts++] = bs[i].who / 2;
      }
      size_t leaves = 1; /* a power of two, for a bottom-up tree of 2 * leaves nodes */
      while (leaves + 1 < kept - d->tag_xs_first[l])
        leaves *= 2;
      d->tag_node_first[l + 1] = d->tag_node_first[l] + 2 * leaves;
    }
    d->tag_xs_first[nl + 1] = kept;
  }
  free(bs);
  free(by_m);
  free(count);
  return ok;
}

/* Builds the index (see above). Leaves it unbuilt, the scene asking every task, when a task's live
 * stops are not one span or the stops' events go down. */
static bool index_tags(builder *b) {
  layout_diagram *d = b->d;
  size_t nl = b->nlines > 0 ? (size_t)b->nlines : 0, nevents = trace_count(d->trace);
  if (nl == 0 || d->where_first[b->ntasks] == 0 || d->nstops + nevents + 2 >= UINT32_MAX)
    return true;
  for (size_t k = 1; k < d->nstops; k++)
    if (d->stops[k].event_end < d->stops[k - 1].event_end)
      return true;
  for (size_t t = 0; t < b->ntasks; t++)
    if (d->live_from[t] == 0 && d->live_to[t] == 0)
      return true;
  uint32_t *reach = huge_malloc((nevents + 1) * sizeof *reach);
  if (reach == NULL)
    return false;
  for (size_t e = 0, k = 0; e <= nevents; e++) { /* the first stop whose events reach e */
    while (k < d->nstops && d->stops[k].event_end < e)
      k++;
    reach[e] = (uint32_t)k;
  }
  size_t n = 0;
  uint32_t *at = NULL;
  tag_span *spans = tag_spans(b, reach, (uint32_t)nevents, &n);
  uint32_t *by_leaf = reach; /* reach's room (a span an event at most) gets the spans' order */
  d->tag_xs_first = calloc(nl + 2, sizeof *d->tag_xs_first);
  d->tag_node_first = calloc(nl + 2, sizeof *d->tag_node_first);
  bool ok = spans != NULL && d->tag_xs_first != NULL && d->tag_node_first != NULL &&
            tag_leaves(d, nl, spans, n, d->nstops + nevents + 2, by_leaf);
  size_t nodes = ok ? d->tag_node_first[nl + 1] : 0;
  if (ok && (uint64_t)nodes * LAYOUT_TAGS >= UINT32_MAX) { /* too big to count in 32 bits */
    free(by_leaf);
    free(spans);
    return true;
  }
  if (ok) {
    at = calloc(nodes + 1, sizeof *at);
    d->tag_at = huge_malloc((nodes + 1) * sizeof *d->tag_at);
    ok = at != NULL && d->tag_at != NULL;
  }
  /* counted in leaf order, which keeps the walks up each tree close together (a node's count, up
   * to LAYOUT_TAGS, does not depend on the order); filled in task order, as each node lists them */
  for (size_t i = 0; ok && i < n; i++)
    tag_cover(d, &spans[by_leaf[i]], at, false);
  for (size_t i = 0, sum = 0; ok && i <= nodes; i++) {
    d->tag_at[i] = (uint32_t)sum;
    sum += i < nodes ? at[i] : 0;
  }
  if (ok) {
    d->tag_tasks = huge_malloc((d->tag_at[nodes] ? d->tag_at[nodes] : 1) * sizeof *d->tag_tasks);
    ok = d->tag_tasks != NULL;
  }
  if (ok) { /* at holds each node's count: all its entries are free */
    for (size_t i = 0; i < n; i++)
      tag_cover(d, &spans[i], at, true);
    d->tag_nlines = (int32_t)nl;
  }
  free(at);
  free(by_leaf);
  free(spans);
  return ok;
}

/* The first index of xs[0, n) holding x or more. */
static size_t lower_u32(const uint32_t *xs, size_t n, uint32_t x) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (xs[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

long layout_line_tasks(const layout_diagram *d, int32_t line, size_t k, uint32_t events,
                       int32_t nlines, int32_t *out, size_t max) {
  if (d->tag_nlines == 0 || nlines != d->tag_nlines || k >= d->nstops ||
      events < (k == 0 ? 0 : d->stops[k - 1].event_end) || events > d->stops[k].event_end)
    return -1;
  if (line < 1 || line > d->tag_nlines || max == 0)
    return 0;
  max = max < LAYOUT_TAGS ? max : LAYOUT_TAGS;
  const uint32_t *xs = d->tag_xs + d->tag_xs_first[line];
  size_t nxs = d->tag_xs_first[line + 1] - d->tag_xs_first[line];
  uint32_t m = (uint32_t)(k + events);
  if (nxs < 2 || m < xs[0] || m >= xs[nxs - 1])
    return 0;
  size_t base = d->tag_node_first[line], half = (d->tag_node_first[line + 1] - base) / 2;
  enum { DEPTH = 64 };
  size_t head[DEPTH], end[DEPTH], lists = 0; /* the path's nodes' tasks, each in task order */
  for (size_t node = lower_u32(xs, nxs, m + 1) - 1 + half; node >= 1 && lists < DEPTH; node >>= 1) {
    head[lists] = d->tag_at[base + node];
    end[lists] = d->tag_at[base + node + 1];
    lists += head[lists] < end[lists];
  }
  size_t got = 0;
  while (got < max) { /* merged: a task is under one node of the path at most */
    size_t best = lists;
    for (size_t i = 0; i < lists; i++)
      if (head[i] < end[i] && (best == lists || d->tag_tasks[head[i]] < d->tag_tasks[head[best]]))
        best = i;
    if (best == lists)
      break;
    out[got++] = d->tag_tasks[head[best]++];
  }
  return (long)got;
}

static void free_builder(builder *b) {
  free(b->tasks);
  free(b->timer_task);
  free(b->handle_cb);
  free(b->handle_text);
  free(b->sync_keys);
  free(b->row_w);
  free(b->row_hi);
  free(b->dirty);
  free(b->changes);
  free(b->wait_head);
  free(b->waiters);
  free(b->woken);
  free(b->where_at);
  free(b->names);
}

/* The loop panel's index of the trace's queues, made on another thread while the walk goes on
 * (it reads the trace alone, as the walk does): a fifth of the layout of a long trace. */
typedef struct queues_job {
  const trace *t;   /* the trace */
  trace_qindex *x;  /* trace_qindex_new's answer */
  pthread_t thread; /* the thread making it */
  bool started;     /* the thread runs (else it is made on this one when asked) */
} queues_job;

static void *queues_run(void *p) {
  queues_job *j = p;
  j->x = trace_qindex_new(j->t);
  return NULL;
}

static void queues_start(queues_job *j, const trace *t) {
  j->t = t;
  j->x = NULL;
  j->started = pthread_create(&j->thread, NULL, queues_run, j) == 0;
}

static trace_qindex *queues_take(queues_job *j) {
  if (j->started)
    pthread_join(j->thread, NULL);
  else
    queues_run(j);
  j->started = false;
  return j->x;
}

static layout_status build(const trace *t, const layout_options *o, bool check,
                           layout_diagram **out) {
  *out = NULL;
  layout_diagram *d = calloc(1, sizeof *d);
  if (d == NULL)
    return LAYOUT_NO_MEMORY;
  builder b;
  memset(&b, 0, sizeof b);
  b.d = d;
  b.o = o;
  b.th = o->theme;
  b.t = t;
  b.ev = trace_events(t);
  b.count = trace_count(t);
  b.running = -1;
  b.check = check;
  b.acc = (step_acc){-1, -1, -1, 0, 0, 0};
  d->trace = t;
  d->grain = o->grain;
  d->label_chars = o->theme->label_chars;
  d->header_chars = o->theme->header_chars;
  size_t src_len = 0;
  const char *src = trace_source(t, &src_len);
  for (size_t i = 0; i < src_len; i++)
    b.nlines += src[i] == '\n';
  if (src_len > 0 && src[src_len - 1] != '\n')
    b.nlines++;
  pool_add(&b, ""); /* offset 0 is the empty string */
  /* A streaming trace has forgotten its first events: it cannot be laid out. */
  bool whole = b.count == 0 || trace_event_at(t, 0) == b.ev;
  queues_job queues;
  if (whole)
    queues_start(&queues, t);
  bool ok = whole && prescan(&b) && make_lanes(&b);
  if (ok) {
    const theme *th = b.th;
    d->header_h = line_height(&b, FACE_SANS_BOLD, th->header_pt) +
                  line_height(&b, FACE_SANS, th->sub_pt) + 2 * th->pad;
    b.top = d->header_h + th->row_gap * 2;
    size_t count = b.count;
    for (size_t i = 0; i < count && !b.oom; i++) {
      const trace_event *e = &b.ev[i];
      if (d->nstops == 0 && begins_running(&b, e->kind))
        add_stop(&b, (uint32_t)i, NULL);
      on_event(&b, e, (uint32_t)i);
      if (ends_stop(&b, e->kind) && d->nstops > 0)
        add_stop(&b, (uint32_t)i + 1, e);
      /* the console's index of prints, and each task's lines in event order (the code panel's
         "where is every task": layout_task_line) */
      if (e->kind == TR_PRINT)
        d->prints[d->nprints++] = (uint32_t)i;
      if (is_where(&b, e))
        d->wheres[b.where_at[e->task]++] = (layout_where){(uint32_t)i, e->line};
    }
    if (d->nstops == 0)
      add_stop(&b, (uint32_t)count, NULL);
    else if (d->stops[d->nstops - 1].event_end < count && !b.oom)
      add_stop(&b, (uint32_t)count, &b.ev[count - 1]);
    ok = !b.oom && place_lanes(&b) && make_runs(&b) && index_tags(&b) && index_bars(d);
    if (ok) {
      d->height = b.top + b.cursor + th->diagram_margin;
      d->time_end = d->stops[d->nstops - 1].time;
      d->lanes_sorted = true;
      for (size_t i = 0; i < d->nlanes; i++) {
        if (i > 0 && !(d->lanes[i].x >= d->lanes[i - 1].x))
          d->lanes_sorted = false;
        d->ntask_lanes += d->lanes[i].kind == LANE_MAIN || d->lanes[i].kind == LANE_TASK;
        if (d->lanes[i].w > d->lane_w_max)
          d->lane_w_max = d->lanes[i].w;
      }
      d->time_sorted = true;
      for (size_t k = 1; k < d->nstops && d->time_sorted; k++)
        d->time_sorted = d->stops[k].time >= d->stops[k - 1].time; /* false for a NaN */
      size_t down = 0; /* counted, not left at the first: the compiler vectorises it */
      for (size_t i = 1; i < d->ntasks; i++)
        down += d->task_lane[i] <= d->task_lane[i - 1];
      d->lanes_by_id = d->ntasks == d->ntask_lanes && down == 0 &&
                       (d->ntasks == 0 || d->task_lane[d->ntasks - 1] < d->nlanes);
      for (size_t s = 0; s < b.nsync; s++) {
        /* a sync lane appears with the first row that touches it */
        uint32_t lane = b.first_sync + (uint32_t)s;
        d->lanes[lane].first_row = UINT32_MAX;
        for (size_t r = 0; r < d->nrows; r++)
          if (d->rows[r].kind == ROW_MESSAGE &&
              (d->rows[r].from == lane || d->rows[r].to == lane)) {
            d->lanes[lane].first_row = (uint32_t)r;
            break;
          }
      }
    }
  }
  if (whole) {
    d->queues = queues_take(&queues);
    ok = ok && d->queues != NULL;
  }
  free_builder(&b);
  if (!ok || b.mismatch) {
    layout_free(d);
    return ok ? LAYOUT_MISMATCH : LAYOUT_NO_MEMORY;
  }
  *out = d;
  return LAYOUT_OK;
}

layout_status layout_build(const trace *t, const layout_options *o, layout_diagram **out) {
  return build(t, o, false, out);
}

layout_status layout_build_checked(const trace *t, const layout_options *o, layout_diagram **out) {
  return build(t, o, true, out);
}

void layout_free(layout_diagram *d) {
  if (d == NULL)
    return;
  trace_qindex_free(d->queues);
  free(d->live_from);
  free(d->live_to);
  free(d->wheres);
  free(d->where_first);
  free(d->tag_xs);
  free(d->tag_xs_first);
  free(d->tag_node_first);
  free(d->tag_at);
  free(d->tag_tasks);
  free(d->prints);
  free(d->lanes);
  free(d->task_lane);
  free(d->rows);
  free(d->bars);
  free(d->stops);
  free(d->runs);
  free(d->pool);
  free(d);
}

size_t layout_stop_of_event(const layout_diagram *d, uint32_t e) {
  size_t lo = 0, hi = d->nstops;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (d->stops[mid].event_end > e)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo < d->nstops ? lo : d->nstops - 1;
}

uint32_t layout_row_at(const layout_diagram *d, float y) {
  size_t lo = 0, hi = d->nrows;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (d->rows[mid].top + d->rows[mid].h <= y)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (uint32_t)lo;
}

uint32_t layout_stop_first_row(const layout_diagram *d, size_t k) {
  return k == 0 || k >= d->nstops ? 0 : d->stops[k - 1].row_end;
}

layout_state layout_lane_state(const layout_diagram *d, uint32_t lane, size_t k) {
  if (lane >= d->nlanes)
    return STATE_ABSENT;
  const layout_lane *l = &d->lanes[lane];
  size_t lo = l->first_run, hi = l->first_run + l->nruns;
  if (lo < hi && d->runs[hi - 1].first_stop <= k) /* in the last run (done, for one) */
    return d->runs[hi - 1].end_stop > k ? d->runs[hi - 1].state : STATE_ABSENT;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (d->runs[mid].end_stop <= k)
      lo = mid + 1;
    else if (d->runs[mid].first_stop > k)
      hi = mid;
    else
      return d->runs[mid].state;
  }
  return STATE_ABSENT;
}
