/* loop: asyncio's event loop, futures and tasks on a virtual clock.
 *
 * The loop mirrors CPython's base_events: a FIFO deque of ready handles and
 * a heap of timer handles ordered by (deadline, order of scheduling). One
 * iteration (loop_run_once) moves every expired timer to the ready deque and
 * then runs exactly the handles that were ready when it began. The loop
 * never waits: when nothing is ready its clock jumps to the earliest
 * deadline. A Task drives its coroutine one step per handle (task_step, as
 * Task.__step); awaiting a future registers the task's wakeup as a done
 * callback, and resolving a future schedules its callbacks with call_soon. */
#ifndef LOOPVIZ_LOOP_H
#define LOOPVIZ_LOOP_H

#include "vm.h"

typedef enum fut_state { FUT_PENDING, FUT_CANCELLED, FUT_FINISHED } fut_state;

typedef struct loop_future loop_future;
struct loop_future {
  obj hdr;             /* kind OBJ_FUTURE */
  obj_class *cls;      /* Future, Task or a _GatheringFuture-like class */
  obj_dict *dict;      /* attributes set by scenarios (created lazily) */
  value callback;      /* the first done callback, VAL_UNDEF when none */
  bool callback_wakeup; /* callback is a task: its Task.__wakeup (no bound method made) */
  obj_list *callbacks; /* the done callbacks after the first, NULL when none */
  obj_str *name;       /* task name; NULL while it is the default "Task-N" not yet asked for
                          (name_num) */
  value result;        /* the result once finished */
  value exception;     /* the exception once finished with one, else VAL_UNDEF */
  value cancel_msg;    /* message given to cancel(), None when none */
  value coro;          /* task: the coroutine the task drives */
  value fut_waiter;    /* task: the future the task waits on, None when none */
  value context;       /* gather: child futures list; FUTK_SLEEP when tracing: the delay as
                          given (an int, bool or float), for the trace's label; else None */
  double deadline;     /* FUTK_SLEEP: when the timer fires */
  fut_state state;     /* pending, cancelled or finished */
  uint32_t id;         /* creation order, for stable ordering and traces */
  int cancel_requests; /* task: cancel() calls not yet uncancelled */
  uint32_t steps;      /* task: steps run so far */
  int32_t gather_done;  /* gather: children finished */
  int32_t gather_count; /* gather: distinct children (duplicates share a future) */
  int32_t tid;          /* trace task id, -1 when not a task or not tracing */
  int32_t fid;          /* trace future id */
  int32_t timer_hid;    /* FUTK_SLEEP: trace id of its timer handle */
  uint32_t name_num;    /* task: N of its default name "Task-N", made into a string only
                           when asked for (loop_task_name), 0 once name is set */
  uint8_t fkind;        /* loop_fkind: what this future stands for */
  bool blocking;        /* _asyncio_future_blocking: yielded to a task */
  bool log_tb;          /* the exception was never retrieved */
  bool is_task;         /* a Task */
  bool must_cancel;     /* task: cancel at the next step */
  bool gather_return_exceptions; /* gather: return_exceptions=True */
  bool gather_cancel_requested;  /* gather: cancel() was called on the outer future */
  bool cancel_waiting; /* task: its cancel() cancelled the future it waits on, so the
                          CancelledError that future raises is its own cancellation */
};

typedef enum loop_fkind {
  FUTK_PLAIN, /* a future of the scenario's or the prelude's */
  FUTK_SLEEP, /* the future of asyncio.sleep(d) */
  FUTK_GATHER /* the outer future of asyncio.gather */
} loop_fkind;

/* What a handle whose callback is a task itself runs (loop_handle.direct). */
typedef enum loop_direct {
  DIRECT_NONE,  /* the callback is a callable */
  DIRECT_STEP,  /* Task.__step of the task */
  DIRECT_WAKEUP /* Task.__wakeup of the task (its argument: the future) */
} loop_direct;

typedef struct loop_handle loop_handle;
struct loop_handle {
  obj hdr;         /* kind OBJ_HANDLE */
  value callback;  /* callable */
  obj_tuple *args; /* positional arguments, NULL when none */
  double when;     /* deadline (timers) */
  uint64_t seq;    /* scheduling order: tie-break of equal deadlines */
  uint8_t direct;  /* a loop_direct: the callback is a task whose __step or __wakeup
                      this runs, without a bound method object */
  bool is_timer;   /* a TimerHandle */
  bool cancelled;  /* cancel() was called */
  bool scheduled;  /* a timer still in the heap */
  int32_t hid;     /* trace handle id */
  int32_t cb_kind; /* trace_cb: what it calls */
  int32_t task;    /* trace id of the task it steps, wakes or times, or -1 */
};

