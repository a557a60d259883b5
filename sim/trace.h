/* trace: the record of one run, the one interface between the simulation
 * and everything that shows it.
 *
 * A trace is an append-only array of events, each stamped with the virtual
 * time and its index (the step number). Everything the window, the captions
 * and the exports show comes from here; nothing downstream re-runs the
 * scenario or looks into the VM. Strings (task labels, reprs, printed text)
 * live in one pool and events refer to them by offset, so a trace is a few
 * flat arrays that can be written, read back and compared byte for byte.
 *
 * Identifiers: tasks are numbered 0, 1, 2 ... in creation order (0 is the
 * main task, "Task-1"); handles (callbacks and timers) and futures have
 * their own counters. -1 means none. */
#ifndef LOOPVIZ_TRACE_H
#define LOOPVIZ_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"

typedef enum trace_kind {
  TR_RUN_START,    /* text: scenario file name */
  TR_RUN_END,      /* a: exit status */
  TR_TASK_CREATED, /* task; a: creating task or -1; line: line of the call; text: label */
  TR_STEP_BEGIN,   /* task; a: trace_wake; b: related id (task, future, handle); text: detail */
  TR_STEP_SUSPEND, /* task; a: trace_wait; b: related id; num: deadline; line; text: what */
  TR_STEP_RETURN,  /* task; text: repr of the returned value */
  TR_STEP_RAISE,   /* task; a: 1 when it ended cancelled; text: the exception's repr */
  TR_READY_PUSH,   /* a: handle; b: trace_cb; task: the task it steps or -1; text: callback */
  TR_READY_POP,    /* a: handle; the handle starts running */
  TR_TIMER_ADD,    /* a: handle; num: deadline; task: the task that sleeps or -1 */
  TR_TIMER_FIRE,   /* a: handle; the deadline passed: it moves to the ready queue */
  TR_TIMER_CANCEL, /* a: handle */
  TR_CLOCK_JUMP,   /* num: the clock before; time: the clock after */
  TR_BLOCK,        /* task; num: seconds the whole loop is blocked (time.sleep) */
  TR_PRINT,        /* task or -1; text: what print wrote */
  TR_FUTURE_DONE,  /* a: future; b: 0 result, 1 exception, 2 cancelled; task: if a task */
  TR_CANCEL,       /* task: the task asked to cancel; b: the asking task or -1; text: msg */
  TR_WARNING,      /* text: a diagnostic (never awaited, never retrieved ...) */
  TR_DEADLOCK,     /* text: the deadlock report */
  TR_LINE,         /* task or -1; line: the statement about to run */
  TR__COUNT
} trace_kind;

/* Why a task step began. */
typedef enum trace_wake {
  WAKE_START,     /* first step of a new task */
  WAKE_TIMER,     /* its sleep's timer fired; b: the timer handle */
  WAKE_TASK,      /* the task it awaited finished; b: that task */
  WAKE_GATHER,    /* the gather it awaited finished; b: the future */
  WAKE_FUTURE,    /* a future it awaited got a result; b: the future */
  WAKE_YIELD,     /* after a bare yield (asyncio.sleep(0)) */
  WAKE_EXCEPTION, /* an exception is thrown in; text: its repr */
  WAKE_CANCEL     /* cancellation is delivered; text: the CancelledError's repr */
} trace_wake;

/* What a suspended task waits for. */
typedef enum trace_wait {
  WAIT_SLEEP,  /* asyncio.sleep(d): num is the deadline, b the timer handle */
  WAIT_YIELD,  /* asyncio.sleep(0): a bare yield, ready again at once */
  WAIT_TASK,   /* another task: b */
  WAIT_GATHER, /* a gather: b is the future */
  WAIT_SYNC,   /* a queue, lock, event, semaphore or condition: text says which */
  WAIT_FUTURE  /* a plain future: b */
} trace_wait;

