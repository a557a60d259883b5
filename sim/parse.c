/* parse: recursive descent over the token stream of lex, building ast nodes.
 *
 * The grammar follows CPython 3.11's (Grammar/python.gram) for precedence and
 * for the errors it reports. CPython parses twice: a plain pass, then, on
 * failure, a pass with its "invalid_*" rules that produce the specific
 * messages. Here the plain parse reports "invalid syntax" at the furthest token
 * it looked at (as CPython does), and the specific messages come from short
 * speculative attempts where CPython's invalid rules would match; those
 * attempts (invalid_pass) do not move the furthest token.
 *
 * Tokens are fetched on demand into a window that is emptied at each
 * statement start (nothing backtracks past a statement) and, for a very long
 * statement, as it is consumed; positions kept across that are global indices.
 *
 * Errors: the first one is kept in the shared context and every function
 * returns NULL/0 from then on. Valid Python that loopviz refuses is kept
 * aside ("deferred") and reported only when the file has no syntax error, as
 * CPython would report the syntax error. Recursion is bounded: every path
 * that nests (brackets, unary operators, not, **, lambda, conditional
 * expressions, f-string fields) counts against max_nesting, indentation is
 * bounded by the lexer, long chains are loops, and the finished tree's depth
 * is checked so that recursive tree walkers are safe too. */
#include "parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

#define PARSE_DEFAULT_NESTING 200
#define PARSE_DEFAULT_SOURCE ((size_t)1024 * 1024)
#define PARSE_DEFAULT_LINE 10000
#define PARSE_WINDOW 4096 /* tokens kept before a long statement's consumed ones are dropped */
#define PARSE_TREE_DEPTH_FACTOR 10 /* the finished tree may be this many times max_nesting deep */

#if defined(__GNUC__) || defined(__clang__)
#define PARSE_NOINLINE __attribute__((noinline)) /* keeps big locals out of recursive frames */
#else
#define PARSE_NOINLINE
#endif

typedef struct perr {
  diag_kind kind;    /* class of the error */
  int line;          /* 1-based line */
  int col;           /* 1-based column */
  int end_col;       /* just past the range, or 0 */
  char message[300]; /* the text */
} perr;

/* State shared by the parser of a file and the sub-parsers of its f-string fields. */
typedef struct pctx {
  const char *filename; /* for messages */
  int max_nesting;      /* expression depth limit */
  ast_tree *tree;       /* the arena */
  int failed;           /* err holds the error */
  int nomem;            /* memory ran out */
  perr err;             /* the first error */
  int has_deferred;     /* deferred holds an error to report if nothing worse happens */
  perr deferred;        /* first unsupported construct (or error of CPython's compiler) */
  int depth;            /* current expression nesting */
  int silent;           /* >0 while speculating: errors only stop the attempt */
  int no_rest_check;    /* the error is one CPython reports without reading further */
  int silent_failed;    /* the speculative attempt failed */
} pctx;

typedef struct parser {
  pctx *ctx;          /* shared state */
  lex_state lx;       /* this parser's lexer */
  lex_token *toks;    /* fetched tokens; toks[pos] is the current one */
  int ntoks;          /* tokens in the window */
  int cap;            /* allocated entries */
  int pos;            /* index of the current token */
  int base;           /* tokens dropped from the window so far (global index = base + index) */
  int spec;           /* >0 while speculating: the window must not be emptied */
  int prev_end_line;  /* end of the last consumed token */
  int prev_end_col;   /* its end column */
  int furthest_line;  /* line of the furthest token fetched */
  int lex_failed;     /* the lexer reported an error (already in ctx->err) */
  int in_fstring;     /* parsing an f-string replacement field */
  const ast_node *last_group; /* the last expression returned from inside ( ) */
  int prev_level;     /* bracket level after the last consumed token */
  int far;            /* furthest token index looked at, outside of error-hunting attempts */
  int invalid_pass;   /* >0 while trying CPython's error rules (they do not move far) */
  int no_comma_depth; /* no "Perhaps you forgot a comma?" at this depth (a dict key), or -1 */
} parser;

/* ------------------------------------------------------------------------------------------ */
/* errors */

static void vset(perr *e, diag_kind kind, int line, int col, int end_col, const char *fmt,
                 va_list ap) {
  e->kind = kind;
  e->line = line < 1 ? 1 : line;
  e->col = col < 1 ? 1 : col;
  e->end_col = end_col;
  vsnprintf(e->message, sizeof e->message, fmt, ap);
}

