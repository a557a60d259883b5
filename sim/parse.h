/* parse: the recursive-descent parser of the scenario language.
 *
 * parse_module turns a whole file into an ast_tree (see ast.h). It reports
 * syntax errors with CPython 3.11's wording and position, refuses the valid
 * Python that loopviz does not run (match, walrus, yield from, except*, bytes,
 * complex numbers, positional-only parameters, \N{...} escapes, Ellipsis) with
 * DIAG_UNSUPPORTED, and stops at its hard limits with DIAG_LIMIT.
 *
 * As CPython does, a syntax error anywhere wins over an unsupported construct
 * (which is valid Python), and a tokenizer error later in the file wins over a
 * parser error found earlier. Errors the compiler finds instead: 'return' or
 * 'yield' outside function, 'await' outside async function, 'break' outside
 * loop, nonlocal/global scoping errors. */
#ifndef LOOPVIZ_PARSE_H
#define LOOPVIZ_PARSE_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"

/* Larger max_nesting values are clamped to this: each level of nesting costs the
 * recursive parser about 2 KiB of C stack (4 KiB under AddressSanitizer). */
#define PARSE_MAX_NESTING_CAP 1000

typedef enum parse_result { PARSE_OK, PARSE_ERROR, PARSE_NOMEM } parse_result;

typedef struct parse_config {
  int max_nesting;     /* brackets/blocks/expression depth; default 200 (Python's parser limit is ~200) */
  size_t max_source;   /* bytes; default 1 MiB */
  int max_line_length; /* bytes; default 10000 */
  int first_line;      /* line number of the source's first line; default 1 (a later part of a
                          file is parsed with its own line numbers) */
} parse_config;

/* Fills *c with the defaults. */
void parse_config_init(parse_config *c);

/* Parses a whole file. On success *out is a tree the caller frees with ast_tree_free.
   On error, exactly one diagnostic is reported through on_error and *out is NULL.
   On PARSE_NOMEM (memory ran out) nothing is reported and *out is NULL.
   cfg may be NULL for the defaults; on_error may be NULL. */
parse_result parse_module(const char *filename, const char *src, size_t len, const parse_config *cfg,
                          diag_fn on_error, void *user, ast_tree **out);

#endif
