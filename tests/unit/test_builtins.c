/* Builtins, methods of the builtin types, and the time and random modules,
 * run as small scenarios through sim_run_source: each program's output must
 * equal what CPython 3.11 prints for it under the oracle (tests/oracle.py,
 * which seeds random with 0 and runs time on the virtual clock). The
 * expected texts were produced by running the oracle on the same sources
 * (regenerate them the same way when a source changes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

typedef struct capture {
  char *data; /* bytes written so far, NUL-terminated */
  size_t len; /* length of data */
} capture;

static void append(void *user, const char *text, size_t len) {
  capture *c = user;
  char *p = realloc(c->data, c->len + len + 1);
  assert_non_null(p);
  memcpy(p + c->len, text, len);
  c->len += len;
  p[c->len] = '\0';
  c->data = p;
}

/* Tracebacks go to the test's stderr, where a failure explains itself. */
static void to_stderr(void *user, const char *text, size_t len) {
  (void)user;
  fwrite(text, 1, len, stderr);
}

/* Runs src and checks its status and output. */
static void expect_run(const char *name, const char *src, const char *expected) {
  sim_options o;
  sim_options_init(&o);
  capture out = {NULL, 0};
  o.out = append;
  o.err = to_stderr;
  o.user = &out;
  sim_status st = sim_run_source(&o, name, src, strlen(src));
  assert_int_equal(st, SIM_OK);
  assert_non_null(out.data);
  assert_string_equal(out.data, expected);
  free(out.data);
}

/* str_methods.py; expected output from python3 tests/oracle.py */
static const char str_methods_src[] =
    "s = '  Hello, World!  '\n"
    "print(s.strip(), s.lstrip(), s.rstrip(), '|' + s.strip(' H!') + '|')\n"
    "print('a,b,,c'.split(','), 'a b  c '.split(), ' a b '.split(None, 1), 'a,b,c'.rsplit(',', 1))\n"
    "print('-'.join(['a', 'b']), 'hello world'.title(), \"they're\".title(), 'HeLLo'.swapcase())\n"
    "print('hello'.replace('l', 'L', 1), 'abc'.replace('', '-'), 'hello'.find('l'), 'hello'.rfind('l'))\n"
    "print('hello'.startswith('he'), 'hello'.endswith(('x', 'lo')), 'aaaa'.count('aa'), 'abc'.count(''))\n"
    "print('{} {}'.format(1, 2), '{1}{0}'.format('a', 'b'), '{n:>4}|'.format(n='x'), '{0[1]}'.format([5, 6]))\n"
    "print('{:,}'.format(1234567), '{!r:^7}'.format('q'), '{:{w}.{p}f}'.format(3.14159, w=8, p=2))\n"
    "print('42'.zfill(5), '-42'.zfill(5), 'ab'.center(5, '*'), 'ab'.ljust(4, '.'), 'ab'.rjust(4))\n"
    "print('a=b=c'.partition('='), 'a=b=c'.rpartition('='), 'x.py'.removesuffix('.py'))\n"
    "print('line1\\nline2\\r\\nline3'.splitlines(), '123'.isdigit(), 'ab1'.isalnum(), 'A1'.isupper())\n"
    "print('h\303\251llo'.upper(), len('h\303\251llo'), 'h\303\251llo'[::-1], 'abcdef'[5:1:-2], '\303\211COLE'.lower())\n";
static const char str_methods_out[] =
    "Hello, World! Hello, World!     Hello, World! |ello, World|\n"
    "['a', 'b', '', 'c'] ['a', 'b', 'c'] ['a', 'b '] ['a,b', 'c']\n"
    "a-b Hello World They'Re hEllO\n"
    "heLlo -a-b-c- 2 3\n"
    "True True 2 4\n"
    "1 2 ba    x| 6\n"
    "1,234,567   'q'       3.14\n"
    "00042 -0042 **ab* ab..   ab\n"
    "('a', '=', 'b=c') ('a=b', '=', 'c') x\n"
    "['line1', 'line2', 'line3'] True True True\n"
    "H\303\211LLO 5 oll\303\251h fd \303\251cole\n";

static void test_str_methods(void **state) {
  (void)state;
  expect_run("str_methods.py", str_methods_src, str_methods_out);
}

