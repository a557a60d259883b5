/* bi_coll: methods of list, tuple, dict, set, frozenset, int and float. */
#include <math.h>
#include <string.h>

#include "bi_private.h"
#include "ops.h"

#define NATIVE(name) static bool name(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out)
#define SELF(slot, mname)                                                                          \
  do {                                                                                             \
    if (!bi_take_self(v, &self, &args, &nargs, v->cls[slot], mname)) return false;                 \
  } while (0)
#define ARGS(fname, lo, hi)                                                                        \
  do {                                                                                             \
    if (!bi_arg_count(v, fname, nargs, kw, lo, hi)) return false;                                  \
  } while (0)

static bool not_found_msg(vm *v, value x, const char *suffix) {
  fmt_buf b;
  fmt_buf_init(&b);
  if (!vm_repr(v, x, &b)) {
    fmt_buf_free(&b);
    return false;
  }
  if (fmt_buf_appends(&b, suffix) != FMT_OK) {
    fmt_buf_free(&b);
    return bi_nomem(v);
  }
  vm_raise_msg(v, CLS_VALUE_ERROR, fmt_buf_str(&b));
  fmt_buf_free(&b);
  return false;
}

/* start/stop arguments of index(): clipped like a slice. */
static bool index_bounds(vm *v, const value *args, int nargs, int64_t len, int64_t *st,
                         int64_t *en) {
  *st = 0;
  *en = len;
  if (nargs >= 1 && !bi_slice_index(v, args[0], false, st)) return false;
  if (nargs >= 2 && !bi_slice_index(v, args[1], false, en)) return false;
  if (*st < 0) *st = *st + len < 0 ? 0 : *st + len;
  if (*en < 0) *en = *en + len < 0 ? 0 : *en + len;
  return true;
}

/* ================================================================ list */

NATIVE(l_append) {
  SELF(CLS_LIST, "append");
  ARGS("list.append", 1, 1);
  if (!obj_list_append(v, AS_LIST(self), args[0])) return false;
  *out = val_none();
  return true;
}

NATIVE(l_extend) {
  SELF(CLS_LIST, "extend");
  ARGS("list.extend", 1, 1);
  value r;
  if (!ops_binary(v, OPS_ADD, self, args[0], true, &r)) {
    if (vm_exc_matches(v, CLS_TYPE_ERROR) && !val_is(args[0], OBJ_LIST)) {
      value it;
      v->exc = val_undef();
      if (!vm_iter(v, args[0], &it)) return false;
    }
    return false;
  }
  *out = val_none();
  return true;
}

NATIVE(l_pop) {
  SELF(CLS_LIST, "pop");
  ARGS("=pop", 0, 1);
  obj_list *l = AS_LIST(self);
  int64_t i = -1;
  if (nargs == 1 && !bi_index(v, args[0], &i)) return false;
  if (l->count == 0) {
    vm_raise_msg(v, CLS_INDEX_ERROR, "pop from empty list");
    return false;
  }
  if (i < 0) i += (int64_t)l->count;
  if (i < 0 || i >= (int64_t)l->count) {
    vm_raise_msg(v, CLS_INDEX_ERROR, "pop index out of range");
    return false;
  }
  *out = l->items[i];
  memmove(l->items + i, l->items + i + 1, (l->count - (size_t)i - 1) * sizeof(value));
  l->count--;
  return true;
}

NATIVE(l_insert) {
  SELF(CLS_LIST, "insert");
  ARGS("=insert", 2, 2);
  obj_list *l = AS_LIST(self);
  int64_t i;
  if (!bi_index(v, args[0], &i)) return false;
  int64_t n = (int64_t)l->count;
  if (i < 0) i = i + n < 0 ? 0 : i + n;
  if (i > n) i = n;
  if (!obj_list_append(v, l, val_none())) return false;
  memmove(l->items + i + 1, l->items + i, ((size_t)n - (size_t)i) * sizeof(value));
  l->items[i] = args[1];
  *out = val_none();
  return true;
}

