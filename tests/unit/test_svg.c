/* Tests for render/svg: escaping (entities, invalid UTF-8, characters XML forbids), each display
 * command's shape, clip groups, numbers in fixed notation, and the whole gather diagram as a
 * well-formed document (checked by python3's xml.etree) with exactly one <text> element per text
 * command, in order, holding its string, and every label line of the diagram among them. Pure C:
 * a fake text measurer, no fonts, no SDL. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fmt.h"
#include "layout.h"
#include "scene.h"
#include "sim.h"
#include "svg.h"
#include "theme.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fake_measure(void *user, layout_face face, float size, const char *text, size_t len,
                         float *w, float *h) {
  (void)user;
  (void)face;
  size_t chars = 0;
  for (size_t i = 0; i < len; i++)
    chars += ((unsigned char)text[i] & 0xc0) != 0x80;
  *w = (float)chars * size * 0.6f;
  *h = size * 1.25f;
}

static void ignore(void *user, const char *text, size_t len) {
  (void)user;
  (void)text;
  (void)len;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

static const char *escape(fmt_buf *b, const char *s, size_t len) {
  fmt_buf_clear(b);
  assert_int_equal(svg_escape(b, s, len), SVG_OK);
  return fmt_buf_str(b);
}

static void test_escape(void **state) {
  (void)state;
  fmt_buf b;
  fmt_buf_init(&b);
  assert_string_equal(escape(&b, "a<b>&\"c'", 8), "a&lt;b&gt;&amp;&quot;c&apos;");
  assert_string_equal(escape(&b, "{'id': 1}", 9), "{&apos;id&apos;: 1}");
  /* UTF-8 passes through: é, an arrow, a 4-byte emoji */
  const char *ok = "\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80";
  assert_string_equal(escape(&b, ok, strlen(ok)), ok);
  /* a stray byte, an overlong NUL, a surrogate, a truncated sequence: each one U+FFFD */
  assert_string_equal(escape(&b,
                             "a\xff"
                             "b",
                             3),
                      "a\xef\xbf\xbd"
                      "b");
  assert_string_equal(escape(&b, "\xc0\x80", 2), "\xef\xbf\xbd\xef\xbf\xbd");
  assert_string_equal(escape(&b, "\xed\xa0\x80", 3), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  assert_string_equal(escape(&b, "x\xe2\x86", 3), "x\xef\xbf\xbd\xef\xbf\xbd");
  /* controls XML 1.0 forbids, and a NUL inside the range; tab and newline stay */
  assert_string_equal(escape(&b,
                             "a\x01\x1b"
                             "b",
                             4),
                      "a\xef\xbf\xbd\xef\xbf\xbd"
                      "b");
  assert_string_equal(escape(&b, "a\0b", 3), "a\xef\xbf\xbd"
                                             "b");
  assert_string_equal(escape(&b, "\t\n", 2), "\t\n");
  /* U+FFFE is not an XML character */
  assert_string_equal(escape(&b, "\xef\xbf\xbe", 3), "\xef\xbf\xbd");
  fmt_buf_free(&b);
}

/* A display list built by hand. */
static scene_cmd *add(scene_list *l, scene_op op, theme_color c) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->cmds = realloc(l->cmds, l->cap * sizeof *l->cmds);
    assert_non_null(l->cmds);
  }
  scene_cmd *k = &l->cmds[l->n++];
  memset(k, 0, sizeof *k);
  k->op = op;
  k->color = c;
  return k;
}

static void add_text(scene_list *l, const char *s, float x, float y, layout_face face, int size) {
  size_t len = strlen(s);
  if (l->pool_len + len > l->pool_cap) {
    l->pool_cap = (l->pool_len + len) * 2 + 64;
    l->pool = realloc(l->pool, l->pool_cap);
    assert_non_null(l->pool);
  }
  scene_cmd *k = add(l, SC_TEXT, (theme_color){0x11, 0x22, 0x33, 0xff});
  memcpy(l->pool + l->pool_len, s, len);
  k->text = (uint32_t)l->pool_len;
  k->len = (uint32_t)len;
  l->pool_len += len;
  k->x0 = x;
  k->y0 = y;
  k->face = face;
  k->size = size;
}

static float ten(void *user, layout_face face, int size) {
  (void)user;
  (void)face;
  (void)size;
  return 10.0f;
}

