/* attr: attribute lookup, assignment and deletion (vm_getattr & co) and the
 * super() proxy.
 *
 * Lookup order for objects with a dict: the special read-only attributes of
 * their kind, the instance dict, then the class chain, where functions and
 * native methods come back bound to the object. Messages are CPython
 * 3.11's; an AttributeError carries .name and .obj as CPython's does (the
 * traceback printer may use them for "Did you mean" hints). */
#include <stdlib.h>
#include <string.h>

#include "bi_private.h"
#include "code.h"
#include "loop.h"
#include "vm.h"

static obj_str *intern(vm *v, const char *s) { return obj_str_intern(v, s, strlen(s)); }

static bool name_is(const obj_str *name, const char *s) {
  size_t n = strlen(s);
  return name->len == n && memcmp(name->data, s, n) == 0;
}

static bool attr_error(vm *v, value o, obj_str *name) {
  if (val_is(o, OBJ_MODULE))
    vm_raisef(v, CLS_ATTRIBUTE_ERROR, "module '%s' has no attribute '%s'",
              AS_MODULE(o)->name->data, name->data);
  else if (val_is(o, OBJ_CLASS))
    vm_raisef(v, CLS_ATTRIBUTE_ERROR, "type object '%s' has no attribute '%s'",
              AS_CLASS(o)->name->data, name->data);
  else
    vm_raisef(v, CLS_ATTRIBUTE_ERROR, "'%s' object has no attribute '%s'", obj_type_name(v, o),
              name->data);
  if (val_is(v->exc, OBJ_EXCEPTION)) {
    obj_exception *e = AS_EXC(v->exc);
    if (!e->dict) e->dict = obj_dict_new(v);
    if (e->dict) {
      obj_dict_set_cstr(v, e->dict, "name", val_obj(name));
      obj_dict_set_cstr(v, e->dict, "obj", o);
    }
  }
  return false;
}

static bool is_native_obj_of(vm *v, value x, obj_type_slot slot) {
  return val_is(x, OBJ_NATIVE_OBJ) && ((obj_typed *)x.as.o)->cls == v->cls[slot];
}

static value desc_field(vm *v, value d, const char *field) {
  obj_dict *dict = ((obj_typed *)d.as.o)->dict;
  obj_str *n = obj_str_intern(v, field, strlen(field));
  value x = dict && n ? obj_dict_get_str(dict, n) : val_undef();
  return x.t == VAL_UNDEF ? val_none() : x;
}

/* staticmethod and classmethod seen through a class or an instance. */
static bool bind_wrapper(vm *v, value owner_cls, value found, value *out, bool *handled) {
  *handled = true;
  if (is_native_obj_of(v, found, CLS_STATICMETHOD)) {
    *out = desc_field(v, found, "__func__");
    return true;
  }
  if (is_native_obj_of(v, found, CLS_CLASSMETHOD)) {
    obj_bound *b = obj_bound_new(v, owner_cls, desc_field(v, found, "__func__"));
    if (!b) return false;
    *out = val_obj(b);
    return true;
  }
  *handled = false;
  return true;
}

/* Binds what a class lookup found to the instance it was looked up on. */
static bool bind(vm *v, value self, value found, value *out) {
  bool handled;
  if (!bind_wrapper(v, val_obj(obj_class_of(v, self)), found, out, &handled)) return false;
  if (handled) return true;
  if (val_is(found, OBJ_FUNCTION) || (val_is(found, OBJ_NATIVE) && AS_NATIVE(found)->owner)) {
    obj_bound *b = obj_bound_new(v, self, found);
    if (!b) return false;
    *out = val_obj(b);
    return true;
  }
  *out = found;
  return true;
}

static bool tuple_of_bases(vm *v, obj_class *c, bool mro, value *out) {
  size_t n = 0;
  for (obj_class *k = mro ? c : c->base; k; k = k->base) {
    n++;
    if (!mro) break;
  }
  obj_tuple *t = obj_tuple_new(v, n);
  if (!t) return false;
  size_t i = 0;
  for (obj_class *k = mro ? c : c->base; k && i < n; k = k->base) t->items[i++] = val_obj(k);
  *out = val_obj(t);
  return true;
}

static obj_str *module_name_of(vm *v, obj_dict *globals) {
  value n = globals ? obj_dict_get_str(globals, v->s_name) : val_undef();
  if (val_is(n, OBJ_STR)) return AS_STR(n);
  return v->s_main;
}

/* Whether o may have a special attribute called name: only numbers,
 * coroutines, ranges, slices and exceptions have some not named __x__, so
 * most lookups (self._queue) need not ask special_attr. */
