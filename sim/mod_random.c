/* mod_random: the `random` module, bit-identical to CPython 3.11's for int
 * seeds (the generator is mt.h; the run starts seeded with 0, as the
 * oracle does before running a scenario).
 *
 * seed() accepts None (meaning 0 here: a run must be reproducible), ints,
 * bools and floats (seeded with hash(x), as CPython does); str and bytes
 * seeds are refused because CPython hashes them with SHA-512. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bi_private.h"
#include "mt.h"
#include "ops.h"

#define NATIVE(name) static bool name(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out)
#define NV_MAGICCONST 1.7155277699214135 /* 4 * exp(-0.5) / sqrt(2.0), as random.py */

static bool mt_fail(vm *v, mt_result r, const mt_error *err) {
  switch (r) {
  case MT_OK: return true;
  case MT_EMPTY_SEQUENCE: vm_raise_msg(v, CLS_INDEX_ERROR, err->message); return false;
  case MT_NOMEM: return bi_nomem(v);
  default: vm_raise_msg(v, CLS_VALUE_ERROR, err->message); return false;
  }
}

/* An int argument of randrange(); integral floats pass as CPython 3.11
 * still accepts them. */
static bool range_arg(vm *v, value x, int which, int64_t *out) {
  if (x.t == VAL_FLOAT) {
    double d = x.as.f;
    if (d != floor(d) || !(fabs(d) < 9.2e18)) {
      vm_raisef(v, CLS_VALUE_ERROR, "non-integer arg %d for randrange()", which);
      return false;
    }
    *out = (int64_t)d;
    return true;
  }
  return bi_index(v, x, out);
}