/* sorting.py; expected output from python3 tests/oracle.py */
static const char sorting_src[] =
    "words = ['bb', 'a', 'ccc', 'dd', 'e']\n"
    "print(sorted(words), sorted(words, key=len), sorted(words, key=len, reverse=True))\n"
    "print(sorted([(1, 'b'), (0, 'a'), (1, 'a')]), sorted('cab', reverse=True))\n"
    "print(sorted(range(100), key=lambda x: x % 7)[:16])\n"
    "l = [3, 1, 2]\n"
    "l.sort(key=lambda x: -x)\n"
    "print(l, min([3, 1], key=lambda x: -x), max(['aa', 'b', 'cc'], key=len))\n"
    "try:\n"
    "    sorted([1, 'a'])\n"
    "except TypeError as e:\n"
    "    print(e)\n"
    "try:\n"
    "    max([1, 'a'])\n"
    "except TypeError as e:\n"
    "    print(e)\n";
static const char sorting_out[] =
    "['a', 'bb', 'ccc', 'dd', 'e'] ['a', 'e', 'bb', 'dd', 'ccc'] ['ccc', 'bb', 'dd', 'a', 'e']\n"
    "[(0, 'a'), (1, 'a'), (1, 'b')] ['c', 'b', 'a']\n"
    "[0, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 1]\n"
    "[3, 2, 1] 3 aa\n"
    "'<' not supported between instances of 'str' and 'int'\n"
    "'>' not supported between instances of 'str' and 'int'\n";

static void test_sorting(void **state) {
  (void)state;
  expect_run("sorting.py", sorting_src, sorting_out);
}

/* printf.py; expected output from python3 tests/oracle.py */
static const char printf_src[] =
    "print('%s %d %.2f %r %5s|%-5s|%x %%' % ('s', 42, 3.14159, 'r', 'ab', 'cd', 255))\n"
    "print('%05d %+d % d %#x %#o %e %g %c %c' % (42, 5, 5, 255, 8, 12345.678, 0.0001, 65, 'z'))\n"
    "print('%(a)s-%(b)d' % {'a': 'x', 'b': 3}, '%.3s|' % 'abcdef', '%*d|' % (5, 42), '%.*f' % (2, 1.23456))\n"
    "print('%s' % [1, 2], '%s' % (1,), '%d' % 3.99, '%.0f %.0f' % (0.5, 1.5), '%10.4f|' % -3.14159)\n"
    "for fmt, arg in [('%d', 'a'), ('%d %d', 1), ('%d', (1, 2)), ('%z', 1), ('%x', 1.5)]:\n"
    "    try:\n"
    "        print(fmt % arg)\n"
    "    except (TypeError, ValueError) as e:\n"
    "        print(type(e).__name__, e)\n";
static const char printf_out[] =
    "s 42 3.14 'r'    ab|cd   |ff %\n"
    "00042 +5  5 0xff 0o10 1.234568e+04 0.0001 A z\n"
    "x-3 abc|    42| 1.23\n"
    "[1, 2] 1 3 0 2    -3.1416|\n"
    "TypeError %d format: a real number is required, not str\n"
    "TypeError not enough arguments for format string\n"
    "TypeError not all arguments converted during string formatting\n"
    "ValueError unsupported format character 'z' (0x7a) at index 1\n"
    "TypeError %x format: an integer is required, not float\n";

static void test_printf(void **state) {
  (void)state;
  expect_run("printf.py", printf_src, printf_out);
}

