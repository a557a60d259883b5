/* fuzz_common: what the libFuzzer targets share. Each target is one translation unit that
 * includes this header; the helpers are static so the targets stay independent executables.
 *
 * A diagnostic must be one line with a location: a message without a newline, line >= 1 and
 * column >= 1. A broken promise is a crash for libFuzzer (abort with the reason on stderr). */
#ifndef LOOPVIZ_FUZZ_COMMON_H
#define LOOPVIZ_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Stops the fuzzer with a reason: libFuzzer saves the input that got here. */
#define FUZZ_EXPECT(cond)                                                                          \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: fuzz expectation failed: %s\n", __FILE__, __LINE__, #cond);         \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

typedef struct fuzz_diags {
  int count;     /* diagnostics reported */
  diag_kind kind; /* the last one's kind */
} fuzz_diags;

/* A diag_fn that checks the shape of every diagnostic and counts them. */
static inline void fuzz_on_diag(void *user, const diag *d) {
  fuzz_diags *c = user;
  FUZZ_EXPECT(d != NULL && d->message != NULL && d->file != NULL);
  FUZZ_EXPECT(d->message[0] != '\0');
  FUZZ_EXPECT(strchr(d->message, '\n') == NULL);
  FUZZ_EXPECT(d->line >= 1);
  FUZZ_EXPECT(d->col >= 1);
  c->count++;
  c->kind = d->kind;
}

#endif
