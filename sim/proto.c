/* proto: repr, str, format, iteration, len, items and membership for every
 * kind of value (the "attributes and protocols" part of vm.h; attributes
 * themselves are in attr.c).
 *
 * Default reprs print a fake address (obj_addr), deterministic per run. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "builtins.h"
#include "ops.h"
#include "vm.h"

#define OK(x)                                                                                      \
  do {                                                                                             \
    if ((x) != FMT_OK) return bi_nomem(v);                                                         \
  } while (0)

/* ------------------------------------------------------------ recursion */

static bool depth_enter(vm *v, const char *what) {
  int max = v->opts.limits.max_recursion;
  if (max > 0 && v->depth + 1 > max) {
    vm_raisef(v, CLS_RECURSION_ERROR, "maximum recursion depth exceeded%s", what);
    return false;
  }
  v->depth++;
  return true;
}

/* Py_ReprEnter: true (and *busy) when o's repr is already in progress. */
static bool repr_enter(vm *v, obj *o, bool *busy) {
  *busy = false;
  if (!v->repr_guard) {
    v->repr_guard = obj_list_new(v, 8);
    if (!v->repr_guard) return false;
  }
  for (size_t i = 0; i < v->repr_guard->count; i++)
    if (v->repr_guard->items[i].as.o == o) {
      *busy = true;
      return true;
    }
  return obj_list_append(v, v->repr_guard, val_obj(o));
}

static void repr_leave(vm *v, obj *o) {
  obj_list *g = v->repr_guard;
  for (size_t i = g->count; i-- > 0;)
    if (g->items[i].as.o == o) {
      memmove(&g->items[i], &g->items[i + 1], (g->count - i - 1) * sizeof(value));
      g->count--;
      return;
    }
}

/* ------------------------------------------------------------ repr */

static bool class_full_name(vm *v, obj_class *c, fmt_buf *out) {
  if (strcmp(c->module->data, "builtins") != 0) {
    OK(fmt_buf_append(out, c->module->data, c->module->len));
    OK(fmt_buf_appendc(out, '.'));
  }
  OK(fmt_buf_append(out, c->qualname->data, c->qualname->len));
  return true;
}

static bool default_object_repr(vm *v, value x, fmt_buf *out) {
  obj_class *c = obj_class_of(v, x);
  OK(fmt_buf_appends(out, "<"));
  if (!class_full_name(v, c, out)) return false;
  OK(fmt_buf_appendf(out, " object at 0x%" PRIx64 ">", obj_addr(v, x)));
  return true;
}

static bool repr_items(vm *v, const value *items, size_t n, fmt_buf *out) {
  for (size_t i = 0; i < n; i++) {
    if (i) OK(fmt_buf_appends(out, ", "));
    if (!vm_repr(v, items[i], out)) return false;
  }
  return true;
}

static bool repr_dict_body(vm *v, obj_dict *d, fmt_buf *out) {
  size_t p = 0;
  dict_entry *e;
  bool first = true;
  while (p < d->used) {
    if (!obj_dict_next(d, &p, &e)) break;
    value key = e->key, val = e->val;
    if (!first) OK(fmt_buf_appends(out, ", "));
    first = false;
    if (!vm_repr(v, key, out)) return false;
    OK(fmt_buf_appends(out, ": "));
    if (!vm_repr(v, val, out)) return false;
  }
  return true;
}

static bool repr_set_body(vm *v, obj_dict *s, fmt_buf *out) {
  obj_tuple *t = obj_set_ordered(v, s);
  if (!t) return false;
  return repr_items(v, t->items, t->count, out);
}

static bool repr_view(vm *v, obj_iter *it, fmt_buf *out) {
  obj_dict *d = AS_DICT(it->src);
  const char *name = it->ik == ITER_VIEW_KEYS     ? "dict_keys"
                     : it->ik == ITER_VIEW_VALUES ? "dict_values"
                                                  : "dict_items";
  OK(fmt_buf_appendf(out, "%s([", name));
  size_t p = 0;
  dict_entry *e;
  bool first = true;
  while (obj_dict_next(d, &p, &e)) {
    value key = e->key, val = e->val;
    if (!first) OK(fmt_buf_appends(out, ", "));
    first = false;
    if (it->ik == ITER_VIEW_ITEMS) {
      OK(fmt_buf_appendc(out, '('));
      if (!vm_repr(v, key, out)) return false;
      OK(fmt_buf_appends(out, ", "));
      if (!vm_repr(v, val, out)) return false;
      OK(fmt_buf_appendc(out, ')'));
    } else if (!vm_repr(v, it->ik == ITER_VIEW_KEYS ? key : val, out)) {
      return false;
    }
  }
  OK(fmt_buf_appends(out, "])"));
  return true;
}

static bool is_group_class(vm *v, obj_class *c) {
  return obj_class_is_sub(c, v->cls[CLS_BASE_EXCEPTION_GROUP]) ||
         obj_class_is_sub(c, v->cls[CLS_EXCEPTION_GROUP]);
}

static bool exception_repr(vm *v, obj_exception *e, fmt_buf *out) {
  OK(fmt_buf_append(out, e->cls->name->data, e->cls->name->len));
  if (e->args->count == 1) {
    OK(fmt_buf_appendc(out, '('));
    if (!vm_repr(v, e->args->items[0], out)) return false;
    OK(fmt_buf_appendc(out, ')'));
    return true;
  }
  return vm_repr(v, val_obj(e->args), out);
}

static bool exception_str(vm *v, obj_exception *e, fmt_buf *out) {
  obj_tuple *a = e->args;
  if (a->count == 0) return true;
  if (is_group_class(v, e->cls) && a->count == 2) {
    if (!vm_str(v, a->items[0], out)) return false;
    size_t n = e->group ? e->group->count : 0;
    OK(fmt_buf_appendf(out, " (%zu sub-exception%s)", n, n == 1 ? "" : "s"));
    return true;
  }
  if (a->count == 1) {
    if (obj_class_is_sub(e->cls, v->cls[CLS_KEY_ERROR])) return vm_repr(v, a->items[0], out);
    return vm_str(v, a->items[0], out);
  }
  return vm_repr(v, val_obj(a), out);
}

static const char *module_origin(const char *name) {
  static const struct {
    const char *name;   /* module */
    const char *origin; /* how CPython's repr shows where it came from */
  } known[] = {
      {"time", "(built-in)"},
      {"asyncio", "from '/usr/lib/python3.11/asyncio/__init__.py'"},
      {"random", "from '/usr/lib/python3.11/random.py'"},
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp(known[i].name, name) == 0) return known[i].origin;
  return "(built-in)";
}

/* A user (or loop-provided) __repr__/__str__ found in x's class chain;
 * VAL_UNDEF when only the builtin default applies. */
static value special_method(vm *v, value x, obj_str *name) {
  value m = obj_class_lookup(obj_class_of(v, x), name);
  if (m.t == VAL_UNDEF) return m;
  if (val_is(m, OBJ_NATIVE) && AS_NATIVE(m)->owner &&
      (AS_NATIVE(m)->owner == v->cls[CLS_OBJECT] ||
       AS_NATIVE(m)->owner == v->cls[CLS_BASE_EXCEPTION]))
    return val_undef();
  return m;
}