/* arith.py; expected output from python3 tests/oracle.py */
static const char arith_src[] =
    "print(7 // 2, -7 // 2, 7 // -2, -7 % 3, 7 % -3, 7.5 // 2, -7.5 // 2, -7.5 % 2, 7.5 % -2)\n"
    "print(2 ** 10, 2 ** -1, (-2) ** 3, 2.0 ** 0.5, 0 ** 0, 1 / 3, 10 / 4, 1e16, 1e-5, 0.1 + 0.2)\n"
    "print(1 << 10, -1024 >> 3, -1 >> 100, ~5, True + True, -True, 3 * 'ab', [0] * 3)\n"
    "print(divmod(-7, 2), divmod(-7.5, 2), pow(3, -1, 7), round(2.5), round(-2.5), round(2.675, 2), round(1250, -2))\n"
    "print(int(' -7 '), int('ff', 16), int('0x1f', 0), int(-3.9), float(' inf '), float('-0'), abs(-5.5))\n"
    "print(1 == 1.0, 9007199254740993 == 9007199254740992.0, [1] == [1.0], {1, 2} < {1, 2, 3})\n"
    "def attempt(f):\n"
    "    try:\n"
    "        print(f())\n"
    "    except Exception as e:\n"
    "        print(type(e).__name__, e)\n"
    "attempt(lambda: 1 / 0)\n"
    "attempt(lambda: 1.0 / 0)\n"
    "attempt(lambda: 1 // 0)\n"
    "attempt(lambda: 1 % 0)\n"
    "attempt(lambda: 1.5 // 0)\n"
    "attempt(lambda: 1.5 % 0)\n"
    "attempt(lambda: 0.0 ** -1)\n"
    "attempt(lambda: 1 < 'a')\n"
    "attempt(lambda: [1] < ['a'])\n"
    "attempt(lambda: -'a')\n"
    "attempt(lambda: 'a' + 1)\n"
    "attempt(lambda: 1 + 'a')\n"
    "attempt(lambda: [1] * 1.5)\n"
    "attempt(lambda: {}['k'])\n"
    "attempt(lambda: [][0])\n"
    "attempt(lambda: int('12a'))\n"
    "attempt(lambda: hash([]))\n";
static const char arith_out[] =
    "3 -4 -4 2 -2 3.0 -4.0 0.5 -0.5\n"
    "1024 0.5 -8 1.4142135623730951 1 0.3333333333333333 2.5 1e+16 1e-05 0.30000000000000004\n"
    "1024 -128 -1 -6 2 -1 ababab [0, 0, 0]\n"
    "(-4, 1) (-4.0, 0.5) 5 2 -2 2.67 1200\n"
    "-7 255 31 -3 inf -0.0 5.5\n"
    "True False True True\n"
    "ZeroDivisionError division by zero\n"
    "ZeroDivisionError float division by zero\n"
    "ZeroDivisionError integer division or modulo by zero\n"
    "ZeroDivisionError integer modulo by zero\n"
    "ZeroDivisionError float floor division by zero\n"
    "ZeroDivisionError float modulo\n"
    "ZeroDivisionError 0.0 cannot be raised to a negative power\n"
    "TypeError '<' not supported between instances of 'int' and 'str'\n"
    "TypeError '<' not supported between instances of 'int' and 'str'\n"
    "TypeError bad operand type for unary -: 'str'\n"
    "TypeError can only concatenate str (not \"int\") to str\n"
    "TypeError unsupported operand type(s) for +: 'int' and 'str'\n"
    "TypeError can't multiply sequence by non-int of type 'float'\n"
    "KeyError 'k'\n"
    "IndexError list index out of range\n"
    "ValueError invalid literal for int() with base 10: '12a'\n"
    "TypeError unhashable type: 'list'\n";

static void test_arith(void **state) {
  (void)state;
  expect_run("arith.py", arith_src, arith_out);
}

/* sets_dicts.py; expected output from python3 tests/oracle.py */
static const char sets_dicts_src[] =
    "print({3, 1, 2}, {10, 1}, set([5, 13, 21]), set([-1, 3, -5]), {x * 7 for x in range(12)})\n"
    "s = set()\n"
    "for x in [100, 200, 300, 400, 500, 600]:\n"
    "    s.add(x)\n"
    "print(s, set(s), s | {1})\n"
    "a = {1, 2}\n"
    "a.add(3)\n"
    "b = {3, 4}\n"
    "b.add(100)\n"
    "print(a | b, a & b, a - b, a ^ b, b.difference([4]))\n"
    "for x in {100, 200, 300, 400, 500, 600}:\n"
    "    print(x, end=' ')\n"
    "print()\n"
    "d = {'b': 1, 'a': 2}\n"
    "d['c'] = 3\n"
    "del d['b']\n"
    "d['b'] = 4\n"
    "print(d, d.keys(), d.values(), d.items(), d.get('z', 0), d.pop('a'), d.setdefault('x', []), d)\n"
    "print({1: 'a', 1.0: 'b', True: 'c'}, {1, 1.0, True}, hash(1) == hash(1.0) == hash(True))\n"
    "print(hash(-1), hash((1, 2)), hash(1.5), hash(()), hash(float('inf')))\n"
    "print([1.0, 0.1, 1e16, -0.0, float('inf')], (1,), set(), frozenset({3, 1}), {'a': {1, 2}})\n";
