/* traceout: the mermaid and Chrome / Perfetto exports of a trace. See traceout.h and
 * docs/trace-format.md. */
#include "traceout.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Writing with one error flag                                              */
/* ------------------------------------------------------------------------ */

typedef struct wr {
  fmt_buf *out; /* where the text goes */
  bool ok;      /* false once an append failed */
} wr;

static void put_n(wr *w, const char *s, size_t n) {
  if (fmt_buf_append(w->out, s, n) != FMT_OK)
    w->ok = false;
}

static void put(wr *w, const char *s) { put_n(w, s, strlen(s)); }

static void put_c(wr *w, char c) {
  if (fmt_buf_appendc(w->out, c) != FMT_OK)
    w->ok = false;
}

/* Short formatted pieces only (numbers, fixed words): longer output is an error. */
static void putf(wr *w, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void putf(wr *w, const char *format, ...) {
  char buf[128];
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(buf, sizeof buf, format, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf) {
    w->ok = false;
    return;
  }
  put_n(w, buf, (size_t)n);
}

enum { SECS_MAX = 400 }; /* room for secs_text: %.6f of the largest double needs 317 */

/* A number of seconds as people write it: 2, 0.5, 1.25 (at most 6 decimals). */
static void secs_text(double t, char buf[SECS_MAX]) {
  if (!isfinite(t)) {
    snprintf(buf, SECS_MAX, "%s", isnan(t) ? "nan" : t > 0 ? "inf" : "-inf");
    return;
  }
  snprintf(buf, SECS_MAX, "%.6f", t);
  char *dot = strchr(buf, '.');
  if (dot != NULL) {
    char *end = buf + strlen(buf);
    while (end > dot + 1 && end[-1] == '0')
      *--end = '\0';
    if (end == dot + 1)
      *dot = '\0';
  }
  if (strcmp(buf, "-0") == 0)
    snprintf(buf, SECS_MAX, "0");
}

static void put_secs(wr *w, double t) {
  char buf[SECS_MAX];
  secs_text(t, buf);
  put(w, buf);
}

/* Length of the UTF-8 sequence at s (1 to 4 bytes), or 0 when the bytes there are not valid
 * UTF-8 (surrogates and overlong forms included). */
static size_t utf8_seq(const unsigned char *s, size_t avail) {
  unsigned c = s[0];
  size_t n;
  uint32_t cp, min;
  if (c < 0x80)
    return 1;
  if ((c & 0xe0) == 0xc0) {
    n = 2, cp = c & 0x1f, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3, cp = c & 0x0f, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n > avail)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* The callback kinds as `loopviz trace` names them. */
static const char *cb_word(int32_t cb) {
  static const char *const names[] = {"step", "wakeup", "timer", "future-callback", "callback"};
  return cb >= 0 && (size_t)cb < sizeof names / sizeof names[0] ? names[cb] : "?";
}

static const char *task_name(const trace *t, int32_t task) {
  const trace_task *k = trace_task_at(t, task);
  return k != NULL ? trace_text(t, k->name) : "";
}

static const char *task_label(const trace *t, int32_t task) {
  const trace_task *k = trace_task_at(t, task);
  return k != NULL ? trace_text(t, k->label) : "";
}

/* ------------------------------------------------------------------------ */
/* Mermaid                                                                  */
/* ------------------------------------------------------------------------ */

/* Participants besides tasks (task 0 is Main). */
enum { P_NONE = -3, P_IO = -2, P_LOOP = -1 };

/* Longest values, labels and notes, in characters, before "...". */
enum { MM_VALUE_MAX = 48, MM_LABEL_MAX = 60, MM_NAME_MAX = 40, MM_NOTE_MAX = 80 };

static bool ascii_prefix_nocase(const unsigned char *p, size_t avail, const char *word) {
  size_t n = strlen(word);
  if (avail < n)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i];
    if (c >= 'A' && c <= 'Z')
      c += 'a' - 'A';
    if (c != (unsigned char)word[i])
      return false;
  }
  return true;
}

/* A participant label starting with [:][no]wrap: would lose it to mermaid's wrap directive. */
static bool wrap_directive(const unsigned char *p, size_t avail) {
  size_t i = 0;
  if (avail > 0 && p[0] == ':')
    i = 1;
  if (ascii_prefix_nocase(p + i, avail - i, "no"))
    i += 2;
  return ascii_prefix_nocase(p + i, avail - i, "wrap:");
}

static bool prefix(const unsigned char *p, size_t avail, const char *word) {
  size_t n = strlen(word);
  return avail >= n && memcmp(p, word, n) == 0;
}

