/* loop: asyncio's event loop, futures and tasks on a virtual clock. See loop.h.
 *
 * The functions here follow CPython 3.11's asyncio (base_events.py,
 * futures.py, tasks.py, runners.py) step by step where the order of
 * callbacks is visible to a program: which handle is scheduled when, and in
 * which order callbacks run, decides the order of prints. */
#include "loop.h"

#include "gc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "deque.h"
#include "code.h"
#include "compile.h"
#include "parse.h"
#include "prelude.h"
#include "queue.h"
#include "trace.h"

#define LOOP_CLOCK_RESOLUTION 1e-9 /* CPython's monotonic clock resolution on Linux */

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

static loop_future *as_fut(value x) { return (loop_future *)x.as.o; }
static loop_handle *as_handle(value x) { return (loop_handle *)x.as.o; }

bool loop_is_future(value x) { return val_is(x, OBJ_FUTURE); }

static bool no_args(vm *v, const char *name, int nargs, obj_tuple *kw) {
  if (nargs == 0 && (!kw || kw->count == 0))
    return true;
  vm_raisef(v, CLS_TYPE_ERROR, "%s() takes no arguments (%d given)", name, nargs);
  return false;
}

/* Finds keyword argument name in a native call; returns its index or -1. */
static int kwarg(obj_tuple *kw, int nargs, const char *name) {
  if (!kw)
    return -1;
  for (size_t i = 0; i < kw->count; i++)
    if (strcmp(AS_STR(kw->items[i])->data, name) == 0)
      return nargs + (int)i;
  return -1;
}

static bool check_kwargs(vm *v, const char *fname, obj_tuple *kw, const char *const *allowed) {
  if (!kw)
    return true;
  for (size_t i = 0; i < kw->count; i++) {
    const char *n = AS_STR(kw->items[i])->data;
    bool ok = false;
    for (const char *const *a = allowed; a && *a; a++)
      if (strcmp(*a, n) == 0)
        ok = true;
    if (!ok) {
      vm_raisef(v, CLS_TYPE_ERROR, "%s() got an unexpected keyword argument '%s'", fname, n);
      return false;
    }
  }
  return true;
}

static loop *running_loop(vm *v) {
  if (!v->loop || !v->loop->running) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "no running event loop");
    return NULL;
  }
  return v->loop;
}

static bool is_coroutine(value x) {
  if (val_is(x, OBJ_AWAITABLE))
    return ((obj_awaitable *)x.as.o)->coroutine;
  return val_is(x, OBJ_CORO) && ((obj_coro *)x.as.o)->ck == CORO_COROUTINE;
}

double loop_clock(vm *v) { return v->clock; }

static bool check_time_limit(vm *v) {
  if (v->opts.limits.max_virtual_time > 0 && v->clock > v->opts.limits.max_virtual_time) {
    v->limit_hit = true;
    vm_raisef(v, CLS_LIMIT_ERROR,
              "virtual time limit of %g seconds exceeded (raise it with --max-time)",
              v->opts.limits.max_virtual_time);
    return false;
  }
  return true;
}

/* The trace id of the running task, or -1. */
static int32_t current_tid(vm *v) {
  return v->loop && v->loop->current ? v->loop->current->tid : -1;
}
int32_t loop_current_tid(vm *v) { return current_tid(v); }

static void tr_text(vm *v, trace_kind k, int32_t task, int32_t a, int32_t b, int32_t line,
                    double num, const char *text) {
  trace_add(v->trace, k, v->clock, task, a, b, line, num, text, text ? strlen(text) : 0);
}

static void tr(vm *v, trace_kind k, int32_t task, int32_t a, int32_t b, int32_t line, double num) {
  trace_add_text(v->trace, k, v->clock, task, a, b, line, num, TRACE_NO_TEXT);
}

enum {
  TAG_STATIC_TEXT = 1u << 16 /* trace_keyed_text's tag of a text in static storage (value types
                                tag the labels of sleeps) */
};

/* The pool offset of a text in static storage that many events repeat (a literal, a native
 * function's name), stored once: its address is its key. */
static uint32_t static_text(vm *v, const char *s) {
  uint32_t text = trace_keyed_text(v->trace, TAG_STATIC_TEXT, (uintptr_t)s);
  return text != TRACE_NO_TEXT
             ? text
             : trace_keyed_text_add(v->trace, TAG_STATIC_TEXT, (uintptr_t)s, s, strlen(s));
}

/* tr_text of a buffer from trace_buf_take, which it gives back. */
static void tr_buf(vm *v, trace_kind k, int32_t task, int32_t a, int32_t b, int32_t line,
                   double num, fmt_buf *text) {
  trace_add(v->trace, k, v->clock, task, a, b, line, num, fmt_buf_str(text), text->len);
  trace_buf_give(v->trace, text);
}

bool loop_block(vm *v, double seconds) {
  if (isnan(seconds)) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "Invalid value NaN (not a number)");
    return false;
  }
  if (seconds < 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "sleep length must be non-negative");
    return false;
  }
  if (v->trace)
    tr(v, TR_BLOCK, current_tid(v), 0, 0, vm_current_line(v), seconds);
  v->clock += seconds;
  return check_time_limit(v);
}

/* ------------------------------------------------------------------------ */
/* Handles, the ready deque and the timer heap                              */
/* ------------------------------------------------------------------------ */

static bool task_step_cb(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out);
static bool task_wakeup_cb(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                           value *out);
static bool set_result_unless_cancelled(vm *v, value self, const value *args, int nargs,
                                        obj_tuple *kw, value *out);

static const char *callback_name(vm *v, value cb) {
  if (val_is(cb, OBJ_NATIVE))
    return AS_NATIVE(cb)->name;
  if (val_is(cb, OBJ_FUNCTION))
    return AS_FUNCTION(cb)->qualname->data;
  if (val_is(cb, OBJ_BOUND))
    return callback_name(v, AS_BOUND(cb)->func);
  return obj_type_name(v, cb);
}

/* The name of what a handle calls. */
static const char *handle_name(vm *v, const loop_handle *h) {
  if (h->direct)
    return h->direct == DIRECT_STEP ? "Task.__step" : "Task.__wakeup";
  return callback_name(v, h->callback);
}

/* What a handle calls, for the trace. */
static void classify_handle(loop_handle *h) {
  h->task = -1;
  h->cb_kind = CB_USER;
  if (h->direct) {
    h->cb_kind = h->direct == DIRECT_STEP ? CB_STEP : CB_WAKEUP;
    h->task = ((loop_future *)h->callback.as.o)->tid;
    return;
  }
  if (!val_is(h->callback, OBJ_NATIVE))
    return;
  obj_native *n = AS_NATIVE(h->callback);
  if (n->fn == task_step_cb || n->fn == task_wakeup_cb) {
    h->cb_kind = n->fn == task_step_cb ? CB_STEP : CB_WAKEUP;
    h->task = ((loop_future *)n->data.as.o)->tid;
  } else if (n->fn == set_result_unless_cancelled) {
    h->cb_kind = CB_TIMER;
  } else {
    h->cb_kind = CB_FUTURE;
  }
}

static bool ready_push(vm *v, loop *l, loop_handle *h) {
  if (l->ready_count == l->ready_cap) {
    size_t n = l->ready_cap ? l->ready_cap * 2 : 64;
    loop_handle **q = malloc(n * sizeof *q);
    if (!q) {
      vm_raise_msg(v, CLS_MEMORY_ERROR, "");
      return false;
    }
    for (size_t i = 0; i < l->ready_count; i++)
      q[i] = l->ready[(l->ready_head + i) % l->ready_cap];
    free(l->ready);
    l->ready = q;
    l->ready_head = 0;
    l->ready_cap = n;
  }
  l->ready[(l->ready_head + l->ready_count) % l->ready_cap] = h;
  l->ready_count++;
  if (!v->trace)
    return true;
  /* a direct handle's name is a literal, a native's is static too */
  uint32_t text = h->direct || val_is(h->callback, OBJ_NATIVE) ? static_text(v, handle_name(v, h))
                                                               : TRACE_NO_TEXT;
  if (text != TRACE_NO_TEXT)
    trace_add_text(v->trace, TR_READY_PUSH, v->clock, h->task, h->hid, h->cb_kind, 0, 0, text);
  else
    tr_text(v, TR_READY_PUSH, h->task, h->hid, h->cb_kind, 0, 0, handle_name(v, h));
  return true;
}

static loop_handle *ready_pop(loop *l) {
  loop_handle *h = l->ready[l->ready_head];
  l->ready_head = (l->ready_head + 1) % l->ready_cap;
  l->ready_count--;
  return h;
}

static bool timer_less(const loop_timer *a, const loop_timer *b) {
  if (a->when != b->when)
    return a->when < b->when;
  return a->seq < b->seq;
}

static void heap_up(loop *l, size_t i) {
  loop_timer t = l->timers[i];
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!timer_less(&t, &l->timers[p]))
      break;
    l->timers[i] = l->timers[p];
    i = p;
  }
  l->timers[i] = t;
}

static void heap_down(loop *l, size_t i) {
  loop_timer t = l->timers[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= l->ntimers)
      break;
    if (c + 1 < l->ntimers && timer_less(&l->timers[c + 1], &l->timers[c]))
      c++;
    if (!timer_less(&l->timers[c], &t))
      break;
    l->timers[i] = l->timers[c];
    i = c;
  }
  l->timers[i] = t;
}

static bool heap_push(vm *v, loop *l, loop_handle *h) {
  if (l->ntimers == l->timers_cap) {
    size_t n = l->timers_cap ? l->timers_cap * 2 : 64;
    loop_timer *q = realloc(l->timers, n * sizeof *q);
    if (!q) {
      vm_raise_msg(v, CLS_MEMORY_ERROR, "");
      return false;
    }
    l->timers = q;
    l->timers_cap = n;
  }
  l->timers[l->ntimers++] = (loop_timer){h->when, h->seq, h};
  heap_up(l, l->ntimers - 1);
  return true;
}

/* Removes the earliest timer. The hole the root leaves goes down to a leaf
 * along the earlier children (one comparison a level), and the heap's last
 * entry rises into it from there, usually at once (Floyd). */
static loop_handle *heap_pop(loop *l) {
  loop_handle *top = l->timers[0].h;
  size_t n = --l->ntimers;
  if (n) {
    loop_timer last = l->timers[n];
    size_t i = 0;
    for (;;) {
      size_t c = 2 * i + 1;
      if (c >= n)
        break;
      if (c + 1 < n && timer_less(&l->timers[c + 1], &l->timers[c]))
        c++;
      l->timers[i] = l->timers[c];
      i = c;
    }
    l->timers[i] = last;
    heap_up(l, i);
  }
  return top;
}

static loop_handle *handle_new_direct(vm *v, loop *l, value cb, loop_direct direct,
                                      const value *args, int nargs) {
  loop_handle *h = vm_alloc(v, OBJ_HANDLE, sizeof *h);
  if (!h)
    return NULL;
  h->callback = cb;
  h->direct = (uint8_t)direct;
  if (nargs) {
    h->args = obj_tuple_new(v, (size_t)nargs);
    if (!h->args)
      return NULL;
    memcpy(h->args->items, args, (size_t)nargs * sizeof *args);
  }
  h->seq = l->seq++;
  h->hid = v->trace ? trace_new_handle_id(v->trace) : -1;
  classify_handle(h);
  return h;
}

static loop_handle *handle_new(vm *v, loop *l, value cb, const value *args, int nargs) {
  return handle_new_direct(v, l, cb, DIRECT_NONE, args, nargs);
}

/* call_soon of cb (direct: of a task's __step or __wakeup, cb the task). */
static loop_handle *call_soon_as(vm *v, loop *l, value cb, loop_direct direct, const value *args,
                                 int nargs) {
  loop_handle *h = handle_new_direct(v, l, cb, direct, args, nargs);
  if (!h || !ready_push(v, l, h))
    return NULL;
  return h;
}

static loop_handle *call_soon(vm *v, loop *l, value cb, const value *args, int nargs) {
  return call_soon_as(v, l, cb, DIRECT_NONE, args, nargs);
}

/* call_soon of task t's __step or __wakeup, t being the callback. */
static loop_handle *call_soon_direct(vm *v, loop *l, loop_future *t, loop_direct direct,
                                     const value *args, int nargs) {
  return call_soon_as(v, l, val_obj(t), direct, args, nargs);
}

static loop_handle *call_at(vm *v, loop *l, double when, value cb, const value *args, int nargs) {
  loop_handle *h = handle_new(v, l, cb, args, nargs);
  if (!h)
    return NULL;
  h->is_timer = true;
  h->when = when;
  h->scheduled = true;
  if (!heap_push(v, l, h))
    return NULL;
  if (v->trace)
    tr(v, TR_TIMER_ADD, h->task, h->hid, h->cb_kind, 0, when);
  return h;
}

