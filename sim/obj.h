/* obj: values and heap objects of the scenario VM.
 *
 * A value is a small tagged union: None, bool, int (64-bit, overflow is an
 * OverflowError rather than a silent wrap), float, or a pointer to a heap
 * object. Every heap object starts with obj_header and is allocated through
 * vm_alloc (vm.h), which links it into the VM's object list and counts its
 * bytes against the memory limit; the whole heap is released when the VM is
 * freed.
 *
 * Classes are objects too: every value has a class (obj_class_of), builtin
 * types included, so type(x), isinstance and method lookup share one path:
 * instance dict, then the class and its bases. */
#ifndef LOOPVIZ_OBJ_H
#define LOOPVIZ_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vm vm;
typedef struct obj obj;

typedef enum val_type {
  VAL_UNDEF, /* internal: empty slot, unbound local, missing argument */
  VAL_NONE,  /* None */
  VAL_BOOL,  /* True / False */
  VAL_INT,   /* int within int64 */
  VAL_FLOAT, /* float */
  VAL_OBJ    /* pointer to a heap object */
} val_type;

typedef struct value {
  val_type t; /* which member of as is live */
  union {
    bool b;    /* VAL_BOOL */
    int64_t i; /* VAL_INT */
    double f;  /* VAL_FLOAT */
    obj *o;    /* VAL_OBJ */
  } as;
} value;

typedef enum obj_kind {
  OBJ_STR,       /* obj_str */
  OBJ_LIST,      /* obj_list */
  OBJ_TUPLE,     /* obj_tuple */
  OBJ_DICT,      /* obj_dict */
  OBJ_SET,       /* obj_dict used as a set (values unused) */
  OBJ_FROZENSET, /* obj_dict, immutable */
  OBJ_CODE,      /* code (code.h) */
  OBJ_FUNCTION,  /* obj_function */
  OBJ_CELL,      /* obj_cell */
  OBJ_NATIVE,    /* obj_native: builtin function or method */
  OBJ_BOUND,     /* obj_bound: a callable bound to a self value */
  OBJ_CLASS,     /* obj_class */
  OBJ_INSTANCE,  /* obj_instance */
  OBJ_EXCEPTION, /* obj_exception (an instance of a BaseException subclass) */
  OBJ_MODULE,    /* obj_module */
  OBJ_RANGE,     /* obj_range */
  OBJ_SLICE,     /* obj_slice */
  OBJ_ITER,      /* obj_iter: iterators over builtin containers */
  OBJ_CORO,      /* obj_coro: coroutine, generator or async generator */
  OBJ_AWAITABLE, /* obj_awaitable: native awaitable with a send/throw vtable */
  OBJ_FUTURE,    /* loop_future (loop.h): asyncio.Future and Task */
  OBJ_HANDLE,    /* loop_handle (loop.h): callback and timer handles */
  OBJ_NATIVE_OBJ /* obj_native_obj: other native state (queues, locks ...) */
} obj_kind;

/* Every heap object begins with this 8-byte header. The collector finds
 * objects by walking its pools (gc.c), so objects are not linked. */
struct obj {
  uint8_t kind;    /* an obj_kind: which struct this header begins */
  bool marked;     /* a big object reached by the collector's current mark (gc.h); a pooled
                      one is marked in its slab's bitmap */
  bool class_dict; /* a dict that is a class's namespace: changing it invalidates the
                      class lookup caches (obj_class_find) */
  bool has_id;     /* id() gave it a serial, kept in the VM's id table (obj_id) */
  uint32_t size;   /* bytes of this allocation (not counting its buffers; at most
                      VM_MAX_OBJECT_BYTES) */
};

typedef struct obj_class obj_class;

typedef struct obj_str {
  obj hdr;       /* kind OBJ_STR */
  size_t len;    /* bytes, not counting the NUL */
  size_t chars;  /* code points */
  uint64_t hash; /* cached hash, 0 until computed */
  char data[];   /* UTF-8, NUL-terminated */
} obj_str;

typedef struct obj_list {
  obj hdr;      /* kind OBJ_LIST */
  size_t count; /* items in use */
  size_t cap;   /* items allocated */
  value *items; /* the elements */
} obj_list;

