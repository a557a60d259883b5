/* vm: the context of a run and the bytecode interpreter. See vm.h. */
#include "vm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "builtins.h"
#include "code.h"
#include "gc.h"
#include "loop.h"
#include "ops.h"
#include "queue.h"
#include "sandbox.h"
#include "trace.h"

#define VM_STACK_VALUES (1u << 19) /* value slots shared by plain calls */
/* C stack a run may use below vm_run_module's frame before RecursionError; the
 * main thread has 8 MiB, and AddressSanitizer's frames are several times larger */
#if defined(__SANITIZE_ADDRESS__)
#define VM_C_STACK_BUDGET (3u << 20)
#else
#define VM_C_STACK_BUDGET (6u << 20)
#endif

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */
/* ------------------------------------------------------------------------ */

static bool over_memory(vm *v, size_t extra) {
  return v->bytes + extra > v->mem_stop && v->opts.limits.max_memory && !v->limit_hit;
}

static void raise_limit(vm *v, const char *what, const char *option, const char *fmt, ...) {
  char num[96];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(num, sizeof num, fmt, ap);
  va_end(ap);
  v->limit_hit = true;
  vm_raisef(v, CLS_LIMIT_ERROR, "%s limit of %s exceeded (raise it with %s)", what, num, option);
}

static void raise_memory_limit(vm *v) {
  raise_limit(v, "memory", "--max-memory", "%llu MiB",
              (unsigned long long)(v->opts.limits.max_memory >> 20));
}

void *vm_alloc(vm *v, obj_kind kind, size_t size) {
  if (size > VM_MAX_OBJECT_BYTES) {
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return NULL;
  }
  if (over_memory(v, size)) {
    raise_memory_limit(v);
    return NULL;
  }
  obj *o = gc_obj_alloc(v, kind, size);
  if (!o) {
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return NULL;
  }
  o->kind = (uint8_t)kind;
  o->size = (uint32_t)size;
  v->bytes += size;
  if (v->bytes > v->peak_bytes)
    v->peak_bytes = v->bytes;
  return o;
}

void *vm_realloc(vm *v, void *ptr, size_t old_size, size_t new_size) {
  if (new_size == 0) {
    free(ptr);
    v->bytes -= old_size;
    return NULL;
  }
  if (new_size > old_size && over_memory(v, new_size - old_size)) {
    raise_memory_limit(v);
    return NULL;
  }
  void *p = realloc(ptr, new_size);
  if (!p) {
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return NULL;
  }
  v->bytes = v->bytes - old_size + new_size;
  if (v->bytes > v->peak_bytes)
    v->peak_bytes = v->bytes;
  return p;
}

bool vm_memory_room(vm *v, uint64_t bytes) {
  if (v->opts.limits.max_memory && !v->limit_hit &&
      bytes > v->opts.limits.max_memory - (v->bytes < v->opts.limits.max_memory
                                               ? v->bytes
                                               : v->opts.limits.max_memory)) {
    raise_memory_limit(v);
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------------ */
/* Lifetime                                                                 */
/* ------------------------------------------------------------------------ */

static void install_vm_methods(vm *v);

vm *vm_new(const sim_options *opts) {
  vm *v = calloc(1, sizeof *v);
  if (!v)
    return NULL;
  v->opts = *opts;
  v->mem_stop = opts->limits.max_memory ? (size_t)opts->limits.max_memory : SIZE_MAX;
  v->instr_stop = opts->limits.max_instructions ? opts->limits.max_instructions : UINT64_MAX;
  v->exc = val_undef();
  v->native_data = val_undef();
  v->gc_threshold = GC_MIN_THRESHOLD;
  v->class_epoch = 1;
  v->stack = calloc(VM_STACK_VALUES, sizeof *v->stack);
  v->max_frames = (opts->limits.max_recursion > 0 ? opts->limits.max_recursion : 1000) + 64;
  v->frames = calloc((size_t)v->max_frames, sizeof *v->frames);
  if (!v->stack || !v->frames) {
    vm_free(v);
    return NULL;
  }
  v->stack_top = v->stack;
  v->stack_end = v->stack + VM_STACK_VALUES;
  mt_seed(&v->rng, 0);
  v->interned = obj_dict_new(v);
  if (!v->interned) {
    vm_free(v);
    return NULL;
  }
#define NAME(field, text)                                                                          \
  if (!(v->field = obj_str_intern(v, text, strlen(text)))) {                                       \
    vm_free(v);                                                                                    \
    return NULL;                                                                                   \
  }
  NAME(s_init, "__init__")
  NAME(s_setattr, "__setattr__")
  NAME(s_delattr, "__delattr__")
  NAME(s_str, "__str__")
  NAME(s_repr, "__repr__")
  NAME(s_eq, "__eq__") NAME(s_ne, "__ne__") NAME(s_lt, "__lt__") NAME(s_le, "__le__")
      NAME(s_gt, "__gt__") NAME(s_ge, "__ge__") NAME(s_hash, "__hash__") NAME(s_len, "__len__")
          NAME(s_bool, "__bool__") NAME(s_iter, "__iter__") NAME(s_next, "__next__")
              NAME(s_aiter, "__aiter__") NAME(s_anext, "__anext__") NAME(s_aenter, "__aenter__")
                  NAME(s_aexit, "__aexit__") NAME(s_enter, "__enter__") NAME(s_exit, "__exit__")
                      NAME(s_call, "__call__") NAME(s_getitem, "__getitem__")
                          NAME(s_setitem, "__setitem__") NAME(s_delitem, "__delitem__")
                              NAME(s_contains, "__contains__") NAME(s_name, "__name__")
                                  NAME(s_qualname, "__qualname__") NAME(s_module, "__module__")
                                      NAME(s_class, "__class__") NAME(s_dict, "__dict__")
                                          NAME(s_args, "args") NAME(s_await, "__await__")
                                              NAME(s_main, "__main__") NAME(s_add, "__add__")
                                                  NAME(s_sub, "__sub__") NAME(s_mul, "__mul__")
                                                      NAME(s_truediv, "__truediv__")
                                                          NAME(s_floordiv, "__floordiv__")
                                                              NAME(s_mod, "__mod__")
                                                                  NAME(s_neg, "__neg__")
                                                                      NAME(s_self, "self")
                                                                          NAME(s_doc, "__doc__")
#undef NAME
                                                                              if (!bi_install(v)) {
    vm_free(v);
    return NULL;
  }
  install_vm_methods(v);
  if (!sandbox_install(v)) {
    vm_free(v);
    return NULL;
  }
  v->modules = obj_dict_new(v);
  v->globals = obj_dict_new(v);
  if (!v->modules || !v->globals ||
      !obj_dict_set_str(v, v->globals, v->s_name, val_obj(v->s_main))) {
    vm_free(v);
    return NULL;
  }
  v->exc = val_undef();
  return v;
}

void vm_free(vm *v) {
  if (!v)
    return;
  if (v->loop)
    loop_free(v, v->loop);
  gc_free_all(v);
  free(v->prelude);
  free(v->stack);
  free(v->frames);
  free(v->gc_stack);
  free(v->fresh);
  free(v->ids);
  queue_free(v);
  free(v);
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

void vm_write_out(vm *v, const char *text, size_t len) {
  if (v->quiet > 0)
    return;
  if (v->trace)
    trace_add(v->trace, TR_PRINT, v->clock, loop_current_tid(v), 0, 0, vm_current_line(v), 0, text,
              len);
  if (v->opts.out)
    v->opts.out(v->opts.user, text, len);
}

void vm_write_err(vm *v, const char *text, size_t len) {
  if (v->opts.err)
    v->opts.err(v->opts.user, text, len);
}

const char *vm_source_line(vm *v, int n, size_t *len) {
  const char *s = v->source;
  const char *end = s ? s + v->source_len : NULL;
  *len = 0;
  if (!s || n < 1)
    return "";
  for (int line = 1; line < n && s < end; line++) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl)
      return "";
    s = nl + 1;
  }
  const char *e = s;
  while (e < end && *e != '\n' && *e != '\r')
    e++;
  *len = (size_t)(e - s);
  return s;
}

/* ------------------------------------------------------------------------ */
/* Exceptions                                                               */
/* ------------------------------------------------------------------------ */

value vm_new_exception(vm *v, obj_class *cls, const char *msg) {
  obj_tuple *args = obj_tuple_new(v, msg ? 1 : 0);
  if (!args)
    return val_undef();
  if (msg) {
    obj_str *s = obj_str_cstr(v, msg);
    if (!s)
      return val_undef();
    args->items[0] = val_obj(s);
  }
  obj_exception *e = obj_exception_new(v, cls, args);
  if (!e)
    return val_undef();
  return val_obj(e);
}

/* The exception handled by the innermost frame that handles one. */
static value current_handled(vm *v) {
  for (frame *f = v->current; f; f = f->parent)
    if (f->handled.t == VAL_OBJ)
      return f->handled;
  return val_none();
}

void vm_raise(vm *v, value exc) {
  if (val_is(exc, OBJ_EXCEPTION)) {
    obj_exception *e = AS_EXC(exc);
    value h = current_handled(v);
    if (h.t == VAL_OBJ && h.as.o != exc.as.o) {
      /* avoid cycles in the context chain */
      value c = h;
      bool cycle = false;
      for (int i = 0; i < 100 && val_is(c, OBJ_EXCEPTION); i++) {
        if (AS_EXC(c)->context.t == VAL_OBJ && AS_EXC(c)->context.as.o == exc.as.o) {
          AS_EXC(c)->context = val_none();
          cycle = true;
          break;
        }
        c = AS_EXC(c)->context;
      }
      (void)cycle;
      e->context = h;
    }
  }
  v->exc = exc;
}

void vm_raise_msg(vm *v, obj_type_slot cls, const char *msg) {
  value e = vm_new_exception(v, v->cls[cls], msg);
  if (e.t == VAL_UNDEF) {
    if (v->exc.t == VAL_UNDEF)
      v->exc = val_none(); /* allocation failed: keep something set */
    return;
  }
  vm_raise(v, e);
}

void vm_raisef(vm *v, obj_type_slot cls, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  vm_raise_msg(v, cls, buf);
}

bool vm_exc_matches(vm *v, obj_type_slot cls) {
  return v->exc.t == VAL_OBJ && obj_isinstance(v, v->exc, v->cls[cls]);
}

static void add_tb(vm *v, frame *f) {
  if (!val_is(v->exc, OBJ_EXCEPTION) || !f->code)
    return;
  obj_exception *e = AS_EXC(v->exc);
  if (e->tb_count == e->tb_cap) {
    size_t n = e->tb_cap ? e->tb_cap * 2 : 8;
    if (n > 4096) { /* keep tracebacks of runaway recursion bounded */
      memmove(e->tb + 1024, e->tb + 2048, (e->tb_count - 2048) * sizeof *e->tb);
      e->tb_count -= 1024;
    } else {
      tb_entry *t = realloc(e->tb, n * sizeof *t);
      if (!t)
        return;
      e->tb = t;
      e->tb_cap = n;
    }
  }
  e->tb[e->tb_count++] = (tb_entry){f->code, f->code->lines[f->last_ip]};
}

/* ------------------------------------------------------------------------ */
/* Tracebacks                                                               */
/* ------------------------------------------------------------------------ */

/* Printing follows CPython's traceback module: exception groups nest their
 * members with a margin ("  | ") and numbered separators; chained causes
 * and contexts come first, each introduced by its sentence. */
typedef struct tb_ctx {
  int group_depth; /* nesting of exception groups */
  bool need_close; /* the last member's closing rule is still owed */
  fmt_buf *out;    /* where the text goes */
} tb_ctx;

static void tb_indent(tb_ctx *c) {
  for (int i = 0; i < c->group_depth; i++)
    fmt_buf_appends(c->out, "  ");
}

/* Emits text (one or more lines) with the context's indentation and margin. */
static void tb_emit(tb_ctx *c, const char *text, char margin) {
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
    tb_indent(c);
    if (c->group_depth) {
      fmt_buf_appendc(c->out, margin);
      fmt_buf_appendc(c->out, ' ');
    }
    fmt_buf_append(c->out, p, n);
    if (!nl)
      fmt_buf_appendc(c->out, '\n');
    p += n;
  }
}

static void exc_only(vm *v, value exc, fmt_buf *b) {
  obj_class *cls = obj_class_of(v, exc);
  const char *mod = cls->module ? cls->module->data : "builtins";
  if (strcmp(mod, "builtins") != 0 && strcmp(mod, "__main__") != 0) {
    fmt_buf_appends(b, mod);
    fmt_buf_appendc(b, '.');
  }
  fmt_buf_appends(b, cls->qualname ? cls->qualname->data : cls->name->data);
  fmt_buf s;
  fmt_buf_init(&s);
  value saved = v->exc;
  v->exc = val_undef();
  if (vm_str(v, exc, &s)) {
    if (s.len) {
      fmt_buf_appends(b, ": ");
      fmt_buf_append(b, s.data, s.len);
    }
  } else {
    fmt_buf_appends(b, ": <exception str() failed>");
  }
  v->exc = saved;
  fmt_buf_appendc(b, '\n');
  fmt_buf_free(&s);
}

