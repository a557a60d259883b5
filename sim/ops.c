/* ops: binary, comparison and unary operators (see ops.h). */
#include "ops.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "vm.h"

#define EXACT_DOUBLE_INT ((int64_t)1 << 53) /* ints below this convert to double exactly */
#define MAX_REPEAT_BYTES ((size_t)1 << 40)  /* repetition larger than this is a MemoryError */

static const char *const binop_symbols[OPS__BINOP_COUNT] = {
    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^"};
static const char *const binop_inplace_symbols[OPS__BINOP_COUNT] = {
    "+=", "-=", "*=", "/=", "//=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^="};
/* dunder names: forward, reflected, in-place */
static const char *const binop_dunders[OPS__BINOP_COUNT][3] = {
    {"__add__", "__radd__", "__iadd__"},
    {"__sub__", "__rsub__", "__isub__"},
    {"__mul__", "__rmul__", "__imul__"},
    {"__truediv__", "__rtruediv__", "__itruediv__"},
    {"__floordiv__", "__rfloordiv__", "__ifloordiv__"},
    {"__mod__", "__rmod__", "__imod__"},
    {"__pow__", "__rpow__", "__ipow__"},
    {"__lshift__", "__rlshift__", "__ilshift__"},
    {"__rshift__", "__rrshift__", "__irshift__"},
    {"__and__", "__rand__", "__iand__"},
    {"__or__", "__ror__", "__ior__"},
    {"__xor__", "__rxor__", "__ixor__"},
};

const char *ops_binop_symbol(ops_binop op) { return op < OPS__BINOP_COUNT ? binop_symbols[op] : "?"; }

const char *ops_cmpop_symbol(ops_cmpop op) {
  static const char *const s[] = {"<", "<=", "==", "!=", ">", ">=", "in", "not in", "is", "is not"};
  return s[op];
}

void ops_raise_overflow(vm *v) {
  vm_raise_msg(v, CLS_OVERFLOW_ERROR,
               "integer overflow: loopviz ints are 64-bit (-2**63 to 2**63-1)");
}

static bool is_intlike(value x) { return x.t == VAL_INT || x.t == VAL_BOOL; }
static bool is_num(value x) { return is_intlike(x) || x.t == VAL_FLOAT; }
static int64_t ival(value x) { return x.t == VAL_BOOL ? (int64_t)x.as.b : x.as.i; }
static double dval(value x) { return x.t == VAL_FLOAT ? x.as.f : (double)ival(x); }

static bool zero_div(vm *v, const char *msg) {
  vm_raise_msg(v, CLS_ZERO_DIVISION_ERROR, msg);
  return false;
}

/* ------------------------------------------------------------ numbers */

static bool int_pow(vm *v, int64_t a, int64_t b, value *out) {
  if (b < 0) {
    if (a == 0) return zero_div(v, "0.0 cannot be raised to a negative power");
    *out = val_float(pow((double)a, (double)b));
    return true;
  }
  int64_t result = 1, base = a;
  while (b > 0) {
    if (b & 1) {
      if (__builtin_mul_overflow(result, base, &result)) goto overflow;
    }
    b >>= 1;
    if (b > 0 && __builtin_mul_overflow(base, base, &base)) {
      /* base overflowed; the result overflows too unless it will not be
       * multiplied in again, which b > 0 rules out (its top bit is set). */
      goto overflow;
    }
  }
  *out = val_int(result);
  return true;
overflow:
  ops_raise_overflow(v);
  return false;
}

static double int_true_div(int64_t a, int64_t b) {
  if (a > -EXACT_DOUBLE_INT && a < EXACT_DOUBLE_INT && b > -EXACT_DOUBLE_INT &&
      b < EXACT_DOUBLE_INT)
    return (double)a / (double)b;
  return (double)((long double)a / (long double)b);
}

static bool int_binop(vm *v, ops_binop op, value va, value vb, value *out) {
  int64_t a = ival(va), b = ival(vb), r;
  bool both_bool = va.t == VAL_BOOL && vb.t == VAL_BOOL;
  switch (op) {
  case OPS_ADD:
    if (__builtin_add_overflow(a, b, &r)) break;
    *out = val_int(r);
    return true;
  case OPS_SUB:
    if (__builtin_sub_overflow(a, b, &r)) break;
    *out = val_int(r);
    return true;
  case OPS_MUL:
    if (__builtin_mul_overflow(a, b, &r)) break;
    *out = val_int(r);
    return true;
  case OPS_TRUEDIV:
    if (b == 0) return zero_div(v, "division by zero");
    *out = val_float(int_true_div(a, b));
    return true;
  case OPS_FLOORDIV:
    if (b == 0) return zero_div(v, "integer division or modulo by zero");
    if (a == INT64_MIN && b == -1) break;
    r = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) r--;
    *out = val_int(r);
    return true;
  case OPS_MOD:
    if (b == 0) return zero_div(v, "integer modulo by zero");
    if (b == -1) {
      *out = val_int(0);
      return true;
    }
    r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    *out = val_int(r);
    return true;
  case OPS_POW: return int_pow(v, a, b, out);
  case OPS_LSHIFT:
    if (b < 0) {
      vm_raise_msg(v, CLS_VALUE_ERROR, "negative shift count");
      return false;
    }
    if (a == 0) {
      *out = val_int(0);
      return true;
    }
    if (b >= 63) break;
    r = (int64_t)((uint64_t)a << b);
    if ((r >> b) != a) break;
    *out = val_int(r);
    return true;
  case OPS_RSHIFT:
    if (b < 0) {
      vm_raise_msg(v, CLS_VALUE_ERROR, "negative shift count");
      return false;
    }
    if (b >= 64) r = a < 0 ? -1 : 0;
    else r = a < 0 ? ~(~a >> b) : a >> b;
    *out = val_int(r);
    return true;
  case OPS_AND:
    *out = both_bool ? val_bool((a & b) != 0) : val_int(a & b);
    return true;
  case OPS_OR:
    *out = both_bool ? val_bool((a | b) != 0) : val_int(a | b);
    return true;
  case OPS_XOR:
    *out = both_bool ? val_bool((a ^ b) != 0) : val_int(a ^ b);
    return true;
  default: return false;
  }
  ops_raise_overflow(v);
  return false;
}