typedef struct obj_tuple {
  obj hdr;       /* kind OBJ_TUPLE */
  size_t count;  /* number of elements */
  uint64_t hash; /* cached hash, 0 until computed */
  value items[]; /* the elements */
} obj_tuple;

typedef struct dict_entry {
  uint64_t hash; /* hash of key */
  value key;     /* VAL_UNDEF for a deleted entry */
  value val;     /* the value (unused for sets) */
} dict_entry;

/* Insertion-ordered hash table (the layout CPython uses since 3.6): entries
 * are appended in order; index is an open-addressing table of entry
 * positions (-1 empty, -2 deleted). Sets use the same table, and also keep
 * an emulation of CPython's own set table (setobject.c: slots, linear
 * probes, dummies, resizes, merges) so that they iterate in CPython's order;
 * that table is stored right after the index slots in the same allocation
 * (index[index_size .. index_size + cmask + 1)). */
typedef struct obj_dict {
  obj hdr;             /* kind OBJ_DICT, OBJ_SET or OBJ_FROZENSET */
  size_t count;        /* live entries */
  size_t used;         /* entries appended, deleted ones included */
  size_t cap;          /* entries allocated */
  dict_entry *entries; /* entries in insertion order */
  int32_t *index;      /* hash table of positions in entries */
  size_t index_size;   /* slots in index, a power of two */
  uint64_t version;    /* bumped on every insertion or deletion */
  size_t cmask;        /* sets: mask of the emulated CPython set table, 0 before it exists */
  size_t cfill;        /* sets: active and dummy slots of that table */
  size_t cfinger;      /* sets: where set.pop() resumes its search (CPython's finger) */
} obj_dict;

typedef struct obj_cell {
  obj hdr;     /* kind OBJ_CELL */
  value value; /* the variable; VAL_UNDEF when unbound */
} obj_cell;

typedef struct code code;
typedef struct attr_cache attr_cache;

typedef struct obj_function {
  obj hdr;              /* kind OBJ_FUNCTION */
  code *code;           /* compiled body */
  obj_dict *globals;    /* module namespace */
  obj_tuple *defaults;  /* defaults of the last positional parameters, or NULL */
  obj_dict *kwdefaults; /* defaults of keyword-only parameters, or NULL */
  obj_tuple *closure;   /* cells of free variables, or NULL */
  obj_str *name;        /* __name__ */
  obj_str *qualname;    /* __qualname__ */
  obj_dict *attrs;      /* function attributes, or NULL */
} obj_function;

/* Calling convention of native functions: args[0 .. nargs) are positional,
 * followed by one value per name in kwnames (NULL when none). self is the
 * bound value for methods, VAL_UNDEF for plain functions. On success store
 * the result in *out and return true; on error raise (vm_raise*) and return
 * false. */
typedef bool (*native_fn)(vm *v, value self, const value *args, int nargs, obj_tuple *kwnames,
                          value *out);

typedef struct obj_native {
  obj hdr;          /* kind OBJ_NATIVE */
  native_fn fn;     /* the C implementation */
  const char *name; /* __name__, static storage */
  obj_class *owner; /* class this method belongs to, NULL for functions */
  value data;       /* extra state the function reads through vm->native_data */
} obj_native;

typedef struct obj_bound {
  obj hdr;    /* kind OBJ_BOUND */
  value self; /* the bound receiver */
  value func; /* a function or native */
} obj_bound;

/* Which builtin type a class stands for; instances of user classes derived
 * from one of them (only exceptions may be subclassed) carry its flavour. */
typedef enum class_flavor {
  FLAVOR_PLAIN,     /* a user class or object */
  FLAVOR_EXCEPTION, /* BaseException and subclasses */
  FLAVOR_BUILTIN    /* int, str, list ...: not subclassable in scenarios */
} class_flavor;

/* One remembered class lookup (obj_class_find). */
typedef struct class_cache_entry {
  obj_str *name;  /* the name looked up */
  uint64_t epoch; /* vm->class_epoch when it was looked up */
  value val;      /* what the lookup found (VAL_UNDEF: nothing) */
} class_cache_entry;