/* The frames of e's traceback, outermost first, library frames left out. */
static void tb_stack(vm *v, obj_exception *e, fmt_buf *b) {
  for (size_t i = e->tb_count; i-- > 0;) {
    tb_entry *t = &e->tb[i];
    if (t->code->filename && v->filename && strcmp(t->code->filename->data, v->filename) != 0)
      continue;
    fmt_buf_appendf(b, "  File \"%s\", line %d, in %s\n", v->filename ? v->filename : "<scenario>",
                    t->line, t->code->name->data);
    size_t len;
    const char *src = vm_source_line(v, t->line, &len);
    while (len && (*src == ' ' || *src == '\t')) {
      src++;
      len--;
    }
    while (len && (src[len - 1] == ' ' || src[len - 1] == '\t'))
      len--;
    if (len) {
      fmt_buf_appends(b, "    ");
      fmt_buf_append(b, src, len);
      fmt_buf_appendc(b, '\n');
    }
  }
}

static void tb_format(vm *v, tb_ctx *c, value exc, int depth);

/* One exception without its chain (a group with its members). */
static void tb_format_one(vm *v, tb_ctx *c, value exc, int depth) {
  fmt_buf b;
  fmt_buf_init(&b);
  obj_exception *e = val_is(exc, OBJ_EXCEPTION) ? AS_EXC(exc) : NULL;
  if (!e || !e->group) {
    if (e && e->tb_count) {
      tb_emit(c, "Traceback (most recent call last):\n", '|');
      tb_stack(v, e, &b);
      if (b.len)
        tb_emit(c, b.data, '|');
      fmt_buf_clear(&b);
    }
    exc_only(v, exc, &b);
    tb_emit(c, b.data, '|');
    fmt_buf_free(&b);
    return;
  }
  bool top = c->group_depth == 0;
  if (top)
    c->group_depth++;
  if (e->tb_count) {
    tb_emit(c, "Exception Group Traceback (most recent call last):\n", top ? '+' : '|');
    tb_stack(v, e, &b);
    if (b.len)
      tb_emit(c, b.data, '|');
    fmt_buf_clear(&b);
  }
  exc_only(v, exc, &b);
  tb_emit(c, b.data, '|');
  fmt_buf_free(&b);
  size_t n = e->group->count > 15 ? 16 : e->group->count;
  c->need_close = false;
  for (size_t i = 0; i < n; i++) {
    bool last = i == n - 1;
    if (last)
      c->need_close = true;
    bool truncated = i >= 15;
    tb_indent(c);
    if (truncated)
      fmt_buf_appendf(c->out, "%s+---------------- ... ----------------\n", i == 0 ? "+-" : "  ");
    else
      fmt_buf_appendf(c->out, "%s+---------------- %zu ----------------\n", i == 0 ? "+-" : "  ",
                      i + 1);
    c->group_depth++;
    if (!truncated) {
      tb_format(v, c, e->group->items[i], depth + 1);
    } else {
      char more[96];
      snprintf(more, sizeof more, "and %zu more exception%s\n", e->group->count - 15,
               e->group->count - 15 == 1 ? "" : "s");
      tb_emit(c, more, '|');
    }
    if (last && c->need_close) {
      tb_indent(c);
      fmt_buf_appends(c->out, "+------------------------------------\n");
      c->need_close = false;
    }
    c->group_depth--;
  }
  if (top)
    c->group_depth = 0;
}

/* An exception with its chain: causes and contexts first. */
static void tb_format(vm *v, tb_ctx *c, value exc, int depth) {
  if (depth > 40)
    return;
  if (val_is(exc, OBJ_EXCEPTION)) {
    obj_exception *e = AS_EXC(exc);
    if (e->cause.t == VAL_OBJ) {
      tb_format(v, c, e->cause, depth + 1);
      tb_emit(c, "\nThe above exception was the direct cause of the following exception:\n\n", '|');
    } else if (e->context.t == VAL_OBJ && !e->suppress_context) {
      tb_format(v, c, e->context, depth + 1);
      tb_emit(c, "\nDuring handling of the above exception, another exception occurred:\n\n", '|');
    }
  }
  tb_format_one(v, c, exc, depth);
}

