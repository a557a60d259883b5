/* deque: a native FIFO for the asyncio prelude (see deque.h). */
#include "deque.h"

#include <string.h>

#include "gc.h"

void deque_release(vm *v, obj_native_obj *o) {
  deque_data *d = o->data;
  if (!d)
    return;
  if (d->items)
    vm_realloc(v, d->items, d->cap * sizeof(value), 0);
  vm_realloc(v, d, sizeof *d, 0);
  o->data = NULL;
}

static bool deque_mark(vm *v, obj_native_obj *o) {
  deque_data *d = o->data;
  if (!d)
    return true;
  for (size_t i = 0; i < d->count; i++)
    if (!gc_mark_value(v, d->items[deque_slot(d, i)]))
      return false;
  return true;
}

bool deque_push(vm *v, value d, value x) {
  deque_data *dd = deque_data_of(d);
  if (dd->count == dd->cap) {
    size_t cap = dd->cap ? dd->cap * 2 : 8;
    value *items = vm_realloc(v, NULL, 0, cap * sizeof(value));
    if (!items)
      return false;
    for (size_t i = 0; i < dd->count; i++)
      items[i] = dd->items[deque_slot(dd, i)];
    if (dd->items)
      vm_realloc(v, dd->items, dd->cap * sizeof(value), 0);
    dd->items = items;
    dd->cap = cap;
    dd->head = 0;
  }
  dd->items[deque_slot(dd, dd->count)] = x;
  dd->count++;
  return true;
}

/* The native methods get self checked by this: a _Deque made by deque_new. */
static bool check_self(vm *v, value self, const char *method) {
  if (deque_is(self))
    return true;
  vm_raisef(v, CLS_TYPE_ERROR, "descriptor '%s' requires a '_Deque' object", method);
  return false;
}

static bool check_args(vm *v, const char *method, int nargs, obj_tuple *kw, int want) {
  if (kw && kw->count) {
    vm_raisef(v, CLS_TYPE_ERROR, "_Deque.%s() takes no keyword arguments", method);
    return false;
  }
  if (nargs != want) {
    vm_raisef(v, CLS_TYPE_ERROR, "_Deque.%s() takes exactly %d argument%s (%d given)", method, want,
              want == 1 ? "" : "s", nargs);
    return false;
  }
  return true;
}

static bool deque_new(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  if (!check_args(v, "__new__", nargs, kw, 0))
    return false;
  obj_native_obj *o = vm_alloc(v, OBJ_NATIVE_OBJ, sizeof *o);
  if (!o)
    return false;
  o->cls = AS_CLASS(self);
  o->free = deque_release;
  o->mark = deque_mark;
  deque_data *d = vm_realloc(v, NULL, 0, sizeof *d);
  if (!d)
    return false;
  memset(d, 0, sizeof *d);
  o->data = d;
  *out = val_obj(o);
  return true;
}

static bool deque_append(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  if (!check_self(v, self, "append") || !check_args(v, "append", nargs, kw, 1))
    return false;
  if (!deque_push(v, self, args[0]))
    return false;
  *out = val_none();
  return true;
}

static bool deque_popleft(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                          value *out) {
  (void)args;
  if (!check_self(v, self, "popleft") || !check_args(v, "popleft", nargs, kw, 0))
    return false;
  deque_data *d = deque_data_of(self);
  if (d->count == 0) {
    vm_raise_msg(v, CLS_INDEX_ERROR, "pop from an empty deque");
    return false;
  }
  *out = deque_pop_first(self);
  return true;
}

static bool deque_first(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                        value *out) {
  (void)args;
  if (!check_self(v, self, "first") || !check_args(v, "first", nargs, kw, 0))
    return false;
  deque_data *d = deque_data_of(self);
  if (d->count == 0) {
    vm_raise_msg(v, CLS_INDEX_ERROR, "deque index out of range");
    return false;
  }
  *out = d->items[d->head];
  return true;
}

/* remove(x): the first item that is x or equals it (== may run Python code,
 * which may change the deque: CPython then raises, as here). */
static bool deque_remove(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                         value *out) {
  if (!check_self(v, self, "remove") || !check_args(v, "remove", nargs, kw, 1))
    return false;
  deque_data *d = deque_data_of(self);
  for (size_t i = 0; i < d->count; i++) {
    value y = d->items[deque_slot(d, i)];
    bool eq = obj_is(y, args[0]);
    if (!eq) {
      size_t count = d->count;
      if (!obj_equal(v, y, args[0], &eq))
        return false;
      if (d != deque_data_of(self) || count != d->count) {
        vm_raise_msg(v, CLS_INDEX_ERROR, "deque mutated during remove().");
        return false;
      }
    }
    if (eq) {
      for (size_t j = i; j + 1 < d->count; j++)
        d->items[deque_slot(d, j)] = d->items[deque_slot(d, j + 1)];
      d->count--;
      d->items[deque_slot(d, d->count)] = val_none();
      *out = val_none();
      return true;
    }
  }
  vm_raise_msg(v, CLS_VALUE_ERROR, "deque.remove(x): x not in deque");
  return false;
}

static bool deque_len(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  if (!check_self(v, self, "__len__") || !check_args(v, "__len__", nargs, kw, 0))
    return false;
  *out = val_int((int64_t)deque_data_of(self)->count);
  return true;
}

static bool deque_bool(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  if (!check_self(v, self, "__bool__") || !check_args(v, "__bool__", nargs, kw, 0))
    return false;
  *out = val_bool(deque_data_of(self)->count != 0);
  return true;
}

/* iter(d): over a snapshot, in order */
static bool deque_iter(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  if (!check_self(v, self, "__iter__") || !check_args(v, "__iter__", nargs, kw, 0))
    return false;
  deque_data *d = deque_data_of(self);
  obj_list *l = obj_list_new(v, d->count);
  if (!l)
    return false;
  for (size_t i = 0; i < d->count; i++)
    l->items[i] = d->items[deque_slot(d, i)];
  l->count = d->count;
  obj_iter *it = obj_iter_new(v, ITER_SEQ, val_obj(l));
  if (!it)
    return false;
  *out = val_obj(it);
  return true;
}

bool deque_install(vm *v, obj_dict *ns) {
  obj_str *name = obj_str_intern(v, "_Deque", 6);
  if (!name)
    return false;
  obj_class *c = obj_class_new(v, name, v->cls[CLS_OBJECT]);
  if (!c)
    return false;
  c->module = obj_str_intern(v, "asyncio", 7);
  if (!c->module)
    return false;
  static const struct {
    const char *name; /* method name */
    native_fn fn;     /* its implementation */
  } methods[] = {
      {"__new__", deque_new},   {"append", deque_append}, {"popleft", deque_popleft},
      {"first", deque_first},   {"remove", deque_remove}, {"__len__", deque_len},
      {"__bool__", deque_bool}, {"__iter__", deque_iter},
  };
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
    if (!vm_def_method(v, c, methods[i].name, methods[i].fn))
      return false;
  return obj_dict_set_cstr(v, ns, "_Deque", val_obj(c));
}
