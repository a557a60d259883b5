/* fmt: CPython 3.11 text formatting and parsing of primitive values.
 *
 * Floats are converted with the C library (glibc's printf and strtod are
 * correctly rounded) and the digits are then laid out with CPython's
 * rules. The format-spec machinery follows the structure of CPython's
 * formatter: parse the spec, compute sign / prefix / padding / grouped
 * digits / remainder widths, then write them. */
#include "fmt.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffer ------------------------------------------------------------ */

void fmt_buf_init(fmt_buf *b) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void fmt_buf_free(fmt_buf *b) {
  free(b->data);
  fmt_buf_init(b);
}

void fmt_buf_clear(fmt_buf *b) {
  b->len = 0;
  if (b->data != NULL) {
    b->data[0] = '\0';
  }
}

const char *fmt_buf_str(const fmt_buf *b) {
  return b->data != NULL ? b->data : "";
}

fmt_result fmt_buf_reserve(fmt_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1) {
    return FMT_NOMEM;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap) {
    return FMT_OK;
  }
  size_t cap = b->cap < 32 ? 32 : b->cap;
  while (cap < need) {
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  }
  char *data = realloc(b->data, cap);
  if (data == NULL) {
    return FMT_NOMEM;
  }
  if (b->data == NULL) {
    data[0] = '\0';
  }
  b->data = data;
  b->cap = cap;
  return FMT_OK;
}

fmt_result fmt_buf_append(fmt_buf *b, const char *s, size_t n) {
  if (fmt_buf_reserve(b, n) != FMT_OK) {
    return FMT_NOMEM;
  }
  if (n > 0) {
    memcpy(b->data + b->len, s, n);
  }
  b->len += n;
  b->data[b->len] = '\0';
  return FMT_OK;
}

fmt_result fmt_buf_appends(fmt_buf *b, const char *s) {
  return fmt_buf_append(b, s, strlen(s));
}

fmt_result fmt_buf_appendc(fmt_buf *b, char c) {
  return fmt_buf_append(b, &c, 1);
}

/* Encodes cp as UTF-8 into out (4 bytes), returns the byte count. */
static size_t utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

fmt_result fmt_buf_append_cp(fmt_buf *b, uint32_t cp) {
  if (cp > 0x10FFFF) {
    return FMT_ERROR;
  }
  char tmp[4];
  return fmt_buf_append(b, tmp, utf8_encode(cp, tmp));
}

fmt_result fmt_buf_appendf(fmt_buf *b, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, format, ap);
  va_end(ap);
  if (n < 0 || fmt_buf_reserve(b, (size_t)n) != FMT_OK) {
    va_end(ap2);
    return FMT_NOMEM;
  }
  vsnprintf(b->data + b->len, (size_t)n + 1, format, ap2);
  va_end(ap2);
  b->len += (size_t)n;
  return FMT_OK;
}

/* Appends `count` copies of code point cp. */
static fmt_result append_repeat(fmt_buf *b, uint32_t cp, int64_t count) {
  if (count <= 0) {
    return FMT_OK;
  }
  char enc[4];
  size_t n = utf8_encode(cp, enc);
  if ((uint64_t)count > SIZE_MAX / 4) {
    return FMT_NOMEM;
  }
  if (fmt_buf_reserve(b, (size_t)count * n) != FMT_OK) {
    return FMT_NOMEM;
  }
  for (int64_t i = 0; i < count; i++) {
    memcpy(b->data + b->len, enc, n);
    b->len += n;
  }
  b->data[b->len] = '\0';
  return FMT_OK;
}

/* ---- UTF-8 and character classes ---------------------------------------- */

/* Decodes the code point at s[*i], advancing *i. A byte that does not
 * start a valid, shortest-form sequence decodes as itself with *valid
 * false. */
static uint32_t utf8_next(const char *s, size_t len, size_t *i, bool *valid) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned char c = u[*i];
  size_t need;
  uint32_t cp;
  uint32_t min;
  if (c < 0x80) {
    (*i)++;
    *valid = true;
    return c;
  } else if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    cp = c & 0x1Fu;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    cp = c & 0x0Fu;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    cp = c & 0x07u;
    min = 0x10000;
  } else {
    (*i)++;
    *valid = false;
    return c;
  }
  if (len - *i <= need) {
    (*i)++;
    *valid = false;
    return c;
  }
  for (size_t k = 1; k <= need; k++) {
    unsigned char t = u[*i + k];
    if ((t & 0xC0) != 0x80) {
      (*i)++;
      *valid = false;
      return c;
    }
    cp = (cp << 6) | (t & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    (*i)++;
    *valid = false;
    return c;
  }
  *i += need + 1;
  *valid = true;
  return cp;
}

size_t fmt_utf8_length(const char *s, size_t len) {
  size_t n = 0;
  size_t i = 0;
  bool valid;
  while (i < len) {
    utf8_next(s, len, &i, &valid);
    n++;
  }
  return n;
}

/* Byte offset just past the first `count` code points of s. */
static size_t utf8_prefix_bytes(const char *s, size_t len, size_t count) {
  size_t i = 0;
  bool valid;
  while (i < len && count > 0) {
    utf8_next(s, len, &i, &valid);
    count--;
  }
  return i;
}

typedef struct fmt_range {
  uint32_t lo; /* first code point of the range */
  uint32_t hi; /* last code point of the range, inclusive */
} fmt_range;

/* Code points for which str.isprintable() is false in CPython 3.11
 * (Unicode 14.0: categories Cc Cf Cs Co Cn Zl Zp Zs except U+0020).
 * Generated with:
 *   python3.11 -c "r=[];s=None
 *   for c in range(0x110000):
 *     p=chr(c).isprintable()
 *     if not p and s is None: s=c
 *     if p and s is not None: r.append((s,c-1)); s=None
 *   r.append((s,0x10FFFF)); print(r)" */
