/* trace: recording and reading a run. See trace.h. */
#include "trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_MAX_EVENTS 50000000u /* keeps a runaway scenario's trace under ~2 GiB */

struct trace {
  trace_event *events; /* the events */
  size_t count;        /* events recorded */
  size_t cap;          /* events allocated */
  char *pool;          /* NUL-terminated strings */
  size_t pool_len;     /* bytes used */
  size_t pool_cap;     /* bytes allocated */
  trace_task *tasks;   /* tasks by id */
  size_t ntasks;       /* tasks registered */
  size_t tasks_cap;    /* allocated */
  int32_t handles;     /* handle ids handed out */
  int32_t futures;     /* future ids handed out */
  bool lines;          /* TR_LINE events are recorded */
  bool truncated;      /* memory or the event limit stopped recording */
  uint32_t filename;   /* pool offset of the scenario's file name */
  uint32_t source;     /* pool offset of the scenario's source */
  size_t source_len;   /* its length */
};

trace *trace_new(bool lines) {
  trace *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->lines = lines;
  t->filename = TRACE_NO_TEXT;
  t->source = TRACE_NO_TEXT;
  return t;
}

void trace_free(trace *t) {
  if (!t)
    return;
  free(t->events);
  free(t->pool);
  free(t->tasks);
  free(t);
}

bool trace_lines_enabled(const trace *t) { return t && t->lines; }
bool trace_truncated(const trace *t) { return t->truncated; }

static uint32_t pool_add(trace *t, const char *s, size_t len) {
  if (!s)
    return TRACE_NO_TEXT;
  if (t->pool_len + len + 1 > t->pool_cap) {
    size_t n = t->pool_cap ? t->pool_cap * 2 : 4096;
    while (n < t->pool_len + len + 1)
      n *= 2;
    if (n >= TRACE_NO_TEXT) {
      t->truncated = true;
      return TRACE_NO_TEXT;
    }
    char *p = realloc(t->pool, n);
    if (!p) {
      t->truncated = true;
      return TRACE_NO_TEXT;
    }
    t->pool = p;
    t->pool_cap = n;
  }
  uint32_t off = (uint32_t)t->pool_len;
  memcpy(t->pool + off, s, len);
  t->pool[off + len] = '\0';
  t->pool_len += len + 1;
  return off;
}

uint32_t trace_add(trace *t, trace_kind kind, double time, int32_t task, int32_t a, int32_t b,
                   int32_t line, double num, const char *text, size_t text_len) {
  if (t->truncated)
    return UINT32_MAX;
  if (t->count == t->cap) {
    size_t n = t->cap ? t->cap * 2 : 1024;
    if (n > TRACE_MAX_EVENTS)
      n = TRACE_MAX_EVENTS;
    if (n <= t->count) {
      t->truncated = true;
      return UINT32_MAX;
    }
    trace_event *e = realloc(t->events, n * sizeof *e);
    if (!e) {
      t->truncated = true;
      return UINT32_MAX;
    }
    t->events = e;
    t->cap = n;
  }
  trace_event *e = &t->events[t->count];
  e->kind = kind;
  e->step = (uint32_t)t->count;
  e->time = time;
  e->task = task;
  e->a = a;
  e->b = b;
  e->line = line;
  e->num = num;
  e->text = text ? pool_add(t, text, text_len) : TRACE_NO_TEXT;
  return (uint32_t)t->count++;
}

int32_t trace_add_task(trace *t, double time, const char *name, const char *label, int32_t parent,
                       int32_t line) {
  if (t->ntasks == t->tasks_cap) {
    size_t n = t->tasks_cap ? t->tasks_cap * 2 : 16;
    trace_task *q = realloc(t->tasks, n * sizeof *q);
    if (!q) {
      t->truncated = true;
      return -1;
    }
    t->tasks = q;
    t->tasks_cap = n;
  }
  int32_t id = (int32_t)t->ntasks;
  trace_task *k = &t->tasks[t->ntasks++];
  k->name = pool_add(t, name, strlen(name));
  k->label = pool_add(t, label, strlen(label));
  k->parent = parent;
  k->line = line;
  k->created = (uint32_t)t->count;
  trace_add(t, TR_TASK_CREATED, time, id, parent, -1, line, 0, label, strlen(label));
  return id;
}

