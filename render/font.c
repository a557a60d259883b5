/* font: fontconfig lookup. A private FcConfig is loaded per call, so nothing global is touched
 * and nothing outlives the call; fontconfig's on-disk cache makes this cost a few milliseconds. */
#define _POSIX_C_SOURCE 200809L

#include "font.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const family_names[] = {
    [FONT_SANS] = "DejaVu Sans",
    [FONT_MONO] = "DejaVu Sans Mono",
    [FONT_SANS_BOLD] = "DejaVu Sans",
};

static const int weights[] = {
    [FONT_SANS] = FC_WEIGHT_REGULAR,
    [FONT_MONO] = FC_WEIGHT_REGULAR,
    [FONT_SANS_BOLD] = FC_WEIGHT_BOLD,
};

const char *font_family(font_face face) { return family_names[face]; }

static font_status copy_path(char *path, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap)
    return FONT_TOO_LONG;
  memcpy(path, src, n + 1);
  return FONT_OK;
}

static int readable_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0;
}

/* Asks fontconfig for the best match of the family and accepts it only when the match really is
 * that family (FcFontMatch always answers something) and its file exists. */
static font_status match_family(FcConfig *cfg, const char *family, int weight, char *path,
                                size_t cap) {
  FcPattern *pat = FcPatternCreate();
  if (pat == NULL)
    return FONT_NO_FONTCONFIG;
  FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
  FcPatternAddInteger(pat, FC_WEIGHT, weight);
  FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
  FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
  FcConfigSubstitute(cfg, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res = FcResultNoMatch;
  FcPattern *match = FcFontMatch(cfg, pat, &res);
  FcPatternDestroy(pat);
  if (match == NULL)
    return FONT_NOT_FOUND;
  font_status st = FONT_NOT_FOUND;
  FcChar8 *got_family = NULL;
  FcChar8 *file = NULL;
  int got_weight = -1;
  if (FcPatternGetString(match, FC_FAMILY, 0, &got_family) == FcResultMatch &&
      FcPatternGetInteger(match, FC_WEIGHT, 0, &got_weight) == FcResultMatch &&
      got_weight == weight &&
      FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
      strcasecmp((const char *)got_family, family) == 0 && readable_file((const char *)file))
    st = copy_path(path, cap, (const char *)file);
  FcPatternDestroy(match);
  return st;
}

font_status font_find(font_face face, char *path, size_t cap) {
  FcConfig *cfg = FcInitLoadConfigAndFonts();
  if (cfg == NULL)
    return FONT_NO_FONTCONFIG;
  font_status st = match_family(cfg, font_family(face), weights[face], path, cap);
  FcConfigDestroy(cfg);
  return st;
}

font_status font_resolve(const char *override, font_face face, char *path, size_t cap) {
  if (override == NULL)
    return font_find(face, path, cap);
  if (!readable_file(override))
    return FONT_BAD_OVERRIDE;
  return copy_path(path, cap, override);
}

void font_describe(font_status st, font_face face, const char *override, char *msg, size_t cap) {
  switch (st) {
  case FONT_OK:
    snprintf(msg, cap, "font found");
    break;
  case FONT_NOT_FOUND:
    snprintf(msg, cap,
             "font \"%s\" not found through fontconfig; install the fonts-dejavu-core package "
             "or pass --font PATH",
             font_family(face));
    break;
  case FONT_BAD_OVERRIDE:
    snprintf(msg, cap, "--font %s: not a readable font file", override ? override : "");
    break;
  case FONT_NO_FONTCONFIG:
    snprintf(msg, cap, "fontconfig could not be initialised; pass --font PATH");
    break;
  case FONT_TOO_LONG:
    snprintf(msg, cap, "font path too long");
    break;
  }
}
