/* trace: recording and reading a run. See trace.h. */
#define _POSIX_C_SOURCE 200809L /* pthreads */
#include "trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#define TRACE_MAX_EVENTS 50000000u /* keeps a runaway scenario's trace under ~2 GiB */
#define TRACE_STREAM_PIECE 8192u   /* events a streaming trace writes out at a time */

enum {
  POOL_MEMO_SLOTS = 64,  /* texts remembered by pool_add (a power of two) */
  POOL_MEMO_MAX_LEN = 64 /* longest text remembered */
};

enum {
  KEYED_SLOTS = 1024 /* texts kept by key (a power of two) */
};

/* A text stored under a key (trace_keyed_text). */
typedef struct keyed_text {
  uint64_t key; /* the key */
  uint32_t tag; /* its tag */
  uint32_t off; /* the text in the pool, TRACE_NO_TEXT for an empty slot */
} keyed_text;

/* A text pool_add added, by the address it came from: texts such as "Task.__step" come from
 * the same address again and again and are stored once. */
typedef struct pool_memo {
  const char *s; /* the address */
  uint32_t len;  /* its length */
  uint32_t off;  /* its copy in the pool */
} pool_memo;

typedef struct trace_writer trace_writer;

struct trace {
  trace_event *events;             /* the events */
  size_t count;                    /* events recorded */
  size_t cap;                      /* events allocated */
  char *pool;                      /* strings, each NUL-terminated after its length (pool_add) */
  size_t pool_len;                 /* bytes used */
  size_t pool_cap;                 /* bytes allocated */
  trace_task *tasks;               /* tasks by id */
  size_t ntasks;                   /* tasks registered */
  size_t tasks_cap;                /* allocated */
  int32_t handles;                 /* handle ids handed out */
  int32_t futures;                 /* future ids handed out */
  bool lines;                      /* TR_LINE events are recorded */
  bool truncated;                  /* memory or the event limit stopped recording */
  uint32_t filename;               /* pool offset of the scenario's file name */
  uint32_t source;                 /* pool offset of the scenario's source */
  size_t source_len;               /* its length */
  fmt_buf spare;                   /* the buffer trace_buf_take hands out, when not out */
  size_t longest_name;             /* bytes of the longest task name (the text layout's room) */
  size_t longest_label;            /* bytes of the longest task label */
  pool_memo memo[POOL_MEMO_SLOTS]; /* recent short texts (pool_add) */
  keyed_text *keyed;               /* KEYED_SLOTS texts by key, NULL until the first */
  size_t base;                     /* steps written out and forgotten (trace_stream): events[0]
                                      is step base */
  trace_sink_fn sink;              /* where a streaming trace writes its events, or NULL */
  void *sink_user;                 /* passed back to sink */
  bool sink_json;                  /* it writes JSON Lines instead of text */
  bool sink_failed;                /* a piece could not be formatted (out of memory) */
  fmt_buf piece;                   /* the text of the piece being written */
  trace_writer *writer;            /* the thread writing a streaming trace out, or NULL */
  uint32_t empty_text;             /* pool offset of an empty text, 0 until one is stored */
  size_t room_end;                 /* trace_add appends without its slow path (make_room) while
                                      count < room_end; 0 once truncated */
};

/* A streaming trace is formatted and handed to its sink on a thread of its own while the run
 * goes on: the text of millions of events costs about as much as recording them, and a second
 * core is there. The writer formats one piece at a time from a view: a shallow copy of the
 * trace made when the piece was handed over, holding the piece's events (a buffer of their own,
 * the recorder fills the other one meanwhile) and the pool and task table as they were. The
 * recorder only appends to those, past what the view holds; before it moves them (realloc) or
 * changes a task's name it waits for the writer to finish its piece (writer_idle). Pieces go to
 * the sink in order, one at a time, so the text is the same as written in line. */
