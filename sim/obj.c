/* obj: constructors, identity, equality, hashing and the dict/set table.
 *
 * Hashes of int, bool, float and tuple are CPython 3.11's own (so hash()
 * prints the same numbers and sets of numbers iterate in CPython's order);
 * str uses a 64-bit FNV-1a with a final mix, as CPython's str hash is
 * randomised per process anyway. */
#include "obj.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "loop.h"
#include "vm.h"

#define HASH_MODULUS (((uint64_t)1 << 61) - 1) /* CPython's _PyHASH_MODULUS */
#define HASH_BITS 61                           /* CPython's _PyHASH_BITS */
#define HASH_INF ((uint64_t)314159)            /* hash(float('inf')) */
#define DICT_MIN_INDEX 8                       /* smallest index table */
#define IX_EMPTY (-1)                          /* index slot never used */
#define IX_DUMMY (-2)                          /* index slot of a deleted entry */
#define PERTURB_SHIFT 5                        /* probing, as CPython's dict and set */
#define SET_LINEAR_PROBES 9                    /* CPython setobject.c LINEAR_PROBES */
#define SET_MINSIZE 8                          /* CPython PySet_MINSIZE */
#define FAKE_ADDR_BASE ((uint64_t)0x7f0000000000) /* default reprs: base address */
#define FAKE_ADDR_STEP ((uint64_t)0x40)           /* default reprs: bytes per serial */

/* ---------------------------------------------------------------- strings */

static uint64_t str_hash_bytes(const char *s, size_t len) {
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  if (h == 0 || h == (uint64_t)-1) h = 1;
  return h;
}

static uint64_t str_hash(obj_str *s) {
  if (s->hash == 0) s->hash = str_hash_bytes(s->data, s->len);
  return s->hash;
}

obj_str *obj_str_new(vm *v, const char *s, size_t len) {
  obj_str *o = vm_alloc(v, OBJ_STR, sizeof(obj_str) + len + 1);
  if (!o) return NULL;
  if (len) memcpy(o->data, s, len);
  o->data[len] = '\0';
  o->len = len;
  o->chars = fmt_utf8_length(s, len);
  return o;
}

obj_str *obj_str_cstr(vm *v, const char *s) { return obj_str_new(v, s, strlen(s)); }

static bool str_eq_bytes(const obj_str *a, const char *s, size_t len) {
  return a->len == len && memcmp(a->data, s, len) == 0;
}

/* ------------------------------------------------------------- dict core */

#define CT_EMPTY (-1) /* emulated CPython set table: never used slot */
#define CT_DUMMY (-2) /* emulated CPython set table: slot of a removed key */

static bool is_set(const obj_dict *d) { return d->hdr.kind != OBJ_DICT; }
static int32_t *ctab(obj_dict *d) { return d->index + d->index_size; }
static size_t ct_size(const obj_dict *d) { return d->cmask ? d->cmask + 1 : 0; }

size_t obj_dict_buffer_bytes(const obj_dict *d) {
  return (d->entries ? d->cap * sizeof(dict_entry) : 0) +
         (d->index ? (d->index_size + ct_size(d)) * sizeof(int32_t) : 0);
}

/* Replaces the index + set-table allocation: isize index slots (copied
 * when keep_index, else left for the caller to fill) and csize set-table
 * slots (copied from ct when given, else from the current table when it
 * has the same size, else empty). */
static bool set_buffers(vm *v, obj_dict *d, size_t isize, size_t csize, bool keep_index,
                        const int32_t *ct) {
  int32_t *buf = vm_realloc(v, NULL, 0, (isize + csize) * sizeof(int32_t));
  if (!buf) return false;
  if (keep_index && isize == d->index_size && isize)
    memcpy(buf, d->index, isize * sizeof(int32_t));
  else
    for (size_t i = 0; i < isize; i++) buf[i] = IX_EMPTY;
  if (ct)
    memcpy(buf + isize, ct, csize * sizeof(int32_t));
  else if (csize && csize == ct_size(d))
    memcpy(buf + isize, ctab(d), csize * sizeof(int32_t));
  else
    for (size_t i = 0; i < csize; i++) buf[isize + i] = CT_EMPTY;
  if (d->index) vm_realloc(v, d->index, (d->index_size + ct_size(d)) * sizeof(int32_t), 0);
  d->index = buf;
  d->index_size = isize;
  d->cmask = csize ? csize - 1 : 0;
  return true;
}