static bool call_text_method(vm *v, value x, obj_str *name, const char *what, fmt_buf *out) {
  value r;
  bool found;
  if (!depth_enter(v, " while getting the repr of an object")) return false;
  bool ok = bi_call_dunder(v, x, name, NULL, 0, &r, &found);
  v->depth--;
  if (!ok) return false;
  if (!val_is(r, OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s returned non-string (type %s)", what, obj_type_name(v, r));
    return false;
  }
  OK(fmt_buf_append(out, AS_STR(r)->data, AS_STR(r)->len));
  return true;
}

static bool container_repr(vm *v, value x, fmt_buf *out) {
  obj *o = x.as.o;
  bool busy;
  if (!repr_enter(v, o, &busy)) return false;
  if (busy) {
    switch (o->kind) {
    case OBJ_LIST: OK(fmt_buf_appends(out, "[...]")); break;
    case OBJ_TUPLE: OK(fmt_buf_appends(out, "(...)")); break;
    case OBJ_DICT: OK(fmt_buf_appends(out, "{...}")); break;
    default: OK(fmt_buf_appendf(out, "%s(...)", obj_type_name(v, x))); break;
    }
    return true;
  }
  if (!depth_enter(v, " while getting the repr of an object")) {
    repr_leave(v, o);
    return false;
  }
  bool ok = true;
  switch (o->kind) {
  case OBJ_LIST: {
    if (fmt_buf_appendc(out, '[') != FMT_OK) { ok = bi_nomem(v); break; }
    obj_list *l = AS_LIST(x);
    for (size_t i = 0; ok && i < l->count; i++) {
      if (i && fmt_buf_appends(out, ", ") != FMT_OK) ok = bi_nomem(v);
      if (ok) ok = vm_repr(v, l->items[i], out);
    }
    if (ok && fmt_buf_appendc(out, ']') != FMT_OK) ok = bi_nomem(v);
    break;
  }
  case OBJ_TUPLE: {
    obj_tuple *t = AS_TUPLE(x);
    if (fmt_buf_appendc(out, '(') != FMT_OK) { ok = bi_nomem(v); break; }
    ok = repr_items(v, t->items, t->count, out);
    if (ok && fmt_buf_appends(out, t->count == 1 ? ",)" : ")") != FMT_OK) ok = bi_nomem(v);
    break;
  }
  case OBJ_DICT:
    if (fmt_buf_appendc(out, '{') != FMT_OK) { ok = bi_nomem(v); break; }
    ok = repr_dict_body(v, AS_DICT(x), out);
    if (ok && fmt_buf_appendc(out, '}') != FMT_OK) ok = bi_nomem(v);
    break;
  case OBJ_SET:
  case OBJ_FROZENSET: {
    obj_dict *s = AS_DICT(x);
    bool frozen = o->kind == OBJ_FROZENSET;
    if (s->count == 0) {
      if (fmt_buf_appends(out, frozen ? "frozenset()" : "set()") != FMT_OK) ok = bi_nomem(v);
      break;
    }
    if (fmt_buf_appends(out, frozen ? "frozenset({" : "{") != FMT_OK) { ok = bi_nomem(v); break; }
    ok = repr_set_body(v, s, out);
    if (ok && fmt_buf_appends(out, frozen ? "})" : "}") != FMT_OK) ok = bi_nomem(v);
    break;
  }
  case OBJ_ITER: ok = repr_view(v, (obj_iter *)o, out); break;
  default: ok = default_object_repr(v, x, out); break;
  }
  v->depth--;
  repr_leave(v, o);
  return ok;
}

bool vm_repr(vm *v, value x, fmt_buf *out) {
  switch (x.t) {
  case VAL_UNDEF:
  case VAL_NONE: OK(fmt_buf_appends(out, "None")); return true;
  case VAL_BOOL: OK(fmt_buf_appends(out, x.as.b ? "True" : "False")); return true;
  case VAL_INT: OK(fmt_int(out, x.as.i)); return true;
  case VAL_FLOAT: OK(fmt_float_repr(out, x.as.f)); return true;
  case VAL_OBJ: break;
  }
  obj *o = x.as.o;
  switch (o->kind) {
  case OBJ_STR: OK(fmt_str_repr(out, AS_STR(x)->data, AS_STR(x)->len)); return true;
  case OBJ_LIST:
  case OBJ_TUPLE:
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_FROZENSET: return container_repr(v, x, out);
  case OBJ_ITER: {
    obj_iter *it = AS_ITER(x);
    if (it->ik == ITER_VIEW_KEYS || it->ik == ITER_VIEW_VALUES || it->ik == ITER_VIEW_ITEMS)
      return container_repr(v, x, out);
    OK(fmt_buf_appendf(out, "<%s object at 0x%" PRIx64 ">", obj_type_name(v, x), obj_addr(v, x)));
    return true;
  }
  case OBJ_RANGE: {
    obj_range *r = (obj_range *)o;
    if (r->step == 1)
      OK(fmt_buf_appendf(out, "range(%" PRId64 ", %" PRId64 ")", r->start, r->stop));
    else
      OK(fmt_buf_appendf(out, "range(%" PRId64 ", %" PRId64 ", %" PRId64 ")", r->start, r->stop,
                         r->step));
    return true;
  }
  case OBJ_SLICE: {
    obj_slice *s = (obj_slice *)o;
    OK(fmt_buf_appends(out, "slice("));
    if (!vm_repr(v, s->start, out)) return false;
    OK(fmt_buf_appends(out, ", "));
    if (!vm_repr(v, s->stop, out)) return false;
    OK(fmt_buf_appends(out, ", "));
    if (!vm_repr(v, s->step, out)) return false;
    OK(fmt_buf_appendc(out, ')'));
    return true;
  }
  case OBJ_CLASS: {
    OK(fmt_buf_appends(out, "<class '"));
    if (!class_full_name(v, AS_CLASS(x), out)) return false;
    OK(fmt_buf_appends(out, "'>"));
    return true;
  }
  case OBJ_FUNCTION: {
    obj_function *f = AS_FUNCTION(x);
    OK(fmt_buf_appendf(out, "<function %s at 0x%" PRIx64 ">", f->qualname->data, obj_addr(v, x)));
    return true;
  }
  case OBJ_NATIVE: {
    obj_native *n = AS_NATIVE(x);
    if (n->owner)
      OK(fmt_buf_appendf(out, "<method '%s' of '%s' objects>", n->name, n->owner->name->data));
    else
      OK(fmt_buf_appendf(out, "<built-in function %s>", n->name));
    return true;
  }
  case OBJ_BOUND: {
    obj_bound *b = AS_BOUND(x);
    if (val_is(b->func, OBJ_NATIVE)) {
      OK(fmt_buf_appendf(out, "<built-in method %s of ", AS_NATIVE(b->func)->name));
      if (val_is(b->self, OBJ_MODULE)) {
        OK(fmt_buf_appendf(out, "module object at 0x%" PRIx64 ">", obj_addr(v, b->self)));
      } else {
        OK(fmt_buf_appendf(out, "%s object at 0x%" PRIx64 ">", obj_type_name(v, b->self),
                           obj_addr(v, b->self)));
      }
      return true;
    }
    const char *qn = val_is(b->func, OBJ_FUNCTION) ? AS_FUNCTION(b->func)->qualname->data : "?";
    OK(fmt_buf_appendf(out, "<bound method %s of ", qn));
    if (!vm_repr(v, b->self, out)) return false;
    OK(fmt_buf_appendc(out, '>'));
    return true;
  }
  case OBJ_MODULE: {
    obj_module *m = AS_MODULE(x);
    if (strcmp(m->name->data, "__main__") == 0 && v->filename)
      OK(fmt_buf_appendf(out, "<module '__main__' from '%s'>", v->filename));
    else
      OK(fmt_buf_appendf(out, "<module '%s' %s>", m->name->data, module_origin(m->name->data)));
    return true;
  }
  case OBJ_CORO: {
    obj_coro *c = (obj_coro *)o;
    const char *kind = c->ck == CORO_GENERATOR   ? "generator"
                       : c->ck == CORO_ASYNC_GEN ? "async_generator"
                                                 : "coroutine";
    OK(fmt_buf_appendf(out, "<%s object %s at 0x%" PRIx64 ">", kind,
                       c->qualname ? c->qualname->data : "?", obj_addr(v, x)));
    return true;
  }
  case OBJ_AWAITABLE: {
    obj_awaitable *a = (obj_awaitable *)o;
    OK(fmt_buf_appendf(out, "<coroutine object %s at 0x%" PRIx64 ">", a->name ? a->name : "?",
                       obj_addr(v, x)));
    return true;
  }
  case OBJ_CELL: {
    obj_cell *c = (obj_cell *)o;
    if (c->value.t == VAL_UNDEF)
      OK(fmt_buf_appendf(out, "<cell at 0x%" PRIx64 ": empty>", obj_addr(v, x)));
    else
      OK(fmt_buf_appendf(out, "<cell at 0x%" PRIx64 ": %s object at 0x%" PRIx64 ">",
                         obj_addr(v, x), obj_type_name(v, c->value), obj_addr(v, c->value)));
    return true;
  }
  case OBJ_CODE:
    OK(fmt_buf_appendf(out, "<code object at 0x%" PRIx64 ">", obj_addr(v, x)));
    return true;
  case OBJ_EXCEPTION:
  case OBJ_INSTANCE:
  case OBJ_NATIVE_OBJ:
  case OBJ_FUTURE:
  case OBJ_HANDLE: break;
  }
  if (obj_is(x, v->notimpl)) {
    OK(fmt_buf_appends(out, "NotImplemented"));
    return true;
  }
  value m = special_method(v, x, v->s_repr);
  if (m.t != VAL_UNDEF) return call_text_method(v, x, v->s_repr, "__repr__", out);
  if (o->kind == OBJ_EXCEPTION) return exception_repr(v, AS_EXC(x), out);
  if (o->kind == OBJ_NATIVE_OBJ && (((obj_typed *)o)->cls == v->cls[CLS_STATICMETHOD] ||
                                    ((obj_typed *)o)->cls == v->cls[CLS_CLASSMETHOD])) {
    obj_dict *d = ((obj_typed *)o)->dict;
    value f = d ? obj_dict_get_str(d, obj_str_intern(v, "__func__", 8)) : val_undef();
    OK(fmt_buf_appendf(out, "<%s(", ((obj_typed *)o)->cls->name->data));
    if (!vm_repr(v, f, out)) return false;
    OK(fmt_buf_appends(out, ")>"));
    return true;
  }
  if (o->kind == OBJ_NATIVE_OBJ && ((obj_typed *)o)->cls == v->cls[CLS_SUPER]) {
    obj_dict *d = ((obj_typed *)o)->dict;
    value tc = d ? obj_dict_get_str(d, obj_str_intern(v, "__thisclass__", 13)) : val_undef();
    value self = d ? obj_dict_get_str(d, v->s_self) : val_undef();
    OK(fmt_buf_appends(out, "<super: "));
    if (tc.t != VAL_UNDEF && !vm_repr(v, tc, out)) return false;
    OK(fmt_buf_appendf(out, ", <%s object>>", self.t != VAL_UNDEF ? obj_type_name(v, self) : "?"));
    return true;
  }
  return default_object_repr(v, x, out);
}

bool vm_str(vm *v, value x, fmt_buf *out) {
  if (val_is(x, OBJ_STR)) {
    OK(fmt_buf_append(out, AS_STR(x)->data, AS_STR(x)->len));
    return true;
  }
  if (bi_is_typed(x)) {
    value m = special_method(v, x, v->s_str);
    if (m.t != VAL_UNDEF) return call_text_method(v, x, v->s_str, "__str__", out);
    if (x.as.o->kind == OBJ_EXCEPTION) {
      if (!depth_enter(v, " while getting the str of an object")) return false;
      bool ok = exception_str(v, AS_EXC(x), out);
      v->depth--;
      return ok;
    }
  }
  return vm_repr(v, x, out);
}

obj_str *vm_repr_str(vm *v, value x) {
  if (val_is(x, OBJ_STR) && AS_STR(x)->len == 0) return obj_str_new(v, "''", 2);
  fmt_buf b;
  fmt_buf_init(&b);
  if (!vm_repr(v, x, &b)) {
    fmt_buf_free(&b);
    return NULL;
  }
  return bi_str_from_buf(v, &b);
}

obj_str *vm_str_str(vm *v, value x) {
  if (val_is(x, OBJ_STR)) return AS_STR(x);
  fmt_buf b;
  fmt_buf_init(&b);
  if (!vm_str(v, x, &b)) {
    fmt_buf_free(&b);
    return NULL;
  }
  return bi_str_from_buf(v, &b);
}

/* ------------------------------------------------------------ format */

/* What a format spec can make a native build before the result is an object: the width in fill
 * characters, a float's digits. False, with the memory LimitError, when that passes the limit. */
static bool spec_room(vm *v, const fmt_spec *fs) {
  uint64_t fill = fs->fill < 0x80 ? 1 : fs->fill < 0x800 ? 2 : fs->fill < 0x10000 ? 3 : 4;
  uint64_t need = fs->width > 0 ? (uint64_t)fs->width * fill : 0;
  if (fs->kind == FMT_KIND_FLOAT && fs->precision > 0) need += (uint64_t)fs->precision + 400;
  return vm_memory_room(v, need);
}

bool vm_format(vm *v, value x, obj_str *spec, fmt_buf *out) {
  const char *sp = spec ? spec->data : "";
  size_t sl = spec ? spec->len : 0;
  if (bi_is_typed(x)) {
    obj_str *name = obj_str_intern(v, "__format__", 10);
    if (!name) return false;
    value m = obj_class_lookup(obj_class_of(v, x), name);
    if (m.t != VAL_UNDEF) {
      value arg = spec ? val_obj(spec) : val_obj(obj_str_new(v, "", 0));
      value r;
      bool found;
      if (arg.as.o == NULL) return false;
      if (!bi_call_dunder(v, x, name, &arg, 1, &r, &found)) return false;
      if (!val_is(r, OBJ_STR)) {
        vm_raisef(v, CLS_TYPE_ERROR, "__format__ must return a str, not %s", obj_type_name(v, r));
        return false;
      }
      OK(fmt_buf_append(out, AS_STR(r)->data, AS_STR(r)->len));
      return true;
    }
  }
  if (sl == 0) return vm_str(v, x, out);
  fmt_spec fs;
  fmt_buf err;
  fmt_buf_init(&err);
  fmt_result r;
  switch (x.t) {
  case VAL_BOOL:
  case VAL_INT:
    r = fmt_spec_parse(sp, sl, FMT_KIND_INT, "int", &fs, &err);
    if (r == FMT_OK && !spec_room(v, &fs)) goto no_room;
    if (r == FMT_OK)
      r = fmt_format_int(out, x.t == VAL_BOOL ? (int64_t)x.as.b : x.as.i, &fs, &err);
    break;
  case VAL_FLOAT:
    r = fmt_spec_parse(sp, sl, FMT_KIND_FLOAT, "float", &fs, &err);
    if (r == FMT_OK && !spec_room(v, &fs)) goto no_room;
    if (r == FMT_OK) r = fmt_format_float(out, x.as.f, &fs, &err);
    break;
  default:
    if (val_is(x, OBJ_STR)) {
      r = fmt_spec_parse(sp, sl, FMT_KIND_STR, "str", &fs, &err);
      if (r == FMT_OK && !spec_room(v, &fs)) goto no_room;
      if (r == FMT_OK) r = fmt_format_str(out, AS_STR(x)->data, AS_STR(x)->len, &fs, &err);
      break;
    }
    fmt_buf_free(&err);
    vm_raisef(v, CLS_TYPE_ERROR, "unsupported format string passed to %s.__format__",
              obj_type_name(v, x));
    return false;
  }
  if (r != FMT_OK) return bi_fmt_error(v, r, &err);
  fmt_buf_free(&err);
  return true;
no_room:
  fmt_buf_free(&err);
  return false;
}

/* ------------------------------------------------------------ iteration */

static bool not_iterable(vm *v, value x) {
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not iterable", obj_type_name(v, x));
  return false;
}

static bool iter_of(vm *v, iter_kind ik, value src, value *out) {
  obj_iter *it = obj_iter_new(v, ik, src);
  if (!it) return false;
  if (val_is(src, OBJ_DICT) || val_is(src, OBJ_SET) || val_is(src, OBJ_FROZENSET)) {
    it->version = AS_DICT(src)->version;
    it->end = (int64_t)AS_DICT(src)->count;
  }
  *out = val_obj(it);
  return true;
}

static int64_t range_len(const obj_range *r) {
  if (r->step > 0 && r->start < r->stop)
    return (int64_t)(((uint64_t)r->stop - (uint64_t)r->start - 1) / (uint64_t)r->step + 1);
  if (r->step < 0 && r->start > r->stop)
    return (int64_t)(((uint64_t)r->start - (uint64_t)r->stop - 1) / (0 - (uint64_t)r->step) + 1);
  return 0;
}

bool vm_iter(vm *v, value x, value *out) {
  if (x.t != VAL_OBJ) return not_iterable(v, x);
  switch (x.as.o->kind) {
  case OBJ_LIST:
  case OBJ_TUPLE: return iter_of(v, ITER_SEQ, x, out);
  case OBJ_STR: return iter_of(v, ITER_STR, x, out);
  case OBJ_RANGE: {
    if (!iter_of(v, ITER_RANGE, x, out)) return false;
    AS_ITER(*out)->end = range_len((obj_range *)x.as.o);
    return true;
  }
  case OBJ_DICT: return iter_of(v, ITER_DICT_KEYS, x, out);
  case OBJ_SET:
  case OBJ_FROZENSET: {
    obj_tuple *snap = obj_set_ordered(v, AS_DICT(x));
    if (!snap || !iter_of(v, ITER_SET, x, out)) return false;
    AS_ITER(*out)->aux = val_obj(snap);
    return true;
  }
  case OBJ_ITER: {
    obj_iter *it = AS_ITER(x);
    switch (it->ik) {
    case ITER_VIEW_KEYS: return iter_of(v, ITER_DICT_KEYS, it->src, out);
    case ITER_VIEW_VALUES: return iter_of(v, ITER_DICT_VALUES, it->src, out);
    case ITER_VIEW_ITEMS: return iter_of(v, ITER_DICT_ITEMS, it->src, out);
    default: *out = x; return true;
    }
  }
  case OBJ_CORO:
    if (((obj_coro *)x.as.o)->ck == CORO_GENERATOR) {
      *out = x;
      return true;
    }
    return not_iterable(v, x);
  default: break;
  }
  if (bi_is_typed(x)) {
    bool found;
    value r;
    if (!bi_call_dunder(v, x, v->s_iter, NULL, 0, &r, &found)) return false;
    if (found) {
      bool ok = (r.t == VAL_OBJ && (r.as.o->kind == OBJ_ITER || r.as.o->kind == OBJ_CORO)) ||
                (bi_is_typed(r) && obj_class_lookup(obj_class_of(v, r), v->s_next).t != VAL_UNDEF);
      if (val_is(r, OBJ_ITER)) {
        iter_kind k = AS_ITER(r)->ik;
        if (k == ITER_VIEW_KEYS || k == ITER_VIEW_VALUES || k == ITER_VIEW_ITEMS) ok = false;
      }
      if (val_is(r, OBJ_CORO) && ((obj_coro *)r.as.o)->ck != CORO_GENERATOR) ok = false;
      if (!ok) {
        vm_raisef(v, CLS_TYPE_ERROR, "iter() returned non-iterator of type '%s'",
                  obj_type_name(v, r));
        return false;
      }
      *out = r;
      return true;
    }
    if (obj_class_lookup(obj_class_of(v, x), v->s_getitem).t != VAL_UNDEF) {
      /* the old sequence protocol: an iterator calling __getitem__(0, 1, ...) */
      obj_iter *it = obj_iter_new(v, ITER_SEQ, x);
      if (!it) return false;
      *out = val_obj(it);
      return true;
    }
  }
  return not_iterable(v, x);
}

static bool dict_iter_check(vm *v, obj_iter *it, obj_dict *d) {
  if ((int64_t)d->count != it->end) {
    it->pos = INT64_MAX;
    vm_raise_msg(v, CLS_RUNTIME_ERROR,
                 val_is(it->src, OBJ_DICT) ? "dictionary changed size during iteration"
                                           : "Set changed size during iteration");
    return false;
  }
  if (d->version != it->version) {
    it->pos = INT64_MAX;
    vm_raise_msg(v, CLS_RUNTIME_ERROR,
                 val_is(it->src, OBJ_DICT) ? "dictionary keys changed during iteration"
                                           : "Set changed size during iteration");
    return false;
  }
  return true;
}

static bool user_next(vm *v, value it, value *out, bool *done) {
  bool found;
  if (!bi_call_dunder(v, it, v->s_next, NULL, 0, out, &found)) {
    if (vm_exc_matches(v, CLS_STOP_ITERATION)) {
      v->exc = val_undef();
      *done = true;
      return true;
    }
    return false;
  }
  if (!found) {
    vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not an iterator", obj_type_name(v, it));
    return false;
  }
  return true;
}

static bool iter_next_plain(vm *v, value itv, obj_iter *it, value *out, bool *done);

static bool iter_next_wrapped(vm *v, obj_iter *it, value *out, bool *done) {
  return iter_next_plain(v, val_obj(it), it, out, done);
}

bool vm_next(vm *v, value itv, value *out, bool *done) {
  *done = false;
  if (val_is(itv, OBJ_CORO)) {
    obj_coro *c = (obj_coro *)itv.as.o;
    if (c->ck != CORO_GENERATOR) {
      vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not an iterator", obj_type_name(v, itv));
      return false;
    }
    if (c->state == CORO_CLOSED) {
      *out = val_none();
      *done = true;
      return true;
    }
    /* on return, *out keeps the generator's return value (StopIteration.value) */
    exec_status st = vm_coro_resume(v, c, val_none(), val_undef(), out);
    if (st == EXEC_ERROR) return false;
    if (st == EXEC_RETURN) *done = true;
    return true;
  }
  /* Each item a native loop takes (sum, max, all, join, sorted...) counts as an instruction, so
   * that no loop over a huge range escapes the instruction limit. */
  if (++v->instructions > v->instr_stop && !vm_check_limits(v))
    return false;
  if (!val_is(itv, OBJ_ITER)) {
    if (bi_is_typed(itv)) return user_next(v, itv, out, done);
    vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not an iterator", obj_type_name(v, itv));
    return false;
  }
  obj_iter *it = AS_ITER(itv);
  if (it->pos == INT64_MAX) {
    *done = true;
    return true;
  }
  if (it->ik == ITER_ENUMERATE || it->ik == ITER_ZIP || it->ik == ITER_MAP ||
      it->ik == ITER_FILTER) {
    /* iterators over iterators recurse: bound the C stack */
    if (!depth_enter(v, " while iterating")) return false;
    bool ok = iter_next_wrapped(v, it, out, done);
    v->depth--;
    return ok;
  }
  return iter_next_plain(v, itv, it, out, done);
}

static bool iter_next_plain(vm *v, value itv, obj_iter *it, value *out, bool *done) {
  switch (it->ik) {
  case ITER_SEQ: {
    if (val_is(it->src, OBJ_LIST)) {
      obj_list *l = AS_LIST(it->src);
      if (it->pos < 0 || (size_t)it->pos >= l->count) break;
      *out = l->items[it->pos++];
      return true;
    }
    if (val_is(it->src, OBJ_TUPLE)) {
      obj_tuple *t = AS_TUPLE(it->src);
      if ((size_t)it->pos >= t->count) break;
      *out = t->items[it->pos++];
      return true;
    }
    /* __getitem__ sequence protocol: IndexError ends it */
    if (!vm_getitem(v, it->src, val_int(it->pos), out)) {
      if (vm_exc_matches(v, CLS_INDEX_ERROR) || vm_exc_matches(v, CLS_STOP_ITERATION)) {
        v->exc = val_undef();
        break;
      }
      return false;
    }
    it->pos++;
    return true;
  }
  case ITER_STR: {
    obj_str *s = AS_STR(it->src);
    size_t off = (size_t)it->pos;
    if (off >= s->len) break;
    size_t end = off + 1;
    while (end < s->len && ((unsigned char)s->data[end] & 0xC0) == 0x80) end++;
    obj_str *c = obj_str_new(v, s->data + off, end - off);
    if (!c) return false;
    it->pos = (int64_t)end;
    *out = val_obj(c);
    return true;
  }
  case ITER_RANGE: {
    if (it->pos >= it->end) break;
    obj_range *r = (obj_range *)it->src.as.o;
    *out = val_int((int64_t)((uint64_t)r->start + (uint64_t)it->pos * (uint64_t)r->step));
    it->pos++;
    return true;
  }
  case ITER_DICT_KEYS:
  case ITER_DICT_VALUES:
  case ITER_DICT_ITEMS: {
    obj_dict *d = AS_DICT(it->src);
    if (!dict_iter_check(v, it, d)) return false;
    size_t p = (size_t)it->pos;
    dict_entry *e;
    if (!obj_dict_next(d, &p, &e)) break;
    it->pos = (int64_t)p;
    if (it->ik == ITER_DICT_KEYS) *out = e->key;
    else if (it->ik == ITER_DICT_VALUES) *out = e->val;
    else {
      obj_tuple *t = bi_tuple2(v, e->key, e->val);
      if (!t) return false;
      *out = val_obj(t);
    }
    return true;
  }
  case ITER_SET: {
    obj_dict *d = AS_DICT(it->src);
    if (!dict_iter_check(v, it, d)) return false;
    obj_tuple *snap = AS_TUPLE(it->aux);
    if ((size_t)it->pos >= snap->count) break;
    *out = snap->items[it->pos++];
    return true;
  }
  case ITER_ENUMERATE: {
    value x;
    bool d;
    if (!vm_next(v, it->src, &x, &d)) return false;
    if (d) break;
    obj_tuple *t = bi_tuple2(v, val_int(it->pos), x);
    if (!t) return false;
    if (it->pos == INT64_MAX - 1) {
      ops_raise_overflow(v);
      return false;
    }
    it->pos++;
    *out = val_obj(t);
    return true;
  }
  case ITER_ZIP: {
    obj_tuple *its = AS_TUPLE(it->aux);
    if (its->count == 0) break;
    obj_tuple *t = obj_tuple_new(v, its->count);
    if (!t) return false;
    for (size_t i = 0; i < its->count; i++) {
      bool d;
      if (!vm_next(v, its->items[i], &t->items[i], &d)) return false;
      if (d) {
        it->pos = INT64_MAX;
        *done = true;
        return true;
      }
    }
    *out = val_obj(t);
    return true;
  }
  case ITER_REVERSED: {
    if (it->pos < 0) break;
    if (val_is(it->src, OBJ_LIST)) {
      obj_list *l = AS_LIST(it->src);
      if ((size_t)it->pos >= l->count) break;
      *out = l->items[it->pos--];
      return true;
    }
    if (val_is(it->src, OBJ_TUPLE)) {
      *out = AS_TUPLE(it->src)->items[it->pos--];
      return true;
    }
    if (val_is(it->src, OBJ_STR)) {
      /* pos is the byte offset just past the next code point to return */
      obj_str *s = AS_STR(it->src);
      if (it->pos == 0) break;
      size_t end = (size_t)it->pos, start = end - 1;
      while (start > 0 && ((unsigned char)s->data[start] & 0xC0) == 0x80) start--;
      obj_str *c = obj_str_new(v, s->data + start, end - start);
      if (!c) return false;
      it->pos = (int64_t)start;
      *out = val_obj(c);
      return true;
    }
    /* user sequence: __getitem__(pos) */
    if (!vm_getitem(v, it->src, val_int(it->pos), out)) return false;
    it->pos--;
    return true;
  }
  case ITER_MAP: {
    value args;
    bool d;
    if (!vm_next(v, it->src, &args, &d)) return false;
    if (d) break;
    if (it->step == 2) {
      obj_tuple *t = AS_TUPLE(args);
      return vm_call(v, it->aux, t->items, (int)t->count, NULL, out);
    }
    return vm_call(v, it->aux, &args, 1, NULL, out);
  }
  case ITER_FILTER: {
    for (;;) {
      value x, r;
      bool d, t;
      if (!vm_next(v, it->src, &x, &d)) return false;
      if (d) {
        it->pos = INT64_MAX;
        *done = true;
        return true;
      }
      if (it->aux.t == VAL_NONE) r = x;
      else if (!vm_call(v, it->aux, &x, 1, NULL, &r)) return false;
      if (!obj_truthy(v, r, &t)) return false;
      if (t) {
        *out = x;
        return true;
      }
      if (!vm_check_limits(v)) return false;
    }
  }
  case ITER_CALL: {
    value r;
    bool eq;
    if (!vm_call(v, it->src, NULL, 0, NULL, &r)) return false;
    if (!obj_equal(v, r, it->aux, &eq)) return false;
    if (eq) break;
    *out = r;
    return true;
  }
  case ITER_VIEW_KEYS:
  case ITER_VIEW_VALUES:
  case ITER_VIEW_ITEMS:
    vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not an iterator", obj_type_name(v, itv));
    return false;
  }
  it->pos = INT64_MAX;
  *done = true;
  return true;
}

/* ------------------------------------------------------------ len */

bool vm_len(vm *v, value x, int64_t *out) {
  if (x.t == VAL_OBJ) {
    switch (x.as.o->kind) {
    case OBJ_STR: *out = (int64_t)AS_STR(x)->chars; return true;
    case OBJ_LIST: *out = (int64_t)AS_LIST(x)->count; return true;
    case OBJ_TUPLE: *out = (int64_t)AS_TUPLE(x)->count; return true;
    case OBJ_DICT:
    case OBJ_SET:
    case OBJ_FROZENSET: *out = (int64_t)AS_DICT(x)->count; return true;
    case OBJ_RANGE: *out = range_len((obj_range *)x.as.o); return true;
    case OBJ_ITER: {
      obj_iter *it = AS_ITER(x);
      if (it->ik == ITER_VIEW_KEYS || it->ik == ITER_VIEW_VALUES || it->ik == ITER_VIEW_ITEMS) {
        *out = (int64_t)AS_DICT(it->src)->count;
        return true;
      }
      break;
    }
    default: break;
    }
  }
  if (bi_is_typed(x)) {
    value r;
    bool found;
    if (!bi_call_dunder(v, x, v->s_len, NULL, 0, &r, &found)) return false;
    if (found) {
      if (r.t == VAL_BOOL) r = val_int(r.as.b);
      if (r.t != VAL_INT) {
        vm_raisef(v, CLS_TYPE_ERROR, "'%s' object cannot be interpreted as an integer",
                  obj_type_name(v, r));
        return false;
      }
      if (r.as.i < 0) {
        vm_raise_msg(v, CLS_VALUE_ERROR, "__len__() should return >= 0");
        return false;
      }
      *out = r.as.i;
      return true;
    }
  }
  vm_raisef(v, CLS_TYPE_ERROR, "object of type '%s' has no len()", obj_type_name(v, x));
  return false;
}

/* ------------------------------------------------------------ slices */

typedef struct slice_ix {
  int64_t start; /* first index */
  int64_t stop;  /* bound */
  int64_t step;  /* step, non-zero */
  int64_t len;   /* number of selected items */
} slice_ix;

static bool slice_part(vm *v, value x, int64_t *out, bool *given) {
  *given = x.t != VAL_NONE && x.t != VAL_UNDEF;
  if (!*given) return true;
  if (x.t == VAL_INT || x.t == VAL_BOOL) {
    *out = x.t == VAL_BOOL ? x.as.b : x.as.i;
    return true;
  }
  vm_raise_msg(v, CLS_TYPE_ERROR,
               "slice indices must be integers or None or have an __index__ method");
  return false;
}

/* CPython's PySlice_Unpack + PySlice_AdjustIndices. */
static bool slice_indices(vm *v, const obj_slice *s, int64_t length, slice_ix *out) {
  int64_t start = 0, stop = 0, step = 1;
  bool gs, ge, gp;
  if (!slice_part(v, s->step, &step, &gp)) return false;
  if (!gp) step = 1;
  if (step == 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "slice step cannot be zero");
    return false;
  }
  if (step == INT64_MIN) step = -INT64_MAX;
  if (!slice_part(v, s->start, &start, &gs)) return false;
  if (!slice_part(v, s->stop, &stop, &ge)) return false;
  if (!gs) start = step < 0 ? INT64_MAX : 0;
  if (!ge) stop = step < 0 ? INT64_MIN : INT64_MAX;
  if (start < 0) {
    start = start < -length ? (step < 0 ? -1 : 0) : start + length;
  } else if (start >= length) {
    start = step < 0 ? length - 1 : length;
  }
  if (stop < 0) {
    stop = stop < -length ? (step < 0 ? -1 : 0) : stop + length;
  } else if (stop >= length) {
    stop = step < 0 ? length - 1 : length;
  }
  int64_t n = 0;
  if (step < 0) {
    if (stop < start) n = (start - stop - 1) / (-step) + 1;
  } else if (start < stop) {
    n = (stop - start - 1) / step + 1;
  }
  out->start = start;
  out->stop = stop;
  out->step = step;
  out->len = n;
  return true;
}