static void handle_cancel(vm *v, loop *l, loop_handle *h) {
  if (h->cancelled)
    return;
  h->cancelled = true;
  if (h->is_timer && h->scheduled) {
    l->cancelled_timers++;
    if (v->trace)
      tr(v, TR_TIMER_CANCEL, h->task, h->hid, 0, 0, 0);
  }
}

/* ------------------------------------------------------------------------ */
/* Futures                                                                  */
/* ------------------------------------------------------------------------ */

static loop_future *future_new(vm *v, loop *l, obj_class *cls) {
  loop_future *f = vm_alloc(v, OBJ_FUTURE, sizeof *f);
  if (!f)
    return NULL;
  f->cls = cls;
  f->state = FUT_PENDING;
  f->result = val_none();
  f->exception = val_undef();
  f->callback = val_undef();
  f->cancel_msg = val_none();
  f->fut_waiter = val_none();
  f->coro = val_none();
  f->context = val_none();
  f->id = l ? l->next_future_id++ : 0;
  f->tid = -1;
  f->fid = v->trace ? trace_new_future_id(v->trace) : -1;
  f->timer_hid = -1;
  return f;
}

/* repr of a float whose shortest round-trip text has at most FAST_FLOAT_PLACES decimals and an
 * integer part under 1e15 ("0.001", "2.5", "3.0"), without printf's trial conversions: a sleep's
 * delay is printed for the trace at every sleep. x is m / 10^k for the least k at which an integer
 * m gives x back (a division of exact integers is correctly rounded, as strtod is), and an ulp of
 * x is under half of 10^-k, so no other m at that k does: that is the shortest text, the one repr
 * prints. False (nothing appended) for other numbers. */
enum { FAST_FLOAT_PLACES = 6 };
static bool fast_float_repr(fmt_buf *b, double x) {
  static const double p10[FAST_FLOAT_PLACES + 1] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  double a = fabs(x);
  if (!(a >= 1e-4 && a < 1e15))
    return false;
  double ulp = nextafter(a, INFINITY) - a;
  for (int k = 0; k <= FAST_FLOAT_PLACES; k++) {
    double scaled = a * p10[k];
    if (scaled >= 0x1p53 || ulp * p10[k] >= 0.5)
      return false;
    double m = nearbyint(scaled);
    if (m / p10[k] != a)
      continue;
    char digits[24], out[48];
    int nd = 0;
    for (uint64_t u = (uint64_t)m; nd == 0 || u > 0; u /= 10)
      digits[nd++] = (char)('0' + u % 10);
    for (int i = 0; i < nd / 2; i++) {
      char c = digits[i];
      digits[i] = digits[nd - 1 - i];
      digits[nd - 1 - i] = c;
    }
    size_t n = 0;
    if (x < 0)
      out[n++] = '-';
    if (k == 0) {
      memcpy(out + n, digits, (size_t)nd);
      n += (size_t)nd;
      memcpy(out + n, ".0", 2);
      n += 2;
    } else if (nd > k) {
      memcpy(out + n, digits, (size_t)(nd - k));
      n += (size_t)(nd - k);
      out[n++] = '.';
      memcpy(out + n, digits + nd - k, (size_t)k);
      n += (size_t)k;
    } else {
      out[n++] = '0';
      out[n++] = '.';
      for (int z = nd; z < k; z++)
        out[n++] = '0';
      memcpy(out + n, digits, (size_t)nd);
      n += (size_t)nd;
    }
    (void)fmt_buf_append(b, out, n); /* out of memory: the text is missing, as elsewhere */
    return true;
  }
  return false;
}

/* The repr of a long list or tuple of ints, floats, bools and Nones (a gather's results), as far
 * as short_repr keeps it: its items up to the first that ends past the cut. Their reprs run no
 * code of the program's, so leaving out the rest changes nothing; false (nothing appended) for
 * anything else, and where vm_repr would not make the whole repr (a repr of it in progress, the
 * recursion limit), for vm_repr to answer. */
static bool prefix_repr(vm *v, value x, fmt_buf *b, size_t cut) {
  if (!val_is(x, OBJ_LIST) && !val_is(x, OBJ_TUPLE))
    return false;
  bool list = val_is(x, OBJ_LIST);
  const value *items = list ? AS_LIST(x)->items : AS_TUPLE(x)->items;
  size_t n = list ? AS_LIST(x)->count : AS_TUPLE(x)->count;
  if (n < 64) /* short: the whole repr costs little */
    return false;
  for (size_t i = 0; i < n; i++)
    if (items[i].t != VAL_NONE && items[i].t != VAL_BOOL && items[i].t != VAL_INT &&
        items[i].t != VAL_FLOAT)
      return false;
  int max = v->opts.limits.max_recursion;
  if (max > 0 && v->depth + 1 > max)
    return false;
  for (size_t i = 0; v->repr_guard && i < v->repr_guard->count; i++)
    if (v->repr_guard->items[i].as.o == x.as.o)
      return false;
  size_t start = b->len;
  fmt_buf_appendc(b, list ? '[' : '(');
  value saved = v->exc;
  for (size_t i = 0; i < n && b->len - start <= cut; i++) {
    if (i)
      fmt_buf_appends(b, ", ");
    if (!vm_repr(v, items[i], b)) { /* out of memory, as the whole repr would be */
      v->exc = saved;
      b->len = start;
      fmt_buf_appends(b, "<?>");
      return true;
    }
  }
  if (b->len - start <= cut) /* all of it: the whole repr */
    fmt_buf_appendc(b, list ? ']' : ')');
  return true;
}

/* repr of x for the trace, cut to a readable length */
static void short_repr(vm *v, value x, fmt_buf *b) {
  if (x.t == VAL_FLOAT && fast_float_repr(b, x.as.f))
    return;
  if (x.t == VAL_INT && fmt_int(b, x.as.i) == FMT_OK)
    return;
  size_t start = b->len;
  if (!prefix_repr(v, x, b, 200)) {
    value saved = v->exc;
    if (!vm_repr_quiet(v, x, b)) {
      v->exc = saved;
      fmt_buf_appends(b, "<?>");
    }
  }
  if (b->len - start > 200) {
    b->len = start + 197;
    fmt_buf_appends(b, "...");
  }
}

static void trace_done(vm *v, loop_future *f, int outcome, value x) {
  uint32_t text = TRACE_NO_TEXT;
  if (outcome == 0 && v->loop && v->loop->tr_returned == f)
    text = v->loop->tr_returned_text; /* the task's result: its return event has its repr */
  else if (outcome == 0 && x.t == VAL_NONE)
    text = static_text(v, "None");
  if (text != TRACE_NO_TEXT) {
    trace_add_text(v->trace, TR_FUTURE_DONE, v->clock, f->tid, f->fid, outcome, 0, 0, text);
    return;
  }
  fmt_buf b = trace_buf_take(v->trace);
  if (outcome != 2 || x.t != VAL_NONE)
    short_repr(v, x, &b);
  tr_buf(v, TR_FUTURE_DONE, f->tid, f->fid, outcome, 0, 0, &b);
}

static bool schedule_callbacks(vm *v, loop_future *f) {
  if (f->callback.t == VAL_UNDEF)
    return true;
  value first = f->callback;
  bool wakeup = f->callback_wakeup;
  obj_list *cbs = f->callbacks;
  f->callback = val_undef();
  f->callback_wakeup = false;
  f->callbacks = NULL;
  value self = val_obj(f);
  if (wakeup ? !call_soon_direct(v, v->loop, as_fut(first), DIRECT_WAKEUP, &self, 1)
             : !call_soon(v, v->loop, first, &self, 1))
    return false;
  for (size_t i = 0; cbs && i < cbs->count; i++)
    if (!call_soon(v, v->loop, cbs->items[i], &self, 1))
      return false;
  return true;
}

static bool future_set_result(vm *v, loop_future *f, value r) {
  if (f->state != FUT_PENDING) {
    vm_raise_msg(v, CLS_INVALID_STATE_ERROR, "invalid state");
    return false;
  }
  f->result = r;
  f->state = FUT_FINISHED;
  if (v->trace)
    trace_done(v, f, 0, r);
  return schedule_callbacks(v, f);
}

static bool future_set_exception(vm *v, loop_future *f, value exc) {
  if (f->state != FUT_PENDING) {
    vm_raise_msg(v, CLS_INVALID_STATE_ERROR, "invalid state");
    return false;
  }
  if (val_is(exc, OBJ_CLASS)) {
    if (!vm_call(v, exc, NULL, 0, NULL, &exc))
      return false;
  }
  if (!val_is(exc, OBJ_EXCEPTION)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "exception must be an exception instance");
    return false;
  }
  if (obj_isinstance(v, exc, v->cls[CLS_STOP_ITERATION])) {
    vm_raise_msg(
        v, CLS_TYPE_ERROR,
        "StopIteration interacts badly with generators and cannot be raised into a Future");
    return false;
  }
  f->exception = exc;
  f->state = FUT_FINISHED;
  f->log_tb = true;
  if (v->trace)
    trace_done(v, f, 1, exc);
  return schedule_callbacks(v, f);
}

static bool future_cancel(vm *v, loop_future *f, value msg, bool *out) {
  f->log_tb = false;
  if (f->state != FUT_PENDING) {
    *out = false;
    return true;
  }
  f->state = FUT_CANCELLED;
  f->cancel_msg = msg;
  *out = true;
  if (v->trace)
    trace_done(v, f, 2, msg);
  return schedule_callbacks(v, f);
}

static value make_cancelled_error(vm *v, loop_future *f) {
  if (f->cancel_msg.t == VAL_NONE)
    return vm_new_exception(v, v->cls[CLS_CANCELLED_ERROR], NULL);
  obj_tuple *args = obj_tuple_new(v, 1);
  if (!args)
    return val_undef();
  args->items[0] = f->cancel_msg;
  obj_exception *e = obj_exception_new(v, v->cls[CLS_CANCELLED_ERROR], args);
  return e ? val_obj(e) : val_undef();
}

/* Future.result(): the value, or raises. */
static bool future_result(vm *v, loop_future *f, value *out) {
  if (f->state == FUT_CANCELLED) {
    value e = make_cancelled_error(v, f);
    if (e.t != VAL_UNDEF)
      vm_raise(v, e);
    return false;
  }
  if (f->state == FUT_PENDING) {
    vm_raise_msg(v, CLS_INVALID_STATE_ERROR, "Result is not set.");
    return false;
  }
  f->log_tb = false;
  if (f->exception.t != VAL_UNDEF) {
    vm_raise(v, f->exception);
    return false;
  }
  *out = f->result;
  return true;
}

static bool future_exception(vm *v, loop_future *f, value *out) {
  if (f->state == FUT_CANCELLED) {
    value e = make_cancelled_error(v, f);
    if (e.t != VAL_UNDEF)
      vm_raise(v, e);
    return false;
  }
  if (f->state == FUT_PENDING) {
    vm_raise_msg(v, CLS_INVALID_STATE_ERROR, "Exception is not set.");
    return false;
  }
  f->log_tb = false;
  *out = f->exception.t == VAL_UNDEF ? val_none() : f->exception;
  return true;
}

static bool add_done_callback(vm *v, loop_future *f, value cb) {
  if (f->state != FUT_PENDING) {
    value self = val_obj(f);
    return call_soon(v, v->loop, cb, &self, 1) != NULL;
  }
  if (f->callback.t == VAL_UNDEF) {
    f->callback = cb;
    return true;
  }
  if (!f->callbacks) {
    f->callbacks = obj_list_new(v, 2);
    if (!f->callbacks)
      return false;
  }
  return obj_list_append(v, f->callbacks, cb);
}

static bool callbacks_equal(vm *v, value a, value b) {
  if (obj_is(a, b))
    return true;
  if (val_is(a, OBJ_BOUND) && val_is(b, OBJ_BOUND)) {
    obj_bound *x = AS_BOUND(a), *y = AS_BOUND(b);
    return obj_is(x->self, y->self) && obj_is(x->func, y->func);
  }
  if (val_is(a, OBJ_NATIVE) && val_is(b, OBJ_NATIVE)) {
    obj_native *x = AS_NATIVE(a), *y = AS_NATIVE(b);
    return x->fn == y->fn && obj_is(x->data, y->data);
  }
  (void)v;
  return false;
}