struct trace_writer {
  pthread_t thread;     /* the writer */
  pthread_mutex_t lock; /* guards busy, quit and failed */
  pthread_cond_t cond;  /* signals a piece handed over, a piece done, or quit */
  bool busy;          /* a piece is handed over and not yet written */
  bool quit;          /* the trace is being freed: the thread ends */
  bool failed;        /* a piece could not be formatted (out of memory) */
  trace view;         /* the piece's trace as handed over (a shallow copy) */
  trace_event *spare; /* the event buffer not in use by the recorder */
  size_t spare_cap;   /* its capacity in events */
  fmt_buf text;       /* the piece's text */
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

static void writer_stop(trace *t);
static void writer_idle(trace *t);
static void set_room_end(trace *t);

void trace_free(trace *t) {
  if (!t)
    return;
  writer_stop(t);
  free(t->events);
  free(t->pool);
  free(t->tasks);
  fmt_buf_free(&t->spare);
  fmt_buf_free(&t->piece);
  free(t->keyed);
  free(t);
}

enum {
  TRACE_SPARE_MAX = 1 << 20 /* bytes of spare buffer kept: one huge repr is not kept */
};

fmt_buf trace_buf_take(trace *t) {
  fmt_buf b = t->spare; /* fields set one by one: no calls, no partial overlapping stores */
  t->spare.data = NULL;
  t->spare.len = 0;
  t->spare.cap = 0;
  b.len = 0;
  if (b.data)
    b.data[0] = '\0';
  return b;
}

void trace_buf_give(trace *t, fmt_buf *b) {
  if (t->spare.data == NULL && b->cap <= TRACE_SPARE_MAX) {
    t->spare = *b;
    fmt_buf_init(b);
  } else {
    fmt_buf_free(b);
  }
}

bool trace_lines_enabled(const trace *t) { return t && t->lines; }
bool trace_truncated(const trace *t) { return t->truncated; }

/* Stops recording for good: memory or the event limit ran out. */
static void stop_recording(trace *t) {
  t->truncated = true;
  t->room_end = 0;
}

/* A string in the pool is its length up to its first NUL (what trace_text shows of it), four
 * bytes, then its bytes and a NUL; its offset is that of its bytes. The writers take the
 * length from there instead of measuring the string at every event. */
enum {
  POOL_LEN_BYTES = 4, /* the length before each string */
  POOL_SLACK = 16     /* bytes allocated past the last string: put_text copies 16 at a time */
};

/* memcmp(a, b, n) == 0 for the short texts of pool_add's memo, without a call: eight bytes at a
 * time, the last eight overlapping the ones before (never a byte past either end). */
static inline bool same_bytes(const char *a, const char *b, size_t n) {
  if (n < 8) {
    for (size_t i = 0; i < n; i++)
      if (a[i] != b[i])
        return false;
    return true;
  }
  uint64_t x, y;
  for (size_t i = 0; i + 8 < n; i += 8) {
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    if (x != y)
      return false;
  }
  memcpy(&x, a + n - 8, 8);
  memcpy(&y, b + n - 8, 8);
  return x == y;
}

static uint32_t pool_add(trace *t, const char *s, size_t len) {
  if (!s)
    return TRACE_NO_TEXT;
  /* the same bytes at the same address as a recent text: that text (an address is checked
   * against the copy, so a buffer reused for other text is never mistaken) */
  pool_memo *m = NULL;
  if (len == 0 && t->empty_text != 0)
    return t->empty_text;
  if (len <= POOL_MEMO_MAX_LEN) {
    uintptr_t h = (uintptr_t)s ^ ((uintptr_t)s >> 7) ^ (len * 0x9e3779b1u);
    m = &t->memo[h & (POOL_MEMO_SLOTS - 1)];
    if (m->s == s && m->len == len && same_bytes(t->pool + m->off, s, len))
      return m->off;
  }
  size_t need = t->pool_len + POOL_LEN_BYTES + len + 1;
  if (need + POOL_SLACK > t->pool_cap) {
    size_t n = t->pool_cap ? t->pool_cap * 2 : 4096;
    while (n < need + POOL_SLACK)
      n *= 2;
    if (n >= TRACE_NO_TEXT) {
      stop_recording(t);
      return TRACE_NO_TEXT;
    }
    writer_idle(t); /* it may be reading the pool */
    char *p = realloc(t->pool, n);
    if (!p) {
      stop_recording(t);
      return TRACE_NO_TEXT;
    }
    t->pool = p;
    t->pool_cap = n;
  }
  const char *nul = memchr(s, '\0', len);
  uint32_t shown = (uint32_t)(nul ? (size_t)(nul - s) : len);
  memcpy(t->pool + t->pool_len, &shown, POOL_LEN_BYTES);
  uint32_t off = (uint32_t)(t->pool_len + POOL_LEN_BYTES);
  memcpy(t->pool + off, s, len);
  t->pool[off + len] = '\0';
  t->pool_len = need;
  if (len == 0)
    t->empty_text = off;
  if (m) {
    m->s = s;
    m->len = (uint32_t)len;
    m->off = off;
  }
  return off;
}

/* strlen(trace_text(t, off)), read from the pool. */
static inline size_t text_len(const trace *t, uint32_t off) {
  if (off == TRACE_NO_TEXT || off >= t->pool_len)
    return 0;
  uint32_t n;
  memcpy(&n, t->pool + off - POOL_LEN_BYTES, POOL_LEN_BYTES);
  return n;
}

/* Formats events [t->base, t->count) of t into out and hands the text to t's sink; false when
 * the text could not be formatted. */
static bool write_piece(const trace *t, fmt_buf *out) {
  fmt_buf_clear(out);
  bool ok = t->sink_json ? trace_write_jsonl_range(t, t->base, t->count - t->base, out)
                         : trace_write_text_range(t, t->base, t->count - t->base, out);
  if (ok)
    t->sink(t->sink_user, fmt_buf_str(out), out->len);
  return ok;
}

static void *writer_main(void *arg) {
  trace_writer *w = arg;
  pthread_mutex_lock(&w->lock);
  for (;;) {
    while (!w->busy && !w->quit)
      pthread_cond_wait(&w->cond, &w->lock);
    if (!w->busy)
      break;
    pthread_mutex_unlock(&w->lock);
    bool ok = write_piece(&w->view, &w->text); /* never handed one after a failure */
    pthread_mutex_lock(&w->lock);
    w->failed = w->failed || !ok;
    w->busy = false;
    pthread_cond_broadcast(&w->cond);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

/* Waits until the writer has no piece in hand (it holds none of the recorder's memory then). */
static void writer_idle(trace *t) {
  trace_writer *w = t->writer;
  if (!w)
    return;
  pthread_mutex_lock(&w->lock);
  while (w->busy)
    pthread_cond_wait(&w->cond, &w->lock);
  t->sink_failed = t->sink_failed || w->failed;
  pthread_mutex_unlock(&w->lock);
}

static void writer_stop(trace *t) {
  trace_writer *w = t->writer;
  if (!w)
    return;
  pthread_mutex_lock(&w->lock);
  w->quit = true;
  pthread_cond_broadcast(&w->cond);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->cond);
  pthread_mutex_destroy(&w->lock);
  free(w->spare);
  fmt_buf_free(&w->text);
  free(w);
  t->writer = NULL;
}

/* Starts the writer thread; false (the trace is then written in line) when it cannot be. */
static bool writer_start(trace *t) {
  trace_writer *w = calloc(1, sizeof *w);
  if (!w)
    return false;
  fmt_buf_init(&w->text);
  if (pthread_mutex_init(&w->lock, NULL) != 0) {
    free(w);
    return false;
  }
  if (pthread_cond_init(&w->cond, NULL) != 0) {
    pthread_mutex_destroy(&w->lock);
    free(w);
    return false;
  }
  if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return false;
  }
  t->writer = w;
  return true;
}

/* Hands events [t->base, t->count) to the writer, which must be idle; false when there was no
 * memory for a second event buffer (nothing is handed over then). */
static bool writer_hand_over(trace *t) {
  trace_writer *w = t->writer;
  if (w->spare_cap < t->cap) {
    trace_event *e = realloc(w->spare, t->cap * sizeof *e);
    if (!e)
      return false;
    w->spare = e;
    w->spare_cap = t->cap;
  }
  w->view = *t;
  trace_event *full = t->events;
  t->events = w->spare;
  w->spare = full;
  size_t cap = t->cap;
  t->cap = w->spare_cap;
  w->spare_cap = cap;
  t->base = t->count;
  /* the writer copies pool strings 16 bytes at a time (put_pooled), so up to POOL_SLACK bytes
   * past the view's last string: the recorder's next string begins after them */
  if (t->pool)
    t->pool_len += POOL_SLACK;
  pthread_mutex_lock(&w->lock);
  w->busy = true;
  pthread_cond_broadcast(&w->cond);
  pthread_mutex_unlock(&w->lock);
  return true;
}

void trace_stream(trace *t, bool json, trace_sink_fn sink, void *user) {
  writer_idle(t);
  t->sink = sink;
  t->sink_user = user;
  t->sink_json = json;
  if (!sink)
    writer_stop(t);
  else if (!t->writer)
    writer_start(t);
}

/* Writes out the events held: handed to the writer when there is one, else written here. */
static void stream_out(trace *t) {
  if (t->count == t->base)
    return;
  writer_idle(t);
  if (t->sink_failed)
    t->base = t->count;
  else if (!t->writer || !writer_hand_over(t)) {
    t->sink_failed = !write_piece(t, &t->piece);
    t->base = t->count;
  }
  set_room_end(t);
}

bool trace_flush(trace *t) {
  if (!t->sink)
    return !t->sink_failed;
  stream_out(t);
  writer_idle(t);
  return !t->sink_failed;
}

/* Where the events held end: the allocation, or the event limit. */
static void set_room_end(trace *t) {
  size_t end = t->base + t->cap;
  t->room_end = t->truncated ? 0 : end < TRACE_MAX_EVENTS ? end : TRACE_MAX_EVENTS;
}

/* trace_add's slow path, when count reached room_end: writes a streaming trace's full piece
 * out or grows the events; false when recording stopped (memory or the event limit). */
static bool make_room(trace *t) {
  if (t->truncated)
    return false;
  if (t->count >= TRACE_MAX_EVENTS) {
    stop_recording(t);
    return false;
  }
  if (t->count - t->base == t->cap && t->sink && t->cap >= TRACE_STREAM_PIECE)
    stream_out(t);
  if (t->count - t->base == t->cap) {
    size_t n = t->cap ? t->cap * 2 : 1024;
    if (n > TRACE_MAX_EVENTS)
      n = TRACE_MAX_EVENTS;
    if (n <= t->cap) {
      stop_recording(t);
      return false;
    }
    trace_event *e = realloc(t->events, n * sizeof *e);
    if (!e) {
      stop_recording(t);
      return false;
    }
    t->events = e;
    t->cap = n;
  }
  set_room_end(t);
  return t->count < t->room_end;
}

/* Appends an event where there is room (count < room_end); returns its step. */
static inline uint32_t put_event(trace *t, trace_kind kind, double time, int32_t task, int32_t a,
                                 int32_t b, int32_t line, double num, uint32_t text) {
  trace_event *e = &t->events[t->count - t->base];
  e->kind = kind;
  e->time = time;
  e->task = task;
  e->a = a;
  e->b = b;
  e->line = line;
  e->num = num;
  e->text = text;
  return (uint32_t)t->count++;
}

/* trace_add_text when there is no room yet: rare, so kept out of its path (which then saves no
 * register). */
__attribute__((noinline)) static uint32_t add_text_slow(trace *t, trace_kind kind, double time,
                                                        int32_t task, int32_t a, int32_t b,
                                                        int32_t line, double num, uint32_t text) {
  if (!make_room(t))
    return UINT32_MAX;
  return put_event(t, kind, time, task, a, b, line, num, text < t->pool_len ? text : TRACE_NO_TEXT);
}

uint32_t trace_add_text(trace *t, trace_kind kind, double time, int32_t task, int32_t a, int32_t b,
                        int32_t line, double num, uint32_t text) {
  if (t->count >= t->room_end)
    return add_text_slow(t, kind, time, task, a, b, line, num, text);
  return put_event(t, kind, time, task, a, b, line, num, text < t->pool_len ? text : TRACE_NO_TEXT);
}

uint32_t trace_add(trace *t, trace_kind kind, double time, int32_t task, int32_t a, int32_t b,
                   int32_t line, double num, const char *text, size_t text_len) {
  if (!text)
    return trace_add_text(t, kind, time, task, a, b, line, num, TRACE_NO_TEXT);
  if (t->count >= t->room_end && !make_room(t))
    return UINT32_MAX;
  /* the slot is taken before the text is stored: a text that runs out of memory still leaves
   * its event, as the last one */
  uint32_t step = put_event(t, kind, time, task, a, b, line, num, TRACE_NO_TEXT);
  t->events[step - t->base].text = pool_add(t, text, text_len);
  return step;
}

static size_t keyed_slot(uint32_t tag, uint64_t key) {
  uint64_t h = (key ^ (key >> 29) ^ ((uint64_t)tag << 32)) * 0x9e3779b97f4a7c15u;
  return (size_t)(h >> 54) & (KEYED_SLOTS - 1);
}

uint32_t trace_keyed_text(const trace *t, uint32_t tag, uint64_t key) {
  if (!t->keyed)
    return TRACE_NO_TEXT;
  const keyed_text *k = &t->keyed[keyed_slot(tag, key)];
  return k->off != TRACE_NO_TEXT && k->key == key && k->tag == tag ? k->off : TRACE_NO_TEXT;
}

uint32_t trace_keyed_text_add(trace *t, uint32_t tag, uint64_t key, const char *s, size_t len) {
  if (!t->keyed) {
    t->keyed = malloc(KEYED_SLOTS * sizeof *t->keyed);
    if (!t->keyed)
      return pool_add(t, s, len); /* not kept: found again next time */
    for (size_t i = 0; i < KEYED_SLOTS; i++)
      t->keyed[i].off = TRACE_NO_TEXT;
  }
  uint32_t off = pool_add(t, s, len);
  keyed_text *k = &t->keyed[keyed_slot(tag, key)];
  k->key = key;
  k->tag = tag;
  k->off = off;
  return off;
}

int32_t trace_add_task(trace *t, double time, const char *name, const char *label, int32_t parent,
                       int32_t line) {
  if (t->ntasks == t->tasks_cap) {
    size_t n = t->tasks_cap ? t->tasks_cap * 2 : 16;
    writer_idle(t); /* it may be reading the tasks */
    trace_task *q = realloc(t->tasks, n * sizeof *q);
    if (!q) {
      stop_recording(t);
      return -1;
    }
    t->tasks = q;
    t->tasks_cap = n;
  }
  int32_t id = (int32_t)t->ntasks;
  trace_task *k = &t->tasks[t->ntasks++];
  size_t name_len = strlen(name), label_len = strlen(label);
  k->name = pool_add(t, name, name_len);
  k->label = pool_add(t, label, label_len);
  t->longest_name = name_len > t->longest_name ? name_len : t->longest_name;
  t->longest_label = label_len > t->longest_label ? label_len : t->longest_label;
  k->parent = parent;
  k->line = line;
  k->created = (uint32_t)t->count;
  trace_add_text(t, TR_TASK_CREATED, time, id, parent, -1, line, 0, k->label); /* its copy */
  return id;
}

bool trace_rename_task(trace *t, int32_t task, const char *name) {
  if (task < 0 || (size_t)task >= t->ntasks)
    return false;
  size_t len = strlen(name);
  uint32_t off = pool_add(t, name, len);
  if (off == TRACE_NO_TEXT)
    return false;
  writer_idle(t); /* it may be reading the name */
  t->tasks[task].name = off;
  t->longest_name = len > t->longest_name ? len : t->longest_name;
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
  return step >= t->base && step < t->count ? &t->events[step - t->base] : NULL;
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
  for (size_t i = t->count; i-- > t->base;)
    if (t->events[i - t->base].kind == TR_RUN_END)
      return t->events[i - t->base].a;
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
  if (t->base) /* a streaming trace forgot the events before */
    return false;
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
/* The queue index                                                          */
/* ------------------------------------------------------------------------ */

enum {
  QINDEX_CHECK_MIN = 1024 /* events between checkpoints, at least */
};

/* One stay of a handle in the ready queue or in the timers: present after
 * the events [0, n) exactly when start < n <= end. */
typedef struct qentry {
  trace_handle h; /* what the queue lists */
  uint32_t start; /* the event that put it there */
  uint32_t end;   /* the event that took it out, or UINT32_MAX */
} qentry;

/* The queues after the events [0, event): entry indices, ready ones in
 * push order, timers by rank. */
typedef struct qcheck {
  uint32_t event; /* events applied */
  size_t ready;   /* offset in alive of its ready entries */
  size_t nready;  /* how many */
  size_t timers;  /* offset in alive of its timers */
  size_t ntimers; /* how many */
} qcheck;

struct trace_qindex {
  const trace *t;       /* the trace */
  bool replay;          /* a NaN deadline: timers do not sort; answers replay */
  uint32_t count;       /* events indexed */
  qentry *ready;        /* ready-queue stays, in push order */
  size_t nready;        /* entries */
  qentry *timers;       /* timer stays, in scheduling order */
  size_t ntimers;       /* entries */
  uint32_t *rank;       /* per timer: its place by (deadline, scheduling) */
  uint32_t *by_rank;    /* the timer at each place: rank's inverse */
  uint32_t *ready_ends; /* the ready stays' ends, sorted */
  uint32_t *timer_ends; /* the timers' ends, sorted */
  qcheck *checks;       /* checkpoints, by event */
  size_t nchecks;       /* entries */
  uint32_t *alive;      /* the checkpoints' entry indices */
  size_t nalive;        /* used */
  size_t cap_alive;     /* allocated */
};

void trace_qindex_free(trace_qindex *x) {
  if (!x)
    return;
  free(x->ready);
  free(x->timers);
  free(x->rank);
  free(x->by_rank);
  free(x->ready_ends);
  free(x->timer_ends);
  free(x->checks);
  free(x->alive);
  free(x);
}

static bool qgrow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap : 64;
  while (n < need)
    n *= 2;
  void *p = realloc(*arr, n * elem);
  if (!p)
    return false;
  *arr = p;
  *cap = n;
  return true;
}

static int cmp_u32(const void *pa, const void *pb) {
  uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
  return a < b ? -1 : a > b;
}

/* A timer's sort key: by deadline, then scheduling order, the order of
 * trace_queues_at's stable insertion (every deadline being a number). */
typedef struct qkey {
  double when;  /* deadline */
  uint32_t idx; /* scheduling order */
} qkey;

static int by_deadline(const void *pa, const void *pb) {
  const qkey *a = pa, *b = pb;
  if (a->when != b->when)
    return a->when < b->when ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* First entry of a[0..n) whose start is >= e: the stays begun before e. */
static size_t starts_before(const qentry *a, size_t n, uint32_t e) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a[mid].start < e)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static size_t ends_before(const uint32_t *a, size_t n, uint32_t e) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a[mid] < e)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The entries present after the events [0, e), from checkpoint c: at most
 * max of each queue, in queue order, as entry indices. The stays begun
 * since c are a range of each array; a new timer may sort anywhere, so the
 * max smallest ranks among them are kept by insertion and merged with c's. */
