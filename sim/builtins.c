/* builtins: classes, the builtins namespace, builtin functions and the
 * instantiation protocol (see builtins.h). The methods of str live in
 * bi_str.c, those of the containers and numbers in bi_coll.c. */
#include "builtins.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bi_private.h"
#include "ops.h"
#include "vm.h"

#define SORT_MIN_MERGE 64 /* below this, CPython's timsort is one binary insertion sort */

/* ================================================================ helpers */

bool bi_nomem(vm *v) {
  vm_raise_msg(v, CLS_MEMORY_ERROR, "");
  return false;
}

obj_str *bi_str_from_buf(vm *v, fmt_buf *b) {
  obj_str *s = obj_str_new(v, fmt_buf_str(b), b->len);
  fmt_buf_free(b);
  return s;
}

bool bi_fmt_error(vm *v, fmt_result r, fmt_buf *err) {
  if (r == FMT_NOMEM) {
    fmt_buf_free(err);
    return bi_nomem(v);
  }
  vm_raise_msg(v, r == FMT_OVERFLOW ? CLS_OVERFLOW_ERROR : CLS_VALUE_ERROR, fmt_buf_str(err));
  fmt_buf_free(err);
  return false;
}

bool bi_index(vm *v, value x, int64_t *out) {
  if (x.t == VAL_INT) {
    *out = x.as.i;
    return true;
  }
  if (x.t == VAL_BOOL) {
    *out = x.as.b;
    return true;
  }
  if (bi_is_typed(x)) {
    obj_str *n = obj_str_intern(v, "__index__", 9);
    value r;
    bool found;
    if (!n || !bi_call_dunder(v, x, n, NULL, 0, &r, &found)) return false;
    if (found && (r.t == VAL_INT || r.t == VAL_BOOL)) {
      *out = r.t == VAL_BOOL ? r.as.b : r.as.i;
      return true;
    }
  }
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' object cannot be interpreted as an integer",
            obj_type_name(v, x));
  return false;
}

bool bi_slice_index(vm *v, value x, bool none_ok, int64_t *out) {
  if (x.t == VAL_INT || x.t == VAL_BOOL) {
    *out = x.t == VAL_BOOL ? x.as.b : x.as.i;
    return true;
  }
  vm_raise_msg(v, CLS_TYPE_ERROR,
               none_ok ? "slice indices must be integers or None or have an __index__ method"
                       : "slice indices must be integers or have an __index__ method");
  return false;
}

bool bi_as_double(value x, double *out) {
  switch (x.t) {
  case VAL_INT: *out = (double)x.as.i; return true;
  case VAL_BOOL: *out = x.as.b; return true;
  case VAL_FLOAT: *out = x.as.f; return true;
  default: return false;
  }
}

size_t bi_str_offset(const obj_str *s, int64_t i) {
  if (s->chars == s->len) return (size_t)i;
  size_t off = 0;
  for (int64_t k = 0; k < i && off < s->len; k++) {
    off++;
    while (off < s->len && ((unsigned char)s->data[off] & 0xC0) == 0x80) off++;
  }
  return off;
}

obj_str *bi_str_char_at(vm *v, obj_str *s, int64_t i) {
  size_t off = bi_str_offset(s, i), end = off + 1;
  while (end < s->len && ((unsigned char)s->data[end] & 0xC0) == 0x80) end++;
  return obj_str_new(v, s->data + off, end - off);
}

obj_tuple *bi_tuple2(vm *v, value a, value b) {
  obj_tuple *t = obj_tuple_new(v, 2);
  if (!t) return NULL;
  t->items[0] = a;
  t->items[1] = b;
  return t;
}

bool bi_is_typed(value x) {
  if (x.t != VAL_OBJ) return false;
  obj_kind k = x.as.o->kind;
  return k == OBJ_INSTANCE || k == OBJ_EXCEPTION || k == OBJ_NATIVE_OBJ || k == OBJ_FUTURE ||
         k == OBJ_HANDLE;
}

bool bi_call_dunder(vm *v, value x, obj_str *name, const value *args, int nargs, value *out,
                    bool *found) {
  value m = obj_class_find(v, obj_class_of(v, x), name);
  *found = m.t != VAL_UNDEF;
  if (!*found) return true;
  if (val_is(m, OBJ_NATIVE)) {
    value saved = v->native_data;
    v->native_data = AS_NATIVE(m)->data;
    v->native_depth++;
    bool ok = AS_NATIVE(m)->fn(v, x, args, nargs, NULL, out);
    v->native_depth--;
    v->native_data = saved;
    return ok;
  }
  value buf[8];
  if (nargs > 7) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "too many arguments for a special method");
    return false;
  }
  buf[0] = x;
  for (int i = 0; i < nargs; i++) buf[i + 1] = args[i];
  if (val_is(m, OBJ_FUNCTION)) return vm_call(v, m, buf, nargs + 1, NULL, out);
  /* any other callable stored on the class is called without self */
  return vm_call(v, m, args, nargs, NULL, out);
}

bool bi_raise_args(vm *v, obj_type_slot cls, const value *args, size_t n) {
  obj_exception *e = bi_new_exc(v, v->cls[cls], args, n);
  if (!e) return false;
  vm_raise(v, val_obj(e));
  return false;
}

bool bi_raise_key_error(vm *v, value key) { return bi_raise_args(v, CLS_KEY_ERROR, &key, 1); }

obj_exception *bi_new_exc(vm *v, obj_class *cls, const value *args, size_t n) {
  obj_tuple *t = obj_tuple_new(v, n);
  if (!t) return NULL;
  for (size_t i = 0; i < n; i++) t->items[i] = args[i];
  return obj_exception_new(v, cls, t);
}


/* ---------------------------------------------------------------- arguments */

bool bi_no_kwargs(vm *v, const char *fname, obj_tuple *kwnames) {
  if (kwnames && kwnames->count) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s() takes no keyword arguments", fname);
    return false;
  }
  return true;
}

bool bi_arg_count(vm *v, const char *fname, int nargs, obj_tuple *kwnames, int min, int max) {
  /* a leading '=' selects Argument Clinic's wording ("divmod expected 2
   * arguments, got 1"); otherwise the METH_O / METH_VARARGS wording
   * ("len() takes exactly one argument (2 given)") */
  bool clinic = fname[0] == '=';
  if (clinic) fname++;
  if (!bi_no_kwargs(v, fname, kwnames)) return false;
  if (nargs >= min && (max < 0 || nargs <= max)) return true;
  bool low = nargs < min;
  int bound = low ? min : max;
  if (clinic) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s expected %s%d argument%s, got %d", fname,
              min == max ? "" : low ? "at least " : "at most ", bound, bound == 1 ? "" : "s", nargs);
  } else if (min == max && min == 0) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s() takes no arguments (%d given)", fname, nargs);
  } else if (min == max && min == 1) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s() takes exactly one argument (%d given)", fname, nargs);
  } else {
    vm_raisef(v, CLS_TYPE_ERROR, "%s() takes %s%d argument%s (%d given)", fname,
              min == max ? "exactly " : low ? "at least " : "at most ", bound, bound == 1 ? "" : "s",
              nargs);
  }
  return false;
}

bool bi_parse(vm *v, const char *fname, const value *args, int nargs, obj_tuple *kwnames,
              const char *const *names, int nnames, int npos, int nrequired, value *out) {
  if (npos < 0) npos = nnames;
  for (int i = 0; i < nnames; i++) out[i] = val_undef();
  if (nargs > npos) {
    if (npos == 0)
      vm_raisef(v, CLS_TYPE_ERROR, "%s() takes no positional arguments", fname);
    else
      vm_raisef(v, CLS_TYPE_ERROR, "%s() takes at most %d argument%s (%d given)", fname, npos,
                npos == 1 ? "" : "s", nargs);
    return false;
  }
  for (int i = 0; i < nargs; i++) out[i] = args[i];
  size_t nkw = kwnames ? kwnames->count : 0;
  for (size_t k = 0; k < nkw; k++) {
    obj_str *kn = AS_STR(kwnames->items[k]);
    int j = -1;
    for (int i = 0; i < nnames; i++)
      if (strlen(names[i]) == kn->len && memcmp(names[i], kn->data, kn->len) == 0) j = i;
    if (j < 0) {
      vm_raisef(v, CLS_TYPE_ERROR, "'%s' is an invalid keyword argument for %s()", kn->data,
                fname);
      return false;
    }
    if (out[j].t != VAL_UNDEF) {
      vm_raisef(v, CLS_TYPE_ERROR, "argument for %s() given by name ('%s') and position (%d)",
                fname, kn->data, j + 1);
      return false;
    }
    out[j] = args[nargs + (int)k];
  }
  for (int i = 0; i < nrequired; i++)
    if (out[i].t == VAL_UNDEF) {
      vm_raisef(v, CLS_TYPE_ERROR, "%s() missing required argument '%s' (pos %d)", fname,
                names[i], i + 1);
      return false;
    }
  return true;
}

bool bi_take_self(vm *v, value *self, const value **args, int *nargs, obj_class *cls,
                  const char *mname) {
  if (self->t == VAL_UNDEF) {
    if (*nargs == 0) {
      vm_raisef(v, CLS_TYPE_ERROR, "unbound method %s.%s() needs an argument", cls->name->data,
                mname);
      return false;
    }
    *self = (*args)[0];
    (*args)++;
    (*nargs)--;
  }
  if (!obj_isinstance(v, *self, cls)) {
    vm_raisef(v, CLS_TYPE_ERROR, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
              mname, cls->name->data, obj_type_name(v, *self));
    return false;
  }
  return true;
}

/* ================================================================ sorting */

/* CPython's count_run: length of the run at the start, reversed in place
 * when strictly descending. */
static bool count_run(vm *v, value *items, value *keys, size_t n, size_t *run) {
  value *k = keys ? keys : items;
  if (n < 2) {
    *run = n;
    return true;
  }
  bool lt;
  if (!vm_less(v, k[1], k[0], &lt)) return false;
  size_t r = 2;
  if (lt) {
    for (; r < n; r++) {
      if (!vm_less(v, k[r], k[r - 1], &lt)) return false;
      if (!lt) break;
    }
    for (size_t i = 0, j = r - 1; i < j; i++, j--) {
      value t = items[i];
      items[i] = items[j];
      items[j] = t;
      if (keys) {
        t = keys[i];
        keys[i] = keys[j];
        keys[j] = t;
      }
    }
  } else {
    for (; r < n; r++) {
      if (!vm_less(v, k[r], k[r - 1], &lt)) return false;
      if (lt) break;
    }
  }
  *run = r;
  return true;
}

/* CPython's binarysort: items[0..start) sorted, insert the rest. */
static bool binary_sort(vm *v, value *items, value *keys, size_t n, size_t start) {
  value *k = keys ? keys : items;
  if (start == 0) start = 1;
  for (; start < n; start++) {
    size_t l = 0, r = start;
    value pivot = k[start], pitem = items[start];
    do {
      size_t p = l + ((r - l) >> 1);
      bool lt;
      if (!vm_less(v, pivot, k[p], &lt)) return false;
      if (lt) r = p;
      else l = p + 1;
    } while (l < r);
    for (size_t p = start; p > l; p--) {
      items[p] = items[p - 1];
      if (keys) keys[p] = keys[p - 1];
    }
    items[l] = pitem;
    if (keys) keys[l] = pivot;
  }
  return true;
}