/* CPython float_divmod. */
static void float_divmod(double vx, double wx, double *floordiv, double *mod) {
  double m = fmod(vx, wx);
  double div = (vx - m) / wx;
  if (m != 0.0) {
    if ((wx < 0) != (m < 0)) {
      m += wx;
      div -= 1.0;
    }
  } else {
    m = copysign(0.0, wx);
  }
  double fd;
  if (div != 0.0) {
    fd = floor(div);
    if (div - fd > 0.5) fd += 1.0;
  } else {
    fd = copysign(0.0, vx / wx);
  }
  *floordiv = fd;
  *mod = m;
}

static bool is_odd_integer(double x) { return fmod(fabs(x), 2.0) == 1.0; }

static bool float_pow(vm *v, double iv, double iw, value *out) {
  if (iw == 0.0) {
    *out = val_float(1.0);
    return true;
  }
  if (iv == 0.0 && iw < 0.0)
    return zero_div(v, "0.0 cannot be raised to a negative power");
  if (isfinite(iv) && iv < 0.0 && isfinite(iw) && iw != floor(iw)) {
    vm_raise_msg(v, CLS_VALUE_ERROR,
                 "complex numbers are not supported in loopviz scenarios "
                 "(a negative number raised to a fractional power)");
    return false;
  }
  (void)is_odd_integer;
  errno = 0;
  double r = pow(iv, iw);
  if (isinf(r) && isfinite(iv) && isfinite(iw)) {
    vm_raise_msg(v, CLS_OVERFLOW_ERROR, "(34, 'Numerical result out of range')");
    return false;
  }
  *out = val_float(r);
  return true;
}

static bool float_binop(vm *v, ops_binop op, double a, double b, value *out) {
  double q, m;
  switch (op) {
  case OPS_ADD: *out = val_float(a + b); return true;
  case OPS_SUB: *out = val_float(a - b); return true;
  case OPS_MUL: *out = val_float(a * b); return true;
  case OPS_TRUEDIV:
    if (b == 0.0) return zero_div(v, "float division by zero");
    *out = val_float(a / b);
    return true;
  case OPS_FLOORDIV:
    if (b == 0.0) return zero_div(v, "float floor division by zero");
    float_divmod(a, b, &q, &m);
    *out = val_float(q);
    return true;
  case OPS_MOD:
    if (b == 0.0) return zero_div(v, "float modulo");
    float_divmod(a, b, &q, &m);
    *out = val_float(m);
    return true;
  case OPS_POW: return float_pow(v, a, b, out);
  default: return false;
  }
}

bool ops_divmod(vm *v, value a, value b, value *out) {
  value q, r;
  if (is_intlike(a) && is_intlike(b)) {
    if (ival(b) == 0) return zero_div(v, "integer division or modulo by zero");
    if (!int_binop(v, OPS_FLOORDIV, a, b, &q) || !int_binop(v, OPS_MOD, a, b, &r)) return false;
  } else if (is_num(a) && is_num(b)) {
    double fq, fm;
    if (dval(b) == 0.0) return zero_div(v, "float divmod()");
    float_divmod(dval(a), dval(b), &fq, &fm);
    q = val_float(fq);
    r = val_float(fm);
  } else {
    bool found;
    obj_str *name = obj_str_intern(v, "__divmod__", 10);
    if (!name) return false;
    if (!bi_call_dunder(v, a, name, &b, 1, out, &found)) return false;
    if (found) return true;
    vm_raisef(v, CLS_TYPE_ERROR, "unsupported operand type(s) for divmod(): '%s' and '%s'",
              obj_type_name(v, a), obj_type_name(v, b));
    return false;
  }
  obj_tuple *t = bi_tuple2(v, q, r);
  if (!t) return false;
  *out = val_obj(t);
  return true;
}

/* a * b mod m for 0 <= a, b < m < 2**63, without overflow (double and add). */
static int64_t mulmod(int64_t a, int64_t b, int64_t m) {
  uint64_t r = 0, x = (uint64_t)a, y = (uint64_t)b, um = (uint64_t)m;
  while (y) {
    if (y & 1) {
      r += x;
      if (r >= um) r -= um;
    }
    x += x;
    if (x >= um) x -= um;
    y >>= 1;
  }
  return (int64_t)r;
}