static inline bool maybe_special(value o, const obj_str *name) {
  if (name->len > 4 && name->data[0] == '_' && name->data[1] == '_')
    return true;
  if (o.t != VAL_OBJ)
    return true;
  obj_kind k = (obj_kind)o.as.o->kind;
  return k == OBJ_CORO || k == OBJ_RANGE || k == OBJ_SLICE || k == OBJ_EXCEPTION;
}

/* Special attributes that every kind answers before any dict. */
static bool special_attr(vm *v, value o, obj_str *name, value *out, bool *found) {
  *found = true;
  if (name == v->s_class || name_is(name, "__class__")) {
    *out = val_obj(obj_class_of(v, o));
    return true;
  }
  if (o.t == VAL_INT || o.t == VAL_BOOL || o.t == VAL_FLOAT) {
    /* the numbers' data attributes */
    value self = o.t == VAL_BOOL ? val_int(o.as.b) : o;
    if (name_is(name, "real")) *out = self;
    else if (name_is(name, "imag")) *out = o.t == VAL_FLOAT ? val_float(0.0) : val_int(0);
    else if (name_is(name, "numerator") && o.t != VAL_FLOAT) *out = self;
    else if (name_is(name, "denominator") && o.t != VAL_FLOAT) *out = val_int(1);
    else *found = false;
    return true;
  }
  if (o.t != VAL_OBJ) {
    *found = false;
    return true;
  }
  switch (o.as.o->kind) {
  case OBJ_CLASS: {
    obj_class *c = AS_CLASS(o);
    if (name_is(name, "__name__")) *out = val_obj(c->name);
    else if (name_is(name, "__qualname__")) *out = val_obj(c->qualname);
    else if (name_is(name, "__module__")) *out = val_obj(c->module);
    else if (name_is(name, "__base__")) *out = c->base ? val_obj(c->base) : val_none();
    else if (name_is(name, "__bases__")) return tuple_of_bases(v, c, false, out);
    else if (name_is(name, "__mro__")) return tuple_of_bases(v, c, true, out);
    else if (name_is(name, "__dict__")) *out = val_obj(c->dict);
    else if (name_is(name, "__doc__")) {
      value d = obj_dict_get_str(c->dict, name);
      *out = d.t == VAL_UNDEF ? val_none() : d;
    } else *found = false;
    return true;
  }
  case OBJ_FUNCTION: {
    obj_function *f = AS_FUNCTION(o);
    if (name_is(name, "__name__")) *out = val_obj(f->name);
    else if (name_is(name, "__qualname__")) *out = val_obj(f->qualname);
    else if (name_is(name, "__module__")) *out = val_obj(module_name_of(v, f->globals));
    else if (name_is(name, "__defaults__")) *out = f->defaults ? val_obj(f->defaults) : val_none();
    else if (name_is(name, "__kwdefaults__"))
      *out = f->kwdefaults ? val_obj(f->kwdefaults) : val_none();
    else if (name_is(name, "__globals__")) *out = val_obj(f->globals);
    else if (name_is(name, "__dict__")) {
      if (!f->attrs && !(f->attrs = obj_dict_new(v))) return false;
      *out = val_obj(f->attrs);
    } else if (name_is(name, "__doc__")) {
      value d = f->attrs ? obj_dict_get_str(f->attrs, name) : val_undef();
      *out = d.t == VAL_UNDEF ? val_none() : d;
    } else {
      value d = f->attrs ? obj_dict_get_str(f->attrs, name) : val_undef();
      if (d.t == VAL_UNDEF) *found = false;
      else *out = d;
    }
    return true;
  }
  case OBJ_NATIVE: {
    obj_native *n = AS_NATIVE(o);
    if (name_is(name, "__name__")) {
      obj_str *s = intern(v, n->name);
      if (!s) return false;
      *out = val_obj(s);
    } else if (name_is(name, "__qualname__")) {
      fmt_buf b;
      fmt_buf_init(&b);
      if (n->owner) fmt_buf_appendf(&b, "%s.", n->owner->name->data);
      fmt_buf_appends(&b, n->name);
      obj_str *s = bi_str_from_buf(v, &b);
      if (!s) return false;
      *out = val_obj(s);
    } else if (name_is(name, "__module__")) {
      *out = n->owner ? val_none() : val_obj(intern(v, "builtins"));
    } else if (name_is(name, "__doc__")) {
      *out = val_none();
    } else if (name_is(name, "__self__") && !n->owner) {
      *out = val_none();
    } else *found = false;
    return true;
  }
  case OBJ_BOUND: {
    obj_bound *b = AS_BOUND(o);
    if (name_is(name, "__self__")) *out = b->self;
    else if (name_is(name, "__func__") && val_is(b->func, OBJ_FUNCTION)) *out = b->func;
    else {
      /* everything else comes from the function */
      bool f2;
      if (!vm_getattr_opt(v, b->func, name, out, &f2)) return false;
      *found = f2;
    }
    return true;
  }
  case OBJ_CORO: {
    obj_coro *c = (obj_coro *)o.as.o;
    if (name_is(name, "__name__")) *out = c->name ? val_obj(c->name) : val_none();
    else if (name_is(name, "__qualname__")) *out = c->qualname ? val_obj(c->qualname) : val_none();
    else if (name_is(name, "cr_running") || name_is(name, "gi_running") ||
             name_is(name, "ag_running"))
      *out = val_bool(c->state == CORO_RUNNING);
    else *found = false;
    return true;
  }
  case OBJ_MODULE:
    if (name_is(name, "__dict__")) {
      if (!loop_prelude_run_all(v, AS_MODULE(o)->dict))
        return false;
      *out = val_obj(AS_MODULE(o)->dict);
    } else {
      *found = false;
    }
    return true;
  case OBJ_RANGE: {
    obj_range *r = (obj_range *)o.as.o;
    if (name_is(name, "start")) *out = val_int(r->start);
    else if (name_is(name, "stop")) *out = val_int(r->stop);
    else if (name_is(name, "step")) *out = val_int(r->step);
    else *found = false;
    return true;
  }
  case OBJ_SLICE: {
    obj_slice *s = (obj_slice *)o.as.o;
    if (name_is(name, "start")) *out = s->start;
    else if (name_is(name, "stop")) *out = s->stop;
    else if (name_is(name, "step")) *out = s->step;
    else *found = false;
    return true;
  }
  case OBJ_EXCEPTION: {
    obj_exception *e = AS_EXC(o);
    if (name == v->s_args || name_is(name, "args")) *out = val_obj(e->args);
    else if (name_is(name, "__cause__")) *out = e->cause;
    else if (name_is(name, "__context__")) *out = e->context;
    else if (name_is(name, "__suppress_context__")) *out = val_bool(e->suppress_context);
    else if (name_is(name, "__traceback__")) *out = val_none();
    else if (name_is(name, "value") && obj_class_is_sub(e->cls, v->cls[CLS_STOP_ITERATION]) &&
             !(e->dict && obj_dict_get_str(e->dict, name).t != VAL_UNDEF))
      *out = e->args->count ? e->args->items[0] : val_none();
    else if (e->group && name_is(name, "exceptions")) *out = val_obj(e->group);
    else if (e->group && name_is(name, "message"))
      *out = e->args->count ? e->args->items[0] : val_none();
    else if (name_is(name, "__dict__")) {
      if (!e->dict && !(e->dict = obj_dict_new(v))) return false;
      *out = val_obj(e->dict);
    } else *found = false;
    return true;
  }
  case OBJ_INSTANCE:
    if (name_is(name, "__dict__")) {
      obj_instance *in = AS_INSTANCE(o);
      if (!in->dict && !(in->dict = obj_dict_new(v))) return false;
      *out = val_obj(in->dict);
    } else *found = false;
    return true;
  default: *found = false; return true;
  }
}

