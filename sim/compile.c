/* compile: syntax tree -> bytecode. See compile.h. */
#include "compile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Symbol table                                                             */
/* ------------------------------------------------------------------------ */

enum sym_flags {
  SYM_ASSIGNED = 1, /* bound in this scope (assignment, def, import, for ...) */
  SYM_PARAM = 2,    /* a parameter */
  SYM_GLOBAL = 4,   /* declared global */
  SYM_NONLOCAL = 8, /* declared nonlocal */
  SYM_USED = 16     /* read somewhere in this scope */
};

typedef enum sym_res {
  RES_NONE,   /* not resolved yet */
  RES_LOCAL,  /* a plain local slot */
  RES_CELL,   /* a local slot holding a cell shared with inner functions */
  RES_FREE,   /* a slot holding a cell taken from an enclosing function */
  RES_GLOBAL, /* module namespace, then builtins */
  RES_NAME    /* class body: namespace dict, then globals, then builtins */
} sym_res;

typedef struct sym {
  const char *name; /* identifier (AST arena or static) */
  int flags;        /* sym_flags */
  sym_res res;      /* resolution */
  int slot;         /* slot index once assigned, -1 before */
} sym;

typedef enum scope_kind { SC_MODULE, SC_FUNCTION, SC_CLASS } scope_kind;

typedef struct scope scope;
struct scope {
  scope_kind kind;     /* module, function (def/lambda/comprehension) or class */
  ast_node *node;      /* the node that opened it (NULL for the module) */
  scope *parent;       /* enclosing scope */
  sym *syms;           /* names, in order of first appearance */
  int nsyms;           /* names in use */
  int capsyms;         /* names allocated */
  scope **kids;        /* nested scopes in source order */
  int nkids;           /* kids in use */
  int capkids;         /* kids allocated */
  const char **params; /* parameter names in slot order */
  int nparams;         /* how many */
  bool is_async;       /* async def, or an async comprehension */
  bool has_yield;      /* contains yield: a generator */
  bool has_await;      /* contains await or async for/with */
  bool needs_class;    /* uses zero-argument super(): needs the __class__ cell */
  bool is_comp;        /* a comprehension or generator expression */
  bool is_lambda;      /* a lambda */
};

/* ------------------------------------------------------------------------ */
/* Compiler state                                                           */
/* ------------------------------------------------------------------------ */

typedef enum fb_kind {
  FB_LOOP,        /* for / async for: iterator on the stack */
  FB_WHILE,       /* while: nothing on the stack */
  FB_TRY_EXCEPT,  /* body of try with except clauses */
  FB_TRY_FINALLY, /* body of try with finally */
  FB_HANDLER,     /* body of an except clause: prev on the stack */
  FB_FINALLY_EXC, /* finally body on the exceptional path: prev, exc */
  FB_WITH         /* body of with / async with: exit on the stack */
} fb_kind;

typedef struct fblock {
  fb_kind kind;        /* what it is */
  int region;          /* exception region it keeps open, or -1 */
  uint32_t cont;       /* loops: continue target */
  int *breaks;         /* loops: jumps to patch to the break target */
  int nbreaks;         /* how many */
  int capbreaks;       /* allocated */
  ast_list *finalbody; /* FB_TRY_FINALLY: the finally statements */
  const char *name;    /* FB_HANDLER: the "as" name to clear, or NULL */
  bool is_async;       /* FB_WITH: async with */
} fblock;

#define COMP_MAX_FBLOCKS 20 /* CPython: "too many statically nested blocks" */

typedef struct region {
  uint32_t seg_start; /* start of the open segment */
  uint32_t depth;     /* stack depth restored for the handler */
  bool push_prev;     /* handler kind */
  bool open;          /* a segment is open */
  int64_t target;     /* handler instruction, -1 until bound */
} region;

typedef struct hentry {
  uint32_t start; /* protected range start */
  uint32_t end;   /* protected range end */
  int region;     /* which region (target and depth come from it) */
} hentry;

typedef struct unit unit;
struct unit {
  scope *sc;                   /* the scope compiled */
  unit *parent;                /* enclosing unit */
  uint32_t *ops;               /* instructions */
  int32_t *lines;              /* line per instruction */
  uint32_t nops;               /* count */
  uint32_t capops;             /* allocated */
  value *consts;               /* constants */
  uint32_t nconsts;            /* count */
  uint32_t capconsts;          /* allocated */
  obj_str **names;             /* names */
  uint32_t nnames;             /* count */
  uint32_t capnames;           /* allocated */
  region *regions;             /* exception regions */
  int nregions;                /* count */
  int capregions;              /* allocated */
  hentry *entries;             /* closed segments, innermost first */
  int nentries;                /* count */
  int capentries;              /* allocated */
  fblock fb[COMP_MAX_FBLOCKS]; /* open blocks, outermost first */
  int nfb;                     /* open blocks */
  int line;                    /* line of instructions being emitted */
  int stmt_pending;            /* line of the statement the next instruction begins, or 0 */
  int32_t *stmt;               /* statement lines per instruction (see code.h) */
  int nslots;                  /* slots assigned */
  const char *qualname;        /* qualified name (malloc'd) */
  int firstline;               /* line of the definition */
};

typedef struct comp {
  vm *v;            /* heap for code objects and constants */
  const char *file; /* file name for diagnostics */
  diag_fn on_error; /* diagnostics sink */
  void *user;       /* for on_error */
  bool failed;      /* a diagnostic was reported (or memory ran out) */
  bool nomem;       /* memory ran out */
  scope *top;       /* module scope */
  scope **all;      /* every scope, for freeing */
  int nall;         /* count */
  int capall;       /* allocated */
  unit *u;          /* unit being compiled */
} comp;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static bool grow(comp *c, void **p, uint32_t *cap, uint32_t need, size_t elem) {
  if (need <= *cap)
    return true;
  uint32_t n = *cap ? *cap * 2 : 16;
  while (n < need)
    n *= 2;
  void *q = realloc(*p, (size_t)n * elem);
  if (!q) {
    c->failed = c->nomem = true;
    return false;
  }
  *p = q;
  *cap = n;
  return true;
}

static void report(comp *c, diag_kind kind, const ast_node *n, const char *fmt, ...) {
  if (c->failed)
    return;
  c->failed = true;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag d = {kind, c->file, n ? n->line : 1, n ? n->col : 1, n ? n->end_col : 0, msg};
  if (n && n->end_line != n->line)
    d.end_col = 0;
  if (c->on_error)
    c->on_error(c->user, &d);
}

/* ------------------------------------------------------------------------ */
/* Symbol table pass                                                        */
/* ------------------------------------------------------------------------ */

static scope *scope_new(comp *c, scope_kind kind, ast_node *node, scope *parent) {
  scope *s = calloc(1, sizeof *s);
  if (!s) {
    c->failed = c->nomem = true;
    return NULL;
  }
  s->kind = kind;
  s->node = node;
  s->parent = parent;
  if (c->nall == c->capall) {
    int n = c->capall ? c->capall * 2 : 16;
    scope **q = realloc(c->all, (size_t)n * sizeof *q);
    if (!q) {
      free(s);
      c->failed = c->nomem = true;
      return NULL;
    }
    c->all = q;
    c->capall = n;
  }
  c->all[c->nall++] = s;
  if (parent) {
    if (parent->nkids == parent->capkids) {
      int n = parent->capkids ? parent->capkids * 2 : 4;
      scope **q = realloc(parent->kids, (size_t)n * sizeof *q);
      if (!q) {
        c->failed = c->nomem = true;
        return NULL;
      }
      parent->kids = q;
      parent->capkids = n;
    }
    parent->kids[parent->nkids++] = s;
  }
  return s;
}

static void scope_free(scope *s) {
  free(s->syms);
  free(s->kids);
  free(s->params);
  free(s);
}

static sym *sym_find(scope *s, const char *name) {
  for (int i = 0; i < s->nsyms; i++)
    if (strcmp(s->syms[i].name, name) == 0)
      return &s->syms[i];
  return NULL;
}

static sym *sym_add(comp *c, scope *s, const char *name, int flags) {
  sym *y = sym_find(s, name);
  if (y) {
    y->flags |= flags;
    return y;
  }
  if (s->nsyms == s->capsyms) {
    int n = s->capsyms ? s->capsyms * 2 : 8;
    sym *q = realloc(s->syms, (size_t)n * sizeof *q);
    if (!q) {
      c->failed = c->nomem = true;
      return NULL;
    }
    s->syms = q;
    s->capsyms = n;
  }
  y = &s->syms[s->nsyms++];
  y->name = name;
  y->flags = flags;
  y->res = RES_NONE;
  y->slot = -1;
  return y;
}

static void st_param(comp *c, scope *s, const char *name) {
  if (sym_find(s, name) && (sym_find(s, name)->flags & SYM_PARAM)) {
    report(c, DIAG_SYNTAX, s->node, "duplicate argument '%s' in function definition", name);
    return;
  }
  sym_add(c, s, name, SYM_PARAM | SYM_ASSIGNED);
  const char **q = realloc(s->params, (size_t)(s->nparams + 1) * sizeof *q);
  if (!q) {
    c->failed = c->nomem = true;
    return;
  }
  s->params = q;
  s->params[s->nparams++] = name;
}

static void st_expr(comp *c, scope *s, ast_node *n);
static void st_stmts(comp *c, scope *s, ast_list *l);

static void st_exprs(comp *c, scope *s, ast_list *l) {
  for (int i = 0; i < l->count; i++)
    if (l->items[i])
      st_expr(c, s, l->items[i]);
}

static void st_target(comp *c, scope *s, ast_node *n) {
  switch (n->kind) {
  case AST_NAME:
    sym_add(c, s, n->u.name, SYM_ASSIGNED);
    break;
  case AST_TUPLE:
  case AST_LIST:
    for (int i = 0; i < n->u.seq.elts.count; i++)
      st_target(c, s, n->u.seq.elts.items[i]);
    break;
  case AST_STARRED:
    st_target(c, s, n->u.starred.value);
    break;
  case AST_ATTRIBUTE:
    st_expr(c, s, n->u.attribute.value);
    break;
  case AST_SUBSCRIPT:
    st_expr(c, s, n->u.subscript.value);
    st_expr(c, s, n->u.subscript.index);
    break;
  default:
    report(c, DIAG_SYNTAX, n, "cannot assign to expression");
    break;
  }
}

static void st_arguments(comp *c, scope *outer, scope *inner, ast_node *args) {
  /* defaults are evaluated in the enclosing scope */
  st_exprs(c, outer, &args->u.arguments.defaults);
  st_exprs(c, outer, &args->u.arguments.kw_defaults);
  for (int i = 0; i < args->u.arguments.args.count; i++)
    st_param(c, inner, args->u.arguments.args.items[i]->u.arg.name);
  for (int i = 0; i < args->u.arguments.kwonlyargs.count; i++)
    st_param(c, inner, args->u.arguments.kwonlyargs.items[i]->u.arg.name);
  if (args->u.arguments.vararg)
    st_param(c, inner, args->u.arguments.vararg);
  if (args->u.arguments.kwarg)
    st_param(c, inner, args->u.arguments.kwarg);
}

static void st_comprehension(comp *c, scope *s, ast_node *n) {
  ast_list *gens = &n->u.comp.generators;
  /* the outermost iterable is evaluated in the enclosing scope */
  st_expr(c, s, gens->items[0]->u.comprehension.iter);
  scope *k = scope_new(c, SC_FUNCTION, n, s);
  if (!k)
    return;
  k->is_comp = true;
  st_param(c, k, ".0");
  for (int i = 0; i < gens->count; i++) {
    ast_node *g = gens->items[i];
    if (i > 0)
      st_expr(c, k, g->u.comprehension.iter);
    if (g->u.comprehension.is_async)
      k->has_await = true;
    st_target(c, k, g->u.comprehension.target);
    st_exprs(c, k, &g->u.comprehension.ifs);
  }
  if (n->u.comp.key)
    st_expr(c, k, n->u.comp.key);
  st_expr(c, k, n->u.comp.elt);
  if (n->kind == AST_GENEXP)
    k->has_yield = true;
  if (k->has_await)
    k->is_async = true;
}