NATIVE(l_index) {
  SELF(CLS_LIST, "index");
  ARGS("=index", 1, 3);
  obj_list *l = AS_LIST(self);
  int64_t st, en;
  if (!index_bounds(v, args + 1, nargs - 1, (int64_t)l->count, &st, &en)) return false;
  for (int64_t i = st; i < en && i < (int64_t)l->count; i++) {
    bool eq;
    if (!obj_equal(v, l->items[i], args[0], &eq)) return false;
    if (eq) {
      *out = val_int(i);
      return true;
    }
  }
  return not_found_msg(v, args[0], " is not in list");
}

/* list.count / tuple.count; the items are re-read after every comparison,
 * which may run user code that changes a list. */
static bool count_in(vm *v, value seq, value x, value *out) {
  int64_t c = 0;
  for (size_t i = 0;; i++) {
    size_t n = val_is(seq, OBJ_LIST) ? AS_LIST(seq)->count : AS_TUPLE(seq)->count;
    if (i >= n) break;
    value item = val_is(seq, OBJ_LIST) ? AS_LIST(seq)->items[i] : AS_TUPLE(seq)->items[i];
    bool eq;
    if (obj_is(item, x)) eq = true;
    else if (!obj_equal(v, item, x, &eq)) return false;
    if (eq) c++;
  }
  *out = val_int(c);
  return true;
}

NATIVE(l_count) {
  SELF(CLS_LIST, "count");
  ARGS("list.count", 1, 1);
  return count_in(v, self, args[0], out);
}

NATIVE(l_remove) {
  SELF(CLS_LIST, "remove");
  ARGS("list.remove", 1, 1);
  obj_list *l = AS_LIST(self);
  for (size_t i = 0; i < l->count; i++) {
    bool eq;
    if (!obj_equal(v, l->items[i], args[0], &eq)) return false;
    if (eq) {
      memmove(l->items + i, l->items + i + 1, (l->count - i - 1) * sizeof(value));
      l->count--;
      *out = val_none();
      return true;
    }
  }
  vm_raise_msg(v, CLS_VALUE_ERROR, "list.remove(x): x not in list");
  return false;
}

NATIVE(l_sort) {
  SELF(CLS_LIST, "sort");
  static const char *const names[] = {"key", "reverse"};
  value a[2];
  if (!bi_parse(v, "sort", args, nargs, kw, names, 2, 0, 0, a)) return false;
  if (!bi_list_sort(v, AS_LIST(self), a[0], a[1])) return false;
  *out = val_none();
  return true;
}

NATIVE(l_reverse) {
  SELF(CLS_LIST, "reverse");
  ARGS("list.reverse", 0, 0);
  obj_list *l = AS_LIST(self);
  for (size_t i = 0, j = l->count ? l->count - 1 : 0; i < j; i++, j--) {
    value t = l->items[i];
    l->items[i] = l->items[j];
    l->items[j] = t;
  }
  *out = val_none();
  return true;
}

NATIVE(l_copy) {
  SELF(CLS_LIST, "copy");
  ARGS("list.copy", 0, 0);
  obj_list *l = vm_to_list(v, self);
  if (!l) return false;
  *out = val_obj(l);
  return true;
}

NATIVE(l_clear) {
  SELF(CLS_LIST, "clear");
  ARGS("list.clear", 0, 0);
  AS_LIST(self)->count = 0;
  *out = val_none();
  return true;
}

/* ================================================================ tuple */

NATIVE(t_index) {
  SELF(CLS_TUPLE, "index");
  ARGS("=index", 1, 3);
  obj_tuple *t = AS_TUPLE(self);
  int64_t st, en;
  if (!index_bounds(v, args + 1, nargs - 1, (int64_t)t->count, &st, &en)) return false;
  for (int64_t i = st; i < en && i < (int64_t)t->count; i++) {
    bool eq;
    if (!obj_equal(v, t->items[i], args[0], &eq)) return false;
    if (eq) {
      *out = val_int(i);
      return true;
    }
  }
  vm_raise_msg(v, CLS_VALUE_ERROR, "tuple.index(x): x not in tuple");
  return false;
}

NATIVE(t_count) {
  SELF(CLS_TUPLE, "count");
  ARGS("tuple.count", 1, 1);
  return count_in(v, self, args[0], out);
}

/* ================================================================ dict */

NATIVE(d_get) {
  SELF(CLS_DICT, "get");
  ARGS("=get", 1, 2);
  bool found;
  if (!obj_dict_get(v, AS_DICT(self), args[0], out, &found)) return false;
  if (!found) *out = nargs == 2 ? args[1] : val_none();
  return true;
}