/* getattr; an AttributeError that __getattr__ raises propagates when
 * raise_getattr_error, else it reads as "not found" (hasattr, getattr with
 * a default). */
static bool getattr_impl(vm *v, value o, obj_str *name, value *out, bool *found,
                         bool raise_getattr_error) {
  *found = false;
  if (maybe_special(o, name)) {
    if (!special_attr(v, o, name, out, found))
      return false;
    if (*found)
      return true;
  }
  if (val_is(o, OBJ_MODULE)) {
    value x = obj_dict_get_str(AS_MODULE(o)->dict, name);
    if (x.t == VAL_UNDEF && !loop_prelude_lookup(v, AS_MODULE(o)->dict, name, &x))
      return false;
    if (x.t != VAL_UNDEF) {
      *out = x;
      *found = true;
    }
    return true;
  }
  if (val_is(o, OBJ_CLASS)) {
    value x = obj_class_lookup(AS_CLASS(o), name);
    if (x.t != VAL_UNDEF) {
      bool handled;
      *found = true;
      if (!bind_wrapper(v, o, x, out, &handled)) return false;
      if (!handled) *out = x;
      return true;
    }
    /* methods of type itself (metaclass), bound to the class */
    x = obj_dict_get_str(v->cls[CLS_TYPE]->dict, name);
    if (x.t != VAL_UNDEF) {
      *found = true;
      return bind(v, o, x, out);
    }
    return true;
  }
  if (val_is(o, OBJ_NATIVE_OBJ) && ((obj_typed *)o.as.o)->cls == v->cls[CLS_SUPER])
    return bi_super_getattr(v, o, name, out, found);
  obj_class *c = obj_class_of(v, o);
  value x = obj_class_find(v, c, name);
  if (is_native_obj_of(v, x, CLS_PROPERTY)) {
    /* a data descriptor: it wins over the instance dict */
    value fget = desc_field(v, x, "fget");
    if (fget.t == VAL_NONE) {
      vm_raisef(v, CLS_ATTRIBUTE_ERROR, "property '%s' of '%s' object has no getter", name->data,
                c->name->data);
      return false;
    }
    *found = true;
    return vm_call(v, fget, &o, 1, NULL, out);
  }
  obj_dict **slot = obj_dict_slot(o);
  if (slot && *slot) {
    value y = obj_dict_get_str(*slot, name);
    if (y.t != VAL_UNDEF) {
      *out = y;
      *found = true;
      return true;
    }
  }
  if (x.t != VAL_UNDEF) {
    *found = true;
    return bind(v, o, x, out);
  }
  if (bi_is_typed(o)) {
    obj_str *ga = intern(v, "__getattr__");
    if (!ga) return false;
    value g = obj_class_find(v, c, ga);
    if (g.t != VAL_UNDEF) {
      value arg = val_obj(name);
      bool f2;
      if (!bi_call_dunder(v, o, ga, &arg, 1, out, &f2)) {
        if (!raise_getattr_error && vm_exc_matches(v, CLS_ATTRIBUTE_ERROR)) {
          v->exc = val_undef();
          return true;
        }
        return false;
      }
      *found = f2;
    }
  }
  return true;
}