#define CLASS_CACHE_SIZE 32

struct obj_class {
  obj hdr;             /* kind OBJ_CLASS */
  class_cache_entry *cache; /* recent lookups through the base chain, NULL until the first */
  obj_str *name;       /* __name__ */
  obj_str *qualname;   /* __qualname__ */
  obj_str *module;     /* __module__ ("builtins", "asyncio", "__main__") */
  obj_class *base;     /* single base class, NULL only for object */
  obj_dict *dict;      /* attributes and methods */
  class_flavor flavor; /* builtin, exception or plain */
  int depth;           /* distance from object in the base chain */
};

/* The common prefix of every object whose class is a field: instances,
 * exceptions, obj_native_obj, and the loop's futures, tasks and handles
 * (loop_future and loop_handle must begin with these three fields too).
 * Attribute lookup for all of them is: dict, then the class chain. */
typedef struct obj_typed {
  obj hdr;        /* any of the kinds above */
  obj_class *cls; /* the class */
  obj_dict *dict; /* attributes (created lazily), or NULL */
} obj_typed;

typedef struct obj_instance {
  obj hdr;        /* kind OBJ_INSTANCE */
  obj_class *cls; /* the class */
  obj_dict *dict; /* instance attributes (created lazily) */
} obj_instance;

typedef struct tb_entry {
  code *code; /* the frame's code */
  int line;   /* the line executing when the exception passed */
} tb_entry;

typedef struct obj_exception {
  obj hdr;               /* kind OBJ_EXCEPTION */
  obj_class *cls;        /* the exception class */
  obj_dict *dict;        /* other attributes (created lazily) */
  obj_tuple *args;       /* args */
  tb_entry *tb;          /* traceback, innermost first (printed in reverse) */
  size_t tb_count;       /* entries in tb */
  size_t tb_cap;         /* entries allocated */
  value cause;           /* __cause__ or None */
  value context;         /* __context__ or None */
  bool suppress_context; /* __suppress_context__ (set by raise ... from) */
  obj_tuple *group;      /* ExceptionGroup: the sub-exceptions, else NULL */
} obj_exception;

typedef struct obj_module {
  obj hdr;        /* kind OBJ_MODULE */
  obj_str *name;  /* module name */
  obj_dict *dict; /* module attributes */
} obj_module;

typedef struct obj_range {
  obj hdr;       /* kind OBJ_RANGE */
  int64_t start; /* first value */
  int64_t stop;  /* bound, exclusive */
  int64_t step;  /* non-zero step */
} obj_range;

typedef struct obj_slice {
  obj hdr;     /* kind OBJ_SLICE */
  value start; /* None or an int */
  value stop;  /* None or an int */
  value step;  /* None or an int */
} obj_slice;

typedef enum iter_kind {
  ITER_SEQ,         /* list or tuple by index (sees appends, like CPython) */
  ITER_STR,         /* str by code point */
  ITER_RANGE,       /* range */
  ITER_DICT_KEYS,   /* dict/set keys in order */
  ITER_DICT_VALUES, /* dict values */
  ITER_DICT_ITEMS,  /* dict (key, value) tuples */
  ITER_ENUMERATE,   /* enumerate(inner, start) */
  ITER_ZIP,         /* zip(inners...) */
  ITER_REVERSED,    /* reversed list/tuple/str/range */
  ITER_MAP,         /* map(func, inner) */
  ITER_FILTER,      /* filter(func, inner) */
  ITER_CALL,        /* iterator over a callable's results (iter(f, sentinel)) */
  ITER_SET,         /* set/frozenset: aux is a tuple snapshot in CPython's order */
  ITER_VIEW_KEYS,   /* not an iterator: dict.keys() view of src */
  ITER_VIEW_VALUES, /* not an iterator: dict.values() view of src */
  ITER_VIEW_ITEMS   /* not an iterator: dict.items() view of src */
} iter_kind;

