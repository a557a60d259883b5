/* deque: the FIFO the asyncio prelude keeps its waiters and queue items in.
 *
 * CPython's asyncio uses collections.deque (written in C) for the waiters of
 * locks, events, semaphores, conditions and queues, and for a Queue's items.
 * loopviz's prelude uses `_Deque`, this native class: a ring buffer of
 * values with append, popleft, first, remove, len, truth and iteration (over
 * a snapshot), the subset the prelude needs. */
#ifndef LOOPVIZ_DEQUE_H
#define LOOPVIZ_DEQUE_H

#include "vm.h"

/* The state behind a _Deque object (obj_native_obj.data). Natives that
 * hold a _Deque (sim/queue.c) read it through the functions below. */
typedef struct deque_data {
  value *items; /* ring buffer of cap values */
  size_t head;  /* index of the first item */
  size_t count; /* items in the deque */
  size_t cap;   /* values allocated: 0 or a power of two */
} deque_data;

/* Where item i (from the first) sits in dd->items, dd->cap not 0: a mask, not a division. */
static inline size_t deque_slot(const deque_data *dd, size_t i) {
  return (dd->head + i) & (dd->cap - 1);
}

/* Releases a _Deque's state: its objects' free function, which is also
 * what tells a _Deque from other native objects. */
void deque_release(vm *v, obj_native_obj *o);

static inline deque_data *deque_data_of(value d) {
  return (deque_data *)((obj_native_obj *)d.as.o)->data;
}

/* x is a _Deque */
static inline bool deque_is(value x) {
  return val_is(x, OBJ_NATIVE_OBJ) && ((obj_native_obj *)x.as.o)->free == deque_release &&
         ((obj_native_obj *)x.as.o)->data;
}

/* len(d) */
static inline size_t deque_count(value d) { return deque_data_of(d)->count; }

/* d's item i, i < len(d) */
static inline value deque_at(value d, size_t i) {
  deque_data *dd = deque_data_of(d);
  return dd->items[deque_slot(dd, i)];
}

/* d.popleft() of a non-empty d */
static inline value deque_pop_first(value d) {
  deque_data *dd = deque_data_of(d);
  value x = dd->items[dd->head];
  dd->items[dd->head] = val_none();
  dd->head = deque_slot(dd, 1);
  dd->count--;
  return x;
}

/* d.append(x); false + MemoryError */
bool deque_push(vm *v, value d, value x);

/* Defines the class `_Deque` in the namespace ns (the asyncio module's). */
bool deque_install(vm *v, obj_dict *ns);

#endif