/* Whether x, found on a class, is called with the instance as self rather
 * than bound first (LOAD_METHOD): a Python function or a builtin method. */
static bool is_method(value x) {
  return val_is(x, OBJ_FUNCTION) || (val_is(x, OBJ_NATIVE) && AS_NATIVE(x)->owner);
}

bool vm_getmethod(vm *v, value o, obj_str *name, value *out, value *self) {
  *self = val_undef();
  if (o.t == VAL_OBJ && !val_is(o, OBJ_MODULE) && !val_is(o, OBJ_CLASS) &&
      !(val_is(o, OBJ_NATIVE_OBJ) && ((obj_typed *)o.as.o)->cls == v->cls[CLS_SUPER])) {
    bool special = false;
    value x;
    if (maybe_special(o, name) && !special_attr(v, o, name, &x, &special))
      return false;
    if (special) {
      *out = x;
      return true;
    }
    x = obj_class_find(v, obj_class_of(v, o), name);
    if (is_method(x)) {
      /* what vm_getattr would bind, unless the instance dict shadows it */
      obj_dict **slot = obj_dict_slot(o);
      value y = slot && *slot ? obj_dict_get_str(*slot, name) : val_undef();
      if (y.t != VAL_UNDEF) {
        *out = y;
        return true;
      }
      *out = x;
      *self = o;
      return true;
    }
  }
  return vm_getattr(v, o, name, out);
}

/* The cache of instruction ip of k, made on first use; NULL when out of
 * memory (the lookup then goes the long way). */
attr_cache *vm_site_cache(code *k, uint32_t ip) {
  if (!k->attr_caches) {
    k->attr_caches = calloc(k->nops, sizeof *k->attr_caches);
    if (!k->attr_caches)
      return NULL;
  }
  return &k->attr_caches[ip];
}

/* What instance in's class and its dict hold under name (VAL_UNDEF where
 * nothing), through the site cache e: the class part stays valid until the
 * class epoch moves (any class namespace changes, or a collection, which may
 * reuse the memory of a freed class or dict) or in has another class; the
 * dict part until the dict has had an insertion or deletion. */
__attribute__((noinline)) static void cache_fill_class(vm *v, attr_cache *e, obj_class *cls,
                                                       obj_str *name) {
  e->epoch = v->class_epoch;
  e->cls = cls;
  e->cls_val = obj_class_find(v, cls, name);
  /* what vm_setattr decides from the class: user_hook, then property_store */
  e->plain_store = !val_is(obj_class_find(v, cls, v->s_setattr), OBJ_FUNCTION) &&
                   !is_native_obj_of(v, e->cls_val, CLS_PROPERTY);
  e->dict = NULL;
  e->method = false;
}

static inline void cache_class(vm *v, attr_cache *e, obj_class *cls, obj_str *name) {
  if (e->epoch != v->class_epoch || e->cls != cls)
    cache_fill_class(v, e, cls, name);
}

/* Remembers where name sits in dict d (dict_pos -1 when absent), valid while d's version holds. */
static inline void cache_dict(attr_cache *e, obj_dict *d, obj_str *name) {
  e->dict = d;
  e->dict_version = d->version;
  e->dict_pos = obj_dict_find_str(d, name);
}