static void st_expr(comp *c, scope *s, ast_node *n) {
  if (!n || c->failed)
    return;
  switch (n->kind) {
  case AST_NAME:
    sym_add(c, s, n->u.name, SYM_USED);
    if (strcmp(n->u.name, "super") == 0 && s->kind == SC_FUNCTION)
      s->needs_class = true;
    break;
  case AST_INT:
  case AST_FLOAT:
  case AST_STR:
  case AST_TRUE:
  case AST_FALSE:
  case AST_NONE:
    break;
  case AST_FSTRING:
    st_exprs(c, s, &n->u.fstring.parts);
    break;
  case AST_FORMATTED:
    st_expr(c, s, n->u.formatted.value);
    st_expr(c, s, n->u.formatted.spec);
    break;
  case AST_BINOP:
    st_expr(c, s, n->u.binop.left);
    st_expr(c, s, n->u.binop.right);
    break;
  case AST_UNARYOP:
    st_expr(c, s, n->u.unaryop.operand);
    break;
  case AST_BOOLOP:
    st_exprs(c, s, &n->u.boolop.values);
    break;
  case AST_COMPARE:
    st_expr(c, s, n->u.compare.left);
    st_exprs(c, s, &n->u.compare.comparators);
    break;
  case AST_IFEXP:
    st_expr(c, s, n->u.ifexp.test);
    st_expr(c, s, n->u.ifexp.body);
    st_expr(c, s, n->u.ifexp.orelse);
    break;
  case AST_LAMBDA: {
    scope *k = scope_new(c, SC_FUNCTION, n, s);
    if (!k)
      return;
    k->is_lambda = true;
    st_arguments(c, s, k, n->u.lambda.args);
    st_expr(c, k, n->u.lambda.body);
    break;
  }
  case AST_CALL:
    st_expr(c, s, n->u.call.func);
    st_exprs(c, s, &n->u.call.args);
    st_exprs(c, s, &n->u.call.keywords);
    break;
  case AST_KEYWORD:
    st_expr(c, s, n->u.keyword.value);
    break;
  case AST_ATTRIBUTE:
    st_expr(c, s, n->u.attribute.value);
    break;
  case AST_SUBSCRIPT:
    st_expr(c, s, n->u.subscript.value);
    st_expr(c, s, n->u.subscript.index);
    break;
  case AST_SLICE:
    st_expr(c, s, n->u.slice.lower);
    st_expr(c, s, n->u.slice.upper);
    st_expr(c, s, n->u.slice.step);
    break;
  case AST_STARRED:
    st_expr(c, s, n->u.starred.value);
    break;
  case AST_LIST:
  case AST_TUPLE:
  case AST_SET:
    st_exprs(c, s, &n->u.seq.elts);
    break;
  case AST_DICT:
    st_exprs(c, s, &n->u.dict.keys);
    st_exprs(c, s, &n->u.dict.values);
    break;
  case AST_LISTCOMP:
  case AST_SETCOMP:
  case AST_GENEXP:
  case AST_DICTCOMP:
    st_comprehension(c, s, n);
    break;
  case AST_AWAIT:
    s->has_await = true;
    st_expr(c, s, n->u.await_.value);
    break;
  case AST_YIELD:
    s->has_yield = true;
    st_expr(c, s, n->u.yield_.value);
    break;
  default:
    report(c, DIAG_SYNTAX, n, "invalid syntax");
    break;
  }
}

static void st_funcdef(comp *c, scope *s, ast_node *n) {
  st_exprs(c, s, &n->u.funcdef.decorators);
  sym_add(c, s, n->u.funcdef.name, SYM_ASSIGNED);
  scope *k = scope_new(c, SC_FUNCTION, n, s);
  if (!k)
    return;
  k->is_async = n->u.funcdef.is_async;
  st_arguments(c, s, k, n->u.funcdef.args);
  st_stmts(c, k, &n->u.funcdef.body);
}

static void st_stmt(comp *c, scope *s, ast_node *n) {
  if (!n || c->failed)
    return;
  switch (n->kind) {
  case AST_EXPR:
    st_expr(c, s, n->u.expr_stmt.value);
    break;
  case AST_ASSIGN:
    st_expr(c, s, n->u.assign.value);
    for (int i = 0; i < n->u.assign.targets.count; i++)
      st_target(c, s, n->u.assign.targets.items[i]);
    break;
  case AST_AUGASSIGN:
    st_expr(c, s, n->u.augassign.value);
    st_target(c, s, n->u.augassign.target);
    if (n->u.augassign.target->kind == AST_NAME)
      sym_add(c, s, n->u.augassign.target->u.name, SYM_USED);
    break;
  case AST_ANNASSIGN:
    if (n->u.annassign.value) {
      st_expr(c, s, n->u.annassign.value);
      st_target(c, s, n->u.annassign.target);
    } else if (n->u.annassign.target->kind == AST_NAME && s->kind == SC_FUNCTION) {
      sym_add(c, s, n->u.annassign.target->u.name, SYM_ASSIGNED);
    }
    break;
  case AST_IF:
    st_expr(c, s, n->u.if_.test);
    st_stmts(c, s, &n->u.if_.body);
    st_stmts(c, s, &n->u.if_.orelse);
    break;
  case AST_WHILE:
    st_expr(c, s, n->u.while_.test);
    st_stmts(c, s, &n->u.while_.body);
    st_stmts(c, s, &n->u.while_.orelse);
    break;
  case AST_FOR:
    if (n->u.for_.is_async)
      s->has_await = true;
    st_expr(c, s, n->u.for_.iter);
    st_target(c, s, n->u.for_.target);
    st_stmts(c, s, &n->u.for_.body);
    st_stmts(c, s, &n->u.for_.orelse);
    break;
  case AST_BREAK:
  case AST_CONTINUE:
  case AST_PASS:
    break;
  case AST_RETURN:
    st_expr(c, s, n->u.return_.value);
    break;
  case AST_FUNCDEF:
    st_funcdef(c, s, n);
    break;
  case AST_CLASSDEF: {
    st_exprs(c, s, &n->u.classdef.decorators);
    st_exprs(c, s, &n->u.classdef.bases);
    st_exprs(c, s, &n->u.classdef.keywords);
    sym_add(c, s, n->u.classdef.name, SYM_ASSIGNED);
    scope *k = scope_new(c, SC_CLASS, n, s);
    if (!k)
      return;
    st_stmts(c, k, &n->u.classdef.body);
    break;
  }
  case AST_TRY:
    st_stmts(c, s, &n->u.try_.body);
    for (int i = 0; i < n->u.try_.handlers.count; i++) {
      ast_node *h = n->u.try_.handlers.items[i];
      st_expr(c, s, h->u.handler.type);
      if (h->u.handler.name)
        sym_add(c, s, h->u.handler.name, SYM_ASSIGNED);
      st_stmts(c, s, &h->u.handler.body);
    }
    st_stmts(c, s, &n->u.try_.orelse);
    st_stmts(c, s, &n->u.try_.finalbody);
    break;
  case AST_RAISE:
    st_expr(c, s, n->u.raise_.exc);
    st_expr(c, s, n->u.raise_.cause);
    break;
  case AST_GLOBAL:
  case AST_NONLOCAL:
    for (int i = 0; i < n->u.names.count; i++) {
      const char *name = n->u.names.items[i];
      sym *y = sym_find(s, name);
      const char *what = n->kind == AST_GLOBAL ? "global" : "nonlocal";
      if (n->kind == AST_NONLOCAL && s->kind == SC_MODULE) {
        report(c, DIAG_SYNTAX, n, "nonlocal declaration not allowed at module level");
        return;
      }
      if (y && (y->flags & SYM_PARAM)) {
        report(c, DIAG_SYNTAX, n, "name '%s' is parameter and %s", name, what);
        return;
      }
      if (y && (y->flags & (SYM_USED | SYM_ASSIGNED))) {
        report(c, DIAG_SYNTAX, n, "name '%s' is %s before %s declaration", name,
               (y->flags & SYM_ASSIGNED) ? "assigned to" : "used", what);
        return;
      }
      sym_add(c, s, name, n->kind == AST_GLOBAL ? SYM_GLOBAL : SYM_NONLOCAL);
    }
    break;
  case AST_ASSERT:
    st_expr(c, s, n->u.assert_.test);
    st_expr(c, s, n->u.assert_.msg);
    break;
  case AST_DELETE:
    for (int i = 0; i < n->u.delete.targets.count; i++)
      st_target(c, s, n->u.delete.targets.items[i]);
    break;
  case AST_WITH:
    if (n->u.with.is_async)
      s->has_await = true;
    for (int i = 0; i < n->u.with.items.count; i++) {
      ast_node *it = n->u.with.items.items[i];
      st_expr(c, s, it->u.withitem.context_expr);
      if (it->u.withitem.optional_vars)
        st_target(c, s, it->u.withitem.optional_vars);
    }
    st_stmts(c, s, &n->u.with.body);
    break;
  case AST_IMPORT:
  case AST_IMPORTFROM:
    for (int i = 0; i < n->u.import.names.count; i++) {
      ast_node *a = n->u.import.names.items[i];
      if (strcmp(a->u.alias.name, "*") == 0)
        continue;
      if (a->u.alias.asname) {
        sym_add(c, s, a->u.alias.asname, SYM_ASSIGNED);
      } else {
        /* import a.b binds a; the name is in the arena, so bind a prefix copy */
        sym_add(c, s, a->u.alias.name, SYM_ASSIGNED);
      }
    }
    break;
  default:
    st_expr(c, s, n);
    break;
  }
}

static void st_stmts(comp *c, scope *s, ast_list *l) {
  for (int i = 0; i < l->count && !c->failed; i++)
    st_stmt(c, s, l->items[i]);
}

/* Whether name is bound in function scope s (as a local, cell or free). */
static bool binds(scope *s, const char *name) {
  sym *y = sym_find(s, name);
  if (!y)
    return false;
  if (y->flags & SYM_GLOBAL)
    return false;
  if (y->flags & SYM_NONLOCAL)
    return true;
  return (y->flags & (SYM_ASSIGNED | SYM_PARAM)) != 0 || y->res == RES_FREE || y->res == RES_CELL;
}

/* Makes name free in every function scope from s (exclusive) up to the
 * one that binds it, which becomes a cell. Returns false if none binds it. */
static bool make_free(comp *c, scope *s, const char *name) {
  for (scope *p = s->parent; p; p = p->parent) {
    if (p->kind == SC_CLASS)
      continue;
    if (p->kind == SC_MODULE)
      return false;
    if (binds(p, name)) {
      sym *y = sym_find(p, name);
      if (y->res == RES_LOCAL || y->res == RES_NONE)
        y->res = RES_CELL;
      /* every function between s and p passes the cell along */
      for (scope *q = s->parent; q != p; q = q->parent) {
        if (q->kind == SC_CLASS)
          continue;
        sym *z = sym_add(c, q, name, 0);
        if (!z)
          return false;
        if (z->res != RES_CELL)
          z->res = RES_FREE;
      }
      return true;
    }
  }
  return false;
}

static void resolve(comp *c, scope *s) {
  if (c->failed)
    return;
  if (s->kind == SC_CLASS) {
    bool kid_needs = false;
    for (int i = 0; i < s->nkids; i++)
      if (s->kids[i]->needs_class)
        kid_needs = true;
    if (kid_needs) {
      sym *y = sym_add(c, s, "__class__", 0);
      if (y)
        y->res = RES_CELL;
    }
  }
  if (s->kind == SC_FUNCTION && s->needs_class) {
    /* find the enclosing class; the method gets __class__ as a free variable */
    scope *p = s->parent;
    while (p && p->kind == SC_FUNCTION)
      p = p->parent;
    if (p && p->kind == SC_CLASS) {
      sym *y = sym_add(c, s, "__class__", 0);
      if (y)
        y->res = RES_FREE;
      for (scope *q = s->parent; q != p; q = q->parent) {
        sym *z = sym_add(c, q, "__class__", 0);
        if (z && z->res != RES_CELL)
          z->res = RES_FREE;
      }
    } else {
      s->needs_class = false;
    }
  }
  for (int i = 0; i < s->nsyms && !c->failed; i++) {
    sym *y = &s->syms[i];
    if (y->res != RES_NONE)
      continue;
    if (s->kind == SC_MODULE) {
      y->res = RES_GLOBAL;
    } else if (y->flags & SYM_GLOBAL) {
      y->res = RES_GLOBAL;
    } else if (y->flags & SYM_NONLOCAL) {
      if (!make_free(c, s, y->name)) {
        report(c, DIAG_SYNTAX, s->node, "no binding for nonlocal '%s' found", y->name);
        return;
      }
      y = &s->syms[i];
      y->res = RES_FREE;
    } else if (y->flags & (SYM_ASSIGNED | SYM_PARAM)) {
      y->res = s->kind == SC_CLASS ? RES_NAME : RES_LOCAL;
    } else {
      /* only used: free if an enclosing function binds it */
      const char *name = y->name;
      if (make_free(c, s, name)) {
        y = sym_find(s, name);
        y->res = RES_FREE;
      } else {
        y = sym_find(s, name);
        y->res = s->kind == SC_CLASS ? RES_NAME : RES_GLOBAL;
      }
    }
  }
  for (int i = 0; i < s->nkids; i++)
    resolve(c, s->kids[i]);
}