static const fmt_range nonprintable_ranges[] = {
    {0x0, 0x1F}, {0x7F, 0xA0}, {0xAD, 0xAD}, {0x378, 0x379}, {0x380, 0x383},
    {0x38B, 0x38B}, {0x38D, 0x38D}, {0x3A2, 0x3A2}, {0x530, 0x530},
    {0x557, 0x558}, {0x58B, 0x58C}, {0x590, 0x590}, {0x5C8, 0x5CF},
    {0x5EB, 0x5EE}, {0x5F5, 0x605}, {0x61C, 0x61C}, {0x6DD, 0x6DD},
    {0x70E, 0x70F}, {0x74B, 0x74C}, {0x7B2, 0x7BF}, {0x7FB, 0x7FC},
    {0x82E, 0x82F}, {0x83F, 0x83F}, {0x85C, 0x85D}, {0x85F, 0x85F},
    {0x86B, 0x86F}, {0x88F, 0x897}, {0x8E2, 0x8E2}, {0x984, 0x984},
    {0x98D, 0x98E}, {0x991, 0x992}, {0x9A9, 0x9A9}, {0x9B1, 0x9B1},
    {0x9B3, 0x9B5}, {0x9BA, 0x9BB}, {0x9C5, 0x9C6}, {0x9C9, 0x9CA},
    {0x9CF, 0x9D6}, {0x9D8, 0x9DB}, {0x9DE, 0x9DE}, {0x9E4, 0x9E5},
    {0x9FF, 0xA00}, {0xA04, 0xA04}, {0xA0B, 0xA0E}, {0xA11, 0xA12},
    {0xA29, 0xA29}, {0xA31, 0xA31}, {0xA34, 0xA34}, {0xA37, 0xA37},
    {0xA3A, 0xA3B}, {0xA3D, 0xA3D}, {0xA43, 0xA46}, {0xA49, 0xA4A},
    {0xA4E, 0xA50}, {0xA52, 0xA58}, {0xA5D, 0xA5D}, {0xA5F, 0xA65},
    {0xA77, 0xA80}, {0xA84, 0xA84}, {0xA8E, 0xA8E}, {0xA92, 0xA92},
    {0xAA9, 0xAA9}, {0xAB1, 0xAB1}, {0xAB4, 0xAB4}, {0xABA, 0xABB},
    {0xAC6, 0xAC6}, {0xACA, 0xACA}, {0xACE, 0xACF}, {0xAD1, 0xADF},
    {0xAE4, 0xAE5}, {0xAF2, 0xAF8}, {0xB00, 0xB00}, {0xB04, 0xB04},
    {0xB0D, 0xB0E}, {0xB11, 0xB12}, {0xB29, 0xB29}, {0xB31, 0xB31},
    {0xB34, 0xB34}, {0xB3A, 0xB3B}, {0xB45, 0xB46}, {0xB49, 0xB4A},
    {0xB4E, 0xB54}, {0xB58, 0xB5B}, {0xB5E, 0xB5E}, {0xB64, 0xB65},
    {0xB78, 0xB81}, {0xB84, 0xB84}, {0xB8B, 0xB8D}, {0xB91, 0xB91},
    {0xB96, 0xB98}, {0xB9B, 0xB9B}, {0xB9D, 0xB9D}, {0xBA0, 0xBA2},
    {0xBA5, 0xBA7}, {0xBAB, 0xBAD}, {0xBBA, 0xBBD}, {0xBC3, 0xBC5},
    {0xBC9, 0xBC9}, {0xBCE, 0xBCF}, {0xBD1, 0xBD6}, {0xBD8, 0xBE5},
    {0xBFB, 0xBFF}, {0xC0D, 0xC0D}, {0xC11, 0xC11}, {0xC29, 0xC29},
    {0xC3A, 0xC3B}, {0xC45, 0xC45}, {0xC49, 0xC49}, {0xC4E, 0xC54},
    {0xC57, 0xC57}, {0xC5B, 0xC5C}, {0xC5E, 0xC5F}, {0xC64, 0xC65},
    {0xC70, 0xC76}, {0xC8D, 0xC8D}, {0xC91, 0xC91}, {0xCA9, 0xCA9},
    {0xCB4, 0xCB4}, {0xCBA, 0xCBB}, {0xCC5, 0xCC5}, {0xCC9, 0xCC9},
    {0xCCE, 0xCD4}, {0xCD7, 0xCDC}, {0xCDF, 0xCDF}, {0xCE4, 0xCE5},
    {0xCF0, 0xCF0}, {0xCF3, 0xCFF}, {0xD0D, 0xD0D}, {0xD11, 0xD11},
    {0xD45, 0xD45}, {0xD49, 0xD49}, {0xD50, 0xD53}, {0xD64, 0xD65},
    {0xD80, 0xD80}, {0xD84, 0xD84}, {0xD97, 0xD99}, {0xDB2, 0xDB2},
    {0xDBC, 0xDBC}, {0xDBE, 0xDBF}, {0xDC7, 0xDC9}, {0xDCB, 0xDCE},
    {0xDD5, 0xDD5}, {0xDD7, 0xDD7}, {0xDE0, 0xDE5}, {0xDF0, 0xDF1},
    {0xDF5, 0xE00}, {0xE3B, 0xE3E}, {0xE5C, 0xE80}, {0xE83, 0xE83},
    {0xE85, 0xE85}, {0xE8B, 0xE8B}, {0xEA4, 0xEA4}, {0xEA6, 0xEA6},
    {0xEBE, 0xEBF}, {0xEC5, 0xEC5}, {0xEC7, 0xEC7}, {0xECE, 0xECF},
    {0xEDA, 0xEDB}, {0xEE0, 0xEFF}, {0xF48, 0xF48}, {0xF6D, 0xF70},
    {0xF98, 0xF98}, {0xFBD, 0xFBD}, {0xFCD, 0xFCD}, {0xFDB, 0xFFF},
    {0x10C6, 0x10C6}, {0x10C8, 0x10CC}, {0x10CE, 0x10CF}, {0x1249, 0x1249},
    {0x124E, 0x124F}, {0x1257, 0x1257}, {0x1259, 0x1259}, {0x125E, 0x125F},
    {0x1289, 0x1289}, {0x128E, 0x128F}, {0x12B1, 0x12B1}, {0x12B6, 0x12B7},
    {0x12BF, 0x12BF}, {0x12C1, 0x12C1}, {0x12C6, 0x12C7}, {0x12D7, 0x12D7},
    {0x1311, 0x1311}, {0x1316, 0x1317}, {0x135B, 0x135C}, {0x137D, 0x137F},
    {0x139A, 0x139F}, {0x13F6, 0x13F7}, {0x13FE, 0x13FF}, {0x1680, 0x1680},
    {0x169D, 0x169F}, {0x16F9, 0x16FF}, {0x1716, 0x171E}, {0x1737, 0x173F},
    {0x1754, 0x175F}, {0x176D, 0x176D}, {0x1771, 0x1771}, {0x1774, 0x177F},
    {0x17DE, 0x17DF}, {0x17EA, 0x17EF}, {0x17FA, 0x17FF}, {0x180E, 0x180E},
    {0x181A, 0x181F}, {0x1879, 0x187F}, {0x18AB, 0x18AF}, {0x18F6, 0x18FF},
    {0x191F, 0x191F}, {0x192C, 0x192F}, {0x193C, 0x193F}, {0x1941, 0x1943},
    {0x196E, 0x196F}, {0x1975, 0x197F}, {0x19AC, 0x19AF}, {0x19CA, 0x19CF},
    {0x19DB, 0x19DD}, {0x1A1C, 0x1A1D}, {0x1A5F, 0x1A5F}, {0x1A7D, 0x1A7E},
    {0x1A8A, 0x1A8F}, {0x1A9A, 0x1A9F}, {0x1AAE, 0x1AAF}, {0x1ACF, 0x1AFF},
    {0x1B4D, 0x1B4F}, {0x1B7F, 0x1B7F}, {0x1BF4, 0x1BFB}, {0x1C38, 0x1C3A},
    {0x1C4A, 0x1C4C}, {0x1C89, 0x1C8F}, {0x1CBB, 0x1CBC}, {0x1CC8, 0x1CCF},
    {0x1CFB, 0x1CFF}, {0x1F16, 0x1F17}, {0x1F1E, 0x1F1F}, {0x1F46, 0x1F47},
    {0x1F4E, 0x1F4F}, {0x1F58, 0x1F58}, {0x1F5A, 0x1F5A}, {0x1F5C, 0x1F5C},
    {0x1F5E, 0x1F5E}, {0x1F7E, 0x1F7F}, {0x1FB5, 0x1FB5}, {0x1FC5, 0x1FC5},
    {0x1FD4, 0x1FD5}, {0x1FDC, 0x1FDC}, {0x1FF0, 0x1FF1}, {0x1FF5, 0x1FF5},
    {0x1FFF, 0x200F}, {0x2028, 0x202F}, {0x205F, 0x206F}, {0x2072, 0x2073},
    {0x208F, 0x208F}, {0x209D, 0x209F}, {0x20C1, 0x20CF}, {0x20F1, 0x20FF},
    {0x218C, 0x218F}, {0x2427, 0x243F}, {0x244B, 0x245F}, {0x2B74, 0x2B75},
    {0x2B96, 0x2B96}, {0x2CF4, 0x2CF8}, {0x2D26, 0x2D26}, {0x2D28, 0x2D2C},
    {0x2D2E, 0x2D2F}, {0x2D68, 0x2D6E}, {0x2D71, 0x2D7E}, {0x2D97, 0x2D9F},
    {0x2DA7, 0x2DA7}, {0x2DAF, 0x2DAF}, {0x2DB7, 0x2DB7}, {0x2DBF, 0x2DBF},
    {0x2DC7, 0x2DC7}, {0x2DCF, 0x2DCF}, {0x2DD7, 0x2DD7}, {0x2DDF, 0x2DDF},
    {0x2E5E, 0x2E7F}, {0x2E9A, 0x2E9A}, {0x2EF4, 0x2EFF}, {0x2FD6, 0x2FEF},
    {0x2FFC, 0x3000}, {0x3040, 0x3040}, {0x3097, 0x3098}, {0x3100, 0x3104},
    {0x3130, 0x3130}, {0x318F, 0x318F}, {0x31E4, 0x31EF}, {0x321F, 0x321F},
    {0xA48D, 0xA48F}, {0xA4C7, 0xA4CF}, {0xA62C, 0xA63F}, {0xA6F8, 0xA6FF},
    {0xA7CB, 0xA7CF}, {0xA7D2, 0xA7D2}, {0xA7D4, 0xA7D4}, {0xA7DA, 0xA7F1},
    {0xA82D, 0xA82F}, {0xA83A, 0xA83F}, {0xA878, 0xA87F}, {0xA8C6, 0xA8CD},
    {0xA8DA, 0xA8DF}, {0xA954, 0xA95E}, {0xA97D, 0xA97F}, {0xA9CE, 0xA9CE},
    {0xA9DA, 0xA9DD}, {0xA9FF, 0xA9FF}, {0xAA37, 0xAA3F}, {0xAA4E, 0xAA4F},
    {0xAA5A, 0xAA5B}, {0xAAC3, 0xAADA}, {0xAAF7, 0xAB00}, {0xAB07, 0xAB08},
    {0xAB0F, 0xAB10}, {0xAB17, 0xAB1F}, {0xAB27, 0xAB27}, {0xAB2F, 0xAB2F},
    {0xAB6C, 0xAB6F}, {0xABEE, 0xABEF}, {0xABFA, 0xABFF}, {0xD7A4, 0xD7AF},
    {0xD7C7, 0xD7CA}, {0xD7FC, 0xF8FF}, {0xFA6E, 0xFA6F}, {0xFADA, 0xFAFF},
    {0xFB07, 0xFB12}, {0xFB18, 0xFB1C}, {0xFB37, 0xFB37}, {0xFB3D, 0xFB3D},
    {0xFB3F, 0xFB3F}, {0xFB42, 0xFB42}, {0xFB45, 0xFB45}, {0xFBC3, 0xFBD2},
    {0xFD90, 0xFD91}, {0xFDC8, 0xFDCE}, {0xFDD0, 0xFDEF}, {0xFE1A, 0xFE1F},
    {0xFE53, 0xFE53}, {0xFE67, 0xFE67}, {0xFE6C, 0xFE6F}, {0xFE75, 0xFE75},
    {0xFEFD, 0xFF00}, {0xFFBF, 0xFFC1}, {0xFFC8, 0xFFC9}, {0xFFD0, 0xFFD1},
    {0xFFD8, 0xFFD9}, {0xFFDD, 0xFFDF}, {0xFFE7, 0xFFE7}, {0xFFEF, 0xFFFB},
    {0xFFFE, 0xFFFF}, {0x1000C, 0x1000C}, {0x10027, 0x10027},
    {0x1003B, 0x1003B}, {0x1003E, 0x1003E}, {0x1004E, 0x1004F},
    {0x1005E, 0x1007F}, {0x100FB, 0x100FF}, {0x10103, 0x10106},
    {0x10134, 0x10136}, {0x1018F, 0x1018F}, {0x1019D, 0x1019F},
    {0x101A1, 0x101CF}, {0x101FE, 0x1027F}, {0x1029D, 0x1029F},
    {0x102D1, 0x102DF}, {0x102FC, 0x102FF}, {0x10324, 0x1032C},
    {0x1034B, 0x1034F}, {0x1037B, 0x1037F}, {0x1039E, 0x1039E},
    {0x103C4, 0x103C7}, {0x103D6, 0x103FF}, {0x1049E, 0x1049F},
    {0x104AA, 0x104AF}, {0x104D4, 0x104D7}, {0x104FC, 0x104FF},
    {0x10528, 0x1052F}, {0x10564, 0x1056E}, {0x1057B, 0x1057B},
    {0x1058B, 0x1058B}, {0x10593, 0x10593}, {0x10596, 0x10596},
    {0x105A2, 0x105A2}, {0x105B2, 0x105B2}, {0x105BA, 0x105BA},
    {0x105BD, 0x105FF}, {0x10737, 0x1073F}, {0x10756, 0x1075F},
    {0x10768, 0x1077F}, {0x10786, 0x10786}, {0x107B1, 0x107B1},
    {0x107BB, 0x107FF}, {0x10806, 0x10807}, {0x10809, 0x10809},
    {0x10836, 0x10836}, {0x10839, 0x1083B}, {0x1083D, 0x1083E},
    {0x10856, 0x10856}, {0x1089F, 0x108A6}, {0x108B0, 0x108DF},
    {0x108F3, 0x108F3}, {0x108F6, 0x108FA}, {0x1091C, 0x1091E},
    {0x1093A, 0x1093E}, {0x10940, 0x1097F}, {0x109B8, 0x109BB},
    {0x109D0, 0x109D1}, {0x10A04, 0x10A04}, {0x10A07, 0x10A0B},
    {0x10A14, 0x10A14}, {0x10A18, 0x10A18}, {0x10A36, 0x10A37},
    {0x10A3B, 0x10A3E}, {0x10A49, 0x10A4F}, {0x10A59, 0x10A5F},
    {0x10AA0, 0x10ABF}, {0x10AE7, 0x10AEA}, {0x10AF7, 0x10AFF},
    {0x10B36, 0x10B38}, {0x10B56, 0x10B57}, {0x10B73, 0x10B77},
    {0x10B92, 0x10B98}, {0x10B9D, 0x10BA8}, {0x10BB0, 0x10BFF},
    {0x10C49, 0x10C7F}, {0x10CB3, 0x10CBF}, {0x10CF3, 0x10CF9},
    {0x10D28, 0x10D2F}, {0x10D3A, 0x10E5F}, {0x10E7F, 0x10E7F},
    {0x10EAA, 0x10EAA}, {0x10EAE, 0x10EAF}, {0x10EB2, 0x10EFF},
    {0x10F28, 0x10F2F}, {0x10F5A, 0x10F6F}, {0x10F8A, 0x10FAF},
    {0x10FCC, 0x10FDF}, {0x10FF7, 0x10FFF}, {0x1104E, 0x11051},
    {0x11076, 0x1107E}, {0x110BD, 0x110BD}, {0x110C3, 0x110CF},
    {0x110E9, 0x110EF}, {0x110FA, 0x110FF}, {0x11135, 0x11135},
    {0x11148, 0x1114F}, {0x11177, 0x1117F}, {0x111E0, 0x111E0},
    {0x111F5, 0x111FF}, {0x11212, 0x11212}, {0x1123F, 0x1127F},
    {0x11287, 0x11287}, {0x11289, 0x11289}, {0x1128E, 0x1128E},
    {0x1129E, 0x1129E}, {0x112AA, 0x112AF}, {0x112EB, 0x112EF},
    {0x112FA, 0x112FF}, {0x11304, 0x11304}, {0x1130D, 0x1130E},
    {0x11311, 0x11312}, {0x11329, 0x11329}, {0x11331, 0x11331},
    {0x11334, 0x11334}, {0x1133A, 0x1133A}, {0x11345, 0x11346},
    {0x11349, 0x1134A}, {0x1134E, 0x1134F}, {0x11351, 0x11356},
    {0x11358, 0x1135C}, {0x11364, 0x11365}, {0x1136D, 0x1136F},
    {0x11375, 0x113FF}, {0x1145C, 0x1145C}, {0x11462, 0x1147F},
    {0x114C8, 0x114CF}, {0x114DA, 0x1157F}, {0x115B6, 0x115B7},
    {0x115DE, 0x115FF}, {0x11645, 0x1164F}, {0x1165A, 0x1165F},
    {0x1166D, 0x1167F}, {0x116BA, 0x116BF}, {0x116CA, 0x116FF},
    {0x1171B, 0x1171C}, {0x1172C, 0x1172F}, {0x11747, 0x117FF},
    {0x1183C, 0x1189F}, {0x118F3, 0x118FE}, {0x11907, 0x11908},
    {0x1190A, 0x1190B}, {0x11914, 0x11914}, {0x11917, 0x11917},
    {0x11936, 0x11936}, {0x11939, 0x1193A}, {0x11947, 0x1194F},
    {0x1195A, 0x1199F}, {0x119A8, 0x119A9}, {0x119D8, 0x119D9},
    {0x119E5, 0x119FF}, {0x11A48, 0x11A4F}, {0x11AA3, 0x11AAF},
    {0x11AF9, 0x11BFF}, {0x11C09, 0x11C09}, {0x11C37, 0x11C37},
    {0x11C46, 0x11C4F}, {0x11C6D, 0x11C6F}, {0x11C90, 0x11C91},
    {0x11CA8, 0x11CA8}, {0x11CB7, 0x11CFF}, {0x11D07, 0x11D07},
    {0x11D0A, 0x11D0A}, {0x11D37, 0x11D39}, {0x11D3B, 0x11D3B},
    {0x11D3E, 0x11D3E}, {0x11D48, 0x11D4F}, {0x11D5A, 0x11D5F},
    {0x11D66, 0x11D66}, {0x11D69, 0x11D69}, {0x11D8F, 0x11D8F},
    {0x11D92, 0x11D92}, {0x11D99, 0x11D9F}, {0x11DAA, 0x11EDF},
    {0x11EF9, 0x11FAF}, {0x11FB1, 0x11FBF}, {0x11FF2, 0x11FFE},
    {0x1239A, 0x123FF}, {0x1246F, 0x1246F}, {0x12475, 0x1247F},
    {0x12544, 0x12F8F}, {0x12FF3, 0x12FFF}, {0x1342F, 0x143FF},
    {0x14647, 0x167FF}, {0x16A39, 0x16A3F}, {0x16A5F, 0x16A5F},
    {0x16A6A, 0x16A6D}, {0x16ABF, 0x16ABF}, {0x16ACA, 0x16ACF},
    {0x16AEE, 0x16AEF}, {0x16AF6, 0x16AFF}, {0x16B46, 0x16B4F},
    {0x16B5A, 0x16B5A}, {0x16B62, 0x16B62}, {0x16B78, 0x16B7C},
    {0x16B90, 0x16E3F}, {0x16E9B, 0x16EFF}, {0x16F4B, 0x16F4E},
    {0x16F88, 0x16F8E}, {0x16FA0, 0x16FDF}, {0x16FE5, 0x16FEF},
    {0x16FF2, 0x16FFF}, {0x187F8, 0x187FF}, {0x18CD6, 0x18CFF},
    {0x18D09, 0x1AFEF}, {0x1AFF4, 0x1AFF4}, {0x1AFFC, 0x1AFFC},
    {0x1AFFF, 0x1AFFF}, {0x1B123, 0x1B14F}, {0x1B153, 0x1B163},
    {0x1B168, 0x1B16F}, {0x1B2FC, 0x1BBFF}, {0x1BC6B, 0x1BC6F},
    {0x1BC7D, 0x1BC7F}, {0x1BC89, 0x1BC8F}, {0x1BC9A, 0x1BC9B},
    {0x1BCA0, 0x1CEFF}, {0x1CF2E, 0x1CF2F}, {0x1CF47, 0x1CF4F},
    {0x1CFC4, 0x1CFFF}, {0x1D0F6, 0x1D0FF}, {0x1D127, 0x1D128},
    {0x1D173, 0x1D17A}, {0x1D1EB, 0x1D1FF}, {0x1D246, 0x1D2DF},
    {0x1D2F4, 0x1D2FF}, {0x1D357, 0x1D35F}, {0x1D379, 0x1D3FF},
    {0x1D455, 0x1D455}, {0x1D49D, 0x1D49D}, {0x1D4A0, 0x1D4A1},
    {0x1D4A3, 0x1D4A4}, {0x1D4A7, 0x1D4A8}, {0x1D4AD, 0x1D4AD},
    {0x1D4BA, 0x1D4BA}, {0x1D4BC, 0x1D4BC}, {0x1D4C4, 0x1D4C4},
    {0x1D506, 0x1D506}, {0x1D50B, 0x1D50C}, {0x1D515, 0x1D515},
    {0x1D51D, 0x1D51D}, {0x1D53A, 0x1D53A}, {0x1D53F, 0x1D53F},
    {0x1D545, 0x1D545}, {0x1D547, 0x1D549}, {0x1D551, 0x1D551},
    {0x1D6A6, 0x1D6A7}, {0x1D7CC, 0x1D7CD}, {0x1DA8C, 0x1DA9A},
    {0x1DAA0, 0x1DAA0}, {0x1DAB0, 0x1DEFF}, {0x1DF1F, 0x1DFFF},
    {0x1E007, 0x1E007}, {0x1E019, 0x1E01A}, {0x1E022, 0x1E022},
    {0x1E025, 0x1E025}, {0x1E02B, 0x1E0FF}, {0x1E12D, 0x1E12F},
    {0x1E13E, 0x1E13F}, {0x1E14A, 0x1E14D}, {0x1E150, 0x1E28F},
    {0x1E2AF, 0x1E2BF}, {0x1E2FA, 0x1E2FE}, {0x1E300, 0x1E7DF},
    {0x1E7E7, 0x1E7E7}, {0x1E7EC, 0x1E7EC}, {0x1E7EF, 0x1E7EF},
    {0x1E7FF, 0x1E7FF}, {0x1E8C5, 0x1E8C6}, {0x1E8D7, 0x1E8FF},
    {0x1E94C, 0x1E94F}, {0x1E95A, 0x1E95D}, {0x1E960, 0x1EC70},
    {0x1ECB5, 0x1ED00}, {0x1ED3E, 0x1EDFF}, {0x1EE04, 0x1EE04},
    {0x1EE20, 0x1EE20}, {0x1EE23, 0x1EE23}, {0x1EE25, 0x1EE26},
    {0x1EE28, 0x1EE28}, {0x1EE33, 0x1EE33}, {0x1EE38, 0x1EE38},
    {0x1EE3A, 0x1EE3A}, {0x1EE3C, 0x1EE41}, {0x1EE43, 0x1EE46},
    {0x1EE48, 0x1EE48}, {0x1EE4A, 0x1EE4A}, {0x1EE4C, 0x1EE4C},
    {0x1EE50, 0x1EE50}, {0x1EE53, 0x1EE53}, {0x1EE55, 0x1EE56},
    {0x1EE58, 0x1EE58}, {0x1EE5A, 0x1EE5A}, {0x1EE5C, 0x1EE5C},
    {0x1EE5E, 0x1EE5E}, {0x1EE60, 0x1EE60}, {0x1EE63, 0x1EE63},
    {0x1EE65, 0x1EE66}, {0x1EE6B, 0x1EE6B}, {0x1EE73, 0x1EE73},
    {0x1EE78, 0x1EE78}, {0x1EE7D, 0x1EE7D}, {0x1EE7F, 0x1EE7F},
    {0x1EE8A, 0x1EE8A}, {0x1EE9C, 0x1EEA0}, {0x1EEA4, 0x1EEA4},
    {0x1EEAA, 0x1EEAA}, {0x1EEBC, 0x1EEEF}, {0x1EEF2, 0x1EFFF},
    {0x1F02C, 0x1F02F}, {0x1F094, 0x1F09F}, {0x1F0AF, 0x1F0B0},
    {0x1F0C0, 0x1F0C0}, {0x1F0D0, 0x1F0D0}, {0x1F0F6, 0x1F0FF},
    {0x1F1AE, 0x1F1E5}, {0x1F203, 0x1F20F}, {0x1F23C, 0x1F23F},
    {0x1F249, 0x1F24F}, {0x1F252, 0x1F25F}, {0x1F266, 0x1F2FF},
    {0x1F6D8, 0x1F6DC}, {0x1F6ED, 0x1F6EF}, {0x1F6FD, 0x1F6FF},
    {0x1F774, 0x1F77F}, {0x1F7D9, 0x1F7DF}, {0x1F7EC, 0x1F7EF},
    {0x1F7F1, 0x1F7FF}, {0x1F80C, 0x1F80F}, {0x1F848, 0x1F84F},
    {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8AF},
    {0x1F8B2, 0x1F8FF}, {0x1FA54, 0x1FA5F}, {0x1FA6E, 0x1FA6F},
    {0x1FA75, 0x1FA77}, {0x1FA7D, 0x1FA7F}, {0x1FA87, 0x1FA8F},
    {0x1FAAD, 0x1FAAF}, {0x1FABB, 0x1FABF}, {0x1FAC6, 0x1FACF},
    {0x1FADA, 0x1FADF}, {0x1FAE8, 0x1FAEF}, {0x1FAF7, 0x1FAFF},
    {0x1FB93, 0x1FB93}, {0x1FBCB, 0x1FBEF}, {0x1FBFA, 0x1FFFF},
    {0x2A6E0, 0x2A6FF}, {0x2B739, 0x2B73F}, {0x2B81E, 0x2B81F},
    {0x2CEA2, 0x2CEAF}, {0x2EBE1, 0x2F7FF}, {0x2FA1E, 0x2FFFF},
    {0x3134B, 0xE00FF}, {0xE01F0, 0x10FFFF},
};

