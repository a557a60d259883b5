/* queue: native fast paths for the prelude's asyncio.Queue and Event (see
 * queue.h). */
#include "queue.h"

#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "deque.h"
#include "loop.h"

/* The names the fast paths look up, interned once. */
typedef enum qname {
  QN_MAXSIZE,          /* _maxsize */
  QN_QUEUE,            /* _queue */
  QN_GETTERS,          /* _getters */
  QN_PUTTERS,          /* _putters */
  QN_UNFINISHED,       /* _unfinished_tasks */
  QN_FINISHED,         /* _finished */
  QN_VALUE,            /* Event: _value */
  QN_WAITERS,          /* Event: _waiters */
  QN_LOOP,             /* _loop (set by _get_loop) */
  QN_QSIZE,            /* qsize, and the methods from here on */
  QN_EMPTY,            /* empty */
  QN_FULL,             /* full */
  QN_PUT_NOWAIT,       /* put_nowait */
  QN_GET_NOWAIT,       /* get_nowait */
  QN_PUT_ITEM,         /* _put */
  QN_GET_ITEM,         /* _get */
  QN_WAKEUP_NEXT,      /* _wakeup_next */
  QN_TASK_DONE,        /* task_done */
  QN_PUT,              /* put */
  QN_GET,              /* get */
  QN_CLEAR,            /* Event.clear */
  QN_SET,              /* Event.set */
  QN_IS_SET,           /* Event.is_set */
  QN_DONE,             /* Future.done */
  QN_SET_RESULT,       /* Future.set_result */
  QN_GET_WHAT,         /* Queue._get_what */
  QN_GET_LOOP,         /* _LoopBoundMixin._get_loop */
  QN_RUNNING_LOOP_FN,  /* the prelude's _running_loop */
  QN_NEW_WAITER,       /* the prelude's _new_waiter */
  QN_GET_RUNNING_LOOP, /* get_running_loop */
  QN_CREATE_FUTURE,    /* loop.create_future */
  QN_LOOPVIZ_WHAT,     /* a waiter's _loopviz_what */
  QN_TYPE,             /* type */
  QN__COUNT
} qname;

static const char *const qname_text[QN__COUNT] = {
    "_maxsize",      "_queue",        "_getters",      "_putters",    "_unfinished_tasks",
    "_finished",     "_value",        "_waiters",      "_loop",       "qsize",
    "empty",         "full",          "put_nowait",    "get_nowait",  "_put",
    "_get",          "_wakeup_next",  "task_done",     "put",         "get",
    "clear",         "set",           "is_set",        "done",        "set_result",
    "_get_what",     "_get_loop",     "_running_loop", "_new_waiter", "get_running_loop",
    "create_future", "_loopviz_what", "type",
};

/* A class found to leave the prelude's methods in place, until the class
 * epoch moves (a class namespace changed, or the collector ran and the
 * class may be gone). */
typedef struct class_ok {
  obj_class *cls; /* the class, NULL when none */
  uint64_t epoch; /* vm->class_epoch when it was checked */
} class_ok;

/* An instance found ordinary (instance_fields), with where its fields'
 * values are in its dict, until the dict's version moves (an insertion or
 * a deletion), its class changes or the class epoch moves (a class
 * namespace changed, or the collector ran and the dict may be gone and its
 * address reused). */
typedef struct dict_ok {
  obj_dict *dict;   /* the instance dict, NULL when none */
  obj_class *cls;   /* the instance's class then */
  uint64_t version; /* the dict's version then */
  uint64_t epoch;   /* vm->class_epoch then */
  value *slots[6];  /* the value slot of each field in its entries */
} dict_ok;

/* The last two Queues, or Events, found ordinary (a pipeline uses two
 * queues in turn). */
typedef struct dict_oks {
  dict_ok e[2]; /* the entries */
  uint8_t next; /* the entry the next miss replaces */
} dict_oks;