bool ops_pow_mod(vm *v, value va, value vb, value vm_, value *out) {
  if (!is_intlike(va) || !is_intlike(vb) || !is_intlike(vm_)) {
    if (va.t == VAL_FLOAT || vb.t == VAL_FLOAT || vm_.t == VAL_FLOAT)
      vm_raise_msg(v, CLS_TYPE_ERROR,
                   "pow() 3rd argument not allowed unless all arguments are integers");
    else
      vm_raisef(v, CLS_TYPE_ERROR, "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                obj_type_name(v, va), obj_type_name(v, vb), obj_type_name(v, vm_));
    return false;
  }
  int64_t a = ival(va), b = ival(vb), m = ival(vm_);
  if (m == 0) {
    vm_raise_msg(v, CLS_VALUE_ERROR, "pow() 3rd argument cannot be 0");
    return false;
  }
  bool neg_mod = m < 0;
  if (m == INT64_MIN) {
    ops_raise_overflow(v);
    return false;
  }
  if (neg_mod) m = -m;
  int64_t base = a % m;
  if (base < 0) base += m;
  if (b < 0) {
    /* modular inverse by the extended Euclidean algorithm */
    int64_t t0 = 0, t1 = 1, r0 = m, r1 = base;
    while (r1 != 0) {
      int64_t q = r0 / r1, tmp;
      tmp = r0 - q * r1;
      r0 = r1;
      r1 = tmp;
      tmp = t0 - q * t1;
      t0 = t1;
      t1 = tmp;
    }
    if (r0 != 1) {
      vm_raise_msg(v, CLS_VALUE_ERROR, "base is not invertible for the given modulus");
      return false;
    }
    base = t0 % m;
    if (base < 0) base += m;
    if (b == INT64_MIN) {
      ops_raise_overflow(v);
      return false;
    }
    b = -b;
  }
  int64_t r = m == 1 ? 0 : 1;
  while (b > 0) {
    if (b & 1) r = mulmod(r, base, m);
    base = mulmod(base, base, m);
    b >>= 1;
  }
  if (neg_mod && r != 0) r -= m;
  *out = val_int(r);
  return true;
}

/* ------------------------------------------------------------ sequences */

static bool repeat_count(vm *v, value n, int64_t *count) {
  *count = ival(n);
  if (*count < 0) *count = 0;
  (void)v;
  return true;
}

static bool too_big(vm *v, size_t unit, int64_t count) {
  if (count > 0 && unit > 0 && (uint64_t)count > MAX_REPEAT_BYTES / unit) {
    vm_raise_msg(v, CLS_MEMORY_ERROR, "");
    return true;
  }
  return false;
}

static bool seq_repeat(vm *v, value seq, value n, value *out) {
  int64_t count;
  if (!repeat_count(v, n, &count)) return false;
  size_t len = val_is(seq, OBJ_STR)    ? AS_STR(seq)->len
               : val_is(seq, OBJ_LIST) ? AS_LIST(seq)->count
                                       : AS_TUPLE(seq)->count;
  if (len == 0) count = val_is(seq, OBJ_TUPLE) ? 1 : 0; /* empty either way, at once */
  switch (seq.as.o->kind) {
  case OBJ_STR: {
    obj_str *s = AS_STR(seq);
    if (too_big(v, s->len, count)) return false;
    size_t total = s->len * (size_t)count;
    obj_str *r = vm_alloc(v, OBJ_STR, sizeof(obj_str) + total + 1);
    if (!r) return false;
    /* copy once, then double what is written: a few copies, not count of them */
    if (total) memcpy(r->data, s->data, s->len);
    for (size_t done = total ? s->len : 0; done < total;) {
      size_t n = done < total - done ? done : total - done;
      memcpy(r->data + done, r->data, n);
      done += n;
    }
    r->data[total] = '\0';
    r->len = total;
    r->chars = s->chars * (size_t)count;
    *out = val_obj(r);
    return true;
  }
  case OBJ_LIST: {
    obj_list *l = AS_LIST(seq);
    if (too_big(v, l->count * sizeof(value), count)) return false;
    size_t n0 = l->count;
    obj_list *r = obj_list_new(v, n0 * (size_t)count);
    if (!r) return false;
    for (int64_t i = 0; i < count; i++)
      for (size_t j = 0; j < n0; j++) r->items[r->count++] = l->items[j];
    *out = val_obj(r);
    return true;
  }
  case OBJ_TUPLE: {
    obj_tuple *t = AS_TUPLE(seq);
    if (count == 1) {
      *out = seq;
      return true;
    }
    if (too_big(v, t->count * sizeof(value), count)) return false;
    obj_tuple *r = obj_tuple_new(v, t->count * (size_t)count);
    if (!r) return false;
    size_t k = 0;
    for (int64_t i = 0; i < count; i++)
      for (size_t j = 0; j < t->count; j++) r->items[k++] = t->items[j];
    *out = val_obj(r);
    return true;
  }
  default: return false;
  }
}

static bool is_seq(value x) {
  return val_is(x, OBJ_STR) || val_is(x, OBJ_LIST) || val_is(x, OBJ_TUPLE);
}

static bool is_setlike(value x) { return val_is(x, OBJ_SET) || val_is(x, OBJ_FROZENSET); }

/* a op b for sets (CPython's set_or, set_and, set_sub, set_xor); with
 * inplace, a is updated (set_ior, set_iand, set_isub, set_ixor). */
static bool set_binop(vm *v, ops_binop op, obj_dict *a, obj_dict *b, bool inplace, value *out) {
  obj_dict *r = NULL;
  switch (op) {
  case OPS_OR:
    if (inplace) {
      if (!obj_set_update(v, a, val_obj(b))) return false;
      r = a;
    } else if (!(r = obj_set_copy(v, a)) || (a != b && !obj_set_update(v, r, val_obj(b)))) {
      /* set_or: s | s is just the copy */
      return false;
    }
    break;
  case OPS_AND:
    if (!(r = obj_set_intersection(v, a, val_obj(b)))) return false;
    if (inplace) {
      obj_set_take(a, r);
      r = a;
    }
    break;
  case OPS_SUB:
    if (inplace) {
      if (!obj_set_difference_update(v, a, val_obj(b))) return false;
      r = a;
    } else if (!(r = obj_set_difference(v, a, val_obj(b)))) {
      return false;
    }
    break;
  case OPS_XOR:
    if (inplace) {
      if (!obj_set_symmetric_difference_update(v, a, val_obj(b))) return false;
      r = a;
    } else if (!(r = obj_set_symmetric_difference(v, a, val_obj(b)))) {
      return false;
    }
    break;
  default: return false;
  }
  *out = val_obj(r);
  return true;
}

static bool list_extend_iter(vm *v, obj_list *l, value it) {
  if (val_is(it, OBJ_LIST) || val_is(it, OBJ_TUPLE)) {
    size_t n = val_is(it, OBJ_LIST) ? AS_LIST(it)->count : AS_TUPLE(it)->count;
    for (size_t i = 0; i < n; i++) {
      value x = val_is(it, OBJ_LIST) ? AS_LIST(it)->items[i] : AS_TUPLE(it)->items[i];
      if (!obj_list_append(v, l, x)) return false;
    }
    return true;
  }
  obj_list *src = vm_to_list(v, it);
  if (!src) return false;
  for (size_t i = 0; i < src->count; i++)
    if (!obj_list_append(v, l, src->items[i])) return false;
  return true;
}

static bool unsupported(vm *v, ops_binop op, bool inplace, value a, value b) {
  if (op == OPS_POW && !inplace)
    vm_raisef(v, CLS_TYPE_ERROR, "unsupported operand type(s) for ** or pow(): '%s' and '%s'",
              obj_type_name(v, a), obj_type_name(v, b));
  else
    vm_raisef(v, CLS_TYPE_ERROR, "unsupported operand type(s) for %s: '%s' and '%s'",
              inplace ? binop_inplace_symbols[op] : binop_symbols[op], obj_type_name(v, a),
              obj_type_name(v, b));
  return false;
}

static bool try_dunder(vm *v, value self, const char *name, value arg, value *out, bool *found) {
  *found = false;
  if (!bi_is_typed(self)) return true;
  obj_str *s = obj_str_intern(v, name, strlen(name));
  if (!s) return false;
  if (!bi_call_dunder(v, self, s, &arg, 1, out, found)) return false;
  /* NotImplemented: as if the method were not there */
  if (*found && obj_is(*out, v->notimpl)) *found = false;
  return true;
}

bool ops_binary(vm *v, ops_binop op, value a, value b, bool inplace, value *out) {
  if (op >= OPS__BINOP_COUNT) return unsupported(v, OPS_ADD, inplace, a, b);
  if (is_intlike(a) && is_intlike(b)) return int_binop(v, op, a, b, out);
  if (is_num(a) && is_num(b)) {
    if (op == OPS_POW && is_intlike(a) && is_intlike(b)) return int_binop(v, op, a, b, out);
    if (op >= OPS_LSHIFT) return unsupported(v, op, inplace, a, b);
    return float_binop(v, op, dval(a), dval(b), out);
  }
  bool found;
  if (inplace) {
    if (!try_dunder(v, a, binop_dunders[op][2], b, out, &found)) return false;
    if (found) return true;
    if (val_is(a, OBJ_LIST)) {
      if (op == OPS_ADD) {
        if (!list_extend_iter(v, AS_LIST(a), b)) return false;
        *out = a;
        return true;
      }
      if (op == OPS_MUL && is_intlike(b)) {
        obj_list *l = AS_LIST(a);
        int64_t count;
        if (!repeat_count(v, b, &count)) return false;
        if (too_big(v, l->count * sizeof(value), count)) return false;
        size_t n0 = l->count;
        if (count == 0 || n0 == 0) l->count = 0;
        for (int64_t i = 1; n0 && i < count; i++)
          for (size_t j = 0; j < n0; j++)
            if (!obj_list_append(v, l, l->items[j])) return false;
        *out = a;
        return true;
      }
    }
    if (val_is(a, OBJ_SET) && is_setlike(b) &&
        (op == OPS_OR || op == OPS_AND || op == OPS_SUB || op == OPS_XOR))
      return set_binop(v, op, AS_DICT(a), AS_DICT(b), true, out);
    if (val_is(a, OBJ_DICT) && op == OPS_OR) {
      /* dict |= x is dict.update(x): any mapping or iterable of pairs */
      if (!bi_dict_update(v, AS_DICT(a), b, NULL, NULL)) return false;
      *out = a;
      return true;
    }
  }
  if (!try_dunder(v, a, binop_dunders[op][0], b, out, &found)) return false;
  if (found) return true;
  if (!try_dunder(v, b, binop_dunders[op][1], a, out, &found)) return false;
  if (found) return true;

  switch (op) {
  case OPS_ADD:
    if (val_is(a, OBJ_STR)) {
      if (!val_is(b, OBJ_STR)) break;
      obj_str *x = AS_STR(a), *y = AS_STR(b);
      obj_str *r = vm_alloc(v, OBJ_STR, sizeof(obj_str) + x->len + y->len + 1);
      if (!r) return false;
      memcpy(r->data, x->data, x->len);
      memcpy(r->data + x->len, y->data, y->len);
      r->len = x->len + y->len;
      r->data[r->len] = '\0';
      r->chars = x->chars + y->chars;
      *out = val_obj(r);
      return true;
    }
    if (val_is(a, OBJ_LIST)) {
      if (!val_is(b, OBJ_LIST)) break;
      obj_list *x = AS_LIST(a), *y = AS_LIST(b);
      obj_list *r = obj_list_new(v, x->count + y->count);
      if (!r) return false;
      if (x->count) memcpy(r->items, x->items, x->count * sizeof(value));
      if (y->count) memcpy(r->items + x->count, y->items, y->count * sizeof(value));
      r->count = x->count + y->count;
      *out = val_obj(r);
      return true;
    }
    if (val_is(a, OBJ_TUPLE)) {
      if (!val_is(b, OBJ_TUPLE)) break;
      obj_tuple *x = AS_TUPLE(a), *y = AS_TUPLE(b);
      obj_tuple *r = obj_tuple_new(v, x->count + y->count);
      if (!r) return false;
      if (x->count) memcpy(r->items, x->items, x->count * sizeof(value));
      if (y->count) memcpy(r->items + x->count, y->items, y->count * sizeof(value));
      *out = val_obj(r);
      return true;
    }
    break;
  case OPS_MUL:
    /* a *= b only repeats a sequence on the left when the left operand
     * has sequence methods at all (sets and dicts do, without repeat) */
    if (inplace && (is_setlike(a) || val_is(a, OBJ_DICT) || val_is(a, OBJ_RANGE))) break;
    if (is_seq(a) && is_intlike(b)) return seq_repeat(v, a, b, out);
    if (is_seq(b) && is_intlike(a)) return seq_repeat(v, b, a, out);
    if (is_seq(a) || is_seq(b)) {
      value other = is_seq(a) ? b : a;
      if (!is_seq(other) && !bi_is_typed(other)) {
        vm_raisef(v, CLS_TYPE_ERROR, "can't multiply sequence by non-int of type '%s'",
                  obj_type_name(v, other));
        return false;
      }
      if (is_seq(a) && is_seq(b)) {
        vm_raisef(v, CLS_TYPE_ERROR, "can't multiply sequence by non-int of type '%s'",
                  obj_type_name(v, b));
        return false;
      }
    }
    break;
  case OPS_MOD:
    if (val_is(a, OBJ_STR)) return ops_str_percent(v, AS_STR(a), b, out);
    break;
  case OPS_OR:
  case OPS_AND:
  case OPS_SUB:
  case OPS_XOR:
    if (is_setlike(a) && is_setlike(b)) return set_binop(v, op, AS_DICT(a), AS_DICT(b), false, out);
    if (op == OPS_OR && val_is(a, OBJ_DICT) && val_is(b, OBJ_DICT)) {
      obj_dict *r = obj_dict_new(v);
      if (!r) return false;
      for (int k = 0; k < 2; k++) {
        size_t p = 0;
        dict_entry *e;
        obj_dict *src = AS_DICT(k ? b : a);
        while (obj_dict_next(src, &p, &e))
          if (!obj_dict_set(v, r, e->key, e->val)) return false;
      }
      *out = val_obj(r);
      return true;
    }
    break;
  default: break;
  }
  if (op == OPS_ADD && (val_is(a, OBJ_STR) || val_is(a, OBJ_LIST) || val_is(a, OBJ_TUPLE))) {
    vm_raisef(v, CLS_TYPE_ERROR, "can only concatenate %s (not \"%s\") to %s",
              obj_type_name(v, a), obj_type_name(v, b), obj_type_name(v, a));
    return false;
  }
  return unsupported(v, op, inplace, a, b);
}

/* ------------------------------------------------------------ comparisons */

static bool cmp_result(ops_cmpop op, int c) {
  switch (op) {
  case OPS_LT: return c < 0;
  case OPS_LE: return c <= 0;
  case OPS_EQ: return c == 0;
  case OPS_NE: return c != 0;
  case OPS_GT: return c > 0;
  case OPS_GE: return c >= 0;
  default: return false;
  }
}

/* Three-way comparison of an int and a float, exactly. */
static int cmp_int_float(int64_t i, double f) {
  if (isnan(f)) return 2; /* unordered */
  if (f >= 9223372036854775808.0) return -1;
  if (f < -9223372036854775808.0) return 1;
  double fl = floor(f);
  int64_t fi = (int64_t)fl;
  if (i < fi) return -1;
  if (i > fi) return 1;
  return f > fl ? -1 : 0;
}

static const char *const reflected_cmp[] = {"__gt__", "__ge__", "__eq__", "__ne__", "__lt__", "__le__"};
static const char *const forward_cmp[] = {"__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"};

static bool seq_items(value x, value **items, size_t *n) {
  if (val_is(x, OBJ_LIST)) {
    *items = AS_LIST(x)->items;
    *n = AS_LIST(x)->count;
    return true;
  }
  if (val_is(x, OBJ_TUPLE)) {
    *items = AS_TUPLE(x)->items;
    *n = AS_TUPLE(x)->count;
    return true;
  }
  return false;
}

static bool set_subset(vm *v, obj_dict *a, obj_dict *b, bool *out) {
  *out = true;
  if (a->count > b->count) {
    *out = false;
    return true;
  }
  size_t p = 0;
  dict_entry *e;
  while (obj_dict_next(a, &p, &e)) {
    bool found;
    if (!obj_set_contains(v, b, e->key, &found)) return false;
    if (!found) {
      *out = false;
      return true;
    }
  }
  return true;
}

bool ops_compare(vm *v, ops_cmpop op, value a, value b, value *out) {
  bool r;
  switch (op) {
  case OPS_IS: *out = val_bool(obj_is(a, b)); return true;
  case OPS_IS_NOT: *out = val_bool(!obj_is(a, b)); return true;
  case OPS_IN:
  case OPS_NOT_IN:
    if (!vm_contains(v, b, a, &r)) return false;
    *out = val_bool(op == OPS_IN ? r : !r);
    return true;
  default: break;
  }
  /* numbers */
  if (is_num(a) && is_num(b)) {
    int c;
    if (a.t == VAL_FLOAT && b.t == VAL_FLOAT) {
      if (isnan(a.as.f) || isnan(b.as.f)) c = 2;
      else c = a.as.f < b.as.f ? -1 : a.as.f > b.as.f ? 1 : 0;
    } else if (a.t == VAL_FLOAT) {
      c = cmp_int_float(ival(b), a.as.f);
      if (c != 2) c = -c;
    } else if (b.t == VAL_FLOAT) {
      c = cmp_int_float(ival(a), b.as.f);
    } else {
      c = ival(a) < ival(b) ? -1 : ival(a) > ival(b) ? 1 : 0;
    }
    *out = val_bool(c == 2 ? op == OPS_NE : cmp_result(op, c));
    return true;
  }
  /* user classes: forward, then reflected */
  bool found;
  if (bi_is_typed(a)) {
    if (!try_dunder(v, a, forward_cmp[op], b, out, &found)) return false;
    if (found) return true;
  }
  if (bi_is_typed(b)) {
    if (!try_dunder(v, b, reflected_cmp[op], a, out, &found)) return false;
    if (found) return true;
  }
  if (op == OPS_EQ || op == OPS_NE) {
    if (op == OPS_NE && bi_is_typed(a)) {
      /* no __ne__: the inverse of __eq__ */
      if (!obj_equal(v, a, b, &r)) return false;
      *out = val_bool(!r);
      return true;
    }
    if (!obj_equal(v, a, b, &r)) return false;
    *out = val_bool(op == OPS_EQ ? r : !r);
    return true;
  }
  if (val_is(a, OBJ_STR) && val_is(b, OBJ_STR)) {
    obj_str *x = AS_STR(a), *y = AS_STR(b);
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, n);
    if (c == 0) c = x->len < y->len ? -1 : x->len > y->len ? 1 : 0;
    *out = val_bool(cmp_result(op, c));
    return true;
  }
  value *ia, *ib;
  size_t na, nb;
  if (a.t == VAL_OBJ && b.t == VAL_OBJ && a.as.o->kind == b.as.o->kind && seq_items(a, &ia, &nb) &&
      seq_items(b, &ib, &nb)) {
    seq_items(a, &ia, &na);
    for (size_t i = 0; i < na && i < nb; i++) {
      /* re-read: user __eq__ may have changed the lists */
      seq_items(a, &ia, &na);
      seq_items(b, &ib, &nb);
      if (i >= na || i >= nb) break;
      value x = ia[i], y = ib[i];
      if (obj_is(x, y)) continue;
      bool eq;
      if (!obj_equal(v, x, y, &eq)) return false;
      if (!eq) {
        /* nested sequences recurse: bounded like CPython's C recursion */
        int max = v->opts.limits.max_recursion;
        if (max > 0 && v->depth + 1 > max) {
          vm_raise_msg(v, CLS_RECURSION_ERROR, "maximum recursion depth exceeded in comparison");
          return false;
        }
        v->depth++;
        bool ok = ops_compare(v, op, x, y, out);
        v->depth--;
        return ok;
      }
    }
    seq_items(a, &ia, &na);
    seq_items(b, &ib, &nb);
    *out = val_bool(cmp_result(op, na < nb ? -1 : na > nb ? 1 : 0));
    return true;
  }
  if (is_setlike(a) && is_setlike(b)) {
    obj_dict *x = AS_DICT(a), *y = AS_DICT(b);
    switch (op) {
    case OPS_LE:
      if (!set_subset(v, x, y, &r)) return false;
      break;
    case OPS_LT:
      if (!set_subset(v, x, y, &r)) return false;
      r = r && x->count < y->count;
      break;
    case OPS_GE:
      if (!set_subset(v, y, x, &r)) return false;
      break;
    case OPS_GT:
      if (!set_subset(v, y, x, &r)) return false;
      r = r && y->count < x->count;
      break;
    default: r = false; break;
    }
    *out = val_bool(r);
    return true;
  }
  vm_raisef(v, CLS_TYPE_ERROR, "'%s' not supported between instances of '%s' and '%s'",
            ops_cmpop_symbol(op), obj_type_name(v, a), obj_type_name(v, b));
  return false;
}