static int64_t remove_done_callback(vm *v, loop_future *f, value cb) {
  if (f->callback.t == VAL_UNDEF)
    return 0;
  int64_t removed = 0;
  if (!f->callback_wakeup && callbacks_equal(v, f->callback, cb)) {
    removed++;
    f->callback = val_undef();
  }
  if (!f->callbacks)
    return removed;
  size_t j = 0;
  for (size_t i = 0; i < f->callbacks->count; i++) {
    if (callbacks_equal(v, f->callbacks->items[i], cb)) {
      removed++;
      continue;
    }
    f->callbacks->items[j++] = f->callbacks->items[i];
  }
  f->callbacks->count = j;
  /* the first of those left becomes the first callback */
  if (f->callback.t == VAL_UNDEF && j) {
    f->callback = f->callbacks->items[0];
    memmove(f->callbacks->items, f->callbacks->items + 1, (j - 1) * sizeof(value));
    f->callbacks->count = j - 1;
  }
  return removed;
}

/* ---- Future.__await__: yields the future once, then returns its result ---- */

static exec_status fut_iter_send(vm *v, obj_awaitable *a, value in, value *out) {
  (void)in;
  loop_future *f = as_fut(a->a);
  if (a->state == 0) {
    a->state = 1;
    if (f->state == FUT_PENDING) {
      f->blocking = true;
      *out = a->a;
      return EXEC_YIELD;
    }
  } else if (f->state == FUT_PENDING) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "await wasn't used with future");
    return EXEC_ERROR;
  }
  return future_result(v, f, out) ? EXEC_RETURN : EXEC_ERROR;
}

static exec_status fut_iter_throw(vm *v, obj_awaitable *a, value exc, value *out) {
  (void)a;
  (void)out;
  vm_raise(v, exc);
  return EXEC_ERROR;
}

bool loop_future_await(vm *v, loop_future *f, value *out) {
  obj_awaitable *a = vm_alloc(v, OBJ_AWAITABLE, sizeof *a);
  if (!a)
    return false;
  a->name = "Future.__await__";
  a->send = fut_iter_send;
  a->throw_ = fut_iter_throw;
  a->a = val_obj(f);
  *out = val_obj(a);
  return true;
}

/* ------------------------------------------------------------------------ */
/* Tasks                                                                    */
/* ------------------------------------------------------------------------ */

static value native_bound(vm *v, native_fn fn, const char *name, value data) {
  obj_native *n = obj_native_new(v, fn, name, NULL);
  if (!n)
    return val_undef();
  n->data = data;
  return val_obj(n);
}

static bool schedule_step(vm *v, loop_future *t, value exc) {
  return call_soon_direct(v, v->loop, t, DIRECT_STEP, &exc, exc.t == VAL_UNDEF ? 0 : 1) != NULL;
}

/* Task t waits on future w: w's done callbacks get t's __wakeup. */
static bool add_wakeup(vm *v, loop_future *w, loop_future *t) {
  if (w->state == FUT_PENDING && w->callback.t == VAL_UNDEF) {
    w->callback = val_obj(t);
    w->callback_wakeup = true;
    return true;
  }
  if (w->state != FUT_PENDING) {
    value self = val_obj(w);
    return call_soon_direct(v, v->loop, t, DIRECT_WAKEUP, &self, 1) != NULL;
  }
  value cb = native_bound(v, task_wakeup_cb, "Task.__wakeup", val_obj(t));
  return cb.t != VAL_UNDEF && add_done_callback(v, w, cb);
}

/* Room for a default task name, "Task-" and up to 10 digits. */
typedef struct task_name_buf {
  char s[32]; /* the text */
} task_name_buf;

/* A task's name as C text, without allocating: its string, or its default
 * "Task-N" written into buf. */
static const char *task_name_text(const loop_future *t, task_name_buf *buf) {
  if (t->name)
    return t->name->data;
  if (!t->name_num)
    return "";
  char digits[16];
  int n = 0;
  for (uint32_t k = t->name_num; k; k /= 10)
    digits[n++] = (char)('0' + k % 10);
  memcpy(buf->s, "Task-", 5);
  for (int i = 0; i < n; i++)
    buf->s[5 + i] = digits[n - 1 - i];
  buf->s[5 + n] = '\0';
  return buf->s;
}

obj_str *loop_task_name(vm *v, loop_future *t) {
  if (!t->name && t->name_num) {
    task_name_buf nb;
    t->name = obj_str_cstr(v, task_name_text(t, &nb));
    if (t->name)
      t->name_num = 0;
  }
  return t->name;
}

static loop_future *task_new(vm *v, loop *l, value coro, value name) {
  loop_future *t = future_new(v, l, v->cls[CLS_TASK]);
  if (!t)
    return NULL;
  t->is_task = true;
  t->coro = coro;
  if (v->opts.limits.max_tasks && v->task_counter >= v->opts.limits.max_tasks) {
    v->limit_hit = true;
    vm_raisef(v, CLS_LIMIT_ERROR, "task limit of %llu exceeded (raise it with --max-tasks)",
              (unsigned long long)v->opts.limits.max_tasks);
    return NULL;
  }
  v->task_counter++;
  if ((name.t == VAL_NONE || name.t == VAL_UNDEF) && v->task_counter <= UINT32_MAX) {
    t->name_num = (uint32_t)v->task_counter;
  } else {
    if (name.t == VAL_NONE || name.t == VAL_UNDEF) {
      char buf[32];
      snprintf(buf, sizeof buf, "Task-%llu", (unsigned long long)v->task_counter);
      t->name = obj_str_cstr(v, buf);
    } else {
      t->name = vm_str_str(v, name);
    }
    if (!t->name)
      return NULL;
  }
  if (v->trace) {
    task_name_buf nb;
    const char *name = task_name_text(t, &nb), *label = name;
    fmt_buf b = trace_buf_take(v->trace);
    if (val_is(coro, OBJ_CORO) && vm_coro_label_text(v, (obj_coro *)coro.as.o, &b))
      label = fmt_buf_str(&b);
    else if (val_is(coro, OBJ_AWAITABLE))
      label = ((obj_awaitable *)coro.as.o)->name;
    t->tid = trace_add_task(v->trace, v->clock, name, label, current_tid(v), vm_current_line(v));
    trace_buf_give(v->trace, &b);
  }
  if (!schedule_step(v, t, val_undef()))
    return NULL;
  if (!obj_list_append(v, l->tasks, val_obj(t)))
    return NULL;
  return t;
}

static bool task_cancel(vm *v, loop_future *t, value msg, bool *out);
static bool fm_repr(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out);

/* Task.__step: one send (or throw) into the coroutine. Returns false only
 * when the run must stop (a hard limit); ordinary exceptions become the
 * task's exception. */
/* The line where t's await chain is suspended: the innermost coroutine of
 * the scenario's own (library coroutines such as Queue.get are skipped, so
 * the line is the scenario's `await q.get()`). */
static int await_line(loop_future *t) {
  if (!val_is(t->coro, OBJ_CORO))
    return 0;
  obj_coro *c = (obj_coro *)t->coro.as.o;
  int line = 0;
  for (int guard = 0; guard < 100000; guard++) {
    if (c->frame.code && c->state != CORO_CLOSED && !c->frame.code->library)
      line = c->frame.code->lines[c->frame.last_ip];
    if (!c->delegating)
      break;
    value top = c->frame.sp[-1];
    if (!val_is(top, OBJ_CORO))
      break;
    c = (obj_coro *)top.as.o;
  }
  return line;
}

/* The suspend of t on the future w of an asyncio.sleep: "asyncio.sleep(0.5)", made once for
 * each delay (a program sleeps the same few delays again and again). */
static void trace_sleep(vm *v, loop_future *t, loop_future *w, int32_t line) {
  value d = w->context;
  uint64_t key = 0;
  if (d.t == VAL_FLOAT)
    memcpy(&key, &d.as.f, sizeof key);
  else if (d.t == VAL_INT)
    key = (uint64_t)d.as.i;
  else if (d.t == VAL_BOOL)
    key = d.as.b;
  uint32_t text = trace_keyed_text(v->trace, (uint32_t)d.t, key);
  if (text == TRACE_NO_TEXT) {
    fmt_buf b = trace_buf_take(v->trace);
    fmt_buf_appends(&b, "asyncio.sleep(");
    if (d.t == VAL_FLOAT || d.t == VAL_INT || d.t == VAL_BOOL)
      short_repr(v, d, &b);
    fmt_buf_appendc(&b, ')');
    text = trace_keyed_text_add(v->trace, (uint32_t)d.t, key, fmt_buf_str(&b), b.len);
    trace_buf_give(v->trace, &b);
  }
  trace_add_text(v->trace, TR_STEP_SUSPEND, v->clock, t->tid, WAIT_SLEEP, w->timer_hid, line,
                 w->deadline, text);
}

static void trace_suspend(vm *v, loop_future *t, value result) {
  int32_t line = await_line(t);
  if (result.t == VAL_NONE) {
    tr_text(v, TR_STEP_SUSPEND, t->tid, WAIT_YIELD, -1, line, 0, "asyncio.sleep(0)");
    return;
  }
  if (!val_is(result, OBJ_FUTURE))
    return;
  loop_future *w = as_fut(result);
  if (w->fkind == FUTK_SLEEP) {
    trace_sleep(v, t, w, line);
    return;
  }
  fmt_buf b = trace_buf_take(v->trace);
  int kind = WAIT_FUTURE, ref = w->fid;
  double num = 0;
  value what =
      w->dict ? obj_dict_get_str(w->dict, obj_str_intern(v, "_loopviz_what", 13)) : val_undef();
  if (w->is_task) {
    kind = WAIT_TASK;
    ref = w->tid;
    task_name_buf nb;
    fmt_buf_appends(&b, task_name_text(w, &nb));
    const trace_task *k = trace_task_at(v->trace, w->tid);
    if (val_is(w->coro, OBJ_CORO) && k) {
      fmt_buf_appendc(&b, ' ');
      fmt_buf_appends(&b, trace_text(v->trace, k->label));
    }
  } else if (w->fkind == FUTK_GATHER) {
    kind = WAIT_GATHER;
    size_t n = val_is(w->context, OBJ_LIST) ? AS_LIST(w->context)->count : 0;
    fmt_buf_appendf(&b, "asyncio.gather() of %zu", n);
  } else if (val_is(what, OBJ_STR)) {
    kind = WAIT_SYNC;
    fmt_buf_appends(&b, AS_STR(what)->data);
  } else {
    fmt_buf_appends(&b, "a Future");
  }
  tr_buf(v, TR_STEP_SUSPEND, t->tid, kind, ref, line, num, &b);
}