/* ------------------------------------------------------------------------ */
/* Emission                                                                 */
/* ------------------------------------------------------------------------ */

static uint32_t here(comp *c) { return c->u->nops; }

static int emit(comp *c, code_op op, uint32_t arg) {
  unit *u = c->u;
  if (c->failed)
    return 0;
  if (arg > CODE_MAX_ARG) {
    report(c, DIAG_LIMIT, NULL, "function too large to compile");
    return 0;
  }
  if (u->nops == u->capops) {
    uint32_t n = u->capops ? u->capops * 2 : 64;
    uint32_t *o = realloc(u->ops, (size_t)n * sizeof *o);
    if (!o) {
      c->failed = c->nomem = true;
      return 0;
    }
    u->ops = o;
    int32_t *l = realloc(u->lines, (size_t)n * sizeof *l);
    if (!l) {
      c->failed = c->nomem = true;
      return 0;
    }
    u->lines = l;
    int32_t *st = realloc(u->stmt, (size_t)n * sizeof *st);
    if (!st) {
      c->failed = c->nomem = true;
      return 0;
    }
    u->stmt = st;
    u->capops = n;
  }
  u->stmt[u->nops] = u->stmt_pending;
  u->stmt_pending = 0;
  u->ops[u->nops] = CODE_MAKE(op, arg);
  u->lines[u->nops] = u->line;
  return (int)u->nops++;
}

static void patch(comp *c, int at, uint32_t target) {
  if (c->failed)
    return;
  code_op op = CODE_OP(c->u->ops[at]);
  c->u->ops[at] = CODE_MAKE(op, target);
}

static uint32_t add_const(comp *c, value x) {
  unit *u = c->u;
  for (uint32_t i = 0; i < u->nconsts; i++) {
    value y = u->consts[i];
    if (y.t != x.t)
      continue;
    if (x.t == VAL_INT && x.as.i == y.as.i)
      return i;
    if (x.t == VAL_BOOL && x.as.b == y.as.b)
      return i;
    if (x.t == VAL_NONE)
      return i;
    if (x.t == VAL_OBJ && x.as.o == y.as.o)
      return i;
  }
  if (!grow(c, (void **)&u->consts, &u->capconsts, u->nconsts + 1, sizeof *u->consts))
    return 0;
  u->consts[u->nconsts] = x;
  return u->nconsts++;
}

static obj_str *intern(comp *c, const char *s) {
  obj_str *r = obj_str_intern(c->v, s, strlen(s));
  if (!r)
    c->failed = c->nomem = true;
  return r;
}

static uint32_t add_name(comp *c, const char *s) {
  unit *u = c->u;
  obj_str *n = intern(c, s);
  if (!n)
    return 0;
  for (uint32_t i = 0; i < u->nnames; i++)
    if (u->names[i] == n)
      return i;
  if (!grow(c, (void **)&u->names, &u->capnames, u->nnames + 1, sizeof *u->names))
    return 0;
  u->names[u->nnames] = n;
  return u->nnames++;
}

static void emit_const(comp *c, value x) { emit(c, OP_LOAD_CONST, add_const(c, x)); }

static void emit_none(comp *c) { emit_const(c, val_none()); }

static void emit_str(comp *c, const char *s, size_t len) {
  obj_str *o = obj_str_intern(c->v, s, len);
  if (!o) {
    c->failed = c->nomem = true;
    return;
  }
  emit_const(c, val_obj(o));
}

/* ---- exception regions ---- */

static int region_open(comp *c, uint32_t depth, bool push_prev) {
  unit *u = c->u;
  if (u->nregions == u->capregions) {
    int n = u->capregions ? u->capregions * 2 : 8;
    region *q = realloc(u->regions, (size_t)n * sizeof *q);
    if (!q) {
      c->failed = c->nomem = true;
      return 0;
    }
    u->regions = q;
    u->capregions = n;
  }
  region *r = &u->regions[u->nregions];
  r->seg_start = here(c);
  r->depth = depth;
  r->push_prev = push_prev;
  r->open = true;
  r->target = -1;
  return u->nregions++;
}

static void region_pause(comp *c, int id) {
  unit *u = c->u;
  if (c->failed || id < 0)
    return;
  region *r = &u->regions[id];
  if (!r->open)
    return;
  r->open = false;
  if (here(c) == r->seg_start)
    return;
  if (u->nentries == u->capentries) {
    int n = u->capentries ? u->capentries * 2 : 8;
    hentry *q = realloc(u->entries, (size_t)n * sizeof *q);
    if (!q) {
      c->failed = c->nomem = true;
      return;
    }
    u->entries = q;
    u->capentries = n;
  }
  u->entries[u->nentries++] = (hentry){r->seg_start, here(c), id};
}

static void region_resume(comp *c, int id) {
  if (c->failed || id < 0)
    return;
  region *r = &c->u->regions[id];
  r->open = true;
  r->seg_start = here(c);
}

static void region_close(comp *c, int id) { region_pause(c, id); }

static void region_target(comp *c, int id) {
  if (c->failed)
    return;
  c->u->regions[id].target = here(c);
}

/* ---- blocks ---- */

/* Stack depth (above the locals) at the statements inside the open blocks. */
static uint32_t fb_depth(comp *c) {
  uint32_t d = 0;
  for (int i = 0; i < c->u->nfb; i++) {
    switch (c->u->fb[i].kind) {
    case FB_LOOP:
    case FB_HANDLER:
    case FB_WITH:
      d += 1;
      break;
    case FB_FINALLY_EXC:
      d += 2;
      break;
    default:
      break;
    }
  }
  return d;
}