static bool make_view(vm *v, value self, iter_kind ik, value *out) {
  obj_iter *it = obj_iter_new(v, ik, self);
  if (!it) return false;
  *out = val_obj(it);
  return true;
}

NATIVE(d_keys) {
  SELF(CLS_DICT, "keys");
  ARGS("dict.keys", 0, 0);
  return make_view(v, self, ITER_VIEW_KEYS, out);
}

NATIVE(d_values) {
  SELF(CLS_DICT, "values");
  ARGS("dict.values", 0, 0);
  return make_view(v, self, ITER_VIEW_VALUES, out);
}

NATIVE(d_items) {
  SELF(CLS_DICT, "items");
  ARGS("dict.items", 0, 0);
  return make_view(v, self, ITER_VIEW_ITEMS, out);
}

NATIVE(d_pop) {
  SELF(CLS_DICT, "pop");
  ARGS("=pop", 1, 2);
  bool found;
  if (!obj_dict_get(v, AS_DICT(self), args[0], out, &found)) return false;
  if (!found) {
    if (nargs == 2) {
      *out = args[1];
      return true;
    }
    return bi_raise_key_error(v, args[0]);
  }
  return obj_dict_del(v, AS_DICT(self), args[0], &found);
}

NATIVE(d_popitem) {
  SELF(CLS_DICT, "popitem");
  ARGS("dict.popitem", 0, 0);
  obj_dict *d = AS_DICT(self);
  for (size_t i = d->used; i-- > 0;) {
    dict_entry *e = &d->entries[i];
    if (e->key.t == VAL_UNDEF) continue;
    obj_tuple *t = bi_tuple2(v, e->key, e->val);
    bool found;
    if (!t || !obj_dict_del(v, d, t->items[0], &found)) return false;
    *out = val_obj(t);
    return true;
  }
  value msg = val_obj(obj_str_cstr(v, "popitem(): dictionary is empty"));
  if (msg.as.o == NULL) return false;
  return bi_raise_key_error(v, msg);
}

NATIVE(d_setdefault) {
  SELF(CLS_DICT, "setdefault");
  ARGS("=setdefault", 1, 2);
  bool found;
  if (!obj_dict_get(v, AS_DICT(self), args[0], out, &found)) return false;
  if (found) return true;
  *out = nargs == 2 ? args[1] : val_none();
  return obj_dict_set(v, AS_DICT(self), args[0], *out);
}

NATIVE(d_update) {
  SELF(CLS_DICT, "update");
  if (nargs > 1) {
    vm_raisef(v, CLS_TYPE_ERROR, "update expected at most 1 argument, got %d", nargs);
    return false;
  }
  if (!bi_dict_update(v, AS_DICT(self), nargs ? args[0] : val_undef(), args + nargs, kw))
    return false;
  *out = val_none();
  return true;
}

NATIVE(d_copy) {
  SELF(CLS_DICT, "copy");
  ARGS("dict.copy", 0, 0);
  obj_dict *d = obj_dict_new(v);
  if (!d || !bi_dict_update(v, d, self, NULL, NULL)) return false;
  *out = val_obj(d);
  return true;
}

NATIVE(d_clear) {
  SELF(CLS_DICT, "clear");
  ARGS("dict.clear", 0, 0);
  obj_dict_clear(v, AS_DICT(self));
  *out = val_none();
  return true;
}

NATIVE(d_fromkeys) {
  /* a class method: self is the class (or unset when called as dict.fromkeys) */
  if (self.t != VAL_UNDEF && !val_is(self, OBJ_CLASS) && !val_is(self, OBJ_DICT)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "fromkeys() needs the dict class");
    return false;
  }
  ARGS("=fromkeys", 1, 2);
  obj_list *keys = vm_to_list(v, args[0]);
  obj_dict *d = obj_dict_new(v);
  if (!keys || !d) return false;
  for (size_t i = 0; i < keys->count; i++)
    if (!obj_dict_set(v, d, keys->items[i], nargs == 2 ? args[1] : val_none())) return false;
  *out = val_obj(d);
  return true;
}

/* ================================================================ set */