static bool task_step(vm *v, loop_future *t, value exc, int wake, int32_t ref) {
  loop *l = v->loop;
  if (t->state != FUT_PENDING) {
    task_name_buf nb;
    vm_raisef(v, CLS_INVALID_STATE_ERROR, "_step(): already done: %s", task_name_text(t, &nb));
    return false;
  }
  if (t->must_cancel) {
    if (exc.t == VAL_UNDEF || !obj_isinstance(v, exc, v->cls[CLS_CANCELLED_ERROR])) {
      exc = make_cancelled_error(v, t);
      if (exc.t == VAL_UNDEF)
        return false;
    }
    t->must_cancel = false;
    wake = WAKE_CANCEL;
  }
  if (v->trace && exc.t == VAL_UNDEF) {
    trace_add_text(v->trace, TR_STEP_BEGIN, v->clock, t->tid, wake, ref, 0, 0, static_text(v, ""));
  } else if (v->trace) {
    fmt_buf b = trace_buf_take(v->trace);
    short_repr(v, exc, &b);
    if (wake != WAKE_CANCEL)
      wake = t->cancel_waiting && obj_isinstance(v, exc, v->cls[CLS_CANCELLED_ERROR])
                 ? WAKE_CANCEL
                 : WAKE_EXCEPTION;
    tr_buf(v, TR_STEP_BEGIN, t->tid, wake, ref, 0, 0, &b);
  }
  t->steps++;
  t->cancel_waiting = false;
  t->fut_waiter = val_none();
  loop_future *prev = l->current;
  l->current = t;
  value result;
  exec_status st;
  if (val_is(t->coro, OBJ_CORO)) {
    st = vm_coro_resume(v, (obj_coro *)t->coro.as.o, exc.t == VAL_UNDEF ? val_none() : val_undef(),
                        exc, &result);
  } else {
    obj_awaitable *a = (obj_awaitable *)t->coro.as.o;
    a->awaited = true;
    st = exc.t == VAL_UNDEF ? a->send(v, a, val_none(), &result) : a->throw_(v, a, exc, &result);
  }
  l->current = prev;
  bool ok = true;
  if (v->trace && !v->limit_hit) {
    if (st == EXEC_RETURN) {
      fmt_buf b = trace_buf_take(v->trace);
      short_repr(v, result, &b);
      uint32_t step =
          trace_add(v->trace, TR_STEP_RETURN, v->clock, t->tid, 0, 0, 0, 0, fmt_buf_str(&b), b.len);
      trace_buf_give(v->trace, &b);
      const trace_event *e = trace_event_at(v->trace, step);
      if (e && e->text != TRACE_NO_TEXT) { /* for its done event, next */
        l->tr_returned = t;
        l->tr_returned_text = e->text;
      }
    } else if (st == EXEC_ERROR) {
      fmt_buf b = trace_buf_take(v->trace);
      value e = v->exc;
      short_repr(v, e, &b);
      v->exc = e;
      tr_buf(v, TR_STEP_RAISE, t->tid, obj_isinstance(v, e, v->cls[CLS_CANCELLED_ERROR]), 0, 0, 0,
             &b);
    } else {
      trace_suspend(v, t, result);
    }
  }
  if (st == EXEC_RETURN) {
    if (t->must_cancel) {
      t->must_cancel = false;
      bool c;
      ok = future_cancel(v, t, t->cancel_msg, &c);
    } else {
      ok = future_set_result(v, t, result);
    }
    l->tr_returned = NULL;
  } else if (st == EXEC_ERROR) {
    if (v->limit_hit)
      return false;
    value e = v->exc;
    v->exc = val_undef();
    if (obj_isinstance(v, e, v->cls[CLS_CANCELLED_ERROR])) {
      bool c;
      ok = future_cancel(v, t, val_none(), &c);
      /* keep the message of the CancelledError that ended it */
      if (val_is(e, OBJ_EXCEPTION) && AS_EXC(e)->args && AS_EXC(e)->args->count)
        t->cancel_msg = AS_EXC(e)->args->items[0];
    } else {
      ok = future_set_exception(v, t, e);
    }
  } else {
    /* the coroutine yielded */
    if (val_is(result, OBJ_FUTURE)) {
      loop_future *w = as_fut(result);
      if (w == t) {
        value err = vm_new_exception(v, v->cls[CLS_RUNTIME_ERROR], "Task cannot await on itself");
        ok = err.t != VAL_UNDEF && schedule_step(v, t, err);
      } else if (w->blocking) {
        w->blocking = false;
        ok = add_wakeup(v, w, t);
        t->fut_waiter = result;
        if (ok && t->must_cancel) {
          bool c;
          if (w->is_task)
            ok = task_cancel(v, w, t->cancel_msg, &c);
          else
            ok = future_cancel(v, w, t->cancel_msg, &c);
          if (ok && c)
            t->must_cancel = false;
        }
      } else {
        value err = vm_new_exception(v, v->cls[CLS_RUNTIME_ERROR],
                                     "yield was used instead of yield from in task");
        ok = err.t != VAL_UNDEF && schedule_step(v, t, err);
      }
    } else if (result.t == VAL_NONE) {
      ok = schedule_step(v, t, val_undef());
    } else {
      fmt_buf b;
      fmt_buf_init(&b);
      fmt_buf_appends(&b, "Task got bad yield: ");
      vm_repr(v, result, &b);
      value err = vm_new_exception(v, v->cls[CLS_RUNTIME_ERROR], b.data ? b.data : "");
      fmt_buf_free(&b);
      ok = err.t != VAL_UNDEF && schedule_step(v, t, err);
    }
  }
  return ok;
}

static bool task_step_cb(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  (void)self;
  (void)kw;
  *out = val_none();
  loop_future *t = as_fut(v->native_data);
  return task_step(v, t, nargs ? args[0] : val_undef(), t->steps == 0 ? WAKE_START : WAKE_YIELD,
                   -1);
}

static bool task_wakeup_cb(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                           value *out) {
  (void)self;
  (void)kw;
  (void)nargs;
  *out = val_none();
  loop_future *t = as_fut(v->native_data);
  loop_future *f = as_fut(args[0]);
  int wake = WAKE_FUTURE;
  int32_t ref = f->fid;
  if (f->fkind == FUTK_SLEEP) {
    wake = WAKE_TIMER;
    ref = f->timer_hid;
  } else if (f->is_task) {
    wake = WAKE_TASK;
    ref = f->tid;
  } else if (f->fkind == FUTK_GATHER) {
    wake = WAKE_GATHER;
  }
  value r;
  if (future_result(v, f, &r))
    return task_step(v, t, val_undef(), wake, ref);
  value e = v->exc;
  v->exc = val_undef();
  return task_step(v, t, e, WAKE_EXCEPTION, ref);
}

static bool task_cancel(vm *v, loop_future *t, value msg, bool *out) {
  t->log_tb = false;
  if (t->state != FUT_PENDING) {
    *out = false;
    return true;
  }
  t->cancel_requests++;
  if (v->trace) {
    fmt_buf b = trace_buf_take(v->trace);
    if (msg.t != VAL_NONE)
      short_repr(v, msg, &b);
    tr_buf(v, TR_CANCEL, t->tid, 0, current_tid(v), vm_current_line(v), 0, &b);
  }
  if (val_is(t->fut_waiter, OBJ_FUTURE)) {
    loop_future *w = as_fut(t->fut_waiter);
    bool c;
    bool ok = w->is_task ? task_cancel(v, w, msg, &c)
              : w->context.t == VAL_OBJ && val_is(w->context, OBJ_LIST)
                  ? true
                  : future_cancel(v, w, msg, &c);
    if (!ok)
      return false;
    if (!w->is_task && val_is(w->context, OBJ_LIST)) {
      /* a gathering future cancels its children */
      obj_list *kids = AS_LIST(w->context);
      c = false;
      if (w->state == FUT_PENDING) {
        for (size_t i = 0; i < kids->count; i++) {
          bool k;
          loop_future *kf = as_fut(kids->items[i]);
          if (!(kf->is_task ? task_cancel(v, kf, msg, &k) : future_cancel(v, kf, msg, &k)))
            return false;
          if (k)
            c = true;
        }
        if (c)
          w->gather_cancel_requested = true;
      }
    }
    if (c) {
      t->cancel_waiting = true;
      *out = true;
      return true;
    }
  }
  t->must_cancel = true;
  t->cancel_msg = msg;
  *out = true;
  return true;
}

/* ------------------------------------------------------------------------ */
/* Running the loop                                                         */
/* ------------------------------------------------------------------------ */

static bool deadlock(vm *v, loop *l) {
  fmt_buf b;
  fmt_buf_init(&b);
  fmt_buf_appends(&b, "every task is waiting and no timer is pending; CPython would hang here");
  for (size_t i = 0; i < l->tasks->count; i++) {
    loop_future *t = as_fut(l->tasks->items[i]);
    if (t->state != FUT_PENDING)
      continue;
    task_name_buf nb;
    fmt_buf_appendf(&b, "\n  %s", task_name_text(t, &nb));
    int line = 0;
    if (val_is(t->coro, OBJ_CORO)) {
      obj_coro *c = (obj_coro *)t->coro.as.o;
      /* a trace's label is the one it gave the task when it was made */
      const trace_task *k = v->trace ? trace_task_at(v->trace, t->tid) : NULL;
      obj_str *made = k ? NULL : vm_coro_label(v, c);
      const char *label = k ? trace_text(v->trace, k->label) : made ? made->data : c->name->data;
      fmt_buf_appendf(&b, " %s", label);
      line = await_line(t);
    }
    /* "Task-2 fetch(1) waits on Event.wait() at x.py:12" */
    if (val_is(t->fut_waiter, OBJ_FUTURE)) {
      loop_future *w = as_fut(t->fut_waiter);
      value what =
          w->dict ? obj_dict_get_str(w->dict, obj_str_intern(v, "_loopviz_what", 13)) : val_undef();
      if (w->is_task)
        fmt_buf_appendf(&b, " waits on task %s", task_name_text(w, &nb));
      else if (val_is(what, OBJ_STR))
        fmt_buf_appendf(&b, " waits on %s", AS_STR(what)->data);
      else if (w->fkind == FUTK_GATHER)
        fmt_buf_appends(&b, " waits on asyncio.gather()");
      else
        fmt_buf_appendf(&b, " waits on a %s that nothing will resolve", w->cls->name->data);
    } else {
      fmt_buf_appends(&b, " waits");
    }
    if (line)
      fmt_buf_appendf(&b, " at %s:%d", v->filename ? v->filename : "?", line);
  }
  if (v->trace)
    tr_text(v, TR_DEADLOCK, -1, 0, 0, 0, 0, fmt_buf_str(&b));
  vm_raise_msg(v, CLS_DEADLOCK_ERROR, b.data ? b.data : "deadlock");
  fmt_buf_free(&b);
  v->limit_hit = true;
  return false;
}

static void report_callback_error(vm *v, loop_handle *h) {
  value e = v->exc;
  v->exc = val_undef();
  fmt_buf b;
  fmt_buf_init(&b);
  fmt_buf_appends(&b, "Exception in callback ");
  value cb = h->callback;
  if (h->direct)
    fmt_buf_appends(&b, handle_name(v, h));
  else if (val_is(cb, OBJ_FUNCTION))
    fmt_buf_appends(&b, AS_FUNCTION(cb)->qualname->data);
  else if (val_is(cb, OBJ_NATIVE))
    fmt_buf_appends(&b, AS_NATIVE(cb)->name);
  else
    fmt_buf_appends(&b, obj_type_name(v, cb));
  fmt_buf_appends(&b, "()\n");
  vm_write_err(v, b.data, b.len);
  fmt_buf_free(&b);
  vm_print_exception(v, e);
}

/* Calls what h calls: its callback, or the task's __step or __wakeup as
 * the bound method would (native_data is the task). */
static bool run_handle(vm *v, loop_handle *h) {
  value out;
  int n = h->args ? (int)h->args->count : 0;
  const value *args = h->args ? h->args->items : NULL;
  if (!h->direct)
    return vm_call(v, h->callback, args, n, NULL, &out);
  return vm_call_native_fn(v, h->direct == DIRECT_STEP ? task_step_cb : task_wakeup_cb, h->callback,
                           val_undef(), args, n, NULL, &out);
}

/* One iteration of the loop (BaseEventLoop._run_once). */
static bool run_once(vm *v, loop *l) {
  if (l->ntimers > 100 && l->cancelled_timers * 2 > l->ntimers) {
    size_t j = 0;
    for (size_t i = 0; i < l->ntimers; i++) {
      loop_handle *h = l->timers[i].h;
      if (h->cancelled)
        h->scheduled = false;
      else
        l->timers[j++] = l->timers[i];
    }
    l->ntimers = j;
    for (size_t i = l->ntimers / 2 + 1; i-- > 0;)
      if (i < l->ntimers)
        heap_down(l, i);
    l->cancelled_timers = 0;
  } else {
    while (l->ntimers && l->timers[0].h->cancelled) {
      loop_handle *h = heap_pop(l);
      h->scheduled = false;
      l->cancelled_timers--;
    }
  }
  if (l->ready_count == 0 && !l->stopping) {
    if (l->ntimers == 0)
      return deadlock(v, l);
    double when = l->timers[0].when;
    if (when > v->clock) {
      if (v->trace)
        trace_add(v->trace, TR_CLOCK_JUMP, when, -1, 0, 0, 0, v->clock, NULL, 0);
      v->clock = when;
      if (!check_time_limit(v))
        return false;
    }
  }
  double end_time = v->clock + LOOP_CLOCK_RESOLUTION;
  if (end_time <= v->clock) /* above about 1.7e7 s the resolution is lost to rounding */
    end_time = nextafter(v->clock, INFINITY);
  while (l->ntimers) {
    if (l->timers[0].when >= end_time)
      break;
    loop_handle *h = l->timers[0].h;
    heap_pop(l);
    h->scheduled = false;
    if (h->cancelled) {
      l->cancelled_timers--;
      continue;
    }
    if (v->trace)
      tr(v, TR_TIMER_FIRE, h->task, h->hid, 0, 0, 0);
    if (!ready_push(v, l, h))
      return false;
  }
  size_t ntodo = l->ready_count;
  for (size_t i = 0; i < ntodo; i++) {
    /* between two callbacks nothing lives in C variables: a safe point */
    gc_maybe_collect(v);
    loop_handle *h = ready_pop(l);
    if (v->trace)
      tr(v, TR_READY_POP, h->task, h->hid, 0, 0, 0);
    if (h->cancelled)
      continue;
    if (!run_handle(v, h)) {
      if (v->limit_hit)
        return false;
      report_callback_error(v, h);
    }
  }
  return true;
}