/* Stable top-down merge sort for long lists. */
static bool merge_sort(vm *v, value *items, value *keys, value *ti, value *tk, size_t n) {
  if (n < SORT_MIN_MERGE) {
    size_t run;
    if (!count_run(v, items, keys, n, &run)) return false;
    return binary_sort(v, items, keys, n, run);
  }
  size_t h = n / 2;
  if (!merge_sort(v, items, keys, ti, tk, h)) return false;
  if (!merge_sort(v, items + h, keys ? keys + h : NULL, ti, tk, n - h)) return false;
  memcpy(ti, items, h * sizeof(value));
  if (keys) memcpy(tk, keys, h * sizeof(value));
  size_t i = 0, j = h, w = 0;
  value *k = keys ? keys : items;
  value *lk = keys ? tk : ti;
  while (i < h && j < n) {
    bool lt;
    if (!vm_less(v, k[j], lk[i], &lt)) {
      /* put the saved half back so no item is lost */
      while (i < h) {
        items[w] = ti[i];
        if (keys) keys[w] = tk[i];
        w++;
        i++;
      }
      return false;
    }
    if (lt) {
      items[w] = items[j];
      if (keys) keys[w] = keys[j];
      j++;
    } else {
      items[w] = ti[i];
      if (keys) keys[w] = tk[i];
      i++;
    }
    w++;
  }
  while (i < h) {
    items[w] = ti[i];
    if (keys) keys[w] = tk[i];
    w++;
    i++;
  }
  return true;
}

static void reverse_values(value *a, size_t n) {
  for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
    value t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

bool bi_sort_values(vm *v, value *items, value *keys, size_t n, bool reverse) {
  if (n < 2) return true;
  if (reverse) {
    reverse_values(items, n);
    if (keys) reverse_values(keys, n);
  }
  bool ok;
  if (n < SORT_MIN_MERGE) {
    size_t run;
    ok = count_run(v, items, keys, n, &run) && binary_sort(v, items, keys, n, run);
  } else {
    value *ti = malloc(n * sizeof(value));
    value *tk = keys ? malloc(n * sizeof(value)) : NULL;
    if (!ti || (keys && !tk)) {
      free(ti);
      free(tk);
      return bi_nomem(v);
    }
    ok = merge_sort(v, items, keys, ti, tk, n);
    free(ti);
    free(tk);
  }
  if (reverse) {
    reverse_values(items, n);
    if (keys) reverse_values(keys, n);
  }
  return ok;
}

/* ================================================================ builtin functions */

#define NATIVE(name) static bool name(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out)

NATIVE(f_print) {
  (void)self;
  static const char *const names[] = {"sep", "end", "file", "flush"};
  int npos = nargs;
  value opt[4] = {val_undef(), val_undef(), val_undef(), val_undef()};
  size_t nkw = kw ? kw->count : 0;
  for (size_t k = 0; k < nkw; k++) {
    obj_str *kn = AS_STR(kw->items[k]);
    int j = -1;
    for (int i = 0; i < 4; i++)
      if (strcmp(kn->data, names[i]) == 0) j = i;
    if (j < 0) {
      vm_raisef(v, CLS_TYPE_ERROR, "'%s' is an invalid keyword argument for print()", kn->data);
      return false;
    }
    opt[j] = args[npos + (int)k];
  }
  if (opt[2].t != VAL_UNDEF && opt[2].t != VAL_NONE) {
    vm_raise_msg(v, CLS_SANDBOX_ERROR,
                 "print(file=...) is not supported in loopviz scenarios: output goes to stdout");
    return false;
  }
  const char *sep = " ", *end = "\n";
  size_t sepl = 1, endl = 1;
  for (int i = 0; i < 2; i++) {
    value o = opt[i];
    if (o.t == VAL_UNDEF || o.t == VAL_NONE) continue;
    if (!val_is(o, OBJ_STR)) {
      vm_raisef(v, CLS_TYPE_ERROR, "%s must be None or a string, not %s", names[i],
                obj_type_name(v, o));
      return false;
    }
    if (i == 0) {
      sep = AS_STR(o)->data;
      sepl = AS_STR(o)->len;
    } else {
      end = AS_STR(o)->data;
      endl = AS_STR(o)->len;
    }
  }
  fmt_buf b;
  fmt_buf_init(&b);
  for (int i = 0; i < npos; i++) {
    if (i && fmt_buf_append(&b, sep, sepl) != FMT_OK) goto nomem;
    if (!vm_str(v, args[i], &b)) {
      fmt_buf_free(&b);
      return false;
    }
  }
  if (fmt_buf_append(&b, end, endl) != FMT_OK) goto nomem;
  vm_write_out(v, fmt_buf_str(&b), b.len);
  fmt_buf_free(&b);
  *out = val_none();
  return true;
nomem:
  fmt_buf_free(&b);
  return bi_nomem(v);
}

NATIVE(f_len) {
  (void)self;
  if (!bi_arg_count(v, "len", nargs, kw, 1, 1)) return false;
  int64_t n;
  if (!vm_len(v, args[0], &n)) return false;
  *out = val_int(n);
  return true;
}

NATIVE(f_repr) {
  (void)self;
  if (!bi_arg_count(v, "repr", nargs, kw, 1, 1)) return false;
  obj_str *s = vm_repr_str(v, args[0]);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(f_ascii) {
  (void)self;
  if (!bi_arg_count(v, "ascii", nargs, kw, 1, 1)) return false;
  obj_str *s = vm_repr_str(v, args[0]);
  if (!s) return false;
  fmt_buf b;
  fmt_buf_init(&b);
  for (size_t i = 0; i < s->len;) {
    unsigned char c = (unsigned char)s->data[i];
    if (c < 0x80) {
      if (fmt_buf_appendc(&b, (char)c) != FMT_OK) goto nomem;
      i++;
      continue;
    }
    uint32_t cp;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    cp = c & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
    for (size_t k = 1; k < n && i + k < s->len; k++) cp = (cp << 6) | (s->data[i + k] & 0x3F);
    i += n;
    fmt_result r = cp <= 0xFF     ? fmt_buf_appendf(&b, "\\x%02x", cp)
                   : cp <= 0xFFFF ? fmt_buf_appendf(&b, "\\u%04x", cp)
                                  : fmt_buf_appendf(&b, "\\U%08x", cp);
    if (r != FMT_OK) goto nomem;
  }
  {
    obj_str *r = bi_str_from_buf(v, &b);
    if (!r) return false;
    *out = val_obj(r);
  }
  return true;
nomem:
  fmt_buf_free(&b);
  return bi_nomem(v);
}

NATIVE(f_format) {
  (void)self;
  if (!bi_arg_count(v, "=format", nargs, kw, 1, 2)) return false;
  if (nargs == 2 && !val_is(args[1], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "format() argument 2 must be str, not %s",
              args[1].t == VAL_NONE ? "None" : obj_type_name(v, args[1]));
    return false;
  }
  fmt_buf b;
  fmt_buf_init(&b);
  if (!vm_format(v, args[0], nargs == 2 ? AS_STR(args[1]) : NULL, &b)) {
    fmt_buf_free(&b);
    return false;
  }
  obj_str *s = bi_str_from_buf(v, &b);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

static bool class_or_tuple_check(vm *v, value x, obj_class *c, value spec, bool *out,
                                 const char *fname, int depth) {
  if (!c && strcmp(fname, "issubclass") == 0 && !val_is(spec, OBJ_TUPLE) && !val_is(x, OBJ_CLASS)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "issubclass() arg 1 must be a class");
    return false;
  }
  if (val_is(spec, OBJ_CLASS)) {
    obj_class *k = AS_CLASS(spec);
    if (!c && strcmp(fname, "issubclass") == 0) {
      /* issubclass: arg 1 is checked against each class, as CPython does */
      if (!val_is(x, OBJ_CLASS)) {
        vm_raise_msg(v, CLS_TYPE_ERROR, "issubclass() arg 1 must be a class");
        return false;
      }
      c = AS_CLASS(x);
      x = val_undef();
    }
    *out = x.t == VAL_UNDEF ? obj_class_is_sub(c, k) : obj_isinstance(v, x, k);
    if (!*out && k == v->cls[CLS_BASE_EXCEPTION_GROUP]) {
      obj_class *xc = x.t == VAL_UNDEF ? c : obj_class_of(v, x);
      *out = obj_class_is_sub(xc, v->cls[CLS_EXCEPTION_GROUP]);
    }
    return true;
  }
  if (val_is(spec, OBJ_TUPLE) && depth < 50) {
    obj_tuple *t = AS_TUPLE(spec);
    for (size_t i = 0; i < t->count; i++) {
      if (!class_or_tuple_check(v, x, c, t->items[i], out, fname, depth + 1)) return false;
      if (*out) return true;
    }
    *out = false;
    return true;
  }
  if (strcmp(fname, "issubclass") == 0)
    vm_raise_msg(v, CLS_TYPE_ERROR, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
  else
    vm_raisef(v, CLS_TYPE_ERROR, "%s() arg 2 must be a type, a tuple of types, or a union", fname);
  return false;
}

NATIVE(f_isinstance) {
  (void)self;
  if (!bi_arg_count(v, "=isinstance", nargs, kw, 2, 2)) return false;
  bool r;
  if (!class_or_tuple_check(v, args[0], NULL, args[1], &r, "isinstance", 0)) return false;
  *out = val_bool(r);
  return true;
}

NATIVE(f_issubclass) {
  (void)self;
  if (!bi_arg_count(v, "=issubclass", nargs, kw, 2, 2)) return false;
  bool r;
  if (!class_or_tuple_check(v, args[0], NULL, args[1], &r, "issubclass", 0)) return false;
  *out = val_bool(r);
  return true;
}

static bool iterate(vm *v, value iterable, bool (*each)(vm *, value, void *, bool *), void *ctx) {
  value it;
  if (!vm_iter(v, iterable, &it)) return false;
  for (;;) {
    value x;
    bool done, stop = false;
    if (!vm_next(v, it, &x, &done)) return false;
    if (done) return true;
    if (!each(v, x, ctx, &stop)) return false;
    if (stop) return true;
    if (!vm_check_limits(v)) return false;
  }
}

typedef struct sum_ctx {
  value acc; /* running total */
} sum_ctx;

static bool sum_each(vm *v, value x, void *ctx, bool *stop) {
  (void)stop;
  sum_ctx *c = ctx;
  return ops_binary(v, OPS_ADD, c->acc, x, false, &c->acc);
}

NATIVE(f_sum) {
  (void)self;
  static const char *const names[] = {"iterable", "start"};
  value a[2];
  if (nargs == 0) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "sum() takes at least 1 positional argument (0 given)");
    return false;
  }
  if (!bi_parse(v, "sum", args, nargs, kw, names, 2, 2, 1, a)) return false;
  sum_ctx c = {a[1].t == VAL_UNDEF ? val_int(0) : a[1]};
  value probe;
  if (!vm_iter(v, a[0], &probe)) return false; /* CPython checks the iterable first */
  a[0] = probe;
  if (val_is(c.acc, OBJ_STR)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "sum() can't sum strings [use ''.join(seq) instead]");
    return false;
  }
  if (!iterate(v, a[0], sum_each, &c)) return false;
  *out = c.acc;
  return true;
}

typedef struct minmax_ctx {
  value best;     /* best item so far, VAL_UNDEF before the first */
  value best_key; /* its key */
  value key;      /* key function or None */
  ops_cmpop op;   /* OPS_LT for min, OPS_GT for max */
} minmax_ctx;

static bool minmax_each(vm *v, value x, void *ctx, bool *stop) {
  (void)stop;
  minmax_ctx *c = ctx;
  value k = x;
  if (c->key.t != VAL_NONE && c->key.t != VAL_UNDEF && !vm_call(v, c->key, &x, 1, NULL, &k))
    return false;
  if (c->best.t == VAL_UNDEF) {
    c->best = x;
    c->best_key = k;
    return true;
  }
  value r;
  bool t;
  if (!ops_compare(v, c->op, k, c->best_key, &r) || !obj_truthy(v, r, &t)) return false;
  if (t) {
    c->best = x;
    c->best_key = k;
  }
  return true;
}

