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
  QN_MAXSIZE,     /* _maxsize */
  QN_QUEUE,       /* _queue */
  QN_GETTERS,     /* _getters */
  QN_PUTTERS,     /* _putters */
  QN_UNFINISHED,  /* _unfinished_tasks */
  QN_FINISHED,    /* _finished */
  QN_VALUE,       /* Event: _value */
  QN_WAITERS,     /* Event: _waiters */
  QN_LOOP,        /* _loop (set by _get_loop) */
  QN_QSIZE,       /* the overridable methods, from here on */
  QN_EMPTY,       /* empty */
  QN_FULL,        /* full */
  QN_PUT_NOWAIT,  /* put_nowait */
  QN_GET_NOWAIT,  /* get_nowait */
  QN_PUT_ITEM,    /* _put */
  QN_GET_ITEM,    /* _get */
  QN_WAKEUP_NEXT, /* _wakeup_next */
  QN_TASK_DONE,   /* task_done */
  QN_PUT,         /* put */
  QN_GET,         /* get */
  QN_CLEAR,       /* Event.clear */
  QN_SET,         /* Event.set */
  QN_IS_SET,      /* Event.is_set */
  QN__COUNT
} qname;

static const char *const qname_text[QN__COUNT] = {
    "_maxsize",  "_queue",       "_getters",   "_putters",   "_unfinished_tasks",
    "_finished", "_value",       "_waiters",   "_loop",      "qsize",
    "empty",     "full",         "put_nowait", "get_nowait", "_put",
    "_get",      "_wakeup_next", "task_done",  "put",        "get",
    "clear",     "set",          "is_set",
};

/* A class found to leave the prelude's methods in place, until the class
 * epoch moves (a class namespace changed, or the collector ran and the
 * class may be gone). */
typedef struct class_ok {
  obj_class *cls; /* the class, NULL when none */
  uint64_t epoch; /* vm->class_epoch when it was checked */
} class_ok;

/* An instance dict found ordinary (find_fields), with the positions of
 * the fields in its entries, until its version moves (an insertion or a
 * deletion) or the class epoch does (the collector ran, and the dict may be
 * gone and its address reused). */
typedef struct dict_ok {
  obj_dict *dict;   /* the dict, NULL when none */
  uint64_t version; /* its version when it was checked */
  uint64_t epoch;   /* vm->class_epoch then */
  int64_t pos[6];   /* the entry of each field */
} dict_ok;

struct queue_state {
  obj_str *names[QN__COUNT]; /* the interned names, by qname */
  class_ok queue_cls;        /* the last Queue class checked and found ordinary */
  class_ok event_cls;        /* the last Event class checked and found ordinary */
  dict_ok queue_dict;        /* the last Queue instance dict found ordinary */
  dict_ok event_dict;        /* the last Event instance dict found ordinary */
};

/* The attributes of an ordinary Queue, as slots of its instance dict. */
typedef struct qfields {
  value *maxsize;    /* _maxsize */
  value *queue;      /* _queue */
  value *getters;    /* _getters */
  value *putters;    /* _putters */
  value *unfinished; /* _unfinished_tasks */
  value *finished;   /* _finished */
} qfields;

static fast_result q_qsize(vm *v, const value *args, value *out);
static fast_result q_empty(vm *v, const value *args, value *out);
static fast_result q_full(vm *v, const value *args, value *out);
static fast_result q_put_nowait(vm *v, const value *args, value *out);
static fast_result q_get_nowait(vm *v, const value *args, value *out);
static fast_result q_put_item(vm *v, const value *args, value *out);
static fast_result q_get_item(vm *v, const value *args, value *out);
static fast_result q_wakeup_next(vm *v, const value *args, value *out);
static fast_result q_task_done(vm *v, const value *args, value *out);
static fast_result q_put(vm *v, const value *args, value *out);
static fast_result q_get(vm *v, const value *args, value *out);
static fast_result ev_clear(vm *v, const value *args, value *out);
static fast_result ev_set(vm *v, const value *args, value *out);
static fast_result ev_is_set(vm *v, const value *args, value *out);

