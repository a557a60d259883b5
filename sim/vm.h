/* vm: the context of one run and the interpreter's services.
 *
 * One vm struct holds everything a run needs: the heap, the interned
 * strings, the builtin classes, the frame stack, the current exception and
 * the event loop. There is no global state; two vms can run side by side.
 *
 * Errors follow one convention: a fallible call returns false (or NULL)
 * after setting vm->exc with one of the vm_raise* functions; the caller
 * either handles it or returns false in turn. */
#ifndef LOOPVIZ_VM_H
#define LOOPVIZ_VM_H

#include "fmt.h"
#include "mt.h"
#include "obj.h"
#include "sim.h"

/* Size classes of the object pool (gc.c): objects up to VM_POOL_MAX bytes,
 * in steps of 16. */
#define VM_POOL_CLASSES 32
#define VM_POOL_MAX (VM_POOL_CLASSES * 16)

/* The largest single object allocation (its header's size field is 32 bits). */
#define VM_MAX_OBJECT_BYTES ((size_t)UINT32_MAX)

typedef struct gc_slab gc_slab;
typedef struct gc_big gc_big;
typedef struct gc_free_chunk gc_free_chunk;

/* One entry of the id table: the serial id() gave an object. */
typedef struct vm_id_entry {
  obj *o;          /* the object, NULL in an empty slot */
  uint64_t serial; /* its id() serial */
} vm_id_entry;

/* Values natives may pin as collector roots (gc_pin). */
#define VM_MAX_PINS 64

typedef struct loop loop;
typedef struct trace trace;
typedef struct obj_coro obj_coro;
typedef struct queue_state queue_state;

/* The interpreter's record of one running Python function. Frames of plain
 * calls live on the vm's frame stack; a coroutine or generator owns its
 * single frame, so suspending it is just returning from vm_exec. */
typedef struct frame {
  code *code;           /* what runs */
  obj_function *fn;     /* the function (NULL for module and class bodies) */
  obj_dict *globals;    /* module namespace */
  obj_dict *locals;     /* class body namespace (NULL otherwise) */
  value *slots;         /* locals, then the value stack */
  value *sp;            /* next free stack slot */
  uint32_t ip;          /* index of the next instruction */
  uint32_t last_ip;     /* index of the instruction being executed */
  value handled;        /* the exception an except/finally block handles, or None */
  struct frame *parent; /* caller in the same vm_exec, NULL at the entry frame */
  obj_coro *coro;       /* owning coroutine/generator, NULL for a plain call */
  bool owns_slots;      /* slots come from the vm value stack (popped on return) */
} frame;

/* What vm_exec stopped on. */
typedef enum exec_status {
  EXEC_RETURN,     /* the entry frame returned; result holds the value */
  EXEC_YIELD,      /* a coroutine frame yielded to the event loop (await chain) */
  EXEC_AGEN_YIELD, /* an async generator's own "yield" produced a value */
  EXEC_ERROR       /* an exception escaped the entry frame (vm->exc) */
} exec_status;

typedef enum coro_kind { CORO_COROUTINE, CORO_GENERATOR, CORO_ASYNC_GEN } coro_kind;
typedef enum coro_state { CORO_CREATED, CORO_SUSPENDED, CORO_RUNNING, CORO_CLOSED } coro_state;

struct obj_coro {
  obj hdr;           /* kind OBJ_CORO */
  coro_kind ck;      /* coroutine, generator or async generator */
  coro_state state;  /* lifecycle */
  obj_str *name;     /* __name__ */
  obj_str *qualname; /* __qualname__ */
  obj_str *label;    /* how a person reads it: fetch_data(1, 2), made when asked for
                        (vm_coro_label); a trace's task labels are made apart
                        (vm_coro_label_text) */
  bool awaited;      /* was ever sent into (for "never awaited") */
  bool agen_running; /* async generator: an asend/athrow is in progress */
  bool agen_hooked;  /* async generator: registered for shutdown_asyncgens */
  bool delegating;   /* suspended inside SEND, awaiting the iterator on its stack */
  int created_line;  /* line of the call that created it */
  frame frame;       /* its own frame */
  value slots[];     /* storage of frame.slots (locals, then the value stack), allocated
                        with the object */
};

/* Native awaitables (asyncio.sleep, future iterators, asend ...) implement
 * send and throw like a generator. */
typedef struct obj_awaitable obj_awaitable;
typedef exec_status (*awaitable_send_fn)(vm *v, obj_awaitable *a, value in, value *out);
typedef exec_status (*awaitable_throw_fn)(vm *v, obj_awaitable *a, value exc, value *out);