static bool index_of(vm *v, value key, int64_t len, const char *what, int64_t *out) {
  int64_t i = key.t == VAL_BOOL ? key.as.b : key.as.i;
  if (i < 0) i += len;
  if (i < 0 || i >= len) {
    vm_raisef(v, CLS_INDEX_ERROR, "%s index out of range", what);
    return false;
  }
  *out = i;
  return true;
}

static bool str_slice(vm *v, obj_str *s, const slice_ix *ix, value *out) {
  fmt_buf b;
  fmt_buf_init(&b);
  if (ix->len == 0) {
    obj_str *e = obj_str_new(v, "", 0);
    if (!e) return false;
    *out = val_obj(e);
    return true;
  }
  if (s->chars == s->len) {
    if (ix->step == 1) {
      obj_str *r = obj_str_new(v, s->data + ix->start, (size_t)ix->len);
      if (!r) return false;
      *out = val_obj(r);
      return true;
    }
    for (int64_t k = 0, i = ix->start; k < ix->len; k++, i += ix->step)
      if (fmt_buf_appendc(&b, s->data[i]) != FMT_OK) {
        fmt_buf_free(&b);
        return bi_nomem(v);
      }
  } else {
    for (int64_t k = 0, i = ix->start; k < ix->len; k++, i += ix->step) {
      size_t off = bi_str_offset(s, i), end = off + 1;
      while (end < s->len && ((unsigned char)s->data[end] & 0xC0) == 0x80) end++;
      if (fmt_buf_append(&b, s->data + off, end - off) != FMT_OK) {
        fmt_buf_free(&b);
        return bi_nomem(v);
      }
    }
  }
  obj_str *r = bi_str_from_buf(v, &b);
  if (!r) return false;
  *out = val_obj(r);
  return true;
}

