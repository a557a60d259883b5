/* Unit tests for lex: Python's token stream (INDENT/DEDENT, line joining, strings,
 * numbers, operators), positions, and the tokenizer errors with CPython 3.11's
 * messages and columns (each checked against python3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, sizeof(x) - 1 /* a literal and its length (sources may hold NUL bytes) */

/* The tokens of src as text: names, numbers, strings and operators as written,
 * NL, IN, DE and EOF for NEWLINE, INDENT, DEDENT and ENDMARKER; "ERR" and the
 * message when lexing fails. The caller frees the result. */
static char *tokens(const char *src, size_t len) {
  lex_state lx;
  assert_int_equal(lex_init(&lx, "t.py", src, len, 200, 10000), LEX_OK);
  size_t cap = 4096;
  char *out = malloc(cap);
  assert_non_null(out);
  out[0] = '\0';
  for (int guard = 0; guard < 1000; guard++) {
    lex_token t;
    lex_result r = lex_next(&lx, &t);
    char piece[300];
    if (r != LEX_OK) {
      snprintf(piece, sizeof piece, "ERR %s", lx.error.message);
    } else if (t.kind == LEX_NEWLINE) {
      snprintf(piece, sizeof piece, "NL");
    } else if (t.kind == LEX_INDENT) {
      snprintf(piece, sizeof piece, "IN");
    } else if (t.kind == LEX_DEDENT) {
      snprintf(piece, sizeof piece, "DE");
    } else if (t.kind == LEX_ENDMARKER) {
      snprintf(piece, sizeof piece, "EOF");
    } else {
      snprintf(piece, sizeof piece, "%.*s", (int)t.len, t.start);
    }
    assert_true(strlen(out) + strlen(piece) + 2 < cap);
    if (out[0]) strcat(out, " ");
    strcat(out, piece);
    if (r != LEX_OK || t.kind == LEX_ENDMARKER) break;
  }
  lex_free(&lx);
  return out;
}

static void check_tokens(const char *src, size_t len, const char *expected) {
  char *got = tokens(src, len);
  if (strcmp(got, expected) != 0) {
    print_error("source:   %s\nexpected: %s\ngot:      %s\n", src, expected, got);
    free(got);
    fail();
  }
  free(got);
}

#define CHECK_TOKENS(src, expected) check_tokens(S(src), expected)

/* Lexes src up to the first error and checks it. */
static void check_lex_error(const char *src, size_t len, diag_kind kind, int hard, const char *msg,
                            int line, int col) {
  lex_state lx;
  assert_int_equal(lex_init(&lx, "t.py", src, len, 200, 10000), LEX_OK);
  lex_token t;
  lex_result r = LEX_OK;
  for (int guard = 0; guard < 1000 && r == LEX_OK; guard++) {
    r = lex_next(&lx, &t);
    if (r == LEX_OK && t.kind == LEX_ENDMARKER) break;
  }
  if (r != LEX_ERROR || lx.error.kind != kind || lx.error.hard != hard ||
      strcmp(lx.error.message, msg) != 0 || lx.error.line != line || lx.error.col != col) {
    print_error("source:   %s\nexpected: %d/%d %s at %d:%d\ngot:      %d/%d %s at %d:%d (%d)\n", src,
                (int)kind, hard, msg, line, col, (int)lx.error.kind, lx.error.hard,
                lx.error.message, lx.error.line, lx.error.col, (int)r);
    lex_free(&lx);
    fail();
  }
  /* the error sticks */
  assert_int_equal(lex_next(&lx, &t), LEX_ERROR);
  lex_free(&lx);
}

#define CHECK_ERROR(src, kind, hard, msg, line, col) check_lex_error(S(src), kind, hard, msg, line, col)

/* ------------------------------------------------------------------------------------------ */

