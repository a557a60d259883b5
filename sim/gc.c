/* gc: mark and sweep over the VM's object pools (see gc.h). */
#include "gc.h"

#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "loop.h"

/* Collect again once the heap has grown by this factor over what the last
 * collection kept, and never below GC_MIN_THRESHOLD bytes. */
#define GC_GROWTH 2

/* The object pool. Under AddressSanitizer every object is its own malloc
 * block instead, so the sanitizer still sees a use after free. */
#if defined(__SANITIZE_ADDRESS__)
#define GC_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GC_POOL 0
#endif
#endif
#ifndef GC_POOL
#define GC_POOL 1
#endif

#define GC_SLAB_BYTES ((size_t)256 << 10)

/* A kind no object has: a pool chunk on a free list. */
#define GC_FREE_KIND 0xFF

/* A pool chunk on its size class's free list. Its header keeps the chunk's
 * size, so a slab can be walked chunk by chunk (gc_collect, gc_free_all). */
struct gc_free_chunk {
  obj hdr;             /* kind GC_FREE_KIND, size: the chunk's bytes */
  gc_free_chunk *link; /* the next free chunk of the same size */
};

/* The first bytes of a slab. The chunks follow, each an object or a free
 * chunk, each as long as its header's size rounded up to 16. */
struct gc_slab {
  gc_slab *next; /* the slab made before this one */
  size_t used;   /* bytes up to the end of its last chunk, this header included; for
                    the newest slab pool_cur says instead */
};

/* What an object too big for the pools (or every object, without pools) is
 * preceded by in its own malloc block. */
struct gc_big {
  gc_big *next; /* the next such block, newer first */
  size_t pad;   /* keeps the object 16-byte aligned */
};

static bool pooled(size_t size) { return GC_POOL && size && size <= VM_POOL_MAX; }

static size_t chunk_bytes(size_t size) { return (size + 15) & ~(size_t)15; }

void *gc_obj_alloc(vm *v, size_t size) {
  if (!pooled(size)) {
    gc_big *b = calloc(1, sizeof *b + size);
    if (!b)
      return NULL;
    b->next = v->big;
    v->big = b;
    return b + 1;
  }
  size_t cls = (size - 1) / 16;
  size_t chunk = (cls + 1) * 16;
  gc_free_chunk *p = v->pool_free[cls];
  if (p) {
    v->pool_free[cls] = p->link;
  } else {
    if (v->pool_left < chunk) {
      gc_slab *s = malloc(GC_SLAB_BYTES);
      if (!s)
        return NULL;
      if (v->slabs)
        v->slabs->used = (size_t)(v->pool_cur - (char *)v->slabs);
      s->next = v->slabs;
      s->used = sizeof *s;
      v->slabs = s;
      v->pool_cur = (char *)(s + 1);
      v->pool_left = GC_SLAB_BYTES - sizeof *s;
    }
    p = (gc_free_chunk *)v->pool_cur;
    v->pool_cur += chunk;
    v->pool_left -= chunk;
  }
  memset(p, 0, chunk);
  return p;
}

/* Gives an object's memory back: a pooled one becomes a free chunk of its
 * size class; a big one is freed (its caller unlinked it from v->big). */
static void obj_release(vm *v, obj *o) {
  size_t size = o->size;
  if (!pooled(size)) {
    free((gc_big *)o - 1);
    return;
  }
  size_t cls = (size - 1) / 16;
  gc_free_chunk *c = (gc_free_chunk *)o;
  memset(&c->hdr, 0, sizeof c->hdr);
  c->hdr.kind = GC_FREE_KIND;
  c->hdr.size = (uint32_t)chunk_bytes(size);
  c->link = v->pool_free[cls];
  v->pool_free[cls] = c;
}

/* End of the chunks of slab s. */
static char *slab_end(const vm *v, gc_slab *s) {
  return s == v->slabs ? v->pool_cur : (char *)s + s->used;
}

