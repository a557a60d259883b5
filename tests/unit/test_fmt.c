/* Unit tests for fmt. Every expected string below was produced by running
 * CPython 3.11 (repr(), format(), int(), float(), round()). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"

struct repr_case {
  double x;             /* value */
  const char *expected; /* repr(value) */
};

struct int_case {
  const char *spec;     /* format spec (UTF-8) */
  size_t spec_len;      /* bytes in spec (it may hold a NUL) */
  int64_t value;        /* int to format */
  fmt_result result;    /* FMT_OK, FMT_ERROR (ValueError) or FMT_OVERFLOW */
  const char *expected; /* format(value, spec) or the error message */
};

struct float_case {
  const char *spec;     /* format spec (UTF-8) */
  size_t spec_len;      /* bytes in spec */
  double value;         /* float to format */
  fmt_result result;    /* expected result */
  const char *expected; /* format(value, spec) or the error message */
};

struct str_case {
  const char *spec;     /* format spec (UTF-8) */
  size_t spec_len;      /* bytes in spec */
  const char *value;    /* str to format (UTF-8) */
  size_t value_len;     /* bytes in value */
  fmt_result result;    /* expected result */
  const char *expected; /* format(value, spec) or the error message */
};

struct repr_str_case {
  const char *s;        /* str (UTF-8) */
  size_t len;           /* bytes in s */
  const char *expected; /* repr(s) */
};

struct parse_int_case {
  const char *s;          /* text given to int() */
  size_t len;             /* bytes in s */
  int base;               /* base argument */
  fmt_parse_result result; /* expected result */
  int64_t value;          /* value when FMT_PARSE_OK */
  const char *message;    /* ValueError message when invalid */
};

struct parse_float_case {
  const char *s;           /* text given to float() */
  size_t len;              /* bytes in s */
  fmt_parse_result result; /* expected result */
  double value;            /* value when FMT_PARSE_OK */
  const char *message;     /* ValueError message when invalid */
};

struct round_case {
  double x;            /* value */
  int ndigits;         /* ndigits argument */
  fmt_result result;   /* FMT_OK or FMT_OVERFLOW */
  double expected;     /* round(x, ndigits) */
  const char *message; /* OverflowError message */
};

struct half_even_case {
  double x;        /* value */
  double expected; /* float(round(x)) */
};

static const struct repr_case repr_cases[] = {
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {0x1.0000000000000p+0, "1.0"},
    {-0x1.0000000000000p+0, "-1.0"},
    {0x1.999999999999ap-4, "0.1"},
    {0x1.3333333333334p-2, "0.30000000000000004"},
    {0x1.5555555555555p-2, "0.3333333333333333"},
    {0x1.5555555555555p-1, "0.6666666666666666"},
    {0x1.1c37937e08000p+53, "1e+16"},
    {0x1.c6bf526340000p+49, "1000000000000000.0"},
    {0x1.1c37937e07fffp+53, "9999999999999998.0"},
    {0x1.b69b4ba630f35p+56, "1.2345678901234568e+17"},
    {0x1.a36e2eb1c432dp-14, "0.0001"},
    {0x1.4f8b588e368f1p-17, "1e-05"},
    {0x1.3a92a30553261p-13, "0.00015"},
    {0x1.f75104d551d69p-17, "1.5e-05"},
    {0x1.ac53a7e04bcd9p+66, "1.2345678901234567e+20"},
    {0x0.0000000000001p-1022, "5e-324"},
    {0x1.0000000000000p-1022, "2.2250738585072014e-308"},
    {0x1.fffffffffffffp+1023, "1.7976931348623157e+308"},
    {INFINITY, "inf"},
    {-INFINITY, "-inf"},
    {NAN, "nan"},
    {0x1.0000000000000p+53, "9007199254740992.0"},
    {0x1.0000000000000p+63, "9.223372036854776e+18"},
    {0x1.0000000000000p-1017, "7.120236347223045e-307"},
    {0x1.0000000000000p-1007, "7.291122019556398e-304"},
    {0x1.0000000000000p-957, "8.209073602596753e-289"},
    {0x1.9000000000000p+6, "100.0"},
    {0x1.34a0000000000p+10, "1234.5"},
    {0x1.921f9f01b866ep+1, "3.14159"},
    {0x1.0f0cf064dd592p+73, "1e+22"},
    {0x1.52d02c7e14af6p+76, "1e+23"},
    {0x1.0000000000000p-1, "0.5"},
    {0x1.5666666666666p+1, "2.675"},
    {0x1.edd2f1a9fbe77p+6, "123.456"},
    {0x1.249ad2594c37dp+332, "1e+100"},
    {-0x1.bff2ee48e0530p-333, "-1e-100"},
    {0x1.1666666666666p+2, "4.35"},
    {0x1.3333333333333p-2, "0.3"},
    {0x1.0000000000000p+53, "9007199254740992.0"},
    {0x1.199999999999ap+0, "1.1"},
    {0x1.1de784a000000p+28, "299792458.0"},
};