/* First code point of each run of ten Unicode decimal digits (0..9), as
 * unicodedata.decimal() reports them in Unicode 14.0. */
static const uint32_t digit_zeros[] = {
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66,
    0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810,
    0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30,
    0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60,
    0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140,
    0x1E2F0, 0x1E950, 0x1FBF0,
};

bool fmt_cp_isprintable(uint32_t cp) {
  size_t lo = 0;
  size_t hi = sizeof nonprintable_ranges / sizeof nonprintable_ranges[0];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < nonprintable_ranges[mid].lo) {
      hi = mid;
    } else if (cp > nonprintable_ranges[mid].hi) {
      lo = mid + 1;
    } else {
      return false;
    }
  }
  return true;
}

/* Decimal value of a Unicode decimal digit, or -1. */
static int cp_decimal(uint32_t cp) {
  size_t lo = 0;
  size_t hi = sizeof digit_zeros / sizeof digit_zeros[0];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < digit_zeros[mid]) {
      hi = mid;
    } else if (cp >= digit_zeros[mid] + 10) {
      lo = mid + 1;
    } else {
      return (int)(cp - digit_zeros[mid]);
    }
  }
  return -1;
}

/* Whitespace that int() and float() strip: ASCII " \t\n\v\f\r" and the
 * non-ASCII characters of str.isspace() (ASCII 0x1C..0x1F are not
 * stripped: CPython only maps non-ASCII spaces to ' '). */
