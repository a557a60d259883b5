/* sim: parse, compile and run one scenario. See sim.h. */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "parse.h"
#include "trace.h"
#include "vm.h"

void sim_options_init(sim_options *o) {
  memset(o, 0, sizeof *o);
  /* An infinite loop stops within a second (the VM runs about 120 million instructions a second)
   * and an allocation bomb at 512 MiB of objects; the largest bundled or conformance scenario
   * needs under 20 million instructions and 64 MiB (docs/robustness.md). */
  o->limits.max_instructions = 100000000ull;
  o->limits.max_memory = 512ull << 20;
  o->limits.max_recursion = 1000;
  o->limits.max_virtual_time = 1e9;
  o->limits.max_tasks = 1000000;
  o->limits.max_source = 1u << 20;
  parse_config pc;
  parse_config_init(&pc);
  o->limits.max_nesting = pc.max_nesting;
  o->limits.max_line_length = pc.max_line_length;
}

void sim_limits_override(sim_limits *l, const sim_limits *given) {
  if (given->max_instructions != 0)
    l->max_instructions = given->max_instructions;
  if (given->max_memory != 0)
    l->max_memory = given->max_memory;
  if (given->max_recursion != 0)
    l->max_recursion = given->max_recursion;
  if (given->max_virtual_time != 0)
    l->max_virtual_time = given->max_virtual_time;
  if (given->max_tasks != 0)
    l->max_tasks = given->max_tasks;
  if (given->max_source != 0)
    l->max_source = given->max_source;
  if (given->max_nesting != 0)
    l->max_nesting = given->max_nesting;
  if (given->max_line_length != 0)
    l->max_line_length = given->max_line_length;
}

typedef struct diag_ctx {
  const sim_options *o; /* where to write */
  const char *src;      /* the source, for the offending line */
  size_t len;           /* its length */
} diag_ctx;

static void err_write(const sim_options *o, const char *s, size_t n) {
  if (o->err)
    o->err(o->user, s, n);
}

static void err_puts(const sim_options *o, const char *s) { err_write(o, s, strlen(s)); }

/* Prints a diagnostic as python3 prints a SyntaxError, or as a loopviz
 * refusal (file:line:col: message) for unsupported constructs and limits. */
static void on_diag(void *user, const diag *d) {
  diag_ctx *c = user;
  char head[1200];
  const char *line = c->src;
  const char *end = c->src + c->len;
  for (int i = 1; i < d->line && line < end; i++) {
    const char *nl = memchr(line, '\n', (size_t)(end - line));
    line = nl ? nl + 1 : end;
  }
  const char *le = line;
  while (le < end && *le != '\n' && *le != '\r')
    le++;
  if (d->kind == DIAG_UNSUPPORTED || d->kind == DIAG_LIMIT) {
    snprintf(head, sizeof head, "%s:%d:%d: %s\n", d->file, d->line, d->col, d->message);
    err_puts(c->o, head);
    return;
  }
  snprintf(head, sizeof head, "  File \"%s\", line %d\n", d->file, d->line);
  err_puts(c->o, head);
  /* the line, without its indentation, and a caret under the column */
  const char *s = line;
  while (s < le && (*s == ' ' || *s == '\t' || *s == '\f'))
    s++;
  int skipped = (int)(s - line);
  if (s < le) {
    err_puts(c->o, "    ");
    err_write(c->o, s, (size_t)(le - s));
    err_puts(c->o, "\n    ");
    int col = d->col - 1 - skipped;
    /* columns count characters: step over UTF-8 continuation bytes */
    int pad = 0;
    for (const char *p = s; p < le && col > 0; p++) {
      if (((unsigned char)*p & 0xC0) != 0x80) {
        col--;
        pad++;
      }
    }
    for (int i = 0; i < pad; i++)
      err_puts(c->o, " ");
    int width = 1;
    if (d->end_col > d->col)
      width = d->end_col - d->col;
    for (int i = 0; i < width; i++)
      err_puts(c->o, "^");
    err_puts(c->o, "\n");
  }
  const char *cls = d->kind == DIAG_INDENTATION ? "IndentationError"
                    : d->kind == DIAG_TAB       ? "TabError"
                                                : "SyntaxError";
  snprintf(head, sizeof head, "%s: %s\n", cls, d->message);
  err_puts(c->o, head);
}

static sim_status run_source(const sim_options *o, const char *filename, const char *src,
                             size_t len, double *clock);

