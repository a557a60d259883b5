/* Unit tests for parse (and the ast arena): the seed programs, trees compared with
 * CPython's own ast (the expected S-expressions below were produced by a Python 3.11
 * script walking ast.parse), CPython's error messages and positions (checked
 * against python3), unsupported constructs, limits, and garbage input that must
 * never crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ast.h"
#include "diag.h"
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, sizeof(x) - 1 /* a literal and its length (sources may hold NUL bytes) */

/* ------------------------------------------------------------------------------------------ */
/* capturing diagnostics */

typedef struct capture {
  int count;         /* diagnostics received */
  diag_kind kind;    /* the last one */
  int line;          /* its line */
  int col;           /* its column */
  int end_col;       /* its end column */
  char message[512]; /* its message */
  char file[64];     /* its file name */
} capture;

static void on_diag(void *user, const diag *d) {
  capture *c = user;
  c->count++;
  c->kind = d->kind;
  c->line = d->line;
  c->col = d->col;
  c->end_col = d->end_col;
  snprintf(c->message, sizeof c->message, "%s", d->message);
  snprintf(c->file, sizeof c->file, "%s", d->file ? d->file : "");
}

static parse_result parse_len(const char *src, size_t len, const parse_config *cfg, capture *cap,
                              ast_tree **tree) {
  memset(cap, 0, sizeof *cap);
  parse_result r = parse_module("t.py", src, len, cfg, on_diag, cap, tree);
  if (r == PARSE_OK) {
    assert_non_null(*tree);
    assert_int_equal(cap->count, 0);
  } else {
    assert_null(*tree);
  }
  if (r == PARSE_ERROR) assert_int_equal(cap->count, 1); /* exactly one diagnostic */
  return r;
}

/* ------------------------------------------------------------------------------------------ */
/* a tiny S-expression dumper */

typedef struct dbuf {
  char *s;    /* text */
  size_t len; /* bytes used */
  size_t cap; /* bytes allocated */
} dbuf;

static void dput(dbuf *b, const char *t) {
  size_t n = strlen(t);
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
    assert_non_null(b->s);
  }
  memcpy(b->s + b->len, t, n + 1);
  b->len += n;
}

static void dnode(dbuf *b, const ast_node *n);

static void dlist(dbuf *b, const ast_list *l) {
  dput(b, "[");
  for (int i = 0; i < l->count; i++) {
    if (i) dput(b, " ");
    dnode(b, l->items[i]);
  }
  dput(b, "]");
}

static void dstr(dbuf *b, const char *s, size_t n) {
  dput(b, "'");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char t[8];
    if (c == '\'' || c == '\\') {
      t[0] = '\\';
      t[1] = (char)c;
      t[2] = 0;
    } else if (c < 32 || c == 127) {
      snprintf(t, sizeof t, "\\x%02x", c);
    } else {
      t[0] = (char)c;
      t[1] = 0;
    }
    dput(b, t);
  }
  dput(b, "'");
}

static const char *const binop_s[] = {"+", "-", "*", "/", "//", "%", "**",
                                      "<<", ">>", "|", "^", "&", "@"};
static const char *const cmp_s[] = {"==", "!=", "<", "<=", ">", ">=", "in", "not-in", "is", "is-not"};
static const char *const uop_s[] = {"neg", "pos", "not", "inv"};

static void dsp(dbuf *b, const ast_node *n) {
  dput(b, " ");
  dnode(b, n);
}

static void dspl(dbuf *b, const ast_list *l) {
  dput(b, " ");
  dlist(b, l);
}

static void dnode(dbuf *b, const ast_node *n) {
  char t[64];
  if (!n) {
    dput(b, "_");
    return;
  }
  switch (n->kind) {
    case AST_NAME: dput(b, n->u.name); break;
    case AST_INT:
      snprintf(t, sizeof t, "%lld", (long long)n->u.int_value);
      dput(b, t);
      break;
    case AST_FLOAT:
      snprintf(t, sizeof t, "%.17g", n->u.float_value);
      if (!strpbrk(t, ".en")) strcat(t, ".0");
      dput(b, t);
      break;
    case AST_STR: dstr(b, n->u.str.data, n->u.str.len); break;
    case AST_TRUE: dput(b, "True"); break;
    case AST_FALSE: dput(b, "False"); break;
    case AST_NONE: dput(b, "None"); break;
    case AST_FSTRING:
      dput(b, "(f");
      dspl(b, &n->u.fstring.parts);
      dput(b, ")");
      break;
    case AST_FORMATTED:
      dput(b, "(fmt");
      dsp(b, n->u.formatted.value);
      snprintf(t, sizeof t, " %c", n->u.formatted.conversion ? n->u.formatted.conversion : '-');
      dput(b, t);
      dsp(b, n->u.formatted.spec);
      dput(b, ")");
      break;
    case AST_BINOP:
      dput(b, "(");
      dput(b, binop_s[n->u.binop.op]);
      dsp(b, n->u.binop.left);
      dsp(b, n->u.binop.right);
      dput(b, ")");
      break;
    case AST_UNARYOP:
      dput(b, "(");
      dput(b, uop_s[n->u.unaryop.op]);
      dsp(b, n->u.unaryop.operand);
      dput(b, ")");
      break;
    case AST_BOOLOP:
      dput(b, n->u.boolop.is_or ? "(or" : "(and");
      dspl(b, &n->u.boolop.values);
      dput(b, ")");
      break;
    case AST_COMPARE:
      dput(b, "(cmp");
      dsp(b, n->u.compare.left);
      for (int i = 0; i < n->u.compare.comparators.count; i++) {
        dput(b, " ");
        dput(b, cmp_s[n->u.compare.ops[i]]);
        dsp(b, n->u.compare.comparators.items[i]);
      }
      dput(b, ")");
      break;
    case AST_IFEXP:
      dput(b, "(ifexp");
      dsp(b, n->u.ifexp.test);
      dsp(b, n->u.ifexp.body);
      dsp(b, n->u.ifexp.orelse);
      dput(b, ")");
      break;
    case AST_LAMBDA:
      dput(b, "(lambda");
      dsp(b, n->u.lambda.args);
      dsp(b, n->u.lambda.body);
      dput(b, ")");
      break;
    case AST_CALL:
      dput(b, "(call");
      dsp(b, n->u.call.func);
      dspl(b, &n->u.call.args);
      dspl(b, &n->u.call.keywords);
      dput(b, ")");
      break;
    case AST_KEYWORD:
      dput(b, "(kw ");
      dput(b, n->u.keyword.name ? n->u.keyword.name : "**");
      dsp(b, n->u.keyword.value);
      dput(b, ")");
      break;
    case AST_ATTRIBUTE:
      dput(b, "(.");
      dsp(b, n->u.attribute.value);
      dput(b, " ");
      dput(b, n->u.attribute.attr);
      dput(b, ")");
      break;
    case AST_SUBSCRIPT:
      dput(b, "(sub");
      dsp(b, n->u.subscript.value);
      dsp(b, n->u.subscript.index);
      dput(b, ")");
      break;
    case AST_SLICE:
      dput(b, "(slice");
      dsp(b, n->u.slice.lower);
      dsp(b, n->u.slice.upper);
      dsp(b, n->u.slice.step);
      dput(b, ")");
      break;
    case AST_STARRED:
      dput(b, "(*");
      dsp(b, n->u.starred.value);
      dput(b, ")");
      break;
    case AST_LIST: case AST_TUPLE: case AST_SET:
      dput(b, n->kind == AST_LIST ? "(list" : n->kind == AST_TUPLE ? "(tuple" : "(set");
      dspl(b, &n->u.seq.elts);
      dput(b, ")");
      break;
    case AST_DICT:
      dput(b, "(dict");
      for (int i = 0; i < n->u.dict.keys.count; i++) {
        dsp(b, n->u.dict.keys.items[i]);
        dput(b, ":");
        dnode(b, n->u.dict.values.items[i]);
      }
      dput(b, ")");
      break;
    case AST_LISTCOMP: case AST_SETCOMP: case AST_GENEXP: case AST_DICTCOMP:
      dput(b, n->kind == AST_LISTCOMP  ? "(listcomp"
              : n->kind == AST_SETCOMP ? "(setcomp"
              : n->kind == AST_GENEXP  ? "(genexp"
                                       : "(dictcomp");
      if (n->kind == AST_DICTCOMP) dsp(b, n->u.comp.key);
      dsp(b, n->u.comp.elt);
      dspl(b, &n->u.comp.generators);
      dput(b, ")");
      break;
    case AST_COMPREHENSION:
      dput(b, n->u.comprehension.is_async ? "(async-for" : "(for");
      dsp(b, n->u.comprehension.target);
      dsp(b, n->u.comprehension.iter);
      dspl(b, &n->u.comprehension.ifs);
      dput(b, ")");
      break;
    case AST_AWAIT:
      dput(b, "(await");
      dsp(b, n->u.await_.value);
      dput(b, ")");
      break;
    case AST_YIELD:
      dput(b, "(yield");
      dsp(b, n->u.yield_.value);
      dput(b, ")");
      break;
    case AST_MODULE:
      dput(b, "(module");
      dspl(b, &n->u.module.body);
      dput(b, ")");
      break;
    case AST_EXPR:
      dput(b, "(expr");
      dsp(b, n->u.expr_stmt.value);
      dput(b, ")");
      break;
    case AST_ASSIGN:
      dput(b, "(=");
      dspl(b, &n->u.assign.targets);
      dsp(b, n->u.assign.value);
      dput(b, ")");
      break;
    case AST_AUGASSIGN:
      dput(b, "(aug ");
      dput(b, binop_s[n->u.augassign.op]);
      dsp(b, n->u.augassign.target);
      dsp(b, n->u.augassign.value);
      dput(b, ")");
      break;
    case AST_ANNASSIGN:
      dput(b, "(ann");
      dsp(b, n->u.annassign.target);
      dsp(b, n->u.annassign.annotation);
      dsp(b, n->u.annassign.value);
      dput(b, ")");
      break;
    case AST_IF:
      dput(b, "(if");
      dsp(b, n->u.if_.test);
      dspl(b, &n->u.if_.body);
      dspl(b, &n->u.if_.orelse);
      dput(b, ")");
      break;
    case AST_WHILE:
      dput(b, "(while");
      dsp(b, n->u.while_.test);
      dspl(b, &n->u.while_.body);
      dspl(b, &n->u.while_.orelse);
      dput(b, ")");
      break;
    case AST_FOR:
      dput(b, n->u.for_.is_async ? "(async-for" : "(for");
      dsp(b, n->u.for_.target);
      dsp(b, n->u.for_.iter);
      dspl(b, &n->u.for_.body);
      dspl(b, &n->u.for_.orelse);
      dput(b, ")");
      break;
    case AST_BREAK: dput(b, "break"); break;
    case AST_CONTINUE: dput(b, "continue"); break;
    case AST_PASS: dput(b, "pass"); break;
    case AST_RETURN:
      dput(b, "(return");
      dsp(b, n->u.return_.value);
      dput(b, ")");
      break;
    case AST_FUNCDEF:
      dput(b, n->u.funcdef.is_async ? "(async-def " : "(def ");
      dput(b, n->u.funcdef.name);
      dsp(b, n->u.funcdef.args);
      dspl(b, &n->u.funcdef.body);
      if (n->u.funcdef.decorators.count) {
        dput(b, " @");
        dlist(b, &n->u.funcdef.decorators);
      }
      dput(b, ")");
      break;
    case AST_CLASSDEF:
      dput(b, "(class ");
      dput(b, n->u.classdef.name);
      dspl(b, &n->u.classdef.bases);
      dspl(b, &n->u.classdef.keywords);
      dspl(b, &n->u.classdef.body);
      if (n->u.classdef.decorators.count) {
        dput(b, " @");
        dlist(b, &n->u.classdef.decorators);
      }
      dput(b, ")");
      break;
    case AST_TRY:
      dput(b, "(try");
      dspl(b, &n->u.try_.body);
      dspl(b, &n->u.try_.handlers);
      dspl(b, &n->u.try_.orelse);
      dspl(b, &n->u.try_.finalbody);
      dput(b, ")");
      break;
    case AST_HANDLER:
      dput(b, "(except");
      dsp(b, n->u.handler.type);
      dput(b, " ");
      dput(b, n->u.handler.name ? n->u.handler.name : "_");
      dspl(b, &n->u.handler.body);
      dput(b, ")");
      break;
    case AST_RAISE:
      dput(b, "(raise");
      dsp(b, n->u.raise_.exc);
      dsp(b, n->u.raise_.cause);
      dput(b, ")");
      break;
    case AST_GLOBAL: case AST_NONLOCAL:
      dput(b, n->kind == AST_GLOBAL ? "(global" : "(nonlocal");
      for (int i = 0; i < n->u.names.count; i++) {
        dput(b, " ");
        dput(b, n->u.names.items[i]);
      }
      dput(b, ")");
      break;
    case AST_ASSERT:
      dput(b, "(assert");
      dsp(b, n->u.assert_.test);
      dsp(b, n->u.assert_.msg);
      dput(b, ")");
      break;
    case AST_DELETE:
      dput(b, "(del");
      dspl(b, &n->u.delete.targets);
      dput(b, ")");
      break;
    case AST_WITH:
      dput(b, n->u.with.is_async ? "(async-with" : "(with");
      dspl(b, &n->u.with.items);
      dspl(b, &n->u.with.body);
      dput(b, ")");
      break;
    case AST_WITHITEM:
      dput(b, "(item");
      dsp(b, n->u.withitem.context_expr);
      dsp(b, n->u.withitem.optional_vars);
      dput(b, ")");
      break;
    case AST_IMPORT:
      dput(b, "(import");
      dspl(b, &n->u.import.names);
      dput(b, ")");
      break;
    case AST_IMPORTFROM:
      snprintf(t, sizeof t, "(from %d ", n->u.import.level);
      dput(b, t);
      dput(b, n->u.import.module ? n->u.import.module : "_");
      dspl(b, &n->u.import.names);
      dput(b, ")");
      break;
    case AST_ALIAS:
      dput(b, n->u.alias.name);
      if (n->u.alias.asname) {
        dput(b, " as ");
        dput(b, n->u.alias.asname);
      }
      break;
    case AST_ARG: dput(b, n->u.arg.name); break;
    case AST_ARGUMENTS:
      dput(b, "(args");
      dspl(b, &n->u.arguments.args);
      dspl(b, &n->u.arguments.defaults);
      dput(b, " *");
      dput(b, n->u.arguments.vararg ? n->u.arguments.vararg : "_");
      dspl(b, &n->u.arguments.kwonlyargs);
      dspl(b, &n->u.arguments.kw_defaults);
      dput(b, " **");
      dput(b, n->u.arguments.kwarg ? n->u.arguments.kwarg : "_");
      dput(b, ")");
      break;
  }
}