static bool cp_strip_space(uint32_t cp) {
  switch (cp) {
  case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
  case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
  case 0x202F: case 0x205F: case 0x3000:
    return true;
  default:
    return cp >= 0x2000 && cp <= 0x200A;
  }
}

/* ---- float to text ------------------------------------------------------- */

/* More significant digits than any double's exact expansion needs. */
#define FMT_MAX_SIG 780

/* Decimal digits of a finite double: value = 0.D1D2...Dn * 10**decpt,
 * no trailing zeros, "0" with decpt 1 for zero. */
typedef struct fmt_digits {
  char d[FMT_MAX_SIG + 8]; /* digit characters, NUL-terminated */
  int n;       /* number of digits in d */
  int decpt;   /* decimal point position */
} fmt_digits;

/* Splits the output of "%.*e" (for a non-negative value) into digits. */
static void digits_from_e(const char *s, fmt_digits *out) {
  int n = 0;
  const char *p = s;
  for (; *p != 'e'; p++) {
    if (*p != '.' && n < (int)sizeof out->d - 1) {
      out->d[n++] = *p;
    }
  }
  int exp = atoi(p + 1);
  while (n > 1 && out->d[n - 1] == '0') {
    n--;
  }
  if (n == 1 && out->d[0] == '0') {
    exp = 0;
  }
  out->d[n] = '\0';
  out->n = n;
  out->decpt = exp + 1;
}

/* `sig` correctly rounded significant digits of |x| (x finite). */
static void digits_rounded(double x, int sig, fmt_digits *out) {
  char tmp[FMT_MAX_SIG + 16];
  snprintf(tmp, sizeof tmp, "%.*e", sig - 1, fabs(x));
  digits_from_e(tmp, out);
}

/* Adds delta (+1 or -1) to the last of n digits; returns false when the
 * result would need another leading digit or lose one. */
static bool digits_step(char *d, int n, int delta) {
  for (int i = n - 1; i >= 0; i--) {
    int v = d[i] - '0' + delta;
    if (v >= 0 && v <= 9) {
      d[i] = (char)('0' + v);
      return !(i == 0 && v == 0);
    }
    d[i] = delta > 0 ? '0' : '9';
  }
  return false;
}

/* Shortest digits that read back as |x| (x finite); among strings of
 * that length, the one nearest to x, as dtoa's mode 0 does. */
static void digits_shortest(double x, fmt_digits *out) {
  double ax = fabs(x);
  if (ax == 0.0) {
    strcpy(out->d, "0");
    out->n = 1;
    out->decpt = 1;
    return;
  }
  char tmp[64];
  for (int sig = 1; sig <= 17; sig++) {
    snprintf(tmp, sizeof tmp, "%.*e", sig - 1, ax);
    double back = strtod(tmp, NULL);
    if (back == ax) {
      digits_from_e(tmp, out);
      return;
    }
    /* The nearest sig-digit decimal misses when x sits on a power of two
     * (the gap below is half the gap above); the neighbouring decimal on
     * the far side may still read back as x. */
    char mant[24];
    int n = 0;
    const char *p = tmp;
    for (; *p != 'e'; p++) {
      if (*p != '.') {
        mant[n++] = *p;
      }
    }
    int exp = atoi(p + 1);
    if (!digits_step(mant, n, back < ax ? 1 : -1)) {
      continue;
    }
    char cand[64];
    snprintf(cand, sizeof cand, "%c.%.*se%d", mant[0], n - 1, mant + 1, exp);
    if (strtod(cand, NULL) == ax) {
      digits_from_e(cand, out);
      return;
    }
  }
  /* 17 significant digits always read back; not reached. */
  snprintf(tmp, sizeof tmp, "%.16e", ax);
  digits_from_e(tmp, out);
}