static fblock *fb_push(comp *c, fb_kind kind, const ast_node *n) {
  unit *u = c->u;
  if (u->nfb == COMP_MAX_FBLOCKS) {
    report(c, DIAG_SYNTAX, n, "too many statically nested blocks");
    return NULL;
  }
  fblock *b = &u->fb[u->nfb++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  b->region = -1;
  return b;
}

static void fb_pop(comp *c) {
  fblock *b = &c->u->fb[--c->u->nfb];
  free(b->breaks);
  b->breaks = NULL;
}

static void fb_add_break(comp *c, fblock *b, int at) {
  if (b->nbreaks == b->capbreaks) {
    int n = b->capbreaks ? b->capbreaks * 2 : 4;
    int *q = realloc(b->breaks, (size_t)n * sizeof *q);
    if (!q) {
      c->failed = c->nomem = true;
      return;
    }
    b->breaks = q;
    b->capbreaks = n;
  }
  b->breaks[b->nbreaks++] = at;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum name_ctx { CTX_LOAD, CTX_STORE, CTX_DEL } name_ctx;

static void emit_name(comp *c, const ast_node *n, const char *name, name_ctx ctx) {
  unit *u = c->u;
  sym *y = sym_find(u->sc, name);
  sym_res res = y ? y->res : (u->sc->kind == SC_CLASS ? RES_NAME : RES_GLOBAL);
  if (u->sc->kind == SC_MODULE)
    res = RES_GLOBAL;
  static const code_op fast[] = {OP_LOAD_FAST, OP_STORE_FAST, OP_DELETE_FAST};
  static const code_op deref[] = {OP_LOAD_DEREF, OP_STORE_DEREF, OP_DELETE_DEREF};
  static const code_op glob[] = {OP_LOAD_GLOBAL, OP_STORE_GLOBAL, OP_DELETE_GLOBAL};
  static const code_op nm[] = {OP_LOAD_NAME, OP_STORE_NAME, OP_DELETE_NAME};
  (void)n;
  switch (res) {
  case RES_LOCAL:
    emit(c, fast[ctx], (uint32_t)y->slot);
    break;
  case RES_CELL:
  case RES_FREE:
    emit(c, deref[ctx], (uint32_t)y->slot);
    break;
  case RES_NAME:
    emit(c, nm[ctx], add_name(c, name));
    break;
  default:
    emit(c, glob[ctx], add_name(c, name));
    break;
  }
}

/* ------------------------------------------------------------------------ */
/* Expressions                                                              */
/* ------------------------------------------------------------------------ */

static void c_expr(comp *c, ast_node *n);
static void c_iterable(comp *c, ast_node *n);
static void c_stmts(comp *c, ast_list *l);
static void c_store(comp *c, ast_node *t);
static code *c_function_code(comp *c, scope *s, ast_node *node, const char *name);

static void c_exprs(comp *c, ast_list *l) {
  for (int i = 0; i < l->count; i++)
    c_expr(c, l->items[i]);
}

static scope *kid_for(comp *c, ast_node *n) {
  scope *s = c->u->sc;
  for (int i = 0; i < s->nkids; i++)
    if (s->kids[i]->node == n)
      return s->kids[i];
  report(c, DIAG_SYNTAX, n, "internal compiler error: scope not found");
  return NULL;
}

static bool in_async(comp *c) { return c->u->sc->kind == SC_FUNCTION && c->u->sc->is_async; }

static void emit_await(comp *c, uint32_t kind) {
  emit(c, OP_GET_AWAITABLE, kind);
  emit_none(c);
  emit(c, OP_SEND, 0);
}

/* Emits LOAD_CLOSURE for each free variable of kid, BUILD_TUPLE; returns
 * whether a closure was pushed. */
static bool c_closure(comp *c, scope *kid) {
  int n = 0;
  for (int i = 0; i < kid->nsyms; i++) {
    sym *y = &kid->syms[i];
    if (y->res != RES_FREE)
      continue;
    sym *mine = sym_find(c->u->sc, y->name);
    if (!mine || (mine->res != RES_CELL && mine->res != RES_FREE)) {
      report(c, DIAG_SYNTAX, kid->node, "internal compiler error: closure of '%s'", y->name);
      return false;
    }
    emit(c, OP_LOAD_CLOSURE, (uint32_t)mine->slot);
    n++;
  }
  if (n == 0)
    return false;
  emit(c, OP_BUILD_TUPLE, (uint32_t)n);
  return true;
}

/* Pushes a function object for kid (defaults already handled by flags). */
static void c_make_function(comp *c, scope *kid, const char *name, int flags) {
  code *k = c_function_code(c, kid, kid->node, name);
  if (!k)
    return;
  if (c_closure(c, kid))
    flags |= 4;
  emit_const(c, val_obj(k));
  emit(c, OP_MAKE_FUNCTION, (uint32_t)flags);
}

/* Defaults for def and lambda; returns MAKE_FUNCTION flags. */
static int c_defaults(comp *c, ast_node *args) {
  int flags = 0;
  ast_list *d = &args->u.arguments.defaults;
  if (d->count) {
    c_exprs(c, d);
    emit(c, OP_BUILD_TUPLE, (uint32_t)d->count);
    flags |= 1;
  }
  int nkw = 0;
  for (int i = 0; i < args->u.arguments.kw_defaults.count; i++) {
    ast_node *v = args->u.arguments.kw_defaults.items[i];
    if (!v)
      continue;
    const char *nm = args->u.arguments.kwonlyargs.items[i]->u.arg.name;
    emit_str(c, nm, strlen(nm));
    c_expr(c, v);
    nkw++;
  }
  if (nkw) {
    emit(c, OP_BUILD_MAP, (uint32_t)nkw);
    flags |= 2;
  }
  return flags;
}

static bool has_starred(ast_list *l) {
  for (int i = 0; i < l->count; i++)
    if (l->items[i]->kind == AST_STARRED)
      return true;
  return false;
}

/* Builds a list from elements that may contain *x. */
static void c_starred_list(comp *c, ast_list *l) {
  emit(c, OP_BUILD_LIST, 0);
  for (int i = 0; i < l->count; i++) {
    ast_node *e = l->items[i];
    if (e->kind == AST_STARRED) {
      c_expr(c, e->u.starred.value);
      emit(c, OP_LIST_EXTEND, 1);
    } else {
      c_expr(c, e);
      emit(c, OP_LIST_APPEND, 1);
    }
  }
}

static void c_call(comp *c, ast_node *n) {
  ast_list *args = &n->u.call.args;
  ast_list *kws = &n->u.call.keywords;
  ast_node *f = n->u.call.func;
  /* zero-argument super() */
  if (f->kind == AST_NAME && strcmp(f->u.name, "super") == 0 && args->count == 0 &&
      kws->count == 0 && c->u->sc->kind == SC_FUNCTION && c->u->sc->needs_class) {
    sym *y = sym_find(c->u->sc, "__class__");
    if (y && y->slot >= 0) {
      emit(c, OP_SUPER0, (uint32_t)y->slot);
      return;
    }
  }
  bool dstar = false;
  for (int i = 0; i < kws->count; i++)
    if (!kws->items[i]->u.keyword.name)
      dstar = true;
  if (has_starred(args) || dstar) {
    c_expr(c, f);
    c->u->line = n->line;
    c_starred_list(c, args);
    emit(c, OP_LIST_TO_TUPLE, 0);
    if (kws->count) {
      emit(c, OP_BUILD_MAP, 0);
      for (int i = 0; i < kws->count; i++) {
        ast_node *k = kws->items[i];
        if (k->u.keyword.name) {
          emit_str(c, k->u.keyword.name, strlen(k->u.keyword.name));
          c_expr(c, k->u.keyword.value);
          emit(c, OP_MAP_ADD, 1);
        } else {
          c_expr(c, k->u.keyword.value);
          emit(c, OP_DICT_MERGE, 1);
        }
      }
    }
    c->u->line = n->line;
    emit(c, OP_CALL_EX, kws->count ? 1 : 0);
    return;
  }
  if (f->kind == AST_ATTRIBUTE && kws->count == 0) {
    /* obj.name(args): no bound method is made when name is a method */
    c_expr(c, f->u.attribute.value);
    c->u->line = f->line;
    emit(c, OP_LOAD_METHOD, add_name(c, f->u.attribute.attr));
    c_exprs(c, args);
    c->u->line = n->line;
    emit(c, OP_CALL_METHOD, (uint32_t)args->count);
    return;
  }
  c_expr(c, f);
  c->u->line = n->line;
  c_exprs(c, args);
  if (kws->count) {
    obj_tuple *names = obj_tuple_new(c->v, (size_t)kws->count);
    if (!names) {
      c->failed = c->nomem = true;
      return;
    }
    for (int i = 0; i < kws->count; i++) {
      ast_node *k = kws->items[i];
      for (int j = 0; j < i; j++)
        if (strcmp(kws->items[j]->u.keyword.name, k->u.keyword.name) == 0) {
          report(c, DIAG_SYNTAX, k, "keyword argument repeated: %s", k->u.keyword.name);
          return;
        }
      obj_str *s = intern(c, k->u.keyword.name);
      if (!s)
        return;
      names->items[i] = val_obj(s);
      c_expr(c, k->u.keyword.value);
    }
    c->u->line = n->line;
    emit_const(c, val_obj(names));
    emit(c, OP_CALL_KW, (uint32_t)(args->count + kws->count));
  } else {
    c->u->line = n->line;
    emit(c, OP_CALL, (uint32_t)args->count);
  }
}

static void c_fstring(comp *c, ast_node *n) {
  ast_list *parts = &n->u.fstring.parts;
  if (parts->count == 0) {
    emit_str(c, "", 0);
    return;
  }
  for (int i = 0; i < parts->count; i++) {
    ast_node *p = parts->items[i];
    if (p->kind == AST_STR) {
      emit_str(c, p->u.str.data, p->u.str.len);
    } else {
      c_expr(c, p->u.formatted.value);
      uint32_t conv = 0;
      switch (p->u.formatted.conversion) {
      case 's':
        conv = 1;
        break;
      case 'r':
        conv = 2;
        break;
      case 'a':
        conv = 3;
        break;
      default:
        break;
      }
      if (p->u.formatted.spec) {
        c_fstring(c, p->u.formatted.spec);
        conv |= 4;
      }
      emit(c, OP_FORMAT_VALUE, conv);
    }
  }
  if (parts->count > 1 || parts->items[0]->kind != AST_STR)
    emit(c, OP_BUILD_STRING, (uint32_t)parts->count);
}

static void c_compare(comp *c, ast_node *n) {
  int count = n->u.compare.comparators.count;
  c_expr(c, n->u.compare.left);
  if (count == 1) {
    if (n->u.compare.ops[0] == AST_CMP_IN || n->u.compare.ops[0] == AST_CMP_NOT_IN)
      c_iterable(c, n->u.compare.comparators.items[0]);
    else
      c_expr(c, n->u.compare.comparators.items[0]);
    c->u->line = n->line;
    emit(c, OP_COMPARE, (uint32_t)n->u.compare.ops[0]);
    return;
  }
  int *jumps = calloc((size_t)count, sizeof *jumps);
  if (!jumps) {
    c->failed = c->nomem = true;
    return;
  }
  for (int i = 0; i < count - 1; i++) {
    c_expr(c, n->u.compare.comparators.items[i]);
    emit(c, OP_DUP_TOP, 0);
    emit(c, OP_ROT_THREE, 0);
    emit(c, OP_COMPARE, (uint32_t)n->u.compare.ops[i]);
    jumps[i] = emit(c, OP_JUMP_IF_FALSE_OR_POP, 0);
  }
  c_expr(c, n->u.compare.comparators.items[count - 1]);
  emit(c, OP_COMPARE, (uint32_t)n->u.compare.ops[count - 1]);
  int end = emit(c, OP_JUMP, 0);
  for (int i = 0; i < count - 1; i++)
    patch(c, jumps[i], here(c));
  emit(c, OP_ROT_TWO, 0);
  emit(c, OP_POP_TOP, 0);
  patch(c, end, here(c));
  free(jumps);
}

/* One clause of a comprehension; recursion builds the nesting. */
static void c_comp_gen(comp *c, ast_node *n, int gi) {
  ast_list *gens = &n->u.comp.generators;
  ast_node *g = gens->items[gi];
  if (g->u.comprehension.is_async) {
    report(c, DIAG_UNSUPPORTED, g, "async comprehensions are not supported in scenarios");
    return;
  }
  if (gi == 0) {
    emit(c, OP_LOAD_FAST, 0);
  } else {
    c_expr(c, g->u.comprehension.iter);
    emit(c, OP_GET_ITER, 0);
  }
  uint32_t start = here(c);
  int exit = emit(c, OP_FOR_ITER, 0);
  c_store(c, g->u.comprehension.target);
  for (int i = 0; i < g->u.comprehension.ifs.count; i++) {
    c_expr(c, g->u.comprehension.ifs.items[i]);
    emit(c, OP_POP_JUMP_IF_FALSE, start);
  }
  if (gi + 1 < gens->count) {
    c_comp_gen(c, n, gi + 1);
  } else {
    uint32_t depth = (uint32_t)gens->count + 1;
    switch (n->kind) {
    case AST_LISTCOMP:
      c_expr(c, n->u.comp.elt);
      emit(c, OP_LIST_APPEND, depth);
      break;
    case AST_SETCOMP:
      c_expr(c, n->u.comp.elt);
      emit(c, OP_SET_ADD, depth);
      break;
    case AST_DICTCOMP:
      c_expr(c, n->u.comp.key);
      c_expr(c, n->u.comp.elt);
      emit(c, OP_MAP_ADD, depth);
      break;
    default:
      c_expr(c, n->u.comp.elt);
      emit(c, OP_YIELD_VALUE, 0);
      emit(c, OP_POP_TOP, 0);
      break;
    }
  }
  emit(c, OP_JUMP, start);
  patch(c, exit, here(c));
}

static void c_comprehension(comp *c, ast_node *n) {
  scope *kid = kid_for(c, n);
  if (!kid)
    return;
  const char *name = n->kind == AST_LISTCOMP   ? "<listcomp>"
                     : n->kind == AST_SETCOMP  ? "<setcomp>"
                     : n->kind == AST_DICTCOMP ? "<dictcomp>"
                                               : "<genexpr>";
  if (kid->is_async && n->kind == AST_GENEXP) {
    report(c, DIAG_UNSUPPORTED, n,
           "asynchronous generator expressions are not supported in scenarios");
    return;
  }
  if (kid->is_async && !in_async(c)) {
    report(c, DIAG_SYNTAX, n, "asynchronous comprehension outside of an asynchronous function");
    return;
  }
  c_make_function(c, kid, name, 0);
  c_expr(c, n->u.comp.generators.items[0]->u.comprehension.iter);
  emit(c, OP_GET_ITER, 0);
  c->u->line = n->line;
  emit(c, OP_CALL, 1);
  if (kid->is_async)
    emit_await(c, 0);
}

static bool const_value(const ast_node *e, value *out) {
  switch (e->kind) {
  case AST_INT:
    *out = val_int(e->u.int_value);
    return true;
  case AST_FLOAT:
    *out = val_float(e->u.float_value);
    return true;
  case AST_TRUE:
  case AST_FALSE:
    *out = val_bool(e->kind == AST_TRUE);
    return true;
  case AST_NONE:
    *out = val_none();
    return true;
  case AST_UNARYOP: /* -1 is a constant after CPython's folding */
    if ((e->u.unaryop.op != AST_UOP_NEG && e->u.unaryop.op != AST_UOP_POS) ||
        !const_value(e->u.unaryop.operand, out))
      return false;
    if (out->t == VAL_FLOAT) {
      if (e->u.unaryop.op == AST_UOP_NEG)
        out->as.f = -out->as.f;
      return true;
    }
    if (out->t != VAL_INT || out->as.i == INT64_MIN)
      return false;
    if (e->u.unaryop.op == AST_UOP_NEG)
      out->as.i = -out->as.i;
    return true;
  default:
    return false;
  }
}

/* A set display of three or more constants: CPython folds it into a constant
 * frozenset and merges that into a new set, and the merge decides the order
 * the set iterates in; loopviz does the same (numbers only: the order of
 * strings in a set is random in CPython anyway). */
static bool c_const_set(comp *c, ast_list *elts) {
  if (elts->count < 3 || elts->count > 256)
    return false;
  value items[256];
  for (int i = 0; i < elts->count; i++)
    if (!const_value(elts->items[i], &items[i]))
      return false;
  obj_dict *fs = obj_set_literal(c->v, items, (size_t)elts->count, true);
  if (!fs) {
    c->failed = c->nomem = true;
    return true;
  }
  emit(c, OP_BUILD_SET, 0);
  emit_const(c, val_obj(fs));
  emit(c, OP_SET_UPDATE, 1);
  return true;
}

/* `for x in {1, 2, 3}` and `x in {1, 2, 3}` use CPython's frozenset constant
 * itself (its iteration order is that of the folded constant). */
static void c_iterable(comp *c, ast_node *n) {
  if (n->kind == AST_SET && n->u.seq.elts.count >= 3 && n->u.seq.elts.count <= 256) {
    value items[256];
    bool all = true;
    for (int i = 0; i < n->u.seq.elts.count && all; i++)
      all = const_value(n->u.seq.elts.items[i], &items[i]);
    if (all) {
      obj_dict *fs = obj_set_literal(c->v, items, (size_t)n->u.seq.elts.count, true);
      if (!fs) {
        c->failed = c->nomem = true;
        return;
      }
      emit_const(c, val_obj(fs));
      return;
    }
  }
  c_expr(c, n);
}

static void c_expr(comp *c, ast_node *n) {
  if (c->failed)
    return;
  int saved = c->u->line;
  c->u->line = n->line;
  switch (n->kind) {
  case AST_NAME:
    emit_name(c, n, n->u.name, CTX_LOAD);
    break;
  case AST_INT:
    emit_const(c, val_int(n->u.int_value));
    break;
  case AST_FLOAT: {
    /* floats are compared bitwise by add_const, so keep each as its own */
    unit *u = c->u;
    if (grow(c, (void **)&u->consts, &u->capconsts, u->nconsts + 1, sizeof *u->consts)) {
      u->consts[u->nconsts] = val_float(n->u.float_value);
      emit(c, OP_LOAD_CONST, u->nconsts++);
    }
    break;
  }
  case AST_STR:
    emit_str(c, n->u.str.data, n->u.str.len);
    break;
  case AST_TRUE:
    emit_const(c, val_bool(true));
    break;
  case AST_FALSE:
    emit_const(c, val_bool(false));
    break;
  case AST_NONE:
    emit_none(c);
    break;
  case AST_FSTRING:
    c_fstring(c, n);
    break;
  case AST_BINOP:
    c_expr(c, n->u.binop.left);
    c_expr(c, n->u.binop.right);
    c->u->line = n->line;
    emit(c, OP_BINARY, (uint32_t)n->u.binop.op);
    break;
  case AST_UNARYOP:
    c_expr(c, n->u.unaryop.operand);
    c->u->line = n->line;
    emit(c, OP_UNARY, (uint32_t)n->u.unaryop.op);
    break;
  case AST_BOOLOP: {
    ast_list *vals = &n->u.boolop.values;
    int *jumps = calloc((size_t)vals->count, sizeof *jumps);
    if (!jumps) {
      c->failed = c->nomem = true;
      break;
    }
    for (int i = 0; i < vals->count; i++) {
      c_expr(c, vals->items[i]);
      if (i + 1 < vals->count)
        jumps[i] = emit(c, n->u.boolop.is_or ? OP_JUMP_IF_TRUE_OR_POP : OP_JUMP_IF_FALSE_OR_POP, 0);
    }
    for (int i = 0; i + 1 < vals->count; i++)
      patch(c, jumps[i], here(c));
    free(jumps);
    break;
  }
  case AST_COMPARE:
    c_compare(c, n);
    break;
  case AST_IFEXP: {
    c_expr(c, n->u.ifexp.test);
    int j = emit(c, OP_POP_JUMP_IF_FALSE, 0);
    c_expr(c, n->u.ifexp.body);
    int e = emit(c, OP_JUMP, 0);
    patch(c, j, here(c));
    c_expr(c, n->u.ifexp.orelse);
    patch(c, e, here(c));
    break;
  }
  case AST_LAMBDA: {
    scope *kid = kid_for(c, n);
    if (!kid)
      break;
    int flags = c_defaults(c, n->u.lambda.args);
    c_make_function(c, kid, "<lambda>", flags);
    break;
  }
  case AST_CALL:
    c_call(c, n);
    break;
  case AST_ATTRIBUTE:
    c_expr(c, n->u.attribute.value);
    c->u->line = n->line;
    emit(c, OP_LOAD_ATTR, add_name(c, n->u.attribute.attr));
    break;
  case AST_SUBSCRIPT:
    c_expr(c, n->u.subscript.value);
    c_expr(c, n->u.subscript.index);
    c->u->line = n->line;
    emit(c, OP_BINARY_SUBSCR, 0);
    break;
  case AST_SLICE:
    if (n->u.slice.lower)
      c_expr(c, n->u.slice.lower);
    else
      emit_none(c);
    if (n->u.slice.upper)
      c_expr(c, n->u.slice.upper);
    else
      emit_none(c);
    if (n->u.slice.step) {
      c_expr(c, n->u.slice.step);
      emit(c, OP_BUILD_SLICE, 3);
    } else {
      emit(c, OP_BUILD_SLICE, 2);
    }
    break;
  case AST_STARRED:
    report(c, DIAG_SYNTAX, n, "can't use starred expression here");
    break;
  case AST_LIST:
  case AST_TUPLE:
    if (has_starred(&n->u.seq.elts)) {
      c_starred_list(c, &n->u.seq.elts);
      if (n->kind == AST_TUPLE)
        emit(c, OP_LIST_TO_TUPLE, 0);
    } else {
      c_exprs(c, &n->u.seq.elts);
      emit(c, n->kind == AST_LIST ? OP_BUILD_LIST : OP_BUILD_TUPLE, (uint32_t)n->u.seq.elts.count);
    }
    break;
  case AST_SET:
    if (c_const_set(c, &n->u.seq.elts))
      break;
    if (has_starred(&n->u.seq.elts)) {
      emit(c, OP_BUILD_SET, 0);
      for (int i = 0; i < n->u.seq.elts.count; i++) {
        ast_node *e = n->u.seq.elts.items[i];
        if (e->kind == AST_STARRED) {
          c_expr(c, e->u.starred.value);
          emit(c, OP_SET_UPDATE, 1);
        } else {
          c_expr(c, e);
          emit(c, OP_SET_ADD, 1);
        }
      }
    } else {
      c_exprs(c, &n->u.seq.elts);
      emit(c, OP_BUILD_SET, (uint32_t)n->u.seq.elts.count);
    }
    break;
  case AST_DICT: {
    bool unpack = false;
    for (int i = 0; i < n->u.dict.keys.count; i++)
      if (!n->u.dict.keys.items[i])
        unpack = true;
    if (!unpack) {
      for (int i = 0; i < n->u.dict.keys.count; i++) {
        c_expr(c, n->u.dict.keys.items[i]);
        c_expr(c, n->u.dict.values.items[i]);
      }
      emit(c, OP_BUILD_MAP, (uint32_t)n->u.dict.keys.count);
    } else {
      emit(c, OP_BUILD_MAP, 0);
      for (int i = 0; i < n->u.dict.keys.count; i++) {
        if (n->u.dict.keys.items[i]) {
          c_expr(c, n->u.dict.keys.items[i]);
          c_expr(c, n->u.dict.values.items[i]);
          emit(c, OP_MAP_ADD, 1);
        } else {
          c_expr(c, n->u.dict.values.items[i]);
          emit(c, OP_DICT_UPDATE, 1);
        }
      }
    }
    break;
  }
  case AST_LISTCOMP:
  case AST_SETCOMP:
  case AST_GENEXP:
  case AST_DICTCOMP:
    c_comprehension(c, n);
    break;
  case AST_AWAIT:
    if (c->u->sc->kind != SC_FUNCTION) {
      report(c, DIAG_SYNTAX, n, "'await' outside function");
      break;
    }
    if (!c->u->sc->is_async) {
      report(c, DIAG_SYNTAX, n,
             c->u->sc->is_comp ? "asynchronous comprehension outside of an asynchronous function"
                               : "'await' outside async function");
      break;
    }
    c_expr(c, n->u.await_.value);
    c->u->line = n->line;
    emit_await(c, 0);
    break;
  case AST_YIELD:
    if (c->u->sc->kind != SC_FUNCTION || c->u->sc->is_lambda) {
      report(c, DIAG_SYNTAX, n, "'yield' outside function");
      break;
    }
    if (n->u.yield_.value)
      c_expr(c, n->u.yield_.value);
    else
      emit_none(c);
    c->u->line = n->line;
    emit(c, OP_YIELD_VALUE, 0);
    break;
  default:
    report(c, DIAG_SYNTAX, n, "invalid syntax");
    break;
  }
  c->u->line = saved;
}

/* ------------------------------------------------------------------------ */
/* Targets                                                                  */
/* ------------------------------------------------------------------------ */

static void c_store(comp *c, ast_node *t) {
  if (c->failed)
    return;
  int saved = c->u->line;
  c->u->line = t->line;
  switch (t->kind) {
  case AST_NAME:
    emit_name(c, t, t->u.name, CTX_STORE);
    break;
  case AST_ATTRIBUTE:
    c_expr(c, t->u.attribute.value);
    emit(c, OP_STORE_ATTR, add_name(c, t->u.attribute.attr));
    break;
  case AST_SUBSCRIPT:
    c_expr(c, t->u.subscript.value);
    c_expr(c, t->u.subscript.index);
    emit(c, OP_STORE_SUBSCR, 0);
    break;
  case AST_TUPLE:
  case AST_LIST: {
    ast_list *e = &t->u.seq.elts;
    int star = -1;
    for (int i = 0; i < e->count; i++)
      if (e->items[i]->kind == AST_STARRED) {
        if (star >= 0) {
          report(c, DIAG_SYNTAX, e->items[i], "multiple starred expressions in assignment");
          return;
        }
        star = i;
      }
    if (star < 0) {
      emit(c, OP_UNPACK_SEQUENCE, (uint32_t)e->count);
    } else {
      int after = e->count - star - 1;
      if (star > 255 || after > 255) {
        report(c, DIAG_SYNTAX, t, "too many expressions in star-unpacking assignment");
        return;
      }
      emit(c, OP_UNPACK_EX, (uint32_t)star | ((uint32_t)after << 8));
    }
    for (int i = 0; i < e->count; i++) {
      ast_node *x = e->items[i];
      c_store(c, x->kind == AST_STARRED ? x->u.starred.value : x);
    }
    break;
  }
  case AST_STARRED:
    report(c, DIAG_SYNTAX, t, "starred assignment target must be in a list or tuple");
    break;
  default:
    report(c, DIAG_SYNTAX, t, "cannot assign to expression");
    break;
  }
  c->u->line = saved;
}

static void c_delete(comp *c, ast_node *t) {
  switch (t->kind) {
  case AST_NAME:
    emit_name(c, t, t->u.name, CTX_DEL);
    break;
  case AST_ATTRIBUTE:
    c_expr(c, t->u.attribute.value);
    emit(c, OP_DELETE_ATTR, add_name(c, t->u.attribute.attr));
    break;
  case AST_SUBSCRIPT:
    c_expr(c, t->u.subscript.value);
    c_expr(c, t->u.subscript.index);
    emit(c, OP_DELETE_SUBSCR, 0);
    break;
  case AST_TUPLE:
  case AST_LIST:
    for (int i = 0; i < t->u.seq.elts.count; i++)
      c_delete(c, t->u.seq.elts.items[i]);
    break;
  default:
    report(c, DIAG_SYNTAX, t, "cannot delete expression");
    break;
  }
}

/* ------------------------------------------------------------------------ */
/* Statements                                                               */
/* ------------------------------------------------------------------------ */

static void c_stmt(comp *c, ast_node *n);

/* Emits the code that leaves block b on the way out of a return (with the
 * return value on top when preserve) or a break/continue. */
static void c_unwind_one(comp *c, fblock *b, bool preserve) {
  switch (b->kind) {
  case FB_LOOP:
    if (preserve)
      emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_TOP, 0);
    break;
  case FB_WHILE:
  case FB_TRY_EXCEPT:
    break;
  case FB_TRY_FINALLY: {
    /* run the finally body with this block and the ones inside it out of
     * the way; they are restored afterwards */
    int idx = (int)(b - c->u->fb);
    int top = c->u->nfb;
    ast_list *body = b->finalbody;
    fblock saved[COMP_MAX_FBLOCKS];
    memcpy(saved, &c->u->fb[idx], (size_t)(top - idx) * sizeof *saved);
    c->u->nfb = idx;
    c_stmts(c, body);
    while (c->u->nfb > idx)
      fb_pop(c);
    memcpy(&c->u->fb[idx], saved, (size_t)(top - idx) * sizeof *saved);
    c->u->nfb = top;
    break;
  }
  case FB_HANDLER:
    if (preserve)
      emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_EXCEPT, 0);
    if (b->name) {
      emit_none(c);
      emit_name(c, NULL, b->name, CTX_STORE);
      emit_name(c, NULL, b->name, CTX_DEL);
    }
    break;
  case FB_FINALLY_EXC:
    /* prev exc [ret] -> [ret]: the exception is dropped */
    if (preserve) {
      emit(c, OP_ROT_TWO, 0);
      emit(c, OP_POP_TOP, 0);
      emit(c, OP_ROT_TWO, 0);
    } else {
      emit(c, OP_POP_TOP, 0);
    }
    emit(c, OP_POP_EXCEPT, 0);
    break;
  case FB_WITH:
    if (preserve)
      emit(c, OP_ROT_TWO, 0);
    emit_none(c);
    emit(c, OP_DUP_TOP, 0);
    emit(c, OP_DUP_TOP, 0);
    emit(c, OP_CALL, 3);
    if (b->is_async)
      emit_await(c, 2);
    emit(c, OP_POP_TOP, 0);
    break;
  }
}

