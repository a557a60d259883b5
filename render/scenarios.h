/* scenarios: the bundled scenario library (every NAME.py in DATA/scenarios) and what each file
 * says about itself. Pure C: no SDL, no printing except where a FILE is handed in.
 *
 * A scenario's header is its leading block of comment lines:
 *
 *     # lesson: create_task starts work now; await the task later
 *     # Watch the new task appear the moment create_task runs, ... (what to watch: any number
 *     # of comment lines, joined with single spaces)
 *     import asyncio
 *
 * The `# lesson:` line starts the description; the comment lines after it, up to the first
 * line that is not a comment, are the "what to watch" text. Lines of the block before the
 * lesson line (a shebang, a licence) are ignored.
 *
 * A comment whose text starts with `pause:` anywhere in the file is a bookmark: playback stops
 * when execution reaches its line and shows the text as the caption. A trailing comment marks
 * the statement it trails; a comment on a line of its own marks the next statement. Either way
 * the bookmark's line is the first line of that statement (where a statement spans several
 * lines, the line the trace reports). A `pause:` comment with no statement after it marks
 * nothing and is dropped. `#` inside a string literal is no comment.
 *
 * Files that must stay byte-for-byte as published (the article's five programs) get their
 * header from DATA/scenarios/headers.txt instead, one section per scenario:
 *
 *     [greet]
 *     lesson: one line
 *     watch: text (several watch lines are joined with single spaces)
 *     pause 4: caption for line 4
 *
 * Blank lines and lines starting with `#` are comments there. A section must name a bundled
 * scenario without a header of its own, and a pause line must lie inside that file. */
#ifndef LOOPVIZ_SCENARIOS_H
#define LOOPVIZ_SCENARIOS_H

#include <stddef.h>
#include <stdio.h>

enum { SCEN_MAX_FILE = 1 << 20 }; /* largest scenario or headers.txt read, in bytes */

typedef enum scen_status {
  SCEN_OK = 0,         /* done */
  SCEN_NOT_FOUND = 1,  /* the file or the scenarios/ directory does not exist */
  SCEN_IO_ERROR = 2,   /* a read failed */
  SCEN_TOO_LARGE = 3,  /* a file is larger than SCEN_MAX_FILE */
  SCEN_BAD_INDEX = 4,  /* headers.txt is malformed or disagrees with the files */
  SCEN_NO_MEMORY = 5,  /* an allocation failed */
} scen_status;

typedef struct scen_bookmark {
  int line;   /* 1-based line where playback stops */
  char *text; /* the caption, trimmed */
} scen_bookmark;

typedef struct scen_header {
  char *lesson;           /* the one-line lesson, or NULL when the file has none */
  char *watch;            /* what to watch in the diagram, or NULL */
  scen_bookmark *pauses;  /* bookmarks in line order (file order for equal lines) */
  size_t npauses;         /* how many */
  int nlines;             /* lines in the file (a last line without newline counts) */
} scen_header;

typedef struct scen_entry {
  char *name;         /* the file name without .py: what `loopviz NAME` opens */
  char *path;         /* DATA/scenarios/NAME.py */
  scen_header header; /* from the file, or from headers.txt */
} scen_entry;

typedef struct scen_list {
  scen_entry *items; /* sorted by name (strcmp) */
  size_t count;      /* how many */
} scen_list;

/* Reads the header and bookmarks of scenario source text (len bytes, need not end in NUL).
 * On any status but SCEN_OK, *out is left empty (safe to free). */
scen_status scen_parse(const char *text, size_t len, scen_header *out);

/* scen_parse on the file at path. */
scen_status scen_read(const char *path, scen_header *out);

/* Frees what *h owns and empties it. */
void scen_header_free(scen_header *h);

/* Lists every NAME.py in data_dir/scenarios whose NAME has no '.' (sorted), with its header,
 * completed from data_dir/scenarios/headers.txt when that file exists. On failure, *out is
 * empty and msg (capacity cap, may be NULL) says what went wrong in one line, with file and
 * line for SCEN_BAD_INDEX. */
scen_status scen_list_dir(const char *data_dir, scen_list *out, char *msg, size_t cap);

/* The entry called name, or NULL. */
const scen_entry *scen_find(const scen_list *list, const char *name);

/* Writes one line per scenario: its name, padded so the lessons line up, two spaces and its
 * lesson (nothing after the name if it has none). Returns 0, or -1 if writing failed. */
int scen_list_write(const scen_list *list, FILE *out);

/* Frees what *list owns and empties it. */
void scen_list_free(scen_list *list);

/* A one-line description of a status ("no such file"). */
const char *scen_status_str(scen_status st);

#endif
