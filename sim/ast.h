/* ast: the syntax tree the parser builds and the compiler reads.
 *
 * Every node is one tagged struct, allocated in an arena owned by ast_tree;
 * freeing the tree frees every node, list and string at once. Names and
 * string constants are NUL-terminated copies in the same arena (string
 * constants also carry their byte length, since they may contain NUL).
 * Positions are 1-based line and column of the node's first character. */
#ifndef LOOPVIZ_AST_H
#define LOOPVIZ_AST_H

#include <stddef.h>
#include <stdint.h>

typedef struct ast_node ast_node;

typedef struct ast_list {
  ast_node **items; /* the nodes, in source order */
  int count;        /* number of items */
} ast_list;

typedef struct ast_names {
  const char **items; /* identifiers, in source order */
  int count;          /* number of identifiers */
} ast_names;

typedef enum ast_kind {
  /* expressions */
  AST_NAME,      /* name */
  AST_INT,       /* int_value */
  AST_FLOAT,     /* float_value */
  AST_STR,       /* str (plain string literal, adjacent literals joined) */
  AST_TRUE,      /* True */
  AST_FALSE,     /* False */
  AST_NONE,      /* None */
  AST_FSTRING,   /* fstring: parts are AST_STR and AST_FORMATTED */
  AST_FORMATTED, /* formatted: one {expr!c:spec} of an f-string */
  AST_BINOP,     /* binop */
  AST_UNARYOP,   /* unaryop */
  AST_BOOLOP,    /* boolop */
  AST_COMPARE,   /* compare */
  AST_IFEXP,     /* ifexp: body if test else orelse */
  AST_LAMBDA,    /* lambda */
  AST_CALL,      /* call */
  AST_KEYWORD,   /* keyword: name=value in a call, or **value when name is NULL */
  AST_ATTRIBUTE, /* attribute: value.attr */
  AST_SUBSCRIPT, /* subscript: value[index] */
  AST_SLICE,     /* slice: lower:upper:step, each may be NULL */
  AST_STARRED,   /* starred: *value (call arguments, displays, targets) */
  AST_LIST,      /* seq */
  AST_TUPLE,     /* seq */
  AST_SET,       /* seq */
  AST_DICT,      /* dict */
  AST_LISTCOMP,  /* comp (key unused) */
  AST_SETCOMP,   /* comp (key unused) */
  AST_GENEXP,    /* comp (key unused) */
  AST_DICTCOMP,  /* comp: key: elt for ... */
  AST_COMPREHENSION, /* comprehension: one "for target in iter if ..." clause */
  AST_AWAIT,     /* await_: await value */
  AST_YIELD,     /* yield_: yield value (value may be NULL) */
  /* statements */
  AST_MODULE,    /* module: the whole file */
  AST_EXPR,      /* expr_stmt: an expression statement */
  AST_ASSIGN,    /* assign: t1 = t2 = value */
  AST_AUGASSIGN, /* augassign: target op= value */
  AST_ANNASSIGN, /* annassign: target: annotation [= value] */
  AST_IF,        /* if_ (elif is a nested AST_IF alone in orelse) */
  AST_WHILE,     /* while_ */
  AST_FOR,       /* for_ (async for when is_async) */
  AST_BREAK,     /* no fields */
  AST_CONTINUE,  /* no fields */
  AST_PASS,      /* no fields */
  AST_RETURN,    /* return_: value may be NULL */
  AST_FUNCDEF,   /* funcdef (async def when is_async) */
  AST_CLASSDEF,  /* classdef */
  AST_TRY,       /* try_ */
  AST_HANDLER,   /* handler: one except clause */
  AST_RAISE,     /* raise_: both may be NULL */
  AST_GLOBAL,    /* names */
  AST_NONLOCAL,  /* names */
  AST_ASSERT,    /* assert_ */
  AST_DELETE,    /* delete: targets */
  AST_WITH,      /* with (async with when is_async) */
  AST_WITHITEM,  /* withitem: context_expr [as optional_vars] */
  AST_IMPORT,    /* import: import a.b as c, d */
  AST_IMPORTFROM,/* import: from module import a as b, c (or *) */
  AST_ALIAS,     /* alias: name [as asname] inside an import */
  AST_ARG,       /* arg: one parameter name (annotation dropped) */
  AST_ARGUMENTS  /* arguments: a parameter list of def or lambda */
} ast_kind;

typedef enum ast_binop {
  AST_OP_ADD, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV, AST_OP_FLOORDIV, AST_OP_MOD, AST_OP_POW,
  AST_OP_LSHIFT, AST_OP_RSHIFT, AST_OP_BITOR, AST_OP_BITXOR, AST_OP_BITAND, AST_OP_MATMUL
} ast_binop;

typedef enum ast_unaryop { AST_UOP_NEG, AST_UOP_POS, AST_UOP_NOT, AST_UOP_INVERT } ast_unaryop;