struct queue_state {
  obj_str *names[QN__COUNT]; /* the interned names, by qname */
  class_ok queue_cls;        /* the last Queue class checked and found ordinary */
  class_ok event_cls;        /* the last Event class checked and found ordinary */
  dict_oks queues;           /* Queues found ordinary */
  dict_oks events;           /* Events found ordinary */
  uint64_t future_epoch;     /* vm->class_epoch + 1 when class Future was last found plain
                                (loop_future_class_plain); 0 before */
  obj_dict *ns;              /* the asyncio module's namespace: the prelude's globals (alive
                                while a prelude function runs, the only time it is read) */
};

/* The value slots of the fields of an ordinary Queue or Event in its
 * instance dict, indexed by qfield or efield. */
typedef value *const *fields;
enum qfield { QF_MAXSIZE, QF_QUEUE, QF_GETTERS, QF_PUTTERS, QF_UNFINISHED, QF_FINISHED };
enum efield { EF_VALUE, EF_WAITERS };

static fast_result q_qsize(vm *v, const value *args, value *out);
static fast_result q_empty(vm *v, const value *args, value *out);
static fast_result q_full(vm *v, const value *args, value *out);
static fast_result q_put_nowait(vm *v, const value *args, value *out);
static fast_result q_get_nowait(vm *v, const value *args, value *out);
static fast_result q_put_item(vm *v, const value *args, value *out);
static fast_result q_get_item(vm *v, const value *args, value *out);
static fast_result q_wakeup_next(vm *v, const value *args, value *out);
static fast_result q_task_done(vm *v, const value *args, value *out);
static fast_result ev_clear(vm *v, const value *args, value *out);
static fast_result ev_set(vm *v, const value *args, value *out);
static fast_result ev_is_set(vm *v, const value *args, value *out);

static fast_result q_get_what(vm *v, const value *args, value *out);
static fast_result mixin_get_loop(vm *v, const value *args, value *out);
static fast_result running_loop_fn(vm *v, const value *args, value *out);
static fast_result new_waiter_fn(vm *v, const value *args, value *out);

/* Where a prelude function is defined. */
typedef enum owner {
  OWN_QUEUE, /* class Queue */
  OWN_EVENT, /* class Event */
  OWN_MIXIN, /* class _LoopBoundMixin */
  OWN_MODULE /* the module itself */
} owner;

static const char *const owner_text[] = {"Queue", "Event", "_LoopBoundMixin", NULL};

/* Which prelude function each fast path stands for. */
static const struct {
  uint8_t owner;   /* an owner: where it is defined */
  bool called;     /* the fast paths call it on self (or on _finished): a class
                      overriding it gets none of them */
  qname name;      /* the function */
  code_fast_fn fn; /* its fast path */
} fast_methods[] = {
    {OWN_QUEUE, true, QN_QSIZE, q_qsize},
    {OWN_QUEUE, true, QN_EMPTY, q_empty},
    {OWN_QUEUE, true, QN_FULL, q_full},
    {OWN_QUEUE, true, QN_PUT_NOWAIT, q_put_nowait},
    {OWN_QUEUE, true, QN_GET_NOWAIT, q_get_nowait},
    {OWN_QUEUE, true, QN_PUT_ITEM, q_put_item},
    {OWN_QUEUE, true, QN_GET_ITEM, q_get_item},
    {OWN_QUEUE, true, QN_WAKEUP_NEXT, q_wakeup_next},
    {OWN_QUEUE, false, QN_TASK_DONE, q_task_done},
    /* `await q.put(item)` when there is room, `await q.get()` when there is an item (vm.c,
     * OP_CALL_METHOD): what put_nowait and get_nowait do */
    {OWN_QUEUE, false, QN_PUT, q_put_nowait},
    {OWN_QUEUE, false, QN_GET, q_get_nowait},
    {OWN_QUEUE, false, QN_GET_WHAT, q_get_what},
    {OWN_EVENT, true, QN_CLEAR, ev_clear},
    {OWN_EVENT, true, QN_SET, ev_set},
    {OWN_EVENT, false, QN_IS_SET, ev_is_set},
    {OWN_MIXIN, false, QN_GET_LOOP, mixin_get_loop},
    {OWN_MODULE, false, QN_RUNNING_LOOP_FN, running_loop_fn},
    {OWN_MODULE, false, QN_NEW_WAITER, new_waiter_fn},
};
#define N_FAST_METHODS (sizeof fast_methods / sizeof fast_methods[0])

