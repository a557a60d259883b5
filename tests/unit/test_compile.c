/* Tests of the compiler: scopes, exception tables, stack depth, errors. */
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
#include "parse.h"
#include "vm.h"

typedef struct fixture {
  vm *v;         /* a fresh VM per test */
  diag last;     /* the last diagnostic */
  char msg[512]; /* its message */
  int ndiags;    /* diagnostics reported */
} fixture;

static void on_diag(void *user, const diag *d) {
  fixture *f = user;
  f->last = *d;
  snprintf(f->msg, sizeof f->msg, "%s", d->message);
  f->last.message = f->msg;
  f->ndiags++;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  sim_options o;
  sim_options_init(&o);
  f->v = vm_new(&o);
  assert_non_null(f->v);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  vm_free(f->v);
  free(f);
  return 0;
}

/* Compiles src; returns the module code or NULL (diagnostic in f). */
static code *compile(fixture *f, const char *src) {
  parse_config pc;
  parse_config_init(&pc);
  ast_tree *t = NULL;
  if (parse_module("t.py", src, strlen(src), &pc, on_diag, f, &t) != PARSE_OK)
    return NULL;
  code *k = NULL;
  comp_result r = comp_module(f->v, ast_tree_root(t), "t.py", on_diag, f, &k);
  ast_tree_free(t);
  return r == COMP_OK ? k : NULL;
}

static code *find_code(code *k, const char *name) {
  if (strcmp(k->name->data, name) == 0)
    return k;
  for (uint32_t i = 0; i < k->nconsts; i++)
    if (val_is(k->consts[i], OBJ_CODE)) {
      code *r = find_code((code *)k->consts[i].as.o, name);
      if (r)
        return r;
    }
  return NULL;
}

static int count_op(const code *k, code_op op) {
  int n = 0;
  for (uint32_t i = 0; i < k->nops; i++)
    if (CODE_OP(k->ops[i]) == op)
      n++;
  return n;
}

static void test_closure_cells(void **state) {
  fixture *f = *state;
  code *m = compile(f, "def outer(a):\n"
                       "    b = 1\n"
                       "    def inner():\n"
                       "        nonlocal b\n"
                       "        b += a\n"
                       "        return b\n"
                       "    return inner\n");
  assert_non_null(m);
  code *outer = find_code(m, "outer");
  code *inner = find_code(m, "inner");
  assert_non_null(outer);
  assert_non_null(inner);
  /* a and b live in cells of outer and are free in inner */
  assert_int_equal(outer->ncells, 2);
  assert_int_equal(inner->nfrees, 2);
  assert_true(count_op(inner, OP_LOAD_DEREF) >= 2);
  assert_int_equal(count_op(inner, OP_LOAD_FAST), 0);
  assert_string_equal(inner->qualname->data, "outer.<locals>.inner");
}

static void test_globals_and_locals(void **state) {
  fixture *f = *state;
  code *m = compile(f, "x = 1\n"
                       "def g():\n"
                       "    global x\n"
                       "    y = x\n"
                       "    x = y + 1\n"
                       "    return len([y])\n");
  assert_non_null(m);
  code *g = find_code(m, "g");
  assert_int_equal(count_op(g, OP_STORE_GLOBAL), 1);
  assert_int_equal(count_op(g, OP_LOAD_GLOBAL), 2); /* x and len */
  assert_int_equal(count_op(g, OP_STORE_FAST), 1);
  assert_int_equal(g->nslots, 1);
}

static void test_try_finally_table(void **state) {
  fixture *f = *state;
  code *m = compile(f, "def h():\n"
                       "    try:\n"
                       "        return 1\n"
                       "    except ValueError as e:\n"
                       "        pass\n"
                       "    finally:\n"
                       "        print('done')\n");
  assert_non_null(m);
  code *h = find_code(m, "h");
  /* the finally body is emitted three times: the return path, the normal
   * path and the exceptional path */
  int prints = 0;
  for (uint32_t i = 0; i < h->nops; i++)
    if (CODE_OP(h->ops[i]) == OP_LOAD_GLOBAL &&
        strcmp(h->names[CODE_ARG(h->ops[i])]->data, "print") == 0)
      prints++;
  assert_int_equal(prints, 3);
  assert_true(h->nhandlers >= 3);
  /* innermost first: the first entry that covers the return value's load is
   * the except clause's, which pushes the previously handled exception */
  const code_handler *first = code_find_handler(h, 0);
  assert_non_null(first);
  assert_true(first->push_prev);
  /* every handler target lies outside its protected range */
  for (uint32_t i = 0; i < h->nhandlers; i++) {
    assert_true(h->handlers[i].start < h->handlers[i].end);
    assert_true(h->handlers[i].target >= h->handlers[i].end ||
                h->handlers[i].target < h->handlers[i].start);
  }
  assert_true(h->stacksize >= 3);
}