sim_status sim_run_source(const sim_options *o, const char *filename, const char *src, size_t len) {
  if (o->trace) {
    trace_set_source(o->trace, filename, src, len);
    trace_add(o->trace, TR_RUN_START, 0, -1, 0, 0, 0, 0, filename, strlen(filename));
  }
  double clock = 0;
  sim_status st = run_source(o, filename, src, len, &clock);
  if (o->trace)
    trace_add(o->trace, TR_RUN_END, clock, -1, (int32_t)st, 0, 0, 0, NULL, 0);
  return st;
}

static sim_status run_source(const sim_options *o, const char *filename, const char *src,
                             size_t len, double *clock) {
  diag_ctx dc = {o, src, len};
  parse_config pc;
  parse_config_init(&pc);
  /* zero (an all-zero sim_limits) keeps the parser's default */
  if (o->limits.max_nesting > 0)
    pc.max_nesting = o->limits.max_nesting;
  if (o->limits.max_line_length > 0)
    pc.max_line_length = o->limits.max_line_length;
  if (o->limits.max_source)
    pc.max_source = o->limits.max_source;
  ast_tree *tree = NULL;
  parse_result pr = parse_module(filename, src, len, &pc, on_diag, &dc, &tree);
  if (pr != PARSE_OK) {
    if (pr == PARSE_NOMEM)
      err_puts(o, "MemoryError: out of memory while parsing\n");
    return SIM_ERROR;
  }
  vm *v = vm_new(o);
  if (!v) {
    ast_tree_free(tree);
    err_puts(o, "MemoryError: cannot create the interpreter\n");
    return SIM_ERROR;
  }
  v->filename = filename;
  v->source = src;
  v->source_len = len;
  if (o->trace) {
    v->trace = o->trace;
    v->trace_lines = trace_lines_enabled(o->trace);
    if (v->trace_lines)
      v->instr_stop = 0;
  }
  code *k = NULL;
  comp_result cr = comp_module(v, ast_tree_root(tree), filename, on_diag, &dc, &k);
  ast_tree_free(tree);
  if (cr != COMP_OK) {
    if (cr == COMP_NOMEM)
      err_puts(o, "MemoryError: out of memory while compiling\n");
    vm_free(v);
    return SIM_ERROR;
  }
  if (o->disassemble) {
    fmt_buf b;
    fmt_buf_init(&b);
    code_disassemble(v, k, &b);
    err_write(o, fmt_buf_str(&b), b.len);
    fmt_buf_free(&b);
  }
  value out;
  sim_status st = SIM_OK;
  if (!vm_run_module(v, k, v->globals, &out)) {
    value exc = v->exc;
    v->exc = val_undef();
    if (val_is(exc, OBJ_EXCEPTION) && obj_isinstance(v, exc, v->cls[CLS_SYSTEM_EXIT])) {
      obj_exception *e = AS_EXC(exc);
      value code_v = e->args && e->args->count ? e->args->items[0] : val_none();
      st = code_v.t == VAL_INT    ? (code_v.as.i == 0 ? SIM_OK : SIM_ERROR)
           : code_v.t == VAL_NONE ? SIM_OK
                                  : SIM_ERROR;
    } else {
      vm_print_exception(v, exc);
      st = SIM_ERROR;
    }
  }
  /* After a limit the LimitError stays the last word: the coroutines it cut off are no bug of the
   * program's (a task bomb left hundreds of thousands of warnings, core request 22). */
  if (!v->limit_hit)
    vm_report_never_awaited(v);
  *clock = v->clock;
  vm_free(v);
  return st;
}

sim_status sim_run_file(const sim_options *o, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    char msg[1200];
    snprintf(msg, sizeof msg, "loopviz: cannot open '%s'\n", path);
    err_puts(o, msg);
    return SIM_IO_ERROR;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  size_t limit = o->limits.max_source ? o->limits.max_source : (size_t)1 << 20;
  while (buf) {
    if (len == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0)
      break;
    if (len > limit + 1)
      break;
  }
  bool failed = ferror(f) != 0;
  fclose(f);
  if (!buf || failed) {
    free(buf);
    char msg[1200];
    snprintf(msg, sizeof msg, "loopviz: cannot read '%s'\n", path);
    err_puts(o, msg);
    return SIM_IO_ERROR;
  }
  sim_status st = sim_run_source(o, path, buf, len);
  free(buf);
  return st;
}