/* ------------------------------------------------------------ unary */

bool ops_unary(vm *v, ops_unop op, value a, value *out) {
  static const char *const names[] = {"__neg__", "__pos__", "__invert__"};
  static const char *const symbols[] = {"-", "+", "~"};
  if (op == OPS_NOT) {
    bool t;
    if (!obj_truthy(v, a, &t)) return false;
    *out = val_bool(!t);
    return true;
  }
  if (is_intlike(a)) {
    int64_t i = ival(a);
    switch (op) {
    case OPS_NEG:
      if (i == INT64_MIN) {
        ops_raise_overflow(v);
        return false;
      }
      *out = val_int(-i);
      return true;
    case OPS_POS: *out = val_int(i); return true;
    case OPS_INVERT: *out = val_int(~i); return true;
    default: break;
    }
  }
  if (a.t == VAL_FLOAT && op != OPS_INVERT) {
    *out = val_float(op == OPS_NEG ? -a.as.f : a.as.f);
    return true;
  }
  if (bi_is_typed(a)) {
    obj_str *name = obj_str_intern(v, names[op], strlen(names[op]));
    bool found;
    if (!name) return false;
    if (!bi_call_dunder(v, a, name, NULL, 0, out, &found)) return false;
    if (found) return true;
  }
  vm_raisef(v, CLS_TYPE_ERROR, "bad operand type for unary %s: '%s'", symbols[op],
            obj_type_name(v, a));
  return false;
}

