/* layout: a trace becomes a sequence diagram.
 *
 * The diagram has lifelines (lanes): Main (the task running asyncio.run's coroutine), EventLoop,
 * one per other task in creation order, IO (timers and sleeps), and one per synchronisation
 * object a task waited on. Below them, rows top to bottom: messages in the article's vocabulary
 * (create, start, await, I/O complete, resume, return, raise, cancel), suspension notes, clock
 * jumps and blocked-loop bands. Activation bars show when a task runs; hollow bars while it waits.
 *
 * Playback moves over stops. Stop k shows the rows [0, stops[k].row_end) and the panels as they
 * stand after the events [0, stops[k].event_end). In loop granularity a stop ends each task step
 * (its suspend, return or raise), each clock jump, each time.sleep, and the run; stop 0 is the
 * moment before the first step. Line granularity adds a stop at every executed line.
 *
 * Everything is in points (pixels at scale 1) from the theme's sizes; text is measured through a
 * callback, so this module links no font library. The diagram is immutable once built: playback
 * never changes it, which is what makes stepping back exact. */
#ifndef LOOPVIZ_LAYOUT_H
#define LOOPVIZ_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "theme.h"
#include "trace.h"

/* What the scene appends to a task lane's subtitle once the task has finished; header boxes are
 * made wide enough for it. */
#define LAYOUT_DONE_SUFFIX " \xc2\xb7 done"
#define LAYOUT_FAILED_SUFFIX " \xc2\xb7 failed"

typedef enum layout_face {
  FACE_SANS = 0,      /* proportional text */
  FACE_SANS_BOLD = 1, /* titles */
  FACE_MONO = 2,      /* source code, values */
  FACE__COUNT
} layout_face;

/* Measures text (len bytes of UTF-8) in face at size pixels: its advance width and line height.
 * The layout relies on two properties of a font measurer (sdlr_measure has both): the height is
 * that of a line at face and size whatever the text, so rows are sized without measuring their
 * labels; and an ASCII text's width is within a quarter above and a fifth below the sum of its
 * characters' widths alone, give or take an em, so labels that surely fit (or surely do not) are
 * not measured whole. */
typedef void (*layout_measure_fn)(void *user, layout_face face, float size, const char *text,
                                  size_t len, float *w, float *h);

typedef enum layout_grain {
  GRAIN_LOOP = 0, /* a stop per task step, clock jump, blocking sleep */
  GRAIN_LINE = 1  /* also a stop per executed line */
} layout_grain;

typedef enum layout_lane_kind {
  LANE_MAIN, /* the main task */
  LANE_LOOP, /* the event loop */
  LANE_TASK, /* another task */
  LANE_IO,   /* timers, sleeps: the outside world */
  LANE_SYNC  /* a queue, lock, event, semaphore or condition */
} layout_lane_kind;

typedef enum layout_row_kind {
  ROW_MESSAGE, /* an arrow from one lane to another */
  ROW_NOTE,    /* a note over lanes from..to ("Task-2 suspended") */
  ROW_CLOCK,   /* the clock jumps: a line across the diagram */
  ROW_BLOCK,   /* time.sleep blocks the loop: a band across every lane */
  ROW_WARNING  /* a diagnostic or a deadlock report across every lane */
} layout_row_kind;

typedef enum layout_msg {
  MSG_NONE,     /* not a message */
  MSG_CREATE,   /* a task is created */
  MSG_START,    /* the loop runs a task's first step */
  MSG_AWAIT,    /* a task awaits something and is suspended */
  MSG_COMPLETE, /* what a task awaited is done (I/O complete, all tasks complete) */
  MSG_WAKE,     /* a running task sets what another waits on (put, set, release) */
  MSG_RESUME,   /* the loop runs a task again */
  MSG_RETURN,   /* a task returns a value */
  MSG_RAISE,    /* a task ends with an exception, or cancelled */
  MSG_CANCEL,   /* a task is asked to cancel */
  MSG_CALLBACK, /* the loop runs a plain callback */
  MSG_TIMER     /* a timer not tied to a sleeping task fires */
} layout_msg;

typedef enum layout_state {
  STATE_ABSENT = 0,  /* not created yet */
  STATE_READY = 1,   /* created or woken, waiting in the ready queue */
  STATE_RUNNING = 2, /* ran during the step */
  STATE_WAITING = 3, /* suspended on an await */
  STATE_DONE = 4,    /* returned */
  STATE_FAILED = 5   /* raised or was cancelled */
} layout_state;

typedef struct layout_lane {
  layout_lane_kind kind; /* what it stands for */
  int32_t task;          /* MAIN and TASK: the task id, else -1 */
  uint32_t title;        /* pool: "Main", "EventLoop", "fetch_data(1, 2)", "IO", "queue" */
  uint32_t subtitle;     /* pool: "Task-2", or "" */
  float x;               /* centre, in diagram points */
  float w;               /* header box width */
  uint32_t first_row;    /* the row at which it appears (0: from the start) */
  uint32_t end_row;      /* the row where its task finished, or UINT32_MAX */
  uint32_t first_bar;    /* task lanes: its first entry in bars */
  uint32_t nbars;        /* task lanes: its entries in bars, top to bottom, never overlapping */
  uint32_t first_run;    /* task lanes: its first entry in runs */
  uint32_t nruns;        /* task lanes: its entries in runs (0 for other lanes) */
} layout_lane;