/* Lays out digits as CPython's format_float_short does for the 'r'
 * (repr) and 'g' presentation types. */
static fmt_result layout_digits(fmt_buf *b, const fmt_digits *dg, char type,
                                int precision, bool alt, bool add_dot_0,
                                bool upper) {
  int nd = dg->n;
  int decpt = dg->decpt;
  int vend = nd;
  bool use_exp = false;
  if (type == 'g') {
    if (decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision)) {
      use_exp = true;
    }
    if (alt) {
      vend = precision;
    }
  } else if (decpt <= -4 || decpt > 16) {
    use_exp = true;
  }
  int exp = 0;
  if (use_exp) {
    exp = decpt - 1;
    decpt = 1;
  }
  int vstart = decpt <= 0 ? decpt - 1 : 0;
  if (!use_exp && add_dot_0) {
    vend = vend > decpt ? vend : decpt + 1;
  } else {
    vend = vend > decpt ? vend : decpt;
  }
  size_t start = b->len;
  fmt_result r = FMT_OK;
  if (decpt <= 0) {
    r = append_repeat(b, '0', decpt - vstart);
    if (r == FMT_OK) {
      r = fmt_buf_appendc(b, '.');
    }
    if (r == FMT_OK) {
      r = append_repeat(b, '0', -decpt);
    }
  }
  if (r == FMT_OK && decpt > 0 && decpt <= nd) {
    r = fmt_buf_append(b, dg->d, (size_t)decpt);
    if (r == FMT_OK) {
      r = fmt_buf_appendc(b, '.');
    }
    if (r == FMT_OK) {
      r = fmt_buf_append(b, dg->d + decpt, (size_t)(nd - decpt));
    }
  } else if (r == FMT_OK) {
    r = fmt_buf_append(b, dg->d, (size_t)nd);
  }
  if (r == FMT_OK && nd < decpt) {
    r = append_repeat(b, '0', decpt - nd);
    if (r == FMT_OK) {
      r = fmt_buf_appendc(b, '.');
    }
    if (r == FMT_OK) {
      r = append_repeat(b, '0', vend - decpt);
    }
  } else if (r == FMT_OK) {
    r = append_repeat(b, '0', vend - nd);
  }
  if (r == FMT_OK && b->len > start && b->data[b->len - 1] == '.' && !alt) {
    b->data[--b->len] = '\0';
  }
  if (r == FMT_OK && use_exp) {
    r = fmt_buf_appendf(b, "%c%+.02d", upper ? 'E' : 'e', exp);
  }
  return r;
}

/* How to turn a double into text, as PyOS_double_to_string's arguments. */
typedef struct fmt_dconv {
  char type;      /* 'e', 'f', 'g' or 'r' (shortest repr digits) */
  int precision;  /* digits after the point ('e', 'f') or significant */
  bool alt;       /* keep the point and trailing zeros */
  bool add_dot_0; /* add ".0" to integral results without exponent */
  bool no_neg_0;  /* drop the sign of a result that rounds to zero */
  bool upper;     /* 'E', 'INF', 'NAN' */
} fmt_dconv;

/* Appends the text of |x| to b and tells whether a '-' belongs in front
 * (NaN never gets one). */
static fmt_result double_to_text(fmt_buf *b, double x, const fmt_dconv *cv,
                                 bool *negative) {
  *negative = false;
  if (isnan(x)) {
    return fmt_buf_appends(b, cv->upper ? "NAN" : "nan");
  }
  *negative = signbit(x) != 0;
  if (isinf(x)) {
    return fmt_buf_appends(b, cv->upper ? "INF" : "inf");
  }
  size_t start = b->len;
  fmt_result r;
  if (cv->type == 'e' || cv->type == 'f') {
    char conv[8];
    snprintf(conv, sizeof conv, "%%%s.*%c", cv->alt ? "#" : "",
             cv->type == 'e' ? (cv->upper ? 'E' : 'e') : 'f');
    int n = snprintf(NULL, 0, conv, cv->precision, fabs(x));
    if (n < 0) {
      return FMT_NOMEM;
    }
    r = fmt_buf_reserve(b, (size_t)n);
    if (r != FMT_OK) {
      return r;
    }
    snprintf(b->data + b->len, (size_t)n + 1, conv, cv->precision, fabs(x));
    b->len += (size_t)n;
  } else {
    fmt_digits dg;
    int precision = cv->precision;
    if (cv->type == 'r') {
      digits_shortest(x, &dg);
    } else {
      if (precision == 0) {
        precision = 1;
      }
      /* A double's exact decimal expansion has at most 767 significant
       * digits; asking for more only adds zeros that are stripped. */
      digits_rounded(x, precision < FMT_MAX_SIG ? precision : FMT_MAX_SIG,
                     &dg);
    }
    r = layout_digits(b, &dg, cv->type, precision, cv->alt, cv->add_dot_0,
                      cv->upper);
  }
  if (r != FMT_OK) {
    return r;
  }
  if (*negative && cv->no_neg_0) {
    bool zero = true;
    for (size_t i = start; i < b->len; i++) {
      char c = b->data[i];
      if (c == 'e' || c == 'E') {
        break;
      }
      if (c >= '1' && c <= '9') {
        zero = false;
        break;
      }
    }
    if (zero) {
      *negative = false;
    }
  }
  return FMT_OK;
}

fmt_result fmt_float_repr(fmt_buf *b, double x) {
  fmt_dconv cv = {'r', 0, false, true, false, false};
  fmt_buf tmp;
  fmt_buf_init(&tmp);
  bool negative;
  fmt_result r = double_to_text(&tmp, x, &cv, &negative);
  if (r == FMT_OK && negative) {
    r = fmt_buf_appendc(b, '-');
  }
  if (r == FMT_OK) {
    r = fmt_buf_append(b, tmp.data, tmp.len);
  }
  fmt_buf_free(&tmp);
  return r;
}

/* Digits of a magnitude in base 2, 8, 10 or 16; returns the count. */
static size_t u64_digits(uint64_t v, unsigned base, bool upper, char *out) {
  const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[64];
  size_t n = 0;
  do {
    tmp[n++] = dig[v % base];
    v /= base;
  } while (v != 0);
  for (size_t i = 0; i < n; i++) {
    out[i] = tmp[n - 1 - i];
  }
  return n;
}

static uint64_t i64_magnitude(int64_t n) {
  return n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
}

fmt_result fmt_int(fmt_buf *b, int64_t n) {
  /* written straight into the buffer from its last digit, two digits at a time (the trace
   * formats an int for every task's result) */
  static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233"
                              "34353637383940414243444546474849505152535455565758596061626364656667"
                              "6869707172737475767778798081828384858687888990919293949596979899";
  uint64_t u = i64_magnitude(n);
  size_t digits = 1;
  for (uint64_t k = u; k >= 10; k /= 10)
    digits++;
  size_t len = digits + (n < 0);
  if (fmt_buf_reserve(b, len) != FMT_OK)
    return FMT_NOMEM;
  char *start = b->data + b->len, *p = start + len;
  *p = '\0';
  while (u >= 100) {
    unsigned k = (unsigned)(u % 100) * 2;
    u /= 100;
    *--p = pairs[k + 1];
    *--p = pairs[k];
  }
  if (u >= 10) {
    *--p = pairs[u * 2 + 1];
    *--p = pairs[u * 2];
  } else {
    *--p = (char)('0' + u);
  }
  if (n < 0)
    *--p = '-';
  b->len += len;
  return FMT_OK;
}

/* ---- format spec parsing ------------------------------------------------- */

static bool is_align(uint32_t c) {
  return c == '<' || c == '>' || c == '=' || c == '^';
}

/* Reads decimal digits (any Unicode decimal digit, as CPython) starting at
 * cps[*pos]; returns the digit count or -1 on overflow of a Py_ssize_t. */
static int64_t read_integer(const uint32_t *cps, size_t n, size_t *pos,
                            int64_t *value) {
  int64_t acc = 0;
  int64_t count = 0;
  while (*pos < n) {
    int d = cp_decimal(cps[*pos]);
    if (d < 0) {
      break;
    }
    if (acc > (INT64_MAX - d) / 10) {
      return -1;
    }
    acc = acc * 10 + d;
    (*pos)++;
    count++;
  }
  *value = acc;
  return count;
}

/* Appends a presentation type character as CPython's messages show it. */
static fmt_result append_type_char(fmt_buf *b, uint32_t type) {
  if (type > 32 && type < 128) {
    return fmt_buf_appendc(b, (char)type);
  }
  return fmt_buf_appendf(b, "\\x%x", (unsigned)type);
}

static fmt_result unknown_type(fmt_buf *err, const fmt_spec *spec) {
  fmt_result r = fmt_buf_appends(err, "Unknown format code '");
  if (r == FMT_OK) {
    r = append_type_char(err, spec->type);
  }
  if (r == FMT_OK) {
    r = fmt_buf_appendf(err, "' for object of type '%.200s'", spec->type_name);
  }
  return r == FMT_OK ? FMT_ERROR : r;
}

static fmt_result set_error(fmt_buf *err, const char *msg) {
  return fmt_buf_appends(err, msg) == FMT_OK ? FMT_ERROR : FMT_NOMEM;
}