__attribute__((always_inline)) static inline void cached_lookup(vm *v, attr_cache *e,
                                                                obj_instance *in, obj_str *name,
                                                                value *cls_val, value *inst_val) {
  cache_class(v, e, in->cls, name);
  *cls_val = e->cls_val;
  *inst_val = val_undef();
  obj_dict *d = in->dict;
  if (!d || d->count == 0)
    return;
  if (e->dict != d || e->dict_version != d->version)
    cache_dict(e, d, name);
  if (e->dict_pos >= 0)
    *inst_val = d->entries[e->dict_pos].val;
}

/* Whether the cached path answers o.name: a plain instance and a name with
 * no special meaning (the same cases getattr_impl and vm_getmethod decide
 * from the class and the instance dict alone). */
static bool cacheable(value o, const obj_str *name) {
  return val_is(o, OBJ_INSTANCE) && !maybe_special(o, name);
}

bool vm_site_fresh(const vm *v, const attr_cache *e, const obj_dict *d) {
  return e && e->epoch == v->class_epoch && !e->cls && e->dict == d &&
         e->dict_version == d->version;
}

void vm_site_remember(vm *v, attr_cache *e, obj_dict *d, obj_str *name, value found) {
  if (!e)
    return;
  e->epoch = v->class_epoch;
  e->cls = NULL;
  cache_dict(e, d, name);
  e->cls_val = found;
}

/* module.name (a plain name) through the site cache of instruction ip: what getattr_impl finds
 * first for such a name, the name's place in the module's dict. */
static bool module_attr_at(vm *v, code *k, uint32_t ip, obj_module *m, obj_str *name, value *out) {
  attr_cache *e = vm_site_cache(k, ip);
  obj_dict *d = m->dict;
  if (vm_site_fresh(v, e, d) && e->dict_pos >= 0) {
    *out = d->entries[e->dict_pos].val;
    return true;
  }
  if (!vm_getattr(v, val_obj(m), name, out))
    return false;
  vm_site_remember(v, e, d, name, *out);
  return true;
}

bool vm_getattr_at(vm *v, code *k, uint32_t ip, value o, obj_str *name, value *out) {
  if (val_is(o, OBJ_MODULE) && !maybe_special(o, name))
    return module_attr_at(v, k, ip, AS_MODULE(o), name, out);
  attr_cache *e = cacheable(o, name) ? vm_site_cache(k, ip) : NULL;
  if (e) {
    value x, y;
    cached_lookup(v, e, AS_INSTANCE(o), name, &x, &y);
    /* a property wins over the instance dict: the long way handles it */
    if (!is_native_obj_of(v, x, CLS_PROPERTY)) {
      if (y.t != VAL_UNDEF) {
        *out = y;
        return true;
      }
      if (x.t != VAL_UNDEF)
        return bind(v, o, x, out);
    }
  }
  return vm_getattr(v, o, name, out);
}

bool vm_getmethod_at(vm *v, code *k, uint32_t ip, value o, obj_str *name, value *out, value *self) {
  if (val_is(o, OBJ_MODULE) && !maybe_special(o, name)) { /* a module's functions are not bound */
    *self = val_undef();
    return module_attr_at(v, k, ip, AS_MODULE(o), name, out);
  }
  attr_cache *e = cacheable(o, name) ? vm_site_cache(k, ip) : NULL;
  if (e) {
    value x, y;
    cached_lookup(v, e, AS_INSTANCE(o), name, &x, &y);
    if (is_method(x)) {
      *self = val_undef();
      if (y.t != VAL_UNDEF) {
        *out = y;
      } else {
        *out = x;
        *self = o;
        /* for vm_method_cached: the same instance dict answers the same */
        obj_dict *d = AS_INSTANCE(o)->dict;
        e->method = true;
        e->meth_dict = d;
        e->meth_version = d ? d->version : 0;
      }
      return true;
    }
    *self = val_undef();
    return vm_getattr_at(v, k, ip, o, name, out);
  }
  return vm_getmethod(v, o, name, out, self);
}

bool vm_getattr_opt(vm *v, value o, obj_str *name, value *out, bool *found) {
  return getattr_impl(v, o, name, out, found, false);
}

bool vm_getattr(vm *v, value o, obj_str *name, value *out) {
  bool found;
  if (!getattr_impl(v, o, name, out, &found, true)) return false;
  if (found) return true;
  return attr_error(v, o, name);
}