typedef enum ast_cmpop {
  AST_CMP_EQ, AST_CMP_NE, AST_CMP_LT, AST_CMP_LE, AST_CMP_GT, AST_CMP_GE,
  AST_CMP_IN, AST_CMP_NOT_IN, AST_CMP_IS, AST_CMP_IS_NOT
} ast_cmpop;

struct ast_node {
  ast_kind kind; /* which member of the union is live */
  int line;      /* 1-based line of the first character */
  int col;       /* 1-based column of the first character */
  int end_line;  /* 1-based line of the last character */
  int end_col;   /* 1-based column just past the last character */
  union {
    const char *name;   /* AST_NAME: the identifier */
    int64_t int_value;  /* AST_INT: the value (literals past int64 are a parse error) */
    double float_value; /* AST_FLOAT: the value */
    struct {
      const char *data; /* decoded bytes (UTF-8), NUL-terminated */
      size_t len;       /* byte length, not counting the NUL */
    } str;              /* AST_STR */
    struct {
      ast_list parts; /* AST_STR and AST_FORMATTED pieces in order */
    } fstring;        /* AST_FSTRING */
    struct {
      ast_node *value; /* the expression inside the braces */
      char conversion; /* 0, 'r', 's' or 'a' */
      ast_node *spec;  /* an AST_FSTRING for the format spec, or NULL */
    } formatted;       /* AST_FORMATTED */
    struct {
      ast_binop op;    /* the operator */
      ast_node *left;  /* left operand */
      ast_node *right; /* right operand */
    } binop;           /* AST_BINOP; also AST_AUGASSIGN uses augassign */
    struct {
      ast_unaryop op;    /* the operator */
      ast_node *operand; /* the operand */
    } unaryop;           /* AST_UNARYOP */
    struct {
      int is_or;       /* 1 for or, 0 for and */
      ast_list values; /* two or more operands */
    } boolop;          /* AST_BOOLOP */
    struct {
      ast_node *left;       /* first operand */
      ast_cmpop *ops;       /* ops[i] sits between comparands i-1 and i */
      ast_list comparators; /* the remaining operands, one per op */
    } compare;              /* AST_COMPARE */
    struct {
      ast_node *test;   /* condition */
      ast_node *body;   /* value when true */
      ast_node *orelse; /* value when false */
    } ifexp;            /* AST_IFEXP */
    struct {
      ast_node *args; /* AST_ARGUMENTS */
      ast_node *body; /* the expression */
    } lambda;         /* AST_LAMBDA */
    struct {
      ast_node *func;    /* the callee */
      ast_list args;     /* positional arguments, AST_STARRED for *x */
      ast_list keywords; /* AST_KEYWORD, name NULL for **x */
    } call;              /* AST_CALL */
    struct {
      const char *name; /* keyword name, or NULL for ** unpacking */
      ast_node *value;  /* the argument */
    } keyword;          /* AST_KEYWORD */
    struct {
      ast_node *value;  /* the object */
      const char *attr; /* the attribute name */
    } attribute;        /* AST_ATTRIBUTE */
    struct {
      ast_node *value; /* the object */
      ast_node *index; /* index, AST_SLICE, or AST_TUPLE of them */
    } subscript;       /* AST_SUBSCRIPT */
    struct {
      ast_node *lower; /* may be NULL */
      ast_node *upper; /* may be NULL */
      ast_node *step;  /* may be NULL */
    } slice;           /* AST_SLICE */
    struct {
      ast_node *value; /* the starred expression */
    } starred;         /* AST_STARRED */
    struct {
      ast_list elts; /* elements */
    } seq;           /* AST_LIST, AST_TUPLE, AST_SET */
    struct {
      ast_list keys;   /* keys; an item is NULL for **mapping */
      ast_list values; /* values, same count as keys */
    } dict;            /* AST_DICT */
    struct {
      ast_node *elt;        /* the element (the value for a dict comprehension) */
      ast_node *key;        /* AST_DICTCOMP: the key; NULL otherwise */
      ast_list generators;  /* AST_COMPREHENSION clauses, outermost first */
    } comp;                 /* AST_LISTCOMP, AST_SETCOMP, AST_GENEXP, AST_DICTCOMP */
    struct {
      ast_node *target; /* assignment target */
      ast_node *iter;   /* iterable */
      ast_list ifs;     /* conditions */
      int is_async;     /* async for clause */
    } comprehension;    /* AST_COMPREHENSION */
    struct {
      ast_node *value; /* awaited expression */
    } await_;          /* AST_AWAIT */
    struct {
      ast_node *value; /* yielded expression or NULL */
    } yield_;          /* AST_YIELD */
    struct {
      ast_list body; /* statements */
    } module;        /* AST_MODULE */
    struct {
      ast_node *value; /* the expression */
    } expr_stmt;       /* AST_EXPR */
    struct {
      ast_list targets; /* one or more targets, leftmost first */
      ast_node *value;  /* assigned value */
    } assign;           /* AST_ASSIGN */
    struct {
      ast_node *target; /* AST_NAME, AST_ATTRIBUTE or AST_SUBSCRIPT */
      ast_binop op;     /* the operator of op= */
      ast_node *value;  /* right-hand side */
    } augassign;        /* AST_AUGASSIGN */
    struct {
      ast_node *target;     /* the annotated target */
      ast_node *annotation; /* parsed, never evaluated by loopviz */
      ast_node *value;      /* may be NULL */
    } annassign;            /* AST_ANNASSIGN */
    struct {
      ast_node *test; /* condition */
      ast_list body;  /* statements when true */
      ast_list orelse; /* else / elif statements, may be empty */
    } if_;             /* AST_IF */
    struct {
      ast_node *test;  /* condition */
      ast_list body;   /* loop body */
      ast_list orelse; /* else clause, may be empty */
    } while_;          /* AST_WHILE */
    struct {
      ast_node *target; /* loop target */
      ast_node *iter;   /* iterable */
      ast_list body;    /* loop body */
      ast_list orelse;  /* else clause, may be empty */
      int is_async;     /* async for */
    } for_;             /* AST_FOR */
    struct {
      ast_node *value; /* returned expression or NULL */
    } return_;         /* AST_RETURN */
    struct {
      const char *name;    /* function name */
      ast_node *args;      /* AST_ARGUMENTS */
      ast_list body;       /* statements */
      ast_list decorators; /* decorator expressions, topmost first */
      int is_async;        /* async def */
    } funcdef;             /* AST_FUNCDEF */
    struct {
      const char *name;    /* class name */
      ast_list bases;      /* base class expressions */
      ast_list keywords;   /* AST_KEYWORD (metaclass=... is refused by the compiler) */
      ast_list body;       /* statements */
      ast_list decorators; /* decorator expressions, topmost first */
    } classdef;            /* AST_CLASSDEF */
    struct {
      ast_list body;      /* try body */
      ast_list handlers;  /* AST_HANDLER clauses */
      ast_list orelse;    /* else clause, may be empty */
      ast_list finalbody; /* finally clause, may be empty */
    } try_;               /* AST_TRY */
    struct {
      ast_node *type;   /* exception type expression, NULL for a bare except */
      const char *name; /* the "as" name or NULL */
      ast_list body;    /* handler body */
    } handler;          /* AST_HANDLER */
    struct {
      ast_node *exc;   /* raised expression, NULL for a bare raise */
      ast_node *cause; /* the "from" expression or NULL */
    } raise_;          /* AST_RAISE */
    ast_names names;   /* AST_GLOBAL, AST_NONLOCAL */
    struct {
      ast_node *test; /* condition */
      ast_node *msg;  /* message or NULL */
    } assert_;        /* AST_ASSERT */
    struct {
      ast_list targets; /* deleted targets */
    } delete;           /* AST_DELETE */
    struct {
      ast_list items; /* AST_WITHITEM */
      ast_list body;  /* statements */
      int is_async;   /* async with */
    } with;           /* AST_WITH */
    struct {
      ast_node *context_expr;  /* the context manager */
      ast_node *optional_vars; /* the "as" target or NULL */
    } withitem;                /* AST_WITHITEM */
    struct {
      const char *module; /* AST_IMPORTFROM: dotted module name; NULL for AST_IMPORT */
      ast_list names;     /* AST_ALIAS */
      int level;          /* number of leading dots of a relative import */
    } import;             /* AST_IMPORT, AST_IMPORTFROM */
    struct {
      const char *name;   /* dotted name, or "*" */
      const char *asname; /* NULL when absent */
    } alias;              /* AST_ALIAS */
    struct {
      const char *name; /* parameter name */
    } arg;              /* AST_ARG */
    struct {
      ast_list args;        /* positional-or-keyword parameters (AST_ARG) */
      ast_list defaults;    /* defaults of the last defaults.count args */
      const char *vararg;   /* *name or NULL */
      ast_list kwonlyargs;  /* keyword-only parameters (AST_ARG) */
      ast_list kw_defaults; /* one per kwonlyarg, NULL item when required */
      const char *kwarg;    /* **name or NULL */
    } arguments;            /* AST_ARGUMENTS */
  } u;
};

/* A parsed file: the module node and the arena that owns every node. */
typedef struct ast_tree ast_tree;

ast_node *ast_tree_root(const ast_tree *t); /* the AST_MODULE node */
void ast_tree_free(ast_tree *t);            /* frees the arena; NULL is fine */

/* Building a tree (the parser's side). Every allocation lives until ast_tree_free;
 * each function returns NULL when memory runs out. */
ast_tree *ast_tree_new(void);                               /* an empty tree, no root yet */
void *ast_alloc(ast_tree *t, size_t size);                  /* zeroed, suitably aligned */
ast_node *ast_node_new(ast_tree *t, ast_kind kind, int line, int col); /* zeroed node */
char *ast_strndup(ast_tree *t, const char *s, size_t len);  /* copy plus a NUL */
void ast_tree_set_root(ast_tree *t, ast_node *module);      /* the AST_MODULE node */

#endif