static void qcollect(const trace_qindex *x, const qcheck *c, uint32_t e, size_t rmax, size_t tmax,
                     uint32_t *ready, size_t *nready, uint32_t *timers, size_t *ntimers,
                     uint32_t *scratch) {
  size_t n = 0, max = rmax;
  for (size_t j = 0; j < c->nready && n < max; j++) {
    uint32_t k = x->alive[c->ready + j];
    if (x->ready[k].end >= e)
      ready[n++] = k;
  }
  size_t hi = starts_before(x->ready, x->nready, e);
  for (size_t k = starts_before(x->ready, x->nready, c->event); k < hi && n < max; k++)
    if (x->ready[k].end >= e)
      ready[n++] = (uint32_t)k;
  *nready = n;
  *ntimers = 0;
  max = tmax;
  if (max == 0)
    return;
  /* new timers alive at e, the max best ranks, sorted by rank */
  size_t m = 0;
  hi = starts_before(x->timers, x->ntimers, e);
  if (max == SIZE_MAX) { /* all of them (a checkpoint): sorted by rank */
    for (size_t k = starts_before(x->timers, x->ntimers, c->event); k < hi; k++)
      if (x->timers[k].end >= e)
        scratch[m++] = x->rank[k];
    qsort(scratch, m, sizeof *scratch, cmp_u32);
    for (size_t j = 0; j < m; j++)
      scratch[j] = x->by_rank[scratch[j]];
  } else { /* the max best: kept sorted by insertion */
    for (size_t k = starts_before(x->timers, x->ntimers, c->event); k < hi; k++) {
      if (x->timers[k].end < e)
        continue;
      uint32_t r = x->rank[k];
      if (m == max && r > x->rank[scratch[m - 1]])
        continue;
      size_t at = m < max ? m++ : m - 1;
      while (at > 0 && x->rank[scratch[at - 1]] > r) {
        scratch[at] = scratch[at - 1];
        at--;
      }
      scratch[at] = (uint32_t)k;
    }
  }
  n = 0;
  size_t i = 0, j = 0;
  while (n < max) {
    uint32_t old = UINT32_MAX;
    while (i < c->ntimers) {
      uint32_t k = x->alive[c->timers + i];
      if (x->timers[k].end >= e) {
        old = k;
        break;
      }
      i++;
    }
    if (old == UINT32_MAX && j == m)
      break;
    if (old != UINT32_MAX && (j == m || x->rank[old] < x->rank[scratch[j]])) {
      timers[n++] = old;
      i++;
    } else {
      timers[n++] = scratch[j++];
    }
  }
  *ntimers = n;
}

