/* scenarios: listing the bundled scenarios and reading their headers and bookmarks. The format
 * is described in scenarios.h. */
#define _XOPEN_SOURCE 700

#include "scenarios.h"

#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char headers_file[] = "headers.txt";

/* ---- small helpers ---------------------------------------------------------------------- */

static void set_msg(char *msg, size_t cap, const char *fmt, ...) {
  if (msg == NULL || cap == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, cap, fmt, ap);
  va_end(ap);
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r'; }

/* A NUL-terminated copy of [b, e) without leading and trailing blanks. */
static char *dup_trimmed(const char *b, const char *e) {
  while (b < e && is_space(*b))
    b++;
  while (e > b && is_space(e[-1]))
    e--;
  size_t n = (size_t)(e - b);
  char *s = malloc(n + 1);
  if (s != NULL) {
    memcpy(s, b, n);
    s[n] = '\0';
  }
  return s;
}

static char *dup_str(const char *s) { return dup_trimmed(s, s + strlen(s)); }

/* If [b, e) starts with word (after blanks), returns where the rest begins, else NULL. */
static const char *after_word(const char *b, const char *e, const char *word) {
  while (b < e && is_space(*b))
    b++;
  size_t n = strlen(word);
  if ((size_t)(e - b) < n || memcmp(b, word, n) != 0)
    return NULL;
  return b + n;
}

/* Appends [b, e), trimmed, to *text with one space between pieces. Empty pieces add nothing. */
static bool append_text(char **text, const char *b, const char *e) {
  char *piece = dup_trimmed(b, e);
  if (piece == NULL)
    return false;
  if (piece[0] == '\0') {
    free(piece);
    return true;
  }
  if (*text == NULL) {
    *text = piece;
    return true;
  }
  size_t old = strlen(*text), n = strlen(piece);
  char *joined = realloc(*text, old + 1 + n + 1);
  if (joined == NULL) {
    free(piece);
    return false;
  }
  joined[old] = ' ';
  memcpy(joined + old + 1, piece, n + 1);
  free(piece);
  *text = joined;
  return true;
}

/* Adds a bookmark at line, keeping pauses sorted by line and, for equal lines, in the order
 * they were added. Takes ownership of text (freed on failure). */
static bool add_pause(scen_header *h, int line, char *text) {
  if (text == NULL)
    return false;
  scen_bookmark *p = realloc(h->pauses, (h->npauses + 1) * sizeof *p);
  if (p == NULL) {
    free(text);
    return false;
  }
  h->pauses = p;
  size_t at = h->npauses;
  while (at > 0 && p[at - 1].line > line) {
    p[at] = p[at - 1];
    at--;
  }
  p[at] = (scen_bookmark){line, text};
  h->npauses++;
  return true;
}

void scen_header_free(scen_header *h) {
  free(h->lesson);
  free(h->watch);
  for (size_t i = 0; i < h->npauses; i++)
    free(h->pauses[i].text);
  free(h->pauses);
  *h = (scen_header){0};
}

/* ---- scenario source ---------------------------------------------------------------------- */

/* What the scanner carries from one physical line to the next: enough of Python's tokenizer to
 * tell comments from string contents and where a statement continues. */
typedef struct line_state {
  char quote;     /* the quote of the string still open at the end of the line, or 0 */
  bool triple;    /* that string is triple-quoted */
  int depth;      /* open brackets */
  bool backslash; /* the line ended in a backslash continuation */
} line_state;

/* Scans one physical line [b, e). Sets *code when it holds anything but blanks and a comment
 * (string contents carried over from the previous line count as code) and *comment to its '#',
 * or NULL. */
static void scan_line(line_state *st, const char *b, const char *e, bool *code,
                      const char **comment) {
  *code = st->quote != 0;
  *comment = NULL;
  st->backslash = false;
  bool escaped_newline = false;
  for (const char *q = b; q < e; q++) {
    char c = *q;
    if (st->quote != 0) {
      if (c == '\\') {
        if (q + 1 < e)
          q++;
        else
          escaped_newline = true;
      } else if (c == st->quote &&
                 (!st->triple || (q + 2 < e && q[1] == st->quote && q[2] == st->quote))) {
        if (st->triple)
          q += 2;
        st->quote = 0;
        st->triple = false;
      }
      continue;
    }
    if (c == '#') {
      *comment = q;
      return;
    }
    if (is_space(c))
      continue;
    *code = true;
    if (c == '\'' || c == '"') {
      st->quote = c;
      st->triple = q + 2 < e && q[1] == c && q[2] == c;
      if (st->triple)
        q += 2;
    } else if (c == '(' || c == '[' || c == '{') {
      st->depth++;
    } else if ((c == ')' || c == ']' || c == '}') && st->depth > 0) {
      st->depth--;
    } else if (c == '\\' && q + 1 == e) {
      st->backslash = true;
    }
  }
  /* A one-quote string ends at the end of its line unless a backslash carries it on. */
  if (st->quote != 0 && !st->triple && !escaped_newline)
    st->quote = 0;
}

/* The comment's text after '#' and blanks, as [*tb, e). */
static const char *comment_text(const char *hash, const char *e) {
  const char *t = hash + 1;
  while (t < e && is_space(*t))
    t++;
  return t;
}

scen_status scen_parse(const char *text, size_t len, scen_header *out) {
  *out = (scen_header){0};
  scen_header h = {0};
  line_state st = {0};
  bool in_header = true;  /* still inside the leading block of comment lines */
  bool describing = false; /* the lesson line was seen: comment lines are the watch text */
  int stmt = 0;            /* first line of the statement being read, 0 before the first */
  /* own-line bookmarks waiting for the next statement */
  scen_bookmark *pending = NULL;
  size_t npending = 0;
  bool ok = true;

  const char *p = text, *end = text + len;
  int line = 0;
  while (ok && p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl != NULL ? nl : end;
    line++;
    bool logical_start = st.quote == 0 && st.depth == 0 && !st.backslash;
    bool code;
    const char *hash;
    scan_line(&st, p, e, &code, &hash);

    if (logical_start && code) {
      stmt = line;
      for (size_t i = 0; ok && i < npending; i++) {
        ok = add_pause(&h, stmt, pending[i].text);
        pending[i].text = NULL;
      }
      npending = 0;
    }
    if (in_header && (code || hash == NULL || !logical_start))
      in_header = false;

    const char *t = hash != NULL ? comment_text(hash, e) : NULL;
    const char *rest = t != NULL ? after_word(t, e, "pause:") : NULL;
    if (ok && rest != NULL) {
      char *caption = dup_trimmed(rest, e);
      if (stmt != 0 && (code || !logical_start)) {
        ok = add_pause(&h, stmt, caption); /* trailing, or inside an unfinished statement */
      } else {
        scen_bookmark *grown = realloc(pending, (npending + 1) * sizeof *grown);
        ok = caption != NULL && grown != NULL;
        if (grown != NULL)
          pending = grown;
        if (ok)
          pending[npending++] = (scen_bookmark){line, caption};
        else
          free(caption);
      }
    } else if (ok && in_header && t != NULL) {
      const char *lesson = h.lesson == NULL ? after_word(t, e, "lesson:") : NULL;
      if (lesson != NULL) {
        ok = (h.lesson = dup_trimmed(lesson, e)) != NULL;
        describing = true;
      } else if (describing) {
        ok = append_text(&h.watch, t, e);
      }
    }
    p = nl != NULL ? nl + 1 : end;
  }
  /* Bookmarks after the last statement mark nothing. */
  for (size_t i = 0; i < npending; i++)
    free(pending[i].text);
  free(pending);
  h.nlines = line;
  if (!ok) {
    scen_header_free(&h);
    return SCEN_NO_MEMORY;
  }
  *out = h;
  return SCEN_OK;
}

/* Reads a whole file of at most SCEN_MAX_FILE bytes into a new buffer. */
static scen_status read_file(const char *path, char **text, size_t *len) {
  *text = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return errno == ENOENT || errno == ENOTDIR ? SCEN_NOT_FOUND : SCEN_IO_ERROR;
  char *buf = malloc(SCEN_MAX_FILE + 1);
  if (buf == NULL) {
    fclose(f);
    return SCEN_NO_MEMORY;
  }
  size_t n = fread(buf, 1, SCEN_MAX_FILE + 1, f);
  bool failed = ferror(f) != 0;
  fclose(f);
  if (failed || n > SCEN_MAX_FILE) {
    free(buf);
    return failed ? SCEN_IO_ERROR : SCEN_TOO_LARGE;
  }
  *text = buf;
  *len = n;
  return SCEN_OK;
}

scen_status scen_read(const char *path, scen_header *out) {
  *out = (scen_header){0};
  char *text;
  size_t len;
  scen_status st = read_file(path, &text, &len);
  if (st != SCEN_OK)
    return st;
  st = scen_parse(text, len, out);
  free(text);
  return st;
}

/* ---- the list ------------------------------------------------------------------------------ */

void scen_list_free(scen_list *list) {
  for (size_t i = 0; i < list->count; i++) {
    free(list->items[i].name);
    free(list->items[i].path);
    scen_header_free(&list->items[i].header);
  }
  free(list->items);
  *list = (scen_list){0};
}

const scen_entry *scen_find(const scen_list *list, const char *name) {
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->items[i].name, name) == 0)
      return &list->items[i];
  return NULL;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const scen_entry *)a)->name, ((const scen_entry *)b)->name);
}