static bool exception_setattr(vm *v, obj_exception *e, obj_str *name, value x, bool *handled) {
  *handled = true;
  if (name_is(name, "args")) {
    obj_list *l = vm_to_list(v, x);
    if (!l) return false;
    obj_tuple *t = obj_tuple_new(v, l->count);
    if (!t) return false;
    if (l->count) memcpy(t->items, l->items, l->count * sizeof(value));
    e->args = t;
    return true;
  }
  if (name_is(name, "__cause__") || name_is(name, "__context__")) {
    if (x.t != VAL_NONE && !val_is(x, OBJ_EXCEPTION)) {
      vm_raisef(v, CLS_TYPE_ERROR, "exception %s must be None or derive from BaseException",
                name_is(name, "__cause__") ? "cause" : "context");
      return false;
    }
    if (name_is(name, "__cause__")) {
      e->cause = x;
      e->suppress_context = true;
    } else {
      e->context = x;
    }
    return true;
  }
  if (name_is(name, "__suppress_context__")) {
    bool t;
    if (!obj_truthy(v, x, &t)) return false;
    e->suppress_context = t;
    return true;
  }
  if (name_is(name, "__traceback__")) return true;
  *handled = false;
  return true;
}

/* The user __setattr__ / __delattr__ of x's class, if any (not object's). */
static value user_hook(vm *v, value o, obj_str *hook) {
  if (!val_is(o, OBJ_INSTANCE) && !val_is(o, OBJ_EXCEPTION)) return val_undef();
  value m = obj_class_find(v, obj_class_of(v, o), hook);
  return val_is(m, OBJ_FUNCTION) ? m : val_undef();
}

static bool property_store(vm *v, value o, obj_str *name, value x, bool del, bool *handled);

/* The first native __new__ on c's chain of bases: what makes c's instances (object's for plain
 * instances), VAL_UNDEF when none. */
static value instance_maker(obj_class *c, obj_str *s_new) {
  for (; c; c = c->base) {
    value x = obj_dict_get_str(c->dict, s_new);
    if (val_is(x, OBJ_NATIVE))
      return x;
  }
  return val_undef();
}

/* A class of the builtins (object, int, str ...): its attributes and instances' classes are fixed.
 */
static bool is_builtin_class(vm *v, const obj_class *c) {
  return c->flavor == FLAVOR_BUILTIN || c == v->cls[CLS_OBJECT] ||
         strcmp(c->module->data, "builtins") == 0;
}

/* o.__class__ = x for an instance or an exception o: neither its class nor x may be builtin,
 * and x's instances must be made as o was (CPython: the same layout). */
static bool set_instance_class(vm *v, obj_typed *o, value x) {
  if (!val_is(x, OBJ_CLASS)) {
    vm_raisef(v, CLS_TYPE_ERROR, "__class__ must be set to a class, not '%s' object",
              obj_type_name(v, x));
    return false;
  }
  obj_class *to = AS_CLASS(x);
  if (is_builtin_class(v, to) || is_builtin_class(v, o->cls)) {
    vm_raise_msg(v, CLS_TYPE_ERROR,
                 "__class__ assignment only supported for mutable types or ModuleType subclasses");
    return false;
  }
  obj_str *s_new = obj_str_intern(v, "__new__", 7);
  if (!s_new)
    return false;
  if (to->flavor != o->cls->flavor ||
      !obj_is(instance_maker(to, s_new), instance_maker(o->cls, s_new))) {
    vm_raisef(v, CLS_TYPE_ERROR, "__class__ assignment: '%s' object layout differs from '%s'",
              to->name->data, o->cls->name->data);
    return false;
  }
  o->cls = to; /* the site caches and class caches key on the class: they look again */
  return true;
}

/* object.__setattr__ without hooks. */
static bool generic_setattr(vm *v, value o, obj_str *name, value x) {
  bool handled;
  if (!property_store(v, o, name, x, false, &handled)) return false;
  if (handled) return true;
  if ((val_is(o, OBJ_INSTANCE) || val_is(o, OBJ_EXCEPTION)) &&
      (name == v->s_class || name_is(name, "__class__")))
    return set_instance_class(v, (obj_typed *)o.as.o, x);
  if (val_is(o, OBJ_EXCEPTION)) {
    bool handled;
    if (!exception_setattr(v, AS_EXC(o), name, x, &handled)) return false;
    if (handled) return true;
  }
  /* futures take attributes as CPython's pure-Python Future does (the
   * prelude names its waits through fut._loopviz_what) */
  if (val_is(o, OBJ_INSTANCE) || val_is(o, OBJ_EXCEPTION) || val_is(o, OBJ_NATIVE_OBJ) ||
      val_is(o, OBJ_FUTURE)) {
    obj_dict **slot = obj_dict_slot(o);
    if (!*slot && !(*slot = obj_dict_new(v))) return false;
    return obj_dict_set_str(v, *slot, name, x);
  }
  return attr_error(v, o, name);
}

