#ifndef PLAN_STARTUP_H
#define PLAN_STARTUP_H
/* Nothing to call: linking this target into the executable is what starts libpq loading
   early (see preload.c). */
#endif
