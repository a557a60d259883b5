/* Unit tests of the object model (obj.c), the operators (ops.c) and the
 * protocols (proto.c, attr.c): reprs, hashing, dict order, CPython's set
 * order, equality, arithmetic corner cases and error messages. Every
 * expected value was taken from python3 (CPython 3.11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "ops.h"
#include "vm.h"

static int setup(void **state) {
  sim_options o;
  sim_options_init(&o);
  vm *v = vm_new(&o);
  if (!v) return -1;
  *state = v;
  return 0;
}

static int teardown(void **state) {
  vm_free(*state);
  return 0;
}

/* repr(x) as a C string owned by the vm's heap. */
static const char *repr(vm *v, value x) {
  obj_str *s = vm_repr_str(v, x);
  assert_non_null(s);
  return s->data;
}

static const char *str_of(vm *v, value x) {
  obj_str *s = vm_str_str(v, x);
  assert_non_null(s);
  return s->data;
}

static value s(vm *v, const char *text) { return val_obj(obj_str_cstr(v, text)); }

static value list_of(vm *v, const value *items, size_t n) {
  obj_list *l = obj_list_new(v, n);
  assert_non_null(l);
  for (size_t i = 0; i < n; i++) assert_true(obj_list_append(v, l, items[i]));
  return val_obj(l);
}

static value tuple_of(vm *v, const value *items, size_t n) {
  obj_tuple *t = obj_tuple_new(v, n);
  assert_non_null(t);
  for (size_t i = 0; i < n; i++) t->items[i] = items[i];
  return val_obj(t);
}

static value set_of_ints(vm *v, const int64_t *xs, size_t n) {
  obj_dict *d = obj_set_new(v);
  assert_non_null(d);
  for (size_t i = 0; i < n; i++) assert_true(obj_set_add(v, d, val_int(xs[i])));
  return val_obj(d);
}

/* The message of the pending exception (and its class), cleared. */
static const char *take_error(vm *v, obj_type_slot *cls_out) {
  assert_true(val_is(v->exc, OBJ_EXCEPTION));
  obj_exception *e = AS_EXC(v->exc);
  for (int i = 0; i < CLS__COUNT; i++)
    if (v->cls[i] == e->cls) *cls_out = (obj_type_slot)i;
  const char *msg = str_of(v, v->exc);
  v->exc = val_undef();
  return msg;
}

static void expect_error(vm *v, obj_type_slot cls, const char *msg) {
  obj_type_slot got = CLS__COUNT;
  const char *m = take_error(v, &got);
  assert_int_equal(got, cls);
  assert_string_equal(m, msg);
}

/* ---------------------------------------------------------------- reprs */

static void test_float_reprs_in_containers(void **state) {
  vm *v = *state;
  value items[] = {val_float(1.0), val_float(0.1), val_float(1e16), val_float(1e-5),
                   val_float(INFINITY), val_float(-0.0), val_float(2.5e-7), val_float(123456789.123)};
  assert_string_equal(repr(v, list_of(v, items, 8)),
                      "[1.0, 0.1, 1e+16, 1e-05, inf, -0.0, 2.5e-07, 123456789.123]");
  assert_string_equal(repr(v, val_float(0.1 + 0.2)), "0.30000000000000004");
  assert_string_equal(repr(v, val_float(NAN)), "nan");
}

static void test_container_reprs(void **state) {
  vm *v = *state;
  value one = val_int(1);
  assert_string_equal(repr(v, tuple_of(v, &one, 1)), "(1,)");
  assert_string_equal(repr(v, tuple_of(v, NULL, 0)), "()");
  assert_string_equal(repr(v, val_obj(obj_set_new(v))), "set()");
  assert_string_equal(repr(v, val_obj(obj_set_from(v, OBJ_FROZENSET, val_undef()))), "frozenset()");
  assert_string_equal(repr(v, val_obj(obj_dict_new(v))), "{}");
  value mixed[] = {s(v, "it's"), s(v, "q\"q"), val_none(), val_bool(true), val_int(-5)};
  assert_string_equal(repr(v, list_of(v, mixed, 5)), "[\"it's\", 'q\"q', None, True, -5]");
  obj_dict *d = obj_dict_new(v);
  assert_true(obj_dict_set(v, d, s(v, "a"), val_float(1.5)));
  assert_true(obj_dict_set(v, d, val_int(2), list_of(v, &one, 1)));
  assert_string_equal(repr(v, val_obj(d)), "{'a': 1.5, 2: [1]}");
  obj_range *r = obj_range_new(v, 1, 10, 2);
  assert_string_equal(repr(v, val_obj(r)), "range(1, 10, 2)");
}

