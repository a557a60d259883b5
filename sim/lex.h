/* lex: the tokenizer of the scenario language (Python 3.11's tokens).
 *
 * The lexer turns a source buffer into Python's token stream: NEWLINE,
 * INDENT/DEDENT from an indentation stack (tabs to multiples of 8, with
 * CPython's TabError check), implicit line joining inside brackets, explicit
 * backslash continuation, names, numbers, strings and operators. It works on
 * demand, one token per lex_next call, so that the parser meets errors in the
 * order CPython does. String tokens are only delimited here; the parser
 * decodes their contents (escapes, f-string fields).
 *
 * Every line is checked when the lexer first reaches it: no NUL byte, valid
 * UTF-8, not longer than the line-length limit. */
#ifndef LOOPVIZ_LEX_H
#define LOOPVIZ_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef enum lex_kind {
  LEX_ENDMARKER, /* end of input */
  LEX_NEWLINE,   /* end of a logical line */
  LEX_INDENT,    /* indentation increased */
  LEX_DEDENT,    /* indentation decreased by one level */
  LEX_NAME,      /* identifier (also the soft keywords match, case, _) */
  LEX_NUMBER,    /* numeric literal, value in lex_token.num */
  LEX_STRING,    /* string literal, shape in lex_token.str */
  LEX_ERRORTOKEN,/* a character no token starts with ($, ?, !, backtick) */
  /* delimiters and operators */
  LEX_LPAR, LEX_RPAR, LEX_LSQB, LEX_RSQB, LEX_LBRACE, LEX_RBRACE, /* ( ) [ ] { } */
  LEX_COLON, LEX_COMMA, LEX_SEMI, LEX_DOT, LEX_ELLIPSIS,           /* : , ; . ... */
  LEX_PLUS, LEX_MINUS, LEX_STAR, LEX_SLASH, LEX_DOUBLESLASH,       /* + - * / // */
  LEX_PERCENT, LEX_DOUBLESTAR, LEX_AT, LEX_VBAR, LEX_AMPER,        /* % ** @ | & */
  LEX_CIRCUMFLEX, LEX_TILDE, LEX_LEFTSHIFT, LEX_RIGHTSHIFT,        /* ^ ~ << >> */
  LEX_LESS, LEX_GREATER, LEX_EQEQUAL, LEX_NOTEQUAL,                /* < > == != */
  LEX_LESSEQUAL, LEX_GREATEREQUAL, LEX_EQUAL, LEX_RARROW,          /* <= >= = -> */
  LEX_COLONEQUAL,                                                  /* := */
  LEX_PLUSEQUAL, LEX_MINEQUAL, LEX_STAREQUAL, LEX_SLASHEQUAL,      /* += -= *= /= */
  LEX_DOUBLESLASHEQUAL, LEX_PERCENTEQUAL, LEX_DOUBLESTAREQUAL,     /* //= %= **= */
  LEX_ATEQUAL, LEX_VBAREQUAL, LEX_AMPEREQUAL, LEX_CIRCUMFLEXEQUAL, /* @= |= &= ^= */
  LEX_LEFTSHIFTEQUAL, LEX_RIGHTSHIFTEQUAL,                         /* <<= >>= */
  /* keywords */
  LEX_KW_FALSE, LEX_KW_NONE, LEX_KW_TRUE, LEX_KW_AND, LEX_KW_AS, LEX_KW_ASSERT,
  LEX_KW_ASYNC, LEX_KW_AWAIT, LEX_KW_BREAK, LEX_KW_CLASS, LEX_KW_CONTINUE, LEX_KW_DEF,
  LEX_KW_DEL, LEX_KW_ELIF, LEX_KW_ELSE, LEX_KW_EXCEPT, LEX_KW_FINALLY, LEX_KW_FOR,
  LEX_KW_FROM, LEX_KW_GLOBAL, LEX_KW_IF, LEX_KW_IMPORT, LEX_KW_IN, LEX_KW_IS,
  LEX_KW_LAMBDA, LEX_KW_NONLOCAL, LEX_KW_NOT, LEX_KW_OR, LEX_KW_PASS, LEX_KW_RAISE,
  LEX_KW_RETURN, LEX_KW_TRY, LEX_KW_WHILE, LEX_KW_WITH, LEX_KW_YIELD
} lex_kind;

typedef enum lex_num_kind {
  LEX_NUM_INT,  /* integer literal */
  LEX_NUM_FLOAT,/* float literal */
  LEX_NUM_IMAG  /* imaginary literal (ends in j) */
} lex_num_kind;