typedef struct obj_iter {
  obj hdr;          /* kind OBJ_ITER */
  iter_kind ik;     /* what it walks */
  value src;        /* the container or inner iterator */
  value aux;        /* enumerate: unused; map/filter: the function; zip: tuple of iterators */
  int64_t pos;      /* next index / counter */
  int64_t end;      /* range: stop; reversed: -1 bound */
  int64_t step;     /* range step */
  uint64_t version; /* dict version when created (size-change check) */
} obj_iter;

typedef enum obj_type_slot {
  /* the classes the VM keeps at hand (vm->cls[...]) */
  CLS_OBJECT,
  CLS_TYPE,
  CLS_NONETYPE,
  CLS_BOOL,
  CLS_INT,
  CLS_FLOAT,
  CLS_STR,
  CLS_LIST,
  CLS_TUPLE,
  CLS_DICT,
  CLS_SET,
  CLS_FROZENSET,
  CLS_FUNCTION,
  CLS_BUILTIN_FUNCTION,
  CLS_METHOD,
  CLS_MODULE,
  CLS_RANGE,
  CLS_SLICE,
  CLS_ITERATOR,
  CLS_COROUTINE,
  CLS_GENERATOR,
  CLS_ASYNC_GENERATOR,
  CLS_CELL,
  CLS_CODE,
  CLS_FUTURE,
  CLS_TASK,
  CLS_HANDLE,
  CLS_TIMER_HANDLE,
  CLS_BASE_EXCEPTION,
  CLS_EXCEPTION,
  CLS_ARITHMETIC_ERROR,
  CLS_ZERO_DIVISION_ERROR,
  CLS_OVERFLOW_ERROR,
  CLS_LOOKUP_ERROR,
  CLS_KEY_ERROR,
  CLS_INDEX_ERROR,
  CLS_VALUE_ERROR,
  CLS_TYPE_ERROR,
  CLS_ATTRIBUTE_ERROR,
  CLS_NAME_ERROR,
  CLS_UNBOUND_LOCAL_ERROR,
  CLS_RUNTIME_ERROR,
  CLS_RECURSION_ERROR,
  CLS_NOT_IMPLEMENTED_ERROR,
  CLS_ASSERTION_ERROR,
  CLS_STOP_ITERATION,
  CLS_STOP_ASYNC_ITERATION,
  CLS_GENERATOR_EXIT,
  CLS_KEYBOARD_INTERRUPT,
  CLS_SYSTEM_EXIT,
  CLS_OS_ERROR,
  CLS_TIMEOUT_ERROR,
  CLS_CONNECTION_ERROR,
  CLS_MEMORY_ERROR,
  CLS_UNICODE_ERROR,
  CLS_CANCELLED_ERROR,
  CLS_INVALID_STATE_ERROR,
  CLS_QUEUE_EMPTY,
  CLS_QUEUE_FULL,
  CLS_BASE_EXCEPTION_GROUP,
  CLS_EXCEPTION_GROUP,
  CLS_LIMIT_ERROR,
  CLS_SANDBOX_ERROR,
  CLS_DEADLOCK_ERROR,
  /* classes of iterators and views, named as CPython names them */
  CLS_LIST_ITERATOR,
  CLS_TUPLE_ITERATOR,
  CLS_STR_ITERATOR,
  CLS_STR_ASCII_ITERATOR,
  CLS_RANGE_ITERATOR,
  CLS_DICT_KEYITERATOR,
  CLS_DICT_VALUEITERATOR,
  CLS_DICT_ITEMITERATOR,
  CLS_SET_ITERATOR,
  CLS_LIST_REVERSEITERATOR,
  CLS_CALLABLE_ITERATOR,
  CLS_ENUMERATE,
  CLS_ZIP,
  CLS_MAP,
  CLS_FILTER,
  CLS_REVERSED,
  CLS_DICT_KEYS,
  CLS_DICT_VALUES,
  CLS_DICT_ITEMS,
  CLS_SUPER,        /* super proxies: obj_native_obj, dict holds __self__ and __thisclass__ */
  CLS_PROPERTY,     /* property: obj_native_obj, dict holds fget, fset, fdel, __doc__ */
  CLS_STATICMETHOD, /* staticmethod: obj_native_obj, dict holds __func__ */
  CLS_CLASSMETHOD,  /* classmethod: obj_native_obj, dict holds __func__ */
  CLS__COUNT
} obj_type_slot;