/* Leaves blocks from the innermost down to (not including) index stop.
 * Returns the indices of blocks whose regions were paused in *paused. */
static void c_unwind(comp *c, int stop, bool preserve, int *paused, int *npaused) {
  *npaused = 0;
  for (int i = c->u->nfb - 1; i >= stop && !c->failed; i--) {
    fblock *b = &c->u->fb[i];
    if (b->region >= 0 && c->u->regions[b->region].open) {
      region_pause(c, b->region);
      paused[(*npaused)++] = i;
    }
    c_unwind_one(c, b, preserve);
  }
}

static void c_resume(comp *c, const int *paused, int npaused) {
  for (int i = 0; i < npaused; i++)
    region_resume(c, c->u->fb[paused[i]].region);
}

static void c_return(comp *c, ast_node *n) {
  if (c->u->sc->kind != SC_FUNCTION || c->u->sc->is_comp) {
    report(c, DIAG_SYNTAX, n, "'return' outside function");
    return;
  }
  if (n->u.return_.value && c->u->sc->has_yield && c->u->sc->is_async) {
    report(c, DIAG_SYNTAX, n, "'return' with value in async generator");
    return;
  }
  if (n->u.return_.value)
    c_expr(c, n->u.return_.value);
  else
    emit_none(c);
  int paused[COMP_MAX_FBLOCKS];
  int np = 0;
  c_unwind(c, 0, true, paused, &np);
  c->u->line = n->line;
  emit(c, OP_RETURN_VALUE, 0);
  c_resume(c, paused, np);
}