static void test_recursive_repr(void **state) {
  vm *v = *state;
  value one = val_int(1);
  value l = list_of(v, &one, 1);
  assert_true(obj_list_append(v, AS_LIST(l), l));
  assert_string_equal(repr(v, l), "[1, [...]]");
  obj_dict *d = obj_dict_new(v);
  assert_true(obj_dict_set(v, d, s(v, "self"), val_obj(d)));
  assert_string_equal(repr(v, val_obj(d)), "{'self': {...}}");
}

static void test_exception_repr_and_str(void **state) {
  vm *v = *state;
  value a[] = {s(v, "a"), val_int(1)};
  obj_exception *e0 = bi_new_exc(v, v->cls[CLS_VALUE_ERROR], NULL, 0);
  obj_exception *e1 = bi_new_exc(v, v->cls[CLS_VALUE_ERROR], a, 1);
  obj_exception *e2 = bi_new_exc(v, v->cls[CLS_VALUE_ERROR], a, 2);
  obj_exception *k1 = bi_new_exc(v, v->cls[CLS_KEY_ERROR], a, 1);
  assert_string_equal(repr(v, val_obj(e0)), "ValueError()");
  assert_string_equal(repr(v, val_obj(e1)), "ValueError('a')");
  assert_string_equal(repr(v, val_obj(e2)), "ValueError('a', 1)");
  assert_string_equal(str_of(v, val_obj(e0)), "");
  assert_string_equal(str_of(v, val_obj(e1)), "a");
  assert_string_equal(str_of(v, val_obj(e2)), "('a', 1)");
  assert_string_equal(str_of(v, val_obj(k1)), "'a'");
  obj_exception *c = bi_new_exc(v, v->cls[CLS_CANCELLED_ERROR], NULL, 0);
  assert_string_equal(repr(v, val_obj(c)), "CancelledError()");
  assert_string_equal(repr(v, val_obj(v->cls[CLS_CANCELLED_ERROR])),
                      "<class 'asyncio.exceptions.CancelledError'>");
  assert_string_equal(repr(v, val_obj(v->cls[CLS_INT])), "<class 'int'>");
}

static void test_default_object_repr_is_deterministic(void **state) {
  vm *v = *state;
  obj_class *foo = obj_class_new(v, obj_str_cstr(v, "Foo"), v->cls[CLS_OBJECT]);
  assert_non_null(foo);
  obj_instance *a = obj_instance_new(v, foo), *b = obj_instance_new(v, foo);
  const char *ra = repr(v, val_obj(a));
  const char *rb = repr(v, val_obj(b));
  assert_string_equal(ra, "<__main__.Foo object at 0x7f0000000040>");
  assert_string_equal(rb, "<__main__.Foo object at 0x7f0000000080>");
  assert_string_equal(repr(v, val_obj(a)), ra);
  assert_string_equal(repr(v, val_obj(foo)), "<class '__main__.Foo'>");
}

/* ---------------------------------------------------------------- hashing */

