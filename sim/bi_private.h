/* bi_private: what the files of the builtins module (builtins.c, bi_str.c,
 * bi_coll.c, attr.c) share and nobody else needs. */
#ifndef LOOPVIZ_BI_PRIVATE_H
#define LOOPVIZ_BI_PRIVATE_H

#include "builtins.h"
#include "vm.h"

/* Binds a method's receiver: natives called through their class
 * (str.upper("x")) get self as the first argument. Checks that self is an
 * instance of cls ("descriptor 'upper' for 'str' objects doesn't apply to
 * a 'int' object"). */
bool bi_take_self(vm *v, value *self, const value **args, int *nargs, obj_class *cls,
                  const char *mname);

/* Matches args/kwnames against parameter names: out[i] is the argument of
 * names[i] or VAL_UNDEF. The first npos names may be given positionally
 * (-1: all of them); the first nrequired must be given. kw_ok false
 * refuses keywords altogether. fname is used in messages ("sorted"). */
bool bi_parse(vm *v, const char *fname, const value *args, int nargs, obj_tuple *kwnames,
              const char *const *names, int nnames, int npos, int nrequired, value *out);

/* Raises "f() takes no keyword arguments" when kwnames is not empty. */
bool bi_no_kwargs(vm *v, const char *fname, obj_tuple *kwnames);
/* Checks a positional argument count (kwnames refused). */
bool bi_arg_count(vm *v, const char *fname, int nargs, obj_tuple *kwnames, int min, int max);

/* A start/end argument converted as CPython's slice indices are ("slice
 * indices must be integers or None or have an __index__ method"; without
 * "or None" where None is refused, as list.index's). */
bool bi_slice_index(vm *v, value x, bool none_ok, int64_t *out);

/* object.__setattr__ / object.__delattr__ natives (attr.c). */
bool bi_object_setattr(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                       value *out);
bool bi_object_delattr(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                       value *out);

/* Method tables of the builtin types (bi_str.c, bi_coll.c). */
bool bi_install_str_methods(vm *v);
bool bi_install_coll_methods(vm *v);


/* list.sort(key=, reverse=) on l (key/reverse VAL_UNDEF when not given). */
bool bi_list_sort(vm *v, obj_list *l, value key, value reverse);

#endif