/* A directory entry is a scenario when it is NAME.py with a NAME that paths_is_name accepts,
 * and a regular file. Returns the length of NAME, or 0. */
static size_t scenario_stem(const char *dir, const char *file) {
  size_t n = strlen(file);
  if (n <= 3 || strcmp(file + n - 3, ".py") != 0)
    return 0;
  char stem[256];
  if (n - 3 >= sizeof stem)
    return 0;
  memcpy(stem, file, n - 3);
  stem[n - 3] = '\0';
  char path[PATHS_MAX];
  struct stat sb;
  if (!paths_is_name(stem) || paths_join(path, sizeof path, dir, file) != PATHS_OK ||
      stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
    return 0;
  return n - 3;
}

/* Adds data_dir/scenarios/file as a new entry, its header read from the file. */
static scen_status add_entry(scen_list *list, const char *dir, const char *file, size_t stem,
                             char *msg, size_t cap) {
  scen_entry *grown = realloc(list->items, (list->count + 1) * sizeof *grown);
  if (grown == NULL)
    return SCEN_NO_MEMORY;
  list->items = grown;
  scen_entry *en = &list->items[list->count];
  *en = (scen_entry){0};
  char path[PATHS_MAX];
  if (paths_join(path, sizeof path, dir, file) != PATHS_OK)
    return SCEN_NO_MEMORY; /* scenario_stem already joined the same two parts */
  en->name = dup_trimmed(file, file + stem);
  en->path = dup_str(path);
  list->count++; /* from here on scen_list_free owns the entry */
  if (en->name == NULL || en->path == NULL)
    return SCEN_NO_MEMORY;
  scen_status st = scen_read(path, &en->header);
  if (st != SCEN_OK)
    set_msg(msg, cap, "%s: %s", path, scen_status_str(st));
  return st;
}

/* ---- headers.txt ---------------------------------------------------------------------------- */

typedef struct index_pause {
  int line;   /* the scenario line it marks */
  long at;    /* its own line in headers.txt, for messages */
  char *text; /* the caption */
} index_pause;

typedef struct index_section {
  char name[256];      /* the scenario it describes; "" while no section is open */
  long at;             /* its [NAME] line in headers.txt */
  char *lesson;        /* the lesson: field, or NULL */
  char *watch;         /* the watch: fields joined, or NULL */
  index_pause *pauses; /* the pause lines in file order */
  size_t npauses;      /* how many */
} index_section;

typedef struct index_reader {
  scen_list *list;   /* the entries the sections complete */
  bool *done;        /* per entry: a section has been applied to it */
  const char *path;  /* headers.txt, for messages */
  char *msg;         /* where a message goes, or NULL */
  size_t cap;        /* its capacity */
  index_section sec; /* the open section */
} index_reader;

static void section_clear(index_section *sec) {
  free(sec->lesson);
  free(sec->watch);
  for (size_t i = 0; i < sec->npauses; i++)
    free(sec->pauses[i].text);
  free(sec->pauses);
  *sec = (index_section){0};
}

static scen_status index_error(index_reader *r, long line, const char *what) {
  set_msg(r->msg, r->cap, "%s:%ld: %s", r->path, line, what);
  return SCEN_BAD_INDEX;
}

/* Checks the open section against its scenario and moves its fields into the entry. */
static scen_status section_close(index_reader *r) {
  index_section *sec = &r->sec;
  if (sec->name[0] == '\0')
    return SCEN_OK;
  size_t i = 0;
  while (i < r->list->count && strcmp(r->list->items[i].name, sec->name) != 0)
    i++;
  char what[512];
  if (i == r->list->count) {
    snprintf(what, sizeof what, "no bundled scenario %s.py", sec->name);
    return index_error(r, sec->at, what);
  }
  scen_entry *en = &r->list->items[i];
  if (r->done[i]) {
    snprintf(what, sizeof what, "a second section [%s]", sec->name);
    return index_error(r, sec->at, what);
  }
  if (en->header.lesson != NULL) {
    snprintf(what, sizeof what, "%s.py has a header of its own", sec->name);
    return index_error(r, sec->at, what);
  }
  if (sec->lesson == NULL) {
    snprintf(what, sizeof what, "section [%s] has no lesson: line", sec->name);
    return index_error(r, sec->at, what);
  }
  for (size_t k = 0; k < sec->npauses; k++)
    if (sec->pauses[k].line > en->header.nlines) {
      snprintf(what, sizeof what, "pause %d is past the last line of %s.py (%d)",
               sec->pauses[k].line, sec->name, en->header.nlines);
      return index_error(r, sec->pauses[k].at, what);
    }
  r->done[i] = true;
  en->header.lesson = sec->lesson;
  en->header.watch = sec->watch;
  sec->lesson = sec->watch = NULL;
  for (size_t k = 0; k < sec->npauses; k++) {
    char *text = sec->pauses[k].text;
    sec->pauses[k].text = NULL;
    if (!add_pause(&en->header, sec->pauses[k].line, text))
      return SCEN_NO_MEMORY;
  }
  section_clear(sec);
  return SCEN_OK;
}

/* Reads "[NAME]" (b is at the '['). */
static scen_status section_open(index_reader *r, long line, const char *b, const char *e) {
  scen_status st = section_close(r);
  if (st != SCEN_OK)
    return st;
  while (e > b && is_space(e[-1]))
    e--;
  size_t n = (size_t)(e - b);
  if (n < 3 || e[-1] != ']' || n - 2 >= sizeof r->sec.name)
    return index_error(r, line, "a section line is [NAME]");
  memcpy(r->sec.name, b + 1, n - 2);
  r->sec.name[n - 2] = '\0';
  r->sec.at = line;
  if (!paths_is_name(r->sec.name))
    return index_error(r, line, "a section names a scenario: no '/', no '.'");
  return SCEN_OK;
}

/* Reads "pause LINE: caption" (rest is just after the word pause). */
static scen_status section_pause(index_reader *r, long line, const char *rest, const char *e) {
  while (rest < e && is_space(*rest))
    rest++;
  long n = 0;
  const char *q = rest;
  while (q < e && *q >= '0' && *q <= '9' && n <= SCEN_MAX_FILE)
    n = n * 10 + (*q++ - '0');
  if (q == rest || q >= e || *q != ':' || n < 1 || n > SCEN_MAX_FILE)
    return index_error(r, line, "a pause line is: pause LINE: caption");
  index_section *sec = &r->sec;
  index_pause *grown = realloc(sec->pauses, (sec->npauses + 1) * sizeof *grown);
  if (grown == NULL)
    return SCEN_NO_MEMORY;
  sec->pauses = grown;
  char *text = dup_trimmed(q + 1, e);
  if (text == NULL)
    return SCEN_NO_MEMORY;
  sec->pauses[sec->npauses++] = (index_pause){(int)n, line, text};
  return SCEN_OK;
}

/* One line of headers.txt, [b, e). */
static scen_status index_line(index_reader *r, long line, const char *b, const char *e) {
  while (b < e && is_space(*b))
    b++;
  if (b == e || *b == '#')
    return SCEN_OK;
  if (*b == '[')
    return section_open(r, line, b, e);
  if (r->sec.name[0] == '\0')
    return index_error(r, line, "a field before the first [NAME] section");
  const char *rest;
  if ((rest = after_word(b, e, "lesson:")) != NULL) {
    if (r->sec.lesson != NULL)
      return index_error(r, line, "a second lesson: line in this section");
    return (r->sec.lesson = dup_trimmed(rest, e)) != NULL ? SCEN_OK : SCEN_NO_MEMORY;
  }
  if ((rest = after_word(b, e, "watch:")) != NULL)
    return append_text(&r->sec.watch, rest, e) ? SCEN_OK : SCEN_NO_MEMORY;
  if ((rest = after_word(b, e, "pause")) != NULL)
    return section_pause(r, line, rest, e);
  return index_error(r, line, "unknown line: the fields are lesson:, watch: and pause LINE:");
}

/* Completes the list's entries from headers.txt (text of len bytes, at path). */
static scen_status apply_index(scen_list *list, const char *path, const char *text, size_t len,
                               char *msg, size_t cap) {
  index_reader r = {0};
  r.list = list;
  r.done = calloc(list->count + 1, sizeof(bool));
  r.path = path;
  r.msg = msg;
  r.cap = cap;
  if (r.done == NULL)
    return SCEN_NO_MEMORY;
  scen_status st = SCEN_OK;
  const char *p = text, *end = text + len;
  long line = 0;
  while (st == SCEN_OK && p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl != NULL ? nl : end;
    st = index_line(&r, ++line, p, e);
    p = nl != NULL ? nl + 1 : end;
  }
  if (st == SCEN_OK)
    st = section_close(&r);
  section_clear(&r.sec);
  free(r.done);
  if (st == SCEN_NO_MEMORY)
    set_msg(msg, cap, "%s: %s", path, scen_status_str(st));
  return st;
}

scen_status scen_list_dir(const char *data_dir, scen_list *out, char *msg, size_t cap) {
  *out = (scen_list){0};
  if (msg != NULL && cap > 0)
    msg[0] = '\0';
  char dir[PATHS_MAX];
  if (paths_join(dir, sizeof dir, data_dir, "scenarios") != PATHS_OK) {
    set_msg(msg, cap, "the data directory's path is too long");
    return SCEN_NOT_FOUND;
  }
  DIR *d = opendir(dir);
  if (d == NULL) {
    scen_status st = errno == ENOENT || errno == ENOTDIR ? SCEN_NOT_FOUND : SCEN_IO_ERROR;
    set_msg(msg, cap, "%s: %s", dir, scen_status_str(st));
    return st;
  }
  scen_list list = {0};
  scen_status st = SCEN_OK;
  struct dirent *de;
  while (st == SCEN_OK && (de = readdir(d)) != NULL) {
    size_t stem = scenario_stem(dir, de->d_name);
    if (stem > 0)
      st = add_entry(&list, dir, de->d_name, stem, msg, cap);
  }
  closedir(d);
  if (st == SCEN_OK && list.count > 1)
    qsort(list.items, list.count, sizeof list.items[0], by_name);

  char index[PATHS_MAX];
  char *text = NULL;
  size_t len = 0;
  if (st == SCEN_OK && paths_join(index, sizeof index, dir, headers_file) == PATHS_OK) {
    scen_status rd = read_file(index, &text, &len);
    if (rd == SCEN_OK)
      st = apply_index(&list, index, text, len, msg, cap);
    else if (rd != SCEN_NOT_FOUND) {
      st = rd;
      set_msg(msg, cap, "%s: %s", index, scen_status_str(st));
    }
    free(text);
  }
  if (st != SCEN_OK) {
    scen_list_free(&list);
    return st;
  }
  *out = list;
  return SCEN_OK;
}

int scen_list_write(const scen_list *list, FILE *out) {
  int width = 0;
  for (size_t i = 0; i < list->count; i++) {
    size_t n = strlen(list->items[i].name);
    if (n > (size_t)width)
      width = n > 200 ? 200 : (int)n;
  }
  for (size_t i = 0; i < list->count; i++) {
    const scen_entry *en = &list->items[i];
    if (en->header.lesson != NULL)
      fprintf(out, "%-*s  %s\n", width, en->name, en->header.lesson);
    else
      fprintf(out, "%s\n", en->name);
  }
  return ferror(out) ? -1 : 0;
}

const char *scen_status_str(scen_status st) {
  switch (st) {
  case SCEN_OK:
    return "ok";
  case SCEN_NOT_FOUND:
    return "no such file or directory";
  case SCEN_IO_ERROR:
    return "cannot read it";
  case SCEN_TOO_LARGE:
    return "too large for a scenario";
  case SCEN_BAD_INDEX:
    return "malformed headers.txt";
  case SCEN_NO_MEMORY:
    return "out of memory";
  }
  return "unknown status";
}