/* Whether c's lookup of every method of the kind (Queue's or Event's) the
 * fast paths call finds the prelude's function, none of the given
 * data attributes is defined on the class (a property would win over the
 * instance dict), and no __setattr__ of a scenario's runs on stores. */
static bool class_ordinary(vm *v, obj_class *c, bool event, const qname *data, size_t ndata) {
  queue_state *qs = v->queue;
  for (size_t i = 0; i < N_FAST_METHODS; i++) {
    if (fast_methods[i].owner != (event ? OWN_EVENT : OWN_QUEUE) || !fast_methods[i].called)
      continue;
    value m = obj_class_find(v, c, qs->names[fast_methods[i].name]);
    if (!val_is(m, OBJ_FUNCTION) || AS_FUNCTION(m)->code->fast != fast_methods[i].fn)
      return false;
  }
  for (size_t i = 0; i < ndata; i++)
    if (obj_class_find(v, c, qs->names[data[i]]).t != VAL_UNDEF)
      return false;
  return !val_is(obj_class_find(v, c, v->s_setattr), OBJ_FUNCTION);
}

/* class_ordinary, remembered in *ok for one class until the epoch moves. */
static bool class_ordinary_cached(vm *v, class_ok *ok, obj_class *c, bool event, const qname *data,
                                  size_t ndata) {
  if (ok->cls == c && ok->epoch == v->class_epoch)
    return true;
  if (!class_ordinary(v, c, event, data, ndata))
    return false;
  ok->cls = c;
  ok->epoch = v->class_epoch;
  return true;
}

/* Whether the instance dict d holds none of the methods of the kind that
 * the fast paths call. */
static bool dict_shadows_none(vm *v, obj_dict *d, bool event) {
  for (size_t i = 0; i < N_FAST_METHODS; i++)
    if (fast_methods[i].owner == (event ? OWN_EVENT : OWN_QUEUE) && fast_methods[i].called &&
        obj_dict_find_str(d, v->queue->names[fast_methods[i].name]) >= 0)
      return false;
  return true;
}

static const qname queue_data[] = {QN_MAXSIZE, QN_QUEUE,      QN_GETTERS,
                                   QN_PUTTERS, QN_UNFINISHED, QN_FINISHED};
#define N_QUEUE_DATA (sizeof queue_data / sizeof queue_data[0])
static const qname event_data[] = {QN_VALUE, QN_WAITERS};
#define N_EVENT_DATA (sizeof event_data / sizeof event_data[0])

/* instance_fields when in is none of the instances remembered: checks it,
 * and remembers it when it is ordinary. */
static fields check_fields(vm *v, obj_instance *in, bool event) {
  queue_state *qs = v->queue;
  const qname *names = event ? event_data : queue_data;
  size_t n = event ? N_EVENT_DATA : N_QUEUE_DATA;
  obj_dict *d = in->dict;
  if (!d ||
      !class_ordinary_cached(v, event ? &qs->event_cls : &qs->queue_cls, in->cls, event, names, n))
    return NULL;
  dict_oks *oks = event ? &qs->events : &qs->queues;
  dict_ok *ok = &oks->e[oks->next];
  ok->dict = NULL;
  for (size_t i = 0; i < n; i++) {
    int64_t pos = obj_dict_find_str(d, qs->names[names[i]]);
    if (pos < 0)
      return NULL;
    ok->slots[i] = &d->entries[pos].val;
  }
  /* the usual dict holds just these (and _loop): nothing else to look for */
  if (d->count != n && !(d->count == n + 1 && obj_dict_find_str(d, qs->names[QN_LOOP]) >= 0) &&
      !dict_shadows_none(v, d, event))
    return NULL;
  ok->dict = d;
  ok->cls = in->cls;
  ok->version = d->version;
  ok->epoch = v->class_epoch;
  oks->next ^= 1;
  return ok->slots;
}