typedef struct layout_row {
  layout_row_kind kind; /* arrow, note, clock, block or warning */
  layout_msg msg;       /* for arrows: which message */
  uint32_t event;       /* index of the trace event it shows */
  uint32_t from;        /* sender lane (notes and bands: leftmost lane) */
  uint32_t to;          /* receiver lane (notes and bands: rightmost lane) */
  int32_t task;         /* the task whose colour it takes, or -1 for neutral */
  bool dashed;          /* returns and completions are dashed */
  bool error;           /* drawn in the error colour (raise, deadlock) */
  uint32_t label;       /* pool: its text */
  float top;            /* upper edge, diagram points */
  float h;              /* height including the gap below */
  float y;              /* the arrow's line, or the centre of a note or band */
  double time;          /* virtual clock when it happened */
  double time_to;       /* clock jumps: the clock after; else time */
} layout_row;

typedef struct layout_bar {
  uint32_t lane;  /* whose lifeline */
  int32_t task;   /* its task */
  uint32_t first; /* row where it begins */
  uint32_t last;  /* row where it ends, or UINT32_MAX: still open when the trace ends */
  bool suspended; /* a hollow bar: the task waits */
} layout_bar;

/* What a stop's caption says besides its event (layout_stop.facts). */
enum {
  LAYOUT_STOP_EVENT = 1,  /* the stop ends at an event (event_end - 1), which the caption tells */
  LAYOUT_STOP_PRINTS = 2, /* the step printed */
  LAYOUT_STOP_READY = 4,  /* a handle waits in the ready queue after it */
  LAYOUT_STOP_TIMERS = 8  /* a timer is pending after it */
};

/* Tasks the code panel tags on one line, at most (layout_line_tasks). */
#define LAYOUT_TAGS 64

/* The longest caption is this many bytes less one (a longer sentence is cut). */
#define LAYOUT_CAPTION_BYTES 768

typedef struct layout_stop {
  uint32_t event_end; /* events applied at this stop: [0, event_end) */
  uint32_t row_end;   /* rows shown at this stop: [0, row_end) */
  double time;        /* the clock at this stop */
  double time_from;   /* the clock at the previous stop (a jump counts up from here) */
  int32_t task;       /* the task that ran in this step, or -1 */
  int32_t line;       /* the line that task is at (last executed or awaited), 0 if none */
  int32_t wake_b;     /* caption: the related id of the wake that began the step */
  uint32_t created;   /* caption: tasks the step created */
  int8_t wake;        /* caption: trace_wake that began the step, -1 none, -2 one going on */
  uint8_t facts;      /* caption: LAYOUT_STOP_* bits */
} layout_stop;

typedef struct layout_run {
  uint32_t lane;       /* task lane */
  uint32_t first_stop; /* first stop of the run */
  uint32_t end_stop;   /* one past its last stop */
  layout_state state;  /* what the task did during those steps */
} layout_run;

/* One moment a task's line is known: a statement it runs, an await, its creation. */
typedef struct layout_where {
  uint32_t event; /* the trace event that says so */
  int32_t line;   /* the scenario's line (prelude lines are left out) */
} layout_where;