static void fail_at(parser *p, diag_kind kind, int line, int col, int end_col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void fail_at(parser *p, diag_kind kind, int line, int col, int end_col, const char *fmt, ...) {
  pctx *c = p->ctx;
  if (c->failed || c->nomem) return;
  if (c->silent) {
    c->silent_failed = 1;
    return;
  }
  c->failed = 1;
  va_list ap;
  va_start(ap, fmt);
  vset(&c->err, kind, line, col, end_col, fmt, ap);
  va_end(ap);
  if (p->in_fstring && kind == DIAG_SYNTAX && strncmp(c->err.message, "f-string", 8) != 0) {
    char tmp[sizeof c->err.message];
    memcpy(tmp, c->err.message, sizeof tmp);
    size_t n = strlen(tmp);
    if (n > sizeof tmp - 11) n = sizeof tmp - 11;
    memcpy(c->err.message, "f-string: ", 10);
    memcpy(c->err.message + 10, tmp, n);
    c->err.message[10 + n] = '\0';
  }
}

static void defer_at(parser *p, diag_kind kind, int line, int col, int end_col, const char *fmt,
                     ...) __attribute__((format(printf, 6, 7)));

/* Valid Python that loopviz refuses (DIAG_UNSUPPORTED), or an error CPython finds only
 * after parsing (its compiler's SyntaxErrors): reported only if the file has no
 * syntax error, as CPython would report that one first. */
static void defer_at(parser *p, diag_kind kind, int line, int col, int end_col, const char *fmt,
                     ...) {
  pctx *c = p->ctx;
  if (c->has_deferred || c->silent) return;
  c->has_deferred = 1;
  va_list ap;
  va_start(ap, fmt);
  vset(&c->deferred, kind, line, col, end_col, fmt, ap);
  va_end(ap);
}

static void nomem(parser *p) { p->ctx->nomem = 1; }

static int failed(const parser *p) {
  return p->ctx->failed || p->ctx->nomem || p->ctx->silent_failed;
}

/* ------------------------------------------------------------------------------------------ */
/* tokens */

static void lexer_failed(parser *p) {
  pctx *c = p->ctx;
  p->lex_failed = 1;
  if (c->failed || c->nomem) return;
  c->failed = 1;
  c->err.kind = p->lx.error.kind;
  c->err.line = p->lx.error.line;
  c->err.col = p->lx.error.col;
  c->err.end_col = p->lx.error.end_col;
  snprintf(c->err.message, sizeof c->err.message, "%s", p->lx.error.message);
}

/* Makes sure toks[pos + k] exists. Returns 0 when it cannot (error). */
static int fill(parser *p, int k) {
  while (p->ntoks <= p->pos + k) {
    if (p->lex_failed || failed(p)) return 0;
    if (p->ntoks == p->cap && p->cap >= PARSE_WINDOW && p->spec == 0 && p->pos >= p->cap / 2) {
      /* a long statement: drop what is consumed (positions kept as global indices
       * then fall out of the window, and only some error hints are lost) */
      memmove(p->toks, p->toks + p->pos, sizeof(lex_token) * (size_t)(p->ntoks - p->pos));
      p->ntoks -= p->pos;
      p->far = p->far > p->pos ? p->far - p->pos : 0;
      p->base += p->pos;
      p->pos = 0;
      continue;
    }
    if (p->ntoks == p->cap) {
      int ncap = p->cap ? p->cap * 2 : 64;
      lex_token *n = realloc(p->toks, sizeof(lex_token) * (size_t)ncap);
      if (!n) {
        nomem(p);
        return 0;
      }
      p->toks = n;
      p->cap = ncap;
    }
    lex_result r = lex_next(&p->lx, &p->toks[p->ntoks]);
    if (r == LEX_NOMEM) {
      nomem(p);
      return 0;
    }
    if (r == LEX_ERROR) {
      lexer_failed(p);
      return 0;
    }
    p->furthest_line = p->toks[p->ntoks].line;
    p->ntoks++;
  }
  if (!p->invalid_pass && p->pos + k > p->far) p->far = p->pos + k;
  return 1;
}

/* A copy of the token k places ahead (copies: the window may move). After an
 * error, an ENDMARKER at the last known place. */
static lex_token tok_at(parser *p, int k) {
  if (fill(p, k)) return p->toks[p->pos + k];
  lex_token t;
  memset(&t, 0, sizeof t);
  t.kind = LEX_ENDMARKER;
  t.line = t.end_line = p->prev_end_line > 0 ? p->prev_end_line : 1;
  t.col = t.end_col = p->prev_end_col > 0 ? p->prev_end_col : 1;
  t.start = p->lx.end;
  return t;
}

static lex_kind kind_at(parser *p, int k) {
  if (fill(p, k)) return p->toks[p->pos + k].kind;
  return LEX_ENDMARKER;
}

static lex_kind cur_kind(parser *p) { return kind_at(p, 0); }

/* Where a token is: all the expression parser keeps of most tokens. Copying a
 * whole lex_token into every frame of the recursion would cost stack. */
typedef struct tokpos {
  lex_kind kind; /* the token kind */
  int line;      /* start line */
  int col;       /* start column */
  int end_line;  /* end line */
  int end_col;   /* column just past the end */
} tokpos;

static tokpos pos_at(parser *p, int k) {
  tokpos r;
  if (fill(p, k)) {
    const lex_token *t = &p->toks[p->pos + k];
    r.kind = t->kind;
    r.line = t->line;
    r.col = t->col;
    r.end_line = t->end_line;
    r.end_col = t->end_col;
  } else {
    r.kind = LEX_ENDMARKER;
    r.line = r.end_line = p->prev_end_line > 0 ? p->prev_end_line : 1;
    r.col = r.end_col = p->prev_end_col > 0 ? p->prev_end_col : 1;
  }
  return r;
}

/* Consumes the current token and says where it was. */
static tokpos advance(parser *p) {
  tokpos t = pos_at(p, 0);
  if (!failed(p) && p->pos < p->ntoks) {
    p->prev_level = p->toks[p->pos].level;
    p->pos++;
    p->prev_end_line = t.end_line;
    p->prev_end_col = t.end_col;
  }
  return t;
}

/* Consumes the current token and returns all of it. */
static lex_token take(parser *p) {
  lex_token t = tok_at(p, 0);
  advance(p);
  return t;
}

/* An arena copy of the current token's text (before consuming it). */
static const char *cur_text(parser *p);

static int accept(parser *p, lex_kind k) {
  if (cur_kind(p) == k) {
    advance(p);
    return 1;
  }
  return 0;
}

/* The window only needs the tokens of the current statement. */
static void statement_start(parser *p) {
  if (p->spec > 0 || p->pos == 0) return;
  memmove(p->toks, p->toks + p->pos, sizeof(lex_token) * (size_t)(p->ntoks - p->pos));
  p->ntoks -= p->pos;
  p->far = p->far > p->pos ? p->far - p->pos : 0;
  p->base += p->pos;
  p->pos = 0;
}

static int is_name_tok(const lex_token *t, const char *s) {
  size_t n = strlen(s);
  return t->kind == LEX_NAME && t->len == n && memcmp(t->start, s, n) == 0;
}

/* "invalid syntax", or what CPython says instead. Like CPython, at the furthest
 * token the parser looked at, which may be past the current one. */
static PARSE_NOINLINE void syntax_error_here(parser *p) {
  if (failed(p)) return;
  tokpos t = pos_at(p, 0);
  if (failed(p)) return;
  if (p->far > p->pos && p->far < p->ntoks) t = pos_at(p, p->far - p->pos);
  if (t.kind == LEX_INDENT || t.kind == LEX_DEDENT) {
    if (t.kind == LEX_INDENT) {
      fail_at(p, DIAG_INDENTATION, t.line, t.end_col - 1, 0, "unexpected indent");
    } else {
      fail_at(p, DIAG_INDENTATION, t.line, t.col, 0, "unexpected unindent");
    }
    if (!p->ctx->silent) p->ctx->no_rest_check = 1; /* CPython stops right there */
  } else {
    fail_at(p, DIAG_SYNTAX, t.line, t.col, t.end_col, "invalid syntax");
  }
}

static int expect(parser *p, lex_kind k) {
  if (accept(p, k)) return 1;
  syntax_error_here(p);
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* nodes */

static ast_node *node_span(parser *p, ast_kind kind, int line, int col, int end_line, int end_col) {
  ast_node *n = ast_node_new(p->ctx->tree, kind, line, col);
  if (!n) {
    nomem(p);
    return NULL;
  }
  n->end_line = end_line;
  n->end_col = end_col;
  return n;
}

/* A node where token t (a lex_token or a tokpos) is. */
#define node_tok(p, kind, t) node_span(p, kind, (t)->line, (t)->col, (t)->end_line, (t)->end_col)

static ast_node *node_from(parser *p, ast_kind kind, const ast_node *first) {
  ast_node *n = ast_node_new(p->ctx->tree, kind, first->line, first->col);
  if (!n) {
    nomem(p);
    return NULL;
  }
  n->end_line = first->end_line;
  n->end_col = first->end_col;
  return n;
}

/* Ends n where the last consumed token ends. */
static ast_node *finish(parser *p, ast_node *n) {
  if (n && p->prev_end_line > 0) {
    n->end_line = p->prev_end_line;
    n->end_col = p->prev_end_col;
  }
  return n;
}

static int is_pow2(int n) { return n > 0 && (n & (n - 1)) == 0; }

/* Grows an arena array of `count` items of `size` bytes so that one more fits.
 * The capacity is implied by count: 4, then powers of two. */
static void *grow(parser *p, void *items, int count, size_t size) {
  if (count != 0 && (count < 4 || !is_pow2(count))) return items;
  int ncap = count == 0 ? 4 : count * 2;
  void *n = ast_alloc(p->ctx->tree, size * (size_t)ncap);
  if (!n) {
    nomem(p);
    return NULL;
  }
  if (count) memcpy(n, items, size * (size_t)count);
  return n;
}

static int push(parser *p, ast_list *l, ast_node *n) {
  ast_node **items = grow(p, l->items, l->count, sizeof(ast_node *));
  if (!items) return 0;
  l->items = items;
  l->items[l->count++] = n;
  return 1;
}

static int push_name(parser *p, ast_names *l, const char *s) {
  const char **items = grow(p, (void *)l->items, l->count, sizeof(const char *));
  if (!items) return 0;
  l->items = items;
  l->items[l->count++] = s;
  return 1;
}

static const char *tok_str(parser *p, const lex_token *t) {
  char *s = ast_strndup(p->ctx->tree, t->start, t->len);
  if (!s) nomem(p);
  return s;
}

static const char *cur_text(parser *p) {
  if (!fill(p, 0)) return NULL;
  return tok_str(p, &p->toks[p->pos]);
}

/* ------------------------------------------------------------------------------------------ */
/* nesting */

/* Counts one level of nesting; on failure nothing is counted. */
static PARSE_NOINLINE int enter(parser *p) {
  if (++p->ctx->depth > p->ctx->max_nesting) {
    p->ctx->depth--;
    tokpos t = pos_at(p, 0);
    fail_at(p, DIAG_LIMIT, t.line, t.col, 0,
            "too many nested expressions (the limit is %d levels, --max-nesting)",
            p->ctx->max_nesting);
    return 0;
  }
  return 1;
}

static void leave(parser *p) { p->ctx->depth--; }

/* ------------------------------------------------------------------------------------------ */
/* speculation: try a parse silently, then rewind */

typedef struct spec_state {
  int pos;           /* token index to come back to */
  int depth;         /* nesting to restore */
  int prev_end_line; /* end of the last consumed token */
  int prev_end_col;  /* its column */
} spec_state;

static void spec_begin(parser *p, spec_state *s) {
  s->pos = p->pos;
  s->depth = p->ctx->depth;
  s->prev_end_line = p->prev_end_line;
  s->prev_end_col = p->prev_end_col;
  p->spec++;
  p->ctx->silent++;
}

/* Ends an attempt; returns 1 when it parsed without error. Always rewinds. */
static int spec_end(parser *p, const spec_state *s) {
  int ok = !p->ctx->silent_failed && !p->ctx->failed && !p->ctx->nomem;
  p->ctx->silent_failed = 0;
  p->ctx->silent--;
  p->spec--;
  p->pos = s->pos;
  p->ctx->depth = s->depth;
  p->prev_end_line = s->prev_end_line;
  p->prev_end_col = s->prev_end_col;
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* expressions */

static ast_node *parse_expression(parser *p);
static ast_node *parse_named_expression(parser *p);
static ast_node *parse_atom(parser *p);
static ast_node *parse_named_expression_ex(parser *p, int check_equal);
static ast_node *parse_star_named_expression(parser *p);
static ast_node *parse_star_expressions(parser *p);
static ast_node *parse_disjunction(parser *p);
static ast_node *parse_bitwise_or(parser *p);
static ast_node *parse_yield_expr(parser *p);
static PARSE_NOINLINE ast_node *parse_strings(parser *p);
static ast_node *parse_arguments(parser *p, int is_lambda);
static int parse_comp_for(parser *p, ast_list *gens);

static int starts_expression(lex_kind k) {
  switch (k) {
    case LEX_NAME: case LEX_NUMBER: case LEX_STRING: case LEX_LPAR: case LEX_LSQB:
    case LEX_LBRACE: case LEX_MINUS: case LEX_PLUS: case LEX_TILDE: case LEX_KW_NOT:
    case LEX_KW_LAMBDA: case LEX_KW_AWAIT: case LEX_KW_TRUE: case LEX_KW_FALSE:
    case LEX_KW_NONE: case LEX_ELLIPSIS:
      return 1;
    default:
      return 0;
  }
}

/* CPython's name for an expression in "cannot assign to ..." messages. */
static const char *expr_name(const ast_node *e) {
  switch (e->kind) {
    case AST_ATTRIBUTE: return "attribute";
    case AST_SUBSCRIPT: return "subscript";
    case AST_STARRED: return "starred";
    case AST_NAME: return "name";
    case AST_LIST: return "list";
    case AST_TUPLE: return "tuple";
    case AST_LAMBDA: return "lambda";
    case AST_CALL: return "function call";
    case AST_BOOLOP: case AST_BINOP: case AST_UNARYOP: return "expression";
    case AST_GENEXP: return "generator expression";
    case AST_YIELD: return "yield expression";
    case AST_AWAIT: return "await expression";
    case AST_LISTCOMP: return "list comprehension";
    case AST_SETCOMP: return "set comprehension";
    case AST_DICTCOMP: return "dict comprehension";
    case AST_DICT: return "dict literal";
    case AST_SET: return "set display";
    case AST_FSTRING: case AST_FORMATTED: return "f-string expression";
    case AST_NONE: return e->u.name ? "ellipsis" : "None";
    case AST_TRUE: return "True";
    case AST_FALSE: return "False";
    case AST_COMPARE: return "comparison";
    case AST_IFEXP: return "conditional expression";
    default: return "literal";
  }
}

typedef enum target_kind { TARGET_STORE, TARGET_FOR, TARGET_DEL } target_kind;

/* The first sub-expression of e that cannot be a target, or NULL (CPython's
 * _PyPegen_get_invalid_target). */
static const ast_node *invalid_target(const ast_node *e, target_kind tk) {
  switch (e->kind) {
    case AST_LIST: case AST_TUPLE:
      for (int i = 0; i < e->u.seq.elts.count; i++) {
        const ast_node *r = invalid_target(e->u.seq.elts.items[i], tk);
        if (r) return r;
      }
      return NULL;
    case AST_STARRED:
      if (tk == TARGET_DEL) return e;
      return invalid_target(e->u.starred.value, tk);
    case AST_COMPARE:
      /* "for a in b": the in was taken for a comparison */
      if (tk == TARGET_FOR) {
        if (e->u.compare.ops[0] == AST_CMP_IN) return invalid_target(e->u.compare.left, tk);
        return NULL;
      }
      return e;
    case AST_NAME: case AST_SUBSCRIPT: case AST_ATTRIBUTE:
      return NULL;
    default:
      return e;
  }
}

static void fail_node(parser *p, const ast_node *n, const char *fmt, const char *arg)
    __attribute__((format(printf, 3, 0)));

static void fail_node(parser *p, const ast_node *n, const char *fmt, const char *arg) {
  fail_at(p, DIAG_SYNTAX, n->line, n->col, n->end_line == n->line ? n->end_col : 0, fmt, arg);
}

/* Reports an invalid target in e; returns 1 when e is a valid target. */
static int check_target(parser *p, const ast_node *e, target_kind tk) {
  const ast_node *bad = invalid_target(e, tk);
  if (!bad) return 1;
  fail_node(p, bad, tk == TARGET_DEL ? "cannot delete %s" : "cannot assign to %s", expr_name(bad));
  return 0;
}

/* Would CPython's bitwise_or rule match e? (A parenthesised expression is an atom.) */
static int is_bitwise_or_level(const parser *p, const ast_node *e) {
  if (e == p->last_group) return 1;
  switch (e->kind) {
    case AST_BOOLOP: case AST_COMPARE: case AST_IFEXP: case AST_LAMBDA: case AST_YIELD:
    case AST_STARRED:
      return 0;
    case AST_UNARYOP:
      return e->u.unaryop.op != AST_UOP_NOT;
    default:
      return 1;
  }
}

/* The name an expression starts with, if it starts with a name. */
static const ast_node *leftmost(const ast_node *e) {
  for (;;) {
    switch (e->kind) {
      case AST_BINOP: e = e->u.binop.left; break;
      case AST_COMPARE: e = e->u.compare.left; break;
      case AST_BOOLOP: e = e->u.boolop.values.items[0]; break;
      case AST_CALL: e = e->u.call.func; break;
      case AST_ATTRIBUTE: e = e->u.attribute.value; break;
      case AST_SUBSCRIPT: e = e->u.subscript.value; break;
      case AST_IFEXP: e = e->u.ifexp.body; break;
      default: return e;
    }
  }
}

/* CPython's invalid_expression rule: an expression a followed
 * by another expression, inside brackets, is a missing comma. Like CPython, the second
 * expression is read even outside brackets (which moves the furthest line that the
 * unclosed-bracket check uses), and the attempt never nests. */
static PARSE_NOINLINE void check_missing_comma(parser *p, const ast_node *a) {
  if (failed(p) || p->ctx->silent || p->no_comma_depth == p->ctx->depth ||
      !starts_expression(cur_kind(p))) {
    return;
  }
  const ast_node *first = leftmost(a);
  if (first->kind == AST_NAME && (strcmp(first->u.name, "match") == 0 ||
                                  strcmp(first->u.name, "case") == 0 ||
                                  strcmp(first->u.name, "_") == 0)) {
    return; /* a soft keyword */
  }
  if (a->kind == AST_NAME && cur_kind(p) == LEX_STRING) return; /* print "x" and the like */
  int level = p->prev_level;
  spec_state st;
  p->invalid_pass++;
  spec_begin(p, &st);
  ast_node *b = parse_expression(p);
  int end_line = p->prev_end_line;
  int end_col = p->prev_end_col;
  int ok = spec_end(p, &st) && b;
  if (!ok && !failed(p)) {
    /* CPython's PEG parser backtracks: "b +" or "b if c" still reads as the expression b */
    spec_begin(p, &st);
    while (cur_kind(p) == LEX_MINUS || cur_kind(p) == LEX_PLUS || cur_kind(p) == LEX_TILDE ||
           cur_kind(p) == LEX_KW_NOT || cur_kind(p) == LEX_KW_AWAIT) {
      advance(p);
    }
    b = cur_kind(p) == LEX_KW_LAMBDA ? NULL : parse_atom(p);
    end_line = p->prev_end_line;
    end_col = p->prev_end_col;
    ok = spec_end(p, &st) && b;
  }
  p->invalid_pass--;
  if (failed(p) || !ok || level == 0) return;
  if (a->kind == AST_NAME && (strcmp(a->u.name, "print") == 0 || strcmp(a->u.name, "exec") == 0)) {
    return;
  }
  fail_at(p, DIAG_SYNTAX, a->line, a->col, end_line == a->line ? end_col : 0,
          "invalid syntax. Perhaps you forgot a comma?");
}


static PARSE_NOINLINE ast_node *parse_number(parser *p) {
  lex_token t = take(p);
  if (t.num.kind == LEX_NUM_IMAG) {
    defer_at(p, DIAG_UNSUPPORTED, t.line, t.col, t.end_col,
             "complex numbers (imaginary literals) are not supported in scenarios");
  }
  if (t.num.kind == LEX_NUM_INT) {
    ast_node *n = node_tok(p, AST_INT, &t);
    if (!n) return NULL;
    if (t.num.overflow) {
      defer_at(p, DIAG_UNSUPPORTED, t.line, t.col, t.end_col,
               "integers beyond 64 bits are not supported in scenarios");
    }
    n->u.int_value = t.num.ivalue;
    return n;
  }
  ast_node *n = node_tok(p, AST_FLOAT, &t);
  if (!n) return NULL;
  n->u.float_value = t.num.fvalue;
  return n;
}

/* After the element of a display or a call argument: a comprehension follows? */
static int at_comp_for(parser *p) {
  lex_kind k = cur_kind(p);
  return k == LEX_KW_FOR || (k == LEX_KW_ASYNC && kind_at(p, 1) == LEX_KW_FOR);
}

static ast_node *make_comp(parser *p, ast_kind kind, const tokpos *open, ast_node *elt,
                           ast_node *key) {
  ast_node *n = node_tok(p, kind, open);
  if (!n) return NULL;
  n->u.comp.elt = elt;
  n->u.comp.key = key;
  if (!parse_comp_for(p, &n->u.comp.generators)) return NULL;
  return n;
}

/* ( ... ): group, tuple, generator expression or parenthesised yield */
static ast_node *parse_paren(parser *p) {
  tokpos open = advance(p);
  ast_node *r = NULL;
  if (!enter(p)) return NULL;
  if (cur_kind(p) == LEX_RPAR) {
    r = node_tok(p, AST_TUPLE, &open);
    advance(p);
    finish(p, r);
  } else if (cur_kind(p) == LEX_KW_YIELD) {
    r = parse_yield_expr(p);
    if (r && !expect(p, LEX_RPAR)) r = NULL;
    p->last_group = r;
  } else {
    ast_node *first = parse_star_named_expression(p);
    if (!first) goto out;
    if (at_comp_for(p)) {
      if (first->kind == AST_STARRED) {
        fail_node(p, first, "%s", "iterable unpacking cannot be used in comprehension");
        goto out;
      }
      r = make_comp(p, AST_GENEXP, &open, first, NULL);
      if (r && !expect(p, LEX_RPAR)) r = NULL;
      finish(p, r);
    } else if (cur_kind(p) == LEX_COMMA) {
      r = node_tok(p, AST_TUPLE, &open);
      if (!r || !push(p, &r->u.seq.elts, first)) goto out;
      ast_node *last = first;
      while (accept(p, LEX_COMMA)) {
        if (cur_kind(p) == LEX_RPAR) break;
        last = parse_star_named_expression(p);
        if (!last || !push(p, &r->u.seq.elts, last)) {
          r = NULL;
          goto out;
        }
      }
      if (!expect(p, LEX_RPAR)) r = NULL;
      finish(p, r);
    } else {
      if (!expect(p, LEX_RPAR)) goto out;
      if (first->kind == AST_STARRED) {
        fail_node(p, first, "%s", "cannot use starred expression here");
        goto out;
      }
      r = first;
      p->last_group = first;
    }
  }
out:
  leave(p);
  return failed(p) ? NULL : r;
}

static ast_node *parse_list(parser *p) {
  tokpos open = advance(p);
  ast_node *r = NULL;
  if (!enter(p)) return NULL;
  if (cur_kind(p) == LEX_RSQB) {
    r = node_tok(p, AST_LIST, &open);
    advance(p);
    finish(p, r);
    goto out;
  }
  ast_node *first = parse_star_named_expression(p);
  if (!first) goto out;
  if (at_comp_for(p)) {
    if (first->kind == AST_STARRED) {
      fail_node(p, first, "%s", "iterable unpacking cannot be used in comprehension");
      goto out;
    }
    r = make_comp(p, AST_LISTCOMP, &open, first, NULL);
    if (r && !expect(p, LEX_RSQB)) r = NULL;
    finish(p, r);
    goto out;
  }
  r = node_tok(p, AST_LIST, &open);
  if (!r || !push(p, &r->u.seq.elts, first)) goto out;
  ast_node *last = first;
  while (accept(p, LEX_COMMA)) {
    if (cur_kind(p) == LEX_RSQB) break;
    last = parse_star_named_expression(p);
    if (!last || !push(p, &r->u.seq.elts, last)) {
      r = NULL;
      goto out;
    }
  }
  if (!expect(p, LEX_RSQB)) r = NULL;
  finish(p, r);
out:
  leave(p);
  return failed(p) ? NULL : r;
}

/* one "key: value" or "**mapping" of a dict display */
static int parse_dict_item(parser *p, ast_node *d, ast_node **last) {
  if (accept(p, LEX_DOUBLESTAR)) {
    ast_node *v = parse_bitwise_or(p);
    if (!v) return 0;
    *last = v;
    return push(p, &d->u.dict.keys, NULL) && push(p, &d->u.dict.values, v);
  }
  int saved = p->no_comma_depth;
  p->no_comma_depth = p->ctx->depth; /* CPython says "':' expected" here instead */
  ast_node *k = parse_expression(p);
  p->no_comma_depth = saved;
  if (!k) return 0;
  if (!accept(p, LEX_COLON)) {
    if (!failed(p)) {
      int col = k->end_col > 1 ? k->end_col - 1 : 1;
      fail_at(p, DIAG_SYNTAX, k->end_line, col, 0, "':' expected after dictionary key");
    }
    return 0;
  }
  ast_node *v = parse_expression(p);
  if (!v) return 0;
  *last = v;
  return push(p, &d->u.dict.keys, k) && push(p, &d->u.dict.values, v);
}

static ast_node *parse_brace(parser *p) {
  tokpos open = advance(p);
  ast_node *r = NULL;
  ast_node *last = NULL;
  if (!enter(p)) return NULL;
  if (cur_kind(p) == LEX_RBRACE) {
    r = node_tok(p, AST_DICT, &open);
    advance(p);
    finish(p, r);
    goto out;
  }
  if (cur_kind(p) == LEX_DOUBLESTAR) {
    tokpos star = pos_at(p, 0);
    r = node_tok(p, AST_DICT, &open);
    if (!r || !parse_dict_item(p, r, &last)) {
      r = NULL;
      goto out;
    }
    if (at_comp_for(p)) {
      fail_at(p, DIAG_SYNTAX, star.line, star.col, star.end_col + 1,
              "dict unpacking cannot be used in dict comprehension");
      r = NULL;
      goto out;
    }
    goto dict_rest;
  }
  ast_node *first = parse_star_named_expression(p);
  if (!first) goto out;
  if (cur_kind(p) == LEX_COLON && first->kind != AST_STARRED) {
    advance(p);
    ast_node *v = parse_expression(p);
    if (!v) goto out;
    if (at_comp_for(p)) {
      r = make_comp(p, AST_DICTCOMP, &open, v, first);
      if (r && !expect(p, LEX_RBRACE)) r = NULL;
      finish(p, r);
      goto out;
    }
    r = node_tok(p, AST_DICT, &open);
    if (!r || !push(p, &r->u.dict.keys, first) || !push(p, &r->u.dict.values, v)) {
      r = NULL;
      goto out;
    }
    last = v;
  dict_rest:
    while (accept(p, LEX_COMMA)) {
      if (cur_kind(p) == LEX_RBRACE) break;
      if (!parse_dict_item(p, r, &last)) {
        r = NULL;
        goto out;
      }
    }
    if (!expect(p, LEX_RBRACE)) r = NULL;
    finish(p, r);
    goto out;
  }
  if (at_comp_for(p)) {
    if (first->kind == AST_STARRED) {
      fail_node(p, first, "%s", "iterable unpacking cannot be used in comprehension");
      goto out;
    }
    r = make_comp(p, AST_SETCOMP, &open, first, NULL);
    if (r && !expect(p, LEX_RBRACE)) r = NULL;
    finish(p, r);
    goto out;
  }
  r = node_tok(p, AST_SET, &open);
  if (!r || !push(p, &r->u.seq.elts, first)) goto out;
  last = first;
  while (accept(p, LEX_COMMA)) {
    if (cur_kind(p) == LEX_RBRACE) break;
    last = parse_star_named_expression(p);
    if (!last || !push(p, &r->u.seq.elts, last)) {
      r = NULL;
      goto out;
    }
  }
  if (!expect(p, LEX_RBRACE)) r = NULL;
  finish(p, r);
out:
  leave(p);
  return failed(p) ? NULL : r;
}

static ast_node *parse_atom(parser *p) {
  tokpos t = pos_at(p, 0);
  ast_node *n;
  switch (t.kind) {
    case LEX_NAME:
      n = node_tok(p, AST_NAME, &t);
      if (!n) return NULL;
      n->u.name = cur_text(p);
      advance(p);
      return n->u.name ? n : NULL;
    case LEX_KW_TRUE:
      advance(p);
      return node_tok(p, AST_TRUE, &t);
    case LEX_KW_FALSE:
      advance(p);
      return node_tok(p, AST_FALSE, &t);
    case LEX_KW_NONE:
      advance(p);
      return node_tok(p, AST_NONE, &t);
    case LEX_NUMBER:
      return parse_number(p);
    case LEX_STRING:
      return parse_strings(p);
    case LEX_LPAR:
      return parse_paren(p);
    case LEX_LSQB:
      return parse_list(p);
    case LEX_LBRACE:
      return parse_brace(p);
    case LEX_ELLIPSIS:
      advance(p);
      defer_at(p, DIAG_UNSUPPORTED, t.line, t.col, t.end_col,
               "the Ellipsis literal (...) is not supported in scenarios");
      n = node_tok(p, AST_NONE, &t);
      if (n) n->u.name = "..."; /* marks the stand-in, for "cannot assign to ellipsis" */
      return n;
    default:
      syntax_error_here(p);
      return NULL;
  }
}

/* one subscript element: a slice or an expression */
static ast_node *parse_slice(parser *p) {
  tokpos t = pos_at(p, 0);
  ast_node *lower = NULL;
  if (t.kind != LEX_COLON) {
    lower = parse_named_expression(p);
    if (!lower) return NULL;
    if (cur_kind(p) != LEX_COLON) return lower;
  }
  ast_node *s = lower ? node_from(p, AST_SLICE, lower) : node_tok(p, AST_SLICE, &t);
  if (!s) return NULL;
  s->u.slice.lower = lower;
  advance(p); /* the ':' */
  lex_kind k = cur_kind(p);
  if (k != LEX_COLON && k != LEX_COMMA && k != LEX_RSQB) {
    s->u.slice.upper = parse_expression(p);
    if (!s->u.slice.upper) return NULL;
  }
  if (accept(p, LEX_COLON)) {
    k = cur_kind(p);
    if (k != LEX_COMMA && k != LEX_RSQB) {
      s->u.slice.step = parse_expression(p);
      if (!s->u.slice.step) return NULL;
    }
  }
  return finish(p, s);
}

static ast_node *parse_subscript(parser *p, ast_node *value) {
  advance(p); /* [ */
  ast_node *r = NULL;
  if (!enter(p)) return NULL;
  ast_node *first;
  if (cur_kind(p) == LEX_STAR) {
    first = parse_star_named_expression(p);
  } else {
    first = parse_slice(p);
  }
  if (!first) goto out;
  ast_node *index = first;
  ast_node *last = first;
  if (cur_kind(p) == LEX_COMMA || first->kind == AST_STARRED) {
    index = node_from(p, AST_TUPLE, first);
    if (!index || !push(p, &index->u.seq.elts, first)) goto out;
    while (accept(p, LEX_COMMA)) {
      if (cur_kind(p) == LEX_RSQB) break;
      last = cur_kind(p) == LEX_STAR ? parse_star_named_expression(p) : parse_slice(p);
      if (!last || !push(p, &index->u.seq.elts, last)) goto out;
    }
    finish(p, index);
  }
  if (!expect(p, LEX_RSQB)) goto out;
  r = node_from(p, AST_SUBSCRIPT, value);
  if (!r) goto out;
  r->u.subscript.value = value;
  r->u.subscript.index = index;
  finish(p, r);
out:
  leave(p);
  return failed(p) ? NULL : r;
}

/* Call arguments, after the '('; fills call (or the bases/keywords of a class). */
static int parse_call_args(parser *p, ast_list *args, ast_list *keywords) {
  int seen_keyword = 0;  /* name=value seen */
  int seen_kwunpack = 0; /* **x seen */
  const char *late = NULL; /* an error to report once all arguments are read */
  int count = 0;
  while (cur_kind(p) != LEX_RPAR) {
    if (failed(p)) return 0;
    tokpos t = pos_at(p, 0);
    count++;
    if (t.kind == LEX_STAR) {
      advance(p);
      ast_node *v = parse_expression(p);
      if (!v) return 0;
      ast_node *s = node_tok(p, AST_STARRED, &t);
      if (!s) return 0;
      s->u.starred.value = v;
      finish(p, s);
      if (seen_kwunpack) {
        fail_at(p, DIAG_SYNTAX, t.line, t.col, t.end_col,
                "iterable argument unpacking follows keyword argument unpacking");
        return 0;
      }
      if (!push(p, args, s)) return 0;
    } else if (t.kind == LEX_DOUBLESTAR) {
      advance(p);
      ast_node *v = parse_expression(p);
      if (!v) return 0;
      ast_node *k = node_tok(p, AST_KEYWORD, &t);
      if (!k) return 0;
      k->u.keyword.name = NULL;
      k->u.keyword.value = v;
      finish(p, k);
      if (!push(p, keywords, k)) return 0;
      seen_kwunpack = 1;
    } else if (t.kind == LEX_NAME && kind_at(p, 1) == LEX_EQUAL) {
      const char *name = cur_text(p);
      advance(p);
      advance(p);
      ast_node *v = parse_expression(p);
      if (!v) return 0;
      ast_node *k = node_tok(p, AST_KEYWORD, &t);
      if (!k) return 0;
      k->u.keyword.name = name;
      k->u.keyword.value = v;
      finish(p, k);
      if (!k->u.keyword.name || !push(p, keywords, k)) return 0;
      seen_keyword = 1;
    } else {
      ast_node *e = parse_named_expression_ex(p, 0);
      if (!e) return 0;
      if (cur_kind(p) == LEX_EQUAL) {
        tokpos eq = pos_at(p, 0);
        if (e->kind == AST_TRUE || e->kind == AST_FALSE || e->kind == AST_NONE) {
          fail_at(p, DIAG_SYNTAX, e->line, e->col, eq.end_col, "cannot assign to %s",
                  expr_name(e));
        } else {
          fail_at(p, DIAG_SYNTAX, e->line, e->col, eq.end_col,
                  "expression cannot contain assignment, perhaps you meant \"==\"?");
        }
        return 0;
      }
      if (at_comp_for(p)) {
        ast_node *g = node_from(p, AST_GENEXP, e);
        if (!g) return 0;
        g->u.comp.elt = e;
        if (!parse_comp_for(p, &g->u.comp.generators)) return 0;
        finish(p, g);
        if (count > 1 || cur_kind(p) == LEX_COMMA) {
          fail_node(p, g, "%s", "Generator expression must be parenthesized");
          return 0;
        }
        e = g;
      }
      /* CPython reads all the arguments first and reports at the token after them */
      if (seen_kwunpack && !late) {
        late = "positional argument follows keyword argument unpacking";
      } else if (seen_keyword && !late) {
        late = "positional argument follows keyword argument";
      }
      if (!push(p, args, e)) return 0;
    }
    if (!accept(p, LEX_COMMA)) break;
  }
  if (late && !failed(p)) {
    tokpos t = pos_at(p, 0);
    fail_at(p, DIAG_SYNTAX, t.line, t.col, t.end_col, "%s", late);
    return 0;
  }
  return expect(p, LEX_RPAR);
}

static ast_node *parse_call(parser *p, ast_node *func) {
  advance(p); /* ( */
  if (!enter(p)) return NULL;
  ast_node *c = node_from(p, AST_CALL, func);
  if (c) {
    c->u.call.func = func;
    if (!parse_call_args(p, &c->u.call.args, &c->u.call.keywords)) c = NULL;
  }
  leave(p);
  return failed(p) ? NULL : finish(p, c);
}

static ast_node *parse_primary(parser *p) {
  ast_node *e = parse_atom(p);
  while (e) {
    lex_kind k = cur_kind(p);
    if (k == LEX_DOT) {
      advance(p);
      if (cur_kind(p) != LEX_NAME) {
        syntax_error_here(p);
        return NULL;
      }
      const char *attr = cur_text(p);
      advance(p);
      ast_node *a = node_from(p, AST_ATTRIBUTE, e);
      if (!a || !attr) return NULL;
      a->u.attribute.value = e;
      a->u.attribute.attr = attr;
      e = finish(p, a);
    } else if (k == LEX_LPAR) {
      e = parse_call(p, e);
    } else if (k == LEX_LSQB) {
      e = parse_subscript(p, e);
    } else {
      break;
    }
  }
  return e;
}

static ast_node *parse_await_primary(parser *p) {
  if (cur_kind(p) != LEX_KW_AWAIT) return parse_primary(p);
  tokpos t = advance(p);
  ast_node *v = parse_primary(p);
  if (!v) return NULL;
  ast_node *a = node_tok(p, AST_AWAIT, &t);
  if (!a) return NULL;
  a->u.await_.value = v;
  return finish(p, a);
}

static ast_node *parse_factor(parser *p);

static ast_node *parse_power(parser *p) {
  ast_node *a = parse_await_primary(p);
  if (!a || cur_kind(p) != LEX_DOUBLESTAR) return a;
  advance(p);
  if (!enter(p)) return NULL;
  ast_node *b = parse_factor(p);
  leave(p);
  if (!b) return NULL;
  ast_node *n = node_from(p, AST_BINOP, a);
  if (!n) return NULL;
  n->u.binop.op = AST_OP_POW;
  n->u.binop.left = a;
  n->u.binop.right = b;
  return finish(p, n);
}

static ast_node *parse_factor(parser *p) {
  tokpos t = pos_at(p, 0);
  ast_unaryop op;
  if (t.kind == LEX_MINUS) {
    op = AST_UOP_NEG;
  } else if (t.kind == LEX_PLUS) {
    op = AST_UOP_POS;
  } else if (t.kind == LEX_TILDE) {
    op = AST_UOP_INVERT;
  } else {
    return parse_power(p);
  }
  advance(p);
  if (!enter(p)) return NULL;
  ast_node *v = parse_factor(p);
  leave(p);
  if (!v) return NULL;
  ast_node *n = node_tok(p, AST_UNARYOP, &t);
  if (!n) return NULL;
  n->u.unaryop.op = op;
  n->u.unaryop.operand = v;
  return finish(p, n);
}

typedef struct binop_entry {
  lex_kind tok; /* operator token */
  ast_binop op; /* its operation */
} binop_entry;

static const binop_entry term_ops[] = {
    {LEX_STAR, AST_OP_MUL},          {LEX_SLASH, AST_OP_DIV}, {LEX_DOUBLESLASH, AST_OP_FLOORDIV},
    {LEX_PERCENT, AST_OP_MOD},       {LEX_AT, AST_OP_MATMUL},
};
static const binop_entry sum_ops[] = {{LEX_PLUS, AST_OP_ADD}, {LEX_MINUS, AST_OP_SUB}};
static const binop_entry shift_ops[] = {{LEX_LEFTSHIFT, AST_OP_LSHIFT},
                                        {LEX_RIGHTSHIFT, AST_OP_RSHIFT}};
static const binop_entry and_ops[] = {{LEX_AMPER, AST_OP_BITAND}};
static const binop_entry xor_ops[] = {{LEX_CIRCUMFLEX, AST_OP_BITXOR}};
static const binop_entry or_ops[] = {{LEX_VBAR, AST_OP_BITOR}};

typedef struct binop_level {
  const binop_entry *ops; /* operators of this level */
  int n;                  /* how many */
} binop_level;

/* from the loosest (|) to the tightest (* / // % @) */
static const binop_level binop_levels[] = {
    {or_ops, 1}, {xor_ops, 1}, {and_ops, 1}, {shift_ops, 2}, {sum_ops, 2}, {term_ops, 5},
};
#define N_BINOP_LEVELS ((int)(sizeof binop_levels / sizeof binop_levels[0]))

/* Left-associative binary operators, one loop per precedence level. */
static ast_node *parse_binop_level(parser *p, int level) {
  if (level == N_BINOP_LEVELS) return parse_factor(p);
  ast_node *a = parse_binop_level(p, level + 1);
  while (a) {
    lex_kind k = cur_kind(p);
    const binop_level *L = &binop_levels[level];
    int found = -1;
    for (int i = 0; i < L->n; i++) {
      if (L->ops[i].tok == k) found = i;
    }
    if (found < 0) break;
    advance(p);
    ast_node *b = parse_binop_level(p, level + 1);
    if (!b) return NULL;
    ast_node *n = node_from(p, AST_BINOP, a);
    if (!n) return NULL;
    n->u.binop.op = L->ops[found].op;
    n->u.binop.left = a;
    n->u.binop.right = b;
    a = finish(p, n);
  }
  return a;
}

static ast_node *parse_bitwise_or(parser *p) { return parse_binop_level(p, 0); }

/* A comparison operator at the current token: returns 1 and consumes it. */
static int comparison_op(parser *p, ast_cmpop *op) {
  switch (cur_kind(p)) {
    case LEX_EQEQUAL: *op = AST_CMP_EQ; break;
    case LEX_NOTEQUAL: *op = AST_CMP_NE; break;
    case LEX_LESS: *op = AST_CMP_LT; break;
    case LEX_LESSEQUAL: *op = AST_CMP_LE; break;
    case LEX_GREATER: *op = AST_CMP_GT; break;
    case LEX_GREATEREQUAL: *op = AST_CMP_GE; break;
    case LEX_KW_IN: *op = AST_CMP_IN; break;
    case LEX_KW_NOT:
      if (kind_at(p, 1) != LEX_KW_IN) return 0;
      advance(p);
      *op = AST_CMP_NOT_IN;
      break;
    case LEX_KW_IS:
      if (kind_at(p, 1) == LEX_KW_NOT) {
        advance(p);
        *op = AST_CMP_IS_NOT;
      } else {
        *op = AST_CMP_IS;
      }
      break;
    default:
      return 0;
  }
  advance(p);
  return 1;
}

static ast_node *parse_comparison(parser *p) {
  ast_node *a = parse_bitwise_or(p);
  if (!a) return NULL;
  ast_cmpop op;
  ast_node *n = NULL;
  while (comparison_op(p, &op)) {
    ast_node *b = parse_bitwise_or(p);
    if (!b) return NULL;
    if (!n) {
      n = node_from(p, AST_COMPARE, a);
      if (!n) return NULL;
      n->u.compare.left = a;
    }
    int count = n->u.compare.comparators.count;
    ast_cmpop *ops = grow(p, n->u.compare.ops, count, sizeof(ast_cmpop));
    if (!ops) return NULL;
    n->u.compare.ops = ops;
    ops[count] = op;
    if (!push(p, &n->u.compare.comparators, b)) return NULL;
    finish(p, n);
  }
  if (failed(p)) return NULL;
  return n ? n : a;
}

static ast_node *parse_inversion(parser *p) {
  if (cur_kind(p) != LEX_KW_NOT) return parse_comparison(p);
  tokpos t = advance(p);
  if (!enter(p)) return NULL;
  ast_node *v = parse_inversion(p);
  leave(p);
  if (!v) return NULL;
  ast_node *n = node_tok(p, AST_UNARYOP, &t);
  if (!n) return NULL;
  n->u.unaryop.op = AST_UOP_NOT;
  n->u.unaryop.operand = v;
  return finish(p, n);
}

static ast_node *parse_boolop(parser *p, int is_or) {
  ast_node *a = is_or ? parse_boolop(p, 0) : parse_inversion(p);
  if (!a) return NULL;
  lex_kind k = is_or ? LEX_KW_OR : LEX_KW_AND;
  if (cur_kind(p) != k) return a;
  ast_node *n = node_from(p, AST_BOOLOP, a);
  if (!n || !push(p, &n->u.boolop.values, a)) return NULL;
  n->u.boolop.is_or = is_or;
  while (accept(p, k)) {
    ast_node *b = is_or ? parse_boolop(p, 0) : parse_inversion(p);
    if (!b || !push(p, &n->u.boolop.values, b)) return NULL;
  }
  return finish(p, n);
}

static ast_node *parse_disjunction(parser *p) { return parse_boolop(p, 1); }

static ast_node *parse_lambda(parser *p) {
  tokpos t = advance(p);
  if (!enter(p)) return NULL;
  ast_node *n = node_tok(p, AST_LAMBDA, &t);
  ast_node *r = NULL;
  if (n) {
    n->u.lambda.args = parse_arguments(p, 1);
    if (n->u.lambda.args && expect(p, LEX_COLON)) {
      n->u.lambda.body = parse_expression(p);
      if (n->u.lambda.body) r = finish(p, n);
    }
  }
  leave(p);
  return failed(p) ? NULL : r;
}

static ast_node *parse_expression(parser *p) {
  if (cur_kind(p) == LEX_KW_LAMBDA) return parse_lambda(p);
  ast_node *a = parse_disjunction(p);
  if (!a) return NULL;
  if (cur_kind(p) != LEX_KW_IF) {
    check_missing_comma(p, a);
    return failed(p) ? NULL : a;
  }
  advance(p);
  ast_node *test = parse_disjunction(p);
  if (!test) return NULL;
  if (!accept(p, LEX_KW_ELSE)) {
    if (cur_kind(p) != LEX_COLON && !failed(p)) {
      fail_at(p, DIAG_SYNTAX, a->line, a->col, test->end_line == a->line ? test->end_col : 0,
              "expected 'else' after 'if' expression");
    } else {
      syntax_error_here(p);
    }
    return NULL;
  }
  if (!enter(p)) return NULL;
  ast_node *orelse = parse_expression(p);
  leave(p);
  if (!orelse) return NULL;
  ast_node *n = node_from(p, AST_IFEXP, a);
  if (!n) return NULL;
  n->u.ifexp.test = test;
  n->u.ifexp.body = a;
  n->u.ifexp.orelse = orelse;
  return finish(p, n);
}

/* "e := value" where e is not a name: CPython names e when a value follows. */
static PARSE_NOINLINE void bad_walrus(parser *p, const ast_node *e) {
  spec_state s;
  p->invalid_pass++;
  spec_begin(p, &s);
  advance(p);
  int value_ok = parse_expression(p) != NULL;
  value_ok = spec_end(p, &s) && value_ok;
  p->invalid_pass--;
  if (failed(p)) return;
  if (value_ok && e->kind != AST_NAME) {
    fail_node(p, e, "cannot use assignment expressions with %s", expr_name(e));
  } else {
    syntax_error_here(p);
  }
}

/* named_expression: a walrus (refused) or an expression. Where CPython parses a
 * named expression, a stray '=' gets its "Maybe you meant '=='" messages. */
static ast_node *parse_named_expression_ex(parser *p, int check_equal) {
  if (cur_kind(p) == LEX_NAME && kind_at(p, 1) == LEX_COLONEQUAL) {
    tokpos op = pos_at(p, 1);
    advance(p);
    advance(p);
    defer_at(p, DIAG_UNSUPPORTED, op.line, op.col, op.end_col,
             "the walrus operator (:=) is not supported in scenarios");
    return parse_expression(p);
  }
  ast_node *e = parse_expression(p);
  if (!e) return NULL;
  lex_kind k = cur_kind(p);
  if (k == LEX_COLONEQUAL) {
    bad_walrus(p, e);
    return NULL;
  }
  if (check_equal && k == LEX_EQUAL && (e->kind == AST_NAME || is_bitwise_or_level(p, e))) {
    /* only when a plain operand follows the '=' and no other '=' comes after */
    spec_state s;
    p->invalid_pass++;
    spec_begin(p, &s);
    advance(p);
    ast_node *b = parse_bitwise_or(p);
    lex_kind after = cur_kind(p);
    int end_line = p->prev_end_line;
    int end_col = p->prev_end_col;
    int ok = spec_end(p, &s) && b && after != LEX_EQUAL && after != LEX_COLONEQUAL;
    p->invalid_pass--;
    if (failed(p)) return NULL;
    if (ok) {
      if (e->kind == AST_NAME) {
        fail_at(p, DIAG_SYNTAX, e->line, e->col, end_line == e->line ? end_col : 0,
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
        return NULL;
      }
      if (e->kind != AST_LIST && e->kind != AST_TUPLE && e->kind != AST_GENEXP &&
          e->kind != AST_TRUE && e->kind != AST_FALSE && !(e->kind == AST_NONE && !e->u.name)) {
        fail_node(p, e, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                  expr_name(e));
        return NULL;
      }
    }
  }
  return e;
}

static ast_node *parse_named_expression(parser *p) { return parse_named_expression_ex(p, 1); }

static ast_node *parse_starred(parser *p) {
  tokpos t = advance(p); /* * */
  ast_node *v = parse_bitwise_or(p);
  if (!v) return NULL;
  ast_node *n = node_tok(p, AST_STARRED, &t);
  if (!n) return NULL;
  n->u.starred.value = v;
  return finish(p, n);
}

static ast_node *parse_star_named_expression(parser *p) {
  if (cur_kind(p) == LEX_STAR) return parse_starred(p);
  return parse_named_expression(p);
}

static ast_node *parse_star_expression(parser *p) {
  if (cur_kind(p) == LEX_STAR) return parse_starred(p);
  return parse_expression(p);
}

static int starts_star_expression(lex_kind k) { return k == LEX_STAR || starts_expression(k); }

/* star_expressions: a, *b, c -> a tuple without parentheses */
static ast_node *parse_star_expressions(parser *p) {
  ast_node *first = parse_star_expression(p);
  if (!first || cur_kind(p) != LEX_COMMA) return first;
  ast_node *t = node_from(p, AST_TUPLE, first);
  if (!t || !push(p, &t->u.seq.elts, first)) return NULL;
  while (accept(p, LEX_COMMA)) {
    if (!starts_star_expression(cur_kind(p))) break;
    ast_node *e = parse_star_expression(p);
    if (!e || !push(p, &t->u.seq.elts, e)) return NULL;
  }
  return finish(p, t);
}

static ast_node *parse_yield_expr(parser *p) {
  tokpos t = advance(p); /* yield */
  ast_node *n = node_tok(p, AST_YIELD, &t);
  if (!n) return NULL;
  if (cur_kind(p) == LEX_KW_FROM) {
    tokpos f = advance(p);
    defer_at(p, DIAG_UNSUPPORTED, t.line, t.col, f.end_col,
             "yield from is not supported in scenarios");
    n->u.yield_.value = parse_expression(p);
    return n->u.yield_.value ? finish(p, n) : NULL;
  }
  if (starts_star_expression(cur_kind(p))) {
    n->u.yield_.value = parse_star_expressions(p);
    if (!n->u.yield_.value) return NULL;
  }
  return finish(p, n);
}

/* Targets of for loops and comprehensions: star_targets up to 'in'. */
/* The target of "for" did not read as one: CPython reads it again as expressions to
 * name what cannot be assigned (invalid_for_target). */
static PARSE_NOINLINE ast_node *bad_for_target(parser *p, int start) {
  if (start < p->base) { /* out of the window (a giant statement): no hint */
    syntax_error_here(p);
    return NULL;
  }
  spec_state st;
  p->invalid_pass++;
  spec_begin(p, &st);
  p->pos = start - p->base;
  ast_node *all = parse_star_expressions(p);
  const ast_node *bad = all ? invalid_target(all, TARGET_FOR) : NULL;
  int ok = spec_end(p, &st);
  p->invalid_pass--;
  if (failed(p)) return NULL;
  if (ok && bad) {
    fail_node(p, bad, "cannot assign to %s", expr_name(bad));
  } else {
    syntax_error_here(p);
  }
  return NULL;
}

static ast_node *parse_for_targets(parser *p) {
  int start = p->base + p->pos;
  if (cur_kind(p) == LEX_KW_LAMBDA || cur_kind(p) == LEX_KW_NOT) return bad_for_target(p, start);
  ast_node *first = cur_kind(p) == LEX_STAR ? parse_starred(p) : parse_bitwise_or(p);
  if (!first) return NULL;
  ast_node *r = first;
  ast_node *last = first;
  if (cur_kind(p) == LEX_COMMA) {
    r = node_from(p, AST_TUPLE, first);
    if (!r || !push(p, &r->u.seq.elts, first)) return NULL;
    while (accept(p, LEX_COMMA)) {
      lex_kind k = cur_kind(p);
      if (k == LEX_KW_LAMBDA || k == LEX_KW_NOT) return bad_for_target(p, start);
      if (k != LEX_STAR && !starts_expression(k)) break;
      last = k == LEX_STAR ? parse_starred(p) : parse_bitwise_or(p);
      if (!last || !push(p, &r->u.seq.elts, last)) return NULL;
    }
    finish(p, r);
  }
  /* CPython reads a bad target as an expression: "for x y in z" inside brackets */
  if (cur_kind(p) != LEX_KW_IN && last->kind != AST_STARRED) {
    check_missing_comma(p, last);
    if (failed(p)) return NULL;
  }
  if (cur_kind(p) == LEX_KW_IN) {
    if (!check_target(p, r, TARGET_FOR)) return NULL;
    return r;
  }
  if (failed(p)) return NULL;
  return bad_for_target(p, start);
}

static int parse_comp_for(parser *p, ast_list *gens) {
  while (at_comp_for(p)) {
    tokpos t = pos_at(p, 0);
    int is_async = 0;
    if (t.kind == LEX_KW_ASYNC) {
      advance(p);
      is_async = 1;
    }
    advance(p); /* for */
    ast_node *c = node_tok(p, AST_COMPREHENSION, &t);
    if (!c) return 0;
    c->u.comprehension.is_async = is_async;
    c->u.comprehension.target = parse_for_targets(p);
    if (!c->u.comprehension.target || !expect(p, LEX_KW_IN)) return 0;
    c->u.comprehension.iter = parse_disjunction(p);
    if (!c->u.comprehension.iter) return 0;
    while (accept(p, LEX_KW_IF)) {
      ast_node *cond = parse_disjunction(p);
      if (!cond || !push(p, &c->u.comprehension.ifs, cond)) return 0;
    }
    finish(p, c);
    if (!push(p, gens, c)) return 0;
  }
  return !failed(p);
}

/* ------------------------------------------------------------------------------------------ */
/* string literals and f-strings */

typedef struct sbuf {
  char *data; /* arena memory */
  size_t len; /* bytes used */
  size_t cap; /* bytes allocated */
} sbuf;

static int sb_put(parser *p, sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t ncap = b->cap ? b->cap * 2 : 64;
    while (ncap < b->len + n + 1) ncap *= 2;
    char *d = ast_alloc(p->ctx->tree, ncap);
    if (!d) {
      nomem(p);
      return 0;
    }
    if (b->len) memcpy(d, b->data, b->len);
    b->data = d;
    b->cap = ncap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 1;
}

static int sb_put_cp(parser *p, sbuf *b, uint32_t cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  return sb_put(p, b, u, n);
}

/* A literal being decoded: where its token is, for messages. */
typedef struct strlit {
  lex_token tok;    /* the STRING token */
  const char *body; /* first byte after the opening quote */
  const char *end;  /* the closing quote */
  const char *piece; /* start of the literal piece being decoded (offsets in messages) */
  int raw;          /* r prefix: no escapes */
  int group_end_line; /* end of the last literal of the adjacent group (for messages) */
  int group_end_col;  /* its column */
  int line;         /* line of the byte being read */
  const char *line_start; /* start of that line in the lexer's buffer */
} strlit;

static void fail_strlit(parser *p, const strlit *sl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Errors inside a literal are reported just past the last literal of the group, as
 * CPython 3.11 does (it decodes them all after parsing). */
static void fail_strlit(parser *p, const strlit *sl, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int saved = p->in_fstring;
  p->in_fstring = 0; /* the message says "f-string" itself when it should */
  fail_at(p, DIAG_SYNTAX, sl->group_end_line, sl->group_end_col, sl->group_end_col, "%s", msg);
  p->in_fstring = saved;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes the escape at *sp (a backslash) into b. Returns 0 on error. */
static int decode_escape(parser *p, strlit *sl, const char **sp, sbuf *b) {
  const char *s = *sp;
  const char *end = sl->end;
  size_t at = (size_t)(s - sl->piece);
  s++;
  if (s >= end) { /* cannot happen: the lexer never ends a literal on a backslash */
    *sp = s;
    return sb_put(p, b, "\\", 1);
  }
  int c = (unsigned char)*s++;
  int ok = 1;
  switch (c) {
    case '\n':
      sl->line++;
      sl->line_start = s;
      break;
    case '\\': ok = sb_put(p, b, "\\", 1); break;
    case '\'': ok = sb_put(p, b, "'", 1); break;
    case '"': ok = sb_put(p, b, "\"", 1); break;
    case 'a': ok = sb_put(p, b, "\a", 1); break;
    case 'b': ok = sb_put(p, b, "\b", 1); break;
    case 'f': ok = sb_put(p, b, "\f", 1); break;
    case 'n': ok = sb_put(p, b, "\n", 1); break;
    case 'r': ok = sb_put(p, b, "\r", 1); break;
    case 't': ok = sb_put(p, b, "\t", 1); break;
    case 'v': ok = sb_put(p, b, "\v", 1); break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      uint32_t v = (uint32_t)(c - '0');
      for (int i = 0; i < 2 && s < end && *s >= '0' && *s <= '7'; i++) v = v * 8 + (uint32_t)(*s++ - '0');
      ok = sb_put_cp(p, b, v);
      break;
    }
    case 'x': case 'u': case 'U': {
      int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      uint32_t v = 0;
      int i;
      for (i = 0; i < digits && s < end && hexval((unsigned char)*s) >= 0; i++) {
        v = v * 16 + (uint32_t)hexval((unsigned char)*s++);
      }
      if (i < digits) {
        fail_strlit(p, sl,
                    "(unicode error) 'unicodeescape' codec can't decode bytes in position %zu-%zu: "
                    "truncated \\%s escape",
                    at, (size_t)(s - sl->piece) - 1,
                    c == 'x' ? "xXX" : c == 'u' ? "uXXXX" : "UXXXXXXXX");
        return 0;
      }
      if (v > 0x10FFFF) {
        fail_strlit(p, sl,
                    "(unicode error) 'unicodeescape' codec can't decode bytes in position %zu-%zu: "
                    "illegal Unicode character",
                    at, (size_t)(s - sl->piece) - 1);
        return 0;
      }
      if (v >= 0xD800 && v <= 0xDFFF) {
        defer_at(p, DIAG_UNSUPPORTED, sl->tok.line, sl->tok.col, sl->tok.end_col,
                 "surrogate characters (\\u%04X) are not supported in scenarios", (unsigned)v);
        v = 0xFFFD;
      }
      ok = sb_put_cp(p, b, v);
      break;
    }
    case 'N': {
      const char *q = s;
      if (q < end && *q == '{') {
        while (q < end && *q != '}') q++;
      }
      if (s >= end || *s != '{' || q >= end || q == s + 1) {
        fail_strlit(p, sl,
                    "(unicode error) 'unicodeescape' codec can't decode bytes in position %zu-%zu: "
                    "malformed \\N character escape",
                    at, (size_t)(q - sl->piece) - (q < end ? 0 : 1));
        return 0;
      }
      defer_at(p, DIAG_UNSUPPORTED, sl->tok.line, sl->tok.col, sl->tok.end_col,
               "\\N{...} escapes are not supported in scenarios");
      s = q + 1;
      break;
    }
    default:
      /* an unknown escape keeps its backslash (CPython only warns) */
      ok = sb_put(p, b, "\\", 1) && sb_put(p, b, s - 1, 1);
      break;
  }
  *sp = s;
  return ok;
}

/* Copies literal text s..e (no braces inside) into b, decoding escapes. */
static int decode_text(parser *p, strlit *sl, const char *s, const char *e, sbuf *b) {
  sl->piece = s;
  while (s < e) {
    const char *q = s;
    while (q < e && *q != '\\' && *q != '\n') q++;
    if (q > s && !sb_put(p, b, s, (size_t)(q - s))) return 0;
    s = q;
    if (s >= e) break;
    if (*s == '\n') {
      if (!sb_put(p, b, "\n", 1)) return 0;
      s++;
      sl->line++;
      sl->line_start = s;
    } else if (sl->raw) {
      /* a raw string keeps its backslashes; the next character is never special */
      if (!sb_put(p, b, "\\", 1)) return 0;
      s++;
      if (s < e && *s == '\n') continue;
      if (s < e && !sb_put(p, b, s++, 1)) return 0;
    } else if (!decode_escape(p, sl, &s, b)) {
      return 0;
    }
  }
  return 1;
}

static ast_node *parse_fstring_expr(parser *p, const char *s, size_t n, int line,
                                    const char *line_start);

/* Moves the accumulated text into a new AST_STR part. */
static int flush_text(parser *p, const strlit *sl, sbuf *text, ast_list *parts) {
  if (text->len == 0) return 1;
  ast_node *n = node_tok(p, AST_STR, &sl->tok);
  if (!n) return 0;
  n->u.str.data = text->data;
  n->u.str.len = text->len;
  memset(text, 0, sizeof *text);
  return push(p, parts, n);
}

static int fstring_body(parser *p, strlit *sl, const char **sp, int spec_level, ast_list *parts,
                        sbuf *text);

/* One replacement field; *sp is just past its '{'. */
static int fstring_field(parser *p, strlit *sl, const char **sp, int spec_level, ast_list *parts,
                         sbuf *text) {
  const char *s = *sp;
  const char *end = sl->end;
  const char *expr = s;
  int expr_line = sl->line;
  const char *expr_line_start = sl->line_start;
  char stack[200];
  int nested = 0;
  char quote = 0;
  int quote_len = 0;
  for (;;) {
    if (s >= end) break;
    char ch = *s;
    if (ch == '\\') {
      fail_strlit(p, sl, "f-string expression part cannot include a backslash");
      return 0;
    }
    if (quote) {
      if (ch == quote && (quote_len == 1 || (end - s >= 3 && s[1] == quote && s[2] == quote))) {
        s += quote_len;
        quote = 0;
        continue;
      }
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      quote_len = (end - s >= 3 && s[1] == ch && s[2] == ch) ? 3 : 1;
      s += quote_len;
      continue;
    } else if (ch == '(' || ch == '[' || ch == '{') {
      if (nested >= (int)sizeof stack) {
        fail_strlit(p, sl, "f-string: too many nested parenthesis");
        return 0;
      }
      stack[nested++] = ch;
    } else if (ch == ')' || ch == ']' || ch == '}') {
      if (nested == 0) {
        if (ch == '}') break;
        fail_strlit(p, sl, "f-string: unmatched '%c'", ch);
        return 0;
      }
      char open = stack[--nested];
      if ((open == '(' && ch != ')') || (open == '[' && ch != ']') || (open == '{' && ch != '}')) {
        fail_strlit(p, sl,
                    "f-string: closing parenthesis '%c' does not match opening parenthesis '%c'", ch,
                    open);
        return 0;
      }
    } else if (ch == '#') {
      fail_strlit(p, sl, "f-string expression part cannot include '#'");
      return 0;
    } else if (nested == 0 && ch == '!' && !(s + 1 < end && s[1] == '=')) {
      break;
    } else if (nested == 0 && ch == ':') {
      break;
    } else if (nested == 0 && ch == '=' && !(s + 1 < end && s[1] == '=') &&
               !(s > expr && strchr("=!<>", s[-1]))) {
      break;
    } else if (ch == '!' && s + 1 < end && s[1] == '=') {
      s += 2;
      continue;
    }
    if (ch == '\n') {
      sl->line++;
      sl->line_start = s + 1;
    }
    s++;
  }
  if (quote) {
    fail_strlit(p, sl, "f-string: unterminated string");
    return 0;
  }
  if (s >= end || nested > 0) {
    if (nested > 0) {
      fail_strlit(p, sl, "f-string: unmatched '%c'", stack[nested - 1]);
    } else {
      fail_strlit(p, sl, "f-string: expecting '}'");
    }
    return 0;
  }
  const char *expr_end = s;
  int blank = 1;
  for (const char *q = expr; q < expr_end; q++) {
    if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\f') blank = 0;
  }
  if (blank) {
    if (*s == '}') {
      fail_strlit(p, sl, "f-string: empty expression not allowed");
    } else {
      fail_strlit(p, sl, "f-string: expression required before '%c'", *s);
    }
    return 0;
  }
  int debug = 0;
  if (*s == '=') {
    debug = 1;
    s++;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\f')) {
      if (*s == '\n') {
        sl->line++;
        sl->line_start = s + 1;
      }
      s++;
    }
    /* the text "expr=" (with its spaces) comes first */
    if (!sb_put(p, text, expr, (size_t)(s - expr))) return 0;
  }
  char conversion = 0;
  if (s < end && *s == '!') {
    s++;
    if (s >= end) {
      fail_strlit(p, sl, "f-string: expecting '}'");
      return 0;
    }
    if (*s != 's' && *s != 'r' && *s != 'a') {
      fail_strlit(p, sl, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
      return 0;
    }
    conversion = *s++;
  }
  ast_node *value =
      parse_fstring_expr(p, expr, (size_t)(expr_end - expr), expr_line, expr_line_start);
  if (!value) return 0;
  ast_node *spec = NULL;
  if (s < end && *s == ':') {
    if (spec_level >= 1) {
      fail_strlit(p, sl, "f-string: expressions nested too deeply");
      return 0;
    }
    s++;
    spec = node_tok(p, AST_FSTRING, &sl->tok);
    if (!spec) return 0;
    sbuf spec_text;
    memset(&spec_text, 0, sizeof spec_text);
    if (!fstring_body(p, sl, &s, spec_level + 1, &spec->u.fstring.parts, &spec_text)) return 0;
    if (!flush_text(p, sl, &spec_text, &spec->u.fstring.parts)) return 0;
    if (spec->u.fstring.parts.count == 0) spec = NULL; /* "{x:}" formats with "" */
  }
  if (s >= end || *s != '}') {
    fail_strlit(p, sl, "f-string: expecting '}'");
    return 0;
  }
  s++;
  if (debug && conversion == 0 && spec == NULL) conversion = 'r';
  if (!flush_text(p, sl, text, parts)) return 0;
  ast_node *f = node_from(p, AST_FORMATTED, value);
  if (!f) return 0;
  f->u.formatted.value = value;
  f->u.formatted.conversion = conversion;
  f->u.formatted.spec = spec;
  *sp = s;
  return push(p, parts, f);
}

/* The text of an f-string (or of a format spec when spec_level > 0, which ends at
 * the '}' closing its field, left unread). */
static int fstring_body(parser *p, strlit *sl, const char **sp, int spec_level, ast_list *parts,
                        sbuf *text) {
  const char *s = *sp;
  const char *end = sl->end;
  while (s < end) {
    const char *q = s;
    /* literal run up to a brace (a \N{...} escape's braces are not fields) */
    while (q < end && *q != '{' && *q != '}') {
      if (*q == '\\' && !sl->raw && q + 1 < end) {
        if (q[1] == 'N' && q + 2 < end && q[2] == '{') {
          q += 3;
          while (q < end && *q != '}') q++;
          if (q < end) q++;
          continue;
        }
        q += 2;
        continue;
      }
      q++;
    }
    if (q > end) q = end;
    if (!decode_text(p, sl, s, q, text)) return 0;
    s = q;
    if (s >= end) break;
    if (*s == '{') {
      /* doubled braces are literal text, except inside a format spec (CPython 3.11) */
      if (spec_level == 0 && s + 1 < end && s[1] == '{') {
        if (!sb_put(p, text, "{", 1)) return 0;
        s += 2;
        continue;
      }
      s++;
      if (!fstring_field(p, sl, &s, spec_level, parts, text)) return 0;
      continue;
    }
    /* '}' */
    if (spec_level > 0) break;
    if (s + 1 < end && s[1] == '}') {
      if (!sb_put(p, text, "}", 1)) return 0;
      s += 2;
      continue;
    }
    fail_strlit(p, sl, "f-string: single '}' is not allowed");
    return 0;
  }
  *sp = s;
  return 1;
}

static PARSE_NOINLINE ast_node *parse_strings(parser *p) {
  lex_token first = tok_at(p, 0);
  int any_bytes = 0, any_str = 0, any_f = 0;
  int n = 0;
  while (kind_at(p, n) == LEX_STRING) {
    lex_token t = tok_at(p, n);
    if (t.str.is_bytes) {
      any_bytes = 1;
    } else {
      any_str = 1;
    }
    if (t.str.is_f) any_f = 1;
    n++;
  }
  if (failed(p)) return NULL;
  if (any_bytes && any_str) {
    lex_token last = tok_at(p, n - 1);
    fail_at(p, DIAG_SYNTAX, last.end_line, last.end_col, last.end_col,
            "cannot mix bytes and nonbytes literals");
    return NULL;
  }
  if (any_bytes) {
    defer_at(p, DIAG_UNSUPPORTED, first.line, first.col, first.end_col,
             "bytes literals are not supported in scenarios");
  }
  ast_node *r = node_tok(p, any_f ? AST_FSTRING : AST_STR, &first);
  if (!r) return NULL;
  tokpos group_end = pos_at(p, n - 1);
  sbuf text;
  memset(&text, 0, sizeof text);
  strlit sl;
  for (int i = 0; i < n; i++) {
    lex_token t = take(p);
    memset(&sl, 0, sizeof sl);
    sl.tok = t;
    sl.body = t.start + t.str.prefix_len + t.str.quote_len;
    sl.end = t.start + t.len - t.str.quote_len;
    sl.raw = t.str.is_raw;
    sl.group_end_line = group_end.end_line;
    sl.group_end_col = group_end.end_col;
    sl.line = t.line;
    sl.line_start = t.line_start;
    const char *s = sl.body;
    if (t.str.is_f) {
      if (!fstring_body(p, &sl, &s, 0, &r->u.fstring.parts, &text)) return NULL;
    } else if (!decode_text(p, &sl, sl.body, sl.end, &text)) {
      return NULL;
    }
  }
  finish(p, r);
  if (any_f) {
    if (!flush_text(p, &sl, &text, &r->u.fstring.parts)) return NULL;
    return r;
  }
  if (!text.data && !sb_put(p, &text, "", 0)) return NULL;
  r->u.str.data = text.data;
  r->u.str.len = text.len;
  return r;
}

/* Parses the expression of an f-string field, s[0..n) of the lexer's buffer, with a
 * parser of its own sharing the tree and the error state; line/line_start say where
 * it is, for positions. CPython parses the field as "(expr)". */
static ast_node *parse_fstring_expr(parser *p, const char *s, size_t n, int line,
                                    const char *line_start) {
  if (!enter(p)) return NULL;
  parser sub;
  memset(&sub, 0, sizeof sub);
  sub.ctx = p->ctx;
  sub.in_fstring = 1;
  sub.no_comma_depth = -1;
  ast_node *e = NULL;
  if (lex_init_expr(&sub.lx, p->ctx->filename, s, n, line, line_start, p->ctx->max_nesting) !=
      LEX_OK) {
    nomem(p);
  } else {
    e = cur_kind(&sub) == LEX_KW_YIELD ? parse_yield_expr(&sub) : parse_star_expressions(&sub);
    if (e && cur_kind(&sub) != LEX_ENDMARKER) {
      syntax_error_here(&sub);
      e = NULL;
    } else if (e && e->kind == AST_STARRED) {
      fail_node(&sub, e, "%s", "cannot use starred expression here");
      e = NULL;
    }
  }
  free(sub.toks);
  lex_free(&sub.lx);
  leave(p);
  return failed(p) ? NULL : e;
}

/* ------------------------------------------------------------------------------------------ */
/* parameters */

static ast_node *make_arg(parser *p, const lex_token *t) {
  ast_node *a = node_tok(p, AST_ARG, t);
  if (!a) return NULL;
  a->u.arg.name = tok_str(p, t);
  return a->u.arg.name ? a : NULL;
}

/* An annotation after a parameter name (def only): parsed and dropped. */
static int skip_annotation(parser *p, int is_lambda) {
  if (is_lambda || cur_kind(p) != LEX_COLON) return 1;
  advance(p);
  return parse_expression(p) != NULL;
}

/* The parameters of a def (up to ')') or a lambda (up to ':'). */
static ast_node *parse_arguments(parser *p, int is_lambda) {
  lex_token t = tok_at(p, 0);
  ast_node *a = node_tok(p, AST_ARGUMENTS, &t);
  if (!a) return NULL;
  lex_kind close = is_lambda ? LEX_COLON : LEX_RPAR;
  int after_star = 0;   /* parameters are keyword-only */
  int after_kwarg = 0;  /* **kwargs seen */
  int seen_default = 0; /* a positional parameter had a default */
  int seen_slash = 0;
  int bare_star = 0;
  lex_token star;
  memset(&star, 0, sizeof star);
  while (cur_kind(p) != close) {
    if (failed(p)) return NULL;
    lex_token k = tok_at(p, 0);
    if (after_kwarg && (k.kind == LEX_NAME || k.kind == LEX_STAR || k.kind == LEX_DOUBLESTAR ||
                        k.kind == LEX_SLASH)) {
      fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col,
              "arguments cannot follow var-keyword argument");
      return NULL;
    }
    if (k.kind == LEX_SLASH) {
      if (a->u.arguments.args.count == 0) {
        fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col, "at least one argument must precede /");
        return NULL;
      }
      if (seen_slash) {
        fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col, "/ may appear only once");
        return NULL;
      }
      if (after_star) {
        fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col, "/ must be ahead of *");
        return NULL;
      }
      seen_slash = 1;
      advance(p);
      defer_at(p, DIAG_UNSUPPORTED, k.line, k.col, k.end_col,
               "positional-only parameters (/) are not supported in scenarios");
    } else if (k.kind == LEX_LPAR && kind_at(p, 1) == LEX_NAME) {
      fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col,
              is_lambda ? "Lambda expression parameters cannot be parenthesized"
                        : "Function parameters cannot be parenthesized");
      return NULL;
    } else if (k.kind == LEX_STAR) {
      if (after_star) {
        lex_kind next = kind_at(p, 1);
        if (next == LEX_NAME || next == LEX_COMMA) {
          fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col, "* argument may appear only once");
        } else {
          fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col, "invalid syntax");
        }
        return NULL;
      }
      advance(p);
      after_star = 1;
      star = k;
      lex_token name = tok_at(p, 0);
      if (name.kind == LEX_NAME) {
        advance(p);
        a->u.arguments.vararg = tok_str(p, &name);
        if (!a->u.arguments.vararg || !skip_annotation(p, is_lambda)) return NULL;
        if (cur_kind(p) == LEX_EQUAL) {
          lex_token eq = tok_at(p, 0);
          fail_at(p, DIAG_SYNTAX, eq.line, eq.col, eq.end_col,
                  "var-positional argument cannot have default value");
          return NULL;
        }
      } else if (name.kind == LEX_COMMA || name.kind == close) {
        bare_star = 1;
      } else {
        syntax_error_here(p);
        return NULL;
      }
    } else if (k.kind == LEX_DOUBLESTAR) {
      if (bare_star && a->u.arguments.kwonlyargs.count == 0) {
        fail_at(p, DIAG_SYNTAX, star.line, star.col, star.end_col,
                "named arguments must follow bare *");
        return NULL;
      }
      advance(p);
      lex_token name = tok_at(p, 0);
      if (name.kind != LEX_NAME) {
        syntax_error_here(p);
        return NULL;
      }
      advance(p);
      a->u.arguments.kwarg = tok_str(p, &name);
      if (!a->u.arguments.kwarg || !skip_annotation(p, is_lambda)) return NULL;
      if (cur_kind(p) == LEX_EQUAL) {
        lex_token eq = tok_at(p, 0);
        fail_at(p, DIAG_SYNTAX, eq.line, eq.col, eq.end_col,
                "var-keyword argument cannot have default value");
        return NULL;
      }
      after_kwarg = 1;
    } else if (k.kind == LEX_NAME) {
      advance(p);
      ast_node *arg = make_arg(p, &k);
      if (!arg || !skip_annotation(p, is_lambda)) return NULL;
      ast_node *def = NULL;
      if (cur_kind(p) == LEX_EQUAL) {
        tokpos eq = advance(p);
        if (cur_kind(p) == LEX_COMMA || cur_kind(p) == close) {
          fail_at(p, DIAG_SYNTAX, eq.line, eq.col, eq.end_col, "expected default value expression");
          return NULL;
        }
        def = parse_expression(p);
        if (!def) return NULL;
      }
      if (after_star) {
        if (!push(p, &a->u.arguments.kwonlyargs, arg) || !push(p, &a->u.arguments.kw_defaults, def))
          return NULL;
      } else {
        if (def) {
          seen_default = 1;
          if (!push(p, &a->u.arguments.defaults, def)) return NULL;
        } else if (seen_default) {
          fail_at(p, DIAG_SYNTAX, k.line, k.col, k.end_col,
                  "non-default argument follows default argument");
          return NULL;
        }
        if (!push(p, &a->u.arguments.args, arg)) return NULL;
      }
    } else {
      syntax_error_here(p);
      return NULL;
    }
    if (!accept(p, LEX_COMMA)) break;
  }
  if (bare_star && a->u.arguments.kwonlyargs.count == 0 && !failed(p)) {
    fail_at(p, DIAG_SYNTAX, star.line, star.col, star.end_col, "named arguments must follow bare *");
    return NULL;
  }
  return failed(p) ? NULL : finish(p, a);
}

