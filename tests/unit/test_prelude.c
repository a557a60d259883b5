/* Tests of the asyncio prelude's definitions run on first use (loop.c): what import asyncio
 * leaves waiting, what a use runs, and the prelude's own line numbers in what it compiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "compile.h"
#include "loop.h"
#include "parse.h"
#include "prelude.h"
#include "vm.h"

/* Runs src as module code in globals g of v; false when it raised. */
static bool run_in(vm *v, obj_dict *g, const char *src) {
  parse_config pc;
  parse_config_init(&pc);
  ast_tree *t = NULL;
  assert_int_equal(parse_module("t.py", src, strlen(src), &pc, NULL, NULL, &t), PARSE_OK);
  code *k = NULL;
  comp_result r = comp_module(v, ast_tree_root(t), "t.py", NULL, NULL, &k);
  ast_tree_free(t);
  assert_int_equal(r, COMP_OK);
  value out;
  return vm_run_module(v, k, g, &out);
}

static bool has(vm *v, obj_dict *d, const char *name) {
  return obj_dict_get_str(d, obj_str_intern(v, name, strlen(name))).t != VAL_UNDEF;
}

/* The line of the prelude text that starts with text. */
static int prelude_line_of(const char *text) {
  size_t len;
  const char *src = prelude_asyncio(&len);
  int line = 1;
  for (size_t i = 0; i < len; i++) {
    if ((i == 0 || src[i - 1] == '\n') && strncmp(src + i, text, strlen(text)) == 0)
      return line;
    line += src[i] == '\n';
  }
  return 0;
}

static void test_definitions_wait_for_use(void **state) {
  (void)state;
  sim_options o;
  sim_options_init(&o);
  vm *v = vm_new(&o);
  assert_non_null(v);
  obj_dict *g = obj_dict_new(v);
  assert_non_null(g);
  assert_int_equal(loop_prelude_waiting(v), 0);
  assert_true(run_in(v, g, "import asyncio\n"));
  value m = obj_dict_get_str(g, obj_str_intern(v, "asyncio", 7));
  assert_true(val_is(m, OBJ_MODULE));
  obj_dict *ns = AS_MODULE(m)->dict;
  /* the natives and the constants are there; the classes and functions wait */
  size_t waiting = loop_prelude_waiting(v);
  assert_true(waiting >= 30);
  assert_true(has(v, ns, "sleep") && has(v, ns, "FIRST_COMPLETED"));
  assert_false(has(v, ns, "Queue") || has(v, ns, "Event") || has(v, ns, "TaskGroup"));
  /* naming a class runs it and its bases, nothing else */
  assert_true(run_in(v, g, "q = asyncio.BoundedSemaphore\n"));
  assert_true(has(v, ns, "BoundedSemaphore") && has(v, ns, "Semaphore") &&
              has(v, ns, "_ContextManagerMixin") && has(v, ns, "_LoopBoundMixin"));
  assert_false(has(v, ns, "Queue"));
  assert_int_equal(loop_prelude_waiting(v), waiting - 4);
  /* what a definition compiles keeps the prelude's line numbers */
  assert_true(run_in(v, g, "k = asyncio.Queue.put\n"));
  value queue = obj_dict_get_str(ns, obj_str_intern(v, "Queue", 5));
  assert_true(val_is(queue, OBJ_CLASS));
  value fn = obj_dict_get_str(AS_CLASS(queue)->dict, obj_str_intern(v, "put", 3));
  assert_true(val_is(fn, OBJ_FUNCTION));
  assert_int_equal(AS_FUNCTION(fn)->code->firstline,
                   prelude_line_of("    async def put(self, item):"));
  /* and gets its native fast path (sim/queue.c) when it runs, as the other stand-ins do when
   * theirs run */
  assert_non_null(AS_FUNCTION(fn)->code->fast);
  assert_false(has(v, ns, "_new_waiter"));
  assert_true(run_in(v, g, "w = asyncio._new_waiter\n"));
  value w = obj_dict_get_str(ns, obj_str_intern(v, "_new_waiter", 11));
  assert_true(val_is(w, OBJ_FUNCTION) && AS_FUNCTION(w)->code->fast != NULL);
  /* a missing name stays missing; a star import runs everything */
  assert_false(run_in(v, g, "asyncio.NoSuchName\n"));
  v->exc = val_undef();
  assert_true(run_in(v, g, "from asyncio import *\n"));
  assert_int_equal(loop_prelude_waiting(v), 0);
  assert_true(has(v, g, "TaskGroup") && has(v, g, "wait_for") && has(v, ns, "shield"));
  vm_free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_definitions_wait_for_use),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
