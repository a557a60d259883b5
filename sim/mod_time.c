/* mod_time: the `time` module on the virtual clock.
 *
 * time() is a fixed epoch (1700000000.0) plus the clock; monotonic(),
 * perf_counter() and their _ns forms are the clock itself; sleep(d) blocks
 * the whole loop and advances the clock by d (loop_block). Nothing reads
 * the wall clock. */
#include <math.h>

#include "bi_private.h"
#include "loop.h"

#define TIME_EPOCH 1700000000.0          /* time.time() at virtual clock 0 */
#define TIME_EPOCH_NS 1700000000000000000LL /* the same in nanoseconds */

#define NATIVE(name) static bool name(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out)

/* round(seconds * 1e9) as CPython's round() does it (half to even). */
static bool to_ns(vm *v, double seconds, int64_t base, value *out) {
  double ns = fmt_round_half_even(seconds * 1e9);
  if (!(ns < 9.2e18 - (double)base)) {
    vm_raise_msg(v, CLS_OVERFLOW_ERROR, "integer overflow: loopviz ints are 64-bit");
    return false;
  }
  *out = val_int(base + (int64_t)ns);
  return true;
}

NATIVE(t_time) {
  (void)self;
  (void)args;
  if (!bi_arg_count(v, "time", nargs, kw, 0, 0)) return false;
  *out = val_float(TIME_EPOCH + loop_clock(v));
  return true;
}

NATIVE(t_clock) {
  (void)self;
  (void)args;
  if (!bi_arg_count(v, "monotonic", nargs, kw, 0, 0)) return false;
  *out = val_float(loop_clock(v));
  return true;
}

NATIVE(t_time_ns) {
  (void)self;
  (void)args;
  if (!bi_arg_count(v, "time_ns", nargs, kw, 0, 0)) return false;
  return to_ns(v, loop_clock(v), TIME_EPOCH_NS, out);
}

NATIVE(t_clock_ns) {
  (void)self;
  (void)args;
  if (!bi_arg_count(v, "monotonic_ns", nargs, kw, 0, 0)) return false;
  return to_ns(v, loop_clock(v), 0, out);
}

NATIVE(t_sleep) {
  (void)self;
  if (!bi_arg_count(v, "sleep", nargs, kw, 1, 1)) return false;
  double d;
  if (!bi_as_double(args[0], &d)) {
    vm_raisef(v, CLS_TYPE_ERROR, "'%s' object cannot be interpreted as an integer",
              obj_type_name(v, args[0]));
    return false;
  }
  if (!loop_block(v, d)) return false;
  *out = val_none();
  return true;
}

typedef struct fn_def {
  const char *name; /* attribute name */
  native_fn fn;     /* implementation */
} fn_def;

static const fn_def time_fns[] = {
    {"time", t_time},
    {"monotonic", t_clock},
    {"perf_counter", t_clock},
    {"time_ns", t_time_ns},
    {"monotonic_ns", t_clock_ns},
    {"perf_counter_ns", t_clock_ns},
    {"sleep", t_sleep},
};

obj_module *bi_module_time(vm *v) {
  obj_module *m = obj_module_new(v, "time");
  if (!m) return NULL;
  for (size_t i = 0; i < sizeof time_fns / sizeof time_fns[0]; i++)
    if (!vm_def_native(v, m->dict, time_fns[i].name, time_fns[i].fn)) return NULL;
  return m;
}