static void c_break_continue(comp *c, ast_node *n) {
  bool is_break = n->kind == AST_BREAK;
  int li = -1;
  for (int i = c->u->nfb - 1; i >= 0; i--)
    if (c->u->fb[i].kind == FB_LOOP || c->u->fb[i].kind == FB_WHILE) {
      li = i;
      break;
    }
  if (li < 0) {
    report(c, DIAG_SYNTAX, n,
           is_break ? "'break' outside loop" : "'continue' not properly in loop");
    return;
  }
  int paused[COMP_MAX_FBLOCKS];
  int np = 0;
  c_unwind(c, li + 1, false, paused, &np);
  fblock *loopb = &c->u->fb[li];
  if (is_break) {
    if (loopb->kind == FB_LOOP)
      emit(c, OP_POP_TOP, 0);
    fb_add_break(c, loopb, emit(c, OP_JUMP, 0));
  } else {
    emit(c, OP_JUMP, loopb->cont);
  }
  c_resume(c, paused, np);
}

static void c_if(comp *c, ast_node *n) {
  c_expr(c, n->u.if_.test);
  int j = emit(c, OP_POP_JUMP_IF_FALSE, 0);
  c_stmts(c, &n->u.if_.body);
  if (n->u.if_.orelse.count) {
    int e = emit(c, OP_JUMP, 0);
    patch(c, j, here(c));
    c_stmts(c, &n->u.if_.orelse);
    patch(c, e, here(c));
  } else {
    patch(c, j, here(c));
  }
}

static void c_while(comp *c, ast_node *n) {
  uint32_t start = here(c);
  int exit = -1;
  if (n->u.while_.test->kind != AST_TRUE) {
    c_expr(c, n->u.while_.test);
    exit = emit(c, OP_POP_JUMP_IF_FALSE, 0);
  }
  fblock *b = fb_push(c, FB_WHILE, n);
  if (!b)
    return;
  b->cont = start;
  c_stmts(c, &n->u.while_.body);
  emit(c, OP_JUMP, start);
  fblock saved = c->u->fb[c->u->nfb - 1];
  c->u->nfb--;
  if (exit >= 0)
    patch(c, exit, here(c));
  c_stmts(c, &n->u.while_.orelse);
  for (int i = 0; i < saved.nbreaks; i++)
    patch(c, saved.breaks[i], here(c));
  free(saved.breaks);
}

static void c_for(comp *c, ast_node *n) {
  bool is_async = n->u.for_.is_async;
  if (is_async && !in_async(c)) {
    report(c, DIAG_SYNTAX, n, "'async for' outside async function");
    return;
  }
  c_iterable(c, n->u.for_.iter);
  c->u->line = n->line;
  uint32_t start;
  int exit = -1, reg = -1;
  if (!is_async) {
    emit(c, OP_GET_ITER, 0);
    start = here(c);
    exit = emit(c, OP_FOR_ITER, 0);
  } else {
    emit(c, OP_GET_AITER, 0);
    start = here(c);
    reg = region_open(c, fb_depth(c) + 1, false);
    emit(c, OP_GET_ANEXT, 0);
    emit_none(c);
    emit(c, OP_SEND, 0);
    region_close(c, reg);
  }
  c_store(c, n->u.for_.target);
  fblock *b = fb_push(c, FB_LOOP, n);
  if (!b)
    return;
  b->cont = start;
  c_stmts(c, &n->u.for_.body);
  c->u->line = n->line;
  emit(c, OP_JUMP, start);
  fblock saved = c->u->fb[c->u->nfb - 1];
  c->u->nfb--;
  if (!is_async) {
    patch(c, exit, here(c));
  } else {
    region_target(c, reg);
    emit(c, OP_END_ASYNC_FOR, 0);
  }
  c_stmts(c, &n->u.for_.orelse);
  for (int i = 0; i < saved.nbreaks; i++)
    patch(c, saved.breaks[i], here(c));
  free(saved.breaks);
}

/* try/except (and else); finally is handled by c_try around this. */
static void c_try_except(comp *c, ast_node *n) {
  uint32_t d = fb_depth(c);
  int reg = region_open(c, d, true);
  fblock *b = fb_push(c, FB_TRY_EXCEPT, n);
  if (!b)
    return;
  b->region = reg;
  c_stmts(c, &n->u.try_.body);
  fb_pop(c);
  region_close(c, reg);
  int to_else = emit(c, OP_JUMP, 0);
  /* handlers: [prev, exc] */
  region_target(c, reg);
  int *ends = calloc((size_t)n->u.try_.handlers.count + 1, sizeof *ends);
  if (!ends) {
    c->failed = c->nomem = true;
    return;
  }
  int nends = 0;
  int match = region_open(c, d + 1, false); /* errors while matching */
  for (int i = 0; i < n->u.try_.handlers.count && !c->failed; i++) {
    ast_node *h = n->u.try_.handlers.items[i];
    c->u->line = h->line;
    if (!h->u.handler.type && i + 1 < n->u.try_.handlers.count) {
      report(c, DIAG_SYNTAX, h, "default 'except:' must be last");
      break;
    }
    int next = -1;
    if (h->u.handler.type) {
      c_expr(c, h->u.handler.type);
      emit(c, OP_CHECK_EXC_MATCH, 0);
      next = emit(c, OP_POP_JUMP_IF_FALSE, 0);
    }
    const char *name = h->u.handler.name;
    if (name)
      emit_name(c, h, name, CTX_STORE);
    else
      emit(c, OP_POP_TOP, 0);
    region_pause(c, match);
    /* body: [prev] */
    int body_reg = region_open(c, d + 1, false);
    fblock *hb = fb_push(c, FB_HANDLER, h);
    if (!hb)
      break;
    hb->region = body_reg;
    hb->name = name;
    c_stmts(c, &h->u.handler.body);
    fb_pop(c);
    region_close(c, body_reg);
    emit(c, OP_POP_EXCEPT, 0);
    if (name) {
      emit_none(c);
      emit_name(c, h, name, CTX_STORE);
      emit_name(c, h, name, CTX_DEL);
    }
    ends[nends++] = emit(c, OP_JUMP, 0);
    /* exception escaping the body: [prev, exc2] */
    region_target(c, body_reg);
    if (name) {
      emit_none(c);
      emit_name(c, h, name, CTX_STORE);
      emit_name(c, h, name, CTX_DEL);
    }
    emit(c, OP_RERAISE, 0);
    region_resume(c, match);
    if (next >= 0)
      patch(c, next, here(c));
  }
  /* nothing matched: [prev, exc] */
  emit(c, OP_RERAISE, 0);
  region_close(c, match);
  region_target(c, match);
  emit(c, OP_RERAISE, 0);
  patch(c, to_else, here(c));
  c_stmts(c, &n->u.try_.orelse);
  for (int i = 0; i < nends; i++)
    patch(c, ends[i], here(c));
  free(ends);
}

static void c_try(comp *c, ast_node *n) {
  if (!n->u.try_.finalbody.count) {
    c_try_except(c, n);
    return;
  }
  uint32_t d = fb_depth(c);
  int reg = region_open(c, d, true);
  fblock *b = fb_push(c, FB_TRY_FINALLY, n);
  if (!b)
    return;
  b->region = reg;
  b->finalbody = &n->u.try_.finalbody;
  if (n->u.try_.handlers.count)
    c_try_except(c, n);
  else
    c_stmts(c, &n->u.try_.body);
  fb_pop(c);
  region_close(c, reg);
  c_stmts(c, &n->u.try_.finalbody);
  int end = emit(c, OP_JUMP, 0);
  /* exceptional path: [prev, exc] */
  region_target(c, reg);
  int clean = region_open(c, d + 1, false);
  fblock *fe = fb_push(c, FB_FINALLY_EXC, n);
  if (!fe)
    return;
  fe->region = clean;
  c_stmts(c, &n->u.try_.finalbody);
  fb_pop(c);
  region_close(c, clean);
  emit(c, OP_RERAISE, 0);
  region_target(c, clean);
  emit(c, OP_RERAISE, 0);
  patch(c, end, here(c));
}

static void c_with_items(comp *c, ast_node *n, int idx) {
  ast_node *it = n->u.with.items.items[idx];
  bool is_async = n->u.with.is_async;
  uint32_t d = fb_depth(c);
  c_expr(c, it->u.withitem.context_expr);
  c->u->line = n->line;
  emit(c, OP_BEFORE_WITH, is_async ? 1 : 0);
  if (is_async)
    emit_await(c, 1);
  int reg = region_open(c, d + 1, true);
  if (it->u.withitem.optional_vars)
    c_store(c, it->u.withitem.optional_vars);
  else
    emit(c, OP_POP_TOP, 0);
  fblock *b = fb_push(c, FB_WITH, n);
  if (!b)
    return;
  b->region = reg;
  b->is_async = is_async;
  if (idx + 1 < n->u.with.items.count)
    c_with_items(c, n, idx + 1);
  else
    c_stmts(c, &n->u.with.body);
  fb_pop(c);
  region_close(c, reg);
  c->u->line = n->line;
  emit_none(c);
  emit(c, OP_DUP_TOP, 0);
  emit(c, OP_DUP_TOP, 0);
  emit(c, OP_CALL, 3);
  if (is_async)
    emit_await(c, 2);
  emit(c, OP_POP_TOP, 0);
  int end = emit(c, OP_JUMP, 0);
  /* [exit, prev, exc] */
  region_target(c, reg);
  int clean = region_open(c, d + 2, false);
  emit(c, OP_WITH_EXCEPT_START, 0);
  if (is_async)
    emit_await(c, 2);
  int suppress = emit(c, OP_POP_JUMP_IF_TRUE, 0);
  emit(c, OP_RERAISE, 0);
  patch(c, suppress, here(c));
  emit(c, OP_POP_TOP, 0);
  emit(c, OP_POP_EXCEPT, 0);
  emit(c, OP_POP_TOP, 0);
  region_close(c, clean);
  int end2 = emit(c, OP_JUMP, 0);
  region_target(c, clean);
  emit(c, OP_RERAISE, 0);
  patch(c, end, here(c));
  patch(c, end2, here(c));
}

static void c_funcdef(comp *c, ast_node *n) {
  if (n->u.funcdef.is_async && n->u.funcdef.decorators.count == 0) {
    /* nothing special: the code flag makes calls return coroutines */
  }
  scope *kid = kid_for(c, n);
  if (!kid)
    return;
  c_exprs(c, &n->u.funcdef.decorators);
  int flags = c_defaults(c, n->u.funcdef.args);
  c->u->line = n->line;
  c_make_function(c, kid, n->u.funcdef.name, flags);
  for (int i = 0; i < n->u.funcdef.decorators.count; i++)
    emit(c, OP_CALL, 1);
  emit_name(c, n, n->u.funcdef.name, CTX_STORE);
}