/* Appends len bytes of s as mermaid text, at most max characters (then "..."). What mermaid
 * would read as syntax is written as a numeric entity code, which it turns back into the
 * character when it draws: '#' (comments, entities), ';' (statement end), '%' (%% comments and
 * directives), '<' '>' '&' (HTML), '"'. Control characters become spaces and bytes that are not
 * UTF-8 become '?'. mermaid's preprocessing also rewrites any line matching
 * /style.*:\S*#.*;/ or /classDef.*:\S*#.*;/ (dropping a ';' of our entity codes), so the first
 * letter of "style" and "classDef" is written as an entity too. */
static void put_mm(wr *w, const char *s, size_t len, size_t max, bool label) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  size_t count = 0;
  while (p < end) {
    if (count == max) {
      put(w, "...");
      return;
    }
    size_t rest = (size_t)(end - p);
    size_t n = utf8_seq(p, rest);
    bool hazard = (count == 0 && label && wrap_directive(p, rest)) || prefix(p, rest, "style") ||
                  prefix(p, rest, "classDef");
    if (hazard || (n == 1 && *p != '\0' && strchr("#;%<>&\"", *p) != NULL)) {
      putf(w, "#%u;", (unsigned)*p);
      n = 1;
    } else if (n == 0) {
      put_c(w, '?');
      n = 1;
    } else if (*p < 0x20 || *p == 0x7f) {
      put_c(w, ' ');
    } else {
      put_n(w, (const char *)p, n);
    }
    p += n;
    count++;
  }
}

static void put_mm_s(wr *w, const char *s, size_t max) { put_mm(w, s, strlen(s), max, false); }

/* First line of s only. */
static void put_mm_line(wr *w, const char *s, size_t max) {
  put_mm(w, s, strcspn(s, "\n"), max, false);
}

typedef struct mm_task {
  bool waiting; /* suspended and not yet resumed */
  int32_t wait; /* trace_wait, while waiting */
  int32_t ref;  /* the wait's related id (timer handle, task, future) */
  bool told;    /* the diagram already showed what ended the wait */
} mm_task;

typedef struct mm {
  wr w;            /* output */
  const trace *t;  /* the trace */
  mm_task *tasks;  /* per task */
  size_t ntasks;   /* entries in tasks */
  int32_t running; /* task whose step is under way, or -1 */
  int32_t creator; /* task that created the tasks in born */
  int32_t *born;   /* tasks created in the current step, not drawn yet */
  size_t nborn;    /* entries in born */
  size_t born_cap; /* allocated */
} mm;

static void mm_part(mm *m, int32_t p) {
  if (p == P_IO)
    put(&m->w, "IO");
  else if (p == P_LOOP)
    put(&m->w, "EventLoop");
  else if (p == 0)
    put(&m->w, "Main");
  else
    putf(&m->w, "Task%ld", (long)p + 1);
}

static mm_task *mm_at(mm *m, int32_t task) {
  return task >= 0 && (size_t)task < m->ntasks ? &m->tasks[task] : NULL;
}

/* Draws the tasks created since the last message as one "Create tasks" message. */
static void mm_flush(mm *m) {
  if (m->nborn == 0)
    return;
  wr *w = &m->w;
  size_t n = m->nborn;
  m->nborn = 0;
  put(w, "    ");
  mm_part(m, m->creator);
  put(w, "->>EventLoop: ");
  if (n == 1)
    put(w, "Create task ");
  else if (n <= 4)
    put(w, "Create tasks ");
  else
    putf(w, "Create %zu tasks ", n);
  for (size_t i = 0; i < n; i++) {
    if (n > 4 && i > 0 && i < n - 1)
      continue;
    if (i > 0)
      put(w, n > 4 ? " ... " : ", ");
    put_mm_s(w, task_name(m->t, m->born[i]), MM_NAME_MAX);
  }
  put_c(w, '\n');
}

/* Starts "    FROM<arrow>TO: words"; the caller finishes the line. */
static void mm_msg(mm *m, int32_t from, const char *arrow, int32_t to, const char *words) {
  mm_flush(m);
  put(&m->w, "    ");
  mm_part(m, from);
  put(&m->w, arrow);
  mm_part(m, to);
  put(&m->w, ": ");
  put(&m->w, words);
}

/* Starts "    Note over A[,B]: words"; the caller finishes the line. */
static void mm_note(mm *m, int32_t a, int32_t b, const char *words) {
  mm_flush(m);
  put(&m->w, "    Note over ");
  mm_part(m, a);
  if (b != P_NONE) {
    put_c(&m->w, ',');
    mm_part(m, b);
  }
  put(&m->w, ": ");
  put(&m->w, words);
}

static void mm_end(mm *m) { put_c(&m->w, '\n'); }

/* A participant for a task id found in an event, or the loop when it names no task. */
static int32_t mm_task_part(mm *m, int32_t task) { return mm_at(m, task) ? task : P_LOOP; }