static const char sets_dicts_out[] =
    "{1, 2, 3} {1, 10} {13, 21, 5} {3, -1, -5} {0, 35, 70, 7, 42, 77, 14, 49, 21, 56, 28, 63}\n"
    "{100, 200, 300, 400, 500, 600} {400, 100, 500, 200, 600, 300} {400, 1, 100, 500, 200, 600, 300}\n"
    "{1, 2, 3, 100, 4} {3} {1, 2} {1, 2, 100, 4} {100, 3}\n"
    "100 200 300 400 500 600 \n"
    "{'c': 3, 'b': 4, 'x': []} dict_keys(['c', 'b', 'x']) dict_values([3, 4, []]) dict_items([('c', 3), ('b', 4), ('x', [])]) 0 2 [] {'c': 3, 'b': 4, 'x': []}\n"
    "{1: 'c'} {1} True\n"
    "-2 -3550055125485641917 1152921504606846977 5740354900026072187 314159\n"
    "[1.0, 0.1, 1e+16, -0.0, inf] (1,) set() frozenset({1, 3}) {'a': {1, 2}}\n";

static void test_sets_dicts(void **state) {
  (void)state;
  expect_run("sets_dicts.py", sets_dicts_src, sets_dicts_out);
}

/* sets_fuzz.py; expected output from python3 tests/oracle.py */
static const char sets_fuzz_src[] =
    "x = 7\n"
    "def rnd(n):\n"
    "    global x\n"
    "    x = (x * 1103515245 + 12345) % 2147483648\n"
    "    return (x >> 8) % n\n"
    "sets = [set(), set(), set()]\n"
    "for step in range(3000):\n"
    "    i, j = rnd(3), rnd(3)\n"
    "    s = sets[i]\n"
    "    op = rnd(14)\n"
    "    k = rnd(3000) - 500\n"
    "    if op < 6:\n"
    "        s.add(k * (1 + rnd(40)))\n"
    "    elif op < 8:\n"
    "        s.discard(k)\n"
    "    elif op == 8 and s:\n"
    "        s.pop()\n"
    "    elif op == 9:\n"
    "        sets[i] = s | sets[j]\n"
    "    elif op == 10:\n"
    "        sets[i] = s & sets[j]\n"
    "    elif op == 11:\n"
    "        sets[i] = s - sets[j]\n"
    "    elif op == 12:\n"
    "        sets[i] = s ^ sets[j]\n"
    "    elif op == 13:\n"
    "        s.update([rnd(500) for _ in range(rnd(30))])\n"
    "    if step % 500 == 499:\n"
    "        print(step, [list(t)[:12] for t in sets])\n";
static const char sets_fuzz_out[] =
    "499 [[6, 265, -10227, 14, 51214, 20, 277, 22, 279, 280, 26650, 53274], [60500], [6, -10227, 14, 51214, 20, 22, 23, 26650, 53274, 36, 37, 47]]\n"
    "999 [[6331, 25284], [17475, 20196, 43428, 8105, 23352, -17892], [64, 322, 17475, 132, 6, 135, 33801, 75, 140, 204, 207, 17]]\n"
    "1499 [[-15238, 55170, 6020, 19359], [-6264, 1284, 23877], []]\n"
    "1999 [[144, 3326, -4706], [1110], []]\n"
    "2499 [[270, 400, 145, 17, 280, 31, 289, 34, 291, 293, 421, 423], [400, 145, 17, 280, 31, 289, 34, 291, 293, 421, 423, 42], [456, 205, 270, 10704, 339, 280, 34, 293, 421, 423, 42, 367]]\n"
    "2999 [[1, 40458, 14, -1008, 53280, 17446, 51, 61, -8631, 1610, 75, 76], [-12012, 15396, 3920, 22100, -1448, 3942], [29352, -1056]]\n";