bool trace_rename_task(trace *t, int32_t task, const char *name) {
  if (task < 0 || (size_t)task >= t->ntasks)
    return false;
  uint32_t off = pool_add(t, name, strlen(name));
  if (off == TRACE_NO_TEXT)
    return false;
  t->tasks[task].name = off;
  return true;
}

int32_t trace_new_handle_id(trace *t) { return t->handles++; }
int32_t trace_new_future_id(trace *t) { return t->futures++; }

bool trace_set_source(trace *t, const char *filename, const char *src, size_t len) {
  t->filename = pool_add(t, filename, strlen(filename));
  t->source = pool_add(t, src, len);
  t->source_len = len;
  return t->filename != TRACE_NO_TEXT && t->source != TRACE_NO_TEXT;
}

size_t trace_count(const trace *t) { return t->count; }
const trace_event *trace_events(const trace *t) { return t->events; }
const trace_event *trace_event_at(const trace *t, size_t step) {
  return step < t->count ? &t->events[step] : NULL;
}
size_t trace_task_count(const trace *t) { return t->ntasks; }
const trace_task *trace_task_at(const trace *t, int32_t id) {
  return id >= 0 && (size_t)id < t->ntasks ? &t->tasks[id] : NULL;
}
const char *trace_text(const trace *t, uint32_t off) {
  return off == TRACE_NO_TEXT || off >= t->pool_len ? "" : t->pool + off;
}
const char *trace_filename(const trace *t) { return trace_text(t, t->filename); }
const char *trace_source(const trace *t, size_t *len) {
  *len = t->source == TRACE_NO_TEXT ? 0 : t->source_len;
  return trace_text(t, t->source);
}

int trace_exit_status(const trace *t) {
  for (size_t i = t->count; i-- > 0;)
    if (t->events[i].kind == TR_RUN_END)
      return t->events[i].a;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Queue reconstruction                                                     */
/* ------------------------------------------------------------------------ */

static bool handles_push(trace_handle **arr, size_t *n, size_t *cap, trace_handle h) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 16;
    trace_handle *q = realloc(*arr, c * sizeof *q);
    if (!q)
      return false;
    *arr = q;
    *cap = c;
  }
  (*arr)[(*n)++] = h;
  return true;
}

static void handles_remove(trace_handle *arr, size_t *n, int32_t id) {
  for (size_t i = 0; i < *n; i++)
    if (arr[i].id == id) {
      memmove(arr + i, arr + i + 1, (*n - i - 1) * sizeof *arr);
      (*n)--;
      return;
    }
}

/* Replays queue events; O(events * queue length), fine for the window,
 * which asks for one step at a time. */