static void test_shapes(void **state) {
  (void)state;
  scene_list l;
  scene_list_init(&l);
  theme_color red = {0xff, 0, 0, 0xff}, half = {0, 0, 0xff, 0x80};
  scene_cmd *k = add(&l, SC_FILL_RECT, red);
  k->x0 = 10, k->y0 = 20, k->x1 = 30.5f, k->y1 = 40;
  k = add(&l, SC_RECT, half);
  k->x0 = 0, k->y0 = 0, k->x1 = 100, k->y1 = 50, k->width = 2;
  k = add(&l, SC_FILL_ROUND, red);
  k->x0 = 0, k->y0 = 0, k->x1 = 40, k->y1 = 40, k->radius = 6;
  k = add(&l, SC_ROUND, red);
  k->x0 = 0, k->y0 = 0, k->x1 = 40, k->y1 = 40, k->radius = 6, k->width = 2;
  add(&l, SC_CLIP_PUSH, red)->x1 = 50;
  k = add(&l, SC_LINE, red);
  k->x0 = 1.0f / 3.0f, k->y0 = -0.001f, k->x1 = 9, k->y1 = 9, k->width = 0.5f;
  k = add(&l, SC_DASH, half);
  k->x0 = 0, k->y0 = 5, k->x1 = 90, k->y1 = 5, k->width = 1, k->dash = 6, k->gap = 4;
  k = add(&l, SC_TRIANGLE, red);
  k->x0 = 1, k->y0 = 2, k->x1 = 3, k->y1 = 4, k->x2 = 5, k->y2 = 6;
  add(&l, SC_CLIP_PUSH, red)->x1 = 50;
  add_text(&l, "Task-3: return {'id': 2} <ok> & done", 5, 7, FACE_SANS_BOLD, 14);
  add(&l, SC_CLIP_POP, red);
  add_text(&l, "mono", 0, 0, FACE_MONO, 12);
  /* the second clip is left open: svg_write closes it */
  svg_options o = {200, 100, "a <title>", ten, NULL, fake_measure, NULL};
  fmt_buf b;
  fmt_buf_init(&b);
  assert_int_equal(svg_write(&l, &o, &b), SVG_OK);
  const char *s = fmt_buf_str(&b);
  assert_non_null(strstr(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
  assert_non_null(strstr(s, "width=\"200\" height=\"100\" viewBox=\"0 0 200 100\""));
  assert_non_null(strstr(s, "<title>a &lt;title&gt;</title>"));
  assert_non_null(
      strstr(s, "<rect x=\"10\" y=\"20\" width=\"20.5\" height=\"20\" fill=\"#ff0000\"/>"));
  /* an outline lies inside its corners, as sdlr draws it; translucent colours carry opacity */
  assert_non_null(strstr(s, "<rect x=\"1\" y=\"1\" width=\"98\" height=\"48\" fill=\"none\" "
                            "stroke=\"#0000ff\" stroke-opacity=\"0.502\" stroke-width=\"2\"/>"));
  assert_non_null(strstr(s, "rx=\"6\" ry=\"6\" fill=\"#ff0000\"/>"));
  assert_non_null(strstr(s, "rx=\"5\" ry=\"5\" fill=\"none\""));
  /* numbers in fixed notation with two decimals at most; strokes at least one pixel */
  assert_non_null(strstr(s, "<line x1=\"0.33\" y1=\"0\" x2=\"9\" y2=\"9\" stroke=\"#ff0000\" "
                            "stroke-width=\"1\"/>"));
  assert_non_null(strstr(s, "stroke-dasharray=\"6 4\""));
  assert_non_null(strstr(s, "<polygon points=\"1,2 3,4 5,6\" fill=\"#ff0000\"/>"));
  /* text: baseline from the ascent callback, bold, width from the measurer, escaped */
  assert_non_null(strstr(s, "<text x=\"5\" y=\"17\" font-family=\"'DejaVu Sans', Verdana, "
                            "sans-serif\" font-weight=\"bold\" font-size=\"14\" fill=\"#112233\" "
                            "textLength=\"302.4\" lengthAdjust=\"spacingAndGlyphs\">Task-3: return "
                            "{&apos;id&apos;: 2} &lt;ok&gt; &amp; done</text>"));
  assert_non_null(strstr(s, "font-family=\"'DejaVu Sans Mono', Menlo, Consolas, monospace\""));
  assert_int_equal(count(s, "<clipPath id=\"c"), 2);
  assert_int_equal(count(s, "<g clip-path=\"url(#c"), 2);
  assert_int_equal(count(s, "</g>"), 2);
  assert_int_equal(count(s, "<text "), 2);
  assert_non_null(strstr(s, "</svg>\n"));
  /* the same list gives the same bytes */
  fmt_buf again;
  fmt_buf_init(&again);
  assert_int_equal(svg_write(&l, &o, &again), SVG_OK);
  assert_string_equal(fmt_buf_str(&again), s);
  fmt_buf_free(&again);
  /* a pop without a push, and an incomplete list, are refused */
  add(&l, SC_CLIP_POP, red);
  add(&l, SC_CLIP_POP, red);
  fmt_buf_clear(&b);
  assert_int_equal(svg_write(&l, &o, &b), SVG_BAD_LIST);
  l.oom = true;
  fmt_buf_clear(&b);
  assert_int_equal(svg_write(&l, &o, &b), SVG_BAD_LIST);
  fmt_buf_free(&b);
  scene_list_free(&l);
}

static void test_default_ascent(void **state) {
  (void)state;
  float a = svg_default_ascent(NULL, FACE_SANS, 20);
  assert_true(a > 18.0f && a < 19.0f); /* DejaVu's 1901/2048 em */
}

/* ---- the gather diagram, through python3's XML parser ------------------------------------- */

/* Runs python3 on the SVG file: parses it with xml.etree and prints the text of every <text>
 * element in document order, one per line. Returns what it printed, or NULL if it failed. */
static char *python_texts(const char *svg_path) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "python3 -c \"import sys, xml.etree.ElementTree as E\n"
           "r = E.parse(sys.argv[1]).getroot()\n"
           "assert r.tag == '{http://www.w3.org/2000/svg}svg', r.tag\n"
           "sys.stdout.buffer.write(b''.join((e.text or '').encode() + b'\\\\n' for e in "
           "r.iter('{http://www.w3.org/2000/svg}text')))\" '%s'",
           svg_path);
  FILE *p = popen(cmd, "r");
  if (p == NULL)
    return NULL;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (size_t n; buf != NULL && (n = fread(buf + len, 1, cap - len - 1, p)) > 0;) {
    len += n;
    if (len + 1 == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  int status = pclose(p);
  if (buf == NULL || status != 0) {
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  return buf;
}

static void test_gather_document(void **state) {
  (void)state;
  trace *t = trace_new(true);
  sim_options so;
  sim_options_init(&so);
  so.out = ignore;
  so.err = ignore;
  so.trace = t;
  assert_int_equal(sim_run_file(&so, LOOPVIZ_SOURCE_DIR "/scenarios/gather.py"), SIM_OK);
  theme th;
  theme_defaults(&th);
  layout_options lo = {&th, fake_measure, NULL, GRAIN_LOOP};
  layout_diagram *d = NULL;
  assert_int_equal(layout_build(t, &lo, &d), LAYOUT_OK);
  /* large enough for the whole diagram: nothing scrolls out of sight */
  int w = (int)(d->width + th.ruler_w) + 200, h = (int)d->height + 200;
  scene_view v = {w, h, 1.0f, 0, 0, false, true, false, 1.0f, NULL, NULL, false};
  scene_input in = {d, d->nstops - 1, 1.0f, &v, &th, fake_measure, NULL};
  scene_list l;
  scene_list_init(&l);
  assert_true(scene_build(&in, &l));
  svg_options o = {v.w, v.h, "gather", NULL, NULL, NULL, NULL};
  fmt_buf b;
  fmt_buf_init(&b);
  assert_int_equal(svg_write(&l, &o, &b), SVG_OK);
  char path[] = "/tmp/loopviz_test_svg_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, fmt_buf_str(&b), b.len), (ssize_t)b.len);
  close(fd);
  char *texts = python_texts(path);
  unlink(path);
  assert_non_null(texts);
  /* one <text> per SC_TEXT command, in order, with its string */
  size_t ntext = 0;
  const char *line = texts;
  for (size_t i = 0; i < l.n; i++) {
    const scene_cmd *k = &l.cmds[i];
    if (k->op != SC_TEXT)
      continue;
    ntext++;
    const char *nl = strchr(line, '\n');
    assert_non_null(nl);
    if ((size_t)(nl - line) != k->len || memcmp(line, scene_cmd_text(&l, k), k->len) != 0)
      fail_msg("text %zu: '%.*s' in the SVG, '%.*s' in the list", ntext, (int)(nl - line), line,
               (int)k->len, scene_cmd_text(&l, k));
    line = nl + 1;
  }
  assert_string_equal(line, ""); /* no <text> beyond the commands */
  assert_true(ntext > 40);
  /* every line of every row label and every lane title is one of them */
  for (size_t r = 0; r < d->nrows + d->nlanes; r++) {
    const char *label = r < d->nrows ? layout_text(d, d->rows[r].label)
                                     : layout_text(d, d->lanes[r - d->nrows].title);
    for (const char *p = label; *p != '\0';) {
      size_t n = strcspn(p, "\n");
      char want[512];
      snprintf(want, sizeof want, "\n%.*s\n", (int)n, p);
      bool found = strncmp(texts, want + 1, n + 1) == 0 || strstr(texts, want) != NULL;
      if (!found)
        fail_msg("label line '%.*s' has no <text> element", (int)n, p);
      p += n;
      if (*p == '\n')
        p++;
    }
  }
  free(texts);
  fmt_buf_free(&b);
  scene_list_free(&l);
  layout_free(d);
  trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_shapes),
      cmocka_unit_test(test_default_ascent),
      cmocka_unit_test(test_gather_document),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