/* The value slots of self's fields when self is an ordinary Queue (event
 * false) or Event (queue.h), else NULL. */
static inline fields instance_fields(vm *v, value self, bool event) {
  if (!val_is(self, OBJ_INSTANCE))
    return NULL;
  obj_instance *in = AS_INSTANCE(self);
  dict_oks *oks = event ? &v->queue->events : &v->queue->queues;
  for (int i = 0; i < 2; i++) {
    dict_ok *ok = &oks->e[i];
    if (ok->dict == in->dict && ok->dict && ok->cls == in->cls &&
        ok->version == in->dict->version && ok->epoch == v->class_epoch)
      return ok->slots;
  }
  return check_fields(v, in, event);
}

static inline fields queue_fields(vm *v, value self) { return instance_fields(v, self, false); }
static inline fields event_fields(vm *v, value ev) { return instance_fields(v, ev, true); }

/* Whether x is a plain Future (loop_future_class_plain, and done and
 * set_result not set on x itself). */
static bool future_plain(vm *v, value x) {
  if (!val_is(x, OBJ_FUTURE) || ((loop_future *)x.as.o)->cls != v->cls[CLS_FUTURE])
    return false;
  queue_state *qs = v->queue;
  obj_dict *d = ((loop_future *)x.as.o)->dict;
  if (d && (obj_dict_find_str(d, qs->names[QN_DONE]) >= 0 ||
            obj_dict_find_str(d, qs->names[QN_SET_RESULT]) >= 0))
    return false;
  if (qs->future_epoch == v->class_epoch + 1)
    return true;
  if (!loop_future_class_plain(v, qs->names[QN_DONE], qs->names[QN_SET_RESULT]))
    return false;
  qs->future_epoch = v->class_epoch + 1;
  return true;
}

/* Whether the waiters of the _Deque w that _wakeup_next(w) would look at
 * (up to the first one not done) are plain Futures. */
static inline bool wakeup_plain(vm *v, value w) {
  for (size_t i = 0, n = deque_count(w); i < n; i++) {
    value f = deque_at(w, i);
    if (!future_plain(v, f))
      return false;
    if (((loop_future *)f.as.o)->state == FUT_PENDING)
      return true;
  }
  return true;
}

/* _wakeup_next(w) of a _Deque passing wakeup_plain: pops waiters until one
 * not done, and resolves that one with None. */
static inline bool wakeup_next(vm *v, value w) {
  while (deque_count(w)) {
    loop_future *f = (loop_future *)deque_pop_first(w).as.o;
    if (f->state == FUT_PENDING)
      return loop_future_set_result(v, f, val_none());
  }
  return true;
}

/* Whether every waiter of the _Deque w is a plain Future (Event.set looks
 * at them all). */
static bool all_plain(vm *v, value w) {
  for (size_t i = 0, n = deque_count(w); i < n; i++)
    if (!future_plain(v, deque_at(w, i)))
      return false;
  return true;
}

/* Event.set() of an event with fields ev (event_fields), when its
 * _value is a bool and its waiters plain: ready tells whether it can; do
 * runs it. */
static bool event_set_ready(vm *v, fields ev) {
  return ev[EF_VALUE]->t == VAL_BOOL && deque_is(*ev[EF_WAITERS]) && all_plain(v, *ev[EF_WAITERS]);
}

static bool event_set_do(vm *v, fields ev) {
  if (ev[EF_VALUE]->as.b)
    return true;
  *ev[EF_VALUE] = val_bool(true);
  value w = *ev[EF_WAITERS];
  for (size_t i = 0, n = deque_count(w); i < n; i++) {
    loop_future *f = (loop_future *)deque_at(w, i).as.o;
    if (f->state == FUT_PENDING && !loop_future_set_result(v, f, val_bool(true)))
      return false;
  }
  return true;
}