/* Which prelude method each fast path stands for. */
static const struct {
  bool event;      /* a method of Event (else of Queue) */
  bool called;     /* the fast paths call it on self (or on _finished): a class
                      overriding it gets none of them */
  qname name;      /* the method */
  code_fast_fn fn; /* its fast path */
} fast_methods[] = {
    {false, true, QN_QSIZE, q_qsize},
    {false, true, QN_EMPTY, q_empty},
    {false, true, QN_FULL, q_full},
    {false, true, QN_PUT_NOWAIT, q_put_nowait},
    {false, true, QN_GET_NOWAIT, q_get_nowait},
    {false, true, QN_PUT_ITEM, q_put_item},
    {false, true, QN_GET_ITEM, q_get_item},
    {false, true, QN_WAKEUP_NEXT, q_wakeup_next},
    {false, false, QN_TASK_DONE, q_task_done},
    {false, false, QN_PUT, q_put},
    {false, false, QN_GET, q_get},
    {true, true, QN_CLEAR, ev_clear},
    {true, true, QN_SET, ev_set},
    {true, false, QN_IS_SET, ev_is_set},
};
#define N_FAST_METHODS (sizeof fast_methods / sizeof fast_methods[0])

/* Whether c's lookup of every method of the kind (Queue's or Event's) the
 * fast paths call finds the prelude's function, none of the given
 * data attributes is defined on the class (a property would win over the
 * instance dict), and no __setattr__ of a scenario's runs on stores. */
