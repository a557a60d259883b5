/* prelude: the part of asyncio written in the scenario language itself.
 *
 * CPython's queues, locks, timeouts, task groups and the wait/wait_for/
 * as_completed/shield helpers are pure Python over futures and tasks; so
 * are ours. loop_module_asyncio compiles this source (file name
 * "<asyncio>") into the asyncio module's namespace after the native core
 * (Future, Task, sleep, gather, create_task, the loop object ...) is there,
 * so the scheduling order of these primitives is CPython's by construction.
 * Frames of the prelude are library code: tracebacks do not show them. */
#ifndef LOOPVIZ_PRELUDE_H
#define LOOPVIZ_PRELUDE_H

#include <stddef.h>

#define PRELUDE_FILENAME "<asyncio>"

/* The prelude's Python source and its length. */
const char *prelude_asyncio(size_t *len);

#endif