/* ------------------------------------------------------------------------------------------ */
/* statements */

static int parse_statement(parser *p, ast_list *body);
static int parse_simple_stmts(parser *p, ast_list *body);

/* ':' then an indented block or simple statements on the same line. what/line name the
 * statement for "expected an indented block after ...". After else, try, finally and
 * a def's parameters the colon is "forced" in CPython's grammar: anything else there is
 * "expected ':'". */
static int parse_block_ex(parser *p, ast_list *body, const char *what, int line, int forced) {
  if (cur_kind(p) != LEX_COLON) {
    tokpos t = pos_at(p, 0);
    if (failed(p)) return 0;
    if (t.kind == LEX_NEWLINE || forced) {
      fail_at(p, DIAG_SYNTAX, t.line, t.col, t.col, "expected ':'");
    } else {
      syntax_error_here(p);
    }
    return 0;
  }
  advance(p);
  if (cur_kind(p) != LEX_NEWLINE) return parse_simple_stmts(p, body);
  advance(p);
  if (cur_kind(p) != LEX_INDENT) {
    lex_token t = tok_at(p, 0);
    if (failed(p)) return 0;
    fail_at(p, DIAG_INDENTATION, t.line, t.col, t.kind == LEX_ENDMARKER ? 0 : t.end_col,
            "expected an indented block after %s on line %d", what, line);
    return 0;
  }
  advance(p);
  while (cur_kind(p) != LEX_DEDENT) {
    if (failed(p) || cur_kind(p) == LEX_ENDMARKER) break;
    if (!parse_statement(p, body)) return 0;
  }
  if (failed(p)) return 0;
  return expect(p, LEX_DEDENT);
}