/* Whether the queue q is full, as full() computes it; false (declining)
 * when _maxsize is no int or _queue no _Deque. */
static bool queue_full(fields q, bool *full) {
  if (q[QF_MAXSIZE]->t != VAL_INT || !deque_is(*q[QF_QUEUE]))
    return false;
  *full = q[QF_MAXSIZE]->as.i > 0 && (int64_t)deque_count(*q[QF_QUEUE]) >= q[QF_MAXSIZE]->as.i;
  return true;
}

/* put_nowait(item) of an ordinary queue that is not full. */
static fast_result put_item(vm *v, fields q, value item) {
  bool full;
  fields ev;
  if (!queue_full(q, &full) || full || q[QF_UNFINISHED]->t != VAL_INT ||
      q[QF_UNFINISHED]->as.i == INT64_MAX || !deque_is(*q[QF_GETTERS]) ||
      !(ev = event_fields(v, *q[QF_FINISHED])) || !wakeup_plain(v, *q[QF_GETTERS]))
    return FAST_DECLINED;
  if (!deque_push(v, *q[QF_QUEUE], item))
    return FAST_ERROR;
  *q[QF_UNFINISHED] = val_int(q[QF_UNFINISHED]->as.i + 1);
  *ev[EF_VALUE] = val_bool(false); /* self._finished.clear() */
  return wakeup_next(v, *q[QF_GETTERS]) ? FAST_DONE : FAST_ERROR;
}

/* get_nowait() of an ordinary queue that is not empty. */
static fast_result get_item(vm *v, fields q, value *out) {
  if (!deque_is(*q[QF_QUEUE]) || !deque_count(*q[QF_QUEUE]) || !deque_is(*q[QF_PUTTERS]) ||
      !wakeup_plain(v, *q[QF_PUTTERS]))
    return FAST_DECLINED;
  *out = deque_pop_first(*q[QF_QUEUE]);
  return wakeup_next(v, *q[QF_PUTTERS]) ? FAST_DONE : FAST_ERROR;
}

/* ---- the fast paths: args are self, then the parameters ---- */

static fast_result q_qsize(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]);
  if (!q || !deque_is(*q[QF_QUEUE]))
    return FAST_DECLINED;
  *out = val_int((int64_t)deque_count(*q[QF_QUEUE]));
  return FAST_DONE;
}

static fast_result q_empty(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]);
  if (!q || !deque_is(*q[QF_QUEUE]))
    return FAST_DECLINED;
  *out = val_bool(deque_count(*q[QF_QUEUE]) == 0);
  return FAST_DONE;
}

static fast_result q_full(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]);
  bool full;
  if (!q || !queue_full(q, &full))
    return FAST_DECLINED;
  *out = val_bool(full);
  return FAST_DONE;
}

static fast_result q_put_nowait(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]);
  if (!q)
    return FAST_DECLINED;
  *out = val_none();
  return put_item(v, q, args[1]);
}

static fast_result q_get_nowait(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]);
  if (!q)
    return FAST_DECLINED;
  return get_item(v, q, out);
}

static fast_result q_put_item(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]);
  if (!q || !deque_is(*q[QF_QUEUE]))
    return FAST_DECLINED;
  *out = val_none();
  return deque_push(v, *q[QF_QUEUE], args[1]) ? FAST_DONE : FAST_ERROR;
}

static fast_result q_get_item(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]);
  if (!q || !deque_is(*q[QF_QUEUE]) || !deque_count(*q[QF_QUEUE]))
    return FAST_DECLINED;
  *out = deque_pop_first(*q[QF_QUEUE]);
  return FAST_DONE;
}