static void mm_header(mm *m) {
  wr *w = &m->w;
  put(w, "sequenceDiagram\n");
  put(w, "    participant Main");
  if (m->ntasks > 0) {
    put(w, " as Main: ");
    put_mm_s(w, task_name(m->t, 0), MM_NAME_MAX);
    put_c(w, ' ');
    put_mm_s(w, task_label(m->t, 0), MM_LABEL_MAX);
  }
  put(w, "\n    participant EventLoop\n");
  for (size_t i = 1; i < m->ntasks; i++) {
    const char *name = task_name(m->t, (int32_t)i);
    put(w, "    participant ");
    mm_part(m, (int32_t)i);
    put(w, " as ");
    put_mm(w, name, strlen(name), MM_NAME_MAX, true);
    put_c(w, ' ');
    put_mm_s(w, task_label(m->t, (int32_t)i), MM_LABEL_MAX);
    put_c(w, '\n');
  }
  put(w, "    participant IO\n\n");
}

static void mm_step_begin(mm *m, const trace_event *e) {
  mm_task *k = mm_at(m, e->task);
  if (k == NULL)
    return;
  const char *text = trace_text(m->t, e->text);
  switch ((trace_wake)e->a) {
  case WAKE_START:
    mm_msg(m, P_LOOP, "->>", e->task, "Start execution");
    break;
  case WAKE_TASK:
    mm_msg(m, P_LOOP, "->>", e->task, "Resume execution (");
    put_mm_s(&m->w, task_name(m->t, e->b), MM_NAME_MAX);
    put(&m->w, " done)");
    break;
  case WAKE_EXCEPTION:
    mm_msg(m, P_LOOP, "-x", e->task, "Resume with exception ");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    break;
  case WAKE_CANCEL:
    mm_msg(m, P_LOOP, "-x", e->task, "Resume with cancellation ");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    break;
  case WAKE_TIMER:
  case WAKE_GATHER:
  case WAKE_FUTURE:
  case WAKE_YIELD:
  default:
    mm_msg(m, P_LOOP, "->>", e->task, "Resume execution");
    if (k->waiting && !k->told && e->a != WAKE_YIELD)
      putf(&m->w, " (%s done)", trace_wake_name((trace_wake)e->a));
    break;
  }
  mm_end(m);
  k->waiting = false;
  m->running = e->task;
}

static void mm_suspend(mm *m, const trace_event *e) {
  mm_task *k = mm_at(m, e->task);
  if (k == NULL)
    return;
  const char *text = trace_text(m->t, e->text);
  const char *name = task_name(m->t, e->task);
  switch ((trace_wait)e->a) {
  case WAIT_SLEEP:
    mm_msg(m, e->task, "->>", P_IO, "Await ");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    mm_end(m);
    mm_note(m, e->task, P_IO, "");
    put_mm_s(&m->w, name, MM_NAME_MAX);
    put(&m->w, " suspended until t=");
    put_secs(&m->w, e->num);
    mm_end(m);
    break;
  case WAIT_YIELD:
    mm_msg(m, e->task, "->>", P_LOOP, "Yield ");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    mm_end(m);
    break;
  case WAIT_TASK:
  case WAIT_GATHER:
  case WAIT_SYNC:
  case WAIT_FUTURE:
  default:
    mm_msg(m, e->task, "->>", e->a == WAIT_TASK ? mm_task_part(m, e->b) : P_LOOP, "Await ");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    mm_end(m);
    mm_note(m, e->task, P_NONE, "");
    put_mm_s(&m->w, name, MM_NAME_MAX);
    put(&m->w, " suspended");
    mm_end(m);
    break;
  }
  k->waiting = true;
  k->wait = e->a;
  k->ref = e->b;
  k->told = false;
  m->running = -1;
}

/* A future some task awaits (a gather, a plain future) is done: say so to the waiter. */
static void mm_future_done(mm *m, const trace_event *e) {
  const char *text = trace_text(m->t, e->text);
  for (size_t i = 0; i < m->ntasks; i++) {
    mm_task *k = &m->tasks[i];
    if (!k->waiting || k->told || k->ref != e->a ||
        (k->wait != WAIT_GATHER && k->wait != WAIT_FUTURE && k->wait != WAIT_SYNC))
      continue;
    int32_t from = m->running >= 0 && (size_t)m->running != i ? m->running : P_LOOP;
    bool gather = k->wait == WAIT_GATHER;
    const char *arrow = e->b == 0 ? "-->>" : "--x";
    if (e->b == 0)
      mm_msg(m, from, arrow, (int32_t)i, gather ? "All tasks complete " : "Future resolved with ");
    else if (e->b == 1)
      mm_msg(m, from, arrow, (int32_t)i, gather ? "Gather failed " : "Future failed ");
    else
      mm_msg(m, from, arrow, (int32_t)i, gather ? "Gather cancelled" : "Future cancelled");
    if (e->b != 2)
      put_mm_s(&m->w, text, MM_VALUE_MAX);
    mm_end(m);
    k->told = true;
  }
}