static void test_coroutine_flags(void **state) {
  fixture *f = *state;
  code *m = compile(f, "async def c():\n    await x\n"
                       "async def ag():\n    yield 1\n"
                       "def g():\n    yield 2\n"
                       "def p(a, b=2, *args, k, **kw):\n    pass\n");
  assert_non_null(m);
  assert_true(find_code(m, "c")->flags & CODE_COROUTINE);
  assert_true(find_code(m, "ag")->flags & CODE_ASYNC_GEN);
  assert_true(find_code(m, "g")->flags & CODE_GENERATOR);
  code *p = find_code(m, "p");
  assert_int_equal(p->argcount, 2);
  assert_int_equal(p->kwonlycount, 1);
  assert_true(p->flags & CODE_VARARGS);
  assert_true(p->flags & CODE_VARKW);
  assert_int_equal(count_op(find_code(m, "c"), OP_SEND), 1);
}

static void test_comprehension_scope(void **state) {
  fixture *f = *state;
  code *m = compile(f, "def f(n):\n    return [i * n for i in range(n) if i]\n");
  assert_non_null(m);
  code *lc = find_code(m, "<listcomp>");
  assert_non_null(lc);
  assert_int_equal(lc->argcount, 1);
  assert_int_equal(lc->nfrees, 1); /* n comes from f */
  assert_int_equal(count_op(lc, OP_LIST_APPEND), 1);
}

typedef struct bad {
  const char *src; /* the program */
  diag_kind kind;  /* expected class */
  const char *msg; /* expected message */
  int line;        /* expected line */
} bad;

static void test_errors(void **state) {
  fixture *f = *state;
  static const bad cases[] = {
      {"return 1\n", DIAG_SYNTAX, "'return' outside function", 1},
      {"def f():\n    await g()\n", DIAG_SYNTAX, "'await' outside async function", 2},
      {"x = 1\nbreak\n", DIAG_SYNTAX, "'break' outside loop", 2},
      {"while 1:\n    pass\ncontinue\n", DIAG_SYNTAX, "'continue' not properly in loop", 3},
      {"def f():\n    def g():\n        nonlocal z\n", DIAG_SYNTAX,
       "no binding for nonlocal 'z' found", 2},
      {"def f(a):\n    global a\n", DIAG_SYNTAX, "name 'a' is parameter and global", 2},
      {"def f(a, a):\n    pass\n", DIAG_SYNTAX, "duplicate argument 'a' in function definition", 1},
      {"class A(B, C):\n    pass\n", DIAG_UNSUPPORTED,
       "multiple inheritance is not supported in scenarios", 1},
      {"import os.path\n", DIAG_UNSUPPORTED,
       "dotted imports are not supported in scenarios (import os.path)", 1},
      {"def f():\n    async with x:\n        pass\n", DIAG_SYNTAX,
       "'async with' outside async function", 2},
      {"f(a=1, a=2)\n", DIAG_SYNTAX, "keyword argument repeated: a", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    f->ndiags = 0;
    code *k = compile(f, cases[i].src);
    assert_null(k);
    assert_int_equal(f->ndiags, 1);
    assert_int_equal(f->last.kind, cases[i].kind);
    assert_string_equal(f->msg, cases[i].msg);
    assert_int_equal(f->last.line, cases[i].line);
  }
}

static void test_nesting_limit(void **state) {
  fixture *f = *state;
  char src[4096] = "";
  size_t n = 0;
  for (int i = 0; i < 21; i++) {
    for (int j = 0; j < i; j++)
      n += (size_t)snprintf(src + n, sizeof src - n, " ");
    n += (size_t)snprintf(src + n, sizeof src - n, "while x:\n");
  }
  for (int j = 0; j < 21; j++)
    n += (size_t)snprintf(src + n, sizeof src - n, " ");
  snprintf(src + n, sizeof src - n, "pass\n");
  assert_null(compile(f, src));
  assert_string_equal(f->msg, "too many statically nested blocks");
}

static void test_disassembler(void **state) {
  fixture *f = *state;
  code *m = compile(f, "import asyncio\nasync def main():\n    await asyncio.sleep(1)\n");
  assert_non_null(m);
  fmt_buf b;
  fmt_buf_init(&b);
  assert_true(code_disassemble(f->v, m, &b));
  assert_non_null(strstr(fmt_buf_str(&b), "IMPORT_NAME"));
  assert_non_null(strstr(fmt_buf_str(&b), "(asyncio)"));
  assert_non_null(strstr(fmt_buf_str(&b), "GET_AWAITABLE"));
  assert_non_null(strstr(fmt_buf_str(&b), "code main"));
  fmt_buf_free(&b);
  assert_string_equal(code_op_name(OP_SEND), "SEND");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_closure_cells, setup, teardown),
      cmocka_unit_test_setup_teardown(test_globals_and_locals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_try_finally_table, setup, teardown),
      cmocka_unit_test_setup_teardown(test_coroutine_flags, setup, teardown),
      cmocka_unit_test_setup_teardown(test_comprehension_scope, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nesting_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_disassembler, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