void vm_print_exception(vm *v, value exc) {
  fmt_buf b;
  fmt_buf_init(&b);
  tb_ctx c = {0, false, &b};
  tb_format(v, &c, exc, 0);
  vm_write_err(v, fmt_buf_str(&b), b.len);
  fmt_buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */
/* ------------------------------------------------------------------------ */

bool vm_check_limits(vm *v) {
  if (v->opts.limits.max_instructions && v->instructions > v->opts.limits.max_instructions) {
    raise_limit(v, "instruction", "--max-instructions", "%llu",
                (unsigned long long)v->opts.limits.max_instructions);
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------------ */
/* Calls                                                                    */
/* ------------------------------------------------------------------------ */

static const char *fn_qualname(obj_function *fn) { return fn->qualname->data; }

static void missing_args(vm *v, obj_function *fn, value *slots, uint32_t from, uint32_t to,
                         const char *kind) {
  code *k = fn->code;
  const char *names[64];
  int n = 0;
  for (uint32_t i = from; i < to && n < 64; i++)
    if (slots[i].t == VAL_UNDEF)
      names[n++] = k->slot_names[i]->data;
  fmt_buf b;
  fmt_buf_init(&b);
  fmt_buf_appendf(&b, "%s() missing %d required %s argument%s: ", fn_qualname(fn), n, kind,
                  n == 1 ? "" : "s");
  for (int i = 0; i < n; i++) {
    fmt_buf_appendf(&b, "'%s'", names[i]);
    if (n == 2 && i == 0)
      fmt_buf_appends(&b, " and ");
    else if (n > 2 && i < n - 2)
      fmt_buf_appends(&b, ", ");
    else if (n > 2 && i == n - 2)
      fmt_buf_appends(&b, ", and ");
  }
  vm_raise_msg(v, CLS_TYPE_ERROR, b.data ? b.data : "");
  fmt_buf_free(&b);
}

/* bind_args for every call but the common one: keywords, defaults, *args,
 * **kwargs, cells, and the errors. */
__attribute__((noinline)) static bool bind_args_full(vm *v, obj_function *fn, value *slots,
                                                     value self, const value *args, int nargs,
                                                     obj_tuple *kwnames) {
  code *k = fn->code;
  uint32_t argc = k->argcount, kwonly = k->kwonlycount;
  uint32_t total = (uint32_t)nargs + (self.t != VAL_UNDEF ? 1u : 0u);
  uint32_t nkw = kwnames ? (uint32_t)kwnames->count : 0;
  for (uint32_t i = 0; i < k->nslots; i++)
    slots[i] = val_undef();
  uint32_t take = total < argc ? total : argc;
  for (uint32_t i = 0; i < take; i++) {
    if (self.t != VAL_UNDEF)
      slots[i] = i == 0 ? self : args[i - 1];
    else
      slots[i] = args[i];
  }
  uint32_t next = argc + kwonly;
  if (k->flags & CODE_VARARGS) {
    uint32_t extra = total > argc ? total - argc : 0;
    obj_tuple *t = obj_tuple_new(v, extra);
    if (!t)
      return false;
    for (uint32_t i = 0; i < extra; i++) {
      uint32_t src = argc + i;
      t->items[i] = self.t != VAL_UNDEF ? (src == 0 ? self : args[src - 1]) : args[src];
    }
    slots[next++] = val_obj(t);
  } else if (total > argc) {
    uint32_t ndef = fn->defaults ? (uint32_t)fn->defaults->count : 0;
    uint32_t given_kw = 0;
    for (uint32_t i = 0; i < nkw; i++)
      for (uint32_t j = 0; j < argc + kwonly; j++)
        if (k->slot_names[j] == AS_STR(kwnames->items[i]))
          given_kw++;
    if (ndef && kwonly == 0)
      vm_raisef(v, CLS_TYPE_ERROR, "%s() takes from %u to %u positional arguments but %u %s given",
                fn_qualname(fn), argc - ndef, argc, total, total == 1 ? "was" : "were");
    else if (given_kw)
      vm_raisef(v, CLS_TYPE_ERROR,
                "%s() takes %u positional argument%s but %u positional argument%s (and %u "
                "keyword-only argument%s) were given",
                fn_qualname(fn), argc, argc == 1 ? "" : "s", total, total == 1 ? "" : "s", given_kw,
                given_kw == 1 ? "" : "s");
    else
      vm_raisef(v, CLS_TYPE_ERROR, "%s() takes %u positional argument%s but %u %s given",
                fn_qualname(fn), argc, argc == 1 ? "" : "s", total, total == 1 ? "was" : "were");
    return false;
  }
  obj_dict *kwdict = NULL;
  if (k->flags & CODE_VARKW) {
    kwdict = obj_dict_new(v);
    if (!kwdict)
      return false;
    slots[next++] = val_obj(kwdict);
  }
  for (uint32_t i = 0; i < nkw; i++) {
    obj_str *name = AS_STR(kwnames->items[i]);
    value val = args[nargs + (int)i];
    bool placed = false;
    for (uint32_t j = 0; j < argc + kwonly; j++) {
      if (k->slot_names[j] != name)
        continue;
      if (slots[j].t != VAL_UNDEF) {
        vm_raisef(v, CLS_TYPE_ERROR, "%s() got multiple values for argument '%s'", fn_qualname(fn),
                  name->data);
        return false;
      }
      slots[j] = val;
      placed = true;
      break;
    }
    if (placed)
      continue;
    if (!kwdict) {
      vm_raisef(v, CLS_TYPE_ERROR, "%s() got an unexpected keyword argument '%s'", fn_qualname(fn),
                name->data);
      return false;
    }
    if (!obj_dict_set(v, kwdict, val_obj(name), val))
      return false;
  }
  uint32_t ndef = fn->defaults ? (uint32_t)fn->defaults->count : 0;
  for (uint32_t i = 0; i < argc; i++) {
    if (slots[i].t != VAL_UNDEF)
      continue;
    if (i >= argc - ndef)
      slots[i] = fn->defaults->items[i - (argc - ndef)];
  }
  for (uint32_t i = 0; i < argc; i++)
    if (slots[i].t == VAL_UNDEF) {
      missing_args(v, fn, slots, 0, argc, "positional");
      return false;
    }
  for (uint32_t i = argc; i < argc + kwonly; i++) {
    if (slots[i].t != VAL_UNDEF)
      continue;
    if (fn->kwdefaults)
      slots[i] = obj_dict_get_str(fn->kwdefaults, k->slot_names[i]);
  }
  for (uint32_t i = argc; i < argc + kwonly; i++)
    if (slots[i].t == VAL_UNDEF) {
      missing_args(v, fn, slots, argc, argc + kwonly, "keyword-only");
      return false;
    }
  for (uint32_t i = 0; i < k->ncells; i++) {
    uint32_t s = k->cell_slots[i];
    obj_cell *c = obj_cell_new(v, slots[s]);
    if (!c)
      return false;
    slots[s] = val_obj(c);
  }
  for (uint32_t i = 0; i < k->nfrees; i++)
    slots[k->free_slots[i]] = fn->closure ? fn->closure->items[i] : val_undef();
  return true;
}

/* Binds a call's arguments into the slots of fn's frame. self, when
 * given, is the first positional argument. */
static bool bind_args(vm *v, obj_function *fn, value *slots, value self, const value *args,
                      int nargs, obj_tuple *kwnames) {
  code *k = fn->code;
  uint32_t total = (uint32_t)nargs + (self.t != VAL_UNDEF ? 1u : 0u);
  if (kwnames || total != k->argcount || k->kwonlycount || k->ncells ||
      (k->flags & (CODE_VARARGS | CODE_VARKW)))
    return bind_args_full(v, fn, slots, self, args, nargs, kwnames);
  /* the common call: exactly the positional parameters, nothing else */
  uint32_t i = 0;
  if (self.t != VAL_UNDEF)
    slots[i++] = self;
  for (int a = 0; a < nargs; a++)
    slots[i++] = args[a];
  for (; i < k->nslots; i++)
    slots[i] = val_undef();
  for (uint32_t j = 0; j < k->nfrees; j++)
    slots[k->free_slots[j]] = fn->closure ? fn->closure->items[j] : val_undef();
  return true;
}

static void frame_init(frame *f, obj_function *fn, code *k, obj_dict *globals, value *slots) {
  f->code = k;
  f->fn = fn;
  f->globals = globals;
  f->locals = NULL;
  f->slots = slots;
  f->sp = slots + k->nslots;
  f->ip = 0;
  f->last_ip = 0;
  f->handled = val_none();
  f->parent = NULL;
  f->coro = NULL;
  f->owns_slots = false;
}

int vm_current_line(vm *v) {
  frame *f = v->current;
  /* loopviz's own library code (the prelude) has no lines a person can see:
   * the line of the scenario's code that called into it */
  while (f && f->code && f->code->library && f->parent)
    f = f->parent;
  if (!f || !f->code || !f->code->nops || f->code->library)
    return 0;
  return f->code->lines[f->last_ip];
}

/* Appends "name(arg1, arg2)" to b, from the bound parameters. */
static void coro_label_into(vm *v, obj_function *fn, value *slots, fmt_buf *b) {
  code *k = fn->code;
  fmt_buf_appends(b, k->name->data);
  fmt_buf_appendc(b, '(');
  uint32_t n = k->argcount;
  value saved = v->exc;
  for (uint32_t i = 0; i < n; i++) {
    if (i)
      fmt_buf_appends(b, ", ");
    value x = slots[i];
    if (val_is(x, OBJ_CELL))
      x = ((obj_cell *)x.as.o)->value;
    if (i == 0 && k->nslots && k->slot_names[0] == v->s_self) {
      fmt_buf_appends(b, "self");
      continue;
    }
    size_t start = b->len;
    if (vm_repr_quiet(v, x, b)) {
      if (b->len > start && b->data[start] == '<' && strstr(b->data + start, " object at 0x")) {
        /* <asyncio.locks.Event object at 0x...> reads better as <Event> */
        b->len = start;
        fmt_buf_appendf(b, "<%s>", obj_type_name(v, x));
      }
      if (b->len - start > 40) {
        b->len = start + 37;
        fmt_buf_appends(b, "...");
      }
    } else {
      b->len = start;
      fmt_buf_appends(b, "?");
      v->exc = saved;
    }
  }
  fmt_buf_appendc(b, ')');
}

static bool make_coro(vm *v, obj_function *fn, value self, const value *args, int nargs,
                      obj_tuple *kwnames, value *out) {
  code *k = fn->code;
  size_t n = (size_t)k->nslots + k->stacksize;
  obj_coro *c = vm_alloc(v, OBJ_CORO, sizeof *c + n * sizeof *c->slots);
  if (!c)
    return false;
  c->ck = (k->flags & CODE_COROUTINE)   ? CORO_COROUTINE
          : (k->flags & CODE_ASYNC_GEN) ? CORO_ASYNC_GEN
                                        : CORO_GENERATOR;
  c->name = fn->name;
  c->qualname = fn->qualname;
  /* until it is complete the object is no coroutine a program holds: never
   * report it as "never awaited" */
  c->state = CORO_CLOSED;
  c->awaited = true;
  if (!bind_args(v, fn, c->slots, self, args, nargs, kwnames))
    return false;
  c->created_line = vm_current_line(v);
  frame_init(&c->frame, fn, k, fn->globals, c->slots);
  c->frame.coro = c;
  if (c->ck == CORO_COROUTINE) {
    /* remembered for the "never awaited" warning */
    if (v->nfresh == v->fresh_cap) {
      size_t cap = v->fresh_cap ? v->fresh_cap * 2 : 256;
      obj_coro **fresh = realloc(v->fresh, cap * sizeof *fresh);
      if (!fresh) {
        vm_raise_msg(v, CLS_MEMORY_ERROR, "");
        return false;
      }
      v->fresh = fresh;
      v->fresh_cap = cap;
    }
    v->fresh[v->nfresh++] = c;
  }
  c->state = CORO_CREATED;
  c->awaited = false;
  *out = val_obj(c);
  return true;
}

static frame *push_frame(vm *v, code *k) {
  if (v->nframes >= v->max_frames - 1 || v->depth >= v->opts.limits.max_recursion) {
    vm_raise_msg(v, CLS_RECURSION_ERROR, "maximum recursion depth exceeded");
    return NULL;
  }
  size_t need = (size_t)k->nslots + k->stacksize;
  if (v->stack_top + need > v->stack_end) {
    vm_raise_msg(v, CLS_RECURSION_ERROR, "maximum recursion depth exceeded");
    return NULL;
  }
  frame *f = &v->frames[v->nframes++];
  value *slots = v->stack_top;
  v->stack_top += need;
  frame_init(f, NULL, k, NULL, slots);
  f->owns_slots = true;
  return f;
}

static void pop_frame(vm *v, frame *f) {
  if (f->owns_slots) {
    v->stack_top = f->slots;
    v->nframes--;
  }
}

/* Runs fn's native fast path (code.fast), if it has one, for a plain
 * positional call whose arguments, self first when there is one, are
 * args[0 .. n). */
static fast_result call_fast(vm *v, obj_function *fn, const value *args, int n, value *out) {
  code *k = fn->code;
  if (!k->fast || (uint32_t)n != k->argcount)
    return FAST_DECLINED;
  return k->fast(v, args, out);
}

/* Code whose call runs to its return in one go (not a coroutine, generator or async
 * generator's). */
static bool is_plain_code(const code *k) {
  return !(k->flags & (CODE_COROUTINE | CODE_GENERATOR | CODE_ASYNC_GEN));
}

/* Pushes the frame of a plain call of fn, its arguments bound (self first unless VAL_UNDEF):
 * the new frame, or NULL with an exception raised. */
static frame *push_call_frame(vm *v, obj_function *fn, value self, const value *args, int nargs,
                              obj_tuple *kwnames) {
  frame *f = push_frame(v, fn->code);
  if (!f)
    return NULL;
  f->fn = fn;
  f->globals = fn->globals;
  if (!bind_args(v, fn, f->slots, self, args, nargs, kwnames)) {
    pop_frame(v, f);
    return NULL;
  }
  return f;
}

static bool call_function(vm *v, obj_function *fn, value self, const value *args, int nargs,
                          obj_tuple *kwnames, value *out) {
  code *k = fn->code;
  if (!is_plain_code(k))
    return make_coro(v, fn, self, args, nargs, kwnames, out);
  if (k->fast && !kwnames && nargs < 4) {
    value all[4];
    int n = 0;
    if (self.t != VAL_UNDEF)
      all[n++] = self;
    if (nargs) /* args may be NULL then */
      memcpy(all + n, args, (size_t)nargs * sizeof *all);
    fast_result fr = call_fast(v, fn, all, n + nargs, out);
    if (fr != FAST_DECLINED)
      return fr == FAST_DONE;
  }
  frame *f = push_call_frame(v, fn, self, args, nargs, kwnames);
  if (!f)
    return false;
  exec_status st = vm_exec(v, f, out);
  pop_frame(v, f);
  return st == EXEC_RETURN;
}

bool vm_call_native_fn(vm *v, native_fn fn, value data, value self, const value *args, int nargs,
                       obj_tuple *kwnames, value *out) {
  value saved = v->native_data;
  v->native_data = data;
  v->native_depth++;
  bool ok = fn(v, self, args, nargs, kwnames, out);
  v->native_depth--;
  v->native_data = saved;
  return ok;
}

/* Calls native n with self (VAL_UNDEF for a plain function). */
static bool call_native(vm *v, obj_native *n, value self, const value *args, int nargs,
                        obj_tuple *kwnames, value *out) {
  return vm_call_native_fn(v, n->fn, n->data, self, args, nargs, kwnames, out);
}

bool vm_call(vm *v, value fn, const value *args, int nargs, obj_tuple *kwnames, value *out) {
  if (fn.t == VAL_OBJ) {
    switch (fn.as.o->kind) {
    case OBJ_FUNCTION:
      return call_function(v, AS_FUNCTION(fn), val_undef(), args, nargs, kwnames, out);
    case OBJ_NATIVE:
      return call_native(v, AS_NATIVE(fn), val_undef(), args, nargs, kwnames, out);
    case OBJ_BOUND: {
      obj_bound *b = AS_BOUND(fn);
      if (val_is(b->func, OBJ_NATIVE))
        return call_native(v, AS_NATIVE(b->func), b->self, args, nargs, kwnames, out);
      if (val_is(b->func, OBJ_FUNCTION))
        return call_function(v, AS_FUNCTION(b->func), b->self, args, nargs, kwnames, out);
      size_t total = (size_t)nargs + (kwnames ? kwnames->count : 0);
      value *tmp = malloc((total + 1) * sizeof *tmp);
      if (!tmp) {
        vm_raise_msg(v, CLS_MEMORY_ERROR, "");
        return false;
      }
      tmp[0] = b->self;
      memcpy(tmp + 1, args, total * sizeof *tmp);
      bool ok = vm_call(v, b->func, tmp, nargs + 1, kwnames, out);
      free(tmp);
      return ok;
    }
    case OBJ_CLASS:
      return bi_call_class(v, AS_CLASS(fn), args, nargs, kwnames, out);
    default: {
      value m;
      bool found = false;
      if (bi_is_typed(fn)) {
        if (!vm_getattr_opt(v, fn, v->s_call, &m, &found))
          return false;
        if (found)
          return vm_call(v, m, args, nargs, kwnames, out);
      }
      break;
    }
    }
  }
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not callable", obj_type_name(v, fn));
  return false;
}

bool vm_repr_quiet(vm *v, value x, fmt_buf *out) {
  v->quiet++;
  bool ok = vm_repr(v, x, out);
  v->quiet--;
  return ok;
}

obj_str *vm_coro_label(vm *v, obj_coro *c) {
  fmt_buf b;
  fmt_buf_init(&b);
  if (!c->label && vm_coro_label_text(v, c, &b))
    c->label = obj_str_new(v, b.data ? b.data : "", b.len);
  fmt_buf_free(&b);
  return c->label;
}

bool vm_coro_label_text(vm *v, obj_coro *c, fmt_buf *out) {
  if (c->label)
    return fmt_buf_append(out, c->label->data, c->label->len) == FMT_OK;
  if (!c->frame.fn)
    return false;
  coro_label_into(v, c->frame.fn, c->slots, out);
  return true;
}

/* Calls a method found on self's class (vm_getmethod) as the bound method
 * would be called. */
static bool call_with_self(vm *v, value fn, value self, const value *args, int nargs,
                           value *out) {
  if (val_is(fn, OBJ_NATIVE))
    return call_native(v, AS_NATIVE(fn), self, args, nargs, NULL, out);
  return call_function(v, AS_FUNCTION(fn), self, args, nargs, NULL, out);
}

bool vm_call_method(vm *v, value self, obj_str *name, const value *args, int nargs, value *out) {
  /* as the bytecode's LOAD_METHOD and CALL_METHOD do: no bound method made */
  value m, bound_self;
  if (!vm_getmethod(v, self, name, &m, &bound_self))
    return false;
  if (bound_self.t != VAL_UNDEF)
    return call_with_self(v, m, bound_self, args, nargs, out);
  return vm_call(v, m, args, nargs, NULL, out);
}

/* ------------------------------------------------------------------------ */
/* Coroutines and generators                                                */
/* ------------------------------------------------------------------------ */

static exec_status exec_frame(vm *v, frame *f, int mode, value in, value *out);

/* A Python function whose call runs in the caller's interpreter loop (not a
 * coroutine, generator or async generator function). */
static bool is_plain_function(value fn) {
  return val_is(fn, OBJ_FUNCTION) && is_plain_code(AS_FUNCTION(fn)->code);
}

/* Pushes the frame of a plain call made by f, which resumes at ip with its
 * stack down to base: the new frame, its arguments bound (self first unless
 * VAL_UNDEF), or NULL with an exception raised. */
static frame *enter_call(vm *v, frame *f, uint32_t ip, value *base, obj_function *callee,
                         value self, const value *args, int nargs) {
  f->sp = base;
  f->ip = ip;
  frame *nf = push_call_frame(v, callee, self, args, nargs, NULL);
  if (!nf)
    return NULL;
  nf->parent = f;
  v->current = nf;
  v->depth++;
  return nf;
}
enum { MODE_START, MODE_SEND, MODE_THROW };

static const char *coro_kind_name(obj_coro *c) {
  return c->ck == CORO_COROUTINE   ? "coroutine"
         : c->ck == CORO_GENERATOR ? "generator"
                                   : "async generator";
}

exec_status vm_coro_resume(vm *v, obj_coro *c, value send, value throw_, value *out) {
  if (c->state == CORO_RUNNING) {
    vm_raisef(v, CLS_VALUE_ERROR, "%s already executing", coro_kind_name(c));
    return EXEC_ERROR;
  }
  if (c->state == CORO_CLOSED) {
    if (throw_.t != VAL_UNDEF) {
      vm_raise(v, throw_);
      return EXEC_ERROR;
    }
    if (c->ck == CORO_COROUTINE) {
      vm_raise_msg(v, CLS_RUNTIME_ERROR, "cannot reuse already awaited coroutine");
      return EXEC_ERROR;
    }
    *out = val_none();
    return EXEC_RETURN;
  }
  if (c->state == CORO_CREATED && throw_.t == VAL_UNDEF && send.t != VAL_NONE &&
      send.t != VAL_UNDEF) {
    vm_raisef(v, CLS_TYPE_ERROR, "can't send non-None value to a just-started %s",
              coro_kind_name(c));
    return EXEC_ERROR;
  }
  if (c->state == CORO_CREATED && throw_.t != VAL_UNDEF) {
    c->state = CORO_CLOSED;
    c->awaited = true;
    vm_raise(v, throw_);
    return EXEC_ERROR;
  }
  int mode =
      c->state == CORO_CREATED ? MODE_START : (throw_.t != VAL_UNDEF ? MODE_THROW : MODE_SEND);
  c->state = CORO_RUNNING;
  c->awaited = true;
  exec_status st = exec_frame(v, &c->frame, mode, mode == MODE_THROW ? throw_ : send, out);
  if (st == EXEC_YIELD || st == EXEC_AGEN_YIELD) {
    c->state = CORO_SUSPENDED;
    return st;
  }
  c->state = CORO_CLOSED;
  if (st == EXEC_ERROR) {
    /* StopIteration must not leak out of a generator body (PEP 479) */
    if (c->ck != CORO_ASYNC_GEN && vm_exc_matches(v, CLS_STOP_ITERATION)) {
      value inner = v->exc;
      vm_raisef(v, CLS_RUNTIME_ERROR, "%s raised StopIteration", coro_kind_name(c));
      if (val_is(v->exc, OBJ_EXCEPTION)) {
        AS_EXC(v->exc)->cause = inner;
        AS_EXC(v->exc)->context = inner;
      }
    } else if (c->ck == CORO_ASYNC_GEN && (vm_exc_matches(v, CLS_STOP_ASYNC_ITERATION) ||
                                           vm_exc_matches(v, CLS_STOP_ITERATION))) {
      value inner = v->exc;
      vm_raisef(v, CLS_RUNTIME_ERROR, "async generator raised %s", obj_type_name(v, inner));
      if (val_is(v->exc, OBJ_EXCEPTION)) {
        AS_EXC(v->exc)->cause = inner;
        AS_EXC(v->exc)->context = inner;
      }
    }
  }
  return st;
}

bool vm_coro_close(vm *v, obj_coro *c) {
  if (c->state == CORO_CREATED) {
    c->state = CORO_CLOSED;
    c->awaited = true; /* closed before it ran: CPython does not warn of it */
    return true;
  }
  if (c->state != CORO_SUSPENDED)
    return true;
  value exc = vm_new_exception(v, v->cls[CLS_GENERATOR_EXIT], NULL);
  if (exc.t == VAL_UNDEF)
    return false;
  value out;
  exec_status st = vm_coro_resume(v, c, val_undef(), exc, &out);
  if (st == EXEC_YIELD || st == EXEC_AGEN_YIELD) {
    vm_raisef(v, CLS_RUNTIME_ERROR, "%s ignored GeneratorExit", coro_kind_name(c));
    return false;
  }
  if (st == EXEC_ERROR) {
    if (vm_exc_matches(v, CLS_GENERATOR_EXIT) || vm_exc_matches(v, CLS_STOP_ITERATION) ||
        vm_exc_matches(v, CLS_STOP_ASYNC_ITERATION)) {
      v->exc = val_undef();
      return true;
    }
    return false;
  }
  return true;
}

/* Sends into (or throws into) whatever an await or yield-from delegates to. */
static exec_status send_into(vm *v, value it, value in, value throw_, value *out) {
  if (val_is(it, OBJ_CORO))
    return vm_coro_resume(v, (obj_coro *)it.as.o, in, throw_, out);
  if (val_is(it, OBJ_AWAITABLE)) {
    obj_awaitable *a = (obj_awaitable *)it.as.o;
    a->awaited = true;
    if (throw_.t != VAL_UNDEF) {
      if (a->throw_)
        return a->throw_(v, a, throw_, out);
      vm_raise(v, throw_);
      return EXEC_ERROR;
    }
    return a->send(v, a, in, out);
  }
  /* an iterator returned by a user __await__: drive it with next() */
  if (throw_.t != VAL_UNDEF) {
    vm_raise(v, throw_);
    return EXEC_ERROR;
  }
  bool done = false;
  if (!vm_next(v, it, out, &done))
    return EXEC_ERROR;
  if (done) {
    *out = val_none();
    return EXEC_RETURN;
  }
  return EXEC_YIELD;
}

/* ---- async generator awaitables: asend / athrow / aclose ---- */

enum { AG_INIT, AG_RUNNING, AG_DONE };

static exec_status agen_finish(vm *v, obj_awaitable *a, obj_coro *g, exec_status st, value *out) {
  switch (st) {
  case EXEC_YIELD:
    return EXEC_YIELD;
  case EXEC_AGEN_YIELD:
    a->state = AG_DONE;
    g->agen_running = false;
    if (a->c.t == VAL_BOOL && a->c.as.b) { /* aclose: a yield means GeneratorExit was ignored */
      vm_raise_msg(v, CLS_RUNTIME_ERROR, "async generator ignored GeneratorExit");
      return EXEC_ERROR;
    }
    return EXEC_RETURN;
  case EXEC_RETURN:
    a->state = AG_DONE;
    g->agen_running = false;
    if (a->c.t == VAL_BOOL && a->c.as.b) {
      *out = val_none();
      return EXEC_RETURN;
    }
    vm_raise_msg(v, CLS_STOP_ASYNC_ITERATION, NULL);
    return EXEC_ERROR;
  default:
    a->state = AG_DONE;
    g->agen_running = false;
    if (a->c.t == VAL_BOOL && a->c.as.b &&
        (vm_exc_matches(v, CLS_GENERATOR_EXIT) || vm_exc_matches(v, CLS_STOP_ASYNC_ITERATION))) {
      v->exc = val_undef();
      *out = val_none();
      return EXEC_RETURN;
    }
    return EXEC_ERROR;
  }
}

static exec_status agen_send(vm *v, obj_awaitable *a, value in, value *out) {
  obj_coro *g = (obj_coro *)a->a.as.o;
  if (a->state == AG_DONE) {
    vm_raise_msg(v, CLS_RUNTIME_ERROR, "cannot reuse already awaited __anext__()/asend()");
    return EXEC_ERROR;
  }
  exec_status st;
  if (a->state == AG_INIT) {
    if (g->agen_running) {
      vm_raise_msg(v, CLS_RUNTIME_ERROR, "anext(): asynchronous generator is already running");
      return EXEC_ERROR;
    }
    a->state = AG_RUNNING;
    g->agen_running = true;
    if (a->c.t == VAL_BOOL && a->c.as.b) { /* aclose */
      if (g->state == CORO_CREATED || g->state == CORO_CLOSED) {
        g->state = CORO_CLOSED;
        a->state = AG_DONE;
        g->agen_running = false;
        *out = val_none();
        return EXEC_RETURN;
      }
      value exc = vm_new_exception(v, v->cls[CLS_GENERATOR_EXIT], NULL);
      if (exc.t == VAL_UNDEF)
        return EXEC_ERROR;
      st = vm_coro_resume(v, g, val_undef(), exc, out);
    } else if (g->state == CORO_CLOSED) {
      a->state = AG_DONE;
      g->agen_running = false;
      vm_raise_msg(v, CLS_STOP_ASYNC_ITERATION, NULL);
      return EXEC_ERROR;
    } else if (a->b.t != VAL_UNDEF) { /* athrow */
      st = vm_coro_resume(v, g, val_undef(), a->b, out);
    } else {
      st = vm_coro_resume(v, g, val_none(), val_undef(), out);
    }
  } else {
    st = vm_coro_resume(v, g, in, val_undef(), out);
  }
  return agen_finish(v, a, g, st, out);
}

static exec_status agen_throw(vm *v, obj_awaitable *a, value exc, value *out) {
  obj_coro *g = (obj_coro *)a->a.as.o;
  if (a->state != AG_RUNNING) {
    vm_raise(v, exc);
    return EXEC_ERROR;
  }
  exec_status st = vm_coro_resume(v, g, val_undef(), exc, out);
  return agen_finish(v, a, g, st, out);
}

static bool agen_awaitable(vm *v, obj_coro *g, value throw_, bool close, value *out) {
  obj_awaitable *a = vm_alloc(v, OBJ_AWAITABLE, sizeof *a);
  if (!a)
    return false;
  a->name = close ? "aclose" : "asend";
  a->send = agen_send;
  a->throw_ = agen_throw;
  a->state = AG_INIT;
  a->a = val_obj(g);
  a->b = throw_;
  a->c = val_bool(close);
  *out = val_obj(a);
  return true;
}

/* ---- methods of generators, coroutines and async generators ---- */

static bool gen_send(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)kw;
  if (!val_is(self, OBJ_CORO) || nargs != 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "send() takes exactly one argument");
    return false;
  }
  obj_coro *c = (obj_coro *)self.as.o;
  exec_status st = vm_coro_resume(v, c, args[0], val_undef(), out);
  if (st == EXEC_RETURN) {
    value e = vm_new_exception(v, v->cls[CLS_STOP_ITERATION], NULL);
    if (e.t == VAL_UNDEF)
      return false;
    if (out->t != VAL_NONE) {
      obj_tuple *t = obj_tuple_new(v, 1);
      if (!t)
        return false;
      t->items[0] = *out;
      AS_EXC(e)->args = t;
    }
    vm_raise(v, e);
    return false;
  }
  return st != EXEC_ERROR;
}

static bool gen_next(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  (void)nargs;
  value none = val_none();
  return gen_send(v, self, &none, 1, kw, out);
}

static bool gen_throw(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)kw;
  if (!val_is(self, OBJ_CORO) || nargs < 1) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "throw expected at least 1 argument, got 0");
    return false;
  }
  value exc = args[0];
  if (val_is(exc, OBJ_CLASS)) {
    if (!vm_call(v, exc, NULL, 0, NULL, &exc))
      return false;
  }
  if (!val_is(exc, OBJ_EXCEPTION)) {
    vm_raise_msg(v, CLS_TYPE_ERROR,
                 "exceptions must be classes or instances deriving from BaseException, not str");
    return false;
  }
  exec_status st = vm_coro_resume(v, (obj_coro *)self.as.o, val_undef(), exc, out);
  if (st == EXEC_RETURN) {
    vm_raise_msg(v, CLS_STOP_ITERATION, NULL);
    return false;
  }
  return st != EXEC_ERROR;
}

