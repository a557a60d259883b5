/* code: compiled bytecode, the opcode list and the disassembler.
 *
 * An instruction is one 32-bit word: the opcode in the low 8 bits, its
 * argument in the high 24. Jumps name absolute instruction indices.
 *
 * Exceptions use a table rather than runtime block setup (as CPython 3.11
 * does): each entry protects the instructions [start, end) and says where
 * the handler is and how deep the value stack is there. Entries are ordered
 * innermost first, so the first entry that covers the failing instruction
 * wins. A handler entered with push_prev finds [prev_handled, exc] on top of
 * the stack; a cleanup entry (push_prev false) finds only [exc]. */
#ifndef LOOPVIZ_CODE_H
#define LOOPVIZ_CODE_H

#include "fmt.h"
#include "obj.h"

/* OP(name, stack effect or 0 when it depends on the argument) */
#define CODE_OPCODES(OP)                                                                           \
  OP(NOP, 0)                                                                                       \
  OP(POP_TOP, -1)                                                                                  \
  OP(DUP_TOP, 1)                                                                                   \
  OP(DUP_TOP_TWO, 2)                                                                               \
  OP(ROT_TWO, 0)                                                                                   \
  OP(ROT_THREE, 0)                                                                                 \
  OP(ROT_FOUR, 0)                                                                                  \
  OP(LOAD_CONST, 1) /* consts[arg] */                                                              \
  OP(LOAD_FAST, 1)  /* slots[arg] */                                                               \
  OP(STORE_FAST, -1)                                                                               \
  OP(DELETE_FAST, 0)                                                                               \
  OP(LOAD_DEREF, 1) /* the cell in slots[arg] */                                                   \
  OP(STORE_DEREF, -1)                                                                              \
  OP(DELETE_DEREF, 0)                                                                              \
  OP(LOAD_CLOSURE, 1) /* push the cell object itself */                                            \
  OP(LOAD_GLOBAL, 1)  /* names[arg] in globals, then builtins */                                   \
  OP(STORE_GLOBAL, -1)                                                                             \
  OP(DELETE_GLOBAL, 0)                                                                             \
  OP(LOAD_NAME, 1) /* class body: namespace, globals, builtins */                                  \
  OP(STORE_NAME, -1)                                                                               \
  OP(DELETE_NAME, 0)                                                                               \
  OP(LOAD_ATTR, 0)   /* obj -> obj.names[arg] */                                                   \
  OP(LOAD_METHOD, 0) /* obj -> method obj, or obj.names[arg] UNDEF (a method call's callee) */    \
  OP(CALL_METHOD, 0) /* callee self-or-UNDEF args... -> result */                                \
  OP(STORE_ATTR, -2) /* val obj -> ; obj.names[arg] = val */                                       \
  OP(DELETE_ATTR, -1)                                                                              \
  OP(BINARY, -1)  /* arg: ops_binop */                                                             \
  OP(INPLACE, -1) /* arg: ops_binop, in place where the type allows */                             \
  OP(UNARY, 0)    /* arg: ops_unop */                                                              \
  OP(COMPARE, -1) /* arg: ops_cmpop */                                                             \
  OP(BINARY_SUBSCR, -1)                                                                            \
  OP(STORE_SUBSCR, -3) /* val obj key -> */                                                        \
  OP(DELETE_SUBSCR, -2)                                                                            \
  OP(BUILD_SLICE, 0) /* arg 2 or 3 items */                                                        \
  OP(JUMP, 0)                                                                                      \
  OP(POP_JUMP_IF_FALSE, -1)                                                                        \
  OP(POP_JUMP_IF_TRUE, -1)                                                                         \
  OP(JUMP_IF_FALSE_OR_POP, 0)                                                                      \
  OP(JUMP_IF_TRUE_OR_POP, 0)                                                                       \
  OP(GET_ITER, 0)                                                                                  \
  OP(FOR_ITER, 1) /* push next item, or pop the iterator and jump to arg */                        \
  OP(BUILD_LIST, 0)                                                                                \
  OP(BUILD_TUPLE, 0)                                                                               \
  OP(BUILD_SET, 0)                                                                                 \
  OP(BUILD_MAP, 0)    /* arg key/value pairs */                                                    \
  OP(LIST_APPEND, -1) /* append TOS to the list at depth arg */                                    \
  OP(SET_ADD, -1)                                                                                  \
  OP(MAP_ADD, -2)     /* key value -> */                                                           \
  OP(LIST_EXTEND, -1) /* extend the list at depth arg with TOS */                                  \
  OP(SET_UPDATE, -1)                                                                               \
  OP(DICT_UPDATE, -1) /* {**x} */                                                                  \
  OP(DICT_MERGE, -1)  /* f(**x): duplicate keys are an error */                                    \
  OP(LIST_TO_TUPLE, 0)                                                                             \
  OP(UNPACK_SEQUENCE, 0) /* arg items, first item on top */                                        \
  OP(UNPACK_EX, 0)       /* arg: before | after << 8 */                                            \
  OP(FORMAT_VALUE, 0)    /* arg: conversion (0 none 1 s 2 r 3 a) | 4 when a spec is on TOS */      \
  OP(BUILD_STRING, 0)                                                                              \
  OP(CALL, 0)          /* func args... -> result */                                                \
  OP(CALL_KW, 0)       /* func args... kwvalues... kwnames -> result; arg = all values */          \
  OP(CALL_EX, 0)       /* func argstuple [kwdict] -> result; arg 1 with kwdict */                  \
  OP(MAKE_FUNCTION, 0) /* [defaults] [kwdefaults] [closure] code -> function */                    \
  OP(MAKE_CLASS, 0)    /* body name [base] -> class; arg 1 with a base */                          \
  OP(RETURN_VALUE, -1)                                                                             \
  OP(YIELD_VALUE, 0)   /* value -> sent value */                                                   \
  OP(GET_AWAITABLE, 0) /* arg 0 await, 1 __aenter__, 2 __aexit__ */                                \
  OP(SEND, -1)         /* iter value -> result (suspends while iter yields) */                     \
  OP(GET_AITER, 0)                                                                                 \
  OP(GET_ANEXT, 1)         /* aiter -> aiter awaitable */                                          \
  OP(END_ASYNC_FOR, 0)     /* handler of async for: stop on StopAsyncIteration */                  \
  OP(BEFORE_WITH, 1)       /* mgr -> exit enter_result (arg 1: async, enter awaitable) */          \
  OP(WITH_EXCEPT_START, 1) /* exit prev exc -> exit prev exc exit(type, exc, tb) */                \
  OP(RAISE_VARARGS, 0)     /* arg 0 re-raise, 1 exc, 2 exc cause */                                \
  OP(RERAISE, -2)          /* prev exc -> ; restore prev, raise exc again */                       \
  OP(CHECK_EXC_MATCH, 0)   /* exc type -> exc bool */                                              \
  OP(POP_EXCEPT, -1)       /* prev -> ; the frame handles prev again */                            \
  OP(LOAD_ASSERTION_ERROR, 1)                                                                      \
  OP(IMPORT_NAME, 1)  /* names[arg] -> module */                                                   \
  OP(IMPORT_FROM, 1)  /* module -> module module.names[arg] */                                     \
  OP(IMPORT_STAR, -1) /* module -> ; copies its public names */                                    \
  OP(SUPER0, 1)       /* zero-argument super(): __class__ cell in slots[arg] */                    \
  OP(UNSUPPORTED, 0)  /* raise a refusal: consts[arg] names the construct */

