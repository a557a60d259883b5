/* gc: mark and sweep over the VM's object pools (see gc.h). */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS, madvise */
#include "gc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "code.h"
#include "loop.h"

/* Collect again once the heap has grown by this factor over what the last
 * collection kept, and never below GC_MIN_THRESHOLD bytes. */
#define GC_GROWTH 2
/* ... or by this factor when the last collection freed less than
 * 1/GC_POOR_YIELD of the heap. */
#define GC_GROWTH_MOSTLY_LIVE 3
#define GC_POOR_YIELD 4

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

/* Slabs are GC_SLAB_BYTES long and aligned to their size, so an object's slab is its address
 * rounded down. They come GC_ARENA_SLABS at a time in one anonymous mapping (an arena), aligned
 * to its size: from the second arena on the kernel is asked to back them with huge pages, one
 * page fault per arena instead of one per 4 KiB (a small program keeps its small pages). */
#define GC_SLAB_BYTES ((size_t)256 << 10)
#define GC_ARENA_SLABS 8
#define GC_ARENA_BYTES (GC_SLAB_BYTES * GC_ARENA_SLABS)
/* A chunk begins on a granule: one bit of each slab bitmap per granule. */
#define GC_GRANULE 16
#define GC_SLAB_WORDS (GC_SLAB_BYTES / GC_GRANULE / 64)

/* A pool chunk on its size class's free list. */
struct gc_free_chunk {
  obj hdr;             /* zeroed: a free chunk is no object */
  gc_free_chunk *link; /* the next free chunk of the same size */
};

/* The first bytes of a slab. The chunks follow, each an object or a free chunk on a list. The
 * bitmaps let the sweep find the unmarked objects without reading the marked ones, and the
 * teardown the few objects that own buffers without reading the others. */
struct gc_slab {
  gc_slab *next;                 /* the slab made before this one */
  uint64_t start[GC_SLAB_WORDS]; /* a bit per granule: an object begins there */
  uint64_t mark[GC_SLAB_WORDS];  /* a bit per granule: the mark reached the object there */
  uint64_t owner[GC_SLAB_WORDS]; /* a bit per granule: the object there owns buffers */
};

/* What an object too big for the pools (or every object, without pools) is
 * preceded by in its own malloc block. */
struct gc_big {
  gc_big *next; /* the next such block, newer first */
  size_t pad;   /* keeps the object 16-byte aligned */
};

static bool pooled(size_t size) { return GC_POOL && size && size <= VM_POOL_MAX; }

static gc_slab *slab_of(const void *p) {
  return (gc_slab *)((uintptr_t)p & ~(uintptr_t)(GC_SLAB_BYTES - 1));
}

/* The granule of p in its slab. */
static size_t granule_of(const gc_slab *s, const void *p) {
  return (size_t)((const char *)p - (const char *)s) / GC_GRANULE;
}

/* The object whose chunk begins at granule g of s. */
static obj *granule_obj(gc_slab *s, size_t g) { return (obj *)((char *)s + g * GC_GRANULE); }

/* The first chunk of a slab. */
#define GC_SLAB_FIRST ((sizeof(gc_slab) + GC_GRANULE - 1) / GC_GRANULE * GC_GRANULE)

/* A new arena: GC_ARENA_BYTES, aligned to its size, zeroed; NULL when out of memory. */
static char *arena_map(bool huge) {
#if defined(MAP_ANONYMOUS)
  /* map twice the size and give back what lies outside the aligned middle */
  size_t span = 2 * GC_ARENA_BYTES;
  char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return NULL;
  char *a = (char *)(((uintptr_t)m + GC_ARENA_BYTES - 1) & ~(uintptr_t)(GC_ARENA_BYTES - 1));
  if (a > m)
    munmap(m, (size_t)(a - m));
  if (a + GC_ARENA_BYTES < m + span)
    munmap(a + GC_ARENA_BYTES, (size_t)(m + span - (a + GC_ARENA_BYTES)));
#if defined(MADV_HUGEPAGE)
  if (huge)
    madvise(a, GC_ARENA_BYTES, MADV_HUGEPAGE); /* a hint: refused, small pages do */
#endif
  return a;
#else
  (void)huge;
  char *a = aligned_alloc(GC_ARENA_BYTES, GC_ARENA_BYTES);
  if (a)
    memset(a, 0, GC_ARENA_BYTES);
  return a;
#endif
}

static void arena_unmap(char *a) {
#if defined(MAP_ANONYMOUS)
  munmap(a, GC_ARENA_BYTES);
#else
  free(a);
#endif
}