static bool gen_close(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  (void)nargs;
  (void)kw;
  *out = val_none();
  return vm_coro_close(v, (obj_coro *)self.as.o);
}

static bool agen_anext(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)args;
  (void)nargs;
  (void)kw;
  return agen_awaitable(v, (obj_coro *)self.as.o, val_undef(), false, out);
}

static bool agen_aclose(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                        value *out) {
  (void)args;
  (void)nargs;
  (void)kw;
  return agen_awaitable(v, (obj_coro *)self.as.o, val_undef(), true, out);
}

static bool agen_aiter(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out) {
  (void)v;
  (void)args;
  (void)nargs;
  (void)kw;
  *out = self;
  return true;
}

static void install_vm_methods(vm *v) {
  vm_def_method(v, v->cls[CLS_GENERATOR], "send", gen_send);
  vm_def_method(v, v->cls[CLS_GENERATOR], "throw", gen_throw);
  vm_def_method(v, v->cls[CLS_GENERATOR], "close", gen_close);
  vm_def_method(v, v->cls[CLS_GENERATOR], "__next__", gen_next);
  vm_def_method(v, v->cls[CLS_COROUTINE], "send", gen_send);
  vm_def_method(v, v->cls[CLS_COROUTINE], "throw", gen_throw);
  vm_def_method(v, v->cls[CLS_COROUTINE], "close", gen_close);
  vm_def_method(v, v->cls[CLS_ASYNC_GENERATOR], "__anext__", agen_anext);
  vm_def_method(v, v->cls[CLS_ASYNC_GENERATOR], "__aiter__", agen_aiter);
  vm_def_method(v, v->cls[CLS_ASYNC_GENERATOR], "aclose", agen_aclose);
}

/* ------------------------------------------------------------------------ */
/* Helpers of the interpreter                                               */
/* ------------------------------------------------------------------------ */

static const ops_binop binop_map[] = {[AST_OP_ADD] = OPS_ADD,
                                      [AST_OP_SUB] = OPS_SUB,
                                      [AST_OP_MUL] = OPS_MUL,
                                      [AST_OP_DIV] = OPS_TRUEDIV,
                                      [AST_OP_FLOORDIV] = OPS_FLOORDIV,
                                      [AST_OP_MOD] = OPS_MOD,
                                      [AST_OP_POW] = OPS_POW,
                                      [AST_OP_LSHIFT] = OPS_LSHIFT,
                                      [AST_OP_RSHIFT] = OPS_RSHIFT,
                                      [AST_OP_BITOR] = OPS_OR,
                                      [AST_OP_BITXOR] = OPS_XOR,
                                      [AST_OP_BITAND] = OPS_AND,
                                      [AST_OP_MATMUL] = OPS__BINOP_COUNT};

static const ops_cmpop cmp_map[] = {
    [AST_CMP_EQ] = OPS_EQ,        [AST_CMP_NE] = OPS_NE,         [AST_CMP_LT] = OPS_LT,
    [AST_CMP_LE] = OPS_LE,        [AST_CMP_GT] = OPS_GT,         [AST_CMP_GE] = OPS_GE,
    [AST_CMP_IN] = OPS_IN,        [AST_CMP_NOT_IN] = OPS_NOT_IN, [AST_CMP_IS] = OPS_IS,
    [AST_CMP_IS_NOT] = OPS_IS_NOT};