bool vm_setattr(vm *v, value o, obj_str *name, value x) {
  if (o.t == VAL_OBJ) {
    switch (o.as.o->kind) {
    case OBJ_CLASS: {
      obj_class *c = AS_CLASS(o);
      if (is_builtin_class(v, c)) {
        vm_raisef(v, CLS_TYPE_ERROR, "cannot set '%s' attribute of immutable type '%s'",
                  name->data, c->name->data);
        return false;
      }
      if (name_is(name, "__name__") || name_is(name, "__qualname__") ||
          name_is(name, "__module__")) {
        if (!val_is(x, OBJ_STR)) {
          vm_raisef(v, CLS_TYPE_ERROR, "can only assign string to %s.%s, not '%s'",
                    c->name->data, name->data, obj_type_name(v, x));
          return false;
        }
        if (name_is(name, "__name__")) c->name = AS_STR(x);
        else if (name_is(name, "__qualname__")) c->qualname = AS_STR(x);
        else c->module = AS_STR(x);
        return true;
      }
      return obj_dict_set_str(v, c->dict, name, x);
    }
    case OBJ_FUNCTION: {
      obj_function *f = AS_FUNCTION(o);
      if (name_is(name, "__name__") || name_is(name, "__qualname__")) {
        if (!val_is(x, OBJ_STR)) {
          vm_raisef(v, CLS_TYPE_ERROR, "%s must be set to a string object", name->data);
          return false;
        }
        if (name_is(name, "__name__")) f->name = AS_STR(x);
        else f->qualname = AS_STR(x);
        return true;
      }
      if (!f->attrs && !(f->attrs = obj_dict_new(v))) return false;
      return obj_dict_set_str(v, f->attrs, name, x);
    }
    case OBJ_MODULE: {
      /* a prelude definition not run yet runs first: it is replaced, not run later */
      value old;
      if (!loop_prelude_lookup(v, AS_MODULE(o)->dict, name, &old))
        return false;
      return obj_dict_set_str(v, AS_MODULE(o)->dict, name, x);
    }
    default: break;
    }
  }
  value hook = user_hook(v, o, v->s_setattr);
  if (hook.t != VAL_UNDEF) {
    value args[3] = {o, val_obj(name), x}, r;
    return vm_call(v, hook, args, 3, NULL, &r);
  }
  return generic_setattr(v, o, name, x);
}

bool vm_setattr_at(vm *v, code *k, uint32_t ip, value o, obj_str *name, value x) {
  attr_cache *e = cacheable(o, name) ? vm_site_cache(k, ip) : NULL;
  if (!e)
    return vm_setattr(v, o, name, x);
  obj_instance *in = AS_INSTANCE(o);
  cache_class(v, e, in->cls, name);
  if (!e->plain_store)
    return vm_setattr(v, o, name, x);
  obj_dict *d = in->dict;
  /* an existing entry: replacing its value moves no dict version */
  if (d && e->dict == d && e->dict_version == d->version && e->dict_pos >= 0) {
    d->entries[e->dict_pos].val = x;
    return true;
  }
  if (!vm_setattr(v, o, name, x))
    return false;
  cache_dict(e, in->dict, name);
  return true;
}

/* A property of o's class named name: calls its fset/fdel (*handled). */
static bool property_store(vm *v, value o, obj_str *name, value x, bool del, bool *handled) {
  *handled = false;
  if (!bi_is_typed(o)) return true;
  obj_class *c = obj_class_of(v, o);
  value p = obj_class_find(v, c, name);
  if (!is_native_obj_of(v, p, CLS_PROPERTY)) return true;
  *handled = true;
  value f = desc_field(v, p, del ? "fdel" : "fset");
  if (f.t == VAL_NONE) {
    vm_raisef(v, CLS_ATTRIBUTE_ERROR, "property '%s' of '%s' object has no %s", name->data,
              c->name->data, del ? "deleter" : "setter");
    return false;
  }
  value args[2] = {o, x}, r;
  return vm_call(v, f, args, del ? 1 : 2, NULL, &r);
}

static bool generic_delattr(vm *v, value o, obj_str *name) {
  bool handled;
  if (!property_store(v, o, name, val_none(), true, &handled)) return false;
  if (handled)
    return true;
  obj_dict **slot = obj_dict_slot(o);
  if (slot && (val_is(o, OBJ_INSTANCE) || val_is(o, OBJ_EXCEPTION) || val_is(o, OBJ_NATIVE_OBJ))) {
    bool found = false;
    if (*slot && !obj_dict_del(v, *slot, val_obj(name), &found)) return false;
    if (found) return true;
  }
  return attr_error(v, o, name);
}