/* Parses src (which must succeed) and returns the dump of the module body, without
 * the "(module [" and "])" around it. The caller frees the result. */
static char *dump_body(const char *src, size_t len) {
  capture cap;
  ast_tree *t = NULL;
  parse_result r = parse_len(src, len, NULL, &cap, &t);
  if (r != PARSE_OK) fail_msg("parse failed for %s: %s at %d:%d", src, cap.message, cap.line, cap.col);
  dbuf b = {0};
  dlist(&b, &ast_tree_root(t)->u.module.body);
  ast_tree_free(t);
  /* strip the brackets of the list */
  memmove(b.s, b.s + 1, b.len - 1);
  b.s[b.len - 2] = '\0';
  return b.s;
}

static void check_tree(const char *src, const char *expected) {
  char *got = dump_body(src, strlen(src));
  int same = strcmp(got, expected) == 0;
  if (!same)
    print_error("source:   %s\nexpected: %s\ngot:      %s\n", src, expected, got);
  free(got); /* one free on both paths: gcc 12 at -O3 took cmocka's fail() for a return */
  if (!same)
    fail();
}

static void check_error_cfg(const char *src, size_t len, const parse_config *cfg, diag_kind kind,
                            const char *msg, int line, int col) {
  capture cap;
  ast_tree *t = NULL;
  parse_result r = parse_len(src, len, cfg, &cap, &t);
  if (r != PARSE_ERROR || cap.kind != kind || strcmp(cap.message, msg) != 0 || cap.line != line ||
      cap.col != col) {
    print_error("source:   %s\nexpected: %d %s at %d:%d\ngot:      %d %s at %d:%d (result %d)\n",
                src, (int)kind, msg, line, col, (int)cap.kind, cap.message, cap.line, cap.col,
                (int)r);
    ast_tree_free(t);
    fail();
  }
  assert_string_equal(cap.file, "t.py");
}

static void check_error(const char *src, size_t len, diag_kind kind, const char *msg, int line,
                        int col) {
  check_error_cfg(src, len, NULL, kind, msg, line, col);
}

/* ------------------------------------------------------------------------------------------ */
/* the five programs of the article */

typedef struct seed_case {
  const char *name;     /* file name */
  const char *src;      /* its text */
  const char *expected; /* CPython's ast, dumped */
} seed_case;

static const seed_case seeds[] = {
  {"async_generator.py",
    "import asyncio\n"
    "\n"
    "async def async_range(count):\n"
    "    for i in range(count):\n"
    "        await asyncio.sleep(0.1)\n"
    "        yield i\n"
    "\n"
    "async def main():\n"
    "    async for number in async_range(5):\n"
    "        print(f\"Got number: {number}\")\n"
    "\n"
    "asyncio.run(main())\n",
   "(module [(import [asyncio]) (async-def async_range (args [count] [] *_ [] [] **_) [(for i (call range [count] []) [(expr (await (call (. asyncio sleep) [0.10000000000000001] []))) (expr (yield i))] [])]) (async-def main (args [] [] *_ [] [] **_) [(async-for number (call async_range [5] []) [(expr (call print [(f ['Got number: ' (fmt number - _)])] []))] [])]) (expr (call (. asyncio run) [(call main [] [])] []))])"},
  {"context_manager.py",
    "import asyncio\n"
    "\n"
    "class AsyncDatabase:\n"
    "    async def __aenter__(self):\n"
    "        print(\"Connecting to database...\")\n"
    "        await asyncio.sleep(1)\n"
    "        print(\"Connected!\")\n"
    "        return self\n"
    "\n"
    "    async def __aexit__(self, exc_type, exc_val, exc_tb):\n"
    "        print(\"Closing database connection...\")\n"
    "        await asyncio.sleep(0.5)\n"
    "        print(\"Connection closed!\")\n"
    "\n"
    "    async def query(self, sql):\n"
    "        print(f\"Executing: {sql}\")\n"
    "        await asyncio.sleep(0.5)\n"
    "        return [{\"id\": 1, \"name\": \"John\"}]\n"
    "\n"
    "async def main():\n"
    "    async with AsyncDatabase() as db:\n"
    "        results = await db.query(\"SELECT * FROM users\")\n"
    "        print(f\"Query results: {results}\")\n"
    "\n"
    "asyncio.run(main())\n",
   "(module [(import [asyncio]) (class AsyncDatabase [] [] [(async-def __aenter__ (args [self] [] *_ [] [] **_) [(expr (call print ['Connecting to database...'] [])) (expr (await (call (. asyncio sleep) [1] []))) (expr (call print ['Connected!'] [])) (return self)]) (async-def __aexit__ (args [self exc_type exc_val exc_tb] [] *_ [] [] **_) [(expr (call print ['Closing database connection...'] [])) (expr (await (call (. asyncio sleep) [0.5] []))) (expr (call print ['Connection closed!'] []))]) (async-def query (args [self sql] [] *_ [] [] **_) [(expr (call print [(f ['Executing: ' (fmt sql - _)])] [])) (expr (await (call (. asyncio sleep) [0.5] []))) (return (list [(dict 'id':1 'name':'John')]))])]) (async-def main (args [] [] *_ [] [] **_) [(async-with [(item (call AsyncDatabase [] []) db)] [(= [results] (await (call (. db query) ['SELECT * FROM users'] []))) (expr (call print [(f ['Query results: ' (fmt results - _)])] []))])]) (expr (call (. asyncio run) [(call main [] [])] []))])"},
  {"error_handling.py",
    "import asyncio\n"
    "\n"
    "async def risky_operation(should_fail=False):\n"
    "    await asyncio.sleep(1)\n"
    "    if should_fail:\n"
    "        raise ValueError(\"Operation failed!\")\n"
    "    return \"Success\"\n"
    "\n"
    "async def main():\n"
    "    try:\n"
    "        result = await risky_operation(should_fail=True)\n"
    "        print(result)\n"
    "    except ValueError as e:\n"
    "        print(f\"Caught error: {e}\")\n"
    "\n"
    "    # Using asyncio.gather with return_exceptions\n"
    "    results = await asyncio.gather(\n"
    "        risky_operation(False),\n"
    "        risky_operation(True),\n"
    "        return_exceptions=True\n"
    "    )\n"
    "\n"
    "    for i, result in enumerate(results):\n"
    "        if isinstance(result, Exception):\n"
    "            print(f\"Task {i} failed: {result}\")\n"
    "        else:\n"
    "            print(f\"Task {i} succeeded: {result}\")\n"
    "\n"
    "asyncio.run(main())\n",
   "(module [(import [asyncio]) (async-def risky_operation (args [should_fail] [False] *_ [] [] **_) [(expr (await (call (. asyncio sleep) [1] []))) (if should_fail [(raise (call ValueError ['Operation failed!'] []) _)] []) (return 'Success')]) (async-def main (args [] [] *_ [] [] **_) [(try [(= [result] (await (call risky_operation [] [(kw should_fail True)]))) (expr (call print [result] []))] [(except ValueError e [(expr (call print [(f ['Caught error: ' (fmt e - _)])] []))])] [] []) (= [results] (await (call (. asyncio gather) [(call risky_operation [False] []) (call risky_operation [True] [])] [(kw return_exceptions True)]))) (for (tuple [i result]) (call enumerate [results] []) [(if (call isinstance [result Exception] []) [(expr (call print [(f ['Task ' (fmt i - _) ' failed: ' (fmt result - _)])] []))] [(expr (call print [(f ['Task ' (fmt i - _) ' succeeded: ' (fmt result - _)])] []))])] [])]) (expr (call (. asyncio run) [(call main [] [])] []))])"},
  {"gather.py",
    "import asyncio\n"
    "import time\n"
    "\n"
    "async def fetch_data(id, delay):\n"
    "    print(f\"Fetching data {id}...\")\n"
    "    await asyncio.sleep(delay)\n"
    "    return {'id': id, 'data': f'Data {id}'}\n"
    "\n"
    "async def main():\n"
    "    start_time = time.time()\n"
    "\n"
    "    # Run tasks concurrently\n"
    "    tasks = [\n"
    "        fetch_data(1, 2),\n"
    "        fetch_data(2, 1),\n"
    "        fetch_data(3, 3),\n"
    "    ]\n"
    "\n"
    "    results = await asyncio.gather(*tasks)\n"
    "\n"
    "    end_time = time.time()\n"
    "    print(f\"Results: {results}\")\n"
    "    print(f\"Total time: {end_time - start_time:.2f} seconds\")\n"
    "\n"
    "asyncio.run(main())\n",
   "(module [(import [asyncio]) (import [time]) (async-def fetch_data (args [id delay] [] *_ [] [] **_) [(expr (call print [(f ['Fetching data ' (fmt id - _) '...'])] [])) (expr (await (call (. asyncio sleep) [delay] []))) (return (dict 'id':id 'data':(f ['Data ' (fmt id - _)])))]) (async-def main (args [] [] *_ [] [] **_) [(= [start_time] (call (. time time) [] [])) (= [tasks] (list [(call fetch_data [1 2] []) (call fetch_data [2 1] []) (call fetch_data [3 3] [])])) (= [results] (await (call (. asyncio gather) [(* tasks)] []))) (= [end_time] (call (. time time) [] [])) (expr (call print [(f ['Results: ' (fmt results - _)])] [])) (expr (call print [(f ['Total time: ' (fmt (- end_time start_time) - (f ['.2f'])) ' seconds'])] []))]) (expr (call (. asyncio run) [(call main [] [])] []))])"},
  {"greet.py",
    "import asyncio\n"
    "\n"
    "async def greet(name):\n"
    "    await asyncio.sleep(1)  # Simulate I/O operation\n"
    "    return f\"Hello, {name}!\"\n"
    "\n"
    "async def main():\n"
    "    result = await greet(\"World\")\n"
    "    print(result)\n"
    "\n"
    "# Run the async function\n"
    "asyncio.run(main())\n",
   "(module [(import [asyncio]) (async-def greet (args [name] [] *_ [] [] **_) [(expr (await (call (. asyncio sleep) [1] []))) (return (f ['Hello, ' (fmt name - _) '!']))]) (async-def main (args [] [] *_ [] [] **_) [(= [result] (await (call greet ['World'] []))) (expr (call print [result] []))]) (expr (call (. asyncio run) [(call main [] [])] []))])"},
};