void gc_free_slabs(vm *v) {
  gc_slab *s = v->slabs;
  while (s) {
    gc_slab *next = s->next;
    free(s);
    s = next;
  }
  v->slabs = NULL;
  v->pool_cur = NULL;
  v->pool_left = 0;
  for (size_t i = 0; i < VM_POOL_CLASSES; i++)
    v->pool_free[i] = NULL;
}

gc_result gc_pin(vm *v, value x) {
  if (v->npins >= VM_MAX_PINS)
    return GC_FULL;
  v->pins[v->npins++] = x;
  return GC_OK;
}

void gc_unpin_to(vm *v, int npins) { v->npins = npins < v->npins ? npins : v->npins; }

/* Whether the C stack is at a safe point (gc.h). */
static bool gc_safe(const vm *v) { return v->exec_nesting == 1 && v->native_depth == 1 && v->loop; }

/* ------------------------------------------------------------------------ */
/* Mark                                                                     */
/* ------------------------------------------------------------------------ */

/* Marks o and queues it for scanning (false when the queue cannot grow: the
 * collection is abandoned, nothing is freed). */
static bool mark_obj(vm *v, obj *o) {
  if (!o || o->marked)
    return true;
  o->marked = true;
  if (v->gc_stack_count == v->gc_stack_cap) {
    size_t n = v->gc_stack_cap ? v->gc_stack_cap * 2 : 1024;
    obj **s = realloc(v->gc_stack, n * sizeof *s);
    if (!s)
      return false;
    v->gc_stack = s;
    v->gc_stack_cap = n;
  }
  v->gc_stack[v->gc_stack_count++] = o;
  return true;
}

static bool mark_val(vm *v, value x) { return x.t != VAL_OBJ || mark_obj(v, x.as.o); }

bool gc_mark_value(vm *v, value x) { return mark_val(v, x); }

static bool mark_vals(vm *v, const value *xs, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (xs[i].t == VAL_OBJ && !mark_obj(v, xs[i].as.o))
      return false;
  return true;
}

#define OBJ(p) ((obj *)(p))

static bool mark_frame(vm *v, const frame *f) {
  bool ok = mark_obj(v, OBJ(f->code)) && mark_obj(v, OBJ(f->fn)) && mark_obj(v, OBJ(f->globals)) &&
            mark_obj(v, OBJ(f->locals)) && mark_val(v, f->handled);
  if (ok && f->slots && f->sp > f->slots)
    ok = mark_vals(v, f->slots, (size_t)(f->sp - f->slots));
  return ok;
}

static bool mark_dict(vm *v, const obj_dict *d) {
  for (size_t i = 0; i < d->used; i++) {
    const dict_entry *e = &d->entries[i];
    if (e->key.t == VAL_UNDEF)
      continue;
    if (!mark_val(v, e->key) || !mark_val(v, e->val))
      return false;
  }
  return true;
}