/* ---- constructors (all allocate through vm_alloc; NULL on MemoryError) ---- */
obj_str *obj_str_new(vm *v, const char *s, size_t len);
obj_str *obj_str_cstr(vm *v, const char *s);
obj_str *obj_str_intern(vm *v, const char *s, size_t len); /* one object per text */
obj_list *obj_list_new(vm *v, size_t cap);
bool obj_list_append(vm *v, obj_list *l, value x);
obj_tuple *obj_tuple_new(vm *v, size_t count); /* items set to None */
obj_dict *obj_dict_new(vm *v);
obj_dict *obj_set_new(vm *v);
obj_cell *obj_cell_new(vm *v, value x);
obj_native *obj_native_new(vm *v, native_fn fn, const char *name, obj_class *owner);
obj_bound *obj_bound_new(vm *v, value self, value func);
obj_class *obj_class_new(vm *v, obj_str *name, obj_class *base);
obj_instance *obj_instance_new(vm *v, obj_class *cls);
obj_exception *obj_exception_new(vm *v, obj_class *cls, obj_tuple *args);
obj_module *obj_module_new(vm *v, const char *name);
obj_range *obj_range_new(vm *v, int64_t start, int64_t stop, int64_t step);
obj_iter *obj_iter_new(vm *v, iter_kind ik, value src);

/* ---- value helpers ---- */
static inline value val_none(void) {
  value x = {VAL_NONE, {.i = 0}};
  return x;
}
static inline value val_undef(void) {
  value x = {VAL_UNDEF, {.i = 0}};
  return x;
}
static inline value val_bool(bool b) {
  value x = {VAL_BOOL, {.b = b}};
  return x;
}
static inline value val_int(int64_t i) {
  value x = {VAL_INT, {.i = i}};
  return x;
}
static inline value val_float(double f) {
  value x = {VAL_FLOAT, {.f = f}};
  return x;
}
static inline value val_obj(void *o) {
  value x = {VAL_OBJ, {.o = (obj *)o}};
  return x;
}
static inline bool val_is(value x, obj_kind k) { return x.t == VAL_OBJ && x.as.o->kind == k; }
#define AS_STR(x) ((obj_str *)(x).as.o)
#define AS_LIST(x) ((obj_list *)(x).as.o)
#define AS_TUPLE(x) ((obj_tuple *)(x).as.o)
#define AS_DICT(x) ((obj_dict *)(x).as.o)
#define AS_FUNCTION(x) ((obj_function *)(x).as.o)
#define AS_NATIVE(x) ((obj_native *)(x).as.o)
#define AS_BOUND(x) ((obj_bound *)(x).as.o)
#define AS_CLASS(x) ((obj_class *)(x).as.o)
#define AS_INSTANCE(x) ((obj_instance *)(x).as.o)
#define AS_EXC(x) ((obj_exception *)(x).as.o)
#define AS_MODULE(x) ((obj_module *)(x).as.o)
#define AS_ITER(x) ((obj_iter *)(x).as.o)

/* The class of any value (builtin types included). */
obj_class *obj_class_of(vm *v, value x);
/* Whether c is sub (or a subclass of it). */
bool obj_class_is_sub(const obj_class *c, const obj_class *sup);
/* isinstance(x, c) for one class. */
bool obj_isinstance(vm *v, value x, obj_class *c);
/* Truth value; may call __bool__/__len__ of user classes (false + raise on error). */
bool obj_truthy(vm *v, value x, bool *out);
/* ==, with CPython's numeric rules and __eq__ of user classes. */
bool obj_equal(vm *v, value a, value b, bool *out);
/* hash(); TypeError for unhashable values. */
bool obj_hash(vm *v, value x, uint64_t *out);
/* identity (is) */
bool obj_is(value a, value b);

