/* sandbox: the builtins a scenario may not call.
 *
 * loopviz is a sandbox by construction: its VM has no native that opens a file, starts a
 * process, reads the environment or the keyboard, and only asyncio, time and random can be
 * imported. What remains is naming the refusal. CPython's builtins that would reach outside the
 * scenario (open, input, eval, exec, __import__, exit, ...) are bound to refusing natives, so a
 * scenario using one stops with a SandboxError that names the builtin and says why, instead of a
 * NameError that would look like a typo. */
#ifndef LOOPVIZ_SANDBOX_H
#define LOOPVIZ_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vm vm; /* vm.h */

/* Binds every refused builtin in v->builtins to a native raising SandboxError with its message.
 * Returns false when memory ran out (v is then unusable, as after a failed bi_install). */
bool sandbox_install(vm *v);

/* How many builtins are refused, and the i-th of them (i < sandbox_count()), for tests and
 * documentation. */
size_t sandbox_count(void);
const char *sandbox_name(size_t i);

/* The SandboxError message for the refused builtin name ("open() is not available in loopviz
 * scenarios: a scenario cannot touch files"), or NULL when name is not refused. */
const char *sandbox_message(const char *name);

#endif