static int parse_block(parser *p, ast_list *body, const char *what, int line) {
  return parse_block_ex(p, body, what, line, 0);
}

static int parse_forced_block(parser *p, ast_list *body, const char *what, int line) {
  return parse_block_ex(p, body, what, line, 1);
}

static int parse_dotted_name(parser *p, sbuf *b) {
  for (;;) {
    lex_token t = tok_at(p, 0);
    if (t.kind != LEX_NAME) {
      syntax_error_here(p);
      return 0;
    }
    advance(p);
    if (!sb_put(p, b, t.start, t.len)) return 0;
    if (cur_kind(p) != LEX_DOT) return 1;
    advance(p);
    if (!sb_put(p, b, ".", 1)) return 0;
  }
}

static ast_node *parse_import(parser *p) {
  tokpos t = advance(p);
  ast_node *n = node_tok(p, AST_IMPORT, &t);
  if (!n) return NULL;
  do {
    lex_token first = tok_at(p, 0);
    sbuf name;
    memset(&name, 0, sizeof name);
    if (!parse_dotted_name(p, &name)) return NULL;
    ast_node *al = node_tok(p, AST_ALIAS, &first);
    if (!al) return NULL;
    al->u.alias.name = name.data;
    if (accept(p, LEX_KW_AS)) {
      lex_token as = tok_at(p, 0);
      if (as.kind != LEX_NAME) {
        syntax_error_here(p);
        return NULL;
      }
      advance(p);
      al->u.alias.asname = tok_str(p, &as);
      if (!al->u.alias.asname) return NULL;
    }
    finish(p, al);
    if (!push(p, &n->u.import.names, al)) return NULL;
  } while (accept(p, LEX_COMMA));
  return finish(p, n);
}