/* Marks what o refers to. */
static bool scan(vm *v, obj *o) {
  switch (o->kind) {
  case OBJ_STR:
  case OBJ_RANGE:
    return true;
  case OBJ_LIST:
    return mark_vals(v, ((obj_list *)o)->items, ((obj_list *)o)->count);
  case OBJ_TUPLE:
    return mark_vals(v, ((obj_tuple *)o)->items, ((obj_tuple *)o)->count);
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_FROZENSET:
    return mark_dict(v, (obj_dict *)o);
  case OBJ_CODE: {
    code *k = (code *)o;
    if (!mark_obj(v, OBJ(k->name)) || !mark_obj(v, OBJ(k->qualname)) ||
        !mark_obj(v, OBJ(k->filename)) || !mark_vals(v, k->consts, k->nconsts))
      return false;
    for (uint32_t i = 0; i < k->nnames; i++)
      if (!mark_obj(v, OBJ(k->names[i])))
        return false;
    for (uint32_t i = 0; i < k->nslots; i++)
      if (!mark_obj(v, OBJ(k->slot_names[i])))
        return false;
    return true;
  }
  case OBJ_FUNCTION: {
    obj_function *fn = (obj_function *)o;
    return mark_obj(v, OBJ(fn->code)) && mark_obj(v, OBJ(fn->globals)) &&
           mark_obj(v, OBJ(fn->defaults)) && mark_obj(v, OBJ(fn->kwdefaults)) &&
           mark_obj(v, OBJ(fn->closure)) && mark_obj(v, OBJ(fn->name)) &&
           mark_obj(v, OBJ(fn->qualname)) && mark_obj(v, OBJ(fn->attrs));
  }
  case OBJ_CELL:
    return mark_val(v, ((obj_cell *)o)->value);
  case OBJ_NATIVE:
    return mark_obj(v, OBJ(((obj_native *)o)->owner)) && mark_val(v, ((obj_native *)o)->data);
  case OBJ_BOUND:
    return mark_val(v, ((obj_bound *)o)->self) && mark_val(v, ((obj_bound *)o)->func);
  case OBJ_CLASS: {
    obj_class *c = (obj_class *)o;
    return mark_obj(v, OBJ(c->name)) && mark_obj(v, OBJ(c->qualname)) &&
           mark_obj(v, OBJ(c->module)) && mark_obj(v, OBJ(c->base)) && mark_obj(v, OBJ(c->dict));
  }
  case OBJ_INSTANCE:
    return mark_obj(v, OBJ(((obj_typed *)o)->cls)) && mark_obj(v, OBJ(((obj_typed *)o)->dict));
  case OBJ_NATIVE_OBJ: {
    obj_native_obj *n = (obj_native_obj *)o;
    return mark_obj(v, OBJ(n->cls)) && mark_obj(v, OBJ(n->dict)) && (!n->mark || n->mark(v, n));
  }
  case OBJ_EXCEPTION: {
    obj_exception *e = (obj_exception *)o;
    if (!mark_obj(v, OBJ(e->cls)) || !mark_obj(v, OBJ(e->dict)) || !mark_obj(v, OBJ(e->args)) ||
        !mark_val(v, e->cause) || !mark_val(v, e->context) || !mark_obj(v, OBJ(e->group)))
      return false;
    for (size_t i = 0; i < e->tb_count; i++)
      if (!mark_obj(v, OBJ(e->tb[i].code)))
        return false;
    return true;
  }
  case OBJ_MODULE:
    return mark_obj(v, OBJ(((obj_module *)o)->name)) && mark_obj(v, OBJ(((obj_module *)o)->dict));
  case OBJ_SLICE: {
    obj_slice *s = (obj_slice *)o;
    return mark_val(v, s->start) && mark_val(v, s->stop) && mark_val(v, s->step);
  }
  case OBJ_ITER:
    return mark_val(v, ((obj_iter *)o)->src) && mark_val(v, ((obj_iter *)o)->aux);
  case OBJ_CORO: {
    obj_coro *c = (obj_coro *)o;
    return mark_obj(v, OBJ(c->name)) && mark_obj(v, OBJ(c->qualname)) &&
           mark_obj(v, OBJ(c->label)) && mark_frame(v, &c->frame);
  }
  case OBJ_AWAITABLE: {
    obj_awaitable *a = (obj_awaitable *)o;
    return mark_val(v, a->a) && mark_val(v, a->b) && mark_val(v, a->c);
  }
  case OBJ_FUTURE: {
    loop_future *f = (loop_future *)o;
    return mark_obj(v, OBJ(f->cls)) && mark_obj(v, OBJ(f->dict)) && mark_val(v, f->result) &&
           mark_val(v, f->exception) && mark_obj(v, OBJ(f->callbacks)) &&
           mark_val(v, f->callback) && mark_val(v, f->cancel_msg) && mark_val(v, f->coro) &&
           mark_val(v, f->fut_waiter) && mark_obj(v, OBJ(f->name)) && mark_val(v, f->context);
  }
  case OBJ_HANDLE:
    return mark_val(v, ((loop_handle *)o)->callback) && mark_obj(v, OBJ(((loop_handle *)o)->args));
  }
  return true;
}