static void test_indentation(void **state) {
  (void)state;
  CHECK_TOKENS("if x:\n    y = 1\n", "if x : NL IN y = 1 NL DE EOF");
  /* several levels closed at once, and at the end of a file without a final newline */
  CHECK_TOKENS("if a:\n  if b:\n    c\nd\n", "if a : NL IN if b : NL IN c NL DE DE d NL EOF");
  CHECK_TOKENS("if a:\n  if b:\n    c", "if a : NL IN if b : NL IN c NL DE DE EOF");
  /* blank lines and comments at any indentation do not count */
  CHECK_TOKENS("if a:\n\n    # c\n  # d\n    b\n\n# e\nc\n", "if a : NL IN b NL DE c NL EOF");
  /* tabs go to multiples of 8, consistently */
  CHECK_TOKENS("if a:\n\tb\n\tif c:\n\t\td\n", "if a : NL IN b NL if c : NL IN d NL DE DE EOF");
  CHECK_TOKENS("if a:\n        b\n        c\n", "if a : NL IN b NL c NL DE EOF");
  /* nothing at all, or only blanks */
  CHECK_TOKENS("", "EOF");
  CHECK_TOKENS("\n\n   \n# x", "EOF");
  CHECK_TOKENS("x", "x NL EOF");
}

static void test_line_joining(void **state) {
  (void)state;
  /* inside brackets: no NEWLINE, no INDENT */
  CHECK_TOKENS("x = (1,\n        2,\n  3)\ny\n", "x = ( 1 , 2 , 3 ) NL y NL EOF");
  CHECK_TOKENS("f(a,\n# comment\n\n  b)\n", "f ( a , b ) NL EOF");
  /* backslash continuation: the next line's indentation is not measured */
  CHECK_TOKENS("x = 1 + \\\n        2\ny\n", "x = 1 + 2 NL y NL EOF");
  CHECK_TOKENS("if a:\n    x = \\\n1\n    y\n", "if a : NL IN x = 1 NL y NL DE EOF");
  /* \r\n and \r are newlines */
  CHECK_TOKENS("a\r\nb\rc\r\n", "a NL b NL c NL EOF");
  /* a UTF-8 byte order mark is skipped */
  CHECK_TOKENS("\xef\xbb\xbfx = 1\n", "x = 1 NL EOF");
  /* semicolons and comments */
  CHECK_TOKENS("a; b # c\n", "a ; b NL EOF");
}

static void test_positions(void **state) {
  (void)state;
  lex_state lx;
  static const char src[] = "\xc3\xa9t\xc3\xa9 = 'd\xc3\xa9j\xc3\xa0'  # c\n\tx\n";
  assert_int_equal(lex_init(&lx, "t.py", src, sizeof src - 1, 200, 10000), LEX_OK);
  lex_token t;
  /* columns count characters */
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_NAME);
  assert_int_equal(t.len, 5);
  assert_int_equal(t.col, 1);
  assert_int_equal(t.end_col, 4);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_EQUAL);
  assert_int_equal(t.col, 5);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_STRING);
  assert_int_equal(t.col, 7);
  assert_int_equal(t.end_col, 13);
  /* the NEWLINE after a comment starts at the comment, as in CPython */
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_NEWLINE);
  assert_int_equal(t.line, 1);
  assert_int_equal(t.col, 15);
  assert_int_equal(t.end_col, 18);
  /* a tab is one column */
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_INDENT);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_NAME);
  assert_int_equal(t.line, 2);
  assert_int_equal(t.col, 2);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_NEWLINE);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_DEDENT);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_ENDMARKER);
  assert_int_equal(t.line, 2);
  /* ENDMARKER again and again */
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_ENDMARKER);
  lex_free(&lx);

  /* a triple-quoted string spans lines */
  assert_int_equal(lex_init(&lx, "t.py", S("x = '''a\nbc''' + 1\n"), 200, 10000), LEX_OK);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_STRING);
  assert_int_equal(t.line, 1);
  assert_int_equal(t.col, 5);
  assert_int_equal(t.end_line, 2);
  assert_int_equal(t.end_col, 6);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_PLUS);
  assert_int_equal(t.line, 2);
  assert_int_equal(t.col, 7);
  lex_free(&lx);
}