/* The checkpoint to start from for the events [0, e): the last at or before
 * e. */
static const qcheck *qcheck_for(const trace_qindex *x, uint32_t e) {
  size_t lo = 0, hi = x->nchecks;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (x->checks[mid].event <= e)
      lo = mid + 1;
    else
      hi = mid;
  }
  return &x->checks[lo - 1]; /* checks[0] is at event 0 */
}

/* Pass 1: every stay's start, end and what it shows, with the first-match
 * rules of trace_queues_at (per handle id, a chain of its present stays). */
static bool qindex_stays(trace_qindex *x) {
  const trace *t = x->t;
  int32_t lo = 0, hi = -1;
  for (size_t i = 0; i < t->count; i++) {
    const trace_event *e = &t->events[i];
    if (e->kind == TR_READY_PUSH || e->kind == TR_READY_POP || e->kind == TR_TIMER_ADD ||
        e->kind == TR_TIMER_CANCEL) {
      if (hi < lo)
        lo = hi = e->a;
      lo = e->a < lo ? e->a : lo;
      hi = e->a > hi ? e->a : hi;
      if (e->kind == TR_TIMER_ADD && isnan(e->num))
        x->replay = true;
    }
  }
  if (x->replay)
    return true;
  size_t ids = hi >= lo ? (size_t)((int64_t)hi - lo + 1) : 0;
  int32_t *rhead = malloc((ids ? ids : 1) * sizeof *rhead);
  int32_t *rtail = malloc((ids ? ids : 1) * sizeof *rtail);
  int32_t *thead = malloc((ids ? ids : 1) * sizeof *thead);
  int32_t *ttail = malloc((ids ? ids : 1) * sizeof *ttail);
  int32_t *rnext = NULL, *tnext = NULL;
  size_t rcap = 0, tcap = 0, rncap = 0, tncap = 0;
  bool ok = rhead && rtail && thead && ttail;
  for (size_t i = 0; ok && i < ids; i++)
    rhead[i] = rtail[i] = thead[i] = ttail[i] = -1;
  for (size_t i = 0; ok && i < t->count; i++) {
    const trace_event *e = &t->events[i];
    size_t id = (size_t)((int64_t)e->a - lo);
    switch (e->kind) {
    case TR_READY_PUSH: {
      trace_handle h = {e->a, e->b, e->task, e->num, e->text};
      /* the first timer of that id in timer order moves over */
      int32_t best = -1, prev = -1, best_prev = -1;
      for (int32_t k = thead[id]; k >= 0; prev = k, k = tnext[k])
        if (best < 0 || x->timers[k].h.when < x->timers[best].h.when) {
          best = k;
          best_prev = prev;
        }
      if (best >= 0) {
        h = x->timers[best].h;
        x->timers[best].end = (uint32_t)i;
        if (best_prev < 0)
          thead[id] = tnext[best];
        else
          tnext[best_prev] = tnext[best];
        if (ttail[id] == best)
          ttail[id] = best_prev;
      }
      if (!qgrow((void **)&x->ready, &rcap, x->nready + 1, sizeof *x->ready) ||
          !qgrow((void **)&rnext, &rncap, x->nready + 1, sizeof *rnext)) {
        ok = false;
        break;
      }
      int32_t k = (int32_t)x->nready++;
      x->ready[k] = (qentry){h, (uint32_t)i, UINT32_MAX};
      rnext[k] = -1;
      if (rtail[id] >= 0)
        rnext[rtail[id]] = k;
      else
        rhead[id] = k;
      rtail[id] = k;
      break;
    }
    case TR_READY_POP: {
      int32_t k = rhead[id];
      if (k >= 0) {
        x->ready[k].end = (uint32_t)i;
        rhead[id] = rnext[k];
        if (rhead[id] < 0)
          rtail[id] = -1;
      }
      break;
    }
    case TR_TIMER_ADD: {
      if (!qgrow((void **)&x->timers, &tcap, x->ntimers + 1, sizeof *x->timers) ||
          !qgrow((void **)&tnext, &tncap, x->ntimers + 1, sizeof *tnext)) {
        ok = false;
        break;
      }
      int32_t k = (int32_t)x->ntimers++;
      x->timers[k] = (qentry){{e->a, e->b, e->task, e->num, e->text}, (uint32_t)i, UINT32_MAX};
      tnext[k] = -1;
      if (ttail[id] >= 0)
        tnext[ttail[id]] = k;
      else
        thead[id] = k;
      ttail[id] = k;
      break;
    }
    case TR_TIMER_CANCEL: {
      int32_t best = -1, prev = -1, best_prev = -1;
      for (int32_t k = thead[id]; k >= 0; prev = k, k = tnext[k])
        if (best < 0 || x->timers[k].h.when < x->timers[best].h.when) {
          best = k;
          best_prev = prev;
        }
      if (best >= 0) {
        x->timers[best].end = (uint32_t)i;
        if (best_prev < 0)
          thead[id] = tnext[best];
        else
          tnext[best_prev] = tnext[best];
        if (ttail[id] == best)
          ttail[id] = best_prev;
      }
      break;
    }
    default:
      break;
    }
  }
  free(rhead);
  free(rtail);
  free(thead);
  free(ttail);
  free(rnext);
  free(tnext);
  return ok;
}