/* ------------------------------------------------------------ str % args */

typedef struct pct_state {
  vm *v;            /* the vm */
  value args;       /* the right operand */
  const value *seq; /* positional arguments */
  size_t nseq;      /* number of them */
  size_t next;      /* next positional argument */
  bool mapping;     /* args is a dict used for %(name)s */
} pct_state;

static bool pct_next_arg(pct_state *st, value *out) {
  if (st->next >= st->nseq) {
    vm_raise_msg(st->v, CLS_TYPE_ERROR, "not enough arguments for format string");
    return false;
  }
  *out = st->seq[st->next++];
  return true;
}

/* printf integer layout: digits padded to precision, sign, prefix, width. */
static bool pct_int(fmt_buf *b, int64_t n, char conv, bool left, bool zero, char sign, bool alt,
                    int64_t width, int64_t prec) {
  char digits[80];
  uint64_t mag = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
  int base = conv == 'x' || conv == 'X' ? 16 : conv == 'o' ? 8 : 10;
  const char *dig = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  int nd = 0;
  char tmp[70];
  do {
    tmp[nd++] = dig[mag % (uint64_t)base];
    mag /= (uint64_t)base;
  } while (mag);
  int k = 0;
  for (int64_t i = nd; i < prec && k < 60; i++) digits[k++] = '0';
  while (nd) digits[k++] = tmp[--nd];
  digits[k] = '\0';
  char prefix[4] = {0};
  int pl = 0;
  if (n < 0) prefix[pl++] = '-';
  else if (sign) prefix[pl++] = sign;
  if (alt && base != 10) {
    prefix[pl++] = '0';
    prefix[pl++] = conv == 'o' ? 'o' : conv;
  }
  int64_t len = pl + k;
  int64_t pad = width > len ? width - len : 0;
  if (!left && !zero)
    for (int64_t i = 0; i < pad; i++)
      if (fmt_buf_appendc(b, ' ') != FMT_OK) return false;
  if (fmt_buf_append(b, prefix, (size_t)pl) != FMT_OK) return false;
  if (!left && zero)
    for (int64_t i = 0; i < pad; i++)
      if (fmt_buf_appendc(b, '0') != FMT_OK) return false;
  if (fmt_buf_append(b, digits, (size_t)k) != FMT_OK) return false;
  if (left)
    for (int64_t i = 0; i < pad; i++)
      if (fmt_buf_appendc(b, ' ') != FMT_OK) return false;
  return true;
}

