/* bi_str: the methods of str and str.format.
 *
 * Case mapping and character classes cover ASCII, Latin-1, Greek and
 * Cyrillic (the letters a scenario plausibly prints); other code points
 * are left unchanged by upper()/lower() and count as neither letters nor
 * digits. */
#include <inttypes.h>
#include <string.h>

#include "bi_private.h"
#include "ops.h"

#define NATIVE(name) static bool name(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out)
#define SELF(mname)                                                                                \
  do {                                                                                             \
    if (!bi_take_self(v, &self, &args, &nargs, v->cls[CLS_STR], mname)) return false;              \
  } while (0)

/* ------------------------------------------------------------ code points */

static uint32_t next_cp(const char *s, size_t len, size_t *i) {
  unsigned char c = (unsigned char)s[*i];
  if (c < 0x80) {
    (*i)++;
    return c;
  }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (n == 1 || *i + n > len) {
    (*i)++;
    return c;
  }
  uint32_t cp = c & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
  for (size_t k = 1; k < n; k++) {
    unsigned char d = (unsigned char)s[*i + k];
    if ((d & 0xC0) != 0x80) {
      (*i)++;
      return c;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  *i += n;
  return cp;
}

static bool cp_isspace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool cp_isupper(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
         (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x400 && c <= 0x42F);
}

static bool cp_islower(uint32_t c) {
  return (c >= 'a' && c <= 'z') || c == 0xB5 || (c >= 0xDF && c <= 0xFF && c != 0xF7) ||
         (c >= 0x3AC && c <= 0x3CE) || (c >= 0x430 && c <= 0x45F);
}

static bool cp_isalpha(uint32_t c) {
  return cp_isupper(c) || cp_islower(c) || c == 0xAA || c == 0xBA;
}

static bool cp_isdigit(uint32_t c) { return c >= '0' && c <= '9'; }

static uint32_t cp_upper(uint32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c < 0x80) return c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c == 0xB5) return 0x39C;
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
  if (c == 0x3C2) return 0x3A3;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

static uint32_t cp_lower(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0x178) return 0xFF;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

static bool cased(uint32_t c) { return cp_isupper(c) || cp_islower(c); }

/* ------------------------------------------------------------ results */

static bool ret_buf(vm *v, fmt_buf *b, value *out) {
  obj_str *s = bi_str_from_buf(v, b);
  if (!s) return false;
  *out = val_obj(s);
  return true;
}

static bool ret_bytes(vm *v, const char *s, size_t len, value *out) {
  obj_str *r = obj_str_new(v, s, len);
  if (!r) return false;
  *out = val_obj(r);
  return true;
}

static bool need_str(vm *v, value x, const char *what) {
  if (val_is(x, OBJ_STR)) return true;
  vm_raisef(v, CLS_TYPE_ERROR, "%s must be str, not %s", what, obj_type_name(v, x));
  return false;
}

/* ------------------------------------------------------------ case */

typedef enum case_mode { CASE_UPPER, CASE_LOWER, CASE_SWAP, CASE_CAPITALIZE, CASE_TITLE } case_mode;

static bool map_case(vm *v, obj_str *s, case_mode mode, value *out) {
  fmt_buf b;
  fmt_buf_init(&b);
  if (fmt_buf_reserve(&b, s->len) != FMT_OK) return bi_nomem(v);
  bool prev_cased = false, first = true;
  for (size_t i = 0; i < s->len;) {
    uint32_t c = next_cp(s->data, s->len, &i), r = c;
    bool starts_word = first;
    switch (mode) {
    case CASE_UPPER: r = cp_upper(c); break;
    case CASE_LOWER: r = cp_lower(c); break;
    case CASE_SWAP: r = cp_isupper(c) ? cp_lower(c) : cp_islower(c) ? cp_upper(c) : c; break;
    case CASE_CAPITALIZE: r = first ? cp_upper(c) : cp_lower(c); break;
    case CASE_TITLE:
      starts_word = !prev_cased;
      r = prev_cased ? cp_lower(c) : cp_upper(c);
      prev_cased = cased(c);
      break;
    }
    first = false;
    fmt_result fr;
    if (c == 0xDF && (mode == CASE_UPPER || mode == CASE_SWAP))
      fr = fmt_buf_appends(&b, "SS"); /* the full case mapping of 'ß' */
    else if (c == 0xDF && (mode == CASE_CAPITALIZE || mode == CASE_TITLE) && starts_word)
      fr = fmt_buf_appends(&b, "Ss");
    else
      fr = fmt_buf_append_cp(&b, r);
    if (fr != FMT_OK) {
      fmt_buf_free(&b);
      return bi_nomem(v);
    }
  }
  return ret_buf(v, &b, out);
}

#define CASE_METHOD(fn, mname, mode)                                                               \
  NATIVE(fn) {                                                                                     \
    SELF(mname);                                                                                   \
    if (!bi_arg_count(v, "str." mname, nargs, kw, 0, 0)) return false;                             \
    return map_case(v, AS_STR(self), mode, out);                                                   \
  }

CASE_METHOD(m_upper, "upper", CASE_UPPER)
CASE_METHOD(m_lower, "lower", CASE_LOWER)
CASE_METHOD(m_casefold, "casefold", CASE_LOWER)
CASE_METHOD(m_swapcase, "swapcase", CASE_SWAP)
CASE_METHOD(m_capitalize, "capitalize", CASE_CAPITALIZE)
CASE_METHOD(m_title, "title", CASE_TITLE)

/* ------------------------------------------------------------ predicates */

typedef enum pred { P_DIGIT, P_ALPHA, P_ALNUM, P_SPACE, P_UPPER, P_LOWER, P_ASCII, P_TITLE,
                    P_IDENT, P_PRINTABLE } pred;

static bool check_pred(obj_str *s, pred p) {
  if (s->len == 0) return p == P_ASCII || p == P_PRINTABLE;
  bool any_cased = false, prev_cased = false, title_ok = true;
  size_t i = 0, idx = 0;
  while (i < s->len) {
    uint32_t c = next_cp(s->data, s->len, &i);
    switch (p) {
    case P_DIGIT:
      if (!cp_isdigit(c)) return false;
      break;
    case P_ALPHA:
      if (!cp_isalpha(c)) return false;
      break;
    case P_ALNUM:
      if (!cp_isalpha(c) && !cp_isdigit(c)) return false;
      break;
    case P_SPACE:
      if (!cp_isspace(c)) return false;
      break;
    case P_UPPER:
      if (cp_islower(c)) return false;
      if (cp_isupper(c)) any_cased = true;
      break;
    case P_LOWER:
      if (cp_isupper(c)) return false;
      if (cp_islower(c)) any_cased = true;
      break;
    case P_ASCII:
      if (c >= 0x80) return false;
      break;
    case P_TITLE:
      if (cp_isupper(c)) {
        if (prev_cased) title_ok = false;
        prev_cased = true;
        any_cased = true;
      } else if (cp_islower(c)) {
        if (!prev_cased) title_ok = false;
        prev_cased = true;
        any_cased = true;
      } else {
        prev_cased = false;
      }
      break;
    case P_IDENT:
      if (!(c == '_' || cp_isalpha(c) || (idx > 0 && cp_isdigit(c)) || c >= 0x80)) return false;
      break;
    case P_PRINTABLE:
      if (!fmt_cp_isprintable(c)) return false;
      break;
    }
    idx++;
  }
  if (p == P_UPPER || p == P_LOWER) return any_cased;
  if (p == P_TITLE) return any_cased && title_ok;
  return true;
}

#define PRED_METHOD(fn, mname, p)                                                                  \
  NATIVE(fn) {                                                                                     \
    SELF(mname);                                                                                   \
    if (!bi_arg_count(v, "str." mname, nargs, kw, 0, 0)) return false;                             \
    *out = val_bool(check_pred(AS_STR(self), p));                                                  \
    return true;                                                                                   \
  }

PRED_METHOD(m_isdigit, "isdigit", P_DIGIT)
PRED_METHOD(m_isdecimal, "isdecimal", P_DIGIT)
PRED_METHOD(m_isnumeric, "isnumeric", P_DIGIT)
PRED_METHOD(m_isalpha, "isalpha", P_ALPHA)
PRED_METHOD(m_isalnum, "isalnum", P_ALNUM)
PRED_METHOD(m_isspace, "isspace", P_SPACE)
PRED_METHOD(m_isupper, "isupper", P_UPPER)
PRED_METHOD(m_islower, "islower", P_LOWER)
PRED_METHOD(m_isascii, "isascii", P_ASCII)
PRED_METHOD(m_istitle, "istitle", P_TITLE)
PRED_METHOD(m_isidentifier, "isidentifier", P_IDENT)
PRED_METHOD(m_isprintable, "isprintable", P_PRINTABLE)

/* ------------------------------------------------------------ strip */

static bool in_chars(uint32_t c, obj_str *chars) {
  if (!chars) return cp_isspace(c);
  for (size_t i = 0; i < chars->len;)
    if (next_cp(chars->data, chars->len, &i) == c) return true;
  return false;
}

static bool do_strip(vm *v, value self, const value *args, int nargs, obj_tuple *kw, value *out,
                     bool left, bool right, const char *fname) {
  if (!bi_arg_count(v, fname, nargs, kw, 0, 1)) return false;
  obj_str *chars = NULL;
  if (nargs == 1 && args[0].t != VAL_NONE) {
    if (!val_is(args[0], OBJ_STR)) {
      vm_raise_msg(v, CLS_TYPE_ERROR, "strip arg must be None or str");
      return false;
    }
    chars = AS_STR(args[0]);
  }
  obj_str *s = AS_STR(self);
  size_t start = 0, end = s->len;
  if (left) {
    while (start < end) {
      size_t i = start;
      uint32_t c = next_cp(s->data, s->len, &i);
      if (!in_chars(c, chars)) break;
      start = i;
    }
  }
  if (right) {
    while (end > start) {
      size_t b = end - 1;
      while (b > start && ((unsigned char)s->data[b] & 0xC0) == 0x80) b--;
      size_t i = b;
      uint32_t c = next_cp(s->data, s->len, &i);
      if (!in_chars(c, chars)) break;
      end = b;
    }
  }
  if (start == 0 && end == s->len) {
    *out = self;
    return true;
  }
  return ret_bytes(v, s->data + start, end - start, out);
}

NATIVE(m_strip) {
  SELF("strip");
  return do_strip(v, self, args, nargs, kw, out, true, true, "=strip");
}
NATIVE(m_lstrip) {
  SELF("lstrip");
  return do_strip(v, self, args, nargs, kw, out, true, false, "=lstrip");
}
NATIVE(m_rstrip) {
  SELF("rstrip");
  return do_strip(v, self, args, nargs, kw, out, false, true, "=rstrip");
}

/* ------------------------------------------------------------ searching */

static int64_t find_bytes(const char *h, size_t hl, const char *n, size_t nl, size_t from,
                          size_t to, bool reverse) {
  if (to > hl) to = hl;
  if (from > to || nl > to - from) return -1;
  if (!reverse) {
    for (size_t i = from; i + nl <= to; i++)
      if (memcmp(h + i, n, nl) == 0) return (int64_t)i;
  } else {
    for (size_t i = to - nl + 1; i-- > from;)
      if (memcmp(h + i, n, nl) == 0) return (int64_t)i;
  }
  return -1;
}

/* start/end arguments as code point indices clipped like a slice, then
 * converted to byte offsets. */
static bool range_args(vm *v, obj_str *s, const value *args, int nargs, size_t *from, size_t *to,
                       int64_t *cfrom) {
  int64_t len = (int64_t)s->chars, st = 0, en = len;
  if (nargs >= 1 && args[0].t != VAL_NONE && !bi_slice_index(v, args[0], true, &st)) return false;
  if (nargs >= 2 && args[1].t != VAL_NONE && !bi_slice_index(v, args[1], true, &en)) return false;
  if (st < 0) st = st + len < 0 ? 0 : st + len;
  if (en < 0) en = en + len < 0 ? 0 : en + len;
  if (en > len) en = len;
  *cfrom = st;
  if (st > len) {
    *from = s->len + 1;
    *to = s->len;
    return true;
  }
  *from = bi_str_offset(s, st);
  *to = bi_str_offset(s, en < st ? st : en);
  if (en < st) *from = *to + 1;
  return true;
}

static int64_t char_index(obj_str *s, int64_t byte) {
  if (byte < 0) return -1;
  return (int64_t)fmt_utf8_length(s->data, (size_t)byte);
}

static bool search(vm *v, value self, const value *args, int nargs, obj_tuple *kw, const char *fname,
                   bool reverse, bool raise, value *out) {
  if (!bi_arg_count(v, fname, nargs, kw, 1, 3)) return false;
  size_t from, to;
  int64_t cf;
  if (!range_args(v, AS_STR(self), args + 1, nargs - 1, &from, &to, &cf)) return false;
  if (!val_is(args[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "must be str, not %s", obj_type_name(v, args[0]));
    return false;
  }
  obj_str *s = AS_STR(self), *sub = AS_STR(args[0]);
  int64_t r = -1;
  if (from <= to) r = find_bytes(s->data, s->len, sub->data, sub->len, from, to, reverse);
  if (r < 0 && raise) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "substring not found");
    return false;
  }
  *out = val_int(char_index(s, r));
  return true;
}