fmt_result fmt_spec_parse(const char *spec, size_t len, fmt_kind kind,
                          const char *type_name, fmt_spec *out, fmt_buf *err) {
  char default_align = kind == FMT_KIND_STR ? '<' : '>';
  out->kind = kind;
  out->type_name = type_name;
  out->fill = ' ';
  out->align = default_align;
  out->sign = 0;
  out->no_neg_0 = false;
  out->alternate = false;
  out->width = -1;
  out->grouping = 0;
  out->precision = -1;
  out->type = kind == FMT_KIND_INT ? 'd' : kind == FMT_KIND_STR ? 's' : 0;

  uint32_t *cps = malloc((len + 1) * sizeof *cps);
  if (cps == NULL) {
    return FMT_NOMEM;
  }
  size_t n = 0;
  size_t i = 0;
  bool valid;
  while (i < len) {
    cps[n++] = utf8_next(spec, len, &i, &valid);
  }

  fmt_result r = FMT_OK;
  size_t pos = 0;
  bool fill_given = false;
  bool align_given = false;
  if (n - pos >= 2 && is_align(cps[pos + 1])) {
    out->align = (char)cps[pos + 1];
    out->fill = cps[pos];
    fill_given = true;
    align_given = true;
    pos += 2;
  } else if (n - pos >= 1 && is_align(cps[pos])) {
    out->align = (char)cps[pos];
    align_given = true;
    pos++;
  }
  if (pos < n && (cps[pos] == '+' || cps[pos] == '-' || cps[pos] == ' ')) {
    out->sign = (char)cps[pos];
    pos++;
  }
  if (pos < n && cps[pos] == 'z') {
    out->no_neg_0 = true;
    pos++;
  }
  if (pos < n && cps[pos] == '#') {
    out->alternate = true;
    pos++;
  }
  if (!fill_given && pos < n && cps[pos] == '0') {
    out->fill = '0';
    if (!align_given && default_align == '>') {
      out->align = '=';
    }
    pos++;
  }
  int64_t value;
  int64_t consumed = read_integer(cps, n, &pos, &value);
  if (consumed < 0) {
    r = set_error(err, "Too many decimal digits in format string");
    goto done;
  }
  if (consumed > 0) {
    out->width = value;
  }
  if (pos < n && cps[pos] == ',') {
    out->grouping = ',';
    pos++;
  }
  if (pos < n && cps[pos] == '_') {
    if (out->grouping != 0) {
      r = set_error(err, "Cannot specify both ',' and '_'.");
      goto done;
    }
    out->grouping = '_';
    pos++;
  }
  if (pos < n && cps[pos] == ',' && out->grouping == '_') {
    r = set_error(err, "Cannot specify both ',' and '_'.");
    goto done;
  }
  if (pos < n && cps[pos] == '.') {
    pos++;
    consumed = read_integer(cps, n, &pos, &value);
    if (consumed < 0) {
      r = set_error(err, "Too many decimal digits in format string");
      goto done;
    }
    if (consumed == 0) {
      r = set_error(err, "Format specifier missing precision");
      goto done;
    }
    out->precision = value;
  }
  if (n - pos > 1) {
    r = fmt_buf_appends(err, "Invalid format specifier '");
    if (r == FMT_OK) {
      r = fmt_buf_append(err, spec, len);
    }
    if (r == FMT_OK) {
      r = fmt_buf_appendf(err, "' for object of type '%.200s'", type_name);
    }
    if (r == FMT_OK) {
      r = FMT_ERROR;
    }
    goto done;
  }
  if (n - pos == 1) {
    out->type = cps[pos];
  }
  if (out->grouping != 0) {
    switch (out->type) {
    case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%':
    case 'F': case 0:
      break;
    case 'b': case 'o': case 'x': case 'X':
      if (out->grouping == '_') {
        break;
      }
      /* fall through */
    default:
      r = fmt_buf_appendf(err, "Cannot specify '%c' with '", out->grouping);
      if (r == FMT_OK) {
        r = append_type_char(err, out->type);
      }
      if (r == FMT_OK) {
        r = fmt_buf_appends(err, "'.");
      }
      if (r == FMT_OK) {
        r = FMT_ERROR;
      }
      goto done;
    }
  }
done:
  free(cps);
  return r;
}

/* ---- number layout -------------------------------------------------------- */

/* The parts of a formatted number, in output order (after padding). */
typedef struct fmt_number {
  bool negative;         /* value is negative: a '-' sign */
  const char *prefix;    /* "0x", "0b", ... or "" */
  const char *digits;    /* integer digits, grouped with separators */
  size_t n_digits;       /* bytes (= characters) in digits */
  bool has_decimal;      /* a '.' follows the digits */
  const char *remainder; /* text after the point, or all of inf/nan/'c' */
  size_t n_remainder;    /* bytes in remainder */
  size_t remainder_cps;  /* code points in remainder */
} fmt_number;

/* Runs CPython's grouping walk from the right. Writes into out (which
 * ends at out + count) when out is not NULL; returns the character count.
 * min_width asks for zero padding inside the groups. */
static int64_t group_digits(const char *digits, int64_t n, int64_t min_width,
                            int group, char sep, char *out_end) {
  int64_t remaining = n;
  int64_t count = 0;
  bool use_sep = false;
  const char *src = digits + n;
  char *dst = out_end;
  for (;;) {
    int64_t l = remaining > min_width ? remaining : min_width;
    if (l < 1) {
      l = 1;
    }
    if (l > group) {
      l = group;
    }
    int64_t zeros = l - remaining > 0 ? l - remaining : 0;
    int64_t chars = remaining < l ? remaining : l;
    if (chars < 0) {
      chars = 0;
    }
    count += (use_sep ? 1 : 0) + zeros + chars;
    if (dst != NULL) {
      if (use_sep) {
        *--dst = sep;
      }
      for (int64_t k = 0; k < chars; k++) {
        *--dst = *--src;
      }
      for (int64_t k = 0; k < zeros; k++) {
        *--dst = '0';
      }
    }
    use_sep = true;
    remaining -= chars;
    min_width -= l;
    if (remaining <= 0 && min_width <= 0) {
      break;
    }
    min_width -= 1;
  }
  return count;
}

static fmt_result write_number(fmt_buf *b, const fmt_number *num,
                               const fmt_spec *spec, char sep, int group) {
  char sign = 0;
  if (spec->sign == '+') {
    sign = num->negative ? '-' : '+';
  } else if (spec->sign == ' ') {
    sign = num->negative ? '-' : ' ';
  } else if (num->negative) {
    sign = '-';
  }
  int64_t n_prefix = (int64_t)strlen(num->prefix);
  int64_t non_digit = (sign != 0) + n_prefix + (num->has_decimal ? 1 : 0) +
                      (int64_t)num->remainder_cps;
  int64_t min_width = 0;
  if (spec->fill == '0' && spec->align == '=') {
    min_width = spec->width - non_digit;
  }
  int64_t n_grouped = (int64_t)num->n_digits;
  if (num->n_digits > 0 && sep != 0) {
    n_grouped = group_digits(num->digits, (int64_t)num->n_digits, min_width,
                             group, sep, NULL);
  }
  int64_t padding = spec->width - (non_digit + n_grouped);
  int64_t lpad = 0;
  int64_t spad = 0;
  int64_t rpad = 0;
  if (padding > 0) {
    switch (spec->align) {
    case '<': rpad = padding; break;
    case '^': lpad = padding / 2; rpad = padding - lpad; break;
    case '=': spad = padding; break;
    default: lpad = padding; break;
    }
  }
  fmt_result r = append_repeat(b, spec->fill, lpad);
  if (r == FMT_OK && sign != 0) {
    r = fmt_buf_appendc(b, sign);
  }
  if (r == FMT_OK) {
    r = fmt_buf_append(b, num->prefix, (size_t)n_prefix);
  }
  if (r == FMT_OK) {
    r = append_repeat(b, spec->fill, spad);
  }
  if (r == FMT_OK && num->n_digits > 0) {
    if (sep != 0) {
      r = fmt_buf_reserve(b, (size_t)n_grouped);
      if (r == FMT_OK) {
        group_digits(num->digits, (int64_t)num->n_digits, min_width, group,
                     sep, b->data + b->len + n_grouped);
        b->len += (size_t)n_grouped;
        b->data[b->len] = '\0';
      }
    } else {
      r = fmt_buf_append(b, num->digits, num->n_digits);
    }
  }
  if (r == FMT_OK && num->has_decimal) {
    r = fmt_buf_appendc(b, '.');
  }
  if (r == FMT_OK) {
    r = fmt_buf_append(b, num->remainder, num->n_remainder);
  }
  if (r == FMT_OK) {
    r = append_repeat(b, spec->fill, rpad);
  }
  return r;
}

/* ---- format() for float, int and str ------------------------------------- */