static void test_hashes_match_cpython(void **state) {
  vm *v = *state;
  uint64_t h1, h2, h3;
  assert_true(obj_hash(v, val_int(1), &h1));
  assert_true(obj_hash(v, val_float(1.0), &h2));
  assert_true(obj_hash(v, val_bool(true), &h3));
  assert_true(h1 == h2 && h2 == h3);
  struct {
    value x;     /* the value */
    int64_t h;   /* hash(x) in CPython 3.11 */
  } cases[] = {
      {val_int(-1), -2},
      {val_int((int64_t)1 << 61), 1},
      {val_float(1.5), 1152921504606846977LL},
      {val_float(0.1), 230584300921369408LL},
      {val_float(-0.5), -1152921504606846976LL},
      {val_float(1e300), 1224995262755759164LL},
      {val_float(INFINITY), 314159},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t h;
    assert_true(obj_hash(v, cases[i].x, &h));
    assert_int_equal((int64_t)h, cases[i].h);
  }
  value pair[] = {val_int(1), val_int(2)};
  uint64_t h;
  assert_true(obj_hash(v, tuple_of(v, pair, 2), &h));
  assert_int_equal((int64_t)h, -3550055125485641917LL);
  assert_true(obj_hash(v, tuple_of(v, NULL, 0), &h));
  assert_int_equal((int64_t)h, 5740354900026072187LL);
  int64_t xs[] = {1, 2};
  value fs = set_of_ints(v, xs, 2);
  fs.as.o->kind = OBJ_FROZENSET;
  assert_true(obj_hash(v, fs, &h));
  assert_int_equal((int64_t)h, -1826646154956904602LL);
}

static void test_unhashable(void **state) {
  vm *v = *state;
  uint64_t h;
  assert_false(obj_hash(v, list_of(v, NULL, 0), &h));
  expect_error(v, CLS_TYPE_ERROR, "unhashable type: 'list'");
  assert_false(obj_hash(v, val_obj(obj_dict_new(v)), &h));
  expect_error(v, CLS_TYPE_ERROR, "unhashable type: 'dict'");
  obj_dict *d = obj_dict_new(v);
  assert_false(obj_dict_set(v, d, val_obj(obj_set_new(v)), val_int(1)));
  expect_error(v, CLS_TYPE_ERROR, "unhashable type: 'set'");
}

/* ---------------------------------------------------------------- dicts */

static void test_dict_order_and_equal_keys(void **state) {
  vm *v = *state;
  obj_dict *d = obj_dict_new(v);
  assert_true(obj_dict_set(v, d, s(v, "b"), val_int(1)));
  assert_true(obj_dict_set(v, d, s(v, "a"), val_int(2)));
  assert_true(obj_dict_set(v, d, s(v, "c"), val_int(3)));
  bool found;
  assert_true(obj_dict_del(v, d, s(v, "a"), &found));
  assert_true(found);
  assert_true(obj_dict_set(v, d, s(v, "a"), val_int(4)));
  assert_true(obj_dict_set(v, d, s(v, "b"), val_int(5)));
  assert_string_equal(repr(v, val_obj(d)), "{'b': 5, 'c': 3, 'a': 4}");
  /* {1: 'a', 1.0: 'b', True: 'c'} == {1: 'c'} */
  obj_dict *n = obj_dict_new(v);
  assert_true(obj_dict_set(v, n, val_int(1), s(v, "a")));
  assert_true(obj_dict_set(v, n, val_float(1.0), s(v, "b")));
  assert_true(obj_dict_set(v, n, val_bool(true), s(v, "c")));
  assert_string_equal(repr(v, val_obj(n)), "{1: 'c'}");
  /* many insertions and deletions keep order */
  obj_dict *big = obj_dict_new(v);
  for (int i = 0; i < 1000; i++) assert_true(obj_dict_set(v, big, val_int(i), val_int(i * i)));
  for (int i = 0; i < 1000; i += 2) assert_true(obj_dict_del(v, big, val_int(i), &found));
  assert_int_equal(big->count, 500);
  value x;
  assert_true(obj_dict_get(v, big, val_float(999.0), &x, &found));
  assert_true(found);
  assert_int_equal(x.as.i, 998001);
  size_t pos = 0;
  dict_entry *e;
  assert_true(obj_dict_next(big, &pos, &e));
  assert_int_equal(e->key.as.i, 1);
}

/* ---------------------------------------------------------------- sets */