bool vm_delattr(vm *v, value o, obj_str *name) {
  value hook = user_hook(v, o, v->s_delattr);
  if (hook.t == VAL_UNDEF && (name == v->s_class || name_is(name, "__class__"))) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "can't delete __class__ attribute"); /* every kind's */
    return false;
  }
  if (val_is(o, OBJ_CLASS)) {
    obj_class *c = AS_CLASS(o);
    if (is_builtin_class(v, c)) {
      vm_raisef(v, CLS_TYPE_ERROR, "cannot delete '%s' attribute of immutable type '%s'",
                name->data, c->name->data);
      return false;
    }
    bool found;
    if (!obj_dict_del(v, c->dict, val_obj(name), &found)) return false;
    if (!found) return attr_error(v, o, name);
    return true;
  }
  if (val_is(o, OBJ_MODULE)) {
    bool found;
    value old;
    if (!loop_prelude_lookup(v, AS_MODULE(o)->dict, name, &old))
      return false;
    if (!obj_dict_del(v, AS_MODULE(o)->dict, val_obj(name), &found)) return false;
    if (!found) return attr_error(v, o, name);
    return true;
  }
  if (val_is(o, OBJ_FUNCTION)) {
    obj_function *f = AS_FUNCTION(o);
    bool found = false;
    if (f->attrs && !obj_dict_del(v, f->attrs, val_obj(name), &found)) return false;
    if (!found) return attr_error(v, o, name);
    return true;
  }
  if (hook.t != VAL_UNDEF) {
    value args[2] = {o, val_obj(name)}, r;
    return vm_call(v, hook, args, 2, NULL, &r);
  }
  return generic_delattr(v, o, name);
}

/* object.__setattr__(self, name, value) and object.__delattr__(self, name):
 * what a user hook calls to do the real work. */
bool bi_object_setattr(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                       value *out) {
  if (self.t == VAL_UNDEF && nargs > 0) {
    self = args[0];
    args++;
    nargs--;
  }
  if (kw || nargs != 2 || !val_is(args[0], OBJ_STR)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "__setattr__ expected 2 arguments: a str name and a value");
    return false;
  }
  obj_str *name = obj_str_intern(v, AS_STR(args[0])->data, AS_STR(args[0])->len);
  if (!name || !generic_setattr(v, self, name, args[1])) return false;
  *out = val_none();
  return true;
}

bool bi_object_delattr(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                       value *out) {
  if (self.t == VAL_UNDEF && nargs > 0) {
    self = args[0];
    args++;
    nargs--;
  }
  if (kw || nargs != 1 || !val_is(args[0], OBJ_STR)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "__delattr__ expected 1 argument: a str name");
    return false;
  }
  obj_str *name = obj_str_intern(v, AS_STR(args[0])->data, AS_STR(args[0])->len);
  if (!name || !generic_delattr(v, self, name)) return false;
  *out = val_none();
  return true;
}

/* ------------------------------------------------------------ super */

bool bi_super_new(vm *v, obj_class *cls, value self, value *out) {
  obj_class *sc = val_is(self, OBJ_CLASS) ? AS_CLASS(self) : obj_class_of(v, self);
  if (!obj_class_is_sub(sc, cls)) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "super(type, obj): obj must be an instance or subtype of type");
    return false;
  }
  obj_native_obj *p = vm_alloc(v, OBJ_NATIVE_OBJ, sizeof(obj_native_obj));
  if (!p) return false;
  p->cls = v->cls[CLS_SUPER];
  p->dict = obj_dict_new(v);
  if (!p->dict) return false;
  if (!obj_dict_set_cstr(v, p->dict, "__thisclass__", val_obj(cls)) ||
      !obj_dict_set_str(v, p->dict, v->s_self, self))
    return false;
  *out = val_obj(p);
  return true;
}

bool bi_super_getattr(vm *v, value proxy, obj_str *name, value *out, bool *found) {
  obj_native_obj *p = (obj_native_obj *)proxy.as.o;
  obj_str *tcn = intern(v, "__thisclass__");
  if (!tcn) return false;
  value tc = obj_dict_get_str(p->dict, tcn);
  value self = obj_dict_get_str(p->dict, v->s_self);
  *found = false;
  if (name == tcn) {
    *out = tc;
    *found = true;
    return true;
  }
  if (name_is(name, "__self__")) {
    *out = self;
    *found = true;
    return true;
  }
  if (!val_is(tc, OBJ_CLASS)) return true;
  for (obj_class *c = AS_CLASS(tc)->base; c; c = c->base) {
    value x = obj_dict_get_str(c->dict, name);
    if (x.t != VAL_UNDEF) {
      *found = true;
      if (val_is(self, OBJ_CLASS)) {
        *out = x;
        return true;
      }
      return bind(v, self, x, out);
    }
  }
  return true;
}