static fmt_result format_double(fmt_buf *b, double value, const fmt_spec *spec,
                                fmt_buf *err) {
  if (spec->precision > INT_MAX) {
    return set_error(err, "precision too big");
  }
  fmt_dconv cv;
  uint32_t type = spec->type;
  int default_precision = 6;
  cv.alt = spec->alternate;
  cv.no_neg_0 = spec->no_neg_0;
  cv.add_dot_0 = false;
  cv.upper = type == 'E' || type == 'F' || type == 'G';
  bool percent = false;
  switch (type) {
  case 0:
    cv.type = 'r';
    cv.add_dot_0 = true;
    default_precision = 0;
    break;
  case 'n': case 'g': case 'G':
    cv.type = 'g';
    break;
  case 'e': case 'E':
    cv.type = 'e';
    break;
  case '%':
    percent = true;
    value *= 100;
    cv.type = 'f';
    break;
  default:
    cv.type = 'f';
    break;
  }
  if (spec->precision < 0) {
    cv.precision = default_precision;
  } else {
    cv.precision = (int)spec->precision;
    if (cv.type == 'r') {
      cv.type = 'g';
    }
  }
  fmt_buf text;
  fmt_buf_init(&text);
  bool negative;
  fmt_result r = double_to_text(&text, value, &cv, &negative);
  if (r == FMT_OK && percent) {
    r = fmt_buf_appendc(&text, '%');
  }
  if (r != FMT_OK) {
    fmt_buf_free(&text);
    return r;
  }
  fmt_number num;
  num.negative = negative;
  num.prefix = "";
  num.digits = text.data;
  size_t k = 0;
  while (k < text.len && text.data[k] >= '0' && text.data[k] <= '9') {
    k++;
  }
  num.n_digits = k;
  num.has_decimal = k < text.len && text.data[k] == '.';
  if (num.has_decimal) {
    k++;
  }
  num.remainder = text.data + k;
  num.n_remainder = text.len - k;
  num.remainder_cps = num.n_remainder;
  /* 'n' uses the C locale of the process: no grouping. */
  char sep = type == 'n' ? 0 : spec->grouping;
  r = write_number(b, &num, spec, sep, 3);
  fmt_buf_free(&text);
  return r;
}

fmt_result fmt_format_float(fmt_buf *b, double value, const fmt_spec *spec,
                            fmt_buf *err) {
  switch (spec->type) {
  case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
  case 'n': case '%':
    return format_double(b, value, spec, err);
  default:
    return unknown_type(err, spec);
  }
}

static fmt_result format_integer(fmt_buf *b, int64_t value,
                                 const fmt_spec *spec, fmt_buf *err) {
  if (spec->precision != -1) {
    return set_error(err, "Precision not allowed in integer format specifier");
  }
  if (spec->no_neg_0) {
    return set_error(err, "Negative zero coercion (z) not allowed in integer "
                          "format specifier");
  }
  fmt_number num;
  char digits[72];
  char chr[4];
  num.prefix = "";
  num.has_decimal = false;
  if (spec->type == 'c') {
    if (spec->sign != 0) {
      return set_error(err, "Sign not allowed with integer format specifier "
                            "'c'");
    }
    if (spec->alternate) {
      return set_error(err, "Alternate form (#) not allowed with integer "
                            "format specifier 'c'");
    }
    if (value < 0 || value > 0x10FFFF) {
      fmt_result r = fmt_buf_appends(err, "%c arg not in range(0x110000)");
      return r == FMT_OK ? FMT_OVERFLOW : r;
    }
    num.negative = false;
    num.digits = "";
    num.n_digits = 0;
    num.remainder = chr;
    num.n_remainder = utf8_encode((uint32_t)value, chr);
    num.remainder_cps = 1;
    return write_number(b, &num, spec, 0, 3);
  }
  unsigned base = 10;
  const char *prefix = "";
  switch (spec->type) {
  case 'b': base = 2; prefix = "0b"; break;
  case 'o': base = 8; prefix = "0o"; break;
  case 'x': base = 16; prefix = "0x"; break;
  case 'X': base = 16; prefix = "0X"; break;
  default: break;
  }
  num.negative = value < 0;
  if (spec->alternate) {
    num.prefix = prefix;
  }
  num.digits = digits;
  num.n_digits = u64_digits(i64_magnitude(value), base, spec->type == 'X',
                            digits);
  num.remainder = "";
  num.n_remainder = 0;
  num.remainder_cps = 0;
  char sep = spec->type == 'n' ? 0 : spec->grouping;
  return write_number(b, &num, spec, sep, base == 10 ? 3 : 4);
}

fmt_result fmt_format_int(fmt_buf *b, int64_t value, const fmt_spec *spec,
                          fmt_buf *err) {
  /* The default type of int is 'd'; an explicit NUL type is unknown. */
  switch (spec->type) {
  case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
    return format_integer(b, value, spec, err);
  case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
    return format_double(b, (double)value, spec, err);
  default:
    return unknown_type(err, spec);
  }
}

fmt_result fmt_format_str(fmt_buf *b, const char *s, size_t len,
                          const fmt_spec *spec, fmt_buf *err) {
  /* The default type of str is 's'; an explicit NUL type is unknown. */
  if (spec->type != 's') {
    return unknown_type(err, spec);
  }
  if (spec->sign == ' ') {
    return set_error(err, "Space not allowed in string format specifier");
  }
  if (spec->sign != 0) {
    return set_error(err, "Sign not allowed in string format specifier");
  }
  if (spec->no_neg_0) {
    return set_error(err, "Negative zero coercion (z) not allowed in string "
                          "format specifier");
  }
  if (spec->alternate) {
    return set_error(err, "Alternate form (#) not allowed in string format "
                          "specifier");
  }
  if (spec->align == '=') {
    return set_error(err, "'=' alignment not allowed in string format "
                          "specifier");
  }
  size_t nchars = fmt_utf8_length(s, len);
  size_t nbytes = len;
  if (spec->precision >= 0 && (uint64_t)spec->precision < nchars) {
    nchars = (size_t)spec->precision;
    nbytes = utf8_prefix_bytes(s, len, nchars);
  }
  int64_t total = spec->width > (int64_t)nchars ? spec->width : (int64_t)nchars;
  int64_t lpad = 0;
  if (spec->align == '>') {
    lpad = total - (int64_t)nchars;
  } else if (spec->align == '^') {
    lpad = (total - (int64_t)nchars) / 2;
  }
  int64_t rpad = total - (int64_t)nchars - lpad;
  fmt_result r = append_repeat(b, spec->fill, lpad);
  if (r == FMT_OK) {
    r = fmt_buf_append(b, s, nbytes);
  }
  if (r == FMT_OK) {
    r = append_repeat(b, spec->fill, rpad);
  }
  return r;
}

/* ---- repr of str ------------------------------------------------------------ */

fmt_result fmt_str_repr(fmt_buf *b, const char *s, size_t len) {
  bool has_single = memchr(s, '\'', len) != NULL;
  bool has_double = memchr(s, '"', len) != NULL;
  char quote = has_single && !has_double ? '"' : '\'';
  fmt_result r = fmt_buf_appendc(b, quote);
  size_t i = 0;
  while (r == FMT_OK && i < len) {
    size_t at = i;
    bool valid;
    uint32_t cp = utf8_next(s, len, &i, &valid);
    if (!valid) {
      r = fmt_buf_append(b, s + at, 1);
    } else if (cp == (uint32_t)quote || cp == '\\') {
      char esc[2] = {'\\', (char)cp};
      r = fmt_buf_append(b, esc, 2);
    } else if (cp == '\t') {
      r = fmt_buf_appends(b, "\\t");
    } else if (cp == '\n') {
      r = fmt_buf_appends(b, "\\n");
    } else if (cp == '\r') {
      r = fmt_buf_appends(b, "\\r");
    } else if (cp >= 0x20 && cp < 0x7F) {
      r = fmt_buf_appendc(b, (char)cp);
    } else if (cp >= 0x7F && fmt_cp_isprintable(cp)) {
      r = fmt_buf_append(b, s + at, i - at);
    } else if (cp < 0x100) {
      r = fmt_buf_appendf(b, "\\x%02x", (unsigned)cp);
    } else if (cp < 0x10000) {
      r = fmt_buf_appendf(b, "\\u%04x", (unsigned)cp);
    } else {
      r = fmt_buf_appendf(b, "\\U%08x", (unsigned)cp);
    }
  }
  if (r == FMT_OK) {
    r = fmt_buf_appendc(b, quote);
  }
  return r;
}

/* ---- int() and float() of strings ------------------------------------------ */

/* The string as CPython sees it after mapping non-ASCII spaces to ' ' and
 * Unicode digits to ASCII, with surrounding whitespace stripped. Any other
 * non-ASCII character makes the text invalid (returns false). */
static bool normalize_number(const char *s, size_t len, fmt_buf *out) {
  size_t i = 0;
  bool valid;
  while (i < len) {
    uint32_t cp = utf8_next(s, len, &i, &valid);
    char c;
    if (!valid) {
      return false;
    }
    if (cp < 0x80) {
      c = (char)cp;
    } else if (cp_strip_space(cp)) {
      c = ' ';
    } else {
      int d = cp_decimal(cp);
      if (d < 0) {
        return false;
      }
      c = (char)('0' + d);
    }
    if (fmt_buf_appendc(out, c) != FMT_OK) {
      return false;
    }
  }
  return true;
}

static bool ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

/* Bounds of the stripped text inside a normalized buffer. */
static void strip_bounds(const fmt_buf *t, size_t *lo, size_t *hi) {
  *lo = 0;
  *hi = t->len;
  while (*lo < *hi && ascii_space(t->data[*lo])) {
    (*lo)++;
  }
  while (*hi > *lo && ascii_space(t->data[*hi - 1])) {
    (*hi)--;
  }
}

static int digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'Z') {
    return c - 'A' + 10;
  }
  return 99;
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