static void test_set_order_like_cpython(void **state) {
  vm *v = *state;
  int64_t a[] = {3, 1, 2};
  assert_string_equal(repr(v, set_of_ints(v, a, 3)), "{1, 2, 3}");
  int64_t b[] = {10, 1};
  assert_string_equal(repr(v, set_of_ints(v, b, 2)), "{1, 10}");
  int64_t c[] = {5, 13, 21};
  assert_string_equal(repr(v, set_of_ints(v, c, 3)), "{13, 21, 5}");
  int64_t d[] = {100, 200, 300, 400, 500, 600};
  value sd = set_of_ints(v, d, 6);
  assert_string_equal(repr(v, sd), "{100, 200, 300, 400, 500, 600}");
  /* set(s) merges into a table sized for it: CPython reorders */
  assert_string_equal(repr(v, val_obj(obj_set_from(v, OBJ_SET, sd))),
                      "{400, 100, 500, 200, 600, 300}");
  int64_t m[] = {-1, 3, -5};
  assert_string_equal(repr(v, set_of_ints(v, m, 3)), "{3, -1, -5}");
  /* a removed key leaves a dummy that the next insertion reuses */
  int64_t e[] = {1, 9};
  value se = set_of_ints(v, e, 2);
  bool found;
  assert_true(obj_dict_del(v, AS_DICT(se), val_int(1), &found));
  assert_true(obj_set_add(v, AS_DICT(se), val_int(17)));
  assert_string_equal(repr(v, se), "{17, 9}");
  /* 12 multiples of 7 added one by one */
  obj_dict *g = obj_set_new(v);
  for (int i = 0; i < 12; i++) assert_true(obj_set_add(v, g, val_int(i * 7)));
  assert_string_equal(repr(v, val_obj(g)), "{0, 35, 70, 7, 42, 77, 14, 49, 21, 56, 28, 63}");
}

static void test_set_literals_and_operations(void **state) {
  vm *v = *state;
  value c[] = {val_int(5), val_int(13), val_int(21)};
  assert_string_equal(repr(v, val_obj(obj_set_literal(v, c, 3, false))), "{21, 5, 13}");
  value d[] = {val_int(100), val_int(200), val_int(300), val_int(400), val_int(500), val_int(600)};
  assert_string_equal(repr(v, val_obj(obj_set_literal(v, d, 6, false))),
                      "{400, 100, 500, 200, 600, 300}");
  /* `for x in {100, ..., 600}` iterates the frozenset constant */
  assert_string_equal(repr(v, val_obj(obj_set_literal(v, d, 6, true))),
                      "frozenset({100, 200, 300, 400, 500, 600})");
  value a3[] = {val_int(1), val_int(2), val_int(3)};
  value b3[] = {val_int(3), val_int(4), val_int(100)};
  value a = val_obj(obj_set_literal(v, a3, 3, false));
  value b = val_obj(obj_set_literal(v, b3, 3, false));
  value r;
  assert_true(ops_binary(v, OPS_OR, a, b, false, &r));
  assert_string_equal(repr(v, r), "{1, 2, 3, 100, 4}");
  assert_true(ops_binary(v, OPS_AND, a, b, false, &r));
  assert_string_equal(repr(v, r), "{3}");
  assert_true(ops_binary(v, OPS_SUB, a, b, false, &r));
  assert_string_equal(repr(v, r), "{1, 2}");
  assert_true(ops_binary(v, OPS_XOR, b, a, false, &r));
  assert_string_equal(repr(v, r), "{1, 2, 100, 4}");
  obj_dict *pop = obj_set_new(v);
  for (int i = 0; i < 10; i++) assert_true(obj_set_add(v, pop, val_int(i * 8)));
  value out;
  bool found;
  assert_true(obj_set_pop(v, pop, &out, &found));
  assert_true(found);
  assert_int_equal(out.as.i, 0);
  assert_true(obj_set_pop(v, pop, &out, &found));
  assert_int_equal(out.as.i, 32);
  assert_string_equal(repr(v, val_obj(pop)), "{64, 8, 40, 72, 16, 48, 24, 56}");
}