static ast_node *parse_from_import(parser *p) {
  tokpos t = advance(p);
  ast_node *n = node_tok(p, AST_IMPORTFROM, &t);
  if (!n) return NULL;
  for (;;) {
    if (accept(p, LEX_DOT)) {
      n->u.import.level += 1;
    } else if (accept(p, LEX_ELLIPSIS)) {
      n->u.import.level += 3;
    } else {
      break;
    }
  }
  if (cur_kind(p) != LEX_KW_IMPORT || n->u.import.level == 0) {
    sbuf name;
    memset(&name, 0, sizeof name);
    if (!parse_dotted_name(p, &name)) return NULL;
    n->u.import.module = name.data;
  }
  if (!expect(p, LEX_KW_IMPORT)) return NULL;
  lex_token star = tok_at(p, 0);
  if (star.kind == LEX_STAR) {
    advance(p);
    ast_node *al = node_tok(p, AST_ALIAS, &star);
    if (!al) return NULL;
    al->u.alias.name = "*";
    if (!push(p, &n->u.import.names, al)) return NULL;
    return finish(p, n);
  }
  int paren = accept(p, LEX_LPAR);
  for (;;) {
    lex_token name = tok_at(p, 0);
    if (name.kind != LEX_NAME) {
      syntax_error_here(p);
      return NULL;
    }
    advance(p);
    ast_node *al = node_tok(p, AST_ALIAS, &name);
    if (!al) return NULL;
    al->u.alias.name = tok_str(p, &name);
    if (!al->u.alias.name) return NULL;
    if (accept(p, LEX_KW_AS)) {
      lex_token as = tok_at(p, 0);
      if (as.kind != LEX_NAME) {
        syntax_error_here(p);
        return NULL;
      }
      advance(p);
      al->u.alias.asname = tok_str(p, &as);
      if (!al->u.alias.asname) return NULL;
    }
    finish(p, al);
    if (!push(p, &n->u.import.names, al)) return NULL;
    if (!accept(p, LEX_COMMA)) break;
    if (paren && cur_kind(p) == LEX_RPAR) break;
    if (!paren && cur_kind(p) == LEX_NEWLINE) {
      lex_token nl = tok_at(p, 0);
      fail_at(p, DIAG_SYNTAX, nl.line, nl.col, nl.col,
              "trailing comma not allowed without surrounding parentheses");
      return NULL;
    }
  }
  if (paren && !expect(p, LEX_RPAR)) return NULL;
  return finish(p, n);
}