static bool index_type_error(vm *v, value o, value key) {
  if (val_is(o, OBJ_STR))
    vm_raisef(v, CLS_TYPE_ERROR, "string indices must be integers, not '%s'",
              obj_type_name(v, key));
  else
    vm_raisef(v, CLS_TYPE_ERROR, "%s indices must be integers or slices, not %s",
              obj_type_name(v, o), obj_type_name(v, key));
  return false;
}

bool vm_getitem(vm *v, value o, value key, value *out) {
  bool is_int = key.t == VAL_INT || key.t == VAL_BOOL;
  bool is_slice = val_is(key, OBJ_SLICE);
  if (o.t == VAL_OBJ) {
    switch (o.as.o->kind) {
    case OBJ_LIST:
    case OBJ_TUPLE: {
      bool list = o.as.o->kind == OBJ_LIST;
      value *items = list ? AS_LIST(o)->items : AS_TUPLE(o)->items;
      int64_t n = (int64_t)(list ? AS_LIST(o)->count : AS_TUPLE(o)->count);
      if (is_int) {
        int64_t i;
        if (!index_of(v, key, n, list ? "list" : "tuple", &i)) return false;
        *out = items[i];
        return true;
      }
      if (is_slice) {
        slice_ix ix;
        if (!slice_indices(v, (obj_slice *)key.as.o, n, &ix)) return false;
        if (list) {
          obj_list *r = obj_list_new(v, (size_t)ix.len);
          if (!r) return false;
          items = AS_LIST(o)->items;
          for (int64_t k = 0, i = ix.start; k < ix.len; k++, i += ix.step) r->items[k] = items[i];
          r->count = (size_t)ix.len;
          *out = val_obj(r);
        } else {
          if (ix.step == 1 && ix.len == n) {
            *out = o;
            return true;
          }
          obj_tuple *r = obj_tuple_new(v, (size_t)ix.len);
          if (!r) return false;
          for (int64_t k = 0, i = ix.start; k < ix.len; k++, i += ix.step) r->items[k] = items[i];
          *out = val_obj(r);
        }
        return true;
      }
      return index_type_error(v, o, key);
    }
    case OBJ_STR: {
      obj_str *s = AS_STR(o);
      if (is_int) {
        int64_t i;
        if (!index_of(v, key, (int64_t)s->chars, "string", &i)) return false;
        obj_str *c = bi_str_char_at(v, s, i);
        if (!c) return false;
        *out = val_obj(c);
        return true;
      }
      if (is_slice) {
        slice_ix ix;
        if (!slice_indices(v, (obj_slice *)key.as.o, (int64_t)s->chars, &ix)) return false;
        return str_slice(v, s, &ix, out);
      }
      return index_type_error(v, o, key);
    }
    case OBJ_DICT: {
      bool found;
      if (!obj_dict_get(v, AS_DICT(o), key, out, &found)) return false;
      if (found) return true;
      /* a user subclass could define __missing__; dicts here cannot be subclassed */
      return bi_raise_key_error(v, key);
    }
    case OBJ_RANGE: {
      obj_range *r = (obj_range *)o.as.o;
      int64_t n = range_len(r);
      if (is_int) {
        int64_t i;
        if (!index_of(v, key, n, "range object", &i)) return false;
        *out = val_int((int64_t)((uint64_t)r->start + (uint64_t)i * (uint64_t)r->step));
        return true;
      }
      if (is_slice) {
        slice_ix ix;
        if (!slice_indices(v, (obj_slice *)key.as.o, n, &ix)) return false;
        /* CPython's compute_slice: the adjusted slice bounds, mapped */
        int64_t step, a, b;
        if (__builtin_mul_overflow(r->step, ix.step, &step) ||
            __builtin_mul_overflow(ix.start, r->step, &a) || __builtin_add_overflow(a, r->start, &a) ||
            __builtin_mul_overflow(ix.stop, r->step, &b) || __builtin_add_overflow(b, r->start, &b)) {
          ops_raise_overflow(v);
          return false;
        }
        obj_range *nr = obj_range_new(v, a, b, step);
        if (!nr) return false;
        *out = val_obj(nr);
        return true;
      }
      vm_raisef(v, CLS_TYPE_ERROR, "range indices must be integers or slices, not %s",
                obj_type_name(v, key));
      return false;
    }
    case OBJ_CLASS:
      vm_raisef(v, CLS_TYPE_ERROR, "type '%s' is not subscriptable", AS_CLASS(o)->name->data);
      return false;
    default: break;
    }
  }
  if (bi_is_typed(o)) {
    bool found;
    if (!bi_call_dunder(v, o, v->s_getitem, &key, 1, out, &found)) return false;
    if (found) return true;
  }
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not subscriptable", obj_type_name(v, o));
  return false;
}