static bool class_ordinary(vm *v, obj_class *c, bool event, const qname *data, size_t ndata) {
  queue_state *qs = v->queue;
  for (size_t i = 0; i < N_FAST_METHODS; i++) {
    if (fast_methods[i].event != event || !fast_methods[i].called)
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
    if (fast_methods[i].event == event && fast_methods[i].called &&
        obj_dict_find_str(d, v->queue->names[fast_methods[i].name]) >= 0)
      return false;
  return true;
}

/* Finds the n names in d, their value slots in slots[i]; whether all are
 * there and, besides them and _loop, d holds no method of the kind.
 * Remembered in *ok. */
static bool find_fields(vm *v, dict_ok *ok, obj_dict *d, const qname *names, size_t n,
                        value **slots, bool event) {
  if (ok->dict == d && ok->version == d->version && ok->epoch == v->class_epoch) {
    for (size_t i = 0; i < n; i++)
      slots[i] = &d->entries[ok->pos[i]].val;
    return true;
  }
  queue_state *qs = v->queue;
  int64_t pos[6];
  for (size_t i = 0; i < n; i++) {
    pos[i] = obj_dict_find_str(d, qs->names[names[i]]);
    if (pos[i] < 0)
      return false;
    slots[i] = &d->entries[pos[i]].val;
  }
  /* the usual dict holds just these (and _loop): nothing else to look for */
  if (d->count != n && !(d->count == n + 1 && obj_dict_find_str(d, qs->names[QN_LOOP]) >= 0) &&
      !dict_shadows_none(v, d, event))
    return false;
  ok->dict = d;
  ok->version = d->version;
  ok->epoch = v->class_epoch;
  memcpy(ok->pos, pos, n * sizeof *pos);
  return true;
}

static const qname queue_data[] = {QN_MAXSIZE, QN_QUEUE,      QN_GETTERS,
                                   QN_PUTTERS, QN_UNFINISHED, QN_FINISHED};
#define N_QUEUE_DATA (sizeof queue_data / sizeof queue_data[0])

/* Whether self is an ordinary Queue (queue.h); its attributes in *q. */
static bool queue_fields(vm *v, value self, qfields *q) {
  if (!val_is(self, OBJ_INSTANCE))
    return false;
  obj_instance *in = AS_INSTANCE(self);
  if (!in->dict ||
      !class_ordinary_cached(v, &v->queue->queue_cls, in->cls, false, queue_data, N_QUEUE_DATA))
    return false;
  value *slots[N_QUEUE_DATA];
  if (!find_fields(v, &v->queue->queue_dict, in->dict, queue_data, N_QUEUE_DATA, slots, false))
    return false;
  q->maxsize = slots[0];
  q->queue = slots[1];
  q->getters = slots[2];
  q->putters = slots[3];
  q->unfinished = slots[4];
  q->finished = slots[5];
  return true;
}

static const qname event_data[] = {QN_VALUE, QN_WAITERS};
#define N_EVENT_DATA (sizeof event_data / sizeof event_data[0])

/* Whether ev is an ordinary Event; its _value and _waiters slots in
 * slots[0] and slots[1]. */
static bool event_fields(vm *v, value ev, value **slots) {
  if (!val_is(ev, OBJ_INSTANCE))
    return false;
  obj_instance *in = AS_INSTANCE(ev);
  return in->dict &&
         class_ordinary_cached(v, &v->queue->event_cls, in->cls, true, event_data, N_EVENT_DATA) &&
         find_fields(v, &v->queue->event_dict, in->dict, event_data, N_EVENT_DATA, slots, true);
}

/* Whether the waiters of the _Deque w that _wakeup_next(w) would look at
 * (up to the first one not done) are plain Futures. */
static bool wakeup_plain(vm *v, value w) {
  for (size_t i = 0, n = deque_count(w); i < n; i++) {
    value f = deque_at(w, i);
    if (!loop_future_plain(v, f))
      return false;
    if (((loop_future *)f.as.o)->state == FUT_PENDING)
      return true;
  }
  return true;
}

/* _wakeup_next(w) of a _Deque passing wakeup_plain: pops waiters until one
 * not done, and resolves that one with None. */
static bool wakeup_next(vm *v, value w) {
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
    if (!loop_future_plain(v, deque_at(w, i)))
      return false;
  return true;
}

/* Event.set() of an event with fields slots (event_fields), when its
 * _value is a bool and its waiters plain: ready tells whether it can; do
 * runs it. */
static bool event_set_ready(vm *v, value **slots) {
  return slots[0]->t == VAL_BOOL && deque_is(*slots[1]) && all_plain(v, *slots[1]);
}

static bool event_set_do(vm *v, value **slots) {
  if (slots[0]->as.b)
    return true;
  *slots[0] = val_bool(true);
  value w = *slots[1];
  for (size_t i = 0, n = deque_count(w); i < n; i++) {
    loop_future *f = (loop_future *)deque_at(w, i).as.o;
    if (f->state == FUT_PENDING && !loop_future_set_result(v, f, val_bool(true)))
      return false;
  }
  return true;
}

/* Whether the queue q is full, as full() computes it; false (declining)
 * when _maxsize is no int or _queue no _Deque. */
static bool queue_full(const qfields *q, bool *full) {
  if (q->maxsize->t != VAL_INT || !deque_is(*q->queue))
    return false;
  *full = q->maxsize->as.i > 0 && (int64_t)deque_count(*q->queue) >= q->maxsize->as.i;
  return true;
}

/* put_nowait(item) of an ordinary queue that is not full. */
static fast_result put_item(vm *v, const qfields *q, value item) {
  bool full;
  value *ev[N_EVENT_DATA];
  if (!queue_full(q, &full) || full || q->unfinished->t != VAL_INT ||
      q->unfinished->as.i == INT64_MAX || !deque_is(*q->getters) ||
      !event_fields(v, *q->finished, ev) || !wakeup_plain(v, *q->getters))
    return FAST_DECLINED;
  if (!deque_push(v, *q->queue, item))
    return FAST_ERROR;
  *q->unfinished = val_int(q->unfinished->as.i + 1);
  *ev[0] = val_bool(false); /* self._finished.clear() */
  return wakeup_next(v, *q->getters) ? FAST_DONE : FAST_ERROR;
}

/* get_nowait() of an ordinary queue that is not empty. */
static fast_result get_item(vm *v, const qfields *q, value *out) {
  if (!deque_is(*q->queue) || !deque_count(*q->queue) || !deque_is(*q->putters) ||
      !wakeup_plain(v, *q->putters))
    return FAST_DECLINED;
  *out = deque_pop_first(*q->queue);
  return wakeup_next(v, *q->putters) ? FAST_DONE : FAST_ERROR;
}

/* ---- the fast paths: args are self, then the parameters ---- */

static fast_result q_qsize(vm *v, const value *args, value *out) {
  qfields q;
  if (!queue_fields(v, args[0], &q) || !deque_is(*q.queue))
    return FAST_DECLINED;
  *out = val_int((int64_t)deque_count(*q.queue));
  return FAST_DONE;
}

static fast_result q_empty(vm *v, const value *args, value *out) {
  qfields q;
  if (!queue_fields(v, args[0], &q) || !deque_is(*q.queue))
    return FAST_DECLINED;
  *out = val_bool(deque_count(*q.queue) == 0);
  return FAST_DONE;
}

static fast_result q_full(vm *v, const value *args, value *out) {
  qfields q;
  bool full;
  if (!queue_fields(v, args[0], &q) || !queue_full(&q, &full))
    return FAST_DECLINED;
  *out = val_bool(full);
  return FAST_DONE;
}

static fast_result q_put_nowait(vm *v, const value *args, value *out) {
  qfields q;
  if (!queue_fields(v, args[0], &q))
    return FAST_DECLINED;
  *out = val_none();
  return put_item(v, &q, args[1]);
}

static fast_result q_get_nowait(vm *v, const value *args, value *out) {
  qfields q;
  if (!queue_fields(v, args[0], &q))
    return FAST_DECLINED;
  return get_item(v, &q, out);
}

static fast_result q_put_item(vm *v, const value *args, value *out) {
  qfields q;
  if (!queue_fields(v, args[0], &q) || !deque_is(*q.queue))
    return FAST_DECLINED;
  *out = val_none();
  return deque_push(v, *q.queue, args[1]) ? FAST_DONE : FAST_ERROR;
}

static fast_result q_get_item(vm *v, const value *args, value *out) {
  qfields q;
  if (!queue_fields(v, args[0], &q) || !deque_is(*q.queue) || !deque_count(*q.queue))
    return FAST_DECLINED;
  *out = deque_pop_first(*q.queue);
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
  qfields q;
  value *ev[N_EVENT_DATA];
  if (!queue_fields(v, args[0], &q) || q.unfinished->t != VAL_INT || q.unfinished->as.i <= 0)
    return FAST_DECLINED;
  bool finish = q.unfinished->as.i == 1;
  if (finish && (!event_fields(v, *q.finished, ev) || !event_set_ready(v, ev)))
    return FAST_DECLINED;
  *q.unfinished = val_int(q.unfinished->as.i - 1);
  *out = val_none();
  return !finish || event_set_do(v, ev) ? FAST_DONE : FAST_ERROR;
}

/* the coroutine put(item) up to where it would wait for room */
static fast_result q_put(vm *v, const value *args, value *out) {
  return q_put_nowait(v, args, out);
}

/* the coroutine get() up to where it would wait for an item */
static fast_result q_get(vm *v, const value *args, value *out) {
  return q_get_nowait(v, args, out);
}

static fast_result ev_clear(vm *v, const value *args, value *out) {
  value *ev[N_EVENT_DATA];
  if (!event_fields(v, args[0], ev))
    return FAST_DECLINED;
  *ev[0] = val_bool(false);
  *out = val_none();
  return FAST_DONE;
}

static fast_result ev_set(vm *v, const value *args, value *out) {
  value *ev[N_EVENT_DATA];
  if (!event_fields(v, args[0], ev) || !event_set_ready(v, ev))
    return FAST_DECLINED;
  *out = val_none();
  return event_set_do(v, ev) ? FAST_DONE : FAST_ERROR;
}

static fast_result ev_is_set(vm *v, const value *args, value *out) {
  value *ev[N_EVENT_DATA];
  if (!event_fields(v, args[0], ev))
    return FAST_DECLINED;
  *out = *ev[0];
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
  obj_str *names[2] = {obj_str_intern(v, "Queue", 5), obj_str_intern(v, "Event", 5)};
  if (!names[0] || !names[1])
    return false;
  value classes[2] = {obj_dict_get_str(ns, names[0]), obj_dict_get_str(ns, names[1])};
  for (size_t i = 0; i < N_FAST_METHODS; i++) {
    value c = classes[fast_methods[i].event];
    value m = val_is(c, OBJ_CLASS)
                  ? obj_dict_get_str(AS_CLASS(c)->dict, qs->names[fast_methods[i].name])
                  : val_undef();
    if (!val_is(m, OBJ_FUNCTION)) {
      vm_raisef(v, CLS_RUNTIME_ERROR, "asyncio prelude: no %s.%s",
                fast_methods[i].event ? "Event" : "Queue", qname_text[fast_methods[i].name]);
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