static bool run_forever(vm *v, loop *l) {
  if (l->running) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "This event loop is already running");
    return false;
  }
  l->running = true;
  l->stopping = false;
  bool ok = true;
  for (;;) {
    gc_maybe_collect(v);
    if (!run_once(v, l)) {
      ok = false;
      break;
    }
    if (l->stopping)
      break;
  }
  l->stopping = false;
  l->running = false;
  return ok;
}

static bool stop_cb(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)self;
  (void)kw;
  (void)nargs;
  *out = val_none();
  loop_future *f = as_fut(args[0]);
  if (f->state != FUT_CANCELLED) {
    value e;
    if (!future_exception(v, f, &e))
      return false;
    if (val_is(e, OBJ_EXCEPTION) && (obj_isinstance(v, e, v->cls[CLS_SYSTEM_EXIT]) ||
                                     obj_isinstance(v, e, v->cls[CLS_KEYBOARD_INTERRUPT])))
      return true;
  }
  v->loop->stopping = true;
  return true;
}

/* BaseEventLoop.run_until_complete(future). */
static bool run_until_complete(vm *v, loop *l, loop_future *f, value *out) {
  value cb = native_bound(v, stop_cb, "_run_until_complete_cb", val_none());
  if (cb.t == VAL_UNDEF || !add_done_callback(v, f, cb))
    return false;
  /* f and cb live in C variables across the loop's run */
  int npins = v->npins;
  if (gc_pin(v, val_obj(f)) != GC_OK || gc_pin(v, cb) != GC_OK) {
    gc_unpin_to(v, npins);
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "too many nested runs of the event loop");
    return false;
  }
  bool ok = run_forever(v, l);
  gc_unpin_to(v, npins);
  remove_done_callback(v, f, cb);
  if (!ok)
    return false;
  if (f->state == FUT_PENDING) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "Event loop stopped before Future completed.");
    return false;
  }
  return future_result(v, f, out);
}

/* ------------------------------------------------------------------------ */
/* gather                                                                   */
/* ------------------------------------------------------------------------ */

static bool gather_child_done(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                              value *out) {
  (void)self;
  (void)kw;
  (void)nargs;
  *out = val_none();
  loop_future *outer = as_fut(v->native_data);
  loop_future *fut = as_fut(args[0]);
  obj_list *kids = AS_LIST(outer->context);
  outer->gather_done++;
  if (outer->state != FUT_PENDING) {
    if (fut->state != FUT_CANCELLED)
      fut->log_tb = false;
    return true;
  }
  if (!outer->gather_return_exceptions) {
    if (fut->state == FUT_CANCELLED) {
      value e = make_cancelled_error(v, fut);
      return e.t != VAL_UNDEF && future_set_exception(v, outer, e);
    }
    value e;
    if (!future_exception(v, fut, &e))
      return false;
    if (e.t != VAL_NONE)
      return future_set_exception(v, outer, e);
  }
  if (outer->gather_done != outer->gather_count)
    return true;
  obj_list *results = obj_list_new(v, kids->count);
  if (!results)
    return false;
  for (size_t i = 0; i < kids->count; i++) {
    loop_future *k = as_fut(kids->items[i]);
    value r;
    if (k->state == FUT_CANCELLED) {
      r = vm_new_exception(v, v->cls[CLS_CANCELLED_ERROR], k->cancel_msg.t == VAL_NONE ? "" : NULL);
      if (k->cancel_msg.t != VAL_NONE && r.t != VAL_UNDEF) {
        obj_tuple *a = obj_tuple_new(v, 1);
        if (!a)
          return false;
        a->items[0] = k->cancel_msg;
        AS_EXC(r)->args = a;
      }
      if (r.t == VAL_UNDEF)
        return false;
    } else {
      if (!future_exception(v, k, &r))
        return false;
      if (r.t == VAL_NONE)
        r = k->result;
    }
    if (!obj_list_append(v, results, r))
      return false;
  }
  if (outer->gather_cancel_requested) {
    value e = make_cancelled_error(v, fut);
    return e.t != VAL_UNDEF && future_set_exception(v, outer, e);
  }
  return future_set_result(v, outer, val_obj(results));
}

static bool ensure_future(vm *v, loop *l, value x, loop_future **out) {
  if (val_is(x, OBJ_FUTURE)) {
    *out = as_fut(x);
    return true;
  }
  if (is_coroutine(x)) {
    *out = task_new(v, l, x, val_none());
    return *out != NULL;
  }
  if (bi_is_typed(x)) {
    value m;
    bool found = false;
    if (!vm_getattr_opt(v, x, v->s_await, &m, &found))
      return false;
    if (found) {
      vm_raise_msg(v, CLS_TYPE_ERROR, "awaitables with __await__ must be wrapped in a coroutine");
      return false;
    }
  }
  vm_raise_msg(v, CLS_TYPE_ERROR, "An asyncio.Future, a coroutine or an awaitable is required");
  return false;
}

/* tasks.gather on loop l. */
static bool gather_on(vm *v, loop *l, const value *args, int nargs, bool ret_exc, value *out) {
  loop_future *outer = future_new(v, l, v->cls[CLS_FUTURE]);
  if (!outer)
    return false;
  if (nargs == 0) {
    obj_list *empty = obj_list_new(v, 0);
    if (!empty || !future_set_result(v, outer, val_obj(empty)))
      return false;
    *out = val_obj(outer);
    return true;
  }
  outer->gather_return_exceptions = ret_exc;
  outer->fkind = FUTK_GATHER;
  obj_list *kids = obj_list_new(v, (size_t)nargs);
  if (!kids)
    return false;
  outer->context = val_obj(kids);
  value cb = native_bound(v, gather_child_done, "_done_callback", val_obj(outer));
  if (cb.t == VAL_UNDEF)
    return false;
  /* the same awaitable given twice shares one future (arg_to_fut in CPython):
   * an open-addressing table from argument object to its position */
  size_t size = 16;
  while (size < (size_t)nargs * 2)
    size *= 2;
  int32_t *seen = malloc(size * sizeof *seen);
  if (!seen) {
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return false;
  }
  memset(seen, 0xff, size * sizeof *seen);
  bool ok = true;
  for (int i = 0; i < nargs && ok; i++) {
    loop_future *f = NULL;
    size_t slot = 0;
    if (args[i].t == VAL_OBJ) {
      slot = ((uintptr_t)args[i].as.o >> 4) * 0x9E3779B97F4A7C15ull & (size - 1);
      while (seen[slot] >= 0) {
        if (args[seen[slot]].as.o == args[i].as.o) {
          f = as_fut(kids->items[seen[slot]]);
          break;
        }
        slot = (slot + 1) & (size - 1);
      }
    }
    if (!f) {
      ok = ensure_future(v, l, args[i], &f) && add_done_callback(v, f, cb);
      if (!ok)
        break;
      outer->gather_count++;
      if (args[i].t == VAL_OBJ)
        seen[slot] = i;
    }
    ok = obj_list_append(v, kids, val_obj(f));
  }
  free(seen);
  if (!ok)
    return false;
  *out = val_obj(outer);
  return true;
}

static bool aio_gather(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)self;
  static const char *const allowed[] = {"return_exceptions", NULL};
  if (!check_kwargs(v, "gather", kw, allowed))
    return false;
  int ri = kwarg(kw, nargs, "return_exceptions");
  bool ret_exc = false;
  if (ri >= 0 && !obj_truthy(v, args[ri], &ret_exc))
    return false;
  loop *l = running_loop(v);
  if (!l)
    return false;
  return gather_on(v, l, args, nargs, ret_exc, out);
}

/* ------------------------------------------------------------------------ */
/* sleep                                                                    */
/* ------------------------------------------------------------------------ */

static bool set_result_unless_cancelled(vm *v, value self, const value *args, int nargs,
                                        obj_tuple *kw, value *out) {
  (void)self;
  (void)kw;
  (void)nargs;
  *out = val_none();
  loop_future *f = as_fut(args[0]);
  if (f->state == FUT_CANCELLED)
    return true;
  return future_set_result(v, f, args[1]);
}

enum { SLEEP_START, SLEEP_YIELDED0, SLEEP_WAITING, SLEEP_DONE };

static exec_status sleep_send(vm *v, obj_awaitable *a, value in, value *out) {
  (void)in;
  loop *l = v->loop;
  switch (a->state) {
  case SLEEP_START:
    if (!l || !l->running) {
      vm_raise_msg(v, CLS_RUNTIME_ERROR, "no running event loop");
      return EXEC_ERROR;
    }
    if (!(a->when > 0)) {
      a->state = SLEEP_YIELDED0;
      *out = val_none();
      return EXEC_YIELD;
    } else {
      loop_future *f = future_new(v, l, v->cls[CLS_FUTURE]);
      if (!f)
        return EXEC_ERROR;
      /* one callback for every sleep timer of the loop: it keeps no state */
      if (l->sleep_cb.t == VAL_UNDEF)
        l->sleep_cb = native_bound(v, set_result_unless_cancelled,
                                   "_set_result_unless_cancelled", val_none());
      value cb = l->sleep_cb;
      if (cb.t == VAL_UNDEF)
        return EXEC_ERROR;
      value cargs[2] = {val_obj(f), a->b};
      f->fkind = FUTK_SLEEP;
      f->deadline = v->clock + a->when;
      if (v->trace)
        f->context = a->a; /* the delay, for the label of the suspend (trace_suspend) */
      loop_handle *h = handle_new(v, l, cb, cargs, 2);
      if (!h)
        return EXEC_ERROR;
      h->task = current_tid(v);
      h->is_timer = true;
      h->when = f->deadline;
      h->scheduled = true;
      if (!heap_push(v, l, h))
        return EXEC_ERROR;
      if (v->trace)
        tr(v, TR_TIMER_ADD, h->task, h->hid, h->cb_kind, 0, h->when);
      f->timer_hid = h->hid;
      a->a = val_obj(f);
      a->c = val_obj(h);
      a->state = SLEEP_WAITING;
      f->blocking = true;
      *out = val_obj(f);
      return EXEC_YIELD;
    }
  case SLEEP_YIELDED0:
    a->state = SLEEP_DONE;
    *out = a->b;
    return EXEC_RETURN;
  case SLEEP_WAITING: {
    a->state = SLEEP_DONE;
    handle_cancel(v, l, as_handle(a->c));
    loop_future *f = as_fut(a->a);
    if (f->state == FUT_PENDING) {
      vm_raise_msg(v, CLS_RUNTIME_ERROR, "await wasn't used with future");
      return EXEC_ERROR;
    }
    return future_result(v, f, out) ? EXEC_RETURN : EXEC_ERROR;
  }
  default:
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "cannot reuse already awaited coroutine");
    return EXEC_ERROR;
  }
}

static exec_status sleep_throw(vm *v, obj_awaitable *a, value exc, value *out) {
  (void)out;
  if (a->state == SLEEP_WAITING && v->loop)
    handle_cancel(v, v->loop, as_handle(a->c));
  a->state = SLEEP_DONE;
  vm_raise(v, exc);
  return EXEC_ERROR;
}

static bool aio_sleep(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)self;
  static const char *const allowed[] = {"delay", "result", NULL};
  if (!check_kwargs(v, "sleep", kw, allowed))
    return false;
  int di = nargs >= 1 ? 0 : kwarg(kw, nargs, "delay");
  int ri = nargs >= 2 ? 1 : kwarg(kw, nargs, "result");
  if (di < 0) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "sleep() missing 1 required positional argument: 'delay'");
    return false;
  }
  double d;
  if (!bi_as_double(args[di], &d)) {
    vm_raisef(v, CLS_TYPE_ERROR, "'<=' not supported between instances of '%s' and 'int'",
              obj_type_name(v, args[di]));
    return false;
  }
  if (isnan(d)) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "Invalid delay: NaN (not a number)");
    return false;
  }
  obj_awaitable *a = vm_alloc(v, OBJ_AWAITABLE, sizeof *a);
  if (!a)
    return false;
  a->name = "sleep";
  a->coroutine = true;
  a->send = sleep_send;
  a->throw_ = sleep_throw;
  a->when = d;
  a->a = args[di]; /* the delay as given, for the trace; replaced by the future once awaited */
  a->b = ri >= 0 ? args[ri] : val_none();
  *out = val_obj(a);
  return true;
}

/* ------------------------------------------------------------------------ */
/* asyncio.run and task creation                                            */
/* ------------------------------------------------------------------------ */

static loop *loop_new(vm *v) {
  loop *l = calloc(1, sizeof *l);
  if (!l) {
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return NULL;
  }
  l->pyobj = val_none();
  l->sleep_cb = val_undef();
  l->tasks = obj_list_new(v, 8);
  if (!l->tasks) {
    free(l);
    return NULL;
  }
  return l;
}