bool trace_queues_at(const trace *t, size_t step, trace_queues *out) {
  memset(out, 0, sizeof *out);
  size_t rcap = 0, tcap = 0;
  /* timers keep their scheduling order for ties: the event order */
  for (size_t i = 0; i < t->count && i <= step; i++) {
    const trace_event *e = &t->events[i];
    switch (e->kind) {
    case TR_READY_PUSH: {
      trace_handle h = {e->a, e->b, e->task, e->num, e->text};
      for (size_t k = 0; k < out->ntimers; k++)
        if (out->timers[k].id == e->a) {
          h = out->timers[k];
          handles_remove(out->timers, &out->ntimers, e->a);
          break;
        }
      if (!handles_push(&out->ready, &out->nready, &rcap, h))
        goto fail;
      break;
    }
    case TR_READY_POP:
      handles_remove(out->ready, &out->nready, e->a);
      break;
    case TR_TIMER_ADD: {
      trace_handle h = {e->a, e->b, e->task, e->num, e->text};
      size_t at = out->ntimers;
      while (at > 0 && out->timers[at - 1].when > h.when)
        at--;
      if (!handles_push(&out->timers, &out->ntimers, &tcap, h))
        goto fail;
      memmove(out->timers + at + 1, out->timers + at, (out->ntimers - 1 - at) * sizeof h);
      out->timers[at] = h;
      break;
    }
    case TR_TIMER_CANCEL:
      handles_remove(out->timers, &out->ntimers, e->a);
      break;
    case TR_TIMER_FIRE:
      /* the following TR_READY_PUSH moves it */
      break;
    default:
      break;
    }
  }
  return true;
fail:
  trace_queues_free(out);
  return false;
}