NATIVE(r_seed) {
  (void)self;
  static const char *const names[] = {"a", "version"};
  value a[2];
  if (!bi_parse(v, "seed", args, nargs, kw, names, 2, 2, 0, a)) return false;
  value x = a[0];
  uint64_t mag = 0;
  if (x.t == VAL_UNDEF || x.t == VAL_NONE) {
    mag = 0;
  } else if (x.t == VAL_INT || x.t == VAL_BOOL) {
    int64_t i = x.t == VAL_BOOL ? x.as.b : x.as.i;
    mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  } else if (x.t == VAL_FLOAT) {
    uint64_t h;
    if (!obj_hash(v, x, &h)) return false;
    int64_t i = (int64_t)h;
    mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  } else if (val_is(x, OBJ_STR)) {
    vm_raise_msg(v, CLS_SANDBOX_ERROR,
                 "random.seed() with a str is not supported in loopviz scenarios: use an int");
    return false;
  } else {
    vm_raise_msg(v, CLS_TYPE_ERROR,
                 "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
    return false;
  }
  mt_seed(&v->rng, mag);
  *out = val_none();
  return true;
}

NATIVE(r_random) {
  (void)self;
  (void)args;
  if (!bi_arg_count(v, "random", nargs, kw, 0, 0)) return false;
  *out = val_float(mt_random(&v->rng));
  return true;
}

static bool num_arg(vm *v, value x, double *out) {
  if (bi_as_double(x, out)) return true;
  vm_raisef(v, CLS_TYPE_ERROR, "must be real number, not %s", obj_type_name(v, x));
  return false;
}

NATIVE(r_uniform) {
  (void)self;
  static const char *const names[] = {"a", "b"};
  value a[2];
  if (!bi_parse(v, "uniform", args, nargs, kw, names, 2, 2, 2, a)) return false;
  double x, y;
  if (!num_arg(v, a[0], &x) || !num_arg(v, a[1], &y)) return false;
  *out = val_float(mt_uniform(&v->rng, x, y));
  return true;
}

NATIVE(r_randint) {
  (void)self;
  static const char *const names[] = {"a", "b"};
  value a[2];
  if (!bi_parse(v, "randint", args, nargs, kw, names, 2, 2, 2, a)) return false;
  int64_t x, y, r;
  if (!range_arg(v, a[0], 1, &x) || !range_arg(v, a[1], 2, &y)) return false;
  mt_error err;
  if (!mt_fail(v, mt_randint(&v->rng, x, y, &r, &err), &err)) return false;
  *out = val_int(r);
  return true;
}

NATIVE(r_randrange) {
  (void)self;
  static const char *const names[] = {"start", "stop", "step"};
  value a[3];
  if (!bi_parse(v, "randrange", args, nargs, kw, names, 3, 3, 1, a)) return false;
  int64_t start, stop, step = 1, r;
  mt_error err;
  if (!range_arg(v, a[0], 1, &start)) return false;
  if (a[1].t == VAL_UNDEF || a[1].t == VAL_NONE) {
    if (a[2].t != VAL_UNDEF && a[2].t != VAL_NONE) {
      vm_raise_msg(v, CLS_TYPE_ERROR, "Missing a non-None stop argument");
      return false;
    }
    if (!mt_fail(v, mt_randrange_stop(&v->rng, start, &r, &err), &err)) return false;
    *out = val_int(r);
    return true;
  }
  if (!range_arg(v, a[1], 2, &stop)) return false;
  if (a[2].t != VAL_UNDEF && a[2].t != VAL_NONE && !range_arg(v, a[2], 3, &step)) return false;
  if (!mt_fail(v, mt_randrange(&v->rng, start, stop, step, &r, &err), &err)) return false;
  *out = val_int(r);
  return true;
}

NATIVE(r_choice) {
  (void)self;
  if (!bi_arg_count(v, "choice", nargs, kw, 1, 1)) return false;
  int64_t n;
  if (!vm_len(v, args[0], &n)) return false;
  size_t idx;
  mt_error err;
  if (!mt_fail(v, mt_choice_index(&v->rng, (size_t)n, &idx, &err), &err)) return false;
  return vm_getitem(v, args[0], val_int((int64_t)idx), out);
}

NATIVE(r_choices) {
  (void)self;
  static const char *const names[] = {"population", "weights", "cum_weights", "k"};
  value a[4];
  if (!bi_parse(v, "choices", args, nargs, kw, names, 4, 2, 1, a)) return false;
  int64_t n, k = 1;
  if (!vm_len(v, a[0], &n)) return false;
  if (a[3].t != VAL_UNDEF && !bi_index(v, a[3], &k)) return false;
  obj_list *res = obj_list_new(v, k > 0 ? (size_t)k : 0);
  if (!res) return false;
  bool has_w = a[1].t != VAL_UNDEF && a[1].t != VAL_NONE;
  bool has_cw = a[2].t != VAL_UNDEF && a[2].t != VAL_NONE;
  if (!has_w && !has_cw) {
    for (int64_t i = 0; i < k; i++) {
      value x;
      double idx = floor(mt_random(&v->rng) * (double)n);
      if (!vm_getitem(v, a[0], val_int((int64_t)idx), &x) || !obj_list_append(v, res, x))
        return false;
    }
    *out = val_obj(res);
    return true;
  }
  if (has_w && has_cw) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "Cannot specify both weights and cumulative weights");
    return false;
  }
  if (has_w && (a[1].t == VAL_INT || a[1].t == VAL_BOOL)) {
    vm_raisef(v, CLS_TYPE_ERROR, "The number of choices must be a keyword argument: k=%lld",
              (long long)(a[1].t == VAL_BOOL ? a[1].as.b : a[1].as.i));
    return false;
  }
  obj_list *w = vm_to_list(v, has_w ? a[1] : a[2]);
  if (!w) return false;
  /* cumulative weights, added with Python's number rules */
  obj_list *cum = obj_list_new(v, w->count);
  if (!cum) return false;
  value acc = val_undef();
  for (size_t i = 0; i < w->count; i++) {
    if (!has_w || i == 0) acc = w->items[i];
    else if (!ops_binary(v, OPS_ADD, acc, w->items[i], false, &acc)) return false;
    cum->items[cum->count++] = acc;
  }
  if ((int64_t)cum->count != n) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "The number of weights does not match the population");
    return false;
  }
  double total;
  if (n == 0 || !bi_as_double(cum->items[n - 1], &total)) {
    if (n == 0) {
      vm_raise_msg(v, CLS_INDEX_ERROR, "list index out of range");
      return false;
    }
    vm_raisef(v, CLS_TYPE_ERROR, "unsupported operand type(s) for +: '%s' and 'float'",
              obj_type_name(v, cum->items[n - 1]));
    return false;
  }
  if (total <= 0.0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "Total of weights must be greater than zero");
    return false;
  }
  if (!isfinite(total)) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "Total of weights must be finite");
    return false;
  }
  for (int64_t i = 0; i < k; i++) {
    value target = val_float(mt_random(&v->rng) * total);
    /* bisect_right(cum, target, 0, n - 1) */
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
      int64_t mid = (lo + hi) / 2;
      bool lt;
      if (!vm_less(v, target, cum->items[mid], &lt)) return false;
      if (lt) hi = mid;
      else lo = mid + 1;
    }
    value x;
    if (!vm_getitem(v, a[0], val_int(lo), &x) || !obj_list_append(v, res, x)) return false;
  }
  *out = val_obj(res);
  return true;
}

NATIVE(r_shuffle) {
  (void)self;
  if (!bi_arg_count(v, "shuffle", nargs, kw, 1, 1)) return false;
  if (!val_is(args[0], OBJ_LIST)) {
    if (val_is(args[0], OBJ_TUPLE) || val_is(args[0], OBJ_STR))
      vm_raisef(v, CLS_TYPE_ERROR, "'%s' object does not support item assignment",
                obj_type_name(v, args[0]));
    else
      vm_raisef(v, CLS_TYPE_ERROR, "object of type '%s' has no len()", obj_type_name(v, args[0]));
    return false;
  }
  obj_list *l = AS_LIST(args[0]);
  mt_shuffle(&v->rng, l->items, l->count, sizeof(value));
  *out = val_none();
  return true;
}