/* The loop's tasks list stands for CPython's weak set of all tasks: a task
 * that is done leaves it, unless its exception still waits to be logged. */
static void prune_tasks(loop *l) {
  obj_list *t = l->tasks;
  size_t j = 0;
  for (size_t i = 0; i < t->count; i++) {
    loop_future *f = (loop_future *)t->items[i].as.o;
    if (f->state == FUT_PENDING || (f->log_tb && f->exception.t != VAL_UNDEF))
      t->items[j++] = t->items[i];
  }
  t->count = j;
}

static bool mark_loop(vm *v, loop *l) {
  for (size_t i = 0; i < l->ready_count; i++)
    if (!mark_obj(v, OBJ(l->ready[(l->ready_head + i) % l->ready_cap])))
      return false;
  for (size_t i = 0; i < l->ntimers; i++)
    if (!mark_obj(v, OBJ(l->timers[i].h)))
      return false;
  return mark_obj(v, OBJ(l->current)) && mark_obj(v, OBJ(l->tasks)) &&
         mark_obj(v, OBJ(l->asyncgens)) && mark_val(v, l->pyobj) && mark_val(v, l->sleep_cb);
}

static bool mark_roots(vm *v) {
  /* coroutines never awaited stay for the warning at the end of the run */
  size_t j = 0;
  for (size_t i = 0; i < v->nfresh; i++)
    if (!v->fresh[i]->awaited)
      v->fresh[j++] = v->fresh[i];
  v->nfresh = j;
  for (size_t i = 0; i < v->nfresh; i++)
    if (!mark_obj(v, OBJ(v->fresh[i])))
      return false;
  if (!mark_obj(v, OBJ(v->interned)) || !mark_obj(v, OBJ(v->builtins)) ||
      !mark_obj(v, OBJ(v->modules)) || !mark_obj(v, OBJ(v->globals)) || !mark_val(v, v->exc) ||
      !mark_obj(v, OBJ(v->loop_class)) || !mark_val(v, v->native_data) ||
      !mark_obj(v, OBJ(v->repr_guard)) || !mark_val(v, v->notimpl))
    return false;
  for (int i = 0; i < CLS__COUNT; i++)
    if (!mark_obj(v, OBJ(v->cls[i])))
      return false;
  for (int i = 0; i < v->nframes; i++)
    if (!mark_frame(v, &v->frames[i]))
      return false;
  if (!mark_vals(v, v->pins, (size_t)v->npins))
    return false;
  return !v->loop || mark_loop(v, v->loop);
}

/* ------------------------------------------------------------------------ */
/* Sweep                                                                    */
/* ------------------------------------------------------------------------ */

/* Frees one object. The kinds whose cases below free buffers are the kinds
 * owns_buffers names: keep the two in step. */
void gc_free_object(vm *v, obj *o) {
  size_t bytes = o->size;
  if (o->has_id)
    obj_id_forget(v, o);
  switch (o->kind) {
  case OBJ_LIST: {
    obj_list *l = (obj_list *)o;
    if (l->items)
      bytes += l->cap * sizeof(value);
    free(l->items);
    break;
  }
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_FROZENSET:
    bytes += obj_dict_buffer_bytes((obj_dict *)o);
    free(((obj_dict *)o)->entries);
    free(((obj_dict *)o)->index);
    break;
  case OBJ_CODE: {
    code *k = (code *)o;
    free(k->ops);
    free(k->lines);
    free(k->stmt);
    free(k->consts);
    free(k->names);
    free(k->slot_names);
    free(k->handlers);
    free(k->cell_slots);
    free(k->free_slots);
    free(k->attr_caches);
    break;
  }
  case OBJ_EXCEPTION:
    free(((obj_exception *)o)->tb);
    break;
  case OBJ_CLASS:
    free(((obj_class *)o)->cache);
    break;
  case OBJ_NATIVE_OBJ: {
    obj_native_obj *n = (obj_native_obj *)o;
    if (n->free)
      n->free(v, n);
    break;
  }
  default:
    break;
  }
  v->bytes -= bytes < v->bytes ? bytes : v->bytes;
  obj_release(v, o);
}