/* What a ready handle calls. */
typedef enum trace_cb {
  CB_STEP,   /* Task.__step */
  CB_WAKEUP, /* Task.__wakeup */
  CB_TIMER,  /* a sleep's timer callback */
  CB_FUTURE, /* another future callback (gather, run_until_complete) */
  CB_USER    /* a callback of the scenario's (call_soon, call_later ...) */
} trace_cb;

#define TRACE_NO_TEXT UINT32_MAX

/* One event, 40 bytes. Its step number is its index in the trace. */
typedef struct trace_event {
  double time;     /* virtual clock when it happened */
  double num;      /* kind-specific number (deadline, clock before) */
  trace_kind kind; /* what happened */
  int32_t task;    /* the task concerned, or -1 */
  int32_t a;       /* kind-specific (see trace_kind) */
  int32_t b;       /* kind-specific */
  int32_t line;    /* source line, or 0 */
  uint32_t text;   /* offset of a string in the pool, or TRACE_NO_TEXT */
} trace_event;

typedef struct trace_task {
  uint32_t name;    /* pool offset: "Task-3" */
  uint32_t label;   /* pool offset: "fetch_data(1, 2)" */
  int32_t parent;   /* creating task, or -1 */
  int32_t line;     /* line of the create_task / gather / run call */
  uint32_t created; /* step of its TR_TASK_CREATED event */
} trace_task;

typedef struct trace trace;

/* ---- recording ---- */
trace *trace_new(bool lines); /* lines: also record TR_LINE events */
void trace_free(trace *t);
bool trace_lines_enabled(const trace *t);
/* Appends an event; returns its step, or UINT32_MAX when memory ran out
 * (the trace then stops growing and trace_truncated says so). */
uint32_t trace_add(trace *t, trace_kind kind, double time, int32_t task, int32_t a, int32_t b,
                   int32_t line, double num, const char *text, size_t text_len);
/* A buffer to build an event's text in: trace_buf_take hands out the trace's spare buffer,
 * emptied (an empty new one while the spare is out, so takes may nest), trace_buf_give takes a
 * buffer back and keeps one allocation for the next take (b is then empty). Recording labels
 * this way allocates nothing once the spare has grown. */
fmt_buf trace_buf_take(trace *t);
void trace_buf_give(trace *t, fmt_buf *b);
/* Texts the recorder makes again and again (the label of a sleep of each delay), stored once:
 * trace_keyed_text finds the text stored under (tag, key), TRACE_NO_TEXT when there is none
 * (or it was pushed out by another); trace_keyed_text_add stores a copy of a text under it
 * and returns its offset; trace_add_text records an event with a text so found. */
uint32_t trace_keyed_text(const trace *t, uint32_t tag, uint64_t key);
uint32_t trace_keyed_text_add(trace *t, uint32_t tag, uint64_t key, const char *s, size_t len);
uint32_t trace_add_text(trace *t, trace_kind kind, double time, int32_t task, int32_t a, int32_t b,
                        int32_t line, double num, uint32_t text);
/* Registers a new task (and records TR_TASK_CREATED); returns its id. */
int32_t trace_add_task(trace *t, double time, const char *name, const char *label, int32_t parent,
                       int32_t line);
int32_t trace_new_handle_id(trace *t);
int32_t trace_new_future_id(trace *t);
/* Renames a task (Task.set_name). */
bool trace_rename_task(trace *t, int32_t task, const char *name);
/* Keeps a copy of the scenario source (for panels and exports). */
bool trace_set_source(trace *t, const char *filename, const char *src, size_t len);
bool trace_truncated(const trace *t);

/* ---- streaming ---- */
/* Where a streaming trace writes its text. */
typedef void (*trace_sink_fn)(void *user, const char *text, size_t len);
/* Makes t write its events out through sink as it records them, a piece at a time, as text
 * (trace_write_text) or with json as JSON Lines (trace_write_jsonl), and forget them once
 * written: a long run's trace then takes little memory. The pieces are formatted and given to
 * sink on a thread of the trace's own (in line when no thread can be started), one at a time
 * and in order, while the recording goes on: sink must not touch what the recording thread
 * uses, and what sink wrote is complete once trace_flush returns. The pieces in order make the text the
 * whole trace would make, provided no task is renamed after its events are out (the simulator
 * never renames one: Task.set_name changes the task's name, not the trace's). Only the events
 * not written yet stay readable (trace_event_at, the writers); trace_count still counts all,
 * and the queue replays (trace_queues_at, trace_qindex_new) refuse a trace that forgot any. */
