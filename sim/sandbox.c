/* sandbox: refusing natives for the builtins that would reach outside a scenario. See sandbox.h. */
#include "sandbox.h"

#include <string.h>

#include "obj.h"
#include "vm.h"

typedef struct refusal {
  const char *name;    /* the builtin's name */
  const char *message; /* the whole SandboxError message */
} refusal;

/* CPython's builtins that touch files, processes, the terminal or the environment, run code built
 * at run time, or look into namespaces (the way out of a sandbox in CPython). The site module's
 * exit, quit, help, copyright, credits and license are among them: exit ends the process, help
 * and license read files. */
static const refusal refusals[] = {
    {"open", "open() is not available in loopviz scenarios: a scenario cannot touch files"},
    {"input", "input() is not available in loopviz scenarios: a scenario cannot read the "
              "keyboard (stdin)"},
    {"eval", "eval() is not available in loopviz scenarios: a scenario cannot run code built at "
             "run time"},
    {"exec", "exec() is not available in loopviz scenarios: a scenario cannot run code built at "
             "run time"},
    {"compile", "compile() is not available in loopviz scenarios: a scenario cannot run code "
                "built at run time"},
    {"__import__", "__import__() is not available in loopviz scenarios: write an import statement "
                   "(only asyncio, time and random can be imported)"},
    {"breakpoint", "breakpoint() is not available in loopviz scenarios: a scenario cannot start a "
                   "debugger (step through it in the loopviz window instead)"},
    {"exit", "exit() is not available in loopviz scenarios: a scenario cannot end the process "
             "(return from main() or raise SystemExit)"},
    {"quit", "quit() is not available in loopviz scenarios: a scenario cannot end the process "
             "(return from main() or raise SystemExit)"},
    {"globals", "globals() is not available in loopviz scenarios: a scenario cannot inspect its "
                "namespaces"},
    {"locals", "locals() is not available in loopviz scenarios: a scenario cannot inspect its "
               "namespaces"},
    {"vars", "vars() is not available in loopviz scenarios: a scenario cannot inspect its "
             "namespaces"},
    {"memoryview", "memoryview() is not available in loopviz scenarios: a scenario has no raw "
                   "memory buffers"},
    {"help", "help() is not available in loopviz scenarios: a scenario cannot read the "
             "documentation files (it runs without a terminal)"},
    {"copyright", "copyright() is not available in loopviz scenarios: a scenario cannot read "
                  "files"},
    {"credits", "credits() is not available in loopviz scenarios: a scenario cannot read files"},
    {"license", "license() is not available in loopviz scenarios: a scenario cannot read files"},
};

enum { N_REFUSALS = sizeof refusals / sizeof refusals[0] };

size_t sandbox_count(void) { return N_REFUSALS; }

const char *sandbox_name(size_t i) { return i < N_REFUSALS ? refusals[i].name : NULL; }

const char *sandbox_message(const char *name) {
  for (size_t i = 0; i < N_REFUSALS; i++)
    if (strcmp(refusals[i].name, name) == 0)
      return refusals[i].message;
  return NULL;
}

/* Every refused builtin is this native; its data is the index of its row in refusals. Whatever
 * the arguments, the call raises. */
static bool refuse(vm *v, value self, const value *args, int nargs, obj_tuple *kwnames,
                   value *out) {
  (void)self;
  (void)args;
  (void)nargs;
  (void)kwnames;
  (void)out;
  value d = v->native_data;
  const char *msg = d.t == VAL_INT && d.as.i >= 0 && d.as.i < N_REFUSALS
                        ? refusals[d.as.i].message
                        : "this builtin is not available in loopviz scenarios";
  vm_raise_msg(v, CLS_SANDBOX_ERROR, msg);
  return false;
}

bool sandbox_install(vm *v) {
  if (!v->builtins)
    return false;
  for (size_t i = 0; i < N_REFUSALS; i++) {
    obj_native *n = obj_native_new(v, refuse, refusals[i].name, NULL);
    if (!n)
      return false;
    n->data = val_int((int64_t)i);
    if (!obj_dict_set_cstr(v, v->builtins, refusals[i].name, val_obj(n)))
      return false;
  }
  return true;
}