static void test_sets_fuzz(void **state) {
  (void)state;
  expect_run("sets_fuzz.py", sets_fuzz_src, sets_fuzz_out);
}

/* builtins_misc.py; expected output from python3 tests/oracle.py */
static const char builtins_misc_src[] =
    "print(list(enumerate('ab', 1)), list(zip([1, 2, 3], 'ab')), list(map(str, [1, 2])), list(filter(None, [0, 1, '', 'a'])))\n"
    "print(list(reversed([1, 2, 3])), list(reversed(range(5))), sum([0.1] * 10), sum([[1], [2]], []), any([]), all([]))\n"
    "print(isinstance(True, int), isinstance(1, (str, float)), issubclass(KeyError, LookupError), type(1).__name__, type(None))\n"
    "print(chr(65), ord('\303\251'), hex(-255), oct(8), bin(5), callable(len), repr('x'), ascii('\303\251'), format(255, '#x'))\n"
    "it = iter([1, 2])\n"
    "print(next(it), next(it), next(it, 'done'), int(True), float(3), str(12), bool([]), tuple('ab'), list(range(2, 10, 3)))\n"
    "print(range(10)[2:5], range(10)[-1], 5 in range(10), len(range(0, 10, 3)), divmod(7.5, 2), max(1, 5, 3), min('abc'))\n"
    "print(ValueError('x'), repr(ValueError('a', 1)), KeyError('k'), repr(KeyError('k')), StopIteration(5).value)\n"
    "class P:\n"
    "    def __init__(self, x):\n"
    "        self.x = x\n"
    "p = P(3)\n"
    "print(getattr(p, 'x'), getattr(p, 'y', 'dflt'), hasattr(p, 'x'), hasattr(p, 'y'))\n";
static const char builtins_misc_out[] =
    "[(1, 'a'), (2, 'b')] [(1, 'a'), (2, 'b')] ['1', '2'] [1, 'a']\n"
    "[3, 2, 1] [4, 3, 2, 1, 0] 0.9999999999999999 [1, 2] False True\n"
    "True False True int <class 'NoneType'>\n"
    "A 233 -0xff 0o10 0b101 True 'x' '\\xe9' 0xff\n"
    "1 2 done 1 3.0 12 False ('a', 'b') [2, 5, 8]\n"
    "range(2, 5) 9 True 4 (3.0, 1.5) 5 a\n"
    "x ValueError('a', 1) 'k' KeyError('k') 5\n"
    "3 dflt True False\n";

static void test_builtins_misc(void **state) {
  (void)state;
  expect_run("builtins_misc.py", builtins_misc_src, builtins_misc_out);
}

/* classes.py; expected output from python3 tests/oracle.py */
static const char classes_src[] =
    "class V:\n"
    "    def __init__(self, x, y):\n"
    "        self.x, self.y = x, y\n"
    "    def __add__(self, o): return V(self.x + o.x, self.y + o.y)\n"
    "    def __rmul__(self, k): return V(self.x * k, self.y * k)\n"
    "    def __eq__(self, o): return isinstance(o, V) and (self.x, self.y) == (o.x, o.y)\n"
    "    def __lt__(self, o): return (self.x, self.y) < (o.x, o.y)\n"
    "    def __hash__(self): return hash((self.x, self.y))\n"
    "    def __repr__(self): return f\"V({self.x}, {self.y})\"\n"
    "a, b = V(1, 2), V(3, 4)\n"
    "print(a + b, 2 * a, a == V(1, 2), a != b, sorted([b, a]), max(a, b), {a: 1}[V(1, 2)], f\"{a!r}\")\n"
    "class Temp:\n"
    "    def __init__(self): self._c = 0\n"
    "    @property\n"
    "    def c(self): return self._c\n"
    "    @c.setter\n"
    "    def c(self, value): self._c = value * 2\n"
    "    @staticmethod\n"
    "    def twice(n): return 2 * n\n"
    "    @classmethod\n"
    "    def make(cls): return cls.__name__\n"
    "t = Temp()\n"
    "t.c = 5\n"
    "print(t.c, Temp.twice(4), t.twice(1), Temp.make(), t.make())\n"
    "try:\n"
    "    del t.c\n"
    "except AttributeError as e:\n"
    "    print(e)\n"
    "class Base:\n"
    "    def hello(self): return 'base'\n"
    "class Child(Base):\n"
    "    def hello(self): return 'child+' + super().hello()\n"
    "print(Child().hello(), isinstance(Child(), Base), Child.__bases__)\n"
    "class MyErr(Exception):\n"
    "    def __init__(self, msg, code):\n"
    "        super().__init__(msg)\n"
    "        self.code = code\n"
    "e = MyErr('bad', 3)\n"
    "print(repr(e), str(e), e.args, e.code)\n"
    "class N:\n"
    "    def __eq__(self, o): return NotImplemented\n"
    "    def __add__(self, o): return NotImplemented\n"
    "n = N()\n"
    "print(n == n, n == 1, NotImplemented)\n"
    "try:\n"
    "    n + 1\n"
    "except TypeError as err:\n"
    "    print(err)\n"
    "try:\n"
    "    Temp().missing\n"
    "except AttributeError as err:\n"
    "    print(err)\n";