static bool pct_pad_text(fmt_buf *b, const char *s, size_t len, bool left, int64_t width,
                         int64_t prec) {
  size_t chars = fmt_utf8_length(s, len);
  if (prec >= 0 && (size_t)prec < chars) {
    /* cut to prec code points */
    size_t off = 0, c = 0;
    while (off < len && c < (size_t)prec) {
      off++;
      while (off < len && ((unsigned char)s[off] & 0xC0) == 0x80) off++;
      c++;
    }
    len = off;
    chars = c;
  }
  int64_t pad = width > (int64_t)chars ? width - (int64_t)chars : 0;
  if (!left)
    for (int64_t i = 0; i < pad; i++)
      if (fmt_buf_appendc(b, ' ') != FMT_OK) return false;
  if (fmt_buf_append(b, s, len) != FMT_OK) return false;
  if (left)
    for (int64_t i = 0; i < pad; i++)
      if (fmt_buf_appendc(b, ' ') != FMT_OK) return false;
  return true;
}

bool ops_str_percent(vm *v, obj_str *fmtstr, value args, value *out) {
  pct_state st = {v, args, NULL, 0, 0, false};
  if (val_is(args, OBJ_TUPLE)) {
    st.seq = AS_TUPLE(args)->items;
    st.nseq = AS_TUPLE(args)->count;
  } else {
    st.seq = &args;
    st.nseq = 1;
    /* anything subscriptable but a str counts as a mapping: no "not all
     * arguments converted" for it, as in CPython */
    st.mapping = val_is(args, OBJ_DICT) || val_is(args, OBJ_LIST) || val_is(args, OBJ_RANGE) ||
                 (bi_is_typed(args) &&
                  obj_class_lookup(obj_class_of(v, args), v->s_getitem).t != VAL_UNDEF);
  }
  const char *s = fmtstr->data;
  size_t n = fmtstr->len;
  fmt_buf b, tmp, err;
  fmt_buf_init(&b);
  fmt_buf_init(&tmp);
  fmt_buf_init(&err);
  bool used_mapping = false;
  size_t i = 0;
  while (i < n) {
    const char *pc = memchr(s + i, '%', n - i);
    size_t stop = pc ? (size_t)(pc - s) : n;
    if (fmt_buf_append(&b, s + i, stop - i) != FMT_OK) goto nomem;
    if (!pc) break;
    size_t start = stop;
    i = stop + 1;
    value arg = val_undef();
    if (i < n && s[i] == '(') {
      if (!st.mapping) {
        vm_raise_msg(v, CLS_TYPE_ERROR, "format requires a mapping");
        goto fail;
      }
      size_t depth = 1, k = i + 1;
      while (k < n && depth) {
        if (s[k] == '(') depth++;
        else if (s[k] == ')') depth--;
        if (depth) k++;
      }
      if (k >= n) {
        vm_raise_msg(v, CLS_VALUE_ERROR, "incomplete format key");
        goto fail;
      }
      obj_str *key = obj_str_new(v, s + i + 1, k - i - 1);
      if (!key) goto fail;
      if (!vm_getitem(v, args, val_obj(key), &arg)) goto fail;
      used_mapping = true;
      i = k + 1;
    }
    bool left = false, zero = false, alt = false;
    char sign = 0;
    for (; i < n; i++) {
      if (s[i] == '-') left = true;
      else if (s[i] == '+') sign = '+';
      else if (s[i] == ' ') {
        if (sign != '+') sign = ' ';
      } else if (s[i] == '#') alt = true;
      else if (s[i] == '0') zero = true;
      else break;
    }
    int64_t width = -1, prec = -1;
    if (i < n && s[i] == '*') {
      value w;
      if (!pct_next_arg(&st, &w)) goto fail;
      if (!is_intlike(w)) {
        vm_raise_msg(v, CLS_TYPE_ERROR, "* wants int");
        goto fail;
      }
      width = ival(w);
      if (width < 0) {
        left = true;
        width = width == INT64_MIN ? INT64_MAX : -width;
      }
      i++;
    } else {
      while (i < n && s[i] >= '0' && s[i] <= '9') {
        width = (width < 0 ? 0 : width) * 10 + (s[i] - '0');
        if (width > 100000000) width = 100000000;
        i++;
      }
    }
    if (i < n && s[i] == '.') {
      i++;
      prec = 0;
      if (i < n && s[i] == '*') {
        value p;
        if (!pct_next_arg(&st, &p)) goto fail;
        if (!is_intlike(p)) {
          vm_raise_msg(v, CLS_TYPE_ERROR, "* wants int");
          goto fail;
        }
        prec = ival(p) < 0 ? 0 : ival(p);
        i++;
      } else {
        while (i < n && s[i] >= '0' && s[i] <= '9') {
          prec = prec * 10 + (s[i] - '0');
          if (prec > 100000000) prec = 100000000;
          i++;
        }
      }
    }
    /* the padding and a float's digits are built before the result is an object */
    if (!vm_memory_room(v, (uint64_t)(width > 0 ? width : 0) * 4 + (uint64_t)(prec > 0 ? prec : 0)))
      goto fail;
    while (i < n && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) i++;
    if (i >= n) {
      vm_raise_msg(v, CLS_VALUE_ERROR, "incomplete format");
      goto fail;
    }
    char conv = s[i++];
    if (conv == '%') {
      if (fmt_buf_appendc(&b, '%') != FMT_OK) goto nomem;
      continue;
    }
    if (arg.t == VAL_UNDEF && !pct_next_arg(&st, &arg)) goto fail;
    switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      fmt_buf_clear(&tmp);
      if (!(conv == 's' ? vm_str(v, arg, &tmp) : vm_repr(v, arg, &tmp))) goto fail;
      if (!pct_pad_text(&b, fmt_buf_str(&tmp), tmp.len, left, width, prec)) goto nomem;
      break;
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      int64_t iv;
      if (is_intlike(arg)) {
        iv = ival(arg);
      } else if (arg.t == VAL_FLOAT && (conv == 'd' || conv == 'i' || conv == 'u')) {
        double f = arg.as.f;
        if (isinf(f)) {
          vm_raise_msg(v, CLS_OVERFLOW_ERROR, "cannot convert float infinity to integer");
          goto fail;
        }
        if (isnan(f)) {
          vm_raise_msg(v, CLS_VALUE_ERROR, "cannot convert float NaN to integer");
          goto fail;
        }
        if (f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
          ops_raise_overflow(v);
          goto fail;
        }
        iv = (int64_t)f;
      } else {
        if (conv == 'd' || conv == 'i' || conv == 'u')
          vm_raisef(v, CLS_TYPE_ERROR, "%%%c format: a real number is required, not %s", conv,
                    obj_type_name(v, arg));
        else
          vm_raisef(v, CLS_TYPE_ERROR, "%%%c format: an integer is required, not %s", conv,
                    obj_type_name(v, arg));
        goto fail;
      }
      if (!pct_int(&b, iv, conv == 'i' || conv == 'u' ? 'd' : conv, left, zero, sign, alt, width,
                   prec))
        goto nomem;
      break;
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      double d;
      if (!bi_as_double(arg, &d)) {
        vm_raisef(v, CLS_TYPE_ERROR, "must be real number, not %s", obj_type_name(v, arg));
        goto fail;
      }
      char spec[64];
      int sl = snprintf(spec, sizeof spec, "%s%s%s%s", left ? "<" : (zero ? "" : ">"),
                        sign == '+' ? "+" : sign == ' ' ? " " : "", alt ? "#" : "",
                        (zero && !left) ? "0" : "");
      if (width >= 0) sl += snprintf(spec + sl, sizeof spec - (size_t)sl, "%lld", (long long)width);
      sl += snprintf(spec + sl, sizeof spec - (size_t)sl, ".%lld%c",
                     (long long)(prec < 0 ? 6 : prec), conv);
      fmt_spec fs;
      fmt_result r = fmt_spec_parse(spec, (size_t)sl, FMT_KIND_FLOAT, "float", &fs, &err);
      if (r == FMT_OK) r = fmt_format_float(&b, d, &fs, &err);
      if (r != FMT_OK) {
        bi_fmt_error(v, r, &err);
        goto fail;
      }
      break;
    }
    case 'c': {
      fmt_buf_clear(&tmp);
      if (is_intlike(arg)) {
        int64_t cp = ival(arg);
        if (cp < 0 || cp > 0x10FFFF) {
          vm_raise_msg(v, CLS_OVERFLOW_ERROR, "%c arg not in range(0x110000)");
          goto fail;
        }
        if (fmt_buf_append_cp(&tmp, (uint32_t)cp) != FMT_OK) goto nomem;
      } else if (val_is(arg, OBJ_STR) && AS_STR(arg)->chars == 1) {
        if (fmt_buf_append(&tmp, AS_STR(arg)->data, AS_STR(arg)->len) != FMT_OK) goto nomem;
      } else {
        vm_raisef(v, CLS_TYPE_ERROR, "%%c requires int or char");
        goto fail;
      }
      if (!pct_pad_text(&b, fmt_buf_str(&tmp), tmp.len, left, width, -1)) goto nomem;
      break;
    }
    default: {
      unsigned char uc = (unsigned char)conv;
      if (uc < 0x80)
        vm_raisef(v, CLS_VALUE_ERROR, "unsupported format character '%c' (0x%x) at index %zu",
                  conv, uc, i - 1);
      else
        vm_raisef(v, CLS_VALUE_ERROR, "unsupported format character at index %zu", i - 1);
      (void)start;
      goto fail;
    }
    }
  }
  if (st.next < st.nseq && !used_mapping && !(st.mapping && st.nseq == 1 && !val_is(args, OBJ_TUPLE))) {
    vm_raise_msg(v, CLS_TYPE_ERROR, "not all arguments converted during string formatting");
    goto fail;
  }
  fmt_buf_free(&tmp);
  fmt_buf_free(&err);
  {
    obj_str *r = bi_str_from_buf(v, &b);
    if (!r) return false;
    *out = val_obj(r);
  }
  return true;
nomem:
  bi_nomem(v);
fail:
  fmt_buf_free(&b);
  fmt_buf_free(&tmp);
  fmt_buf_free(&err);
  return false;
}