/* _wakeup_next(waiters) reads nothing of self */
static fast_result q_wakeup_next(vm *v, const value *args, value *out) {
  if (!deque_is(args[1]) || !wakeup_plain(v, args[1]))
    return FAST_DECLINED;
  *out = val_none();
  return wakeup_next(v, args[1]) ? FAST_DONE : FAST_ERROR;
}

static fast_result q_task_done(vm *v, const value *args, value *out) {
  fields q = queue_fields(v, args[0]), ev = NULL;
  if (!q || q[QF_UNFINISHED]->t != VAL_INT || q[QF_UNFINISHED]->as.i <= 0)
    return FAST_DECLINED;
  bool finish = q[QF_UNFINISHED]->as.i == 1;
  if (finish && (!(ev = event_fields(v, *q[QF_FINISHED])) || !event_set_ready(v, ev)))
    return FAST_DECLINED;
  *q[QF_UNFINISHED] = val_int(q[QF_UNFINISHED]->as.i - 1);
  *out = val_none();
  return !finish || event_set_do(v, ev) ? FAST_DONE : FAST_ERROR;
}

static fast_result ev_clear(vm *v, const value *args, value *out) {
  fields ev = event_fields(v, args[0]);
  if (!ev)
    return FAST_DECLINED;
  *ev[EF_VALUE] = val_bool(false);
  *out = val_none();
  return FAST_DONE;
}

static fast_result ev_set(vm *v, const value *args, value *out) {
  fields ev = event_fields(v, args[0]);
  if (!ev || !event_set_ready(v, ev))
    return FAST_DECLINED;
  *out = val_none();
  return event_set_do(v, ev) ? FAST_DONE : FAST_ERROR;
}

static fast_result ev_is_set(vm *v, const value *args, value *out) {
  fields ev = event_fields(v, args[0]);
  if (!ev)
    return FAST_DECLINED;
  *out = *ev[EF_VALUE];
  return FAST_DONE;
}

/* ---- what a wait needs: the loop and a waiter future ---- */

/* Whether the global name of the prelude is the prelude function with the
 * fast path fn. */
static bool global_is(vm *v, qname name, code_fast_fn fn) {
  value g = obj_dict_get_str(v->queue->ns, v->queue->names[name]);
  return val_is(g, OBJ_FUNCTION) && AS_FUNCTION(g)->code->fast == fn;
}

/* _running_loop(): get_running_loop()'s object, when get_running_loop is
 * asyncio's own and a loop runs whose object was made already */
static fast_result running_loop_fn(vm *v, const value *args, value *out) {
  (void)args;
  if (!loop_is_get_running_loop(
          obj_dict_get_str(v->queue->ns, v->queue->names[QN_GET_RUNNING_LOOP])))
    return FAST_DECLINED;
  *out = loop_running_object(v);
  return out->t == VAL_UNDEF ? FAST_DECLINED : FAST_DONE;
}

/* _get_loop(): the running loop, which self then stays bound to */
static fast_result mixin_get_loop(vm *v, const value *args, value *out) {
  value self = args[0], loop;
  if (!val_is(self, OBJ_INSTANCE) || !AS_INSTANCE(self)->dict ||
      !global_is(v, QN_RUNNING_LOOP_FN, running_loop_fn) ||
      running_loop_fn(v, NULL, &loop) != FAST_DONE)
    return FAST_DECLINED;
  obj_instance *in = AS_INSTANCE(self);
  /* self._loop: the instance's, else the mixin's None (a property or any
   * other class value, or a __setattr__, is the bytecode's to handle) */
  if (obj_class_find(v, in->cls, v->queue->names[QN_LOOP]).t != VAL_NONE ||
      val_is(obj_class_find(v, in->cls, v->s_setattr), OBJ_FUNCTION))
    return FAST_DECLINED;
  int64_t pos = obj_dict_find_str(in->dict, v->queue->names[QN_LOOP]);
  value *mine = pos >= 0 ? &in->dict->entries[pos].val : NULL;
  if (mine && mine->t != VAL_NONE && !obj_is(*mine, loop))
    return FAST_DECLINED; /* bound to another loop: RuntimeError */
  if (mine)
    *mine = loop;
  else if (!obj_dict_set_str(v, in->dict, v->queue->names[QN_LOOP], loop))
    return FAST_ERROR;
  *out = loop;
  return FAST_DONE;
}