static bool set_self(vm *v, value *self, const value **args, int *nargs, bool mutating,
                     const char *mname) {
  if (self->t == VAL_UNDEF && *nargs > 0 && val_is((*args)[0], OBJ_FROZENSET) && !mutating) {
    *self = (*args)[0];
    (*args)++;
    (*nargs)--;
    return true;
  }
  if (val_is(*self, OBJ_FROZENSET) && !mutating) return true;
  return bi_take_self(v, self, args, nargs, v->cls[CLS_SET], mname);
}

#define SSELF(mname, mut)                                                                          \
  do {                                                                                             \
    if (!set_self(v, &self, &args, &nargs, mut, mname)) return false;                              \
  } while (0)

/* Any iterable as a set (sets themselves are used as they are). */
static obj_dict *as_set(vm *v, value x) {
  if (val_is(x, OBJ_SET) || val_is(x, OBJ_FROZENSET)) return AS_DICT(x);
  return obj_set_from(v, OBJ_SET, x);
}

NATIVE(s_add) {
  SSELF("add", true);
  ARGS("set.add", 1, 1);
  if (!obj_set_add(v, AS_DICT(self), args[0])) return false;
  *out = val_none();
  return true;
}

/* set.remove/discard/__contains__ retry an unhashable set key as a frozenset */
static value frozen_key(vm *v, value key) {
  if (!val_is(key, OBJ_SET)) return key;
  obj_dict *f = obj_set_from(v, OBJ_FROZENSET, key);
  return f ? val_obj(f) : val_undef();
}

NATIVE(s_remove) {
  SSELF("remove", true);
  ARGS("set.remove", 1, 1);
  bool found;
  value key = frozen_key(v, args[0]);
  if (key.t == VAL_UNDEF) return false;
  if (!obj_dict_del(v, AS_DICT(self), key, &found)) return false;
  if (!found) return bi_raise_key_error(v, args[0]);
  *out = val_none();
  return true;
}

NATIVE(s_discard) {
  SSELF("discard", true);
  ARGS("set.discard", 1, 1);
  bool found;
  value key = frozen_key(v, args[0]);
  if (key.t == VAL_UNDEF || !obj_dict_del(v, AS_DICT(self), key, &found)) return false;
  *out = val_none();
  return true;
}

NATIVE(s_pop) {
  SSELF("pop", true);
  ARGS("set.pop", 0, 0);
  bool found;
  if (!obj_set_pop(v, AS_DICT(self), out, &found)) return false;
  if (found) return true;
  value msg = val_obj(obj_str_cstr(v, "pop from an empty set"));
  if (msg.as.o == NULL) return false;
  return bi_raise_key_error(v, msg);
}

NATIVE(s_clear) {
  SSELF("clear", true);
  ARGS("set.clear", 0, 0);
  obj_dict_clear(v, AS_DICT(self));
  *out = val_none();
  return true;
}

NATIVE(s_copy) {
  SSELF("copy", false);
  ARGS("set.copy", 0, 0);
  if (val_is(self, OBJ_FROZENSET)) {
    *out = self;
    return true;
  }
  obj_dict *r = obj_set_copy(v, AS_DICT(self));
  if (!r) return false;
  *out = val_obj(r);
  return true;
}

NATIVE(s_union) {
  SSELF("union", false);
  if (!bi_no_kwargs(v, "union", kw)) return false;
  obj_dict *r = obj_set_copy(v, AS_DICT(self));
  if (!r) return false;
  for (int i = 0; i < nargs; i++) {
    if (val_is(args[i], OBJ_SET) && AS_DICT(args[i]) == AS_DICT(self)) continue;
    if (!obj_set_update(v, r, args[i])) return false;
  }
  *out = val_obj(r);
  return true;
}

/* set_intersection_multi */
static obj_dict *intersection_multi(vm *v, value self, const value *args, int nargs) {
  if (nargs == 0) return obj_set_copy(v, AS_DICT(self));
  obj_dict *r = AS_DICT(self);
  for (int i = 0; i < nargs; i++)
    if (!(r = obj_set_intersection(v, r, args[i]))) return NULL;
  return r;
}

NATIVE(s_intersection) {
  SSELF("intersection", false);
  if (!bi_no_kwargs(v, "intersection", kw)) return false;
  obj_dict *r = intersection_multi(v, self, args, nargs);
  if (!r) return false;
  *out = val_obj(r);
  return true;
}

