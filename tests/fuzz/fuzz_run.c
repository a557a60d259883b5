/* libFuzzer target: a whole run (parse, compile, execute on the virtual clock) under small
 * limits, with a trace recorded and written in every format loopviz has.
 *
 * The limits keep one input to a fraction of a second: 200000 instructions, 64 MiB of objects,
 * 100 Python frames, 1000 virtual seconds (the garbage collector runs as in any run: collecting
 * at every safe point, --gc-stress, costs time quadratic in the live tasks, too slow for the
 * fixed-time regression run of make test). Whatever the scenario does, the run must end with
 * SIM_OK or SIM_ERROR, never crash, hang or leak, and the trace writers must cope with whatever
 * trace it left. */
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"
#include "fuzz_common.h"
#include "sim.h"
#include "trace.h"
#include "traceout.h"

static void discard(void *user, const char *text, size_t len) {
  (void)text;
  *(size_t *)user += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  trace *t = trace_new(size % 2 == 0); /* statement lines for half the inputs */
  if (t == NULL)
    return 0;
  size_t written = 0;
  sim_options o;
  sim_options_init(&o);
  o.out = discard;
  o.err = discard;
  o.user = &written;
  o.trace = t;
  o.limits.max_instructions = 200000;
  o.limits.max_memory = 64u << 20;
  o.limits.max_recursion = 100;
  o.limits.max_virtual_time = 1000;
  sim_status st = sim_run_source(&o, "fuzz.py", (const char *)data, size);
  FUZZ_EXPECT(st == SIM_OK || st == SIM_ERROR);
  fmt_buf b;
  fmt_buf_init(&b);
  trace_write_text(t, &b);
  fmt_buf_clear(&b);
  trace_write_jsonl(t, &b);
  fmt_buf_clear(&b);
  traceout_mermaid(t, &b);
  fmt_buf_clear(&b);
  traceout_chrome(t, &b);
  fmt_buf_free(&b);
  trace_free(t);
  return 0;
}