static bool minmax(vm *v, const char *fname, ops_cmpop op, const value *args, int nargs,
                   obj_tuple *kw, value *out) {
  value key = val_none(), dflt = val_undef();
  size_t nkw = kw ? kw->count : 0;
  for (size_t k = 0; k < nkw; k++) {
    obj_str *kn = AS_STR(kw->items[k]);
    if (strcmp(kn->data, "key") == 0) key = args[nargs + (int)k];
    else if (strcmp(kn->data, "default") == 0) dflt = args[nargs + (int)k];
    else {
      vm_raisef(v, CLS_TYPE_ERROR, "'%s' is an invalid keyword argument for %s()", kn->data,
                fname);
      return false;
    }
  }
  if (nargs == 0) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s expected at least 1 argument, got 0", fname);
    return false;
  }
  minmax_ctx c = {val_undef(), val_undef(), key, op};
  if (nargs == 1) {
    if (!iterate(v, args[0], minmax_each, &c)) return false;
  } else {
    if (dflt.t != VAL_UNDEF) {
      vm_raisef(v, CLS_TYPE_ERROR,
                "Cannot specify a default for %s() with multiple positional arguments", fname);
      return false;
    }
    for (int i = 0; i < nargs; i++) {
      bool stop = false;
      if (!minmax_each(v, args[i], &c, &stop)) return false;
    }
  }
  if (c.best.t == VAL_UNDEF) {
    if (dflt.t != VAL_UNDEF) {
      *out = dflt;
      return true;
    }
    vm_raisef(v, CLS_VALUE_ERROR, "%s() arg is an empty sequence", fname);
    return false;
  }
  *out = c.best;
  return true;
}

NATIVE(f_min) {
  (void)self;
  return minmax(v, "min", OPS_LT, args, nargs, kw, out);
}

NATIVE(f_max) {
  (void)self;
  return minmax(v, "max", OPS_GT, args, nargs, kw, out);
}

/* list.sort's work, shared with sorted(). */
static bool sort_list(vm *v, obj_list *l, value key, value reverse) {
  bool rev = false;
  if (reverse.t != VAL_UNDEF && !obj_truthy(v, reverse, &rev)) return false;
  size_t n = l->count;
  value *keys = NULL;
  obj_list *keylist = NULL;
  if (key.t != VAL_UNDEF && key.t != VAL_NONE) {
    keylist = obj_list_new(v, n);
    if (!keylist) return false;
    for (size_t i = 0; i < n && i < l->count; i++) {
      if (!vm_call(v, key, &l->items[i], 1, NULL, &keylist->items[i])) return false;
      keylist->count++;
    }
    keys = keylist->items;
  }
  /* sort a private copy so a failing comparison leaves l whole */
  obj_list *work = obj_list_new(v, n);
  if (!work) return false;
  if (n) memcpy(work->items, l->items, n * sizeof(value));
  work->count = n;
  bool ok = bi_sort_values(v, work->items, keys, n, rev);
  if (n && l->count == n) memcpy(l->items, work->items, n * sizeof(value));
  if (!ok) return false;
  if (l->count != n) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "list modified during sort");
    return false;
  }
  return true;
}

bool bi_list_sort(vm *v, obj_list *l, value key, value reverse) {
  return sort_list(v, l, key, reverse);
}

NATIVE(f_sorted) {
  (void)self;
  static const char *const names[] = {"iterable", "key", "reverse"};
  value a[3];
  if (nargs > 1) {
    vm_raisef(v, CLS_TYPE_ERROR, "sorted expected 1 argument, got %d", nargs);
    return false;
  }
  if (!bi_parse(v, "sort", args, nargs, kw, names, 3, 1, 0, a)) return false;
  if (a[0].t == VAL_UNDEF) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "sorted expected 1 argument, got 0");
    return false;
  }
  obj_list *l = vm_to_list(v, a[0]);
  if (!l || !sort_list(v, l, a[1], a[2])) return false;
  *out = val_obj(l);
  return true;
}

NATIVE(f_abs) {
  (void)self;
  if (!bi_arg_count(v, "abs", nargs, kw, 1, 1)) return false;
  value x = args[0];
  if (x.t == VAL_INT || x.t == VAL_BOOL) {
    int64_t i = x.t == VAL_BOOL ? x.as.b : x.as.i;
    if (i == INT64_MIN) {
      ops_raise_overflow(v);
      return false;
    }
    *out = val_int(i < 0 ? -i : i);
    return true;
  }
  if (x.t == VAL_FLOAT) {
    *out = val_float(fabs(x.as.f));
    return true;
  }
  bool found;
  obj_str *n = obj_str_intern(v, "__abs__", 7);
  if (!n) return false;
  if (bi_is_typed(x)) {
    if (!bi_call_dunder(v, x, n, NULL, 0, out, &found)) return false;
    if (found) return true;
  }
  vm_raisef(v, CLS_TYPE_ERROR, "bad operand type for abs(): '%s'", obj_type_name(v, x));
  return false;
}

static bool round_int(vm *v, int64_t x, int64_t nd, value *out) {
  if (nd >= 0) {
    *out = val_int(x);
    return true;
  }
  if (nd < -18) {
    *out = val_int(0);
    return true;
  }
  int64_t p = 1;
  for (int64_t i = 0; i < -nd; i++) p *= 10;
  int64_t q = x / p, r = x % p;
  if (r < 0) {
    r += p;
    q--;
  }
  /* half to even */
  if (r * 2 > p || (r * 2 == p && (q & 1))) q++;
  int64_t res;
  if (__builtin_mul_overflow(q, p, &res)) {
    ops_raise_overflow(v);
    return false;
  }
  *out = val_int(res);
  return true;
}

static bool float_to_int(vm *v, double d, value *out) {
  if (isinf(d)) {
    vm_raise_msg(v, CLS_OVERFLOW_ERROR, "cannot convert float infinity to integer");
    return false;
  }
  if (isnan(d)) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "cannot convert float NaN to integer");
    return false;
  }
  double t = trunc(d);
  if (t >= 9223372036854775808.0 || t < -9223372036854775808.0) {
    ops_raise_overflow(v);
    return false;
  }
  *out = val_int((int64_t)t);
  return true;
}

NATIVE(f_round) {
  (void)self;
  static const char *const names[] = {"number", "ndigits"};
  value a[2];
  if (!bi_parse(v, "round", args, nargs, kw, names, 2, 2, 1, a)) return false;
  value x = a[0], nd = a[1];
  bool has_nd = nd.t != VAL_UNDEF && nd.t != VAL_NONE;
  int64_t n = 0;
  if (x.t != VAL_INT && x.t != VAL_BOOL && x.t != VAL_FLOAT && !bi_is_typed(x)) {
    /* CPython looks for x's __round__ before it reads ndigits */
    vm_raisef(v, CLS_TYPE_ERROR, "type %s doesn't define __round__ method", obj_type_name(v, x));
    return false;
  }
  if (has_nd && x.t != VAL_OBJ && !bi_index(v, nd, &n)) return false;
  if (x.t == VAL_INT || x.t == VAL_BOOL) {
    int64_t i = x.t == VAL_BOOL ? x.as.b : x.as.i;
    if (!has_nd) {
      *out = val_int(i);
      return true;
    }
    return round_int(v, i, n, out);
  }
  if (x.t == VAL_FLOAT) {
    if (!has_nd) return float_to_int(v, fmt_round_half_even(x.as.f), out);
    double r;
    fmt_buf err;
    fmt_buf_init(&err);
    fmt_result fr = fmt_round_double(x.as.f, n, &r, &err);
    if (fr != FMT_OK) return bi_fmt_error(v, fr, &err);
    fmt_buf_free(&err);
    *out = val_float(r);
    return true;
  }
  if (bi_is_typed(x)) {
    obj_str *m = obj_str_intern(v, "__round__", 9);
    bool found;
    if (!m) return false;
    if (!bi_call_dunder(v, x, m, has_nd ? &nd : NULL, has_nd ? 1 : 0, out, &found)) return false;
    if (found) return true;
  }
  vm_raisef(v, CLS_TYPE_ERROR, "type %s doesn't define __round__ method", obj_type_name(v, x));
  return false;
}

static bool anyall(vm *v, const char *fname, bool want, const value *args, int nargs,
                   obj_tuple *kw, value *out) {
  if (!bi_arg_count(v, fname, nargs, kw, 1, 1)) return false;
  value it;
  if (!vm_iter(v, args[0], &it)) return false;
  for (;;) {
    value x;
    bool done, t;
    if (!vm_next(v, it, &x, &done)) return false;
    if (done) break;
    if (!obj_truthy(v, x, &t)) return false;
    if (t == want) {
      *out = val_bool(want);
      return true;
    }
    if (!vm_check_limits(v)) return false;
  }
  *out = val_bool(!want);
  return true;
}

NATIVE(f_any) {
  (void)self;
  return anyall(v, "any", true, args, nargs, kw, out);
}

NATIVE(f_all) {
  (void)self;
  return anyall(v, "all", false, args, nargs, kw, out);
}

NATIVE(f_iter) {
  (void)self;
  if (!bi_arg_count(v, "=iter", nargs, kw, 1, 2)) return false;
  if (nargs == 1) return vm_iter(v, args[0], out);
  value c;
  bool callable = val_is(args[0], OBJ_FUNCTION) || val_is(args[0], OBJ_NATIVE) ||
                  val_is(args[0], OBJ_BOUND) || val_is(args[0], OBJ_CLASS);
  if (!callable && bi_is_typed(args[0]))
    callable = obj_class_lookup(obj_class_of(v, args[0]), v->s_call).t != VAL_UNDEF;
  if (!callable) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "iter(v, w): v must be callable");
    return false;
  }
  obj_iter *it = obj_iter_new(v, ITER_CALL, args[0]);
  if (!it) return false;
  it->aux = args[1];
  c = val_obj(it);
  *out = c;
  return true;
}

NATIVE(f_next) {
  (void)self;
  if (!bi_arg_count(v, "=next", nargs, kw, 1, 2)) return false;
  value it = args[0];
  bool is_iter = val_is(it, OBJ_ITER) || (val_is(it, OBJ_CORO) &&
                                          ((obj_coro *)it.as.o)->ck == CORO_GENERATOR);
  if (val_is(it, OBJ_ITER)) {
    iter_kind k = AS_ITER(it)->ik;
    if (k == ITER_VIEW_KEYS || k == ITER_VIEW_VALUES || k == ITER_VIEW_ITEMS) is_iter = false;
  }
  if (!is_iter && bi_is_typed(it))
    is_iter = obj_class_lookup(obj_class_of(v, it), v->s_next).t != VAL_UNDEF;
  if (!is_iter) {
    vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not an iterator", obj_type_name(v, it));
    return false;
  }
  bool done;
  if (!vm_next(v, it, out, &done)) return false;
  if (!done) return true;
  if (nargs == 2) {
    *out = args[1];
    return true;
  }
  /* a generator's return value travels in StopIteration.value */
  bool has_value = val_is(it, OBJ_CORO) && out->t != VAL_NONE && out->t != VAL_UNDEF;
  return bi_raise_args(v, CLS_STOP_ITERATION, out, has_value ? 1 : 0);
}

NATIVE(f_hash) {
  (void)self;
  if (!bi_arg_count(v, "hash", nargs, kw, 1, 1)) return false;
  uint64_t h;
  if (!obj_hash(v, args[0], &h)) return false;
  *out = val_int((int64_t)h);
  return true;
}