/* Ranks, sorted ends and the checkpoints, each made from the one before. */
static bool qindex_checks(trace_qindex *x) {
  size_t nt = x->ntimers, nr = x->nready;
  x->rank = malloc((nt ? nt : 1) * sizeof *x->rank);
  x->by_rank = malloc((nt ? nt : 1) * sizeof *x->by_rank);
  x->ready_ends = malloc((nr ? nr : 1) * sizeof *x->ready_ends);
  x->timer_ends = malloc((nt ? nt : 1) * sizeof *x->timer_ends);
  qkey *keys = malloc((nt ? nt : 1) * sizeof *keys);
  uint32_t *scratch = malloc((nr + nt + 1) * sizeof *scratch);
  bool ok = x->rank && x->by_rank && x->ready_ends && x->timer_ends && keys && scratch;
  if (ok) {
    for (size_t k = 0; k < nt; k++)
      keys[k] = (qkey){x->timers[k].h.when, (uint32_t)k};
    qsort(keys, nt, sizeof *keys, by_deadline);
    for (size_t k = 0; k < nt; k++) {
      x->rank[keys[k].idx] = (uint32_t)k;
      x->by_rank[k] = keys[k].idx;
    }
    for (size_t k = 0; k < nr; k++)
      x->ready_ends[k] = x->ready[k].end;
    for (size_t k = 0; k < nt; k++)
      x->timer_ends[k] = x->timers[k].end;
    qsort(x->ready_ends, nr, sizeof *x->ready_ends, cmp_u32);
    qsort(x->timer_ends, nt, sizeof *x->timer_ends, cmp_u32);
  }
  free(keys);
  size_t cap_checks = 0;
  if (ok && !qgrow((void **)&x->checks, &cap_checks, 1, sizeof *x->checks))
    ok = false;
  if (ok) {
    x->checks[0] = (qcheck){0, 0, 0, 0, 0};
    x->nchecks = 1;
  }
  while (ok) {
    const qcheck *c = &x->checks[x->nchecks - 1];
    size_t gap = c->nready + c->ntimers;
    if (gap < QINDEX_CHECK_MIN)
      gap = QINDEX_CHECK_MIN;
    if ((size_t)x->count - c->event <= gap)
      break;
    uint32_t e = c->event + (uint32_t)gap;
    size_t r_len = starts_before(x->ready, nr, e) - ends_before(x->ready_ends, nr, e);
    size_t t_len = starts_before(x->timers, nt, e) - ends_before(x->timer_ends, nt, e);
    if (!qgrow((void **)&x->alive, &x->cap_alive, x->nalive + r_len + t_len, sizeof *x->alive) ||
        !qgrow((void **)&x->checks, &cap_checks, x->nchecks + 1, sizeof *x->checks)) {
      ok = false;
      break;
    }
    c = &x->checks[x->nchecks - 1];
    qcheck next = {e, x->nalive, 0, x->nalive + r_len, 0};
    qcollect(x, c, e, SIZE_MAX, SIZE_MAX, x->alive + next.ready, &next.nready,
             x->alive + next.timers, &next.ntimers, scratch);
    x->nalive = next.timers + next.ntimers;
    x->checks[x->nchecks++] = next;
  }
  free(scratch);
  return ok;
}

trace_qindex *trace_qindex_new(const trace *t) {
  if (t->base) /* a streaming trace forgot the events before */
    return NULL;
  trace_qindex *x = calloc(1, sizeof *x);
  if (!x)
    return NULL;
  x->t = t;
  x->count = (uint32_t)t->count;
  if (!qindex_stays(x) || (!x->replay && !qindex_checks(x))) {
    trace_qindex_free(x);
    return NULL;
  }
  return x;
}