static void c_classdef(comp *c, ast_node *n) {
  if (n->u.classdef.bases.count > 1) {
    report(c, DIAG_UNSUPPORTED, n->u.classdef.bases.items[1],
           "multiple inheritance is not supported in scenarios");
    return;
  }
  if (n->u.classdef.keywords.count) {
    report(c, DIAG_UNSUPPORTED, n->u.classdef.keywords.items[0],
           "class keywords (metaclass=...) are not supported in scenarios");
    return;
  }
  scope *kid = kid_for(c, n);
  if (!kid)
    return;
  c_exprs(c, &n->u.classdef.decorators);
  c->u->line = n->line;
  c_make_function(c, kid, n->u.classdef.name, 0);
  emit_str(c, n->u.classdef.name, strlen(n->u.classdef.name));
  if (n->u.classdef.bases.count)
    c_expr(c, n->u.classdef.bases.items[0]);
  c->u->line = n->line;
  emit(c, OP_MAKE_CLASS, n->u.classdef.bases.count ? 1 : 0);
  for (int i = 0; i < n->u.classdef.decorators.count; i++)
    emit(c, OP_CALL, 1);
  emit_name(c, n, n->u.classdef.name, CTX_STORE);
}

static void c_import(comp *c, ast_node *n) {
  ast_list *names = &n->u.import.names;
  if (n->kind == AST_IMPORT) {
    for (int i = 0; i < names->count; i++) {
      ast_node *a = names->items[i];
      const char *name = a->u.alias.name;
      if (strchr(name, '.')) {
        report(c, DIAG_UNSUPPORTED, a, "dotted imports are not supported in scenarios (import %s)",
               name);
        return;
      }
      emit(c, OP_IMPORT_NAME, add_name(c, name));
      emit_name(c, a, a->u.alias.asname ? a->u.alias.asname : name, CTX_STORE);
    }
    return;
  }
  if (n->u.import.level > 0) {
    report(c, DIAG_UNSUPPORTED, n, "relative imports are not supported in scenarios");
    return;
  }
  if (strchr(n->u.import.module, '.')) {
    report(c, DIAG_UNSUPPORTED, n,
           "dotted imports are not supported in scenarios (from %s import ...)",
           n->u.import.module);
    return;
  }
  emit(c, OP_IMPORT_NAME, add_name(c, n->u.import.module));
  for (int i = 0; i < names->count; i++) {
    ast_node *a = names->items[i];
    if (strcmp(a->u.alias.name, "*") == 0) {
      if (c->u->sc->kind != SC_MODULE) {
        report(c, DIAG_SYNTAX, n, "import * only allowed at module level");
        return;
      }
      emit(c, OP_IMPORT_STAR, 0);
      return;
    }
    emit(c, OP_IMPORT_FROM, add_name(c, a->u.alias.name));
    emit_name(c, a, a->u.alias.asname ? a->u.alias.asname : a->u.alias.name, CTX_STORE);
  }
  emit(c, OP_POP_TOP, 0);
}

static void c_stmt(comp *c, ast_node *n) {
  if (c->failed)
    return;
  c->u->line = n->line;
  c->u->stmt_pending = n->line;
  switch (n->kind) {
  case AST_EXPR:
    c_expr(c, n->u.expr_stmt.value);
    emit(c, OP_POP_TOP, 0);
    break;
  case AST_ASSIGN: {
    c_expr(c, n->u.assign.value);
    ast_list *t = &n->u.assign.targets;
    for (int i = 0; i < t->count; i++) {
      if (i + 1 < t->count)
        emit(c, OP_DUP_TOP, 0);
      c_store(c, t->items[i]);
    }
    break;
  }
  case AST_AUGASSIGN: {
    ast_node *t = n->u.augassign.target;
    uint32_t op = (uint32_t)n->u.augassign.op;
    if (t->kind == AST_NAME) {
      emit_name(c, t, t->u.name, CTX_LOAD);
      c_expr(c, n->u.augassign.value);
      c->u->line = n->line;
      emit(c, OP_INPLACE, op);
      emit_name(c, t, t->u.name, CTX_STORE);
    } else if (t->kind == AST_ATTRIBUTE) {
      c_expr(c, t->u.attribute.value);
      emit(c, OP_DUP_TOP, 0);
      uint32_t nm = add_name(c, t->u.attribute.attr);
      emit(c, OP_LOAD_ATTR, nm);
      c_expr(c, n->u.augassign.value);
      c->u->line = n->line;
      emit(c, OP_INPLACE, op);
      emit(c, OP_ROT_TWO, 0);
      emit(c, OP_STORE_ATTR, nm);
    } else if (t->kind == AST_SUBSCRIPT) {
      c_expr(c, t->u.subscript.value);
      c_expr(c, t->u.subscript.index);
      emit(c, OP_DUP_TOP_TWO, 0);
      emit(c, OP_BINARY_SUBSCR, 0);
      c_expr(c, n->u.augassign.value);
      c->u->line = n->line;
      emit(c, OP_INPLACE, op);
      emit(c, OP_ROT_THREE, 0);
      emit(c, OP_STORE_SUBSCR, 0);
    } else {
      report(c, DIAG_SYNTAX, t, "'%s' is an illegal expression for augmented assignment",
             t->kind == AST_TUPLE  ? "tuple"
             : t->kind == AST_LIST ? "list"
                                   : "expression");
    }
    break;
  }
  case AST_ANNASSIGN:
    if (n->u.annassign.value) {
      c_expr(c, n->u.annassign.value);
      c_store(c, n->u.annassign.target);
    }
    break;
  case AST_IF:
    c_if(c, n);
    break;
  case AST_WHILE:
    c_while(c, n);
    break;
  case AST_FOR:
    c_for(c, n);
    break;
  case AST_BREAK:
  case AST_CONTINUE:
    c_break_continue(c, n);
    break;
  case AST_PASS:
    break;
  case AST_RETURN:
    c_return(c, n);
    break;
  case AST_FUNCDEF:
    c_funcdef(c, n);
    break;
  case AST_CLASSDEF:
    c_classdef(c, n);
    break;
  case AST_TRY:
    c_try(c, n);
    break;
  case AST_RAISE:
    if (n->u.raise_.exc) {
      c_expr(c, n->u.raise_.exc);
      if (n->u.raise_.cause)
        c_expr(c, n->u.raise_.cause);
    }
    c->u->line = n->line;
    emit(c, OP_RAISE_VARARGS, n->u.raise_.exc ? (n->u.raise_.cause ? 2 : 1) : 0);
    break;
  case AST_GLOBAL:
  case AST_NONLOCAL:
    break;
  case AST_ASSERT: {
    c_expr(c, n->u.assert_.test);
    int ok = emit(c, OP_POP_JUMP_IF_TRUE, 0);
    emit(c, OP_LOAD_ASSERTION_ERROR, 0);
    if (n->u.assert_.msg) {
      c_expr(c, n->u.assert_.msg);
      emit(c, OP_CALL, 1);
    }
    c->u->line = n->line;
    emit(c, OP_RAISE_VARARGS, 1);
    patch(c, ok, here(c));
    break;
  }
  case AST_DELETE:
    for (int i = 0; i < n->u.delete.targets.count; i++)
      c_delete(c, n->u.delete.targets.items[i]);
    break;
  case AST_WITH:
    if (n->u.with.is_async && !in_async(c)) {
      report(c, DIAG_SYNTAX, n, "'async with' outside async function");
      break;
    }
    c_with_items(c, n, 0);
    break;
  case AST_IMPORT:
  case AST_IMPORTFROM:
    c_import(c, n);
    break;
  default:
    report(c, DIAG_SYNTAX, n, "invalid syntax");
    break;
  }
}

static void c_stmts(comp *c, ast_list *l) {
  for (int i = 0; i < l->count && !c->failed; i++)
    c_stmt(c, l->items[i]);
}

/* ------------------------------------------------------------------------ */
/* Code objects                                                             */
/* ------------------------------------------------------------------------ */

/* Stack effect of one instruction on the fall-through path and, for
 * jumps, on the jump path. Returns false when flow does not fall through. */
static bool op_effect(code_op op, uint32_t arg, int *fall, int *jump, bool *jumps) {
  *jump = 0;
  *jumps = false;
  switch (op) {
  case OP_NOP:
  case OP_ROT_TWO:
  case OP_ROT_THREE:
  case OP_ROT_FOUR:
  case OP_DELETE_FAST:
  case OP_DELETE_DEREF:
  case OP_DELETE_GLOBAL:
  case OP_DELETE_NAME:
  case OP_LOAD_ATTR:
  case OP_UNARY:
  case OP_GET_ITER:
  case OP_LIST_TO_TUPLE:
  case OP_YIELD_VALUE:
  case OP_GET_AWAITABLE:
  case OP_GET_AITER:
  case OP_CHECK_EXC_MATCH:
    *fall = 0;
    return true;
  case OP_POP_TOP:
  case OP_STORE_FAST:
  case OP_STORE_DEREF:
  case OP_STORE_GLOBAL:
  case OP_STORE_NAME:
  case OP_DELETE_ATTR:
  case OP_BINARY:
  case OP_INPLACE:
  case OP_COMPARE:
  case OP_BINARY_SUBSCR:
  case OP_LIST_APPEND:
  case OP_SET_ADD:
  case OP_LIST_EXTEND:
  case OP_SET_UPDATE:
  case OP_DICT_UPDATE:
  case OP_DICT_MERGE:
  case OP_SEND:
  case OP_POP_EXCEPT:
  case OP_IMPORT_STAR:
    *fall = -1;
    return true;
  case OP_DUP_TOP:
  case OP_LOAD_CONST:
  case OP_LOAD_FAST:
  case OP_LOAD_DEREF:
  case OP_LOAD_CLOSURE:
  case OP_LOAD_GLOBAL:
  case OP_LOAD_NAME:
  case OP_GET_ANEXT:
  case OP_BEFORE_WITH:
  case OP_WITH_EXCEPT_START:
  case OP_LOAD_ASSERTION_ERROR:
  case OP_IMPORT_NAME:
  case OP_IMPORT_FROM:
  case OP_SUPER0:
    *fall = 1;
    return true;
  case OP_DUP_TOP_TWO:
    *fall = 2;
    return true;
  case OP_STORE_ATTR:
  case OP_MAP_ADD:
  case OP_DELETE_SUBSCR:
  case OP_END_ASYNC_FOR:
    *fall = -2;
    return true;
  case OP_STORE_SUBSCR:
    *fall = -3;
    return true;
  case OP_BUILD_SLICE:
    *fall = 1 - (int)arg;
    return true;
  case OP_JUMP:
    *jumps = true;
    *jump = 0;
    return false;
  case OP_POP_JUMP_IF_FALSE:
  case OP_POP_JUMP_IF_TRUE:
    *jumps = true;
    *jump = -1;
    *fall = -1;
    return true;
  case OP_JUMP_IF_FALSE_OR_POP:
  case OP_JUMP_IF_TRUE_OR_POP:
    *jumps = true;
    *jump = 0;
    *fall = -1;
    return true;
  case OP_FOR_ITER:
    *jumps = true;
    *jump = -1;
    *fall = 1;
    return true;
  case OP_BUILD_LIST:
  case OP_BUILD_TUPLE:
  case OP_BUILD_SET:
  case OP_BUILD_STRING:
    *fall = 1 - (int)arg;
    return true;
  case OP_BUILD_MAP:
    *fall = 1 - 2 * (int)arg;
    return true;
  case OP_UNPACK_SEQUENCE:
    *fall = (int)arg - 1;
    return true;
  case OP_UNPACK_EX:
    *fall = (int)(arg & 0xff) + (int)(arg >> 8);
    return true;
  case OP_FORMAT_VALUE:
    *fall = (arg & 4) ? -1 : 0;
    return true;
  case OP_CALL:
    *fall = -(int)arg;
    return true;
  case OP_LOAD_METHOD:
    *fall = 1;
    return true;
  case OP_CALL_METHOD:
    *fall = -(int)arg - 1;
    return true;
  case OP_CALL_KW:
    *fall = -(int)arg - 1;
    return true;
  case OP_CALL_EX:
    *fall = -1 - (int)arg;
    return true;
  case OP_MAKE_FUNCTION:
    *fall = -(((arg & 1) != 0) + ((arg & 2) != 0) + ((arg & 4) != 0));
    return true;
  case OP_MAKE_CLASS:
    *fall = -1 - (int)arg;
    return true;
  case OP_RETURN_VALUE:
  case OP_RAISE_VARARGS:
  case OP_RERAISE:
  case OP_UNSUPPORTED:
    *fall = 0;
    return false;
  default:
    *fall = 0;
    return true;
  }
}