static void mm_event(mm *m, const trace_event *e) {
  const char *text = trace_text(m->t, e->text);
  switch (e->kind) {
  case TR_TASK_CREATED:
    if (e->a < 0 || mm_at(m, e->a) == NULL)
      break;
    if (m->nborn > 0 && m->creator != e->a)
      mm_flush(m);
    if (m->nborn == m->born_cap) {
      size_t cap = m->born_cap ? m->born_cap * 2 : 16;
      int32_t *b = realloc(m->born, cap * sizeof *b);
      if (b == NULL) {
        m->w.ok = false;
        break;
      }
      m->born = b;
      m->born_cap = cap;
    }
    m->creator = e->a;
    m->born[m->nborn++] = e->task;
    break;
  case TR_STEP_BEGIN:
    mm_step_begin(m, e);
    break;
  case TR_STEP_SUSPEND:
    mm_suspend(m, e);
    break;
  case TR_STEP_RETURN:
    if (mm_at(m, e->task) == NULL)
      break;
    mm_msg(m, e->task, "-->>", P_LOOP, "Return result ");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    mm_end(m);
    m->running = -1;
    break;
  case TR_STEP_RAISE:
    if (mm_at(m, e->task) == NULL)
      break;
    mm_msg(m, e->task, "--x", P_LOOP, e->a ? "Cancelled " : "Raise ");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    mm_end(m);
    m->running = -1;
    break;
  case TR_TIMER_FIRE: {
    mm_task *k = mm_at(m, e->task);
    if (k == NULL || !k->waiting || k->wait != WAIT_SLEEP || k->ref != e->a)
      break;
    mm_msg(m, P_IO, "-->>", e->task, "I/O complete at t=");
    put_secs(&m->w, e->time);
    mm_end(m);
    k->told = true;
    break;
  }
  case TR_FUTURE_DONE:
    mm_future_done(m, e);
    break;
  case TR_CLOCK_JUMP:
    mm_note(m, 0, P_IO, "Clock jumps from t=");
    put_secs(&m->w, e->num);
    put(&m->w, " to t=");
    put_secs(&m->w, e->time);
    mm_end(m);
    break;
  case TR_BLOCK:
    if (mm_at(m, e->task) != NULL)
      mm_note(m, e->task, P_NONE, "time.sleep(");
    else
      mm_note(m, 0, P_IO, "time.sleep(");
    put_secs(&m->w, e->num);
    put(&m->w,
        mm_at(m, e->task) != NULL ? ") blocks the loop until t=" : ") blocks the program until t=");
    put_secs(&m->w, e->time + e->num);
    mm_end(m);
    break;
  case TR_CANCEL:
    if (mm_at(m, e->task) == NULL)
      break;
    mm_msg(m, mm_task_part(m, e->b), "-x", e->task, "cancel(");
    put_mm_s(&m->w, text, MM_VALUE_MAX);
    put(&m->w, ")");
    mm_end(m);
    break;
  case TR_WARNING:
  case TR_DEADLOCK:
    mm_note(m, 0, P_IO, e->kind == TR_WARNING ? "Warning: " : "Deadlock: ");
    put_mm_line(&m->w, text, MM_NOTE_MAX);
    mm_end(m);
    break;
  case TR_RUN_END:
    if (e->a != 0) {
      mm_note(m, 0, P_IO, "");
      putf(&m->w, "The program exits with status %d", e->a);
      mm_end(m);
    }
    break;
  default:
    break;
  }
}

bool traceout_mermaid(const trace *t, fmt_buf *out) {
  mm m = {.w = {out, true}, .t = t, .running = -1, .creator = -1};
  m.ntasks = trace_task_count(t);
  if (m.ntasks > 0) {
    m.tasks = calloc(m.ntasks, sizeof *m.tasks);
    if (m.tasks == NULL)
      return false;
  }
  mm_header(&m);
  size_t n = trace_count(t);
  const trace_event *ev = trace_events(t);
  for (size_t i = 0; i < n && m.w.ok; i++)
    mm_event(&m, &ev[i]);
  mm_flush(&m);
  free(m.tasks);
  free(m.born);
  return m.w.ok;
}

/* ------------------------------------------------------------------------ */
/* Chrome / Perfetto trace                                                  */
/* ------------------------------------------------------------------------ */

/* One process; the loop's track is tid 1, task k's is tid k + 2. */
enum { CH_PID = 1, CH_LOOP_TID = 1 };
/* Longest slice and instant names, in characters, before "..." (args keep the whole text). */
enum { CH_NAME_MAX = 80 };