/* An entry of the timer heap: the handle's sort key kept beside it, so the
 * heap compares without touching the handles. */
typedef struct loop_timer {
  double when;     /* the handle's deadline */
  uint64_t seq;    /* the handle's scheduling order */
  loop_handle *h;  /* the timer handle */
} loop_timer;

struct loop {
  loop_handle **ready;     /* ring buffer of ready handles */
  size_t ready_head;       /* index of the first ready handle */
  size_t ready_count;      /* handles in the ring */
  size_t ready_cap;        /* ring size */
  loop_timer *timers;      /* binary min-heap of timer handles by (when, seq) */
  size_t ntimers;          /* handles in the heap */
  size_t timers_cap;       /* heap size */
  size_t cancelled_timers; /* cancelled handles still in the heap */
  uint64_t seq;            /* next scheduling number */
  bool stopping;           /* stop() was called: finish this iteration */
  bool running;            /* run_forever is active */
  bool closed;             /* the loop was closed */
  loop_future *current;    /* the task whose step is running, NULL if none */
  obj_list *tasks;         /* every task created, in order */
  uint32_t next_future_id; /* ids for futures */
  obj_list *asyncgens;     /* async generators first iterated (for shutdown) */
  value pyobj;             /* the loop object scenarios see, created on demand */
  value sleep_cb;          /* the callback of every asyncio.sleep timer, created on demand */
  loop_future *tr_returned;  /* the task whose step just recorded its return, until its result
                                is set (trace_done reuses the text), else NULL */
  uint32_t tr_returned_text; /* the pool offset of that return's repr */
};

/* ---- used by the VM ---- */
/* The asyncio module. */
obj_module *loop_module_asyncio(vm *v);
/* Whether CPython 3.11's asyncio module has a name (public or not, dunder names aside). */
bool loop_cpython_asyncio_has(const char *name);

/* A lookup of name in namespace ns missed: when ns is the asyncio module's and name one of the
 * prelude's definitions not run yet, compiles and runs it there and *out is what it defined;
 * otherwise *out is VAL_UNDEF. False, with an exception raised, when that failed. */
bool loop_prelude_lookup(vm *v, obj_dict *ns, obj_str *name, value *out);
/* Runs every prelude definition still waiting when ns is the asyncio module's namespace (before
 * the whole namespace is read or copied). */
bool loop_prelude_run_all(vm *v, obj_dict *ns);
/* How many prelude definitions wait for their first use (0 before import asyncio). */
size_t loop_prelude_waiting(const vm *v);
/* An awaitable iterator over a future (Future.__await__). */
bool loop_future_await(vm *v, loop_future *f, value *out);

/* A task's name as a string, made on first ask when it is the default
 * "Task-N"; NULL when out of memory (an exception is set). */
obj_str *loop_task_name(vm *v, loop_future *t);
/* Whether x is a Future or Task. */
bool loop_is_future(value x);

/* Whether class Future's done and set_result (done and set_result the
 * interned names) are its native ones: then a native may read the state of
 * a Future that sets neither on itself and resolve it directly, as
 * fut.done() and fut.set_result() would. */
bool loop_future_class_plain(vm *v, obj_str *done, obj_str *set_result);
/* Whether fn is asyncio's own get_running_loop. */
bool loop_is_get_running_loop(value fn);
/* What get_running_loop() returns, when a loop runs and that object was
 * made already (by an earlier call); VAL_UNDEF otherwise (nothing raised). */
value loop_running_object(vm *v);
/* Whether x.create_future() (create_future the interned name) is the
 * running loop's own: x is a loop object of asyncio's, nothing set on it
 * under that name, and a loop exists. */
bool loop_plain_object(vm *v, value x, obj_str *create_future);
/* loop.create_future() of such a loop object: a new Future of the loop. */
loop_future *loop_new_future(vm *v);
/* fut.set_result(r) of a pending future (InvalidStateError otherwise). */
bool loop_future_set_result(vm *v, loop_future *f, value r);

/* ---- used by the time module ---- */
/* The virtual clock: seconds since the run started (one clock per run, as
 * in the oracle; a second asyncio.run continues it). */
double loop_clock(vm *v);
/* time.sleep(seconds): blocks the whole loop, advancing the clock. */
bool loop_block(vm *v, double seconds);

/* Trace id of the task whose step is running, or -1. */
int32_t loop_current_tid(vm *v);

/* ---- used by sim.c at the end of a run ---- */
void loop_free(vm *v, loop *l);

#endif