static const ops_unop unop_map[] = {[AST_UOP_NEG] = OPS_NEG,
                                    [AST_UOP_POS] = OPS_POS,
                                    [AST_UOP_NOT] = OPS_NOT,
                                    [AST_UOP_INVERT] = OPS_INVERT};

/* a op b on two ints the common way (no overflow; a divisor above 0; / of ints a double
 * holds exactly, which IEEE division rounds as Python does): false leaves it to do_binary.
 * Inlined in the interpreter loop. */
static inline bool int_binary_fast(uint32_t op, int64_t a, int64_t b, value *out) {
  int64_t r;
  switch (op) {
  case AST_OP_DIV:
    if (b <= 0 || b > (INT64_C(1) << 53) || a > (INT64_C(1) << 53) || a < -(INT64_C(1) << 53))
      return false;
    *out = val_float((double)a / (double)b);
    return true;
  case AST_OP_ADD:
    if (__builtin_add_overflow(a, b, &r))
      return false;
    break;
  case AST_OP_SUB:
    if (__builtin_sub_overflow(a, b, &r))
      return false;
    break;
  case AST_OP_MUL:
    if (__builtin_mul_overflow(a, b, &r))
      return false;
    break;
  case AST_OP_MOD: /* the result takes the divisor's sign */
    if (b <= 0)
      return false;
    r = a % b;
    if (r < 0)
      r += b;
    break;
  case AST_OP_FLOORDIV: /* rounded towards minus infinity */
    if (b <= 0)
      return false;
    r = a / b - (a % b < 0);
    break;
  default:
    return false;
  }
  *out = val_int(r);
  return true;
}

/* a op b for BINARY and INPLACE once int_binary_fast has declined. */
static bool do_binary(vm *v, uint32_t op, value a, value b, bool inplace, value *out) {
  if (a.t == VAL_FLOAT && b.t == VAL_FLOAT) {
    switch (op) {
    case AST_OP_ADD:
      *out = val_float(a.as.f + b.as.f);
      return true;
    case AST_OP_SUB:
      *out = val_float(a.as.f - b.as.f);
      return true;
    case AST_OP_MUL:
      *out = val_float(a.as.f * b.as.f);
      return true;
    default:
      break;
    }
  }
  if (op >= sizeof binop_map / sizeof binop_map[0] || binop_map[op] == OPS__BINOP_COUNT) {
    vm_raisef(v, CLS_TYPE_ERROR, "unsupported operand type(s) for @: '%s' and '%s'",
              obj_type_name(v, a), obj_type_name(v, b));
    return false;
  }
  return ops_binary(v, binop_map[op], a, b, inplace, out);
}

static bool do_compare(vm *v, uint32_t op, value a, value b, value *out) {
  if (op == AST_CMP_IS || op == AST_CMP_IS_NOT) {
    /* `x is None` at once; anything else as obj_is decides */
    bool same = a.t == VAL_NONE || b.t == VAL_NONE ? a.t == b.t : obj_is(a, b);
    *out = val_bool(same == (op == AST_CMP_IS));
    return true;
  }
  if (a.t == VAL_INT && b.t == VAL_INT) {
    bool r;
    switch (op) {
    case AST_CMP_EQ:
      r = a.as.i == b.as.i;
      break;
    case AST_CMP_NE:
      r = a.as.i != b.as.i;
      break;
    case AST_CMP_LT:
      r = a.as.i < b.as.i;
      break;
    case AST_CMP_LE:
      r = a.as.i <= b.as.i;
      break;
    case AST_CMP_GT:
      r = a.as.i > b.as.i;
      break;
    case AST_CMP_GE:
      r = a.as.i >= b.as.i;
      break;
    default:
      return ops_compare(v, cmp_map[op], a, b, out);
    }
    *out = val_bool(r);
    return true;
  }
  return ops_compare(v, cmp_map[op], a, b, out);
}

static bool truthy(vm *v, value x, bool *out) {
  switch (x.t) {
  case VAL_BOOL:
    *out = x.as.b;
    return true;
  case VAL_NONE:
    *out = false;
    return true;
  case VAL_INT:
    *out = x.as.i != 0;
    return true;
  default:
    return obj_truthy(v, x, out);
  }
}

static bool name_error(vm *v, obj_str *name) {
  vm_raisef(v, CLS_NAME_ERROR, "name '%s' is not defined", name->data);
  return false;
}

static bool load_global(vm *v, frame *f, obj_str *name, value *out) {
  value x = obj_dict_get_str(f->globals, name);
  if (x.t == VAL_UNDEF)
    x = obj_dict_get_str(v->builtins, name);
  /* the prelude's, not run yet */
  if (x.t == VAL_UNDEF && v->prelude && !loop_prelude_lookup(v, f->globals, name, &x))
    return false;
  if (x.t == VAL_UNDEF)
    return name_error(v, name);
  *out = x;
  return true;
}

/* load_global for the LOAD_GLOBAL at instruction ip of f's code, through its site cache. */
static bool load_global_at(vm *v, frame *f, uint32_t ip, obj_str *name, value *out) {
  attr_cache *e = vm_site_cache(f->code, ip);
  obj_dict *g = f->globals;
  if (vm_site_fresh(v, e, g)) {
    *out = e->dict_pos >= 0 ? g->entries[e->dict_pos].val : e->cls_val;
    return true;
  }
  if (!load_global(v, f, name, out))
    return false;
  vm_site_remember(v, e, g, name, *out);
  return true;
}

/* `from m import name` found nothing: ImportError, as CPython raises it, when CPython's module
 * has no such name either (asyncio's names are known: loop_cpython_asyncio_has), and otherwise
 * SandboxError, which says it is loopviz that lacks it. No path is shown: loopviz's modules have
 * no file. */
static void import_from_error(vm *v, const obj_module *m, const obj_str *name) {
  if (strcmp(m->name->data, "asyncio") == 0 && !loop_cpython_asyncio_has(name->data)) {
    obj_str *cls_name = obj_str_intern(v, "ImportError", 11);
    value cls = cls_name ? obj_dict_get_str(v->builtins, cls_name) : val_undef();
    if (val_is(cls, OBJ_CLASS)) {
      char msg[512];
      snprintf(msg, sizeof msg, "cannot import name '%s' from '%s' (unknown location)", name->data,
               m->name->data);
      value e = vm_new_exception(v, AS_CLASS(cls), msg);
      if (e.t != VAL_UNDEF) {
        vm_raise(v, e);
        return;
      }
    }
  }
  vm_raisef(v, CLS_SANDBOX_ERROR, "cannot import name '%s' from '%s': loopviz does not provide it",
            name->data, m->name->data);
}

static bool import_module(vm *v, obj_str *name, value *out) {
  value m = obj_dict_get_str(v->modules, name);
  if (m.t != VAL_UNDEF) {
    *out = m;
    return true;
  }
  obj_module *mod = NULL;
  if (strcmp(name->data, "asyncio") == 0)
    mod = loop_module_asyncio(v);
  else if (strcmp(name->data, "time") == 0)
    mod = bi_module_time(v);
  else if (strcmp(name->data, "random") == 0)
    mod = bi_module_random(v);
  else {
    vm_raisef(
        v, CLS_SANDBOX_ERROR,
        "import of module '%s' is refused: scenarios can import only asyncio, time and random",
        name->data);
    return false;
  }
  if (!mod)
    return false;
  if (!obj_dict_set_str(v, v->modules, name, val_obj(mod)))
    return false;
  *out = val_obj(mod);
  return true;
}

static bool get_awaitable(vm *v, value x, uint32_t kind, value *out) {
  if (val_is(x, OBJ_CORO)) {
    obj_coro *c = (obj_coro *)x.as.o;
    if (c->ck == CORO_COROUTINE) {
      *out = x;
      return true;
    }
  } else if (val_is(x, OBJ_AWAITABLE)) {
    *out = x;
    return true;
  } else if (val_is(x, OBJ_FUTURE)) {
    return loop_future_await(v, (loop_future *)x.as.o, out);
  } else if (bi_is_typed(x)) {
    value m;
    bool found = false;
    if (!vm_getattr_opt(v, x, v->s_await, &m, &found))
      return false;
    if (found) {
      value it;
      if (!vm_call(v, m, NULL, 0, NULL, &it))
        return false;
      if (val_is(it, OBJ_CORO) && ((obj_coro *)it.as.o)->ck == CORO_COROUTINE) {
        vm_raise_msg(v, CLS_TYPE_ERROR, "__await__() returned a coroutine");
        return false;
      }
      *out = it;
      return true;
    }
  }
  if (kind == 1)
    vm_raisef(
        v, CLS_TYPE_ERROR,
        "'async with' received an object from __aenter__ that does not implement __await__: %s",
        obj_type_name(v, x));
  else if (kind == 2)
    vm_raisef(
        v, CLS_TYPE_ERROR,
        "'async with' received an object from __aexit__ that does not implement __await__: %s",
        obj_type_name(v, x));
  else
    vm_raisef(v, CLS_TYPE_ERROR, "object %s can't be used in 'await' expression",
              obj_type_name(v, x));
  return false;
}

static bool make_exception(vm *v, value x, value *out, bool cause) {
  if (val_is(x, OBJ_CLASS) && obj_class_is_sub(AS_CLASS(x), v->cls[CLS_BASE_EXCEPTION]))
    return vm_call(v, x, NULL, 0, NULL, out);
  if (val_is(x, OBJ_EXCEPTION)) {
    *out = x;
    return true;
  }
  vm_raise_msg(v, CLS_TYPE_ERROR,
               cause ? "exception causes must derive from BaseException"
                     : "exceptions must derive from BaseException");
  return false;
}

static bool exc_match(vm *v, value exc, value type, bool *out) {
  if (val_is(type, OBJ_TUPLE)) {
    obj_tuple *t = AS_TUPLE(type);
    *out = false;
    for (size_t i = 0; i < t->count; i++) {
      bool m;
      if (!exc_match(v, exc, t->items[i], &m))
        return false;
      if (m) {
        *out = true;
        return true;
      }
    }
    return true;
  }
  if (!val_is(type, OBJ_CLASS) || !obj_class_is_sub(AS_CLASS(type), v->cls[CLS_BASE_EXCEPTION])) {
    vm_raise_msg(v, CLS_TYPE_ERROR,
                 "catching classes that do not inherit from BaseException is not allowed");
    return false;
  }
  *out = obj_isinstance(v, exc, AS_CLASS(type));
  return true;
}

static bool unpack(vm *v, value seq, uint32_t before, uint32_t after, bool star, value *dst) {
  /* dst receives items so that dst[0] is pushed first (the last target) */
  obj_list *items = NULL;
  const value *src;
  size_t n;
  if (val_is(seq, OBJ_TUPLE)) {
    src = AS_TUPLE(seq)->items;
    n = AS_TUPLE(seq)->count;
  } else if (val_is(seq, OBJ_LIST)) {
    src = AS_LIST(seq)->items;
    n = AS_LIST(seq)->count;
  } else {
    value it;
    if (!vm_iter(v, seq, &it)) {
      if (vm_exc_matches(v, CLS_TYPE_ERROR)) {
        v->exc = val_undef();
        vm_raisef(v, CLS_TYPE_ERROR, "cannot unpack non-iterable %s object", obj_type_name(v, seq));
      }
      return false;
    }
    items = obj_list_new(v, 0);
    if (!items)
      return false;
    for (;;) {
      value x;
      bool done;
      if (!vm_next(v, it, &x, &done))
        return false;
      if (done)
        break;
      if (!obj_list_append(v, items, x))
        return false;
      if (!star && items->count > before)
        break;
    }
    src = items->items;
    n = items->count;
  }
  if (!star) {
    if (n < before) {
      vm_raisef(v, CLS_VALUE_ERROR, "not enough values to unpack (expected %u, got %zu)", before,
                n);
      return false;
    }
    if (n > before) {
      vm_raisef(v, CLS_VALUE_ERROR, "too many values to unpack (expected %u)", before);
      return false;
    }
    for (uint32_t i = 0; i < before; i++)
      dst[i] = src[before - 1 - i];
    return true;
  }
  if (n < (size_t)before + after) {
    vm_raisef(v, CLS_VALUE_ERROR, "not enough values to unpack (expected at least %u, got %zu)",
              before + after, n);
    return false;
  }
  obj_list *mid = obj_list_new(v, n - before - after);
  if (!mid)
    return false;
  for (size_t i = before; i < n - after; i++)
    if (!obj_list_append(v, mid, src[i]))
      return false;
  /* push order: after items last..first, the middle list, before items last..first */
  uint32_t k = 0;
  for (uint32_t i = 0; i < after; i++)
    dst[k++] = src[n - 1 - i];
  dst[k++] = val_obj(mid);
  for (uint32_t i = 0; i < before; i++)
    dst[k++] = src[before - 1 - i];
  return true;
}