NATIVE(f_id) {
  (void)self;
  if (!bi_arg_count(v, "id", nargs, kw, 1, 1)) return false;
  *out = val_int((int64_t)obj_addr(v, args[0]));
  return true;
}

NATIVE(f_chr) {
  (void)self;
  if (!bi_arg_count(v, "chr", nargs, kw, 1, 1)) return false;
  int64_t i;
  if (!bi_index(v, args[0], &i)) return false;
  if (i > INT32_MAX || i < INT32_MIN) {
    vm_raise_msg(v, CLS_OVERFLOW_ERROR, "Python int too large to convert to C int");
    return false;
  }
  if (i < 0 || i > 0x10FFFF) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "chr() arg not in range(0x110000)");
    return false;
  }
  fmt_buf b;
  fmt_buf_init(&b);
  if (fmt_buf_append_cp(&b, (uint32_t)i) != FMT_OK) {
    fmt_buf_free(&b);
    return bi_nomem(v);
  }
  obj_str *s = bi_str_from_buf(v, &b);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(f_ord) {
  (void)self;
  if (!bi_arg_count(v, "ord", nargs, kw, 1, 1)) return false;
  if (!val_is(args[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "ord() expected string of length 1, but %s found",
              obj_type_name(v, args[0]));
    return false;
  }
  obj_str *s = AS_STR(args[0]);
  if (s->chars != 1) {
    vm_raisef(v, CLS_TYPE_ERROR, "ord() expected a character, but string of length %zu found",
              s->chars);
    return false;
  }
  const unsigned char *p = (const unsigned char *)s->data;
  uint32_t cp = p[0];
  if (cp >= 0x80 && s->len > 1) {
    size_t n = s->len;
    cp = p[0] & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
    for (size_t k = 1; k < n; k++) cp = (cp << 6) | (p[k] & 0x3F);
  }
  *out = val_int(cp);
  return true;
}

NATIVE(f_divmod) {
  (void)self;
  if (!bi_arg_count(v, "=divmod", nargs, kw, 2, 2)) return false;
  return ops_divmod(v, args[0], args[1], out);
}

NATIVE(f_pow) {
  (void)self;
  static const char *const names[] = {"base", "exp", "mod"};
  value a[3];
  if (!bi_parse(v, "pow", args, nargs, kw, names, 3, 3, 2, a)) return false;
  if (a[2].t == VAL_UNDEF || a[2].t == VAL_NONE) return ops_binary(v, OPS_POW, a[0], a[1], false, out);
  return ops_pow_mod(v, a[0], a[1], a[2], out);
}

static bool int_radix(vm *v, const char *fname, int base, const value *args, int nargs,
                      obj_tuple *kw, value *out) {
  if (!bi_arg_count(v, fname, nargs, kw, 1, 1)) return false;
  int64_t i;
  if (!bi_index(v, args[0], &i)) return false;
  char buf[80];
  int k = 0;
  uint64_t m = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  char tmp[70];
  int nd = 0;
  do {
    tmp[nd++] = "0123456789abcdef"[m % (uint64_t)base];
    m /= (uint64_t)base;
  } while (m);
  if (i < 0) buf[k++] = '-';
  buf[k++] = '0';
  buf[k++] = base == 16 ? 'x' : base == 8 ? 'o' : 'b';
  while (nd) buf[k++] = tmp[--nd];
  obj_str *s = obj_str_new(v, buf, (size_t)k);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(f_hex) {
  (void)self;
  return int_radix(v, "hex", 16, args, nargs, kw, out);
}
NATIVE(f_oct) {
  (void)self;
  return int_radix(v, "oct", 8, args, nargs, kw, out);
}
NATIVE(f_bin) {
  (void)self;
  return int_radix(v, "bin", 2, args, nargs, kw, out);
}

NATIVE(f_callable) {
  (void)self;
  if (!bi_arg_count(v, "callable", nargs, kw, 1, 1)) return false;
  value x = args[0];
  bool r = val_is(x, OBJ_FUNCTION) || val_is(x, OBJ_NATIVE) || val_is(x, OBJ_BOUND) ||
           val_is(x, OBJ_CLASS);
  if (!r && bi_is_typed(x)) r = obj_class_lookup(obj_class_of(v, x), v->s_call).t != VAL_UNDEF;
  *out = val_bool(r);
  return true;
}

static bool attr_name(vm *v, const char *fname, value n, obj_str **out) {
  if (!val_is(n, OBJ_STR)) {
    (void)fname;
    vm_raisef(v, CLS_TYPE_ERROR, "attribute name must be string, not '%s'", obj_type_name(v, n));
    return false;
  }
  *out = obj_str_intern(v, AS_STR(n)->data, AS_STR(n)->len);
  return *out != NULL;
}

NATIVE(f_getattr) {
  (void)self;
  if (!bi_arg_count(v, "=getattr", nargs, kw, 2, 3)) return false;
  obj_str *n;
  if (!attr_name(v, "getattr", args[1], &n)) return false;
  if (nargs == 2) return vm_getattr(v, args[0], n, out);
  if (vm_getattr(v, args[0], n, out)) return true;
  if (!vm_exc_matches(v, CLS_ATTRIBUTE_ERROR)) return false;
  v->exc = val_undef();
  *out = args[2];
  return true;
}

NATIVE(f_setattr) {
  (void)self;
  if (!bi_arg_count(v, "=setattr", nargs, kw, 3, 3)) return false;
  obj_str *n;
  if (!attr_name(v, "setattr", args[1], &n) || !vm_setattr(v, args[0], n, args[2])) return false;
  *out = val_none();
  return true;
}

NATIVE(f_delattr) {
  (void)self;
  if (!bi_arg_count(v, "=delattr", nargs, kw, 2, 2)) return false;
  obj_str *n;
  if (!attr_name(v, "delattr", args[1], &n) || !vm_delattr(v, args[0], n)) return false;
  *out = val_none();
  return true;
}

NATIVE(f_hasattr) {
  (void)self;
  if (!bi_arg_count(v, "=hasattr", nargs, kw, 2, 2)) return false;
  obj_str *n;
  if (!attr_name(v, "hasattr", args[1], &n)) return false;
  value x;
  if (vm_getattr(v, args[0], n, &x)) {
    *out = val_bool(true);
    return true;
  }
  if (!vm_exc_matches(v, CLS_ATTRIBUTE_ERROR)) return false;
  v->exc = val_undef();
  *out = val_bool(false);
  return true;
}

NATIVE(f_refused) {
  (void)self;
  (void)args;
  (void)nargs;
  (void)kw;
  (void)out;
  const char *name = val_is(v->native_data, OBJ_STR) ? AS_STR(v->native_data)->data : "this";
  vm_raisef(v, CLS_SANDBOX_ERROR, "%s() is not available in loopviz scenarios", name);
  return false;
}

/* ================================================================ constructors */

static obj_class *new_cls(value self) { return AS_CLASS(self); }

NATIVE(new_object) {
  if (self.t == VAL_UNDEF && nargs > 0) {
    /* object.__new__(cls) written out */
    self = args[0];
    args++;
    nargs--;
  }
  if (!val_is(self, OBJ_CLASS)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "object.__new__(X): X is not a type object");
    return false;
  }
  (void)args;
  (void)nargs;
  (void)kw;
  obj_class *c = new_cls(self);
  if (c->flavor == FLAVOR_EXCEPTION) {
    obj_exception *e = obj_exception_new(v, c, NULL);
    if (!e) return false;
    *out = val_obj(e);
    return true;
  }
  if (c->flavor == FLAVOR_BUILTIN) {
    vm_raisef(v, CLS_TYPE_ERROR, "object.__new__(%s) is not safe, use %s.__new__()",
              c->name->data, c->name->data);
    return false;
  }
  obj_instance *o = obj_instance_new(v, c);
  if (!o) return false;
  *out = val_obj(o);
  return true;
}

NATIVE(init_object) {
  if (self.t == VAL_UNDEF && nargs > 0) {
    /* object.__init__(self) written out */
    self = args[0];
    args++;
    nargs--;
  }
  (void)args;
  if (nargs > 0 || (kw && kw->count)) {
    vm_raise_msg(v, CLS_TYPE_ERROR,
                 "object.__init__() takes exactly one argument (the instance to initialize)");
    return false;
  }
  *out = val_none();
  return true;
}

NATIVE(object_repr) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_OBJECT], "__repr__")) return false;
  if (!bi_arg_count(v, "object.__repr__", nargs, kw, 0, 0)) return false;
  obj_str *s;
  if (val_is(self, OBJ_EXCEPTION)) {
    s = vm_repr_str(v, self);
  } else {
    fmt_buf b;
    fmt_buf_init(&b);
    obj_class *c = obj_class_of(v, self);
    fmt_result r = fmt_buf_appendc(&b, '<');
    if (r == FMT_OK && strcmp(c->module->data, "builtins") != 0)
      r = fmt_buf_appendf(&b, "%s.", c->module->data);
    if (r == FMT_OK)
      r = fmt_buf_appendf(&b, "%s object at 0x%" PRIx64 ">", c->qualname->data, obj_addr(v, self));
    if (r != FMT_OK) {
      fmt_buf_free(&b);
      return bi_nomem(v);
    }
    s = bi_str_from_buf(v, &b);
  }
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(object_str) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_OBJECT], "__str__")) return false;
  if (!bi_arg_count(v, "object.__str__", nargs, kw, 0, 0)) return false;
  obj_str *s = vm_repr_str(v, self);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(new_type) {
  (void)self;
  if (nargs == 1 && !(kw && kw->count)) {
    *out = val_obj(obj_class_of(v, args[0]));
    return true;
  }
  if (nargs == 3) {
    vm_raise_msg(v, CLS_SANDBOX_ERROR,
                 "type(name, bases, dict) is not supported in loopviz scenarios: use a class "
                 "statement");
    return false;
  }
  vm_raise_msg(v, CLS_TYPE_ERROR, "type() takes 1 or 3 arguments");
  return false;
}

NATIVE(new_none) {
  (void)self;
  (void)args;
  if (!bi_arg_count(v, "NoneType", nargs, kw, 0, 0)) return false;
  *out = val_none();
  return true;
}

NATIVE(new_bool) {
  (void)self;
  if (!bi_arg_count(v, "=bool", nargs, kw, 0, 1)) return false;
  bool t = false;
  if (nargs == 1 && !obj_truthy(v, args[0], &t)) return false;
  *out = val_bool(t);
  return true;
}

static bool parse_int_text(vm *v, const char *s, size_t len, int64_t base, value *out) {
  int64_t r;
  fmt_parse_result pr = fmt_parse_int(s, len, (int)base, &r);
  if (pr == FMT_PARSE_OK) {
    *out = val_int(r);
    return true;
  }
  if (pr == FMT_PARSE_OVERFLOW) {
    ops_raise_overflow(v);
    return false;
  }
  fmt_buf b;
  fmt_buf_init(&b);
  if (fmt_parse_int_message(&b, pr, s, len, (int)base) != FMT_OK) {
    fmt_buf_free(&b);
    return bi_nomem(v);
  }
  vm_raise_msg(v, CLS_VALUE_ERROR, fmt_buf_str(&b));
  fmt_buf_free(&b);
  return false;
}