void trace_queues_free(trace_queues *q) {
  free(q->ready);
  free(q->timers);
  memset(q, 0, sizeof *q);
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

const char *trace_kind_name(trace_kind k) {
  static const char *const names[TR__COUNT] = {
      "run-start", "run-end", "created", "step", "suspend",  "return", "raise",
      "ready",     "run",     "timer",   "fire", "untimer",  "clock",  "block",
      "print",     "done",    "cancel",  "warn", "deadlock", "line"};
  return (unsigned)k < TR__COUNT ? names[k] : "?";
}

const char *trace_wake_name(trace_wake w) {
  static const char *const names[] = {"start",  "timer", "task",      "gather",
                                      "future", "yield", "exception", "cancel"};
  return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

const char *trace_wait_name(trace_wait w) {
  static const char *const names[] = {"sleep", "yield", "task", "gather", "sync", "future"};
  return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

static const char *cb_name(int32_t cb) {
  static const char *const names[] = {"step", "wakeup", "timer", "future-callback", "callback"};
  return cb >= 0 && (size_t)cb < sizeof names / sizeof names[0] ? names[cb] : "?";
}

static void append_task(const trace *t, fmt_buf *out, int32_t task) {
  const trace_task *k = trace_task_at(t, task);
  if (!k) {
    fmt_buf_appends(out, "-");
    return;
  }
  fmt_buf_appendf(out, "%s %s", trace_text(t, k->name), trace_text(t, k->label));
}

/* Quotes text on one line: newlines and tabs escaped. */
static void append_quoted(fmt_buf *out, const char *s) {
  fmt_buf_appendc(out, '"');
  for (; *s; s++) {
    switch (*s) {
    case '\n':
      fmt_buf_appends(out, "\\n");
      break;
    case '\t':
      fmt_buf_appends(out, "\\t");
      break;
    case '\r':
      fmt_buf_appends(out, "\\r");
      break;
    case '"':
      fmt_buf_appends(out, "\\\"");
      break;
    case '\\':
      fmt_buf_appends(out, "\\\\");
      break;
    default:
      fmt_buf_appendc(out, *s);
      break;
    }
  }
  fmt_buf_appendc(out, '"');
}

bool trace_write_text(const trace *t, fmt_buf *out) {
  for (size_t i = 0; i < t->count; i++) {
    const trace_event *e = &t->events[i];
    const char *text = trace_text(t, e->text);
    fmt_buf_appendf(out, "%.6f  #%-5u %-9s ", e->time, e->step, trace_kind_name(e->kind));
    switch (e->kind) {
    case TR_RUN_START:
      fmt_buf_appends(out, text);
      break;
    case TR_RUN_END:
      fmt_buf_appendf(out, "exit status %d", e->a);
      break;
    case TR_TASK_CREATED:
      append_task(t, out, e->task);
      fmt_buf_appends(out, "  by ");
      if (e->a >= 0)
        fmt_buf_appends(out, trace_text(t, trace_task_at(t, e->a)->name));
      else
        fmt_buf_appends(out, "the program");
      if (e->line)
        fmt_buf_appendf(out, " at line %d", e->line);
      break;
    case TR_STEP_BEGIN:
      append_task(t, out, e->task);
      fmt_buf_appendf(out, "  <- %s", trace_wake_name((trace_wake)e->a));
      if (e->a == WAKE_TASK)
        fmt_buf_appendf(
            out, " %s",
            trace_text(t, trace_task_at(t, e->b) ? trace_task_at(t, e->b)->name : TRACE_NO_TEXT));
      if (*text)
        fmt_buf_appendf(out, " %s", text);
      break;
    case TR_STEP_SUSPEND:
      append_task(t, out, e->task);
      fmt_buf_appendf(out, "  awaits %s", text);
      if (e->a == WAIT_SLEEP)
        fmt_buf_appendf(out, " until %.6f", e->num);
      if (e->line)
        fmt_buf_appendf(out, " at line %d", e->line);
      break;
    case TR_STEP_RETURN:
      append_task(t, out, e->task);
      fmt_buf_appendf(out, "  -> %s", text);
      break;
    case TR_STEP_RAISE:
      append_task(t, out, e->task);
      fmt_buf_appendf(out, "  %s %s", e->a ? "cancelled by" : "raised", text);
      break;
    case TR_READY_PUSH:
      fmt_buf_appendf(out, "handle %d %s", e->a, cb_name(e->b));
      if (e->task >= 0) {
        fmt_buf_appends(out, " of ");
        fmt_buf_appends(out, trace_text(t, trace_task_at(t, e->task)->name));
      }
      if (*text)
        fmt_buf_appendf(out, " (%s)", text);
      break;
    case TR_READY_POP:
    case TR_TIMER_FIRE:
    case TR_TIMER_CANCEL:
      fmt_buf_appendf(out, "handle %d", e->a);
      break;
    case TR_TIMER_ADD:
      fmt_buf_appendf(out, "handle %d at %.6f", e->a, e->num);
      if (e->task >= 0) {
        fmt_buf_appends(out, " for ");
        fmt_buf_appends(out, trace_text(t, trace_task_at(t, e->task)->name));
      }
      break;
    case TR_CLOCK_JUMP:
      fmt_buf_appendf(out, "%.6f -> %.6f", e->num, e->time);
      break;
    case TR_BLOCK:
      append_task(t, out, e->task);
      fmt_buf_appendf(out, "  blocks the loop for %g s (time.sleep)", e->num);
      break;
    case TR_PRINT:
      if (e->task >= 0)
        fmt_buf_appendf(out, "%s ", trace_text(t, trace_task_at(t, e->task)->name));
      append_quoted(out, text);
      break;
    case TR_FUTURE_DONE:
      fmt_buf_appendf(out, "future %d %s", e->a,
                      e->b == 0   ? "result"
                      : e->b == 1 ? "exception"
                                  : "cancelled");
      if (e->task >= 0) {
        fmt_buf_appends(out, " (");
        fmt_buf_appends(out, trace_text(t, trace_task_at(t, e->task)->name));
        fmt_buf_appends(out, ")");
      }
      if (*text)
        fmt_buf_appendf(out, " %s", text);
      break;
    case TR_CANCEL:
      append_task(t, out, e->task);
      if (e->b >= 0)
        fmt_buf_appendf(out, "  by %s", trace_text(t, trace_task_at(t, e->b)->name));
      if (*text)
        fmt_buf_appendf(out, " msg %s", text);
      break;
    case TR_WARNING:
    case TR_DEADLOCK:
      append_quoted(out, text);
      break;
    case TR_LINE:
      if (e->task >= 0)
        fmt_buf_appendf(out, "%s ", trace_text(t, trace_task_at(t, e->task)->name));
      fmt_buf_appendf(out, "line %d", e->line);
      break;
    default:
      break;
    }
    fmt_buf_appendc(out, '\n');
  }
  return true;
}

static void json_str(fmt_buf *out, const char *s) {
  fmt_buf_appendc(out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      fmt_buf_appendc(out, '\\');
      fmt_buf_appendc(out, (char)*p);
    } else if (*p < 0x20) {
      fmt_buf_appendf(out, "\\u%04x", *p);
    } else {
      fmt_buf_appendc(out, (char)*p);
    }
  }
  fmt_buf_appendc(out, '"');
}

static void json_num(fmt_buf *out, double x) {
  if (!isfinite(x)) {
    fmt_buf_appends(out, "null");
    return;
  }
  fmt_float_repr(out, x);
}

bool trace_write_jsonl(const trace *t, fmt_buf *out) {
  for (size_t i = 0; i < t->count; i++) {
    const trace_event *e = &t->events[i];
    fmt_buf_appendf(out, "{\"step\":%u,\"time\":", e->step);
    json_num(out, e->time);
    fmt_buf_appends(out, ",\"kind\":");
    json_str(out, trace_kind_name(e->kind));
    if (e->task >= 0) {
      const trace_task *k = trace_task_at(t, e->task);
      fmt_buf_appendf(out, ",\"task\":%d,\"task_name\":", e->task);
      json_str(out, trace_text(t, k->name));
      fmt_buf_appends(out, ",\"coro\":");
      json_str(out, trace_text(t, k->label));
    }
    switch (e->kind) {
    case TR_STEP_BEGIN:
      fmt_buf_appends(out, ",\"wake\":");
      json_str(out, trace_wake_name((trace_wake)e->a));
      fmt_buf_appendf(out, ",\"ref\":%d", e->b);
      break;
    case TR_STEP_SUSPEND:
      fmt_buf_appends(out, ",\"wait\":");
      json_str(out, trace_wait_name((trace_wait)e->a));
      fmt_buf_appendf(out, ",\"ref\":%d,\"deadline\":", e->b);
      json_num(out, e->num);
      break;
    case TR_READY_PUSH:
      fmt_buf_appendf(out, ",\"handle\":%d,\"callback\":", e->a);
      json_str(out, cb_name(e->b));
      break;
    case TR_READY_POP:
    case TR_TIMER_FIRE:
    case TR_TIMER_CANCEL:
      fmt_buf_appendf(out, ",\"handle\":%d", e->a);
      break;
    case TR_TIMER_ADD:
      fmt_buf_appendf(out, ",\"handle\":%d,\"deadline\":", e->a);
      json_num(out, e->num);
      break;
    case TR_CLOCK_JUMP:
      fmt_buf_appends(out, ",\"from\":");
      json_num(out, e->num);
      break;
    case TR_BLOCK:
      fmt_buf_appends(out, ",\"seconds\":");
      json_num(out, e->num);
      break;
    case TR_FUTURE_DONE:
      fmt_buf_appendf(out, ",\"future\":%d,\"outcome\":", e->a);
      json_str(out, e->b == 0 ? "result" : e->b == 1 ? "exception" : "cancelled");
      break;
    case TR_TASK_CREATED:
    case TR_CANCEL:
      fmt_buf_appendf(out, ",\"by\":%d", e->kind == TR_CANCEL ? e->b : e->a);
      break;
    case TR_STEP_RAISE:
      fmt_buf_appendf(out, ",\"cancelled\":%s", e->a ? "true" : "false");
      break;
    case TR_RUN_END:
      fmt_buf_appendf(out, ",\"status\":%d", e->a);
      break;
    default:
      break;
    }
    if (e->line)
      fmt_buf_appendf(out, ",\"line\":%d", e->line);
    if (e->text != TRACE_NO_TEXT) {
      fmt_buf_appends(out, ",\"text\":");
      json_str(out, trace_text(t, e->text));
    }
    fmt_buf_appends(out, "}\n");
  }
  return true;
}