static ast_node *parse_names_stmt(parser *p, ast_kind kind) {
  tokpos t = advance(p);
  ast_node *n = node_tok(p, kind, &t);
  if (!n) return NULL;
  do {
    lex_token name = tok_at(p, 0);
    if (name.kind != LEX_NAME) {
      syntax_error_here(p);
      return NULL;
    }
    advance(p);
    const char *s = tok_str(p, &name);
    if (!s || !push_name(p, &n->u.names, s)) return NULL;
  } while (accept(p, LEX_COMMA));
  return finish(p, n);
}

/* del targets: primaries (names, attributes, subscripts) and bracketed lists of them. */
static int parse_del_targets(parser *p, ast_list *targets) {
  do {
    lex_kind k = cur_kind(p);
    if (k == LEX_NEWLINE || k == LEX_SEMI) break;
    ast_node *e = k == LEX_STAR ? parse_starred(p) : parse_primary(p);
    if (!e || !check_target(p, e, TARGET_DEL) || !push(p, targets, e)) return 0;
  } while (accept(p, LEX_COMMA));
  lex_kind k = cur_kind(p);
  return !failed(p) && (k == LEX_NEWLINE || k == LEX_SEMI);
}

static ast_node *parse_del(parser *p) {
  tokpos t = advance(p);
  ast_node *n = node_tok(p, AST_DELETE, &t);
  if (!n) return NULL;
  if (!starts_star_expression(cur_kind(p))) {
    syntax_error_here(p);
    return NULL;
  }
  spec_state st;
  spec_begin(p, &st);
  ast_list scratch;
  memset(&scratch, 0, sizeof scratch);
  int ok = parse_del_targets(p, &scratch);
  ok = spec_end(p, &st) && ok;
  if (failed(p)) return NULL;
  if (!ok) {
    /* CPython then reads the whole thing as expressions to name what cannot be deleted */
    p->invalid_pass++;
    spec_begin(p, &st);
    ast_node *all = parse_star_expressions(p);
    const ast_node *bad = all ? invalid_target(all, TARGET_DEL) : NULL;
    ok = spec_end(p, &st);
    p->invalid_pass--;
    if (failed(p)) return NULL;
    if (ok && bad) {
      fail_node(p, bad, "cannot delete %s", expr_name(bad));
      return NULL;
    }
  }
  if (!parse_del_targets(p, &n->u.delete.targets)) {
    syntax_error_here(p);
    return NULL;
  }
  return finish(p, n);
}

/* The value of an assignment: yield expression or star_expressions. */
static ast_node *parse_rhs(parser *p) {
  if (cur_kind(p) == LEX_KW_YIELD) return parse_yield_expr(p);
  return parse_star_expressions(p);
}

static int augassign_op(lex_kind k, ast_binop *op) {
  switch (k) {
    case LEX_PLUSEQUAL: *op = AST_OP_ADD; return 1;
    case LEX_MINEQUAL: *op = AST_OP_SUB; return 1;
    case LEX_STAREQUAL: *op = AST_OP_MUL; return 1;
    case LEX_SLASHEQUAL: *op = AST_OP_DIV; return 1;
    case LEX_DOUBLESLASHEQUAL: *op = AST_OP_FLOORDIV; return 1;
    case LEX_PERCENTEQUAL: *op = AST_OP_MOD; return 1;
    case LEX_DOUBLESTAREQUAL: *op = AST_OP_POW; return 1;
    case LEX_ATEQUAL: *op = AST_OP_MATMUL; return 1;
    case LEX_VBAREQUAL: *op = AST_OP_BITOR; return 1;
    case LEX_AMPEREQUAL: *op = AST_OP_BITAND; return 1;
    case LEX_CIRCUMFLEXEQUAL: *op = AST_OP_BITXOR; return 1;
    case LEX_LEFTSHIFTEQUAL: *op = AST_OP_LSHIFT; return 1;
    case LEX_RIGHTSHIFTEQUAL: *op = AST_OP_RSHIFT; return 1;
    default: return 0;
  }
}

/* Reads what follows the '=' at token eq_pos (a global index): is it a plain operand (bitwise_or) not
 * followed by another '=' or ':='? Then CPython's invalid_named_expression rule applies.
 * Sets end_line and end_col to the operand's end. */
static int plain_value_after(parser *p, int eq_pos, int *end_line, int *end_col) {
  if (eq_pos < p->base) return 0; /* out of the window (a giant statement) */
  spec_state st;
  p->invalid_pass++;
  spec_begin(p, &st);
  p->pos = eq_pos - p->base + 1;
  ast_node *b = parse_bitwise_or(p);
  lex_kind after = cur_kind(p);
  *end_line = p->prev_end_line;
  *end_col = p->prev_end_col;
  int plain = spec_end(p, &st) && b && after != LEX_EQUAL && after != LEX_COLONEQUAL;
  p->invalid_pass--;
  return plain && !failed(p);
}

/* The last element of a tuple written without parentheses, or e itself. */
static const ast_node *last_bare_element(const ast_node *e) {
  if (e->kind == AST_TUPLE && e->u.seq.elts.count > 0 && e->line == e->u.seq.elts.items[0]->line &&
      e->col == e->u.seq.elts.items[0]->col) {
    return e->u.seq.elts.items[e->u.seq.elts.count - 1];
  }
  return e;
}