NATIVE(new_int) {
  (void)self;
  static const char *const names[] = {"x", "base"};
  value a[2];
  /* x is positional-only */
  for (size_t k = 0; kw && k < kw->count; k++)
    if (strcmp(AS_STR(kw->items[k])->data, "base") != 0) {
      vm_raisef(v, CLS_TYPE_ERROR, "'%s' is an invalid keyword argument for int()",
                AS_STR(kw->items[k])->data);
      return false;
    }
  if (!bi_parse(v, "int", args, nargs, kw, names, 2, 2, 0, a)) return false;
  value x = a[0];
  if (a[1].t != VAL_UNDEF) {
    int64_t base;
    if (!bi_index(v, a[1], &base)) return false;
    if (x.t == VAL_UNDEF) {
      vm_raise_msg(v, CLS_TYPE_ERROR, "int() missing string argument");
      return false;
    }
    if (base != 0 && (base < 2 || base > 36)) {
      vm_raise_msg(v, CLS_VALUE_ERROR, "int() base must be >= 2 and <= 36, or 0");
      return false;
    }
    if (!val_is(x, OBJ_STR)) {
      vm_raise_msg(v, CLS_TYPE_ERROR, "int() can't convert non-string with explicit base");
      return false;
    }
    return parse_int_text(v, AS_STR(x)->data, AS_STR(x)->len, base, out);
  }
  switch (x.t) {
  case VAL_UNDEF: *out = val_int(0); return true;
  case VAL_INT: *out = x; return true;
  case VAL_BOOL: *out = val_int(x.as.b); return true;
  case VAL_FLOAT: return float_to_int(v, x.as.f, out);
  default: break;
  }
  if (val_is(x, OBJ_STR)) return parse_int_text(v, AS_STR(x)->data, AS_STR(x)->len, 10, out);
  if (bi_is_typed(x)) {
    static const char *const hooks[] = {"__int__", "__index__", "__trunc__"};
    for (int i = 0; i < 3; i++) {
      obj_str *n = obj_str_intern(v, hooks[i], strlen(hooks[i]));
      bool found;
      if (!n || !bi_call_dunder(v, x, n, NULL, 0, out, &found)) return false;
      if (found) {
        if (out->t == VAL_BOOL) *out = val_int(out->as.b);
        if (out->t != VAL_INT) {
          vm_raisef(v, CLS_TYPE_ERROR, "%s returned non-int (type %s)", hooks[i],
                    obj_type_name(v, *out));
          return false;
        }
        return true;
      }
    }
  }
  vm_raisef(v, CLS_TYPE_ERROR,
            "int() argument must be a string, a bytes-like object or a real number, not '%s'",
            obj_type_name(v, x));
  return false;
}

NATIVE(new_float) {
  (void)self;
  if (!bi_arg_count(v, "=float", nargs, kw, 0, 1)) return false;
  if (nargs == 0) {
    *out = val_float(0.0);
    return true;
  }
  value x = args[0];
  double d;
  if (bi_as_double(x, &d)) {
    *out = val_float(d);
    return true;
  }
  if (val_is(x, OBJ_STR)) {
    fmt_parse_result pr = fmt_parse_float(AS_STR(x)->data, AS_STR(x)->len, &d);
    if (pr == FMT_PARSE_OK) {
      *out = val_float(d);
      return true;
    }
    fmt_buf b;
    fmt_buf_init(&b);
    if (fmt_parse_float_message(&b, AS_STR(x)->data, AS_STR(x)->len) != FMT_OK) {
      fmt_buf_free(&b);
      return bi_nomem(v);
    }
    vm_raise_msg(v, CLS_VALUE_ERROR, fmt_buf_str(&b));
    fmt_buf_free(&b);
    return false;
  }
  if (bi_is_typed(x)) {
    obj_str *n = obj_str_intern(v, "__float__", 9);
    bool found;
    if (!n || !bi_call_dunder(v, x, n, NULL, 0, out, &found)) return false;
    if (found) {
      if (out->t != VAL_FLOAT) {
        vm_raisef(v, CLS_TYPE_ERROR, "%s.__float__ returned non-float (type %s)",
                  obj_type_name(v, x), obj_type_name(v, *out));
        return false;
      }
      return true;
    }
  }
  vm_raisef(v, CLS_TYPE_ERROR, "float() argument must be a string or a real number, not '%s'",
            obj_type_name(v, x));
  return false;
}

NATIVE(new_str) {
  (void)self;
  static const char *const names[] = {"object", "encoding", "errors"};
  value a[3];
  if (!bi_parse(v, "str", args, nargs, kw, names, 3, 3, 0, a)) return false;
  for (int i = 1; i < 3; i++)
    if (a[i].t != VAL_UNDEF && !val_is(a[i], OBJ_STR)) {
      vm_raisef(v, CLS_TYPE_ERROR, "str() argument '%s' must be str, not %s", names[i],
                a[i].t == VAL_NONE ? "None" : obj_type_name(v, a[i]));
      return false;
    }
  if (a[1].t != VAL_UNDEF || a[2].t != VAL_UNDEF) {
    /* CPython decodes bytes here; scenarios have none */
    if (val_is(a[0], OBJ_STR) || a[0].t == VAL_UNDEF)
      vm_raise_msg(v, CLS_TYPE_ERROR, "decoding str is not supported");
    else
      vm_raisef(v, CLS_TYPE_ERROR, "decoding to str: need a bytes-like object, %s found",
                obj_type_name(v, a[0]));
    return false;
  }
  if (a[0].t == VAL_UNDEF) {
    obj_str *s = obj_str_new(v, "", 0);
    if (!s) return false;
    *out = val_obj(s);
    return true;
  }
  obj_str *s = vm_str_str(v, a[0]);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(new_list) {
  (void)self;
  if (!bi_arg_count(v, "=list", nargs, kw, 0, 1)) return false;
  obj_list *l = nargs ? vm_to_list(v, args[0]) : obj_list_new(v, 0);
  if (!l) return false;
  *out = val_obj(l);
  return true;
}

NATIVE(new_tuple) {
  (void)self;
  if (!bi_arg_count(v, "=tuple", nargs, kw, 0, 1)) return false;
  if (nargs && val_is(args[0], OBJ_TUPLE)) {
    *out = args[0];
    return true;
  }
  obj_list *l = nargs ? vm_to_list(v, args[0]) : obj_list_new(v, 0);
  if (!l) return false;
  obj_tuple *t = obj_tuple_new(v, l->count);
  if (!t) return false;
  if (l->count) memcpy(t->items, l->items, l->count * sizeof(value));
  *out = val_obj(t);
  return true;
}

/* dict.update's argument handling, shared with dict(). */
bool bi_dict_update(vm *v, obj_dict *d, value src, const value *kwvals, obj_tuple *kw) {
  if (src.t != VAL_UNDEF) {
    if (val_is(src, OBJ_DICT)) {
      obj_dict *s = AS_DICT(src);
      size_t p = 0;
      dict_entry *e;
      while (obj_dict_next(s, &p, &e))
        if (!obj_dict_set(v, d, e->key, e->val)) return false;
    } else if (bi_is_typed(src) &&
               obj_class_lookup(obj_class_of(v, src), obj_str_intern(v, "keys", 4)).t != VAL_UNDEF) {
      value keys, it;
      if (!vm_call_method(v, src, obj_str_intern(v, "keys", 4), NULL, 0, &keys)) return false;
      if (!vm_iter(v, keys, &it)) return false;
      for (;;) {
        value k, val;
        bool done;
        if (!vm_next(v, it, &k, &done)) return false;
        if (done) break;
        if (!vm_getitem(v, src, k, &val) || !obj_dict_set(v, d, k, val)) return false;
      }
    } else {
      value it;
      if (!vm_iter(v, src, &it)) return false;
      for (int64_t i = 0;; i++) {
        value item;
        bool done;
        if (!vm_next(v, it, &item, &done)) return false;
        if (done) break;
        obj_list *pair;
        if (val_is(item, OBJ_STR) || item.t != VAL_OBJ) {
          pair = NULL;
        } else {
          pair = vm_to_list(v, item);
          if (!pair) {
            if (!vm_exc_matches(v, CLS_TYPE_ERROR)) return false;
            v->exc = val_undef();
          }
        }
        if (!pair && !val_is(item, OBJ_STR)) {
          vm_raisef(v, CLS_TYPE_ERROR,
                    "cannot convert dictionary update sequence element #%" PRId64 " to a sequence",
                    i);
          return false;
        }
        size_t n = pair ? pair->count : AS_STR(item)->chars;
        if (n != 2) {
          vm_raisef(v, CLS_VALUE_ERROR,
                    "dictionary update sequence element #%" PRId64 " has length %zu; 2 is required",
                    i, n);
          return false;
        }
        if (!pair) {
          pair = vm_to_list(v, item);
          if (!pair) return false;
        }
        if (!obj_dict_set(v, d, pair->items[0], pair->items[1])) return false;
      }
    }
  }
  size_t nkw = kw ? kw->count : 0;
  for (size_t k = 0; k < nkw; k++)
    if (!obj_dict_set(v, d, kw->items[k], kwvals[k])) return false;
  return true;
}

NATIVE(new_dict) {
  (void)self;
  if (nargs > 1) {
    vm_raisef(v, CLS_TYPE_ERROR, "dict expected at most 1 argument, got %d", nargs);
    return false;
  }
  obj_dict *d = obj_dict_new(v);
  if (!d || !bi_dict_update(v, d, nargs ? args[0] : val_undef(), args + nargs, kw)) return false;
  *out = val_obj(d);
  return true;
}

static bool new_setlike(vm *v, const char *fname, obj_kind kind, const value *args, int nargs,
                        obj_tuple *kw, value *out) {
  if (!bi_arg_count(v, fname, nargs, kw, 0, 1)) return false;
  if (kind == OBJ_FROZENSET && nargs && val_is(args[0], OBJ_FROZENSET)) {
    *out = args[0];
    return true;
  }
  obj_dict *s = obj_set_from(v, kind, nargs ? args[0] : val_undef());
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(new_set) {
  (void)self;
  return new_setlike(v, "=set", OBJ_SET, args, nargs, kw, out);
}

NATIVE(new_frozenset) {
  (void)self;
  return new_setlike(v, "=frozenset", OBJ_FROZENSET, args, nargs, kw, out);
}

NATIVE(new_range) {
  (void)self;
  if (!bi_arg_count(v, "=range", nargs, kw, 1, 3)) return false;
  int64_t a[3] = {0, 0, 1};
  for (int i = 0; i < nargs; i++)
    if (!bi_index(v, args[i], &a[i])) return false;
  int64_t start = 0, stop, step = 1;
  if (nargs == 1) stop = a[0];
  else {
    start = a[0];
    stop = a[1];
    if (nargs == 3) step = a[2];
  }
  if (step == 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "range() arg 3 must not be zero");
    return false;
  }
  obj_range *r = obj_range_new(v, start, stop, step);
  if (!r) return false;
  *out = val_obj(r);
  return true;
}

NATIVE(new_slice) {
  (void)self;
  if (!bi_arg_count(v, "=slice", nargs, kw, 1, 3)) return false;
  obj_slice *s = vm_alloc(v, OBJ_SLICE, sizeof(obj_slice));
  if (!s) return false;
  s->start = s->stop = s->step = val_none();
  if (nargs == 1) s->stop = args[0];
  else {
    s->start = args[0];
    s->stop = args[1];
    if (nargs == 3) s->step = args[2];
  }
  *out = val_obj(s);
  return true;
}

NATIVE(new_enumerate) {
  (void)self;
  static const char *const names[] = {"iterable", "start"};
  value a[2];
  if (!bi_parse(v, "enumerate", args, nargs, kw, names, 2, 2, 0, a)) return false;
  if (a[0].t == VAL_UNDEF) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "enumerate() missing required argument 'iterable'");
    return false;
  }
  int64_t start = 0;
  if (a[1].t != VAL_UNDEF && !bi_index(v, a[1], &start)) return false;
  value inner;
  if (!vm_iter(v, a[0], &inner)) return false;
  obj_iter *it = obj_iter_new(v, ITER_ENUMERATE, inner);
  if (!it) return false;
  it->pos = start;
  *out = val_obj(it);
  return true;
}