static void test_seed_programs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
    capture cap;
    ast_tree *t = NULL;
    assert_int_equal(parse_len(seeds[i].src, strlen(seeds[i].src), NULL, &cap, &t), PARSE_OK);
    dbuf b = {0};
    dnode(&b, ast_tree_root(t));
    if (strcmp(b.s, seeds[i].expected) != 0) {
      print_error("%s\nexpected: %s\ngot:      %s\n", seeds[i].name, seeds[i].expected, b.s);
      fail();
    }
    free(b.s);
    ast_tree_free(t);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* trees: precedence, statements, literals, f-strings (expected = CPython's ast) */

typedef struct tree_case {
  const char *src;      /* source */
  const char *expected; /* the statements, dumped */
} tree_case;

static const tree_case trees[] = {
    {"-2**2\n",
     "(expr (neg (** 2 2)))"},
    {"2**-1\n",
     "(expr (** 2 (neg 1)))"},
    {"2**3**2\n",
     "(expr (** 2 (** 3 2)))"},
    {"-x**-y\n",
     "(expr (neg (** x (neg y))))"},
    {"a + b * c - d / e // f % g @ h\n",
     "(expr (- (+ a (* b c)) (@ (% (// (/ d e) f) g) h)))"},
    {"a << b + c >> d\n",
     "(expr (>> (<< a (+ b c)) d))"},
    {"a | b ^ c & d\n",
     "(expr (| a (^ b (& c d))))"},
    {"a | b & c ^ d\n",
     "(expr (| a (^ (& b c) d)))"},
    {"not a == b\n",
     "(expr (not (cmp a == b)))"},
    {"not a and b or not c\n",
     "(expr (or [(and [(not a) b]) (not c)]))"},
    {"a and b and c or d or e\n",
     "(expr (or [(and [a b c]) d e]))"},
    {"a < b <= c > d >= e == f != g in h not in i is j is not k\n",
     "(expr (cmp a < b <= c > d >= e == f != g in h not-in i is j is-not k))"},
    {"~a + -b - +c\n",
     "(expr (- (+ (inv a) (neg b)) (pos c)))"},
    {"await x ** 2\n",
     "(expr (** (await x) 2))"},
    {"x if y else z if w else v\n",
     "(expr (ifexp y x (ifexp w z v)))"},
    {"lambda: x if y else z\n",
     "(expr (lambda (args [] [] *_ [] [] **_) (ifexp y x z)))"},
    {"lambda x, y=1, *a, z, w=2, **k: x\n",
     "(expr (lambda (args [x y] [1] *a [z w] [_ 2] **k) x))"},
    {"lambda *, a: a\n",
     "(expr (lambda (args [] [] *_ [a] [_] **_) a))"},
    {"lambda *a, **k: 0\n",
     "(expr (lambda (args [] [] *a [] [] **k) 0))"},
    {"f(a, *b, c=1, **d)\n",
     "(expr (call f [a (* b)] [(kw c 1) (kw ** d)]))"},
    {"f(a)(b)[c].d\n",
     "(expr (. (sub (call (call f [a] []) [b] []) c) d))"},
    {"f(x for x in y)\n",
     "(expr (call f [(genexp x [(for x y [])])] []))"},
    {"f(x for x in y if z if w for a in b)\n",
     "(expr (call f [(genexp x [(for x y [z w]) (for a b [])])] []))"},
    {"a[1]\n",
     "(expr (sub a 1))"},
    {"a[1:2]\n",
     "(expr (sub a (slice 1 2 _)))"},
    {"a[:]\n",
     "(expr (sub a (slice _ _ _)))"},
    {"a[::2]\n",
     "(expr (sub a (slice _ _ 2)))"},
    {"a[1:2, 3]\n",
     "(expr (sub a (tuple [(slice 1 2 _) 3])))"},
    {"a[1,]\n",
     "(expr (sub a (tuple [1])))"},
    {"a[*b]\n",
     "(expr (sub a (tuple [(* b)])))"},
    {"a[b:c:d, :, e]\n",
     "(expr (sub a (tuple [(slice b c d) (slice _ _ _) e])))"},
    {"()\n",
     "(expr (tuple []))"},
    {"(1,)\n",
     "(expr (tuple [1]))"},
    {"(1, 2)\n",
     "(expr (tuple [1 2]))"},
    {"((1))\n",
     "(expr 1)"},
    {"[]\n",
     "(expr (list []))"},
    {"[1, 2, *a]\n",
     "(expr (list [1 2 (* a)]))"},
    {"[x for x in y]\n",
     "(expr (listcomp x [(for x y [])]))"},
    {"[x for x, y in z]\n",
     "(expr (listcomp x [(for (tuple [x y]) z [])]))"},
    {"[x for x, in z]\n",
     "(expr (listcomp x [(for (tuple [x]) z [])]))"},
    {"{}\n",
     "(expr (dict))"},
    {"{1: 2, **d, 3: 4}\n",
     "(expr (dict 1:2 _:d 3:4))"},
    {"{1, 2}\n",
     "(expr (set [1 2]))"},
    {"{*a, 1}\n",
     "(expr (set [(* a) 1]))"},
    {"{x for x in y}\n",
     "(expr (setcomp x [(for x y [])]))"},
    {"{k: v for k, v in d.items() if v}\n",
     "(expr (dictcomp k v [(for (tuple [k v]) (call (. d items) [] []) [v])]))"},
    {"(x for x in y)\n",
     "(expr (genexp x [(for x y [])]))"},
    {"x = y = z\n",
     "(= [x y] z)"},
    {"a, b = b, a\n",
     "(= [(tuple [a b])] (tuple [b a]))"},
    {"a, *b = c\n",
     "(= [(tuple [a (* b)])] c)"},
    {"[a, b] = c\n",
     "(= [(list [a b])] c)"},
    {"(a, b), c = d\n",
     "(= [(tuple [(tuple [a b]) c])] d)"},
    {"a.b = 1\n",
     "(= [(. a b)] 1)"},
    {"a[b] = 1\n",
     "(= [(sub a b)] 1)"},
    {"x += 1\n",
     "(aug + x 1)"},
    {"x -= 1\n",
     "(aug - x 1)"},
    {"x *= 1\n",
     "(aug * x 1)"},
    {"x /= 1\n",
     "(aug / x 1)"},
    {"x //= 1\n",
     "(aug // x 1)"},
    {"x %= 1\n",
     "(aug % x 1)"},
    {"x **= 1\n",
     "(aug ** x 1)"},
    {"x @= 1\n",
     "(aug @ x 1)"},
    {"x |= 1\n",
     "(aug | x 1)"},
    {"x &= 1\n",
     "(aug & x 1)"},
    {"x ^= 1\n",
     "(aug ^ x 1)"},
    {"x <<= 1\n",
     "(aug << x 1)"},
    {"x >>= 1\n",
     "(aug >> x 1)"},
    {"a.b += 1\n",
     "(aug + (. a b) 1)"},
    {"a[0] -= 1\n",
     "(aug - (sub a 0) 1)"},
    {"x: int\n",
     "(ann x int _)"},
    {"x: int = 1\n",
     "(ann x int 1)"},
    {"a.b: int = 1\n",
     "(ann (. a b) int 1)"},
    {"x = yield\n",
     "(= [x] (yield _))"},
    {"x = yield 1\n",
     "(= [x] (yield 1))"},
    {"x = yield 1, 2\n",
     "(= [x] (yield (tuple [1 2])))"},
    {"y = (yield)\n",
     "(= [y] (yield _))"},
    {"yield\n",
     "(expr (yield _))"},
    {"yield a\n",
     "(expr (yield a))"},
    {"yield a, b\n",
     "(expr (yield (tuple [a b])))"},
    {"return\n",
     "(return _)"},
    {"return 1\n",
     "(return 1)"},
    {"return 1, *rest\n",
     "(return (tuple [1 (* rest)]))"},
    {"raise\n",
     "(raise _ _)"},
    {"raise X\n",
     "(raise X _)"},
    {"raise X from Y\n",
     "(raise X Y)"},
    {"global a, b\n",
     "(global a b)"},
    {"nonlocal a\n",
     "(nonlocal a)"},
    {"assert x\n",
     "(assert x _)"},
    {"assert x, \"msg\"\n",
     "(assert x 'msg')"},
    {"del a, b[0], c.d\n",
     "(del [a (sub b 0) (. c d)])"},
    {"del (a, b)\n",
     "(del [(tuple [a b])])"},
    {"del [a]\n",
     "(del [(list [a])])"},
    {"pass\n",
     "pass"},
    {"break\n",
     "break"},
    {"continue\n",
     "continue"},
    {"import a\n",
     "(import [a])"},
    {"import a.b.c as d, e\n",
     "(import [a.b.c as d e])"},
    {"from a import b\n",
     "(from 0 a [b])"},
    {"from a import (b, c as d,)\n",
     "(from 0 a [b c as d])"},
    {"from . import x\n",
     "(from 1 _ [x])"},
    {"from .. a import x\n",
     "(from 2 a [x])"},
    {"from ...a import *\n",
     "(from 3 a [*])"},
    {"from .a.b import c\n",
     "(from 1 a.b [c])"},
    {"if a: pass\n",
     "(if a [pass] [])"},
    {"if a:\n    pass\nelif b:\n    pass\nelif c:\n    x = 1\nelse:\n    y = 2\n",
     "(if a [pass] [(if b [pass] [(if c [(= [x] 1)] [(= [y] 2)])])])"},
    {"while a:\n    break\nelse:\n    pass\n",
     "(while a [break] [pass])"},
    {"for x in y:\n    continue\nelse:\n    pass\n",
     "(for x y [continue] [pass])"},
    {"for a, b in c: pass\n",
     "(for (tuple [a b]) c [pass] [])"},
    {"for a, *b in c: pass\n",
     "(for (tuple [a (* b)]) c [pass] [])"},
    {"for x in 1, 2, 3: pass\n",
     "(for x (tuple [1 2 3]) [pass] [])"},
    {"try:\n    pass\nexcept:\n    pass\n",
     "(try [pass] [(except _ _ [pass])] [] [])"},
    {"try:\n    pass\nexcept E as e:\n    pass\nexcept (A, B):\n    pass\nelse:\n    pass\nfinally:\n    pass\n",
     "(try [pass] [(except E e [pass]) (except (tuple [A B]) _ [pass])] [pass] [pass])"},
    {"try:\n    pass\nfinally:\n    pass\n",
     "(try [pass] [] [] [pass])"},
    {"with a as b, c as (d, e): pass\n",
     "(with [(item a b) (item c (tuple [d e]))] [pass])"},
    {"with (a as b, c): pass\n",
     "(with [(item a b) (item c _)] [pass])"},
    {"with (a, b) as c: pass\n",
     "(with [(item (tuple [a b]) c)] [pass])"},
    {"with (a, b): pass\n",
     "(with [(item a _) (item b _)] [pass])"},
    {"with (a): pass\n",
     "(with [(item a _)] [pass])"},
    {"with a, b: pass\n",
     "(with [(item a _) (item b _)] [pass])"},
    {"@dec\n@dec2(1)\ndef f(a, b: int = 1, *args: str, c, d=2, **kw) -> None:\n    return a\n",
     "(def f (args [a b] [1] *args [c d] [_ 2] **kw) [(return a)] @[dec (call dec2 [1] [])])"},
    {"async def f():\n    await x\n    async for a in b:\n        pass\n    async with c as d:\n        pass\n    return [x async for x in y]\n",
     "(async-def f (args [] [] *_ [] [] **_) [(expr (await x)) (async-for a b [pass] []) (async-with [(item c d)] [pass]) (return (listcomp x [(async-for x y [])]))])"},
    {"@d\nclass A(B, C, metaclass=M, **kw):\n    x = 1\n    def f(self): pass\n",
     "(class A [B C] [(kw metaclass M) (kw ** kw)] [(= [x] 1) (def f (args [self] [] *_ [] [] **_) [pass])] @[d])"},
    {"class A: pass\n",
     "(class A [] [] [pass])"},
    {"class A(): pass\n",
     "(class A [] [] [pass])"},
    {"x = 1; y = 2;\n",
     "(= [x] 1) (= [y] 2)"},
    {"x = \"a\" \"b\" 'c'\n",
     "(= [x] 'abc')"},
    {"x = \"a\" f\"{b}\" \"c\"\n",
     "(= [x] (f ['a' (fmt b - _) 'c']))"},
    {"x = f\"{a!r:>{w}}\" f'{b=}' f\"{c = !s}\" f\"{d=:.2f}\"\n",
     "(= [x] (f [(fmt a r (f ['>' (fmt w - _)])) 'b=' (fmt b r _) 'c = ' (fmt c s _) 'd=' (fmt d - (f ['.2f']))]))"},
    {"x = f\"{{}} {a:{{}}}\"\n",
     "(= [x] (f ['{} ' (fmt a - (f [(fmt (dict) - _)]))]))"},
    {"x = f\"{a:{b}x{c}}\"\n",
     "(= [x] (f [(fmt a - (f [(fmt b - _) 'x' (fmt c - _)]))]))"},
    {"x = f\"\"\"{\na\n}\"\"\"\n",
     "(= [x] (f [(fmt a - _)]))"},
    {"x = '\\n\\t\\\\\\'\\\"\\r\\0\\a\\b\\f\\v\\x41\\101\\u00e9\\U0001F600'\n",
     "(= [x] '\\x0a\\x09\\\\\\'\"\\x0d\\x00\\x07\\x08\\x0c\\x0bAA\303\251\360\237\230\200')"},
    {"x = r'\\n\\t\\\\' if 0 else r\"\\\"\"\n",
     "(= [x] (ifexp 0 '\\\\n\\\\t\\\\\\\\' '\\\\\"'))"},
    {"x = \"\\q \\d\"\n",
     "(= [x] '\\\\q \\\\d')"},
    {"x = \"\"\"a\nb\\\nc\"\"\"\n",
     "(= [x] 'a\\x0abc')"},
    {"x = '\303\251' + \"\346\227\245\346\234\254\" + 'x\\xe9'\n",
     "(= [x] (+ (+ '\303\251' '\346\227\245\346\234\254') 'x\303\251'))"},
    {"x = 1_000 + 0x_ff + 0o17 + 0b1_0 + 1.5e-3 + .5 + 1. + 1e10 + 1_0.0_1\n",
     "(= [x] (+ (+ (+ (+ (+ (+ (+ (+ 1000 255) 15) 2) 0.0015) 0.5) 1.0) 10000000000.0) 10.01))"},
    {"x = 9223372036854775807\n",
     "(= [x] 9223372036854775807)"},
    {"x = 0.1 + 1e308 + 1e-320\n",
     "(= [x] (+ (+ 0.10000000000000001 1e+308) 9.9998886718268301e-321))"},
    {"r\303\251sum\303\251 = 1\n",
     "(= [r\303\251sum\303\251] 1)"},
    {"x = a if b else c\n",
     "(= [x] (ifexp b a c))"},
    {"x = [1,\n     2,\n]\n",
     "(= [x] (list [1 2]))"},
    {"x = (1 +\n  2) \\\n  + 3\n",
     "(= [x] (+ (+ 1 2) 3))"},
    {"def f(*, a=1, b): pass\n",
     "(def f (args [] [] *_ [a b] [1 _] **_) [pass])"},
    {"x = not not a\n",
     "(= [x] (not (not a)))"},
    {"x = - - a\n",
     "(= [x] (neg (neg a)))"},
    {"x = a is not b is c not in d\n",
     "(= [x] (cmp a is-not b is c not-in d))"},
    {"print(*args, sep='', end='\\n')\n",
     "(expr (call print [(* args)] [(kw sep '') (kw end '\\x0a')]))"},
    {"x = {**a, 'b': 1}\n",
     "(= [x] (dict _:a 'b':1))"},
    {"f(*a, *b, **c, **d)\n",
     "(expr (call f [(* a) (* b)] [(kw ** c) (kw ** d)]))"},
    {"f(a, *b, c)\n",
     "(expr (call f [a (* b) c] []))"},
    {"f(a=1, *b)\n",
     "(expr (call f [(* b)] [(kw a 1)]))"},
    {"x = a[1:2][::3]\n",
     "(= [x] (sub (sub a (slice 1 2 _)) (slice _ _ 3)))"},
    {"x = a.b.c(d).e[f]\n",
     "(= [x] (sub (. (call (. (. a b) c) [d] []) e) f))"},
    {"x = (yield)\n",
     "(= [x] (yield _))"},
    {"match = 1\ncase = 2\n_ = 3\n",
     "(= [match] 1) (= [case] 2) (= [_] 3)"},
    {"match(x)\n",
     "(expr (call match [x] []))"},
    {"match[x]\n",
     "(expr (sub match x))"},
    {"x = [i for i in range(10) if i % 2 if i > 3]\n",
     "(= [x] (listcomp i [(for i (call range [10] []) [(% i 2) (cmp i > 3)])]))"},
    {"x = {a: b for a in c for b in d}\n",
     "(= [x] (dictcomp a b [(for a c []) (for b d [])]))"},
    {"x = 1 if 2 else 3\n",
     "(= [x] (ifexp 2 1 3))"},
    {"x = lambda: (yield)\n",
     "(= [x] (lambda (args [] [] *_ [] [] **_) (yield _)))"},
    {"x = (a for b in c)\n",
     "(= [x] (genexp a [(for b c [])]))"},
    {"if x:\n    pass\n# comment\n    # indented comment\nelse:\n    pass\n",
     "(if x [pass] [pass])"},
    {"if x:\n\n    pass\n\n",
     "(if x [pass] [])"},
    {"x = 1 # comment\n",
     "(= [x] 1)"},
    {"x = 1 \\\n    + 2\n",
     "(= [x] (+ 1 2))"},
    {"if (a and\n        b):\n    pass\n",
     "(if (and [a b]) [pass] [])"},
    {"x = '''a\n    b'''\n",
     "(= [x] 'a\\x0a    b')"},
    {"class A:\n    def f(self):\n        if x:\n            return 1\n        elif y:\n            return 2\n    def g(self): pass\nx = 3\n\n",
     "(class A [] [] [(def f (args [self] [] *_ [] [] **_) [(if x [(return 1)] [(if y [(return 2)] [])])]) (def g (args [self] [] *_ [] [] **_) [pass])]) (= [x] 3)"},
};

static void test_trees_match_cpython(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++) check_tree(trees[i].src, trees[i].expected);
}