void loop_free(vm *v, loop *l) {
  (void)v;
  if (!l)
    return;
  free(l->ready);
  free(l->timers);
  free(l);
}

/* A finished native coroutine: what shutdown_asyncgens and
 * shutdown_default_executor amount to when there is nothing to shut down. */
static exec_status noop_send(vm *v, obj_awaitable *a, value in, value *out) {
  (void)v;
  (void)a;
  (void)in;
  *out = val_none();
  return EXEC_RETURN;
}

static exec_status noop_throw(vm *v, obj_awaitable *a, value exc, value *out) {
  (void)a;
  (void)out;
  vm_raise(v, exc);
  return EXEC_ERROR;
}

static bool run_noop_task(vm *v, loop *l, const char *name) {
  obj_awaitable *a = vm_alloc(v, OBJ_AWAITABLE, sizeof *a);
  if (!a)
    return false;
  a->name = name;
  a->send = noop_send;
  a->throw_ = noop_throw;
  a->awaited = true;
  /* internal bookkeeping of asyncio.run: not part of what a trace shows */
  trace *saved = v->trace;
  v->trace = NULL;
  loop_future *t = task_new(v, l, val_obj(a), val_none());
  value out;
  bool ok = t && run_until_complete(v, l, t, &out);
  v->trace = saved;
  return ok;
}

/* runners._cancel_all_tasks */
static bool cancel_all_tasks(vm *v, loop *l) {
  obj_list *pending = obj_list_new(v, 0);
  if (!pending)
    return false;
  for (size_t i = 0; i < l->tasks->count; i++)
    if (as_fut(l->tasks->items[i])->state == FUT_PENDING)
      if (!obj_list_append(v, pending, l->tasks->items[i]))
        return false;
  if (pending->count == 0)
    return true;
  for (size_t i = 0; i < pending->count; i++) {
    bool c;
    if (!task_cancel(v, as_fut(pending->items[i]), val_none(), &c))
      return false;
  }
  value g;
  if (!gather_on(v, l, pending->items, (int)pending->count, true, &g))
    return false;
  value out;
  int npins = v->npins;
  bool ran = gc_pin(v, val_obj(pending)) == GC_OK && run_until_complete(v, l, as_fut(g), &out);
  gc_unpin_to(v, npins);
  if (!ran)
    return false;
  for (size_t i = 0; i < pending->count; i++) {
    loop_future *t = as_fut(pending->items[i]);
    if (t->state == FUT_CANCELLED)
      continue;
    if (t->exception.t != VAL_UNDEF) {
      static const char msg[] = "unhandled exception during asyncio.run() shutdown\ntask: ";
      vm_write_err(v, msg, sizeof msg - 1);
      task_name_buf nb;
      const char *name = task_name_text(t, &nb);
      vm_write_err(v, name, strlen(name));
      vm_write_err(v, "\n", 1);
      vm_print_exception(v, t->exception);
    }
  }
  return true;
}

/* "Task exception was never retrieved": CPython logs it when such a task is
 * garbage collected; here, when its asyncio.run ends. */
static void report_unretrieved(vm *v, loop *l) {
  for (size_t i = 0; i < l->tasks->count; i++) {
    loop_future *t = as_fut(l->tasks->items[i]);
    if (!t->log_tb || t->exception.t == VAL_UNDEF)
      continue;
    t->log_tb = false;
    if (v->trace)
      tr_text(v, TR_WARNING, t->tid, 0, 0, 0, 0, "Task exception was never retrieved");
    static const char head[] = "Task exception was never retrieved\nfuture: ";
    vm_write_err(v, head, sizeof head - 1);
    value r;
    if (fm_repr(v, val_obj(t), NULL, 0, NULL, &r) && val_is(r, OBJ_STR))
      vm_write_err(v, AS_STR(r)->data, AS_STR(r)->len);
    v->exc = val_undef();
    vm_write_err(v, "\n", 1);
    vm_print_exception(v, t->exception);
  }
}

static bool aio_run(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)self;
  static const char *const allowed[] = {"debug", NULL};
  if (!check_kwargs(v, "run", kw, allowed))
    return false;
  if (nargs != 1) {
    vm_raisef(v, CLS_TYPE_ERROR, "run() takes 1 positional argument but %d were given", nargs);
    return false;
  }
  if (v->loop && v->loop->running) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "asyncio.run() cannot be called from a running event loop");
    return false;
  }
  if (!is_coroutine(args[0])) {
    fmt_buf b;
    fmt_buf_init(&b);
    fmt_buf_appends(&b, "a coroutine was expected, got ");
    vm_repr(v, args[0], &b);
    vm_raise_msg(v, CLS_VALUE_ERROR, b.data ? b.data : "");
    fmt_buf_free(&b);
    return false;
  }
  if (v->loop) {
    loop_free(v, v->loop);
    v->loop = NULL;
  }
  loop *l = loop_new(v);
  if (!l)
    return false;
  v->loop = l;
  loop_future *main_task = task_new(v, l, args[0], val_none());
  if (!main_task)
    return false;
  value result;
  bool ok = run_until_complete(v, l, main_task, &result);
  if (v->limit_hit) {
    l->closed = true;
    return false;
  }
  value exc = ok ? val_undef() : v->exc;
  v->exc = val_undef();
  /* finally: cancel what is left, shut down async generators and the executor
   * (result and exc wait in C variables meanwhile: pinned) */
  int npins = v->npins;
  bool clean = gc_pin(v, ok ? result : val_none()) == GC_OK && gc_pin(v, exc) == GC_OK &&
               cancel_all_tasks(v, l) && run_noop_task(v, l, "shutdown_asyncgens") &&
               run_noop_task(v, l, "shutdown_default_executor");
  gc_unpin_to(v, npins);
  l->closed = true;
  if (!clean)
    return false;
  report_unretrieved(v, l);
  if (!ok) {
    v->exc = exc;
    return false;
  }
  *out = result;
  return true;
}

static bool aio_create_task(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                            value *out) {
  (void)self;
  static const char *const allowed[] = {"name", "context", NULL};
  if (!check_kwargs(v, "create_task", kw, allowed))
    return false;
  if (nargs != 1) {
    vm_raisef(v, CLS_TYPE_ERROR, "create_task() takes 1 positional argument but %d were given",
              nargs);
    return false;
  }
  loop *l = running_loop(v);
  if (!l)
    return false;
  if (!is_coroutine(args[0])) {
    fmt_buf b;
    fmt_buf_init(&b);
    fmt_buf_appends(&b, "a coroutine was expected, got ");
    vm_repr(v, args[0], &b);
    vm_raise_msg(v, CLS_TYPE_ERROR, b.data ? b.data : "");
    fmt_buf_free(&b);
    return false;
  }
  int ni = kwarg(kw, nargs, "name");
  loop_future *t = task_new(v, l, args[0], ni >= 0 ? args[ni] : val_none());
  if (!t)
    return false;
  *out = val_obj(t);
  return true;
}

static bool aio_ensure_future(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                              value *out) {
  (void)self;
  static const char *const allowed[] = {"loop", NULL};
  if (!check_kwargs(v, "ensure_future", kw, allowed))
    return false;
  if (nargs != 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "ensure_future() takes 1 positional argument");
    return false;
  }
  loop *l = running_loop(v);
  if (!l)
    return false;
  loop_future *f;
  if (!ensure_future(v, l, args[0], &f))
    return false;
  *out = val_obj(f);
  return true;
}

static bool aio_current_task(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                             value *out) {
  (void)self;
  (void)args;
  (void)kw;
  (void)nargs;
  loop *l = running_loop(v);
  if (!l)
    return false;
  *out = l->current ? val_obj(l->current) : val_none();
  return true;
}

static bool aio_all_tasks(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                          value *out) {
  (void)self;
  (void)args;
  (void)kw;
  (void)nargs;
  loop *l = running_loop(v);
  if (!l)
    return false;
  obj_dict *s = obj_set_new(v);
  if (!s)
    return false;
  for (size_t i = 0; i < l->tasks->count; i++)
    if (as_fut(l->tasks->items[i])->state == FUT_PENDING)
      if (!obj_set_add(v, s, l->tasks->items[i]))
        return false;
  *out = val_obj(s);
  return true;
}

/* ------------------------------------------------------------------------ */
/* The loop object (get_running_loop())                                     */
/* ------------------------------------------------------------------------ */

static bool aio_get_running_loop(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                                 value *out);

static bool lo_time(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)self;
  (void)args;
  if (!no_args(v, "time", nargs, kw))
    return false;
  *out = val_float(v->clock);
  return true;
}

static bool lo_call_soon(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  (void)self;
  static const char *const allowed[] = {"context", NULL};
  if (!check_kwargs(v, "call_soon", kw, allowed))
    return false;
  if (nargs < 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR,
                 "call_soon() missing 1 required positional argument: 'callback'");
    return false;
  }
  loop_handle *h = call_soon(v, v->loop, args[0], args + 1, nargs - 1);
  if (!h)
    return false;
  *out = val_obj(h);
  return true;
}

static bool lo_call_later_at(vm *v, const value *args, int nargs, obj_tuple *kw, value *out,
                             bool absolute) {
  static const char *const allowed[] = {"context", NULL};
  if (!check_kwargs(v, absolute ? "call_at" : "call_later", kw, allowed))
    return false;
  if (nargs < 2) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s() missing required positional arguments",
              absolute ? "call_at" : "call_later");
    return false;
  }
  double d;
  if (!bi_as_double(args[0], &d)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "delay must be a number");
    return false;
  }
  loop_handle *h = call_at(v, v->loop, absolute ? d : v->clock + d, args[1], args + 2, nargs - 2);
  if (!h)
    return false;
  *out = val_obj(h);
  return true;
}

static bool lo_call_later(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                          value *out) {
  (void)self;
  return lo_call_later_at(v, args, nargs, kw, out, false);
}

static bool lo_call_at(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)self;
  return lo_call_later_at(v, args, nargs, kw, out, true);
}

static bool lo_create_future(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                             value *out) {
  (void)self;
  (void)args;
  if (!no_args(v, "create_future", nargs, kw))
    return false;
  loop_future *f = future_new(v, v->loop, v->cls[CLS_FUTURE]);
  if (!f)
    return false;
  *out = val_obj(f);
  return true;
}

static bool lo_is_closed(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  (void)self;
  (void)args;
  if (!no_args(v, "is_closed", nargs, kw))
    return false;
  *out = val_bool(v->loop && v->loop->closed);
  return true;
}

/* loop.call_exception_handler(context): the default handler's report. */
static bool lo_call_exception_handler(vm *v, value self, const value *args, int nargs,
                                      obj_tuple *kw, value *out) {
  (void)self;
  (void)kw;
  *out = val_none();
  if (nargs != 1 || !val_is(args[0], OBJ_DICT)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "call_exception_handler() takes a context dict");
    return false;
  }
  obj_dict *ctx = AS_DICT(args[0]);
  value msg = obj_dict_get_str(ctx, obj_str_intern(v, "message", 7));
  value exc = obj_dict_get_str(ctx, obj_str_intern(v, "exception", 9));
  fmt_buf b;
  fmt_buf_init(&b);
  if (msg.t != VAL_UNDEF && !vm_str(v, msg, &b)) {
    fmt_buf_free(&b);
    return false;
  }
  if (!b.len)
    fmt_buf_appends(&b, "Unhandled exception in event loop");
  fmt_buf_appendc(&b, '\n');
  vm_write_err(v, b.data, b.len);
  fmt_buf_free(&b);
  if (val_is(exc, OBJ_EXCEPTION))
    vm_print_exception(v, exc);
  return true;
}

static bool lo_is_running(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                          value *out) {
  (void)self;
  (void)args;
  if (!no_args(v, "is_running", nargs, kw))
    return false;
  *out = val_bool(v->loop && v->loop->running);
  return true;
}

static obj_class *loop_class(vm *v) {
  obj_str *name = obj_str_intern(v, "_UnixSelectorEventLoop", 22);
  if (!name)
    return NULL;
  obj_class *c = obj_class_new(v, name, v->cls[CLS_OBJECT]);
  if (!c)
    return NULL;
  c->module = obj_str_intern(v, "asyncio.unix_events", 19);
  if (!vm_def_method(v, c, "time", lo_time) || !vm_def_method(v, c, "call_soon", lo_call_soon) ||
      !vm_def_method(v, c, "call_later", lo_call_later) ||
      !vm_def_method(v, c, "call_at", lo_call_at) ||
      !vm_def_method(v, c, "create_future", lo_create_future) ||
      !vm_def_method(v, c, "create_task", aio_create_task) ||
      !vm_def_method(v, c, "is_running", lo_is_running) ||
      !vm_def_method(v, c, "is_closed", lo_is_closed) ||
      !vm_def_method(v, c, "call_exception_handler", lo_call_exception_handler))
    return NULL;
  return c;
}

