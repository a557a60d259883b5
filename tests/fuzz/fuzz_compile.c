/* libFuzzer target: the compiler on every input the parser accepts.
 *
 * The bytes are parsed with the default limits; a tree is compiled to bytecode in a fresh VM and
 * disassembled (which walks every code object the compiler made). The compiler must report
 * exactly one well-formed diagnostic when it refuses, none when it succeeds, and leak nothing. */
#include <stddef.h>
#include <stdint.h>

#include "code.h"
#include "compile.h"
#include "fmt.h"
#include "fuzz_common.h"
#include "parse.h"
#include "sim.h"
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ast_tree *tree = NULL;
  if (parse_module("fuzz.py", (const char *)data, size, NULL, NULL, NULL, &tree) != PARSE_OK)
    return 0;
  sim_options o;
  sim_options_init(&o);
  o.limits.max_memory = 64u << 20;
  vm *v = vm_new(&o);
  if (v == NULL) {
    ast_tree_free(tree);
    return 0;
  }
  v->filename = "fuzz.py";
  v->source = (const char *)data;
  v->source_len = size;
  fuzz_diags diags = {0, DIAG_SYNTAX};
  code *k = NULL;
  comp_result r = comp_module(v, ast_tree_root(tree), "fuzz.py", fuzz_on_diag, &diags, &k);
  ast_tree_free(tree);
  if (r == COMP_OK) {
    FUZZ_EXPECT(k != NULL);
    FUZZ_EXPECT(diags.count == 0);
    fmt_buf b;
    fmt_buf_init(&b);
    code_disassemble(v, k, &b);
    fmt_buf_free(&b);
  } else if (r == COMP_ERROR) {
    FUZZ_EXPECT(diags.count == 1);
  }
  vm_free(v);
  return 0;
}