static void test_precedence_by_hand(void **state) {
  (void)state;
  /* the classic traps, spelled out once more */
  check_tree("-2**2\n", "(expr (neg (** 2 2)))");
  check_tree("2**-2**2\n", "(expr (** 2 (neg (** 2 2))))");
  check_tree("not a in b\n", "(expr (not (cmp a in b)))");
  check_tree("a or b and c\n", "(expr (or [a (and [b c])]))");
  check_tree("a - b - c\n", "(expr (- (- a b) c))");
  check_tree("a if b else c if d else e\n", "(expr (ifexp b a (ifexp d c e)))");
  check_tree("lambda: a if b else c\n", "(expr (lambda (args [] [] *_ [] [] **_) (ifexp b a c)))");
  check_tree("a | b ^ c & d << e + f * g ** h\n",
             "(expr (| a (^ b (& c (<< d (+ e (* f (** g h))))))))");
  check_tree("await a ** b\n", "(expr (** (await a) b))");
  check_tree("-await a\n", "(expr (neg (await a)))");
  check_tree("a < b == c is not d not in e\n", "(expr (cmp a < b == c is-not d not-in e))");
  check_tree("x = 1,\n", "(= [x] (tuple [1]))");
  check_tree("for x in 1, 2: pass\n", "(for x (tuple [1 2]) [pass] [])");
}

static void test_positions(void **state) {
  (void)state;
  capture cap;
  ast_tree *t = NULL;
  assert_int_equal(parse_len(S("x = (a +\n  b)\n\xc3\xa9 = '\xc3\xbc' + c\n"), NULL, &cap, &t), PARSE_OK);
  const ast_node *m = ast_tree_root(t);
  assert_int_equal(m->kind, AST_MODULE);
  const ast_node *a = m->u.module.body.items[0];
  assert_int_equal(a->kind, AST_ASSIGN);
  assert_int_equal(a->line, 1);
  assert_int_equal(a->col, 1);
  const ast_node *bin = a->u.assign.value;
  assert_int_equal(bin->kind, AST_BINOP);
  assert_int_equal(bin->line, 1);
  assert_int_equal(bin->col, 6);
  assert_int_equal(bin->end_line, 2);
  assert_int_equal(bin->end_col, 4);
  /* columns count characters, not bytes */
  const ast_node *b2 = m->u.module.body.items[1]->u.assign.value;
  assert_int_equal(b2->line, 3);
  assert_int_equal(b2->col, 5);
  assert_int_equal(b2->u.binop.left->kind, AST_STR);
  assert_int_equal(b2->u.binop.left->end_col, 8);
  assert_int_equal(b2->u.binop.right->col, 11);
  ast_tree_free(t);

  /* a decorated async def starts at "async"; f-string fields have their real place */
  assert_int_equal(parse_len(S("@d\nasync def f():\n    return f'{x} {yy!r}'\n"), NULL, &cap, &t),
                   PARSE_OK);
  const ast_node *f = ast_tree_root(t)->u.module.body.items[0];
  assert_int_equal(f->kind, AST_FUNCDEF);
  assert_int_equal(f->line, 2);
  assert_int_equal(f->col, 1);
  assert_true(f->u.funcdef.is_async);
  assert_int_equal(f->u.funcdef.decorators.items[0]->line, 1);
  assert_int_equal(f->u.funcdef.decorators.items[0]->col, 2);
  const ast_node *fs = f->u.funcdef.body.items[0]->u.return_.value;
  assert_int_equal(fs->kind, AST_FSTRING);
  assert_int_equal(fs->u.fstring.parts.count, 3);
  const ast_node *field = fs->u.fstring.parts.items[2];
  assert_int_equal(field->kind, AST_FORMATTED);
  assert_int_equal(field->u.formatted.conversion, 'r');
  assert_int_equal(field->u.formatted.value->line, 3);
  assert_int_equal(field->u.formatted.value->col, 19);
  ast_tree_free(t);
}