static bool aio_get_running_loop(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                                 value *out) {
  (void)self;
  (void)args;
  if (!no_args(v, "get_running_loop", nargs, kw))
    return false;
  loop *l = running_loop(v);
  if (!l)
    return false;
  if (l->pyobj.t != VAL_OBJ) {
    if (!v->loop_class && !(v->loop_class = loop_class(v)))
      return false;
    obj_instance *inst = obj_instance_new(v, v->loop_class);
    if (!inst)
      return false;
    l->pyobj = val_obj(inst);
  }
  *out = l->pyobj;
  return true;
}

bool loop_is_get_running_loop(value fn) {
  return val_is(fn, OBJ_NATIVE) && AS_NATIVE(fn)->fn == aio_get_running_loop;
}

value loop_running_object(vm *v) {
  return v->loop && v->loop->running && v->loop->pyobj.t == VAL_OBJ ? v->loop->pyobj : val_undef();
}

bool loop_plain_object(vm *v, value x, obj_str *create_future) {
  if (!v->loop || !v->loop_class || !val_is(x, OBJ_INSTANCE) ||
      AS_INSTANCE(x)->cls != v->loop_class ||
      (AS_INSTANCE(x)->dict && obj_dict_find_str(AS_INSTANCE(x)->dict, create_future) >= 0))
    return false;
  value m = obj_class_find(v, v->loop_class, create_future);
  return val_is(m, OBJ_NATIVE) && AS_NATIVE(m)->fn == lo_create_future;
}

loop_future *loop_new_future(vm *v) { return future_new(v, v->loop, v->cls[CLS_FUTURE]); }

/* ------------------------------------------------------------------------ */
/* Future and Task methods                                                  */
/* ------------------------------------------------------------------------ */

static bool self_future(vm *v, value self, loop_future **out) {
  if (!val_is(self, OBJ_FUTURE)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "descriptor requires a 'Future' object");
    return false;
  }
  *out = as_fut(self);
  return true;
}

static bool fm_result(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  loop_future *f;
  return no_args(v, "result", nargs, kw) && self_future(v, self, &f) && future_result(v, f, out);
}

static bool fm_exception(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  (void)args;
  loop_future *f;
  return no_args(v, "exception", nargs, kw) && self_future(v, self, &f) &&
         future_exception(v, f, out);
}

static bool fm_done(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "done", nargs, kw) || !self_future(v, self, &f))
    return false;
  *out = val_bool(f->state != FUT_PENDING);
  return true;
}

static bool fm_cancelled(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "cancelled", nargs, kw) || !self_future(v, self, &f))
    return false;
  *out = val_bool(f->state == FUT_CANCELLED);
  return true;
}

static bool fm_cancel(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  static const char *const allowed[] = {"msg", NULL};
  loop_future *f;
  if (!check_kwargs(v, "cancel", kw, allowed) || !self_future(v, self, &f))
    return false;
  int mi = nargs >= 1 ? 0 : kwarg(kw, nargs, "msg");
  value msg = mi >= 0 ? args[mi] : val_none();
  bool c;
  bool ok;
  if (f->is_task) {
    ok = task_cancel(v, f, msg, &c);
  } else if (val_is(f->context, OBJ_LIST)) {
    /* a gathering future: cancel the children */
    c = false;
    ok = true;
    if (f->state == FUT_PENDING) {
      obj_list *kids = AS_LIST(f->context);
      for (size_t i = 0; i < kids->count && ok; i++) {
        bool k;
        loop_future *kf = as_fut(kids->items[i]);
        ok = kf->is_task ? task_cancel(v, kf, msg, &k) : future_cancel(v, kf, msg, &k);
        if (k)
          c = true;
      }
      if (c)
        f->gather_cancel_requested = true;
    }
  } else {
    ok = future_cancel(v, f, msg, &c);
  }
  if (!ok)
    return false;
  *out = val_bool(c);
  return true;
}

static bool fm_set_result(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                          value *out) {
  (void)kw;
  loop_future *f;
  if (!self_future(v, self, &f))
    return false;
  if (nargs != 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "set_result() takes exactly one argument");
    return false;
  }
  if (f->is_task) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "Task does not support set_result operation");
    return false;
  }
  *out = val_none();
  return future_set_result(v, f, args[0]);
}

bool loop_future_class_plain(vm *v, obj_str *done, obj_str *set_result) {
  value d = obj_class_find(v, v->cls[CLS_FUTURE], done);
  value s = obj_class_find(v, v->cls[CLS_FUTURE], set_result);
  return val_is(d, OBJ_NATIVE) && AS_NATIVE(d)->fn == fm_done && val_is(s, OBJ_NATIVE) &&
         AS_NATIVE(s)->fn == fm_set_result;
}

bool loop_future_set_result(vm *v, loop_future *f, value r) { return future_set_result(v, f, r); }

static bool fm_set_exception(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                             value *out) {
  (void)kw;
  loop_future *f;
  if (!self_future(v, self, &f))
    return false;
  if (nargs != 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "set_exception() takes exactly one argument");
    return false;
  }
  if (f->is_task) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "Task does not support set_exception operation");
    return false;
  }
  *out = val_none();
  return future_set_exception(v, f, args[0]);
}

static bool fm_add_done_callback(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                                 value *out) {
  static const char *const allowed[] = {"context", NULL};
  loop_future *f;
  if (!check_kwargs(v, "add_done_callback", kw, allowed) || !self_future(v, self, &f))
    return false;
  if (nargs != 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "add_done_callback() takes exactly one argument");
    return false;
  }
  *out = val_none();
  return add_done_callback(v, f, args[0]);
}

static bool fm_remove_done_callback(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                                    value *out) {
  (void)kw;
  loop_future *f;
  if (!self_future(v, self, &f))
    return false;
  if (nargs != 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "remove_done_callback() takes exactly one argument");
    return false;
  }
  *out = val_int(remove_done_callback(v, f, args[0]));
  return true;
}

static bool fm_get_loop(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                        value *out) {
  (void)self;
  return aio_get_running_loop(v, self, args, nargs, kw, out);
}

static bool tm_get_name(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                        value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "get_name", nargs, kw) || !self_future(v, self, &f))
    return false;
  if (f->is_task && !loop_task_name(v, f))
    return false;
  *out = f->name ? val_obj(f->name) : val_none();
  return true;
}

static bool tm_set_name(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                        value *out) {
  (void)kw;
  loop_future *f;
  if (!self_future(v, self, &f))
    return false;
  if (nargs != 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "set_name() takes exactly one argument");
    return false;
  }
  obj_str *s = vm_str_str(v, args[0]);
  if (!s)
    return false;
  f->name = s;
  f->name_num = 0;
  *out = val_none();
  return true;
}

static bool tm_get_coro(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                        value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "get_coro", nargs, kw) || !self_future(v, self, &f))
    return false;
  *out = f->coro;
  return true;
}

static bool tm_cancelling(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                          value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "cancelling", nargs, kw) || !self_future(v, self, &f))
    return false;
  *out = val_int(f->cancel_requests);
  return true;
}

static bool tm_uncancel(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                        value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "uncancel", nargs, kw) || !self_future(v, self, &f))
    return false;
  if (f->cancel_requests > 0)
    f->cancel_requests--;
  *out = val_int(f->cancel_requests);
  return true;
}

static bool fm_repr(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "__repr__", nargs, kw) || !self_future(v, self, &f))
    return false;
  fmt_buf b;
  fmt_buf_init(&b);
  const char *st = f->state == FUT_PENDING     ? "pending"
                   : f->state == FUT_CANCELLED ? "cancelled"
                                               : "finished";
  fmt_buf_appendf(&b, "<%s %s", f->cls->name->data, st);
  if (f->is_task) {
    task_name_buf nb;
    fmt_buf_appendf(&b, " name='%s' coro=<", task_name_text(f, &nb));
    if (val_is(f->coro, OBJ_CORO)) {
      obj_coro *c = (obj_coro *)f->coro.as.o;
      fmt_buf_appendf(&b, "%s() ", c->qualname->data);
      if (c->state == CORO_CLOSED)
        fmt_buf_appendf(&b, "done, defined at %s:%d>", v->filename, c->frame.code->firstline);
      else
        fmt_buf_appendf(&b, "running at %s:%d>", v->filename,
                        c->state == CORO_CREATED ? c->frame.code->firstline
                                                 : c->frame.code->lines[c->frame.last_ip]);
    } else {
      fmt_buf_appends(&b, "native>");
    }
  }
  if (f->state == FUT_FINISHED) {
    if (f->exception.t != VAL_UNDEF) {
      fmt_buf_appends(&b, " exception=");
      vm_repr(v, f->exception, &b);
    } else {
      fmt_buf_appends(&b, " result=");
      vm_repr(v, f->result, &b);
    }
  }
  fmt_buf_appendc(&b, '>');
  obj_str *s = bi_str_from_buf(v, &b);
  if (!s)
    return false;
  *out = val_obj(s);
  return true;
}

static bool fm_await(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  loop_future *f;
  if (!no_args(v, "__await__", nargs, kw) || !self_future(v, self, &f))
    return false;
  return loop_future_await(v, f, out);
}

static bool hm_cancel(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  if (!no_args(v, "cancel", nargs, kw))
    return false;
  if (!val_is(self, OBJ_HANDLE)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "descriptor requires a 'Handle' object");
    return false;
  }
  if (v->loop)
    handle_cancel(v, v->loop, as_handle(self));
  else
    as_handle(self)->cancelled = true;
  *out = val_none();
  return true;
}

static bool hm_cancelled(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  (void)args;
  if (!no_args(v, "cancelled", nargs, kw))
    return false;
  *out = val_bool(val_is(self, OBJ_HANDLE) && as_handle(self)->cancelled);
  return true;
}

static bool hm_when(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  if (!no_args(v, "when", nargs, kw))
    return false;
  *out = val_float(val_is(self, OBJ_HANDLE) ? as_handle(self)->when : 0.0);
  return true;
}

static bool fut_new(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)self;
  (void)args;
  static const char *const allowed[] = {"loop", NULL};
  if (!check_kwargs(v, "Future", kw, allowed))
    return false;
  if (nargs) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "Future() takes no positional arguments");
    return false;
  }
  loop *l = running_loop(v);
  if (!l)
    return false;
  loop_future *f = future_new(v, l, v->cls[CLS_FUTURE]);
  if (!f)
    return false;
  *out = val_obj(f);
  return true;
}

/* ------------------------------------------------------------------------ */
/* The module                                                               */
/* ------------------------------------------------------------------------ */

static bool def_methods(vm *v) {
  obj_class *fc = v->cls[CLS_FUTURE], *tc = v->cls[CLS_TASK];
  obj_class *hc = v->cls[CLS_HANDLE], *thc = v->cls[CLS_TIMER_HANDLE];
  struct {
    obj_class *c;
    const char *name;
    native_fn fn;
  } defs[] = {
      {fc, "result", fm_result},
      {fc, "exception", fm_exception},
      {fc, "done", fm_done},
      {fc, "cancelled", fm_cancelled},
      {fc, "cancel", fm_cancel},
      {fc, "set_result", fm_set_result},
      {fc, "set_exception", fm_set_exception},
      {fc, "add_done_callback", fm_add_done_callback},
      {fc, "remove_done_callback", fm_remove_done_callback},
      {fc, "get_loop", fm_get_loop},
      {fc, "__repr__", fm_repr},
      {fc, "__await__", fm_await},
      {fc, "__new__", fut_new},
      {tc, "get_name", tm_get_name},
      {tc, "set_name", tm_set_name},
      {tc, "get_coro", tm_get_coro},
      {tc, "cancelling", tm_cancelling},
      {tc, "uncancel", tm_uncancel},
      {hc, "cancel", hm_cancel},
      {hc, "cancelled", hm_cancelled},
      {thc, "cancel", hm_cancel},
      {thc, "cancelled", hm_cancelled},
      {thc, "when", hm_when},
  };
  for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
    if (!vm_def_method(v, defs[i].c, defs[i].name, defs[i].fn))
      return false;
  /* Task() cannot be built directly in scenarios: create_task is the way */
  return true;
}

/* One top-level class or function definition of the prelude: compiled and run in the asyncio
 * module's namespace the first time its name is missing there. */
typedef struct prelude_def {
  const char *name; /* the defined name, inside the prelude text (no NUL) */
  size_t name_len;  /* its length */
  size_t start;     /* its text: bytes [start, end) of the prelude, decorators included */
  size_t end;       /* end of its text */
  int line;         /* line of its first byte */
  bool run;         /* compiled and run already (or running) */
} prelude_def;

