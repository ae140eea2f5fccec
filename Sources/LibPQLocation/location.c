#include "LibPQLocation.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static plan_libpq_location decided;
static pthread_once_t deciding = PTHREAD_ONCE_INIT;
static char installed[PATH_MAX];

/* <prefix>/lib/plan/libpq.so.5 for the executable at <prefix>/bin/plan, if that file exists.
   /proc/self/exe is the executable with symlinks resolved, so a symlink to plan on PATH finds
   the library of the install it points into. */
static int find_installed(void) {
    char executable[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length <= 0) return 0;
    executable[length] = '\0';
    for (int component = 0; component < 2; component++) { /* drop "/plan", then "/bin" */
        char *slash = strrchr(executable, '/');
        if (slash == NULL) return 0;
        *slash = '\0';
    }
    int written = snprintf(installed, sizeof installed, "%s/lib/plan/libpq.so.5", executable);
    return written > 0 && (size_t)written < sizeof installed && access(installed, F_OK) == 0;
}

static void decide(void) {
    const char *environment = getenv("PLAN_LIBPQ");
    char *chosen = environment != NULL && environment[0] != '\0' ? strdup(environment) : NULL;
    if (chosen != NULL) {
        /* A copy (kept for the life of the process): the environment can change under a
           pointer into it. */
        decided = (plan_libpq_location){chosen, plan_libpq_from_environment};
    } else if (find_installed()) {
        decided = (plan_libpq_location){installed, plan_libpq_installed_with_plan};
    } else {
        decided = (plan_libpq_location){"libpq.so.5", plan_libpq_from_system};
    }
}

plan_libpq_location plan_libpq_locate(void) {
    pthread_once(&deciding, decide);
    return decided;
}