struct obj_awaitable {
  obj hdr;                   /* kind OBJ_AWAITABLE */
  const char *name;          /* for messages and never-awaited warnings */
  awaitable_send_fn send;    /* resume with a value */
  awaitable_throw_fn throw_; /* resume by raising exc inside */
  int state;                 /* the implementation's own state */
  bool awaited;              /* was ever sent into */
  bool coroutine;            /* stands for a coroutine object (asyncio.sleep()) */
  value a, b, c;             /* the implementation's own values */
  double when;               /* the implementation's own number */
};

typedef struct obj_native_obj obj_native_obj;
typedef void (*native_obj_free_fn)(vm *v, obj_native_obj *o);
/* Marks the values data holds (gc_mark_value); false when the collector ran
 * out of memory. */
typedef bool (*native_obj_mark_fn)(vm *v, obj_native_obj *o);
struct obj_native_obj {
  obj hdr;                 /* kind OBJ_NATIVE_OBJ */
  obj_class *cls;          /* its class (Queue, Lock ...) */
  obj_dict *dict;          /* attributes (created lazily) */
  void *data;              /* implementation state */
  native_obj_free_fn free; /* releases data, may be NULL */
  native_obj_mark_fn mark; /* marks the values data holds, may be NULL */
};

struct vm {
  sim_options opts;           /* callbacks and limits of this run */
  const char *filename;       /* scenario file name, for messages */
  const char *source;         /* scenario source text */
  size_t source_len;          /* its length */
  gc_big *big;                /* objects outside the pools, each in its own block (gc.c) */
  size_t bytes;               /* bytes allocated now */
  size_t peak_bytes;          /* most bytes allocated at once */
  obj_dict *interned;         /* interned strings, text -> itself */
  obj_class *cls[CLS__COUNT]; /* builtin classes */
  obj_dict *builtins;         /* the builtins namespace */
  obj_dict *modules;          /* importable modules by name */
  obj_dict *globals;          /* __main__'s namespace */
  value exc;                  /* the exception being raised, VAL_UNDEF if none */
  value *stack;               /* value stack of plain calls */
  value *stack_top;           /* first free slot of stack */
  value *stack_end;           /* one past the last slot */
  frame *frames;              /* frame stack of plain calls */
  int nframes;                /* frames in use */
  int max_frames;             /* frames allocated */
  int depth;                  /* Python call depth (RecursionError) */
  char *c_stack_base;         /* address in the outermost run's C frame (stack budget) */
  frame *current;             /* innermost running frame, NULL when none */
  uint64_t instructions;      /* executed so far */
  size_t mem_stop;            /* bytes past which the memory limit stops the run:
                                 opts.limits.max_memory, or SIZE_MAX without one */
  uint64_t instr_stop;        /* instructions past which each one takes the slow path (the
                                 limit check, line events): opts.limits.max_instructions,
                                 UINT64_MAX without one, 0 while line events are recorded */
  loop *loop;                 /* the running event loop, NULL outside asyncio.run */
  struct loop_prelude *prelude; /* the asyncio prelude's definitions, run on first use (loop.c);
                                   NULL before import asyncio */
  double clock;               /* virtual seconds since the run started */
  uint64_t task_counter;      /* tasks created (names Task-N), across asyncio.run calls */
  obj_class *loop_class;      /* class of the loop objects get_running_loop returns */
  trace *trace;               /* event recorder, NULL when not tracing */
  bool trace_lines;           /* record a TR_LINE event at every statement */
  mt_state rng;               /* the random module's generator */
  int status;                 /* final status once the run ended */
  bool limit_hit;             /* a hard limit stopped the run */
  value native_data;          /* data of the native function being called */
  uint64_t next_serial;       /* last serial handed out by obj_id (starts at 0) */
  vm_id_entry *ids;           /* serials of the objects id() was asked for (open addressing) */
  size_t ids_cap;             /* slots in ids, a power of two (0 before the first) */
  size_t ids_count;           /* slots in use */
  obj_list *repr_guard;       /* containers whose repr is in progress ('[...]'), or NULL */
  int quiet;                  /* > 0 while loopviz's own reprs run program code (vm_repr_quiet):
                                 what it prints is dropped and its lines are not traced */
  value notimpl;              /* the NotImplemented singleton (bi_install) */
  int exec_nesting;           /* interpreter loops (exec_frame) active on the C stack */
  int native_depth;           /* native functions active on the C stack */
  value pins[VM_MAX_PINS];    /* values natives pinned as collector roots (gc_pin) */
  int npins;                  /* pins in use */
  obj **gc_stack;             /* the collector's queue of marked objects to scan */
  size_t gc_stack_count;      /* objects in it */
  size_t gc_stack_cap;        /* objects allocated */
  size_t gc_threshold;        /* bytes at which the next collection is due */
  uint64_t gc_collections;    /* collections so far */
  uint64_t class_epoch;       /* bumped when a class namespace changes or the collector runs:
                                 class lookup caches older than it are stale (obj_class_find) */
  gc_free_chunk *pool_free[VM_POOL_CLASSES]; /* free chunks of each size class (gc.c) */
  char *pool_cur;             /* next unused byte of the newest slab */
  size_t pool_left;           /* unused bytes left in it */
  gc_slab *slabs;             /* every slab of the pools, newest first (gc.c) */
  char *arena_next;           /* the next slab of the newest arena not handed out yet (gc.c) */
  size_t arena_slabs_left;    /* slabs of it not handed out yet */
  obj_coro **fresh;           /* coroutines maybe never awaited, in creation order (the
                                 collector drops the awaited ones) */
  size_t nfresh;              /* entries in fresh */
  size_t fresh_cap;           /* entries allocated */
  queue_state *queue;         /* names and caches of the Queue fast paths (queue.c), NULL
                                 before asyncio is loaded */
  obj_str *s_init, *s_str, *s_repr, *s_eq, *s_ne, *s_lt, *s_le, *s_gt, *s_ge, *s_hash, *s_len,
      *s_bool, *s_iter, *s_next, *s_aiter, *s_anext, *s_aenter, *s_aexit, *s_enter, *s_exit,
      *s_call, *s_getitem, *s_setitem, *s_delitem, *s_contains, *s_name, *s_qualname, *s_module,
      *s_class, *s_dict, *s_args, *s_await, *s_main, *s_add, *s_sub, *s_mul, *s_truediv,
      *s_floordiv, *s_mod, *s_neg, *s_self, *s_doc, *s_setattr, *s_delattr; /* interned names */
};