static void test_strings(void **state) {
  (void)state;
  typedef struct string_case {
    const char *src; /* one string literal */
    int prefix_len;  /* expected prefix length */
    int quote_len;   /* 1 or 3 */
    int raw, f, b;   /* expected flags */
  } string_case;
  static const string_case cases[] = {
      {"'a'", 0, 1, 0, 0, 0},        {"\"a\"", 0, 1, 0, 0, 0},     {"''", 0, 1, 0, 0, 0},
      {"''''''", 0, 3, 0, 0, 0},     {"'''a'b''c'''", 0, 3, 0, 0, 0}, {"\"\"\"x\n\"\"\"", 0, 3, 0, 0, 0},
      {"r'\\\\'", 1, 1, 1, 0, 0},      {"f'{x}'", 1, 1, 0, 1, 0},    {"rf'a'", 2, 1, 1, 1, 0},
      {"Fr'a'", 2, 1, 1, 1, 0},      {"b'a'", 1, 1, 0, 0, 1},      {"bR'a'", 2, 1, 1, 0, 1},
      {"u'a'", 1, 1, 0, 0, 0},       {"'a\\'b'", 0, 1, 0, 0, 0},   {"'a\\\nb'", 0, 1, 0, 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    lex_state lx;
    assert_int_equal(lex_init(&lx, "t.py", cases[i].src, strlen(cases[i].src), 200, 10000), LEX_OK);
    lex_token t;
    assert_int_equal(lex_next(&lx, &t), LEX_OK);
    assert_int_equal(t.kind, LEX_STRING);
    assert_int_equal(t.len, strlen(cases[i].src));
    assert_int_equal(t.str.prefix_len, cases[i].prefix_len);
    assert_int_equal(t.str.quote_len, cases[i].quote_len);
    assert_int_equal(t.str.is_raw, cases[i].raw);
    assert_int_equal(t.str.is_f, cases[i].f);
    assert_int_equal(t.str.is_bytes, cases[i].b);
    lex_free(&lx);
  }
  /* "ur" and "bf" are not prefixes: a name, then a string */
  CHECK_TOKENS("ur'a'\n", "ur 'a' NL EOF");
  CHECK_TOKENS("bf'a'\n", "bf 'a' NL EOF");
  CHECK_TOKENS("'a' \"b\" f'c'\n", "'a' \"b\" f'c' NL EOF");
}

static void test_numbers(void **state) {
  (void)state;
  typedef struct number_case {
    const char *src;   /* the literal */
    lex_num_kind kind; /* expected kind */
    int64_t ivalue;    /* expected int value */
    int overflow;      /* expected overflow flag */
    double fvalue;     /* expected float value */
  } number_case;
  static const number_case cases[] = {
      {"0", LEX_NUM_INT, 0, 0, 0},
      {"00", LEX_NUM_INT, 0, 0, 0},
      {"0_0", LEX_NUM_INT, 0, 0, 0},
      {"123", LEX_NUM_INT, 123, 0, 0},
      {"1_000_000", LEX_NUM_INT, 1000000, 0, 0},
      {"0x_fF", LEX_NUM_INT, 255, 0, 0},
      {"0o17", LEX_NUM_INT, 15, 0, 0},
      {"0B1_01", LEX_NUM_INT, 5, 0, 0},
      {"9223372036854775807", LEX_NUM_INT, INT64_MAX, 0, 0},
      {"9223372036854775808", LEX_NUM_INT, 0, 1, 0},
      {"0xffffffffffffffff", LEX_NUM_INT, 0, 1, 0},
      {"1.5", LEX_NUM_FLOAT, 0, 0, 1.5},
      {"1.", LEX_NUM_FLOAT, 0, 0, 1.0},
      {".5", LEX_NUM_FLOAT, 0, 0, 0.5},
      {"1e3", LEX_NUM_FLOAT, 0, 0, 1000.0},
      {"1E-3", LEX_NUM_FLOAT, 0, 0, 0.001},
      {"1_0.2_5e+0_1", LEX_NUM_FLOAT, 0, 0, 102.5},
      {"007.5", LEX_NUM_FLOAT, 0, 0, 7.5},
      {"0e0", LEX_NUM_FLOAT, 0, 0, 0.0},
      {"1e400", LEX_NUM_FLOAT, 0, 0, HUGE_VAL},
      {"2j", LEX_NUM_IMAG, 0, 0, 2.0},
      {"1.5J", LEX_NUM_IMAG, 0, 0, 1.5},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    lex_state lx;
    assert_int_equal(lex_init(&lx, "t.py", cases[i].src, strlen(cases[i].src), 200, 10000), LEX_OK);
    lex_token t;
    assert_int_equal(lex_next(&lx, &t), LEX_OK);
    if (t.kind != LEX_NUMBER || t.len != strlen(cases[i].src) || t.num.kind != cases[i].kind) {
      print_error("%s: kind %d len %zu numkind %d\n", cases[i].src, (int)t.kind, t.len,
                  (int)t.num.kind);
      fail();
    }
    if (cases[i].kind == LEX_NUM_INT) {
      assert_int_equal(t.num.overflow, cases[i].overflow);
      if (!cases[i].overflow) assert_true(t.num.ivalue == cases[i].ivalue);
    } else {
      assert_true(t.num.fvalue == cases[i].fvalue);
    }
    lex_free(&lx);
  }
  /* keywords may follow a number directly, as in CPython */
  CHECK_TOKENS("1if x else 2\n", "1 if x else 2 NL EOF");
  CHECK_TOKENS("0x1for\n", "0x1f or NL EOF");
  CHECK_TOKENS("1.2.3\n", "1.2 .3 NL EOF");
  CHECK_TOKENS("1_0or 2\n", "1_0 or 2 NL EOF");
}

static void test_operators_and_keywords(void **state) {
  (void)state;
  CHECK_TOKENS("a+=b-=c*=d/=e//=f%=g**=h@=i|=j&=k^=l<<=m>>=n\n",
               "a += b -= c *= d /= e //= f %= g **= h @= i |= j &= k ^= l <<= m >>= n NL EOF");
  CHECK_TOKENS("a->b:=c**d//e<<f>>g<=h>=i==j!=k<l>m~n^o|p&q@r%s\n",
               "a -> b := c ** d // e << f >> g <= h >= i == j != k < l > m ~ n ^ o | p & q @ r % s "
               "NL EOF");
  CHECK_TOKENS("x[...]..y\n", "x [ ... ] . . y NL EOF");
  CHECK_TOKENS("a $ b ? c ! d\n", "a $ b ? c ! d NL EOF");
  /* keywords are their own kinds; the soft keywords are names */
  lex_state lx;
  static const char src[] = "async await lambda None match case _ nonlocal";
  static const lex_kind expected[] = {LEX_KW_ASYNC, LEX_KW_AWAIT, LEX_KW_LAMBDA, LEX_KW_NONE,
                                      LEX_NAME,     LEX_NAME,     LEX_NAME,      LEX_KW_NONLOCAL};
  assert_int_equal(lex_init(&lx, "t.py", S(src), 200, 10000), LEX_OK);
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
    lex_token t;
    assert_int_equal(lex_next(&lx, &t), LEX_OK);
    assert_int_equal(t.kind, expected[i]);
  }
  lex_free(&lx);
  /* every keyword, and names that begin, extend or sort between them */
  static const char all[] = "False None True and as assert async await break class continue def "
                            "del elif else except finally for from global if import in is lambda "
                            "nonlocal not or pass raise return try while with yield "
                            "F Falsey Nonez a an asyncio awai z yields i isx A _ Truth nonlocals";
  assert_int_equal(lex_init(&lx, "t.py", S(all), 200, 10000), LEX_OK);
  for (int i = 0;; i++) {
    lex_token t;
    assert_int_equal(lex_next(&lx, &t), LEX_OK);
    if (t.kind == LEX_NEWLINE || t.kind == LEX_ENDMARKER)
      break;
    char word[16];
    snprintf(word, sizeof word, "%.*s", (int)t.len, t.start);
    if (i < 35)
      assert_string_equal(lex_kind_name(t.kind), word);
    else
      assert_int_equal(t.kind, LEX_NAME);
  }
  lex_free(&lx);
  /* an identifier that goes on past ASCII, and one that ends at the end of the source */
  CHECK_TOKENS("ab\xce\xb1" "cd x", "ab\xce\xb1" "cd x NL EOF");
  assert_string_equal(lex_kind_name(LEX_KW_LAMBDA), "lambda");
  assert_string_equal(lex_kind_name(LEX_DOUBLESTAREQUAL), "**=");
  assert_string_equal(lex_kind_name(LEX_ELLIPSIS), "...");
  assert_string_equal(lex_kind_name(LEX_NEWLINE), "newline");
  /* identifiers in other scripts */
  CHECK_TOKENS("\xce\xb1\xce\xb2 = \xe6\x97\xa5\xe6\x9c\xac\n", "\xce\xb1\xce\xb2 = \xe6\x97\xa5\xe6\x9c\xac NL EOF");
}