/* Starts a new slab (zeroed memory) as the one chunks are cut from; false when out of memory. */
static bool slab_new(vm *v) {
  if (!v->arena_slabs_left) {
    char *a = arena_map(v->slabs != NULL);
    if (!a)
      return false;
    v->arena_next = a;
    v->arena_slabs_left = GC_ARENA_SLABS;
  }
  gc_slab *s = (gc_slab *)v->arena_next;
  v->arena_next += GC_SLAB_BYTES;
  v->arena_slabs_left--;
  s->next = v->slabs;
  v->slabs = s;
  v->pool_cur = (char *)s + GC_SLAB_FIRST;
  v->pool_left = GC_SLAB_BYTES - GC_SLAB_FIRST;
  return true;
}

/* Whether freeing an object of this kind frees more than its memory: the kinds
 * gc_free_object frees buffers of (keep the two in step). */
static bool owns_buffers(obj_kind kind) {
  switch (kind) {
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

void *gc_obj_alloc(vm *v, obj_kind kind, size_t size) {
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
    memset(p, 0, chunk);
  } else {
    /* never used since the arena was mapped: zero already */
    if (v->pool_left < chunk && !slab_new(v))
      return NULL;
    p = (gc_free_chunk *)v->pool_cur;
    v->pool_cur += chunk;
    v->pool_left -= chunk;
  }
  gc_slab *s = slab_of(p);
  size_t g = granule_of(s, p);
  s->start[g / 64] |= (uint64_t)1 << (g % 64);
  if (owns_buffers(kind))
    s->owner[g / 64] |= (uint64_t)1 << (g % 64);
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
  gc_slab *s = slab_of(o);
  size_t g = granule_of(s, o);
  s->start[g / 64] &= ~((uint64_t)1 << (g % 64));
  s->owner[g / 64] &= ~((uint64_t)1 << (g % 64));
  size_t cls = (size - 1) / 16;
  gc_free_chunk *c = (gc_free_chunk *)o;
  memset(&c->hdr, 0, sizeof c->hdr);
  c->link = v->pool_free[cls];
  v->pool_free[cls] = c;
}

void gc_free_slabs(vm *v) {
  /* slabs are listed newest first; an arena's first slab is its start */
  gc_slab *s = v->slabs;
  while (s) {
    gc_slab *next = s->next;
    if (((uintptr_t)s & (GC_ARENA_BYTES - 1)) == 0)
      arena_unmap((char *)s);
    s = next;
  }
  v->slabs = NULL;
  v->pool_cur = NULL;
  v->pool_left = 0;
  v->arena_next = NULL;
  v->arena_slabs_left = 0;
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
  if (!o)
    return true;
  if (pooled(o->size)) {
    gc_slab *s = slab_of(o);
    size_t g = granule_of(s, o);
    uint64_t bit = (uint64_t)1 << (g % 64);
    if (s->mark[g / 64] & bit)
      return true;
    s->mark[g / 64] |= bit;
  } else {
    if (o->marked)
      return true;
    o->marked = true;
  }
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

void gc_free_all(vm *v) {
  /* the id table goes as a whole: no object needs forgetting */
  for (gc_slab *s = v->slabs; s; s = s->next) {
    for (size_t w = 0; w < GC_SLAB_WORDS; w++) {
      for (uint64_t bits = s->owner[w]; bits; bits &= bits - 1) {
        obj *o = granule_obj(s, w * 64 + (size_t)__builtin_ctzll(bits));
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

/* The sweep: frees every object the mark left unmarked (but code objects)
 * and clears the marks; with keep_all (the mark ran out of memory) frees
 * none. In the pools only the unmarked objects are read: the slabs'
 * bitmaps name them. */
static void sweep(vm *v, bool keep_all) {
  for (gc_slab *s = v->slabs; s; s = s->next) {
    for (size_t w = 0; w < GC_SLAB_WORDS; w++) {
      uint64_t dead = keep_all ? 0 : s->start[w] & ~s->mark[w];
      s->mark[w] = 0;
      for (; dead; dead &= dead - 1) {
        obj *o = granule_obj(s, w * 64 + (size_t)__builtin_ctzll(dead));
        if (o->kind != OBJ_CODE)
          gc_free_object(v, o);
      }
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
  size_t before = v->bytes;
  bool ok = mark_roots(v);
  while (ok && v->gc_stack_count)
    ok = scan(v, v->gc_stack[--v->gc_stack_count]);
  sweep(v, !ok);
  v->gc_collections++;
  /* class lookup caches may name strings this collection freed */
  v->class_epoch++;
  /* next time: when the heap has doubled (tripled after a collection that
   * freed under a quarter of it: most of it lives on, and marking it again
   * soon would free little again), or used half of what the memory limit
   * leaves, whichever comes first */
  size_t freed = before > v->bytes ? before - v->bytes : 0;
  bool poor = freed * GC_POOR_YIELD < before;
  size_t next = v->bytes * (poor ? GC_GROWTH_MOSTLY_LIVE : GC_GROWTH);
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