/* Computes the deepest stack of a unit by following every path, exception
 * handlers included. */
static bool stack_depth(comp *c, unit *u, code_handler *h, uint32_t nh, uint32_t *out) {
  int32_t *depth = malloc((size_t)(u->nops + 1) * sizeof *depth);
  uint32_t *work = malloc((size_t)(u->nops + 1) * 2 * sizeof *work);
  if (!depth || !work) {
    free(depth);
    free(work);
    c->failed = c->nomem = true;
    return false;
  }
  for (uint32_t i = 0; i <= u->nops; i++)
    depth[i] = -1;
  uint32_t nw = 0;
  int32_t maxd = 0;
  depth[0] = 0;
  work[nw++] = 0;
  bool changed = true;
  while (changed) {
    changed = false;
    while (nw) {
      uint32_t i = work[--nw];
      int32_t d = depth[i];
      if (d > maxd)
        maxd = d;
      if (i >= u->nops)
        continue;
      int fall, jump;
      bool jumps;
      code_op op = CODE_OP(u->ops[i]);
      uint32_t arg = CODE_ARG(u->ops[i]);
      bool falls = op_effect(op, arg, &fall, &jump, &jumps);
      if (op == OP_DUP_TOP_TWO || op == OP_UNPACK_SEQUENCE || op == OP_UNPACK_EX ||
          op == OP_FOR_ITER || op == OP_WITH_EXCEPT_START) {
        /* transient peaks are covered by the final depth */
      }
      if (jumps && arg <= u->nops && depth[arg] < 0) {
        depth[arg] = d + jump;
        work[nw++] = arg;
      }
      if (falls && depth[i + 1] < 0) {
        depth[i + 1] = d + fall;
        work[nw++] = i + 1;
      }
    }
    for (uint32_t k = 0; k < nh; k++) {
      if (depth[h[k].start] < 0 || depth[h[k].target] >= 0)
        continue;
      depth[h[k].target] = (int32_t)h[k].depth + (h[k].push_prev ? 2 : 1);
      work[nw++] = h[k].target;
      changed = true;
    }
  }
  free(depth);
  free(work);
  *out = (uint32_t)maxd + 2;
  return true;
}

static void assign_slots(scope *s, unit *u) {
  int n = 0;
  for (int i = 0; i < s->nparams; i++) {
    sym *y = sym_find(s, s->params[i]);
    y->slot = n++;
  }
  for (int i = 0; i < s->nsyms; i++) {
    sym *y = &s->syms[i];
    if (y->slot >= 0)
      continue;
    if (y->res == RES_LOCAL || y->res == RES_CELL)
      y->slot = n++;
  }
  for (int i = 0; i < s->nsyms; i++) {
    sym *y = &s->syms[i];
    if (y->slot >= 0)
      continue;
    if (y->res == RES_FREE)
      y->slot = n++;
  }
  u->nslots = n;
}

static char *make_qualname(unit *parent, scope *s, const char *name) {
  const char *prefix = NULL;
  if (parent && parent->sc->kind != SC_MODULE)
    prefix = parent->qualname;
  bool locals = parent && parent->sc->kind == SC_FUNCTION;
  size_t len = strlen(name) + (prefix ? strlen(prefix) + 10 : 0) + 1;
  char *q = malloc(len);
  if (!q)
    return NULL;
  (void)s;
  if (prefix)
    snprintf(q, len, "%s.%s%s", prefix, locals ? "<locals>." : "", name);
  else
    snprintf(q, len, "%s", name);
  return q;
}

static code *finish_unit(comp *c, unit *u, const char *name) {
  scope *s = u->sc;
  code *k = vm_alloc(c->v, OBJ_CODE, sizeof *k);
  if (!k) {
    c->failed = c->nomem = true;
    return NULL;
  }
  k->name = intern(c, name);
  k->qualname = intern(c, u->qualname ? u->qualname : name);
  k->firstline = u->firstline;
  k->filename = intern(c, c->file ? c->file : "<scenario>");
  k->library = c->file && c->file[0] == '<';
  k->nops = u->nops;
  k->ops = vm_realloc(c->v, NULL, 0, (size_t)u->nops * sizeof *k->ops);
  k->lines = vm_realloc(c->v, NULL, 0, (size_t)u->nops * sizeof *k->lines);
  k->stmt = vm_realloc(c->v, NULL, 0, ((size_t)u->nops + 1) * sizeof *k->stmt);
  k->nconsts = u->nconsts;
  k->consts = vm_realloc(c->v, NULL, 0, (size_t)(u->nconsts + 1) * sizeof *k->consts);
  k->nnames = u->nnames;
  k->names = vm_realloc(c->v, NULL, 0, (size_t)(u->nnames + 1) * sizeof *k->names);
  k->nslots = (uint32_t)u->nslots;
  k->slot_names = vm_realloc(c->v, NULL, 0, (size_t)(u->nslots + 1) * sizeof *k->slot_names);
  k->nhandlers = (uint32_t)u->nentries;
  k->handlers = vm_realloc(c->v, NULL, 0, (size_t)(u->nentries + 1) * sizeof *k->handlers);
  if (!k->ops || !k->lines || !k->stmt || !k->consts || !k->names || !k->slot_names ||
      !k->handlers) {
    c->failed = c->nomem = true;
    return NULL;
  }
  memcpy(k->ops, u->ops, (size_t)u->nops * sizeof *k->ops);
  memcpy(k->lines, u->lines, (size_t)u->nops * sizeof *k->lines);
  if (u->nops)
    memcpy(k->stmt, u->stmt, (size_t)u->nops * sizeof *k->stmt);
  if (u->nconsts)
    memcpy(k->consts, u->consts, (size_t)u->nconsts * sizeof *k->consts);
  if (u->nnames)
    memcpy(k->names, u->names, (size_t)u->nnames * sizeof *k->names);
  for (int i = 0; i < u->nentries; i++) {
    hentry *e = &u->entries[i];
    region *r = &u->regions[e->region];
    k->handlers[i] = (code_handler){e->start, e->end, (uint32_t)r->target, r->depth, r->push_prev};
  }
  uint32_t ncell = 0, nfree = 0;
  for (int i = 0; i < s->nsyms; i++) {
    sym *y = &s->syms[i];
    if (y->slot < 0)
      continue;
    k->slot_names[y->slot] = intern(c, y->name);
    if (y->res == RES_CELL)
      ncell++;
    if (y->res == RES_FREE)
      nfree++;
  }
  k->ncells = ncell;
  k->nfrees = nfree;
  k->cell_slots = vm_realloc(c->v, NULL, 0, (ncell + 1) * sizeof *k->cell_slots);
  k->free_slots = vm_realloc(c->v, NULL, 0, (nfree + 1) * sizeof *k->free_slots);
  if (!k->cell_slots || !k->free_slots) {
    c->failed = c->nomem = true;
    return NULL;
  }
  ncell = nfree = 0;
  for (int i = 0; i < s->nsyms; i++) {
    sym *y = &s->syms[i];
    if (y->slot < 0)
      continue;
    if (y->res == RES_CELL)
      k->cell_slots[ncell++] = (uint32_t)y->slot;
    if (y->res == RES_FREE)
      k->free_slots[nfree++] = (uint32_t)y->slot;
  }
  if (s->kind == SC_FUNCTION && s->node) {
    ast_node *args = NULL;
    if (s->node->kind == AST_FUNCDEF)
      args = s->node->u.funcdef.args;
    else if (s->node->kind == AST_LAMBDA)
      args = s->node->u.lambda.args;
    if (args) {
      k->argcount = (uint32_t)args->u.arguments.args.count;
      k->kwonlycount = (uint32_t)args->u.arguments.kwonlyargs.count;
      if (args->u.arguments.vararg)
        k->flags |= CODE_VARARGS;
      if (args->u.arguments.kwarg)
        k->flags |= CODE_VARKW;
    } else {
      k->argcount = 1; /* comprehensions take their iterator */
    }
    if (s->is_async && s->has_yield)
      k->flags |= CODE_ASYNC_GEN;
    else if (s->is_async)
      k->flags |= CODE_COROUTINE;
    else if (s->has_yield)
      k->flags |= CODE_GENERATOR;
  }
  if (s->kind == SC_CLASS)
    k->flags |= CODE_CLASS_BODY;
  if (s->kind == SC_MODULE)
    k->flags |= CODE_MODULE;
  if (!stack_depth(c, u, k->handlers, k->nhandlers, &k->stacksize))
    return NULL;
  return k;
}

static void unit_free(unit *u) {
  free(u->ops);
  free(u->lines);
  free(u->stmt);
  free(u->consts);
  free(u->names);
  free(u->regions);
  free(u->entries);
  for (int i = 0; i < u->nfb; i++)
    free(u->fb[i].breaks);
  free((void *)u->qualname);
}

static code *c_function_code(comp *c, scope *s, ast_node *node, const char *name) {
  unit u;
  memset(&u, 0, sizeof u);
  u.sc = s;
  u.parent = c->u;
  u.line = node ? node->line : 1;
  u.firstline = u.line;
  u.qualname = make_qualname(c->u, s, name);
  if (!u.qualname) {
    c->failed = c->nomem = true;
    return NULL;
  }
  assign_slots(s, &u);
  c->u = &u;
  if (s->kind == SC_CLASS) {
    c_stmts(c, &node->u.classdef.body);
    sym *y = sym_find(s, "__class__");
    if (y && y->res == RES_CELL)
      emit(c, OP_LOAD_CLOSURE, (uint32_t)y->slot);
    else
      emit_none(c);
    emit(c, OP_RETURN_VALUE, 0);
  } else if (node->kind == AST_LAMBDA) {
    c_expr(c, node->u.lambda.body);
    emit(c, OP_RETURN_VALUE, 0);
  } else if (node->kind == AST_FUNCDEF) {
    c_stmts(c, &node->u.funcdef.body);
    emit_none(c);
    emit(c, OP_RETURN_VALUE, 0);
  } else {
    /* comprehension */
    switch (node->kind) {
    case AST_LISTCOMP:
      emit(c, OP_BUILD_LIST, 0);
      break;
    case AST_SETCOMP:
      emit(c, OP_BUILD_SET, 0);
      break;
    case AST_DICTCOMP:
      emit(c, OP_BUILD_MAP, 0);
      break;
    default:
      break;
    }
    c_comp_gen(c, node, 0);
    if (node->kind == AST_GENEXP)
      emit_none(c);
    emit(c, OP_RETURN_VALUE, 0);
  }
  code *k = c->failed ? NULL : finish_unit(c, &u, name);
  c->u = u.parent;
  unit_free(&u);
  return k;
}

comp_result comp_module(vm *v, ast_node *module, const char *filename, diag_fn on_error, void *user,
                        code **out) {
  comp c;
  memset(&c, 0, sizeof c);
  c.v = v;
  c.file = filename;
  c.on_error = on_error;
  c.user = user;
  *out = NULL;
  c.top = scope_new(&c, SC_MODULE, NULL, NULL);
  if (c.top) {
    st_stmts(&c, c.top, &module->u.module.body);
    resolve(&c, c.top);
  }
  code *k = NULL;
  if (!c.failed) {
    unit u;
    memset(&u, 0, sizeof u);
    u.sc = c.top;
    u.line = 1;
    u.firstline = 1;
    u.qualname = make_qualname(NULL, c.top, "<module>");
    c.u = &u;
    c_stmts(&c, &module->u.module.body);
    emit_none(&c);
    emit(&c, OP_RETURN_VALUE, 0);
    if (!c.failed)
      k = finish_unit(&c, &u, "<module>");
    unit_free(&u);
  }
  for (int i = 0; i < c.nall; i++)
    scope_free(c.all[i]);
  free(c.all);
  if (c.nomem)
    return COMP_NOMEM;
  if (c.failed || !k)
    return COMP_ERROR;
  *out = k;
  return COMP_OK;
}
