/* ast: the arena that owns a syntax tree.
 *
 * Nodes, lists and strings are carved out of large chunks; freeing the tree
 * frees the chunks. Nothing is ever freed one by one. */
#include "ast.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define AST_CHUNK_SIZE ((size_t)64 * 1024)

typedef struct ast_chunk ast_chunk;
struct ast_chunk {
  ast_chunk *next; /* the chunk allocated before this one */
  size_t size;     /* usable bytes in data */
  size_t used;     /* bytes handed out */
  alignas(max_align_t) unsigned char data[]; /* the memory */
};

struct ast_tree {
  ast_chunk *chunks; /* newest first */
  ast_node *root;    /* the AST_MODULE node */
};

ast_tree *ast_tree_new(void) { return calloc(1, sizeof(ast_tree)); }

ast_node *ast_tree_root(const ast_tree *t) { return t ? t->root : NULL; }

void ast_tree_set_root(ast_tree *t, ast_node *module) { t->root = module; }

void ast_tree_free(ast_tree *t) {
  if (!t) return;
  ast_chunk *c = t->chunks;
  while (c) {
    ast_chunk *next = c->next;
    free(c);
    c = next;
  }
  free(t);
}

void *ast_alloc(ast_tree *t, size_t size) {
  const size_t align = alignof(max_align_t);
  if (size > SIZE_MAX / 2) return NULL;
  size = (size + align - 1) / align * align;
  if (size == 0) size = align;
  ast_chunk *c = t->chunks;
  if (!c || c->size - c->used < size) {
    size_t want = size > AST_CHUNK_SIZE ? size : AST_CHUNK_SIZE;
    ast_chunk *n = malloc(sizeof(ast_chunk) + want);
    if (!n) return NULL;
    n->size = want;
    n->used = 0;
    if (c && size > AST_CHUNK_SIZE) {
      /* a big block gets its own chunk behind the current one, so the rest of the
       * current chunk stays in use */
      n->next = c->next;
      c->next = n;
    } else {
      n->next = c;
      t->chunks = n;
    }
    c = n;
  }
  void *p = c->data + c->used;
  c->used += size;
  memset(p, 0, size);
  return p;
}

ast_node *ast_node_new(ast_tree *t, ast_kind kind, int line, int col) {
  ast_node *n = ast_alloc(t, sizeof(ast_node));
  if (!n) return NULL;
  n->kind = kind;
  n->line = line;
  n->col = col;
  n->end_line = line;
  n->end_col = col;
  return n;
}

char *ast_strndup(ast_tree *t, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *d = ast_alloc(t, len + 1);
  if (!d) return NULL;
  if (len) memcpy(d, s, len);
  d[len] = '\0';
  return d;
}
