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

/* For natives working on a _Deque they hold (sim/queue.c): */
bool deque_is(value x);                   /* x is a _Deque */
size_t deque_count(value d);              /* len(d) */
value deque_at(value d, size_t i);        /* d's item i, i < len(d) */
bool deque_push(vm *v, value d, value x); /* d.append(x); false + MemoryError */
value deque_pop_first(value d);           /* d.popleft() of a non-empty d */

/* Defines the class `_Deque` in the namespace ns (the asyncio module's). */
bool deque_install(vm *v, obj_dict *ns);

#endif