static const struct int_case int_cases[] = {
    {"d", 1, 42, FMT_OK, "42"},
    {"5d", 2, 42, FMT_OK, "   42"},
    {"<5d", 3, 42, FMT_OK, "42   "},
    {"^5d", 3, 42, FMT_OK, " 42  "},
    {"=+6d", 4, 42, FMT_OK, "+   42"},
    {"05d", 3, -42, FMT_OK, "-0042"},
    {"+d", 2, 0, FMT_OK, "+0"},
    {" d", 2, 7, FMT_OK, " 7"},
    {"-d", 2, -7, FMT_OK, "-7"},
    {"*^9", 3, 1234, FMT_OK, "**1234***"},
    {",", 1, 1234567, FMT_OK, "1,234,567"},
    {"_", 1, 1234567, FMT_OK, "1_234_567"},
    {",d", 2, -1234567890, FMT_OK, "-1,234,567,890"},
    {"010,", 4, 1234, FMT_OK, "00,001,234"},
    {"08,", 3, 1234, FMT_OK, "0,001,234"},
    {"012_", 4, -98765, FMT_OK, "-000_098_765"},
    {"0=12,", 5, 5, FMT_OK, "0,000,000,005"},
    {"x", 1, 255, FMT_OK, "ff"},
    {"#x", 2, 255, FMT_OK, "0xff"},
    {"X", 1, 255, FMT_OK, "FF"},
    {"#X", 2, 255, FMT_OK, "0XFF"},
    {"#o", 2, 8, FMT_OK, "0o10"},
    {"o", 1, -8, FMT_OK, "-10"},
    {"b", 1, 5, FMT_OK, "101"},
    {"#b", 2, -5, FMT_OK, "-0b101"},
    {"#010b", 5, 5, FMT_OK, "0b00000101"},
    {"_b", 2, 255, FMT_OK, "1111_1111"},
    {"#_x", 3, 3735928559LL, FMT_OK, "0xdead_beef"},
    {"_o", 2, 4095, FMT_OK, "7777"},
    {"08_x", 4, 703710, FMT_OK, "00a_bcde"},
    {"c", 1, 65, FMT_OK, "A"},
    {"c", 1, 9786, FMT_OK, "\342\230\272"},
    {">3c", 3, 233, FMT_OK, "  \303\251"},
    {"^5c", 3, 128512, FMT_OK, "  \360\237\230\200  "},
    {"n", 1, 1234567, FMT_OK, "1234567"},
    {"010n", 4, -1234, FMT_OK, "-000001234"},
    {"e", 1, 5, FMT_OK, "5.000000e+00"},
    {".2f", 3, 5, FMT_OK, "5.00"},
    {"%", 1, 5, FMT_OK, "500.000000%"},
    {".1%", 3, -3, FMT_OK, "-300.0%"},
    {"g", 1, 123456789, FMT_OK, "1.23457e+08"},
    {"G", 1, 100000000000000000LL, FMT_OK, "1E+17"},
    {"f", 1, 9223372036854775807LL, FMT_OK, "9223372036854775808.000000"},
    {"", 0, 17, FMT_OK, "17"},
    {">", 1, -3, FMT_OK, "-3"},
    {"d", 1, -INT64_MAX - 1, FMT_OK, "-9223372036854775808"},
    {"#x", 2, -INT64_MAX - 1, FMT_OK, "-0x8000000000000000"},
    {"b", 1, 9223372036854775807LL, FMT_OK, "111111111111111111111111111111111111111111111111111111111111111"},
    {",", 1, -INT64_MAX - 1, FMT_OK, "-9,223,372,036,854,775,808"},
    {"\342\230\205>7", 5, 12, FMT_OK, "\342\230\205\342\230\205\342\230\205\342\230\205\342\230\20512"},
    {"\303\251^8,", 5, 12345, FMT_OK, "\303\25112,345\303\251"},
    {"0<6", 3, 7, FMT_OK, "700000"},
    {"0>6", 3, -7, FMT_OK, "0000-7"},
    {"0^7", 3, 7, FMT_OK, "0007000"},
    {"+#x", 3, 255, FMT_OK, "+0xff"},
    {" #o", 3, -8, FMT_OK, "-0o10"},
    {"z5d", 3, -1, FMT_ERROR, "Negative zero coercion (z) not allowed in integer format specifier"},
    {".3d", 3, 5, FMT_ERROR, "Precision not allowed in integer format specifier"},
    {"q", 1, 5, FMT_ERROR, "Unknown format code 'q' for object of type 'int'"},
    {"s", 1, 5, FMT_ERROR, "Unknown format code 's' for object of type 'int'"},
    {"+c", 2, 65, FMT_ERROR, "Sign not allowed with integer format specifier 'c'"},
    {"#c", 2, 65, FMT_ERROR, "Alternate form (#) not allowed with integer format specifier 'c'"},
    {"c", 1, -1, FMT_OVERFLOW, "%c arg not in range(0x110000)"},
    {"c", 1, 1114112, FMT_OVERFLOW, "%c arg not in range(0x110000)"},
    {",c", 2, 65, FMT_ERROR, "Cannot specify ',' with 'c'."},
    {",x", 2, 255, FMT_ERROR, "Cannot specify ',' with 'x'."},
    {",b", 2, 1, FMT_ERROR, "Cannot specify ',' with 'b'."},
    {"_n", 2, 1, FMT_ERROR, "Cannot specify '_' with 'n'."},
    {"\000", 1, 5, FMT_ERROR, "Unknown format code '\\x0' for object of type 'int'"},
    {"dd", 2, 5, FMT_ERROR, "Invalid format specifier 'dd' for object of type 'int'"},
    {"5,,d", 4, 5, FMT_ERROR, "Invalid format specifier '5,,d' for object of type 'int'"},
    {",_d", 3, 5, FMT_ERROR, "Cannot specify both ',' and '_'."},
    {"_,d", 3, 5, FMT_ERROR, "Cannot specify both ',' and '_'."},
    {".d", 2, 5, FMT_ERROR, "Format specifier missing precision"},
    {"99999999999999999999d", 21, 1, FMT_ERROR, "Too many decimal digits in format string"},
    {".99999999999999999999f", 22, 1, FMT_ERROR, "Too many decimal digits in format string"},
    {"\303\251", 2, 5, FMT_ERROR, "Unknown format code '\\xe9' for object of type 'int'"},
    {" ", 1, 5, FMT_OK, " 5"},
    {"\331\243d", 3, 5, FMT_OK, "  5"},
    {"1\331\240d", 4, 5, FMT_OK, "         5"},
    {"z.2f", 4, 0, FMT_OK, "0.00"},
    {".3", 2, 5, FMT_ERROR, "Precision not allowed in integer format specifier"},
    {"#", 1, 5, FMT_OK, "5"},
};