/* ---------------------------------------------------------------- equality */

static void test_equality(void **state) {
  vm *v = *state;
  bool eq;
  value l1[] = {val_int(1)}, l2[] = {val_float(1.0)};
  assert_true(obj_equal(v, list_of(v, l1, 1), list_of(v, l2, 1), &eq));
  assert_true(eq);
  assert_true(obj_equal(v, list_of(v, l1, 1), tuple_of(v, l1, 1), &eq));
  assert_false(eq);
  /* 2**53 + 1 is not equal to the float 2**53 */
  assert_true(obj_equal(v, val_int(9007199254740993LL), val_float(9007199254740992.0), &eq));
  assert_false(eq);
  assert_true(obj_equal(v, val_float(NAN), val_float(NAN), &eq));
  assert_false(eq);
  assert_true(obj_equal(v, s(v, "abc"), s(v, "abc"), &eq));
  assert_true(eq);
}

/* ---------------------------------------------------------------- operators */

static value bin(vm *v, ops_binop op, value a, value b) {
  value r;
  assert_true(ops_binary(v, op, a, b, false, &r));
  return r;
}

static void test_arithmetic_corners(void **state) {
  vm *v = *state;
  assert_int_equal(bin(v, OPS_FLOORDIV, val_int(-7), val_int(2)).as.i, -4);
  assert_int_equal(bin(v, OPS_FLOORDIV, val_int(7), val_int(-2)).as.i, -4);
  assert_int_equal(bin(v, OPS_MOD, val_int(-7), val_int(3)).as.i, 2);
  assert_int_equal(bin(v, OPS_MOD, val_int(7), val_int(-3)).as.i, -2);
  assert_string_equal(repr(v, bin(v, OPS_MOD, val_float(-7.5), val_int(2))), "0.5");
  assert_string_equal(repr(v, bin(v, OPS_FLOORDIV, val_float(-7.5), val_int(2))), "-4.0");
  assert_string_equal(repr(v, bin(v, OPS_MOD, val_float(7.5), val_int(-2))), "-0.5");
  assert_string_equal(repr(v, bin(v, OPS_MOD, val_float(-0.0), val_int(5))), "0.0");
  assert_string_equal(repr(v, bin(v, OPS_POW, val_int(2), val_int(-1))), "0.5");
  assert_string_equal(repr(v, bin(v, OPS_TRUEDIV, val_int(10), val_int(4))), "2.5");
  assert_int_equal(bin(v, OPS_RSHIFT, val_int(-1024), val_int(3)).as.i, -128);
  assert_int_equal(bin(v, OPS_RSHIFT, val_int(-1), val_int(100)).as.i, -1);
  value t = bin(v, OPS_AND, val_bool(true), val_bool(true));
  assert_int_equal(t.t, VAL_BOOL);
  assert_string_equal(repr(v, bin(v, OPS_ADD, val_bool(true), val_bool(true))), "2");
  assert_string_equal(repr(v, bin(v, OPS_MUL, val_int(3), s(v, "ab"))), "'ababab'");
  value r;
  assert_true(ops_divmod(v, val_int(-7), val_int(2), &r));
  assert_string_equal(repr(v, r), "(-4, 1)");
  assert_true(ops_pow_mod(v, val_int(3), val_int(-1), val_int(7), &r));
  assert_int_equal(r.as.i, 5);
}