/* ---- dict and set (keys compared with obj_equal) ---- */
bool obj_dict_get(vm *v, obj_dict *d, value key, value *out, bool *found);
bool obj_dict_set(vm *v, obj_dict *d, value key, value val);
bool obj_dict_del(vm *v, obj_dict *d, value key, bool *found);
/* Fast paths for string keys that cannot run user code. obj_dict_find_str
 * gives the position of key's entry in d->entries, -1 when absent. */
int64_t obj_dict_find_str(obj_dict *d, obj_str *key);
value obj_dict_get_str(obj_dict *d, obj_str *key); /* VAL_UNDEF when absent */
bool obj_dict_set_str(vm *v, obj_dict *d, obj_str *key, value val);
bool obj_dict_set_cstr(vm *v, obj_dict *d, const char *key, value val);
bool obj_set_add(vm *v, obj_dict *s, value key);
bool obj_set_contains(vm *v, obj_dict *s, value key, bool *found);
void obj_dict_clear(vm *v, obj_dict *d);
/* Bytes of d's entry and index buffers (what freeing them gives back). */
size_t obj_dict_buffer_bytes(const obj_dict *d);
/* Iterates live entries: pos starts at 0; returns false at the end. */
bool obj_dict_next(const obj_dict *d, size_t *pos, dict_entry **e);

/* Class attribute lookup through the base chain (VAL_UNDEF when absent). */
value obj_class_lookup(const obj_class *c, obj_str *name);
/* The same, remembered per class until any class namespace changes or the
 * collector runs (vm->class_epoch). */
value obj_class_find(vm *v, obj_class *c, obj_str *name);

/* Name of a value's type, as type(x).__name__ gives it. */
const char *obj_type_name(vm *v, value x);

/* id(x): a deterministic serial, handed out in the order objects are first
 * asked for (CPython prints addresses, which no two runs share anyway). */
uint64_t obj_id(vm *v, value x);
/* Forgets the serial of an object being freed (obj->has_id). */
void obj_id_forget(vm *v, obj *o);
/* The fake address printed in default reprs (<Foo object at 0x...>):
 * 0x7f0000000000 + 0x40 * obj_id(x). */
uint64_t obj_addr(vm *v, value x);
/* Keys of a set in the order CPython 3.11 iterates it: when every element
 * is an int, bool, finite float or a tuple/frozenset of those (their CPython
 * hashes are deterministic), the slot order of the emulated CPython table;
 * otherwise insertion order (CPython's order for str is random per
 * process). Returns a new tuple. */
obj_tuple *obj_set_ordered(vm *v, obj_dict *s);
/* A set display of n >= 3 constants, {5, 13, 21}, built as CPython 3.11
 * builds it (the compiler folds it into a frozenset constant, rebuilt once
 * more when constants are merged, then merged into an empty set), so it
 * iterates in CPython's order. frozen: the frozenset constant itself, which
 * CPython iterates for `for x in {...}` and `x in {...}`. Items in source
 * order; duplicates allowed. */
obj_dict *obj_set_literal(vm *v, const value *items, size_t n, bool frozen);
/* The set operations, each following CPython's setobject.c step by step so
 * the results iterate in CPython's order. Results have s's kind (set or
 * frozenset). */
obj_dict *obj_set_from(vm *v, obj_kind kind, value iterable); /* set(x); VAL_UNDEF: empty */
bool obj_set_update(vm *v, obj_dict *s, value iterable);      /* s |= x, s.update(x) */
obj_dict *obj_set_copy(vm *v, obj_dict *s);
obj_dict *obj_set_intersection(vm *v, obj_dict *s, value other);
obj_dict *obj_set_difference(vm *v, obj_dict *s, value other);
obj_dict *obj_set_symmetric_difference(vm *v, obj_dict *s, value other);
bool obj_set_difference_update(vm *v, obj_dict *s, value other);
bool obj_set_symmetric_difference_update(vm *v, obj_dict *s, value other);
/* Replaces s's contents with those of from (which is left empty). */
void obj_set_take(obj_dict *s, obj_dict *from);
/* set.pop(): *found false when empty. */
bool obj_set_pop(vm *v, obj_dict *s, value *out, bool *found);
/* The dict/set holding x's attributes for obj_typed kinds, else NULL. */
obj_dict **obj_dict_slot(value x);

#endif