static const struct float_case float_cases[] = {
    {"", 0, 0x1.0000000000000p+0, FMT_OK, "1.0"},
    {".3", 2, 0x1.8000000000000p+0, FMT_OK, "1.5"},
    {".3", 2, 0x1.9000000000000p+6, FMT_OK, "1e+02"},
    {".3", 2, 0x1.f400000000000p+9, FMT_OK, "1e+03"},
    {"", 0, 0x1.1c37937e08000p+53, FMT_OK, "1e+16"},
    {".1", 2, 0x1.0000000000000p-1, FMT_OK, "0.5"},
    {".0", 2, 0x1.4000000000000p+1, FMT_OK, "2e+00"},
    {".17", 3, 0x1.999999999999ap-4, FMT_OK, "0.10000000000000001"},
    {".16", 3, 0x1.999999999999ap-4, FMT_OK, "0.1"},
    {"f", 1, 0x1.0000000000000p+0, FMT_OK, "1.000000"},
    {".2f", 3, 0x1.5666666666666p+1, FMT_OK, "2.67"},
    {".1f", 3, 0x1.0000000000000p-2, FMT_OK, "0.2"},
    {".1f", 3, 0x1.6666666666666p-2, FMT_OK, "0.3"},
    {".0f", 3, 0x1.0000000000000p-1, FMT_OK, "0"},
    {".0f", 3, 0x1.8000000000000p+0, FMT_OK, "2"},
    {"#.0f", 4, 0x1.0000000000000p+0, FMT_OK, "1."},
    {".3f", 3, -0.0, FMT_OK, "-0.000"},
    {"z.3f", 4, -0.0, FMT_OK, "0.000"},
    {"z.2f", 4, -0x1.0624dd2f1a9fcp-8, FMT_OK, "0.00"},
    {"z.2f", 4, -0x1.89374bc6a7efap-8, FMT_OK, "-0.01"},
    {"z", 1, -0.0, FMT_OK, "0.0"},
    {"zg", 2, -0x1.56e1fc2f8f359p-997, FMT_OK, "-1e-300"},
    {"e", 1, 0x1.81cd6c8b43958p+13, FMT_OK, "1.234568e+04"},
    {".2e", 3, 0x1.81cd6c8b43958p+13, FMT_OK, "1.23e+04"},
    {"E", 1, 0x1.01f31f46ed246p-13, FMT_OK, "1.230000E-04"},
    {".0e", 3, 0x0.0000000000001p-1022, FMT_OK, "5e-324"},
    {"#.0e", 4, 0x1.0000000000000p+0, FMT_OK, "1.e+00"},
    {"e", 1, 0x1.249ad2594c37dp+332, FMT_OK, "1.000000e+100"},
    {".3e", 3, -0.0, FMT_OK, "-0.000e+00"},
    {"g", 1, 0x1.2d68700000000p+20, FMT_OK, "1.23457e+06"},
    {"g", 1, 0x1.e240000000000p+16, FMT_OK, "123456"},
    {"g", 1, 0x1.a36e2eb1c432dp-14, FMT_OK, "0.0001"},
    {"g", 1, 0x1.4f8b588e368f1p-17, FMT_OK, "1e-05"},
    {"G", 1, 0x1.b7cdfd9d7bdbbp-34, FMT_OK, "1E-10"},
    {"#g", 2, 0x1.0000000000000p+0, FMT_OK, "1.00000"},
    {"#.3g", 4, 0x1.9000000000000p+6, FMT_OK, "100."},
    {".3g", 3, 0x1.9000000000000p+6, FMT_OK, "100"},
    {"g", 1, 0.0, FMT_OK, "0"},
    {"#g", 2, 0.0, FMT_OK, "0.00000"},
    {".0g", 3, 0x1.ec00000000000p+6, FMT_OK, "1e+02"},
    {"n", 1, 0x1.0000000000000p+0, FMT_OK, "1"},
    {"n", 1, 0x1.2d68700000000p+20, FMT_OK, "1.23457e+06"},
    {".3n", 3, 0x1.34a0000000000p+10, FMT_OK, "1.23e+03"},
    {"%", 1, 0x1.0000000000000p-2, FMT_OK, "25.000000%"},
    {".1%", 3, 0x1.f9a6b50b0f27cp-4, FMT_OK, "12.3%"},
    {".0%", 3, 0x1.47ae147ae147bp-8, FMT_OK, "0%"},
    {"%", 1, INFINITY, FMT_OK, "inf%"},
    {"+", 1, 0x1.8000000000000p+0, FMT_OK, "+1.5"},
    {" ", 1, 0x1.8000000000000p+0, FMT_OK, " 1.5"},
    {"+", 1, NAN, FMT_OK, "+nan"},
    {"-", 1, -NAN, FMT_OK, "nan"},
    {"F", 1, INFINITY, FMT_OK, "INF"},
    {"E", 1, -INFINITY, FMT_OK, "-INF"},
    {"G", 1, NAN, FMT_OK, "NAN"},
    {"f", 1, -INFINITY, FMT_OK, "-inf"},
    {"010", 3, INFINITY, FMT_OK, "0000000inf"},
    {"010,", 4, -INFINITY, FMT_OK, "-000000inf"},
    {"=+10", 4, NAN, FMT_OK, "+      nan"},
    {",", 1, 0x1.2d687e4189375p+20, FMT_OK, "1,234,567.891"},
    {",.2f", 4, 0x1.2d687e4189375p+20, FMT_OK, "1,234,567.89"},
    {"_.3f", 4, -0x1.2d687e6b851ecp+23, FMT_OK, "-9_876_543.210"},
    {"015,.2f", 7, 0x1.34a0000000000p+10, FMT_OK, "0,000,001,234.50"},
    {"012,.1f", 7, -0x1.0000000000000p+0, FMT_OK, "-0,000,001.0"},
    {"0=14_,", 6, 0x1.0000000000000p+0, FMT_ERROR, "Cannot specify both ',' and '_'."},
    {"010.2%", 6, 0x1.0000000000000p-1, FMT_OK, "000050.00%"},
    {"*^15,.3e", 8, 0x1.e240000000000p+16, FMT_OK, "***1.235e+05***"},
    {"10", 2, 0x1.c000000000000p+1, FMT_OK, "       3.5"},
    {"<10", 3, 0x1.c000000000000p+1, FMT_OK, "3.5       "},
    {"^10", 3, -0x1.c000000000000p+1, FMT_OK, "   -3.5   "},
    {"=10", 3, -0x1.c000000000000p+1, FMT_OK, "-      3.5"},
    {"\342\230\205^9", 5, 0x1.4000000000000p+1, FMT_OK, "\342\230\205\342\230\205\342\230\2052.5\342\230\205\342\230\205\342\230\205"},
    {"#.3", 3, 0x1.0000000000000p+0, FMT_OK, "1.00"},
    {"#", 1, 0x1.0000000000000p+0, FMT_OK, "1.0"},
    {".2", 2, 0x1.1c37937e08000p+53, FMT_OK, "1e+16"},
    {".20", 3, 0x1.0000000000000p+0, FMT_OK, "1.0"},
    {".30g", 4, 0x1.999999999999ap-4, FMT_OK, "0.100000000000000005551115123126"},
    {".60f", 4, 0x1.dee7a4ad4b81fp-167, FMT_OK, "0.000000000000000000000000000000000000000000000000010000000000"},
    {".330f", 5, 0x0.0000000000001p-1022, FMT_OK, "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004940656"},
    {"f", 1, 0x1.0f0cf064dd592p+73, FMT_OK, "10000000000000000000000.000000"},
    {"f", 1, 0x1.fffffffffffffp+1023, FMT_OK, "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000"},
    {".17g", 4, 0x0.0000000000001p-1022, FMT_OK, "4.9406564584124654e-324"},
    {".800g", 5, 0x1.5555555555555p-2, FMT_OK, "0.333333333333333314829616256247390992939472198486328125"},
    {"d", 1, 0x1.0000000000000p+0, FMT_ERROR, "Unknown format code 'd' for object of type 'float'"},
    {"x", 1, 0x1.0000000000000p+0, FMT_ERROR, "Unknown format code 'x' for object of type 'float'"},
    {"s", 1, 0x1.0000000000000p+0, FMT_ERROR, "Unknown format code 's' for object of type 'float'"},
    {"c", 1, 0x1.0000000000000p+0, FMT_ERROR, "Unknown format code 'c' for object of type 'float'"},
    {"#x", 2, 0x1.0000000000000p+0, FMT_ERROR, "Unknown format code 'x' for object of type 'float'"},
    {"\303\251", 2, 0x1.0000000000000p+0, FMT_ERROR, "Unknown format code '\\xe9' for object of type 'float'"},
    {",n", 2, 0x1.0000000000000p+0, FMT_ERROR, "Cannot specify ',' with 'n'."},
    {".2147483648f", 12, 0x1.0000000000000p+0, FMT_ERROR, "precision too big"},
    {"_g", 2, 0x1.0000000000000p+0, FMT_OK, "1"},
    {"z,.1f", 5, -0x1.47ae147ae147bp-7, FMT_OK, "0.0"},
    {"\000", 1, 0x1.4000000000000p+1, FMT_OK, "2.5"},
    {"x.", 2, 0x1.0000000000000p+0, FMT_ERROR, "Invalid format specifier 'x.' for object of type 'float'"},
};

