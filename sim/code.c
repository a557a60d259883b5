/* code: opcode names, handler lookup and the disassembler. See code.h. */
#include "code.h"

#include <string.h>

#include "vm.h"

static const char *const op_names[] = {
#define CODE_OP_NAME(name, effect) #name,
    CODE_OPCODES(CODE_OP_NAME)
#undef CODE_OP_NAME
};

const char *code_op_name(code_op op) {
  if ((unsigned)op >= OP__COUNT)
    return "?";
  return op_names[op];
}

/* Linear in the table size; tables are short (one entry per try, with and
 * async for region) and only searched when an exception is raised. */
const code_handler *code_find_handler(const code *c, uint32_t ip) {
  for (uint32_t i = 0; i < c->nhandlers; i++) {
    const code_handler *h = &c->handlers[i];
    if (ip >= h->start && ip < h->end)
      return h;
  }
  return NULL;
}

int code_slot_of(const code *c, const char *name, size_t len) {
  for (uint32_t i = 0; i < c->nslots; i++) {
    obj_str *s = c->slot_names[i];
    if (s && s->len == len && memcmp(s->data, name, len) == 0)
      return (int)i;
  }
  return -1;
}

static bool uses_name(code_op op) {
  switch (op) {
  case OP_LOAD_GLOBAL:
  case OP_STORE_GLOBAL:
  case OP_DELETE_GLOBAL:
  case OP_LOAD_NAME:
  case OP_STORE_NAME:
  case OP_DELETE_NAME:
  case OP_LOAD_ATTR:
  case OP_LOAD_METHOD:
  case OP_STORE_ATTR:
  case OP_DELETE_ATTR:
  case OP_IMPORT_NAME:
  case OP_IMPORT_FROM:
    return true;
  default:
    return false;
  }
}

static bool uses_slot(code_op op) {
  switch (op) {
  case OP_LOAD_FAST:
  case OP_STORE_FAST:
  case OP_DELETE_FAST:
  case OP_LOAD_DEREF:
  case OP_STORE_DEREF:
  case OP_DELETE_DEREF:
  case OP_LOAD_CLOSURE:
  case OP_SUPER0:
    return true;
  default:
    return false;
  }
}

bool code_disassemble(vm *v, const code *c, fmt_buf *out) {
  fmt_buf_appendf(out, "code %s (line %d): %u slots, stack %u, flags 0x%x\n", c->qualname->data,
                  c->firstline, c->nslots, c->stacksize, c->flags);
  int last_line = -1;
  for (uint32_t i = 0; i < c->nops; i++) {
    code_op op = CODE_OP(c->ops[i]);
    uint32_t arg = CODE_ARG(c->ops[i]);
    if (c->lines[i] != last_line) {
      fmt_buf_appendf(out, "%5d ", c->lines[i]);
      last_line = c->lines[i];
    } else {
      fmt_buf_appends(out, "      ");
    }
    fmt_buf_appendf(out, "%5u %-22s %u", i, code_op_name(op), arg);
    if (op == OP_LOAD_CONST && arg < c->nconsts) {
      fmt_buf_appends(out, " (");
      if (val_is(c->consts[arg], OBJ_CODE))
        fmt_buf_appendf(out, "<code %s>", ((code *)c->consts[arg].as.o)->name->data);
      else if (!vm_repr(v, c->consts[arg], out))
        v->exc = val_undef();
      fmt_buf_appendc(out, ')');
    } else if (uses_name(op) && arg < c->nnames) {
      fmt_buf_appendf(out, " (%s)", c->names[arg]->data);
    } else if (uses_slot(op) && arg < c->nslots && c->slot_names[arg]) {
      fmt_buf_appendf(out, " (%s)", c->slot_names[arg]->data);
    }
    fmt_buf_appendc(out, '\n');
  }
  for (uint32_t i = 0; i < c->nhandlers; i++) {
    const code_handler *h = &c->handlers[i];
    fmt_buf_appendf(out, "  handler [%u, %u) -> %u depth %u%s\n", h->start, h->end, h->target,
                    h->depth, h->push_prev ? " push_prev" : "");
  }
  for (uint32_t i = 0; i < c->nconsts; i++)
    if (val_is(c->consts[i], OBJ_CODE)) {
      fmt_buf_appendc(out, '\n');
      if (!code_disassemble(v, (code *)c->consts[i].as.o, out))
        return false;
    }
  return true;
}