static void test_arithmetic_errors(void **state) {
  vm *v = *state;
  value r;
  struct {
    ops_binop op;     /* operator */
    value a, b;       /* operands */
    obj_type_slot c;  /* exception class */
    const char *msg;  /* CPython's message */
  } cases[] = {
      {OPS_TRUEDIV, val_int(1), val_int(0), CLS_ZERO_DIVISION_ERROR, "division by zero"},
      {OPS_TRUEDIV, val_float(1), val_int(0), CLS_ZERO_DIVISION_ERROR, "float division by zero"},
      {OPS_FLOORDIV, val_int(1), val_int(0), CLS_ZERO_DIVISION_ERROR,
       "integer division or modulo by zero"},
      {OPS_MOD, val_int(1), val_int(0), CLS_ZERO_DIVISION_ERROR, "integer modulo by zero"},
      {OPS_FLOORDIV, val_float(1.5), val_int(0), CLS_ZERO_DIVISION_ERROR,
       "float floor division by zero"},
      {OPS_MOD, val_float(1.5), val_int(0), CLS_ZERO_DIVISION_ERROR, "float modulo"},
      {OPS_POW, val_float(0.0), val_int(-1), CLS_ZERO_DIVISION_ERROR,
       "0.0 cannot be raised to a negative power"},
      {OPS_POW, val_int(0), val_int(-1), CLS_ZERO_DIVISION_ERROR,
       "0.0 cannot be raised to a negative power"},
      {OPS_POW, val_float(10.0), val_int(400), CLS_OVERFLOW_ERROR,
       "(34, 'Numerical result out of range')"},
      {OPS_LSHIFT, val_int(1), val_int(-1), CLS_VALUE_ERROR, "negative shift count"},
      {OPS_ADD, val_int(1), val_obj(NULL), CLS_TYPE_ERROR,
       "unsupported operand type(s) for +: 'int' and 'str'"},
  };
  cases[10].b = s(v, "a");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_false(ops_binary(v, cases[i].op, cases[i].a, cases[i].b, false, &r));
    expect_error(v, cases[i].c, cases[i].msg);
  }
  assert_false(ops_binary(v, OPS_ADD, s(v, "a"), val_int(1), false, &r));
  expect_error(v, CLS_TYPE_ERROR, "can only concatenate str (not \"int\") to str");
  value one = val_int(1);
  assert_false(ops_binary(v, OPS_ADD, list_of(v, &one, 1), tuple_of(v, &one, 1), false, &r));
  expect_error(v, CLS_TYPE_ERROR, "can only concatenate list (not \"tuple\") to list");
  assert_false(ops_binary(v, OPS_MUL, list_of(v, &one, 1), val_float(1.5), false, &r));
  expect_error(v, CLS_TYPE_ERROR, "can't multiply sequence by non-int of type 'float'");
  assert_false(ops_unary(v, OPS_NEG, s(v, "a"), &r));
  expect_error(v, CLS_TYPE_ERROR, "bad operand type for unary -: 'str'");
}

static void test_int_overflow_is_an_error(void **state) {
  vm *v = *state;
  value r;
  assert_false(ops_binary(v, OPS_ADD, val_int(INT64_MAX), val_int(1), false, &r));
  obj_type_slot c = CLS__COUNT;
  const char *msg = take_error(v, &c);
  assert_int_equal(c, CLS_OVERFLOW_ERROR);
  assert_non_null(strstr(msg, "64-bit"));
  assert_false(ops_binary(v, OPS_POW, val_int(2), val_int(64), false, &r));
  take_error(v, &c);
  assert_int_equal(c, CLS_OVERFLOW_ERROR);
  assert_false(ops_binary(v, OPS_MUL, val_int(3037000500LL), val_int(3037000500LL), false, &r));
  take_error(v, &c);
  assert_int_equal(c, CLS_OVERFLOW_ERROR);
  assert_false(ops_binary(v, OPS_LSHIFT, val_int(1), val_int(63), false, &r));
  take_error(v, &c);
  assert_int_equal(c, CLS_OVERFLOW_ERROR);
  assert_false(ops_unary(v, OPS_NEG, val_int(INT64_MIN), &r));
  take_error(v, &c);
  assert_int_equal(c, CLS_OVERFLOW_ERROR);
  assert_true(ops_binary(v, OPS_POW, val_int(2), val_int(62), false, &r));
  assert_int_equal(r.as.i, (int64_t)1 << 62);
  assert_true(ops_binary(v, OPS_POW, val_int(-2), val_int(63), false, &r));
  assert_int_equal(r.as.i, INT64_MIN);
}