typedef struct lex_token {
  lex_kind kind;     /* what the token is */
  const char *start; /* first byte in the lexer's buffer */
  const char *line_start; /* first byte of the line the token starts on */
  size_t len;        /* length in bytes */
  int line;          /* 1-based line of the first character */
  int col;           /* 1-based column (in characters) of the first character */
  int end_line;      /* line of the last character */
  int end_col;       /* column just past the last character */
  int level;         /* brackets open after this token (an f-string field counts as one) */
  struct {
    lex_num_kind kind; /* int, float or imaginary */
    int64_t ivalue;    /* LEX_NUM_INT: the value when it fits */
    int overflow;      /* LEX_NUM_INT: 1 when the value does not fit in int64 */
    double fvalue;     /* LEX_NUM_FLOAT and LEX_NUM_IMAG: the value */
  } num;               /* LEX_NUMBER only */
  struct {
    int prefix_len; /* bytes of prefix letters before the opening quote */
    int quote_len;  /* 1 or 3 */
    int is_raw;     /* r prefix */
    int is_f;       /* f prefix */
    int is_bytes;   /* b prefix */
  } str;            /* LEX_STRING only: the body is start+prefix_len+quote_len .. len-quote_len */
} lex_token;

typedef enum lex_result {
  LEX_OK,    /* a token was produced */
  LEX_ERROR, /* an error was recorded in lex_state.error; every later call repeats it */
  LEX_NOMEM  /* lex_init could not allocate its stacks */
} lex_result;

typedef struct lex_error {
  diag_kind kind;    /* DIAG_SYNTAX, DIAG_INDENTATION, DIAG_TAB or DIAG_LIMIT */
  int line;          /* 1-based line */
  int col;           /* 1-based column in characters */
  int end_col;       /* column just past the range, or 0 */
  int hard;          /* 1 when CPython raises it at once (it then wins over a parser error
                        found earlier); 0 for the errors CPython reports only on reaching them */
  int unclosed;      /* 1 for "'(' was never closed" (end of input inside brackets) */
  char message[200]; /* the message, CPython's wording */
} lex_error;

typedef struct lex_bracket {
  char ch;  /* the opening character: ( [ or { */
  int line; /* where it is */
  int col;  /* its column */
} lex_bracket;

typedef struct lex_state {
  char *owned;                 /* the normalised copy of the source (lex_init), or NULL */
  const char *src;             /* the buffer being lexed */
  const char *end;             /* one past its last byte */
  const char *cur;             /* next byte to read */
  const char *line_start;      /* first byte of the line of cur */
  const char *prev_line_start; /* first byte of the line before, to back up over a '\n' */
  const char *checked;         /* bytes before this passed the line checks */
  const char *filename;        /* for the non-UTF-8 message */
  const char *colcache_line;   /* line start of the last column computed */
  const char *colcache_p;      /* the byte whose column was computed last */
  int colcache_col;            /* its column */
  int line;                    /* line of cur */
  int eof_line;                /* line reported for ENDMARKER (the last line) */
  int eof_col;                 /* its column */
  int max_line_length;         /* bytes, 0 for no check */
  int max_nesting;             /* brackets and indentation levels */
  int expr_mode;               /* 1: lexing an f-string expression (newlines are spaces) */
  int at_bol;                  /* at the beginning of a line: measure indentation */
  int pending;                 /* >0 INDENTs to emit, <0 DEDENTs to emit */
  int done;                    /* the end was reached: only ENDMARKER from now on */
  int *indents;                /* indentation stack (columns, tabs to multiples of 8) */
  int *alt_indents;            /* the same with tabs counting 1, for the TabError check */
  int n_indents;               /* entries in the stacks (the first is 0) */
  lex_bracket *brackets;       /* open brackets, innermost last */
  int n_brackets;              /* number of open brackets */
  char coding[32];             /* a non-UTF-8 encoding declared in a coding comment, or "" */
  int no_cookie_line2;         /* line 1 is not a comment: no coding comment on line 2 */
  int failed;                  /* an error was recorded */
  lex_error error;             /* the error when failed */
} lex_state;

/* Prepares to lex src[0..len) (need not be NUL-terminated). The lexer works on a
 * private copy with newlines normalised to '\n' and a final '\n' added; token
 * pointers point into that copy (lx->src) and stay valid until lex_free.
 * max_nesting bounds the bracket and indentation stacks; max_line_length
 * (bytes) is checked per line, 0 disables it. On LEX_NOMEM nothing is left to free. */
lex_result lex_init(lex_state *lx, const char *filename, const char *src, size_t len, int max_nesting,
                    int max_line_length);

/* Prepares to lex an f-string replacement expression src[0..len), a part of a buffer
 * that an earlier lex_init already normalised and checked; src is on line `line`,
 * which starts at line_start (for columns). Newlines are whitespace here, there is
 * no NEWLINE, INDENT or DEDENT. */
lex_result lex_init_expr(lex_state *lx, const char *filename, const char *src, size_t len, int line,
                         const char *line_start, int max_nesting);

/* Produces the next token. After ENDMARKER, keeps returning ENDMARKER. */
lex_result lex_next(lex_state *lx, lex_token *tok);

/* Frees the stacks; lx may then be initialised again. */
void lex_free(lex_state *lx);

/* The spelling of a token kind for messages ("'('", "NEWLINE", "'if'"). */
const char *lex_kind_name(lex_kind kind);

/* Decodes one UTF-8 sequence at s (at most n bytes). Returns its length (1-4) and
 * stores the code point, or 0 when the bytes are not valid UTF-8. */
int lex_utf8_decode(const char *s, size_t n, uint32_t *cp);

#endif