/* ---- lifetime ---- */
vm *vm_new(const sim_options *opts);
void vm_free(vm *v);

/* ---- allocation: every object and buffer of a run goes through here ---- */
void *vm_alloc(vm *v, obj_kind kind, size_t size);                    /* zeroed, linked, counted */
void *vm_realloc(vm *v, void *ptr, size_t old_size, size_t new_size); /* NULL + MemoryError */
/* False, with the memory LimitError raised, when bytes more would pass the memory limit: for a
 * native about to build a result that large outside vm_alloc (padding, format widths). */
bool vm_memory_room(vm *v, uint64_t bytes);

/* ---- raising ---- */
void vm_raise(vm *v, value exc);                               /* raise an exception object */
void vm_raise_msg(vm *v, obj_type_slot cls, const char *msg);  /* cls(msg) */
void vm_raisef(vm *v, obj_type_slot cls, const char *fmt, ...) /* cls(printf text) */
    __attribute__((format(printf, 3, 4)));
bool vm_exc_matches(vm *v, obj_type_slot cls);                  /* current exc is a cls */
value vm_new_exception(vm *v, obj_class *cls, const char *msg); /* VAL_UNDEF on failure */

/* ---- calling ----
 * Calling a class looks up __new__ through the class chain: a native
 * __new__ receives the class as self and the call's arguments and returns
 * the new object (this is how int(), str(), Exception(), asyncio.Queue()
 * are built). Classes without a native __new__ (user classes) get a fresh
 * instance (an obj_exception for exception classes, args set from the
 * call), then __init__ is called when the class chain defines one. */
/* Calls any callable with positional args, then one value per kwnames item. */
bool vm_call(vm *v, value callable, const value *args, int nargs, obj_tuple *kwnames, value *out);
/* Method call by name: obj.name(args...). */
bool vm_call_method(vm *v, value self, obj_str *name, const value *args, int nargs, value *out);

/* ---- attributes and protocols ---- */
bool vm_getattr(vm *v, value o, obj_str *name, value *out);
/* o.name as the callee of a call: when name is a method found on o's class
 * (a Python function or a builtin method), *out is that function and *self
 * is o, and no bound method is made; otherwise *out is getattr(o, name) and
 * *self is VAL_UNDEF. */
bool vm_getmethod(vm *v, value o, obj_str *name, value *out, value *self);
/* vm_getattr and vm_getmethod for instruction ip of k, which remembers what
 * it found on an instance for the next time (code.h: attr_cache). */
bool vm_getattr_at(vm *v, code *k, uint32_t ip, value o, obj_str *name, value *out);
bool vm_getmethod_at(vm *v, code *k, uint32_t ip, value o, obj_str *name, value *out, value *self);
/* The cache of instruction ip of k (code.h: attr_cache), made for all of k's instructions on
 * first use; NULL when out of memory. */
attr_cache *vm_site_cache(code *k, uint32_t ip);
/* Whether site cache e (which may be NULL) holds a lookup in dict d with no class part (a
 * global, a module's name) that still stands: d's version and the class epoch unchanged. */