/* _new_waiter(loop, what): loop.create_future(), named what */
static fast_result new_waiter_fn(vm *v, const value *args, value *out) {
  if (!loop_plain_object(v, args[0], v->queue->names[QN_CREATE_FUTURE]))
    return FAST_DECLINED;
  loop_future *f = loop_new_future(v);
  if (!f)
    return FAST_ERROR;
  *out = val_obj(f);
  if (vm_setattr(v, *out, v->queue->names[QN_LOOPVIZ_WHAT], args[1]))
    return FAST_DONE;
  if (!vm_exc_matches(v, CLS_ATTRIBUTE_ERROR))
    return FAST_ERROR;
  v->exc = val_undef(); /* except AttributeError: pass */
  return FAST_DONE;
}

/* Queue._get_what(): f'{type(self).__name__}.get()' */
static fast_result q_get_what(vm *v, const value *args, value *out) {
  if (obj_dict_find_str(v->queue->ns, v->queue->names[QN_TYPE]) >= 0 ||
      !obj_is(obj_dict_get_str(v->builtins, v->queue->names[QN_TYPE]), val_obj(v->cls[CLS_TYPE])))
    return FAST_DECLINED;
  obj_str *name = obj_class_of(v, args[0])->name;
  char buf[128];
  if (name->len + 6 > sizeof buf)
    return FAST_DECLINED;
  memcpy(buf, name->data, name->len);
  memcpy(buf + name->len, ".get()", 6);
  obj_str *s = obj_str_new(v, buf, name->len + 6);
  if (!s)
    return FAST_ERROR;
  *out = val_obj(s);
  return FAST_DONE;
}

bool queue_install(vm *v, obj_dict *ns) {
  if (!v->queue) {
    v->queue = calloc(1, sizeof *v->queue);
    if (!v->queue) {
      vm_raise_msg(v, CLS_MEMORY_ERROR, "");
      return false;
    }
  }
  queue_state *qs = v->queue;
  for (int i = 0; i < QN__COUNT; i++)
    if (!(qs->names[i] = obj_str_intern(v, qname_text[i], strlen(qname_text[i]))))
      return false;
  qs->ns = ns;
  return queue_attach(v, ns, NULL);
}

bool queue_attach(vm *v, obj_dict *ns, obj_str *defined) {
  queue_state *qs = v->queue;
  if (!qs || qs->ns != ns)
    return true;
  for (size_t i = 0; i < N_FAST_METHODS; i++) {
    const char *own = owner_text[fast_methods[i].owner];
    const char *def = own ? own : qname_text[fast_methods[i].name];
    size_t len = strlen(def);
    if (defined && (defined->len != len || memcmp(defined->data, def, len) != 0))
      continue;
    obj_str *name = obj_str_intern(v, def, len);
    if (!name)
      return false;
    value d = obj_dict_get_str(ns, name);
    if (d.t == VAL_UNDEF && !defined)
      continue; /* not run yet: attached when it is */
    obj_dict *where = !own ? ns : val_is(d, OBJ_CLASS) ? AS_CLASS(d)->dict : NULL;
    value m = where ? obj_dict_get_str(where, qs->names[fast_methods[i].name]) : val_undef();
    if (!val_is(m, OBJ_FUNCTION)) {
      vm_raisef(v, CLS_RUNTIME_ERROR, "asyncio prelude: no %s%s%s", own ? own : "", own ? "." : "",
                qname_text[fast_methods[i].name]);
      return false;
    }
    AS_FUNCTION(m)->code->fast = fast_methods[i].fn;
  }
  return true;
}

void queue_free(vm *v) {
  free(v->queue);
  v->queue = NULL;
}