/* The prelude's definitions waiting for their first use (vm->prelude). */
struct loop_prelude {
  const char *src;    /* the prelude text */
  obj_dict *ns;       /* the asyncio module's namespace (the module stays in vm->modules) */
  size_t pending;     /* definitions not run yet */
  size_t ndefs;       /* definitions */
  prelude_def defs[]; /* in the order of the text */
};

static void prelude_diag(void *user, const diag *d) {
  vm *v = user;
  vm_raisef(v, CLS_RUNTIME_ERROR, "asyncio prelude: %s:%d:%d: %s", d->file, d->line, d->col,
            d->message);
}

/* Compiles src[0..len), a part of the prelude starting on line first_line, and runs it in ns. */
static bool run_prelude_text(vm *v, obj_dict *ns, const char *src, size_t len, int first_line) {
  parse_config pc;
  parse_config_init(&pc);
  pc.first_line = first_line;
  ast_tree *tree = NULL;
  if (parse_module(PRELUDE_FILENAME, src, len, &pc, prelude_diag, v, &tree) != PARSE_OK) {
    if (v->exc.t == VAL_UNDEF)
      vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return false;
  }
  code *k = NULL;
  comp_result cr = comp_module(v, ast_tree_root(tree), PRELUDE_FILENAME, prelude_diag, v, &k);
  ast_tree_free(tree);
  if (cr != COMP_OK) {
    if (v->exc.t == VAL_UNDEF)
      vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return false;
  }
  value out;
  return vm_run_module(v, k, ns, &out);
}

static bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The name a top-level line of the prelude defines ("class X", "def X", "async def X"), or
 * NULL. */
static const char *defined_name(const char *line, const char *end, size_t *len) {
  static const char *const heads[] = {"class ", "def ", "async def "};
  for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
    size_t n = strlen(heads[i]);
    if ((size_t)(end - line) > n && memcmp(line, heads[i], n) == 0) {
      const char *p = line + n;
      while (p < end && is_name_char(*p))
        p++;
      *len = (size_t)(p - line - n);
      return *len ? line + n : NULL;
    }
  }
  return NULL;
}

/* Whether the prelude's definition d may wait for its first use: its name is not a builtin
 * (a lookup finds those first) nor set already (a native of the module), and no other
 * definition has it. */
static bool may_wait(vm *v, obj_dict *ns, const struct loop_prelude *lp, const prelude_def *d) {
  obj_str *name = obj_str_intern(v, d->name, d->name_len);
  if (!name || obj_dict_get_str(v->builtins, name).t != VAL_UNDEF ||
      obj_dict_get_str(ns, name).t != VAL_UNDEF)
    return false;
  for (size_t i = 0; i < lp->ndefs; i++)
    if (&lp->defs[i] != d && lp->defs[i].name_len == d->name_len &&
        memcmp(lp->defs[i].name, d->name, d->name_len) == 0)
      return false;
  return true;
}

/* Runs the prelude in the module's namespace. Its top-level class and function definitions
 * wait for their first use (loop_prelude_lookup): most programs use a few of them, and
 * compiling the whole text was most of the time of a short run. The rest of the text runs now,
 * with the definitions' lines left blank. */
static bool run_prelude(vm *v, obj_module *m) {
  size_t len;
  const char *src = prelude_asyncio(&len);
  if (!obj_dict_set_cstr(v, m->dict, "__name__", val_obj(obj_str_cstr(v, "asyncio"))))
    return false;
  size_t cap = 0;
  for (size_t i = 0; i < len; i++)
    cap += i == 0 || src[i - 1] == '\n';
  struct loop_prelude *lp = malloc(sizeof *lp + cap * sizeof(prelude_def));
  char *eager = malloc(len);
  if (!lp || !eager) {
    free(lp);
    free(eager);
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return false;
  }
  lp->src = src;
  lp->ns = m->dict;
  lp->ndefs = 0;
  /* find the definitions: a top-level line starting one (or its decorators) up to the next
   * top-level line that is neither blank nor a comment */
  prelude_def *cur = NULL;
  size_t decorators = SIZE_MAX; /* where the decorators of the next definition start */
  int decorator_line = 0;       /* and their line */
  int line = 1;
  for (size_t at = 0; at < len; line++) {
    const char *l = src + at;
    const char *nl = memchr(l, '\n', len - at);
    const char *e = nl ? nl : src + len;
    bool top = e > l && *l != ' ' && *l != '#' && *l != '\t';
    if (top) {
      size_t n;
      const char *name = defined_name(l, e, &n);
      if (cur) {
        cur->end = at;
        cur = NULL;
      }
      if (*l == '@') {
        if (decorators == SIZE_MAX) {
          decorators = at;
          decorator_line = line;
        }
      } else {
        if (name) {
          cur = &lp->defs[lp->ndefs++];
          cur->name = name;
          cur->name_len = n;
          cur->start = decorators == SIZE_MAX ? at : decorators;
          cur->line = decorators == SIZE_MAX ? line : decorator_line;
          cur->run = false;
        }
        decorators = SIZE_MAX;
      }
    }
    at = (size_t)(e - src) + (nl ? 1 : 0);
  }
  if (cur)
    cur->end = len;
  /* the text without the definitions that wait, their line breaks kept */
  size_t n = 0, from = 0;
  lp->pending = 0;
  for (size_t i = 0; i < lp->ndefs; i++) {
    prelude_def *d = &lp->defs[i];
    if (!may_wait(v, m->dict, lp, d)) {
      d->run = true;
      continue;
    }
    lp->pending++;
    memcpy(eager + n, src + from, d->start - from);
    n += d->start - from;
    for (size_t b = d->start; b < d->end; b++)
      if (src[b] == '\n')
        eager[n++] = '\n';
    from = d->end;
  }
  memcpy(eager + n, src + from, len - from);
  n += len - from;
  free(v->prelude);
  v->prelude = lp;
  bool ok = run_prelude_text(v, m->dict, eager, n, 1);
  free(eager);
  return ok;
}

bool loop_prelude_lookup(vm *v, obj_dict *ns, obj_str *name, value *out) {
  *out = val_undef();
  struct loop_prelude *lp = v->prelude;
  if (!lp || lp->ns != ns || lp->pending == 0)
    return true;
  for (size_t i = 0; i < lp->ndefs; i++) {
    prelude_def *d = &lp->defs[i];
    if (d->run || d->name_len != name->len || memcmp(d->name, name->data, name->len) != 0)
      continue;
    d->run = true;
    lp->pending--;
    /* run_prelude_text may come back here for the definitions this one uses */
    if (!run_prelude_text(v, ns, lp->src + d->start, d->end - d->start, d->line) ||
        !queue_attach(v, ns, name))
      return false;
    *out = obj_dict_get_str(ns, name);
    return true;
  }
  return true;
}

size_t loop_prelude_waiting(const vm *v) { return v->prelude ? v->prelude->pending : 0; }

bool loop_prelude_run_all(vm *v, obj_dict *ns) {
  struct loop_prelude *lp = v->prelude;
  while (lp && lp->ns == ns && lp->pending) {
    size_t i = 0;
    while (lp->defs[i].run)
      i++;
    obj_str *name = obj_str_intern(v, lp->defs[i].name, lp->defs[i].name_len);
    value x;
    if (!name || !loop_prelude_lookup(v, ns, name, &x))
      return false;
  }
  return true;
}

/* The names CPython 3.11's asyncio module has on Linux (dir(asyncio), dunder names aside), sorted
 * by strcmp: the API's surface, to tell a name loopviz lacks from one nobody has. */
static const char *const cpython_asyncio_names[] = {
    "ALL_COMPLETED",
    "AbstractChildWatcher",
    "AbstractEventLoop",
    "AbstractEventLoopPolicy",
    "AbstractServer",
    "Barrier",
    "BaseEventLoop",
    "BaseProtocol",
    "BaseTransport",
    "BoundedSemaphore",
    "BrokenBarrierError",
    "BufferedProtocol",
    "CancelledError",
    "Condition",
    "DatagramProtocol",
    "DatagramTransport",
    "DefaultEventLoopPolicy",
    "Event",
    "FIRST_COMPLETED",
    "FIRST_EXCEPTION",
    "FastChildWatcher",
    "Future",
    "Handle",
    "IncompleteReadError",
    "InvalidStateError",
    "LifoQueue",
    "LimitOverrunError",
    "Lock",
    "MultiLoopChildWatcher",
    "PidfdChildWatcher",
    "PriorityQueue",
    "Protocol",
    "Queue",
    "QueueEmpty",
    "QueueFull",
    "ReadTransport",
    "Runner",
    "SafeChildWatcher",
    "SelectorEventLoop",
    "Semaphore",
    "SendfileNotAvailableError",
    "Server",
    "StreamReader",
    "StreamReaderProtocol",
    "StreamWriter",
    "SubprocessProtocol",
    "SubprocessTransport",
    "Task",
    "TaskGroup",
    "ThreadedChildWatcher",
    "Timeout",
    "TimeoutError",
    "TimerHandle",
    "Transport",
    "WriteTransport",
    "_enter_task",
    "_get_running_loop",
    "_leave_task",
    "_register_task",
    "_set_running_loop",
    "_unregister_task",
    "all_tasks",
    "as_completed",
    "base_events",
    "base_futures",
    "base_subprocess",
    "base_tasks",
    "constants",
    "coroutines",
    "create_subprocess_exec",
    "create_subprocess_shell",
    "create_task",
    "current_task",
    "ensure_future",
    "events",
    "exceptions",
    "format_helpers",
    "futures",
    "gather",
    "get_child_watcher",
    "get_event_loop",
    "get_event_loop_policy",
    "get_running_loop",
    "iscoroutine",
    "iscoroutinefunction",
    "isfuture",
    "locks",
    "log",
    "mixins",
    "new_event_loop",
    "open_connection",
    "open_unix_connection",
    "protocols",
    "queues",
    "run",
    "run_coroutine_threadsafe",
    "runners",
    "selector_events",
    "set_child_watcher",
    "set_event_loop",
    "set_event_loop_policy",
    "shield",
    "sleep",
    "sslproto",
    "staggered",
    "start_server",
    "start_unix_server",
    "streams",
    "subprocess",
    "sys",
    "taskgroups",
    "tasks",
    "threads",
    "timeout",
    "timeout_at",
    "timeouts",
    "to_thread",
    "transports",
    "trsock",
    "unix_events",
    "wait",
    "wait_for",
    "wrap_future",
};

static int name_cmp(const void *key, const void *item) {
  return strcmp((const char *)key, *(const char *const *)item);
}

bool loop_cpython_asyncio_has(const char *name) {
  return bsearch(name, cpython_asyncio_names,
                 sizeof cpython_asyncio_names / sizeof cpython_asyncio_names[0],
                 sizeof cpython_asyncio_names[0], name_cmp) != NULL;
}

obj_module *loop_module_asyncio(vm *v) {
  obj_module *m = obj_module_new(v, "asyncio");
  if (!m)
    return NULL;
  if (!def_methods(v))
    return NULL;
  obj_dict *d = m->dict;
  struct {
    const char *name;
    native_fn fn;
  } fns[] = {
      {"run", aio_run},
      {"sleep", aio_sleep},
      {"gather", aio_gather},
      {"create_task", aio_create_task},
      {"ensure_future", aio_ensure_future},
      {"get_running_loop", aio_get_running_loop},
      {"get_event_loop", aio_get_running_loop},
      {"current_task", aio_current_task},
      {"all_tasks", aio_all_tasks},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
    if (!vm_def_native(v, d, fns[i].name, fns[i].fn))
      return NULL;
  struct {
    const char *name;
    obj_type_slot slot;
  } classes[] = {
      {"Future", CLS_FUTURE},
      {"Task", CLS_TASK},
      {"Handle", CLS_HANDLE},
      {"TimerHandle", CLS_TIMER_HANDLE},
      {"CancelledError", CLS_CANCELLED_ERROR},
      {"TimeoutError", CLS_TIMEOUT_ERROR},
      {"InvalidStateError", CLS_INVALID_STATE_ERROR},
      {"QueueEmpty", CLS_QUEUE_EMPTY},
      {"QueueFull", CLS_QUEUE_FULL},
  };
  for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
    if (!obj_dict_set_cstr(v, d, classes[i].name, val_obj(v->cls[classes[i].slot])))
      return NULL;
  if (!deque_install(v, d) || !queue_install(v, d) || !run_prelude(v, m) ||
      !queue_attach(v, d, NULL))
    return NULL;
  return m;
}