static bool list_set_slice(vm *v, obj_list *l, const slice_ix *ix, value x) {
  obj_list *src = vm_to_list(v, x);
  if (!src) {
    if (vm_exc_matches(v, CLS_TYPE_ERROR) && !val_is(x, OBJ_LIST)) {
      v->exc = val_undef();
      vm_raise_msg(v, CLS_TYPE_ERROR, ix->step == 1 ? "can only assign an iterable"
                                                    : "must assign iterable to extended slice");
    }
    return false;
  }
  if (ix->step == 1) {
    int64_t start = ix->start, stop = ix->stop < ix->start ? ix->start : ix->stop;
    size_t old = (size_t)(stop - start), nw = src->count;
    size_t ncount = l->count - old + nw;
    if (ncount > l->cap) {
      value *ni = vm_realloc(v, l->items, l->cap * sizeof(value), ncount * sizeof(value));
      if (!ni) return false;
      l->items = ni;
      l->cap = ncount;
    }
    if (l->count > (size_t)stop)
      memmove(l->items + start + nw, l->items + stop, (l->count - (size_t)stop) * sizeof(value));
    if (nw) memcpy(l->items + start, src->items, nw * sizeof(value));
    l->count = ncount;
    return true;
  }
  if ((int64_t)src->count != ix->len) {
    vm_raisef(v, CLS_VALUE_ERROR, "attempt to assign sequence of size %zu to extended slice of size %" PRId64,
              src->count, ix->len);
    return false;
  }
  for (int64_t k = 0, i = ix->start; k < ix->len; k++, i += ix->step) l->items[i] = src->items[k];
  return true;
}

