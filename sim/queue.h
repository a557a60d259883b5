/* queue: native fast paths for the prelude's asyncio.Queue and Event.
 *
 * The prelude writes Queue and Event in Python, following CPython's
 * asyncio/queues.py and locks.py. Most of a queue's time goes into the
 * frames of its small methods: a put runs put, full, qsize, put_nowait,
 * full, qsize, _put, Event.clear and _wakeup_next. Here each of those
 * methods gets a native stand-in (code.fast, see code.h), attached to the
 * prelude function's code: the function objects, their names and
 * everything a program can look at stay the prelude's. So do put and get:
 * `await q.put(x)` and `await q.get()`, a method call awaited at once,
 * run the stand-in instead of making a coroutine when it would not
 * suspend (vm.c, OP_CALL_METHOD; not when tracing, where a coroutine's
 * label reprs its arguments); a coroutine object made by q.put(x) or
 * q.get() otherwise runs its bytecode.
 *
 * A stand-in runs only when what the bytecode would do is certain: the
 * receiver's class and instance dict leave every method the bytecode calls
 * the prelude's own (a subclass such as LifoQueue, or an attribute set on
 * the instance, sends the call to the bytecode), its attributes are the
 * plain values the prelude stores (ints, _Deques, an ordinary Event), the
 * waiters are plain Futures, and no step would raise (QueueFull,
 * QueueEmpty, task_done() called too many times) or block. Otherwise it
 * declines before changing anything and the bytecode runs as it always
 * did, so tracebacks, warnings and waits are the bytecode's.
 *
 * A wait itself stays bytecode, but what it calls before it suspends
 * has stand-ins too: the
 * prelude's _running_loop, _new_waiter, _LoopBoundMixin._get_loop and
 * Queue._get_what, which every lock, event, semaphore and wait_for of the
 * prelude shares. */
#ifndef LOOPVIZ_QUEUE_H
#define LOOPVIZ_QUEUE_H

#include "vm.h"

/* Prepares the fast paths for ns (the asyncio module's namespace) and
 * attaches those whose prelude definitions ran there already. */
bool queue_install(vm *v, obj_dict *ns);
/* Attaches the fast paths of the prelude definition `defined` (the Queue
 * and Event classes' methods, _LoopBoundMixin's, the module functions) once
 * it has run in ns; NULL: of every definition that has. The prelude runs
 * its definitions on first use (loop.c). */
bool queue_attach(vm *v, obj_dict *ns, obj_str *defined);

/* Releases what queue_install keeps in the vm (vm_free). */
void queue_free(vm *v);

#endif