/* "a, b = 1, 2 = 3": CPython reads "b = 1" as a comparison written with '='. */
static int maybe_meant_equal(parser *p, const ast_node *first_target, int eq_pos) {
  const ast_node *e = last_bare_element(first_target);
  if (e == first_target || e->kind != AST_NAME) return 0;
  int end_line, end_col;
  if (!plain_value_after(p, eq_pos, &end_line, &end_col)) return 0;
  fail_at(p, DIAG_SYNTAX, e->line, e->col, end_line == e->line ? end_col : 0,
          "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
  return 1;
}

/* The first target of an assignment is invalid; the '=' after it is token eq_pos. */
static void fail_first_target(parser *p, ast_node *target, int eq_pos) {
  if (maybe_meant_equal(p, target, eq_pos) || failed(p)) return;
  const ast_node *e = last_bare_element(target);
  int end_line, end_col;
  if (is_bitwise_or_level(p, e) && invalid_target(e, TARGET_STORE) == e &&
      e->kind != AST_LIST && e->kind != AST_TUPLE && e->kind != AST_GENEXP &&
      e->kind != AST_TRUE && e->kind != AST_FALSE && !(e->kind == AST_NONE && !e->u.name) &&
      plain_value_after(p, eq_pos, &end_line, &end_col)) {
    fail_node(p, e, "cannot assign to %s here. Maybe you meant '==' instead of '='?", expr_name(e));
    return;
  }
  if (!failed(p)) check_target(p, target, TARGET_STORE);
}

static void check_starred_store(parser *p, const ast_node *target) {
  if (target->kind == AST_STARRED) {
    defer_at(p, DIAG_SYNTAX, target->line, target->col,
             target->end_line == target->line ? target->end_col : 0,
             "starred assignment target must be in a list or tuple");
  }
}

static ast_node *parse_expr_stmt(parser *p) {
  lex_token first_tok = tok_at(p, 0);
  if (first_tok.kind == LEX_KW_YIELD) {
    ast_node *y = parse_yield_expr(p);
    if (!y) return NULL;
    if (cur_kind(p) == LEX_EQUAL) {
      fail_node(p, y, "%s", "assignment to yield expression not possible");
      return NULL;
    }
    ast_node *s = node_from(p, AST_EXPR, y);
    if (!s) return NULL;
    s->u.expr_stmt.value = y;
    return s;
  }
  ast_node *e = parse_star_expressions(p);
  if (!e) return NULL;
  lex_token t = tok_at(p, 0);
  ast_binop op;
  if (t.kind == LEX_COLONEQUAL) {
    bad_walrus(p, e);
    return NULL;
  }
  if (t.kind == LEX_COLON) {
    /* annotated assignment */
    if (e->kind != AST_NAME && e->kind != AST_ATTRIBUTE && e->kind != AST_SUBSCRIPT) {
      /* CPython names the bad target only when an annotation follows */
      spec_state st;
      p->invalid_pass++;
      spec_begin(p, &st);
      advance(p);
      int ann_ok = parse_expression(p) != NULL;
      ann_ok = spec_end(p, &st) && ann_ok;
      p->invalid_pass--;
      if (failed(p)) return NULL;
      if (!ann_ok) {
        fail_at(p, DIAG_SYNTAX, t.line, t.col, t.end_col, "invalid syntax");
      } else if (e->kind == AST_TUPLE || e->kind == AST_LIST) {
        fail_node(p, e, "only single target (not %s) can be annotated",
                  e->kind == AST_TUPLE ? "tuple" : "list");
      } else {
        fail_node(p, e, "%s", "illegal target for annotation");
      }
      return NULL;
    }
    advance(p);
    ast_node *ann = parse_expression(p);
    if (!ann) return NULL;
    ast_node *s = node_from(p, AST_ANNASSIGN, e);
    if (!s) return NULL;
    s->u.annassign.target = e;
    s->u.annassign.annotation = ann;
    if (accept(p, LEX_EQUAL)) {
      s->u.annassign.value = parse_rhs(p);
      if (!s->u.annassign.value) return NULL;
    }
    return finish(p, s);
  }
  if (augassign_op(t.kind, &op)) {
    if (e->kind != AST_NAME && e->kind != AST_ATTRIBUTE && e->kind != AST_SUBSCRIPT) {
      /* CPython names the bad target only when a value follows */
      spec_state st;
      p->invalid_pass++;
      spec_begin(p, &st);
      advance(p);
      int value_ok = parse_rhs(p) != NULL;
      value_ok = spec_end(p, &st) && value_ok;
      p->invalid_pass--;
      if (failed(p)) return NULL;
      if (value_ok) {
        fail_node(p, e, "'%s' is an illegal expression for augmented assignment", expr_name(e));
      } else {
        syntax_error_here(p);
      }
      return NULL;
    }
    advance(p);
    ast_node *v = parse_rhs(p);
    if (!v) return NULL;
    ast_node *s = node_from(p, AST_AUGASSIGN, e);
    if (!s) return NULL;
    s->u.augassign.target = e;
    s->u.augassign.op = op;
    s->u.augassign.value = v;
    return finish(p, s);
  }
  if (t.kind == LEX_EQUAL) {
    ast_node *s = node_from(p, AST_ASSIGN, e);
    if (!s) return NULL;
    ast_node *value = e;
    int n_targets = 0;
    int bare_yield = 0; /* value is "yield ..." without parentheses */
    int first_eq = p->base + p->pos; /* global index */
    while (cur_kind(p) == LEX_EQUAL) {
      /* the target is judged before its value is read, as CPython does */
      if (bare_yield) {
        fail_node(p, value, "%s", "assignment to yield expression not possible");
        return NULL;
      }
      if (invalid_target(value, TARGET_STORE)) {
        if (n_targets == 0) {
          fail_first_target(p, value, p->base + p->pos);
        } else if (!maybe_meant_equal(p, e, first_eq) && !failed(p)) {
          check_target(p, value, TARGET_STORE);
        }
        return NULL;
      }
      advance(p);
      lex_kind vk = cur_kind(p);
      ast_node *next = parse_rhs(p);
      if (!next) return NULL;
      check_starred_store(p, value);
      if (!push(p, &s->u.assign.targets, value)) return NULL;
      n_targets++;
      value = next;
      bare_yield = vk == LEX_KW_YIELD;
    }
    if (value->kind == AST_STARRED) {
      defer_at(p, DIAG_SYNTAX, value->line, value->col,
               value->end_line == value->line ? value->end_col : 0,
               "can't use starred expression here");
    }
    s->u.assign.value = value;
    return finish(p, s);
  }
  if (e->kind == AST_STARRED) {
    defer_at(p, DIAG_SYNTAX, e->line, e->col, e->end_line == e->line ? e->end_col : 0,
             "can't use starred expression here");
  }
  ast_node *s = node_from(p, AST_EXPR, e);
  if (!s) return NULL;
  s->u.expr_stmt.value = e;
  return s;
}

static ast_node *parse_simple_stmt(parser *p) {
  tokpos t = pos_at(p, 0);
  ast_node *n;
  switch (t.kind) {
    case LEX_KW_PASS:
      advance(p);
      return node_tok(p, AST_PASS, &t);
    case LEX_KW_BREAK:
      advance(p);
      return node_tok(p, AST_BREAK, &t);
    case LEX_KW_CONTINUE:
      advance(p);
      return node_tok(p, AST_CONTINUE, &t);
    case LEX_KW_RETURN:
      advance(p);
      n = node_tok(p, AST_RETURN, &t);
      if (n && starts_star_expression(cur_kind(p))) {
        n->u.return_.value = parse_star_expressions(p);
        if (!n->u.return_.value) return NULL;
      }
      return finish(p, n);
    case LEX_KW_RAISE:
      advance(p);
      n = node_tok(p, AST_RAISE, &t);
      if (n && starts_expression(cur_kind(p))) {
        n->u.raise_.exc = parse_expression(p);
        if (!n->u.raise_.exc) return NULL;
        if (accept(p, LEX_KW_FROM)) {
          n->u.raise_.cause = parse_expression(p);
          if (!n->u.raise_.cause) return NULL;
        }
      }
      return finish(p, n);
    case LEX_KW_GLOBAL:
      return parse_names_stmt(p, AST_GLOBAL);
    case LEX_KW_NONLOCAL:
      return parse_names_stmt(p, AST_NONLOCAL);
    case LEX_KW_DEL:
      return parse_del(p);
    case LEX_KW_ASSERT:
      advance(p);
      n = node_tok(p, AST_ASSERT, &t);
      if (!n) return NULL;
      n->u.assert_.test = parse_expression(p);
      if (!n->u.assert_.test) return NULL;
      if (accept(p, LEX_COMMA)) {
        n->u.assert_.msg = parse_expression(p);
        if (!n->u.assert_.msg) return NULL;
      }
      return finish(p, n);
    case LEX_KW_IMPORT:
      return parse_import(p);
    case LEX_KW_FROM:
      return parse_from_import(p);
    default:
      if (t.kind == LEX_KW_YIELD || starts_star_expression(t.kind)) return parse_expr_stmt(p);
      syntax_error_here(p);
      return NULL;
  }
}

/* "print x": Python 2 habits get CPython's hint. */
static int legacy_print(parser *p, const ast_node *s) {
  if (s->kind != AST_EXPR || s->u.expr_stmt.value->kind != AST_NAME) return 0;
  const char *name = s->u.expr_stmt.value->u.name;
  if (strcmp(name, "print") != 0 && strcmp(name, "exec") != 0) return 0;
  if (!starts_expression(cur_kind(p))) return 0;
  spec_state st;
  p->invalid_pass++;
  spec_begin(p, &st);
  ast_node *e = parse_star_expressions(p);
  int end_line = p->prev_end_line, end_col = p->prev_end_col;
  int ok = spec_end(p, &st) && e;
  p->invalid_pass--;
  if (failed(p) || !ok) return 0;
  fail_at(p, DIAG_SYNTAX, s->line, s->col, end_line == s->line ? end_col : 0,
          "Missing parentheses in call to '%s'. Did you mean %s(...)?", name, name);
  return 1;
}

static int parse_simple_stmts(parser *p, ast_list *body) {
  for (;;) {
    ast_node *s = parse_simple_stmt(p);
    if (!s || !push(p, body, s)) return 0;
    if (!accept(p, LEX_SEMI)) {
      if (cur_kind(p) != LEX_NEWLINE && legacy_print(p, s)) return 0;
      break;
    }
    if (cur_kind(p) == LEX_NEWLINE) break;
  }
  return expect(p, LEX_NEWLINE);
}

static ast_node *parse_funcdef(parser *p, ast_list *decorators, const tokpos *async_tok) {
  tokpos def = advance(p);
  const tokpos *first = async_tok ? async_tok : &def;
  ast_node *n = node_tok(p, AST_FUNCDEF, first);
  if (!n) return NULL;
  n->u.funcdef.is_async = async_tok != NULL;
  if (decorators) n->u.funcdef.decorators = *decorators;
  lex_token name = tok_at(p, 0);
  if (name.kind != LEX_NAME) {
    syntax_error_here(p);
    return NULL;
  }
  advance(p);
  n->u.funcdef.name = tok_str(p, &name);
  if (!n->u.funcdef.name) return NULL;
  if (cur_kind(p) != LEX_LPAR) {
    lex_token t = tok_at(p, 0);
    if (failed(p)) return NULL;
    fail_at(p, DIAG_SYNTAX, t.line, t.col, t.end_col, "expected '('");
    return NULL;
  }
  advance(p);
  n->u.funcdef.args = parse_arguments(p, 0);
  if (!n->u.funcdef.args || !expect(p, LEX_RPAR)) return NULL;
  if (accept(p, LEX_RARROW)) {
    if (!parse_expression(p)) return NULL; /* the return annotation is not kept */
  }
  if (!parse_forced_block(p, &n->u.funcdef.body, "function definition", first->line)) return NULL;
  return finish(p, n);
}

static ast_node *parse_classdef(parser *p, ast_list *decorators) {
  tokpos t = advance(p);
  ast_node *n = node_tok(p, AST_CLASSDEF, &t);
  if (!n) return NULL;
  if (decorators) n->u.classdef.decorators = *decorators;
  lex_token name = tok_at(p, 0);
  if (name.kind != LEX_NAME) {
    syntax_error_here(p);
    return NULL;
  }
  advance(p);
  n->u.classdef.name = tok_str(p, &name);
  if (!n->u.classdef.name) return NULL;
  if (accept(p, LEX_LPAR)) {
    if (!enter(p)) return NULL;
    int ok = parse_call_args(p, &n->u.classdef.bases, &n->u.classdef.keywords);
    leave(p);
    if (!ok) return NULL;
  }
  if (!parse_block(p, &n->u.classdef.body, "class definition", t.line)) return NULL;
  return finish(p, n);
}

/* if / elif / else. An elif is an AST_IF alone in the orelse of the one before; the
 * chain is built in a loop, so a long chain costs no C stack here. */
static ast_node *parse_if(parser *p) {
  ast_node *top = NULL;
  ast_node *last = NULL;
  const char *what = "'if' statement";
  for (;;) {
    tokpos t = advance(p); /* if or elif */
    ast_node *n = node_tok(p, AST_IF, &t);
    if (!n) return NULL;
    n->u.if_.test = parse_named_expression(p);
    if (!n->u.if_.test) return NULL;
    if (!parse_block(p, &n->u.if_.body, what, t.line)) return NULL;
    finish(p, n);
    if (last && !push(p, &last->u.if_.orelse, n)) return NULL;
    if (!top) top = n;
    last = n;
    if (cur_kind(p) != LEX_KW_ELIF) break;
    what = "'elif' statement";
  }
  if (cur_kind(p) == LEX_KW_ELSE) {
    tokpos e = advance(p);
    if (!parse_forced_block(p, &last->u.if_.orelse, "'else' statement", e.line)) return NULL;
  }
  /* every node of the chain ends where the whole statement ends */
  for (ast_node *x = top; x != last; x = x->u.if_.orelse.items[0]) finish(p, x);
  finish(p, last);
  return top;
}

static int parse_else(parser *p, ast_list *orelse) {
  if (cur_kind(p) != LEX_KW_ELSE) return 1;
  tokpos e = advance(p);
  return parse_forced_block(p, orelse, "'else' statement", e.line);
}

static ast_node *parse_while(parser *p) {
  tokpos t = advance(p);
  ast_node *n = node_tok(p, AST_WHILE, &t);
  if (!n) return NULL;
  n->u.while_.test = parse_named_expression(p);
  if (!n->u.while_.test) return NULL;
  if (!parse_block(p, &n->u.while_.body, "'while' statement", t.line)) return NULL;
  finish(p, n);
  if (!parse_else(p, &n->u.while_.orelse)) return NULL;
  return finish(p, n);
}

static ast_node *parse_for(parser *p, const tokpos *async_tok) {
  tokpos t = advance(p);
  const tokpos *first = async_tok ? async_tok : &t;
  ast_node *n = node_tok(p, AST_FOR, first);
  if (!n) return NULL;
  n->u.for_.is_async = async_tok != NULL;
  n->u.for_.target = parse_for_targets(p);
  if (!n->u.for_.target || !expect(p, LEX_KW_IN)) return NULL;
  n->u.for_.iter = parse_star_expressions(p);
  if (!n->u.for_.iter) return NULL;
  if (!parse_block(p, &n->u.for_.body, "'for' statement", t.line)) return NULL;
  finish(p, n);
  if (!parse_else(p, &n->u.for_.orelse)) return NULL;
  return finish(p, n);
}

static ast_node *parse_with_item(parser *p) {
  ast_node *e = parse_expression(p);
  if (!e) return NULL;
  ast_node *w = node_from(p, AST_WITHITEM, e);
  if (!w) return NULL;
  w->u.withitem.context_expr = e;
  if (accept(p, LEX_KW_AS)) {
    lex_kind k = cur_kind(p);
    ast_node *target = k == LEX_STAR ? parse_starred(p) : parse_bitwise_or(p);
    if (!target) return NULL;
    if (!check_target(p, target, TARGET_STORE)) return NULL;
    w->u.withitem.optional_vars = target;
  }
  return finish(p, w);
}

static ast_node *parse_with(parser *p, const tokpos *async_tok) {
  tokpos t = advance(p);
  const tokpos *first = async_tok ? async_tok : &t;
  ast_node *n = node_tok(p, AST_WITH, first);
  if (!n) return NULL;
  n->u.with.is_async = async_tok != NULL;
  int paren = 0;
  if (cur_kind(p) == LEX_LPAR) {
    /* "with (a as b, c):" -- or is it "with (a, b) as c:"? Try the first reading. */
    spec_state s;
    spec_begin(p, &s);
    advance(p);
    int ok = 1;
    for (;;) {
      if (!parse_with_item(p)) {
        ok = 0;
        break;
      }
      if (!accept(p, LEX_COMMA)) break;
      if (cur_kind(p) == LEX_RPAR) break;
    }
    ok = ok && accept(p, LEX_RPAR) && cur_kind(p) == LEX_COLON;
    ok = spec_end(p, &s) && ok;
    if (failed(p)) return NULL;
    paren = ok;
  }
  if (paren) advance(p);
  for (;;) {
    ast_node *w = parse_with_item(p);
    if (!w || !push(p, &n->u.with.items, w)) return NULL;
    if (!accept(p, LEX_COMMA)) break;
    if (paren && cur_kind(p) == LEX_RPAR) break;
  }
  if (paren && !expect(p, LEX_RPAR)) return NULL;
  if (!parse_block(p, &n->u.with.body, "'with' statement", t.line)) return NULL;
  return finish(p, n);
}

static ast_node *parse_try(parser *p) {
  tokpos t = advance(p);
  ast_node *n = node_tok(p, AST_TRY, &t);
  if (!n) return NULL;
  if (!parse_forced_block(p, &n->u.try_.body, "'try' statement", t.line)) return NULL;
  while (cur_kind(p) == LEX_KW_EXCEPT) {
    tokpos e = advance(p);
    ast_node *h = node_tok(p, AST_HANDLER, &e);
    if (!h) return NULL;
    if (cur_kind(p) == LEX_STAR) {
      tokpos star = advance(p);
      defer_at(p, DIAG_UNSUPPORTED, e.line, e.col, star.end_col,
               "except* is not supported in scenarios");
    }
    if (cur_kind(p) != LEX_COLON && cur_kind(p) != LEX_NEWLINE) {
      h->u.handler.type = parse_expression(p);
      if (!h->u.handler.type) return NULL;
      if (cur_kind(p) == LEX_COMMA) {
        /* except A, B: */
        spec_state s;
        p->invalid_pass++;
        spec_begin(p, &s);
        advance(p);
        ast_node *more = parse_expression(p);
        while (more && accept(p, LEX_COMMA)) more = parse_expression(p);
        int ok = more != NULL && cur_kind(p) == LEX_COLON;
        int end_line = p->prev_end_line, end_col = p->prev_end_col;
        ok = spec_end(p, &s) && ok;
        p->invalid_pass--;
        if (failed(p)) return NULL;
        if (ok) {
          const ast_node *ty = h->u.handler.type;
          fail_at(p, DIAG_SYNTAX, ty->line, ty->col, end_line == ty->line ? end_col : 0,
                  "multiple exception types must be parenthesized");
          return NULL;
        }
      }
      if (accept(p, LEX_KW_AS)) {
        lex_token name = tok_at(p, 0);
        if (name.kind != LEX_NAME) {
          syntax_error_here(p);
          return NULL;
        }
        advance(p);
        h->u.handler.name = tok_str(p, &name);
        if (!h->u.handler.name) return NULL;
      }
    }
    if (!parse_block(p, &h->u.handler.body, "'except' statement", e.line)) return NULL;
    finish(p, h);
    if (!push(p, &n->u.try_.handlers, h)) return NULL;
  }
  if (n->u.try_.handlers.count > 0 && !parse_else(p, &n->u.try_.orelse)) return NULL;
  if (cur_kind(p) == LEX_KW_FINALLY) {
    tokpos f = advance(p);
    if (!parse_forced_block(p, &n->u.try_.finalbody, "'finally' statement", f.line)) return NULL;
  } else if (n->u.try_.handlers.count == 0) {
    lex_token x = tok_at(p, 0);
    if (failed(p)) return NULL;
    fail_at(p, DIAG_SYNTAX, x.line, x.col, x.kind == LEX_ENDMARKER ? 0 : x.end_col,
            "expected 'except' or 'finally' block");
    return NULL;
  }
  return finish(p, n);
}

/* "match x:" followed by an indented "case": a match statement, refused. Returns 1 when
 * it was one (its block is skipped), 0 otherwise (nothing consumed). */
static int skip_match(parser *p, int *newline_pos) {
  lex_token m = tok_at(p, 0);
  *newline_pos = -1;
  if (!is_name_tok(&m, "match") || !starts_star_expression(kind_at(p, 1))) return 0;
  spec_state s;
  spec_begin(p, &s);
  advance(p);
  ast_node *subject = parse_star_expressions(p);
  if (subject && cur_kind(p) == LEX_NEWLINE) *newline_pos = p->base + p->pos; /* "match x" */
  int ok = subject && accept(p, LEX_COLON) && accept(p, LEX_NEWLINE) && accept(p, LEX_INDENT);
  if (ok) {
    lex_token c = tok_at(p, 0);
    ok = is_name_tok(&c, "case");
  }
  int pos = p->pos;
  ok = spec_end(p, &s) && ok;
  if (!ok || failed(p)) return 0;
  defer_at(p, DIAG_UNSUPPORTED, m.line, m.col, m.end_col,
           "match statements are not supported in scenarios");
  /* skip the block: up to the DEDENT that closes it */
  p->pos = pos;
  int level = 1;
  while (level > 0 && !failed(p)) {
    lex_kind k = cur_kind(p);
    if (k == LEX_ENDMARKER) break;
    if (k == LEX_INDENT) level++;
    if (k == LEX_DEDENT) level--;
    advance(p);
  }
  return 1;
}

/* "match x" then a newline: a valid expression statement ("match(x)"), or else, as
 * CPython says, a match statement missing its ':'. */
static int match_without_colon(parser *p, ast_list *body, int newline_pos) {
  spec_state s;
  spec_begin(p, &s);
  ast_list scratch;
  memset(&scratch, 0, sizeof scratch);
  int ok = parse_simple_stmts(p, &scratch);
  ok = spec_end(p, &s) && ok;
  if (failed(p)) return 0;
  if (!ok && newline_pos >= p->base) {
    tokpos nl = pos_at(p, newline_pos - p->base - p->pos);
    fail_at(p, DIAG_SYNTAX, nl.line, nl.col, nl.col, "expected ':'");
    return 0;
  }
  return parse_simple_stmts(p, body);
}

static int parse_statement(parser *p, ast_list *body) {
  statement_start(p);
  tokpos t = pos_at(p, 0);
  ast_node *n = NULL;
  ast_list decorators;
  memset(&decorators, 0, sizeof decorators);
  switch (t.kind) {
    case LEX_AT:
      while (cur_kind(p) == LEX_AT) {
        advance(p);
        ast_node *d = parse_named_expression(p);
        if (!d || !push(p, &decorators, d) || !expect(p, LEX_NEWLINE)) return 0;
      }
      t = pos_at(p, 0);
      if (t.kind == LEX_KW_DEF) {
        n = parse_funcdef(p, &decorators, NULL);
      } else if (t.kind == LEX_KW_CLASS) {
        n = parse_classdef(p, &decorators);
      } else if (t.kind == LEX_KW_ASYNC && kind_at(p, 1) == LEX_KW_DEF) {
        advance(p);
        n = parse_funcdef(p, &decorators, &t);
      } else {
        syntax_error_here(p);
        return 0;
      }
      break;
    case LEX_KW_DEF:
      n = parse_funcdef(p, NULL, NULL);
      break;
    case LEX_KW_CLASS:
      n = parse_classdef(p, NULL);
      break;
    case LEX_KW_IF:
      n = parse_if(p);
      break;
    case LEX_KW_WHILE:
      n = parse_while(p);
      break;
    case LEX_KW_FOR:
      n = parse_for(p, NULL);
      break;
    case LEX_KW_TRY:
      n = parse_try(p);
      break;
    case LEX_KW_WITH:
      n = parse_with(p, NULL);
      break;
    case LEX_KW_ASYNC: {
      lex_kind k = kind_at(p, 1);
      if (k == LEX_KW_DEF || k == LEX_KW_FOR || k == LEX_KW_WITH) {
        advance(p);
        n = k == LEX_KW_DEF ? parse_funcdef(p, NULL, &t)
            : k == LEX_KW_FOR ? parse_for(p, &t)
                              : parse_with(p, &t);
      } else {
        advance(p);
        syntax_error_here(p);
        return 0;
      }
      break;
    }
    default:
      if (t.kind == LEX_NAME) {
        int newline_pos;
        if (skip_match(p, &newline_pos)) return !failed(p);
        if (newline_pos >= 0) return match_without_colon(p, body, newline_pos);
      }
      return parse_simple_stmts(p, body);
  }
  if (!n) return 0;
  return push(p, body, n);
}

/* ------------------------------------------------------------------------------------------ */
/* the module */

void parse_config_init(parse_config *c) {
  c->max_nesting = PARSE_DEFAULT_NESTING;
  c->max_source = PARSE_DEFAULT_SOURCE;
  c->max_line_length = PARSE_DEFAULT_LINE;
  c->first_line = 1;
}

static void report(const pctx *c, const perr *e, diag_fn on_error, void *user) {
  if (!on_error) return;
  diag d;
  d.kind = e->kind;
  d.file = c->filename;
  d.line = e->line;
  d.col = e->col;
  d.end_col = e->end_col > e->col ? e->end_col : 0;
  d.message = e->message;
  on_error(user, &d);
}

/* ------------------------------------------------------------------------------------------ */
/* the depth of the finished tree */

typedef struct dframe {
  const ast_node *n; /* a node still to visit */
  int depth;         /* its depth (the root is 1) */
} dframe;

typedef struct dstack {
  dframe *items; /* the frames */
  size_t count;  /* frames in use */
  size_t cap;    /* frames allocated */
  int nomem;     /* an allocation failed */
} dstack;

static void dpush(dstack *st, const ast_node *n, int depth) {
  if (!n || st->nomem) return;
  if (st->count == st->cap) {
    size_t ncap = st->cap ? st->cap * 2 : 256;
    dframe *items = realloc(st->items, ncap * sizeof *items);
    if (!items) {
      st->nomem = 1;
      return;
    }
    st->items = items;
    st->cap = ncap;
  }
  st->items[st->count].n = n;
  st->items[st->count].depth = depth;
  st->count++;
}

static void dpush_list(dstack *st, const ast_list *l, int depth) {
  for (int i = 0; i < l->count; i++) dpush(st, l->items[i], depth);
}

/* Pushes the children of n at depth d. The clauses of a comprehension nest in the
 * code compiled from them, so each one counts a level deeper. */
static void dpush_children(dstack *st, const ast_node *n, int d) {
  const ast_list *l;
  switch (n->kind) {
    case AST_NAME: case AST_INT: case AST_FLOAT: case AST_STR: case AST_TRUE: case AST_FALSE:
    case AST_NONE: case AST_BREAK: case AST_CONTINUE: case AST_PASS: case AST_GLOBAL:
    case AST_NONLOCAL: case AST_ALIAS: case AST_ARG:
      break;
    case AST_FSTRING: dpush_list(st, &n->u.fstring.parts, d); break;
    case AST_FORMATTED:
      dpush(st, n->u.formatted.value, d);
      dpush(st, n->u.formatted.spec, d);
      break;
    case AST_BINOP:
      dpush(st, n->u.binop.left, d);
      dpush(st, n->u.binop.right, d);
      break;
    case AST_UNARYOP: dpush(st, n->u.unaryop.operand, d); break;
    case AST_BOOLOP: dpush_list(st, &n->u.boolop.values, d); break;
    case AST_COMPARE:
      dpush(st, n->u.compare.left, d);
      dpush_list(st, &n->u.compare.comparators, d);
      break;
    case AST_IFEXP:
      dpush(st, n->u.ifexp.test, d);
      dpush(st, n->u.ifexp.body, d);
      dpush(st, n->u.ifexp.orelse, d);
      break;
    case AST_LAMBDA:
      dpush(st, n->u.lambda.args, d);
      dpush(st, n->u.lambda.body, d);
      break;
    case AST_CALL:
      dpush(st, n->u.call.func, d);
      dpush_list(st, &n->u.call.args, d);
      dpush_list(st, &n->u.call.keywords, d);
      break;
    case AST_KEYWORD: dpush(st, n->u.keyword.value, d); break;
    case AST_ATTRIBUTE: dpush(st, n->u.attribute.value, d); break;
    case AST_SUBSCRIPT:
      dpush(st, n->u.subscript.value, d);
      dpush(st, n->u.subscript.index, d);
      break;
    case AST_SLICE:
      dpush(st, n->u.slice.lower, d);
      dpush(st, n->u.slice.upper, d);
      dpush(st, n->u.slice.step, d);
      break;
    case AST_STARRED: dpush(st, n->u.starred.value, d); break;
    case AST_LIST: case AST_TUPLE: case AST_SET: dpush_list(st, &n->u.seq.elts, d); break;
    case AST_DICT:
      dpush_list(st, &n->u.dict.keys, d);
      dpush_list(st, &n->u.dict.values, d);
      break;
    case AST_LISTCOMP: case AST_SETCOMP: case AST_GENEXP: case AST_DICTCOMP:
      l = &n->u.comp.generators;
      for (int i = 0; i < l->count; i++) dpush(st, l->items[i], d + i);
      dpush(st, n->u.comp.elt, d + l->count);
      dpush(st, n->u.comp.key, d + l->count);
      break;
    case AST_COMPREHENSION:
      dpush(st, n->u.comprehension.target, d);
      dpush(st, n->u.comprehension.iter, d);
      dpush_list(st, &n->u.comprehension.ifs, d);
      break;
    case AST_AWAIT: dpush(st, n->u.await_.value, d); break;
    case AST_YIELD: dpush(st, n->u.yield_.value, d); break;
    case AST_MODULE: dpush_list(st, &n->u.module.body, d); break;
    case AST_EXPR: dpush(st, n->u.expr_stmt.value, d); break;
    case AST_ASSIGN:
      dpush_list(st, &n->u.assign.targets, d);
      dpush(st, n->u.assign.value, d);
      break;
    case AST_AUGASSIGN:
      dpush(st, n->u.augassign.target, d);
      dpush(st, n->u.augassign.value, d);
      break;
    case AST_ANNASSIGN:
      dpush(st, n->u.annassign.target, d);
      dpush(st, n->u.annassign.annotation, d);
      dpush(st, n->u.annassign.value, d);
      break;
    case AST_IF:
      dpush(st, n->u.if_.test, d);
      dpush_list(st, &n->u.if_.body, d);
      dpush_list(st, &n->u.if_.orelse, d);
      break;
    case AST_WHILE:
      dpush(st, n->u.while_.test, d);
      dpush_list(st, &n->u.while_.body, d);
      dpush_list(st, &n->u.while_.orelse, d);
      break;
    case AST_FOR:
      dpush(st, n->u.for_.target, d);
      dpush(st, n->u.for_.iter, d);
      dpush_list(st, &n->u.for_.body, d);
      dpush_list(st, &n->u.for_.orelse, d);
      break;
    case AST_RETURN: dpush(st, n->u.return_.value, d); break;
    case AST_FUNCDEF:
      dpush(st, n->u.funcdef.args, d);
      dpush_list(st, &n->u.funcdef.body, d);
      dpush_list(st, &n->u.funcdef.decorators, d);
      break;
    case AST_CLASSDEF:
      dpush_list(st, &n->u.classdef.bases, d);
      dpush_list(st, &n->u.classdef.keywords, d);
      dpush_list(st, &n->u.classdef.body, d);
      dpush_list(st, &n->u.classdef.decorators, d);
      break;
    case AST_TRY:
      dpush_list(st, &n->u.try_.body, d);
      dpush_list(st, &n->u.try_.handlers, d);
      dpush_list(st, &n->u.try_.orelse, d);
      dpush_list(st, &n->u.try_.finalbody, d);
      break;
    case AST_HANDLER:
      dpush(st, n->u.handler.type, d);
      dpush_list(st, &n->u.handler.body, d);
      break;
    case AST_RAISE:
      dpush(st, n->u.raise_.exc, d);
      dpush(st, n->u.raise_.cause, d);
      break;
    case AST_ASSERT:
      dpush(st, n->u.assert_.test, d);
      dpush(st, n->u.assert_.msg, d);
      break;
    case AST_DELETE: dpush_list(st, &n->u.delete.targets, d); break;
    case AST_WITH:
      dpush_list(st, &n->u.with.items, d);
      dpush_list(st, &n->u.with.body, d);
      break;
    case AST_WITHITEM:
      dpush(st, n->u.withitem.context_expr, d);
      dpush(st, n->u.withitem.optional_vars, d);
      break;
    case AST_IMPORT: case AST_IMPORTFROM: dpush_list(st, &n->u.import.names, d); break;
    case AST_ARGUMENTS:
      dpush_list(st, &n->u.arguments.args, d);
      dpush_list(st, &n->u.arguments.defaults, d);
      dpush_list(st, &n->u.arguments.kwonlyargs, d);
      dpush_list(st, &n->u.arguments.kw_defaults, d);
      break;
  }
}

/* Long chains ("1+1+...", "a.b.c...", elif after elif) are built in loops, but the tree
 * they make is deep, and the compiler walks trees recursively; so the finished tree's
 * depth is bounded too (CPython's compiler stops near 3000 levels). */
static void check_tree_depth(pctx *c, const ast_node *root) {
  int limit = c->max_nesting * PARSE_TREE_DEPTH_FACTOR;
  dstack st;
  memset(&st, 0, sizeof st);
  dpush(&st, root, 1);
  while (st.count > 0 && !st.nomem) {
    dframe f = st.items[--st.count];
    if (f.depth > limit) {
      c->failed = 1;
      c->err.kind = DIAG_LIMIT;
      c->err.line = f.n->line;
      c->err.col = f.n->col;
      c->err.end_col = 0;
      snprintf(c->err.message, sizeof c->err.message,
               "too deeply nested: the syntax tree exceeds %d levels (%d x --max-nesting)", limit,
               PARSE_TREE_DEPTH_FACTOR);
      break;
    }
    dpush_children(&st, f.n, f.depth + 1);
  }
  if (st.nomem) c->nomem = 1;
  free(st.items);
}

/* After a parser error, CPython reads the rest of the file: a tokenizer error there
 * wins, and so does a bracket left open on an earlier line. */
static void check_rest_of_file(parser *p) {
  pctx *c = p->ctx;
  if (p->lex_failed) return;
  int err_line = p->furthest_line;
  lex_token t;
  for (;;) {
    lex_result r = lex_next(&p->lx, &t);
    if (r == LEX_NOMEM) {
      c->nomem = 1;
      return;
    }
    if (r == LEX_OK) {
      if (t.kind == LEX_ENDMARKER) return;
      continue;
    }
    const lex_error *le = &p->lx.error;
    if (le->hard) {
      c->err.kind = le->kind;
      c->err.line = le->line;
      c->err.col = le->col;
      c->err.end_col = le->end_col;
      snprintf(c->err.message, sizeof c->err.message, "%s", le->message);
    } else if (p->lx.n_brackets > 0) {
      const lex_bracket *b = &p->lx.brackets[p->lx.n_brackets - 1];
      if (err_line > b->line) {
        c->err.kind = DIAG_SYNTAX;
        c->err.line = b->line;
        c->err.col = b->col;
        c->err.end_col = 0;
        snprintf(c->err.message, sizeof c->err.message, "'%c' was never closed", b->ch);
      }
    }
    return;
  }
}

parse_result parse_module(const char *filename, const char *src, size_t len, const parse_config *cfg,
                          diag_fn on_error, void *user, ast_tree **out) {
  parse_config defaults;
  if (!cfg) {
    parse_config_init(&defaults);
    cfg = &defaults;
  }
  *out = NULL;
  pctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.filename = filename ? filename : "<string>";
  ctx.max_nesting = cfg->max_nesting < 1 ? 1 : cfg->max_nesting;
  if (ctx.max_nesting > PARSE_MAX_NESTING_CAP) ctx.max_nesting = PARSE_MAX_NESTING_CAP;
  if (len > cfg->max_source) {
    perr e;
    memset(&e, 0, sizeof e);
    e.kind = DIAG_LIMIT;
    e.line = 1;
    e.col = 1;
    snprintf(e.message, sizeof e.message, "source exceeds the %zu-byte limit (--max-source)",
             cfg->max_source);
    report(&ctx, &e, on_error, user);
    return PARSE_ERROR;
  }
  ctx.tree = ast_tree_new();
  if (!ctx.tree) return PARSE_NOMEM;
  parser p;
  memset(&p, 0, sizeof p);
  p.ctx = &ctx;
  p.no_comma_depth = -1;
  if (lex_init(&p.lx, ctx.filename, src ? src : "", src ? len : 0, ctx.max_nesting,
               cfg->max_line_length) != LEX_OK) {
    ast_tree_free(ctx.tree);
    return PARSE_NOMEM;
  }
  p.lx.line = cfg->first_line;
  lex_token first = tok_at(&p, 0);
  ast_node *module = node_tok(&p, AST_MODULE, &first);
  if (module) {
    module->line = 1;
    module->col = 1;
    while (!failed(&p) && cur_kind(&p) != LEX_ENDMARKER) {
      if (!parse_statement(&p, &module->u.module.body)) break;
    }
    finish(&p, module);
  }
  if (ctx.failed && !ctx.nomem && !ctx.no_rest_check) check_rest_of_file(&p);
  if (!ctx.failed && !ctx.nomem && module) check_tree_depth(&ctx, module);
  free(p.toks);
  lex_free(&p.lx);
  if (ctx.nomem) {
    ast_tree_free(ctx.tree);
    return PARSE_NOMEM;
  }
  if (ctx.failed || ctx.has_deferred) {
    report(&ctx, ctx.failed ? &ctx.err : &ctx.deferred, on_error, user);
    ast_tree_free(ctx.tree);
    return PARSE_ERROR;
  }
  ast_tree_set_root(ctx.tree, module);
  *out = ctx.tree;
  return PARSE_OK;
}