static int64_t ch_tid(int32_t task) { return task < 0 ? CH_LOOP_TID : (int64_t)task + 2; }

/* Virtual seconds to whole microseconds (clamped to what int64 holds comfortably). */
static int64_t ch_us(double t) {
  if (!(t > 0))
    return 0;
  if (t > 9e12)
    t = 9e12;
  return llround(t * 1e6);
}

/* The body of a JSON string: the characters of s after *count already written, up to max in
 * all (then "..."). Bytes that are not UTF-8 become U+FFFD so the file is always valid JSON.
 * Returns false once it stopped at max. */
static bool js_body(wr *w, const char *s, size_t len, size_t *count, size_t max) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    if (*count == max) {
      put(w, "...");
      return false;
    }
    size_t n = utf8_seq(p, (size_t)(end - p));
    if (n == 0) {
      put(w, "\\ufffd");
      n = 1;
    } else if (*p == '"' || *p == '\\') {
      put_c(w, '\\');
      put_c(w, (char)*p);
    } else if (*p == '\n') {
      put(w, "\\n");
    } else if (*p == '\t') {
      put(w, "\\t");
    } else if (*p < 0x20) {
      putf(w, "\\u%04x", (unsigned)*p);
    } else {
      put_n(w, (const char *)p, n);
    }
    p += n;
    (*count)++;
  }
  return true;
}

/* A JSON string: prefix, then the first alen bytes of a, then b (NULL for none), at most max
 * characters in all. */
static void put_js(wr *w, const char *prefix, const char *a, size_t alen, const char *b,
                   size_t max) {
  size_t count = 0;
  put_c(w, '"');
  if (js_body(w, prefix, strlen(prefix), &count, max) && js_body(w, a, alen, &count, max) &&
      b != NULL)
    js_body(w, b, strlen(b), &count, max);
  put_c(w, '"');
}

static void put_jss(wr *w, const char *s) { put_js(w, "", s, strlen(s), NULL, SIZE_MAX); }

static void put_jnum(wr *w, double x) {
  if (!isfinite(x))
    put(w, "null");
  else if (fmt_float_repr(w->out, x) != FMT_OK)
    w->ok = false;
}

typedef struct ch_handle {
  int32_t cb;       /* trace_cb */
  int32_t task;     /* the task it steps or wakes, or -1 */
  uint32_t text;    /* callback description */
  bool from_slice;  /* it was scheduled while a handle ran */
  int64_t push_tid; /* the track of that run */
  int64_t push_ts;  /* the start of that run's slice */
} ch_handle;

typedef struct ch_wait {
  bool open; /* an async wait slice is begun and not ended */
  size_t ev; /* index of the TR_STEP_SUSPEND that began it */
} ch_wait;

/* The handle run under way: it becomes one complete slice, on the task's track when a task
 * step ran in it, else on the loop's track. */
typedef struct ch_slot {
  bool open;      /* a run is under way */
  int64_t start;  /* its first microsecond */
  int64_t last;   /* latest timestamp placed inside it */
  double t_last;  /* virtual time of its latest event */
  size_t pop;     /* index of its TR_READY_POP, or SIZE_MAX */
  int32_t handle; /* the handle that runs, or -1 */
  size_t begin;   /* index of the TR_STEP_BEGIN in it, or SIZE_MAX */
  size_t end;     /* index of that step's end, or SIZE_MAX */
} ch_slot;

typedef struct ch {
  wr w;                  /* output */
  const trace *t;        /* the trace */
  const trace_event *ev; /* its events */
  int64_t cursor;        /* first microsecond no slice or loop-level instant has used */
  bool first;            /* no event written yet */
  ch_handle *handles;    /* by handle id */
  size_t nhandles;       /* entries in handles */
  ch_wait *waits;        /* by task */
  size_t ntasks;         /* entries in waits */
  ch_slot slot;          /* the current handle run */
} ch;

/* A microsecond of its own at virtual time t or later. */
static int64_t ch_alloc(ch *c, double t) {
  int64_t s = max64(ch_us(t), c->cursor);
  c->cursor = s + 1;
  return s;
}

/* Starts the next event object: {"name":NAME,"cat":CAT,"ph":PH,"ts":TS,"pid":1,"tid":TID */
static void ch_begin(ch *c, const char *ph, const char *cat, int64_t ts, int64_t tid) {
  put(&c->w, c->first ? "\n" : ",\n");
  c->first = false;
  putf(&c->w, "{\"ph\":\"%s\",\"cat\":\"%s\",\"ts\":%lld,\"pid\":%d,\"tid\":%lld,\"name\":", ph,
       cat, (long long)ts, CH_PID, (long long)tid);
}

