/* fmt: CPython 3.11 text formatting and parsing of primitive values.
 *
 * Everything the simulated program prints goes through here, so the text
 * must match CPython byte for byte: repr()/str() of floats (shortest
 * round-trip digits), the format-spec mini-language of format() and
 * f-strings for int, float and str, repr() of str, int()/float() parsing
 * of strings and round().
 *
 * Strings are UTF-8 byte ranges (pointer + length, NUL bytes allowed).
 * Widths and precisions count code points, as CPython counts characters.
 * A byte that is not part of valid UTF-8 counts as one character and is
 * copied through unchanged. */
#ifndef LOOPVIZ_FMT_H
#define LOOPVIZ_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Result of fallible calls. When a message is produced it is CPython's
 * wording without the exception class; FMT_ERROR means CPython raises
 * ValueError, FMT_OVERFLOW means it raises OverflowError. */
typedef enum fmt_result {
  FMT_OK,       /* success */
  FMT_ERROR,    /* ValueError; message appended to the error buffer */
  FMT_OVERFLOW, /* OverflowError; message appended to the error buffer */
  FMT_NOMEM     /* allocation failed; buffers keep their previous text */
} fmt_result;

/* Growable byte buffer. data is NULL until the first append; after that it
 * is always NUL-terminated (data[len] == '\0'). fmt_buf_str() never returns
 * NULL. */
typedef struct fmt_buf {
  char *data; /* heap bytes, NUL-terminated once allocated */
  size_t len; /* bytes in use, excluding the terminating NUL */
  size_t cap; /* bytes allocated, including room for the NUL */
} fmt_buf;

void fmt_buf_init(fmt_buf *b);
void fmt_buf_free(fmt_buf *b);
/* Empties the buffer, keeping its allocation. */
void fmt_buf_clear(fmt_buf *b);
/* The text, "" for a buffer that never allocated. */
const char *fmt_buf_str(const fmt_buf *b);
/* Makes room for `extra` more bytes (plus the NUL). */
fmt_result fmt_buf_reserve(fmt_buf *b, size_t extra);
fmt_result fmt_buf_append(fmt_buf *b, const char *s, size_t n);
fmt_result fmt_buf_appends(fmt_buf *b, const char *s);
fmt_result fmt_buf_appendc(fmt_buf *b, char c);
/* Appends a code point as UTF-8 (values above 0x10FFFF are rejected with
 * FMT_ERROR, no message). */