NATIVE(r_sample) {
  (void)self;
  static const char *const names[] = {"population", "k", "counts"};
  value a[3];
  if (!bi_parse(v, "sample", args, nargs, kw, names, 3, 2, 2, a)) return false;
  if (a[2].t != VAL_UNDEF && a[2].t != VAL_NONE) {
    vm_raise_msg(v, CLS_SANDBOX_ERROR,
                 "random.sample(counts=...) is not supported in loopviz scenarios");
    return false;
  }
  value pop = a[0];
  if (!val_is(pop, OBJ_LIST) && !val_is(pop, OBJ_TUPLE) && !val_is(pop, OBJ_STR) &&
      !val_is(pop, OBJ_RANGE)) {
    vm_raise_msg(v, CLS_TYPE_ERROR,
                 "Population must be a sequence.  For dicts or sets, use sorted(d).");
    return false;
  }
  int64_t n, k;
  if (!vm_len(v, pop, &n) || !bi_index(v, a[1], &k)) return false;
  if (k < 0 || k > n) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "Sample larger than population or is negative");
    return false;
  }
  size_t *idx = malloc(((size_t)k + 1) * sizeof(size_t));
  if (!idx) return bi_nomem(v);
  mt_error err;
  mt_result r = mt_sample_indices(&v->rng, (size_t)n, (size_t)k, idx, &err);
  if (r != MT_OK) {
    free(idx);
    return mt_fail(v, r, &err);
  }
  obj_list *res = obj_list_new(v, (size_t)k);
  if (!res) {
    free(idx);
    return false;
  }
  for (int64_t i = 0; i < k; i++) {
    value x;
    if (!vm_getitem(v, pop, val_int((int64_t)idx[i]), &x)) {
      free(idx);
      return false;
    }
    res->items[res->count++] = x;
  }
  free(idx);
  *out = val_obj(res);
  return true;
}

NATIVE(r_getrandbits) {
  (void)self;
  if (!bi_arg_count(v, "getrandbits", nargs, kw, 1, 1)) return false;
  int64_t k;
  if (!bi_index(v, args[0], &k)) return false;
  if (k < 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "number of bits must be non-negative");
    return false;
  }
  if (k > 64) {
    vm_raise_msg(v, CLS_OVERFLOW_ERROR,
                 "getrandbits() beyond 63 bits: loopviz ints are 64-bit");
    return false;
  }
  uint64_t r = mt_getrandbits(&v->rng, (int)k);
  if (r > (uint64_t)INT64_MAX) {
    vm_raise_msg(v, CLS_OVERFLOW_ERROR, "integer overflow: loopviz ints are 64-bit");
    return false;
  }
  *out = val_int((int64_t)r);
  return true;
}

NATIVE(r_expovariate) {
  (void)self;
  static const char *const names[] = {"lambd"};
  value a[1];
  if (!bi_parse(v, "expovariate", args, nargs, kw, names, 1, 1, 1, a)) return false;
  double l;
  if (!num_arg(v, a[0], &l)) return false;
  if (l == 0.0) {
    vm_raise_msg(v, CLS_ZERO_DIVISION_ERROR, "float division by zero");
    return false;
  }
  *out = val_float(-log(1.0 - mt_random(&v->rng)) / l);
  return true;
}

NATIVE(r_normalvariate) {
  (void)self;
  static const char *const names[] = {"mu", "sigma"};
  value a[2];
  if (!bi_parse(v, "normalvariate", args, nargs, kw, names, 2, 2, 0, a)) return false;
  double mu = 0.0, sigma = 1.0;
  if (a[0].t != VAL_UNDEF && !num_arg(v, a[0], &mu)) return false;
  if (a[1].t != VAL_UNDEF && !num_arg(v, a[1], &sigma)) return false;
  double z;
  for (;;) {
    double u1 = mt_random(&v->rng);
    double u2 = 1.0 - mt_random(&v->rng);
    z = NV_MAGICCONST * (u1 - 0.5) / u2;
    double zz = z * z / 4.0;
    if (zz <= -log(u2)) break;
    if (!vm_check_limits(v)) return false;
  }
  *out = val_float(mu + z * sigma);
  return true;
}

typedef struct fn_def {
  const char *name; /* attribute name */
  native_fn fn;     /* implementation */
} fn_def;

static const fn_def random_fns[] = {
    {"seed", r_seed},           {"random", r_random},
    {"uniform", r_uniform},     {"randint", r_randint},
    {"randrange", r_randrange}, {"choice", r_choice},
    {"choices", r_choices},     {"shuffle", r_shuffle},
    {"sample", r_sample},       {"getrandbits", r_getrandbits},
    {"expovariate", r_expovariate}, {"normalvariate", r_normalvariate},
};

obj_module *bi_module_random(vm *v) {
  obj_module *m = obj_module_new(v, "random");
  if (!m) return NULL;
  for (size_t i = 0; i < sizeof random_fns / sizeof random_fns[0]; i++)
    if (!vm_def_native(v, m->dict, random_fns[i].name, random_fns[i].fn)) return NULL;
  return m;
}
