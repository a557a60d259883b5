/* builtins: the builtin classes, functions and methods of the scenario VM,
 * and the time and random modules.
 *
 * bi_install creates every class of vm->cls[] (named as CPython names them,
 * with CPython 3.11's exception hierarchy), fills vm->builtins and puts the
 * methods of the builtin types in their class dicts. Builtin constructors
 * (int('5'), list(x), range(3), ValueError('x') ...) are natives stored in
 * their class dict under "__new__", called with self = the class being
 * instantiated; bi_call_class runs the whole instantiation protocol. */
#ifndef LOOPVIZ_BUILTINS_H
#define LOOPVIZ_BUILTINS_H

#include <stdbool.h>

#include "fmt.h"
#include "obj.h"

/* Creates the classes and the builtins namespace (after vm->s_* exist). */
bool bi_install(vm *v);
/* The modules `time` and `random` (NULL after raising on failure). */
obj_module *bi_module_time(vm *v);
obj_module *bi_module_random(vm *v);

/* cls(*args, **kwargs): the nearest "__new__" in the class chain builds the
 * object (object's creates an obj_instance; BaseException's an
 * obj_exception with args); then, when the result is an instance of cls,
 * the nearest user-defined __init__ runs (it must return None). A class
 * that defines neither refuses arguments ("Foo() takes no arguments"). */
bool bi_call_class(vm *v, obj_class *cls, const value *args, int nargs, obj_tuple *kwnames,
                   value *out);

/* The zero-argument super() of a method of class cls whose first argument
 * is self: a proxy whose attribute lookup starts after cls in self's class
 * chain (functions come back bound to self). */
bool bi_super_new(vm *v, obj_class *cls, value self, value *out);
/* Attribute lookup on a super proxy (attr.c). */
bool bi_super_getattr(vm *v, value proxy, obj_str *name, value *out, bool *found);

/* ---- helpers shared by the builtin modules (obj, ops, proto, attr) ---- */

/* A new str holding the buffer's text; frees the buffer. NULL on failure
 * (MemoryError raised). */
obj_str *bi_str_from_buf(vm *v, fmt_buf *b);
/* Raises MemoryError for a failed fmt_buf append; returns false. */
bool bi_nomem(vm *v);
/* Raises the error of a failed fmt call (ValueError / OverflowError with
 * err's text, MemoryError for FMT_NOMEM); frees err; returns false. */
bool bi_fmt_error(vm *v, fmt_result r, fmt_buf *err);
/* An int argument (int or bool); TypeError naming what with the type
 * otherwise ("'float' object cannot be interpreted as an integer"). */
bool bi_index(vm *v, value x, int64_t *out);
/* A number as a double (int, bool or float); false without raising when x
 * is not a number. */
bool bi_as_double(value x, double *out);
/* The string of code point index i of s (s must hold that many). */
obj_str *bi_str_char_at(vm *v, obj_str *s, int64_t i);
/* Byte offset of code point index i in s. */
size_t bi_str_offset(const obj_str *s, int64_t i);
/* A new exception object cls(*args), not raised (NULL on MemoryError). */
obj_exception *bi_new_exc(vm *v, obj_class *cls, const value *args, size_t n);
/* dict.update(src, **kw): src VAL_UNDEF when not given; kwvals holds one
 * value per kw name (kw may be NULL). */
bool bi_dict_update(vm *v, obj_dict *d, value src, const value *kwvals, obj_tuple *kw);
/* Raises KeyError(key); returns false. */
bool bi_raise_key_error(vm *v, value key);
/* Raises cls(*args) with args given as values; returns false. */
bool bi_raise_args(vm *v, obj_type_slot cls, const value *args, size_t n);
/* A new 2-tuple. */
obj_tuple *bi_tuple2(vm *v, value a, value b);
/* Calls a user dunder if x's class defines it (*found says whether it did). */
bool bi_call_dunder(vm *v, value x, obj_str *name, const value *args, int nargs, value *out,
                    bool *found);
/* Whether x is an instance of a class with a dict (instance, exception,
 * native object, future, handle): user dunders may apply. */
bool bi_is_typed(value x);
/* sorted()'s stable merge sort of items[0..n) by keys (or the items when
 * keys is NULL) compared with vm_less; reverse keeps stability. */
bool bi_sort_values(vm *v, value *items, value *keys, size_t n, bool reverse);
/* str.format(*args, **kwargs) with args/kwnames as natives receive them. */
bool bi_str_format(vm *v, obj_str *fmt, const value *args, int nargs, obj_tuple *kwnames,
                   value *out);
#endif