bool vm_site_fresh(const vm *v, const attr_cache *e, const obj_dict *d);
/* Remembers in e (NULL: nothing) that name was looked up in d, found: its place in d, or found
 * itself when d lacks it (a builtin). */
void vm_site_remember(vm *v, attr_cache *e, obj_dict *d, obj_str *name, value found);
/* vm_setattr for the STORE_ATTR at instruction ip of k, through its site cache. */
bool vm_setattr_at(vm *v, code *k, uint32_t ip, value o, obj_str *name, value x);
bool vm_getattr_opt(vm *v, value o, obj_str *name, value *out, bool *found);
bool vm_setattr(vm *v, value o, obj_str *name, value x);
bool vm_delattr(vm *v, value o, obj_str *name);
bool vm_repr(vm *v, value x, fmt_buf *out); /* appends repr(x) */
/* vm_repr for loopviz's own texts (a trace's labels and results, the deadlock report): a
 * __repr__ of the program's runs as CPython would never run it there, so what it prints is
 * dropped and the lines it runs are not traced, as when the run is not traced at all. */
bool vm_repr_quiet(vm *v, value x, fmt_buf *out);
bool vm_str(vm *v, value x, fmt_buf *out);  /* appends str(x) */
obj_str *vm_repr_str(vm *v, value x);       /* repr as a new string, NULL on error */
obj_str *vm_str_str(vm *v, value x);        /* str as a new string, NULL on error */
bool vm_format(vm *v, value x, obj_str *spec, fmt_buf *out); /* format(x, spec) */
bool vm_iter(vm *v, value x, value *out);                    /* iter(x) */
/* next(it): *done set when exhausted (no exception left set). */
bool vm_next(vm *v, value it, value *out, bool *done);
bool vm_len(vm *v, value x, int64_t *out);
bool vm_getitem(vm *v, value o, value key, value *out);
bool vm_setitem(vm *v, value o, value key, value x);
bool vm_delitem(vm *v, value o, value key);
bool vm_contains(vm *v, value container, value x, bool *out);
/* Rich comparison for sorting and min/max: a < b. */
bool vm_less(vm *v, value a, value b, bool *out);
/* Collects an iterable into a new list. */
obj_list *vm_to_list(vm *v, value iterable);

/* ---- running code ---- */
/* Runs a module body with globals as its namespace. */
bool vm_run_module(vm *v, code *k, obj_dict *globals, value *out);
/* Runs frame f (already set up) until it returns, yields or raises. */
exec_status vm_exec(vm *v, frame *f, value *result);
/* Resumes a coroutine/generator: with send (throw VAL_UNDEF) or by raising throw. */
exec_status vm_coro_resume(vm *v, obj_coro *c, value send, value throw_, value *out);
/* Closes a generator/coroutine (throws GeneratorExit if suspended). */
bool vm_coro_close(vm *v, obj_coro *c);

/* ---- output ---- */
void vm_write_out(vm *v, const char *text, size_t len);
void vm_write_err(vm *v, const char *text, size_t len);
/* Prints the current exception as a Python traceback on err, clears it. */
void vm_print_exception(vm *v, value exc);
/* Warns about every coroutine that was created and never awaited, as
 * CPython does when it collects them (RuntimeWarning on err). */
void vm_report_never_awaited(vm *v);
/* How a person reads coroutine c: "fetch_data(1, 2)", made from its arguments as they are
 * when first asked for and kept; NULL on failure (MemoryError raised). */
obj_str *vm_coro_label(vm *v, obj_coro *c);
/* Appends c's label ("fetch_data(1, 2)": its arguments as they are now) to out without making a
 * string object: how a trace labels a task when it is created. False when c has no function. */
bool vm_coro_label_text(vm *v, obj_coro *c, fmt_buf *out);
/* Line of the instruction running in the innermost frame (0 if none). */
int vm_current_line(vm *v);
/* Source line n (1-based) of the scenario, without its newline. */
const char *vm_source_line(vm *v, int n, size_t *len);

/* Counts one unit against the memory limit check and instructions; */
/* returns false (and raises the limit error) when a limit is exceeded. */
bool vm_check_limits(vm *v);

/* Calls fn as a native with data at hand in vm->native_data (what calling an
 * obj_native does, for natives run without an object of their own). */
bool vm_call_native_fn(vm *v, native_fn fn, value data, value self, const value *args, int nargs,
                       obj_tuple *kwnames, value *out);

/* Registers a native method on a class. */
bool vm_def_method(vm *v, obj_class *cls, const char *name, native_fn fn);
/* Registers a native function in a namespace dict. */
bool vm_def_native(vm *v, obj_dict *ns, const char *name, native_fn fn);

#endif