bool trace_qindex_at(const trace_qindex *x, size_t step, size_t max, trace_queues *out,
                     size_t *ready_len, size_t *timers_len) {
  memset(out, 0, sizeof *out);
  if (x->replay) { /* the reference answer, cut to max */
    if (!trace_queues_at(x->t, step, out))
      return false;
    *ready_len = out->nready;
    *timers_len = out->ntimers;
    out->nready = out->nready < max ? out->nready : max;
    out->ntimers = out->ntimers < max ? out->ntimers : max;
    return true;
  }
  uint32_t e = step < x->count ? (uint32_t)step + 1 : x->count;
  *ready_len = starts_before(x->ready, x->nready, e) - ends_before(x->ready_ends, x->nready, e);
  *timers_len = starts_before(x->timers, x->ntimers, e) - ends_before(x->timer_ends, x->ntimers, e);
  size_t nr = *ready_len < max ? *ready_len : max, nt = *timers_len < max ? *timers_len : max;
  uint32_t *idx = malloc((nr + 2 * nt + 1) * sizeof *idx); /* ready, timers, scratch */
  out->ready = malloc((nr ? nr : 1) * sizeof *out->ready);
  out->timers = malloc((nt ? nt : 1) * sizeof *out->timers);
  if (!idx || !out->ready || !out->timers) {
    free(idx);
    trace_queues_free(out);
    return false;
  }
  size_t gr = 0, gt = 0;
  qcollect(x, qcheck_for(x, e), e, nr, nt, idx, &gr, idx + nr, &gt, idx + nr + nt);
  /* qcollect lists min(max asked, length) of each: nr and nt */
  for (size_t i = 0; i < gr; i++)
    out->ready[i] = x->ready[idx[i]].h;
  for (size_t i = 0; i < gt; i++)
    out->timers[i] = x->timers[idx[nr + i]].h;
  out->nready = gr;
  out->ntimers = gt;
  free(idx);
  return true;
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

/* The names of the wakes and of the callback kinds, then "?" for any other value, in rows of
 * 16 bytes (the text layout copies a row whole), and their lengths. */
enum { WAKE_NAMES = 8, CB_NAMES = 5 };
static const char wake_names[WAKE_NAMES + 1][16] = {
    "start", "timer", "task", "gather", "future", "yield", "exception", "cancel", "?"};
static const uint8_t wake_name_lens[WAKE_NAMES + 1] = {5, 5, 4, 6, 6, 5, 9, 6, 1};
static const char cb_names[CB_NAMES + 1][16] = {"step",     "wakeup", "timer", "future-callback",
                                                "callback", "?"};
static const uint8_t cb_name_lens[CB_NAMES + 1] = {4, 6, 5, 15, 8, 1};

static size_t wake_row(int32_t w) { return w >= 0 && w < WAKE_NAMES ? (size_t)w : WAKE_NAMES; }
static size_t cb_row(int32_t cb) { return cb >= 0 && cb < CB_NAMES ? (size_t)cb : CB_NAMES; }

const char *trace_wake_name(trace_wake w) { return wake_names[wake_row((int32_t)w)]; }

const char *trace_wait_name(trace_wait w) {
  static const char *const names[] = {"sleep", "yield", "task", "gather", "sync", "future"};
  return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

static const char *cb_name(int32_t cb) { return cb_names[cb_row(cb)]; }

/* fmt_buf_append and its kin, inlined here: the writers make tens of millions
 * of small appends to a long trace's text. Failures (memory) are left to show
 * as missing text, as fmt_buf_append leaves them. */
static inline void w_put(fmt_buf *out, const char *s, size_t n) {
  if (out->len + n + 1 > out->cap && fmt_buf_reserve(out, n) != FMT_OK)
    return;
  memcpy(out->data + out->len, s, n);
  out->len += n;
  out->data[out->len] = '\0';
}

static inline void w_puts(fmt_buf *out, const char *s) { w_put(out, s, strlen(s)); }

static inline void w_putc(fmt_buf *out, char c) { w_put(out, &c, 1); }

/* Fast pieces of the text and JSON writers: a trace of millions of events
 * spent most of its writing time in printf. Each gives the bytes printf's
 * conversion named beside it gives. */

/* The digits of u, two at a time, ending at end: where they begin. */
static char *digits_before(char *end, uint64_t u) {
  static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233"
                              "34353637383940414243444546474849505152535455565758596061626364656667"
                              "6869707172737475767778798081828384858687888990919293949596979899";
  while (u >= 100) {
    unsigned k = (unsigned)(u % 100) * 2;
    u /= 100;
    *--end = pairs[k + 1];
    *--end = pairs[k];
  }
  if (u >= 10) {
    *--end = pairs[u * 2 + 1];
    *--end = pairs[u * 2];
  } else {
    *--end = (char)('0' + u);
  }
  return end;
}

/* digits_before for 32 bits, whose divisions are cheaper. */
static char *digits32_before(char *end, uint32_t u) {
  static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233"
                              "34353637383940414243444546474849505152535455565758596061626364656667"
                              "6869707172737475767778798081828384858687888990919293949596979899";
  while (u >= 100) {
    unsigned k = (u % 100) * 2;
    u /= 100;
    *--end = pairs[k + 1];
    *--end = pairs[k];
  }
  if (u >= 10) {
    *--end = pairs[u * 2 + 1];
    *--end = pairs[u * 2];
  } else {
    *--end = (char)('0' + u);
  }
  return end;
}

/* "%d" / "%u" */
static void append_int(fmt_buf *out, int64_t v) {
  char buf[24];
  char *p = digits_before(buf + sizeof buf, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
  if (v < 0)
    *--p = '-';
  w_put(out, p, (size_t)(buf + sizeof buf - p));
}

/* A number as it was last formatted: times repeat over many events in a
 * row, so each distinct one goes through printf (or repr) once. */
typedef struct num_memo {
  double x;      /* the number (json_num_memo) */
  uint64_t bits; /* its bits (put_fixed6) */
  bool valid;    /* s holds its text */
  char s[400];   /* its text ("%.6f" of 1e300 is 307 digits and more) */
  size_t n;      /* bytes of s */
} num_memo;

/* "%.6f" of x in m->s without printf, for 0 <= x < 1e9 whose millionths are not near a half (the
 * product x * 1e6 is then within 1/16 of the exact one, so its nearest integer is the exact
 * value's, which printf prints); false otherwise. */
static bool fast_fixed6(double x, num_memo *m) {
  if (!(x >= 0 && x < 1e9) || signbit(x))
    return false;
  double y = x * 1e6, r = nearbyint(y);
  if (fabs(y - r) > 0.4)
    return false;
  uint64_t u = (uint64_t)r;
  char buf[32];
  char *end = buf + sizeof buf, *p = digits_before(end, u % 1000000);
  while (p > end - 6)
    *--p = '0';
  *--p = '.';
  p = digits_before(p, u / 1000000);
  m->n = (size_t)(end - p);
  memcpy(m->s, p, m->n);
  return true;
}

/* ---- the text layout ---- */

/* The text layout writes each line straight into the buffer: room for the whole line is made
 * first (LINE_ROOM for everything but the strings from the pool, which are counted), then the
 * pieces are copied in without further checks. */
enum {
  LINE_ROOM = 1024 /* > two "%.6f" (at most 317 bytes each), a "%g", four integers, the words */
};

/* Copies a string literal. */
#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) += sizeof(lit) - 1)

static inline char *put(char *p, const char *s, size_t n) {
  memcpy(p, s, n);
  return p + n;
}

/* n bytes of a string in the pool (or none). */
static inline char *put_pooled(char *p, const char *s, size_t n) {
  /* 16 bytes at a time: the pool has POOL_SLACK bytes past its last string, the line's room
   * more than 16 past its end; what is copied past n is written over or never counted */
  for (size_t i = 0; i < n; i += 16)
    memcpy(p + i, s + i, 16);
  return p + n;
}

/* A pool string (its length from the pool). */
static inline char *put_text(char *p, const trace *t, uint32_t off) {
  size_t n = text_len(t, off);
  return n ? put_pooled(p, t->pool + off, n) : p;
}

/* "%d" */
static inline char *put_int(char *p, int64_t v) {
  char buf[40], *end = buf + 24; /* 16 bytes after the digits, read by the copy below */
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  char *q = u <= UINT32_MAX ? digits32_before(end, (uint32_t)u) : digits_before(end, u);
  if (v < 0)
    *--q = '-';
  size_t n = (size_t)(end - q);
  if (n > 16)
    return put(p, q, n);
  memcpy(p, q, 16); /* a fixed-size copy is a move or two; the line's room has plenty */
  return p + n;
}

/* "%.6f" of x into m, unless it holds it already. */
static void fixed6_memo(double x, uint64_t bits, num_memo *m) {
  m->valid = false;
  if (!fast_fixed6(x, m)) {
    int n = snprintf(m->s, sizeof m->s, "%.6f", x);
    if (n < 0 || (size_t)n >= sizeof m->s) /* never for a double */
      return;
    m->n = (size_t)n;
  }
  m->bits = bits;
  m->valid = true;
}

/* "%.6f", through the memo m: a number repeated is copied (inlined, the common case). */
static inline char *put_fixed6(char *p, double x, num_memo *m) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  if (!m->valid || bits != m->bits) {
    fixed6_memo(x, bits, m);
    if (!m->valid)
      return p;
  }
  if (m->n <= 32) {
    memcpy(p, m->s, 32); /* whole: s holds 400 bytes, the line's room has plenty */
    return p + m->n;
  }
  return put(p, m->s, m->n);
}

/* "%-5u " of consecutive step numbers, counted in decimal text: digits[0, n) are the current
 * number's. */
typedef struct step_text {
  char digits[16]; /* the digits, then spaces */
  size_t n;        /* how many digits */
} step_text;

static void step_text_set(step_text *s, uint32_t step) {
  char buf[16];
  char *q = digits32_before(buf + sizeof buf, step);
  s->n = (size_t)(buf + sizeof buf - q);
  memset(s->digits, ' ', sizeof s->digits);
  memcpy(s->digits, q, s->n);
}

/* The next number. */
static void step_text_next(step_text *s) {
  size_t i = s->n;
  while (i > 0 && s->digits[i - 1] == '9')
    s->digits[--i] = '0';
  if (i > 0) {
    s->digits[i - 1]++;
    return;
  }
  memmove(s->digits + 1, s->digits, s->n); /* 999 -> 1000 */
  s->digits[0] = '1';
  s->n++;
}

static char *put_step(char *p, const step_text *s) {
  memcpy(p, s->digits, sizeof s->digits); /* digits, spaces */
  return p + (s->n < 5 ? 5 : s->n) + 1;
}

/* A task as "NAME LABEL", or "-" for none. */
static char *put_task(char *p, const trace *t, const trace_task *k) {
  if (!k) {
    *p++ = '-';
    return p;
  }
  p = put_text(p, t, k->name);
  *p++ = ' ';
  return put_text(p, t, k->label);
}

/* A task's name ("" for none). */
static char *put_name(char *p, const trace *t, const trace_task *k) {
  return k ? put_text(p, t, k->name) : p;
}

/* Quotes text on one line: newlines, tabs, returns, quotes and backslashes escaped. */
static char *put_quoted(char *p, const char *s, size_t n) {
  *p++ = '"';
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    switch (c) {
    case '\n':
      PUT_LIT(p, "\\n");
      break;
    case '\t':
      PUT_LIT(p, "\\t");
      break;
    case '\r':
      PUT_LIT(p, "\\r");
      break;
    case '"':
      PUT_LIT(p, "\\\"");
      break;
    case '\\':
      PUT_LIT(p, "\\\\");
      break;
    default:
      *p++ = c;
      break;
    }
  }
  *p++ = '"';
  return p;
}

/* "%-9s " of each kind's name (16 bytes a row: copied whole). */
static const char *kind_column(trace_kind k) {
  static const char cols[TR__COUNT + 1][16] = {
      "run-start ", "run-end   ", "created   ", "step      ", "suspend   ", "return    ",
      "raise     ", "ready     ", "run       ", "timer     ", "fire      ", "untimer   ",
      "clock     ", "block     ", "print     ", "done      ", "cancel    ", "warn      ",
      "deadlock  ", "line      ", "?         "};
  return cols[(unsigned)k < TR__COUNT ? (unsigned)k : TR__COUNT];
}

bool trace_write_text(const trace *t, fmt_buf *out) {
  return trace_write_text_range(t, 0, t->count, out);
}

/* The events [first, first + n) clamped to the trace: their end. */
static size_t range_end(const trace *t, size_t first, size_t n) {
  if (first > t->count)
    return t->count;
  return n < t->count - first ? first + n : t->count;
}

/* The first of the events [first, ...) still held: a streaming trace forgot those before base. */
static size_t range_first(const trace *t, size_t first) {
  return first < t->base ? t->base : first;
}

bool trace_write_text_range(const trace *t, size_t first, size_t n, fmt_buf *out) {
  num_memo time_memo = {0}, num_memo_ = {0};
  step_text step;
  size_t end = range_end(t, first, n);
  first = range_first(t, first);
  size_t room = LINE_ROOM + 2 * t->longest_name + 1 + t->longest_label;
  if (first < end)
    step_text_set(&step, (uint32_t)first);
  for (size_t i = first; i < end; i++) {
    const trace_event *e = &t->events[i - t->base];
    const trace_task *k = trace_task_at(t, e->task);
    size_t tl = text_len(t, e->text);
    /* the line names at most a task, another task's name and the text (quoted: doubled) */
    if (out->cap - out->len < room + 2 * tl + 1 && fmt_buf_reserve(out, room + 2 * tl) != FMT_OK)
      return false;
    const char *text = trace_text(t, e->text);
    char *p = out->data + out->len;
    /* "%.6f  #%-5u %-9s " */
    p = put_fixed6(p, e->time, &time_memo);
    PUT_LIT(p, "  #");
    p = put_step(p, &step);
    step_text_next(&step);
    memcpy(p, kind_column(e->kind), 16);
    p += 10;
    switch (e->kind) {
    case TR_RUN_START:
      p = put_pooled(p, text, tl);
      break;
    case TR_RUN_END:
      PUT_LIT(p, "exit status ");
      p = put_int(p, e->a);
      break;
    case TR_TASK_CREATED:
      p = put_task(p, t, k);
      PUT_LIT(p, "  by ");
      if (e->a >= 0)
        p = put_name(p, t, trace_task_at(t, e->a));
      else
        PUT_LIT(p, "the program");
      if (e->line) {
        PUT_LIT(p, " at line ");
        p = put_int(p, e->line);
      }
      break;
    case TR_STEP_BEGIN:
      p = put_task(p, t, k);
      PUT_LIT(p, "  <- ");
      memcpy(p, wake_names[wake_row(e->a)], 16);
      p += wake_name_lens[wake_row(e->a)];
      if (e->a == WAKE_TASK) {
        *p++ = ' ';
        p = put_name(p, t, trace_task_at(t, e->b));
      }
      if (tl) {
        *p++ = ' ';
        p = put_pooled(p, text, tl);
      }
      break;
    case TR_STEP_SUSPEND:
      p = put_task(p, t, k);
      PUT_LIT(p, "  awaits ");
      p = put_pooled(p, text, tl);
      if (e->a == WAIT_SLEEP) {
        PUT_LIT(p, " until ");
        p = put_fixed6(p, e->num, &num_memo_);
      }
      if (e->line) {
        PUT_LIT(p, " at line ");
        p = put_int(p, e->line);
      }
      break;
    case TR_STEP_RETURN:
      p = put_task(p, t, k);
      PUT_LIT(p, "  -> ");
      p = put_pooled(p, text, tl);
      break;
    case TR_STEP_RAISE:
      p = put_task(p, t, k);
      if (e->a)
        PUT_LIT(p, "  cancelled by ");
      else
        PUT_LIT(p, "  raised ");
      p = put_pooled(p, text, tl);
      break;
    case TR_READY_PUSH:
      PUT_LIT(p, "handle ");
      p = put_int(p, e->a);
      *p++ = ' ';
      memcpy(p, cb_names[cb_row(e->b)], 16);
      p += cb_name_lens[cb_row(e->b)];
      if (e->task >= 0) {
        PUT_LIT(p, " of ");
        p = put_name(p, t, k);
      }
      if (tl) {
        PUT_LIT(p, " (");
        p = put_pooled(p, text, tl);
        *p++ = ')';
      }
      break;
    case TR_READY_POP:
    case TR_TIMER_FIRE:
    case TR_TIMER_CANCEL:
      PUT_LIT(p, "handle ");
      p = put_int(p, e->a);
      break;
    case TR_TIMER_ADD:
      PUT_LIT(p, "handle ");
      p = put_int(p, e->a);
      PUT_LIT(p, " at ");
      p = put_fixed6(p, e->num, &num_memo_);
      if (e->task >= 0) {
        PUT_LIT(p, " for ");
        p = put_name(p, t, k);
      }
      break;
    case TR_CLOCK_JUMP:
      p = put_fixed6(p, e->num, &num_memo_);
      PUT_LIT(p, " -> ");
      p = put_fixed6(p, e->time, &time_memo);
      break;
    case TR_BLOCK: {
      p = put_task(p, t, k);
      PUT_LIT(p, "  blocks the loop for ");
      int g = snprintf(p, 32, "%g", e->num); /* at most 13 bytes ("-1.23457e+308") */
      p += g > 0 && g < 32 ? g : 0;
      PUT_LIT(p, " s (time.sleep)");
      break;
    }
    case TR_PRINT:
      if (e->task >= 0) {
        p = put_name(p, t, k);
        *p++ = ' ';
      }
      p = put_quoted(p, text, tl);
      break;
    case TR_FUTURE_DONE:
      PUT_LIT(p, "future ");
      p = put_int(p, e->a);
      if (e->b == 0)
        PUT_LIT(p, " result");
      else if (e->b == 1)
        PUT_LIT(p, " exception");
      else
        PUT_LIT(p, " cancelled");
      if (e->task >= 0) {
        PUT_LIT(p, " (");
        p = put_name(p, t, k);
        *p++ = ')';
      }
      if (tl) {
        *p++ = ' ';
        p = put_pooled(p, text, tl);
      }
      break;
    case TR_CANCEL:
      p = put_task(p, t, k);
      if (e->b >= 0) {
        PUT_LIT(p, "  by ");
        p = put_name(p, t, trace_task_at(t, e->b));
      }
      if (tl) {
        PUT_LIT(p, " msg ");
        p = put_pooled(p, text, tl);
      }
      break;
    case TR_WARNING:
    case TR_DEADLOCK:
      p = put_quoted(p, text, tl);
      break;
    case TR_LINE:
      if (e->task >= 0) {
        p = put_name(p, t, k);
        *p++ = ' ';
      }
      PUT_LIT(p, "line ");
      p = put_int(p, e->line);
      break;
    default:
      break;
    }
    *p++ = '\n';
    out->len = (size_t)(p - out->data);
  }
  if (out->data)
    out->data[out->len] = '\0';
  return true;
}

static void json_str(fmt_buf *out, const char *s) {
  w_putc(out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      w_putc(out, '\\');
      w_putc(out, (char)*p);
    } else if (*p < 0x20) {
      fmt_buf_appendf(out, "\\u%04x", *p);
    } else {
      w_putc(out, (char)*p);
    }
  }
  w_putc(out, '"');
}