void trace_stream(trace *t, bool json, trace_sink_fn sink, void *user);
/* Writes out the events a streaming trace holds and waits until every piece is with the sink
 * (at the end of the run, or before writing elsewhere to the sink's file); false when a piece
 * could not be formatted, now or before (out of memory: the text is incomplete). */
bool trace_flush(trace *t);

/* ---- reading ---- */
size_t trace_count(const trace *t);
const trace_event *trace_events(const trace *t); /* from step 0, or a streaming trace's base */
const trace_event *trace_event_at(const trace *t, size_t step);
size_t trace_task_count(const trace *t);
const trace_task *trace_task_at(const trace *t, int32_t id);
/* The string at a pool offset ("" for TRACE_NO_TEXT). */
const char *trace_text(const trace *t, uint32_t off);
const char *trace_filename(const trace *t);
const char *trace_source(const trace *t, size_t *len);
int trace_exit_status(const trace *t);

/* The ready queue and timer heap as they stand after event `step` (every
 * event up to and including it applied). Handles are listed in queue order;
 * timers by (deadline, scheduling order). */
typedef struct trace_handle {
  int32_t id;    /* handle id */
  int32_t cb;    /* trace_cb */
  int32_t task;  /* task it steps / wakes, or -1 */
  double when;   /* deadline (timers) */
  uint32_t text; /* callback description */
} trace_handle;
typedef struct trace_queues {
  trace_handle *ready;  /* ready queue, first to run first */
  size_t nready;        /* entries */
  trace_handle *timers; /* pending timers, earliest first */
  size_t ntimers;       /* entries */
} trace_queues;
/* Replays every event up to step: the reference answer, linear in step (and in the queues'
 * lengths per event). Whatever asks at many steps of a long trace uses a trace_qindex. */
bool trace_queues_at(const trace *t, size_t step, trace_queues *out);
void trace_queues_free(trace_queues *q);

/* An index of the queues over a finished trace, made in one pass, that answers what
 * trace_queues_at answers in time proportional to the entries asked for and the events since
 * the nearest checkpoint (checkpoints are spaced at least as far apart as the queues are long,
 * so they take memory linear in the trace). The trace must outlive it and not grow. */
typedef struct trace_qindex trace_qindex;
trace_qindex *trace_qindex_new(const trace *t); /* NULL when memory ran out */
void trace_qindex_free(trace_qindex *x);
/* The first max entries of each queue after event step, as trace_queues_at lists them (out's
 * nready and ntimers count the entries listed), and each queue's full length in *ready_len and
 * *timers_len. Free out with trace_queues_free. False when memory ran out. */
bool trace_qindex_at(const trace_qindex *x, size_t step, size_t max, trace_queues *out,
                     size_t *ready_len, size_t *timers_len);

/* ---- output ---- */
const char *trace_kind_name(trace_kind k);
const char *trace_wake_name(trace_wake w);
const char *trace_wait_name(trace_wait w);
/* One line per event, for people (docs/trace-format.md). */
bool trace_write_text(const trace *t, fmt_buf *out);
/* One JSON object per line. */
bool trace_write_jsonl(const trace *t, fmt_buf *out);
/* The same for the events [first, first + n) only (clamped to the trace), so a long trace can
 * be written out piece by piece: the pieces in order make the whole text. */
bool trace_write_text_range(const trace *t, size_t first, size_t n, fmt_buf *out);
bool trace_write_jsonl_range(const trace *t, size_t first, size_t n, fmt_buf *out);

#endif