NATIVE(m_find) {
  SELF("find");
  return search(v, self, args, nargs, kw, "find", false, false, out);
}
NATIVE(m_rfind) {
  SELF("rfind");
  return search(v, self, args, nargs, kw, "rfind", true, false, out);
}
NATIVE(m_index) {
  SELF("index");
  return search(v, self, args, nargs, kw, "index", false, true, out);
}
NATIVE(m_rindex) {
  SELF("rindex");
  return search(v, self, args, nargs, kw, "rindex", true, true, out);
}

NATIVE(m_count) {
  SELF("count");
  if (!bi_arg_count(v, "count", nargs, kw, 1, 3)) return false;
  size_t from, to;
  int64_t cf;
  if (!range_args(v, AS_STR(self), args + 1, nargs - 1, &from, &to, &cf)) return false;
  if (!val_is(args[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "must be str, not %s", obj_type_name(v, args[0]));
    return false;
  }
  obj_str *s = AS_STR(self), *sub = AS_STR(args[0]);
  int64_t n = 0;
  if (from <= to) {
    if (sub->len == 0) {
      n = (int64_t)fmt_utf8_length(s->data + from, to - from) + 1;
    } else {
      size_t i = from;
      int64_t r;
      while ((r = find_bytes(s->data, s->len, sub->data, sub->len, i, to, false)) >= 0) {
        n++;
        i = (size_t)r + sub->len;
      }
    }
  }
  *out = val_int(n);
  return true;
}

static bool affix(vm *v, value self, const value *args, int nargs, obj_tuple *kw, bool end,
                  value *out) {
  const char *fname = end ? "endswith" : "startswith";
  if (!bi_arg_count(v, fname, nargs, kw, 1, 3)) return false;
  obj_str *s = AS_STR(self);
  size_t from, to;
  int64_t cf;
  if (!range_args(v, s, args + 1, nargs - 1, &from, &to, &cf)) return false;
  value pat = args[0];
  size_t n = 1;
  const value *pats = &pat;
  if (val_is(pat, OBJ_TUPLE)) {
    n = AS_TUPLE(pat)->count;
    pats = AS_TUPLE(pat)->items;
  } else if (!val_is(pat, OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s first arg must be str or a tuple of str, not %s", fname,
              obj_type_name(v, pat));
    return false;
  }
  for (size_t k = 0; k < n; k++) {
    if (!val_is(pats[k], OBJ_STR)) {
      vm_raisef(v, CLS_TYPE_ERROR, "tuple for %s must only contain str, not %s", fname,
                obj_type_name(v, pats[k]));
      return false;
    }
    obj_str *p = AS_STR(pats[k]);
    if (from > to) continue;
    if (p->len > to - from) continue;
    size_t at = end ? to - p->len : from;
    if (memcmp(s->data + at, p->data, p->len) == 0) {
      *out = val_bool(true);
      return true;
    }
  }
  *out = val_bool(false);
  return true;
}

NATIVE(m_startswith) {
  SELF("startswith");
  return affix(v, self, args, nargs, kw, false, out);
}
NATIVE(m_endswith) {
  SELF("endswith");
  return affix(v, self, args, nargs, kw, true, out);
}

/* ------------------------------------------------------------ split / join */

static bool push_piece(vm *v, obj_list *l, const char *s, size_t len) {
  obj_str *p = obj_str_new(v, s, len);
  return p && obj_list_append(v, l, val_obj(p));
}

static bool do_split(vm *v, value self, const value *args, int nargs, obj_tuple *kw, bool rev,
                     value *out) {
  static const char *const names[] = {"sep", "maxsplit"};
  value a[2];
  if (!bi_parse(v, rev ? "rsplit" : "split", args, nargs, kw, names, 2, 2, 0, a)) return false;
  int64_t maxsplit = -1;
  if (a[1].t != VAL_UNDEF && !bi_index(v, a[1], &maxsplit)) return false;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  obj_str *s = AS_STR(self);
  obj_list *l = obj_list_new(v, 0);
  if (!l) return false;
  if (a[0].t == VAL_UNDEF || a[0].t == VAL_NONE) {
    /* runs of whitespace; no empty pieces */
    if (!rev) {
      size_t i = 0;
      int64_t splits = 0;
      for (;;) {
        while (i < s->len) {
          size_t j = i;
          if (!cp_isspace(next_cp(s->data, s->len, &j))) break;
          i = j;
        }
        if (i >= s->len) break;
        if (splits >= maxsplit) {
          if (!push_piece(v, l, s->data + i, s->len - i)) return false;
          break;
        }
        size_t start = i;
        while (i < s->len) {
          size_t j = i;
          if (cp_isspace(next_cp(s->data, s->len, &j))) break;
          i = j;
        }
        if (!push_piece(v, l, s->data + start, i - start)) return false;
        splits++;
      }
    } else {
      size_t end = s->len;
      int64_t splits = 0;
      for (;;) {
        while (end > 0) {
          size_t b = end - 1;
          while (b > 0 && ((unsigned char)s->data[b] & 0xC0) == 0x80) b--;
          size_t j = b;
          if (!cp_isspace(next_cp(s->data, s->len, &j))) break;
          end = b;
        }
        if (end == 0) break;
        if (splits >= maxsplit) {
          if (!push_piece(v, l, s->data, end)) return false;
          break;
        }
        size_t b = end;
        while (b > 0) {
          size_t c = b - 1;
          while (c > 0 && ((unsigned char)s->data[c] & 0xC0) == 0x80) c--;
          size_t j = c;
          if (cp_isspace(next_cp(s->data, s->len, &j))) break;
          b = c;
        }
        if (!push_piece(v, l, s->data + b, end - b)) return false;
        end = b;
        splits++;
      }
      /* pieces were found right to left */
      for (size_t i = 0, j = l->count ? l->count - 1 : 0; i < j; i++, j--) {
        value t = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = t;
      }
    }
    *out = val_obj(l);
    return true;
  }
  if (!val_is(a[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "must be str or None, not %s", obj_type_name(v, a[0]));
    return false;
  }
  obj_str *sep = AS_STR(a[0]);
  if (sep->len == 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "empty separator");
    return false;
  }
  if (!rev) {
    size_t i = 0;
    int64_t splits = 0;
    int64_t r;
    while (splits < maxsplit &&
           (r = find_bytes(s->data, s->len, sep->data, sep->len, i, s->len, false)) >= 0) {
      if (!push_piece(v, l, s->data + i, (size_t)r - i)) return false;
      i = (size_t)r + sep->len;
      splits++;
    }
    if (!push_piece(v, l, s->data + i, s->len - i)) return false;
  } else {
    size_t end = s->len;
    int64_t splits = 0;
    int64_t r;
    while (splits < maxsplit &&
           (r = find_bytes(s->data, s->len, sep->data, sep->len, 0, end, true)) >= 0) {
      if (!push_piece(v, l, s->data + r + sep->len, end - (size_t)r - sep->len)) return false;
      end = (size_t)r;
      splits++;
    }
    if (!push_piece(v, l, s->data, end)) return false;
    for (size_t i = 0, j = l->count - 1; i < j; i++, j--) {
      value t = l->items[i];
      l->items[i] = l->items[j];
      l->items[j] = t;
    }
  }
  *out = val_obj(l);
  return true;
}

NATIVE(m_split) {
  SELF("split");
  return do_split(v, self, args, nargs, kw, false, out);
}
NATIVE(m_rsplit) {
  SELF("rsplit");
  return do_split(v, self, args, nargs, kw, true, out);
}

NATIVE(m_splitlines) {
  SELF("splitlines");
  static const char *const names[] = {"keepends"};
  value a[1];
  if (!bi_parse(v, "splitlines", args, nargs, kw, names, 1, 1, 0, a)) return false;
  int64_t keepends = 0;
  if (a[0].t != VAL_UNDEF && !bi_index(v, a[0], &keepends)) return false;
  bool keep = keepends != 0;
  obj_str *s = AS_STR(self);
  obj_list *l = obj_list_new(v, 0);
  if (!l) return false;
  size_t i = 0, start = 0;
  while (i < s->len) {
    size_t j = i;
    uint32_t c = next_cp(s->data, s->len, &j);
    bool brk = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D ||
               c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
    if (!brk) {
      i = j;
      continue;
    }
    size_t eol = j;
    if (c == '\r' && j < s->len && s->data[j] == '\n') eol = j + 1;
    if (!push_piece(v, l, s->data + start, (keep ? eol : i) - start)) return false;
    start = i = eol;
  }
  if (start < s->len && !push_piece(v, l, s->data + start, s->len - start)) return false;
  *out = val_obj(l);
  return true;
}

NATIVE(m_join) {
  SELF("join");
  if (!bi_arg_count(v, "str.join", nargs, kw, 1, 1)) return false;
  obj_list *items = vm_to_list(v, args[0]);
  if (!items) return false;
  obj_str *sep = AS_STR(self);
  fmt_buf b;
  fmt_buf_init(&b);
  for (size_t i = 0; i < items->count; i++) {
    value x = items->items[i];
    if (!val_is(x, OBJ_STR)) {
      fmt_buf_free(&b);
      vm_raisef(v, CLS_TYPE_ERROR, "sequence item %zu: expected str instance, %s found", i,
                obj_type_name(v, x));
      return false;
    }
    if ((i && fmt_buf_append(&b, sep->data, sep->len) != FMT_OK) ||
        fmt_buf_append(&b, AS_STR(x)->data, AS_STR(x)->len) != FMT_OK) {
      fmt_buf_free(&b);
      return bi_nomem(v);
    }
  }
  return ret_buf(v, &b, out);
}

NATIVE(m_replace) {
  SELF("replace");
  if (!bi_arg_count(v, "=replace", nargs, kw, 2, 3)) return false;
  if (!need_str(v, args[0], "replace() argument 1") || !need_str(v, args[1], "replace() argument 2"))
    return false;
  int64_t count = -1;
  if (nargs == 3 && !bi_index(v, args[2], &count)) return false;
  if (count < 0) count = INT64_MAX;
  obj_str *s = AS_STR(self), *old = AS_STR(args[0]), *nw = AS_STR(args[1]);
  fmt_buf b;
  fmt_buf_init(&b);
  int64_t done = 0;
  size_t i = 0;
  if (old->len == 0) {
    /* insert before every character and at the end */
    while (done < count) {
      if (fmt_buf_append(&b, nw->data, nw->len) != FMT_OK) goto nomem;
      done++;
      if (i >= s->len) break;
      size_t j = i;
      next_cp(s->data, s->len, &j);
      if (fmt_buf_append(&b, s->data + i, j - i) != FMT_OK) goto nomem;
      i = j;
    }
    if (fmt_buf_append(&b, s->data + i, s->len - i) != FMT_OK) goto nomem;
    return ret_buf(v, &b, out);
  }
  int64_t r;
  while (done < count && (r = find_bytes(s->data, s->len, old->data, old->len, i, s->len, false)) >= 0) {
    if (fmt_buf_append(&b, s->data + i, (size_t)r - i) != FMT_OK ||
        fmt_buf_append(&b, nw->data, nw->len) != FMT_OK)
      goto nomem;
    i = (size_t)r + old->len;
    done++;
  }
  if (done == 0) {
    fmt_buf_free(&b);
    *out = self;
    return true;
  }
  if (fmt_buf_append(&b, s->data + i, s->len - i) != FMT_OK) goto nomem;
  return ret_buf(v, &b, out);
nomem:
  fmt_buf_free(&b);
  return bi_nomem(v);
}

static bool do_partition(vm *v, value self, const value *args, int nargs, obj_tuple *kw, bool rev,
                         value *out) {
  if (!bi_arg_count(v, rev ? "str.rpartition" : "str.partition", nargs, kw, 1, 1)) return false;
  if (!val_is(args[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "must be str, not %s", obj_type_name(v, args[0]));
    return false;
  }
  obj_str *s = AS_STR(self), *sep = AS_STR(args[0]);
  if (sep->len == 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "empty separator");
    return false;
  }
  int64_t r = find_bytes(s->data, s->len, sep->data, sep->len, 0, s->len, rev);
  obj_tuple *t = obj_tuple_new(v, 3);
  obj_str *e = obj_str_new(v, "", 0);
  if (!t || !e) return false;
  if (r < 0) {
    t->items[0] = rev ? val_obj(e) : self;
    t->items[1] = val_obj(e);
    t->items[2] = rev ? self : val_obj(e);
  } else {
    obj_str *a = obj_str_new(v, s->data, (size_t)r);
    obj_str *c = obj_str_new(v, s->data + r + sep->len, s->len - (size_t)r - sep->len);
    if (!a || !c) return false;
    t->items[0] = val_obj(a);
    t->items[1] = args[0];
    t->items[2] = val_obj(c);
  }
  *out = val_obj(t);
  return true;
}

NATIVE(m_partition) {
  SELF("partition");
  return do_partition(v, self, args, nargs, kw, false, out);
}
NATIVE(m_rpartition) {
  SELF("rpartition");
  return do_partition(v, self, args, nargs, kw, true, out);
}

static bool do_affix_remove(vm *v, value self, const value *args, int nargs, obj_tuple *kw,
                            bool suffix, value *out) {
  if (!bi_arg_count(v, suffix ? "str.removesuffix" : "str.removeprefix", nargs, kw, 1, 1)) return false;
  if (!val_is(args[0], OBJ_STR)) {
    vm_raisef(v, CLS_TYPE_ERROR, "%s() argument must be str, not %s",
              suffix ? "removesuffix" : "removeprefix", obj_type_name(v, args[0]));
    return false;
  }
  obj_str *s = AS_STR(self), *p = AS_STR(args[0]);
  if (p->len && p->len <= s->len &&
      memcmp(s->data + (suffix ? s->len - p->len : 0), p->data, p->len) == 0)
    return ret_bytes(v, s->data + (suffix ? 0 : p->len), s->len - p->len, out);
  *out = self;
  return true;
}

NATIVE(m_removeprefix) {
  SELF("removeprefix");
  return do_affix_remove(v, self, args, nargs, kw, false, out);
}
NATIVE(m_removesuffix) {
  SELF("removesuffix");
  return do_affix_remove(v, self, args, nargs, kw, true, out);
}

/* ------------------------------------------------------------ padding */

static bool pad(vm *v, value self, const value *args, int nargs, obj_tuple *kw, char how,
                const char *fname, value *out) {
  if (!bi_arg_count(v, fname, nargs, kw, 1, 2)) return false;
  int64_t width;
  if (!bi_index(v, args[0], &width)) return false;
  const char *fill = " ";
  size_t fill_len = 1;
  if (nargs == 2) {
    if (!val_is(args[1], OBJ_STR) || AS_STR(args[1])->chars != 1) {
      if (!val_is(args[1], OBJ_STR))
        vm_raisef(v, CLS_TYPE_ERROR, "The fill character must be a unicode character, not %s",
                  obj_type_name(v, args[1]));
      else
        vm_raise_msg(v, CLS_TYPE_ERROR, "The fill character must be exactly one character long");
      return false;
    }
    fill = AS_STR(args[1])->data;
    fill_len = AS_STR(args[1])->len;
  }
  obj_str *s = AS_STR(self);
  if (width <= (int64_t)s->chars) {
    *out = self;
    return true;
  }
  int64_t total = width - (int64_t)s->chars, left = 0;
  if (!vm_memory_room(v, (uint64_t)total * fill_len + s->len)) return false;
  if (how == '>') left = total;
  else if (how == '^') left = total / 2 + (total & width & 1);
  int64_t right = total - left;
  fmt_buf b;
  fmt_buf_init(&b);
  for (int64_t i = 0; i < left; i++)
    if (fmt_buf_append(&b, fill, fill_len) != FMT_OK) goto nomem;
  if (fmt_buf_append(&b, s->data, s->len) != FMT_OK) goto nomem;
  for (int64_t i = 0; i < right; i++)
    if (fmt_buf_append(&b, fill, fill_len) != FMT_OK) goto nomem;
  return ret_buf(v, &b, out);
nomem:
  fmt_buf_free(&b);
  return bi_nomem(v);
}

NATIVE(m_center) {
  SELF("center");
  return pad(v, self, args, nargs, kw, '^', "=center", out);
}
NATIVE(m_ljust) {
  SELF("ljust");
  return pad(v, self, args, nargs, kw, '<', "=ljust", out);
}
NATIVE(m_rjust) {
  SELF("rjust");
  return pad(v, self, args, nargs, kw, '>', "=rjust", out);
}

NATIVE(m_zfill) {
  SELF("zfill");
  if (!bi_arg_count(v, "str.zfill", nargs, kw, 1, 1)) return false;
  int64_t width;
  if (!bi_index(v, args[0], &width)) return false;
  obj_str *s = AS_STR(self);
  if (width <= (int64_t)s->chars) {
    *out = self;
    return true;
  }
  int64_t fill = width - (int64_t)s->chars;
  if (!vm_memory_room(v, (uint64_t)fill + s->len)) return false;
  fmt_buf b;
  fmt_buf_init(&b);
  size_t i = 0;
  if (s->len && (s->data[0] == '+' || s->data[0] == '-')) {
    if (fmt_buf_appendc(&b, s->data[0]) != FMT_OK) goto nomem;
    i = 1;
  }
  for (int64_t k = 0; k < fill; k++)
    if (fmt_buf_appendc(&b, '0') != FMT_OK) goto nomem;
  if (fmt_buf_append(&b, s->data + i, s->len - i) != FMT_OK) goto nomem;
  return ret_buf(v, &b, out);
nomem:
  fmt_buf_free(&b);
  return bi_nomem(v);
}

NATIVE(m_expandtabs) {
  SELF("expandtabs");
  static const char *const names[] = {"tabsize"};
  value a[1];
  if (!bi_parse(v, "expandtabs", args, nargs, kw, names, 1, 1, 0, a)) return false;
  int64_t tab = 8;
  if (a[0].t != VAL_UNDEF && !bi_index(v, a[0], &tab)) return false;
  obj_str *s = AS_STR(self);
  fmt_buf b;
  fmt_buf_init(&b);
  int64_t col = 0;
  for (size_t i = 0; i < s->len;) {
    size_t j = i;
    uint32_t c = next_cp(s->data, s->len, &j);
    if (c == '\t') {
      if (tab > 0) {
        int64_t n = tab - col % tab;
        if (!vm_memory_room(v, (uint64_t)n + b.len)) {
          fmt_buf_free(&b);
          return false;
        }
        if (fmt_buf_reserve(&b, (size_t)n) != FMT_OK) goto nomem;
        memset(b.data + b.len, ' ', (size_t)n);
        b.len += (size_t)n;
        b.data[b.len] = '\0';
        col += n;
      }
    } else {
      if (fmt_buf_append(&b, s->data + i, j - i) != FMT_OK) goto nomem;
      col = (c == '\n' || c == '\r') ? 0 : col + 1;
    }
    i = j;
  }
  return ret_buf(v, &b, out);
nomem:
  fmt_buf_free(&b);
  return bi_nomem(v);
}

/* ------------------------------------------------------------ str.format */

typedef struct fmt_args {
  const value *pos;  /* positional arguments */
  int npos;          /* how many */
  obj_tuple *kwn;    /* keyword names (or NULL) */
  const value *kwv;  /* keyword values */
  value mapping;     /* format_map's mapping, or VAL_UNDEF */
  int auto_idx;      /* next automatic field number */
  int mode;          /* 0 unknown, 1 automatic, 2 manual numbering */
} fmt_args;

static bool field_value(vm *v, fmt_args *fa, const char *name, size_t len, value *out) {
  size_t i = 0;
  while (i < len && name[i] != '.' && name[i] != '[') i++;
  if (i == 0) {
    if (fa->mode == 2) {
      vm_raise_msg(v, CLS_VALUE_ERROR,
                   "cannot switch from manual field specification to automatic field numbering");
      return false;
    }
    fa->mode = 1;
    int idx = fa->auto_idx++;
    if (idx >= fa->npos) {
      vm_raisef(v, CLS_INDEX_ERROR, "Replacement index %d out of range for positional args tuple",
                idx);
      return false;
    }
    *out = fa->pos[idx];
  } else {
    bool digits = true;
    for (size_t k = 0; k < i; k++)
      if (name[k] < '0' || name[k] > '9') digits = false;
    if (digits) {
      if (fa->mode == 1) {
        vm_raise_msg(v, CLS_VALUE_ERROR,
                     "cannot switch from automatic field numbering to manual field specification");
        return false;
      }
      fa->mode = 2;
      int64_t idx = 0;
      for (size_t k = 0; k < i && idx < 1000000000; k++) idx = idx * 10 + (name[k] - '0');
      if (idx >= fa->npos) {
        vm_raisef(v, CLS_INDEX_ERROR, "Replacement index %" PRId64 " out of range for positional args tuple",
                  idx);
        return false;
      }
      *out = fa->pos[idx];
    } else {
      obj_str *key = obj_str_new(v, name, i);
      if (!key) return false;
      bool found = false;
      if (fa->mapping.t != VAL_UNDEF) {
        if (!vm_getitem(v, fa->mapping, val_obj(key), out)) return false;
        found = true;
      } else {
        size_t nk = fa->kwn ? fa->kwn->count : 0;
        for (size_t k = 0; k < nk; k++) {
          obj_str *kn = AS_STR(fa->kwn->items[k]);
          if (kn->len == i && memcmp(kn->data, name, i) == 0) {
            *out = fa->kwv[k];
            found = true;
          }
        }
      }
      if (!found) return bi_raise_key_error(v, val_obj(key));
    }
  }
  /* .attr and [key] accessors */
  while (i < len) {
    if (name[i] == '.') {
      size_t st = ++i;
      while (i < len && name[i] != '.' && name[i] != '[') i++;
      if (i == st) {
        vm_raise_msg(v, CLS_VALUE_ERROR, "Empty attribute in format string");
        return false;
      }
      obj_str *an = obj_str_intern(v, name + st, i - st);
      if (!an || !vm_getattr(v, *out, an, out)) return false;
    } else if (name[i] == '[') {
      size_t st = ++i;
      while (i < len && name[i] != ']') i++;
      if (i >= len) {
        vm_raise_msg(v, CLS_VALUE_ERROR, "Missing ']' in format string");
        return false;
      }
      if (i == st) {
        vm_raise_msg(v, CLS_VALUE_ERROR, "Empty attribute in format string");
        return false;
      }
      bool digits = true;
      for (size_t k = st; k < i; k++)
        if (name[k] < '0' || name[k] > '9') digits = false;
      value key;
      if (digits) {
        int64_t n = 0;
        for (size_t k = st; k < i && n < 1000000000000LL; k++) n = n * 10 + (name[k] - '0');
        key = val_int(n);
      } else {
        obj_str *ks = obj_str_new(v, name + st, i - st);
        if (!ks) return false;
        key = val_obj(ks);
      }
      if (!vm_getitem(v, *out, key, out)) return false;
      i++;
      if (i < len && name[i] != '.' && name[i] != '[') {
        vm_raise_msg(v, CLS_VALUE_ERROR, "Only '.' or '[' may follow ']' in format field specifier");
        return false;
      }
    } else {
      break;
    }
  }
  return true;
}

static bool format_string(vm *v, const char *s, size_t n, fmt_args *fa, fmt_buf *out, int depth);

static bool render_field(vm *v, const char *f, size_t n, fmt_args *fa, fmt_buf *out, int depth) {
  /* field: name [!conv] [:spec] ; brackets may hold ':' or '!' */
  size_t i = 0;
  while (i < n && f[i] != '!' && f[i] != ':') {
    if (f[i] == '[') {
      while (i < n && f[i] != ']') i++;
    }
    if (i < n) i++;
  }
  size_t name_end = i;
  char conv = 0;
  if (i < n && f[i] == '!') {
    if (i + 1 >= n) {
      vm_raise_msg(v, CLS_VALUE_ERROR, "end of string while looking for conversion specifier");
      return false;
    }
    conv = f[i + 1];
    i += 2;
    if (i < n && f[i] != ':') {
      vm_raise_msg(v, CLS_VALUE_ERROR, "expected ':' after conversion specifier");
      return false;
    }
  }
  const char *spec = "";
  size_t spec_len = 0;
  if (i < n && f[i] == ':') {
    spec = f + i + 1;
    spec_len = n - i - 1;
  }
  value x;
  if (!field_value(v, fa, f, name_end, &x)) return false;
  if (conv) {
    obj_str *cs;
    if (conv == 'r' || conv == 'a') cs = vm_repr_str(v, x);
    else if (conv == 's') cs = vm_str_str(v, x);
    else {
      if ((unsigned char)conv < 0x80)
        vm_raisef(v, CLS_VALUE_ERROR, "Unknown conversion specifier %c", conv);
      else
        vm_raise_msg(v, CLS_VALUE_ERROR, "Unknown conversion specifier");
      return false;
    }
    if (!cs) return false;
    x = val_obj(cs);
  }
  /* nested replacement fields inside the spec */
  fmt_buf sb;
  fmt_buf_init(&sb);
  if (memchr(spec, '{', spec_len)) {
    if (depth >= 2) {
      vm_raise_msg(v, CLS_VALUE_ERROR, "Max string recursion exceeded");
      return false;
    }
    if (!format_string(v, spec, spec_len, fa, &sb, depth + 1)) {
      fmt_buf_free(&sb);
      return false;
    }
    spec = fmt_buf_str(&sb);
    spec_len = sb.len;
  }
  obj_str *ss = spec_len ? obj_str_new(v, spec, spec_len) : NULL;
  fmt_buf_free(&sb);
  if (spec_len && !ss) return false;
  return vm_format(v, x, ss, out);
}

static bool format_string(vm *v, const char *s, size_t n, fmt_args *fa, fmt_buf *out, int depth) {
  size_t i = 0;
  while (i < n) {
    char c = s[i];
    if (c == '{') {
      if (i + 1 < n && s[i + 1] == '{') {
        if (fmt_buf_appendc(out, '{') != FMT_OK) return bi_nomem(v);
        i += 2;
        continue;
      }
      size_t st = i + 1, k = st;
      int level = 1;
      while (k < n) {
        if (s[k] == '[') {
          while (k < n && s[k] != ']') k++;
          if (k >= n) break;
        } else if (s[k] == '{') {
          level++;
        } else if (s[k] == '}') {
          if (--level == 0) break;
        }
        k++;
      }
      if (k >= n) {
        vm_raise_msg(v, CLS_VALUE_ERROR, level > 1 ? "unmatched '{' in format spec"
                                                   : "expected '}' before end of string");
        return false;
      }
      if (!render_field(v, s + st, k - st, fa, out, depth)) return false;
      i = k + 1;
    } else if (c == '}') {
      if (i + 1 < n && s[i + 1] == '}') {
        if (fmt_buf_appendc(out, '}') != FMT_OK) return bi_nomem(v);
        i += 2;
        continue;
      }
      vm_raise_msg(v, CLS_VALUE_ERROR, "Single '}' encountered in format string");
      return false;
    } else {
      size_t st = i;
      while (i < n && s[i] != '{' && s[i] != '}') i++;
      if (fmt_buf_append(out, s + st, i - st) != FMT_OK) return bi_nomem(v);
    }
  }
  return true;
}

bool bi_str_format(vm *v, obj_str *fmt, const value *args, int nargs, obj_tuple *kwnames,
                   value *out) {
  fmt_args fa = {args, nargs, kwnames, args + nargs, val_undef(), 0, 0};
  fmt_buf b;
  fmt_buf_init(&b);
  /* a lone '{' at the very end is CPython's "Single '{'" */
  if (fmt->len && fmt->data[fmt->len - 1] == '{') {
    size_t k = fmt->len, run = 0;
    while (k > 0 && fmt->data[k - 1] == '{') {
      k--;
      run++;
    }
    if (run % 2 == 1) {
      size_t close = 0;
      for (size_t q = 0; q < fmt->len; q++)
        if (fmt->data[q] == '}') close++;
      if (close == 0 || run == fmt->len) {
        vm_raise_msg(v, CLS_VALUE_ERROR, "Single '{' encountered in format string");
        return false;
      }
    }
  }
  if (!format_string(v, fmt->data, fmt->len, &fa, &b, 0)) {
    fmt_buf_free(&b);
    return false;
  }
  return ret_buf(v, &b, out);
}

NATIVE(m_format) {
  SELF("format");
  return bi_str_format(v, AS_STR(self), args, nargs, kw, out);
}

NATIVE(m_format_map) {
  SELF("format_map");
  if (!bi_arg_count(v, "str.format_map", nargs, kw, 1, 1)) return false;
  fmt_args fa = {NULL, 0, NULL, NULL, args[0], 0, 0};
  fmt_buf b;
  fmt_buf_init(&b);
  obj_str *s = AS_STR(self);
  if (!format_string(v, s->data, s->len, &fa, &b, 0)) {
    fmt_buf_free(&b);
    return false;
  }
  return ret_buf(v, &b, out);
}

/* ------------------------------------------------------------ install */

typedef struct method_def {
  const char *name; /* method name */
  native_fn fn;     /* implementation */
} method_def;

static const method_def str_methods[] = {
    {"upper", m_upper},           {"lower", m_lower},
    {"casefold", m_casefold},     {"swapcase", m_swapcase},
    {"capitalize", m_capitalize}, {"title", m_title},
    {"isdigit", m_isdigit},       {"isdecimal", m_isdecimal},
    {"isnumeric", m_isnumeric},   {"isalpha", m_isalpha},
    {"isalnum", m_isalnum},       {"isspace", m_isspace},
    {"isupper", m_isupper},       {"islower", m_islower},
    {"isascii", m_isascii},       {"istitle", m_istitle},
    {"isidentifier", m_isidentifier}, {"isprintable", m_isprintable},
    {"strip", m_strip},           {"lstrip", m_lstrip},
    {"rstrip", m_rstrip},         {"find", m_find},
    {"rfind", m_rfind},           {"index", m_index},
    {"rindex", m_rindex},         {"count", m_count},
    {"startswith", m_startswith}, {"endswith", m_endswith},
    {"split", m_split},           {"rsplit", m_rsplit},
    {"splitlines", m_splitlines}, {"join", m_join},
    {"replace", m_replace},       {"partition", m_partition},
    {"rpartition", m_rpartition}, {"removeprefix", m_removeprefix},
    {"removesuffix", m_removesuffix}, {"center", m_center},
    {"ljust", m_ljust},           {"rjust", m_rjust},
    {"zfill", m_zfill},           {"expandtabs", m_expandtabs},
    {"format", m_format},         {"format_map", m_format_map},
};

bool bi_install_str_methods(vm *v) {
  for (size_t i = 0; i < sizeof str_methods / sizeof str_methods[0]; i++)
    if (!vm_def_method(v, v->cls[CLS_STR], str_methods[i].name, str_methods[i].fn)) return false;
  return true;
}