static void test_errors(void **state) {
  (void)state;
  /* indentation */
  CHECK_ERROR("if x:\n        y\n\tz\n", DIAG_TAB, 0, "inconsistent use of tabs and spaces in indentation",
              3, 1);
  CHECK_ERROR("if x:\n\ty\n        z\n", DIAG_TAB, 0, "inconsistent use of tabs and spaces in indentation",
              3, 1);
  CHECK_ERROR("def f():\n  x\n y\n", DIAG_INDENTATION, 0,
              "unindent does not match any outer indentation level", 3, 3);
  CHECK_ERROR("if x:\n    y = 1\n  z = 2\n", DIAG_INDENTATION, 0,
              "unindent does not match any outer indentation level", 3, 8);
  /* strings */
  CHECK_ERROR("x = \"abc\n", DIAG_SYNTAX, 1, "unterminated string literal (detected at line 1)", 1, 5);
  CHECK_ERROR("x = f'abc\\\ndef\n", DIAG_SYNTAX, 1, "unterminated string literal (detected at line 2)",
              1, 5);
  CHECK_ERROR("x = \"\"\"abc", DIAG_SYNTAX, 1,
              "unterminated triple-quoted string literal (detected at line 1)", 1, 5);
  CHECK_ERROR("x = '''abc\n\n", DIAG_SYNTAX, 1,
              "unterminated triple-quoted string literal (detected at line 2)", 1, 5);
  /* numbers */
  CHECK_ERROR("x = 1a\n", DIAG_SYNTAX, 1, "invalid decimal literal", 1, 5);
  CHECK_ERROR("x = 1_\n", DIAG_SYNTAX, 1, "invalid decimal literal", 1, 6);
  CHECK_ERROR("x = 1__0\n", DIAG_SYNTAX, 1, "invalid decimal literal", 1, 6);
  CHECK_ERROR("x = 1e\n", DIAG_SYNTAX, 1, "invalid decimal literal", 1, 5);
  CHECK_ERROR("x = 1.5e\n", DIAG_SYNTAX, 1, "invalid decimal literal", 1, 7);
  CHECK_ERROR("x = 1e+\n", DIAG_SYNTAX, 1, "invalid decimal literal", 1, 7);
  CHECK_ERROR("x = 0x\n", DIAG_SYNTAX, 1, "invalid hexadecimal literal", 1, 6);
  CHECK_ERROR("x = 0x1g\n", DIAG_SYNTAX, 1, "invalid hexadecimal literal", 1, 7);
  CHECK_ERROR("x = 0o\n", DIAG_SYNTAX, 1, "invalid octal literal", 1, 6);
  CHECK_ERROR("x = 0o19\n", DIAG_SYNTAX, 1, "invalid digit '9' in octal literal", 1, 8);
  CHECK_ERROR("x = 0b\n", DIAG_SYNTAX, 1, "invalid binary literal", 1, 6);
  CHECK_ERROR("x = 0b1_2\n", DIAG_SYNTAX, 1, "invalid digit '2' in binary literal", 1, 9);
  CHECK_ERROR("x = 1jx\n", DIAG_SYNTAX, 1, "invalid imaginary literal", 1, 6);
  CHECK_ERROR("x = 09\n", DIAG_SYNTAX, 1,
              "leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
              "octal integers",
              1, 5);
  /* characters */
  CHECK_ERROR("x = \xe2\x82\xac\n", DIAG_SYNTAX, 1, "invalid character '\xe2\x82\xac' (U+20AC)", 1, 5);
  CHECK_ERROR("x\xe2\x82\xac = 1\n", DIAG_SYNTAX, 1, "invalid character '\xe2\x82\xac' (U+20AC)", 1, 2);
  CHECK_ERROR("x = a\xc2\xa0" "b\n", DIAG_SYNTAX, 1, "invalid non-printable character U+00A0", 1, 6);
  CHECK_ERROR("x = \x01\n", DIAG_SYNTAX, 1, "invalid non-printable character U+0001", 1, 5);
  CHECK_ERROR("x = 1 \\ 2\n", DIAG_SYNTAX, 0, "unexpected character after line continuation character",
              1, 8);
  CHECK_ERROR("x = 1 + \\\n", DIAG_SYNTAX, 0, "unexpected EOF while parsing", 1, 10);
  /* brackets */
  CHECK_ERROR("x = )\n", DIAG_SYNTAX, 1, "unmatched ')'", 1, 5);
  CHECK_ERROR("x = (1, 2]\n", DIAG_SYNTAX, 1,
              "closing parenthesis ']' does not match opening parenthesis '('", 1, 10);
  CHECK_ERROR("x = {1,\n  2)\n", DIAG_SYNTAX, 1,
              "closing parenthesis ')' does not match opening parenthesis '{' on line 1", 2, 4);
  CHECK_ERROR("x = (1,\n", DIAG_SYNTAX, 0, "'(' was never closed", 1, 5);
  /* bytes CPython refuses, line by line as it reads them */
  CHECK_ERROR("x = 1\ny = 'a\x00'\n", DIAG_SYNTAX, 1, "source code cannot contain null bytes", 2, 1);
  CHECK_ERROR("x = 1\ny = '\xff'\n", DIAG_SYNTAX, 1,
              "Non-UTF-8 code starting with '\\xff' in file t.py on line 2, but no encoding declared; "
              "see https://peps.python.org/pep-0263/ for details",
              2, 6);
  CHECK_ERROR("'\xed\xa0\x80'\n", DIAG_SYNTAX, 1,
              "Non-UTF-8 code starting with '\\xed' in file t.py on line 1, but no encoding declared; "
              "see https://peps.python.org/pep-0263/ for details",
              1, 2);
  /* a declared encoding other than UTF-8 is refused once a non-ASCII byte shows up */
  CHECK_ERROR("# -*- coding: latin-1 -*-\nx = '\xe9'\n", DIAG_UNSUPPORTED, 0,
              "source encodings other than UTF-8 are not supported in scenarios (coding: latin-1)", 2,
              6);
  CHECK_TOKENS("# -*- coding: latin-1 -*-\nx = 'e'\n", "x = 'e' NL EOF");
  CHECK_TOKENS("#!/usr/bin/env python3\n# coding: utf-8\nx = '\xc3\xa9'\n", "x = '\xc3\xa9' NL EOF");
  CHECK_TOKENS("x = 1\n# coding: latin-1\ny = '\xc3\xa9'\n", "x = 1 NL y = '\xc3\xa9' NL EOF");
  /* an error on a line comes only when the lexer reaches that line */
  check_tokens(S("a\nb = (\n\xff"), "a NL b = ( ERR Non-UTF-8 code starting with '\\xff' in file "
                                    "t.py on line 3, but no encoding declared; see "
                                    "https://peps.python.org/pep-0263/ for details");
}