static void ch_meta(ch *c, const char *what, int64_t tid, const char *key) {
  put(&c->w, c->first ? "\n" : ",\n");
  c->first = false;
  putf(&c->w, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%lld,\"name\":\"%s\",\"args\":{\"%s\":", CH_PID,
       (long long)tid, what, key);
}

/* The common args of an event: the step number and the exact virtual time. */
static void ch_args(ch *c, size_t step, double time) {
  putf(&c->w, ",\"args\":{\"step\":%zu,\"virtual_time\":", step);
  put_jnum(&c->w, time);
}

/* "await asyncio.sleep(2)": the name of the wait that suspend event s began. */
static void ch_wait_name(ch *c, const trace_event *s) {
  const char *text = trace_text(c->t, s->text);
  put_js(&c->w, "await ", text, strlen(text), NULL, CH_NAME_MAX);
}

static void ch_wait_begin(ch *c, int32_t task, size_t ev, int64_t ts) {
  const trace_event *s = &c->ev[ev];
  ch_begin(c, "b", "wait", ts, ch_tid(task));
  ch_wait_name(c, s);
  putf(&c->w, ",\"id\":%lld", (long long)ch_tid(task));
  ch_args(c, ev, s->time);
  put(&c->w, ",\"wait\":");
  put_jss(&c->w, trace_wait_name((trace_wait)s->a));
  if (s->a == WAIT_SLEEP) {
    put(&c->w, ",\"until\":");
    put_jnum(&c->w, s->num);
  }
  if (s->line)
    putf(&c->w, ",\"line\":%ld", (long)s->line);
  put(&c->w, "}}");
  c->waits[task].open = true;
  c->waits[task].ev = ev;
}

static void ch_wait_end(ch *c, int32_t task, int64_t ts, size_t step, double time,
                        const char *woken_by) {
  ch_wait *wt = &c->waits[task];
  if (!wt->open)
    return;
  ch_begin(c, "e", "wait", ts, ch_tid(task));
  ch_wait_name(c, &c->ev[wt->ev]);
  putf(&c->w, ",\"id\":%lld", (long long)ch_tid(task));
  ch_args(c, step, time);
  put(&c->w, ",\"woken_by\":");
  put_jss(&c->w, woken_by);
  put(&c->w, "}}");
  wt->open = false;
}

/* Ends the current handle run: writes its slice, and begins the wait its step suspended on. */
static void ch_close(ch *c) {
  ch_slot *s = &c->slot;
  if (!s->open)
    return;
  s->open = false;
  int64_t end = max64(max64(ch_us(s->t_last), s->start + 1), s->last + 1);
  c->cursor = max64(c->cursor, end);
  wr *w = &c->w;
  if (s->begin != SIZE_MAX) {
    const trace_event *b = &c->ev[s->begin];
    ch_begin(c, "X", "step", s->start, ch_tid(b->task));
    if (b->a == WAKE_START)
      put(w, "\"start\"");
    else
      putf(w, "\"resume: %s\"", trace_wake_name((trace_wake)b->a));
    putf(w, ",\"dur\":%lld", (long long)(end - s->start));
    ch_args(c, s->begin, b->time);
    put(w, ",\"wake\":");
    put_jss(w, trace_wake_name((trace_wake)b->a));
    if (b->a == WAKE_TASK) {
      put(w, ",\"woken_by\":");
      put_jss(w, task_name(c->t, b->b));
    }
    if (*trace_text(c->t, b->text)) {
      put(w, ",\"thrown\":");
      put_jss(w, trace_text(c->t, b->text));
    }
    if (s->end == SIZE_MAX) {
      put(w, ",\"ended\":\"unfinished\"");
    } else {
      const trace_event *x = &c->ev[s->end];
      const char *text = trace_text(c->t, x->text);
      if (x->kind == TR_STEP_SUSPEND) {
        put(w, ",\"ended\":\"suspend\",\"awaits\":");
        put_jss(w, text);
        if (x->a == WAIT_SLEEP) {
          put(w, ",\"until\":");
          put_jnum(w, x->num);
        }
        if (x->line)
          putf(w, ",\"line\":%ld", (long)x->line);
      } else if (x->kind == TR_STEP_RETURN) {
        put(w, ",\"ended\":\"return\",\"result\":");
        put_jss(w, text);
      } else {
        put(w, x->a ? ",\"ended\":\"cancelled\",\"exception\":"
                    : ",\"ended\":\"raise\",\"exception\":");
        put_jss(w, text);
      }
    }
    put(w, "}}");
    if (s->end != SIZE_MAX && c->ev[s->end].kind == TR_STEP_SUSPEND)
      ch_wait_begin(c, b->task, s->end, end);
  } else {
    const ch_handle *h =
        s->handle >= 0 && (size_t)s->handle < c->nhandles ? &c->handles[s->handle] : NULL;
    ch_begin(c, "X", "callback", s->start, CH_LOOP_TID);
    if (h != NULL && h->text != TRACE_NO_TEXT) {
      const char *text = trace_text(c->t, h->text);
      put_js(w, "", text, strlen(text), NULL, CH_NAME_MAX);
    } else {
      put_jss(w, h != NULL ? cb_word(h->cb) : "run");
    }
    putf(w, ",\"dur\":%lld", (long long)(end - s->start));
    ch_args(c, s->pop != SIZE_MAX ? s->pop : 0, s->pop != SIZE_MAX ? c->ev[s->pop].time : 0);
    if (h != NULL) {
      putf(w, ",\"handle\":%ld,\"callback\":", (long)s->handle);
      put_jss(w, cb_word(h->cb));
      if (h->task >= 0) {
        put(w, ",\"task\":");
        put_jss(w, task_name(c->t, h->task));
      }
    }
    put(w, "}}");
  }
}

