/* gc: the garbage collector of the scenario VM (mark and sweep).
 *
 * Every heap object lives in the VM's pools: objects up to VM_POOL_MAX
 * bytes in slabs of chunks, bigger ones in blocks of their own on a list
 * (vm_alloc, gc_obj_alloc). A collection marks what the program can still
 * reach (in the slabs' mark bitmaps, or the header of a big object), then
 * frees the rest: the bitmaps name the unmarked objects of each slab, so the
 * marked ones are not read again. It runs only at a safe point: between two callbacks or two
 * iterations of the event loop, when the C stack holds nothing but the outermost interpreter loop
 * and the one native that runs the event loop (asyncio.run). There every live value is in a
 * place the collector knows: the VM's frames and value stack, the loop's
 * ready queue and timer heap, its tasks, the builtins and modules, and the
 * values a native pinned with gc_pin. Anywhere else (inside a native that
 * holds values in C variables, a generator resumed by a for loop), the
 * collector waits for the next safe point.
 *
 * CPython frees most objects as soon as their reference count drops to
 * zero, and logs two things then: a coroutine that was never awaited, a
 * task whose exception was never retrieved. loopviz reports both when the
 * run ends (vm_report_never_awaited, asyncio.run), so the collector keeps
 * such objects alive until then. Code objects are never freed: their number
 * is bounded by the source. */
#ifndef LOOPVIZ_GC_H
#define LOOPVIZ_GC_H

#include "vm.h"

/* Values a native keeps in C variables across a run of the loop: pinned
 * values are roots until unpinned (last in, first out). */
typedef enum gc_result {
  GC_OK,  /* done */
  GC_FULL /* the pin stack is full (VM_MAX_PINS) */
} gc_result;

/* No collection before the heap holds this many bytes. */
#define GC_MIN_THRESHOLD ((size_t)8 << 20)

/* Pins x. A native notes v->npins before pinning and gives it back to
 * gc_unpin_to when the values are no longer needed. */
gc_result gc_pin(vm *v, value x);
void gc_unpin_to(vm *v, int npins);

/* Marks x as reachable (for native objects' mark functions); false when the
 * collector ran out of memory. */
bool gc_mark_value(vm *v, value x);

/* Collects when the bytes allocated since the last collection call for it
 * and the C stack is at a safe point (see above). Returns whether it
 * collected. */
bool gc_maybe_collect(vm *v);

/* Memory for one object of the kind and size bytes, zeroed (vm_alloc's allocator): small
 * objects come from per-size free lists in slabs of the VM's own, which the
 * collector refills; NULL when out of memory. The kind must keep whether it
 * owns buffers (gc_free_object) for the object's life. */
void *gc_obj_alloc(vm *v, obj_kind kind, size_t size);
/* Frees the slabs (vm_free, after every object). */
void gc_free_slabs(vm *v);

/* Frees every object and the pools, as the VM ends: objects that own
 * nothing besides their pool chunk go with their slabs, unread. */
void gc_free_all(vm *v);

/* Frees one object and its buffers, subtracting their bytes from v->bytes
 * (used by the sweep and by vm_free). */
void gc_free_object(vm *v, obj *o);

#endif