static obj_tuple *list_to_tuple(vm *v, const value *items, size_t n) {
  obj_tuple *t = obj_tuple_new(v, n);
  if (!t)
    return NULL;
  if (n)
    memcpy(t->items, items, n * sizeof *items);
  return t;
}

/* Turns f(*args, **kwargs) into a flat argument array with kwnames. */
static bool call_ex(vm *v, value fn, obj_tuple *args, obj_dict *kw, value *out) {
  if (!kw || kw->count == 0)
    return vm_call(v, fn, args->items, (int)args->count, NULL, out);
  size_t n = args->count + kw->count;
  value *flat = malloc(n * sizeof *flat);
  obj_tuple *names = obj_tuple_new(v, kw->count);
  if (!flat || !names) {
    free(flat);
    if (!names)
      return false;
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return false;
  }
  memcpy(flat, args->items, args->count * sizeof *flat);
  size_t pos = 0, i = 0;
  dict_entry *e;
  while (obj_dict_next(kw, &pos, &e)) {
    if (!val_is(e->key, OBJ_STR)) {
      free(flat);
      vm_raise_msg(v, CLS_TYPE_ERROR, "keywords must be strings");
      return false;
    }
    obj_str *k = AS_STR(e->key);
    obj_str *ik = obj_str_intern(v, k->data, k->len);
    if (!ik) {
      free(flat);
      return false;
    }
    names->items[i] = val_obj(ik);
    flat[args->count + i] = e->val;
    i++;
  }
  bool ok = vm_call(v, fn, flat, (int)args->count, names, out);
  free(flat);
  return ok;
}

static bool make_class(vm *v, value body, value name, value base, value *out) {
  obj_class *b = v->cls[CLS_OBJECT];
  if (base.t != VAL_UNDEF) {
    if (!val_is(base, OBJ_CLASS)) {
      vm_raisef(v, CLS_TYPE_ERROR, "bases must be types");
      return false;
    }
    b = AS_CLASS(base);
    if (b->flavor == FLAVOR_BUILTIN && b != v->cls[CLS_OBJECT]) {
      vm_raisef(v, CLS_TYPE_ERROR,
                "subclassing the built-in type '%s' is not supported in scenarios", b->name->data);
      return false;
    }
  }
  obj_function *fn = AS_FUNCTION(body);
  obj_dict *ns = obj_dict_new(v);
  if (!ns)
    return false;
  value modname = obj_dict_get_str(fn->globals, v->s_name);
  if (!val_is(modname, OBJ_STR))
    modname = val_obj(v->s_main);
  if (!obj_dict_set_str(v, ns, v->s_module, modname))
    return false;
  if (!obj_dict_set_str(v, ns, v->s_qualname, val_obj(fn->qualname)))
    return false;
  frame *f = push_frame(v, fn->code);
  if (!f)
    return false;
  f->fn = fn;
  f->globals = fn->globals;
  f->locals = ns;
  if (!bind_args(v, fn, f->slots, val_undef(), NULL, 0, NULL)) {
    pop_frame(v, f);
    return false;
  }
  value cell;
  exec_status st = vm_exec(v, f, &cell);
  pop_frame(v, f);
  if (st != EXEC_RETURN)
    return false;
  obj_class *c = obj_class_new(v, AS_STR(name), b);
  if (!c)
    return false;
  c->dict = ns;
  ns->hdr.class_dict = true;
  v->class_epoch++;
  value q = obj_dict_get_str(ns, v->s_qualname);
  if (val_is(q, OBJ_STR))
    c->qualname = AS_STR(q);
  /* a class body may set its own __module__, as it may its __qualname__ */
  value mn = obj_dict_get_str(ns, v->s_module);
  c->module = val_is(mn, OBJ_STR) ? AS_STR(mn) : AS_STR(modname);
  if (val_is(cell, OBJ_CELL))
    ((obj_cell *)cell.as.o)->value = val_obj(c);
  *out = val_obj(c);
  return true;
}

/* ------------------------------------------------------------------------ */
/* The interpreter loop                                                     */
/* ------------------------------------------------------------------------ */

static void trace_line(vm *v, int line) {
  if (!v->trace || v->quiet > 0)
    return;
  trace_add(v->trace, TR_LINE, v->clock, loop_current_tid(v), 0, 0, line, 0, NULL, 0);
}

exec_status vm_exec(vm *v, frame *f, value *result) {
  return exec_frame(v, f, MODE_START, val_undef(), result);
}

/* LOAD_METHOD at instruction ip of k on o, answered from its site cache when vm_getmethod_at
 * found there a method of o's class that o's instance dict does not shadow, and neither the
 * class epoch nor that dict has moved since: *fn is the method, called with o as self. */
static inline bool method_cached(const vm *v, const code *k, uint32_t ip, value o, value *fn) {
  if (!val_is(o, OBJ_INSTANCE) || !k->attr_caches)
    return false;
  const attr_cache *e = &k->attr_caches[ip];
  const obj_instance *in = AS_INSTANCE(o);
  const obj_dict *d = in->dict;
  if (!e->method || e->cls != in->cls || e->epoch != v->class_epoch || e->meth_dict != d ||
      (d && d->version != e->meth_version))
    return false;
  *fn = e->cls_val;
  return true;
}