/* Whether freeing o frees more than its memory: the kinds gc_free_object
 * frees buffers of. */
static bool owns_buffers(const obj *o) {
  switch (o->kind) {
  case OBJ_LIST:
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_FROZENSET:
  case OBJ_CODE:
  case OBJ_EXCEPTION:
  case OBJ_CLASS:
  case OBJ_NATIVE_OBJ:
    return true;
  default:
    return false;
  }
}

void gc_free_all(vm *v) {
  /* the id table goes as a whole: no object needs forgetting */
  for (gc_slab *s = v->slabs; s; s = s->next) {
    char *end = slab_end(v, s);
    for (char *p = (char *)(s + 1); p < end;) {
      obj *o = (obj *)p;
      p += chunk_bytes(o->size);
      if (o->kind != GC_FREE_KIND && owns_buffers(o)) {
        o->has_id = false;
        gc_free_object(v, o);
      }
    }
  }
  gc_big *b = v->big;
  v->big = NULL;
  while (b) {
    gc_big *next = b->next;
    obj *o = (obj *)(b + 1);
    o->has_id = false;
    gc_free_object(v, o);
    b = next;
  }
  gc_free_slabs(v);
}

/* The sweep: frees every object the mark left unmarked (but code objects),
 * unmarks the rest; with keep_all (the mark ran out of memory) frees none.
 * The pools are walked slab by slab, in address order. */
static void sweep(vm *v, bool keep_all) {
  for (gc_slab *s = v->slabs; s; s = s->next) {
    char *end = slab_end(v, s);
    for (char *p = (char *)(s + 1); p < end;) {
      obj *o = (obj *)p;
      p += chunk_bytes(o->size);
      if (o->kind == GC_FREE_KIND)
        continue;
      if (o->marked || keep_all || o->kind == OBJ_CODE)
        o->marked = false;
      else
        gc_free_object(v, o);
    }
  }
  gc_big **link = &v->big;
  while (*link) {
    gc_big *b = *link;
    obj *o = (obj *)(b + 1);
    if (o->marked || keep_all || o->kind == OBJ_CODE) {
      o->marked = false;
      link = &b->next;
    } else {
      *link = b->next;
      gc_free_object(v, o);
    }
  }
}

static void gc_collect(vm *v) {
  if (v->loop)
    prune_tasks(v->loop);
  v->gc_stack_count = 0;
  bool ok = mark_roots(v);
  while (ok && v->gc_stack_count)
    ok = scan(v, v->gc_stack[--v->gc_stack_count]);
  sweep(v, !ok);
  v->gc_collections++;
  /* class lookup caches may name strings this collection freed */
  v->class_epoch++;
  /* next time: when the heap has doubled, or used half of what the memory
   * limit leaves, whichever comes first */
  size_t next = v->bytes * GC_GROWTH;
  size_t limit = (size_t)v->opts.limits.max_memory;
  if (limit && limit > v->bytes && next > v->bytes + (limit - v->bytes) / 2)
    next = v->bytes + (limit - v->bytes) / 2;
  v->gc_threshold = next > GC_MIN_THRESHOLD ? next : GC_MIN_THRESHOLD;
}

bool gc_maybe_collect(vm *v) {
  if ((v->bytes < v->gc_threshold && !v->opts.gc_stress) || !gc_safe(v))
    return false;
  gc_collect(v);
  return true;
}
