/* lex: the tokenizer of the scenario language, modelled on CPython 3.11's.
 *
 * The lexer reads a private copy of the source in which every line ends in
 * '\n' ("\r\n" and lone "\r" become "\n", a missing final newline is added),
 * as CPython's file reader does. Each line is checked (NUL, UTF-8, length)
 * the first time a byte of it is read, so errors come in CPython's order.
 * Error columns follow CPython: most point at the last character read. */
#include "lex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEX_EOF (-1)
#define LEX_TABSIZE 8

typedef struct lex_range {
  uint32_t lo; /* first code point */
  uint32_t hi; /* last code point */
} lex_range;

static int cp_is_id_start(uint32_t cp);
static int cp_is_id_continue(uint32_t cp);
static int cp_is_nonprintable(uint32_t cp);

/* ------------------------------------------------------------------------------------------ */
/* UTF-8 */

int lex_utf8_decode(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  if (n == 0) return 0;
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  int len;
  uint32_t v;
  uint32_t min;
  if (u[0] >= 0xC2 && u[0] <= 0xDF) {
    len = 2;
    v = u[0] & 0x1Fu;
    min = 0x80;
  } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
    len = 3;
    v = u[0] & 0x0Fu;
    min = 0x800;
  } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
    len = 4;
    v = u[0] & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if ((size_t)len > n) return 0;
  for (int i = 1; i < len; i++) {
    if ((u[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (u[i] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

/* ------------------------------------------------------------------------------------------ */
/* errors and positions */

static int col_of(lex_state *lx, const char *p, const char *line_start) {
  /* Columns are counted in characters from the line start; tokens come in
   * increasing order, so counting resumes from the last answer. */
  const char *from = line_start;
  int col = 1;
  if (lx->colcache_line == line_start && lx->colcache_p <= p) {
    from = lx->colcache_p;
    col = lx->colcache_col;
  }
  for (const char *q = from; q < p; q++) {
    if ((((unsigned char)*q) & 0xC0) != 0x80) col++;
  }
  lx->colcache_line = line_start;
  lx->colcache_p = p;
  lx->colcache_col = col;
  return col;
}

static void set_error_at(lex_state *lx, diag_kind kind, int hard, int line, int col, int end_col,
                         const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void set_error_at(lex_state *lx, diag_kind kind, int hard, int line, int col, int end_col,
                         const char *fmt, ...) {
  if (lx->failed) return; /* the first error wins */
  lx->failed = 1;
  lx->error.kind = kind;
  lx->error.hard = hard;
  lx->error.line = line;
  lx->error.col = col < 1 ? 1 : col;
  lx->error.end_col = end_col;
  lx->error.unclosed = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(lx->error.message, sizeof lx->error.message, fmt, ap);
  va_end(ap);
}

/* CPython reports most tokenizer errors at the last character it read. */
static void set_error(lex_state *lx, int hard, const char *msg) {
  if (lx->failed) return;
  int col = col_of(lx, lx->cur, lx->line_start) - 1;
  set_error_at(lx, DIAG_SYNTAX, hard, lx->line, col, col, "%s", msg);
}

/* ------------------------------------------------------------------------------------------ */
/* reading characters */

/* PEP 263: a "coding: name" comment on line 1, or on line 2 after a comment line.
 * Stores the name in lx->coding when it is not UTF-8. */
static void coding_cookie(lex_state *lx, const char *p, const char *e) {
  const char *q = p;
  while (q < e && (*q == ' ' || *q == '\t' || *q == '\f')) q++;
  if (q >= e || *q != '#') {
    lx->no_cookie_line2 = 1; /* only a comment line may come before the cookie */
    return;
  }
  for (; q + 7 < e; q++) {
    if (memcmp(q, "coding", 6) != 0 || (q[6] != ':' && q[6] != '=')) continue;
    const char *n = q + 7;
    while (n < e && (*n == ' ' || *n == '\t')) n++;
    size_t len = 0;
    char name[sizeof lx->coding];
    while (n + len < e && len + 1 < sizeof name &&
           (isalnum((unsigned char)n[len]) || n[len] == '-' || n[len] == '_' || n[len] == '.')) {
      char c = (char)tolower((unsigned char)n[len]);
      name[len++] = c == '_' ? '-' : c;
    }
    name[len] = '\0';
    if (len == 0) return;
    if (strcmp(name, "utf-8") == 0 || strcmp(name, "utf8") == 0 || strncmp(name, "utf-8-", 6) == 0) {
      return;
    }
    memcpy(lx->coding, name, len + 1);
    return;
  }
}

static int check_line(lex_state *lx, const char *p) {
  /* p is the first byte of a line not yet checked */
  int line = lx->line;
  const char *q = p;
  if (line <= 2 && !lx->expr_mode && !(line == 2 && lx->no_cookie_line2)) {
    const char *e = p;
    while (e < lx->end && *e != '\n') e++;
    coding_cookie(lx, p, e);
  }
  while (q < lx->end && *q != '\n') {
    unsigned char c = (unsigned char)*q;
    if (c >= 0x80 && lx->coding[0]) {
      set_error_at(lx, DIAG_UNSUPPORTED, 0, line, col_of(lx, q, p), 0,
                   "source encodings other than UTF-8 are not supported in scenarios (coding: %s)",
                   lx->coding);
      return 0;
    }
    if (c == 0) {
      set_error_at(lx, DIAG_SYNTAX, 1, line, 1, 0, "source code cannot contain null bytes");
      return 0;
    }
    if (c >= 0x80) {
      uint32_t cp;
      int n = lex_utf8_decode(q, (size_t)(lx->end - q), &cp);
      if (n == 0) {
        set_error_at(lx, DIAG_SYNTAX, 1, line, col_of(lx, q, p), 0,
                     "Non-UTF-8 code starting with '\\x%02x' in file %s on line %d, but no encoding "
                     "declared; see https://peps.python.org/pep-0263/ for details",
                     c, lx->filename ? lx->filename : "<string>", line);
        return 0;
      }
      q += n;
    } else {
      q++;
    }
  }
  if (lx->max_line_length > 0 && q - p > lx->max_line_length) {
    set_error_at(lx, DIAG_LIMIT, 1, line, 1, 0,
                 "line %d exceeds the %d-byte limit (--max-line-length)", line,
                 lx->max_line_length);
    return 0;
  }
  lx->checked = q < lx->end ? q + 1 : q;
  return 1;
}

__attribute__((always_inline)) static inline int nextc(lex_state *lx) {
  if (lx->failed) return LEX_EOF;
  if (lx->cur >= lx->end) return LEX_EOF;
  if (lx->cur >= lx->checked && !check_line(lx, lx->cur)) return LEX_EOF;
  unsigned char c = (unsigned char)*lx->cur++;
  if (c == '\n') {
    lx->line++;
    lx->prev_line_start = lx->line_start;
    lx->line_start = lx->cur;
  }
  return c;
}

__attribute__((always_inline)) static inline void backup(lex_state *lx, int c) {
  if (c == LEX_EOF) return;
  lx->cur--;
  if (c == '\n') {
    lx->line--;
    lx->line_start = lx->prev_line_start;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* setup */

static lex_result alloc_stacks(lex_state *lx, int max_nesting) {
  if (max_nesting < 1) max_nesting = 1;
  lx->max_nesting = max_nesting;
  lx->indents = malloc(sizeof(int) * (size_t)(max_nesting + 2));
  lx->alt_indents = malloc(sizeof(int) * (size_t)(max_nesting + 2));
  lx->brackets = malloc(sizeof(lex_bracket) * (size_t)(max_nesting + 1));
  if (!lx->indents || !lx->alt_indents || !lx->brackets) {
    lex_free(lx);
    return LEX_NOMEM;
  }
  lx->indents[0] = 0;
  lx->alt_indents[0] = 0;
  lx->n_indents = 1;
  return LEX_OK;
}

lex_result lex_init(lex_state *lx, const char *filename, const char *src, size_t len, int max_nesting,
                    int max_line_length) {
  memset(lx, 0, sizeof *lx);
  lx->filename = filename;
  /* normalise newlines into a private copy with a final '\n' and a NUL sentinel */
  char *copy = malloc(len + 2);
  if (!copy) return LEX_NOMEM;
  size_t n = 0;
  size_t i = 0;
  if (len >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB &&
      (unsigned char)src[2] == 0xBF) {
    i = 3; /* a UTF-8 byte order mark is not part of the text */
  }
  for (; i < len; i++) {
    if (src[i] == '\r') {
      copy[n++] = '\n';
      if (i + 1 < len && src[i + 1] == '\n') i++;
    } else {
      copy[n++] = src[i];
    }
  }
  if (n > 0 && copy[n - 1] != '\n') copy[n++] = '\n';
  copy[n] = '\0';
  lx->owned = copy;
  lx->src = copy;
  lx->end = copy + n;
  lx->cur = copy;
  lx->line_start = copy;
  lx->prev_line_start = copy;
  lx->checked = copy;
  lx->line = 1;
  lx->max_line_length = max_line_length;
  lx->at_bol = 1;
  return alloc_stacks(lx, max_nesting);
}

lex_result lex_init_expr(lex_state *lx, const char *filename, const char *src, size_t len, int line,
                         const char *line_start, int max_nesting) {
  memset(lx, 0, sizeof *lx);
  lx->filename = filename;
  lx->src = src;
  lx->end = src + len;
  lx->cur = src;
  lx->line_start = line_start;
  lx->prev_line_start = line_start;
  lx->checked = src + len; /* the enclosing buffer was checked already */
  lx->line = line;
  lx->expr_mode = 1;
  return alloc_stacks(lx, max_nesting);
}

void lex_free(lex_state *lx) {
  free(lx->owned);
  free(lx->indents);
  free(lx->alt_indents);
  free(lx->brackets);
  lx->owned = NULL;
  lx->indents = NULL;
  lx->alt_indents = NULL;
  lx->brackets = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* tokens */

static void finish(lex_state *lx, lex_token *tok, lex_kind kind, const char *start, int line,
                   const char *line_start) {
  tok->kind = kind;
  tok->start = start;
  tok->line_start = line_start;
  tok->len = (size_t)(lx->cur - start);
  tok->line = line;
  tok->col = col_of(lx, start, line_start);
  tok->end_line = lx->line;
  tok->end_col = col_of(lx, lx->cur, lx->line_start);
  tok->level = lx->n_brackets + (lx->expr_mode ? 1 : 0);
}

static int is_potential_identifier_start(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 128;
}

static int is_potential_identifier_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 128;
}

typedef struct kw_entry {
  const char *word; /* the keyword */
  size_t len;       /* its length */
  lex_kind kind;    /* its token kind */
} kw_entry;

#define KW(word, kind)                                                                             \
  { word, sizeof word - 1, kind }
/* in byte order (keyword_kind searches it) */
static const kw_entry keywords[] = {
    KW("False", LEX_KW_FALSE),
    KW("None", LEX_KW_NONE),
    KW("True", LEX_KW_TRUE),
    KW("and", LEX_KW_AND),
    KW("as", LEX_KW_AS),
    KW("assert", LEX_KW_ASSERT),
    KW("async", LEX_KW_ASYNC),
    KW("await", LEX_KW_AWAIT),
    KW("break", LEX_KW_BREAK),
    KW("class", LEX_KW_CLASS),
    KW("continue", LEX_KW_CONTINUE),
    KW("def", LEX_KW_DEF),
    KW("del", LEX_KW_DEL),
    KW("elif", LEX_KW_ELIF),
    KW("else", LEX_KW_ELSE),
    KW("except", LEX_KW_EXCEPT),
    KW("finally", LEX_KW_FINALLY),
    KW("for", LEX_KW_FOR),
    KW("from", LEX_KW_FROM),
    KW("global", LEX_KW_GLOBAL),
    KW("if", LEX_KW_IF),
    KW("import", LEX_KW_IMPORT),
    KW("in", LEX_KW_IN),
    KW("is", LEX_KW_IS),
    KW("lambda", LEX_KW_LAMBDA),
    KW("nonlocal", LEX_KW_NONLOCAL),
    KW("not", LEX_KW_NOT),
    KW("or", LEX_KW_OR),
    KW("pass", LEX_KW_PASS),
    KW("raise", LEX_KW_RAISE),
    KW("return", LEX_KW_RETURN),
    KW("try", LEX_KW_TRY),
    KW("while", LEX_KW_WHILE),
    KW("with", LEX_KW_WITH),
    KW("yield", LEX_KW_YIELD),
};
#undef KW

/* keywords is in byte order: a binary search. */
static lex_kind keyword_kind(const char *s, size_t n) {
  if (n < 2 || n > 8) /* no keyword is shorter or longer */
    return LEX_NAME;
  size_t lo = 0, hi = sizeof keywords / sizeof keywords[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const kw_entry *k = &keywords[mid];
    int cmp = memcmp(s, k->word, n < k->len ? n : k->len);
    if (cmp == 0)
      cmp = n < k->len ? -1 : n > k->len;
    if (cmp == 0)
      return k->kind;
    if (cmp < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return LEX_NAME;
}

/* Checks the identifier start[0..len) made of potential identifier bytes. */
static int verify_identifier(lex_state *lx, const char *start, size_t len) {
  const char *p = start;
  const char *e = start + len;
  int first = 1;
  while (p < e) {
    uint32_t cp;
    int n = lex_utf8_decode(p, (size_t)(e - p), &cp);
    if (n == 0) { /* cannot happen on a checked line; be safe anyway */
      n = 1;
      cp = (unsigned char)*p;
    }
    int ok;
    if (cp < 128) {
      ok = isalpha((int)cp) || cp == '_' || (!first && isdigit((int)cp));
    } else {
      ok = first ? cp_is_id_start(cp) : cp_is_id_continue(cp);
    }
    if (!ok) {
      int col = col_of(lx, p, lx->line_start);
      if (cp_is_nonprintable(cp)) {
        set_error_at(lx, DIAG_SYNTAX, 1, lx->line, col, col,
                     "invalid non-printable character U+%04X", (unsigned)cp);
      } else {
        set_error_at(lx, DIAG_SYNTAX, 1, lx->line, col, col, "invalid character '%.*s' (U+%04X)", n,
                     p, (unsigned)cp);
      }
      return 0;
    }
    first = 0;
    p += n;
  }
  return 1;
}

/* After "kw" letters that may follow a number: does the keyword really follow? */
static int lookahead(lex_state *lx, const char *rest) {
  const char *p = lx->cur;
  size_t n = strlen(rest);
  if ((size_t)(lx->end - p) < n || memcmp(p, rest, n) != 0) return 0;
  int c = p + n < lx->end ? (unsigned char)p[n] : LEX_EOF;
  return !is_potential_identifier_char(c);
}

/* c was read just after a number. Keywords may follow directly ("1if x else 2");
 * anything else identifier-like is an error. Returns 0 on error. */
static int verify_end_of_number(lex_state *lx, int c, const char *kind) {
  int r = 0;
  if (c == 'a') {
    r = lookahead(lx, "nd");
  } else if (c == 'e') {
    r = lookahead(lx, "lse");
  } else if (c == 'f') {
    r = lookahead(lx, "or");
  } else if (c == 'i') {
    r = lookahead(lx, "f") || lookahead(lx, "n") || lookahead(lx, "s");
  } else if (c == 'n') {
    r = lookahead(lx, "ot");
  } else if (c == 'o') {
    r = lookahead(lx, "r");
  }
  if (r) {
    backup(lx, c);
    return 1;
  }
  if (c != LEX_EOF && is_potential_identifier_char(c)) {
    backup(lx, c);
    char msg[64];
    snprintf(msg, sizeof msg, "invalid %s literal", kind);
    set_error(lx, 1, msg);
    return 0;
  }
  backup(lx, c);
  return 1;
}

static int is_digit_c(int c) { return c >= '0' && c <= '9'; }

static int is_hex_c(int c) {
  return is_digit_c(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Reads digits and single underscores between them; returns the first other character. */
static int decimal_tail(lex_state *lx) {
  int c;
  for (;;) {
    do {
      c = nextc(lx);
    } while (is_digit_c(c));
    if (c != '_') break;
    c = nextc(lx);
    if (!is_digit_c(c)) {
      backup(lx, c);
      set_error(lx, 1, "invalid decimal literal");
      return 0;
    }
  }
  return c;
}

static void int_value(lex_token *tok, const char *s, size_t n, int base) {
  uint64_t v = 0;
  int overflow = 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    int d;
    if (c == '_') continue;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      continue;
    }
    if (v > (UINT64_C(0x7FFFFFFFFFFFFFFF) - (uint64_t)d) / (uint64_t)base) {
      overflow = 1;
      v = 0;
      break;
    }
    v = v * (uint64_t)base + (uint64_t)d;
  }
  tok->num.kind = LEX_NUM_INT;
  tok->num.ivalue = (int64_t)v;
  tok->num.overflow = overflow;
}

static int float_value(lex_token *tok, const char *s, size_t n, lex_num_kind kind) {
  /* strtod needs the digits without underscores; the C locale is assumed
   * (the simulator never calls setlocale). */
  char small[128];
  char *buf = n < sizeof small ? small : malloc(n + 1);
  if (!buf) return -1;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '_' && s[i] != 'j' && s[i] != 'J') buf[k++] = s[i];
  }
  buf[k] = '\0';
  tok->num.kind = kind;
  tok->num.fvalue = strtod(buf, NULL);
  if (buf != small) free(buf);
  return 1;
}

/* The value of a decimal literal start..cur: int, float or imaginary.
 * Returns 1, or -1 when out of memory. */
static int decimal_value(lex_state *lx, lex_token *tok, const char *start) {
  size_t n = (size_t)(lx->cur - start);
  int is_float = 0;
  for (size_t i = 0; i < n; i++) {
    if (start[i] == 'j' || start[i] == 'J') return float_value(tok, start, n, LEX_NUM_IMAG);
    if (start[i] == '.' || start[i] == 'e' || start[i] == 'E') is_float = 1;
  }
  if (is_float) return float_value(tok, start, n, LEX_NUM_FLOAT);
  int_value(tok, start, n, 10);
  return 1;
}

/* Number scanning, as CPython's tokenizer does it (same error positions).
 * c is the first character, already read. Returns 1, 0 on a syntax error,
 * -1 when out of memory. */
static int lex_number(lex_state *lx, lex_token *tok, int c, const char *start) {
  if (c == '0') {
    c = nextc(lx);
    if (c == 'x' || c == 'X') {
      c = nextc(lx);
      do {
        if (c == '_') c = nextc(lx);
        if (!is_hex_c(c)) {
          backup(lx, c);
          set_error(lx, 1, "invalid hexadecimal literal");
          return 0;
        }
        do {
          c = nextc(lx);
        } while (is_hex_c(c));
      } while (c == '_');
      if (!verify_end_of_number(lx, c, "hexadecimal")) return 0;
      int_value(tok, start + 2, (size_t)(lx->cur - start - 2), 16);
      return 1;
    }
    if (c == 'o' || c == 'O') {
      c = nextc(lx);
      do {
        if (c == '_') c = nextc(lx);
        if (c < '0' || c >= '8') {
          if (is_digit_c(c)) {
            char msg[64];
            snprintf(msg, sizeof msg, "invalid digit '%c' in octal literal", c);
            set_error(lx, 1, msg);
          } else {
            backup(lx, c);
            set_error(lx, 1, "invalid octal literal");
          }
          return 0;
        }
        do {
          c = nextc(lx);
        } while ('0' <= c && c < '8');
      } while (c == '_');
      if (is_digit_c(c)) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid digit '%c' in octal literal", c);
        set_error(lx, 1, msg);
        return 0;
      }
      if (!verify_end_of_number(lx, c, "octal")) return 0;
      int_value(tok, start + 2, (size_t)(lx->cur - start - 2), 8);
      return 1;
    }
    if (c == 'b' || c == 'B') {
      c = nextc(lx);
      do {
        if (c == '_') c = nextc(lx);
        if (c != '0' && c != '1') {
          if (is_digit_c(c)) {
            char msg[64];
            snprintf(msg, sizeof msg, "invalid digit '%c' in binary literal", c);
            set_error(lx, 1, msg);
          } else {
            backup(lx, c);
            set_error(lx, 1, "invalid binary literal");
          }
          return 0;
        }
        do {
          c = nextc(lx);
        } while (c == '0' || c == '1');
      } while (c == '_');
      if (is_digit_c(c)) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid digit '%c' in binary literal", c);
        set_error(lx, 1, msg);
        return 0;
      }
      if (!verify_end_of_number(lx, c, "binary")) return 0;
      int_value(tok, start + 2, (size_t)(lx->cur - start - 2), 2);
      return 1;
    }
    /* a decimal starting with 0: only zeros, unless it turns out to be a float */
    int nonzero = 0;
    for (;;) {
      if (c == '_') {
        c = nextc(lx);
        if (!is_digit_c(c)) {
          backup(lx, c);
          set_error(lx, 1, "invalid decimal literal");
          return 0;
        }
      }
      if (c != '0') break;
      c = nextc(lx);
    }
    const char *zeros_end = lx->cur;
    if (is_digit_c(c)) {
      nonzero = 1;
      c = decimal_tail(lx);
      if (c == 0) return 0;
    }
    if (c == '.') {
      c = nextc(lx);
      goto fraction;
    } else if (c == 'e' || c == 'E') {
      goto exponent;
    } else if (c == 'j' || c == 'J') {
      goto imaginary;
    } else if (nonzero) {
      backup(lx, c);
      int col = col_of(lx, start, lx->line_start);
      set_error_at(lx, DIAG_SYNTAX, 1, lx->line, col, col_of(lx, zeros_end, lx->line_start) - 1,
                   "leading zeros in decimal integer literals are not permitted; use an 0o prefix "
                   "for octal integers");
      return 0;
    }
    if (!verify_end_of_number(lx, c, "decimal")) return 0;
    return decimal_value(lx, tok, start);
  }
  if (c != '.') {
    /* decimal integer or float */
    c = decimal_tail(lx);
    if (c == 0) return 0;
    if (c == '.') {
      c = nextc(lx);
      goto fraction;
    }
    if (c == 'e' || c == 'E') goto exponent;
    if (c == 'j' || c == 'J') goto imaginary;
    if (!verify_end_of_number(lx, c, "decimal")) return 0;
    return decimal_value(lx, tok, start);
  }
  /* ".5": c is the '.', the next is a digit */
  c = nextc(lx);
fraction:
  if (is_digit_c(c)) {
    c = decimal_tail(lx);
    if (c == 0) return 0;
  }
  if (c == 'e' || c == 'E') {
  exponent:;
    int e = c;
    c = nextc(lx);
    if (c == '+' || c == '-') {
      c = nextc(lx);
      if (!is_digit_c(c)) {
        backup(lx, c);
        set_error(lx, 1, "invalid decimal literal");
        return 0;
      }
    } else if (!is_digit_c(c)) {
      backup(lx, c);
      if (!verify_end_of_number(lx, e, "decimal")) return 0;
      /* "1else": the number ends before the keyword */
      return decimal_value(lx, tok, start);
    }
    c = decimal_tail(lx);
    if (c == 0) return 0;
  }
  if (c == 'j' || c == 'J') {
  imaginary:
    c = nextc(lx);
    if (!verify_end_of_number(lx, c, "imaginary")) return 0;
    return decimal_value(lx, tok, start);
  }
  if (!verify_end_of_number(lx, c, "decimal")) return 0;
  return decimal_value(lx, tok, start);
}

/* A string literal; the prefix letters and the opening quote were read.
 * Returns 1, or 0 on error. */
static int lex_string(lex_state *lx, lex_token *tok, const char *start, const char *line_start,
                      int line, int quote, int saw_r, int saw_f, int saw_b) {
  int quote_size = 1;
  int end_quote_size = 0;
  int prefix_len = (int)(lx->cur - 1 - start);
  int c = nextc(lx);
  if (c == quote) {
    c = nextc(lx);
    if (c == quote) {
      quote_size = 3;
    } else {
      end_quote_size = 1; /* the empty string */
    }
  }
  if (c != quote) backup(lx, c);
  while (end_quote_size != quote_size) {
    c = nextc(lx);
    if (lx->failed) return 0;
    if (c == LEX_EOF || (quote_size == 1 && c == '\n')) {
      /* the buffer ends in '\n', so the line just left is where the problem was seen */
      int detected = lx->line - 1;
      int col = col_of(lx, start, line_start);
      if (quote_size == 3) {
        set_error_at(lx, DIAG_SYNTAX, 1, line, col, col,
                     "unterminated triple-quoted string literal (detected at line %d)", detected);
      } else {
        set_error_at(lx, DIAG_SYNTAX, 1, line, col, col,
                     "unterminated string literal (detected at line %d)", detected);
      }
      return 0;
    }
    if (c == quote) {
      end_quote_size++;
    } else {
      end_quote_size = 0;
      if (c == '\\') nextc(lx); /* the escaped character cannot end the string */
    }
  }
  finish(lx, tok, LEX_STRING, start, line, line_start);
  tok->str.prefix_len = prefix_len;
  tok->str.quote_len = quote_size;
  tok->str.is_raw = saw_r;
  tok->str.is_f = saw_f;
  tok->str.is_bytes = saw_b;
  return 1;
}

typedef struct op_entry {
  const char *text; /* the spelling */
  lex_kind kind;    /* the token */
} op_entry;

/* longest first */
static const op_entry operators[] = {
    {"**=", LEX_DOUBLESTAREQUAL}, {"//=", LEX_DOUBLESLASHEQUAL}, {"<<=", LEX_LEFTSHIFTEQUAL},
    {">>=", LEX_RIGHTSHIFTEQUAL}, {"!=", LEX_NOTEQUAL},          {"%=", LEX_PERCENTEQUAL},
    {"&=", LEX_AMPEREQUAL},       {"**", LEX_DOUBLESTAR},        {"*=", LEX_STAREQUAL},
    {"+=", LEX_PLUSEQUAL},        {"-=", LEX_MINEQUAL},          {"->", LEX_RARROW},
    {"//", LEX_DOUBLESLASH},      {"/=", LEX_SLASHEQUAL},        {":=", LEX_COLONEQUAL},
    {"<<", LEX_LEFTSHIFT},        {"<=", LEX_LESSEQUAL},         {"==", LEX_EQEQUAL},
    {">=", LEX_GREATEREQUAL},     {">>", LEX_RIGHTSHIFT},        {"@=", LEX_ATEQUAL},
    {"^=", LEX_CIRCUMFLEXEQUAL},  {"|=", LEX_VBAREQUAL},         {"(", LEX_LPAR},
    {")", LEX_RPAR},              {"[", LEX_LSQB},               {"]", LEX_RSQB},
    {"{", LEX_LBRACE},            {"}", LEX_RBRACE},             {":", LEX_COLON},
    {",", LEX_COMMA},             {";", LEX_SEMI},               {"+", LEX_PLUS},
    {"-", LEX_MINUS},             {"*", LEX_STAR},               {"/", LEX_SLASH},
    {"|", LEX_VBAR},              {"&", LEX_AMPER},              {"<", LEX_LESS},
    {">", LEX_GREATER},           {"=", LEX_EQUAL},              {"%", LEX_PERCENT},
    {"~", LEX_TILDE},             {"^", LEX_CIRCUMFLEX},         {"@", LEX_AT},
};

static const char *closing_of(char open) { return open == '(' ? ")" : open == '[' ? "]" : "}"; }

static lex_result lex_error_result(lex_state *lx) { return lx->failed ? LEX_ERROR : LEX_NOMEM; }

lex_result lex_next(lex_state *lx, lex_token *tok) {
  memset(tok, 0, sizeof *tok);
  if (lx->failed) return LEX_ERROR;
  if (lx->done) {
    tok->kind = LEX_ENDMARKER;
    tok->line = lx->eof_line;
    tok->col = lx->eof_col;
    tok->end_line = lx->eof_line;
    tok->end_col = lx->eof_col;
    tok->start = lx->end;
    tok->line_start = lx->end;
    return LEX_OK;
  }
  int c;
  int blankline;
nextline:
  blankline = 0;
  if (lx->at_bol && !lx->expr_mode) {
    int col = 0;
    int altcol = 0;
    lx->at_bol = 0;
    for (;;) {
      c = nextc(lx);
      if (c == ' ') {
        col++;
        altcol++;
      } else if (c == '\t') {
        col = (col / LEX_TABSIZE + 1) * LEX_TABSIZE;
        altcol++;
      } else if (c == '\f') {
        col = altcol = 0;
      } else {
        break;
      }
    }
    backup(lx, c);
    if (lx->failed) return LEX_ERROR;
    if (c == '#' || c == '\n') blankline = 1; /* comment-only and empty lines do not count */
    if (!blankline && lx->n_brackets == 0) {
      int top = lx->n_indents - 1;
      if (col == lx->indents[top]) {
        if (altcol != lx->alt_indents[top]) goto tab_error;
      } else if (col > lx->indents[top]) {
        if (top >= lx->max_nesting) {
          set_error_at(lx, DIAG_LIMIT, 0, lx->line, 1, 0, "too many levels of indentation");
          return LEX_ERROR;
        }
        if (altcol <= lx->alt_indents[top]) goto tab_error;
        lx->indents[lx->n_indents] = col;
        lx->alt_indents[lx->n_indents] = altcol;
        lx->n_indents++;
        lx->pending++;
      } else {
        while (lx->n_indents > 1 && col < lx->indents[lx->n_indents - 1]) {
          lx->n_indents--;
          lx->pending--;
        }
        if (col != lx->indents[lx->n_indents - 1]) {
          /* CPython points just past the end of the line */
          const char *eol = lx->cur;
          while (eol < lx->end && *eol != '\n') eol++;
          set_error_at(lx, DIAG_INDENTATION, 0, lx->line, col_of(lx, eol, lx->line_start), 0,
                       "unindent does not match any outer indentation level");
          return LEX_ERROR;
        }
        if (altcol != lx->alt_indents[lx->n_indents - 1]) goto tab_error;
      }
    }
  }
  if (lx->pending != 0) {
    int at = col_of(lx, lx->cur, lx->line_start);
    int line = lx->line;
    if (lx->cur >= lx->end && lx->end > lx->src) line = lx->line - 1;
    tok->kind = lx->pending < 0 ? LEX_DEDENT : LEX_INDENT;
    lx->pending += lx->pending < 0 ? 1 : -1;
    tok->start = lx->cur;
    tok->line_start = lx->line_start;
    tok->line = line;
    tok->end_line = line;
    tok->col = tok->kind == LEX_INDENT ? 1 : at;
    tok->end_col = at;
    return LEX_OK;
  }
again:
  do {
    c = nextc(lx);
  } while (c == ' ' || c == '\t' || c == '\f' || (lx->expr_mode && c == '\n'));
  if (lx->failed) return LEX_ERROR;
  const char *start = c == LEX_EOF ? lx->cur : lx->cur - 1;
  const char *line_start = lx->line_start;
  int line = lx->line;
  if (c == '\n') { /* reading it moved to the next line */
    line_start = lx->prev_line_start;
    line = lx->line - 1;
  }
  const char *comment_start = NULL;
  if (c == '#') {
    comment_start = start;
    do {
      c = nextc(lx);
    } while (c != LEX_EOF && c != '\n');
    if (lx->failed) return LEX_ERROR;
  }

  if (c == LEX_EOF) {
    if (lx->n_brackets > 0) {
      lex_bracket *b = &lx->brackets[lx->n_brackets - 1];
      set_error_at(lx, DIAG_SYNTAX, 0, b->line, b->col, 0, "'%c' was never closed", b->ch);
      lx->error.unclosed = 1;
      return LEX_ERROR;
    }
    lx->done = 1;
    lx->eof_line = lx->end > lx->src && !lx->expr_mode ? lx->line - 1 : lx->line;
    if (lx->eof_line < 1) lx->eof_line = 1;
    lx->eof_col = lx->expr_mode ? col_of(lx, lx->end, lx->line_start) : 1;
    return lex_next(lx, tok);
  }

  if (is_potential_identifier_start(c)) {
    int saw_b = 0, saw_r = 0, saw_u = 0, saw_f = 0;
    for (;;) {
      if (!(saw_b || saw_u || saw_f) && (c == 'b' || c == 'B')) {
        saw_b = 1;
      } else if (!(saw_b || saw_u || saw_r || saw_f) && (c == 'u' || c == 'U')) {
        saw_u = 1;
      } else if (!(saw_r || saw_u) && (c == 'r' || c == 'R')) {
        saw_r = 1;
      } else if (!(saw_f || saw_b || saw_u) && (c == 'f' || c == 'F')) {
        saw_f = 1;
      } else {
        break;
      }
      c = nextc(lx);
      if (c == '"' || c == '\'') {
        return lex_string(lx, tok, start, line_start, line, c, saw_r, saw_f, saw_b)
                   ? LEX_OK
                   : LEX_ERROR;
      }
    }
    int non_ascii = 0;
    if (c != LEX_EOF && c < 128 && is_potential_identifier_char(c)) {
      /* ASCII characters of a line already checked need none of nextc's bookkeeping */
      const char *p = lx->cur;
      while (p < lx->checked && p < lx->end && (unsigned char)*p < 128 &&
             is_potential_identifier_char((unsigned char)*p))
        p++;
      lx->cur = p;
      c = nextc(lx);
    }
    while (c != LEX_EOF && is_potential_identifier_char(c)) {
      if (c >= 128) non_ascii = 1;
      c = nextc(lx);
    }
    backup(lx, c);
    if (lx->failed) return LEX_ERROR;
    if (non_ascii && !verify_identifier(lx, start, (size_t)(lx->cur - start))) return LEX_ERROR;
    finish(lx, tok, keyword_kind(start, (size_t)(lx->cur - start)), start, line, line_start);
    return LEX_OK;
  }

  if (c == '\n') {
    lx->at_bol = 1;
    if (blankline || lx->n_brackets > 0) goto nextline;
    /* the NEWLINE token starts at a trailing comment when there is one */
    const char *nl = lx->cur - 1;
    tok->kind = LEX_NEWLINE;
    tok->start = comment_start ? comment_start : nl;
    tok->line_start = line_start;
    tok->len = 1;
    tok->line = line;
    tok->end_line = line;
    tok->col = col_of(lx, tok->start, line_start);
    tok->end_col = col_of(lx, nl, line_start);
    return LEX_OK;
  }

  if (c == '.') {
    c = nextc(lx);
    if (is_digit_c(c)) {
      backup(lx, c);
      int r = lex_number(lx, tok, '.', start);
      if (r <= 0) return r == 0 ? LEX_ERROR : lex_error_result(lx);
      finish(lx, tok, LEX_NUMBER, start, line, line_start);
      return LEX_OK;
    }
    if (c == '.') {
      int c2 = nextc(lx);
      if (c2 == '.') {
        finish(lx, tok, LEX_ELLIPSIS, start, line, line_start);
        return LEX_OK;
      }
      backup(lx, c2);
    }
    backup(lx, c);
    finish(lx, tok, LEX_DOT, start, line, line_start);
    return LEX_OK;
  }

  if (is_digit_c(c)) {
    int r = lex_number(lx, tok, c, start);
    if (r <= 0) return r == 0 ? LEX_ERROR : lex_error_result(lx);
    finish(lx, tok, LEX_NUMBER, start, line, line_start);
    return LEX_OK;
  }

  if (c == '"' || c == '\'') {
    return lex_string(lx, tok, start, line_start, line, c, 0, 0, 0) ? LEX_OK : LEX_ERROR;
  }

  if (c == '\\') {
    c = nextc(lx);
    if (c != '\n') {
      set_error(lx, 0, "unexpected character after line continuation character");
      return LEX_ERROR;
    }
    c = nextc(lx);
    if (c == LEX_EOF) {
      if (lx->failed) return LEX_ERROR;
      if (lx->n_brackets > 0) {
        lex_bracket *b = &lx->brackets[lx->n_brackets - 1];
        set_error_at(lx, DIAG_SYNTAX, 0, b->line, b->col, 0, "'%c' was never closed", b->ch);
        lx->error.unclosed = 1;
      } else {
        int col = col_of(lx, lx->cur - 1, lx->prev_line_start);
        set_error_at(lx, DIAG_SYNTAX, 0, lx->line - 1, col, 0, "unexpected EOF while parsing");
      }
      return LEX_ERROR;
    }
    backup(lx, c);
    goto again;
  }

  /* operators and brackets */
  for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
    const char *t = operators[i].text;
    if (t[0] != *start) continue;
    size_t n = strlen(t);
    if ((size_t)(lx->end - start) >= n && memcmp(start, t, n) == 0) {
      for (size_t k = 1; k < n; k++) nextc(lx);
      lex_kind kind = operators[i].kind;
      if (kind == LEX_LPAR || kind == LEX_LSQB || kind == LEX_LBRACE) {
        int col = col_of(lx, start, line_start);
        if (lx->n_brackets >= lx->max_nesting) {
          set_error_at(lx, DIAG_LIMIT, 1, line, col, col + 1, "too many nested parentheses");
          return LEX_ERROR;
        }
        lex_bracket *b = &lx->brackets[lx->n_brackets++];
        b->ch = (char)c;
        b->line = line;
        b->col = col;
      } else if (kind == LEX_RPAR || kind == LEX_RSQB || kind == LEX_RBRACE) {
        int col = col_of(lx, start, line_start);
        if (lx->n_brackets == 0) {
          set_error_at(lx, DIAG_SYNTAX, 1, line, col, col + 1, "unmatched '%c'", c);
          return LEX_ERROR;
        }
        lex_bracket *b = &lx->brackets[lx->n_brackets - 1];
        if (closing_of(b->ch)[0] != c) {
          if (b->line != line) {
            set_error_at(lx, DIAG_SYNTAX, 1, line, col, col + 1,
                         "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d",
                         c, b->ch, b->line);
          } else {
            set_error_at(lx, DIAG_SYNTAX, 1, line, col, col + 1,
                         "closing parenthesis '%c' does not match opening parenthesis '%c'", c, b->ch);
          }
          return LEX_ERROR;
        }
        lx->n_brackets--;
      }
      finish(lx, tok, kind, start, line, line_start);
      return LEX_OK;
    }
  }

  if (c < 32 || c == 127) {
    int col = col_of(lx, start, line_start);
    set_error_at(lx, DIAG_SYNTAX, 1, line, col, col, "invalid non-printable character U+%04X", c);
    return LEX_ERROR;
  }
  /* $ ? ! and ` start no token; the parser reports them as invalid syntax */
  finish(lx, tok, LEX_ERRORTOKEN, start, line, line_start);
  return LEX_OK;

tab_error:
  set_error_at(lx, DIAG_TAB, 0, lx->line, 1, 0, "inconsistent use of tabs and spaces in indentation");
  return LEX_ERROR;
}

const char *lex_kind_name(lex_kind kind) {
  switch (kind) {
    case LEX_ENDMARKER: return "end of file";
    case LEX_NEWLINE: return "newline";
    case LEX_INDENT: return "indent";
    case LEX_DEDENT: return "dedent";
    case LEX_NAME: return "name";
    case LEX_NUMBER: return "number";
    case LEX_STRING: return "string";
    case LEX_ERRORTOKEN: return "invalid character";
    default: break;
  }
  for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
    if (operators[i].kind == kind) return operators[i].text;
  }
  if (kind == LEX_DOT) return ".";
  if (kind == LEX_ELLIPSIS) return "...";
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
    if (keywords[i].kind == kind) return keywords[i].word;
  }
  return "?";
}

/* ------------------------------------------------------------------------------------------ */
/* Unicode tables */

static int in_ranges(const lex_range *r, size_t n, uint32_t cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < r[mid].lo) {
      hi = mid;
    } else if (cp > r[mid].hi) {
      lo = mid + 1;
    } else {
      return 1;
    }
  }
  return 0;
}

/* Characters str.isprintable() rejects, unassigned code points left out. */
static const lex_range nonprintable[] = {
  {0x80, 0xA0}, {0xAD, 0xAD}, {0x600, 0x605}, {0x61C, 0x61C}, {0x6DD, 0x6DD}, {0x70F, 0x70F},
  {0x890, 0x891}, {0x8E2, 0x8E2}, {0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200F},
  {0x2028, 0x202F}, {0x205F, 0x2064}, {0x2066, 0x206F}, {0x3000, 0x3000}, {0xD800, 0xF8FF},
  {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}, {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x13438},
  {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
  {0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD},
};

static int cp_is_nonprintable(uint32_t cp) {
  return in_ranges(nonprintable, sizeof nonprintable / sizeof nonprintable[0], cp);
}

/* Generated from Python 3.11's str.isidentifier(): code points >= 0x80 that may
 * start (id_start) or continue (id_continue) an identifier. NFKC normalisation of
 * identifiers is not done: such names are kept as written. */
static const lex_range id_start[] = {
  {0xAA, 0xAA}, {0xB5, 0xB5}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2C1},
  {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE}, {0x370, 0x374}, {0x376, 0x377},
  {0x37B, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1},
  {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F}, {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588},
  {0x5D0, 0x5EA}, {0x5EF, 0x5F2}, {0x620, 0x64A}, {0x66E, 0x66F}, {0x671, 0x6D3}, {0x6D5, 0x6D5},
  {0x6E5, 0x6E6}, {0x6EE, 0x6EF}, {0x6FA, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x710}, {0x712, 0x72F},
  {0x74D, 0x7A5}, {0x7B1, 0x7B1}, {0x7CA, 0x7EA}, {0x7F4, 0x7F5}, {0x7FA, 0x7FA}, {0x800, 0x815},
  {0x81A, 0x81A}, {0x824, 0x824}, {0x828, 0x828}, {0x840, 0x858}, {0x860, 0x86A}, {0x870, 0x887},
  {0x889, 0x88E}, {0x8A0, 0x8C9}, {0x904, 0x939}, {0x93D, 0x93D}, {0x950, 0x950}, {0x958, 0x961},
  {0x971, 0x980}, {0x985, 0x98C}, {0x98F, 0x990}, {0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2},
  {0x9B6, 0x9B9}, {0x9BD, 0x9BD}, {0x9CE, 0x9CE}, {0x9DC, 0x9DD}, {0x9DF, 0x9E1}, {0x9F0, 0x9F1},
  {0x9FC, 0x9FC}, {0xA05, 0xA0A}, {0xA0F, 0xA10}, {0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33},
  {0xA35, 0xA36}, {0xA38, 0xA39}, {0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA72, 0xA74}, {0xA85, 0xA8D},
  {0xA8F, 0xA91}, {0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9}, {0xABD, 0xABD},
  {0xAD0, 0xAD0}, {0xAE0, 0xAE1}, {0xAF9, 0xAF9}, {0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28},
  {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3D, 0xB3D}, {0xB5C, 0xB5D}, {0xB5F, 0xB61},
  {0xB71, 0xB71}, {0xB83, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90}, {0xB92, 0xB95}, {0xB99, 0xB9A},
  {0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4}, {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBD0, 0xBD0},
  {0xC05, 0xC0C}, {0xC0E, 0xC10}, {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3D, 0xC3D}, {0xC58, 0xC5A},
  {0xC5D, 0xC5D}, {0xC60, 0xC61}, {0xC80, 0xC80}, {0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8},
  {0xCAA, 0xCB3}, {0xCB5, 0xCB9}, {0xCBD, 0xCBD}, {0xCDD, 0xCDE}, {0xCE0, 0xCE1}, {0xCF1, 0xCF2},
  {0xD04, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD3A}, {0xD3D, 0xD3D}, {0xD4E, 0xD4E}, {0xD54, 0xD56},
  {0xD5F, 0xD61}, {0xD7A, 0xD7F}, {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD},
  {0xDC0, 0xDC6}, {0xE01, 0xE30}, {0xE32, 0xE32}, {0xE40, 0xE46}, {0xE81, 0xE82}, {0xE84, 0xE84},
  {0xE86, 0xE8A}, {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEB0}, {0xEB2, 0xEB2}, {0xEBD, 0xEBD},
  {0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xEDC, 0xEDF}, {0xF00, 0xF00}, {0xF40, 0xF47}, {0xF49, 0xF6C},
  {0xF88, 0xF8C}, {0x1000, 0x102A}, {0x103F, 0x103F}, {0x1050, 0x1055}, {0x105A, 0x105D},
  {0x1061, 0x1061}, {0x1065, 0x1066}, {0x106E, 0x1070}, {0x1075, 0x1081}, {0x108E, 0x108E},
  {0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD}, {0x10D0, 0x10FA}, {0x10FC, 0x1248},
  {0x124A, 0x124D}, {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D}, {0x1260, 0x1288},
  {0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE}, {0x12C0, 0x12C0},
  {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315}, {0x1318, 0x135A},
  {0x1380, 0x138F}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1401, 0x166C}, {0x166F, 0x167F},
  {0x1681, 0x169A}, {0x16A0, 0x16EA}, {0x16EE, 0x16F8}, {0x1700, 0x1711}, {0x171F, 0x1731},
  {0x1740, 0x1751}, {0x1760, 0x176C}, {0x176E, 0x1770}, {0x1780, 0x17B3}, {0x17D7, 0x17D7},
  {0x17DC, 0x17DC}, {0x1820, 0x1878}, {0x1880, 0x18A8}, {0x18AA, 0x18AA}, {0x18B0, 0x18F5},
  {0x1900, 0x191E}, {0x1950, 0x196D}, {0x1970, 0x1974}, {0x1980, 0x19AB}, {0x19B0, 0x19C9},
  {0x1A00, 0x1A16}, {0x1A20, 0x1A54}, {0x1AA7, 0x1AA7}, {0x1B05, 0x1B33}, {0x1B45, 0x1B4C},
  {0x1B83, 0x1BA0}, {0x1BAE, 0x1BAF}, {0x1BBA, 0x1BE5}, {0x1C00, 0x1C23}, {0x1C4D, 0x1C4F},
  {0x1C5A, 0x1C7D}, {0x1C80, 0x1C88}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF}, {0x1CE9, 0x1CEC},
  {0x1CEE, 0x1CF3}, {0x1CF5, 0x1CF6}, {0x1CFA, 0x1CFA}, {0x1D00, 0x1DBF}, {0x1E00, 0x1F15},
  {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59},
  {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC},
  {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB},
  {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2071, 0x2071}, {0x207F, 0x207F},
  {0x2090, 0x209C}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113}, {0x2115, 0x2115},
  {0x2118, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128}, {0x212A, 0x2139},
  {0x213C, 0x213F}, {0x2145, 0x2149}, {0x214E, 0x214E}, {0x2160, 0x2188}, {0x2C00, 0x2CE4},
  {0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3}, {0x2D00, 0x2D25}, {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D},
  {0x2D30, 0x2D67}, {0x2D6F, 0x2D6F}, {0x2D80, 0x2D96}, {0x2DA0, 0x2DA6}, {0x2DA8, 0x2DAE},
  {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6}, {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6},
  {0x2DD8, 0x2DDE}, {0x3005, 0x3007}, {0x3021, 0x3029}, {0x3031, 0x3035}, {0x3038, 0x303C},
  {0x3041, 0x3096}, {0x309D, 0x309F}, {0x30A1, 0x30FA}, {0x30FC, 0x30FF}, {0x3105, 0x312F},
  {0x3131, 0x318E}, {0x31A0, 0x31BF}, {0x31F0, 0x31FF}, {0x3400, 0x4DBF}, {0x4E00, 0xA48C},
  {0xA4D0, 0xA4FD}, {0xA500, 0xA60C}, {0xA610, 0xA61F}, {0xA62A, 0xA62B}, {0xA640, 0xA66E},
  {0xA67F, 0xA69D}, {0xA6A0, 0xA6EF}, {0xA717, 0xA71F}, {0xA722, 0xA788}, {0xA78B, 0xA7CA},
  {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3}, {0xA7D5, 0xA7D9}, {0xA7F2, 0xA801}, {0xA803, 0xA805},
  {0xA807, 0xA80A}, {0xA80C, 0xA822}, {0xA840, 0xA873}, {0xA882, 0xA8B3}, {0xA8F2, 0xA8F7},
  {0xA8FB, 0xA8FB}, {0xA8FD, 0xA8FE}, {0xA90A, 0xA925}, {0xA930, 0xA946}, {0xA960, 0xA97C},
  {0xA984, 0xA9B2}, {0xA9CF, 0xA9CF}, {0xA9E0, 0xA9E4}, {0xA9E6, 0xA9EF}, {0xA9FA, 0xA9FE},
  {0xAA00, 0xAA28}, {0xAA40, 0xAA42}, {0xAA44, 0xAA4B}, {0xAA60, 0xAA76}, {0xAA7A, 0xAA7A},
  {0xAA7E, 0xAAAF}, {0xAAB1, 0xAAB1}, {0xAAB5, 0xAAB6}, {0xAAB9, 0xAABD}, {0xAAC0, 0xAAC0},
  {0xAAC2, 0xAAC2}, {0xAADB, 0xAADD}, {0xAAE0, 0xAAEA}, {0xAAF2, 0xAAF4}, {0xAB01, 0xAB06},
  {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26}, {0xAB28, 0xAB2E}, {0xAB30, 0xAB5A},
  {0xAB5C, 0xAB69}, {0xAB70, 0xABE2}, {0xAC00, 0xD7A3}, {0xD7B0, 0xD7C6}, {0xD7CB, 0xD7FB},
  {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFB00, 0xFB06}, {0xFB13, 0xFB17}, {0xFB1D, 0xFB1D},
  {0xFB1F, 0xFB28}, {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C}, {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41},
  {0xFB43, 0xFB44}, {0xFB46, 0xFBB1}, {0xFBD3, 0xFC5D}, {0xFC64, 0xFD3D}, {0xFD50, 0xFD8F},
  {0xFD92, 0xFDC7}, {0xFDF0, 0xFDF9}, {0xFE71, 0xFE71}, {0xFE73, 0xFE73}, {0xFE77, 0xFE77},
  {0xFE79, 0xFE79}, {0xFE7B, 0xFE7B}, {0xFE7D, 0xFE7D}, {0xFE7F, 0xFEFC}, {0xFF21, 0xFF3A},
  {0xFF41, 0xFF5A}, {0xFF66, 0xFF9D}, {0xFFA0, 0xFFBE}, {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF},
  {0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC}, {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A},
  {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA},
  {0x10140, 0x10174}, {0x10280, 0x1029C}, {0x102A0, 0x102D0}, {0x10300, 0x1031F},
  {0x1032D, 0x1034A}, {0x10350, 0x10375}, {0x10380, 0x1039D}, {0x103A0, 0x103C3},
  {0x103C8, 0x103CF}, {0x103D1, 0x103D5}, {0x10400, 0x1049D}, {0x104B0, 0x104D3},
  {0x104D8, 0x104FB}, {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A},
  {0x1057C, 0x1058A}, {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1},
  {0x105A3, 0x105B1}, {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736},
  {0x10740, 0x10755}, {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0},
  {0x107B2, 0x107BA}, {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835},
  {0x10837, 0x10838}, {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876},
  {0x10880, 0x1089E}, {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915},
  {0x10920, 0x10939}, {0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A00},
  {0x10A10, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A60, 0x10A7C},
  {0x10A80, 0x10A9C}, {0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10B00, 0x10B35},
  {0x10B40, 0x10B55}, {0x10B60, 0x10B72}, {0x10B80, 0x10B91}, {0x10C00, 0x10C48},
  {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x10D00, 0x10D23}, {0x10E80, 0x10EA9},
  {0x10EB0, 0x10EB1}, {0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F45},
  {0x10F70, 0x10F81}, {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6}, {0x11003, 0x11037},
  {0x11071, 0x11072}, {0x11075, 0x11075}, {0x11083, 0x110AF}, {0x110D0, 0x110E8},
  {0x11103, 0x11126}, {0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172},
  {0x11176, 0x11176}, {0x11183, 0x111B2}, {0x111C1, 0x111C4}, {0x111DA, 0x111DA},
  {0x111DC, 0x111DC}, {0x11200, 0x11211}, {0x11213, 0x1122B}, {0x11280, 0x11286},
  {0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A8},
  {0x112B0, 0x112DE}, {0x11305, 0x1130C}, {0x1130F, 0x11310}, {0x11313, 0x11328},
  {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133D, 0x1133D},
  {0x11350, 0x11350}, {0x1135D, 0x11361}, {0x11400, 0x11434}, {0x11447, 0x1144A},
  {0x1145F, 0x11461}, {0x11480, 0x114AF}, {0x114C4, 0x114C5}, {0x114C7, 0x114C7},
  {0x11580, 0x115AE}, {0x115D8, 0x115DB}, {0x11600, 0x1162F}, {0x11644, 0x11644},
  {0x11680, 0x116AA}, {0x116B8, 0x116B8}, {0x11700, 0x1171A}, {0x11740, 0x11746},
  {0x11800, 0x1182B}, {0x118A0, 0x118DF}, {0x118FF, 0x11906}, {0x11909, 0x11909},
  {0x1190C, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x1192F}, {0x1193F, 0x1193F},
  {0x11941, 0x11941}, {0x119A0, 0x119A7}, {0x119AA, 0x119D0}, {0x119E1, 0x119E1},
  {0x119E3, 0x119E3}, {0x11A00, 0x11A00}, {0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A},
  {0x11A50, 0x11A50}, {0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8},
  {0x11C00, 0x11C08}, {0x11C0A, 0x11C2E}, {0x11C40, 0x11C40}, {0x11C72, 0x11C8F},
  {0x11D00, 0x11D06}, {0x11D08, 0x11D09}, {0x11D0B, 0x11D30}, {0x11D46, 0x11D46},
  {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D89}, {0x11D98, 0x11D98},
  {0x11EE0, 0x11EF2}, {0x11FB0, 0x11FB0}, {0x12000, 0x12399}, {0x12400, 0x1246E},
  {0x12480, 0x12543}, {0x12F90, 0x12FF0}, {0x13000, 0x1342E}, {0x14400, 0x14646},
  {0x16800, 0x16A38}, {0x16A40, 0x16A5E}, {0x16A70, 0x16ABE}, {0x16AD0, 0x16AED},
  {0x16B00, 0x16B2F}, {0x16B40, 0x16B43}, {0x16B63, 0x16B77}, {0x16B7D, 0x16B8F},
  {0x16E40, 0x16E7F}, {0x16F00, 0x16F4A}, {0x16F50, 0x16F50}, {0x16F93, 0x16F9F},
  {0x16FE0, 0x16FE1}, {0x16FE3, 0x16FE3}, {0x17000, 0x187F7}, {0x18800, 0x18CD5},
  {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE},
  {0x1B000, 0x1B122}, {0x1B150, 0x1B152}, {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB},
  {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99},
  {0x1D400, 0x1D454}, {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2},
  {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB},
  {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514},
  {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544},
  {0x1D546, 0x1D546}, {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0},
  {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734},
  {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E}, {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8},
  {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB}, {0x1DF00, 0x1DF1E}, {0x1E100, 0x1E12C},
  {0x1E137, 0x1E13D}, {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB},
  {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE},
  {0x1E800, 0x1E8C4}, {0x1E900, 0x1E943}, {0x1E94B, 0x1E94B}, {0x1EE00, 0x1EE03},
  {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27},
  {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B},
  {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B},
  {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57},
  {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F},
  {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72},
  {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89},
  {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB},
  {0x20000, 0x2A6DF}, {0x2A700, 0x2B738}, {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1},
  {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D}, {0x30000, 0x3134A},
};
static const lex_range id_continue[] = {
  {0xAA, 0xAA}, {0xB5, 0xB5}, {0xB7, 0xB7}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6},
  {0xF8, 0x2C1}, {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE}, {0x300, 0x374},
  {0x376, 0x377}, {0x37B, 0x37D}, {0x37F, 0x37F}, {0x386, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1},
  {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x483, 0x487}, {0x48A, 0x52F}, {0x531, 0x556}, {0x559, 0x559},
  {0x560, 0x588}, {0x591, 0x5BD}, {0x5BF, 0x5BF}, {0x5C1, 0x5C2}, {0x5C4, 0x5C5}, {0x5C7, 0x5C7},
  {0x5D0, 0x5EA}, {0x5EF, 0x5F2}, {0x610, 0x61A}, {0x620, 0x669}, {0x66E, 0x6D3}, {0x6D5, 0x6DC},
  {0x6DF, 0x6E8}, {0x6EA, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x74A}, {0x74D, 0x7B1}, {0x7C0, 0x7F5},
  {0x7FA, 0x7FA}, {0x7FD, 0x7FD}, {0x800, 0x82D}, {0x840, 0x85B}, {0x860, 0x86A}, {0x870, 0x887},
  {0x889, 0x88E}, {0x898, 0x8E1}, {0x8E3, 0x963}, {0x966, 0x96F}, {0x971, 0x983}, {0x985, 0x98C},
  {0x98F, 0x990}, {0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2}, {0x9B6, 0x9B9}, {0x9BC, 0x9C4},
  {0x9C7, 0x9C8}, {0x9CB, 0x9CE}, {0x9D7, 0x9D7}, {0x9DC, 0x9DD}, {0x9DF, 0x9E3}, {0x9E6, 0x9F1},
  {0x9FC, 0x9FC}, {0x9FE, 0x9FE}, {0xA01, 0xA03}, {0xA05, 0xA0A}, {0xA0F, 0xA10}, {0xA13, 0xA28},
  {0xA2A, 0xA30}, {0xA32, 0xA33}, {0xA35, 0xA36}, {0xA38, 0xA39}, {0xA3C, 0xA3C}, {0xA3E, 0xA42},
  {0xA47, 0xA48}, {0xA4B, 0xA4D}, {0xA51, 0xA51}, {0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA66, 0xA75},
  {0xA81, 0xA83}, {0xA85, 0xA8D}, {0xA8F, 0xA91}, {0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3},
  {0xAB5, 0xAB9}, {0xABC, 0xAC5}, {0xAC7, 0xAC9}, {0xACB, 0xACD}, {0xAD0, 0xAD0}, {0xAE0, 0xAE3},
  {0xAE6, 0xAEF}, {0xAF9, 0xAFF}, {0xB01, 0xB03}, {0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28},
  {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3C, 0xB44}, {0xB47, 0xB48}, {0xB4B, 0xB4D},
  {0xB55, 0xB57}, {0xB5C, 0xB5D}, {0xB5F, 0xB63}, {0xB66, 0xB6F}, {0xB71, 0xB71}, {0xB82, 0xB83},
  {0xB85, 0xB8A}, {0xB8E, 0xB90}, {0xB92, 0xB95}, {0xB99, 0xB9A}, {0xB9C, 0xB9C}, {0xB9E, 0xB9F},
  {0xBA3, 0xBA4}, {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBBE, 0xBC2}, {0xBC6, 0xBC8}, {0xBCA, 0xBCD},
  {0xBD0, 0xBD0}, {0xBD7, 0xBD7}, {0xBE6, 0xBEF}, {0xC00, 0xC0C}, {0xC0E, 0xC10}, {0xC12, 0xC28},
  {0xC2A, 0xC39}, {0xC3C, 0xC44}, {0xC46, 0xC48}, {0xC4A, 0xC4D}, {0xC55, 0xC56}, {0xC58, 0xC5A},
  {0xC5D, 0xC5D}, {0xC60, 0xC63}, {0xC66, 0xC6F}, {0xC80, 0xC83}, {0xC85, 0xC8C}, {0xC8E, 0xC90},
  {0xC92, 0xCA8}, {0xCAA, 0xCB3}, {0xCB5, 0xCB9}, {0xCBC, 0xCC4}, {0xCC6, 0xCC8}, {0xCCA, 0xCCD},
  {0xCD5, 0xCD6}, {0xCDD, 0xCDE}, {0xCE0, 0xCE3}, {0xCE6, 0xCEF}, {0xCF1, 0xCF2}, {0xD00, 0xD0C},
  {0xD0E, 0xD10}, {0xD12, 0xD44}, {0xD46, 0xD48}, {0xD4A, 0xD4E}, {0xD54, 0xD57}, {0xD5F, 0xD63},
  {0xD66, 0xD6F}, {0xD7A, 0xD7F}, {0xD81, 0xD83}, {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB},
  {0xDBD, 0xDBD}, {0xDC0, 0xDC6}, {0xDCA, 0xDCA}, {0xDCF, 0xDD4}, {0xDD6, 0xDD6}, {0xDD8, 0xDDF},
  {0xDE6, 0xDEF}, {0xDF2, 0xDF3}, {0xE01, 0xE3A}, {0xE40, 0xE4E}, {0xE50, 0xE59}, {0xE81, 0xE82},
  {0xE84, 0xE84}, {0xE86, 0xE8A}, {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEBD}, {0xEC0, 0xEC4},
  {0xEC6, 0xEC6}, {0xEC8, 0xECD}, {0xED0, 0xED9}, {0xEDC, 0xEDF}, {0xF00, 0xF00}, {0xF18, 0xF19},
  {0xF20, 0xF29}, {0xF35, 0xF35}, {0xF37, 0xF37}, {0xF39, 0xF39}, {0xF3E, 0xF47}, {0xF49, 0xF6C},
  {0xF71, 0xF84}, {0xF86, 0xF97}, {0xF99, 0xFBC}, {0xFC6, 0xFC6}, {0x1000, 0x1049},
  {0x1050, 0x109D}, {0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD}, {0x10D0, 0x10FA},
  {0x10FC, 0x1248}, {0x124A, 0x124D}, {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D},
  {0x1260, 0x1288}, {0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE},
  {0x12C0, 0x12C0}, {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315},
  {0x1318, 0x135A}, {0x135D, 0x135F}, {0x1369, 0x1371}, {0x1380, 0x138F}, {0x13A0, 0x13F5},
  {0x13F8, 0x13FD}, {0x1401, 0x166C}, {0x166F, 0x167F}, {0x1681, 0x169A}, {0x16A0, 0x16EA},
  {0x16EE, 0x16F8}, {0x1700, 0x1715}, {0x171F, 0x1734}, {0x1740, 0x1753}, {0x1760, 0x176C},
  {0x176E, 0x1770}, {0x1772, 0x1773}, {0x1780, 0x17D3}, {0x17D7, 0x17D7}, {0x17DC, 0x17DD},
  {0x17E0, 0x17E9}, {0x180B, 0x180D}, {0x180F, 0x1819}, {0x1820, 0x1878}, {0x1880, 0x18AA},
  {0x18B0, 0x18F5}, {0x1900, 0x191E}, {0x1920, 0x192B}, {0x1930, 0x193B}, {0x1946, 0x196D},
  {0x1970, 0x1974}, {0x1980, 0x19AB}, {0x19B0, 0x19C9}, {0x19D0, 0x19DA}, {0x1A00, 0x1A1B},
  {0x1A20, 0x1A5E}, {0x1A60, 0x1A7C}, {0x1A7F, 0x1A89}, {0x1A90, 0x1A99}, {0x1AA7, 0x1AA7},
  {0x1AB0, 0x1ABD}, {0x1ABF, 0x1ACE}, {0x1B00, 0x1B4C}, {0x1B50, 0x1B59}, {0x1B6B, 0x1B73},
  {0x1B80, 0x1BF3}, {0x1C00, 0x1C37}, {0x1C40, 0x1C49}, {0x1C4D, 0x1C7D}, {0x1C80, 0x1C88},
  {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF}, {0x1CD0, 0x1CD2}, {0x1CD4, 0x1CFA}, {0x1D00, 0x1F15},
  {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59},
  {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC},
  {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB},
  {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x203F, 0x2040}, {0x2054, 0x2054},
  {0x2071, 0x2071}, {0x207F, 0x207F}, {0x2090, 0x209C}, {0x20D0, 0x20DC}, {0x20E1, 0x20E1},
  {0x20E5, 0x20F0}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113}, {0x2115, 0x2115},
  {0x2118, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128}, {0x212A, 0x2139},
  {0x213C, 0x213F}, {0x2145, 0x2149}, {0x214E, 0x214E}, {0x2160, 0x2188}, {0x2C00, 0x2CE4},
  {0x2CEB, 0x2CF3}, {0x2D00, 0x2D25}, {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D}, {0x2D30, 0x2D67},
  {0x2D6F, 0x2D6F}, {0x2D7F, 0x2D96}, {0x2DA0, 0x2DA6}, {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6},
  {0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6}, {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE},
  {0x2DE0, 0x2DFF}, {0x3005, 0x3007}, {0x3021, 0x302F}, {0x3031, 0x3035}, {0x3038, 0x303C},
  {0x3041, 0x3096}, {0x3099, 0x309A}, {0x309D, 0x309F}, {0x30A1, 0x30FA}, {0x30FC, 0x30FF},
  {0x3105, 0x312F}, {0x3131, 0x318E}, {0x31A0, 0x31BF}, {0x31F0, 0x31FF}, {0x3400, 0x4DBF},
  {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD}, {0xA500, 0xA60C}, {0xA610, 0xA62B}, {0xA640, 0xA66F},
  {0xA674, 0xA67D}, {0xA67F, 0xA6F1}, {0xA717, 0xA71F}, {0xA722, 0xA788}, {0xA78B, 0xA7CA},
  {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3}, {0xA7D5, 0xA7D9}, {0xA7F2, 0xA827}, {0xA82C, 0xA82C},
  {0xA840, 0xA873}, {0xA880, 0xA8C5}, {0xA8D0, 0xA8D9}, {0xA8E0, 0xA8F7}, {0xA8FB, 0xA8FB},
  {0xA8FD, 0xA92D}, {0xA930, 0xA953}, {0xA960, 0xA97C}, {0xA980, 0xA9C0}, {0xA9CF, 0xA9D9},
  {0xA9E0, 0xA9FE}, {0xAA00, 0xAA36}, {0xAA40, 0xAA4D}, {0xAA50, 0xAA59}, {0xAA60, 0xAA76},
  {0xAA7A, 0xAAC2}, {0xAADB, 0xAADD}, {0xAAE0, 0xAAEF}, {0xAAF2, 0xAAF6}, {0xAB01, 0xAB06},
  {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26}, {0xAB28, 0xAB2E}, {0xAB30, 0xAB5A},
  {0xAB5C, 0xAB69}, {0xAB70, 0xABEA}, {0xABEC, 0xABED}, {0xABF0, 0xABF9}, {0xAC00, 0xD7A3},
  {0xD7B0, 0xD7C6}, {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFB00, 0xFB06},
  {0xFB13, 0xFB17}, {0xFB1D, 0xFB28}, {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C}, {0xFB3E, 0xFB3E},
  {0xFB40, 0xFB41}, {0xFB43, 0xFB44}, {0xFB46, 0xFBB1}, {0xFBD3, 0xFC5D}, {0xFC64, 0xFD3D},
  {0xFD50, 0xFD8F}, {0xFD92, 0xFDC7}, {0xFDF0, 0xFDF9}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
  {0xFE33, 0xFE34}, {0xFE4D, 0xFE4F}, {0xFE71, 0xFE71}, {0xFE73, 0xFE73}, {0xFE77, 0xFE77},
  {0xFE79, 0xFE79}, {0xFE7B, 0xFE7B}, {0xFE7D, 0xFE7D}, {0xFE7F, 0xFEFC}, {0xFF10, 0xFF19},
  {0xFF21, 0xFF3A}, {0xFF3F, 0xFF3F}, {0xFF41, 0xFF5A}, {0xFF66, 0xFFBE}, {0xFFC2, 0xFFC7},
  {0xFFCA, 0xFFCF}, {0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC}, {0x10000, 0x1000B}, {0x1000D, 0x10026},
  {0x10028, 0x1003A}, {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D},
  {0x10080, 0x100FA}, {0x10140, 0x10174}, {0x101FD, 0x101FD}, {0x10280, 0x1029C},
  {0x102A0, 0x102D0}, {0x102E0, 0x102E0}, {0x10300, 0x1031F}, {0x1032D, 0x1034A},
  {0x10350, 0x1037A}, {0x10380, 0x1039D}, {0x103A0, 0x103C3}, {0x103C8, 0x103CF},
  {0x103D1, 0x103D5}, {0x10400, 0x1049D}, {0x104A0, 0x104A9}, {0x104B0, 0x104D3},
  {0x104D8, 0x104FB}, {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A},
  {0x1057C, 0x1058A}, {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1},
  {0x105A3, 0x105B1}, {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736},
  {0x10740, 0x10755}, {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0},
  {0x107B2, 0x107BA}, {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835},
  {0x10837, 0x10838}, {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876},
  {0x10880, 0x1089E}, {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915},
  {0x10920, 0x10939}, {0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A03},
  {0x10A05, 0x10A06}, {0x10A0C, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35},
  {0x10A38, 0x10A3A}, {0x10A3F, 0x10A3F}, {0x10A60, 0x10A7C}, {0x10A80, 0x10A9C},
  {0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE6}, {0x10B00, 0x10B35}, {0x10B40, 0x10B55},
  {0x10B60, 0x10B72}, {0x10B80, 0x10B91}, {0x10C00, 0x10C48}, {0x10C80, 0x10CB2},
  {0x10CC0, 0x10CF2}, {0x10D00, 0x10D27}, {0x10D30, 0x10D39}, {0x10E80, 0x10EA9},
  {0x10EAB, 0x10EAC}, {0x10EB0, 0x10EB1}, {0x10F00, 0x10F1C}, {0x10F27, 0x10F27},
  {0x10F30, 0x10F50}, {0x10F70, 0x10F85}, {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6},
  {0x11000, 0x11046}, {0x11066, 0x11075}, {0x1107F, 0x110BA}, {0x110C2, 0x110C2},
  {0x110D0, 0x110E8}, {0x110F0, 0x110F9}, {0x11100, 0x11134}, {0x11136, 0x1113F},
  {0x11144, 0x11147}, {0x11150, 0x11173}, {0x11176, 0x11176}, {0x11180, 0x111C4},
  {0x111C9, 0x111CC}, {0x111CE, 0x111DA}, {0x111DC, 0x111DC}, {0x11200, 0x11211},
  {0x11213, 0x11237}, {0x1123E, 0x1123E}, {0x11280, 0x11286}, {0x11288, 0x11288},
  {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A8}, {0x112B0, 0x112EA},
  {0x112F0, 0x112F9}, {0x11300, 0x11303}, {0x11305, 0x1130C}, {0x1130F, 0x11310},
  {0x11313, 0x11328}, {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339},
  {0x1133B, 0x11344}, {0x11347, 0x11348}, {0x1134B, 0x1134D}, {0x11350, 0x11350},
  {0x11357, 0x11357}, {0x1135D, 0x11363}, {0x11366, 0x1136C}, {0x11370, 0x11374},
  {0x11400, 0x1144A}, {0x11450, 0x11459}, {0x1145E, 0x11461}, {0x11480, 0x114C5},
  {0x114C7, 0x114C7}, {0x114D0, 0x114D9}, {0x11580, 0x115B5}, {0x115B8, 0x115C0},
  {0x115D8, 0x115DD}, {0x11600, 0x11640}, {0x11644, 0x11644}, {0x11650, 0x11659},
  {0x11680, 0x116B8}, {0x116C0, 0x116C9}, {0x11700, 0x1171A}, {0x1171D, 0x1172B},
  {0x11730, 0x11739}, {0x11740, 0x11746}, {0x11800, 0x1183A}, {0x118A0, 0x118E9},
  {0x118FF, 0x11906}, {0x11909, 0x11909}, {0x1190C, 0x11913}, {0x11915, 0x11916},
  {0x11918, 0x11935}, {0x11937, 0x11938}, {0x1193B, 0x11943}, {0x11950, 0x11959},
  {0x119A0, 0x119A7}, {0x119AA, 0x119D7}, {0x119DA, 0x119E1}, {0x119E3, 0x119E4},
  {0x11A00, 0x11A3E}, {0x11A47, 0x11A47}, {0x11A50, 0x11A99}, {0x11A9D, 0x11A9D},
  {0x11AB0, 0x11AF8}, {0x11C00, 0x11C08}, {0x11C0A, 0x11C36}, {0x11C38, 0x11C40},
  {0x11C50, 0x11C59}, {0x11C72, 0x11C8F}, {0x11C92, 0x11CA7}, {0x11CA9, 0x11CB6},
  {0x11D00, 0x11D06}, {0x11D08, 0x11D09}, {0x11D0B, 0x11D36}, {0x11D3A, 0x11D3A},
  {0x11D3C, 0x11D3D}, {0x11D3F, 0x11D47}, {0x11D50, 0x11D59}, {0x11D60, 0x11D65},
  {0x11D67, 0x11D68}, {0x11D6A, 0x11D8E}, {0x11D90, 0x11D91}, {0x11D93, 0x11D98},
  {0x11DA0, 0x11DA9}, {0x11EE0, 0x11EF6}, {0x11FB0, 0x11FB0}, {0x12000, 0x12399},
  {0x12400, 0x1246E}, {0x12480, 0x12543}, {0x12F90, 0x12FF0}, {0x13000, 0x1342E},
  {0x14400, 0x14646}, {0x16800, 0x16A38}, {0x16A40, 0x16A5E}, {0x16A60, 0x16A69},
  {0x16A70, 0x16ABE}, {0x16AC0, 0x16AC9}, {0x16AD0, 0x16AED}, {0x16AF0, 0x16AF4},
  {0x16B00, 0x16B36}, {0x16B40, 0x16B43}, {0x16B50, 0x16B59}, {0x16B63, 0x16B77},
  {0x16B7D, 0x16B8F}, {0x16E40, 0x16E7F}, {0x16F00, 0x16F4A}, {0x16F4F, 0x16F87},
  {0x16F8F, 0x16F9F}, {0x16FE0, 0x16FE1}, {0x16FE3, 0x16FE4}, {0x16FF0, 0x16FF1},
  {0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3},
  {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B150, 0x1B152},
  {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C},
  {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99}, {0x1BC9D, 0x1BC9E}, {0x1CF00, 0x1CF2D},
  {0x1CF30, 0x1CF46}, {0x1D165, 0x1D169}, {0x1D16D, 0x1D172}, {0x1D17B, 0x1D182},
  {0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1D400, 0x1D454},
  {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6},
  {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3},
  {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C},
  {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544}, {0x1D546, 0x1D546},
  {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA},
  {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734}, {0x1D736, 0x1D74E},
  {0x1D750, 0x1D76E}, {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2},
  {0x1D7C4, 0x1D7CB}, {0x1D7CE, 0x1D7FF}, {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C},
  {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF},
  {0x1DF00, 0x1DF1E}, {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021},
  {0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E100, 0x1E12C}, {0x1E130, 0x1E13D},
  {0x1E140, 0x1E149}, {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AE}, {0x1E2C0, 0x1E2F9},
  {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE},
  {0x1E800, 0x1E8C4}, {0x1E8D0, 0x1E8D6}, {0x1E900, 0x1E94B}, {0x1E950, 0x1E959},
  {0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24},
  {0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39},
  {0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49},
  {0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54},
  {0x1EE57, 0x1EE57}, {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D},
  {0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A},
  {0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E},
  {0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9},
  {0x1EEAB, 0x1EEBB}, {0x1FBF0, 0x1FBF9}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B738},
  {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D},
  {0x30000, 0x3134A}, {0xE0100, 0xE01EF},
};

static int cp_is_id_start(uint32_t cp) {
  return in_ranges(id_start, sizeof id_start / sizeof id_start[0], cp);
}

static int cp_is_id_continue(uint32_t cp) {
  return in_ranges(id_continue, sizeof id_continue / sizeof id_continue[0], cp);
}
