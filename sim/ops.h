/* ops: Python's operators on VM values, with CPython 3.11's semantics.
 *
 * Numbers follow Python's rules (floor division and modulo take the sign of
 * the divisor, int ** negative int is a float, bool is an int); ints are
 * 64-bit and a result outside that range raises OverflowError instead of
 * wrapping. str, list and tuple concatenate and repeat; sets combine with
 * | & - ^; str % args is printf-style formatting. Instances of user classes
 * go through their dunder methods (__add__, then the reflected __radd__ of
 * the right operand). Every error raises CPython's exception and message. */
#ifndef LOOPVIZ_OPS_H
#define LOOPVIZ_OPS_H

#include <stdbool.h>

#include "obj.h"

typedef enum ops_binop {
  OPS_ADD,      /* + */
  OPS_SUB,      /* - */
  OPS_MUL,      /* * */
  OPS_TRUEDIV,  /* / */
  OPS_FLOORDIV, /* // */
  OPS_MOD,      /* % */
  OPS_POW,      /* ** */
  OPS_LSHIFT,   /* << */
  OPS_RSHIFT,   /* >> */
  OPS_AND,      /* & */
  OPS_OR,       /* | */
  OPS_XOR,      /* ^ */
  OPS__BINOP_COUNT
} ops_binop;

typedef enum ops_cmpop {
  OPS_LT,     /* < */
  OPS_LE,     /* <= */
  OPS_EQ,     /* == */
  OPS_NE,     /* != */
  OPS_GT,     /* > */
  OPS_GE,     /* >= */
  OPS_IN,     /* in */
  OPS_NOT_IN, /* not in */
  OPS_IS,     /* is */
  OPS_IS_NOT  /* is not */
} ops_cmpop;

typedef enum ops_unop {
  OPS_NEG,    /* -x */
  OPS_POS,    /* +x */
  OPS_INVERT, /* ~x */
  OPS_NOT     /* not x */
} ops_unop;

/* a op b; inplace selects the augmented form (a op= b): lists, sets and
 * dicts are then mutated in place and the result is a itself. */
bool ops_binary(vm *v, ops_binop op, value a, value b, bool inplace, value *out);
/* a op b for comparisons, membership and identity. */
bool ops_compare(vm *v, ops_cmpop op, value a, value b, value *out);
/* op a */
bool ops_unary(vm *v, ops_unop op, value a, value *out);

/* The operator's symbol as CPython prints it in messages ("+", "**"). */
const char *ops_binop_symbol(ops_binop op);
const char *ops_cmpop_symbol(ops_cmpop op);

/* divmod(a, b) as a 2-tuple. */
bool ops_divmod(vm *v, value a, value b, value *out);
/* pow(a, b, m) for ints. */
bool ops_pow_mod(vm *v, value a, value b, value m, value *out);
/* printf-style formatting: fmt % args (args a tuple, a mapping or one value). */
bool ops_str_percent(vm *v, obj_str *fmt, value args, value *out);

/* Raises the OverflowError of a result past the 64-bit range. */
void ops_raise_overflow(vm *v);

#endif