fmt_parse_result fmt_parse_int(const char *s, size_t len, int base,
                               int64_t *out) {
  if (base != 0 && (base < 2 || base > 36)) {
    return FMT_PARSE_BAD_BASE;
  }
  fmt_buf t;
  fmt_buf_init(&t);
  if (!normalize_number(s, len, &t) || t.len == 0) {
    fmt_buf_free(&t);
    return FMT_PARSE_INVALID;
  }
  size_t p;
  size_t end;
  strip_bounds(&t, &p, &end);
  const char *d = t.data;
  bool negative = false;
  if (p < end && (d[p] == '+' || d[p] == '-')) {
    negative = d[p] == '-';
    p++;
  }
  /* A base prefix may be followed directly by an underscore. */
  bool after_prefix = false;
  bool leading_zero_rule = false;
  if (end - p >= 2 && d[p] == '0') {
    char c = lower(d[p + 1]);
    int prefix_base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
    if (prefix_base != 0 && (base == 0 || base == prefix_base)) {
      base = prefix_base;
      p += 2;
      after_prefix = true;
    }
  }
  if (base == 0) {
    base = 10;
    leading_zero_rule = p < end && d[p] == '0';
  }
  if (after_prefix && p < end && d[p] == '_') {
    p++;
  }
  fmt_parse_result res = FMT_PARSE_OK;
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  uint64_t acc = 0;
  size_t ndigits = 0;
  bool nonzero = false;
  bool prev_underscore = false;
  for (; p < end; p++) {
    char c = d[p];
    if (c == '_') {
      if (ndigits == 0 || prev_underscore) {
        res = FMT_PARSE_INVALID;
        break;
      }
      prev_underscore = true;
      continue;
    }
    int v = digit_value(c);
    if (v >= base) {
      res = FMT_PARSE_INVALID;
      break;
    }
    prev_underscore = false;
    ndigits++;
    if (v != 0) {
      nonzero = true;
    }
    if (res == FMT_PARSE_OK) {
      if (acc > (limit - (uint64_t)v) / (uint64_t)base) {
        res = FMT_PARSE_OVERFLOW;
      } else {
        acc = acc * (uint64_t)base + (uint64_t)v;
      }
    }
  }
  if (res != FMT_PARSE_INVALID &&
      (ndigits == 0 || prev_underscore || (leading_zero_rule && nonzero))) {
    res = FMT_PARSE_INVALID;
  }
  fmt_buf_free(&t);
  if (res == FMT_PARSE_OK) {
    *out = negative ? (int64_t)(0 - acc) : (int64_t)acc;
  }
  return res;
}

/* Appends repr(s) cut to at most `max` characters (CPython's %.200R). */
static fmt_result append_repr_limited(fmt_buf *b, const char *s, size_t len,
                                      size_t max) {
  fmt_buf tmp;
  fmt_buf_init(&tmp);
  fmt_result r = fmt_str_repr(&tmp, s, len);
  if (r == FMT_OK) {
    r = fmt_buf_append(b, tmp.data, utf8_prefix_bytes(tmp.data, tmp.len, max));
  }
  fmt_buf_free(&tmp);
  return r;
}

fmt_result fmt_parse_int_message(fmt_buf *b, fmt_parse_result r,
                                 const char *s, size_t len, int base) {
  if (r == FMT_PARSE_BAD_BASE) {
    return fmt_buf_appends(b, "int() base must be >= 2 and <= 36, or 0");
  }
  fmt_result res =
      fmt_buf_appendf(b, "invalid literal for int() with base %d: ", base);
  if (res == FMT_OK) {
    res = append_repr_limited(b, s, len, 200);
  }
  return res;
}

/* Matches "inf", "infinity" or "nan" (any case) exactly. */
static bool match_word(const char *d, size_t n, const char *word) {
  if (strlen(word) != n) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (lower(d[i]) != word[i]) {
      return false;
    }
  }
  return true;
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

fmt_parse_result fmt_parse_float(const char *s, size_t len, double *out) {
  fmt_buf t;
  fmt_buf_init(&t);
  fmt_buf clean;
  fmt_buf_init(&clean);
  fmt_parse_result res = FMT_PARSE_INVALID;
  if (!normalize_number(s, len, &t) || t.len == 0) {
    goto done;
  }
  size_t lo;
  size_t hi;
  strip_bounds(&t, &lo, &hi);
  /* Underscores only between two digits; removed before conversion. */
  char prev = 0;
  for (size_t i = lo; i < hi; i++) {
    char c = t.data[i];
    if (c == '_') {
      if (!is_digit(prev)) {
        goto done;
      }
    } else {
      if (prev == '_' && !is_digit(c)) {
        goto done;
      }
      if (fmt_buf_appendc(&clean, c) != FMT_OK) {
        goto done;
      }
    }
    prev = c;
  }
  if (prev == '_' || clean.len == 0) {
    goto done;
  }
  const char *d = clean.data;
  size_t n = clean.len;
  size_t p = 0;
  bool negative = false;
  if (d[p] == '+' || d[p] == '-') {
    negative = d[p] == '-';
    p++;
  }
  if (match_word(d + p, n - p, "inf") || match_word(d + p, n - p, "infinity")) {
    *out = negative ? -INFINITY : INFINITY;
    res = FMT_PARSE_OK;
    goto done;
  }
  if (match_word(d + p, n - p, "nan")) {
    *out = negative ? -NAN : NAN;
    res = FMT_PARSE_OK;
    goto done;
  }
  size_t int_digits = 0;
  size_t frac_digits = 0;
  while (p < n && is_digit(d[p])) {
    p++;
    int_digits++;
  }
  if (p < n && d[p] == '.') {
    p++;
    while (p < n && is_digit(d[p])) {
      p++;
      frac_digits++;
    }
  }
  if (int_digits + frac_digits == 0) {
    goto done;
  }
  if (p < n && (d[p] == 'e' || d[p] == 'E')) {
    p++;
    if (p < n && (d[p] == '+' || d[p] == '-')) {
      p++;
    }
    size_t exp_digits = 0;
    while (p < n && is_digit(d[p])) {
      p++;
      exp_digits++;
    }
    if (exp_digits == 0) {
      goto done;
    }
  }
  if (p != n) {
    goto done;
  }
  *out = strtod(d, NULL);
  res = FMT_PARSE_OK;
done:
  fmt_buf_free(&t);
  fmt_buf_free(&clean);
  return res;
}

fmt_result fmt_parse_float_message(fmt_buf *b, const char *s, size_t len) {
  fmt_result r = fmt_buf_appends(b, "could not convert string to float: ");
  if (r == FMT_OK) {
    r = fmt_str_repr(b, s, len);
  }
  return r;
}

/* ---- round() ------------------------------------------------------------------ */

double fmt_round_half_even(double x) {
  if (!isfinite(x)) {
    return x;
  }
  double f = floor(x);
  double diff = x - f;
  double r;
  if (diff > 0.5) {
    r = f + 1.0;
  } else if (diff < 0.5) {
    r = f;
  } else {
    r = fmod(f, 2.0) == 0.0 ? f : f + 1.0;
  }
  /* Adding zero turns -0.0 into 0.0: the caller wants an integer. */
  return r + 0.0;
}

/* Rounds the decimal digit string d (n digits, d[0] == '0' so that a
 * carry always fits) half to even, keeping `keep` digits and zeroing the
 * rest; sticky tells whether nonzero digits follow the string. */
static void round_digit_string(char *d, size_t n, size_t keep, bool sticky) {
  char first = d[keep];
  bool rest_nonzero = sticky;
  for (size_t i = keep + 1; i < n && !rest_nonzero; i++) {
    rest_nonzero = d[i] != '0';
  }
  bool up;
  if (first != '5') {
    up = first > '5';
  } else if (rest_nonzero) {
    up = true;
  } else {
    up = (d[keep - 1] - '0') % 2 == 1;
  }
  for (size_t i = keep; i < n; i++) {
    d[i] = '0';
  }
  for (size_t i = keep; up && i > 0; i--) {
    if (d[i - 1] == '9') {
      d[i - 1] = '0';
    } else {
      d[i - 1]++;
      up = false;
    }
  }
}

fmt_result fmt_round_double(double x, int64_t ndigits, double *out,
                            fmt_buf *err) {
  /* Beyond these, CPython returns x itself or a zero of x's sign. */
  const int64_t ndigits_max = 323;
  const int64_t ndigits_min = -308;
  if (ndigits > ndigits_max || !isfinite(x) || x == 0.0) {
    *out = x;
    return FMT_OK;
  }
  if (ndigits < ndigits_min) {
    *out = 0.0 * x;
    return FMT_OK;
  }
  double v;
  if (ndigits >= 0) {
    fmt_buf text;
    fmt_buf_init(&text);
    fmt_result r = fmt_buf_appendf(&text, "%.*f", (int)ndigits, x);
    if (r != FMT_OK) {
      return r;
    }
    v = strtod(text.data, NULL);
    fmt_buf_free(&text);
  } else {
    /* The integral part printed exactly (at most 309 digits), then
     * rounded half to even at -ndigits places from the right; a nonzero
     * fraction breaks ties. d[0] is a spare leading zero for a carry. */
    char d[330];
    double ip = trunc(x);
    bool sticky = x != ip;
    d[0] = '0';
    int len = snprintf(d + 1, sizeof d - 1, "%.0f", fabs(ip));
    size_t n = (size_t)len + 1;
    size_t drop = (size_t)(-ndigits);
    if (drop >= n) {
      *out = 0.0 * x;
      return FMT_OK;
    }
    round_digit_string(d, n, n - drop, sticky);
    v = copysign(strtod(d, NULL), x);
  }
  if (isinf(v)) {
    if (err != NULL &&
        fmt_buf_appends(err, "rounded value too large to represent") !=
            FMT_OK) {
      return FMT_NOMEM;
    }
    return FMT_OVERFLOW;
  }
  *out = v;
  return FMT_OK;
}