static const struct str_case str_cases[] = {
    {"s", 1, "abc", 3, FMT_OK, "abc"},
    {"5", 1, "abc", 3, FMT_OK, "abc  "},
    {">5", 2, "abc", 3, FMT_OK, "  abc"},
    {"^6", 2, "abc", 3, FMT_OK, " abc  "},
    {"^7", 2, "abc", 3, FMT_OK, "  abc  "},
    {"*<6", 3, "abc", 3, FMT_OK, "abc***"},
    {".2", 2, "abcdef", 6, FMT_OK, "ab"},
    {"6.2", 3, "abcdef", 6, FMT_OK, "ab    "},
    {">6.2s", 5, "abcdef", 6, FMT_OK, "    ab"},
    {"05", 2, "ab", 2, FMT_OK, "ab000"},
    {"0>5", 3, "ab", 2, FMT_OK, "000ab"},
    {"5", 1, "h\303\251\303\251", 5, FMT_OK, "h\303\251\303\251  "},
    {".2", 2, "h\303\251\303\251", 5, FMT_OK, "h\303\251"},
    {"^7", 2, "\346\227\245\346\234\254\350\252\236", 9, FMT_OK, "  \346\227\245\346\234\254\350\252\236  "},
    {".1", 2, "\346\227\245\346\234\254\350\252\236", 9, FMT_OK, "\346\227\245"},
    {"\342\230\205^7", 5, "ab", 2, FMT_OK, "\342\230\205\342\230\205ab\342\230\205\342\230\205\342\230\205"},
    {"3", 1, "abcdef", 6, FMT_OK, "abcdef"},
    {".0", 2, "abc", 3, FMT_OK, ""},
    {".10", 3, "abc", 3, FMT_OK, "abc"},
    {"5", 1, "", 0, FMT_OK, "     "},
    {"\303\251>4", 4, "\360\237\230\200", 4, FMT_OK, "\303\251\303\251\303\251\360\237\230\200"},
    {"+s", 2, "a", 1, FMT_ERROR, "Sign not allowed in string format specifier"},
    {"-", 1, "a", 1, FMT_ERROR, "Sign not allowed in string format specifier"},
    {" ", 1, "a", 1, FMT_ERROR, "Space not allowed in string format specifier"},
    {"zs", 2, "a", 1, FMT_ERROR, "Negative zero coercion (z) not allowed in string format specifier"},
    {"#s", 2, "a", 1, FMT_ERROR, "Alternate form (#) not allowed in string format specifier"},
    {"=5", 2, "a", 1, FMT_ERROR, "'=' alignment not allowed in string format specifier"},
    {",", 1, "a", 1, FMT_ERROR, "Cannot specify ',' with 's'."},
    {"_s", 2, "a", 1, FMT_ERROR, "Cannot specify '_' with 's'."},
    {"d", 1, "a", 1, FMT_ERROR, "Unknown format code 'd' for object of type 'str'"},
    {"\000", 1, "a", 1, FMT_ERROR, "Unknown format code '\\x0' for object of type 'str'"},
    {"\303\251", 2, "a", 1, FMT_ERROR, "Unknown format code '\\xe9' for object of type 'str'"},
    {"10.3ss", 6, "a", 1, FMT_ERROR, "Invalid format specifier '10.3ss' for object of type 'str'"},
    {"+=#s", 4, "a", 1, FMT_ERROR, "Alternate form (#) not allowed in string format specifier"},
    {".", 1, "a", 1, FMT_ERROR, "Format specifier missing precision"},
    {"c", 1, "a", 1, FMT_ERROR, "Unknown format code 'c' for object of type 'str'"},
};

static const struct repr_str_case repr_str_cases[] = {
    {"", 0, "''"},
    {"abc", 3, "'abc'"},
    {"it's", 4, "\"it's\""},
    {"say \"hi\"", 8, "'say \"hi\"'"},
    {"both ' and \"", 12, "'both \\' and \"'"},
    {"back\\slash", 10, "'back\\\\slash'"},
    {"tab\011nl\012cr\015", 10, "'tab\\tnl\\ncr\\r'"},
    {"\000\001\033\037\177", 5, "'\\x00\\x01\\x1b\\x1f\\x7f'"},
    {"\302\200\302\237", 4, "'\\x80\\x9f'"},
    {"\302\240\302\255\303\251\303\277", 8, "'\\xa0\\xad\303\251\303\277'"},
    {"\303\251\346\227\245\346\234\254\350\252\236", 11, "'\303\251\346\227\245\346\234\254\350\252\236'"},
    {"\342\200\250\342\200\251\342\200\213\357\273\277\343\200\200", 15, "'\\u2028\\u2029\\u200b\\ufeff\\u3000'"},
    {"\360\237\230\200\363\240\200\201\364\217\277\277", 12, "'\360\237\230\200\\U000e0001\\U0010ffff'"},
    {"\315\270\314\200", 4, "'\\u0378\314\200'"},
    {"\304\200\304\201\304\202", 6, "'\304\200\304\201\304\202'"},
    {"\355\237\277\356\200\200", 6, "'\\ud7ff\\ue000'"},
    {"a\000b", 3, "'a\\x00b'"},
};