NATIVE(new_zip) {
  (void)self;
  size_t nkw = kw ? kw->count : 0;
  for (size_t k = 0; k < nkw; k++) {
    obj_str *kn = AS_STR(kw->items[k]);
    if (strcmp(kn->data, "strict") != 0) {
      vm_raisef(v, CLS_TYPE_ERROR, "zip() got an unexpected keyword argument '%s'", kn->data);
      return false;
    }
    bool t;
    if (!obj_truthy(v, args[nargs + (int)k], &t)) return false;
    if (t) {
      vm_raise_msg(v, CLS_SANDBOX_ERROR, "zip(strict=True) is not supported in loopviz scenarios");
      return false;
    }
  }
  obj_tuple *its = obj_tuple_new(v, (size_t)nargs);
  if (!its) return false;
  for (int i = 0; i < nargs; i++)
    if (!vm_iter(v, args[i], &its->items[i])) return false;
  obj_iter *it = obj_iter_new(v, ITER_ZIP, val_none());
  if (!it) return false;
  it->aux = val_obj(its);
  *out = val_obj(it);
  return true;
}

NATIVE(new_map) {
  (void)self;
  if (!bi_no_kwargs(v, "map", kw)) return false;
  if (nargs < 2) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "map() must have at least two arguments.");
    return false;
  }
  value src;
  obj_iter *it;
  if (nargs == 2) {
    if (!vm_iter(v, args[1], &src)) return false;
    it = obj_iter_new(v, ITER_MAP, src);
    if (!it) return false;
    it->step = 1;
  } else {
    value z;
    if (!new_zip(v, val_undef(), args + 1, nargs - 1, NULL, &z)) return false;
    it = obj_iter_new(v, ITER_MAP, z);
    if (!it) return false;
    it->step = 2;
  }
  it->aux = args[0];
  *out = val_obj(it);
  return true;
}

NATIVE(new_filter) {
  (void)self;
  if (!bi_no_kwargs(v, "filter", kw)) return false;
  if (nargs != 2) {
    vm_raisef(v, CLS_TYPE_ERROR, "filter expected 2 arguments, got %d", nargs);
    return false;
  }
  value src;
  if (!vm_iter(v, args[1], &src)) return false;
  obj_iter *it = obj_iter_new(v, ITER_FILTER, src);
  if (!it) return false;
  it->aux = args[0];
  *out = val_obj(it);
  return true;
}

NATIVE(new_reversed) {
  (void)self;
  if (!bi_arg_count(v, "=reversed", nargs, kw, 1, 1)) return false;
  value x = args[0];
  if (val_is(x, OBJ_RANGE)) {
    obj_range *r = (obj_range *)x.as.o;
    int64_t n;
    if (!vm_len(v, x, &n)) return false;
    int64_t last = r->start + (n - 1) * r->step;
    obj_range *nr = obj_range_new(v, n ? last : 0, n ? last - n * r->step : 0, -r->step);
    if (!nr) return false;
    return vm_iter(v, val_obj(nr), out);
  }
  if (val_is(x, OBJ_DICT) ||
      (val_is(x, OBJ_ITER) && (AS_ITER(x)->ik == ITER_VIEW_KEYS ||
                               AS_ITER(x)->ik == ITER_VIEW_VALUES ||
                               AS_ITER(x)->ik == ITER_VIEW_ITEMS))) {
    /* dicts and their views iterate backwards over a snapshot */
    obj_list *l = vm_to_list(v, x);
    if (!l) return false;
    x = val_obj(l);
  }
  obj_iter *it;
  if (val_is(x, OBJ_LIST) || val_is(x, OBJ_TUPLE)) {
    it = obj_iter_new(v, ITER_REVERSED, x);
    if (!it) return false;
    it->pos = (int64_t)(val_is(x, OBJ_LIST) ? AS_LIST(x)->count : AS_TUPLE(x)->count) - 1;
  } else if (val_is(x, OBJ_STR)) {
    it = obj_iter_new(v, ITER_REVERSED, x);
    if (!it) return false;
    it->pos = (int64_t)AS_STR(x)->len;
  } else if (bi_is_typed(x)) {
    obj_str *n = obj_str_intern(v, "__reversed__", 12);
    bool found;
    if (!n || !bi_call_dunder(v, x, n, NULL, 0, out, &found)) return false;
    if (found) return true;
    obj_class *c = obj_class_of(v, x);
    if (obj_class_lookup(c, v->s_len).t == VAL_UNDEF ||
        obj_class_lookup(c, v->s_getitem).t == VAL_UNDEF)
      goto not_reversible;
    int64_t len;
    if (!vm_len(v, x, &len)) return false;
    it = obj_iter_new(v, ITER_REVERSED, x);
    if (!it) return false;
    it->pos = len - 1;
  } else {
    goto not_reversible;
  }
  *out = val_obj(it);
  return true;
not_reversible:
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not reversible", obj_type_name(v, x));
  return false;
}

NATIVE(new_super) {
  (void)self;
  if (!bi_no_kwargs(v, "super", kw)) return false;
  if (nargs == 0) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "super(): no arguments");
    return false;
  }
  if (!val_is(args[0], OBJ_CLASS)) {
    vm_raisef(v, CLS_TYPE_ERROR, "super() argument 1 must be a type, not %s",
              obj_type_name(v, args[0]));
    return false;
  }
  if (nargs != 2) {
    vm_raise_msg(v, CLS_SANDBOX_ERROR,
                 "super() with one argument is not supported in loopviz scenarios");
    return false;
  }
  return bi_super_new(v, AS_CLASS(args[0]), args[1], out);
}

/* ---------------------------------------------------------------- descriptors */

/* A property/staticmethod/classmethod object holding the given fields. */
static bool new_descriptor(vm *v, obj_type_slot slot, const char *const *names, const value *vals,
                           int n, value *out) {
  obj_native_obj *o = vm_alloc(v, OBJ_NATIVE_OBJ, sizeof(obj_native_obj));
  if (!o) return false;
  o->cls = v->cls[slot];
  o->dict = obj_dict_new(v);
  if (!o->dict) return false;
  for (int i = 0; i < n; i++)
    if (!obj_dict_set_cstr(v, o->dict, names[i], vals[i].t == VAL_UNDEF ? val_none() : vals[i]))
      return false;
  *out = val_obj(o);
  return true;
}

static const char *const property_fields[] = {"fget", "fset", "fdel", "__doc__"};

NATIVE(new_property) {
  (void)self;
  value a[4];
  if (!bi_parse(v, "property", args, nargs, kw, property_fields, 4, 4, 0, a)) return false;
  if (a[3].t == VAL_UNDEF && a[0].t != VAL_UNDEF && a[0].t != VAL_NONE) {
    bool found;
    obj_str *doc = obj_str_intern(v, "__doc__", 7);
    if (!doc || !vm_getattr_opt(v, a[0], doc, &a[3], &found)) return false;
    if (!found) a[3] = val_none();
  }
  return new_descriptor(v, CLS_PROPERTY, property_fields, a, 4, out);
}

/* property.getter/setter/deleter: a copy with one accessor replaced. */
static bool property_with(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                          int which, const char *mname, value *out) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_PROPERTY], mname)) return false;
  if (!bi_arg_count(v, mname, nargs, kw, 1, 1)) return false;
  obj_dict *d = ((obj_typed *)self.as.o)->dict;
  value a[4];
  for (int i = 0; i < 4; i++) {
    obj_str *n = obj_str_intern(v, property_fields[i], strlen(property_fields[i]));
    if (!n) return false;
    a[i] = obj_dict_get_str(d, n);
  }
  a[which] = args[0];
  return new_descriptor(v, CLS_PROPERTY, property_fields, a, 4, out);
}

NATIVE(property_getter) { return property_with(v, self, args, nargs, kw, 0, "getter", out); }
NATIVE(property_setter) { return property_with(v, self, args, nargs, kw, 1, "setter", out); }
NATIVE(property_deleter) { return property_with(v, self, args, nargs, kw, 2, "deleter", out); }

static const char *const func_field[] = {"__func__"};

NATIVE(new_staticmethod) {
  (void)self;
  if (!bi_arg_count(v, "staticmethod", nargs, kw, 1, 1)) return false;
  return new_descriptor(v, CLS_STATICMETHOD, func_field, args, 1, out);
}

NATIVE(new_classmethod) {
  (void)self;
  if (!bi_arg_count(v, "classmethod", nargs, kw, 1, 1)) return false;
  return new_descriptor(v, CLS_CLASSMETHOD, func_field, args, 1, out);
}

/* ---------------------------------------------------------------- exceptions */

static bool is_group(vm *v, obj_class *c) {
  return obj_class_is_sub(c, v->cls[CLS_BASE_EXCEPTION_GROUP]) ||
         obj_class_is_sub(c, v->cls[CLS_EXCEPTION_GROUP]);
}

static bool new_group(vm *v, obj_class *c, const value *args, int nargs, value *out) {
  if (nargs != 2) {
    vm_raisef(v, CLS_TYPE_ERROR, "BaseExceptionGroup.__new__() takes exactly 2 arguments (%d given)",
              nargs);
    return false;
  }
  if (!val_is(args[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "argument 1 must be str, not %s", obj_type_name(v, args[0]));
    return false;
  }
  if (!val_is(args[1], OBJ_LIST) && !val_is(args[1], OBJ_TUPLE)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "second argument (exceptions) must be a sequence");
    return false;
  }
  obj_list *l = vm_to_list(v, args[1]);
  if (!l) return false;
  if (l->count == 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "second argument (exceptions) must be a non-empty sequence");
    return false;
  }
  bool all_exc = true;
  for (size_t i = 0; i < l->count; i++) {
    if (!val_is(l->items[i], OBJ_EXCEPTION)) {
      vm_raisef(v, CLS_VALUE_ERROR, "Item %zu of second argument (exceptions) is not an exception",
                i);
      return false;
    }
    if (!obj_isinstance(v, l->items[i], v->cls[CLS_EXCEPTION])) all_exc = false;
  }
  if (c == v->cls[CLS_BASE_EXCEPTION_GROUP] && all_exc) c = v->cls[CLS_EXCEPTION_GROUP];
  if (obj_class_is_sub(c, v->cls[CLS_EXCEPTION_GROUP]) && !all_exc) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "Cannot nest BaseExceptions in an ExceptionGroup");
    return false;
  }
  obj_exception *e = bi_new_exc(v, c, args, 2);
  obj_tuple *g = obj_tuple_new(v, l->count);
  if (!e || !g) return false;
  memcpy(g->items, l->items, l->count * sizeof(value));
  e->group = g;
  *out = val_obj(e);
  return true;
}

NATIVE(new_exception) {
  (void)kw;
  obj_class *c = new_cls(self);
  if (is_group(v, c)) return new_group(v, c, args, nargs, out);
  obj_exception *e = bi_new_exc(v, c, args, (size_t)nargs);
  if (!e) return false;
  *out = val_obj(e);
  return true;
}

NATIVE(init_exception) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_BASE_EXCEPTION], "__init__")) return false;
  if (kw && kw->count) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s() takes no keyword arguments", obj_type_name(v, self));
    return false;
  }
  obj_exception *e = AS_EXC(self);
  if (!e->group) {
    obj_tuple *t = obj_tuple_new(v, (size_t)nargs);
    if (!t) return false;
    for (int i = 0; i < nargs; i++) t->items[i] = args[i];
    e->args = t;
  }
  *out = val_none();
  return true;
}

