/* traceout: the trace as other tools read it.
 *
 * Two exports, each a pure function of a finished trace (nothing re-runs):
 * - a mermaid sequenceDiagram in the vocabulary of the asyncio article
 *   (Main, EventLoop, one participant per task, IO; "Create tasks",
 *   "Start execution", "Await asyncio.sleep(2)", "I/O complete", "Resume
 *   execution", "Return result" ...), with the values and times of the run;
 * - a Chrome / Perfetto trace (Trace Event Format JSON): one named track per
 *   task and one for the event loop, a complete slice per task step, waits as
 *   async slices, wake-ups as flow arrows, prints as instant events, virtual
 *   time in microseconds.
 * docs/trace-format.md describes both. The same trace always gives the same
 * bytes. */
#ifndef LOOPVIZ_TRACEOUT_H
#define LOOPVIZ_TRACEOUT_H

#include <stdbool.h>

#include "fmt.h"
#include "trace.h"

/* Appends the mermaid diagram to out. False when memory ran out (out then
 * holds an unfinished prefix). */
bool traceout_mermaid(const trace *t, fmt_buf *out);

/* Appends the Trace Event Format JSON (one event per line) to out. False
 * when memory ran out. */
bool traceout_chrome(const trace *t, fmt_buf *out);

#endif