static void list_del_slice(obj_list *l, const slice_ix *ix) {
  if (ix->len == 0) return;
  int64_t step = ix->step, start = ix->start;
  if (step < 0) {
    start = start + step * (ix->len - 1);
    step = -step;
  }
  size_t w = (size_t)start;
  int64_t next_del = start, deleted = 0;
  for (size_t r = (size_t)start; r < l->count; r++) {
    if ((int64_t)r == next_del && deleted < ix->len) {
      deleted++;
      next_del += step;
      continue;
    }
    l->items[w++] = l->items[r];
  }
  l->count = w;
}

bool vm_setitem(vm *v, value o, value key, value x) {
  bool is_int = key.t == VAL_INT || key.t == VAL_BOOL;
  if (val_is(o, OBJ_LIST)) {
    obj_list *l = AS_LIST(o);
    if (is_int) {
      int64_t i;
      if (!index_of(v, key, (int64_t)l->count, "list assignment", &i)) return false;
      l->items[i] = x;
      return true;
    }
    if (val_is(key, OBJ_SLICE)) {
      slice_ix ix;
      if (!slice_indices(v, (obj_slice *)key.as.o, (int64_t)l->count, &ix)) return false;
      return list_set_slice(v, l, &ix, x);
    }
    return index_type_error(v, o, key);
  }
  if (val_is(o, OBJ_DICT)) return obj_dict_set(v, AS_DICT(o), key, x);
  if (bi_is_typed(o)) {
    bool found;
    value args[2] = {key, x}, r;
    if (!bi_call_dunder(v, o, v->s_setitem, args, 2, &r, &found)) return false;
    if (found) return true;
  }
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' object does not support item assignment", obj_type_name(v, o));
  return false;
}

