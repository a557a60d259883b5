/* diag: compile-time diagnostics (syntax errors, unsupported constructs, limits).
 *
 * Every stage that reads source (lexer, parser, compiler) reports problems
 * through a diag_fn callback instead of printing, so the CLI, the window and
 * the tests can all capture them. */
#ifndef LOOPVIZ_DIAG_H
#define LOOPVIZ_DIAG_H

typedef enum diag_kind {
  DIAG_SYNTAX,      /* SyntaxError, as CPython would raise it */
  DIAG_INDENTATION, /* IndentationError */
  DIAG_TAB,         /* TabError: inconsistent use of tabs and spaces */
  DIAG_UNSUPPORTED, /* valid Python that loopviz refuses, named ("match statements") */
  DIAG_LIMIT        /* a hard limit was hit (source size, nesting depth, ...) */
} diag_kind;

typedef struct diag {
  diag_kind kind;      /* which class of problem */
  const char *file;    /* file name as given by the caller */
  int line;            /* 1-based line of the problem */
  int col;             /* 1-based column of the caret */
  int end_col;         /* 1-based column just past the offending range, or 0 */
  const char *message; /* CPython's wording where CPython has one, no class prefix */
} diag;

typedef void (*diag_fn)(void *user, const diag *d);

#endif