static const struct parse_int_case parse_int_cases[] = {
    {"42", 2, 10, FMT_PARSE_OK, 42LL, ""},
    {"  -17 ", 6, 10, FMT_PARSE_OK, -17LL, ""},
    {"+5", 2, 10, FMT_PARSE_OK, 5LL, ""},
    {"1_000", 5, 10, FMT_PARSE_OK, 1000LL, ""},
    {"1__0", 4, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '1__0'"},
    {"_1", 2, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '_1'"},
    {"1_", 2, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '1_'"},
    {"0x1f", 4, 16, FMT_PARSE_OK, 31LL, ""},
    {"0X1F", 4, 0, FMT_PARSE_OK, 31LL, ""},
    {"0x_1f", 5, 0, FMT_PARSE_OK, 31LL, ""},
    {"0o17", 4, 0, FMT_PARSE_OK, 15LL, ""},
    {"0b101", 5, 0, FMT_PARSE_OK, 5LL, ""},
    {"-0b101", 6, 0, FMT_PARSE_OK, -5LL, ""},
    {"010", 3, 0, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 0: '010'"},
    {"00", 2, 0, FMT_PARSE_OK, 0LL, ""},
    {"0_0", 3, 0, FMT_PARSE_OK, 0LL, ""},
    {"010", 3, 10, FMT_PARSE_OK, 10LL, ""},
    {"0b2", 3, 16, FMT_PARSE_OK, 178LL, ""},
    {"z", 1, 36, FMT_PARSE_OK, 35LL, ""},
    {"Z9", 2, 36, FMT_PARSE_OK, 1269LL, ""},
    {"abc", 3, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: 'abc'"},
    {"", 0, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: ''"},
    {"   ", 3, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '   '"},
    {"0x", 2, 16, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 16: '0x'"},
    {"+ 5", 3, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '+ 5'"},
    {"\302\2405\343\200\200", 6, 10, FMT_PARSE_OK, 5LL, ""},
    {"\331\243\331\244", 4, 10, FMT_PARSE_OK, 34LL, ""},
    {"\331\241_\331\242", 5, 16, FMT_PARSE_OK, 18LL, ""},
    {"\0345", 2, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '\\x1c5'"},
    {"5\000", 2, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '5\\x00'"},
    {"9223372036854775807", 19, 10, FMT_PARSE_OK, 9223372036854775807LL, ""},
    {"-9223372036854775808", 20, 10, FMT_PARSE_OK, -INT64_MAX - 1, ""},
    {"9223372036854775808", 19, 10, FMT_PARSE_OVERFLOW, 0LL, ""},
    {"-9223372036854775809", 20, 10, FMT_PARSE_OVERFLOW, 0LL, ""},
    {"ffffffffffffffffff", 18, 16, FMT_PARSE_OVERFLOW, 0LL, ""},
    {"12\303\251", 4, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '12\303\251'"},
    {"7", 1, 8, FMT_PARSE_OK, 7LL, ""},
    {"8", 1, 8, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 8: '8'"},
    {"1.5", 3, 10, FMT_PARSE_INVALID, 0LL, "invalid literal for int() with base 10: '1.5'"},
};

static const struct parse_float_case parse_float_cases[] = {
    {"1.5", 3, FMT_PARSE_OK, 0x1.8000000000000p+0, ""},
    {" -2.5e3 ", 8, FMT_PARSE_OK, -0x1.3880000000000p+11, ""},
    {"1_000.5", 7, FMT_PARSE_OK, 0x1.f440000000000p+9, ""},
    {"1e1_0", 5, FMT_PARSE_OK, 0x1.2a05f20000000p+33, ""},
    {"1_.5", 4, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '1_.5'"},
    {"1._5", 4, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '1._5'"},
    {".5", 2, FMT_PARSE_OK, 0x1.0000000000000p-1, ""},
    {"5.", 2, FMT_PARSE_OK, 0x1.4000000000000p+2, ""},
    {"5.e3", 4, FMT_PARSE_OK, 0x1.3880000000000p+12, ""},
    {"inf", 3, FMT_PARSE_OK, INFINITY, ""},
    {"-Infinity", 9, FMT_PARSE_OK, -INFINITY, ""},
    {"nAn", 3, FMT_PARSE_OK, NAN, ""},
    {"+nan", 4, FMT_PARSE_OK, NAN, ""},
    {"infinit", 7, FMT_PARSE_INVALID, 0.0, "could not convert string to float: 'infinit'"},
    {"1e", 2, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '1e'"},
    {"1e+", 3, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '1e+'"},
    {"\302\2401.5\343\200\200", 8, FMT_PARSE_OK, 0x1.8000000000000p+0, ""},
    {"\331\241.\331\245", 5, FMT_PARSE_OK, 0x1.8000000000000p+0, ""},
    {"0x1p3", 5, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '0x1p3'"},
    {"1e400", 5, FMT_PARSE_OK, INFINITY, ""},
    {"-1e400", 6, FMT_PARSE_OK, -INFINITY, ""},
    {"1e-400", 6, FMT_PARSE_OK, 0.0, ""},
    {"1_e5", 4, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '1_e5'"},
    {"e5", 2, FMT_PARSE_INVALID, 0.0, "could not convert string to float: 'e5'"},
    {".", 1, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '.'"},
    {"", 0, FMT_PARSE_INVALID, 0.0, "could not convert string to float: ''"},
    {"-.5e-3", 6, FMT_PARSE_OK, -0x1.0624dd2f1a9fcp-11, ""},
    {"1.5\000", 4, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '1.5\\x00'"},
    {"in f", 4, FMT_PARSE_INVALID, 0.0, "could not convert string to float: 'in f'"},
    {"abc", 3, FMT_PARSE_INVALID, 0.0, "could not convert string to float: 'abc'"},
    {"0.1", 3, FMT_PARSE_OK, 0x1.999999999999ap-4, ""},
    {"2.675", 5, FMT_PARSE_OK, 0x1.5666666666666p+1, ""},
    {"+0", 2, FMT_PARSE_OK, 0.0, ""},
    {"-0", 2, FMT_PARSE_OK, -0.0, ""},
    {"00012", 5, FMT_PARSE_OK, 0x1.8000000000000p+3, ""},
    {"1__0", 4, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '1__0'"},
    {"12\303\251", 4, FMT_PARSE_INVALID, 0.0, "could not convert string to float: '12\303\251'"},
};

static const struct round_case round_cases[] = {
    {0x1.5666666666666p+1, 2, FMT_OK, 0x1.55c28f5c28f5cp+1, ""},
    {0x1.0000000000000p-3, 2, FMT_OK, 0x1.eb851eb851eb8p-4, ""},
    {0x1.8000000000000p-2, 2, FMT_OK, 0x1.851eb851eb852p-2, ""},
    {0x1.4000000000000p+1, 0, FMT_OK, 0x1.0000000000000p+1, ""},
    {0x1.c000000000000p+1, 0, FMT_OK, 0x1.0000000000000p+2, ""},
    {-0x1.999999999999ap-2, 0, FMT_OK, -0.0, ""},
    {-0x1.4000000000000p+1, 0, FMT_OK, -0x1.0000000000000p+1, ""},
    {0x1.0147ae147ae14p+0, 2, FMT_OK, 0x1.0000000000000p+0, ""},
    {0x1.81cd6c8b43958p+13, -2, FMT_OK, 0x1.8060000000000p+13, ""},
    {0x1.f400000000000p+7, -2, FMT_OK, 0x1.9000000000000p+7, ""},
    {0x1.f500000000000p+7, -2, FMT_OK, 0x1.2c00000000000p+8, ""},
    {0x1.5e00000000000p+8, -2, FMT_OK, 0x1.9000000000000p+8, ""},
    {0x1.9000000000000p+5, -2, FMT_OK, 0.0, ""},
    {0x1.9800000000000p+5, -2, FMT_OK, 0x1.9000000000000p+6, ""},
    {-0x1.e000000000000p+5, -2, FMT_OK, -0x1.9000000000000p+6, ""},
    {0x1.4000000000000p+2, -1, FMT_OK, 0.0, ""},
    {0x1.e000000000000p+3, -1, FMT_OK, 0x1.4000000000000p+4, ""},
    {0x1.0000000000000p-1, -1, FMT_OK, 0.0, ""},
    {0x1.7e43c8800759cp+996, -300, FMT_OK, 0x1.7e43c8800759cp+996, ""},
    {0x1.fffffffffffffp+1023, -308, FMT_OVERFLOW, 0.0, "rounded value too large to represent"},
    {0x1.fffffffffffffp+1023, -307, FMT_OVERFLOW, 0.0, "rounded value too large to represent"},
    {0x1.edd2f1a9fbe77p+6, 400, FMT_OK, 0x1.edd2f1a9fbe77p+6, ""},
    {0x1.edd2f1a9fbe77p+6, -400, FMT_OK, 0.0, ""},
    {-0x1.edd2f1a9fbe77p+6, -400, FMT_OK, -0.0, ""},
    {INFINITY, 2, FMT_OK, INFINITY, ""},
    {NAN, -2, FMT_OK, NAN, ""},
    {-0.0, 3, FMT_OK, -0.0, ""},
    {0x1.999999999999ap-4, 20, FMT_OK, 0x1.999999999999ap-4, ""},
    {0x0.00000000007e8p-1022, 322, FMT_OK, 0x0.00000000007e8p-1022, ""},
    {0x0.00000000007e8p-1022, 323, FMT_OK, 0x0.00000000007e8p-1022, ""},
    {0x0.0000000000001p-1022, 323, FMT_OK, 0.0, ""},
    {0x1.0000000000004p+70, -5, FMT_OK, 0x1.0000000000004p+70, ""},
    {0x1.3fd70a3d70a3dp+3, 2, FMT_OK, 0x1.3fae147ae147bp+3, ""},
    {0x1.23d70a3d70a3dp-2, 2, FMT_OK, 0x1.1eb851eb851ecp-2, ""},
    {0x1.8000000000000p+0, 0, FMT_OK, 0x1.0000000000000p+1, ""},
    {-0x1.8000000000000p+0, 0, FMT_OK, -0x1.0000000000000p+1, ""},
};

static const struct half_even_case half_even_cases[] = {
    {0x1.0000000000000p-1, 0.0},
    {0x1.8000000000000p+0, 0x1.0000000000000p+1},
    {0x1.4000000000000p+1, 0x1.0000000000000p+1},
    {-0x1.0000000000000p-1, 0.0},
    {-0x1.8000000000000p+0, -0x1.0000000000000p+1},
    {-0x1.4000000000000p+1, -0x1.0000000000000p+1},
    {0x1.fffffffffffffp-2, 0.0},
    {0x1.3333333333333p+1, 0x1.0000000000000p+1},
    {0x1.4cccccccccccdp+1, 0x1.8000000000000p+1},
    {-0x1.4cccccccccccdp+1, -0x1.8000000000000p+1},
    {0x1.7e43c8800759cp+996, 0x1.7e43c8800759cp+996},
    {0x1.0000000000001p+52, 0x1.0000000000001p+52},
    {0.0, 0.0},
    {-0.0, 0.0},
    {-0x1.999999999999ap-2, 0.0},
    {0x1.c000000000000p+2, 0x1.c000000000000p+2},
};

/* Same double, including the sign of zero and NaN-ness. */
static void assert_same_double(double expected, double got) {
  if (isnan(expected)) {
    assert_true(isnan(got));
    assert_int_equal(signbit(expected) != 0, signbit(got) != 0);
    return;
  }
  assert_true(expected == got);
  assert_int_equal(signbit(expected) != 0, signbit(got) != 0);
}

static void test_buffer(void **state) {
  (void)state;
  fmt_buf b;
  fmt_buf_init(&b);
  assert_null(b.data);
  assert_string_equal(fmt_buf_str(&b), "");
  assert_int_equal(fmt_buf_append(&b, "ab", 2), FMT_OK);
  assert_int_equal(fmt_buf_appendc(&b, 'c'), FMT_OK);
  assert_int_equal(fmt_buf_appends(&b, "de"), FMT_OK);
  assert_int_equal(fmt_buf_appendf(&b, "-%d-%s", 42, "x"), FMT_OK);
  assert_int_equal(fmt_buf_append_cp(&b, 0x263A), FMT_OK);
  assert_int_equal(fmt_buf_append_cp(&b, 0x110000), FMT_ERROR);
  assert_string_equal(b.data, "abcde-42-x\342\230\272");
  assert_int_equal(b.len, 13);
  assert_int_equal(b.data[b.len], '\0');
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(fmt_buf_appendf(&b, "%03d", i % 1000), FMT_OK);
  }
  assert_int_equal(b.len, 13 + 3000);
  assert_memory_equal(b.data + b.len - 6, "998999", 6);
  assert_true(b.cap > b.len);
  fmt_buf_clear(&b);
  assert_int_equal(b.len, 0);
  assert_string_equal(fmt_buf_str(&b), "");
  assert_int_equal(fmt_buf_append(&b, "a\0b", 3), FMT_OK);
  assert_int_equal(b.len, 3);
  assert_memory_equal(b.data, "a\0b", 4);
  fmt_buf_free(&b);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
}

static void test_utf8_helpers(void **state) {
  (void)state;
  assert_int_equal(fmt_utf8_length("", 0), 0);
  assert_int_equal(fmt_utf8_length("h\303\251\346\227\245\360\237\230\200", 10), 4);
  /* Invalid bytes count one each. */
  assert_int_equal(fmt_utf8_length("\377\300\200a", 4), 4);
  assert_true(fmt_cp_isprintable('a'));
  assert_true(fmt_cp_isprintable(' '));
  assert_true(fmt_cp_isprintable(0xE9));
  assert_true(fmt_cp_isprintable(0x1F600));
  assert_false(fmt_cp_isprintable('\n'));
  assert_false(fmt_cp_isprintable(0x7F));
  assert_false(fmt_cp_isprintable(0xA0));
  assert_false(fmt_cp_isprintable(0xAD));
  assert_false(fmt_cp_isprintable(0x2028));
  assert_false(fmt_cp_isprintable(0x378));
  assert_false(fmt_cp_isprintable(0x10FFFF));
}

static void test_float_repr(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof repr_cases / sizeof repr_cases[0]; i++) {
    fmt_buf b;
    fmt_buf_init(&b);
    assert_int_equal(fmt_buf_appends(&b, "<"), FMT_OK);
    assert_int_equal(fmt_float_repr(&b, repr_cases[i].x), FMT_OK);
    assert_string_equal(b.data + 1, repr_cases[i].expected);
    fmt_buf_free(&b);
  }
}

static void test_int_str(void **state) {
  (void)state;
  static const struct {
    int64_t v;            /* value */
    const char *expected; /* str(value) */
  } cases[] = {{0, "0"}, {7, "7"}, {-7, "-7"}, {1234567890123LL, "1234567890123"},
               {INT64_MAX, "9223372036854775807"},
               {-INT64_MAX - 1, "-9223372036854775808"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    fmt_buf b;
    fmt_buf_init(&b);
    assert_int_equal(fmt_int(&b, cases[i].v), FMT_OK);
    assert_string_equal(b.data, cases[i].expected);
    fmt_buf_free(&b);
  }
}

/* fmt_int against printf's %lld: every value below 100,000 and each side of every power of
 * ten, either sign, appended after text already in the buffer. */
static void check_int_like_printf(fmt_buf *b, int64_t v) {
  char want[32];
  snprintf(want, sizeof want, "x%lld", (long long)v);
  fmt_buf_clear(b);
  assert_int_equal(fmt_buf_appendc(b, 'x'), FMT_OK);
  assert_int_equal(fmt_int(b, v), FMT_OK);
  assert_string_equal(b->data, want);
  assert_int_equal(b->len, strlen(want));
}

static void test_int_str_matches_printf(void **state) {
  (void)state;
  fmt_buf b;
  fmt_buf_init(&b);
  for (int64_t v = -100000; v <= 100000; v++)
    check_int_like_printf(&b, v);
  for (int64_t p = 10; p <= INT64_MAX / 10; p *= 10)
    for (int64_t d = -1; d <= 1; d++) {
      check_int_like_printf(&b, p + d);
      check_int_like_printf(&b, -(p + d));
    }
  check_int_like_printf(&b, INT64_MAX);
  check_int_like_printf(&b, INT64_MIN);
  fmt_buf_free(&b);
}

/* Checks one format() outcome: text on success, message on error, and
 * that nothing reaches the output on error. */
static void check_outcome(fmt_result got, const fmt_buf *out,
                          const fmt_buf *err, fmt_result expected_result,
                          const char *expected, const char *spec) {
  if (got != expected_result) {
    fail_msg("spec '%s': result %d, expected %d (%s / %s)", spec, got,
             expected_result, fmt_buf_str(out), fmt_buf_str(err));
  }
  if (expected_result == FMT_OK) {
    assert_string_equal(fmt_buf_str(out), expected);
    assert_int_equal(err->len, 0);
  } else {
    assert_string_equal(fmt_buf_str(err), expected);
    assert_int_equal(out->len, 0);
  }
}

static void test_format_int(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++) {
    const struct int_case *c = &int_cases[i];
    fmt_buf out;
    fmt_buf err;
    fmt_buf_init(&out);
    fmt_buf_init(&err);
    fmt_spec spec;
    fmt_result r = fmt_spec_parse(c->spec, c->spec_len, FMT_KIND_INT, "int",
                                  &spec, &err);
    if (r == FMT_OK) {
      if (c->spec_len == 0) {
        r = fmt_int(&out, c->value);
      } else {
        r = fmt_format_int(&out, c->value, &spec, &err);
      }
    }
    check_outcome(r, &out, &err, c->result, c->expected, c->spec);
    fmt_buf_free(&out);
    fmt_buf_free(&err);
  }
}

static void test_format_bool_type_name(void **state) {
  (void)state;
  fmt_buf out;
  fmt_buf err;
  fmt_buf_init(&out);
  fmt_buf_init(&err);
  fmt_spec spec;
  assert_int_equal(fmt_spec_parse(">5", 2, FMT_KIND_INT, "bool", &spec, &err),
                   FMT_OK);
  assert_int_equal(fmt_format_int(&out, 1, &spec, &err), FMT_OK);
  assert_string_equal(out.data, "    1");
  assert_int_equal(fmt_spec_parse("q", 1, FMT_KIND_INT, "bool", &spec, &err),
                   FMT_OK);
  assert_int_equal(fmt_format_int(&out, 1, &spec, &err), FMT_ERROR);
  assert_string_equal(err.data,
                      "Unknown format code 'q' for object of type 'bool'");
  fmt_buf_clear(&err);
  assert_int_equal(fmt_spec_parse("5,,d", 4, FMT_KIND_INT, "bool", &spec, &err),
                   FMT_ERROR);
  assert_string_equal(err.data,
                      "Invalid format specifier '5,,d' for object of type "
                      "'bool'");
  fmt_buf_free(&out);
  fmt_buf_free(&err);
}

static void test_format_float(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof float_cases / sizeof float_cases[0]; i++) {
    const struct float_case *c = &float_cases[i];
    fmt_buf out;
    fmt_buf err;
    fmt_buf_init(&out);
    fmt_buf_init(&err);
    fmt_spec spec;
    fmt_result r = fmt_spec_parse(c->spec, c->spec_len, FMT_KIND_FLOAT,
                                  "float", &spec, &err);
    if (r == FMT_OK) {
      if (c->spec_len == 0) {
        r = fmt_float_repr(&out, c->value);
      } else {
        r = fmt_format_float(&out, c->value, &spec, &err);
      }
    }
    check_outcome(r, &out, &err, c->result, c->expected, c->spec);
    fmt_buf_free(&out);
    fmt_buf_free(&err);
  }
}

static void test_format_str(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++) {
    const struct str_case *c = &str_cases[i];
    fmt_buf out;
    fmt_buf err;
    fmt_buf_init(&out);
    fmt_buf_init(&err);
    fmt_spec spec;
    fmt_result r = fmt_spec_parse(c->spec, c->spec_len, FMT_KIND_STR, "str",
                                  &spec, &err);
    if (r == FMT_OK) {
      r = fmt_format_str(&out, c->value, c->value_len, &spec, &err);
    }
    check_outcome(r, &out, &err, c->result, c->expected, c->spec);
    fmt_buf_free(&out);
    fmt_buf_free(&err);
  }
}

static void test_spec_fields(void **state) {
  (void)state;
  fmt_buf err;
  fmt_buf_init(&err);
  fmt_spec spec;
  assert_int_equal(fmt_spec_parse("\342\230\205^+z#012_.3f", 14,
                                  FMT_KIND_FLOAT, "float", &spec, &err),
                   FMT_OK);
  assert_int_equal(spec.fill, 0x2605);
  assert_int_equal(spec.align, '^');
  assert_int_equal(spec.sign, '+');
  assert_true(spec.no_neg_0);
  assert_true(spec.alternate);
  /* An explicit fill wins over the '0' flag, which then reads as width. */
  assert_int_equal(spec.width, 12);
  assert_int_equal(spec.grouping, '_');
  assert_int_equal(spec.precision, 3);
  assert_int_equal(spec.type, 'f');
  fmt_buf out;
  fmt_buf_init(&out);
  assert_int_equal(fmt_format_float(&out, -0.0001, &spec, &err), FMT_OK);
  /* format(-0.0001, '\u2605^+z#012_.3f') */
  assert_string_equal(out.data, "\342\230\205\342\230\205\342\230\205+0.000"
                                "\342\230\205\342\230\205\342\230\205");
  fmt_buf_free(&out);
  assert_int_equal(fmt_spec_parse("", 0, FMT_KIND_STR, "str", &spec, &err),
                   FMT_OK);
  assert_int_equal(spec.align, '<');
  assert_int_equal(spec.type, 's');
  assert_int_equal(spec.width, -1);
  assert_int_equal(spec.precision, -1);
  assert_int_equal(fmt_spec_parse("07", 2, FMT_KIND_INT, "int", &spec, &err),
                   FMT_OK);
  assert_int_equal(spec.fill, '0');
  assert_int_equal(spec.align, '=');
  assert_int_equal(spec.type, 'd');
  assert_int_equal(err.len, 0);
  fmt_buf_free(&err);
}

static void test_str_repr(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof repr_str_cases / sizeof repr_str_cases[0];
       i++) {
    fmt_buf b;
    fmt_buf_init(&b);
    assert_int_equal(
        fmt_str_repr(&b, repr_str_cases[i].s, repr_str_cases[i].len), FMT_OK);
    assert_string_equal(b.data, repr_str_cases[i].expected);
    fmt_buf_free(&b);
  }
}

static void test_parse_int(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof parse_int_cases / sizeof parse_int_cases[0];
       i++) {
    const struct parse_int_case *c = &parse_int_cases[i];
    int64_t v = 12345;
    fmt_parse_result r = fmt_parse_int(c->s, c->len, c->base, &v);
    if (r != c->result) {
      fail_msg("int('%s', %d): result %d, expected %d", c->s, c->base, r,
               c->result);
    }
    if (r == FMT_PARSE_OK) {
      assert_int_equal(v, c->value);
    } else {
      assert_int_equal(v, 12345);
    }
    if (r == FMT_PARSE_INVALID) {
      fmt_buf m;
      fmt_buf_init(&m);
      assert_int_equal(fmt_parse_int_message(&m, r, c->s, c->len, c->base),
                       FMT_OK);
      assert_string_equal(m.data, c->message);
      fmt_buf_free(&m);
    }
  }
  int64_t v;
  assert_int_equal(fmt_parse_int("5", 1, 1, &v), FMT_PARSE_BAD_BASE);
  assert_int_equal(fmt_parse_int("5", 1, 37, &v), FMT_PARSE_BAD_BASE);
  fmt_buf m;
  fmt_buf_init(&m);
  assert_int_equal(fmt_parse_int_message(&m, FMT_PARSE_BAD_BASE, "5", 1, 1),
                   FMT_OK);
  assert_string_equal(m.data, "int() base must be >= 2 and <= 36, or 0");
  fmt_buf_clear(&m);
  /* The repr in the message is cut at 200 characters, quote included. */
  char long_text[300];
  memset(long_text, 'a', sizeof long_text);
  assert_int_equal(fmt_parse_int(long_text, sizeof long_text, 10, &v),
                   FMT_PARSE_INVALID);
  assert_int_equal(fmt_parse_int_message(&m, FMT_PARSE_INVALID, long_text,
                                         sizeof long_text, 10),
                   FMT_OK);
  assert_int_equal(m.len, 240);
  assert_memory_equal(m.data, "invalid literal for int() with base 10: 'aaa",
                      44);
  assert_int_equal(m.data[239], 'a');
  fmt_buf_free(&m);
}

static void test_parse_float(void **state) {
  (void)state;
  for (size_t i = 0;
       i < sizeof parse_float_cases / sizeof parse_float_cases[0]; i++) {
    const struct parse_float_case *c = &parse_float_cases[i];
    double v = 12345.0;
    fmt_parse_result r = fmt_parse_float(c->s, c->len, &v);
    if (r != c->result) {
      fail_msg("float('%s'): result %d, expected %d", c->s, r, c->result);
    }
    if (r == FMT_PARSE_OK) {
      assert_same_double(c->value, v);
    } else {
      fmt_buf m;
      fmt_buf_init(&m);
      assert_int_equal(fmt_parse_float_message(&m, c->s, c->len), FMT_OK);
      assert_string_equal(m.data, c->message);
      fmt_buf_free(&m);
    }
  }
}

static void test_round(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof round_cases / sizeof round_cases[0]; i++) {
    const struct round_case *c = &round_cases[i];
    fmt_buf err;
    fmt_buf_init(&err);
    double v = 12345.0;
    fmt_result r = fmt_round_double(c->x, c->ndigits, &v, &err);
    if (r != c->result) {
      fail_msg("round(%a, %d): result %d, expected %d", c->x, c->ndigits, r,
               c->result);
    }
    if (r == FMT_OK) {
      assert_same_double(c->expected, v);
    } else {
      assert_string_equal(err.data, c->message);
      /* A NULL error buffer is allowed. */
      assert_int_equal(fmt_round_double(c->x, c->ndigits, &v, NULL), r);
    }
    fmt_buf_free(&err);
  }
  for (size_t i = 0; i < sizeof half_even_cases / sizeof half_even_cases[0];
       i++) {
    assert_same_double(half_even_cases[i].expected,
                       fmt_round_half_even(half_even_cases[i].x));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buffer),
      cmocka_unit_test(test_utf8_helpers),
      cmocka_unit_test(test_float_repr),
      cmocka_unit_test(test_int_str),
      cmocka_unit_test(test_int_str_matches_printf),
      cmocka_unit_test(test_format_int),
      cmocka_unit_test(test_format_bool_type_name),
      cmocka_unit_test(test_format_float),
      cmocka_unit_test(test_format_str),
      cmocka_unit_test(test_spec_fields),
      cmocka_unit_test(test_str_repr),
      cmocka_unit_test(test_parse_int),
      cmocka_unit_test(test_parse_float),
      cmocka_unit_test(test_round),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