bool vm_delitem(vm *v, value o, value key) {
  bool is_int = key.t == VAL_INT || key.t == VAL_BOOL;
  if (val_is(o, OBJ_LIST)) {
    obj_list *l = AS_LIST(o);
    if (is_int) {
      int64_t i;
      if (!index_of(v, key, (int64_t)l->count, "list assignment", &i)) return false;
      memmove(l->items + i, l->items + i + 1, (l->count - (size_t)i - 1) * sizeof(value));
      l->count--;
      return true;
    }
    if (val_is(key, OBJ_SLICE)) {
      slice_ix ix;
      if (!slice_indices(v, (obj_slice *)key.as.o, (int64_t)l->count, &ix)) return false;
      list_del_slice(l, &ix);
      return true;
    }
    return index_type_error(v, o, key);
  }
  if (val_is(o, OBJ_DICT)) {
    bool found;
    if (!obj_dict_del(v, AS_DICT(o), key, &found)) return false;
    if (found) return true;
    return bi_raise_key_error(v, key);
  }
  if (bi_is_typed(o)) {
    bool found;
    value r;
    if (!bi_call_dunder(v, o, v->s_delitem, &key, 1, &r, &found)) return false;
    if (found) return true;
  }
  /* CPython's two wordings: a type with sequence methods given an int index
   * goes through PySequence_DelItem ("doesn't") */
  bool seq_type = val_is(o, OBJ_STR) || val_is(o, OBJ_TUPLE) || val_is(o, OBJ_SET) ||
                  val_is(o, OBJ_FROZENSET) || val_is(o, OBJ_RANGE) || val_is(o, OBJ_ITER);
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' object %s support item deletion", obj_type_name(v, o),
            seq_type && is_int ? "doesn't" : "does not");
  return false;
}

