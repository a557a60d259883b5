/* gui: the drawing module's entry (loopviz-gui.so): the window and the picture exports, asked for
 * by the executable through gui_entry. See gui.h. */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno */

#include "gui.h"

#include "app.h"
#include "cli.h"
#include "export.h"

#include <stdlib.h>
#include <unistd.h>

static int run_window(const gui_request *req) {
  app_config cfg = {req->scenario, req->font, req->icon, req->limits};
  app_prefs prefs = {req->theme, 0, 0};
  app *a = NULL;
  char msg[512];
  switch (app_open_prefs(&cfg, &prefs, &a, msg, sizeof msg)) {
  case APP_OK:
    app_run(a);
    app_close(a);
    return CLI_EXIT_OK;
  case APP_NO_DISPLAY:
    fprintf(req->err,
            "loopviz: cannot open a window: %s; `loopviz export` draws the same diagram "
            "without a display\n",
            msg);
    return CLI_EXIT_FAILURE;
  default:
    fprintf(req->err, "loopviz: %s\n", msg);
    return CLI_EXIT_FAILURE;
  }
}

/* Frames, video, still and SVG (export.h), with a progress bar when err is a terminal. When the
 * program stops with an error, its last line goes on err as well, unless traced (a trace export
 * ran it already and wrote its traceback there). Exit status: the run's (0, or 1 when the program
 * stopped with an error, as for the traces), 2 for a wrong option value, 130 after Ctrl-C, 1 for
 * any other failure. */
static int run_pictures(const gui_request *req) {
  exp_options eo = req->exp;
  eo.font = req->font;
  eo.limits = req->limits;
  FILE *err = req->err;
  const char *columns = getenv("COLUMNS");
  exp_terminal term = {err, columns != NULL ? atoi(columns) : 0, 0, false};
  if (isatty(fileno(err))) {
    eo.progress = exp_terminal_progress;
    eo.progress_user = &term;
  }
  exp_result res;
  char msg[1024];
  exp_status st = exp_run(&eo, req->scenario, &res, msg, sizeof msg);
  exp_terminal_end(&term);
  if (st == EXP_OK && res.error[0] != '\0' && !req->traced)
    fprintf(err, "loopviz: %s\n", res.error); /* the pictures show it; say it here too */
  if (st == EXP_OK)
    return res.run_status;
  fprintf(err, "loopviz: %s\n", msg);
  return st == EXP_USAGE         ? CLI_EXIT_USAGE
         : st == EXP_INTERRUPTED ? CLI_EXIT_INTERRUPTED
                                 : CLI_EXIT_FAILURE;
}

int gui_entry(unsigned abi, size_t request_size, const gui_request *req) {
  if (abi != GUI_ABI_VERSION || request_size != sizeof *req)
    return -GUI_ABI_VERSION;
  return req->command == GUI_WINDOW ? run_window(req) : run_pictures(req);
}