NATIVE(exception_repr) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_BASE_EXCEPTION], "__repr__")) return false;
  if (!bi_arg_count(v, "BaseException.__repr__", nargs, kw, 0, 0)) return false;
  obj_str *s = vm_repr_str(v, self);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(exception_str) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_BASE_EXCEPTION], "__str__")) return false;
  if (!bi_arg_count(v, "BaseException.__str__", nargs, kw, 0, 0)) return false;
  /* the builtin str, bypassing any user __str__ of subclasses */
  obj_exception *e = AS_EXC(self);
  fmt_buf b;
  fmt_buf_init(&b);
  bool ok = true;
  if (e->args->count == 1) {
    ok = obj_class_is_sub(e->cls, v->cls[CLS_KEY_ERROR]) ? vm_repr(v, e->args->items[0], &b)
                                                          : vm_str(v, e->args->items[0], &b);
  } else if (e->args->count > 1) {
    ok = vm_repr(v, val_obj(e->args), &b);
  }
  if (!ok) {
    fmt_buf_free(&b);
    return false;
  }
  obj_str *s = bi_str_from_buf(v, &b);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

NATIVE(exception_with_traceback) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_BASE_EXCEPTION], "with_traceback"))
    return false;
  if (!bi_arg_count(v, "with_traceback", nargs, kw, 1, 1)) return false;
  *out = self;
  return true;
}

NATIVE(exception_add_note) {
  if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_BASE_EXCEPTION], "add_note")) return false;
  if (!bi_arg_count(v, "add_note", nargs, kw, 1, 1)) return false;
  if (!val_is(args[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "note must be a str, not '%s'", obj_type_name(v, args[0]));
    return false;
  }
  obj_exception *e = AS_EXC(self);
  if (!e->dict && !(e->dict = obj_dict_new(v))) return false;
  obj_str *key = obj_str_intern(v, "__notes__", 9);
  if (!key) return false;
  value notes = obj_dict_get_str(e->dict, key);
  if (!val_is(notes, OBJ_LIST)) {
    obj_list *l = obj_list_new(v, 1);
    if (!l || !obj_dict_set_str(v, e->dict, key, val_obj(l))) return false;
    notes = val_obj(l);
  }
  if (!obj_list_append(v, AS_LIST(notes), args[0])) return false;
  *out = val_none();
  return true;
}

/* ---------------------------------------------------------------- instantiation */

bool bi_call_class(vm *v, obj_class *cls, const value *args, int nargs, obj_tuple *kwnames,
                   value *out) {
  if (cls == v->cls[CLS_TYPE]) return new_type(v, val_obj(cls), args, nargs, kwnames, out);
  value newf = obj_class_find(v, cls, obj_str_intern(v, "__new__", 7));
  value initf = obj_class_find(v, cls, v->s_init);
  value obj;
  bool default_new = false;
  if (val_is(newf, OBJ_NATIVE)) {
    obj_native *n = AS_NATIVE(newf);
    default_new = n->fn == new_object;
    value saved = v->native_data;
    v->native_data = n->data;
    v->native_depth++;
    bool ok = n->fn(v, val_obj(cls), args, nargs, kwnames, &obj);
    v->native_depth--;
    v->native_data = saved;
    if (!ok) return false;
  } else if (val_is(newf, OBJ_FUNCTION)) {
    size_t nkw = kwnames ? kwnames->count : 0;
    obj_list *buf = obj_list_new(v, (size_t)nargs + nkw + 1);
    if (!buf) return false;
    buf->items[0] = val_obj(cls);
    if (nargs + nkw) memcpy(buf->items + 1, args, ((size_t)nargs + nkw) * sizeof(value));
    buf->count = (size_t)nargs + nkw + 1;
    if (!vm_call(v, newf, buf->items, nargs + 1, kwnames, &obj)) return false;
  } else {
    vm_raisef(v, CLS_TYPE_ERROR, "cannot create '%s' instances", cls->name->data);
    return false;
  }
  if (!obj_isinstance(v, obj, cls)) {
    *out = obj;
    return true;
  }
  if (val_is(initf, OBJ_NATIVE) && AS_NATIVE(initf)->fn == init_object) {
    if (default_new && (nargs > 0 || (kwnames && kwnames->count))) {
      vm_raisef(v, CLS_TYPE_ERROR, "%s() takes no arguments", cls->name->data);
      return false;
    }
    *out = obj;
    return true;
  }
  value r;
  if (val_is(initf, OBJ_NATIVE)) {
    obj_native *n = AS_NATIVE(initf);
    value saved = v->native_data;
    v->native_data = n->data;
    v->native_depth++;
    bool ok = n->fn(v, obj, args, nargs, kwnames, &r);
    v->native_depth--;
    v->native_data = saved;
    if (!ok) return false;
  } else if (initf.t != VAL_UNDEF) {
    size_t nkw = kwnames ? kwnames->count : 0;
    obj_list *buf = obj_list_new(v, (size_t)nargs + nkw + 1);
    if (!buf) return false;
    buf->items[0] = obj;
    if (nargs + nkw) memcpy(buf->items + 1, args, ((size_t)nargs + nkw) * sizeof(value));
    buf->count = (size_t)nargs + nkw + 1;
    if (!vm_call(v, initf, buf->items, nargs + 1, kwnames, &r)) return false;
    if (r.t != VAL_NONE) {
      vm_raisef(v, CLS_TYPE_ERROR, "__init__() should return None, not '%s'", obj_type_name(v, r));
      return false;
    }
  }
  *out = obj;
  return true;
}

/* ================================================================ installation */

typedef struct class_def {
  obj_type_slot slot;  /* where it goes in vm->cls */
  const char *name;    /* __name__ */
  int base;            /* slot of the base class, -1 for object */
  const char *module;  /* __module__ */
  bool public_name;    /* bound in the builtins namespace */
} class_def;

#define B "builtins"
static const class_def class_defs[] = {
    {CLS_OBJECT, "object", -1, B, true},
    {CLS_TYPE, "type", CLS_OBJECT, B, true},
    {CLS_NONETYPE, "NoneType", CLS_OBJECT, B, false},
    {CLS_INT, "int", CLS_OBJECT, B, true},
    {CLS_BOOL, "bool", CLS_INT, B, true},
    {CLS_FLOAT, "float", CLS_OBJECT, B, true},
    {CLS_STR, "str", CLS_OBJECT, B, true},
    {CLS_LIST, "list", CLS_OBJECT, B, true},
    {CLS_TUPLE, "tuple", CLS_OBJECT, B, true},
    {CLS_DICT, "dict", CLS_OBJECT, B, true},
    {CLS_SET, "set", CLS_OBJECT, B, true},
    {CLS_FROZENSET, "frozenset", CLS_OBJECT, B, true},
    {CLS_FUNCTION, "function", CLS_OBJECT, B, false},
    {CLS_BUILTIN_FUNCTION, "builtin_function_or_method", CLS_OBJECT, B, false},
    {CLS_METHOD, "method", CLS_OBJECT, B, false},
    {CLS_MODULE, "module", CLS_OBJECT, B, false},
    {CLS_RANGE, "range", CLS_OBJECT, B, true},
    {CLS_SLICE, "slice", CLS_OBJECT, B, true},
    {CLS_ITERATOR, "iterator", CLS_OBJECT, B, false},
    {CLS_COROUTINE, "coroutine", CLS_OBJECT, B, false},
    {CLS_GENERATOR, "generator", CLS_OBJECT, B, false},
    {CLS_ASYNC_GENERATOR, "async_generator", CLS_OBJECT, B, false},
    {CLS_CELL, "cell", CLS_OBJECT, B, false},
    {CLS_CODE, "code", CLS_OBJECT, B, false},
    {CLS_FUTURE, "Future", CLS_OBJECT, "_asyncio", false},
    {CLS_TASK, "Task", CLS_FUTURE, "_asyncio", false},
    {CLS_HANDLE, "Handle", CLS_OBJECT, "asyncio.events", false},
    {CLS_TIMER_HANDLE, "TimerHandle", CLS_HANDLE, "asyncio.events", false},
    {CLS_LIST_ITERATOR, "list_iterator", CLS_OBJECT, B, false},
    {CLS_TUPLE_ITERATOR, "tuple_iterator", CLS_OBJECT, B, false},
    {CLS_STR_ITERATOR, "str_iterator", CLS_OBJECT, B, false},
    {CLS_STR_ASCII_ITERATOR, "str_ascii_iterator", CLS_OBJECT, B, false},
    {CLS_RANGE_ITERATOR, "range_iterator", CLS_OBJECT, B, false},
    {CLS_DICT_KEYITERATOR, "dict_keyiterator", CLS_OBJECT, B, false},
    {CLS_DICT_VALUEITERATOR, "dict_valueiterator", CLS_OBJECT, B, false},
    {CLS_DICT_ITEMITERATOR, "dict_itemiterator", CLS_OBJECT, B, false},
    {CLS_SET_ITERATOR, "set_iterator", CLS_OBJECT, B, false},
    {CLS_LIST_REVERSEITERATOR, "list_reverseiterator", CLS_OBJECT, B, false},
    {CLS_CALLABLE_ITERATOR, "callable_iterator", CLS_OBJECT, B, false},
    {CLS_ENUMERATE, "enumerate", CLS_OBJECT, B, true},
    {CLS_ZIP, "zip", CLS_OBJECT, B, true},
    {CLS_MAP, "map", CLS_OBJECT, B, true},
    {CLS_FILTER, "filter", CLS_OBJECT, B, true},
    {CLS_REVERSED, "reversed", CLS_OBJECT, B, true},
    {CLS_DICT_KEYS, "dict_keys", CLS_OBJECT, B, false},
    {CLS_DICT_VALUES, "dict_values", CLS_OBJECT, B, false},
    {CLS_DICT_ITEMS, "dict_items", CLS_OBJECT, B, false},
    {CLS_SUPER, "super", CLS_OBJECT, B, true},
    {CLS_PROPERTY, "property", CLS_OBJECT, B, true},
    {CLS_STATICMETHOD, "staticmethod", CLS_OBJECT, B, true},
    {CLS_CLASSMETHOD, "classmethod", CLS_OBJECT, B, true},
    /* exceptions, CPython 3.11's hierarchy */
    {CLS_BASE_EXCEPTION, "BaseException", CLS_OBJECT, B, true},
    {CLS_EXCEPTION, "Exception", CLS_BASE_EXCEPTION, B, true},
    {CLS_ARITHMETIC_ERROR, "ArithmeticError", CLS_EXCEPTION, B, true},
    {CLS_ZERO_DIVISION_ERROR, "ZeroDivisionError", CLS_ARITHMETIC_ERROR, B, true},
    {CLS_OVERFLOW_ERROR, "OverflowError", CLS_ARITHMETIC_ERROR, B, true},
    {CLS_LOOKUP_ERROR, "LookupError", CLS_EXCEPTION, B, true},
    {CLS_KEY_ERROR, "KeyError", CLS_LOOKUP_ERROR, B, true},
    {CLS_INDEX_ERROR, "IndexError", CLS_LOOKUP_ERROR, B, true},
    {CLS_VALUE_ERROR, "ValueError", CLS_EXCEPTION, B, true},
    {CLS_UNICODE_ERROR, "UnicodeError", CLS_VALUE_ERROR, B, true},
    {CLS_TYPE_ERROR, "TypeError", CLS_EXCEPTION, B, true},
    {CLS_ATTRIBUTE_ERROR, "AttributeError", CLS_EXCEPTION, B, true},
    {CLS_NAME_ERROR, "NameError", CLS_EXCEPTION, B, true},
    {CLS_UNBOUND_LOCAL_ERROR, "UnboundLocalError", CLS_NAME_ERROR, B, true},
    {CLS_RUNTIME_ERROR, "RuntimeError", CLS_EXCEPTION, B, true},
    {CLS_RECURSION_ERROR, "RecursionError", CLS_RUNTIME_ERROR, B, true},
    {CLS_NOT_IMPLEMENTED_ERROR, "NotImplementedError", CLS_RUNTIME_ERROR, B, true},
    {CLS_ASSERTION_ERROR, "AssertionError", CLS_EXCEPTION, B, true},
    {CLS_STOP_ITERATION, "StopIteration", CLS_EXCEPTION, B, true},
    {CLS_STOP_ASYNC_ITERATION, "StopAsyncIteration", CLS_EXCEPTION, B, true},
    {CLS_GENERATOR_EXIT, "GeneratorExit", CLS_BASE_EXCEPTION, B, true},
    {CLS_KEYBOARD_INTERRUPT, "KeyboardInterrupt", CLS_BASE_EXCEPTION, B, true},
    {CLS_SYSTEM_EXIT, "SystemExit", CLS_BASE_EXCEPTION, B, true},
    {CLS_OS_ERROR, "OSError", CLS_EXCEPTION, B, true},
    {CLS_TIMEOUT_ERROR, "TimeoutError", CLS_OS_ERROR, B, true},
    {CLS_CONNECTION_ERROR, "ConnectionError", CLS_OS_ERROR, B, true},
    {CLS_MEMORY_ERROR, "MemoryError", CLS_EXCEPTION, B, true},
    {CLS_CANCELLED_ERROR, "CancelledError", CLS_BASE_EXCEPTION, "asyncio.exceptions", false},
    {CLS_INVALID_STATE_ERROR, "InvalidStateError", CLS_EXCEPTION, "asyncio.exceptions", false},
    {CLS_QUEUE_EMPTY, "QueueEmpty", CLS_EXCEPTION, "asyncio.queues", false},
    {CLS_QUEUE_FULL, "QueueFull", CLS_EXCEPTION, "asyncio.queues", false},
    {CLS_BASE_EXCEPTION_GROUP, "BaseExceptionGroup", CLS_BASE_EXCEPTION, B, true},
    /* single inheritance: ExceptionGroup derives from Exception, and
     * isinstance/issubclass treat it as a BaseExceptionGroup too */
    {CLS_EXCEPTION_GROUP, "ExceptionGroup", CLS_EXCEPTION, B, true},
    /* loopviz's own, BaseException-derived so `except Exception` cannot
     * swallow them; not bound to names a scenario can reach */
    {CLS_LIMIT_ERROR, "LimitError", CLS_BASE_EXCEPTION, B, false},
    {CLS_SANDBOX_ERROR, "SandboxError", CLS_BASE_EXCEPTION, B, false},
    {CLS_DEADLOCK_ERROR, "DeadlockError", CLS_BASE_EXCEPTION, B, false},
};