static void test_strings(void **state) {
  (void)state;
  capture cap;
  ast_tree *t = NULL;
  /* escapes, a NUL inside, adjacent literals joined, a line continuation inside */
  assert_int_equal(parse_len(S("x = 'a\\0b' \"\\x41\\u00e9\" '''c\\\nd'''\n"), NULL, &cap, &t),
                   PARSE_OK);
  const ast_node *s = ast_tree_root(t)->u.module.body.items[0]->u.assign.value;
  assert_int_equal(s->kind, AST_STR);
  assert_int_equal(s->u.str.len, 8);
  assert_memory_equal(s->u.str.data, "a\0bA\xc3\xa9" "cd", 9);
  ast_tree_free(t);
  /* \r\n line ends are newlines, inside strings too */
  assert_int_equal(parse_len(S("x = '''a\r\nb'''\r\ny = 2\r\n"), NULL, &cap, &t), PARSE_OK);
  s = ast_tree_root(t)->u.module.body.items[0]->u.assign.value;
  assert_string_equal(s->u.str.data, "a\nb");
  assert_int_equal(ast_tree_root(t)->u.module.body.items[1]->line, 3);
  ast_tree_free(t);
  /* f-string pieces: literal, field with spec holding a field, debug text */
  check_tree("f'a{b:>{w}}c{d=}'\n",
             "(expr (f ['a' (fmt b - (f ['>' (fmt w - _)])) 'cd=' (fmt d r _)]))");
  check_tree("f'{x!s:{{}}}'\n", "(expr (f [(fmt x s (f [(fmt (dict) - _)]))]))");
  check_tree("'a' f'{b}' 'c' f'd'\n", "(expr (f ['a' (fmt b - _) 'cd']))");
}

static void test_empty_and_blank_sources(void **state) {
  (void)state;
  static const char *const blanks[] = {"", "\n", "   ", "# only\n", "\n\n  # x\n\n", "\xef\xbb\xbf",
                                       "\t\n", "\\\n"};
  for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++) {
    capture cap;
    ast_tree *t = NULL;
    parse_result r = parse_len(blanks[i], strlen(blanks[i]), NULL, &cap, &t);
    if (i == 7) { /* a lone continuation line: CPython says "unexpected EOF while parsing" */
      assert_int_equal(r, PARSE_ERROR);
      assert_string_equal(cap.message, "unexpected EOF while parsing");
      continue;
    }
    assert_int_equal(r, PARSE_OK);
    assert_int_equal(ast_tree_root(t)->u.module.body.count, 0);
    ast_tree_free(t);
  }
  capture cap;
  ast_tree *t = NULL;
  assert_int_equal(parse_module("t.py", NULL, 0, NULL, on_diag, &cap, &t), PARSE_OK);
  ast_tree_free(t);
}

/* ------------------------------------------------------------------------------------------ */
/* errors, with CPython 3.11's message and position (each checked against python3) */

typedef struct error_case {
  const char *src;  /* source */
  size_t len;       /* its length */
  diag_kind kind;   /* expected class */
  const char *msg;  /* expected message */
  int line;         /* expected line */
  int col;          /* expected column */
} error_case;