static void test_limits(void **state) {
  (void)state;
  lex_state lx;
  lex_token t;
  /* brackets */
  assert_int_equal(lex_init(&lx, "t.py", S("((((x))))"), 3, 0), LEX_OK);
  for (int i = 0; i < 3; i++) assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(lex_next(&lx, &t), LEX_ERROR);
  assert_int_equal(lx.error.kind, DIAG_LIMIT);
  assert_string_equal(lx.error.message, "too many nested parentheses");
  assert_int_equal(lx.error.col, 4);
  lex_free(&lx);
  /* indentation levels */
  assert_int_equal(lex_init(&lx, "t.py", S("a\n b\n  c\n   d\n"), 2, 0), LEX_OK);
  lex_result r;
  do {
    r = lex_next(&lx, &t);
  } while (r == LEX_OK && t.kind != LEX_ENDMARKER);
  assert_int_equal(r, LEX_ERROR);
  assert_int_equal(lx.error.kind, DIAG_LIMIT);
  assert_string_equal(lx.error.message, "too many levels of indentation");
  assert_int_equal(lx.error.line, 4);
  lex_free(&lx);
  /* line length */
  assert_int_equal(lex_init(&lx, "t.py", S("ab\nabcdef\n"), 200, 5), LEX_OK);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(lex_next(&lx, &t), LEX_ERROR);
  assert_int_equal(lx.error.kind, DIAG_LIMIT);
  assert_string_equal(lx.error.message, "line 2 exceeds the 5-byte limit (--max-line-length)");
  assert_int_equal(lx.error.line, 2);
  lex_free(&lx);
}