static void test_comparisons(void **state) {
  vm *v = *state;
  value r;
  assert_true(ops_compare(v, OPS_LT, val_int(1), val_float(1.5), &r));
  assert_true(r.as.b);
  value a[] = {val_int(1), val_int(2)}, b[] = {val_int(1), val_int(2), val_int(0)};
  assert_true(ops_compare(v, OPS_LT, tuple_of(v, a, 2), tuple_of(v, b, 3), &r));
  assert_true(r.as.b);
  assert_true(ops_compare(v, OPS_GE, s(v, "abd"), s(v, "abc"), &r));
  assert_true(r.as.b);
  assert_false(ops_compare(v, OPS_LT, val_int(1), s(v, "a"), &r));
  expect_error(v, CLS_TYPE_ERROR, "'<' not supported between instances of 'int' and 'str'");
  value x[] = {val_int(1)}, y[] = {s(v, "a")};
  assert_false(ops_compare(v, OPS_GE, list_of(v, x, 1), list_of(v, y, 1), &r));
  expect_error(v, CLS_TYPE_ERROR, "'>=' not supported between instances of 'int' and 'str'");
  assert_false(ops_compare(v, OPS_IN, val_int(1), s(v, "a"), &r));
  expect_error(v, CLS_TYPE_ERROR, "'in <string>' requires string as left operand, not int");
  assert_false(ops_compare(v, OPS_IN, val_int(5), val_int(5), &r));
  expect_error(v, CLS_TYPE_ERROR, "argument of type 'int' is not iterable");
}

static void test_printf_formatting(void **state) {
  vm *v = *state;
  value args[] = {s(v, "s"), val_int(42), val_float(3.14159), s(v, "r"), s(v, "ab"),
                  s(v, "cd"), val_int(255)};
  value r;
  assert_true(ops_str_percent(v, obj_str_cstr(v, "%s %d %.2f %r %5s|%-5s|%x %%"),
                              tuple_of(v, args, 7), &r));
  assert_string_equal(AS_STR(r)->data, "s 42 3.14 'r'    ab|cd   |ff %");
  assert_true(ops_str_percent(v, obj_str_cstr(v, "%05d|%+d|%#x|%#o|%e|%g|%c"),
                              tuple_of(v, (value[]){val_int(42), val_int(5), val_int(255),
                                                    val_int(8), val_float(12345.678),
                                                    val_float(0.0001), val_int(65)},
                                       7),
                              &r));
  assert_string_equal(AS_STR(r)->data, "00042|+5|0xff|0o10|1.234568e+04|0.0001|A");
  assert_true(ops_str_percent(v, obj_str_cstr(v, "%d"), val_float(3.99), &r));
  assert_string_equal(AS_STR(r)->data, "3");
  assert_true(ops_str_percent(v, obj_str_cstr(v, "%.0f %.0f"),
                              tuple_of(v, (value[]){val_float(0.5), val_float(1.5)}, 2), &r));
  assert_string_equal(AS_STR(r)->data, "0 2");
  assert_false(ops_str_percent(v, obj_str_cstr(v, "%d %d"), val_int(1), &r));
  expect_error(v, CLS_TYPE_ERROR, "not enough arguments for format string");
  assert_false(ops_str_percent(v, obj_str_cstr(v, "%d"),
                               tuple_of(v, (value[]){val_int(1), val_int(2)}, 2), &r));
  expect_error(v, CLS_TYPE_ERROR, "not all arguments converted during string formatting");
  assert_false(ops_str_percent(v, obj_str_cstr(v, "%z"), val_int(1), &r));
  expect_error(v, CLS_VALUE_ERROR, "unsupported format character 'z' (0x7a) at index 1");
  assert_false(ops_str_percent(v, obj_str_cstr(v, "%d"), s(v, "a"), &r));
  expect_error(v, CLS_TYPE_ERROR, "%d format: a real number is required, not str");
}