static int32_t *ix_slot(obj_dict *d, uint64_t hash, int32_t pos) {
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = hash;
  for (;;) {
    if (d->index[i] == IX_EMPTY || d->index[i] == pos) return &d->index[i];
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
}

/* Puts an entry position in the first empty index slot of its probe. */
static void ix_insert(obj_dict *d, uint64_t hash, int32_t pos) {
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = hash;
  while (d->index[i] != IX_EMPTY) {
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
  d->index[i] = pos;
}

/* Rebuilds the index with room for `want` entries, compacting deleted
 * entries away (and renumbering the set table's entry positions). */
static bool dict_grow_index(vm *v, obj_dict *d, size_t want) {
  size_t size = DICT_MIN_INDEX;
  while (size * 2 < want * 3) size <<= 1;
  if (d->used != d->count) {
    int32_t *map = NULL;
    if (is_set(d) && d->cmask) {
      map = malloc(d->used * sizeof(int32_t));
      if (!map) return bi_nomem(v);
    }
    size_t w = 0;
    for (size_t r = 0; r < d->used; r++) {
      if (map) map[r] = d->entries[r].key.t != VAL_UNDEF ? (int32_t)w : CT_EMPTY;
      if (d->entries[r].key.t != VAL_UNDEF) d->entries[w++] = d->entries[r];
    }
    d->used = w;
    if (map) {
      int32_t *t = ctab(d);
      for (size_t i = 0; i <= d->cmask; i++)
        if (t[i] >= 0) t[i] = map[t[i]];
      free(map);
    }
  }
  if (!set_buffers(v, d, size, ct_size(d), false, NULL)) return false;
  for (size_t r = 0; r < d->used; r++) ix_insert(d, d->entries[r].hash, (int32_t)r);
  return true;
}

static obj_dict *dict_alloc(vm *v, obj_kind kind) { return vm_alloc(v, kind, sizeof(obj_dict)); }

obj_dict *obj_dict_new(vm *v) { return dict_alloc(v, OBJ_DICT); }
obj_dict *obj_set_new(vm *v) { return dict_alloc(v, OBJ_SET); }

/* Looks key up. *pos is the entry index or -1. May run user __eq__. */
static bool dict_lookup(vm *v, obj_dict *d, value key, uint64_t hash, int64_t *pos) {
  *pos = -1;
  if (d->index_size == 0 || d->count == 0) return true;
restart:;
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = hash;
  for (;;) {
    int32_t ix = d->index[i];
    if (ix == IX_EMPTY) return true;
    if (ix >= 0) {
      dict_entry *e = &d->entries[ix];
      if (e->hash == hash && e->key.t != VAL_UNDEF) {
        if (obj_is(e->key, key)) {
          *pos = ix;
          return true;
        }
        uint64_t ver = d->version;
        dict_entry *entries = d->entries;
        value ek = e->key;
        bool eq;
        if (!obj_equal(v, ek, key, &eq)) return false;
        if (ver != d->version || entries != d->entries) goto restart;
        if (eq) {
          *pos = ix;
          return true;
        }
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
}

static bool ct_add(vm *v, obj_dict *d, int32_t pos);

/* Appends a new entry (the key is known to be absent). Sets also place it
 * in their CPython table unless shadow is false (the caller does). */
static bool dict_insert_new(vm *v, obj_dict *d, value key, uint64_t hash, value val, bool shadow) {
  if (d->used >= d->cap) {
    size_t ncap = d->cap ? d->cap * 2 : 8;
    dict_entry *ne = vm_realloc(v, d->entries, d->cap * sizeof(dict_entry), ncap * sizeof(dict_entry));
    if (!ne) return false;
    d->entries = ne;
    d->cap = ncap;
  }
  if (d->index_size == 0 || (d->used + 1) * 3 >= d->index_size * 2) {
    if (!dict_grow_index(v, d, (d->count + 1) * 2)) return false;
  }
  size_t pos = d->used++;
  d->entries[pos].hash = hash;
  d->entries[pos].key = key;
  d->entries[pos].val = val;
  ix_insert(d, hash, (int32_t)pos);
  d->count++;
  d->version++;
  if (shadow && is_set(d)) return ct_add(v, d, (int32_t)pos);
  return true;
}

static void ct_discard(obj_dict *d, int32_t pos);

/* Removes entry pos from the entries and the index (and from the set
 * table when shadow). */
static void dict_remove_pos(obj_dict *d, int64_t pos, bool shadow) {
  if (shadow && is_set(d) && d->cmask) ct_discard(d, (int32_t)pos);
  int32_t *slot = ix_slot(d, d->entries[pos].hash, (int32_t)pos);
  *slot = IX_DUMMY;
  d->entries[pos].key = val_undef();
  d->entries[pos].val = val_undef();
  d->count--;
  d->version++;
}

bool obj_dict_get(vm *v, obj_dict *d, value key, value *out, bool *found) {
  uint64_t h;
  if (!obj_hash(v, key, &h)) return false;
  int64_t pos;
  if (!dict_lookup(v, d, key, h, &pos)) return false;
  *found = pos >= 0;
  if (pos >= 0) *out = d->entries[pos].val;
  return true;
}

bool obj_dict_set(vm *v, obj_dict *d, value key, value val) {
  if (d->hdr.class_dict) v->class_epoch++;
  uint64_t h;
  if (!obj_hash(v, key, &h)) return false;
  int64_t pos;
  if (!dict_lookup(v, d, key, h, &pos)) return false;
  if (pos >= 0) {
    d->entries[pos].val = val;
    return true;
  }
  return dict_insert_new(v, d, key, h, val, true);
}

bool obj_dict_del(vm *v, obj_dict *d, value key, bool *found) {
  if (d->hdr.class_dict) v->class_epoch++;
  uint64_t h;
  if (!obj_hash(v, key, &h)) return false;
  int64_t pos;
  if (!dict_lookup(v, d, key, h, &pos)) return false;
  *found = pos >= 0;
  if (pos >= 0) dict_remove_pos(d, pos, true);
  return true;
}

int64_t obj_dict_find_str(obj_dict *d, obj_str *key) {
  if (!d || d->count == 0)
    return -1;
  uint64_t hash = str_hash(key);
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = hash;
  for (;;) {
    int32_t ix = d->index[i];
    if (ix == IX_EMPTY)
      return -1;
    if (ix >= 0) {
      dict_entry *e = &d->entries[ix];
      if (e->hash == hash && val_is(e->key, OBJ_STR)) {
        obj_str *k = AS_STR(e->key);
        if (k == key || str_eq_bytes(k, key->data, key->len))
          return ix;
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
}

value obj_dict_get_str(obj_dict *d, obj_str *key) {
  int64_t ix = obj_dict_find_str(d, key);
  return ix < 0 ? val_undef() : d->entries[ix].val;
}

static int64_t dict_find_bytes(obj_dict *d, const char *s, size_t len, uint64_t hash) {
  if (!d || d->count == 0) return -1;
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = hash;
  for (;;) {
    int32_t ix = d->index[i];
    if (ix == IX_EMPTY) return -1;
    if (ix >= 0) {
      dict_entry *e = &d->entries[ix];
      if (e->hash == hash && val_is(e->key, OBJ_STR) && str_eq_bytes(AS_STR(e->key), s, len))
        return ix;
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
}

bool obj_dict_set_str(vm *v, obj_dict *d, obj_str *key, value val) {
  if (d->hdr.class_dict) v->class_epoch++;
  uint64_t h = str_hash(key);
  int64_t pos = dict_find_bytes(d, key->data, key->len, h);
  if (pos >= 0) {
    d->entries[pos].val = val;
    return true;
  }
  return dict_insert_new(v, d, val_obj(key), h, val, true);
}

bool obj_dict_set_cstr(vm *v, obj_dict *d, const char *key, value val) {
  obj_str *k = obj_str_intern(v, key, strlen(key));
  if (!k) return false;
  return obj_dict_set_str(v, d, k, val);
}

obj_str *obj_str_intern(vm *v, const char *s, size_t len) {
  if (!v->interned) {
    v->interned = obj_dict_new(v);
    if (!v->interned) return NULL;
  }
  uint64_t h = str_hash_bytes(s, len);
  int64_t pos = dict_find_bytes(v->interned, s, len, h);
  if (pos >= 0) return AS_STR(v->interned->entries[pos].key);
  obj_str *o = obj_str_new(v, s, len);
  if (!o) return NULL;
  o->hash = h;
  if (!dict_insert_new(v, v->interned, val_obj(o), h, val_obj(o), false)) return NULL;
  return o;
}

bool obj_set_add(vm *v, obj_dict *s, value key) {
  uint64_t h;
  if (!obj_hash(v, key, &h)) return false;
  int64_t pos;
  if (!dict_lookup(v, s, key, h, &pos)) return false;
  if (pos >= 0) return true;
  return dict_insert_new(v, s, key, h, val_none(), true);
}

bool obj_set_contains(vm *v, obj_dict *s, value key, bool *found) {
  uint64_t h;
  if (!obj_hash(v, key, &h)) return false;
  int64_t pos;
  if (!dict_lookup(v, s, key, h, &pos)) return false;
  *found = pos >= 0;
  return true;
}

void obj_dict_clear(vm *v, obj_dict *d) {
  if (d->hdr.class_dict) v->class_epoch++;
  d->count = 0;
  d->used = 0;
  for (size_t i = 0; i < d->index_size; i++) d->index[i] = IX_EMPTY;
  d->version++;
  if (is_set(d) && d->cmask) {
    /* set_clear_internal: back to an empty table of the minimum size */
    if (d->cmask + 1 == SET_MINSIZE || set_buffers(v, d, d->index_size, SET_MINSIZE, true, NULL))
      for (size_t i = 0; i <= d->cmask; i++) ctab(d)[i] = CT_EMPTY;
    d->cfill = 0;
  }
}

bool obj_dict_next(const obj_dict *d, size_t *pos, dict_entry **e) {
  while (*pos < d->used) {
    dict_entry *x = &d->entries[(*pos)++];
    if (x->key.t != VAL_UNDEF) {
      *e = x;
      return true;
    }
  }
  return false;
}

/* ------------------------------------------------------------ CPython set table
 *
 * Every set keeps, beside its insertion-ordered entries, the table CPython's
 * setobject.c would have built from the same operations: same size, same
 * probing (LINEAR_PROBES slots, then perturbation), dummies for removed
 * keys reused by later insertions, resizes at the same moments, and the
 * merges of set_update_internal. Its slots hold entry positions. */

#define STABLE_MAX_DEPTH 64 /* deeper nesting: treated as not CPython-ordered */

static bool hash_is_stable_at(const value x, int depth) {
  switch (x.t) {
  case VAL_INT:
  case VAL_BOOL: return true;
  case VAL_FLOAT: return !isnan(x.as.f);
  case VAL_OBJ:
    if (depth >= STABLE_MAX_DEPTH) return false;
    if (x.as.o->kind == OBJ_TUPLE) {
      obj_tuple *t = AS_TUPLE(x);
      for (size_t i = 0; i < t->count; i++)
        if (!hash_is_stable_at(t->items[i], depth + 1)) return false;
      return true;
    }
    if (x.as.o->kind == OBJ_FROZENSET) {
      obj_dict *d = AS_DICT(x);
      size_t p = 0;
      dict_entry *e;
      while (obj_dict_next(d, &p, &e))
        if (!hash_is_stable_at(e->key, depth + 1)) return false;
      return true;
    }
    return false;
  default: return false;
  }
}

/* Whether CPython's hash of x is deterministic (numbers and tuples or
 * frozensets of them), so that CPython's set order can be reproduced. */
static bool hash_is_stable(const value x) { return hash_is_stable_at(x, 0); }

static bool set_is_stable(const obj_dict *s) {
  size_t p = 0;
  dict_entry *e;
  while (obj_dict_next(s, &p, &e))
    if (!hash_is_stable(e->key)) return false;
  return true;
}

/* set_insert_clean: first empty slot of the probe sequence. */
static void ct_insert_clean(int32_t *t, size_t mask, uint64_t hash, int32_t pos) {
  uint64_t perturb = hash;
  size_t i = (size_t)hash & mask;
  for (;;) {
    if (t[i] == CT_EMPTY) break;
    if (i + SET_LINEAR_PROBES <= mask) {
      size_t j;
      for (j = 1; j <= SET_LINEAR_PROBES; j++)
        if (t[i + j] == CT_EMPTY) break;
      if (j <= SET_LINEAR_PROBES) {
        i += j;
        break;
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
  t[i] = pos;
}

static bool ct_ensure(vm *v, obj_dict *d) {
  if (d->cmask) return true;
  d->cfill = 0;
  return set_buffers(v, d, d->index_size, SET_MINSIZE, true, NULL);
}

/* set_table_resize(minused). */
static bool ct_resize(vm *v, obj_dict *d, size_t minused) {
  size_t nsize = SET_MINSIZE;
  while (nsize <= minused) nsize <<= 1;
  int32_t *nt = malloc(nsize * sizeof(int32_t));
  if (!nt) return bi_nomem(v);
  for (size_t i = 0; i < nsize; i++) nt[i] = CT_EMPTY;
  int32_t *t = ctab(d);
  for (size_t i = 0; i < ct_size(d); i++)
    if (t[i] >= 0) ct_insert_clean(nt, nsize - 1, d->entries[t[i]].hash, t[i]);
  bool ok = set_buffers(v, d, d->index_size, nsize, true, nt);
  free(nt);
  d->cfill = d->count;
  return ok;
}

/* set_add_entry for a key known to be new (entry pos, already counted). */
static bool ct_add(vm *v, obj_dict *d, int32_t pos) {
  if (!ct_ensure(v, d)) return false;
  uint64_t h = d->entries[pos].hash;
  int32_t *t = ctab(d);
  size_t mask = d->cmask, i = (size_t)h & mask, slot;
  uint64_t perturb = h;
  int64_t freeslot = -1;
  for (;;) {
    size_t probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
    for (size_t k = 0; k <= probes; k++) {
      size_t j = i + k;
      if (t[j] == CT_EMPTY) {
        slot = j;
        goto found;
      }
      /* CPython 3.11 keeps the last dummy seen on the probe, not the first */
      if (t[j] == CT_DUMMY) freeslot = (int64_t)j;
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
found:
  if (freeslot >= 0) {
    t[freeslot] = pos;
    return true;
  }
  t[slot] = pos;
  d->cfill++;
  if (d->cfill * 5 < mask * 3) return true;
  return ct_resize(v, d, d->count > 50000 ? d->count * 2 : d->count * 4);
}

/* The slot holding entry pos (on its probe sequence). */
static size_t ct_find(obj_dict *d, int32_t pos) {
  uint64_t h = d->entries[pos].hash;
  int32_t *t = ctab(d);
  size_t mask = d->cmask, i = (size_t)h & mask;
  uint64_t perturb = h;
  for (size_t rounds = 0; rounds <= 4 * (mask + 1); rounds++) {
    size_t probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
    for (size_t k = 0; k <= probes; k++)
      if (t[i + k] == pos) return i + k;
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
  for (size_t j = 0; j <= mask; j++) /* unreachable for a consistent table */
    if (t[j] == pos) return j;
  return 0;
}

static void ct_discard(obj_dict *d, int32_t pos) { ctab(d)[ct_find(d, pos)] = CT_DUMMY; }

/* Entry positions in iteration order: table slots when the hashes are
 * CPython's, else insertion order. Caller frees; NULL when out of memory. */
static int32_t *set_positions(const obj_dict *s, size_t *n) {
  int32_t *order = malloc((s->count + 1) * sizeof(int32_t));
  if (!order) return NULL;
  size_t k = 0;
  if (s->cmask && set_is_stable(s)) {
    const int32_t *t = s->index + s->index_size;
    for (size_t i = 0; i <= s->cmask; i++)
      if (t[i] >= 0) order[k++] = t[i];
  } else {
    for (size_t i = 0; i < s->used; i++)
      if (s->entries[i].key.t != VAL_UNDEF) order[k++] = (int32_t)i;
  }
  *n = k;
  return order;
}

obj_tuple *obj_set_ordered(vm *v, obj_dict *s) {
  size_t n;
  int32_t *order = set_positions(s, &n);
  if (!order) {
    bi_nomem(v);
    return NULL;
  }
  obj_tuple *out = obj_tuple_new(v, n);
  if (out)
    for (size_t i = 0; i < n; i++) out->items[i] = s->entries[order[i]].key;
  free(order);
  return out;
}

/* Whether a position taken before running user code (__eq__, __hash__)
 * still names a live entry: such code may have changed the set. */
static bool live_at(const obj_dict *s, int32_t pos) {
  return pos >= 0 && (size_t)pos < s->used && s->entries[pos].key.t != VAL_UNDEF;
}

static bool any_set(value x) { return val_is(x, OBJ_SET) || val_is(x, OBJ_FROZENSET); }

static obj_dict *set_of_kind(vm *v, obj_kind kind) {
  obj_dict *s = obj_set_new(v);
  if (s) s->hdr.kind = kind;
  return s;
}

/* set_merge(so, other). */
static bool set_merge(vm *v, obj_dict *so, obj_dict *other) {
  if (so == other || other->count == 0) return true;
  if (!ct_ensure(v, so)) return false;
  if ((so->cfill + other->count) * 5 >= so->cmask * 3 &&
      !ct_resize(v, so, (so->count + other->count) * 2))
    return false;
  if (so->count == 0 && so->used) {
    /* drop the holes of removed entries so positions stay put while copying */
    so->used = 0;
    for (size_t i = 0; i < so->index_size; i++) so->index[i] = IX_EMPTY;
  }
  size_t n;
  int32_t *order = set_positions(other, &n);
  if (!order) return bi_nomem(v);
  bool ok = true;
  if (so->cfill == 0 && so->cmask == other->cmask && other->cfill == other->count &&
      set_is_stable(other)) {
    /* same table size, nothing to clean: CPython copies the table */
    int32_t *map = malloc((other->used + 1) * sizeof(int32_t));
    if (!map) {
      free(order);
      return bi_nomem(v);
    }
    for (size_t i = 0; ok && i < other->used; i++) {
      dict_entry *e = &other->entries[i];
      if (e->key.t == VAL_UNDEF) continue;
      ok = dict_insert_new(v, so, e->key, e->hash, val_none(), false);
      map[i] = (int32_t)so->used - 1; /* after the insertion: it may compact entries */
    }
    if (ok) {
      const int32_t *ot = other->index + other->index_size;
      int32_t *t = ctab(so);
      for (size_t i = 0; i <= so->cmask; i++) t[i] = ot[i] >= 0 ? map[ot[i]] : ot[i];
      so->cfill = other->cfill;
    }
    free(map);
  } else if (so->cfill == 0) {
    /* empty target: set_insert_clean in other's slot order */
    for (size_t i = 0; ok && i < n; i++) {
      dict_entry *e = &other->entries[order[i]];
      ok = dict_insert_new(v, so, e->key, e->hash, val_none(), false);
      if (ok) ct_insert_clean(ctab(so), so->cmask, e->hash, (int32_t)so->used - 1);
    }
    so->cfill = so->count;
  } else {
    for (size_t i = 0; ok && i < n; i++)
      if (live_at(other, order[i])) ok = obj_set_add(v, so, other->entries[order[i]].key);
  }
  free(order);
  return ok;
}

bool obj_set_update(vm *v, obj_dict *s, value x) {
  if (any_set(x)) return set_merge(v, s, AS_DICT(x));
  if (!ct_ensure(v, s)) return false;
  if (val_is(x, OBJ_DICT)) {
    obj_dict *d = AS_DICT(x);
    if ((s->cfill + d->count) * 5 >= s->cmask * 3 && !ct_resize(v, s, (s->count + d->count) * 2))
      return false;
    for (size_t i = 0; i < d->used; i++) {
      if (d->entries[i].key.t == VAL_UNDEF) continue;
      if (!obj_set_add(v, s, d->entries[i].key)) return false;
    }
    return true;
  }
  obj_list *l = vm_to_list(v, x);
  if (!l) return false;
  for (size_t i = 0; i < l->count; i++)
    if (!obj_set_add(v, s, l->items[i])) return false;
  return true;
}

obj_dict *obj_set_from(vm *v, obj_kind kind, value x) {
  obj_dict *s = set_of_kind(v, kind);
  if (!s || !ct_ensure(v, s)) return NULL;
  if (x.t != VAL_UNDEF && !obj_set_update(v, s, x)) return NULL;
  return s;
}

obj_dict *obj_set_copy(vm *v, obj_dict *s) { return obj_set_from(v, s->hdr.kind, val_obj(s)); }

void obj_set_take(obj_dict *s, obj_dict *from) {
  obj hdr = s->hdr, fhdr = from->hdr;
  obj_dict tmp = *s;
  *s = *from;
  *from = tmp;
  s->hdr = hdr;
  from->hdr = fhdr;
  s->version++;
  from->version++;
}

obj_dict *obj_set_intersection(vm *v, obj_dict *so, value other) {
  if (val_is(other, OBJ_SET) || val_is(other, OBJ_FROZENSET)) {
    if (AS_DICT(other) == so) return obj_set_copy(v, so);
  }
  obj_dict *r = obj_set_from(v, so->hdr.kind, val_undef());
  if (!r) return NULL;
  if (any_set(other)) {
    obj_dict *a = so, *b = AS_DICT(other);
    if (b->count > a->count) {
      obj_dict *t = a;
      a = b;
      b = t;
    }
    size_t n;
    int32_t *order = set_positions(b, &n);
    if (!order) {
      bi_nomem(v);
      return NULL;
    }
    for (size_t i = 0; i < n; i++) {
      if (!live_at(b, order[i])) continue;
      value key = b->entries[order[i]].key;
      bool found;
      if (!obj_set_contains(v, a, key, &found) || (found && !obj_set_add(v, r, key))) {
        free(order);
        return NULL;
      }
    }
    free(order);
    return r;
  }
  obj_list *l = vm_to_list(v, other);
  if (!l) return NULL;
  for (size_t i = 0; i < l->count; i++) {
    bool found;
    if (!obj_set_contains(v, so, l->items[i], &found)) return NULL;
    if (found && !obj_set_add(v, r, l->items[i])) return NULL;
  }
  return r;
}

bool obj_set_difference_update(vm *v, obj_dict *so, value other) {
  if (any_set(other) && AS_DICT(other) == so) {
    obj_dict_clear(v, so);
    return true;
  }
  if (any_set(other)) {
    obj_dict *o = AS_DICT(other);
    size_t n;
    int32_t *order = set_positions(o, &n);
    if (!order) return bi_nomem(v);
    for (size_t i = 0; i < n; i++) {
      bool found;
      if (!live_at(o, order[i])) continue;
      if (!obj_dict_del(v, so, o->entries[order[i]].key, &found)) {
        free(order);
        return false;
      }
    }
    free(order);
  } else {
    obj_list *l = vm_to_list(v, other);
    if (!l) return false;
    for (size_t i = 0; i < l->count; i++) {
      bool found;
      if (!obj_dict_del(v, so, l->items[i], &found)) return false;
    }
  }
  /* more than a quarter dummies: resize them away */
  if (!so->cmask || so->cfill - so->count <= so->cmask / 4) return true;
  return ct_resize(v, so, so->count > 50000 ? so->count * 2 : so->count * 4);
}

obj_dict *obj_set_difference(vm *v, obj_dict *so, value other) {
  size_t other_size;
  if (any_set(other) || val_is(other, OBJ_DICT)) other_size = AS_DICT(other)->count;
  else other_size = (size_t)-1;
  if (other_size == (size_t)-1 || (so->count >> 2) > other_size) {
    obj_dict *r = obj_set_copy(v, so);
    if (!r || !obj_set_difference_update(v, r, other)) return NULL;
    return r;
  }
  obj_dict *r = obj_set_from(v, so->hdr.kind, val_undef());
  if (!r) return NULL;
  size_t n;
  int32_t *order = set_positions(so, &n);
  if (!order) {
    bi_nomem(v);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    if (!live_at(so, order[i])) continue;
    value key = so->entries[order[i]].key, dummy;
    bool found;
    bool ok = val_is(other, OBJ_DICT) ? obj_dict_get(v, AS_DICT(other), key, &dummy, &found)
                                      : obj_set_contains(v, AS_DICT(other), key, &found);
    if (!ok || (!found && !obj_set_add(v, r, key))) {
      free(order);
      return NULL;
    }
  }
  free(order);
  return r;
}

bool obj_set_symmetric_difference_update(vm *v, obj_dict *so, value other) {
  if (any_set(other) && AS_DICT(other) == so) {
    obj_dict_clear(v, so);
    return true;
  }
  obj_dict *o;
  if (any_set(other)) o = AS_DICT(other);
  else if (!(o = obj_set_from(v, so->hdr.kind, other))) return false;
  size_t n;
  int32_t *order = set_positions(o, &n);
  if (!order) return bi_nomem(v);
  bool ok = true;
  for (size_t i = 0; ok && i < n; i++) {
    if (!live_at(o, order[i])) continue;
    value key = o->entries[order[i]].key;
    bool found;
    ok = obj_dict_del(v, so, key, &found) && (found || obj_set_add(v, so, key));
  }
  free(order);
  return ok;
}

obj_dict *obj_set_symmetric_difference(vm *v, obj_dict *so, value other) {
  obj_dict *r = obj_set_from(v, so->hdr.kind, other);
  if (!r || !obj_set_symmetric_difference_update(v, r, val_obj(so))) return NULL;
  return r;
}

bool obj_set_pop(vm *v, obj_dict *s, value *out, bool *found) {
  (void)v;
  *found = s->count > 0;
  if (!*found) return true;
  int64_t pos = -1;
  if (s->cmask && set_is_stable(s)) {
    /* set_pop: scan from the finger */
    int32_t *t = ctab(s);
    size_t i = s->cfinger & s->cmask;
    while (t[i] < 0) i = i + 1 > s->cmask ? 0 : i + 1;
    pos = t[i];
    t[i] = CT_DUMMY;
    s->cfinger = i + 1;
    *out = s->entries[pos].key;
    dict_remove_pos(s, pos, false);
    return true;
  }
  for (size_t i = 0; i < s->used; i++)
    if (s->entries[i].key.t != VAL_UNDEF) {
      pos = (int64_t)i;
      break;
    }
  *out = s->entries[pos].key;
  dict_remove_pos(s, pos, true);
  return true;
}

obj_dict *obj_set_literal(vm *v, const value *items, size_t n, bool frozen) {
  bool stable = true;
  for (size_t i = 0; i < n; i++)
    if (!hash_is_stable(items[i])) stable = false;
  obj_dict *f1 = obj_set_from(v, OBJ_FROZENSET, val_undef());
  if (!f1) return NULL;
  for (size_t i = 0; i < n; i++)
    if (!obj_set_add(v, f1, items[i])) return NULL;
  if (!stable) {
    /* CPython's order is random per process here; keep source order */
    if (!frozen) f1->hdr.kind = OBJ_SET;
    return f1;
  }
  /* F2: the constant merged into the code object, a frozenset rebuilt from
   * F1's iteration order */
  obj_tuple *t = obj_set_ordered(v, f1);
  obj_dict *f2 = t ? obj_set_from(v, OBJ_FROZENSET, val_undef()) : NULL;
  if (!f2) return NULL;
  for (size_t i = 0; i < t->count; i++)
    if (!obj_set_add(v, f2, t->items[i])) return NULL;
  if (frozen) return f2;
  /* BUILD_SET 0; SET_UPDATE: merged into an empty set */
  return obj_set_from(v, OBJ_SET, val_obj(f2));
}

/* ------------------------------------------------------------ other objects */

obj_list *obj_list_new(vm *v, size_t cap) {
  obj_list *l = vm_alloc(v, OBJ_LIST, sizeof(obj_list));
  if (!l) return NULL;
  if (cap) {
    l->items = vm_realloc(v, NULL, 0, cap * sizeof(value));
    if (!l->items) return NULL;
    l->cap = cap;
  }
  return l;
}

bool obj_list_append(vm *v, obj_list *l, value x) {
  if (l->count >= l->cap) {
    size_t ncap = l->cap < 4 ? 4 : l->cap + l->cap / 2 + 1;
    value *ni = vm_realloc(v, l->items, l->cap * sizeof(value), ncap * sizeof(value));
    if (!ni) return false;
    l->items = ni;
    l->cap = ncap;
  }
  l->items[l->count++] = x;
  return true;
}

obj_tuple *obj_tuple_new(vm *v, size_t count) {
  obj_tuple *t = vm_alloc(v, OBJ_TUPLE, sizeof(obj_tuple) + count * sizeof(value));
  if (!t) return NULL;
  t->count = count;
  for (size_t i = 0; i < count; i++) t->items[i] = val_none();
  return t;
}

obj_cell *obj_cell_new(vm *v, value x) {
  obj_cell *c = vm_alloc(v, OBJ_CELL, sizeof(obj_cell));
  if (c) c->value = x;
  return c;
}

obj_native *obj_native_new(vm *v, native_fn fn, const char *name, obj_class *owner) {
  obj_native *n = vm_alloc(v, OBJ_NATIVE, sizeof(obj_native));
  if (!n) return NULL;
  n->fn = fn;
  n->name = name;
  n->owner = owner;
  n->data = val_none();
  return n;
}

obj_bound *obj_bound_new(vm *v, value self, value func) {
  obj_bound *b = vm_alloc(v, OBJ_BOUND, sizeof(obj_bound));
  if (!b) return NULL;
  b->self = self;
  b->func = func;
  return b;
}

obj_class *obj_class_new(vm *v, obj_str *name, obj_class *base) {
  obj_class *c = vm_alloc(v, OBJ_CLASS, sizeof(obj_class));
  if (!c) return NULL;
  c->name = name;
  c->qualname = name;
  c->module = v->s_main ? v->s_main : obj_str_intern(v, "__main__", 8);
  c->base = base;
  c->dict = obj_dict_new(v);
  if (!c->dict || !c->module) return NULL;
  c->dict->hdr.class_dict = true;
  v->class_epoch++;
  c->flavor = base ? (base->flavor == FLAVOR_EXCEPTION ? FLAVOR_EXCEPTION : FLAVOR_PLAIN)
                   : FLAVOR_PLAIN;
  c->depth = base ? base->depth + 1 : 0;
  return c;
}

obj_instance *obj_instance_new(vm *v, obj_class *cls) {
  obj_instance *o = vm_alloc(v, OBJ_INSTANCE, sizeof(obj_instance));
  if (o) o->cls = cls;
  return o;
}

obj_exception *obj_exception_new(vm *v, obj_class *cls, obj_tuple *args) {
  if (!args) {
    args = obj_tuple_new(v, 0);
    if (!args) return NULL;
  }
  obj_exception *e = vm_alloc(v, OBJ_EXCEPTION, sizeof(obj_exception));
  if (!e) return NULL;
  e->cls = cls;
  e->args = args;
  e->cause = val_none();
  e->context = val_none();
  return e;
}

obj_module *obj_module_new(vm *v, const char *name) {
  obj_module *m = vm_alloc(v, OBJ_MODULE, sizeof(obj_module));
  if (!m) return NULL;
  m->name = obj_str_intern(v, name, strlen(name));
  m->dict = obj_dict_new(v);
  if (!m->name || !m->dict) return NULL;
  if (!obj_dict_set_cstr(v, m->dict, "__name__", val_obj(m->name))) return NULL;
  return m;
}

obj_range *obj_range_new(vm *v, int64_t start, int64_t stop, int64_t step) {
  obj_range *r = vm_alloc(v, OBJ_RANGE, sizeof(obj_range));
  if (!r) return NULL;
  r->start = start;
  r->stop = stop;
  r->step = step;
  return r;
}

obj_iter *obj_iter_new(vm *v, iter_kind ik, value src) {
  obj_iter *it = vm_alloc(v, OBJ_ITER, sizeof(obj_iter));
  if (!it) return NULL;
  it->ik = ik;
  it->src = src;
  it->aux = val_none();
  return it;
}

/* ------------------------------------------------------------ classes */

obj_dict **obj_dict_slot(value x) {
  if (x.t != VAL_OBJ) return NULL;
  switch (x.as.o->kind) {
  case OBJ_INSTANCE:
  case OBJ_EXCEPTION:
  case OBJ_NATIVE_OBJ:
  case OBJ_FUTURE: return &((obj_typed *)x.as.o)->dict;
  default: return NULL;
  }
}

static obj_class *iter_class(vm *v, obj_iter *it) {
  switch (it->ik) {
  case ITER_SEQ:
    return v->cls[val_is(it->src, OBJ_TUPLE) ? CLS_TUPLE_ITERATOR : CLS_LIST_ITERATOR];
  case ITER_STR:
    return v->cls[val_is(it->src, OBJ_STR) && AS_STR(it->src)->chars == AS_STR(it->src)->len
                      ? CLS_STR_ASCII_ITERATOR
                      : CLS_STR_ITERATOR];
  case ITER_RANGE: return v->cls[CLS_RANGE_ITERATOR];
  case ITER_DICT_KEYS:
    return v->cls[val_is(it->src, OBJ_DICT) ? CLS_DICT_KEYITERATOR : CLS_SET_ITERATOR];
  case ITER_DICT_VALUES: return v->cls[CLS_DICT_VALUEITERATOR];
  case ITER_DICT_ITEMS: return v->cls[CLS_DICT_ITEMITERATOR];
  case ITER_SET: return v->cls[CLS_SET_ITERATOR];
  case ITER_ENUMERATE: return v->cls[CLS_ENUMERATE];
  case ITER_ZIP: return v->cls[CLS_ZIP];
  case ITER_REVERSED:
    return v->cls[val_is(it->src, OBJ_LIST) ? CLS_LIST_REVERSEITERATOR : CLS_REVERSED];
  case ITER_MAP: return v->cls[CLS_MAP];
  case ITER_FILTER: return v->cls[CLS_FILTER];
  case ITER_CALL: return v->cls[CLS_CALLABLE_ITERATOR];
  case ITER_VIEW_KEYS: return v->cls[CLS_DICT_KEYS];
  case ITER_VIEW_VALUES: return v->cls[CLS_DICT_VALUES];
  case ITER_VIEW_ITEMS: return v->cls[CLS_DICT_ITEMS];
  }
  return v->cls[CLS_ITERATOR];
}

obj_class *obj_class_of(vm *v, value x) {
  switch (x.t) {
  case VAL_UNDEF:
  case VAL_NONE: return v->cls[CLS_NONETYPE];
  case VAL_BOOL: return v->cls[CLS_BOOL];
  case VAL_INT: return v->cls[CLS_INT];
  case VAL_FLOAT: return v->cls[CLS_FLOAT];
  case VAL_OBJ: break;
  }
  obj *o = x.as.o;
  switch (o->kind) {
  case OBJ_STR: return v->cls[CLS_STR];
  case OBJ_LIST: return v->cls[CLS_LIST];
  case OBJ_TUPLE: return v->cls[CLS_TUPLE];
  case OBJ_DICT: return v->cls[CLS_DICT];
  case OBJ_SET: return v->cls[CLS_SET];
  case OBJ_FROZENSET: return v->cls[CLS_FROZENSET];
  case OBJ_CODE: return v->cls[CLS_CODE];
  case OBJ_FUNCTION: return v->cls[CLS_FUNCTION];
  case OBJ_CELL: return v->cls[CLS_CELL];
  case OBJ_NATIVE: return v->cls[CLS_BUILTIN_FUNCTION];
  case OBJ_BOUND:
    return v->cls[val_is(AS_BOUND(x)->func, OBJ_NATIVE) ? CLS_BUILTIN_FUNCTION : CLS_METHOD];
  case OBJ_CLASS: return v->cls[CLS_TYPE];
  case OBJ_INSTANCE:
  case OBJ_EXCEPTION:
  case OBJ_NATIVE_OBJ:
  case OBJ_FUTURE: return ((obj_typed *)o)->cls;
  case OBJ_HANDLE: return v->cls[((loop_handle *)o)->is_timer ? CLS_TIMER_HANDLE : CLS_HANDLE];
  case OBJ_MODULE: return v->cls[CLS_MODULE];
  case OBJ_RANGE: return v->cls[CLS_RANGE];
  case OBJ_SLICE: return v->cls[CLS_SLICE];
  case OBJ_ITER: return iter_class(v, (obj_iter *)o);
  case OBJ_CORO: {
    obj_coro *c = (obj_coro *)o;
    return v->cls[c->ck == CORO_GENERATOR   ? CLS_GENERATOR
                  : c->ck == CORO_ASYNC_GEN ? CLS_ASYNC_GENERATOR
                                            : CLS_COROUTINE];
  }
  case OBJ_AWAITABLE: return v->cls[CLS_COROUTINE];
  }
  return v->cls[CLS_OBJECT];
}

static bool builtin_named(const obj_class *c, const char *name) {
  return strcmp(c->name->data, name) == 0 && strcmp(c->module->data, "builtins") == 0;
}

bool obj_class_is_sub(const obj_class *c, const obj_class *sup) {
  for (const obj_class *k = c; k; k = k->base)
    if (k == sup) return true;
  /* single inheritance: ExceptionGroup derives from Exception only, yet it
   * is a BaseExceptionGroup as in CPython */
  if (sup && sup->flavor == FLAVOR_EXCEPTION && builtin_named(sup, "BaseExceptionGroup"))
    for (const obj_class *k = c; k; k = k->base)
      if (builtin_named(k, "ExceptionGroup")) return true;
  return false;
}

bool obj_isinstance(vm *v, value x, obj_class *c) { return obj_class_is_sub(obj_class_of(v, x), c); }

value obj_class_lookup(const obj_class *c, obj_str *name) {
  for (; c; c = c->base) {
    value x = obj_dict_get_str(c->dict, name);
    if (x.t != VAL_UNDEF) return x;
  }
  return val_undef();
}

value obj_class_find(vm *v, obj_class *c, obj_str *name) {
  if (!c->cache) {
    c->cache = calloc(CLASS_CACHE_SIZE, sizeof *c->cache);
    if (!c->cache) return obj_class_lookup(c, name);
  }
  class_cache_entry *e = &c->cache[((uintptr_t)name >> 4) & (CLASS_CACHE_SIZE - 1)];
  if (e->name == name && e->epoch == v->class_epoch) return e->val;
  value x = obj_class_lookup(c, name);
  e->name = name;
  e->epoch = v->class_epoch;
  e->val = x;
  return x;
}

const char *obj_type_name(vm *v, value x) { return obj_class_of(v, x)->name->data; }

/* Slot of an object in the id table: its address, mixed. */
static size_t id_hash(const obj *o) {
  uint64_t h = (uint64_t)(uintptr_t)o >> 4;
  h *= UINT64_C(0x9E3779B97F4A7C15);
  return (size_t)(h >> 16);
}

/* Doubles the id table (or makes the first), rehashing what it holds. */
static bool id_grow(vm *v) {
  size_t cap = v->ids_cap ? v->ids_cap * 2 : 64;
  vm_id_entry *t = calloc(cap, sizeof *t);
  if (!t)
    return false;
  for (size_t k = 0; k < v->ids_cap; k++) {
    obj *o = v->ids[k].o;
    if (!o)
      continue;
    size_t i = id_hash(o) & (cap - 1);
    while (t[i].o)
      i = (i + 1) & (cap - 1);
    t[i] = v->ids[k];
  }
  free(v->ids);
  v->ids = t;
  v->ids_cap = cap;
  return true;
}

uint64_t obj_id(vm *v, value x) {
  switch (x.t) {
  case VAL_UNDEF:
  case VAL_NONE: return 1;
  case VAL_BOOL: return x.as.b ? 3 : 2;
  case VAL_INT: return 0x100000 + (uint64_t)x.as.i;
  case VAL_FLOAT: {
    uint64_t bits;
    memcpy(&bits, &x.as.f, sizeof bits);
    return bits >> 12;
  }
  case VAL_OBJ: break;
  }
  obj *o = x.as.o;
  if (o->has_id) {
    for (size_t i = id_hash(o) & (v->ids_cap - 1);; i = (i + 1) & (v->ids_cap - 1))
      if (v->ids[i].o == o)
        return v->ids[i].serial;
  }
  if ((v->ids_count + 1) * 4 > v->ids_cap * 3 && !id_grow(v) && v->ids_count + 1 >= v->ids_cap) {
    /* out of memory for the table: a serial that is still unique, never repeated */
    return ++v->next_serial;
  }
  size_t i = id_hash(o) & (v->ids_cap - 1);
  while (v->ids[i].o)
    i = (i + 1) & (v->ids_cap - 1);
  v->ids[i].o = o;
  v->ids[i].serial = ++v->next_serial;
  v->ids_count++;
  o->has_id = true;
  return v->ids[i].serial;
}

void obj_id_forget(vm *v, obj *o) {
  size_t mask = v->ids_cap - 1;
  size_t i = id_hash(o) & mask;
  while (v->ids[i].o != o)
    i = (i + 1) & mask;
  /* backward-shift deletion keeps every probe sequence unbroken */
  size_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (!v->ids[j].o)
      break;
    size_t home = id_hash(v->ids[j].o) & mask;
    /* move j into the hole at i unless its home lies cyclically in (i, j] */
    if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
      v->ids[i] = v->ids[j];
      i = j;
    }
  }
  v->ids[i].o = NULL;
  v->ids_count--;
  o->has_id = false;
}

uint64_t obj_addr(vm *v, value x) { return FAKE_ADDR_BASE + FAKE_ADDR_STEP * obj_id(v, x); }

bool obj_is(value a, value b) {
  if (a.t != b.t) return false;
  switch (a.t) {
  case VAL_UNDEF:
  case VAL_NONE: return true;
  case VAL_BOOL: return a.as.b == b.as.b;
  case VAL_INT: return a.as.i == b.as.i;
  case VAL_FLOAT: return memcmp(&a.as.f, &b.as.f, sizeof(double)) == 0;
  case VAL_OBJ: return a.as.o == b.as.o;
  }
  return false;
}

/* ------------------------------------------------------------ truth */

static bool is_user_typed(value x) {
  if (x.t != VAL_OBJ) return false;
  obj_kind k = x.as.o->kind;
  return k == OBJ_INSTANCE || k == OBJ_EXCEPTION || k == OBJ_NATIVE_OBJ || k == OBJ_FUTURE ||
         k == OBJ_HANDLE;
}

/* Calls m, the dunder name found on x's class, as x.name(args): a Python
 * function directly with x as self, anything else through attribute lookup. */
static bool call_dunder(vm *v, value x, value m, obj_str *name, const value *args, int nargs,
                        value *out) {
  bool found;
  return val_is(m, OBJ_FUNCTION) ? bi_call_dunder(v, x, name, args, nargs, out, &found)
                                 : vm_call_method(v, x, name, args, nargs, out);
}

bool obj_truthy(vm *v, value x, bool *out) {
  switch (x.t) {
  case VAL_UNDEF:
  case VAL_NONE: *out = false; return true;
  case VAL_BOOL: *out = x.as.b; return true;
  case VAL_INT: *out = x.as.i != 0; return true;
  case VAL_FLOAT: *out = x.as.f != 0.0; return true;
  case VAL_OBJ: break;
  }
  switch (x.as.o->kind) {
  case OBJ_STR: *out = AS_STR(x)->len != 0; return true;
  case OBJ_LIST: *out = AS_LIST(x)->count != 0; return true;
  case OBJ_TUPLE: *out = AS_TUPLE(x)->count != 0; return true;
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_FROZENSET: *out = AS_DICT(x)->count != 0; return true;
  case OBJ_RANGE: {
    int64_t n;
    if (!vm_len(v, x, &n)) return false;
    *out = n != 0;
    return true;
  }
  case OBJ_ITER: {
    obj_iter *it = AS_ITER(x);
    if (it->ik == ITER_VIEW_KEYS || it->ik == ITER_VIEW_VALUES || it->ik == ITER_VIEW_ITEMS) {
      *out = AS_DICT(it->src)->count != 0;
      return true;
    }
    *out = true;
    return true;
  }
  default: break;
  }
  if (is_user_typed(x)) {
    obj_class *c = obj_class_of(v, x);
    value m = obj_class_find(v, c, v->s_bool);
    if (m.t != VAL_UNDEF) {
      value r;
      if (!call_dunder(v, x, m, v->s_bool, NULL, 0, &r)) return false;
      if (r.t != VAL_BOOL) {
        vm_raisef(v, CLS_TYPE_ERROR, "__bool__ should return bool, returned %s",
                  obj_type_name(v, r));
        return false;
      }
      *out = r.as.b;
      return true;
    }
    m = obj_class_find(v, c, v->s_len);
    if (m.t != VAL_UNDEF) {
      int64_t n;
      if (!vm_len(v, x, &n)) return false;
      *out = n != 0;
      return true;
    }
  }
  *out = true;
  return true;
}

/* ------------------------------------------------------------ equality */

/* Exact int == float, as CPython compares them (no rounding of the int). */
static bool int_eq_float(int64_t i, double f) {
  if (isnan(f) || isinf(f)) return false;
  if (f != floor(f)) return false;
  if (f >= 9223372036854775808.0 || f < -9223372036854775808.0) return false;
  return (int64_t)f == i;
}

static bool is_num(value x) { return x.t == VAL_INT || x.t == VAL_BOOL || x.t == VAL_FLOAT; }
static int64_t num_int(value x) { return x.t == VAL_BOOL ? (int64_t)x.as.b : x.as.i; }

static bool depth_enter(vm *v) {
  if (v->depth + 1 > v->opts.limits.max_recursion && v->opts.limits.max_recursion > 0) {
    vm_raise_msg(v, CLS_RECURSION_ERROR, "maximum recursion depth exceeded in comparison");
    return false;
  }
  v->depth++;
  return true;
}

static bool user_eq(vm *v, value a, value b, bool *out, bool *handled) {
  *handled = false;
  if (!is_user_typed(a)) return true;
  obj_class *c = obj_class_of(v, a);
  value m = obj_class_find(v, c, v->s_eq);
  if (m.t == VAL_UNDEF) return true;
  value r;
  if (!call_dunder(v, a, m, v->s_eq, &b, 1, &r)) return false;
  if (obj_is(r, v->notimpl)) return true; /* let the other side (or identity) decide */
  *handled = true;
  return obj_truthy(v, r, out);
}

bool obj_equal(vm *v, value a, value b, bool *out) {
  if (is_num(a) && is_num(b)) {
    if (a.t == VAL_FLOAT && b.t == VAL_FLOAT) *out = a.as.f == b.as.f;
    else if (a.t == VAL_FLOAT) *out = int_eq_float(num_int(b), a.as.f);
    else if (b.t == VAL_FLOAT) *out = int_eq_float(num_int(a), b.as.f);
    else *out = num_int(a) == num_int(b);
    return true;
  }
  if (a.t != VAL_OBJ || b.t != VAL_OBJ) {
    if (a.t == VAL_OBJ || b.t == VAL_OBJ) {
      bool handled;
      if (!user_eq(v, a, b, out, &handled)) return false;
      if (handled) return true;
      if (!user_eq(v, b, a, out, &handled)) return false;
      if (handled) return true;
      *out = false;
      return true;
    }
    *out = obj_is(a, b);
    return true;
  }
  if (a.as.o == b.as.o && !is_user_typed(a)) {
    *out = true;
    return true;
  }
  obj_kind ka = a.as.o->kind, kb = b.as.o->kind;
  if (ka == OBJ_STR && kb == OBJ_STR) {
    obj_str *x = AS_STR(a), *y = AS_STR(b);
    *out = x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
    return true;
  }
  if ((ka == OBJ_LIST && kb == OBJ_LIST) || (ka == OBJ_TUPLE && kb == OBJ_TUPLE)) {
    if (!depth_enter(v)) return false;
    bool ok = true;
    *out = true;
    for (size_t i = 0;; i++) {
      size_t na = ka == OBJ_LIST ? AS_LIST(a)->count : AS_TUPLE(a)->count;
      size_t nb = kb == OBJ_LIST ? AS_LIST(b)->count : AS_TUPLE(b)->count;
      if (i >= na || i >= nb) {
        *out = na == nb;
        break;
      }
      value xa = ka == OBJ_LIST ? AS_LIST(a)->items[i] : AS_TUPLE(a)->items[i];
      value xb = kb == OBJ_LIST ? AS_LIST(b)->items[i] : AS_TUPLE(b)->items[i];
      bool eq;
      /* identity first, as CPython's containers do (a NaN held twice by the
       * same variable is the same object there; floats here have no
       * identity, so equal bits stand for it) */
      if (obj_is(xa, xb)) continue;
      if (!obj_equal(v, xa, xb, &eq)) {
        ok = false;
        break;
      }
      if (!eq) {
        *out = false;
        break;
      }
    }
    v->depth--;
    return ok;
  }
  if (ka == OBJ_DICT && kb == OBJ_DICT) {
    obj_dict *x = AS_DICT(a), *y = AS_DICT(b);
    if (x->count != y->count) {
      *out = false;
      return true;
    }
    if (!depth_enter(v)) return false;
    size_t p = 0;
    dict_entry *e;
    bool ok = true;
    *out = true;
    while (obj_dict_next(x, &p, &e)) {
      value key = e->key, val = e->val, other;
      bool found, eq;
      if (!obj_dict_get(v, y, key, &other, &found)) {
        ok = false;
        break;
      }
      if (!found) {
        *out = false;
        break;
      }
      if (obj_is(val, other)) continue;
      if (!obj_equal(v, val, other, &eq)) {
        ok = false;
        break;
      }
      if (!eq) {
        *out = false;
        break;
      }
    }
    v->depth--;
    return ok;
  }
  if ((ka == OBJ_SET || ka == OBJ_FROZENSET) && (kb == OBJ_SET || kb == OBJ_FROZENSET)) {
    obj_dict *x = AS_DICT(a), *y = AS_DICT(b);
    if (x->count != y->count) {
      *out = false;
      return true;
    }
    size_t p = 0;
    dict_entry *e;
    *out = true;
    while (obj_dict_next(x, &p, &e)) {
      bool found;
      if (!obj_set_contains(v, y, e->key, &found)) return false;
      if (!found) {
        *out = false;
        break;
      }
    }
    return true;
  }
  if (ka == OBJ_RANGE && kb == OBJ_RANGE) {
    int64_t na, nb;
    if (!vm_len(v, a, &na) || !vm_len(v, b, &nb)) return false;
    obj_range *x = (obj_range *)a.as.o, *y = (obj_range *)b.as.o;
    *out = na == nb && (na == 0 || (x->start == y->start && (na == 1 || x->step == y->step)));
    return true;
  }
  if (ka == OBJ_BOUND && kb == OBJ_BOUND) {
    *out = obj_is(AS_BOUND(a)->self, AS_BOUND(b)->self) &&
           obj_is(AS_BOUND(a)->func, AS_BOUND(b)->func);
    return true;
  }
  if (ka == OBJ_ITER && kb == OBJ_ITER) {
    obj_iter *x = AS_ITER(a), *y = AS_ITER(b);
    if (x->ik == ITER_VIEW_KEYS && y->ik == ITER_VIEW_KEYS) {
      value ta = val_obj(AS_DICT(x->src)), tb = val_obj(AS_DICT(y->src));
      obj_dict *dx = AS_DICT(ta), *dy = AS_DICT(tb);
      if (dx->count != dy->count) {
        *out = false;
        return true;
      }
      size_t p = 0;
      dict_entry *e;
      *out = true;
      while (obj_dict_next(dx, &p, &e)) {
        bool found;
        if (!obj_set_contains(v, dy, e->key, &found)) return false;
        if (!found) {
          *out = false;
          break;
        }
      }
      return true;
    }
  }
  bool handled;
  if (!user_eq(v, a, b, out, &handled)) return false;
  if (handled) return true;
  if (!user_eq(v, b, a, out, &handled)) return false;
  if (handled) return true;
  *out = a.as.o == b.as.o;
  return true;
}

/* ------------------------------------------------------------ hashing */

static uint64_t hash_int(int64_t n) {
  uint64_t a = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
  uint64_t h = a % HASH_MODULUS;
  if (n < 0) h = (uint64_t)0 - h;
  if (h == (uint64_t)-1) h = (uint64_t)-2;
  return h;
}

/* CPython's _Py_HashDouble for finite values and infinities. */
static uint64_t hash_double(double d) {
  if (isinf(d)) return d > 0 ? HASH_INF : (uint64_t)0 - HASH_INF;
  if (isnan(d)) return 0;
  int e;
  double m = frexp(d, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  uint64_t x = 0;
  while (m != 0.0) {
    x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = (uint64_t)m;
    m -= (double)y;
    x += y;
    if (x >= HASH_MODULUS) x -= HASH_MODULUS;
  }
  e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
  x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
  if (sign < 0) x = (uint64_t)0 - x;
  if (x == (uint64_t)-1) x = (uint64_t)-2;
  return x;
}

static uint64_t shuffle_bits(uint64_t h) { return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL; }

static bool unhashable(vm *v, value x) {
  vm_raisef(v, CLS_TYPE_ERROR, "unhashable type: '%s'", obj_type_name(v, x));
  return false;
}

static uint64_t identity_hash(vm *v, value x) {
  uint64_t a = obj_addr(v, x);
  return (a >> 4) | (a << 60);
}

bool obj_hash(vm *v, value x, uint64_t *out) {
  switch (x.t) {
  case VAL_UNDEF:
  case VAL_NONE: *out = 0x4f2a1c3b5d; return true;
  case VAL_BOOL: *out = x.as.b ? 1 : 0; return true;
  case VAL_INT: *out = hash_int(x.as.i); return true;
  case VAL_FLOAT: *out = hash_double(x.as.f); return true;
  case VAL_OBJ: break;
  }
  obj *o = x.as.o;
  switch (o->kind) {
  case OBJ_STR: *out = str_hash(AS_STR(x)); return true;
  case OBJ_TUPLE: {
    obj_tuple *t = AS_TUPLE(x);
    if (t->hash) {
      *out = t->hash;
      return true;
    }
    if (!depth_enter(v)) return false;
    uint64_t acc = 2870177450012600261ULL;
    for (size_t i = 0; i < t->count; i++) {
      uint64_t lane;
      if (!obj_hash(v, t->items[i], &lane)) {
        v->depth--;
        return false;
      }
      acc += lane * 14029467366897019727ULL;
      acc = (acc << 31) | (acc >> 33);
      acc *= 11400714785074694791ULL;
    }
    v->depth--;
    acc += (uint64_t)t->count ^ (2870177450012600261ULL ^ 3527539ULL);
    if (acc == (uint64_t)-1) acc = 1546275796;
    t->hash = acc;
    *out = acc;
    return true;
  }
  case OBJ_FROZENSET: {
    obj_dict *d = AS_DICT(x);
    uint64_t h = 0;
    size_t p = 0;
    dict_entry *e;
    while (obj_dict_next(d, &p, &e)) h ^= shuffle_bits(e->hash);
    h ^= ((uint64_t)d->count + 1) * 1927868237ULL;
    h ^= (h >> 11) ^ (h >> 25);
    h = h * 69069U + 907133923ULL;
    if (h == (uint64_t)-1) h = 590923713ULL;
    *out = h;
    return true;
  }
  case OBJ_LIST:
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_SLICE: return unhashable(v, x);
  case OBJ_ITER: {
    obj_iter *it = AS_ITER(x);
    if (it->ik == ITER_VIEW_KEYS || it->ik == ITER_VIEW_VALUES || it->ik == ITER_VIEW_ITEMS)
      return unhashable(v, x);
    *out = identity_hash(v, x);
    return true;
  }
  case OBJ_RANGE: {
    obj_range *r = (obj_range *)o;
    int64_t n;
    if (!vm_len(v, x, &n)) return false;
    uint64_t parts[3] = {hash_int(n), n ? hash_int(r->start) : 0x4f2a1c3b5d,
                         n > 1 ? hash_int(r->step) : 0x4f2a1c3b5d};
    uint64_t acc = 2870177450012600261ULL;
    for (int i = 0; i < 3; i++) {
      acc += parts[i] * 14029467366897019727ULL;
      acc = (acc << 31) | (acc >> 33);
      acc *= 11400714785074694791ULL;
    }
    *out = acc;
    return true;
  }
  case OBJ_BOUND: {
    uint64_t a, b;
    if (!obj_hash(v, AS_BOUND(x)->self, &a)) return false;
    b = identity_hash(v, AS_BOUND(x)->func);
    *out = a ^ b;
    return true;
  }
  default: break;
  }
  if (is_user_typed(x)) {
    /* The first class in the chain defining __eq__ or __hash__ decides:
     * __eq__ without __hash__ makes instances unhashable, as in CPython. */
    for (obj_class *c = obj_class_of(v, x); c; c = c->base) {
      value h = obj_dict_get_str(c->dict, v->s_hash);
      if (h.t == VAL_NONE) return unhashable(v, x);
      if (h.t != VAL_UNDEF) {
        value r;
        if (!call_dunder(v, x, h, v->s_hash, NULL, 0, &r)) return false;
        if (r.t == VAL_BOOL) r = val_int(r.as.b);
        if (r.t != VAL_INT) {
          vm_raise_msg(v, CLS_TYPE_ERROR, "__hash__ method should return an integer");
          return false;
        }
        *out = hash_int(r.as.i);
        return true;
      }
      if (obj_dict_get_str(c->dict, v->s_eq).t != VAL_UNDEF) return unhashable(v, x);
    }
  }
  *out = identity_hash(v, x);
  return true;
}

/* ------------------------------------------------------------ registration */

bool vm_def_method(vm *v, obj_class *cls, const char *name, native_fn fn) {
  obj_native *n = obj_native_new(v, fn, name, cls);
  if (!n) return false;
  return obj_dict_set_cstr(v, cls->dict, name, val_obj(n));
}

bool vm_def_native(vm *v, obj_dict *ns, const char *name, native_fn fn) {
  obj_native *n = obj_native_new(v, fn, name, NULL);
  if (!n) return false;
  return obj_dict_set_cstr(v, ns, name, val_obj(n));
}