NATIVE(s_intersection_update) {
  SSELF("intersection_update", true);
  if (!bi_no_kwargs(v, "intersection_update", kw)) return false;
  obj_dict *r = intersection_multi(v, self, args, nargs);
  if (!r) return false;
  if (r != AS_DICT(self)) obj_set_take(AS_DICT(self), r);
  *out = val_none();
  return true;
}

NATIVE(s_difference) {
  SSELF("difference", false);
  if (!bi_no_kwargs(v, "difference", kw)) return false;
  obj_dict *r;
  if (nargs == 0) r = obj_set_copy(v, AS_DICT(self));
  else if (nargs == 1) r = obj_set_difference(v, AS_DICT(self), args[0]);
  else {
    r = obj_set_copy(v, AS_DICT(self));
    for (int i = 0; r && i < nargs; i++)
      if (!obj_set_difference_update(v, r, args[i])) r = NULL;
  }
  if (!r) return false;
  *out = val_obj(r);
  return true;
}

NATIVE(s_update) {
  SSELF("update", true);
  if (!bi_no_kwargs(v, "update", kw)) return false;
  for (int i = 0; i < nargs; i++)
    if (!obj_set_update(v, AS_DICT(self), args[i])) return false;
  *out = val_none();
  return true;
}

NATIVE(s_difference_update) {
  SSELF("difference_update", true);
  if (!bi_no_kwargs(v, "difference_update", kw)) return false;
  for (int i = 0; i < nargs; i++)
    if (!obj_set_difference_update(v, AS_DICT(self), args[i])) return false;
  *out = val_none();
  return true;
}

NATIVE(s_symmetric_difference) {
  SSELF("symmetric_difference", false);
  ARGS("set.symmetric_difference", 1, 1);
  obj_dict *r = obj_set_symmetric_difference(v, AS_DICT(self), args[0]);
  if (!r) return false;
  *out = val_obj(r);
  return true;
}

NATIVE(s_symmetric_difference_update) {
  SSELF("symmetric_difference_update", true);
  ARGS("set.symmetric_difference_update", 1, 1);
  if (!obj_set_symmetric_difference_update(v, AS_DICT(self), args[0])) return false;
  *out = val_none();
  return true;
}

static bool subset_of(vm *v, obj_dict *a, obj_dict *b, bool *out) {
  *out = true;
  size_t p = 0;
  dict_entry *e;
  while (obj_dict_next(a, &p, &e)) {
    bool found;
    if (!obj_set_contains(v, b, e->key, &found)) return false;
    if (!found) {
      *out = false;
      return true;
    }
  }
  return true;
}

NATIVE(s_issubset) {
  SSELF("issubset", false);
  ARGS("set.issubset", 1, 1);
  obj_dict *o = as_set(v, args[0]);
  bool r;
  if (!o || !subset_of(v, AS_DICT(self), o, &r)) return false;
  *out = val_bool(r);
  return true;
}

NATIVE(s_issuperset) {
  SSELF("issuperset", false);
  ARGS("set.issuperset", 1, 1);
  obj_dict *o = as_set(v, args[0]);
  bool r;
  if (!o || !subset_of(v, o, AS_DICT(self), &r)) return false;
  *out = val_bool(r);
  return true;
}

NATIVE(s_isdisjoint) {
  SSELF("isdisjoint", false);
  ARGS("set.isdisjoint", 1, 1);
  obj_dict *o = as_set(v, args[0]);
  if (!o) return false;
  size_t p = 0;
  dict_entry *e;
  while (obj_dict_next(AS_DICT(self), &p, &e)) {
    bool found;
    if (!obj_set_contains(v, o, e->key, &found)) return false;
    if (found) {
      *out = val_bool(false);
      return true;
    }
  }
  *out = val_bool(true);
  return true;
}

/* ================================================================ numbers */

NATIVE(i_bit_length) {
  SELF(CLS_INT, "bit_length");
  ARGS("int.bit_length", 0, 0);
  int64_t i = self.t == VAL_BOOL ? self.as.b : self.as.i;
  uint64_t m = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  int n = 0;
  while (m) {
    n++;
    m >>= 1;
  }
  *out = val_int(n);
  return true;
}

