/* compile: syntax tree -> bytecode.
 *
 * Two passes: a symbol table pass decides for every name in every scope
 * whether it is a local slot, a cell shared with inner functions, a free
 * variable taken from an outer function, or a global; then code generation
 * walks the tree again and emits one code object per function, lambda,
 * comprehension and class body. */
#ifndef LOOPVIZ_COMPILE_H
#define LOOPVIZ_COMPILE_H

#include "ast.h"
#include "code.h"
#include "diag.h"
#include "vm.h"

typedef enum comp_result {
  COMP_OK,    /* *out holds the module's code */
  COMP_ERROR, /* one diagnostic was reported */
  COMP_NOMEM  /* out of memory (vm->exc holds MemoryError) */
} comp_result;

/* Compiles a parsed module. Code objects are allocated on v's heap. */
comp_result comp_module(vm *v, ast_node *module, const char *filename, diag_fn on_error, void *user,
                        code **out);

#endif