static const error_case errors[] = {
    {S("f() = 1\n"), DIAG_SYNTAX, "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("1 = x\n"), DIAG_SYNTAX, "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("a + b = c\n"), DIAG_SYNTAX, "cannot assign to expression here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("(a, f()) = 1\n"), DIAG_SYNTAX, "cannot assign to function call", 1, 5},
    {S("[a, 1] = x\n"), DIAG_SYNTAX, "cannot assign to literal", 1, 5},
    {S("a = f() = 1\n"), DIAG_SYNTAX, "cannot assign to function call", 1, 5},
    {S("x, y + 1 = 1\n"), DIAG_SYNTAX, "cannot assign to expression here. Maybe you meant '==' instead of '='?", 1, 4},
    {S("f(), g() = 1\n"), DIAG_SYNTAX, "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 6},
    {S("a = 1 = 2\n"), DIAG_SYNTAX, "cannot assign to literal", 1, 5},
    {S("None = 1\n"), DIAG_SYNTAX, "cannot assign to None", 1, 1},
    {S("True = 1\n"), DIAG_SYNTAX, "cannot assign to True", 1, 1},
    {S("... = 1\n"), DIAG_SYNTAX, "cannot assign to ellipsis here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("f\"{x}\" = 1\n"), DIAG_SYNTAX, "cannot assign to f-string expression here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("\"s\" = 1\n"), DIAG_SYNTAX, "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("f() += 1\n"), DIAG_SYNTAX, "'function call' is an illegal expression for augmented assignment", 1, 1},
    {S("1 += 1\n"), DIAG_SYNTAX, "'literal' is an illegal expression for augmented assignment", 1, 1},
    {S("(a, b) += 1\n"), DIAG_SYNTAX, "'tuple' is an illegal expression for augmented assignment", 1, 1},
    {S("a + 1 += 1\n"), DIAG_SYNTAX, "'expression' is an illegal expression for augmented assignment", 1, 1},
    {S("del f()\n"), DIAG_SYNTAX, "cannot delete function call", 1, 5},
    {S("del 1\n"), DIAG_SYNTAX, "cannot delete literal", 1, 5},
    {S("del (a, 1)\n"), DIAG_SYNTAX, "cannot delete literal", 1, 9},
    {S("del a + b\n"), DIAG_SYNTAX, "cannot delete expression", 1, 5},
    {S("for f() in x: pass\n"), DIAG_SYNTAX, "cannot assign to function call", 1, 5},
    {S("for 1 in x: pass\n"), DIAG_SYNTAX, "cannot assign to literal", 1, 5},
    {S("with a as f(): pass\n"), DIAG_SYNTAX, "cannot assign to function call", 1, 11},
    {S("[x for f() in y]\n"), DIAG_SYNTAX, "cannot assign to function call", 1, 8},
    {S("*a = 1\n"), DIAG_SYNTAX, "starred assignment target must be in a list or tuple", 1, 1},
    {S("a = *b\n"), DIAG_SYNTAX, "can't use starred expression here", 1, 5},
    {S("(*a) = 1\n"), DIAG_SYNTAX, "cannot use starred expression here", 1, 2},
    {S("(a, b): int = 1\n"), DIAG_SYNTAX, "only single target (not tuple) can be annotated", 1, 1},
    {S("[a, b]: int = 1\n"), DIAG_SYNTAX, "only single target (not list) can be annotated", 1, 1},
    {S("f(): int = 1\n"), DIAG_SYNTAX, "illegal target for annotation", 1, 1},
    {S("x = yield = 1\n"), DIAG_SYNTAX, "assignment to yield expression not possible", 1, 5},
    {S("lambda: 1 = 1\n"), DIAG_SYNTAX, "cannot assign to lambda", 1, 1},
    {S("a if b else c = 1\n"), DIAG_SYNTAX, "cannot assign to conditional expression", 1, 1},
    {S("a < b = 1\n"), DIAG_SYNTAX, "cannot assign to comparison", 1, 1},
    {S("not a = 1\n"), DIAG_SYNTAX, "cannot assign to expression", 1, 1},
    {S("-a = 1\n"), DIAG_SYNTAX, "cannot assign to expression here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("{} = 1\n"), DIAG_SYNTAX, "cannot assign to dict literal here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("{1} = 1\n"), DIAG_SYNTAX, "cannot assign to set display here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("[x for x in y] = 1\n"), DIAG_SYNTAX, "cannot assign to list comprehension here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("(x for x in y) = 1\n"), DIAG_SYNTAX, "cannot assign to generator expression", 1, 1},
    {S("await x = 1\n"), DIAG_SYNTAX, "cannot assign to await expression here. Maybe you meant '==' instead of '='?", 1, 1},
    {S("(yield) = 1\n"), DIAG_SYNTAX, "cannot assign to yield expression here. Maybe you meant '==' instead of '='?", 1, 2},
    {S("f(a.b=1)\n"), DIAG_SYNTAX, "expression cannot contain assignment, perhaps you meant \"==\"?", 1, 3},
    {S("f(True=1)\n"), DIAG_SYNTAX, "cannot assign to True", 1, 3},
    {S("f(x for x in y, 1)\n"), DIAG_SYNTAX, "Generator expression must be parenthesized", 1, 3},
    {S("f(**a, *b)\n"), DIAG_SYNTAX, "iterable argument unpacking follows keyword argument unpacking", 1, 8},
    {S("f(**a, b)\n"), DIAG_SYNTAX, "positional argument follows keyword argument unpacking", 1, 9},
    {S("f(a=1, b)\n"), DIAG_SYNTAX, "positional argument follows keyword argument", 1, 9},
    {S("def f(a=1, b): pass\n"), DIAG_SYNTAX, "non-default argument follows default argument", 1, 12},
    {S("def f(*): pass\n"), DIAG_SYNTAX, "named arguments must follow bare *", 1, 7},
    {S("def f(*, **k): pass\n"), DIAG_SYNTAX, "named arguments must follow bare *", 1, 7},
    {S("def f(**k, a): pass\n"), DIAG_SYNTAX, "arguments cannot follow var-keyword argument", 1, 12},
    {S("def f(*a, *b): pass\n"), DIAG_SYNTAX, "* argument may appear only once", 1, 11},
    {S("def f(*a=1): pass\n"), DIAG_SYNTAX, "var-positional argument cannot have default value", 1, 9},
    {S("def f(**a=1): pass\n"), DIAG_SYNTAX, "var-keyword argument cannot have default value", 1, 10},
    {S("lambda a=1, b: 1\n"), DIAG_SYNTAX, "non-default argument follows default argument", 1, 13},
    {S("x = 1 if 2\n"), DIAG_SYNTAX, "expected 'else' after 'if' expression", 1, 5},
    {S("x = a b\n"), DIAG_SYNTAX, "invalid syntax", 1, 7},
    {S("f(a b)\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 3},
    {S("[a b]\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 2},
    {S("{a b}\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 2},
    {S("x = (a b)\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 6},
    {S("x = [1, 2 3]\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 9},
    {S("a.1\n"), DIAG_SYNTAX, "invalid syntax", 1, 2},
    {S("import a.b as\n"), DIAG_SYNTAX, "invalid syntax", 1, 14},
    {S("from . import\n"), DIAG_SYNTAX, "invalid syntax", 1, 14},
    {S("from x import *, a\n"), DIAG_SYNTAX, "invalid syntax", 1, 16},
    {S("from x import (*)\n"), DIAG_SYNTAX, "invalid syntax", 1, 16},
    {S("from x import a,\n"), DIAG_SYNTAX, "trailing comma not allowed without surrounding parentheses", 1, 17},
    {S("import\n"), DIAG_SYNTAX, "invalid syntax", 1, 7},
    {S("global\n"), DIAG_SYNTAX, "invalid syntax", 1, 7},
    {S("del\n"), DIAG_SYNTAX, "invalid syntax", 1, 4},
    {S("assert\n"), DIAG_SYNTAX, "invalid syntax", 1, 7},
    {S("x = [\n"), DIAG_SYNTAX, "'[' was never closed", 1, 5},
    {S("x = 1 2\n"), DIAG_SYNTAX, "invalid syntax", 1, 7},
    {S("if x = 1: pass\n"), DIAG_SYNTAX, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 4},
    {S("if f() = 1: pass\n"), DIAG_SYNTAX, "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 4},
    {S("a[x=1]\n"), DIAG_SYNTAX, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 3},
    {S("[x = 1]\n"), DIAG_SYNTAX, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 2},
    {S("def f: pass\n"), DIAG_SYNTAX, "expected '('", 1, 6},
    {S("def f(a b): pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 9},
    {S("class A(: pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 9},
    {S("except E: pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 1},
    {S("try:\n  pass\nexcept E, F:\n  pass\n"), DIAG_SYNTAX, "multiple exception types must be parenthesized", 3, 8},
    {S("x = (1 for x in y) = 2\n"), DIAG_SYNTAX, "cannot assign to generator expression", 1, 5},
    {S("[*a for a in b]\n"), DIAG_SYNTAX, "iterable unpacking cannot be used in comprehension", 1, 2},
    {S("{**a for a in b}\n"), DIAG_SYNTAX, "dict unpacking cannot be used in dict comprehension", 1, 2},
    {S("{**a: 1}\n"), DIAG_SYNTAX, "invalid syntax", 1, 5},
    {S("x := 1\n"), DIAG_SYNTAX, "invalid syntax", 1, 3},
    {S("x = 1 +* 2\n"), DIAG_SYNTAX, "invalid syntax", 1, 8},
    {S("elif x: pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 1},
    {S("else: pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 1},
    {S("async x = 1\n"), DIAG_SYNTAX, "invalid syntax", 1, 7},
    {S("@dec\nx = 1\n"), DIAG_SYNTAX, "invalid syntax", 2, 1},
    {S("del *a\n"), DIAG_SYNTAX, "cannot delete starred", 1, 5},
    {S("x = *a\n"), DIAG_SYNTAX, "can't use starred expression here", 1, 5},
    {S("f(*)\n"), DIAG_SYNTAX, "invalid syntax", 1, 4},
    {S("f(**)\n"), DIAG_SYNTAX, "invalid syntax", 1, 5},
    {S("f(,)\n"), DIAG_SYNTAX, "invalid syntax", 1, 3},
    {S("f(a,,b)\n"), DIAG_SYNTAX, "invalid syntax", 1, 5},
    {S("a[]\n"), DIAG_SYNTAX, "invalid syntax", 1, 3},
    {S("x = not\n"), DIAG_SYNTAX, "invalid syntax", 1, 8},
    {S("if True:\n  x = 1\n   y = 2\n"), DIAG_INDENTATION, "unexpected indent", 3, 3},
    {S("x = \"a\" b\"x\"\n"), DIAG_SYNTAX, "cannot mix bytes and nonbytes literals", 1, 13},
    {S("if x\n    pass\n"), DIAG_SYNTAX, "expected ':'", 1, 5},
    {S("while x\n    pass\n"), DIAG_SYNTAX, "expected ':'", 1, 8},
    {S("for x in y\n    pass\n"), DIAG_SYNTAX, "expected ':'", 1, 11},
    {S("def f()\n    pass\n"), DIAG_SYNTAX, "expected ':'", 1, 8},
    {S("class A\n    pass\n"), DIAG_SYNTAX, "expected ':'", 1, 8},
    {S("try\n    pass\n"), DIAG_SYNTAX, "expected ':'", 1, 4},
    {S("with a\n    pass\n"), DIAG_SYNTAX, "expected ':'", 1, 7},
    {S("if x:\n    pass\nelse\n    pass\n"), DIAG_SYNTAX, "expected ':'", 3, 5},
    {S("if x:\n    pass\nelif y\n    pass\n"), DIAG_SYNTAX, "expected ':'", 3, 7},
    {S("try:\n    pass\nexcept\n    pass\n"), DIAG_SYNTAX, "expected ':'", 3, 7},
    {S("try:\n    pass\nexcept E\n    pass\n"), DIAG_SYNTAX, "expected ':'", 3, 9},
    {S("try:\n    pass\nfinally\n    pass\n"), DIAG_SYNTAX, "expected ':'", 3, 8},
    {S("async def f():\npass\n"), DIAG_INDENTATION, "expected an indented block after function definition on line 1", 2, 1},
    {S("async def f():\n    async for x in y:\n    pass\n"), DIAG_INDENTATION, "expected an indented block after 'for' statement on line 2", 3, 5},
    {S("async def f():\n    async with x:\n    pass\n"), DIAG_INDENTATION, "expected an indented block after 'with' statement on line 2", 3, 5},
    {S("while x:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'while' statement on line 1", 2, 1},
    {S("for x in y:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'for' statement on line 1", 2, 1},
    {S("def f():\npass\n"), DIAG_INDENTATION, "expected an indented block after function definition on line 1", 2, 1},
    {S("class A:\npass\n"), DIAG_INDENTATION, "expected an indented block after class definition on line 1", 2, 1},
    {S("try:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'try' statement on line 1", 2, 1},
    {S("with a:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'with' statement on line 1", 2, 1},
    {S("if x:\n    pass\nelse:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'else' statement on line 3", 4, 1},
    {S("if x:\n    pass\nelif y:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'elif' statement on line 3", 4, 1},
    {S("try:\n    pass\nexcept:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'except' statement on line 3", 4, 1},
    {S("try:\n    pass\nfinally:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'finally' statement on line 3", 4, 1},
    {S("for x in y:\n    pass\nelse:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'else' statement on line 3", 4, 1},
    {S("try:\n    pass\nexcept E:\n    pass\nelse:\npass\n"), DIAG_INDENTATION, "expected an indented block after 'else' statement on line 5", 6, 1},
    {S("try:\n    pass\nx = 1\n"), DIAG_SYNTAX, "expected 'except' or 'finally' block", 3, 1},
    {S("try:\n    pass\n"), DIAG_SYNTAX, "expected 'except' or 'finally' block", 2, 1},
    {S("x = \"\"\"abc"), DIAG_SYNTAX, "unterminated triple-quoted string literal (detected at line 1)", 1, 5},
    {S("x = \"\"\"abc\n\n"), DIAG_SYNTAX, "unterminated triple-quoted string literal (detected at line 2)", 1, 5},
    {S("x = \"abc"), DIAG_SYNTAX, "unterminated string literal (detected at line 1)", 1, 5},
    {S("x = (1,\n 2"), DIAG_SYNTAX, "'(' was never closed", 1, 5},
    {S("x = 1 +"), DIAG_SYNTAX, "invalid syntax", 1, 8},
    {S("x = 1 + # c\n"), DIAG_SYNTAX, "invalid syntax", 1, 9},
    {S("x = 1 + \\\n"), DIAG_SYNTAX, "unexpected EOF while parsing", 1, 10},
    {S("x = 1 + \\"), DIAG_SYNTAX, "unexpected EOF while parsing", 1, 10},
    {S("if x:\n"), DIAG_INDENTATION, "expected an indented block after 'if' statement on line 1", 1, 1},
    {S("if x:"), DIAG_INDENTATION, "expected an indented block after 'if' statement on line 1", 1, 1},
    {S("if x:\n# c\n"), DIAG_INDENTATION, "expected an indented block after 'if' statement on line 1", 2, 1},
    {S("def f():\n  x\n y\n"), DIAG_INDENTATION, "unindent does not match any outer indentation level", 3, 3},
    {S("x\n  y\n"), DIAG_INDENTATION, "unexpected indent", 2, 2},
    {S("x = $\n"), DIAG_SYNTAX, "invalid syntax", 1, 5},
    {S("x = ?\n"), DIAG_SYNTAX, "invalid syntax", 1, 5},
    {S("x = !a\n"), DIAG_SYNTAX, "invalid syntax", 1, 5},
    {S("x = \342\202\254\n"), DIAG_SYNTAX, "invalid character '\342\202\254' (U+20AC)", 1, 5},
    {S("x = 1a\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 5},
    {S("x = 0x\n"), DIAG_SYNTAX, "invalid hexadecimal literal", 1, 6},
    {S("x = 1_\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 6},
    {S("x = 1__0\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 6},
    {S("x = 09\n"), DIAG_SYNTAX, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1, 5},
    {S("x = 1e\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 5},
    {S("x = 0b2\n"), DIAG_SYNTAX, "invalid digit '2' in binary literal", 1, 7},
    {S("x = 0o8\n"), DIAG_SYNTAX, "invalid digit '8' in octal literal", 1, 7},
    {S("x = 0x1for\n"), DIAG_SYNTAX, "invalid syntax", 1, 11},
    {S("x = 1.2.3\n"), DIAG_SYNTAX, "invalid syntax", 1, 8},
    {S("x = 0o\n"), DIAG_SYNTAX, "invalid octal literal", 1, 6},
    {S("x = 0b\n"), DIAG_SYNTAX, "invalid binary literal", 1, 6},
    {S("x = 0x_\n"), DIAG_SYNTAX, "invalid hexadecimal literal", 1, 7},
    {S("x = 0_\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 6},
    {S("x = 1e+\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 7},
    {S("x = 1.5_\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 8},
    {S("x = 1._5\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 6},
    {S("x = 1e5_\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 8},
    {S("x = 0xg\n"), DIAG_SYNTAX, "invalid hexadecimal literal", 1, 6},
    {S("x = 0x1g\n"), DIAG_SYNTAX, "invalid hexadecimal literal", 1, 7},
    {S("x = 0o19\n"), DIAG_SYNTAX, "invalid digit '9' in octal literal", 1, 8},
    {S("x = 0b1_2\n"), DIAG_SYNTAX, "invalid digit '2' in binary literal", 1, 9},
    {S("x = 5_j\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 6},
    {S("x = 1.5e\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 7},
    {S("x = 0e\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 5},
    {S("x = 1__\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 6},
    {S("x = 0o7a\n"), DIAG_SYNTAX, "invalid octal literal", 1, 7},
    {S("x = 1jx\n"), DIAG_SYNTAX, "invalid imaginary literal", 1, 6},
    {S("x = 1.0x\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 7},
    {S("x = 1_000x\n"), DIAG_SYNTAX, "invalid decimal literal", 1, 9},
    {S("x = 09x\n"), DIAG_SYNTAX, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1, 5},
    {S("x = 0ox\n"), DIAG_SYNTAX, "invalid octal literal", 1, 6},
    {S("\tif x:\n"), DIAG_INDENTATION, "unexpected indent", 1, 1},
    {S("if x:\n        y\n\tz\n"), DIAG_TAB, "inconsistent use of tabs and spaces in indentation", 3, 1},
    {S("if x:\n\ty\n        z\n"), DIAG_TAB, "inconsistent use of tabs and spaces in indentation", 3, 1},
    {S("if x:\n    y\n\tz\n"), DIAG_TAB, "inconsistent use of tabs and spaces in indentation", 3, 1},
    {S("x = (\"a\"\n   $)\n"), DIAG_SYNTAX, "invalid syntax", 2, 4},
    {S("x = f\"{}\"\n"), DIAG_SYNTAX, "f-string: empty expression not allowed", 1, 10},
    {S("x = f\"{a!x}\"\n"), DIAG_SYNTAX, "f-string: invalid conversion character: expected 's', 'r', or 'a'", 1, 13},
    {S("x = f\"{a\"\n"), DIAG_SYNTAX, "f-string: expecting '}'", 1, 10},
    {S("x = f\"}\"\n"), DIAG_SYNTAX, "f-string: single '}' is not allowed", 1, 9},
    {S("x = f\"{a:{b:{c}}}\"\n"), DIAG_SYNTAX, "f-string: expressions nested too deeply", 1, 19},
    {S("x = f\"{a#}\"\n"), DIAG_SYNTAX, "f-string expression part cannot include '#'", 1, 12},
    {S("x = f\"{a\\n}\"\n"), DIAG_SYNTAX, "f-string expression part cannot include a backslash", 1, 13},
    {S("x = f\"{)}\"\n"), DIAG_SYNTAX, "f-string: unmatched ')'", 1, 11},
    {S("x = f\"{(}\"\n"), DIAG_SYNTAX, "f-string: closing parenthesis '}' does not match opening parenthesis '('", 1, 11},
    {S("x = f\"{a!}\"\n"), DIAG_SYNTAX, "f-string: invalid conversion character: expected 's', 'r', or 'a'", 1, 12},
    {S("x = f\"{a!r }\"\n"), DIAG_SYNTAX, "f-string: expecting '}'", 1, 14},
    {S("x = \"\\x4\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape", 1, 10},
    {S("x = \"ab\\x4\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 2-4: truncated \\xXX escape", 1, 12},
    {S("x = \"\\xg1\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-1: truncated \\xXX escape", 1, 11},
    {S("x = \"\\x\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-1: truncated \\xXX escape", 1, 9},
    {S("x = \"\\u12\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-3: truncated \\uXXXX escape", 1, 11},
    {S("x = \"\\U0011ffff\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-9: illegal Unicode character", 1, 17},
    {S("x = \"\\N{BULLET\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-8: malformed \\N character escape", 1, 16},
    {S("x = 1; y = \"\\x4\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape", 1, 17},
    {S("x = f\"\\x4{a}\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape", 1, 14},
    {S("x = f\"{a}\\x4\"\n"), DIAG_SYNTAX, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape", 1, 14},
    {S("x = f\"{ }\"\n"), DIAG_SYNTAX, "f-string: empty expression not allowed", 1, 11},
    {S("x = f\"{a!r=}\"\n"), DIAG_SYNTAX, "f-string: expecting '}'", 1, 14},
    {S("x = f\"{a}}\"\n"), DIAG_SYNTAX, "f-string: single '}' is not allowed", 1, 12},
    {S("x = f\"{a:x}}\"\n"), DIAG_SYNTAX, "f-string: single '}' is not allowed", 1, 14},
    {S("x = f\"{a}\" f\"{b\"\n"), DIAG_SYNTAX, "f-string: expecting '}'", 1, 17},
    {S("x = f\"{(a,}\"\n"), DIAG_SYNTAX, "f-string: closing parenthesis '}' does not match opening parenthesis '('", 1, 13},
    {S("x = f\"{a[}\"\n"), DIAG_SYNTAX, "f-string: closing parenthesis '}' does not match opening parenthesis '['", 1, 12},
    {S("x = (1, 2]\n"), DIAG_SYNTAX, "closing parenthesis ']' does not match opening parenthesis '('", 1, 10},
    {S("x = (1,\n"), DIAG_SYNTAX, "'(' was never closed", 1, 5},
    {S("2]\n"), DIAG_SYNTAX, "unmatched ']'", 1, 2},
    {S("x = )\n"), DIAG_SYNTAX, "unmatched ')'", 1, 5},
    {S("x = }\n"), DIAG_SYNTAX, "unmatched '}'", 1, 5},
    {S("x = [1, 2\n"), DIAG_SYNTAX, "'[' was never closed", 1, 5},
    {S("x = [1, 2\ny = 3 +\n"), DIAG_SYNTAX, "'[' was never closed", 1, 5},
    {S("x = (1 +\ny = 3\nz = (4\n"), DIAG_SYNTAX, "cannot assign to expression here. Maybe you meant '==' instead of '='?", 1, 6},
    {S("def f(:\n"), DIAG_SYNTAX, "invalid syntax", 1, 7},
    {S("print \"x\"\n"), DIAG_SYNTAX, "Missing parentheses in call to 'print'. Did you mean print(...)?", 1, 1},
    {S("x = 1\ny = \"a\000b\"\n"), DIAG_SYNTAX, "source code cannot contain null bytes", 2, 1},
    {S("x = 1 +\ny = 1\nz = \"abc\n"), DIAG_SYNTAX, "unterminated string literal (detected at line 3)", 3, 5},
    {S("x = 1 +\ny = (1\nz = 2\n"), DIAG_SYNTAX, "invalid syntax", 1, 8},
    {S("x = (1 +\ny = 1 +\nz = 2 +\n"), DIAG_SYNTAX, "'(' was never closed", 1, 5},
    {S("x = 1 +\ny = 1\n  z = 3\n"), DIAG_SYNTAX, "invalid syntax", 1, 8},
    {S("x = 1 +\ny = 1\nz = 3 \\ 4\n"), DIAG_SYNTAX, "invalid syntax", 1, 8},
    {S("x = \001\n"), DIAG_SYNTAX, "invalid non-printable character U+0001", 1, 5},
    {S("x = 1\015\ny = (\015\n"), DIAG_SYNTAX, "'(' was never closed", 2, 5},
    {S("x = 1\015y = 2 +\015"), DIAG_SYNTAX, "invalid syntax", 2, 8},
    {S("x = [1, 2\ny = 3====\na, b = 1, 2 = 3\n"), DIAG_SYNTAX, "'[' was never closed", 1, 5},
    {S("a, b = 1 = 2\n"), DIAG_SYNTAX, "cannot assign to literal", 1, 8},
    {S("f(), b = c = 1\n"), DIAG_SYNTAX, "cannot assign to function call", 1, 1},
    {S("f(), c = d\n"), DIAG_SYNTAX, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 6},
    {S("a, f() = 1\n"), DIAG_SYNTAX, "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 4},
    {S("def f((a, b)): pass\n"), DIAG_SYNTAX, "Function parameters cannot be parenthesized", 1, 7},
    {S("lambda (a): 1\n"), DIAG_SYNTAX, "Lambda expression parameters cannot be parenthesized", 1, 8},
    {S("x = f\"{:x}\"\n"), DIAG_SYNTAX, "f-string: expression required before ':'", 1, 12},
    {S("x = f\"{!r}\"\n"), DIAG_SYNTAX, "f-string: expression required before '!'", 1, 12},
    {S("x = f\"{=}\"\n"), DIAG_SYNTAX, "f-string: expression required before '='", 1, 11},
    {S("f(x for x in y,)\n"), DIAG_SYNTAX, "Generator expression must be parenthesized", 1, 3},
    {S("f(1, x for x in y)\n"), DIAG_SYNTAX, "Generator expression must be parenthesized", 1, 6},
    {S("[x for x y in z]\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 8},
    {S("f(a b=1)\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 3},
    {S("x = {1: 2 3: 4}\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 9},
    {S("x = {1: 2, 3 4}\n"), DIAG_SYNTAX, "':' expected after dictionary key", 1, 12},
    {S("for lambda: x if y else z: pass\n"), DIAG_SYNTAX, "cannot assign to lambda", 1, 5},
    {S("del -a\n"), DIAG_SYNTAX, "cannot delete expression", 1, 5},
    {S("-2*="), DIAG_SYNTAX, "invalid syntax", 1, 3},
    {S("lambda *a, *: 0\n"), DIAG_SYNTAX, "invalid syntax", 1, 12},
    {S("lambda *@a, **k: 0\n"), DIAG_SYNTAX, "invalid syntax", 1, 9},
    {S("if x:\n  pass\nelse pass\n"), DIAG_SYNTAX, "expected ':'", 3, 6},
    {S("try pass\n"), DIAG_SYNTAX, "expected ':'", 1, 5},
    {S("def f() pass\n"), DIAG_SYNTAX, "expected ':'", 1, 9},
    {S("def f() -> int pass\n"), DIAG_SYNTAX, "expected ':'", 1, 16},
    {S("class A pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 9},
    {S(" x \"\"\"= a\n"), DIAG_INDENTATION, "unexpected indent", 1, 1},
    {S("  x }= - - a\n"), DIAG_INDENTATION, "unexpected indent", 1, 2},
    {S("(1, 2not )\n"), DIAG_SYNTAX, "invalid syntax", 1, 10},
    {S("x = ot not a\n"), DIAG_SYNTAX, "invalid syntax", 1, 12},
    {S("wh (a, b): pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 10},
    {S("a, b: = b, a\n"), DIAG_SYNTAX, "invalid syntax", 1, 5},
    {S("print(*arg sep='', end='')\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 8},
    {S("x = [1, 2 3]\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 9},
    {S("f(a, b c)\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 6},
    {S("x = [1,\n  2\ny = 3\n"), DIAG_SYNTAX, "'[' was never closed", 1, 5},
    {S("x = [1,\n  2\ny = 3\nz = (\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 2, 3},
    {S("(x for x i)\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 8},
    {S("f(*a, **b, *c)\n"), DIAG_SYNTAX, "iterable argument unpacking follows keyword argument unpacking", 1, 12},
    {S("x = (1 2\n"), DIAG_SYNTAX, "'(' was never closed", 1, 5},
    {S("async with a pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 14},
    {S("with a as b pass\n"), DIAG_SYNTAX, "invalid syntax", 1, 13},
    {S("x = \"a\" b\"x\"\n"), DIAG_SYNTAX, "cannot mix bytes and nonbytes literals", 1, 13},
    {S("if x = 1: pass\n"), DIAG_SYNTAX, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 4},
    {S("while f() = 1: pass\n"), DIAG_SYNTAX, "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 7},
    {S("x = [a for a in b c]\n"), DIAG_SYNTAX, "invalid syntax", 1, 19},
    {S("match 1\n"), DIAG_SYNTAX, "expected ':'", 1, 8},
    {S("match[]\n"), DIAG_SYNTAX, "expected ':'", 1, 8},
    {S("lambda x, w=, **k: x\n"), DIAG_SYNTAX, "expected default value expression", 1, 12},
    {S("def f(a=): pass\n"), DIAG_SYNTAX, "expected default value expression", 1, 8},
    {S("for a, not b in c: pass\n"), DIAG_SYNTAX, "cannot assign to expression", 1, 8},
    {S("f() := 1\n"), DIAG_SYNTAX, "cannot use assignment expressions with function call", 1, 1},
    {S("x := 1\n"), DIAG_SYNTAX, "invalid syntax", 1, 3},
    {S("if f() := 1: pass\n"), DIAG_SYNTAX, "cannot use assignment expressions with function call", 1, 4},
    {S("(a.b := 1)\n\n"), DIAG_SYNTAX, "cannot use assignment expressions with attribute", 1, 2},
    /* more by hand (also checked against python3) */
    {S("x = 1\ny = \"\xff\"\n"), DIAG_SYNTAX,
     "Non-UTF-8 code starting with '\\xff' in file t.py on line 2, but no encoding declared; see "
     "https://peps.python.org/pep-0263/ for details",
     2, 6},
    {S("x = \"\xc3\x28\"\n"), DIAG_SYNTAX,
     "Non-UTF-8 code starting with '\\xc3' in file t.py on line 1, but no encoding declared; see "
     "https://peps.python.org/pep-0263/ for details",
     1, 6},
    {S("if x:\n    pass\n  else:\n    pass\n"), DIAG_INDENTATION,
     "unindent does not match any outer indentation level", 3, 8},
    {S("if x:\n\tif y:\n        pass\n"), DIAG_TAB, "inconsistent use of tabs and spaces in indentation",
     3, 1},
    {S("x = (1,\n     2]\n"), DIAG_SYNTAX,
     "closing parenthesis ']' does not match opening parenthesis '(' on line 1", 2, 7},
    {S("x = (1, 2]\n"), DIAG_SYNTAX, "closing parenthesis ']' does not match opening parenthesis '('",
     1, 10},
    {S("x = )\n"), DIAG_SYNTAX, "unmatched ')'", 1, 5},
    {S("def f():\n    x = '''abc\n\n"), DIAG_SYNTAX,
     "unterminated triple-quoted string literal (detected at line 3)", 2, 9},
    /* a bracket left open on an earlier line than the error wins, a later one does not */
    {S("x = [1,\n  2\ny = 3\n"), DIAG_SYNTAX, "'[' was never closed", 1, 5},
    {S("x = [1,\n  2\ny = 3\nz = (\n"), DIAG_SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 2,
     3},
};

static void test_errors_like_cpython(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    const error_case *e = &errors[i];
    check_error(e->src, e->len, e->kind, e->msg, e->line, e->col);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* valid Python that loopviz refuses */

static const error_case unsupported[] = {
    {S("match x:\n    case 1:\n        pass\ny = 2\n"), DIAG_UNSUPPORTED,
     "match statements are not supported in scenarios", 1, 1},
    {S("x = (y := 1)\n"), DIAG_UNSUPPORTED, "the walrus operator (:=) is not supported in scenarios", 1,
     8},
    {S("def g():\n    yield from x\n"), DIAG_UNSUPPORTED, "yield from is not supported in scenarios", 2,
     5},
    {S("try:\n    pass\nexcept* E:\n    pass\n"), DIAG_UNSUPPORTED,
     "except* is not supported in scenarios", 3, 1},
    {S("x = b'abc'\n"), DIAG_UNSUPPORTED, "bytes literals are not supported in scenarios", 1, 5},
    {S("x = 1 + 2j\n"), DIAG_UNSUPPORTED,
     "complex numbers (imaginary literals) are not supported in scenarios", 1, 9},
    {S("def f(a, /, b): pass\n"), DIAG_UNSUPPORTED,
     "positional-only parameters (/) are not supported in scenarios", 1, 10},
    {S("x = '\\N{BULLET}'\n"), DIAG_UNSUPPORTED, "\\N{...} escapes are not supported in scenarios", 1,
     5},
    {S("def f(): ...\n"), DIAG_UNSUPPORTED, "the Ellipsis literal (...) is not supported in scenarios",
     1, 10},
    {S("x = 9223372036854775808\n"), DIAG_UNSUPPORTED,
     "integers beyond 64 bits are not supported in scenarios", 1, 5},
    {S("x = '\\ud800'\n"), DIAG_UNSUPPORTED,
     "surrogate characters (\\uD800) are not supported in scenarios", 1, 5},
    /* the first one in the file is named */
    {S("x = 1j\ny = b''\n"), DIAG_UNSUPPORTED,
     "complex numbers (imaginary literals) are not supported in scenarios", 1, 5},
    /* a syntax error anywhere wins, as CPython would report it */
    {S("match x:\n    case 1:\n        pass\nx = (\n"), DIAG_SYNTAX, "'(' was never closed", 4, 5},
    {S("x = 1j\ny = 1 +\n"), DIAG_SYNTAX, "invalid syntax", 2, 8},
    /* errors CPython's compiler finds after parsing */
    {S("*a = 1\n"), DIAG_SYNTAX, "starred assignment target must be in a list or tuple", 1, 1},
    {S("x = *a\n"), DIAG_SYNTAX, "can't use starred expression here", 1, 5},
};

static void test_unsupported_constructs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
    const error_case *e = &unsupported[i];
    check_error(e->src, e->len, e->kind, e->msg, e->line, e->col);
  }
  /* the soft keywords stay usable as names */
  check_tree("match = case = _ = 1\nmatch(x)\n",
             "(= [match case _] 1) (expr (call match [x] []))");
}

/* ------------------------------------------------------------------------------------------ */
/* limits */

static char *repeat(const char *prefix, const char *unit, int n, const char *suffix) {
  size_t len = strlen(prefix) + strlen(unit) * (size_t)n + strlen(suffix) + 1;
  char *s = malloc(len);
  assert_non_null(s);
  strcpy(s, prefix);
  for (int i = 0; i < n; i++) strcat(s, unit);
  strcat(s, suffix);
  return s;
}

static void expect_limit(const char *src, const parse_config *cfg, const char *msg_start) {
  capture cap;
  ast_tree *t = NULL;
  parse_result r = parse_len(src, strlen(src), cfg, &cap, &t);
  assert_int_equal(r, PARSE_ERROR);
  assert_int_equal(cap.kind, DIAG_LIMIT);
  if (strncmp(cap.message, msg_start, strlen(msg_start)) != 0) {
    print_error("expected a message starting with \"%s\", got \"%s\"\n", msg_start, cap.message);
    fail();
  }
}

static void expect_ok(const char *src, const parse_config *cfg) {
  capture cap;
  ast_tree *t = NULL;
  parse_result r = parse_len(src, strlen(src), cfg, &cap, &t);
  if (r != PARSE_OK) {
    print_error("unexpected error: %s\n", cap.message);
    fail();
  }
  ast_tree_free(t);
}

static void test_limits(void **state) {
  (void)state;
  /* brackets: 200 like CPython, the 201st is "too many nested parentheses" at its place */
  char *s = repeat("x = ", "(", 200, "");
  char *s2 = repeat(s, "", 0, "1");
  char *ok = repeat(s2, ")", 200, "\n");
  expect_ok(ok, NULL);
  free(s);
  free(s2);
  free(ok);
  s = repeat("x = ", "[", 201, "1");
  s2 = repeat(s, "]", 201, "\n");
  check_error(s2, strlen(s2), DIAG_LIMIT, "too many nested parentheses", 1, 205);
  free(s);
  free(s2);
  /* other nesting: unary, not, **, lambda, conditional expressions, f-string fields */
  static const char *const units[] = {"-", "not ", "2**", "lambda: ", "1 if 2 else ", "~+"};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    s = repeat("x = ", units[i], 600, "1\n");
    expect_limit(s, NULL, "too many nested expressions (the limit is 200 levels, --max-nesting)");
    free(s);
    s = repeat("x = ", units[i], 50, "1\n");
    expect_ok(s, NULL);
    free(s);
  }
  /* a smaller configured limit */
  parse_config cfg;
  parse_config_init(&cfg);
  assert_int_equal(cfg.max_nesting, 200);
  assert_int_equal(cfg.max_source, 1024 * 1024);
  assert_int_equal(cfg.max_line_length, 10000);
  cfg.max_nesting = 10;
  s = repeat("x = ", "(", 11, "");
  expect_limit(s, &cfg, "too many nested parentheses");
  free(s);
  /* indentation levels */
  char *blocks = malloc(64 * 1024);
  assert_non_null(blocks);
  blocks[0] = '\0';
  for (int i = 0; i < 12; i++) {
    for (int k = 0; k < i; k++) strcat(blocks, " ");
    strcat(blocks, "if x:\n");
  }
  for (int k = 0; k < 12; k++) strcat(blocks, " ");
  strcat(blocks, "pass\n");
  expect_limit(blocks, &cfg, "too many levels of indentation");
  expect_ok(blocks, NULL);
  free(blocks);
  /* source size and line length */
  cfg.max_source = 10;
  check_error_cfg("x = 1 + 2 + 3\n", 14, &cfg, DIAG_LIMIT,
                  "source exceeds the 10-byte limit (--max-source)", 1, 1);
  parse_config_init(&cfg);
  cfg.max_line_length = 20;
  check_error_cfg("x = 1\ny = 1111111111111111111\n", 30, &cfg, DIAG_LIMIT,
                  "line 2 exceeds the 20-byte limit (--max-line-length)", 2, 1);
  /* a part of a bigger file keeps that file's line numbers */
  parse_config_init(&cfg);
  assert_int_equal(cfg.first_line, 1);
  cfg.first_line = 40;
  check_error_cfg("x = 1\ny = )\n", 12, &cfg, DIAG_SYNTAX, "unmatched ')'", 41, 5);
  /* long chains make deep trees without nesting: the finished tree is bounded too */
  s = repeat("x = 1", "+1", 1000, "\n");
  expect_ok(s, NULL);
  free(s);
  s = repeat("x = 1", "+1", 3000, "\n");
  expect_limit(s, NULL, "too deeply nested: the syntax tree exceeds 2000 levels (10 x --max-nesting)");
  free(s);
  s = repeat("if x: pass\n", "elif x: pass\n", 3000, "");
  expect_limit(s, NULL, "too deeply nested: the syntax tree exceeds 2000 levels");
  free(s);
  s = repeat("x = a", ".b", 3000, "\n");
  expect_limit(s, NULL, "too deeply nested");
  free(s);
  s = repeat("x = [a\n", "for a in b\n", 2100, "]\n");
  expect_limit(s, NULL, "too deeply nested");
  free(s);
  /* a huge max_nesting is clamped, so the C stack stays bounded */
  parse_config_init(&cfg);
  cfg.max_nesting = 1 << 30;
  s = repeat("x = ", "-", PARSE_MAX_NESTING_CAP + 10, "1\n");
  expect_limit(s, &cfg, "too many nested expressions");
  free(s);
}

static void test_large_source_is_linear(void **state) {
  (void)state;
  /* close to the 1 MiB limit: many statements, long lines, long literals */
  size_t cap = 1000 * 1000;
  char *src = malloc(cap + 1);
  assert_non_null(src);
  size_t n = 0;
  int i = 0;
  while (n + 64 < cap) {
    n += (size_t)snprintf(src + n, cap - n, i % 3 ? "x%d = [%d, 'abc', f'{x}'] + y\n"
                                                  : "def f%d(a=%d):\n    return a\n",
                          i, i);
    i++;
  }
  src[n] = '\0';
  expect_ok(src, NULL);
  /* one line of 9999 bytes full of tokens */
  memset(src, 0, cap);
  strcpy(src, "x = [");
  n = strlen(src);
  while (n < 9990) {
    memcpy(src + n, "1,", 2);
    n += 2;
  }
  strcpy(src + n, "2]\n");
  expect_ok(src, NULL);
  /* one statement over many lines: the token window does not keep it all */
  n = 0;
  n += (size_t)snprintf(src, cap, "x = [\n");
  while (n + 64 < cap) n += (size_t)snprintf(src + n, cap - n, "  1, 'a', (2, 3), {4: 5},\n");
  strcpy(src + n, "]\n");
  expect_ok(src, NULL);
  free(src);
}

/* ------------------------------------------------------------------------------------------ */
/* garbage never crashes */

static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 33;
}

static void parse_anything(const char *src, size_t len) {
  capture cap;
  ast_tree *t = NULL;
  parse_result r = parse_len(src, len, NULL, &cap, &t);
  assert_true(r == PARSE_OK || r == PARSE_ERROR);
  if (r == PARSE_ERROR) {
    assert_true(cap.message[0] != '\0');
    assert_true(cap.line >= 1);
    assert_true(cap.col >= 1);
  }
  ast_tree_free(t);
}

static const char *const pieces[] = {
    "(", ")", "[", "]", "{", "}", ":", "\n", "    ", "\t", " ", "if ", "else", "elif ", "x", "1", "'",
    "\"", "'''", "f'{", "f\"{x!r:>{y}}\"", "}", "\\", "\\\n", "#c", "=", ",", "lambda", "yield", "*",
    "**", "not ", "async ", "def ", "class ", "for ", " in ", "\xc3\xa9", "\x00", "\xff", "0x", "1e",
    ".", "@", "match ", "case ", "try:", "except", "finally", "with ", " as ", "return", "await ",
    "import ", "from ", "del ", ";", "->", ":=", "...", "b'", "r'", "1j", "0o", "_", "global ",
    "\r\n", "\r", "{x=}", "!r", "\\N{", "\\x", "99999999999999999999", "1_0", "while ",
};

static void test_garbage_never_crashes(void **state) {
  (void)state;
  uint64_t seed = 0x5eed;
  char buf[600];
  /* random bytes */
  for (int i = 0; i < 1500; i++) {
    size_t len = lcg(&seed) % 300;
    for (size_t k = 0; k < len; k++) buf[k] = (char)(lcg(&seed) & 0xFF);
    parse_anything(buf, len);
  }
  /* random sequences of Python-ish pieces */
  for (int i = 0; i < 3000; i++) {
    size_t len = 0;
    int count = (int)(lcg(&seed) % 40);
    for (int k = 0; k < count; k++) {
      const char *p = pieces[lcg(&seed) % (sizeof pieces / sizeof pieces[0])];
      size_t n = p[0] == '\0' ? 1 : strlen(p); /* the "\x00" piece is one NUL byte */
      if (len + n >= sizeof buf) break;
      memcpy(buf + len, p, n);
      len += n;
    }
    parse_anything(buf, len);
  }
  /* the seed programs, mutated: bytes flipped, inserted, removed, truncated */
  char *m = malloc(4096);
  assert_non_null(m);
  for (int i = 0; i < 3000; i++) {
    const char *src = seeds[i % (sizeof seeds / sizeof seeds[0])].src;
    size_t len = strlen(src);
    if (len > 3000) len = 3000;
    memcpy(m, src, len);
    int edits = 1 + (int)(lcg(&seed) % 4);
    for (int e = 0; e < edits && len > 0; e++) {
      size_t at = lcg(&seed) % len;
      switch (lcg(&seed) % 4) {
        case 0: m[at] = (char)(lcg(&seed) & 0xFF); break;
        case 1:
          if (len < 4000) {
            memmove(m + at + 1, m + at, len - at);
            m[at] = "()[]{}:\n \t'\"\\#"[lcg(&seed) % 15];
            len++;
          }
          break;
        case 2:
          memmove(m + at, m + at + 1, len - at - 1);
          len--;
          break;
        default: len = at; break;
      }
    }
    parse_anything(m, len);
  }
  free(m);
  /* NUL bytes, invalid UTF-8 and binary-looking files */
  parse_anything(S("\x00\x00\x00"));
  parse_anything(S("\x7f" "ELF\x02\x01\x01\x00\x00\x00"));
  parse_anything(S("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"));
  parse_anything(S("x = '\xed\xa0\x80'\n"));
  parse_anything(S("x = '\xf4\x90\x80\x80'\n"));
  parse_anything(S("x = '\xc0\xaf'\n"));
  check_error(S("\x00"), DIAG_SYNTAX, "source code cannot contain null bytes", 1, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seed_programs),
      cmocka_unit_test(test_trees_match_cpython),
      cmocka_unit_test(test_precedence_by_hand),
      cmocka_unit_test(test_positions),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_empty_and_blank_sources),
      cmocka_unit_test(test_errors_like_cpython),
      cmocka_unit_test(test_unsupported_constructs),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_large_source_is_linear),
      cmocka_unit_test(test_garbage_never_crashes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