fmt_result fmt_buf_append_cp(fmt_buf *b, uint32_t cp);
fmt_result fmt_buf_appendf(fmt_buf *b, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Number of code points in a UTF-8 range (invalid bytes count as one). */
size_t fmt_utf8_length(const char *s, size_t len);

/* ---- repr / str ------------------------------------------------------ */

/* repr(x) == str(x) for a float: '0.1', '1e+16', '1.5e-05', 'inf', 'nan',
 * '-0.0'. */
fmt_result fmt_float_repr(fmt_buf *b, double x);
/* str(n) for an int. */
fmt_result fmt_int(fmt_buf *b, int64_t n);
/* repr(s) for a str: quotes chosen as CPython does, non-printable
 * characters escaped as \xNN, \uNNNN or \UNNNNNNNN. */
fmt_result fmt_str_repr(fmt_buf *b, const char *utf8, size_t len);
/* True when CPython's str.isprintable() holds for this code point. */
bool fmt_cp_isprintable(uint32_t cp);

/* ---- format-spec mini-language ---------------------------------------- */

/* What kind of object a spec is parsed for; it decides the defaults
 * (alignment, presentation type). bool formats as FMT_KIND_INT. */
typedef enum fmt_kind {
  FMT_KIND_INT,   /* int (and bool) */
  FMT_KIND_FLOAT, /* float */
  FMT_KIND_STR    /* str */
} fmt_kind;

/* A parsed format spec: [[fill]align][sign][z][#][0][width][grouping]
 * [.precision][type]. Defaults are already resolved by fmt_spec_parse. */
typedef struct fmt_spec {
  fmt_kind kind;         /* object kind the spec was parsed for */
  const char *type_name; /* object type name used in messages ("int") */
  uint32_t fill;         /* fill code point, ' ' unless given or '0' flag */
  char align;            /* '<', '>', '^' or '=' after defaults */
  char sign;             /* '+', '-', ' ' or 0 when not given */
  bool no_neg_0;         /* 'z': coerce negative zero to positive */
  bool alternate;        /* '#': alternate form */
  int64_t width;         /* minimum width in code points, -1 if not given */
  char grouping;         /* ',', '_' or 0 */
  int64_t precision;     /* precision, -1 if not given */
  uint32_t type;         /* presentation type code point, 0 if none */
} fmt_spec;

/* Parses `spec` (UTF-8) for an object of the given kind; type_name must
 * outlive `out` (it is only used in messages). On FMT_ERROR the message
 * ("Invalid format specifier 'd.' for object of type 'int'") is appended
 * to err. */
fmt_result fmt_spec_parse(const char *spec, size_t len, fmt_kind kind,
                          const char *type_name, fmt_spec *out, fmt_buf *err);

/* format(value, spec) for a parsed spec. An empty spec string means str()
 * in CPython; callers handle that case (fmt_int, fmt_float_repr or the
 * string itself) before parsing. Output is appended to b; on FMT_ERROR or
 * FMT_OVERFLOW nothing is appended to b and the message goes to err.
 * Type 'c' of a surrogate (U+D800..U+DFFF) writes its 3-byte encoding. */
fmt_result fmt_format_int(fmt_buf *b, int64_t value, const fmt_spec *spec,
                          fmt_buf *err);
fmt_result fmt_format_float(fmt_buf *b, double value, const fmt_spec *spec,
                            fmt_buf *err);
fmt_result fmt_format_str(fmt_buf *b, const char *s, size_t len,
                          const fmt_spec *spec, fmt_buf *err);

/* ---- parsing ----------------------------------------------------------- */

typedef enum fmt_parse_result {
  FMT_PARSE_OK,       /* *out holds the value */
  FMT_PARSE_INVALID,  /* CPython raises ValueError (invalid literal) */
  FMT_PARSE_OVERFLOW, /* valid for CPython, but outside int64_t */
  FMT_PARSE_BAD_BASE  /* base not 0 and not in 2..36 */
} fmt_parse_result;

/* int(s, base): surrounding whitespace, sign, base prefixes 0x/0o/0b,
 * single underscores between digits (and right after a prefix), Unicode
 * decimal digits. */
fmt_parse_result fmt_parse_int(const char *s, size_t len, int base,
                               int64_t *out);
/* "invalid literal for int() with base 10: 'abc'" (repr cut at 200
 * characters as CPython does). For FMT_PARSE_BAD_BASE the base message. */
fmt_result fmt_parse_int_message(fmt_buf *b, fmt_parse_result r,
                                 const char *s, size_t len, int base);
/* float(s): whitespace, sign, decimal and exponent forms, underscores
 * between digits, 'inf', 'infinity', 'nan' in any case. Never overflows:
 * '1e400' gives inf. */
fmt_parse_result fmt_parse_float(const char *s, size_t len, double *out);
/* "could not convert string to float: 'x'" */
fmt_result fmt_parse_float_message(fmt_buf *b, const char *s, size_t len);

/* ---- rounding ----------------------------------------------------------- */

/* round(x, ndigits) for a float, correctly rounded (round(2.675, 2) ==
 * 2.67). FMT_OVERFLOW (message "rounded value too large to represent"
 * appended to err when err is not NULL) when the result does not fit. */
fmt_result fmt_round_double(double x, int64_t ndigits, double *out,
                            fmt_buf *err);
/* Round half to even to an integral value: round(x) without ndigits
 * (the caller converts to int and rejects inf/nan). */
double fmt_round_half_even(double x);

#endif