static const char classes_out[] =
    "V(4, 6) V(2, 4) True True [V(1, 2), V(3, 4)] V(3, 4) 1 V(1, 2)\n"
    "10 8 2 Temp Temp\n"
    "property 'c' of 'Temp' object has no deleter\n"
    "child+base True (<class '__main__.Base'>,)\n"
    "MyErr('bad') bad ('bad',) 3\n"
    "True False NotImplemented\n"
    "unsupported operand type(s) for +: 'N' and 'int'\n"
    "'Temp' object has no attribute 'missing'\n";

static void test_classes(void **state) {
  (void)state;
  expect_run("classes.py", classes_src, classes_out);
}

/* random_time.py; expected output from python3 tests/oracle.py */
static const char random_time_src[] =
    "import random\n"
    "import time\n"
    "print(random.random(), random.randint(1, 10), random.randrange(0, 100, 5), random.choice('abcdef'))\n"
    "print(random.uniform(1, 2), random.sample(range(20), 4), random.getrandbits(16))\n"
    "xs = list(range(10))\n"
    "random.shuffle(xs)\n"
    "print(xs)\n"
    "random.seed(42)\n"
    "print(random.random(), random.randint(1, 6), random.choices('abc', k=5), random.choices([1, 2, 3], weights=[1, 0, 5], k=4))\n"
    "random.seed(12345)\n"
    "print(random.randrange(10), random.expovariate(2.0), random.normalvariate(0, 1))\n"
    "print(time.time(), time.monotonic(), time.perf_counter(), time.time_ns(), time.monotonic_ns())\n"
    "time.sleep(1.5)\n"
    "print(time.time(), time.monotonic(), time.perf_counter_ns())\n"
    "try:\n"
    "    random.choice([])\n"
    "except IndexError as e:\n"
    "    print(e)\n"
    "try:\n"
    "    time.sleep(-1)\n"
    "except ValueError as e:\n"
    "    print(e)\n";
static const char random_time_out[] =
    "0.8444218515250481 7 5 c\n"
    "1.965464886361917 [15, 12, 9, 19] 23465\n"
    "[5, 4, 8, 6, 0, 1, 7, 2, 3, 9]\n"
    "0.6394267984578837 1 ['c', 'a', 'a', 'a', 'c'] [3, 3, 1, 1]\n"
    "6 0.6596642855638886 -0.6991330583629701\n"
    "1700000000.0 0.0 0.0 1700000000000000000 0\n"
    "1700000001.5 1.5 1500000000\n"
    "Cannot choose from an empty sequence\n"
    "sleep length must be non-negative\n";

static void test_random_time(void **state) {
  (void)state;
  expect_run("random_time.py", random_time_src, random_time_out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_str_methods),
      cmocka_unit_test(test_sorting),
      cmocka_unit_test(test_printf),
      cmocka_unit_test(test_arith),
      cmocka_unit_test(test_sets_dicts),
      cmocka_unit_test(test_sets_fuzz),
      cmocka_unit_test(test_builtins_misc),
      cmocka_unit_test(test_classes),
      cmocka_unit_test(test_random_time),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
