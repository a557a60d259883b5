/* libFuzzer target: the lexer and the parser on arbitrary bytes.
 *
 * First the lexer alone runs to its end (or its error) token by token; then parse_module runs on
 * the same bytes, once with the default limits and once with small ones, so the limit paths are
 * reached too. The parser must report exactly one well-formed diagnostic on error and none on
 * success, and free everything (LeakSanitizer checks). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "lex.h"
#include "parse.h"

static void lex_all(const char *src, size_t len) {
  lex_state lx;
  if (lex_init(&lx, "fuzz.py", src, len, 200, 10000) != LEX_OK)
    return;
  lex_token tok;
  /* every token consumes input or ends the stream: a bound catches a lexer that spins */
  size_t bound = 4 * len + 1000;
  for (size_t i = 0;; i++) {
    FUZZ_EXPECT(i < bound);
    lex_result r = lex_next(&lx, &tok);
    if (r != LEX_OK) {
      FUZZ_EXPECT(lx.failed);
      FUZZ_EXPECT(lx.error.line >= 1 && lx.error.col >= 1);
      FUZZ_EXPECT(strchr(lx.error.message, '\n') == NULL && lx.error.message[0] != '\0');
      break;
    }
    FUZZ_EXPECT(tok.line >= 1 && tok.col >= 1);
    if (tok.kind == LEX_ENDMARKER)
      break;
  }
  lex_free(&lx);
}

static void parse_once(const char *src, size_t len, const parse_config *cfg) {
  fuzz_diags diags = {0, DIAG_SYNTAX};
  ast_tree *tree = NULL;
  parse_result r = parse_module("fuzz.py", src, len, cfg, fuzz_on_diag, &diags, &tree);
  if (r == PARSE_OK) {
    FUZZ_EXPECT(tree != NULL);
    FUZZ_EXPECT(diags.count == 0);
    ast_tree_free(tree);
  } else if (r == PARSE_NOMEM) {
    FUZZ_EXPECT(tree == NULL);
  } else {
    FUZZ_EXPECT(tree == NULL);
    FUZZ_EXPECT(diags.count == 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *src = (const char *)data;
  lex_all(src, size);
  parse_once(src, size, NULL);
  parse_config small;
  parse_config_init(&small);
  small.max_nesting = 12;
  small.max_line_length = 200;
  small.max_source = 4096;
  parse_once(src, size, &small);
  return 0;
}