static void test_sort_is_stable(void **state) {
  vm *v = *state;
  /* sorted(words, key=len) and with reverse=True keep equal keys in order */
  const char *words[] = {"bb", "a", "ccc", "dd", "e"};
  value items[5], keys[5];
  for (int i = 0; i < 5; i++) {
    items[i] = s(v, words[i]);
    keys[i] = val_int((int64_t)strlen(words[i]));
  }
  assert_true(bi_sort_values(v, items, keys, 5, false));
  assert_string_equal(repr(v, list_of(v, items, 5)), "['a', 'e', 'bb', 'dd', 'ccc']");
  for (int i = 0; i < 5; i++) {
    items[i] = s(v, words[i]);
    keys[i] = val_int((int64_t)strlen(words[i]));
  }
  assert_true(bi_sort_values(v, items, keys, 5, true));
  assert_string_equal(repr(v, list_of(v, items, 5)), "['ccc', 'bb', 'dd', 'a', 'e']");
  /* a long list goes through the merge sort: keys x % 7, stable */
  value big[200], bk[200];
  for (int i = 0; i < 200; i++) {
    big[i] = val_int(i);
    bk[i] = val_int(i % 7);
  }
  assert_true(bi_sort_values(v, big, bk, 200, false));
  for (int i = 1; i < 200; i++) {
    int64_t p = big[i - 1].as.i, q = big[i].as.i;
    assert_true(p % 7 < q % 7 || (p % 7 == q % 7 && p < q));
  }
  value mixed[] = {val_int(1), s(v, "a")};
  assert_false(bi_sort_values(v, mixed, NULL, 2, false));
  expect_error(v, CLS_TYPE_ERROR, "'<' not supported between instances of 'str' and 'int'");
}

static void test_attribute_errors(void **state) {
  vm *v = *state;
  obj_class *foo = obj_class_new(v, obj_str_cstr(v, "Foo"), v->cls[CLS_OBJECT]);
  obj_instance *o = obj_instance_new(v, foo);
  obj_str *bar = obj_str_intern(v, "bar", 3);
  value r;
  assert_false(vm_getattr(v, val_obj(o), bar, &r));
  expect_error(v, CLS_ATTRIBUTE_ERROR, "'Foo' object has no attribute 'bar'");
  assert_false(vm_getattr(v, val_obj(foo), bar, &r));
  expect_error(v, CLS_ATTRIBUTE_ERROR, "type object 'Foo' has no attribute 'bar'");
  assert_false(vm_setattr(v, val_int(5), bar, val_int(1)));
  expect_error(v, CLS_ATTRIBUTE_ERROR, "'int' object has no attribute 'bar'");
  assert_false(vm_setattr(v, val_obj(v->cls[CLS_INT]), bar, val_int(1)));
  expect_error(v, CLS_TYPE_ERROR, "cannot set 'bar' attribute of immutable type 'int'");
  assert_true(vm_setattr(v, val_obj(o), bar, val_int(7)));
  assert_true(vm_getattr(v, val_obj(o), bar, &r));
  assert_int_equal(r.as.i, 7);
  obj_str *upper = obj_str_intern(v, "upper", 5);
  assert_true(vm_getattr(v, s(v, "abc"), upper, &r));
  value out;
  assert_true(vm_call(v, r, NULL, 0, NULL, &out));
  assert_string_equal(AS_STR(out)->data, "ABC");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_float_reprs_in_containers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_container_reprs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_recursive_repr, setup, teardown),
      cmocka_unit_test_setup_teardown(test_exception_repr_and_str, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_object_repr_is_deterministic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hashes_match_cpython, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unhashable, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dict_order_and_equal_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(test_set_order_like_cpython, setup, teardown),
      cmocka_unit_test_setup_teardown(test_set_literals_and_operations, setup, teardown),
      cmocka_unit_test_setup_teardown(test_equality, setup, teardown),
      cmocka_unit_test_setup_teardown(test_arithmetic_corners, setup, teardown),
      cmocka_unit_test_setup_teardown(test_arithmetic_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_int_overflow_is_an_error, setup, teardown),
      cmocka_unit_test_setup_teardown(test_comparisons, setup, teardown),
      cmocka_unit_test_setup_teardown(test_printf_formatting, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sort_is_stable, setup, teardown),
      cmocka_unit_test_setup_teardown(test_attribute_errors, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