static void ch_open(ch *c, size_t pop, int32_t handle, double time) {
  ch_close(c);
  ch_slot *s = &c->slot;
  s->open = true;
  s->start = ch_alloc(c, time);
  s->last = s->start;
  s->t_last = time;
  s->pop = pop;
  s->handle = handle;
  s->begin = SIZE_MAX;
  s->end = SIZE_MAX;
}

/* The track the current run draws on. */
static int64_t ch_slot_tid(const ch *c) {
  return c->slot.begin != SIZE_MAX ? ch_tid(c->ev[c->slot.begin].task) : CH_LOOP_TID;
}

/* Timestamp of an instant at virtual time t: inside the current run when one is under way,
 * else a microsecond of its own. */
static int64_t ch_instant_ts(ch *c, double t) {
  if (!c->slot.open)
    return ch_alloc(c, t);
  int64_t ts = max64(ch_us(t), c->slot.last);
  c->slot.last = ts;
  return ts;
}

/* Writes an instant event named prefix + the first line of text (shortened); args.text holds
 * all of the text when keep is set. The caller adds args and closes with "}}". */
static void ch_instant(ch *c, size_t step, int64_t tid, const char *prefix, const char *text,
                       bool keep) {
  const trace_event *e = &c->ev[step];
  int64_t ts = ch_instant_ts(c, e->time);
  ch_begin(c, "i", "event", ts, tid);
  put_js(&c->w, prefix, text, strcspn(text, "\n"), NULL, CH_NAME_MAX);
  put(&c->w, ",\"s\":\"t\"");
  ch_args(c, step, e->time);
  if (keep && *text) {
    put(&c->w, ",\"text\":");
    put_jss(&c->w, text);
  }
}

static void ch_step_begin(ch *c, size_t i) {
  const trace_event *e = &c->ev[i];
  if (e->task < 0 || (size_t)e->task >= c->ntasks)
    return;
  if (!c->slot.open || c->slot.begin != SIZE_MAX)
    ch_open(c, SIZE_MAX, -1, e->time);
  ch_slot *s = &c->slot;
  s->begin = i;
  const char *wake = trace_wake_name((trace_wake)e->a);
  ch_wait_end(c, e->task, s->start, i, e->time, wake);
  if (s->handle >= 0 && (size_t)s->handle < c->nhandles && c->handles[s->handle].from_slice) {
    const ch_handle *h = &c->handles[s->handle];
    ch_begin(c, "s", "wake", h->push_ts, h->push_tid);
    putf(&c->w, "\"wake: %s\",\"id\":%ld}", wake, (long)s->handle);
    /* The finish binds to the next slice starting on its track at or after ts: this step's,
     * written when it closes. ("bp":"e", the enclosing slice, would depend on the viewer
     * ordering events of equal ts as they appear in the file.) */
    ch_begin(c, "f", "wake", s->start, ch_tid(e->task));
    putf(&c->w, "\"wake: %s\",\"id\":%ld}", wake, (long)s->handle);
  }
}

static bool ch_push_handle(ch *c, const trace_event *e) {
  if (e->a < 0)
    return true;
  size_t id = (size_t)e->a;
  if (id >= c->nhandles) {
    size_t n = c->nhandles ? c->nhandles : 64;
    while (n <= id)
      n *= 2;
    ch_handle *h = realloc(c->handles, n * sizeof *h);
    if (h == NULL)
      return false;
    memset(h + c->nhandles, 0, (n - c->nhandles) * sizeof *h);
    c->handles = h;
    c->nhandles = n;
  }
  ch_handle *h = &c->handles[id];
  h->cb = e->b;
  h->task = e->task;
  h->text = e->text;
  h->from_slice = c->slot.open;
  if (c->slot.open) {
    h->push_tid = ch_slot_tid(c);
    h->push_ts = c->slot.start;
  }
  return true;
}