/* Builtin exceptions without a slot of their own. */
typedef struct extra_exc {
  const char *name; /* __name__ */
  const char *base; /* name of its base, defined earlier */
} extra_exc;

static const extra_exc extra_excs[] = {
    {"FloatingPointError", "ArithmeticError"},
    {"BufferError", "Exception"},
    {"EOFError", "Exception"},
    {"ImportError", "Exception"},
    {"ModuleNotFoundError", "ImportError"},
    {"ReferenceError", "Exception"},
    {"SystemError", "Exception"},
    {"UnicodeDecodeError", "UnicodeError"},
    {"UnicodeEncodeError", "UnicodeError"},
    {"BlockingIOError", "OSError"},
    {"ChildProcessError", "OSError"},
    {"BrokenPipeError", "ConnectionError"},
    {"ConnectionAbortedError", "ConnectionError"},
    {"ConnectionRefusedError", "ConnectionError"},
    {"ConnectionResetError", "ConnectionError"},
    {"FileExistsError", "OSError"},
    {"FileNotFoundError", "OSError"},
    {"InterruptedError", "OSError"},
    {"IsADirectoryError", "OSError"},
    {"NotADirectoryError", "OSError"},
    {"PermissionError", "OSError"},
    {"ProcessLookupError", "OSError"},
    {"Warning", "Exception"},
    {"UserWarning", "Warning"},
    {"DeprecationWarning", "Warning"},
    {"RuntimeWarning", "Warning"},
};

typedef struct fn_def {
  const char *name; /* builtin name */
  native_fn fn;     /* implementation */
} fn_def;

static const fn_def builtin_fns[] = {
    {"print", f_print},       {"len", f_len},           {"repr", f_repr},
    {"ascii", f_ascii},       {"format", f_format},     {"isinstance", f_isinstance},
    {"issubclass", f_issubclass}, {"sum", f_sum},       {"min", f_min},
    {"max", f_max},           {"sorted", f_sorted},     {"abs", f_abs},
    {"round", f_round},       {"any", f_any},           {"all", f_all},
    {"iter", f_iter},         {"next", f_next},         {"hash", f_hash},
    {"id", f_id},             {"chr", f_chr},           {"ord", f_ord},
    {"divmod", f_divmod},     {"pow", f_pow},           {"hex", f_hex},
    {"oct", f_oct},           {"bin", f_bin},           {"callable", f_callable},
    {"getattr", f_getattr},   {"setattr", f_setattr},   {"delattr", f_delattr},
    {"hasattr", f_hasattr},
};

/* Builtins a scenario may not use: calling them raises SandboxError. */
static const char *const refused_fns[] = {"open", "input", "exec", "eval", "compile", "__import__",
                                          "breakpoint", "globals", "locals", "vars", "dir",
                                          "memoryview", "bytearray", "bytes", "help"};

typedef struct ctor_def {
  obj_type_slot slot; /* class */
  native_fn fn;       /* its __new__ */
} ctor_def;

static const ctor_def ctors[] = {
    {CLS_OBJECT, new_object},     {CLS_TYPE, new_type},         {CLS_NONETYPE, new_none},
    {CLS_BOOL, new_bool},         {CLS_INT, new_int},           {CLS_FLOAT, new_float},
    {CLS_STR, new_str},           {CLS_LIST, new_list},         {CLS_TUPLE, new_tuple},
    {CLS_DICT, new_dict},         {CLS_SET, new_set},           {CLS_FROZENSET, new_frozenset},
    {CLS_RANGE, new_range},       {CLS_SLICE, new_slice},       {CLS_ENUMERATE, new_enumerate},
    {CLS_ZIP, new_zip},           {CLS_MAP, new_map},           {CLS_FILTER, new_filter},
    {CLS_REVERSED, new_reversed}, {CLS_SUPER, new_super},
    {CLS_PROPERTY, new_property}, {CLS_STATICMETHOD, new_staticmethod},
    {CLS_CLASSMETHOD, new_classmethod},
    {CLS_BASE_EXCEPTION, new_exception},
};

static bool def_method(vm *v, obj_class *c, const char *name, native_fn fn) {
  return vm_def_method(v, c, name, fn);
}

bool bi_install(vm *v) {
  if (!v->builtins && !(v->builtins = obj_dict_new(v))) return false;
  for (size_t i = 0; i < sizeof class_defs / sizeof class_defs[0]; i++) {
    const class_def *d = &class_defs[i];
    obj_str *name = obj_str_intern(v, d->name, strlen(d->name));
    if (!name) return false;
    obj_class *base = d->base < 0 ? NULL : v->cls[d->base];
    obj_class *c = obj_class_new(v, name, base);
    if (!c) return false;
    c->module = obj_str_intern(v, d->module, strlen(d->module));
    if (!c->module) return false;
    if (d->slot == CLS_BASE_EXCEPTION || (base && base->flavor == FLAVOR_EXCEPTION))
      c->flavor = FLAVOR_EXCEPTION;
    else if (d->slot == CLS_OBJECT)
      c->flavor = FLAVOR_PLAIN;
    else
      c->flavor = FLAVOR_BUILTIN;
    v->cls[d->slot] = c;
    if (d->public_name && !obj_dict_set_str(v, v->builtins, name, val_obj(c))) return false;
  }
  for (size_t i = 0; i < sizeof extra_excs / sizeof extra_excs[0]; i++) {
    obj_str *bn = obj_str_intern(v, extra_excs[i].base, strlen(extra_excs[i].base));
    obj_str *name = obj_str_intern(v, extra_excs[i].name, strlen(extra_excs[i].name));
    if (!bn || !name) return false;
    value base = obj_dict_get_str(v->builtins, bn);
    obj_class *c = obj_class_new(v, name, AS_CLASS(base));
    if (!c) return false;
    c->module = obj_str_intern(v, "builtins", 8);
    c->flavor = FLAVOR_EXCEPTION;
    if (!obj_dict_set_str(v, v->builtins, name, val_obj(c))) return false;
  }
  /* aliases CPython keeps */
  if (!obj_dict_set_cstr(v, v->builtins, "EnvironmentError", val_obj(v->cls[CLS_OS_ERROR])) ||
      !obj_dict_set_cstr(v, v->builtins, "IOError", val_obj(v->cls[CLS_OS_ERROR])))
    return false;
  for (size_t i = 0; i < sizeof ctors / sizeof ctors[0]; i++)
    if (!def_method(v, v->cls[ctors[i].slot], "__new__", ctors[i].fn)) return false;
  obj_class *obj = v->cls[CLS_OBJECT], *be = v->cls[CLS_BASE_EXCEPTION];
  if (!def_method(v, obj, "__init__", init_object) || !def_method(v, obj, "__repr__", object_repr) ||
      !def_method(v, obj, "__str__", object_str) ||
      !def_method(v, obj, "__setattr__", bi_object_setattr) ||
      !def_method(v, obj, "__delattr__", bi_object_delattr) ||
      !def_method(v, be, "__init__", init_exception) || !def_method(v, be, "__repr__", exception_repr) ||
      !def_method(v, be, "__str__", exception_str) ||
      !def_method(v, be, "with_traceback", exception_with_traceback) ||
      !def_method(v, be, "add_note", exception_add_note) ||
      !def_method(v, v->cls[CLS_PROPERTY], "getter", property_getter) ||
      !def_method(v, v->cls[CLS_PROPERTY], "setter", property_setter) ||
      !def_method(v, v->cls[CLS_PROPERTY], "deleter", property_deleter))
    return false;
  for (size_t i = 0; i < sizeof builtin_fns / sizeof builtin_fns[0]; i++)
    if (!vm_def_native(v, v->builtins, builtin_fns[i].name, builtin_fns[i].fn)) return false;
  for (size_t i = 0; i < sizeof refused_fns / sizeof refused_fns[0]; i++) {
    obj_native *n = obj_native_new(v, f_refused, refused_fns[i], NULL);
    if (!n) return false;
    n->data = val_obj(obj_str_intern(v, refused_fns[i], strlen(refused_fns[i])));
    if (!obj_dict_set_cstr(v, v->builtins, refused_fns[i], val_obj(n))) return false;
  }
  if (!obj_dict_set_cstr(v, v->builtins, "__name__", val_obj(obj_str_intern(v, "builtins", 8))))
    return false;
  /* NotImplemented: what a binary dunder returns to let the other side try */
  obj_class *nic = obj_class_new(v, obj_str_intern(v, "NotImplementedType", 18), v->cls[CLS_OBJECT]);
  if (!nic) return false;
  nic->module = obj_str_intern(v, "builtins", 8);
  nic->flavor = FLAVOR_BUILTIN;
  obj_instance *ni = obj_instance_new(v, nic);
  if (!ni) return false;
  v->notimpl = val_obj(ni);
  if (!obj_dict_set_cstr(v, v->builtins, "NotImplemented", v->notimpl)) return false;
  return bi_install_str_methods(v) && bi_install_coll_methods(v);
}