static void test_expression_mode(void **state) {
  (void)state;
  /* an f-string field "a +\n b" found at line 3, column 11 of a buffer */
  static const char buf[] = "x\ny\nzz = f'''{a +\n b}'''\n";
  const char *line_start = strstr(buf, "zz");
  const char *expr = strstr(buf, "a +");
  lex_state lx;
  assert_int_equal(lex_init_expr(&lx, "t.py", expr, 6, 3, line_start, 200), LEX_OK);
  lex_token t;
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_NAME);
  assert_int_equal(t.line, 3);
  assert_int_equal(t.col, 11);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_PLUS);
  assert_int_equal(lex_next(&lx, &t), LEX_OK); /* the newline is only a space here */
  assert_int_equal(t.kind, LEX_NAME);
  assert_int_equal(t.line, 4);
  assert_int_equal(t.col, 2);
  assert_int_equal(lex_next(&lx, &t), LEX_OK);
  assert_int_equal(t.kind, LEX_ENDMARKER);
  lex_free(&lx);
}

static void test_utf8_decode(void **state) {
  (void)state;
  uint32_t cp = 0;
  assert_int_equal(lex_utf8_decode("A", 1, &cp), 1);
  assert_int_equal(cp, 'A');
  assert_int_equal(lex_utf8_decode("\xc3\xa9", 2, &cp), 2);
  assert_int_equal(cp, 0xE9);
  assert_int_equal(lex_utf8_decode("\xe2\x82\xac", 3, &cp), 3);
  assert_int_equal(cp, 0x20AC);
  assert_int_equal(lex_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
  assert_int_equal(cp, 0x1F600);
  assert_int_equal(lex_utf8_decode("\xc0\xaf", 2, &cp), 0);         /* overlong */
  assert_int_equal(lex_utf8_decode("\xe0\x80\xaf", 3, &cp), 0);     /* overlong */
  assert_int_equal(lex_utf8_decode("\xed\xa0\x80", 3, &cp), 0);     /* surrogate */
  assert_int_equal(lex_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0); /* past U+10FFFF */
  assert_int_equal(lex_utf8_decode("\xe2\x82", 2, &cp), 0);         /* truncated */
  assert_int_equal(lex_utf8_decode("\x80", 1, &cp), 0);             /* continuation byte */
  assert_int_equal(lex_utf8_decode("", 0, &cp), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_indentation),
      cmocka_unit_test(test_line_joining),
      cmocka_unit_test(test_positions),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_operators_and_keywords),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_expression_mode),
      cmocka_unit_test(test_utf8_decode),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