static void ch_event(ch *c, size_t i) {
  const trace_event *e = &c->ev[i];
  const char *text = trace_text(c->t, e->text);
  wr *w = &c->w;
  switch (e->kind) {
  case TR_READY_POP:
    ch_open(c, i, e->a, e->time);
    break;
  case TR_READY_PUSH:
    if (!ch_push_handle(c, e))
      w->ok = false;
    break;
  case TR_STEP_BEGIN:
    ch_step_begin(c, i);
    break;
  case TR_STEP_SUSPEND:
  case TR_STEP_RETURN:
  case TR_STEP_RAISE:
    if (c->slot.open && c->slot.begin != SIZE_MAX && c->slot.end == SIZE_MAX &&
        c->ev[c->slot.begin].task == e->task)
      c->slot.end = i;
    break;
  case TR_TIMER_FIRE:
  case TR_RUN_START:
    ch_close(c);
    break;
  case TR_CLOCK_JUMP: {
    char when[SECS_MAX];
    secs_text(e->time, when);
    ch_close(c);
    ch_instant(c, i, CH_LOOP_TID, "clock jumps to t=", when, false);
    put(w, ",\"from\":");
    put_jnum(w, e->num);
    put(w, "}}");
    break;
  }
  case TR_RUN_END:
    ch_close(c);
    ch_instant(c, i, CH_LOOP_TID, "run ends", "", false);
    putf(w, ",\"status\":%d}}", e->a);
    break;
  case TR_DEADLOCK:
    ch_close(c);
    ch_instant(c, i, CH_LOOP_TID, "deadlock: ", text, true);
    put(w, "}}");
    break;
  case TR_WARNING:
    ch_instant(c, i, CH_LOOP_TID, "warning: ", text, true);
    put(w, "}}");
    break;
  case TR_PRINT:
    ch_instant(c, i, ch_tid(e->task), "print: ", text, true);
    put(w, "}}");
    break;
  case TR_BLOCK:
    ch_instant(c, i, ch_tid(e->task), "time.sleep blocks the loop", "", false);
    put(w, ",\"seconds\":");
    put_jnum(w, e->num);
    put(w, "}}");
    break;
  case TR_CANCEL:
    ch_instant(c, i, ch_tid(e->b), "cancel ", task_name(c->t, e->task), false);
    if (*text) {
      put(w, ",\"msg\":");
      put_jss(w, text);
    }
    put(w, "}}");
    break;
  default:
    break;
  }
  if (c->slot.open && e->time > c->slot.t_last)
    c->slot.t_last = e->time;
}

bool traceout_chrome(const trace *t, fmt_buf *out) {
  ch c = {.w = {out, true}, .t = t, .ev = trace_events(t), .first = true};
  c.ntasks = trace_task_count(t);
  if (c.ntasks > 0) {
    c.waits = calloc(c.ntasks, sizeof *c.waits);
    if (c.waits == NULL)
      return false;
  }
  wr *w = &c.w;
  put(w, "{\"traceEvents\":[");
  ch_meta(&c, "process_name", CH_LOOP_TID, "name");
  const char *file = trace_filename(t);
  put_js(w, *file ? "loopviz " : "loopviz", file, strlen(file), NULL, SIZE_MAX);
  put(w, "}}");
  ch_meta(&c, "thread_name", CH_LOOP_TID, "name");
  put(w, "\"EventLoop\"}}");
  ch_meta(&c, "thread_sort_index", CH_LOOP_TID, "sort_index");
  put(w, "1}}");
  for (size_t k = 0; k < c.ntasks; k++) {
    ch_meta(&c, "thread_name", ch_tid((int32_t)k), "name");
    const char *name = task_name(t, (int32_t)k);
    put_js(w, name, " ", 1, task_label(t, (int32_t)k), SIZE_MAX);
    put(w, "}}");
    ch_meta(&c, "thread_sort_index", ch_tid((int32_t)k), "sort_index");
    putf(w, "%zu}}", k == 0 ? (size_t)0 : k + 1);
  }
  size_t n = trace_count(t);
  for (size_t i = 0; i < n && w->ok; i++)
    ch_event(&c, i);
  ch_close(&c);
  for (size_t k = 0; k < c.ntasks; k++)
    ch_wait_end(&c, (int32_t)k, c.cursor, n, n > 0 ? c.ev[n - 1].time : 0, "never");
  put(w, "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"loopviz\","
         "\"clock\":\"virtual, 1 ts unit = 1 microsecond\",\"scenario\":");
  put_jss(w, trace_filename(t));
  put(w, "}}\n");
  free(c.handles);
  free(c.waits);
  return w->ok;
}