typedef enum code_op {
#define CODE_OP_ENUM(name, effect) OP_##name,
  CODE_OPCODES(CODE_OP_ENUM)
#undef CODE_OP_ENUM
      OP__COUNT
} code_op;

#define CODE_OP(word) ((code_op)((word)&0xffu))
#define CODE_ARG(word) ((uint32_t)(word) >> 8)
#define CODE_MAKE(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define CODE_MAX_ARG 0xffffffu

enum code_flags {
  CODE_COROUTINE = 1,   /* async def */
  CODE_GENERATOR = 2,   /* def with yield */
  CODE_ASYNC_GEN = 4,   /* async def with yield */
  CODE_VARARGS = 8,     /* has *args */
  CODE_VARKW = 16,      /* has **kwargs */
  CODE_CLASS_BODY = 32, /* runs with a namespace dict */
  CODE_MODULE = 64      /* the module body */
};

typedef struct code_handler {
  uint32_t start;  /* first protected instruction */
  uint32_t end;    /* one past the last protected instruction */
  uint32_t target; /* the handler */
  uint32_t depth;  /* stack depth (above the locals) at the handler */
  bool push_prev;  /* push the previously handled exception before exc */
} code_handler;

/* What a native fast path (code.fast) did. */
typedef enum fast_result {
  FAST_DECLINED, /* nothing: no effect, no exception; the bytecode runs instead */
  FAST_DONE,     /* the function's whole effect, its result in *out */
  FAST_ERROR     /* an exception was raised (out of memory, a limit) */
} fast_result;

