/* prelude: the asyncio prelude source. See prelude.h. */
#include "prelude.h"

static const char prelude_src[] =
    "FIRST_COMPLETED = 'FIRST_COMPLETED'\n"
    "FIRST_EXCEPTION = 'FIRST_EXCEPTION'\n"
    "ALL_COMPLETED = 'ALL_COMPLETED'\n";

const char *prelude_asyncio(size_t *len) {
  *len = sizeof prelude_src - 1;
  return prelude_src;
}