NATIVE(i_bit_count) {
  SELF(CLS_INT, "bit_count");
  ARGS("int.bit_count", 0, 0);
  int64_t i = self.t == VAL_BOOL ? self.as.b : self.as.i;
  uint64_t m = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  *out = val_int(__builtin_popcountll(m));
  return true;
}

NATIVE(i_conjugate) {
  SELF(CLS_INT, "conjugate");
  ARGS("int.conjugate", 0, 0);
  *out = val_int(self.t == VAL_BOOL ? self.as.b : self.as.i);
  return true;
}

NATIVE(f_is_integer) {
  SELF(CLS_FLOAT, "is_integer");
  ARGS("float.is_integer", 0, 0);
  double d = self.as.f;
  *out = val_bool(isfinite(d) && d == floor(d));
  return true;
}

NATIVE(f_conjugate) {
  SELF(CLS_FLOAT, "conjugate");
  ARGS("float.conjugate", 0, 0);
  *out = self;
  return true;
}

/* ================================================================ install */

typedef struct method_def {
  obj_type_slot slot; /* class */
  const char *name;   /* method name */
  native_fn fn;       /* implementation */
} method_def;

static const method_def methods[] = {
    {CLS_LIST, "append", l_append},
    {CLS_LIST, "extend", l_extend},
    {CLS_LIST, "pop", l_pop},
    {CLS_LIST, "insert", l_insert},
    {CLS_LIST, "index", l_index},
    {CLS_LIST, "count", l_count},
    {CLS_LIST, "remove", l_remove},
    {CLS_LIST, "sort", l_sort},
    {CLS_LIST, "reverse", l_reverse},
    {CLS_LIST, "copy", l_copy},
    {CLS_LIST, "clear", l_clear},
    {CLS_TUPLE, "index", t_index},
    {CLS_TUPLE, "count", t_count},
    {CLS_DICT, "get", d_get},
    {CLS_DICT, "keys", d_keys},
    {CLS_DICT, "values", d_values},
    {CLS_DICT, "items", d_items},
    {CLS_DICT, "pop", d_pop},
    {CLS_DICT, "popitem", d_popitem},
    {CLS_DICT, "setdefault", d_setdefault},
    {CLS_DICT, "update", d_update},
    {CLS_DICT, "copy", d_copy},
    {CLS_DICT, "clear", d_clear},
    {CLS_DICT, "fromkeys", d_fromkeys},
    {CLS_SET, "add", s_add},
    {CLS_SET, "remove", s_remove},
    {CLS_SET, "discard", s_discard},
    {CLS_SET, "pop", s_pop},
    {CLS_SET, "clear", s_clear},
    {CLS_SET, "copy", s_copy},
    {CLS_SET, "union", s_union},
    {CLS_SET, "intersection", s_intersection},
    {CLS_SET, "difference", s_difference},
    {CLS_SET, "symmetric_difference", s_symmetric_difference},
    {CLS_SET, "update", s_update},
    {CLS_SET, "intersection_update", s_intersection_update},
    {CLS_SET, "difference_update", s_difference_update},
    {CLS_SET, "symmetric_difference_update", s_symmetric_difference_update},
    {CLS_SET, "issubset", s_issubset},
    {CLS_SET, "issuperset", s_issuperset},
    {CLS_SET, "isdisjoint", s_isdisjoint},
    {CLS_FROZENSET, "copy", s_copy},
    {CLS_FROZENSET, "union", s_union},
    {CLS_FROZENSET, "intersection", s_intersection},
    {CLS_FROZENSET, "difference", s_difference},
    {CLS_FROZENSET, "symmetric_difference", s_symmetric_difference},
    {CLS_FROZENSET, "issubset", s_issubset},
    {CLS_FROZENSET, "issuperset", s_issuperset},
    {CLS_FROZENSET, "isdisjoint", s_isdisjoint},
    {CLS_INT, "bit_length", i_bit_length},
    {CLS_INT, "bit_count", i_bit_count},
    {CLS_INT, "conjugate", i_conjugate},
    {CLS_FLOAT, "is_integer", f_is_integer},
    {CLS_FLOAT, "conjugate", f_conjugate},
};

bool bi_install_coll_methods(vm *v) {
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
    if (!vm_def_method(v, v->cls[methods[i].slot], methods[i].name, methods[i].fn)) return false;
  return true;
}