static exec_status exec_frame(vm *v, frame *entry, int mode, value in, value *result) {
  frame *f = entry;
  frame *saved_current = v->current;
  entry->parent = saved_current;
  v->current = entry;
  /* Python calls reached through natives (__eq__, sort keys, __iter__ ...) nest
   * C frames too: a budget on the C stack itself keeps any recursion limit
   * from overflowing it */
  char probe;
  bool c_stack_full = v->c_stack_base && (size_t)(v->c_stack_base - &probe) > VM_C_STACK_BUDGET;
  if (v->depth >= v->opts.limits.max_recursion + 50 || c_stack_full) {
    vm_raise_msg(v, CLS_RECURSION_ERROR, "maximum recursion depth exceeded");
    v->current = saved_current;
    return EXEC_ERROR;
  }
  v->depth++;
  v->exec_nesting++;
  code *k = f->code;
  const uint32_t *ops = k->ops;
  value *slots = f->slots;
  value *sp = f->sp;
  uint32_t ip = f->ip;
  exec_status status = EXEC_ERROR;
  value tmp, a, b;
  bool bl;

#define PUSH(x) (*sp++ = (x))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define LOAD_STATE()                                                                               \
  do {                                                                                             \
    k = f->code;                                                                                   \
    ops = k->ops;                                                                                  \
    slots = f->slots;                                                                              \
    sp = f->sp;                                                                                    \
    ip = f->ip;                                                                                    \
  } while (0)
#define ERR() goto error
#define CHECK(x)                                                                                   \
  do {                                                                                             \
    if (!(x))                                                                                      \
      goto error;                                                                                  \
  } while (0)

  if (mode == MODE_SEND) {
    if (f->coro && f->coro->delegating) {
      f->coro->delegating = false;
      PUSH(in); /* SEND at ip takes it */
    } else {
      PUSH(in);
    }
  } else if (mode == MODE_THROW) {
    f->last_ip = ip ? ip - 1 : 0;
    if (f->coro && f->coro->delegating) {
      f->coro->delegating = false;
      f->last_ip = ip;
      value res;
      exec_status st = send_into(v, TOP(), val_undef(), in, &res);
      if (st == EXEC_YIELD) {
        f->coro->delegating = true;
        f->sp = sp;
        f->ip = ip;
        *result = res;
        status = EXEC_YIELD;
        goto out;
      }
      if (st == EXEC_RETURN) {
        TOP() = res;
        ip++;
      } else {
        goto error;
      }
    } else {
      vm_raise(v, in);
      goto error;
    }
  }

  for (;;) {
    uint32_t word = ops[ip];
    uint32_t arg = CODE_ARG(word);
    f->last_ip = ip++;
    /* one test per instruction: past instr_stop come the limit and, when tracing (instr_stop
     * is 0 then), the line events */
    if (++v->instructions > v->instr_stop) {
      if (v->trace_lines && k->stmt[f->last_ip] && !k->library)
        trace_line(v, k->stmt[f->last_ip]);
      if (v->opts.limits.max_instructions && v->instructions > v->opts.limits.max_instructions) {
        vm_check_limits(v);
        goto error;
      }
    }
    switch (CODE_OP(word)) {
    case OP_NOP:
      break;
    case OP_POP_TOP:
      sp--;
      break;
    case OP_DUP_TOP:
      tmp = TOP();
      PUSH(tmp);
      break;
    case OP_DUP_TOP_TWO:
      a = sp[-2];
      b = sp[-1];
      PUSH(a);
      PUSH(b);
      break;
    case OP_ROT_TWO:
      tmp = sp[-1];
      sp[-1] = sp[-2];
      sp[-2] = tmp;
      break;
    case OP_ROT_THREE:
      tmp = sp[-1];
      sp[-1] = sp[-2];
      sp[-2] = sp[-3];
      sp[-3] = tmp;
      break;
    case OP_ROT_FOUR:
      tmp = sp[-1];
      sp[-1] = sp[-2];
      sp[-2] = sp[-3];
      sp[-3] = sp[-4];
      sp[-4] = tmp;
      break;
    case OP_LOAD_CONST:
      PUSH(k->consts[arg]);
      break;
    case OP_LOAD_FAST:
      tmp = slots[arg];
      if (tmp.t == VAL_UNDEF) {
        vm_raisef(v, CLS_UNBOUND_LOCAL_ERROR,
                  "cannot access local variable '%s' where it is not associated with a value",
                  k->slot_names[arg]->data);
        ERR();
      }
      PUSH(tmp);
      break;
    case OP_STORE_FAST:
      slots[arg] = POP();
      break;
    case OP_DELETE_FAST:
      if (slots[arg].t == VAL_UNDEF) {
        vm_raisef(v, CLS_UNBOUND_LOCAL_ERROR,
                  "cannot access local variable '%s' where it is not associated with a value",
                  k->slot_names[arg]->data);
        ERR();
      }
      slots[arg] = val_undef();
      break;
    case OP_LOAD_DEREF:
      tmp = ((obj_cell *)slots[arg].as.o)->value;
      if (tmp.t == VAL_UNDEF) {
        bool is_free = false;
        for (uint32_t i = 0; i < k->nfrees; i++)
          if (k->free_slots[i] == arg)
            is_free = true;
        if (is_free)
          vm_raisef(v, CLS_NAME_ERROR,
                    "cannot access free variable '%s' where it is not associated with a value in "
                    "enclosing scope",
                    k->slot_names[arg]->data);
        else
          vm_raisef(v, CLS_UNBOUND_LOCAL_ERROR,
                    "cannot access local variable '%s' where it is not associated with a value",
                    k->slot_names[arg]->data);
        ERR();
      }
      PUSH(tmp);
      break;
    case OP_STORE_DEREF:
      ((obj_cell *)slots[arg].as.o)->value = POP();
      break;
    case OP_DELETE_DEREF:
      ((obj_cell *)slots[arg].as.o)->value = val_undef();
      break;
    case OP_LOAD_CLOSURE:
      PUSH(slots[arg]);
      break;
    case OP_LOAD_GLOBAL:
      CHECK(load_global_at(v, f, f->last_ip, k->names[arg], &tmp));
      PUSH(tmp);
      break;
    case OP_STORE_GLOBAL:
      tmp = POP();
      CHECK(obj_dict_set_str(v, f->globals, k->names[arg], tmp));
      break;
    case OP_DELETE_GLOBAL: {
      bool found;
      CHECK(obj_dict_del(v, f->globals, val_obj(k->names[arg]), &found));
      if (!found) {
        name_error(v, k->names[arg]);
        ERR();
      }
      break;
    }
    case OP_LOAD_NAME:
      tmp = f->locals ? obj_dict_get_str(f->locals, k->names[arg]) : val_undef();
      if (tmp.t == VAL_UNDEF)
        CHECK(load_global(v, f, k->names[arg], &tmp));
      PUSH(tmp);
      break;
    case OP_STORE_NAME:
      tmp = POP();
      CHECK(obj_dict_set_str(v, f->locals ? f->locals : f->globals, k->names[arg], tmp));
      break;
    case OP_DELETE_NAME: {
      bool found;
      CHECK(obj_dict_del(v, f->locals ? f->locals : f->globals, val_obj(k->names[arg]), &found));
      if (!found) {
        name_error(v, k->names[arg]);
        ERR();
      }
      break;
    }
    case OP_LOAD_ATTR:
      CHECK(vm_getattr_at(v, k, f->last_ip, TOP(), k->names[arg], &tmp));
      TOP() = tmp;
      break;
    case OP_STORE_ATTR:
      a = POP();
      b = POP();
      CHECK(vm_setattr_at(v, k, f->last_ip, a, k->names[arg], b));
      break;
    case OP_DELETE_ATTR:
      a = POP();
      CHECK(vm_delattr(v, a, k->names[arg]));
      break;
    case OP_BINARY:
    case OP_INPLACE:
      b = POP();
      a = TOP();
      if (a.t == VAL_INT && b.t == VAL_INT && int_binary_fast(arg, a.as.i, b.as.i, &tmp)) {
        TOP() = tmp;
        break;
      }
      CHECK(do_binary(v, arg, a, b, CODE_OP(word) == OP_INPLACE, &tmp));
      TOP() = tmp;
      break;
    case OP_UNARY:
      if (arg == AST_UOP_NOT) {
        CHECK(truthy(v, TOP(), &bl));
        TOP() = val_bool(!bl);
        break;
      }
      CHECK(ops_unary(v, unop_map[arg], TOP(), &tmp));
      TOP() = tmp;
      break;
    case OP_COMPARE:
      b = POP();
      a = TOP();
      CHECK(do_compare(v, arg, a, b, &tmp));
      TOP() = tmp;
      break;
    case OP_BINARY_SUBSCR:
      b = POP();
      a = TOP();
      if (val_is(a, OBJ_LIST) && b.t == VAL_INT) {
        obj_list *l = AS_LIST(a);
        int64_t i = b.as.i < 0 ? b.as.i + (int64_t)l->count : b.as.i;
        if (i >= 0 && i < (int64_t)l->count) {
          TOP() = l->items[i];
          break;
        }
      }
      CHECK(vm_getitem(v, a, b, &tmp));
      TOP() = tmp;
      break;
    case OP_STORE_SUBSCR:
      b = POP();
      a = POP();
      tmp = POP();
      CHECK(vm_setitem(v, a, b, tmp));
      break;
    case OP_DELETE_SUBSCR:
      b = POP();
      a = POP();
      CHECK(vm_delitem(v, a, b));
      break;
    case OP_BUILD_SLICE: {
      obj_slice *s = vm_alloc(v, OBJ_SLICE, sizeof *s);
      CHECK(s);
      s->step = arg == 3 ? POP() : val_none();
      s->stop = POP();
      s->start = POP();
      PUSH(val_obj(s));
      break;
    }
    case OP_JUMP:
      ip = arg;
      break;
    case OP_POP_JUMP_IF_FALSE:
      tmp = POP();
      CHECK(truthy(v, tmp, &bl));
      if (!bl)
        ip = arg;
      break;
    case OP_POP_JUMP_IF_TRUE:
      tmp = POP();
      CHECK(truthy(v, tmp, &bl));
      if (bl)
        ip = arg;
      break;
    case OP_JUMP_IF_FALSE_OR_POP:
      CHECK(truthy(v, TOP(), &bl));
      if (!bl)
        ip = arg;
      else
        sp--;
      break;
    case OP_JUMP_IF_TRUE_OR_POP:
      CHECK(truthy(v, TOP(), &bl));
      if (bl)
        ip = arg;
      else
        sp--;
      break;
    case OP_GET_ITER:
      CHECK(vm_iter(v, TOP(), &tmp));
      TOP() = tmp;
      break;
    case OP_FOR_ITER: {
      value it = TOP();
      if (val_is(it, OBJ_ITER)) {
        obj_iter *r = AS_ITER(it);
        if (r->ik == ITER_RANGE) {
          /* pos counts items produced, end is the length (proto.c) */
          if (r->pos < r->end) {
            obj_range *rg = (obj_range *)r->src.as.o;
            PUSH(val_int((int64_t)((uint64_t)rg->start + (uint64_t)r->pos * (uint64_t)rg->step)));
            r->pos++;
          } else {
            sp--;
            ip = arg;
          }
          break;
        }
        if (r->ik == ITER_SEQ && val_is(r->src, OBJ_LIST)) {
          obj_list *l = AS_LIST(r->src);
          if (r->pos >= 0 && r->pos < (int64_t)l->count) {
            PUSH(l->items[r->pos++]);
          } else {
            r->pos = -1;
            sp--;
            ip = arg;
          }
          break;
        }
      }
      bool done;
      f->sp = sp;
      CHECK(vm_next(v, it, &tmp, &done));
      if (done) {
        sp--;
        ip = arg;
      } else {
        PUSH(tmp);
      }
      break;
    }
    case OP_BUILD_LIST: {
      obj_list *l = obj_list_new(v, arg);
      CHECK(l);
      sp -= arg;
      if (arg)
        memcpy(l->items, sp, arg * sizeof *sp);
      l->count = arg;
      PUSH(val_obj(l));
      break;
    }
    case OP_BUILD_TUPLE: {
      sp -= arg;
      obj_tuple *t = list_to_tuple(v, sp, arg);
      CHECK(t);
      PUSH(val_obj(t));
      break;
    }
    case OP_BUILD_SET: {
      obj_dict *s = obj_set_new(v);
      CHECK(s);
      sp -= arg;
      for (uint32_t i = 0; i < arg; i++)
        CHECK(obj_set_add(v, s, sp[i]));
      PUSH(val_obj(s));
      break;
    }
    case OP_BUILD_MAP: {
      obj_dict *d = obj_dict_new(v);
      CHECK(d);
      sp -= 2 * arg;
      for (uint32_t i = 0; i < arg; i++)
        CHECK(obj_dict_set(v, d, sp[2 * i], sp[2 * i + 1]));
      PUSH(val_obj(d));
      break;
    }
    case OP_LIST_APPEND:
      tmp = POP();
      CHECK(obj_list_append(v, AS_LIST(sp[-(int)arg]), tmp));
      break;
    case OP_SET_ADD:
      tmp = POP();
      CHECK(obj_set_add(v, AS_DICT(sp[-(int)arg]), tmp));
      break;
    case OP_MAP_ADD:
      b = POP();
      a = POP();
      CHECK(obj_dict_set(v, AS_DICT(sp[-(int)arg]), a, b));
      break;
    case OP_LIST_EXTEND: {
      tmp = POP();
      obj_list *dst = AS_LIST(sp[-(int)arg]);
      obj_list *src = vm_to_list(v, tmp);
      if (!src) {
        if (vm_exc_matches(v, CLS_TYPE_ERROR) && !bi_is_typed(tmp)) {
          v->exc = val_undef();
          vm_raisef(v, CLS_TYPE_ERROR, "Value after * must be an iterable, not %s",
                    obj_type_name(v, tmp));
        }
        ERR();
      }
      for (size_t i = 0; i < src->count; i++)
        CHECK(obj_list_append(v, dst, src->items[i]));
      break;
    }
    case OP_SET_UPDATE:
      tmp = POP();
      CHECK(obj_set_update(v, AS_DICT(sp[-(int)arg]), tmp));
      break;
    case OP_DICT_UPDATE:
    case OP_DICT_MERGE: {
      tmp = POP();
      obj_dict *dst = AS_DICT(sp[-(int)arg]);
      if (!val_is(tmp, OBJ_DICT)) {
        vm_raisef(v, CLS_TYPE_ERROR, "'%s' object is not a mapping", obj_type_name(v, tmp));
        ERR();
      }
      size_t pos = 0;
      dict_entry *e;
      while (obj_dict_next(AS_DICT(tmp), &pos, &e)) {
        if (CODE_OP(word) == OP_DICT_MERGE) {
          bool found;
          value old;
          CHECK(obj_dict_get(v, dst, e->key, &old, &found));
          if (found) {
            fmt_buf kb;
            fmt_buf_init(&kb);
            vm_str(v, e->key, &kb);
            vm_raisef(v, CLS_TYPE_ERROR, "got multiple values for keyword argument '%s'",
                      kb.data ? kb.data : "");
            fmt_buf_free(&kb);
            ERR();
          }
        }
        CHECK(obj_dict_set(v, dst, e->key, e->val));
      }
      break;
    }
    case OP_LIST_TO_TUPLE: {
      obj_list *l = AS_LIST(TOP());
      obj_tuple *t = list_to_tuple(v, l->items, l->count);
      CHECK(t);
      TOP() = val_obj(t);
      break;
    }
    case OP_UNPACK_SEQUENCE:
      tmp = POP();
      CHECK(unpack(v, tmp, arg, 0, false, sp));
      sp += arg;
      break;
    case OP_UNPACK_EX: {
      uint32_t before = arg & 0xff, after = arg >> 8;
      tmp = POP();
      CHECK(unpack(v, tmp, before, after, true, sp));
      sp += before + after + 1;
      break;
    }
    case OP_FORMAT_VALUE: {
      value spec = (arg & 4) ? POP() : val_undef();
      value x = POP();
      uint32_t conv = arg & 3;
      if (conv == 1) {
        obj_str *s = vm_str_str(v, x);
        CHECK(s);
        x = val_obj(s);
      } else if (conv >= 2) {
        obj_str *s = vm_repr_str(v, x);
        CHECK(s);
        x = val_obj(s);
      }
      if (val_is(x, OBJ_STR) && (spec.t == VAL_UNDEF || AS_STR(spec)->len == 0)) {
        PUSH(x);
        break;
      }
      fmt_buf fb;
      fmt_buf_init(&fb);
      static const char empty[] = "";
      obj_str *sp_str = spec.t == VAL_UNDEF ? NULL : AS_STR(spec);
      bool ok;
      if (sp_str)
        ok = vm_format(v, x, sp_str, &fb);
      else {
        obj_str *e = obj_str_new(v, empty, 0);
        ok = e && vm_format(v, x, e, &fb);
      }
      if (!ok) {
        fmt_buf_free(&fb);
        ERR();
      }
      obj_str *s = bi_str_from_buf(v, &fb);
      CHECK(s);
      PUSH(val_obj(s));
      break;
    }
    case OP_BUILD_STRING: {
      size_t len = 0;
      sp -= arg;
      for (uint32_t i = 0; i < arg; i++)
        len += AS_STR(sp[i])->len;
      char *buf = malloc(len + 1);
      if (!buf) {
        vm_raise_msg(v, CLS_MEMORY_ERROR, "");
        ERR();
      }
      size_t pos = 0;
      for (uint32_t i = 0; i < arg; i++) {
        memcpy(buf + pos, AS_STR(sp[i])->data, AS_STR(sp[i])->len);
        pos += AS_STR(sp[i])->len;
      }
      obj_str *s = obj_str_new(v, buf, len);
      free(buf);
      CHECK(s);
      PUSH(val_obj(s));
      break;
    }
    case OP_CALL: {
      value fn = sp[-(int)arg - 1];
      if (is_plain_function(fn)) {
        if (AS_FUNCTION(fn)->code->fast) {
          f->sp = sp;
          fast_result fr = call_fast(v, AS_FUNCTION(fn), sp - arg, (int)arg, &tmp);
          CHECK(fr != FAST_ERROR);
          if (fr == FAST_DONE) {
            sp -= arg + 1;
            PUSH(tmp);
            break;
          }
        }
        frame *nf = enter_call(v, f, ip, sp - arg - 1, AS_FUNCTION(fn), val_undef(), sp - arg,
                               (int)arg);
        CHECK(nf);
        f = nf;
        LOAD_STATE();
        break;
      }
      f->sp = sp;
      CHECK(vm_call(v, fn, sp - arg, (int)arg, NULL, &tmp));
      sp -= arg + 1;
      PUSH(tmp);
      break;
    }
    case OP_LOAD_METHOD: {
      value self_or_undef;
      if (method_cached(v, k, f->last_ip, TOP(), &tmp)) {
        sp[0] = sp[-1];
        sp[-1] = tmp;
        sp++;
        break;
      }
      CHECK(vm_getmethod_at(v, k, f->last_ip, TOP(), k->names[arg], &tmp, &self_or_undef));
      TOP() = tmp;
      PUSH(self_or_undef);
      break;
    }
    case OP_CALL_METHOD: {
      value fn = sp[-(int)arg - 2];
      value self_v = sp[-(int)arg - 1];
      if (val_is(fn, OBJ_FUNCTION)) {
        obj_function *callee = AS_FUNCTION(fn);
        uint32_t fl = callee->code->flags;
        bool plain = is_plain_code(callee->code);
        if (callee->code->fast && self_v.t != VAL_UNDEF) {
          /* a library method with a native fast path: a plain call, or a
           * coroutine awaited at once (the await's GET_AWAITABLE, LOAD_CONST
           * None, SEND follow), which makes no coroutine object when the
           * fast path finishes it. No trace event names such a coroutine,
           * so a trace loses nothing: only the label its making would have
           * built (the repr of its arguments, which CPython never makes) */
          bool awaited = (fl & CODE_COROUTINE) && CODE_OP(ops[ip]) == OP_GET_AWAITABLE;
          if (plain || awaited) {
            f->sp = sp;
            fast_result fr = call_fast(v, callee, sp - arg - 1, (int)arg + 1, &tmp);
            CHECK(fr != FAST_ERROR);
            if (fr == FAST_DONE) {
              sp -= arg + 2;
              PUSH(tmp);
              if (awaited)
                ip += 3;
              break;
            }
          }
        }
        if (plain) {
          frame *nf = enter_call(v, f, ip, sp - arg - 2, callee, self_v, sp - arg, (int)arg);
          CHECK(nf);
          f = nf;
          LOAD_STATE();
          break;
        }
      }
      f->sp = sp;
      if (self_v.t == VAL_UNDEF)
        CHECK(vm_call(v, fn, sp - arg, (int)arg, NULL, &tmp));
      else
        CHECK(call_with_self(v, fn, self_v, sp - arg, (int)arg, &tmp));
      sp -= arg + 2;
      PUSH(tmp);
      break;
    }
    case OP_CALL_KW: {
      obj_tuple *names = AS_TUPLE(POP());
      value fn = sp[-(int)arg - 1];
      f->sp = sp;
      CHECK(vm_call(v, fn, sp - arg, (int)(arg - names->count), names, &tmp));
      sp -= arg + 1;
      PUSH(tmp);
      break;
    }
    case OP_CALL_EX: {
      /* fn, args and kw stay on the stack during the call (collector roots) */
      value kw = arg ? TOP() : val_undef();
      value args = sp[arg ? -2 : -1];
      value fn = sp[arg ? -3 : -2];
      f->sp = sp;
      CHECK(call_ex(v, fn, AS_TUPLE(args), kw.t == VAL_UNDEF ? NULL : AS_DICT(kw), &tmp));
      sp -= arg ? 3 : 2;
      PUSH(tmp);
      break;
    }
    case OP_MAKE_FUNCTION: {
      code *fk = (code *)POP().as.o;
      obj_function *fn = vm_alloc(v, OBJ_FUNCTION, sizeof *fn);
      CHECK(fn);
      fn->code = fk;
      fn->globals = f->globals;
      fn->name = fk->name;
      fn->qualname = fk->qualname;
      if (arg & 4)
        fn->closure = AS_TUPLE(POP());
      if (arg & 2)
        fn->kwdefaults = AS_DICT(POP());
      if (arg & 1)
        fn->defaults = AS_TUPLE(POP());
      PUSH(val_obj(fn));
      break;
    }
    case OP_MAKE_CLASS: {
      value base = arg ? POP() : val_undef();
      value name = POP();
      value body = POP();
      f->sp = sp;
      CHECK(make_class(v, body, name, base, &tmp));
      PUSH(tmp);
      break;
    }
    case OP_RETURN_VALUE:
      tmp = POP();
      if (f == entry) {
        f->sp = sp;
        f->ip = ip;
        *result = tmp;
        status = EXEC_RETURN;
        goto out;
      }
      {
        frame *done = f;
        f = f->parent;
        pop_frame(v, done);
        v->depth--;
        v->current = f;
        LOAD_STATE();
        PUSH(tmp);
      }
      break;
    case OP_YIELD_VALUE:
      tmp = POP();
      f->sp = sp;
      f->ip = ip;
      *result = tmp;
      status = (k->flags & CODE_ASYNC_GEN) ? EXEC_AGEN_YIELD : EXEC_YIELD;
      goto out;
    case OP_GET_AWAITABLE:
      CHECK(get_awaitable(v, TOP(), arg, &tmp));
      TOP() = tmp;
      break;
    case OP_SEND: {
      value in_val = POP();
      value it = TOP();
      f->sp = sp;
      exec_status st = send_into(v, it, in_val, val_undef(), &tmp);
      if (st == EXEC_YIELD) {
        /* suspend at this SEND; resuming re-executes it */
        f->ip = ip - 1;
        f->sp = sp;
        if (f->coro)
          f->coro->delegating = true;
        *result = tmp;
        status = EXEC_YIELD;
        if (f != entry) {
          vm_raise_msg(v, CLS_RUNTIME_ERROR, "await outside of a coroutine frame");
          ERR();
        }
        goto out;
      }
      if (st == EXEC_AGEN_YIELD) {
        vm_raise_msg(v, CLS_RUNTIME_ERROR, "unexpected async generator yield");
        ERR();
      }
      if (st == EXEC_ERROR)
        ERR();
      TOP() = tmp;
      break;
    }
    case OP_GET_AITER: {
      value x = TOP();
      if (val_is(x, OBJ_CORO) && ((obj_coro *)x.as.o)->ck == CORO_ASYNC_GEN)
        break;
      value m;
      bool found = false;
      if (bi_is_typed(x))
        CHECK(vm_getattr_opt(v, x, v->s_aiter, &m, &found));
      if (!found) {
        vm_raisef(v, CLS_TYPE_ERROR, "'async for' requires an object with __aiter__ method, got %s",
                  obj_type_name(v, x));
        ERR();
      }
      CHECK(vm_call(v, m, NULL, 0, NULL, &tmp));
      TOP() = tmp;
      break;
    }
    case OP_GET_ANEXT: {
      value x = TOP();
      if (val_is(x, OBJ_CORO) && ((obj_coro *)x.as.o)->ck == CORO_ASYNC_GEN) {
        CHECK(agen_awaitable(v, (obj_coro *)x.as.o, val_undef(), false, &tmp));
        PUSH(tmp);
        break;
      }
      value m;
      bool found = false;
      if (bi_is_typed(x))
        CHECK(vm_getattr_opt(v, x, v->s_anext, &m, &found));
      if (!found) {
        vm_raisef(v, CLS_TYPE_ERROR,
                  "'async for' requires an iterator with __anext__ method, got %s",
                  obj_type_name(v, x));
        ERR();
      }
      CHECK(vm_call(v, m, NULL, 0, NULL, &a));
      if (!get_awaitable(v, a, 0, &tmp)) {
        v->exc = val_undef();
        vm_raisef(v, CLS_TYPE_ERROR, "'async for' received an invalid object from __anext__: %s",
                  obj_type_name(v, a));
        ERR();
      }
      PUSH(tmp);
      break;
    }
    case OP_END_ASYNC_FOR:
      tmp = POP();
      if (obj_isinstance(v, tmp, v->cls[CLS_STOP_ASYNC_ITERATION])) {
        sp--;
        break;
      }
      v->exc = tmp;
      goto unwind;
    case OP_BEFORE_WITH: {
      value mgr = POP();
      obj_str *enter = arg ? v->s_aenter : v->s_enter;
      obj_str *exitn = arg ? v->s_aexit : v->s_exit;
      value em, xm;
      bool f1 = false, f2 = false;
      if (bi_is_typed(mgr)) {
        CHECK(vm_getattr_opt(v, mgr, enter, &em, &f1));
        CHECK(vm_getattr_opt(v, mgr, exitn, &xm, &f2));
      }
      if (!f1 || !f2) {
        if (arg)
          vm_raisef(v, CLS_TYPE_ERROR,
                    "'%s' object does not support the asynchronous context manager protocol",
                    obj_type_name(v, mgr));
        else
          vm_raisef(v, CLS_TYPE_ERROR, "'%s' object does not support the context manager protocol",
                    obj_type_name(v, mgr));
        ERR();
      }
      PUSH(xm);
      f->sp = sp;
      CHECK(vm_call(v, em, NULL, 0, NULL, &tmp));
      PUSH(tmp);
      break;
    }
    case OP_WITH_EXCEPT_START: {
      value exc = sp[-1];
      value exitf = sp[-3];
      value args3[3] = {val_obj(obj_class_of(v, exc)), exc, val_none()};
      f->sp = sp;
      CHECK(vm_call(v, exitf, args3, 3, NULL, &tmp));
      PUSH(tmp);
      break;
    }
    case OP_RAISE_VARARGS:
      if (arg == 0) {
        value h = current_handled(v);
        if (h.t != VAL_OBJ) {
          vm_raise_msg(v, CLS_RUNTIME_ERROR, "No active exception to reraise");
          ERR();
        }
        v->exc = h;
        goto unwind;
      }
      if (arg == 2) {
        value cause = POP();
        value ex = POP();
        value e, c = val_none();
        CHECK(make_exception(v, ex, &e, false));
        if (cause.t != VAL_NONE)
          CHECK(make_exception(v, cause, &c, true));
        AS_EXC(e)->cause = c;
        AS_EXC(e)->suppress_context = true;
        vm_raise(v, e);
        ERR();
      }
      tmp = POP();
      CHECK(make_exception(v, tmp, &a, false));
      vm_raise(v, a);
      ERR();
    case OP_RERAISE:
      tmp = POP();
      f->handled = POP();
      v->exc = tmp;
      goto unwind;
    case OP_CHECK_EXC_MATCH:
      b = POP();
      CHECK(exc_match(v, TOP(), b, &bl));
      PUSH(val_bool(bl));
      break;
    case OP_POP_EXCEPT:
      f->handled = POP();
      break;
    case OP_LOAD_ASSERTION_ERROR:
      PUSH(val_obj(v->cls[CLS_ASSERTION_ERROR]));
      break;
    case OP_IMPORT_NAME:
      CHECK(import_module(v, k->names[arg], &tmp));
      PUSH(tmp);
      break;
    case OP_IMPORT_FROM: {
      obj_module *m = AS_MODULE(TOP());
      tmp = obj_dict_get_str(m->dict, k->names[arg]);
      if (tmp.t == VAL_UNDEF && v->prelude)
        CHECK(loop_prelude_lookup(v, m->dict, k->names[arg], &tmp));
      if (tmp.t == VAL_UNDEF) {
        import_from_error(v, m, k->names[arg]);
        ERR();
      }
      PUSH(tmp);
      break;
    }
    case OP_IMPORT_STAR: {
      obj_module *m = AS_MODULE(POP());
      CHECK(loop_prelude_run_all(v, m->dict));
      size_t pos = 0;
      dict_entry *e;
      while (obj_dict_next(m->dict, &pos, &e)) {
        if (!val_is(e->key, OBJ_STR) || AS_STR(e->key)->data[0] == '_')
          continue;
        CHECK(obj_dict_set(v, f->globals, e->key, e->val));
      }
      break;
    }
    case OP_SUPER0: {
      value cls = ((obj_cell *)slots[arg].as.o)->value;
      if (k->argcount == 0 || !val_is(cls, OBJ_CLASS)) {
        vm_raise_msg(v, CLS_RUNTIME_ERROR, "super(): no arguments");
        ERR();
      }
      value self = slots[0];
      for (uint32_t i = 0; i < k->ncells; i++)
        if (k->cell_slots[i] == 0)
          self = ((obj_cell *)self.as.o)->value;
      CHECK(bi_super_new(v, AS_CLASS(cls), self, &tmp));
      PUSH(tmp);
      break;
    }
    case OP_UNSUPPORTED:
      vm_raisef(v, CLS_SANDBOX_ERROR, "%s", AS_STR(k->consts[arg])->data);
      ERR();
    default:
      /* the compiler is the only source of code: every opcode is one of the cases above, so
       * the dispatch needs no range check */
      __builtin_unreachable();
    }
    continue;

  error:
    add_tb(v, f);
  unwind:
    for (;;) {
      const code_handler *h = v->limit_hit ? NULL : code_find_handler(k, f->last_ip);
      if (h) {
        value exc = v->exc;
        v->exc = val_undef();
        sp = slots + k->nslots + h->depth;
        if (h->push_prev) {
          PUSH(f->handled);
          f->handled = exc;
        }
        PUSH(exc);
        ip = h->target;
        break;
      }
      if (f == entry) {
        f->sp = sp;
        f->ip = ip;
        status = EXEC_ERROR;
        goto out;
      }
      frame *done = f;
      f = f->parent;
      pop_frame(v, done);
      v->depth--;
      v->current = f;
      LOAD_STATE();
      add_tb(v, f);
    }
  }

out:
  v->depth--;
  v->exec_nesting--;
  v->current = saved_current;
  return status;
#undef PUSH
#undef POP
#undef TOP
#undef LOAD_STATE
#undef ERR
#undef CHECK
}