/* ------------------------------------------------------------ membership */

static bool str_find(const char *h, size_t hl, const char *n, size_t nl) {
  if (nl == 0) return true;
  if (nl > hl) return false;
  for (size_t i = 0; i + nl <= hl; i++)
    if (h[i] == n[0] && memcmp(h + i, n, nl) == 0) return true;
  return false;
}

static bool seq_contains(vm *v, const value *items, size_t n, value x, bool *out) {
  for (size_t i = 0; i < n; i++) {
    bool eq;
    if (obj_is(items[i], x)) {
      *out = true;
      return true;
    }
    if (!obj_equal(v, items[i], x, &eq)) return false;
    if (eq) {
      *out = true;
      return true;
    }
  }
  *out = false;
  return true;
}

bool vm_contains(vm *v, value c, value x, bool *out) {
  if (c.t == VAL_OBJ) {
    switch (c.as.o->kind) {
    case OBJ_STR:
      if (!val_is(x, OBJ_STR)) {
        vm_raisef(v, CLS_TYPE_ERROR, "'in <string>' requires string as left operand, not %s",
                  obj_type_name(v, x));
        return false;
      }
      *out = str_find(AS_STR(c)->data, AS_STR(c)->len, AS_STR(x)->data, AS_STR(x)->len);
      return true;
    case OBJ_LIST: {
      /* re-read count each step: __eq__ may shrink the list */
      obj_list *l = AS_LIST(c);
      for (size_t i = 0; i < l->count; i++) {
        bool eq;
        value it = l->items[i];
        if (obj_is(it, x)) {
          *out = true;
          return true;
        }
        if (!obj_equal(v, it, x, &eq)) return false;
        if (eq) {
          *out = true;
          return true;
        }
      }
      *out = false;
      return true;
    }
    case OBJ_TUPLE: return seq_contains(v, AS_TUPLE(c)->items, AS_TUPLE(c)->count, x, out);
    case OBJ_DICT: {
      value dummy;
      return obj_dict_get(v, AS_DICT(c), x, &dummy, out);
    }
    case OBJ_SET:
    case OBJ_FROZENSET:
      if (val_is(x, OBJ_SET)) {
        /* CPython retries an unhashable set as a frozenset */
        obj_dict *tmp = obj_set_new(v);
        if (!tmp) return false;
        tmp->hdr.kind = OBJ_FROZENSET;
        size_t p = 0;
        dict_entry *e;
        while (obj_dict_next(AS_DICT(x), &p, &e))
          if (!obj_set_add(v, tmp, e->key)) return false;
        x = val_obj(tmp);
      }
      return obj_set_contains(v, AS_DICT(c), x, out);
    case OBJ_RANGE: {
      obj_range *r = (obj_range *)c.as.o;
      int64_t i;
      if (x.t == VAL_INT || x.t == VAL_BOOL) {
        i = x.t == VAL_BOOL ? x.as.b : x.as.i;
      } else if (x.t == VAL_FLOAT) {
        double d = x.as.f;
        if (d != floor(d) || !(fabs(d) < 9.2e18)) {
          *out = false;
          return true;
        }
        i = (int64_t)d;
      } else {
        break;
      }
      if (r->step > 0) *out = i >= r->start && i < r->stop && (i - r->start) % r->step == 0;
      else *out = i <= r->start && i > r->stop && (r->start - i) % (-r->step) == 0;
      return true;
    }
    case OBJ_ITER: {
      obj_iter *it = AS_ITER(c);
      if (it->ik == ITER_VIEW_KEYS) {
        value dummy;
        return obj_dict_get(v, AS_DICT(it->src), x, &dummy, out);
      }
      if (it->ik == ITER_VIEW_ITEMS) {
        *out = false;
        if (!val_is(x, OBJ_TUPLE) || AS_TUPLE(x)->count != 2) return true;
        value val;
        bool found;
        if (!obj_dict_get(v, AS_DICT(it->src), AS_TUPLE(x)->items[0], &val, &found)) return false;
        if (!found) return true;
        return obj_equal(v, val, AS_TUPLE(x)->items[1], out);
      }
      if (it->ik == ITER_VIEW_VALUES) {
        obj_dict *d = AS_DICT(it->src);
        size_t p = 0;
        dict_entry *e;
        *out = false;
        while (obj_dict_next(d, &p, &e)) {
          bool eq;
          if (!obj_equal(v, e->val, x, &eq)) return false;
          if (eq) {
            *out = true;
            return true;
          }
        }
        return true;
      }
      break;
    }
    default: break;
    }
  }
  if (bi_is_typed(c)) {
    value r;
    bool found;
    if (!bi_call_dunder(v, c, v->s_contains, &x, 1, &r, &found)) return false;
    if (found) return obj_truthy(v, r, out);
  }
  /* any other iterable: iterate */
  value it;
  if (!vm_iter(v, c, &it)) {
    if (vm_exc_matches(v, CLS_TYPE_ERROR)) {
      v->exc = val_undef();
      vm_raisef(v, CLS_TYPE_ERROR, "argument of type '%s' is not iterable", obj_type_name(v, c));
    }
    return false;
  }
  for (;;) {
    value item;
    bool done, eq;
    if (!vm_next(v, it, &item, &done)) return false;
    if (done) break;
    if (!obj_equal(v, item, x, &eq)) return false;
    if (eq) {
      *out = true;
      return true;
    }
    if (!vm_check_limits(v)) return false;
  }
  *out = false;
  return true;
}

bool vm_less(vm *v, value a, value b, bool *out) {
  if (a.t == VAL_INT && b.t == VAL_INT) {
    *out = a.as.i < b.as.i;
    return true;
  }
  value r;
  if (!ops_compare(v, OPS_LT, a, b, &r)) return false;
  if (r.t == VAL_BOOL) {
    *out = r.as.b;
    return true;
  }
  return obj_truthy(v, r, out);
}

obj_list *vm_to_list(vm *v, value x) {
  if (val_is(x, OBJ_LIST) || val_is(x, OBJ_TUPLE)) {
    size_t n = val_is(x, OBJ_LIST) ? AS_LIST(x)->count : AS_TUPLE(x)->count;
    value *items = val_is(x, OBJ_LIST) ? AS_LIST(x)->items : AS_TUPLE(x)->items;
    obj_list *l = obj_list_new(v, n);
    if (!l) return NULL;
    if (n) memcpy(l->items, items, n * sizeof(value));
    l->count = n;
    return l;
  }
  value it;
  if (!vm_iter(v, x, &it)) return NULL;
  obj_list *l = obj_list_new(v, 0);
  if (!l) return NULL;
  for (;;) {
    value item;
    bool done;
    if (!vm_next(v, it, &item, &done)) return NULL;
    if (done) break;
    if (!obj_list_append(v, l, item)) return NULL;
    if ((l->count & 1023) == 0 && !vm_check_limits(v)) return NULL;
  }
  return l;
}