static void json_num(fmt_buf *out, double x) {
  if (!isfinite(x)) {
    w_puts(out, "null");
    return;
  }
  fmt_float_repr(out, x);
}

/* json_num, through a memo of the last number. */
static void json_num_memo(fmt_buf *out, double x, num_memo *m) {
  if (!m->valid || memcmp(&m->x, &x, sizeof x) != 0) {
    fmt_buf b;
    fmt_buf_init(&b);
    json_num(&b, x);
    if (b.len >= sizeof m->s) {
      m->valid = false;
      w_put(out, fmt_buf_str(&b), b.len);
      fmt_buf_free(&b);
      return;
    }
    memcpy(m->s, fmt_buf_str(&b), b.len);
    m->n = b.len;
    m->x = x;
    m->valid = true;
    fmt_buf_free(&b);
  }
  w_put(out, m->s, m->n);
}

bool trace_write_jsonl(const trace *t, fmt_buf *out) {
  return trace_write_jsonl_range(t, 0, t->count, out);
}

bool trace_write_jsonl_range(const trace *t, size_t first, size_t n, fmt_buf *out) {
  num_memo time_memo = {0};
  size_t end = range_end(t, first, n);
  for (size_t i = range_first(t, first); i < end; i++) {
    const trace_event *e = &t->events[i - t->base];
    w_puts(out, "{\"step\":");
    append_int(out, (int64_t)i);
    w_puts(out, ",\"time\":");
    json_num_memo(out, e->time, &time_memo);
    w_puts(out, ",\"kind\":");
    json_str(out, trace_kind_name(e->kind));
    if (e->task >= 0) {
      const trace_task *k = trace_task_at(t, e->task);
      w_puts(out, ",\"task\":");
      append_int(out, e->task);
      w_puts(out, ",\"task_name\":");
      json_str(out, trace_text(t, k->name));
      w_puts(out, ",\"coro\":");
      json_str(out, trace_text(t, k->label));
    }
    switch (e->kind) {
    case TR_STEP_BEGIN:
      w_puts(out, ",\"wake\":");
      json_str(out, trace_wake_name((trace_wake)e->a));
      fmt_buf_appendf(out, ",\"ref\":%d", e->b);
      break;
    case TR_STEP_SUSPEND:
      w_puts(out, ",\"wait\":");
      json_str(out, trace_wait_name((trace_wait)e->a));
      fmt_buf_appendf(out, ",\"ref\":%d,\"deadline\":", e->b);
      json_num(out, e->num);
      break;
    case TR_READY_PUSH:
      w_puts(out, ",\"handle\":");
      append_int(out, e->a);
      w_puts(out, ",\"callback\":");
      json_str(out, cb_name(e->b));
      break;
    case TR_READY_POP:
    case TR_TIMER_FIRE:
    case TR_TIMER_CANCEL:
      w_puts(out, ",\"handle\":");
      append_int(out, e->a);
      break;
    case TR_TIMER_ADD:
      fmt_buf_appendf(out, ",\"handle\":%d,\"deadline\":", e->a);
      json_num(out, e->num);
      break;
    case TR_CLOCK_JUMP:
      w_puts(out, ",\"from\":");
      json_num(out, e->num);
      break;
    case TR_BLOCK:
      w_puts(out, ",\"seconds\":");
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
    if (e->line) {
      w_puts(out, ",\"line\":");
      append_int(out, e->line);
    }
    if (e->text != TRACE_NO_TEXT) {
      w_puts(out, ",\"text\":");
      json_str(out, trace_text(t, e->text));
    }
    w_puts(out, "}\n");
  }
  return true;
}