bool vm_run_module(vm *v, code *k, obj_dict *globals, value *out) {
  char here;
  if (!v->c_stack_base)
    v->c_stack_base = &here;
  frame *f = push_frame(v, k);
  if (!f)
    return false;
  f->globals = globals;
  for (uint32_t i = 0; i < k->nslots; i++)
    f->slots[i] = val_undef();
  exec_status st = vm_exec(v, f, out);
  pop_frame(v, f);
  return st == EXEC_RETURN;
}

void vm_report_never_awaited(vm *v) {
  for (size_t i = 0; i < v->nfresh; i++) {
    obj_coro *c = v->fresh[i];
    if (c->awaited)
      continue;
    int line = c->created_line;
    const char *name = c->qualname->data;
    fmt_buf b;
    fmt_buf_init(&b);
    fmt_buf_appendf(&b, "%s:%d: RuntimeWarning: coroutine '%s' was never awaited\n",
                    v->filename ? v->filename : "<scenario>", line, name);
    size_t len;
    const char *src = vm_source_line(v, line, &len);
    while (len && (*src == ' ' || *src == '\t')) {
      src++;
      len--;
    }
    if (len) {
      fmt_buf_appends(&b, "  ");
      fmt_buf_append(&b, src, len);
      fmt_buf_appendc(&b, '\n');
    }
    fmt_buf_appends(&b,
                    "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
    if (v->trace)
      trace_add(v->trace, TR_WARNING, v->clock, -1, 0, 0, line, 0, b.data, b.len);
    vm_write_err(v, b.data, b.len);
    fmt_buf_free(&b);
  }
}