/* A native stand-in for a library function (the prelude's Queue methods,
 * sim/queue.c): args are its bound positional parameters, self first,
 * exactly code.argcount of them. It does what the bytecode would do when
 * the receiver and the methods that bytecode would call are the prelude's
 * own and no step of it would raise or run Python code; otherwise it
 * declines before changing anything. */
typedef fast_result (*code_fast_fn)(vm *v, const value *args, value *out);

/* What one attribute instruction (LOAD_ATTR, LOAD_METHOD, STORE_ATTR) last found on an
 * instance (attr.c): valid while the class epoch, the class and the
 * instance dict's version are the same. A LOAD_GLOBAL keeps its name's place in the globals
 * the same way (dict, dict_version, dict_pos), or when they lack it (dict_pos -1) the
 * builtins' value in cls_val (the builtins never change once the VM is made), with epoch
 * set and cls NULL (vm.c: load_global_at). */
typedef struct attr_cache {
  uint64_t epoch;        /* vm->class_epoch when the class part was filled; 0: empty */
  obj_class *cls;        /* the instance's class */
  value cls_val;         /* what the class (and its bases) hold under the name, VAL_UNDEF */
  obj_dict *dict;        /* the instance dict looked in last, NULL when none */
  uint64_t dict_version; /* its version then */
  int64_t dict_pos;      /* the name's entry in it, -1 when absent */
  bool plain_store;      /* STORE_ATTR: the class has no __setattr__ function and no property
                            under the name, so a store goes to the instance dict */
  bool method;           /* LOAD_METHOD: cls_val is a method that meth_dict does not shadow */
  obj_dict *meth_dict;   /* the instance dict then (NULL when none) */
  uint64_t meth_version; /* its version then */
} attr_cache;

struct code {
  obj hdr;                /* kind OBJ_CODE */
  obj_str *name;          /* function name, "<module>", "<lambda>", "<listcomp>" ... */
  obj_str *qualname;      /* dotted qualified name */
  uint32_t *ops;          /* instructions */
  int32_t *lines;         /* source line of each instruction */
  int32_t *stmt;          /* where a statement begins, its line (its first instruction may
                             belong to a later line); 0 elsewhere */
  uint32_t nops;          /* instruction count */
  value *consts;          /* constants */
  uint32_t nconsts;       /* constant count */
  obj_str **names;        /* global, attribute and import names */
  uint32_t nnames;        /* name count */
  obj_str **slot_names;   /* name of each local slot */
  uint32_t nslots;        /* local slots (parameters first) */
  uint32_t stacksize;     /* deepest value stack above the locals */
  uint32_t argcount;      /* positional parameters */
  uint32_t kwonlycount;   /* keyword-only parameters (after *args) */
  uint32_t flags;         /* code_flags */
  uint32_t *cell_slots;   /* slots that hold cells created at frame entry */
  uint32_t ncells;        /* how many */
  uint32_t *free_slots;   /* slots filled from the closure tuple, in order */
  uint32_t nfrees;        /* how many */
  code_handler *handlers; /* exception table, innermost first */
  uint32_t nhandlers;     /* entries */
  int firstline;          /* line of the def */
  obj_str *filename;      /* source file (the scenario, or <asyncio> for the prelude) */
  bool library;           /* loopviz's own library code ("<...>" files): not traced */
  code_fast_fn fast;      /* native fast path of a library function, or NULL */
  attr_cache *attr_caches; /* one per instruction, made when an attribute instruction of this
                              code first runs; NULL before */
};

/* Name of an opcode, for the disassembler and the execution trace. */
const char *code_op_name(code_op op);
/* Appends a readable listing of c (and nested code objects) to out. */
bool code_disassemble(vm *v, const code *c, fmt_buf *out);
/* The handler covering instruction ip, or NULL. */
const code_handler *code_find_handler(const code *c, uint32_t ip);
/* Index of the slot holding name, or -1. */
int code_slot_of(const code *c, const char *name, size_t len);

#endif