typedef struct layout_diagram {
  const trace *trace;  /* the run shown (borrowed; outlives the diagram) */
  layout_grain grain;  /* what a stop is */
  layout_lane *lanes;  /* lifelines, left to right */
  size_t nlanes;       /* entries */
  uint32_t loop_lane;  /* index of EventLoop */
  uint32_t io_lane;    /* index of IO */
  uint32_t *task_lane; /* lane of each task id */
  size_t ntasks;       /* entries of task_lane */
  layout_row *rows;    /* rows, top to bottom */
  size_t nrows;        /* entries */
  layout_bar *bars;    /* activation and suspension bars, lane by lane */
  size_t nbars;        /* entries */
  layout_stop *stops;  /* playback stops, at least one */
  size_t nstops;       /* entries */
  layout_run *runs;    /* timeline: runs of equal state per task lane, lane by lane */
  size_t nruns;        /* entries */
  uint32_t *prints;    /* indices of the trace's print events, in order (the console's index) */
  size_t nprints;      /* entries */
  char *pool;          /* NUL-terminated strings the offsets point into */
  size_t pool_len;     /* bytes used */
  size_t pool_cap;     /* bytes allocated */
  float header_h;      /* height of the lifeline header band */
  float width;         /* whole diagram, points */
  float height;        /* whole diagram, points */
  double time_end;     /* the clock at the last stop */
  bool time_sorted;    /* the stops' clocks never go down (the loop's clock does not) */
  size_t ntask_lanes;  /* lanes of tasks (the main task's and the others') */
  float lane_w_max;    /* the widest lane header box */
  bool lanes_sorted;   /* lanes' x never decreases left to right (gaps are never negative) */
  bool lanes_by_id;    /* the task lanes, in lane order, are those of tasks 0, 1, 2 ...: one a
                          task, task_lane going up */
  float label_chars;   /* the theme's label_chars, for captions (layout_caption) */
  float header_chars;  /* the theme's header_chars, for captions */
  trace_qindex *queues; /* the trace's ready queue and timers at any step (the loop panel) */
  uint32_t *live_from;  /* per task: the first stop at which it is ready, running or waiting */
  uint32_t *live_to;    /* per task: the stop from which it no longer is (done, failed), or
                           nstops; both 0 when its live stops are not one span */
  layout_where *wheres;  /* each task's lines over time, task by task, in event order */
  uint32_t *where_first; /* per task: its first entry in wheres; entry ntasks: their count */
  int32_t tag_nlines;    /* layout_line_tasks: source lines indexed, 0 when it is not indexed */
  uint32_t *tag_xs;      /* per line: the sorted bounds of its spans, in (stop + events) */
  size_t *tag_xs_first;  /* per line 1..tag_nlines (index 0 unused): its first bound; one more */
  size_t *tag_node_first; /* per line: its first tree node in tag_at; one more at tag_nlines + 1 */
  uint32_t *tag_at;       /* per tree node of each line: its first entry in tag_tasks; one more */
  int32_t *tag_tasks;     /* per node, the first LAYOUT_TAGS tasks of the spans it covers */
} layout_diagram;

typedef struct layout_options {
  const theme *theme;        /* sizes and fonts */
  layout_measure_fn measure; /* text measuring */
  void *measure_user;        /* passed to measure */
  layout_grain grain;        /* what a stop is */
} layout_options;

typedef enum layout_status {
  LAYOUT_OK = 0,        /* *out holds the diagram */
  LAYOUT_NO_MEMORY = 1, /* an allocation failed; *out is NULL */
  LAYOUT_MISMATCH = 2   /* layout_build_checked: a shortcut disagreed with the long way */
} layout_status;

/* Builds the diagram of a trace. The trace must outlive it. */
layout_status layout_build(const trace *t, const layout_options *o, layout_diagram **out);
void layout_free(layout_diagram *d);
/* As layout_build, checking the build's shortcuts against the long way as it goes (for tests; a
 * few times slower): a label's character widths summed while it is put together against its
 * text read again, and the lane spacing made from the labels that may not fit against the one
 * every label makes. LAYOUT_MISMATCH (and *out NULL) when one disagrees. */
layout_status layout_build_checked(const trace *t, const layout_options *o, layout_diagram **out);

/* The string at a pool offset. */
const char *layout_text(const layout_diagram *d, uint32_t off);

/* Writes stop k's caption, one plain sentence saying what happened, into out (cap bytes, at most
 * LAYOUT_CAPTION_BYTES of them used) and returns its length. Made on demand from the stop and the
 * trace, always the same for the same stop. */
size_t layout_caption(const layout_diagram *d, size_t k, char *out, size_t cap);

/* The stop whose step contains event e (the first stop with event_end > e), or the last. */
size_t layout_stop_of_event(const layout_diagram *d, uint32_t e);

/* The first row whose bottom is below y (rows are stacked top to bottom), or nrows. */
uint32_t layout_row_at(const layout_diagram *d, float y);

/* The first row of stop k (stop k animates the rows [first, stops[k].row_end)). */
uint32_t layout_stop_first_row(const layout_diagram *d, size_t k);

/* What the task of lane did during the step that leads to stop k. */
layout_state layout_lane_state(const layout_diagram *d, uint32_t lane, size_t k);

/* The line task is at after the events [0, events): that of its last statement, await or creation
 * among them on one of the first nlines lines of the source, or 0 if none. */
int32_t layout_task_line(const layout_diagram *d, int32_t task, uint32_t events, int32_t nlines);

/* Whether task is live at stop k: created and not yet finished (its timeline state is ready,
 * running or waiting), what layout_lane_state says in two comparisons. */
bool layout_task_live(const layout_diagram *d, int32_t task, size_t k);

/* The first max (at most LAYOUT_TAGS) tasks, in task order, live at stop k whose line after the
 * events [0, events) is line (of nlines lines): what layout_task_live and layout_task_line
 * find over every task, answered from an index in a few hundred steps. Writes them to out and
 * returns how many, or -1 when the index cannot answer (none was built, nlines is not the
 * source's line count, or events is not within stop k's): the caller then asks every task. */
long layout_line_tasks(const layout_diagram *d, int32_t line, size_t k, uint32_t events,
                       int32_t nlines, int32_t *out, size_t max);

/* Short names: "Main" for the main task, else the task's name ("Task-2"). */
const char *layout_task_name(const layout_diagram *d, int32_t task);

#endif
